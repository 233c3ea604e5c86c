/* Internal: a failure notice among ranks that work on their own until one
 * closing agreement (pario_agree). Without it, a rank that fails at its
 * first chunk waits in that agreement while the others read their whole
 * parts: a failing run takes as long as a full one.
 *
 * Each rank posts one receive when the work starts (pario_notice_open: no
 * collective). A rank that fails sends a notice to every other rank before
 * it joins the agreement (pario_notice_send); the others look for one between
 * chunks (pario_notice_seen: a test of the posted receive, made once per
 * PARIO_NOTICE_BYTES of work) and, when it came, stop and join the agreement
 * too, with no error of their own: the failed rank's message is the one
 * agreed. After the agreement every rank drains (pario_notice_close): on
 * success the receive is cancelled; on failure the ranks count the notices
 * sent (one allreduce, on that path only) and each takes all that were meant
 * for it, so no notice is left to match a later one. */
#ifndef PARIO_NOTICE_H
#define PARIO_NOTICE_H

#include <mpi.h>
#include <stdint.h>

/* Look for a notice at most once per this much work. */
#define PARIO_NOTICE_BYTES (256u * 1024u)

typedef struct pario_notice {
    MPI_Comm comm;
    MPI_Request recv;        /* the posted receive, or MPI_REQUEST_NULL */
    MPI_Request *sends;      /* this rank's notices (P - 1), or NULL */
    int nsends;
    int sent;                /* this rank failed and sent its notices */
    int got;                 /* the posted receive has matched a notice */
    int open;                /* opened on more than one rank, not yet closed (a zeroed struct: 0) */
    int active;              /* notices can still be sent and looked for */
    int tag;                 /* this piece of work's (notice.c) */
    uint64_t since;          /* work since the last look */
    char rbuf, sbuf;
} pario_notice;

/* A tag of its own for the notices of one piece of work on comm: every rank
 * of comm must ask in the same order (collectively). */
int pario_notice_tag(MPI_Comm comm);
/* Post the receive (comm of more than one rank; otherwise nothing to do). */
void pario_notice_open(pario_notice *n, MPI_Comm comm);
/* After `bytes` more work: 1 if another rank failed (looks once per PARIO_NOTICE_BYTES). */
int pario_notice_seen(pario_notice *n, uint64_t bytes);
/* This rank failed: tell the others (once). */
void pario_notice_send(pario_notice *n);
/* After the closing agreement, on every rank: failed is its outcome. */
void pario_notice_close(pario_notice *n, int failed);
/* A notice that can no longer be closed collectively: the receive cancelled,
 * the sends left to complete on their own. */
void pario_notice_abandon(pario_notice *n);

#endif
