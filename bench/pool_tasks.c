/* bench/pool.sh's program: N tasks of a fixed cost (US microseconds, 0: empty
 * tasks; spent asleep, or busy with "busy": on a loaded shared machine a busy task
 * measures the other jobs as much as the pool) drawn from the pool (lib/pool.c)
 * under a schedule. Rank 0
 * prints: schedule, ranks, tasks, seconds and tasks/s from before the pool's
 * creation to after its free, the same for the task loop alone (the slowest
 * rank's), and checks that every task ran
 * exactly once (the sum of task indices). */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "pario/pool.h"

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc < 3) {
        if (rank == 0)
            fprintf(stderr, "usage: pool_tasks N US [static|dynamic] [sleep|busy] [stats]\n");
        MPI_Finalize();
        return 2;
    }
    uint64_t n = strtoull(argv[1], NULL, 10);
    double us = atof(argv[2]);
    pario_schedule s = PARIO_SCHEDULE_DYNAMIC;
    if (argc > 3 && strcmp(argv[3], "static") == 0)
        s = PARIO_SCHEDULE_STATIC;
    int busy = argc > 4 && strcmp(argv[4], "busy") == 0;
    struct timespec nap = { (time_t)(us / 1e6), (long)((us - 1e6 * (double)(time_t)(us / 1e6)) * 1e3) };
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    pario_pool *p;
    pario_status st = pario_pool_create(&p, n, s, MPI_COMM_WORLD);
    if (pario_failed(&st)) {
        MPI_Finalize();
        return 1;
    }
    double t1 = MPI_Wtime();
    uint64_t t, sum = 0, mine = 0;
    while (pario_pool_next(p, &t)) {
        sum += t + 1;
        mine++;
        if (us > 0 && busy) {
            double until = MPI_Wtime() + us * 1e-6;
            while (MPI_Wtime() < until)
                ;
        } else if (us > 0) {
            struct timespec left = nap;
            while (nanosleep(&left, &left) == -1)
                ;
        }
    }
    double loop = MPI_Wtime() - t1, slowest = 0;
    pario_pool_free(p, argc > 5 ? "pool_tasks" : NULL);
    double secs = MPI_Wtime() - t0;
    MPI_Reduce(&loop, &slowest, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    uint64_t total = 0;
    MPI_Reduce(&sum, &total, 1, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        int ok = total == n * (n + 1) / 2;
        /* schedule ranks tasks total_s tasks_per_s_total loop_s tasks_per_s_loop check */
        printf("%s %d %llu %.4f %.0f %.4f %.0f %s\n", pario_schedule_name(s), size, (unsigned long long)n, secs,
               (double)n / secs, slowest, (double)n / slowest, ok ? "ok" : "WRONG");
    }
    (void)mine;
    MPI_Finalize();
    return 0;
}
