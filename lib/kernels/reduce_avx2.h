/* The float64 default set's block (FUSED_F's contract: min, max, the exact sum
 * and the exact sum of shifted squares), written for AVX2 + FMA with intrinsics
 * (included once, by reduce.c). On a CPU with AVX2 but no AVX-512 the
 * auto-vectorised clones kept their lanes' accumulators in memory (a store and a
 * reload per accumulator and step) and ran every operation of the extraction on
 * the FADD pipes. Here each level's q are counted in 64-bit integers (t's bits,
 * see AVX2_LEVEL), which leaves room for levels 51 bits apart instead of 41:
 * the squares need two levels, not three (a residual only below 2^-50 of the
 * block's largest square), and the sum two. A third of the adds are
 * multiply-adds by one (the same rounding) on the FMA pipes. Every sum is
 * exact, so results are the clones' bit for bit (tests/unit/test_reduce_clones.c).
 * PARIO_REDUCE_KERNEL=avx512|avx2|clones chooses (the default, reduce_path():
 * the AVX-512 intrinsics of reduce_avx512.h on an AMD CPU with AVX-512, these on
 * a CPU with AVX2 and FMA but not AVX-512, the clones on an Intel CPU with
 * AVX-512, which keep 8 lanes in a register and met the targets there). */
#include <immintrin.h>
#include <stdlib.h>

#define AVX2_TARGET __attribute__((target("avx2,fma")))

/* 0: the clones; 1: these AVX2 intrinsics; 2: the AVX-512 ones (reduce_avx512.h) */
enum { PATH_CLONES, PATH_AVX2, PATH_AVX512 };
static int path_choice = -1;
static int reduce_path(void)
{
    if (path_choice < 0) {
        const char *e = getenv("PARIO_REDUCE_KERNEL");
        __builtin_cpu_init();
        const int can2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        const int can512 = can2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
        if (e && strcmp(e, "avx512") == 0)
            path_choice = can512 ? PATH_AVX512 : can2 ? PATH_AVX2 : PATH_CLONES;
        else if (e && strcmp(e, "avx2") == 0)
            path_choice = can2 ? PATH_AVX2 : PATH_CLONES;
        else if (e && strcmp(e, "clones") == 0)
            path_choice = PATH_CLONES;
        else /* the AVX-512 clones met the targets on the Intel Xeon; an AMD EPYC
              * with AVX-512 ran them at 2.2-2.6x of cat (issue 11): there the
              * AVX-512 intrinsics, and the AVX2 ones on a CPU without AVX-512 */
            path_choice = can512 && __builtin_cpu_is("amd") ? PATH_AVX512 : can2 && !can512 ? PATH_AVX2
                                                                                            : PATH_CLONES;
    }
    return path_choice;
}
/* an intrinsics path (either) */
static int avx2_paths(void)
{
    return reduce_path() != PATH_CLONES;
}

/* A level: t = sigma + v (sigma = 1.5 * 2^k, |v| < 2^(k-1): t stays in sigma's
 * binade, whose grid is 2^(k-52)); ACC += t's bits, which are sigma's plus the
 * grid steps of q = t - sigma; R = v - q, exactly. */
#define AVX2_LEVEL(V, SIG, ACC, R)                                                     \
    do {                                                                               \
        __m256d t_ = _mm256_fmadd_pd((V), one, (SIG));                                 \
        ACC = _mm256_add_epi64(ACC, _mm256_castpd_si256(t_));                          \
        R = _mm256_sub_pd((V), _mm256_sub_pd(t_, (SIG)));                              \
    } while (0)

AVX2_TARGET static uint64_t avx2_hsum64(__m256i a)
{
    uint64_t l[4];
    _mm256_storeu_si256((__m256i *)l, a);
    return l[0] + l[1] + l[2] + l[3];
}

