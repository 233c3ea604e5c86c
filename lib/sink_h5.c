/* The HDF5 sink: rank 0 makes the whole output file under its temporary name
 * (a copy of FILE when it exists, so the dataset is added to what FILE holds, or a
 * new file), creates the dataset contiguous with its space allocated at creation
 * and never filled, writes the attributes, and closes it; the data are then
 * written through pario's MPI-IO path at H5Dget_offset, like a raw file's. The
 * rename of the finished file is the only change FILE ever sees. */
#define _GNU_SOURCE
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <hdf5.h>
#include "h5err.h"
#include "sink.h"
#include "source.h"
#include "fault.h"
#include "h5attr.h"

/* Copy src to dst (created): copy_file_range, which a file system may share
 * (reflink) instead of copying. */
static pario_status copy_file(const char *src, const char *dst, const char *name)
{
    int in = open(src, O_RDONLY), out = -1;
    pario_status st = pario_ok();
    if (in < 0)
        return pario_sys_error(errno, "cannot open", name);
    struct stat sb;
    if (fstat(in, &sb) != 0 || (out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, sb.st_mode & 0777)) < 0) {
        st = pario_sys_error(errno, "cannot copy", name);
        close(in);
        return st;
    }
    off_t left = sb.st_size;
    while (left > 0) {
        ssize_t n = copy_file_range(in, NULL, out, NULL, (size_t)left, 0);
        if (n <= 0) { /* not supported here: read and write */
            char buf[1 << 16];
            n = read(in, buf, sizeof buf);
            if (n > 0 && write(out, buf, (size_t)n) != n)
                n = -1;
        }
        if (n <= 0) {
            st = n == 0 ? pario_error(PARIO_ERR_RUNTIME, "%s: changed while it was copied", name)
                        : pario_sys_error(errno, "cannot copy", name);
            break;
        }
        left -= n;
    }
    close(in);
    if (close(out) != 0 && !pario_failed(&st))
        st = pario_sys_error(errno, "cannot copy", name);
    if (pario_failed(&st))
        remove(dst);
    return st;
}

hid_t pario_sink_h5_type(const pario_dataset *ds)
{
    int be = ds->big_endian;
    switch (ds->dtype) {
    case PARIO_INT8: return be ? H5T_STD_I8BE : H5T_STD_I8LE;
    case PARIO_INT16: return be ? H5T_STD_I16BE : H5T_STD_I16LE;
    case PARIO_INT32: return be ? H5T_STD_I32BE : H5T_STD_I32LE;
    case PARIO_INT64: return be ? H5T_STD_I64BE : H5T_STD_I64LE;
    case PARIO_UINT8: return be ? H5T_STD_U8BE : H5T_STD_U8LE;
    case PARIO_UINT16: return be ? H5T_STD_U16BE : H5T_STD_U16LE;
    case PARIO_UINT32: return be ? H5T_STD_U32BE : H5T_STD_U32LE;
    case PARIO_UINT64: return be ? H5T_STD_U64BE : H5T_STD_U64LE;
    case PARIO_FLOAT32: return be ? H5T_IEEE_F32BE : H5T_IEEE_F32LE;
    default: return be ? H5T_IEEE_F64BE : H5T_IEEE_F64LE;
    }
}

static int put_attr(hid_t obj, const char *name, const char *value)
{
    hid_t t = H5Tcopy(H5T_C_S1), s = H5Screate(H5S_SCALAR), a = -1;
    int ok = t >= 0 && s >= 0 && H5Tset_size(t, strlen(value) + 1) >= 0 && H5Tset_strpad(t, H5T_STR_NULLTERM) >= 0 &&
             (a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT)) >= 0 && H5Awrite(a, t, value) >= 0;
    if (a >= 0)
        H5Aclose(a);
    if (s >= 0)
        H5Sclose(s);
    if (t >= 0)
        H5Tclose(t);
    return ok;
}

int pario_sink_h5_attrs(hid_t d, const struct pario_sink_meta *meta)
{
    return put_attr(d, "pario_tool", meta->tool ? meta->tool : "pario") && put_attr(d, "pario_version", PACKAGE_VERSION) &&
                   put_attr(d, "pario_source", meta->source ? meta->source : "") &&
                   put_attr(d, "pario_distribution", meta->dist ? meta->dist : "")
               ? 0
               : -1;
}

