/* Exact allreduce of float accumulators: every rank ends with the same rounded
 * sums, whichever algorithm moved them.
 *   mpi:  MPI_Allreduce of the accumulators with a user MPI_Op that merges them
 *         exactly, then each rank rounds all n sums;
 *   ring: Horovod's algorithm. The n accumulators are cut into P segments; in
 *         P-1 steps of a send-receive pair each rank passes a segment to its right
 *         neighbour and merges the one from its left (reduce-scatter), after
 *         which rank r holds segment (r+1) mod P summed over every rank; it rounds
 *         that segment once, and P-1 more steps pass the rounded segments round
 *         the ring until everyone has all n (allgather).
 * The merge is exact, so both give the sums of math.fsum, bit for bit. */
#include "config.h"
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include "pario/train.h"
#include "pario/view.h"
#include "train_internal.h"
#include "xsum_mpi.h"

pario_status pario_allreduce_parse(const char *text, pario_allreduce_kind *k)
{
    if (!strcmp(text, "mpi"))
        *k = PARIO_ALLREDUCE_MPI;
    else if (!strcmp(text, "ring"))
        *k = PARIO_ALLREDUCE_RING;
    else if (!strcmp(text, "shm"))
        *k = PARIO_ALLREDUCE_SHM;
    else if (!strcmp(text, "auto"))
        *k = PARIO_ALLREDUCE_AUTO;
    else
        return pario_error(PARIO_ERR_USAGE, "--allreduce: '%s' is not auto, shm, mpi or ring", text);
    return pario_ok();
}

const char *pario_allreduce_name(pario_allreduce_kind k)
{
    return k == PARIO_ALLREDUCE_RING ? "ring" : k == PARIO_ALLREDUCE_SHM ? "shm" : k == PARIO_ALLREDUCE_AUTO ? "auto" : "mpi";
}

/* MPI_Sendrecv, waiting as wait_yielding does. */
static int sendrecv_yielding(const void *sb, int sc, MPI_Datatype st, int dst, void *rb, int rc, MPI_Datatype rt,
                             int src, int tag, MPI_Comm comm)
{
    MPI_Request rq[2];
    int err = MPI_Irecv(rb, rc, rt, src, tag, comm, &rq[0]);
    if (err != MPI_SUCCESS)
        return err;
    err = MPI_Isend(sb, sc, st, dst, tag, comm, &rq[1]);
    if (err != MPI_SUCCESS) {
        MPI_Cancel(&rq[0]);
        MPI_Request_free(&rq[0]);
        return err;
    }
    int done = 0;
    MPI_Status ms[2];
    while (!done && err == MPI_SUCCESS) {
        err = MPI_Testall(2, rq, &done, ms);
        if (!done)
            sched_yield();
    }
    return err;
}

/* At most this many accumulators per MPI call (counts stay far below INT_MAX). */
#define PIECE 4096

static pario_status allreduce_mpi(pario_xsum *acc, double *out, uint64_t n, const pario_xsum_mpi *x, MPI_Comm comm)
{
    int err = MPI_SUCCESS;
    for (uint64_t s = 0; s < n && err == MPI_SUCCESS; s += PIECE) {
        int c = (int)(n - s < PIECE ? n - s : PIECE);
        MPI_Request rq;
        err = MPI_Iallreduce(MPI_IN_PLACE, acc + s, c, x->type, x->op, comm, &rq);
        err = err == MPI_SUCCESS ? pario_wait_yielding(&rq) : err;
    }
    if (err != MPI_SUCCESS)
        return pario_mpi_error(err, "MPI_Allreduce of the gradients", NULL);
    for (uint64_t i = 0; i < n; i++)
        out[i] = pario_xsum_round(&acc[i]);
    return pario_ok();
}

static pario_status allreduce_ring(pario_xsum *acc, double *out, uint64_t n, MPI_Datatype t, MPI_Comm comm)
{
    int rank, p;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &p);
    int right = (rank + 1) % p, left = (rank + p - 1) % p;
    uint64_t maxlen = n / (uint64_t)p + 1, start, len, rstart, rlen;
    pario_xsum *buf = malloc(sizeof *buf * (maxlen < PIECE ? maxlen : PIECE));
    if (!buf)
        return pario_error(PARIO_ERR_RUNTIME, "out of memory for the ring allreduce");
    int err = MPI_SUCCESS;
    /* reduce-scatter: at step s send segment (rank - s), receive and merge (rank - s - 1) */
    for (int s = 0; s < p - 1 && err == MPI_SUCCESS; s++) {
        pario_split(n, p, (rank - s + p) % p, &start, &len);
        pario_split(n, p, (rank - s - 1 + 2 * p) % p, &rstart, &rlen);
        /* pieces: both sides agree on the piece count (segments differ by at most one) */
        uint64_t pieces = (maxlen + PIECE - 1) / PIECE;
        for (uint64_t k = 0; k < pieces && err == MPI_SUCCESS; k++) {
            uint64_t so = k * PIECE, ro = k * PIECE;
            int sc = so < len ? (int)(len - so < PIECE ? len - so : PIECE) : 0;
            int rc = ro < rlen ? (int)(rlen - ro < PIECE ? rlen - ro : PIECE) : 0;
            err = sendrecv_yielding(acc + start + (sc ? so : 0), sc, t, right, buf, rc, t, left, 71, comm);
            for (int i = 0; i < rc; i++)
                pario_xsum_merge(&acc[rstart + ro + (uint64_t)i], &buf[i]);
        }
    }
    free(buf);
    /* rank owns segment (rank + 1): round it once */
    pario_split(n, p, (rank + 1) % p, &start, &len);
    for (uint64_t i = 0; i < len; i++)
        out[start + i] = pario_xsum_round(&acc[start + i]);
    /* allgather: at step s send segment (rank + 1 - s), receive (rank - s) */
    for (int s = 0; s < p - 1 && err == MPI_SUCCESS; s++) {
        pario_split(n, p, (rank + 1 - s + p) % p, &start, &len);
        pario_split(n, p, (rank - s + p) % p, &rstart, &rlen);
        uint64_t pieces = (maxlen + PIECE - 1) / PIECE;
        for (uint64_t k = 0; k < pieces && err == MPI_SUCCESS; k++) {
            uint64_t o = k * PIECE;
            int sc = o < len ? (int)(len - o < PIECE ? len - o : PIECE) : 0;
            int rc = o < rlen ? (int)(rlen - o < PIECE ? rlen - o : PIECE) : 0;
            err = sendrecv_yielding(out + start + (sc ? o : 0), sc, MPI_DOUBLE, right, out + rstart + (rc ? o : 0),
                                    rc, MPI_DOUBLE, left, 72, comm);
        }
    }
    if (err != MPI_SUCCESS)
        return pario_mpi_error(err, "MPI_Sendrecv of the ring allreduce", NULL);
    return pario_ok();
}

pario_status pario_xsum_allreduce(pario_xsum *acc, double *out, uint64_t n, pario_allreduce_kind kind,
                                  MPI_Comm comm)
{
    pario_xsum_mpi x;
    pario_xsum_mpi_init(&x);
    pario_status st = kind == PARIO_ALLREDUCE_RING ? allreduce_ring(acc, out, n, x.type, comm)
                                                   : allreduce_mpi(acc, out, n, &x, comm);
    pario_xsum_mpi_free(&x);
    return st;
}
