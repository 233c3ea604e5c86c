/* The reduce kernels whichever clone runs: the library's (its AVX-512 or AVX2
 * clones, or its AVX-512 or AVX2 intrinsics: PARIO_REDUCE_KERNEL, see
 * tests/unit/reduce_paths.sh) and lib/kernels/reduce.c built here without clones
 * (baseline x86-64, names plain_*, see mk/reduce8.mk) give the same accumulators
 * and histograms bit for bit, also from the one-sweep pario_kernel_reduce_hist; both equal the one-by-one exact path (pario_acc_push)
 * and numpy's binning by the edges. The data change magnitude from block to
 * block (2048 values), so the default set's guessed sigmas miss, guess too wide,
 * rest and resume; with NaN, infinities, zeros, tiny and huge values, and
 * values on the histogram's edges. */
#include <check.h>
#include "check_run.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pario/reduce.h"
#include "pario/reduce_kernels.h"
#include "pario/xsum.h"

/* the library's entry points (the header declared the plain_* ones) */
#undef pario_kernel_reduce_shifted
#undef pario_kernel_hist
#undef pario_kernel_reduce_hist
void pario_kernel_reduce_shifted(const void *buf, size_t n, pario_dtype t, unsigned need, int shifted,
                                 double shift, pario_acc *out);
void pario_kernel_hist(const void *buf, size_t n, pario_dtype t, const pario_hist *h, uint64_t *counts);
void pario_kernel_reduce_hist(const void *buf, size_t n, pario_dtype t, unsigned need, int shifted, double shift,
                              pario_acc *out, const pario_hist *h, uint64_t *counts);

enum { N = 23 * 2048 + 333, PATTERNS = 10 };

