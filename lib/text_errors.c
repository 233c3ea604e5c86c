/* Per-file failures of the text tools: ranks work through many files without a
 * collective per file, so failures are collected once at the end: the lowest
 * failing rank per file (one MPI_Allreduce), then that rank's message sent to
 * rank 0 (point to point, only for the files that failed). */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "pario/text.h"
#include "notice.h"

enum { ERRORS_TAG = 4318 };

int pario_file_errors_init(pario_file_errors *e, int n, MPI_Comm comm)
{
    memset(e, 0, sizeof *e);
    e->n = n;
    e->comm = comm;
    e->recv = MPI_REQUEST_NULL;
    MPI_Comm_size(comm, &e->nranks);
    e->first = malloc(sizeof *e->first * (size_t)(n ? n : 1));
    e->mine = calloc((size_t)(n ? n : 1), sizeof *e->mine);
    e->noticed = calloc((size_t)(n ? n : 1), 1);
    e->sfiles = malloc(sizeof *e->sfiles * (size_t)(n ? n : 1));   /* a rank fails a file once */
    if (!e->first || !e->mine || !e->noticed || !e->sfiles)
        return 0;
    if (e->nranks > 1) {
        e->tag = pario_notice_tag(comm);
        MPI_Irecv(&e->rfile, 1, MPI_INT, MPI_ANY_SOURCE, e->tag, comm, &e->recv);
    }
    return 1;
}

/* Tell the other ranks that this rank failed file (once per file). Without
 * room for the requests, no notice: they read the file to its end, as they
 * would without notices. */
static void tell(pario_file_errors *e, int file)
{
    if (e->nranks < 2)
        return;
    if (e->nsent == e->ncap) {   /* (request handles move with realloc; the buffers, sfiles, do not) */
        int cap = e->ncap ? 2 * e->ncap : 4;
        MPI_Request *r = realloc(e->sends, sizeof *r * (size_t)cap * (size_t)(e->nranks - 1));
        if (!r)
            return;
        e->sends = r;
        e->ncap = cap;
    }
    int rank;
    MPI_Comm_rank(e->comm, &rank);
    e->sfiles[e->nsent] = file;
    MPI_Request *rq = e->sends + (size_t)e->nsent * (size_t)(e->nranks - 1);
    for (int q = 0, k = 0; q < e->nranks; q++)
        if (q != rank)
            MPI_Isend(&e->sfiles[e->nsent], 1, MPI_INT, q, e->tag, e->comm, &rq[k++]);
    e->nsent++;
}

void pario_file_errors_set(pario_file_errors *e, int file, const pario_status *st)
{
    if (pario_failed(st) && !pario_failed(&e->mine[file])) {
        e->mine[file] = *st;
        if (!e->noticed[file])   /* (the others know already; its notice is theirs) */
            tell(e, file);
    }
}

/* The posted receive matched: note its file and post the next. */
static void took(pario_file_errors *e, int repost)
{
    if (e->rfile >= 0 && e->rfile < e->n)
        e->noticed[e->rfile] = 1;
    e->nrecv++;
    if (repost)
        MPI_Irecv(&e->rfile, 1, MPI_INT, MPI_ANY_SOURCE, e->tag, e->comm, &e->recv);
}

int pario_file_errors_stop(pario_file_errors *e, int file, uint64_t bytes)
{
    if (e->noticed[file] || e->recv == MPI_REQUEST_NULL)
        return e->noticed[file];
    e->since += bytes;
    if (e->since < PARIO_NOTICE_BYTES)
        return 0;
    e->since = 0;
    for (;;) {
        int flag = 0;
        MPI_Test(&e->recv, &flag, MPI_STATUS_IGNORE);
        if (!flag)
            break;
        took(e, 1);
    }
    return e->noticed[file];
}

/* Collective, once every file is done: take every notice meant for this rank,
 * so that none is left to match a later receive. The notices sent: counted
 * only when a file failed somewhere (failed > 0 on every rank alike). */
