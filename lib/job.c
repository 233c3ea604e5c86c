/* Job files (schemas/job.schema.yaml), read through pario_yaml_parse (yaml_load.c)
 * so every error can name the line, the column and the field. Everything a job asks
 * for is checked here, before the dataset is opened. */
#include "config.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "pario/fileutil.h"
#include "pario/guard.h"
#include "pario/job.h"
#include "pario/opts.h"
#include "pario/output.h"
#include "pario/tasks.h"
#include "yaml_load.h"

typedef struct ctx {
    const char *path;
    yaml_document_t *doc;
    pario_job *job;
} ctx;

#define LINE(node) ((unsigned long)(node)->start_mark.line + 1)
#define COLUMN(node) ((unsigned long)(node)->start_mark.column + 1)

static pario_status err(const ctx *c, const yaml_node_t *node, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static pario_status err(const ctx *c, const yaml_node_t *node, const char *field, const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return pario_yaml_error(PARIO_ERR_USAGE, c->path, node, field, "%s", msg);
}

static yaml_node_t *node(const ctx *c, int id) { return yaml_document_get_node(c->doc, id); }

/* Text (a quoted scalar, or a plain one that is not a number, true/false or null). */
static const char *scalar(const yaml_node_t *n) { return pario_yaml_str(n); }

static pario_status get_bool(const ctx *c, const yaml_node_t *n, const char *field, int *out)
{
    if (!pario_yaml_bool(n, out))
        return err(c, n, field, "expected true or false");
    return pario_ok();
}

static pario_status get_path(const ctx *c, const yaml_node_t *n, const char *field, char *out)
{
    const char *s = scalar(n);
    if (!s || !*s)
        return err(c, n, field, "expected a file name");
    /* too long either way (an absolute one was cut to its first 4095 bytes:
     * another, existing file was read) */
    int len = s[0] == '/' || !c->job->dir[0] ? snprintf(out, PARIO_PATH_MAX, "%s", s)
                                             : snprintf(out, PARIO_PATH_MAX, "%s/%s", c->job->dir, s);
    if (len < 0 || (size_t)len >= PARIO_PATH_MAX)
        return err(c, n, field, "path too long");
    return pario_ok();
}

/* Check a mapping's keys against the allowed ones. */
static pario_status check_keys(const ctx *c, const yaml_node_t *map, const char *where, const char *const *allowed)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(c, p->key);
        const char *key = scalar(k);
        int ok = 0;
        char list[256] = "";
        for (const char *const *a = allowed; *a; a++) {
            if (key && !strcmp(key, *a))
                ok = 1;
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", a == allowed ? "" : ", ", *a);
        }
        if (!ok) {
            char f[128];
            snprintf(f, sizeof f, "%s%s%s", where, *where ? "." : "", key ? key : "?");
            return err(c, k, f, "unknown field (expected %s)", list);
        }
    }
    return pario_ok();
}

static yaml_node_t *lookup(const ctx *c, const yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const char *k = scalar(node(c, p->key));
        if (k && !strcmp(k, key))
            return node(c, p->value);
    }
    return NULL;
}

/* input.data names no entry twice, said at the second one (pario_inputs_check_unique
 * finds the same file under two spellings later, without a place in the job). */
static pario_status distinct_data(const ctx *c, const yaml_node_t *d)
{
    size_t n = c->job->ndata, off = 0, later, first;
    const char **names = malloc(n * sizeof *names);
    for (size_t i = 0; names && i < n; off += strlen(c->job->data_list + off) + 1, i++)
        names[i] = c->job->data_list + off;
    int rep = names ? pario_names_repeated(names, n, &later, &first) : -1;
    pario_status st = pario_ok();
    if (rep < 0)
        st = pario_error(PARIO_ERR_RUNTIME, "%s: out of memory for input.data", c->path);
    if (rep > 0) {
        char field[64];
        snprintf(field, sizeof field, "input.data[%zu]", later);
        st = err(c, node(c, d->data.sequence.items.start[later]), field,
                 "'%.200s' is listed twice (also input.data[%zu]; each input once)", names[later], first);
    }
    free(names);
    return st;
}

