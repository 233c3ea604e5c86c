#include "config.h"
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "pario/view.h"

/* Elements owned by rank r when n items are dealt in blocks of k over p ranks. */
static uint64_t cyclic_count(uint64_t n, uint64_t k, int p, int r)
{
    uint64_t nb = n / k, tail = n % k, up = (uint64_t)p, ur = (uint64_t)r;
    uint64_t c = (nb / up + (ur < nb % up ? 1 : 0)) * k;
    if (tail && nb % up == ur)
        c += tail;
    return c;
}

static pario_status mpi_type_err(int err, const char *what)
{
    return pario_mpi_error(err, what, NULL);
}

static void set_contiguous(pario_view *v, uint64_t start, uint64_t count, const char *what)
{
    v->base = start;
    v->run = count ? count : 1;
    v->stride = 0;
    v->disp += (MPI_Offset)(start * v->esize);
    v->filetype = v->etype;
    snprintf(v->ctor, sizeof v->ctor,
             "filetype = etype: %s of %llu elements from the displacement (no derived type needed)",
             what, (unsigned long long)count);
}

pario_status pario_view_build(const pario_dataset *ds, const pario_dist *d, int rank, int nranks,
                              pario_view *v)
{
    memset(v, 0, sizeof *v);
    v->dist = *d;
    v->rank = rank;
    v->nranks = nranks;
    v->esize = pario_dtype_size(ds->dtype);
    v->etype = pario_dtype_mpi(ds->dtype);
    v->filetype = v->etype;
    v->disp = (MPI_Offset)ds->offset;
    v->rows = ds->shape[0];
    v->cols = ds->ndims == 2 ? ds->shape[1] : 1;
    v->nelems = ds->nelems;
    char dname[64];
    pario_dist_format(d, dname, sizeof dname);

    if (pario_dist_is_2d(d) && ds->ndims != 2)
        return pario_error(PARIO_ERR_USAGE,
                           "distribution '%s' needs a 2-D dataset, but %s is 1-D (shape [%llu])", dname,
                           ds->path, (unsigned long long)ds->shape[0]);
    const uint64_t rows = ds->shape[0], cols = ds->ndims == 2 ? ds->shape[1] : 1;
    const uint64_t n = ds->nelems, P = (uint64_t)nranks;
    int err = MPI_SUCCESS;

    switch (d->kind) {
    case PARIO_DIST_BLOCK: {
        uint64_t s, len;
        pario_split(n, nranks, rank, &s, &len);
        v->local_count = len;
        v->local_ndims = 1;
        v->local_shape[0] = len;
        v->local_shape[1] = 1;
        set_contiguous(v, s, len, "a block");
        return pario_ok();
    }
    case PARIO_DIST_ROWS: {
        uint64_t s, len;
        pario_split(rows, nranks, rank, &s, &len);
        v->local_count = len * cols;
        v->local_ndims = 2;
        v->local_shape[0] = len;
        v->local_shape[1] = cols;
        set_contiguous(v, s * cols, len * cols, "a band of rows");
        return pario_ok();
    }
    case PARIO_DIST_CYCLIC:
    case PARIO_DIST_ROWS_CYCLIC: {
        const int by_rows = d->kind == PARIO_DIST_ROWS_CYCLIC;
        const uint64_t unit = by_rows ? cols : 1, units = by_rows ? rows : n;
        if (d->k > (uint64_t)INT_MAX / P || (by_rows && cols > INT_MAX))
            return pario_error(PARIO_ERR_USAGE, "distribution '%s': %d ranks x %llu %s do not fit an MPI int",
                               dname, nranks, (unsigned long long)d->k, by_rows ? "rows" : "elements");
        uint64_t lu = cyclic_count(units, d->k, nranks, rank);
        v->local_count = lu * unit;
        v->local_ndims = by_rows ? 2 : 1;
        v->local_shape[0] = lu;
        v->local_shape[1] = unit;
        v->base = (uint64_t)rank * d->k * unit;
        v->run = d->k * unit;
        v->stride = P * d->k * unit;
        if (v->local_count == 0)
            break;
        /* One period of the distribution as a darray; the view tiles it over the file,
         * so the type (and ROMIO's flattened copy of it) stays small for any file size. */
        int gsizes[2] = { (int)(P * d->k), (int)cols };
        int distribs[2] = { MPI_DISTRIBUTE_CYCLIC, MPI_DISTRIBUTE_NONE };
        int dargs[2] = { (int)d->k, MPI_DISTRIBUTE_DFLT_DARG };
        int psizes[2] = { nranks, 1 };
        int nd = by_rows ? 2 : 1;
        err = MPI_Type_create_darray(nranks, rank, nd, gsizes, distribs, dargs, psizes, MPI_ORDER_C,
                                     v->etype, &v->filetype);
        if (by_rows)
            snprintf(v->ctor, sizeof v->ctor,
                     "MPI_Type_create_darray(size=%d, rank=%d, ndims=2, gsizes=[%d,%d], "
                     "distribs=[CYCLIC,NONE], dargs=[%d,DFLT], psizes=[%d,1], ORDER_C, etype)",
                     nranks, rank, gsizes[0], gsizes[1], dargs[0], nranks);
        else
            snprintf(v->ctor, sizeof v->ctor,
                     "MPI_Type_create_darray(size=%d, rank=%d, ndims=1, gsizes=[%d], "
                     "distribs=[CYCLIC], dargs=[%d], psizes=[%d], ORDER_C, etype)",
                     nranks, rank, gsizes[0], dargs[0], nranks);
        break;
    }
    case PARIO_DIST_COLS:
    case PARIO_DIST_TILES: {
        int gp = 1, gq = nranks;
        if (d->kind == PARIO_DIST_TILES) {
            if (d->grid[0]) {
                gp = d->grid[0];
                gq = d->grid[1];
                if ((long long)gp * gq != nranks)
                    return pario_error(PARIO_ERR_USAGE, "distribution '%s' needs %lld ranks, but there are %d",
                                       dname, (long long)gp * gq, nranks);
            } else {
                int dims[2] = { 0, 0 };
                MPI_Dims_create(nranks, 2, dims);
                gp = dims[0];
                gq = dims[1];
            }
            v->dist.grid[0] = gp;
            v->dist.grid[1] = gq;
        }
        if (cols > INT_MAX)
            return pario_error(PARIO_ERR_USAGE, "distribution '%s': %llu columns do not fit an MPI int", dname,
                               (unsigned long long)cols);
        v->grid_pos[0] = rank / gq;
        v->grid_pos[1] = rank % gq;
        uint64_t r0, h, c0, w;
        pario_split(rows, gp, v->grid_pos[0], &r0, &h);
        pario_split(cols, gq, v->grid_pos[1], &c0, &w);
        v->local_count = h * w;
        v->local_ndims = 2;
        v->local_shape[0] = h;
        v->local_shape[1] = w;
        if (w == cols && h) {
            /* whole rows: one contiguous band, no derived type needed */
            set_contiguous(v, r0 * cols, h * w, "a band of whole rows");
            return pario_ok();
        }
        v->base = r0 * cols + c0;
        v->run = w ? w : 1;
        v->stride = cols;
        if (v->local_count == 0)
            break;
        /* One row of the tile as a subarray of one file row: extent = one row, so the
         * view tiles it down the rows of the band starting at the displacement. */
        int sizes[2] = { 1, (int)cols }, subsizes[2] = { 1, (int)w }, starts[2] = { 0, (int)c0 };
        err = MPI_Type_create_subarray(2, sizes, subsizes, starts, MPI_ORDER_C, v->etype, &v->filetype);
        v->disp += (MPI_Offset)(r0 * cols * v->esize);
        snprintf(v->ctor, sizeof v->ctor,
                 "MPI_Type_create_subarray(ndims=2, sizes=[1,%d], subsizes=[1,%d], starts=[0,%d], ORDER_C, etype)"
                 " tiled over %llu rows",
                 (int)cols, (int)w, (int)c0, (unsigned long long)h);
        break;
    }
    }
    if (v->local_count == 0) {
        v->filetype = v->etype;
        snprintf(v->ctor, sizeof v->ctor, "filetype = etype (this rank owns nothing)");
        return pario_ok();
    }
    if (err != MPI_SUCCESS)
        return mpi_type_err(err, "building the filetype");
    v->filetype_owned = 1;
    err = MPI_Type_commit(&v->filetype);
    if (err != MPI_SUCCESS)
        return mpi_type_err(err, "committing the filetype");
    return pario_ok();
}

