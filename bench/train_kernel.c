/* bench/train_kernel.c: CPU nanoseconds per row of pario-train's segment
 * kernel (lib/kernels/train.c, compiled into this program by
 * bench/train_kernel.sh), and of a second build of it (a git revision, its
 * symbols renamed base_*) in alternation, with the same bits checked.
 *   cached: one segment of M rows x F float32 features over and over (in L1/L2),
 *           the prefetch pointed at a second cached segment;
 *   stream: segments of M rows at random from FILE (mapped: a float32 matrix
 *           in the page cache, e.g. bench/train.sh's X.bin), each call
 *           prefetching the next, as pario-train does.
 * For each model (linear, logistic, softmax with K classes, 10 by default)
 * prints the medians of REPS alternating rounds, ns/row, current and base.
 *   train_kernel [REPS [FILE]]   (F, M: the environment, default 64; MODEL=0|1|2
 *   one model; K softmax classes, default 10; F64=1 rows of doubles,
 *   pario_train_segment (cached only);
 *   NOPF=1 no prefetch) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef int (*segment_fn)(int model, const double *w, uint64_t f, uint64_t k, const float *x, const double *y,
                          uint64_t m, double *g, double *loss, uint64_t *correct, double *z, const void *pf,
                          uint64_t pfbytes);
int pario_train_segment(int, const double *, uint64_t, uint64_t, const double *, const double *, uint64_t, double *,
                        double *, uint64_t *, double *);
int pario_train_segment_f32(int, const double *, uint64_t, uint64_t, const float *, const double *, uint64_t,
                            double *, double *, uint64_t *, double *, const void *, uint64_t);
#ifdef HAVE_BASE
int base_train_segment(int, const double *, uint64_t, uint64_t, const double *, const double *, uint64_t, double *,
                       double *, uint64_t *, double *);
int base_train_segment_f32(int, const double *, uint64_t, uint64_t, const float *, const double *, uint64_t,
                           double *, double *, uint64_t *, double *, const void *, uint64_t);
#endif

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int nopf;   /* NOPF=1: no prefetch */
static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

enum { NSEG = 4096 };

/* F64=1: rows of doubles (pario_train_segment), the float32 rows widened once (cached mode) */
static const double *xd;
static const float *xbase;
static int cur64(int model, const double *w, uint64_t f, uint64_t k, const float *x, const double *y, uint64_t m,
                 double *g, double *loss, uint64_t *correct, double *z, const void *pf, uint64_t pfbytes)
{
    (void)pf, (void)pfbytes;
    return pario_train_segment(model, w, f, k, xd + (x - xbase), y, m, g, loss, correct, z);
}
#ifdef HAVE_BASE
static int base64(int model, const double *w, uint64_t f, uint64_t k, const float *x, const double *y, uint64_t m,
                  double *g, double *loss, uint64_t *correct, double *z, const void *pf, uint64_t pfbytes)
{
    (void)pf, (void)pfbytes;
    return base_train_segment(model, w, f, k, xd + (x - xbase), y, m, g, loss, correct, z);
}
#endif

