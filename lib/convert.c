#include "config.h"
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pario/cast.h"
#include "pario/convert.h"
#include "pario/exchange.h"
#include "pario/fileutil.h"
#include "pario/output.h"
#include "io_internal.h"

int pario_convert_transposes(const pario_dataset *in, const pario_convert_spec *spec)
{
    return !spec->transpose != !in->fortran;
}

pario_status pario_convert_output(const pario_dataset *in, const pario_convert_spec *spec, pario_dataset *out)
{
    if (spec->transpose && in->ndims != 2) {
        char label[2048];
        return pario_error(PARIO_ERR_USAGE, "--transpose needs a 2-D dataset, but %s is 1-D",
                           pario_dataset_label(in, label, sizeof label));
    }
    if (spec->transpose && in->format == PARIO_SOURCE_HDF5 && in->h5_layout != PARIO_H5_CONTIGUOUS)
        return pario_error(PARIO_ERR_RUNTIME, "%s:%s: --transpose reads tiles at byte offsets: not from a %s dataset "
                           "(convert it to a contiguous one first)", in->path, in->dataset,
                           in->h5_layout == PARIO_H5_CHUNKED ? "chunked" : "compact");
    uint64_t dims[2] = { in->shape[0], in->shape[1] };
    if (pario_convert_transposes(in, spec))
        dims[0] = in->shape[1], dims[1] = in->shape[0];
    pario_dataset_set_shape(out, in->ndims, dims);
    return pario_ok();
}

/* Element i of buf as text, exactly: an integer in decimal (as a double,
 * 2^64 - 1 read 1.8446744073709552e+19, another number), a float as the
 * shortest text that reads back. */
static void value_text(const void *buf, size_t i, pario_dtype t, char *out, size_t len)
{
    if (pario_dtype_is_float(t)) {
        pario_fmt_double(out, len, pario_load_double(buf, i, t));
        return;
    }
    size_t es = pario_dtype_size(t);
    const unsigned char *p = (const unsigned char *)buf + i * es;
    int64_t sv = 0;
    uint64_t uv = 0;
    switch (t) {
    case PARIO_INT8: { int8_t x; memcpy(&x, p, 1); sv = x; break; }
    case PARIO_INT16: { int16_t x; memcpy(&x, p, 2); sv = x; break; }
    case PARIO_INT32: { int32_t x; memcpy(&x, p, 4); sv = x; break; }
    case PARIO_INT64: memcpy(&sv, p, 8); break;
    case PARIO_UINT8: { uint8_t x; memcpy(&x, p, 1); uv = x; break; }
    case PARIO_UINT16: { uint16_t x; memcpy(&x, p, 2); uv = x; break; }
    case PARIO_UINT32: { uint32_t x; memcpy(&x, p, 4); uv = x; break; }
    case PARIO_UINT64: memcpy(&uv, p, 8); break;
    default: break;
    }
    if (pario_dtype_is_signed(t))
        snprintf(out, len, "%" PRId64, sv);
    else
        snprintf(out, len, "%" PRIu64, uv);
}

/* Cast one step's elements; on a value that does not fit, its global index in
 * *bad (else *bad is left alone) and a message naming it (which the caller
 * replaces by first_unfit's, alike at any P). v NULL: no global index known. */
static pario_status cast_step(const pario_dataset *in, const pario_dataset *out, const pario_convert_spec *spec,
                              const void *src, void *dst, uint64_t n, const pario_view *v, uint64_t local0,
                              uint64_t *bad)
{
    size_t bad_at;
    uint64_t nbad = pario_cast(src, in->dtype, dst, out->dtype, n, spec->saturate, &bad_at);
    if (!nbad)
        return pario_ok();
    uint64_t g = v ? pario_view_global_index(v, local0 + bad_at) : UINT64_MAX;
    *bad = v ? g : in->nelems;
    char text[48];
    value_text(src, bad_at, in->dtype, text, sizeof text);
    return pario_error(PARIO_ERR_RUNTIME, "%s: element %llu (%s) does not fit %s; use --saturate to clamp",
                       in->path, (unsigned long long)g, text, pario_dtype_name(out->dtype));
}

/* After a step failed, on every rank: when some rank met a value that does not
 * fit (bad: its global index, or UINT64_MAX), the error names the first such
 * element of the whole input in global order, not the first some rank happened
 * to reach (which depended on the ranks, the chunk and the distribution). Each
 * rank reads its block of the elements up to the smallest index found, in
 * chunks, and casts them; the lowest index found wins. Collective; st is the
 * agreed failure, returned unchanged when no value failed to fit. */
