/* pario_xsum accumulators through MPI (private): a datatype of one accumulator's
 * bytes (plain old data) and a commutative op that merges them exactly, so an
 * MPI_Allreduce of them gives the same bits in any order or tree. */
#ifndef PARIO_XSUM_MPI_H
#define PARIO_XSUM_MPI_H
#include <mpi.h>
#include "pario/xsum.h"

typedef struct pario_xsum_mpi {
    MPI_Datatype type; /* one pario_xsum */
    MPI_Op op;         /* inout += in, exactly (pario_xsum_merge) */
} pario_xsum_mpi;

void pario_xsum_mpi_init(pario_xsum_mpi *m);
void pario_xsum_mpi_free(pario_xsum_mpi *m);

#endif
