/* pario's whole-buffer inflate (lib/inflate.c) against zlib, the reference:
 * streams made by zlib's deflate at levels 0-9 with every strategy (stored,
 * fixed and dynamic blocks, run-length matches at distance 1, long matches, the
 * farthest distance), shuffled float64 chunks as HDF5 writes them, empty input;
 * every output compared with the original bytes. Streams that are not what is
 * announced (a wrong inflated size, truncated at every length, bits flipped,
 * bytes overwritten, a bad header, block type or stored length, a wrong
 * adler32 trailer) must be refused cleanly, and whatever pario's decoder
 * accepts zlib must accept with the same bytes. adler32 against zlib's. */
#include <check.h>
#include "check_run.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "../../lib/inflate.h"

static uint64_t rng_state = 7;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* zlib's deflate of n bytes at a level and strategy; its length in *clen */
static unsigned char *zdeflate(const unsigned char *a, size_t n, int level, int strategy, size_t *clen)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    ck_assert_int_eq(deflateInit2(&z, level, Z_DEFLATED, 15, 8, strategy), Z_OK);
    size_t cap = deflateBound(&z, (uLong)n) + 16;
    unsigned char *c = malloc(cap);
    ck_assert_ptr_nonnull(c);
    z.next_in = (unsigned char *)(uintptr_t)a;
    z.avail_in = (uInt)n;
    z.next_out = c;
    z.avail_out = (uInt)cap;
    ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    *clen = cap - z.avail_out;
    deflateEnd(&z);
    return c;
}

/* zlib's verdict: 0 when the stream inflates to exactly n bytes (into out) */
static int zinflate(const unsigned char *c, size_t clen, unsigned char *out, size_t n)
{
    uLongf got = (uLongf)n;
    unsigned char dummy;
    return uncompress(n ? out : &dummy, &got, c, (uLong)clen) == Z_OK && got == n ? 0 : -1;
}

/* pario's decoder on c must give exactly a[0..n) */
static void roundtrip(const unsigned char *a, size_t n, const unsigned char *c, size_t clen, const char *what)
{
    unsigned char *out = malloc(n + PARIO_INFLATE_SLACK);
    ck_assert_ptr_nonnull(out);
    int rc = pario_inflate_fast(c, clen, out, n);
    ck_assert_msg(rc == 0, "%s: pario's decoder refused a zlib stream of %zu bytes", what, n);
    ck_assert_msg(!memcmp(out, a, n), "%s: different bytes", what);
    ck_assert_int_eq(pario_inflate(c, clen, out, n), 0);
    ck_assert(!memcmp(out, a, n));
    /* a wrong inflated size is refused */
    if (n)
        ck_assert_int_eq(pario_inflate_fast(c, clen, out, n - 1), -1);
    unsigned char *big = malloc(n + 1 + PARIO_INFLATE_SLACK);
    ck_assert_int_eq(pario_inflate_fast(c, clen, big, n + 1), -1);
    ck_assert_int_eq(pario_inflate(c, clen, big, n + 1), -1);
    free(big);
    free(out);
}

/* data of a kind: random, few symbols, repeats at distances 1-7, 8-15 and the
 * farthest, runs, long matches */
static void fill(unsigned char *a, size_t n, int kind)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t r = rnd();
        switch (kind) {
        case 0: a[i] = (unsigned char)r; break;                                  /* incompressible: stored blocks */
        case 1: a[i] = (unsigned char)(r % 4 ? 'a' + r % 3 : r >> 8); break;     /* skewed literals */
        case 2: a[i] = i < 7 ? (unsigned char)r : a[i - 1 - (r >> 8) % 7]; break; /* distances 1-7 */
        case 3: a[i] = (unsigned char)((i / 1000) % 7); break;                   /* long runs: distance 1, length 258 */
        case 4: a[i] = i < 32768 ? (unsigned char)r : a[i - 32768]; break;       /* the farthest distance */
        case 5: a[i] = i < 15 ? (unsigned char)r : a[i - 8 - (r >> 8) % 8]; break;     /* distances 8-15 */
        default: a[i] = i < 300 ? (unsigned char)r : r % 50 ? a[i - 300 + r % 17] : (unsigned char)r; break;
        }
    }
}

