/* Reduction kernels. Each chunk is cut into blocks that stay in L1; a block costs
 * two vectorised sweeps (min/max and a plain sum in 8 independent lanes, then the
 * exact sums: Rump's extraction into a few doubles per block for floats, 64-bit
 * integer columns for integer squares) and a fold into the lane's accumulator.
 * Every sum is exact, so the result does not depend on how the data was cut.
 * The default set (sum, min/max and shifted squares) takes one sweep per block,
 * at sigmas guessed from the previous block and checked after it (FUSED_F).
 * Float blocks holding a NaN or an infinity (found because their plain sum is NaN
 * or an extreme infinite) take a scalar path that counts and skips NaN. */
#include "config.h"
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "pario/reduce_kernels.h"

/* PARIO_NO_CLONES: the baseline code only (tests/unit/test_reduce_clones.c builds
 * it so, to check the clones' results against it bit for bit) */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(PARIO_NO_CLONES)
#define PARIO_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define PARIO_CLONES
#endif

#define LOG2_BLOCK 11
#define BLOCK (1 << LOG2_BLOCK) /* elements: 16 KiB of float64, two sweeps from L1 */

/* Software prefetch, PF_AHEAD bytes ahead of a sweep: a rank's part comes from a
 * memory map of the page cache's 4 KiB pages, and the hardware's streamer stops
 * at each page's end, so a sweep without it waits on memory for every page (a
 * first sweep from DRAM cost 0.7 ns more per float64 than one from L2). One
 * prefetch per 64-byte line, in the sweep that first reads a block; a prefetch
 * never faults, so it may run past the buffer (the address is computed as an
 * integer for that reason). */
#ifndef PF_AHEAD
#define PF_AHEAD (16 << 10)
#endif
#define PREFETCH(p) __builtin_prefetch((const void *)((uintptr_t)(const void *)(p) + PF_AHEAD))
/* The same for a block's bytes at once, before sweeps too short to carry one
 * prefetch per line (the integer and plain sums: interleaved, the prefetches
 * halved their speed from L2). */
static inline void prefetch_block(const void *p, size_t bytes)
{
    for (size_t o = 0; o < bytes; o += 64)
        PREFETCH((const char *)p + o);
}
/* the float extraction needs FMA for its vector clones (avx2 alone has none) */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(PARIO_NO_CLONES)
#define PARIO_XCLONES __attribute__((target_clones("avx512f", "arch=x86-64-v3", "default")))
#else
#define PARIO_XCLONES
#endif

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

/* Position of the first element equal to v (it exists). */
#define FIND(NAME, T)                                                                  \
    PARIO_CLONES static size_t NAME(const T *restrict x, size_t n, T v)                \
    {                                                                                  \
        /* 64 at a time without an early exit (vectorises), then the first of them */ \
        for (size_t i = 0; i < n; i += 64) {                                           \
            size_t m = n - i < 64 ? n - i : 64;                                        \
            int hit = 0;                                                               \
            for (size_t j = 0; j < m; j++)                                             \
                hit |= x[i + j] == v;                                                  \
            if (hit)                                                                   \
                for (size_t j = 0; j < m; j++)                                         \
                    if (x[i + j] == v)                                                 \
                        return i + j;                                                  \
        }                                                                              \
        return 0;                                                                      \
    }

/* A block's count, extremes (and integer sum), folded into the lane's accumulator
 * by the rules of pario_acc_merge. */
struct blk {
    uint64_t n, nan, first_nan;
    pario_value min, max;
    uint64_t argmin, argmax;
    i128 isum;
};

static inline int v_less(int kind, pario_value a, pario_value b)
{
    return kind == PARIO_ACC_SIGNED ? a.i < b.i : kind == PARIO_ACC_UNSIGNED ? a.u < b.u : a.f < b.f;
}

static inline int v_equal(int kind, pario_value a, pario_value b)
{
    return kind == PARIO_ACC_FLOAT ? a.f == b.f : a.u == b.u;
}

static void fold(pario_acc *a, const struct blk *b)
{
    a->nan += b->nan;
    if (b->first_nan < a->first_nan)
        a->first_nan = b->first_nan;
    if (b->n == 0)
        return;
    if (a->kind != PARIO_ACC_FLOAT) {
        i128 s = (i128)(((unsigned __int128)(uint64_t)a->isum_hi << 64) | a->isum_lo) + b->isum;
        a->isum_lo = (uint64_t)s;
        a->isum_hi = (int64_t)(s >> 64);
    }
    const int k = a->kind;
    if (a->n == 0 || v_less(k, b->min, a->min) || (v_equal(k, b->min, a->min) && b->argmin < a->argmin)) {
        a->min = b->min;
        a->argmin = b->argmin;
    }
    if (a->n == 0 || v_less(k, a->max, b->max) || (v_equal(k, b->max, a->max) && b->argmax < a->argmax)) {
        a->max = b->max;
        a->argmax = b->argmax;
    }
    a->n += b->n;
}

/* A block's min/max into b: positions only when they can beat the running result
 * (ties keep the earlier index, so a block that only equals it need not search). */
#define SET_EXTREMES(T, FIELD, FINDF)                                                  \
    do {                                                                               \
        b.min.FIELD = mn;                                                              \
        b.max.FIELD = mx;                                                              \
        b.argmin = b.argmax = UINT64_MAX;                                              \
        if (out->n == 0 || b.min.FIELD < out->min.FIELD) { /* the first one's value: \
                                                              its zero's sign */       \
            size_t k_ = FINDF(p, nb, mn);                                              \
            b.argmin = off + k_;                                                       \
            b.min.FIELD = p[k_];                                                       \
        }                                                                              \
        if (out->n == 0 || b.max.FIELD > out->max.FIELD) {                             \
            size_t k_ = FINDF(p, nb, mx);                                              \
            b.argmax = off + k_;                                                       \
            b.max.FIELD = p[k_];                                                       \
        }                                                                              \
    } while (0)

/* ---- exact float sums ----
 * Rump's extraction: with sigma = 2^k >= |x|, q = fl(sigma + x) - sigma is x
 * rounded to a multiple of 2^(k-53), and r = x - q is exact. When sigma >= 2 m M
 * (M bounds the |x| of a block of m values), every partial sum of the q, in any
 * order and in any of the 8 vector lanes, is a multiple of 2^(k-53) below 2^k,
 * hence exact: the block's exact sum is a few doubles (one per level, each level
 * taking the previous one's residuals with sigma 40 bits lower), added to the
 * superaccumulator. A residual left after the last level (a value far below the
 * block's largest) is added to the superaccumulator on its own, exactly; so are
 * blocks with a NaN or an infinity, or with values too large or too small for the
 * levels' sigmas. Squares: x*x = h + l exactly (l by fma) when no square
 * overflows or underflows; h and l go through three levels. Built without FMA
 * contraction and without reassociation (plain -O3), as the extraction needs. */

/* One value through the two levels of the sum of x (SA, SB): the parts added to
 * ACC_A and ACC_B, the largest residual kept in RES. */
#define SUM_STEP(V, SA, SB, ACC_A, ACC_B, RES)                                         \
    do {                                                                               \
        double v_ = (V), q1_ = ((SA) + v_) - (SA), r1_ = v_ - q1_;                     \
        double q2_ = ((SB) + r1_) - (SB), r2_ = fabs(r1_ - q2_);                       \
        ACC_A += q1_;                                                                  \
        ACC_B += q2_;                                                                  \
        RES = r2_ > RES ? r2_ : RES;                                                   \
    } while (0)

