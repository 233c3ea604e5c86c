/* Part files: the file-based form of the scatter lesson. pario-scatter gives each
 * rank its part of a dataset as PREFIX.RANK (+ descriptor); pario-gather puts the
 * parts back into one shared file with a noncontiguous collective write. */
#ifndef PARIO_PARTS_H
#define PARIO_PARTS_H

#include <stdint.h>
#include <mpi.h>
#include "pario/dataset.h"
#include "pario/io.h"
#include "pario/progress.h"
#include "pario/status.h"
#include "pario/view.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "PREFIX.RANK" */
void pario_part_path(const char *prefix, int rank, char *out, size_t len);

/* Part formats (pario_source_kind): PARIO_SOURCE_RAW "PREFIX.RANK" (+ PREFIX.RANK.yaml),
 * PARIO_SOURCE_NPY "PREFIX.RANK.npy" (+ PREFIX.RANK.npy.yaml: numpy's header cannot
 * carry the part's place in the whole) and PARIO_SOURCE_HDF5 "PREFIX.RANK.h5", dataset
 * PARIO_PART_H5_DATASET, whose attributes record the part's place. */
#define PARIO_PART_H5_DATASET "/data"
/* "raw", "npy", "h5" (or "hdf5"); a usage error otherwise. */
pario_status pario_part_format_parse(const char *text, int *format);
/* The part file of rank in format: "PREFIX.RANK", "PREFIX.RANK.npy", "PREFIX.RANK.h5". */
void pario_part_path_as(const char *prefix, int rank, int format, char *out, size_t len);
/* Collective: the format of the parts under prefix: rank 0 looks for PREFIX.0,
 * PREFIX.0.npy and PREFIX.0.h5; none found is raw (its missing-file error comes
 * later), more than one is a usage error (say which with --part-format). */
pario_status pario_parts_detect(const char *prefix, int *format, MPI_Comm comm);

/* Collective: read this rank's part of ds through view and write it, as stored
 * (same byte order), to its part file in format (pario_part_path_as) with a
 * descriptor naming the whole (raw, npy) or attributes (HDF5). Raw parts: part 0
 * also carries ds's header (its first ds->offset bytes) as its own header, and
 * every part's descriptor records that size (part.offset); .npy and HDF5 parts
 * refuse a raw input with a header. All ranks' parts or none. */
pario_status pario_scatter(const pario_dataset *ds, const pario_view *view, const char *prefix, int format,
                           const pario_io_opts *io, pario_progress *progress, uint64_t *bytes, MPI_Comm comm);

/* Collective: open this rank's part file in format (pario_part_path_as), check that
 * the parts belong together and to this many ranks, and describe the whole dataset
 * (path = out). dist: the --dist given, or NULL to use the parts' own. */
pario_status pario_gather_open(const char *prefix, int format, const char *out, const pario_dist *dist,
                               pario_dataset *part,
                               pario_dataset *whole, pario_dist *used, MPI_Comm comm);

/* Collective: write every rank's part into whole->path through view, and part
 * 0's header before it: the original file, byte for byte. */
pario_status pario_gather(const pario_dataset *part, const pario_dataset *whole, const pario_view *view,
                          const pario_io_opts *io, pario_progress *progress, uint64_t *bytes, MPI_Comm comm);

#ifdef __cplusplus
}
#endif
#endif
