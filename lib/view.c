#include "config.h"
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "pario/view.h"

static pario_status mpi_type_err(int err, const char *what)
{
    return pario_mpi_error(err, what, NULL);
}

/* The displacement moved by `bytes`, in unsigned arithmetic: a header near
 * 2^63 wrapped a signed sum (undefined; UBSan caught it) before the writer's
 * check that the data end within MPI_Offset refused it, as it still does. */
static MPI_Offset disp_plus(MPI_Offset disp, uint64_t bytes)
{
    return (MPI_Offset)((uint64_t)disp + bytes);
}

/* The view of one rank, derived from its part of the layout: the runs give the
 * global-index arithmetic, and the filetype covers one period of the pattern
 * (a darray of one period of a cyclic axis, a subarray of one row for a band of
 * columns); the view tiles it, so the type stays small for any file size. */
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
    pario_status st = pario_layout_make(d, ds, nranks, &v->layout);
    if (pario_failed(&st))
        return st;
    const pario_layout *L = &v->layout;
    const pario_axis *ra = &L->axis[0];
    const uint64_t C = L->axis[1].n;
    if (d->kind == PARIO_DIST_TILES) {
        v->dist.grid[0] = ra->parts;
        v->dist.grid[1] = L->axis[1].parts;
    }
    v->grid_pos[0] = rank / L->axis[1].parts;
    v->grid_pos[1] = rank % L->axis[1].parts;
    pario_runs p;
    pario_layout_runs(L, rank, &p);
    v->local_count = p.count;
    v->local_ndims = L->ndims;
    v->local_shape[0] = L->ndims == 2 ? p.shape[0] : p.count;
    v->local_shape[1] = L->ndims == 2 ? p.shape[1] : 1;
    v->base = p.base;
    v->run = p.run;
    v->stride = p.stride;

    if (p.count == 0) {
        snprintf(v->ctor, sizeof v->ctor, "etype (this rank owns nothing)");
        return pario_ok();
    }
    if (p.stride == 0 || p.count <= p.run) {
        v->disp = disp_plus(v->disp, p.base * v->esize);
        snprintf(v->ctor, sizeof v->ctor,
                 "etype: one contiguous run of %llu elements from the displacement (no derived type "
                 "needed)", (unsigned long long)p.count);
        return pario_ok();
    }
    int err;
    if (p.shape[1] < C) {
        /* One row of a band of columns as a subarray of one file row: extent = one
         * row, so the view tiles it down the rows of the band from the displacement. */
        int sizes[2] = { 1, (int)C }, subsizes[2] = { 1, (int)p.shape[1] }, starts[2] = { 0, (int)p.first[1] };
        err = MPI_Type_create_subarray(2, sizes, subsizes, starts, MPI_ORDER_C, v->etype, &v->filetype);
        v->disp = disp_plus(v->disp, p.first[0] * C * v->esize);
        snprintf(v->ctor, sizeof v->ctor,
                 "MPI_Type_create_subarray(ndims=2, sizes=[1,%d], subsizes=[1,%d], starts=[0,%d], ORDER_C, etype)"
                 " tiled over %llu rows",
                 (int)C, (int)p.shape[1], (int)p.first[1], (unsigned long long)p.shape[0]);
    } else {
        /* Whole rows of a cyclic row axis: one period (parts x k rows) as a darray. */
        const int pr = v->grid_pos[0];
        int gsizes[2] = { (int)((uint64_t)ra->parts * ra->k), (int)C };
        int distribs[2] = { MPI_DISTRIBUTE_CYCLIC, MPI_DISTRIBUTE_NONE };
        int dargs[2] = { (int)ra->k, MPI_DISTRIBUTE_DFLT_DARG };
        int psizes[2] = { ra->parts, 1 };
        err = MPI_Type_create_darray(ra->parts, pr, L->ndims, gsizes, distribs, dargs, psizes, MPI_ORDER_C,
                                     v->etype, &v->filetype);
        if (L->ndims == 2)
            snprintf(v->ctor, sizeof v->ctor,
                     "MPI_Type_create_darray(size=%d, rank=%d, ndims=2, gsizes=[%d,%d], "
                     "distribs=[CYCLIC,NONE], dargs=[%d,DFLT], psizes=[%d,1], ORDER_C, etype)",
                     ra->parts, pr, gsizes[0], gsizes[1], dargs[0], ra->parts);
        else
            snprintf(v->ctor, sizeof v->ctor,
                     "MPI_Type_create_darray(size=%d, rank=%d, ndims=1, gsizes=[%d], "
                     "distribs=[CYCLIC], dargs=[%d], psizes=[%d], ORDER_C, etype)",
                     ra->parts, pr, gsizes[0], dargs[0], ra->parts);
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

int pario_view_part_is_run(const pario_view *v)
{
    return v->local_count <= v->run || v->stride == v->run;
}

uint64_t pario_view_run(const pario_view *v, uint64_t i, uint64_t *global)
{
    *global = pario_view_global_index(v, i);
    return v->run - i % v->run;
}

uint64_t pario_view_local_before(const pario_view *v, uint64_t g)
{
    const pario_runs p = { .base = v->base, .run = v->run, .stride = v->stride, .count = v->local_count };
    return pario_runs_before(&p, g);
}

uint64_t pario_view_share_bound(const pario_view *v, uint64_t w)
{
    if (v->local_count == 0)
        return 0;
    /* a window meets at most w / stride + 2 of the runs */
    uint64_t b = v->stride ? (w / v->stride + 2) * v->run : w;
    b = b < w ? b : w;
    return b < v->local_count ? b : v->local_count;
}

uint64_t pario_view_window_for(const pario_view *v, uint64_t e)
{
    if (v->local_count == 0)
        return UINT64_MAX;
    if (e == 0)
        e = 1;
    if (v->stride == 0 || v->run >= e)
        return e;
    return (e / v->run) * v->stride; /* e / run runs: at most (e / run + 2) * run <= 3e */
}

int pario_view_owner(const pario_view *v, uint64_t g, uint64_t *run_left)
{
    uint64_t end;
    int owner = pario_layout_owner(&v->layout, g, &end);
    if (end > v->nelems)
        end = v->nelems;
    *run_left = end > g ? end - g : 1;
    return owner;
}
