/* Data-parallel training of linear models (Horovod's recipe in C): every rank
 * reads its share of each global batch from the shared file, computes the
 * gradient of its rows, the gradients are summed across ranks by an allreduce
 * (MPI_Allreduce, or a hand-written ring reduce-scatter + allgather) and every
 * rank applies the same update to the same weights.
 *
 * The weights are the same bits for any number of ranks: a batch is defined by
 * the seed and the epoch only (a Feistel permutation of blocks of rows), it is
 * cut into segments that do not depend on the ranks either (its runs inside one
 * block), each segment's gradient is summed in row order in doubles, and the
 * segments' sums are added exactly (every segment's sums allreduced as doubles
 * and added exactly on every rank, or pario_xsum accumulators merged exactly
 * across ranks) and rounded once: neither the split of a batch over ranks nor
 * the order of the exact sums changes a bit. */
#ifndef PARIO_TRAIN_H
#define PARIO_TRAIN_H

#include <stddef.h>
#include <stdint.h>
#include <mpi.h>
#include "pario/io.h"
#include "pario/status.h"
#include "pario/xsum.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pario_train_model {
    PARIO_TRAIN_LINEAR,   /* least squares: loss (z - y)^2 / 2 */
    PARIO_TRAIN_LOGISTIC, /* labels 0/1: loss log(1 + e^-|z|) + max(z, 0) - y z */
    PARIO_TRAIN_SOFTMAX   /* labels 0..K-1: cross-entropy of softmax(z) */
} pario_train_model;

typedef enum pario_allreduce_kind {
    PARIO_ALLREDUCE_MPI,  /* MPI collectives: an MPI_Allgatherv of the segments'
                             sums, or an MPI_Allreduce of accumulators with a user
                             MPI_Op (many segments) */
    PARIO_ALLREDUCE_RING, /* ring reduce-scatter (MPI_Sendrecv) + ring allgather */
    PARIO_ALLREDUCE_SHM,  /* every rank on one host: the segments' sums meet in
                             shared memory, each rank sums 1/P of the weights
                             (lib/train_node.c); else as MPI for many segments */
    PARIO_ALLREDUCE_AUTO  /* the default: SHM when every rank is on one host, else MPI */
} pario_allreduce_kind;

pario_status pario_train_model_parse(const char *text, pario_train_model *m);
const char *pario_train_model_name(pario_train_model m);
pario_status pario_allreduce_parse(const char *text, pario_allreduce_kind *k);
const char *pario_allreduce_name(pario_allreduce_kind k);

/* ---- the shuffle: a permutation of 0..n-1 keyed by (seed, epoch) ----
 * bits = the smallest even number >= 2 with 2^bits >= n, h = bits / 2,
 * key = pario_rng_key(seed, epoch). A 4-round Feistel network on bits bits:
 *   L = x >> h, R = x & (2^h - 1); for i = 0..3: (L, R) = (R, L ^ F_i(R)),
 *   F_i(R) = pario_mix64((key + (i + 1) * PARIO_RNG_GAMMA) ^ R) & (2^h - 1);
 *   result (L << h) | R;
 * applied again while the result is >= n (cycle walking). It depends on n,
 * seed and epoch only, never on the ranks.
 *
 * pario-train shuffles blocks of rows, not rows, so that a rank reads a run of
 * rows with one call: the rows are cut into nb = ceil(n / R) blocks of R
 * consecutive rows (R = --shuffle-block; the last block holds the remainder),
 * epoch e visits the blocks in the order perm(0), perm(1), .. of the
 * permutation of 0..nb-1 keyed by (seed, e), the rows of a block in file order;
 * global batch i is positions i*B .. i*B+B-1 of that sequence. A batch's
 * segments are its maximal runs inside one block, numbered s = 0, 1, .. in
 * order; each is read and summed by one rank (doc/train.md, "The batches":
 * dealt by the shard that holds its first row and taken as the ranks go in
 * shared memory, else by position; round-robin, s mod P, above 4,096). */
typedef struct pario_perm {
    uint64_t n, key, mask;
    int half;
} pario_perm;

void pario_perm_init(pario_perm *p, uint64_t n, uint64_t seed, uint64_t epoch);
uint64_t pario_perm_at(const pario_perm *p, uint64_t pos);
/* out[i] = pario_perm_at(p, pos[i]) for i < n, 8 at a time (lib/kernels/perm.c). */
void pario_perm_at_n(const pario_perm *p, const uint64_t *pos, uint64_t *out, size_t n);
/* The position of value (< n) in the permutation: pario_perm_at(p, q) == value
 * for the q returned (the Feistel rounds backwards, cycle-walked backwards). */
