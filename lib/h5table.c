/* An appendable table in one parallel HDF5 file (see lib/h5table.h): the
 * lifecycle shared by the pario-pi log (h5log.c) and the pario-train log
 * (train_log.c). */
#define _GNU_SOURCE /* fallocate */
#include "config.h"
#include "pario/io.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <unistd.h>
#include "pario/fileutil.h"
#include "pario/guard.h"
#include "h5table.h"
#include "lockfile.h"
#include "signals.h"
#include "h5log_sync.h"
#include "fault.h"
#include "h5err.h"
#include "h5attr.h"

struct pario_h5table {
    MPI_Comm comm;
    int rank, nranks;
    hid_t file, dxpl, dxpl_ind, dset[PARIO_H5TABLE_MAX_COLS];
    pario_h5table_col cols[PARIO_H5TABLE_MAX_COLS];
    int ncols;
    MPI_File fh;      /* the file's MPI-IO handle, once asked for (table_fh) */
    uint64_t rows;    /* rows the datasets have */
    uint64_t width;   /* columns of the 2-D datasets */
    int renamed;      /* 0 while a new table still has its temporary name */
    int force;
    char path[4096], tmp[4200];
    double sync_interval; /* fsync at most this often (seconds; 0: every flush) */
    double last_sync;     /* rank 0's clock at the last fsync */
    int unsynced;         /* flushes since the last fsync */
    uint64_t syncs;       /* flushes that ended in an fsync */
    int fd;               /* rank 0: the file's inode, for space reservations */
    int lock_fd;          /* rank 0: the flock on FILE.lock */
    char lock[4200];
};

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
    int ok = 0;
    H5E_BEGIN_TRY {
        hid_t sp = H5Screate(H5S_SCALAR), ft = ftype, mt = mtype;
        if (strlen_) {
            ft = mt = H5Tcopy(H5T_C_S1);
            H5Tset_size(ft, strlen_);
            H5Tset_strpad(ft, H5T_STR_NULLTERM);
        }
        hid_t a = H5Aexists(loc, name) > 0 ? H5Aopen(loc, name, H5P_DEFAULT)
                                           : H5Acreate2(loc, name, ft, sp, H5P_DEFAULT, H5P_DEFAULT);
        if (a >= 0) {
            ok = H5Awrite(a, mt, v) >= 0 || h5fail(st, "cannot write an attribute", path);
            ok = (H5Aclose(a) >= 0 || h5fail(st, "cannot write an attribute", path)) && ok;
        } else {
            h5fail(st, "cannot create an attribute", path);
        }
        if (strlen_)
            H5Tclose(ft);
        H5Sclose(sp);
    } H5E_END_TRY;
    return ok;
}

int pario_h5table_attr_u64(pario_h5table *t, pario_status *st, const char *name, uint64_t v)
{
    return attr_write(st, t->path, t->file, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &v, 0);
}

int pario_h5table_attr_i64(pario_h5table *t, pario_status *st, const char *name, int64_t v)
{
    return attr_write(st, t->path, t->file, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &v, 0);
}

int pario_h5table_attr_f64(pario_h5table *t, pario_status *st, const char *name, double v)
{
    return attr_write(st, t->path, t->file, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v, 0);
}

int pario_h5table_attr_str(pario_h5table *t, pario_status *st, const char *name, const char *s)
{
    return attr_write(st, t->path, t->file, name, 0, 0, s, strlen(s) + 1);
}

static hid_t mpio_fapl(MPI_Comm comm)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    /* A row writes a few scattered 8-byte pieces: ROMIO's data sieving would
     * read, patch and rewrite a whole block under a lock for them, and two-phase
     * aggregation would shuffle them between ranks first. Measured per 1000
     * rounds of the pi log with 2 ranks: the flush went from 0.07 s to 0.035 s
     * without them. */
    MPI_Info info;
    MPI_Info_create(&info);
    MPI_Info_set(info, "romio_ds_write", "disable");
    MPI_Info_set(info, "romio_cb_write", "disable");
    H5Pset_fapl_mpio(fapl, comm, info);
    MPI_Info_free(&info);
    /* Metadata read by one rank and broadcast. Written by HDF5's default
     * distributed strategy rather than one collective write: that saves two
     * MPI_File_set_view calls (each an allreduce and a barrier) per row. */
    H5Pset_all_coll_metadata_ops(fapl, 1);
    return fapl;
}

