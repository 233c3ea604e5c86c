/* Inputs cut into tasks and run through the pool (tasks.h): a task is a range of
 * one input's elements of at most task_bytes; the rank that draws it hands it to
 * the caller in pieces of at most a chunk. An input in the host's byte order is
 * read through a memory map of its elements (io_map.h: no copy, as the static
 * path reads a contiguous part), kept while the rank's tasks stay in that input;
 * any other, or with --no-mmap, with independent MPI-IO (the file opened on
 * MPI_COMM_SELF, kept open likewise), its byte order converted. */
#include "config.h"
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "fault.h"
#include "io_internal.h"
#include "io_map.h"
#include "pario/fileutil.h"
#include "slow.h"
#include "tasks_internal.h"

/* An opened input as it travels: its status and dataset, whose bytes are
 * mostly the zeros after the ends of their strings (a pario_dataset is about
 * 11 KB, its paths 4 KiB each), so they travel squeezed: runs of zeros as a
 * count, the rest as it is, in tokens of (u16 zeros, u16 literal bytes,
 * the literal bytes). 5,000 inputs gathered whole were 58 MB to every rank
 * (10 s at 3 ranks on 2 cores); squeezed, about 1.5 MB. */
struct opened {
    pario_status st;
    pario_dataset ds;
};

/* The squeezed form of the len bytes at src into dst (room for len + 4 (len / 8 + 2)); its size. */
static size_t squeeze(const unsigned char *src, size_t len, unsigned char *dst)
{
    size_t i = 0, o = 0;
    while (i < len) {
        size_t z = 0;
        while (i + z < len && src[i + z] == 0 && z < 65535)
            z++;
        size_t lit = 0;
        /* literal bytes up to a run of 8 zeros (a shorter run costs less as bytes) */
        while (i + z + lit < len && lit < 65535) {
            size_t zz = 0;
            while (zz < 8 && i + z + lit + zz < len && src[i + z + lit + zz] == 0)
                zz++;
            if (zz == 8 || i + z + lit + zz == len)
                break;
            lit += zz + 1;
        }
        if (lit > 65535)
            lit = 65535;
        uint16_t hz = (uint16_t)z, hl = (uint16_t)lit;
        memcpy(dst + o, &hz, 2);
        memcpy(dst + o + 2, &hl, 2);
        memcpy(dst + o + 4, src + i + z, lit);
        o += 4 + lit;
        i += z + lit;
    }
    return o;
}

/* The len bytes squeezed at src back into dst; the bytes of src read. */
static size_t unsqueeze(const unsigned char *src, unsigned char *dst, size_t len)
{
    size_t i = 0, o = 0;
    while (o < len) {
        uint16_t z, lit;
        memcpy(&z, src + i, 2);
        memcpy(&lit, src + i + 2, 2);
        memset(dst + o, 0, z);
        memcpy(dst + o + z, src + i + 4, lit);
        o += (size_t)z + lit;
        i += 4 + (size_t)lit;
    }
    return i;
}

pario_status pario_inputs_open(char *const *paths, size_t n, const char *desc, const char *dset, pario_dataset *ds,
                               pario_status *st, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    /* rank r opens inputs r, r + P, ...; one MPI_Allgatherv shares them all, squeezed */
    const size_t P = (size_t)size, mine = n / P + ((size_t)rank < n % P), one = sizeof(struct opened);
    const size_t room = one + 4 * (one / 8 + 2);
    struct opened *o = malloc(sizeof *o);
    unsigned char *out = malloc(room * (mine ? mine : 1)), *all = NULL;
    int *counts = malloc(sizeof(int) * P), *displs = malloc(sizeof(int) * P);
    pario_status gst = pario_ok();
    if (!o || !out || !counts || !displs)
        gst = pario_local_error("out of memory opening %zu inputs", n);
    size_t used = 0;
    for (size_t k = 0; !pario_failed(&gst) && k < mine; k++) {
        size_t i = (size_t)rank + k * P;
        memset(o, 0, sizeof *o);
        o->st = pario_dataset_open_named(paths[i], desc, dset, &o->ds, MPI_COMM_SELF);
        used += squeeze((const unsigned char *)o, one, out + used);
    }
    /* every rank's squeezed bytes, then where each rank's go */
    long long mybytes = pario_failed(&gst) ? -1 : (long long)used, total = 0;
    long long *bytes = malloc(sizeof *bytes * P);
    if (!bytes)
        gst = pario_local_error("out of memory opening %zu inputs", n);
    if (!pario_agree(&gst, comm)) {
        MPI_Allgather(&mybytes, 1, MPI_LONG_LONG, bytes, 1, MPI_LONG_LONG, comm);
        for (size_t r = 0; r < P; r++) {
            total += bytes[r];
            if (bytes[r] < 0 || total > INT_MAX)   /* alike on every rank */
                gst = pario_error(PARIO_ERR_RUNTIME, "%zu inputs: too many to open at once", n);
        }
        if (!pario_failed(&gst) && !(all = malloc(total ? (size_t)total : 1)))
            gst = pario_local_error("out of memory opening %zu inputs", n);
    }
    if (!pario_agree(&gst, comm)) {
        for (size_t r = 0, off = 0; r < P; r++) {
            counts[r] = (int)bytes[r];
            displs[r] = (int)off;
            off += (size_t)bytes[r];
        }
        MPI_Allgatherv(out, (int)used, MPI_BYTE, all, counts, displs, MPI_BYTE, comm);
        for (size_t r = 0; r < P; r++) {
            const unsigned char *at = all + displs[r];
            for (size_t i = r; i < n; i += P) {
                at += unsqueeze(at, (unsigned char *)o, one);
                st[i] = o->st;
                ds[i] = o->ds;
            }
        }
    }
    free(bytes);
    free(o);
    free(out);
    free(all);
    free(counts);
    free(displs);
    return gst;
}

