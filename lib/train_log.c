/* pario-train's epoch log in parallel HDF5 (see lib/train_log.h): its columns
 * and attributes on the appendable table of lib/h5table.c, which it shares with
 * the pario-pi log (creation under a temporary name, space reservations,
 * flushes, publication, the resume lock). */
#include "config.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <hdf5.h>
#include "h5err.h"
#include "pario/output.h"
#include "pario/train_plot.h"
#include "h5attr.h"
#include "h5table.h"
#include "train_log.h"

/* D_CHECK last: a log written before it (session 20) is continued without it */
enum { D_LOSS, D_ACC, D_SECONDS, D_SPS, D_WEIGHTS, D_CHECK, ND };
static const char *const names[ND] = { "loss", "accuracy", "seconds", "samples_per_second", "weights",
                                       "weights_check" };

struct pario_trainlog {
    pario_h5table *t;
    uint64_t nw;
    int ncols; /* ND, or ND - 1 for a log without /weights_check */
};

/* /weights_check's value for an epoch's weights: FNV-1a (64 bits) of their
 * bytes as little-endian IEEE doubles, in order. Written with the weights and
 * compared when a log is resumed or predicts, so that weights changed after
 * they were written (an edit, a flipped bit) are refused, not continued. */
static uint64_t weights_check(const double *w, uint64_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t b;
        memcpy(&b, &w[i], sizeof b);
        for (int k = 0; k < 8; k++) {
            h ^= (b >> (8 * k)) & 0xff;
            h *= 0x100000001b3ull;
        }
    }
    return h;
}

static pario_trainlog *log_new(const char *path, uint64_t nw, int ncols, MPI_Comm comm)
{
    pario_trainlog *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    static const double nan = NAN;
    static const uint64_t none = 0;
    uint64_t wrows = nw < 256 ? 256 / nw : 1;
    pario_h5table_col cols[ND];
    for (int d = 0; d < ND; d++)
        cols[d] = d == D_CHECK ? (pario_h5table_col){ names[d], H5T_STD_U64LE, H5T_NATIVE_UINT64, 0, 256, &none }
                               : (pario_h5table_col){ names[d], H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, d == D_WEIGHTS,
                                                      d == D_WEIGHTS ? wrows : 256, &nan };
    l->t = pario_h5table_new(path, cols, ncols, comm);
    if (!l->t) {
        free(l);
        return NULL;
    }
    l->nw = nw;
    l->ncols = ncols;
    return l;
}

/* An attribute of the log: missing, or not one value of its kind (an edit:
 * HDF5 converted a seed of -3 to 0, 37.9 to 37, an array to its first
 * element, and the run went on with them), refused. */
static pario_status need_attr(hid_t file, const char *path, const char *name, int is_float, void *v)
{
    if (!pario_h5attr_exists(file, name))
        return pario_error(PARIO_ERR_RUNTIME, "%s: not a pario-train log (no attribute %s)", path, name);
    if (!(is_float ? pario_h5attr_f64(file, name, v) : pario_h5attr_u64(file, name, v)))
        return pario_error(PARIO_ERR_RUNTIME, "%s: unreadable pario-train attribute %s (not one %s)", path, name,
                           is_float ? "floating-point number" : "non-negative integer");
    return pario_ok();
}
#define need_u64(file, path, name, v) need_attr(file, path, name, 0, (uint64_t *)(v))
#define need_f64(file, path, name, v) need_attr(file, path, name, 1, (double *)(v))

/* The log's datasets are its own: none a link (an external link made
 * --resume write into another file, the training input among them). */
static pario_status own_datasets(hid_t file, const char *path)
{
    for (int d = 0; d < ND; d++)
        if (pario_h5_is_link(file, names[d]))
            return pario_error(PARIO_ERR_RUNTIME, "%s: /%s is a link, not a dataset of the log", path, names[d]);
    return pario_ok();
}

/* The meta attributes as doubles and integers, in one order for writing and checking. */
#define NU 7
#define NF 2
static const char *const u_names[NU] = { "model", "seed", "batch", "samples", "features", "classes", "shuffle_block" };
static const char *const f_names[NF] = { "lr", "l2" };
static void meta_values(const pario_trainlog_meta *m, uint64_t *u, double *f)
{
    u[0] = (uint64_t)m->model, u[1] = m->seed, u[2] = m->batch, u[3] = m->samples, u[4] = m->features,
    u[5] = m->classes, u[6] = m->block;
    f[0] = m->lr, f[1] = m->l2;
}

