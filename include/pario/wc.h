/* pario-wc: lines, words and bytes of text files, exactly as GNU wc counts them
 * in the C locale, with each file's bytes split across ranks. */
#ifndef PARIO_WC_H
#define PARIO_WC_H

#include <stdint.h>
#include <stdio.h>
#include <mpi.h>
#include "pario/io.h"
#include "pario/status.h"
#include "pario/text.h"

#ifdef __cplusplus
extern "C" {
#endif

enum pario_wc_what { PARIO_WC_LINES = 1u << 0, PARIO_WC_WORDS = 1u << 1, PARIO_WC_BYTES = 1u << 2 };

typedef struct pario_wc_counts {
    uint64_t lines, words, bytes;
} pario_wc_counts;

/* Collective: what's counts of paths[0..n) (lines are '\n' bytes; words follow
 * pario_text_wc in text_kernels.h; bytes alone need no reading). Every rank reads
 * its byte range of each file on its own (no collective per file); the ranks'
 * partial counts are merged in rank order by one MPI_Reduce. On rank 0: counts[i],
 * stats[i] (rank 0's stat of each file, for pario_wc_width) and in errs (empty
 * before) the files that failed, with their errors. *bytes_read gains this
 * rank's reads. */
void pario_wc_files(char *const *paths, int n, unsigned what, const pario_io_opts *o, pario_wc_counts *counts,
                    struct pario_text_stat *stats, pario_file_failures *errs, uint64_t *bytes_read, MPI_Comm comm);

/* GNU wc's column width: 1 for one file and one count; else the digits of the
 * summed sizes of the regular files that stat() found (at least 7 when one of
 * them is not a regular file). */
int pario_wc_width(const struct pario_text_stat *stats, int n, unsigned what);

/* One line as GNU wc prints it: the counts asked for (lines, words, bytes), right
 * aligned in width columns separated by a space, then " name" unless name is NULL. */
void pario_wc_print(FILE *out, const pario_wc_counts *c, unsigned what, int width, const char *name);

#ifdef __cplusplus
}
#endif
#endif
