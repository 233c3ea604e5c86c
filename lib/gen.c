#include "config.h"
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pario/gen.h"
#include "pario/opts.h"
#include "pario/rng.h"
#include "slow.h"

pario_status pario_gen_spec_set(pario_gen_spec *g, pario_gen_kind kind, const char *arg)
{
    /* the same one again: the last wins (as for every other option) */
    if (g->kind != PARIO_GEN_NONE && g->kind != kind)
        return pario_error(PARIO_ERR_USAGE, "give one of --uniform, --normal, --sequence");
    g->kind = kind;
    if (kind == PARIO_GEN_SEQUENCE)
        return pario_ok();
    char buf[128], *a, *b;
    if (!pario_split_pair(arg, ':', buf, sizeof buf, &a, &b) || strlen(a) >= sizeof g->a || strlen(b) >= sizeof g->b)
        return pario_error(PARIO_ERR_USAGE, "%s '%s': expected %s", kind == PARIO_GEN_UNIFORM ? "--uniform" : "--normal",
                           arg, kind == PARIO_GEN_UNIFORM ? "LO:HI" : "MEAN:SD");
    strcpy(g->a, a);
    strcpy(g->b, b);
    return pario_ok();
}

pario_status pario_gen_spec_resolve(pario_gen_spec *g, pario_dtype t)
{
    const char *tn = pario_dtype_name(t);
    if (g->kind == PARIO_GEN_SEQUENCE || g->kind == PARIO_GEN_NONE)
        return pario_ok();
    if (g->kind == PARIO_GEN_NORMAL || pario_dtype_is_float(t)) {
        char *e1, *e2;
        g->fa = strtod(g->a, &e1);
        g->fb = strtod(g->b, &e2);
        if (*e1 || *e2 || !isfinite(g->fa) || !isfinite(g->fb))
            return pario_error(PARIO_ERR_USAGE, "%s %s:%s: expected two finite numbers",
                               g->kind == PARIO_GEN_UNIFORM ? "--uniform" : "--normal", g->a, g->b);
        if (g->kind == PARIO_GEN_NORMAL && g->fb < 0)
            return pario_error(PARIO_ERR_USAGE, "--normal %s:%s: the standard deviation must not be negative", g->a, g->b);
        if (g->kind == PARIO_GEN_UNIFORM && !(g->fa <= g->fb))
            return pario_error(PARIO_ERR_USAGE, "--uniform %s:%s: LO must not exceed HI", g->a, g->b);
        /* float32 bounds beyond its finite range would be written as inf or FLT_MAX */
        if (t == PARIO_FLOAT32 && (fabs(g->fa) > FLT_MAX || fabs(g->fb) > FLT_MAX))
            return pario_error(PARIO_ERR_USAGE, "%s %s:%s: outside the range of float32",
                               g->kind == PARIO_GEN_UNIFORM ? "--uniform" : "--normal", g->a, g->b);
        return pario_ok();
    }
    pario_scalar lo, hi;
    int in1, in2;
    pario_status st = pario_scalar_parse(g->a, t, &lo, &in1);
    if (!pario_failed(&st))
        st = pario_scalar_parse(g->b, t, &hi, &in2);
    if (pario_failed(&st))
        return pario_error(PARIO_ERR_USAGE, "--uniform %s:%s: %s", g->a, g->b, st.msg);
    if (!in1 || !in2)
        return pario_error(PARIO_ERR_USAGE, "--uniform %s:%s: outside the range of %s", g->a, g->b, tn);
    if (pario_dtype_is_signed(t)) {
        if (lo.i > hi.i)
            return pario_error(PARIO_ERR_USAGE, "--uniform %s:%s: LO must not exceed HI", g->a, g->b);
        g->ilo = lo.i;
        g->span = (uint64_t)hi.i - (uint64_t)lo.i + 1;
    } else {
        if (lo.u > hi.u)
            return pario_error(PARIO_ERR_USAGE, "--uniform %s:%s: LO must not exceed HI", g->a, g->b);
        g->ulo = lo.u;
        g->span = hi.u - lo.u + 1;
    }
    return pario_ok();
}

/* Integer in [0, span) from 64 random bits (span 0 = all 2^64 values). */
static inline uint64_t bounded(uint64_t bits, uint64_t span)
{
    return span ? (uint64_t)(((unsigned __int128)bits * span) >> 64) : bits;
}