static pario_status first_unfit(const pario_dataset *in, const pario_dataset *out,
                                const pario_io_opts *io, uint64_t bad, pario_status st, MPI_Comm comm)
{
    uint64_t limit = pario_allreduce_u64(bad, MPI_MIN, comm);
    if (limit == UINT64_MAX)
        return st;
    if (limit > in->nelems)
        limit = in->nelems;
    int rank, P;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &P);
    pario_dist d;
    pario_view v;
    pario_reader *r = NULL;
    pario_io_opts o = *io;
    o.independent = 1;
    pario_status ls = pario_dist_parse("block", &d);
    if (!pario_failed(&ls))
        ls = pario_view_build(in, &d, rank, P, &v);
    if (pario_agree(&ls, comm))
        return st;
    const size_t ies = pario_dtype_size(in->dtype), oes = pario_dtype_size(out->dtype);
    const size_t chunk = pario_io_chunk_elems(&o, ies > oes ? ies : oes);
    void *a = pario_alloc_aligned(chunk * ies), *b = pario_alloc_aligned(chunk * oes);
    ls = a && b ? pario_ok() : pario_local_error("out of memory");
    if (!pario_agree(&ls, comm))
        ls = pario_reader_open(&r, in, &v, &o, comm);
    if (!pario_failed(&ls)) {
        /* the elements up to the smallest index found, itself included; of a
         * Fortran-order .npy (stored (c, r)) every element, each unfit one by
         * numpy's C-order flat index (the stored position was named: element
         * 1 where numpy's first is 5) */
        const int fortran = in->fortran && in->ndims == 2;
        const uint64_t upto = fortran ? in->nelems : limit < in->nelems ? limit + 1 : in->nelems;
        const uint64_t mine = pario_view_local_before(&v, upto);
        const uint64_t nsteps = pario_allreduce_u64((mine + chunk - 1) / chunk, MPI_MAX, comm);
        uint64_t found = UINT64_MAX;
        char value[48] = "";
        for (uint64_t s = 0; s < nsteps; s++) {
            uint64_t start = s * chunk, n = (fortran || found == UINT64_MAX) && start < mine ? mine - start : 0;
            n = n < chunk ? n : chunk;
            pario_status rs = pario_reader_read_at(r, start, n, a);
            size_t at, off = 0;
            while (!pario_failed(&rs) && off < n &&
                   pario_cast((const char *)a + off * ies, in->dtype, b, out->dtype, n - off, 0, &at)) {
                uint64_t g = pario_view_global_index(&v, start + off + at);
                if (fortran)
                    g = g % in->shape[1] * in->shape[0] + g / in->shape[1];
                if (g < found) {
                    found = g;
                    value_text(a, off + at, in->dtype, value, sizeof value);
                }
                if (!fortran)
                    break;
                off += at + 1;
            }
        }
        const uint64_t first = pario_allreduce_u64(found, MPI_MIN, comm);
        ls = found == first && first != UINT64_MAX
                 ? pario_error(PARIO_ERR_RUNTIME, "%s: element %llu (%s) does not fit %s; use --saturate to clamp",
                               in->path, (unsigned long long)first, value, pario_dtype_name(out->dtype))
                 : pario_ok();
        if (first != UINT64_MAX && pario_agree(&ls, comm))
            st = ls;
        pario_reader_close(r);
    }
    pario_view_free(&v);
    free(a);
    free(b);
    return st;
}

/* Same distribution on both sides: local element i in is local element i out. */
static pario_status convert_aligned(pario_reader *r, pario_writer *w, const pario_dataset *in,
                                    const pario_dataset *out, const pario_view *rv, const pario_convert_spec *spec,
                                    const pario_io_opts *io, pario_progress *progress, MPI_Comm comm)
{
    size_t es = rv->esize > pario_dtype_size(out->dtype) ? rv->esize : pario_dtype_size(out->dtype);
    size_t chunk = pario_io_chunk_elems(io, es);
    uint64_t nsteps = pario_io_nsteps(rv->local_count, chunk, comm);
    void *a = pario_alloc_aligned(chunk * rv->esize), *b = pario_alloc_aligned(chunk * pario_dtype_size(out->dtype));
    pario_status st = a && b ? pario_ok() : pario_local_error("out of memory");
    for (uint64_t s = 0; s < nsteps && !pario_agree(&st, comm); s++) {
        uint64_t start = s * chunk, n = 0;
        if (start < rv->local_count)
            n = rv->local_count - start < chunk ? rv->local_count - start : chunk;
        st = pario_reader_read_at(r, start, n, a);
        if (pario_agree(&st, comm))
            break;
        uint64_t bad = UINT64_MAX;
        st = cast_step(in, out, spec, a, b, n, rv, start, &bad);
        if (pario_agree(&st, comm)) {
            st = first_unfit(in, out, io, bad, st, comm);
            break;
        }
        st = pario_writer_write_at(w, start, n, b);
        if (progress)
            pario_progress_update(progress, pario_reader_bytes(r));
    }
    free(a);
    free(b);
    return st;
}

