/* The writer's HDF5 path: a chunked output (--chunk-shape, --gzip) cannot be
 * written at a byte offset, so rank 0 copies an existing FILE to the temporary name
 * (the dataset is added to what it holds), every rank opens that with the MPI-IO
 * driver and collective metadata, the dataset is created collectively (chunked,
 * shuffle + deflate with --gzip; parallel HDF5 allocates its space at creation),
 * and each step's elements are one collective H5Dwrite of a hyperslab union, in
 * the stored byte order (the writer has already swapped them: no conversion, which
 * would make HDF5 give up collective I/O, required for filtered writes).
 * A disk that fills under parallel HDF5 leaves its ranks in different
 * collectives of H5Fclose (a hang), so rank 0 reserves the space every chunk
 * can take first (fallocate, FALLOC_FL_KEEP_SIZE; released at the end), and a
 * disk without that room fails the run before anything is written. */
#define _GNU_SOURCE /* fallocate */
#include "config.h"
#include "pario/io.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <hdf5.h>
#include "pario/fileutil.h"
#include "pario/opts.h"
#include "h5err.h"
#include "io_internal.h"
#include "sink.h"
#include "source.h"
#include "fault.h"

struct pario_h5write {
    hid_t file, dset, space, type, dxpl;
    int fd; /* rank 0: the temporary file, holding the reservation; else -1 */
};

/* Rank 0: room for every chunk at its full size (edge chunks too), 1/64 more
 * for deflate's worst case, the chunk index and 64 KiB of metadata, beyond
 * what the file holds now. A file system that cannot reserve goes without. */
static pario_status reserve(pario_writer *w, struct pario_h5write *h)
{
    const pario_dataset *ds = w->ds;
    const pario_io_opts *o = &w->opts;
    int two = ds->ndims == 2;
    uint64_t d0 = two ? ds->shape[0] : ds->nelems, d1 = two ? ds->shape[1] : 1;
    uint64_t c0 = o->out_chunk[0] ? o->out_chunk[0] : 1, c1 = two && o->out_chunk[1] ? o->out_chunk[1] : 1;
    uint64_t n = ((d0 + c0 - 1) / c0) * ((d1 + c1 - 1) / c1), cb = c0 * c1 * w->view->esize;
    uint64_t want = n * cb + (o->out_gzip >= 0 ? n * cb / 64 + n * 16 : 0) + n * 96 + (64u << 10);
    int fd = open(w->tmp_path, O_RDWR | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        pario_status st = pario_sys_error(errno, "cannot reserve room for the HDF5 output", w->final_path);
        if (fd >= 0)
            close(fd);
        return st;
    }
    if (fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, (off_t)((uint64_t)sb.st_size + want)) != 0 && errno != EOPNOTSUPP &&
        errno != ENOSYS) {
        pario_status st = pario_sys_error(errno, "cannot reserve room for the HDF5 output", w->final_path);
        close(fd);
        return st;
    }
    h->fd = fd;
    return pario_ok();
}

/* Rank 0, after the file's close: give back what the reservation put beyond
 * the end (the size is HDF5's). */
static void release(int fd)
{
    struct stat sb;
    if (fd < 0)
        return;
    if (fstat(fd, &sb) == 0)
        (void)ftruncate(fd, sb.st_size);
    close(fd);
}

pario_status pario_io_parse_chunk_shape(const char *arg, pario_io_opts *o)
{
    char buf[96], *a, *b;
    uint64_t d[2] = { 0, 0 };
    int nd = 1;
    pario_status st;
    if (pario_split_pair(arg, ',', buf, sizeof buf, &a, &b)) {
        nd = 2;
        st = pario_parse_size(a, &d[0]);
        if (!pario_failed(&st))
            st = pario_parse_size(b, &d[1]);
    } else {
        st = pario_parse_size(arg, &d[0]);
        d[1] = 1;
    }
    if (pario_failed(&st) || !d[0] || !d[1] || d[0] > UINT32_MAX || d[1] > UINT32_MAX)
        return pario_error(PARIO_ERR_USAGE, "--chunk-shape '%s': expected N or R,C (positive, under 2^32)", arg);
    o->out_chunk_ndims = nd;
    o->out_chunk[0] = d[0];
    o->out_chunk[1] = d[1];
    return pario_ok();
}

pario_status pario_io_parse_gzip(const char *arg, pario_io_opts *o)
{
    if (strlen(arg) != 1 || arg[0] < '0' || arg[0] > '9')
        return pario_error(PARIO_ERR_USAGE, "--gzip '%s': expected a level from 0 to 9", arg);
    o->out_gzip = arg[0] - '0';
    return pario_ok();
}