struct reading {
    const pario_dataset *ds;
    const pario_io_opts *io;
    MPI_File fh;
    struct pario_map *map; /* the input's elements mapped, or NULL: read with fh */
    size_t input;
    int open;
    struct pario_stamp stamp; /* read with fh: the file's size and time at the open (stamp.h) */
};

static pario_status read_piece(struct reading *r, uint64_t start, size_t n, void *buf)
{
    const pario_dataset *ds = r->ds;
    const size_t es = pario_dtype_size(ds->dtype);
    uint64_t off = ds->offset + start * es;
    size_t bytes = n * es;
    char *p = buf;
    while (bytes) {
        size_t m = bytes < ((size_t)1 << 30) ? bytes : ((size_t)1 << 30);
        MPI_Status s;
        int err = MPI_File_read_at(r->fh, (MPI_Offset)off, p, (int)m, MPI_BYTE, &s), fault;
        if (err != MPI_SUCCESS)
            return pario_mpi_error(err, "read", ds->path);
        if ((fault = pario_fault(PARIO_FAULT_READ)))
            return pario_sys_error(fault, "read", ds->path);
        MPI_Count got = pario_status_count(&s, MPI_BYTE);
        if (pario_fault(PARIO_FAULT_SHORT))
            got = (MPI_Count)(m / 2);
        if ((size_t)got != m)
            return pario_local_error("%s: unexpected end of file at byte %llu (was the file changed while being read?)",
                                     ds->path, (unsigned long long)(off + (uint64_t)got));
        off += m;
        p += m;
        bytes -= m;
    }
    if (pario_io_swaps(ds, r->io))
        pario_byteswap(buf, n, es);
    return pario_ok();
}

/* An input whose elements can be handed out of a memory map as they are: none
 * to swap, each at an aligned address */
static int task_mappable(const pario_dataset *d, const pario_io_opts *io)
{
    const size_t es = pario_dtype_size(d->dtype);
    return !(io && io->no_mmap) && !pario_io_swaps(d, io) && d->offset % es == 0 && d->nelems > 0;
}

static pario_status reading_open(struct reading *r, const pario_dataset *d, size_t input, const pario_io_opts *io)
{
    pario_status st = pario_ok();
    r->ds = d;
    r->io = io;
    r->input = input;
    r->map = NULL;
    if (task_mappable(d, io)) {
        /* windows of pario_map_window_for's size, as the static path maps a
         * part: a map of the whole input kept every page a rank had touched
         * resident, so a rank's memory grew with the file, not the chunk */
        const uint64_t len = d->nelems * pario_dtype_size(d->dtype);
        const size_t cb = io && io->chunk_bytes ? io->chunk_bytes : PARIO_DEFAULT_CHUNK;
        const size_t win = pario_map_window_for(cb);
        st = pario_map_open(&r->map, d->path, d->offset, len, win, 0);
        if (pario_failed(&st) || r->map) {
            r->open = !pario_failed(&st);
            return st;
        }
    }
    pario_stamp_path(&r->stamp, d->path);
    st = pario_file_open(MPI_COMM_SELF, d->path, MPI_MODE_RDONLY, io ? io->info : MPI_INFO_NULL, &r->fh);
    r->open = !pario_failed(&st);
    return st;
}

/* Close the open input; one found shrunk or changed when it closes fails,
 * as a task of it would (and without keep_going stops the pool) */
