#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <fenv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decimal.h"
#include "pario/count.h"
#include "pario/fileutil.h"
#include "pario/kernels.h"
#include "pario/opts.h"
#include "slow.h"

pario_status pario_count_query_set(pario_count_query *q, pario_count_mode mode, const char *arg)
{
    /* a repeat is refused, not taken as the last one: --value 1 --value 2 may
     * mean both values (as grep -e a -e b does), which is --values 1,2 */
    if (q->mode == mode && mode == PARIO_COUNT_VALUE)
        return pario_error(PARIO_ERR_USAGE, "--value given twice: count several values with --values A,B,...");
    if (q->mode == mode && mode == PARIO_COUNT_VALUES)
        return pario_error(PARIO_ERR_USAGE, "--values given twice: list every value in one --values A,B,...");
    if (q->mode == mode)
        return pario_error(PARIO_ERR_USAGE, "--range given twice: a run counts one range");
    if (q->mode != PARIO_COUNT_NONE)
        return pario_error(PARIO_ERR_USAGE, "give one of --value, --range, --values");
    q->mode = mode;
    if (mode == PARIO_COUNT_RANGE) {
        char buf[2 * sizeof q->text[0] + 1], *a, *b;
        if (strlen(arg) >= sizeof buf)
            return pario_error(PARIO_ERR_USAGE, "--range '%s': a bound may have at most %d characters", arg,
                               (int)sizeof q->text[0] - 1);
        if (!pario_split_pair(arg, ':', buf, sizeof buf, &a, &b))
            return pario_error(PARIO_ERR_USAGE, "--range '%s': expected LO:HI", arg);
        /* the bounds are kept as text and parsed for the dtype later: a bound cut
         * to fit would be another number (1e-51 cut to 0.000...0 counted 0) */
        if (strlen(a) >= sizeof q->text[0] || strlen(b) >= sizeof q->text[0])
            return pario_error(PARIO_ERR_USAGE, "--range '%s': a bound may have at most %d characters", arg,
                               (int)sizeof q->text[0] - 1);
        snprintf(q->text[0], sizeof q->text[0], "%s", a);
        snprintf(q->text[1], sizeof q->text[1], "%s", b);
        q->n = 1;
        return pario_ok();
    }
    q->n = 0;
    const char *p = arg;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0)
            return pario_error(PARIO_ERR_USAGE, "'%s': expected a value or a comma-separated list of values", arg);
        if (len >= sizeof q->text[0])
            return pario_error(PARIO_ERR_USAGE, "'%.*s': a value may have at most %d characters", (int)len, p,
                               (int)sizeof q->text[0] - 1);
        if (q->n == PARIO_COUNT_MAX_VALUES)
            return pario_error(PARIO_ERR_USAGE, "at most %d values", PARIO_COUNT_MAX_VALUES);
        memcpy(q->text[q->n], p, len);
        q->text[q->n][len] = '\0';
        /* the values are the keys of the counts: each once */
        for (int k = 0; k < q->n; k++)
            if (strcmp(q->text[k], q->text[q->n]) == 0)
                return pario_error(PARIO_ERR_USAGE, "--values: '%s' given twice", q->text[k]);
        q->n++;
        if (!comma)
            break;
        p = comma + 1;
    }
    if (mode == PARIO_COUNT_VALUE && q->n != 1)
        return pario_error(PARIO_ERR_USAGE, "--value takes one value; use --values for several");
    return pario_ok();
}

/* A bound on float data, rounded up to the next double: x >= L and x < H hold for
 * a double (or float) x exactly when they hold for the rounded-up bounds, however
 * far the decimal lies beyond the type (1e400, 1e-400). glibc's strtod rounds in
 * the current rounding mode. */
static int bound_up(const char *text, double *out)
{
    if (isspace((unsigned char)text[0]))
        return 0; /* strtod would skip it; '16 ' is refused too */
    char *end;
    int mode = fegetround();
    fesetround(FE_UPWARD);
    double v = strtod(text, &end);
    fesetround(mode);
    if (end == text || *end || isnan(v))
        return 0;
    *out = v;
    return 1;
}

/* Two values a dtype can hold, parsed for it, are one key of the counts (for
 * floats ==, -0.0 equals 0, and any NaN the other NaN spellings). */
static int scalar_equal(const pario_scalar *a, const pario_scalar *b, pario_dtype t)
{
    if (pario_dtype_is_float(t))
        return a->f == b->f || (isnan(a->f) && isnan(b->f)); /* NaN and nan: one key */
    return a->i == b->i && a->u == b->u;
}

