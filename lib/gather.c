#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "pario/parts.h"
#include "parts_internal.h"
#include "fault.h"

pario_status pario_gather_open(const char *prefix, int format, const char *out, const pario_dist *dist,
                               pario_dataset *part, pario_dataset *whole, pario_dist *used, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    char path[PARIO_PATH_MAX];
    pario_part_path_as(prefix, rank, format, path, sizeof path);
    /* each rank checks its own part; serial, then agreed */
    pario_status st = pario_ok();
    memset(part, 0, sizeof *part);
    struct stat sb;
    FILE *probe = NULL;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) /* a FIFO would block the open */
        st = pario_error(PARIO_ERR_RUNTIME, "%s: the part file of rank %d is not a regular file", path, rank);
    else if (!(probe = fopen(path, "rb")))
        st = pario_error(PARIO_ERR_RUNTIME, "%s: missing part file for rank %d: %s", path, rank, strerror(errno));
    else
        fclose(probe);
    if (!pario_failed(&st)) {
        st = pario_part_load(path, format, part);
        if (pario_failed(&st)) {
            /* this rank's part, a file pario named: a runtime error that names this rank */
            st.local = 1;
            st.code = PARIO_ERR_RUNTIME;
        }
        if (!pario_failed(&st) && !part->part.present)
            st = pario_error(PARIO_ERR_RUNTIME, "%s: not a part file (its descriptor has no 'part' field)", path);
        if (!pario_failed(&st) && part->part.rank != rank)
            st = pario_error(PARIO_ERR_RUNTIME, "%s: holds the part of rank %d, not %d", path, part->part.rank, rank);
        if (!pario_failed(&st) && part->part.nranks != size)
            st = pario_error(PARIO_ERR_USAGE, "%s: the parts were written by %d ranks; run with -n %d", path,
                             part->part.nranks, part->part.nranks);
    }
    if (pario_agree(&st, comm))
        return st;
    /* the parts must describe one dataset: compare with rank 0's */
    pario_dataset first = *part;
    MPI_Bcast(&first, (int)sizeof first, MPI_BYTE, 0, comm);
    char path0[PARIO_PATH_MAX];
    pario_part_path_as(prefix, 0, format, path0, sizeof path0);
    if (first.dtype != part->dtype || first.big_endian != part->big_endian ||
        first.part.ndims != part->part.ndims || first.part.shape[0] != part->part.shape[0] ||
        first.part.shape[1] != part->part.shape[1] || strcmp(first.part.dist, part->part.dist) != 0 ||
        first.part.offset != part->part.offset)
        st = pario_error(PARIO_ERR_RUNTIME,
                         "%s: does not belong with %s (different dtype, shape, distribution or header)", path,
                         path0);
    else if (strcmp(first.part.run, part->part.run) != 0)
        st = pario_error(PARIO_ERR_RUNTIME, "%s: written by another pario-scatter run than %s (run %s, not %s)",
                         path, path0, part->part.run[0] ? part->part.run : "unnamed",
                         first.part.run[0] ? first.part.run : "unnamed");
    /* raw parts: part 0 carries the whole's header as its own; the other parts have none
     * (.npy and HDF5 parts have their format's own header and carry none of the whole's) */
    if (!pario_failed(&st) && format == PARIO_SOURCE_RAW && part->offset != (rank == 0 ? part->part.offset : 0))
        st = pario_error(PARIO_ERR_RUNTIME, "%s: has a %llu-byte header, but %s%llu", path,
                         (unsigned long long)part->offset,
                         rank == 0 ? "part 0 must carry the whole's header of " : "only part 0 may have one, not ",
                         (unsigned long long)(rank == 0 ? part->part.offset : part->offset));
    if (!pario_failed(&st)) {
        st = pario_dist_parse(part->part.dist, used);
        if (pario_failed(&st)) /* named by the part it came from (no file was named) */
            st = pario_error(PARIO_ERR_RUNTIME, "%s: the part's dist: %s", path, st.msg);
        if (!pario_failed(&st) && dist) {
            char want[64];
            pario_dist_format(dist, want, sizeof want);
            pario_dist given = *dist;
            /* "tiles" without a grid matches the grid the parts were cut with */
            if (given.kind == PARIO_DIST_TILES && !given.grid[0] && used->kind == PARIO_DIST_TILES)
                given.grid[0] = used->grid[0], given.grid[1] = used->grid[1];
            char have[64];
            pario_dist_format(&given, have, sizeof have);
            if (strcmp(have, part->part.dist) != 0)
                st = pario_error(PARIO_ERR_USAGE, "--dist %s does not match the parts, which were cut with %s", want,
                                 part->part.dist);
        }
    }
    if (pario_agree(&st, comm))
        return st;
    memset(whole, 0, sizeof *whole);
    whole->dtype = part->dtype;
    whole->big_endian = part->big_endian;
    pario_dataset_set_shape(whole, part->part.ndims, part->part.shape);
    /* the parts' dist must fit their shape and count, or it is the parts'
     * error, not the command line's (tiles:2x2 on 3 parts said "needs 4 ranks",
     * exit 2, naming no file) */
    pario_layout L;
    int nparts = 1;
    MPI_Comm_size(comm, &nparts);
    if (!dist) {
        st = pario_layout_make(used, whole, nparts, &L);
        if (pario_failed(&st))
            return pario_error(PARIO_ERR_RUNTIME, "%s: the part's dist: %s", path, st.msg);
    }
    st = pario_dataset_set_output(whole, out);
    /* a raw output gets the raw header back; .npy and HDF5 make their own */
    if (!pario_failed(&st) && whole->format == PARIO_SOURCE_RAW)
        whole->offset = part->part.offset;
    return st;
}

