/* pario-gen: write a dataset in parallel; values depend only on the seed and each
 * element's global index, so the file is the same for any number of ranks. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pario/pario.h"
#include "pario/guard.h"

enum { O_DTYPE = 256, O_COUNT, O_SHAPE, O_UNIFORM, O_NORMAL, O_SEQUENCE, O_SEED, O_OUT, O_OFFSET, O_ORDER, O_CHUNK_SHAPE, O_GZIP };

struct gen_opts {
    pario_gen_spec g;
    const char *dtype, *out, *chunk_shape, *gzip;
    int ndims;
    uint64_t dims[2], offset;
    int big_endian, have_seed;
    int size_key; /* O_COUNT or O_SHAPE: which gave the size (a repeated one: the last wins) */
};

static pario_status handle(void *ctx, int key, const char *arg)
{
    struct gen_opts *o = ctx;
    pario_status st = pario_ok();
    switch (key) {
    case O_DTYPE: o->dtype = arg; break;
    case O_COUNT:
        if (o->size_key == O_SHAPE)
            return pario_error(PARIO_ERR_USAGE, "give either --count or --shape, not both");
        o->size_key = O_COUNT;
        o->ndims = 1;
        st = pario_parse_size(arg, &o->dims[0]);
        break;
    case O_SHAPE: {
        if (o->size_key == O_COUNT)
            return pario_error(PARIO_ERR_USAGE, "give either --count or --shape, not both");
        o->size_key = O_SHAPE;
        o->dims[1] = 0;
        /* one or two sizes: "5,5,5" and "5," were read as a size with a
         * suffix ("'5,5': unknown suffix ',5'") */
        const char *comma = strchr(arg, ',');
        if (comma && (comma == arg || !comma[1] || strchr(comma + 1, ',')))
            return pario_error(PARIO_ERR_USAGE, "--shape '%s': expected N or R,C (rows and columns: at most 2 "
                               "dimensions)", arg);
        char buf[96], *a, *b;
        if (!pario_split_pair(arg, ',', buf, sizeof buf, &a, &b)) {
            o->ndims = 1;
            st = pario_parse_size(arg, &o->dims[0]);
            break;
        }
        o->ndims = 2;
        st = pario_parse_size(a, &o->dims[0]);
        if (!pario_failed(&st))
            st = pario_parse_size(b, &o->dims[1]);
        break;
    }
    case O_UNIFORM: return pario_gen_spec_set(&o->g, PARIO_GEN_UNIFORM, arg);
    case O_NORMAL: return pario_gen_spec_set(&o->g, PARIO_GEN_NORMAL, arg);
    case O_SEQUENCE: return pario_gen_spec_set(&o->g, PARIO_GEN_SEQUENCE, arg);
    case O_SEED: st = pario_parse_size(arg, &o->g.seed); o->have_seed = 1; break;
    case O_OUT: o->out = arg; break;
    case O_CHUNK_SHAPE: o->chunk_shape = arg; break;
    case O_GZIP: o->gzip = arg; break;
    case O_OFFSET: st = pario_parse_size(arg, &o->offset); break;
    case O_ORDER:
        if (strcmp(arg, "little") == 0)
            o->big_endian = 0;
        else if (strcmp(arg, "big") == 0)
            o->big_endian = 1;
        else
            return pario_error(PARIO_ERR_USAGE, "--byte-order '%s': expected little or big", arg);
        break;
    }
    if (pario_failed(&st))
        return pario_error(PARIO_ERR_USAGE, "%s", st.msg);
    return st;
}

static const pario_optdef options[] = {
    { "dtype", O_DTYPE, 1, "T", "element type: int8 .. int64, uint8 .. uint64, float32, float64" },
    { "count", O_COUNT, 1, "N", "number of elements (1-D): 1000, 1e9, 2Gi" },
    { "shape", O_SHAPE, 1, "R,C", "2-D shape, rows and columns (row-major)" },
    { "uniform", O_UNIFORM, 1, "LO:HI", "uniform values: integers in [LO, HI] (both ends), floats in [LO, HI)" },
    { "normal", O_NORMAL, 1, "MEAN:SD", "normal values (Box-Muller); integers are rounded and saturated" },
    { "sequence", O_SEQUENCE, 0, NULL, "element i holds i (integers wrap modulo 2^bits)" },
    { "seed", O_SEED, 1, "S", "seed of the counter-based generator (default 0)" },
    { "out", O_OUT, 1, "FILE", "output: FILE (raw, its descriptor FILE.yaml), FILE.npy, or FILE.h5:/group/dset "
      "(added to FILE.h5 if it exists; see doc/formats.md)" },
    { "offset", O_OFFSET, 1, "BYTES", "header bytes (zeros) before the data of a raw output (default 0)" },
    { "byte-order", O_ORDER, 1, "ORDER", "little (default) or big" },
    { "chunk-shape", O_CHUNK_SHAPE, 1, "N|R,C", "HDF5 output: chunked, this chunk shape (default: contiguous)" },
    { "gzip", O_GZIP, 1, "LEVEL", "HDF5 output: chunked, shuffle + gzip LEVEL 0-9 (chunks of about 1 MiB unless --chunk-shape)" },
    { NULL, 0, 0, NULL, NULL },
};

