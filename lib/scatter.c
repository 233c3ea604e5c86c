#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include "pario/fileutil.h"
#include "pario/parts.h"
#include "fault.h"
#include "lockfile.h"
#include "sink.h"

/* Rank 0: copy the input's header (its first ds->offset bytes) to the start of
 * part 0, which keeps them as its own header for pario-gather to put back. */
static pario_status copy_header(const pario_dataset *ds, FILE *out, const char *path)
{
    FILE *in = fopen(ds->path, "rb");
    if (!in)
        return pario_error(PARIO_ERR_RUNTIME, "%s: %s", ds->path, strerror(errno));
    char buf[65536];
    uint64_t left = ds->offset;
    pario_status st = pario_ok();
    while (left && !pario_failed(&st)) {
        size_t n = left < sizeof buf ? (size_t)left : sizeof buf;
        if (fread(buf, 1, n, in) != n)
            st = pario_error(PARIO_ERR_RUNTIME, "%s: cannot read its %llu-byte header", ds->path,
                             (unsigned long long)ds->offset);
        else if (fwrite(buf, 1, n, out) != n)
            st = pario_error(PARIO_ERR_RUNTIME, "%s: write failed: %s", path, strerror(errno));
        left -= n;
    }
    fclose(in);
    return st;
}

void pario_part_path(const char *prefix, int rank, char *out, size_t len)
{
    snprintf(out, len, "%s.%d", prefix, rank);
}

/* Create this rank's part file under its temporary name, positioned where the
 * data go: raw (part 0 with the whole's header first), or through the .npy and
 * HDF5 sinks (numpy's header; a new HDF5 file with the dataset contiguous,
 * allocated, and its attributes), then the data at their offset. */
static pario_status create_part(const pario_dataset *ds, pario_dataset *pd, int format, const char *tmp,
                                FILE **out)
{
    int rank = pd->part.rank;
    uint64_t at = 0;
    pario_status st = pario_ok();
    FILE *f = NULL;
    *out = NULL;
    if (format == PARIO_SOURCE_RAW) {
        f = pario_fault_create(tmp, "wb");
        if (!f)
            return pario_sys_error(errno, "cannot create", pd->path);
        if (rank == 0 && pd->offset)
            st = copy_header(ds, f, pd->path);
        if (pario_failed(&st)) {
            fclose(f);
            remove(tmp);
            return st;
        }
        *out = f;
        return st;
    }
    if (format == PARIO_SOURCE_NPY) {
        st = pario_sink_npy_create(pd, tmp);
        at = pd->offset;
    } else {
        char dist[64], source[PARIO_PATH_MAX + 1040];
        snprintf(dist, sizeof dist, "%s", pd->part.dist);
        snprintf(source, sizeof source, "%s%s%s", ds->path, ds->dataset[0] ? ":" : "", ds->dataset);
        struct pario_sink_meta meta = { "pario-scatter", source, dist, &pd->part, 1 };
        st = pario_sink_h5_create(pd, tmp, &meta, &at);
    }
    if (pario_failed(&st))
        return st;
    f = fopen(tmp, "r+b");
    if (!f || fseeko(f, (off_t)at, SEEK_SET) != 0) {
        st = pario_sys_error(errno, "cannot write", pd->path);
        if (f)
            fclose(f);
        remove(tmp);
        return st;
    }
    *out = f;
    return st;
}

/* The run's id, alike on every rank: 64 random bits from rank 0 (the clock
 * and the PID where the kernel has none), so that pario-gather can tell the
 * parts of one run from another's. */
static void run_id(char out[17], MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    uint64_t id = 0;
    if (rank == 0 && getrandom(&id, sizeof id, GRND_NONBLOCK) != (ssize_t)sizeof id) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        id = ((uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec) ^ ((uint64_t)getpid() << 40);
    }
    MPI_Bcast(&id, 1, MPI_UINT64_T, 0, comm);
    snprintf(out, 17, "%016llx", (unsigned long long)id);
}

