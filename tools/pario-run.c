/* pario-run: run a batch job file (schemas/job.schema.yaml): one reduce pass over
 * the job's dataset, results to a YAML or JSON file and optionally to HDF5. */
#include "config.h"
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pario/pario.h"
#include "pario/guard.h"
#include "pario/job.h"
#include "pario/reduce.h"
#include "pario/tasks.h"
#include "pario/csv.h"

enum { O_H5 = 256, O_CHECK, O_SCHEDULE, O_KEEP_GOING, O_INPUTS };

struct run_opts {
    const char *h5;
    int check;
    int schedule_given, keep_going;
    pario_schedule schedule;
    const char *inputs;
};

static pario_status handle(void *ctx, int key, const char *arg)
{
    struct run_opts *o = ctx;
    if (key == O_H5)
        o->h5 = arg;
    else if (key == O_CHECK)
        o->check = 1;
    else if (key == O_SCHEDULE)
        return o->schedule_given = 1, pario_schedule_parse(arg, &o->schedule);
    else if (key == O_KEEP_GOING)
        o->keep_going = 1;
    else if (key == O_INPUTS)
        o->inputs = arg;
    return pario_ok();
}

static const pario_optdef options[] = {
    { "h5", O_H5, 1, "FILE", "also write the results to this HDF5 file (overrides output.h5)" },
    { "check", O_CHECK, 0, NULL, "only check the job file, and exit" },
    { "schedule", O_SCHEDULE, 1, "static|dynamic",
      "how tasks (inputs, chunks of big ones) go to ranks: static blocks (default, or the job's schedule:), or "
      "drawn from a shared counter so no rank waits for a slow one (doc/pool.md); the same results" },
    { "keep-going", O_KEEP_GOING, 0, NULL,
      "many inputs: a failed input is reported and the others finish (exit status 1); without it every rank stops "
      "at its next task" },
    { "inputs", O_INPUTS, 1, "LIST", "the inputs, one path a line ('-': stdin; a line whose first character is '#' is a comment, names keep their spaces), instead of the job's input.data (not with INPUT arguments)" },
    { NULL, 0, 0, NULL, NULL },
};

static const pario_tool tool = {
    "pario-run",
    "[options] JOB.yaml [INPUT...]",
    "Run the batch job JOB.yaml: read the dataset it names once, with its distribution,\n"
    "chunk size and hints, compute its operations (those of pario-reduce), and write\n"
    "the results to output.results (YAML or JSON; stdout if absent) and output.h5 or\n"
    "--h5 (HDF5). An invalid job is refused before any data is read, with the line\n"
    "and the field. Relative paths in the job are relative to the job file.\n"
    "Many inputs: input.data as a list or a glob pattern (data/*.bin, expanded by pario,\n"
    "sorted), INPUT arguments or --inputs LIST replace the job's data; each input is\n"
    "reduced on its own (a small file by one rank, a big one in chunk-sized tasks) and\n"
    "the results have one entry per input, in input order, then totals. A failed\n"
    "input is named; see --keep-going.",
    "Examples:\n"
    "  mpiexec.mpich -n 4 pario-run sample-data/jobs/stats.yaml\n"
    "  mpiexec.mpich -n 2 pario-run --h5 results.h5 job.yaml\n"
    "  pario-run --check job.yaml\n"
    "  mpiexec.mpich -n 4 pario-run --schedule dynamic --keep-going job.yaml 'data/*.bin'\n"
    "  mpiexec.mpich -n 4 pario-run --schedule dynamic --stats --inputs files.txt job.yaml\n",
    PARIO_OPTS_FORMAT, options, handle, 1, -1, 0,
    NULL, /* --stats: the common bytes and MiB/s */
};

