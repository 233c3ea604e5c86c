/* The task pool (doc/pool.md): no manager rank, no passive-target progress needed
 * within a node.
 *
 * Each node (the ranks of one host, or PARIO_POOL_NODE_SIZE ranks for tests) shares
 * one struct node_shm in POSIX shared memory (node_shm.h: not an MPI shared window,
 * which shares nothing once MPICH is told every rank is remote, node.h). `cur` packs the node's
 * current batch as (begin << 24 | left); a rank claims k tasks with one
 * compare-and-swap on it (guided self-scheduling: k is about 1/(4P) of the tasks
 * left anywhere, at least 1). When `cur` runs half out, one rank of the node (the
 * one that noticed, holding the node's `lock`) draws the next batch into `pending`
 * from the global counter, so the node rarely waits; when `cur` is empty, the next
 * rank moves `pending` into it. The global counter is a word of shm itself on one
 * node, or rank 0's word of an MPI_Win_allocate window (MPI_Fetch_and_op) across
 * nodes: any rank of a node may draw, so a node never waits for one rank's long
 * task, and rank 0 pokes MPI's progress engine each time it asks for a task (a
 * passive-target op on MPICH ch4:ucx waits for the target's next MPI call). */
#include "config.h"
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pario/pool.h"
#include "node_shm.h"

#define LEFT_BITS 24
#define LEFT_MASK ((UINT64_C(1) << LEFT_BITS) - 1)
#define MAX_TASKS (UINT64_C(1) << (64 - LEFT_BITS))

struct node_shm {
    _Atomic uint64_t cur;     /* begin << 24 | left */
    _Atomic uint64_t curlen;  /* the batch cur started with */
    _Atomic uint64_t pending; /* the next batch, packed; 0 = none */
    _Atomic uint64_t gseen;   /* the global counter as last seen (tasks not yet given to any node: N - gseen) */
    _Atomic uint64_t gnext;   /* one node: the global counter itself */
    _Atomic int lock;         /* one rank of the node refills at a time */
    _Atomic int done;         /* the global counter is exhausted */
    _Atomic int stop;         /* a rank stopped the pool */
};

struct pario_pool {
    MPI_Comm comm, node;
    int rank, size, node_rank, node_size, nnodes;
    pario_schedule sched;
    uint64_t n;
    MPI_Win gwin;
    pario_node_shm *nshm;
    struct node_shm *shm;
    uint64_t *gbase;
    uint64_t next, left;      /* this rank's current batch */
    uint64_t tasks, batches;
    double t0, t_end;
    int finished;
};

pario_status pario_schedule_parse(const char *text, pario_schedule *s)
{
    if (strcmp(text, "static") == 0)
        *s = PARIO_SCHEDULE_STATIC;
    else if (strcmp(text, "dynamic") == 0)
        *s = PARIO_SCHEDULE_DYNAMIC;
    else
        return pario_error(PARIO_ERR_USAGE, "--schedule '%s': expected static or dynamic", text);
    return pario_ok();
}

const char *pario_schedule_name(pario_schedule s) { return s == PARIO_SCHEDULE_DYNAMIC ? "dynamic" : "static"; }

static uint64_t pack(uint64_t begin, uint64_t left) { return begin << LEFT_BITS | left; }

static uint64_t ceil_div(uint64_t a, uint64_t b) { return a / b + (a % b != 0); }

static void relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* The global counter: [*begin, *begin + *len) for this node, or 0 when none is left.
 * Called with the node's lock held. */
static int draw_global(pario_pool *p, uint64_t *begin, uint64_t *len)
{
    uint64_t g, k;
    if (p->nnodes == 1) {
        g = atomic_load(&p->shm->gnext);
        do {
            if (g >= p->n)
                return 0;
            k = ceil_div(p->n - g, 2);
            if (k > LEFT_MASK)
                k = LEFT_MASK;
        } while (!atomic_compare_exchange_weak(&p->shm->gnext, &g, g + k));
    } else {
        uint64_t zero = 0;
        MPI_Fetch_and_op(&zero, &g, MPI_UINT64_T, 0, 0, MPI_NO_OP, p->gwin);
        MPI_Win_flush(0, p->gwin);
        k = g >= p->n ? 1 : ceil_div(p->n - g, 2 * (uint64_t)p->nnodes);
        if (k > LEFT_MASK)
            k = LEFT_MASK;
        MPI_Fetch_and_op(&k, &g, MPI_UINT64_T, 0, 0, MPI_SUM, p->gwin);
        MPI_Win_flush(0, p->gwin);
        if (g >= p->n)
            return 0;
        if (k > p->n - g)
            k = p->n - g;
    }
    uint64_t seen = atomic_load(&p->shm->gseen);
    while (seen < g + k && !atomic_compare_exchange_weak(&p->shm->gseen, &seen, g + k))
        ;
    *begin = g;
    *len = k;
    return 1;
}

static int try_lock(struct node_shm *s)
{
    int z = 0;
    return atomic_load_explicit(&s->lock, memory_order_relaxed) == 0
           && atomic_compare_exchange_strong(&s->lock, &z, 1);
}

