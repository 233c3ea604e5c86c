/* Lesson 11b (manager side): a manager starts its workers, pi by the midpoint rule.
 *
 * Teaches: a running job starting more processes (pi_worker) with
 * MPI_Comm_spawn, collectives over the intercommunicator it returns (the
 * sending root passes MPI_ROOT), and ending the connection with
 * MPI_Comm_disconnect on BOTH sides: it is collective over both groups, so a
 * one-sided disconnect, or none, is why the classic mpi4py version can hang.
 *   pi = integral_0^1 4/(1+x^2) dx ~ h * sum_{i<N} 4/(1+((i+0.5)h)^2), h = 1/N;
 * the manager broadcasts N, worker w of W sums the terms i = w, w+W, ...,
 * and a Reduce adds the parts on the manager.
 * Not every MPI can spawn (Debian's MPICH 4.0 with ch4:ucx cannot): the error
 * is returned (MPI_ERRORS_RETURN), reported in one line, and the manager
 * exits with status 1. Then start the workers with it, as Lesson 11a does
 * (mpmd.h): the same kind of intercommunicator, so the rest is unchanged.
 *
 * Build:  mpicc.mpich -o pi_manager pi_manager.c -lm && mpicc.mpich -o pi_worker pi_worker.c
 * Run:    mpiexec.mpich -n 1 ./pi_manager [WORKERS [N]]     (defaults 3, 1000; pi_worker beside it)
 *         mpiexec.mpich -n 1 ./pi_manager 0 1000 : -n 3 ./pi_worker   (no spawn)
 * Output: workers: 3, spawned           (or: 3, started with the manager)
 *         pi is approximately 3.1415927369231262, error is 0.0000000833333331 (N = 1000)
 */
#define _POSIX_C_SOURCE 200809L   /* access */
#include <math.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "args.h"
#include "mpmd.h"

static int die(MPI_Comm comm, int code, const char *msg)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    if (rank == 0)
        fprintf(stderr, "pi_manager: error: %s\n", msg);
    MPI_Finalize();
    exit(code);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm managers, workers_comm;
    int mpmd = mpmd_intercomm(&managers, &workers_comm), rank, rc, cls, len;
    int workers = argc > 1 ? (int)lesson_number(argv[1], 1, INT_MAX, 0) : 3;
    int n = argc > 2 ? (int)lesson_number(argv[2], 1, INT_MAX, 0) : 1000;
    if ((!mpmd && workers < 1) || n < 1)
        die(managers, 2, "usage: mpiexec -n 1 ./pi_manager [WORKERS>0 [N>0]]");
    char path[4096], err[MPI_MAX_ERROR_STRING], msg[4096 + 512];
    if (mpmd) {
        MPI_Comm_remote_size(workers_comm, &workers);
    } else {   /* pi_worker in the directory of this program, or $PI_WORKER */
        const char *slash = strrchr(argv[0], '/');
        snprintf(path, sizeof path, "%.*spi_worker", slash ? (int)(slash - argv[0] + 1) : 0, argv[0]);
        if (getenv("PI_WORKER"))
            snprintf(path, sizeof path, "%s", getenv("PI_WORKER"));
        if (access(path, X_OK) != 0) {
            snprintf(msg, sizeof msg, "worker program %s is not executable (set PI_WORKER)", path);
            die(managers, 1, msg);
        }
        MPI_Comm_set_errhandler(managers, MPI_ERRORS_RETURN);   /* spawn errors come back */
        rc = MPI_Comm_spawn(path, MPI_ARGV_NULL, workers, MPI_INFO_NULL, 0, managers, &workers_comm,
                            MPI_ERRCODES_IGNORE);
        if (rc != MPI_SUCCESS) {
            MPI_Error_class(rc, &cls);
            MPI_Error_string(cls, err, &len);
            snprintf(msg, sizeof msg, "cannot spawn %d workers (%s): this MPI or launcher cannot "
                     "start processes at run time; start them with the manager instead: "
                     "mpiexec -n 1 ./pi_manager 0 %d : -n %d ./pi_worker", workers, err, n, workers);
            die(managers, 1, msg);
        }
    }
    MPI_Comm_rank(managers, &rank);
    int root = rank == 0 ? MPI_ROOT : MPI_PROC_NULL;
    double pi = 0, unused = 0;   /* the managers send nothing, but MPICH 4.0 rejects a NULL buffer */
    MPI_Bcast(&n, 1, MPI_INT, root, workers_comm);
    MPI_Reduce(&unused, &pi, 1, MPI_DOUBLE, MPI_SUM, root, workers_comm);
    MPI_Comm_disconnect(&workers_comm);   /* the workers do the same after their Reduce */
    MPI_Comm_free(&managers);
    if (rank == 0) {
        printf("workers: %d, %s\n", workers, mpmd ? "started with the manager" : "spawned");
        printf("pi is approximately %.16f, error is %.16f (N = %d)\n", pi, fabs(pi - 3.141592653589793), n);
    }
    MPI_Finalize();
    return 0;
}
