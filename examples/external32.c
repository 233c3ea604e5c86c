/* Lesson 19: a portable file — the external32 data representation.
 *
 * Teaches: the datarep argument of MPI_File_set_view. "native" (the default)
 * stores memory bytes as they are: little-endian on x86, so another machine may
 * read them wrong. "external32" is MPI's portable format (big-endian, fixed
 * sizes): MPI converts on every write and read, and any MPI on any machine reads
 * the same numbers back. Each rank writes 4 ints at its offset in external32,
 * then rank 0 reads the first bytes raw ("native") to show the big-endian order.
 *
 * Build:  mpicc.mpich -o external32 external32.c
 * Run:    mpiexec.mpich -n 2 ./external32 portable.bin
 * Output: 2 ranks wrote 8 ints in external32; read back through the view: ok
 *         first int as raw bytes: 00 00 00 00 , second: 00 00 00 01  (big-endian)
 */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc != 2) {
        if (rank == 0)
            fprintf(stderr, "external32: error: usage: external32 FILE\n");
        MPI_Finalize();
        return 2;
    }
    enum { N = 4 };
    int v[N], back[N];
    for (int i = 0; i < N; i++)
        v[i] = rank * N + i; /* the global index */
    MPI_File fh;
    MPI_File_open(MPI_COMM_WORLD, argv[1], MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh);
    MPI_File_set_view(fh, 0, MPI_INT, MPI_INT, "external32", MPI_INFO_NULL); /* offsets count ints */
    MPI_File_write_at_all(fh, (MPI_Offset)rank * N, v, N, MPI_INT, MPI_STATUS_IGNORE);
    MPI_File_read_at_all(fh, (MPI_Offset)rank * N, back, N, MPI_INT, MPI_STATUS_IGNORE);
    int ok = 1, all;
    for (int i = 0; i < N; i++)
        ok &= back[i] == v[i];
    MPI_Reduce(&ok, &all, 1, MPI_INT, MPI_LAND, 0, MPI_COMM_WORLD);
    MPI_File_close(&fh);
    if (rank == 0) {
        unsigned char raw[8];
        FILE *f = fopen(argv[1], "rb"); /* the bytes as stored, no MPI */
        size_t got = f ? fread(raw, 1, sizeof raw, f) : 0;
        if (f)
            fclose(f);
        printf("%d ranks wrote %d ints in external32; read back through the view: %s\n", size, size * N,
               all ? "ok" : "WRONG");
        if (got == sizeof raw)
            printf("first int as raw bytes: %02x %02x %02x %02x , second: %02x %02x %02x %02x  (big-endian)\n",
                   raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7]);
    }
    MPI_Finalize();
    return all || rank ? 0 : 1;
}
