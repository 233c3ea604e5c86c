/* pario-wc: lines, words and bytes of text files, as GNU wc counts them in the C
 * locale, each file's bytes split across ranks. */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pario/opts.h"
#include "pario/output.h"
#include "pario/progress.h"
#include "pario/text.h"
#include "pario/wc.h"

enum { O_FILES0_FROM = 256 };

struct wc_cli {
    unsigned what;
    const char *files0;  /* --files0-from=F, or NULL */
};

static pario_status handle(void *ctx, int key, const char *arg)
{
    struct wc_cli *o = ctx;
    switch (key) {
    case 'l': o->what |= PARIO_WC_LINES; break;
    case 'w': o->what |= PARIO_WC_WORDS; break;
    case 'c': o->what |= PARIO_WC_BYTES; break;
    case O_FILES0_FROM: o->files0 = arg; break;
    }
    return pario_ok();
}

static const pario_optdef options[] = {
    { "lines", 'l', 0, NULL, "print the newline counts" },
    { "words", 'w', 0, NULL, "print the word counts" },
    { "bytes", 'c', 0, NULL, "print the byte counts" },
    { "files0-from", O_FILES0_FROM, 1, "F", "read the names of the files from F instead of the command line, each "
                                            "ended by a NUL byte (find -print0); F - is standard input" },
    { NULL, 0, 0, NULL, NULL },
};

static const pario_tool tool = {
    "pario-wc",
    "[options] [-l] [-w] [-c] FILE... | [options] --files0-from=F",
    "Print newline, word and byte counts for each FILE, and a total line if more\n"
    "than one FILE is given, exactly as GNU wc does in the C locale (LC_ALL=C wc):\n"
    "the same counts, columns and widths. A line is a '\\n' byte. A word is a run of\n"
    "printable non-space bytes (0x21-0x7e), ended by whitespace (space \\t \\n \\v \\f\n"
    "\\r); other bytes (controls, NUL, bytes >= 0x80) neither start nor end a word,\n"
    "as in coreutils 9. With no option: lines, words and bytes, in that order.\n"
    "Each file's bytes are split evenly across the ranks, read with MPI-IO in\n"
    "--chunk pieces (memory per rank: one chunk, whatever the line lengths); a word\n"
    "cut by a rank boundary counts once. -c alone reads nothing (the file's size).\n"
    "FILEs are files: standard input is not read (\"-\" is a file named -).\n"
    "\n"
    "--files0-from=F takes the names from F instead, as GNU wc does: for more files\n"
    "than mpiexec passes as arguments (mpiexec.mpich fails near 1,000). F holds\n"
    "names each ended by a NUL byte (the last one may lack it), as find -print0\n"
    "writes them; F - is standard input, which rank 0 reads (under mpiexec only\n"
    "rank 0 has it) and broadcasts once. The output is the one with the names as\n"
    "arguments, total line included; as in GNU wc, a list that is not a regular\n"
    "file of at most 10 MiB (a pipe; under mpiexec, standard input) prints every\n"
    "column at width 1. A FILE argument besides it is an error (exit 2), and so\n"
    "is a zero-length name in F (\"F:N: invalid zero-length file name\", the\n"
    "other files still counted, exit 1); \"-\" in F is a file named -. Name a list\n"
    "file for a long list: mpiexec.mpich hands standard input to rank 0 through a\n"
    "pipe and ends the whole job (\"process reading stdin too slowly\", exit 141)\n"
    "when about 64 KiB of it wait while the ranks start.",
    "Examples:\n"
    "  mpiexec.mpich -n 4 pario-wc access.log\n"
    "  mpiexec.mpich -n 2 pario-wc -l big.log other.log\n"
    "  mpiexec.mpich -n 2 pario-wc --format json access.log\n"
    "  find logs -name '*.log' -print0 > logs.list; mpiexec.mpich -n 4 pario-wc -l --files0-from=logs.list\n"
    "\n"
    "With --format json or yaml: \"files\" (names), one array per count asked for\n"
    "(\"lines\", \"words\", \"bytes\") in the files' order, and \"total\".\n"
    "A file that cannot be read gets one error line on stderr; the others are\n"
    "still counted, and the exit status is 1 (as wc).\n",
    PARIO_OPTS_FORMAT | PARIO_OPTS_TEXT, options, handle, 0, -1, PARIO_WITHOUT_PROGRESS,
    NULL, /* --stats: the common bytes and MiB/s */
};

