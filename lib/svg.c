#include "config.h"
#include <math.h>
#include "svg.h"

void pario_svg_text(FILE *out, const char *s)
{
    for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
        unsigned cp;
        int n;
        if (*u == '<') fputs("&lt;", out);
        else if (*u == '>') fputs("&gt;", out);
        else if (*u == '&') fputs("&amp;", out);
        else if (*u == '"') fputs("&quot;", out);
        else if (*u >= 0x20 && *u < 0x7F) fputc(*u, out);
        else if (*u >= 0x80 && (n = pario_utf8_seq(u, &cp)) > 0) {
            /* XML 1.0's Char excludes U+FFFE and U+FFFF too (an expat error);
             * the C1 controls (U+0080-U+009F, NEL among them) are control
             * bytes as DEL is (doc/options.md), drawn as U+FFFD */
            if (cp == 0xFFFE || cp == 0xFFFF || (cp >= 0x80 && cp <= 0x9F))
                fputs("&#xFFFD;", out);
            else
                fwrite(u, 1, (size_t)n, out);
            u += n - 1;
        }
        /* XML allows no other control character, and the file says it is
         * UTF-8: such a byte in a --title left an SVG no viewer would open */
        else fputs("&#xFFFD;", out);
    }
}

double pario_svg_step(double span, int n)
{
    double raw = span / n, p = pow(10, floor(log10(raw))), m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}
