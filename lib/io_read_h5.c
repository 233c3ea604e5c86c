/* The reader's HDF5 path: chunked (filtered or not) and compact datasets cannot be
 * read at a byte offset, so each step's local elements become a hyperslab union of
 * the file dataspace and one H5Dread, collective (H5FD_MPIO_COLLECTIVE) unless
 * --independent, on a file opened once by every rank with the MPI-IO driver and
 * collective metadata reads. The default distribution of a chunked dataset deals
 * whole bands of chunk rows round-robin (pario_h5_chunk_band), so each chunk is read
 * and decompressed by one rank; the chunk cache holds one band, so a step that
 * ends inside a band does not decompress it again at the next step. */
#include "config.h"
#include "pario/io.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hdf5.h>
#include "h5err.h"
#include "io_internal.h"
#include "source.h"
#include "fault.h"

struct pario_h5read {
    hid_t file, dset, space, memtype, dxpl;
    int collective; /* 0: --independent, or every chunk belongs to one rank */
    unsigned modes; /* bits: no collective, contiguous collective, chunk collective, chunk independent, mixed */
    unsigned causes; /* H5Pget_mpio_no_collective_cause, global, of every read */
    struct pario_h5direct *direct; /* unfiltered or deflate/shuffle chunks read (and inflated) by pario, or NULL */
    int swap;        /* direct: the stored byte order is not the one asked for */
};

static void free_h5(struct pario_h5read *h)
{
    pario_h5direct_free(h->direct);
    pario_h5_close(h->dxpl, h->memtype, h->space, h->dset, h->file);
    free(h);
}

static hid_t native_type(pario_dtype t)
{
    switch (t) {
    case PARIO_INT8: return H5T_NATIVE_INT8;
    case PARIO_INT16: return H5T_NATIVE_INT16;
    case PARIO_INT32: return H5T_NATIVE_INT32;
    case PARIO_INT64: return H5T_NATIVE_INT64;
    case PARIO_UINT8: return H5T_NATIVE_UINT8;
    case PARIO_UINT16: return H5T_NATIVE_UINT16;
    case PARIO_UINT32: return H5T_NATIVE_UINT32;
    case PARIO_UINT64: return H5T_NATIVE_UINT64;
    case PARIO_FLOAT32: return H5T_NATIVE_FLOAT;
    default: return H5T_NATIVE_DOUBLE;
    }
}

pario_status pario_h5read_open(pario_reader *r)
{
    const pario_dataset *ds = r->ds;
    struct pario_h5read *h = calloc(1, sizeof *h);
    pario_status st = pario_ok();
    hid_t fapl = -1, dapl = -1;
    if (!h)
        st = pario_local_error("out of memory");
    else
        h->file = h->dset = h->space = h->memtype = h->dxpl = -1;
    H5E_BEGIN_TRY {
        if (h) {
            fapl = H5Pcreate(H5P_FILE_ACCESS);
            if (fapl < 0 || H5Pset_fapl_mpio(fapl, r->comm, r->opts.info) < 0 ||
                H5Pset_all_coll_metadata_ops(fapl, 1) < 0 || H5Pset_coll_metadata_write(fapl, 1) < 0)
                st = pario_h5_error("cannot set up parallel HDF5", ds->path);
        }
        /* the file the inspection opened (collectively, with collective metadata
         * reads) when it is there; else every rank opens it (collective), whatever
         * happened above on another rank */
        char mname[PARIO_PATH_MAX + 8];
        hid_t kd = -1, f = pario_source_h5_take(ds, r->comm, &kd);
        if (f >= 0)
            H5Dclose(kd); /* reopened below with the chunk cache */
        else
            f = pario_failed(&st) ? -1 : H5Fopen(pario_mpi_path(ds->path, mname, sizeof mname), H5F_ACC_RDONLY, fapl);
        if (h)
            h->file = f;
        if (!pario_failed(&st) && f < 0)
            st = pario_h5_error("cannot open with parallel HDF5", ds->path);
        if (!pario_failed(&st)) {
            /* the chunk cache holds a band of chunks (what one rank's step may end inside) */
            size_t band = (size_t)pario_h5_chunk_band(ds) * r->view->esize;
            dapl = H5Pcreate(H5P_DATASET_ACCESS);
            if (dapl < 0 || H5Pset_chunk_cache(dapl, 10007, band > (1u << 20) ? band : (1u << 20), 1.0) < 0 ||
                (h->dset = H5Dopen2(f, ds->dataset, dapl)) < 0 || (h->space = H5Dget_space(h->dset)) < 0)
                st = pario_h5_error("cannot open the dataset", ds->path);
        }
        if (!pario_failed(&st)) {
            /* raw: the bytes as stored (the file's type); else host order */
            h->memtype = r->opts.raw ? H5Dget_type(h->dset) : H5Tcopy(native_type(ds->dtype));
            /* When the split follows the chunks (each chunk read by one rank), a
             * collective read has nothing to merge and HDF5's per-chunk collective
             * steps only cost (7x slower in bench/formats.sh): read independently,
             * as pario disables two-phase I/O for contiguous parts. Decided from the
             * distribution, the same on every rank. */
            int follows = pario_view_whole_chunks(r->view, ds);
            h->collective = !r->opts.independent && !follows && ds->h5_layout == PARIO_H5_CHUNKED && !ds->h5_partial;
            /* every chunk read by one rank: pario reads and inflates deflate/shuffle
             * chunks itself (the same on every rank: collective lookups) */
            if (!h->collective && h->dset >= 0 && !getenv("PARIO_H5_PIPELINE"))
                h->direct = pario_h5direct_open(f, h->dset, ds, r->view->esize, !r->opts.no_mmap, r->comm);
            h->swap = pario_io_swaps(ds, &r->opts) && r->view->esize > 1;
            h->dxpl = H5Pcreate(H5P_DATASET_XFER);
            if (h->memtype < 0 || h->dxpl < 0 ||
                H5Pset_dxpl_mpio(h->dxpl, h->collective ? H5FD_MPIO_COLLECTIVE : H5FD_MPIO_INDEPENDENT) < 0)
                st = pario_h5_error("cannot set up the transfer", ds->path);
        }
        if (dapl >= 0)
            H5Pclose(dapl);
        if (fapl >= 0)
            H5Pclose(fapl);
    } H5E_END_TRY;
    if (pario_agree(&st, r->comm)) {
        if (h) {
            H5E_BEGIN_TRY { free_h5(h); } H5E_END_TRY;
        }
        return st;
    }
    r->h5 = h;
    return pario_ok();
}

