/* The models of pario-train (private): one sample's prediction, loss and
 * gradient, in the order of operations tests/mpi/train_ref.py repeats. */
#ifndef PARIO_TRAIN_MODEL_H
#define PARIO_TRAIN_MODEL_H

#include <stdint.h>
#include "pario/train.h"
#include "pario/xsum.h"

/* Gradient terms waiting to be summed: term i of sample s at p[i * ld + s]
 * (ld 0: each term goes straight into grad[i]). */
typedef struct pario_gradbuf {
    pario_xsum *grad;   /* one exact accumulator per weight */
    double *p;
    uint64_t ld, m, nw; /* rows of p per weight, samples held, weights */
} pario_gradbuf;

/* One sample: x[0..f-1], label y; w holds k rows of (f weights, bias).
 * Adds the sample's gradient terms to g (NULL: none; the caller flushes when
 * g->m == g->ld), returns its loss; *correct is 1 when the predicted class is y
 * (classification). z holds k doubles of scratch. */
double pario_train_sample(pario_train_model m, const double *w, uint64_t f, uint64_t k, const double *x, double y,
                          pario_gradbuf *g, double *z, int *correct);

/* Add the held terms into g->grad exactly (pario_kernel_reduce's blocks of
 * error-free sums, then the accumulator), and empty the buffer. */
void pario_gradbuf_flush(pario_gradbuf *g);

#endif
