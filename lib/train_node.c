/* The step's exchange when every rank of the job is on one host
 * (--allreduce shm, and auto's choice there): the segments' gradient sums
 * meet in memory the ranks share (node_shm.c), not in an MPI collective.
 * No MPI call, so no progress engine to poll: a waiting rank spins for
 * t->spin seconds, then yields its core on each look. The ranks share no
 * speeds: each starts a step on its own shard and takes the others' segments
 * as they go (the claims below), which is the balance. Two ways, by the
 * number of ranks; either gives the bits of the MPI path at any P:
 *
 * Up to COMBINE_RANKS ranks, one arrival a step: each rank adds its own
 * segments' sums exactly into a partial per weight (a 128-bit integer and its
 * exponents' range, lib/kernels/train_sum.c), writes it with its failure flag,
 * and arrives; then every rank combines the
 * P partials of every weight (integers: any grouping gives the same sum, so
 * the same bits). The partials alternate between two buffers by the step's
 * parity: a rank writes those of step k+1 after every rank arrived at step k,
 * so after every rank finished reading step k-1's. A weight the fast path
 * cannot take (a span of exponents wider than 64 bits, a subnormal, inf or
 * NaN) is rare, and every rank sees it alike: then each rank writes its
 * segments' sums into their slots, arrives once more, and every rank adds
 * that weight's slots by pario_train_fsum (or an accumulator).
 *
 * More ranks: Horovod's allreduce in two phases, each closed by an arrival:
 *   1. each rank writes its segments' sums into their slots (and its failure
 *      flag), then arrives;
 *   2. each rank adds exactly the slots of its share of the weights (blocks of
 *      8 columns dealt by position: the reduce-scatter) and writes those sums,
 *      then arrives; every rank then copies all the sums (the allgather).
 * Each rank reads about W weights a step, not P W partials. Nothing is
 * overwritten while it may still be read: a rank writes its slots of step
 * k+1 only after every rank arrived at phase 2 of step k (done reading the
 * slots and the flags of k), and its sums of k+1 only after every rank
 * arrived at phase 1 of k+1 (done reading the sums of k). */
#include "config.h"
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "node_shm.h"
#include "train_internal.h"
#include "train_model.h"

struct train_node {
    pario_node_shm *shm;
    MPI_Comm node;
    _Atomic uint64_t *arrived;  /* arrivals of every rank so far (its own cache line) */
    char *claims;               /* P lines: each rank's run of the step's segments (a claim word) */
    uint64_t *run;              /* P + 1: rank r's run is the deal's all[run[r]..run[r+1]-1] */
    uint64_t tag;               /* the steps dealt so far (the claim words' tag) */
    int combine;                /* at most COMBINE_RANKS ranks: one arrival a step */
    double *flags;              /* two phases: P failure flags */
    double *slots;              /* nslots x nw segments' sums */
    double *sums;               /* two phases: nw exact sums */
    char *heads;                /* one arrival: 2 x P lines, each a rank's failure flag */
    pario_train_fixed *parts;   /* one arrival: 2 x P x pstride partials */
    uint64_t pstride;           /* nw rounded up to 8 (a whole number of lines) */
    uint64_t phases;            /* phases this rank has arrived at */
    uint64_t steps;             /* steps done (one arrival: their parity picks the buffers) */
    const char *ahead[AHEAD_RANGES], *ahead_end[AHEAD_RANGES];   /* pario_train_node_ahead */
    int nahead;
};

/* Cache lines: the counter alone in its own, the doubles after it. */
#define LINE 64
/* Up to this many ranks, every rank combines every weight's P partials (one
 * arrival a step, P W partials read); more, the two-phase reduce-scatter. */
#define COMBINE_RANKS 4

