/* Internal: flush the pi log without an fsync (lib/h5log_sync.c). */
#ifndef PARIO_H5LOG_SYNC_H
#define PARIO_H5LOG_SYNC_H

/* Collective in effect: every rank sets the same value around the same flush. */
void pario_h5log_skip_sync(int on);

#endif
