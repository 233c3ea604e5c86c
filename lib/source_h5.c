/* The HDF5 source: an integer or float dataset of 1 or 2 dimensions. Every rank
 * opens the file once, collectively, with collective metadata reads, to find the
 * type, the shape, the layout and (contiguous) the data's byte address
 * (H5Dget_offset); the open file is kept for the reader, which reads contiguous
 * data through its MPI-IO handle like a raw file, and chunked or compact data
 * with H5Dread. */
#include "config.h"
#include <math.h>
#include "pario/io.h"
#include <stdio.h>
#include <string.h>
#include <hdf5.h>
#include "h5err.h"
#include "source.h"

static const char *class_name(H5T_class_t c)
{
    switch (c) {
    case H5T_INTEGER: return "integer";
    case H5T_FLOAT: return "float";
    case H5T_TIME: return "time";
    case H5T_STRING: return "string";
    case H5T_BITFIELD: return "bitfield";
    case H5T_OPAQUE: return "opaque";
    case H5T_COMPOUND: return "compound";
    case H5T_REFERENCE: return "reference";
    case H5T_ENUM: return "enum";
    case H5T_VLEN: return "variable-length";
    case H5T_ARRAY: return "array";
    default: return "unknown";
    }
}

/* The type, or a status naming what it is. */
static pario_status map_type(pario_dataset *ds, hid_t type)
{
    H5T_class_t cls = H5Tget_class(type);
    size_t size = H5Tget_size(type);
    const char *where = ds->path;
    /* h5py stores complex numbers as a compound of two floats named r and i */
    int complex = cls == H5T_COMPOUND && H5Tget_nmembers(type) == 2 &&
                  H5Tget_member_class(type, 0) == H5T_FLOAT && H5Tget_member_class(type, 1) == H5T_FLOAT;
    if (cls != H5T_INTEGER && cls != H5T_FLOAT)
        return pario_error(PARIO_ERR_RUNTIME, "%s:%s: %s datasets are not supported (pario reads integers and floats: %s)",
                           where, ds->dataset, complex ? "complex (a compound of two floats)" : class_name(cls),
                           pario_dtype_names());
    int k = -1;
    if (cls == H5T_INTEGER) {
        int sgn = H5Tget_sign(type) == H5T_SGN_2;
        k = size == 1 ? (sgn ? PARIO_INT8 : PARIO_UINT8) : size == 2 ? (sgn ? PARIO_INT16 : PARIO_UINT16)
          : size == 4 ? (sgn ? PARIO_INT32 : PARIO_UINT32) : size == 8 ? (sgn ? PARIO_INT64 : PARIO_UINT64) : -1;
    } else if (H5Tequal(type, H5T_IEEE_F32LE) > 0 || H5Tequal(type, H5T_IEEE_F32BE) > 0) {
        k = PARIO_FLOAT32;
    } else if (H5Tequal(type, H5T_IEEE_F64LE) > 0 || H5Tequal(type, H5T_IEEE_F64BE) > 0) {
        k = PARIO_FLOAT64;
    }
    if (k < 0)
        return pario_error(PARIO_ERR_RUNTIME, "%s:%s: %zu-byte %s type is not supported (pario reads %s)", where,
                           ds->dataset, size, class_name(cls), pario_dtype_names());
    /* an integer of fewer significant bits than its bytes (H5Tset_precision,
     * offset, padding): its bytes are not the value, which pario reads as
     * stored (a 12-bit int32 summed to 1433250 where h5py reads -350) */
    if (cls == H5T_INTEGER && (H5Tget_precision(type) != 8 * size || H5Tget_offset(type) != 0))
        return pario_error(PARIO_ERR_RUNTIME,
                           "%s:%s: a %zu-byte integer type of %zu significant bits at bit offset %d is not supported "
                           "(pario reads every bit of the bytes stored; convert it with h5py or h5repack first)",
                           where, ds->dataset, size, H5Tget_precision(type), H5Tget_offset(type));
    H5T_order_t order = H5Tget_order(type);
    if (size > 1 && order != H5T_ORDER_LE && order != H5T_ORDER_BE)
        return pario_error(PARIO_ERR_RUNTIME, "%s:%s: byte order of the type is neither little- nor big-endian",
                           where, ds->dataset);
    ds->dtype = (pario_dtype)k;
    ds->big_endian = size > 1 && order == H5T_ORDER_BE;
    return pario_ok();
}

