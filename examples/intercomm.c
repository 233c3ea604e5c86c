/* Lesson 11a: two programs, one intercommunicator.
 *
 * Teaches: an MPMD launch (`mpiexec A : B`) starts two programs in one
 * MPI_COMM_WORLD, the first program's ranks first; the MPI_APPNUM attribute
 * tells a process which program it belongs to. MPI_Comm_split gives each
 * program a communicator of its own, and MPI_Intercomm_create joins the two
 * through their leaders (local rank 0 of each) into an intercommunicator: a
 * local group and a remote group. A collective over it goes from one group to
 * the other: in the sending group the root passes MPI_ROOT and the others
 * MPI_PROC_NULL; the receivers name the root's rank in the remote group.
 *
 * Build:  mpicc.mpich -o intercomm intercomm.c
 * Run:    mpiexec.mpich -n 2 ./intercomm : -n 3 ./intercomm
 * Output (lines in any order):
 *         program 0, rank 0 of 2: sent 42 to the 3 ranks of program 1
 *         program 0, rank 1 of 2: not the root, sent nothing
 *         program 1, rank 0 of 3: got 42 from program 0 (2 ranks)
 *         program 1, rank 1 of 3: got 42 from program 0 (2 ranks)
 *         program 1, rank 2 of 3: got 42 from program 0 (2 ranks)
 */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int wrank, wsize, *appnum, flag, rank, size, remote, value = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
    MPI_Comm_size(MPI_COMM_WORLD, &wsize);
    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_APPNUM, &appnum, &flag);
    int app = flag ? *appnum : 0;

    MPI_Comm mine, inter;
    MPI_Comm_split(MPI_COMM_WORLD, app, wrank, &mine);   /* one communicator per program */
    MPI_Comm_rank(mine, &rank);
    MPI_Comm_size(mine, &size);
    if (size == wsize || app > 1) {   /* every rank of a program takes the same branch */
        if (rank == 0)
            fprintf(stderr, "intercomm: error: start two programs: mpiexec -n 2 ./intercomm : -n 3 ./intercomm\n");
        MPI_Comm_free(&mine);
        MPI_Finalize();
        return 2;
    }
    /* The other program's leader, named by its rank in MPI_COMM_WORLD. */
    MPI_Intercomm_create(mine, 0, MPI_COMM_WORLD, app == 0 ? size : 0, 11, &inter);
    MPI_Comm_remote_size(inter, &remote);

    if (app == 0) {
        value = 42;
        MPI_Bcast(&value, 1, MPI_INT, rank == 0 ? MPI_ROOT : MPI_PROC_NULL, inter);
        if (rank == 0)
            printf("program 0, rank 0 of %d: sent %d to the %d ranks of program 1\n", size, value, remote);
        else
            printf("program 0, rank %d of %d: not the root, sent nothing\n", rank, size);
    } else {
        MPI_Bcast(&value, 1, MPI_INT, 0, inter);   /* 0: rank 0 of the remote group */
        printf("program 1, rank %d of %d: got %d from program 0 (%d ranks)\n", rank, size, value, remote);
    }
    MPI_Comm_free(&inter);
    MPI_Comm_free(&mine);
    MPI_Finalize();
    return 0;
}