/* The lanes' min and max into one each (lane 0 first, as one by one) */
AVX2_TARGET static inline void avx2_lanes_minmax(__m256d lo, __m256d hi, double *l, double *h)
{
    double l4[4], h4[4];
    _mm256_storeu_pd(l4, lo);
    _mm256_storeu_pd(h4, hi);
    *l = l4[0];
    *h = h4[0];
    for (int j = 1; j < 4; j++) {
        *l = l4[j] < *l ? l4[j] : *l;
        *h = h4[j] > *h ? h4[j] : *h;
    }
}

/* The levels' sigmas for a block whose |x| < 2^e and shifted squares < 2^e2:
 * the sum's at 2^(e+1) and 2^(e-50), the squares' likewise (times 1.5). A level
 * adds at most 2048 values of under 2^51 steps: its sum stays under 2^62. */
static void avx2_sigmas(int e, int e2, double sig[4])
{
    sig[0] = 1.5 * ldexp(1.0, e + 1);
    sig[1] = 1.5 * ldexp(1.0, e - 50);
    sig[2] = 1.5 * ldexp(1.0, e2 + 1);
    sig[3] = 1.5 * ldexp(1.0, e2 - 50);
}

struct avx2_levels {
    int64_t steps[4]; /* the levels' sums in their grids' steps */
    int nonfinite;    /* a NaN or an infinity is in the block */
};

/* The sweeps' steps one value at a time, for x[i0..n) (the values past the
 * last vector): the min and max into *l and *h, the levels' t bits into L, the
 * residuals' bits into *R (onev: 1, kept as a multiply). */
AVX2_TARGET static inline void sweep_tail(const double *x, size_t i0, size_t n, const double sig[4], double sh,
                                          double onev, const int sq, uint64_t L[4], uint64_t *R, double *l,
                                          double *h)
{
    for (size_t i = i0; i < n; i++) {
        double v = x[i], vals[2] = { v, (v - sh) * (v - sh) };
        *l = v < *l ? v : *l;
        *h = v > *h ? v : *h;
        for (int k = 0; k < 1 + sq; k++) {
            double t = __builtin_fma(vals[k], onev, sig[2 * k]), e = vals[k] - (t - sig[2 * k]), f;
            uint64_t tb;
            memcpy(&tb, &t, sizeof tb);
            L[2 * k] += tb;
            t = __builtin_fma(e, onev, sig[2 * k + 1]);
            f = e - (t - sig[2 * k + 1]);
            memcpy(&tb, &t, sizeof tb);
            L[2 * k + 1] += tb;
            memcpy(&tb, &f, sizeof tb);
            *R |= tb;
        }
    }
}

/* A sweep of n values ends: its levels' t bits (L) as grid steps into lv, and
 * 1 when a residual was left (R: the residuals' bits or-ed), with
 * lv->nonfinite when the block holds a NaN or an infinity (which leave a NaN
 * residual: only then is the block searched). */
static inline int sweep_end(const double *x, size_t n, const double sig[4], const uint64_t L[4], uint64_t R,
                            const int sq, struct avx2_levels *lv)
{
    for (int k = 0; k < 2 + 2 * sq; k++) {
        uint64_t sb;
        memcpy(&sb, &sig[k], sizeof sb);
        lv->steps[k] = (int64_t)(L[k] - (uint64_t)n * sb); /* mod 2^64 */
    }
    const int res = (R & ~((uint64_t)1 << 63)) != 0; /* a -0.0 residual is none */
    lv->nonfinite = 0;
    for (size_t k = 0; res && k < n; k++)
        if (isnan(x[k]) || isinf(x[k])) {
            lv->nonfinite = 1;
            break;
        }
    return res;
}

/* One sweep of a block: min, max and the sum's two levels, and with sq the
 * squares' two; returns 1 when some value left a residual below a second level.
 * (Inlined into its two callers, so that sq is a constant in each.) */
