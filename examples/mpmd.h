/* mpmd_intercomm: Lesson 11a's intercommunicator between two programs started
 * together (`mpiexec A : B`), shared by pi_manager.c and pi_worker.c.
 * If MPI_COMM_WORLD holds two programs, set *mine to this program's ranks and
 * *inter to the intercommunicator with the other program, and return 1;
 * otherwise set *mine to a copy of MPI_COMM_WORLD and return 0. */
#include <mpi.h>

static int mpmd_intercomm(MPI_Comm *mine, MPI_Comm *inter)
{
    int wrank, wsize, *appnum, flag, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
    MPI_Comm_size(MPI_COMM_WORLD, &wsize);
    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_APPNUM, &appnum, &flag);
    int app = flag ? *appnum : 0;
    MPI_Comm_split(MPI_COMM_WORLD, app, wrank, mine);
    MPI_Comm_size(*mine, &size);
    if (size == wsize)
        return 0;
    /* Program 0 holds world ranks 0..size-1, so program 1's leader is world rank size. */
    MPI_Intercomm_create(*mine, 0, MPI_COMM_WORLD, app == 0 ? size : 0, 77, inter);
    return 1;
}