/* A chunked or compact dataset: read through HDF5. Its chunk shape and filters
 * (each one available in this HDF5, or a status naming it). */
static pario_status describe_storage(pario_dataset *ds, hid_t dcpl, H5D_layout_t layout)
{
    ds->format = PARIO_SOURCE_HDF5;
    ds->offset = 0;
    ds->h5_layout = layout == H5D_CHUNKED ? PARIO_H5_CHUNKED : PARIO_H5_COMPACT;
    if (layout == H5D_CHUNKED) {
        hsize_t c[H5S_MAX_RANK];
        int nd = H5Pget_chunk(dcpl, H5S_MAX_RANK, c);
        if (nd < 1 || nd > 2)
            return pario_h5_error("cannot read the chunk shape", ds->path);
        ds->h5_chunk_ndims = nd;
        ds->h5_chunk[0] = c[0];
        ds->h5_chunk[1] = nd == 2 ? c[1] : 1;
    }
    int nf = H5Pget_nfilters(dcpl);
    size_t used = 0;
    ds->h5_filters[0] = 0;
    for (int i = 0; i < nf; i++) {
        unsigned flags, cd[8];
        size_t ncd = 8;
        char name[64] = "";
        H5Z_filter_t id = H5Pget_filter2(dcpl, (unsigned)i, &flags, &ncd, cd, sizeof name, name, NULL);
        if (id < 0)
            return pario_h5_error("cannot read the filters", ds->path);
        if (H5Zfilter_avail(id) <= 0)
            return pario_error(PARIO_ERR_RUNTIME, "%s:%s: filter %d (%s) is not available in this HDF5 library",
                               ds->path, ds->dataset, (int)id, name[0] ? name : "unnamed");
        char one[64];
        if (id == H5Z_FILTER_DEFLATE)
            snprintf(one, sizeof one, "gzip(%u)", ncd ? cd[0] : 0);
        else if (id == H5Z_FILTER_SHUFFLE)
            snprintf(one, sizeof one, "shuffle");
        else if (id == H5Z_FILTER_FLETCHER32)
            snprintf(one, sizeof one, "fletcher32");
        else
            snprintf(one, sizeof one, "%s", name[0] ? name : "filter");
        int n = snprintf(ds->h5_filters + used, sizeof ds->h5_filters - used, "%s%s", used ? ", " : "", one);
        if (n > 0 && used + (size_t)n < sizeof ds->h5_filters)
            used += (size_t)n;
    }
    return pario_ok();
}

