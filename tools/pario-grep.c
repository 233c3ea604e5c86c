/* pario-grep: the lines of text files matching a pattern, as GNU grep selects
 * them in the C locale, each file's lines split across ranks. */
#include "config.h"
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include "pario/fileutil.h"
#include "pario/grep.h"
#include "pario/opts.h"
#include "pario/progress.h"
#include "pario/text.h"

enum { O_MAX_LINE = 256, O_FILES0_FROM };

struct grep_cli {
    pario_grep_opts g;
    int fixed, extended, icase;
    int matcher;         /* 'E', 'F', 'G' as given, or 0 */
    int filename;        /* -H 1, -h 0, else -1: the name before each line when there are several files */
    const char *pattern; /* -e: the first, or `joined` */
    char *joined;        /* several -e: joined by newlines, as GNU grep takes a pattern list */
    const char *files0;  /* --files0-from=F, or NULL */
};

static pario_status handle(void *ctx, int key, const char *arg)
{
    struct grep_cli *o = ctx;
    switch (key) {
    case 'c': o->g.count = 1; break;
    case 'H': o->filename = 1; break;
    case 'h': o->filename = 0; break;
    case 'q': o->g.silent = 1; break;
    case 'n': o->g.number = 1; break;
    case 'v': o->g.invert = 1; break;
    case 'i': o->icase = 1; break;
    case 'F':
    case 'E':
    case 'G':
        /* as grep: -E -F is an error, not the last one winning */
        if (o->matcher && o->matcher != key)
            return pario_error(PARIO_ERR_USAGE, "conflicting matchers specified");
        o->matcher = key;
        o->fixed = key == 'F';
        o->extended = key == 'E';
        break;
    case 'e':
        if (o->pattern) {
            size_t a = strlen(o->pattern), b = strlen(arg);
            char *j = malloc(a + b + 2);
            if (!j)
                return pario_local_error("out of memory for the patterns");
            memcpy(j, o->pattern, a);
            j[a] = '\n';
            memcpy(j + a + 1, arg, b + 1);
            free(o->joined);
            o->pattern = o->joined = j;
        } else {
            o->pattern = arg;
        }
        break;
    case 'm': {
        char *end;
        long long v = strtoll(arg, &end, 10);
        if (end == arg || *end)
            return pario_error(PARIO_ERR_USAGE, "-m %s: expected a number", arg);
        o->g.max_count = v < 0 ? UINT64_MAX : (uint64_t)v; /* grep: a negative NUM means no limit */
        break;
    }
    case O_FILES0_FROM: o->files0 = arg; break;
    case O_MAX_LINE: {
        uint64_t v;
        pario_status st = pario_parse_size(arg, &v);
        if (pario_failed(&st))
            return st;
        if (v < 1 || v > PARIO_TEXT_MAX_LINE)
            return pario_error(PARIO_ERR_USAGE, "--max-line %s: must be between 1 and 1Gi", arg);
        o->g.max_line = (size_t)v;
        break;
    }
    }
    return pario_ok();
}

static const pario_optdef options[] = {
    { "extended-regexp", 'E', 0, NULL, "PATTERN is a POSIX extended regular expression" },
    { "fixed-strings", 'F', 0, NULL, "PATTERN is a fixed string (newlines separate several: a line holding any is selected)" },
    { "basic-regexp", 'G', 0, NULL, "PATTERN is a basic regular expression (the default)" },
    { "regexp", 'e', 1, "PATTERN", "a pattern (for one that starts with '-'); repeatable: a line matching any is selected; then every argument is a FILE" },
    { "ignore-case", 'i', 0, NULL, "ASCII letters match either case" },
    { "invert-match", 'v', 0, NULL, "select the lines that do not match" },
    { "count", 'c', 0, NULL, "print the number of selected lines per file instead of the lines" },
    { "line-number", 'n', 0, NULL, "put each line's number (1-based) before it" },
    { "with-filename", 'H', 0, NULL, "put the file's name before each line (the default with several files)" },
    { "no-filename", 'h', 0, NULL, "no file name before the lines (grep's -h; the help is --help)" },
    { "max-count", 'm', 1, "NUM", "stop after NUM selected lines per file" },
    { "silent", 'q', 0, NULL, "print nothing; exit 0 if a line is selected in any file, even when a file "
                               "fails (grep -q; --quiet is pario's)" },
    { "files0-from", O_FILES0_FROM, 1, "F", "read the names of the files from F instead of the command line, each "
                                            "ended by a NUL byte (find -print0); F - is standard input" },
    { "max-line", O_MAX_LINE, 1, "SIZE", "room for a line beyond --chunk (default 1Gi): a line longer than --chunk + SIZE bytes is an error" },
    { NULL, 0, 0, NULL, NULL },
};

