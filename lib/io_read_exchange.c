/* The exchange read strategy: per window of P*E elements, rank r reads the r-th
 * contiguous stripe of E elements (the cyclic:E view: one large piece per rank per
 * step), then one MPI_Alltoallv gives every rank the window's elements that its
 * own view owns. */
#include "config.h"
#include <limits.h>
#include <stdlib.h>
#include "pario/exchange.h"
#include "pario/fileutil.h"
#include "io_internal.h"

pario_status pario_exchange_reader_init(pario_reader *r, int nranks)
{
    const pario_view *v = r->view;
    uint64_t E = r->chunk_elems, P = (uint64_t)nranks;
    if (E * P > INT_MAX / 2)
        E = INT_MAX / 2 / P;
    r->window = E * P;
    pario_dist stripes = { PARIO_DIST_CYCLIC, E, { 0, 0 } };
    pario_status st = pario_view_build(r->ds, &stripes, v->rank, nranks, &r->stripes);
    if (pario_failed(&st))
        return st;
    r->xchg = calloc(1, sizeof *r->xchg);
    if (!r->xchg)
        return pario_local_error("out of memory");
    st = pario_exchange_init(r->xchg, r->window, v->esize, v->etype, r->comm);
    if (pario_failed(&st))
        return st;
    free(r->buf[0]);
    r->buf[0] = pario_alloc_aligned(r->window * v->esize);
    r->stripe_buf = pario_alloc_aligned(E * v->esize);
    if (!r->buf[0] || !r->stripe_buf)
        return pario_local_error("out of memory for the exchange windows");
    r->nsteps = (r->ds->nelems + r->window - 1) / r->window;
    return pario_ok();
}

int pario_exchange_reader_next(pario_reader *r, const void **data, size_t *n, uint64_t *local_start)
{
    const uint64_t lo = r->step * r->window, N = r->ds->nelems;
    const uint64_t hi = lo + r->window < N ? lo + r->window : N;
    uint64_t s0 = pario_view_local_before(&r->stripes, lo), sn = pario_view_local_before(&r->stripes, hi) - s0;
    uint64_t m0 = pario_view_local_before(r->view, lo), mn = pario_view_local_before(r->view, hi) - m0;
    r->step++;
    pario_status st = pario_reader_read_at(r, s0, sn, r->stripe_buf);
    /* the exchange is collective whatever the read did; a failure is agreed at the next step */
    pario_status xs = pario_exchange_stripes(r->xchg, &r->stripes, r->window / (uint64_t)r->view->nranks,
                                             r->stripe_buf, r->view, r->buf[0], lo, hi);
    if (pario_failed(&st) || pario_failed(&xs)) {
        r->err = pario_failed(&st) ? st : xs;
        return 1;
    }
    *data = r->buf[0];
    *n = (size_t)mn;
    *local_start = m0;
    return 1;
}

void pario_exchange_reader_free(pario_reader *r)
{
    if (r->xchg) {
        pario_exchange_free(r->xchg);
        free(r->xchg);
        r->xchg = NULL;
    }
    pario_view_free(&r->stripes);
    free(r->stripe_buf);
    r->stripe_buf = NULL;
}
