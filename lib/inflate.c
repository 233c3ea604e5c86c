/* A whole-buffer inflate in the style of libdeflate, for zlib streams whose
 * inflated size is known (HDF5's deflate filter). zlib's inflate is a streaming
 * state machine that must be able to stop at any byte of input or output; here
 * the whole stream and the whole output are at hand, so the decoder keeps a
 * 64-bit bit buffer refilled 7 bytes at a time by one unaligned load (one refill
 * holds a length code, its extra bits, a distance code and its extra bits),
 * decodes literal/length and distance codes with one lookup in an 11-bit (8-bit
 * for distances) table that resolves codes up to that length, a second lookup
 * in a subtable for longer codes, and copies matches 16 bytes at a time
 * (overlapping copies past the match's end land in the output's slack or are
 * overwritten by what follows). Every stream is checked as zlib checks it:
 * header, block types, stored lengths, code sets neither over-subscribed nor
 * incomplete (but for a single code of one bit), symbols in range, distances
 * within the output, exactly the expected output, and the adler32 trailer over
 * the whole output: a bug or a corrupt chunk cannot give wrong data silently.
 * What this decoder refuses, zlib is asked (pario_inflate). */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#ifdef __x86_64__
#include <immintrin.h>
#endif
#include "inflate.h"

/* A table entry: value (literal, base length or distance, or subtable offset)
 * in bits 16-31, kind in 12-15, extra bits (or subtable bits) in 8-11, bits of
 * the code consumed by this lookup in 0-7. */
enum { K_LIT, K_LEN, K_DIST, K_EOB, K_SUB, K_BAD };
#define ENTRY(kind, value, extra) ((uint32_t)(value) << 16 | (uint32_t)(kind) << 12 | (uint32_t)(extra) << 8)
#define E_BITS(e) ((e) & 0xffu)
#define E_EXTRA(e) (((e) >> 8) & 0xfu)
#define E_KIND(e) (((e) >> 12) & 0xfu)
#define E_VAL(e) ((e) >> 16)

#define LL_MAIN 11
#define D_MAIN 8
#define PRE_MAIN 7
/* a subtable per prefix of a code longer than the main bits: at most one per code */
#define LL_SIZE ((1u << LL_MAIN) + (288u << (15 - LL_MAIN)))
#define D_SIZE ((1u << D_MAIN) + (32u << (15 - D_MAIN)))

static const uint16_t len_base[29] = { 3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                       31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[30] = { 1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
                                        193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[30] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };
static const uint8_t pre_order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };

/* bytes bit-reversed */
static const uint8_t rev8[256] = {
#define R2(n) n, n + 2 * 64, n + 1 * 64, n + 3 * 64
#define R4(n) R2(n), R2(n + 2 * 16), R2(n + 1 * 16), R2(n + 3 * 16)
#define R6(n) R4(n), R4(n + 2 * 4), R4(n + 1 * 4), R4(n + 3 * 4)
    R6(0), R6(2), R6(1), R6(3)
};

/* The entries of the literal/length and distance symbols, made once. */
static uint32_t ll_sym[288], d_sym[32], pre_sym[19];

static void make_syms(void)
{
    for (unsigned s = 0; s < 288; s++)
        ll_sym[s] = s < 256 ? ENTRY(K_LIT, s, 0) : s == 256 ? ENTRY(K_EOB, 0, 0) : s < 286 ? ENTRY(K_LEN, len_base[s - 257], len_extra[s - 257]) : ENTRY(K_BAD, 0, 0);
    for (unsigned s = 0; s < 32; s++)
        d_sym[s] = s < 30 ? ENTRY(K_DIST, dist_base[s], dist_extra[s]) : ENTRY(K_BAD, 0, 0);
    for (unsigned s = 0; s < 19; s++)
        pre_sym[s] = ENTRY(K_LIT, s, 0);
}

/* The decoding table of the canonical code with lengths lens[0..n): -1 when the
 * lengths are over-subscribed, or incomplete and not allowed to be (`strict`: any
 * incomplete set, as zlib for the code-length code; else allowed only when the
 * longest code has one bit, or when there is no code at all). */
