#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "decimal.h"
#include "pario/dtype.h"

static const struct {
    const char *name;
    size_t size;
    int is_float, is_signed;
} info[PARIO_DTYPE_COUNT] = {
    [PARIO_INT8] = { "int8", 1, 0, 1 },     [PARIO_INT16] = { "int16", 2, 0, 1 },
    [PARIO_INT32] = { "int32", 4, 0, 1 },   [PARIO_INT64] = { "int64", 8, 0, 1 },
    [PARIO_UINT8] = { "uint8", 1, 0, 0 },   [PARIO_UINT16] = { "uint16", 2, 0, 0 },
    [PARIO_UINT32] = { "uint32", 4, 0, 0 }, [PARIO_UINT64] = { "uint64", 8, 0, 0 },
    [PARIO_FLOAT32] = { "float32", 4, 1, 1 }, [PARIO_FLOAT64] = { "float64", 8, 1, 1 },
};

const char *pario_dtype_name(pario_dtype t) { return info[t].name; }
size_t pario_dtype_size(pario_dtype t) { return info[t].size; }
int pario_dtype_is_float(pario_dtype t) { return info[t].is_float; }
int pario_dtype_is_signed(pario_dtype t) { return info[t].is_signed; }

MPI_Datatype pario_dtype_mpi(pario_dtype t)
{
    switch (t) {
    case PARIO_INT8: return MPI_INT8_T;
    case PARIO_INT16: return MPI_INT16_T;
    case PARIO_INT32: return MPI_INT32_T;
    case PARIO_INT64: return MPI_INT64_T;
    case PARIO_UINT8: return MPI_UINT8_T;
    case PARIO_UINT16: return MPI_UINT16_T;
    case PARIO_UINT32: return MPI_UINT32_T;
    case PARIO_UINT64: return MPI_UINT64_T;
    case PARIO_FLOAT32: return MPI_FLOAT;
    case PARIO_FLOAT64: return MPI_DOUBLE;
    default: return MPI_DATATYPE_NULL;
    }
}

int pario_dtype_from_name(const char *name)
{
    for (int t = 0; t < PARIO_DTYPE_COUNT; t++)
        if (strcmp(name, info[t].name) == 0)
            return t;
    return -1;
}

const char *pario_dtype_names(void)
{
    return "int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64";
}

int pario_host_little_endian(void)
{
    const uint16_t one = 1;
    return *(const uint8_t *)&one == 1;
}

void pario_byteswap(void *buf, size_t n, size_t esize)
{
    switch (esize) {
    case 2: {
        uint16_t *p = buf;
        for (size_t i = 0; i < n; i++)
            p[i] = __builtin_bswap16(p[i]);
        break;
    }
    case 4: {
        uint32_t *p = buf;
        for (size_t i = 0; i < n; i++)
            p[i] = __builtin_bswap32(p[i]);
        break;
    }
    case 8: {
        uint64_t *p = buf;
        for (size_t i = 0; i < n; i++)
            p[i] = __builtin_bswap64(p[i]);
        break;
    }
    default: break;
    }
}

void pario_dtype_int_limits(pario_dtype t, int64_t *lo, uint64_t *hi)
{
    switch (t) {
    case PARIO_INT8: *lo = INT8_MIN; *hi = INT8_MAX; break;
    case PARIO_INT16: *lo = INT16_MIN; *hi = INT16_MAX; break;
    case PARIO_INT32: *lo = INT32_MIN; *hi = INT32_MAX; break;
    case PARIO_INT64: *lo = INT64_MIN; *hi = INT64_MAX; break;
    case PARIO_UINT8: *lo = 0; *hi = UINT8_MAX; break;
    case PARIO_UINT16: *lo = 0; *hi = UINT16_MAX; break;
    case PARIO_UINT32: *lo = 0; *hi = UINT32_MAX; break;
    default: *lo = 0; *hi = UINT64_MAX; break;
    }
}

pario_status pario_scalar_parse(const char *text, pario_dtype t, pario_scalar *out, int *in_range)
{
    memset(out, 0, sizeof *out);
    *in_range = 1;
    /* strtod and strtoll skip leading white space, and a trailing one is
     * refused: ' 16' is refused as '16 ' is (and as reduce's count= does) */
    if (!text[0] || isspace((unsigned char)text[0]))
        return pario_error(PARIO_ERR_USAGE, "'%s' is not a number", text);
    char *end;
    errno = 0;
    if (pario_dtype_is_float(t)) {
        double v = strtod(text, &end);
        if (end == text || *end)
            return pario_error(PARIO_ERR_USAGE, "'%s' is not a number", text);
        /* 1e400 is not inf and 1e-400 is not 0: a decimal beyond the double range
         * (ERANGE, rounded to an infinity or to zero) is a value no element holds */
        if (errno == ERANGE && (isinf(v) || v == 0))
            *in_range = 0;
        if (t == PARIO_FLOAT32) {
            /* as numpy compares a float32 array with a Python float: the value
             * rounded to float32 (0.1 counts the float32 0.1s; it counted
             * nothing, no float32 being the double 0.1), but one float32 cannot
             * hold, a finite value beyond its range or a nonzero one below its
             * smallest subnormal, is no element's, as 1e400 and 1e-400 are not
             * a double's */
            float f = (float)v;
            if ((isinf(f) && !isinf(v)) || (f == 0 && v != 0))
                *in_range = 0;
            v = f;
        }
        out->f = v;
        return pario_ok();
    }
    int64_t lo;
    uint64_t hi;
    pario_dtype_int_limits(t, &lo, &hi);
    /* exactly, digit by digit: 1e19, 0x7fffffffffffffff, 3.0 (no rounding via double) */
    __int128 v;
    int integral;
    if (!pario_decimal_ceil(text, &v, &integral))
        return pario_error(PARIO_ERR_USAGE, "'%s' is not a number", text);
    if (!integral)
        return pario_error(PARIO_ERR_USAGE, "'%s' is not an integer %s value", text, pario_dtype_name(t));
    if (v < lo || v > (__int128)hi)
        *in_range = 0;
    out->i = v < INT64_MIN ? INT64_MIN : v > INT64_MAX ? INT64_MAX : (int64_t)v;
    out->u = v < 0 ? 0 : v > (__int128)UINT64_MAX ? UINT64_MAX : (uint64_t)v;
    out->f = (double)v;
    return pario_ok();
}

double pario_load_double(const void *buf, size_t i, pario_dtype t)
{
    switch (t) {
    case PARIO_INT8: return ((const int8_t *)buf)[i];
    case PARIO_INT16: return ((const int16_t *)buf)[i];
    case PARIO_INT32: return ((const int32_t *)buf)[i];
    case PARIO_INT64: return (double)((const int64_t *)buf)[i];
    case PARIO_UINT8: return ((const uint8_t *)buf)[i];
    case PARIO_UINT16: return ((const uint16_t *)buf)[i];
    case PARIO_UINT32: return ((const uint32_t *)buf)[i];
    case PARIO_UINT64: return (double)((const uint64_t *)buf)[i];
    case PARIO_FLOAT32: return ((const float *)buf)[i];
    case PARIO_FLOAT64: return ((const double *)buf)[i];
    default: return 0;
    }
}
