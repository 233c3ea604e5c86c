/* Shared by the reader and the writer. */
#ifndef PARIO_IO_INTERNAL_H
#define PARIO_IO_INTERNAL_H
#include <stdint.h>
#include <stddef.h>
#include <mpi.h>
#include "pario/io.h"

/* Collective: the number of chunk steps every rank takes (the largest rank's). */
uint64_t pario_io_nsteps(uint64_t local_count, size_t chunk, MPI_Comm comm);
/* Elements per chunk for an element size. */
size_t pario_io_chunk_elems(const pario_io_opts *o, size_t esize);
#endif
