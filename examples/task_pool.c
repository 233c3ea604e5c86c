/* Lesson 16: a pool of uneven tasks, pulled by whoever is free — twice.
 *
 * Teaches: dynamic scheduling ("self-scheduling") when tasks cost different
 * amounts, first with a manager rank that answers requests (the classic
 * manager/worker pattern: MPI_Recv from MPI_ANY_SOURCE), then with no manager
 * at all: a shared task counter in an MPI-3 RMA window that every rank, rank 0
 * included, advances with MPI_Fetch_and_op. Results are stored by task number
 * and combined in task order, so the output never depends on who ran what.
 *
 * The work: count the primes below N by trial division, in tasks of T numbers
 * each. Task k covers [k*T, (k+1)*T); later tasks cost more (bigger numbers,
 * longer divisions), so a static split would leave the last rank working
 * alone.
 *
 *   manager   rank 0 only hands out task numbers: each worker sends "give me
 *             work" (with the result of its last task), rank 0 replies with the
 *             next task number or -1 (stop). Rank 0 computes nothing: with P
 *             ranks, P-1 work. Needs P >= 2.
 *   counter   an int64 in a window on rank 0; MPI_Fetch_and_op(+1) returns the
 *             next task to every rank that asks, atomically. All P ranks work.
 *             Caveat (measured with Debian 12's MPICH over UCX): passive-target
 *             operations progress only when the target rank is inside MPI, so
 *             a Fetch_and_op can wait while rank 0 computes. Here rank 0 enters
 *             MPI between its own tasks (its own Fetch_and_op), so others wait
 *             at most one task. pario's pool avoids even that within a node with
 *             a shared-memory window and C11 atomics (no progress needed).
 *
 * Why not mpi4py.futures or MPI_Comm_spawn: both start new processes, which
 * Debian 12's MPICH (ch4:ucx) cannot do; a pool inside one MPI_COMM_WORLD
 * needs no spawn and no idle manager.
 *
 * Build:  mpicc.mpich -o task_pool task_pool.c
 * Run:    mpiexec.mpich -n 4 ./task_pool manager|counter [N [T]]   (defaults N = 200000, T = 5000)
 * Output: primes below 200000: 17984 (40 tasks of 5000; counter)
 *         tasks per rank: 14 9 9 8        (how many tasks each rank ran: varies from run to run)
 */
#include <limits.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "args.h"

static long count_primes(long lo, long hi)
{
    long n = 0;
    for (long x = lo < 2 ? 2 : lo; x < hi; x++) {
        int prime = 1;
        for (long d = 2; d * d <= x; d++)
            if (x % d == 0) { prime = 0; break; }
        n += prime;
    }
    return n;
}

enum { TAG_ASK = 1, TAG_TASK = 2 };

/* Rank 0 answers requests; the others work. result[k] is filled on rank 0. */
static int run_manager(long ntasks, long T, long *result, int rank, int size)
{
    if (rank == 0) {
        long next = 0;
        int stopped = 0;
        while (stopped < size - 1) {
            long msg[2]; /* {task just done or -1, its result} */
            MPI_Status s;
            MPI_Recv(msg, 2, MPI_LONG, MPI_ANY_SOURCE, TAG_ASK, MPI_COMM_WORLD, &s);
            if (msg[0] >= 0)
                result[msg[0]] = msg[1];
            long task = next < ntasks ? next++ : -1;
            stopped += task < 0;
            MPI_Send(&task, 1, MPI_LONG, s.MPI_SOURCE, TAG_TASK, MPI_COMM_WORLD);
        }
        return 0;
    }
    long msg[2] = { -1, 0 }, task, done = 0;
    for (;;) {
        MPI_Send(msg, 2, MPI_LONG, 0, TAG_ASK, MPI_COMM_WORLD);
        MPI_Recv(&task, 1, MPI_LONG, 0, TAG_TASK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (task < 0)
            return (int)done;
        msg[0] = task;
        msg[1] = count_primes(task * T, (task + 1) * T);
        done++;
    }
}

/* Every rank takes the next task from the counter until none are left; the
 * results meet on rank 0 by task number (a sum over a table of results). */
static int run_counter(long ntasks, long T, long *result, int rank)
{
    int64_t *counter;
    MPI_Win win;
    MPI_Win_allocate(rank == 0 ? sizeof(int64_t) : 0, sizeof(int64_t), MPI_INFO_NULL, MPI_COMM_WORLD,
                     &counter, &win);
    if (rank == 0)
        *counter = 0;
    MPI_Barrier(MPI_COMM_WORLD); /* the counter is 0 before anyone takes a task */
    long *mine = calloc((size_t)ntasks, sizeof *mine);
    int done = 0;
    const int64_t one = 1;
    MPI_Win_lock_all(0, win);
    for (;;) {
        int64_t task;
        MPI_Fetch_and_op(&one, &task, MPI_INT64_T, 0, 0, MPI_SUM, win);
        MPI_Win_flush(0, win);
        if (task >= ntasks)
            break;
        mine[task] = count_primes(task * T, (task + 1) * T);
        done++;
    }
    MPI_Win_unlock_all(win);
    /* Each task was run by exactly one rank, the others hold 0 for it. */
    MPI_Reduce(mine, result, (int)ntasks, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
    free(mine);
    MPI_Win_free(&win);
    return done;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const char *mode = argc > 1 ? argv[1] : "";
    long N = argc > 2 ? (long)lesson_number(argv[2], 1, LONG_MAX, 0) : 200000;
    long T = argc > 3 ? (long)lesson_number(argv[3], 1, LONG_MAX, 0) : 5000;
    int manager = strcmp(mode, "manager") == 0;
    const char *bad = NULL;
    if (!manager && strcmp(mode, "counter") != 0)
        bad = "usage: task_pool manager|counter [N [T]]";
    else if (N < 1 || T < 1 || N / T > 1000000)
        bad = "N and T must be positive, with at most 10^6 tasks";
    else if (manager && size < 2)
        bad = "the manager pattern needs at least 2 ranks (one manager, one worker)";
    if (bad) {
        if (rank == 0)
            fprintf(stderr, "task_pool: error: %s\n", bad);
        MPI_Finalize();
        return 2;
    }
    long ntasks = (N + T - 1) / T;
    long *result = calloc((size_t)ntasks, sizeof *result);
    int done = manager ? run_manager(ntasks, T, result, rank, size) : run_counter(ntasks, T, result, rank);
    int *per_rank = rank == 0 ? malloc((size_t)size * sizeof *per_rank) : NULL;
    MPI_Gather(&done, 1, MPI_INT, per_rank, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        long total = 0;
        for (long k = 0; k < ntasks; k++) /* combined in task order */
            total += result[k];
        /* the last task may reach past N: take off the primes in [N, ntasks*T) */
        total -= count_primes(N, ntasks * T);
        printf("primes below %ld: %ld (%ld tasks of %ld; %s)\n", N, total, ntasks, T, mode);
        printf("tasks per rank:");
        for (int r = 0; r < size; r++)
            printf(" %d", per_rank[r]);
        printf("\n");
    }
    free(per_rank);
    free(result);
    MPI_Finalize();
    return 0;
}
