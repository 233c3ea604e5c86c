/* Writing the pario-pi log collectively with parallel HDF5 (see pario/h5log.h):
 * the pi log's columns, attributes and row order on the appendable table of
 * lib/h5table.c (creation, reservations, flushes, publication, resume lock). */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <hdf5.h>
#include "pario/h5log.h"
#include "h5table.h"
#include "fault.h"
#include "h5err.h"
#include "pario/rng.h"

/* Darts logs have the first ND_DARTS columns; midpoint ones also /total. */
enum { D_VALUE, D_SAMPLES, D_ESTIMATE, D_STDERR, D_TIME, D_TOTAL, ND };
enum { ND_DARTS = D_TOTAL };
static const char *const dset_name_darts[ND_DARTS] = { "hits", "samples", "estimate", "stderr", "time" };
static const char *const dset_name_mid[ND] = { "sums", "samples", "estimate", "stderr", "time", "total" };
/* Rows per chunk: extending by one round rarely allocates a chunk. */
#define LOG_CHUNK_ROWS 512

struct pario_h5log {
    pario_h5table *t;
    int method;
    double seconds;
};

static int is_2d(int d) { return d == D_VALUE || d == D_SAMPLES; }
static int ncols(int method) { return method == PARIO_PI_MIDPOINT ? ND : ND_DARTS; }

/* The columns: [rounds x ranks] hits (int64) or sums (float64) and samples,
 * [rounds] estimate, stderr, time (and total, midpoint); zero fill (columns of
 * ranks that did not run read 0). */
static void columns(int method, pario_h5table_col *cols)
{
    const char *const *names = method == PARIO_PI_MIDPOINT ? dset_name_mid : dset_name_darts;
    for (int d = 0; d < ncols(method); d++) {
        int i64 = d == D_SAMPLES || (d == D_VALUE && method != PARIO_PI_MIDPOINT);
        cols[d] = (pario_h5table_col){ names[d], i64 ? H5T_STD_I64LE : H5T_IEEE_F64LE,
                                       i64 ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE, is_2d(d), LOG_CHUNK_ROWS, NULL };
    }
}

static pario_h5log *log_new(const char *path, int method, MPI_Comm comm)
{
    pario_h5log *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    pario_h5table_col cols[ND];
    columns(method, cols);
    l->t = pario_h5table_new(path, cols, ncols(method), comm);
    if (!l->t) {
        free(l);
        return NULL;
    }
    l->method = method;
    return l;
}

