/* bench/runs_floor.c: the floor under a cyclic read of a cached file from a
 * memory map. Each of P ranks maps the whole FILE and counts the int64 values
 * equal to 7 in its own runs of RUN bytes (rank r takes runs r, r + P, ...;
 * RUN = 0: one contiguous block per rank, as --dist block), with a plain loop the
 * compiler vectorises: no MPI-IO, no views, no pario. Started by mpiexec like
 * pario-count, so start-up costs are the same. The count of the whole file is
 * checked to be the same for every RUN.
 *   mpiexec -n 2 runs_floor FILE RUN */
#define _GNU_SOURCE
#include <fcntl.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

__attribute__((target("avx2"))) static uint64_t count7(const int64_t *restrict x, size_t n)
{
    uint64_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += x[i] == 7;
    return c;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc != 3) {
        if (rank == 0)
            fprintf(stderr, "usage: runs_floor FILE RUN\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    size_t run = strtoull(argv[2], NULL, 0);
    int fd = open(argv[1], O_RDONLY);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0 || run % 8) {
        perror(argv[1]);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    const size_t len = (size_t)sb.st_size;
    const char *p = len ? mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0) : NULL;
    if (p == MAP_FAILED) {
        perror("mmap");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    uint64_t c = 0;
    if (run == 0) {
        size_t per = len / 8 / (size_t)size * 8, off = per * (size_t)rank;
        size_t end = rank == size - 1 ? len : off + per;
        c = count7((const int64_t *)(p + off), (end - off) / 8);
    } else {
        for (size_t off = run * (size_t)rank; off < len; off += run * (size_t)size) {
            size_t n = len - off < run ? len - off : run;
            c += count7((const int64_t *)(p + off), n / 8);
        }
    }
    uint64_t all = 0;
    MPI_Reduce(&c, &all, 1, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0)
        printf("%llu\n", (unsigned long long)all);
    if (len)
        munmap((void *)p, len);
    close(fd);
    MPI_Finalize();
    return 0;
}
