/* Lesson 20: split collectives — start a collective write, work, then finish it.
 *
 * Teaches: MPI_File_write_all_begin / MPI_File_write_all_end. The begin call
 * starts a collective write of a buffer the program must not touch until the
 * end call; in between a rank may compute (here: the next block). At most one
 * split collective may be active per file handle. Whether the I/O really
 * proceeds in between depends on the MPI (ROMIO may do all of it in begin or in
 * end): the semantics are what is portable, the overlap is not guaranteed.
 *
 * Each rank writes B blocks of K doubles; block b of rank r holds the values
 * (b*P + r)*K + i, i.e. the file is 0, 1, 2, ... in a block-cyclic layout.
 *
 * Build:  mpicc.mpich -o split_collective split_collective.c
 * Run:    mpiexec.mpich -n 3 ./split_collective blocks.bin [B [K]]     (defaults B = 4, K = 1000)
 * Output: 3 ranks wrote 4 blocks of 1000 doubles each with split collectives: 12000 values
 */
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include "args.h"

static void fill(double *buf, int b, int rank, int size, int K)
{
    for (int i = 0; i < K; i++)
        buf[i] = (double)(((long)b * size + rank) * K + i);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int B = argc > 2 ? (int)lesson_number(argv[2], 1, INT_MAX, 0) : 4;
    int K = argc > 3 ? (int)lesson_number(argv[3], 1, INT_MAX, 0) : 1000;
    if (argc < 2 || B < 1 || K < 1) {
        if (rank == 0)
            fprintf(stderr, "split_collective: error: usage: split_collective FILE [B [K]] (B, K >= 1)\n");
        MPI_Finalize();
        return 2;
    }
    double *buf[2] = { malloc((size_t)K * sizeof(double)), malloc((size_t)K * sizeof(double)) };
    MPI_File fh;
    MPI_File_open(MPI_COMM_WORLD, argv[1], MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL, &fh);
    fill(buf[0], 0, rank, size, K);
    for (int b = 0; b < B; b++) {
        MPI_Offset at = ((MPI_Offset)b * size + rank) * K * (MPI_Offset)sizeof(double);
        MPI_File_write_at_all_begin(fh, at, buf[b % 2], K, MPI_DOUBLE);
        if (b + 1 < B)
            fill(buf[(b + 1) % 2], b + 1, rank, size, K); /* work while the write is in flight */
        MPI_File_write_at_all_end(fh, buf[b % 2], MPI_STATUS_IGNORE); /* now buf[b % 2] is ours again */
    }
    MPI_File_close(&fh);
    if (rank == 0)
        printf("%d ranks wrote %d blocks of %d doubles each with split collectives: %ld values\n", size, B, K,
               (long)size * B * K);
    free(buf[0]);
    free(buf[1]);
    MPI_Finalize();
    return 0;
}