static pario_status parse_input(const ctx *c, const yaml_node_t *n)
{
    if (n->type != YAML_MAPPING_NODE)
        return err(c, n, "input", "expected a mapping with 'data' (and optionally 'descriptor', 'dataset')");
    static const char *const keys[] = { "data", "descriptor", "dataset", NULL };
    pario_status st = check_keys(c, n, "input", keys);
    if (pario_failed(&st))
        return st;
    yaml_node_t *d = lookup(c, n, "data");
    if (!d)
        return err(c, n, "input.data", "missing (required): the data file");
    if (d->type == YAML_SEQUENCE_NODE) {
        /* many inputs (doc/pool.md): each a path or a glob pattern; job->data is the first */
        if (d->data.sequence.items.top == d->data.sequence.items.start)
            return err(c, d, "input.data", "expected a file name or a non-empty list of file names");
        size_t cap = 0;
        for (yaml_node_item_t *it = d->data.sequence.items.start; it < d->data.sequence.items.top; it++) {
            char one[PARIO_PATH_MAX];
            yaml_node_t *item = node(c, *it);
            st = item->type == YAML_SCALAR_NODE ? get_path(c, item, "input.data", one)
                                                : err(c, item, "input.data", "expected a file name");
            if (pario_failed(&st))
                return st;
            size_t l = strlen(one) + 1;
            if (c->job->data_len + l > cap) {
                size_t ncap = cap ? 2 * cap + l : 4096 + l;
                char *p = realloc(c->job->data_list, ncap);
                if (!p)
                    return pario_error(PARIO_ERR_RUNTIME, "%s: out of memory for input.data", c->path);
                c->job->data_list = p;
                cap = ncap;
            }
            memcpy(c->job->data_list + c->job->data_len, one, l);
            c->job->data_len += l;
            c->job->ndata++;
        }
        snprintf(c->job->data, sizeof c->job->data, "%s", c->job->data_list);
        st = distinct_data(c, d);
        if (pario_failed(&st))
            return st;
    } else {
        st = get_path(c, d, "input.data", c->job->data);
    }
    yaml_node_t *desc = lookup(c, n, "descriptor");
    if (!pario_failed(&st) && desc)
        st = get_path(c, desc, "input.descriptor", c->job->desc);
    yaml_node_t *ds = lookup(c, n, "dataset");
    if (!pario_failed(&st) && ds) {
        const char *v = pario_yaml_str(ds);
        if (!v || !*v || strlen(v) >= sizeof c->job->dataset)
            return err(c, ds, "input.dataset", "expected the dataset's path in the HDF5 file, e.g. /group/dset");
        snprintf(c->job->dataset, sizeof c->job->dataset, "%s", v);
    }
    return st;
}

