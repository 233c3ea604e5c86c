/* pario-pi: Monte Carlo pi (darts or the midpoint rule) in rounds, the same for
 * any number of ranks, logged round by round to a parallel HDF5 file. */
#include "config.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pario/pario.h"
#include "pario/guard.h"
#include "pario/pi.h"

enum { O_SAMPLES = 256, O_ROUNDS, O_SEED, O_LOG, O_METHOD, O_RESUME, O_FORCE, O_SYNC };
static pario_status handle(void *ctx, int key, const char *arg)
{
    pario_pi_run_opts *o = ctx;
    pario_status st = pario_ok();
    switch (key) {
    case O_SAMPLES: st = pario_parse_size(arg, &o->p.samples); o->have_samples = 1; break;
    case O_ROUNDS: st = pario_parse_size(arg, &o->p.rounds); o->have_rounds = 1; break;
    case O_SEED: st = pario_parse_size(arg, &o->p.seed); o->have_seed = 1; break;
    case O_LOG: o->log = arg; break;
    case O_METHOD: st = pario_pi_method_parse(arg, &o->p.method); o->have_method = 1; break;
    case O_RESUME: o->resume = 1; break;
    case O_FORCE: o->force = 1; break;
    case O_SYNC: {
        char *end;
        o->sync_seconds = strtod(arg, &end);
        /* decimal, as every other number pario reads (strtod took 0x10) */
        if (end == arg || *end || strpbrk(arg, "xX") || !(o->sync_seconds >= 0) || o->sync_seconds > 1e9)
            st = pario_error(PARIO_ERR_USAGE, "--sync: '%s' is not a number of seconds >= 0", arg);
        break;
    }
    }
    return st;
}

static const pario_optdef options[] = {
    { "samples", O_SAMPLES, 1, "N", "samples per round (default 1M): 1000, 1e7, 4Mi" },
    { "rounds", O_ROUNDS, 1, "R", "rounds in all (default 10; with --resume, the log's unless given)" },
    { "seed", O_SEED, 1, "S", "seed of the counter-based generator (darts; default 0)" },
    { "method", O_METHOD, 1, "M", "darts (default) or midpoint (integral of 4/(1+x^2))" },
    { "log", O_LOG, 1, "FILE", "log every round to this HDF5 file (parallel, collective)" },
    { "resume", O_RESUME, 0, NULL, "continue --log FILE from its last complete round" },
    { "force", O_FORCE, 0, NULL, "replace an existing --log FILE" },
    { "sync", O_SYNC, 1, "SEC", "fsync the log at most every SEC seconds (default 10; 0: every round)" },
    { NULL, 0, 0, NULL, NULL },
};

static const pario_tool tool = {
    "pario-pi",
    "[--samples N] [--rounds R] [--seed S] [--method darts|midpoint] [--log FILE [--resume|--force]]",
    "Estimate pi in R rounds of N samples. darts: the fraction of points of the unit\n"
    "square inside the quarter circle, from a counter-based generator (" PARIO_RNG_NAME ")\n"
    "keyed by the seed and each sample's global index; midpoint: the midpoint rule for\n"
    "the integral of 4/(1+x^2) on [0,1] over N*R points, with its error bound. Round r\n"
    "is samples r*N .. r*N+N-1 split over the ranks (midpoint: in blocks of 4096\n"
    "points, whose sums are added exactly), so the estimate is the same, bit for bit,\n"
    "for any number of ranks. stderr is the standard error of the estimate (darts:\n"
    "from the binomial variance of the hits; midpoint: from the spread of the rounds).",
    "Examples:\n"
    "  mpiexec.mpich -n 4 pario-pi --samples 1e7 --rounds 100 --seed 42 --log pi.h5\n"
    "  mpiexec.mpich -n 2 pario-pi --resume --log pi.h5 --rounds 200\n"
    "  mpiexec.mpich -n 2 pario-pi --method midpoint --samples 1e6 --rounds 10 --format json\n",
    PARIO_OPTS_FORMAT, options, handle, 0, 0, 0,
    "samples, seconds, samples/s in all and per core, the kernel's rate per rank (mean, slowest, fastest) and "
    "the log's share of the time (stderr)",
};

