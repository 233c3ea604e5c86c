/* bench/inflate_floor.c: the floor of reading a gzip (deflate, with or without
 * shuffle) chunked 1-D HDF5 dataset: each rank reads the compressed bytes of
 * the chunks pario's default split gives it (whole chunks dealt round-robin)
 * with H5Dread_chunk and inflates them with zlib into one reused buffer, and
 * nothing else: no unshuffle, no reduction, no copy. What zlib allows; pario's
 * time above it is pario's and HDF5's own. Prints the elements inflated and the
 * slowest rank's seconds.
 * Build: mpicc.mpich -O2 -o inflate_floor inflate_floor.c $(pkg-config --cflags --libs hdf5-mpich) -lz
 * Run:   mpiexec.mpich -n 2 ./inflate_floor FILE.h5 /dataset */
#include <stdio.h>
#include <stdlib.h>
#include <hdf5.h>
#include <mpi.h>
#include <zlib.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc != 3) {
        if (rank == 0)
            fprintf(stderr, "usage: inflate_floor FILE.h5 /dataset\n");
        MPI_Finalize();
        return 2;
    }
    double t0 = MPI_Wtime();
    hid_t f = H5Fopen(argv[1], H5F_ACC_RDONLY, H5P_DEFAULT), d = f >= 0 ? H5Dopen2(f, argv[2], H5P_DEFAULT) : -1;
    if (d < 0) {
        fprintf(stderr, "inflate_floor: cannot open %s:%s\n", argv[1], argv[2]);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    hid_t space = H5Dget_space(d), dcpl = H5Dget_create_plist(d), type = H5Dget_type(d);
    hsize_t dims[1], chunk[1];
    H5Sget_simple_extent_dims(space, dims, NULL);
    H5Pget_chunk(dcpl, 1, chunk);
    size_t esize = H5Tget_size(type), cbytes = (size_t)chunk[0] * esize;
    hsize_t nchunks = (dims[0] + chunk[0] - 1) / chunk[0];
    unsigned char *out = malloc(cbytes), *in = malloc(cbytes + cbytes / 8 + 1024);
    size_t incap = cbytes + cbytes / 8 + 1024;
    unsigned long long elems = 0;
    for (hsize_t c = (hsize_t)rank; c < nchunks; c += (hsize_t)size) {
        hsize_t off[1] = { c * chunk[0] }, nbytes = 0;
        uint32_t mask = 0;
        H5Dget_chunk_storage_size(d, off, &nbytes);
        if (nbytes > incap) {
            incap = (size_t)nbytes;
            in = realloc(in, incap);
        }
        if (H5Dread_chunk(d, H5P_DEFAULT, off, &mask, in) < 0) {
            fprintf(stderr, "inflate_floor: H5Dread_chunk failed\n");
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        uLongf got = (uLongf)cbytes;
        if (uncompress(out, &got, in, (uLong)nbytes) != Z_OK) {
            fprintf(stderr, "inflate_floor: chunk %llu does not inflate\n", (unsigned long long)c);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        elems += dims[0] - off[0] < chunk[0] ? dims[0] - off[0] : chunk[0];
    }
    H5Tclose(type);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Dclose(d);
    H5Fclose(f);
    double t = MPI_Wtime() - t0, tmax = 0;
    unsigned long long all = 0;
    MPI_Reduce(&t, &tmax, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    MPI_Reduce(&elems, &all, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0)
        printf("elements: %llu\nseconds: %.4f\n", all, tmax);
    free(in);
    free(out);
    MPI_Finalize();
    return 0;
}
