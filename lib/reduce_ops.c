/* Accumulators and their merge: Chan, Golub and LeVeque's pairwise update for the
 * mean and the sum of squared deviations, Neumaier's compensated sum for floats,
 * an exact 128-bit sum for integers, and min/max whose ties keep the smaller
 * index. The same merge joins blocks within a chunk, chunks on a rank, and ranks
 * (as a user-defined MPI_Op), so every level follows one rule. */
#include "config.h"
#include <math.h>
#include <string.h>
#include "pario/reduce.h"

typedef __int128 i128;

static inline i128 get_isum(const pario_acc *a)
{
    return (i128)(((unsigned __int128)(uint64_t)a->isum_hi << 64) | a->isum_lo);
}

static inline void set_isum(pario_acc *a, i128 v)
{
    a->isum_lo = (uint64_t)v;
    a->isum_hi = (int64_t)(v >> 64);
}

void pario_acc_init(pario_acc *a, pario_dtype t)
{
    memset(a, 0, sizeof *a);
    a->kind = pario_dtype_is_float(t) ? PARIO_ACC_FLOAT : pario_dtype_is_signed(t) ? PARIO_ACC_SIGNED
                                                                                     : PARIO_ACC_UNSIGNED;
    a->first_nan = UINT64_MAX;
}

/* a < b in the lane's kind */
static inline int less(int kind, pario_value a, pario_value b)
{
    switch (kind) {
    case PARIO_ACC_SIGNED: return a.i < b.i;
    case PARIO_ACC_UNSIGNED: return a.u < b.u;
    default: return a.f < b.f;
    }
}

static inline int equal(int kind, pario_value a, pario_value b)
{
    return kind == PARIO_ACC_FLOAT ? a.f == b.f : a.u == b.u;
}

static inline void neumaier_add(double *s, double *c, double x)
{
    double t = *s + x;
    if (fabs(*s) >= fabs(x))
        *c += (*s - t) + x;
    else
        *c += (x - t) + *s;
    *s = t;
}

void pario_acc_merge(pario_acc *a, const pario_acc *b)
{
    a->nan += b->nan;
    if (b->first_nan < a->first_nan)
        a->first_nan = b->first_nan;
    if (b->n == 0)
        return;
    if (a->n == 0) {
        uint64_t nan = a->nan, first = a->first_nan;
        *a = *b;
        a->nan = nan;
        a->first_nan = first;
        return;
    }
    const uint64_t n = a->n + b->n;
    const double delta = b->mean - a->mean, fb = (double)b->n / (double)n;
    a->mean += delta * fb;
    a->m2 += b->m2 + delta * delta * ((double)a->n * fb);
    if (a->kind == PARIO_ACC_FLOAT) {
        neumaier_add(&a->fs, &a->fc, b->fs);
        a->fc += b->fc;
    } else {
        set_isum(a, get_isum(a) + get_isum(b));
    }
    if (less(a->kind, b->min, a->min) || (equal(a->kind, b->min, a->min) && b->argmin < a->argmin)) {
        a->min = b->min;
        a->argmin = b->argmin;
    }
    if (less(a->kind, a->max, b->max) || (equal(a->kind, b->max, a->max) && b->argmax < a->argmax)) {
        a->max = b->max;
        a->argmax = b->argmax;
    }
    a->n = n;
}

void pario_acc_push(pario_acc *a, pario_dtype t, const void *elem, uint64_t idx)
{
    pario_acc one;
    pario_acc_init(&one, t);
    pario_value v;
    double d;
    switch (t) {
    case PARIO_INT8: v.i = *(const int8_t *)elem; d = (double)v.i; break;
    case PARIO_INT16: v.i = *(const int16_t *)elem; d = (double)v.i; break;
    case PARIO_INT32: v.i = *(const int32_t *)elem; d = (double)v.i; break;
    case PARIO_INT64: v.i = *(const int64_t *)elem; d = (double)v.i; break;
    case PARIO_UINT8: v.u = *(const uint8_t *)elem; d = (double)v.u; break;
    case PARIO_UINT16: v.u = *(const uint16_t *)elem; d = (double)v.u; break;
    case PARIO_UINT32: v.u = *(const uint32_t *)elem; d = (double)v.u; break;
    case PARIO_UINT64: v.u = *(const uint64_t *)elem; d = (double)v.u; break;
    case PARIO_FLOAT32: v.f = *(const float *)elem; d = v.f; break;
    default: v.f = *(const double *)elem; d = v.f; break;
    }
    if (one.kind == PARIO_ACC_FLOAT && isnan(d)) {
        one.nan = 1;
        one.first_nan = idx;
    } else {
        one.n = 1;
        one.mean = d;
        if (one.kind == PARIO_ACC_FLOAT)
            one.fs = d;
        else
            set_isum(&one, one.kind == PARIO_ACC_SIGNED ? (i128)v.i : (i128)v.u);
        one.min = one.max = v;
        one.argmin = one.argmax = idx;
    }
    pario_acc_merge(a, &one);
}

static void merge_op(void *in, void *inout, int *len, MPI_Datatype *dt)
{
    (void)dt;
    const pario_acc *b = in;
    pario_acc *a = inout;
    for (int i = 0; i < *len; i++)
        pario_acc_merge(&a[i], &b[i]);
}

void pario_acc_reduce(pario_acc *acc, uint64_t lanes, MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    MPI_Datatype t;
    MPI_Op op;
    MPI_Type_contiguous((int)sizeof(pario_acc), MPI_BYTE, &t);
    MPI_Type_commit(&t);
    /* commutative: indices travel with the values, so the order only moves float rounding */
    MPI_Op_create(merge_op, 1, &op);
    /* in slices, so counts stay ints and the temporary buffers small */
    const uint64_t slice = 1 << 16;
    for (uint64_t s = 0; s < lanes; s += slice) {
        int n = (int)(lanes - s < slice ? lanes - s : slice);
        MPI_Reduce(rank == 0 ? MPI_IN_PLACE : acc + s, acc + s, n, t, op, 0, comm);
    }
    MPI_Op_free(&op);
    MPI_Type_free(&t);
}
