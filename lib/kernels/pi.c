/* The pi inner loops: no branches, so GCC vectorises them. splitmix64 needs
 * 64-bit multiplies, which SSE2/AVX2 only emulate (slower than scalar code), so
 * on CPUs with AVX-512DQ (vpmullq) the darts loop runs as 512-bit intrinsics:
 * the same arithmetic, with the Weyl term advanced by additions and the squares
 * of the 31-bit coordinates as 32x32-bit products, which GCC's vectoriser did
 * with full 64-bit multiplies (924 -> 1335 M samples/s per core here). */
#include "config.h"
#include "pario/pi.h"
#include "pario/rng.h"

/* The midpoint rule's sums must be the same bits on every CPU: with contraction
 * (GNU C's default) the AVX-512 function's x * Rd + off and 1 + x * x became
 * fused multiply-adds, which the baseline function (no FMA) cannot do, and the
 * rounds' sums differed in their last bits between an Intel Xeon (AVX-512) and
 * an AMD EPYC without it (the stderr of doc/montecarlo.md's example changed). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#elif defined(__clang__)
#pragma clang fp contract(off)
#endif

static inline __attribute__((always_inline)) uint64_t darts_loop(uint64_t kx, uint64_t ky, uint64_t first,
                                                                 uint64_t n)
{
    uint64_t hits = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t g = first + i;
        uint64_t x = (pario_rng_at(kx, g) >> 34) * 2 + 1;
        uint64_t y = (pario_rng_at(ky, g) >> 34) * 2 + 1;
        hits += (x * x + y * y) < ((uint64_t)1 << 62);
    }
    return hits;
}

static uint64_t darts_generic(uint64_t kx, uint64_t ky, uint64_t first, uint64_t n)
{
    return darts_loop(kx, ky, first, n);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 8
#define PARIO_PI_AVX512 1
#include <immintrin.h>

/* splitmix64's finaliser on 8 lanes: two 64-bit multiplies (vpmullq). */
__attribute__((target("avx512f,avx512dq"))) static inline __m512i mix8(__m512i z)
{
    z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 30)), _mm512_set1_epi64((long long)PARIO_MIX64_M1));
    z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 27)), _mm512_set1_epi64((long long)PARIO_MIX64_M2));
    return _mm512_xor_si512(z, _mm512_srli_epi64(z, 31));
}

/* Hits among 8 samples whose Weyl terms are w: darts_loop's arithmetic exactly. The
 * coordinates have 31 bits, so their squares are 32x32-bit products (vpmuludq),
 * where GCC's vectoriser spends a full 64-bit multiply. */
__attribute__((target("avx512f,avx512dq"))) static inline __mmask8 hits8(__m512i kx, __m512i ky, __m512i w)
{
    const __m512i one = _mm512_set1_epi64(1);
    __m512i x = _mm512_or_si512(_mm512_slli_epi64(_mm512_srli_epi64(mix8(_mm512_add_epi64(kx, w)), 34), 1), one);
    __m512i y = _mm512_or_si512(_mm512_slli_epi64(_mm512_srli_epi64(mix8(_mm512_add_epi64(ky, w)), 34), 1), one);
    __m512i r2 = _mm512_add_epi64(_mm512_mul_epu32(x, x), _mm512_mul_epu32(y, y));
    return _mm512_cmplt_epu64_mask(r2, _mm512_set1_epi64((long long)((uint64_t)1 << 62)));
}

/* The Weyl term of sample g is (g + 1) * gamma: it advances by additions. */
__attribute__((target("avx512f,avx512dq")))
static uint64_t darts_avx512(uint64_t kx, uint64_t ky, uint64_t first, uint64_t n)
{
    const uint64_t gamma = PARIO_RNG_GAMMA;
    uint64_t w0[8];
    for (int j = 0; j < 8; j++)
        w0[j] = (first + 1 + (uint64_t)j) * gamma;
    const __m512i vkx = _mm512_set1_epi64((long long)kx), vky = _mm512_set1_epi64((long long)ky);
    const __m512i step8 = _mm512_set1_epi64((long long)(8 * gamma)), step16 = _mm512_set1_epi64((long long)(16 * gamma));
    __m512i wa = _mm512_loadu_si512(w0), wb = _mm512_add_epi64(wa, step8);
    uint64_t hits = 0, i = 0;
    /* two independent groups of 8 per turn: the multiplies' latency overlaps */
    for (; i + 16 <= n; i += 16) {
        __mmask8 ma = hits8(vkx, vky, wa), mb = hits8(vkx, vky, wb);
        hits += (uint64_t)__builtin_popcount(ma) + (uint64_t)__builtin_popcount(mb);
        wa = _mm512_add_epi64(wa, step16);
        wb = _mm512_add_epi64(wb, step16);
    }
    return hits + darts_loop(kx, ky, first + i, n - i);
}
#endif

typedef uint64_t (*darts_fn)(uint64_t, uint64_t, uint64_t, uint64_t);

static darts_fn pick_darts(void)
{
#ifdef PARIO_PI_AVX512
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl"))
        return darts_avx512;
#endif
    return darts_generic;
}

uint64_t pario_pi_darts_hits(uint64_t seed, uint64_t first, uint64_t n)
{
    static darts_fn fn; /* a benign race: every thread picks the same function */
    if (!fn)
        fn = pick_darts();
    return fn(pario_rng_key(seed, 2), pario_rng_key(seed, 3), first, n);
}

static inline __attribute__((always_inline)) double midpoint_loop(uint64_t S, uint64_t R, uint64_t offset,
                                                                  uint64_t j0, uint64_t n)
{
    /* Eight partial sums: the order of additions is fixed by the code, not by the
     * compiler, and the lanes map onto vector registers. */
    enum { L = 8 };
    double acc[L] = { 0 };
    const double h = 1.0 / ((double)R * (double)S), Rd = (double)R, off = (double)offset + 0.5;
    uint64_t i = 0;
    for (; i + L <= n; i += L) {
        double base = (double)(j0 + i);
        for (int l = 0; l < L; l++) {
            double x = ((base + l) * Rd + off) * h;
            acc[l] += 4.0 / (1.0 + x * x);
        }
    }
    double s = 0;
    for (; i < n; i++) {
        double x = ((double)(j0 + i) * Rd + off) * h;
        s += 4.0 / (1.0 + x * x);
    }
    for (int l = 0; l < L; l++)
        s += acc[l];
    return s;
}

static double midpoint_generic(uint64_t S, uint64_t R, uint64_t offset, uint64_t j0, uint64_t n)
{
    return midpoint_loop(S, R, offset, j0, n);
}

#ifdef PARIO_PI_AVX512
/* The same additions in the same order: results identical to the generic code. */
__attribute__((target("avx512f,avx512dq,avx512vl,prefer-vector-width=512")))
static double midpoint_avx512(uint64_t S, uint64_t R, uint64_t offset, uint64_t j0, uint64_t n)
{
    return midpoint_loop(S, R, offset, j0, n);
}
#endif

double pario_pi_midpoint_sum(uint64_t S, uint64_t R, uint64_t offset, uint64_t j0, uint64_t n)
{
#ifdef PARIO_PI_AVX512
    static int wide = -1;
    if (wide < 0)
        wide = pick_darts() != darts_generic;
    if (wide)
        return midpoint_avx512(S, R, offset, j0, n);
#endif
    return midpoint_generic(S, R, offset, j0, n);
}
