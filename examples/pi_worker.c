/* Lesson 11 (worker side): see pi_manager.c.
 *
 * Teaches: a spawned process finds its parent with MPI_Comm_get_parent, takes
 * part in collectives over that intercommunicator, and disconnects from it
 * before MPI_Finalize, matching the manager's MPI_Comm_disconnect.
 *
 * Build:  mpicc.mpich -o pi_worker pi_worker.c
 * Run:    not by hand: pi_manager spawns it, or it is started beside the manager:
 *           mpiexec.mpich -n 1 ./pi_manager 0 1000 : -n 3 ./pi_worker
 *         Run alone it says so and exits with status 2:
 *           pi_worker: error: no parent: start pi_manager, which spawns the workers (...)
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

enum { MPMD_TAG = 77 };

/* The same as in pi_manager.c: the manager and workers in one MPI_COMM_WORLD. */
static int mpmd_intercomm(MPI_Comm *mine, MPI_Comm *inter)
{
    int *appnum, flag, rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_APPNUM, &appnum, &flag);
    int app = flag ? *appnum : 0;
    MPI_Comm_split(MPI_COMM_WORLD, app, rank, mine);
    int mysize;
    MPI_Comm_size(*mine, &mysize);
    if (mysize == size)
        return 0;
    int *apps = malloc(size * sizeof *apps), leader = -1;
    MPI_Allgather(&app, 1, MPI_INT, apps, 1, MPI_INT, MPI_COMM_WORLD);
    for (int r = 0; r < size && leader < 0; r++)
        if (apps[r] != app)
            leader = r;
    free(apps);
    MPI_Intercomm_create(*mine, 0, MPI_COMM_WORLD, leader, MPMD_TAG, inter);
    return 1;
}

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

    /* The workers' own ranks and count: the local group of the intercommunicator. */
    int rank, size, n;
    MPI_Comm_rank(parent, &rank);
    MPI_Comm_size(parent, &size);
    MPI_Bcast(&n, 1, MPI_INT, 0, parent);   /* 0 = rank 0 of the manager group */

    double h = 1.0 / n, sum = 0;
    for (int i = rank; i < n; i += size) {
        double x = h * (i + 0.5);
        sum += 4.0 / (1.0 + x * x);
    }
    double part = sum * h;
    double unused;   /* receive buffer: significant at the root (the manager) only */
    MPI_Reduce(&part, &unused, 1, MPI_DOUBLE, MPI_SUM, 0, parent);

    MPI_Comm_disconnect(&parent);
    if (mine != MPI_COMM_NULL)
        MPI_Comm_free(&mine);
    MPI_Finalize();
    return 0;
}
