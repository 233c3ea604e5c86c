/* What the SVG pictures of pario-pi and pario-train logs share (private): text
 * escaped for XML and round axis steps. */
#ifndef PARIO_SVG_H
#define PARIO_SVG_H

#include <stdio.h>

/* s with <, >, & and " escaped, as element text or an attribute value */
void pario_svg_text(FILE *out, const char *s);

/* A round step (1, 2 or 5 times a power of ten) giving about n intervals over span. */
double pario_svg_step(double span, int n);

#endif
