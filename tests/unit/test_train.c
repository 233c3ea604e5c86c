/* The training shuffle: a permutation of 0..n-1 for every n, seed and epoch
 * (including n = 1, powers of 4 and their neighbours, where the Feistel domain
 * is exact or nearly 4n), different between epochs, and the segment kernel's
 * results in the documented order of operations. */
#include <check.h>
#include "check_run.h"
#include <stdlib.h>
#include <float.h>
#include <math.h>
#include <string.h>
#include "pario/train.h"
#include "pario/xsum.h"
#include "train_model.h"
#include "loghist.h"
#include "train_internal.h"
/* the kernel's exp and log (tests/mpi/train_ref.py checks them against libm),
 * compiled as the kernel is: no fused multiply-adds */
#pragma GCC optimize("fp-contract=off")
#include "../../lib/kernels/xmath.h"

START_TEST(perm_is_a_permutation)
{
    const uint64_t ns[] = { 1, 2, 3, 4, 5, 15, 16, 17, 61, 63, 64, 65, 1000, 4095, 4096, 4097, 100003 };
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
        uint64_t n = ns[k];
        unsigned char *seen = calloc(n, 1);
        for (uint64_t seed = 0; seed < 3; seed++)
            for (uint64_t e = 0; e < 3; e++) {
                memset(seen, 0, n);
                pario_perm p;
                pario_perm_init(&p, n, seed, e);
                for (uint64_t i = 0; i < n; i++) {
                    uint64_t v = pario_perm_at(&p, i);
                    ck_assert_uint_lt(v, n);
                    ck_assert_int_eq(seen[v], 0);
                    seen[v] = 1;
                    ck_assert_uint_eq(pario_perm_index(&p, v), i);   /* the inverse */
                }
                /* the vector form (8 lanes, a cycle walk per lane) gives the
                 * same values, for runs of every length 1..19 from any start */
                uint64_t pos[19], out[19];
                for (uint64_t len = 1; len <= 19; len++)
                    for (uint64_t s0 = 0; s0 < n; s0 += 1 + n / 7) {
                        for (uint64_t j = 0; j < len; j++)
                            pos[j] = (s0 + j * 3) % n;
                        pario_perm_at_n(&p, pos, out, len);
                        for (uint64_t j = 0; j < len; j++)
                            ck_assert_uint_eq(out[j], pario_perm_at(&p, pos[j]));
                    }
            }
        free(seen);
    }
}
END_TEST

START_TEST(epochs_differ)
{
    pario_perm a, b;
    pario_perm_init(&a, 1000, 7, 0);
    pario_perm_init(&b, 1000, 7, 1);
    int same = 0;
    for (uint64_t i = 0; i < 1000; i++)
        same += pario_perm_at(&a, i) == pario_perm_at(&b, i);
    ck_assert_int_lt(same, 20);
}
END_TEST

/* The segment kernel (vectorised, cloned) against the documented order written
 * plainly: 8 lanes of the dot product (j mod 8) combined pairwise, the
 * gradient of the rows added in row order, weight by weight. */
