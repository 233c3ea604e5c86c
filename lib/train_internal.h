/* pario-train's state shared by training (train.c) and prediction
 * (train_predict.c), private. */
#ifndef PARIO_TRAIN_INTERNAL_H
#define PARIO_TRAIN_INTERNAL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <mpi.h>
#include "pario/dataset.h"
#include "pario/train.h"
#include "stamp.h"
#include "pario/xsum.h"
#include "loghist.h"
#include "wait.h"

/* pario_train's histograms (struct train's hist). */
#define PARIO_TRAIN_HISTS 4
#define PARIO_TRAIN_HIST_ROW 3

/* Labels of softmax: at most this many classes. */
#define MAX_CLASSES 65536

/* A segment of a batch: its first row, its rows (0: none), its index in the batch. */
struct seg {
    uint64_t row, len, s;
    int rank;                 /* the rank it is dealt to */
};

struct train {
    const pario_train_opts *o;
    MPI_Comm comm;
    int rank, p;
    pario_dataset ds, lds;
    char dname[PARIO_PATH_MAX + 1025], lname[PARIO_PATH_MAX + 1025];   /* their names in messages (FILE:/dset) */
    MPI_File fh, lfh;
    int64_t h5file, lh5file;  /* HDF5 inputs: the inspection's open file, whose MPI-IO handle fh/lfh is, or 0 */
    int have_labels;          /* a separate labels file is open */
    uint64_t n, cols, f, k, nw;
    size_t esize, lesize, rowbytes;
    int swap, lswap;
    uint64_t group;           /* rows held at once */
    unsigned char *raw, *lraw;
    double *x, *y, *z, *w, *g, *gs, *lossv, *slots;
    double *packed, *gath;    /* this rank's segments' sums, and every rank's (allreduce_slots) */
    int *counts, *displs;     /* P of each, for MPI_Allgatherv */
    double *rates;            /* P: each rank's rows per second of kernel, as of the last step */
    double *cum;              /* P + 1: rank r is dealt the rows of the batch from cum[r] to cum[r + 1] of it */
    double rows_done;         /* the rows of this rank's dealt segments so far */
    double spin;              /* seconds the step's collective polls before it yields the core */
    pario_xsum *acc;
    unsigned char *fsok;      /* nw flags of pario_train_fsum_cols */
    int f32;                  /* float32 rows without a label column: not widened (t->xf) */
    const float *xf;          /* the rows just read, when not widened; else NULL (t->x) */
    int unchecked;            /* t->xf not checked for inf/NaN yet (the kernel's scores tell) */
    double secs[4];           /* timers: compute, allreduce, exact sums + update, evaluation */
    pario_loghist *hist;      /* PARIO_TRAIN_HISTS: the steps' durations (start to start), their rows'
                                 reading + kernel, their waits, and that per 1,000 rows (the speed) */
    double rate;              /* this rank's speed as last read from hist (pario_train_rate) */
    uint64_t rate_next;       /* the hist count at which to read it again */
    const void *pf;           /* the rows the kernel prefetches meanwhile (mapped), or NULL */
    uint64_t pfbytes;
    const unsigned char *map, *lmap;   /* DATA and LABELS mapped (lib/train_map.c), or NULL */
    size_t maplen, lmaplen;
    struct pario_map *dmap, *lbmap;    /* their maps (lib/io_map.c) */
    struct pario_stamp dstamp, lstamp; /* DATA's and LABELS' size and time at the open (stamp.h) */
    struct seg *segs, *mine;  /* the segments of this batch and the next; this rank's of each (lib/train.c) */
    struct seg *done;         /* the segments this rank summed in a step, as claimed (lib/train.c run_claims) */
    struct train_node *xn;    /* the step's exchange in shared memory (lib/train_node.c), or NULL */
};

/* Open DATA (and LABELS, or the label column), check them, size the buffers
 * (t->o, t->comm, t->rank, t->p set by the caller; t->fh and t->lfh
 * MPI_FILE_NULL). Collective (the opens); the caller agrees on the status. */
pario_status pario_train_open(struct train *t);
/* Rows row..row+m-1 (m <= t->group) into t->x (m x f doubles) and, with
 * labels, t->y, checked (features finite, labels valid). Independent I/O. */
