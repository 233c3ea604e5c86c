/* pario-pi's fsync policy for its log, linked into pario-pi only.
 *
 * HDF5's MPI-IO driver ends every H5Fflush with MPI_File_sync (an fsync on every
 * rank that wrote). pario-pi's log flushes every round but wants the fsync only
 * now and then (--sync SEC), so this program replaces MPI_File_sync through the
 * MPI profiling interface: the call returns at once for the log's own handle
 * while the log flushes a round not due for an fsync (pario_h5log_sync_wanted);
 * every other call, and every other handle, goes to PMPI_File_sync. ROMIO's
 * MPI_File_sync does not synchronise ranks, so skipping it drops nothing but the
 * fsync. libpario itself does not define MPI_File_sync: programs that link it
 * keep their syncs, and PMPI tools (Darshan) still see every call pario-pi makes. */
#include <mpi.h>
#include "pario/h5log.h"

int MPI_File_sync(MPI_File fh)
{
    if (!pario_h5log_sync_wanted(fh))
        return MPI_SUCCESS;
    return PMPI_File_sync(fh);
}
