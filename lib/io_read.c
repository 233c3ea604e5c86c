#include "config.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "pario/fileutil.h"
#include "pario/io.h"
#include "io_internal.h"
#include "io_map.h"
#include "source.h"
#include "io_read_exchange.h"
#include "io_read_sieve.h"
#include "io_prefetch.h"
#include "fault.h"
#include "pario/progress.h"

size_t pario_io_chunk_elems(const pario_io_opts *o, size_t esize)
{
    size_t c = (o->chunk_bytes ? o->chunk_bytes : PARIO_DEFAULT_CHUNK) / esize;
    if (c < 1)
        c = 1;
    if (c > (size_t)INT_MAX / 8)
        c = (size_t)INT_MAX / 8;
    return c;
}

uint64_t pario_io_nsteps(uint64_t local_count, size_t chunk, MPI_Comm comm)
{
    return pario_allreduce_u64((local_count + chunk - 1) / chunk, MPI_MAX, comm);
}

static int posted_count(const pario_reader *r, uint64_t start)
{
    uint64_t left = r->view->local_count > start ? r->view->local_count - start : 0;
    return (int)(left < r->chunk_elems ? left : r->chunk_elems);
}

/* The next chunk's read: its offset (in etypes of the view) and count, and the
 * reader moves past it. */
static int plan_read(pario_reader *r, MPI_Offset *off)
{
    int n = posted_count(r, r->next_local);
    *off = (MPI_Offset)r->next_local;
    r->pending_start = r->next_local;
    r->pending_n = (size_t)n;
    r->next_local += (uint64_t)n;
    return n;
}

/* Read the next chunk into buf[slot], blocking. */
static int read_now(pario_reader *r, int slot, MPI_Status *status)
{
    MPI_Offset off;
    int n = plan_read(r, &off);
    MPI_Datatype t = r->view->etype;
    if (r->opts.independent || r->local)
        return n ? MPI_File_read_at(r->fh, off, r->buf[slot], n, t, status) : MPI_SUCCESS;
    return MPI_File_read_at_all(r->fh, off, r->buf[slot], n, t, status);
}

/* Hand the next chunk's read into buf[slot] to the prefetch thread. */
static void read_ahead(pario_reader *r, int slot)
{
    MPI_Offset off;
    int n = plan_read(r, &off);
    pario_prefetch_post(r->pf, r->fh, off, r->buf[slot], n, r->view->etype, !(r->opts.independent || r->local));
    r->inflight = 1;
}

static void check_read(pario_reader *r, int err, MPI_Status *status)
{
    int fault = pario_fault(PARIO_FAULT_READ);
    if (fault && err == MPI_SUCCESS) {
        r->err = pario_sys_error(fault, "read", r->ds->path);
        return;
    }
    if (err != MPI_SUCCESS) {
        r->err = pario_mpi_error(err, "read", r->ds->path);
        return;
    }
    if (r->pending_n == 0)
        return;
    MPI_Count got = pario_status_count(status, r->view->etype);
    if (got != (MPI_Count)r->pending_n)
        r->err = pario_error(PARIO_ERR_RUNTIME, "%s: short read: %lld of %zu elements (file changed?)",
                             r->ds->path, (long long)got, r->pending_n);
}

/* At the end of the reads: was the file cut or rewritten in place while it
 * was read (whatever path the bytes came by)? Once. */
static pario_status end_check(pario_reader *r)
{
    if (r->checked)
        return pario_ok();
    r->checked = 1;
    return pario_stamp_check(&r->stamp, r->ds->path);
}

/* A rank that reads its own part on its own takes it from a memory map where it
 * can (pario_reads_mapped, io_map.c): a contiguous part chunk by chunk, runs of
 * 4 KiB and more (cyclic:1024, cols) run by run, each where it lies in the page
 * cache, with no copy and no pread per piece. */
static int map_wanted(const pario_reader *r, const pario_view *v)
{
    return r->local && r->strategy == PARIO_STRATEGY_VIEW && pario_reads_mapped(r->ds, v, &r->opts, v->nranks);
}

