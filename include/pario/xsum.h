/* An exact, order-independent sum of doubles (a superaccumulator, after Radford
 * Neal's xsum): every value is added without rounding into a fixed-point number
 * wide enough for any double, any square of a double and 2^64 of them. The sum of
 * a set of values is therefore the same whatever the order, the grouping or the
 * number of partial sums merged, and rounding it once gives the correctly rounded
 * sum (Python's math.fsum). Plain old data: an accumulator travels through MPI as
 * sizeof(pario_xsum) bytes and joins another with pario_xsum_merge (exact, so the
 * merge order does not matter either). */
#ifndef PARIO_XSUM_H
#define PARIO_XSUM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* limb[i] weighs 2^(32 i + PARIO_XSUM_LOW): 32-bit digits in 64-bit limbs, the
 * other 32 bits absorb carries until the next normalisation. The range covers
 * 2^-2148 (the square of the smallest subnormal) to 2^2112 (2^64 squares of
 * DBL_MAX) with room to spare. */
#define PARIO_XSUM_LIMBS 136
#define PARIO_XSUM_LOW (-2176)

enum pario_xsum_special { PARIO_XSUM_POS_INF = 1, PARIO_XSUM_NEG_INF = 2, PARIO_XSUM_NAN = 4 };

typedef struct pario_xsum {
    int64_t limb[PARIO_XSUM_LIMBS];
    uint32_t adds;    /* additions since the last normalisation: |limb| <= 2^32 (adds + 1) */
    uint32_t special; /* enum pario_xsum_special: the non-finite values seen */
} pario_xsum;

void pario_xsum_init(pario_xsum *s);
/* s += x, exactly (an infinity or NaN is recorded in s->special). */
void pario_xsum_add(pario_xsum *s, double x);
/* s += x[0], x[stride], ..., n values (stride in elements). */
void pario_xsum_add_array(pario_xsum *s, const double *x, size_t n, size_t stride);
/* s += x * x, exactly (no overflow, no underflow). */
void pario_xsum_add_sq(pario_xsum *s, double x);
/* s += (-1)^neg (hi 2^64 + lo) 2^exp, exactly; -2176 <= exp <= 1900. */
void pario_xsum_add_int(pario_xsum *s, int neg, uint64_t hi, uint64_t lo, int exp);
/* s += n x, exactly (x finite). */
void pario_xsum_add_times(pario_xsum *s, double x, uint64_t n);
/* into += from, exactly. */
void pario_xsum_merge(pario_xsum *into, const pario_xsum *from);
/* Carries propagated: limbs 0..LIMBS-2 in [0, 2^32), the top limb carries the sign. */
void pario_xsum_normalize(pario_xsum *s);
/* 1 when the finite part is zero. */
int pario_xsum_is_zero(const pario_xsum *s);

/* The sum rounded once to the nearest double (ties to even): Python's math.fsum,
 * except that a finite sum beyond DBL_MAX gives +-inf (fsum raises). Non-finite
 * values: NaN, or +inf and -inf both, give NaN; otherwise the infinity. */
double pario_xsum_round(const pario_xsum *s);

/* The population variance (n S2 - S1^2) / n^2 of n values whose exact sum is s1
 * and exact sum of squares s2: the numerator is exact (big-integer arithmetic),
 * rounded to 63 bits, divided by n^2 in long double and rounded to double, so
 * the relative error stays below 2^-52 (almost always the correctly rounded
 * variance), and it is never negative. NaN when n == 0 or any value was not
 * finite (numpy: inf - inf in the deviations), +inf when the variance exceeds
 * DBL_MAX. */
double pario_xsum_var(const pario_xsum *s1, const pario_xsum *s2, uint64_t n);

#ifdef __cplusplus
}
#endif
#endif
