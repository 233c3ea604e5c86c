/* Lesson 9: Allgather of a multiplication table.
 *
 * Teaches: MPI_Allgather, a gather whose result reaches every rank (not only a
 * root). Rank r computes row r of a multiplication table, (r+1) * 1 ..
 * (r+1) * 10; after the Allgather every rank holds the whole P x 10 table.
 *
 * Build:  mpicc.mpich -o allgather_table allgather_table.c
 * Run:    mpiexec.mpich -n 3 ./allgather_table
 * Output: rank 0 prints the table it gathered, then what every rank found
 *         when it checked its own copy (the sum of all entries, 55 * P(P+1)/2),
 *         gathered to rank 0 so that one process prints everything:
 *              1    2    3    4    5    6    7    8    9   10
 *              2    4    6    8   10   12   14   16   18   20
 *              3    6    9   12   15   18   21   24   27   30
 *           rank 0: full table, sum 330
 *           rank 1: full table, sum 330
 *           rank 2: full table, sum 330
 *         (Output of different ranks travels through different pipes and can
 *         be cut mid-line by another rank's: printing from one rank avoids it.)
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

enum { COLS = 10 };

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);

    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    int row[COLS];
    for (int c = 0; c < COLS; c++)
        row[c] = (rank + 1) * (c + 1);

    int *table = malloc((size_t)size * COLS * sizeof *table);
    MPI_Allgather(row, COLS, MPI_INT, table, COLS, MPI_INT, MPI_COMM_WORLD);

    if (rank == 0)
        for (int r = 0; r < size; r++) {
            /* One printf per line: under mpiexec each printf is written at once,
             * so a line printed in pieces can be cut by another rank's output. */
            char line[COLS * 12 + 2];
            int len = 0;
            for (int c = 0; c < COLS; c++)
                len += snprintf(line + len, sizeof line - len, "%5d", table[r * COLS + c]);
            printf("%s\n", line);
        }
    /* Every rank checks its own copy: the result is not only on rank 0. */
    long sum = 0;
    int ok = 1;
    for (int r = 0; r < size; r++)
        for (int c = 0; c < COLS; c++) {
            sum += table[r * COLS + c];
            ok &= table[r * COLS + c] == (r + 1) * (c + 1);
        }
    long mine[2] = { ok, sum }, *all = rank == 0 ? malloc(2 * sizeof(long) * (size_t)size) : NULL;
    MPI_Gather(mine, 2, MPI_LONG, all, 2, MPI_LONG, 0, MPI_COMM_WORLD);
    if (rank == 0)
        for (int r = 0; r < size; r++)
            printf("rank %d: %s, sum %ld\n", r, all[2 * r] ? "full table" : "WRONG table", all[2 * r + 1]);

    free(all);
    free(table);
    MPI_Finalize();
    return !ok;
}
