/* Internal: waiting for MPI requests without holding the core. MPICH here
 * busy-polls, so a rank that waits in a blocking call spins on its core; with
 * more ranks than cores it takes the time slice a rank still working needs
 * (doc/performance.md, "More ranks than cores"). */
#ifndef PARIO_WAIT_H
#define PARIO_WAIT_H
#include <mpi.h>

/* MPI_Wait, giving the core away (sched_yield) between MPI_Tests. */
int pario_wait_yielding(MPI_Request *rq);

#endif
