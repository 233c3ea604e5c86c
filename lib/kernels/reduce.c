/* Reduction kernels. Each chunk is cut into blocks that stay in L1; a block costs
 * two vectorised sweeps (sum/min/max in 8 independent lanes, then squared
 * deviations from the block's mean) and one Chan merge. Float blocks holding a NaN
 * (found because their sum is NaN) take a scalar path that counts and skips it. */
#include "config.h"
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "pario/reduce_kernels.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PARIO_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define PARIO_CLONES
#endif

#define BLOCK 2048 /* elements: 16 KiB of float64, two sweeps from L1 */

typedef __int128 i128;

/* Sweep 1: sum (in ST), min and max of x[0..n), n >= 1. */
#define SWEEP1(NAME, T, ST)                                                            \
    PARIO_CLONES static void NAME(const T *restrict x, size_t n, ST *sum, T *mn, T *mx) \
    {                                                                                  \
        ST s[8] = { 0 };                                                               \
        T lo[8], hi[8];                                                                \
        for (int j = 0; j < 8; j++)                                                    \
            lo[j] = hi[j] = x[0];                                                      \
        size_t i = 0;                                                                  \
        for (; i + 8 <= n; i += 8)                                                     \
            for (int j = 0; j < 8; j++) {                                              \
                T v = x[i + j];                                                        \
                s[j] += (ST)v;                                                         \
                lo[j] = v < lo[j] ? v : lo[j];                                         \
                hi[j] = v > hi[j] ? v : hi[j];                                         \
            }                                                                          \
        for (; i < n; i++) {                                                           \
            T v = x[i];                                                                \
            s[0] += (ST)v;                                                             \
            lo[0] = v < lo[0] ? v : lo[0];                                             \
            hi[0] = v > hi[0] ? v : hi[0];                                             \
        }                                                                              \
        T a = lo[0], b = hi[0];                                                        \
        for (int j = 1; j < 8; j++) {                                                  \
            a = lo[j] < a ? lo[j] : a;                                                 \
            b = hi[j] > b ? hi[j] : b;                                                 \
        }                                                                              \
        *sum = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));     \
        *mn = a;                                                                       \
        *mx = b;                                                                       \
    }

/* 64-bit integers: the sum of the high and low 32-bit halves, each exact in int64
 * for a block, joined into 128 bits. */
#define SWEEP1_64(NAME, T)                                                             \
    PARIO_CLONES static void NAME(const T *restrict x, size_t n, i128 *sum, T *mn, T *mx) \
    {                                                                                  \
        int64_t sh[8] = { 0 }, sl[8] = { 0 };                                          \
        T lo[8], hi[8];                                                                \
        for (int j = 0; j < 8; j++)                                                    \
            lo[j] = hi[j] = x[0];                                                      \
        size_t i = 0;                                                                  \
        for (; i + 8 <= n; i += 8)                                                     \
            for (int j = 0; j < 8; j++) {                                              \
                T v = x[i + j];                                                        \
                sh[j] += (int64_t)(v >> 32);                                           \
                sl[j] += (int64_t)(uint32_t)v;                                         \
                lo[j] = v < lo[j] ? v : lo[j];                                         \
                hi[j] = v > hi[j] ? v : hi[j];                                         \
            }                                                                          \
        for (; i < n; i++) {                                                           \
            T v = x[i];                                                                \
            sh[0] += (int64_t)(v >> 32);                                               \
            sl[0] += (int64_t)(uint32_t)v;                                             \
            lo[0] = v < lo[0] ? v : lo[0];                                             \
            hi[0] = v > hi[0] ? v : hi[0];                                             \
        }                                                                              \
        int64_t h = 0, l = 0;                                                          \
        T a = lo[0], b = hi[0];                                                        \
        for (int j = 0; j < 8; j++) {                                                  \
            h += sh[j];                                                                \
            l += sl[j];                                                                \
            a = lo[j] < a ? lo[j] : a;                                                 \
            b = hi[j] > b ? hi[j] : b;                                                 \
        }                                                                              \
        *sum = (i128)h * ((i128)1 << 32) + (i128)l;                                    \
        *mn = a;                                                                       \
        *mx = b;                                                                       \
    }