static int build(uint32_t *t, unsigned main, const uint8_t *lens, unsigned n, const uint32_t *sym, int strict)
{
    unsigned count[16] = { 0 }, next[16], maxlen = 0;
    for (unsigned i = 0; i < n; i++)
        count[lens[i]]++;
    count[0] = 0;
    int left = 1;
    for (unsigned l = 1; l <= 15; l++) {
        left = 2 * left - (int)count[l];
        if (left < 0)
            return -1;
        if (count[l])
            maxlen = l;
    }
    if (left > 0 && (strict || maxlen > 1))
        return -1;
    unsigned code = 0;
    next[0] = 0;
    for (unsigned l = 1; l <= 15; l++)
        next[l] = code = (code + count[l - 1]) << 1;
    const unsigned size = 1u << main, sub = maxlen > main ? maxlen - main : 0;
    const uint32_t bad = ENTRY(K_BAD, 0, 0);
    for (unsigned i = 0; i < size; i++)
        t[i] = bad;
    unsigned used = size;
    for (unsigned s = 0; s < n; s++) {
        unsigned l = lens[s];
        if (!l)
            continue;
        unsigned c = next[l]++;
        unsigned r = (unsigned)(rev8[c & 0xff] << 8 | rev8[c >> 8]) >> (16 - l);
        const uint32_t e = sym[s];
        if (l <= main) {
            for (unsigned j = r; j < size; j += 1u << l)
                t[j] = e | l;
            continue;
        }
        unsigned p = r & (size - 1);
        if (E_KIND(t[p]) != K_SUB) {
            for (unsigned j = 0; j < 1u << sub; j++)
                t[used + j] = bad;
            t[p] = ENTRY(K_SUB, used, sub) | main;
            used += 1u << sub;
        }
        unsigned off = E_VAL(t[p]), l2 = l - main;
        for (unsigned j = r >> main; j < 1u << sub; j += 1u << l2)
            t[off + j] = e | l2;
    }
    return 0;
}

static inline uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

/* The bit buffer: bb holds bl valid bits (bits above are zero or the true next
 * bits of the stream); a refill leaves at least 56. Past the end of the input
 * it reads zeros, counted in `over`, which a valid stream never consumes. */
#define REFILL()                                                                                                       \
    do {                                                                                                               \
        if (iend - ip >= 8) {                                                                                          \
            bb |= load64(ip) << bl;                                                                                    \
            ip += (63 - bl) >> 3;                                                                                      \
            bl |= 56;                                                                                                  \
        } else {                                                                                                       \
            while (bl <= 56) {                                                                                         \
                if (ip < iend)                                                                                         \
                    bb |= (uint64_t)*ip++ << bl;                                                                       \
                else if (++over > 16)                                                                                  \
                    return -1;                                                                                         \
                bl += 8;                                                                                               \
            }                                                                                                          \
        }                                                                                                              \
    } while (0)
#define BITS(n) (bb & ((UINT64_C(1) << (n)) - 1))
#define DROP(n) (bb >>= (n), bl -= (n))
/* to the next byte boundary, unread whole bytes given back to the input */
#define ALIGN()                                                                                                        \
    do {                                                                                                               \
        DROP(bl & 7);                                                                                                  \
        size_t k_ = bl >> 3;                                                                                           \
        if (over >= k_)                                                                                                \
            over -= k_;                                                                                                \
        else {                                                                                                         \
            ip -= k_ - over;                                                                                           \
            over = 0;                                                                                                  \
        }                                                                                                              \
        bb = 0;                                                                                                        \
        bl = 0;                                                                                                        \
    } while (0)

