/* pario-train: data-parallel training of linear, logistic and softmax regression
 * over a shared-file dataset, gradients summed by an allreduce (Horovod's recipe). */
#include "config.h"
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pario/pario.h"
#include "pario/guard.h"
#include "pario/train.h"

enum { O_MODEL = 256, O_LABELS, O_LABEL_COLUMN, O_EPOCHS, O_BATCH, O_LR, O_L2, O_SEED, O_CLASSES, O_ALLREDUCE, O_LOG, O_RESUME, O_FORCE, O_BLOCK, O_PREDICT, O_OUT, O_NO_MMAP };

/* The options given, bit key - O_MODEL: --predict refuses the training ones. */
static unsigned given;

static pario_status parse_real(const char *opt, const char *arg, double lo, double *out)
{
    char *end;
    double v = strtod(arg, &end);
    /* decimal: strtod took 0x1; and no leading blank, which strtod skips
     * (refused by every other number option: --lr ' 0.1' passed) */
    if (end == arg || *end || strpbrk(arg, "xX") || isspace((unsigned char)*arg) || !isfinite(v) || v < lo)
        return pario_error(PARIO_ERR_USAGE, "--%s: '%s' is not a number >= %g", opt, arg, lo);
    *out = v;
    return pario_ok();
}

static pario_status parse_count(const char *opt, const char *arg, uint64_t lo, uint64_t *out)
{
    /* a size that does not parse keeps its reason; the option parser names
     * the option (lib/opts.c) */
    pario_status st = pario_parse_size(arg, out);
    if (!pario_failed(&st) && *out < lo)
        return pario_error(PARIO_ERR_USAGE, "--%s: '%s' is not a whole number >= %llu", opt, arg,
                           (unsigned long long)lo);
    return st;
}

static pario_status handle(void *ctx, int key, const char *arg)
{
    pario_train_opts *o = ctx;
    uint64_t v;
    pario_status st = pario_ok();
    if (key >= O_MODEL && key <= O_NO_MMAP)
        given |= 1u << (key - O_MODEL);
    switch (key) {
    case O_MODEL: return pario_train_model_parse(arg, &o->model);
    case O_LABELS: o->labels = arg; break;
    case O_LABEL_COLUMN:
        st = parse_count("label-column", arg, 0, &v);
        if (!pario_failed(&st) && v > INT64_MAX / 2)
            st = pario_error(PARIO_ERR_USAGE, "--label-column: '%s' is too large", arg);
        o->label_column = (int64_t)v;
        break;
    case O_EPOCHS: return parse_count("epochs", arg, 0, &o->epochs);
    case O_BATCH: return parse_count("batch", arg, 1, &o->batch);
    case O_BLOCK: return parse_count("shuffle-block", arg, 1, &o->block);
    case O_SEED: return parse_count("seed", arg, 0, &o->seed);
    case O_CLASSES:
        st = parse_count("classes", arg, 2, &o->classes);
        if (!pario_failed(&st) && o->classes > 65536)
            st = pario_error(PARIO_ERR_USAGE, "--classes: at most 65536");
        break;
    case O_LR:
        st = parse_real("lr", arg, 0, &o->lr);
        if (pario_failed(&st) || o->lr == 0)   /* one message for 0 and -0.1 (it said ">= 0" for the latter) */
            st = pario_error(PARIO_ERR_USAGE, "--lr: '%s' is not a number > 0", arg);
        break;
    case O_L2: return parse_real("l2", arg, 0, &o->l2);
    case O_ALLREDUCE: return pario_allreduce_parse(arg, &o->allreduce);
    case O_LOG: o->log = arg; break;
    case O_RESUME: o->resume = 1; break;
    case O_FORCE: o->force = 1; break;
    case O_PREDICT: o->predict = arg; break;
    case O_OUT: o->out = arg; break;
    case O_NO_MMAP: o->no_mmap = 1; break;
    }
    return st;
}

