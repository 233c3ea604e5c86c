/* bench/rows_floor.c: the floor under any data-parallel pass over the rows of
 * a cached float32 matrix on this machine, and how it scales with ranks.
 * Each rank maps FILE, fills the page tables of its contiguous 1/P of the
 * rows (MADV_POPULATE_READ, as pario-train does before its loop), waits for
 * the others, then takes the dot product of each of its rows with a fixed
 * vector of F floats (float arithmetic, vectorised: -O3 -march=native) and
 * nothing else. Printed by rank 0: the slowest rank's seconds for that loop.
 * With BLOCK, the rows are visited as pario-train visits them: in blocks of
 * BLOCK rows (its --shuffle-block), the rank's blocks in a shuffled order, the
 * next block's lines prefetched while the current one is summed, a row's
 * worth with each row (pario-train prefetches the next segment's rows the
 * same way).
 * Started by mpiexec like pario-train.
 *   mpiexec -n P rows_floor FILE F [BLOCK] */
#define _GNU_SOURCE
#include <fcntl.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc != 3 && argc != 4) {
        if (rank == 0)
            fprintf(stderr, "usage: rows_floor FILE F [BLOCK]\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    size_t f = strtoull(argv[2], NULL, 0);
    int fd = open(argv[1], O_RDONLY);
    struct stat sb;
    if (f == 0 || f > 4096 || fd < 0 || fstat(fd, &sb) != 0 || sb.st_size < (off_t)(f * 4)) {
        perror(argv[1]);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    const float *x = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
    if (x == MAP_FAILED) {
        perror("mmap");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    size_t n = (size_t)sb.st_size / (f * 4), lo = n * (size_t)rank / (size_t)size,
           hi = n * (size_t)(rank + 1) / (size_t)size;
    size_t page = (size_t)sysconf(_SC_PAGESIZE), a = lo * f * 4 / page * page;
    madvise((char *)x + a, hi * f * 4 - a, MADV_POPULATE_READ);
    float w[4096];
    for (size_t j = 0; j < f; j++)
        w[j] = 1.0f / (float)(j + 1);
    /* without BLOCK, one block of all the rank's rows */
    size_t block = argc == 4 ? strtoull(argv[3], NULL, 0) : 0;
    block = block ? block : (hi > lo ? hi - lo : 1);
    size_t nb = (hi - lo + block - 1) / block, *order = malloc((nb ? nb : 1) * sizeof *order);
    if (!order)
        MPI_Abort(MPI_COMM_WORLD, 1);
    uint64_t rs = 0x9e3779b97f4a7c15ull ^ (uint64_t)rank;
    for (size_t b = 0; b < nb; b++) {   /* Fisher-Yates with xorshift64 */
        order[b] = b;
        rs ^= rs << 13, rs ^= rs >> 7, rs ^= rs << 17;
        size_t k = (size_t)(rs % (b + 1)), t = order[b];
        order[b] = order[k];
        order[k] = t;
    }
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime(), total = 0.0;
    for (size_t b = 0; b < nb; b++) {
        size_t first = lo + order[b] * block, end = first + block < hi ? first + block : hi;
        /* the next block's rows, row i's share prefetched with row i of this one
         * (spread over the block, as pario-train's kernel spreads them: all at
         * once, the prefetches queue and the rows at hand wait behind them) */
        const char *pf = NULL, *pfend = NULL;
        if (b + 1 < nb) {
            size_t nf = lo + order[b + 1] * block, ne = nf + block < hi ? nf + block : hi;
            pf = (const char *)(x + nf * f);
            pfend = (const char *)(x + ne * f);
        }
        size_t share = (f * 4 + 63) / 64 * 64;
        for (size_t i = first; i < end; i++) {
            for (size_t off = 0; off < share && pf < pfend; off += 64, pf += 64)
                __builtin_prefetch(pf, 0, 2);
            const float *row = x + i * f;
            float s = 0.0f;
            for (size_t j = 0; j < f; j++)
                s += row[j] * w[j];
            total += s > 0.0f;
        }
    }
    free(order);
    double t = MPI_Wtime() - t0, slowest;
    MPI_Reduce(&t, &slowest, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    if (rank == 0)
        printf("%.6f %g\n", slowest, total);
    munmap((void *)x, (size_t)sb.st_size);
    close(fd);
    MPI_Finalize();
    return 0;
}