pario_status pario_trainlog_create(pario_trainlog **out, const char *path, const pario_trainlog_meta *m, int force,
                                   MPI_Comm comm)
{
    *out = NULL;
    pario_trainlog *l = log_new(path, m->nweights, ND, comm);
    pario_status st = l ? pario_ok() : pario_error(PARIO_ERR_RUNTIME, "%s: out of memory for the log", path);
    if (pario_agree(&st, comm)) {
        if (l)
            pario_h5table_free(l->t), free(l);
        return st;
    }
    st = pario_h5table_create(l->t, force, m->nweights);
    if (pario_failed(&st)) {
        free(l);
        return st;
    }
    uint64_t u[NU];
    double f[NF];
    meta_values(m, u, f);
    pario_h5table_attr a[NU + NF + 2];
    for (int i = 0; i < NU + NF; i++)
        a[i] = i < NU ? (pario_h5table_attr){ .name = u_names[i], .kind = 'u', .u = u[i] }
                      : (pario_h5table_attr){ .name = f_names[i - NU], .kind = 'f', .f = f[i - NU] };
    a[NU + NF] = (pario_h5table_attr){ .name = "pario_version", .kind = 's', .s = PACKAGE_VERSION };
    a[NU + NF + 1] = (pario_h5table_attr){ .name = "label_column", .kind = 'i', .i = m->label_column };
    st = pario_h5table_create_layout(l->t, a, NU + NF + 2);
    if (pario_failed(&st)) {
        free(l);
        return st;
    }
    *out = l;
    return st;
}

/* The rows of dataset d if it is 1-D (nd 1) or 2-D of width cols (nd 2), else
 * 0: a file whose /loss has more dimensions than one had them written past the
 * length asked for and its values past the buffer (a crash). At most 2^40 rows
 * (epochs): an extent is metadata, and 2^61 made the buffer's size wrap. */
static int dset_rows(hid_t d, int nd, hsize_t cols, hsize_t *rows)
{
    hsize_t dims[2] = { 0, 0 };
    hid_t sp = H5Dget_space(d);
    int ok = sp >= 0 && H5Sget_simple_extent_ndims(sp) == nd && H5Sget_simple_extent_dims(sp, dims, NULL) == nd
             && (nd == 1 || dims[1] == cols) && dims[0] <= (hsize_t)1 << 40;
    if (sp >= 0)
        H5Sclose(sp);
    *rows = ok ? dims[0] : 0;
    return ok;
}

/* /weights_check's values for the first n epochs into *chk (n of them), or
 * *chk NULL for a log written before the column (session 20): rows past its
 * end read as its fill, 0. */
static pario_status read_checks(hid_t file, const char *path, hsize_t n, uint64_t **chk)
{
    *chk = NULL;
    hid_t dc = H5I_INVALID_HID;
    H5E_BEGIN_TRY {
        if (H5Lexists(file, "weights_check", H5P_DEFAULT) > 0)
            dc = H5Dopen2(file, "weights_check", H5P_DEFAULT);
    } H5E_END_TRY;
    if (dc < 0)
        return pario_ok();
    hsize_t rows = 0;
    uint64_t *c = calloc(n + 1, sizeof *c);
    int ok = c && dset_rows(dc, 1, 0, &rows);
    hsize_t m = rows < n ? rows : n;
    if (ok && m) {
        hsize_t zero = 0;
        hid_t fs = H5Dget_space(dc), ms = H5Screate_simple(1, &m, NULL);
        ok = H5Sselect_hyperslab(fs, H5S_SELECT_SET, &zero, NULL, &m, NULL) >= 0 &&
             H5Dread(dc, H5T_NATIVE_UINT64, ms, fs, H5P_DEFAULT, c) >= 0;
        H5Sclose(fs), H5Sclose(ms);
    }
    H5Dclose(dc);
    if (!ok) {
        free(c);
        return pario_error(PARIO_ERR_RUNTIME, "%s: cannot read /weights_check", path);
    }
    *chk = c;
    return pario_ok();
}

