/* A histogram of durations on a log scale, for their quantiles in bounded
 * memory (private): each power of two from 2^-24 s (60 ns) to 2^10 s (17
 * minutes) cut into 64 equal bins, found from the double's exponent and top 6
 * mantissa bits (no libm), so a quantile, the middle of its bin, is within
 * 0.8% of the sample's whatever the number of samples. */
#ifndef PARIO_LOGHIST_H
#define PARIO_LOGHIST_H

#include <stdint.h>

#define PARIO_LOGHIST_OCTAVES 34
#define PARIO_LOGHIST_BINS (64 * PARIO_LOGHIST_OCTAVES)

typedef struct {
    uint64_t n;
    uint32_t bin[PARIO_LOGHIST_BINS];
} pario_loghist;

void pario_loghist_init(pario_loghist *h);
/* One duration in seconds (below 2^-24 s: the first bin; from 2^10 s: the last). */
void pario_loghist_add(pario_loghist *h, double seconds);
/* The q-quantile (0 <= q <= 1) in seconds, the middle of its bin; 0 without samples. */
double pario_loghist_quantile(const pario_loghist *h, double q);

#endif
