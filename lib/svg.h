/* What the SVG pictures of pario-pi and pario-train logs share (private): text
 * escaped for XML and round axis steps. */
#ifndef PARIO_SVG_H
#define PARIO_SVG_H

#include <stdio.h>

/* s with <, >, & and " escaped, as element text or an attribute value; a
 * control byte or a byte that is not well-formed UTF-8 as U+FFFD */
void pario_svg_text(FILE *out, const char *s);

/* The length of the well-formed UTF-8 sequence of 2 to 4 bytes at s and its
 * code point, or 0 (lib/output.c) */
int pario_utf8_seq(const unsigned char *s, unsigned *cp);

/* A round step (1, 2 or 5 times a power of ten) giving about n intervals over span. */
double pario_svg_step(double span, int n);

#endif