static void reading_close(struct reading *r, pario_status *st, pario_pool *pool, int keep_going)
{
    pario_status cs = pario_ok();
    if (r->open && r->map) {
        cs = pario_map_check_size(r->map);
        pario_map_close(r->map);
        r->map = NULL;
    } else if (r->open) {
        MPI_File_close(&r->fh);
        cs = pario_stamp_check(&r->stamp, r->ds->path);
    }
    r->open = 0;
    if (pario_failed(&cs) && !pario_failed(&st[r->input])) {
        st[r->input] = cs;
        if (!keep_going)
            pario_pool_stop(pool);
    }
}

/* n elements from start: out of the map (*data points into it), or read into buf */
static pario_status reading_get(struct reading *r, uint64_t start, size_t n, void *buf, const void **data)
{
    if (!r->map) {
        *data = buf;
        return read_piece(r, start, n, buf);
    }
    const size_t es = pario_dtype_size(r->ds->dtype);
    pario_status st;
    *data = pario_map_get(r->map, start * es, n * es, &st);
    return st;
}

/* Input i's tasks: first[i] .. first[i + 1] - 1; each covers per[i] elements. */
static size_t input_of(const uint64_t *first, size_t n, uint64_t task)
{
    size_t lo = 0, hi = n; /* first[lo] <= task < first[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (first[mid] <= task)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Agree on st[] after a run: the lowest failing rank's error per input. */
static void agree_inputs(pario_status *st, size_t n, MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    int *who = malloc(sizeof(int) * (n ? n : 1));
    int ok = who != NULL, all_ok;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, comm);
    if (!all_ok) {
        /* no memory for the table: every input keeps its own state, the run fails */
        free(who);
        for (size_t i = 0; i < n; i++)
            pario_agree(&st[i], comm);
        return;
    }
    for (size_t i = 0; i < n; i++)
        who[i] = pario_failed(&st[i]) ? rank : INT_MAX;
    for (size_t i = 0; i < n; i += 1 << 24) {
        int m = (int)(n - i < (1 << 24) ? n - i : (1 << 24));
        MPI_Allreduce(MPI_IN_PLACE, who + i, m, MPI_INT, MPI_MIN, comm);
    }
    for (size_t i = 0; i < n; i++)
        if (who[i] != INT_MAX) {
            if (rank == who[i] && st[i].rank < 0)
                st[i].rank = rank; /* for "(rank R)" when the failure was the rank's own */
            MPI_Bcast(&st[i], (int)sizeof st[i], MPI_BYTE, who[i], comm);
        }
    free(who);
}