/* Sweep 2: sum of squared deviations from mean, and of the deviations (to correct
 * for the rounding of mean: m2 = q - d*d/n). */
#define SWEEP2(NAME, T)                                                                \
    PARIO_CLONES static void NAME(const T *restrict x, size_t n, double mean, double *q, double *d) \
    {                                                                                  \
        double a[8] = { 0 }, b[8] = { 0 };                                             \
        size_t i = 0;                                                                  \
        for (; i + 8 <= n; i += 8)                                                     \
            for (int j = 0; j < 8; j++) {                                              \
                double e = (double)x[i + j] - mean;                                    \
                a[j] += e * e;                                                         \
                b[j] += e;                                                             \
            }                                                                          \
        for (; i < n; i++) {                                                           \
            double e = (double)x[i] - mean;                                            \
            a[0] += e * e;                                                             \
            b[0] += e;                                                                 \
        }                                                                              \
        *q = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));       \
        *d = ((b[0] + b[1]) + (b[2] + b[3])) + ((b[4] + b[5]) + (b[6] + b[7]));       \
    }

/* Position of the first element equal to v (it exists). */
#define FIND(NAME, T)                                                                  \
    static size_t NAME(const T *x, size_t n, T v)                                      \
    {                                                                                  \
        for (size_t i = 0; i < n; i++)                                                 \
            if (x[i] == v)                                                             \
                return i;                                                              \
        return 0;                                                                      \
    }

/* A block's min/max into b: positions only when they can beat the running result
 * (ties keep the earlier index, so a block that only equals it need not search). */
#define SET_EXTREMES(T, FIELD, FINDF)                                                  \
    do {                                                                               \
        b.min.FIELD = mn;                                                              \
        b.max.FIELD = mx;                                                              \
        b.argmin = b.argmax = UINT64_MAX;                                              \
        if (out->n == 0 || b.min.FIELD < out->min.FIELD)                               \
            b.argmin = off + FINDF(p, nb, mn);                                         \
        if (out->n == 0 || b.max.FIELD > out->max.FIELD)                               \
            b.argmax = off + FINDF(p, nb, mx);                                         \
    } while (0)

/* Float block with a NaN (or +inf and -inf): scalar, NaN counted and skipped. */
#define SLOW_F(NAME, T)                                                                \
    static void NAME(const T *x, size_t n, size_t off, unsigned need, pario_acc *b)   \
    {                                                                                  \
        double s = 0;                                                                  \
        for (size_t i = 0; i < n; i++) {                                               \
            double v = x[i];                                                           \
            if (isnan(v)) {                                                            \
                if (!b->nan++)                                                         \
                    b->first_nan = off + i;                                            \
                continue;                                                              \
            }                                                                          \
            s += v;                                                                    \
            if (!b->n || v < b->min.f)                                                 \
                b->min.f = v, b->argmin = off + i;                                     \
            if (!b->n || v > b->max.f)                                                 \
                b->max.f = v, b->argmax = off + i;                                     \
            b->n++;                                                                    \
        }                                                                              \
        if (!b->n)                                                                     \
            return;                                                                    \
        b->fs = s;                                                                     \
        b->mean = s / (double)b->n;                                                    \
        if (need & PARIO_NEED_M2) {                                                    \
            double q = 0, d = 0;                                                       \
            for (size_t i = 0; i < n; i++) {                                           \
                double v = x[i];                                                       \
                if (isnan(v))                                                          \
                    continue;                                                          \
                double e = v - b->mean;                                                \
                q += e * e;                                                            \
                d += e;                                                                \
            }                                                                          \
            b->m2 = q - d * d / (double)b->n;                                          \
        }                                                                              \
    }

