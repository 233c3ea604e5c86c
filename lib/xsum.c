/* The exact accumulator (see xsum.h): a value m 2^e (m an integer of up to 64
 * bits) lands in the limbs as three 32-bit digits of m shifted to e's place
 * within its limb; carries wait in the limbs' upper halves until a
 * normalisation. Rounding reads the top 54 bits and a sticky bit; the variance
 * squares the sum with schoolbook digit products into 128-bit columns. */
#include "config.h"
#include <math.h>
#include <string.h>
#include "pario/xsum.h"

#define NL PARIO_XSUM_LIMBS
#define LOW PARIO_XSUM_LOW
#define MASK32 0xffffffffu
/* normalise before |limb| could pass 2^62 */
#define MAX_ADDS (1u << 29)

typedef __int128 i128;
typedef unsigned __int128 u128;

void pario_xsum_init(pario_xsum *s)
{
    memset(s, 0, sizeof *s);
}

void pario_xsum_normalize(pario_xsum *s)
{
    int64_t carry = 0;
    for (int i = 0; i < NL - 1; i++) {
        int64_t v = s->limb[i] + carry;
        carry = v >> 32; /* arithmetic: floor division by 2^32 */
        s->limb[i] = v - carry * ((int64_t)1 << 32);
    }
    s->limb[NL - 1] += carry;
    s->adds = 0;
}

static inline void bump(pario_xsum *s)
{
    if (++s->adds >= MAX_ADDS)
        pario_xsum_normalize(s);
}

/* s += (-1)^neg m 2^exp, LOW <= exp */
static inline void add64(pario_xsum *s, int neg, uint64_t m, int exp)
{
    if (m == 0)
        return;
    const int pos = exp - LOW, i = pos >> 5, sh = pos & 31;
    const u128 v = (u128)m << sh; /* at most 95 bits */
    const int64_t d0 = (int64_t)((uint64_t)v & MASK32), d1 = (int64_t)((uint64_t)(v >> 32) & MASK32),
                  d2 = (int64_t)(uint64_t)(v >> 64);
    if (neg) {
        s->limb[i] -= d0;
        s->limb[i + 1] -= d1;
        s->limb[i + 2] -= d2;
    } else {
        s->limb[i] += d0;
        s->limb[i + 1] += d1;
        s->limb[i + 2] += d2;
    }
    bump(s);
}

/* x = (-1)^neg m 2^e with m < 2^53; 0 when x is not finite */
static inline int split(double x, int *neg, uint64_t *m, int *e)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    const int be = (int)((b >> 52) & 0x7ff);
    *neg = (int)(b >> 63);
    *m = b & (((uint64_t)1 << 52) - 1);
    if (be == 0x7ff)
        return 0;
    if (be == 0) {
        *e = -1074;
    } else {
        *m |= (uint64_t)1 << 52;
        *e = be - 1075;
    }
    return 1;
}

static void add_special(pario_xsum *s, double x)
{
    s->special |= isnan(x) ? PARIO_XSUM_NAN : x > 0 ? PARIO_XSUM_POS_INF : PARIO_XSUM_NEG_INF;
}

void pario_xsum_add(pario_xsum *s, double x)
{
    int neg, e;
    uint64_t m;
    if (!split(x, &neg, &m, &e)) {
        add_special(s, x);
        return;
    }
    add64(s, neg, m, e);
}

void pario_xsum_add_array(pario_xsum *s, const double *x, size_t n, size_t stride)
{
    for (size_t i = 0; i < n; i++)
        pario_xsum_add(s, x[i * stride]);
}

void pario_xsum_add_int(pario_xsum *s, int neg, uint64_t hi, uint64_t lo, int exp)
{
    add64(s, neg, lo, exp);
    add64(s, neg, hi, exp + 64);
}

void pario_xsum_add_times(pario_xsum *s, double x, uint64_t n)
{
    if (x == 0.0 || n == 0)
        return;
    int e;
    double f = frexp(fabs(x), &e);   /* |x| = f 2^e, f in [0.5, 1): an integer of 53 bits times 2^(e - 53) */
    unsigned __int128 p = (unsigned __int128)(uint64_t)ldexp(f, 53) * n;
    pario_xsum_add_int(s, x < 0, (uint64_t)(p >> 64), (uint64_t)p, e - 53);
}

void pario_xsum_add_sq(pario_xsum *s, double x)
{
    int neg, e;
    uint64_t m;
    if (!split(x, &neg, &m, &e)) {
        add_special(s, isnan(x) ? x : INFINITY);
        return;
    }
    const u128 q = (u128)m * m;
    pario_xsum_add_int(s, 0, (uint64_t)(q >> 64), (uint64_t)q, 2 * e);
}

void pario_xsum_merge(pario_xsum *a, const pario_xsum *b)
{
    a->special |= b->special;
    if ((uint64_t)a->adds + b->adds + 1 >= MAX_ADDS) {
        pario_xsum_normalize(a);
        if (b->adds + 1u >= MAX_ADDS / 2) {
            pario_xsum c = *b;
            pario_xsum_normalize(&c);
            pario_xsum_merge(a, &c);
            return;
        }
    }
    for (int i = 0; i < NL; i++)
        a->limb[i] += b->limb[i];
    a->adds += b->adds + 1;
    if (a->adds >= MAX_ADDS)
        pario_xsum_normalize(a);
}

