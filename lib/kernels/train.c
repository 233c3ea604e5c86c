/* Linear, logistic and softmax regression over a segment of rows. The order of
 * the floating-point operations is fixed and documented (tests/mpi/train_ref.py
 * repeats it in Python), and written so that vectorising it changes no bit:
 *   z_k = dot(w_k, x) + b_k, where dot keeps 8 partial sums s_l, l = j mod 8
 *         (s_l = 0.0, then s_l + w_j x_j for j = l, l + 8, .. in order) and returns
 *         ((s_0 + s_1) + (s_2 + s_3)) + ((s_4 + s_5) + (s_6 + s_7))
 *   linear:   r = z - y                    loss = r r / 2
 *   logistic: e = exp(-|z|), p = 1 / (1 + e) when z >= 0, else e / (1 + e),
 *             r = p - y, loss = log1p(e) + max(z, 0) - y z,   predicted 1 when z > 0
 *             (one exp per row; the z of a block of rows first, then their
 *             e, r and losses as vectors across rows, then their gradient)
 *   softmax:  m = max_k z_k, e_k = exp(z_k - m), s = sum_k e_k (k = 0, 1, ..),
 *             r_k = e_k / s - [k == y],  loss = log(s) - (z_y - m),
 *             predicted: the first k with the largest z_k
 *   gradient of a segment: g_kj = g_kj + r_k x_j (x_j = 1 for the bias), the
 *   segment's rows in order, from g = 0.0 (each weight on its own: the vector
 *   lanes are weights, never rows).
 * exp, log and log1p are pario's own (xmath.h: + - * / only), not libm's,
 * whose versions differ between machines (glibc picks an FMA variant at run
 * time). Built with -O3 and cloned for AVX-512/AVX2; no fused multiply-adds
 * (the pragma), so every product and sum is rounded as written, on any machine.
 * The order above is per row and per weight; how the rows are scheduled is
 * free (segment_blocked: blocks of rows, 8 dot products at once with AVX-512,
 * 4 with AVX2, the gradient in registers; segment_rows: one row at a time,
 * without AVX2), and gives the same bits (tests/unit/test_train.c checks them
 * against the order written plainly, for each of these paths). */
#include "config.h"
#include <math.h>
#include <string.h>
#include "../train_model.h"
#include "xmath.h"

/* no-trapping-math: lets the selects of xmath.h vectorise without AVX-512 masks
 * (a comparison may no longer raise FE_INVALID; no value changes) */
#if defined(__clang__)
#pragma clang fp contract(off)   /* clang ignores GCC's optimize pragma; its traps are off by default */
#else
#pragma GCC optimize("fp-contract=off", "no-trapping-math")
#endif

/* PARIO_NO_CLONES: one build for the compiler's target only; PARIO_CLONE_TARGETS:
 * other clones (tests/unit/test_train_base and test_train_avx2, mk/kern9.mk) */
#ifndef PARIO_CLONE_TARGETS
#define PARIO_CLONE_TARGETS "arch=x86-64-v4", "avx2", "default"
#endif
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 8 && !defined(PARIO_NO_CLONES)
#define PARIO_CLONES __attribute__((target_clones(PARIO_CLONE_TARGETS)))
#define PARIO_WIDEN512 1
#include <immintrin.h>
#else
#define PARIO_CLONES
#endif
/* AVX-512 at run time (in every clone: widen_rows512's vectors, and 64-byte
 * vectors are registers); PARIO_NO_AVX512 (test_train_avx2): as on a CPU
 * without. VEC_LEVEL: segment_blocked with 64-byte vectors (2), with 32-byte
 * ones (1: AVX2), or none (0: narrower vectors, SSE2 or NEON, would not hold
 * its partial sums in registers: one row at a time, segment_rows). */
#if defined(PARIO_WIDEN512) && !defined(PARIO_NO_AVX512)
#define HAVE_AVX512() __builtin_cpu_supports("avx512f")
#else
#define HAVE_AVX512() 0
#endif
#ifdef PARIO_WIDEN512
#define VEC_LEVEL() (HAVE_AVX512() ? 2 : __builtin_cpu_supports("avx2") ? 1 : 0)
#elif defined(__AVX512F__) && !defined(PARIO_NO_AVX512)
#define VEC_LEVEL() 2
#elif defined(__AVX2__)
#define VEC_LEVEL() 1
#else
#define VEC_LEVEL() 0
#endif