START_TEST(segment_matches_documented_order)
{
    enum { F = 19, K = 3, NW = K * (F + 1), M = 37 };
    static double w[NW], x[M * F], y[M], g[NW], ref[NW], loss[M], z[2 * K];
    for (int i = 0; i < NW; i++)
        w[i] = (i % 5 - 2) * 0.37 + 1e-3 * i;
    for (int i = 0; i < M * F; i++)
        x[i] = (double)((i * 7919) % 1000) / 37.0 - 13.0 + (i % 11 == 0 ? 1e12 : 0);
    for (int i = 0; i < M; i++)
        y[i] = i % K;
    uint64_t correct = 0;
    pario_train_segment(PARIO_TRAIN_SOFTMAX, w, F, K, x, y, M, g, loss, &correct, z);
    volatile double v; /* keeps the reference's operations as written */
    for (int i = 0; i < M; i++) {
        double zz[K], e[K], s = 0, mx;
        int best = 0;
        for (int c = 0; c < K; c++) {
            double l[8] = { 0 };
            for (int j = 0; j < F; j++)
                v = w[c * (F + 1) + j] * x[i * F + j], l[j % 8] = l[j % 8] + v;
            zz[c] = (((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]))) + w[c * (F + 1) + F];
            if (zz[c] > zz[best])
                best = c;
        }
        mx = zz[best];
        for (int c = 0; c < K; c++)
            e[c] = xexp(zz[c] - mx), s += e[c];
        for (int c = 0; c < K; c++) {
            double r = e[c] / s - (c == (int)y[i] ? 1.0 : 0.0);
            for (int j = 0; j < F; j++)
                v = r * x[i * F + j], ref[c * (F + 1) + j] = ref[c * (F + 1) + j] + v;
            ref[c * (F + 1) + F] = ref[c * (F + 1) + F] + r;
        }
        ck_assert(loss[i] == xlog(s) - (zz[(int)y[i]] - mx));
    }
    for (int i = 0; i < NW; i++)
        ck_assert(g[i] == ref[i]);
}
END_TEST

/* The documented order of operations written plainly, one row at a time (the
 * reference for the kernel's blocked schedule): rows x (doubles), k classes
 * for softmax (else 1), gradient added into g. Returns 1 when every z was finite. */
static int ref_segment(int model, const double *w, int f, int k, const double *x, const double *y, int m, double *g,
                       double *loss, uint64_t *correct)
{
    volatile double v; /* keeps the reference's operations as written */
    int nk = model == PARIO_TRAIN_SOFTMAX ? k : 1, finite = 1;
    double zz[80], r[80];
    for (int i = 0; i < m; i++) {
        const double *xi = x + (size_t)i * f;
        for (int c = 0; c < nk; c++) {
            double l[8] = { 0 };
            for (int j = 0; j < f; j++)
                v = w[c * (f + 1) + j] * xi[j], l[j % 8] = l[j % 8] + v;
            zz[c] = (((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]))) + w[c * (f + 1) + f];
            finite &= isfinite(zz[c]) != 0;
        }
        if (model == PARIO_TRAIN_LINEAR) {
            r[0] = zz[0] - y[i];
            v = r[0] * r[0];
            loss[i] = v / 2;
        } else if (model == PARIO_TRAIN_LOGISTIC) {
            double z = zz[0], e = xexp(-fabs(z)), d = 1.0 + e;
            r[0] = (z >= 0 ? 1.0 : e) / d - y[i];
            v = y[i] * z;
            loss[i] = (xlog1p(e) + (z > 0 ? z : 0.0)) - v;
            *correct += (z > 0) == (y[i] == 1.0);
        } else {
            int best = 0, yc = (int)y[i];
            for (int c = 1; c < nk; c++)
                if (zz[c] > zz[best])
                    best = c;
            double mx = zz[best], s = 0.0, e[80];
            for (int c = 0; c < nk; c++)
                e[c] = xexp(zz[c] - mx), s = s + e[c];
            for (int c = 0; c < nk; c++)
                r[c] = e[c] / s - (c == yc ? 1.0 : 0.0);
            loss[i] = xlog(s) - (zz[yc] - mx);
            *correct += best == yc;
        }
        for (int c = 0; c < nk; c++) {
            for (int j = 0; j < f; j++)
                v = r[c] * xi[j], g[c * (f + 1) + j] = g[c * (f + 1) + j] + v;
            g[c * (f + 1) + f] = g[c * (f + 1) + f] + r[c];
        }
    }
    return finite;
}

/* The kernel (rows of doubles and of float32, blocked, with the tails of rows
 * and columns that are not multiples of 8, every size of its groups of weights
 * (45: 32 + 8 + 5), blocks of fewer rows for wider rows (300), and the
 * row-at-a-time path it keeps for very wide rows or many classes) gives the
 * reference's bits: gradient (added to a gradient that is not zero), losses,
 * rows right, and says when a score was not finite. */