/* Whether epoch e (1-based) of a log is finished. With /weights_check (chk),
 * written last in a row (pario_trainlog_append): its value is not the fill,
 * 0, whatever the epoch's loss (a loss that overflowed is inf, a logistic one
 * can be NaN: the epoch finished all the same). A log from before the column:
 * its loss, written last there, is not the fill, NaN (such a log's epochs with
 * an overflowed loss read as unfinished). (A checksum of 0 is a 2^-64 chance:
 * that epoch reads as unfinished.) */
static int finished(const uint64_t *chk, const double *loss, hsize_t e)
{
    return chk ? chk[e - 1] != 0 : isfinite(loss[e - 1]);
}

/* Epoch e's weights w (nw of them) against its /weights_check value (chk:
 * the column, or NULL: nothing to compare). */
static pario_status check_weights(const uint64_t *chk, const char *path, hsize_t e, const double *w, uint64_t nw)
{
    if (chk && chk[e - 1] != weights_check(w, nw))
        return pario_error(PARIO_ERR_RUNTIME, "%s: epoch %llu's weights do not match /weights_check, written with "
                           "them: the log was changed after it was written", path, (unsigned long long)e);
    return pario_ok();
}

/* The last finished epoch of a log (1-based into *found, 0 if none) whose
 * weights (dw, nw a row) are finite and match its /weights_check (chk, or
 * NULL; lv: /loss, n epochs): its weights into w. */
static pario_status last_finished(hid_t dw, const char *path, hsize_t n, const double *lv, const uint64_t *chk,
                                  uint64_t nw, double *w, hsize_t *found)
{
    pario_status st = pario_ok();
    *found = 0;
    for (hsize_t e = n; e > 0 && !pario_failed(&st) && !*found; e--) {
        if (!finished(chk, lv, e))
            continue;
        hsize_t start[2] = { e - 1, 0 }, cnt[2] = { 1, nw };
        hid_t fs = H5Dget_space(dw), ms = H5Screate_simple(1, &cnt[1], NULL);
        H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, cnt, NULL);
        if (H5Dread(dw, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, w) < 0)
            st = pario_error(PARIO_ERR_RUNTIME, "%s: cannot read /weights", path);
        H5Sclose(fs), H5Sclose(ms);
        int fin = 1;
        for (uint64_t i = 0; i < nw && fin; i++)
            fin = isfinite(w[i]);
        if (fin && !pario_failed(&st))
            st = check_weights(chk, path, e, w, nw);
        if (fin && !pario_failed(&st))
            *found = e;
    }
    return st;
}

/* The model, features and classes a log's attributes may hold: what
 * --predict and pario-plot accept (a hand-made log may say anything; a linear
 * log of 2 classes predicted from its first row of weights, a softmax of 1
 * class predicted 0 everywhere, and model 99 was plotted as softmax). */
static pario_status shape_check(const char *path, uint64_t model, uint64_t features, uint64_t classes)
{
    if (model > PARIO_TRAIN_SOFTMAX)
        return pario_error(PARIO_ERR_RUNTIME, "%s: written by model %llu, not one of linear (0), logistic (1), "
                           "softmax (2): not a pario-train log", path, (unsigned long long)model);
    int ok = model == PARIO_TRAIN_SOFTMAX ? classes >= 2 && classes <= 65536 : classes == 1;
    if (!ok || features == 0 || features > ((uint64_t)1 << 32))
        return pario_error(PARIO_ERR_RUNTIME, "%s: not a pario-train log (%s with %llu features and %llu classes)", path,
                           pario_train_model_name((pario_train_model)model), (unsigned long long)features,
                           (unsigned long long)classes);
    return pario_ok();
}

