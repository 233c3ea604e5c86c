/* pario-reduce: statistics, histograms and counts over a shared file, every
 * operation computed in one read of the data. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "pario/pario.h"
#include "pario/csv.h"
#include "pario/guard.h"
#include "pario/reduce.h"
#include "pario/tasks.h"

enum { O_OP = 256, O_BINS, O_MIN, O_MAX, O_AXIS, O_SKIP_NAN, O_OVERLAP, O_NO_OVERLAP, O_H5, O_SCHEDULE, O_EXACT };

struct reduce_opts {
    pario_reduce_spec spec;
    int overlap;
    const char *h5;
    pario_schedule schedule;
    pario_csv_opts csv;
};

static pario_status handle(void *ctx, int key, const char *arg)
{
    struct reduce_opts *o = ctx;
    pario_status st = pario_ok();
    if (pario_csv_handle(&o->csv, key, arg, &st))
        return st;
    switch (key) {
    case O_OP: return pario_reduce_parse_ops(&o->spec, arg);
    case O_BINS: return pario_reduce_set_bins(&o->spec, arg);
    case O_MIN: return pario_reduce_set_bound(&o->spec, 0, arg);
    case O_MAX: return pario_reduce_set_bound(&o->spec, 1, arg);
    case O_AXIS:
        if (strcmp(arg, "0") && strcmp(arg, "1"))
            return pario_error(PARIO_ERR_USAGE, "--axis '%s': expected 0 (per column) or 1 (per row)", arg);
        o->spec.axis = arg[0] - '0';
        return pario_ok();
    case O_SKIP_NAN: o->spec.skip_nan = 1; return pario_ok();
    case O_EXACT: o->spec.exact = 1; return pario_ok();
    case O_OVERLAP: o->overlap = PARIO_OVERLAP_ALWAYS; return pario_ok();
    case O_NO_OVERLAP: o->overlap = PARIO_OVERLAP_NEVER; return pario_ok();
    case O_H5: o->h5 = arg; return pario_ok();
    case O_SCHEDULE: return pario_schedule_parse(arg, &o->schedule);
    }
    return pario_ok();
}

static const pario_optdef options[] = {
    { "op", O_OP, 1, "OPS", "comma-separated: sum,min,max,mean,var,std,hist,count=V,range=LO:HI (repeatable)" },
    { "bins", O_BINS, 1, "N", "hist: number of equal bins (default 10)" },
    { "min", O_MIN, 1, "A", "hist: lower edge (default: the data's min; needs a first pass)" },
    { "max", O_MAX, 1, "B", "hist: upper edge, included in the last bin (default: the data's max)" },
    { "axis", O_AXIS, 1, "0|1", "2-D: one result per column (0) or per row (1)" },
    { "skip-nan", O_SKIP_NAN, 0, NULL, "count NaN and leave them out (numpy's nansum, nanmin, ...)" },
    { "exact", O_EXACT, 0, NULL,
      "var/std of floats from exact squares: within 1 ulp (about 0.5 ns more per element)" },
    { "overlap", O_OVERLAP, 0, NULL,
      "read the next chunk on a thread while reducing this one, even without a free core (default: only with one)" },
    { "no-overlap", O_NO_OVERLAP, 0, NULL, "read and reduce in turn" },
    { "h5", O_H5, 1, "FILE", "also write the results to an HDF5 file" },
    { "schedule", O_SCHEDULE, 1, "static|dynamic",
      "static (default): each rank reads its part (--dist); dynamic: ranks draw chunks from a shared counter, "
      "so a slow rank does less (doc/pool.md); the same bytes out; not for a CSV column" },
    PARIO_CSV_OPTDEFS,
    { NULL, 0, 0, NULL, NULL },
};

static const pario_tool tool = {
    "pario-reduce",
    "[options] --op sum,min,max,mean,var,std,hist,count=V,range=LO:HI FILE",
    "Reduce the dataset FILE (described by FILE.yaml or --desc): sum, min and max with\n"
    "the index of the first extreme, mean, variance, standard deviation (population,\n"
    "ddof=0), histogram and counts, all in one read of the data. Integers sum exactly\n"
    "and an int64/uint64 overflow is reported; float sums are exact, rounded\n"
    "once (math.fsum). var/std of floats come from the exact sum of x and the\n"
    "exact sum of the rounded squares (x - s)^2, s the dataset's first element:\n"
    "error below 3.0001 2^-53 mean((x - s)^2) + 2^-52 var (doc/reduce.md);\n"
    "--exact squares x exactly instead (relative error below 2^-52). Every result\n"
    "is the same bits for any ranks, chunk, strategy and distribution. NaN\n"
    "propagate as in numpy unless --skip-nan.\n"
    "A CSV file's column (--column, or a descriptor saying format: csv or text) is\n"
    "read as float64: records belong to the rank where they start (quoted fields may\n"
    "hold newlines and delimiters), empty, missing and non-numeric fields are an error\n"
    "naming the line unless --skip-invalid, and the results add records, values and\n"
    "the invalid counts; argmin/argmax are data record indices (see doc/csv.md).\n"
    "Each rank parses its range in one pass, guessing it starts outside quotes; one\n"
    "exchange of quote counts at the end says if it did (a rank that did not parses\n"
    "its range again). --progress works; --schedule dynamic is refused.",
    "Examples:\n"
    "  mpiexec.mpich -n 4 pario-reduce --op sum,min,max,mean,std data.bin\n"
    "  mpiexec.mpich -n 2 pario-reduce --op hist --bins 20 --min 0 --max 1 --format json data.bin\n"
    "  mpiexec.mpich -n 4 pario-reduce --op mean,max --axis 0 --dist tiles m.bin\n"
    "  mpiexec.mpich -n 3 pario-reduce --op count=8,range=3:7 --dist cyclic:16 data.bin\n"
    "  mpiexec.mpich -n 4 pario-reduce --op sum,std --schedule dynamic --stats data.bin\n"
    "  mpiexec.mpich -n 2 pario-reduce --op mean,std,max --column price sample-data/prices.csv\n"
    "  mpiexec.mpich -n 2 pario-reduce --op sum --column 4 --no-header --skip-invalid data.csv\n",
    PARIO_OPTS_FORMAT | PARIO_OPTS_DATA, options, handle, 1, 1, 0,
    NULL, /* --stats: the common bytes and MiB/s */
};

