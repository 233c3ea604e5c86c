/* Internal: failure notices among ranks that work on their own until one
 * closing agreement (pario_agree). Without them, a rank that fails at its
 * first chunk waits in that agreement while the others read their whole
 * parts: a failing run takes as long as a full one.
 *
 * A notice names a key: the piece that failed. A dataset reader has one key
 * (0); the text tools have one per file, and a rank that failed one file goes
 * on to the next.
 *
 * Each rank posts one receive when the work starts (pario_notice_open: no
 * collective). A rank that fails a key sends a notice naming it to every other
 * rank (pario_notice_send); the others look for notices between chunks
 * (pario_notice_seen: a test of the posted receive, made once per
 * PARIO_NOTICE_BYTES of work, that takes every notice come and posts the
 * receive again) and, when their key's came, stop it with no error of their
 * own: the failed rank's message is the one agreed. After the agreement every
 * rank drains (pario_notice_close): on success the receive is cancelled; on
 * failure the ranks count the notices sent (one allreduce, on that path only)
 * and each takes all that were meant for it, so no notice is left to match a
 * later receive. Each piece of work has its own tag as well. */
#ifndef PARIO_NOTICE_H
#define PARIO_NOTICE_H

#include <mpi.h>
#include <stdint.h>

/* Look for a notice at most once per this much work. */
#define PARIO_NOTICE_BYTES (256u * 1024u)

typedef struct pario_notice {
    MPI_Comm comm;
    int nranks, rank, nkeys;
    int open;                /* opened on more than one rank, not yet closed (a zeroed struct: 0) */
    int tag;                 /* this piece of work's (notice.c) */
    MPI_Request recv;        /* the posted receive, or MPI_REQUEST_NULL */
    int rkey;                /* its buffer: the key a notice names */
    int nrecv;               /* notices taken */
    unsigned char *noticed;  /* per key: a notice came (another rank failed it) */
    unsigned char one;       /* noticed's room when there is one key */
    int *skeys;              /* the keys this rank sent notices for: the sends' buffers (nkeys, never moved) */
    MPI_Request *sends;      /* nranks - 1 per key sent (moved by realloc: handles may move) */
    int nsent, ncap;         /* keys sent; room for */
    uint64_t since;          /* work since the last look */
} pario_notice;

/* Post the receive, for keys 0 .. nkeys - 1. Every rank of comm opens its
 * notices in the same order (collectively, but with no communication). 0: out
 * of memory for the keys (only with more than one key; nothing to close). */
int pario_notice_open(pario_notice *n, MPI_Comm comm, int nkeys);
/* A notice for key has come (no look). */
int pario_notice_noticed(const pario_notice *n, int key);
/* After `bytes` more work on key: 1 if another rank failed it (looks once
 * per PARIO_NOTICE_BYTES). */
int pario_notice_seen(pario_notice *n, int key, uint64_t bytes);
/* This rank failed key: tell the others (once a key; not when a notice for
 * it came: they know already). Without memory for the requests, no notice:
 * the others work on to the agreement, as they would without notices. */
void pario_notice_send(pario_notice *n, int key);
/* After the closing agreement, on every rank of comm: failed is its outcome
 * (alike on every rank; a rank that sent a notice has failed). */
void pario_notice_close(pario_notice *n, int failed);
/* Notices that can no longer be closed collectively (left before the
 * agreement): the receive cancelled, the sends left to complete on their own. */
void pario_notice_abandon(pario_notice *n);

#endif
