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

/* Collective: read this rank's part of ds through view and write it, as stored
 * (same byte order), to PREFIX.RANK with a descriptor naming the whole. Part 0
 * also carries ds's header (its first ds->offset bytes) as its own header, and
 * every part's descriptor records that size (part.offset). */
pario_status pario_scatter(const pario_dataset *ds, const pario_view *view, const char *prefix,
                           const pario_io_opts *io, pario_progress *progress, uint64_t *bytes, MPI_Comm comm);

/* Collective: open this rank's part PREFIX.RANK, check that the parts belong
 * together and to this many ranks, and describe the whole dataset (path = out).
 * dist: the --dist given, or NULL to use the parts' own. */
pario_status pario_gather_open(const char *prefix, const char *out, const pario_dist *dist, pario_dataset *part,
                               pario_dataset *whole, pario_dist *used, MPI_Comm comm);

/* Collective: write every rank's part into whole->path through view, and part
 * 0's header before it: the original file, byte for byte. */
pario_status pario_gather(const pario_dataset *part, const pario_dataset *whole, const pario_view *view,
                          const pario_io_opts *io, pario_progress *progress, uint64_t *bytes, MPI_Comm comm);

#ifdef __cplusplus
}
#endif
#endif
