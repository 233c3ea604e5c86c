/* Lesson 7: scatter and gather.
 *
 * Teaches: MPI_Scatter (the root deals out one piece to each rank, itself
 * included) and MPI_Gather (the root collects one piece from each rank, in
 * rank order). The root holds the list (i+1)^2 for i = 0 .. P-1; rank r gets
 * (r+1)^2, checks it, and sends it back.
 *
 * Build:  mpicc.mpich -o scatter_gather scatter_gather.c
 * Run:    mpiexec.mpich -n 4 ./scatter_gather
 * Output: rank 0 got 1
 *         rank 1 got 4
 *         rank 2 got 9
 *         rank 3 got 16
 *         gathered on rank 0: 1 4 9 16
 *         (the "got" lines in any order; the gathered list always in rank order).
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);

    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    int *list = NULL;   /* significant at the root only */
    if (rank == 0) {
        list = malloc(size * sizeof *list);
        for (int i = 0; i < size; i++)
            list[i] = (i + 1) * (i + 1);
    }

    int mine;
    MPI_Scatter(list, 1, MPI_INT, &mine, 1, MPI_INT, 0, MPI_COMM_WORLD);
    int bad = mine != (rank + 1) * (rank + 1);
    printf("rank %d got %d%s\n", rank, mine, bad ? " (WRONG)" : "");

    if (rank == 0)
        for (int i = 0; i < size; i++)
            list[i] = -1;   /* prove the gather refills it */
    MPI_Gather(&mine, 1, MPI_INT, list, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        /* Build the line, then print it in one call (see allgather_table.c). */
        char *line = malloc(size * 12 + 1);
        int len = 0;
        for (int i = 0; i < size; i++)
            len += sprintf(line + len, " %d", list[i]);
        printf("gathered on rank 0:%s\n", line);
        free(line);
        free(list);
    }

    MPI_Finalize();
    return bad;
}
