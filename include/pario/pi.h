/* Monte Carlo pi: darts in the unit square, or the midpoint rule for the integral of
 * 4/(1+x^2) on [0,1], computed in rounds of S samples. Round r owns the global
 * sample indices r*S .. r*S+S-1 whoever computes them, so an estimate depends on
 * the seed, S and the rounds, never on the number of ranks. */
#ifndef PARIO_PI_H
#define PARIO_PI_H

#include <stdint.h>
#include <mpi.h>
#include "pario/progress.h"
#include "pario/status.h"
#include "pario/xsum.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pario_pi_method { PARIO_PI_DARTS, PARIO_PI_MIDPOINT } pario_pi_method;

/* "darts" or "midpoint". */
pario_status pario_pi_method_parse(const char *text, int *method);
const char *pario_pi_method_name(int method);

/* What defines a run, and what a log must match to be resumed. */
typedef struct pario_pi_params {
    int method;
    uint64_t seed;     /* darts only */
    uint64_t samples;  /* samples per round, S >= 1 */
    uint64_t rounds;   /* rounds planned, R >= 1; midpoint's grid has N = R*S points */
} pario_pi_params;

/* Usage errors: S or R zero, or R*S beyond 2^62 samples (2^53 for midpoint, whose
 * grid points must be exact doubles). */
pario_status pario_pi_params_check(const pario_pi_params *p);

/* Kernels (lib/kernels/pi.c, branch-free and vectorised).
 * Darts: hits among samples [first, first+n). Sample g is the point (x, y) with
 * x from stream 2 and y from stream 3 of the seed: the top 30 bits of each
 * 64-bit word pick one of 2^30 cells per axis and the point sits at the cell's
 * centre, so x^2 + y^2 < 1 is an exact integer test: X^2 + Y^2 < 2^62 with
 * X = 2*(bits >> 34) + 1. */
uint64_t pario_pi_darts_hits(uint64_t seed, uint64_t first, uint64_t n);
/* Midpoint: the sum of 4/(1+x^2) over x = (j*R + offset + 0.5) / (R*S) for
 * j in [j0, j0+n), where offset = pario_pi_round_offset(round, R). */
double pario_pi_midpoint_sum(uint64_t S, uint64_t R, uint64_t offset, uint64_t j0, uint64_t n);

/* Midpoint round r evaluates every R-th point of the N-point grid, starting at
 * offset(r); offset is a permutation of 0..R-1 (r * g mod R, g coprime to R near
 * R / golden ratio) so that any first k rounds spread evenly over each cell, and all
 * R rounds together are exactly the composite midpoint rule with N = R*S points. */
uint64_t pario_pi_round_offset(uint64_t round, uint64_t rounds);

/* Midpoint rounds are cut into blocks of this many points (the round's grid
 * points j = 0..S-1, the last block shorter), whatever the rank count. A block's
 * sum is one pario_pi_midpoint_sum call from the block's first point, so its bits
 * do not depend on who computes it; the blocks' sums are added exactly
 * (pario_xsum) and the round's total is rounded once: the same bits on any number
 * of ranks. A power of two large enough that the exact additions (one per
 * block) do not measurably slow the kernel, small enough that a round of 10^5
 * points still spreads over 25 ranks. Recorded in a midpoint log as the
 * attribute block_points; a log of other blocks is not resumed. */
#define PARIO_PI_BLOCK 4096

/* This rank's part of one round: the global indices [first, first+n) of the
 * round's samples, and its result. Darts: pario_split of the S samples over the
 * ranks. Midpoint: pario_split of the round's ceil(S / PARIO_PI_BLOCK) blocks
 * (a rank may get none when there are fewer blocks than ranks). */
typedef struct pario_pi_part {
    uint64_t first, n;
    int64_t hits;      /* darts */
    double sum;        /* midpoint: the part's exact sum rounded once (its share, informational) */
    pario_xsum exact;  /* midpoint: its blocks' sums added exactly, to merge across ranks */
} pario_pi_part;
void pario_pi_round_part(const pario_pi_params *p, uint64_t round, int rank, int nranks, pario_pi_part *part);