static void emit(FILE *f, int fmt, const pario_job *job, const pario_dataset *ds, const pario_view *view, int nranks,
                 const pario_reduce_result *res, uint64_t *overflows, const pario_csv_opts *csv,
                 const pario_csv_stats *cs)
{
    pario_out out;
    pario_out_open(&out, f, fmt);
    char ops[512], dist[64];
    pario_reduce_ops_format(&job->spec, ops, sizeof ops);
    pario_dist_format(&view->dist, dist, sizeof dist);
    pario_out_obj(&out, "job");
    pario_out_str(&out, "file", job->path);
    if (job->name[0])
        pario_out_str(&out, "name", job->name);
    pario_out_str(&out, "data", ds->path);
    if (csv->active) { /* a column of a CSV or text file (doc/csv.md) */
        pario_out_str(&out, "format", csv->text ? "text" : "csv");
        pario_out_str(&out, "column", csv->column[0] ? csv->column : "0");
    } else {
        pario_out_str(&out, "dtype", pario_dtype_name(ds->dtype));
        pario_out_arr(&out, "shape");
        for (int i = 0; i < ds->ndims; i++)
            pario_out_u64(&out, NULL, pario_dataset_dim(ds, i));
        pario_out_end(&out);
        pario_out_str(&out, "distribution", dist);
    }
    pario_out_i64(&out, "ranks", nranks);
    pario_out_str(&out, "operations", ops);
    pario_out_bool(&out, "skip_nan", job->spec.skip_nan);
    pario_out_end(&out);
    *overflows = pario_reduce_emit(&out, &job->spec, res);
    if (csv->active)
        pario_csv_emit_stats(&out, cs);
    pario_out_close(&out);
}

/* The head of a many-input run's results document (the job), then its
 * inputs as they are done (pario_inputs_emit_*). */
static void emit_head(pario_out *out, const pario_job *job, int nranks, size_t n)
{
    char ops[512];
    pario_reduce_ops_format(&job->spec, ops, sizeof ops);
    pario_out_obj(out, "job");
    pario_out_str(out, "file", job->path);
    if (job->name[0])
        pario_out_str(out, "name", job->name);
    pario_out_u64(out, "inputs", n);
    pario_out_i64(out, "ranks", nranks);
    pario_out_str(out, "operations", ops);
    pario_out_bool(out, "skip_nan", job->spec.skip_nan);
    pario_out_end(out);
}

/* Rank 0: the inputs from --inputs, the arguments after the job, or input.data. */
static pario_status gather_inputs(const pario_common *c, const struct run_opts *o, const pario_job *job,
                                  pario_inputs *in)
{
    pario_status st = pario_ok();
    if (o->inputs)
        st = pario_inputs_add_list(in, o->inputs);
    else if (c->nargs > 1)
        for (int i = 1; i < c->nargs && !pario_failed(&st); i++)
            st = pario_inputs_add(in, c->args[i]);
    else if (job->ndata)
        for (size_t off = 0; off < job->data_len && !pario_failed(&st); off += strlen(job->data_list + off) + 1)
            st = pario_inputs_add(in, job->data_list + off);
    else
        st = pario_inputs_add(in, job->data);
    return pario_failed(&st) ? st : pario_inputs_check_unique(in);
}

/* Inputs reduced at a time (a window): their datasets, statuses and results
 * are what a many-input run keeps, 16-30 KB an input on every rank; the
 * results are written as each window is done. PARIO_RUN_WINDOW=N sets it
 * (a documented test hook, doc/pool.md). */
#define WINDOW 256

/* Collective: rank 0's PARIO_RUN_WINDOW (a count: 1e3 and 1Ki are read as
 * everywhere), else WINDOW; a value that is not a count of at least 1 is
 * ignored with a warning. Rank 0's for every rank: ranks with different
 * windows would open different inputs at once. */
