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
/* Elements x with lo <= x < hi; bounds may lie outside the dtype's range. */
uint64_t pario_kernel_count_range(const void *buf, size_t n, pario_dtype t, const pario_scalar *lo,
                                  const pario_scalar *hi);

#ifdef __cplusplus
}
#endif
#endif
