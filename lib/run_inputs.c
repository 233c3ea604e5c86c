/* The results of a many-input run (pario-run): one entry per input, in input
 * order, keyed by its path, then the totals. When every input that succeeded has
 * the same dtype and no --axis, the totals also hold the operations over all of
 * them as one dataset (their concatenation in input order: argmin/argmax index
 * into it); the histogram is left out there, each input's range being its own.
 *
 * The totals' variance of float inputs cannot come from merging their
 * accumulators: each input's squares are shifted by its own first element
 * (pario_acc_set_shift). It is combined from the inputs' own, about a
 * centre c: with D the exact sum of S1_i - n_i c
 * and A the exact sum of the rounded n_i var_i and n_i d_i^2 (d_i = mean_i
 * - c, from S1_i - n_i c rounded once), N var = A - D^2 / N, by
 * pario_xsum_var's exact arithmetic; in input order, so the same bits for
 * any rank count, window and schedule. c is the middle of the first input's
 * range (never an overflow); a term beyond DBL_MAX makes the variance inf,
 * as a single dataset's is. Its error: the inputs' own bounds
 * plus a few roundings of each term, times (1 + (mean - c)^2 / var). */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "pario/tasks.h"

static void shift(pario_acc *a, uint64_t by)
{
    if (a->n) {
        a->argmin += by;
        a->argmax += by;
    }
    if (a->nan)
        a->first_nan += by;
}

struct pario_inputs_emitter {
    pario_out *o;
    const pario_reduce_spec *spec;
    FILE *warn;
    const char *tool;
    uint64_t over_all, elems, bytes, count, range;
    size_t n, failed, ok;
    int same;
    pario_dtype t;
    pario_acc acc;   /* every input as one dataset, merged exactly in input order */
    int have_c;      /* float variance (above): the centre c is set */
    int var_inf;     /* a term overflowed: the variance exceeds DBL_MAX */
    int var_nan;     /* an input's variance is NaN (an infinity in its data) */
    double c;
    pario_xsum vd, va;
    uint64_t vn;
};

/* A float input's part of the totals' variance (above). */
static void var_add(pario_inputs_emitter *e, const pario_acc *a)
{
    if (a->kind != PARIO_ACC_FLOAT || a->n == 0)
        return;
    if (!e->have_c) {   /* the middle of its range: within the data, never an overflow */
        double m = 0.5 * a->min.f + 0.5 * a->max.f;
        e->c = isfinite(m) ? m : 0.0;
        e->have_c = 1;
    }
    pario_xsum d = a->s1;
    pario_xsum_add_times(&d, -e->c, a->n);   /* S1 - n c */
    double n = (double)a->n, vi = pario_acc_var(a), di = pario_xsum_round(&d) / n;
    double t1 = n * vi, t2 = n * (di * di);
    if (isnan(vi) || isnan(di)) {
        e->var_nan = 1;
    } else if (!isfinite(t1) || !isfinite(t2)) {
        e->var_inf = 1;   /* as a single dataset's: a variance beyond DBL_MAX is inf */
    } else {
        pario_xsum_add(&e->va, t1);
        pario_xsum_add(&e->va, t2);
    }
    pario_xsum_merge(&e->vd, &d);
    e->vn += a->n;
}

pario_inputs_emitter *pario_inputs_emit_begin(pario_out *o, const pario_reduce_spec *spec, FILE *warn,
                                              const char *tool)
{
    pario_inputs_emitter *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->o = o;
    e->spec = spec;
    e->warn = warn;
    e->tool = tool;
    e->same = spec->axis < 0;
    e->t = PARIO_DTYPE_COUNT;
    pario_xsum_init(&e->vd);
    pario_xsum_init(&e->va);
    pario_out_obj(o, "inputs");
    return e;
}

void pario_inputs_emit_some(pario_inputs_emitter *e, char *const *paths, const pario_dataset *ds,
                            const pario_reduce_result *res, const pario_status *st, size_t m)
{
    pario_out *o = e->o;
    for (size_t i = 0; i < m; i++, e->n++) {
        pario_out_obj(o, paths[i]);
        if (pario_failed(&st[i])) {
            pario_out_str(o, "error", st[i].msg);
            e->failed++;
            pario_out_end(o);
            continue;
        }
        pario_out_str(o, "dtype", pario_dtype_name(ds[i].dtype));
        pario_out_arr(o, "shape");
        for (int k = 0; k < ds[i].ndims; k++)
            pario_out_u64(o, NULL, pario_dataset_dim(&ds[i], k));
        pario_out_end(o);
        uint64_t over = pario_reduce_emit(o, e->spec, &res[i]);
        if (over && e->warn) {
            char who[PARIO_PATH_MAX + 64];
            snprintf(who, sizeof who, "%s: %s", e->tool, paths[i]);
            pario_reduce_warn_overflow(e->warn, who, over, &res[i]);
        }
        e->over_all += over;
        if (e->ok++ == 0) {
            e->t = ds[i].dtype;
            pario_acc_init(&e->acc, e->t);
        } else if (ds[i].dtype != e->t) {
            e->same = 0;
        }
        if (e->same) {
            pario_acc a = res[i].acc[0];
            shift(&a, e->elems);   /* its index in the concatenation */
            pario_acc_merge(&e->acc, &a);
            var_add(e, &res[i].acc[0]);
            if (res[i].count)
                e->count += res[i].count[0];
            if (res[i].range_count)
                e->range += res[i].range_count[0];
        }
        e->elems += ds[i].nelems;
        e->bytes += pario_dataset_bytes(&ds[i]);
        pario_out_end(o);
    }
}

uint64_t pario_inputs_emit_end(pario_inputs_emitter *e)
{
    pario_out *o = e->o;
    pario_out_end(o);
    pario_out_obj(o, "totals");
    pario_out_u64(o, "inputs", e->n);
    pario_out_u64(o, "failed", e->failed);
    pario_out_u64(o, "bytes", e->bytes);
    pario_reduce_spec ts = *e->spec;
    ts.ops &= ~(unsigned)PARIO_OP_HIST;
    uint64_t over_all = e->over_all;
    if (e->same && e->ok && ts.ops) {
        uint64_t count = e->count, range = e->range;
        pario_reduce_result tot;
        memset(&tot, 0, sizeof tot);
        tot.dtype = e->t;
        tot.axis = -1;
        tot.lanes = 1;
        tot.lane_len = e->elems;
        tot.acc = &e->acc;
        double var = 0.0;
        if (e->acc.kind == PARIO_ACC_FLOAT) {   /* not from the merged squares: their shifts differ */
            var = e->var_nan ? NAN : e->var_inf ? INFINITY : pario_xsum_var(&e->vd, &e->va, e->vn);
            tot.var = &var;
        }
        tot.count = (ts.ops & PARIO_OP_COUNT) ? &count : NULL;
        tot.range_count = (ts.ops & PARIO_OP_RANGE) ? &range : NULL;
        pario_out_str(o, "dtype", pario_dtype_name(e->t));
        uint64_t over = pario_reduce_emit(o, &ts, &tot);
        if (over && e->warn) {
            char who[256];
            snprintf(who, sizeof who, "%s: totals", e->tool);
            pario_reduce_warn_overflow(e->warn, who, over, &tot);
        }
        over_all += over;
    } else {
        pario_out_u64(o, "elements", e->elems);
    }
    pario_out_end(o);
    free(e);
    return over_all;
}
