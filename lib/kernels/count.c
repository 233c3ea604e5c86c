/* Counting kernels. Built with -O3 -fvect-cost-model=dynamic and cloned for AVX2 and
 * AVX-512 (x86-64-v4: compares into mask registers, 64 bytes a step; 1.4x the AVX2
 * clone on a 1 MiB L2-resident chunk here): GCC 12 at -O2 leaves these loops scalar
 * (about 5 instead of 10 GB/s per core). */
#include "config.h"
#include <math.h>
#include <stdint.h>
#include "pario/kernels.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PARIO_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define PARIO_CLONES
#endif

/* Count in blocks with a narrow accumulator so the compare results need no widening. */
#define COUNT_EQ(NAME, T)                                                              \
    PARIO_CLONES static uint64_t NAME(const T *restrict x, size_t n, T v)             \
    {                                                                                  \
        uint64_t total = 0;                                                            \
        size_t i = 0;                                                                  \
        while (i < n) {                                                                \
            size_t m = n - i < 65536 ? n - i : 65536;                                  \
            uint32_t c = 0;                                                            \
            for (size_t j = 0; j < m; j++)                                             \
                c += (x[i + j] == v);                                                  \
            total += c;                                                                \
            i += m;                                                                    \
        }                                                                              \
        return total;                                                                  \
    }

#define COUNT_RANGE(NAME, T)                                                           \
    PARIO_CLONES static uint64_t NAME(const T *restrict x, size_t n, T lo, T hi)      \
    {                                                                                  \
        uint64_t total = 0;                                                            \
        size_t i = 0;                                                                  \
        while (i < n) {                                                                \
            size_t m = n - i < 65536 ? n - i : 65536;                                  \
            uint32_t c = 0;                                                            \
            for (size_t j = 0; j < m; j++)                                             \
                c += (x[i + j] >= lo) & (x[i + j] <= hi);                              \
            total += c;                                                                \
            i += m;                                                                    \
        }                                                                              \
        return total;                                                                  \
    }

/* Floats: half-open [lo, hi), NaN never counted. */
#define COUNT_RANGE_F(NAME, T)                                                         \
    PARIO_CLONES static uint64_t NAME(const T *restrict x, size_t n, T lo, T hi)      \
    {                                                                                  \
        uint64_t total = 0;                                                            \
        size_t i = 0;                                                                  \
        while (i < n) {                                                                \
            size_t m = n - i < 65536 ? n - i : 65536;                                  \
            uint32_t c = 0;                                                            \
            for (size_t j = 0; j < m; j++)                                             \
                c += (x[i + j] >= lo) & (x[i + j] < hi);                               \
            total += c;                                                                \
            i += m;                                                                    \
        }                                                                              \
        return total;                                                                  \
    }

COUNT_EQ(eq_i8, int8_t)
COUNT_EQ(eq_i16, int16_t)
COUNT_EQ(eq_i32, int32_t)
COUNT_EQ(eq_i64, int64_t)
COUNT_EQ(eq_f32, float)
COUNT_EQ(eq_f64, double)
COUNT_RANGE(range_i8, int8_t)
COUNT_RANGE(range_i16, int16_t)
COUNT_RANGE(range_i32, int32_t)
COUNT_RANGE(range_i64, int64_t)
COUNT_RANGE(range_u8, uint8_t)
COUNT_RANGE(range_u16, uint16_t)
COUNT_RANGE(range_u32, uint32_t)
COUNT_RANGE(range_u64, uint64_t)
COUNT_RANGE_F(range_f32, float)
COUNT_RANGE_F(range_f64, double)

uint64_t pario_kernel_count_eq(const void *buf, size_t n, pario_dtype t, const pario_scalar *v)
{
    /* equality is bitwise for integers: unsigned types share the signed kernels */
    switch (t) {
    case PARIO_INT8: return eq_i8(buf, n, (int8_t)v->i);
    case PARIO_UINT8: return eq_i8(buf, n, (int8_t)(uint8_t)v->u);
    case PARIO_INT16: return eq_i16(buf, n, (int16_t)v->i);
    case PARIO_UINT16: return eq_i16(buf, n, (int16_t)(uint16_t)v->u);
    case PARIO_INT32: return eq_i32(buf, n, (int32_t)v->i);
    case PARIO_UINT32: return eq_i32(buf, n, (int32_t)(uint32_t)v->u);
    case PARIO_INT64: return eq_i64(buf, n, v->i);
    case PARIO_UINT64: return eq_i64(buf, n, (int64_t)v->u);
    case PARIO_FLOAT32: return eq_f32(buf, n, (float)v->f);
    case PARIO_FLOAT64: return eq_f64(buf, n, v->f);
    default: return 0;
    }
}