/* Different distributions: per window of the file, read what we own under rv,
 * hand every element to its owner under wv, write what we own under wv. */
static pario_status convert_exchange(pario_reader *r, pario_writer *w, const pario_dataset *in,
                                     const pario_dataset *out, const pario_view *rv, const pario_view *wv,
                                     const pario_convert_spec *spec, const pario_io_opts *io,
                                     pario_progress *progress, MPI_Comm comm)
{
    int P;
    MPI_Comm_size(comm, &P);
    size_t es = rv->esize > wv->esize ? rv->esize : wv->esize;
    /* The widest window in which every rank's part under either view stays within
     * about a chunk (P chunks when both are fine-grained, one chunk when one is
     * blocked); each of the five buffers holds what this rank has of it. */
    const uint64_t E = (uint64_t)pario_io_chunk_elems(io, es);
    uint64_t wr = pario_view_window_for(rv, E), ww = pario_view_window_for(wv, E);
    uint64_t window = pario_allreduce_u64(wr < ww ? wr : ww, MPI_MIN, comm); /* UINT64_MAX: no elements */
    if (window > E * (uint64_t)P)
        window = E * (uint64_t)P;
    if (window > INT_MAX / 2)
        window = INT_MAX / 2;
    const uint64_t N = in->nelems, nsteps = (N + window - 1) / window;
    const uint64_t rcap = pario_view_share_bound(rv, window), wcap = pario_view_share_bound(wv, window);
    pario_exchange x;
    pario_status st = pario_exchange_init(&x, rcap, wcap, rv->esize, rv->etype, comm);
    void *a = pario_alloc_aligned(rcap * rv->esize), *b = pario_alloc_aligned(wcap * rv->esize);
    void *c = pario_alloc_aligned(wcap * wv->esize);
    if (!pario_failed(&st) && (!a || !b || !c))
        st = pario_local_error("out of memory");
    for (uint64_t s = 0; s < nsteps && !pario_agree(&st, comm); s++) {
        uint64_t lo = s * window, hi = lo + window < N ? lo + window : N;
        uint64_t r0 = pario_view_local_before(rv, lo), rn = pario_view_local_before(rv, hi) - r0;
        uint64_t w0 = pario_view_local_before(wv, lo), wn = pario_view_local_before(wv, hi) - w0;
        st = pario_reader_read_at(r, r0, rn, a);
        if (pario_agree(&st, comm))
            break;
        st = pario_exchange_window(&x, rv, a, wv, b, lo, hi);
        uint64_t bad = UINT64_MAX;
        if (!pario_failed(&st))
            st = cast_step(in, out, spec, b, c, wn, wv, w0, &bad);
        if (pario_agree(&st, comm)) {
            st = first_unfit(in, out, io, bad, st, comm);
            break;
        }
        st = pario_writer_write_at(w, w0, wn, c);
        if (progress)
            pario_progress_update(progress, pario_reader_bytes(r));
    }
    pario_exchange_free(&x);
    free(a);
    free(b);
    free(c);
    return st;
}

/* The view of one tile [r0, r0+h) x [c0, c0+w): the displacement points at its first
 * element and an hvector (w elements every row, byte stride in MPI_Aint) selects it,
 * so no int count or start overflows however large the matrix. An empty tile reads
 * or writes nothing. */
static int set_tile_view(MPI_File fh, const pario_dataset *ds, uint64_t r0, uint64_t h, uint64_t c0, uint64_t w,
                         MPI_Info info)
{
    MPI_Datatype et = pario_dtype_mpi(ds->dtype), ft = et;
    const size_t es = pario_dtype_size(ds->dtype);
    MPI_Offset disp = (MPI_Offset)(ds->offset + (r0 * ds->shape[1] + c0) * es);
    int err;
    if (h && w) {
        if (h > INT_MAX || w > INT_MAX)
            return MPI_ERR_COUNT;
        err = MPI_Type_create_hvector((int)h, (int)w, (MPI_Aint)(ds->shape[1] * es), et, &ft);
        if (err == MPI_SUCCESS)
            err = MPI_Type_commit(&ft);
        if (err != MPI_SUCCESS)
            return err;
    } else {
        disp = (MPI_Offset)ds->offset;
    }
    err = MPI_File_set_view(fh, disp, et, ft, "native", info);
    if (ft != et)
        MPI_Type_free(&ft);
    return err;
}

/* Transpose: rank r owns a band of input columns = output rows. Each step reads a
 * tile [h x w] of the band through a subarray view, transposes it in memory, and
 * writes it as the tile [w x h] of the output. */
