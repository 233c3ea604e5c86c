/* The sieve read strategy: data sieving done here, not by ROMIO. Per step a rank
 * reads, with one independent contiguous read, the span of the file that holds
 * its next elements, and keeps its own with the gather of its part's runs (a
 * strided copy for element-wise views). No messages and no collective per step;
 * the price is reading the other ranks' elements of the span too (P times the
 * rank's share for cyclic), so auto takes it at 2 ranks only, where that costs
 * less than the exchange's pack and Alltoallv (bench/views.sh).
 *
 * Memory: the span buffer (at most two chunks) and the chunk of kept elements,
 * whatever the number of ranks: sparser parts take fewer elements per step, and
 * runs longer than a chunk are read a chunk at a time. */
#include "config.h"
#include <stdlib.h>
#include "pario/fileutil.h"
#include "io_read_sieve.h"

struct pario_sieve {
    const pario_view *view;
    pario_view whole;  /* the dataset as one run: what the file is opened with */
    pario_runs mine;   /* this rank's part */
    uint64_t step;     /* this rank's elements per step (at most) */
    uint64_t per_run;  /* steps per run when runs are longer than a chunk, else 0 */
    uint64_t nsteps;
    void *span, *kept;
};

pario_status pario_sieve_open(pario_sieve **out, const pario_dataset *ds, const pario_view *view, uint64_t chunk)
{
    *out = NULL;
    pario_sieve *s = calloc(1, sizeof *s);
    if (!s)
        return pario_local_error("out of memory");
    *out = s;
    s->view = view;
    const pario_dist whole = { PARIO_DIST_BLOCK, 1, { 0, 0 } };
    pario_status st = pario_view_build(ds, &whole, 0, 1, &s->whole);
    if (pario_failed(&st))
        return st;
    s->mine = (pario_runs){ .base = view->base, .run = view->run, .stride = view->stride,
                            .count = view->local_count };
    const pario_runs *p = &s->mine;
    if (chunk == 0)
        chunk = 1;
    uint64_t span;
    if (p->stride == 0 || p->run <= chunk) {
        /* whole runs per step, as many as keep the span within two chunks */
        uint64_t runs = p->stride ? 2 * chunk / p->stride : chunk;
        if (runs > chunk / p->run)
            runs = chunk / p->run;
        if (runs == 0)
            runs = 1;
        s->step = p->stride ? runs * p->run : chunk;
        s->per_run = 0;
        s->nsteps = (p->count + s->step - 1) / s->step;
        span = p->stride ? (runs - 1) * p->stride + p->run : s->step;
    } else {
        /* runs longer than a chunk: steps of a chunk within one run (a step never
         * spans the gap between two runs) */
        s->step = chunk;
        s->per_run = (p->run + chunk - 1) / chunk;
        s->nsteps = p->count / p->run * s->per_run + (p->count % p->run + chunk - 1) / chunk;
        span = chunk;
    }
    if (span > ds->nelems)
        span = ds->nelems;
    const uint64_t c = s->step;
    s->span = pario_alloc_aligned((span ? span : 1) * view->esize);
    s->kept = pario_alloc_aligned(c * view->esize);
    if (!s->span || !s->kept)
        return pario_local_error("out of memory for the sieve's %llu-element span",
                                 (unsigned long long)span);
    return pario_ok();
}

const pario_view *pario_sieve_view(const pario_sieve *s)
{
    return &s->whole;
}

uint64_t pario_sieve_nsteps(const pario_sieve *s)
{
    return s->nsteps;
}

static void step_of(const pario_sieve *s, uint64_t k, uint64_t *l0, uint64_t *l1)
{
    uint64_t end = s->mine.count;
    if (s->per_run) {
        const uint64_t t = k / s->per_run;
        *l0 = t * s->mine.run + k % s->per_run * s->step;
        if ((t + 1) * s->mine.run < end)
            end = (t + 1) * s->mine.run;
    } else {
        *l0 = k * s->step;
    }
    *l1 = *l0 + s->step < end ? *l0 + s->step : end;
}

void *pario_sieve_plan(pario_sieve *s, uint64_t k, uint64_t *start, uint64_t *n)
{
    uint64_t l0, l1;
    step_of(s, k, &l0, &l1);
    *start = *n = 0;
    if (l1 > l0) {
        *start = pario_view_global_index(s->view, l0);
        *n = pario_view_global_index(s->view, l1 - 1) + 1 - *start;
    }
    return s->span;
}

void pario_sieve_deliver(pario_sieve *s, uint64_t k, const void **data, size_t *n, uint64_t *local_start)
{
    uint64_t l0, l1, g0 = 0, len = 0;
    step_of(s, k, &l0, &l1);
    if (l1 > l0) {
        g0 = pario_view_global_index(s->view, l0);
        len = pario_view_global_index(s->view, l1 - 1) + 1 - g0;
    }
    *n = (size_t)pario_runs_gather(&s->mine, g0, g0 + len, s->span, s->kept, s->view->esize);
    *data = s->kept;
    *local_start = l0;
}

void pario_sieve_free(pario_sieve *s)
{
    if (!s)
        return;
    pario_view_free(&s->whole);
    free(s->span);
    free(s->kept);
    free(s);
}