AVX2_TARGET static inline __attribute__((always_inline)) int sweep_avx2(const double *restrict x, size_t n,
                                                                        const double sig[4], double sh,
                                                                        struct avx2_levels *lv, double *mn,
                                                                        double *mx, const int sq)
{
    const __m256d vxa = _mm256_set1_pd(sig[0]), vxb = _mm256_set1_pd(sig[1]);
    const __m256d vsa = _mm256_set1_pd(sig[2]), vsb = _mm256_set1_pd(sig[3]), vsh = _mm256_set1_pd(sh);
    double onev = 1.0;
    __asm__("" : "+x"(onev)); /* kept as a multiply by 1 */
    const __m256d one = _mm256_set1_pd(onev);
    __m256i u = _mm256_setzero_si256(), w = u, a = u, b = u, r = u;
    __m256d lo = _mm256_set1_pd(x[0]), hi = lo;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        PREFETCH(x + i);
        __m256d v = _mm256_loadu_pd(x + i), e, f;
        lo = _mm256_min_pd(v, lo); /* v < lo ? v : lo: a NaN is not taken */
        hi = _mm256_max_pd(v, hi);
        AVX2_LEVEL(v, vxa, u, e);
        AVX2_LEVEL(e, vxb, w, f);
        if (sq) {
            __m256d d = _mm256_sub_pd(v, vsh);
            __m256d q = _mm256_mul_pd(d, d);
            AVX2_LEVEL(q, vsa, a, e);
            r = _mm256_or_si256(r, _mm256_castpd_si256(f));
            AVX2_LEVEL(e, vsb, b, f);
        }
        r = _mm256_or_si256(r, _mm256_castpd_si256(f));
    }
    uint64_t L[4] = { avx2_hsum64(u), avx2_hsum64(w), avx2_hsum64(a), avx2_hsum64(b) }, R, lanes[4];
    _mm256_storeu_si256((__m256i *)lanes, r);
    R = lanes[0] | lanes[1] | lanes[2] | lanes[3];
    double l, h;
    avx2_lanes_minmax(lo, hi, &l, &h);
    sweep_tail(x, i, n, sig, sh, onev, sq, L, &R, &l, &h);
    *mn = l;
    *mx = h;
    return sweep_end(x, n, sig, L, R, sq, lv);
}

AVX2_TARGET static int spb_f64_avx2(const double *restrict x, size_t n, const double sig[4], double sh,
                                    struct avx2_levels *lv, double *mn, double *mx)
{
    return sweep_avx2(x, n, sig, sh, lv, mn, mx, 1);
}

AVX2_TARGET static int sps_f64_avx2(const double *restrict x, size_t n, const double sig[4],
                                    struct avx2_levels *lv, double *mn, double *mx)
{
    return sweep_avx2(x, n, sig, 0, lv, mn, mx, 0);
}

/* The min/max sweeps' values past the last vector, from the lanes' l and h:
 * 1 and *mn, *mx, or 0 at a NaN or an infinity */
static inline int mm_tail(const double *x, size_t i, size_t n, double l, double h, double *mn, double *mx)
{
    for (; i < n; i++) {
        if (!(fabs(x[i]) < HUGE_VAL))
            return 0;
        l = x[i] < l ? x[i] : l;
        h = x[i] > h ? x[i] : h;
    }
    *mn = l;
    *mx = h;
    return 1;
}

/* min and max of a block with no NaN and no infinity in it: 1; else 0 (the
 * general path sorts such a block out) */
AVX2_TARGET static int mm_f64_avx2(const double *restrict x, size_t n, double *mn, double *mx)
{
    __m256d lo = _mm256_set1_pd(x[0]), hi = lo, bad = _mm256_setzero_pd();
    const __m256d inf = _mm256_set1_pd(HUGE_VAL), absm = _mm256_castsi256_pd(_mm256_set1_epi64x(INT64_MAX));
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        PREFETCH(x + i);
        __m256d v = _mm256_loadu_pd(x + i);
        lo = _mm256_min_pd(v, lo);
        hi = _mm256_max_pd(v, hi);
        /* |v| == inf or v unordered: not less than inf */
        bad = _mm256_or_pd(bad, _mm256_cmp_pd(_mm256_and_pd(v, absm), inf, _CMP_NLT_UQ));
    }
    if (!_mm256_testz_pd(bad, bad))
        return 0;
    double l, h;
    avx2_lanes_minmax(lo, hi, &l, &h);
    return mm_tail(x, i, n, l, h, mn, mx);
}

