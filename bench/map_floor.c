/* bench/map_floor.c: what a memory map of a cached file costs before any byte is
 * used. Each rank maps its contiguous half (block) of FILE, reads one byte of
 * every 4 KiB page (so the kernel must map each one) and unmaps it; no MPI-IO, no
 * computing. The cost is page-table work, and it depends on how the page cache
 * holds the file: a file read from disk sits in large folios (up to 2 MiB, each
 * mapped by one fault), a file left by small writes in small ones, mapped 64 KiB
 * at a time (doc/performance.md, "The page cache's state"). Rank 0 prints the
 * seconds and the minor faults per GiB of the slowest rank, so a table can say
 * which state it measured.
 *   mpiexec -n 2 map_floor FILE */
#define _GNU_SOURCE
#include <fcntl.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc != 2) {
        if (rank == 0)
            fprintf(stderr, "usage: map_floor FILE\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    int fd = open(argv[1], O_RDONLY);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        perror(argv[1]);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    long page = sysconf(_SC_PAGESIZE);
    off_t per = sb.st_size / size / page * page, off = per * rank;
    off_t end = rank == size - 1 ? sb.st_size : off + per;
    struct rusage r0, r1;
    getrusage(RUSAGE_SELF, &r0);
    double t0 = MPI_Wtime();
    volatile unsigned char sink = 0;
    if (end > off) {
        unsigned char *p = mmap(NULL, (size_t)(end - off), PROT_READ, MAP_SHARED, fd, off);
        if (p == MAP_FAILED) {
            perror("mmap");
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        for (off_t i = 0; i < end - off; i += page)
            sink += p[i];
        munmap(p, (size_t)(end - off));
    }
    double mine[2] = { MPI_Wtime() - t0, 0 };
    getrusage(RUSAGE_SELF, &r1);
    mine[1] = end > off ? (double)(r1.ru_minflt - r0.ru_minflt) / ((double)(end - off) / (1 << 30)) : 0;
    double worst[2];
    MPI_Reduce(mine, worst, 2, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    if (rank == 0)
        printf("%.4f s, %.0f faults per GiB\n", worst[0], worst[1]);
    close(fd);
    MPI_Finalize();
    return 0;
}