pario_status pario_train_node_open(struct train *t, uint64_t nslots)
{
    t->xn = NULL;
    uint64_t P = (uint64_t)t->p, pstride = (t->nw + 7) & ~(uint64_t)7;
    int combine = t->p <= COMBINE_RANKS;
    size_t bytes = P * LINE;   /* the claim words */
    bytes += combine ? LINE + 2 * P * LINE + 2 * P * pstride * sizeof(pario_train_fixed)
                                 + nslots * t->nw * sizeof(double)
                           : LINE + (P + nslots * t->nw + t->nw) * sizeof(double);
    struct train_node *x = calloc(1, sizeof *x);
    uint64_t *run = malloc((P + 1) * sizeof *run);
    pario_status st = x && run ? pario_ok() : pario_local_error("out of memory for the step's exchange");
    if (pario_agree(&st, t->comm)) {
        free(run);
        free(x);
        return st;
    }
    void *base;
    st = pario_node_shm_open(bytes, t->comm, &x->node, &base, &x->shm);
    if (pario_failed(&st)) {
        free(run);
        free(x);
        return st;
    }
    int n = 0;
    MPI_Comm_size(x->node, &n);
    if (n != t->p) {   /* more than one host: alike on every rank (no host holds all P) */
        pario_node_shm_close(x->shm, &x->node);
        free(run);
        free(x);
        return pario_ok();
    }
    x->arrived = base;
    x->claims = (char *)base + LINE;   /* zeros: tag 0, before the first step (1) */
    x->run = run;
    base = x->claims + P * LINE;
    x->combine = combine;
    if (combine) {
        x->heads = (char *)base;
        x->parts = (pario_train_fixed *)(x->heads + 2 * P * LINE);
        x->pstride = pstride;
        x->slots = (double *)(x->parts + 2 * P * pstride);
    } else {
        x->flags = (double *)base;
        x->slots = x->flags + t->p;
        x->sums = x->slots + nslots * t->nw;
    }
    t->xn = x;
    return pario_ok();
}

void pario_train_node_close(struct train *t)
{
    if (!t->xn)
        return;
    pario_node_shm_close(t->xn->shm, &t->xn->node);
    free(t->xn->run);
    free(t->xn);
    t->xn = NULL;
}

/* A claim word: the step's tag, the next segment of the run from its front,
 * and its end (runs of at most 65,535 segments: SHM_SLOT_SEGMENTS is 1,024). */
#define CLAIM(tag, head, end) ((uint64_t)(tag) << 32 | (uint64_t)(head) << 16 | (uint64_t)(end))

void pario_train_node_deal(struct train *t, const struct seg *all, uint64_t nall)
{
    struct train_node *x = t->xn;
    x->tag++;
    uint64_t i = 0;
    for (int r = 0; r < t->p; r++) {
        x->run[r] = i;
        while (i < nall && all[i].rank == r)
            i++;
    }
    x->run[t->p] = nall;
}

/* What is left of rank r's run: its word's next and end (the whole run under an older tag). */
static void run_left(const struct train_node *x, int r, uint64_t w, uint64_t *head, uint64_t *end)
{
    uint64_t n = x->run[r + 1] - x->run[r];
    *head = 0;
    *end = n;
    if (w >> 32 == (x->tag & 0xffffffffu)) {   /* (a word untouched for 2^32 steps is clamped to the run) */
        *end = (w & 0xffff) < n ? (w & 0xffff) : n;
        *head = (w >> 16 & 0xffff) < *end ? (w >> 16 & 0xffff) : *end;
    }
}

/* One segment of rank r's run, from its front or its back: its index in the
 * deal, taken (take) or only looked at, else UINT64_MAX when none is left. */
static uint64_t claim(struct train_node *x, int r, int back, int take)
{
    _Atomic uint64_t *c = (_Atomic uint64_t *)(x->claims + (size_t)r * LINE);
    uint64_t w = atomic_load_explicit(c, memory_order_relaxed), tag = x->tag & 0xffffffffu;
    for (;;) {
        uint64_t head, end;
        run_left(x, r, w, &head, &end);
        if (end <= head)
            return UINT64_MAX;
        uint64_t want = back ? CLAIM(tag, head, end - 1) : CLAIM(tag, head + 1, end);
        if (!take || atomic_compare_exchange_weak_explicit(c, &w, want, memory_order_relaxed, memory_order_relaxed))
            return x->run[r] + (back ? end - 1 : head);
    }
}