static pario_status parse_io(const ctx *c, const yaml_node_t *n)
{
    if (n->type != YAML_MAPPING_NODE)
        return err(c, n, "io", "expected a mapping (chunk, independent, overlap, hints)");
    static const char *const keys[] = { "chunk", "independent", "overlap", "hints", NULL };
    pario_status st = check_keys(c, n, "io", keys);
    pario_job *job = c->job;
    yaml_node_t *v;
    if (!pario_failed(&st) && (v = lookup(c, n, "chunk"))) {
        /* an integer, or text such as 4Mi or 1e6 */
        const char *s = pario_yaml_kind(v) == PARIO_YAML_INT ? pario_yaml_number(v) : scalar(v);
        uint64_t b = 0;
        pario_status e = s ? pario_parse_size(s, &b) : pario_error(PARIO_ERR_USAGE, "x");
        if (pario_failed(&e) || b < 8 || b > ((uint64_t)1 << 30))
            return err(c, v, "io.chunk", "expected a size from 8 bytes to 1Gi (e.g. 4194304, 4Mi)");
        job->chunk_bytes = b;
    }
    if (!pario_failed(&st) && (v = lookup(c, n, "independent")))
        st = get_bool(c, v, "io.independent", &job->independent);
    if (!pario_failed(&st) && (v = lookup(c, n, "overlap")))
        st = get_bool(c, v, "io.overlap", &job->overlap);
    if (!pario_failed(&st) && (v = lookup(c, n, "hints"))) {
        if (v->type != YAML_MAPPING_NODE)
            return err(c, v, "io.hints", "expected a mapping of ROMIO hints (key: value)");
        for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
            yaml_node_t *k = node(c, p->key), *val = node(c, p->value);
            /* values: text, numbers or true/false, passed to MPI_Info as written */
            int vk = pario_yaml_kind(val);
            const char *ks = scalar(k);
            const char *vs = vk == PARIO_YAML_OTHER || vk == PARIO_YAML_NULL ? NULL : (const char *)val->data.scalar.value;
            char f[128];
            snprintf(f, sizeof f, "io.hints.%s", ks ? ks : "?");
            if (!ks || !*ks || strlen(ks) >= sizeof job->hint_key[0])
                return err(c, k, "io.hints", "hint names must be words shorter than 64 characters");
            if (!vs || !*vs || strlen(vs) >= sizeof job->hint_value[0])
                return err(c, val, f, "expected a value (text or number)");
            const char *why = pario_hint_value_problem(ks, vs);
            if (why)
                return err(c, val, f, "expected %s", why);
            if (job->nhints == PARIO_JOB_MAX_HINTS)
                return err(c, k, f, "at most %d hints", PARIO_JOB_MAX_HINTS);
            if (job->independent && pario_hint_forbids_independent(ks, vs))
                return err(c, val, f,
                           "io.independent is true, and this hint lets only the aggregators open the file, so the "
                           "other ranks cannot make independent calls; give one or the other");
            snprintf(job->hint_key[job->nhints], sizeof job->hint_key[0], "%s", ks);
            snprintf(job->hint_value[job->nhints], sizeof job->hint_value[0], "%s", vs);
            job->nhints++;
        }
    }
    return st;
}

/* A number for a field, as text (kept as given: count values are parsed per dtype). */
static pario_status number_text(const ctx *c, const yaml_node_t *n, const char *field, const char **out)
{
    const char *s = pario_yaml_number(n);
    if (!s)
        return err(c, n, field, "expected a number");
    *out = s;
    return pario_ok();
}

