/* Writing the pario-pi log collectively with parallel HDF5 (see pario/h5log.h). */
#define _GNU_SOURCE /* fallocate */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <hdf5.h>
#include "pario/fileutil.h"
#include "pario/h5log.h"
#include "h5log_sync.h"
#include "fault.h"
#include "h5err.h"
#include "pario/rng.h"

enum { D_VALUE, D_SAMPLES, D_ESTIMATE, D_STDERR, D_TIME, ND };
static const char *const dset_name_darts[ND] = { "hits", "samples", "estimate", "stderr", "time" };
static const char *const dset_name_mid[ND] = { "sums", "samples", "estimate", "stderr", "time" };
/* Rows per chunk: extending by one round rarely allocates a chunk. */
#define LOG_CHUNK_ROWS 512

struct pario_h5log {
    MPI_Comm comm;
    int rank, nranks;
    hid_t file, dxpl, dxpl_ind, dset[ND];
    MPI_File fh;      /* the file's MPI-IO handle, once asked for (log_fh) */
    int method;
    uint64_t rows;    /* rows the datasets have */
    uint64_t cols;    /* rank columns */
    int renamed;      /* 0 while a new log still has its temporary name */
    int force;
    char path[4096], tmp[4200];
    double seconds;
    double sync_interval; /* fsync at most this often (seconds; 0: every round) */
    double last_sync;     /* rank 0's clock at the last fsync */
    int unsynced;         /* rounds flushed since the last fsync */
    uint64_t syncs;       /* flushes that ended in an fsync */
    int fd;               /* rank 0: the log's inode, for space reservations */
    int lock_fd;          /* rank 0, --resume: the flock on LOG.lock */
    char lock[4200];
};

static const char *const *dset_names(int method)
{
    return method == PARIO_PI_MIDPOINT ? dset_name_mid : dset_name_darts;
}

static hid_t value_type(int method, int d)
{
    if (d == D_VALUE)
        return method == PARIO_PI_MIDPOINT ? H5T_IEEE_F64LE : H5T_STD_I64LE;
    return d == D_SAMPLES ? H5T_STD_I64LE : H5T_IEEE_F64LE;
}

static hid_t native_type(int method, int d)
{
    if (d == D_VALUE)
        return method == PARIO_PI_MIDPOINT ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64;
    return d == D_SAMPLES ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE;
}

static int is_2d(int d) { return d == D_VALUE || d == D_SAMPLES; }

/* Record the first failure with HDF5's innermost reason (before a later call clears it). */
static int h5fail(pario_status *st, const char *what, const char *path)
{
    if (!pario_failed(st))
        *st = pario_h5_error(what, path);
    return 0;
}

static int attr_write(pario_status *st, const char *path, hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                      const void *v, size_t strlen_)
{
    hid_t sp = H5Screate(H5S_SCALAR), ft = ftype, mt = mtype;
    if (strlen_) {
        ft = mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(ft, strlen_);
        H5Tset_strpad(ft, H5T_STR_NULLTERM);
    }
    int ok = 0;
    hid_t a = H5Aexists(loc, name) > 0 ? H5Aopen(loc, name, H5P_DEFAULT) : H5Acreate2(loc, name, ft, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (a >= 0) {
        ok = H5Awrite(a, mt, v) >= 0 || h5fail(st, "cannot write an attribute", path);
        ok = (H5Aclose(a) >= 0 || h5fail(st, "cannot write an attribute", path)) && ok;
    } else {
        h5fail(st, "cannot create an attribute", path);
    }
    if (strlen_)
        H5Tclose(ft);
    H5Sclose(sp);
    return ok;
}

static int attr_u64(pario_status *st, const char *path, hid_t loc, const char *name, uint64_t v)
{
    return attr_write(st, path, loc, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &v, 0);
}

static int attr_i64(pario_status *st, const char *path, hid_t loc, const char *name, int64_t v)
{
    return attr_write(st, path, loc, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &v, 0);
}

static int attr_str(pario_status *st, const char *path, hid_t loc, const char *name, const char *s)
{
    return attr_write(st, path, loc, name, 0, 0, s, strlen(s) + 1);
}

static hid_t mpio_fapl(MPI_Comm comm)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    /* A round writes a few scattered 8-byte pieces: ROMIO's data sieving would
     * read, patch and rewrite a whole block under a lock for them, and two-phase
     * aggregation would shuffle them between ranks first. Measured per 1000
     * rounds with 2 ranks: the flush went from 0.07 s to 0.035 s without them. */
    MPI_Info info;
    MPI_Info_create(&info);
    MPI_Info_set(info, "romio_ds_write", "disable");
    MPI_Info_set(info, "romio_cb_write", "disable");
    H5Pset_fapl_mpio(fapl, comm, info);
    MPI_Info_free(&info);
    /* Metadata read by one rank and broadcast. Written by HDF5's default
     * distributed strategy rather than one collective write: that saves two
     * MPI_File_set_view calls (each an allreduce and a barrier) per round. */
    H5Pset_all_coll_metadata_ops(fapl, 1);
    return fapl;
}

