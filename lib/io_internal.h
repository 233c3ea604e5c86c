/* Shared by the reader and the writer. */
#ifndef PARIO_IO_INTERNAL_H
#define PARIO_IO_INTERNAL_H
#include <stdint.h>
#include <stddef.h>
#include <mpi.h>
#include <sys/stat.h>
#include "config.h"
#include "pario/dtype.h"
#include "pario/io.h"
#include "notice.h"
#include "stamp.h"

/* The reader and writer behind the opaque handles of pario/io.h (allocated and
 * freed in lib/io_handle.c; the engine is io_read.c and io_write.c). */
struct pario_reader {
    MPI_Comm comm;
    MPI_File fh;
    const pario_dataset *ds;
    const pario_view *view;
    pario_io_opts opts;
    size_t chunk_elems;
    uint64_t nsteps, step;        /* the same on every rank, unless local */
    int local;                    /* every rank reads its own part independently, with no
                                   * collective per chunk; ranks agree once, at the end */
    int finished;                 /* local: the closing agreement was made */
    pario_notice notice;          /* local: a failed rank tells the others to stop (notice.h) */
    uint64_t next_local;          /* local index of the next chunk to post */
    void *buf[2];
    int cur;
    struct pario_prefetch *pf;    /* overlap: the thread that reads ahead, or NULL */
    int inflight;                 /* a read is posted to pf */
    uint64_t pending_start;
    size_t pending_n;
    int swap;                     /* stored order differs from the host's */
    pario_status err;             /* this rank's read error, agreed at the next step */
    uint64_t bytes;               /* read by this rank */
    double io_seconds;            /* spent waiting for reads */
    pario_strategy strategy;
    struct pario_stripe_exchange *xr; /* exchange strategy: stripes and their Alltoallv */
    struct pario_sieve *sv;       /* sieve strategy: spans read, own elements kept */
    struct pario_h5read *h5;      /* chunked/compact HDF5: read through H5Dread (io_read_h5.c), or NULL */
    struct pario_map *map;        /* this rank's contiguous part through a memory map (io_map.c), or NULL */
    struct pario_stamp stamp;     /* the file's size and time at the open, compared at the end (stamp.h) */
    int checked;                  /* the end's comparison was made */
    int64_t h5file;               /* contiguous HDF5: the file the inspection opened, whose MPI-IO
                                   * handle fh is (closed with it), or 0 */
};

/* A reader whose part is mapped has no MPI-IO handle until one is asked for
 * (pario_reader_read_at, pario_reader_file: pario-convert's own reads and
 * views): open it now, on MPI_COMM_SELF, with the reader's view. */
pario_status pario_reader_ensure_fh(pario_reader *r);

struct pario_writer {
    MPI_Comm comm;
    MPI_File fh;
    const pario_dataset *ds;
    const pario_view *view;
    pario_io_opts opts;
    size_t chunk_elems;
    uint64_t nsteps, step, next_local;
    void *buf;
    int swap;
    pario_status err;
    char final_path[PARIO_PATH_MAX], tmp_path[PARIO_PATH_MAX + 32];
    pario_view moved;             /* the view at the data's real offset (HDF5 outputs) */
    struct pario_h5write *h5;     /* chunked HDF5 output: written by H5Dwrite (io_write_h5.c), or NULL */
    uint64_t data_offset;
    uint64_t bytes;
    double io_seconds;
    /* an HDF5 output (rank 0): its file as it was when this run began, to
     * find another run's change before the copy is renamed over it */
    int h5_before, h5_existed;
    struct stat h5_was;
};

/* Collective: open or finish a reader or writer in place (memory owned by the caller). */
pario_status pario_reader_init(pario_reader *r, const pario_dataset *ds, const pario_view *view,
                               const pario_io_opts *o, MPI_Comm comm);
void pario_reader_release(pario_reader *r);
pario_status pario_writer_init(pario_writer *w, const char *path, const pario_dataset *ds,
                               const pario_view *view, const pario_io_opts *o, MPI_Comm comm);
pario_status pario_writer_finish(pario_writer *w, pario_status st, int write_desc);

/* The HDF5 path of the reader (io_read_h5.c), for datasets not stored contiguously:
 * open the file once with the MPI-IO driver and collective metadata, read a rank's
 * local elements [start, start+n) as a hyperslab union (host order, or stored order
 * when raw), close (rank 0 reports the transfer mode HDF5 really used under verbose). */
pario_status pario_h5read_open(pario_reader *r);
pario_status pario_h5read_at(pario_reader *r, uint64_t start, uint64_t n, void *buf);
/* The reader's step: up to *n local elements from start, *data pointing at them:
 * into the memory map of the file where the direct path can (then *n may shrink
 * to the chunks that lie next to each other in the file), else read into
 * r->buf[0] by pario_h5read_at. */
