/* Lesson 11 (manager side): a manager and its workers, pi by the midpoint rule.
 *
 * Teaches: a running MPI job starting more processes (pi_worker) with
 * MPI_Comm_spawn, talking to them through the intercommunicator it returns
 * (collectives across two groups: root = MPI_ROOT on the sending side), and
 * ending the connection cleanly.
 *
 *   pi = integral_0^1 4/(1+x^2) dx  ~  h * sum_{i=0}^{N-1} 4/(1+((i+0.5)h)^2),  h = 1/N
 *
 * The manager broadcasts N to the workers; worker w of W sums the terms
 * i = w, w+W, w+2W, ...; a Reduce over the intercommunicator adds the parts
 * on the manager.
 *
 * Ending cleanly. The classic mpi4py version of this lesson can hang; the
 * reasons, and what this one does instead:
 *  - MPI_Comm_disconnect is collective over BOTH groups of the
 *    intercommunicator. If only one side calls it, that side waits forever;
 *    and without it, MPI_Finalize spans every connected process, so a process
 *    that finishes early (or fails) keeps its partners waiting. Here both
 *    sides disconnect, as their last MPI call before MPI_Finalize.
 *  - A worker started by hand has no parent: MPI_Comm_get_parent gives
 *    MPI_COMM_NULL. pi_worker checks that and exits with a message instead
 *    of failing inside a collective its partners never join.
 *  - Not every MPI and launcher can spawn: Debian's MPICH 4.0 (ch4:ucx
 *    netmod) cannot open the port a spawn needs, some srun/PMI setups refuse.
 *    The spawn error is returned (MPI_ERRORS_RETURN), reported in one line,
 *    and the manager exits with status 1. A missing pi_worker is reported
 *    before trying.
 *
 * Where spawning is impossible, start the workers together with the manager
 * (an MPMD launch: `mpiexec A : B` puts both programs in one MPI_COMM_WORLD).
 * Each side splits MPI_COMM_WORLD by its MPI_APPNUM and joins the two halves
 * with MPI_Intercomm_create: the same kind of intercommunicator as the spawn
 * gives, so the Bcast, Reduce and Disconnect below are unchanged.
 *
 * Build:  mpicc.mpich -o pi_manager pi_manager.c && mpicc.mpich -o pi_worker pi_worker.c
 * Run:    mpiexec.mpich -n 1 ./pi_manager [WORKERS [N]]      (defaults: 3 workers, N = 1000)
 *         mpiexec.mpich -n 1 ./pi_manager 0 1000 : -n 3 ./pi_worker   (no spawn; WORKERS ignored)
 *         pi_worker is looked up next to pi_manager, or at $PI_WORKER.
 * Output: workers: 3, spawned           (or: 3, started with the manager)
 *         pi is approximately 3.1415927369231262, error is 0.0000000833333331 (N = 1000)
 *         The midpoint rule's error is close to 1/(12 N^2) here; the last
 *         digits depend on how the sum is split among the workers.
 */
#define _POSIX_C_SOURCE 200809L   /* readlink, access */
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const double PI = 3.141592653589793238462643;
enum { MPMD_TAG = 77 };

/* pi_worker in the directory of this program, unless $PI_WORKER names one. */
static void worker_path(char *path, size_t cap)
{
    const char *env = getenv("PI_WORKER");
    if (env && *env) {
        snprintf(path, cap, "%s", env);
        return;
    }
    ssize_t n = readlink("/proc/self/exe", path, cap - 1);
    if (n < 0)
        n = 0;
    path[n] = '\0';
    char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path + 1) : 0;
    snprintf(path + dir, cap - dir, "pi_worker");
}

static void die(int rank, int code, const char *msg)
{
    if (rank == 0)
        fprintf(stderr, "pi_manager: error: %s\n", msg);
    MPI_Finalize();
    exit(code);
}

/* MPMD launch: split MPI_COMM_WORLD by program (MPI_APPNUM) into *mine; if
 * another program shares the world, join the two with an intercommunicator
 * and return 1. The worker runs the same function. */
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
    /* The other group's leader: its lowest rank in MPI_COMM_WORLD. */
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

    MPI_Comm managers, workers_comm;
    int mpmd = mpmd_intercomm(&managers, &workers_comm);
    int rank;
    MPI_Comm_rank(managers, &rank);
    int workers = argc > 1 ? atoi(argv[1]) : 3;
    int n = argc > 2 ? atoi(argv[2]) : 1000;
    if ((!mpmd && workers < 1) || n < 1)
        die(rank, 2, "usage: mpiexec -n 1 ./pi_manager [WORKERS>0 [N>0]]");

    char msg[4096 + 512];
    if (mpmd) {
        MPI_Comm_remote_size(workers_comm, &workers);
    } else {
        char path[4096];
        worker_path(path, sizeof path);
        if (access(path, X_OK) != 0) {
            snprintf(msg, sizeof msg, "worker program %s is not executable (set PI_WORKER)", path);
            die(rank, 1, msg);
        }
        /* Spawn is collective over the managers (root 0) and reports its
         * errors on that communicator: make them returnable. */
        MPI_Comm_set_errhandler(managers, MPI_ERRORS_RETURN);
        int *errcodes = malloc(workers * sizeof *errcodes);
        int rc = MPI_Comm_spawn(path, MPI_ARGV_NULL, workers, MPI_INFO_NULL, 0, managers, &workers_comm,
                                errcodes);
        int started = 0;
        for (int i = 0; rc == MPI_SUCCESS && i < workers; i++)
            started += errcodes[i] == MPI_SUCCESS;
        free(errcodes);
        if (rc != MPI_SUCCESS || started != workers) {
            /* The error class's text is one line; the full error stack is not. */
            char err[MPI_MAX_ERROR_STRING] = "some workers did not start";
            int cls, len;
            if (rc != MPI_SUCCESS) {
                MPI_Error_class(rc, &cls);
                MPI_Error_string(cls, err, &len);
            }
            snprintf(msg, sizeof msg,
                     "cannot spawn %d workers (%s): this MPI or launcher cannot start processes at run time; "
                     "start them with the manager instead: mpiexec -n 1 ./pi_manager 0 %d : -n %d ./pi_worker",
                     workers, err, n, workers);
            die(rank, 1, msg);
        }
    }

    /* Across an intercommunicator the sending group's root passes MPI_ROOT and
     * its other members MPI_PROC_NULL; the receivers name the remote root (0). */
    int root = rank == 0 ? MPI_ROOT : MPI_PROC_NULL;
    double pi = 0, unused = 0;
    MPI_Bcast(&n, 1, MPI_INT, root, workers_comm);
    /* The managers send nothing; the send buffer is not used, but MPICH 4.0
     * rejects a NULL one, so pass a real address. */
    MPI_Reduce(&unused, &pi, 1, MPI_DOUBLE, MPI_SUM, root, workers_comm);

    /* Both sides disconnect: the workers do the same after their Reduce. */
    MPI_Comm_disconnect(&workers_comm);
    MPI_Comm_free(&managers);

    if (rank == 0) {
        printf("workers: %d, %s\n", workers, mpmd ? "started with the manager" : "spawned");
        printf("pi is approximately %.16f, error is %.16f (N = %d)\n", pi, fabs(pi - PI), n);
    }
    MPI_Finalize();
    return 0;
}
