/* Lesson 3: nonblocking communication.
 *
 * Teaches: MPI_Isend/MPI_Irecv return at once with a request; the buffers must
 * stay untouched until MPI_Wait/MPI_Waitall completes the request. Posting all
 * receives before waiting lets the messages arrive in any order without
 * deadlock, and leaves time to compute while they travel.
 *
 * Rank 0 sends 100+i to every rank i > 0 and collects a reply 2*(100+i) from
 * each, all with nonblocking calls.
 *
 * Build:  mpicc.mpich -o isend_irecv isend_irecv.c
 * Run:    mpiexec.mpich -n 4 ./isend_irecv
 * Output: rank 1 received 101 from rank 0, replied 202
 *         rank 2 received 102 from rank 0, replied 204
 *         rank 3 received 103 from rank 0, replied 206
 *         rank 0 got 3 replies, sum 612
 *         (worker lines in any order; with P ranks the sum is
 *          2 * sum_{i=1}^{P-1} (100 + i)).
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

    if (rank == 0) {
        int n = size - 1;
        int *out = malloc((n + 1) * sizeof *out), *back = malloc((n + 1) * sizeof *back);
        MPI_Request *req = malloc((2 * n + 1) * sizeof *req);
        MPI_Status *st = malloc((2 * n + 1) * sizeof *st);   /* or MPI_STATUSES_IGNORE */
        /* Post the receives of the replies first, then the sends. */
        for (int i = 1; i <= n; i++)
            MPI_Irecv(&back[i], 1, MPI_INT, i, 1, MPI_COMM_WORLD, &req[i - 1]);
        for (int i = 1; i <= n; i++) {
            out[i] = 100 + i;
            MPI_Isend(&out[i], 1, MPI_INT, i, 0, MPI_COMM_WORLD, &req[n + i - 1]);
        }
        /* ... rank 0 could compute here while the messages travel ... */
        MPI_Waitall(2 * n, req, st);
        long sum = 0;
        for (int i = 1; i <= n; i++)
            sum += back[i];
        printf("rank 0 got %d replies, sum %ld\n", n, sum);
        free(out);
        free(back);
        free(req);
        free(st);
    } else {
        int value, reply;
        MPI_Request req;
        MPI_Irecv(&value, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, &req);
        /* ... work that does not need `value` could go here ... */
        MPI_Wait(&req, MPI_STATUS_IGNORE);
        reply = 2 * value;
        MPI_Isend(&reply, 1, MPI_INT, 0, 1, MPI_COMM_WORLD, &req);
        MPI_Wait(&req, MPI_STATUS_IGNORE);   /* `reply` must live until here */
        printf("rank %d received %d from rank 0, replied %d\n", rank, value, reply);
    }

    MPI_Finalize();
    return 0;
}
