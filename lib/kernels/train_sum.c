/* pario-train's exact sums of the segments' gradient sums (train_model.h).
 *
 * The fast path: when a column's values have exponents within 64 bits of each
 * other (and far from overflow and the subnormals), each value m 2^e is the
 * integer m 2^(e - emin) times 2^(emin - 1075), their sum is an exact 128-bit
 * integer (n <= 1024 values of at most 117 bits), and converting it to a
 * double once (round to nearest even) then scaling by 2^(emin - 1075) (exact:
 * the result is normal) rounds the exact sum once: math.fsum's bits.
 *
 * Integers add in any grouping, so the sum may be taken in parts: the rows of
 * a column split among the ranks, each rank's part an exact partial (its
 * exponents' range and its 128-bit sum relative to its own smallest exponent,
 * pario_train_fixed_cols), and the parts combined by shifting each to the
 * smallest exponent of them all (pario_train_fixed_combine): the same integer,
 * so the same bits as the whole column at once. --allreduce shm sends each
 * rank's partials, not its segments' sums (lib/train_node.c).
 *
 * Otherwise (a span wider than 64 bits, a subnormal, inf or NaN, |x| >= 2^900):
 * Shewchuk's partials with CPython's rounding (pario_train_fsum), or for
 * non-finite and huge values a pario_xsum (the caller). */
#include "config.h"
#include <math.h>
#include <string.h>
#include "../train_model.h"
#include "xmath.h"

#include "clones.h"

#pragma GCC diagnostic ignored "-Wpsabi"   /* vectors pass between always_inline functions only: no ABI */

/* A column the fast path cannot take: emin 0 fails the combination's test. */
static const pario_train_fixed FIXED_BAD = { 0, 0, 0, 32767 };
/* A column of zeros: neutral in the combination. */
static const pario_train_fixed FIXED_ZERO = { 0, 0, 4096, -4096 };

/* One column, scalar: the tail of pario_train_fixed_cols. */
static void fixed_col(const double *x, uint64_t n, uint64_t stride, pario_train_fixed *o)
{
    int emin = 4096, emax = -4096;
    for (uint64_t s = 0; s < n; s++) {
        uint64_t b;
        memcpy(&b, &x[s * stride], sizeof b);
        int be = (int)((b >> 52) & 0x7ff);
        if (b << 1 == 0)
            continue;   /* a zero */
        if (be == 0 || be > 1023 + 900) {
            *o = FIXED_BAD;   /* subnormal, or large, inf, NaN */
            return;
        }
        emin = be < emin ? be : emin;
        emax = be > emax ? be : emax;
    }
    if (emax < emin) {
        *o = FIXED_ZERO;
        return;
    }
    if (emax - emin > 64 || n > 1024) {
        *o = FIXED_BAD;
        return;
    }
    unsigned __int128 t = 0;
    for (uint64_t s = 0; s < n; s++) {
        uint64_t b;
        memcpy(&b, &x[s * stride], sizeof b);
        int be = (int)((b >> 52) & 0x7ff);
        if (b << 1 == 0)
            continue;
        unsigned __int128 m = (unsigned __int128)((b & 0x000fffffffffffffULL) | 0x0010000000000000ULL) << (be - emin);
        t = b >> 63 ? t - m : t + m;
    }
    *o = (pario_train_fixed){ (uint64_t)(t >> 64), (uint64_t)t, emin, emax };
}

/* 8 columns at once (lanes), each 128-bit sum as two 64-bit halves with the
 * carry: the same integers as fixed_col. Branch- and comparison-free helpers
 * on 64-bit lanes (vector comparisons scalarise in places; macros: a 64-byte
 * vector passed by value draws GCC's ABI note): 1 where v != 0, all ones where
 * a signed v < 0 (arithmetic shift), the signed minimum and maximum (|values|
 * < 2^13: no overflow). */
typedef uint64_t v8u __attribute__((vector_size(64)));
typedef int64_t v8i __attribute__((vector_size(64)));

static inline __attribute__((always_inline)) v8u load8u(const double *p)
{
    v8u v;
    memcpy(&v, p, sizeof v);
    return v;
}