static const pario_optdef options[] = {
    { "model", O_MODEL, 1, "M", "linear (least squares), logistic (labels 0/1) or softmax (labels 0..K-1)" },
    { "labels", O_LABELS, 1, "FILE", "the labels: a 1-D dataset with one value per row of DATA" },
    { "label-column", O_LABEL_COLUMN, 1, "J", "the labels: column J (from 0) of DATA; the others are the features" },
    { "epochs", O_EPOCHS, 1, "E", "passes over the data (default 10)" },
    { "batch", O_BATCH, 1, "B", "global batch size, split over the ranks (default 32)" },
    { "lr", O_LR, 1, "LR", "learning rate (default 0.01)" },
    { "l2", O_L2, 1, "L", "L2 penalty on the weights, not the biases (default 0)" },
    { "seed", O_SEED, 1, "S", "seed of the shuffle (default 0)" },
    { "shuffle-block", O_BLOCK, 1, "R", "rows per shuffled block, read with one call (default 64; 1: shuffle single rows)" },
    { "classes", O_CLASSES, 1, "K", "softmax: number of classes (default: the largest label + 1)" },
    { "allreduce", O_ALLREDUCE, 1, "A", "auto (default: shm when every rank is on one host, else mpi), shm (shared memory), mpi (MPI collectives) or ring (reduce-scatter + allgather by MPI_Sendrecv)" },
    { "log", O_LOG, 1, "FILE", "log every epoch (loss, accuracy, seconds, samples/s, weights) to this HDF5 file" },
    { "resume", O_RESUME, 0, NULL, "continue --log FILE from its last finished epoch (same final weights)" },
    { "force", O_FORCE, 0, NULL, "replace an existing --log FILE" },
    { "predict", O_PREDICT, 1, "MODEL", "predict instead of training: the weights of the last epoch of the --log file MODEL" },
    { "out", O_OUT, 1, "FILE", "--predict: write the predictions to FILE: FILE.npy a .npy file, FILE.h5:/dset an HDF5 dataset, else raw with FILE.yaml" },
    { "no-mmap", O_NO_MMAP, 0, NULL, "read the rows with MPI-IO calls into a buffer, never from a memory map of DATA" },
    { NULL, 0, 0, NULL, NULL },
};

static const pario_tool tool = {
    "pario-train",
    "--model linear|logistic|softmax [options] (--labels LABELS | --label-column J) [--log FILE [--resume|--force]] DATA",
    "Train a linear model by minibatch SGD on the rows of the 2-D dataset DATA (one\n"
    "sample per row), data-parallel: the rows are cut into blocks of R consecutive\n"
    "rows (--shuffle-block), every epoch visits the blocks in the order of a Feistel\n"
    "permutation keyed by the seed and the epoch, global batch i is positions\n"
    "i*B..i*B+B-1 of that row sequence, and its segments (its runs inside one block)\n"
    "are dealt to the ranks by position (sorted by row, each rank 1/P of the\n"
    "batch's rows, mostly from its own 1/P of the file); a rank takes a segment's\n"
    "rows from a memory map of DATA (a regular file in host byte order; else, and\n"
    "with --no-mmap, one independent MPI-IO read, at most --chunk bytes of rows at\n"
    "a time). Each segment's gradient is summed in doubles in row order, the\n"
    "segments' sums exactly and rounded once (--allreduce mpi: the segments' sums\n"
    "of at most 128 segments allgathered as doubles and added exactly on every\n"
    "rank, else a superaccumulator per weight merged across ranks; shm, the\n"
    "default when every rank is on one host: the segments' sums meet in shared\n"
    "memory, up to 4 ranks as exact 128-bit partials that every rank combines,\n"
    "from 5 each rank adding 1/P of the weights; ring: superaccumulators);\n"
    "every rank applies\n"
    "  w <- w - lr * (G/b + l2*w)      (biases: w <- w - lr * G/b)\n"
    "to the same weights, which start at zero on rank 0 and are broadcast. The\n"
    "weights are therefore the same bits for any number of ranks and either\n"
    "allreduce (doc/train.md). Printed: the last epoch's mean training loss, the\n"
    "final weights' mean loss (without the L2 term) and accuracy over all rows, and\n"
    "the weights:\n"
    "K rows (K = 1 unless softmax) of the F feature weights followed by the bias.\n"
    "steps, seconds and samples/s count this run's epochs: after --resume not the\n"
    "resumed_epochs read from the log.",
    "Examples:\n"
    "  mpiexec.mpich -n 4 pario-train --model linear --labels y.bin X.bin\n"
    "  mpiexec.mpich -n 2 pario-train --model logistic --label-column 0 --epochs 5 --batch 64 --lr 0.1 data.bin\n"
    "  mpiexec.mpich -n 3 pario-train --model softmax --labels digits.bin --allreduce ring --format json X.bin\n"
    "  mpiexec.mpich -n 2 pario-train --model linear --labels y.bin --epochs 100 --log train.h5 X.bin\n"
    "  mpiexec.mpich -n 4 pario-train --model linear --labels y.bin --epochs 100 --log train.h5 --resume X.bin\n"
    "The log (parallel HDF5, written collectively, flushed every epoch, under a\n"
    "temporary name until the first epoch is in) holds /loss, /accuracy, /seconds,\n"
    "/samples_per_second [epochs], /weights [epochs x W] and /weights_check [epochs]\n"
    "(FNV-1a of each epoch's weights: --resume and --predict refuse weights changed\n"
    "since); its attributes record the model, seed, batch, lr, l2 and shape, which\n"
    "--resume must match.\n"
    "\n"
    "Prediction: mpiexec.mpich -n P pario-train --predict train.h5 [--label-column J] --out PRED DATA\n"
    "applies the model of the log train.h5 (its last finished epoch's weights) to\n"
    "every row of DATA (column J skipped) and writes PRED, one value per row (its\n"
    "format from its name, as every pario output: x.npy, x.h5:/dset, else raw with\n"
    "x.yaml): linear float64 w.x + b; logistic int32 1 when\n"
    "w.x + b > 0, else 0; softmax int32 the first class of the largest score.\n"
    "PRED is written under a temporary name and renamed; it may not be an input.\n"
    "Nothing is printed (no --format; --verbose: the rows written, on stderr).\n"
    "\n"
    "--verbose adds, on stderr, the steps, the samples per second and the allreduce\n"
    "that ran, and for each rank its seconds of reading + kernel, allreduce (waiting\n"
    "included), exact sums + update and final evaluation, then its median step\n"
    "(start to start), reading + kernel and allreduce in microseconds (within 0.8%),\n"
    "the time 90% and 99% of the steps stay within (the tail: at P ranks a step\n"
    "ends when its slowest rank does), and the training rows it summed (in shared\n"
    "memory the ranks take each step's segments as they go): on a machine shared\n"
    "with other jobs the medians leave out the stalled steps.\n",
    PARIO_OPTS_FORMAT | PARIO_OPTS_DATA, options, handle, 1, 1,
    /* the shuffle decides which rank reads which row, and the reads are independent */
    PARIO_WITHOUT_STRATEGY | PARIO_WITHOUT_PROGRESS | PARIO_WITHOUT_STATS | PARIO_WITHOUT_VIEW,
    NULL, /* --stats: the common bytes and MiB/s */
};

