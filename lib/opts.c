#include "config.h"
#include <getopt.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "pario/fileutil.h"
#include "pario/opts.h"
#include "launcher.h"
#include "node.h"
#include "io_internal.h"
#include "io_read_exchange.h"

enum {
    K_HELP = 'h', K_VERSION = 'V', K_QUIET = 'q', K_VERBOSE = 'v',
    K_PROGRESS = 1, K_STATS, K_FORMAT, K_DESC, K_DIST, K_CHUNK, K_INDEP, K_HINT, K_SHOW_HINTS, K_EXPLAIN, K_STRATEGY, K_DATASET,
    K_NO_MMAP,
};

static const pario_optdef base_opts[] = {
    { "help", K_HELP, 0, NULL, "print this help and exit" },
    { "version", K_VERSION, 0, NULL, "print the version and exit" },
    { "quiet", K_QUIET, 0, NULL, "print only results and errors" },
    { "verbose", K_VERBOSE, 0, NULL, "say more about what is done" },
    { "progress", K_PROGRESS, 0, NULL, "progress line on stderr even when it is not a terminal" },
    { "stats", K_STATS, 0, NULL,
      "bytes moved, wall time, MiB/s, fastest and slowest rank (stderr); PARIO_MEMSTATS=1: peak memory too" },
    { NULL, 0, 0, NULL, NULL },
};
static const pario_optdef format_opts[] = {
    { "format", K_FORMAT, 1, "FMT", "output as text (default), json or yaml" },
    { NULL, 0, 0, NULL, NULL },
};
static const pario_optdef data_opts[] = {
    { "desc", K_DESC, 1, "FILE", "dataset descriptor (default: the data file's name + .yaml)" },
    { "dataset", K_DATASET, 1, "PATH", "the dataset inside an HDF5 file (same as FILE:PATH), e.g. /group/dset" },
    { "dist", K_DIST, 1, "D", "distribution: block, cyclic, cyclic:K; 2-D: rows, cols, tiles, tiles:PxQ, rows-cyclic:K (default: block; a chunked HDF5 input: whole chunks per rank; pario-gather: the parts' own)" },
    { "chunk", K_CHUNK, 1, "SIZE", "bytes per rank per I/O step (default 1Mi)" },
    { "independent", K_INDEP, 0, NULL, "independent MPI-IO calls instead of collective ones" },
    { "no-mmap", K_NO_MMAP, 0, NULL, "read a rank's contiguous part, or its HDF5 chunks, with MPI-IO too (default: through a memory map of the file, no copy)" },
    { "hint", K_HINT, 1, "KEY=VALUE", "ROMIO hint passed through MPI_Info (repeatable), e.g. cb_buffer_size=16777216" },
    { "show-hints", K_SHOW_HINTS, 0, NULL, "print the hints the opened file really has" },
    { "strategy", K_STRATEGY, 1, "S", "how to read noncontiguous views: auto (default), view, exchange, sieve" },
    { "explain", K_EXPLAIN, 0, NULL, "print each rank's etype, filetype and displacement, a map of who owns what, and how the file is really read or written (strategy, hints pario adds)" },
    { NULL, 0, 0, NULL, NULL },
};
/* Tools that read text files (no descriptor, no distribution). */
static const pario_optdef text_opts[] = {
    { "chunk", K_CHUNK, 1, "SIZE", "bytes per rank per read (default 1Mi)" },
    { "hint", K_HINT, 1, "KEY=VALUE", "ROMIO hint passed through MPI_Info (repeatable)" },
    { "show-hints", K_SHOW_HINTS, 0, NULL, "print the hints the opened file really has" },
    { NULL, 0, 0, NULL, NULL },
};

/* 1 if the tool does not take the common option with this key. */
static int without(const pario_tool *t, int key)
{
    return (key == K_PROGRESS && (t->without & PARIO_WITHOUT_PROGRESS))
        || (key == K_STATS && (t->without & PARIO_WITHOUT_STATS))
        || ((key == K_STRATEGY || key == K_NO_MMAP) && (t->without & PARIO_WITHOUT_STRATEGY))
        || ((key == K_DESC || key == K_DATASET) && (t->without & PARIO_WITHOUT_DESC))
        || ((key == K_DIST || key == K_EXPLAIN || key == K_INDEP) && (t->without & PARIO_WITHOUT_VIEW));
}

