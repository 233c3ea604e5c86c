#include "config.h"
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "pario/view.h"
#include "pario/fileutil.h"

/* Which elements does this rank's filetype select? Unpack "owned" marks through
 * the filetype into an image of the file: no second computation of the distribution. */
static pario_status owned_flags(const pario_dataset *ds, const pario_view *v, unsigned char *flags)
{
    const uint64_t n = ds->nelems;
    memset(flags, 0, n);
    if (v->local_count == 0)
        return pario_ok();
    MPI_Count tsize, lb, extent;
    MPI_Type_size_x(v->filetype, &tsize);
    MPI_Type_get_extent_x(v->filetype, &lb, &extent);
    uint64_t per = (uint64_t)tsize / v->esize;
    uint64_t copies = (v->local_count + per - 1) / per;
    /* an image of the data's bytes, from the header's end: the header itself
     * is not part of it (a 10-element dataset behind a 2 GiB header was
     * "too large for an owner map", and a 1 GiB header took 2 GiB a rank) */
    const uint64_t skip = (uint64_t)v->disp - ds->offset;   /* the part's start in the data (disp >= offset) */
    uint64_t img_size = skip + (uint64_t)lb + copies * (uint64_t)extent + n * v->esize;
    uint64_t in_size = copies * (uint64_t)tsize;
    if ((uint64_t)v->disp < ds->offset || in_size > INT32_MAX || img_size > ((uint64_t)1 << 32))
        return pario_error(PARIO_ERR_USAGE, "dataset too large for an owner map");
    unsigned char *img = calloc(img_size, 1), *in = calloc(in_size, 1);
    if (!img || !in) {
        free(img);
        free(in);
        return pario_local_error("out of memory for the owner map");
    }
    memset(in, 1, v->local_count * v->esize); /* padding past local_count stays 0 */
    int pos = 0;
    int err = MPI_Unpack(in, (int)in_size, &pos, img + skip, (int)copies, v->filetype, MPI_COMM_SELF);
    if (err == MPI_SUCCESS)
        for (uint64_t i = 0; i < n; i++)
            flags[i] = img[i * v->esize];
    free(img);
    free(in);
    return err == MPI_SUCCESS ? pario_ok() : pario_mpi_error(err, "unpacking through the filetype", NULL);
}

pario_status pario_view_owner_map(const pario_dataset *ds, const pario_view *v, int *owners, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    const uint64_t n = ds->nelems;
    pario_status st = n > (1u << 24) ? pario_error(PARIO_ERR_USAGE, "dataset too large for an owner map")
                                     : pario_ok();
    unsigned char *flags = NULL, *all = NULL;
    if (!pario_failed(&st)) {
        flags = pario_alloc(n);
        all = rank == 0 && flags ? pario_alloc(n * (size_t)size) : NULL;
        if (!flags || (rank == 0 && !all))
            st = pario_sys_error(ENOMEM, "the owner map", NULL);
    }
    if (!pario_failed(&st))
        st = owned_flags(ds, v, flags);
    if (pario_agree(&st, comm)) {
        free(flags);
        free(all);
        return st;
    }
    MPI_Gather(flags, (int)n, MPI_BYTE, all, (int)n, MPI_BYTE, 0, comm);
    if (rank == 0) {
        for (uint64_t i = 0; i < n; i++) {
            owners[i] = -1;
            for (int r = 0; r < size; r++) {
                if (!all[(uint64_t)r * n + i])
                    continue;
                if (owners[i] >= 0 && pario_ok().code == st.code)
                    st = pario_error(PARIO_ERR_RUNTIME, "element %llu is owned by ranks %d and %d",
                                     (unsigned long long)i, owners[i], r);
                owners[i] = r;
            }
        }
    }
    free(flags);
    free(all);
    pario_agree(&st, comm);
    return st;
}

static char rank_char(int r)
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    if (r < 0)
        return '.';
    return r < 62 ? digits[r] : '*';
}

