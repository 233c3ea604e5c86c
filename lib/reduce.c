/* The reduce pipeline: one read of the data, each chunk handed to every operation
 * asked for, then one merge across ranks. With --axis the chunk is cut at the
 * view's runs and at row ends, so each piece belongs to known rows and columns
 * whatever the distribution. */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "pario/reduce.h"
#include "pario/reduce_kernels.h"
#include "reduce_internal.h"
#include "slow.h"
#include "source.h"

struct pass {
    const pario_dataset *ds;
    const pario_view *view;
    const pario_reduce_spec *spec;
    unsigned need;          /* enum pario_kernel_need */
    int hist, count, range; /* per-chunk work besides the accumulators */
    int axis;
    uint64_t cols;
    pario_reduce_result *res;
    /* a Fortran-order .npy, whole array, with argmin/argmax: the pieces are the
     * stored rows (numpy's columns), each extreme's index made numpy's flat C-order
     * index (the first of equal ones: within a stored row the first stored is
     * numpy's first; across rows the merge keeps the least index) */
    int fortran_flat;
    uint64_t row;           /* the stored row of the piece (fortran_flat) */
};

/* Positions in the chunk -> indices along the lane (pos_to_idx(start + p)). */
static uint64_t global_index(const pario_view *v, uint64_t local)
{
    return v ? pario_view_global_index(v, local) : local; /* no view: a task's range, indices are global */
}

static void remap(pario_acc *b, const pario_view *v, uint64_t local_start, uint64_t lane_base, int global)
{
    if (b->n) {
        b->argmin = global ? global_index(v, local_start + b->argmin) : lane_base + b->argmin;
        b->argmax = global ? global_index(v, local_start + b->argmax) : lane_base + b->argmax;
    }
    if (b->nan)
        b->first_nan = global ? global_index(v, local_start + b->first_nan) : lane_base + b->first_nan;
}

/* buf[0..n) are the lane's elements starting at index lane_base (axis 1) or the
 * chunk at local_start (whole dataset). */
static void piece(struct pass *p, const void *buf, size_t n, uint64_t lane, uint64_t local_start,
                  uint64_t lane_base, int global)
{
    pario_reduce_result *res = p->res;
    const pario_dtype t = p->ds->dtype;
    const size_t esize = pario_dtype_size(t);
    /* every operation on one L2-sized slice before the next: the data is read from
     * memory once, not once per operation; the accumulator and the histogram
     * alone take the whole piece in one call (pario_kernel_reduce_hist slices
     * it itself where it does not sweep once) */
    const size_t slice = p->need && p->hist && !p->count && !p->range ? n : ((size_t)256 << 10) / esize;
    for (size_t off = 0; off < n; off += slice) {
        const size_t m = n - off < slice ? n - off : slice;
        const char *q = (const char *)buf + off * esize;
        uint64_t *counts = p->hist ? res->hist_counts + lane * res->hist.bins : NULL;
        if (p->need) {
            pario_acc b;
            if (p->hist) /* both from one sweep, or the slice in cache for the second */
                pario_kernel_reduce_hist(q, m, t, p->need, res->acc[lane].shifted, res->acc[lane].shift, &b,
                                         &res->hist, counts);
            else
                pario_kernel_reduce_shifted(q, m, t, p->need, res->acc[lane].shifted, res->acc[lane].shift, &b);
            remap(&b, p->view, local_start + off, lane_base + off, global);
            if (p->fortran_flat) {
                /* stored (row, col) is numpy's (col, row) of shape (cols, rows): flat col * rows + row */
                const uint64_t rows = p->ds->shape[0];
                b.argmin = b.argmin * rows + p->row;
                b.argmax = b.argmax * rows + p->row;
                if (b.nan)
                    b.first_nan = b.first_nan * rows + p->row;
            }
            pario_acc_merge(&res->acc[lane], &b);
        } else if (p->hist) {
            pario_kernel_hist(q, m, t, &res->hist, counts);
        }
        if (p->count)
            pario_count_chunk(&p->spec->count, q, m, t, &res->count[lane]);
        if (p->range)
            pario_count_chunk(&p->spec->range, q, m, t, &res->range_count[lane]);
    }
}

