/* Lines of output reaching rank 0 in rank order with bounded memory (see
 * pario/text.h): synchronous sends, at most two pieces in flight per rank. */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "pario/text.h"

enum { ORDERED_TAG = 4317 };

void pario_ordered_open(pario_ordered *o, FILE *out, size_t piece, uint64_t max_lines, MPI_Comm comm)
{
    memset(o, 0, sizeof *o);
    MPI_Comm_dup(comm, &o->comm);
    MPI_Comm_rank(o->comm, &o->rank);
    MPI_Comm_size(o->comm, &o->nranks);
    o->out = out;
    o->cap = piece ? piece : 4096;
    o->max_lines = max_lines;
    o->req[0] = o->req[1] = MPI_REQUEST_NULL;
    if (o->rank != 0) {
        o->buf[0] = malloc(o->cap);
        o->buf[1] = malloc(o->cap);
        if (!o->buf[0] || !o->buf[1])
            MPI_Abort(comm, 1); /* a few chunk-sized buffers: nothing sensible to do without them */
    }
}

/* Rank 0: write up to the line cap. */
static void write_capped(pario_ordered *o, const char *p, size_t n)
{
    if (o->max_lines == UINT64_MAX) {
        fwrite(p, 1, n, o->out);
        return;
    }
    size_t k = 0;
    while (k < n && o->lines < o->max_lines) {
        const char *q = memchr(p + k, '\n', n - k);
        size_t e = q ? (size_t)(q - p) + 1 : n;
        if (q)
            o->lines++;
        k = e;
    }
    fwrite(p, 1, k, o->out);
}

static void send_piece(pario_ordered *o)
{
    MPI_Issend(o->buf[o->cur], (int)o->len, MPI_BYTE, 0, ORDERED_TAG, o->comm, &o->req[o->cur]);
    o->cur ^= 1;
    MPI_Wait(&o->req[o->cur], MPI_STATUS_IGNORE);
    o->len = 0;
}

void pario_ordered_put(pario_ordered *o, const void *p, size_t n)
{
    if (o->rank == 0) {
        write_capped(o, p, n);
        return;
    }
    const char *s = p;
    while (n > 0) {
        size_t m = o->cap - o->len < n ? o->cap - o->len : n;
        memcpy(o->buf[o->cur] + o->len, s, m);
        o->len += m;
        s += m;
        n -= m;
        if (o->len == o->cap)
            send_piece(o);
    }
}

pario_status pario_ordered_close(pario_ordered *o)
{
    pario_status st = pario_ok();
    if (o->rank != 0) {
        if (o->len)
            send_piece(o);
        /* an empty message ends this rank's output */
        MPI_Ssend(NULL, 0, MPI_BYTE, 0, ORDERED_TAG, o->comm);
        MPI_Wait(&o->req[0], MPI_STATUS_IGNORE);
        MPI_Wait(&o->req[1], MPI_STATUS_IGNORE);
        free(o->buf[0]);
        free(o->buf[1]);
    } else {
        char *buf = malloc(o->cap);
        if (!buf)
            MPI_Abort(o->comm, 1);
        for (int r = 1; r < o->nranks; r++) {
            for (;;) {
                MPI_Status s;
                MPI_Recv(buf, (int)o->cap, MPI_BYTE, r, ORDERED_TAG, o->comm, &s);
                int got = 0;
                MPI_Get_count(&s, MPI_BYTE, &got);
                if (got == 0)
                    break;
                write_capped(o, buf, (size_t)got);
            }
        }
        free(buf);
        if (fflush(o->out) != 0 || ferror(o->out))
            st = pario_error(PARIO_ERR_RUNTIME, "standard output: write error: %s", strerror(errno));
    }
    MPI_Comm_free(&o->comm);
    return st;
}
