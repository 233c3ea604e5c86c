/* Per-file failures of the text tools: ranks work through many files without a
 * collective per file, so failures are collected once at the end: the lowest
 * failing rank per file (one MPI_Allreduce), then that rank's message sent to
 * rank 0 (point to point, only for the files that failed). */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "pario/text.h"
#include "text_errors.h"

enum { ERRORS_TAG = 4318 };

int pario_file_errors_init(pario_file_errors *e, int n, MPI_Comm comm)
{
    memset(e, 0, sizeof *e);
    e->n = n;
    e->first = malloc(sizeof *e->first * (size_t)(n ? n : 1));
    e->mine = calloc((size_t)(n ? n : 1), sizeof *e->mine);
    int ok = pario_notice_open(&e->notice, comm, n);   /* (opened whatever else failed: the tags stay alike) */
    return ok && e->first && e->mine;
}

void pario_file_errors_set(pario_file_errors *e, int file, const pario_status *st)
{
    if (pario_failed(st) && !pario_failed(&e->mine[file])) {
        e->mine[file] = *st;
        pario_notice_send(&e->notice, file);   /* (not when its notice came: the others know already) */
    }
}

int pario_file_errors_noticed(const pario_file_errors *e, int file)
{
    return pario_notice_noticed(&e->notice, file);
}

int pario_file_errors_stop(pario_file_errors *e, int file, uint64_t bytes)
{
    return pario_notice_seen(&e->notice, file, bytes);
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
    pario_notice_close(&e->notice, failed);   /* (every notice taken, so none matches a later receive) */
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
    pario_notice_abandon(&e->notice);   /* (closed when gathered, unless left before the end) */
    free(e->first);
    free(e->mine);
    memset(e, 0, sizeof *e);
}
