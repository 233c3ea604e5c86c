/* The pi inner loops: no branches, so GCC vectorises them. splitmix64 needs
 * 64-bit multiplies, which SSE2/AVX2 only emulate (slower than scalar code), so
 * on CPUs with AVX-512DQ (vpmullq) a 512-bit clone of the darts loop is picked at
 * run time: about 1.7x the scalar rate here. */
#include "config.h"
#include "pario/pi.h"
#include "pario/rng.h"

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
__attribute__((target("avx512f,avx512dq,avx512vl,prefer-vector-width=512")))
static uint64_t darts_avx512(uint64_t kx, uint64_t ky, uint64_t first, uint64_t n)
{
    return darts_loop(kx, ky, first, n);
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
