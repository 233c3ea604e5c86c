/* pario_allreduce_u64 against the minimum and maximum each rank computes for
 * itself: every rank knows every rank's value (a formula of the rank), so the
 * reference is a plain loop. Values on both sides of 2^63, UINT64_MAX and 0,
 * the cases MPICH 4.0.2's MPI_UINT64_T gets wrong (tests/mpi/defects.sh runs it
 * at 2, 3 and 5 ranks). Prints each mismatch; exit 1 on any. */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include "pario/status.h"

static uint64_t value(int c, int r)
{
    const uint64_t top = (uint64_t)1 << 63;
    switch (c) {
    case 0: return r == 0 ? UINT64_MAX : 70000 + (uint64_t)r;   /* the sentinel on one rank */
    case 1: return top + 5 - (uint64_t)r;                       /* all above 2^63 */
    case 2: return r % 2 ? top - 1 : top;                       /* either side of 2^63 */
    case 3: return r % 2 ? 0 : UINT64_MAX - (uint64_t)r;        /* the two ends */
    default: return (uint64_t)r * 1000003;                       /* small */
    }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, P, bad = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &P);
    for (int c = 0; c < 5; c++) {
        uint64_t lo = value(c, 0), hi = lo;
        for (int r = 1; r < P; r++) {
            lo = value(c, r) < lo ? value(c, r) : lo;
            hi = value(c, r) > hi ? value(c, r) : hi;
        }
        uint64_t gl = pario_allreduce_u64(value(c, rank), MPI_MIN, MPI_COMM_WORLD);
        uint64_t gh = pario_allreduce_u64(value(c, rank), MPI_MAX, MPI_COMM_WORLD);
        if (gl != lo || gh != hi) {
            printf("rank %d case %d: min %llu (want %llu), max %llu (want %llu)\n", rank, c, (unsigned long long)gl,
                   (unsigned long long)lo, (unsigned long long)gh, (unsigned long long)hi);
            bad = 1;
        }
    }
    MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (rank == 0)
        printf("u64_cases: %s\n", bad ? "mismatch" : "ok");
    MPI_Finalize();
    return bad;
}