static pario_status parse_op(const ctx *c, const yaml_node_t *n, int i)
{
    pario_reduce_spec *spec = &c->job->spec;
    char field[64], buf[128];
    snprintf(field, sizeof field, "operations[%d]", i);
    pario_status st;
    if (scalar(n)) {
        st = pario_reduce_add_op(spec, scalar(n));
        return pario_failed(&st) ? err(c, n, field, "%s", st.msg) : st;
    }
    if (n->type != YAML_MAPPING_NODE)
        return err(c, n, field, "expected an operation name or a mapping with 'op'");
    yaml_node_t *opn = lookup(c, n, "op");
    const char *op = scalar(opn);
    if (!op) {
        snprintf(buf, sizeof buf, "%s.op", field);
        return err(c, opn ? opn : n, buf, "missing (required): sum, min, max, mean, var, std, hist, count or range");
    }
    static const char *const k_plain[] = { "op", NULL };
    static const char *const k_hist[] = { "op", "bins", "min", "max", NULL };
    static const char *const k_count[] = { "op", "value", NULL };
    static const char *const k_range[] = { "op", "lo", "hi", NULL };
    if (!strcmp(op, "hist")) {
        if ((st = check_keys(c, n, field, k_hist)), pario_failed(&st))
            return st;
        if (spec->ops & PARIO_OP_HIST)
            return err(c, opn, field, "hist given twice");
        spec->ops |= PARIO_OP_HIST;
        yaml_node_t *v;
        const char *text = NULL;
        if ((v = lookup(c, n, "bins"))) {
            snprintf(buf, sizeof buf, "%s.bins", field);
            st = pario_yaml_kind(v) == PARIO_YAML_INT ? pario_reduce_set_bins(spec, pario_yaml_number(v))
                                                      : pario_error(PARIO_ERR_USAGE, "x");
            if (pario_failed(&st))
                return err(c, v, buf, "expected an integer from 1 to %llu", (unsigned long long)PARIO_REDUCE_MAX_BINS);
        }
        for (int w = 0; w < 2; w++) {
            if (!(v = lookup(c, n, w ? "max" : "min")))
                continue;
            snprintf(buf, sizeof buf, "%s.%s", field, w ? "max" : "min");
            if ((st = number_text(c, v, buf, &text)), pario_failed(&st))
                return st;
            st = pario_reduce_set_bound(spec, w, text);
            if (pario_failed(&st))
                return err(c, v, buf, "expected a finite number");
        }
        if (spec->have_lo && spec->have_hi && spec->lo > spec->hi) {
            snprintf(buf, sizeof buf, "%s.min", field);
            return err(c, lookup(c, n, "min"), buf, "%s is greater than max %s", spec->lo_text, spec->hi_text);
        }
        return pario_ok();
    }
    if (!strcmp(op, "count") || !strcmp(op, "range")) {
        int is_count = op[0] == 'c';
        if ((st = check_keys(c, n, field, is_count ? k_count : k_range)), pario_failed(&st))
            return st;
        const char *a = NULL, *b = NULL;
        const char *names[2] = { is_count ? "value" : "lo", "hi" };
        for (int w = 0; w < (is_count ? 1 : 2); w++) {
            yaml_node_t *v = lookup(c, n, names[w]);
            snprintf(buf, sizeof buf, "%s.%s", field, names[w]);
            if (!v)
                return err(c, n, buf, "missing (required)");
            if ((st = number_text(c, v, buf, w ? &b : &a)), pario_failed(&st))
                return st;
        }
        /* room for both bounds whole: pario_reduce_add_op says which is too
         * long (cut here, "range=1.000...": "expected range=LO:HI") */
        char text[16 + 2 * PARIO_PATH_MAX];
        if (strlen(a) + (b ? strlen(b) : 0) + 16 > sizeof text)
            return err(c, n, field, "a bound may have at most %d characters", (int)sizeof spec->range.text[0] - 1);
        if (is_count)
            snprintf(text, sizeof text, "count=%s", a);
        else
            snprintf(text, sizeof text, "range=%s:%s", a, b);
        st = pario_reduce_add_op(spec, text);
        return pario_failed(&st) ? err(c, opn, field, "%s", st.msg) : st;
    }
    if ((st = check_keys(c, n, field, k_plain)), pario_failed(&st))
        return st;
    st = pario_reduce_add_op(spec, op);
    snprintf(buf, sizeof buf, "%s.op", field);
    return pario_failed(&st) ? err(c, opn, buf, "%s", st.msg) : st;
}

