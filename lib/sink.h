/* Internal: the output formats (sinks) behind pario_writer, as the sources are
 * behind pario_dataset_open. A sink prepares the temporary file on rank 0 before
 * the data are written through pario's MPI-IO path at the offset it returns:
 *   raw  — nothing (the writer creates the file and sizes it);
 *   npy  — the header, at the offset pario_dataset_set_output already computed;
 *   hdf5 — a file (a copy of an existing one, or new) with the dataset created
 *          contiguous, its space allocated early and never filled, its attributes;
 *          the data's address comes from H5Dget_offset. */
#ifndef PARIO_SINK_H
#define PARIO_SINK_H
#include <stddef.h>
#include <stdint.h>
#include "pario/dataset.h"

/* What the attributes of an HDF5 output record. */
struct pario_sink_meta {
    const char *tool, *source, *dist;
    const struct pario_part *part; /* a part file's place in the whole (pario-scatter), or NULL */
    int fresh;                     /* 1: a new file even if ds->path exists (a part is replaced whole) */
};

/* The .npy header (magic, version 1.0, dict padded to 64 bytes) of ds into buf;
 * returns its length, or 0 if it does not fit len. */
size_t pario_sink_npy_header(const pario_dataset *ds, char *buf, size_t len);
/* Rank 0, serial: create tmp holding the header of ds (ds->offset bytes). */
pario_status pario_sink_npy_create(const pario_dataset *ds, const char *tmp);
/* Rank 0, serial: create tmp as ds->path's content (if it exists and not
 * meta->fresh) plus the dataset ds->dataset; *offset = the address of its data.
 * With meta->part, the dataset also records the part's place in the whole:
 * pario_rank, pario_nranks (int64), pario_shape (uint64, the whole's), pario_dtype. */
pario_status pario_sink_h5_create(const pario_dataset *ds, const char *tmp, const struct pario_sink_meta *meta,
                                  uint64_t *offset);
/* The HDF5 file type of ds's dtype and byte order. */
#include <hdf5.h>
hid_t pario_sink_h5_type(const pario_dataset *ds);
/* The attributes pario records on a dataset it writes; -1 on failure. */
int pario_sink_h5_attrs(hid_t dset, const struct pario_sink_meta *meta);
/* A part's place from the attributes of pario_sink_h5_create (ds->path, ds->dataset
 * open as d): part->rank, nranks, dist, ndims, shape. */
pario_status pario_sink_h5_part_read(hid_t d, const pario_dataset *ds, struct pario_part *part);
/* Rank 0, serial, before the collective create of a chunked output: an existing
 * ds->path must be HDF5 with room for ds->dataset, and is copied to tmp. */
pario_status pario_sink_h5_prepare(const pario_dataset *ds, const char *tmp, int exists);
#endif
