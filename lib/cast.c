#include "config.h"
#include <float.h>
#include <math.h>
#include <string.h>
#include "pario/cast.h"

/* A value on its way: exact for every source type. */
typedef struct { int kind; int64_t i; uint64_t u; double f; } value; /* kind: 0 signed, 1 unsigned, 2 float */

static value load(const void *p, size_t i, pario_dtype t)
{
    value v = { 0, 0, 0, 0 };
    switch (t) {
    case PARIO_INT8: v.i = ((const int8_t *)p)[i]; break;
    case PARIO_INT16: v.i = ((const int16_t *)p)[i]; break;
    case PARIO_INT32: v.i = ((const int32_t *)p)[i]; break;
    case PARIO_INT64: v.i = ((const int64_t *)p)[i]; break;
    case PARIO_UINT8: v.kind = 1; v.u = ((const uint8_t *)p)[i]; break;
    case PARIO_UINT16: v.kind = 1; v.u = ((const uint16_t *)p)[i]; break;
    case PARIO_UINT32: v.kind = 1; v.u = ((const uint32_t *)p)[i]; break;
    case PARIO_UINT64: v.kind = 1; v.u = ((const uint64_t *)p)[i]; break;
    case PARIO_FLOAT32: v.kind = 2; v.f = ((const float *)p)[i]; break;
    default: v.kind = 2; v.f = ((const double *)p)[i]; break;
    }
    return v;
}

static const int64_t smin[] = { INT8_MIN, INT16_MIN, INT32_MIN, INT64_MIN };
static const int64_t smax[] = { INT8_MAX, INT16_MAX, INT32_MAX, INT64_MAX };
static const uint64_t umax[] = { UINT8_MAX, UINT16_MAX, UINT32_MAX, UINT64_MAX };

/* Store v as integer type t; returns 0 if it did not fit (then stores the clamp). */
static int store_int(void *p, size_t i, pario_dtype t, value v)
{
    int is_signed = t <= PARIO_INT64, w = is_signed ? (int)t : (int)t - PARIO_UINT8;
    int ok = 1;
    int64_t si = 0;
    uint64_t ui = 0;
    if (v.kind == 2) {
        double f = trunc(v.f);
        if (isnan(f)) {
            ok = 0;
        } else if (is_signed) {
            /* compare against powers of two, exactly representable */
            double hi = ldexp(1.0, 8 * (int)pario_dtype_size(t) - 1);
            if (f >= hi) { ok = 0; si = smax[w]; }
            else if (f < -hi) { ok = 0; si = smin[w]; }
            else si = (int64_t)f;
        } else {
            double hi = ldexp(1.0, 8 * (int)pario_dtype_size(t));
            if (f >= hi) { ok = 0; ui = umax[w]; }
            else if (f < 0) { ok = 0; ui = 0; }
            else ui = (uint64_t)f;
        }
    } else if (is_signed) {
        if (v.kind == 1) {
            if (v.u > (uint64_t)smax[w]) { ok = 0; si = smax[w]; } else si = (int64_t)v.u;
        } else {
            if (v.i > smax[w]) { ok = 0; si = smax[w]; }
            else if (v.i < smin[w]) { ok = 0; si = smin[w]; }
            else si = v.i;
        }
    } else {
        if (v.kind == 0 && v.i < 0) { ok = 0; ui = 0; }
        else {
            uint64_t u = v.kind == 1 ? v.u : (uint64_t)v.i;
            if (u > umax[w]) { ok = 0; ui = umax[w]; } else ui = u;
        }
    }
    switch (t) {
    case PARIO_INT8: ((int8_t *)p)[i] = (int8_t)si; break;
    case PARIO_INT16: ((int16_t *)p)[i] = (int16_t)si; break;
    case PARIO_INT32: ((int32_t *)p)[i] = (int32_t)si; break;
    case PARIO_INT64: ((int64_t *)p)[i] = si; break;
    case PARIO_UINT8: ((uint8_t *)p)[i] = (uint8_t)ui; break;
    case PARIO_UINT16: ((uint16_t *)p)[i] = (uint16_t)ui; break;
    case PARIO_UINT32: ((uint32_t *)p)[i] = (uint32_t)ui; break;
    default: ((uint64_t *)p)[i] = ui; break;
    }
    return ok;
}

uint64_t pario_cast(const void *src, pario_dtype st, void *dst, pario_dtype dt, size_t n, int saturate,
                    size_t *first_bad)
{
    uint64_t bad = 0;
    *first_bad = 0;
    if (st == dt) {
        memmove(dst, src, n * pario_dtype_size(st));
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        value v = load(src, i, st);
        int ok = 1;
        if (dt == PARIO_FLOAT64) {
            ((double *)dst)[i] = v.kind == 2 ? v.f : v.kind == 1 ? (double)v.u : (double)v.i;
        } else if (dt == PARIO_FLOAT32 && v.kind != 2) {
            /* an integer straight to float: one rounding to nearest, ties to even.
             * Through a double, a 64-bit integer rounds twice, and one just past a
             * float32 midpoint lands on it and then goes to the even side. Every
             * integer fits (|v| <= 2^64 < FLT_MAX). */
            ((float *)dst)[i] = v.kind == 1 ? (float)v.u : (float)v.i;
        } else if (dt == PARIO_FLOAT32) {
            double d = v.f;
            if (isfinite(d) && fabs(d) > FLT_MAX) {
                /* beyond the largest float32 (after rounding): overflow, not a rounding */
                float f = (float)d;
                if (isinf(f)) {
                    ok = 0;
                    d = d > 0 ? FLT_MAX : -FLT_MAX;
                }
            }
            ((float *)dst)[i] = (float)d;
        } else {
            ok = store_int(dst, i, dt, v);
            if (!ok && v.kind == 2 && isnan(v.f))
                store_int(dst, i, dt, (value){ 0, 0, 0, 0 });
        }
        if (!ok) {
            if (!bad)
                *first_bad = i;
            bad++;
        }
    }
    return saturate ? 0 : bad;
}
