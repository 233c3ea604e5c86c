/* bench/inflate_floor.c: the floor of reading a gzip (deflate, with or without
 * shuffle) chunked 1-D HDF5 dataset: each rank reads the compressed bytes of
 * the chunks pario's default split gives it (whole chunks dealt round-robin)
 * with H5Dread_chunk and inflates them with zlib into one reused buffer, and
 * nothing else: no unshuffle, no reduction, no copy. What the inflater allows;
 * pario's time above it is pario's and HDF5's own. Prints the elements inflated
 * and the slowest rank's seconds. MODE (third argument): zlib (the default:
 * zlib's uncompress), pario (lib/inflate.c's decoder, adler32 checked, as
 * pario's direct path runs it), or speed: each rank reads its chunks into memory
 * first (at most 512), then inflates them all with zlib and with pario's decoder in
 * alternation (5 rounds each) and prints each one's best MB/s of inflated output
 * per CPU second of the rank (CLOCK_THREAD_CPUTIME_ID: other processes on the
 * machine do not count), and checks that both give the same bytes.
 * Build: mpicc.mpich -O2 -Ilib -o inflate_floor bench/inflate_floor.c lib/inflate.c $(pkg-config --cflags --libs hdf5-mpich) -lz
 * Run:   mpiexec.mpich -n 2 ./inflate_floor FILE.h5 /dataset [zlib|pario|speed] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <hdf5.h>
#include <mpi.h>
#include <zlib.h>
#include "inflate.h"

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const char *mode = argc == 4 ? argv[3] : "zlib";
    if ((argc != 3 && argc != 4) || (strcmp(mode, "zlib") && strcmp(mode, "pario") && strcmp(mode, "speed"))) {
        if (rank == 0)
            fprintf(stderr, "usage: inflate_floor FILE.h5 /dataset [zlib|pario|speed]\n");
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
    unsigned char *out = malloc(cbytes + PARIO_INFLATE_SLACK), *in = malloc(cbytes + cbytes / 8 + 1024);
    size_t incap = cbytes + cbytes / 8 + 1024;
    unsigned long long elems = 0;
    const int speed = !strcmp(mode, "speed"), mine = !strcmp(mode, "pario");
    unsigned char **keep = speed ? calloc(nchunks, sizeof *keep) : NULL;
    size_t *klen = speed ? calloc(nchunks, sizeof *klen) : NULL, nkept = 0;
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
        if (speed && nkept < 512) { /* at most 512 chunks in memory */
            nkept++;
            keep[c] = malloc((size_t)nbytes);
            memcpy(keep[c], in, (size_t)nbytes);
            klen[c] = (size_t)nbytes;
        }
        uLongf got = (uLongf)cbytes;
        if (mine ? pario_inflate_fast(in, (size_t)nbytes, out, cbytes) != 0
                 : uncompress(out, &got, in, (uLong)nbytes) != Z_OK) {
            fprintf(stderr, "inflate_floor: chunk %llu does not inflate\n", (unsigned long long)c);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        elems += dims[0] - off[0] < chunk[0] ? dims[0] - off[0] : chunk[0];
    }
    if (speed) { /* zlib and pario's decoder on the same chunks, in alternation */
        unsigned char *ref = malloc(cbytes);
        double best[2] = { 1e30, 1e30 };
        int same = 1;
        for (int round = 0; round < 10; round++) {
            int which = round & 1;
            double t = cpu_now();
            for (hsize_t c = (hsize_t)rank; c < nchunks; c += (hsize_t)size) {
                if (!keep[c])
                    continue;
                uLongf got = (uLongf)cbytes;
                if (which == 0)
                    same &= uncompress(ref, &got, keep[c], (uLong)klen[c]) == Z_OK;
                else
                    same &= pario_inflate_fast(keep[c], klen[c], out, cbytes) == 0;
                if (round < 2 && which == 1) { /* compare once */
                    got = (uLongf)cbytes;
                    same &= uncompress(ref, &got, keep[c], (uLong)klen[c]) == Z_OK && !memcmp(ref, out, got);
                }
            }
            t = cpu_now() - t;
            if (round >= 2 && t < best[which])
                best[which] = t;
        }
        double bytes = 0, inb = 0;
        for (hsize_t c = (hsize_t)rank; c < nchunks; c += (hsize_t)size) {
            if (!keep[c])
                continue;
            bytes += (double)cbytes;
            inb += (double)klen[c];
        }
        printf("rank %d: %.0f MiB in %.0f MiB out; zlib %.0f MB/s, pario %.0f MB/s per CPU second (%.2fx); same bytes: %s\n",
               rank, inb / 1048576, bytes / 1048576, bytes / best[0] / 1e6, bytes / best[1] / 1e6, best[0] / best[1],
               same ? "yes" : "NO");
        for (hsize_t c = (hsize_t)rank; c < nchunks; c += (hsize_t)size)
            free(keep[c]);
        free(keep);
        free(klen);
        free(ref);
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