/* Integer bounds as a closed range [lo, hi_incl] within [tmin, tmax]; 0 if empty. */
static int clamp_signed(const pario_scalar *lo, const pario_scalar *hi, int64_t tmin, int64_t tmax, int64_t *a,
                        int64_t *b)
{
    if (hi->i <= tmin || lo->i > tmax || hi->i <= lo->i)
        return 0;
    *a = lo->i < tmin ? tmin : lo->i;
    *b = hi->i - 1 > tmax ? tmax : hi->i - 1;
    return 1;
}

static int clamp_unsigned(const pario_scalar *lo, const pario_scalar *hi, uint64_t tmax, uint64_t *a, uint64_t *b)
{
    /* a negative bound has i < 0 and u == 0 */
    uint64_t l = lo->i < 0 ? 0 : lo->u;
    if (hi->i < 0 || hi->u == 0 || l > tmax || hi->u <= l)
        return 0;
    *a = l;
    *b = hi->u - 1 > tmax ? tmax : hi->u - 1;
    return 1;
}

uint64_t pario_kernel_count_range(const void *buf, size_t n, pario_dtype t, const pario_scalar *lo,
                                  const pario_scalar *hi)
{
    int64_t a, b;
    uint64_t ua, ub;
    switch (t) {
    case PARIO_INT8: return clamp_signed(lo, hi, INT8_MIN, INT8_MAX, &a, &b) ? range_i8(buf, n, (int8_t)a, (int8_t)b) : 0;
    case PARIO_INT16: return clamp_signed(lo, hi, INT16_MIN, INT16_MAX, &a, &b) ? range_i16(buf, n, (int16_t)a, (int16_t)b) : 0;
    case PARIO_INT32: return clamp_signed(lo, hi, INT32_MIN, INT32_MAX, &a, &b) ? range_i32(buf, n, (int32_t)a, (int32_t)b) : 0;
    case PARIO_INT64: return clamp_signed(lo, hi, INT64_MIN, INT64_MAX, &a, &b) ? range_i64(buf, n, a, b) : 0;
    case PARIO_UINT8: return clamp_unsigned(lo, hi, UINT8_MAX, &ua, &ub) ? range_u8(buf, n, (uint8_t)ua, (uint8_t)ub) : 0;
    case PARIO_UINT16: return clamp_unsigned(lo, hi, UINT16_MAX, &ua, &ub) ? range_u16(buf, n, (uint16_t)ua, (uint16_t)ub) : 0;
    case PARIO_UINT32: return clamp_unsigned(lo, hi, UINT32_MAX, &ua, &ub) ? range_u32(buf, n, (uint32_t)ua, (uint32_t)ub) : 0;
    case PARIO_UINT64: return clamp_unsigned(lo, hi, UINT64_MAX, &ua, &ub) ? range_u64(buf, n, ua, ub) : 0;
    case PARIO_FLOAT32: {
        /* compare in float without changing the answer: nearest floats that keep the bounds */
        float l = (float)lo->f, h = (float)hi->f;
        if ((double)l < lo->f)
            l = nextafterf(l, INFINITY);
        if ((double)h < hi->f)
            h = nextafterf(h, INFINITY);
        return range_f32(buf, n, l, h);
    }
    case PARIO_FLOAT64: return range_f64(buf, n, lo->f, hi->f);
    default: return 0;
    }
}

uint64_t pario_kernel_count_closed(const void *buf, size_t n, pario_dtype t, const pario_scalar *a,
                                   const pario_scalar *b)
{
    switch (t) {
    case PARIO_INT8: return range_i8(buf, n, (int8_t)a->i, (int8_t)b->i);
    case PARIO_INT16: return range_i16(buf, n, (int16_t)a->i, (int16_t)b->i);
    case PARIO_INT32: return range_i32(buf, n, (int32_t)a->i, (int32_t)b->i);
    case PARIO_INT64: return range_i64(buf, n, a->i, b->i);
    case PARIO_UINT8: return range_u8(buf, n, (uint8_t)a->u, (uint8_t)b->u);
    case PARIO_UINT16: return range_u16(buf, n, (uint16_t)a->u, (uint16_t)b->u);
    case PARIO_UINT32: return range_u32(buf, n, (uint32_t)a->u, (uint32_t)b->u);
    case PARIO_UINT64: return range_u64(buf, n, a->u, b->u);
    default: return 0;
    }
}
