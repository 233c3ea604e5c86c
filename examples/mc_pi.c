/* Lesson 13: Monte Carlo pi with a reduce.
 *
 * Teaches: an embarrassingly parallel computation finished by one MPI_Reduce.
 * Throw S random points into the unit square; the fraction inside the quarter
 * circle x^2 + y^2 < 1 approaches pi/4.
 *
 * Point i is (u(2i), u(2i+1)) with u(k) = splitmix64(SEED, k) scaled to
 * [0, 1) (include/pario/rng.h): it depends on i only, not on which rank draws
 * it. So the count inside, and the estimate, are identical on 1, 2, 3 or 4
 * ranks - a parallel program whose answer does not change with P is much
 * easier to test. (Per-rank seeded generators, the usual recipe, give a
 * different answer for every P.)
 *
 * Build:  mpicc.mpich -I<pario>/include -o mc_pi mc_pi.c
 * Run:    mpiexec.mpich -n 4 ./mc_pi [SAMPLES [SEED]]     (defaults 1000000, 42)
 * Output (rank 0), the same for any number of ranks:
 *           samples 1000000, inside 785295, pi ~ 3.141180 (error 0.000413)
 *         i.e. "samples S, inside K, pi ~ 4K/S (error |4K/S - pi|)";
 *         the error shrinks like 1/sqrt(S).
 */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include "args.h"
#include "pario/rng.h"

static const double PI = 3.141592653589793238462643;

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);

    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    long long s = argc > 1 ? lesson_number(argv[1], 1, LLONG_MAX, 0) : 1000000;
    long long sd = argc > 2 ? lesson_number(argv[2], 0, LLONG_MAX, -1) : 42;
    if (s < 1 || sd < 0) {
        if (rank == 0)
            fprintf(stderr, "mc_pi: error: usage: mpiexec -n P ./mc_pi [SAMPLES>0 [SEED>=0]] (whole decimal numbers)\n");
        MPI_Finalize();
        return 2;
    }
    uint64_t samples = (uint64_t)s, seed = (uint64_t)sd;

    /* This rank's block of point indices. */
    uint64_t base = samples / size, extra = samples % size;
    uint64_t first = rank * base + ((uint64_t)rank < extra ? (uint64_t)rank : extra);
    uint64_t end = first + base + ((uint64_t)rank < extra);

    uint64_t key = pario_rng_key(seed, 0), inside = 0, total = 0;
    for (uint64_t i = first; i < end; i++) {
        double x = pario_rng_unit(pario_rng_at(key, 2 * i));
        double y = pario_rng_unit(pario_rng_at(key, 2 * i + 1));
        inside += x * x + y * y < 1.0;
    }
    MPI_Reduce(&inside, &total, 1, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);

    if (rank == 0) {
        double pi = 4.0 * (double)total / (double)samples;
        printf("samples %" PRIu64 ", inside %" PRIu64 ", pi ~ %.6f (error %.6f)\n", samples, total, pi,
               fabs(pi - PI));
    }

    MPI_Finalize();
    return 0;
}