static pario_status convert_transpose(pario_reader *r, pario_writer *w, const pario_dataset *in,
                                      const pario_dataset *out, const pario_convert_spec *spec,
                                      const pario_io_opts *io, pario_progress *progress, MPI_Comm comm)
{
    int rank, P;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &P);
    const uint64_t R = in->shape[0], C = in->shape[1];
    const size_t ies = pario_dtype_size(in->dtype), oes = pario_dtype_size(out->dtype);
    uint64_t E = pario_io_chunk_elems(io, ies > oes ? ies : oes), c0, cw;
    pario_split(C, P, rank, &c0, &cw);
    uint64_t h = R <= E ? R : E, wcols = R <= E ? E / (R ? R : 1) : 1;
    if (h == 0)
        h = 1;
    if (wcols > cw)
        wcols = cw ? cw : 1;
    uint64_t col_steps = (cw + wcols - 1) / wcols, row_steps = (R + h - 1) / h;
    uint64_t mine = cw && R ? col_steps * row_steps : 0, nsteps = pario_allreduce_u64(mine, MPI_MAX, comm);
    void *a = pario_alloc_aligned(h * wcols * ies), *t = pario_alloc_aligned(h * wcols * ies),
         *b = pario_alloc_aligned(h * wcols * oes);
    pario_status st = a && t && b ? pario_ok() : pario_local_error("out of memory");
    for (uint64_t s = 0; s < nsteps && !pario_agree(&st, comm); s++) {
        uint64_t tr0 = 0, th = 0, tc0 = 0, tw = 0;
        if (s < mine) {
            tc0 = c0 + (s / row_steps) * wcols;
            tw = c0 + cw - tc0 < wcols ? c0 + cw - tc0 : wcols;
            tr0 = (s % row_steps) * h;
            th = R - tr0 < h ? R - tr0 : h;
        }
        uint64_t n = th * tw;
        int err = set_tile_view(pario_reader_file(r), in, tr0, th, tc0, tw, io->info);
        st = err == MPI_SUCCESS ? pario_ok() : pario_mpi_error(err, "setting a tile view", in->path);
        if (pario_agree(&st, comm))
            break;
        st = pario_reader_read_at(r, 0, n, a);
        if (pario_agree(&st, comm))
            break;
        for (uint64_t i = 0; i < th; i++)
            for (uint64_t j = 0; j < tw; j++)
                memcpy((char *)t + (j * th + i) * ies, (char *)a + (i * tw + j) * ies, ies);
        uint64_t bad = UINT64_MAX;
        st = cast_step(in, out, spec, t, b, n, NULL, 0, &bad);
        err = set_tile_view(pario_writer_file(w), out, tc0, tw, tr0, th, io->info);
        if (!pario_failed(&st) && err != MPI_SUCCESS)
            st = pario_mpi_error(err, "setting a tile view", out->path);
        if (pario_agree(&st, comm)) {
            st = first_unfit(in, out, io, bad, st, comm);
            break;
        }
        st = pario_writer_write_at(w, 0, n, b);
        if (progress)
            pario_progress_update(progress, pario_reader_bytes(r));
    }
    free(a);
    free(t);
    free(b);
    return st;
}

pario_status pario_convert(const pario_dataset *in, const pario_view *rv, const pario_dataset *out,
                           const pario_view *wv, const pario_convert_spec *spec, const pario_io_opts *io,
                           pario_progress *progress, uint64_t *bytes, MPI_Comm comm)
{
    *bytes = 0;
    pario_reader *r;
    pario_writer *w;
    /* convert chooses its own windows: the reader must read through rv itself */
    pario_io_opts o = *io;
    o.strategy = PARIO_STRATEGY_VIEW;
    o.overlap = 0;
    io = &o;
    pario_status st = pario_reader_open(&r, in, rv, io, comm);
    if (pario_failed(&st))
        return st;
    st = pario_writer_open(&w, out->path, out, wv, io, comm);
    if (pario_failed(&st)) {
        pario_reader_close(r);
        return st;
    }
    char rd[64], wd[64];
    pario_dist_format(&rv->dist, rd, sizeof rd);
    pario_dist_format(&wv->dist, wd, sizeof wd);
    pario_dataset placed = *out; /* an HDF5 output's data lie where the writer made room */
    placed.offset = pario_writer_data_offset(w);
    if (pario_convert_transposes(in, spec))
        st = convert_transpose(r, w, in, &placed, spec, io, progress, comm);
    else if (strcmp(rd, wd) == 0)
        st = convert_aligned(r, w, in, out, rv, spec, io, progress, comm);
    else
        st = convert_exchange(r, w, in, out, rv, wv, spec, io, progress, comm);
    *bytes = pario_reader_bytes(r);
    pario_reader_close(r);
    return pario_writer_close(w, st, 1);
}