#define nonzero01(v) ((v8u)(((v) | -(v)) >> 63))
#define negmask(v) ((v8i)((v) >> 63))
#define min8i(a, b) ({ v8i d_ = (a) - (b); (b) + (d_ & negmask(d_)); })
#define max8i(a, b) ({ v8i d_ = (a) - (b); (a) - (d_ & negmask(d_)); })

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 8 && !defined(PARIO_NO_CLONES)
#include <immintrin.h>
#define FIXED_AVX2 1
/* fixed_col for 4 columns at once in AVX2's own instructions: the same
 * integers. The generic 8-lane code below, built for AVX2, spills its
 * 64-byte vectors and emulates the 64-bit arithmetic shift and minimum:
 * 5.3 us for 16 segments of 65 weights where this takes about a fifth
 * (doc/train.md, "The exact sums"). Shifts by 64 or more give 0 in
 * vpsllvq/vpsrlvq, which is what the lanes need: a value 64 exponents above
 * the smallest has no low word, one at the smallest no high word. */
__attribute__((target("avx2"))) static void fixed_cols_avx2(const double *x, uint64_t n, uint64_t stride,
                                                            uint64_t nw4, pario_train_fixed *out)
{
    const __m256i zero = _mm256_setzero_si256(), e11 = _mm256_set1_epi64x(0x7ff);
    const __m256i mant = _mm256_set1_epi64x(0x000fffffffffffffLL), impl = _mm256_set1_epi64x(0x0010000000000000LL);
    const __m256i big = _mm256_set1_epi64x(4096), huge = _mm256_set1_epi64x(1023 + 900);
    const __m256i c64 = _mm256_set1_epi64x(64), sign = _mm256_set1_epi64x((long long)0x8000000000000000ULL);
    for (uint64_t i = 0; i < nw4; i += 4) {
        __m256i emin = big, emax = _mm256_sub_epi64(zero, big), bad = zero;
        for (uint64_t s = 0; s < n; s++) {
            __m256i b = _mm256_loadu_si256((const __m256i *)(x + s * stride + i));
            __m256i e = _mm256_and_si256(_mm256_srli_epi64(b, 52), e11);
            __m256i z = _mm256_cmpeq_epi64(_mm256_slli_epi64(b, 1), zero);   /* a zero */
            bad = _mm256_or_si256(bad, _mm256_andnot_si256(z, _mm256_cmpeq_epi64(e, zero)));   /* subnormal */
            bad = _mm256_or_si256(bad, _mm256_cmpgt_epi64(e, huge));
            __m256i lo = _mm256_blendv_epi8(e, big, z), hi = _mm256_blendv_epi8(e, _mm256_sub_epi64(zero, big), z);
            emin = _mm256_blendv_epi8(emin, lo, _mm256_cmpgt_epi64(emin, lo));
            emax = _mm256_blendv_epi8(emax, hi, _mm256_cmpgt_epi64(hi, emax));
        }
        __m256i H = zero, L = zero;
        for (uint64_t s = 0; s < n; s++) {
            __m256i b = _mm256_loadu_si256((const __m256i *)(x + s * stride + i));
            __m256i e = _mm256_and_si256(_mm256_srli_epi64(b, 52), e11);
            __m256i z = _mm256_cmpeq_epi64(_mm256_slli_epi64(b, 1), zero);
            __m256i m = _mm256_andnot_si256(z, _mm256_or_si256(_mm256_and_si256(b, mant), impl));
            __m256i d = _mm256_sub_epi64(e, emin);   /* 0..64 where it counts */
            __m256i lo = _mm256_sllv_epi64(m, d), hi = _mm256_srlv_epi64(m, _mm256_sub_epi64(c64, d));
            __m256i neg = _mm256_cmpgt_epi64(zero, b);   /* all ones for a negative value */
            __m256i lon = _mm256_sub_epi64(_mm256_xor_si256(lo, neg), neg);
            /* two's complement's carry into the high word: when the low word is 0 */
            __m256i hin = _mm256_sub_epi64(_mm256_xor_si256(hi, neg),
                                           _mm256_and_si256(neg, _mm256_cmpeq_epi64(lo, zero)));
            __m256i sum = _mm256_add_epi64(L, lon);
            __m256i carry = _mm256_cmpgt_epi64(_mm256_xor_si256(L, sign), _mm256_xor_si256(sum, sign));
            L = sum;
            H = _mm256_sub_epi64(_mm256_add_epi64(H, hin), carry);
        }
        int64_t vmin[4], vmax[4], vbad[4];
        uint64_t vh[4], vl[4];
        _mm256_storeu_si256((__m256i *)vmin, emin);
        _mm256_storeu_si256((__m256i *)vmax, emax);
        _mm256_storeu_si256((__m256i *)vbad, bad);
        _mm256_storeu_si256((__m256i *)vh, H);
        _mm256_storeu_si256((__m256i *)vl, L);
        for (int l = 0; l < 4; l++) {
            if (vbad[l] || (vmax[l] >= vmin[l] && vmax[l] - vmin[l] > 64))
                out[i + l] = FIXED_BAD;
            else if (vmax[l] < vmin[l])
                out[i + l] = FIXED_ZERO;
            else
                out[i + l] = (pario_train_fixed){ vh[l], vl[l], (int32_t)vmin[l], (int32_t)vmax[l] };
        }
    }
}
#endif

