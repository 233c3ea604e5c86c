/* Numbers for integer data, read exactly: "1e19", "0x7fffffffffffffff" and
 * "9223372036854775807.5" keep every digit, where strtod would round to 53 bits. */
#include "config.h"
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include "decimal.h"

#define BIG PARIO_DECIMAL_BIG

static __int128 push(__int128 v, int base, int digit)
{
    return v >= BIG / base ? BIG : v * base + digit;
}

int pario_decimal_ceil(const char *text, __int128 *out, int *integral)
{
    const char *p = text; /* no white space: ' 16' is not a number, as '16 ' is not */
    int neg = 0;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (!strcasecmp(p, "inf") || !strcasecmp(p, "infinity")) {
        *out = neg ? -BIG : BIG;
        if (integral)
            *integral = 0;
        return 1;
    }
    __int128 v = 0;
    int frac = 0; /* a nonzero digit after the point */
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        p += 2;
        if (!isxdigit((unsigned char)*p))
            return 0;
        for (; isxdigit((unsigned char)*p); p++)
            v = push(v, 16, isdigit((unsigned char)*p) ? *p - '0' : tolower((unsigned char)*p) - 'a' + 10);
        if (*p)
            return 0;
    } else {
        /* digits [. digits] [e [+-] digits]: the point moves by the exponent */
        const char *idigits = p;
        long nint = (long)strspn(p, "0123456789");
        p += nint;
        const char *fdigits = p;
        long nfrac = 0;
        if (*p == '.') {
            fdigits = ++p;
            nfrac = (long)strspn(p, "0123456789");
            p += nfrac;
        }
        if (nint + nfrac == 0)
            return 0;
        long exp = 0;
        if (*p == 'e' || *p == 'E') {
            p++;
            int eneg = 0;
            if (*p == '+' || *p == '-')
                eneg = *p++ == '-';
            if (!isdigit((unsigned char)*p))
                return 0;
            for (; isdigit((unsigned char)*p); p++)
                exp = exp > 1000000 ? exp : exp * 10 + (*p - '0');
            if (eneg)
                exp = -exp;
        }
        if (*p)
            return 0;
        /* mantissa digit k (integer digits, then fraction digits) lies before the
         * point when k < nint + exp */
        long point = nint + exp;
        for (long k = 0; k < nint + nfrac; k++) {
            int d = (k < nint ? idigits[k] : fdigits[k - nint]) - '0';
            if (k < point)
                v = push(v, 10, d);
            else if (d)
                frac = 1;
        }
        for (long k = nint + nfrac; k < point && v && v < BIG; k++) /* zeros the exponent adds */
            v = push(v, 10, 0);
    }
    /* a whole number of any size is an integer (1e40 on int32 data is a value
     * no element holds, as 1e30 is, not a usage error); inf is not */
    if (integral)
        *integral = !frac;
    /* ceil(v + f) = v + 1 and ceil(-(v + f)) = -v for a fraction 0 < f < 1 */
    *out = neg ? -v : v + (frac && v < BIG);
    return 1;
}
