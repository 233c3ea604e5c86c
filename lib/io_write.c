#include "config.h"
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pario/fileutil.h"
#include "pario/io.h"
#include "io_internal.h"
#include "lockfile.h"
#include "fault.h"
#include "sink.h"

/* The output's format: rank 0 makes the temporary file's header (.npy) or the
 * whole HDF5 file with the dataset; every rank learns where the data go. */
static pario_status prepare_sink(pario_writer *w, const char *path, MPI_Comm comm)
{
    const pario_dataset *ds = w->ds;
    w->data_offset = ds->offset;
    if (ds->format == PARIO_SOURCE_RAW)
        return pario_ok();
    int rank;
    MPI_Comm_rank(comm, &rank);
    pario_status st = pario_ok();
    uint64_t off = ds->offset;
    if (rank == 0 && ds->format == PARIO_SOURCE_HDF5) {
        w->h5_before = 1;
        w->h5_existed = stat(ds->path, &w->h5_was) == 0;
    }
    if (ds->format == PARIO_SOURCE_HDF5 && w->opts.out_chunk_ndims) {
        w->data_offset = 0; /* chunked: written through HDF5, no offset */
        return pario_h5write_open(w);
    }
    if (rank == 0 && ds->format == PARIO_SOURCE_NPY) {
        st = pario_sink_npy_create(ds, w->tmp_path);
    } else if (rank == 0) {
        char dist[64];
        pario_dist_format(&w->view->dist, dist, sizeof dist);
        struct pario_sink_meta meta = { w->opts.tool, w->opts.source, dist, NULL, 0 };
        st = pario_sink_h5_create(ds, w->tmp_path, &meta, &off);
    }
    (void)path;
    if (pario_agree(&st, comm))
        return st;
    MPI_Bcast(&off, 1, MPI_UINT64_T, 0, comm);
    if (off != ds->offset) {
        w->moved = *w->view; /* the same types, a displacement moved by the header's size */
        w->moved.disp += (MPI_Offset)(off - ds->offset);
        w->view = &w->moved;
    }
    w->data_offset = off;
    return pario_ok();
}