static void print_result(const pario_common *c, const pario_pi_run_opts *o, const pario_pi_result *r)
{
    pario_out out;
    pario_out_open(&out, stdout, c->format);
    pario_out_str(&out, "method", pario_pi_method_name(r->p.method));
    if (r->p.method == PARIO_PI_DARTS)
        pario_out_u64(&out, "seed", r->p.seed);
    pario_out_u64(&out, "samples_per_round", r->p.samples);
    pario_out_u64(&out, "rounds", r->rounds);
    pario_out_u64(&out, "samples", r->samples);
    pario_out_i64(&out, "ranks", r->nranks);
    pario_out_f64(&out, "estimate", r->estimate);
    if (isnan(r->std_err))
        pario_out_null(&out, "stderr");
    else
        pario_out_f64(&out, "stderr", r->std_err);
    pario_out_f64(&out, "error", r->error);
    if (r->p.method == PARIO_PI_MIDPOINT) {
        if (isnan(r->bound))
            pario_out_null(&out, "error_bound");
        else
            pario_out_f64(&out, "error_bound", r->bound);
    }
    double wall = r->seconds > 0 ? r->seconds : 1e-9;
    pario_out_f64(&out, "seconds", r->seconds);
    pario_out_f64(&out, "samples_per_second", (double)r->run_samples / wall);
    pario_out_f64(&out, "samples_per_second_per_rank", (double)r->run_samples / wall / r->nranks);
    if (o->log) {
        pario_out_str(&out, "log", o->log);
        pario_out_u64(&out, "resumed_rounds", r->resumed);
        pario_out_f64(&out, "log_seconds", r->log_seconds);
        pario_out_u64(&out, "log_fsyncs", r->log_syncs);
    }
    pario_out_close(&out);
}

int main(int argc, char **argv)
{
    pario_mpi_init(&argc, &argv);
    pario_common c;
    pario_pi_run_opts o;
    memset(&o, 0, sizeof o);
    o.p.method = PARIO_PI_DARTS;
    o.p.samples = 1000000;
    o.p.rounds = 10;
    o.sync_seconds = 10;
    pario_status st = pario_parse(&tool, argc, argv, &c, &o, MPI_COMM_WORLD);
    if (!pario_failed(&st) && (o.resume || o.force) && !o.log)
        st = pario_error(PARIO_ERR_USAGE, "--%s needs --log FILE", o.resume ? "resume" : "force");
    if (!pario_failed(&st) && o.resume && o.force)
        st = pario_error(PARIO_ERR_USAGE, "give either --resume or --force, not both");
    if (!pario_failed(&st) && o.log) {
        pario_guard *g = pario_guard_new();
        if (o.resume)
            pario_guard_input(g, o.log, "log"); /* continued in place */
        else
            pario_guard_output(g, o.log, "log");
        pario_guard_log_lock(g, o.log);
        st = pario_guard_check(g, MPI_COMM_WORLD);
        pario_guard_free(g);
    }
    if (!pario_failed(&st)) {
        pario_pi_result res;
        pario_progress prog;
        pario_progress_start(&prog, tool.name, "computing", 0, c.progress, c.quiet, MPI_COMM_WORLD);
        pario_progress_set_unit(&prog, "rounds");
        o.progress = &prog;
        st = pario_pi_run(&o, &res, MPI_COMM_WORLD);
        pario_progress_finish(&prog);
        if (!pario_failed(&st) && c.rank == 0)
            print_result(&c, &o, &res);
        if (!pario_failed(&st) && c.stats)
            pario_pi_stats_print(tool.name, &res, MPI_COMM_WORLD);
        if (!pario_failed(&st) && c.verbose) {
            pario_note(&c, "%llu rounds of %llu samples on %d ranks in %.3f s (%llu read from the log)",
                       (unsigned long long)(res.rounds - res.resumed), (unsigned long long)res.p.samples,
                       res.nranks, res.seconds, (unsigned long long)res.resumed);
            if (o.log)
                pario_note(&c, "log %s: %llu rounds, %llu fsyncs, %.3f s writing it on rank 0", o.log,
                           (unsigned long long)res.rounds, (unsigned long long)res.log_syncs, res.log_seconds);
        }
    }
    int code = pario_report(&st, tool.name, MPI_COMM_WORLD);
    pario_common_free(&c);
    MPI_Finalize();
    return code;
}