static pario_h5log *log_new(const char *path, int method, MPI_Comm comm)
{
    pario_h5log *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->comm = comm;
    MPI_Comm_rank(comm, &l->rank);
    MPI_Comm_size(comm, &l->nranks);
    l->file = H5I_INVALID_HID;
    l->fh = MPI_FILE_NULL;
    l->fd = l->lock_fd = -1;
    for (int d = 0; d < ND; d++)
        l->dset[d] = H5I_INVALID_HID;
    l->dxpl = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_dxpl_mpio(l->dxpl, H5FD_MPIO_COLLECTIVE);
    /* Collective at the HDF5 level (every rank joins every H5Dwrite), but each
     * rank's 8 bytes leave through its own MPI-IO call: two-phase aggregation of
     * 8-byte pieces costs more than it saves (5x slower per round here). */
    H5Pset_dxpl_mpio_collective_opt(l->dxpl, H5FD_MPIO_INDIVIDUAL_IO);
    l->dxpl_ind = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_dxpl_mpio(l->dxpl_ind, H5FD_MPIO_INDEPENDENT);
    l->method = method;
    l->last_sync = MPI_Wtime();
    snprintf(l->path, sizeof l->path, "%s", path);
    return l;
}

/* A new log that failed is deleted: free its blocks first, so that HDF5's last
 * metadata writes at close find room on a full disk (a close that fails leaves
 * the file open in HDF5, which then crashes in MPI_Finalize). */
static void discard_tmp(pario_h5log *l)
{
    if (!l->renamed && l->rank == 0 && l->fd >= 0)
        (void)ftruncate(l->fd, 0);
}

static void log_free(pario_h5log *l)
{
    if (l->file >= 0)
        discard_tmp(l);
    for (int d = 0; d < ND; d++)
        if (l->dset[d] >= 0)
            H5Dclose(l->dset[d]);
    if (l->file >= 0)
        H5Fclose(l->file);
    H5Pclose(l->dxpl);
    H5Pclose(l->dxpl_ind);
    if (l->fd >= 0) {
        /* give back what a reservation put beyond the end (the size is HDF5's) */
        struct stat sb;
        if (fstat(l->fd, &sb) == 0)
            (void)ftruncate(l->fd, sb.st_size);
        close(l->fd);
    }
    if (l->lock_fd >= 0) {
        unlink(l->lock); /* while still holding it */
        close(l->lock_fd);
    }
    free(l);
}

/* Space for what the next collective steps may allocate: the chunks of one more
 * block of rows in every dataset, their index nodes and headers, with room to
 * spare. Parallel HDF5 cannot survive a write that fails on one rank inside a
 * collective call (a rank leaves early and the others wait in its barrier), so
 * rank 0 reserves the blocks first, with fallocate, and all ranks agree on that
 * before the call: a full disk stops every rank before HDF5 sees it. */