static size_t window_size(const pario_common *c, MPI_Comm comm)
{
    uint64_t w = WINDOW;
    const char *e = c->rank == 0 ? getenv("PARIO_RUN_WINDOW") : NULL;
    if (e) {
        uint64_t v = 0;
        pario_status st = pario_parse_size(e, &v);
        if (!pario_failed(&st) && v >= 1)
            w = v;
        else
            fprintf(stderr, "%s: warning: PARIO_RUN_WINDOW='%s' ignored: expected a count of inputs, at least 1\n",
                    tool.name, e);
    }
    MPI_Bcast(&w, 1, MPI_UINT64_T, 0, comm);
    return w > SIZE_MAX ? SIZE_MAX : (size_t)w;
}

/* A window's histograms held at most HIST_BUDGET bytes (or one input's): each
 * input of a window keeps its counts and edges (16 bytes a bin) until the
 * window is written, so 16 inputs of a 1,048,576-bin hist took 485 MB a rank
 * and the schema's 16,777,216 bins 4 GB a window of 8 (session 26). */
#define HIST_BUDGET ((uint64_t)64 << 20)

static size_t window_for_hist(const pario_reduce_spec *s, size_t w)
{
    if (!(s->ops & PARIO_OP_HIST))
        return w;
    uint64_t per = 16 * (s->bins + 1), k = HIST_BUDGET / per;
    return k < 1 ? 1 : k < w ? (size_t)k : w;
}

/* Rank 0: where a many-input run's results go as the windows are done (a
 * temporary file beside output.results, renamed at the end; for stdout a
 * buffer, in memory when one window holds every input, else an anonymous
 * temporary file, copied out at the end), and the HDF5 results file. */
struct many_out {
    FILE *f;
    char *text;               /* the memory buffer's */
    size_t len;
    int to_file, to_mem;
    pario_out out;
    pario_inputs_emitter *e;
    pario_inputs_h5 *h5;
    size_t failed;
    char **errors;            /* --keep-going: the failed inputs' lines, printed at the end */
    size_t nerrors;
};

static pario_status many_open(struct many_out *m, const pario_common *c, const pario_job *job, size_t n, size_t w)
{
    pario_status st = pario_ok();
    int fmt = job->results[0] ? job->format : c->format;
    if (job->results[0]) {
        char tmp[4200];
        pario_tmp_name(job->results, (long)getpid(), tmp, sizeof tmp);
        m->f = fopen(tmp, "wb");
        m->to_file = 1;
        if (!m->f)
            return pario_sys_error(errno, "cannot create", job->results);
    } else if (n <= w) {
        m->f = open_memstream(&m->text, &m->len);
        m->to_mem = 1;
        if (!m->f)
            return pario_sys_error(errno, "cannot hold the results", NULL);
    } else {
        m->f = tmpfile();
        if (!m->f)
            return pario_sys_error(errno, "cannot create a temporary file for the results", NULL);
    }
    pario_out_open(&m->out, m->f, fmt);
    emit_head(&m->out, job, c->nranks, n);
    m->e = pario_inputs_emit_begin(&m->out, &job->spec, stderr, tool.name);
    if (!m->e)
        return pario_sys_error(ENOMEM, "the results", NULL);
    if (job->h5[0]) {
        char ops[512];
        pario_reduce_ops_format(&job->spec, ops, sizeof ops);
        const char *attrs[] = { "tool", tool.name, "job", job->path, "name", job->name, "operations", ops, NULL };
        const pario_h5_attr num[] = { { "ranks", 'i', c->nranks, 0 },
                                      { "axis", 'i', job->spec.axis, 0 },
                                      { "skip_nan", 'b', 0, (uint64_t)job->spec.skip_nan },
                                      { "chunk_bytes", 'u', 0, c->io.chunk_bytes } };
        st = pario_inputs_h5_open(&m->h5, job->h5, attrs, num, sizeof num / sizeof num[0]);
    }
    return st;
}

/* Rank 0: a window's inputs first..first+k-1 into the outputs; their
 * failures kept for the end. */