/* Serial (rank 0): what the log holds. */
static pario_status read_log(const char *path, const pario_trainlog_meta *m, uint64_t *done, double *w, double *loss,
                             double *acc, int *has_check)
{
    *has_check = 0;
    hid_t file;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return pario_error(PARIO_ERR_RUNTIME, "%s: no log to resume: %s", path, strerror(errno));
    htri_t is;
    H5E_BEGIN_TRY { is = H5Fis_hdf5(path); } H5E_END_TRY;
    if (is <= 0)
        return pario_error(PARIO_ERR_RUNTIME, "%s: no log to resume: not an HDF5 file", path);
    H5E_BEGIN_TRY { file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT); } H5E_END_TRY;
    if (file < 0) { /* HDF5's reason: a truncated file says so ("truncated file: eof = ...") */
        pario_status st = pario_h5_error("HDF5 cannot open it to resume", path);
        st.local = 0;
        return st;
    }
    pario_status st = pario_ok();
    uint64_t u[NU], got;
    double f[NF], gotf;
    meta_values(m, u, f);
    for (int i = 0; i < NU && !pario_failed(&st); i++) {
        if (st = need_u64(file, path, u_names[i], &got), pario_failed(&st))
            ;
        else if (got != u[i] && i == 0 && got > PARIO_TRAIN_SOFTMAX)   /* (named softmax before) */
            st = shape_check(path, got, 1, 1);
        else if (got != u[i])
            st = i == 0 ? pario_error(PARIO_ERR_RUNTIME, "%s: written by --model %s; it cannot continue with --model %s",
                                      path, pario_train_model_name((pario_train_model)got), pario_train_model_name(m->model))
                        : pario_error(PARIO_ERR_RUNTIME, "%s: written with %s %llu; this run has %llu", path, u_names[i],
                                      (unsigned long long)got, (unsigned long long)u[i]);
    }
    for (int i = 0; i < NF && !pario_failed(&st); i++) {
        /* each value in the digits that tell it apart: %g named 0.1 for
         * --lr 0.1000000000000001 as well ("written with 0.1; this run has 0.1") */
        char was[32], now[32];
        if (st = need_f64(file, path, f_names[i], &gotf), pario_failed(&st)) {
            ;
        } else if (gotf != f[i]) {
            pario_fmt_double(was, sizeof was, gotf);
            pario_fmt_double(now, sizeof now, f[i]);
            st = pario_error(PARIO_ERR_RUNTIME, "%s: written with --%s %s; this run has %s", path, f_names[i], was, now);
        }
    }
    /* where the labels come from (logs before session 12 do not say: not checked
     * then); another column continued the weights on other labels */
    int64_t lc;
    if (!pario_failed(&st) && pario_h5attr_exists(file, "label_column") &&
        (!pario_h5attr_i64(file, "label_column", &lc) || lc < -1))
        st = pario_error(PARIO_ERR_RUNTIME, "%s: unreadable pario-train attribute label_column (not one integer, "
                         "-1 or a column)", path);
    else if (!pario_failed(&st) && pario_h5attr_exists(file, "label_column") && lc != m->label_column) {
        char was[48], now[48];
        snprintf(was, sizeof was, lc < 0 ? "--labels FILE" : "--label-column %lld", (long long)lc);
        snprintf(now, sizeof now, m->label_column < 0 ? "--labels FILE" : "--label-column %lld",
                 (long long)m->label_column);
        st = pario_error(PARIO_ERR_RUNTIME, "%s: written with %s; it cannot continue with %s", path, was, now);
    }
    if (!pario_failed(&st))
        st = own_datasets(file, path);
    hid_t dl = H5I_INVALID_HID, dw = H5I_INVALID_HID, da = H5I_INVALID_HID;
    double *lv = NULL;
    if (!pario_failed(&st)) {
        H5E_BEGIN_TRY {
            dl = H5Dopen2(file, "loss", H5P_DEFAULT);
            da = H5Dopen2(file, "accuracy", H5P_DEFAULT);
            dw = H5Dopen2(file, "weights", H5P_DEFAULT);
        } H5E_END_TRY;
        if (dl < 0 || dw < 0 || da < 0)
            st = pario_error(PARIO_ERR_RUNTIME, "%s: not a pario-train log (datasets missing)", path);
    }
    *done = 0;
    hsize_t n = 0, na = 0, nwr = 0;
    if (!pario_failed(&st) && (!dset_rows(dl, 1, 0, &n) || !dset_rows(da, 1, 0, &na) || na != n
                               || !dset_rows(dw, 2, m->nweights, &nwr) || nwr < n))
        st = pario_error(PARIO_ERR_RUNTIME, "%s: not a pario-train log (/loss, /accuracy or /weights is not "
                         "epochs, or epochs x %llu weights)", path, (unsigned long long)m->nweights);
    if (!pario_failed(&st)) {
        lv = malloc(sizeof *lv * (n + 1));
        if (!lv || (n && H5Dread(dl, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, lv) < 0))
            st = pario_error(PARIO_ERR_RUNTIME, "%s: cannot read /loss", path);
    }
    uint64_t *chk = NULL;
    if (!pario_failed(&st))
        st = read_checks(file, path, n, &chk);
    *has_check = chk != NULL;
    if (!pario_failed(&st)) {
        /* the last finished epoch whose weights are finite, and its accuracy */
        hsize_t e = 0;
        st = last_finished(dw, path, n, lv, chk, m->nweights, w, &e);
        if (!pario_failed(&st) && e) {
            hsize_t at = e - 1;
            hid_t fa = H5Dget_space(da), ma = H5Screate(H5S_SCALAR);
            H5Sselect_elements(fa, H5S_SELECT_SET, 1, &at);
            if (H5Dread(da, H5T_NATIVE_DOUBLE, ma, fa, H5P_DEFAULT, acc) < 0)
                st = pario_error(PARIO_ERR_RUNTIME, "%s: cannot read /accuracy", path);
            H5Sclose(fa), H5Sclose(ma);
            *done = e;
            *loss = lv[e - 1];
        } else if (!pario_failed(&st)) {
            memset(w, 0, m->nweights * sizeof *w); /* none: the start's zeros, not a row that was passed over */
        }
    }
    free(chk);
    free(lv);
    if (dl >= 0) H5Dclose(dl);
    if (da >= 0) H5Dclose(da);
    if (dw >= 0) H5Dclose(dw);
    H5Fclose(file);
    return st;
}

