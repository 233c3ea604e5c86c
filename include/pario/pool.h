/* A task pool without a manager: tasks 0..N-1 handed out in batches from shared
 * counters that need no MPI progress. Within a node the counter is a word of an
 * MPI_Win_allocate_shared window updated with C11 atomics; across nodes, each
 * node's queue is refilled from one global counter (MPI_Fetch_and_op on rank 0).
 * Batch sizes follow guided self-scheduling: about R / (4 P) of the R tasks left,
 * never below 1. doc/pool.md tells the model. */
#ifndef PARIO_POOL_H
#define PARIO_POOL_H

#include <stdint.h>
#include <stdio.h>
#include <mpi.h>
#include "pario/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pario_schedule {
    PARIO_SCHEDULE_STATIC = 0,  /* rank r takes the r-th contiguous block of tasks */
    PARIO_SCHEDULE_DYNAMIC = 1  /* ranks draw batches from the shared counters */
} pario_schedule;

/* "static" or "dynamic" (usage error otherwise). */
pario_status pario_schedule_parse(const char *text, pario_schedule *s);
const char *pario_schedule_name(pario_schedule s);

/* An open pool: an opaque handle. */
typedef struct pario_pool pario_pool;

/* Collective: a pool of ntasks tasks over comm (windows allocated once here).
 * *p is NULL on failure (the status is agreed). */
pario_status pario_pool_create(pario_pool **p, uint64_t ntasks, pario_schedule s, MPI_Comm comm);
/* Local: the next task of this rank; 0 when none is left or the pool was stopped.
 * The tasks a rank gets come in increasing order within a batch. */
int pario_pool_next(pario_pool *p, uint64_t *task);
/* Local: no rank starts a new task after this (a failure without --keep-going).
 * Ranks of this node stop at their next task boundary; ranks of other nodes at
 * their next batch (they learn it from the global counter). */
void pario_pool_stop(pario_pool *p);
/* 1 if any rank stopped the pool (as far as this rank can see). */
int pario_pool_stopped(const pario_pool *p);
/* Collective: wait for every rank, record this rank's wait, free the windows.
 * With stats_tool non-NULL rank 0 prints, on stderr, one line per rank: tasks,
 * batches, busy and waiting seconds ("--stats"). */
void pario_pool_free(pario_pool *p, const char *stats_tool);

/* --stats over several pools (pario-run's windows of inputs, doc/pool.md):
 * each pool's numbers added into one tally by pario_pool_free_into (the
 * same collective as pario_pool_free, printing nothing), printed once by
 * pario_pool_stats_print (collective over comm, the pools' communicator):
 * the tasks, batches and seconds of every pool added, per rank. Zero it first. */
typedef struct pario_pool_stats {
    pario_schedule sched;
    uint64_t n, tasks, batches;   /* the pools' tasks; this rank's tasks and batches */
    double working, waiting;      /* this rank's seconds */
    int nnodes, pools;
} pario_pool_stats;
void pario_pool_free_into(pario_pool *p, pario_pool_stats *s);
void pario_pool_stats_print(const pario_pool_stats *s, const char *stats_tool, MPI_Comm comm);

#ifdef __cplusplus
}
#endif
#endif
