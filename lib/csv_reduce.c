/* pario-reduce and pario-count on a CSV column: the column reader's blocks of
 * doubles go through the same kernels and exact accumulators as a float64
 * dataset's chunks, so results are the same bits for any rank count and chunk.
 * Extremes' indices are data record indices: rank-local during the pass, then
 * shifted by the exclusive scan of the records before each rank. */
#include "config.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "csv_internal.h"
#include "reduce_internal.h"
#include "fault.h"
#include "pario/reduce_kernels.h"
#include "slow.h"

struct csv_pass {
    const pario_reduce_spec *spec;
    unsigned need;
    int hist, count, range;
    pario_reduce_result *res;
    pario_progress *progress; /* or NULL */
    unsigned passes;          /* over the file, for the progress line's total */
    uint64_t done_before;     /* progress of earlier passes */
};

/* The progress line after a block (its total set on the first). */
static void progress(pario_progress *pg, const pario_csv_reader *r, unsigned passes, uint64_t *done_before,
                     int last)
{
    if (!pg)
        return;
    uint64_t total, done = pario_csv_progress(r, &total);
    pg->total = total * (passes ? passes : 1);
    pario_progress_update(pg, *done_before + done);
    if (last)
        *done_before += total;
}

static void shift(pario_acc *a, uint64_t base)
{
    if (a->n) {
        a->argmin += base;
        a->argmax += base;
    }
    if (a->nan)
        a->first_nan += base;
}

static void block(struct csv_pass *p, const double *v, const uint64_t *recs, size_t n)
{
    pario_reduce_result *res = p->res;
    if (p->need) {
        pario_acc b;
        pario_kernel_reduce(v, n, PARIO_FLOAT64, p->need, &b);
        if (b.n) {
            b.argmin = recs[b.argmin];
            b.argmax = recs[b.argmax];
        }
        if (b.nan)
            b.first_nan = recs[b.first_nan];
        pario_acc_merge(&res->acc[0], &b);
    }
    if (p->hist)
        pario_kernel_hist(v, n, PARIO_FLOAT64, &res->hist, res->hist_counts);
    if (p->count)
        pario_count_chunk(&p->spec->count, v, n, PARIO_FLOAT64, res->count);
    if (p->range)
        pario_count_chunk(&p->spec->range, v, n, PARIO_FLOAT64, res->range_count);
}

/* Back to the state before the pass (a rank reads again from the right start). */
static void reset(struct csv_pass *p)
{
    pario_reduce_result *res = p->res;
    pario_acc_init(&res->acc[0], PARIO_FLOAT64);
    if (p->hist)
        memset(res->hist_counts, 0, sizeof(uint64_t) * p->spec->bins);
    if (res->count)
        memset(res->count, 0, sizeof(uint64_t));
    if (res->range_count)
        memset(res->range_count, 0, sizeof(uint64_t));
}

/* Sum every rank's stats into s (on every rank). */
static void stats_sum(pario_csv_reader *r, pario_csv_stats *s, MPI_Comm comm)
{
    pario_csv_stats mine;
    pario_csv_local_stats(r, &mine);
    uint64_t a[5] = { mine.records, mine.values, mine.empty, mine.missing, mine.non_numeric }, b[5];
    MPI_Allreduce(a, b, 5, MPI_UINT64_T, MPI_SUM, comm);
    s->records = b[0];
    s->values = b[1];
    s->empty = b[2];
    s->missing = b[3];
    s->non_numeric = b[4];
}

/* What a pass over the column does with each block, and with a restart (a rank
 * that read from a wrong start: what it had is void). */
struct column_sink {
    void (*block)(void *ctx, const double *v, const uint64_t *recs, size_t n);
    void (*reset)(void *ctx);
    void *ctx;
    pario_progress *progress; /* or NULL */
    unsigned passes;
    uint64_t *done_before;
};

/* One pass over the column, every block to k; then this rank's first record
 * (*base) and every rank's stats summed. The one loop reduce and count share. */
