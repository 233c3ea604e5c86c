/* Text files across ranks. Each rank gets a balanced block of the file's bytes; a
 * line belongs to the rank in whose byte range it STARTS (Hadoop's rule): every
 * rank but the first skips the partial line at the start of its range (unless the
 * byte before the range is a newline), and every rank reads on past the end of its
 * range to finish its last line. A line is the bytes up to and including '\n', or
 * up to the end of the file for a last line without one; CR is an ordinary byte.
 * Reads are independent MPI-IO calls on contiguous ranges, at most --chunk bytes
 * each; memory is bounded by --chunk plus the longest line the caller needs whole. */
#ifndef PARIO_TEXT_H
#define PARIO_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <mpi.h>
#include "pario/io.h"
#include "pario/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default bound on one line held whole (pario-grep --max-line). */
#define PARIO_TEXT_MAX_LINE ((size_t)1 << 30)

/* Bytes [lo, hi) of a file of size bytes that rank takes of nranks (balanced
 * block split: the first size % nranks ranks take one byte more). */
void pario_text_range(uint64_t size, int rank, int nranks, uint64_t *lo, uint64_t *hi);

/* What rank 0 found about a file before anyone reads it (one broadcast for all
 * files, so that every rank splits the same size and skips the same files). */
typedef struct pario_text_stat {
    int64_t size;   /* bytes */
    int err;        /* 0, or the errno of stat()/open() on rank 0 (EISDIR for a directory),
                     * or PARIO_TEXT_NOT_REGULAR (a FIFO, a device, a socket: refused) */
    int regular;    /* a regular file (also one open() refused: err is its errno, size its size) */
    unsigned mode;  /* st_mode */
    int64_t mtime_sec, mtime_nsec;   /* its modification time: a change is found at the end (pario_text_end) */
} pario_text_stat;
#define PARIO_TEXT_NOT_REGULAR (-1)
#define PARIO_TEXT_SIZE_ZERO_LIES (-2) /* its size does not say what a read returns (/proc, /sys: 0, 4096) */
#define PARIO_TEXT_IS_OUTPUT (-3)      /* the file rank 0's standard output writes to (pario-grep) */

/* Collective: rank 0 stats and opens each of paths[0..n), every rank gets out[].
 * output (rank 0's, or NULL): the stream the results are written to; an input
 * that is its file gets PARIO_TEXT_IS_OUTPUT (grep x f >> f). */
void pario_text_stat_all(char *const *paths, int n, FILE *output, pario_text_stat *out, MPI_Comm comm);
/* "PATH: cannot open: no such file" (or "PATH: is a directory", "PATH: cannot
 * open: it is a FIFO, not a regular file", ...) for s->err. */
pario_status pario_text_stat_error(const char *path, const pario_text_stat *s);

/* The names of the files, read from a file instead of the command line
 * (--files0-from=F, GNU wc's option: mpiexec cannot pass thousands of
 * arguments). F holds names each ended by a NUL byte (the last one may lack
 * it); "-" is rank 0's standard input. */
typedef struct pario_text_names {
    int n;
    char **names;   /* n pointers into block; a zero-length name is "" */
    char *block;    /* the list as read: the names one after the other */
    int streamed;   /* F was not a regular file of at most 10 MiB: GNU wc reads
                     * such a list as it goes and prints its columns at width 1 */
} pario_text_names;
/* Collective: rank 0 reads list, and every rank gets the names (one broadcast
 * of the list's bytes; memory: the list plus a pointer per name). The status is
 * agreed: "F: cannot open the list of file names: ..." and the like. */
pario_status pario_text_names_read(pario_text_names *l, const char *list, MPI_Comm comm);
void pario_text_names_free(pario_text_names *l);
/* "F:N: invalid zero-length file name" for the name names[i] that is "", as
 * GNU wc says it (N counts from 1). */
pario_status pario_text_names_empty_error(const char *list, int i);

typedef struct pario_text_file {
    MPI_File fh;
    const char *path;
    uint64_t size;       /* bytes in the file */
    uint64_t lo, hi;     /* this rank's byte range */
    size_t chunk;        /* bytes per read */
    uint64_t bytes_read; /* by this rank */
    double io_seconds;   /* spent in reads by this rank */
    int64_t mtime_sec, mtime_nsec;   /* the file's state when rank 0 looked (pario_text_stat) */
} pario_text_file;

/* Independent: this rank's range of the file s describes (s->size bytes),
 * opened read-only on MPI_COMM_SELF with o's hints when the range is not empty
 * (print_hints: rank 0 prints them for --show-hints). No collective per file:
 * many small files cost no synchronisation. */
pario_status pario_text_open(pario_text_file *f, const char *path, const pario_text_stat *s, const pario_io_opts *o,
                             int rank, int nranks, int print_hints);
