/* pario-train's loop: open DATA (and LABELS), then for every epoch and every
 * global batch of the epoch's block shuffle (include/pario/train.h), each rank
 * reads its segments of the batch (runs of consecutive rows, one independent
 * MPI-IO read each, at most --chunk bytes of rows at a time), sums each
 * segment's gradient in doubles (lib/kernels/train.c) and adds the sums exactly
 * into one accumulator per weight; the accumulators are summed across ranks
 * (pario_xsum_allreduce) and rounded once, and every rank takes the same step:
 *   w <- w - lr (G / b + l2 w)   (biases: w <- w - lr G / b)
 * where G is the batch's gradient sum and b its number of rows. */
#include "config.h"
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pario/dataset.h"
#include "pario/dtype.h"
#include "pario/train.h"
#include "pario/fileutil.h"
#include "fault.h"
#include "pario/view.h"
#include <signal.h>
#include <stdio.h>
#include "node.h"
#include "train_log.h"
#include "io_map.h"
#include "slow.h"
#include "train_internal.h"
#include "train_model.h"
#include "source.h"

pario_status pario_train_model_parse(const char *text, pario_train_model *m)
{
    if (!strcmp(text, "linear"))
        *m = PARIO_TRAIN_LINEAR;
    else if (!strcmp(text, "logistic"))
        *m = PARIO_TRAIN_LOGISTIC;
    else if (!strcmp(text, "softmax"))
        *m = PARIO_TRAIN_SOFTMAX;
    else
        return pario_error(PARIO_ERR_USAGE, "--model: '%s' is not linear, logistic or softmax", text);
    return pario_ok();
}

const char *pario_train_model_name(pario_train_model m)
{
    return m == PARIO_TRAIN_LINEAR ? "linear" : m == PARIO_TRAIN_LOGISTIC ? "logistic" : "softmax";
}

void pario_train_opts_init(pario_train_opts *o)
{
    memset(o, 0, sizeof *o);
    o->model = PARIO_TRAIN_LINEAR;
    o->label_column = -1;
    o->epochs = 10;
    o->batch = 32;
    o->block = 64;
    o->lr = 0.01;
    o->allreduce = PARIO_ALLREDUCE_AUTO;
    pario_io_opts_init(&o->io);
}

static pario_status read_bytes(MPI_File fh, const char *path, MPI_Offset off, void *buf, size_t len)
{
    MPI_Status ms;
    int err = MPI_File_read_at(fh, off, buf, (int)len, MPI_BYTE, &ms), fault;
    if (err != MPI_SUCCESS)
        return pario_mpi_error(err, "read", path);
    if ((fault = pario_fault(PARIO_FAULT_READ)))
        return pario_sys_error(fault, "read", path);
    int got = 0;
    MPI_Get_count(&ms, MPI_BYTE, &got);
    if ((size_t)got != len)
        return pario_local_error("%s: short read at byte %lld (%d of %zu bytes): was the file truncated?", path,
                                 (long long)off, got, len);
    return pario_ok();
}

/* The first bad label of rows 0..m-1 (first row is global row `row`), or m. */
static uint64_t bad_label(const struct train *t, uint64_t m)
{
    /* all good, the common case, in one vectorised pass */
    if (pario_train_labels_ok(t->o->model, t->y, m))
        return m;
    double top = (double)(t->k ? t->k : MAX_CLASSES);
    for (uint64_t i = 0; i < m; i++) {
        double y = t->y[i];
        if (!isfinite(y) || (t->o->model == PARIO_TRAIN_LOGISTIC && y != 0.0 && y != 1.0)
            || (t->o->model == PARIO_TRAIN_SOFTMAX && (y < 0 || y != floor(y) || y >= top)))
            return i;
    }
    return m;
}

static pario_status label_error(const struct train *t, double y, uint64_t row)
{
    const char *src = t->have_labels ? t->lname : t->dname;
    if (!isfinite(y))
        return pario_error(PARIO_ERR_RUNTIME, "%s: label of row %llu is not finite (%g)", src,
                           (unsigned long long)row, y);
    if (t->o->model == PARIO_TRAIN_LOGISTIC)
        return pario_error(PARIO_ERR_RUNTIME, "%s: label of row %llu is %g, logistic labels are 0 or 1", src,
                           (unsigned long long)row, y);
    return pario_error(PARIO_ERR_RUNTIME, "%s: label of row %llu is %g, softmax labels are integers 0..%llu", src,
                       (unsigned long long)row, y, (unsigned long long)(t->k ? t->k : MAX_CLASSES) - 1);
}

/* Where row lies in DATA's mapping (t->map set). */
static const unsigned char *mapped_row(const struct train *t, uint64_t row)
{
    return t->map + t->ds.offset + row * t->rowbytes;
}

/* The bytes of rows row..row+m-1 (and their labels): where they lie in the
 * mappings, or read into t->raw (t->lraw). A mapped "read" passes the read
 * fault point as a real one does. */
static int get_rows(struct train *t, uint64_t row, uint64_t m, int labels, const unsigned char **raw,
                    const unsigned char **lraw, pario_status *err)
{
    int fault;
    *raw = t->raw;
    *lraw = t->lraw;
    if (t->map) {
        if ((fault = pario_fault(PARIO_FAULT_READ)))
            return *err = pario_sys_error(fault, "read", t->ds.path), 1;
        *raw = mapped_row(t, row);
        if (labels && t->have_labels) {
            if ((fault = pario_fault(PARIO_FAULT_READ)))
                return *err = pario_sys_error(fault, "read", t->lds.path), 1;
            *lraw = t->lmap + t->lds.offset + row * t->lesize;
        }
        return 0;
    }
    *err = read_bytes(t->fh, t->ds.path, (MPI_Offset)(t->ds.offset + row * t->rowbytes), t->raw, m * t->rowbytes);
    if (!pario_failed(err) && labels && t->have_labels)
        *err = read_bytes(t->lfh, t->lds.path, (MPI_Offset)(t->lds.offset + row * t->lesize), t->lraw, m * t->lesize);
    if (!pario_failed(err) && t->swap)
        pario_byteswap(t->raw, m * t->cols, t->esize);
    if (!pario_failed(err) && labels && t->have_labels && t->lswap)
        pario_byteswap(t->lraw, m, t->lesize);
    return pario_failed(err);
}

/* Rows row..row+m-1 (m <= group) into x (m x f doubles) and y (m), checked:
 * features finite, labels valid (the first bad value in row order is named).
 * defer: float32 rows used as they lie (t->xf) are not checked here but by
 * the kernel (t->unchecked; read_segment). Unguarded: the caller guards the
 * accesses to a mapping. Returns 1 (and the error in *err) on failure. */
