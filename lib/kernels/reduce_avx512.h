/* The float64 default set's block and its paired histogram in AVX-512
 * intrinsics (included once, by reduce.c, after reduce_avx2.h and hist_avx2.h,
 * whose arithmetic this is, 8 doubles and 16 floats a vector instead of 4 and 8:
 * the same levels, sigmas and integer step counts, the same single-precision
 * bins and edge marks). On an AMD EPYC with AVX-512 (Zen 5: 512-bit pipes) the
 * AVX2 intrinsics left half of each pipe idle, and the auto-vectorised clones
 * run three levels for the squares where these run two. Every sum is exact and
 * every bin numpy's, so results are the other paths' bit for bit
 * (tests/unit/test_reduce_clones.c, tests/unit/reduce_paths.sh). */

#define AVX512_TARGET __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")))

#define AVX512_LEVEL(V, SIG, ACC, R)                                                   \
    do {                                                                               \
        __m512d t_ = _mm512_fmadd_pd((V), one, (SIG));                                 \
        ACC = _mm512_add_epi64(ACC, _mm512_castpd_si512(t_));                          \
        R = _mm512_sub_pd((V), _mm512_sub_pd(t_, (SIG)));                              \
    } while (0)
/* the same level with its two exact subtractions as multiply-adds by one (the
 * same results, on the multiply pipes instead of the add pipes) */
#define AVX512_LEVEL_M(V, SIG, ACC, R)                                                 \
    do {                                                                               \
        __m512d t_ = _mm512_fmadd_pd((V), one, (SIG));                                 \
        ACC = _mm512_add_epi64(ACC, _mm512_castpd_si512(t_));                          \
        R = _mm512_fnmadd_pd(_mm512_fmsub_pd(t_, one, (SIG)), one, (V));               \
    } while (0)

/* The 8 lanes' sum, wrapping as uint64 (see sweep_avx512). */
AVX512_TARGET static inline uint64_t avx512_hsum64(__m512i v)
{
    uint64_t l[8];
    _mm512_storeu_si512((void *)l, v);
    return l[0] + l[1] + l[2] + l[3] + l[4] + l[5] + l[6] + l[7];
}

/* hist_c8's arithmetic for 16 values, from two vectors of 8 (va's in lanes 0-7,
 * vb's in 8-15) */
AVX512_TARGET static inline __m512 hist_c2x8(__m512d va, __m512d vb, __m512d vlo, __m512 vnorm, __m512 vhalf,
                                              __m512 cmin, __m512 cmax)
{
    __m256 lo8 = _mm512_cvtpd_ps(_mm512_sub_pd(va, vlo));
    __m256 hi8 = _mm512_cvtpd_ps(_mm512_sub_pd(vb, vlo));
    __m512 f = _mm512_fmadd_ps(_mm512_insertf32x8(_mm512_castps256_ps512(lo8), hi8, 1), vnorm, vhalf);
    return _mm512_min_ps(_mm512_max_ps(f, cmin), cmax); /* NaN -> 1/4: bin 0 */
}

/* sweep_avx2's contract, 16 values a step: x[i..i+8) and x[half+i..half+i+8)
 * (half: n / 2 rounded down to 8), 8 lanes a vector (the lanes' order of min
 * and max does not matter: min and max are exact); with hs, those 8 pairs of
 * values also go into hp's table of pairs in the same step (hist_pairs_add's
 * arithmetic and marks), and the values past the last step into hp's counts: the
 * block's histogram costs no sweep of its own, and its table's increments (load
 * and store pipes) run beside the levels' vector operations. */
