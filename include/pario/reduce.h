/* Reductions over a dataset in one pass: sum, min/max with the index of the first
 * extreme, mean, var, std, histogram and counts, for the whole dataset or per row
 * or column of a 2-D one, with any distribution. */
#ifndef PARIO_REDUCE_H
#define PARIO_REDUCE_H

#include <stdint.h>
#include <stdio.h>
#include <mpi.h>
#include "pario/count.h"
#include "pario/dataset.h"
#include "pario/io.h"
#include "pario/output.h"
#include "pario/progress.h"
#include "pario/status.h"
#include "pario/view.h"
#include "pario/xsum.h"

#ifdef __cplusplus
extern "C" {
#endif

enum pario_reduce_op {
    PARIO_OP_SUM = 1u << 0,
    PARIO_OP_MIN = 1u << 1,   /* with argmin */
    PARIO_OP_MAX = 1u << 2,   /* with argmax */
    PARIO_OP_MEAN = 1u << 3,
    PARIO_OP_VAR = 1u << 4,
    PARIO_OP_STD = 1u << 5,
    PARIO_OP_HIST = 1u << 6,
    PARIO_OP_COUNT = 1u << 7, /* count=V: elements equal to V */
    PARIO_OP_RANGE = 1u << 8, /* range=LO:HI: elements with LO <= x < HI */
};

#define PARIO_REDUCE_DEFAULT_BINS 10
#define PARIO_REDUCE_MAX_BINS ((uint64_t)1 << 24)
/* Per-lane state is held by every rank: bound lanes x (accumulator + bins). */
#define PARIO_REDUCE_MAX_CELLS ((uint64_t)1 << 26)

typedef struct pario_reduce_spec {
    unsigned ops;               /* enum pario_reduce_op */
    int axis;                   /* -1: the whole dataset; 0: one result per column; 1: per row */
    int skip_nan;               /* 1: NaN counted and skipped (numpy's nan* functions) */
    int exact;                  /* 1: var/std of floats from exact squares (correctly rounded);
                                   0: from shifted squares (reproducible, bounded error) */
    uint64_t bins;              /* hist */
    int have_lo, have_hi;       /* hist range given (--min, --max) */
    double lo, hi;
    char lo_text[48], hi_text[48];
    pario_count_query count;    /* count=V */
    pario_count_query range;    /* range=LO:HI */
} pario_reduce_spec;

void pario_reduce_spec_init(pario_reduce_spec *s);
/* "sum,min,max,mean,var,std,hist,count=8,range=3:7" (adds to s->ops). */
pario_status pario_reduce_parse_ops(pario_reduce_spec *s, const char *list);
/* One operation: "sum", "count=8", ... */
pario_status pario_reduce_add_op(pario_reduce_spec *s, const char *op);
pario_status pario_reduce_set_bins(pario_reduce_spec *s, const char *text);
/* --min / --max of the histogram range (which: 0 = min, 1 = max). */
pario_status pario_reduce_set_bound(pario_reduce_spec *s, int which, const char *text);
/* The operations as canonical text ("sum,min,count=8"). */
void pario_reduce_ops_format(const pario_reduce_spec *s, char *buf, size_t len);
/* Check s against the dataset (axis needs 2-D, range, count values) before any I/O. */
pario_status pario_reduce_spec_check(pario_reduce_spec *s, const pario_dataset *ds);

/* ---- accumulators ---- */
typedef union pario_value {
    int64_t i;   /* signed integer dtypes */
    uint64_t u;  /* unsigned integer dtypes */
    double f;    /* floats */
} pario_value;

enum pario_acc_kind { PARIO_ACC_SIGNED, PARIO_ACC_UNSIGNED, PARIO_ACC_FLOAT };

/* The state of one lane (the whole dataset, a row or a column). Plain old data:
 * it travels through MPI as bytes and merges with pario_acc_merge. Indices are
 * positions along the lane. NaN are never accumulated: they are counted, and the
 * first one's index kept, so --skip-nan and numpy's propagation differ only when
 * the results are read. Every part is exact or order-free (integer sums, exact
 * float sums, extremes with the smaller index on ties), so the merged state, and
 * every result read from it, is the same for any split of the data and any
 * merge order: rank count, chunk, strategy and distribution do not matter. */
typedef struct pario_acc {
    int32_t kind;           /* enum pario_acc_kind */
    int32_t shifted;        /* floats: s2 sums the shifted squares fl(fl(x - shift)^2) */
    uint64_t n;             /* values accumulated */
    uint64_t nan;           /* NaN seen */
    uint64_t first_nan;     /* index of the first NaN, UINT64_MAX if none */
    uint64_t isum_lo;       /* integers: the exact sum as a 128-bit two's complement */
    int64_t isum_hi;
    pario_value min, max;   /* valid when n > 0 */
    uint64_t argmin, argmax;
    pario_xsum s1;          /* floats: the exact sum */
    pario_xsum s2;          /* the exact sum of squares (var, std), or of shifted squares */
    double shift;           /* the shift of s2's squares when shifted (the same on every rank) */
} pario_acc;

void pario_acc_init(pario_acc *a, pario_dtype t);
/* Floats: s2 becomes the exact sum of the rounded shifted squares fl(fl(x - shift)^2)
 * (the default variance, see pario_acc_var); every accumulator merged with a must
 * carry the same shift. */
void pario_acc_set_shift(pario_acc *a, double shift);
/* The variance of a float lane (n > 0, no NaN accumulated): exact squares give
 * pario_xsum_var; shifted ones (n Q - T^2) / n^2 with T = S1 - n shift exact. */
double pario_acc_var(const pario_acc *a);
/* into += from (Chan's formula for mean/m2; ties keep the smaller index). */
void pario_acc_merge(pario_acc *into, const pario_acc *from);
/* Add one value at index idx (for per-column results). */
void pario_acc_push(pario_acc *a, pario_dtype t, const void *elem, uint64_t idx);
/* Collective: element-wise merge of acc[lanes] to rank 0 (a user-defined MPI_Op). */
void pario_acc_reduce(pario_acc *acc, uint64_t lanes, MPI_Comm comm);

/* ---- histogram ---- */
typedef struct pario_hist {
    uint64_t bins;
    double lo, hi, norm;    /* norm = bins / (hi - lo) */
    double *edges;          /* bins + 1, as numpy.linspace(lo, hi, bins + 1) */
    /* how far an edge's own image in the kernels' fast arithmetic lies from
     * its whole number (f = (x - lo) norm + 1 in doubles, with or without a
     * fused multiply-add; c = fl32(x - lo) norm + 1/2 in floats): a value
     * within that of a whole number is binned against the edges exactly */
    double near, near32;
    /* int64/uint64 data with a --min or --max of 2^53 or more: the range test in
     * integers, as numpy's for integer bounds (a value whose double rounds onto
     * the bound's is not counted when the integer lies outside) */
    int int_lo, int_hi;     /* the bound applies */
    int64_t ilo, ihi;       /* int64: ceil(--min), floor(--max) */
    uint64_t ulo, uhi;      /* uint64: the same */
} pario_hist;

/* Edges for [lo, hi] like numpy.histogram: lo == hi widens to [lo - 0.5, hi + 0.5]. */
pario_status pario_hist_init(pario_hist *h, uint64_t bins, double lo, double hi);
void pario_hist_free(pario_hist *h);
/* h for data of type t, as numpy.histogram does it: for int64/uint64 the
 * exact integer bounds of the range test (above) from the bounds' text
 * (spec->lo_text, hi_text when given); for float32 the edges (and so lo and
 * hi) rounded to float32, as numpy makes them for float32 data. */
pario_status pario_hist_for_dtype(pario_hist *h, pario_dtype t, const struct pario_reduce_spec *spec);

/* ---- the pipeline ---- */
typedef struct pario_reduce_result {
    pario_dtype dtype;
    int axis;
    uint64_t lanes;             /* 1, or columns (axis 0) / rows (axis 1) */
    uint64_t lane_len;          /* elements in each lane */
    pario_acc *acc;             /* [lanes]; complete on rank 0 */
    pario_hist hist;            /* edges on every rank */
    uint64_t *hist_counts;      /* [lanes][bins]; complete on rank 0 */
    uint64_t *count;            /* [lanes] count=V; rank 0 */
    uint64_t *range_count;      /* [lanes] range=LO:HI; rank 0 */
    int passes;                 /* 1, or 2 when the histogram's range came from the data */
    const char *reads;          /* how rank 0's reads ran (pario_reader_reads_how), or NULL */
    uint64_t bytes;             /* read by this rank */
    double seconds, io_seconds; /* this rank's wall time, and time waiting for reads */
    const double *var;          /* [lanes] the float lanes' variances when set (a many-input run's totals,
                                   combined from each input's: run_inputs.c), else from acc; NULL */
} pario_reduce_result;

/* Collective: compute every operation of spec over the elements view selects, in
 * one read of the data (two when hist has no --min/--max: min and max first). */
pario_status pario_reduce_dataset(const pario_dataset *ds, const pario_view *view, const pario_reduce_spec *spec,
                                  const pario_io_opts *io, pario_progress *progress, pario_reduce_result *res,
                                  MPI_Comm comm);
void pario_reduce_result_free(pario_reduce_result *res);

/* What one lane's accumulator means, with the NaN rules applied. */
typedef struct pario_lane {
    int sum_overflow;       /* integer sum outside int64 (signed) / uint64 (unsigned) */
    pario_value sum;        /* integers exact; floats the exact sum rounded once */
    int has_extremes;       /* 0 when there is no value (empty, or all NaN skipped) */
    pario_value min, max;   /* NaN (floats) when a NaN propagates */
    uint64_t argmin, argmax;
    double mean, var, std;  /* NaN when undefined */
} pario_lane;

void pario_reduce_lane(const pario_reduce_spec *spec, const pario_reduce_result *res, uint64_t lane,
                       pario_lane *out);

/* Rank 0: the results as one object, a key per operation (plus "elements",
 * "nan_count" for floats, "axis"), to an open emitter. Returns the number of lanes
 * whose integer sum overflowed. */
uint64_t pario_reduce_emit(pario_out *o, const pario_reduce_spec *spec, const pario_reduce_result *res);
/* The warning for `over` sums (as pario_reduce_emit counts them) that overflow
 * int64/uint64, one line on f: "TOOL: warning: the sum of the dataset overflows
 * int64; reported as null" or "... the sums of 2 of 7 lanes overflow ...". */
void pario_reduce_warn_overflow(FILE *f, const char *tool, uint64_t over, const pario_reduce_result *res);

/* Rank 0, serial HDF5 driver: each result as a dataset, attrs[] as root attributes
 * (pairs of strings, NULL-terminated); written to a temporary name, then renamed. */
pario_status pario_reduce_write_h5(const char *path, const pario_reduce_spec *spec, const pario_reduce_result *res,
                                   const char *const *attrs);
/* A numeric root attribute: type 'i' int64 (i), 'u' uint64 (u), 'b' a flag as
 * uint8 0/1 (u) — numbers stay numbers (pario-pi's log stores ranks as int64 too). */
typedef struct pario_h5_attr {
    const char *name;
    char type;
    int64_t i;
    uint64_t u;
} pario_h5_attr;
/* As pario_reduce_write_h5, with n numeric attributes as well. */
pario_status pario_reduce_write_h5_typed(const char *path, const pario_reduce_spec *spec,
                                         const pario_reduce_result *res, const char *const *attrs,
                                         const pario_h5_attr *num, size_t n);
/* The same written to path's temporary name only (pario_write_file_tmp), for
 * a tool with two outputs to rename both into place once both are written
 * (pario_commit_tmp), or neither (pario_discard_tmp). */
pario_status pario_reduce_write_h5_tmp(const char *path, const pario_reduce_spec *spec,
                                       const pario_reduce_result *res, const char *const *attrs,
                                       const pario_h5_attr *num, size_t n);

#ifdef __cplusplus
}
#endif
#endif
