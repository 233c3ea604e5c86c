/* When the pi log pays for an fsync.
 *
 * HDF5's MPI-IO driver ends every H5Fflush with MPI_File_sync, and ROMIO turns
 * that into an fsync on every rank that wrote: about 1.4 ms per round on this
 * machine's ext4, a fifth of a 5 ms round. The log only needs each round in
 * the file (written with write(), it survives a killed job); the fsync buys
 * survival of a node crash, which can be paid for now and then. HDF5 1.10 has
 * no flush without the driver's sync, so the choice is made at MPI_File_sync.
 *
 * The library does not replace MPI_File_sync: it only says, for one file
 * handle, whether a sync is wanted now (pario_h5log_sync_wanted). A program
 * that wants the log's policy interposes MPI_File_sync itself and asks
 * (tools/pario-pi-sync.c, linked into pario-pi only); every other program that
 * links libpario keeps every sync, and pario_h5log counts each flush as an
 * fsync unless the interposer skipped it. */
#include "config.h"
#include <mpi.h>
#include "pario/h5log.h"
#include "h5log_sync.h"

/* The log's own handle while it flushes a round not due for an fsync (set
 * identically on every rank around the same flush), else MPI_FILE_NULL. */
static MPI_File skip_fh = MPI_FILE_NULL;
static int skipped;

void pario_h5log_skip_sync(MPI_File fh)
{
    skip_fh = fh;
    skipped = 0;
}

int pario_h5log_sync_skipped(void)
{
    return skipped;
}

int pario_h5log_sync_wanted(MPI_File fh)
{
    if (skip_fh == MPI_FILE_NULL || fh != skip_fh)
        return 1;
    skipped = 1;
    return 0;
}
