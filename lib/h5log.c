/* Writing the pario-pi log collectively with parallel HDF5 (see pario/h5log.h). */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <hdf5.h>
#include "pario/fileutil.h"
#include "pario/h5log.h"
#include "h5log_sync.h"
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

static int attr_write(hid_t loc, const char *name, hid_t ftype, hid_t mtype, const void *v, size_t strlen_)
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
        ok = H5Awrite(a, mt, v) >= 0;
        ok = H5Aclose(a) >= 0 && ok;
    }
    if (strlen_)
        H5Tclose(ft);
    H5Sclose(sp);
    return ok;
}

static int attr_u64(hid_t loc, const char *name, uint64_t v)
{
    return attr_write(loc, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &v, 0);
}

static int attr_i64(hid_t loc, const char *name, int64_t v)
{
    return attr_write(loc, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &v, 0);
}

static int attr_str(hid_t loc, const char *name, const char *s)
{
    return attr_write(loc, name, 0, 0, s, strlen(s) + 1);
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

static void log_free(pario_h5log *l)
{
    for (int d = 0; d < ND; d++)
        if (l->dset[d] >= 0)
            H5Dclose(l->dset[d]);
    if (l->file >= 0)
        H5Fclose(l->file);
    H5Pclose(l->dxpl);
    H5Pclose(l->dxpl_ind);
    free(l);
}

static int create_datasets(pario_h5log *l)
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

pario_status pario_h5log_create(pario_h5log **out, const char *path, const pario_pi_params *p, int force,
                                MPI_Comm comm)
{
    *out = NULL;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* our own one-line errors, not HDF5's stack */
    pario_h5log *l = log_new(path, p->method, comm);
    pario_status st = l ? pario_ok() : pario_error(PARIO_ERR_RUNTIME, "out of memory");
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
    hid_t fapl = mpio_fapl(comm);
    l->file = H5Fcreate(l->tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (l->file < 0) {
        /* HDF5 does not say why; ask the file system */
        const char *why = "HDF5 create failed";
        FILE *f = fopen(l->tmp, "wb");
        if (!f)
            why = strerror(errno);
        else
            fclose(f);
        st = pario_error(PARIO_ERR_RUNTIME, "%s: cannot create the log: %s", path, why);
    }
    if (pario_agree(&st, comm)) {
        if (l->rank == 0)
            unlink(l->tmp);
        log_free(l);
        return st;
    }
    /* Attributes and datasets: collective, the same arguments on every rank. */
    char start[40] = "";
    if (l->rank == 0)
        iso_now(start, sizeof start);
    MPI_Bcast(start, sizeof start, MPI_CHAR, 0, comm);
    int ok = attr_u64(l->file, "seed", p->seed) && attr_i64(l->file, "ranks", l->nranks) &&
             attr_u64(l->file, "samples_per_round", p->samples) && attr_u64(l->file, "rounds", p->rounds) &&
             attr_str(l->file, "method", pario_pi_method_name(p->method)) &&
             attr_str(l->file, "generator", p->method == PARIO_PI_DARTS ? PARIO_RNG_NAME : "none") &&
             attr_str(l->file, "pario_version", PACKAGE_VERSION) && attr_str(l->file, "start_time", start) &&
             create_datasets(l);
    if (!ok)
        st = pario_error(PARIO_ERR_RUNTIME, "%s: cannot write the log's layout", path);
    if (pario_agree(&st, comm)) {
        if (l->rank == 0)
            unlink(l->tmp);
        log_free(l);
        return st;
    }
    *out = l;
    return st;
}

pario_status pario_h5log_reopen(pario_h5log **out, const char *path, const pario_pi_history *h,
                                const pario_pi_params *p, MPI_Comm comm)
{
    *out = NULL;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    pario_h5log *l = log_new(path, h->p.method, comm);
    pario_status st = l ? pario_ok() : pario_error(PARIO_ERR_RUNTIME, "out of memory");
    if (pario_agree(&st, comm)) {
        if (l)
            log_free(l);
        return st;
    }
    l->renamed = 1;
    l->rows = h->rounds;
    l->cols = h->cols > (uint64_t)l->nranks ? h->cols : (uint64_t)l->nranks;
    hid_t fapl = mpio_fapl(comm);
    l->file = H5Fopen(path, H5F_ACC_RDWR, fapl);
    H5Pclose(fapl);
    if (l->file < 0)
        st = pario_error(PARIO_ERR_RUNTIME, "%s: cannot open the log for writing", path);
    if (pario_agree(&st, comm)) {
        log_free(l);
        return st;
    }
    const char *const *names = dset_names(l->method);
    int ok = 1;
    for (int d = 0; d < ND && ok; d++) {
        l->dset[d] = H5Dopen2(l->file, names[d], H5P_DEFAULT);
        hsize_t dims[2] = { l->rows, l->cols };
        /* Drops half-written rounds; adds the columns of new ranks. */
        ok = l->dset[d] >= 0 && H5Dset_extent(l->dset[d], dims) >= 0;
    }
    if (ok && l->cols > h->cols)
        ok = attr_i64(l->file, "ranks", (int64_t)l->cols);
    if (ok && p->rounds != h->p.rounds && p->rounds >= h->rounds)
        ok = attr_u64(l->file, "rounds", p->rounds);
    if (ok)
        ok = H5Fflush(l->file, H5F_SCOPE_GLOBAL) >= 0;
    if (!ok)
        st = pario_error(PARIO_ERR_RUNTIME, "%s: cannot prepare the log for more rounds", path);
    if (pario_agree(&st, comm)) {
        log_free(l);
        return st;
    }
    *out = l;
    return st;
}

/* Write one element of a [rounds x ranks] dataset collectively (every rank its
 * own), or rank 0's element of a [rounds] dataset independently: the running
 * values exist only on rank 0, and a collective call per value would cost the
 * other ranks three more synchronisations per round for nothing. */
static int write_elem(pario_h5log *l, int d, uint64_t row, const void *v)
{
    int coll = is_2d(d);
    if (!coll && l->rank != 0)
        return 1;
    hid_t fs = H5Dget_space(l->dset[d]);
    hsize_t one[2] = { 1, 1 }, start[2] = { row, (hsize_t)l->rank };
    hid_t ms = H5Screate_simple(1, one, NULL);
    int ok = fs >= 0 && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, one, NULL) >= 0;
    /* a collective write is joined by every rank, even after a local failure */
    ok = H5Dwrite(l->dset[d], native_type(l->method, d), ms, fs, coll ? l->dxpl : l->dxpl_ind, v) >= 0 && ok;
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

pario_status pario_h5log_append(pario_h5log *l, const pario_pi_logrow *row)
{
    double t0 = MPI_Wtime();
    pario_status st = pario_ok();
    int ok = 1;
    if (row->round + 1 > l->rows) {
        /* every rank makes every collective call, whatever failed before */
        for (int d = 0; d < ND; d++) {
            hsize_t dims[2] = { row->round + 1, l->cols };
            ok = H5Dset_extent(l->dset[d], dims) >= 0 && ok;
        }
        if (ok)
            l->rows = row->round + 1;
    }
    /* Per-rank data first, the running estimate last: a row whose estimate is on
     * disk is complete (pario_h5log_read checks it anyway). */
    const void *vals[ND] = { l->method == PARIO_PI_MIDPOINT ? (const void *)&row->sum : (const void *)&row->hits,
                             &row->samples, &row->estimate, &row->std_err, &row->time };
    static const int order[ND] = { D_VALUE, D_SAMPLES, D_TIME, D_STDERR, D_ESTIMATE };
    for (int i = 0; i < ND; i++) {
        int d = order[i];
        ok = write_elem(l, d, row->round, vals[d]) && ok;
    }
    if (!ok)
        st = pario_error(PARIO_ERR_RUNTIME, "%s: cannot write round %llu to the log", l->path,
                         (unsigned long long)row->round);
    /* Every rank flushes (collective) whatever happened, then one agreement.
     * The flush puts the round in the file; its fsync is paid when rank 0's
     * clock says the interval is up, and for the first round of a new log
     * before it takes its final name. */
    int sync = !l->renamed || l->sync_interval <= 0;
    if (!sync) {
        if (l->rank == 0)
            sync = MPI_Wtime() - l->last_sync >= l->sync_interval;
        MPI_Bcast(&sync, 1, MPI_INT, 0, l->comm);
    }
    pario_h5log_skip_sync(sync ? MPI_FILE_NULL : log_fh(l));
    if (H5Fflush(l->file, H5F_SCOPE_GLOBAL) < 0 && !pario_failed(&st))
        st = pario_error(PARIO_ERR_RUNTIME, "%s: cannot flush the log", l->path);
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
    l->seconds += MPI_Wtime() - t0;
    return st;
}

pario_status pario_h5log_close(pario_h5log *l)
{
    if (!l)
        return pario_ok();
    for (int d = 0; d < ND; d++)
        if (l->dset[d] >= 0)
            H5Dclose(l->dset[d]); /* a failure here shows in H5Fclose */
    for (int d = 0; d < ND; d++)
        l->dset[d] = H5I_INVALID_HID;
    pario_status st = pario_ok();
    /* H5Fclose does not fsync: the last rounds are made durable here */
    if (l->unsynced && H5Fflush(l->file, H5F_SCOPE_GLOBAL) < 0)
        st = pario_error(PARIO_ERR_RUNTIME, "%s: cannot flush the log", l->path);
    if (H5Fclose(l->file) < 0)
        st = pario_error(PARIO_ERR_RUNTIME, "%s: cannot close the log", l->path);
    l->file = H5I_INVALID_HID;
    if (!l->renamed && l->rank == 0)
        unlink(l->tmp);
    pario_agree(&st, l->comm);
    log_free(l);
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