#define REDUCE_F(NAME, T, S1, S2, FINDF, SLOW)                                         \
    static void NAME(const T *x, size_t n, unsigned need, pario_acc *out)              \
    {                                                                                  \
        for (size_t off = 0; off < n; off += BLOCK) {                                  \
            size_t nb = n - off < BLOCK ? n - off : BLOCK;                             \
            const T *p = x + off;                                                      \
            double s;                                                                  \
            T mn, mx;                                                                  \
            pario_acc b;                                                               \
            memset(&b, 0, sizeof b);                                                   \
            b.kind = PARIO_ACC_FLOAT;                                                  \
            b.first_nan = UINT64_MAX;                                                  \
            S1(p, nb, &s, &mn, &mx);                                                   \
            if (isnan(s)) {                                                            \
                SLOW(p, nb, off, need, &b);                                            \
            } else {                                                                   \
                b.n = nb;                                                              \
                b.fs = s;                                                              \
                b.mean = s / (double)nb;                                               \
                if (need & PARIO_NEED_M2) {                                            \
                    double q, d;                                                       \
                    S2(p, nb, b.mean, &q, &d);                                         \
                    b.m2 = q - d * d / (double)nb;                                     \
                }                                                                      \
                SET_EXTREMES(T, f, FINDF);                                             \
            }                                                                          \
            pario_acc_merge(out, &b);                                                  \
        }                                                                              \
    }

/* Integers: SUMT is the block sum's type (int64, uint64 or i128). */
#define REDUCE_I(NAME, T, SUMT, KIND, FIELD, S1, S2, FINDF)                            \
    static void NAME(const T *x, size_t n, unsigned need, pario_acc *out)              \
    {                                                                                  \
        for (size_t off = 0; off < n; off += BLOCK) {                                  \
            size_t nb = n - off < BLOCK ? n - off : BLOCK;                             \
            const T *p = x + off;                                                      \
            SUMT s;                                                                    \
            T mn, mx;                                                                  \
            pario_acc b;                                                               \
            memset(&b, 0, sizeof b);                                                   \
            b.kind = KIND;                                                             \
            b.first_nan = UINT64_MAX;                                                  \
            S1(p, nb, &s, &mn, &mx);                                                   \
            i128 s128 = (i128)s;                                                       \
            b.isum_lo = (uint64_t)s128;                                                \
            b.isum_hi = (int64_t)(s128 >> 64);                                         \
            b.n = nb;                                                                  \
            b.mean = (double)s128 / (double)nb;                                        \
            if (need & PARIO_NEED_M2) {                                                \
                double q, d;                                                           \
                S2(p, nb, b.mean, &q, &d);                                             \
                b.m2 = q - d * d / (double)nb;                                         \
            }                                                                          \
            SET_EXTREMES(T, FIELD, FINDF);                                             \
            pario_acc_merge(out, &b);                                                  \
        }                                                                              \
    }

SWEEP1(s1_f32, float, double)
SWEEP1(s1_f64, double, double)
SWEEP1(s1_i8, int8_t, int64_t)
SWEEP1(s1_i16, int16_t, int64_t)
SWEEP1(s1_i32, int32_t, int64_t)
SWEEP1(s1_u8, uint8_t, uint64_t)
SWEEP1(s1_u16, uint16_t, uint64_t)
SWEEP1(s1_u32, uint32_t, uint64_t)
SWEEP1_64(s1_i64, int64_t)
SWEEP1_64(s1_u64, uint64_t)
SWEEP2(s2_f32, float)
SWEEP2(s2_f64, double)
SWEEP2(s2_i8, int8_t)
SWEEP2(s2_i16, int16_t)
SWEEP2(s2_i32, int32_t)
SWEEP2(s2_i64, int64_t)
SWEEP2(s2_u8, uint8_t)
SWEEP2(s2_u16, uint16_t)
SWEEP2(s2_u32, uint32_t)
SWEEP2(s2_u64, uint64_t)
FIND(find_f32, float)
FIND(find_f64, double)
FIND(find_i8, int8_t)
FIND(find_i16, int16_t)
FIND(find_i32, int32_t)
FIND(find_i64, int64_t)
FIND(find_u8, uint8_t)
FIND(find_u16, uint16_t)
FIND(find_u32, uint32_t)
FIND(find_u64, uint64_t)
SLOW_F(slow_f32, float)
SLOW_F(slow_f64, double)
REDUCE_F(red_f32, float, s1_f32, s2_f32, find_f32, slow_f32)
REDUCE_F(red_f64, double, s1_f64, s2_f64, find_f64, slow_f64)
REDUCE_I(red_i8, int8_t, int64_t, PARIO_ACC_SIGNED, i, s1_i8, s2_i8, find_i8)
REDUCE_I(red_i16, int16_t, int64_t, PARIO_ACC_SIGNED, i, s1_i16, s2_i16, find_i16)
REDUCE_I(red_i32, int32_t, int64_t, PARIO_ACC_SIGNED, i, s1_i32, s2_i32, find_i32)
REDUCE_I(red_i64, int64_t, i128, PARIO_ACC_SIGNED, i, s1_i64, s2_i64, find_i64)
REDUCE_I(red_u8, uint8_t, uint64_t, PARIO_ACC_UNSIGNED, u, s1_u8, s2_u8, find_u8)
REDUCE_I(red_u16, uint16_t, uint64_t, PARIO_ACC_UNSIGNED, u, s1_u16, s2_u16, find_u16)
REDUCE_I(red_u32, uint32_t, uint64_t, PARIO_ACC_UNSIGNED, u, s1_u32, s2_u32, find_u32)
REDUCE_I(red_u64, uint64_t, i128, PARIO_ACC_UNSIGNED, u, s1_u64, s2_u64, find_u64)

