/* Linear, logistic and softmax regression over a segment of rows. The order of
 * the floating-point operations is fixed and documented (tests/mpi/train_ref.py
 * repeats it in Python), and written so that vectorising it changes no bit:
 *   z_k = dot(w_k, x) + b_k, where dot keeps 8 partial sums s_l, l = j mod 8
 *         (s_l = 0.0, then s_l + w_j x_j for j = l, l + 8, .. in order) and returns
 *         ((s_0 + s_1) + (s_2 + s_3)) + ((s_4 + s_5) + (s_6 + s_7))
 *   linear:   r = z - y                    loss = r r / 2
 *   logistic: e = exp(-|z|), p = 1 / (1 + e) when z >= 0, else e / (1 + e),
 *             r = p - y, loss = log1p(e) + max(z, 0) - y z,   predicted 1 when z > 0
 *             (one exp per row; the z of a segment first, then its e, r and
 *             losses as vectors across rows, then the gradient)
 *   softmax:  m = max_k z_k, e_k = exp(z_k - m), s = sum_k e_k (k = 0, 1, ..),
 *             r_k = e_k / s - [k == y],  loss = log(s) - (z_y - m),
 *             predicted: the first k with the largest z_k
 *   gradient of a segment: g_kj = g_kj + r_k x_j (x_j = 1 for the bias), the
 *   segment's rows in order, from g = 0.0 (each weight on its own: the vector
 *   lanes are weights, never rows).
 * exp, log and log1p are pario's own (xmath.h: + - * / only), not libm's,
 * whose versions differ between machines (glibc picks an FMA variant at run
 * time). Built with -O3 and cloned for AVX-512/AVX2; no fused multiply-adds
 * (the pragma), so every product and sum is rounded as written, on any machine. */
#include "config.h"
#include <math.h>
#include <string.h>
#include "../train_model.h"
#include "xmath.h"

/* no-trapping-math: lets the selects of xmath.h vectorise without AVX-512 masks
 * (a comparison may no longer raise FE_INVALID; no value changes) */
#pragma GCC optimize("fp-contract=off", "no-trapping-math")

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 8
#define PARIO_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define PARIO_CLONES
#endif

/* dot8 and axpy over rows of doubles (dot8d, axpyd) or of float32 (dot8f,
 * axpyf: each x_j widened exactly to a double first, so the same bits). The
 * 8 partial sums of dot8 are the 8 lanes of one vector (GCC's vector
 * extension, GCC >= 12 or clang: one AVX-512 register, two AVX2 ones, four
 * SSE2 ones), added pairwise by shuffles in the documented order (a + b is
 * b + a, bit for bit). */
#pragma GCC diagnostic ignored "-Wpsabi"   /* v8d passes between always_inline functions only: no ABI */
typedef double v8d __attribute__((vector_size(64)));
typedef float v8f __attribute__((vector_size(32)));

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

static inline __attribute__((always_inline)) int segment(pario_train_model model, const double *restrict w,
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