static void unlock(struct node_shm *s) { atomic_store(&s->lock, 0); }

/* With the lock held: fill pending if it is empty and tasks remain. */
static void prefetch_locked(pario_pool *p)
{
    struct node_shm *s = p->shm;
    uint64_t b, len;
    if (atomic_load(&s->pending) || atomic_load(&s->done))
        return;
    if (draw_global(p, &b, &len))
        atomic_store(&s->pending, pack(b, len));
    else
        atomic_store(&s->done, 1);
}

/* Rank 0 hosts the global counter: let MPI progress other ranks' requests on it
 * (each time rank 0 asks for a task, and while it waits for its node's lock,
 * which a rank of its node may hold while it waits for this very progress). */
static void poke(pario_pool *p)
{
    if (p->gwin != MPI_WIN_NULL && p->rank == 0) {
        int flag;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, p->comm, &flag, MPI_STATUS_IGNORE);
    }
}

/* Claim this rank's next batch into p->next, p->left; 0 when the pool is empty. */
static int claim(pario_pool *p)
{
    struct node_shm *s = p->shm;
    const uint64_t P = (uint64_t)p->size;
    for (;;) {
        if (atomic_load_explicit(&s->stop, memory_order_relaxed))
            return 0;
        uint64_t w = atomic_load(&s->cur);
        uint64_t left = w & LEFT_MASK, begin = w >> LEFT_BITS;
        if (left) {
            /* GSS over every task not yet handed to a rank, as this node sees them */
            uint64_t pend = atomic_load_explicit(&s->pending, memory_order_relaxed) & LEFT_MASK;
            uint64_t seen = atomic_load_explicit(&s->gseen, memory_order_relaxed);
            uint64_t rest = left + pend + (seen < p->n ? p->n - seen : 0);
            uint64_t k = ceil_div(rest, 4 * P); /* 1/P (GSS) gives a slow rank too much at first */
            if (k > left)
                k = left;
            if (!atomic_compare_exchange_weak(&s->cur, &w, pack(begin + k, left - k)))
                continue;
            p->next = begin;
            p->left = k;
            p->batches++;
            /* half of the node's batch gone: draw the next one now, not when it is empty */
            if ((left - k) * 2 < atomic_load_explicit(&s->curlen, memory_order_relaxed) && !atomic_load(&s->pending)
                && !atomic_load(&s->done) && try_lock(s)) {
                prefetch_locked(p);
                unlock(s);
            }
            return 1;
        }
        if (!atomic_load(&s->pending) && atomic_load(&s->done))
            return 0;
        if (!try_lock(s)) {
            poke(p);
            relax();
            continue;
        }
        if ((atomic_load(&s->cur) & LEFT_MASK) == 0) {
            uint64_t pb = atomic_exchange(&s->pending, 0);
            if (!pb) {
                prefetch_locked(p);
                pb = atomic_exchange(&s->pending, 0);
            }
            if (pb) {
                atomic_store(&s->curlen, pb & LEFT_MASK);
                atomic_store(&s->cur, pb);
            }
        }
        unlock(s);
    }
}

pario_status pario_pool_create(pario_pool **pp, uint64_t ntasks, pario_schedule sched, MPI_Comm comm)
{
    *pp = NULL;
    pario_status st = pario_ok();
    pario_pool *p = calloc(1, sizeof *p);
    if (!p)
        st = pario_local_error("out of memory for the task pool");
    else if (ntasks >= MAX_TASKS)
        st = pario_error(PARIO_ERR_RUNTIME, "%llu tasks: the pool holds at most 2^40",
                         (unsigned long long)ntasks);
    if (pario_agree(&st, comm)) {
        free(p);
        return st;
    }
    p->sched = sched;
    p->n = ntasks;
    MPI_Comm_dup(comm, &p->comm);
    MPI_Comm_rank(comm, &p->rank);
    MPI_Comm_size(comm, &p->size);
    void *base = NULL;
    st = pario_node_shm_open(sizeof(struct node_shm), p->comm, &p->node, &base, &p->nshm);
    if (pario_failed(&st)) {
        MPI_Comm_free(&p->comm);
        free(p);
        return st;
    }
    MPI_Comm_rank(p->node, &p->node_rank);
    MPI_Comm_size(p->node, &p->node_size);
    int leader = p->node_rank == 0;
    MPI_Allreduce(&leader, &p->nnodes, 1, MPI_INT, MPI_SUM, p->comm);
    p->shm = base;
    if (p->node_rank == 0) {
        atomic_init(&p->shm->cur, 0);
        atomic_init(&p->shm->curlen, 0);
        atomic_init(&p->shm->pending, 0);
        atomic_init(&p->shm->gseen, 0);
        atomic_init(&p->shm->gnext, 0);
        atomic_init(&p->shm->lock, 0);
        atomic_init(&p->shm->done, ntasks == 0);
        atomic_init(&p->shm->stop, 0);
    }
    p->gwin = MPI_WIN_NULL;
    if (p->nnodes > 1 && sched == PARIO_SCHEDULE_DYNAMIC) {
        MPI_Win_allocate(p->rank == 0 ? (MPI_Aint)sizeof(uint64_t) : 0, sizeof(uint64_t), MPI_INFO_NULL, p->comm,
                         &p->gbase, &p->gwin);
        if (p->rank == 0)
            p->gbase[0] = 0;
        MPI_Win_lock_all(MPI_MODE_NOCHECK, p->gwin);
    }
    atomic_thread_fence(memory_order_seq_cst); /* the stores above before the barrier: C11 atomics, no RMA epoch */
    MPI_Barrier(p->comm);
    p->t0 = MPI_Wtime();
    if (sched == PARIO_SCHEDULE_STATIC) {
        p->next = ntasks * (uint64_t)p->rank / (uint64_t)p->size;
        p->left = ntasks * (uint64_t)(p->rank + 1) / (uint64_t)p->size - p->next;
        p->batches = p->left != 0;
    }
    *pp = p;
    return pario_ok();
}

