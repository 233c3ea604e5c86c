/* Internal: CSV field splitting and the quote exchange (csv_parse.c, csv_quote.c). */
#ifndef PARIO_CSV_INTERNAL_H
#define PARIO_CSV_INTERNAL_H
#include <stddef.h>
#include <stdint.h>
#include "pario/csv.h"
#include "pario/text.h"

/* The field col of the record rec[0..n) (no line end): *f, *flen is its text, the
 * quotes of a quoted field removed; *escaped is 1 when the quoted field holds ""
 * (its text then still has them doubled). Returns 0 when the record has fewer
 * fields (*nfields: how many it has). */
int pario_csv_field(const char *rec, size_t n, char delim, char quote, uint64_t col, const char **f,
                    size_t *flen, int *escaped, uint64_t *nfields);

/* The counts a rank makes of its block [A, E) for the quote exchange
 * (A = lo - 1, or 0 on rank 0; E = hi - 1, or the file's size on the last rank
 * with bytes: the blocks cover the file once). */
enum { PARIO_CSV_Q_QUOTES, PARIO_CSV_Q_LINES, PARIO_CSV_Q_HAS_LAST, PARIO_CSV_Q_LINES_BEFORE_LAST,
       PARIO_CSV_Q_FAILED, PARIO_CSV_Q_N };

/* What the exchange found before this rank's block. */
typedef struct pario_csv_before {
    uint64_t quotes;   /* quote characters in [0, A) */
    uint64_t lines;    /* newlines in [0, A) */
    int others_failed; /* another rank's counts are missing (its error wins) */
} pario_csv_before;

/* Collective: exchange every rank's counts (mine[PARIO_CSV_Q_FAILED] set when this
 * rank could not count), give each the quotes and newlines before its block, and
 * check that the quotes close (an error naming the line of the unclosed field's
 * opening quote otherwise). */
pario_status pario_csv_quote_exchange(const uint64_t mine[PARIO_CSV_Q_N], const char *path, char quote,
                                      pario_csv_before *out, MPI_Comm comm);
#endif
