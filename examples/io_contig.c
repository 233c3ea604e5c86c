/* Lesson 14: MPI-IO, a collective write and read at rank offsets.
 *
 * Teaches: all ranks open one shared file (MPI_File_open is collective), each
 * writes its block of a global array at its own byte offset with the
 * collective MPI_File_write_at_all, and reads with MPI_File_read_at_all. The
 * file is one plain array: no rank-count in it, nothing to merge.
 *
 * The global array has N int32 elements; element i holds 100*i + r, where r is
 * the rank that owns i in the block distribution (the first N % P ranks own
 * one more). After closing, each rank reopens the file read-only and reads
 * its right neighbour's block, checking every value.
 *
 * Build:  mpicc.mpich -o io_contig io_contig.c
 * Run:    mpiexec.mpich -n 3 ./io_contig array.bin [N]     (N defaults to 10)
 * Output: rank 0: wrote 4 ints at byte offset 0
 *         rank 1: wrote 3 ints at byte offset 16
 *         rank 2: wrote 3 ints at byte offset 28
 *         rank 0: read rank 1's 3 ints, all correct
 *         ... (any order). The file holds N * 4 bytes in native byte order
 *         (little-endian on x86): od -An -td4 array.bin shows 0 100 200 300
 *         401 501 601 702 802 902.
 */
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include "args.h"

static void block(long n, int size, int r, long *first, long *count)
{
    long base = n / size, extra = n % size;
    *count = base + (r < extra);
    *first = r * base + (r < extra ? r : extra);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);

    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    long n = argc > 2 ? (long)lesson_number(argv[2], 1, LONG_MAX, 0) : 10;
    if (argc < 2 || n < 1) {
        if (rank == 0)
            fprintf(stderr, "io_contig: error: usage: mpiexec -n P ./io_contig FILE [N>0]\n");
        MPI_Finalize();
        return 2;
    }
    const char *path = argv[1];
    /* File errors are returned (the default for files), so check them. */
    MPI_File fh;
    int rc = MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL, &fh);
    if (rc != MPI_SUCCESS) {
        if (rank == 0)
            fprintf(stderr, "io_contig: error: cannot create %s\n", path);
        MPI_Finalize();
        return 1;
    }
    MPI_File_set_size(fh, 0);   /* collective: drop what an older, longer file held */

    long first, count;
    block(n, size, rank, &first, &count);
    int *buf = malloc((count + 1) * sizeof *buf);
    for (long k = 0; k < count; k++)
        buf[k] = (int)(100 * (first + k) + rank);
    MPI_Offset offset = first * (MPI_Offset)sizeof(int);
    /* Collective: every rank calls it, even one with nothing to write. */
    MPI_File_write_at_all(fh, offset, buf, (int)count, MPI_INT, MPI_STATUS_IGNORE);
    MPI_File_close(&fh);
    printf("rank %d: wrote %ld ints at byte offset %lld\n", rank, count, (long long)offset);

    /* Read back the right neighbour's block: data written by another process. */
    int next = (rank + 1) % size;
    block(n, size, next, &first, &count);
    MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_RDONLY, MPI_INFO_NULL, &fh);
    buf = realloc(buf, (count + 1) * sizeof *buf);
    MPI_File_read_at_all(fh, first * (MPI_Offset)sizeof(int), buf, (int)count, MPI_INT, MPI_STATUS_IGNORE);
    MPI_File_close(&fh);
    int ok = 1;
    for (long k = 0; k < count; k++)
        ok &= buf[k] == 100 * (first + k) + next;
    printf("rank %d: read rank %d's %ld ints, %s\n", rank, next, count, ok ? "all correct" : "WRONG");

    free(buf);
    MPI_Finalize();
    return !ok;
}
