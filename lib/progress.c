#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    p->forced = force;
    p->done = 0;
    p->unit = NULL;
    p->global = 0;
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

void pario_progress_set_unit(pario_progress *p, const char *unit)
{
    p->unit = unit;
}

static void print_line(pario_progress *p, double now)
{
    uint64_t done = p->done > p->total ? p->total : p->done; /* never past 100% */
    double frac = p->total ? (double)done / (double)p->total : 1.0;
    double secs = now - p->t0 > 1e-9 ? now - p->t0 : 1e-9;
    double rate = (double)done / secs;
    double eta = rate > 0 && p->total > done ? (double)(p->total - done) / rate : 0;
    if (p->unit) {
        fprintf(stderr, "\r%s: %s %3.0f%% (%llu of %llu %s, %.3g %s/s, %.0f s left)   ", p->tool, p->verb,
                100 * frac, (unsigned long long)done, (unsigned long long)p->total, p->unit, rate, p->unit, eta);
    } else {
        char d[32], r[32];
        pario_fmt_bytes(d, sizeof d, (double)done);
        pario_fmt_bytes(r, sizeof r, rate);
        fprintf(stderr, "\r%s: %s %3.0f%% (%s: %s, %s/s, %.0f s left)   ", p->tool, p->verb, 100 * frac,
                p->global ? "all ranks" : "rank 0", d, r, eta);
    }
    fflush(stderr);
    p->printed = 1;
}

void pario_progress_update(pario_progress *p, uint64_t done)
{
    if (!p->enabled)
        return;
    p->done = done;
    double now = pario_now();
    if (now - p->t0 < 2.0 * p->interval || now - p->last < p->interval)
        return;
    p->last = now;
    print_line(p, now);
}

void pario_progress_finish(pario_progress *p)
{
    /* the line ends at the work's end: asked for, one line even for a short
     * run; a line already shown is brought to its final count (a last update
     * within the interval was not drawn) */
    if (p->enabled && (p->forced || p->printed))
        print_line(p, pario_now());
    if (p->enabled && p->printed) {
        fputc('\n', stderr);
        fflush(stderr);
    }
    p->printed = 0;
}

/* kB value of a "Key:   123 kB" line of /proc/self/status, in bytes (0 if absent). */
static double proc_status_bytes(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double v = 0;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, n) == 0 && line[n] == ':') {
            v = strtod(line + n + 1, NULL) * 1024.0;
            break;
        }
    if (f)
        fclose(f);
    return v;
}

/* With PARIO_MEMSTATS set (on rank 0): the largest peak address space (VmPeak)
 * and peak resident set (VmHWM) of any rank, and which rank. The reductions run
 * whether or not it is set, so ranks with different environments cannot hang. */
static void memstats_print(const char *tool, int rank, MPI_Comm comm)
{
    struct { double v; int r; } mine[2] = { { proc_status_bytes("VmPeak"), rank }, { proc_status_bytes("VmHWM"), rank } },
                                 most[2];
    MPI_Reduce(mine, most, 2, MPI_DOUBLE_INT, MPI_MAXLOC, 0, comm);
    if (rank != 0 || !getenv("PARIO_MEMSTATS"))
        return;
    fprintf(stderr, "%s: stats: memory per rank: peak address space (VmPeak) %.1f MiB on rank %d, "
                    "peak resident (VmHWM) %.1f MiB on rank %d\n",
            tool, most[0].v / 1048576.0, most[0].r, most[1].v / 1048576.0, most[1].r);
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
    if (rank != 0) {
        memstats_print(tool, rank, comm);
        return;
    }
    char b[32], r[32];
    pario_fmt_bytes(b, sizeof b, (double)bytes);
    double wall = slow.t > 0 ? slow.t : 1e-9;
    pario_fmt_bytes(r, sizeof r, (double)bytes / wall);
    fprintf(stderr,
            "%s: stats: %s %s (%llu bytes) in %.3f s, %s/s (%.1f MiB/s); %d ranks, fastest rank %d %.3f s, "
            "slowest rank %d %.3f s\n",
            tool, verb, b, (unsigned long long)bytes, wall, r, (double)bytes / wall / 1048576.0, size, fast.r, fast.t,
            slow.r, slow.t);
    memstats_print(tool, rank, comm);
    fflush(stderr);
}
