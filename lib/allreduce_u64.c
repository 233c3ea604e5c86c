/* The minimum or maximum of a uint64_t over the ranks, right for values of
 * 2^63 and more (include/pario/status.h: MPICH 4.0.2 compares MPI_UINT64_T as
 * signed). Flipping the top bit maps the unsigned order onto the signed one. */
#include "config.h"
#include "pario/status.h"

uint64_t pario_allreduce_u64(uint64_t v, MPI_Op op, MPI_Comm comm)
{
    const uint64_t top = (uint64_t)1 << 63;
    int64_t s = (int64_t)(v ^ top);
    MPI_Allreduce(MPI_IN_PLACE, &s, 1, MPI_INT64_T, op, comm);
    return (uint64_t)s ^ top;
}
