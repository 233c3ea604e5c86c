/* Byte loops of pario-wc and pario-grep. GCC 12 does not vectorise these byte
 * compares with useful widths on its own (the counts widen to 32 bits), so the
 * x86-64 versions are AVX2 intrinsics: 32 bytes per step, counts in 8-bit lanes
 * summed every 255 steps with vpsadbw. Other CPUs get plain loops. The AVX2
 * versions are chosen once, at the first call, when the CPU has AVX2. */
#define _GNU_SOURCE 1
#include "config.h"
#include <string.h>
#include "pario/text_kernels.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define PARIO_TEXT_AVX2 1
#include <immintrin.h>
#endif

/* ---- byte classes ---- */

static inline int wc_class(unsigned char c)
{
    if (c >= 0x21 && c <= 0x7e)
        return PARIO_WC_WORD;
    if (c == ' ' || (c >= '\t' && c <= '\r'))
        return PARIO_WC_SPACE;
    return PARIO_WC_NONE;
}

static inline unsigned char fold(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

static inline void wc_byte(pario_wc_state *s, unsigned char c)
{
    int k = wc_class(c);
    s->lines += c == '\n';
    if (k == PARIO_WC_NONE)
        return;
    if (k == PARIO_WC_WORD && !s->in_word)
        s->words++;
    s->in_word = k == PARIO_WC_WORD;
    if (s->first == PARIO_WC_NONE)
        s->first = k;
    s->last = k;
}

static uint64_t count_byte_generic(const unsigned char *p, size_t n, unsigned char c)
{
    uint64_t total = 0;
    size_t i = 0;
    while (i < n) {
        size_t m = n - i < 65536 ? n - i : 65536;
        uint32_t k = 0;
        for (size_t j = 0; j < m; j++)
            k += p[i + j] == c;
        total += k;
        i += m;
    }
    return total;
}

static void wc_generic(const unsigned char *p, size_t n, int words, pario_wc_state *s)
{
    if (!words) {
        s->lines += count_byte_generic(p, n, '\n');
        return;
    }
    for (size_t i = 0; i < n; i++)
        wc_byte(s, p[i]);
}

static int eq_fold(const unsigned char *a, const unsigned char *b, size_t k, int icase)
{
    if (!icase)
        return memcmp(a, b, k) == 0;
    for (size_t i = 0; i < k; i++)
        if (fold(a[i]) != fold(b[i]))
            return 0;
    return 1;
}

static size_t find_generic(const unsigned char *s, size_t n, const unsigned char *nd, size_t k, int icase)
{
    if (k == 0)
        return 0;
    if (!icase) {
        const unsigned char *h = memmem(s, n, nd, k);
        return h ? (size_t)(h - s) : n;
    }
    for (size_t i = 0; i + k <= n; i++)
        if (fold(s[i]) == fold(nd[0]) && eq_fold(s + i + 1, nd + 1, k - 1, 1))
            return i;
    return n;
}

#ifdef PARIO_TEXT_AVX2
/* Sum of the 32 byte lanes of a (each at most 255) into a 64-bit total. */
__attribute__((target("avx2"))) static inline uint64_t hsum8(__m256i a)
{
    __m256i s = _mm256_sad_epu8(a, _mm256_setzero_si256());
    return (uint64_t)_mm256_extract_epi64(s, 0) + (uint64_t)_mm256_extract_epi64(s, 1) +
           (uint64_t)_mm256_extract_epi64(s, 2) + (uint64_t)_mm256_extract_epi64(s, 3);
}

__attribute__((target("avx2"))) static uint64_t count_byte_avx2(const unsigned char *p, size_t n, unsigned char c)
{
    const __m256i v = _mm256_set1_epi8((char)c);
    uint64_t total = 0;
    size_t i = 0;
    while (i + 32 <= n) {
        __m256i acc0 = _mm256_setzero_si256(), acc1 = _mm256_setzero_si256();
        size_t steps = 0;
        for (; steps < 127 && i + 64 <= n; steps++, i += 64) {
            acc0 = _mm256_sub_epi8(acc0, _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + i)), v));
            acc1 = _mm256_sub_epi8(acc1, _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + i + 32)), v));
        }
        if (steps == 0) {
            acc0 = _mm256_sub_epi8(acc0, _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(p + i)), v));
            i += 32;
        }
        total += hsum8(acc0) + hsum8(acc1);
    }
    for (; i < n; i++)
        total += p[i] == c;
    return total;
}

/* Word starts and newlines, 32 bytes a step. A step whose bytes are all word or
 * space bytes (the usual case) is counted with vector compares: a start is a word
 * byte after a space byte. A step holding a neutral byte goes through wc_byte. */
