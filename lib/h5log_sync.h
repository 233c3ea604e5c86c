/* Internal: flush the pi log without an fsync (lib/h5log_sync.c). */
#ifndef PARIO_H5LOG_SYNC_H
#define PARIO_H5LOG_SYNC_H
#include <mpi.h>

/* Collective in effect: every rank sets the same state around the same flush.
 * fh: the log's MPI-IO handle, whose sync may be skipped until the next call;
 * MPI_FILE_NULL: every sync wanted. */
void pario_h5log_skip_sync(MPI_File fh);
/* 1 if a sync was skipped since pario_h5log_skip_sync (an interposer asked). */
int pario_h5log_sync_skipped(void);

#endif
