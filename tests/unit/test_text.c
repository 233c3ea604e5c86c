/* Unit tests of the text tools' serial parts: the byte kernels (AVX2 where the CPU
 * has it) against plain loops written here from wc's and memmem's definitions, on
 * random bytes cut at every alignment; the byte split; the required literal of a
 * regex (a fixed table, and soundness: every line the regex matches holds it). */
#define _GNU_SOURCE 1
#include <check.h>
#include "check_run.h"
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pario/grep.h"
#include "pario/text.h"
#include "pario/text_kernels.h"

static uint64_t rng_state = 88172645463325252ULL;
static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

/* coreutils 9.1 wc.c, C locale: separators end words, printable non-space bytes
 * are in a word, anything else changes nothing */
static void ref_wc(const unsigned char *p, size_t n, uint64_t *lines, uint64_t *words)
{
    int in = 0;
    *lines = *words = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c == '\n')
            (*lines)++;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r') {
            *words += in;
            in = 0;
        } else if (c > 0x20 && c < 0x7f) {
            in = 1;
        }
    }
    *words += in;
}

static void random_text(unsigned char *p, size_t n, unsigned neutral_per_mille)
{
    static const char clean[] = "ab Z9~!\n\t\r\v\f  xyz";
    static const unsigned char neutral[] = { 0, 1, 0x1f, 0x7f, 0x80, 0xc3, 0xff };
    for (size_t i = 0; i < n; i++)
        p[i] = rnd(1000) < neutral_per_mille ? neutral[rnd(sizeof neutral)]
                                              : (unsigned char)clean[rnd(sizeof clean - 1)];
}

START_TEST(wc_kernel_matches_definition)
{
    enum { N = 5000 };
    unsigned char *p = malloc(N);
    static const unsigned dens[] = { 0, 1, 10, 200, 1000 };
    for (unsigned d = 0; d < sizeof dens / sizeof *dens; d++) {
        for (int rep = 0; rep < 20; rep++) {
            size_t n = rnd(N);
            random_text(p, n, dens[d]);
            uint64_t lines, words;
            ref_wc(p, n, &lines, &words);
            /* one call, and the same bytes in random pieces (state carried) */
            pario_wc_state s;
            memset(&s, 0, sizeof s);
            pario_text_wc(p, n, 1, &s);
            ck_assert_uint_eq(s.lines, lines);
            ck_assert_uint_eq(s.words, words);
            memset(&s, 0, sizeof s);
            for (size_t a = 0; a < n;) {
                size_t m = 1 + rnd(97);
                if (m > n - a)
                    m = n - a;
                pario_text_wc(p + a, m, 1, &s);
                a += m;
            }
            ck_assert_uint_eq(s.lines, lines);
            ck_assert_uint_eq(s.words, words);
            memset(&s, 0, sizeof s);
            pario_text_wc(p, n, 0, &s);
            ck_assert_uint_eq(s.lines, lines);
        }
    }
    free(p);
}
END_TEST

START_TEST(count_byte_every_alignment)
{
    unsigned char buf[700];
    random_text(buf, sizeof buf, 50);
    for (size_t a = 0; a < 40; a++)
        for (size_t n = 0; a + n <= sizeof buf; n += 1 + n / 3) {
            uint64_t want = 0;
            for (size_t i = 0; i < n; i++)
                want += buf[a + i] == '\n';
            ck_assert_uint_eq(pario_text_count_byte(buf + a, n, '\n'), want);
        }
}
END_TEST

static size_t ref_find(const unsigned char *s, size_t n, const unsigned char *nd, size_t k, int icase)
{
    for (size_t i = 0; i + k <= n; i++) {
        size_t j = 0;
        for (; j < k; j++) {
            unsigned char a = s[i + j], b = nd[j];
            if (icase && a >= 'A' && a <= 'Z')
                a |= 0x20;
            if (icase && b >= 'A' && b <= 'Z')
                b |= 0x20;
            if (a != b)
                break;
        }
        if (j == k)
            return i;
    }
    return n;
}

START_TEST(find_matches_definition)
{
    unsigned char hay[300], nd[12];
    static const char alpha[] = "aAbB[{@`\n\x80";
    for (int rep = 0; rep < 3000; rep++) {
        size_t n = rnd(sizeof hay), k = rnd(8);
        int icase = rnd(2);
        for (size_t i = 0; i < n; i++)
            hay[i] = (unsigned char)alpha[rnd(sizeof alpha - 1)];
        if (n > k && rnd(2)) {
            size_t at = rnd((unsigned)(n - k + 1));
            memcpy(nd, hay + at, k);
            for (size_t j = 0; j < k; j++)
                if (icase && rnd(2) && ((nd[j] | 0x20) >= 'a' && (nd[j] | 0x20) <= 'z'))
                    nd[j] ^= 0x20;
        } else {
            for (size_t j = 0; j < k; j++)
                nd[j] = (unsigned char)alpha[rnd(sizeof alpha - 1)];
        }
        ck_assert_uint_eq(pario_text_find(hay, n, nd, k, icase), ref_find(hay, n, nd, k, icase));
    }
}
END_TEST

