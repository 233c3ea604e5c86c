/* Internal: CSV field splitting and the quote pre-pass (csv_parse.c, csv_quote.c). */
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

/* What the pre-pass found before this rank's first byte to look at. */
typedef struct pario_csv_prepass {
    uint64_t quotes_before;   /* quote characters in [0, a) */
    uint64_t lines_before;    /* newlines in [0, a) */
} pario_csv_prepass;

/* Collective: count quotes and newlines of every rank's block ([lo - 1, hi - 1);
 * rank 0 from 0, the last non-empty rank to the end), scan them, and check that
 * the quotes close (an error naming the line of the unclosed field's opening quote
 * otherwise). buf holds f->chunk bytes. A failed read is this rank's error; every
 * rank joins the exchange anyway. */
pario_status pario_csv_quote_prepass(pario_text_file *f, char quote, char *buf, pario_csv_prepass *out,
                                     MPI_Comm comm);
#endif