static void chunk(struct pass *p, const char *data, size_t n, uint64_t local_start)
{
    if (n == 0)
        return;
    if (p->axis < 0 && !p->fortran_flat) {
        piece(p, data, n, 0, local_start, 0, 1);
        return;
    }
    const pario_dtype t = p->ds->dtype;
    const size_t esize = pario_dtype_size(t);
    pario_reduce_result *res = p->res;
    size_t i = 0;
    while (i < n) {
        uint64_t g = local_start + i;
        uint64_t len = p->view ? pario_view_run(p->view, local_start + i, &g) : n - i;
        if (len > n - i)
            len = n - i;
        while (len) {
            uint64_t row = g / p->cols, col = g % p->cols;
            uint64_t seg = p->cols - col < len ? p->cols - col : len;
            const char *q = data + i * esize;
            if (p->fortran_flat) {
                p->row = row;
                piece(p, q, seg, 0, 0, col, 0);
            } else if (p->axis == 1) {
                piece(p, q, seg, row, 0, col, 0);
            } else {
                /* one element per column: the element-wise path */
                for (uint64_t j = 0; j < seg; j++) {
                    const char *e = q + j * esize;
                    uint64_t lane = col + j;
                    pario_acc_push(&res->acc[lane], t, e, row);
                    if (p->hist)
                        pario_kernel_hist(e, 1, t, &res->hist, res->hist_counts + lane * res->hist.bins);
                    if (p->count)
                        pario_count_chunk(&p->spec->count, e, 1, t, &res->count[lane]);
                    if (p->range)
                        pario_count_chunk(&p->spec->range, e, 1, t, &res->range_count[lane]);
                }
            }
            g += seg;
            i += seg;
            len -= seg;
        }
    }
}

static pario_status run_pass(struct pass *p, const pario_io_opts *io, pario_progress *progress, MPI_Comm comm)
{
    pario_reader *r;
    pario_status st = pario_reader_open(&r, p->ds, p->view, io, comm);
    if (pario_failed(&st))
        return st;
    const void *data;
    size_t n;
    uint64_t start;
    uint64_t done_before = p->res->bytes;
    while (pario_reader_next(r, &data, &n, &start, &st)) {
        double t0 = pario_slow_start();
        chunk(p, data, n, start);
        pario_slow_after(t0);
        if (progress)
            pario_progress_update(progress, done_before + pario_reader_bytes(r));
    }
    p->res->bytes += pario_reader_bytes(r);
    p->res->io_seconds += pario_reader_io_seconds(r);
    p->res->reads = pario_reader_reads_how(r);
    pario_reader_close(r);
    return st;
}

static void *alloc_zero(size_t n, size_t size, pario_status *st)
{
    void *p = calloc(n ? n : 1, size);
    if (!p && !pario_failed(st))
        *st = pario_local_error("out of memory for %zu results", n);
    return p;
}

/* The histogram's range: given, or the data's min and max (numpy's rules: an empty
 * dataset gives [0, 1]; a NaN or an infinity in the range is an error). */
static pario_status hist_range(struct pass *p, const pario_io_opts *io, pario_progress *progress, MPI_Comm comm,
                               double *lo, double *hi)
{
    const pario_reduce_spec *s = p->spec;
    *lo = s->lo;
    *hi = s->hi;
    if (s->have_lo && s->have_hi)
        return pario_ok();
    pario_reduce_result *res = p->res;
    pario_acc keep = res->acc[0];
    pario_acc_init(&res->acc[0], p->ds->dtype);
    struct pass mm = *p;
    mm.need = PARIO_NEED_MINMAX;
    mm.hist = mm.count = mm.range = 0;
    mm.axis = -1;
    mm.fortran_flat = 0;   /* the values only */
    pario_status st = run_pass(&mm, io, progress, comm);
    if (pario_failed(&st))
        return st;
    res->passes++;
    pario_acc_reduce(res->acc, 1, comm);
    char label[PARIO_PATH_MAX + 1024];
    st = pario_reduce_named(pario_reduce_hist_bounds(s, res, comm, lo, hi),
                            pario_dataset_label(p->ds, label, sizeof label));
    res->acc[0] = keep;
    return st;
}

