/* Lesson 11b (worker side): see pi_manager.c.
 *
 * Teaches: a spawned process finds its parent with MPI_Comm_get_parent, takes
 * part in collectives over that intercommunicator (naming the remote root, 0),
 * and disconnects from it before MPI_Finalize, matching the manager.
 * Started beside the manager instead (mpiexec A : B), it builds the same kind
 * of intercommunicator with Lesson 11a's MPI_Intercomm_create (mpmd.h).
 *
 * Build:  mpicc.mpich -o pi_worker pi_worker.c
 * Run:    not by hand: pi_manager spawns it, or it is started beside the manager:
 *           mpiexec.mpich -n 1 ./pi_manager 0 1000 : -n 3 ./pi_worker
 *         Run alone it says so and exits with status 2.
 */
#include <stdio.h>
#include "mpmd.h"

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm parent, mine = MPI_COMM_NULL;
    MPI_Comm_get_parent(&parent);
    if (parent == MPI_COMM_NULL && !mpmd_intercomm(&mine, &parent)) {
        int rank;
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        if (rank == 0)
            fprintf(stderr, "pi_worker: error: no parent: start pi_manager, which spawns the workers "
                            "(or mpiexec -n 1 ./pi_manager 0 N : -n W ./pi_worker)\n");
        MPI_Comm_free(&mine);
        MPI_Finalize();
        return 2;
    }
    int rank, size, n;   /* the workers' ranks: the local group of the intercommunicator */
    MPI_Comm_rank(parent, &rank);
    MPI_Comm_size(parent, &size);
    MPI_Bcast(&n, 1, MPI_INT, 0, parent);

    double h = 1.0 / n, sum = 0, unused;
    for (int i = rank; i < n; i += size) {
        double x = h * (i + 0.5);
        sum += 4.0 / (1.0 + x * x);
    }
    double part = sum * h;
    MPI_Reduce(&part, &unused, 1, MPI_DOUBLE, MPI_SUM, 0, parent);
    MPI_Comm_disconnect(&parent);
    if (mine != MPI_COMM_NULL)
        MPI_Comm_free(&mine);
    MPI_Finalize();
    return 0;
}
