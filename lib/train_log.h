/* pario-train's epoch log (private): one parallel HDF5 file, one row per epoch.
 *   /loss, /accuracy, /seconds, /samples_per_second  [epochs] float64
 *   /weights                                          [epochs x W] float64
 * Root attributes: model, seed, batch, samples, features, classes,
 * shuffle_block, lr, l2, pario_version. The file's lifecycle is lib/h5table.c's
 * (shared with the pario-pi log): created collectively under a temporary name,
 * published when the first epoch is in; every epoch is written by rank 0,
 * weights first, and flushed. A killed run leaves every finished epoch;
 * --resume (under the lock LOG.lock) continues from the last one whose loss and
 * weights are finite (the fill value is NaN). */
#ifndef PARIO_TRAIN_LOG_H
#define PARIO_TRAIN_LOG_H

#include <stdint.h>
#include <mpi.h>
#include "pario/status.h"
#include "pario/train.h"

typedef struct pario_trainlog pario_trainlog;

typedef struct pario_trainlog_meta {
    pario_train_model model;
    uint64_t seed, batch, samples, features, classes, nweights, block;
    double lr, l2;
    int64_t label_column; /* the column of DATA holding the labels, or -1 (a labels file) */
} pario_trainlog_meta;

/* Collective: a new log (refuses an existing path unless force). */
pario_status pario_trainlog_create(pario_trainlog **out, const char *path, const pario_trainlog_meta *m, int force,
                                   MPI_Comm comm);
/* Collective: reopen path, check that it was written with the same meta and
 * holds at most epochs finished epochs (else refused, the log untouched), and
 * cut it to its finished epochs: *done of them, the last one's weights in w and
 * its loss and accuracy in *loss, *acc (every rank). */
pario_status pario_trainlog_resume(pario_trainlog **out, const char *path, const pario_trainlog_meta *m,
                                   uint64_t epochs, uint64_t *done, double *w, double *loss, double *acc,
                                   MPI_Comm comm);
/* Collective: append epoch `epoch` (rank 0's values) and flush. */
pario_status pario_trainlog_append(pario_trainlog *l, uint64_t epoch, double loss, double acc, double seconds,
                                   double sps, const double *w);
/* Collective: the model of a finished log for --predict: its model, features
 * and classes attributes and the weights of its last finished epoch (*w
 * allocated, every rank). */
pario_status pario_trainlog_model(const char *path, pario_train_model *model, uint64_t *features, uint64_t *classes,
                                  double **w, MPI_Comm comm);
/* Collective: close; a new log with no epoch is removed. */
pario_status pario_trainlog_close(pario_trainlog *l);

#endif
