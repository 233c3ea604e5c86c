/* CSV fields and numbers: splitting a record into fields (RFC 4180 quoting) and
 * the number a field spells (exact: the nearest double). */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "csv_internal.h"

int pario_csv_field(const char *rec, size_t n, char delim, char quote, uint64_t col, const char **f,
                    size_t *flen, int *escaped, uint64_t *nfields)
{
    size_t i = 0;
    for (uint64_t k = 0;; k++) {
        size_t start = i, end;
        int quoted = 0, esc = 0;
        if (quote && i < n && rec[i] == quote) {
            /* to the closing quote ("" stays inside), then on to the delimiter */
            size_t j = i + 1;
            for (;;) {
                const char *q = memchr(rec + j, quote, n - j);
                if (!q) {
                    j = n;
                    break;
                }
                j = (size_t)(q - rec);
                if (j + 1 < n && rec[j + 1] == quote) {
                    esc = 1;
                    j += 2;
                    continue;
                }
                break;
            }
            size_t close = j;
            if (j < n)
                j++;
            const char *d = delim ? memchr(rec + j, delim, n - j) : NULL;
            end = d ? (size_t)(d - rec) : n;
            /* closed, and then the delimiter, the end, or only spaces and tabs
             * before them: csv.reader's field is the quoted text and those
             * (a number's trailing blanks: '"2" ' is 2, not "not a number") */
            quoted = close < n;
            for (size_t t = j; quoted && t < end; t++)
                quoted = rec[t] == ' ' || rec[t] == '\t';
            if (quoted) {
                start++;
                end = j - 1;
            }
            i = d ? (size_t)(d - rec) : n;
        } else {
            const char *d = delim ? memchr(rec + i, delim, n - i) : NULL;
            end = d ? (size_t)(d - rec) : n;
            i = end;
        }
        if (k == col) {
            *f = rec + start;
            *flen = end - start;
            *escaped = esc;
            return 1;
        }
        if (i >= n) {
            *nfields = k + 1;
            return 0;
        }
        i++; /* past the delimiter */
    }
}

static const double POW10[23] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };

int pario_csv_number(const char *s, size_t n, double *out)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    size_t i = 0;
    int neg = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    if (i < n && (s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') {
        size_t k = n - i;
        if ((k == 3 && !strncasecmp(s + i, "inf", 3)) || (k == 8 && !strncasecmp(s + i, "infinity", 8)))
            *out = neg ? -INFINITY : INFINITY;
        else if (k == 3 && !strncasecmp(s + i, "nan", 3))
            *out = neg ? -NAN : NAN;
        else
            return 0;
        return 1;
    }
    /* the syntax, and the fast path: at most 15 significant digits and a small
     * power of ten are exact doubles, so one multiplication or division rounds
     * once, to the nearest (Clinger) */
    uint64_t w = 0;
    int digits = 0, sig = 0, frac = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        if (sig || s[i] != '0')
            sig++;
        if (sig <= 19)
            w = w * 10 + (uint64_t)(s[i] - '0');
        i++, digits++;
    }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            if (sig || s[i] != '0')
                sig++;
            if (sig <= 19)
                w = w * 10 + (uint64_t)(s[i] - '0');
            i++, digits++, frac++;
        }
    }
    if (!digits)
        return 0;
    long e = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int eneg = 0, ed = 0;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            if (e < 100000)
                e = e * 10 + (s[i] - '0');
            i++, ed++;
        }
        if (!ed)
            return 0;
        if (eneg)
            e = -e;
    }
    if (i != n)
        return 0;
    long e10 = e - frac;
    if (sig <= 15 && e10 >= -22 && e10 <= 22) {
        double v = (double)w;
        v = e10 < 0 ? v / POW10[-e10] : v * POW10[e10];
        *out = neg ? -v : v;
        return 1;
    }
    /* the rest through strtod, on a NUL-terminated copy */
    char small[128], *copy = n < sizeof small ? small : malloc(n + 1);
    if (!copy) {
        *out = NAN;
        return 0;
    }
    memcpy(copy, s, n);
    copy[n] = 0;
    *out = strtod(copy, NULL);
    if (copy != small)
        free(copy);
    return 1;
}