/* Levels for the sum of x: sigma_a = 2^(e + 12) for M < 2^e, sigma_b 41 bits lower
 * (m <= 2^11). Returns the largest residual (0: the two levels were exact). */
#define SPLIT_SUM(NAME, T)                                                             \
    PARIO_XCLONES static double NAME(const T *restrict x, size_t n, double sa, double sb, double *pa, \
                                     double *pb)                                       \
    {                                                                                  \
        double a[8] = { 0 }, b[8] = { 0 }, r[8] = { 0 };                               \
        size_t i = 0;                                                                  \
        for (; i + 8 <= n; i += 8)                                                     \
            for (int j = 0; j < 8; j++)                                                \
                SUM_STEP((double)x[i + j], sa, sb, a[j], b[j], r[j]);                  \
        for (; i < n; i++)                                                             \
            SUM_STEP((double)x[i], sa, sb, a[0], b[0], r[0]);                          \
        double A = 0, B = 0, R = 0;                                                    \
        for (int j = 0; j < 8; j++) {                                                  \
            A += a[j];                                                                 \
            B += b[j];                                                                 \
            R = r[j] > R ? r[j] : R;                                                   \
        }                                                                              \
        *pa = A;                                                                       \
        *pb = B;                                                                       \
        return R;                                                                      \
    }

/* The residuals SPLIT_SUM left, one by one (the same arithmetic, scalar). */
#define RESID_SUM(NAME, T)                                                             \
    static void NAME(const T *x, size_t n, double sa, double sb, pario_xsum *s)        \
    {                                                                                  \
        for (size_t i = 0; i < n; i++) {                                               \
            double v = (double)x[i];                                                   \
            double q1 = (sa + v) - sa, r1 = v - q1;                                    \
            double q2 = (sb + r1) - sb, r2 = r1 - q2;                                  \
            if (r2 != 0)                                                               \
                pario_xsum_add(s, r2);                                                 \
        }                                                                              \
    }

/* Levels for the sum of squares: h at sigma_1 = 2^(eh + 13) (M^2 < 2^eh, 2m <=
 * 2^12 values per level), the residuals of h and the l at sigma_2 40 bits lower,
 * theirs at sigma_3, and the l's once more at sigma_4: only a value below 2^-28
 * of the block's largest leaves a residual. Returns the sum of the residuals'
 * magnitudes (0: the levels were exact); *tiny is the smallest nonzero |x|'s bit
 * pattern (a square below 2^-970 would lose bits). */
#define SQ_STEP(T, V, ACC_A, ACC_B, ACC_C, ACC_D, RES, MINU)                           \
    do {                                                                               \
        double v_ = (V);                                                               \
        double h = v_ * v_, l = fma(v_, v_, -h);                                       \
        double q1 = (c1 + h) - c1, r1 = h - q1;                                        \
        double q2 = (c2 + r1) - c2, r2 = r1 - q2;                                      \
        double q2l = (c2 + l) - c2, r2l = l - q2l;                                     \
        double q3 = (c3 + r2) - c3, r3 = r2 - q3;                                      \
        double q3l = (c3 + r2l) - c3, r3l = r2l - q3l;                                 \
        double q4l = (c4 + r3l) - c4, r4l = r3l - q4l;                                 \
        ACC_A += q1;                                                                   \
        ACC_B += q2 + q2l;                                                             \
        ACC_C += q3 + q3l;                                                             \
        ACC_D += q4l;                                                                  \
        RES += fabs(r3) + fabs(r4l);                                                   \
        uint64_t u_;                                                                   \
        memcpy(&u_, &v_, sizeof u_);                                                   \
        u_ = (u_ & ~((uint64_t)1 << 63)) - 1; /* 0 wraps to the largest */             \
        MINU = u_ < MINU ? u_ : MINU;                                                  \
    } while (0)

#define SPLIT_SQ(NAME, T)                                                              \
    PARIO_XCLONES static double NAME(const T *restrict x, size_t n, const double *cs, double *p, \
                                     uint64_t *tiny)                                   \
    {                                                                                  \
        const double c1 = cs[0], c2 = cs[1], c3 = cs[2], c4 = cs[3];                   \
        double a[8] = { 0 }, b[8] = { 0 }, c[8] = { 0 }, d[8] = { 0 }, r[8] = { 0 };   \
        uint64_t t[8];                                                                 \
        for (int j = 0; j < 8; j++)                                                    \
            t[j] = UINT64_MAX;                                                         \
        size_t i = 0;                                                                  \
        for (; i + 8 <= n; i += 8)                                                     \
            for (int j = 0; j < 8; j++)                                                \
                SQ_STEP(T, (double)x[i + j], a[j], b[j], c[j], d[j], r[j], t[j]);      \
        for (; i < n; i++)                                                             \
            SQ_STEP(T, (double)x[i], a[0], b[0], c[0], d[0], r[0], t[0]);              \
        double A = 0, B = 0, C = 0, D = 0, R = 0;                                      \
        uint64_t U = UINT64_MAX;                                                       \
        for (int j = 0; j < 8; j++) {                                                  \
            A += a[j];                                                                 \
            B += b[j];                                                                 \
            C += c[j];                                                                 \
            D += d[j];                                                                 \
            R += r[j];                                                                 \
            U = t[j] < U ? t[j] : U;                                                   \
        }                                                                              \
        p[0] = A;                                                                      \
        p[1] = B;                                                                      \
        p[2] = C;                                                                      \
        p[3] = D;                                                                      \
        *tiny = U;                                                                     \
        return R;                                                                      \
    }

#define RESID_SQ(NAME, T)                                                              \
    static void NAME(const T *x, size_t n, const double *cs, pario_xsum *s)            \
    {                                                                                  \
        const double c1 = cs[0], c2 = cs[1], c3 = cs[2], c4 = cs[3];                   \
        for (size_t i = 0; i < n; i++) {                                               \
            double v = (double)x[i];                                                   \
            double h = v * v, l = fma(v, v, -h);                                       \
            double q1 = (c1 + h) - c1, r1 = h - q1;                                    \
            double q2 = (c2 + r1) - c2, r2 = r1 - q2;                                  \
            double q2l = (c2 + l) - c2, r2l = l - q2l;                                 \
            double q3 = (c3 + r2) - c3, r3 = r2 - q3;                                  \
            double q3l = (c3 + r2l) - c3, r3l = r2l - q3l;                             \
            double q4l = (c4 + r3l) - c4, r4l = r3l - q4l;                             \
            if (r3 != 0)                                                               \
                pario_xsum_add(s, r3);                                                 \
            if (r4l != 0)                                                              \
                pario_xsum_add(s, r4l);                                                \
        }                                                                              \
    }

/* Shifted squares (the default variance): d = fl(x - s), q = fl(d * d), each q a
 * double >= 0 summed exactly in three levels 41 bits apart (sigma from the
 * block's largest q, known from its min and max since fl is monotone): squares
 * span twice the range of the values, and two levels would leave residuals for
 * every |d| below 2^-14.5 of the block's largest. Returns the largest residual
 * (0: the levels were exact). */