/* The residuals a sweep left, one value at a time (the same arithmetic): the
 * sum's, and with sq the squares'. */
static void resid_f64_avx2(const double *x, size_t n, const double sig[4], double sh, pario_acc *out, int sq)
{
    for (size_t i = 0; i < n; i++) {
        double d = x[i] - sh, vals[2] = { x[i], d * d };
        for (int k = 0; k < 1 + sq; k++) {
            double v = vals[k], q1 = (sig[2 * k] + v) - sig[2 * k], r1 = v - q1;
            double q2 = (sig[2 * k + 1] + r1) - sig[2 * k + 1], r2 = r1 - q2;
            if (r2 != 0)
                pario_xsum_add(k ? &out->s2 : &out->s1, r2);
        }
    }
}

/* A block's sweep at given sigmas (spb_f64_avx2's contract; sh unused without
 * the squares); a sweep that takes a histogram's table of pairs (the AVX-512
 * ones) counts the block into hp when hp is not NULL */
struct hist_pairs;
typedef int (*sweep_fn)(const double *restrict x, size_t n, const double sig[4], double sh,
                        struct avx2_levels *lv, double *mn, double *mx, struct hist_pairs *hp);

AVX2_TARGET static int spb_f64_avx2_hp(const double *restrict x, size_t n, const double sig[4], double sh,
                                       struct avx2_levels *lv, double *mn, double *mx, struct hist_pairs *hp)
{
    (void)hp;
    return spb_f64_avx2(x, n, sig, sh, lv, mn, mx);
}

AVX2_TARGET static int sps_f64_avx2_hp(const double *restrict x, size_t n, const double sig[4], double sh,
                                       struct avx2_levels *lv, double *mn, double *mx, struct hist_pairs *hp)
{
    (void)sh;
    (void)hp;
    return sps_f64_avx2(x, n, sig, lv, mn, mx);
}

/* FUSED_F's contract (reduce.c) for float64 on the intrinsics paths: with sq the
 * sum and the shifted squares, else the sum alone (sh unused); sweep is that
 * path's (with or without the squares, as sq says). With hp (and a sweep that
 * counts, hs), the block's histogram is counted by exactly one of its sweeps, and
 * *hdone says so (else the caller counts it). */
static int fused_avx2(const double *p, size_t nb, double sh, pario_acc *out, double *pmn, double *pmx,
                      struct guess *g, const int sq, sweep_fn sweep, const int hs, struct hist_pairs *hp,
                      int *hdone)
{
    double mn, mx, sig[4];
    struct avx2_levels lv;
    int res = 0, ge, ge2, e, e2;
    const int swept = guess_take(g, &ge, &ge2);
    struct hist_pairs *h1 = hs ? hp : NULL;
    *hdone = 0;
    if (swept) {
        avx2_sigmas(ge, ge2, sig);
        res = sweep(p, nb, sig, sh, &lv, &mn, &mx, h1);
        *hdone = h1 != NULL;
    } else {
        mm_f64(p, nb, &mn, &mx);
    }
    *pmn = mn;
    *pmx = mx;
    /* the lowest e keeps the second levels' grids, 2^(e-102) and 2^(e2-102),
     * above 2^-1074 */
    const int again = guess_settle(g, swept, ge, ge2, res, mn, mx, sh, -960, &e, &e2);
    if (again < 0)
        return 0;
    if (again) {
        avx2_sigmas(e, e2, sig);
        res = sweep(p, nb, sig, sh, &lv, &mn, &mx, *hdone ? NULL : h1);
        *hdone = h1 != NULL;
    }
    if (res && lv.nonfinite)
        return 0;
    for (int k = 0; k < (sq ? 4 : 2); k++) {
        int64_t s = lv.steps[k];
        pario_xsum_add_int(k < 2 ? &out->s1 : &out->s2, s < 0, 0, s < 0 ? -(uint64_t)s : (uint64_t)s,
                           ilogb(sig[k]) - 52);
    }
    if (res)
        resid_f64_avx2(p, nb, sig, sh, out, sq);
    return 1;
}