static const char *etype_name(pario_dtype t)
{
    static const char *names[PARIO_DTYPE_COUNT] = {
        "MPI_INT8_T", "MPI_INT16_T", "MPI_INT32_T", "MPI_INT64_T", "MPI_UINT8_T",
        "MPI_UINT16_T", "MPI_UINT32_T", "MPI_UINT64_T", "MPI_FLOAT", "MPI_DOUBLE",
    };
    return names[t];
}

pario_status pario_view_explain(const pario_dataset *ds, const pario_view *v, FILE *out, uint64_t max_map,
                                MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    enum { LINE = 1024 };
    char mine[LINE];
    MPI_Count tsize = 0, lb = 0, extent = 0;
    MPI_Type_size_x(v->filetype, &tsize);
    MPI_Type_get_extent_x(v->filetype, &lb, &extent);
    char shape[64];
    if (v->local_ndims == 2)
        snprintf(shape, sizeof shape, "[%llu, %llu]", (unsigned long long)v->local_shape[0],
                 (unsigned long long)v->local_shape[1]);
    else
        snprintf(shape, sizeof shape, "[%llu]", (unsigned long long)v->local_shape[0]);
    snprintf(mine, sizeof mine,
             "rank %d: disp %lld bytes, etype %s (%zu byte%s), owns %llu elements, local shape %s\n"
             "  filetype = %s\n"
             "  filetype size %lld bytes, extent %lld bytes (lb %lld)\n",
             rank, (long long)v->disp, etype_name(ds->dtype), v->esize, v->esize == 1 ? "" : "s", (unsigned long long)v->local_count, shape,
             v->ctor, (long long)tsize, (long long)extent, (long long)lb);
    char *all = rank == 0 ? pario_alloc((size_t)LINE * size) : NULL;
    pario_status st = rank == 0 && !all ? pario_sys_error(ENOMEM, "--explain", NULL) : pario_ok();
    if (pario_agree(&st, comm))
        return st;
    MPI_Gather(mine, LINE, MPI_CHAR, all, LINE, MPI_CHAR, 0, comm);
    if (rank == 0) {
        char dname[64];
        pario_dist_format(&v->dist, dname, sizeof dname);
        fprintf(out, "view of %s: %s, shape ", ds->path, pario_dtype_name(ds->dtype));
        if (ds->ndims == 2)
            fprintf(out, "[%llu, %llu]", (unsigned long long)ds->shape[0], (unsigned long long)ds->shape[1]);
        else
            fprintf(out, "[%llu]", (unsigned long long)ds->shape[0]);
        fprintf(out, ", header %llu bytes, %s-endian; distribution %s over %d rank%s\n",
                (unsigned long long)ds->offset, ds->big_endian ? "big" : "little", dname, size,
                size == 1 ? "" : "s");
        for (int r = 0; r < size; r++)
            fputs(all + (size_t)r * LINE, out);
        free(all);
    }
    if (ds->nelems > max_map) {
        if (rank == 0)
            fprintf(out, "(no owner map: %llu elements is more than %llu)\n", (unsigned long long)ds->nelems,
                    (unsigned long long)max_map);
        return pario_ok();
    }
    int *owners = rank == 0 ? pario_alloc(sizeof(int) * ds->nelems) : NULL;
    if (rank == 0 && !owners)
        st = pario_sys_error(ENOMEM, "the owner map", NULL);
    if (pario_agree(&st, comm))
        return st;
    st = pario_view_owner_map(ds, v, owners, comm);
    if (rank == 0 && !pario_failed(&st)) {
        uint64_t cols = ds->ndims == 2 ? ds->shape[1] : ds->nelems;
        fprintf(out, "owner of each element (rank; '.' = nobody)%s:\n", ds->ndims == 2 ? ", one line per row" : "");
        for (uint64_t i = 0; i < ds->nelems; i++) {
            fputc(rank_char(owners[i]), out);
            if ((i + 1) % cols == 0)
                fputc('\n', out);
        }
        if (ds->nelems == 0)
            fputc('\n', out);
    }
    free(owners);
    fflush(out);
    return st;
}
