/* Histogram edges exactly as numpy.histogram computes them, so counts at the
 * edges agree: edge i = i * ((hi - lo) / bins) + lo (numpy.linspace), the last
 * edge = hi, and values binned by (x - lo) * (bins / (hi - lo)) then corrected
 * against the edges (lib/kernels/reduce.c). For float32 data the edges are
 * rounded to float32, as numpy makes them (pario_hist_for_dtype). */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "decimal.h"
#include "pario/reduce.h"

/* no fused multiply-add: linspace rounds the product and the sum separately
 * (GCC by the function's attribute; clang, which has no such attribute, by
 * the standard pragma, for the rest of this file) */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#define NO_FMA
#else
#define NO_FMA __attribute__((optimize("fp-contract=off")))
#endif
/* h->near and h->near32 (pario_hist): the kernels' arithmetic is monotone,
 * so a value whose image lies farther than every edge's image from the edges'
 * whole numbers is in the bin its image's floor says */
NO_FMA
static void hist_near(pario_hist *h)
{
    double d = 0.0, d32 = 0.0;
    const float n32 = (float)h->norm;
    for (uint64_t k = 0; k <= h->bins; k++) {
        volatile double t = (h->edges[k] - h->lo) * h->norm;
        double f = t + 1.0, g = fma(h->edges[k] - h->lo, h->norm, 1.0), w = (double)k + 1.0;
        float c = fmaf((float)(h->edges[k] - h->lo), n32, 0.5f);
        d = fmax(d, fmax(fabs(f - w), fabs(g - w)));
        d32 = fmax(d32, fabs((double)c - ((double)k + 0.5)));
    }
    h->near = d;
    h->near32 = d32;
}

NO_FMA
pario_status pario_hist_init(pario_hist *h, uint64_t bins, double lo, double hi)
{
    h->edges = NULL;
    if (!isfinite(lo) || !isfinite(hi))
        return pario_error(PARIO_ERR_RUNTIME, "histogram range [%g, %g] is not finite", lo, hi);
    if (lo > hi)
        return pario_error(PARIO_ERR_USAGE, "histogram range: min %g is greater than max %g", lo, hi);
    if (lo == hi) {
        lo -= 0.5;
        hi += 0.5;
    }
    h->bins = bins;
    h->lo = lo;
    h->hi = hi;
    h->norm = (double)bins / (hi - lo);
    h->edges = malloc((bins + 1) * sizeof(double));
    if (!h->edges)
        return pario_local_error("out of memory for %llu histogram edges", (unsigned long long)bins);
    const double step = (hi - lo) / (double)bins;
    for (uint64_t i = 0; i < bins; i++) {
        volatile double p = (double)i * step;
        h->edges[i] = p + lo;
    }
    h->edges[bins] = hi;
    /* numpy's "Too many bins for data range. Cannot create N finite-sized
     * bins": a range too narrow for its magnitude (min = max = 1e17, whose
     * widening by 0.5 changes nothing), or too wide for a double (-1e308 to
     * 1e308: hi - lo overflows) */
    int ok = isfinite(hi - lo) && isfinite(h->norm) && h->norm > 0.0;
    for (uint64_t i = 0; ok && i < bins; i++)
        ok = isfinite(h->edges[i]) && h->edges[i] < h->edges[i + 1];
    if (!ok) {
        pario_hist_free(h);
        return pario_error(PARIO_ERR_RUNTIME, "histogram range [%.17g, %.17g] (its bounds as float64, the edges' type, "
                           "as numpy's: integers beyond 2^53 round) cannot be cut into %llu finite-sized bins: give "
                           "--min and --max (a job's min and max) further apart, or fewer --bins (bins)", lo, hi,
                           (unsigned long long)bins);
    }
    hist_near(h);
    return pario_ok();
}

void pario_hist_free(pario_hist *h)
{
    free(h->edges);
    h->edges = NULL;
}

/* floor(text) = -ceil(-text), exactly */
static int decimal_floor(const char *text, __int128 *out)
{
    char neg[64];
    const char *t = text[0] == '+' ? text + 1 : text;
    if (t[0] == '-')
        snprintf(neg, sizeof neg, "%s", t + 1);
    else
        snprintf(neg, sizeof neg, "-%s", t);
    __int128 c;
    if (!pario_decimal_ceil(neg, &c, NULL))
        return 0;
    *out = -c;
    return 1;
}

pario_status pario_hist_for_dtype(pario_hist *h, pario_dtype t, const pario_reduce_spec *spec)
{
    h->int_lo = h->int_hi = 0;
    if (t == PARIO_FLOAT32) {
        /* numpy: linspace(lo, hi, bins + 1, dtype=float32) for float32 data,
         * and the range test against its first and last edges */
        double lo = h->lo, hi = h->hi;
        for (uint64_t i = 0; i <= h->bins; i++)
            h->edges[i] = (double)(float)h->edges[i];
        /* edges that meet in float32 leave bins of no width, which numpy fills
         * by its own arithmetic's accidents and pario dropped (all of 1e9 with
         * --min 1e9 --max 1e9+1: zeros); refused as a range of float64 edges is */
        for (uint64_t i = 0; i < h->bins; i++)
            if (!(h->edges[i] < h->edges[i + 1]))
                return pario_error(PARIO_ERR_RUNTIME, "histogram range [%.17g, %.17g] cannot be cut into %llu "
                                   "finite-sized bins of float32 (the data's type; its edges meet at %.9g): give "
                                   "--min and --max (a job's min and max) further apart, or fewer --bins (bins)", lo, hi,
                                   (unsigned long long)h->bins, h->edges[i]);
        h->lo = h->edges[0];
        h->hi = h->edges[h->bins];
        h->norm = (double)h->bins / (h->hi - h->lo);
        hist_near(h);
        return pario_ok();
    }
    if (t != PARIO_INT64 && t != PARIO_UINT64)
        return pario_ok();   /* smaller integers are exact in a double */
    const __int128 big = (__int128)1 << 53;
    __int128 b;
    if (spec->have_lo && pario_decimal_ceil(spec->lo_text, &b, NULL) && (b >= big || b <= -big)) {
        /* a bound below the type's least value admits every value: no test */
        if (t == PARIO_INT64 && b > INT64_MIN && b <= INT64_MAX)
            h->int_lo = 1, h->ilo = (int64_t)b;
        else if (t == PARIO_UINT64 && b > 0 && b <= (__int128)UINT64_MAX)
            h->int_lo = 1, h->ulo = (uint64_t)b;
    }
    if (spec->have_hi && decimal_floor(spec->hi_text, &b) && (b >= big || b <= -big)) {
        if (t == PARIO_INT64 && b >= INT64_MIN && b < INT64_MAX)
            h->int_hi = 1, h->ihi = (int64_t)b;
        else if (t == PARIO_UINT64 && b >= 0 && b < (__int128)UINT64_MAX)
            h->int_hi = 1, h->uhi = (uint64_t)b;
    }
    return pario_ok();
}