static int put_i64(hid_t obj, const char *name, int ndims, const int64_t *v, hid_t type)
{
    hsize_t n = (hsize_t)ndims;
    hid_t s = ndims ? H5Screate_simple(1, &n, NULL) : H5Screate(H5S_SCALAR), a = -1;
    int ok = s >= 0 && (a = H5Acreate2(obj, name, type, s, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
             H5Awrite(a, type == H5T_STD_U64LE ? H5T_NATIVE_UINT64 : H5T_NATIVE_INT64, v) >= 0;
    if (a >= 0)
        H5Aclose(a);
    if (s >= 0)
        H5Sclose(s);
    return ok;
}

/* A part's place in the whole (pario-scatter --part-format h5). */
static int put_part_attrs(hid_t d, const pario_dataset *ds, const struct pario_part *p)
{
    int64_t rank = p->rank, nranks = p->nranks;
    int64_t shape[2] = { (int64_t)p->shape[0], (int64_t)p->shape[1] };
    return put_i64(d, "pario_rank", 0, &rank, H5T_STD_I64LE) && put_i64(d, "pario_nranks", 0, &nranks, H5T_STD_I64LE) &&
           put_i64(d, "pario_shape", p->ndims == 2 ? 2 : 1, shape, H5T_STD_U64LE) &&
           put_attr(d, "pario_dtype", pario_dtype_name(ds->dtype)) && (!p->run[0] || put_attr(d, "pario_run", p->run));
}

static int get_i64(hid_t d, const char *name, int64_t *v, int max)
{
    hid_t a = H5Aopen(d, name, H5P_DEFAULT), s = a >= 0 ? H5Aget_space(a) : -1;
    hssize_t n = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
    int got = a >= 0 && s >= 0 && n >= 1 && n <= max && H5Aread(a, H5T_NATIVE_INT64, v) >= 0 ? (int)n : -1;
    if (s >= 0)
        H5Sclose(s);
    if (a >= 0)
        H5Aclose(a);
    return got;
}

/* a string attribute, fixed- or variable-length (h5attr.c: one reader for
 * every pario string attribute; a part's pario_run set with h5py, a Python
 * str, is variable-length) */
static int get_str(hid_t d, const char *name, char *buf, size_t len)
{
    return pario_h5attr_str(d, name, buf, len);
}

pario_status pario_sink_h5_part_read(hid_t d, const pario_dataset *ds, struct pario_part *p)
{
    int64_t rank = -1, nranks = 0, shape[2] = { 0, 1 };
    char dtype[32] = "", run[32] = "";
    int nd = 0, has_run = 0, run_ok = 0;
    memset(p, 0, sizeof *p);
    H5E_BEGIN_TRY {
        if (get_i64(d, "pario_rank", &rank, 1) == 1 && get_i64(d, "pario_nranks", &nranks, 1) == 1 &&
            get_str(d, "pario_distribution", p->dist, sizeof p->dist) && get_str(d, "pario_dtype", dtype, sizeof dtype))
            nd = get_i64(d, "pario_shape", shape, 2);
        has_run = H5Aexists(d, "pario_run") > 0;   /* (parts of older pario have none) */
        run_ok = has_run && get_str(d, "pario_run", run, sizeof run);
    } H5E_END_TRY;
    if (nd < 1)
        return pario_error(PARIO_ERR_RUNTIME, "%s:%s: not a part file (no pario_rank, pario_nranks, pario_distribution, "
                           "pario_shape and pario_dtype attributes)", ds->path, ds->dataset);
    if (nranks < 1 || nranks > INT32_MAX || rank < 0 || rank >= nranks || shape[0] < 0 || shape[1] < 0)
        return pario_error(PARIO_ERR_RUNTIME, "%s:%s: part attributes out of range (rank %lld of %lld)", ds->path,
                           ds->dataset, (long long)rank, (long long)nranks);
    if (strcmp(dtype, pario_dtype_name(ds->dtype)) != 0)
        return pario_error(PARIO_ERR_RUNTIME, "%s:%s: pario_dtype says %s, but the dataset is %s", ds->path,
                           ds->dataset, dtype, pario_dtype_name(ds->dtype));
    if (has_run && (!run_ok || strlen(run) != 16 || strspn(run, "0123456789abcdef") != 16))
        return pario_error(PARIO_ERR_RUNTIME, "%s:%s: pario_run is not a scatter run's id (16 hexadecimal digits)",
                           ds->path, ds->dataset);
    memcpy(p->run, run, sizeof p->run - 1);
    p->present = 1;
    p->rank = (int)rank;
    p->nranks = (int)nranks;
    p->ndims = nd;
    p->shape[0] = (uint64_t)shape[0];
    p->shape[1] = nd == 2 ? (uint64_t)shape[1] : 1;
    return pario_ok();
}

/* Does some prefix of path lead out of the file (an external link), name
 * something that is not a group, or path itself exist? */
static pario_status check_path(hid_t f, const pario_dataset *ds)
{
    pario_status st = pario_h5_path_local(f, ds->path, ds->dataset, "writes");
    if (pario_failed(&st))
        return st;
    char p[sizeof ds->dataset];
    snprintf(p, sizeof p, "%s", ds->dataset);
    for (char *s = strchr(p + 1, '/');; s = strchr(s + 1, '/')) {
        if (s)
            *s = 0;
        htri_t e = H5Lexists(f, p, H5P_DEFAULT);
        if (e > 0 && !s)
            return pario_error(PARIO_ERR_RUNTIME, "%s: already has '%s' (pario adds datasets to a file, it does not "
                               "replace them: write another name, or delete it with h5py first)", ds->path, p);
        if (e > 0) {
            hid_t o = H5Oopen(f, p, H5P_DEFAULT);
            int group = o >= 0 && H5Iget_type(o) == H5I_GROUP;
            if (o >= 0)
                H5Oclose(o);
            if (!group)
                return pario_error(PARIO_ERR_RUNTIME, "%s: '%s' is not a group", ds->path, p);
        }
        if (e <= 0 || !s)
            return pario_ok();
        *s = '/';
    }
}

pario_status pario_sink_h5_create(const pario_dataset *ds, const char *tmp, const struct pario_sink_meta *meta,
                                  uint64_t *offset)
{
    *offset = 0;
    struct stat sb;
    int exists = !meta->fresh && stat(ds->path, &sb) == 0;
    pario_status st = pario_ok();
    if (exists && (!S_ISREG(sb.st_mode) || pario_source_sniff(ds->path) != PARIO_SOURCE_HDF5))
        return pario_error(PARIO_ERR_RUNTIME, "%s: exists and is not an HDF5 file (pario adds datasets to an HDF5 "
                           "file; remove it or name another)", ds->path);
    if (exists) {
        st = copy_file(ds->path, tmp, ds->path);
        if (pario_failed(&st))
            return st;
    }
    hid_t f = -1, lcpl = -1, dcpl = -1, space = -1, d = -1;
    H5E_BEGIN_TRY {
        f = exists ? H5Fopen(tmp, H5F_ACC_RDWR, H5P_DEFAULT) : H5Fcreate(tmp, H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
        if (f < 0)
            st = pario_h5_error(exists ? "cannot open to add a dataset" : "cannot create", ds->path);
        if (!pario_failed(&st))
            st = check_path(f, ds);
        if (!pario_failed(&st)) {
            hsize_t dims[2] = { ds->ndims == 2 ? ds->shape[0] : ds->nelems, ds->shape[1] };
            lcpl = H5Pcreate(H5P_LINK_CREATE);
            dcpl = H5Pcreate(H5P_DATASET_CREATE);
            space = H5Screate_simple(ds->ndims == 2 ? 2 : 1, dims, NULL);
            if (lcpl < 0 || dcpl < 0 || space < 0 || H5Pset_create_intermediate_group(lcpl, 1) < 0 ||
                H5Pset_layout(dcpl, H5D_CONTIGUOUS) < 0 || H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY) < 0 ||
                H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) < 0 ||
                (d = H5Dcreate2(f, ds->dataset, pario_sink_h5_type(ds), space, lcpl, dcpl, H5P_DEFAULT)) < 0)
                st = pario_h5_error("cannot create the dataset", ds->path);
        }
        if (!pario_failed(&st) && (pario_sink_h5_attrs(d, meta) < 0 || (meta->part && !put_part_attrs(d, ds, meta->part))))
            st = pario_h5_error("cannot write the attributes", ds->path);
        int fault = pario_failed(&st) ? 0 : pario_fault(PARIO_FAULT_H5WRITE);
        if (fault)
            st = pario_sys_error(fault, "cannot create the dataset", ds->path);
        if (!pario_failed(&st)) {
            haddr_t a = H5Dget_offset(d);
            if (a == HADDR_UNDEF && ds->nelems)
                st = pario_error(PARIO_ERR_RUNTIME, "%s: internal error: the dataset has no address", ds->path);
            *offset = a == HADDR_UNDEF ? 0 : (uint64_t)a;
        }
        if (d >= 0)
            H5Dclose(d);
        if (space >= 0)
            H5Sclose(space);
        if (dcpl >= 0)
            H5Pclose(dcpl);
        if (lcpl >= 0)
            H5Pclose(lcpl);
        if (f >= 0 && H5Fclose(f) < 0 && !pario_failed(&st))
            st = pario_h5_error("cannot close", ds->path);
    } H5E_END_TRY;
    if (pario_failed(&st))
        remove(tmp);
    return st;
}

pario_status pario_sink_h5_prepare(const pario_dataset *ds, const char *tmp, int exists)
{
    struct stat sb;
    if (!exists)
        return pario_ok();
    if (stat(ds->path, &sb) != 0 || !S_ISREG(sb.st_mode) || pario_source_sniff(ds->path) != PARIO_SOURCE_HDF5)
        return pario_error(PARIO_ERR_RUNTIME, "%s: exists and is not an HDF5 file (pario adds datasets to an HDF5 "
                           "file; remove it or name another)", ds->path);
    pario_status st = pario_ok();
    hid_t f = -1;
    H5E_BEGIN_TRY {
        f = H5Fopen(ds->path, H5F_ACC_RDONLY, H5P_DEFAULT);
        st = f < 0 ? pario_h5_error("cannot open to add a dataset", ds->path) : check_path(f, ds);
        if (f >= 0)
            H5Fclose(f);
    } H5E_END_TRY;
    if (!pario_failed(&st))
        st = copy_file(ds->path, tmp, ds->path);
    return st;
}
