/* An appendable table in one parallel HDF5 file (private): the lifecycle the
 * pario-pi round log and the pario-train epoch log share.
 *   - created collectively under a temporary name (FILE.tmp.PID, space reserved
 *     first), published under its name by link() (rename with force) once its
 *     first row is flushed; a new table with no row is removed at close;
 *   - columns are 1-D [rows] or 2-D [rows x width] chunked datasets, extended
 *     one row at a time; before an extension allocates a block of chunks rank 0
 *     reserves the space (fallocate) and the ranks agree, so a full disk stops
 *     every rank before HDF5 sees it;
 *   - an element (or a run of a row) is written collectively by every rank or
 *     by rank 0 alone; a flush puts the row on disk, with an fsync when due
 *     (every flush, or every sync interval seconds; h5log_sync.c skips the rest);
 *   - reopened for appending (resume) under an flock on FILE.lock, cut to the
 *     rows kept;
 *   - fault points (PARIO_FAULT) at the open, H5Dwrite, H5Fflush and fsync.
 * Every call is collective unless said; statuses are agreed. */
#ifndef PARIO_H5TABLE_H
#define PARIO_H5TABLE_H

#include <stdint.h>
#include <mpi.h>
#include <hdf5.h>
#include "pario/status.h"

#define PARIO_H5TABLE_MAX_COLS 8

typedef struct pario_h5table_col {
    const char *name;
    hid_t ftype, mtype;      /* stored and native types (8-byte elements) */
    int wide;                /* 1: [rows x width]; 0: [rows] */
    uint64_t chunk_rows;     /* rows per chunk */
    const void *fill;        /* native fill value, NULL: zero */
} pario_h5table_col;

typedef struct pario_h5table pario_h5table;

/* A table object for path (nothing opened yet); NULL when out of memory. */
pario_h5table *pario_h5table_new(const char *path, const pario_h5table_col *cols, int ncols, MPI_Comm comm);
/* Create the file under its temporary name: refuses an existing path unless
 * force. Then the caller writes attributes (pario_h5table_attr_*) and calls
 * pario_h5table_create_columns. On failure the table is freed. */
pario_status pario_h5table_create(pario_h5table *t, int force, uint64_t width);
/* Attributes of the root: collective, the same arguments on every rank; each
 * returns 0 on failure (with *st set). */
int pario_h5table_attr_u64(pario_h5table *t, pario_status *st, const char *name, uint64_t v);
int pario_h5table_attr_i64(pario_h5table *t, pario_status *st, const char *name, int64_t v);
int pario_h5table_attr_f64(pario_h5table *t, pario_status *st, const char *name, double v);
int pario_h5table_attr_str(pario_h5table *t, pario_status *st, const char *name, const char *s);
/* The columns, then the first reservation. */
pario_status pario_h5table_create_columns(pario_h5table *t);

/* One root attribute of a log's layout: kind 'u' (u), 'i' (i), 'f' (f) or 's' (s). */
typedef struct pario_h5table_attr {
    const char *name;
    char kind;
    uint64_t u;
    int64_t i;
    double f;
    const char *s;
} pario_h5table_attr;
/* After pario_h5table_create: the attributes a[0..n) in order (each collective,
 * the ranks agreeing after each), then the columns. On failure the table is freed. */
pario_status pario_h5table_create_layout(pario_h5table *t, const pario_h5table_attr *a, int n);
/* Reopen an existing table for appending, cut (or grown) to rows x width. */
pario_status pario_h5table_reopen(pario_h5table *t, uint64_t rows, uint64_t width);
/* Serial: the error a writer's reopen of the log at path would give now
 * because another run writes it (its FILE.lock is locked, or, for a log of
 * several names, its inode's lock is held), else success. Holds nothing after
 * it returns. A --resume whose read of the log failed asks it: a run that began
 * writing the log after the guard's check made the read fail as a truncated
 * file (pi_lock.sh 4c, 3 runs in 28 on a loaded machine), not as busy. */
pario_status pario_h5table_check_idle(const char *path);
/* Make row `row` exist (extends every column; reserves first). */
pario_status pario_h5table_extend(pario_h5table *t, uint64_t row);
/* Write n elements of column c at (row, col) from v: collective (every rank
 * joins, each its own elements) or rank 0's alone (the others return). */
int pario_h5table_write(pario_h5table *t, int c, uint64_t row, uint64_t col, uint64_t n, const void *v,
                        int collective, pario_status *st);
/* Flush what was written (fsync when due) and publish a new table. */
pario_status pario_h5table_flush(pario_h5table *t);
/* Close (fsync the last rows), remove a table never published, free. */
pario_status pario_h5table_close(pario_h5table *t);
/* Free after a failure, without the collective close steps. */
void pario_h5table_free(pario_h5table *t);

void pario_h5table_set_sync_interval(pario_h5table *t, double seconds);
uint64_t pario_h5table_syncs(const pario_h5table *t);
uint64_t pario_h5table_rows(const pario_h5table *t);
int pario_h5table_published(const pario_h5table *t);
int pario_h5table_rank(const pario_h5table *t);
int pario_h5table_nranks(const pario_h5table *t);
MPI_Comm pario_h5table_comm(const pario_h5table *t);
/* The HDF5 file, for a caller's own calls (all collective ones agreed). */
hid_t pario_h5table_file(const pario_h5table *t);

#endif