START_TEST(segment_matches_reference)
{
    static const int fs[] = { 1, 7, 8, 13, 45, 64, 67, 300, 1031 }, ms[] = { 1, 3, 64, 65 };
    enum { FMAX = 1031, MMAX = 65, KMAXT = 70 };
    static float xf[MMAX * FMAX];
    static double x[MMAX * FMAX], w[KMAXT * (FMAX + 1)], y[MMAX], g[KMAXT * (FMAX + 1)], gr[KMAXT * (FMAX + 1)],
        loss[MMAX], lr[MMAX], z[2 * KMAXT * MMAX];
    unsigned rs = 99;
    int cases = 0;
    for (size_t a = 0; a < sizeof fs / sizeof fs[0]; a++)
        for (size_t b = 0; b < sizeof ms / sizeof ms[0]; b++)
            for (int model = 0; model < 3; model++)
                for (int kk = 0; kk < 2; kk++) {
                    int f = fs[a], m = ms[b], k = model == PARIO_TRAIN_SOFTMAX ? (kk ? 67 : 3) : 1;
                    if (kk && (model != PARIO_TRAIN_SOFTMAX || f > 13))
                        continue;   /* many classes: softmax, narrow rows */
                    for (int i = 0; i < m * f; i++) {
                        rs = rs * 1103515245u + 12345u;
                        xf[i] = (float)((int)(rs >> 9) % 20001 - 10000) / 1024.0f;
                        if (rs % 97 == 0)
                            xf[i] = 0x1p40f;   /* scores far from 0 */
                        x[i] = xf[i];
                    }
                    for (int j = 0; j < k * (f + 1); j++) {
                        rs = rs * 1103515245u + 12345u;
                        w[j] = ((int)(rs >> 8) % 2001 - 1000) / (300.0 * f);
                    }
                    for (int i = 0; i < m; i++)
                        y[i] = model == PARIO_TRAIN_LINEAR ? i * 0.37 - 5 : model == PARIO_TRAIN_LOGISTIC ? i % 3 == 0
                                                                                                          : (i * 7) % k;
                    for (int p = 0; p < 2; p++) {   /* rows of doubles, of float32 */
                        for (int j = 0; j < k * (f + 1); j++)
                            g[j] = gr[j] = j * 0.25 - 3.0;
                        uint64_t c1 = 5, c2 = 5;
                        int ok1 = ref_segment(model, w, f, k, x, y, m, gr, lr, &c1);
                        int ok2 = p ? pario_train_segment_f32((pario_train_model)model, w, f, k, xf, y, m, g, loss,
                                                              &c2, z, xf, sizeof(float) * m * f)
                                    : pario_train_segment((pario_train_model)model, w, f, k, x, y, m, g, loss, &c2, z);
                        ck_assert_msg(ok1 && ok2 && c1 == c2, "f %d m %d model %d k %d %s", f, m, model, k,
                                      p ? "f32" : "f64");
                        ck_assert_msg(memcmp(g, gr, sizeof *g * k * (f + 1)) == 0 &&
                                          memcmp(loss, lr, sizeof *loss * m) == 0,
                                      "f %d m %d model %d k %d %s: bits differ", f, m, model, k, p ? "f32" : "f64");
                        cases++;
                    }
                    /* an inf in the last row (of a second block when m = 65) */
                    xf[(m - 1) * f + f / 2] = INFINITY;
                    x[(m - 1) * f + f / 2] = INFINITY;
                    uint64_t c = 0;
                    ck_assert(!pario_train_segment((pario_train_model)model, w, f, k, x, y, m, g, loss, &c, z));
                    ck_assert(!pario_train_segment_f32((pario_train_model)model, w, f, k, xf, y, m, NULL, loss, &c, z,
                                                       NULL, 0));
                }
    ck_assert_int_ge(cases, 150);
}
END_TEST

