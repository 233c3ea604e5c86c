/* bench/reduce_kernels.c: CPU time per element of the reduce kernels on a buffer
 * that stays in L2 (256 KiB of float64 N(0, 1), the reduce driver's slice), each
 * variant timed in alternation within one run, medians of the rounds:
 *   minmax      min and max only
 *   sum         + the exact sum
 *   sq-shifted  + the default variance's shifted squares
 *   sq-exact    + the exact squares (--exact)
 *   hist100     the 100-bin histogram alone
 * and then the default set with the histogram (sq-shifted + hist100) as the
 * reduce driver runs it, 256 KiB slices of a 256 MiB buffer: from memory, the
 * kernels' software prefetch at work (the data is read once per round).
 * Built and run by bench/reduce_kernels.sh against the build's libpario. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "pario/reduce_kernels.h"

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define N (32 * 1024)
#define ROUNDS 15
#define KINDS 5

int main(int argc, char **argv)
{
    long reps = argc > 1 ? atol(argv[1]) : 400;
    double *x = malloc(N * sizeof *x);
    uint64_t state = 1;
    for (int i = 0; i < N; i++) { /* N(0, 1) by Box-Muller-free sum of uniforms (enough here) */
        double s = 0;
        for (int k = 0; k < 12; k++) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            s += (double)(state >> 11) / 9007199254740992.0;
        }
        x[i] = s - 6;
    }
    pario_hist h;
    pario_status st = pario_hist_init(&h, 100, -6, 6);
    if (pario_failed(&st))
        return 1;
    uint64_t *counts = calloc(100, sizeof *counts);
    const char *names[KINDS] = { "minmax", "sum", "sq-shifted", "sq-exact", "hist100" };
    double t[KINDS][ROUNDS];
    double sink = 0;
    for (int r = 0; r < ROUNDS; r++)
        for (int k = 0; k < KINDS; k++) {
            double t0 = cpu_now();
            for (long i = 0; i < reps; i++) {
                pario_acc a;
                switch (k) {
                case 0: pario_kernel_reduce(x, N, PARIO_FLOAT64, PARIO_NEED_MINMAX, &a); break;
                case 1: pario_kernel_reduce(x, N, PARIO_FLOAT64, PARIO_NEED_MINMAX | PARIO_NEED_SUM, &a); break;
                case 2:
                    pario_kernel_reduce_shifted(x, N, PARIO_FLOAT64, PARIO_NEED_MINMAX | PARIO_NEED_SUM | PARIO_NEED_M2,
                                                1, x[0], &a);
                    break;
                case 3:
                    pario_kernel_reduce(x, N, PARIO_FLOAT64, PARIO_NEED_MINMAX | PARIO_NEED_SUM | PARIO_NEED_M2, &a);
                    break;
                default: pario_kernel_hist(x, N, PARIO_FLOAT64, &h, counts); a.min.f = 0; break;
                }
                sink += a.min.f;
            }
            t[k][r] = (cpu_now() - t0) / ((double)reps * N) * 1e9;
        }
    printf("%-12s %s\n", "kernel", "ns/element (CPU, median of 15)");
    for (int k = 0; k < KINDS; k++) {
        qsort(t[k], ROUNDS, sizeof(double), cmp);
        printf("%-12s %.3f\n", names[k], t[k][ROUNDS / 2]);
    }
    /* from memory: the driver's slices of a buffer far larger than the caches */
    const size_t big = (size_t)32 << 20, slice = N;
    double *y = malloc(big * sizeof *y);
    if (!y)
        return 1;
    for (size_t i = 0; i < big; i++)
        y[i] = x[i % N];
    double tm[5];
    for (int r = 0; r < 5; r++) {
        double t0 = cpu_now();
        for (size_t off = 0; off < big; off += slice) {
            pario_acc a;
            pario_kernel_reduce_shifted(y + off, slice, PARIO_FLOAT64,
                                        PARIO_NEED_MINMAX | PARIO_NEED_SUM | PARIO_NEED_M2, 1, y[0], &a);
            pario_kernel_hist_cached(y + off, slice, PARIO_FLOAT64, &h, counts);
            sink += a.min.f;
        }
        tm[r] = (cpu_now() - t0) / (double)big * 1e9;
    }
    qsort(tm, 5, sizeof(double), cmp);
    printf("%-12s %.3f  (sq-shifted + hist100, 256 MiB from memory, median of 5)\n", "set-memory", tm[2]);
    free(y);
    fprintf(stderr, "(%g)\n", sink);
    return 0;
}
