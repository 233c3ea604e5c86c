/* Lesson 2: point-to-point send and receive.
 *
 * Teaches: MPI_Send and MPI_Recv of one integer from rank 0 to rank 1, the
 * message envelope (source, tag, communicator) and MPI_Status.
 *
 * Build:  mpicc.mpich -o sendrecv sendrecv.c
 * Run:    mpiexec.mpich -n 2 ./sendrecv [VALUE]      (VALUE defaults to 42)
 * Output: rank 0 sent 42 to rank 1
 *         rank 1 received 42 from rank 0 with tag 7
 *         (two lines, in either order; ranks 2.. take no part and print nothing).
 *         With one rank it stops with a usage error (exit status 2): there is
 *         nobody to send to.
 */
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include "args.h"

enum { TAG = 7 };

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);

    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    /* parsed on every rank, so that all of them stop together on a bad one */
    long long given = argc > 1 ? lesson_number(argv[1], INT_MIN, INT_MAX, LLONG_MIN) : 42;
    if (given == LLONG_MIN) {
        if (rank == 0)
            fprintf(stderr, "sendrecv: error: VALUE must be a whole number that fits an int, not '%s'\n", argv[1]);
        MPI_Finalize();
        return 2;
    }
    if (size < 2) {
        /* Every rank knows size, so all of them stop here together: no hang. */
        fprintf(stderr, "sendrecv: error: needs at least 2 ranks (mpiexec -n 2 ./sendrecv)\n");
        MPI_Finalize();
        return 2;
    }

    if (rank == 0) {
        int value = (int)given;
        MPI_Send(&value, 1, MPI_INT, 1, TAG, MPI_COMM_WORLD);
        printf("rank 0 sent %d to rank 1\n", value);
    } else if (rank == 1) {
        int value;
        MPI_Status st;
        /* MPI_ANY_TAG: the status tells us which tag arrived. */
        MPI_Recv(&value, 1, MPI_INT, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
        printf("rank 1 received %d from rank %d with tag %d\n", value, st.MPI_SOURCE, st.MPI_TAG);
    }

    MPI_Finalize();
    return 0;
}
