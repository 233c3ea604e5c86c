/* pario-wc: lines, words and bytes of text files, exactly as GNU wc counts them
 * in the C locale, with each file's bytes split across ranks. */
#ifndef PARIO_WC_H
#define PARIO_WC_H

#include <stdint.h>
#include <stdio.h>
#include <mpi.h>
#include "pario/io.h"
#include "pario/status.h"

#ifdef __cplusplus
extern "C" {
#endif

enum pario_wc_what { PARIO_WC_LINES = 1u << 0, PARIO_WC_WORDS = 1u << 1, PARIO_WC_BYTES = 1u << 2 };

typedef struct pario_wc_counts {
    uint64_t lines, words, bytes;
} pario_wc_counts;

/* Collective: what's counts of path (every rank gets them). Lines are '\n' bytes;
 * words follow pario_text_wc (text_kernels.h); bytes alone need no reading. The
 * rank's bytes read and seconds spent reading are added to *bytes_read and *secs. */
pario_status pario_wc_file(const char *path, unsigned what, const pario_io_opts *o, pario_wc_counts *out,
                           uint64_t *bytes_read, double *secs, MPI_Comm comm);

/* GNU wc's column width: 1 for one file and one count; else the digits of the
 * summed sizes of the regular files among paths that stat() finds (at least 7
 * when one of them is not a regular file). */
int pario_wc_width(char *const *paths, int n, unsigned what);

/* One line as GNU wc prints it: the counts asked for (lines, words, bytes), right
 * aligned in width columns separated by a space, then " name" unless name is NULL. */
void pario_wc_print(FILE *out, const pario_wc_counts *c, unsigned what, int width, const char *name);

#ifdef __cplusplus
}
#endif
#endif