pario_status pario_reader_init(pario_reader *r, const pario_dataset *ds, const pario_view *view,
                               const pario_io_opts *o, MPI_Comm comm)
{
    memset(r, 0, sizeof *r);
    r->comm = comm;
    r->ds = ds;
    r->view = view;
    r->opts = *o;
    r->err = pario_ok();
    r->chunk_elems = pario_io_chunk_elems(o, view->esize);
    r->swap = pario_io_swaps(ds, o);
    pario_stamp_path(&r->stamp, ds->path);
    pario_status st = pario_ok();
    const int via_h5 = ds->format == PARIO_SOURCE_HDF5 && ds->h5_layout != PARIO_H5_CONTIGUOUS;
    for (int i = 0; i < (o->overlap && !via_h5 ? 2 : 1); i++)
        if (!(r->buf[i] = pario_alloc_aligned(r->chunk_elems * view->esize)))
            st = pario_local_error("out of memory for a %zu-byte chunk", r->chunk_elems * view->esize);
    if (pario_agree(&st, comm)) {
        pario_reader_release(r);
        return st;
    }
    if (ds->format == PARIO_SOURCE_HDF5 && ds->h5_layout != PARIO_H5_CONTIGUOUS) {
        /* through HDF5: steps of whole bands of chunks where the band fits a chunk */
        uint64_t band = pario_h5_chunk_band(ds);
        if (band && band <= r->chunk_elems && view->run % band == 0)
            r->chunk_elems = (size_t)(r->chunk_elems / band * band);
        r->strategy = PARIO_STRATEGY_VIEW;
        r->nsteps = pario_io_nsteps(view->local_count, r->chunk_elems, comm);
        r->swap = 0; /* HDF5 converts to host order (or keeps the stored one when raw) */
        st = pario_h5read_open(r);
        if (pario_failed(&st))
            pario_reader_release(r);
        else if (pario_h5read_direct(r)) { /* each rank its own steps, one agreement at the end */
            r->local = 1;
            r->nsteps = (view->local_count + r->chunk_elems - 1) / r->chunk_elems;
            pario_notice_open(&r->notice, comm, 1);
        }
        return st;
    }
    const char *why;
    int nranks;
    MPI_Comm_size(comm, &nranks);
    r->strategy = pario_strategy_choose(view, o, nranks, &why);
    if (r->strategy == PARIO_STRATEGY_EXCHANGE) {
        free(r->buf[0]); /* the exchange holds its own buffers */
        free(r->buf[1]);
        r->buf[0] = r->buf[1] = NULL;
        st = pario_stripe_exchange_open(&r->xr, ds, view, r->chunk_elems, comm);
        if (pario_agree(&st, comm)) {
            pario_reader_release(r);
            return st;
        }
        r->nsteps = pario_stripe_exchange_nsteps(r->xr);
        view = pario_stripe_exchange_view(r->xr);
    }
    if (r->strategy == PARIO_STRATEGY_SIEVE) {
        free(r->buf[0]); /* the sieve holds its own buffers */
        free(r->buf[1]);
        r->buf[0] = r->buf[1] = NULL;
        st = pario_sieve_open(&r->sv, ds, view, r->chunk_elems);
        if (pario_agree(&st, comm)) {
            pario_reader_release(r);
            return st;
        }
        r->local = 1; /* independent reads, one agreement at the end */
        r->nsteps = pario_sieve_nsteps(r->sv);
        view = pario_sieve_view(r->sv);
    }
    MPI_Info tuned = r->strategy == PARIO_STRATEGY_VIEW ? pario_io_tuned_info(view, o->info, "romio_cb_read")
                                                        : MPI_INFO_NULL;
    /* When no read of the loop needs the other ranks (independent reads, one rank,
     * or every part one contiguous run with collective buffering off, which is
     * what ROMIO would do anyway), the loop has no collective at all: each rank
     * reads its own chunks and the ranks agree once, when each is done or has
     * failed. Every input to this choice is shared (options, the distribution),
     * so all ranks choose alike. With more ranks than cores, each collective per
     * chunk cost milliseconds of polling (issue 11, section 3). */
    if (r->strategy == PARIO_STRATEGY_VIEW) {
        r->local = pario_reads_local(view, o, nranks);
        r->nsteps = r->local ? (view->local_count + r->chunk_elems - 1) / r->chunk_elems
                             : pario_io_nsteps(view->local_count, r->chunk_elems, comm);
    }
    MPI_Info info = tuned != MPI_INFO_NULL ? tuned : o->info;
    pario_status mst = pario_ok(); /* this rank's map: agreed with the open's status below */
    if (map_wanted(r, view)) {
        /* windows of pario_map_window_for's size; if the map fails, MPI-IO
         * reads instead */
        size_t win = pario_map_window_for(r->chunk_elems * view->esize);
        /* from the part's first element to its last. No window is prepared in
         * advance (MAP_POPULATE): the first touches fault the pages in, which
         * maps a large page-cache folio at once (Linux 6.18 here): a rank's 2 GiB
         * half of a cached file mapped in 0.10 s by faults against 0.18-0.21 s
         * prepared (0.19 s by pread copies) on the AMD EPYC machine, and a part
         * of several runs would prepare the other ranks' runs too */
        uint64_t last = pario_view_global_index(view, view->local_count - 1);
        mst = pario_map_open(&r->map, ds->path, ds->offset + view->base * view->esize,
                             (last + 1 - view->base) * view->esize, win, 0);
    }
    /* An HDF5 file is open already (the inspection's collective open): its
     * handle. Otherwise a rank that reads on its own opens the file on its own:
     * ROMIO's collective open, set_view and close (communicator duplication,
     * agreement on the access mode and file system, aggregator lists) are a dozen
     * collectives that cost a time slice each when ranks outnumber cores. One
     * agreement below stands for them. */
    st = ds->format == PARIO_SOURCE_HDF5 ? pario_source_h5_take_mpi(ds, comm, info, &r->fh, &r->h5file) : pario_ok();
    if (!pario_failed(&st) && !r->h5file) {
        if (!r->map) /* (a mapped part needs no MPI-IO handle; r->local: no collective skipped) */
            st = pario_file_open(r->local ? MPI_COMM_SELF : comm, ds->path, MPI_MODE_RDONLY, info, &r->fh);
    } else {
        pario_agree(&st, comm);
    }
    if (!pario_failed(&st) && pario_failed(&mst))
        st = mst;
    if (pario_failed(&st) && !r->local) {
        if (tuned != MPI_INFO_NULL)
            MPI_Info_free(&tuned);
        pario_reader_release(r);
        return st;
    }
    if (!pario_failed(&st) && r->fh != MPI_FILE_NULL) {
        int err = MPI_File_set_view(r->fh, view->disp, view->etype, view->filetype, "native", info);
        st = err == MPI_SUCCESS ? pario_ok() : pario_mpi_error(err, "setting the file view", ds->path);
    }
    if (tuned != MPI_INFO_NULL)
        MPI_Info_free(&tuned);
    if (pario_agree(&st, comm)) {
        pario_reader_release(r);
        return st;
    }
    if (o->show_hints)
        pario_file_print_hints(r->fh, o->show_hints, comm);
    if (o->overlap && r->strategy == PARIO_STRATEGY_VIEW) {
        /* All ranks read ahead or none: a rank whose thread sits in a collective
         * read while another rank waits in the step's agreement would hang. */
        int ok = pario_prefetch_useful(o->overlap == PARIO_OVERLAP_ALWAYS, comm) && !r->map, all = 0;
        if (ok)
            ok = (r->pf = pario_prefetch_start()) != NULL;
        MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, comm);
        if (!all) {
            pario_prefetch_stop(r->pf);
            r->pf = NULL;
        }
    }
    if (r->local)
        pario_notice_open(&r->notice, comm, 1);
    return pario_ok();
}