static void iso_now(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

pario_status pario_h5log_create(pario_h5log **out, const char *path, const pario_pi_params *p, int force,
                                MPI_Comm comm)
{
    *out = NULL;
    pario_h5log *l = log_new(path, p->method, comm);
    pario_status st = l ? pario_ok() : pario_sys_error(ENOMEM, "the log", path);
    if (pario_agree(&st, comm)) {
        if (l)
            pario_h5table_free(l->t), free(l);
        return st;
    }
    int nranks = pario_h5table_nranks(l->t);
    st = pario_h5table_create(l->t, force, (uint64_t)nranks);
    if (pario_failed(&st)) {
        free(l);
        return st;
    }
    /* Attributes: collective, the same arguments on every rank. */
    char start[40] = "";
    if (pario_h5table_rank(l->t) == 0)
        iso_now(start, sizeof start);
    MPI_Bcast(start, sizeof start, MPI_CHAR, 0, comm);
    const pario_h5table_attr a[] = {
        { .name = "seed", .kind = 'u', .u = p->seed },
        { .name = "ranks", .kind = 'i', .i = nranks },
        { .name = "samples_per_round", .kind = 'u', .u = p->samples },
        { .name = "rounds", .kind = 'u', .u = p->rounds },
        { .name = "method", .kind = 's', .s = pario_pi_method_name(p->method) },
        { .name = "generator", .kind = 's', .s = p->method == PARIO_PI_DARTS ? PARIO_RNG_NAME : "none" },
        { .name = "pario_version", .kind = 's', .s = PACKAGE_VERSION },
        { .name = "start_time", .kind = 's', .s = start },
        { .name = "block_points", .kind = 'u', .u = PARIO_PI_BLOCK }, /* midpoint only: the last */
    };
    int na = (int)(sizeof a / sizeof a[0]) - (p->method != PARIO_PI_MIDPOINT);
    st = pario_h5table_create_layout(l->t, a, na);
    if (pario_failed(&st)) {
        free(l);
        return st;
    }
    *out = l;
    return st;
}

pario_status pario_h5log_reopen(pario_h5log **out, const char *path, const pario_pi_history *h,
                                const pario_pi_params *p, MPI_Comm comm)
{
    *out = NULL;
    pario_h5log *l = log_new(path, h->p.method, comm);
    pario_status st = l ? pario_ok() : pario_sys_error(ENOMEM, "the log", path);
    if (pario_agree(&st, comm)) {
        if (l)
            pario_h5table_free(l->t), free(l);
        return st;
    }
    int nranks = pario_h5table_nranks(l->t);
    uint64_t cols = h->cols > (uint64_t)nranks ? h->cols : (uint64_t)nranks;
    /* drops half-written rounds; adds the columns of new ranks */
    st = pario_h5table_reopen(l->t, h->rounds, cols);
    if (pario_failed(&st)) {
        free(l);
        return st;
    }
    int ok = 1;
    if (cols > h->cols)
        ok = pario_h5table_attr_i64(l->t, &st, "ranks", (int64_t)cols);
    if (ok && p->rounds != h->p.rounds && p->rounds >= h->rounds)
        ok = pario_h5table_attr_u64(l->t, &st, "rounds", p->rounds);
    if (!pario_agree(&st, comm)) {
        int rc;
        H5E_BEGIN_TRY { rc = H5Fflush(pario_h5table_file(l->t), H5F_SCOPE_GLOBAL); } H5E_END_TRY;
        if (rc < 0)
            st = pario_h5_error("cannot prepare the log for more rounds", path);
        else if ((ok = pario_fault(PARIO_FAULT_H5FLUSH)))
            st = pario_sys_error(ok, "cannot flush the log", path);
    }
    if (pario_agree(&st, comm)) {
        pario_h5table_free(l->t);
        free(l);
        return st;
    }
    *out = l;
    return st;
}

static pario_status append_row(pario_h5log *l, const pario_pi_logrow *row)
{
    pario_h5table *t = l->t;
    int rank = pario_h5table_rank(t);
    pario_status st = pario_h5table_extend(t, row->round);
    if (pario_failed(&st))
        return st;
    /* Per-rank data first, the running estimate last: a row whose estimate is on
     * disk is complete (pario_h5log_read checks it anyway). The [rounds x ranks]
     * elements are written collectively (every rank its own); the [rounds] ones
     * by rank 0 alone: the running values exist only there, and a collective
     * call per value would cost the others three more synchronisations a round. */
    const void *vals[ND] = { l->method == PARIO_PI_MIDPOINT ? (const void *)&row->sum : (const void *)&row->hits,
                             &row->samples, &row->estimate, &row->std_err, &row->time, &row->total };
    static const int order[ND] = { D_VALUE, D_SAMPLES, D_TOTAL, D_TIME, D_STDERR, D_ESTIMATE };
    for (int i = 0; i < ND; i++) {
        int d = order[i];
        if (d >= ncols(l->method))
            continue;
        /* the 2-D writes are collective: agree before each; the 1-D ones are rank 0's alone */
        if (is_2d(d) && pario_agree(&st, pario_h5table_comm(t)))
            return st;
        if (!pario_failed(&st))
            pario_h5table_write(t, d, row->round, is_2d(d) ? (uint64_t)rank : 0, 1, vals[d], is_2d(d), &st);
    }
    if (pario_agree(&st, pario_h5table_comm(t)))
        return st;
    return pario_h5table_flush(t);
}

pario_status pario_h5log_append(pario_h5log *l, const pario_pi_logrow *row)
{
    double t0 = MPI_Wtime();
    pario_status st = append_row(l, row);
    l->seconds += MPI_Wtime() - t0;
    return st;
}

pario_status pario_h5log_close(pario_h5log *l)
{
    if (!l)
        return pario_ok();
    pario_status st = pario_h5table_close(l->t);
    free(l);
    return st;
}

uint64_t pario_h5log_syncs(const pario_h5log *l)
{
    return l ? pario_h5table_syncs(l->t) : 0;
}

void pario_h5log_set_sync_interval(pario_h5log *l, double seconds)
{
    if (l)
        pario_h5table_set_sync_interval(l->t, seconds);
}

double pario_h5log_seconds(const pario_h5log *l)
{
    return l ? l->seconds : 0;
}
