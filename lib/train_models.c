/* Linear, logistic and softmax regression for one sample. The order of the
 * floating-point operations is fixed and documented (tests/mpi/train_ref.py
 * repeats it in Python):
 *   z_k = (sum_j w_kj x_j, added j = 0, 1, ..) + b_k
 *   linear:   r = z - y                    loss = r r / 2
 *   logistic: p = 1 / (1 + exp(-z)), r = p - y,
 *             loss = log1p(exp(-|z|)) + max(z, 0) - y z,   predicted 1 when z > 0
 *   softmax:  m = max_k z_k, e_k = exp(z_k - m), s = sum_k e_k (k = 0, 1, ..),
 *             r_k = e_k / s - [k == y],  loss = log(s) - (z_y - m),
 *             predicted: the first k with the largest z_k
 *   gradient: w_kj gets r_k x_j, b_k gets r_k, each added exactly (summed in
 *   blocks by pario_kernel_reduce, exact, so the grouping changes nothing). */
#include "config.h"
#include <math.h>
#include "pario/reduce_kernels.h"
#include "train_model.h"

/* No fused multiply-adds: the products and sums are rounded as written, on any
 * machine, so Python reproduces them. */
#pragma GCC optimize("fp-contract=off")

static double dot(const double *w, const double *x, uint64_t f)
{
    double s = 0.0;
    for (uint64_t j = 0; j < f; j++)
        s += w[j] * x[j];
    return s + w[f];
}

/* The terms of weights first .. first+f (f features, then the bias). */
static void add_grad(pario_gradbuf *g, uint64_t first, const double *x, uint64_t f, double r)
{
    if (!g->ld) {
        for (uint64_t j = 0; j < f; j++)
            pario_xsum_add(&g->grad[first + j], r * x[j]);
        pario_xsum_add(&g->grad[first + f], r);
        return;
    }
    double *p = g->p + first * g->ld + g->m;
    for (uint64_t j = 0; j < f; j++)
        p[j * g->ld] = r * x[j];
    p[f * g->ld] = r;
}

void pario_gradbuf_flush(pario_gradbuf *g)
{
    if (!g->ld || !g->m)
        return;
    pario_acc a;
    for (uint64_t i = 0; i < g->nw; i++) {
        pario_kernel_reduce(g->p + i * g->ld, g->m, PARIO_FLOAT64, PARIO_NEED_SUM, &a);
        pario_xsum_merge(&g->grad[i], &a.s1);
        if (a.nan)
            pario_xsum_add(&g->grad[i], NAN);
    }
    g->m = 0;
}

double pario_train_sample(pario_train_model m, const double *w, uint64_t f, uint64_t k, const double *x, double y,
                          pario_gradbuf *grad, double *z, int *correct)
{
    if (m == PARIO_TRAIN_LINEAR) {
        double r = dot(w, x, f) - y;
        if (grad)
            add_grad(grad, 0, x, f, r);
        *correct = 0;
        return r * r / 2;
    }
    if (m == PARIO_TRAIN_LOGISTIC) {
        double zz = dot(w, x, f);
        double p = 1.0 / (1.0 + exp(-zz));
        if (grad)
            add_grad(grad, 0, x, f, p - y);
        *correct = (zz > 0) == (y == 1.0);
        return log1p(exp(-fabs(zz))) + fmax(zz, 0.0) - y * zz;
    }
    uint64_t best = 0;
    for (uint64_t c = 0; c < k; c++) {
        z[c] = dot(w + c * (f + 1), x, f);
        if (z[c] > z[best])
            best = c;
    }
    double mx = z[best], s = 0.0;
    for (uint64_t c = 0; c < k; c++)
        s += exp(z[c] - mx);
    uint64_t yc = (uint64_t)y;
    if (grad)
        for (uint64_t c = 0; c < k; c++)
            add_grad(grad, c * (f + 1), x, f, exp(z[c] - mx) / s - (c == yc ? 1.0 : 0.0));
    *correct = best == yc;
    return log(s) - (z[yc] - mx);
}