int pario_reader_next(pario_reader *r, const void **data, size_t *n, uint64_t *local_start, pario_status *st)
{
    *n = 0;
    *data = NULL;
    *local_start = r->next_local;
    const int ahead = r->inflight; /* this step's chunk was read ahead */
    if (ahead) {
        /* the thread's read ends before this rank's next MPI call */
        double t0 = pario_now();
        MPI_Status status;
        int err = pario_prefetch_wait(r->pf, &status);
        r->io_seconds += pario_now() - t0;
        r->inflight = 0;
        check_read(r, err, &status);
    }
    if (!pario_failed(st) && pario_failed(&r->err))
        *st = r->err;
    if (r->local) {
        if (r->finished)
            return 0;
        /* another rank failed: stop here, with no error of this rank's (its
         * message is the one agreed), rather than read the whole part first */
        const int stop = !pario_failed(st) && pario_notice_seen(&r->notice, 0, (uint64_t)r->chunk_elems * r->view->esize);
        if (stop || pario_failed(st) || (r->map || r->h5 ? r->next_local >= r->view->local_count : r->step >= r->nsteps)) {
            if (r->inflight) { /* a caller's error: the read ahead ends before the agreement */
                MPI_Status status;
                pario_prefetch_wait(r->pf, &status);
                r->inflight = 0;
            }
            r->finished = 1;
            if (!pario_failed(st) && !stop) /* the last chunk's pages, lost to a shrinking or changed file? */
                *st = r->h5 ? pario_h5read_check(r) : pario_map_check_size(r->map);
            if (!pario_failed(st) && !stop)
                *st = end_check(r);
            if (pario_failed(st))
                pario_notice_send(&r->notice, 0);
            pario_agree(st, r->comm);
            pario_notice_close(&r->notice, pario_failed(st));
            return 0;
        }
        if (r->map) {
            const size_t es = r->view->esize;
            uint64_t left = r->view->local_count - r->next_local, g = r->view->base + r->next_local;
            if (!pario_view_part_is_run(r->view)) { /* to the end of the run, at most */
                uint64_t run = pario_view_run(r->view, r->next_local, &g);
                left = run < left ? run : left;
            }
            size_t m = left < r->chunk_elems ? (size_t)left : r->chunk_elems;
            const uint64_t pos = (g - r->view->base) * es;
            r->step++;
            r->next_local += m;
            const void *p = pario_map_fast(r->map, pos, m * es);
            if (!p) { /* a new window (an mmap call), or an error to build */
                double t0 = pario_now();
                pario_status rs;
                p = pario_map_get(r->map, pos, m * es, &rs);
                r->io_seconds += pario_now() - t0;
                if (pario_failed(&rs)) {
                    r->err = rs;
                    return 1; /* agreed at the next call */
                }
            }
            r->bytes += (uint64_t)m * es;
            *n = m;
            *data = p;
            return 1;
        }
    } else {
        if (r->step >= r->nsteps && !pario_failed(st))
            *st = end_check(r);
        if (pario_agree(st, r->comm) || r->step >= r->nsteps)
            return 0;
    }
    if (r->strategy == PARIO_STRATEGY_SIEVE) {
        uint64_t s0, sn;
        void *span = pario_sieve_plan(r->sv, r->step, &s0, &sn);
        pario_status rs = pario_reader_read_at(r, s0, sn, span);
        if (pario_failed(&rs)) {
            r->err = rs;
            r->step = r->nsteps; /* agreed at the next call */
            return 1;
        }
        pario_sieve_deliver(r->sv, r->step, data, n, local_start);
        r->step++;
        return 1;
    }
    if (r->strategy == PARIO_STRATEGY_EXCHANGE) {
        uint64_t s0, sn;
        void *stripe = pario_stripe_exchange_plan(r->xr, r->step, &s0, &sn);
        pario_status rs = pario_reader_read_at(r, s0, sn, stripe);
        /* the exchange is collective whatever the read did; a failure is agreed at the next step */
        pario_status xs = pario_stripe_exchange_deliver(r->xr, r->step, data, n, local_start);
        r->step++;
        if (pario_failed(&rs) || pario_failed(&xs)) {
            r->err = pario_failed(&rs) ? rs : xs;
            *data = NULL;
            *n = 0;
        }
        return 1;
    }
    if (r->h5) {
        uint64_t left = r->view->local_count - r->next_local;
        size_t m = left < r->chunk_elems ? (size_t)left : r->chunk_elems;
        *local_start = r->next_local;
        const void *p = NULL;
        /* the direct path's steps (local): from the map where it can, perhaps fewer elements */
        pario_status rs = r->local ? pario_h5read_next(r, r->next_local, &m, &p)
                                   : pario_h5read_at(r, r->next_local, m, r->buf[0]);
        r->step++;
        r->next_local += m;
        if (pario_failed(&rs)) {
            r->err = rs;
            return 1; /* agreed at the next call */
        }
        *n = m;
        *data = r->local ? p : r->buf[0];
        return 1;
    }
    MPI_Status status;
    int err;
    int slot = r->cur;
    double t0 = pario_now();
    if (r->pf) {
        /* this step's chunk is in buf[slot] (read ahead), or read it now (the
         * first step); then every rank hands the next read to its thread */
        if (!ahead) {
            err = read_now(r, slot, &status);
            check_read(r, err, &status);
        }
        size_t got_n = r->pending_n;
        uint64_t got_start = r->pending_start;
        if (r->step + 1 < r->nsteps)
            read_ahead(r, 1 - slot);
        r->cur = 1 - slot;
        *n = got_n;
        *local_start = got_start;
    } else {
        err = read_now(r, slot, &status);
        check_read(r, err, &status);
        *n = r->pending_n;
        *local_start = r->pending_start;
    }
    r->io_seconds += pario_now() - t0;
    r->step++;
    if (pario_failed(&r->err)) {
        *n = 0;
        return 1; /* agreed at the next call */
    }
    if (r->swap && *n)
        pario_byteswap(r->buf[slot], *n, r->view->esize);
    r->bytes += (uint64_t)*n * r->view->esize;
    *data = r->buf[slot];
    return 1;
}