static pario_status inspect(pario_dataset *ds, hid_t d, uint64_t file_size)
{
    pario_status st = pario_ok();
    hid_t type = H5Dget_type(d), space = H5Dget_space(d), dcpl = H5Dget_create_plist(d);
    if (type < 0 || space < 0 || dcpl < 0) {
        st = pario_h5_error("cannot read the dataset's header", ds->path);
        goto out;
    }
    st = map_type(ds, type);
    if (pario_failed(&st))
        goto out;
    int nd = H5Sget_simple_extent_ndims(space);
    hsize_t dims[H5S_MAX_RANK];
    if (nd < 0 || H5Sget_simple_extent_type(space) == H5S_NULL) {
        st = pario_error(PARIO_ERR_RUNTIME, "%s:%s: dataset has no dataspace", ds->path, ds->dataset);
        goto out;
    }
    if (nd > 2) {
        st = pario_error(PARIO_ERR_RUNTIME, "%s:%s: %d-dimensional dataset (pario reads 1-D and 2-D)", ds->path,
                         ds->dataset, nd);
        goto out;
    }
    H5Sget_simple_extent_dims(space, dims, NULL);
    uint64_t u[2] = { nd ? dims[0] : 1, nd == 2 ? dims[1] : 1 };
    if (!pario_dataset_set_shape(ds, nd ? nd : 1, u)) {
        st = pario_error(PARIO_ERR_RUNTIME, "%s:%s: too many elements", ds->path, ds->dataset);
        goto out;
    }
    H5D_layout_t layout = H5Pget_layout(dcpl);
    if (layout != H5D_CONTIGUOUS && layout != H5D_CHUNKED && layout != H5D_COMPACT) {
        st = pario_error(PARIO_ERR_RUNTIME, "%s:%s: %s datasets are not read (h5repack -l CONTI makes a contiguous "
                         "copy)", ds->path, ds->dataset, layout == H5D_VIRTUAL ? "virtual" : "this layout of");
        goto out;
    }
    if (layout != H5D_CONTIGUOUS) {
        st = describe_storage(ds, dcpl, layout);
        /* some chunks never written: HDF5 1.10's collective read takes their
         * undefined address (MPI errors, or ranks left waiting): io_read_h5.c
         * reads such a dataset independently */
        /* (counted: H5Dget_space_status says "partly" for a dataset whose
         * edge chunks overhang its shape, every chunk written) */
        hsize_t nalloc = 0;
        if (layout == H5D_CHUNKED && H5Dget_num_chunks(d, space, &nalloc) >= 0) {   /* (H5S_ALL: refused) */
            uint64_t total = 1;
            for (int i = 0; i < ds->ndims && i < ds->h5_chunk_ndims; i++)
                total *= ds->h5_chunk[i] ? (ds->shape[i] + ds->h5_chunk[i] - 1) / ds->h5_chunk[i] : 1;
            ds->h5_partial = (uint64_t)nalloc < total;
        }
        goto out;
    }
    if (H5Pget_external_count(dcpl) > 0) {
        st = pario_error(PARIO_ERR_RUNTIME, "%s:%s: dataset stored in external files is not supported", ds->path,
                         ds->dataset);
        goto out;
    }
    haddr_t off = H5Dget_offset(d);
    /* unallocated: HADDR_UNDEF, or with a userblock HADDR_UNDEF plus its size
     * (wrapped: 511 for 512 bytes, and the superblock's bytes were read as data) */
    H5D_space_status_t alloc = H5D_SPACE_STATUS_ERROR;
    if (H5Dget_space_status(d, &alloc) >= 0 && alloc == H5D_SPACE_STATUS_NOT_ALLOCATED)
        off = HADDR_UNDEF;
    if (off == HADDR_UNDEF) {
        if (ds->nelems) {
            st = pario_error(PARIO_ERR_RUNTIME, "%s:%s: dataset has no storage allocated (never written)", ds->path,
                             ds->dataset);
            goto out;
        }
        off = 0;
    }
    ds->offset = (uint64_t)off;
    ds->format = PARIO_SOURCE_HDF5;
    if (ds->offset > file_size || pario_dataset_bytes(ds) > file_size - ds->offset)
        st = pario_error(PARIO_ERR_RUNTIME, "%s:%s: the file (%llu bytes) is shorter than the dataset's data "
                         "(%llu bytes at byte %llu)", ds->path, ds->dataset, (unsigned long long)file_size,
                         (unsigned long long)pario_dataset_bytes(ds), (unsigned long long)ds->offset);
out:
    if (type >= 0)
        H5Tclose(type);
    if (space >= 0)
        H5Sclose(space);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    return st;
}

/* The file and dataset the collective inspection left open, for the reader of the
 * same dataset on the same ranks to take: one open of the file per run. */
static struct {
    int used;
    char path[PARIO_PATH_MAX];
    char dataset[1024];
    MPI_Comm comm; /* a duplicate of the inspecting communicator */
    hid_t file, dset;
} kept;

static int same_ranks(MPI_Comm a, MPI_Comm b)
{
    int cmp = MPI_UNEQUAL;
    MPI_Comm_compare(a, b, &cmp);
    return cmp == MPI_IDENT || cmp == MPI_CONGRUENT;
}

/* Collective over comm: close what an earlier inspection on the same ranks kept
 * and nobody took (a handle kept on other ranks is left to HDF5's close at
 * MPI_Finalize: closing it here would be a collective call they do not make). */
static void release_kept(MPI_Comm comm)
{
    if (!kept.used || !same_ranks(kept.comm, comm))
        return;
    H5E_BEGIN_TRY {
        H5Dclose(kept.dset);
        H5Fclose(kept.file);
    } H5E_END_TRY;
    MPI_Comm_free(&kept.comm);
    kept.used = 0;
}

