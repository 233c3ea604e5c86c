#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "pario/progress.h"

void pario_fmt_bytes(char *buf, size_t len, double b)
{
    static const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
    int u = 0;
    while (b >= 1024 && u < 5) {
        b /= 1024;
        u++;
    }
    snprintf(buf, len, u ? "%.2f %s" : "%.0f %s", b, units[u]);
}

double pario_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void pario_progress_start(pario_progress *p, const char *tool, const char *verb, uint64_t local_total,
                          int force, int quiet, MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    p->tool = tool;
    p->verb = verb;
    p->enabled = rank == 0 && !quiet && (force || isatty(STDERR_FILENO));
    p->t0 = p->last = pario_now();
    p->total = local_total;
    p->printed = 0;
    p->interval = 1.0;
    const char *e = getenv("PARIO_PROGRESS_INTERVAL");
    char *end;
    double s = e && *e ? strtod(e, &end) : -1;
    if (e && *e && !*end && s >= 0)
        p->interval = s;
}

void pario_progress_passes(pario_progress *p, unsigned passes)
{
    p->total *= passes ? passes : 1;
}

void pario_progress_update(pario_progress *p, uint64_t done)
{
    if (!p->enabled)
        return;
    double now = pario_now();
    if (now - p->t0 < 2.0 * p->interval || now - p->last < p->interval)
        return;
    p->last = now;
    if (done > p->total)
        done = p->total;
    double frac = p->total ? (double)done / (double)p->total : 1.0;
    double rate = now > p->t0 ? (double)done / (now - p->t0) : 0;
    double eta = rate > 0 ? (double)(p->total - done) / rate : 0;
    char d[32], r[32];
    pario_fmt_bytes(d, sizeof d, (double)done);
    pario_fmt_bytes(r, sizeof r, rate);
    fprintf(stderr, "\r%s: %s %3.0f%% (rank 0: %s, %s/s, %.0f s left)   ", p->tool, p->verb, 100 * frac, d, r, eta);
    fflush(stderr);
    p->printed = 1;
}

void pario_progress_finish(pario_progress *p)
{
    if (p->enabled && p->printed) {
        fputc('\n', stderr);
        fflush(stderr);
    }
    p->printed = 0;
}

void pario_stats_print(const char *tool, const char *verb, uint64_t local_bytes, double local_seconds,
                       MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    uint64_t bytes = 0;
    struct { double t; int r; } mine = { local_seconds, rank }, slow, fast;
    MPI_Reduce(&local_bytes, &bytes, 1, MPI_UINT64_T, MPI_SUM, 0, comm);
    MPI_Reduce(&mine, &slow, 1, MPI_DOUBLE_INT, MPI_MAXLOC, 0, comm);
    MPI_Reduce(&mine, &fast, 1, MPI_DOUBLE_INT, MPI_MINLOC, 0, comm);
    if (rank != 0)
        return;
    char b[32], r[32];
    pario_fmt_bytes(b, sizeof b, (double)bytes);
    double wall = slow.t > 0 ? slow.t : 1e-9;
    pario_fmt_bytes(r, sizeof r, (double)bytes / wall);
    fprintf(stderr,
            "%s: stats: %s %s (%llu bytes) in %.3f s, %s/s (%.1f MiB/s); %d ranks, fastest rank %d %.3f s, "
            "slowest rank %d %.3f s\n",
            tool, verb, b, (unsigned long long)bytes, wall, r, (double)bytes / wall / 1048576.0, size, fast.r, fast.t,
            slow.r, slow.t);
    fflush(stderr);
}