static uint64_t reserve_bytes(const pario_h5log *l)
{
    return 2 * (2 * (uint64_t)LOG_CHUNK_ROWS * l->cols * 8 + 3 * (uint64_t)LOG_CHUNK_ROWS * 8) + (256u << 10);
}

static pario_status reserve(pario_h5log *l, const char *path)
{
    pario_status st = pario_ok();
    if (l->rank == 0 && l->fd >= 0) {
        /* HDF5 writes what it allocates by the next flush (chunks are zero-filled
         * when allocated), so the allocated end is near the file's end */
        struct stat sb;
        if (fstat(l->fd, &sb) != 0) {
            st = pario_sys_error(errno, "cannot reserve space for the log", path);
        } else {
            /* from 0: any hole left in what is allocated needs blocks too */
            int rc = fallocate(l->fd, FALLOC_FL_KEEP_SIZE, 0, (off_t)((uint64_t)sb.st_size + reserve_bytes(l)));
            if (rc != 0 && errno != EOPNOTSUPP && errno != ENOSYS)
                st = pario_sys_error(errno, "cannot reserve space for the log", path);
        }
    }
    pario_agree(&st, l->comm);
    return st;
}

static int create_datasets(pario_h5log *l, pario_status *st)
{
    const char *const *names = dset_names(l->method);
    for (int d = 0; d < ND; d++) {
        int nd = is_2d(d) ? 2 : 1;
        hsize_t dims[2] = { 0, l->cols }, maxd[2] = { H5S_UNLIMITED, H5S_UNLIMITED };
        hsize_t chunk[2] = { LOG_CHUNK_ROWS, l->cols };
        hid_t sp = H5Screate_simple(nd, dims, maxd);
        hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
        H5Pset_chunk(dcpl, nd, chunk);
        /* Explicit zero fill: columns of ranks that did not run read 0. */
        static const char zero[8] = { 0 };
        H5Pset_fill_value(dcpl, native_type(l->method, d), zero);
        l->dset[d] = H5Dcreate2(l->file, names[d], value_type(l->method, d), sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        H5Pclose(dcpl);
        H5Sclose(sp);
        if (l->dset[d] < 0)
            h5fail(st, "cannot create a dataset", l->path);
        if (pario_agree(st, l->comm)) /* creation is collective: agree before the next */
            return 0;
    }
    return 1;
}

static void iso_now(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Rank 0 holds the log's inode open, for space reservations; a --resume run
 * also holds an flock on LOG.lock for as long as it writes (a side file: HDF5's
 * readers, pario-plot and h5dump, take flock on the log itself and must still
 * read a log being written). The lock file is removed at close; a killed run
 * leaves it, harmless, as the lock goes with the process. */
static int take_lock(pario_h5log *l, pario_status *st)
{
    snprintf(l->lock, sizeof l->lock, "%s.lock", l->path);
    for (int tries = 0; tries < 5; tries++) {
        l->lock_fd = open(l->lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (l->lock_fd < 0) {
            *st = pario_sys_error(errno, "cannot create the lock file", l->lock);
            return 0;
        }
        if (flock(l->lock_fd, LOCK_EX | LOCK_NB) != 0) {
            *st = errno == EWOULDBLOCK
                      ? pario_error(PARIO_ERR_RUNTIME, "%s: another run is writing this log (%s is locked)", l->path,
                                    l->lock)
                      : pario_sys_error(errno, "cannot lock", l->lock);
            close(l->lock_fd);
            l->lock_fd = -1;
            return 0;
        }
        /* the file locked must still be the one named (the last holder removes it) */
        struct stat a, b;
        if (fstat(l->lock_fd, &a) == 0 && stat(l->lock, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
            return 1;
        close(l->lock_fd);
        l->lock_fd = -1;
    }
    *st = pario_error(PARIO_ERR_RUNTIME, "%s: another run is writing this log (%s keeps changing)", l->path, l->lock);
    return 0;
}

static pario_status open_fd(pario_h5log *l, const char *file, int lock)
{
    pario_status st = pario_ok();
    if (l->rank == 0 && (!lock || take_lock(l, &st))) {
        l->fd = open(file, O_RDWR | O_CLOEXEC);
        if (l->fd < 0)
            st = pario_sys_error(errno, "cannot open the log for writing", l->path);
    }
    pario_agree(&st, l->comm);
    return st;
}

static pario_status create_log(pario_h5log **out, const char *path, const pario_pi_params *p, int force,
                               MPI_Comm comm)
{
    *out = NULL;
    pario_h5log *l = log_new(path, p->method, comm);
    pario_status st = l ? pario_ok() : pario_sys_error(ENOMEM, "the log", path);
    if (l && l->rank == 0) {
        struct stat sb;
        if (!force && stat(path, &sb) == 0)
            st = pario_error(PARIO_ERR_RUNTIME, "%s exists: give --force to replace it or --resume to continue it",
                             path);
    }
    if (pario_agree(&st, comm)) {
        if (l)
            log_free(l);
        return st;
    }
    l->force = force;
    l->cols = (uint64_t)l->nranks;
    pario_tmp_path(path, l->tmp, sizeof l->tmp, comm);
    /* Room first: an HDF5 file that cannot be flushed cannot be closed either (and
     * then crashes MPI_Finalize). The creation truncates this trial reservation;
     * the one after the layout is the one that stays. */
    if (l->rank == 0) {
        int fd = open(l->tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd < 0) {
            st = pario_sys_error(errno, "cannot create the log", path);
        } else {
            if (fallocate(fd, 0, 0, (off_t)reserve_bytes(l)) != 0 && errno != EOPNOTSUPP && errno != ENOSYS)
                st = pario_sys_error(errno, "cannot reserve space for the log", path);
            close(fd);
            if (pario_failed(&st))
                unlink(l->tmp);
        }
    }
    if (pario_agree(&st, comm)) {
        log_free(l);
        return st;
    }
    hid_t fapl = mpio_fapl(comm);
    l->file = H5Fcreate(l->tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (l->file < 0)
        st = pario_h5_error("cannot create the log", path);
    else if (pario_fault(PARIO_FAULT_OPEN))
        st = pario_sys_error(EACCES, "cannot create the log", path);
    if (!pario_agree(&st, comm))
        st = open_fd(l, l->tmp, 0);
    /* Attributes and datasets: collective, the same arguments on every rank. */
    char start[40] = "";
    if (l->rank == 0)
        iso_now(start, sizeof start);
    MPI_Bcast(start, sizeof start, MPI_CHAR, 0, comm);
    /* each step is collective in parallel HDF5: the ranks agree after each */
    for (int step = 0; step < 9 && !pario_failed(&st); step++) {
        int ok = 1;
        switch (step) {
        case 0: ok = attr_u64(&st, path, l->file, "seed", p->seed); break;
        case 1: ok = attr_i64(&st, path, l->file, "ranks", l->nranks); break;
        case 2: ok = attr_u64(&st, path, l->file, "samples_per_round", p->samples); break;
        case 3: ok = attr_u64(&st, path, l->file, "rounds", p->rounds); break;
        case 4: ok = attr_str(&st, path, l->file, "method", pario_pi_method_name(p->method)); break;
        case 5:
            ok = attr_str(&st, path, l->file, "generator", p->method == PARIO_PI_DARTS ? PARIO_RNG_NAME : "none");
            break;
        case 6: ok = attr_str(&st, path, l->file, "pario_version", PACKAGE_VERSION); break;
        case 7: ok = attr_str(&st, path, l->file, "start_time", start); break;
        default: ok = create_datasets(l, &st); break;
        }
        if (!ok && !pario_failed(&st))
            st = pario_error(PARIO_ERR_RUNTIME, "%s: cannot write the log's layout", path);
        pario_agree(&st, comm);
    }
    if (!pario_failed(&st))
        st = reserve(l, path); /* the headers just allocated are written at the first flush */
    if (pario_failed(&st)) {
        if (l->rank == 0)
            unlink(l->tmp);
        log_free(l);
        return st;
    }
    *out = l;
    return st;
}

pario_status pario_h5log_create(pario_h5log **out, const char *path, const pario_pi_params *p, int force,
                                MPI_Comm comm)
{
    pario_status st = pario_ok();
    /* failures come back as statuses with HDF5's reason, not as its stack dumps */
    H5E_BEGIN_TRY {
        st = create_log(out, path, p, force, comm);
    } H5E_END_TRY;
    return st;
}

static pario_status reopen_log(pario_h5log **out, const char *path, const pario_pi_history *h,
                               const pario_pi_params *p, MPI_Comm comm)
{
    *out = NULL;
    pario_h5log *l = log_new(path, h->p.method, comm);
    pario_status st = l ? pario_ok() : pario_sys_error(ENOMEM, "the log", path);
    if (pario_agree(&st, comm)) {
        if (l)
            log_free(l);
        return st;
    }
    l->renamed = 1;
    l->rows = h->rounds;
    l->cols = h->cols > (uint64_t)l->nranks ? h->cols : (uint64_t)l->nranks;
    st = open_fd(l, path, 1);
    if (!pario_failed(&st)) {
        hid_t fapl = mpio_fapl(comm);
        l->file = H5Fopen(path, H5F_ACC_RDWR, fapl);
        H5Pclose(fapl);
        if (l->file < 0)
            st = pario_h5_error("cannot open the log for writing", path);
        else if (pario_fault(PARIO_FAULT_OPEN))
            st = pario_sys_error(EACCES, "cannot open the log for writing", path);
        if (!pario_agree(&st, comm))
            st = reserve(l, path);
    }
    if (pario_failed(&st)) {
        log_free(l);
        return st;
    }
    const char *const *names = dset_names(l->method);
    int ok = 1;
    for (int d = 0; d < ND && ok; d++) {
        l->dset[d] = H5Dopen2(l->file, names[d], H5P_DEFAULT);
        hsize_t dims[2] = { l->rows, l->cols };
        /* Drops half-written rounds; adds the columns of new ranks. */
        ok = (l->dset[d] >= 0 && H5Dset_extent(l->dset[d], dims) >= 0) ||
             h5fail(&st, "cannot prepare the log for more rounds", path);
        if (pario_agree(&st, comm)) /* before the next collective call */
            ok = 0;
    }
    if (ok && l->cols > h->cols)
        ok = attr_i64(&st, path, l->file, "ranks", (int64_t)l->cols);
    if (ok && p->rounds != h->p.rounds && p->rounds >= h->rounds)
        ok = attr_u64(&st, path, l->file, "rounds", p->rounds);
    if (!pario_agree(&st, comm)) {
        if (H5Fflush(l->file, H5F_SCOPE_GLOBAL) < 0)
            h5fail(&st, "cannot prepare the log for more rounds", path);
        else if ((ok = pario_fault(PARIO_FAULT_H5FLUSH)))
            st = pario_sys_error(ok, "cannot flush the log", path);
    }
    if (pario_agree(&st, comm)) {
        log_free(l);
        return st;
    }
    *out = l;
    return st;
}

pario_status pario_h5log_reopen(pario_h5log **out, const char *path, const pario_pi_history *h,
                                const pario_pi_params *p, MPI_Comm comm)
{
    pario_status st = pario_ok();
    H5E_BEGIN_TRY {
        st = reopen_log(out, path, h, p, comm);
    } H5E_END_TRY;
    return st;
}

/* Write one element of a [rounds x ranks] dataset collectively (every rank its
 * own), or rank 0's element of a [rounds] dataset independently: the running
 * values exist only on rank 0, and a collective call per value would cost the
 * other ranks three more synchronisations per round for nothing. */
static int write_elem(pario_h5log *l, int d, uint64_t row, const void *v, pario_status *st)
{
    int coll = is_2d(d);
    if (!coll && l->rank != 0)
        return 1;
    hid_t fs = H5Dget_space(l->dset[d]);
    hsize_t one[2] = { 1, 1 }, start[2] = { row, (hsize_t)l->rank };
    hid_t ms = H5Screate_simple(1, one, NULL);
    int ok = fs >= 0 && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, one, NULL) >= 0;
    /* a collective write is joined by every rank, even after a local failure */
    if (H5Dwrite(l->dset[d], native_type(l->method, d), ms, fs, coll ? l->dxpl : l->dxpl_ind, v) < 0)
        ok = h5fail(st, "cannot write to the log", l->path);
    int fault = ok ? pario_fault(PARIO_FAULT_H5WRITE) : 0;
    if (fault && !pario_failed(st))
        *st = pario_sys_error(fault, "cannot write to the log", l->path), ok = 0;
    if (ms >= 0)
        H5Sclose(ms);
    if (fs >= 0)
        H5Sclose(fs);
    return ok;
}

/* New log: give it its final name once its first round is on disk. */
static pario_status publish(pario_h5log *l)
{
    pario_status st = pario_ok();
    if (l->rank == 0) {
        int rc;
        if (l->force) {
            rc = rename(l->tmp, l->path);
        } else {
            /* link() fails rather than replace a file that appeared meanwhile */
            rc = link(l->tmp, l->path);
            if (rc == 0)
                unlink(l->tmp);
        }
        if (rc != 0)
            st = pario_error(PARIO_ERR_RUNTIME, "%s: cannot rename the new log into place: %s", l->path,
                             strerror(errno));
    }
    if (!pario_agree(&st, l->comm))
        l->renamed = 1;
    return st;
}

/* The log's MPI-IO file handle: HDF5's MPI-IO driver hands out a pointer to it
 * (the access list matters only to the family and multi drivers). */
static MPI_File log_fh(pario_h5log *l)
{
    void *h = NULL;
    if (l->fh == MPI_FILE_NULL && H5Fget_vfd_handle(l->file, H5P_FILE_ACCESS_DEFAULT, &h) >= 0 && h)
        l->fh = *(MPI_File *)h;
    return l->fh;
}

static pario_status append_row(pario_h5log *l, const pario_pi_logrow *row)
{
    pario_status st = pario_ok();
    if (row->round + 1 > l->rows) {
        /* a new block of rows allocates (and zero-fills) chunks: reserve the space first */
        if (row->round % LOG_CHUNK_ROWS == 0 || l->rows == 0)
            st = reserve(l, l->path);
        /* every rank makes every collective call; a failure stops all before the next */
        for (int d = 0; d < ND && !pario_failed(&st); d++) {
            hsize_t dims[2] = { row->round + 1, l->cols };
            if (H5Dset_extent(l->dset[d], dims) < 0)
                h5fail(&st, "cannot extend the log", l->path);
            pario_agree(&st, l->comm);
        }
        if (pario_failed(&st))
            return st;
        l->rows = row->round + 1;
    }
    /* Per-rank data first, the running estimate last: a row whose estimate is on
     * disk is complete (pario_h5log_read checks it anyway). */
    const void *vals[ND] = { l->method == PARIO_PI_MIDPOINT ? (const void *)&row->sum : (const void *)&row->hits,
                             &row->samples, &row->estimate, &row->std_err, &row->time };
    static const int order[ND] = { D_VALUE, D_SAMPLES, D_TIME, D_STDERR, D_ESTIMATE };
    for (int i = 0; i < ND; i++) {
        int d = order[i];
        /* the 2-D writes are collective: agree before each; the 1-D ones are rank 0's alone */
        if (is_2d(d) && pario_agree(&st, l->comm))
            return st;
        if (!pario_failed(&st))
            write_elem(l, d, row->round, vals[d], &st);
    }
    if (pario_agree(&st, l->comm))
        return st;
    /* Every rank flushes (collective), then one agreement. The flush puts the
     * round in the file; its fsync is paid when rank 0's clock says the interval
     * is up, and for the first round of a new log before it takes its final name. */
    int sync = !l->renamed || l->sync_interval <= 0;
    if (!sync) {
        if (l->rank == 0)
            sync = MPI_Wtime() - l->last_sync >= l->sync_interval;
        MPI_Bcast(&sync, 1, MPI_INT, 0, l->comm);
    }
    pario_h5log_skip_sync(sync ? MPI_FILE_NULL : log_fh(l));
    int fault = 0;
    if (H5Fflush(l->file, H5F_SCOPE_GLOBAL) < 0)
        h5fail(&st, "cannot flush the log", l->path);
    else if ((fault = pario_fault(PARIO_FAULT_H5FLUSH)))
        st = pario_sys_error(fault, "cannot flush the log", l->path);
    else if (sync && (fault = pario_fault(PARIO_FAULT_SYNC)))
        st = pario_sys_error(fault, "fsync", l->path);
    /* a skip the program's interposer did not take was an fsync: count it */
    int skipped = pario_h5log_sync_skipped();
    pario_h5log_skip_sync(MPI_FILE_NULL);
    l->unsynced = !sync;
    if (sync)
        l->last_sync = MPI_Wtime();
    if (sync || !skipped)
        l->syncs++;
    if (!pario_agree(&st, l->comm) && !l->renamed)
        st = publish(l);
    return st;
}

pario_status pario_h5log_append(pario_h5log *l, const pario_pi_logrow *row)
{
    double t0 = MPI_Wtime();
    pario_status st = pario_ok();
    H5E_BEGIN_TRY {
        st = append_row(l, row);
    } H5E_END_TRY;
    l->seconds += MPI_Wtime() - t0;
    return st;
}

static pario_status close_log(pario_h5log *l)
{
    for (int d = 0; d < ND; d++)
        if (l->dset[d] >= 0)
            H5Dclose(l->dset[d]); /* a failure here shows in H5Fclose */
    for (int d = 0; d < ND; d++)
        l->dset[d] = H5I_INVALID_HID;
    pario_status st = pario_ok();
    discard_tmp(l);
    /* H5Fclose does not fsync: the last rounds are made durable here */
    int fault = 0;
    if (l->unsynced) {
        if (H5Fflush(l->file, H5F_SCOPE_GLOBAL) < 0)
            h5fail(&st, "cannot flush the log", l->path);
        else if ((fault = pario_fault(PARIO_FAULT_SYNC)))
            st = pario_sys_error(fault, "fsync", l->path);
    }
    pario_agree(&st, l->comm);
    if (H5Fclose(l->file) < 0)
        h5fail(&st, "cannot close the log", l->path);
    else if ((fault = pario_fault(PARIO_FAULT_H5FLUSH)))
        st = pario_sys_error(fault, "cannot close the log", l->path);
    l->file = H5I_INVALID_HID;
    if (!l->renamed && l->rank == 0)
        unlink(l->tmp);
    pario_agree(&st, l->comm);
    log_free(l);
    return st;
}

pario_status pario_h5log_close(pario_h5log *l)
{
    if (!l)
        return pario_ok();
    pario_status st = pario_ok();
    H5E_BEGIN_TRY {
        st = close_log(l);
    } H5E_END_TRY;
    return st;
}

uint64_t pario_h5log_syncs(const pario_h5log *l)
{
    return l ? l->syncs + (uint64_t)l->unsynced : 0; /* close adds one */
}

void pario_h5log_set_sync_interval(pario_h5log *l, double seconds)
{
    if (l)
        l->sync_interval = seconds > 0 ? seconds : 0;
}

double pario_h5log_seconds(const pario_h5log *l)
{
    return l ? l->seconds : 0;
}
