/* Internal: waiting for MPI requests without holding the core. MPICH here
 * busy-polls, so a rank that waits in a blocking call spins on its core; with
 * more ranks than cores it takes the time slice a rank still working needs
 * (doc/performance.md, "More ranks than cores"). */
#ifndef PARIO_WAIT_H
#define PARIO_WAIT_H
#include <mpi.h>

/* MPI_Wait, giving the core away (sched_yield) between MPI_Tests. */
int pario_wait_yielding(MPI_Request *rq);
/* The same after spin seconds of MPI_Tests alone: a partner that is running
 * on a core of its own answers within microseconds, and a sched_yield between
 * the tests of a step's collective adds its own (a few us a step); one that is
 * not running (more ranks than cores, or a busy machine) gets the core after
 * spin. spin <= 0: pario_wait_yielding. */
int pario_wait_spin_yielding(MPI_Request *rq, double spin);

#endif