/* Add global elements [g, g+m) to the selection: a 1-D range, or for 2-D the partial
 * first row, the whole rows and the partial last row. */
static herr_t add_range(hid_t space, int nd, uint64_t cols, uint64_t g, uint64_t m, int *first)
{
    hsize_t start[2], count[2];
    herr_t e = 0;
#define SEL(r0, c0, nr, nc)                                                                          \
    do {                                                                                             \
        start[0] = (r0), start[1] = (c0), count[0] = (nr), count[1] = (nc);                          \
        if (nd == 1)                                                                                 \
            start[0] = (r0) * cols + (c0), count[0] = (nr) * (nc);                                   \
        e = H5Sselect_hyperslab(space, *first ? H5S_SELECT_SET : H5S_SELECT_OR, start, NULL, count, NULL); \
        *first = 0;                                                                                  \
        if (e < 0)                                                                                   \
            return e;                                                                                \
    } while (0)
    if (nd == 1) {
        SEL(0, g, 1, m);
        return 0;
    }
    uint64_t r = g / cols, c = g % cols;
    if (c) {
        uint64_t k = cols - c < m ? cols - c : m;
        SEL(r, c, 1, k);
        m -= k;
        r++;
    }
    if (m >= cols) {
        SEL(r, 0, m / cols, cols);
        r += m / cols;
        m %= cols;
    }
    if (m)
        SEL(r, 0, 1, m);
#undef SEL
    return 0;
}

/* Add nr whole runs of the view, each `run` elements, `stride` apart, the first at
 * global g, as one strided hyperslab where the grid allows (1-D; whole rows; runs
 * inside one row each): OR-ing them one by one cost HDF5 time quadratic in their
 * number (cyclic:2 over 80,000 elements: 8 s a step). 1: not regular in 2-D. */
static herr_t add_runs(hid_t space, int nd, uint64_t cols, uint64_t g, uint64_t run, uint64_t stride, uint64_t nr,
                       int *first)
{
    hsize_t start[2], str[2], count[2], block[2];
    if (nd == 1) {
        start[0] = g, str[0] = stride, count[0] = nr, block[0] = run;
    } else if (g % cols == 0 && run % cols == 0 && stride % cols == 0) {
        start[0] = g / cols, start[1] = 0, str[0] = stride / cols, str[1] = 1;
        count[0] = nr, count[1] = 1, block[0] = run / cols, block[1] = cols;
    } else if (stride % cols == 0 && run <= cols - g % cols) {
        start[0] = g / cols, start[1] = g % cols, str[0] = stride / cols, str[1] = 1;
        count[0] = nr, count[1] = 1, block[0] = 1, block[1] = run;
    } else {
        return 1;
    }
    herr_t e = H5Sselect_hyperslab(space, *first ? H5S_SELECT_SET : H5S_SELECT_OR, start, str, count, block);
    *first = 0;
    return e;
}

