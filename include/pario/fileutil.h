/* Outputs appear whole or not at all: written under a temporary name, then renamed. */
#ifndef PARIO_FILEUTIL_H
#define PARIO_FILEUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <mpi.h>
#include "pario/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Serial: write len bytes to path via "path.tmp.PID" and rename. */
pario_status pario_write_file_atomic(const char *path, const void *data, size_t len);
/* The same in two steps, for an output of two files (data and descriptor): write
 * "path.tmp.PID" whole (nothing renamed: a failure, a full disk, leaves path as
 * it was), then later rename it into place, or discard it. PID: this process's. */
pario_status pario_write_file_tmp(const char *path, const void *data, size_t len);
pario_status pario_commit_tmp(const char *path);
/* rename(tmp, path), tmp first taking the permission bits path has now (rwx
 * for user, group, others), so that replacing a private output does not make
 * it readable to all; 0 or -1 with errno, as rename. */
int pario_rename_over(const char *tmp, const char *path);
void pario_discard_tmp(const char *path);
/* For an output of several files renamed one after the other: before the
 * first rename, path's earlier file (if any) is kept under a hard link,
 * "path.tmp.PID.old" (into keep, len bytes; returns 1 when kept); if a later
 * rename fails, pario_restore_old puts it back over the new one (or, none
 * kept, removes the new one), so that the earlier output is left as it was;
 * else pario_drop_old removes the link. A file system without hard links
 * keeps nothing (then a failure removes the new file only). Serial. */
int pario_keep_old(const char *path, char *keep, size_t len);
void pario_restore_old(const char *path, const char *keep, int kept);
void pario_drop_old(const char *keep, int kept);
/* An output of two files, each written whole under its temporary name
 * (first_tmp; second's is this process's "second.tmp.PID"), renamed into
 * place first then second with the ending signals held (pario_signals_hold):
 * if second cannot take its name, first's earlier file is put back
 * (pario_keep_old), never a new first beside an old second. On failure no
 * temporary file is left. Serial. */
pario_status pario_commit_pair(const char *first_tmp, const char *first, const char *second);
/* Around the renames of an output of several files (data and descriptor, the
 * results and their HDF5 file): SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1,
 * SIGUSR2 and SIGXCPU are caught, and the first one raised again by the
 * matching release, so that a kill between the renames cannot leave new data
 * beside an old descriptor (only SIGKILL still can). Nests; serial, per process. */
void pario_signals_hold(void);
void pario_signals_release(void);

/* The temporary name of final_path written by process pid: "final_path.tmp.PID".
 * The next run writing final_path removes it when PID is not alive (guard.h). */
void pario_tmp_name(const char *final_path, long pid, char *out, size_t len);

/* Collective: a temporary name beside final_path, the same on every rank (rank 0's PID). */
void pario_tmp_path(const char *final_path, char *out, size_t len, MPI_Comm comm);

/* malloc (at least 1 byte) with the alloc fault point (PARIO_FAULT); NULL when out of memory. */
void *pario_alloc(size_t bytes);

/* Page-aligned allocation for I/O buffers (reads into unaligned buffers run 4-5x slower here). */
void *pario_alloc_aligned(size_t bytes);

/* Parse a count or size: "1000", "1e9", "4Mi", "2Gi", "3k" (k/M/G/T = 10^3.., Ki/Mi/Gi/Ti = 2^10..). */
pario_status pario_parse_size(const char *text, uint64_t *out);

#ifdef __cplusplus
}
#endif
#endif