static int read_rows(struct train *t, uint64_t row, uint64_t m, int labels, int defer, pario_status *err)
{
    const unsigned char *raw, *lraw;
    if (get_rows(t, row, m, labels, &raw, &lraw, err))
        return 1;
    uint64_t ne = m * t->cols;
    double *x = t->x;
    int finite = -1;   /* not known yet */
    t->xf = NULL;
    t->unchecked = 0;
    if (defer && t->ds.dtype == PARIO_FLOAT32 && t->f32 && t->o->label_column < 0) {
        t->xf = (const float *)(const void *)raw;
        t->unchecked = 1;
        finite = 1;
    } else if (t->ds.dtype == PARIO_FLOAT32 && t->f32 && t->o->label_column < 0
               && pario_train_finite_f32((const float *)(const void *)raw, ne)) {
        t->xf = (const float *)(const void *)raw;   /* the kernel widens as it goes */
        finite = 1;
    } else if (t->ds.dtype == PARIO_FLOAT32) {
        finite = pario_train_widen((const float *)(const void *)raw, x, ne);
    } else if (t->ds.dtype == PARIO_FLOAT64) {
        memcpy(x, raw, ne * sizeof(double));
    } else {
        for (uint64_t i = 0; i < ne; i++)
            x[i] = pario_load_double(raw, i, t->ds.dtype);
    }
    int64_t lc = t->o->label_column;
    if (lc >= 0) {
        /* take the label column out, rows packed in place (each row moves down) */
        uint64_t c = (uint64_t)lc, f = t->f;
        for (uint64_t i = 0; i < m; i++) {
            const double *src = x + i * t->cols;
            double v = src[c];
            memmove(x + i * f, src, c * sizeof(double));
            memmove(x + i * f + c, src + c + 1, (f - c) * sizeof(double));
            t->y[i] = v;
        }
    } else if (labels) {
        if (t->lds.dtype == PARIO_FLOAT32)
            (void)pario_train_widen((const float *)(const void *)lraw, t->y, m);
        else if (t->lds.dtype == PARIO_FLOAT64)
            memcpy(t->y, lraw, m * sizeof(double));
        else
            for (uint64_t i = 0; i < m; i++)
                t->y[i] = pario_load_double(lraw, i, t->lds.dtype);
    }
    uint64_t bad = m, badc = 0;
    /* a float32 row whose only non-finite value is the label column is checked again */
    if (finite != 1 && !pario_train_finite(x, m * t->f))
        for (uint64_t i = 0; i < m * t->f && bad == m; i++)
            if (!isfinite(x[i])) {
                bad = i / t->f;
                badc = i % t->f;
                badc += lc >= 0 && badc >= (uint64_t)lc;
            }
    uint64_t badl = labels ? bad_label(t, m) : m;
    if (badl < m && t->unchecked)
        return read_rows(t, row, m, labels, 0, err);   /* a bad row before the bad label? */
    if (bad < m && bad <= badl)
        return *err = pario_error(PARIO_ERR_RUNTIME, "%s: row %llu, column %llu: value %g is not finite",
                                  t->dname, (unsigned long long)(row + bad), (unsigned long long)badc,
                                  x[bad * t->f + badc - (lc >= 0 && badc > (uint64_t)lc)]), 1;
    if (badl < m)
        return *err = label_error(t, t->y[badl], row + badl), 1;
    return 0;
}

pario_status pario_train_read(struct train *t, uint64_t row, uint64_t m, int labels)
{
    pario_status st = pario_ok();
    read_rows(t, row, m, labels, 0, &st);
    if (t->map) {
        /* a file that shrank under the map: its zeros are void, whatever they did */
        pario_status mst = pario_train_map_check(t);
        if (pario_failed(&mst))
            st = mst;
    }
    return st;
}

/* An MPI-IO handle on ds's file for reading rows at byte offsets: an HDF5
 * input's is the inspection's own open file (one open per run), closed by
 * close_rows. Collective. */
static pario_status open_rows(struct train *t, const pario_dataset *ds, MPI_File *fh, int64_t *h5file)
{
    if (ds->format == PARIO_SOURCE_HDF5 && ds->h5_layout != PARIO_H5_CONTIGUOUS)
        return pario_error(PARIO_ERR_RUNTIME, "%s:%s: pario-train reads rows at byte offsets: not from a chunked or "
                           "compact dataset (pario-convert it to a contiguous one first)", ds->path, ds->dataset);
    pario_status st = ds->format == PARIO_SOURCE_HDF5
                          ? pario_source_h5_take_mpi(ds, t->comm, t->o->io.info, fh, h5file) : pario_ok();
    if (!pario_failed(&st) && !*h5file)
        st = pario_file_open(t->comm, ds->path, MPI_MODE_RDONLY, t->o->io.info, fh);
    return st;
}

static void close_rows(MPI_File *fh, int64_t *h5file)
{
    if (*h5file)
        pario_source_h5_close(*h5file);
    else if (*fh != MPI_FILE_NULL)
        MPI_File_close(fh);
    *fh = MPI_FILE_NULL;
    *h5file = 0;
}