pario_status pario_trainlog_resume(pario_trainlog **out, const char *path, const pario_trainlog_meta *m,
                                   uint64_t epochs, uint64_t *done, double *w, double *loss, double *acc,
                                   MPI_Comm comm)
{
    *out = NULL;
    int rank;
    MPI_Comm_rank(comm, &rank);
    pario_status st = pario_ok();
    double v[2] = { NAN, NAN };
    int has_check = 1;
    *done = 0;
    /* failures come back as statuses, not HDF5's stack dumps (a corrupt chunk
     * of /loss printed 25 lines before the error) */
    if (rank == 0) {
        /* the guard refused a log another run was writing; one that began
         * writing it since may make the read fail: then the log is busy */
        H5E_BEGIN_TRY { st = read_log(path, m, done, w, &v[0], &v[1], &has_check); } H5E_END_TRY;
        if (pario_failed(&st)) {
            pario_status busy = pario_h5table_check_idle(path);
            if (pario_failed(&busy))
                st = busy;
        } else if (*done > epochs) { /* before the log is cut to its finished epochs: a refusal changes nothing */
            st = pario_error(PARIO_ERR_RUNTIME, "%s: holds %llu epochs, more than --epochs %llu", path,
                             (unsigned long long)*done, (unsigned long long)epochs);
        }
    }
    if (pario_agree(&st, comm))
        return st;
    MPI_Bcast(done, 1, MPI_UINT64_T, 0, comm);
    MPI_Bcast(v, 2, MPI_DOUBLE, 0, comm);
    MPI_Bcast(w, (int)m->nweights, MPI_DOUBLE, 0, comm);
    MPI_Bcast(&has_check, 1, MPI_INT, 0, comm);
    *loss = v[0];
    *acc = v[1];
    /* a log written before /weights_check goes on without it */
    pario_trainlog *l = log_new(path, m->nweights, has_check ? ND : ND - 1, comm);
    st = l ? pario_ok() : pario_error(PARIO_ERR_RUNTIME, "%s: out of memory for the log", path);
    if (pario_agree(&st, comm)) {
        if (l)
            pario_h5table_free(l->t), free(l);
        return st;
    }
    /* cut to the finished epochs (a killed run's last rows go) */
    st = pario_h5table_reopen(l->t, *done, m->nweights);
    if (pario_failed(&st)) {
        free(l);
        return st;
    }
    *out = l;
    return st;
}

pario_status pario_trainlog_append(pario_trainlog *l, uint64_t epoch, double loss, double acc, double seconds,
                                   double sps, const double *w)
{
    pario_status st = pario_h5table_extend(l->t, epoch);
    if (pario_failed(&st))
        return st;
    /* rank 0 alone writes (every rank has the same values); the weights first,
     * the check last: a row whose check is written has the rest (finished());
     * in a log without the column, the loss last */
    double vals[ND] = { loss, acc, seconds, sps, 0, 0 };
    const uint64_t check = weights_check(w, l->nw);
    static const int order[ND] = { D_WEIGHTS, D_ACC, D_SECONDS, D_SPS, D_LOSS, D_CHECK };
    for (int i = 0; i < ND && !pario_failed(&st); i++) {
        int d = order[i];
        if (d >= l->ncols)
            continue;
        const void *v = d == D_WEIGHTS ? (const void *)w : d == D_CHECK ? (const void *)&check : (const void *)&vals[d];
        pario_h5table_write(l->t, d, epoch, 0, d == D_WEIGHTS ? l->nw : 1, v, 0, &st);
    }
    if (pario_agree(&st, pario_h5table_comm(l->t)))
        return st;
    return pario_h5table_flush(l->t);
}

