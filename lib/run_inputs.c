/* The results of a many-input run (pario-run): one entry per input, in input
 * order, keyed by its path, then the totals. When every input that succeeded has
 * the same dtype and no --axis, the totals also hold the operations over all of
 * them as one dataset (their concatenation in input order: argmin/argmax index
 * into it); the histogram is left out there, each input's range being its own. */
#include "config.h"
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

uint64_t pario_inputs_emit(pario_out *o, const pario_reduce_spec *spec, char *const *paths, const pario_dataset *ds,
                           const pario_reduce_result *res, const pario_status *st, size_t n, FILE *warn,
                           const char *tool)
{
    uint64_t over_all = 0, elems = 0, bytes = 0;
    size_t failed = 0, ok = 0;
    int same = spec->axis < 0;
    pario_dtype t = PARIO_DTYPE_COUNT;
    pario_out_obj(o, "inputs");
    for (size_t i = 0; i < n; i++) {
        pario_out_obj(o, paths[i]);
        if (pario_failed(&st[i])) {
            pario_out_str(o, "error", st[i].msg);
            failed++;
        } else {
            pario_out_str(o, "dtype", pario_dtype_name(ds[i].dtype));
            pario_out_arr(o, "shape");
            for (int k = 0; k < ds[i].ndims; k++)
                pario_out_u64(o, NULL, ds[i].shape[k]);
            pario_out_end(o);
            uint64_t over = pario_reduce_emit(o, spec, &res[i]);
            if (over && warn) {
                char who[PARIO_PATH_MAX + 64];
                snprintf(who, sizeof who, "%s: %s", tool, paths[i]);
                pario_reduce_warn_overflow(warn, who, over, &res[i]);
            }
            over_all += over;
            elems += ds[i].nelems;
            bytes += pario_dataset_bytes(&ds[i]);
            if (ok++ == 0)
                t = ds[i].dtype;
            else if (ds[i].dtype != t)
                same = 0;
        }
        pario_out_end(o);
    }
    pario_out_end(o);
    pario_out_obj(o, "totals");
    pario_out_u64(o, "inputs", n);
    pario_out_u64(o, "failed", failed);
    pario_out_u64(o, "bytes", bytes);
    pario_reduce_spec ts = *spec;
    ts.ops &= ~(unsigned)PARIO_OP_HIST;
    if (same && ok && ts.ops) {
        /* every input as one dataset, merged exactly in input order */
        pario_acc acc;
        uint64_t count = 0, range = 0, off = 0;
        pario_acc_init(&acc, t);
        for (size_t i = 0; i < n; i++) {
            if (pario_failed(&st[i]))
                continue;
            pario_acc a = res[i].acc[0];
            shift(&a, off);
            pario_acc_merge(&acc, &a);
            off += ds[i].nelems;
            if (res[i].count)
                count += res[i].count[0];
            if (res[i].range_count)
                range += res[i].range_count[0];
        }
        pario_reduce_result tot;
        memset(&tot, 0, sizeof tot);
        tot.dtype = t;
        tot.axis = -1;
        tot.lanes = 1;
        tot.lane_len = elems;
        tot.acc = &acc;
        tot.count = (ts.ops & PARIO_OP_COUNT) ? &count : NULL;
        tot.range_count = (ts.ops & PARIO_OP_RANGE) ? &range : NULL;
        pario_out_str(o, "dtype", pario_dtype_name(t));
        over_all += pario_reduce_emit(o, &ts, &tot);
    } else {
        pario_out_u64(o, "elements", elems);
    }
    pario_out_end(o);
    return over_all;
}