int pario_pool_next(pario_pool *p, uint64_t *task)
{
    if (p->finished)
        return 0;
    if (atomic_load_explicit(&p->shm->stop, memory_order_relaxed) || (!p->left && (p->sched == PARIO_SCHEDULE_STATIC
                                                                                   || !claim(p)))) {
        p->finished = 1;
        p->t_end = MPI_Wtime();
        return 0;
    }
    poke(p);
    *task = p->next++;
    p->left--;
    p->tasks++;
    return 1;
}

void pario_pool_stop(pario_pool *p)
{
    atomic_store(&p->shm->stop, 1);
    if (p->gwin != MPI_WIN_NULL) {
        /* other nodes find the global counter empty at their next draw */
        uint64_t all = MAX_TASKS, old;
        MPI_Fetch_and_op(&all, &old, MPI_UINT64_T, 0, 0, MPI_SUM, p->gwin);
        MPI_Win_flush(0, p->gwin);
    }
}

int pario_pool_stopped(const pario_pool *p) { return atomic_load(&p->shm->stop) != 0; }

void pario_pool_stats_print(const pario_pool_stats *s, const char *stats_tool, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    double mine[4] = { (double)s->tasks, (double)s->batches, s->working, s->waiting };
    double *all = rank == 0 ? malloc(sizeof mine * (size_t)size) : NULL;
    int ok = rank != 0 || all;
    MPI_Bcast(&ok, 1, MPI_INT, 0, comm);
    if (ok) {
        MPI_Gather(mine, 4, MPI_DOUBLE, all, 4, MPI_DOUBLE, 0, comm);
        if (rank == 0) {
            double maxwait = 0;
            for (int r = 0; r < size; r++)
                if (all[4 * r + 3] > maxwait)
                    maxwait = all[4 * r + 3];
            char pools[48] = "";
            if (s->pools > 1)
                snprintf(pools, sizeof pools, " in %d pools", s->pools);
            fprintf(stderr, "%s: stats: schedule %s, %llu tasks%s, %d ranks on %d node%s, longest wait at the end %.3f s\n",
                    stats_tool, pario_schedule_name(s->sched), (unsigned long long)s->n, pools, size, s->nnodes,
                    s->nnodes == 1 ? "" : "s", maxwait);
            for (int r = 0; r < size; r++)
                fprintf(stderr, "%s: stats: rank %d: %llu tasks in %llu batches, %.3f s working, %.3f s waiting\n",
                        stats_tool, r, (unsigned long long)all[4 * r], (unsigned long long)all[4 * r + 1],
                        all[4 * r + 2], all[4 * r + 3]);
            fflush(stderr);
        }
    }
    free(all);
}

/* Wait for every rank and add this rank's numbers into s (NULL: none). */
static void tally(pario_pool *p, pario_pool_stats *s)
{
    if (!p->finished) {
        p->finished = 1;
        p->t_end = MPI_Wtime();
    }
    MPI_Barrier(p->comm);
    if (s) {
        s->sched = p->sched;
        s->n += p->n;
        s->tasks += p->tasks;
        s->batches += p->batches;
        s->working += p->t_end - p->t0;
        s->waiting += MPI_Wtime() - p->t_end;
        s->nnodes = p->nnodes;
        s->pools++;
    }
}

static void release(pario_pool *p)
{
    if (p->gwin != MPI_WIN_NULL) {
        MPI_Win_unlock_all(p->gwin);
        MPI_Win_free(&p->gwin);
    }
    pario_node_shm_close(p->nshm, &p->node);
    MPI_Comm_free(&p->comm);
    free(p);
}

void pario_pool_free_into(pario_pool *p, pario_pool_stats *s)
{
    if (!p)
        return;
    tally(p, s);
    release(p);
}

void pario_pool_free(pario_pool *p, const char *stats_tool)
{
    if (!p)
        return;
    pario_pool_stats st;
    memset(&st, 0, sizeof st);
    tally(p, &st);
    if (stats_tool)
        pario_pool_stats_print(&st, stats_tool, p->comm);
    release(p);
}
