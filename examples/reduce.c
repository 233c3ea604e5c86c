/* Lesson 10: Reduce and Allreduce.
 *
 * Teaches: MPI_Reduce combines one value from every rank with an operation
 * (MPI_SUM, MPI_MAX, ...) into a result on the root only; MPI_Allreduce gives
 * the result to every rank. Rank r contributes r + 1.
 *
 * Build:  mpicc.mpich -o reduce reduce.c
 * Run:    mpiexec.mpich -n 4 ./reduce
 * Output: rank 0: Reduce sum 10, max 4
 *         rank 0: Allreduce sum 10
 *         rank 1: Allreduce sum 10
 *         ...
 *         (lines in any order; sum P(P+1)/2, max P).
 */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);

    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    long mine = rank + 1, sum = 0, max = 0, everyone;

    /* The result buffers are significant on the root only. */
    MPI_Reduce(&mine, &sum, 1, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
    MPI_Reduce(&mine, &max, 1, MPI_LONG, MPI_MAX, 0, MPI_COMM_WORLD);
    if (rank == 0)
        printf("rank 0: Reduce sum %ld, max %ld\n", sum, max);

    MPI_Allreduce(&mine, &everyone, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    printf("rank %d: Allreduce sum %ld\n", rank, everyone);

    MPI_Finalize();
    return 0;
}
