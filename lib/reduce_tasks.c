/* Reduce many inputs (or one) by tasks of the pool: each rank accumulates the
 * pieces it draws into that input's result with the collective pipeline's own
 * per-chunk code (reduce.c), then each input's result is merged across ranks to
 * rank 0. Accumulators are exact and order-free, so which rank did which task, and
 * in what order, cannot change a bit of the result. A histogram without --min and
 * --max takes a first run of the tasks for each input's min and max. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "reduce_internal.h"
#include "tasks_internal.h"

struct reduce_ctx {
    const pario_dataset *ds;
    const pario_reduce_spec *spec;
    const pario_reduce_spec *specs;   /* per input, count=V and range=LO:HI resolved for its dtype, or NULL */
    pario_reduce_result *res;
    int minmax_only;
};

static pario_status reduce_fn(void *ctx, size_t input, const void *data, size_t n, uint64_t start)
{
    struct reduce_ctx *c = ctx;
    pario_reduce_result *r = &c->res[input];
    pario_reduce_add_range(&c->ds[input], c->specs ? &c->specs[input] : c->spec, r, c->minmax_only, data, n, start);
    r->bytes += n * pario_dtype_size(c->ds[input].dtype);
    return pario_ok();
}

static void count_failed(const pario_status *st, size_t n, pario_inputs_outcome *out)
{
    out->failed = 0;
    out->first_failed = 0;
    for (size_t i = n; i-- > 0;)
        if (pario_failed(&st[i])) {
            out->failed++;
            out->first_failed = i;
        }
}

/* Collective: every input's accumulators (acc[0] only with minmax_only) and
 * counts merged to rank 0 in one reduction each, not one per input. */
static pario_status merge_all(pario_reduce_result *res, size_t n, const pario_reduce_spec *spec, int minmax_only,
                              MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    uint64_t lanes = 0, cells = 0;
    for (size_t i = 0; i < n; i++) {
        lanes += minmax_only ? 1 : res[i].lanes;
        if (!minmax_only)
            cells += (res[i].hist_counts ? res[i].lanes * spec->bins : 0) + (res[i].count ? res[i].lanes : 0)
                     + (res[i].range_count ? res[i].lanes : 0);
    }
    pario_acc *acc = malloc(sizeof *acc * (lanes ? lanes : 1));
    uint64_t *cnt = malloc(sizeof *cnt * (cells ? cells : 1));
    pario_status st = pario_ok();
    if (!acc || !cnt)
        st = pario_local_error("out of memory merging the results of %zu inputs", n);
    if (!pario_agree(&st, comm)) {
        for (size_t i = 0, l = 0, c = 0; i < n; i++) {
            uint64_t m = minmax_only ? 1 : res[i].lanes;
            memcpy(acc + l, res[i].acc, sizeof *acc * m);
            l += m;
            uint64_t *arrays[3] = { res[i].hist_counts, res[i].count, res[i].range_count };
            uint64_t sizes[3] = { res[i].lanes * spec->bins, res[i].lanes, res[i].lanes };
            for (int k = 0; !minmax_only && k < 3; k++)
                if (arrays[k]) {
                    memcpy(cnt + c, arrays[k], sizeof *cnt * sizes[k]);
                    c += sizes[k];
                }
        }
        pario_acc_reduce(acc, lanes, comm);
        for (uint64_t s = 0; s < cells; s += 1 << 24) {
            int m = (int)(cells - s < (1 << 24) ? cells - s : (1 << 24));
            MPI_Reduce(rank == 0 ? MPI_IN_PLACE : cnt + s, cnt + s, m, MPI_UINT64_T, MPI_SUM, 0, comm);
        }
        for (size_t i = 0, l = 0, c = 0; rank == 0 && i < n; i++) {
            uint64_t m = minmax_only ? 1 : res[i].lanes;
            memcpy(res[i].acc, acc + l, sizeof *acc * m);
            l += m;
            uint64_t *arrays[3] = { res[i].hist_counts, res[i].count, res[i].range_count };
            uint64_t sizes[3] = { res[i].lanes * spec->bins, res[i].lanes, res[i].lanes };
            for (int k = 0; !minmax_only && k < 3; k++)
                if (arrays[k]) {
                    memcpy(arrays[k], cnt + c, sizeof *cnt * sizes[k]);
                    c += sizes[k];
                }
        }
    }
    free(acc);
    free(cnt);
    return st;
}

/* Collective: each input's histogram range from its min and max (merged), rank 0
 * deciding for all and sending them in one broadcast. */