AVX512_TARGET static inline __attribute__((always_inline)) int
sweep_avx512(const double *restrict x, size_t n, const double sig[4], double sh, struct avx2_levels *lv, double *mn,
             double *mx, const int sq, const int hs, struct hist_pairs *hp)
{
    const __m512d vxa = _mm512_set1_pd(sig[0]), vxb = _mm512_set1_pd(sig[1]);
    const __m512d vsa = _mm512_set1_pd(sig[2]), vsb = _mm512_set1_pd(sig[3]), vsh = _mm512_set1_pd(sh);
    double onev = 1.0;
    __asm__("" : "+x"(onev)); /* kept as a multiply by 1 */
    const __m512d one = _mm512_set1_pd(onev);
    __m512i u = _mm512_setzero_si512(), w = u, a = u, b = u, r = u;
    __m512d lo = _mm512_set1_pd(x[0]), hi = lo;
    /* the histogram's constants (hist_pairs_add's) */
    const pario_hist *h = hs ? hp->h : NULL;
    const int32_t bins = hs ? (int32_t)h->bins : 0;
    const float big = 8388608.0f; /* 2^23 */
    uint32_t bigbits;
    memcpy(&bigbits, &big, sizeof bigbits);
    const __m512d vlo = _mm512_set1_pd(hs ? h->lo : 0);
    const __m512 vnorm = _mm512_set1_ps(hs ? (float)h->norm : 0), vhalf = _mm512_set1_ps(0.5f);
    const __m512 cmin = _mm512_set1_ps(0.25f), cmax = _mm512_set1_ps((float)bins + 1.25f);
    const __m512 vbig = _mm512_set1_ps(big), thr = _mm512_set1_ps(hs ? hist_thr32(h) : 0.0f);
    const __m256i pairoff = _mm256_set1_epi32((int)((bigbits << 7) + bigbits));
    uint32_t *restrict pt = hs ? hp->pt : NULL;
    const size_t half = n / 16 * 8;
    int32_t ring[4][8];
    for (size_t i = 0; i < half; i += 8) {
        PREFETCH(x + i);
        PREFETCH(x + half + i);
        __m512d v1 = _mm512_loadu_pd(x + i), v2 = _mm512_loadu_pd(x + half + i), e, f, g, f2, g2;
        g = g2 = _mm512_setzero_pd();
        lo = _mm512_min_pd(v1, lo); /* a NaN is not taken */
        hi = _mm512_max_pd(v1, hi);
        lo = _mm512_min_pd(v2, lo);
        hi = _mm512_max_pd(v2, hi);
        AVX512_LEVEL(v1, vxa, u, e);
        AVX512_LEVEL_M(e, vxb, w, f);
        AVX512_LEVEL(v2, vxa, u, e);
        AVX512_LEVEL_M(e, vxb, w, f2);
        if (sq) {
            __m512d d = _mm512_sub_pd(v1, vsh);
            __m512d q = _mm512_mul_pd(d, d);
            AVX512_LEVEL_M(q, vsa, a, e);
            AVX512_LEVEL_M(e, vsb, b, g);
            d = _mm512_sub_pd(v2, vsh);
            q = _mm512_mul_pd(d, d);
            AVX512_LEVEL_M(q, vsa, a, e);
            AVX512_LEVEL_M(e, vsb, b, g2);
        }
        /* r |= f | g | f2 | g2 */
        r = _mm512_ternarylogic_epi64(r, _mm512_castpd_si512(f), _mm512_castpd_si512(g), 0xfe);
        r = _mm512_ternarylogic_epi64(r, _mm512_castpd_si512(f2), _mm512_castpd_si512(g2), 0xfe);
        if (hs) {
            __m512 c = hist_c2x8(v1, v2, vlo, vnorm, vhalf, cmin, cmax);
            __m512 t = _mm512_add_ps(c, vbig);
            __m512 dd = _mm512_abs_ps(_mm512_sub_ps(c, _mm512_sub_ps(t, vbig)));
            __mmask16 near = _mm512_cmp_ps_mask(dd, thr, _CMP_GT_OQ);
            __m512i ti = _mm512_castps_si512(t);
            __m256i k = _mm256_add_epi32(_mm256_slli_epi32(_mm512_castsi512_si256(ti), 7),
                                         _mm512_extracti32x8_epi32(ti, 1));
            /* counted two steps later, when the store is long done (loads of
             * it at once waited for it: 0.8 against 0.5 ns a value; two steps
             * measured a little better than one) */
            int32_t *pix = ring[(i / 8) & 3], *prev = ring[((i / 8) + 2) & 3];
            _mm256_storeu_si256((__m256i *)pix, _mm256_sub_epi32(k, pairoff));
            if (near) /* a value within rounding of an edge: its pair exactly */
                for (unsigned bits = (unsigned)(near | near >> 8) & 0xff; bits; bits &= bits - 1) {
                    const size_t l = (size_t)__builtin_ctz(bits);
                    pix[l] = hist_exact_index(x[i + l], h) * 128 + hist_exact_index(x[half + i + l], h);
                }
            if (i >= 16)
                for (int l = 0; l < 8; l++)
                    pt[prev[l]]++;
        }
    }
    if (hs) /* the last steps' pairs */
        for (size_t j = half >= 16 ? half - 16 : 0; j < half; j += 8)
            for (int l = 0; l < 8; l++)
                pt[ring[(j / 8) & 3][l]]++;
    /* the lanes wrap as uint64 sums: added as such (_mm512_reduce_add_epi64
     * adds them as long long, which UBSan caught overflowing) */
    uint64_t L[4] = { avx512_hsum64(u), avx512_hsum64(w), avx512_hsum64(a), avx512_hsum64(b) };
    uint64_t R = (uint64_t)_mm512_reduce_or_epi64(r);
    double l = _mm512_reduce_min_pd(lo), hh = _mm512_reduce_max_pd(hi);
    sweep_tail(x, 2 * half, n, sig, sh, onev, sq, L, &R, &l, &hh);
    for (size_t i = 2 * half; hs && i < n; i++) { /* and their bins */
        int32_t k = hist_exact_index(x[i], h);
        if ((uint32_t)(k - 1) < (uint32_t)bins)
            hp->counts[k - 1]++;
    }
    *mn = l;
    *mx = hh;
    return sweep_end(x, n, sig, L, R, sq, lv);
}

