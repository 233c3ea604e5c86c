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

static pario_status handle(void *ctx, int key, const char *arg)
{
    unsigned *what = ctx;
    (void)arg;
    switch (key) {
    case 'l': *what |= PARIO_WC_LINES; break;
    case 'w': *what |= PARIO_WC_WORDS; break;
    case 'c': *what |= PARIO_WC_BYTES; break;
    }
    return pario_ok();
}

static const pario_optdef options[] = {
    { "lines", 'l', 0, NULL, "print the newline counts" },
    { "words", 'w', 0, NULL, "print the word counts" },
    { "bytes", 'c', 0, NULL, "print the byte counts" },
    { NULL, 0, 0, NULL, NULL },
};

static const pario_tool tool = {
    "pario-wc",
    "[options] [-l] [-w] [-c] FILE...",
    "Print newline, word and byte counts for each FILE, and a total line if more\n"
    "than one FILE is given, exactly as GNU wc does in the C locale (LC_ALL=C wc):\n"
    "the same counts, columns and widths. A line is a '\\n' byte. A word is a run of\n"
    "printable non-space bytes (0x21-0x7e), ended by whitespace (space \\t \\n \\v \\f\n"
    "\\r); other bytes (controls, NUL, bytes >= 0x80) neither start nor end a word,\n"
    "as in coreutils 9. With no option: lines, words and bytes, in that order.\n"
    "Each file's bytes are split evenly across the ranks, read with MPI-IO in\n"
    "--chunk pieces (memory per rank: one chunk, whatever the line lengths); a word\n"
    "cut by a rank boundary counts once. -c alone reads nothing (the file's size).\n"
    "FILEs are files: standard input is not read (\"-\" is a file named -).",
    "Examples:\n"
    "  mpiexec.mpich -n 4 pario-wc access.log\n"
    "  mpiexec.mpich -n 2 pario-wc -l big.log other.log\n"
    "  mpiexec.mpich -n 2 pario-wc --format json access.log\n"
    "\n"
    "With --format json or yaml: \"files\" (names), one array per count asked for\n"
    "(\"lines\", \"words\", \"bytes\") in the files' order, and \"total\".\n"
    "A file that cannot be read gets one error line on stderr; the others are\n"
    "still counted, and the exit status is 1 (as wc).\n",
    PARIO_OPTS_FORMAT | PARIO_OPTS_TEXT, options, handle, 1, -1, PARIO_WITHOUT_PROGRESS,
    NULL, /* --stats: the common bytes and MiB/s */
};

static void print_json(const pario_common *c, unsigned what, const pario_wc_counts *counts, const int *ok,
                       const pario_wc_counts *total)
{
    pario_out out;
    pario_out_open(&out, stdout, c->format);
    pario_out_arr(&out, "files");
    for (int i = 0; i < c->nargs; i++)
        if (ok[i])
            pario_out_str(&out, NULL, c->args[i]);
    pario_out_end(&out);
    static const char *names[3] = { "lines", "words", "bytes" };
    for (int k = 0; k < 3; k++) {
        if (!(what & (1u << k)))
            continue;
        pario_out_arr(&out, names[k]);
        for (int i = 0; i < c->nargs; i++)
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
    unsigned what = 0;
    pario_status st = pario_parse(&tool, argc, argv, &c, &what, MPI_COMM_WORLD);
    int code = 0;
    if (!pario_failed(&st)) {
        if (!what)
            what = PARIO_WC_LINES | PARIO_WC_WORDS | PARIO_WC_BYTES;
        if (c.show_hints)
            c.io.show_hints = pario_info_stream(&c);
        int n = c.nargs;
        pario_wc_counts *counts = calloc((size_t)n, sizeof *counts), total = { 0, 0, 0 };
        pario_text_stat *stats = calloc((size_t)n, sizeof *stats);
        pario_status *errs = calloc((size_t)n, sizeof *errs);
        int *ok = calloc((size_t)n, sizeof *ok);
        if (!counts || !stats || !errs || !ok)
            MPI_Abort(MPI_COMM_WORLD, 1);
        uint64_t bytes = 0;
        double t0 = pario_now();
        pario_wc_files(c.args, n, what, &c.io, counts, stats, errs, &bytes, MPI_COMM_WORLD);
        if (c.rank == 0) {
            errno = 0;   /* a failed write of the counts leaves its reason (stdout may be unbuffered) */
            int width = pario_wc_width(stats, n, what);
            for (int i = 0; i < n; i++) {
                if (pario_failed(&errs[i])) {
                    /* like wc: say so and go on; a directory still gets its line of zeros */
                    fflush(stdout);
                    fprintf(stderr, "%s: error: %s\n", tool.name, errs[i].msg);
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
                    pario_wc_print(stdout, &counts[i], what, width, c.args[i]);
            }
            if (c.format == PARIO_FMT_TEXT && n > 1)
                pario_wc_print(stdout, &total, what, width, "total");
            if (c.format != PARIO_FMT_TEXT)
                print_json(&c, what, counts, ok, &total);
            if (fflush(stdout) != 0 || ferror(stdout))
                st = errno ? pario_error(PARIO_ERR_RUNTIME, "standard output: write error: %s", strerror(errno))
                           : pario_error(PARIO_ERR_RUNTIME, "standard output: write error");
        }
        MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
        if (c.stats)
            pario_stats_print(tool.name, "read", bytes, pario_now() - t0, MPI_COMM_WORLD);
        free(counts);
        free(stats);
        free(errs);
        free(ok);
    }
    int rc = pario_report(&st, tool.name, MPI_COMM_WORLD);
    pario_common_free(&c);
    MPI_Finalize();
    return rc ? rc : code;
}