pario_status pario_train_open(struct train *t)
{
    const pario_train_opts *o = t->o;
    pario_status st = pario_dataset_open_named(o->data, o->desc, o->dataset, &t->ds, t->comm);
    if (pario_failed(&st))
        return st;
    pario_dataset_label(&t->ds, t->dname, sizeof t->dname);
    if (t->ds.ndims != 2)
        return pario_error(PARIO_ERR_RUNTIME, "%s: is 1-D (%llu values): training needs 2-D data, one row per sample",
                           t->dname, (unsigned long long)t->ds.nelems);
    /* numpy's rows of a Fortran-order array are the stored columns, which the
     * reads of whole rows cannot take (it trained on the transpose) */
    st = pario_dataset_need_c_order(&t->ds, "training reads whole rows");
    if (pario_failed(&st))
        return st;
    t->n = t->ds.shape[0];
    t->cols = t->ds.shape[1];
    t->esize = pario_dtype_size(t->ds.dtype);
    t->rowbytes = t->cols * t->esize;
    t->swap = t->ds.big_endian == pario_host_little_endian();
    if (t->n == 0)
        return pario_error(PARIO_ERR_RUNTIME, "%s: has no rows", t->dname);
    if (t->cols == 0)   /* (a row of 0 bytes divided the map's rows: SIGFPE, a hostile-user pass) */
        return pario_error(PARIO_ERR_RUNTIME, "%s: has no columns (%llu rows of 0 values): no features to train on",
                           t->dname, (unsigned long long)t->n);
    if (t->rowbytes > ((size_t)1 << 30))
        return pario_error(PARIO_ERR_RUNTIME, "%s: rows of %zu bytes: at most 1 GiB per row", t->dname, t->rowbytes);
    if (o->labels && o->label_column >= 0)
        return pario_error(PARIO_ERR_USAGE, "give --labels or --label-column, not both");
    st = open_rows(t, &t->ds, &t->fh, &t->h5file);
    if (pario_failed(&st))
        return st;
    if (o->io.show_hints)
        pario_file_print_hints(t->fh, o->io.show_hints, t->comm);
    if (!o->labels && o->label_column < 0 && !o->predict)
        return pario_error(PARIO_ERR_USAGE, "say where the labels are: --labels FILE or --label-column J");
    if (o->label_column >= 0) {
        if ((uint64_t)o->label_column >= t->cols || t->cols < 2)
            return pario_error(PARIO_ERR_USAGE, "--label-column %lld: %s has %llu columns (0..%llu), and at least one "
                               "must remain for the features", (long long)o->label_column, t->dname,
                               (unsigned long long)t->cols, (unsigned long long)t->cols - 1);
        t->f = t->cols - 1;
    } else if (!o->labels) {
        t->f = t->cols;   /* --predict: no labels */
    } else {
        t->f = t->cols;
        st = pario_dataset_open(o->labels, NULL, &t->lds, t->comm);
        if (pario_failed(&st))
            return st;
        pario_dataset_label(&t->lds, t->lname, sizeof t->lname);
        if (t->lds.ndims == 2 && t->lds.shape[1] != 1)
            return pario_error(PARIO_ERR_RUNTIME, "%s: labels must be 1-D, not %llu x %llu", t->lname,
                               (unsigned long long)t->lds.shape[0], (unsigned long long)t->lds.shape[1]);
        if (t->lds.nelems != t->n)
            return pario_error(PARIO_ERR_RUNTIME, "%s: %llu labels for the %llu rows of %s", t->lname,
                               (unsigned long long)t->lds.nelems, (unsigned long long)t->n, t->dname);
        t->lesize = pario_dtype_size(t->lds.dtype);
        t->lswap = t->lds.big_endian == pario_host_little_endian();
        st = open_rows(t, &t->lds, &t->lfh, &t->lh5file);
        if (pario_failed(&st))
            return st;
        t->have_labels = 1;
    }
    /* rows held at once: within --chunk, and within 128 KiB when rows are
     * small, so that a piece, widened to doubles, stays in the core's cache
     * between the read, the conversion and the kernel (4 MiB pieces made the
     * final evaluation pass memory-bound) */
    size_t piece = o->io.chunk_bytes < ((size_t)128 << 10) ? o->io.chunk_bytes : ((size_t)128 << 10);
    t->group = piece / t->rowbytes;
    if (t->group < 1)
        t->group = 1;
    if (t->group > ((uint64_t)1 << 30) / t->rowbytes)
        t->group = ((uint64_t)1 << 30) / t->rowbytes + 1;
    t->raw = pario_alloc(t->group * t->rowbytes);
    t->lraw = pario_alloc(t->group * (t->lesize ? t->lesize : 1));
    t->x = pario_alloc(t->group * t->cols * sizeof(double));
    t->y = pario_alloc(t->group * sizeof(double));
    t->lossv = pario_alloc(t->group * sizeof(double));
    if (!t->raw || !t->lraw || !t->x || !t->y || !t->lossv)
        return pario_local_error("out of memory for %llu rows of %s (try a smaller --chunk)",
                                 (unsigned long long)t->group, t->dname);
    pario_stamp_path(&t->dstamp, t->ds.path);
    if (t->have_labels)
        pario_stamp_path(&t->lstamp, t->lds.path);
    pario_train_map(t);
    return pario_ok();
}

/* Softmax without --classes: the largest label + 1, over every row (each rank a block). */
static pario_status count_classes(struct train *t, pario_status st)
{
    uint64_t start, len, maxc = 0;
    pario_split(t->n, t->p, t->rank, &start, &len);
    for (uint64_t i = 0; i < len && !pario_failed(&st); i += t->group) {
        uint64_t m = len - i < t->group ? len - i : t->group;
        st = pario_train_read(t, start + i, m, 1);
        for (uint64_t q = 0; q < m && !pario_failed(&st); q++)
            if ((uint64_t)t->y[q] + 1 > maxc)
                maxc = (uint64_t)t->y[q] + 1;
    }
    if (pario_agree(&st, t->comm))
        return st;
    t->k = pario_allreduce_u64(maxc, MPI_MAX, t->comm);
    if (t->k < 2)
        return pario_error(PARIO_ERR_RUNTIME, "%s: every label is 0: softmax needs at least two classes",
                           t->have_labels ? t->lname : t->dname);
    return st;
}

/* The kernel over rows row..row+m-1 just read (float32 rows as they are, or
 * widened). Rows not checked yet (t->unchecked) are checked when a score was
 * not finite (the kernel's return): an error, or fine and the kernel's sums
 * stand (a score overflowed, or a weight is not finite). */
static int segment(struct train *t, uint64_t row, uint64_t m, double *gsum, uint64_t *correct, pario_status *err)
{
    int zok;
    if (t->xf)
        zok = pario_train_segment_f32(t->o->model, t->w, t->f, t->k, t->xf, t->y, m, gsum, t->lossv, correct, t->z,
                                      t->pf, t->pfbytes);
    else
        zok = pario_train_segment(t->o->model, t->w, t->f, t->k, t->x, t->y, m, gsum, t->lossv, correct, t->z);
    return zok || !t->unchecked ? 0 : read_rows(t, row, m, 1, 0, err);
}

/* Rows row..row+m-1 read (with labels) and through the kernel, then the maps
 * checked (the kernel reads mapped rows too). */
static int read_segment(struct train *t, uint64_t row, uint64_t m, double *gsum, uint64_t *correct,
                        pario_status *err)
{
    int failed = read_rows(t, row, m, 1, 1, err) || segment(t, row, m, gsum, correct, err);
    if (t->map && (pario_map_lost(t->dmap) || pario_map_lost(t->lbmap))) {
        /* a file that shrank under the map: its zeros are void, whatever they did */
        pario_status mst = pario_train_map_check(t);
        if (pario_failed(&mst))
            return *err = mst, 1;
    }
    return failed;
}

/* The rows the kernel prefetches while it works on the current ones: at
 * most group rows from row (rows 0: none); their labels at once. Only from
 * a mapping (a prefetch of an address outside one is harmless, but useless). */
static void prefetch_next(struct train *t, uint64_t row, uint64_t rows)
{
    t->pf = NULL;
    t->pfbytes = 0;
    if (!t->map || !rows)
        return;
    rows = rows < t->group ? rows : t->group;
    t->pf = mapped_row(t, row);
    t->pfbytes = rows * t->rowbytes;
    if (t->lmap)
        for (uint64_t b = 0; b < rows * t->lesize; b += 64)
            __builtin_prefetch(t->lmap + t->lds.offset + row * t->lesize + b, 0, 2);
}

/* Rows row..row+len-1 (a segment), read at most group at a time: the sum
 * of their losses in row order added exactly into loss, right predictions
 * into correct, and their gradient summed in row order into gsum (zeroed
 * first). The rows after it: next..next+nlen-1 (prefetched). Returns 1 on
 * failure (the error in *err). */
static int run_rows(struct train *t, uint64_t row, uint64_t len, uint64_t next, uint64_t nlen, double *gsum,
                    pario_xsum *loss, uint64_t *correct, pario_status *err)
{
    int failed = 0;
    double ls = 0.0;
    memset(gsum, 0, t->nw * sizeof *gsum);
    for (uint64_t i = 0; i < len && !failed; i += t->group) {
        uint64_t m = len - i < t->group ? len - i : t->group;
        if (i + m < len)
            prefetch_next(t, row + i + m, len - i - m);
        else
            prefetch_next(t, next, nlen);
        if ((failed = read_segment(t, row + i, m, gsum, correct, err)))
            break;
        for (uint64_t q = 0; q < m; q++)
            ls = ls + t->lossv[q];
    }
    pario_xsum_add(loss, ls);
    return failed;
}