/* The exactly rounded sum of the slots' path (math.fsum's algorithm) gives the
 * bits of the exact accumulator, on sums that cancel, ties, tiny and huge
 * values; a non-finite or huge value is left to the accumulator. */
START_TEST(fsum_matches_xsum)
{
    double v[100];
    unsigned r = 12345;
    for (int t = 0; t < 2000; t++) {
        int n = 1 + t % 100;
        for (int i = 0; i < n; i++) {
            r = r * 1103515245u + 12345u;
            double m = (double)(r >> 8) / 16777216.0 - 0.5;
            int e = (int)(r % 7) * (t % 3 == 0 ? 150 : 9) - (t % 3 == 0 ? 450 : 27);
            v[i] = ldexp(m, e);
            if (t % 5 == 0 && i % 2)
                v[i] = -v[i - 1] * (1 + ldexp(1, -52) * (i % 3));   /* near cancellation */
        }
        if (t % 7 == 0)
            v[0] = 1.0, v[n - 1] = ldexp(1.0, -53);   /* a tie */
        pario_xsum a;
        pario_xsum_init(&a);
        for (int i = 0; i < n; i++)
            pario_xsum_add(&a, v[i]);
        int ok;
        double got = pario_train_fsum(v, (uint64_t)n, 1, &ok);
        ck_assert(ok);
        ck_assert_msg(got == pario_xsum_round(&a) && signbit(got) == signbit(pario_xsum_round(&a)), "case %d", t);
    }
    /* ties and near-ties, within 64 bits of exponent (the 128-bit path) and beyond */
    static const double ties[][3] = { { 1.0, 0x1p-53, 0 }, { 1.0 + 0x1p-52, 0x1p-53, 0 }, { 1.0, 0x1p-53, 0x1p-60 },
                                      { -1.0, -0x1p-53, 0x1p-100 }, { 1.0, 0x1p-53, -0x1p-110 },
                                      { 0x1p60, -1.0, 0x1p-5 }, { 3.0, -3.0, 0.0 } };
    for (size_t t = 0; t < sizeof ties / sizeof ties[0]; t++) {
        pario_xsum a;
        pario_xsum_init(&a);
        for (int i = 0; i < 3; i++)
            pario_xsum_add(&a, ties[t][i]);
        int ok;
        double got = pario_train_fsum(ties[t], 3, 1, &ok);
        ck_assert_msg(ok && got == pario_xsum_round(&a) && !signbit(got) == !signbit(pario_xsum_round(&a)),
                      "tie case %zu: %a vs %a", t, got, pario_xsum_round(&a));
    }
    double bad[3] = { 1.0, INFINITY, 2.0 }, big[2] = { 0x1p1000, 1.0 };
    int ok;
    (void)pario_train_fsum(bad, 3, 1, &ok);
    ck_assert(!ok);
    (void)pario_train_fsum(big, 2, 1, &ok);
    ck_assert(!ok);
}
END_TEST

/* The slots' sums 8 weights at a time: the exact accumulator's bits wherever
 * they say ok (columns whose exponents span at most 64 bits, with zeros,
 * cancellation and ties), not ok for a wider span, a subnormal or inf. */
