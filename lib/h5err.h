/* Internal: HDF5 failures as statuses carrying HDF5's innermost error. */
#ifndef PARIO_H5ERR_H
#define PARIO_H5ERR_H
#include <hdf5.h>
#include "pario/status.h"

/* Right after a failed HDF5 call (inside H5E_BEGIN_TRY or after H5E_END_TRY, before
 * any other HDF5 call): "path: what: reason", where the reason is the system's
 * ("No space left on device") when HDF5 recorded one, else the description of the
 * innermost error on HDF5's stack. A local (this rank's) failure. */
pario_status pario_h5_error(const char *what, const char *path);

/* Ok when every existing prefix of path in the open file f ("/a", "/a/b", ...,
 * path itself) is an object stored in f: no external or user-defined link on
 * the way, and no soft link that leads out of f. Else a runtime error naming
 * file (the name to show) and the link: HDF5 would follow such a link into
 * another file, where pario's byte offsets and copy-on-write do not reach.
 * `verb`: "reads" or "writes". Call inside H5E_BEGIN_TRY. */
pario_status pario_h5_path_local(hid_t f, const char *file, const char *path, const char *verb);
/* Serial: the identity (the object's address in the file) of each object
 * names[0..n) of the HDF5 file, links followed: the same object under two
 * names (a soft or hard link, "//x", "/./x") has one. 0 when one cannot be
 * found (the file or a name). */
int pario_h5_object_ids(const char *file, const char *const *names, size_t n, uint64_t *ids);

/* Close a dataset's handles, innermost first; negative ones are skipped. */
void pario_h5_close(hid_t dxpl, hid_t type, hid_t space, hid_t dset, hid_t file);

#endif
