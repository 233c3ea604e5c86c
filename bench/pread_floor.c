/* bench/pread_floor.c: the floor under any reader of a cached file on this machine.
 * Each rank pread()s its contiguous half (block) of FILE in CHUNK-byte pieces into
 * one page-aligned buffer and does nothing else: no MPI-IO, no counting. Started
 * by mpiexec like pario-count, so start-up costs are the same.
 *   mpiexec -n 2 pread_floor FILE CHUNK */
#define _GNU_SOURCE
#include <fcntl.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc != 3) {
        if (rank == 0)
            fprintf(stderr, "usage: pread_floor FILE CHUNK\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    size_t chunk = strtoull(argv[2], NULL, 0);
    int fd = open(argv[1], O_RDONLY);
    struct stat sb;
    void *buf = NULL;
    if (fd < 0 || fstat(fd, &sb) != 0 || posix_memalign(&buf, 4096, chunk) != 0) {
        perror(argv[1]);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    off_t per = sb.st_size / size, off = per * rank, end = rank == size - 1 ? sb.st_size : off + per;
    unsigned long long total = 0;
    while (off < end) {
        size_t want = (size_t)(end - off) < chunk ? (size_t)(end - off) : chunk;
        ssize_t got = pread(fd, buf, want, off);
        if (got <= 0) {
            perror("pread");
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        total += (unsigned long long)got;
        off += got;
    }
    unsigned long long all = 0;
    MPI_Reduce(&total, &all, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0)
        printf("%llu bytes\n", all);
    free(buf);
    close(fd);
    MPI_Finalize();
    return 0;
}