pario_h5table *pario_h5table_new(const char *path, const pario_h5table_col *cols, int ncols, MPI_Comm comm)
{
    if (ncols > PARIO_H5TABLE_MAX_COLS)
        return NULL;
    pario_h5table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->comm = comm;
    MPI_Comm_rank(comm, &t->rank);
    MPI_Comm_size(comm, &t->nranks);
    t->file = H5I_INVALID_HID;
    t->fh = MPI_FILE_NULL;
    t->fd = t->lock_fd = -1;
    t->ncols = ncols;
    for (int c = 0; c < ncols; c++) {
        t->cols[c] = cols[c];
        t->dset[c] = H5I_INVALID_HID;
    }
    t->dxpl = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_dxpl_mpio(t->dxpl, H5FD_MPIO_COLLECTIVE);
    /* Collective at the HDF5 level (every rank joins every H5Dwrite), but each
     * rank's 8 bytes leave through its own MPI-IO call: two-phase aggregation of
     * 8-byte pieces costs more than it saves (5x slower per round here). */
    H5Pset_dxpl_mpio_collective_opt(t->dxpl, H5FD_MPIO_INDIVIDUAL_IO);
    t->dxpl_ind = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_dxpl_mpio(t->dxpl_ind, H5FD_MPIO_INDEPENDENT);
    t->last_sync = MPI_Wtime();
    snprintf(t->path, sizeof t->path, "%s", path);
    return t;
}

/* A new table that failed is deleted: free its blocks first, so that HDF5's last
 * metadata writes at close find room on a full disk (a close that fails leaves
 * the file open in HDF5, which then crashes in MPI_Finalize). */
static void discard_tmp(pario_h5table *t)
{
    if (!t->renamed && t->rank == 0 && t->fd >= 0)
        (void)ftruncate(t->fd, 0);
}

static void table_free(pario_h5table *t)
{
    H5E_BEGIN_TRY {
        if (t->file >= 0)
            discard_tmp(t);
        for (int c = 0; c < t->ncols; c++)
            if (t->dset[c] >= 0)
                H5Dclose(t->dset[c]);
        if (t->file >= 0)
            H5Fclose(t->file);
        H5Pclose(t->dxpl);
        H5Pclose(t->dxpl_ind);
    } H5E_END_TRY;
    if (t->fd >= 0) {
        /* give back what a reservation put beyond the end (the size is HDF5's) */
        struct stat sb;
        if (fstat(t->fd, &sb) == 0)
            (void)ftruncate(t->fd, sb.st_size);
        close(t->fd);
    }
    if (t->lock_fd >= 0) {
        /* not removed by a later signal: the name may be another run's by then */
        pario_forget_on_signal(t->lock);
        unlink(t->lock); /* while still holding it */
        close(t->lock_fd);
    }
    free(t);
}

void pario_h5table_free(pario_h5table *t)
{
    if (!t)
        return;
    if (!t->renamed && t->rank == 0 && t->tmp[0])
        unlink(t->tmp);
    table_free(t);
}

/* Space for what the next collective steps may allocate: the chunks of one more
 * block of rows in every dataset, their index nodes and headers, with room to
 * spare. Parallel HDF5 cannot survive a write that fails on one rank inside a
 * collective call (a rank leaves early and the others wait in its barrier), so
 * rank 0 reserves the blocks first, with fallocate, and all ranks agree on that
 * before the call: a full disk stops every rank before HDF5 sees it. */
static uint64_t chunk_width(const pario_h5table *t)
{
    return t->width < 65536 ? (t->width ? t->width : 1) : 65536;
}

static uint64_t reserve_bytes(const pario_h5table *t)
{
    uint64_t b = 0;
    for (int c = 0; c < t->ncols; c++)
        b += t->cols[c].chunk_rows * (t->cols[c].wide ? t->width : 1) * 8;
    return 2 * b + (256u << 10);
}

