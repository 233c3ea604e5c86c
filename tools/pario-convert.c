/* pario-convert: change a dataset's dtype, byte order, layout or distribution
 * through file views, streamed in bounded steps. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "pario/pario.h"
#include "pario/guard.h"
#include "pario/convert.h"

enum { O_DTYPE = 256, O_SATURATE, O_ORDER, O_TRANSPOSE, O_TO_DIST, O_OFFSET, O_CHUNK_SHAPE, O_GZIP };

struct convert_opts {
    pario_convert_spec spec;
    const char *dtype, *order, *to_dist, *chunk_shape, *gzip;
    uint64_t offset;
    int have_offset;
};

static pario_status handle(void *ctx, int key, const char *arg)
{
    struct convert_opts *o = ctx;
    switch (key) {
    case O_DTYPE: o->dtype = arg; break;
    case O_SATURATE: o->spec.saturate = 1; break;
    case O_ORDER:
        if (strcmp(arg, "little") && strcmp(arg, "big"))
            return pario_error(PARIO_ERR_USAGE, "--byte-order '%s': expected little or big", arg);
        o->order = arg;
        break;
    case O_TRANSPOSE: o->spec.transpose = 1; break;
    case O_TO_DIST: o->to_dist = arg; break;
    case O_CHUNK_SHAPE: o->chunk_shape = arg; break;
    case O_GZIP: o->gzip = arg; break;
    case O_OFFSET: {
        pario_status st = pario_parse_size(arg, &o->offset);
        o->have_offset = 1;
        return st;
    }
    }
    return pario_ok();
}

static const pario_optdef options[] = {
    { "dtype", O_DTYPE, 1, "T", "convert elements to dtype T (floats to integers truncate toward zero)" },
    { "saturate", O_SATURATE, 0, NULL, "clamp values that do not fit T (NaN -> 0; finite floats beyond float32 -> +-FLT_MAX) instead of failing" },
    { "byte-order", O_ORDER, 1, "ORDER", "write little- or big-endian (default: as the input)" },
    { "transpose", O_TRANSPOSE, 0, NULL, "transpose a 2-D dataset" },
    { "to-dist", O_TO_DIST, 1, "D", "write with distribution D (default: --dist): elements move between ranks" },
    { "offset", O_OFFSET, 1, "BYTES", "header bytes (zeros) before the data of a raw output (default 0)" },
    { "chunk-shape", O_CHUNK_SHAPE, 1, "N|R,C", "HDF5 output: chunked, this chunk shape (default: contiguous)" },
    { "gzip", O_GZIP, 1, "LEVEL", "HDF5 output: chunked, shuffle + gzip LEVEL 0-9 (chunks of about 1 MiB unless --chunk-shape)" },
    { NULL, 0, 0, NULL, NULL },
};

static const pario_tool tool = {
    "pario-convert",
    "[options] IN OUT",
    "Write the dataset IN as OUT (and OUT.yaml), changing its dtype, byte order,\n"
    "layout (--transpose) or the distribution it is written with (--dist for the read,\n"
    "--to-dist for the write: a collective noncontiguous read, an MPI_Alltoallv that\n"
    "hands each element to its new owner, and a collective noncontiguous write, per\n"
    "window of the file). Memory is bounded by --chunk, not by the file size.\n"
    "IN and OUT may each be raw (OUT.yaml is written), FILE.npy or FILE.h5:/group/dset\n"
    "(an existing FILE.h5 gets the dataset added; see doc/formats.md). OUT holds the\n"
    "array numpy sees in IN, in C order: a Fortran-order .npy is transposed on the way.",
    "Examples:\n"
    "  mpiexec.mpich -n 4 pario-convert --dtype float32 --byte-order big in.bin out.bin\n"
    "  mpiexec.mpich -n 4 pario-convert --transpose matrix.bin matrix_t.bin\n"
    "  mpiexec.mpich -n 3 pario-convert --dist block --to-dist cyclic:4 --dtype int16 --saturate in.bin out.bin\n"
    "  mpiexec.mpich -n 2 pario-convert data.h5:/grid/t out.npy\n"
    "  mpiexec.mpich -n 2 pario-convert --dtype float32 in.npy results.h5:/run1/x\n",
    PARIO_OPTS_DATA, options, handle, 2, 2, PARIO_WITHOUT_STRATEGY, /* convert reads through the view itself */
    NULL, /* --stats: the common bytes and MiB/s */
};