void pario_kernel_reduce(const void *buf, size_t n, pario_dtype t, unsigned need, pario_acc *out)
{
    pario_acc_init(out, t);
    if (n == 0)
        return;
    switch (t) {
    case PARIO_INT8: red_i8(buf, n, need, out); break;
    case PARIO_INT16: red_i16(buf, n, need, out); break;
    case PARIO_INT32: red_i32(buf, n, need, out); break;
    case PARIO_INT64: red_i64(buf, n, need, out); break;
    case PARIO_UINT8: red_u8(buf, n, need, out); break;
    case PARIO_UINT16: red_u16(buf, n, need, out); break;
    case PARIO_UINT32: red_u32(buf, n, need, out); break;
    case PARIO_UINT64: red_u64(buf, n, need, out); break;
    case PARIO_FLOAT32: red_f32(buf, n, need, out); break;
    case PARIO_FLOAT64: red_f64(buf, n, need, out); break;
    default: break;
    }
}

/* Histogram. A batch's bin indices come from a branch-free loop that vectorises:
 * f = (x - lo) * norm + 1, index = floor(f) clamped to [0, bins + 1], where 0
 * collects values below lo (and NaN) and bins + 1 values above hi; only a value
 * whose f lies within rounding of a whole number (an edge) can differ from
 * numpy's binning, and a batch holding one is redone with numpy's arithmetic and
 * exact edge comparisons. The indices are then counted into 4 interleaved
 * sub-histograms, so that repeated bins do not wait on each other's increments. */
#define HIST_BATCH 1024
/* distance of f from a whole number below which rounding may have moved a value
 * across an edge: f is off by a few ulps (f <= bins + 1), far below this */