static pario_status reserve(pario_h5table *t)
{
    pario_status st = pario_ok();
    if (t->rank == 0 && t->fd >= 0) {
        /* HDF5 writes what it allocates by the next flush (chunks are zero-filled
         * when allocated), so the allocated end is near the file's end */
        struct stat sb;
        if (fstat(t->fd, &sb) != 0) {
            st = pario_sys_error(errno, "cannot reserve space for the log", t->path);
        } else {
            /* from 0: any hole left in what is allocated needs blocks too */
            int rc = fallocate(t->fd, FALLOC_FL_KEEP_SIZE, 0, (off_t)((uint64_t)sb.st_size + reserve_bytes(t)));
            if (rc != 0 && errno != EOPNOTSUPP && errno != ENOSYS)
                st = pario_sys_error(errno, "cannot reserve space for the log", t->path);
        }
    }
    pario_agree(&st, t->comm);
    return st;
}

/* Rank 0 holds the table's inode open, for space reservations, and an flock on
 * FILE.lock for as long as it writes (a new table and a reopened one) (a side file: HDF5's
 * readers, pario-plot and h5dump, take flock on the file itself and must still
 * read a log being written). The lock file is removed at close and by an ending signal; a SIGKILLed run
 * leaves it, harmless, as the lock goes with the process. */