pario_status pario_writer_init(pario_writer *w, const char *path, const pario_dataset *ds,
                               const pario_view *view, const pario_io_opts *o, MPI_Comm comm)
{
    memset(w, 0, sizeof *w);
    w->comm = comm;
    w->ds = ds;
    w->view = view;
    w->opts = *o;
    w->fh = MPI_FILE_NULL;
    w->err = pario_ok();
    w->chunk_elems = pario_io_chunk_elems(o, view->esize);
    w->swap = pario_io_swaps(ds, o);
    snprintf(w->final_path, sizeof w->final_path, "%s", path);
    pario_tmp_path(path, w->tmp_path, sizeof w->tmp_path, comm);
    pario_status st = pario_ok();
    /* the header and the data must end within MPI_Offset: past it the ranks'
     * displacements wrap to negative values on some ranks only, and those fail
     * MPI_File_set_view on their own while the others wait in it (a shared fact:
     * every rank fails here alike) */
    const uint64_t data_bytes = pario_dataset_bytes(ds);
    if (ds->offset > (uint64_t)INT64_MAX || data_bytes > (uint64_t)INT64_MAX - ds->offset)
        st = pario_error(PARIO_ERR_USAGE,
                         "%s: a %llu-byte header and %llu bytes of data end past the largest file offset MPI-IO "
                         "addresses (2^63 - 1 bytes)",
                         path, (unsigned long long)ds->offset, (unsigned long long)data_bytes);
    else if (!(w->buf = pario_alloc_aligned(w->chunk_elems * view->esize)))
        st = pario_local_error("out of memory for a %zu-byte chunk", w->chunk_elems * view->esize);
    if (pario_agree(&st, comm)) {
        free(w->buf);
        w->buf = NULL;
        return st;
    }
    w->nsteps = pario_io_nsteps(view->local_count, w->chunk_elems, comm);
    st = prepare_sink(w, path, comm);
    if (pario_failed(&st)) {
        free(w->buf);
        w->buf = NULL;
        return st;
    }
    view = w->view;
    if (w->h5)
        return pario_ok();
    MPI_Info tuned = pario_io_tuned_info(view, o->info, "romio_cb_write");
    MPI_Info info = tuned != MPI_INFO_NULL ? tuned : o->info;
    st = pario_file_open(comm, w->tmp_path, MPI_MODE_CREATE | MPI_MODE_WRONLY, info, &w->fh);
    if (pario_failed(&st)) {
        /* name the file the user asked for, not our temporary one */
        size_t tl = strlen(w->tmp_path);
        pario_status named;
        if (strncmp(st.msg, w->tmp_path, tl) == 0 && strncmp(st.msg + tl, ": ", 2) == 0)
            named = pario_error(st.code, "%s: %s", path, st.msg + tl + 2);
        else
            named = pario_error(st.code, "%s: cannot create (%s)", path, st.msg);
        named.local = st.local;
        named.rank = st.rank;
        st = named;
        /* the open may have created it on the ranks where it succeeded */
        int rank;
        MPI_Comm_rank(comm, &rank);
        if (rank == 0)
            remove(w->tmp_path);
        if (tuned != MPI_INFO_NULL)
            MPI_Info_free(&tuned);
        free(w->buf);
        w->buf = NULL;
        return st;
    }
    /* Exact size up front: the header reads as zeros, a stale longer file is cut.
     * An HDF5 file made by the sink ends where HDF5 put its last object: never cut. */
    MPI_Offset want = (MPI_Offset)(w->data_offset + pario_dataset_bytes(ds)), have = 0;
    int err = MPI_SUCCESS;
    if (ds->format == PARIO_SOURCE_HDF5)
        err = MPI_File_get_size(w->fh, &have);
    if (err == MPI_SUCCESS && have < want)
        err = MPI_File_set_size(w->fh, want);
    if (err == MPI_SUCCESS)
        err = MPI_File_set_view(w->fh, view->disp, view->etype, view->filetype, "native", info);
    if (tuned != MPI_INFO_NULL)
        MPI_Info_free(&tuned);
    st = err == MPI_SUCCESS ? pario_ok() : pario_mpi_error(err, "preparing the output", path);
    if (pario_agree(&st, comm))
        return pario_writer_finish(w, st, 0);
    if (o->show_hints)
        pario_file_print_hints(w->fh, o->show_hints, comm);
    return pario_ok();
}

/* A write's injected fault: PARIO_FAULT=write, and h5write for an HDF5 output's
 * data (written here, not by H5Dwrite). */
static int write_fault(pario_writer *w)
{
    int fault = pario_fault(PARIO_FAULT_WRITE);
    if (!fault && w->ds->format == PARIO_SOURCE_HDF5)
        fault = pario_fault(PARIO_FAULT_H5WRITE);
    return fault;
}

void *pario_writer_buffer(pario_writer *w, size_t *n, uint64_t *local_start)
{
    uint64_t left = w->view->local_count - w->next_local;
    *n = left < w->chunk_elems ? (size_t)left : w->chunk_elems;
    *local_start = w->next_local;
    return w->buf;
}

int pario_writer_put(pario_writer *w, pario_status *st)
{
    if (!pario_failed(st) && pario_failed(&w->err))
        *st = w->err;
    if (pario_agree(st, w->comm) || w->step >= w->nsteps)
        return 0;
    uint64_t left = w->view->local_count - w->next_local;
    int n = (int)(left < w->chunk_elems ? left : w->chunk_elems);
    if (w->swap && n)
        pario_byteswap(w->buf, (size_t)n, w->view->esize);
    if (w->h5) {
        pario_status ws = pario_h5write_at(w, w->next_local, (uint64_t)n, w->buf);
        if (pario_failed(&ws))
            w->err = ws;
        w->next_local += (uint64_t)n;
        w->step++;
        return 1;
    }
    MPI_Offset off = (MPI_Offset)w->next_local;
    MPI_Status status;
    double t0 = MPI_Wtime();
    int err;
    if (w->opts.independent)
        err = n ? MPI_File_write_at(w->fh, off, w->buf, n, w->view->etype, &status) : MPI_SUCCESS;
    else
        err = MPI_File_write_at_all(w->fh, off, w->buf, n, w->view->etype, &status);
    w->io_seconds += MPI_Wtime() - t0;
    int fault = write_fault(w);
    if (fault && err == MPI_SUCCESS) {
        w->err = pario_sys_error(fault, "write", w->final_path);
    } else if (err != MPI_SUCCESS) {
        w->err = pario_mpi_error(err, "write", w->final_path);
    } else if (n) {
        int got = 0;
        MPI_Get_count(&status, w->view->etype, &got);
        if (got != n)
            w->err = pario_error(PARIO_ERR_RUNTIME, "%s: short write: %d of %d elements", w->final_path, got, n);
    }
    w->next_local += (uint64_t)n;
    w->bytes += (uint64_t)n * w->view->esize;
    w->step++;
    return 1;
}