static uint64_t state = 7;
static uint64_t rnd(void)
{
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double normal(void)
{
    double s = 0;
    for (int k = 0; k < 12; k++)
        s += (double)(rnd() >> 11) * 0x1p-53;
    return s - 6;
}

static void fill(double *x, int pattern, const pario_hist *h)
{
    for (size_t i = 0; i < N; i++) {
        double v = normal();
        uint64_t r = rnd();
        size_t blk = i / 2048;
        switch (pattern) {
        case 0: break;                                                        /* N(0, 1) */
        case 1: v *= pow(1.0009, (double)(i % 30000)); break;                /* growing: misses */
        case 2: v *= r % 3000 == 0 ? 1e12 : 1; break;                        /* spikes: wide guesses */
        case 3: v = blk % 3 == 0 ? 0 : blk % 3 == 1 ? v * 1e-300 : v; break; /* zero and tiny blocks */
        case 4: /* NaN and infinities: a few at random, and some in known blocks */
            v = i % 4099 == 7 ? NAN : i % 6007 == 11 ? -INFINITY : i % 9001 == 3 ? INFINITY : v;
            v = r % 20000 == 0 ? (r & 1 ? NAN : -INFINITY) : v;
            break;
        case 5: v = i % 7 == 0 ? v * 1e-20 : v + 1e9; break;                 /* residuals */
        case 6: v = ldexp(v, (int)(r % 1200) - 600); break;
        case 7: v = (double)blk * 1e3 + v; break;                            /* ramp */
        case 8: v = h->edges[r % (h->bins + 1)]; break;                      /* on the edges */
        default: /* one ulp from an edge, either side: the fast bins' rounding errs */
            v = nextafter(h->edges[r % (h->bins + 1)], (r >> 40) & 1 ? INFINITY : -INFINITY);
            break;
        }
        x[i] = v;
    }
}

static void check_acc(const pario_acc *a, const pario_acc *b, const char *what, int pattern)
{
    pario_acc x = *a, y = *b;
    pario_xsum_normalize(&x.s1);
    pario_xsum_normalize(&y.s1);
    pario_xsum_normalize(&x.s2);
    pario_xsum_normalize(&y.s2);
    ck_assert_msg(x.n == y.n && x.nan == y.nan && x.first_nan == y.first_nan, "%s, pattern %d: counts", what,
                  pattern);
    ck_assert_msg(memcmp(x.s1.limb, y.s1.limb, sizeof x.s1.limb) == 0 && x.s1.special == y.s1.special,
                  "%s, pattern %d: sum", what, pattern);
    ck_assert_msg(memcmp(x.s2.limb, y.s2.limb, sizeof x.s2.limb) == 0 && x.s2.special == y.s2.special,
                  "%s, pattern %d: squares", what, pattern);
    if (x.n)
        ck_assert_msg(x.min.f == y.min.f && x.max.f == y.max.f && x.argmin == y.argmin && x.argmax == y.argmax,
                      "%s, pattern %d: min/max", what, pattern);
}

/* numpy.histogram's bin of v by the edges (the last bin closed), -1 outside */
static int64_t ref_bin(const pario_hist *h, double v)
{
    if (!(v >= h->edges[0] && v <= h->edges[h->bins]))
        return -1;
    uint64_t lo = 0, hi = h->bins; /* edges[lo] <= v < edges[hi], or v == the top */
    while (hi - lo > 1) {
        uint64_t mid = (lo + hi) / 2;
        if (v >= h->edges[mid])
            lo = mid;
        else
            hi = mid;
    }
    return (int64_t)lo;
}

START_TEST(clones_agree)
{
    static double x[N];
    static float f[N];
    pario_hist h;
    pario_status st = pario_hist_init(&h, 100, -6, 6);
    ck_assert(!pario_failed(&st));
    const unsigned needs[] = { PARIO_NEED_SUM | PARIO_NEED_M2 | PARIO_NEED_MINMAX, PARIO_NEED_SUM, PARIO_NEED_MINMAX };
    for (int pattern = 0; pattern < PATTERNS; pattern++) {
        fill(x, pattern, &h);
        for (size_t i = 0; i < N; i++)
            f[i] = (float)x[i];
        for (int flt = 0; flt < 2; flt++) {
            const pario_dtype t = flt ? PARIO_FLOAT32 : PARIO_FLOAT64;
            const void *buf = flt ? (const void *)f : (const void *)x;
            const double shift = flt ? (double)f[1] : x[1];
            /* the reference: one by one */
            pario_acc ref, ref_exact;
            pario_acc_init(&ref, t);
            pario_acc_set_shift(&ref, shift);
            pario_acc_init(&ref_exact, t);
            for (size_t i = 0; i < N; i++) {
                pario_acc_push(&ref, t, flt ? (const void *)&f[i] : (const void *)&x[i], i);
                pario_acc_push(&ref_exact, t, flt ? (const void *)&f[i] : (const void *)&x[i], i);
            }
            for (int shifted = 0; shifted < 2; shifted++)
                for (size_t k = 0; k < sizeof needs / sizeof needs[0]; k++) {
                    pario_acc a, b;
                    pario_kernel_reduce_shifted(buf, N, t, needs[k], shifted, shift, &a);
                    plain_kernel_reduce_shifted(buf, N, t, needs[k], shifted, shift, &b);
                    check_acc(&a, &b, "clone vs baseline", pattern);
                    if (needs[k] == needs[0])
                        check_acc(&a, shifted ? &ref : &ref_exact, "kernel vs one by one", pattern);
                }
            uint64_t ca[100] = { 0 }, cb[100] = { 0 }, cr[100] = { 0 };
            pario_kernel_hist(buf, N, t, &h, ca);
            plain_kernel_hist(buf, N, t, &h, cb);
            for (size_t i = 0; i < N; i++) {
                int64_t bin = ref_bin(&h, flt ? (double)f[i] : x[i]);
                if (bin >= 0)
                    cr[bin]++;
            }
            ck_assert_msg(memcmp(ca, cb, sizeof ca) == 0, "histogram: clone vs baseline, pattern %d", pattern);
            ck_assert_msg(memcmp(ca, cr, sizeof ca) == 0, "histogram vs the edges, pattern %d", pattern);
            /* both in one call, on the whole buffer and on an odd piece of it */
            for (int shifted = 0; shifted < 2; shifted++)
                for (size_t k = 0; k < sizeof needs / sizeof needs[0]; k++)
                    for (int part = 0; part < 2; part++) {
                        const size_t from = part ? 3 : 0, n = part ? N - 2048 - 5 : N;
                        const void *pb = (const char *)buf + from * (flt ? sizeof(float) : sizeof(double));
                        pario_acc a, b;
                        uint64_t cf[100] = { 0 }, cp[100] = { 0 };
                        pario_kernel_reduce_hist(pb, n, t, needs[k], shifted, shift, &a, &h, cf);
                        plain_kernel_reduce_shifted(pb, n, t, needs[k], shifted, shift, &b);
                        plain_kernel_hist(pb, n, t, &h, cp);
                        check_acc(&a, &b, "reduce_hist vs baseline", pattern);
                        ck_assert_msg(memcmp(cf, cp, sizeof cf) == 0, "reduce_hist's histogram, pattern %d",
                                      pattern);
                    }
        }
    }
    pario_hist_free(&h);
}
END_TEST

/* Long runs into few bins: the histogram's 16-bit pair counters are folded into
 * the counts before they wrap (more than 65535 hits of one pair of bins). */
START_TEST(hist_many_in_one_bin)
{
    enum { M = 300001 };
    double *x = malloc(M * sizeof *x);
    ck_assert(x != NULL);
    pario_hist h;
    pario_status st = pario_hist_init(&h, 100, -6, 6);
    ck_assert(!pario_failed(&st));
    for (int k = 0; k < 2; k++) {
        uint64_t ref[100] = { 0 }, ca[100] = { 0 }, cb[100] = { 0 };
        for (size_t i = 0; i < M; i++) {
            x[i] = k == 0 ? 0.5 : i % 3 == 0 ? -5.9 : i % 3 == 1 ? 5.9 : 7.0;
            int64_t bin = ref_bin(&h, x[i]);
            if (bin >= 0)
                ref[bin]++;
        }
        pario_kernel_hist(x, M, PARIO_FLOAT64, &h, ca);
        plain_kernel_hist(x, M, PARIO_FLOAT64, &h, cb);
        ck_assert_msg(memcmp(ca, ref, sizeof ref) == 0, "case %d: clone vs the edges", k);
        ck_assert_msg(memcmp(cb, ref, sizeof ref) == 0, "case %d: baseline vs the edges", k);
    }
    pario_hist_free(&h);
    free(x);
}
END_TEST

/* Ranges whose bin width is tiny or whose values are huge: the AVX2 histogram
 * (single precision) must step aside or stay exact; values on lo, on the edges
 * and one ulp off them. */
START_TEST(hist_extreme_ranges)
{
    enum { M = 40000 };
    const double ranges[][2] = { { 0, 1e-40 }, { 0, 1e-31 }, { 1e300, 1.0000001e300 }, { -1e-300, 1e-300 },
                                 { -1e30, 1e30 } };
    double *x = malloc(M * sizeof *x);
    ck_assert(x != NULL);
    for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
        pario_hist h;
        pario_status st = pario_hist_init(&h, 10, ranges[r][0], ranges[r][1]);
        ck_assert(!pario_failed(&st));
        uint64_t ref[10] = { 0 }, ca[10] = { 0 }, cf[10] = { 0 };
        for (size_t i = 0; i < M; i++) {
            uint64_t z = rnd();
            double e = h.edges[z % 11];
            x[i] = z >> 60 == 0 ? ranges[r][0] : z >> 60 == 1 ? nextafter(e, -INFINITY)
                 : z >> 60 == 2 ? nextafter(e, INFINITY) : z >> 60 == 3 ? e
                                                          : h.edges[0] + (h.edges[10] - h.edges[0]) * (double)(z >> 11) * 0x1p-53;
            int64_t bin = ref_bin(&h, x[i]);
            if (bin >= 0)
                ref[bin]++;
        }
        pario_kernel_hist(x, M, PARIO_FLOAT64, &h, ca);
        pario_acc a;
        pario_kernel_reduce_hist(x, M, PARIO_FLOAT64, PARIO_NEED_SUM | PARIO_NEED_M2 | PARIO_NEED_MINMAX, 1, x[0],
                                 &a, &h, cf);
        ck_assert_msg(memcmp(ca, ref, sizeof ref) == 0, "range %zu: histogram vs the edges", r);
        ck_assert_msg(memcmp(cf, ref, sizeof ref) == 0, "range %zu: reduce_hist vs the edges", r);
        pario_hist_free(&h);
    }
    free(x);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("reduce_clones");
    TCase *tc = tcase_create("clones");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, clones_agree);
    tcase_add_test(tc, hist_many_in_one_bin);
    tcase_add_test(tc, hist_extreme_ranges);
    suite_add_tcase(s, tc);
    return pario_check_run(s);
}