pario_status pario_count_query_resolve(pario_count_query *q, pario_dtype t)
{
    pario_status st;
    if (q->mode == PARIO_COUNT_RANGE) {
        q->empty = 0;
        if (pario_dtype_is_float(t)) {
            for (int k = 0; k < 2; k++)
                if (!bound_up(q->text[k], k ? &q->hi.f : &q->lo.f))
                    return pario_error(PARIO_ERR_USAGE, "--range %s:%s: '%s' is not a number", q->text[0],
                                       q->text[1], q->text[k]);
            return pario_ok();
        }
        __int128 b[2];
        for (int k = 0; k < 2; k++)
            if (!pario_decimal_ceil(q->text[k], &b[k], NULL))
                return pario_error(PARIO_ERR_USAGE, "--range %s:%s: '%s' is not a number", q->text[0], q->text[1],
                                   q->text[k]);
        /* [ceil(LO), ceil(HI) - 1] within the type */
        int64_t tmin;
        uint64_t tmax;
        pario_dtype_int_limits(t, &tmin, &tmax);
        __int128 a = b[0] < tmin ? tmin : b[0], z = b[1] - 1 > (__int128)tmax ? (__int128)tmax : b[1] - 1;
        if (a > z) {
            q->empty = 1;
            return pario_ok();
        }
        q->lo.i = (int64_t)a, q->lo.u = (uint64_t)a, q->lo.f = (double)a;
        q->hi.i = (int64_t)z, q->hi.u = (uint64_t)z, q->hi.f = (double)z;
        return pario_ok();
    }
    for (int i = 0; i < q->n; i++) {
        st = pario_scalar_parse(q->text[i], t, &q->value[i], &q->possible[i]);
        if (pario_failed(&st)) /* "'a' is not ...": the caller names what gave it (an option, an operation) */
            return st;
        /* the values are the keys of the counts: two spellings of one value of
         * the type (1 and 1.0, 0 and -0.0) would count the same elements twice */
        for (int k = 0; k < i; k++)
            if (q->possible[i] && q->possible[k] && scalar_equal(&q->value[i], &q->value[k], t))
                return pario_error(PARIO_ERR_USAGE, "--values: '%s' is the same %s value as '%s'", q->text[i],
                                   pario_dtype_name(t), q->text[k]);
    }
    return pario_ok();
}

void pario_count_chunk(const pario_count_query *q, const void *buf, size_t n, pario_dtype t, uint64_t *counts)
{
    if (n == 0)
        return;
    if (q->mode == PARIO_COUNT_RANGE) {
        if (pario_dtype_is_float(t))
            counts[0] += pario_kernel_count_range(buf, n, t, &q->lo, &q->hi);
        else if (!q->empty)
            counts[0] += pario_kernel_count_closed(buf, n, t, &q->lo, &q->hi);
        return;
    }
    for (int i = 0; i < q->n; i++)
        if (q->possible[i])
            counts[i] += pario_kernel_count_eq(buf, n, t, &q->value[i]);
}

pario_status pario_count_dataset(const pario_dataset *ds, const pario_view *view, const pario_count_query *q,
                                 const pario_io_opts *io, int per_rank, pario_progress *progress,
                                 pario_count_result *res, MPI_Comm comm)
{
    memset(res, 0, sizeof *res);
    double t0 = MPI_Wtime();
    uint64_t local[PARIO_COUNT_MAX_VALUES] = { 0 };
    pario_reader *r;
    pario_status st = pario_reader_open(&r, ds, view, io, comm);
    if (pario_failed(&st))
        return st;
    const void *data;
    size_t n;
    uint64_t start;
    while (pario_reader_next(r, &data, &n, &start, &st)) {
        double t0 = pario_slow_start();
        pario_count_chunk(q, data, n, ds->dtype, local);
        pario_slow_after(t0);
        if (progress)
            pario_progress_update(progress, pario_reader_bytes(r));
    }
    res->bytes = pario_reader_bytes(r);
    pario_reader_close(r);
    if (pario_failed(&st))
        return st;
    st = pario_count_combine(local, q, per_rank, res, comm);
    if (pario_failed(&st))
        return st;
    res->seconds = MPI_Wtime() - t0;
    return pario_ok();
}

pario_status pario_count_combine(const uint64_t *local, const pario_count_query *q, int per_rank,
                                 pario_count_result *res, MPI_Comm comm)
{
    pario_status st = pario_ok();
    MPI_Allreduce(local, res->counts, q->n, MPI_UINT64_T, MPI_SUM, comm);
    if (per_rank) {
        int rank, size;
        MPI_Comm_rank(comm, &rank);
        MPI_Comm_size(comm, &size);
        if (rank == 0 && !(res->per_rank = pario_alloc(sizeof(uint64_t) * (size_t)q->n * (size_t)size)))
            st = pario_sys_error(ENOMEM, "per-rank counts", NULL);
        if (pario_agree(&st, comm)) {
            pario_count_result_free(res);
            return st;
        }
        MPI_Gather(local, q->n, MPI_UINT64_T, res->per_rank, q->n, MPI_UINT64_T, 0, comm);
    }
    return st;
}

void pario_count_result_free(pario_count_result *res)
{
    free(res->per_rank);
    res->per_rank = NULL;
}
