/* Internal: a log's own objects, strictly. An HDF5 attribute read as one value of the type it claims, never
 * converted by HDF5 (which clips and truncates: a seed of -3 read as 0, a
 * float's 3.9 as 3, an array's first element taken). The logs' readers
 * (h5log_read.c, train_log.c) refuse a log whose attribute fails these. */
#ifndef PARIO_H5ATTR_H
#define PARIO_H5ATTR_H

#include <stdint.h>
#include <hdf5.h>

/* 1 if loc has the attribute name, else 0 (and then it is not read). */
int pario_h5attr_exists(hid_t loc, const char *name);
/* An integer attribute, one value, whole and in range: unsigned (u64), or
 * signed (i64). 0 when missing or not so. */
int pario_h5attr_u64(hid_t loc, const char *name, uint64_t *v);
int pario_h5attr_i64(hid_t loc, const char *name, int64_t *v);
/* A floating-point attribute, one value (of any float size). */
int pario_h5attr_f64(hid_t loc, const char *name, double *v);
/* A string attribute, one value, shorter than len: fixed-length, or variable-length
 * (h5py's for a Python str), in the file's character set. */
int pario_h5attr_str(hid_t loc, const char *name, char *buf, size_t len);
/* 1 if loc/name exists and is not a hard link (a soft or external link: an
 * external link made --resume write into another file, unlocked, the
 * training input among them). */
int pario_h5_is_link(hid_t loc, const char *name);

#endif