/* One row at a time (segment_rows: rows too wide, or classes too many, for
 * segment_blocked's buffers; pario_train_predict):
 * dot8 and axpy over rows of doubles (dot8d, axpyd) or of float32 (dot8f,
 * axpyf: each x_j widened exactly to a double first, so the same bits). The
 * 8 partial sums of dot8 are the 8 lanes of one vector (GCC's vector
 * extension, GCC >= 12 or clang: one AVX-512 register, two AVX2 ones, four
 * SSE2 ones), added pairwise by shuffles in the documented order (a + b is
 * b + a, bit for bit). */
#pragma GCC diagnostic ignored "-Wpsabi"   /* v8d passes between always_inline functions only: no ABI */
typedef double v8d __attribute__((vector_size(64)));
typedef float v8f __attribute__((vector_size(32)));
typedef double v4d __attribute__((vector_size(32)));

static inline __attribute__((always_inline)) v8d load8d(const double *p)
{
    v8d v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline __attribute__((always_inline)) v8d load8f(const float *p)
{
    v8f v;
    memcpy(&v, p, sizeof v);
    return __builtin_convertvector(v, v8d);
}

/* ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)) of the lanes of *sp (a
 * pointer: a 64-byte vector passed by value draws GCC's ABI note) */
static inline __attribute__((always_inline)) double hsum8(const v8d *sp)
{
    v8d s = *sp;
    v8d a = s + __builtin_shufflevector(s, s, 1, 0, 3, 2, 5, 4, 7, 6);   /* lane 2l: s_2l + s_2l+1 */
    v8d b = a + __builtin_shufflevector(a, a, 2, 3, 0, 1, 6, 7, 4, 5);   /* lanes 0, 4: the quads */
    v8d c = b + __builtin_shufflevector(b, b, 4, 5, 6, 7, 0, 1, 2, 3);
    return c[0];
}

#define PARIO_DOT8(NAME, T, LOAD)                                                                        \
    static inline __attribute__((always_inline)) double NAME(const double *restrict w, const T *restrict x, \
                                                             uint64_t f)                                  \
    {                                                                                                     \
        v8d s = { 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0 };                                               \
        uint64_t j = 0;                                                                                   \
        for (; j + 8 <= f; j += 8)                                                                        \
            s = s + load8d(w + j) * LOAD(x + j);                                                          \
        for (int l = 0; j < f; j++, l++)                                                                  \
            s[l] = s[l] + w[j] * (double)x[j];                                                            \
        return hsum8(&s) + w[f];                                                                           \
    }
#define PARIO_AXPY(NAME, T)                                                                              \
    static inline __attribute__((always_inline)) void NAME(double *restrict g, double r, const T *restrict x, \
                                                           uint64_t f)                                    \
    {                                                                                                     \
        for (uint64_t j = 0; j < f; j++)                                                                  \
            g[j] = g[j] + r * (double)x[j];                                                               \
        g[f] = g[f] + r;                                                                                  \
    }
PARIO_DOT8(dot8d, double, load8d)
PARIO_DOT8(dot8f, float, load8f)
PARIO_AXPY(axpyd, double)
PARIO_AXPY(axpyf, float)
/* row i of x (doubles) or xf (float32, when not NULL) */
#define dot8(w, i) (xf ? dot8f((w), xf + (i) * f, f) : dot8d((w), x + (i) * f, f))
#define axpy(g, r, i) (xf ? axpyf((g), (r), xf + (i) * f, f) : axpyd((g), (r), x + (i) * f, f))

/* Logistic regression's per-row terms, as vectors across the rows: from
 * z[i], r[i] = p - y and the loss; returns the rows classified right. */
static inline __attribute__((always_inline)) uint64_t logistic_rows(const double *restrict z, const double *restrict y,
                                                                    uint64_t m, double *restrict r,
                                                                    double *restrict loss, int *restrict bad)
{
    uint64_t ok = 0;
    int nf = 0;
    for (uint64_t i = 0; i < m; i++) {
        double zz = z[i], yy = y[i];
        nf |= !(zz - zz == 0.0);   /* z is inf or NaN */
        double a = zz < 0 ? -zz : zz;
        double e = xexp(-a), d = 1.0 + e;
        double p = (zz >= 0 ? 1.0 : e) / d;
        r[i] = p - yy;
        loss[i] = xlog1p(e) + (zz > 0 ? zz : 0.0) - yy * zz;
        ok += (zz > 0) == (yy == 1.0);
    }
    *bad = nf;
    return ok;
}

/* Row i's share of the bytes pf[0..pfbytes-1] the caller reads next,
 * prefetched into L2 (step bytes a row, in 64-byte lines): the rows of the
 * next segment arrive while these are being computed. */
static inline __attribute__((always_inline)) void prefetch_share(const char *pf, uint64_t pfbytes, uint64_t step,
                                                                 uint64_t i)
{
    uint64_t b = i * step, e = b + step < pfbytes ? b + step : pfbytes;
    for (; b < e; b += 64)
        __builtin_prefetch(pf + b, 0, 2);
}

static inline __attribute__((always_inline)) int segment_rows(pario_train_model model, const double *restrict w,
                                                               uint64_t f, uint64_t k, const double *restrict x,
                                                               const float *restrict xf, const double *restrict y,
                                                               uint64_t m, double *restrict g, double *restrict loss,
                                                               uint64_t *correct, double *restrict z, const char *pf,
                                                               uint64_t pfbytes)
{
    uint64_t ok = 0;
    int bad = 0;
    uint64_t step = pf && m ? ((pfbytes + m - 1) / m + 63) & ~(uint64_t)63 : 0;
    if (model == PARIO_TRAIN_LOGISTIC) {
        double *restrict r = z + m;
        for (uint64_t i = 0; i < m; i++) {
            if (step)
                prefetch_share(pf, pfbytes, step, i);
            z[i] = dot8(w, i);
        }
        ok = logistic_rows(z, y, m, r, loss, &bad);
        if (g)
            for (uint64_t i = 0; i < m; i++)
                axpy(g, r[i], i);
        *correct += ok;
        return !bad;
    }
    for (uint64_t i = 0; i < m; i++) {
        if (step)
            prefetch_share(pf, pfbytes, step, i);
        if (model == PARIO_TRAIN_LINEAR) {
            double zz = dot8(w, i), r = zz - y[i];
            bad |= !(zz - zz == 0.0);
            if (g)
                axpy(g, r, i);
            loss[i] = r * r / 2;
        } else {
            uint64_t best = 0;
            for (uint64_t c = 0; c < k; c++) {
                z[c] = dot8(w + c * (f + 1), i);
                bad |= !(z[c] - z[c] == 0.0);
                if (z[c] > z[best])
                    best = c;
            }
            double mx = z[best], s = 0.0;
            for (uint64_t c = 0; c < k; c++) {
                z[k + c] = xexp(z[c] - mx);
                s += z[k + c];
            }
            uint64_t yc = (uint64_t)y[i];
            if (g)
                for (uint64_t c = 0; c < k; c++)
                    axpy(g + c * (f + 1), z[k + c] / s - (c == yc ? 1.0 : 0.0), i);
            ok += best == yc;
            loss[i] = xlog(s) - (z[yc] - mx);
        }
    }
    *correct += ok;
    return !bad;
}

/* The blocked schedule of the same operations: rows in blocks of up to
 * BLOCK, each block's rows widened once to doubles (padded with zeros to a
 * multiple of 8 columns; rows of doubles with f a multiple of 8 are used in
 * place), the dot products of 8 rows at once (4 with 32-byte vectors: 8
 * or 4 independent chains, one vector of partial sums a row, reduced together
 * by a transposed sum that adds the same pairs in the same order), the per-row
 * terms as vectors across the block's rows, then each gradient weight's terms
 * added row after row in registers (the bias's terms in a scalar chain), each
 * weight's terms still in row order. Every value is computed by the same rounded operations
 * in the same order as one row at a time: a padded column adds 0 x 0 = +0 to a
 * partial sum, which leaves it unchanged (a partial sum starts at +0 and, in
 * round to nearest, is never -0; an infinity or a NaN stays as it is); the
 * padded rows of a last, short group of 8 (or 4) are computed and dropped.
 * Measured (bench/train_kernel.sh, 64 float32 features, rows in cache): 25 ->
 * 20 ns a row for logistic regression, 22 -> 14 linear, 335 -> 122 softmax of
 * 10 classes; with the rows from memory 42 -> 31; the AVX2 code 142 -> 30
 * logistic (doc/train.md, "The kernel"). */
enum { BLOCK = 32, XBUF = 8192, WBUF = 4096, KMAX = 64 };

/* ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)) of the lanes of each of
 * the 8 vectors s[0..7], as lane q of the result */
static inline __attribute__((always_inline)) v8d hsum8x8(const v8d *s)
{
    v8d a[4], b[2];
#pragma GCC unroll 4
    for (int q = 0; q < 4; q++)   /* lanes: the pairs s_2l + s_2l+1 of rows 2q, 2q+1, interleaved */
        a[q] = __builtin_shufflevector(s[2 * q], s[2 * q + 1], 0, 8, 2, 10, 4, 12, 6, 14) +
               __builtin_shufflevector(s[2 * q], s[2 * q + 1], 1, 9, 3, 11, 5, 13, 7, 15);
#pragma GCC unroll 2
    for (int q = 0; q < 2; q++)   /* the quads: lanes 0-3 (s0..s3) and 4-7 (s4..s7) of 4 rows */
        b[q] = __builtin_shufflevector(a[2 * q], a[2 * q + 1], 0, 1, 8, 9, 4, 5, 12, 13) +
               __builtin_shufflevector(a[2 * q], a[2 * q + 1], 2, 3, 10, 11, 6, 7, 14, 15);
    return __builtin_shufflevector(b[0], b[1], 0, 1, 2, 3, 8, 9, 10, 11) +
           __builtin_shufflevector(b[0], b[1], 4, 5, 6, 7, 12, 13, 14, 15);
}

/* The rows read next, prefetched into L2 a few lines at a time (per) from p
 * to end, spread over the work: at most a few prefetches in flight, so they
 * neither queue behind each other nor stall the loads of the rows at hand. */
struct pfq {
    const char *p, *end;
    uint64_t per;
};

static inline __attribute__((always_inline)) void pf_step(struct pfq *pq)
{
    for (uint64_t i = 0; i < pq->per && pq->p < pq->end; i++, pq->p += 64)
        __builtin_prefetch(pq->p, 0, 2);
}

/* z of rows xr[0..7] (fp = nb 8 columns each): lane q, dot(w, row q) + bias */
static inline __attribute__((always_inline)) v8d dot8x8(const double *restrict w, const double *const *xr,
                                                        uint64_t nb, double bias, struct pfq *pq)
{
    v8d s[8];
#pragma GCC unroll 8
    for (int q = 0; q < 8; q++)
        s[q] = (v8d){ 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0 };
    for (uint64_t j = 0; j < 8 * nb; j += 8) {
        pf_step(pq);
        v8d wv = load8d(w + j);
#pragma GCC unroll 8
        for (int q = 0; q < 8; q++)
            s[q] = s[q] + wv * load8d(xr[q] + j);
    }
    return hsum8x8(s) + bias;
}

static inline __attribute__((always_inline)) v4d load4d(const double *p)
{
    v4d v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* dot8x8 for 4 rows with 32-byte vectors (AVX2: 8 registers of partial sums;
 * 64-byte vectors would pass through the stack): lanes 0-3 (lo) and 4-7 (hi)
 * of each row's 8 partial sums, then the pairs, quads and halves of the
 * documented order, transposed: lane q of the result is row q's z. */
static inline __attribute__((always_inline)) v4d dot4x8(const double *restrict w, const double *const *xr,
                                                        uint64_t nb, double bias, struct pfq *pq)
{
    v4d lo[4], hi[4];
#pragma GCC unroll 4
    for (int q = 0; q < 4; q++)
        lo[q] = hi[q] = (v4d){ 0.0, 0.0, 0.0, 0.0 };
    for (uint64_t j = 0; j < 8 * nb; j += 8) {
        pf_step(pq);
        v4d wl = load4d(w + j), wh = load4d(w + j + 4);
#pragma GCC unroll 4
        for (int q = 0; q < 4; q++) {
            lo[q] = lo[q] + wl * load4d(xr[q] + j);
            hi[q] = hi[q] + wh * load4d(xr[q] + j + 4);
        }
    }
    v4d p[4];   /* rows 2t, 2t+1: [s0 + s1, s0 + s1, s2 + s3, s2 + s3] (lo), [s4 + s5, .., s6 + s7, ..] (hi) */
#pragma GCC unroll 2
    for (int t = 0; t < 2; t++) {
        p[t] = __builtin_shufflevector(lo[2 * t], lo[2 * t + 1], 0, 4, 2, 6) +
               __builtin_shufflevector(lo[2 * t], lo[2 * t + 1], 1, 5, 3, 7);
        p[2 + t] = __builtin_shufflevector(hi[2 * t], hi[2 * t + 1], 0, 4, 2, 6) +
                   __builtin_shufflevector(hi[2 * t], hi[2 * t + 1], 1, 5, 3, 7);
    }
    v4d ql = __builtin_shufflevector(p[0], p[1], 0, 1, 4, 5) + __builtin_shufflevector(p[0], p[1], 2, 3, 6, 7);
    v4d qh = __builtin_shufflevector(p[2], p[3], 0, 1, 4, 5) + __builtin_shufflevector(p[2], p[3], 2, 3, 6, 7);
    return (ql + qh) + bias;
}

/* a macro: a 64-byte vector passed by value draws GCC's ABI note */
#define store8d(p, v) ({ v8d v_ = (v); memcpy((p), &v_, sizeof v_); })

/* g[j] += r[q] x_qj for the rows q < n in order, weights j < f, then the
 * bias g[f] += r[q]: V vectors of weights held in registers over the rows */
#define AXPY_GROUP(V)                                                            \
    for (; j + 8 * (V) <= f; j += 8 * (V)) {                                     \
        v8d a[V];                                                                \
        _Pragma("GCC unroll 8") for (int v = 0; v < (V); v++)                    \
            a[v] = load8d(g + j + 8 * v);                                        \
        for (uint64_t q = 0; q < n; q++) {                                       \
            pf_step(pq);                                                         \
            double rq = r[q];                                                    \
            const double *xq = xr[q] + j;                                        \
            _Pragma("GCC unroll 8") for (int v = 0; v < (V); v++)                \
                a[v] = a[v] + rq * load8d(xq + 8 * v);                           \
        }                                                                        \
        _Pragma("GCC unroll 8") for (int v = 0; v < (V); v++)                    \
            store8d(g + j + 8 * v, a[v]);                                        \
    }
/* the same with 32-byte vectors (AVX2: 8 of them in registers, the row's
 * factor broadcast in one; 64-byte ones would pass through the stack) */
#define AXPY_GROUP4(V)                                                           \
    for (; j + 4 * (V) <= f; j += 4 * (V)) {                                     \
        v4d a[V];                                                                \
        _Pragma("GCC unroll 8") for (int v = 0; v < (V); v++)                    \
            memcpy(&a[v], g + j + 4 * v, sizeof a[v]);                           \
        for (uint64_t q = 0; q < n; q++) {                                       \
            pf_step(pq);                                                         \
            v4d rq = { r[q], r[q], r[q], r[q] };                                 \
            const double *xq = xr[q] + j;                                        \
            _Pragma("GCC unroll 8") for (int v = 0; v < (V); v++) {              \
                v4d xv;                                                          \
                memcpy(&xv, xq + 4 * v, sizeof xv);                              \
                a[v] = a[v] + rq * xv;                                           \
            }                                                                    \
        }                                                                        \
        _Pragma("GCC unroll 8") for (int v = 0; v < (V); v++)                    \
            memcpy(g + j + 4 * v, &a[v], sizeof a[v]);                           \
    }
static inline __attribute__((always_inline)) void axpy_rows(double *restrict g, const double *restrict r,
                                                            const double *const *xr, uint64_t n, uint64_t f,
                                                            struct pfq *pq, int wide)
{
    uint64_t j = 0;
    if (wide) {
        AXPY_GROUP(8)
        AXPY_GROUP(4)
        AXPY_GROUP(1)
    } else {
        AXPY_GROUP4(8)
        AXPY_GROUP4(2)
    }
    for (; j < f; j++) {
        double a = g[j];
        for (uint64_t q = 0; q < n; q++)
            a = a + r[q] * xr[q][j];
        g[j] = a;
    }
    double b = g[f];
    for (uint64_t q = 0; q < n; q++)
        b = b + r[q];
    g[f] = b;
}

/* Rows src[0..n-1] of f float32 widened to rows of fp doubles at d (zeros past f) */
#define WIDEN_ROWS(LOAD_STORE)                                   \
    for (uint64_t q = 0; q < n; q++, src += f, d += fp) {        \
        uint64_t j = 0;                                          \
        for (; j + 8 <= f; j += 8)                               \
            LOAD_STORE;                                          \
        for (; j < f; j++)                                       \
            d[j] = (double)src[j];                               \
        for (; j < fp; j++)                                      \
            d[j] = 0.0;                                          \
    }
#ifdef PARIO_WIDEN512
/* with AVX-512, one vcvtps2pd zmm a vector (GCC 12 converts v8f to v8d as two
 * halves, extracted and inserted, whatever its vector width) */
__attribute__((target("avx512f"), noinline)) static void widen_rows512(const float *restrict src, uint64_t f,
                                                                      uint64_t n, double *restrict d, uint64_t fp)
{
    WIDEN_ROWS(_mm512_storeu_pd(d + j, _mm512_cvtps_pd(_mm256_loadu_ps(src + j))))
}
#endif
static inline __attribute__((always_inline)) void widen_rows(const float *restrict src, uint64_t f, uint64_t n,
                                                             double *restrict d, uint64_t fp)
{
#ifdef PARIO_WIDEN512
    if (HAVE_AVX512()) {
        widen_rows512(src, f, n, d, fp);
        return;
    }
#endif
    /* element by element, for the vectoriser (AVX2's 32-byte vectors: a 64-byte
     * one would pass through the stack) */
    for (uint64_t q = 0; q < n; q++, src += f, d += fp) {
        for (uint64_t j = 0; j < f; j++)
            d[j] = (double)src[j];
        for (uint64_t j = f; j < fp; j++)
            d[j] = 0.0;
    }
}

/* Rows i0..i0+n-1 as rows of doubles xr[0..n-1] readable to fp columns
 * (zeros past f); xr[n..] up to a multiple of 8 repeat row 0 (results unused). */
static inline __attribute__((always_inline)) void block_rows(const double *restrict x, const float *restrict xf,
                                                             uint64_t f, uint64_t fp, uint64_t i0, uint64_t n,
                                                             double *restrict buf, const double **xr)
{
    if (xf)
        widen_rows(xf + i0 * f, f, n, buf, fp);
    for (uint64_t q = 0; q < n; q++) {
        if (!xf && fp == f) {
            xr[q] = x + (i0 + q) * f;
            continue;
        }
        double *d = buf + q * fp;
        if (!xf) {
            memcpy(d, x + (i0 + q) * f, f * sizeof *d);
            for (uint64_t j = f; j < fp; j++)
                d[j] = 0.0;
        }
        xr[q] = d;
    }
    for (uint64_t q = n; q % 8; q++)
        xr[q] = xr[0];
}

/* Softmax's per-row terms for rows q < n (vectors across the rows): zc[c]
 * holds z_c of the rows; rc[c] gets r_c. Returns the rows classified right. */
static inline __attribute__((always_inline)) uint64_t softmax_rows(double (*restrict zc)[BLOCK],
                                                                   double (*restrict rc)[BLOCK], uint64_t k,
                                                                   const double *restrict y, uint64_t n,
                                                                   double *restrict loss, int *restrict bad)
{
    double zb[BLOCK], best[BLOCK], s[BLOCK], zy[BLOCK];
    uint64_t ok = 0;
    int nf = 0;
    for (uint64_t q = 0; q < n; q++)
        zb[q] = zc[0][q], best[q] = 0.0, s[q] = 0.0, zy[q] = 0.0;
    for (uint64_t c = 0; c < k; c++)
        for (uint64_t q = 0; q < n; q++) {
            double zz = zc[c][q];
            nf |= !(zz - zz == 0.0);
            int up = zz > zb[q];   /* the first class of the largest z */
            zb[q] = up ? zz : zb[q];
            best[q] = up ? (double)c : best[q];
            zy[q] = (double)c == y[q] ? zz : zy[q];
        }
    for (uint64_t c = 0; c < k; c++)
        for (uint64_t q = 0; q < n; q++) {
            double e = xexp(zc[c][q] - zb[q]);
            rc[c][q] = e;
            s[q] = s[q] + e;
        }
    for (uint64_t c = 0; c < k; c++)
        for (uint64_t q = 0; q < n; q++)
            rc[c][q] = rc[c][q] / s[q] - ((double)c == y[q] ? 1.0 : 0.0);
    for (uint64_t q = 0; q < n; q++) {
        loss[q] = xlog(s[q]) - (zy[q] - zb[q]);
        ok += best[q] == y[q];
    }
    *bad = nf;
    return ok;
}

/* The blocked segment, with 64-byte vectors (wide) or 32-byte ones; -1 when f
 * or k is too large for its buffers (the caller then takes segment_rows). */
static inline __attribute__((always_inline)) int segment_blocked(pario_train_model model, const double *restrict w,
                                                                 uint64_t f, uint64_t k, const double *restrict x,
                                                                 const float *restrict xf, const double *restrict y,
                                                                 uint64_t m, double *restrict g,
                                                                 double *restrict loss, uint64_t *correct,
                                                                 const char *pf, uint64_t pfbytes, int wide)
{
    uint64_t fp = (f + 7) & ~(uint64_t)7, nb = fp / 8, nk = model == PARIO_TRAIN_SOFTMAX ? k : 1;
    uint64_t rows = fp ? XBUF / fp / 8 * 8 : BLOCK;   /* rows a block: a multiple of 8 */
    if (rows > BLOCK)
        rows = BLOCK;
    if (rows < 8 || nk > KMAX || (fp != f && nk * fp > WBUF))
        return -1;
    double buf[XBUF] __attribute__((aligned(64))), wbuf[WBUF] __attribute__((aligned(64)));
    double zc[KMAX][BLOCK], rc[KMAX][BLOCK];
    const double *xr[BLOCK];
    /* the weights of each class, padded with zeros to fp (in place when fp = f) */
    const double *wc[KMAX];
    for (uint64_t c = 0; c < nk; c++) {
        wc[c] = w + c * (f + 1);
        if (fp != f) {
            memcpy(wbuf + c * fp, wc[c], f * sizeof *wbuf);
            for (uint64_t j = f; j < fp; j++)
                wbuf[c * fp + j] = 0.0;
            wc[c] = wbuf + c * fp;
        }
    }
    uint64_t groups = wide ? f / 64 + f % 64 / 32 + f % 32 / 8 : f / 32 + f % 32 / 8;   /* axpy_rows' groups */
    /* pf_step's calls: each dot product's steps, each gradient group's rows */
    uint64_t ok = 0, steps = (wide ? (m + 7) / 8 : (m + 3) / 4) * nk * nb + (g ? m * nk * groups : 0);
    struct pfq pq = { pf, pf ? pf + pfbytes : pf, steps ? ((pfbytes + 63) / 64 + steps - 1) / steps : 0 };
    /* first the first line of each page: their page walks (rows at random in
     * a large map miss the TLB) overlap, and each page's lines follow */
    for (uint64_t b = 0; pf && b < pfbytes; b += 4096)
        __builtin_prefetch(pf + b, 0, 2);
    int bad = 0;
    for (uint64_t i0 = 0; i0 < m; i0 += rows) {
        uint64_t n = m - i0 < rows ? m - i0 : rows;
        block_rows(x, xf, f, fp, i0, n, buf, xr);
        for (uint64_t c = 0; c < nk; c++)
            for (uint64_t q = 0; q < n; q += wide ? 8 : 4) {
                if (wide) {
                    store8d(&zc[c][q], dot8x8(wc[c], xr + q, nb, w[c * (f + 1) + f], &pq));
                } else {
                    v4d z4 = dot4x8(wc[c], xr + q, nb, w[c * (f + 1) + f], &pq);
                    memcpy(&zc[c][q], &z4, sizeof z4);
                }
            }
        int b = 0;
        if (model == PARIO_TRAIN_LOGISTIC) {
            ok += logistic_rows(zc[0], y + i0, n, rc[0], loss + i0, &b);
        } else if (model == PARIO_TRAIN_LINEAR) {
            for (uint64_t q = 0; q < n; q++) {
                double zz = zc[0][q], r = zz - y[i0 + q];
                b |= !(zz - zz == 0.0);
                rc[0][q] = r;
                loss[i0 + q] = r * r / 2;
            }
        } else {
            ok += softmax_rows(zc, rc, k, y + i0, n, loss + i0, &b);
        }
        bad |= b;
        if (g)
            for (uint64_t c = 0; c < nk; c++)
                axpy_rows(g + c * (f + 1), rc[c], xr, n, f, &pq, wide);
    }
    *correct += ok;
    return !bad;
}

static inline __attribute__((always_inline)) int segment(pario_train_model model, const double *restrict w,
                                                          uint64_t f, uint64_t k, const double *restrict x,
                                                          const float *restrict xf, const double *restrict y,
                                                          uint64_t m, double *restrict g, double *restrict loss,
                                                          uint64_t *correct, double *restrict z, const char *pf,
                                                          uint64_t pfbytes)
{
    int level = VEC_LEVEL();
    int r = level ? segment_blocked(model, w, f, k, x, xf, y, m, g, loss, correct, pf, pfbytes, level == 2) : -1;
    return r >= 0 ? r : segment_rows(model, w, f, k, x, xf, y, m, g, loss, correct, z, pf, pfbytes);
}

PARIO_CLONES
int pario_train_segment(pario_train_model model, const double *restrict w, uint64_t f, uint64_t k,
                        const double *restrict x, const double *restrict y, uint64_t m, double *restrict g,
                        double *restrict loss, uint64_t *correct, double *restrict z)
{
    return segment(model, w, f, k, x, NULL, y, m, g, loss, correct, z, NULL, 0);
}

PARIO_CLONES
int pario_train_segment_f32(pario_train_model model, const double *restrict w, uint64_t f, uint64_t k,
                            const float *restrict x, const double *restrict y, uint64_t m, double *restrict g,
                            double *restrict loss, uint64_t *correct, double *restrict z, const void *pf,
                            uint64_t pfbytes)
{
    return segment(model, w, f, k, NULL, x, y, m, g, loss, correct, z, pf, pfbytes);
}

PARIO_CLONES
void pario_train_predict(pario_train_model model, const double *restrict w, uint64_t f, uint64_t k,
                         const double *restrict x, uint64_t m, double *restrict out, double *restrict z)
{
    for (uint64_t i = 0; i < m; i++) {
        if (model == PARIO_TRAIN_LINEAR) {
            out[i] = dot8d(w, x + i * f, f);
        } else if (model == PARIO_TRAIN_LOGISTIC) {
            out[i] = dot8d(w, x + i * f, f) > 0;
        } else {
            uint64_t best = 0;
            for (uint64_t c = 0; c < k; c++) {
                z[c] = dot8d(w + c * (f + 1), x + i * f, f);
                if (z[c] > z[best])
                    best = c;
            }
            out[i] = (double)best;
        }
    }
}

PARIO_CLONES
int pario_train_finite(const double *restrict x, uint64_t n)
{
    /* exponent bits all ones: inf or NaN (integer lanes, so it vectorises) */
    uint64_t bad = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t u;
        memcpy(&u, &x[i], sizeof u);
        bad |= (~u & 0x7ff0000000000000ULL) == 0;
    }
    return !bad;
}

PARIO_CLONES
int pario_train_widen(const float *restrict in, double *restrict out, uint64_t n)
{
    /* one pass: the widening and the float32 exponent check */
    uint32_t bad = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &in[i], sizeof u);
        bad |= (~u & 0x7f800000u) == 0;
        out[i] = (double)in[i];
    }
    return !bad;
}

PARIO_CLONES
int pario_train_finite_f32(const float *restrict x, uint64_t n)
{
    uint32_t bad = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &x[i], sizeof u);
        bad |= (~u & 0x7f800000u) == 0;
    }
    return !bad;
}
