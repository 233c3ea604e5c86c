/* Element types of a dataset, and what MPI and the kernels need to know of them. */
#ifndef PARIO_DTYPE_H
#define PARIO_DTYPE_H

#include <stddef.h>
#include <stdint.h>
#include <mpi.h>
#include "pario/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pario_dtype {
    PARIO_INT8, PARIO_INT16, PARIO_INT32, PARIO_INT64,
    PARIO_UINT8, PARIO_UINT16, PARIO_UINT32, PARIO_UINT64,
    PARIO_FLOAT32, PARIO_FLOAT64,
    PARIO_DTYPE_COUNT
} pario_dtype;

const char *pario_dtype_name(pario_dtype t);
size_t pario_dtype_size(pario_dtype t);
int pario_dtype_is_float(pario_dtype t);
int pario_dtype_is_signed(pario_dtype t);   /* true for floats too */
/* An integer dtype's smallest and largest values. */
void pario_dtype_int_limits(pario_dtype t, int64_t *lo, uint64_t *hi);
MPI_Datatype pario_dtype_mpi(pario_dtype t);
/* "int32" -> PARIO_INT32; returns -1 if unknown. */
int pario_dtype_from_name(const char *name);
/* Comma-separated list of every name, for error messages. */
const char *pario_dtype_names(void);

/* Reverse the bytes of n elements of size esize, in place. */
void pario_byteswap(void *buf, size_t n, size_t esize);
/* 1 if this machine is little-endian. */
int pario_host_little_endian(void);

/* A scalar held in the representation that compares exactly with a dtype:
 * int64 for signed integers, uint64 for unsigned, double for floats. */
typedef struct pario_scalar {
    int64_t i;
    uint64_t u;
    double f;
} pario_scalar;

/* Parse text as a value of type t. Integers must be integral; a value outside the
 * type's range sets *in_range = 0 (it can never be equal to an element). */
pario_status pario_scalar_parse(const char *text, pario_dtype t, pario_scalar *out, int *in_range);

/* Load element i of a native-order buffer as double / int64 / uint64. */
double pario_load_double(const void *buf, size_t i, pario_dtype t);

#ifdef __cplusplus
}
#endif
#endif
