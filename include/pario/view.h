/* Distributions and file views: which elements of a dataset each rank owns, as the
 * MPI file view (displacement, etype, filetype) that reads and writes both use. */
#ifndef PARIO_VIEW_H
#define PARIO_VIEW_H

#include <stdint.h>
#include <stdio.h>
#include <mpi.h>
#include "pario/dataset.h"
#include "pario/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pario_dist_kind {
    PARIO_DIST_BLOCK,       /* 1-D: contiguous blocks, first ranks one larger */
    PARIO_DIST_CYCLIC,      /* 1-D: blocks of k elements dealt round-robin (k = 1: cyclic) */
    PARIO_DIST_ROWS,        /* 2-D: contiguous bands of rows */
    PARIO_DIST_ROWS_CYCLIC, /* 2-D: bands of k rows dealt round-robin */
    PARIO_DIST_COLS,        /* 2-D: bands of columns */
    PARIO_DIST_TILES        /* 2-D: a P x Q grid of tiles */
} pario_dist_kind;

typedef struct pario_dist {
    pario_dist_kind kind;
    uint64_t k;   /* block size for cyclic kinds */
    int grid[2];  /* tiles: P x Q; 0 x 0 = chosen by MPI_Dims_create */
} pario_dist;

/* "block", "cyclic", "cyclic:K", "rows", "cols", "tiles", "tiles:PxQ", "rows-cyclic:K". */
pario_status pario_dist_parse(const char *text, pario_dist *d);
/* The canonical text of a distribution. */
void pario_dist_format(const pario_dist *d, char *buf, size_t len);
static inline int pario_dist_is_2d(const pario_dist *d) { return d->kind >= PARIO_DIST_ROWS; }

/* Balanced split of n items over p parts: part r starts at *start and has *len. */
void pario_split(uint64_t n, int p, int r, uint64_t *start, uint64_t *len);

/* ---- the one model of a distribution ----
 * Every distribution is a split of the rows of a [rows x cols] grid over grid[0]
 * parts and of its columns over grid[1] parts; rank = row part * grid[1] + column
 * part. Flat distributions (block, cyclic) see the dataset as [nelems x 1]. Each
 * axis is split in balanced blocks (k = 0) or dealt in blocks of k round-robin.
 * pario_layout_make is the only code that knows what a --dist means; a rank's part
 * (pario_layout_runs), the owner of an element (pario_layout_owner), the smallest
 * piece (pario_layout_piece), the view and its filetype all derive from it. */
typedef struct pario_axis {
    uint64_t n;   /* items along the axis */
    int parts;    /* parts it is split into */
    uint64_t k;   /* 0: balanced blocks; else blocks of k dealt round-robin */
} pario_axis;

typedef struct pario_layout {
    pario_axis axis[2]; /* rows, columns; columns are only split in blocks */
    int ndims;          /* of the parts (1 for flat distributions) */
} pario_layout;

/* A rank's part in global (row-major) indices: count elements in runs of `run`
 * elements, `stride` apart, the first at `base` (stride 0: one run). */
typedef struct pario_runs {
    uint64_t base, run, stride, count;
    uint64_t shape[2];  /* rows x columns of the part */
    uint64_t first[2];  /* its first row and column in the layout's grid */
} pario_runs;

/* The layout of d for a dataset of this shape over nranks (usage errors: a 2-D
 * distribution of a 1-D dataset, a grid that does not match nranks). */
pario_status pario_layout_make(const pario_dist *d, const pario_dataset *ds, int nranks, pario_layout *L);
void pario_layout_runs(const pario_layout *L, int rank, pario_runs *p);
/* Elements of the part whose global index is below g. */
uint64_t pario_runs_before(const pario_runs *p, uint64_t g);
/* Copy the elements of part p whose global indices lie in [g0, g1) from `from`,
 * which holds that whole global range (g0 at its start), to `to` in the part's
 * local order; returns how many (the exchange's pack, the sieve's keep). */
uint64_t pario_runs_gather(const pario_runs *p, uint64_t g0, uint64_t g1, const void *from, void *to, size_t es);
/* The owner of global element g; *end is the first index past g whose owner may differ. */
int pario_layout_owner(const pario_layout *L, uint64_t g, uint64_t *end);
/* Elements in the smallest contiguous piece any rank's part has (UINT64_MAX when
 * every part is one contiguous run): the same answer on every rank. */
