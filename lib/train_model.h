/* The models of pario-train (private): one sample's prediction, loss and
 * gradient, in the order of operations tests/mpi/train_ref.py repeats. */
#ifndef PARIO_TRAIN_MODEL_H
#define PARIO_TRAIN_MODEL_H

#include <stdint.h>
#include "pario/train.h"
#include "pario/xsum.h"

/* One sample: x[0..f-1], label y; w holds k rows of (f weights, bias).
 * Adds the sample's gradient to grad[k * (f + 1)] (grad NULL: none), returns its
 * loss; *correct is 1 when the predicted class is y (classification). z holds k
 * doubles of scratch. */
double pario_train_sample(pario_train_model m, const double *w, uint64_t f, uint64_t k, const double *x, double y,
                          pario_xsum *grad, double *z, int *correct);

#endif