#define HIST_NEAR 1e-7
#define HIST_SMALL 1024 /* bins counted in the stack's sub-histograms */
#define HIST(NAME, T)                                                                  \
    PARIO_CLONES static void NAME(const T *restrict x, size_t n, const pario_hist *h, uint64_t *counts) \
    {                                                                                  \
        const double lo = h->lo, hi = h->hi, norm = h->norm;                           \
        const double *restrict e = h->edges;                                           \
        const int32_t bins = (int32_t)h->bins;                                         \
        const double top = (double)bins + 1.5; /* clamps to [0.5, top]: whole part is the index, \
                                                  and a clamped value is never near an edge */ \
        int32_t idx[HIST_BATCH];                                                       \
        uint32_t sub[4][HIST_SMALL + 2];                                               \
        const int small = bins <= HIST_SMALL && n >= 4 * HIST_BATCH; /* else not worth the clearing */ \
        if (small)                                                                     \
            memset(sub, 0, sizeof sub);                                                \
        for (size_t off = 0; off < n; off += HIST_BATCH) {                             \
            size_t m = n - off < HIST_BATCH ? n - off : HIST_BATCH;                    \
            const T *restrict p = x + off;                                             \
            int32_t near_any = 0;                                                      \
            for (size_t j = 0; j < m; j++) {                                           \
                double f = ((double)p[j] - lo) * norm + 1.0;                           \
                double c = f > 0.5 ? f : 0.5; /* NaN -> 0.5 */                         \
                c = c < top ? c : top;                                                 \
                int32_t k = (int32_t)c; /* floor: c > 0 */                             \
                near_any += fabs((c - (double)k) - 0.5) > 0.5 - HIST_NEAR;             \
                idx[j] = k;                                                            \
            }                                                                          \
            if (near_any)                                                              \
                for (size_t j = 0; j < m; j++) {                                       \
                    double v = (double)p[j];                                           \
                    if (!(v >= lo && v <= hi)) {                                       \
                        idx[j] = v > hi ? bins + 1 : 0;                                \
                        continue;                                                      \
                    }                                                                  \
                    /* numpy: int((v - lo) * norm), the top edge into the last bin, \
                     * then one step down or up against the edges */                  \
                    double f = (v - lo) * norm;                                        \
                    int32_t k = f < (double)bins ? (int32_t)f : bins - 1;              \
                    if (v < e[k])                                                      \
                        k--;                                                           \
                    else if (k != bins - 1 && v >= e[k + 1])                           \
                        k++;                                                           \
                    idx[j] = k + 1;                                                    \
                }                                                                      \
            if (small) {                                                               \
                size_t j = 0;                                                          \
                for (; j + 4 <= m; j += 4) {                                           \
                    sub[0][idx[j]]++;                                                  \
                    sub[1][idx[j + 1]]++;                                              \
                    sub[2][idx[j + 2]]++;                                              \
                    sub[3][idx[j + 3]]++;                                              \
                }                                                                      \
                for (; j < m; j++)                                                     \
                    sub[0][idx[j]]++;                                                  \
            } else {                                                                   \
                for (size_t j = 0; j < m; j++)                                         \
                    if ((uint32_t)(idx[j] - 1) < (uint32_t)bins)                       \
                        counts[idx[j] - 1]++;                                          \
            }                                                                          \
        }                                                                              \
        if (small)                                                                     \
            for (int32_t b = 0; b < bins; b++)                                         \
                counts[b] += (uint64_t)sub[0][b + 1] + sub[1][b + 1] + sub[2][b + 1] + sub[3][b + 1]; \
    }

HIST(hist_f32, float)
HIST(hist_f64, double)
HIST(hist_i8, int8_t)
HIST(hist_i16, int16_t)
HIST(hist_i32, int32_t)
HIST(hist_i64, int64_t)
HIST(hist_u8, uint8_t)
HIST(hist_u16, uint16_t)
HIST(hist_u32, uint32_t)
HIST(hist_u64, uint64_t)

/* Sub-histogram counters are 32-bit: at most 2^30 elements per call below. */
#define HIST_CALL_MAX ((size_t)1 << 30)

static void hist_any(const void *buf, size_t n, pario_dtype t, const pario_hist *h, uint64_t *counts)
{
    switch (t) {
    case PARIO_INT8: hist_i8(buf, n, h, counts); break;
    case PARIO_INT16: hist_i16(buf, n, h, counts); break;
    case PARIO_INT32: hist_i32(buf, n, h, counts); break;
    case PARIO_INT64: hist_i64(buf, n, h, counts); break;
    case PARIO_UINT8: hist_u8(buf, n, h, counts); break;
    case PARIO_UINT16: hist_u16(buf, n, h, counts); break;
    case PARIO_UINT32: hist_u32(buf, n, h, counts); break;
    case PARIO_UINT64: hist_u64(buf, n, h, counts); break;
    case PARIO_FLOAT32: hist_f32(buf, n, h, counts); break;
    case PARIO_FLOAT64: hist_f64(buf, n, h, counts); break;
    default: break;
    }
}

void pario_kernel_hist(const void *buf, size_t n, pario_dtype t, const pario_hist *h, uint64_t *counts)
{
    const size_t es = pario_dtype_size(t);
    for (size_t off = 0; off < n; off += HIST_CALL_MAX)
        hist_any((const char *)buf + off * es, n - off < HIST_CALL_MAX ? n - off : HIST_CALL_MAX, t, h, counts);
}