static int take_lock(pario_h5table *t, const char *file, pario_status *st)
{
    /* An existing log reached through a symbolic link is written where the
     * link leads: lock it there. Two --resume runs, one naming the link, took
     * two locks and wrote one file at once (the 'ranks' and 'rounds' of one,
     * the rows of the other: the next --resume dropped the rows past the
     * shorter run). A new table is renamed over the name itself. */
    char real[PATH_MAX];
    struct stat ls;
    const char *name = t->path;
    if (file == t->path && lstat(t->path, &ls) == 0 && S_ISLNK(ls.st_mode) && realpath(t->path, real))
        name = real;
    snprintf(t->lock, sizeof t->lock, "%s.lock", name);
    for (int tries = 0; tries < 5; tries++) {
        /* a file of that name that pario did not make (not empty, not a
         * regular file, a symbolic link) is someone's: never locked or removed */
        t->lock_fd = open(t->lock, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (t->lock_fd < 0 && errno == EEXIST) {
            t->lock_fd = open(t->lock, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
            struct stat sb;
            if (t->lock_fd < 0 && errno == ELOOP) {
                *st = pario_error(PARIO_ERR_RUNTIME,
                                  "%s: not a lock file of pario's (a symbolic link): move it away or name another log",
                                  t->lock);
                return 0;
            }
            if (t->lock_fd >= 0 && fstat(t->lock_fd, &sb) == 0 && (!S_ISREG(sb.st_mode) || sb.st_size > 0)) {
                *st = pario_error(PARIO_ERR_RUNTIME,
                                  "%s: not a lock file of pario's (%s, which pario would remove): move it away or name "
                                  "another log",
                                  t->lock, S_ISREG(sb.st_mode) ? "not empty" : pario_file_kind(sb.st_mode));
                close(t->lock_fd);
                t->lock_fd = -1;
                return 0;
            }
            if (t->lock_fd < 0 && errno == ENOENT)
                continue; /* removed by its last holder meanwhile */
        }
        if (t->lock_fd < 0) {
            *st = pario_sys_error(errno, "cannot create the lock file", t->lock);
            return 0;
        }
        if (pario_lockfile_take(t->lock_fd) != 0) {
            *st = errno == EWOULDBLOCK
                      ? pario_error(PARIO_ERR_RUNTIME, "%s: another run is writing this log (%s is locked)", t->path,
                                    t->lock)
                      : pario_sys_error(errno, "cannot lock", t->lock);
            close(t->lock_fd);
            t->lock_fd = -1;
            return 0;
        }
        /* the file locked must still be the one named (the last holder removes it) */
        struct stat a, b;
        if (fstat(t->lock_fd, &a) == 0 && stat(t->lock, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
            /* removed by a signal that ends the run too, as at the close (a
             * SIGTERM left it behind; harmless, but a file the run made) */
            pario_remove_on_signal(t->lock);
            return 1;
        }
        close(t->lock_fd);
        t->lock_fd = -1;
    }
    *st = pario_error(PARIO_ERR_RUNTIME, "%s: another run is writing this log (%s keeps changing)", t->path, t->lock);
    return 0;
}

/* A log with several names (hard links) has a FILE.lock beside each: two
 * --resume runs through two names would both write it. So a log is also
 * locked by its inode: an open-file-description lock on one byte far past its
 * end, which no reader's flock meets (on a local file system), held by the
 * descriptor rank 0 keeps open. Every log, as a link made while a run writes
 * it is a second name too (a hostile-user pass, session 24: a --resume through
 * it wrote 700 rounds the first run's metadata then dropped, both exit 0); but
 * on NFS, where flock is emulated by byte-range locks, it would keep HDF5's
 * readers out, so there only a log that has several names when it is opened. */
static int lock_inode(int fd, const struct stat *sb)
{
    struct statfs fs;
    return sb->st_nlink > 1 || fstatfs(fd, &fs) != 0 || fs.f_type != NFS_SUPER_MAGIC;
}

static pario_status busy_error(const char *path, const struct stat *sb)
{
    if (sb->st_nlink > 1)
        return pario_error(PARIO_ERR_RUNTIME, "%s: another run is writing this log (through another of its %llu names)",
                           path, (unsigned long long)sb->st_nlink);
    return pario_error(PARIO_ERR_RUNTIME, "%s: another run is writing this log (through a name it no longer has)", path);
}

static pario_status lock_links(pario_h5table *t)
{
    struct stat sb;
    if (fstat(t->fd, &sb) != 0 || !lock_inode(t->fd, &sb))
        return pario_ok();
#ifdef F_OFD_SETLK
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = (off_t)1 << 62, .l_len = 1 };
    if (fcntl(t->fd, F_OFD_SETLK, &fl) != 0 && (errno == EAGAIN || errno == EACCES))
        return busy_error(t->path, &sb);
#endif
    return pario_ok();
}

pario_status pario_h5table_check_idle(const char *path)
{
    /* the lock file take_lock would lock: beside the file a symbolic link leads to */
    char real[PATH_MAX], lock[PATH_MAX + 8];
    struct stat ls;
    const char *name = path;
    if (lstat(path, &ls) == 0 && S_ISLNK(ls.st_mode) && realpath(path, real))
        name = real;
    snprintf(lock, sizeof lock, "%s.lock", name);
    if (pario_lockfile_held(lock))
        return pario_error(PARIO_ERR_RUNTIME, "%s: another run is writing this log (%s is locked)", path, lock);
#ifdef F_OFD_GETLK
    struct stat sb;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = (off_t)1 << 62, .l_len = 1 };
        int busy = fstat(fd, &sb) == 0 && lock_inode(fd, &sb) && fcntl(fd, F_OFD_GETLK, &fl) == 0 &&
                   fl.l_type != F_UNLCK;
        close(fd);
        if (busy)
            return busy_error(path, &sb);
    }
#endif
    return pario_ok();
}

static pario_status open_fd(pario_h5table *t, const char *file, int lock)
{
    pario_status st = pario_ok();
    if (t->rank == 0 && (!lock || take_lock(t, file, &st))) {
        t->fd = open(file, O_RDWR | O_CLOEXEC);
        if (t->fd < 0)
            st = pario_sys_error(errno, "cannot open the log for writing", t->path);
        else if (lock)
            st = lock_links(t);
    }
    pario_agree(&st, t->comm);
    return st;
}