/* Collective: rank 0 copies part 0's header (the whole's, see pario_scatter) to the
 * start of the output, in pieces every rank steps through together; then every
 * rank's part file is positioned at its first element. */
static pario_status put_header(pario_writer *w, const pario_dataset *part, const pario_dataset *whole, FILE *f,
                               MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    char buf[65536];
    pario_status st = pario_ok();
    if (rank == 0 && whole->offset && fseeko(f, 0, SEEK_SET) != 0)
        st = pario_sys_error(errno, "cannot seek", part->path);
    for (uint64_t at = 0; at < whole->offset; at += sizeof buf) {
        uint64_t left = whole->offset - at;
        size_t n = rank == 0 ? (left < sizeof buf ? (size_t)left : sizeof buf) : 0;
        if (n && !pario_failed(&st) && fread(buf, 1, n, f) != n)
            st = pario_error(PARIO_ERR_RUNTIME, "%s: cannot read its header", part->path);
        st = pario_writer_put_bytes(w, at, buf, pario_failed(&st) ? 0 : n, st);
        if (pario_failed(&st))
            return st;
    }
    if (rank == 0 && whole->offset && fseeko(f, (off_t)part->offset, SEEK_SET) != 0)
        st = pario_error(PARIO_ERR_RUNTIME, "%s: %s", part->path, strerror(errno));
    pario_agree(&st, comm);
    return st;
}

/* (r, c) or (n,), as numpy prints a shape */
static void shape_text(int ndims, const uint64_t *shape, char *out, size_t len)
{
    if (ndims == 2)
        snprintf(out, len, "(%llu, %llu)", (unsigned long long)shape[0], (unsigned long long)shape[1]);
    else
        snprintf(out, len, "(%llu,)", (unsigned long long)shape[0]);
}

pario_status pario_gather(const pario_dataset *part, const pario_dataset *whole, const pario_view *view,
                          const pario_io_opts *io, pario_progress *progress, uint64_t *bytes, MPI_Comm comm)
{
    pario_status st = pario_ok();
    if (view->local_count != part->nelems)
        st = pario_error(PARIO_ERR_RUNTIME, "%s: holds %llu elements, but this rank owns %llu", part->path,
                         (unsigned long long)part->nelems, (unsigned long long)view->local_count);
    /* the same count in another shape (a 2-D part transposed or reshaped) is not this
     * rank's block: its rows would land in the wrong places */
    else if (part->ndims && (part->ndims != view->local_ndims ||
                             (view->local_ndims == 2 && (part->shape[0] != view->local_shape[0] ||
                                                         part->shape[1] != view->local_shape[1])))) {
        char have[48], want[48];
        shape_text(part->ndims, part->shape, have, sizeof have);
        shape_text(view->local_ndims, view->local_shape, want, sizeof want);
        st = pario_error(PARIO_ERR_RUNTIME, "%s: holds an array of shape %s, but this rank's part is %s", part->path,
                         have, want);
    }
    st.local = pario_failed(&st); /* this rank's part: the message names the rank */
    FILE *f = pario_failed(&st) ? NULL : fopen(part->path, "rb");
    if (f && pario_fault(PARIO_FAULT_OPEN)) {
        fclose(f);
        f = NULL;
        errno = ENOENT;
    }
    if (!pario_failed(&st) && !f)
        st = pario_sys_error(errno, "cannot open", part->path);
    if (!pario_failed(&st) && fseeko(f, (off_t)part->offset, SEEK_SET) != 0)
        st = pario_sys_error(errno, "cannot seek", part->path);
    if (pario_agree(&st, comm)) {
        if (f)
            fclose(f);
        return st;
    }
    pario_io_opts o = *io;
    o.raw = 1;
    pario_writer *w;
    st = pario_writer_open(&w, whole->path, whole, view, &o, comm);
    if (pario_failed(&st)) {
        fclose(f);
        return st;
    }
    if (whole->format == PARIO_SOURCE_RAW)
        st = put_header(w, part, whole, f, comm);
    if (pario_failed(&st)) {
        fclose(f);
        return pario_writer_close(w, st, 0);
    }
    while (pario_writer_more(w)) {
        size_t n;
        uint64_t start;
        void *buf = pario_writer_buffer(w, &n, &start);
        int fault = 0;
        if (n && !pario_failed(&st) && (fread(buf, view->esize, n, f) != n || (fault = pario_fault(PARIO_FAULT_READ))))
            st = fault ? pario_sys_error(fault, "read", part->path)
                 : ferror(f) ? pario_sys_error(errno, "read", part->path)
                             : pario_error(PARIO_ERR_RUNTIME, "%s: short read (file changed?)", part->path);
        if (!pario_writer_put(w, &st))
            break;
        if (progress)
            pario_progress_update(progress, pario_writer_bytes(w));
    }
    fclose(f);
    *bytes = pario_writer_bytes(w);
    return pario_writer_close(w, st, 1);
}