pario_status pario_io_out_check(pario_io_opts *o, const pario_dataset *out)
{
    int chunked = o->out_chunk_ndims || o->out_gzip >= 0;
    if (!chunked)
        return pario_ok();
    if (out->format != PARIO_SOURCE_HDF5)
        return pario_error(PARIO_ERR_USAGE, "%s: --chunk-shape and --gzip apply to HDF5 outputs (FILE.h5:/dset)",
                           out->path);
    int nd = out->ndims == 2 ? 2 : 1;
    uint64_t dims[2] = { nd == 2 ? out->shape[0] : out->nelems, nd == 2 ? out->shape[1] : 1 };
    if (o->out_chunk_ndims && o->out_chunk_ndims != nd)
        return pario_error(PARIO_ERR_USAGE, "--chunk-shape has %d dimension(s), the output %s has %d",
                           o->out_chunk_ndims, out->path, nd);
    if (!o->out_chunk_ndims) {
        /* about 1 MiB of whole rows, or of one row; no more than a step (--chunk)
         * holds: a step writes the chunks it touches whole, and a filtered chunk
         * written in 16 steps was inflated and deflated 16 times (--gzip 1 with
         * --chunk 64Ki: 10x slower than with 1 MiB steps) */
        uint64_t bytes = (uint64_t)1 << 20;
        if (o->chunk_bytes && o->chunk_bytes < bytes)
            bytes = o->chunk_bytes < (64u << 10) ? 64u << 10 : o->chunk_bytes; /* not millions of chunks */
        uint64_t per = bytes / pario_dtype_size(out->dtype);
        if (!per)
            per = 1;
        o->out_chunk_ndims = nd;
        o->out_chunk[1] = nd == 2 ? (dims[1] < per ? dims[1] : per) : 1;
        o->out_chunk[0] = per / (o->out_chunk[1] ? o->out_chunk[1] : 1);
    }
    for (int i = 0; i < nd; i++) { /* HDF5: a chunk no larger than a fixed dimension */
        if (o->out_chunk[i] > dims[i] && dims[i])
            o->out_chunk[i] = dims[i];
        if (!o->out_chunk[i])
            o->out_chunk[i] = 1;
    }
    return pario_ok();
}

static void free_h5(struct pario_h5write *h)
{
    pario_h5_close(h->dxpl, h->type, h->space, h->dset, h->file);
    release(h->fd);
    free(h);
}