START_TEST(range_is_a_balanced_partition)
{
    static const uint64_t sizes[] = { 0, 1, 2, 7, 997, 1000, 4096, 1ULL << 40 };
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
        for (int p = 1; p <= 7; p++) {
            uint64_t next = 0;
            for (int r = 0; r < p; r++) {
                uint64_t lo, hi;
                pario_text_range(sizes[i], r, p, &lo, &hi);
                ck_assert_uint_eq(lo, next);
                ck_assert(hi - lo == sizes[i] / (uint64_t)p || hi - lo == sizes[i] / (uint64_t)p + 1);
                next = hi;
            }
            ck_assert_uint_eq(next, sizes[i]);
        }
}
END_TEST

START_TEST(required_literal_table)
{
    static const struct { const char *pat; int ere; const char *lit; int pure; } t[] = {
        { "needle", 0, "needle", 1 },
        { "ne+dle [0-9]+", 1, "dle ", 0 },
        { "ne+dle", 0, "ne+dle", 1 },       /* '+' is ordinary in basic */
        { "ne\\+dle", 0, "dle", 0 },
        { "ab*c", 0, "a", 0 },
        { "ab?c", 1, "a", 0 },
        { "(ab)?cd", 1, "cd", 0 },
        { "a\\.b", 0, "a.b", 1 },
        { "x\\{2\\}yz", 0, "yz", 0 },
        { "x{2,}", 1, NULL, 0 },
        { "foo|needle", 1, NULL, 0 },
        { "e\\|ne", 0, NULL, 0 },
        { "a{1", 1, NULL, 0 },
        { "\\(ne\\)\\1", 0, NULL, 0 },
        { "[abc]xyz[", 0, NULL, 0 },
        { "\\<word\\>", 0, "word", 0 },
        { "", 0, "", 1 },
        { "a+{0}b", 1, "b", 0 },  /* an operator after '+' makes the atom optional */
        { "a+*b", 1, "b", 0 },
        { "a\\+\\{0\\}b", 0, "b", 0 },
        { "xa++?b", 1, "x", 0 },
        { "(GET|POST) /api", 1, " /api", 0 },  /* alternatives inside a group: the rest is required */
        { "(a|aa)*c", 1, "c", 0 },
        { "\\(x\\|y\\)z", 0, "z", 0 },
        { "(a|b)c|d", 1, NULL, 0 },            /* ... not beside a top-level one */
        { "(a\nb)c", 1, NULL, 0 },            /* a newline separates patterns */
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        char out[64];
        size_t len = 0;
        int pure = 0;
        int have = pario_grep_required_literal(t[i].pat, t[i].ere, out, &len, &pure);
        if (!t[i].lit) {
            ck_assert_msg(!have, "%s: unexpected literal", t[i].pat);
            continue;
        }
        ck_assert_msg(have, "%s: no literal", t[i].pat);
        ck_assert_msg(len == strlen(t[i].lit) && memcmp(out, t[i].lit, len) == 0, "%s: got '%.*s'", t[i].pat,
                      (int)len, out);
        ck_assert_int_eq(pure, t[i].pure);
    }
}
END_TEST

/* Random small regexes over a tiny alphabet: whenever the regex matches a random
 * line, the line holds the required literal. */
START_TEST(required_literal_is_sound)
{
    static const char *atoms[] = { "a", "b", "ab", "a*", "b?", "(ab)", "(a|b)", "[ab]", ".", "a+", "b{2}",
                                   "(ab)*", "^", "$", "\\.", "a{0,1}", "a+?", "b+{0}", "a+*", "(a|b)*", "(b|)", "|" };
    for (int rep = 0; rep < 2000; rep++) {
        char pat[64] = "";
        int k = 1 + (int)rnd(5);
        for (int i = 0; i < k; i++)
            strcat(pat, atoms[rnd(sizeof atoms / sizeof *atoms)]);
        char lit[64];
        size_t len;
        int pure;
        if (!pario_grep_required_literal(pat, 1, lit, &len, &pure))
            continue;
        regex_t re;
        if (regcomp(&re, pat, REG_EXTENDED | REG_NOSUB) != 0)
            continue;
        for (int j = 0; j < 30; j++) {
            char line[16];
            size_t n = rnd(sizeof line - 1);
            for (size_t i = 0; i < n; i++)
                line[i] = "ab."[rnd(3)];
            line[n] = '\0';
            if (regexec(&re, line, 0, NULL, 0) == 0)
                ck_assert_msg(memmem(line, n, lit, len) != NULL, "'%s' matches '%s' without '%.*s'", pat, line,
                              (int)len, lit);
        }
        regfree(&re);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("text");
    TCase *tc = tcase_create("text");
    tcase_add_test(tc, wc_kernel_matches_definition);
    tcase_add_test(tc, count_byte_every_alignment);
    tcase_add_test(tc, find_matches_definition);
    tcase_add_test(tc, range_is_a_balanced_partition);
    tcase_add_test(tc, required_literal_table);
    tcase_add_test(tc, required_literal_is_sound);
    suite_add_tcase(s, tc);
    return pario_check_run(s);
}