int pario_train_node_claim(struct train *t, const struct seg *all, int peek, struct seg *out)
{
    struct train_node *x = t->xn;
    uint64_t i = claim(x, t->rank, 0, !peek);
    while (i == UINT64_MAX) {
        /* the run with the most left */
        int victim = -1;
        uint64_t most = 0;
        for (int q = 0; q < t->p; q++) {
            if (q == t->rank)
                continue;
            uint64_t head, end;
            run_left(x, q, atomic_load_explicit((_Atomic uint64_t *)(x->claims + (size_t)q * LINE),
                                                memory_order_relaxed),
                     &head, &end);
            if (end > head && end - head > most) {
                most = end - head;
                victim = q;
            }
        }
        if (victim < 0)
            return 0;
        i = claim(x, victim, 1, !peek);
    }
    *out = all[i];
    return 1;
}

void pario_train_node_ahead(struct train *t, const void *p, uint64_t bytes)
{
    struct train_node *x = t->xn;
    if (x->nahead < AHEAD_RANGES && bytes) {
        x->ahead[x->nahead] = p;
        x->ahead_end[x->nahead++] = (const char *)p + bytes;
    }
}

/* A few lines of the ranges to prefetch (pario_train_node_ahead): 1 if any
 * were left. A rank that waits at the arrival fetches rows of its next step
 * (their first segment was prefetched with this step's last) rather than
 * pausing: the wait becomes reading time, not idle time. */
static int ahead_step(struct train_node *x)
{
    while (x->nahead) {
        int i = x->nahead - 1;
        if (x->ahead[i] < x->ahead_end[i]) {
            for (int k = 0; k < 4 && x->ahead[i] < x->ahead_end[i]; k++, x->ahead[i] += 64)
                __builtin_prefetch(x->ahead[i], 0, 2);
            return 1;
        }
        x->nahead--;
    }
    return 0;
}

static void arrive(struct train_node *x, int p, double spin)
{
    x->phases++;
    uint64_t want = x->phases * (uint64_t)p;
    if (atomic_fetch_add_explicit(x->arrived, 1, memory_order_acq_rel) + 1 >= want) {
        x->nahead = 0;
        return;
    }
    double until = spin > 0.0 ? MPI_Wtime() + spin : 0.0;
    unsigned polls = 0;
    while (atomic_load_explicit(x->arrived, memory_order_acquire) < want) {
        if (spin > 0.0 && (++polls & 63 || MPI_Wtime() < until)) {
            if (ahead_step(x))
                continue;
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause();
#endif
            continue;
        }
        sched_yield();
        spin = 0.0;
    }
    x->nahead = 0;
}

/* The columns a..b-1 of the sums of nseg slots, each added exactly and
 * rounded once (math.fsum's bits): the vector fast path, else fsum, else an
 * accumulator (non-finite or huge values). */
void pario_train_exact_cols(struct train *t, const double *slots, uint64_t nseg, uint64_t a, uint64_t b,
                            double *out)
{
    uint64_t nw = t->nw;
    pario_train_fsum_cols(slots + a, nseg, nw, b - a, out + a, t->fsok + a);
    for (uint64_t i = a; i < b; i++) {
        int ok;
        if (t->fsok[i])
            continue;
        out[i] = pario_train_fsum(slots + i, nseg, nw, &ok);
        if (!ok) {
            pario_xsum_init(&t->acc[i]);
            for (uint64_t s = 0; s < nseg; s++)
                pario_xsum_add(&t->acc[i], slots[s * nw + i]);
            out[i] = pario_xsum_round(&t->acc[i]);
        }
    }
}

