/* pario_xsum accumulators through MPI (see xsum_mpi.h). */
#include "config.h"
#include "xsum_mpi.h"

static void merge_op(void *in, void *inout, int *len, MPI_Datatype *dt)
{
    (void)dt;
    const pario_xsum *a = in;
    pario_xsum *b = inout;
    for (int i = 0; i < *len; i++)
        pario_xsum_merge(&b[i], &a[i]);
}

void pario_xsum_mpi_init(pario_xsum_mpi *m)
{
    MPI_Type_contiguous((int)sizeof(pario_xsum), MPI_BYTE, &m->type);
    MPI_Type_commit(&m->type);
    MPI_Op_create(merge_op, 1, &m->op);
}

void pario_xsum_mpi_free(pario_xsum_mpi *m)
{
    MPI_Op_free(&m->op);
    MPI_Type_free(&m->type);
}
