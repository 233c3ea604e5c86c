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
