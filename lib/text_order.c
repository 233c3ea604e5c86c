/* Lines of output reaching rank 0 in (file, rank) order with bounded memory (see
 * pario/text.h): synchronous sends, at most two pieces in flight per rank, a
 * one-byte end (tag ORDERED_END_TAG: whether the rank's output was cut)
 * closing each file. */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "pario/text.h"

enum { ORDERED_TAG = 4317, ORDERED_END_TAG = 4319 };

void pario_ordered_open(pario_ordered *o, FILE *out, size_t piece, uint64_t max_lines, MPI_Comm comm)
{
    memset(o, 0, sizeof *o);
    MPI_Comm_dup(comm, &o->comm);
    MPI_Comm_rank(o->comm, &o->rank);
    MPI_Comm_size(o->comm, &o->nranks);
    o->out = out;
    o->cap = piece > 4096 ? piece : 4096; /* tiny pieces would cost a rendezvous each */
    o->max_lines = max_lines;
    o->req[0] = o->req[1] = MPI_REQUEST_NULL;
    if (o->rank != 0) {
        o->buf[0] = malloc(o->cap);
        o->buf[1] = malloc(o->cap);
    } else {
        o->rbuf = malloc(o->cap);
    }
    if (o->rank != 0 ? !o->buf[0] || !o->buf[1] : !o->rbuf)
        MPI_Abort(comm, 1); /* two chunk-sized buffers: nothing sensible to do without them */
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
        if (q && ++o->nl >= (o->per_line ? o->per_line : 1)) {
            o->lines++;
            o->nl = 0;
        }
        k = q ? (size_t)(q - p) + 1 : n;
    }
    fwrite(p, 1, k, o->out);
}

void pario_ordered_newlines(pario_ordered *o, uint64_t k)
{
    o->per_line = k;
}

/* Send the current piece (or the end of a file), then make sure the other
 * buffer is free again. */
static void send_piece(pario_ordered *o, int tag)
{
    MPI_Issend(o->buf[o->cur], (int)o->len, MPI_BYTE, 0, tag, o->comm, &o->req[o->cur]);
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
            send_piece(o, ORDERED_TAG);
    }
}

void pario_ordered_end_file(pario_ordered *o, int cut)
{
    if (o->rank != 0) {
        if (o->len)
            send_piece(o, ORDERED_TAG);
        o->buf[o->cur][0] = (char)(cut != 0);
        o->len = 1;
        send_piece(o, ORDERED_END_TAG); /* this rank's output for the file ends */
        return;
    }
    o->muted = cut != 0;
    for (int r = 1; r < o->nranks; r++) {
        for (;;) {
            MPI_Status s;
            MPI_Recv(o->rbuf, (int)o->cap, MPI_BYTE, r, MPI_ANY_TAG, o->comm, &s);
            int got = 0;
            MPI_Get_count(&s, MPI_BYTE, &got);
            if (s.MPI_TAG == ORDERED_END_TAG) {
                o->muted |= got == 1 && o->rbuf[0];
                break;
            }
            if (!o->muted)
                write_capped(o, o->rbuf, (size_t)got);
        }
    }
    o->lines = 0;
    o->nl = 0;
    o->muted = 0;
}

pario_status pario_ordered_close(pario_ordered *o)
{
    pario_status st = pario_ok();
    if (o->rank != 0) {
        MPI_Wait(&o->req[0], MPI_STATUS_IGNORE);
        MPI_Wait(&o->req[1], MPI_STATUS_IGNORE);
        free(o->buf[0]);
        free(o->buf[1]);
    } else {
        free(o->rbuf);
        if (fflush(o->out) != 0 || ferror(o->out))
            st = pario_error(PARIO_ERR_RUNTIME, "standard output: write error: %s", strerror(errno));
    }
    MPI_Comm_free(&o->comm);
    return st;
}
