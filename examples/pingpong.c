/* Lesson 4: ping-pong, latency and bandwidth.
 *
 * Teaches: timing with MPI_Wtime, and the two numbers that describe a network:
 * latency (time for a small message) and bandwidth (bytes per second for a
 * large one). Rank 0 sends a message to rank 1, which sends it straight back;
 * half the round-trip time is the one-way time for that message size.
 *
 * Build:  mpicc.mpich -o pingpong pingpong.c
 * Run:    mpiexec.mpich -n 2 ./pingpong [MAX_BYTES [REPS]]
 *         (defaults: 1048576 bytes, 100 round trips per size; sizes 1, 4, 16,
 *         ... up to MAX_BYTES, multiplied by 4 each step)
 * Output: a table on rank 0 (numbers depend on the machine), e.g.
 *           # ping-pong between rank 0 and rank 1, 100 round trips per size
 *           #    bytes  one-way_us      MB/s
 *                   1        0.35      2.86
 *                   4        0.36     11.11
 *           ...
 *           # data verified
 *         Small messages cost about the latency; large ones approach the
 *         bandwidth. Ranks 2.. take no part. One rank is a usage error (exit 2).
 */
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "args.h"

/* A pattern that changes with the size and the repetition, so a stale buffer
 * cannot pass the check. */
static unsigned char pattern(long i, long size, int rep) { return (unsigned char)(i * 31 + size + rep); }

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);

    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    long max_bytes = argc > 1 ? (long)lesson_number(argv[1], 1, INT_MAX, 0) : 1L << 20;
    int reps = argc > 2 ? (int)lesson_number(argv[2], 1, INT_MAX, 0) : 100;
    if (size < 2 || max_bytes < 1 || reps < 1) {
        if (rank == 0)
            fprintf(stderr, "pingpong: error: usage: mpiexec -n 2 ./pingpong [MAX_BYTES>0 [REPS>0]] (needs 2 ranks)\n");
        MPI_Finalize();
        return 2;
    }

    unsigned char *buf = malloc(max_bytes);
    int ok = 1;
    if (rank == 0) {
        printf("# ping-pong between rank 0 and rank 1, %d round trips per size\n", reps);
        printf("# %8s %11s %9s\n", "bytes", "one-way_us", "MB/s");
    }
    for (long n = 1;; n *= 4) {
        double total = 0;
        for (int rep = -1; rep < reps; rep++) {   /* rep -1: a warm-up, not timed */
            if (rank == 0) {
                for (long i = 0; i < n; i++)
                    buf[i] = pattern(i, n, rep);
                double t0 = MPI_Wtime();
                MPI_Send(buf, (int)n, MPI_BYTE, 1, 0, MPI_COMM_WORLD);
                MPI_Recv(buf, (int)n, MPI_BYTE, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                if (rep >= 0)
                    total += MPI_Wtime() - t0;
                ok &= buf[0] == pattern(0, n, rep) && buf[n - 1] == pattern(n - 1, n, rep);
            } else if (rank == 1) {
                MPI_Recv(buf, (int)n, MPI_BYTE, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                MPI_Send(buf, (int)n, MPI_BYTE, 0, 0, MPI_COMM_WORLD);
            }
        }
        if (rank == 0) {
            double one_way = total / (2.0 * reps);
            printf("  %8ld %11.2f %9.2f\n", n, one_way * 1e6, n / one_way / 1e6);
        }
        if (n > max_bytes / 4)
            break;   /* the next size would pass MAX_BYTES */
    }
    /* Rank 1 echoes whatever it got, so rank 0's check covers both directions. */
    int all_ok;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    if (rank == 0)
        printf(all_ok ? "# data verified\n" : "# DATA CORRUPTED\n");

    free(buf);
    MPI_Finalize();
    return all_ok ? 0 : 1;
}
