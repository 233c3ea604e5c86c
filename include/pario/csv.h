/* CSV and text files as a column of numbers, split across ranks.
 *
 * The splitting rule is the text files' (pario/text.h): each rank takes a balanced
 * block of bytes, and a record belongs to the rank in whose block it STARTS. A
 * record ends at a newline outside quotes, so a rank must know whether its block
 * starts inside a quoted field. Each rank parses its block as if it started
 * outside quotes, counting the quote characters and newlines as it goes; an
 * exchange of those counts gives each rank the parity of the quotes before its
 * block (odd: inside a quoted field, and the rank reads its block again from the
 * right start: rare) and the line number where it starts. The one assumption: a quote character only
 * delimits quoted fields (it opens a field, closes it, or is doubled inside it, as
 * RFC 4180 says); a quote inside an unquoted field (5"3) would flip the parity.
 * An odd number of quotes in the whole file is an error naming the line where the
 * last quoted field opened.
 *
 * A record is the bytes up to a newline outside quotes ("\r\n" ends it too, the
 * '\r' dropped), or to the end of the file; an empty line is no record. Fields are
 * separated by the delimiter; a field that starts with the quote character is
 * quoted ("" inside stands for one quote). With a header, the first record names
 * the columns and is not data. The column's field must be a decimal number
 * (optional sign, digits with an optional point, optional exponent, or inf,
 * infinity, nan), with optional spaces or tabs around it; it is read as the
 * nearest double (as strtod). An empty field, a missing field (the record is
 * shorter) and any other text are invalid: an error naming the file, line and
 * column, or with skip_invalid counted and left out. */
#ifndef PARIO_CSV_H
#define PARIO_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <mpi.h>
#include "pario/count.h"
#include "pario/io.h"
#include "pario/output.h"
#include "pario/progress.h"
#include "pario/reduce.h"
#include "pario/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PARIO_CSV_NAME_MAX 256

/* Which settings were given (on the command line or a descriptor). */
enum pario_csv_given {
    PARIO_CSV_GIVEN_COLUMN = 1u << 0,
    PARIO_CSV_GIVEN_HEADER = 1u << 1,
    PARIO_CSV_GIVEN_DELIMITER = 1u << 2,
    PARIO_CSV_GIVEN_QUOTE = 1u << 3,
    PARIO_CSV_GIVEN_SKIP = 1u << 4,
};

typedef struct pario_csv_opts {
    int active;                     /* the file is read as CSV/text */
    int text;                       /* format text: one value per line, no delimiter or quote */
    char delimiter;                 /* ',' by default; 0: none (the whole record is the field) */
    char quote;                     /* '"' by default; 0: none */
    int header;                     /* 1 (default): the first record names the columns */
    char column[PARIO_CSV_NAME_MAX];/* a name in the header, or a 0-based index (digits) */
    int skip_invalid;               /* leave invalid fields out (counted) instead of failing */
    char skip_hint[32];             /* how to ask for it, in errors: "--skip-invalid" (a job's "skip_invalid: true") */
    unsigned given;                 /* enum pario_csv_given */
    char desc_path[4096];           /* the descriptor the settings came from, or "" */
} pario_csv_opts;

void pario_csv_opts_init(pario_csv_opts *o);

/* The command-line options of the tools that read CSV columns (keys 0x4300..):
 * put PARIO_CSV_OPTDEFS in the tool's option table and pass its keys to
 * pario_csv_handle (which returns 1 when the key was one of them). */
enum { PARIO_CSV_O_COLUMN = 0x4300, PARIO_CSV_O_HEADER, PARIO_CSV_O_NO_HEADER, PARIO_CSV_O_DELIMITER,
       PARIO_CSV_O_QUOTE, PARIO_CSV_O_SKIP_INVALID };
#define PARIO_CSV_OPTDEFS                                                                                        \
    { "column", PARIO_CSV_O_COLUMN, 1, "NAME|INDEX",                                                           \
      "CSV: the column to read (a header name, or a 0-based index); reads FILE as CSV" },                      \
    { "header", PARIO_CSV_O_HEADER, 0, NULL, "CSV: the first record names the columns (the default)" },           \
    { "no-header", PARIO_CSV_O_NO_HEADER, 0, NULL, "CSV: the first record is data" },                            \
    { "delimiter", PARIO_CSV_O_DELIMITER, 1, "C", "CSV: field delimiter, one byte or 'tab' (default ',')" },       \
    { "quote", PARIO_CSV_O_QUOTE, 1, "C", "CSV: quote character, 'tab', or 'none' (default '\"')" },                    \
    { "skip-invalid", PARIO_CSV_O_SKIP_INVALID, 0, NULL,                                                         \
      "CSV: leave out empty, missing and non-numeric fields (counted and reported) instead of failing" }
