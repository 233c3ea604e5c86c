/* The exact accumulator against independent references: __float128 sums where
 * they are exact (values in a narrow exponent window), closed forms for the
 * adversarial cases, and integer arithmetic for variances; the vectorised reduce
 * kernel against one-by-one exact additions, on data built to exercise every
 * level, residual and fallback; and order independence of adds and merges. */
#include <check.h>
#include "check_run.h"
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pario/reduce.h"
#include "pario/reduce_kernels.h"
#include "pario/xsum.h"

static uint64_t rng_state = 12345;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* a random double with a 53-bit mantissa, exponent in [lo, hi], random sign */
static double rnd_double(int lo, int hi, int bits)
{
    uint64_t m = (rnd() >> (64 - bits)) | ((uint64_t)1 << (bits - 1));
    int e = lo + (int)(rnd() % (uint64_t)(hi - lo + 1));
    double x = ldexp((double)m, e - bits + 1);
    return (rnd() & 1) ? -x : x;
}

static double sum_of(const double *x, size_t n)
{
    pario_xsum s;
    pario_xsum_init(&s);
    pario_xsum_add_array(&s, x, n, 1);
    return pario_xsum_round(&s);
}

static int same(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

START_TEST(narrow_window_matches_float128)
{
    for (int t = 0; t < 200; t++) {
        enum { N = 1000 };
        double x[N];
        __float128 q = 0;
        for (int i = 0; i < N; i++) {
            x[i] = rnd_double(-20, 20, 53); /* multiples of 2^-72, sum < 2^31: exact in 113 bits */
            q += x[i];
        }
        double want = (double)q, got = sum_of(x, N);
        ck_assert_msg(same(got, want), "trial %d: %a != %a", t, got, want);
    }
}
END_TEST

START_TEST(adversarial_cases)
{
    static double x[3 * 3001];
    for (int i = 0; i < 3001; i++) {
        x[3 * i] = 1e16;
        x[3 * i + 1] = 1;
        x[3 * i + 2] = -1e16;
    }
    ck_assert(same(sum_of(x, 3 * 3001), 3001.0));
    static double y[4097];
    y[0] = 1e16;
    for (int i = 1; i <= 4095; i++)
        y[i] = 1;
    y[4096] = -1e16;
    ck_assert(same(sum_of(y, 4097), 4095.0));
    /* ties to even, and a sticky bit far below */
    double t1[] = { 1.0, 0x1p-53 };
    ck_assert(same(sum_of(t1, 2), 1.0));
    double t2[] = { 1.0, 0x1p-53, 0x1p-1000 };
    ck_assert(same(sum_of(t2, 3), 1.0 + 0x1p-52));
    double t3[] = { 1.0 + 0x1p-52, 0x1p-53 };
    ck_assert(same(sum_of(t3, 2), 1.0 + 0x1p-51));
    /* overflow only when the exact sum does */
    double o1[] = { DBL_MAX, DBL_MAX, -DBL_MAX };
    ck_assert(same(sum_of(o1, 3), DBL_MAX));
    double o2[] = { 1e308, 1e308, -1e308 };
    ck_assert(same(sum_of(o2, 3), 1e308));
    double o3[] = { DBL_MAX, DBL_MAX };
    ck_assert(same(sum_of(o3, 2), INFINITY));
    double o4[] = { -DBL_MAX, -0x1p970 }; /* a tie with an odd mantissa: rounds away, to -inf */
    ck_assert(same(sum_of(o4, 2), -INFINITY));
    double o5[] = { DBL_MAX, 0x1p969 };
    ck_assert(same(sum_of(o5, 2), DBL_MAX));
    /* subnormals and cancellation to exactly zero */
    double s1[] = { 0x1p-1074, 0x1p-1074, 0x1p-1074 };
    ck_assert(same(sum_of(s1, 3), 0x3p-1074));
    double s2[] = { 0x1p-1022, -0x1p-1074 };
    ck_assert(same(sum_of(s2, 2), 0x1p-1022 - 0x1p-1074));
    double z[] = { 1e300, 1e-300, -1e300, -1e-300 };
    ck_assert(same(sum_of(z, 4), 0.0));
    /* 600 orders of magnitude: the small one survives */
    double w[] = { 1e300, 1e-300, -1e300 };
    ck_assert(same(sum_of(w, 3), 1e-300));
    /* non-finite values */
    double n1[] = { INFINITY, 1.0 };
    ck_assert(same(sum_of(n1, 2), INFINITY));
    double n2[] = { INFINITY, -INFINITY };
    ck_assert(isnan(sum_of(n2, 2)));
    double n3[] = { NAN, 1.0 };
    ck_assert(isnan(sum_of(n3, 2)));
    double n4[] = { -INFINITY, DBL_MAX, DBL_MAX };
    ck_assert(same(sum_of(n4, 3), -INFINITY));
}
END_TEST

START_TEST(order_and_merge_independent)
{
    enum { N = 5000 };
    static double x[N];
    for (int i = 0; i < N; i++)
        x[i] = rnd_double(-1074, 1023, 53) * (i % 7 == 0 ? 1 : 1e-3);
    double ref = sum_of(x, N);
    for (int t = 0; t < 20; t++) {
        /* random pieces, accumulated separately and merged in a random order */
        pario_xsum part[8], total;
        for (int k = 0; k < 8; k++)
            pario_xsum_init(&part[k]);
        for (int i = 0; i < N; i++)
            pario_xsum_add(&part[rnd() % 8], x[i]);
        pario_xsum_init(&total);
        int start = (int)(rnd() % 8);
        for (int k = 0; k < 8; k++)
            pario_xsum_merge(&total, &part[(start + k * 3) % 8]);
        ck_assert(same(pario_xsum_round(&total), ref));
        /* normalised limbs are the same number, bit for bit */
        pario_xsum one;
        pario_xsum_init(&one);
        pario_xsum_add_array(&one, x, N, 1);
        pario_xsum_normalize(&one);
        pario_xsum_normalize(&total);
        ck_assert(memcmp(one.limb, total.limb, sizeof one.limb) == 0);
    }
    /* strided adds: every other value */
    pario_xsum a, b;
    pario_xsum_init(&a);
    pario_xsum_init(&b);
    pario_xsum_add_array(&a, x, N / 2, 2);
    for (int i = 0; i < N; i += 2)
        pario_xsum_add(&b, x[i]);
    ck_assert(same(pario_xsum_round(&a), pario_xsum_round(&b)));
}
END_TEST

START_TEST(squares_exact)
{
    for (int t = 0; t < 100; t++) {
        enum { N = 100 };
        pario_xsum s;
        pario_xsum_init(&s);
        __float128 q = 0;
        int e0 = (int)(rnd() % 1800) - 900;
        for (int i = 0; i < N; i++) {
            double x = rnd_double(e0 / 2, e0 / 2 + 2, 50); /* squares: 100 bits in a narrow window */
            pario_xsum_add_sq(&s, x);
            q += (__float128)x * x;
        }
        ck_assert(same(pario_xsum_round(&s), (double)q));
    }
    /* squares that overflow or underflow a double still add exactly */
    pario_xsum s;
    pario_xsum_init(&s);
    pario_xsum_add_sq(&s, 1e200);
    pario_xsum_add_sq(&s, 1e200);
    ck_assert(same(pario_xsum_round(&s), INFINITY));
    pario_xsum_init(&s);
    pario_xsum_add_sq(&s, 0x1p-600);
    pario_xsum_add_sq(&s, 0x1p-600);
    ck_assert(same(pario_xsum_round(&s), 0.0)); /* 2^-1199: below the subnormals */
}
END_TEST

static double var_of(const double *x, size_t n)
{
    pario_xsum s1, s2;
    pario_xsum_init(&s1);
    pario_xsum_init(&s2);
    for (size_t i = 0; i < n; i++) {
        pario_xsum_add(&s1, x[i]);
        pario_xsum_add_sq(&s2, x[i]);
    }
    return pario_xsum_var(&s1, &s2, n);
}

START_TEST(variance)
{
    /* small integers: n S2 - S1^2 and n^2 are exact in __float128, the quotient
     * rounded twice (113 then 53 bits): within an ulp, and equal almost always */
    int equal = 0;
    for (int t = 0; t < 100; t++) {
        enum { N = 999 };
        double x[N];
        __float128 s1 = 0, s2 = 0;
        for (int i = 0; i < N; i++) {
            x[i] = (double)(rnd() % 100000);
            s1 += x[i];
            s2 += (__float128)x[i] * x[i];
        }
        double want = (double)((N * s2 - s1 * s1) / ((__float128)N * N)), got = var_of(x, N);
        ck_assert_msg(fabs(got - want) <= 0x1p-52 * want, "%a vs %a", got, want);
        equal += same(got, want);
    }
    ck_assert_int_ge(equal, 99);
    /* 1e9 + k 2^-20: the variance of the k, times 2^-40, with no cancellation left */
    enum { M = 3000 };
    static double y[M];
    __float128 k1 = 0, k2 = 0;
    for (int i = 0; i < M; i++) {
        int64_t k = (int64_t)(rnd() % 2001) - 1000;
        y[i] = 1e9 + ldexp((double)k, -20);
        k1 += k;
        k2 += (__float128)k * k;
    }
    double want = ldexp((double)((M * k2 - k1 * k1) / ((__float128)M * M)), -40), got = var_of(y, M);
    ck_assert_msg(fabs(got - want) <= 0x1p-52 * want, "%a vs %a", got, want);
    /* overflow, infinities, equal values, one value */
    double a[] = { 1e308, 1e308, -1e308 };
    ck_assert(same(var_of(a, 3), INFINITY));
    double b[] = { 1e200, 1e200 };
    ck_assert(same(var_of(b, 2), 0.0));
    double c[] = { 1.0, INFINITY };
    ck_assert(isnan(var_of(c, 2)));
    double d[] = { 0.1 };
    ck_assert(same(var_of(d, 1), 0.0));
    double e[] = { 1e-300, 3e-300 };
    double ve = var_of(e, 2); /* 1e-600: underflows to 0 */
    ck_assert(same(ve, 0.0));
    double f[] = { 1e150, -1e150 };
    ck_assert(same(var_of(f, 2), f[0] * f[0])); /* exactly x^2, rounded once */
    pario_xsum z1, z2;
    pario_xsum_init(&z1);
    pario_xsum_init(&z2);
    ck_assert(isnan(pario_xsum_var(&z1, &z2, 0)));
}
END_TEST

/* The kernel's exact sums equal one-by-one exact additions, bit for bit. */
static void kernel_vs_scalar(const double *x, size_t n)
{
    pario_acc a;
    pario_kernel_reduce(x, n, PARIO_FLOAT64, PARIO_NEED_SUM | PARIO_NEED_M2 | PARIO_NEED_MINMAX, &a);
    pario_xsum s1, s2;
    pario_xsum_init(&s1);
    pario_xsum_init(&s2);
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            pario_xsum_add(&s1, x[i]);
            pario_xsum_add_sq(&s2, x[i]);
        }
    pario_xsum_normalize(&a.s1);
    pario_xsum_normalize(&a.s2);
    pario_xsum_normalize(&s1);
    pario_xsum_normalize(&s2);
    ck_assert(memcmp(a.s1.limb, s1.limb, sizeof s1.limb) == 0);
    ck_assert(memcmp(a.s2.limb, s2.limb, sizeof s2.limb) == 0);
    ck_assert_uint_eq(a.s1.special, s1.special);
}