pario_status pario_h5write_open(pario_writer *w)
{
    const pario_dataset *ds = w->ds;
    const pario_io_opts *o = &w->opts;
    int rank;
    MPI_Comm_rank(w->comm, &rank);
    struct stat sb;
    int exists = 0;
    pario_status st = pario_ok();
    if (rank == 0) {
        exists = stat(ds->path, &sb) == 0;
        st = pario_sink_h5_prepare(ds, w->tmp_path, exists);
    }
    MPI_Bcast(&exists, 1, MPI_INT, 0, w->comm);
    if (pario_agree(&st, w->comm))
        return st;
    struct pario_h5write *h = calloc(1, sizeof *h);
    if (!h)
        st = pario_local_error("out of memory");
    else
        h->file = h->dset = h->space = h->type = h->dxpl = -1, h->fd = -1;
    hid_t fapl = -1, lcpl = -1, dcpl = -1, f = -1;
    char dist[64];
    pario_dist_format(&w->view->dist, dist, sizeof dist);
    H5E_BEGIN_TRY {
        fapl = H5Pcreate(H5P_FILE_ACCESS);
        if (!pario_failed(&st) && (fapl < 0 || H5Pset_fapl_mpio(fapl, w->comm, o->info) < 0 ||
                                   H5Pset_all_coll_metadata_ops(fapl, 1) < 0 || H5Pset_coll_metadata_write(fapl, 1) < 0))
            st = pario_h5_error("cannot set up parallel HDF5", ds->path);
    } H5E_END_TRY;
    /* the collective open and create: every rank, or none */
    if (!pario_agree(&st, w->comm)) {
        H5E_BEGIN_TRY {
            char mname[PARIO_PATH_MAX + 40];
            const char *tmp = pario_mpi_path(w->tmp_path, mname, sizeof mname);
            f = exists ? H5Fopen(tmp, H5F_ACC_RDWR, fapl) : H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
            h->file = f;
            if (f < 0)
                st = pario_h5_error(exists ? "cannot open to add a dataset" : "cannot create", ds->path);
        } H5E_END_TRY;
    }
    /* the room for the data, before the dataset's creation allocates it */
    if (!pario_agree(&st, w->comm) && rank == 0)
        st = reserve(w, h);
    if (!pario_agree(&st, w->comm)) {
        H5E_BEGIN_TRY {
            int nd = ds->ndims == 2 ? 2 : 1;
            hsize_t dims[2] = { nd == 2 ? ds->shape[0] : ds->nelems, ds->shape[1] };
            hsize_t maxd[2] = { dims[0] ? dims[0] : H5S_UNLIMITED, dims[1] ? dims[1] : H5S_UNLIMITED };
            hsize_t chunk[2] = { o->out_chunk[0], o->out_chunk[1] };
            lcpl = H5Pcreate(H5P_LINK_CREATE);
            dcpl = H5Pcreate(H5P_DATASET_CREATE);
            h->space = H5Screate_simple(nd, dims, maxd);
            h->type = H5Tcopy(pario_sink_h5_type(ds));
            if (lcpl < 0 || dcpl < 0 || h->space < 0 || h->type < 0 || H5Pset_create_intermediate_group(lcpl, 1) < 0 ||
                H5Pset_chunk(dcpl, nd, chunk) < 0 ||
                (o->out_gzip >= 0 && (H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, (unsigned)o->out_gzip) < 0)) ||
                (o->out_gzip < 0 && H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) < 0) ||
                (h->dset = H5Dcreate2(f, ds->dataset, h->type, h->space, lcpl, dcpl, H5P_DEFAULT)) < 0)
                st = pario_h5_error("cannot create the dataset", ds->path);
            struct pario_sink_meta meta = { o->tool, o->source, dist, NULL, 0 };
            if (!pario_failed(&st) && pario_sink_h5_attrs(h->dset, &meta) < 0)
                st = pario_h5_error("cannot write the attributes", ds->path);
            h->dxpl = H5Pcreate(H5P_DATASET_XFER);
            if (!pario_failed(&st) && (h->dxpl < 0 || H5Pset_dxpl_mpio(h->dxpl, H5FD_MPIO_COLLECTIVE) < 0))
                st = pario_h5_error("cannot set up the transfer", ds->path);
        } H5E_END_TRY;
    }
    H5E_BEGIN_TRY {
        if (dcpl >= 0)
            H5Pclose(dcpl);
        if (lcpl >= 0)
            H5Pclose(lcpl);
        if (fapl >= 0)
            H5Pclose(fapl);
    } H5E_END_TRY;
    if (pario_agree(&st, w->comm)) {
        if (h) {
            H5E_BEGIN_TRY { free_h5(h); } H5E_END_TRY;
        }
        if (rank == 0)
            remove(w->tmp_path);
        return st;
    }
    w->h5 = h;
    return pario_ok();
}

pario_status pario_h5write_at(pario_writer *w, uint64_t start, uint64_t n, const void *buf)
{
    struct pario_h5write *h = w->h5;
    pario_status st = pario_ok();
    double t0 = MPI_Wtime();
    H5E_BEGIN_TRY {
        hsize_t mn = n ? n : 1;
        hid_t mem = H5Screate_simple(1, &mn, NULL);
        if (mem >= 0 && n == 0)
            H5Sselect_none(mem);
        if (pario_h5_select(h->space, w->view, w->ds, start, n) < 0 || mem < 0)
            st = pario_h5_error("cannot select the elements to write", w->final_path);
        /* collective: every rank writes, an empty selection if it must */
        if (H5Dwrite(h->dset, h->type, mem, h->space, h->dxpl, buf) < 0 && !pario_failed(&st))
            st = pario_h5_error("write", w->final_path);
        if (mem >= 0)
            H5Sclose(mem);
    } H5E_END_TRY;
    w->io_seconds += MPI_Wtime() - t0;
    int fault = pario_fault(PARIO_FAULT_H5WRITE);
    if (!fault)
        fault = pario_fault(PARIO_FAULT_WRITE);
    if (fault && !pario_failed(&st))
        st = pario_sys_error(fault, "write", w->final_path);
    if (!pario_failed(&st))
        w->bytes += n * w->view->esize;
    return st;
}

pario_status pario_h5write_close(pario_writer *w)
{
    struct pario_h5write *h = w->h5;
    pario_status st = pario_ok();
    if (!h)
        return st;
    H5E_BEGIN_TRY {
        hid_t f = h->file;
        int fd = h->fd;
        h->file = -1;
        h->fd = -1;
        if (h->dset >= 0 && H5Dclose(h->dset) < 0)
            st = pario_h5_error("cannot close", w->final_path);
        h->dset = -1;
        free_h5(h);
        if (f >= 0 && H5Fclose(f) < 0 && !pario_failed(&st))
            st = pario_h5_error("cannot close", w->final_path);
        release(fd);
    } H5E_END_TRY;
    w->h5 = NULL;
    return st;
}
