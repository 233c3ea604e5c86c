/* Internal: loading one part file of any part format (lib/parts_format.c). */
#ifndef PARIO_PARTS_INTERNAL_H
#define PARIO_PARTS_INTERNAL_H
#include "pario/parts.h"

/* Serial: the part file path in format (pario_source_kind) as a dataset: path, dtype,
 * byte order, count, the byte offset of its data, and part (its place in the whole,
 * from the descriptor or the HDF5 attributes). */
pario_status pario_part_load(const char *path, int format, pario_dataset *part);
#endif
