/* The exchange read strategy, on its own: it plans which stripe each rank reads
 * and redistributes what was read; the reader (io_read.c) does the reading. It
 * knows nothing of the reader, so the two do not call each other. */
#ifndef PARIO_IO_READ_EXCHANGE_H
#define PARIO_IO_READ_EXCHANGE_H
#include <stddef.h>
#include <stdint.h>
#include <mpi.h>
#include "pario/dataset.h"
#include "pario/status.h"
#include "pario/view.h"

typedef struct pario_stripe_exchange pario_stripe_exchange;

/* Collective (every rank calls it, and agrees on the result afterwards): plan the
 * windows for reading ds through view with chunks of `chunk` elements. Every
 * buffer is bounded by a few chunks, whatever the number of ranks. */
pario_status pario_stripe_exchange_open(pario_stripe_exchange **x, const pario_dataset *ds, const pario_view *view,
                                        uint64_t chunk, MPI_Comm comm);
/* Collective: the window (elements) the exchange takes per step for this view and
 * chunk (elements); each rank's stripe is window / ranks elements. */
uint64_t pario_stripe_exchange_window(const pario_view *view, uint64_t chunk, MPI_Comm comm);
/* The view each rank reads its stripes through (open the file with it). */
const pario_view *pario_stripe_exchange_view(const pario_stripe_exchange *x);
uint64_t pario_stripe_exchange_nsteps(const pario_stripe_exchange *x);
/* Step s's stripe: n elements from local index *start of the stripes view, to be
 * read into the returned buffer. */
void *pario_stripe_exchange_plan(pario_stripe_exchange *x, uint64_t s, uint64_t *start, uint64_t *n);
/* Collective: hand step s's stripe elements to their owners; *data, *n and
 * *local_start are this rank's elements of the window under its view. */
pario_status pario_stripe_exchange_deliver(pario_stripe_exchange *x, uint64_t s, const void **data, size_t *n,
                                           uint64_t *local_start);
void pario_stripe_exchange_free(pario_stripe_exchange *x);

#endif
