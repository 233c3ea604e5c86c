/* File names in text output: GNU's shell-escape quoting (coreutils' quotearg,
 * shell_escape_quoting_style, as in the C locale), the way GNU wc prints a
 * name that holds a newline: 'q'\'''$'\n''z' for q'<newline>z. Printable
 * ASCII stands inside single quotes, a single quote as '\'' and every other
 * byte inside $'...' (\a \b \f \n \r \t \v, else three octal digits), so the
 * text pastes back into a shell as the same bytes, and a control byte never
 * reaches a terminal raw. */
#include "config.h"
#include <string.h>
#include "pario/output.h"

void pario_fput_shell(FILE *f, const char *s)
{
    static const char letters[] = "abtnvfr";   /* \a = 7 .. \r = 13 */
    int esc = 0;   /* inside $'...' */
    fputc('\'', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned c = *p;
        if (c == '\'') {
            fputs("'\\''", f);   /* closes '...' or $'...' alike */
            esc = 0;
        } else if (c >= 0x20 && c < 0x7f) {
            if (esc)
                fputs("''", f);   /* out of $'...', into '...' */
            esc = 0;
            fputc((int)c, f);
        } else {
            if (!esc)
                fputs("'$'", f);
            esc = 1;
            if (c >= 7 && c <= 13)
                fprintf(f, "\\%c", letters[c - 7]);
            else
                fprintf(f, "\\%03o", c);
        }
    }
    fputc('\'', f);
}

int pario_has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return 1;
    return 0;
}

void pario_fput_name(FILE *f, const char *s)
{
    if (pario_has_control(s))
        pario_fput_shell(f, s);
    else
        fputs(s, f);
}