static int inflate_buf(const unsigned char *in, size_t inlen, unsigned char *out, size_t outlen, uint32_t *ll,
                       uint32_t *dt)
{
    if (inlen < 6)
        return -1;
    const unsigned cmf = in[0], flg = in[1];
    if ((cmf & 15) != 8 || (cmf >> 4) > 7 || (cmf * 256 + flg) % 31 || (flg & 0x20))
        return -1;
    const unsigned char *ip = in + 2, *const iend = in + inlen;
    unsigned char *op = out, *const oend = out + outlen;
    uint64_t bb = 0;
    unsigned bl = 0;
    size_t over = 0;
    unsigned final;
    do {
        REFILL();
        final = (unsigned)BITS(1);
        unsigned type = (unsigned)(bb >> 1) & 3;
        DROP(3);
        if (type == 0) {
            ALIGN();
            if (over || iend - ip < 4)
                return -1;
            unsigned len = ip[0] | ip[1] << 8, nlen = ip[2] | ip[3] << 8;
            if (len != (~nlen & 0xffffu))
                return -1;
            ip += 4;
            if ((size_t)(iend - ip) < len || (size_t)(oend - op) < len)
                return -1;
            memcpy(op, ip, len);
            op += len;
            ip += len;
            continue;
        }
        if (type == 3)
            return -1;
        uint8_t lens[288 + 32];
        unsigned nll, nd;
        if (type == 1) {
            nll = 288;
            nd = 32;
            memset(lens, 8, 144);
            memset(lens + 144, 9, 112);
            memset(lens + 256, 7, 24);
            memset(lens + 280, 8, 8);
            memset(lens + 288, 5, 32);
        } else {
            nll = (unsigned)BITS(5) + 257;
            nd = (unsigned)(bb >> 5 & 31) + 1;
            unsigned npre = (unsigned)(bb >> 10 & 15) + 4;
            DROP(14);
            if (nll > 286 || nd > 30)
                return -1;
            uint8_t pre[19] = { 0 };
            for (unsigned i = 0; i < npre; i++) {
                if (bl < 3)
                    REFILL();
                pre[pre_order[i]] = (uint8_t)BITS(3);
                DROP(3);
            }
            uint32_t pt[1u << PRE_MAIN];
            if (build(pt, PRE_MAIN, pre, 19, pre_sym, 1) < 0)
                return -1;
            for (unsigned i = 0; i < nll + nd;) {
                if (bl < 16)
                    REFILL();
                uint32_t e = pt[BITS(PRE_MAIN)];
                if (E_KIND(e) != K_LIT)
                    return -1;
                DROP(E_BITS(e));
                unsigned v = E_VAL(e), rep, val = 0;
                if (v < 16) {
                    lens[i++] = (uint8_t)v;
                    continue;
                } else if (v == 16) {
                    if (!i)
                        return -1;
                    val = lens[i - 1];
                    rep = 3 + (unsigned)BITS(2);
                    DROP(2);
                } else if (v == 17) {
                    rep = 3 + (unsigned)BITS(3);
                    DROP(3);
                } else {
                    rep = 11 + (unsigned)BITS(7);
                    DROP(7);
                }
                if (i + rep > nll + nd)
                    return -1;
                memset(lens + i, (int)val, rep);
                i += rep;
            }
            if (!lens[256])
                return -1;
        }
        if (build(ll, LL_MAIN, lens, nll, ll_sym, 0) < 0 || build(dt, D_MAIN, lens + nll, nd, d_sym, 0) < 0)
            return -1;
        /* the block's symbols: after a refill, at least 56 bits; a literal/length
         * code and its extra bits take at most 20, a distance and its extra 28.
         * e is the next symbol's main-table entry, looked up with at least 11
         * bits in the buffer (a refill adds bits above, so it stays right) */
        REFILL();
        uint32_t e = ll[BITS(LL_MAIN)];
        for (;;) {
            REFILL();
            if (E_KIND(e) == K_SUB) {
                DROP(LL_MAIN);
                e = ll[E_VAL(e) + BITS(E_EXTRA(e))];
            }
            DROP(E_BITS(e));
            if (E_KIND(e) == K_LIT) {
                if (op == oend)
                    return -1;
                *op++ = (unsigned char)E_VAL(e);
                /* two more literals of at most 15 bits, and the next lookup's 11 */
                e = ll[BITS(LL_MAIN)];
                if (E_KIND(e) != K_LIT)
                    continue;
                DROP(E_BITS(e));
                if (op == oend)
                    return -1;
                *op++ = (unsigned char)E_VAL(e);
                e = ll[BITS(LL_MAIN)];
                if (E_KIND(e) != K_LIT)
                    continue;
                DROP(E_BITS(e));
                if (op == oend)
                    return -1;
                *op++ = (unsigned char)E_VAL(e);
                e = ll[BITS(LL_MAIN)];
                continue;
            }
            if (E_KIND(e) != K_LEN) {
                if (E_KIND(e) == K_EOB)
                    break;
                return -1;
            }
            size_t len = E_VAL(e) + BITS(E_EXTRA(e));
            DROP(E_EXTRA(e));
            uint32_t de = dt[BITS(D_MAIN)];
            if (E_KIND(de) == K_SUB) {
                DROP(D_MAIN);
                de = dt[E_VAL(de) + BITS(E_EXTRA(de))];
            }
            if (E_KIND(de) != K_DIST)
                return -1;
            DROP(E_BITS(de));
            size_t dist = E_VAL(de) + BITS(E_EXTRA(de));
            DROP(E_EXTRA(de));
            /* the next symbol's lookup before the copy, whose branches mispredict */
            REFILL();
            e = ll[BITS(LL_MAIN)];
            if (dist > (size_t)(op - out) || len > (size_t)(oend - op))
                return -1;
            unsigned char *dst = op;
            const unsigned char *src = op - dist;
            op += len;
            if (dist >= 8) { /* 16 bytes a step, 8 at a time: most matches take one step */
                do {
                    memcpy(dst, src, 8);
                    memcpy(dst + 8, src + 8, 8);
                    dst += 16;
                    src += 16;
                } while (dst < op);
            } else if (dist == 1) {
                uint64_t v = UINT64_C(0x0101010101010101) * src[0];
                do {
                    memcpy(dst, &v, 8);
                    dst += 8;
                } while (dst < op);
            } else { /* 2 to 7: each 8-byte load holds `dist` bytes already right */
                do {
                    uint64_t v;
                    memcpy(&v, src, 8);
                    memcpy(dst, &v, 8);
                    dst += dist;
                    src += dist;
                } while (dst < op);
            }
        }
    } while (!final);
    ALIGN();
    if (over || iend - ip < 4 || op != oend)
        return -1;
    unsigned long want = (unsigned long)ip[0] << 24 | (unsigned long)ip[1] << 16 | (unsigned long)ip[2] << 8 | ip[3];
    return pario_adler32(1, out, outlen) == want ? 0 : -1;
}