START_TEST(fsum_cols_matches_xsum)
{
    enum { NW = 19, N = 40 };
    static double x[N * NW], out[NW];
    unsigned char ok[NW];
    unsigned r = 777;
    for (int t = 0; t < 300; t++) {
        int n = 1 + t % N, fast = 0;
        for (int i = 0; i < NW; i++)
            for (int s = 0; s < n; s++) {
                r = r * 1103515245u + 12345u;
                double m = (double)(r >> 8) / 16777216.0 - 0.5;
                int span = i % 4 == 3 ? 90 : 60;   /* column 3 mod 4: too wide, the others within 64 bits */
                double v = ldexp(m, (int)(r % (unsigned)span) - 30);
                if ((s + i) % 5 == 0)
                    v = 0.0;
                if (t % 4 == 1 && s % 2)
                    v = -x[(s - 1) * NW + i];   /* cancellation */
                x[s * NW + i] = v;
            }
        if (t % 9 == 2)
            x[0 * NW + 1] = 1.0, x[(n - 1) * NW + 1] = n > 1 ? 0x1p-53 : 1.0;   /* a tie */
        if (t % 7 == 3)
            x[(n - 1) * NW + 2] = 0x1p-1070, x[(n - 1) * NW + 4] = INFINITY;
        pario_train_fsum_cols(x, (uint64_t)n, NW, NW, out, ok);
        for (int i = 0; i < NW; i++) {
            pario_xsum a;
            pario_xsum_init(&a);
            for (int s = 0; s < n; s++)
                pario_xsum_add(&a, x[s * NW + i]);
            /* the fast path's rule, from frexp: normal values below 2^901 whose
             * exponents span at most 64, none below 2^-943 */
            int expect = 1, emn = 4096, emx = -4096;
            for (int s = 0; s < n; s++) {
                double v = x[s * NW + i];
                int e;
                if (v == 0.0)
                    continue;
                if (!isfinite(v) || fabs(v) < DBL_MIN || fabs(v) >= 0x1p901)
                    expect = 0;
                frexp(v, &e);
                emn = e + 1022 < emn ? e + 1022 : emn;
                emx = e + 1022 > emx ? e + 1022 : emx;
            }
            if (emx >= emn && (emx - emn > 64 || emn < 80))
                expect = 0;
            ck_assert_msg(ok[i] == expect, "case %d weight %d: ok %d, expected %d", t, i, ok[i], expect);
            if (!ok[i])
                continue;
            fast++;
            ck_assert_msg(out[i] == pario_xsum_round(&a) && !signbit(out[i]) == !signbit(pario_xsum_round(&a)),
                          "case %d weight %d: %a vs %a", t, i, out[i], pario_xsum_round(&a));
            ck_assert(isfinite(out[i]) && !(t % 7 == 3 && (i == 2 || i == 4)));
        }
        ck_assert(fast >= 8);   /* the fast path served most columns */
        /* a block of columns alone (one rank's share, --allreduce shm):
         * columns 8..15 with the stride of all 19, the same bits and flags */
        double part[8];
        unsigned char pok[8];
        pario_train_fsum_cols(x + 8, (uint64_t)n, NW, 8, part, pok);
        for (int i = 0; i < 8; i++) {
            ck_assert_int_eq(pok[i], ok[8 + i]);
            ck_assert(!ok[8 + i] || memcmp(&part[i], &out[8 + i], sizeof part[i]) == 0);
        }
    }
}
END_TEST

/* The exact partials of a column's rows split among 1 to 5 parts (one rank's
 * segments each, --allreduce shm), combined: the exactly rounded sum of all the
 * rows (an accumulator's, independent of the parts), and the same flags as
 * the whole column at once; a part of zeros only, an empty part, parts whose
 * exponents are each within 64 bits but not together (not ok), and a bad
 * value in one part (not ok). */
