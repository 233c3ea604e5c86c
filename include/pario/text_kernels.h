/* The byte loops of the text tools (lib/kernels/text.c, built with the vectorising
 * flags of lib/libkernels): newline counts, wc's word count, fixed-string search. */
#ifndef PARIO_TEXT_KERNELS_H
#define PARIO_TEXT_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes equal to c in p[0..n). */
uint64_t pario_text_count_byte(const void *p, size_t n, unsigned char c);

/* wc's words in the C locale (GNU coreutils 9): a byte is a word byte when it is
 * printable and not a space (0x21..0x7e), a separator when isspace (\t \n \v \f \r
 * and space), and changes nothing otherwise (control bytes, 0x7f, 0x80..0xff).
 * A word starts at a word byte whose last non-neutral predecessor is a separator
 * or does not exist. */
enum pario_wc_class { PARIO_WC_NONE = 0, PARIO_WC_SPACE = 1, PARIO_WC_WORD = 2 };

typedef struct pario_wc_state {
    uint64_t lines, words;  /* words: starts counted as if the bytes before p were a separator */
    int in_word;            /* after the bytes seen so far */
    int first, last;        /* pario_wc_class of the first and last non-neutral byte, NONE if none yet */
} pario_wc_state;

/* Adds p[0..n) to s (start with s zeroed); with words = 0 only lines are counted. */
void pario_text_wc(const void *p, size_t n, int words, pario_wc_state *s);

/* Fixed-string search: offset of the first occurrence of needle[0..k) in
 * hay[0..n), or n when there is none (k = 0 matches at 0). With icase, ASCII
 * letters match either case (the C locale's folding). */
size_t pario_text_find(const void *hay, size_t n, const void *needle, size_t k, int icase);

#ifdef __cplusplus
}
#endif
#endif