int pario_xsum_is_zero(const pario_xsum *s)
{
    pario_xsum c = *s;
    pario_xsum_normalize(&c);
    for (int i = 0; i < NL; i++)
        if (c.limb[i])
            return 0;
    return 1;
}

/* ---- rounding a magnitude held as 32-bit digits d[0..nd) (value sum d[i] 2^(32 i + low)) ---- */

static inline int bit(const int64_t *d, int nd, long b)
{
    return b >= 0 && b / 32 < nd && ((d[b / 32] >> (b % 32)) & 1);
}

/* bits [pos, pos + count) as an integer (count <= 64; bits below 0 read as 0) */
static uint64_t bits_at(const int64_t *d, int nd, long pos, int count)
{
    uint64_t r = 0;
    for (int k = 0; k < count; k++)
        r |= (uint64_t)bit(d, nd, pos + k) << k;
    return r;
}

static int any_below(const int64_t *d, int nd, long pos)
{
    if (pos <= 0)
        return 0;
    long full = pos / 32;
    for (long i = 0; i < full && i < nd; i++)
        if (d[i])
            return 1;
    for (long b = full * 32; b < pos; b++)
        if (bit(d, nd, b))
            return 1;
    return 0;
}

/* The nonzero magnitude rounded to prec bits (ties to even), with no bit below
 * 2^emin kept: value ~ q 2^u, q <= 2^prec. Returns 0 when the magnitude is 0. */
static int round_mag(const int64_t *d, int nd, long low, int prec, long emin, uint64_t *q, long *u)
{
    int h = nd - 1;
    while (h >= 0 && d[h] == 0)
        h--;
    if (h < 0)
        return 0;
    long top = 32L * h + 63 - __builtin_clzll((uint64_t)d[h]); /* index of the highest set bit */
    long ulp = top - prec + 1;                                   /* bit index of the last kept bit */
    if (ulp + low < emin)
        ulp = emin - low;
    uint64_t r = bits_at(d, nd, ulp, prec);
    if (ulp > 0 && bit(d, nd, ulp - 1) && ((r & 1) || any_below(d, nd, ulp - 1)))
        r++;
    *q = r;
    *u = ulp + low;
    return 1;
}

/* magnitude of a normalised accumulator into c; returns 1 when negative */
static int magnitude(const pario_xsum *s, pario_xsum *c)
{
    *c = *s;
    pario_xsum_normalize(c);
    if (c->limb[NL - 1] >= 0)
        return 0;
    for (int i = 0; i < NL; i++)
        c->limb[i] = -c->limb[i];
    pario_xsum_normalize(c);
    return 1;
}

double pario_xsum_round(const pario_xsum *s)
{
    if (s->special) {
        if ((s->special & PARIO_XSUM_NAN) || s->special == (PARIO_XSUM_POS_INF | PARIO_XSUM_NEG_INF))
            return NAN;
        return s->special == PARIO_XSUM_POS_INF ? INFINITY : -INFINITY;
    }
    pario_xsum c;
    const int neg = magnitude(s, &c);
    uint64_t q;
    long u;
    if (!round_mag(c.limb, NL, LOW, 53, -1074, &q, &u))
        return 0.0;
    double r = u > 1100 ? INFINITY : ldexp((double)q, (int)u); /* exact, or inf beyond DBL_MAX */
    return neg ? -r : r;
}

double pario_xsum_var(const pario_xsum *s1, const pario_xsum *s2, uint64_t n)
{
    if (n == 0 || s1->special || s2->special)
        return NAN;
    pario_xsum a, b;
    magnitude(s1, &a);
    magnitude(s2, &b); /* s2 >= 0 */
    /* n S2 - S1^2 in digits of weight 2^(32 k + 2 LOW): S2's digit i sits at
     * k = i + (-LOW / 32), S1's digit product i, j at k = i + j */
    enum { SHIFT = -LOW / 32, ND = 2 * NL + 2 };
    u128 sq[ND];
    memset(sq, 0, sizeof sq);
    int lo = 0, hi = NL - 1;
    while (lo < NL && a.limb[lo] == 0)
        lo++;
    while (hi >= 0 && a.limb[hi] == 0)
        hi--;
    for (int i = lo; i <= hi; i++)
        for (int j = lo; j <= hi; j++)
            sq[i + j] += (u128)((uint64_t)a.limb[i] * (uint64_t)a.limb[j]);
    int64_t d[ND];
    i128 carry = 0;
    for (int k = 0; k < ND; k++) {
        i128 v = carry - (i128)sq[k];
        if (k >= SHIFT && k - SHIFT < NL)
            v += (i128)((u128)(uint64_t)b.limb[k - SHIFT] * n);
        d[k] = (int64_t)(v & MASK32);
        carry = v >> 32;
    }
    /* carry == 0: n S2 >= S1^2 (Cauchy-Schwarz), exactly; below zero only for
     * sums of rounded shifted squares (pario_acc_var), whose variance is then 0 */
    if (carry < 0)
        return 0.0;
    uint64_t q;
    long u;
    if (!round_mag(d, ND, 2L * LOW, 63, 2L * LOW, &q, &u))
        return 0.0;
    long double nn = (long double)n * (long double)n;
    long double v = ldexpl((long double)q / nn, (int)u);
    return (double)v;
}