static const pario_tool tool = {
    "pario-gen",
    "--dtype T (--count N | --shape R,C) (--uniform LO:HI | --normal MEAN:SD | --sequence) [--seed S] --out FILE",
    "Write a dataset in parallel: each rank writes its part through its file view with\n"
    "collective MPI-IO, and rank 0 writes the descriptor FILE.yaml. Values come from a\n"
    "counter-based generator (" PARIO_RNG_NAME "), so the file is\n"
    "byte-identical for any number of ranks and any --dist.",
    "Examples:\n"
    "  mpiexec.mpich -n 4 pario-gen --dtype int32 --count 1e6 --uniform 0:9 --seed 42 --out data.bin\n"
    "  mpiexec.mpich -n 2 pario-gen --dtype float64 --shape 1000,300 --normal 0:1 --out m.bin\n"
    "  mpiexec.mpich -n 3 pario-gen --dtype int16 --count 10 --sequence --dist cyclic:2 --explain --out s.bin\n"
    "  mpiexec.mpich -n 2 pario-gen --dtype float32 --shape 100,8 --uniform 0:1 --out grid.npy\n"
    "  mpiexec.mpich -n 4 pario-gen --dtype int64 --count 1e6 --sequence --out run.h5:/results/ids\n",
    PARIO_OPTS_DATA, options, handle, 0, 0, PARIO_WITHOUT_STRATEGY | PARIO_WITHOUT_DESC, /* it only writes */
    NULL, /* --stats: the common bytes and MiB/s */
};

static pario_status check(const struct gen_opts *o)
{
    if (!o->dtype)
        return pario_error(PARIO_ERR_USAGE, "--dtype is required (one of %s)", pario_dtype_names());
    if (pario_dtype_from_name(o->dtype) < 0)
        return pario_error(PARIO_ERR_USAGE, "--dtype '%s': unknown type (one of %s)", o->dtype, pario_dtype_names());
    if (!o->ndims)
        return pario_error(PARIO_ERR_USAGE, "--count N or --shape R,C is required");
    if (o->g.kind == PARIO_GEN_NONE)
        return pario_error(PARIO_ERR_USAGE, "say which values: --uniform LO:HI, --normal MEAN:SD or --sequence");
    if (!o->out)
        return pario_error(PARIO_ERR_USAGE, "--out FILE is required");
    return pario_ok();
}

int main(int argc, char **argv)
{
    pario_mpi_init(&argc, &argv);
    pario_common c;
    struct gen_opts o;
    memset(&o, 0, sizeof o);
    pario_dataset ds;
    memset(&ds, 0, sizeof ds);
    pario_view view;
    memset(&view, 0, sizeof view);
    pario_status st = pario_parse(&tool, argc, argv, &c, &o, MPI_COMM_WORLD);
    if (!pario_failed(&st))
        st = check(&o);
    if (!pario_failed(&st)) {
        ds.dtype = (pario_dtype)pario_dtype_from_name(o.dtype);
        ds.offset = o.offset;
        ds.big_endian = o.big_endian;
        if (!pario_dataset_set_shape(&ds, o.ndims, o.dims))
            st = pario_error(PARIO_ERR_USAGE, "shape too large");
        else
            st = pario_dataset_set_output(&ds, o.out);
        if (!pario_failed(&st) && o.chunk_shape)
            st = pario_io_parse_chunk_shape(o.chunk_shape, &c.io);
        if (!pario_failed(&st) && o.gzip)
            st = pario_io_parse_gzip(o.gzip, &c.io);
        if (!pario_failed(&st))
            st = pario_io_out_check(&c.io, &ds);
    }
    char source[256];
    if (!pario_failed(&st)) {
        const pario_gen_spec *g = &o.g;
        if (g->kind == PARIO_GEN_SEQUENCE)
            snprintf(source, sizeof source, "generated: --sequence");
        else
            snprintf(source, sizeof source, "generated: --%s %s:%s --seed %llu",
                     g->kind == PARIO_GEN_UNIFORM ? "uniform" : "normal", g->a, g->b, (unsigned long long)g->seed);
        c.io.source = source;
    }
    if (!pario_failed(&st))
        st = pario_gen_spec_resolve(&o.g, ds.dtype);
    if (!pario_failed(&st)) {
        pario_guard *g = pario_guard_new();
        pario_guard_data_output(g, o.out);
        st = pario_guard_check(g, MPI_COMM_WORLD);
        pario_guard_free(g);
    }
    if (!pario_failed(&st))
        st = pario_prepare_write_view(&c, &ds, &view, MPI_COMM_WORLD);
    if (!pario_failed(&st)) {
        pario_progress prog;
        uint64_t bytes = 0;
        double t0 = MPI_Wtime();
        pario_progress_start(&prog, tool.name, "writing", view.local_count * view.esize, c.progress, c.quiet,
                             MPI_COMM_WORLD);
        st = pario_gen_write(&ds, &view, &o.g, &c.io, &prog, &bytes, MPI_COMM_WORLD);
        pario_progress_finish(&prog);
        if (!pario_failed(&st) && c.stats)
            pario_stats_print(tool.name, "wrote", bytes, MPI_Wtime() - t0, MPI_COMM_WORLD);
        if (!pario_failed(&st) && c.verbose)
            pario_note(&c, "wrote %s (%llu %s elements) and %s.yaml", o.out, (unsigned long long)ds.nelems,
                       pario_dtype_name(ds.dtype), o.out);
    }
    pario_view_free(&view);
    int code = pario_report(&st, tool.name, MPI_COMM_WORLD);
    pario_common_free(&c);
    MPI_Finalize();
    return code;
}