pario_status pario_trainlog_close(pario_trainlog *l)
{
    if (!l)
        return pario_ok();
    pario_status st = pario_h5table_close(l->t);
    free(l);
    return st;
}

/* Serial (rank 0): the model, shape and last finished weights of a log. */
static pario_status read_model(const char *path, uint64_t *u, double **w)
{
    hid_t file;
    H5E_BEGIN_TRY { file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT); } H5E_END_TRY;
    if (file < 0)
        return pario_error(PARIO_ERR_RUNTIME, "%s: cannot open the model (missing, or not an HDF5 file)", path);
    pario_status st = pario_ok();
    static const char *const want[3] = { "model", "features", "classes" };
    for (int i = 0; i < 3 && !pario_failed(&st); i++)
        st = need_u64(file, path, want[i], &u[i]);
    if (!pario_failed(&st))
        st = own_datasets(file, path);
    if (!pario_failed(&st))
        st = shape_check(path, u[0], u[1], u[2]);
    hid_t dl = H5I_INVALID_HID, dw = H5I_INVALID_HID;
    if (!pario_failed(&st)) {
        H5E_BEGIN_TRY {
            dl = H5Dopen2(file, "loss", H5P_DEFAULT);
            dw = H5Dopen2(file, "weights", H5P_DEFAULT);
        } H5E_END_TRY;
        if (dl < 0 || dw < 0)
            st = pario_error(PARIO_ERR_RUNTIME, "%s: not a pario-train log (datasets missing)", path);
    }
    uint64_t nw = u[2] * (u[1] + 1);
    double *lv = NULL;
    *w = NULL;
    if (!pario_failed(&st)) {
        hsize_t n = 0, wrows = 0;
        int shaped = dset_rows(dl, 1, 0, &n) && dset_rows(dw, 2, nw, &wrows) && wrows >= n;
        lv = malloc(sizeof *lv * (n + 1));
        *w = malloc(sizeof **w * nw);
        if (!shaped)
            st = pario_error(PARIO_ERR_RUNTIME, "%s: not a pario-train log (/loss or /weights is not epochs, or "
                             "epochs x %llu weights)", path, (unsigned long long)nw);
        else if (!lv || !*w || (n && H5Dread(dl, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, lv) < 0))
            st = pario_error(PARIO_ERR_RUNTIME, "%s: cannot read /loss", path);
        uint64_t *chk = NULL;
        if (!pario_failed(&st))
            st = read_checks(file, path, n, &chk);
        hsize_t found = 0;
        if (!pario_failed(&st))
            st = last_finished(dw, path, n, lv, chk, nw, *w, &found);
        free(chk);
        if (!pario_failed(&st) && !found)
            st = pario_error(PARIO_ERR_RUNTIME, "%s: holds no finished epoch", path);
    }
    free(lv);
    if (dl >= 0) H5Dclose(dl);
    if (dw >= 0) H5Dclose(dw);
    H5Fclose(file);
    if (pario_failed(&st)) {
        free(*w);
        *w = NULL;
    }
    return st;
}

pario_status pario_trainlog_model(const char *path, pario_train_model *model, uint64_t *features, uint64_t *classes,
                                  double **w, MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    uint64_t u[3] = { 0, 0, 0 };
    *w = NULL;
    pario_status st = pario_ok();
    if (rank == 0) /* as read_log: a status, not HDF5's stack dump */
        H5E_BEGIN_TRY { st = read_model(path, u, w); } H5E_END_TRY;
    if (pario_agree(&st, comm))
        return st;
    MPI_Bcast(u, 3, MPI_UINT64_T, 0, comm);
    uint64_t nw = u[2] * (u[1] + 1);
    if (rank != 0)
        *w = malloc(sizeof **w * nw);
    st = *w ? pario_ok() : pario_error(PARIO_ERR_RUNTIME, "out of memory for %llu weights", (unsigned long long)nw);
    if (pario_agree(&st, comm)) {
        free(*w);
        *w = NULL;
        return st;
    }
    MPI_Bcast(*w, (int)nw, MPI_DOUBLE, 0, comm);
    *model = (pario_train_model)u[0];
    *features = u[1];
    *classes = u[2];
    return st;
}