START_TEST(fixed_partials_combine)
{
    enum { NW = 21, N = 40 };
    static double x[N * NW], out[NW], whole[NW];
    static pario_train_fixed parts[5 * NW];
    unsigned char ok[NW], wok[NW];
    unsigned r = 4242;
    int served = 0;
    for (int t = 0; t < 400; t++) {
        int n = 1 + t % N, np = 1 + t % 5;
        for (int i = 0; i < NW; i++)
            for (int s = 0; s < n; s++) {
                r = r * 1103515245u + 12345u;
                double m = (double)(r >> 8) / 16777216.0 - 0.5;
                /* column 5 mod 7: rows in the first half near 2^40, the rest near 2^-40 */
                int e = i % 7 == 5 ? (s < n / 2 ? 40 : -40) : (int)(r % 50u) - 25;
                double v = ldexp(m, e);
                if ((s + i) % 6 == 0 || i == 2)
                    v = 0.0;   /* column 2: zeros only */
                if (t % 3 == 1 && s % 2)
                    v = -x[(s - 1) * NW + i];   /* cancellation */
                x[s * NW + i] = v;
            }
        if (t % 11 == 4)
            x[(n - 1) * NW + 3] = NAN, x[0 * NW + 4] = 0x1p-1060;
        /* cut points: np parts of the rows, some of them empty */
        int cut[6];
        cut[0] = 0;
        cut[np] = n;
        for (int q = 1; q < np; q++) {
            r = r * 1103515245u + 12345u;
            cut[q] = (int)(r % (unsigned)(n + 1));
        }
        for (int q = 1; q < np; q++)   /* sorted */
            for (int j = q; j > 1 && cut[j - 1] > cut[j]; j--) {
                int c = cut[j];
                cut[j] = cut[j - 1], cut[j - 1] = c;
            }
        for (int q = 0; q < np; q++)
            pario_train_fixed_cols(x + cut[q] * NW, (uint64_t)(cut[q + 1] - cut[q]), NW, NW, parts + q * NW);
        pario_train_fixed_combine(parts, (uint64_t)np, NW, NW, (uint64_t)n, out, ok);
        pario_train_fsum_cols(x, (uint64_t)n, NW, NW, whole, wok);
        for (int i = 0; i < NW; i++) {
            ck_assert_int_eq(ok[i], wok[i]);
            if (!ok[i])
                continue;
            served++;
            pario_xsum a;
            pario_xsum_init(&a);
            for (int s = 0; s < n; s++)
                pario_xsum_add(&a, x[s * NW + i]);
            double want = pario_xsum_round(&a);
            ck_assert_msg(out[i] == want && !signbit(out[i]) == !signbit(want), "case %d weight %d: %a vs %a", t,
                          i, out[i], want);
            ck_assert(memcmp(&out[i], &whole[i], sizeof out[i]) == 0);
        }
        ck_assert(!ok[5] || n < 8);   /* the two halves' exponents 80 bits apart */
        ck_assert(ok[2] && out[2] == 0.0 && !signbit(out[2]));
        if (t % 11 == 4)
            ck_assert(!ok[3] && !ok[4]);
    }
    ck_assert(served > 400 * 15);
}
END_TEST

/* pario-train's step medians (--verbose): a log-scale histogram's quantiles
 * within 0.8% of the sorted samples' (a serial sort in the test), for
 * durations from 200 ns to 200 s, the ends clamped (50 ns up to 60 ns, 2,000 s down to 17 minutes), and 0
 * with none. */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

START_TEST(loghist_quantiles)
{
    enum { N = 5001 };
    static double v[N];
    static pario_loghist h;
    pario_loghist_init(&h);
    ck_assert(pario_loghist_quantile(&h, 0.5) == 0.0);
    unsigned r = 99;
    for (int i = 0; i < N; i++) {
        r = r * 1103515245u + 12345u;
        v[i] = 2e-7 * pow(10.0, 9.0 * (double)(r >> 8) / 16777216.0);   /* 200 ns .. 200 s */
        pario_loghist_add(&h, v[i]);
    }
    qsort(v, N, sizeof *v, cmp_double);
    const double qs[] = { 0.0, 0.1, 0.5, 0.9, 0.99, 1.0 };
    for (int k = 0; k < 6; k++) {
        int i = (int)ceil(qs[k] * N);
        double want = v[i ? i - 1 : 0], got = pario_loghist_quantile(&h, qs[k]);
        ck_assert_msg(fabs(got / want - 1.0) < 0.008, "q %g: %g vs %g", qs[k], got, want);
    }
    pario_loghist_init(&h);
    pario_loghist_add(&h, 5e-8);
    pario_loghist_add(&h, 2000.0);
    ck_assert(pario_loghist_quantile(&h, 0.0) <= 0x1.02p-24 && pario_loghist_quantile(&h, 1.0) > 1000.0);
}
END_TEST

