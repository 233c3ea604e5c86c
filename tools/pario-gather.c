/* pario-gather: put every rank's part file PREFIX.RANK back into one shared file
 * with a noncontiguous collective write through each rank's file view. */
#include "config.h"
#include <string.h>
#include "pario/pario.h"
#include "pario/guard.h"
#include "pario/parts.h"

enum { O_OUT = 256, O_CHUNK_SHAPE, O_GZIP, O_PART_FORMAT };

struct gather_opts {
    const char *out, *chunk_shape, *gzip, *part_format;
};

static pario_status handle(void *ctx, int key, const char *arg)
{
    struct gather_opts *o = ctx;
    if (key == O_OUT)
        o->out = arg;
    else if (key == O_CHUNK_SHAPE)
        o->chunk_shape = arg;
    else if (key == O_GZIP)
        o->gzip = arg;
    else if (key == O_PART_FORMAT)
        o->part_format = arg;
    return pario_ok();
}

static const pario_optdef options[] = {
    { "out", O_OUT, 1, "FILE", "the shared output: FILE (raw, and FILE.yaml), FILE.npy or FILE.h5:/group/dset" },
    { "chunk-shape", O_CHUNK_SHAPE, 1, "N|R,C", "HDF5 output: chunked, this chunk shape (default: contiguous)" },
    { "gzip", O_GZIP, 1, "LEVEL", "HDF5 output: chunked, shuffle + gzip LEVEL 0-9 (chunks of about 1 MiB unless --chunk-shape)" },
    { "part-format", O_PART_FORMAT, 1, "raw|npy|h5",
      "the parts' format (default: the one PREFIX.0, PREFIX.0.npy or PREFIX.0.h5 exists in)" },
    { NULL, 0, 0, NULL, NULL },
};

static const pario_tool tool = {
    "pario-gather",
    "[options] [--dist D] --out FILE PREFIX",
    "The reverse of pario-scatter: rank R reads PREFIX.R and writes its elements into\n"
    "FILE through the file view of --dist (by default the distribution the parts\n"
    "were cut with) in one collective, noncontiguous write per chunk. Run it with as\n"
    "many ranks as wrote the parts. Parts of every --part-format of pario-scatter\n"
    "(PREFIX.R, PREFIX.R.npy, PREFIX.R.h5) give back the original's bytes.",
    "Examples:\n"
    "  mpiexec.mpich -n 3 pario-gather --out whole.bin part\n"
    "  mpiexec.mpich -n 4 pario-gather --dist tiles:2x2 --out matrix2.bin tile\n"
    "  mpiexec.mpich -n 3 pario-gather --gzip 1 --out whole.h5:/data part\n"
    "  mpiexec.mpich -n 2 pario-gather --part-format npy --out whole.npy part\n",
    PARIO_OPTS_DATA, options, handle, 1, 1, PARIO_WITHOUT_STRATEGY | PARIO_WITHOUT_DESC, /* it only writes; its input is parts */
    NULL, /* --stats: the common bytes and MiB/s */
};

int main(int argc, char **argv)
{
    pario_mpi_init(&argc, &argv);
    pario_common c;
    struct gather_opts go = { NULL, NULL, NULL, NULL };
    int format = PARIO_SOURCE_RAW;
    const char *out = NULL;
    pario_dataset part, whole;
    pario_dist used;
    pario_view view;
    memset(&view, 0, sizeof view);
    pario_status st = pario_parse(&tool, argc, argv, &c, &go, MPI_COMM_WORLD);
    out = go.out;
    if (!pario_failed(&st) && go.chunk_shape)
        st = pario_io_parse_chunk_shape(go.chunk_shape, &c.io);
    if (!pario_failed(&st) && go.gzip)
        st = pario_io_parse_gzip(go.gzip, &c.io);
    if (!pario_failed(&st) && !out)
        st = pario_error(PARIO_ERR_USAGE, "--out FILE is required");
    if (!pario_failed(&st))
        st = go.part_format ? pario_part_format_parse(go.part_format, &format)
                            : pario_parts_detect(c.args[0], &format, MPI_COMM_WORLD);
    if (!pario_failed(&st)) {
        pario_guard *g = pario_guard_new();
        pario_guard_parts_input_as(g, c.args[0], c.nranks, format);
        pario_guard_data_output(g, out);
        st = pario_guard_check(g, MPI_COMM_WORLD);
        pario_guard_free(g);
    }
    if (!pario_failed(&st))
        st = pario_gather_open(c.args[0], format, out, c.dist_given ? &c.dist : NULL, &part, &whole, &used, MPI_COMM_WORLD);
    if (!pario_failed(&st))
        st = pario_io_out_check(&c.io, &whole);
    if (!pario_failed(&st)) {
        c.dist = used;
        c.io.source = c.args[0];
        st = pario_prepare_write_view(&c, &whole, &view, MPI_COMM_WORLD);
    }
    if (!pario_failed(&st)) {
        pario_progress prog;
        uint64_t bytes = 0;
        double t0 = MPI_Wtime();
        pario_progress_start(&prog, tool.name, "gathering", view.local_count * view.esize, c.progress, c.quiet,
                             MPI_COMM_WORLD);
        st = pario_gather(&part, &whole, &view, &c.io, &prog, &bytes, MPI_COMM_WORLD);
        pario_progress_finish(&prog);
        if (!pario_failed(&st) && c.stats)
            pario_stats_print(tool.name, "wrote", bytes, MPI_Wtime() - t0, MPI_COMM_WORLD);
        if (!pario_failed(&st) && c.verbose)
            pario_note(&c, "wrote %s (%llu %s elements) and its descriptor, from %d part files", out,
                       (unsigned long long)whole.nelems, pario_dtype_name(whole.dtype), c.nranks);
    }
    pario_view_free(&view);
    int code = pario_report(&st, tool.name, MPI_COMM_WORLD);
    pario_common_free(&c);
    MPI_Finalize();
    return code;
}
