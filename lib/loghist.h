/* A histogram of durations on a log scale, for their quantiles in bounded
 * memory (private): 64 bins a decade from 100 ns to 1,000 s, so a quantile is
 * known within 1.8% whatever the number of samples. */
#ifndef PARIO_LOGHIST_H
#define PARIO_LOGHIST_H

#include <stdint.h>

#define PARIO_LOGHIST_BINS (64 * 10)

typedef struct {
    uint64_t n;
    uint32_t bin[PARIO_LOGHIST_BINS];
} pario_loghist;

void pario_loghist_init(pario_loghist *h);
/* One duration in seconds (below 100 ns: the first bin; above 1,000 s: the last). */
void pario_loghist_add(pario_loghist *h, double seconds);
/* The q-quantile (0 <= q <= 1) in seconds, the middle of its bin (log scale); 0 without samples. */
double pario_loghist_quantile(const pario_loghist *h, double q);

#endif
