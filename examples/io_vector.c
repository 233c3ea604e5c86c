/* Lesson 15: MPI-IO, noncontiguous collective access through a file view.
 *
 * Teaches: a file view (MPI_File_set_view: displacement, etype, filetype) makes
 * each rank see only its own, scattered parts of a shared file. The filetype
 * here is a vector: B blocks of K ints, one block every K*P ints, so the
 * ranks' blocks interleave round-robin:
 *
 *     file: | r0 block 0 | r1 block 0 | ... | rP-1 block 0 | r0 block 1 | ...
 *
 * Rank r's view starts at displacement r*K ints. Through the view each rank
 * writes and reads one contiguous buffer with MPI_File_write_all /
 * MPI_File_read_all; MPI-IO scatters it into the blocks, and the collective
 * call lets ROMIO merge all ranks' pieces into large contiguous file accesses
 * (two-phase I/O) instead of B small ones per rank.
 *
 * Rank r's j-th int (j = 0 .. B*K-1) holds 1000*r + j.
 *
 * Build:  mpicc.mpich -o io_vector io_vector.c
 * Run:    mpiexec.mpich -n 3 ./io_vector strided.bin [B [K]]     (defaults B=3, K=2)
 * Output: rank 0 prints the file as it lies on disk (read without a view),
 *         one line per round of blocks, then each rank (any order) its check:
 *           round 0: 0 1 1000 1001 2000 2001
 *           round 1: 2 3 1002 1003 2002 2003
 *           round 2: 4 5 1004 1005 2004 2005
 *           rank 1: wrote and read back 3 blocks of 2 ints, all correct
 *           ...
 */
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include "args.h"

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);

    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int b = argc > 2 ? (int)lesson_number(argv[2], 1, INT_MAX, 0) : 3;
    int k = argc > 3 ? (int)lesson_number(argv[3], 1, INT_MAX, 0) : 2;
    if (argc < 2 || b < 1 || k < 1) {
        if (rank == 0)
            fprintf(stderr, "io_vector: error: usage: mpiexec -n P ./io_vector FILE [B>0 [K>0]]\n");
        MPI_Finalize();
        return 2;
    }
    const char *path = argv[1];
    int n = b * k;

    MPI_File fh;
    if (MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh) != MPI_SUCCESS) {
        if (rank == 0)
            fprintf(stderr, "io_vector: error: cannot create %s\n", path);
        MPI_Finalize();
        return 1;
    }
    MPI_File_set_size(fh, 0);

    /* B blocks of K ints, a block every K*P ints. Resized to the extent of a
     * whole round set (B*K*P ints) so that the view could tile further. */
    MPI_Datatype vec, filetype;
    MPI_Type_vector(b, k, k * size, MPI_INT, &vec);
    MPI_Type_create_resized(vec, 0, (MPI_Aint)b * k * size * sizeof(int), &filetype);
    MPI_Type_commit(&filetype);
    MPI_Type_free(&vec);
    MPI_Offset disp = (MPI_Offset)rank * k * sizeof(int);
    /* etype MPI_INT: offsets in the view count ints; "native": bytes as in memory. */
    MPI_File_set_view(fh, disp, MPI_INT, filetype, "native", MPI_INFO_NULL);

    int *buf = malloc(n * sizeof *buf);
    for (int j = 0; j < n; j++)
        buf[j] = 1000 * rank + j;
    MPI_File_write_all(fh, buf, n, MPI_INT, MPI_STATUS_IGNORE);

    /* Reading what other processes wrote through the same handle needs
     * sync - barrier - sync (MPI-IO's consistency rule without atomic mode). */
    MPI_File_sync(fh);
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_File_sync(fh);

    for (int j = 0; j < n; j++)
        buf[j] = -1;
    MPI_File_seek(fh, 0, MPI_SEEK_SET);   /* back to the start of the view */
    MPI_File_read_all(fh, buf, n, MPI_INT, MPI_STATUS_IGNORE);
    int ok = 1;
    for (int j = 0; j < n; j++)
        ok &= buf[j] == 1000 * rank + j;

    /* Rank 0 looks at the raw file: a view of plain bytes from offset 0. */
    MPI_File_set_view(fh, 0, MPI_BYTE, MPI_BYTE, "native", MPI_INFO_NULL);
    if (rank == 0) {
        int row = k * size, *all = malloc((size_t)n * size * sizeof *all);
        MPI_File_read_at(fh, 0, all, n * size, MPI_INT, MPI_STATUS_IGNORE);
        char *line = malloc((size_t)row * 12 + 1);   /* a line in one printf */
        for (int r = 0; r < b; r++) {
            int len = 0;
            for (int j = 0; j < row; j++)
                len += sprintf(line + len, " %d", all[r * row + j]);
            printf("round %d:%s\n", r, line);
        }
        free(line);
        free(all);
    }
    MPI_File_close(&fh);
    MPI_Type_free(&filetype);
    printf("rank %d: wrote and read back %d blocks of %d ints, %s\n", rank, b, k, ok ? "all correct" : "WRONG");

    free(buf);
    MPI_Finalize();
    return !ok;
}
