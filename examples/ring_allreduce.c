/* Lesson 21: the ring allreduce (Horovod's, Baidu's), by hand.
 *
 * Teaches: an allreduce as two passes round a ring of ranks. The vector of N
 * values is cut into P segments. Reduce-scatter: in P-1 steps each rank sends
 * one segment to its right neighbour and adds the one from its left
 * (MPI_Sendrecv), after which rank r holds segment (r+1) mod P summed over all
 * ranks. Allgather: P-1 more steps pass the finished segments round the ring.
 * Each rank sends 2 (P-1) N / P values in all, whatever P: the bandwidth-optimal
 * allreduce, the one data-parallel training uses to average gradients.
 * Rank r contributes (r+1)(i+1) at index i; the result is checked against
 * MPI_Allreduce (integers in doubles: the sums are exact in any order).
 *
 * Build:  mpicc.mpich -o ring_allreduce ring_allreduce.c
 * Run:    mpiexec.mpich -n 4 ./ring_allreduce 6
 * Output: ring allreduce of 6 values on 4 ranks in 6 steps: 10 20 30 40 50 60
 *         rank 0: the same as MPI_Allreduce
 *         ... (one line per rank, from rank 0; at most 16 values, then "...")
 */
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include "args.h"

/* Each rank holds three vectors of N doubles: 1.5 GiB at this N. */
#define MAX_N (1 << 26)

/* Segment s of n values cut into p: [start, start + len) */
static int seg_start(int n, int p, int s) { return (int)((long)s * n / p); }

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, p;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &p);
    int n = argc > 1 ? (int)lesson_number(argv[1], 1, MAX_N, 0) : 8;
    if (n < 1) {
        if (rank == 0)
            fprintf(stderr, "ring_allreduce: error: N must be a whole number from 1 to %d\n", MAX_N);
        MPI_Finalize();
        return 2;
    }
    double *v = malloc(sizeof *v * n), *in = malloc(sizeof *in * n), *ref = malloc(sizeof *ref * n);
    /* every rank learns whether every rank has its memory: none is left
     * waiting in the ring for a rank that stopped */
    int ok = v && in && ref;
    MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!ok) {
        if (rank == 0)
            fprintf(stderr, "ring_allreduce: error: out of memory for 3 x %d doubles on some rank\n", n);
        free(v);
        free(in);
        free(ref);
        MPI_Finalize();
        return 1;
    }
    for (int i = 0; i < n; i++)
        v[i] = (double)(rank + 1) * (i + 1);
    MPI_Allreduce(v, ref, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);

    int right = (rank + 1) % p, left = (rank + p - 1) % p;
    for (int s = 0; s < p - 1; s++) {          /* reduce-scatter */
        int out = (rank - s + p) % p, got = (rank - s - 1 + 2 * p) % p;
        int o0 = seg_start(n, p, out), g0 = seg_start(n, p, got);
        int olen = seg_start(n, p, out + 1) - o0, glen = seg_start(n, p, got + 1) - g0;
        MPI_Sendrecv(v + o0, olen, MPI_DOUBLE, right, 0, in, glen, MPI_DOUBLE, left, 0,
                     MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        for (int i = 0; i < glen; i++)
            v[g0 + i] += in[i];
    }
    for (int s = 0; s < p - 1; s++) {          /* allgather */
        int out = (rank + 1 - s + p) % p, got = (rank - s + p) % p;
        int o0 = seg_start(n, p, out), g0 = seg_start(n, p, got);
        MPI_Sendrecv(v + o0, seg_start(n, p, out + 1) - o0, MPI_DOUBLE, right, 1, v + g0,
                     seg_start(n, p, got + 1) - g0, MPI_DOUBLE, left, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }

    int same = 1;
    for (int i = 0; i < n; i++)
        same &= v[i] == ref[i];
    /* Only rank 0 prints: lines from several ranks can be cut into each other
     * on their way through mpiexec. */
    int *all = rank == 0 ? malloc(sizeof(int) * (size_t)p) : NULL;
    MPI_Gather(&same, 1, MPI_INT, all, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        printf("ring allreduce of %d values on %d ranks in %d steps:", n, p, 2 * (p - 1));
        for (int i = 0; i < n && i < 16; i++)
            printf(" %g", v[i]);
        printf(n > 16 ? " ...\n" : "\n");
        for (int r = 0; r < p; r++)
            printf("rank %d: %s MPI_Allreduce\n", r, all[r] ? "the same as" : "DIFFERENT from");
        free(all);
    }
    free(v);
    free(in);
    free(ref);
    MPI_Finalize();
    return !same;
}