int pario_csv_handle(pario_csv_opts *o, int key, const char *arg, pario_status *st);

/* Collective: decide whether path is read as CSV: when any CSV option was given,
 * or its descriptor (desc_path, or PATH.yaml if it exists) says format csv or
 * text. The descriptor's settings fill what the command line left unset. A CSV
 * column with dynamic set (--schedule dynamic, or a job's schedule: dynamic) is a
 * usage error: its records are split by where they start, not into tasks. */
pario_status pario_csv_resolve(pario_csv_opts *o, const char *path, const char *desc_path, int dynamic,
                               MPI_Comm comm);

/* Serial: the number a field's text spells (see above); 0 if it is not one. */
int pario_csv_number(const char *s, size_t n, double *out);

/* What the column held. */
typedef struct pario_csv_stats {
    uint64_t records;       /* data records (no header, no empty lines) */
    uint64_t values;        /* numbers read (NaN included) */
    uint64_t empty;         /* empty fields */
    uint64_t missing;       /* records without the column */
    uint64_t non_numeric;   /* other text */
} pario_csv_stats;

/* ---- the per-rank column reader (csv_source.c) ---- */
typedef struct pario_csv_reader pario_csv_reader;

/* Collective: open path, read the header (rank 0), find the column, and each
 * rank's first record on the guess that its range starts outside quotes. */
pario_status pario_csv_open(pario_csv_reader **r, const char *path, const pario_csv_opts *o,
                            const pario_io_opts *io, MPI_Comm comm);
/* The next block of the column's values owned by this rank, with each value's
 * record index on this rank (0-based, rank-local). Returns 1 with a block, 0 when
 * done or on error (*st), or -1: this rank started reading in the wrong place
 * (its range starts inside a quoted field), so everything it returned so far is
 * void (drop it) and the blocks from now on are right. Call it on every rank until
 * it returns 0: once per rank, at the end of its range (or sooner), it joins the
 * one exchange of quote and newline counts (collective); between, it is
 * independent I/O. */
int pario_csv_next(pario_csv_reader *r, const double **vals, const uint64_t **recs, size_t *n, pario_status *st);
/* Collective: the exclusive scan of records: this rank's first record's global index. */
uint64_t pario_csv_record_base(pario_csv_reader *r);
/* This rank's counts so far. */
void pario_csv_local_stats(const pario_csv_reader *r, pario_csv_stats *s);
uint64_t pario_csv_bytes(const pario_csv_reader *r);
/* For a progress line: the bytes of this rank's range behind the reader, of *total. */
uint64_t pario_csv_progress(const pario_csv_reader *r, uint64_t *total);
/* "column 'price' (index 4)" */
const char *pario_csv_column_label(const pario_csv_reader *r);
void pario_csv_close(pario_csv_reader *r);

/* ---- reduce and count on a column (csv_reduce.c) ---- */

/* Collective: every operation of spec on the column (one pass, two with a
 * histogram whose range comes from the data). res as pario_reduce_dataset's, with
 * indices = data record indices; stats complete on every rank. */
pario_status pario_reduce_csv(const char *path, const pario_csv_opts *o, const pario_reduce_spec *spec,
                              const pario_io_opts *io, pario_progress *progress, pario_reduce_result *res,
                              pario_csv_stats *stats, MPI_Comm comm);
/* Collective: q (resolved for float64) on the column. */
pario_status pario_count_csv(const char *path, const pario_csv_opts *o, const pario_count_query *q,
                             const pario_io_opts *io, int per_rank, pario_progress *progress,
                             pario_count_result *res, pario_csv_stats *stats, MPI_Comm comm);
/* The note on the invalid fields a --skip-invalid run skipped: "skipped N
 * invalid fields in PATH: E empty, M missing, T non-numeric" into buf; returns
 * N (0: nothing skipped, buf empty). */
uint64_t pario_csv_skipped(const pario_csv_stats *s, const char *path, char *buf, size_t len);
/* Rank 0: "records", "values" and the "invalid" counts to an open emitter. */
void pario_csv_emit_stats(pario_out *out, const pario_csv_stats *s);

#ifdef __cplusplus
}
#endif
#endif