START_TEST(kernel_exact)
{
    enum { N = 3 * 2048 + 77 };
    static double x[N];
    static float f[N];
    const int windows[][2] = { { -3, 3 }, { -60, 60 }, { -400, 400 }, { -1074, 1023 }, { 400, 520 },
                               { -520, -400 }, { -1074, -1000 }, { 990, 1023 }, { -30, -28 } };
    for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++)
        for (int t = 0; t < 4; t++) {
            for (int i = 0; i < N; i++)
                x[i] = rnd_double(windows[w][0], windows[w][1], t == 3 ? 20 : 53);
            if (t == 1)
                for (int i = 0; i < N; i += 97)
                    x[i] = 0; /* zeros */
            if (t == 2)
                x[N / 2] = 0x1p-1074;
            kernel_vs_scalar(x, N);
        }
    /* [1e16, 1, -1e16] and normal-ish data with a far-out value */
    for (int i = 0; i < N; i++)
        x[i] = i % 3 == 0 ? 1e16 : i % 3 == 1 ? 1 : -1e16;
    kernel_vs_scalar(x, N);
    for (int i = 0; i < N; i++)
        x[i] = 1e9 + rnd_double(-12, -8, 53);
    kernel_vs_scalar(x, N);
    x[100] = INFINITY;
    kernel_vs_scalar(x, N);
    x[100] = NAN;
    kernel_vs_scalar(x, N);
    /* float32: the kernel against exact additions of the widened values */
    for (int i = 0; i < N; i++)
        f[i] = (float)rnd_double(-120, 120, 24);
    pario_acc a;
    pario_kernel_reduce(f, N, PARIO_FLOAT32, PARIO_NEED_SUM | PARIO_NEED_M2, &a);
    pario_xsum s1, s2;
    pario_xsum_init(&s1);
    pario_xsum_init(&s2);
    for (int i = 0; i < N; i++) {
        pario_xsum_add(&s1, f[i]);
        pario_xsum_add_sq(&s2, f[i]);
    }
    ck_assert(same(pario_xsum_round(&a.s1), pario_xsum_round(&s1)));
    ck_assert(same(pario_xsum_var(&a.s1, &a.s2, N), pario_xsum_var(&s1, &s2, N)));
}
END_TEST