static void print_result(const pario_common *c, const pario_train_opts *o, const pario_train_result *r)
{
    pario_out out;
    pario_out_open(&out, stdout, c->format);
    pario_out_str(&out, "model", pario_train_model_name(o->model));
    pario_out_u64(&out, "samples", r->samples);
    pario_out_u64(&out, "features", r->features);
    if (o->model == PARIO_TRAIN_SOFTMAX)
        pario_out_u64(&out, "classes", r->classes);
    pario_out_u64(&out, "epochs", o->epochs);
    pario_out_u64(&out, "batch", o->batch);
    pario_out_u64(&out, "steps", r->steps);
    pario_out_f64(&out, "lr", o->lr);
    pario_out_f64(&out, "l2", o->l2);
    pario_out_u64(&out, "seed", o->seed);
    pario_out_str(&out, "allreduce", pario_allreduce_name(r->allreduce));
    pario_out_i64(&out, "ranks", r->nranks);
    if (isnan(r->train_loss))
        pario_out_null(&out, "train_loss");
    else
        pario_out_f64(&out, "train_loss", r->train_loss);
    pario_out_f64(&out, "loss", r->loss);
    if (o->model == PARIO_TRAIN_LINEAR)
        pario_out_null(&out, "accuracy");
    else
        pario_out_f64(&out, "accuracy", r->accuracy);
    pario_out_f64(&out, "seconds", r->seconds);
    pario_out_f64(&out, "samples_per_second", r->samples_per_second);
    if (o->log) {
        pario_out_str(&out, "log", o->log);
        pario_out_u64(&out, "resumed_epochs", r->resumed);
    }
    pario_out_arr(&out, "weights");
    for (uint64_t i = 0; i < r->nweights; i++)
        pario_out_f64(&out, NULL, r->weights[i]);
    pario_out_end(&out);
    pario_out_close(&out);
}

/* The first option given that only training reads, or NULL: with --predict the
 * model, its shape and its weights are the log's (--model softmax on a logistic
 * log predicted with the logistic model, silently; --epochs, --lr... did nothing). */
static const char *training_option(void)
{
    static const int keys[] = { O_MODEL, O_LABELS, O_EPOCHS, O_BATCH, O_LR, O_L2, O_SEED, O_CLASSES, O_ALLREDUCE,
                                O_LOG, O_RESUME, O_FORCE, O_BLOCK };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (given & 1u << (keys[i] - O_MODEL))
            for (const pario_optdef *d = options; d->name; d++)
                if (d->key == keys[i])
                    return d->name;
    return NULL;
}

/* The log is written (or continued in place): never over an input.
 * Collective. */
static pario_status guard_log(const pario_common *c, const pario_train_opts *o)
{
    pario_guard *g = pario_guard_new();
    pario_guard_data_input(g, c->args[0], c->desc);
    if (o->labels)
        pario_guard_data_input(g, o->labels, NULL);
    pario_guard_output(g, o->log, "log");
    pario_guard_log_lock(g, o->log);
    pario_status st = pario_guard_check(g, MPI_COMM_WORLD);
    pario_guard_free(g);
    return st;
}

