/* Reduce many inputs (or one) by tasks of the pool: each rank accumulates the
 * pieces it draws into that input's result with the collective pipeline's own
 * per-chunk code (reduce.c), then each input's result is merged across ranks to
 * rank 0. Accumulators are exact and order-free, so which rank did which task, and
 * in what order, cannot change a bit of the result. A histogram without --min and
 * --max takes a first run of the tasks for each input's min and max. */
#include "config.h"
#include <string.h>
#include "reduce_internal.h"
#include "tasks_internal.h"

struct reduce_ctx {
    const pario_dataset *ds;
    const pario_reduce_spec *spec;
    pario_reduce_result *res;
    int minmax_only;
};

static pario_status reduce_fn(void *ctx, size_t input, const void *data, size_t n, uint64_t start)
{
    struct reduce_ctx *c = ctx;
    pario_reduce_result *r = &c->res[input];
    pario_reduce_add_range(&c->ds[input], c->spec, r, c->minmax_only, data, n, start);
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
    struct reduce_ctx c = { ds, spec, res, 0 };
    if ((spec->ops & PARIO_OP_HIST) && !(spec->have_lo && spec->have_hi)) {
        /* each input's range first (as numpy.histogram without range=) */
        c.minmax_only = 1;
        gst = pario_tasks_run(ds, n, st, o, reduce_fn, &c, comm);
        if (pario_failed(&gst))
            return gst;
        count_failed(st, n, out);
        if (out->failed && !o->keep_going)
            return pario_ok();
        for (size_t i = 0; i < n; i++) {
            if (pario_failed(&st[i]))
                continue;
            pario_acc_reduce(res[i].acc, 1, comm);
            double lo, hi;
            pario_status s = pario_reduce_hist_bounds(spec, &res[i], comm, &lo, &hi);
            if (!pario_failed(&s))
                s = pario_hist_init(&res[i].hist, spec->bins, lo, hi);
            pario_agree(&s, comm);
            if (pario_failed(&s)) {
                char m[PARIO_MSG_MAX];
                memcpy(m, s.msg, sizeof m);
                s = pario_error(s.code, "%s: %s", ds[i].path, m);
            }
            st[i] = s;
            pario_acc_init(&res[i].acc[0], ds[i].dtype);
            res[i].passes++;
        }
        count_failed(st, n, out);
        if (out->failed && !o->keep_going)
            return pario_ok();
        c.minmax_only = 0;
    } else if (spec->ops & PARIO_OP_HIST) {
        for (size_t i = 0; i < n && !pario_failed(&gst); i++)
            gst = pario_hist_init(&res[i].hist, spec->bins, spec->lo, spec->hi);
        if (pario_agree(&gst, comm))
            return gst;
    }
    gst = pario_tasks_run(ds, n, st, o, reduce_fn, &c, comm);
    if (pario_failed(&gst))
        return gst;
    for (size_t i = 0; i < n; i++) {
        res[i].passes++;
        if (!pario_failed(&st[i]))
            pario_reduce_result_merge(&res[i], spec, comm);
        res[i].seconds = MPI_Wtime() - t0;
    }
    count_failed(st, n, out);
    return pario_ok();
}
