/* A file's state when a read of it begins (its size and modification time),
 * compared when the read ends: a file cut or rewritten in place meanwhile
 * fails the read, as GNU tar tells "file changed as we read it", whatever
 * path the bytes came by (a memory map, MPI-IO, HDF5). */
#ifndef PARIO_STAMP_H
#define PARIO_STAMP_H

#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include "pario/status.h"

struct pario_stamp {
    int valid;               /* a regular file: devices and pipes have no such state */
    uint64_t size;
    struct timespec mtime;
};

/* The state of the file sb describes (from fstat or stat). */
void pario_stamp_take(struct pario_stamp *s, const struct stat *sb);

/* The state of path now (invalid when it cannot be read). */
void pario_stamp_path(struct pario_stamp *s, const char *path);

/* Ok while the file is as s found it; else a runtime error naming path: it
 * shrank, or it changed (another modification time). now: its state now. */
pario_status pario_stamp_compare(const struct pario_stamp *s, const struct stat *now, const char *path);

/* pario_stamp_compare with path's state now (ok when s is invalid, or path
 * cannot be read now: the reads themselves failed then). */
pario_status pario_stamp_check(const struct pario_stamp *s, const char *path);

#endif
