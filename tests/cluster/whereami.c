/* whereami: each rank reports the host it runs on; rank 0 prints one line per
 * rank, in rank order: "rank R of N on HOST as ENTRY", where HOST is
 * MPI_Get_processor_name and ENTRY the hostfile entry Hydra launched the rank
 * for (it exports it as MPIR_CVAR_CH3_INTERFACE_HOSTNAME; "-" when unset, e.g.
 * under srun). The cluster tests run it with the same hostfile and launcher as
 * the pario tools, to see where ranks land without adding a host report to
 * pario itself. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

enum { ENTRY_MAX = 256, REC = MPI_MAX_PROCESSOR_NAME + ENTRY_MAX };

int main(int argc, char **argv)
{
    int rank, size, len;
    char rec[REC] = {0}; /* processor name, then the hostfile entry */

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Get_processor_name(rec, &len);
    const char *entry = getenv("MPIR_CVAR_CH3_INTERFACE_HOSTNAME");
    snprintf(rec + MPI_MAX_PROCESSOR_NAME, ENTRY_MAX, "%s", entry && *entry ? entry : "-");

    char *all = NULL;
    if (rank == 0 && !(all = malloc((size_t)size * REC))) {
        fprintf(stderr, "whereami: error: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Gather(rec, REC, MPI_CHAR, all, REC, MPI_CHAR, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        for (int r = 0; r < size; r++) {
            const char *at = all + (size_t)r * REC;
            printf("rank %d of %d on %s as %s\n", r, size, at, at + MPI_MAX_PROCESSOR_NAME);
        }
        fflush(stdout);
        free(all);
    }
    MPI_Finalize();
    return 0;
}
