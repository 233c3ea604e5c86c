/* A progress line on stderr from rank 0 for long work, and --stats at the end. */
#ifndef PARIO_PROGRESS_H
#define PARIO_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <mpi.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pario_progress {
    const char *tool, *verb;
    int enabled;            /* rank 0 and (stderr is a terminal or --progress) */
    double t0, last;
    double interval;        /* seconds before the first line and between lines */
    uint64_t total;         /* this rank's total bytes */
    int printed;
    int forced;             /* --progress: a short run still ends with one line */
    uint64_t done;          /* the last update's count */
    const char *unit;       /* NULL: bytes; else what is counted ("rounds") */
    int global;             /* done counts every rank's work (tasks handed out), not rank 0's */
} pario_progress;

/* force: --progress; quiet: --quiet. Shows nothing for the first two seconds, then
 * at most a line a second (PARIO_PROGRESS_INTERVAL=S sets both to S seconds); with
 * force, a run that ended sooner still prints one line at the finish. */
void pario_progress_start(pario_progress *p, const char *tool, const char *verb, uint64_t local_total,
                          int force, int quiet, MPI_Comm comm);
/* The work reads the data `passes` times (reduce's hist without --min/--max reads
 * twice): the total becomes passes x the bytes given to start, and local_done
 * counts across the passes. */
void pario_progress_passes(pario_progress *p, unsigned passes);
/* Rank 0's own share stands for everyone's: no communication. The percentage
 * never passes 100 and the time left never goes below 0. */
void pario_progress_update(pario_progress *p, uint64_t local_done);
void pario_progress_finish(pario_progress *p);
/* Count `unit`s ("rounds") instead of bytes; call after pario_progress_start. */
void pario_progress_set_unit(pario_progress *p, const char *unit);

/* Collective --stats: rank 0 prints bytes (summed), wall time (slowest rank),
 * throughput, and the fastest and slowest rank's time, on stderr. */
void pario_stats_print(const char *tool, const char *verb, uint64_t local_bytes, double local_seconds,
                       MPI_Comm comm);

/* "1.50 GiB" */
void pario_fmt_bytes(char *buf, size_t len, double bytes);

/* Seconds on a monotonic clock. Not MPI_Wtime: it is read between reads, when a
 * reader's prefetch thread may be inside MPI (MPI_THREAD_SERIALIZED leaves MPI
 * to that thread then). */
double pario_now(void);

#ifdef __cplusplus
}
#endif
#endif
