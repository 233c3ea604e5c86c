/* A pario-pi run: rounds computed by every rank, optionally logged and resumed.
 * A round's total is the same bits on any number of ranks: darts' hits are
 * integers; midpoint's block sums are merged exactly across the ranks (an
 * MPI_Allreduce of pario_xsum accumulators) and rounded once. The running values
 * are computed from those totals in round order, as a resume recomputes them
 * from the log. */
#include "config.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pario/fileutil.h"
#include "pario/h5log.h"
#include "pario/pi.h"
#include "slow.h"
#include "h5table.h"
#include "xsum_mpi.h"

/* Compare what the command line asks with what the log holds. */
static pario_status match_log(const pario_pi_run_opts *o, const pario_pi_history *h, pario_pi_params *p)
{
    const char *path = o->log;
    *p = h->p;
    if (o->have_method && o->p.method != h->p.method)
        return pario_error(PARIO_ERR_RUNTIME, "%s: written with --method %s; it cannot continue with --method %s",
                           path, pario_pi_method_name(h->p.method), pario_pi_method_name(o->p.method));
    if (o->have_seed && h->p.method == PARIO_PI_DARTS && o->p.seed != h->p.seed)
        return pario_error(PARIO_ERR_RUNTIME, "%s: written with --seed %llu; it cannot continue with --seed %llu",
                           path, (unsigned long long)h->p.seed, (unsigned long long)o->p.seed);
    if (o->have_samples && o->p.samples != h->p.samples)
        return pario_error(PARIO_ERR_RUNTIME,
                           "%s: written with --samples %llu per round; it cannot continue with --samples %llu", path,
                           (unsigned long long)h->p.samples, (unsigned long long)o->p.samples);
    /* a midpoint log of before /total: its rounds' sums were rank shares added in
     * rank order, which depend on the rank count; continuing it would mix them */
    if (h->p.method == PARIO_PI_MIDPOINT && !h->total)
        return pario_error(PARIO_ERR_RUNTIME,
                           "%s: a midpoint log without /total (an older pario-pi's, whose sums depend on the rank "
                           "count) cannot be continued; start a new log",
                           path);
    if (h->p.method == PARIO_PI_MIDPOINT && h->block == 0)
        return pario_error(PARIO_ERR_RUNTIME,
                           "%s: a midpoint log whose attribute block_points is not a positive count; it cannot be "
                           "continued",
                           path);
    if (h->p.method == PARIO_PI_MIDPOINT && h->block != PARIO_PI_BLOCK)
        return pario_error(PARIO_ERR_RUNTIME,
                           "%s: a midpoint log of blocks of %llu points; this pario-pi sums blocks of %d, so it "
                           "cannot continue it",
                           path, (unsigned long long)h->block, PARIO_PI_BLOCK);
    if (o->have_rounds) {
        /* midpoint rounds interleave on a grid fixed by R */
        if (h->p.method == PARIO_PI_MIDPOINT && o->p.rounds != h->p.rounds)
            return pario_error(PARIO_ERR_RUNTIME,
                               "%s: a midpoint log is a grid of --rounds %llu; it cannot continue with --rounds %llu",
                               path, (unsigned long long)h->p.rounds, (unsigned long long)o->p.rounds);
        /* as pario-train refuses fewer --epochs than its log holds (the run
         * reported the log's rounds and ignored the option; session 12) */
        if (o->p.rounds < h->rounds)
            return pario_error(PARIO_ERR_RUNTIME, "%s: holds %llu rounds, more than --rounds %llu", path,
                               (unsigned long long)h->rounds, (unsigned long long)o->p.rounds);
        p->rounds = o->p.rounds;
    }
    return pario_pi_params_check(p);
}

static void tally_history(const pario_pi_history *h, pario_pi_tally *t)
{
    pario_pi_tally_init(t, h->p.method);
    for (uint64_t r = 0; r < h->rounds; r++) {
        int64_t hits = 0, samples = 0;
        double sum = 0;
        for (uint64_t c = 0; c < h->cols; c++) {
            samples += h->samples[r * h->cols + c];
            if (h->hits)
                hits += h->hits[r * h->cols + c];
        }
        if (h->total)
            sum = h->total[r];
        pario_pi_tally_add(t, hits, sum, (uint64_t)samples);
    }
}