int pario_train_log_is(const char *path)
{
    hid_t file;
    H5E_BEGIN_TRY { file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT); } H5E_END_TRY;
    if (file < 0)
        return 0;
    int yes = pario_h5attr_exists(file, "batch") && pario_h5attr_exists(file, "features");
    H5E_BEGIN_TRY { yes = yes && H5Lexists(file, "weights", H5P_DEFAULT) > 0; } H5E_END_TRY;
    H5Fclose(file);
    return yes;
}

void pario_train_history_free(pario_train_history *h)
{
    free(h->loss);
    free(h->accuracy);
    h->loss = h->accuracy = NULL;
}

static pario_status history_read(const char *path, pario_train_history *h)
{
    memset(h, 0, sizeof *h);
    hid_t file;
    H5E_BEGIN_TRY { file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT); } H5E_END_TRY;
    if (file < 0)
        return pario_error(PARIO_ERR_RUNTIME, "%s: cannot open the log (missing, or not an HDF5 file)", path);
    pario_status st = pario_ok();
    uint64_t u[NU];
    double f[NF];
    for (int i = 0; i < NU && !pario_failed(&st); i++)
        st = need_u64(file, path, u_names[i], &u[i]);
    for (int i = 0; i < NF && !pario_failed(&st); i++)
        st = need_f64(file, path, f_names[i], &f[i]);
    if (!pario_failed(&st))
        st = own_datasets(file, path);
    if (!pario_failed(&st))
        st = shape_check(path, u[0], u[4], u[5]);
    hid_t dl = H5I_INVALID_HID, da = H5I_INVALID_HID;
    if (!pario_failed(&st)) {
        h->model = (pario_train_model)u[0], h->seed = u[1], h->batch = u[2], h->samples = u[3];
        h->features = u[4], h->classes = u[5], h->lr = f[0], h->l2 = f[1];
        H5E_BEGIN_TRY {
            dl = H5Dopen2(file, "loss", H5P_DEFAULT);
            da = H5Dopen2(file, "accuracy", H5P_DEFAULT);
        } H5E_END_TRY;
        if (dl < 0 || da < 0)
            st = pario_error(PARIO_ERR_RUNTIME, "%s: not a pario-train log (datasets missing)", path);
    }
    if (!pario_failed(&st)) {
        hsize_t n = 0, na = 0;
        int flat = dset_rows(dl, 1, 0, &n) && dset_rows(da, 1, 0, &na);
        h->loss = malloc(sizeof *h->loss * (n + 1));
        h->accuracy = malloc(sizeof *h->accuracy * (n + 1));
        if (!flat)
            st = pario_error(PARIO_ERR_RUNTIME, "%s: not a pario-train log (/loss or /accuracy is not 1-D, at most 2^40 "
                             "epochs)", path);
        else if (na != n)
            st = pario_error(PARIO_ERR_RUNTIME, "%s: /loss and /accuracy differ in length", path);
        else if (!h->loss || !h->accuracy
                 || (n && (H5Dread(dl, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, h->loss) < 0
                           || H5Dread(da, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, h->accuracy) < 0)))
            st = pario_error(PARIO_ERR_RUNTIME, "%s: cannot read /loss and /accuracy", path);
        /* finished epochs: up to the last finished row (a killed run's are not) */
        uint64_t *chk = NULL;
        if (!pario_failed(&st))
            st = read_checks(file, path, n, &chk);
        h->epochs = n;
        while (!pario_failed(&st) && h->epochs > 0 && !finished(chk, h->loss, h->epochs))
            h->epochs--;
        free(chk);
    }
    if (dl >= 0) H5Dclose(dl);
    if (da >= 0) H5Dclose(da);
    H5Fclose(file);
    if (pario_failed(&st))
        pario_train_history_free(h);
    return st;
}

pario_status pario_train_history_read(const char *path, pario_train_history *h)
{
    pario_status st;
    H5E_BEGIN_TRY { st = history_read(path, h); } H5E_END_TRY; /* a status, not HDF5's stack dump */
    return st;
}
