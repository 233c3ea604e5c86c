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
/* ds->path and ds->dataset set: inspect the HDF5 dataset (contiguous only). */
pario_status pario_source_h5_open(pario_dataset *ds, uint64_t file_size);

/* A descriptor field of format text/csv (dataset_text.c): 1 if key is one (*st set
 * on a bad value), 0 otherwise. */
#include <yaml.h>
int pario_desc_text_field(const char *path, yaml_document_t *doc, yaml_node_t *k, yaml_node_t *v,
                          pario_dataset *ds, pario_status *st);

#endif
