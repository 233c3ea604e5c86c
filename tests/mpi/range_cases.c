/* Range bounds, many cases in one process (tests/mpi/defects.sh): each line of
 * the file given is "DTYPE LO HI WANT", WANT counted with exact arithmetic
 * (Python's Fraction) by the test; DTYPE.bin holds the elements, little-endian.
 * Each case goes through the two parsers the tools use, pario-count's --range
 * (pario_count_query_set + _resolve) and pario-reduce's range= operation
 * (pario_reduce_add_op + pario_reduce_spec_check), then the counting kernel.
 * Prints every mismatch and the number of cases; exit 1 on any mismatch. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pario/count.h"
#include "pario/dataset.h"
#include "pario/reduce.h"

static void *load(const char *dtype, size_t es, size_t *n)
{
    char path[64];
    snprintf(path, sizeof path, "%s.bin", dtype);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long bytes = ftell(f);
    rewind(f);
    void *buf = malloc(bytes > 0 ? (size_t)bytes : 1);
    *n = buf && bytes > 0 && fread(buf, 1, (size_t)bytes, f) == (size_t)bytes ? (size_t)bytes / es : 0;
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    FILE *f = argc == 2 ? fopen(argv[1], "r") : NULL;
    if (!f) {
        fprintf(stderr, "usage: range_cases BOUNDS.txt\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    char t[32], lo[128], hi[128], arg[300];
    unsigned long long want;
    int cases = 0, bad = 0;
    while (fscanf(f, "%31s %127s %127s %llu", t, lo, hi, &want) == 4) {
        int dt = pario_dtype_from_name(t);
        size_t n = 0;
        void *buf = dt < 0 ? NULL : load(t, pario_dtype_size((pario_dtype)dt), &n);
        cases++;
        if (!buf || !n) {
            printf("%s: no data\n", t);
            bad++;
            free(buf);
            continue;
        }
        /* pario-count --range LO:HI */
        pario_count_query q;
        memset(&q, 0, sizeof q);
        snprintf(arg, sizeof arg, "%s:%s", lo, hi);
        uint64_t c[PARIO_COUNT_MAX_VALUES] = { 0 };
        pario_status st = pario_count_query_set(&q, PARIO_COUNT_RANGE, arg);
        if (!pario_failed(&st))
            st = pario_count_query_resolve(&q, (pario_dtype)dt);
        if (!pario_failed(&st))
            pario_count_chunk(&q, buf, n, (pario_dtype)dt, c);
        /* pario-reduce --op range=LO:HI */
        pario_reduce_spec s;
        pario_reduce_spec_init(&s);
        pario_dataset ds;
        memset(&ds, 0, sizeof ds);
        ds.dtype = (pario_dtype)dt;
        snprintf(arg, sizeof arg, "range=%s:%s", lo, hi);
        uint64_t r[PARIO_COUNT_MAX_VALUES] = { 0 };
        pario_status rs = pario_reduce_add_op(&s, arg);
        if (!pario_failed(&rs))
            rs = pario_reduce_spec_check(&s, &ds);
        if (!pario_failed(&rs))
            pario_count_chunk(&s.range, buf, n, (pario_dtype)dt, r);
        if (pario_failed(&st) || pario_failed(&rs) || c[0] != want || r[0] != want) {
            printf("range %s:%s on %s: count %llu%s, reduce %llu%s, exact %llu\n", lo, hi, t, (unsigned long long)c[0],
                   pario_failed(&st) ? " (refused)" : "", (unsigned long long)r[0],
                   pario_failed(&rs) ? " (refused)" : "", want);
            bad++;
        }
        free(buf);
    }
    fclose(f);
    printf("range bounds: %d cases checked, %d wrong\n", cases, bad);
    MPI_Finalize();
    return bad || cases == 0;
}