uint64_t pario_perm_index(const pario_perm *p, uint64_t value);

/* ---- exact allreduce of n accumulators, rounded once ----
 * Collective: sums acc[0..n-1] over comm exactly and writes the rounded sums to
 * out[0..n-1] on every rank (the same bits for both kinds and any comm size).
 * acc is used as scratch. */
pario_status pario_xsum_allreduce(pario_xsum *acc, double *out, uint64_t n, pario_allreduce_kind kind,
                                  MPI_Comm comm);

typedef struct pario_train_opts {
    pario_train_model model;
    const char *data, *desc;   /* DATA and its descriptor (NULL: DATA.yaml) */
    const char *dataset;       /* --dataset: the dataset in DATA when it is HDF5 (NULL: DATA says, FILE:/PATH) */
    const char *labels;        /* a 1-D dataset of labels, or NULL */
    int64_t label_column;      /* the column of DATA holding the labels, or -1 */
    uint64_t epochs;           /* default 10 */
    uint64_t batch;            /* global batch size, default 32 */
    uint64_t seed;             /* of the shuffle */
    uint64_t classes;          /* softmax: 0 = the largest label + 1 */
    uint64_t block;            /* rows per shuffled block (--shuffle-block), default 64 */
    double lr, l2;             /* step size; L2 penalty (not applied to biases) */
    pario_allreduce_kind allreduce;
    pario_io_opts io;          /* chunk (bounds the rows held at once), hints */
    const char *log;           /* per-epoch parallel HDF5 log, or NULL */
    int resume, force;         /* continue the log from its last finished epoch; replace it */
    int no_mmap;               /* --no-mmap: read the rows through MPI-IO, never from a memory map */
    const char *predict;       /* --predict MODEL: a --log file whose last epoch's weights predict */
    const char *out;           /* --out: the predictions (raw file + descriptor) */
} pario_train_opts;

void pario_train_opts_init(pario_train_opts *o);

/* Timers per rank in pario_train_result.rank_seconds. */
#define PARIO_TRAIN_TIMERS 10

typedef struct pario_train_result {
    uint64_t samples, features, classes, nweights, steps;
    int nranks;
    double train_loss;     /* mean loss of the last epoch's samples, as seen while training */
    double loss;           /* mean loss over every sample with the final weights (no L2 term) */
    double accuracy;       /* fraction of samples classified right (NaN for linear) */
    double seconds;        /* training, without the final evaluation */
    double samples_per_second;
    uint64_t resumed;      /* epochs read from the log (--resume) */
    pario_allreduce_kind allreduce;   /* the one that ran: MPI, RING or SHM */
    double *weights;       /* nweights on every rank: K rows of (F weights, then the bias) */
    double *rank_seconds;  /* rank 0 (else NULL): per rank, PARIO_TRAIN_TIMERS wall-clock timers:
                              the totals of reading and the kernel, the gradients' allreduce
                              (waiting included), the exact sums and the update, the final
                              evaluation; then the medians of a step (start to start), of its
                              reading and kernel, and of its allreduce (within 0.8%); then the
                              training rows it summed, over all epochs (not seconds); then the
                              steps' 90th and 99th percentiles */
} pario_train_result;

/* Collective: train, then evaluate the final weights over the whole dataset.
 * With o->log, every epoch is appended to the log (lib/train_log.h); with
 * o->resume training starts after the log's last finished epoch, from its
 * weights, and ends with the same weights as an uninterrupted run.
 * Test hook: PARIO_TRAIN_KILL=E:B in the environment makes rank 0 kill itself
 * (SIGKILL) before batch B of epoch E (both from 0). */
pario_status pario_train_run(const pario_train_opts *o, pario_train_result *res, MPI_Comm comm);
void pario_train_result_free(pario_train_result *res);

/* Collective: predictions of the rows of o->data (o->label_column, if given, is
 * skipped) by the model in the pario-train log o->predict (its model and the
 * weights of its last finished epoch), written to o->out (a raw file written
 * collectively under a temporary name, renamed, then its descriptor
 * OUT.yaml): linear, float64 z = w.x + b; logistic, int32 1 when z > 0 else 0;
 * softmax, int32 the first class of the largest z (lib/kernels/train.c's
 * arithmetic). *rows: the rows predicted. The caller guards the paths. */
pario_status pario_train_predict_file(const pario_train_opts *o, uint64_t *rows, MPI_Comm comm);

#ifdef __cplusplus
}
#endif
#endif