int pario_inflate_fast(const unsigned char *in, size_t inlen, unsigned char *out, size_t outlen)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, make_syms);
    uint32_t *t = malloc((LL_SIZE + D_SIZE) * sizeof *t);
    if (!t)
        return -1;
    int rc = inflate_buf(in, inlen, out, outlen, t, t + LL_SIZE);
    free(t);
    return rc;
}

int pario_inflate(const unsigned char *in, size_t inlen, unsigned char *out, size_t outlen)
{
    static int use_zlib = -1;
    if (use_zlib < 0) {
        const char *e = getenv("PARIO_INFLATE");
        use_zlib = e && !strcmp(e, "zlib");
    }
    if (!use_zlib && pario_inflate_fast(in, inlen, out, outlen) == 0)
        return 0;
    uLongf n = (uLongf)outlen;
    if (outlen != (size_t)n || inlen != (size_t)(uLong)inlen)
        return -1;
    return uncompress(out, &n, in, (uLong)inlen) == Z_OK && n == outlen ? 0 : -1;
}

/* adler32: s1 = 1 + the bytes, s2 = the sum of the s1 after each byte, both
 * mod 65521; 5552 bytes at most between reductions keep s2 within 32 bits. */
#define ADLER_BASE 65521u
#define ADLER_NMAX 5552u

static unsigned long adler_scalar(unsigned long adler, const unsigned char *p, size_t n)
{
    uint32_t s1 = adler & 0xffff, s2 = (adler >> 16) & 0xffff;
    while (n) {
        size_t k = n < ADLER_NMAX ? n : ADLER_NMAX;
        n -= k;
        while (k--) {
            s1 += *p++;
            s2 += s1;
        }
        s1 %= ADLER_BASE;
        s2 %= ADLER_BASE;
    }
    return (unsigned long)s2 << 16 | s1;
}

#if defined(__x86_64__) && defined(__GNUC__)
/* 32 bytes a step: s1 by sums of absolute differences against zero, the bytes'
 * weighted sum (32 .. 1) by multiply-adds, 32 x the s1 before each step
 * accumulated and added once per reduction. */
__attribute__((target("avx2"))) static unsigned long adler_avx2(unsigned long adler, const unsigned char *p, size_t n)
{
    uint32_t s1 = adler & 0xffff, s2 = (adler >> 16) & 0xffff;
    const __m256i weights = _mm256_setr_epi8(32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15,
                                             14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
    const __m256i ones = _mm256_set1_epi16(1), zero = _mm256_setzero_si256();
    while (n >= 32) {
        size_t k = n < ADLER_NMAX ? n : ADLER_NMAX;
        k &= ~(size_t)31;
        n -= k;
        __m256i vs1 = _mm256_setr_epi32((int)s1, 0, 0, 0, 0, 0, 0, 0), vs2 = _mm256_setr_epi32((int)s2, 0, 0, 0, 0, 0, 0, 0);
        __m256i vprev = zero;
        for (; k; k -= 32, p += 32) {
            __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
            vprev = _mm256_add_epi32(vprev, vs1);
            vs1 = _mm256_add_epi32(vs1, _mm256_sad_epu8(v, zero));
            vs2 = _mm256_add_epi32(vs2, _mm256_madd_epi16(_mm256_maddubs_epi16(v, weights), ones));
        }
        vs2 = _mm256_add_epi32(vs2, _mm256_slli_epi32(vprev, 5));
        uint32_t a[8], b[8];
        _mm256_storeu_si256((__m256i *)(void *)a, vs1);
        _mm256_storeu_si256((__m256i *)(void *)b, vs2);
        uint64_t t1 = 0, t2 = 0;
        for (int i = 0; i < 8; i++) {
            t1 += a[i];
            t2 += b[i];
        }
        s1 = (uint32_t)(t1 % ADLER_BASE);
        s2 = (uint32_t)(t2 % ADLER_BASE);
    }
    return adler_scalar((unsigned long)s2 << 16 | s1, p, n);
}
#endif

unsigned long pario_adler32(unsigned long adler, const unsigned char *p, size_t n)
{
#if defined(__x86_64__) && defined(__GNUC__)
    static int avx2 = -1;
    if (avx2 < 0) {
        __builtin_cpu_init();
        avx2 = __builtin_cpu_supports("avx2") != 0;
    }
    if (avx2)
        return adler_avx2(adler, p, n);
#endif
    return adler_scalar(adler, p, n);
}
