/* exp, log and log1p for pario-train's kernels, written with + - * / only
 * (no libm, no table, no fused multiply-add: the kernel is built with
 * fp-contract=off), so that they give the same bits on every machine, in
 * scalar code and in any vector width, and vectorise across rows (no branch:
 * the range checks are selects). tests/mpi/train_ref.py repeats them
 * operation for operation in Python; both agree with libm within 1 ulp.
 *
 *   xexp(x), x <= 0:  k = (x / ln2 + 1.5 2^52) - 1.5 2^52 (round to nearest),
 *     r = (x - k ln2_hi) - k ln2_lo, p = the Taylor polynomial of e^r of degree
 *     13 by Horner (1/13!, 1/12!, .., 1/2, 1, 1), then p 2^k (by adding k to the
 *     exponent bits; below k = -1000 as (p 2^(k+1000)) 2^-1000, which rounds
 *     into the subnormals once). x < -746 counts as -746 (e^x rounds to 0);
 *     NaN gives NaN.
 *   xlog1p(e), 0 <= e <= 1, and xlog(x), x >= 1 finite (fdlibm's reduction):
 *     u = 1 + e (xlog: u = x), m = u 2^-k in [sqrt(2)/2, sqrt(2)), f = m - 1
 *     (exact), c = (e - (u - 1)) / u (the rounding of 1 + e; xlog: 0),
 *     s = f / (2 + f), z = s s, R = z (2/3 + z (2/5 + .. z (2/23))),
 *     h = f f / 2, result k ln2_hi + (f - (h - (s (h + R) + (k ln2_lo + c)))).
 *     xlog of +inf or NaN returns its argument. */
#ifndef PARIO_KERNELS_XMATH_H
#define PARIO_KERNELS_XMATH_H

#include <stdint.h>
#include <string.h>

#define XM_LN2_HI 0x1.62e42fee00000p-1
#define XM_LN2_LO 0x1.a39ef35793c76p-33
#define XM_INV_LN2 0x1.71547652b82fep+0
#define XM_SHIFT 0x1.8p52
#define XM_SQRT2 0x1.6a09e667f3bcdp+0

static inline __attribute__((always_inline)) uint64_t xm_bits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static inline __attribute__((always_inline)) double xm_double(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static inline __attribute__((always_inline)) double xexp(double x)
{
    double xc = x < -746.0 ? -746.0 : x;
    double kd = xc * XM_INV_LN2 + XM_SHIFT;
    uint64_t ki = xm_bits(kd) - xm_bits(XM_SHIFT);   /* k, two's complement */
    double k = kd - XM_SHIFT;
    double r = (xc - k * XM_LN2_HI) - k * XM_LN2_LO;
    double p = 0x1.6124613a86d09p-33;
    p = p * r + 0x1.1eed8eff8d898p-29;
    p = p * r + 0x1.ae64567f544e4p-26;
    p = p * r + 0x1.27e4fb7789f5cp-22;
    p = p * r + 0x1.71de3a556c734p-19;
    p = p * r + 0x1.a01a01a01a01ap-16;
    p = p * r + 0x1.a01a01a01a01ap-13;
    p = p * r + 0x1.6c16c16c16c17p-10;
    p = p * r + 0x1.1111111111111p-7;
    p = p * r + 0x1.5555555555555p-5;
    p = p * r + 0x1.5555555555555p-3;
    p = p * r + 0x1.0000000000000p-1;
    p = p * r + 1.0;
    p = p * r + 1.0;
    double kb = k < -1000.0 ? 1000.0 : 0.0;   /* k deep in the subnormals: scale twice */
    uint64_t kk = ki + (uint64_t)(int64_t)kb;
    double v = xm_double(xm_bits(p) + (kk << 52)) * (k < -1000.0 ? 0x1p-1000 : 1.0);
    return x != x ? x : v;
}

/* log(m 2^k) + c, m = 1 + f in [sqrt(2)/2, sqrt(2)) */
static inline __attribute__((always_inline)) double xm_log_core(double f, double k, double c)
{
    double s = f / (2.0 + f), z = s * s;
    double R = 0x1.642c8590b2164p-4;   /* 2/23 */
    R = R * z + 0x1.8618618618618p-4;  /* 2/21 */
    R = R * z + 0x1.af286bca1af28p-4;
    R = R * z + 0x1.e1e1e1e1e1e1ep-4;
    R = R * z + 0x1.1111111111111p-3;
    R = R * z + 0x1.3b13b13b13b14p-3;
    R = R * z + 0x1.745d1745d1746p-3;
    R = R * z + 0x1.c71c71c71c71cp-3;
    R = R * z + 0x1.2492492492492p-2;
    R = R * z + 0x1.999999999999ap-2;
    R = R * z + 0x1.5555555555555p-1;  /* 2/3 */
    R = R * z;
    double h = 0.5 * f * f;
    return k * XM_LN2_HI + (f - (h - (s * (h + R) + (k * XM_LN2_LO + c))));
}

static inline __attribute__((always_inline)) double xlog1p(double e)
{
    double u = 1.0 + e;
    double m = u > XM_SQRT2 ? u * 0.5 : u;
    double c = (e - (u - 1.0)) / u;
    return xm_log_core(m - 1.0, u > XM_SQRT2 ? 1.0 : 0.0, c);
}

static inline __attribute__((always_inline)) double xlog(double x)
{
    uint64_t b = xm_bits(x);
    int64_t k = (int64_t)(b >> 52) - 1023;   /* x >= 1: no sign, no subnormal */
    double m = xm_double((b & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
    int64_t big = m > XM_SQRT2;
    m = big ? m * 0.5 : m;
    k += big;
    double v = xm_log_core(m - 1.0, (double)k, 0.0);
    return x != x || x > 0x1.fffffffffffffp+1023 ? x : v;
}

#endif
