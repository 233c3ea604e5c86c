/* The run log of pario-pi: one parallel HDF5 file, one row per round.
 *   /hits (darts) or /sums (midpoint)  [rounds x ranks] int64 / float64
 *   /samples                           [rounds x ranks] int64
 *   /total (midpoint)                  [rounds] float64, the round's sum of f: its
 *                                      blocks' sums added exactly, rounded once
 *   /estimate, /stderr                 [rounds] float64, running values after each round
 *   /time                              [rounds] float64, wall seconds of each round's work
 * The 2-D datasets are chunked and extendible along both axes (a resumed run may
 * use more ranks; absent ranks read 0); root attributes: seed, ranks,
 * samples_per_round, rounds, method, generator, pario_version, start_time, and
 * for midpoint block_points (PARIO_PI_BLOCK). A midpoint row's /sums are each
 * rank's share rounded to a double (informational: they add up to /total only to
 * rounding); the running values are computed from /total.
 * Written collectively through the MPI-IO driver, one element per rank per
 * dataset and round, and flushed after every round: a killed job leaves a file
 * that opens and holds every finished round. An fsync (what survives a node
 * crash) follows the first round, then at most every sync interval, and at close. */
#ifndef PARIO_H5LOG_H
#define PARIO_H5LOG_H

#include <stdint.h>
#include <mpi.h>
#include "pario/pi.h"
#include "pario/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pario_h5log pario_h5log;

/* What a log file holds (read serially, by any one process). */
typedef struct pario_pi_history {
    pario_pi_params p;        /* method, seed, samples per round, rounds planned */
    int64_t ranks;            /* attribute: rank columns */
    char generator[96], version[32], start_time[40];
    uint64_t rounds;          /* complete rounds read */
    uint64_t cols;            /* rank columns of the 2-D datasets */
    int64_t *hits;            /* [rounds * cols], darts; NULL for midpoint */
    double *sums;             /* [rounds * cols], midpoint; NULL for darts */
    double *total;            /* [rounds], midpoint; NULL for darts and for a midpoint log
                                 written before /total existed (plotted, not resumed) */
    uint64_t block;           /* attribute block_points (midpoint), 0 when absent */
    int64_t *samples;         /* [rounds * cols] */
    double *estimate, *std_err, *time; /* [rounds] */
} pario_pi_history;

/* One round's row, as this rank writes it. */
typedef struct pario_pi_logrow {
    uint64_t round;
    int64_t hits;       /* this rank's hits (darts) */
    double sum;         /* this rank's sum (midpoint) */
    double total;       /* the round's total (midpoint), written by rank 0 */
    int64_t samples;    /* this rank's samples */
    double estimate, std_err, time; /* written by rank 0 */
} pario_pi_logrow;

/* Serial: read a log. Keeps the longest prefix of complete rounds (every rank's
 * samples sum to S, and the stored running estimate matches the one recomputed
 * from /hits or /total, or /sums in a midpoint log without /total): rows a killed
 * job left half-written are dropped.
 * Errors (exit 1): not an HDF5 file, not a pario-pi log, wrong shapes. */
pario_status pario_h5log_read(const char *path, pario_pi_history *h);
/* Serial: 1 when path is an HDF5 file with pario-pi's attribute 'method', 0
 * when it is an HDF5 file without it, -1 when it is not an HDF5 file one can open. */
int pario_h5log_is(const char *path);
void pario_pi_history_free(pario_pi_history *h);

/* Collective: a new log for p under a temporary name beside path; the first
 * append renames it to path. Refuses an existing path unless force. */
pario_status pario_h5log_create(pario_h5log **out, const char *path, const pario_pi_params *p, int force,
                                MPI_Comm comm);

/* Collective: reopen a log already read into h for writing; cuts it to h->rounds
 * complete rounds, adds rank columns if this run has more ranks, and records
 * p->rounds as the rounds planned. */
pario_status pario_h5log_reopen(pario_h5log **out, const char *path, const pario_pi_history *h,
                                const pario_pi_params *p, MPI_Comm comm);

/* Collective: write one round (each rank its element; rank 0 the running values)
 * and flush. */
pario_status pario_h5log_append(pario_h5log *l, const pario_pi_logrow *row);

/* Collective: close; a new log whose first round never came in is removed. */
pario_status pario_h5log_close(pario_h5log *l);

/* Collective, the same value on every rank: fsync the log at most every
 * `seconds` (rank 0's clock decides); 0, the default, fsyncs every round.
 * HDF5's MPI-IO driver ends every flush with MPI_File_sync, and libpario does
 * not replace that function: a program that wants the interval honoured
 * interposes MPI_File_sync and returns MPI_SUCCESS without syncing when
 * pario_h5log_sync_wanted(fh) is 0 (pario-pi does, in tools/pario-pi-sync.c).
 * Without it every flush is an fsync (and counted as one). */
void pario_h5log_set_sync_interval(pario_h5log *l, double seconds);

/* 0 only for the MPI-IO handle of a log that is flushing a round not due for
 * an fsync, and only during that flush; 1 for every other handle and time. */
int pario_h5log_sync_wanted(MPI_File fh);

/* Flushes of this log that end in an fsync, the one at close included. */
uint64_t pario_h5log_syncs(const pario_h5log *l);

/* Seconds spent in pario_h5log_append on this rank. */
double pario_h5log_seconds(const pario_h5log *l);

#ifdef __cplusplus
}
#endif
#endif
