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

typedef struct pario_text_file {
    MPI_File fh;
    const char *path;
    uint64_t size;       /* bytes in the file */
    uint64_t lo, hi;     /* this rank's byte range */
    size_t chunk;        /* bytes per read */
    uint64_t bytes_read; /* by this rank */
    double io_seconds;   /* spent in reads by this rank */
} pario_text_file;

/* Collective: open path read-only with o's hints (printing them for --show-hints),
 * find its size and this rank's range. A directory is an error. Agreed status. */
pario_status pario_text_open(pario_text_file *f, const char *path, const pario_io_opts *o, MPI_Comm comm);
/* Collective. */
void pario_text_close(pario_text_file *f);
/* Independent: read exactly n bytes at off (fewer is an error naming the file). */
pario_status pario_text_read(pario_text_file *f, uint64_t off, void *buf, size_t n);

/* Lines this rank owns: newlines in [lo - 1, hi - 1), plus the first line for
 * rank 0 (no splitting needed). buf holds f->chunk bytes. Independent. */
pario_status pario_text_count_lines(pario_text_file *f, void *buf, uint64_t *lines);
/* Collective: lines owned by the ranks before this one (MPI_Exscan of the
 * counts), so that this rank's first line is line *before + 1. Agreed status. */
pario_status pario_text_lines_before(pario_text_file *f, uint64_t *before, MPI_Comm comm);

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

/* Output that reaches rank 0 in rank order: rank 0 writes its own bytes as they
 * come, then each other rank's in turn; the others send pieces of at most piece
 * bytes (two in flight at most, synchronous sends: nothing piles up anywhere).
 * With max_lines, rank 0 stops writing after that many '\n' (the rest is drained). */
typedef struct pario_ordered {
    MPI_Comm comm;
    int rank, nranks;
    FILE *out;
    char *buf[2];
    size_t cap, len;
    int cur;
    MPI_Request req[2];
    uint64_t max_lines, lines; /* rank 0 */
} pario_ordered;

/* Collective. */
void pario_ordered_open(pario_ordered *o, FILE *out, size_t piece, uint64_t max_lines, MPI_Comm comm);
void pario_ordered_put(pario_ordered *o, const void *p, size_t n);
/* Collective: every rank calls it, failed or not. Returns an error status on rank
 * 0 if writing out failed (not agreed). */
pario_status pario_ordered_close(pario_ordered *o);

#ifdef __cplusplus
}
#endif
#endif
