/* The wrong launcher is never silent.
 *
 * Started by another MPI's launcher (Open MPI's mpiexec, srun without a PMI
 * plugin MPICH speaks), an MPICH program finds no PMI server and runs as a
 * singleton: N copies, each "rank 0 of 1", each doing the whole job (a count
 * printed N times, N writers racing on one file). The launcher still leaves its
 * own variables in the environment; a world of one rank in an environment that
 * says the job has more tasks is that mistake. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <mpi.h>
#include "launcher.h"
#include "node.h"

#ifndef PARIO_MPIEXEC
#define PARIO_MPIEXEC "mpiexec.mpich"
#endif


int pario_launcher_mismatch(int world_size, char *msg, size_t len, int *print)
{
    *print = 0;
    if (world_size != 1)
        return 0;
    /* MPICH's own launcher (hydra) or a PMI-1/PMI-2 server, srun --mpi=pmi2
     * included: MPICH talked to it, so the world size is the launcher's. */
    if (getenv("PMI_FD") || getenv("PMI_PORT") || getenv("PMI_RANK"))
        return 0;
    long n, rank;
    if ((n = pario_node_env("OMPI_COMM_WORLD_SIZE")) > 1) {
        rank = pario_node_env("OMPI_COMM_WORLD_RANK");
        snprintf(msg, len,
                 "started by Open MPI's mpiexec for %ld ranks (OMPI_COMM_WORLD_SIZE=%ld), but pario is built with "
                 "MPICH: each process would run alone as rank 0 of 1; start it with " PARIO_MPIEXEC " -n %ld",
                 n, n, n);
    } else if ((rank = pario_node_env("PMIX_RANK")) >= 0 && getenv("SLURM_STEP_ID") == NULL
               && ((n = pario_node_env("PMIX_SIZE")) > 1 || (n < 0 && rank > 0))) {
        /* a PMIx launcher (Open MPI 5's prterun, ...); PMIx exports the rank and
         * not always the size: a rank above 0 is proof enough */
        snprintf(msg, len,
                 "started by a PMIx launcher (PMIX_RANK=%ld), which MPICH cannot join: each process would run "
                 "alone as rank 0 of 1; start it with " PARIO_MPIEXEC " -n N",
                 rank);
        if (n < 0)
            rank--; /* rank 0 cannot tell: rank 1 speaks for the job */
    } else if (getenv("SLURM_STEP_ID") && (n = pario_node_env("SLURM_STEP_NUM_TASKS")) > 1) {
        /* srun without --mpi=pmi2 (or with --mpi=pmix: MPICH here speaks PMI-1/2 only) */
        rank = pario_node_env("SLURM_PROCID");
        snprintf(msg, len,
                 "srun started %ld tasks that MPICH cannot join into one job (SLURM_STEP_NUM_TASKS=%ld, no PMI): "
                 "each would run alone as rank 0 of 1; use srun --mpi=pmi2 -n %ld, or " PARIO_MPIEXEC " -n %ld",
                 n, n, n, n);
    } else if ((n = pario_node_env("PMI_SIZE")) > 1) {
        rank = -1;
        snprintf(msg, len, "the launcher says %ld ranks (PMI_SIZE=%ld) but MPI started 1; start it with " PARIO_MPIEXEC
                           " -n %ld", n, n, n);
    } else {
        return 0;
    }
    /* one line for the job: from the launcher's rank 0 (or every copy if it is unknown) */
    *print = rank <= 0;
    return 1;
}

void pario_launcher_check(const char *argv0)
{
    int size = 0, print;
    char msg[512];
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (!pario_launcher_mismatch(size, msg, sizeof msg, &print))
        return;
    if (print) {
        const char *name = argv0 && *argv0 ? argv0 : "pario";
        const char *slash = strrchr(name, '/');
        if (slash)
            name = slash + 1;
        if (strncmp(name, "lt-", 3) == 0) /* libtool's uninstalled binary */
            name += 3;
        fprintf(stderr, "%s: error: %s\n", name, msg);
        fflush(stderr);
    } else {
        /* Open MPI's mpiexec kills the whole job when the first process exits
         * non-zero: a silent copy that exits first would kill the one that
         * speaks before it has printed (seen when rank 0 starts late, as
         * through libtool's wrapper). The copy that speaks exits at once and
         * takes the others with it; they leave on their own only if it never
         * comes. */
        sleep(5);
    }
    MPI_Finalize();
    exit(2);
}
