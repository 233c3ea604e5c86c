/* Lesson 18: consistency — when does one rank see what another wrote?
 *
 * Teaches: MPI-IO's default semantics are not POSIX's: a write by one rank is
 * guaranteed visible to a read by another only after sync-barrier-sync (the
 * writer syncs, everyone passes a barrier, the reader syncs), or when the file
 * is in atomic mode (MPI_File_set_atomicity), which costs locks on every access.
 * Without either, a reader may see stale data (on a local disk it usually will
 * not; on NFS or with client caches it can).
 *
 * Build:  mpicc.mpich -o consistency consistency.c
 * Run:    mpiexec.mpich -n 3 ./consistency value.bin
 * Output: sync-barrier-sync: all 3 ranks read 42
 *         atomic mode: all 3 ranks read 43
 */
#include <mpi.h>
#include <stdio.h>

/* rank 0 writes v at offset 0, then every rank reads it back */
static int round_trip(MPI_File fh, int v, int use_sync, int rank)
{
    if (rank == 0)
        MPI_File_write_at(fh, 0, &v, 1, MPI_INT, MPI_STATUS_IGNORE);
    if (use_sync)
        MPI_File_sync(fh); /* collective: the writer's data leaves its caches */
    MPI_Barrier(MPI_COMM_WORLD);
    if (use_sync)
        MPI_File_sync(fh); /* the readers drop what they cached before */
    int got = -1;
    MPI_File_read_at(fh, 0, &got, 1, MPI_INT, MPI_STATUS_IGNORE);
    int ok = got == v, all;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    return all;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc != 2) {
        if (rank == 0)
            fprintf(stderr, "consistency: error: usage: consistency FILE\n");
        MPI_Finalize();
        return 2;
    }
    MPI_File fh;
    MPI_File_open(MPI_COMM_WORLD, argv[1], MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh);
    int a = round_trip(fh, 42, 1, rank);
    MPI_File_set_atomicity(fh, 1); /* collective; from now on every access is atomic and visible */
    int b = round_trip(fh, 43, 0, rank);
    MPI_File_close(&fh);
    if (rank == 0) {
        printf("sync-barrier-sync: %s %d ranks read 42\n", a ? "all" : "NOT all", size);
        printf("atomic mode: %s %d ranks read 43\n", b ? "all" : "NOT all", size);
    }
    MPI_Finalize();
    return a && b ? 0 : 1;
}
