/* pario-scatter: each rank reads its part of a shared file through its file view,
 * collectively, and writes it to its own file PREFIX.RANK (the scatter lesson, on files). */
#include "config.h"
#include <string.h>
#include "pario/pario.h"
#include "pario/guard.h"
#include "pario/parts.h"

enum { O_OUT = 256, O_PART_FORMAT };

struct scatter_opts {
    const char *out, *part_format;
};

static pario_status handle(void *ctx, int key, const char *arg)
{
    struct scatter_opts *o = ctx;
    if (key == O_OUT)
        o->out = arg;
    else if (key == O_PART_FORMAT)
        o->part_format = arg;
    return pario_ok();
}

static const pario_optdef options[] = {
    { "out", O_OUT, 1, "PREFIX", "write rank R's part to PREFIX.R (and PREFIX.R.yaml); see --part-format" },
    { "part-format", O_PART_FORMAT, 1, "raw|npy|h5",
      "raw (default): PREFIX.R + PREFIX.R.yaml; npy: PREFIX.R.npy (numpy.load) + PREFIX.R.npy.yaml; h5: "
      "PREFIX.R.h5, dataset /data, the part's place as attributes (pario_rank, pario_nranks, pario_shape, "
      "pario_dtype, pario_distribution)" },
    { NULL, 0, 0, NULL, NULL },
};

static const pario_tool tool = {
    "pario-scatter",
    "[options] [--dist D] --out PREFIX FILE",
    "Give each rank its part of the dataset FILE: rank R reads the elements it owns\n"
    "under --dist through its file view with collective MPI-IO and writes them, in\n"
    "its own order (row-major within a tile), to PREFIX.R with a descriptor that\n"
    "records the whole dataset, the rank count and the distribution (for pario-gather).\n"
    "With --part-format npy or h5 each part is a file numpy.load or h5py opens as it\n"
    "is (PREFIX.R.npy, PREFIX.R.h5:/data), in the whole's dtype and byte order. A raw\n"
    "input with a header (offset) scatters to raw parts only. Parts appear under a\n"
    "temporary name and are renamed when every rank has written its own: a failed\n"
    "run leaves none.",
    "Examples:\n"
    "  mpiexec.mpich -n 3 pario-scatter --dist cyclic:2 --out part data.bin\n"
    "  mpiexec.mpich -n 2 pario-scatter --part-format npy --out part data.h5:/x\n"
    "  mpiexec.mpich -n 4 pario-scatter --part-format h5 --dist tiles --out tile matrix.npy\n"
    "  mpiexec.mpich -n 4 pario-scatter --dist tiles:2x2 --explain --out tile matrix.bin\n",
    PARIO_OPTS_DATA, options, handle, 1, 1, 0,
    NULL, /* --stats: the common bytes and MiB/s */
};

static const char *last_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int main(int argc, char **argv)
{
    pario_mpi_init(&argc, &argv);
    pario_common c;
    struct scatter_opts so = { NULL, NULL };
    const char *prefix = NULL;
    int format = PARIO_SOURCE_RAW;
    pario_dataset ds;
    pario_view view;
    memset(&view, 0, sizeof view);
    pario_status st = pario_parse(&tool, argc, argv, &c, &so, MPI_COMM_WORLD);
    prefix = so.out;
    if (!pario_failed(&st) && so.part_format)
        st = pario_part_format_parse(so.part_format, &format);
    if (!pario_failed(&st) && !prefix)
        st = pario_error(PARIO_ERR_USAGE, "--out PREFIX is required");
    /* the parts are PREFIX.0, PREFIX.1, ...: a prefix with no name of its own
     * made hidden files (.0, dir/.0) */
    else if (!pario_failed(&st) && (!*prefix || prefix[strlen(prefix) - 1] == '/' || !strcmp(last_name(prefix), ".") ||
                                    !strcmp(last_name(prefix), "..")))
        st = pario_error(PARIO_ERR_USAGE, "--out '%s': the prefix has no file name (the parts are PREFIX.0, PREFIX.1, ...)",
                         prefix);
    if (!pario_failed(&st)) {
        pario_guard *g = pario_guard_new();
        pario_guard_data_input(g, c.args[0], c.desc);
        pario_guard_parts_output_as(g, prefix, c.nranks, format);
        st = pario_guard_check(g, MPI_COMM_WORLD);
        pario_guard_free(g);
    }
    if (!pario_failed(&st))
        st = pario_open_data(&c, c.args[0], &ds, &view, MPI_COMM_WORLD);
    if (!pario_failed(&st)) {
        pario_progress prog;
        uint64_t bytes = 0;
        double t0 = MPI_Wtime();
        pario_progress_start(&prog, tool.name, "scattering", view.local_count * view.esize, c.progress, c.quiet,
                             MPI_COMM_WORLD);
        st = pario_scatter(&ds, &view, prefix, format, &c.io, &prog, &bytes, MPI_COMM_WORLD);
        pario_progress_finish(&prog);
        if (!pario_failed(&st) && c.stats)
            pario_stats_print(tool.name, "read", bytes, MPI_Wtime() - t0, MPI_COMM_WORLD);
        if (!pario_failed(&st) && c.verbose)
        {
            char first[PARIO_PATH_MAX], last[PARIO_PATH_MAX];
            pario_part_path_as(prefix, 0, format, first, sizeof first);
            pario_part_path_as(prefix, c.nranks - 1, format, last, sizeof last);
            pario_note(&c, "wrote %s .. %s", first, last);
        }
    }
    pario_view_free(&view);
    int code = pario_report(&st, tool.name, MPI_COMM_WORLD);
    pario_common_free(&c);
    MPI_Finalize();
    return code;
}