pario_status pario_h5table_create(pario_h5table *t, int force, uint64_t width)
{
    pario_status st = pario_ok();
    if (t->rank == 0) {
        struct stat sb;
        /* lstat: a symbolic link to nowhere is a name the log would take too
         * (it ended the run at the publication: "cannot rename ...: File exists") */
        if (!force && stat(t->path, &sb) == 0)
            st = pario_error(PARIO_ERR_RUNTIME, "%s exists: give --force to replace it or --resume to continue it",
                             t->path);
        else if (!force && lstat(t->path, &sb) == 0)
            st = pario_error(PARIO_ERR_RUNTIME, "%s exists, a symbolic link to a file that does not: give --force to "
                             "replace the link", t->path);
    }
    if (pario_agree(&st, t->comm)) {
        pario_h5table_free(t);
        return st;
    }
    t->force = force;
    t->width = width;
    pario_tmp_path(t->path, t->tmp, sizeof t->tmp, t->comm);
    /* Room first: an HDF5 file that cannot be flushed cannot be closed either (and
     * then crashes MPI_Finalize). The creation truncates this trial reservation;
     * the one after the layout is the one that stays. */
    if (t->rank == 0) {
        int fd = open(t->tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd < 0) {
            st = pario_sys_error(errno, "cannot create the log", t->path);
        } else {
            if (fallocate(fd, 0, 0, (off_t)reserve_bytes(t)) != 0 && errno != EOPNOTSUPP && errno != ENOSYS)
                st = pario_sys_error(errno, "cannot reserve space for the log", t->path);
            close(fd);
            if (pario_failed(&st))
                unlink(t->tmp);
        }
    }
    if (pario_agree(&st, t->comm)) {
        pario_h5table_free(t);
        return st;
    }
    hid_t fapl = mpio_fapl(t->comm);
    char mname[PARIO_PATH_MAX + 40];
    H5E_BEGIN_TRY {
        t->file = H5Fcreate(pario_mpi_path(t->tmp, mname, sizeof mname), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    } H5E_END_TRY;
    H5Pclose(fapl);
    if (t->file < 0)
        st = pario_h5_error("cannot create the log", t->path);
    else if (pario_fault(PARIO_FAULT_OPEN))
        st = pario_sys_error(EACCES, "cannot create the log", t->path);
    /* locked from the start, as a reopened table is: a --resume of the same log
     * while this run writes it would write the file beside it (a hostile-user
     * pass, session 12: half the samples of some rounds lost) */
    if (!pario_agree(&st, t->comm))
        st = open_fd(t, t->tmp, 1);
    if (pario_failed(&st))
        pario_h5table_free(t);
    return st;
}

pario_status pario_h5table_create_columns(pario_h5table *t)
{
    pario_status st = pario_ok();
    H5E_BEGIN_TRY {
        for (int c = 0; c < t->ncols && !pario_failed(&st); c++) {
            const pario_h5table_col *col = &t->cols[c];
            int nd = col->wide ? 2 : 1;
            hsize_t dims[2] = { 0, t->width }, maxd[2] = { H5S_UNLIMITED, H5S_UNLIMITED };
            hsize_t chunk[2] = { col->chunk_rows, chunk_width(t) };
            hid_t sp = H5Screate_simple(nd, dims, maxd);
            hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
            H5Pset_chunk(dcpl, nd, chunk);
            static const char zero[8] = { 0 };
            H5Pset_fill_value(dcpl, col->mtype, col->fill ? col->fill : zero);
            t->dset[c] = H5Dcreate2(t->file, col->name, col->ftype, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
            H5Pclose(dcpl);
            H5Sclose(sp);
            if (t->dset[c] < 0)
                h5fail(&st, "cannot create a dataset", t->path);
            pario_agree(&st, t->comm); /* creation is collective: agree before the next */
        }
    } H5E_END_TRY;
    if (!pario_failed(&st))
        st = reserve(t); /* the headers just allocated are written at the first flush */
    if (pario_failed(&st))
        pario_h5table_free(t);
    return st;
}

pario_status pario_h5table_create_layout(pario_h5table *t, const pario_h5table_attr *a, int n)
{
    pario_status st = pario_ok();
    /* each attribute is collective in parallel HDF5: agree after each */
    for (int k = 0; k < n && !pario_failed(&st); k++) {
        int ok = a[k].kind == 'u'   ? pario_h5table_attr_u64(t, &st, a[k].name, a[k].u)
                 : a[k].kind == 'i' ? pario_h5table_attr_i64(t, &st, a[k].name, a[k].i)
                 : a[k].kind == 'f' ? pario_h5table_attr_f64(t, &st, a[k].name, a[k].f)
                                    : pario_h5table_attr_str(t, &st, a[k].name, a[k].s);
        if (!ok && !pario_failed(&st))
            st = pario_error(PARIO_ERR_RUNTIME, "%s: cannot write the log's layout", t->path);
        pario_agree(&st, t->comm);
    }
    if (pario_failed(&st)) {
        pario_h5table_free(t);
        return st;
    }
    return pario_h5table_create_columns(t);
}

/* Whether dataset d allocates its space when it is made or extended, as every
 * dataset made in parallel does: one made serially (h5py's default) allocates
 * chunks at their first write, which rank 0's independent writes cannot do in
 * parallel (MPI-IO said "Invalid displacement argument" at the first new row). */
static int allocates_early(hid_t d)
{
    hid_t dcpl = H5Dget_create_plist(d);
    H5D_alloc_time_t at = H5D_ALLOC_TIME_ERROR;
    if (dcpl >= 0) {
        H5Pget_alloc_time(dcpl, &at);
        H5Pclose(dcpl);
    }
    return at == H5D_ALLOC_TIME_EARLY;
}

pario_status pario_h5table_reopen(pario_h5table *t, uint64_t rows, uint64_t width)
{
    t->renamed = 1;
    t->rows = rows;
    t->width = width;
    pario_status st = open_fd(t, t->path, 1);
    if (!pario_failed(&st)) {
        hid_t fapl = mpio_fapl(t->comm);
        char mname[PARIO_PATH_MAX + 8];
        H5E_BEGIN_TRY { t->file = H5Fopen(pario_mpi_path(t->path, mname, sizeof mname), H5F_ACC_RDWR, fapl); } H5E_END_TRY;
        H5Pclose(fapl);
        if (t->file < 0)
            st = pario_h5_error("cannot open the log for writing", t->path);
        else if (pario_fault(PARIO_FAULT_OPEN))
            st = pario_sys_error(EACCES, "cannot open the log for writing", t->path);
        if (!pario_agree(&st, t->comm))
            st = reserve(t);
    }
    H5E_BEGIN_TRY {
        /* every column checked before any changes: a refused log is left as
         * it was (the first columns were cut to the rows asked for before a
         * later one was refused: finished epochs lost) */
        for (int c = 0; c < t->ncols && !pario_failed(&st); c++) {
            if (pario_h5_is_link(t->file, t->cols[c].name))   /* (the serial reads refuse it first) */
                st = pario_error(PARIO_ERR_RUNTIME, "%s: /%s is a link, not a dataset of the log", t->path,
                                 t->cols[c].name);
            else if ((t->dset[c] = H5Dopen2(t->file, t->cols[c].name, H5P_DEFAULT)) < 0)
                h5fail(&st, "cannot prepare the log for more rows", t->path);
            else if (!allocates_early(t->dset[c]))
                st = pario_error(PARIO_ERR_RUNTIME, "%s: /%s was not made in parallel (its chunks are allocated at "
                                 "their first write, h5py's default): parallel HDF5 cannot continue it",
                                 t->path, t->cols[c].name);
            pario_agree(&st, t->comm); /* before the next collective call */
        }
        for (int c = 0; c < t->ncols && !pario_failed(&st); c++) {
            hsize_t dims[2] = { t->rows, t->width };
            /* drops half-written rows; adds columns */
            if (H5Dset_extent(t->dset[c], dims) < 0)
                h5fail(&st, "cannot prepare the log for more rows", t->path);
            pario_agree(&st, t->comm);
        }
        /* the rows dropped are refilled through the chunk cache, which wrote
         * them out at the close, over the row this run wrote there since: a
         * resumed half-written epoch stayed fill values (a hostile-user pass) */
        if (!pario_failed(&st) && H5Fflush(t->file, H5F_SCOPE_LOCAL) < 0)
            h5fail(&st, "cannot flush the log", t->path);
        pario_agree(&st, t->comm);
    } H5E_END_TRY;
    if (pario_failed(&st))
        pario_h5table_free(t);
    return st;
}


hid_t pario_h5table_file(const pario_h5table *t)
{
    return t->file;
}

pario_status pario_h5table_extend(pario_h5table *t, uint64_t row)
{
    pario_status st = pario_ok();
    if (row + 1 <= t->rows)
        return st;
    /* a new block of rows allocates (and fills) chunks: reserve the space first */
    int block = t->rows == 0;
    for (int c = 0; c < t->ncols; c++)
        block |= row % t->cols[c].chunk_rows == 0;
    if (block)
        st = reserve(t);
    /* every rank makes every collective call; a failure stops all before the next */
    H5E_BEGIN_TRY {
        for (int c = 0; c < t->ncols && !pario_failed(&st); c++) {
            hsize_t dims[2] = { row + 1, t->width };
            if (H5Dset_extent(t->dset[c], dims) < 0)
                h5fail(&st, "cannot extend the log", t->path);
            pario_agree(&st, t->comm);
        }
    } H5E_END_TRY;
    if (!pario_failed(&st))
        t->rows = row + 1;
    return st;
}

int pario_h5table_write(pario_h5table *t, int c, uint64_t row, uint64_t col, uint64_t n, const void *v,
                        int collective, pario_status *st)
{
    if (!collective && t->rank != 0)
        return 1;
    int ok = 0;
    H5E_BEGIN_TRY {
        hid_t fs = H5Dget_space(t->dset[c]);
        hsize_t cnt[2] = { 1, n }, start[2] = { row, col };
        hid_t ms = H5Screate_simple(1, &cnt[1], NULL);
        ok = fs >= 0 && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, cnt, NULL) >= 0;
        /* a collective write is joined by every rank, even after a local failure */
        if (H5Dwrite(t->dset[c], t->cols[c].mtype, ms, fs, collective ? t->dxpl : t->dxpl_ind, v) < 0)
            ok = h5fail(st, "cannot write to the log", t->path);
        if (ms >= 0)
            H5Sclose(ms);
        if (fs >= 0)
            H5Sclose(fs);
    } H5E_END_TRY;
    int fault = ok ? pario_fault(PARIO_FAULT_H5WRITE) : 0;
    if (fault && !pario_failed(st))
        *st = pario_sys_error(fault, "cannot write to the log", t->path), ok = 0;
    return ok;
}

/* New table: give it its final name once its first row is on disk. */
static pario_status publish(pario_h5table *t)
{
    pario_status st = pario_ok();
    if (t->rank == 0) {
        int rc;
        if (t->force) {
            rc = pario_rename_over(t->tmp, t->path); /* a private log replaced stays private */
        } else {
            /* link() fails rather than replace a file that appeared meanwhile */
            rc = link(t->tmp, t->path);
            if (rc == 0)
                unlink(t->tmp);
        }
        if (rc != 0)
            st = pario_error(PARIO_ERR_RUNTIME, "%s: cannot rename the new log into place: %s", t->path,
                             strerror(errno));
    }
    if (!pario_agree(&st, t->comm))
        t->renamed = 1;
    return st;
}

/* Rank 0: does the log's name still lead to the file the run writes? A log
 * deleted mid-run (its directory with it) or moved away lost its rows with
 * exit 0; now the next flush or the close fails (agreed by the caller). */
static pario_status still_named(const pario_h5table *t)
{
    struct stat a, b;
    if (t->rank != 0 || !t->renamed || t->fd < 0 || fstat(t->fd, &b) != 0)
        return pario_ok();
    if (stat(t->path, &a) != 0)   /* no other name left: removed; else moved away */
        return pario_error(PARIO_ERR_RUNTIME, "%s: the log was %s while the run wrote it (%s)", t->path,
                           b.st_nlink == 0 ? "removed" : "moved away", strerror(errno));
    if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
        return pario_error(PARIO_ERR_RUNTIME, "%s: the log was replaced while the run wrote it (the name leads to "
                           "another file now)", t->path);
    return pario_ok();
}

/* The file's MPI-IO handle: HDF5's MPI-IO driver hands out a pointer to it
 * (the access list matters only to the family and multi drivers). */
static MPI_File table_fh(pario_h5table *t)
{
    void *h = NULL;
    if (t->fh == MPI_FILE_NULL && H5Fget_vfd_handle(t->file, H5P_FILE_ACCESS_DEFAULT, &h) >= 0 && h)
        t->fh = *(MPI_File *)h;
    return t->fh;
}

pario_status pario_h5table_flush(pario_h5table *t)
{
    pario_status st = pario_ok();
    /* Every rank flushes (collective), then one agreement. The flush puts the
     * row in the file; its fsync is paid when rank 0's clock says the interval
     * is up, and for the first row of a new table before it takes its name. */
    int sync = !t->renamed || t->sync_interval <= 0;
    if (!sync) {
        if (t->rank == 0)
            sync = MPI_Wtime() - t->last_sync >= t->sync_interval;
        MPI_Bcast(&sync, 1, MPI_INT, 0, t->comm);
    }
    pario_h5log_skip_sync(sync ? MPI_FILE_NULL : table_fh(t));
    int fault = 0, rc;
    H5E_BEGIN_TRY { rc = H5Fflush(t->file, H5F_SCOPE_GLOBAL); } H5E_END_TRY;
    if (rc < 0)
        h5fail(&st, "cannot flush the log", t->path);
    else if ((fault = pario_fault(PARIO_FAULT_H5FLUSH)))
        st = pario_sys_error(fault, "cannot flush the log", t->path);
    else if (sync && (fault = pario_fault(PARIO_FAULT_SYNC)))
        st = pario_sys_error(fault, "fsync", t->path);
    /* a skip the program's interposer did not take was an fsync: count it */
    int skipped = pario_h5log_sync_skipped();
    pario_h5log_skip_sync(MPI_FILE_NULL);
    t->unsynced = !sync;
    if (sync)
        t->last_sync = MPI_Wtime();
    if (sync || !skipped)
        t->syncs++;
    if (!pario_failed(&st))
        st = still_named(t);
    if (!pario_agree(&st, t->comm) && !t->renamed)
        st = publish(t);
    return st;
}

pario_status pario_h5table_close(pario_h5table *t)
{
    if (!t)
        return pario_ok();
    pario_status st = pario_ok();
    H5E_BEGIN_TRY {
        for (int c = 0; c < t->ncols; c++)
            if (t->dset[c] >= 0)
                H5Dclose(t->dset[c]); /* a failure here shows in H5Fclose */
        for (int c = 0; c < t->ncols; c++)
            t->dset[c] = H5I_INVALID_HID;
        discard_tmp(t);
        /* H5Fclose does not fsync: the last rows are made durable here */
        int fault = 0;
        if (t->unsynced) {
            if (H5Fflush(t->file, H5F_SCOPE_GLOBAL) < 0)
                h5fail(&st, "cannot flush the log", t->path);
            else if ((fault = pario_fault(PARIO_FAULT_SYNC)))
                st = pario_sys_error(fault, "fsync", t->path);
        }
        pario_agree(&st, t->comm);
        if (H5Fclose(t->file) < 0)
            h5fail(&st, "cannot close the log", t->path);
        else if ((fault = pario_fault(PARIO_FAULT_H5FLUSH)))
            st = pario_sys_error(fault, "cannot close the log", t->path);
        t->file = H5I_INVALID_HID;
    } H5E_END_TRY;
    if (!t->renamed && t->rank == 0)
        unlink(t->tmp);
    if (!pario_failed(&st))
        st = still_named(t);
    pario_agree(&st, t->comm);
    table_free(t);
    return st;
}

void pario_h5table_set_sync_interval(pario_h5table *t, double seconds)
{
    t->sync_interval = seconds > 0 ? seconds : 0;
}

uint64_t pario_h5table_syncs(const pario_h5table *t)
{
    return t->syncs + (uint64_t)t->unsynced; /* close adds one */
}

uint64_t pario_h5table_rows(const pario_h5table *t) { return t->rows; }
int pario_h5table_published(const pario_h5table *t) { return t->renamed; }
int pario_h5table_rank(const pario_h5table *t) { return t->rank; }
int pario_h5table_nranks(const pario_h5table *t) { return t->nranks; }
MPI_Comm pario_h5table_comm(const pario_h5table *t) { return t->comm; }