/* The default variance's shifted squares: the kernel's s2 equals the one-by-one
 * exact sum of fl(fl(x - s)^2) (each rounded product stored through a volatile, so
 * no contraction can make it exact), bit for bit, and so does every split of the
 * data into pieces merged afterwards (the rank-, chunk- and block-independence of
 * the default; the contraction of d * d into the levels broke it once). */
static void shifted_vs_scalar(const double *x, size_t n, double sh)
{
    pario_xsum s1, s2;
    pario_xsum_init(&s1);
    pario_xsum_init(&s2);
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            volatile double d = x[i] - sh;
            volatile double q = d * d;
            pario_xsum_add(&s1, x[i]);
            pario_xsum_add(&s2, q);
        }
    pario_xsum_normalize(&s1);
    pario_xsum_normalize(&s2);
    const size_t splits[] = { n, 1, 7, 128, 2048, 2049 };
    for (size_t k = 0; k < sizeof splits / sizeof splits[0]; k++) {
        pario_acc t;
        pario_acc_init(&t, PARIO_FLOAT64);
        pario_acc_set_shift(&t, sh);
        for (size_t o = 0; o < n; o += splits[k]) {
            size_t m = n - o < splits[k] ? n - o : splits[k];
            pario_acc b;
            pario_kernel_reduce_shifted(x + o, m, PARIO_FLOAT64, PARIO_NEED_SUM | PARIO_NEED_M2 | PARIO_NEED_MINMAX, 1,
                                        sh, &b);
            pario_acc_merge(&t, &b);
        }
        pario_xsum_normalize(&t.s1);
        pario_xsum_normalize(&t.s2);
        ck_assert_msg(memcmp(t.s1.limb, s1.limb, sizeof s1.limb) == 0, "sum, split %zu", splits[k]);
        ck_assert_msg(memcmp(t.s2.limb, s2.limb, sizeof s2.limb) == 0 && t.s2.special == s2.special,
                      "shifted squares, split %zu, shift %g", splits[k], sh);
    }
}

