#include "config.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "pario/exchange.h"
#include "pario/fileutil.h"

pario_status pario_exchange_init(pario_exchange *x, uint64_t cap, uint64_t rcap, size_t esize, MPI_Datatype etype,
                                 MPI_Comm comm)
{
    memset(x, 0, sizeof *x);
    x->comm = comm;
    MPI_Comm_size(comm, &x->nranks);
    x->esize = esize;
    x->etype = etype;
    x->cap = cap;
    x->rcap = rcap;
    if (cap > INT_MAX || rcap > INT_MAX)
        return pario_error(PARIO_ERR_RUNTIME, "exchange window too large (%llu elements)",
                           (unsigned long long)(cap > rcap ? cap : rcap));
    size_t P = (size_t)x->nranks;
    x->scount = calloc(4 * P, sizeof(int));
    x->send = pario_alloc_aligned((cap ? cap : 1) * esize);
    x->recv = pario_alloc_aligned((rcap ? rcap : 1) * esize);
    if (!x->scount || !x->send || !x->recv) {
        pario_exchange_free(x);
        return pario_local_error("out of memory for the exchange buffers");
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

/* Copy len elements; most pieces of fine-grained views are one element long, where a
 * typed store beats a call to memcpy. */
static inline void copy_elems(char *dst, const char *src, uint64_t len, size_t es)
{
    if (len == 1) {
        switch (es) {
        case 1: *dst = *src; return;
        case 2: memcpy(dst, src, 2); return;
        case 4: memcpy(dst, src, 4); return;
        case 8: memcpy(dst, src, 8); return;
        default: break;
        }
    }
    memcpy(dst, src, len * es);
}

enum walk_mode { COUNT, RCOUNT, PACK, UNPACK };

/* Walk this rank's elements of the window under `walk` (local l0 .. l0+n, in local
 * order) in pieces that share an owner under `other`. Local runs of a view are
 * uniform (run elements, stride apart), so the walk advances without divisions, and
 * an owner holds for the whole global range pario_view_owner returned. */
static void walk_pieces(pario_exchange *x, enum walk_mode mode, const pario_view *walk, const pario_view *other,
                        uint64_t l0, uint64_t n, const char *in, char *out)
{
    const size_t es = x->esize;
    uint64_t g = 0, len = n ? pario_view_run(walk, l0, &g) : 0;
    uint64_t run_start = g - (walk->run - len); /* global index where this run began */
    uint64_t own_lo = 1, own_hi = 0;            /* [own_lo, own_hi) owned by `owner` */
    int owner = 0;
    for (uint64_t i = 0; i < n;) {
        if (len > n - i)
            len = n - i;
        for (uint64_t j = 0; j < len;) {
            uint64_t gj = g + j;
            if (gj < own_lo || gj >= own_hi) {
                uint64_t left;
                owner = pario_view_owner(other, gj, &left);
                own_lo = gj;
                own_hi = gj + left;
            }
            uint64_t m = own_hi - gj < len - j ? own_hi - gj : len - j;
            uint64_t at = i + j;
            if (mode == COUNT) {
                x->scount[owner] += (int)m;
            } else if (mode == RCOUNT) {
                x->rcount[owner] += (int)m;
            } else if (mode == PACK) {
                copy_elems(x->send + (size_t)x->sdispl[owner] * es, in + at * es, m, es);
                x->sdispl[owner] += (int)m;
            } else {
                copy_elems(out + at * es, x->recv + (size_t)x->rdispl[owner] * es, m, es);
                x->rdispl[owner] += (int)m;
            }
            j += m;
        }
        i += len;
        run_start += walk->stride;
        g = run_start;
        len = walk->run;
    }
}

/* Count and pack this rank's elements of [a, b) for their owners under `to`, each
 * destination's in global order; sets *m0 and *m to our own share under `to`. */
static pario_status pack_window(pario_exchange *x, const pario_view *from, const void *in, const pario_view *to,
                                uint64_t a, uint64_t b, uint64_t *m0, uint64_t *m)
{
    const int P = x->nranks;
    uint64_t l0 = pario_view_local_before(from, a), n = pario_view_local_before(from, b) - l0;
    *m0 = pario_view_local_before(to, a);
    *m = pario_view_local_before(to, b) - *m0;
    if (n > x->cap || *m > x->rcap)
        return pario_error(PARIO_ERR_RUNTIME, "internal error: exchange window over capacity");
    memset(x->scount, 0, sizeof(int) * (size_t)P);
    walk_pieces(x, COUNT, from, to, l0, n, NULL, NULL);
    for (int pass = 0; pass < 2; pass++) {
        for (int r = 0, off = 0; r < P; r++) {
            x->sdispl[r] = off;
            off += x->scount[r];
        }
        if (pass == 0)
            walk_pieces(x, PACK, from, to, l0, n, in, NULL); /* advances sdispl: reset after */
    }
    return pario_ok();
}

pario_status pario_exchange_window(pario_exchange *x, const pario_view *from, const void *in, const pario_view *to,
                                   void *out, uint64_t a, uint64_t b)
{
    uint64_t m0, m;
    pario_status st = pack_window(x, from, in, to, a, b, &m0, &m);
    if (pario_agree(&st, x->comm)) /* a rank that cannot pack stops everyone before the collectives */
        return st;
    /* what each source sends us, counted here by walking our own part: no
     * MPI_Alltoall of counts (P^2 entries per window over the machine) */
    memset(x->rcount, 0, sizeof(int) * (size_t)x->nranks);
    walk_pieces(x, RCOUNT, to, from, m0, m, NULL, NULL);
    for (int r = 0, off = 0; r < x->nranks; r++) {
        x->rdispl[r] = off;
        off += x->rcount[r];
    }
    int err = MPI_Alltoallv(x->send, x->scount, x->sdispl, x->etype, x->recv, x->rcount, x->rdispl, x->etype, x->comm);
    if (err != MPI_SUCCESS)
        return pario_mpi_error(err, "exchanging elements", NULL);
    /* unpack in our local order under `to`, taking from each source in turn */
    walk_pieces(x, UNPACK, to, from, m0, m, NULL, out);
    return pario_ok();
}

pario_status pario_exchange_stripes(pario_exchange *x, const pario_view *from, uint64_t stripe, const void *in,
                                    const pario_view *to, void *out, uint64_t a, uint64_t b)
{
    const int P = x->nranks, me = from->rank;
    const size_t es = x->esize;
    /* our stripe of the window: global [g0, g1), held contiguously in `in` */
    uint64_t g0 = a + (uint64_t)me * stripe, g1 = g0 + stripe;
    g0 = g0 < b ? g0 : b;
    g1 = g1 < b ? g1 : b;
    const uint64_t m0 = pario_view_local_before(to, a), m = pario_view_local_before(to, b) - m0;
    pario_status st = pario_ok();
    if (g1 - g0 > x->cap || m > x->rcap)
        st = pario_error(PARIO_ERR_RUNTIME, "internal error: exchange window over capacity");
    if (pario_agree(&st, x->comm)) /* a rank that cannot pack stops everyone before the collectives */
        return st;
    /* what source s sends us is our part of its stripe: it lands where that starts;
     * our own part of our stripe is copied there directly, not through MPI */
    char *o = out;
    for (int s = 0; s < P; s++) {
        uint64_t lo = a + (uint64_t)s * stripe, hi = lo + stripe;
        lo = lo < b ? lo : b;
        hi = hi < b ? hi : b;
        uint64_t at = pario_view_local_before(to, lo) - m0;
        x->rcount[s] = s == me ? 0 : (int)(pario_view_local_before(to, hi) - m0 - at);
        x->rdispl[s] = (int)at;
    }
    /* each destination's part of our stripe, packed from its runs */
    uint64_t off = 0;
    for (int d = 0; d < P; d++) {
        pario_runs p;
        pario_layout_runs(&to->layout, d, &p);
        x->sdispl[d] = (int)off;
        if (d == me) {
            pario_runs_gather(&p, g0, g1, in, o + (size_t)x->rdispl[me] * es, es);
            x->scount[d] = 0;
        } else {
            x->scount[d] = (int)pario_runs_gather(&p, g0, g1, in, x->send + off * es, es);
            off += (uint64_t)x->scount[d];
        }
    }
    int err = MPI_Alltoallv(x->send, x->scount, x->sdispl, x->etype, out, x->rcount, x->rdispl, x->etype, x->comm);
    return err == MPI_SUCCESS ? pario_ok() : pario_mpi_error(err, "exchanging elements", NULL);
}
