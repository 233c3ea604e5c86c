/* Durations' quantiles from a log-scale histogram (loghist.h). */
#include "config.h"
#include <math.h>
#include <string.h>
#include "loghist.h"

#define LO 1e-7   /* the first bin's lower edge, seconds */

void pario_loghist_init(pario_loghist *h)
{
    memset(h, 0, sizeof *h);
}

void pario_loghist_add(pario_loghist *h, double seconds)
{
    double b = seconds > LO ? floor(log10(seconds / LO) * 64.0) : 0.0;
    int i = b < 0.0 ? 0 : b >= PARIO_LOGHIST_BINS - 1 ? PARIO_LOGHIST_BINS - 1 : (int)b;
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
    for (int i = 0; i < PARIO_LOGHIST_BINS; i++) {
        seen += h->bin[i];
        if (seen >= want)
            return LO * pow(10.0, (i + 0.5) / 64.0);
    }
    return LO * pow(10.0, PARIO_LOGHIST_BINS / 64.0);
}