void pario_reduce_data_range(const pario_reduce_spec *s, const pario_reduce_result *res, double range[2])
{
    range[0] = 0;
    range[1] = 1;
    pario_lane l;
    pario_reduce_lane(s, res, 0, &l);
    if (l.has_extremes) {
        int f = res->acc[0].kind == PARIO_ACC_FLOAT, u = res->acc[0].kind == PARIO_ACC_UNSIGNED;
        range[0] = f ? l.min.f : u ? (double)l.min.u : (double)l.min.i;
        range[1] = f ? l.max.f : u ? (double)l.max.u : (double)l.max.i;
    }
}

pario_status pario_reduce_named(pario_status st, const char *path)
{
    if (!pario_failed(&st))
        return st;
    char m[PARIO_MSG_MAX];
    memcpy(m, st.msg, sizeof m);
    pario_status named = pario_error(st.code, "%s: %s", path, m);
    named.rank = st.rank;
    named.local = st.local;
    return named;
}

pario_status pario_reduce_hist_range_check(const pario_reduce_spec *s, const double range[2], double *lo, double *hi)
{
    *lo = s->have_lo ? s->lo : range[0];
    *hi = s->have_hi ? s->hi : range[1];
    if (!isfinite(*lo) || !isfinite(*hi))
        return pario_error(PARIO_ERR_RUNTIME,
                           "hist: the data's range [%g, %g] is not finite (give --min and --max%s)", *lo, *hi,
                           isnan(*lo) || isnan(*hi) ? ", or --skip-nan" : "");
    if (*lo > *hi)
        return pario_error(PARIO_ERR_USAGE, "hist: range [%g, %g]: min is greater than max", *lo, *hi);
    return pario_ok();
}

pario_status pario_reduce_hist_bounds(const pario_reduce_spec *s, const pario_reduce_result *res, MPI_Comm comm,
                                      double *lo, double *hi)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    double range[2] = { 0, 1 };
    if (rank == 0)
        pario_reduce_data_range(s, res, range);
    MPI_Bcast(range, 2, MPI_DOUBLE, 0, comm);
    return pario_reduce_hist_range_check(s, range, lo, hi);
}

static void pass_init(struct pass *p, const pario_dataset *ds, const pario_view *view, const pario_reduce_spec *spec,
                      pario_reduce_result *res)
{
    const uint64_t cols = ds->ndims == 2 ? ds->shape[1] : 1;
    struct pass q = { ds, view, spec, 0, 0, 0, 0, pario_dataset_axis(ds, spec->axis), cols ? cols : 1, res, 0, 0 };
    if (spec->ops & (PARIO_OP_SUM | PARIO_OP_MEAN))
        q.need |= PARIO_NEED_SUM;
    if (spec->ops & (PARIO_OP_VAR | PARIO_OP_STD))
        q.need |= PARIO_NEED_SUM | PARIO_NEED_M2;
    if (spec->ops & (PARIO_OP_MIN | PARIO_OP_MAX))
        q.need |= PARIO_NEED_MINMAX;
    q.hist = !!(spec->ops & PARIO_OP_HIST);
    q.fortran_flat = ds->fortran && q.axis < 0 && (spec->ops & (PARIO_OP_MIN | PARIO_OP_MAX));
    q.count = !!(spec->ops & PARIO_OP_COUNT);
    q.range = !!(spec->ops & PARIO_OP_RANGE);
    /* a float result carries nan_count, which the accumulator counts: hist,
     * count and range alone ran none, and said 0 (a hostile-user pass, session 23) */
    if (!q.need && pario_dtype_is_float(ds->dtype))
        q.need = PARIO_NEED_MINMAX;
    *p = q;
}