pario_status pario_h5read_next(pario_reader *r, uint64_t start, size_t *n, const void **data);
/* Ok, or the failure of the direct path's memory map (the file shrank under it). */
pario_status pario_h5read_check(const pario_reader *r);
/* 1 when the direct path takes the chunks from a memory map; 2 when it also hands
 * them to the caller with no copy (unfiltered, host byte order). */
int pario_h5read_mapped(const pario_reader *r);
void pario_h5read_close(pario_reader *r);
/* 1 when every rank reads its chunks on the direct path (io_read_h5_direct.c):
 * the steps then have no collective call, so the reader agrees once at the end. */
int pario_h5read_direct(const pario_reader *r);
/* Select local elements [start, start+n) of view v in the dataspace of ds (a union
 * of hyperslabs: ranges, or for 2-D partial rows and blocks of whole rows). */
#include <hdf5.h>
herr_t pario_h5_select(hid_t space, const pario_view *v, const pario_dataset *ds, uint64_t start, uint64_t n);
/* The direct path for deflate/shuffle chunks read by one rank each
 * (io_read_h5_direct.c): collective open (NULL: not this dataset, read with
 * H5Dread), then per rank: local elements [start, start+n) of v into buf, as
 * stored (the caller swaps); 0 if a chunk did not read or inflate (an error: the
 * open is all ranks or none, and the reader's steps are then local). */
struct pario_h5direct;
/* use_map: take the chunks' stored bytes from a memory map of the file (not
 * --no-mmap; a file that cannot be mapped is read with MPI-IO) */
struct pario_h5direct *pario_h5direct_open(hid_t file, hid_t dset, const pario_dataset *ds, size_t esize,
                                           int use_map, MPI_Comm comm);
int pario_h5direct_read(struct pario_h5direct *d, const pario_view *v, uint64_t start, uint64_t n, void *buf);
/* Local elements from start (at most n) straight from the map, no copy: unfiltered
 * chunks of whole rows, elements aligned; *got of them, as stored. NULL with *st
 * ok when this step cannot be served so (read it with pario_h5direct_read), NULL
 * with *st failed when the map failed. */
const void *pario_h5direct_span(struct pario_h5direct *d, const pario_view *v, uint64_t start, uint64_t n,
                                uint64_t *got, pario_status *st);
/* 1 when the chunks come from a memory map. */
int pario_h5direct_mapped(const struct pario_h5direct *d);
/* Why the last read failed when the map did (an injected fault, the file shrank
 * under the map), or whether the file shrank since; else ok. */
pario_status pario_h5direct_status(const struct pario_h5direct *d);
void pario_h5direct_free(struct pario_h5direct *d);

/* The writer's HDF5 path (io_write_h5.c), for chunked (--chunk-shape, --gzip)
 * outputs: rank 0 copies an existing file to the temporary name, every rank opens
 * it with the MPI-IO driver, the dataset is created collectively, each step is one
 * collective H5Dwrite of a hyperslab union in the stored byte order. */
pario_status pario_h5write_open(pario_writer *w);
pario_status pario_h5write_at(pario_writer *w, uint64_t start, uint64_t n, const void *buf);
pario_status pario_h5write_close(pario_writer *w);

/* Collective: the number of chunk steps every rank takes (the largest rank's). */
uint64_t pario_io_nsteps(uint64_t local_count, size_t chunk, MPI_Comm comm);
/* Elements per chunk for an element size. */
size_t pario_io_chunk_elems(const pario_io_opts *o, size_t esize);

/* 1 when ds's elements must be byte-swapped to reach the host's order (o may be
 * NULL: no --raw) */
static inline int pario_io_swaps(const pario_dataset *ds, const pario_io_opts *o)
{
    return !(o && o->raw) && ds->big_endian == pario_host_little_endian();
}

/* Elements in a status, large-count where MPI has it. */
static inline MPI_Count pario_status_count(const MPI_Status *s, MPI_Datatype t)
{
    /* a read that ended inside an element has no count of t (MPI_UNDEFINED):
     * then its whole elements, from its bytes */
#ifdef PARIO_HAVE_LARGE_COUNT
    MPI_Count c = 0, size = 0;
    MPI_Get_count_c(s, t, &c);
    if (c == MPI_UNDEFINED && MPI_Type_size_c(t, &size) == MPI_SUCCESS && size > 0) {
        MPI_Get_count_c(s, MPI_BYTE, &c);
        c /= size;
    }
    return c;
#else
    int c = 0, size = 0;
    MPI_Get_count(s, t, &c);
    if (c == MPI_UNDEFINED && MPI_Type_size(t, &size) == MPI_SUCCESS && size > 0) {
        MPI_Get_count(s, MPI_BYTE, &c);
        c /= size;
    }
    return c;
#endif
}
#endif
