/* The chunked MPI-IO engine: one loop that count, reduce, scatter, gather, convert
 * and gen all use. Every rank makes the same number of collective calls, even when
 * it owns nothing, and memory is bounded by the chunk size, not the file size. */
#ifndef PARIO_IO_H
#define PARIO_IO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <mpi.h>
#include "pario/dataset.h"
#include "pario/status.h"
#include "pario/view.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PARIO_DEFAULT_CHUNK ((size_t)1 << 20)

/* How a reader gets a rank its elements. */
typedef enum pario_strategy {
    PARIO_STRATEGY_AUTO,     /* exchange for views of small pieces, else view */
    PARIO_STRATEGY_VIEW,     /* read through the rank's file view (ROMIO two-phase when collective) */
    PARIO_STRATEGY_EXCHANGE, /* read contiguous stripes, MPI_Alltoallv the elements to their owners */
    PARIO_STRATEGY_SIEVE     /* read the spans that hold a rank's elements, keep its own (no messages) */
} pario_strategy;

/* Reading ahead on a thread of the rank (MPI_THREAD_SERIALIZED): worth it only
 * when that thread has a core of its own. */
typedef enum pario_overlap {
    PARIO_OVERLAP_NEVER = 0,
    PARIO_OVERLAP_AUTO = 1,   /* when the rank's CPUs number at least twice the ranks on its node */
    PARIO_OVERLAP_ALWAYS = 2
} pario_overlap;

typedef struct pario_io_opts {
    size_t chunk_bytes;   /* per rank per step; default PARIO_DEFAULT_CHUNK */
    int independent;      /* 1: independent calls instead of collective ones */
    int no_mmap;          /* 1: a rank's contiguous part is read with MPI-IO, not through a memory map */
    int overlap;          /* pario_overlap: read the next chunk while the caller works on this one */
    MPI_Info info;        /* ROMIO hints, or MPI_INFO_NULL */
    FILE *show_hints;     /* --show-hints: where rank 0 prints the opened file's hints */
    int raw;              /* 1: bytes as stored, no byte-order conversion */
    pario_strategy strategy;
    const char *tool;     /* what an HDF5 output's attributes record: the tool writing it ... */
    const char *source;   /* ... and where its data come from (NULL: none) */
    int verbose;          /* say which transfer mode parallel HDF5 really used */
    int out_chunk_ndims;  /* HDF5 outputs: 0 contiguous, else chunked with chunk shape out_chunk */
    uint64_t out_chunk[2];
    int out_gzip;         /* HDF5 outputs: gzip level 0-9 (with shuffle), or -1: no filter */
} pario_io_opts;

/* The strategy a reader will use for this view, and why (for --explain). */
pario_strategy pario_strategy_choose(const pario_view *view, const pario_io_opts *o, int nranks, const char **why);
const char *pario_strategy_name(pario_strategy s);
/* 1 if every rank's part under v's distribution is one contiguous run. */
int pario_view_parts_contiguous(const pario_view *v);
/* 1 if v's parts are not contiguous and their smallest piece is at least 4 KiB:
 * reads take each piece on its own, independently, with data sieving off. */
int pario_view_reads_pieces(const pario_view *v);
/* 1 when a reader of v needs no collective call per chunk: each rank reads its own
 * chunks independently and the ranks agree once, at the end (--independent, one
 * rank, or contiguous parts or pieces of 4 KiB and more without a user
 * romio_cb_read hint). Shared facts only. */
int pario_reads_local(const pario_view *v, const pario_io_opts *o, int nranks);
/* 1 when such a reader takes this rank's part of ds from a memory map of the file
 * instead of reading it (lib/io_map.c): the view strategy, the host's byte order,
 * elements aligned, the part one contiguous run or runs of 4 KiB and more, and
 * no --no-mmap, --overlap on or --show-hints. (A file that cannot be mapped is
 * still read with MPI-IO.) */
int pario_reads_mapped(const pario_dataset *ds, const pario_view *v, const pario_io_opts *o, int nranks);
/* Hints pario adds: key ("romio_cb_read" or "romio_cb_write") = disable where every
 * part is contiguous and the user did not set it; for reads of pieces of 4 KiB and
 * more (pario_view_reads_pieces) romio_ds_read = disable, unless the user set it
 * or romio_cb_read. Returns a new MPI_Info to free,
 * or MPI_INFO_NULL when nothing is added. */
MPI_Info pario_io_tuned_info(const pario_view *v, MPI_Info user, const char *key);
pario_status pario_strategy_parse(const char *text, pario_strategy *s);

void pario_io_opts_init(pario_io_opts *o);
/* --chunk-shape N or R,C, and --gzip LEVEL (0-9), of the tools that write a dataset:
 * HDF5 outputs only; usage errors. pario_io_out_check: against the output (dims). */
pario_status pario_io_parse_chunk_shape(const char *arg, pario_io_opts *o);
pario_status pario_io_parse_gzip(const char *arg, pario_io_opts *o);
pario_status pario_io_out_check(pario_io_opts *o, const pario_dataset *out);

