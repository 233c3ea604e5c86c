/* Sources: which backend a dataset argument names, from the file's magic bytes. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "source.h"
#include "pario/view.h"

static const unsigned char H5_SIG[8] = { 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n' };

const char *pario_source_name(int kind)
{
    return kind == PARIO_SOURCE_NPY ? "npy" : kind == PARIO_SOURCE_HDF5 ? "hdf5" : kind == PARIO_SOURCE_TEXT ? "text"
           : kind == PARIO_SOURCE_CSV ? "csv" : "raw";
}

int pario_source_sniff(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return PARIO_SOURCE_RAW;
    unsigned char b[8];
    int kind = PARIO_SOURCE_RAW;
    size_t got = fread(b, 1, 8, f);
    if (got >= 6 && memcmp(b, "\x93NUMPY", 6) == 0)
        kind = PARIO_SOURCE_NPY;   /* (cut inside its 10-byte preamble: the reader says truncated) */
    if (got == 8) {
        /* HDF5 looks for its superblock at 0, 512, 1024, 2048, ... */
        for (long off = 0; kind == PARIO_SOURCE_RAW && off <= (1L << 30); off = off ? 2 * off : 512) {
            if (off && (fseek(f, off, SEEK_SET) != 0 || fread(b, 1, 8, f) != 8))
                break;
            if (memcmp(b, H5_SIG, 8) == 0)
                kind = PARIO_SOURCE_HDF5;
        }
    }
    fclose(f);
    return kind;
}

/* The first ':' of arg after which the prefix is an existing regular file,
 * HDF5 (hdf5 1) or not (hdf5 0, and a '/' after the ':'): file and dset set,
 * 1; else 0 (file arg whole, dset ""). */
static int split_at(const char *arg, char *file, size_t flen, char *dset, size_t dlen, int hdf5)
{
    struct stat sb;
    if (dlen)
        dset[0] = 0;
    for (const char *c = strchr(arg, ':'); c; c = strchr(c + 1, ':')) {
        size_t n = (size_t)(c - arg);
        if (n == 0 || n >= flen || (!hdf5 && c[1] != '/'))
            continue;
        memcpy(file, arg, n);
        file[n] = 0;
        if (stat(file, &sb) == 0 && S_ISREG(sb.st_mode) && (pario_source_sniff(file) == PARIO_SOURCE_HDF5) == hdf5) {
            snprintf(dset, dlen, "%s", c + 1);
            return 1;
        }
    }
    snprintf(file, flen, "%s", arg);
    return 0;
}

int pario_dataset_split(const char *arg, char *file, size_t flen, char *dset, size_t dlen)
{
    struct stat sb;
    if (stat(arg, &sb) == 0) {
        snprintf(file, flen, "%s", arg);
        if (dlen)
            dset[0] = 0;
        return 0;
    }
    return split_at(arg, file, flen, dset, dlen, 1);
}

int pario_dataset_split_not_h5(const char *arg, char *file, size_t flen, char *dset, size_t dlen)
{
    return split_at(arg, file, flen, dset, dlen, 0);
}

void pario_dataset_describe(const pario_dataset *ds, char *buf, size_t len)
{
    const char *bo = pario_dtype_size(ds->dtype) == 1 ? "" : ds->big_endian ? " big-endian" : " little-endian";
    int n;
    if (ds->format == PARIO_SOURCE_HDF5 && ds->h5_layout == PARIO_H5_CHUNKED)
        n = snprintf(buf, len, "source: hdf5 %s:%s, %s%s, layout chunked (chunk shape %llu%s%.0llu), filters %s: "
                     "read through parallel HDF5 (collective metadata; a collective H5Dread where ranks share chunks, "
                     "each rank's own chunks independently where --dist follows them: the reads line says which), "
                     "whole chunks per rank when --dist follows the chunks (the default: cyclic:%llu)", ds->path, ds->dataset,
                     pario_dtype_name(ds->dtype), bo, (unsigned long long)ds->h5_chunk[0],
                     ds->h5_chunk_ndims == 2 ? " x " : "", ds->h5_chunk_ndims == 2 ? (unsigned long long)ds->h5_chunk[1] : 0ULL,
                     ds->h5_filters[0] ? ds->h5_filters : "none", (unsigned long long)pario_h5_chunk_band(ds));
    else if (ds->format == PARIO_SOURCE_HDF5 && ds->h5_layout == PARIO_H5_COMPACT)
        n = snprintf(buf, len, "source: hdf5 %s:%s, %s%s, layout compact (the data are in the object header): read "
                     "through parallel HDF5 (H5Dread)", ds->path, ds->dataset, pario_dtype_name(ds->dtype), bo);
    else if (ds->format == PARIO_SOURCE_HDF5)
        n = snprintf(buf, len, "source: hdf5 %s:%s, %s%s, layout contiguous, byte offset %llu, filters none: "
                     "read with MPI-IO like a raw file at that offset", ds->path, ds->dataset,
                     pario_dtype_name(ds->dtype), bo, (unsigned long long)ds->offset);
    else if (ds->format == PARIO_SOURCE_NPY)
        n = snprintf(buf, len, "source: npy %s, %s%s, header %llu bytes, data contiguous at byte offset %llu: "
                     "read with MPI-IO like a raw file at that offset", ds->path, pario_dtype_name(ds->dtype), bo,
                     (unsigned long long)ds->offset, (unsigned long long)ds->offset);
    else
        n = snprintf(buf, len, "source: raw %s (descriptor %s), %s%s, byte offset %llu", ds->path, ds->desc_path,
                     pario_dtype_name(ds->dtype), bo, (unsigned long long)ds->offset);
    if (ds->note[0] && n >= 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, "; %s", ds->note);
}

int pario_view_whole_chunks(const pario_view *v, const pario_dataset *ds)
{
    uint64_t band = pario_h5_chunk_band(ds);
    if (!band)
        return 0;
    if (v->layout.ndims == 2)
        return pario_layout_whole_tiles(&v->layout, ds->h5_chunk[0], ds->h5_chunk[1]);
    return pario_layout_whole_tiles(&v->layout, band, 1);
}

uint64_t pario_h5_chunk_band(const pario_dataset *ds)
{
    if (ds->h5_layout != PARIO_H5_CHUNKED)
        return 0;
    uint64_t cols = ds->ndims == 2 ? ds->shape[1] : 1;
    uint64_t rows = ds->h5_chunk[0] < ds->shape[0] ? ds->h5_chunk[0] : ds->shape[0];
    return (rows ? rows : 1) * (cols ? cols : 1);
}
