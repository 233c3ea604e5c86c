/* Internal: the reader's prefetch thread (lib/io_prefetch.c). */
#ifndef PARIO_IO_PREFETCH_H
#define PARIO_IO_PREFETCH_H
#include <mpi.h>

typedef struct pario_prefetch pario_prefetch;

/* Collective over comm (it asks which ranks share this node): 1 if a prefetch
 * thread can run beside this rank, i.e. MPI gives at least MPI_THREAD_SERIALIZED
 * and, unless force, the CPUs this rank may use number at least twice the ranks
 * on its node (a thread that has no core of its own only slows the rank down). */
int pario_prefetch_useful(int force, MPI_Comm comm);

/* A thread that waits for reads; NULL if it cannot be started. */
pario_prefetch *pario_prefetch_start(void);
/* Hand the thread one read: collective (MPI_File_read_at_all) or independent. */
void pario_prefetch_post(pario_prefetch *p, MPI_File fh, MPI_Offset off, void *buf, int n, MPI_Datatype t,
                         int collective);
/* Wait for the posted read; its MPI error code and status. */
int pario_prefetch_wait(pario_prefetch *p, MPI_Status *status);
/* Stop and join the thread (no read may be in flight). */
void pario_prefetch_stop(pario_prefetch *p);

#endif