/* one round: nseg segments through fn; returns ns per row; the gradient in g */
static double round_ns(segment_fn fn, int model, const double *w, uint64_t f, uint64_t k, const float *x,
                       const uint64_t *seg, uint64_t nseg, const double *y, uint64_t m, double *g, double *loss,
                       double *z, uint64_t rowfloats)
{
    uint64_t correct = 0;
    memset(g, 0, k * (f + 1) * sizeof *g);
    double t0 = cpu_now();
    for (uint64_t s = 0; s < nseg; s++) {
        const float *xs = x + seg[s] * rowfloats;
        const float *pf = x + seg[s + 1] * rowfloats;
        fn(model, w, f, k, xs, y, m, g, loss, &correct, z, nopf ? NULL : pf, m * f * sizeof(float));
    }
    return (cpu_now() - t0) * 1e9 / (double)(nseg * m);
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 15;
    uint64_t f = getenv("F") ? strtoull(getenv("F"), NULL, 0) : 64;
    uint64_t m = getenv("M") ? strtoull(getenv("M"), NULL, 0) : 64;
    const char *file = argc > 2 ? argv[2] : NULL;
    uint64_t kmax = getenv("K") ? strtoull(getenv("K"), NULL, 0) : 10, nrows = 2 * m;
    float *x;
    if (file) {
        int fd = open(file, O_RDONLY);
        struct stat sb;
        if (fd < 0 || fstat(fd, &sb) != 0 || (uint64_t)sb.st_size < 2 * m * f * 4) {
            perror(file);
            return 1;
        }
        nrows = (uint64_t)sb.st_size / (f * 4);
        x = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
        if (x == MAP_FAILED) {
            perror("mmap");
            return 1;
        }
        madvise(x, (size_t)sb.st_size, MADV_RANDOM);
#ifdef MADV_POPULATE_READ
        madvise(x, (size_t)sb.st_size, MADV_POPULATE_READ);
#else
        madvise(x, (size_t)sb.st_size, 22);
#endif
    } else {
        x = malloc(nrows * f * sizeof *x);
        for (uint64_t i = 0; i < nrows * f; i++)
            x[i] = (float)((int64_t)(next() % 2001) - 1000) / 500.0f;
    }
    int f64 = !file && getenv("F64") && atoi(getenv("F64"));
    if (f64) {
        double *d = malloc(nrows * f * sizeof *d);
        for (uint64_t i = 0; i < nrows * f; i++)
            d[i] = x[i];
        xd = d;
        xbase = x;
    }
    segment_fn cur = f64 ? cur64 : (segment_fn)pario_train_segment_f32;
#ifdef HAVE_BASE
    segment_fn base = f64 ? base64 : (segment_fn)base_train_segment_f32;
#endif
    /* the segments in order: at random from the file, or the two cached ones in turn */
    uint64_t nseg = file ? NSEG : 20000, *seg = malloc((nseg + 1) * sizeof *seg);
    for (uint64_t s = 0; s <= nseg; s++)
        seg[s] = file ? (next() % (nrows / m)) * m : (s % 2) * m;
    double *w = malloc(kmax * (f + 1) * sizeof *w), *y = malloc(m * sizeof *y);
    double *g1 = malloc(kmax * (f + 1) * sizeof *g1), *g2 = malloc(kmax * (f + 1) * sizeof *g2);
    double *loss = malloc(m * sizeof *loss), *loss2 = malloc(m * sizeof *loss2);
    double *z = malloc(2 * (kmax > m ? kmax : m) * sizeof *z);
    for (uint64_t j = 0; j < kmax * (f + 1); j++)
        w[j] = (double)((int64_t)(next() % 2001) - 1000) / 20000.0;
    static const char *names[] = { "linear", "logistic", "softmax" };
    printf("%s: %llu rows x %llu %s features a segment, %d rounds\n", file ? file : "cached",
           (unsigned long long)m, (unsigned long long)f, f64 ? "float64" : "float32", reps);
    nopf = getenv("NOPF") && atoi(getenv("NOPF"));
    int only = getenv("MODEL") ? atoi(getenv("MODEL")) : -1;   /* 0 linear, 1 logistic, 2 softmax */
    for (int model = 0; model < 3; model++) {
        if (only >= 0 && model != only)
            continue;
        uint64_t k = model == 2 ? kmax : 1;
        for (uint64_t i = 0; i < m; i++)
            y[i] = model == 2 ? (double)(i % k) : model == 1 ? (double)(i % 3 == 0) : (double)i / (double)m;
        uint64_t *segs = seg, n = file ? nseg : nseg / k;   /* ~10-20 ms a round */
        double *a = malloc(reps * sizeof *a), *b = malloc(reps * sizeof *b);
        int same = 1;
        (void)same;
        for (int r = 0; r < reps; r++) {
            for (uint64_t q = 0; file && q <= nseg; q++)   /* fresh segments: not in the caches from the last round */
                seg[q] = (next() % (nrows / m)) * m;
            a[r] = round_ns(cur, model, w, f, k, x, segs, n, y, m, g1, loss, z, f);
#ifdef HAVE_BASE
            for (uint64_t q = 0; file && q <= nseg; q++)
                seg[q] = (next() % (nrows / m)) * m;
            b[r] = round_ns(base, model, w, f, k, x, segs, n, y, m, g2, loss2, z, f);
            a[r] += 0 * round_ns(cur, model, w, f, k, x, segs, 1, y, m, g1, loss, z, f);
            b[r] += 0 * round_ns(base, model, w, f, k, x, segs, 1, y, m, g2, loss2, z, f);
            same &= memcmp(g1, g2, k * (f + 1) * sizeof *g1) == 0 && memcmp(loss, loss2, m * sizeof *loss) == 0;
#endif
        }
        qsort(a, reps, sizeof *a, cmp);
        qsort(b, reps, sizeof *b, cmp);
#ifdef HAVE_BASE
        printf("%-9s current %6.2f ns/row (min %6.2f)   base %6.2f ns/row (min %6.2f)   base/current %.2f   bits %s\n",
               names[model], a[reps / 2], a[0], b[reps / 2], b[0], b[reps / 2] / a[reps / 2], same ? "same" : "DIFFER");
#else
        printf("%-9s current %6.2f ns/row (min %6.2f)\n", names[model], a[reps / 2], a[0]);
#endif
        free(a);
        free(b);
    }
    return 0;
}
