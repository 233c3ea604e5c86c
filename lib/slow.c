/* PARIO_SLOW (see slow.h). */
#include "config.h"
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <time.h>
#include "slow.h"

int pario_slow_state = 1;
static double factor = 1;

void pario_slow_wait(double started)
{
    if (pario_slow_state == 1) {
        pario_slow_state = 0;
        const char *v = getenv("PARIO_SLOW");
        int rank = 0, r;
        double f;
        char extra;
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        if (v && *v) {
            if (sscanf(v, "%d:%lf%c", &r, &f, &extra) != 2 || r < 0 || !(f >= 1)) {
                if (rank == 0)
                    fprintf(stderr, "pario: warning: PARIO_SLOW='%s' ignored: expected RANK:FACTOR (FACTOR >= 1)\n", v);
            } else if (r == rank && f > 1) {
                factor = f;
                pario_slow_state = 2;
            }
        }
        if (pario_slow_state == 0)
            return;
    }
    /* sleep, not spin: on a shared or oversubscribed machine a spinning rank
     * would take the CPU of the ranks it is compared with */
    double extra = (factor - 1) * (MPI_Wtime() - started);
    struct timespec ts = { (time_t)extra, (long)((extra - (double)(time_t)extra) * 1e9) };
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}