/* A CSV column: the same operations on its numbers, plus what the column held. */
static pario_status reduce_csv(pario_common *c, struct reduce_opts *o)
{
    pario_dataset ds; /* what the operations are checked against: a 1-D float64 column */
    memset(&ds, 0, sizeof ds);
    snprintf(ds.path, sizeof ds.path, "%s", c->args[0]);
    ds.dtype = PARIO_FLOAT64;
    ds.ndims = 1;
    ds.shape[0] = ds.nelems = 1;
    pario_status st = pario_reduce_spec_check(&o->spec, &ds);
    if (pario_failed(&st))
        return st;
    pario_reduce_result res;
    pario_csv_stats stats;
    pario_progress prog;
    pario_progress_start(&prog, "pario-reduce", "reducing", 0, c->progress, c->quiet, MPI_COMM_WORLD);
    st = pario_reduce_csv(c->args[0], &o->csv, &o->spec, &c->io, &prog, &res, &stats, MPI_COMM_WORLD);
    pario_progress_finish(&prog);
    if (pario_failed(&st))
        return st;
    if (c->rank == 0) {
        pario_out out;
        pario_out_open(&out, stdout, c->format);
        pario_reduce_emit(&out, &o->spec, &res);
        pario_csv_emit_stats(&out, &stats);
        pario_out_close(&out);
        char note[PARIO_PATH_MAX + 200];
        if (pario_csv_skipped(&stats, c->args[0], note, sizeof note))
            pario_note(c, "%s", note);
    }
    if (o->h5 && c->rank == 0) {
        char ops[512];
        pario_reduce_ops_format(&o->spec, ops, sizeof ops);
        const char *attrs[] = { "tool", "pario-reduce", "data", c->args[0], "format", "csv", "operations", ops, NULL };
        st = pario_reduce_write_h5(o->h5, &o->spec, &res, attrs);
    }
    pario_agree(&st, MPI_COMM_WORLD);
    if (!pario_failed(&st) && c->stats)
        pario_stats_print("pario-reduce", "read", res.bytes, res.seconds, MPI_COMM_WORLD);
    pario_reduce_result_free(&res);
    return st;
}

