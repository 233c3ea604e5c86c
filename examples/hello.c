/* Lesson 1: hello world.
 *
 * Teaches: MPI_Init/MPI_Finalize, the size of MPI_COMM_WORLD, each process's
 * rank in it, and MPI_Get_processor_name (the host a rank runs on).
 *
 * Build:  mpicc.mpich -o hello hello.c        (or `make` in a pario build tree)
 * Run:    mpiexec.mpich -n 4 ./hello
 * Output: one line per rank, in any order, e.g.
 *           Hello from rank 2 of 4 on node1
 *           Hello from rank 0 of 4 on node1
 *           ...
 *         The ranks are independent processes: nothing orders their output.
 */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);

    int rank, size, len;
    char host[MPI_MAX_PROCESSOR_NAME];
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Get_processor_name(host, &len);

    printf("Hello from rank %d of %d on %s\n", rank, size, host);

    MPI_Finalize();
    return 0;
}