static pario_status parse_output(const ctx *c, const yaml_node_t *n)
{
    if (n->type != YAML_MAPPING_NODE)
        return err(c, n, "output", "expected a mapping (results, format, h5)");
    static const char *const keys[] = { "results", "format", "h5", NULL };
    pario_status st = check_keys(c, n, "output", keys);
    pario_job *job = c->job;
    yaml_node_t *v;
    int have_format = 0;
    if (!pario_failed(&st) && (v = lookup(c, n, "format"))) {
        const char *s = scalar(v);
        if (!s || (strcmp(s, "yaml") && strcmp(s, "json")))
            return err(c, v, "output.format", "expected yaml or json");
        job->format = s[0] == 'j' ? PARIO_FMT_JSON : PARIO_FMT_YAML;
        have_format = 1;
    }
    if (!pario_failed(&st) && (v = lookup(c, n, "results"))) {
        st = get_path(c, v, "output.results", job->results);
        const char *dot = strrchr(job->results, '.');
        if (!pario_failed(&st) && !have_format) {
            if (dot && !strcmp(dot, ".json"))
                job->format = PARIO_FMT_JSON;
            else if (dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml")))
                job->format = PARIO_FMT_YAML;
            else
                return err(c, v, "output.results", "name a .yaml, .yml or .json file, or give output.format");
        }
    }
    if (!pario_failed(&st) && (v = lookup(c, n, "h5")))
        st = get_path(c, v, "output.h5", job->h5);
    return st;
}

static pario_status parse_root(const ctx *c)
{
    yaml_node_t *root = yaml_document_get_root_node(c->doc);
    pario_job *job = c->job;
    if (!root)
        return pario_error(PARIO_ERR_USAGE, "%s:1:1: empty job file (expected input, operations, ...)", c->path);
    if (root->type != YAML_MAPPING_NODE)
        return err(c, root, "job", "expected a mapping (name, input, distribution, io, operations, axis, skip_nan, "
                   "skip_invalid, output, schedule, keep_going)");
    static const char *const keys[] = { "name", "input", "distribution", "io", "operations", "axis", "skip_nan",
                                        "skip_invalid", "output", "schedule", "keep_going", NULL };
    pario_status st = check_keys(c, root, "", keys);
    if (pario_failed(&st))
        return st;
    yaml_node_t *v;
    if ((v = lookup(c, root, "name"))) {
        if (!scalar(v))
            return err(c, v, "name", "expected text");
        snprintf(job->name, sizeof job->name, "%s", scalar(v));
    }
    if (!(v = lookup(c, root, "input")))
        return err(c, root, "input", "missing (required): input.data names the data file");
    if ((st = parse_input(c, v)), pario_failed(&st))
        return st;
    if ((v = lookup(c, root, "distribution"))) {
        const char *s = scalar(v);
        st = s ? pario_dist_parse(s, &job->dist) : pario_error(PARIO_ERR_USAGE, "expected text");
        if (pario_failed(&st))
            return err(c, v, "distribution", "%s", st.msg);
        snprintf(job->dist_text, sizeof job->dist_text, "%s", s);
        job->line_dist = LINE(v);
        job->col_dist = COLUMN(v);
    }
    if ((v = lookup(c, root, "io")) && (st = parse_io(c, v), pario_failed(&st)))
        return st;
    if (!(v = lookup(c, root, "operations")))
        return err(c, root, "operations", "missing (required): a list such as [sum, min, max]");
    job->line_ops = LINE(v);
    job->col_ops = COLUMN(v);
    if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.top == v->data.sequence.items.start)
        return err(c, v, "operations", "expected a non-empty list of operations");
    int i = 0;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++, i++)
        if ((st = parse_op(c, node(c, *it), i)), pario_failed(&st))
            return st;
    if ((v = lookup(c, root, "axis"))) {
        uint64_t a;
        if (!pario_yaml_u64(v, &a) || a > 1)
            return err(c, v, "axis", "expected 0 (one result per column) or 1 (per row)");
        job->spec.axis = (int)a;
        job->line_axis = LINE(v);
        job->col_axis = COLUMN(v);
    }
    if ((v = lookup(c, root, "skip_nan")) && (st = get_bool(c, v, "skip_nan", &job->spec.skip_nan), pario_failed(&st)))
        return st;
    if ((v = lookup(c, root, "skip_invalid"))) {
        if ((st = get_bool(c, v, "skip_invalid", &job->skip_invalid)), pario_failed(&st))
            return st;
        job->line_skip_invalid = LINE(v);
        job->col_skip_invalid = COLUMN(v);
    }
    if ((v = lookup(c, root, "output")) && (st = parse_output(c, v), pario_failed(&st)))
        return st;
    if ((v = lookup(c, root, "schedule"))) {
        const char *s = scalar(v);
        if (!s || (strcmp(s, "static") && strcmp(s, "dynamic")))
            return err(c, v, "schedule", "expected static or dynamic");
        job->schedule = strcmp(s, "dynamic") == 0;
    }
    if ((v = lookup(c, root, "keep_going")) && (st = get_bool(c, v, "keep_going", &job->keep_going), pario_failed(&st)))
        return st;
    return pario_ok();
}

