/* Waiting for MPI requests without holding the core (wait.h). */
#include "config.h"
#include <sched.h>
#include "wait.h"

int pario_wait_yielding(MPI_Request *rq)
{
    int done = 0, err = MPI_SUCCESS;
    while (!done && err == MPI_SUCCESS) {
        err = MPI_Test(rq, &done, MPI_STATUS_IGNORE);
        if (!done)
            sched_yield();
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
