/* Lesson 8: collectives on whole buffers: Bcast, Scatter and Gather of int arrays.
 *
 * Teaches: collectives move arrays, not only single values; the count is per
 * rank (Scatter and Gather send/receive N elements to/from EACH rank, so the
 * root's buffer holds P * N), and receive buffers must be big enough.
 *
 *   Bcast:   the root's array 0, 1, ..., N-1 reaches every rank.
 *   Scatter: the root's P x N array, row i filled with i: rank r gets N copies of r.
 *   Gather:  each rank sends N copies of its rank; the root gets the P x N array back.
 *
 * Build:  mpicc.mpich -o buffers buffers.c
 * Run:    mpiexec.mpich -n 3 ./buffers [N]      (N defaults to 100)
 * Output (per rank, ranks in any order):
 *           rank 1: Bcast got 0..99, sum 4950
 *           rank 1: Scatter got 100 x 1
 *         and from the root:
 *           rank 0: Gather got 3 rows of 100, row i all i, sum 300
 *         (sums: N(N-1)/2 and N * P(P-1)/2). A rank whose data is wrong says so
 *         and the program exits with status 1.
 */
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include "args.h"

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);

    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int n = argc > 1 ? (int)lesson_number(argv[1], 1, INT_MAX, 0) : 100;
    if (n < 1) {
        if (rank == 0)
            fprintf(stderr, "buffers: error: N must be a positive integer\n");
        MPI_Finalize();
        return 2;
    }
    int bad = 0;

    /* Bcast */
    int *a = calloc(n, sizeof *a);
    if (rank == 0)
        for (int i = 0; i < n; i++)
            a[i] = i;
    MPI_Bcast(a, n, MPI_INT, 0, MPI_COMM_WORLD);
    long sum = 0;
    for (int i = 0; i < n; i++) {
        sum += a[i];
        bad |= a[i] != i;
    }
    printf("rank %d: Bcast got %d..%d, sum %ld%s\n", rank, a[0], a[n - 1], sum, bad ? " (WRONG)" : "");

    /* Scatter: N elements to each rank */
    int *table = NULL;
    if (rank == 0) {
        table = malloc((size_t)size * n * sizeof *table);
        for (int i = 0; i < size; i++)
            for (int j = 0; j < n; j++)
                table[(size_t)i * n + j] = i;
    }
    MPI_Scatter(table, n, MPI_INT, a, n, MPI_INT, 0, MPI_COMM_WORLD);
    int same = 1;
    for (int j = 0; j < n; j++)
        same &= a[j] == rank;
    bad |= !same;
    printf("rank %d: Scatter got %d x %d%s\n", rank, n, a[0], same ? "" : " (WRONG)");

    /* Gather: N elements from each rank */
    for (int j = 0; j < n; j++)
        a[j] = rank;
    if (rank == 0)
        for (size_t k = 0; k < (size_t)size * n; k++)
            table[k] = -1;
    MPI_Gather(a, n, MPI_INT, table, n, MPI_INT, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        long total = 0;
        int rows_ok = 1;
        for (int i = 0; i < size; i++)
            for (int j = 0; j < n; j++) {
                total += table[(size_t)i * n + j];
                rows_ok &= table[(size_t)i * n + j] == i;
            }
        bad |= !rows_ok;
        printf("rank 0: Gather got %d rows of %d, row i all i, sum %ld%s\n", size, n, total,
               rows_ok ? "" : " (WRONG)");
        free(table);
    }

    free(a);
    MPI_Finalize();
    return bad;
}
