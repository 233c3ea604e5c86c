/* pario-count: count elements equal to a value, in a range, or equal to each of
 * several values, over a shared file read collectively in bounded chunks. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "pario/pario.h"
#include "pario/tasks.h"
#include "pario/csv.h"

enum { O_VALUE = 256, O_RANGE, O_VALUES, O_PER_RANK, O_SCHEDULE };

struct count_opts {
    pario_count_query q;
    int per_rank;
    pario_schedule schedule;
    pario_csv_opts csv;
};

static pario_status handle(void *ctx, int key, const char *arg)
{
    struct count_opts *o = ctx;
    pario_status st = pario_ok();
    if (pario_csv_handle(&o->csv, key, arg, &st))
        return st;
    switch (key) {
    case O_VALUE: return pario_count_query_set(&o->q, PARIO_COUNT_VALUE, arg);
    case O_RANGE: return pario_count_query_set(&o->q, PARIO_COUNT_RANGE, arg);
    case O_VALUES: return pario_count_query_set(&o->q, PARIO_COUNT_VALUES, arg);
    case O_PER_RANK: o->per_rank = 1; return pario_ok();
    case O_SCHEDULE: return pario_schedule_parse(arg, &o->schedule);
    }
    return pario_ok();
}

static const pario_optdef options[] = {
    { "value", O_VALUE, 1, "V", "count elements equal to V" },
    { "range", O_RANGE, 1, "LO:HI", "count elements x with LO <= x < HI" },
    { "values", O_VALUES, 1, "V1,V2,..", "count elements equal to each value (one count per value, each value once)" },
    { "per-rank", O_PER_RANK, 0, NULL, "also gather each rank's count to rank 0 and print them" },
    { "schedule", O_SCHEDULE, 1, "static|dynamic",
      "static (default): each rank reads its part (--dist); dynamic: ranks draw chunks from a shared counter "
      "(doc/pool.md), the same answer; not for a CSV column" },
    PARIO_CSV_OPTDEFS,
    { NULL, 0, 0, NULL, NULL },
};

static const pario_tool tool = {
    "pario-count",
    "[options] (--value V | --range LO:HI | --values V1,V2,..) FILE",
    "Count elements of the dataset FILE (described by FILE.yaml or --desc) that equal a\n"
    "value, fall in a half-open range, or equal each of several values. Every rank\n"
    "reads its part of the shared file in bounded chunks with collective MPI-IO;\n"
    "the answer is the same for any number of ranks and any --dist. Values and bounds\n"
    "are exact: on integer data hex (0xff) and whole numbers with exponents (1e6) are\n"
    "read digit by digit; a value the type cannot hold (300 for int8, 1e400 for\n"
    "float64) counts nothing; bounds beyond the type (or inf) are no limit.\n"
    "A CSV file's column (--column, or a descriptor saying format: csv or text) is\n"
    "counted as float64 values; empty, missing and non-numeric fields are an error\n"
    "naming the line unless --skip-invalid (see doc/csv.md); --progress works,\n"
    "--schedule dynamic is refused.",
    "Examples:\n"
    "  mpiexec.mpich -n 4 pario-count --value 7 data.bin\n"
    "  mpiexec.mpich -n 4 pario-count --range 0:100 --per-rank --format json data.bin\n"
    "  mpiexec.mpich -n 3 pario-count --values 1,2,3 --dist cyclic:2 --explain small.bin\n"
    "  mpiexec.mpich -n 4 pario-count --value 0 --schedule dynamic --stats data.bin\n"
    "  mpiexec.mpich -n 2 pario-count --range 10:20 --column price sample-data/prices.csv\n",
    PARIO_OPTS_FORMAT | PARIO_OPTS_DATA, options, handle, 1, 1, 0,
    NULL, /* --stats: the common bytes and MiB/s */
};

static void print_result(const pario_common *c, const struct count_opts *o, const pario_dataset *ds,
                         const pario_count_result *res, const pario_csv_stats *csv)
{
    pario_out out;
    pario_out_open(&out, stdout, c->format);
    const pario_count_query *q = &o->q;
    if (q->mode == PARIO_COUNT_VALUES) {
        pario_out_obj(&out, "counts");
        for (int i = 0; i < q->n; i++)
            pario_out_u64(&out, q->text[i], res->counts[i]);
        pario_out_end(&out);
    } else {
        pario_out_u64(&out, "count", res->counts[0]);
    }
    if (csv) {
        pario_out_u64(&out, "elements", csv->values);   /* the values counted over, as pario-reduce says */
        pario_csv_emit_stats(&out, csv);
    } else
        pario_out_u64(&out, "elements", ds->nelems);
    if (res->per_rank) {
        if (q->mode == PARIO_COUNT_VALUES) {
            pario_out_obj(&out, "per_rank");
            for (int i = 0; i < q->n; i++) {
                pario_out_arr(&out, q->text[i]);
                for (int r = 0; r < c->nranks; r++)
                    pario_out_u64(&out, NULL, res->per_rank[(size_t)r * q->n + i]);
                pario_out_end(&out);
            }
            pario_out_end(&out);
        } else {
            pario_out_arr(&out, "per_rank");
            for (int r = 0; r < c->nranks; r++)
                pario_out_u64(&out, NULL, res->per_rank[r]);
            pario_out_end(&out);
        }
    }
    pario_out_close(&out);
}