void pario_job_free(pario_job *job)
{
    free(job->data_list);
    job->data_list = NULL;
    job->data_len = 0;
    job->ndata = 0;
}

pario_status pario_job_parse(const char *path, const char *text, size_t len, pario_job *job)
{
    memset(job, 0, sizeof *job);
    snprintf(job->path, sizeof job->path, "%s", path);
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(job->dir, sizeof job->dir, "%.*s", (int)(slash - path), path);
    if (slash == path)
        snprintf(job->dir, sizeof job->dir, "/");
    pario_dist_parse("block", &job->dist);
    snprintf(job->dist_text, sizeof job->dist_text, "block");
    job->overlap = 1;
    job->format = PARIO_FMT_YAML;
    pario_reduce_spec_init(&job->spec);

    yaml_document_t doc;
    pario_status st = pario_yaml_parse(path, text, len, PARIO_ERR_USAGE, &doc);
    if (pario_failed(&st))
        return st;
    ctx c = { path, &doc, job };
    st = parse_root(&c);
    yaml_document_delete(&doc);
    if (pario_failed(&st))
        pario_job_free(job);
    return st;
}

pario_status pario_job_load(const char *path, pario_job *job, MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    pario_status st = pario_ok();
    char *text = NULL;
    long len = 0;
    if (rank == 0) {
        size_t n = 0;
        st = pario_yaml_read(path, "the job file", PARIO_ERR_USAGE, &text, &n);
        len = (long)n;
    }
    if (pario_agree(&st, comm)) {
        free(text);
        memset(job, 0, sizeof *job);
        return st;
    }
    MPI_Bcast(&len, 1, MPI_LONG, 0, comm);
    if (rank != 0 && !(text = pario_alloc((size_t)len + 1)))
        st = pario_sys_error(ENOMEM, "cannot read the job file", path);
    if (pario_agree(&st, comm)) {
        free(text);
        memset(job, 0, sizeof *job);
        return st;
    }
    MPI_Bcast(text, (int)len + 1, MPI_CHAR, 0, comm);
    st = pario_job_parse(path, text, (size_t)len, job);
    free(text);
    return st;
}

pario_status pario_job_dist_error(const pario_job *job, pario_status st)
{
    static const char head[] = "distribution '";   /* pario_layout_make's errors */
    if (!pario_failed(&st) || !job->line_dist || strncmp(st.msg, head, sizeof head - 1) != 0)
        return st;
    return pario_error(st.code, "%s:%lu:%lu: distribution: %s", job->path, job->line_dist, job->col_dist,
                       st.msg + strlen("distribution "));
}

void pario_job_io_opts(const pario_job *job, pario_io_opts *o)
{
    pario_io_opts_init(o);
    if (job->chunk_bytes)
        o->chunk_bytes = (size_t)job->chunk_bytes;
    o->independent = job->independent;
    o->overlap = job->overlap;
    if (job->nhints) {
        MPI_Info_create(&o->info);
        for (int i = 0; i < job->nhints; i++)
            MPI_Info_set(o->info, job->hint_key[i], job->hint_value[i]);
    }
}

pario_status pario_job_check(pario_job *job, const pario_dataset *ds)
{
    pario_status st = pario_reduce_spec_check(&job->spec, ds);
    if (!pario_failed(&st))
        return st;
    const int about_axis = strstr(st.msg, "--axis") != NULL;
    char *m = strstr(st.msg, "--axis");
    if (m) /* the job's words, not the command line's */
        memmove(m, m + 2, strlen(m + 2) + 1);
    const int at_axis = about_axis && job->line_axis;
    return pario_error(PARIO_ERR_USAGE, "%s:%lu:%lu: %s: %s", job->path,
                       at_axis ? job->line_axis : job->line_ops ? job->line_ops : 1UL,
                       at_axis ? job->col_axis : job->line_ops ? job->col_ops : 1UL,
                       about_axis ? "axis" : "operations", st.msg);
}