pario_status pario_pi_run(const pario_pi_run_opts *o, pario_pi_result *res, MPI_Comm comm)
{
    memset(res, 0, sizeof *res);
    int rank, nranks;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &nranks);
    res->nranks = nranks;
    pario_pi_params p = o->p;
    pario_pi_tally t;
    pario_pi_tally_init(&t, p.method);
    pario_h5log *log = NULL;
    pario_status st = pario_ok();

    if (o->resume && !o->log)
        st = pario_error(PARIO_ERR_USAGE, "--resume needs --log FILE");
    else if (!o->resume)
        st = pario_pi_params_check(&p);
    if (pario_agree(&st, comm))
        return st;

    if (o->resume) {
        /* Every rank reads the (small) log serially, then all reopen it in parallel. */
        pario_pi_history h;
        /* the guard refused a log another run was writing; one that began
         * writing it since may make the read fail (a truncated file): then
         * the log is busy, and says so */
        st = pario_h5log_read(o->log, &h);
        if (pario_failed(&st)) {
            pario_status busy = pario_h5table_check_idle(o->log);
            if (pario_failed(&busy))
                st = busy;
        }
        if (!pario_failed(&st)) {
            st = match_log(o, &h, &p);
            if (!pario_failed(&st) && h.rounds == 0)
                st = pario_error(PARIO_ERR_RUNTIME, "%s: holds no complete round", o->log);
        }
        if (!pario_agree(&st, comm)) {
            tally_history(&h, &t);
            res->resumed = h.rounds;
            st = pario_h5log_reopen(&log, o->log, &h, &p, comm);
        }
        pario_pi_history_free(&h);
        if (pario_failed(&st))
            return st;
    } else if (o->log) {
        st = pario_h5log_create(&log, o->log, &p, o->force, comm);
        if (pario_failed(&st))
            return st;
    }

    pario_h5log_set_sync_interval(log, o->sync_seconds);
    const int mid = p.method == PARIO_PI_MIDPOINT;
    int64_t *all = mid ? NULL : pario_alloc((size_t)nranks * 2 * sizeof *all);
    st = all || mid ? pario_ok() : pario_sys_error(ENOMEM, "the round totals", NULL);
    pario_agree(&st, comm);
    pario_xsum_mpi xm;
    if (mid)
        pario_xsum_mpi_init(&xm);
    pario_xsum merged;
    double t_start = MPI_Wtime();
    const uint64_t first = t.rounds;
    if (o->progress)
        o->progress->total = p.rounds > first ? p.rounds - first : 0;
    /* No agreement per round: the kernels cannot fail and the log agrees itself. */
    for (uint64_t r = t.rounds; !pario_failed(&st) && r < p.rounds; r++) {
        double t0 = MPI_Wtime();
        pario_pi_part part;
        pario_pi_round_part(&p, r, rank, nranks, &part);
        res->local_seconds += MPI_Wtime() - t0;
        res->local_samples += part.n;
        int64_t hits = 0, samples = 0;
        double sum = 0;
        if (mid) {
            /* the blocks' exact sums of every rank, merged exactly, rounded once;
             * the ranks' parts cover the round's S points */
            MPI_Allreduce(&part.exact, &merged, 1, xm.type, xm.op, comm);
            sum = pario_xsum_round(&merged);
            samples = (int64_t)p.samples;
        } else {
            /* hits and samples: one allgather, integer totals */
            int64_t mine[2] = { part.hits, (int64_t)part.n };
            MPI_Allgather(mine, 2, MPI_INT64_T, all, 2, MPI_INT64_T, comm);
            for (int i = 0; i < nranks; i++) {
                hits += all[2 * i];
                samples += all[2 * i + 1];
            }
        }
        pario_pi_tally_add(&t, hits, sum, (uint64_t)samples);
        res->run_samples += (uint64_t)samples;
        if (log) {
            pario_pi_logrow row = { r, part.hits, part.sum, sum, (int64_t)part.n, pario_pi_estimate(&t),
                                    pario_pi_stderr(&t), MPI_Wtime() - t0 };
            st = pario_h5log_append(log, &row);
        }
        if (o->progress)
            pario_progress_update(o->progress, r + 1 - first);
        pario_slow_after(t0); /* PARIO_SLOW, the test hook (slow.h): per round, once it is logged */
    }
    res->seconds = MPI_Wtime() - t_start;
    free(all);
    if (mid)
        pario_xsum_mpi_free(&xm);
    res->log_seconds = pario_h5log_seconds(log);
    res->log_syncs = pario_h5log_syncs(log);
    pario_status cst = pario_h5log_close(log);
    if (!pario_failed(&st))
        st = cst;
    res->p = p;
    res->rounds = t.rounds;
    res->samples = t.samples;
    res->estimate = pario_pi_estimate(&t);
    res->std_err = pario_pi_stderr(&t);
    res->error = res->estimate - PARIO_PI_TRUE;
    res->bound = p.method == PARIO_PI_MIDPOINT && t.rounds == p.rounds ? pario_pi_midpoint_bound(t.samples) : NAN;
    return st;
}

void pario_pi_stats_print(const char *tool, const pario_pi_result *res, MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    double mine = res->local_seconds > 0 ? (double)res->local_samples / res->local_seconds : 0, lo, hi, sumrate;
    MPI_Reduce(&mine, &lo, 1, MPI_DOUBLE, MPI_MIN, 0, comm);
    MPI_Reduce(&mine, &hi, 1, MPI_DOUBLE, MPI_MAX, 0, comm);
    MPI_Reduce(&mine, &sumrate, 1, MPI_DOUBLE, MPI_SUM, 0, comm);
    if (rank != 0)
        return;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1)
        cores = 1;
    int busy = res->nranks < cores ? res->nranks : (int)cores;
    double wall = res->seconds > 0 ? res->seconds : 1e-9;
    double total = (double)res->run_samples / wall;
    fprintf(stderr,
            "%s: stats: %llu samples in %.3f s: %.4g samples/s, %.4g samples/s per core (%d ranks on %d of %ld "
            "cores); kernel rate per rank %.4g (slowest %.4g, fastest %.4g) samples/s; log %.3f s (%.1f%%)\n",
            tool, (unsigned long long)res->run_samples, wall, total, total / busy, res->nranks, busy, cores,
            sumrate / res->nranks, lo, hi, res->log_seconds, 100.0 * res->log_seconds / wall);
    fflush(stderr);
}
