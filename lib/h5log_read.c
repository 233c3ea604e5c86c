/* Reading a pario-pi log serially (pario-plot, and --resume before reopening it
 * in parallel), independent of how many ranks wrote it. */
#include "config.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hdf5.h>
#include "pario/h5log.h"
#include "h5attr.h"
#include "h5err.h"

/* Read a whole 1-D or 2-D dataset; its shape into dims. */
static pario_status read_dset(hid_t f, const char *path, const char *name, int nd, hid_t mtype, size_t esize,
                              hsize_t dims[2], void **out)
{
    *out = NULL;
    if (H5Lexists(f, name, H5P_DEFAULT) <= 0)
        return pario_error(PARIO_ERR_RUNTIME, "%s: not a pario-pi log (no dataset /%s)", path, name);
    /* the log's own datasets: an external link made --resume write into
     * another file (unlocked), a soft link into another dataset */
    if (pario_h5_is_link(f, name))
        return pario_error(PARIO_ERR_RUNTIME, "%s: /%s is a link, not a dataset of the log", path, name);
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    hid_t sp = d >= 0 ? H5Dget_space(d) : -1;
    int rank = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
    pario_status st = pario_ok();
    if (sp < 0) { /* a damaged header: HDF5 cannot open it (it said "-1 dimensions") */
        st = pario_error(PARIO_ERR_RUNTIME, "%s: cannot open /%s (damaged)", path, name);
    } else if (rank != nd) {
        st = pario_error(PARIO_ERR_RUNTIME, "%s: /%s has %d dimensions, expected %d", path, name, rank, nd);
    } else {
        dims[1] = 1;
        H5Sget_simple_extent_dims(sp, dims, NULL);
        /* an extent is metadata: another file's 2^32 x 2^32 made n wrap to 0,
         * and the rows were then read past a 1-byte buffer (a crash) */
        int fits = dims[1] == 0 || dims[0] <= SIZE_MAX / esize / dims[1];
        size_t n = fits ? (size_t)dims[0] * (size_t)dims[1] : 0;
        *out = fits ? malloc(n ? n * esize : 1) : NULL;
        if (!fits)
            st = pario_error(PARIO_ERR_RUNTIME, "%s: /%s is too large (%llu x %llu values)", path, name,
                             (unsigned long long)dims[0], (unsigned long long)dims[1]);
        else if (!*out)
            st = pario_local_error("%s: out of memory reading /%s", path, name);
        else if (n && H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) < 0)
            st = pario_error(PARIO_ERR_RUNTIME, "%s: cannot read /%s", path, name);
    }
    if (sp >= 0)
        H5Sclose(sp);
    if (d >= 0)
        H5Dclose(d);
    if (pario_failed(&st)) {
        free(*out);
        *out = NULL;
    }
    return st;
}

