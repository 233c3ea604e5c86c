/* Failure notices among ranks that work on their own (notice.h). */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "notice.h"

/* The notices of one piece of work carry their own tag, so that a notice can
 * never match the receive of another piece (two readers open at once on the
 * same communicator): the count of notices opened on the communicator, kept
 * as its attribute, alike on every rank because every rank opens them in the
 * same order. */
#define TAG_BASE 4400
#define TAG_SPAN 1000

static int keyval = MPI_KEYVAL_INVALID;

static int copy_count(MPI_Comm old, int key, void *extra, void *in, void *out, int *flag)
{
    (void)old;
    (void)key;
    (void)extra;
    (void)in;
    (void)out;
    *flag = 0;   /* a duplicate starts its own count */
    return MPI_SUCCESS;
}

static int next_tag(MPI_Comm comm)
{
    /* the count is the attribute's value itself (no allocation that could
     * fail on one rank alone and leave the ranks with different tags) */
    if (keyval == MPI_KEYVAL_INVALID)
        MPI_Comm_create_keyval(copy_count, MPI_COMM_NULL_DELETE_FN, &keyval, NULL);
    void *v = NULL;
    int found = 0;
    MPI_Comm_get_attr(comm, keyval, &v, &found);
    uintptr_t count = found ? (uintptr_t)v : 0;
    MPI_Comm_set_attr(comm, keyval, (void *)(count + 1));
    return TAG_BASE + (int)(count % TAG_SPAN);
}

static void post(pario_notice *n)
{
    MPI_Irecv(&n->rkey, 1, MPI_INT, MPI_ANY_SOURCE, n->tag, n->comm, &n->recv);
}

int pario_notice_open(pario_notice *n, MPI_Comm comm, int nkeys)
{
    memset(n, 0, sizeof *n);
    n->comm = comm;
    n->recv = MPI_REQUEST_NULL;
    n->nkeys = nkeys > 0 ? nkeys : 1;
    n->noticed = &n->one;
    MPI_Comm_size(comm, &n->nranks);
    MPI_Comm_rank(comm, &n->rank);
    if (n->nranks < 2) {   /* nothing to tell: one key, never noticed */
        n->nkeys = 1;
        return 1;
    }
    n->tag = next_tag(comm);   /* (taken before anything can fail: the ranks' tags stay alike) */
    if (n->nkeys > 1 && !(n->noticed = calloc((size_t)n->nkeys, 1))) {
        n->noticed = &n->one;
        return 0;
    }
    n->open = 1;
    post(n);
    return 1;
}

int pario_notice_noticed(const pario_notice *n, int key)
{
    /* (not open: one rank, or closed; noticed is then the one byte) */
    return n->open && key >= 0 && key < n->nkeys && n->noticed[key];
}

/* The posted receive matched: note its key, and post the next (repost). */
static void took(pario_notice *n, int repost)
{
    if (n->rkey >= 0 && n->rkey < n->nkeys)
        n->noticed[n->rkey] = 1;
    n->nrecv++;
    if (repost)
        post(n);
}

int pario_notice_seen(pario_notice *n, int key, uint64_t bytes)
{
    if (!n->open || pario_notice_noticed(n, key))
        return pario_notice_noticed(n, key);
    n->since += bytes;
    if (n->since < PARIO_NOTICE_BYTES)
        return 0;
    n->since = 0;
    for (;;) {
        int flag = 0;
        MPI_Test(&n->recv, &flag, MPI_STATUS_IGNORE);
        if (!flag)
            break;
        took(n, 1);
    }
    return pario_notice_noticed(n, key);
}

void pario_notice_send(pario_notice *n, int key)
{
    if (!n->open || key < 0 || key >= n->nkeys || n->noticed[key])
        return;
    for (int i = 0; i < n->nsent; i++)
        if (n->skeys[i] == key)
            return;
    if (!n->skeys && !(n->skeys = malloc(sizeof *n->skeys * (size_t)n->nkeys)))
        return;
    if (n->nsent == n->ncap) {
        int cap = n->ncap ? 2 * n->ncap : 1;
        if (cap > n->nkeys)
            cap = n->nkeys;
        MPI_Request *r = realloc(n->sends, sizeof *r * (size_t)cap * (size_t)(n->nranks - 1));
        if (!r)
            return;
        n->sends = r;
        n->ncap = cap;
    }
    n->skeys[n->nsent] = key;
    MPI_Request *rq = n->sends + (size_t)n->nsent * (size_t)(n->nranks - 1);
    for (int q = 0, k = 0; q < n->nranks; q++)
        if (q != n->rank)
            MPI_Isend(&n->skeys[n->nsent], 1, MPI_INT, q, n->tag, n->comm, &rq[k++]);
    n->nsent++;
}

static void release(pario_notice *n)
{
    free(n->sends);
    free(n->skeys);
    if (n->noticed != &n->one)
        free(n->noticed);
    n->sends = NULL;
    n->skeys = NULL;
    n->noticed = &n->one;
    n->nsent = n->ncap = n->open = 0;
}

void pario_notice_close(pario_notice *n, int failed)
{
    if (!n->open)
        return;
    int total = 0;
    if (failed)
        MPI_Allreduce(&n->nsent, &total, 1, MPI_INT, MPI_SUM, n->comm);
    int want = total - n->nsent - n->nrecv;   /* one from each other rank per key it sent */
    if (want > 0) {
        MPI_Wait(&n->recv, MPI_STATUS_IGNORE);
        took(n, 0);
        want--;
    } else {   /* none is on its way: no match can race the cancel */
        MPI_Cancel(&n->recv);
        MPI_Wait(&n->recv, MPI_STATUS_IGNORE);
    }
    for (; want > 0; want--) {
        MPI_Recv(&n->rkey, 1, MPI_INT, MPI_ANY_SOURCE, n->tag, n->comm, MPI_STATUS_IGNORE);
        took(n, 0);
    }
    for (size_t i = 0; i < (size_t)n->nsent * (size_t)(n->nranks - 1); i++)   /* (MPICH's MPI_STATUSES_IGNORE draws GCC's -Wstringop-overflow) */
        MPI_Wait(&n->sends[i], MPI_STATUS_IGNORE);
    release(n);
}

void pario_notice_abandon(pario_notice *n)
{
    if (!n->open)
        return;
    MPI_Cancel(&n->recv);
    MPI_Wait(&n->recv, MPI_STATUS_IGNORE);
    for (size_t i = 0; i < (size_t)n->nsent * (size_t)(n->nranks - 1); i++)
        MPI_Request_free(&n->sends[i]);
    release(n);
}
