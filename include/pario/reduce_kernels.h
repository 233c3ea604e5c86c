/* The per-chunk loops of pario-reduce, built with the vectorising flags of
 * lib/libkernels (see kernels.h): the only reduce code that touches every element. */
#ifndef PARIO_REDUCE_KERNELS_H
#define PARIO_REDUCE_KERNELS_H

#include <stddef.h>
#include <stdint.h>
#include "pario/dtype.h"
#include "pario/reduce.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the chunk's accumulator must hold (cheaper work when less is asked). */
enum pario_kernel_need {
    PARIO_NEED_SUM = 1u << 0,     /* n and the exact sum */
    PARIO_NEED_M2 = 1u << 1,      /* the exact sum of squares */
    PARIO_NEED_MINMAX = 1u << 2,  /* min, max and their first positions */
};

/* The accumulator of buf[0..n) (fresh: *out is initialised here); indices are
 * positions in buf. Works in blocks that stay in L1: each block's min and max in
 * 8 independent lanes, then its exact sums (float values and squares cut into a
 * few doubles that add without rounding, see xsum.h), then one fold. */
void pario_kernel_reduce(const void *buf, size_t n, pario_dtype t, unsigned need, pario_acc *out);

/* The same, with the default variance's shifted squares (floats): out->s2 holds
 * the exact sum of fl(fl(x - shift)^2) when shifted (see pario_acc_set_shift). */
void pario_kernel_reduce_shifted(const void *buf, size_t n, pario_dtype t, unsigned need, int shifted,
                                 double shift, pario_acc *out);

/* counts[b] += elements of buf in bin b of h (values converted to double, NaN and
 * values outside [lo, hi] not counted; the last bin is closed, as in numpy). */
void pario_kernel_hist(const void *buf, size_t n, pario_dtype t, const pario_hist *h, uint64_t *counts);
/* The same for a buffer another kernel has just read (in cache): without the
 * software prefetch of the data ahead, which would only cost time here. */
void pario_kernel_hist_cached(const void *buf, size_t n, pario_dtype t, const pario_hist *h, uint64_t *counts);

/* pario_kernel_reduce_shifted and pario_kernel_hist_cached of the same buffer in
 * one call (the results are theirs); where a CPU path allows, each block is
 * counted right after the sweep that read it, while the next block arrives. */
void pario_kernel_reduce_hist(const void *buf, size_t n, pario_dtype t, unsigned need, int shifted, double shift,
                              pario_acc *out, const pario_hist *h, uint64_t *counts);

#ifdef __cplusplus
}
#endif
#endif
