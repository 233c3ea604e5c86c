/* Accumulators and their merge: exact sums (a 128-bit integer for integer data,
 * the superaccumulator of xsum.h for float sums and for sums of squares), counts,
 * and min/max whose ties keep the smaller index. Every part is exact, so merging
 * is associative and commutative: blocks within a chunk, chunks on a rank, and
 * ranks (a user-defined MPI_Op) may join in any order with the same result. */
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

void pario_acc_set_shift(pario_acc *a, double shift)
{
    a->shifted = 1;
    a->shift = shift;
}

/* Shifted squares: Q = sum fl(fl(x - s)^2) exactly, T = S1 - n s exactly, and
 * var = (n Q - T^2) / n^2 by pario_xsum_var's exact big-integer arithmetic. The
 * only errors are the squares' roundings: each fl(fl(x - s)^2) is within
 * (1 + 2^-53)^3 - 1 < 3.0001 2^-53 of (x - s)^2, so |var - exact| <=
 * 3.0001 2^-53 Q / n, plus the last rounding (2^-52 var); clamped at 0. */
double pario_acc_var(const pario_acc *a)
{
    if (!a->shifted)
        return pario_xsum_var(&a->s1, &a->s2, a->n);
    if (a->n == 0 || a->s1.special)
        return NAN;
    if (a->s2.special) /* a shifted square overflowed: some |x - y| > DBL_MAX */
        return INFINITY;
    pario_xsum t = a->s1;
    pario_xsum_add_times(&t, -a->shift, a->n);   /* T = S1 - n shift */
    return pario_xsum_var(&t, &a->s2, a->n);
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

void pario_acc_merge(pario_acc *a, const pario_acc *b)
{
    a->nan += b->nan;
    if (b->first_nan < a->first_nan)
        a->first_nan = b->first_nan;
    if (b->n == 0)
        return;
    pario_xsum_merge(&a->s1, &b->s1);
    pario_xsum_merge(&a->s2, &b->s2);
    if (a->n == 0) {
        a->n = b->n;
        a->isum_lo = b->isum_lo;
        a->isum_hi = b->isum_hi;
        a->min = b->min;
        a->max = b->max;
        a->argmin = b->argmin;
        a->argmax = b->argmax;
        return;
    }
    const uint64_t n = a->n + b->n;
    if (a->kind != PARIO_ACC_FLOAT)
        set_isum(a, get_isum(a) + get_isum(b));
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
    if (a->kind == PARIO_ACC_FLOAT) {
        if (isnan(d)) {
            if (a->nan++ == 0 || idx < a->first_nan)
                a->first_nan = idx;
            return;
        }
        pario_xsum_add(&a->s1, d);
        if (a->shifted) {
            double q = d - a->shift;
            pario_xsum_add(&a->s2, q * q);
        } else {
            pario_xsum_add_sq(&a->s2, d);
        }
    } else {
        i128 x = a->kind == PARIO_ACC_SIGNED ? (i128)v.i : (i128)v.u;
        set_isum(a, get_isum(a) + x);
        unsigned __int128 ax = (unsigned __int128)(x < 0 ? -x : x), q = ax * ax; /* < 2^128 */
        pario_xsum_add_int(&a->s2, 0, (uint64_t)(q >> 64), (uint64_t)q, 0);
    }
    if (a->n == 0 || less(a->kind, v, a->min) || (equal(a->kind, v, a->min) && idx < a->argmin)) {
        a->min = v;
        a->argmin = idx;
    }
    if (a->n == 0 || less(a->kind, a->max, v) || (equal(a->kind, v, a->max) && idx < a->argmax)) {
        a->max = v;
        a->argmax = idx;
    }
    a->n++;
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
    /* commutative and exact: indices travel with the values, sums are exact */
    MPI_Op_create(merge_op, 1, &op);
    /* in slices, so counts stay ints and the temporary buffers small */
    const uint64_t slice = 1 << 12; /* 4096 lanes of about 2.2 KiB */
    for (uint64_t s = 0; s < lanes; s += slice) {
        int n = (int)(lanes - s < slice ? lanes - s : slice);
        MPI_Reduce(rank == 0 ? MPI_IN_PLACE : acc + s, acc + s, n, t, op, 0, comm);
    }
    MPI_Op_free(&op);
    MPI_Type_free(&t);
}
