/* The formats of part files (pario-scatter --part-format, pario-gather): raw
 * PREFIX.R with its descriptor, PREFIX.R.npy with a descriptor beside it (numpy
 * refuses extra header keys, so the part's place in the whole lives in
 * PREFIX.R.npy.yaml), PREFIX.R.h5 whose dataset /data records its place in
 * attributes. Loading a part gives the same pario_dataset whatever its format:
 * the data's byte offset in the file, dtype, byte order, count, and part. */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <hdf5.h>
#include "pario/parts.h"
#include "h5err.h"
#include "sink.h"
#include "source.h"

pario_status pario_part_format_parse(const char *text, int *format)
{
    if (strcasecmp(text, "raw") == 0)
        *format = PARIO_SOURCE_RAW;
    else if (strcasecmp(text, "npy") == 0)
        *format = PARIO_SOURCE_NPY;
    else if (strcasecmp(text, "h5") == 0 || strcasecmp(text, "hdf5") == 0)
        *format = PARIO_SOURCE_HDF5;
    else
        return pario_error(PARIO_ERR_USAGE, "--part-format '%s': expected raw, npy or h5", text);
    return pario_ok();
}

void pario_part_path_as(const char *prefix, int rank, int format, char *out, size_t len)
{
    snprintf(out, len, "%s.%d%s", prefix, rank,
             format == PARIO_SOURCE_NPY ? ".npy" : format == PARIO_SOURCE_HDF5 ? ".h5" : "");
}

pario_status pario_parts_detect(const char *prefix, int *format, MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    pario_status st = pario_ok();
    int found = PARIO_SOURCE_RAW;
    if (rank == 0) {
        static const int kinds[] = { PARIO_SOURCE_RAW, PARIO_SOURCE_NPY, PARIO_SOURCE_HDF5 };
        char first[PARIO_PATH_MAX] = "";
        for (int i = 0; i < 3 && !pario_failed(&st); i++) {
            char path[PARIO_PATH_MAX];
            struct stat sb;
            pario_part_path_as(prefix, 0, kinds[i], path, sizeof path);
            if (stat(path, &sb) != 0)
                continue;
            if (first[0])
                st = pario_error(PARIO_ERR_USAGE, "%s and %s both exist: say which parts to gather with --part-format",
                                 first, path);
            snprintf(first, sizeof first, "%s", path);
            found = kinds[i];
        }
    }
    if (!pario_agree(&st, comm))
        MPI_Bcast(&found, 1, MPI_INT, 0, comm);
    *format = found;
    return st;
}

/* An HDF5 part: the dataset's layout (a contiguous dataset: its byte offset) and
 * its place from the attributes. */
static pario_status load_h5(const char *path, pario_dataset *part)
{
    char arg[PARIO_PATH_MAX + 16];
    snprintf(arg, sizeof arg, "%s:%s", path, PARIO_PART_H5_DATASET);
    pario_status st = pario_dataset_open(arg, NULL, part, MPI_COMM_SELF);
    if (!pario_failed(&st) && part->h5_layout != PARIO_H5_CONTIGUOUS)
        st = pario_error(PARIO_ERR_RUNTIME, "%s:%s: a part must be contiguous (pario-scatter writes it so), not %s",
                         path, PARIO_PART_H5_DATASET, part->h5_layout == PARIO_H5_CHUNKED ? "chunked" : "compact");
    if (pario_failed(&st))
        return st;
    hid_t d = -1, f = pario_source_h5_take(part, MPI_COMM_SELF, &d); /* the inspection's open file */
    H5E_BEGIN_TRY {
        if (f < 0) {
            f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
            d = f >= 0 ? H5Dopen2(f, PARIO_PART_H5_DATASET, H5P_DEFAULT) : -1;
        }
        st = d < 0 ? pario_h5_error("cannot open", path) : pario_sink_h5_part_read(d, part, &part->part);
        pario_h5_close(-1, -1, -1, d, f);
    } H5E_END_TRY;
    return st;
}

/* A .npy part: its header must agree with the descriptor beside it, which says
 * where the part belongs (and describes the same bytes as a raw file). */
static pario_status load_npy(const char *path, pario_dataset *part)
{
    pario_dataset npy;
    pario_status st = pario_dataset_open(path, NULL, &npy, MPI_COMM_SELF);
    if (pario_failed(&st))
        return st;
    char desc[PARIO_PATH_MAX + 8];
    pario_desc_default_path(path, desc, sizeof desc);
    st = pario_desc_load(desc, part);
    if (pario_failed(&st))
        return st;
    if (npy.format != PARIO_SOURCE_NPY)   /* (a damaged magic read it as raw through the descriptor) */
        return pario_error(PARIO_ERR_RUNTIME, "%s: not a .npy file (no \\x93NUMPY magic)", path);
    if (npy.note[0] || part->dtype != npy.dtype || part->big_endian != npy.big_endian ||
        part->nelems != npy.nelems || part->ndims != npy.ndims || part->shape[0] != npy.shape[0] ||
        part->shape[1] != npy.shape[1] || part->offset != npy.offset || part->part.offset)
        return pario_error(PARIO_ERR_RUNTIME, "%s: does not match its descriptor %s (dtype, byte order, shape or "
                           "data offset)", path, desc);
    return pario_ok();
}

pario_status pario_part_load(const char *path, int format, pario_dataset *part)
{
    memset(part, 0, sizeof *part);
    pario_status st = pario_ok();
    if (format == PARIO_SOURCE_HDF5) {
        st = load_h5(path, part);
    } else if (format == PARIO_SOURCE_NPY) {
        st = load_npy(path, part);
    } else {
        char desc[PARIO_PATH_MAX + 8];
        pario_desc_default_path(path, desc, sizeof desc);
        st = pario_desc_load(desc, part);
        snprintf(part->path, sizeof part->path, "%s", path);   /* the size check's message names it */
        struct stat sb;
        if (!pario_failed(&st) && stat(path, &sb) != 0)
            st = pario_sys_error(errno, "cannot open", path);
        else if (!pario_failed(&st))
            st = pario_dataset_check_size(part, (uint64_t)sb.st_size);
    }
    snprintf(part->path, sizeof part->path, "%s", path);
    return st;
}
