/* Value generation: the counter-based generator against a sequential splitmix64
 * written here, the same values for any split into ranks and any distribution,
 * inclusive integer bounds, and the option checks. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pario/gen.h"
#include "pario/rng.h"
#include "pario/view.h"
#include "suites.h"

/* Reference splitmix64 (Steele, Lea, Flood 2014; Vigna's splitmix64.c), as the
 * usual sequential generator: the state advances by the golden gamma before each
 * output. pario's counter form must equal the (index + 1)-th output of this
 * generator started from the key. */
struct sm64 { uint64_t state; };
static uint64_t sm64_next(struct sm64 *g)
{
    uint64_t z = (g->state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
/* The finaliser alone (one output from state z - gamma). */
static uint64_t ref_mix(uint64_t z)
{
    struct sm64 g = { z - 0x9e3779b97f4a7c15ULL };
    return sm64_next(&g);
}
/* Key of (seed, stream) as rng.h documents it. */
static uint64_t ref_key(uint64_t seed, uint64_t stream)
{
    return ref_mix(seed ^ ref_mix(stream + 0x632be59bd9b4e019ULL));
}

START_TEST(splitmix64_reference)
{
    /* Published first outputs of splitmix64 seeded with 0. */
    struct sm64 g = { 0 };
    ck_assert_uint_eq(sm64_next(&g), 0xe220a8397b1dcdafULL);
    ck_assert_uint_eq(sm64_next(&g), 0x6e789e6aa1b965f4ULL);
    ck_assert_uint_eq(sm64_next(&g), 0x06c45d188009454fULL);
    for (uint64_t seed = 0; seed < 5; seed++)
        for (uint64_t stream = 0; stream < 3; stream++) {
            uint64_t key = pario_rng_key(seed * 0x1234567ULL, stream);
            ck_assert_uint_eq(key, ref_key(seed * 0x1234567ULL, stream));
            struct sm64 s = { key };
            for (uint64_t i = 0; i < 1000; i++)
                ck_assert_uint_eq(pario_rng_at(key, i), sm64_next(&s));
        }
    /* the counter form at a large index: skip ahead by arithmetic */
    uint64_t key = pario_rng_key(42, 0), i = (1ULL << 40) + 17;
    struct sm64 s = { key + i * 0x9e3779b97f4a7c15ULL };
    ck_assert_uint_eq(pario_rng_at(key, i), sm64_next(&s));
    ck_assert(pario_rng_unit(0) == 0.0);
    ck_assert(pario_rng_unit(UINT64_MAX) < 1.0);
    ck_assert(pario_rng_unit(UINT64_MAX) == 1.0 - 0x1.0p-53);
}
END_TEST

static pario_gen_spec spec(pario_gen_kind kind, const char *arg, uint64_t seed, pario_dtype t)
{
    pario_gen_spec g;
    memset(&g, 0, sizeof g);
    pario_status st = pario_gen_spec_set(&g, kind, arg);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    g.seed = seed;
    st = pario_gen_spec_resolve(&g, t);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    return g;
}

START_TEST(uniform_integer_formula)
{
    /* value = LO + floor(bits * (HI - LO + 1) / 2^64): multiply-shift, inclusive of HI */
    pario_gen_spec g = spec(PARIO_GEN_UNIFORM, "-1000:1000", 9, PARIO_INT32);
    enum { N = 5000 };
    int32_t v[N];
    pario_gen_fill(&g, PARIO_INT32, v, 123, N);
    uint64_t key = ref_key(9, 0);
    for (int j = 0; j < N; j++) {
        struct sm64 s = { key + (uint64_t)(123 + j) * 0x9e3779b97f4a7c15ULL };
        uint64_t bits = sm64_next(&s);
        int64_t want = -1000 + (int64_t)(((unsigned __int128)bits * 2001) >> 64);
        ck_assert_int_eq(v[j], want);
    }
    /* float64 uniform: LO + (HI - LO) * (bits >> 11) * 2^-53 */
    pario_gen_spec f = spec(PARIO_GEN_UNIFORM, "-2.5:7.5", 11, PARIO_FLOAT64);
    double d[N];
    pario_gen_fill(&f, PARIO_FLOAT64, d, 0, N);
    uint64_t kf = ref_key(11, 0);
    struct sm64 s = { kf };
    for (int j = 0; j < N; j++) {
        double want = -2.5 + 10.0 * ((double)(sm64_next(&s) >> 11) * 0x1.0p-53);
        ck_assert(d[j] == want);
        ck_assert(d[j] >= -2.5 && d[j] < 7.5);
    }
}
END_TEST

/* Every value of [lo, hi] appears and nothing outside: the bounds are inclusive. */
START_TEST(uniform_integer_bounds_inclusive)
{
    enum { N = 20000 };
    static int8_t i8[N];
    pario_gen_spec g = spec(PARIO_GEN_UNIFORM, "-3:3", 1, PARIO_INT8);
    pario_gen_fill(&g, PARIO_INT8, i8, 0, N);
    int seen[7] = { 0 };
    for (int j = 0; j < N; j++) {
        ck_assert_int_ge(i8[j], -3);
        ck_assert_int_le(i8[j], 3);
        seen[i8[j] + 3]++;
    }
    for (int k = 0; k < 7; k++)
        ck_assert_msg(seen[k] > N / 7 / 2, "value %d seen %d times", k - 3, seen[k]);

    /* the whole int8 and uint8 ranges */
    g = spec(PARIO_GEN_UNIFORM, "-128:127", 2, PARIO_INT8);
    pario_gen_fill(&g, PARIO_INT8, i8, 0, N);
    int all[256] = { 0 };
    for (int j = 0; j < N; j++)
        all[i8[j] + 128]++;
    for (int k = 0; k < 256; k++)
        ck_assert_msg(all[k] > 0, "int8 value %d never generated", k - 128);
    static uint8_t u8[N];
    g = spec(PARIO_GEN_UNIFORM, "0:255", 2, PARIO_UINT8);
    pario_gen_fill(&g, PARIO_UINT8, u8, 0, N);
    memset(all, 0, sizeof all);
    for (int j = 0; j < N; j++)
        all[u8[j]]++;
    for (int k = 0; k < 256; k++)
        ck_assert_msg(all[k] > 0, "uint8 value %d never generated", k);

    /* one value */
    static uint16_t u16[100];
    g = spec(PARIO_GEN_UNIFORM, "65535:65535", 3, PARIO_UINT16);
    pario_gen_fill(&g, PARIO_UINT16, u16, 0, 100);
    for (int j = 0; j < 100; j++)
        ck_assert_uint_eq(u16[j], 65535);

    /* the full 64-bit ranges (span 2^64) */
    int64_t i64[1000];
    g = spec(PARIO_GEN_UNIFORM, "-9223372036854775808:9223372036854775807", 4, PARIO_INT64);
    pario_gen_fill(&g, PARIO_INT64, i64, 0, 1000);
    int neg = 0;
    for (int j = 0; j < 1000; j++)
        neg += i64[j] < 0;
    ck_assert(neg > 400 && neg < 600);
    uint64_t u64[1000];
    g = spec(PARIO_GEN_UNIFORM, "0:18446744073709551615", 4, PARIO_UINT64);
    pario_gen_fill(&g, PARIO_UINT64, u64, 0, 1000);
    int high = 0;
    for (int j = 0; j < 1000; j++)
        high += u64[j] >> 63;
    ck_assert(high > 400 && high < 600);

    /* uint32 near the top, int16 negative only */
    static uint32_t u32[N];
    g = spec(PARIO_GEN_UNIFORM, "4294967290:4294967295", 5, PARIO_UINT32);
    pario_gen_fill(&g, PARIO_UINT32, u32, 0, N);
    int top = 0, bottom = 0;
    for (int j = 0; j < N; j++) {
        ck_assert_uint_ge(u32[j], 4294967290u);
        top += u32[j] == 4294967295u;
        bottom += u32[j] == 4294967290u;
    }
    ck_assert(top > 0 && bottom > 0);
    static int16_t i16[N];
    g = spec(PARIO_GEN_UNIFORM, "-32768:-32760", 6, PARIO_INT16);
    pario_gen_fill(&g, PARIO_INT16, i16, 0, N);
    top = bottom = 0;
    for (int j = 0; j < N; j++) {
        ck_assert_int_le(i16[j], -32760);
        top += i16[j] == -32760;
        bottom += i16[j] == -32768;
    }
    ck_assert(top > 0 && bottom > 0);
}
END_TEST

START_TEST(uniform_float_half_open)
{
    enum { N = 100000 };
    static float f[N];
    /* a narrow float32 range where rounding to float could reach HI */
    pario_gen_spec g = spec(PARIO_GEN_UNIFORM, "1:1.0000001", 7, PARIO_FLOAT32);
    pario_gen_fill(&g, PARIO_FLOAT32, f, 0, N);
    for (int j = 0; j < N; j++)
        ck_assert_msg(f[j] >= 1.0f && f[j] < (float)1.0000001, "f[%d] = %.9g", j, f[j]);
    g = spec(PARIO_GEN_UNIFORM, "0:1", 7, PARIO_FLOAT32);
    pario_gen_fill(&g, PARIO_FLOAT32, f, 0, N);
    double sum = 0;
    for (int j = 0; j < N; j++) {
        ck_assert(f[j] >= 0.0f && f[j] < 1.0f);
        sum += f[j];
    }
    ck_assert(fabs(sum / N - 0.5) < 0.01);
}
END_TEST

START_TEST(normal_moments)
{
    enum { N = 200000 };
    static double d[N];
    pario_gen_spec g = spec(PARIO_GEN_NORMAL, "10:2", 8, PARIO_FLOAT64);
    pario_gen_fill(&g, PARIO_FLOAT64, d, 0, N);
    double s = 0, s2 = 0;
    for (int j = 0; j < N; j++) {
        ck_assert(isfinite(d[j]));
        s += d[j];
        s2 += d[j] * d[j];
    }
    double mean = s / N, sd = sqrt(s2 / N - mean * mean);
    ck_assert_msg(fabs(mean - 10) < 0.03 && fabs(sd - 2) < 0.03, "mean %g sd %g", mean, sd);
    /* integers: rounded and saturated at the type's limits */
    static int8_t i8[N];
    g = spec(PARIO_GEN_NORMAL, "0:1000", 8, PARIO_INT8);
    pario_gen_fill(&g, PARIO_INT8, i8, 0, N);
    int lo = 0, hi = 0;
    for (int j = 0; j < N; j++) {
        lo += i8[j] == -128;
        hi += i8[j] == 127;
    }
    ck_assert(lo > N / 3 && hi > N / 3);
    static uint16_t u16[N];
    g = spec(PARIO_GEN_NORMAL, "0:3", 8, PARIO_UINT16);
    pario_gen_fill(&g, PARIO_UINT16, u16, 0, N);
    int zeros = 0;
    for (int j = 0; j < N; j++) {
        ck_assert_uint_le(u16[j], 30);
        zeros += u16[j] == 0;
    }
    ck_assert(zeros > N / 2); /* the negative half saturates at 0 */
}
END_TEST

START_TEST(sequence_wraps)
{
    uint8_t u8[600];
    pario_gen_spec g = spec(PARIO_GEN_SEQUENCE, NULL, 0, PARIO_UINT8);
    pario_gen_fill(&g, PARIO_UINT8, u8, 0, 600);
    for (int j = 0; j < 600; j++)
        ck_assert_uint_eq(u8[j], (unsigned)j % 256);
    int8_t i8[3];
    pario_gen_fill(&g, PARIO_INT8, i8, (1ULL << 31) + 126, 3);
    ck_assert_int_eq(i8[0], 126);
    ck_assert_int_eq(i8[1], 127);
    ck_assert_int_eq(i8[2], -128);
    int64_t i64[2];
    pario_gen_fill(&g, PARIO_INT64, i64, (1ULL << 40) + 5, 2);
    ck_assert_int_eq(i64[0], (1LL << 40) + 5);
    ck_assert_int_eq(i64[1], (1LL << 40) + 6);
    double d[2];
    pario_gen_fill(&g, PARIO_FLOAT64, d, 1000, 2);
    ck_assert(d[0] == 1000.0 && d[1] == 1001.0);
    ck_assert(pario_gen_value(&g, PARIO_INT16, 70000) == (double)(int16_t)(70000 - 65536));
}
END_TEST

/* Fill [0, n) in one call; then in pieces cut at random places; then through every
 * rank's view for every split and distribution, the way pario_gen_write does. */
static void check_splits(const pario_gen_spec *g, pario_dtype t, int ndims, uint64_t rows, uint64_t cols)
{
    const size_t es = pario_dtype_size(t);
    const uint64_t n = rows * cols;
    unsigned char *whole = malloc(n * es + 1), *pieces = malloc(n * es + 1);
    pario_gen_fill(g, t, whole, 0, n);
    srand(12345);
    for (int trial = 0; trial < 20; trial++) {
        memset(pieces, 0xAB, n * es);
        for (uint64_t at = 0; at < n;) {
            uint64_t m = 1 + (uint64_t)rand() % (n / 7 + 1);
            if (m > n - at)
                m = n - at;
            pario_gen_fill(g, t, pieces + at * es, at, m);
            at += m;
        }
        ck_assert_msg(memcmp(whole, pieces, n * es) == 0, "pieces differ from one call (trial %d)", trial);
    }
    pario_dataset ds;
    memset(&ds, 0, sizeof ds);
    ds.dtype = t;
    uint64_t dims[2] = { rows, cols };
    ck_assert(pario_dataset_set_shape(&ds, ndims, dims));
    static const char *dists1[] = { "block", "cyclic", "cyclic:3", NULL };
    static const char *dists2[] = { "block", "cyclic:5", "rows", "cols", "tiles", "rows-cyclic:2", NULL };
    for (const char **dn = ndims == 2 ? dists2 : dists1; *dn; dn++) {
        pario_dist d;
        pario_status st = pario_dist_parse(*dn, &d);
        ck_assert_msg(!pario_failed(&st), "%s", st.msg);
        for (int p = 1; p <= 7; p++) {
            memset(pieces, 0xAB, n * es);
            unsigned char *local = malloc(n * es + 1);
            for (int r = 0; r < p; r++) {
                pario_view v;
                st = pario_view_build(&ds, &d, r, p, &v);
                ck_assert_msg(!pario_failed(&st), "%s", st.msg);
                /* fill this rank's elements in local order, a run at a time, in chunks of 5 */
                for (uint64_t i = 0; i < v.local_count;) {
                    uint64_t gidx, run = pario_view_run(&v, i, &gidx);
                    uint64_t m = run < 5 ? run : 5;
                    if (m > v.local_count - i)
                        m = v.local_count - i;
                    pario_gen_fill(g, t, local + i * es, gidx, m);
                    i += m;
                }
                /* scatter to the global positions */
                for (uint64_t i = 0; i < v.local_count; i++)
                    memcpy(pieces + pario_view_global_index(&v, i) * es, local + i * es, es);
                pario_view_free(&v);
            }
            free(local);
            ck_assert_msg(memcmp(whole, pieces, n * es) == 0, "%s on %d ranks: file differs", *dn, p);
        }
    }
    free(whole);
    free(pieces);
}

START_TEST(same_values_any_split)
{
    pario_gen_spec g = spec(PARIO_GEN_UNIFORM, "-50:50", 77, PARIO_INT32);
    check_splits(&g, PARIO_INT32, 1, 1009, 1);
    g = spec(PARIO_GEN_NORMAL, "0:1", 78, PARIO_FLOAT64);
    check_splits(&g, PARIO_FLOAT64, 2, 23, 17);
    g = spec(PARIO_GEN_UNIFORM, "0:1", 79, PARIO_FLOAT32);
    check_splits(&g, PARIO_FLOAT32, 1, 101, 1);
    g = spec(PARIO_GEN_UNIFORM, "-128:127", 80, PARIO_INT8);
    check_splits(&g, PARIO_INT8, 2, 13, 11);
    g = spec(PARIO_GEN_SEQUENCE, NULL, 0, PARIO_UINT16);
    check_splits(&g, PARIO_UINT16, 1, 3, 1);
    /* pario_gen_value agrees with fill */
    g = spec(PARIO_GEN_UNIFORM, "-50:50", 77, PARIO_INT32);
    int32_t v[10];
    pario_gen_fill(&g, PARIO_INT32, v, 1000, 10);
    for (int j = 0; j < 10; j++)
        ck_assert(pario_gen_value(&g, PARIO_INT32, 1000 + (uint64_t)j) == (double)v[j]);
}
END_TEST

START_TEST(seed_changes_values)
{
    int64_t a[64], b[64];
    pario_gen_spec g = spec(PARIO_GEN_UNIFORM, "0:1000000000", 1, PARIO_INT64);
    pario_gen_fill(&g, PARIO_INT64, a, 0, 64);
    g = spec(PARIO_GEN_UNIFORM, "0:1000000000", 2, PARIO_INT64);
    pario_gen_fill(&g, PARIO_INT64, b, 0, 64);
    int same = 0;
    for (int j = 0; j < 64; j++)
        same += a[j] == b[j];
    ck_assert_int_lt(same, 2);
}
END_TEST

static void expect_spec_error(pario_gen_kind kind, const char *arg, pario_dtype t, const char *want)
{
    pario_gen_spec g;
    memset(&g, 0, sizeof g);
    pario_status st = pario_gen_spec_set(&g, kind, arg);
    if (!pario_failed(&st))
        st = pario_gen_spec_resolve(&g, t);
    ck_assert_msg(pario_failed(&st), "'%s' accepted for %s", arg, pario_dtype_name(t));
    ck_assert_int_eq(st.code, PARIO_ERR_USAGE);
    ck_assert_msg(strstr(st.msg, want) != NULL, "'%s': message '%s' does not say '%s'", arg, st.msg, want);
}

START_TEST(spec_errors)
{
    expect_spec_error(PARIO_GEN_UNIFORM, "5", PARIO_INT32, "LO:HI");
    expect_spec_error(PARIO_GEN_UNIFORM, "5:", PARIO_INT32, "LO:HI");
    expect_spec_error(PARIO_GEN_NORMAL, "0", PARIO_FLOAT64, "MEAN:SD");
    expect_spec_error(PARIO_GEN_UNIFORM, "9:3", PARIO_INT32, "LO must not exceed HI");
    expect_spec_error(PARIO_GEN_UNIFORM, "9:3", PARIO_FLOAT64, "LO must not exceed HI");
    expect_spec_error(PARIO_GEN_UNIFORM, "0:200", PARIO_INT8, "outside the range of int8");
    expect_spec_error(PARIO_GEN_UNIFORM, "-1:5", PARIO_UINT32, "outside the range of uint32");
    expect_spec_error(PARIO_GEN_UNIFORM, "a:b", PARIO_INT16, "--uniform a:b");
    expect_spec_error(PARIO_GEN_UNIFORM, "0:1.5", PARIO_INT16, "--uniform 0:1.5");
    expect_spec_error(PARIO_GEN_UNIFORM, "0:inf", PARIO_FLOAT64, "finite");
    expect_spec_error(PARIO_GEN_NORMAL, "0:-1", PARIO_FLOAT64, "standard deviation");
    pario_gen_spec g;
    memset(&g, 0, sizeof g);
    pario_status st = pario_gen_spec_set(&g, PARIO_GEN_SEQUENCE, NULL);
    ck_assert(!pario_failed(&st));
    st = pario_gen_spec_set(&g, PARIO_GEN_UNIFORM, "0:1");
    ck_assert(pario_failed(&st));
    ck_assert_int_eq(st.code, PARIO_ERR_USAGE);
    /* negative bounds split at the right colon */
    g = spec(PARIO_GEN_UNIFORM, "-5:-3", 0, PARIO_INT8);
    ck_assert_int_eq(g.ilo, -5);
    ck_assert_uint_eq(g.span, 3);
}
END_TEST

Suite *gen_suite(void)
{
    Suite *s = suite_create("gen");
    TCase *tc = tcase_create("values");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, splitmix64_reference);
    tcase_add_test(tc, uniform_integer_formula);
    tcase_add_test(tc, uniform_integer_bounds_inclusive);
    tcase_add_test(tc, uniform_float_half_open);
    tcase_add_test(tc, normal_moments);
    tcase_add_test(tc, sequence_wraps);
    tcase_add_test(tc, same_values_any_split);
    tcase_add_test(tc, seed_changes_values);
    tcase_add_test(tc, spec_errors);
    suite_add_tcase(s, tc);
    return s;
}