PARIO_CLONES
static void fixed_cols_vec(const double *x, uint64_t n, uint64_t stride, uint64_t nw, pario_train_fixed *out)
{
    uint64_t i = 0;
    for (; n <= 1024 && i + 8 <= nw; i += 8) {
        /* the exponents' range of the nonzero values; a subnormal or a huge value is bad */
        v8i emin = { 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096 }, emax = -emin, bad = emin - emin;
        for (uint64_t s = 0; s < n; s++) {
            v8u b = load8u(x + s * stride + i);
            v8i e = (v8i)((b >> 52) & 0x7ff);
            v8i z = (v8i)(1 - nonzero01(b << 1));              /* 1 for a zero */
            v8i sub = (v8i)(1 - nonzero01((v8u)e)) & (1 - z);  /* exponent 0, not zero */
            v8i huge = negmask(1023 + 900 - e) & 1;
            bad |= sub | huge;
            emin = min8i(emin, e + (z << 12));   /* a zero counts as 4096 */
            emax = max8i(emax, e - (z << 12));   /* and as -4096 */
        }
        /* each value m 2^(e - emin) (m with its implicit bit; 0 for a zero)
         * added into the 128-bit lanes (H, L), negated when negative */
        v8u H = (v8u)(bad - bad), L = H;
        for (uint64_t s = 0; s < n; s++) {
            v8u b = load8u(x + s * stride + i);
            v8i e = (v8i)((b >> 52) & 0x7ff);
            v8u m = ((b & 0x000fffffffffffffULL) | 0x0010000000000000ULL) & -nonzero01(b << 1);
            v8i d = e - emin;   /* 0..64 in the lanes that count */
            v8u lo = (m << ((v8u)d & 63)) & (v8u)negmask(d - 64);                 /* d < 64 */
            v8u hi = (m >> ((v8u)(64 - d) & 63)) & (v8u)~negmask((d - 1) | (64 - d));   /* 1 <= d <= 64 */
            v8u neg = -(b >> 63);   /* all ones for a negative value */
            v8u lon = (lo ^ neg) - neg;
            v8u hin = (hi ^ neg) + (neg & (1 - nonzero01(lo)));   /* two's complement's carry */
            v8u sum = L + lon;
            v8u carry = ((L & lon) | ((L | lon) & ~sum)) >> 63;
            L = sum;
            H = H + hin + carry;
        }
        for (int l = 0; l < 8; l++) {
            if (bad[l] || (emax[l] >= emin[l] && emax[l] - emin[l] > 64))
                out[i + l] = FIXED_BAD;
            else if (emax[l] < emin[l])
                out[i + l] = FIXED_ZERO;
            else
                out[i + l] = (pario_train_fixed){ H[l], L[l], (int32_t)emin[l], (int32_t)emax[l] };
        }
    }
    for (; i < nw; i++)
        fixed_col(x + i, n, stride, &out[i]);
}

void pario_train_fixed_cols(const double *x, uint64_t n, uint64_t stride, uint64_t nw, pario_train_fixed *out)
{
#ifdef FIXED_AVX2
    if (n <= 1024 && nw >= 4 && __builtin_cpu_supports("avx2")) {
        uint64_t nw4 = nw & ~(uint64_t)3;
        fixed_cols_avx2(x, n, stride, nw4, out);
        for (uint64_t i = nw4; i < nw; i++)
            fixed_col(x + i, n, stride, &out[i]);
        return;
    }
#endif
    fixed_cols_vec(x, n, stride, nw, out);
}

/* The signed 128-bit integer t as a double, rounded once to nearest even:
 * its magnitude's leading 63 bits with a sticky bit for the rest, which the
 * conversion of a 64-bit integer (exact rounding, as C requires) rounds as
 * the whole would be, times 2^k (exact), the sign put back. Without branches:
 * the signs and sizes of a step's sums are random, and a mispredicted branch
 * costs more than the arithmetic. */
