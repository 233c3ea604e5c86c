/* pario-grep: the lines of text files that match a pattern, as GNU grep selects
 * them in the C locale with -a (every file is text), each file's lines split
 * across ranks by where they start (pario/text.h). */
#ifndef PARIO_GREP_H
#define PARIO_GREP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <mpi.h>
#include "pario/io.h"
#include "pario/status.h"
#include "pario/text.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A compiled pattern: GNU regex with GNU grep's own syntax bits (RE_SYNTAX_GREP
 * for basic, RE_SYNTAX_EGREP for -E), or a fixed string; and a string that every
 * matching line contains (the pattern's longest required literal), searched for
 * over a whole block before the regex looks at the lines holding it. */
typedef struct pario_grep_pattern {
    int fixed;           /* the pattern is the fixed string lit: no regex runs */
    int icase;           /* lit matches ASCII letters in either case */
    char *lit;           /* required string, or NULL when there is none */
    size_t lit_len;
    void *re;            /* struct re_pattern_buffer, or NULL */
    char *warnings;      /* GNU grep's warnings on the pattern, one per line, or NULL */
    struct pario_grep_pattern *alts; /* a list of regexes with a back-reference: each */
    int nalts;                       /* line on its own (\1 is its own group), any matches */
    void *raw;           /* a pattern with a back-reference, or in a list with one: glibc's
                            reading of it as given (re), which must match too, as GNU grep
                            checks such patterns with glibc's regex after its own matcher */
    int backref;         /* the pattern holds a back-reference (tried after the others) */
} pario_grep_pattern;

/* fixed: -F; extended: -E; icase: -i. A newline in a -F pattern is a usage error;
 * in a regex it separates alternatives, as in grep. */
pario_status pario_grep_compile(pario_grep_pattern *p, const char *pattern, int fixed, int extended, int icase);
void pario_grep_free(pario_grep_pattern *p);
/* Whether the line line[0..n) (without its '\n') matches; -1 on a regex failure. */
int pario_grep_line_matches(const pario_grep_pattern *p, const char *line, size_t n);
/* The longest string every match of a regex must contain, for the prefilter
 * (exposed for tests): *pure = 1 when the pattern is that string and nothing else.
 * Returns 0 when there is none (alternation, every atom optional, ...). */
int pario_grep_required_literal(const char *pattern, int extended, char *out, size_t *len, int *pure);

typedef struct pario_grep_opts {
    int count;           /* -c: the number of selected lines */
    int number;          /* -n: line numbers (from an exclusive scan of the ranks' line counts) */
    int invert;          /* -v: select the lines that do not match */
    uint64_t max_count;  /* -m: selected lines per file at most; UINT64_MAX: no limit */
    int with_filename;   /* "FILE:" before each output line (several files) */
    int silent;          /* -q: print nothing (with count set and max_count 1) */
    size_t max_line;     /* longest line held whole (PARIO_TEXT_MAX_LINE) */
} pario_grep_opts;

/* Collective: search paths[0..n) in order. Rank 0 writes to out the selected
 * lines in file order (or each file's count, with -c) and gets in errs (empty
 * before) the files that failed, with their errors. No collective per file: ranks go through the
 * files on their own, their lines reach rank 0 through pario_ordered, and -n's
 * line numbers come from one MPI_Exscan over all files' line counts (a first pass
 * that only counts newlines). Returns on every rank the number of files in which
 * a line was selected. *bytes_read gains this rank's reads. As GNU grep: with
 * -c a directory's count (0) is written after its error; with -q (silent) the
 * files after the first one with a selected line have no error (grep stops
 * there and never opens them). */
int pario_grep_files(const pario_grep_pattern *p, const pario_grep_opts *o, char *const *paths, int n,
                     const pario_io_opts *io, FILE *out, pario_file_failures *errs, uint64_t *bytes_read, MPI_Comm comm);

#ifdef __cplusplus
}
#endif
#endif