/* float32 rows give the bits of the same rows widened; the kernel's return
 * says when a score was not finite (an inf in x), and a prefetch changes nothing. */
START_TEST(segment_f32_matches_widened)
{
    enum { F = 21, M = 29 };
    static float xf[M * F];
    static double x[M * F], w[F + 1], y[M], g1[F + 1], g2[F + 1], l1[M], l2[M], z[2 * M];
    for (int i = 0; i < M * F; i++)
        x[i] = xf[i] = (float)((i * 7919) % 1000) / 37.0f - 13.0f;
    for (int j = 0; j <= F; j++)
        w[j] = (j % 5 - 2) * 0.11 + 1e-3 * j;
    for (int i = 0; i < M; i++)
        y[i] = i % 3 == 0;
    for (int model = 0; model < 3; model++) {
        uint64_t c1 = 0, c2 = 0, k = model == PARIO_TRAIN_SOFTMAX ? 1 : 1;
        memset(g1, 0, sizeof g1);
        memset(g2, 0, sizeof g2);
        int ok1 = pario_train_segment((pario_train_model)model, w, F, k, x, y, M, g1, l1, &c1, z);
        int ok2 = pario_train_segment_f32((pario_train_model)model, w, F, k, xf, y, M, g2, l2, &c2, z, xf, sizeof xf);
        ck_assert(ok1 && ok2 && c1 == c2);
        for (int j = 0; j <= F; j++)
            ck_assert(g1[j] == g2[j]);
        for (int i = 0; i < M; i++)
            ck_assert(l1[i] == l2[i]);
    }
    uint64_t c = 0;
    xf[17 * F + 20] = INFINITY;
    ck_assert(!pario_train_segment_f32(PARIO_TRAIN_LOGISTIC, w, F, 1, xf, y, M, g2, l2, &c, z, NULL, 0));
    w[20] = 0.0;   /* 0 inf is NaN: still not finite */
    ck_assert(!pario_train_segment_f32(PARIO_TRAIN_LINEAR, w, F, 1, xf, y, M, g2, l2, &c, z, NULL, 0));
}
END_TEST

/* The ranks' shares of a batch follow their speeds: a rank 3x as fast gets
 * 3/4 of the rows, the shares stay within [1/2, 2] of an even one, and a rank
 * without a speed yet (0, NaN) leaves them even. */
START_TEST(shares_follow_speeds)
{
    double rates[4], cum[5];
    struct train t;
    memset(&t, 0, sizeof t);
    t.rates = rates;
    t.cum = cum;
    t.p = 2;
    rates[0] = 1.0, rates[1] = 3.0;
    pario_train_shares(&t);
    ck_assert(cum[0] == 0.0 && fabs(cum[1] - 0.25) < 1e-15 && cum[2] == 1.0);
    rates[1] = 100.0;   /* rank 0: 2/101 of an even share, raised to 1/2 */
    pario_train_shares(&t);
    ck_assert(fabs(cum[1] - 0.5 / (0.5 + 200.0 / 101.0)) < 1e-15 && cum[2] == 1.0);
    t.p = 3;
    rates[0] = 1.0, rates[1] = 1.0, rates[2] = 1000.0;   /* rank 2: ~3 even shares, lowered to 2 */
    pario_train_shares(&t);
    ck_assert(fabs(cum[1] - 0.5 / 3.0) < 1e-15 && fabs(cum[2] - 1.0 / 3.0) < 1e-15 && cum[3] == 1.0);
    t.p = 4;
    rates[0] = 2.0, rates[1] = 2.0, rates[2] = 0.0, rates[3] = 2.0;
    pario_train_shares(&t);
    for (int r = 0; r <= 4; r++)
        ck_assert(cum[r] == r / 4.0);
    rates[2] = NAN;
    pario_train_shares(&t);
    ck_assert(cum[2] == 0.5);
    rates[2] = 2.0;
    pario_train_shares(&t);
    for (int r = 0; r <= 4; r++)
        ck_assert(fabs(cum[r] - r / 4.0) < 1e-15);
}
END_TEST

