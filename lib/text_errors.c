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

/* the place of file in f->v: its entry, or where it would go */
static int failure_at(const pario_file_failures *f, int file)
{
    int lo = 0, hi = f->n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (f->v[mid].file < file)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int pario_file_failures_get(const pario_file_failures *f, int file, pario_status *st)
{
    int i = failure_at(f, file);
    if (i >= f->n || f->v[i].file != file)
        return 0;
    if (st) {
        *st = pario_error(f->v[i].code, "%s", f->v[i].msg);
        st->rank = f->v[i].rank;
        st->local = f->v[i].local;
    }
    return 1;
}

int pario_file_failures_set(pario_file_failures *f, int file, const pario_status *st)
{
    int i = failure_at(f, file), have = i < f->n && f->v[i].file == file;
    if (!pario_failed(st)) {
        if (have) {
            free(f->v[i].msg);
            memmove(&f->v[i], &f->v[i + 1], (size_t)(f->n-- - i - 1) * sizeof *f->v);
        }
        return 1;
    }
    char *msg = strdup(st->msg);
    if (!msg)
        return 0;
    if (!have) {
        if (f->n == f->cap) {
            int cap = f->cap ? 2 * f->cap : 8;
            void *v = realloc(f->v, (size_t)cap * sizeof *f->v);
            if (!v) {
                free(msg);
                return 0;
            }
            f->v = v;
            f->cap = cap;
        }
        memmove(&f->v[i + 1], &f->v[i], (size_t)(f->n++ - i) * sizeof *f->v);   /* (files mostly come in order: none) */
    } else {
        free(f->v[i].msg);
    }
    f->v[i] = (struct pario_file_failure){ file, st->code, st->rank, st->local, msg };
    return 1;
}

void pario_file_failures_cut(pario_file_failures *f, int file)
{
    int keep = failure_at(f, file + 1);
    for (int i = keep; i < f->n; i++)
        free(f->v[i].msg);
    f->n = keep;
}

void pario_file_failures_free(pario_file_failures *f)
{
    for (int i = 0; i < f->n; i++)
        free(f->v[i].msg);
    free(f->v);
    memset(f, 0, sizeof *f);
}

int pario_file_errors_init(pario_file_errors *e, int n, MPI_Comm comm)
{
    memset(e, 0, sizeof *e);
    e->n = n;
    e->first = malloc(sizeof *e->first * (size_t)(n ? n : 1));
    int ok = pario_notice_open(&e->notice, comm, n);   /* (opened whatever else failed: the tags stay alike) */
    return ok && e->first;
}

void pario_file_errors_set(pario_file_errors *e, int file, const pario_status *st)
{
    if (pario_failed(st) && !pario_file_failures_get(&e->mine, file, NULL)) {
        if (!pario_file_failures_set(&e->mine, file, st))
            MPI_Abort(MPI_COMM_WORLD, 1);   /* (as for the per-file arrays: a message's bytes more) */
        pario_notice_send(&e->notice, file);   /* (not when its notice came: the others know already) */
    }
}

int pario_file_errors_failed(const pario_file_errors *e, int file)
{
    return pario_file_failures_get(&e->mine, file, NULL);
}

int pario_file_errors_noticed(const pario_file_errors *e, int file)
{
    return pario_notice_noticed(&e->notice, file);
}

int pario_file_errors_stop(pario_file_errors *e, int file, uint64_t bytes)
{
    return pario_notice_seen(&e->notice, file, bytes);
}

int pario_file_errors_gather(pario_file_errors *e, pario_file_failures *out, MPI_Comm comm)
{
    int rank, nranks;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &nranks);
    int *mine = malloc(sizeof *mine * (size_t)(e->n ? e->n : 1));
    if (!mine)
        MPI_Abort(comm, 1);
    for (int i = 0; i < e->n; i++)
        mine[i] = nranks;
    for (int k = 0; k < e->mine.n; k++)
        mine[e->mine.v[k].file] = rank;
    MPI_Allreduce(mine, e->first, e->n, MPI_INT, MPI_MIN, comm);
    free(mine);
    int failed = 0;
    for (int i = 0; i < e->n; i++)
        failed += e->first[i] != nranks;
    pario_notice_close(&e->notice, failed);   /* (every notice taken, so none matches a later receive) */
    for (int i = 0; i < e->n; i++) {
        if (e->first[i] == nranks)
            continue;
        struct { int code, local; char msg[PARIO_MSG_MAX]; } wire;
        pario_status st;
        if (rank == 0 && e->first[i] == 0) {
            pario_file_failures_get(&e->mine, i, &st);
        } else if (rank == 0) {
            MPI_Recv(&wire, (int)sizeof wire, MPI_BYTE, e->first[i], ERRORS_TAG, comm, MPI_STATUS_IGNORE);
            st = pario_error(wire.code, "%s", wire.msg);
            st.local = wire.local;
        } else if (e->first[i] == rank) {
            pario_file_failures_get(&e->mine, i, &st);
            wire.code = st.code;
            wire.local = st.local;
            memcpy(wire.msg, st.msg, sizeof wire.msg);
            MPI_Send(&wire, (int)sizeof wire, MPI_BYTE, 0, ERRORS_TAG, comm);
        }
        if (rank == 0) {
            st.rank = e->first[i];
            /* a rank's own failure (I/O, memory) names the rank, as pario_report does */
            size_t len = strlen(st.msg);
            if (st.local && len + 16 < sizeof st.msg)
                snprintf(st.msg + len, sizeof st.msg - len, " (rank %d)", e->first[i]);
            if (!pario_file_failures_set(out, i, &st))
                MPI_Abort(comm, 1);
        }
    }
    return failed;
}

void pario_file_errors_free(pario_file_errors *e)
{
    pario_notice_abandon(&e->notice);   /* (closed when gathered, unless left before the end) */
    free(e->first);
    pario_file_failures_free(&e->mine);
    memset(e, 0, sizeof *e);
}