/* fl(d^2) as an add's result: GCC contracts (gnu C's default -ffp-contract=fast on
 * FMA clones) a product feeding an add into an fma, which would feed the levels
 * the exact square instead of the rounded one, differently per sigma, so per
 * block; d * d + 0.0 contracts at most into fma(d, d, 0.0) = fl(d^2), and an
 * fma's result is not contracted again (x + 0.0 is kept: signed zeros). */
#define SQR(d) ((d) * (d) + 0.0)
#define SQS_STEP(V, ACC_A, ACC_B, ACC_C, RES)                                          \
    do {                                                                               \
        double d_ = (V) - sh, v_ = SQR(d_);                                            \
        double q1 = (sa + v_) - sa, r1 = v_ - q1;                                      \
        double q2 = (sb + r1) - sb, r2 = r1 - q2;                                      \
        double q3 = (sc + r2) - sc, r3 = fabs(r2 - q3);                                \
        ACC_A += q1;                                                                   \
        ACC_B += q2;                                                                   \
        ACC_C += q3;                                                                   \
        RES = r3 > RES ? r3 : RES;                                                     \
    } while (0)

#define SPLIT_SQS(NAME, T)                                                             \
    PARIO_XCLONES static double NAME(const T *restrict x, size_t n, double sh, const double *cs, double *p) \
    {                                                                                  \
        const double sa = cs[0], sb = cs[1], sc = cs[2];                               \
        double a[8] = { 0 }, b[8] = { 0 }, c[8] = { 0 }, r[8] = { 0 };                 \
        size_t i = 0;                                                                  \
        for (; i + 8 <= n; i += 8)                                                     \
            for (int j = 0; j < 8; j++)                                                \
                SQS_STEP((double)x[i + j], a[j], b[j], c[j], r[j]);                    \
        for (; i < n; i++)                                                             \
            SQS_STEP((double)x[i], a[0], b[0], c[0], r[0]);                            \
        double A = 0, B = 0, C = 0, R = 0;                                             \
        for (int j = 0; j < 8; j++) {                                                  \
            A += a[j];                                                                 \
            B += b[j];                                                                 \
            C += c[j];                                                                 \
            R = r[j] > R ? r[j] : R;                                                   \
        }                                                                              \
        p[0] = A;                                                                      \
        p[1] = B;                                                                      \
        p[2] = C;                                                                      \
        return R;                                                                      \
    }

#define RESID_SQS(NAME, T)                                                             \
    static void NAME(const T *x, size_t n, double sh, const double *cs, pario_xsum *s) \
    {                                                                                  \
        const double sa = cs[0], sb = cs[1], sc = cs[2];                               \
        for (size_t i = 0; i < n; i++) {                                               \
            double d = (double)x[i] - sh, v = SQR(d);                                  \
            double q1 = (sa + v) - sa, r1 = v - q1;                                    \
            double q2 = (sb + r1) - sb, r2 = r1 - q2;                                  \
            double q3 = (sc + r2) - sc, r3 = r2 - q3;                                  \
            if (r3 != 0)                                                               \
                pario_xsum_add(s, r3);                                                 \
        }                                                                              \
    }

/* The shifted squares of a block without NaN or infinity (values in [mn, mx]). */
#define SHIFTED_F(NAME, T, SPQS, RQS)                                                  \
    static void NAME(const T *x, size_t n, double mn, double mx, double sh, pario_xsum *s2) \
    {                                                                                  \
        double dl = fabs(mn - sh), dh = fabs(mx - sh), dm = dl > dh ? dl : dh;         \
        double M = dm * dm; /* the block's largest q */                                \
        if (M == 0)                                                                    \
            return;                                                                    \
        int e;                                                                         \
        frexp(M, &e); /* M < 2^e; the last level's ulp 2^(e - 122) stays normal */     \
        if (isinf(M) || e < -890 || e > 1000) {                                        \
            for (size_t i = 0; i < n; i++) {                                           \
                double d = (double)x[i] - sh;                                          \
                pario_xsum_add(s2, SQR(d)); /* an overflow is recorded as +inf */      \
            }                                                                          \
            return;                                                                    \
        }                                                                              \
        double cs[3], part[3];                                                         \
        for (int k = 0; k < 3; k++)                                                    \
            cs[k] = ldexp(1.0, e + 12 - 41 * k);                                       \
        double R = SPQS(x, n, sh, cs, part);                                           \
        for (int k = 0; k < 3; k++)                                                    \
            pario_xsum_add(s2, part[k]);                                               \
        if (R != 0)                                                                    \
            RQS(x, n, sh, cs, s2);                                                     \
    }

#define TINY_BITS ((uint64_t)(1023 - 485) << 52) /* 2^-485 */

/* The exact sum (s1) and sum of squares (s2) of a block without NaN or infinity,
 * whose |x| are at most M. */
#define EXACT_F(NAME, T, SPS, RS, SPQ, RQ)                                             \
    static void NAME(const T *x, size_t n, double M, unsigned need, pario_acc *out)    \
    {                                                                                  \
        if (M == 0)                                                                    \
            return;                                                                    \
        int e;                                                                         \
        frexp(M, &e); /* M < 2^e */                                                    \
        if (need & PARIO_NEED_SUM) {                                                   \
            if (e < -990 || e > 1000) {                                                \
                for (size_t i = 0; i < n; i++)                                         \
                    pario_xsum_add(&out->s1, (double)x[i]);                            \
            } else {                                                                   \
                double sa = ldexp(1.0, e + 12), sb = ldexp(1.0, e - 29), A, B;         \
                double R = SPS(x, n, sa, sb, &A, &B);                                  \
                pario_xsum_add(&out->s1, A);                                           \
                pario_xsum_add(&out->s1, B);                                           \
                if (R != 0)                                                            \
                    RS(x, n, sa, sb, &out->s1);                                        \
            }                                                                          \
        }                                                                              \
        if ((need & PARIO_NEED_M2) && !out->shifted) {                                 \
            double part[4] = { 0, 0, 0, 0 }, cs[4] = { 0, 0, 0, 0 }, R = 0;            \
            uint64_t tiny = 0; /* below 2^-485: lossy squares */                       \
            if (e >= -450 && e <= 500) {                                               \
                int eh;                                                                \
                frexp(M * M, &eh);                                                     \
                for (int k = 0; k < 4; k++)                                            \
                    cs[k] = ldexp(1.0, eh + 13 - 40 * k);                              \
                R = SPQ(x, n, cs, part, &tiny);                                        \
            }                                                                          \
            if (tiny + 1 < TINY_BITS) {                                                \
                for (size_t i = 0; i < n; i++)                                         \
                    pario_xsum_add_sq(&out->s2, (double)x[i]);                         \
            } else {                                                                   \
                for (int k = 0; k < 4; k++)                                            \
                    pario_xsum_add(&out->s2, part[k]);                                 \
                if (R != 0)                                                            \
                    RQ(x, n, cs, &out->s2);                                            \
            }                                                                          \
        }                                                                              \
    }