void pario_reader_release(pario_reader *r)
{
    pario_notice_abandon(&r->notice); /* (closed at the agreement, unless the reads were left before it) */
    if (r->inflight) {
        MPI_Status status;
        pario_prefetch_wait(r->pf, &status);
        r->inflight = 0;
    }
    pario_prefetch_stop(r->pf);
    r->pf = NULL;
    pario_map_close(r->map);
    r->map = NULL;
    pario_h5read_close(r);
    if (r->h5file) { /* HDF5's own MPI-IO handle: closed with its file */
        pario_source_h5_close(r->h5file);
        r->h5file = 0;
        r->fh = MPI_FILE_NULL;
    }
    if (r->fh != MPI_FILE_NULL)
        MPI_File_close(&r->fh);
    free(r->buf[0]);
    free(r->buf[1]);
    r->buf[0] = r->buf[1] = NULL;
    pario_stripe_exchange_free(r->xr);
    r->xr = NULL;
    pario_sieve_free(r->sv);
    r->sv = NULL;
}

/* Large reads go through the MPI-4 large-count call where MPICH has it. */
static int read_at(MPI_File fh, MPI_Offset off, void *buf, uint64_t n, MPI_Datatype t, int collective, MPI_Status *s)
{
#ifdef PARIO_HAVE_LARGE_COUNT
    if (collective)
        return MPI_File_read_at_all_c(fh, off, buf, (MPI_Count)n, t, s);
    return n ? MPI_File_read_at_c(fh, off, buf, (MPI_Count)n, t, s) : MPI_SUCCESS;
#else
    if (n > INT_MAX)
        return MPI_ERR_COUNT;
    if (collective)
        return MPI_File_read_at_all(fh, off, buf, (int)n, t, s);
    return n ? MPI_File_read_at(fh, off, buf, (int)n, t, s) : MPI_SUCCESS;
#endif
}

