#include "config.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "pario/exchange.h"
#include "pario/fileutil.h"

pario_status pario_exchange_init(pario_exchange *x, uint64_t cap, size_t esize, MPI_Datatype etype, MPI_Comm comm)
{
    memset(x, 0, sizeof *x);
    x->comm = comm;
    MPI_Comm_size(comm, &x->nranks);
    x->esize = esize;
    x->etype = etype;
    x->cap = cap;
    if (cap > INT_MAX)
        return pario_error(PARIO_ERR_RUNTIME, "exchange window too large (%llu elements)", (unsigned long long)cap);
    size_t P = (size_t)x->nranks;
    x->scount = calloc(4 * P, sizeof(int));
    x->send = pario_alloc_aligned(cap * esize);
    x->recv = pario_alloc_aligned(cap * esize);
    if (!x->scount || !x->send || !x->recv) {
        pario_exchange_free(x);
        return pario_error(PARIO_ERR_RUNTIME, "out of memory for the exchange buffers");
    }
    x->sdispl = x->scount + P;
    x->rcount = x->scount + 2 * P;
    x->rdispl = x->scount + 3 * P;
    return pario_ok();
}

void pario_exchange_free(pario_exchange *x)
{
    free(x->scount);
    free(x->send);
    free(x->recv);
    x->scount = NULL;
    x->send = x->recv = NULL;
}

/* Walk the window elements of `walk` (this rank's, in local order) split into pieces
 * that share an owner under `other`; call fn(owner, local offset in window, length). */
#define FOR_PIECES(walk, other, l0, n, BODY)                                        \
    for (uint64_t i_ = 0; i_ < (n);) {                                              \
        uint64_t g_, run_ = pario_view_run((walk), (l0) + i_, &g_);                 \
        if (run_ > (n) - i_)                                                        \
            run_ = (n) - i_;                                                        \
        for (uint64_t j_ = 0; j_ < run_;) {                                         \
            uint64_t left_;                                                         \
            int owner = pario_view_owner((other), g_ + j_, &left_);                 \
            uint64_t len = left_ < run_ - j_ ? left_ : run_ - j_;                   \
            uint64_t at = i_ + j_;                                                  \
            BODY;                                                                   \
            j_ += len;                                                              \
        }                                                                           \
        i_ += run_;                                                                 \
    }

pario_status pario_exchange_window(pario_exchange *x, const pario_view *from, const void *in, const pario_view *to,
                                   void *out, uint64_t a, uint64_t b)
{
    const int P = x->nranks;
    const size_t es = x->esize;
    uint64_t l0 = pario_view_local_before(from, a), n = pario_view_local_before(from, b) - l0;
    uint64_t m0 = pario_view_local_before(to, a), m = pario_view_local_before(to, b) - m0;
    if (n > x->cap || m > x->cap)
        return pario_error(PARIO_ERR_RUNTIME, "internal error: exchange window over capacity");
    memset(x->scount, 0, sizeof(int) * (size_t)P);
    FOR_PIECES(from, to, l0, n, (void)at; x->scount[owner] += (int)len)
    for (int r = 0, off = 0; r < P; r++) {
        x->sdispl[r] = off;
        off += x->scount[r];
    }
    /* pack in local order: each destination gets its elements in global order */
    FOR_PIECES(from, to, l0, n,
               memcpy(x->send + (size_t)x->sdispl[owner] * es, (const char *)in + at * es, len * es);
               x->sdispl[owner] += (int)len)
    for (int r = 0, off = 0; r < P; r++) {
        x->sdispl[r] = off;
        off += x->scount[r];
    }
    MPI_Alltoall(x->scount, 1, MPI_INT, x->rcount, 1, MPI_INT, x->comm);
    for (int r = 0, off = 0; r < P; r++) {
        x->rdispl[r] = off;
        off += x->rcount[r];
    }
    int err = MPI_Alltoallv(x->send, x->scount, x->sdispl, x->etype, x->recv, x->rcount, x->rdispl, x->etype, x->comm);
    if (err != MPI_SUCCESS)
        return pario_mpi_error(err, "exchanging elements", NULL);
    /* unpack in our local order under `to`, taking from each source in turn */
    FOR_PIECES(to, from, m0, m,
               memcpy((char *)out + at * es, x->recv + (size_t)x->rdispl[owner] * es, len * es);
               x->rdispl[owner] += (int)len)
    return pario_ok();
}