/* The name to give MPI_File_open (and HDF5's MPI-IO driver) for the file path:
 * ROMIO reads the text before a ':' as a file-system prefix ("ufs:", "nfs:"),
 * so a path holding a ':' ("run-12:30/x.bin", and "ufs:x" too, which pario
 * takes as a file name like every other tool) gets the prefix ROMIO would
 * choose for it ("nfs:" on NFS, else "ufs:"); other paths are returned as they
 * are. buf holds the result when it is not path (PARIO_PATH_MAX + 8 bytes). */
const char *pario_mpi_path(const char *path, char *buf, size_t len);

/* Collective open with errors returned, not fatal; the status is agreed. */
pario_status pario_file_open(MPI_Comm comm, const char *path, int amode, MPI_Info info, MPI_File *fh);
/* Rank 0 prints the hints the open file really has (MPI_File_get_info). */
void pario_file_print_hints(MPI_File fh, FILE *out, MPI_Comm comm);

/* ---- reading ---- */
/* An open reader: an opaque handle (its fields are the I/O engine's own). */
typedef struct pario_reader pario_reader;

/* Collective: open ds for reading through view; *r is NULL on failure. */
pario_status pario_reader_open(pario_reader **r, const pario_dataset *ds, const pario_view *view,
                               const pario_io_opts *o, MPI_Comm comm);
/* Collective: the next chunk, in host byte order; *n may be 0 on some ranks.
 * With overlap the next chunk's read may be running on a thread when this returns:
 * make no MPI call until the next pario_reader_next or pario_reader_close.
 * First agrees on *st (the caller's own error so far, and the last read's):
 * returns 0 when any rank failed or every rank is done, and then *st is agreed. */
int pario_reader_next(pario_reader *r, const void **data, size_t *n, uint64_t *local_start,
                      pario_status *st);
/* Collective: read n local elements from local index start into buf (host order
 * unless raw); for callers that choose their own windows. n may exceed the chunk. */
pario_status pario_reader_read_at(pario_reader *r, uint64_t start, uint64_t n, void *buf);
/* Collective: close and free (r may be NULL). */
void pario_reader_close(pario_reader *r);
/* Bytes this rank has read so far. */
uint64_t pario_reader_bytes(const pario_reader *r);
/* Seconds this rank has spent waiting for reads. */
double pario_reader_io_seconds(const pario_reader *r);
/* How this rank's reads ran, for --verbose: "from a memory map of the file (no
 * copy)", "read ahead on a thread (overlapped)" or "in turn with the work". */
const char *pario_reader_reads_how(const pario_reader *r);
/* The open file, for a caller that sets views of its own (convert's tiles);
 * pario_reader_read_at then counts elements of that view. */
MPI_File pario_reader_file(pario_reader *r);

/* ---- writing ---- */
/* An open writer: an opaque handle. */
typedef struct pario_writer pario_writer;

/* Collective: create a temporary file beside path, sized for ds (header zeroed);
 * *w is NULL on failure. ds->format says what the file is (pario_dataset_set_output):
 * raw, .npy (rank 0 writes the header first) or HDF5 (rank 0 makes the file with the
 * dataset ds->dataset, attributes from o->tool, o->source and view's distribution;
 * the data go at its address, view's displacement moved there). */
pario_status pario_writer_open(pario_writer **w, const char *path, const pario_dataset *ds,
                               const pario_view *view, const pario_io_opts *o, MPI_Comm comm);
/* The buffer to fill with the next chunk (host order); *n = elements this rank must put. */
void *pario_writer_buffer(pario_writer *w, size_t *n, uint64_t *local_start);
/* 1 while steps remain (the same answer on every rank). */
int pario_writer_more(const pario_writer *w);
/* Collective: agree on *st (the caller's error, e.g. while filling), then write the
 * buffer. Returns 0 (and an agreed *st) if any rank failed. */
int pario_writer_put(pario_writer *w, pario_status *st);
/* Collective: write n local elements at local index start from buf (host order
 * unless raw; buf is byte-swapped in place when the output is big-endian). */
pario_status pario_writer_write_at(pario_writer *w, uint64_t start, uint64_t n, void *buf);
/* Collective: write n raw bytes (n may be 0 on some ranks) at absolute byte offset
 * `at` of the file, outside the view: a header. st is the caller's error, agreed
 * first; returns the agreed status. */
pario_status pario_writer_put_bytes(pario_writer *w, uint64_t at, const void *buf, size_t n, pario_status st);
/* Collective: on success close, rename to the final name and write the descriptor
 * (write_desc, raw outputs only); on failure (st failed on any rank) remove the temporary file.
 * Frees w. */
pario_status pario_writer_close(pario_writer *w, pario_status st, int write_desc);
/* Bytes this rank has written so far. */
uint64_t pario_writer_bytes(const pario_writer *w);
/* The open file, for a caller that sets views of its own (convert's tiles). */
MPI_File pario_writer_file(const pario_writer *w);
/* The byte offset of the output's first element (an HDF5 output's is known only
 * once the writer has made the file). */
uint64_t pario_writer_data_offset(const pario_writer *w);

#ifdef __cplusplus
}
#endif
#endif