herr_t pario_h5_select(hid_t space, const pario_view *v, const pario_dataset *ds, uint64_t start, uint64_t n)
{
    if (n == 0)
        return H5Sselect_none(space);
    const int nd = ds->ndims == 2 ? 2 : 1;
    int first = 1;
    herr_t e = 0;
    uint64_t done = 0;
    /* a partial first run, then the whole runs at once where they are regular */
    if (v->stride && v->run && start % v->run) {
        uint64_t g, run = pario_view_run(v, start, &g);
        uint64_t m = run < n ? run : n;
        e = add_range(space, nd, v->cols, g, m, &first);
        done = m;
    }
    uint64_t nr = v->stride && v->run ? (n - done) / v->run : 0;
    if (e >= 0 && nr > 1) {
        uint64_t g = pario_view_global_index(v, start + done);
        herr_t r = add_runs(space, nd, v->cols, g, v->run, v->stride, nr, &first);
        if (r < 0)
            return r;
        if (r == 0)
            done += nr * v->run;
    }
    while (done < n && e >= 0) {
        uint64_t g, run = pario_view_run(v, start + done, &g);
        uint64_t m = run < n - done ? run : n - done;
        e = add_range(space, nd, v->cols, g, m, &first);
        done += m;
    }
    return e;
}

pario_status pario_h5read_at(pario_reader *r, uint64_t start, uint64_t n, void *buf)
{
    struct pario_h5read *h = r->h5;
    const pario_view *v = r->view;
    const pario_dataset *ds = r->ds;
    pario_status st = pario_ok();
    hid_t mem = -1;
    double t0 = MPI_Wtime();
    if (h->direct && n) {
        /* every rank reads its own steps (io_read.c): no H5Dread on one rank alone,
         * which may read metadata collectively */
        if (!pario_h5direct_read(h->direct, v, start, n, buf)) {
            r->io_seconds += MPI_Wtime() - t0;
            st = pario_h5direct_status(h->direct); /* the map's failure, the file that shrank */
            if (pario_failed(&st))
                return st;
            return pario_local_error("%s: a chunk of %s did not read or inflate (corrupt?)", ds->path, ds->dataset);
        }
        if (h->swap)
            pario_byteswap(buf, (size_t)n, v->esize);
        h->modes |= 32u;
        r->io_seconds += MPI_Wtime() - t0;
        int fault = pario_fault(PARIO_FAULT_READ);
        if (fault)
            return pario_sys_error(fault, "read", ds->path);
        r->bytes += n * v->esize;
        return st;
    }
    H5E_BEGIN_TRY {
        herr_t e = pario_h5_select(h->space, v, ds, start, n);
        hsize_t mn = n ? n : 1;
        mem = H5Screate_simple(1, &mn, NULL);
        if (mem >= 0 && n == 0)
            H5Sselect_none(mem);
        if (e < 0 || mem < 0)
            st = pario_h5_error("cannot select the elements to read", ds->path);
        /* collective: every rank calls H5Dread, with an empty selection if it must */
        if (H5Dread(h->dset, h->memtype, mem, h->space, h->dxpl, buf) < 0 && !pario_failed(&st))
            st = pario_h5_error("read", ds->path);
        H5D_mpio_actual_io_mode_t mode;
        if (n && h->collective && H5Pget_mpio_actual_io_mode(h->dxpl, &mode) >= 0)
            h->modes |= mode == H5D_MPIO_CHUNK_COLLECTIVE ? 4u : mode == H5D_MPIO_CONTIGUOUS_COLLECTIVE ? 2u
                        : mode == H5D_MPIO_CHUNK_MIXED ? 16u : mode == H5D_MPIO_CHUNK_INDEPENDENT ? 8u : 1u;
        uint32_t local_cause = 0, global_cause = 0;
        if (n && h->collective && H5Pget_mpio_no_collective_cause(h->dxpl, &local_cause, &global_cause) >= 0)
            h->causes |= global_cause;
        if (mem >= 0)
            H5Sclose(mem);
    } H5E_END_TRY;
    r->io_seconds += MPI_Wtime() - t0;
    int fault = pario_fault(PARIO_FAULT_READ);
    if (fault && !pario_failed(&st))
        st = pario_sys_error(fault, "read", ds->path);
    if (!pario_failed(&st))
        r->bytes += n * v->esize;
    return st;
}

