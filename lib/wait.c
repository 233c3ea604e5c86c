/* Waiting for MPI requests without holding the core (wait.h). */
#include "config.h"
#include <sched.h>
#include <time.h>
#include "node.h"
#include "wait.h"

int pario_wait_yielding(MPI_Request *rq)
{
    int done = 0, err = MPI_SUCCESS;
    int sleep = pario_node_oversubscribed();
    long ns = 10000;
    while (!done && err == MPI_SUCCESS) {
        err = MPI_Test(rq, &done, MPI_STATUS_IGNORE);
        if (done)
            break;
        if (sleep) {
            /* sched_yield leaves a polling rank runnable, and the scheduler
             * gives it about as much of the core as the ranks still working
             * (measured: a third of a 4-rank count's CPU on 2 cores went to
             * yielding): sleep instead, a little longer each time, up to
             * 0.2 ms */
            struct timespec ts = { 0, ns };
            nanosleep(&ts, NULL);
            ns = ns < 200000 ? ns * 2 : ns;
        } else {
            sched_yield();
        }
    }
    return err;
}

int pario_wait_spin_yielding(MPI_Request *rq, double spin)
{
    int done = 0, err = MPI_Test(rq, &done, MPI_STATUS_IGNORE);
    if (done || err != MPI_SUCCESS || spin <= 0.0)
        return done || err != MPI_SUCCESS ? err : pario_wait_yielding(rq);
    double until = MPI_Wtime() + spin;
    while (!done && err == MPI_SUCCESS) {
        err = MPI_Test(rq, &done, MPI_STATUS_IGNORE);
        if (!done && MPI_Wtime() > until)
            return err == MPI_SUCCESS ? pario_wait_yielding(rq) : err;
    }
    return err;
}