/* Up to COMBINE_RANKS ranks: one arrival (above). */
static void step_combine(struct train *t, const double *packed, uint64_t nmine, const struct seg *mine,
                         uint64_t nseg, int failed)
{
    struct train_node *x = t->xn;
    uint64_t nw = t->nw, P = (uint64_t)t->p, par = x->steps++ & 1;
    double t0 = MPI_Wtime();
    pario_train_fixed *parts = x->parts + par * P * x->pstride;
    pario_train_fixed_cols(packed, nmine, nw, nw, parts + (uint64_t)t->rank * x->pstride);
    double *head = (double *)(x->heads + (par * P + (uint64_t)t->rank) * LINE);
    head[0] = failed ? 1.0 : 0.0;
    double t1 = MPI_Wtime();
    arrive(x, t->p, t->spin);
    double t2 = MPI_Wtime();
    pario_train_fixed_combine(parts, P, x->pstride, nw, nseg, t->g, t->fsok);
    double nfailed = 0.0;
    for (uint64_t q = 0; q < P; q++) {
        const double *h = (const double *)(x->heads + (par * P + q) * LINE);
        nfailed += h[0];
    }
    t->g[nw] = nfailed;
    uint64_t slow = 0;
    for (uint64_t i = 0; i < nw; i++)
        slow += !t->fsok[i];
    if (slow) {
        /* every rank saw the same partials: every rank is here */
        for (uint64_t i = 0; i < nmine; i++)
            memcpy(x->slots + mine[i].s * nw, packed + i * nw, nw * sizeof *x->slots);
        arrive(x, t->p, t->spin);
        for (uint64_t i = 0; i < nw; i++) {
            int ok;
            if (t->fsok[i])
                continue;
            t->g[i] = pario_train_fsum(x->slots + i, nseg, nw, &ok);
            if (!ok) {
                pario_xsum_init(&t->acc[i]);
                for (uint64_t s = 0; s < nseg; s++)
                    pario_xsum_add(&t->acc[i], x->slots[s * nw + i]);
                t->g[i] = pario_xsum_round(&t->acc[i]);
            }
        }
    }
    t->secs[1] += t2 - t1;
    t->secs[2] -= t2 - (t1 - t0);   /* the partial, then the combination until the update is done */
}

pario_status pario_train_node_step(struct train *t, const double *packed, uint64_t nmine, const struct seg *mine,
                                   uint64_t nseg, int failed)
{
    struct train_node *x = t->xn;
    if (x->combine) {
        step_combine(t, packed, nmine, mine, nseg, failed);
        return pario_ok();
    }
    uint64_t nw = t->nw;
    double t0 = MPI_Wtime();
    for (uint64_t i = 0; i < nmine; i++)
        memcpy(x->slots + mine[i].s * nw, packed + i * nw, nw * sizeof *x->slots);
    x->flags[t->rank] = failed ? 1.0 : 0.0;
    arrive(x, t->p, t->spin);
    double t1 = MPI_Wtime();
    /* this rank's blocks of 8 columns, dealt by position */
    uint64_t nb = (nw + 7) / 8, p = (uint64_t)t->p, r = (uint64_t)t->rank;
    uint64_t a = nb * r / p * 8, b = nb * (r + 1) / p * 8;
    if (b > nw)
        b = nw;
    if (a < b)
        pario_train_exact_cols(t, x->slots, nseg, a, b, x->sums);
    /* the flags before arriving: a rank past phase 2 may write the next step's */
    double nfailed = 0.0;
    for (int q = 0; q < t->p; q++)
        nfailed += x->flags[q];
    double t2 = MPI_Wtime();
    arrive(x, t->p, t->spin);
    double t3 = MPI_Wtime();
    memcpy(t->g, x->sums, nw * sizeof *t->g);
    t->g[nw] = nfailed;
    t->secs[1] += (t1 - t0) + (t3 - t2);
    t->secs[2] -= t3 - (t2 - t1);   /* the exact sums: until the update is done */
    return pario_ok();
}