pario_status pario_reader_ensure_fh(pario_reader *r)
{
    if (r->fh != MPI_FILE_NULL || !r->map)
        return pario_ok();
    pario_status st = pario_file_open(MPI_COMM_SELF, r->ds->path, MPI_MODE_RDONLY, r->opts.info, &r->fh);
    if (!pario_failed(&st)) {
        int err = MPI_File_set_view(r->fh, r->view->disp, r->view->etype, r->view->filetype, "native", r->opts.info);
        if (err != MPI_SUCCESS) {
            st = pario_mpi_error(err, "setting the file view", r->ds->path);
            MPI_File_close(&r->fh);
        }
    }
    return st;
}

pario_status pario_reader_read_at(pario_reader *r, uint64_t start, uint64_t n, void *buf)
{
    /* offsets count elements of the view the file was opened with (the stripes
     * under the exchange strategy, which calls this itself) */
    if (r->h5)
        return pario_h5read_at(r, start, n, buf);
    pario_status ost = pario_reader_ensure_fh(r);
    if (pario_failed(&ost))
        return ost;
    MPI_Status status;
    double t0 = MPI_Wtime();
    int err = read_at(r->fh, (MPI_Offset)start, buf, n, r->view->etype, !(r->opts.independent || r->local), &status);
    r->io_seconds += MPI_Wtime() - t0;
    pario_status st = pario_ok();
    int fault = pario_fault(PARIO_FAULT_READ);
    if (fault && err == MPI_SUCCESS) {
        st = pario_sys_error(fault, "read", r->ds->path);
    } else if (err != MPI_SUCCESS) {
        st = pario_mpi_error(err, "read", r->ds->path);
    } else if (n) {
        MPI_Count got = pario_status_count(&status, r->view->etype);
        if ((uint64_t)got != n)
            st = pario_error(PARIO_ERR_RUNTIME, "%s: short read: %lld of %llu elements", r->ds->path, (long long)got,
                             (unsigned long long)n);
    }
    if (!pario_failed(&st)) {
        if (r->swap && n)
            pario_byteswap(buf, n, r->view->esize);
        r->bytes += n * r->view->esize;
    }
    return st;
}
