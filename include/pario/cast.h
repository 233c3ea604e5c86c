/* Converting elements between dtypes: exact where the value fits, an error (or
 * saturation) where it does not. */
#ifndef PARIO_CAST_H
#define PARIO_CAST_H

#include <stddef.h>
#include <stdint.h>
#include "pario/dtype.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Convert n elements (host order). Floats to integers truncate toward zero, like
 * C and numpy's astype. Returns the number of values that did not fit the
 * destination (NaN into an integer, out of range, a finite double that overflows
 * float32); with saturate they are clamped (NaN -> 0) and 0 is returned.
 * *first_bad is the index of the first one. */
uint64_t pario_cast(const void *src, pario_dtype st, void *dst, pario_dtype dt, size_t n, int saturate,
                    size_t *first_bad);

#ifdef __cplusplus
}
#endif
#endif
