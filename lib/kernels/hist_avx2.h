/* pario-reduce's paired histogram for float64, written for AVX2 + FMA with
 * intrinsics (included once, by reduce.c; reduce_avx2.h chooses when it runs).
 * HIST's clones turned each 64-bit comparison into 32-bit counts with three
 * shuffles per vector and converted the bins to and from integers; here a
 * value's bin comes off the bits of one add, and a batch's nearness to an edge
 * is one running maximum. The table of pairs is a state (begin, add, end), so
 * that the reduce sweep can count each block right after its own sweep of it
 * (pario_kernel_reduce_hist): the next block's memory arrives meanwhile. The
 * same counts as HIST bit for bit (near-edge batches take its exact path;
 * tests/unit/test_reduce_clones.c). */
/* numpy's bin of v (1..bins; 0 below lo or NaN, bins + 1 above hi): the exact
 * path of HIST in reduce.c, for one value */
static inline int32_t hist_exact_index(double v, const pario_hist *h)
{
    const int32_t bins = (int32_t)h->bins;
    if (!(v >= h->lo && v <= h->hi))
        return v > h->hi ? bins + 1 : 0;
    double f = (v - h->lo) * h->norm;
    int32_t k = f < (double)bins ? (int32_t)f : bins - 1;
    if (v < h->edges[k])
        k--;
    else if (k != bins - 1 && v >= h->edges[k + 1])
        k++;
    return k + 1;
}

/* HIST's pair counting for float64 (bins <= HIST_PAIR_BINS): a value's bin is
 * round(c), c = clamp((x - lo) * norm + 1/2), read off the bits of c + 2^52; a
 * batch where some c lies within HIST_NEAR of a half (an edge) takes the exact
 * path, as in HIST. The pair index 128 a + b is formed from the bits in 64-bit
 * lanes; the table's counters are 32-bit (a 16-bit add to memory took twice as
 * long on the AMD EPYC) and hold up to 2^32 - 1 pairs (callers: n < 2^32). */
struct hist_pairs {
    const pario_hist *h;
    uint64_t *counts;
    uint32_t pt[128 * 128];
};

static void hist_pairs_begin(struct hist_pairs *hp, const pario_hist *h, uint64_t *counts)
{
    hp->h = h;
    hp->counts = counts;
    memset(hp->pt, 0, sizeof(uint32_t) * 128 * (h->bins + 2));
}

AVX2_TARGET static void hist_pairs_add(struct hist_pairs *hp, const double *restrict x, size_t n, int fetch)
{
    const pario_hist *h = hp->h;
    const int32_t bins = (int32_t)h->bins;
    const double big = 4503599627370496.0; /* 2^52 */
    uint64_t bigbits;
    memcpy(&bigbits, &big, sizeof bigbits);
    const __m256d vlo = _mm256_set1_pd(h->lo), vnorm = _mm256_set1_pd(h->norm), vhalf = _mm256_set1_pd(0.5);
    const __m256d cmin = _mm256_set1_pd(0.25), cmax = _mm256_set1_pd((double)bins + 1.25);
    const __m256d vbig = _mm256_set1_pd(big);
    const __m256d absmask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
    const __m256i pairoff = _mm256_set1_epi64x((long long)((bigbits << 7) + bigbits));
    uint32_t *restrict pt = hp->pt;
    int64_t pix[HIST_BATCH / 2];
    for (size_t off = 0; off < n; off += HIST_BATCH) {
        const size_t m = n - off < HIST_BATCH ? n - off : HIST_BATCH, half = m / 2;
        const double *restrict p = x + off;
        for (size_t j = 0; fetch && j < m; j += 8) /* the next batches */
            PREFETCH(p + j);
        __m256d near = _mm256_setzero_pd();
        size_t j = 0;
        for (; j + 4 <= half; j += 4) {
            __m256d fa = _mm256_fmadd_pd(_mm256_sub_pd(_mm256_loadu_pd(p + j), vlo), vnorm, vhalf);
            __m256d fb = _mm256_fmadd_pd(_mm256_sub_pd(_mm256_loadu_pd(p + j + half), vlo), vnorm, vhalf);
            fa = _mm256_min_pd(_mm256_max_pd(fa, cmin), cmax); /* NaN -> 1/4: bin 0 */
            fb = _mm256_min_pd(_mm256_max_pd(fb, cmin), cmax);
            __m256d ta = _mm256_add_pd(fa, vbig), tb = _mm256_add_pd(fb, vbig);
            __m256d da = _mm256_and_pd(_mm256_sub_pd(fa, _mm256_sub_pd(ta, vbig)), absmask);
            __m256d db = _mm256_and_pd(_mm256_sub_pd(fb, _mm256_sub_pd(tb, vbig)), absmask);
            near = _mm256_max_pd(near, _mm256_max_pd(da, db));
            __m256i k = _mm256_add_epi64(_mm256_slli_epi64(_mm256_castpd_si256(ta), 7), _mm256_castpd_si256(tb));
            _mm256_storeu_si256((__m256i *)(pix + j), _mm256_sub_epi64(k, pairoff));
        }
        double nr[4];
        _mm256_storeu_pd(nr, near);
        const int exact = nr[0] > 0.5 - HIST_NEAR || nr[1] > 0.5 - HIST_NEAR || nr[2] > 0.5 - HIST_NEAR ||
                          nr[3] > 0.5 - HIST_NEAR;
        /* a value near an edge: the batch's pairs again, exactly; and the few
         * past the last vector */
        for (size_t i = exact ? 0 : j; i < half; i++)
            pix[i] = (int64_t)hist_exact_index(p[i], h) * 128 + hist_exact_index(p[i + half], h);
        for (size_t i = 0; i < half; i++)
            pt[pix[i]]++;
        if (m & 1) {
            int32_t k = hist_exact_index(p[m - 1], h);
            if ((uint32_t)(k - 1) < (uint32_t)bins)
                hp->counts[k - 1]++;
        }
    }
}

/* the table into the counts: row and column sums, row by row */
static void hist_pairs_end(struct hist_pairs *hp)
{
    const int32_t bins = (int32_t)hp->h->bins;
    uint32_t col[128] = { 0 };
    for (int32_t a = 0; a < bins + 2; a++) {
        uint32_t rs = 0;
        for (int32_t b = 0; b < 128; b++) {
            uint32_t c = hp->pt[a * 128 + b];
            rs += c;
            col[b] += c;
        }
        if (a >= 1 && a <= bins)
            hp->counts[a - 1] += rs;
    }
    for (int32_t b = 1; b <= bins; b++)
        hp->counts[b - 1] += col[b];
}

static void hist_f64_avx2(const double *x, size_t n, const pario_hist *h, uint64_t *counts, int fetch)
{
    struct hist_pairs hp;
    hist_pairs_begin(&hp, h, counts);
    hist_pairs_add(&hp, x, n, fetch);
    hist_pairs_end(&hp);
}