/* Files taken as MPI-IO handles (pario_source_h5_take_mpi) and still open:
 * the inspection of another dataset of the same file on the same ranks reopens
 * one (H5Freopen shares the open file: no second open of it). An entry whose
 * file was closed by other means is dropped when found (H5Iis_valid). */
#define HELD_MAX 8
static struct {
    int used;
    char path[PARIO_PATH_MAX];
    MPI_Comm comm;
    hid_t file;
} held[HELD_MAX];

static void hold(const char *path, MPI_Comm comm, hid_t file)
{
    for (int i = 0; i < HELD_MAX; i++)
        if (!held[i].used) {
            held[i].used = 1;
            snprintf(held[i].path, sizeof held[i].path, "%s", path);
            MPI_Comm_dup(comm, &held[i].comm);
            held[i].file = file;
            return;
        }
}

static void unhold(int i)
{
    MPI_Comm_free(&held[i].comm);
    held[i].used = 0;
}

/* A new identifier of path's file if it is held open on these ranks, else -1. */
static hid_t reopen_held(const char *path, MPI_Comm comm)
{
    hid_t f = -1;
    for (int i = 0; i < HELD_MAX && f < 0; i++) {
        if (!held[i].used)
            continue;
        htri_t valid;
        H5E_BEGIN_TRY { valid = H5Iis_valid(held[i].file); } H5E_END_TRY;
        if (valid <= 0) {
            unhold(i);
            continue;
        }
        if (strcmp(held[i].path, path) == 0 && same_ranks(held[i].comm, comm)) {
            H5E_BEGIN_TRY { f = H5Freopen(held[i].file); } H5E_END_TRY;
        }
    }
    return f;
}

pario_status pario_source_h5_open_coll(pario_dataset *ds, uint64_t file_size, MPI_Comm comm)
{
    if (!ds->dataset[0])
        return pario_error(PARIO_ERR_USAGE, "%s: an HDF5 file: name the dataset as %s:/group/dset or with --dataset",
                           ds->path, ds->path);
    release_kept(comm);
    pario_status st = pario_ok();
    hid_t fapl = -1, f = -1, d = -1;
    H5E_BEGIN_TRY {
        /* every rank opens, collectively, with collective metadata reads: rank 0
         * reads the superblock and object headers and broadcasts them */
        fapl = H5Pcreate(H5P_FILE_ACCESS);
        if (fapl < 0 || H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL) < 0 || H5Pset_all_coll_metadata_ops(fapl, 1) < 0)
            st = pario_h5_error("cannot set up parallel HDF5", ds->path);
        /* the file already open on these ranks for another of its datasets
         * (pario-train's data and labels) is reopened, on every rank or none */
        char mname[PARIO_PATH_MAX + 8];
        f = pario_failed(&st) ? -1 : reopen_held(ds->path, comm);
        int all = f >= 0, mine = all;
        MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_LAND, comm);
        if (f >= 0 && !all) {
            H5Fclose(f);
            f = -1;
        }
        if (f < 0)
            f = pario_failed(&st) ? -1 : H5Fopen(pario_mpi_path(ds->path, mname, sizeof mname), H5F_ACC_RDONLY, fapl);
        if (!pario_failed(&st) && f < 0)
            st = pario_h5_error("cannot open as HDF5", ds->path);
        else if (!pario_failed(&st) && (st = pario_h5_path_local(f, ds->path, ds->dataset, "reads"), pario_failed(&st)))
            ;
        else if (!pario_failed(&st) &&
                 (H5Lexists(f, ds->dataset, H5P_DEFAULT) <= 0 || H5Oexists_by_name(f, ds->dataset, H5P_DEFAULT) <= 0))
            st = pario_error(PARIO_ERR_RUNTIME, "%s: no dataset '%s' in the file", ds->path, ds->dataset);
        else if (!pario_failed(&st) && (d = H5Dopen2(f, ds->dataset, H5P_DEFAULT)) < 0)
            st = pario_error(PARIO_ERR_RUNTIME, "%s: '%s' is not a dataset", ds->path, ds->dataset);
        if (!pario_failed(&st))
            st = inspect(ds, d, file_size);
        if (fapl >= 0)
            H5Pclose(fapl);
    } H5E_END_TRY;
    /* the same metadata on every rank, so the same verdict; agreed all the same */
    if (pario_agree(&st, comm)) {
        H5E_BEGIN_TRY {
            pario_h5_close(-1, -1, -1, d, f);
        } H5E_END_TRY;
        return st;
    }
    kept.used = 1;
    snprintf(kept.path, sizeof kept.path, "%s", ds->path);
    snprintf(kept.dataset, sizeof kept.dataset, "%s", ds->dataset);
    MPI_Comm_dup(comm, &kept.comm);
    kept.file = f;
    kept.dset = d;
    return st;
}

