/* A dataset: a raw binary file plus a YAML descriptor (dtype, shape, offset, byte order),
 * or a NumPy .npy file, or a contiguous HDF5 dataset (file.h5:/group/dset): every source
 * fills the same fields, so views, strategies and readers never know which it was. */
#ifndef PARIO_DATASET_H
#define PARIO_DATASET_H

#include <stdint.h>
#include <mpi.h>
#include "pario/dtype.h"
#include "pario/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PARIO_PATH_MAX 4096

/* Where a dataset came from (recognised from the file's magic bytes). */
typedef enum pario_source_kind { PARIO_SOURCE_RAW, PARIO_SOURCE_NPY, PARIO_SOURCE_HDF5, PARIO_SOURCE_TEXT,
                                 PARIO_SOURCE_CSV } pario_source_kind;

/* The storage of an HDF5 dataset. */
typedef enum pario_h5_layout { PARIO_H5_CONTIGUOUS, PARIO_H5_CHUNKED, PARIO_H5_COMPACT } pario_h5_layout;

typedef struct pario_dataset {
    char path[PARIO_PATH_MAX];      /* the data file */
    char desc_path[PARIO_PATH_MAX]; /* its descriptor */
    pario_dtype dtype;
    int ndims;                      /* 1 or 2; 0 while the shape is not known yet */
    uint64_t shape[2];              /* row-major; shape[1] == 1 for 1-D */
    uint64_t offset;                /* header bytes before the first element */
    int big_endian;                 /* stored byte order; always 0 for a 1-byte dtype, where
                                     * byte order does not apply (npy's '|') */
    uint64_t nelems;
    int format;                     /* pario_source_kind */
    char dataset[1024];             /* HDF5: the dataset's path in the file */
    char note[256];                 /* a remark for --explain (e.g. Fortran order), or "" */
    int fortran;                    /* a .npy array in Fortran order: shape is the stored (c, r), the
                                     * C-order transpose of numpy's (r, c) (pario_dataset_axis) */
    /* HDF5: how the dataset is stored. Contiguous data are read with MPI-IO at offset;
     * chunked and compact ones through parallel HDF5 (H5Dread), offset 0. */
    int h5_layout;                  /* pario_h5_layout */
    int h5_chunk_ndims;
    uint64_t h5_chunk[2];           /* chunk shape (chunked) */
    char h5_filters[96];            /* "shuffle, deflate(1)" or "" */
    int h5_partial;                 /* chunked, some chunks never written (they read as the fill value) */
    /* format text / csv (pario/csv.h reads them): what the descriptor says */
    struct pario_text_desc {
        unsigned given;             /* enum pario_csv_given: the fields present */
        char delimiter, quote;      /* 0: none */
        int header;
        char column[256];           /* the column to read: a name or a 0-based index */
        int ncolumns;               /* columns: the names of the columns in order */
        char columns[1024];         /* ncolumns NUL-terminated names */
    } text;
    /* A part file written by pario-scatter: which rank's part of which dataset. */
    struct pario_part {
        int present;
        int rank, nranks;
        char dist[64];
        int ndims;
        uint64_t shape[2];  /* the whole dataset's shape */
        uint64_t offset;    /* the whole's header bytes; part 0 carries them as its own header */
        char run[17];       /* the pario-scatter run that wrote it: 16 hex digits ("" in parts of pario before 0.1.1) */
    } part;
} pario_dataset;

/* The axis of the stored array that numpy's axis (0: one result per column, 1:
 * per row; -1: none) of ds means: the other one for a Fortran-order .npy. */
static inline int pario_dataset_axis(const pario_dataset *ds, int axis)
{
    return axis >= 0 && ds->fortran ? 1 - axis : axis;
}

/* Dimension k of ds's shape as numpy gives it (the results' "shape"). */
static inline uint64_t pario_dataset_dim(const pario_dataset *ds, int k)
{
    return ds->fortran ? ds->shape[1 - k] : ds->shape[k];
}

/* ds must be in C order for a reader of whole stored rows: a Fortran-order .npy
 * gives the error "PATH: a Fortran-order array (numpy's R x C, stored column by
 * column): WHAT; write it in C order first (pario-convert, ...)", else success. */
pario_status pario_dataset_need_c_order(const pario_dataset *ds, const char *what);

