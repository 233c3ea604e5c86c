/* Lesson 12: counting numbers, with the parameters from the environment.
 *
 * Teaches: splitting N items into P nearly equal blocks (the first N % P
 * ranks get one more), reading parameters from environment variables (mpiexec
 * passes the environment to every rank), and MPI_Gather of one count per rank
 * so the root can show how the work was shared.
 *
 * The numbers: x_i = splitmix64(SEED, i) mod MAX for i = 0 .. N-1, from
 * pario's counter-based generator (include/pario/rng.h): x_i depends only on i,
 * so the list, and the total, are the same for any number of ranks.
 *
 * Build:  mpicc.mpich -I<pario>/include -o count count.c
 * Run:    N=1000 MAX=10 FIND=3 mpiexec.mpich -n 3 ./count
 *         (defaults N=1000, MAX=10, FIND=3, SEED=1)
 * Output (rank 0; the per-rank counts vary with P, the total does not):
 *           N=1000 MAX=10 FIND=3 SEED=1 on 3 ranks
 *           rank 0: 334 numbers from index 0, 25 equal 3
 *           rank 1: 333 numbers from index 334, 29 equal 3
 *           rank 2: 333 numbers from index 667, 32 equal 3
 *           total: 86 of 1000 numbers equal 3
 *         A bad value (e.g. MAX=ten) is a usage error: one line, exit status 2.
 */
#include <errno.h>
#include <inttypes.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include "pario/rng.h"

/* An environment variable as an unsigned integer (dflt if unset): 0, or -1 if malformed. */
static int env_u64(const char *name, uint64_t dflt, uint64_t *out)
{
    const char *s = getenv(name);
    if (!s || !*s) {
        *out = dflt;
        return 0;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || *s == '-')
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);

    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    uint64_t n, max, find, seed;
    /* Every rank reads the same environment, so all agree on an error. */
    if (env_u64("N", 1000, &n) || env_u64("MAX", 10, &max) || env_u64("FIND", 3, &find) ||
        env_u64("SEED", 1, &seed) || max == 0) {
        if (rank == 0)
            fprintf(stderr, "count: error: N, FIND and SEED must be integers >= 0 and MAX an integer >= 1\n");
        MPI_Finalize();
        return 2;
    }

    /* Block distribution: rank r gets n/P items, plus one if r < n % P. */
    uint64_t base = n / size, extra = n % size;
    uint64_t mine = base + ((uint64_t)rank < extra);
    uint64_t first = rank * base + ((uint64_t)rank < extra ? (uint64_t)rank : extra);

    uint64_t key = pario_rng_key(seed, 0), found = 0;
    for (uint64_t i = first; i < first + mine; i++)
        found += pario_rng_at(key, i) % max == find;

    /* One count per rank to rank 0, in rank order. */
    uint64_t *counts = rank == 0 ? malloc(size * sizeof *counts) : NULL;
    MPI_Gather(&found, 1, MPI_UINT64_T, counts, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);

    if (rank == 0) {
        printf("N=%" PRIu64 " MAX=%" PRIu64 " FIND=%" PRIu64 " SEED=%" PRIu64 " on %d ranks\n", n, max, find,
               seed, size);
        uint64_t total = 0;
        for (int r = 0; r < size; r++) {
            uint64_t m = base + ((uint64_t)r < extra);
            uint64_t f = r * base + ((uint64_t)r < extra ? (uint64_t)r : extra);
            printf("rank %d: %" PRIu64 " numbers from index %" PRIu64 ", %" PRIu64 " equal %" PRIu64 "\n", r, m,
                   f, counts[r], find);
            total += counts[r];
        }
        printf("total: %" PRIu64 " of %" PRIu64 " numbers equal %" PRIu64 "\n", total, n, find);
        free(counts);
    }

    MPI_Finalize();
    return 0;
}