START_TEST(zlib_streams_every_level_and_strategy)
{
    const int strategies[] = { Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED };
    const size_t sizes[] = { 0, 1, 7, 258, 4099, 70001, 200003 };
    unsigned char *a = malloc(200003);
    ck_assert_ptr_nonnull(a);
    for (int kind = 0; kind < 7; kind++)
        for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
            size_t n = sizes[si];
            fill(a, n, kind);
            for (int level = 0; level <= 9; level++)
                for (int st = 0; st < 5; st++) {
                    if (n > 70001 && (level % 3 || st % 2)) /* the largest size at a few settings */
                        continue;
                    char what[64];
                    snprintf(what, sizeof what, "kind %d, %zu bytes, level %d, strategy %d", kind, n, level, st);
                    size_t clen;
                    unsigned char *c = zdeflate(a, n, level, strategies[st], &clen);
                    roundtrip(a, n, c, clen, what);
                    free(c);
                }
        }
    free(a);
}
END_TEST

/* HDF5's shuffle of float64 values, as its filter stores them before deflate */
START_TEST(shuffled_float64_chunk)
{
    const size_t m = 131072 + 5, n = m * 8;
    double *v = malloc(m * sizeof *v);
    unsigned char *a = malloc(n);
    for (size_t i = 0; i < m; i++) {
        double u1 = ((double)(rnd() >> 11) + 1) / 9007199254740993.0, u2 = (double)(rnd() >> 11) / 9007199254740992.0;
        v[i] = sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2);
    }
    const unsigned char *b = (const unsigned char *)v;
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < 8; j++)
            a[j * m + i] = b[i * 8 + j];
    for (int level = 1; level <= 9; level += 4) {
        size_t clen;
        unsigned char *c = zdeflate(a, n, level, Z_DEFAULT_STRATEGY, &clen);
        roundtrip(a, n, c, clen, "shuffled float64");
        free(c);
    }
    free(a);
    free(v);
}
END_TEST

/* whatever pario accepts, zlib accepts with the same bytes */
static void differential(const unsigned char *c, size_t clen, size_t n, unsigned char *o1, unsigned char *o2)
{
    if (pario_inflate_fast(c, clen, o1, n) == 0) {
        ck_assert_msg(zinflate(c, clen, o2, n) == 0, "pario accepted a stream zlib refuses (%zu bytes)", clen);
        ck_assert(!memcmp(o1, o2, n));
    }
    if (pario_inflate(c, clen, o1, n) == 0) {
        ck_assert(zinflate(c, clen, o2, n) == 0);
        ck_assert(!memcmp(o1, o2, n));
    } else
        ck_assert(zinflate(c, clen, o2, n) != 0);
}

START_TEST(truncated_and_corrupt_streams_fail_cleanly)
{
    const size_t n = 20000;
    unsigned char *a = malloc(n), *o1 = malloc(n + PARIO_INFLATE_SLACK), *o2 = malloc(n + PARIO_INFLATE_SLACK);
    for (int kind = 0; kind < 6; kind++) {
        fill(a, n, kind);
        for (int level = 0; level <= 9; level += 3) {
            size_t clen;
            unsigned char *c = zdeflate(a, n, level, kind == 5 ? Z_FIXED : Z_DEFAULT_STRATEGY, &clen);
            /* every truncation: refused, by both */
            for (size_t k = 0; k < clen; k += k < 64 || clen - k < 64 ? 1 : 37) {
                unsigned char *t = malloc(k + 1); /* exactly k bytes readable (+1: malloc(0)) */
                memcpy(t, c, k);
                ck_assert_msg(pario_inflate_fast(t, k, o1, n) == -1, "truncated to %zu of %zu accepted", k, clen);
                ck_assert_int_eq(pario_inflate(t, k, o1, n), -1);
                free(t);
            }
            /* the adler32 trailer: any change is refused */
            for (int b = 0; b < 32; b++) {
                c[clen - 4 + b / 8] ^= (unsigned char)(1u << (b % 8));
                ck_assert_int_eq(pario_inflate_fast(c, clen, o1, n), -1);
                c[clen - 4 + b / 8] ^= (unsigned char)(1u << (b % 8));
            }
            /* single bit flips and random bytes anywhere: differential */
            for (int t = 0; t < 300; t++) {
                size_t at = rnd() % clen;
                unsigned char keep = c[at];
                c[at] = t % 2 ? (unsigned char)rnd() : (unsigned char)(keep ^ (1u << (rnd() % 8)));
                differential(c, clen, n, o1, o2);
                c[at] = keep;
            }
            ck_assert_int_eq(pario_inflate_fast(c, clen, o1, n), 0);
            ck_assert(!memcmp(o1, a, n));
            free(c);
        }
    }
    /* random bytes behind a valid header */
    for (int t = 0; t < 2000; t++) {
        unsigned char c[300];
        for (size_t i = 0; i < sizeof c; i++)
            c[i] = (unsigned char)rnd();
        c[0] = 0x78;
        c[1] = 0x01;
        differential(c, 2 + rnd() % 298, rnd() % 1000, o1, o2);
    }
    free(a);
    free(o1);
    free(o2);
}
END_TEST