/* Float block with a NaN or an infinity: scalar, NaN counted and skipped. */
#define SLOW_F(NAME, T)                                                                \
    static void NAME(const T *x, size_t n, size_t off, unsigned need, pario_acc *out, struct blk *b) \
    {                                                                                  \
        for (size_t i = 0; i < n; i++) {                                               \
            double v = x[i];                                                           \
            if (isnan(v)) {                                                            \
                if (!b->nan++)                                                         \
                    b->first_nan = off + i;                                            \
                continue;                                                              \
            }                                                                          \
            if (need & PARIO_NEED_SUM)                                                 \
                pario_xsum_add(&out->s1, v);                                           \
            if ((need & PARIO_NEED_M2) && out->shifted) {                              \
                double d = v - out->shift;                                             \
                pario_xsum_add(&out->s2, SQR(d));                                      \
            } else if (need & PARIO_NEED_M2) {                                         \
                pario_xsum_add_sq(&out->s2, v);                                        \
            }                                                                          \
            if (!b->n || v < b->min.f)                                                 \
                b->min.f = v, b->argmin = off + i;                                     \
            if (!b->n || v > b->max.f)                                                 \
                b->max.f = v, b->argmax = off + i;                                     \
            b->n++;                                                                    \
        }                                                                              \
    }

/* The default's whole set in one sweep of a block: its min and max, the two
 * levels of the sum of x and the three of the shifted squares, at sigmas the
 * caller chose (from this block's min and max, or guessed from the previous
 * block's and checked against this one's after the sweep). A NaN turns the
 * first level's sum into NaN (the caller then takes the scalar path). Returns
 * the residual flags: bit 0 the sum's, bit 1 the squares'. */
#define SPLIT_BOTH(NAME, T)                                                            \
    PARIO_XCLONES static int NAME(const T *restrict x, size_t n, double xa, double xb, double sh, \
                                  const double *cs, double *px, double *pq, T *mn, T *mx) \
    {                                                                                  \
        const double sa = cs[0], sb = cs[1], sc = cs[2];                               \
        double a[8] = { 0 }, b[8] = { 0 }, c[8] = { 0 }, r[8] = { 0 };                 \
        double u[8] = { 0 }, w[8] = { 0 }, rx[8] = { 0 };                              \
        T lo[8], hi[8];                                                                \
        for (int j = 0; j < 8; j++)                                                    \
            lo[j] = hi[j] = x[0];                                                      \
        size_t i = 0;                                                                  \
        for (; i + 8 <= n; i += 8) {                                                   \
            PREFETCH(x + i);                                                           \
            for (int j = 0; j < 8; j++) {                                              \
                T t = x[i + j];                                                        \
                double v = (double)t;                                                  \
                lo[j] = t < lo[j] ? t : lo[j];                                         \
                hi[j] = t > hi[j] ? t : hi[j];                                         \
                SUM_STEP(v, xa, xb, u[j], w[j], rx[j]);                                \
                SQS_STEP(v, a[j], b[j], c[j], r[j]);                                   \
            }                                                                          \
        }                                                                              \
        for (; i < n; i++) {                                                           \
            T t = x[i];                                                                \
            double v = (double)t;                                                      \
            lo[0] = t < lo[0] ? t : lo[0];                                             \
            hi[0] = t > hi[0] ? t : hi[0];                                             \
            SUM_STEP(v, xa, xb, u[0], w[0], rx[0]);                                    \
            SQS_STEP(v, a[0], b[0], c[0], r[0]);                                       \
        }                                                                              \
        double A = 0, B = 0, C = 0, R = 0, U = 0, W = 0, RX = 0;                       \
        T l = lo[0], h = hi[0];                                                        \
        for (int j = 0; j < 8; j++) {                                                  \
            A += a[j];                                                                 \
            B += b[j];                                                                 \
            C += c[j];                                                                 \
            R = r[j] > R ? r[j] : R;                                                   \
            U += u[j];                                                                 \
            W += w[j];                                                                 \
            RX = rx[j] > RX ? rx[j] : RX;                                              \
            l = lo[j] < l ? lo[j] : l;                                                 \
            h = hi[j] > h ? hi[j] : h;                                                 \
        }                                                                              \
        px[0] = U;                                                                     \
        px[1] = W;                                                                     \
        pq[0] = A;                                                                     \
        pq[1] = B;                                                                     \
        pq[2] = C;                                                                     \
        *mn = l;                                                                       \
        *mx = h;                                                                       \
        return (RX != 0) | (R != 0) << 1;                                              \
    }

/* min and max only (NaN is not seen: the caller finds it otherwise) */
#define MINMAX(NAME, T)                                                                \
    PARIO_CLONES static void NAME(const T *restrict x, size_t n, T *mn, T *mx)         \
    {                                                                                  \
        T lo[8], hi[8];                                                                \
        for (int j = 0; j < 8; j++)                                                    \
            lo[j] = hi[j] = x[0];                                                      \
        size_t i = 0;                                                                  \
        for (; i + 8 <= n; i += 8)                                                     \
            for (int j = 0; j < 8; j++) {                                              \
                T v = x[i + j];                                                        \
                lo[j] = v < lo[j] ? v : lo[j];                                         \
                hi[j] = v > hi[j] ? v : hi[j];                                         \
            }                                                                          \
        for (; i < n; i++) {                                                           \
            T v = x[i];                                                                \
            lo[0] = v < lo[0] ? v : lo[0];                                             \
            hi[0] = v > hi[0] ? v : hi[0];                                             \
        }                                                                              \
        T a = lo[0], b = hi[0];                                                        \
        for (int j = 1; j < 8; j++) {                                                  \
            a = lo[j] < a ? lo[j] : a;                                                 \
            b = hi[j] > b ? hi[j] : b;                                                 \
        }                                                                              \
        *mn = a;                                                                       \
        *mx = b;                                                                       \
    }

/* The sigmas' exponents the previous block of the default's set needed (ok: 0
 * before the first block): the next block's sweep takes them one bit wider (two
 * for the squares), which holds unless its magnitudes doubled, and then needs no
 * min/max sweep of its own before it. After a miss, the next GUESS_REST blocks
 * take the min/max sweep first (data whose magnitudes keep growing would
 * otherwise sweep every block twice). */
#define GUESS_REST 8
struct guess {
    int ok, e, e2, rest;
};

/* The guess for this block: 1 (and its exponents, one bit wider than the last
 * block's, two for the squares) when there is one and no miss is resting. */
static int guess_take(struct guess *g, int *ge, int *ge2)
{
    const int swept = g->ok && !g->rest;
    if (g->rest)
        g->rest--;
    *ge = swept ? g->e + 1 : 0;
    *ge2 = swept ? g->e2 + 2 : 0;
    return swept;
}

/* After a block's min and max (and its sweep at the guessed exponents ge, ge2
 * when swept, which left residuals when res): the block's own exponents (|x| <
 * 2^e, shifted squares < 2^e2) and the next block's guess. -1: the block needs
 * the general path (a NaN first, an infinity, or magnitudes outside the levels'
 * range, emin the lowest e); 1: it must be swept at its own exponents (no guess,
 * a guess too small, or one wider that left residuals: a sweep costs less than
 * the scalar residual passes); 0: the sweep done stands. */