hid_t pario_source_h5_take(const pario_dataset *ds, MPI_Comm comm, hid_t *dset)
{
    if (!kept.used || strcmp(kept.path, ds->path) != 0 || strcmp(kept.dataset, ds->dataset) != 0 ||
        !same_ranks(kept.comm, comm))
        return -1;
    MPI_Comm_free(&kept.comm);
    kept.used = 0;
    *dset = kept.dset;
    return kept.file;
}

int pario_source_h5_first(const pario_dataset *ds, MPI_Comm comm, double *v)
{
    *v = 0;
    if (!kept.used || strcmp(kept.path, ds->path) != 0 || strcmp(kept.dataset, ds->dataset) != 0 ||
        !same_ranks(kept.comm, comm) || ds->nelems == 0)
        return 0;
    int rank, ok = 0;
    MPI_Comm_rank(comm, &rank);
    /* the first finite of the first (up to) 512 elements in row-major order, as the raw path takes it */
    enum { SCAN = 512 };
    hsize_t k = ds->nelems < SCAN ? ds->nelems : SCAN, at[2 * SCAN];
    double got[SCAN];
    int nd = ds->ndims > 1 ? 2 : 1;
    for (hsize_t i = 0; i < k; i++) {
        if (nd == 2) {
            at[2 * i] = i / ds->shape[1];
            at[2 * i + 1] = i % ds->shape[1];
        } else {
            at[i] = i;
        }
    }
    H5E_BEGIN_TRY {
        hid_t fs = H5Dget_space(kept.dset), ms = H5Screate_simple(1, &k, NULL);
        herr_t e = fs < 0 || ms < 0 ? -1 : rank == 0 ? H5Sselect_elements(fs, H5S_SELECT_SET, (size_t)k, at)
                                                    : H5Sselect_none(fs);
        if (e >= 0 && rank != 0)
            e = H5Sselect_none(ms);
        /* every rank calls (metadata reads are collective); rank 0 alone reads */
        ok = e >= 0 && H5Dread(kept.dset, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, got) >= 0 && rank == 0;
        if (ms >= 0)
            H5Sclose(ms);
        if (fs >= 0)
            H5Sclose(fs);
    } H5E_END_TRY;
    for (hsize_t i = 0; ok && i < k; i++)
        if (isfinite(got[i])) {
            *v = got[i];
            break;
        }
    return ok;
}

pario_status pario_source_h5_take_mpi(const pario_dataset *ds, MPI_Comm comm, MPI_Info info, MPI_File *fh,
                                      int64_t *file)
{
    hid_t d = -1, f = pario_source_h5_take(ds, comm, &d);
    *file = 0;
    if (f < 0)
        return pario_ok();
    void *handle = NULL;
    pario_status st = pario_ok();
    H5E_BEGIN_TRY {
        H5Dclose(d);
        if (H5Fget_vfd_handle(f, H5P_DEFAULT, &handle) < 0 || !handle)
            st = pario_h5_error("cannot get the MPI-IO handle of", ds->path);
    } H5E_END_TRY;
    if (!pario_failed(&st)) {
        *fh = *(MPI_File *)handle;
        *file = (int64_t)f;
        hold(ds->path, comm, f);
        if (info != MPI_INFO_NULL) { /* the hints a reader's own open would have had */
            int err = MPI_File_set_info(*fh, info);
            if (err != MPI_SUCCESS)
                st = pario_mpi_error(err, "setting hints", ds->path);
        }
    }
    return st;
}

void pario_source_h5_close(int64_t file)
{
    for (int i = 0; i < HELD_MAX; i++)
        if (held[i].used && held[i].file == (hid_t)file)
            unhold(i);
    H5E_BEGIN_TRY {
        H5Fclose((hid_t)file);
    } H5E_END_TRY;
}
