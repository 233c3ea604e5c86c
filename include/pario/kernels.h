/* Per-dtype inner loops, built to vectorise (see lib/Makefile fragment): the only
 * code that touches every element. */
#ifndef PARIO_KERNELS_H
#define PARIO_KERNELS_H

#include <stddef.h>
#include <stdint.h>
#include "pario/dtype.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Elements equal to v (v in the dtype's comparison representation, see pario_scalar). */
uint64_t pario_kernel_count_eq(const void *buf, size_t n, pario_dtype t, const pario_scalar *v);
/* Elements x with lo <= x < hi; bounds may lie outside the dtype's range, within
 * what int64/uint64/double hold (pario_count_query resolves any decimal bound). */
uint64_t pario_kernel_count_range(const void *buf, size_t n, pario_dtype t, const pario_scalar *lo,
                                  const pario_scalar *hi);

/* Integer dtypes: elements x with a <= x <= b, where a <= b both lie within the
 * dtype (a->i, b->i for signed types, a->u, b->u for unsigned). */
uint64_t pario_kernel_count_closed(const void *buf, size_t n, pario_dtype t, const pario_scalar *a,
                                   const pario_scalar *b);

#ifdef __cplusplus
}
#endif
#endif