static int guess_settle(struct guess *g, int swept, int ge, int ge2, int res, double dmn, double dmx, double sh,
                        int emin, int *e, int *e2)
{
    if (!(dmn >= -DBL_MAX && dmx <= DBL_MAX))
        return -1;
    double M = fmax(-dmn, dmx), dl = fabs(dmn - sh), dh = fabs(dmx - sh);
    double dm = dl > dh ? dl : dh, M2 = dm * dm;
    frexp(M, e);
    frexp(M2, e2);
    if (M == 0 || M2 == 0 || *e < emin || *e > 1000 || !(M2 <= DBL_MAX) || *e2 < -890 || *e2 > 1000)
        return -1;
    g->ok = *e < 1000 && *e2 < 999; /* the next guess stays within the limits */
    g->e = *e;
    g->e2 = *e2;
    const int miss = swept && (*e > ge || *e2 > ge2);
    if (miss)
        g->rest = GUESS_REST;
    return !swept || miss || (res && (ge > *e || ge2 > *e2));
}

/* One block of the default's full set (sum and shifted squares): 1 when done, 0
 * when the block needs the general path (a NaN, an infinity, or values too large
 * or too small for the levels' sigmas). With a guess, one sweep at the guessed
 * sigmas, kept when this block's min and max show they were large enough (every
 * level exact: the sums are the same as at the block's own sigmas), else a
 * second sweep at the block's own; without, a min/max sweep first. */
#define FUSED_F(NAME, T, MM, BOTH, RS, RQS)                                            \
    static int NAME(const T *p, size_t nb, double sh, pario_acc *out, T *pmn, T *pmx, struct guess *g) \
    {                                                                                  \
        T mn, mx;                                                                      \
        double xa = 0, xb = 0, cs[3], px[2], pq[3];                                    \
        int res = 0, ge, ge2, e, e2;                                                   \
        const int swept = guess_take(g, &ge, &ge2);                                    \
        if (swept) {                                                                   \
            xa = ldexp(1.0, ge + 12);                                                  \
            xb = ldexp(1.0, ge - 29);                                                  \
            for (int k = 0; k < 3; k++)                                                \
                cs[k] = ldexp(1.0, ge2 + 12 - 41 * k);                                 \
            res = BOTH(p, nb, xa, xb, sh, cs, px, pq, &mn, &mx);                       \
        } else {                                                                       \
            MM(p, nb, &mn, &mx);                                                       \
        }                                                                              \
        *pmn = mn;                                                                     \
        *pmx = mx;                                                                     \
        const int again = guess_settle(g, swept, ge, ge2, res, (double)mn, (double)mx, sh, -990, &e, &e2); \
        if (again < 0)                                                                 \
            return 0;                                                                  \
        if (again) {                                                                   \
            xa = ldexp(1.0, e + 12);                                                   \
            xb = ldexp(1.0, e - 29);                                                   \
            for (int k = 0; k < 3; k++)                                                \
                cs[k] = ldexp(1.0, e2 + 12 - 41 * k);                                  \
            res = BOTH(p, nb, xa, xb, sh, cs, px, pq, &mn, &mx);                       \
        }                                                                              \
        if (isnan(px[0]))                                                              \
            return 0;                                                                  \
        pario_xsum_add(&out->s1, px[0]);                                               \
        pario_xsum_add(&out->s1, px[1]);                                               \
        if (res & 1)                                                                   \
            RS(p, nb, xa, xb, &out->s1);                                               \
        for (int k = 0; k < 3; k++)                                                    \
            pario_xsum_add(&out->s2, pq[k]);                                           \
        if (res & 2)                                                                   \
            RQS(p, nb, sh, cs, &out->s2);                                              \
        return 1;                                                                      \
    }

/* HADD(hp, block, nb): each block's histogram right after the block (hp not
 * NULL: pario_kernel_reduce_hist) */
#define REDUCE_F(NAME, T, S1, EXACT, SHIFTED, FUSED, FSUM, MMF, FINDF, SLOW, HADD)     \
    static void NAME(const T *x, size_t n, unsigned need, pario_acc *out, void *hp)    \
    {                                                                                  \
        const int fused = out->shifted && (need & PARIO_NEED_SUM) && (need & PARIO_NEED_M2); \
        /* where FSUM and MMF are more than stubs (the AVX2 path): the sum       \
         * without squares, and min/max alone, in one sweep each */             \
        const int fsum = (need & PARIO_NEED_SUM) && !(need & PARIO_NEED_M2);           \
        const int fmm = !(need & (PARIO_NEED_SUM | PARIO_NEED_M2));                    \
        /* the last call's guess on this thread (the driver calls per slice of \
         * 16 blocks; a first block without one sweeps twice, from memory); a   \
         * guess only chooses sigmas, never a result */                         \
        static _Thread_local struct guess last = { 0, 0, 0, 0 };                      \
        struct guess g = last;                                                         \
        g.rest = 0;                                                                    \
        for (size_t off = 0; off < n; off += BLOCK) {                                  \
            size_t nb = n - off < BLOCK ? n - off : BLOCK;                             \
            const T *p = x + off;                                                      \
            double s;                                                                  \
            T mn, mx;                                                                  \
            struct blk b = { 0, 0, UINT64_MAX, { 0 }, { 0 }, 0, 0, 0 };                \
            int hdone = 0; /* the block's histogram counted by its sweep */            \
            if ((fused && FUSED(p, nb, out->shift, out, &mn, &mx, &g, hp, &hdone)) ||    \
                (fsum && FSUM(p, nb, out, &mn, &mx, &g, hp, &hdone)) || (fmm && MMF(p, nb, &mn, &mx))) { \
                b.n = nb;                                                              \
                SET_EXTREMES(T, f, FINDF);                                             \
                fold(out, &b);                                                         \
                if (hp && !hdone)                                                      \
                    HADD(hp, p, nb);                                                   \
                continue;                                                              \
            }                                                                          \
            prefetch_block(p, nb * sizeof(T));                                         \
            S1(p, nb, &s, &mn, &mx);                                                   \
            if (isnan(s) || isinf(mn) || isinf(mx)) {                                  \
                SLOW(p, nb, off, need, out, &b);                                       \
            } else {                                                                   \
                b.n = nb;                                                              \
                if (need & (PARIO_NEED_SUM | PARIO_NEED_M2))                           \
                    EXACT(p, nb, fmax(-(double)mn, (double)mx), need, out);            \
                if ((need & PARIO_NEED_M2) && out->shifted)                            \
                    SHIFTED(p, nb, (double)mn, (double)mx, out->shift, &out->s2);      \
                SET_EXTREMES(T, f, FINDF);                                             \
            }                                                                          \
            fold(out, &b);                                                             \
            if (hp && !hdone)                                                          \
                HADD(hp, p, nb);                                                       \
        }                                                                              \
        if (fused || fsum)                                                             \
            last = g;                                                                  \
    }

/* ---- exact integer sums of squares, per block ---- */
/* 8 and 16 bits: x^2 < 2^32, a block's sum < 2^43 */
#define SQ_SMALL(NAME, T)                                                              \
    PARIO_CLONES static void NAME(const T *restrict x, size_t n, pario_xsum *s2)       \
    {                                                                                  \
        int64_t a[8] = { 0 };                                                          \
        size_t i = 0;                                                                  \
        for (; i + 8 <= n; i += 8)                                                     \
            for (int j = 0; j < 8; j++)                                                \
                a[j] += (int64_t)x[i + j] * (int64_t)x[i + j];                         \
        for (; i < n; i++)                                                             \
            a[0] += (int64_t)x[i] * (int64_t)x[i];                                     \
        uint64_t s = 0;                                                                \
        for (int j = 0; j < 8; j++)                                                    \
            s += (uint64_t)a[j];                                                       \
        pario_xsum_add_int(s2, 0, 0, s, 0);                                            \
    }