/* Independent: st, or when it is ok and this rank read bytes, whether the file
 * is as rank 0 found it before the reads: one that shrank, or was rewritten or
 * appended to meanwhile (another modification time), is an error (what was read
 * may mix the two versions). */
pario_status pario_text_end(const pario_text_file *f, pario_status st);
void pario_text_close(pario_text_file *f);
/* Independent: read exactly n bytes at off (fewer is an error naming the file). */
pario_status pario_text_read(pario_text_file *f, uint64_t off, void *buf, size_t n);

/* The files of a run that failed, each with its error, in file order: kept
 * per failure only, and each message at its length, so that a run over many
 * files costs a few words a file, not a status a file (512 bytes). Local. */
typedef struct pario_file_failures {
    int n, cap;
    struct pario_file_failure {
        int file, code, rank, local;
        char *msg;
    } *v;   /* sorted by file */
} pario_file_failures;
/* 1 when file failed (its error into *st, if st), else 0 */
int pario_file_failures_get(const pario_file_failures *f, int file, pario_status *st);
/* file's error becomes *st (a status that did not fail removes it); 0: out of memory */
int pario_file_failures_set(pario_file_failures *f, int file, const pario_status *st);
/* the errors of the files after file removed (all of them: file -1) */
void pario_file_failures_cut(pario_file_failures *f, int file);
void pario_file_failures_free(pario_file_failures *f);

/* Lines this rank owns: newlines in [lo - 1, hi - 1), plus the first line for
 * rank 0 (no splitting needed). buf holds f->chunk bytes. Independent. */
struct pario_file_errors;
/* fe, file: stop when another rank failed the file (lib/text_errors.h), or NULL */
pario_status pario_text_count_lines(pario_text_file *f, void *buf, uint64_t *lines, struct pario_file_errors *fe,
                                    int file);

/* The lines a rank owns, in blocks of whole lines. */
typedef struct pario_lines {
    pario_text_file *f;
    char *buf;
    size_t cap, max_cap;  /* max_cap: chunk + the longest line allowed */
    size_t len;           /* bytes in buf, from file offset cur */
    size_t consumed;      /* bytes of buf handed out by the last call */
    uint64_t cur;
    int started, done;
} pario_lines;

/* Independent: prepare to read f's owned lines, holding lines up to max_line bytes. */
pario_status pario_lines_open(pario_lines *L, pario_text_file *f, size_t max_line);
/* Independent: the next block of whole lines (at least one), at file offset *off,
 * valid until the next call. Every line in it ends with '\n' but possibly the last
 * line of the file. Returns 0 when the rank's lines are done, or on error (*st). */
int pario_lines_next(pario_lines *L, const char **data, size_t *n, uint64_t *off, pario_status *st);
void pario_lines_close(pario_lines *L);

/* Output that reaches rank 0 in (file, rank) order: for each file, rank 0 writes
 * its own bytes as they come, then each other rank's in turn. The others send
 * pieces of at most piece bytes (at least 4 KiB; two in flight at most,
 * synchronous sends: nothing piles up anywhere) and a one-byte end of each
 * file (its own tag: whether its output was cut); no collective per file. With max_lines, rank 0 writes at most that
 * many lines per file (the rest is drained), a line ending at its
 * pario_ordered_newlines-th '\n'. */
typedef struct pario_ordered {
    MPI_Comm comm;
    int rank, nranks;
    FILE *out;
    char *buf[2];
    size_t cap, len;
    int cur;
    MPI_Request req[2];
    uint64_t max_lines, lines; /* rank 0 */
    uint64_t per_line, nl;     /* rank 0: '\n' a line (0: 1), and those of the current line so far */
    char *rbuf;                /* rank 0 */
    int muted;                 /* rank 0: a rank's output of this file was cut: drain the later ranks' */
} pario_ordered;

/* Collective. */
void pario_ordered_open(pario_ordered *o, FILE *out, size_t piece, uint64_t max_lines, MPI_Comm comm);
void pario_ordered_put(pario_ordered *o, const void *p, size_t n);
/* Before a file's output: each of its lines holds k '\n' (1, more when a
 * prefix such as a file name holds some), so that max_lines counts lines, not
 * the bytes '\n'. Local (rank 0 uses it). */
void pario_ordered_newlines(pario_ordered *o, uint64_t k);
/* Every rank, failed or not, at the end of each file's output: rank 0 then writes
 * the other ranks' output for that file. cut: this rank's output of the file
 * stopped short (its read failed, or another rank's failure stopped it): then
 * the later ranks' output of the file is drained, not written, so that what
 * is written is a prefix of the file's whole output, as GNU grep's is at a
 * read error (a later rank's lines after a gap, and under -n numbered from a
 * count the failed rank never finished, were written). */
void pario_ordered_end_file(pario_ordered *o, int cut);
/* Collective. Returns an error status on rank 0 if writing out failed (not agreed). */
pario_status pario_ordered_close(pario_ordered *o);

#ifdef __cplusplus
}
#endif
#endif