pario_status pario_reduce_result_setup(const pario_dataset *ds, const pario_reduce_spec *spec,
                                       pario_reduce_result *res)
{
    memset(res, 0, sizeof *res);
    const uint64_t rows = ds->shape[0], cols = ds->ndims == 2 ? ds->shape[1] : 1;
    res->dtype = ds->dtype;
    res->axis = spec->axis;   /* as asked; the stored array's (the other for Fortran order): */
    const int axis = pario_dataset_axis(ds, spec->axis);
    res->lanes = axis < 0 ? 1 : axis == 0 ? cols : rows;
    res->lane_len = axis < 0 ? ds->nelems : axis == 0 ? rows : cols;
    pario_status st = pario_ok();
    res->acc = alloc_zero(res->lanes, sizeof(pario_acc), &st);
    if (spec->ops & PARIO_OP_COUNT)
        res->count = alloc_zero(res->lanes, sizeof(uint64_t), &st);
    if (spec->ops & PARIO_OP_RANGE)
        res->range_count = alloc_zero(res->lanes, sizeof(uint64_t), &st);
    if (spec->ops & PARIO_OP_HIST)
        res->hist_counts = alloc_zero(res->lanes * spec->bins, sizeof(uint64_t), &st);
    if (res->acc)
        for (uint64_t l = 0; l < res->lanes; l++)
            pario_acc_init(&res->acc[l], ds->dtype);
    return st;
}

void pario_reduce_add_range(const pario_dataset *ds, const pario_reduce_spec *spec, pario_reduce_result *res,
                            int minmax_only, const void *data, size_t n, uint64_t start)
{
    struct pass p;
    pass_init(&p, ds, NULL, spec, res);
    if (minmax_only) {
        p.need = PARIO_NEED_MINMAX;
        p.hist = p.count = p.range = 0;
        p.axis = -1;
        p.fortran_flat = 0;   /* the values only */
    }
    chunk(&p, data, n, start);
}

void pario_reduce_result_merge(pario_reduce_result *res, const pario_reduce_spec *spec, MPI_Comm comm)
{
    pario_acc_reduce(res->acc, res->lanes, comm);
    int rank;
    MPI_Comm_rank(comm, &rank);
    /* counts: plain sums, in slices of int-sized counts */
    uint64_t *arrays[3] = { res->hist_counts, res->count, res->range_count };
    uint64_t sizes[3] = { res->hist_counts ? res->lanes * spec->bins : 0, res->lanes, res->lanes };
    for (int a = 0; a < 3; a++) {
        if (!arrays[a])
            continue;
        for (uint64_t s = 0; s < sizes[a]; s += 1 << 24) {
            int n = (int)(sizes[a] - s < (1 << 24) ? sizes[a] - s : (1 << 24));
            MPI_Reduce(rank == 0 ? MPI_IN_PLACE : arrays[a] + s, arrays[a] + s, n, MPI_UINT64_T, MPI_SUM, 0, comm);
        }
    }
}

/* The default variance's shift: the dataset's first element (0 if it is not
 * finite), read by rank 0 straight from the file and broadcast, so that every
 * rank rounds the same squares whatever the ranks, chunks or distribution.
 * (Chunked and compact HDF5: read through HDF5 by rank 0, the same value, so the
 * same bits as the raw file.) Exact squares (a correctly rounded variance) with
 * --exact, for integers, per axis, and for sources whose first element cannot be read. */
/* Whether ds's variance takes a shift (the default for float data, see
 * pario_acc_set_shift). */
static int takes_shift(const pario_dataset *ds, const pario_reduce_spec *spec)
{
    return !spec->exact && spec->axis < 0 && pario_dtype_is_float(ds->dtype) && (spec->ops & (PARIO_OP_VAR | PARIO_OP_STD))
           && ds->nelems != 0 && !ds->part.present
           && (ds->format == PARIO_SOURCE_RAW || ds->format == PARIO_SOURCE_NPY || ds->format == PARIO_SOURCE_HDF5);
}