int main(int argc, char **argv)
{
    pario_mpi_init(&argc, &argv);
    pario_common c;
    pario_train_opts o;
    pario_train_opts_init(&o);
    pario_status st = pario_parse(&tool, argc, argv, &c, &o, MPI_COMM_WORLD);
    if (!pario_failed(&st) && (o.resume || o.force) && !o.log)
        st = pario_error(PARIO_ERR_USAGE, "--%s needs --log FILE", o.resume ? "resume" : "force");
    if (!pario_failed(&st) && o.resume && o.force)
        st = pario_error(PARIO_ERR_USAGE, "give either --resume or --force, not both");
    /* a log is published with its first epoch: with none it was never written,
     * an old one stayed in place even with --force, and the output named it */
    if (!pario_failed(&st) && o.log && !o.resume && o.epochs == 0)
        st = pario_error(PARIO_ERR_USAGE, "--epochs 0 writes no --log (a log holds finished epochs)");
    /* --classes sizes softmax alone (with --model logistic it was ignored) */
    if (!pario_failed(&st) && !o.predict && (given & 1u << (O_CLASSES - O_MODEL)) && o.model != PARIO_TRAIN_SOFTMAX)
        st = pario_error(PARIO_ERR_USAGE, "--classes applies to --model softmax only");
    if (!pario_failed(&st) && o.predict) {
        if (!o.out)
            st = pario_error(PARIO_ERR_USAGE, "--predict needs --out FILE");
        else if (training_option())
            st = pario_error(PARIO_ERR_USAGE, "--%s does not apply to --predict", training_option());
        /* it prints no result (the predictions are --out): JSON printed nothing */
        else if (c.format != PARIO_FMT_TEXT)
            st = pario_error(PARIO_ERR_USAGE, "--format %s does not apply to --predict (it prints nothing: the "
                             "predictions are in --out)", c.format == PARIO_FMT_JSON ? "json" : "yaml");
        if (!pario_failed(&st)) {
            pario_guard *g = pario_guard_new();
            pario_guard_log_input(g, o.predict, "model");
            pario_guard_data_input(g, c.args[0], c.desc);
            pario_guard_data_output(g, o.out);
            st = pario_guard_check(g, MPI_COMM_WORLD);
            pario_guard_free(g);
        }
        if (!pario_failed(&st)) {
            o.data = c.args[0];
            o.desc = c.desc;
            o.dataset = c.dataset;
            o.io = c.io;
            uint64_t rows = 0;
            st = pario_train_predict_file(&o, &rows, MPI_COMM_WORLD);
            if (!pario_failed(&st) && c.verbose)
                pario_note(&c, "wrote %llu predictions to %s", (unsigned long long)rows, o.out);
        }
    } else if (!pario_failed(&st) && o.out) {
        st = pario_error(PARIO_ERR_USAGE, "--out needs --predict MODEL");
    } else if (!pario_failed(&st) && o.log && (st = guard_log(&c, &o), pario_failed(&st))) {
        /* the log would replace an input: reported below */
    } else if (!pario_failed(&st)) {
        o.data = c.args[0];
        o.desc = c.desc;
        o.dataset = c.dataset;
        o.io = c.io;
        pario_train_result res;
        st = pario_train_run(&o, &res, MPI_COMM_WORLD);
        if (!pario_failed(&st) && c.rank == 0)
            print_result(&c, &o, &res);
        if (!pario_failed(&st) && c.verbose)
            pario_note(&c, "%llu steps of %llu rows on %d ranks in %.3f s (%.0f samples/s), allreduce %s",
                       (unsigned long long)res.steps, (unsigned long long)o.batch, res.nranks, res.seconds,
                       res.samples_per_second, pario_allreduce_name(res.allreduce));
        for (int r = 0; !pario_failed(&st) && c.verbose && res.rank_seconds && r < res.nranks; r++) {
            const double *s = res.rank_seconds + PARIO_TRAIN_TIMERS * r;
            pario_note(&c, "rank %d: %.3f s reading + kernel, %.3f s allreduce (waiting included), %.3f s exact sums + "
                       "update, %.3f s final evaluation; median step %.2f us (reading + kernel %.2f, allreduce %.2f), "
                       "90%% of steps within %.2f us, 99%% within %.2f; %.0f rows summed",
                       r, s[0], s[1], s[2], s[3], s[4] * 1e6, s[5] * 1e6, s[6] * 1e6, s[8] * 1e6, s[9] * 1e6, s[7]);
        }
        pario_train_result_free(&res);
    }
    int code = pario_report(&st, tool.name, MPI_COMM_WORLD);
    pario_common_free(&c);
    MPI_Finalize();
    return code;
}