pario_status pario_tasks_run(const pario_dataset *ds, size_t n, pario_status *st, const pario_task_opts *o,
                             pario_task_fn fn, void *ctx, MPI_Comm comm)
{
    const size_t chunk = o->io && o->io->chunk_bytes ? o->io->chunk_bytes : PARIO_DEFAULT_CHUNK;
    const size_t tb = o->task_bytes ? o->task_bytes : chunk;
    pario_status gst = pario_ok();
    uint64_t *first = malloc(sizeof(uint64_t) * (n + 1)), *per = malloc(sizeof(uint64_t) * (n ? n : 1));
    void *buf = pario_alloc_aligned(chunk);
    if (!first || !per || !buf)
        gst = pario_local_error("out of memory for the task list (%zu inputs)", n);
    pario_pool *pool = NULL;
    if (!pario_agree(&gst, comm)) {
        first[0] = 0;
        for (size_t i = 0; i < n; i++) {
            /* a task reads elements at a byte offset: chunked or compact HDF5
             * datasets and text/CSV files have none (shared facts: every rank
             * fails the same inputs) */
            if (!pario_failed(&st[i]) && ds[i].format == PARIO_SOURCE_HDF5 && ds[i].h5_layout != PARIO_H5_CONTIGUOUS)
                st[i] = pario_error(PARIO_ERR_USAGE,
                                    "%s:%s: a chunked or compact HDF5 dataset cannot be split into tasks (--schedule "
                                    "dynamic, many inputs) yet: reduce it on its own with --schedule static",
                                    ds[i].path, ds[i].dataset);
            else if (!pario_failed(&st[i]) && (ds[i].format == PARIO_SOURCE_TEXT || ds[i].format == PARIO_SOURCE_CSV))
                st[i] = pario_error(PARIO_ERR_USAGE,
                                    "%s: a text or CSV file cannot be split into tasks (--schedule dynamic, many "
                                    "inputs) yet: reduce it on its own with --schedule static",
                                    ds[i].path);
            const size_t es = pario_dtype_size(ds[i].dtype);
            uint64_t elems = pario_failed(&st[i]) ? 0 : ds[i].nelems;
            per[i] = tb / es ? tb / es : 1;
            uint64_t k = pario_failed(&st[i]) ? 0 : elems ? (elems + per[i] - 1) / per[i] : 1;
            first[i + 1] = first[i] + k;
        }
        gst = pario_pool_create(&pool, first[n], o->schedule, comm);
    }
    pario_progress *prog = o->progress;
    uint64_t *bytes_before = NULL; /* each input's first byte in the run's sum of sizes */
    if (pool && prog && prog->enabled) {
        bytes_before = malloc(sizeof(uint64_t) * (n + 1));
        if (bytes_before) {
            bytes_before[0] = 0;
            for (size_t i = 0; i < n; i++)
                bytes_before[i + 1] = bytes_before[i] +
                                      (pario_failed(&st[i]) ? 0 : ds[i].nelems * pario_dtype_size(ds[i].dtype));
            prog->global = 1;
        }
    }
    const uint64_t base = prog ? prog->done : 0; /* an earlier pass's bytes */
    if (pool) {
        const size_t n_chunk_max = chunk;
        struct reading r = { .fh = MPI_FILE_NULL };
        uint64_t t;
        while (pario_pool_next(pool, &t)) {
            size_t i = input_of(first, n, t);
            if (bytes_before) { /* rank 0: the tasks before t are everyone's, handed out */
                uint64_t b = bytes_before[i] + (t - first[i]) * per[i] * pario_dtype_size(ds[i].dtype);
                pario_progress_update(prog, base + (b < bytes_before[i + 1] ? b : bytes_before[i + 1]));
            }
            if (pario_failed(&st[i]))
                continue; /* this rank saw the input fail: its other tasks are skipped */
            const pario_dataset *d = &ds[i];
            const size_t es = pario_dtype_size(d->dtype);
            uint64_t start = (t - first[i]) * per[i];
            uint64_t count = d->nelems - start < per[i] ? d->nelems - start : per[i];
            pario_status ts = pario_ok();
            if (r.open && r.input != i)
                reading_close(&r, st, pool, o->keep_going);
            if (!r.open && count)
                ts = reading_open(&r, d, i, o->io);
            const size_t piece = n_chunk_max / es ? n_chunk_max / es : 1;
            if (!pario_failed(&ts) && !count)
                ts = fn(ctx, i, buf, 0, start);
            for (uint64_t done = 0; done < count && !pario_failed(&ts);) {
                size_t m = count - done < piece ? (size_t)(count - done) : piece;
                const void *data = buf;
                ts = reading_get(&r, start + done, m, buf, &data);
                double t0 = MPI_Wtime();
                if (!pario_failed(&ts))
                    ts = fn(ctx, i, data, m, start + done);
                if (!pario_failed(&ts) && r.map)
                    ts = pario_map_check(r.map); /* the file shrank under the map */
                pario_slow_after(t0);
                done += m;
            }
            if (pario_failed(&ts)) {
                st[i] = ts;
                if (!o->keep_going)
                    pario_pool_stop(pool);
            }
        }
        reading_close(&r, st, pool, o->keep_going);
        if (bytes_before)
            pario_progress_update(prog, base + bytes_before[n]);
        if (o->stats)
            pario_pool_free_into(pool, o->stats);
        else
            pario_pool_free(pool, o->stats_tool);
        agree_inputs(st, n, comm);
    }
    free(bytes_before);
    free(first);
    free(per);
    free(buf);
    return gst;
}

/* ---- count by tasks ---- */
struct count_ctx {
    const pario_count_query *q;
    pario_dtype t;
    uint64_t local[PARIO_COUNT_MAX_VALUES];
    uint64_t bytes;
};

static pario_status count_fn(void *ctx, size_t input, const void *data, size_t n, uint64_t start)
{
    (void)input;
    (void)start;
    struct count_ctx *c = ctx;
    pario_count_chunk(c->q, data, n, c->t, c->local);
    c->bytes += n * pario_dtype_size(c->t);
    return pario_ok();
}

pario_status pario_count_tasks(const pario_dataset *ds, const pario_count_query *q, const pario_task_opts *o,
                               int per_rank, pario_count_result *res, MPI_Comm comm)
{
    memset(res, 0, sizeof *res);
    double t0 = MPI_Wtime();
    struct count_ctx c;
    memset(&c, 0, sizeof c);
    c.q = q;
    c.t = ds->dtype;
    pario_status ist = pario_ok();
    pario_task_opts oo = *o;
    oo.keep_going = 0;
    pario_status st = pario_tasks_run(ds, 1, &ist, &oo, count_fn, &c, comm);
    if (pario_failed(&st))
        return st;
    if (pario_failed(&ist))
        return ist;
    res->bytes = c.bytes;
    st = pario_count_combine(c.local, q, per_rank, res, comm);
    if (pario_failed(&st))
        return st;
    res->seconds = MPI_Wtime() - t0;
    return pario_ok();
}