static double i128_to_double(unsigned __int128 t)
{
    uint64_t neg = (uint64_t)(t >> 127);
    unsigned __int128 u = (t ^ -(unsigned __int128)neg) + neg;   /* |t| (< 2^127) */
    uint64_t hi = (uint64_t)(u >> 64), lo = (uint64_t)u;
    int bits = hi ? 128 - __builtin_clzll(hi) : lo ? 64 - __builtin_clzll(lo) : 0;
    int k = bits > 63 ? bits - 63 : 0;
    uint64_t m = (uint64_t)(u >> k) | (uint64_t)((u & (((unsigned __int128)1 << k) - 1)) != 0);
    double v = (double)(int64_t)m * xm_double((uint64_t)(1023 + k) << 52);
    uint64_t vb;
    memcpy(&vb, &v, sizeof vb);
    return xm_double(vb ^ (neg << 63));
}

void pario_train_fixed_combine(const pario_train_fixed *parts, uint64_t np, uint64_t pstride, uint64_t nw,
                               uint64_t ntotal, double *out, unsigned char *ok)
{
    for (uint64_t i = 0; i < nw; i++) {
        int32_t emin = 4096, emax = -4096;
        for (uint64_t r = 0; r < np; r++) {
            const pario_train_fixed *p = &parts[r * pstride + i];
            emin = p->emin < emin ? p->emin : emin;
            emax = p->emax > emax ? p->emax : emax;
        }
        if (emax < emin) {   /* zeros only */
            out[i] = 0.0;
            ok[i] = 1;
            continue;
        }
        if (emax - emin > 64 || emin < 80 || ntotal > 1024) {
            ok[i] = 0;
            continue;
        }
        unsigned __int128 t = 0;
        for (uint64_t r = 0; r < np; r++) {
            const pario_train_fixed *p = &parts[r * pstride + i];
            if (p->emax >= p->emin)   /* a part of zeros adds nothing */
                t += (((unsigned __int128)p->hi << 64) | p->lo) << (p->emin - emin);
        }
        /* times 2^(emin - 1075), exact (a normal result), as ldexp */
        out[i] = i128_to_double(t) * xm_double((uint64_t)(emin - 1075 + 1023) << 52) + 0.0;
        ok[i] = 1;
    }
}

void pario_train_fsum_cols(const double *x, uint64_t n, uint64_t stride, uint64_t nw, double *out,
                           unsigned char *ok)
{
    pario_train_fixed part[64];
    for (uint64_t i = 0; i < nw; i += 64) {
        uint64_t len = nw - i < 64 ? nw - i : 64;
        pario_train_fixed_cols(x + i, n, stride, len, part);
        pario_train_fixed_combine(part, 1, len, len, n, out + i, ok + i);
    }
}

/* The exactly rounded sum of x[0], x[stride], .., x[(n-1) stride]: the fast
 * path, else Shewchuk's partials and CPython's math.fsum rounding (round half
 * to even), the bits of pario_xsum_round for the same values; 0 (and *ok = 0)
 * when a value is not finite or as large as 2^1000, or the partials overflow
 * their array, for the caller to use an accumulator instead. */
PARIO_CLONES
double pario_train_fsum(const double *x, uint64_t n, uint64_t stride, int *ok)
{
    pario_train_fixed fx;
    double p[64];
    unsigned char fok;
    fixed_col(x, n, stride, &fx);
    pario_train_fixed_combine(&fx, 1, 1, 1, n, &p[0], &fok);
    if (fok) {
        *ok = 1;
        return p[0];
    }
    int np = 0;
    *ok = 0;
    for (uint64_t i = 0; i < n; i++) {
        double v = x[i * stride];
        if (!(fabs(v) < 0x1p1000))
            return 0.0;
        int j = 0;
        for (int q = 0; q < np; q++) {   /* without branches: the swaps and the zeros mispredict */
            double y = p[q], a = fabs(v) < fabs(y) ? y : v, b = fabs(v) < fabs(y) ? v : y;
            double hi = a + b, lo = b - (hi - a);
            p[j] = lo;
            j += lo != 0.0;
            v = hi;
        }
        np = j;
        if (v != 0.0) {
            if (np >= 64)
                return 0.0;
            p[np++] = v;
        }
    }
    double hi = 0.0, lo = 0.0;
    if (np > 0) {
        hi = p[--np];
        while (np > 0) {
            double v = hi, y = p[--np];
            hi = v + y;
            lo = y - (hi - v);
            if (lo != 0.0)
                break;
        }
        if (np > 0 && ((lo < 0.0 && p[np - 1] < 0.0) || (lo > 0.0 && p[np - 1] > 0.0))) {
            double y = lo * 2.0, v = hi + y;
            if (y == v - hi)
                hi = v;
        }
    }
    *ok = 1;
    return hi + 0.0;
}
