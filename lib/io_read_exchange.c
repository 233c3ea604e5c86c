/* The exchange read strategy: per window of W elements, rank r reads the r-th
 * contiguous stripe of W/P elements (the cyclic:(W/P) view: one large piece per
 * rank per step), then one MPI_Alltoallv gives every rank the window's elements
 * that its own view owns, received in place.
 *
 * Memory is sized by what a rank really holds, not by the window: W is the widest
 * window in which every rank's part stays within about one chunk (P chunks for
 * cyclic and cols, fewer for tiles, whose rows are dense in a band), so the stripe,
 * the send buffer and the receive buffer are each at most a few chunks, and the
 * counts are 4 P ints. */
#include "config.h"
#include <limits.h>
#include <stdlib.h>
#include "pario/exchange.h"
#include "pario/fileutil.h"
#include "io_read_exchange.h"

struct pario_stripe_exchange {
    const pario_dataset *ds;
    const pario_view *view;  /* the caller's: what each rank gets */
    pario_view stripes;      /* what each rank reads */
    pario_exchange xchg;     /* send: the packed stripe; recv: our elements of the window */
    void *stripe_buf;
    uint64_t window, stripe, nsteps;
    MPI_Comm comm;
};

uint64_t pario_stripe_exchange_window(const pario_view *view, uint64_t chunk, MPI_Comm comm)
{
    const uint64_t P = (uint64_t)view->nranks;
    /* the window: agreed first, so that every rank takes the same steps */
    uint64_t W = pario_allreduce_u64(pario_view_window_for(view, chunk), MPI_MIN, comm);
    if (W > chunk * P)
        W = chunk * P;
    if (W > (uint64_t)INT_MAX / 2)
        W = (uint64_t)INT_MAX / 2;
    if (W < P)
        W = P;
    return W - W % P;
}

pario_status pario_stripe_exchange_open(pario_stripe_exchange **out, const pario_dataset *ds,
                                        const pario_view *view, uint64_t chunk, MPI_Comm comm)
{
    *out = NULL;
    const uint64_t P = (uint64_t)view->nranks;
    const uint64_t W = pario_stripe_exchange_window(view, chunk, comm);
    pario_stripe_exchange *x = calloc(1, sizeof *x);
    if (!x)
        return pario_local_error("out of memory");
    *out = x;
    x->ds = ds;
    x->view = view;
    x->comm = comm;
    x->window = W;
    x->stripe = W / P;
    x->nsteps = (ds->nelems + W - 1) / W;
    pario_dist stripes = { PARIO_DIST_CYCLIC, x->stripe, { 0, 0 } };
    pario_status st = pario_view_build(ds, &stripes, view->rank, view->nranks, &x->stripes);
    if (pario_failed(&st))
        return st;
    st = pario_exchange_init(&x->xchg, x->stripe, pario_view_share_bound(view, W), view->esize, view->etype, comm);
    if (pario_failed(&st))
        return st;
    x->stripe_buf = pario_alloc_aligned(x->stripe * view->esize);
    if (!x->stripe_buf)
        return pario_local_error("out of memory for the exchange windows");
    return pario_ok();
}

const pario_view *pario_stripe_exchange_view(const pario_stripe_exchange *x)
{
    return &x->stripes;
}

uint64_t pario_stripe_exchange_nsteps(const pario_stripe_exchange *x)
{
    return x->nsteps;
}

static void window_of(const pario_stripe_exchange *x, uint64_t s, uint64_t *lo, uint64_t *hi)
{
    const uint64_t N = x->ds->nelems;
    *lo = s * x->window;
    *hi = *lo + x->window < N ? *lo + x->window : N;
}

void *pario_stripe_exchange_plan(pario_stripe_exchange *x, uint64_t s, uint64_t *start, uint64_t *n)
{
    uint64_t lo, hi;
    window_of(x, s, &lo, &hi);
    *start = pario_view_local_before(&x->stripes, lo);
    *n = pario_view_local_before(&x->stripes, hi) - *start;
    return x->stripe_buf;
}

pario_status pario_stripe_exchange_deliver(pario_stripe_exchange *x, uint64_t s, const void **data, size_t *n,
                                           uint64_t *local_start)
{
    uint64_t lo, hi;
    window_of(x, s, &lo, &hi);
    const uint64_t m0 = pario_view_local_before(x->view, lo), mn = pario_view_local_before(x->view, hi) - m0;
    pario_status st = pario_exchange_stripes(&x->xchg, &x->stripes, x->stripe, x->stripe_buf, x->view,
                                             x->xchg.recv, lo, hi);
    *data = x->xchg.recv;
    *n = (size_t)mn;
    *local_start = m0;
    return st;
}

void pario_stripe_exchange_free(pario_stripe_exchange *x)
{
    if (!x)
        return;
    pario_exchange_free(&x->xchg);
    pario_view_free(&x->stripes);
    free(x->stripe_buf);
    free(x);
}
