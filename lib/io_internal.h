/* Shared by the reader and the writer. */
#ifndef PARIO_IO_INTERNAL_H
#define PARIO_IO_INTERNAL_H
#include <stdint.h>
#include <stddef.h>
#include <mpi.h>
#include "config.h"
#include "pario/io.h"

/* Collective: the number of chunk steps every rank takes (the largest rank's). */
uint64_t pario_io_nsteps(uint64_t local_count, size_t chunk, MPI_Comm comm);
/* Elements per chunk for an element size. */
size_t pario_io_chunk_elems(const pario_io_opts *o, size_t esize);

/* Elements in a status, large-count where MPI has it. */
static inline MPI_Count pario_status_count(const MPI_Status *s, MPI_Datatype t)
{
#ifdef PARIO_HAVE_LARGE_COUNT
    MPI_Count c = 0;
    MPI_Get_count_c(s, t, &c);
    return c;
#else
    int c = 0;
    MPI_Get_count(s, t, &c);
    return c;
#endif
}
#endif
