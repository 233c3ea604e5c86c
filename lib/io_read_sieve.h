/* The sieve read strategy, on its own: per step it names the span of the file that
 * holds this rank's next elements and keeps those elements of what was read; the
 * reader (io_read.c) does the reading. */
#ifndef PARIO_IO_READ_SIEVE_H
#define PARIO_IO_READ_SIEVE_H
#include <stddef.h>
#include <stdint.h>
#include "pario/dataset.h"
#include "pario/status.h"
#include "pario/view.h"

typedef struct pario_sieve pario_sieve;

/* Local (no communication): plan reading this rank's part of view in steps of at
 * most `chunk` of its elements, each from a span of at most about two chunks of
 * the file (fewer elements per step when the part is sparser). */
pario_status pario_sieve_open(pario_sieve **s, const pario_dataset *ds, const pario_view *view, uint64_t chunk);
/* The whole dataset as one contiguous view: open the file with it (offsets are
 * global element indices). */
const pario_view *pario_sieve_view(const pario_sieve *s);
uint64_t pario_sieve_nsteps(const pario_sieve *s);
/* Step k's span: n elements from global index *start, to be read into the
 * returned buffer. */
void *pario_sieve_plan(pario_sieve *s, uint64_t k, uint64_t *start, uint64_t *n);
/* Keep this rank's elements of step k's span: *data, *n, *local_start. */
void pario_sieve_deliver(pario_sieve *s, uint64_t k, const void **data, size_t *n, uint64_t *local_start);
void pario_sieve_free(pario_sieve *s);

#endif
