/* Durations' quantiles from a log-scale histogram (loghist.h). */
#include "config.h"
#include <math.h>
#include <string.h>
#include "loghist.h"

#define E0 (1023 - 24)   /* the biased exponent of the first octave, 2^-24 */

void pario_loghist_init(pario_loghist *h)
{
    memset(h, 0, sizeof *h);
}

void pario_loghist_add(pario_loghist *h, double seconds)
{
    uint64_t u;
    memcpy(&u, &seconds, sizeof u);
    int64_t e = (int64_t)(u >> 52) - E0;   /* the octave (a sign bit set: huge, clamped below) */
    int64_t i = e * 64 + (int64_t)((u >> 46) & 63);
    i = !(seconds > 0.0) || i < 0 ? 0 : i >= PARIO_LOGHIST_BINS ? PARIO_LOGHIST_BINS - 1 : i;
    if (h->bin[i] < UINT32_MAX) {
        h->bin[i]++;
        h->n++;
    }
}

double pario_loghist_quantile(const pario_loghist *h, double q)
{
    if (h->n == 0)
        return 0.0;
    q = q < 0.0 ? 0.0 : q > 1.0 ? 1.0 : q;
    /* the sample of rank ceil(q n) (at least the first) */
    uint64_t want = (uint64_t)ceil(q * (double)h->n), seen = 0;
    want = want ? want : 1;
    int i = 0;
    for (; i < PARIO_LOGHIST_BINS - 1; i++) {
        seen += h->bin[i];
        if (seen >= want)
            break;
    }
    /* octave i / 64, mantissa 1 + (i % 64 + 1/2) / 64 */
    return ldexp(1.0 + ((double)(i % 64) + 0.5) / 64.0, i / 64 - 24);
}