static pario_status read_all(hid_t f, const char *path, pario_pi_history *h)
{
    char method[32] = "";
    uint64_t seed = 0, spr = 0, rounds = 0;
    int64_t ranks = 0;
    static const char *const need[] = { "method", "seed", "samples_per_round", "rounds", "ranks" };
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (H5Aexists(f, need[i]) <= 0)
            return pario_error(PARIO_ERR_RUNTIME, "%s: not a pario-pi log (no attribute '%s')", path, need[i]);
    if (!pario_h5attr_str(f, "method", method, sizeof method) ||
        !pario_h5attr_u64(f, "seed", &seed) || !pario_h5attr_u64(f, "samples_per_round", &spr) ||
        !pario_h5attr_u64(f, "rounds", &rounds) || !pario_h5attr_i64(f, "ranks", &ranks))
        return pario_error(PARIO_ERR_RUNTIME, "%s: unreadable pario-pi attributes", path);
    pario_status st = pario_pi_method_parse(method, &h->p.method);
    if (pario_failed(&st))
        return pario_error(PARIO_ERR_RUNTIME, "%s: unknown method '%s' in the log", path, method);
    h->p.seed = seed;
    h->p.samples = spr;
    h->p.rounds = rounds;
    h->ranks = ranks;
    st = pario_pi_params_check(&h->p);
    if (pario_failed(&st) || ranks < 1)
        return pario_error(PARIO_ERR_RUNTIME, "%s: the log's attributes are inconsistent", path);
    pario_h5attr_str(f, "generator", h->generator, sizeof h->generator);
    pario_h5attr_str(f, "pario_version", h->version, sizeof h->version);
    pario_h5attr_str(f, "start_time", h->start_time, sizeof h->start_time);
    if (!pario_h5attr_u64(f, "block_points", &h->block)) /* a midpoint log's --resume refuses 0 (pi_run.c) */
        h->block = 0;

    int mid = h->p.method == PARIO_PI_MIDPOINT;
    hsize_t dv[2], ds[2], de[2], dse[2], dt[2];
    void *value = NULL;
    st = read_dset(f, path, mid ? "sums" : "hits", 2, mid ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64, 8, dv, &value);
    if (mid)
        h->sums = value;
    else
        h->hits = value;
    if (!pario_failed(&st))
        st = read_dset(f, path, "samples", 2, H5T_NATIVE_INT64, 8, ds, (void **)&h->samples);
    if (!pario_failed(&st))
        st = read_dset(f, path, "estimate", 1, H5T_NATIVE_DOUBLE, 8, de, (void **)&h->estimate);
    if (!pario_failed(&st))
        st = read_dset(f, path, "stderr", 1, H5T_NATIVE_DOUBLE, 8, dse, (void **)&h->std_err);
    if (!pario_failed(&st))
        st = read_dset(f, path, "time", 1, H5T_NATIVE_DOUBLE, 8, dt, (void **)&h->time);
    /* midpoint: the rounds' exact totals; a log written before they existed has
     * none (callers are in H5E_BEGIN_TRY: the probe prints nothing) */
    hsize_t dto[2] = { 0, 1 };
    if (!pario_failed(&st) && mid && H5Lexists(f, "total", H5P_DEFAULT) > 0)
        st = read_dset(f, path, "total", 1, H5T_NATIVE_DOUBLE, 8, dto, (void **)&h->total);
    if (pario_failed(&st))
        return st;
    if (dv[1] != ds[1] || dv[1] < 1)
        return pario_error(PARIO_ERR_RUNTIME, "%s: /samples and /%s have different rank columns", path,
                           mid ? "sums" : "hits");
    h->cols = dv[1];
    /* "ranks" is the rank columns' count (h5log.c writes both): a log that
     * says otherwise was edited, and --resume kept it so */
    if ((uint64_t)ranks != h->cols)
        return pario_error(PARIO_ERR_RUNTIME, "%s: the log's attributes are inconsistent (ranks %lld, %llu rank columns)",
                           path, (long long)ranks, (unsigned long long)h->cols);
    /* 2-D arrays are row-major with dims[1] columns: keep them, cut the row count. */
    uint64_t n = dv[0];
    if (ds[0] < n) n = ds[0];
    if (de[0] < n) n = de[0];
    if (dse[0] < n) n = dse[0];
    if (dt[0] < n) n = dt[0];
    if (h->total && dto[0] < n) n = dto[0];
    /* The longest prefix of complete, consistent rounds. */
    pario_pi_tally t;
    pario_pi_tally_init(&t, h->p.method);
    uint64_t good = 0;
    for (uint64_t r = 0; r < n; r++) {
        /* added modulo 2^64 (a hand-made log's values may overflow); a
         * negative hit count fails the check of the estimate */
        uint64_t hits = 0, samples = 0;
        double sum = 0;
        int bad = 0; /* a rank's negative count (one of -100000 and 200000 made a round "complete") */
        for (uint64_t c = 0; c < h->cols; c++) {
            bad |= h->samples[r * h->cols + c] < 0 ||
                   (!mid && (h->hits[r * h->cols + c] < 0 || h->hits[r * h->cols + c] > h->samples[r * h->cols + c]));
            samples += (uint64_t)h->samples[r * h->cols + c];
            if (mid)
                sum += h->sums[r * h->cols + c];
            else
                hits += (uint64_t)h->hits[r * h->cols + c];
        }
        if (bad || samples != h->p.samples || hits > samples)
            break;
        if (h->total)
            sum = h->total[r];
        pario_pi_tally_add(&t, (int64_t)hits, sum, samples);
        /* each stored value as recomputed from the rounds' tallies, bit for bit
         * (--resume promises the /estimate of an uninterrupted run; an estimate
         * edited by 2e-12 relative was kept). Only a midpoint log of before
         * /total, whose sums re-added here differ in their last bits, is
         * compared within 1e-12 of the stored value's own scale (a /total of
         * inf made the recomputed estimate inf, and 1e-12 * inf let any stored
         * value pass), and its standard error (the spread of those estimates)
         * not at all. */
        int exact = !mid || h->total;
        double e = pario_pi_estimate(&t), stored = h->estimate[r];
        if (!(e == stored || (!exact && fabs(e - stored) <= 1e-12 * fabs(stored))))
            break;
        /* (a /stderr set to -1 was drawn as a band far off the plot, and kept by --resume) */
        double se = pario_pi_stderr(&t), sstored = h->std_err[r];
        if (exact && !(se == sstored || (isnan(se) && isnan(sstored))))
            break;
        good = r + 1;
    }
    h->rounds = good;
    return pario_ok();
}

int pario_h5log_is(const char *path)
{
    hid_t f;
    H5E_BEGIN_TRY {
        f = H5Fis_hdf5(path) > 0 ? H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT) : H5I_INVALID_HID;
    } H5E_END_TRY;
    if (f < 0)
        return -1;
    int yes = H5Aexists(f, "method") > 0;
    H5Fclose(f);
    return yes;
}

static pario_status read_file(const char *path, pario_pi_history *h)
{
    FILE *probe = fopen(path, "rb");
    if (!probe)
        return pario_error(PARIO_ERR_RUNTIME, "%s: cannot open: %s", path, strerror(errno));
    fclose(probe);
    if (H5Fis_hdf5(path) <= 0)
        return pario_error(PARIO_ERR_RUNTIME, "%s: not an HDF5 file (not a pario-pi log)", path);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
    {
        pario_status st = pario_h5_error("HDF5 cannot open it", path);
        st.local = 0;
        return st;
    }
    pario_status st = read_all(f, path, h);
    H5Fclose(f);
    return st;
}

pario_status pario_h5log_read(const char *path, pario_pi_history *h)
{
    memset(h, 0, sizeof *h);
    pario_status st = pario_ok();
    /* failures come back as statuses, not HDF5's stack dumps */
    H5E_BEGIN_TRY {
        st = read_file(path, h);
    } H5E_END_TRY;
    if (pario_failed(&st))
        pario_pi_history_free(h);
    return st;
}

void pario_pi_history_free(pario_pi_history *h)
{
    free(h->hits);
    free(h->sums);
    free(h->samples);
    free(h->estimate);
    free(h->std_err);
    free(h->time);
    free(h->total);
    h->hits = h->samples = NULL;
    h->sums = h->estimate = h->std_err = h->time = h->total = NULL;
}