static pario_status many_add(struct many_out *m, const pario_job *job, char *const *paths, const pario_dataset *ds,
                             const pario_reduce_result *res, const pario_status *ist, size_t first, size_t k)
{
    errno = 0;
    pario_inputs_emit_some(m->e, paths, ds, res, ist, k);
    pario_status st = pario_ok();
    if (m->h5)
        st = pario_inputs_h5_add(m->h5, &job->spec, paths, res, ist, first, k);
    for (size_t i = 0; i < k && !pario_failed(&st); i++) {
        if (!pario_failed(&ist[i]))
            continue;
        m->failed++;
        char line[PARIO_MSG_MAX + 128];
        if (ist[i].local && ist[i].rank >= 0)
            snprintf(line, sizeof line, "%s: error: %s (rank %d)", tool.name, ist[i].msg, ist[i].rank);
        else
            snprintf(line, sizeof line, "%s: error: %s", tool.name, ist[i].msg);
        char **grown = realloc(m->errors, (m->nerrors + 1) * sizeof *grown);
        char *copy = grown ? strdup(line) : NULL;
        if (grown)
            m->errors = grown;
        if (!copy)
            return pario_sys_error(ENOMEM, "the failed inputs' messages", NULL);
        m->errors[m->nerrors++] = copy;
    }
    /* each window's text out of stdio's buffer: a full disk says so now, with its errno */
    if (!pario_failed(&st) && (fflush(m->f) != 0 || ferror(m->f)))
        st = pario_sys_error(errno ? errno : EIO, "cannot write", m->to_file ? job->results : "the results");
    return st;
}

/* Rank 0: the totals, then every output in place (commit), or none. */
/* The job's outputs written under their temporary names (h5: the HDF5 file,
 * results: the results document), renamed into place when both were written
 * (ok), the HDF5 file first and put back if the results cannot take their name
 * (pario_commit_pair: the pair was left mismatched, a hostile-user pass,
 * session 21); else both discarded and st returned as it was. */
static pario_status commit_outputs(const pario_job *job, int ok, int h5, int results, pario_status st)
{
    if (!ok) {
        if (h5)
            pario_discard_tmp(job->h5);
        if (results)
            pario_discard_tmp(job->results);
        return st;
    }
    if (h5 && results) {
        char tmp[PARIO_PATH_MAX + 32];
        pario_tmp_name(job->h5, (long)getpid(), tmp, sizeof tmp);
        return pario_commit_pair(tmp, job->h5, job->results);
    }
    return h5 ? pario_commit_tmp(job->h5) : results ? pario_commit_tmp(job->results) : st;
}

static pario_status many_close(struct many_out *m, const pario_common *c, const pario_job *job, size_t n, int commit)
{
    pario_status st = pario_ok();
    if (m->e) {
        pario_inputs_emit_end(m->e);
        pario_out_close(&m->out);
    }
    if (m->f && fflush(m->f) != 0 && commit)
        st = pario_sys_error(errno, "cannot write", m->to_file ? job->results : "the results");
    if (m->f && m->to_file && fclose(m->f) != 0 && commit && !pario_failed(&st))
        st = pario_sys_error(errno, "cannot write", job->results);
    if (m->f && m->to_mem)
        fclose(m->f);
    int ok = commit && !pario_failed(&st);
    /* the HDF5 file to its temporary name; both outputs renamed into place
     * only once both are written */
    pario_status hst = m->h5 ? pario_inputs_h5_close(m->h5, n, m->failed, ok) : pario_ok();
    if (ok && pario_failed(&hst))
        st = hst, ok = 0;
    st = commit_outputs(job, ok, m->h5 != NULL, m->to_file, st);
    if (ok && !m->to_file && m->to_mem)
        fwrite(m->text, 1, m->len, stdout);
    else if (ok && !m->to_file && m->f) {
        rewind(m->f);
        char buf[65536];
        size_t got;
        while ((got = fread(buf, 1, sizeof buf, m->f)) > 0)
            fwrite(buf, 1, got, stdout);
    }
    if (m->f && !m->to_file && !m->to_mem)
        fclose(m->f);
    fflush(stdout);
    free(m->text);
    if (ok) {
        if (job->results[0])
            pario_note(c, "wrote %s", job->results);
        if (job->h5[0])
            pario_note(c, "wrote %s", job->h5);
    }
    return st;
}