/* The final evaluation: rows row..row+len-1 (row a multiple of R), read at
 * most group at a time, the losses of each block of R rows (file order)
 * summed in row order and the blocks' sums added exactly into loss. */
static pario_status eval_rows(struct train *t, uint64_t row, uint64_t len, uint64_t R, pario_xsum *loss,
                              uint64_t *correct)
{
    pario_status st = pario_ok();
    double ls = 0.0;
    uint64_t inblock = 0;   /* rows of the current block summed (row % R == 0: no division a row) */
    for (uint64_t i = 0; i < len && !pario_failed(&st); i += t->group) {
        uint64_t m = len - i < t->group ? len - i : t->group;
        prefetch_next(t, row + i + m, len - i - m);
        if (read_segment(t, row + i, m, NULL, correct, &st))
            break;
        for (uint64_t q = 0; q < m; q++) {
            ls = ls + t->lossv[q];
            if (++inblock == R || i + q + 1 == len) {
                pario_xsum_add(loss, ls);
                ls = 0.0;
                inblock = 0;
            }
        }
    }
    return st;
}

/* This rank's rows of the final evaluation: whole blocks of R rows (the
 * return), rows *start..*start+*len-1, 1/P of the blocks. */
static uint64_t eval_range(const struct train *t, uint64_t *start, uint64_t *len)
{
    uint64_t R = t->o->block ? t->o->block : 64;
    R = R < t->n ? R : t->n;
    pario_split((t->n + R - 1) / R, t->p, t->rank, start, len);
    uint64_t end = (*start + *len) * R < t->n ? (*start + *len) * R : t->n;
    *start = *start * R < t->n ? *start * R : t->n;
    *len = end - *start;
    return R;
}

/* The epoch's sequence of blocks (include/pario/train.h): block position q
 * holds block perm(q); the short last block (if any) sits at position qs.
 * The blocks of the next ORDER_CACHE positions are computed at once
 * (pario_perm_at_n: the Feistel rounds' multiplies of many positions in
 * flight together, 0.05 us a batch of 16 blocks where one at a time took 0.8). */
#define ORDER_CACHE 512
struct order {
    pario_perm perm;
    uint64_t R, nb, tail, qs;   /* rows per block, blocks, rows of the last block, its position */
    uint64_t cbase, clen;       /* cache[i]: the block at position cbase + i, i < clen */
    uint64_t cache[ORDER_CACHE];
};

static void order_init(struct order *ord, uint64_t n, uint64_t R, uint64_t seed, uint64_t epoch)
{
    R = R < n ? R : n;   /* one block of every row, without overflowing n + R */
    ord->R = R;
    ord->nb = (n + R - 1) / R;
    ord->tail = n - (ord->nb - 1) * R;
    pario_perm_init(&ord->perm, ord->nb, seed, epoch);
    /* where the short last block comes in the order (else: last) */
    ord->qs = ord->tail != R ? pario_perm_index(&ord->perm, ord->nb - 1) : ord->nb - 1;
    ord->cbase = ord->clen = 0;
}

/* The block at position q (< nb). */
static uint64_t order_block(struct order *o, uint64_t q)
{
    if (q - o->cbase >= o->clen) {   /* outside the cache (q < cbase wraps around) */
        o->cbase = q;
        o->clen = o->nb - q < ORDER_CACHE ? o->nb - q : ORDER_CACHE;
        for (uint64_t i = 0; i < o->clen; i++)
            o->cache[i] = q + i;
        pario_perm_at_n(&o->perm, o->cache, o->cache, o->clen);
    }
    return o->cache[q - o->cbase];
}

/* Position pos of the sequence: its block position *q and the position where
 * that block starts. A block's length follows from its position (the short
 * one sits at qs), not from the permutation: the blocks of a batch are found
 * without waiting for each other's perm_at, whose chains of multiplies then
 * overlap. */
static uint64_t order_locate(const struct order *o, uint64_t pos, uint64_t *q)
{
    uint64_t split = o->qs * o->R;
    if (pos < split + o->tail) {
        *q = pos < split ? pos / o->R : o->qs;
        return *q * o->R;
    }
    *q = o->qs + 1 + (pos - split - o->tail) / o->R;
    return split + o->tail + (*q - o->qs - 1) * o->R;
}

/* The number of segments of the batch at positions lo..lo+size-1. */
static uint64_t batch_segments(const struct order *o, uint64_t lo, uint64_t size)
{
    uint64_t pos = lo, end = lo + size, s = 0;
    for (; pos < end; s++) {
        uint64_t q, start = order_locate(o, pos, &q);
        uint64_t blen = q == o->qs ? o->tail : o->R;
        pos += start + blen - pos < end - pos ? start + blen - pos : end - pos;
    }
    return s;
}

/* At most this many segments in a batch are dealt by position (below);
 * more are dealt round-robin, s mod P (a batch of many tiny blocks). */
#define DEAL_SEGMENTS 4096

static int seg_by_row(const void *a, const void *b)
{
    uint64_t x = ((const struct seg *)a)->row, y = ((const struct seg *)b)->row;
    return (x > y) - (x < y);
}

/* segments in the order of their first rows: insertion sort when few (a
 * batch of 64-row blocks has about B / 64: 64 of them for a batch of 4,096,
 * 2 us against glibc qsort's 7), qsort when many */
