/* The models of pario-train (private): prediction, loss and gradient of a
 * segment of rows, in the order of operations tests/mpi/train_ref.py repeats
 * (lib/kernels/train.c). */
#ifndef PARIO_TRAIN_MODEL_H
#define PARIO_TRAIN_MODEL_H

#include <stdint.h>
#include "pario/train.h"

/* Rows x[0..m-1] (m x f, row-major), labels y[0..m-1]; w holds k rows of (f
 * weights, bias). Adds the rows' gradient terms into g[0..k(f+1)-1] (NULL: none)
 * in row order, writes each row's loss to loss[i], adds the rows classified
 * right to *correct (classification). z: 2 max(k, m) doubles of scratch.
 * Returns 1 when every score z = w.x + b was finite: then (w being finite)
 * every x was, as inf or NaN in x makes z inf or NaN; 0 says "check x". */
int pario_train_segment(pario_train_model model, const double *w, uint64_t f, uint64_t k, const double *x,
                         const double *y, uint64_t m, double *g, double *loss, uint64_t *correct, double *z);

/* The same, rows of float32 (each value widened to a double exactly: the same
 * bits); meanwhile pf[0..pfbytes-1] (pf not NULL: the rows read next) is
 * prefetched into L2, spread over the work (the first line of each page first). */
int pario_train_segment_f32(pario_train_model model, const double *w, uint64_t f, uint64_t k, const float *x,
                            const double *y, uint64_t m, double *g, double *loss, uint64_t *correct, double *z,
                            const void *pf, uint64_t pfbytes);

/* 1 when the labels y[0..m-1] are all valid for a linear (finite) or logistic
 * (0 or 1) model; 0 when one is not, and always for softmax (then the caller
 * looks for the first bad one). */
int pario_train_labels_ok(pario_train_model model, const double *y, uint64_t m);

/* 1 when x[0..n-1] (float32) are all finite. */
int pario_train_finite_f32(const float *x, uint64_t n);

/* Predictions of rows x[0..m-1] into out: linear z, logistic 1 when z > 0 else 0,
 * softmax the first class of the largest z. z: k doubles of scratch. */
void pario_train_predict(pario_train_model model, const double *w, uint64_t f, uint64_t k, const double *x,
                         uint64_t m, double *out, double *z);

/* The exactly rounded sum of x[i stride], i < n (math.fsum's algorithm and
 * bits); *ok = 0 when a value is not finite or |value| >= 2^1000 (then use
 * a pario_xsum). */
double pario_train_fsum(const double *x, uint64_t n, uint64_t stride, int *ok);

/* out[i] = the exactly rounded sum of x[s stride + i], s < n (the bits of
 * pario_train_fsum), for the columns i < nw where the fast path applies
 * (ok[i] = 1: exponents within 64 bits, far from overflow and the
 * subnormals); ok[i] = 0 elsewhere, for pario_train_fsum. */
void pario_train_fsum_cols(const double *x, uint64_t n, uint64_t stride, uint64_t nw, double *out,
                           unsigned char *ok);

/* An exact partial sum of one column (lib/kernels/train_sum.c): the
 * exponents' range of its nonzero values and their sum as a 128-bit integer
 * (hi, lo: two's complement) in units of 2^(emin - 1075). emin 4096, emax
 * -4096: zeros only; emin 0, emax 32767: the fast path cannot take it. */
typedef struct {
    uint64_t hi, lo;
    int32_t emin, emax;
} pario_train_fixed;

/* out[i]: the partial of x[s stride + i], s < n, for i < nw. */
void pario_train_fixed_cols(const double *x, uint64_t n, uint64_t stride, uint64_t nw, pario_train_fixed *out);

/* out[i] = the exactly rounded sum of the np partials parts[r pstride + i]
 * (ntotal values in all), the bits of pario_train_fsum_cols over all of
 * them, and ok[i] = 1; ok[i] = 0 where the fast path does not apply. */
void pario_train_fixed_combine(const pario_train_fixed *parts, uint64_t np, uint64_t pstride, uint64_t nw,
                               uint64_t ntotal, double *out, unsigned char *ok);

/* 1 when x[0..n-1] are all finite. */
int pario_train_finite(const double *x, uint64_t n);

/* out[i] = in[i] for i < n (float32 rows to doubles); 1 when all are finite. */
int pario_train_widen(const float *in, double *out, uint64_t n);

#endif