pario_status pario_h5read_next(pario_reader *r, uint64_t start, size_t *n, const void **data)
{
    struct pario_h5read *h = r->h5;
    *data = r->buf[0];
    if (h->direct && !h->swap && *n) {
        double t0 = MPI_Wtime();
        uint64_t got = 0;
        pario_status st;
        const void *p = pario_h5direct_span(h->direct, r->view, start, *n, &got, &st);
        r->io_seconds += MPI_Wtime() - t0;
        if (pario_failed(&st))
            return st;
        if (p) {
            h->modes |= 32u | 64u;
            *n = (size_t)got;
            *data = p;
            r->bytes += got * r->view->esize;
            return st;
        }
    }
    return pario_h5read_at(r, start, *n, r->buf[0]);
}

pario_status pario_h5read_check(const pario_reader *r)
{
    return r->h5 && r->h5->direct ? pario_h5direct_status(r->h5->direct) : pario_ok();
}

int pario_h5read_mapped(const pario_reader *r)
{
    if (!r->h5 || !pario_h5direct_mapped(r->h5->direct))
        return 0;
    return !r->h5->swap && !r->ds->h5_filters[0] ? 2 : 1;
}

int pario_h5read_direct(const pario_reader *r)
{
    return r->h5 && r->h5->direct;
}

void pario_h5read_close(pario_reader *r)
{
    struct pario_h5read *h = r->h5;
    if (!h)
        return;
    unsigned mine[2] = { h->modes, h->causes }, both[2] = { 0, 0 };
    MPI_Allreduce(mine, both, 2, MPI_UNSIGNED, MPI_BOR, r->comm);
    unsigned all = both[0];
    int rank;
    MPI_Comm_rank(r->comm, &rank);
    if (r->opts.verbose && rank == 0) {
        char modes[256] = "";
        static const char *const name[] = { "no collective (HDF5 fell back to independent reads)",
                                             "contiguous collective", "chunk collective",
                                             "chunk independent (each chunk read by the one rank that needs it)",
                                             "chunk mixed" };
        for (int b = 0; b < 5; b++)
            if (all & (1u << b))
                snprintf(modes + strlen(modes), sizeof modes - strlen(modes), "%s%s", modes[0] ? ", " : "", name[b]);
        static const char *const cause[] = { "independent set",
                                             ("datatype conversion: the stored byte order is not the host's"),
                                             "data transforms", "MPI types disabled",
                                             "dataspace not simple", "layout neither contiguous nor chunked",
                                             "parallel filtered writes disabled", "error while checking" };
        for (int b = 0; b < 8; b++)
            if (both[1] & (1u << b))
                snprintf(modes + strlen(modes), sizeof modes - strlen(modes), "%s%s", b == 0 || !(both[1] & ((1u << b) - 1))
                         ? "; why (H5Pget_mpio_no_collective_cause): " : ", ", cause[b]);
        fprintf(stderr, "%s: %s:%s read through parallel HDF5: %s%s%s\n", r->opts.tool ? r->opts.tool : "pario",
                r->ds->path, r->ds->dataset,
                (all & 64u) ? "chunks taken at their addresses from a memory map of the file, as they are stored, "
                              "with no copy (every chunk is read by one rank; no filters; --no-mmap: MPI-IO)"
                : (all & 32u) && pario_h5direct_mapped(h->direct)
                            ? (r->ds->h5_filters[0] ? "chunks taken at their addresses from a memory map of the file "
                                                      "and inflated by pario (every chunk is read by one rank; "
                                                      "deflate/shuffle only; --no-mmap: MPI-IO)"
                                                    : "chunks taken at their addresses from a memory map of the file "
                                                      "and copied (every chunk is read by one rank; no filters)")
                : (all & 32u) ? (r->ds->h5_filters[0] ? "chunks read with MPI-IO at their addresses and inflated by "
                                                      "pario (every chunk is read by one rank; deflate/shuffle only)"
                                                    : "chunks read with MPI-IO at their addresses, as they are stored "
                                                      "(every chunk is read by one rank; no filters)")
                : r->opts.independent ? "independent transfers (--independent)"
                : r->ds->h5_partial ? "independent transfers (some chunks were never written: HDF5's collective "
                                      "read fails on them)"
                : !h->collective    ? "independent transfers (every chunk is read by one rank: nothing for "
                                      "collective I/O to merge)"
                                    : "collective transfers requested; H5Pget_mpio_actual_io_mode: ",
                h->collective ? (all ? modes : "no data read") : "", "");
    }
    H5E_BEGIN_TRY { free_h5(h); } H5E_END_TRY;
    r->h5 = NULL;
}