static const pario_tool tool = {
    "pario-grep",
    "[options] PATTERN FILE... | [options] -e PATTERN FILE... | [options] PATTERN --files0-from=F",
    "Print the lines of each FILE that match PATTERN, in file order, the way GNU\n"
    "grep -a does in the C locale (LC_ALL=C grep -a): the same lines, the same\n"
    "\"FILE:\" prefixes when there are several files, the same counts with -c and\n"
    "numbers with -n. Patterns are POSIX basic (default) or extended (-E) regular\n"
    "expressions with GNU grep's syntax and extensions (GNU regex compiled with\n"
    "grep's own syntax bits: \\w \\b \\< \\>, back-references, '\\|' in basic,\n"
    "'.' matches NUL), or fixed strings (-F). Matching is by bytes: every file is\n"
    "text (NUL bytes included, as grep -a), -i folds ASCII letters only, CR is an\n"
    "ordinary byte.\n"
    "\n"
    "Each file's bytes are split evenly across the ranks; a line belongs to the\n"
    "rank where it starts. Ranks search in parallel: the pattern's required string\n"
    "(the whole pattern with -F) is searched over whole chunks with AVX2, the regex\n"
    "runs only on lines holding it. Selected lines reach rank 0 in file order,\n"
    "in pieces of --chunk bytes (at most two in flight per rank); -n numbers come\n"
    "from an exclusive scan of the ranks' line counts (a first pass counting\n"
    "newlines). Memory per rank: --chunk plus the longest line, at most\n"
    "--chunk + --max-line.\n"
    "FILEs are files: standard input is not read (\"-\" is a file named -).\n"
    "\n"
    "--files0-from=F (GNU wc's option; GNU grep has none) takes the names from F\n"
    "instead: for more files than mpiexec passes as arguments (mpiexec.mpich fails\n"
    "near 1,000). F holds names each ended by a NUL byte (the last one may lack\n"
    "it), as find -print0 writes them; F - is standard input, which rank 0 reads\n"
    "and broadcasts once. The output and exit status are those with the names as\n"
    "arguments (\"FILE:\" prefixes when there are several). A FILE argument\n"
    "besides it is a usage error; a zero-length name in F is an error (\"F:N:\n"
    "invalid zero-length file name\", as GNU wc says it; the other files are still\n"
    "searched); an empty F searches nothing (exit 1); \"-\" in F is a file named -.\n"
    "Name a list file for a long list: mpiexec.mpich hands standard input to rank\n"
    "0 through a pipe and ends the whole job (\"process reading stdin too slowly\",\n"
    "exit 141) when about 64 KiB of it wait while the ranks start.",
    "Examples:\n"
    "  mpiexec.mpich -n 4 pario-grep -c ' 404 ' access.log\n"
    "  mpiexec.mpich -n 4 pario-grep -n -E 'GET /api/[a-z]+' access.log\n"
    "  mpiexec.mpich -n 2 pario-grep -F -i -m 5 error a.log b.log\n"
    "  find logs -name '*.log' -print0 > logs.list; mpiexec.mpich -n 4 pario-grep -c error --files0-from=logs.list\n"
    "\n"
    "A file that cannot be read gets one error line on stderr; the other files\n"
    "are still searched. With -c a directory gets its error and a count of 0, as\n"
    "in grep. With -q a file after the first one with a selected line gets no\n"
    "error line (grep stops at that line and never opens it). -m 0, and -v with an empty pattern (or a list of empty\n"
    "ones only), read nothing, print nothing and exit with 1 (as grep).\n"
    "\n"
    "Exit status (as grep): 0 a line was selected, 1 no line was, 2 an error or a\n"
    "usage error (even when lines were selected).\n",
    PARIO_OPTS_TEXT, options, handle, 0, -1, PARIO_WITHOUT_PROGRESS,
    NULL, /* --stats: the common bytes and MiB/s */
};

