/* PARIO_SLOW (see slow.h). */
#include "config.h"
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include "slow.h"

int pario_slow_state = 1;
static double factor = 1; /* RANK:FACTOR */
static double pause_s = 0; /* RANK:+SECONDS (then factor is unused) */

/* PARIO_SLOW's value, as this rank takes it: 1 if it is slowed */
static int parse(const char *v, int rank)
{
    const char *colon = strchr(v, ':');
    const int pause_form = colon && colon[1] == '+';
    int r;
    double f;
    char extra;
    const int n = pause_form ? sscanf(v, "%d:+%lf%c", &r, &f, &extra) : sscanf(v, "%d:%lf%c", &r, &f, &extra);
    if (n == 2 && r >= 0 && (pause_form ? f >= 0 && f <= 1e6 : f >= 1)) {
        if (pause_form)
            pause_s = f;
        else
            factor = f;
        return r == rank && (pause_form ? f > 0 : f > 1);
    }
    if (rank == 0)
        fprintf(stderr, "pario: warning: PARIO_SLOW='%s' ignored: expected RANK:FACTOR (FACTOR >= 1) "
                        "or RANK:+SECONDS\n", v);
    return 0;
}

void pario_slow_wait(double started)
{
    if (pario_slow_state == 1) {
        const char *v = getenv("PARIO_SLOW");
        int rank = 0;
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        pario_slow_state = v && *v && parse(v, rank) ? 2 : 0;
        if (pario_slow_state == 0)
            return;
    }
    /* sleep, not spin: on a shared or oversubscribed machine a spinning rank
     * would take the CPU of the ranks it is compared with */
    double extra = pause_s > 0 ? pause_s : (factor - 1) * (MPI_Wtime() - started);
    struct timespec ts = { (time_t)extra, (long)((extra - (double)(time_t)extra) * 1e9) };
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}