START_TEST(kernel_shifted)
{
    enum { N = 3 * 2048 + 77 };
    static double x[N];
    const int windows[][2] = { { -3, 3 }, { -60, 60 }, { -400, 400 }, { -1074, 1023 }, { -1074, -1000 },
                               { 990, 1023 } };
    for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++)
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < N; i++)
                x[i] = rnd_double(windows[w][0], windows[w][1], 53);
            if (t == 1)
                for (int i = 0; i < N; i += 97)
                    x[i] = x[0]; /* squares of zero beside the others */
            shifted_vs_scalar(x, N, t == 2 ? 0.0 : x[0]);
        }
    /* 1e9 + small noise with shift x[0] and with shift 0 (rounded squares of ~1e18) */
    for (int i = 0; i < N; i++)
        x[i] = 1e9 + rnd_double(-12, -8, 53);
    shifted_vs_scalar(x, N, x[0]);
    shifted_vs_scalar(x, N, 0.0);
    shifted_vs_scalar(x, N, -1e15);
    x[100] = NAN; /* the scalar path of a NaN block */
    shifted_vs_scalar(x, N, x[0]);
    x[0] = NAN;
    shifted_vs_scalar(x, N, 0.0);
    /* [1e16, 1, -1e16]: the shift 1e16 makes rounded differences */
    for (int i = 0; i < N; i++)
        x[i] = i % 3 == 0 ? 1e16 : i % 3 == 1 ? 1 : -1e16;
    shifted_vs_scalar(x, N, 1e16);
    /* a shifted square that overflows: +inf recorded, the variance is inf */
    x[5] = -1.5e308;
    x[6] = 1.5e308;
    shifted_vs_scalar(x, N, 1.5e308);
    pario_acc a;
    pario_kernel_reduce_shifted(x, N, PARIO_FLOAT64, PARIO_NEED_SUM | PARIO_NEED_M2, 1, 1.5e308, &a);
    ck_assert(isinf(pario_acc_var(&a)) && pario_acc_var(&a) > 0);
    /* constant data shifted by itself: exactly 0; shifted by 0.1: clamped, >= 0 */
    for (int i = 0; i < N; i++)
        x[i] = 0.3;
    pario_kernel_reduce_shifted(x, N, PARIO_FLOAT64, PARIO_NEED_SUM | PARIO_NEED_M2, 1, 0.3, &a);
    ck_assert(pario_acc_var(&a) == 0.0);
    pario_kernel_reduce_shifted(x, N, PARIO_FLOAT64, PARIO_NEED_SUM | PARIO_NEED_M2, 1, 0.1, &a);
    ck_assert(pario_acc_var(&a) >= 0.0 && pario_acc_var(&a) <= 3.0001 * 0x1p-53 * 0.04 + 1e-300);
}
END_TEST