int main(int argc, char **argv)
{
    pario_mpi_init(&argc, &argv);
    pario_common c;
    struct grep_cli o;
    memset(&o, 0, sizeof o);
    o.g.max_count = UINT64_MAX;
    o.g.max_line = PARIO_TEXT_MAX_LINE;
    o.filename = -1;
    pario_status st = pario_parse(&tool, argc, argv, &c, &o, MPI_COMM_WORLD);
    pario_grep_pattern pat;
    memset(&pat, 0, sizeof pat);
    int any = 0, file_error = 0;
    char **files = c.args;
    int nfiles = c.nargs;
    if (!pario_failed(&st) && !o.pattern && nfiles < 1)
        st = pario_error(PARIO_ERR_USAGE, "missing argument (usage: %s %s)", tool.name, tool.synopsis);
    if (!pario_failed(&st) && !o.pattern) {
        o.pattern = c.args[0];
        files++;
        nfiles--;
    }
    /* the files: the arguments, or --files0-from's list (not both, as GNU wc) */
    if (!pario_failed(&st) && o.files0 && nfiles > 0)
        st = pario_error(PARIO_ERR_USAGE, "extra operand '%s': file operands cannot be combined with --files0-from",
                         files[0]);
    else if (!pario_failed(&st) && !o.files0 && nfiles < 1)
        st = pario_error(PARIO_ERR_USAGE, "missing FILE (usage: %s %s)", tool.name, tool.synopsis);
    if (!pario_failed(&st))
        st = pario_grep_compile(&pat, o.pattern, o.fixed, o.extended, o.icase);
    pario_text_names list = { 0, NULL, NULL, 0 };
    if (!pario_failed(&st) && o.files0) {
        st = pario_text_names_read(&list, o.files0, MPI_COMM_WORLD);
        files = list.names;
        nfiles = list.n;
    }
    if (!pario_failed(&st) && pat.warnings && c.rank == 0) {
        /* grep's, as grep prints them: "{...} at start of expression" */
        for (const char *w = pat.warnings, *e; (e = strchr(w, '\n')); w = e + 1)
            fprintf(stderr, "%s: warning: %.*s\n", tool.name, (int)(e - w), w);
    }
    /* as GNU grep: -v with the empty pattern (which every line matches) reads
     * nothing and prints nothing, not even -c's zeros; so does a list of empty
     * patterns only ("\n", "\n\n": grep drops the duplicates; -c printed 0) */
    if (!pario_failed(&st) && o.g.invert && strspn(o.pattern, "\n") == strlen(o.pattern))
        o.g.max_count = 0;
    if (o.g.silent) {
        o.g.count = 1; /* each rank stops at its first selected line */
        o.g.number = 0;
        if (o.g.max_count > 1)
            o.g.max_count = 1;
    }
    if (!pario_failed(&st) && o.g.max_count > 0 && nfiles > 0) {   /* (an empty list: nothing searched, exit 1) */
        if (c.show_hints)
            c.io.show_hints = stderr;
        o.g.with_filename = o.filename >= 0 ? o.filename : nfiles > 1;
        static char outbuf[1 << 16];
        if (c.rank == 0)
            setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
        uint64_t bytes = 0;
        double t0 = pario_now();
        pario_file_failures errs = { 0, 0, NULL };
        any = pario_grep_files(&pat, &o.g, files, nfiles, &c.io, stdout, &errs, &bytes, MPI_COMM_WORLD) > 0;
        if (c.rank == 0) {
            for (int k = 0; k < errs.n; k++) {
                /* as GNU wc says it, with the name's place in the list (not
                 * after -q's first selected line: no error then) */
                int i = errs.v[k].file;
                pario_status empty = pario_ok();
                if (o.files0 && !files[i][0])
                    empty = pario_text_names_empty_error(o.files0, i);
                fprintf(stderr, "%s: error: %s\n", tool.name, pario_failed(&empty) ? empty.msg : errs.v[k].msg);
                file_error = 1;
            }
            fflush(stderr);
        }
        MPI_Bcast(&file_error, 1, MPI_INT, 0, MPI_COMM_WORLD);
        /* a write error on stdout was reported with the files (grep's way):
         * its unwritten bytes go, so pario_report does not report it again */
        if (c.rank == 0 && file_error && ferror(stdout)) {
            __fpurge(stdout);
            clearerr(stdout);
        }
        pario_file_failures_free(&errs);
        if (c.stats)
            pario_stats_print(tool.name, "read", bytes, pario_now() - t0, MPI_COMM_WORLD);
    }
    pario_grep_free(&pat);
    pario_text_names_free(&list);
    free(o.joined);
    int rc = pario_report(&st, tool.name, MPI_COMM_WORLD);
    pario_common_free(&c);
    MPI_Finalize();
    if (o.g.silent && !rc && any)
        return 0; /* grep -q: a selected line wins over a file error */
    if (rc || file_error)
        return 2;
    if (pario_failed(&st) && st.code == PARIO_DONE)
        return 0;
    return any ? 0 : 1;
}
