/* Internal: failures on some ranks for some files of the text tools, reported
 * once per file by rank 0. A rank whose file fails tells the others at once
 * (a notice keyed by the file: notice.h), so that they stop reading that file
 * rather than read their whole range of it first; the other files are read
 * whole. */
#ifndef PARIO_TEXT_ERRORS_H
#define PARIO_TEXT_ERRORS_H

#include <mpi.h>
#include <stdint.h>
#include "pario/status.h"
#include "pario/text.h"
#include "notice.h"

typedef struct pario_file_errors {
    int n;
    int *first;             /* per file: the lowest failing rank, or nranks */
    pario_file_failures mine;   /* this rank's own failures */
    pario_notice notice;    /* keyed by the file */
} pario_file_errors;

/* Every rank of comm calls it in the same order (no communication). 0: out of
 * memory (a few bytes per file). */
int pario_file_errors_init(pario_file_errors *e, int n, MPI_Comm comm);
/* This rank's failure of file (none if st did not fail): the others are told. */
void pario_file_errors_set(pario_file_errors *e, int file, const pario_status *st);
/* This rank failed file. */
int pario_file_errors_failed(const pario_file_errors *e, int file);
/* Another rank failed file: its notice came (no look). */
int pario_file_errors_noticed(const pario_file_errors *e, int file);
/* After reading `bytes` more of file: 1 if another rank failed it (stop
 * reading it: its error is reported). Looks at most once per 256 KiB. */
int pario_file_errors_stop(pario_file_errors *e, int file, uint64_t bytes);
/* Collective: afterwards out on rank 0 holds the first failing rank's status
 * for every file that failed anywhere (out is not touched elsewhere); returns
 * the number of failed files on every rank. */
int pario_file_errors_gather(pario_file_errors *e, pario_file_failures *out, MPI_Comm comm);
void pario_file_errors_free(pario_file_errors *e);

#endif