/* A tool's own short option (a key below 128) takes the letter from a common one:
 * pario-grep's -v inverts the match, --verbose stays. */
static int tool_short(const pario_tool *t, int key)
{
    if (key <= ' ' || key >= 128)
        return 0;
    for (const pario_optdef *d = t->opts; d && d->name; d++)
        if (d->key == key)
            return 1;
    return 0;
}

/* getopt's value for a common option whose letter the tool took */
#define SHADOWED 0x10000

/* t: the tool whose `without` hides common options (NULL for its own table);
 * shadow: the tool whose short letters take a common option's letter. */
static void print_table(FILE *f, const pario_tool *t, const pario_optdef *d, const pario_tool *shadow)
{
    for (; d && d->name; d++) {
        if (t && without(t, d->key))
            continue;
        char left[64];
        int shortopt = d->key < 128 && d->key > ' ' && !(shadow && tool_short(shadow, d->key));
        if (shortopt)
            snprintf(left, sizeof left, "-%c, --%s%s%s", d->key, d->name, d->has_arg ? " " : "",
                     d->has_arg ? d->metavar : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", d->name, d->has_arg ? " " : "", d->has_arg ? d->metavar : "");
        fprintf(f, "  %-26s %s\n", left, d->key == K_STATS && t && t->stats_help ? t->stats_help : d->help);
    }
}

static void print_help(const pario_tool *t)
{
    FILE *f = stdout;
    /* MPICH's launcher by name: Debian's plain mpiexec may be Open MPI's, which pario refuses */
    fprintf(f, "Usage: %s%s %s\n\n%s\n\nOptions:\n", t->without & PARIO_WITHOUT_LAUNCHER ? "" : "mpiexec.mpich -n P ",
            t->name, t->synopsis, t->summary);
    print_table(f, NULL, t->opts, NULL);
    if (t->groups & PARIO_OPTS_DATA) {
        fprintf(f, "\nData and MPI-IO options:\n");
        print_table(f, t, data_opts, NULL);
    }
    if (t->groups & PARIO_OPTS_TEXT) {
        fprintf(f, "\nMPI-IO options:\n");
        print_table(f, t, text_opts, NULL);
    }
    if (t->groups & PARIO_OPTS_FORMAT)
        print_table(f, t, format_opts, NULL);
    fprintf(f, "\nCommon options:\n");
    print_table(f, t, base_opts, t);
    if (t->epilog)
        fprintf(f, "\n%s", t->epilog);
    if (!t->epilog || !strstr(t->epilog, "Exit status"))
        fprintf(f, "\nExit status: 0 success, 1 runtime or data error, 2 usage error.\n");
    fprintf(f, "Inputs must be regular files. An output that is an input (by device and inode, or\n"
               "resolved path), or two outputs that are one file, is refused (exit 2) before\n"
               "anything is read or written. Outputs are written as FILE.tmp.PID and renamed;\n"
               "a run ended by SIGTERM, SIGINT or SIGHUP removes them first, and the next run\n"
               "writing FILE removes a FILE.tmp.PID whose process is gone (after a SIGKILL).\n");
    fflush(f);
}

/* Long options into lo, short ones into the getopt string sh (of size 256);
 * t hides what the tool goes without, shadow as in print_table. */
static int add_opts(struct option *lo, int n, const pario_tool *t, const pario_optdef *d, const pario_tool *shadow,
                    char *sh)
{
    for (; d && d->name; d++) {
        if (t && without(t, d->key))
            continue;
        lo[n].name = d->name;
        lo[n].has_arg = d->has_arg ? required_argument : no_argument;
        lo[n].flag = NULL;
        lo[n].val = d->key;
        if (d->key > ' ' && d->key < 128) {
            if (shadow && tool_short(shadow, d->key)) {
                lo[n].val = SHADOWED | d->key;
            } else if (strlen(sh) + 3 < 256) {
                size_t k = strlen(sh);
                sh[k++] = (char)d->key;
                if (d->has_arg)
                    sh[k++] = ':';
                sh[k] = '\0';
            }
        }
        n++;
    }
    return n;
}

const char *pario_hint_value_problem(const char *key, const char *value)
{
    /* buffers ROMIO allocates: at most 1 GiB; counts: at most INT_MAX */
    static const struct { const char *key; long long max; const char *what; } sized[] = {
        { "cb_buffer_size", 1LL << 30, "a whole number of bytes from 1 to 1073741824" },
        { "ind_rd_buffer_size", 1LL << 30, "a whole number of bytes from 1 to 1073741824" },
        { "ind_wr_buffer_size", 1LL << 30, "a whole number of bytes from 1 to 1073741824" },
        { "cb_nodes", INT_MAX, "a whole number from 1 to 2147483647" },
        { "striping_factor", INT_MAX, "a whole number from 1 to 2147483647" },
        { "striping_unit", INT_MAX, "a whole number of bytes from 1 to 2147483647" },
    };
    for (size_t i = 0; i < sizeof sized / sizeof sized[0]; i++) {
        if (strcmp(key, sized[i].key) != 0)
            continue;
        long long v = 0;
        const char *p = value;
        for (; *p >= '0' && *p <= '9' && v <= sized[i].max; p++)
            v = v * 10 + (*p - '0');
        return p == value || *p || v < 1 || v > sized[i].max ? sized[i].what : NULL;
    }
    return NULL;
}

/* ROMIO's hint that lets only the aggregators open the file */
#define NO_INDEP_HINT "romio_no_indep_rw"

int pario_hint_forbids_independent(const char *key, const char *value)
{
    return strcmp(key, NO_INDEP_HINT) == 0 && strcasecmp(value, "true") == 0;
}

/* A value's usage error that begins with the value ("'12Q': unknown suffix",
 * pario_parse_size's, shared by many options) gets the option's name in front,
 * as the user would look for it: "--chunk: '12Q': ...". Other messages say
 * what they are about ("--chunk 0: must be ...", "give one of --value, ...").*/
static void name_option(pario_status *st, const struct option *lo, int key)
{
    if (!pario_failed(st) || st->code != PARIO_ERR_USAGE || st->msg[0] != '\'')
        return;
    const char *name = NULL;
    for (const struct option *o = lo; o->name; o++)
        if (o->val == key) {
            name = o->name;
            break;
        }
    char msg[PARIO_MSG_MAX];
    memcpy(msg, st->msg, sizeof msg);
    if (name)
        *st = pario_error(st->code, "--%s: %s", name, msg);
    else if (key > ' ' && key < 127)
        *st = pario_error(st->code, "-%c: %s", key, msg);
}

pario_status pario_parse(const pario_tool *t, int argc, char **argv, pario_common *c, void *ctx, MPI_Comm comm)
{
    memset(c, 0, sizeof *c);
    c->tool = t->name;
    MPI_Comm_rank(comm, &c->rank);
    MPI_Comm_size(comm, &c->nranks);
    c->format = PARIO_FMT_TEXT;
    pario_dist_parse("block", &c->dist);
    pario_io_opts_init(&c->io);
    c->io.tool = t->name;

    struct option lo[96];
    char sh[256] = ":";
    int n = 0;
    n = add_opts(lo, n, t, base_opts, t, sh);
    if (t->groups & PARIO_OPTS_FORMAT)
        n = add_opts(lo, n, t, format_opts, t, sh);
    if (t->groups & PARIO_OPTS_DATA)
        n = add_opts(lo, n, t, data_opts, t, sh);
    if (t->groups & PARIO_OPTS_TEXT)
        n = add_opts(lo, n, t, text_opts, t, sh);
    n = add_opts(lo, n, NULL, t->opts, NULL, sh);
    memset(&lo[n], 0, sizeof lo[n]);

    pario_status st = pario_ok();
    optind = 1;
    opterr = 0;
    int key, idx;
    while (!pario_failed(&st) && (key = getopt_long(argc, argv, sh, lo, &idx)) != -1) {
        if (key != ':' && key != '?' && tool_short(t, key)) {
            st = t->handle ? t->handle(ctx, key, optarg) : pario_ok();
            name_option(&st, lo, key);
            continue;
        }
        const int given = key;
        key &= ~SHADOWED;
        switch (key) {
        case K_HELP:
            if (c->rank == 0)
                print_help(t);
            return pario_error(PARIO_DONE, "help");
        case K_VERSION:
            if (c->rank == 0)
                printf("%s (pario) %s\n", t->name, PACKAGE_VERSION), fflush(stdout);
            return pario_error(PARIO_DONE, "version");
        case K_QUIET: c->quiet = 1; break;
        case K_VERBOSE: c->verbose++; c->io.verbose = 1; break;
        case K_PROGRESS: c->progress = 1; break;
        case K_STATS: c->stats = 1; break;
        case K_FORMAT: st = pario_format_parse(optarg, &c->format); break;
        case K_DESC: c->desc = optarg; break;
        case K_DATASET: c->dataset = optarg; break;
        case K_DIST:
            st = pario_dist_parse(optarg, &c->dist);
            c->dist_given = 1;
            break;
        case K_CHUNK: {
            uint64_t v;
            st = pario_parse_size(optarg, &v);
            if (!pario_failed(&st) && (v < 8 || v > ((uint64_t)1 << 30)))
                st = pario_error(PARIO_ERR_USAGE, "--chunk %s: must be between 8 bytes and 1Gi", optarg);
            c->io.chunk_bytes = (size_t)v;
            break;
        }
        case K_INDEP: c->io.independent = 1; break;
        case K_NO_MMAP: c->io.no_mmap = 1; break;
        case K_HINT: {
            const char *eq = strchr(optarg, '='), *why;
            if (!eq || eq == optarg || !eq[1]) {
                st = pario_error(PARIO_ERR_USAGE, "--hint '%s': expected KEY=VALUE", optarg);
                break;
            }
            /* MPI_Info_set refuses (or an implementation drops) longer ones: say so */
            if (eq - optarg > MPI_MAX_INFO_KEY) {
                st = pario_error(PARIO_ERR_USAGE, "--hint: the key is %zu characters; MPI allows at most %d",
                                 (size_t)(eq - optarg), MPI_MAX_INFO_KEY);
                break;
            }
            if (strlen(eq + 1) > MPI_MAX_INFO_VAL) {
                st = pario_error(PARIO_ERR_USAGE, "--hint %.*s: the value is %zu characters; MPI allows at most %d",
                                 (int)(eq - optarg), optarg, strlen(eq + 1), MPI_MAX_INFO_VAL);
                break;
            }
            char k[MPI_MAX_INFO_KEY + 1];
            snprintf(k, sizeof k, "%.*s", (int)(eq - optarg), optarg);
            if ((why = pario_hint_value_problem(k, eq + 1))) {
                st = pario_error(PARIO_ERR_USAGE, "--hint %s: expected %s", optarg, why);
                break;
            }
            if (c->io.info == MPI_INFO_NULL)
                MPI_Info_create(&c->io.info);
            MPI_Info_set(c->io.info, k, eq + 1);
            break;
        }
        case K_SHOW_HINTS: c->show_hints = 1; break;
        case K_EXPLAIN: c->explain = 1; break;
        case K_STRATEGY: st = pario_strategy_parse(optarg, &c->io.strategy); break;
        case ':':
            /* a short one in a bundle by its letter: -nm named '-nm' (grep: -- 'm') */
            if (optopt > 0 && optopt < 256 && argv[optind - 1][0] == '-' && argv[optind - 1][1] != '-')
                st = pario_error(PARIO_ERR_USAGE, "option '-%c' needs an argument (try --help)", optopt);
            else
                st = pario_error(PARIO_ERR_USAGE, "option '%s' needs an argument (try --help)", argv[optind - 1]);
            break;
        case '?':
            /* a long option that takes no value given one (--exact=1): getopt
             * leaves its code in optopt, which named another option ("unknown
             * option '-c'" for --count=3) or a control byte; said as GNU's tools
             * say it, with the name as typed */
            if (optopt && optind > 0 && strncmp(argv[optind - 1], "--", 2) == 0 && strchr(argv[optind - 1], '='))
                st = pario_error(PARIO_ERR_USAGE, "option '%.*s' doesn't allow an argument (try --help)",
                                 (int)(strchr(argv[optind - 1], '=') - argv[optind - 1]), argv[optind - 1]);
            /* a printable character, the space too ('- x.txt': GNU says "invalid
             * option -- ' '"); argv[optind - 1] is only right for long options */
            else if (optopt && optopt < 127 && optopt >= ' ')
                st = pario_error(PARIO_ERR_USAGE, "unknown option '-%c' (try --help)", optopt);
            else if (optopt)
                st = pario_error(PARIO_ERR_USAGE, "unknown option: a '-' followed by the byte 0x%02x (try --help)",
                                 (unsigned)(unsigned char)optopt);
            else
                st = pario_error(PARIO_ERR_USAGE, "unknown option '%s' (try --help)", argv[optind - 1]);
            break;
        default:
            if (t->handle)
                st = t->handle(ctx, key, optarg);
            break;
        }
        if (key != ':' && key != '?')
            name_option(&st, lo, given);
    }
    if (pario_failed(&st))
        return st;
    char indep[MPI_MAX_INFO_VAL + 1];
    int has = 0;
    if (c->io.independent && c->io.info != MPI_INFO_NULL)
        MPI_Info_get(c->io.info, NO_INDEP_HINT, MPI_MAX_INFO_VAL, indep, &has);
    if (has && pario_hint_forbids_independent(NO_INDEP_HINT, indep))
        return pario_error(PARIO_ERR_USAGE,
                           "--independent with --hint romio_no_indep_rw=%s: the hint lets only the aggregators open "
                           "the file, so the other ranks cannot make independent calls; give one or the other",
                           indep);
    /* the stream for --show-hints, for a tool that opens files without a view too */
    if (c->show_hints)
        c->io.show_hints = pario_info_stream(c);
    c->args = argv + optind;
    c->nargs = argc - optind;
    if (c->nargs < t->min_args)
        return pario_error(PARIO_ERR_USAGE, "missing %s (usage: %s %s)", t->min_args == 1 ? "argument" : "arguments",
                           t->name, t->synopsis);
    if (t->max_args >= 0 && c->nargs > t->max_args)
        return pario_error(PARIO_ERR_USAGE, "unexpected argument '%s' (usage: %s %s)", c->args[t->max_args],
                           t->name, t->synopsis);
    return pario_ok();
}

void pario_common_free(pario_common *c)
{
    if (c->io.info != MPI_INFO_NULL)
        MPI_Info_free(&c->io.info);
}

void pario_note(const pario_common *c, const char *fmt, ...)
{
    if (c->rank != 0 || c->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", c->tool);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int pario_split_pair(const char *text, char sep, char *buf, size_t len, char **a, char **b)
{
    if (strlen(text) + 1 > len)
        return 0;
    strcpy(buf, text);
    /* the separator after the first character, so "-5:3" splits at the colon */
    char *p = strchr(buf + (buf[0] ? 1 : 0), sep);
    if (!p || p == buf || !p[1])
        return 0;
    *p = '\0';
    *a = buf;
    *b = p + 1;
    return 1;
}

FILE *pario_info_stream(const pario_common *c)
{
    return c->format == PARIO_FMT_TEXT ? stdout : stderr;
}

/* --explain's last lines: how the file is really accessed, and the hints pario adds
 * to the open (the same pario_io_tuned_info call, for the same key, as the reader
 * or writer makes: --show-hints on that open shows the same values). */
/* How the ranks read a chunked or compact HDF5 dataset (rank 0). */
static void explain_h5_read(pario_common *c, const pario_dataset *ds, const pario_view *v, FILE *out)
{
    size_t step = pario_io_chunk_elems(&c->io, v->esize);
    uint64_t band = pario_h5_chunk_band(ds);
    int follows = pario_view_whole_chunks(v, ds);
    /* unfiltered or deflate/shuffle chunks each read by one rank: pario reads
     * (and inflates) them (io_read_h5_direct.c) */
    int own = band && (follows || c->io.independent) && ds->h5_layout == PARIO_H5_CHUNKED;
    for (const char *f = ds->h5_filters; own && *f; f += strcspn(f, ",") + (f[strcspn(f, ",")] ? 2 : 0))
        own = strncmp(f, "shuffle", 7) == 0 || strncmp(f, "gzip(", 5) == 0;
    fprintf(out, "reads: %s H5Dread per step of up to %zu elements, each rank's elements selected as a hyperslab "
                 "union (HDF5 decompresses; the file is opened once, metadata read collectively)%s%s\n",
            c->io.independent || follows || !band || ds->h5_partial ? "independent" : "collective",
            band && band <= step ? step / band * band : step,
            follows && !c->io.independent ? "; independent because every chunk is read by one rank"
            : ds->h5_partial && !c->io.independent ? "; independent because some chunks were never written (HDF5's "
                                                     "collective read fails on them)"
                                                   : "",
            !own || getenv("PARIO_H5_PIPELINE") ? ""
            : c->io.no_mmap ? (ds->h5_filters[0] ? "; instead of H5Dread, each chunk's stored bytes are read with MPI-IO "
                                                  "at its address (--no-mmap) and inflated and unshuffled by pario"
                                                : "; instead of H5Dread, each chunk is read with MPI-IO at its address "
                                                  "(--no-mmap), as it is stored")
            : ds->h5_filters[0] ? "; instead of H5Dread, each chunk's stored bytes are taken at its address from a memory "
                                  "map of the file and inflated and unshuffled by pario (--no-mmap: read with MPI-IO)"
            : (!pario_io_swaps(ds, &c->io) || v->esize == 1) &&
                      (ds->ndims != 2 || ds->h5_chunk[1] == ds->shape[1])
                ? "; instead of H5Dread, each chunk is taken at its address from a memory map of the file, as it is "
                  "stored, and handed to the work with no copy (--no-mmap: read with MPI-IO)"
                : "; instead of H5Dread, each chunk is taken at its address from a memory map of the file and copied "
                  "(its bytes swapped, or its rows narrower than the dataset's; --no-mmap: read with MPI-IO)");
    if (!band)
        return;
    uint64_t rows = ds->shape[0], crow = ds->h5_chunk[0];
    uint64_t cols = ds->ndims == 2 ? ds->shape[1] : 1, ccol = ds->ndims == 2 ? ds->h5_chunk[1] : 1;
    uint64_t nbands = crow ? (rows + crow - 1) / crow : 0, per_band = ccol ? (cols + ccol - 1) / ccol : 0;
    if (v->dist.kind == PARIO_DIST_CYCLIC && v->dist.k == band) {
        fprintf(out, "chunks: %llu bands of %llu chunk(s), dealt round-robin: every chunk is read and decompressed by "
                     "one rank",
                (unsigned long long)nbands, (unsigned long long)per_band);
        for (int r = 0; r < c->nranks && r < 16; r++) {
            uint64_t mine = nbands > (uint64_t)r ? (nbands - (uint64_t)r + (uint64_t)c->nranks - 1) / (uint64_t)c->nranks : 0;
            fprintf(out, "%s rank %d %llu", r ? "," : ";", r, (unsigned long long)(mine * per_band));
        }
        fprintf(out, "%s\n", c->nranks > 16 ? ", ..." : "");
    } else if (follows) {
        fprintf(out, "chunks: %llu bands of %llu chunk(s); this --dist gives every rank whole chunks: every chunk is "
                     "read and decompressed by one rank\n",
                (unsigned long long)nbands, (unsigned long long)per_band);
    } else {
        fprintf(out, "chunks: %llu bands of %llu chunk(s); this --dist does not deal whole bands (the default, "
                     "cyclic:%llu, does): a chunk holding elements of several ranks is read and decompressed by each\n",
                (unsigned long long)nbands, (unsigned long long)per_band, (unsigned long long)band);
    }
}

static void explain_access(pario_common *c, const pario_dataset *ds, const pario_view *v, int writing,
                           FILE *out, MPI_Comm comm)
{
    const char *mode = c->io.independent ? "independent" : "collective";
    if (!writing && ds->format == PARIO_SOURCE_HDF5 && ds->h5_layout != PARIO_H5_CONTIGUOUS) {
        if (c->rank == 0)
            explain_h5_read(c, ds, v, out);
        return;
    }
    const char *why = "writes always go through the view";
    pario_strategy s = writing ? PARIO_STRATEGY_VIEW : pario_strategy_choose(v, &c->io, c->nranks, &why);
    const int mapped = !writing && pario_reads_mapped(ds, v, &c->io, c->nranks);
    if (!writing && !c->io.independent && pario_reads_local(v, &c->io, c->nranks)) {
        mode = "independent";
        if (c->nranks == 1)
            why = mapped ? "one rank: chunk after chunk from a memory map of the file (no copy; --no-mmap: "
                           "MPI_File_read_at)"
                         : "one rank: MPI_File_read_at, chunk after chunk";
        else if (pario_view_parts_contiguous(v))
            why = mapped ? "every rank's part is one contiguous run: each rank takes its own chunks from a memory "
                           "map of the file (no copy; --no-mmap: MPI_File_read_at), no collective call per chunk"
                         : "every rank's part is one contiguous run: each rank reads its own chunks with "
                           "MPI_File_read_at, no collective call per chunk; --hint romio_cb_read=automatic "
                           "makes them collective";
    }
    uint64_t stripe = 0;
    if (s == PARIO_STRATEGY_EXCHANGE) /* collective: every rank chose the same strategy */
        stripe = pario_stripe_exchange_window(v, pario_io_chunk_elems(&c->io, v->esize), comm) /
                 (uint64_t)c->nranks;
    if (stripe > ds->nelems) /* a small file: one stripe holds it */
        stripe = ds->nelems;
    if (c->rank != 0)
        return;
    if (writing)
        fprintf(out, "writes: %s, through the view above\n", mode);
    else
        fprintf(out, "reads: %s, strategy %s (%s)\n", mode, pario_strategy_name(s), why);
    if (mapped && !pario_view_parts_contiguous(v))
        fprintf(out, "each rank takes its runs from a memory map of the file, where they lie in the page cache (no "
                     "copy, no read call per piece; --no-mmap reads them with MPI-IO)\n");
    if (s == PARIO_STRATEGY_EXCHANGE)
        fprintf(out, "the view above is not used for reading: each rank reads contiguous stripes of up to %llu elements "
                     "(%llu bytes) per step and redistributes them with MPI_Alltoallv\n",
                (unsigned long long)stripe, (unsigned long long)(stripe * v->esize));
    if (s == PARIO_STRATEGY_SIEVE)
        fprintf(out, "the view above is not used for reading: each rank reads the spans of the file that hold its next "
                     "elements (about two chunks per step, one MPI_File_read_at each) and keeps its own\n");
    const char *key = writing ? "romio_cb_write" : "romio_cb_read";
    MPI_Info tuned = s == PARIO_STRATEGY_VIEW ? pario_io_tuned_info(v, c->io.info, key) : MPI_INFO_NULL;
    if (tuned != MPI_INFO_NULL) {
        if (pario_view_parts_contiguous(v))
            fprintf(out, "hints added: %s=disable (every rank's part is contiguous: nothing for two-phase I/O to "
                         "merge)\n", key);
        else
            fprintf(out, "hints added: romio_ds_read=disable (pieces of 4 KiB and more are read one by one: data "
                         "sieving would read the other ranks' pieces too)\n");
        MPI_Info_free(&tuned);
    }
    fflush(out);
}

static pario_status prepare_view(pario_common *c, const pario_dataset *ds, pario_view *v, int writing,
                                 MPI_Comm comm)
{
    pario_status st = pario_view_build(ds, &c->dist, c->rank, c->nranks, v);
    if (pario_agree(&st, comm))
        return st;
    if (c->show_hints)
        c->io.show_hints = pario_info_stream(c);
    if (c->explain) {
        FILE *out = pario_info_stream(c);
        if (c->rank == 0 && writing && ds->format == PARIO_SOURCE_NPY)
            fprintf(out, "output: npy %s, %s, header %llu bytes (written by rank 0 first): the data with MPI-IO at "
                         "that offset, through the view below\n", ds->path, pario_dtype_name(ds->dtype),
                    (unsigned long long)ds->offset);
        else if (c->rank == 0 && writing && ds->format == PARIO_SOURCE_HDF5 &&
                 (c->io.out_chunk_ndims || c->io.out_gzip >= 0)) {
            char shape[64] = "about 1 MiB";
            if (c->io.out_chunk_ndims == 2)
                snprintf(shape, sizeof shape, "%llux%llu", (unsigned long long)c->io.out_chunk[0],
                         (unsigned long long)c->io.out_chunk[1]);
            else if (c->io.out_chunk_ndims == 1)
                snprintf(shape, sizeof shape, "%llu", (unsigned long long)c->io.out_chunk[0]);
            char filt[32] = "no filter";
            if (c->io.out_gzip >= 0)
                snprintf(filt, sizeof filt, "shuffle + gzip %d", c->io.out_gzip);
            fprintf(out, "output: hdf5 %s:%s, %s, chunked (chunks of %s elements, %s): the file under a temporary "
                         "name (a copy of %s when it exists), opened by every rank with the MPI-IO driver, the "
                         "dataset created collectively; each step one collective H5Dwrite of each rank's elements "
                         "of the view below\n",
                    ds->path, ds->dataset, pario_dtype_name(ds->dtype), shape, filt, ds->path);
        } else if (c->rank == 0 && writing && ds->format == PARIO_SOURCE_HDF5)
            fprintf(out, "output: hdf5 %s:%s, %s, contiguous: rank 0 makes the file under a temporary name (a copy of "
                         "%s when it exists), the dataset allocated at creation, never filled, with attributes; the "
                         "data with MPI-IO at its address (H5Dget_offset; the displacements below move there)\n",
                    ds->path, ds->dataset, pario_dtype_name(ds->dtype), ds->path);
        else if (c->rank == 0 && writing)
            fprintf(out, "output: raw %s, %s, byte offset %llu: the data with MPI-IO through the view below, under a "
                         "temporary name; the descriptor %s.yaml by rank 0, renamed with it\n",
                    ds->path, pario_dtype_name(ds->dtype), (unsigned long long)ds->offset, ds->path);
        else if (c->rank == 0) {
            char what[2048];
            pario_dataset_describe(ds, what, sizeof what);
            fprintf(out, "%s\n", what);
        }
        st = pario_view_explain(ds, v, out, 400, comm);
        if (!pario_failed(&st))
            explain_access(c, ds, v, writing, out, comm);
    }
    return st;
}

pario_status pario_prepare_view(pario_common *c, const pario_dataset *ds, pario_view *v, MPI_Comm comm)
{
    return prepare_view(c, ds, v, 0, comm);
}

pario_status pario_prepare_write_view(pario_common *c, const pario_dataset *ds, pario_view *v, MPI_Comm comm)
{
    return prepare_view(c, ds, v, 1, comm);
}

pario_status pario_open_data(pario_common *c, const char *path, pario_dataset *ds, pario_view *v, MPI_Comm comm)
{
    memset(v, 0, sizeof *v);
    pario_status st = pario_dataset_open_named(path, c->desc, c->dataset, ds, comm);
    if (pario_failed(&st))
        return st;
    uint64_t band = pario_h5_chunk_band(ds);
    if (band > ds->nelems)
        band = ds->nelems;
    /* a band whose period over the ranks no MPI int holds stays with block
     * (it was refused, naming a distribution nobody gave, at some rank counts) */
    if (band && !c->dist_given && band <= (uint64_t)INT_MAX / (uint64_t)c->nranks) {
        /* a chunked HDF5 dataset: whole bands of chunks dealt round-robin, so every
         * chunk is read and decompressed by one rank */
        char d[64];
        snprintf(d, sizeof d, "cyclic:%llu", (unsigned long long)band);
        st = pario_dist_parse(d, &c->dist);
        if (pario_failed(&st))
            return st;
    }
    return pario_prepare_view(c, ds, v, comm);
}

void pario_mpi_init(int *argc, char ***argv)
{
    int provided;
    pario_node_before_init();
    MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided);
    /* MPICH's MPI_Init leaves stdout unbuffered: every character a write(2)
     * (a 100,000-bin histogram in JSON was 512,000 writes to mpiexec's pipe,
     * and 16,777,216 bins ran for minutes). Buffered as C buffers it by default:
     * by the line on a terminal, in blocks elsewhere (flushed at the end,
     * pario_report, whose exit status counts a failed flush) */
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, sizeof outbuf);
    pario_launcher_check(*argc > 0 ? (*argv)[0] : NULL);
}