static void sort_segs(struct seg *v, uint64_t n)
{
    if (n > 256) {
        qsort(v, n, sizeof *v, seg_by_row);
        return;
    }
    for (uint64_t i = 1; i < n; i++) {
        struct seg x = v[i];
        uint64_t j = i;
        for (; j > 0 && v[j - 1].row > x.row; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* The rank whose shard of the file holds row: rank floor(row P / n), so
 * rank r's shard is about rows [r n / P, (r + 1) n / P). */
static int shard_of(const struct train *t, uint64_t row)
{
    return (int)((unsigned __int128)row * (uint64_t)t->p / t->n);
}

/* This rank's segments of the batch at positions lo..lo+size-1, into mine
 * (room for DEAL_SEGMENTS), in the order of their rows: the batch's segments
 * sorted by their first row; in shared memory (t->xn) each to the rank whose
 * shard holds its first row (shard_of: the others take what is left as they
 * go, so the shards need not share a batch evenly); otherwise each to the
 * rank whose 1/P of the batch's rows (in that order) holds the segment's
 * middle row. Each rank thus works on its own part of the file (mostly the
 * part its final evaluation reads), so that every rank maps (page faults) and
 * caches about 1/P of the file's pages rather than nearly all of them, as
 * round-robin dealing of random blocks does. Which rank
 * sums a segment does not change a bit of the result: each segment's sum has
 * its own slot and is added exactly (allreduce_slots), as the losses are.
 * Returns the number of this rank's segments, or UINT64_MAX when the batch has
 * more than DEAL_SEGMENTS (then run_batch deals them round-robin). */
static uint64_t deal_mine(const struct train *t, struct order *o, uint64_t lo, uint64_t size, struct seg *all,
                          uint64_t *nall, struct seg *mine)
{
    uint64_t pos = lo, end = lo + size, nseg = 0;
    for (uint64_t s = 0; pos < end; s++) {
        if (nseg == DEAL_SEGMENTS)
            return UINT64_MAX;
        uint64_t q, start = order_locate(o, pos, &q);
        uint64_t blk = order_block(o, q);
        uint64_t blen = q == o->qs ? o->tail : o->R;
        uint64_t take = start + blen - pos < end - pos ? start + blen - pos : end - pos;
        all[nseg++] = (struct seg){ blk * o->R + (pos - start), take, s, 0 };
        pos += take;
    }
    *nall = nseg;
    sort_segs(all, nseg);
    if (t->p == 1) {
        memcpy(mine, all, nseg * sizeof *all);
        return nseg;
    }
    uint64_t m = 0, before = 0;
    int r = 0;
    if (t->xn) {
        for (uint64_t i = 0; i < nseg; i++) {
            all[i].rank = shard_of(t, all[i].row);
            if (all[i].rank == t->rank)
                mine[m++] = all[i];
        }
        return m;
    }
    /* the rank whose share of the batch's rows (t->cum: 1/P each, until the
     * ranks' speeds say otherwise, pario_train_shares) holds the middle row */
    for (uint64_t i = 0; i < nseg; i++) {
        double mid = (double)before + 0.5 * (double)all[i].len;
        while (r < t->p - 1 && mid >= (double)size * t->cum[r + 1])
            r++;
        all[i].rank = r;
        if (r == t->rank)
            mine[m++] = all[i];
        before += all[i].len;
    }
    return m;
}

/* This rank's first segment of the batch at positions lo..lo+size-1 dealt
 * round-robin (s mod P). */
static struct seg first_mine(const struct train *t, struct order *o, uint64_t lo, uint64_t size)
{
    struct seg me = { 0, 0, 0, 0 };
    uint64_t pos = lo, end = lo + size;
    for (uint64_t s = 0; pos < end && s <= (uint64_t)t->rank; s++) {
        uint64_t q, start = order_locate(o, pos, &q);
        uint64_t blk = order_block(o, q);
        uint64_t blen = q == o->qs ? o->tail : o->R;
        uint64_t take = start + blen - pos < end - pos ? start + blen - pos : end - pos;
        if (s == (uint64_t)t->rank)
            me = (struct seg){ blk * o->R + (pos - start), take, s, t->rank };
        pos += take;
    }
    return me;
}

/* Segment cur of this rank (then next's rows are prefetched): its gradient sum
 * into dst (nw doubles; not NULL), else added exactly into the accumulators
 * t->acc. */
static int run_seg(struct train *t, struct seg cur, struct seg next, double *dst, pario_xsum *loss,
                   uint64_t *correct, pario_status *err)
{
    double *gsum = dst ? dst : t->gs, ts = pario_slow_start();
    t->rows_done += (double)cur.len;
    int failed = run_rows(t, cur.row, cur.len, next.row, next.len, gsum, loss, correct, err);
    if (!dst && !failed)
        for (uint64_t i = 0; i < t->nw; i++)
            pario_xsum_add(&t->acc[i], gsum[i]);
    pario_slow_after(ts); /* PARIO_SLOW, the test hook (slow.h): per segment, so that the others may take its rows */
    return failed;
}

/* This rank's segments of the batch at positions lo..lo+size-1: the nmine
 * of mine (deal_mine), or when nmine is UINT64_MAX the segments s with s mod
 * P = rank; each while the next one's rows are prefetched, and after the
 * last, the next batch's first (after). Their gradient sums: with packed
 * (dealt segments only), the i-th of mine into packed + i nw; else added
 * exactly into the accumulators. */
static pario_status run_batch(struct train *t, struct order *o, uint64_t lo, uint64_t size,
                              const struct seg *mine, uint64_t nmine, struct seg after, double *packed,
                              pario_xsum *loss, uint64_t *correct)
{
    pario_status st = pario_ok();
    int failed = 0;
    if (nmine != UINT64_MAX) {
        for (uint64_t i = 0; i < nmine && !failed; i++)
            failed = run_seg(t, mine[i], i + 1 < nmine ? mine[i + 1] : after, packed ? packed + i * t->nw : NULL,
                             loss, correct, &st);
        return st;
    }
    struct seg cur = { 0, 0, 0, 0 };
    uint64_t pos = lo, end = lo + size;
    for (uint64_t s = 0; pos < end && !failed; s++) {
        uint64_t q, start = order_locate(o, pos, &q);
        uint64_t blk = order_block(o, q);
        uint64_t blen = q == o->qs ? o->tail : o->R;
        uint64_t take = start + blen - pos < end - pos ? start + blen - pos : end - pos;
        if (s % (uint64_t)t->p == (uint64_t)t->rank) {
            struct seg me = { blk * o->R + (pos - start), take, s, t->rank };
            if (cur.len)
                failed = run_seg(t, cur, me, NULL, loss, correct, &st);
            cur = me;
        }
        pos += take;
    }
    if (cur.len && !failed)
        run_seg(t, cur, after, NULL, loss, correct, &st);
    return st;
}

/* The batch's segments all[0..nall-1] as this rank claims them in shared
 * memory (t->xn, P > 1; lib/train_node.c): its own run first, then what is
 * left of the others' (each while the rows of the one it would take next are
 * prefetched; after the last, the next batch's first of its own, after).
 * Their sums packed in the order done, the segments into done, their count
 * into *ndone. On a failure the rest is left to the others or undone: the
 * step fails on every rank. */
static pario_status run_claims(struct train *t, const struct seg *all, uint64_t nall, struct seg after,
                               double *packed, struct seg *done, uint64_t *ndone, pario_xsum *loss,
                               uint64_t *correct)
{
    pario_status st = pario_ok();
    uint64_t k = 0;
    pario_train_node_deal(t, all, nall);
    struct seg cur, next;
    int have = pario_train_node_claim(t, all, 0, &cur);
    while (have) {
        /* the rows of the segment this rank would take next, prefetched, not taken:
         * a rank slowed during this one leaves it to the others */
        int more = pario_train_node_claim(t, all, 1, &next);
        if (run_seg(t, cur, more ? next : after, packed + k * t->nw, loss, correct, &st))
            break;
        done[k++] = cur;
        have = pario_train_node_claim(t, all, 0, &cur);
    }
    *ndone = k;
    return st;
}

/* The step's collective when the segments' sums are few (--allreduce mpi,
 * at most SLOT_SEGMENTS segments, dealt by deal_mine): every rank has its
 * segments' sums packed in their order (packed, nmine x nw doubles) and a
 * failure flag after them; one MPI_Allgatherv gives every rank every rank's
 * (each rank knows how many segments every rank has: the deal of all, nseg
 * segments, each with its rank), which it puts in the slot of each segment
 * (slots: nseg x nw doubles, segment s at s nw), adds exactly and rounds once
 * (math.fsum's algorithm, pario_train_fsum; a pario_xsum for non-finite or
 * huge values): the bits of the accumulators' allreduce, with 8 bytes per
 * weight and segment on the wire instead of an accumulator of 1,096, and no
 * reduction at all. (An MPI_Allreduce of zero-padded slots moves P times the
 * bytes, and MPICH's nonblocking allreduce takes several rounds of progress
 * where the allgather of two ranks takes one: 7-16 us a step against 2.5
 * measured here with the yielding wait.) */
#define SLOT_SEGMENTS 128
/* --allreduce shm moves no slot between hosts: a batch of up to 1,024
 * segments (the exact sums' fast path, 128-bit integers) takes its slots when
 * they fit in SHM_SLOT_BYTES; more, the accumulators. */
#define SHM_SLOT_SEGMENTS 1024
#define SHM_SLOT_BYTES (16 << 20)

static pario_status allreduce_slots(struct train *t, double *packed, uint64_t nmine, const struct seg *all,
                                    uint64_t nseg, double *slots, int failed)
{
    uint64_t nw = t->nw;
    packed[nmine * nw] = failed ? 1.0 : 0.0;
    packed[nmine * nw + 1] = pario_train_rate(t);
    for (int r = 0; r < t->p; r++)
        t->counts[r] = 2;
    for (uint64_t i = 0; i < nseg; i++)
        t->counts[all[i].rank] += (int)nw;
    for (int r = 0, at = 0; r < t->p; r++) {
        t->displs[r] = at;
        at += t->counts[r];
    }
    MPI_Request rq;
    double t0 = MPI_Wtime();
    int err = MPI_Iallgatherv(packed, (int)(nmine * nw + 2), MPI_DOUBLE, t->gath, t->counts, t->displs, MPI_DOUBLE,
                              t->comm, &rq);
    err = err == MPI_SUCCESS ? pario_wait_spin_yielding(&rq, t->spin) : err;
    double t1 = MPI_Wtime();
    t->secs[1] += t1 - t0;
    t->secs[2] -= t1;   /* the exact sums: until the update is done */
    if (err != MPI_SUCCESS)
        return pario_mpi_error(err, "MPI_Allgatherv of the gradients", NULL);
    /* each rank's segments arrive in the order of all (their rows) */
    double nfailed = 0.0;
    for (uint64_t i = 0; i < nseg; i++) {
        int r = all[i].rank;
        memcpy(slots + all[i].s * nw, t->gath + t->displs[r], nw * sizeof *slots);
        t->displs[r] += (int)nw;
    }
    for (int r = 0; r < t->p; r++)
        nfailed += t->gath[t->displs[r]];   /* the flag after each rank's sums */
    for (int r = 0; r < t->p; r++)
        t->rates[r] = t->gath[t->displs[r] + 1];   /* then its speed */
    pario_train_shares(t);
    pario_train_exact_cols(t, slots, nseg, 0, nw, t->g);
    t->g[nw] = nfailed;
    return pario_ok();
}

static pario_status mean_over_ranks(struct train *t, pario_xsum *loss, uint64_t correct, double *mean_loss,
                                    double *accuracy)
{
    double total;
    pario_status st = pario_xsum_allreduce(loss, &total, 1, PARIO_ALLREDUCE_MPI, t->comm);
    uint64_t all = 0;
    MPI_Allreduce(&correct, &all, 1, MPI_UINT64_T, MPI_SUM, t->comm);
    *mean_loss = total / (double)t->n;
    *accuracy = t->o->model == PARIO_TRAIN_LINEAR ? NAN : (double)all / (double)t->n;
    return st;
}

void pario_train_close(struct train *t)
{
    pario_train_node_close(t);
    pario_train_unmap(t);
    close_rows(&t->lfh, &t->lh5file); /* the labels first: the same file reopened closes last */
    close_rows(&t->fh, &t->h5file);
    free(t->raw);
    free(t->lraw);
    free(t->x);
    free(t->y);
    free(t->z);
    free(t->g);
    free(t->lossv);
    free(t->gs);
    free(t->acc);
    free(t->slots);
    free(t->packed);
    free(t->gath);
    free(t->counts);
    free(t->rates);
    free(t->cum);
    free(t->displs);
    free(t->fsok);
    free(t->segs);
    free(t->mine);
    free(t->done);
    free(t->hist);
}

/* Seconds the step's collective polls before it yields the core (lib/wait.c):
 * SPIN_SECONDS when this node runs no more of the ranks than it has cores
 * (the partners are running, and answer within the spin), 0 otherwise (a
 * waiting rank gives its core to one that works at once). Collective. */
#define SPIN_SECONDS 20e-6

static double step_spin(MPI_Comm comm)
{
    /* the launcher's count first: under MPIR_CVAR_NOLOCAL (node.h) MPI's node
     * is one rank; whether the launcher says is alike on every rank */
    long here = pario_node_local_ranks();
    if (here < 0) {
        MPI_Comm node;
        int n = 0;
        if (MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) != MPI_SUCCESS)
            return 0.0;
        MPI_Comm_size(node, &n);
        MPI_Comm_free(&node);
        here = n;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores > 0 && here <= cores ? SPIN_SECONDS : 0.0;
}

pario_status pario_train_run(const pario_train_opts *o, pario_train_result *res, MPI_Comm comm)
{
    memset(res, 0, sizeof *res);
    struct train t;
    memset(&t, 0, sizeof t);
    t.o = o;
    t.comm = comm;
    t.fh = t.lfh = MPI_FILE_NULL;
    MPI_Comm_rank(comm, &t.rank);
    MPI_Comm_size(comm, &t.p);
    t.f32 = 1;
    t.spin = step_spin(comm);
    pario_status st = pario_train_open(&t);
    pario_agree(&st, comm);
    t.k = o->model == PARIO_TRAIN_SOFTMAX ? o->classes : 1;
    if (!pario_failed(&st) && o->model == PARIO_TRAIN_SOFTMAX && t.k == 0)
        st = count_classes(&t, st);
    /* the most segments a batch has (the slots): a run of B rows meets at most
     * (B - 1)/R + 2 blocks of R rows, and the short last block; and B. Up to
     * SLOT_SEGMENTS of them for MPI's collectives, SHM_SLOT_SEGMENTS in shared
     * memory (nslots_shm; this rank's sums, packed, has room for either) */
    uint64_t bmax = o->batch < t.n ? o->batch : t.n, rows = o->block ? o->block : 64;
    rows = rows < t.n ? rows : t.n;
    uint64_t nseg_max = rows ? ((bmax - 1) / rows + 3 < bmax ? (bmax - 1) / rows + 3 : bmax) : 1;   /* n = 0: failed */
    uint64_t nslots = nseg_max < SLOT_SEGMENTS ? nseg_max : SLOT_SEGMENTS, nslots_shm = nslots;
    if (!pario_failed(&st)) {
        t.nw = t.k * (t.f + 1);
        uint64_t fit = SHM_SLOT_BYTES / 8 / t.nw;
        fit = fit < SHM_SLOT_SEGMENTS ? fit : SHM_SLOT_SEGMENTS;
        nslots_shm = nseg_max < fit ? nseg_max : fit;
        nslots_shm = nslots_shm > nslots ? nslots_shm : nslots;
        t.w = calloc(t.nw, sizeof *t.w);
        t.g = malloc((t.nw + 1) * sizeof *t.g);
        t.z = malloc(2 * (t.k > t.group ? t.k : t.group) * sizeof *t.z);
        t.gs = malloc(t.nw * sizeof *t.gs);
        t.acc = malloc((t.nw + 1) * sizeof *t.acc);
        t.slots = malloc((SLOT_SEGMENTS * t.nw + 1) * sizeof *t.slots);
        t.packed = malloc((nslots_shm * t.nw + 2) * sizeof *t.packed);
        t.gath = malloc((SLOT_SEGMENTS * t.nw + 2 * (uint64_t)t.p) * sizeof *t.gath);
        t.rates = malloc((size_t)t.p * sizeof *t.rates);
        t.cum = malloc(((size_t)t.p + 1) * sizeof *t.cum);
        t.counts = malloc((size_t)t.p * sizeof *t.counts);
        t.displs = malloc((size_t)t.p * sizeof *t.displs);
        t.fsok = malloc(t.nw);
        t.segs = malloc(2 * DEAL_SEGMENTS * sizeof *t.segs);
        t.mine = malloc(2 * DEAL_SEGMENTS * sizeof *t.mine);
        t.done = malloc(DEAL_SEGMENTS * sizeof *t.done);
        t.hist = malloc(PARIO_TRAIN_HISTS * sizeof *t.hist);
        if (!t.w || !t.g || !t.z || !t.gs || !t.acc || !t.slots || !t.fsok || !t.segs || !t.mine || !t.done || !t.packed || !t.gath
            || !t.counts || !t.displs || !t.rates || !t.cum || !t.hist)
            st = pario_error(PARIO_ERR_RUNTIME, "out of memory for %llu weights", (unsigned long long)t.nw);
    }
    if (pario_agree(&st, comm)) {
        free(t.w);
        pario_train_close(&t);
        return st;
    }
    if (o->allreduce == PARIO_ALLREDUCE_AUTO || o->allreduce == PARIO_ALLREDUCE_SHM) {
        st = pario_train_node_open(&t, nslots_shm);
        if (pario_failed(&st) && o->allreduce == PARIO_ALLREDUCE_AUTO)
            st = pario_ok();   /* no shared memory here (an agreed error): MPI's collectives instead */
        /* alike on every rank: no host holds them all */
        if (!pario_failed(&st) && !t.xn && o->allreduce == PARIO_ALLREDUCE_SHM)
            st = pario_error(PARIO_ERR_USAGE, "--allreduce shm: the %d ranks are not all on one host (use auto or mpi)",
                             t.p);
        if (pario_failed(&st)) {
            free(t.w);
            pario_train_close(&t);
            return st;
        }
    }
    if (t.xn)
        nslots = nslots_shm;
    res->allreduce = t.xn ? PARIO_ALLREDUCE_SHM : o->allreduce == PARIO_ALLREDUCE_RING ? PARIO_ALLREDUCE_RING
                                                                                       : PARIO_ALLREDUCE_MPI;
    pario_train_shares_equal(&t);
    /* Horovod's start: rank 0's weights (zeros) for everyone */
    MPI_Bcast(t.w, (int)t.nw, MPI_DOUBLE, 0, comm);

    double train_loss = NAN, train_acc = NAN;
    uint64_t first = 0;
    pario_trainlog *log = NULL;
    if (o->log) {
        pario_trainlog_meta meta = { o->model, o->seed,  o->batch, t.n,   t.f,
                                     t.k,      t.nw,     o->block ? o->block : 64,
                                     o->lr,    o->l2,    o->label_column };
        if (o->resume)
            st = pario_trainlog_resume(&log, o->log, &meta, o->epochs, &first, t.w, &train_loss, &train_acc, comm);
        else
            st = pario_trainlog_create(&log, o->log, &meta, o->force, comm);
        if (pario_failed(&st)) {   /* (a log holding more than --epochs: refused by the resume, untouched) */
            pario_trainlog_close(log);
            free(t.w);
            pario_train_close(&t);
            return st;
        }
    }
    long kill_e = -1, kill_b = -1;
    const char *kill_at = getenv("PARIO_TRAIN_KILL");
    if (kill_at && sscanf(kill_at, "%ld:%ld", &kill_e, &kill_b) != 2)
        kill_e = -1;

    if (first < o->epochs) {
        /* the rows this rank evaluates: mostly those it trains on (deal_mine) */
        uint64_t start, len;
        eval_range(&t, &start, &len);
        pario_train_map_populate(&t, start, len);
    }
    for (int i = 0; i < PARIO_TRAIN_HISTS; i++)
        pario_loghist_init(&t.hist[i]);
    double t0 = MPI_Wtime();
    uint64_t b = o->batch, nbatch = t.n / b + (t.n % b != 0), steps = 0;   /* n + b - 1 overflows near 2^64 */
    for (uint64_t e = first; e < o->epochs && !pario_failed(&st); e++) {
        double te = MPI_Wtime();
        struct order ord;
        order_init(&ord, t.n, o->block ? o->block : 64, o->seed, e);
        pario_xsum eloss;
        pario_xsum_init(&eloss);
        uint64_t ecorrect = 0, nmine = 0, nall = 0;
        struct seg *all = t.segs, *nextall = t.segs + DEAL_SEGMENTS;
        double prev = 0.0;   /* the last step's start (none yet this epoch) */
        for (uint64_t bi = 0; bi < nbatch; bi++) {
            uint64_t lo = bi * b, size = t.n - lo < b ? t.n - lo : b;
            if (t.rank == 0 && (long)e == kill_e && (long)bi == kill_b)
                raise(SIGKILL);
            /* this batch's segments were dealt with the previous one's (the
             * next batch's first is prefetched during this one's last) */
            if (bi == 0)
                nmine = deal_mine(&t, &ord, lo, size, all, &nall, t.mine);
            /* the deal counted them (each count walks the shuffle) */
            uint64_t nseg = o->allreduce == PARIO_ALLREDUCE_RING ? SLOT_SEGMENTS + 1
                            : nmine != UINT64_MAX                ? nall
                                                                 : batch_segments(&ord, lo, size);
            double *slots = nmine != UINT64_MAX && nseg <= nslots && nseg * t.nw < INT_MAX ? t.slots : NULL;
            if (slots)
                memset(t.packed, 0, nmine * t.nw * sizeof *t.packed);
            else
                for (uint64_t i = 0; i <= t.nw; i++)
                    pario_xsum_init(&t.acc[i]);
            uint64_t nnext = UINT64_MAX, nnextall = 0;
            struct seg after = { 0, 0, 0, 0 };
            if (lo + size < t.n) {
                uint64_t nsize = t.n - lo - size < b ? t.n - lo - size : b;
                nnext = deal_mine(&t, &ord, lo + size, nsize, nextall, &nnextall, t.mine + DEAL_SEGMENTS);
                if (nnext == UINT64_MAX)
                    after = first_mine(&t, &ord, lo + size, nsize);
                else if (nnext)
                    after = t.mine[DEAL_SEGMENTS];
            }
            double tb = MPI_Wtime(), waited = t.secs[1], rows_before = t.rows_done;
            if (prev > 0.0)
                pario_loghist_add(&t.hist[0], tb - prev);
            prev = tb;
            /* in shared memory the ranks share the segments as they go (work stealing) */
            int claims = slots && t.xn && t.p > 1;
            uint64_t ndone = nmine;
            st = claims ? run_claims(&t, all, nall, after, t.packed, t.done, &ndone, &eloss, &ecorrect)
                        : run_batch(&t, &ord, lo, size, t.mine, nmine, after, slots ? t.packed : NULL, &eloss,
                                    &ecorrect);
            double ta = MPI_Wtime();
            t.secs[0] += ta - tb;
            pario_loghist_add(&t.hist[1], ta - tb);
            if (t.rows_done > rows_before)
                pario_loghist_add(&t.hist[PARIO_TRAIN_HIST_ROW], (ta - tb) / (t.rows_done - rows_before) * 1000.0);
            if (!slots)
                t.secs[1] -= ta;   /* the accumulators' allreduce: until the update */
            /* one collective per step: the ranks that failed count themselves
             * in an extra sum of the allreduce (every rank joins it, failed or
             * not), and agree on the message only when one did */
            if (pario_failed(&st) && !slots)
                pario_xsum_add(&t.acc[t.nw], 1.0);
            /* the rows of this rank's next run after its first (the first was
             * prefetched with this step's last segment): a rank that waits at
             * the arrival fetches them rather than pausing (doc/train.md, the
             * thirteenth round) */
            if (claims && t.map && nnext != UINT64_MAX)
                for (uint64_t i = 1; i < nnext && i <= AHEAD_RANGES; i++)
                    pario_train_node_ahead(&t, mapped_row(&t, t.mine[DEAL_SEGMENTS + i].row),
                                           t.mine[DEAL_SEGMENTS + i].len * t.rowbytes);
            pario_status ast = slots && t.xn ? pario_train_node_step(&t, t.packed, ndone, claims ? t.done : t.mine, nall,
                                                                     pario_failed(&st))
                               : slots ? allreduce_slots(&t, t.packed, nmine, all, nall, slots, pario_failed(&st))
                                       : pario_xsum_allreduce(t.acc, t.g, t.nw + 1, o->allreduce, comm);
            /* the next batch's deal becomes this one's */
            struct seg *sw = all;
            all = nextall;
            nextall = sw;
            nall = nnextall;
            nmine = nnext;
            if (nnext != UINT64_MAX)
                memcpy(t.mine, t.mine + DEAL_SEGMENTS, nnext * sizeof *t.mine);
            if (!pario_failed(&ast) && t.g[t.nw] != 0.0)
                pario_agree(&st, comm);
            else if (pario_failed(&ast))
                st = ast;
            if (pario_failed(&st))
                break;
            double inv = (double)size;
            for (uint64_t c = 0; c < t.k; c++)
                for (uint64_t j = 0; j <= t.f; j++) {
                    uint64_t i = c * (t.f + 1) + j;
                    double grad = t.g[i] / inv;
                    if (j < t.f)
                        grad = grad + o->l2 * t.w[i];
                    t.w[i] = t.w[i] - o->lr * grad;
                }
            t.secs[slots ? 2 : 1] += MPI_Wtime();
            pario_loghist_add(&t.hist[2], t.secs[1] - waited);
            steps++;
        }
        if (pario_failed(&st))
            break;
        st = pario_train_inputs_check(&t); /* rewritten in place this epoch? */
        if (pario_agree(&st, comm))
            break;
        st = mean_over_ranks(&t, &eloss, ecorrect, &train_loss, &train_acc);
        for (uint64_t i = 0; i < t.nw && !pario_failed(&st); i++)
            if (!isfinite(t.w[i])) {
                /* the update multiplies a weight by 1 - lr l2 before the gradient:
                 * from lr l2 = 2 on the penalty alone makes it grow */
                char why[96] = "try a smaller --lr";
                if (o->lr * o->l2 >= 2.0)
                    snprintf(why, sizeof why, "--lr x --l2 is %g: the penalty shrinks the weights only under 2",
                             o->lr * o->l2);
                st = pario_error(PARIO_ERR_RUNTIME, "training diverged in epoch %llu: weight %llu is %g (%s)",
                                 (unsigned long long)e + 1, (unsigned long long)i, t.w[i], why);
            }
        if (log && !pario_failed(&st)) {
            double sec = MPI_Wtime() - te;
            MPI_Allreduce(MPI_IN_PLACE, &sec, 1, MPI_DOUBLE, MPI_MAX, comm);
            st = pario_trainlog_append(log, e, train_loss, train_acc, sec, (double)t.n / (sec > 0 ? sec : 1e-9), t.w);
        }
    }
    {
        pario_status cst = pario_trainlog_close(log);
        if (!pario_failed(&st))
            st = cst;
    }
    double seconds = MPI_Wtime() - t0;
    MPI_Allreduce(MPI_IN_PLACE, &seconds, 1, MPI_DOUBLE, MPI_MAX, comm);
    if (!pario_failed(&st)) {
        /* the final weights over every row, each rank whole blocks of R rows */
        uint64_t start, len, correct = 0, R = eval_range(&t, &start, &len);
        pario_xsum loss;
        pario_xsum_init(&loss);
        double tv = MPI_Wtime();
        st = eval_rows(&t, start, len, R, &loss, &correct);
        if (!pario_failed(&st))
            st = pario_train_inputs_check(&t);
        t.secs[3] = MPI_Wtime() - tv;
        if (!pario_agree(&st, comm))
            st = mean_over_ranks(&t, &loss, correct, &res->loss, &res->accuracy);
    }
    res->samples = t.n;
    res->features = t.f;
    res->classes = t.k;
    res->nweights = t.nw;
    res->steps = steps;
    res->nranks = t.p;
    res->train_loss = train_loss;
    res->seconds = seconds;
    res->samples_per_second = (double)(steps ? t.n * (o->epochs - first) : 0) / (seconds > 0 ? seconds : 1e-9);
    res->resumed = first;
    res->weights = t.w;
    res->rank_seconds = t.rank == 0 ? malloc(PARIO_TRAIN_TIMERS * (size_t)t.p * sizeof(double)) : NULL;
    int have = t.rank != 0 || res->rank_seconds;
    MPI_Bcast(&have, 1, MPI_INT, 0, comm);
    double timers[PARIO_TRAIN_TIMERS] = { t.secs[0], t.secs[1], t.secs[2], t.secs[3] };
    timers[7] = t.rows_done;
    for (int i = 0; i < 3 && t.hist; i++)
        timers[4 + i] = pario_loghist_quantile(&t.hist[i], 0.5);
    timers[8] = t.hist ? pario_loghist_quantile(&t.hist[0], 0.9) : 0.0;   /* the tail: one slow rank holds every rank */
    timers[9] = t.hist ? pario_loghist_quantile(&t.hist[0], 0.99) : 0.0;
    if (have)
        MPI_Gather(timers, PARIO_TRAIN_TIMERS, MPI_DOUBLE, res->rank_seconds, PARIO_TRAIN_TIMERS, MPI_DOUBLE, 0, comm);
    pario_train_close(&t);
    return st;
}

void pario_train_result_free(pario_train_result *res)
{
    free(res->weights);
    free(res->rank_seconds);
    res->weights = NULL;
    res->rank_seconds = NULL;
}
