/* pario-plot: draw a pario-pi log (running estimate) or a pario-train log
 * (loss curve) as a self-contained SVG. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pario/pario.h"
#include "pario/guard.h"
#include "pario/pi_plot.h"
#include "pario/train_plot.h"

enum { O_OUT = 256, O_WIDTH, O_HEIGHT, O_TITLE };

struct plot_opts {
    const char *out;
    pario_plot_opts p;
};

static pario_status handle(void *ctx, int key, const char *arg)
{
    struct plot_opts *o = ctx;
    uint64_t v = 0;
    pario_status st = pario_ok();
    switch (key) {
    case O_OUT: o->out = arg; break;
    case O_TITLE: o->p.title = arg; break;
    case O_WIDTH:
    case O_HEIGHT:
        st = pario_parse_size(arg, &v);
        if (!pario_failed(&st) && (v < 200 || v > 10000))
            st = pario_error(PARIO_ERR_USAGE, "--%s %s: expected 200 to 10000 pixels",
                             key == O_WIDTH ? "width" : "height", arg);
        if (key == O_WIDTH)
            o->p.width = (int)v;
        else
            o->p.height = (int)v;
        break;
    }
    return st;
}

static const pario_optdef options[] = {
    { "out", O_OUT, 1, "FILE", "the SVG file to write (required)" },
    { "width", O_WIDTH, 1, "PX", "width in pixels (default 720)" },
    { "height", O_HEIGHT, 1, "PX", "height in pixels (default 440)" },
    { "title", O_TITLE, 1, "TEXT", "title (default: from the log's attributes)" },
    { NULL, 0, 0, NULL, NULL },
};

static const pario_tool tool = {
    "pario-plot",
    "LOG --out FILE.svg [--width PX] [--height PX] [--title TEXT]",
    "Draw the running estimate of a pario-pi log with its +-2 standard-error band\n"
    "against the true value of pi, samples on a log scale, as a self-contained SVG;\n"
    "or, for a log written by pario-train (told apart by its attributes), the mean\n"
    "training loss of every finished epoch (each point's tooltip gives the epoch,\n"
    "its loss and accuracy).\n"
    "The log is read serially (rank 0); run it without mpiexec.",
    "Examples:\n"
    "  pario-plot pi.h5 --out pi.svg\n"
    "  pario-plot pi.h5 --out pi.svg --width 900 --title 'pi, 4 ranks'\n"
    "  pario-plot train.h5 --out loss.svg\n",
    0, options, handle, 1, 1, PARIO_WITHOUT_PROGRESS | PARIO_WITHOUT_STATS | PARIO_WITHOUT_LAUNCHER, /* rank 0 reads a small log */
    NULL, /* --stats: the common bytes and MiB/s */
};

static pario_status plot_train(const char *log, const struct plot_opts *o)
{
    pario_train_history h;
    pario_status st = pario_train_history_read(log, &h);
    if (pario_failed(&st))
        return st;
    if (h.epochs == 0) {
        pario_train_history_free(&h);
        return pario_error(PARIO_ERR_RUNTIME, "%s: holds no finished epoch", log);
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) {
        pario_train_history_free(&h);
        return pario_local_error("out of memory");
    }
    st = pario_train_plot_svg(&h, &o->p, mem);
    fclose(mem);
    if (!pario_failed(&st))
        st = pario_write_file_atomic(o->out, buf, len);
    free(buf);
    pario_train_history_free(&h);
    return st;
}

static pario_status plot(const char *log, const struct plot_opts *o)
{
    if (pario_train_log_is(log))
        return plot_train(log, o);
    if (pario_h5log_is(log) == 0)   /* (it said "not a pario-pi log" of a training log without /weights) */
        return pario_error(PARIO_ERR_RUNTIME, "%s: neither a pario-pi log (no attribute 'method') nor a pario-train "
                           "log (its attributes 'batch' and 'features', and /weights)", log);
    pario_pi_history h;
    pario_status st = pario_h5log_read(log, &h);
    if (pario_failed(&st))
        return st;
    if (h.rounds == 0) { /* before the plot, whose own message cannot name the log */
        pario_pi_history_free(&h);
        return pario_error(PARIO_ERR_RUNTIME, "%s: holds no complete round", log);
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) {
        pario_pi_history_free(&h);
        return pario_local_error("out of memory");
    }
    st = pario_pi_plot_svg(&h, &o->p, mem);
    fclose(mem);
    if (!pario_failed(&st))
        st = pario_write_file_atomic(o->out, buf, len);
    free(buf);
    pario_pi_history_free(&h);
    return st;
}

int main(int argc, char **argv)
{
    pario_mpi_init(&argc, &argv);
    pario_common c;
    struct plot_opts o;
    memset(&o, 0, sizeof o);
    pario_status st = pario_parse(&tool, argc, argv, &c, &o, MPI_COMM_WORLD);
    if (!pario_failed(&st) && !o.out)
        st = pario_error(PARIO_ERR_USAGE, "--out FILE.svg is required");
    if (!pario_failed(&st)) {
        pario_guard *g = pario_guard_new();
        pario_guard_log_input(g, c.args[0], "log");
        pario_guard_output(g, o.out, "SVG");
        st = pario_guard_check(g, MPI_COMM_WORLD);
        pario_guard_free(g);
    }
    if (!pario_failed(&st) && c.rank == 0) {
        st = plot(c.args[0], &o);
        if (!pario_failed(&st) && c.verbose)
            pario_note(&c, "wrote %s", o.out);
    }
    int code = pario_report(&st, tool.name, MPI_COMM_WORLD);
    pario_common_free(&c);
    MPI_Finalize();
    return code;
}