/* Local: the shift of a raw, .npy or contiguous HDF5 dataset, read with
 * pread: its first finite element among the first FIRST_SCAN (a NaN or an
 * infinity first, as under --skip-nan, would leave a shift of 0, far from
 * data far from 0), as a double; got[0] 1 when read, got[1] the value (0
 * when none of them is finite). */
#define FIRST_SCAN 512
static void read_first(const pario_dataset *ds, double got[2])
{
    got[0] = got[1] = 0;
    const size_t es = pario_dtype_size(ds->dtype);
    unsigned char b[8 * FIRST_SCAN];
    size_t want = (ds->nelems < FIRST_SCAN ? (size_t)ds->nelems : FIRST_SCAN) * es;
    int fd = open(ds->path, O_RDONLY);
    if (fd < 0)
        return;
    ssize_t r = pread(fd, b, want, (off_t)ds->offset);
    close(fd);
    if (r < (ssize_t)es)
        return;
    size_t m = (size_t)r / es;
    if (ds->big_endian == pario_host_little_endian())
        pario_byteswap(b, m, es);
    got[0] = 1;
    for (size_t i = 0; i < m; i++) {
        double d;
        if (es == 4) {
            float f;
            memcpy(&f, b + 4 * i, 4);
            d = f;
        } else {
            memcpy(&d, b + 8 * i, 8);
        }
        if (isfinite(d)) {
            got[1] = d;
            return;
        }
    }
}

void pario_reduce_choose_shift(const pario_dataset *ds, const pario_reduce_spec *spec, pario_reduce_result *res,
                               MPI_Comm comm)
{
    if (!takes_shift(ds, spec))
        return;
    int rank;
    MPI_Comm_rank(comm, &rank);
    double got[2] = { 0, 0 }; /* read, value */
    if (ds->format == PARIO_SOURCE_HDF5 && ds->h5_layout != PARIO_H5_CONTIGUOUS) {
        /* chunked or compact: through HDF5, on the file the inspection opened */
        got[0] = pario_source_h5_first(ds, comm, &got[1]);
        got[1] = isfinite(got[1]) ? got[1] : 0;
    } else if (rank == 0) {
        read_first(ds, got);
    }
    MPI_Bcast(got, 2, MPI_DOUBLE, 0, comm);
    if (got[0])
        pario_acc_set_shift(&res->acc[0], got[1]);
}

pario_status pario_reduce_choose_shifts(const pario_dataset *ds, size_t n, const pario_status *st,
                                        const pario_reduce_spec *spec, pario_reduce_result *res, MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    size_t k = 0;
    /* chunked HDF5 inputs are refused by the tasks (they have no byte offset) */
#define SHIFTED(i) (!pario_failed(&st[i]) && takes_shift(&ds[i], spec) \
                    && !(ds[i].format == PARIO_SOURCE_HDF5 && ds[i].h5_layout != PARIO_H5_CONTIGUOUS))
    for (size_t i = 0; i < n; i++)
        k += SHIFTED(i);
    if (k == 0)   /* alike on every rank: st[] is agreed */
        return pario_ok();
    double *got = calloc(2 * n, sizeof *got);
    pario_status gst = got ? pario_ok() : pario_local_error("out of memory for %zu inputs' shifts", n);
    if (pario_agree(&gst, comm)) {
        free(got);
        return gst;
    }
    for (size_t i = 0; rank == 0 && i < n; i++)
        if (SHIFTED(i))
            read_first(&ds[i], got + 2 * i);
#undef SHIFTED
    for (size_t s = 0; s < 2 * n; s += 1 << 24)
        MPI_Bcast(got + s, (int)(2 * n - s < (1 << 24) ? 2 * n - s : (1 << 24)), MPI_DOUBLE, 0, comm);
    for (size_t i = 0; i < n; i++)
        if (got[2 * i])
            pario_acc_set_shift(&res[i].acc[0], got[2 * i + 1]);
    free(got);
    return pario_ok();
}