/* 32 bits: x = h 2^16 + l, x^2 = h^2 2^32 + 2 h l 2^16 + l^2, three int64 sums */
#define SQ_32(NAME, T)                                                                 \
    PARIO_CLONES static void NAME(const T *restrict x, size_t n, pario_xsum *s2)       \
    {                                                                                  \
        int64_t a[8] = { 0 }, b[8] = { 0 }, c[8] = { 0 };                              \
        size_t i = 0;                                                                  \
        for (; i + 8 <= n; i += 8)                                                     \
            for (int j = 0; j < 8; j++) {                                              \
                int64_t v = (int64_t)x[i + j], h = v >> 16, l = v & 0xffff;            \
                a[j] += h * h;                                                         \
                b[j] += h * l;                                                         \
                c[j] += l * l;                                                         \
            }                                                                          \
        for (; i < n; i++) {                                                           \
            int64_t v = (int64_t)x[i], h = v >> 16, l = v & 0xffff;                    \
            a[0] += h * h;                                                             \
            b[0] += h * l;                                                             \
            c[0] += l * l;                                                             \
        }                                                                              \
        i128 s = 0;                                                                    \
        for (int j = 0; j < 8; j++)                                                    \
            s += (i128)a[j] * ((i128)1 << 32) + (i128)b[j] * ((i128)1 << 17) + (i128)c[j]; \
        pario_xsum_add_int(s2, 0, (uint64_t)((unsigned __int128)s >> 64), (uint64_t)s, 0); \
    }

/* 64 bits: 128-bit squares into a 192-bit sum */
#define SQ_64(NAME, T, NEG)                                                            \
    static void NAME(const T *restrict x, size_t n, pario_xsum *s2)                    \
    {                                                                                  \
        unsigned __int128 lo = 0;                                                      \
        uint64_t carry = 0;                                                            \
        for (size_t i = 0; i < n; i++) {                                               \
            T v = x[i];                                                                \
            uint64_t m = NEG(v) ? -(uint64_t)v : (uint64_t)v;                          \
            unsigned __int128 q = (unsigned __int128)m * m;                            \
            lo += q;                                                                   \
            carry += lo < q;                                                           \
        }                                                                              \
        pario_xsum_add_int(s2, 0, (uint64_t)(lo >> 64), (uint64_t)lo, 0);              \
        pario_xsum_add_int(s2, 0, 0, carry, 128);                                      \
    }