static void many_free(struct many_out *m)
{
    for (size_t i = 0; i < m->nerrors; i++)
        free(m->errors[i]);
    free(m->errors);
}

/* pario-run with many inputs (doc/pool.md): a window of inputs at a time,
 * each window opened, reduced by tasks and written before the next. */
static pario_status run_many(pario_common *c, const struct run_opts *o, pario_job *job)
{
    MPI_Comm comm = MPI_COMM_WORLD;
    pario_inputs in;
    memset(&in, 0, sizeof in);
    pario_status st = pario_ok();
    if (c->rank == 0)
        st = gather_inputs(c, o, job, &in);
    st = pario_inputs_share(&in, st, comm);
    if (!pario_failed(&st)) {
        pario_guard *g = pario_guard_new();
        pario_guard_input(g, job->path, "job file");
        pario_guard_input(g, o->inputs, "inputs list");   /* NULL: none */
        /* --keep-going: an input that is a FIFO or a device fails at its own open, alone */
        pario_guard_inputs_any_kind(g, o->keep_going || job->keep_going);
        /* rank 0 checks (pario_guard_check): the others need not hold ~0.5 KB an input */
        for (size_t i = 0; c->rank == 0 && i < in.n; i++)
            pario_guard_data_input(g, in.paths[i], job->desc);
        pario_guard_inputs_any_kind(g, 0);
        pario_guard_output(g, job->results[0] ? job->results : NULL, "results file"); /* "": stdout */
        pario_guard_output(g, job->h5[0] ? job->h5 : NULL, "HDF5 results file");
        st = pario_guard_check(g, comm);
        pario_guard_free(g);
    }
    if (!pario_failed(&st) && o->check) {
        if (c->rank == 0 && !c->quiet)
            printf("%s: valid (%zu inputs)\n", job->path, in.n);
        st = pario_error(PARIO_DONE, "checked");
    }
    size_t n = in.n, w = window_for_hist(&job->spec, window_size(c, comm));
    w = w < n ? w : (n ? n : 1);
    pario_dataset *ds = NULL;
    pario_status *ist = NULL;
    pario_reduce_result *res = NULL;
    struct many_out m;
    memset(&m, 0, sizeof m);
    if (!pario_failed(&st)) {
        ds = calloc(w, sizeof *ds);
        ist = calloc(w, sizeof *ist);
        res = calloc(w, sizeof *res);
        if (!ds || !ist || !res)
            st = pario_local_error("out of memory for %zu inputs", w);
        pario_agree(&st, comm);
    }
    const int keep_going = o->keep_going || job->keep_going;
    pario_pool_stats stats;
    memset(&stats, 0, sizeof stats);
    uint64_t bytes = 0;
    double t0 = MPI_Wtime();
    int opened = 0;
    if (!pario_failed(&st)) {
        pario_common_free(c);
        pario_job_io_opts(job, &c->io);
        if (c->rank == 0)
            st = many_open(&m, c, job, n, w);
        opened = 1;
        pario_agree(&st, comm);
    }
    pario_task_opts to = { o->schedule_given ? o->schedule : (pario_schedule)job->schedule, keep_going, 0, &c->io,
                           NULL, c->stats ? &stats : NULL, NULL };
    for (size_t first = 0; first < n && !pario_failed(&st); first += w) {
        size_t k = n - first < w ? n - first : w;
        memset(ds, 0, k * sizeof *ds);
        memset(res, 0, k * sizeof *res);
        st = pario_inputs_open(in.paths + first, k, job->desc[0] ? job->desc : NULL,
                               job->dataset[0] ? job->dataset : NULL, ds, ist, comm);
        for (size_t i = 0; i < k && !pario_failed(&st); i++)
            if (!pario_failed(&ist[i])) {
                pario_status js = pario_job_check(job, &ds[i]);
                if (pario_failed(&js))
                    ist[i] = pario_error(js.code, "%s: %s", in.paths[first + i], js.msg);
            }
        pario_inputs_outcome out = { 0, 0 };
        if (!pario_failed(&st))
            st = pario_reduce_inputs(ds, k, &job->spec, &to, res, ist, &out, comm);
        if (!pario_failed(&st) && out.failed && !keep_going)
            st = ist[out.first_failed];
        if (!pario_failed(&st)) {
            if (c->rank == 0)
                st = many_add(&m, job, in.paths + first, ds, res, ist, first, k);
            pario_agree(&st, comm);
        }
        for (size_t i = 0; i < k; i++) {
            bytes += res[i].bytes;
            pario_reduce_result_free(&res[i]);
        }
    }
    if (opened && c->rank == 0) {
        pario_status cst = many_close(&m, c, job, n, !pario_failed(&st));
        if (!pario_failed(&st))
            st = cst;
    }
    if (opened)
        pario_agree(&st, comm);
    if (!pario_failed(&st)) {
        size_t failed = m.failed;
        MPI_Bcast(&failed, sizeof failed, MPI_BYTE, 0, comm);
        if (failed) {
            /* --keep-going: every failure named, the others' results written */
            for (size_t i = 0; i < m.nerrors; i++)
                fprintf(stderr, "%s\n", m.errors[i]);
            st = pario_error(PARIO_ERR_RUNTIME, "%zu of %zu inputs failed (--keep-going: the others' results are written)",
                             failed, n);
        }
    }
    if (opened && c->stats) {
        pario_pool_stats_print(&stats, tool.name, comm);
        pario_stats_print(tool.name, "read", bytes, MPI_Wtime() - t0, comm);
    }
    many_free(&m);
    free(res);
    free(ist);
    free(ds);
    pario_inputs_free(&in);
    return st;
}