static void print_json(const pario_common *c, unsigned what, char *const *files, int n,
                       const pario_wc_counts *counts, const int *ok, const pario_wc_counts *total)
{
    pario_out out;
    pario_out_open(&out, stdout, c->format);
    pario_out_arr(&out, "files");
    for (int i = 0; i < n; i++)
        if (ok[i])
            pario_out_str(&out, NULL, files[i]);
    pario_out_end(&out);
    static const char *names[3] = { "lines", "words", "bytes" };
    for (int k = 0; k < 3; k++) {
        if (!(what & (1u << k)))
            continue;
        pario_out_arr(&out, names[k]);
        for (int i = 0; i < n; i++)
            if (ok[i])
                pario_out_u64(&out, NULL, k == 0 ? counts[i].lines : k == 1 ? counts[i].words : counts[i].bytes);
        pario_out_end(&out);
    }
    pario_out_obj(&out, "total");
    for (int k = 0; k < 3; k++)
        if (what & (1u << k))
            pario_out_u64(&out, names[k], k == 0 ? total->lines : k == 1 ? total->words : total->bytes);
    pario_out_end(&out);
    pario_out_close(&out);
}

int main(int argc, char **argv)
{
    pario_mpi_init(&argc, &argv);
    pario_common c;
    struct wc_cli o = { 0, NULL };
    pario_status st = pario_parse(&tool, argc, argv, &c, &o, MPI_COMM_WORLD);
    /* the files: the arguments, or --files0-from's list (not both, as GNU wc) */
    if (!pario_failed(&st) && o.files0 && c.nargs > 0)
        st = pario_error(PARIO_ERR_USAGE, "extra operand '%s': file operands cannot be combined with --files0-from",
                         c.args[0]);
    else if (!pario_failed(&st) && !o.files0 && c.nargs < 1)
        st = pario_error(PARIO_ERR_USAGE, "missing argument (usage: %s %s)", tool.name, tool.synopsis);
    pario_text_names list = { 0, NULL, NULL, 0 };
    if (!pario_failed(&st) && o.files0)
        st = pario_text_names_read(&list, o.files0, MPI_COMM_WORLD);
    int code = 0;
    if (!pario_failed(&st)) {
        unsigned what = o.what;
        if (!what)
            what = PARIO_WC_LINES | PARIO_WC_WORDS | PARIO_WC_BYTES;
        if (c.show_hints)
            c.io.show_hints = pario_info_stream(&c);
        char **names = o.files0 ? list.names : c.args;
        int n = o.files0 ? list.n : c.nargs;
        size_t m = n ? (size_t)n : 1;   /* (an empty list: no file, no output, exit 0, as GNU wc) */
        pario_wc_counts *counts = calloc(m, sizeof *counts), total = { 0, 0, 0 };
        pario_text_stat *stats = calloc(m, sizeof *stats);
        pario_file_failures errs = { 0, 0, NULL };
        int *ok = calloc(m, sizeof *ok);
        if (!counts || !stats || !ok)
            MPI_Abort(MPI_COMM_WORLD, 1);
        uint64_t bytes = 0;
        double t0 = pario_now();
        pario_wc_files(names, n, what, &c.io, counts, stats, &errs, &bytes, MPI_COMM_WORLD);
        if (c.rank == 0) {
            errno = 0;   /* a failed write of the counts leaves its reason (stdout may be unbuffered) */
            /* a list GNU wc reads as it goes (a pipe) sizes nothing in advance */
            int width = o.files0 && list.streamed ? 1 : pario_wc_width(stats, n, what);
            for (int i = 0, k = 0; i < n; i++) {
                const char *err = k < errs.n && errs.v[k].file == i ? errs.v[k++].msg : NULL;
                if (err) {
                    /* like wc: say so and go on; a directory still gets its line of zeros */
                    pario_status empty;
                    if (o.files0 && !names[i][0]) {   /* as GNU wc says it, with the name's place in the list */
                        empty = pario_text_names_empty_error(o.files0, i);
                        err = empty.msg;
                    }
                    fflush(stdout);
                    fprintf(stderr, "%s: error: %s\n", tool.name, err);
                    fflush(stderr);
                    code = 1;
                    if (stats[i].err != EISDIR)
                        continue;
                } else {
                    ok[i] = 1;
                }
                total.lines += counts[i].lines;
                total.words += counts[i].words;
                total.bytes += counts[i].bytes;
                if (c.format == PARIO_FMT_TEXT)
                    pario_wc_print(stdout, &counts[i], what, width, names[i]);
            }
            if (c.format == PARIO_FMT_TEXT && n > 1)
                pario_wc_print(stdout, &total, what, width, "total");
            if (c.format != PARIO_FMT_TEXT)
                print_json(&c, what, names, n, counts, ok, &total);
            if (fflush(stdout) != 0 || ferror(stdout))
                st = errno ? pario_error(PARIO_ERR_RUNTIME, "standard output: write error: %s", strerror(errno))
                           : pario_error(PARIO_ERR_RUNTIME, "standard output: write error");
        }
        MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
        if (c.stats)
            pario_stats_print(tool.name, "read", bytes, pario_now() - t0, MPI_COMM_WORLD);
        free(counts);
        free(stats);
        pario_file_failures_free(&errs);
        free(ok);
    }
    pario_text_names_free(&list);
    int rc = pario_report(&st, tool.name, MPI_COMM_WORLD);
    pario_common_free(&c);
    MPI_Finalize();
    return rc ? rc : code;
}