/* The running estimate after whole rounds.
 * Darts: estimate 4*H/n; stderr is the standard error of that estimate from the
 * binomial variance of the hit count, 4*sqrt(p(1-p)/n) with p = H/n.
 * Midpoint: estimate = mean of f over the points so far; stderr is the standard
 * error of the mean of the per-round estimates (sample standard deviation over
 * the k rounds / sqrt(k), NaN for k = 1): each round is a shifted rectangle rule,
 * and the shifts are spread evenly, so this is a conservative error estimate.
 * After all R rounds the true error is bounded by pario_pi_midpoint_bound(R*S). */
typedef struct pario_pi_tally {
    int method;
    uint64_t rounds;       /* rounds added */
    uint64_t samples;      /* samples added */
    int64_t hits;          /* darts */
    double sum;            /* midpoint: sum of f */
    double mean, m2;       /* midpoint: Welford mean and M2 of per-round estimates */
} pario_pi_tally;
void pario_pi_tally_init(pario_pi_tally *t, int method);
/* Add a whole round: its total hits (darts) or total sum (midpoint) and samples. */
void pario_pi_tally_add(pario_pi_tally *t, int64_t hits, double sum, uint64_t samples);
double pario_pi_estimate(const pario_pi_tally *t);
double pario_pi_stderr(const pario_pi_tally *t);

/* Error bound of the composite midpoint rule with n points for 4/(1+x^2) on [0,1]:
 * max|f''| / (24 n^2) = 8 / (24 n^2) = 1 / (3 n^2) (rounding not included). */
double pario_pi_midpoint_bound(uint64_t n);

/* A run (lib/pi_run.c): rounds computed by all ranks, optionally logged. */
typedef struct pario_pi_run_opts {
    pario_pi_params p;
    int have_seed, have_method, have_samples, have_rounds; /* given on the command line */
    const char *log;   /* HDF5 log, or NULL */
    int resume;        /* continue the log from its last complete round */
    int force;         /* replace an existing log */
    double sync_seconds; /* fsync the log at most this often; 0: after every round */
    pario_progress *progress; /* started by the caller (unit "rounds"), or NULL; its total is set here */
} pario_pi_run_opts;

typedef struct pario_pi_result {
    pario_pi_params p;        /* in effect (from the log when resuming) */
    int nranks;
    uint64_t rounds;          /* rounds in the estimate */
    uint64_t resumed;         /* of which read from the log */
    uint64_t samples;         /* samples in the estimate */
    double estimate, std_err; /* see pario_pi_tally */
    double error;             /* estimate - pi */
    double bound;             /* midpoint after all R rounds: pario_pi_midpoint_bound(R*S); else NaN */
    double seconds;           /* wall seconds of this run's rounds, logging included */
    double log_seconds;       /* of which writing the log (rank 0) */
    uint64_t log_syncs;       /* log flushes that ended in an fsync */
    uint64_t run_samples;     /* samples computed by this run, all ranks */
    uint64_t local_samples;   /* ... by this rank */
    double local_seconds;     /* this rank's seconds in the kernels */
} pario_pi_result;

/* Collective. Usage errors (2) for bad parameters; runtime errors (1) for log
 * trouble: an existing log without force, an unwritable path, a resumed log
 * that is not a pario-pi log or was written with another seed, method or
 * samples per round (or, for midpoint, another number of rounds). */
pario_status pario_pi_run(const pario_pi_run_opts *o, pario_pi_result *res, MPI_Comm comm);

/* Collective --stats on stderr from rank 0: samples per second in all, per rank
 * (kernel time) and per core. */
void pario_pi_stats_print(const char *tool, const pario_pi_result *res, MPI_Comm comm);

#define PARIO_PI_TRUE 3.14159265358979323846

#ifdef __cplusplus
}
#endif
#endif