static inline double normal_at(uint64_t k0, uint64_t k1, uint64_t i)
{
    double u1 = 1.0 - pario_rng_unit(pario_rng_at(k0, i)); /* (0, 1]: log is finite */
    double u2 = pario_rng_unit(pario_rng_at(k1, i));
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static double saturate(double v, pario_dtype t)
{
    static const double lo[] = { -128.0, -32768.0, -2147483648.0, -9223372036854775808.0, 0, 0, 0, 0 };
    /* int64 and uint64: 2^63 and 2^64 (no double holds their maxima), stored as
     * INT64_MAX and UINT64_MAX by the caller; the largest doubles below them
     * (2^63 - 1024, 2^64 - 2048) were the limits written before */
    static const double hi[] = { 127.0, 32767.0, 2147483647.0, 9223372036854775808.0, 255.0, 65535.0, 4294967295.0,
                                 18446744073709551616.0 };
    v = nearbyint(v);
    return v < lo[t] ? lo[t] : v > hi[t] ? hi[t] : v;
}

#define STORE(T) ((T *)buf)[j] = (T)

void pario_gen_fill(const pario_gen_spec *g, pario_dtype t, void *buf, uint64_t first, size_t n)
{
    const uint64_t k0 = pario_rng_key(g->seed, 0), k1 = pario_rng_key(g->seed, 1);
    for (size_t j = 0; j < n; j++) {
        const uint64_t i = first + j;
        if (g->kind == PARIO_GEN_SEQUENCE) {
            switch (t) {
            case PARIO_INT8: case PARIO_UINT8: STORE(uint8_t) i; break;
            case PARIO_INT16: case PARIO_UINT16: STORE(uint16_t) i; break;
            case PARIO_INT32: case PARIO_UINT32: STORE(uint32_t) i; break;
            case PARIO_INT64: case PARIO_UINT64: STORE(uint64_t) i; break;
            case PARIO_FLOAT32: STORE(float) i; break;
            default: STORE(double) i; break;
            }
            continue;
        }
        double d = 0;
        uint64_t u = 0;
        if (g->kind == PARIO_GEN_NORMAL) {
            d = g->fa + g->fb * normal_at(k0, k1, i);
            if (!pario_dtype_is_float(t))
                d = saturate(d, t);
        } else if (pario_dtype_is_float(t)) {
            const double u01 = pario_rng_unit(pario_rng_at(k0, i)), w = g->fb - g->fa;
            if (isfinite(w))
                d = g->fa + w * u01;
            else /* HI - LO overflows (-1e308:1e308): the same in halves */
                d = 2.0 * (0.5 * g->fa + (0.5 * g->fb - 0.5 * g->fa) * u01);
            /* rounding must not reach HI for a half-open [LO, HI) */
            if (d >= g->fb && g->fb > g->fa)
                d = nextafter(g->fb, -INFINITY);
        } else {
            u = bounded(pario_rng_at(k0, i), g->span) + (pario_dtype_is_signed(t) ? (uint64_t)g->ilo : g->ulo);
        }
        int integer_uniform = g->kind == PARIO_GEN_UNIFORM && !pario_dtype_is_float(t);
        switch (t) {
        case PARIO_INT8: STORE(int8_t)(integer_uniform ? (int8_t)u : (int8_t)d); break;
        case PARIO_INT16: STORE(int16_t)(integer_uniform ? (int16_t)u : (int16_t)d); break;
        case PARIO_INT32: STORE(int32_t)(integer_uniform ? (int32_t)u : (int32_t)d); break;
        case PARIO_INT64: STORE(int64_t)(integer_uniform ? (int64_t)u : d >= 0x1p63 ? INT64_MAX : (int64_t)d); break;
        case PARIO_UINT8: STORE(uint8_t)(integer_uniform ? (uint8_t)u : (uint8_t)d); break;
        case PARIO_UINT16: STORE(uint16_t)(integer_uniform ? (uint16_t)u : (uint16_t)d); break;
        case PARIO_UINT32: STORE(uint32_t)(integer_uniform ? (uint32_t)u : (uint32_t)d); break;
        case PARIO_UINT64: STORE(uint64_t)(integer_uniform ? u : d >= 0x1p64 ? UINT64_MAX : (uint64_t)d); break;
        case PARIO_FLOAT32: {
            float f = (float)d;
            /* rounding to float must not reach HI for a half-open [LO, HI) */
            if (g->kind == PARIO_GEN_UNIFORM && f >= (float)g->fb && g->fb > g->fa)
                f = nextafterf((float)g->fb, -INFINITY);
            STORE(float) f;
            break;
        }
        default: STORE(double) d; break;
        }
    }
}

double pario_gen_value(const pario_gen_spec *g, pario_dtype t, uint64_t index)
{
    union { int8_t i8; int16_t i16; int32_t i32; int64_t i64; uint8_t u8; uint16_t u16; uint32_t u32; uint64_t u64;
            float f; double d; } v;
    pario_gen_fill(g, t, &v, index, 1);
    return pario_load_double(&v, 0, t);
}

pario_status pario_gen_write(const pario_dataset *ds, const pario_view *view, const pario_gen_spec *g,
                             const pario_io_opts *io, pario_progress *progress, uint64_t *bytes, MPI_Comm comm)
{
    pario_writer *w;
    pario_status st = pario_writer_open(&w, ds->path, ds, view, io, comm);
    if (pario_failed(&st))
        return st;
    const size_t es = view->esize;
    while (pario_writer_more(w)) {
        size_t n;
        uint64_t local;
        char *buf = pario_writer_buffer(w, &n, &local);
        double t0 = pario_slow_start();
        for (size_t done = 0; done < n;) {
            uint64_t global, run = pario_view_run(view, local + done, &global);
            size_t m = run < n - done ? (size_t)run : n - done;
            pario_gen_fill(g, ds->dtype, buf + done * es, global, m);
            done += m;
        }
        pario_slow_after(t0);
        if (!pario_writer_put(w, &st))
            break;
        if (progress)
            pario_progress_update(progress, pario_writer_bytes(w));
    }
    *bytes = pario_writer_bytes(w);
    return pario_writer_close(w, st, 1);
}
