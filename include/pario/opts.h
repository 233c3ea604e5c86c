/* Shared command-line handling: every tool gets --help, --version, --quiet, --verbose,
 * --progress, --stats and, where it reads data, --desc, --dist, --chunk,
 * --independent, --hint, --show-hints, --explain, --format. */
#ifndef PARIO_OPTS_H
#define PARIO_OPTS_H

#include <mpi.h>
#include "pario/io.h"
#include "pario/output.h"
#include "pario/status.h"
#include "pario/view.h"

#ifdef __cplusplus
extern "C" {
#endif

enum pario_opt_groups {
    PARIO_OPTS_FORMAT = 1u << 0, /* --format */
    PARIO_OPTS_DATA = 1u << 1,   /* --desc --dataset --dist --chunk --independent --hint --show-hints --explain */
    PARIO_OPTS_TEXT = 1u << 2,   /* --chunk --hint --show-hints (text files: no descriptor) */
};

/* Common options a tool has nothing to do with (pario_tool.without): neither
 * listed by --help nor accepted. Every option a tool lists does something. */
enum pario_opt_without {
    PARIO_WITHOUT_PROGRESS = 1u << 0, /* --progress: no work long enough to follow */
    PARIO_WITHOUT_STATS = 1u << 1,    /* --stats: no data moved in parallel */
    PARIO_WITHOUT_STRATEGY = 1u << 2, /* --strategy and --no-mmap: the tool only writes, or reads on its own */
    PARIO_WITHOUT_DESC = 1u << 3,     /* --desc and --dataset: the tool reads no dataset by a descriptor */
    PARIO_WITHOUT_VIEW = 1u << 4,     /* --dist, --explain and --independent: the tool builds no view */
    PARIO_WITHOUT_LAUNCHER = 1u << 5, /* run without mpiexec (its usage line says so) */
};

typedef struct pario_common {
    const char *tool;
    int rank, nranks;
    int quiet, verbose, progress, stats, explain, show_hints;
    int format;                  /* pario_format */
    const char *desc;            /* --desc, or NULL */
    const char *dataset;         /* --dataset (HDF5 dataset path), or NULL */
    pario_dist dist;             /* --dist (default block) */
    int dist_given;
    pario_io_opts io;            /* --chunk, --independent, --hint */
    int nargs;                   /* positional arguments */
    char **args;
} pario_common;

typedef struct pario_optdef {
    const char *name;     /* long option name; NULL ends the table */
    int key;              /* passed to the handler; values >= 256, or a letter for a short
                           * option (-k), which then wins over a common option's letter */
    int has_arg;          /* 0 or 1 */
    const char *metavar;  /* for --help: "N" in "--count N" */
    const char *help;
} pario_optdef;

typedef struct pario_tool {
    const char *name;       /* "pario-count" */
    const char *synopsis;   /* "[options] (--value V | --range LO:HI | --values V,..) FILE" */
    const char *summary;    /* what it does, a few lines */
    const char *epilog;     /* examples, printed after the options; an epilog holding
                             * "Exit status" replaces the common line on exit codes */
    unsigned groups;        /* enum pario_opt_groups */
    const pario_optdef *opts;
    pario_status (*handle)(void *ctx, int key, const char *arg);
    int min_args, max_args; /* positional arguments */
    unsigned without;       /* enum pario_opt_without; 0: every common option */
    const char *stats_help; /* what --stats prints, when not the common bytes and MiB/s (NULL) */
} pario_tool;

/* MPI_Init_thread asking for MPI_THREAD_SERIALIZED, which the readers' prefetch
 * thread needs (without it they read in turn). */
void pario_mpi_init(int *argc, char ***argv);

/* Collective in effect (every rank parses the same argv): fills c, calls handle for
 * the tool's own options. Returns PARIO_DONE after --help/--version (printed by
 * rank 0), PARIO_ERR_USAGE with a message on a bad command line. */
/* NULL when VALUE is one ROMIO takes for the hint KEY, else what it must be:
 * ROMIO reads its sizes and counts with atoi and allocates its buffers from
 * them, so -1 or 99999999999999999999 made it abort every rank ("Out of
 * memory in file adio/common/ad_open.c"). Hints it does not size are not judged. */
const char *pario_hint_value_problem(const char *key, const char *value);
/* 1 when the hint KEY=VALUE forbids independent MPI-IO calls: romio_no_indep_rw
 * true lets only the collective-buffering aggregators open the file, and an
 * independent write on another rank failed ("Bad file descriptor") or hung in
 * fcntl's lock; with --independent (or io.independent) the pair is refused. */
int pario_hint_forbids_independent(const char *key, const char *value);

pario_status pario_parse(const pario_tool *t, int argc, char **argv, pario_common *c, void *ctx,
                         MPI_Comm comm);
void pario_common_free(pario_common *c);

/* Rank 0, unless --quiet: informational message on stderr ("tool: ..."). */
void pario_note(const pario_common *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Split "A:B" at the colon into two strings (in buf); 0 if not of that form. */
int pario_split_pair(const char *text, char sep, char *buf, size_t len, char **a, char **b);

/* Where --explain and --show-hints print: stdout for text output, stderr when
 * stdout carries JSON or YAML. */
FILE *pario_info_stream(const pario_common *c);

/* Collective: open path as a dataset (--desc), build this rank's view for --dist,
 * print --explain, and arrange --show-hints. */
pario_status pario_open_data(pario_common *c, const char *path, pario_dataset *ds, pario_view *v,
                             MPI_Comm comm);

/* Collective: build this rank's view of ds for --dist and print --explain (for
 * reading ds: the strategy and the hints the reader adds). */
pario_status pario_prepare_view(pario_common *c, const pario_dataset *ds, pario_view *v, MPI_Comm comm);
/* The same for a view that will be written (--explain names the writer's hints). */
pario_status pario_prepare_write_view(pario_common *c, const pario_dataset *ds, pario_view *v, MPI_Comm comm);

#ifdef __cplusplus
}
#endif
#endif