int main(int argc, char **argv)
{
    pario_mpi_init(&argc, &argv);
    pario_common c;
    struct run_opts o;
    memset(&o, 0, sizeof o);
    pario_job *job = pario_alloc(sizeof *job);
    pario_dataset ds;
    pario_view view;
    memset(&view, 0, sizeof view);
    pario_csv_opts csv;
    pario_csv_stats cs;
    pario_csv_opts_init(&csv);
    memset(&cs, 0, sizeof cs);
    pario_status st = pario_parse(&tool, argc, argv, &c, &o, MPI_COMM_WORLD);
    if (!pario_failed(&st) && !job)
        st = pario_sys_error(ENOMEM, "the job", c.args[0]);
    else if (job)
        memset(job, 0, sizeof *job);
    /* the inputs come one way: INPUT arguments beside --inputs were dropped */
    if (!pario_failed(&st) && o.inputs && c.nargs > 1)
        st = pario_error(PARIO_ERR_USAGE, "--inputs %s and INPUT arguments (%s...): give the inputs one way",
                         o.inputs, c.args[1]);
    pario_agree(&st, MPI_COMM_WORLD);
    if (!pario_failed(&st))
        st = pario_job_load(c.args[0], job, MPI_COMM_WORLD);
    /* --h5 "" names no file (the job's "" means none: the results asked for were
     * dropped, exit 0), and a name longer than the job's field was cut short */
    if (!pario_failed(&st) && o.h5 && !*o.h5)
        st = pario_error(PARIO_ERR_USAGE, "the HDF5 results file is named by an empty string: a file name is needed");
    else if (!pario_failed(&st) && o.h5 && strlen(o.h5) >= sizeof job->h5)
        st = pario_error(PARIO_ERR_USAGE, "--h5: the name is longer than %zu bytes", sizeof job->h5 - 1);
    else if (!pario_failed(&st) && o.h5)
        snprintf(job->h5, sizeof job->h5, "%s", o.h5);
    int many = !pario_failed(&st) && (c.nargs > 1 || o.inputs || job->ndata
                                      || (strpbrk(job->data, "*?[") && access(job->data, F_OK) != 0));
    /* CSV and text inputs are read by a job of one input (the many inputs' tasks take datasets) */
    if (many && job->skip_invalid)
        st = pario_error(PARIO_ERR_USAGE, "%s:%lu:%lu: skip_invalid: for a CSV or text input, and a job of many inputs "
                         "reads none", job->path, job->line_skip_invalid, job->col_skip_invalid);
    if (many) {
        if (!pario_failed(&st))
            st = run_many(&c, &o, job);
        int code = pario_report(&st, tool.name, MPI_COMM_WORLD);
        pario_common_free(&c);
        pario_job_free(job);
        free(job);
        MPI_Finalize();
        return code;
    }
    if (!pario_failed(&st)) {
        /* before a pass on the data: no output is an input, every output can be written */
        pario_guard *g = pario_guard_new();
        pario_guard_input(g, job->path, "job file");
        pario_guard_data_input(g, job->data, job->desc);
        pario_guard_output(g, job->results[0] ? job->results : NULL, "results file"); /* "": stdout */
        pario_guard_output(g, job->h5[0] ? job->h5 : NULL, "HDF5 results file");
        st = pario_guard_check(g, MPI_COMM_WORLD);
        pario_guard_free(g);
    }
    if (!pario_failed(&st) && o.check) {
        if (c.rank == 0 && !c.quiet)
            printf("%s: valid\n", job->path);
        st = pario_error(PARIO_DONE, "checked");
    }
    if (!pario_failed(&st)) {
        /* the job's settings through the same path as the command-line tools' */
        c.dist = job->dist;
        c.dist_given = 1;
        c.desc = job->desc[0] ? job->desc : NULL;
        c.dataset = job->dataset[0] ? job->dataset : NULL;
        pario_common_free(&c);
        pario_job_io_opts(job, &c.io);
        pario_schedule sched = o.schedule_given ? o.schedule : (pario_schedule)job->schedule;
        csv.skip_invalid = job->skip_invalid;
        snprintf(csv.skip_hint, sizeof csv.skip_hint, "skip_invalid: true");
        st = pario_csv_resolve(&csv, job->data, c.desc, sched == PARIO_SCHEDULE_DYNAMIC, MPI_COMM_WORLD);
        if (!pario_failed(&st) && job->skip_invalid && !csv.active)
            st = pario_error(PARIO_ERR_USAGE, "%s:%lu:%lu: skip_invalid: for a CSV or text input, and %s is neither",
                             job->path, job->line_skip_invalid, job->col_skip_invalid, job->data);
        if (!pario_failed(&st) && csv.active) { /* checked as a 1-D float64 column */
            memset(&ds, 0, sizeof ds);
            snprintf(ds.path, sizeof ds.path, "%s", job->data);
            snprintf(ds.desc_path, sizeof ds.desc_path, "%s", csv.desc_path);
            ds.dtype = PARIO_FLOAT64;
            ds.ndims = 1;
            ds.shape[0] = ds.nelems = 1;
        } else if (!pario_failed(&st)) {
            st = pario_job_dist_error(job, pario_open_data(&c, job->data, &ds, &view, MPI_COMM_WORLD));
        }
    }
    if (!pario_failed(&st))
        st = pario_job_check(job, &ds);
    if (!pario_failed(&st)) {
        pario_progress prog;
        pario_reduce_result res;
        pario_schedule sched = o.schedule_given ? o.schedule : (pario_schedule)job->schedule;
        /* a dynamic schedule's line counts the bytes handed out to all ranks */
        uint64_t total = sched == PARIO_SCHEDULE_DYNAMIC && !csv.active ? ds.nelems * pario_dtype_size(ds.dtype)
                                                                        : view.local_count * view.esize;
        pario_progress_start(&prog, tool.name, "reducing", total, c.progress, c.quiet, MPI_COMM_WORLD);
        if (csv.active) {
            st = pario_reduce_csv(job->data, &csv, &job->spec, &c.io, &prog, &res, &cs, MPI_COMM_WORLD);
        } else if (sched == PARIO_SCHEDULE_DYNAMIC) {
            pario_task_opts to = { sched, 0, 0, &c.io, c.stats ? tool.name : NULL, NULL, &prog };
            pario_status ist = pario_ok();
            pario_inputs_outcome io;
            st = pario_reduce_inputs(&ds, 1, &job->spec, &to, &res, &ist, &io, MPI_COMM_WORLD);
            if (!pario_failed(&st))
                st = ist;
        } else {
            st = pario_reduce_dataset(&ds, &view, &job->spec, &c.io, &prog, &res, MPI_COMM_WORLD);
        }
        pario_progress_finish(&prog);
        uint64_t over = 0;
        /* two outputs: each to its temporary name, both renamed into place
         * once both are written (a failure leaves the old ones as they were) */
        int results_tmp = 0, h5_tmp = 0;
        if (!pario_failed(&st) && c.rank == 0) {
            if (job->results[0]) {
                char *text = NULL;
                size_t len = 0;
                FILE *mem = open_memstream(&text, &len);
                if (!mem) {
                    st = pario_sys_error(errno, "cannot hold the results", NULL);
                } else {
                    emit(mem, job->format, job, &ds, &view, c.nranks, &res, &over, &csv, &cs);
                    fclose(mem);
                    st = pario_write_file_tmp(job->results, text, len);
                    results_tmp = !pario_failed(&st);
                }
                free(text);
            } else {
                emit(stdout, c.format, job, &ds, &view, c.nranks, &res, &over, &csv, &cs);
            }
            pario_reduce_warn_overflow(stderr, tool.name, over, &res);
        }
        if (!pario_failed(&st) && job->h5[0] && c.rank == 0) {
            char ops[512], dist[64];
            pario_reduce_ops_format(&job->spec, ops, sizeof ops);
            pario_dist_format(&view.dist, dist, sizeof dist);
            const char *attrs[] = { "tool", tool.name, "job", job->path, "name", job->name, "data", ds.path,
                                    "descriptor", ds.desc_path, "distribution", dist, "operations", ops, NULL };
            const pario_h5_attr num[] = { { "ranks", 'i', c.nranks, 0 },
                                          { "axis", 'i', job->spec.axis, 0 },
                                          { "skip_nan", 'b', 0, (uint64_t)job->spec.skip_nan },
                                          { "chunk_bytes", 'u', 0, c.io.chunk_bytes } };
            st = pario_reduce_write_h5_tmp(job->h5, &job->spec, &res, attrs, num, sizeof num / sizeof num[0]);
            h5_tmp = !pario_failed(&st);
        }
        if (h5_tmp || results_tmp)
            st = commit_outputs(job, !pario_failed(&st), h5_tmp, results_tmp, st);
        if (!pario_failed(&st) && c.rank == 0) {
            if (job->results[0])
                pario_note(&c, "wrote %s", job->results);
            if (job->h5[0])
                pario_note(&c, "wrote %s", job->h5);
        }
        pario_agree(&st, MPI_COMM_WORLD);
        if (!pario_failed(&st) && c.stats)
            pario_stats_print(tool.name, "read", res.bytes, res.seconds, MPI_COMM_WORLD);
        if (!pario_failed(&st) && c.verbose)
            pario_note(&c, "job %s: %d pass%s over %s; reads %s; %.3f s waiting for reads on rank 0", job->path,
                       res.passes, res.passes == 1 ? "" : "es", ds.path,
                       res.reads ? res.reads : "in turn with the work",
                       res.io_seconds);
        pario_reduce_result_free(&res);
    }
    pario_view_free(&view);
    int code = pario_report(&st, tool.name, MPI_COMM_WORLD);
    pario_common_free(&c);
    if (job)
        pario_job_free(job);
    free(job);
    MPI_Finalize();
    return code;
}