int main(int argc, char **argv)
{
    pario_mpi_init(&argc, &argv);
    pario_common c;
    struct reduce_opts o;
    memset(&o, 0, sizeof o);
    pario_reduce_spec_init(&o.spec);
    pario_csv_opts_init(&o.csv);
    o.overlap = PARIO_OVERLAP_AUTO;
    pario_dataset ds;
    pario_view view;
    memset(&view, 0, sizeof view);
    pario_status st = pario_parse(&tool, argc, argv, &c, &o, MPI_COMM_WORLD);
    if (!pario_failed(&st) && !o.spec.ops)
        st = pario_error(PARIO_ERR_USAGE, "say what to compute: --op sum,min,max,mean,var,std,hist,... (try --help)");
    if (!pario_failed(&st) && o.spec.have_lo && o.spec.have_hi && o.spec.lo > o.spec.hi)
        st = pario_error(PARIO_ERR_USAGE, "--min %s is greater than --max %s", o.spec.lo_text, o.spec.hi_text);
    if (!pario_failed(&st)) {
        pario_guard *g = pario_guard_new();
        pario_guard_data_input(g, c.args[0], c.desc);
        pario_guard_output(g, o.h5, "HDF5 results file");
        st = pario_guard_check(g, MPI_COMM_WORLD);
        pario_guard_free(g);
    }
    if (!pario_failed(&st))
        st = pario_csv_resolve(&o.csv, c.args[0], c.desc, o.schedule == PARIO_SCHEDULE_DYNAMIC, MPI_COMM_WORLD);
    if (!pario_failed(&st) && o.csv.active) {
        st = reduce_csv(&c, &o);
        goto done;
    }
    c.io.overlap = o.overlap;   /* before the open, whose --explain says how the reads run */
    if (!pario_failed(&st))
        st = pario_open_data(&c, c.args[0], &ds, &view, MPI_COMM_WORLD);
    if (!pario_failed(&st))
        st = pario_reduce_spec_check(&o.spec, &ds);
    if (!pario_failed(&st)) {
        pario_progress prog;
        pario_reduce_result res;
        /* a dynamic schedule's line counts the bytes handed out to all ranks */
        uint64_t total = o.schedule == PARIO_SCHEDULE_DYNAMIC ? ds.nelems * pario_dtype_size(ds.dtype)
                                                              : view.local_count * view.esize;
        pario_progress_start(&prog, tool.name, "reducing", total, c.progress, c.quiet, MPI_COMM_WORLD);
        if (o.schedule == PARIO_SCHEDULE_DYNAMIC) {
            pario_task_opts to = { o.schedule, 0, 0, &c.io, c.stats ? tool.name : NULL, NULL, &prog };
            pario_status ist = pario_ok();
            pario_inputs_outcome out;
            st = pario_reduce_inputs(&ds, 1, &o.spec, &to, &res, &ist, &out, MPI_COMM_WORLD);
            if (!pario_failed(&st))
                st = ist;
        } else {
            st = pario_reduce_dataset(&ds, &view, &o.spec, &c.io, &prog, &res, MPI_COMM_WORLD);
        }
        pario_progress_finish(&prog);
        if (!pario_failed(&st) && c.rank == 0) {
            pario_out out;
            pario_out_open(&out, stdout, c.format);
            uint64_t over = pario_reduce_emit(&out, &o.spec, &res);
            pario_out_close(&out);
            pario_reduce_warn_overflow(stderr, tool.name, over, &res);
        }
        if (!pario_failed(&st) && o.h5 && c.rank == 0) {
            char ops[512], dist[64];
            pario_reduce_ops_format(&o.spec, ops, sizeof ops);
            pario_dist_format(&view.dist, dist, sizeof dist);
            const char *attrs[] = { "tool", tool.name, "data", ds.path, "descriptor", ds.desc_path,
                                    "distribution", dist, "operations", ops, NULL };
            st = pario_reduce_write_h5(o.h5, &o.spec, &res, attrs);
        }
        pario_agree(&st, MPI_COMM_WORLD);
        if (!pario_failed(&st) && c.stats)
            pario_stats_print(tool.name, "read", res.bytes, res.seconds, MPI_COMM_WORLD);
        if (!pario_failed(&st) && c.verbose)
            pario_note(&c, "%d pass%s over the data; reads %s; %.3f s waiting for reads on rank 0", res.passes,
                       res.passes == 1 ? "" : "es",
                       res.reads ? res.reads : "in turn with the work",
                       res.io_seconds);
        pario_reduce_result_free(&res);
    }
done:
    pario_view_free(&view);
    int code = pario_report(&st, tool.name, MPI_COMM_WORLD);
    pario_common_free(&c);
    MPI_Finalize();
    return code;
}