/* Integers: SUMT is the block sum's type (int64, uint64 or i128). */
#define REDUCE_I(NAME, T, SUMT, KIND, FIELD, S1, SQ, FINDF)                            \
    static void NAME(const T *x, size_t n, unsigned need, pario_acc *out)              \
    {                                                                                  \
        for (size_t off = 0; off < n; off += BLOCK) {                                  \
            size_t nb = n - off < BLOCK ? n - off : BLOCK;                             \
            const T *p = x + off;                                                      \
            SUMT s;                                                                    \
            T mn, mx;                                                                  \
            struct blk b = { 0, 0, UINT64_MAX, { 0 }, { 0 }, 0, 0, 0 };                \
            prefetch_block(p, nb * sizeof(T));                                         \
            S1(p, nb, &s, &mn, &mx);                                                   \
            b.isum = (i128)s;                                                          \
            b.n = nb;                                                                  \
            if (need & PARIO_NEED_M2)                                                  \
                SQ(p, nb, &out->s2);                                                   \
            SET_EXTREMES(T, FIELD, FINDF);                                             \
            fold(out, &b);                                                             \
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
SPLIT_SUM(sps_f32, float)
SPLIT_SUM(sps_f64, double)
RESID_SUM(rs_f32, float)
RESID_SUM(rs_f64, double)
SPLIT_SQ(spq_f32, float)
SPLIT_SQ(spq_f64, double)
RESID_SQ(rq_f32, float)
RESID_SQ(rq_f64, double)
EXACT_F(exact_f32, float, sps_f32, rs_f32, spq_f32, rq_f32)
EXACT_F(exact_f64, double, sps_f64, rs_f64, spq_f64, rq_f64)
SQ_SMALL(sq_i8, int8_t)
SQ_SMALL(sq_i16, int16_t)
SQ_SMALL(sq_u8, uint8_t)
SQ_SMALL(sq_u16, uint16_t)
SQ_32(sq_i32, int32_t)
SQ_32(sq_u32, uint32_t)
#define IS_NEG(v) ((v) < 0)
#define NEVER_NEG(v) 0
SQ_64(sq_i64, int64_t, IS_NEG)
SQ_64(sq_u64, uint64_t, NEVER_NEG)
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
SPLIT_SQS(spqs_f32, float)
SPLIT_SQS(spqs_f64, double)
RESID_SQS(rqs_f32, float)
RESID_SQS(rqs_f64, double)
SHIFTED_F(shifted_f32, float, spqs_f32, rqs_f32)
SHIFTED_F(shifted_f64, double, spqs_f64, rqs_f64)
SPLIT_BOTH(spb_f32, float)
SPLIT_BOTH(spb_f64, double)
MINMAX(mm_f32, float)
MINMAX(mm_f64, double)
/* The histogram's batches and limits (HIST below; hist_avx2.h) */
#define HIST_BATCH 1024
/* distance of f from a whole number below which rounding may have moved a value
 * across an edge: f is off by a few ulps (f <= bins + 1), far below this */
#define HIST_NEAR 1e-7
/* HIST's threshold: a value's f farther than this from a whole number's half
 * is binned by its floor; else exactly (h->near: where the edges' own f lie) */
static inline double hist_thr(const pario_hist *h)
{
    double near = HIST_NEAR + 2.0 * h->near;
    return near < 0.5 ? 0.5 - near : -1.0;
}
#define HIST_SMALL 1024 /* bins counted in the stack's sub-histograms */
/* Up to 126 bins, on long runs: counted by pairs of values (one from each half
 * of a batch), one 16-bit counter per pair of bins, so one increment (the store
 * is what limits the scalar counting) per two values; the table is folded into
 * the counts (row and column sums) at the end and before a counter could wrap. */
#define HIST_PAIR_BINS 126
#define HIST_PAIR_MIN (16 * HIST_BATCH)
#define HIST_PAIR_MAX 65535 /* pairs between folds */

FUSED_F(fused_f32, float, mm_f32, spb_f32, rs_f32, rqs_f32)
FUSED_F(fused_f64, double, mm_f64, spb_f64, rs_f64, rqs_f64)
/* The float64 block in intrinsics: AVX2 (reduce_avx2.h, hist_avx2.h) or AVX-512
 * (reduce_avx512.h), as reduce_path() chooses */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(PARIO_NO_CLONES)
#define PARIO_AVX2_PATHS 1
#include "reduce_avx2.h"
#include "hist_avx2.h"
#include "reduce_avx512.h"
static int fused_f64_pick(const double *p, size_t nb, double sh, pario_acc *out, double *pmn, double *pmx,
                          struct guess *g, void *hp, int *hdone)
{
    switch (reduce_path()) {
    case PATH_AVX512: return fused_avx2(p, nb, sh, out, pmn, pmx, g, 1, spb_f64_avx512, 1, hp, hdone);
    case PATH_AVX2: return fused_avx2(p, nb, sh, out, pmn, pmx, g, 1, spb_f64_avx2_hp, 0, hp, hdone);
    default: *hdone = 0; return fused_f64(p, nb, sh, out, pmn, pmx, g);
    }
}
static int fsum_f64_pick(const double *p, size_t nb, pario_acc *out, double *pmn, double *pmx, struct guess *g,
                         void *hp, int *hdone)
{
    *hdone = 0;
    switch (reduce_path()) {
    case PATH_AVX512: return fused_avx2(p, nb, 0, out, pmn, pmx, g, 0, sps_f64_avx512, 1, hp, hdone);
    case PATH_AVX2: return fused_avx2(p, nb, 0, out, pmn, pmx, g, 0, sps_f64_avx2_hp, 0, hp, hdone);
    default: return 0;
    }
}
static int mm_f64_pick(const double *p, size_t nb, double *pmn, double *pmx)
{
    switch (reduce_path()) {
    case PATH_AVX512: return mm_f64_avx512(p, nb, pmn, pmx);
    case PATH_AVX2: return mm_f64_avx2(p, nb, pmn, pmx);
    default: return 0;
    }
}
#else
#define fused_f64_pick(p, nb, sh, out, pmn, pmx, g, hp, hdone) (*(hdone) = 0, fused_f64(p, nb, sh, out, pmn, pmx, g))
#define fsum_f64_pick FSUM_NONE
#define mm_f64_pick MMF_NONE
#endif
/* no one-sweep path: the general one (two sweeps: S1, then EXACT) */
#define FSUM_NONE(p, nb, out, pmn, pmx, g, hp, hdone)                                  \
    ((void)(p), (void)(nb), (void)(out), (void)(pmn), (void)(pmx), (void)(g), (void)(hp), *(hdone) = 0, 0)
/* float32's FUSED_F, which counts no histogram (float32 has no HADD either) */
static inline int fused_f32_noh(const float *p, size_t nb, double sh, pario_acc *out, float *pmn, float *pmx,
                                struct guess *g, void *hp, int *hdone)
{
    (void)hp;
    *hdone = 0;
    return fused_f32(p, nb, sh, out, pmn, pmx, g);
}
#define MMF_NONE(p, nb, pmn, pmx) ((void)(p), (void)(nb), (void)(pmn), (void)(pmx), 0)
#define HADD_NONE(hp, p, nb) ((void)(hp), (void)(p), (void)(nb))
#ifdef PARIO_AVX2_PATHS
#define HADD_F64(hp, p, nb) hist_pairs_add((struct hist_pairs *)(hp), (p), (nb), 0)
#else
#define HADD_F64 HADD_NONE
#endif
REDUCE_F(red_f32, float, s1_f32, exact_f32, shifted_f32, fused_f32_noh, FSUM_NONE, MMF_NONE, find_f32, slow_f32, HADD_NONE)
REDUCE_F(red_f64, double, s1_f64, exact_f64, shifted_f64, fused_f64_pick, fsum_f64_pick, mm_f64_pick, find_f64,
         slow_f64, HADD_F64)
REDUCE_I(red_i8, int8_t, int64_t, PARIO_ACC_SIGNED, i, s1_i8, sq_i8, find_i8)
REDUCE_I(red_i16, int16_t, int64_t, PARIO_ACC_SIGNED, i, s1_i16, sq_i16, find_i16)
REDUCE_I(red_i32, int32_t, int64_t, PARIO_ACC_SIGNED, i, s1_i32, sq_i32, find_i32)
REDUCE_I(red_i64, int64_t, i128, PARIO_ACC_SIGNED, i, s1_i64, sq_i64, find_i64)
REDUCE_I(red_u8, uint8_t, uint64_t, PARIO_ACC_UNSIGNED, u, s1_u8, sq_u8, find_u8)
REDUCE_I(red_u16, uint16_t, uint64_t, PARIO_ACC_UNSIGNED, u, s1_u16, sq_u16, find_u16)
REDUCE_I(red_u32, uint32_t, uint64_t, PARIO_ACC_UNSIGNED, u, s1_u32, sq_u32, find_u32)
REDUCE_I(red_u64, uint64_t, i128, PARIO_ACC_UNSIGNED, u, s1_u64, sq_u64, find_u64)

void pario_kernel_reduce(const void *buf, size_t n, pario_dtype t, unsigned need, pario_acc *out)
{
    pario_kernel_reduce_shifted(buf, n, t, need, 0, 0, out);
}

void pario_kernel_reduce_shifted(const void *buf, size_t n, pario_dtype t, unsigned need, int shifted,
                                 double shift, pario_acc *out)
{
    pario_acc_init(out, t);
    if (shifted && out->kind == PARIO_ACC_FLOAT)
        pario_acc_set_shift(out, shift);
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
    case PARIO_FLOAT32: red_f32(buf, n, need, out, NULL); break;
    case PARIO_FLOAT64: red_f64(buf, n, need, out, NULL); break;
    default: break;
    }
}

/* Histogram. A batch's bin indices come from a branch-free loop that vectorises:
 * f = (x - lo) * norm + 1, index = floor(f) clamped to [0, bins + 1], where 0
 * collects values below lo (and NaN) and bins + 1 values above hi; only a value
 * whose f lies within rounding of a whole number (an edge) can differ from
 * numpy's binning, and a batch holding one is redone with numpy's arithmetic and
 * exact edge comparisons. The indices are then counted by pairs (few bins, long
 * runs: HIST_PAIR_BINS) or into 4 interleaved sub-histograms, so that repeated
 * bins do not wait on each other's increments. */
/* (HIST_BATCH and the other limits: above, before the AVX2 paths) */
PARIO_CLONES static void hist_pairs_fold(uint16_t *pt, int32_t bins, uint64_t *counts)
{
    uint32_t col[128] = { 0 };
    for (int32_t a = 0; a < bins + 2; a++) {
        uint32_t rs = 0;
        for (int b = 0; b < 128; b++) {
            uint32_t c = pt[a * 128 + b];
            rs += c;
            col[b] += c;
        }
        if (a >= 1 && a <= bins)
            counts[a - 1] += rs;
    }
    for (int32_t b = 1; b <= bins; b++)
        counts[b - 1] += col[b];
    memset(pt, 0, sizeof(uint16_t) * 128 * (size_t)(bins + 2));
}
#define HIST(NAME, T)                                                                  \
    PARIO_CLONES static void NAME(const T *restrict x, size_t n, const pario_hist *h, uint64_t *counts, \
                                  int fetch)                                           \
    {                                                                                  \
        const double lo = h->lo, hi = h->hi, norm = h->norm;                           \
        const double *restrict e = h->edges;                                           \
        const int32_t bins = (int32_t)h->bins;                                         \
        const double thr = hist_thr(h);                                                \
        const double top = (double)bins + 1.5; /* clamps to [0.5, top]: whole part is the index, \
                                                  and a clamped value is never near an edge */ \
        int32_t idx[HIST_BATCH];                                                       \
        uint32_t sub[4][HIST_SMALL + 2];                                               \
        uint16_t pt[128 * 128];                                                        \
        const int pairs = bins <= HIST_PAIR_BINS && n >= HIST_PAIR_MIN;                \
        size_t npairs = 0;                                                             \
        if (pairs)                                                                     \
            memset(pt, 0, sizeof(uint16_t) * 128 * (size_t)(bins + 2));               \
        const int small = !pairs && bins <= HIST_SMALL && n >= 4 * HIST_BATCH; /* else not worth the clearing */ \
        if (small) /* only the bins in use (the drive calls this per 256 KiB slice) */ \
            for (int r_ = 0; r_ < 4; r_++)                                             \
                memset(sub[r_], 0, sizeof(uint32_t) * (size_t)(bins + 2));             \
        for (size_t off = 0; off < n; off += HIST_BATCH) {                             \
            size_t m = n - off < HIST_BATCH ? n - off : HIST_BATCH;                    \
            const T *restrict p = x + off;                                             \
            for (size_t j = 0; fetch && j < m; j += 64 / sizeof(T)) /* the next batches */ \
                PREFETCH(p + j);                                                       \
            int32_t near_any = 0;                                                      \
            for (size_t j = 0; j < m; j++) {                                           \
                double f = ((double)p[j] - lo) * norm + 1.0;                           \
                double c = f > 0.5 ? f : 0.5; /* NaN -> 0.5 */                         \
                c = c < top ? c : top;                                                 \
                int32_t k = (int32_t)c; /* floor: c > 0 */                             \
                near_any += fabs((c - (double)k) - 0.5) > thr;                         \
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
            if (pairs) {                                                               \
                const size_t half = m / 2;                                             \
                if (npairs + half > HIST_PAIR_MAX) {                                       \
                    hist_pairs_fold(pt, bins, counts);                                 \
                    npairs = 0;                                                        \
                }                                                                      \
                npairs += half;                                                        \
                int32_t pix[HIST_BATCH / 2];                                           \
                for (size_t j = 0; j < half; j++)                                      \
                    pix[j] = idx[j] * 128 + idx[j + half];                             \
                for (size_t j = 0; j < half; j++)                                      \
                    pt[pix[j]]++;                                                      \
                if (m & 1 && (uint32_t)(idx[m - 1] - 1) < (uint32_t)bins)              \
                    counts[idx[m - 1] - 1]++;                                          \
            } else if (small) {                                                        \
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
        if (pairs)                                                                     \
            hist_pairs_fold(pt, bins, counts);                                         \
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

/* int64/uint64 with an integer bound of 2^53 or more (pario_hist_for_dtype):
 * a value outside the bound whose double rounds onto it was counted in the
 * first (or last) bin; taken out again, as numpy's integer range test does. */
static void hist_int_bounds(const void *buf, size_t n, pario_dtype t, const pario_hist *h, uint64_t *counts)
{
    uint64_t below = 0, above = 0;
    if (t == PARIO_INT64) {
        const int64_t *x = buf;
        for (size_t i = 0; i < n; i++) {
            below += h->int_lo && x[i] < h->ilo && (double)x[i] >= h->lo;
            above += h->int_hi && x[i] > h->ihi && (double)x[i] <= h->hi;
        }
    } else {
        const uint64_t *x = buf;
        for (size_t i = 0; i < n; i++) {
            below += h->int_lo && x[i] < h->ulo && (double)x[i] >= h->lo;
            above += h->int_hi && x[i] > h->uhi && (double)x[i] <= h->hi;
        }
    }
    counts[0] -= below;
    counts[h->bins - 1] -= above;
}

static void hist_any(const void *buf, size_t n, pario_dtype t, const pario_hist *h, uint64_t *counts, int fetch)
{
    if ((h->int_lo || h->int_hi) && (t == PARIO_INT64 || t == PARIO_UINT64)) {
        if (t == PARIO_INT64)
            hist_i64(buf, n, h, counts, fetch);
        else
            hist_u64(buf, n, h, counts, fetch);
        hist_int_bounds(buf, n, t, h, counts);
        return;
    }
    switch (t) {
    case PARIO_INT8: hist_i8(buf, n, h, counts, fetch); break;
    case PARIO_INT16: hist_i16(buf, n, h, counts, fetch); break;
    case PARIO_INT32: hist_i32(buf, n, h, counts, fetch); break;
    case PARIO_INT64: hist_i64(buf, n, h, counts, fetch); break;
    case PARIO_UINT8: hist_u8(buf, n, h, counts, fetch); break;
    case PARIO_UINT16: hist_u16(buf, n, h, counts, fetch); break;
    case PARIO_UINT32: hist_u32(buf, n, h, counts, fetch); break;
    case PARIO_UINT64: hist_u64(buf, n, h, counts, fetch); break;
    case PARIO_FLOAT32: hist_f32(buf, n, h, counts, fetch); break;
    case PARIO_FLOAT64:
#ifdef PARIO_AVX2_PATHS
        if (hist_avx2_ok(h) && n >= HIST_PAIR_MIN && avx2_paths()) {
            struct hist_pairs hp;
            hist_pairs_begin(&hp, h, counts);
            hist_pairs_add(&hp, buf, n, fetch);
            hist_pairs_end(&hp);
            break;
        }
#endif
        hist_f64(buf, n, h, counts, fetch);
        break;
    default: break;
    }
}

static void hist_calls(const void *buf, size_t n, pario_dtype t, const pario_hist *h, uint64_t *counts, int fetch)
{
    const size_t es = pario_dtype_size(t);
    for (size_t off = 0; off < n; off += HIST_CALL_MAX)
        hist_any((const char *)buf + off * es, n - off < HIST_CALL_MAX ? n - off : HIST_CALL_MAX, t, h, counts, fetch);
}

void pario_kernel_hist(const void *buf, size_t n, pario_dtype t, const pario_hist *h, uint64_t *counts)
{
    hist_calls(buf, n, t, h, counts, 1);
}

void pario_kernel_hist_cached(const void *buf, size_t n, pario_dtype t, const pario_hist *h, uint64_t *counts)
{
    hist_calls(buf, n, t, h, counts, 0);
}

void pario_kernel_reduce_hist(const void *buf, size_t n, pario_dtype t, unsigned need, int shifted, double shift,
                              pario_acc *out, const pario_hist *h, uint64_t *counts)
{
#ifdef PARIO_AVX2_PATHS
    if (t == PARIO_FLOAT64 && need && n > 0 && n < HIST_CALL_MAX && hist_avx2_ok(h) && avx2_paths()) {
        struct hist_pairs hp;
        pario_acc_init(out, t);
        if (shifted)
            pario_acc_set_shift(out, shift);
        hist_pairs_begin(&hp, h, counts);
        red_f64(buf, n, need, out, &hp);
        hist_pairs_end(&hp);
        return;
    }
#endif
    /* else in slices that stay in L2 for the histogram's second sweep */
    const size_t es = pario_dtype_size(t), slice = ((size_t)256 << 10) / es;
    pario_acc_init(out, t);
    if (shifted && out->kind == PARIO_ACC_FLOAT)
        pario_acc_set_shift(out, shift);
    for (size_t off = 0; off < n; off += slice) {
        const size_t m = n - off < slice ? n - off : slice;
        const char *q = (const char *)buf + off * es;
        pario_acc b;
        pario_kernel_reduce_shifted(q, m, t, need, shifted, shift, &b);
        pario_kernel_hist_cached(q, m, t, h, counts);
        if (b.n) { /* positions in buf */
            b.argmin += off;
            b.argmax += off;
        }
        if (b.nan)
            b.first_nan += off;
        pario_acc_merge(out, &b);
    }
}