static void drain(pario_file_errors *e, int failed)
{
    if (e->nranks < 2)
        return;
    int total = 0;
    if (failed)
        MPI_Allreduce(&e->nsent, &total, 1, MPI_INT, MPI_SUM, e->comm);
    int want = total - e->nsent - e->nrecv;   /* one from each other rank per file it failed */
    if (e->recv != MPI_REQUEST_NULL) {
        if (want > 0) {
            MPI_Wait(&e->recv, MPI_STATUS_IGNORE);
            took(e, 0);
            want--;
        } else {   /* none is on its way: no match can race the cancel */
            MPI_Cancel(&e->recv);
            MPI_Wait(&e->recv, MPI_STATUS_IGNORE);
        }
    }
    for (; want > 0; want--) {
        MPI_Recv(&e->rfile, 1, MPI_INT, MPI_ANY_SOURCE, e->tag, e->comm, MPI_STATUS_IGNORE);
        took(e, 0);
    }
    for (size_t i = 0; i < (size_t)e->nsent * (size_t)(e->nranks - 1); i++)
        MPI_Wait(&e->sends[i], MPI_STATUS_IGNORE);
    e->nsent = 0;
}

int pario_file_errors_gather(pario_file_errors *e, pario_status *msgs, MPI_Comm comm)
{
    int rank, nranks;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &nranks);
    int *mine = malloc(sizeof *mine * (size_t)(e->n ? e->n : 1));
    if (!mine)
        MPI_Abort(comm, 1);
    for (int i = 0; i < e->n; i++)
        mine[i] = pario_failed(&e->mine[i]) ? rank : nranks;
    MPI_Allreduce(mine, e->first, e->n, MPI_INT, MPI_MIN, comm);
    free(mine);
    int failed = 0;
    for (int i = 0; i < e->n; i++)
        failed += e->first[i] != nranks;
    drain(e, failed);
    failed = 0;
    for (int i = 0; i < e->n; i++) {
        if (e->first[i] == nranks) {
            if (rank == 0)
                msgs[i] = pario_ok();
            continue;
        }
        failed++;
        if (rank == 0 && e->first[i] == 0) {
            msgs[i] = e->mine[i];
        } else if (rank == 0) {
            struct { int code, local; char msg[PARIO_MSG_MAX]; } wire;
            MPI_Recv(&wire, (int)sizeof wire, MPI_BYTE, e->first[i], ERRORS_TAG, comm, MPI_STATUS_IGNORE);
            msgs[i] = pario_error(wire.code, "%s", wire.msg);
            msgs[i].local = wire.local;
        } else if (e->first[i] == rank) {
            struct { int code, local; char msg[PARIO_MSG_MAX]; } wire;
            wire.code = e->mine[i].code;
            wire.local = e->mine[i].local;
            memcpy(wire.msg, e->mine[i].msg, sizeof wire.msg);
            MPI_Send(&wire, (int)sizeof wire, MPI_BYTE, 0, ERRORS_TAG, comm);
        }
        if (rank == 0) {
            msgs[i].rank = e->first[i];
            /* a rank's own failure (I/O, memory) names the rank, as pario_report does */
            size_t len = strlen(msgs[i].msg);
            if (msgs[i].local && len + 16 < sizeof msgs[i].msg)
                snprintf(msgs[i].msg + len, sizeof msgs[i].msg - len, " (rank %d)", e->first[i]);
        }
    }
    return failed;
}

void pario_file_errors_free(pario_file_errors *e)
{
    if (e->recv != MPI_REQUEST_NULL) {   /* (not gathered: left before the end) */
        MPI_Cancel(&e->recv);
        MPI_Wait(&e->recv, MPI_STATUS_IGNORE);
    }
    for (size_t i = 0; i < (size_t)e->nsent * (size_t)(e->nranks - 1); i++)
        MPI_Request_free(&e->sends[i]);
    free(e->sends);
    free(e->sfiles);
    free(e->noticed);
    free(e->first);
    free(e->mine);
    memset(e, 0, sizeof *e);
}