static pario_status column_pass(const struct column_sink *k, const char *path, const pario_csv_opts *o,
                                const pario_io_opts *io, uint64_t *bytes, uint64_t *base, pario_csv_stats *stats,
                                MPI_Comm comm)
{
    pario_csv_reader *r;
    pario_status st = pario_csv_open(&r, path, o, io, comm);
    if (pario_failed(&st))
        return st;
    const double *v;
    const uint64_t *recs;
    size_t n;
    int got;
    while ((got = pario_csv_next(r, &v, &recs, &n, &st)) != 0) {
        if (got < 0)
            k->reset(k->ctx);
        else {
            double t0 = pario_slow_start();
            k->block(k->ctx, v, recs, n);
            pario_slow_after(t0); /* PARIO_SLOW, the test hook (slow.h): per block of values */
        }
        progress(k->progress, r, k->passes, k->done_before, 0);
    }
    progress(k->progress, r, k->passes, k->done_before, 1);
    *bytes += pario_csv_bytes(r);
    if (pario_agree(&st, comm)) {
        pario_csv_close(r);
        return st;
    }
    *base = pario_csv_record_base(r);
    stats_sum(r, stats, comm);
    pario_csv_close(r);
    return st;
}

static void pass_block(void *ctx, const double *v, const uint64_t *recs, size_t n) { block(ctx, v, recs, n); }
static void pass_reset(void *ctx) { reset(ctx); }

static pario_status run_pass(struct csv_pass *p, const char *path, const pario_csv_opts *o, const pario_io_opts *io,
                             pario_csv_stats *stats, MPI_Comm comm)
{
    struct column_sink k = { pass_block, pass_reset, p, p->progress, p->passes, &p->done_before };
    uint64_t base = 0;
    pario_status st = column_pass(&k, path, o, io, &p->res->bytes, &base, stats, comm);
    if (!pario_failed(&st))
        shift(&p->res->acc[0], base);
    return st;
}

static pario_status hist_range(struct csv_pass *p, const char *path, const pario_csv_opts *o,
                               const pario_io_opts *io, pario_csv_stats *stats, MPI_Comm comm, double *lo, double *hi)
{
    const pario_reduce_spec *s = p->spec;
    *lo = s->lo;
    *hi = s->hi;
    if (s->have_lo && s->have_hi)
        return pario_ok();
    pario_reduce_result *res = p->res;
    struct csv_pass mm = { s, PARIO_NEED_MINMAX, 0, 0, 0, res, p->progress, p->passes, p->done_before };
    pario_status st = run_pass(&mm, path, o, io, stats, comm);
    if (pario_failed(&st))
        return st;
    p->done_before = mm.done_before;
    res->passes++;
    pario_acc_reduce(res->acc, 1, comm);
    int rank;
    MPI_Comm_rank(comm, &rank);
    double range[2] = { 0, 1 };
    if (rank == 0) {
        pario_lane l;
        pario_reduce_lane(s, res, 0, &l);
        if (l.has_extremes) {
            range[0] = l.min.f;
            range[1] = l.max.f;
        }
    }
    MPI_Bcast(range, 2, MPI_DOUBLE, 0, comm);
    pario_acc_init(&res->acc[0], PARIO_FLOAT64);
    if (!s->have_lo)
        *lo = range[0];
    if (!s->have_hi)
        *hi = range[1];
    if (!isfinite(*lo) || !isfinite(*hi))
        return pario_error(PARIO_ERR_RUNTIME,
                           "%s: hist: the column's range [%g, %g] is not finite (give --min and --max%s)", path, *lo,
                           *hi, isnan(*lo) || isnan(*hi) ? ", or --skip-nan" : "");
    if (*lo > *hi)
        return pario_error(PARIO_ERR_USAGE, "%s: hist: range [%g, %g]: min is greater than max", path, *lo, *hi);
    return pario_ok();
}

