/* Lesson 5: a ring.
 *
 * Teaches: passing a message around all ranks in order, each receiving from
 * its left neighbour and sending to its right one, and why rank 0 must start
 * the ring (if every rank began with a blocking receive, none would send).
 *
 * A token starts at 0 on rank 0; every rank adds its own rank and passes it
 * on; it comes back to rank 0 holding 0 + 1 + ... + (P-1) = P(P-1)/2.
 *
 * Build:  mpicc.mpich -o ring ring.c
 * Run:    mpiexec.mpich -n 4 ./ring
 * Output: rank 1 received token 0 from rank 0
 *         rank 2 received token 1 from rank 1
 *         rank 3 received token 3 from rank 2
 *         rank 0 received token 6 from rank 3
 *         (in any order; rank r > 0 receives r(r-1)/2). Works with 1 rank too:
 *         rank 0 then passes the token to itself.
 */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);

    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    long token;

    if (rank == 0) {
        /* Nonblocking send: with one rank, rank 0 is its own neighbour and a
         * blocking send to itself before the receive is posted could wait forever. */
        long start = 0;
        MPI_Request req;
        MPI_Isend(&start, 1, MPI_LONG, right, 0, MPI_COMM_WORLD, &req);
        MPI_Recv(&token, 1, MPI_LONG, left, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Wait(&req, MPI_STATUS_IGNORE);
    } else {
        MPI_Recv(&token, 1, MPI_LONG, left, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        long next = token + rank;
        MPI_Send(&next, 1, MPI_LONG, right, 0, MPI_COMM_WORLD);
    }
    printf("rank %d received token %ld from rank %d\n", rank, token, left);

    MPI_Finalize();
    return 0;
}