pario_status pario_scatter(const pario_dataset *ds, const pario_view *view, const char *prefix, int format,
                           const pario_io_opts *io, pario_progress *progress, uint64_t *bytes, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    char path[PARIO_PATH_MAX], tmp[PARIO_PATH_MAX + 32], desc[PARIO_PATH_MAX + 8];
    /* the parts of a Fortran-order array would be pieces of its stored transpose,
     * and gather would give back that transpose, not numpy's array (the same on
     * every rank: the inspection's) */
    pario_status fst = pario_dataset_need_c_order(ds, "the parts would hold its transpose");
    if (pario_failed(&fst))
        return fst;
    pario_part_path_as(prefix, rank, format, path, sizeof path);
    pario_tmp_path(path, tmp, sizeof tmp, comm);
    pario_desc_default_path(path, desc, sizeof desc);
    *bytes = 0;

    pario_io_opts o = *io;
    o.raw = 1; /* the part keeps the stored byte order: gather gives back the same bytes */
    /* a raw file's header travels with raw part 0 (gather puts it back); the header of
     * an .npy or HDF5 file is its format's own, and the parts are plain raw data */
    const uint64_t header = ds->format == PARIO_SOURCE_RAW ? ds->offset : 0;
    pario_status st = pario_ok();
    if (header && format != PARIO_SOURCE_RAW)
        st = pario_error(PARIO_ERR_USAGE, "%s: has a %llu-byte header, which only raw parts carry back to "
                         "pario-gather: use --part-format raw", ds->path, (unsigned long long)header);
    /* the part as a dataset: its shape, the whole's dtype and byte order, its place */
    pario_dataset pd;
    memset(&pd, 0, sizeof pd);
    pd.dtype = ds->dtype;
    pd.big_endian = ds->big_endian;
    pario_dataset_set_shape(&pd, view->local_ndims, view->local_shape);
    if (!pario_failed(&st) && format == PARIO_SOURCE_RAW) {
        snprintf(pd.path, sizeof pd.path, "%s", path);
        pd.offset = rank == 0 ? header : 0;
    } else if (!pario_failed(&st)) {
        char name[PARIO_PATH_MAX + 16];
        snprintf(name, sizeof name, "%s%s", path, format == PARIO_SOURCE_HDF5 ? ":" PARIO_PART_H5_DATASET : "");
        st = pario_dataset_set_output(&pd, name); /* .npy: the header's length; HDF5: the dataset */
    }
    /* the part's place (after set_output, which clears it) */
    pd.part.present = 1;
    pd.part.rank = rank;
    pd.part.nranks = size;
    pario_dist_format(&view->dist, pd.part.dist, sizeof pd.part.dist);
    pd.part.ndims = ds->ndims;
    pd.part.shape[0] = ds->shape[0];
    pd.part.shape[1] = ds->shape[1];
    pd.part.offset = format == PARIO_SOURCE_RAW ? header : 0;
    run_id(pd.part.run, comm);
    FILE *f = NULL;
    if (!pario_failed(&st))
        st = create_part(ds, &pd, format, tmp, &f);
    if (pario_agree(&st, comm)) {
        if (f)
            fclose(f), remove(tmp);
        return st;
    }
    pario_reader *r;
    st = pario_reader_open(&r, ds, view, &o, comm);
    if (!pario_failed(&st)) {
        const void *data;
        size_t n;
        uint64_t start;
        while (pario_reader_next(r, &data, &n, &start, &st)) {
            int fault = 0;
            if (n && (fwrite(data, view->esize, n, f) != n || (fault = pario_fault(PARIO_FAULT_WRITE))))
                st = pario_sys_error(fault ? fault : errno, "write failed", path);
            if (progress)
                pario_progress_update(progress, pario_reader_bytes(r));
        }
        *bytes = pario_reader_bytes(r);
        pario_reader_close(r);
    }
    if (fclose(f) != 0 && !pario_failed(&st))
        st = pario_sys_error(errno, "write failed", path);
    /* each part's descriptor under its temporary name too (a .npy part's also
     * describes its bytes): a full disk there fails before any rename */
    if (!pario_failed(&st) && format != PARIO_SOURCE_HDF5)
        st = pario_desc_write_tmp(&pd, desc);
    /* every rank wrote its part and its descriptor: only then does any part take its name */
    if (pario_agree(&st, comm)) {
        remove(tmp);
        if (format != PARIO_SOURCE_HDF5)
            pario_discard_tmp(desc);
        return st; /* the old parts, if any, as they were */
    }
    st = pario_lockfile_output_check(path);   /* a log another run began writing under this part's name */
    if (pario_agree(&st, comm)) {
        remove(tmp);
        if (format != PARIO_SOURCE_HDF5)
            pario_discard_tmp(desc);
        return st;
    }
    pario_signals_hold(); /* a SIGTERM waits for the part's two renames */
    /* each rank's earlier part and descriptor kept until every rank has renamed
     * its own: a failed rename anywhere puts them back (it removed every part,
     * the earlier output with them: a hostile-user pass, session 21) */
    char keep[PARIO_PATH_MAX + 40], dkeep[PARIO_PATH_MAX + 40];
    int kept = pario_keep_old(path, keep, sizeof keep);
    int dkept = format != PARIO_SOURCE_HDF5 && pario_keep_old(desc, dkeep, sizeof dkeep);
    int moved = 0, dmoved = 0;
    if (pario_rename_over(tmp, path) != 0) {
        st = pario_error(PARIO_ERR_RUNTIME, "%s: cannot rename into place: %s", path, strerror(errno));
    } else {
        moved = 1;
        if (format != PARIO_SOURCE_HDF5) {
            st = pario_commit_tmp(desc);
            dmoved = !pario_failed(&st);
        }
    }
    pario_signals_release();
    if (pario_agree(&st, comm)) {
        /* all or nothing: every rank's earlier part back, or a new part removed */
        remove(tmp);
        if (moved)
            pario_restore_old(path, keep, kept);
        else
            pario_drop_old(keep, kept);
        if (format != PARIO_SOURCE_HDF5) {
            pario_discard_tmp(desc);
            if (dmoved)
                pario_restore_old(desc, dkeep, dkept);
            else
                pario_drop_old(dkeep, dkept);
        }
        return st;
    }
    pario_drop_old(keep, kept);
    pario_drop_old(dkeep, dkept);
    return st;
}