static pario_status reduce_csv(const char *path, const pario_csv_opts *o, const pario_reduce_spec *spec,
                               const pario_io_opts *io, pario_progress *progress, pario_reduce_result *res,
                               pario_csv_stats *stats, MPI_Comm comm)
{
    memset(stats, 0, sizeof *stats);
    double t0 = MPI_Wtime();
    if (spec->axis >= 0)
        return pario_error(PARIO_ERR_USAGE, "--axis: a CSV column is 1-D");
    res->dtype = PARIO_FLOAT64;
    res->axis = -1;
    res->lanes = 1;
    struct csv_pass p = { spec, 0, 0, 0, 0, res, progress, 1, 0 };
    if (spec->ops & (PARIO_OP_SUM | PARIO_OP_MEAN))
        p.need |= PARIO_NEED_SUM;
    if (spec->ops & (PARIO_OP_VAR | PARIO_OP_STD))
        p.need |= PARIO_NEED_SUM | PARIO_NEED_M2;
    if (spec->ops & (PARIO_OP_MIN | PARIO_OP_MAX))
        p.need |= PARIO_NEED_MINMAX;
    p.hist = !!(spec->ops & PARIO_OP_HIST);
    p.count = !!(spec->ops & PARIO_OP_COUNT);
    p.range = !!(spec->ops & PARIO_OP_RANGE);
    if (p.hist && !(spec->have_lo && spec->have_hi))
        p.passes = 2; /* the range first */
    pario_status st = pario_ok();
    res->acc = calloc(1, sizeof(pario_acc));
    res->count = calloc(1, sizeof(uint64_t));
    res->range_count = calloc(1, sizeof(uint64_t));
    res->hist_counts = p.hist ? calloc(spec->bins, sizeof(uint64_t)) : NULL;
    if (!res->acc || !res->count || !res->range_count || (p.hist && !res->hist_counts))
        st = pario_local_error("%s: out of memory for the results", path);
    if (pario_agree(&st, comm))
        return st;
    if (!p.count) {
        free(res->count);
        res->count = NULL;
    }
    if (!p.range) {
        free(res->range_count);
        res->range_count = NULL;
    }
    pario_acc_init(&res->acc[0], PARIO_FLOAT64);
    if (p.hist) {
        double lo, hi;
        st = hist_range(&p, path, o, io, stats, comm, &lo, &hi);
        if (!pario_failed(&st))
            st = pario_reduce_named(pario_hist_init(&res->hist, spec->bins, lo, hi), path);
        if (pario_agree(&st, comm))
            return st;
    }
    st = run_pass(&p, path, o, io, stats, comm);
    if (pario_failed(&st))
        return st;
    res->passes++;
    res->lane_len = stats->values;
    pario_acc_reduce(res->acc, 1, comm);
    int rank;
    MPI_Comm_rank(comm, &rank);
    uint64_t *arrays[3] = { res->hist_counts, res->count, res->range_count };
    uint64_t sizes[3] = { p.hist ? spec->bins : 0, 1, 1 };
    for (int a = 0; a < 3; a++)
        if (arrays[a])
            MPI_Reduce(rank == 0 ? MPI_IN_PLACE : arrays[a], arrays[a], (int)sizes[a], MPI_UINT64_T, MPI_SUM, 0, comm);
    res->seconds = MPI_Wtime() - t0;
    return pario_ok();
}

pario_status pario_reduce_csv(const char *path, const pario_csv_opts *o, const pario_reduce_spec *spec,
                              const pario_io_opts *io, pario_progress *progress, pario_reduce_result *res,
                              pario_csv_stats *stats, MPI_Comm comm)
{
    memset(res, 0, sizeof *res);
    pario_status st = reduce_csv(path, o, spec, io, progress, res, stats, comm);
    if (pario_failed(&st))
        pario_reduce_result_free(res); /* nothing half-made is left to the caller */
    return st;
}

struct count_pass {
    const pario_count_query *q;
    uint64_t local[PARIO_COUNT_MAX_VALUES];
};

static void count_block(void *ctx, const double *v, const uint64_t *recs, size_t n)
{
    (void)recs;
    struct count_pass *c = ctx;
    pario_count_chunk(c->q, v, n, PARIO_FLOAT64, c->local);
}

static void count_reset(void *ctx)
{
    struct count_pass *c = ctx;
    memset(c->local, 0, sizeof c->local);
}

pario_status pario_count_csv(const char *path, const pario_csv_opts *o, const pario_count_query *q,
                             const pario_io_opts *io, int per_rank, pario_progress *progress_line,
                             pario_count_result *res, pario_csv_stats *stats, MPI_Comm comm)
{
    memset(res, 0, sizeof *res);
    memset(stats, 0, sizeof *stats);
    uint64_t done_before = 0;
    double t0 = MPI_Wtime();
    struct count_pass c = { q, { 0 } };
    struct column_sink k = { count_block, count_reset, &c, progress_line, 1, &done_before };
    uint64_t base;
    pario_status st = column_pass(&k, path, o, io, &res->bytes, &base, stats, comm);
    if (pario_failed(&st))
        return st;
    st = pario_count_combine(c.local, q, per_rank, res, comm);
    if (pario_failed(&st))
        return st;
    res->seconds = MPI_Wtime() - t0;
    return pario_ok();
}

void pario_csv_emit_stats(pario_out *out, const pario_csv_stats *s)
{
    pario_out_u64(out, "records", s->records);
    pario_out_u64(out, "values", s->values);
    pario_out_obj(out, "invalid");
    pario_out_u64(out, "empty", s->empty);
    pario_out_u64(out, "missing", s->missing);
    pario_out_u64(out, "non_numeric", s->non_numeric);
    pario_out_end(out);
}
