/* Internal: the sources a dataset can come from, as IOR's backends. Each one fills a
 * pario_dataset (dtype, shape, byte order, data offset) on rank 0, serially. */
#ifndef PARIO_SOURCE_H
#define PARIO_SOURCE_H
#include <stdint.h>
#include "pario/dataset.h"

/* The format of an open path from its first bytes: PARIO_SOURCE_NPY ("\x93NUMPY"),
 * PARIO_SOURCE_HDF5 (the superblock signature at 0, 512, 1024, ...), else RAW. */
int pario_source_sniff(const char *path);

/* ds->path set: read the .npy header. file_size: the file's size in bytes. */
pario_status pario_source_npy_open(pario_dataset *ds, uint64_t file_size);
/* Collective over comm, ds->path and ds->dataset set: open the HDF5 file once,
 * collectively with collective metadata reads, inspect the dataset (agreed) and
 * keep the file and dataset open for the reader of the same dataset on the same
 * ranks (pario_source_h5_take). A file held open on the same ranks through
 * pario_source_h5_take_mpi (another dataset of it) is reopened instead, so
 * pario-train's data and labels in one file open it once. */
#include <mpi.h>
#include <hdf5.h>
pario_status pario_source_h5_open_coll(pario_dataset *ds, uint64_t file_size, MPI_Comm comm);
/* The file (and *dset) the inspection of ds kept on ranks congruent with comm,
 * now the caller's to close; -1 if there is none: open it yourself. No MPI call. */
hid_t pario_source_h5_take(const pario_dataset *ds, MPI_Comm comm, hid_t *dset);
/* Collective: the first finite of the dataset's first 512 elements (row-major) as a
 * double (0 when none is: the variance's shift, as the raw path takes it), read by rank 0 (H5Dread,
 * every rank calling) from the file the inspection of ds kept; 1 on rank 0 when it
 * was read, else 0 (nothing kept, an empty dataset, a failed read). */
int pario_source_h5_first(const pario_dataset *ds, MPI_Comm comm, double *v);
/* Collective: the same as an MPI-IO handle for a contiguous dataset (*file: the
 * HDF5 file to close with pario_source_h5_close instead of MPI_File_close, or 0
 * when nothing was kept: open it yourself), with info's hints set on it. */
pario_status pario_source_h5_take_mpi(const pario_dataset *ds, MPI_Comm comm, MPI_Info info, MPI_File *fh,
                                      int64_t *file);
void pario_source_h5_close(int64_t file);

/* arg "FILE:/PATH" (pario_dataset_split did not split it) whose FILE is an
 * existing regular file without HDF5's signature: 1 with file and dset set (a
 * usage error to name), else 0. */
int pario_dataset_split_not_h5(const char *arg, char *file, size_t flen, char *dset, size_t dlen);

/* A descriptor field of format text/csv (dataset_text.c): 1 if key is one (*st set
 * on a bad value), 0 otherwise. */
#include <yaml.h>
int pario_desc_text_field(const char *path, yaml_document_t *doc, yaml_node_t *k, yaml_node_t *v,
                          pario_dataset *ds, pario_status *st);

#endif