/* sweep_fn's: with the squares or without, with the histogram (hp) or without */
AVX512_TARGET static int spb_f64_avx512(const double *restrict x, size_t n, const double sig[4], double sh,
                                        struct avx2_levels *lv, double *mn, double *mx, struct hist_pairs *hp)
{
    return hp ? sweep_avx512(x, n, sig, sh, lv, mn, mx, 1, 1, hp) : sweep_avx512(x, n, sig, sh, lv, mn, mx, 1, 0, hp);
}

AVX512_TARGET static int sps_f64_avx512(const double *restrict x, size_t n, const double sig[4], double sh,
                                        struct avx2_levels *lv, double *mn, double *mx, struct hist_pairs *hp)
{
    (void)sh;
    return hp ? sweep_avx512(x, n, sig, 0, lv, mn, mx, 0, 1, hp) : sweep_avx512(x, n, sig, 0, lv, mn, mx, 0, 0, hp);
}

/* mm_f64_avx2's contract */
AVX512_TARGET static int mm_f64_avx512(const double *restrict x, size_t n, double *mn, double *mx)
{
    __m512d lo = _mm512_set1_pd(x[0]), hi = lo;
    const __m512d inf = _mm512_set1_pd(HUGE_VAL);
    __mmask8 bad = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        PREFETCH(x + i);
        __m512d v = _mm512_loadu_pd(x + i);
        lo = _mm512_min_pd(v, lo);
        hi = _mm512_max_pd(v, hi);
        /* |v| == inf or v unordered: not less than inf */
        bad |= _mm512_cmp_pd_mask(_mm512_abs_pd(v), inf, _CMP_NLT_UQ);
    }
    if (bad)
        return 0;
    double l = _mm512_reduce_min_pd(lo), h = _mm512_reduce_max_pd(hi);
    return mm_tail(x, i, n, l, h, mn, mx);
}
