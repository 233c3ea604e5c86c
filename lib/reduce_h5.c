/* The HDF5 results file. Results are a few numbers per lane and already sit on rank
 * 0 after the reduction, so rank 0 writes the file alone with HDF5's default (sec2,
 * serial) driver: no collective metadata calls to keep in step, and a failure
 * leaves no half-written file (temporary name, then rename). */
#define _GNU_SOURCE /* fallocate */
#include "config.h"
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pario/reduce.h"
#include "pario/tasks.h"
#include "pario/fileutil.h"
#include "fault.h"
#include "h5err.h"

static hid_t value_type(int kind)
{
    return kind == PARIO_ACC_SIGNED ? H5T_NATIVE_INT64 : kind == PARIO_ACC_UNSIGNED ? H5T_NATIVE_UINT64
                                                                                       : H5T_NATIVE_DOUBLE;
}

/* The first failure's reason, taken from HDF5's stack before a later call clears
 * it (rank 0 alone writes the file, one file at a time). */
static pario_status failure;
static const char *failure_path;

static int failed(const char *what)
{
    if (!pario_failed(&failure))
        failure = pario_h5_error(what, failure_path);
    return 0;
}

/* A dataset of n values (a scalar when scalar is set). */
static int put(hid_t where, const char *name, hid_t type, const void *data, int rank, const hsize_t *dims)
{
    hid_t space = rank ? H5Screate_simple(rank, dims, NULL) : H5Screate(H5S_SCALAR);
    hid_t d = H5Dcreate2(where, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int ok = d >= 0 ? 1 : failed("cannot create a dataset in the HDF5 results file");
    if (ok && H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        ok = failed("cannot write the HDF5 results file");
    int fault = ok ? pario_fault(PARIO_FAULT_H5WRITE) : 0;
    if (fault && !pario_failed(&failure))
        failure = pario_sys_error(fault, "cannot write the HDF5 results file", failure_path), ok = 0;
    if (d >= 0)
        H5Dclose(d);
    H5Sclose(space);
    return ok;
}

static int attr_str(hid_t where, const char *name, const char *value)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, strlen(value) + 1);
    H5Tset_strpad(type, H5T_STR_NULLTERM);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(where, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    int ok = (a >= 0 && H5Awrite(a, type, value) >= 0) || failed("cannot write an attribute of the HDF5 results file");
    if (a >= 0)
        H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
    return ok;
}

static int attr_num(hid_t where, const char *name, hid_t ftype, hid_t mtype, const void *v)
{
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(where, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
    int ok = (a >= 0 && H5Awrite(a, mtype, v) >= 0) || failed("cannot write an attribute of the HDF5 results file");
    if (a >= 0)
        H5Aclose(a);
    H5Sclose(space);
    return ok;
}

static int attr_u64(hid_t where, const char *name, uint64_t v)
{
    return attr_num(where, name, H5T_NATIVE_UINT64, H5T_NATIVE_UINT64, &v);
}

static int attr_typed(hid_t where, const pario_h5_attr *a)
{
    /* little-endian file types, as pario-pi's log */
    if (a->type == 'i')
        return attr_num(where, a->name, H5T_STD_I64LE, H5T_NATIVE_INT64, &a->i);
    uint8_t b = a->u != 0;
    if (a->type == 'b')
        return attr_num(where, a->name, H5T_STD_U8LE, H5T_NATIVE_UINT8, &b);
    return attr_num(where, a->name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &a->u);
}

static int write_all(hid_t f, const pario_reduce_spec *spec, const pario_reduce_result *res, const char *const *attrs,
                     const pario_h5_attr *num, size_t nnum)
{
    const uint64_t L = res->lanes;
    const int rank = res->axis < 0 ? 0 : 1;
    const hsize_t dims[2] = { L, res->hist.bins };
    pario_acc k0;   /* the kind from the dtype: an empty axis has no lane (no acc[0]) */
    pario_acc_init(&k0, res->dtype);
    const int kind = L ? res->acc[0].kind : k0.kind;
    pario_lane *l = pario_alloc(L * sizeof *l);
    pario_value *v = pario_alloc(L * sizeof *v);
    double *d = pario_alloc(L * sizeof *d);
    uint64_t *u = pario_alloc(L * sizeof *u);
    uint8_t *mask = pario_alloc(L ? L : 1);
    int ok = l && v && d && u && mask;
    if (!ok)
        failure = pario_sys_error(ENOMEM, "cannot write the HDF5 results file", failure_path);
    uint64_t nan = 0, overflow = 0, empty = 0;
    for (uint64_t i = 0; ok && i < L; i++) {
        pario_reduce_lane(spec, res, i, &l[i]);
        nan += res->acc[i].nan;
        overflow += l[i].sum_overflow;
        empty += !l[i].has_extremes;
    }
    for (const char *const *a = attrs; ok && a && a[0]; a += 2)
        ok = attr_str(f, a[0], a[1]);
    for (size_t i = 0; ok && i < nnum; i++)
        ok = attr_typed(f, &num[i]);
    ok = ok && attr_u64(f, "elements", L * res->lane_len);
    ok = ok && attr_u64(f, "nan_count", nan);
    ok = ok && attr_str(f, "dtype", pario_dtype_name(res->dtype));
    /* a result with no value (integer sum overflow; min of nothing) is flagged
     * (how many); the whole dataset's is left out, while one per lane keeps
     * the lanes that have a value: the others hold a fill (NaN, 0; argmin and
     * argmax 2^64 - 1) and /X_missing says which (1), as JSON's nulls do
     * (every lane was left out for one without a value: a hostile-user pass,
     * session 23) */
    pario_value fill;
    memset(&fill, 0, sizeof fill);
    if (kind == PARIO_ACC_FLOAT)
        fill.f = NAN;
    if (ok && (spec->ops & PARIO_OP_SUM)) {
        if (overflow)
            ok = attr_u64(f, "sum_overflow", overflow);
        if (ok && (!overflow || rank)) {
            for (uint64_t i = 0; i < L; i++) {
                v[i] = l[i].sum_overflow ? fill : l[i].sum;
                mask[i] = (uint8_t)(l[i].sum_overflow != 0);
            }
            ok = put(f, "sum", value_type(kind), v, rank, dims) &&
                 (!overflow || put(f, "sum_missing", H5T_NATIVE_UINT8, mask, rank, dims));
        }
    }
    for (int which = 0; ok && which < 2; which++) {
        unsigned bit = which ? PARIO_OP_MAX : PARIO_OP_MIN;
        if (!(spec->ops & bit))
            continue;
        if (empty)
            ok = attr_u64(f, which ? "max_missing" : "min_missing", empty);
        if (!ok || (empty && !rank))
            continue;
        for (uint64_t i = 0; i < L; i++) {
            v[i] = !l[i].has_extremes ? fill : which ? l[i].max : l[i].min;
            u[i] = !l[i].has_extremes ? UINT64_MAX : which ? l[i].argmax : l[i].argmin;
            mask[i] = (uint8_t)!l[i].has_extremes;
        }
        ok = put(f, which ? "max" : "min", value_type(kind), v, rank, dims) &&
             put(f, which ? "argmax" : "argmin", H5T_NATIVE_UINT64, u, rank, dims) &&
             (!empty || put(f, which ? "max_missing" : "min_missing", H5T_NATIVE_UINT8, mask, rank, dims));
    }
    static const struct { unsigned bit; const char *name; } fops[] = {
        { PARIO_OP_MEAN, "mean" }, { PARIO_OP_VAR, "var" }, { PARIO_OP_STD, "std" } };
    for (int k = 0; ok && k < 3; k++) {
        if (!(spec->ops & fops[k].bit))
            continue;
        for (uint64_t i = 0; i < L; i++)
            d[i] = k == 0 ? l[i].mean : k == 1 ? l[i].var : l[i].std;
        ok = put(f, fops[k].name, H5T_NATIVE_DOUBLE, d, rank, dims);
    }
    if (ok && (spec->ops & PARIO_OP_COUNT))
        ok = put(f, "count", H5T_NATIVE_UINT64, res->count, rank, dims);
    if (ok && (spec->ops & PARIO_OP_RANGE))
        ok = put(f, "count_range", H5T_NATIVE_UINT64, res->range_count, rank, dims);
    if (ok && (spec->ops & PARIO_OP_HIST)) {
        hid_t g = H5Gcreate2(f, "hist", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        hsize_t ne = res->hist.bins + 1;
        ok = (g >= 0 || failed("cannot create a group in the HDF5 results file")) && put(g, "edges", H5T_NATIVE_DOUBLE, res->hist.edges, 1, &ne);
        if (ok)
            ok = rank ? put(g, "counts", H5T_NATIVE_UINT64, res->hist_counts, 2, dims)
                      : put(g, "counts", H5T_NATIVE_UINT64, res->hist_counts, 1, &dims[1]);
        if (g >= 0)
            H5Gclose(g);
    }
    free(l);
    free(v);
    free(d);
    free(u);
    free(mask);
    return ok;
}

pario_status pario_reduce_write_h5(const char *path, const pario_reduce_spec *spec, const pario_reduce_result *res,
                                   const char *const *attrs)
{
    return pario_reduce_write_h5_typed(path, spec, res, attrs, NULL, 0);
}

/* The groups /inputs/NNNNNN of inputs first..first+m-1 (their results res[0..m-1]). */
static int write_groups(hid_t g, const pario_reduce_spec *spec, char *const *paths, const pario_reduce_result *res,
                        const pario_status *st, size_t first, size_t m)
{
    int ok = 1;
    for (size_t i = 0; ok && i < m; i++) {
        char name[32];
        snprintf(name, sizeof name, "%06zu", first + i); /* input order, whatever the paths */
        hid_t gi = H5Gcreate2(g, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (gi < 0)
            return failed("cannot create a group in the HDF5 results file");
        ok = attr_str(gi, "data", paths[i]);
        if (ok && pario_failed(&st[i]))
            ok = attr_str(gi, "error", st[i].msg);
        else if (ok)
            ok = write_all(gi, spec, &res[i], NULL, NULL, 0);
        H5Gclose(gi);
    }
    return ok;
}

/* An HDF5 file built in memory (HDF5's core driver, no backing store) and
 * written out by pario_write_file_atomic (finish): HDF5 never meets a full
 * disk, which it survives badly (a file it cannot flush stays open and hangs
 * its exit); the disk's errors come back as errno. Errors come back as
 * statuses, not HDF5's stack dumps: printing is off only inside H5E_BEGIN_TRY. */
static hid_t create_image(const char *path)
{
    failure = pario_ok();
    failure_path = path;
    hid_t f = -1;
    H5E_BEGIN_TRY {
        hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
        H5Pset_fapl_core(fapl, 64 << 10, 0);
        /* under a name no file has: the core driver reads a file of the name
         * it is given into memory, even to truncate it (an old 106 MB results
         * file took 106 MB more); nothing is written under it */
        char name[4200];
        pario_tmp_name(path, (long)getpid(), name, sizeof name - 8);
        strcat(name, ".image");
        f = H5Fcreate(name, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
        H5Pclose(fapl);
        if (f < 0)
            failed("cannot create the HDF5 results file");
    } H5E_END_TRY;
    return f;
}

/* The image of f (ok: everything went in) written whole when commit, f
 * closed either way; failure_path is path. Written to path (tmp 0: under a
 * temporary name, then renamed) or to path's temporary name alone (tmp 1:
 * pario_write_file_tmp, for the caller to commit with another output). */
static pario_status finish_image(const char *path, hid_t f, int ok, int commit, int tmp)
{
    failure_path = path;
    void *image = NULL;
    ssize_t size = -1;
    H5E_BEGIN_TRY {
        if (ok && commit && H5Fflush(f, H5F_SCOPE_GLOBAL) < 0)
            ok = failed("cannot write the HDF5 results file");
        if (ok && commit && (size = H5Fget_file_image(f, NULL, 0)) < 0)
            ok = failed("cannot write the HDF5 results file");
        if (ok && commit && !(image = pario_alloc((size_t)size)))
            ok = 0, failure = pario_sys_error(ENOMEM, "cannot write the HDF5 results file", path);
        if (ok && commit && H5Fget_file_image(f, image, (size_t)size) < 0)
            ok = failed("cannot write the HDF5 results file");
        if (H5Fclose(f) < 0 && ok && commit)
            ok = failed("cannot write the HDF5 results file");
        if (!ok)
            size = -1;
    } H5E_END_TRY;
    if (commit && size >= 0 && !pario_failed(&failure)) {
        failure = tmp ? pario_write_file_tmp(path, image, (size_t)size) : pario_write_file_atomic(path, image, (size_t)size);
        if (pario_failed(&failure))
            failure.local = 1;
    }
    free(image);
    if (commit && size < 0 && !pario_failed(&failure))
        failure = pario_error(PARIO_ERR_RUNTIME, "%s: cannot write the HDF5 results file", path);
    return commit ? failure : pario_ok();
}

static pario_status write_h5(const char *path, const pario_reduce_spec *spec, const pario_reduce_result *res,
                             const char *const *attrs, const pario_h5_attr *num, size_t nnum, int tmp)
{
    hid_t f = create_image(path);
    if (f < 0)
        return failure;
    int ok;
    H5E_BEGIN_TRY {
        ok = write_all(f, spec, res, attrs, num, nnum);
    } H5E_END_TRY;
    return finish_image(path, f, ok, 1, tmp);
}

pario_status pario_reduce_write_h5_typed(const char *path, const pario_reduce_spec *spec,
                                         const pario_reduce_result *res, const char *const *attrs,
                                         const pario_h5_attr *num, size_t nnum)
{
    return write_h5(path, spec, res, attrs, num, nnum, 0);
}

pario_status pario_reduce_write_h5_tmp(const char *path, const pario_reduce_spec *spec,
                                       const pario_reduce_result *res, const char *const *attrs,
                                       const pario_h5_attr *num, size_t nnum)
{
    return write_h5(path, spec, res, attrs, num, nnum, 1);
}

/* Many inputs: the file grows by a window of groups at a time, and building
 * it in memory (as above) would hold all of it, about 2.8 times its size
 * (328 MB for 20,000 inputs). So it goes to disk as it grows: HDF5's sec2
 * driver on path's temporary name. HDF5 survives a failed write badly (a file
 * it cannot flush stays open, and its exit loops "closing library"), so no
 * write of HDF5's may meet a full disk: the space each window will take
 * (twice the largest window so far or twice a bound from its results, and
 * 256 KiB) is reserved first with fallocate(FALLOC_FL_KEEP_SIZE), whose failure
 * (ENOSPC, EDQUOT) is ours to report while the file is still whole and
 * flushed; the reservation past the end is released at the end (ftruncate
 * to the size). The file starts as a small image written by pario, so even
 * its first bytes are not HDF5's writes. Where the file system cannot
 * reserve (EOPNOTSUPP), the file is built in memory as before. */
#define RESERVE_MARGIN (256u << 10)
struct pario_inputs_h5 {
    char *path;
    hid_t f, g;     /* the file and its group "inputs" */
    int ok;         /* every write so far went in */
    int fd;         /* on disk: path's temporary name (-1: in memory) */
    uint64_t reserved, grown;   /* bytes reserved from offset 0; the largest growth of a window */
};

/* Space for the file up to want bytes (0: ok; else errno). */
static int reserve(pario_inputs_h5 *h, uint64_t want)
{
    if (want <= h->reserved)
        return 0;
    int fault = pario_fault(PARIO_FAULT_H5WRITE);
    if (fault)
        return fault;
    if (fallocate(h->fd, FALLOC_FL_KEEP_SIZE, 0, (off_t)want) != 0)
        return errno;
    h->reserved = want;
    return 0;
}

static uint64_t file_size(int fd)
{
    struct stat sb;
    return fstat(fd, &sb) == 0 ? (uint64_t)sb.st_size : 0;
}

/* A bound on the bytes m inputs' groups take (2.8 KB an input measured for
 * four operations): per group 2 KiB of header and its attribute "data", and
 * either the attribute "error" or per dataset 1 KiB of header and its
 * values (at most 3 + 2 x the ops a lane, and the bins and edges). */
static uint64_t window_bound(const pario_reduce_spec *spec, char *const *paths, const pario_reduce_result *res,
                             const pario_status *st, size_t m)
{
    uint64_t sets = 2 * (uint64_t)__builtin_popcount(spec->ops) + 3, b = 0;
    for (size_t i = 0; i < m; i++) {
        b += 2048 + strlen(paths[i]);
        if (pario_failed(&st[i]))
            b += 1024 + strlen(st[i].msg);
        else
            b += sets * 1024 + res[i].lanes * 8 * (sets + 2 * (uint64_t)res[i].hist.bins + 1);
    }
    return b;
}

/* The file on disk (above): its first image, with the root's attributes and
 * the group, written whole, space reserved, and opened by HDF5. Returns 1 on
 * disk, 0 to stay in memory (*f kept), -1 on failure (the status in
 * failure, *f closed). */
static int go_to_disk(pario_inputs_h5 *h)
{
    void *image = NULL;
    ssize_t size = -1;
    H5E_BEGIN_TRY {
        if (H5Fflush(h->f, H5F_SCOPE_GLOBAL) >= 0 && (size = H5Fget_file_image(h->f, NULL, 0)) > 0 &&
            (image = pario_alloc((size_t)size)) && H5Fget_file_image(h->f, image, (size_t)size) < 0)
            size = -1;
    } H5E_END_TRY;
    if (size <= 0 || !image) {
        free(image);
        return 0;   /* stays in memory */
    }
    char tmp[4200];
    pario_tmp_name(h->path, (long)getpid(), tmp, sizeof tmp);
    pario_status st = pario_write_file_tmp(h->path, image, (size_t)size);
    free(image);
    int fd = pario_failed(&st) ? -1 : open(tmp, O_RDWR | O_CLOEXEC);
    int e = fd < 0 ? errno : 0;
    if (fd >= 0) {
        h->fd = fd;
        e = reserve(h, (uint64_t)size + RESERVE_MARGIN);
    }
    if (fd >= 0 && (e == EOPNOTSUPP || e == ENOSYS || e == EINVAL)) {
        close(fd);
        h->fd = -1;
        pario_discard_tmp(h->path);
        return 0;   /* this file system cannot reserve: in memory */
    }
    H5E_BEGIN_TRY {
        H5Fclose(h->f);
    } H5E_END_TRY;
    h->f = -1;
    if (pario_failed(&st) || e) {
        if (!pario_failed(&st))
            st = pario_sys_error(e, "cannot write the HDF5 results file", h->path);
        if (fd >= 0)
            close(fd);
        h->fd = -1;
        pario_discard_tmp(h->path);
        failure = st;
        failure.local = 1;
        return -1;
    }
    int ok = 1;
    H5E_BEGIN_TRY {
        /* each group's metadata out of the cache once written and closed:
         * HDF5's metadata cache otherwise grows toward 32 MiB */
        hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
        H5Pset_evict_on_close(fapl, 1);
        /* and the cache itself held to 1-4 MiB: the groups are written once */
        H5AC_cache_config_t cc;
        cc.version = H5AC__CURR_CACHE_CONFIG_VERSION;
        if (H5Pget_mdc_config(fapl, &cc) >= 0) {
            cc.set_initial_size = 1;
            cc.initial_size = 1 << 20;
            cc.min_size = 1 << 20;
            cc.max_size = 4 << 20;
            H5Pset_mdc_config(fapl, &cc);
        }
        h->f = H5Fopen(tmp, H5F_ACC_RDWR, fapl);
        H5Pclose(fapl);
        h->g = h->f >= 0 ? H5Gopen2(h->f, "inputs", H5P_DEFAULT) : -1;
        if (h->g < 0)
            ok = failed("cannot open the HDF5 results file");
    } H5E_END_TRY;
    return ok ? 1 : -1;
}

pario_status pario_inputs_h5_open(pario_inputs_h5 **hp, const char *path, const char *const *attrs,
                                  const pario_h5_attr *num, size_t nnum)
{
    *hp = NULL;
    pario_inputs_h5 *h = calloc(1, sizeof *h);
    char *copy = h ? strdup(path) : NULL;
    if (!copy) {
        free(h);
        return pario_sys_error(ENOMEM, "cannot write the HDF5 results file", path);
    }
    h->path = copy;
    h->g = -1;
    h->fd = -1;
    h->f = create_image(path);
    if (h->f < 0) {
        free(h->path);
        free(h);
        return failure;
    }
    int ok = 1;
    H5E_BEGIN_TRY {
        for (const char *const *a = attrs; ok && a && a[0]; a += 2)
            ok = attr_str(h->f, a[0], a[1]);
        for (size_t i = 0; ok && i < nnum; i++)
            ok = attr_typed(h->f, &num[i]);
        h->g = ok ? H5Gcreate2(h->f, "inputs", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : -1;
        if (ok && h->g < 0)
            ok = failed("cannot create a group in the HDF5 results file");
        if (h->g >= 0)
            H5Gclose(h->g);
        h->g = -1;
    } H5E_END_TRY;
    int where = ok ? go_to_disk(h) : -1;
    if (ok && where == 0) {
        H5E_BEGIN_TRY {
            h->g = H5Gopen2(h->f, "inputs", H5P_DEFAULT);
            if (h->g < 0)
                ok = failed("cannot create a group in the HDF5 results file");
        } H5E_END_TRY;
    }
    h->ok = ok && where >= 0;
    *hp = h;
    return h->ok ? pario_ok() : failure;
}

pario_status pario_inputs_h5_add(pario_inputs_h5 *h, const pario_reduce_spec *spec, char *const *paths,
                                 const pario_reduce_result *res, const pario_status *st, size_t first, size_t m)
{
    failure_path = h->path;
    if (!h->ok)
        return failure;
    uint64_t before = h->fd >= 0 ? file_size(h->fd) : 0;
    if (h->fd >= 0) {
        uint64_t need = window_bound(spec, paths, res, st, m);
        need = 2 * (need > h->grown ? need : h->grown) + RESERVE_MARGIN;
        int e = reserve(h, before + need);
        if (e) {
            failure = pario_sys_error(e, "cannot write the HDF5 results file", h->path);
            return h->ok = 0, failure;
        }
    }
    H5E_BEGIN_TRY {
        h->ok = write_groups(h->g, spec, paths, res, st, first, m);
        if (h->ok && h->fd >= 0 && H5Fflush(h->f, H5F_SCOPE_LOCAL) < 0)
            h->ok = failed("cannot write the HDF5 results file");
    } H5E_END_TRY;
    if (h->ok && h->fd >= 0) {
        uint64_t after = file_size(h->fd);
        if (after > before && after - before > h->grown)
            h->grown = after - before;
    }
    return h->ok ? pario_ok() : failure;
}

pario_status pario_inputs_h5_close(pario_inputs_h5 *h, size_t n, size_t failed_inputs, int commit)
{
    if (!h)
        return pario_ok();
    failure_path = h->path;
    int ok = h->ok;
    H5E_BEGIN_TRY {
        if (h->g >= 0)
            H5Gclose(h->g);
        ok = ok && attr_u64(h->f, "inputs", n) && attr_u64(h->f, "failed", failed_inputs);
    } H5E_END_TRY;
    pario_status st;
    if (h->fd < 0) {
        st = finish_image(h->path, h->f, ok, commit, 1);
    } else {
        /* within the reservation: the last window's margin is still free */
        H5E_BEGIN_TRY {
            if (H5Fclose(h->f) < 0 && ok && commit)
                ok = failed("cannot write the HDF5 results file");
        } H5E_END_TRY;
        int e = ftruncate(h->fd, (off_t)file_size(h->fd)) != 0 ? errno : 0;   /* the reservation past the end */
        if (close(h->fd) != 0 && !e)
            e = errno;
        if (ok && commit && e)
            failure = pario_sys_error(e, "cannot write the HDF5 results file", h->path), ok = 0;
        if (!ok || !commit)
            pario_discard_tmp(h->path);
        st = !commit ? pario_ok() : ok ? pario_ok() : failure;
        if (pario_failed(&st))
            st.local = 1;
    }
    free(h->path);
    free(h);
    return st;
}