int main(int argc, char **argv)
{
    pario_mpi_init(&argc, &argv);
    pario_common c;
    struct convert_opts o;
    memset(&o, 0, sizeof o);
    pario_dataset in, out;
    pario_view rv, wv;
    memset(&rv, 0, sizeof rv);
    memset(&wv, 0, sizeof wv);
    pario_status st = pario_parse(&tool, argc, argv, &c, &o, MPI_COMM_WORLD);
    if (!pario_failed(&st) && o.dtype && pario_dtype_from_name(o.dtype) < 0)
        st = pario_error(PARIO_ERR_USAGE, "--dtype '%s': unknown type (one of %s)", o.dtype, pario_dtype_names());
    pario_dist to = c.dist;
    if (!pario_failed(&st) && o.to_dist)
        st = pario_dist_parse(o.to_dist, &to);
    if (!pario_failed(&st)) {
        pario_guard *g = pario_guard_new();
        pario_guard_data_input(g, c.args[0], c.desc);
        pario_guard_data_output(g, c.args[1]);
        st = pario_guard_check(g, MPI_COMM_WORLD);
        pario_guard_free(g);
    }
    if (!pario_failed(&st))
        st = pario_open_data(&c, c.args[0], &in, &rv, MPI_COMM_WORLD);
    if (!pario_failed(&st)) {
        out = in;
        if (o.dtype)
            out.dtype = (pario_dtype)pario_dtype_from_name(o.dtype);
        if (o.order)
            out.big_endian = strcmp(o.order, "big") == 0;
        out.offset = o.have_offset ? o.offset : 0;
        st = pario_convert_output(&in, &o.spec, &out);
        if (!pario_failed(&st))
            st = pario_dataset_set_output(&out, c.args[1]);
        if (!pario_failed(&st) && o.chunk_shape)
            st = pario_io_parse_chunk_shape(o.chunk_shape, &c.io);
        if (!pario_failed(&st) && o.gzip)
            st = pario_io_parse_gzip(o.gzip, &c.io);
        if (!pario_failed(&st))
            st = pario_io_out_check(&c.io, &out);
        if (!pario_failed(&st) && pario_convert_transposes(&in, &o.spec) && c.io.out_chunk_ndims)
            st = o.spec.transpose ? pario_error(PARIO_ERR_USAGE, "--transpose writes tiles at byte offsets: not into a "
                                                "chunked output")
                                  : pario_error(PARIO_ERR_USAGE, "%s: a Fortran-order array is written in numpy's C "
                                                "order by tiles at byte offsets: not into a chunked output (convert "
                                                "it to a C-order .npy or raw file first)", in.path);
        c.io.source = c.args[0];
    }
    if (!pario_failed(&st)) {
        pario_dist read_dist = c.dist;
        c.dist = to;
        st = pario_prepare_write_view(&c, &out, &wv, MPI_COMM_WORLD);
        c.dist = read_dist;
    }
    if (!pario_failed(&st)) {
        pario_progress prog;
        uint64_t bytes = 0;
        double t0 = MPI_Wtime();
        pario_progress_start(&prog, tool.name, "converting", rv.local_count * rv.esize, c.progress, c.quiet,
                             MPI_COMM_WORLD);
        st = pario_convert(&in, &rv, &out, &wv, &o.spec, &c.io, &prog, &bytes, MPI_COMM_WORLD);
        pario_progress_finish(&prog);
        if (!pario_failed(&st) && c.stats)
            pario_stats_print(tool.name, "read", bytes, MPI_Wtime() - t0, MPI_COMM_WORLD);
        if (!pario_failed(&st) && c.verbose)
            pario_note(&c, "wrote %s%s%s (%s, %llu %s elements, %s-endian)%s", out.path, out.dataset[0] ? ":" : "",
                       out.dataset, pario_source_name(out.format), (unsigned long long)out.nelems,
                       pario_dtype_name(out.dtype), out.big_endian ? "big" : "little",
                       out.format == PARIO_SOURCE_RAW ? " and its descriptor" : "");
    }
    pario_view_free(&rv);
    pario_view_free(&wv);
    int code = pario_report(&st, tool.name, MPI_COMM_WORLD);
    pario_common_free(&c);
    MPI_Finalize();
    return code;
}
