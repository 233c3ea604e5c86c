/* pario-reduce's paired histogram for float64, written for AVX2 + FMA with
 * intrinsics (included once, by reduce.c; reduce_avx2.h chooses when it runs).
 * HIST's clones turned each 64-bit comparison into 32-bit counts with three
 * shuffles per vector and converted the bins to and from integers; here the
 * bins are found in single precision, 8 values a vector, off the bits of one
 * add, and only the pairs near an edge are redone. The table of pairs is a
 * state (begin, add, end), so that the reduce sweep can count each block right
 * after its own sweep of it (pario_kernel_reduce_hist): the next block's memory
 * arrives meanwhile. The same counts as HIST bit for bit (a pair holding a value
 * near an edge is binned by HIST's exact rule, hist_exact_index;
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

/* HIST's pair counting for float64 (bins <= HIST_PAIR_BINS). A value's bin is
 * round(c), c = clamp(fl32(x - lo) * norm + 1/2) in single precision (8 lanes a
 * vector), read off the bits of c + 2^23. Single precision puts c within
 * HIST_NEAR32 of its exact value (three roundings of 2^-24 relative, c <= bins +
 * 2); a pair holding a value whose c lies that close to a half (an edge) is
 * marked, and its bins are redone exactly (hist_exact_index). The pair index
 * 128 a + b is formed from the bits. The table's counters are 32-bit (a 16-bit
 * add to memory took twice as long on the AMD EPYC) and hold up to 2^32 - 1
 * pairs (callers: n < 2^32). */
#define HIST_NEAR32(bins) (((double)(bins) + 2) * 0x1p-21)
/* the distance from a whole number above which c's bin stands: within
 * HIST_NEAR32 of a half, or of where an edge's own c lies (h->near32: float
 * edges, or a range far from zero); all values when that is half a bin */
static inline float hist_thr32(const pario_hist *h)
{
    double near = HIST_NEAR32(h->bins) + 2.0 * h->near32;
    return near < 0.5 ? (float)(0.5 - near) : -1.0f;
}
/* where that bound holds: few bins, and a norm whose float is normal and whose
 * product with a subnormal float's error (2^-150) stays negligible */
static inline int hist_avx2_ok(const pario_hist *h)
{
    return h->bins <= HIST_PAIR_BINS && h->norm >= 0x1p-100 && h->norm <= 0x1p100;
}
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

/* 8 values' c, clamped, in single precision */
AVX2_TARGET static inline __m256 hist_c8(const double *p, __m256d vlo, __m256 vnorm, __m256 vhalf, __m256 cmin,
                                          __m256 cmax)
{
    __m128 lo4 = _mm256_cvtpd_ps(_mm256_sub_pd(_mm256_loadu_pd(p), vlo));
    __m128 hi4 = _mm256_cvtpd_ps(_mm256_sub_pd(_mm256_loadu_pd(p + 4), vlo));
    __m256 f = _mm256_fmadd_ps(_mm256_set_m128(hi4, lo4), vnorm, vhalf);
    return _mm256_min_ps(_mm256_max_ps(f, cmin), cmax); /* NaN -> 1/4: bin 0 */
}

AVX2_TARGET static void hist_pairs_add(struct hist_pairs *hp, const double *restrict x, size_t n, int fetch)
{
    const pario_hist *h = hp->h;
    const int32_t bins = (int32_t)h->bins;
    const float big = 8388608.0f; /* 2^23 */
    uint32_t bigbits;
    memcpy(&bigbits, &big, sizeof bigbits);
    const __m256d vlo = _mm256_set1_pd(h->lo);
    const __m256 vnorm = _mm256_set1_ps((float)h->norm), vhalf = _mm256_set1_ps(0.5f);
    const __m256 cmin = _mm256_set1_ps(0.25f), cmax = _mm256_set1_ps((float)bins + 1.25f);
    const __m256 vbig = _mm256_set1_ps(big), thr = _mm256_set1_ps(hist_thr32(h));
    const __m256 absmask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    const __m256i pairoff = _mm256_set1_epi32((int)((bigbits << 7) + bigbits));
    uint32_t *restrict pt = hp->pt;
    int32_t pix[HIST_BATCH / 2];
    uint8_t mark[HIST_BATCH / 16];
    for (size_t off = 0; off < n; off += HIST_BATCH) {
        const size_t m = n - off < HIST_BATCH ? n - off : HIST_BATCH, half = m / 2;
        const double *restrict p = x + off;
        for (size_t j = 0; fetch && j < m; j += 8) /* the next batches */
            PREFETCH(p + j);
        __m256i any = _mm256_setzero_si256();
        size_t j = 0;
        for (; j + 8 <= half; j += 8) {
            __m256 ca = hist_c8(p + j, vlo, vnorm, vhalf, cmin, cmax);
            __m256 cb = hist_c8(p + j + half, vlo, vnorm, vhalf, cmin, cmax);
            __m256 ta = _mm256_add_ps(ca, vbig), tb = _mm256_add_ps(cb, vbig);
            __m256 da = _mm256_and_ps(_mm256_sub_ps(ca, _mm256_sub_ps(ta, vbig)), absmask);
            __m256 db = _mm256_and_ps(_mm256_sub_ps(cb, _mm256_sub_ps(tb, vbig)), absmask);
            __m256 near = _mm256_cmp_ps(_mm256_max_ps(da, db), thr, _CMP_GT_OQ);
            any = _mm256_or_si256(any, _mm256_castps_si256(near));
            mark[j / 8] = (uint8_t)_mm256_movemask_ps(near);
            __m256i k = _mm256_add_epi32(_mm256_slli_epi32(_mm256_castps_si256(ta), 7), _mm256_castps_si256(tb));
            _mm256_storeu_si256((__m256i *)(pix + j), _mm256_sub_epi32(k, pairoff));
        }
        /* the marked pairs exactly, and the few past the last vector */
        if (!_mm256_testz_si256(any, any))
            for (size_t v = 0; v < j / 8; v++)
                for (unsigned bits = mark[v]; bits; bits &= bits - 1) {
                    size_t i = 8 * v + (size_t)__builtin_ctz(bits);
                    pix[i] = hist_exact_index(p[i], h) * 128 + hist_exact_index(p[i + half], h);
                }
        for (size_t i = j; i < half; i++)
            pix[i] = hist_exact_index(p[i], h) * 128 + hist_exact_index(p[i + half], h);
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
