/* Internal: a rank's contiguous byte range of a regular file, read through a
 * memory map in windows instead of copied by pread (io_map.c). The page cache is
 * handed to the caller as it is: no copy, which was most of what a count or a
 * reduction of a cached file cost over a bare read loop (doc/performance.md).
 * A file that shrinks under a mapping raises SIGBUS on the next access: a
 * process-wide handler maps zero pages over the lost ones and marks the map, so
 * the access completes and the reader reports the short file as a read error at
 * its next step (the run fails; nothing computed from the zeros is written). */
#ifndef PARIO_IO_MAP_H
#define PARIO_IO_MAP_H
#include <stddef.h>
#include <stdint.h>
#include "pario/status.h"

struct pario_map;

/* Map bytes [off, off + len) of path in windows of about `window` bytes (a whole
 * number of pages, at least one chunk). A file that cannot be opened, or is
 * shorter than off + len, is an error; one that cannot be mapped (not a regular
 * file, no handler slot) leaves *m NULL with no error: read it with MPI-IO.
 * populate: prepare every page of a window when it is mapped (the caller reads
 * them all), else let each first touch fault its pages in; PARIO_MAP_EXACT:
 * each get that is not in the last window maps exactly the bytes it asks for (any
 * size within the range), all prepared: pieces scattered over the range, such as
 * a rank's HDF5 chunks, map none of the bytes between them. */
#define PARIO_MAP_EXACT 2
/* The window for a reader of chunk_bytes a step: 4 chunks, at least 8 MiB (few
 * mmap calls: each window's unmapping, and its first lines, which no prefetch
 * reaches, cost pario-reduce at 2 ranks on the AMD EPYC with AVX-512 1.37x of
 * cat with 4 MiB windows, 1.26x with 8, 1.21x with 16 (A/B, medians of 9); a
 * window's pages count in the rank's RSS (a 2-rank pario-count: 28, 32 and 40
 * MiB), and 8 MiB keeps it under bench/count.sh's 2 x chunk + 32 MiB). */
size_t pario_map_window_for(size_t chunk_bytes);
pario_status pario_map_open(struct pario_map **m, const char *path, uint64_t off, uint64_t len, size_t window,
                            int populate);
/* Bytes [pos, pos + n) of the range (pos relative to off; n at most the window
 * unless PARIO_MAP_EXACT),
 * mapping the next window when the last one is passed. NULL with *st set on a
 * failure (mmap, an injected read fault, a file that shrank). */
const void *pario_map_get(struct pario_map *m, uint64_t pos, size_t n, pario_status *st);
/* The same bytes when the mapped window holds them, the file has not shrunk and
 * no fault is being injected; else NULL, and pario_map_get is the way (no status
 * is built: a cyclic:1024 part asks for its 8 KiB runs 65,536 times a GiB). */
const void *pario_map_fast(struct pario_map *m, uint64_t pos, size_t n);
/* The whole range mapped at once, each page faulted in at its first touch,
 * with no injected read fault: for a reader that goes back and forth over it
 * (pario-train's shuffled rows), which calls pario_map_check after each use.
 * NULL with *st set when mmap fails. */
const void *pario_map_all(struct pario_map *m, pario_status *st);
/* 1 when a read of m's pages failed (the file shrank: pario_map_check's
 * error), else 0: a test cheap enough for every use of a mapping. */
int pario_map_lost(const struct pario_map *m);
/* A failure since the last call (the file shrank under the map), else ok. */
pario_status pario_map_check(struct pario_map *m);
/* The same, and also a file now shorter than the range (its last page past the
 * new end reads as zeros with no SIGBUS), or modified since the open (its
 * modification time: rewritten in place, the bytes read may mix two versions):
 * one fstat, for failure paths and the end of a read. */
pario_status pario_map_check_size(struct pario_map *m);
void pario_map_close(struct pario_map *m);

#endif