void pario_view_free(pario_view *v)
{
    if (v->filetype_owned)
        MPI_Type_free(&v->filetype);
    v->filetype_owned = 0;
}

uint64_t pario_view_global_index(const pario_view *v, uint64_t i)
{
    return v->base + (i / v->run) * v->stride + i % v->run;
}

uint64_t pario_view_run(const pario_view *v, uint64_t i, uint64_t *global)
{
    *global = pario_view_global_index(v, i);
    return v->run - i % v->run;
}

uint64_t pario_view_local_before(const pario_view *v, uint64_t g)
{
    if (g <= v->base || v->local_count == 0)
        return 0;
    uint64_t t = g - v->base, c;
    if (v->stride == 0)
        c = t;
    else
        c = (t / v->stride) * v->run + (t % v->stride < v->run ? t % v->stride : v->run);
    return c < v->local_count ? c : v->local_count;
}

/* Owner of item i among n items split in balanced blocks over p; *end = its block's end. */
static int split_owner(uint64_t n, int p, uint64_t i, uint64_t *end)
{
    uint64_t up = (uint64_t)p, base = n / up, rem = n % up, big = rem * (base + 1);
    uint64_t r = i < big ? i / (base + 1) : rem + (i - big) / (base ? base : 1);
    uint64_t s, len;
    pario_split(n, p, (int)r, &s, &len);
    *end = s + len;
    return (int)r;
}

int pario_view_owner(const pario_view *v, uint64_t g, uint64_t *run_left)
{
    const uint64_t P = (uint64_t)v->nranks, k = v->dist.k, cols = v->cols;
    uint64_t end = v->nelems, e;
    int owner = 0;
    switch (v->dist.kind) {
    case PARIO_DIST_BLOCK:
        owner = split_owner(v->nelems, v->nranks, g, &end);
        break;
    case PARIO_DIST_CYCLIC:
        owner = (int)((g / k) % P);
        end = (g / k + 1) * k;
        break;
    case PARIO_DIST_ROWS:
        owner = split_owner(v->rows, v->nranks, g / cols, &e);
        end = e * cols;
        break;
    case PARIO_DIST_ROWS_CYCLIC:
        owner = (int)((g / cols / k) % P);
        end = (g / cols / k + 1) * k * cols;
        break;
    case PARIO_DIST_COLS:
        owner = split_owner(cols, v->nranks, g % cols, &e);
        end = g - g % cols + e;
        break;
    case PARIO_DIST_TILES: {
        uint64_t e1;
        int pr = split_owner(v->rows, v->dist.grid[0], g / cols, &e1);
        int pc = split_owner(cols, v->dist.grid[1], g % cols, &e);
        owner = pr * v->dist.grid[1] + pc;
        end = g - g % cols + e;
        break;
    }
    }
    if (end > v->nelems)
        end = v->nelems;
    *run_left = end > g ? end - g : 1;
    return owner;
}
