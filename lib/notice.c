/* A failure notice among ranks that work on their own (notice.h). */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include "notice.h"

/* The notices of one piece of work carry their own tag, so that a notice can
 * never match the receive of another piece (two readers open at once on the
 * same communicator): the count of notices opened on the communicator, kept
 * as its attribute, alike on every rank because every rank opens them in the
 * same order (collectively). */
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

int pario_notice_tag(MPI_Comm comm)
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

void pario_notice_open(pario_notice *n, MPI_Comm comm)
{
    int size = 1;
    n->comm = comm;
    n->recv = MPI_REQUEST_NULL;
    n->sends = NULL;
    n->nsends = 0;
    n->got = 0;
    n->sent = 0;
    n->tag = 0;
    n->since = 0;
    n->open = n->active = 0;
    MPI_Comm_size(comm, &size);
    if (size < 2)
        return;
    n->open = n->active = 1;
    n->tag = pario_notice_tag(comm);
    MPI_Irecv(&n->rbuf, 1, MPI_CHAR, MPI_ANY_SOURCE, n->tag, comm, &n->recv);
}

int pario_notice_seen(pario_notice *n, uint64_t bytes)
{
    if (!n->active || n->got)
        return n->got;
    n->since += bytes;
    if (n->since < PARIO_NOTICE_BYTES)
        return 0;
    n->since = 0;
    int flag = 0;
    MPI_Test(&n->recv, &flag, MPI_STATUS_IGNORE);
    n->got = flag;
    return flag;
}

void pario_notice_send(pario_notice *n)
{
    if (!n->active || n->sent)
        return;
    n->sent = 1;
    int size = 1, rank = 0;
    MPI_Comm_size(n->comm, &size);
    MPI_Comm_rank(n->comm, &rank);
    n->sends = malloc((size_t)(size - 1) * sizeof *n->sends);
    if (!n->sends) {   /* no notice: the others work on to the agreement */
        n->sent = 0;
        n->active = 0;   /* (and none is tried again) */
        n->nsends = 0;
        return;
    }
    n->sbuf = 1;
    for (int q = 0; q < size; q++)
        if (q != rank)
            MPI_Isend(&n->sbuf, 1, MPI_CHAR, q, n->tag, n->comm, &n->sends[n->nsends++]);
}

void pario_notice_close(pario_notice *n, int failed)
{
    if (!n->open)
        return;
    int nsent = 0;
    if (failed)
        MPI_Allreduce(&n->sent, &nsent, 1, MPI_INT, MPI_SUM, n->comm);
    int want = nsent - n->sent;   /* the notices meant for this rank */
    if (n->got) {
        want--;
    } else if (n->recv != MPI_REQUEST_NULL) {
        if (want > 0) {
            MPI_Wait(&n->recv, MPI_STATUS_IGNORE);
            want--;
        } else {   /* none was sent: no match can race the cancel */
            MPI_Cancel(&n->recv);
            MPI_Wait(&n->recv, MPI_STATUS_IGNORE);
        }
    }
    for (; want > 0; want--)
        MPI_Recv(&n->rbuf, 1, MPI_CHAR, MPI_ANY_SOURCE, n->tag, n->comm, MPI_STATUS_IGNORE);
    for (int i = 0; i < n->nsends; i++)   /* (MPICH's MPI_STATUSES_IGNORE draws GCC's -Wstringop-overflow) */
        MPI_Wait(&n->sends[i], MPI_STATUS_IGNORE);
    free(n->sends);
    n->sends = NULL;
    n->nsends = 0;
    n->sent = n->got = n->active = n->open = 0;
}

void pario_notice_abandon(pario_notice *n)
{
    if (!n->open)
        return;
    if (n->recv != MPI_REQUEST_NULL) {
        MPI_Cancel(&n->recv);
        MPI_Wait(&n->recv, MPI_STATUS_IGNORE);
    }
    for (int i = 0; i < n->nsends; i++)
        MPI_Request_free(&n->sends[i]);
    free(n->sends);
    n->sends = NULL;
    n->nsends = 0;
    n->sent = n->got = n->active = n->open = 0;
}