START_TEST(hand_made_streams)
{
    unsigned char out[16 + PARIO_INFLATE_SLACK];
    /* stored block "abc": 78 01, final stored, LEN 3, NLEN, data, adler32 */
    unsigned char ok[] = { 0x78, 0x01, 0x01, 0x03, 0x00, 0xfc, 0xff, 'a', 'b', 'c', 0, 0, 0, 0 };
    unsigned long ad = adler32(1, (const unsigned char *)"abc", 3);
    ok[10] = (unsigned char)(ad >> 24), ok[11] = (unsigned char)(ad >> 16), ok[12] = (unsigned char)(ad >> 8), ok[13] = (unsigned char)ad;
    ck_assert_int_eq(pario_inflate_fast(ok, sizeof ok, out, 3), 0);
    ck_assert(!memcmp(out, "abc", 3));
    unsigned char bad[sizeof ok];
    memcpy(bad, ok, sizeof ok);
    bad[5] = 0xfd; /* NLEN is not ~LEN */
    ck_assert_int_eq(pario_inflate_fast(bad, sizeof bad, out, 3), -1);
    memcpy(bad, ok, sizeof ok);
    bad[2] = 0x07; /* block type 3 */
    ck_assert_int_eq(pario_inflate_fast(bad, sizeof bad, out, 3), -1);
    memcpy(bad, ok, sizeof ok);
    bad[0] = 0x79; /* compression method 9 */
    ck_assert_int_eq(pario_inflate_fast(bad, sizeof bad, out, 3), -1);
    memcpy(bad, ok, sizeof ok);
    bad[1] = 0x20; /* a preset dictionary (FDICT), header check still right */
    ck_assert_int_eq((bad[0] * 256 + bad[1]) % 31, 0);
    ck_assert_int_eq(pario_inflate_fast(bad, sizeof bad, out, 3), -1);
    memcpy(bad, ok, sizeof ok);
    bad[1] = 0x02; /* header check wrong */
    ck_assert_int_eq(pario_inflate_fast(bad, sizeof bad, out, 3), -1);
    ck_assert_int_eq(pario_inflate(bad, sizeof bad, out, 3), -1);
    ck_assert_int_eq(pario_inflate_fast(ok, 0, out, 3), -1);
    /* trailing bytes after the trailer are ignored, as by zlib */
    unsigned char more[sizeof ok + 3];
    memcpy(more, ok, sizeof ok);
    memset(more + sizeof ok, 0xaa, 3);
    ck_assert_int_eq(pario_inflate_fast(more, sizeof more, out, 3), 0);
    ck_assert_int_eq(zinflate(more, sizeof more, out + 8, 3), 0);
}
END_TEST

START_TEST(adler32_matches_zlib)
{
    unsigned char *a = malloc(100000);
    for (size_t i = 0; i < 100000; i++)
        a[i] = (unsigned char)rnd();
    for (int t = 0; t < 200; t++) {
        size_t off = rnd() % 64, n = t < 100 ? (size_t)t : rnd() % (100000 - 64);
        unsigned long start = t % 3 ? 1 : (unsigned long)(rnd() % 65521) << 16 | rnd() % 65521;
        ck_assert_uint_eq(pario_adler32(start, a + off, n), adler32(start, a + off, (uInt)n));
    }
    memset(a, 0xff, 100000); /* the largest sums */
    ck_assert_uint_eq(pario_adler32(1, a, 100000), adler32(1, a, 100000));
    ck_assert_uint_eq(pario_adler32(0xfff0fff0ul, a, 99999), adler32(0xfff0fff0ul, a, 99999));
    free(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("inflate");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, zlib_streams_every_level_and_strategy);
    tcase_add_test(tc, shuffled_float64_chunk);
    tcase_add_test(tc, truncated_and_corrupt_streams_fail_cleanly);
    tcase_add_test(tc, hand_made_streams);
    tcase_add_test(tc, adler32_matches_zlib);
    suite_add_tcase(s, tc);
    return pario_check_run(s);
}