/* A rank's speed for the shares: the median of its steps' time per row, so
 * that steps stalled by another job (a quarter of them here, 100x longer) do
 * not move it; none before 16 steps; the bare struct of the test above: rows
 * over kernel seconds. */
START_TEST(rate_is_robust_to_stalls)
{
    static pario_loghist h[PARIO_TRAIN_HISTS];
    struct train t;
    memset(&t, 0, sizeof t);
    t.hist = h;
    for (int i = 0; i < PARIO_TRAIN_HISTS; i++)
        pario_loghist_init(&h[i]);
    for (int i = 0; i < 15; i++)
        pario_loghist_add(&h[PARIO_TRAIN_HIST_ROW], 50e-6);
    ck_assert(pario_train_rate(&t) == 0.0);
    for (int i = 0; i < 200; i++)   /* 1,000 rows in 50 us (45-55), and every 4th step 5 ms */
        pario_loghist_add(&h[PARIO_TRAIN_HIST_ROW], i % 4 == 3 ? 5e-3 : 45e-6 + 10e-6 * (double)(i % 11) / 10.0);
    double r = pario_train_rate(&t);
    ck_assert_msg(fabs(r / 2e7 - 1.0) < 0.04, "rate %g", r);
    t.hist = NULL;
    t.rows_done = 1000.0, t.secs[0] = 0.5;
    ck_assert(pario_train_rate(&t) == 2000.0);
}
END_TEST

/* The labels' fast check against the definitions written plainly: logistic
 * 0 or 1 (-0.0 is 0), linear finite; one odd value at each place of arrays of
 * 1 to 17 good ones; softmax always to the caller. */
START_TEST(labels_ok_matches_definition)
{
    const double odd[] = { 0.0, -0.0, 1.0, 2.0, 0.5, -1.0, NAN, INFINITY, -INFINITY, 1e308, 0x1p-1070, 0x1.0000000000001p0 };
    double y[17];
    for (int model = 0; model < 2; model++) {
        pario_train_model md = model ? PARIO_TRAIN_LINEAR : PARIO_TRAIN_LOGISTIC;
        for (size_t k = 0; k < sizeof odd / sizeof odd[0]; k++)
            for (int m = 1; m <= 17; m++)
                for (int at = 0; at < m; at++) {
                    for (int i = 0; i < m; i++)
                        y[i] = i % 2 ? 1.0 : 0.0;
                    y[at] = odd[k];
                    double v = odd[k];
                    int want = md == PARIO_TRAIN_LOGISTIC ? (v == 0.0 || v == 1.0) : isfinite(v);
                    ck_assert_int_eq(pario_train_labels_ok(md, y, (uint64_t)m), want);
                }
    }
    y[0] = 0.0;
    ck_assert_int_eq(pario_train_labels_ok(PARIO_TRAIN_SOFTMAX, y, 1), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("train");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, perm_is_a_permutation);
    tcase_add_test(tc, epochs_differ);
    tcase_add_test(tc, segment_matches_documented_order);
    tcase_add_test(tc, segment_matches_reference);
    tcase_add_test(tc, fsum_matches_xsum);
    tcase_add_test(tc, fsum_cols_matches_xsum);
    tcase_add_test(tc, fixed_partials_combine);
    tcase_add_test(tc, loghist_quantiles);
    tcase_add_test(tc, segment_f32_matches_widened);
    tcase_add_test(tc, shares_follow_speeds);
    tcase_add_test(tc, rate_is_robust_to_stalls);
    tcase_add_test(tc, labels_ok_matches_definition);
    suite_add_tcase(s, tc);
    int failed = pario_check_run(s);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
