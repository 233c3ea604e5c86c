/* Moving the elements of a window of the dataset from their owners under one view
 * to their owners under another: the MPI_Alltoallv at the heart of redistribution
 * (pario-convert --to-dist) and of the "exchange" read strategy. */
#ifndef PARIO_EXCHANGE_H
#define PARIO_EXCHANGE_H

#include <stddef.h>
#include <stdint.h>
#include <mpi.h>
#include "pario/status.h"
#include "pario/view.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pario_exchange {
    MPI_Comm comm;
    int nranks;
    size_t esize;
    MPI_Datatype etype;
    uint64_t cap;            /* elements the send buffer holds */
    uint64_t rcap;           /* elements the receive buffer holds */
    int *scount, *sdispl, *rcount, *rdispl;
    char *send, *recv;
} pario_exchange;

/* cap, rcap: the most elements this rank sends, receives in a window (size them by
 * what the rank holds under each view: pario_view_share_bound). */
pario_status pario_exchange_init(pario_exchange *x, uint64_t cap, uint64_t rcap, size_t esize, MPI_Datatype etype,
                                 MPI_Comm comm);
void pario_exchange_free(pario_exchange *x);

/* Collective: the window [a, b) of global indices. in holds this rank's elements of
 * the window under from (in its local order); out receives its elements under to. */
pario_status pario_exchange_window(pario_exchange *x, const pario_view *from, const void *in, const pario_view *to,
                                   void *out, uint64_t a, uint64_t b);

/* Collective, for the exchange read strategy: the same, when `from` is the stripes
 * view (rank r holds the r-th run of `stripe` elements of each window). Each
 * source's elements then form one contiguous stretch of the receiver's local
 * order, so they are received in place: no unpacking pass. out may be x->recv. */
pario_status pario_exchange_stripes(pario_exchange *x, const pario_view *from, uint64_t stripe, const void *in,
                                    const pario_view *to, void *out, uint64_t a, uint64_t b);

#ifdef __cplusplus
}
#endif
#endif
