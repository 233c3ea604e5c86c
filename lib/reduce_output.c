/* Results as one object with a key per operation (JSON, YAML or text): scalars for
 * the whole dataset, arrays of one value per lane with --axis. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include "pario/reduce.h"

static void put_value(pario_out *o, const char *key, int kind, pario_value v)
{
    if (kind == PARIO_ACC_SIGNED)
        pario_out_i64(o, key, v.i);
    else if (kind == PARIO_ACC_UNSIGNED)
        pario_out_u64(o, key, v.u);
    else
        pario_out_f64(o, key, v.f);
}

enum field { F_SUM, F_MIN, F_ARGMIN, F_MAX, F_ARGMAX, F_MEAN, F_VAR, F_STD, F_COUNT, F_RANGE };

static void put_field(pario_out *o, const char *key, enum field f, int kind, const pario_lane *l,
                      const pario_reduce_result *res, uint64_t lane)
{
    switch (f) {
    case F_SUM:
        if (l->sum_overflow)
            pario_out_null(o, key);
        else
            put_value(o, key, kind, l->sum);
        break;
    case F_MIN:
    case F_MAX:
        if (!l->has_extremes)
            pario_out_null(o, key);
        else
            put_value(o, key, kind, f == F_MIN ? l->min : l->max);
        break;
    case F_ARGMIN:
    case F_ARGMAX:
        if (!l->has_extremes)
            pario_out_null(o, key);
        else
            pario_out_u64(o, key, f == F_ARGMIN ? l->argmin : l->argmax);
        break;
    case F_MEAN: pario_out_f64(o, key, l->mean); break;
    case F_VAR: pario_out_f64(o, key, l->var); break;
    case F_STD: pario_out_f64(o, key, l->std); break;
    case F_COUNT: pario_out_u64(o, key, res->count[lane]); break;
    case F_RANGE: pario_out_u64(o, key, res->range_count[lane]); break;
    }
}

static void put(pario_out *o, const char *key, enum field f, int kind, const pario_lane *lanes,
                const pario_reduce_result *res)
{
    if (res->axis < 0) {
        put_field(o, key, f, kind, &lanes[0], res, 0);
        return;
    }
    pario_out_arr(o, key);
    for (uint64_t i = 0; i < res->lanes; i++)
        put_field(o, NULL, f, kind, &lanes[i], res, i);
    pario_out_end(o);
}

uint64_t pario_reduce_emit(pario_out *o, const pario_reduce_spec *spec, const pario_reduce_result *res)
{
    pario_lane *lanes = malloc(res->lanes * sizeof *lanes);
    if (!lanes)
        return 0;
    uint64_t overflows = 0, nan = 0;
    for (uint64_t i = 0; i < res->lanes; i++) {
        pario_reduce_lane(spec, res, i, &lanes[i]);
        overflows += lanes[i].sum_overflow;
        nan += res->acc[i].nan;
    }
    /* the kind from the dtype: an empty axis has no lane (no acc[0]) */
    pario_acc k0;
    pario_acc_init(&k0, res->dtype);
    const int kind = res->lanes ? res->acc[0].kind : k0.kind;
    const unsigned ops = spec->ops;
    pario_out_u64(o, "elements", res->lanes * res->lane_len);
    if (res->axis >= 0)
        pario_out_i64(o, "axis", res->axis);
    if (kind == PARIO_ACC_FLOAT)
        pario_out_u64(o, "nan_count", nan);
    if (ops & PARIO_OP_SUM) {
        put(o, "sum", F_SUM, kind, lanes, res);
        if (overflows)
            pario_out_bool(o, "sum_overflow", 1);
    }
    if (ops & PARIO_OP_MIN) {
        put(o, "min", F_MIN, kind, lanes, res);
        put(o, "argmin", F_ARGMIN, kind, lanes, res);
    }
    if (ops & PARIO_OP_MAX) {
        put(o, "max", F_MAX, kind, lanes, res);
        put(o, "argmax", F_ARGMAX, kind, lanes, res);
    }
    if (ops & PARIO_OP_MEAN)
        put(o, "mean", F_MEAN, kind, lanes, res);
    if (ops & PARIO_OP_VAR)
        put(o, "var", F_VAR, kind, lanes, res);
    if (ops & PARIO_OP_STD)
        put(o, "std", F_STD, kind, lanes, res);
    if (ops & PARIO_OP_HIST) {
        const pario_hist *h = &res->hist;
        pario_out_obj(o, "hist");
        pario_out_f64s(o, "edges", h->edges, h->bins + 1);
        if (res->axis < 0) {
            pario_out_u64s(o, "counts", res->hist_counts, h->bins);
        } else {
            /* one array per lane, under the lane's index: the emitter nests objects, not arrays */
            pario_out_obj(o, "counts");
            for (uint64_t i = 0; i < res->lanes; i++) {
                char key[32];
                snprintf(key, sizeof key, "%llu", (unsigned long long)i);
                pario_out_u64s(o, key, res->hist_counts + i * h->bins, h->bins);
            }
            pario_out_end(o);
        }
        pario_out_end(o);
    }
    if (ops & PARIO_OP_COUNT)
        put(o, "count", F_COUNT, kind, lanes, res);
    if (ops & PARIO_OP_RANGE)
        put(o, "count_range", F_RANGE, kind, lanes, res);
    free(lanes);
    return overflows;
}

void pario_reduce_warn_overflow(FILE *f, const char *tool, uint64_t over, const pario_reduce_result *res)
{
    if (!over)
        return;
    const char *t = pario_dtype_is_signed(res->dtype) ? "int64" : "uint64";
    if (res->axis < 0)
        fprintf(f, "%s: warning: the sum of the dataset overflows %s; reported as null\n", tool, t);
    else
        fprintf(f, "%s: warning: the %s of %llu of %llu lanes overflow%s %s; reported as null\n", tool,
                over == 1 ? "sum" : "sums", (unsigned long long)over, (unsigned long long)res->lanes,
                over == 1 ? "s" : "", t);
}