/* The query's values for dtype t; a value t cannot read is named with the
 * option that gave it ("--value: 'a' is not ..."). */
static pario_status resolve(pario_count_query *q, pario_dtype t)
{
    pario_status st = pario_count_query_resolve(q, t);
    if (pario_failed(&st) && st.msg[0] == '\'')
        return pario_error(st.code, "--value%s: %s", q->mode == PARIO_COUNT_VALUES ? "s" : "", st.msg);
    return st;
}

/* A CSV column's values, counted as float64. */
static pario_status count_csv(pario_common *c, struct count_opts *o)
{
    pario_status st = resolve(&o->q, PARIO_FLOAT64);
    if (pario_failed(&st))
        return st;
    pario_count_result res;
    pario_csv_stats stats;
    pario_progress prog;
    pario_progress_start(&prog, "pario-count", "counting", 0, c->progress, c->quiet, MPI_COMM_WORLD);
    st = pario_count_csv(c->args[0], &o->csv, &o->q, &c->io, o->per_rank, &prog, &res, &stats, MPI_COMM_WORLD);
    pario_progress_finish(&prog);
    if (pario_failed(&st))
        return st;
    if (c->rank == 0) {
        print_result(c, o, NULL, &res, &stats);
        char note[PARIO_PATH_MAX + 200];
        if (pario_csv_skipped(&stats, c->args[0], note, sizeof note))
            pario_note(c, "%s", note);
    }
    if (c->stats)
        pario_stats_print("pario-count", "read", res.bytes, res.seconds, MPI_COMM_WORLD);
    pario_count_result_free(&res);
    return st;
}

int main(int argc, char **argv)
{
    pario_mpi_init(&argc, &argv);
    pario_common c;
    struct count_opts o;
    memset(&o, 0, sizeof o);
    pario_csv_opts_init(&o.csv);
    pario_dataset ds;
    pario_view view;
    memset(&view, 0, sizeof view);
    pario_status st = pario_parse(&tool, argc, argv, &c, &o, MPI_COMM_WORLD);
    if (!pario_failed(&st) && o.q.mode == PARIO_COUNT_NONE)
        st = pario_error(PARIO_ERR_USAGE, "say what to count: --value V, --range LO:HI or --values V1,V2,.. (try --help)");
    if (!pario_failed(&st))
        st = pario_csv_resolve(&o.csv, c.args[0], c.desc, o.schedule == PARIO_SCHEDULE_DYNAMIC, MPI_COMM_WORLD);
    if (!pario_failed(&st) && o.csv.active) {
        st = count_csv(&c, &o);
        goto done;
    }
    if (!pario_failed(&st))
        st = pario_open_data(&c, c.args[0], &ds, &view, MPI_COMM_WORLD);
    if (!pario_failed(&st))
        st = resolve(&o.q, ds.dtype);
    if (!pario_failed(&st)) {
        pario_progress prog;
        pario_count_result res;
        /* a dynamic schedule's line counts the bytes handed out to all ranks */
        uint64_t total = o.schedule == PARIO_SCHEDULE_DYNAMIC ? ds.nelems * pario_dtype_size(ds.dtype)
                                                              : view.local_count * view.esize;
        pario_progress_start(&prog, tool.name, "counting", total, c.progress, c.quiet, MPI_COMM_WORLD);
        if (o.schedule == PARIO_SCHEDULE_DYNAMIC) {
            pario_task_opts to = { o.schedule, 0, 0, &c.io, c.stats ? tool.name : NULL, NULL, &prog };
            st = pario_count_tasks(&ds, &o.q, &to, o.per_rank, &res, MPI_COMM_WORLD);
        } else {
            st = pario_count_dataset(&ds, &view, &o.q, &c.io, o.per_rank, &prog, &res, MPI_COMM_WORLD);
        }
        pario_progress_finish(&prog);
        if (!pario_failed(&st) && c.rank == 0)
            print_result(&c, &o, &ds, &res, NULL);
        if (!pario_failed(&st) && c.stats)
            pario_stats_print(tool.name, "read", res.bytes, res.seconds, MPI_COMM_WORLD);
        if (!pario_failed(&st) && c.verbose) {
            char dist[64];
            const char *why;
            pario_dist_format(&view.dist, dist, sizeof dist);
            pario_strategy s = pario_strategy_choose(&view, &c.io, c.nranks, &why);
            pario_note(&c, "counted %llu %s elements of %s on %d ranks: distribution %s, %s reads, strategy %s",
                       (unsigned long long)ds.nelems, pario_dtype_name(ds.dtype), ds.path, c.nranks, dist,
                       c.io.independent ? "independent" : "collective", pario_strategy_name(s));
        }
        pario_count_result_free(&res);
    }
done:
    pario_view_free(&view);
    int code = pario_report(&st, tool.name, MPI_COMM_WORLD);
    pario_common_free(&c);
    MPI_Finalize();
    return code;
}