/* An HDF5 output is a copy of its file (when it existed) with the dataset
 * added, renamed over the file at the end: a change another run made to the
 * file meanwhile (a log created or resumed there, another dataset added)
 * would be lost under it, each run exiting 0 (a hostile-user pass, session
 * 21). So the file must be as it was when this run began (none, or the same
 * inode, size and modification time), and no log writer may hold FILE.lock;
 * else the copy is dropped and the other run's file kept. (The rename
 * follows within microseconds: a change in between is not seen.) */
static pario_status h5_unchanged(const pario_writer *w)
{
    const char *path = w->ds->path;
    struct stat now;
    int exists = stat(path, &now) == 0;
    int same = exists == w->h5_existed &&
               (!exists || (now.st_dev == w->h5_was.st_dev && now.st_ino == w->h5_was.st_ino &&
                            now.st_size == w->h5_was.st_size &&
                            now.st_mtim.tv_sec == w->h5_was.st_mtim.tv_sec &&
                            now.st_mtim.tv_nsec == w->h5_was.st_mtim.tv_nsec));
    char lock[PARIO_PATH_MAX + 8];
    snprintf(lock, sizeof lock, "%s.lock", path);
    if (same && !pario_lockfile_held(lock))
        return pario_ok();
    return pario_error(PARIO_ERR_RUNTIME, "%s: %s by another run while this one wrote %s: left as that run made it, "
                       "without %s (run this one again)", path,
                       !same ? (w->h5_existed ? "changed" : "created") : "being written", w->ds->dataset,
                       w->ds->dataset);
}

pario_status pario_writer_finish(pario_writer *w, pario_status st, int write_desc)
{
    int rank;
    MPI_Comm_rank(w->comm, &rank);
    if (!pario_failed(&st) && pario_failed(&w->err))
        st = w->err;
    if (!pario_failed(&st) && w->step < w->nsteps)
        st = pario_error(PARIO_ERR_RUNTIME, "%s: internal error: output closed before it was complete", w->final_path);
    pario_agree(&st, w->comm);
    if (w->h5) {
        pario_status cs = pario_h5write_close(w);
        if (!pario_failed(&st))
            st = cs;
    }
    if (w->fh != MPI_FILE_NULL) {
        int err = MPI_File_close(&w->fh);
        if (err != MPI_SUCCESS && !pario_failed(&st))
            st = pario_mpi_error(err, "close", w->final_path);
    }
    pario_agree(&st, w->comm);
    if (rank == 0) {
        /* the descriptor whole under its temporary name first: a full disk there
         * leaves the old output (data and descriptor) as it was; then the data
         * takes its name, then the descriptor (two renames, with the signals
         * that end a job held off between them: only a SIGKILL there leaves the
         * new data with the old descriptor, which the sizes tell apart unless
         * the old and new data have the same size) */
        const int desc = write_desc && w->ds->format == PARIO_SOURCE_RAW;
        char dpath[PARIO_PATH_MAX + 8];
        pario_desc_default_path(w->final_path, dpath, sizeof dpath);
        if (!pario_failed(&st) && desc) {
            pario_dataset d = *w->ds;
            snprintf(d.path, sizeof d.path, "%s", w->final_path);
            st = pario_desc_write_tmp(&d, dpath);
        }
        if (!pario_failed(&st) && w->h5_before)
            st = h5_unchanged(w);
        else if (!pario_failed(&st) && !desc)   /* (pario_commit_pair looks for itself) */
            st = pario_lockfile_output_check(w->final_path);
        if (pario_failed(&st)) {
            remove(w->tmp_path);
        } else if (desc) {
            /* the earlier data put back if the descriptor cannot take its name
             * (it removed the new data, and with it the earlier output: a
             * hostile-user pass, session 21) */
            st = pario_commit_pair(w->tmp_path, w->final_path, dpath);
        } else if (pario_rename_over(w->tmp_path, w->final_path) != 0) {
            st = pario_sys_error(errno, "cannot rename into place", w->final_path);
            remove(w->tmp_path);
        }
    }
    pario_agree(&st, w->comm);
    free(w->buf);
    w->buf = NULL;
    return st;
}