static pario_status hist_ranges(const pario_dataset *ds, size_t n, const pario_reduce_spec *spec,
                                pario_reduce_result *res, pario_status *st, MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    pario_status gst = merge_all(res, n, spec, 1, comm);
    double *range = malloc(sizeof(double) * 2 * (n ? n : 1));
    if (!pario_failed(&gst) && !range)
        gst = pario_local_error("out of memory for %zu histogram ranges", n);
    if (pario_agree(&gst, comm)) {
        free(range);
        return gst;
    }
    for (size_t i = 0; rank == 0 && i < n; i++)
        pario_reduce_data_range(spec, &res[i], range + 2 * i);
    for (size_t s = 0; s < 2 * n; s += 1 << 24)
        MPI_Bcast(range + s, (int)(2 * n - s < (1 << 24) ? 2 * n - s : (1 << 24)), MPI_DOUBLE, 0, comm);
    for (size_t i = 0; i < n; i++) {
        pario_acc_init(&res[i].acc[0], ds[i].dtype);
        res[i].passes++;
        if (pario_failed(&st[i]))
            continue;
        double lo, hi;
        pario_status s = pario_reduce_hist_range_check(spec, range + 2 * i, &lo, &hi);
        if (!pario_failed(&s))
            s = pario_hist_init(&res[i].hist, spec->bins, lo, hi);
        if (!pario_failed(&s))
            s = pario_hist_for_dtype(&res[i].hist, ds[i].dtype, spec);
        if (pario_failed(&s)) {
            char label[PARIO_PATH_MAX + 1024];
            st[i] = pario_reduce_named(s, pario_dataset_label(&ds[i], label, sizeof label));
        }
    }
    free(range);
    return pario_ok();
}

/* The passes of pario_reduce_inputs over c's inputs (min/max first for a
 * histogram without a range), then the results merged to rank 0. */
static pario_status run_passes(struct reduce_ctx *cp, size_t n, const pario_task_opts *o, pario_status *st,
                               pario_inputs_outcome *out, double t0, MPI_Comm comm)
{
    struct reduce_ctx c = *cp;
    const pario_dataset *ds = c.ds;
    const pario_reduce_spec *spec = c.spec;
    pario_reduce_result *res = c.res;
    pario_status gst = pario_ok();
    if ((spec->ops & PARIO_OP_HIST) && !(spec->have_lo && spec->have_hi)) {
        /* each input's range first (as numpy.histogram without range=) */
        if (o->progress)
            pario_progress_passes(o->progress, 2);
        c.minmax_only = 1;
        gst = pario_tasks_run(ds, n, st, o, reduce_fn, &c, comm);
        if (!pario_failed(&gst))
            gst = hist_ranges(ds, n, spec, res, st, comm);
        if (pario_failed(&gst))
            return gst;
        count_failed(st, n, out);
        if (out->failed && !o->keep_going)
            return pario_ok();
        c.minmax_only = 0;
    } else if (spec->ops & PARIO_OP_HIST) {
        for (size_t i = 0; i < n && !pario_failed(&gst); i++)
            gst = pario_hist_init(&res[i].hist, spec->bins, spec->lo, spec->hi);
        for (size_t i = 0; i < n && !pario_failed(&gst); i++)
            gst = pario_hist_for_dtype(&res[i].hist, ds[i].dtype, spec);
        if (pario_agree(&gst, comm))
            return gst;
    }
    gst = pario_reduce_choose_shifts(ds, n, st, spec, res, comm);   /* st[] is agreed */
    if (pario_failed(&gst))
        return gst;
    gst = pario_tasks_run(ds, n, st, o, reduce_fn, &c, comm);
    if (!pario_failed(&gst))
        gst = merge_all(res, n, spec, 0, comm);
    if (pario_failed(&gst))
        return gst;
    for (size_t i = 0; i < n; i++) {
        res[i].passes++;
        res[i].seconds = MPI_Wtime() - t0;
    }
    count_failed(st, n, out);
    return pario_ok();
}

pario_status pario_reduce_inputs(const pario_dataset *ds, size_t n, const pario_reduce_spec *spec,
                                 const pario_task_opts *o, pario_reduce_result *res, pario_status *st,
                                 pario_inputs_outcome *out, MPI_Comm comm)
{
    double t0 = MPI_Wtime();
    pario_status gst = pario_ok();
    for (size_t i = 0; i < n; i++) {
        pario_status s = pario_reduce_result_setup(&ds[i], spec, &res[i]);
        if (pario_failed(&s) && !pario_failed(&gst))
            gst = s;
    }
    if (pario_agree(&gst, comm))
        return gst;
    count_failed(st, n, out);
    if (out->failed && !o->keep_going)
        return pario_ok();
    /* count=V and range=LO:HI are resolved for a dtype (the value as an int8,
     * a float, ...): each input its own (the inputs' dtypes may differ) */
    pario_reduce_spec *specs = NULL;
    if (spec->ops & (PARIO_OP_COUNT | PARIO_OP_RANGE)) {
        specs = malloc(sizeof *specs * (n ? n : 1));
        if (!specs)
            gst = pario_local_error("out of memory for the counts of %zu inputs", n);
        for (size_t i = 0; specs && i < n; i++) {
            specs[i] = *spec;
            if (pario_failed(&st[i]))
                continue;
            pario_status s = pario_ok();
            if (spec->ops & PARIO_OP_COUNT)
                s = pario_count_query_resolve(&specs[i].count, ds[i].dtype);
            if (!pario_failed(&s) && (spec->ops & PARIO_OP_RANGE))
                s = pario_count_query_resolve(&specs[i].range, ds[i].dtype);
            if (pario_failed(&s))   /* pario_reduce_spec_check took it already: not here */
                st[i] = pario_error(s.code, "%s: %s", ds[i].path, s.msg);
        }
        if (pario_agree(&gst, comm)) {
            free(specs);
            return gst;
        }
    }
    struct reduce_ctx c = { ds, spec, specs, res, 0 };
    gst = run_passes(&c, n, o, st, out, t0, comm);
    free(specs);
    return gst;
}