pario_status pario_reduce_dataset(const pario_dataset *ds, const pario_view *view, const pario_reduce_spec *spec,
                                  const pario_io_opts *io, pario_progress *progress, pario_reduce_result *res,
                                  MPI_Comm comm)
{
    double t0 = MPI_Wtime();
    struct pass p;
    pario_status st = pario_reduce_result_setup(ds, spec, res);
    pass_init(&p, ds, view, spec, res);
    if (pario_agree(&st, comm))
        return st;
    pario_reduce_choose_shift(ds, spec, res, comm);

    if (p.hist) {
        double lo, hi;
        if (progress && !(spec->have_lo && spec->have_hi))
            pario_progress_passes(progress, 2); /* hist_range reads the data once more first */
        st = hist_range(&p, io, progress, comm, &lo, &hi);
        if (!pario_failed(&st)) {
            st = pario_hist_init(&res->hist, spec->bins, lo, hi);
            if (!pario_failed(&st))
                st = pario_hist_for_dtype(&res->hist, ds->dtype, spec);
            char label[PARIO_PATH_MAX + 1024];
            st = pario_reduce_named(st, pario_dataset_label(ds, label, sizeof label));
        }
        if (pario_agree(&st, comm))
            return st;
    }
    st = run_pass(&p, io, progress, comm);
    if (pario_failed(&st))
        return st;
    res->passes++;
    pario_reduce_result_merge(res, spec, comm);
    res->seconds = MPI_Wtime() - t0;
    return pario_ok();
}

void pario_reduce_result_free(pario_reduce_result *res)
{
    free(res->acc);
    free(res->hist_counts);
    free(res->count);
    free(res->range_count);
    pario_hist_free(&res->hist);
    memset(res, 0, sizeof *res);
}

void pario_reduce_lane(const pario_reduce_spec *spec, const pario_reduce_result *res, uint64_t lane,
                       pario_lane *out)
{
    const pario_acc *a = &res->acc[lane];
    memset(out, 0, sizeof *out);
    const int is_float = a->kind == PARIO_ACC_FLOAT;
    /* numpy propagates NaN; --skip-nan behaves as numpy's nan* functions */
    const int nan_wins = is_float && a->nan && !spec->skip_nan;
    const double nan = NAN;
    if (is_float) {
        out->sum.f = nan_wins ? nan : pario_xsum_round(&a->s1); /* exact, rounded once */
    } else {
        __int128 s = (__int128)(((unsigned __int128)(uint64_t)a->isum_hi << 64) | a->isum_lo);
        if (a->kind == PARIO_ACC_SIGNED) {
            out->sum_overflow = s < INT64_MIN || s > INT64_MAX;
            out->sum.i = (int64_t)s;
        } else {
            out->sum_overflow = s < 0 || s > (__int128)UINT64_MAX;
            out->sum.u = (uint64_t)s;
        }
        out->mean = a->n ? (double)((long double)s / (long double)a->n) : nan;
    }
    out->has_extremes = a->n > 0 || nan_wins;
    if (nan_wins) {
        out->min.f = out->max.f = nan;
        out->argmin = out->argmax = a->first_nan;
    } else if (a->n) {
        out->min = a->min;
        out->max = a->max;
        out->argmin = a->argmin;
        out->argmax = a->argmax;
    }
    if (is_float)
        out->mean = nan_wins || !a->n ? nan : out->sum.f / (double)a->n; /* math.fsum(x) / len(x) */
    if (nan_wins || !a->n) {
        out->var = nan;
    } else if (is_float) {
        out->var = res->var ? res->var[lane] : pario_acc_var(a);
    } else {
        /* the integer sum as a superaccumulator, for the exact n S2 - S1^2 */
        pario_xsum s1;
        pario_xsum_init(&s1);
        __int128 s = (__int128)(((unsigned __int128)(uint64_t)a->isum_hi << 64) | a->isum_lo);
        unsigned __int128 m = s < 0 ? -(unsigned __int128)s : (unsigned __int128)s;
        pario_xsum_add_int(&s1, s < 0, (uint64_t)(m >> 64), (uint64_t)m, 0);
        out->var = pario_xsum_var(&s1, &a->s2, a->n);
    }
    out->std = sqrt(out->var);
}