uint64_t pario_layout_piece(const pario_layout *L);
/* 1 when every tile of trows x tcols of the layout's [rows x cols] grid
 * (aligned on multiples; the last ones cut by the grid's end) lies in one rank's
 * part: a chunked HDF5 dataset's chunks (a 2-D layout) or bands of chunk rows (a
 * flat one, [elements x 1], tiles of pario_h5_chunk_band x 1) are then each read
 * by one rank. The same answer on every rank. */
int pario_layout_whole_tiles(const pario_layout *L, uint64_t trows, uint64_t tcols);

typedef struct pario_view {
    pario_dist dist;          /* with the grid resolved */
    pario_layout layout;      /* what the distribution means for this dataset */
    int rank, nranks;
    int grid_pos[2];          /* this rank's (row, col) part in the layout's grid */
    MPI_Offset disp;          /* bytes from the start of the file */
    MPI_Datatype etype;       /* the dataset's element type */
    MPI_Datatype filetype;    /* committed; equals etype for contiguous views */
    int filetype_owned;       /* 1 if filetype must be freed */
    uint64_t local_count;     /* elements this rank owns */
    int local_ndims;
    uint64_t local_shape[2];
    char ctor[320];           /* the constructor call that built the filetype */
    /* Local element i sits at global index base + (i / run) * stride + i % run. */
    uint64_t base, run, stride;
    size_t esize;
    uint64_t rows, cols, nelems;  /* the dataset's shape (cols = 1 for 1-D) */
} pario_view;

/* Serial (any rank can build any rank's view): the view of `rank` among `nranks`. */
pario_status pario_view_build(const pario_dataset *ds, const pario_dist *d, int rank, int nranks,
                              pario_view *v);
void pario_view_free(pario_view *v);

/* 1 when ds is a chunked HDF5 dataset and v's distribution gives each chunk to
 * one rank: its chunks are tiles of a 2-D layout, its bands of chunk rows
 * blocks of a flat one (a chunk cut by a flat part's row is shared). */
int pario_view_whole_chunks(const pario_view *v, const pario_dataset *ds);
/* 1 if v's own part (this rank's) is one contiguous run of global indices. */
int pario_view_part_is_run(const pario_view *v);
/* The global (row-major) index of local element i. */
uint64_t pario_view_global_index(const pario_view *v, uint64_t local_i);
/* The contiguous run of global indices that starts at local element i:
 * returns its length (up to the end of the run), sets *global to its first index. */
uint64_t pario_view_run(const pario_view *v, uint64_t local_i, uint64_t *global);

/* Local elements whose global index is below g (global indices grow with local ones). */
uint64_t pario_view_local_before(const pario_view *v, uint64_t g);
/* Sizing windows by the data a rank really holds (the exchange strategy, convert):
 * the most elements v's part can have among any w consecutive global indices, and
 * the widest window in which it stays within
 * about e elements (at most 3e; UINT64_MAX when the part is empty). */
uint64_t pario_view_share_bound(const pario_view *v, uint64_t w);
uint64_t pario_view_window_for(const pario_view *v, uint64_t e);
/* The rank that owns global element g under v's distribution; *run_left is how many
 * elements from g on share that owner (at least 1). */
int pario_view_owner(const pario_view *v, uint64_t g, uint64_t *run_left);

/* Collective --explain: rank 0 prints every rank's etype, filetype (constructor,
 * size, extent) and displacement in rank order, and, for datasets of at most
 * max_map elements, the owner map computed by unpacking through each rank's
 * filetype (what the view really selects). Returns an error if some element is
 * owned by no rank or by two. */
pario_status pario_view_explain(const pario_dataset *ds, const pario_view *v, FILE *out,
                                uint64_t max_map, MPI_Comm comm);

/* Collective: the owner of each element (rank, or -1) into owners[nelems] on rank 0,
 * computed through the filetypes. Fails if an element has two owners. */
pario_status pario_view_owner_map(const pario_dataset *ds, const pario_view *v, int *owners,
                                  MPI_Comm comm);

#ifdef __cplusplus
}
#endif
#endif