pario_status pario_train_read(struct train *t, uint64_t row, uint64_t m, int labels);
/* Map DATA (and LABELS) when their rows can be used where they lie (no
 * --no-mmap, a regular file, host byte order, aligned values): t->map and
 * t->lmap, or both NULL (read through MPI-IO). Local, after pario_train_open. */
void pario_train_map(struct train *t);
/* Fill the mappings' page tables for rows row..row+rows-1 at once (Linux's
 * MADV_POPULATE_READ), when they are at most a quarter of the machine's memory
 * shared by the P ranks; a hint (nothing happens without a mapping, on older
 * kernels, or for more rows). The rows this rank trains on and evaluates
 * (mostly its 1/P of the file): one pass over the page tables costs less than
 * the page faults that would otherwise map the same pages during the epoch
 * (about 0.07 s against 0.1 s for a cached 2 GiB on one rank), and it is done
 * by every rank at once, before the loop. Local. */
void pario_train_map_populate(struct train *t, uint64_t row, uint64_t rows);
void pario_train_unmap(struct train *t);
/* After rows were used from the mappings: a file that shrank under one (its
 * lost pages read as zeros, io_map.c's SIGBUS handler) is an error, else ok. */
pario_status pario_train_map_check(const struct train *t);
/* DATA and LABELS as they were at the open (not cut or rewritten in place:
 * each epoch's end and the evaluation's), else a local error naming the file */
pario_status pario_train_inputs_check(const struct train *t);
/* The step's exchange through memory shared by the ranks (lib/train_node.c):
 * when every rank of t->comm is on one host, t->xn is set (room for nslots
 * segments' sums of t->nw weights), else NULL. Collective; an error (no shared
 * memory) is agreed. */
pario_status pario_train_node_open(struct train *t, uint64_t nslots);
void pario_train_node_close(struct train *t);
/* One step's exchange over t->xn, in place of allreduce_slots (lib/train.c):
 * this rank's nmine segments' sums (packed, in the order of mine) and failure
 * flag in; t->g[0..nw-1] the exact sums of the nseg segments' slots, t->g[nw]
 * the ranks that failed. Every rank of the job calls it each step. */
pario_status pario_train_node_step(struct train *t, const double *packed, uint64_t nmine, const struct seg *mine,
                                   uint64_t nseg, int failed);
/* Work stealing within a step (lib/train_node.c): _deal starts a step whose
 * segments are all[0..nall-1], each with the rank it is dealt to (a rank's
 * run contiguous, in rank order: train.c's deal_mine); _claim gives this rank
 * the next segment to sum, its own run's first, else the last of the rank
 * with the most left, and returns 1, or 0 when none is left; with peek, the
 * one it would take, not taken (to prefetch its rows). Every rank deals each step before it
 * claims; the step's arrival (pario_train_node_step) ends its claims. */
void pario_train_node_deal(struct train *t, const struct seg *all, uint64_t nall);
/* bytes at p (rows of the next step's segments, mapped), prefetched into L2
 * while this rank waits at the step's arrival, if it waits; up to
 * AHEAD_RANGES ranges a step, forgotten at the arrival. */
#define AHEAD_RANGES 2
void pario_train_node_ahead(struct train *t, const void *p, uint64_t bytes);
int pario_train_node_claim(struct train *t, const struct seg *all, int peek, struct seg *out);
/* out[a..b-1]: the columns a..b-1 of nseg slots of t->nw sums, each added
 * exactly and rounded once (math.fsum's bits). Local. */
void pario_train_exact_cols(struct train *t, const double *slots, uint64_t nseg, uint64_t a, uint64_t b,
                            double *out);
/* The ranks' shares of a batch (lib/train_balance.c): this rank's speed to
 * send with a step's sums (rows per second: 1,000 over the median of its steps'
 * kernel seconds per 1,000 rows; 0 before it has one); t->cum from t->rates
 * (P speeds, the same on every rank), or equal shares. Local. */
double pario_train_rate(struct train *t);
void pario_train_shares(struct train *t);
void pario_train_shares_equal(struct train *t);
/* Close the files and free the buffers. */
void pario_train_close(struct train *t);

#endif