__attribute__((target("avx2"))) static void wc_avx2(const unsigned char *p, size_t n, pario_wc_state *s)
{
    if (n == 0)
        return;
    wc_byte(s, p[0]);
    size_t i = 1;
    const __m256i c32 = _mm256_set1_epi8(32), c127 = _mm256_set1_epi8(127), c8 = _mm256_set1_epi8(8),
                  c14 = _mm256_set1_epi8(14), cnl = _mm256_set1_epi8('\n');
    int prev_clean = 0; /* the byte before p + i is a word or space byte, and s->in_word is stale */
    while (i + 32 <= n) {
        __m256i aw = _mm256_setzero_si256(), al = _mm256_setzero_si256();
        for (int steps = 0; steps < 255 && i + 32 <= n; steps++, i += 32) {
            __m256i cur = _mm256_loadu_si256((const __m256i *)(p + i));
            __m256i w = _mm256_and_si256(_mm256_cmpgt_epi8(cur, c32), _mm256_cmpgt_epi8(c127, cur));
            __m256i sp = _mm256_or_si256(_mm256_cmpeq_epi8(cur, c32),
                                         _mm256_and_si256(_mm256_cmpgt_epi8(cur, c8), _mm256_cmpgt_epi8(c14, cur)));
            if ((unsigned)_mm256_movemask_epi8(_mm256_or_si256(w, sp)) != 0xffffffffu) {
                if (prev_clean) {
                    s->last = wc_class(p[i - 1]);
                    s->in_word = s->last == PARIO_WC_WORD;
                }
                for (size_t j = 0; j < 32; j++)
                    wc_byte(s, p[i + j]);
                prev_clean = 0;
                continue;
            }
            __m256i prev = _mm256_loadu_si256((const __m256i *)(p + i - 1));
            __m256i psp = _mm256_or_si256(_mm256_cmpeq_epi8(prev, c32),
                                          _mm256_and_si256(_mm256_cmpgt_epi8(prev, c8), _mm256_cmpgt_epi8(c14, prev)));
            aw = _mm256_sub_epi8(aw, _mm256_and_si256(w, psp));
            al = _mm256_sub_epi8(al, _mm256_cmpeq_epi8(cur, cnl));
            if (!prev_clean) {
                /* the byte before is neutral or was counted by wc_byte: the state decides */
                if (wc_class(p[i - 1]) == PARIO_WC_NONE && !s->in_word && wc_class(p[i]) == PARIO_WC_WORD)
                    s->words++;
                if (s->first == PARIO_WC_NONE)
                    s->first = wc_class(p[i]);
            }
            prev_clean = 1;
        }
        s->words += hsum8(aw);
        s->lines += hsum8(al);
    }
    if (prev_clean) {
        int k = wc_class(p[i - 1]);
        s->in_word = k == PARIO_WC_WORD;
        s->last = k;
    }
    for (; i < n; i++)
        wc_byte(s, p[i]);
}

/* First and last bytes of the needle compared 32 positions at a time (folded by
 * OR 0x20 when they are letters and icase), the middle checked on candidates. */
__attribute__((target("avx2"))) static size_t find_avx2(const unsigned char *s, size_t n, const unsigned char *nd,
                                                        size_t k, int icase)
{
    if (k == 0)
        return 0;
    if (n < k)
        return n;
    unsigned char f = nd[0], l = nd[k - 1];
    unsigned char fm = 0, lm = 0;
    if (icase && fold(f) >= 'a' && fold(f) <= 'z')
        fm = 0x20, f = fold(f);
    if (icase && fold(l) >= 'a' && fold(l) <= 'z')
        lm = 0x20, l = fold(l);
    /* a third byte (the middle one) keeps candidates rare in text made of few letters */
    size_t h = k / 2;
    unsigned char c = nd[h], cm = 0;
    if (icase && fold(c) >= 'a' && fold(c) <= 'z')
        cm = 0x20, c = fold(c);
    const __m256i vf = _mm256_set1_epi8((char)f), vl = _mm256_set1_epi8((char)l), vc = _mm256_set1_epi8((char)c);
    const __m256i mf = _mm256_set1_epi8((char)fm), ml = _mm256_set1_epi8((char)lm), mc = _mm256_set1_epi8((char)cm);
    size_t i = 0;
    for (; i + k - 1 + 32 <= n; i += 32) {
        __m256i a = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)(s + i)), mf);
        __m256i b = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)(s + i + k - 1)), ml);
        __m256i eq = _mm256_and_si256(_mm256_cmpeq_epi8(a, vf), _mm256_cmpeq_epi8(b, vl));
        unsigned m = (unsigned)_mm256_movemask_epi8(eq);
        if (m && k > 2) {
            __m256i d = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)(s + i + h)), mc);
            m &= (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(d, vc));
        }
        while (m) {
            size_t j = (size_t)__builtin_ctz(m);
            if (k <= 3 || eq_fold(s + i + j + 1, nd + 1, k - 2, icase))
                return i + j;
            m &= m - 1;
        }
    }
    for (; i + k <= n; i++)
        if ((s[i] | fm) == f && eq_fold(s + i + 1, nd + 1, k - 1, icase))
            return i;
    return n;
}

static int have_avx2(void)
{
    static int known = -1;
    if (known < 0)
        known = __builtin_cpu_supports("avx2") ? 1 : 0;
    return known;
}
#endif

uint64_t pario_text_count_byte(const void *p, size_t n, unsigned char c)
{
#ifdef PARIO_TEXT_AVX2
    if (have_avx2())
        return count_byte_avx2(p, n, c);
#endif
    return count_byte_generic(p, n, c);
}

void pario_text_wc(const void *p, size_t n, int words, pario_wc_state *s)
{
#ifdef PARIO_TEXT_AVX2
    if (have_avx2()) {
        if (words)
            wc_avx2(p, n, s);
        else
            s->lines += count_byte_avx2(p, n, '\n');
        return;
    }
#endif
    wc_generic(p, n, words, s);
}

size_t pario_text_find(const void *hay, size_t n, const void *needle, size_t k, int icase)
{
#ifdef PARIO_TEXT_AVX2
    if (have_avx2())
        return find_avx2(hay, n, needle, k, icase);
#endif
    return find_generic(hay, n, needle, k, icase);
}
