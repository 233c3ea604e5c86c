/* Lesson 17: individual and shared file pointers.
 *
 * Teaches: a shared file pointer is one position for the whole communicator;
 * MPI_File_write_ordered appends each rank's data in rank order without anyone
 * computing an offset, even when ranks write different amounts. Individual
 * pointers (MPI_File_read) are one per rank; here each rank reads its own line
 * back by seeking its individual pointer to the offset the others' lengths imply
 * (an MPI_Exscan of the lengths: what write_ordered did for us).
 *
 * Build:  mpicc.mpich -o shared_fp shared_fp.c
 * Run:    mpiexec.mpich -n 3 ./shared_fp lines.txt
 * Output: lines.txt holds "rank 0: *", "rank 1: **", "rank 2: ***", one per line,
 *         and rank 0 prints: 3 ranks wrote 33 bytes in rank order; each read its line back: ok
 */
#include <mpi.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc != 2) {
        if (rank == 0)
            fprintf(stderr, "shared_fp: error: usage: shared_fp FILE\n");
        MPI_Finalize();
        return 2;
    }
    char line[128], back[128] = "";
    int len = snprintf(line, sizeof line, "rank %d: %.*s\n", rank, rank % 64 + 1,
                       "****************************************************************");
    MPI_File fh;
    MPI_File_delete(argv[1], MPI_INFO_NULL); /* start from an empty file (an error if absent is fine) */
    MPI_File_open(MPI_COMM_WORLD, argv[1], MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL, &fh);
    MPI_File_write_ordered(fh, line, len, MPI_CHAR, MPI_STATUS_IGNORE); /* shared pointer */
    MPI_Offset total; /* where the shared pointer ended: every rank's bytes */
    MPI_File_get_position_shared(fh, &total);
    MPI_File_close(&fh);

    long mine = len, before = 0; /* where my line starts: the lengths of the ranks before me */
    MPI_Exscan(&mine, &before, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    if (rank == 0)
        before = 0; /* MPI_Exscan leaves rank 0's result undefined */
    MPI_File_open(MPI_COMM_WORLD, argv[1], MPI_MODE_RDONLY, MPI_INFO_NULL, &fh);
    MPI_File_seek(fh, before, MPI_SEEK_SET);                     /* individual pointer */
    MPI_File_read(fh, back, len, MPI_CHAR, MPI_STATUS_IGNORE);
    MPI_File_close(&fh);
    int ok = memcmp(back, line, (size_t)len) == 0, all;
    MPI_Reduce(&ok, &all, 1, MPI_INT, MPI_LAND, 0, MPI_COMM_WORLD);
    if (rank == 0)
        printf("%d ranks wrote %lld bytes in rank order; each read its line back: %s\n", size, (long long)total,
               all ? "ok" : "WRONG");
    MPI_Finalize();
    return all || rank ? 0 : 1;
}