/* Default descriptor for a data file: "data.bin" -> "data.bin.yaml". */
void pario_desc_default_path(const char *data_path, char *out, size_t len);

/* Serial: parse a descriptor (a regular file of at most 1 MiB). Errors read
 * "FILE:LINE:COLUMN: FIELD: problem". */
pario_status pario_desc_load(const char *desc_path, pario_dataset *ds);
/* Serial: the same from text in memory (desc_path names it in errors). */
pario_status pario_desc_parse(const char *desc_path, const char *text, size_t len, pario_dataset *ds);

/* Serial: reconcile the descriptor with the data file's size (fills a missing
 * shape; refuses a size that does not match). */
pario_status pario_dataset_check_size(pario_dataset *ds, uint64_t file_size);

/* Collective: rank 0 recognises the file's format from its magic bytes (raw, .npy,
 * HDF5), loads the descriptor or header (desc_path NULL: the default) and checks the
 * file's size; every rank gets the same dataset or the same error. data_path may be
 * "file.h5:/group/dset". */
pario_status pario_dataset_open(const char *data_path, const char *desc_path,
                                pario_dataset *ds, MPI_Comm comm);
/* The same with the HDF5 dataset path given apart (--dataset; NULL: none). */
pario_status pario_dataset_open_named(const char *data_path, const char *desc_path, const char *dset,
                                      pario_dataset *ds, MPI_Comm comm);

/* Serial: split a dataset argument "file.h5:/group/dset" into the file and the dataset
 * path: the first ':' after which the prefix is an existing file with HDF5's
 * signature. An argument that names an existing file, or has no such ':', is all
 * file (dset ""). Returns 1 if it split. */
int pario_dataset_split(const char *arg, char *file, size_t flen, char *dset, size_t dlen);

/* One line for --explain: the format, where the data lie (layout, byte offset,
 * filters) and how they are read. */
void pario_dataset_describe(const pario_dataset *ds, char *buf, size_t len);

/* Serial: name an output, whose dtype and shape are set: "x.npy" (ds->offset: the
 * header's length), "file.h5:/group/dset" (FILE ends in .h5, .hdf5, .he5 or .hdf,
 * or is an existing HDF5 file; the dataset is added to it), anything else raw.
 * Sets path, dataset and format (and a 1-byte dtype's big_endian to 0: byte order
 * does not apply); "x.h5" without a dataset path, or a nonzero
 * ds->offset with a format that has its own header, is a usage error. */
pario_status pario_dataset_set_output(pario_dataset *ds, const char *arg);
/* Serial: the file an output argument names, and its format (pario_source_kind;
 * -1 for an HDF5 file named without a dataset path). */
int pario_output_split(const char *arg, char *file, size_t flen, char *dset, size_t dlen);

/* The dataset's name for a message: its path, and for HDF5 FILE:/dset. Returns buf. */
const char *pario_dataset_label(const pario_dataset *ds, char *buf, size_t len);

/* A chunked HDF5 dataset: the elements of one band of chunk rows (chunk rows x
 * columns; the chunk length for 1-D), the block size of the distribution that gives
 * every rank whole chunks (cyclic:band). 0 for other datasets. */
uint64_t pario_h5_chunk_band(const pario_dataset *ds);

/* "raw", "npy" or "hdf5". */
const char *pario_source_name(int kind);

/* Serial: write the descriptor (to a temporary name, then renamed). */
pario_status pario_desc_write(const pario_dataset *ds, const char *desc_path);
/* The same under its temporary name only (pario_write_file_tmp): an output's
 * descriptor is written before its data takes its name, and renamed after it
 * (pario_commit_tmp), so a full disk cannot leave the data without it. */
pario_status pario_desc_write_tmp(const pario_dataset *ds, const char *desc_path);
/* The descriptor's YAML text. */
int pario_desc_format(const pario_dataset *ds, char *buf, size_t len);

/* Set the shape from dims (1 or 2 values), computing nelems; 0 on overflow. */
int pario_dataset_set_shape(pario_dataset *ds, int ndims, const uint64_t *dims);

/* Bytes of data after the header. */
static inline uint64_t pario_dataset_bytes(const pario_dataset *ds)
{
    return ds->nelems * pario_dtype_size(ds->dtype);
}

#ifdef __cplusplus
}
#endif
#endif