static int write_at(MPI_File fh, MPI_Offset off, const void *buf, uint64_t n, MPI_Datatype t, int collective,
                    MPI_Status *s)
{
#ifdef PARIO_HAVE_LARGE_COUNT
    if (collective)
        return MPI_File_write_at_all_c(fh, off, buf, (MPI_Count)n, t, s);
    return n ? MPI_File_write_at_c(fh, off, buf, (MPI_Count)n, t, s) : MPI_SUCCESS;
#else
    if (n > INT_MAX)
        return MPI_ERR_COUNT;
    if (collective)
        return MPI_File_write_at_all(fh, off, buf, (int)n, t, s);
    return n ? MPI_File_write_at(fh, off, buf, (int)n, t, s) : MPI_SUCCESS;
#endif
}

pario_status pario_writer_write_at(pario_writer *w, uint64_t start, uint64_t n, void *buf)
{
    w->step = w->nsteps; /* the caller chooses the windows and answers for completeness */
    if (w->swap && n)
        pario_byteswap(buf, n, w->view->esize);
    if (w->h5)
        return pario_h5write_at(w, start, n, buf);
    MPI_Status status;
    double t0 = MPI_Wtime();
    int err = write_at(w->fh, (MPI_Offset)start, buf, n, w->view->etype, !w->opts.independent, &status);
    w->io_seconds += MPI_Wtime() - t0;
    int fault = write_fault(w);
    if (fault && err == MPI_SUCCESS)
        return pario_sys_error(fault, "write", w->final_path);
    if (err != MPI_SUCCESS)
        return pario_mpi_error(err, "write", w->final_path);
    if (n) {
        MPI_Count got = pario_status_count(&status, w->view->etype);
        if ((uint64_t)got != n)
            return pario_error(PARIO_ERR_RUNTIME, "%s: short write", w->final_path);
    }
    w->bytes += n * w->view->esize;
    return pario_ok();
}

pario_status pario_writer_put_bytes(pario_writer *w, uint64_t at, const void *buf, size_t n, pario_status st)
{
    if (!pario_failed(&st) && n > INT_MAX)
        st = pario_error(PARIO_ERR_RUNTIME, "%s: internal error: %zu bytes in one header write", w->final_path, n);
    if (pario_agree(&st, w->comm))
        return st;
    int err = MPI_File_set_view(w->fh, 0, MPI_BYTE, MPI_BYTE, "native", MPI_INFO_NULL);
    if (err == MPI_SUCCESS && n) {
        MPI_Status status;
        err = MPI_File_write_at(w->fh, (MPI_Offset)at, buf, (int)n, MPI_BYTE, &status);
        int got = 0;
        if (err == MPI_SUCCESS && (MPI_Get_count(&status, MPI_BYTE, &got), (size_t)got != n))
            st = pario_error(PARIO_ERR_RUNTIME, "%s: short write of the header", w->final_path);
    }
    int err2 = MPI_File_set_view(w->fh, w->view->disp, w->view->etype, w->view->filetype, "native", MPI_INFO_NULL);
    if (err == MPI_SUCCESS)
        err = err2;
    if (err != MPI_SUCCESS && !pario_failed(&st))
        st = pario_mpi_error(err, "write", w->final_path);
    pario_agree(&st, w->comm);
    return st;
}