START_TEST(kernel_integer_squares)
{
    enum { N = 2048 + 5 };
    static int64_t x[N];
    static int32_t y[N];
    for (int i = 0; i < N; i++) {
        x[i] = (int64_t)rnd();
        y[i] = (int32_t)rnd();
    }
    x[0] = INT64_MIN;
    y[0] = INT32_MIN;
    pario_acc a, b;
    pario_kernel_reduce(x, N, PARIO_INT64, PARIO_NEED_SUM | PARIO_NEED_M2, &a);
    pario_kernel_reduce(y, N, PARIO_INT32, PARIO_NEED_SUM | PARIO_NEED_M2, &b);
    pario_xsum s2, t2;
    pario_xsum_init(&s2);
    pario_xsum_init(&t2);
    for (int i = 0; i < N; i++) {
        unsigned __int128 m = x[i] < 0 ? (unsigned __int128)(-(__int128)x[i]) : (unsigned __int128)x[i];
        unsigned __int128 q = m * m;
        pario_xsum_add_int(&s2, 0, (uint64_t)(q >> 64), (uint64_t)q, 0);
        int64_t v = y[i];
        uint64_t w = (uint64_t)(v * v);
        pario_xsum_add_int(&t2, 0, 0, w, 0);
    }
    pario_xsum_normalize(&a.s2);
    pario_xsum_normalize(&s2);
    pario_xsum_normalize(&b.s2);
    pario_xsum_normalize(&t2);
    ck_assert(memcmp(a.s2.limb, s2.limb, sizeof s2.limb) == 0);
    ck_assert(memcmp(b.s2.limb, t2.limb, sizeof t2.limb) == 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xsum");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, narrow_window_matches_float128);
    tcase_add_test(tc, adversarial_cases);
    tcase_add_test(tc, order_and_merge_independent);
    tcase_add_test(tc, squares_exact);
    tcase_add_test(tc, variance);
    tcase_add_test(tc, kernel_exact);
    tcase_add_test(tc, kernel_integer_squares);
    tcase_add_test(tc, kernel_shifted);
    suite_add_tcase(s, tc);
    int failed = pario_check_run(s);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
