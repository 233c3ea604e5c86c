/* Counting elements over a dataset: equal to a value, in a half-open range, or
 * equal to each of several values. */
#ifndef PARIO_COUNT_H
#define PARIO_COUNT_H

#include <stdint.h>
#include <mpi.h>
#include "pario/dataset.h"
#include "pario/io.h"
#include "pario/progress.h"
#include "pario/status.h"
#include "pario/view.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pario_count_mode { PARIO_COUNT_NONE, PARIO_COUNT_VALUE, PARIO_COUNT_RANGE, PARIO_COUNT_VALUES } pario_count_mode;

#define PARIO_COUNT_MAX_VALUES 256

typedef struct pario_count_query {
    pario_count_mode mode;
    int n;                                   /* number of counts: values, or 1 */
    char text[PARIO_COUNT_MAX_VALUES][48];   /* values as given, or {lo, hi} */
    /* resolved for the dataset's dtype */
    pario_scalar value[PARIO_COUNT_MAX_VALUES];
    int possible[PARIO_COUNT_MAX_VALUES];    /* 0: the dtype cannot hold this value */
    /* a range, resolved exactly from the decimal (or hex) texts: for floats the
     * half-open [lo.f, hi.f) with each bound rounded up to the next double (so
     * it compares as the exact decimal would); for integers the closed [lo, hi]
     * clipped to the dtype (bounds beyond it mean no limit), or empty */
    pario_scalar lo, hi;
    int empty;
} pario_count_query;

/* From --value V, --range LO:HI, --values V1,V2,... */
pario_status pario_count_query_set(pario_count_query *q, pario_count_mode mode, const char *arg);
/* Parse the texts as values of dtype t. */
pario_status pario_count_query_resolve(pario_count_query *q, pario_dtype t);

/* This rank's counts for one chunk, added to counts[q->n]. */
void pario_count_chunk(const pario_count_query *q, const void *buf, size_t n, pario_dtype t, uint64_t *counts);

typedef struct pario_count_result {
    uint64_t counts[PARIO_COUNT_MAX_VALUES];  /* global, on every rank */
    uint64_t *per_rank;                       /* rank 0: [rank][value], malloc'ed; NULL elsewhere */
    uint64_t bytes;                           /* read by this rank */
    double seconds;                           /* this rank's wall time */
} pario_count_result;

/* Collective: count over the elements view selects (all of them, for any
 * distribution: the answer does not depend on it). per_rank: also gather each
 * rank's counts to rank 0. */
pario_status pario_count_dataset(const pario_dataset *ds, const pario_view *view, const pario_count_query *q,
                                 const pario_io_opts *io, int per_rank, pario_progress *progress,
                                 pario_count_result *res, MPI_Comm comm);
/* Collective: the totals of every rank's partial counts into res->counts and,
 * with per_rank, each rank's counts gathered on rank 0 (res->per_rank). Every
 * count path (datasets, CSV columns, tasks) ends here. */
pario_status pario_count_combine(const uint64_t *local, const pario_count_query *q, int per_rank,
                                 pario_count_result *res, MPI_Comm comm);
void pario_count_result_free(pario_count_result *res);

#ifdef __cplusplus
}
#endif
#endif
