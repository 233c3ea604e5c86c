#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "pario/io.h"
#include "fault.h"

void pario_io_opts_init(pario_io_opts *o)
{
    memset(o, 0, sizeof *o);
    o->chunk_bytes = PARIO_DEFAULT_CHUNK;
    o->info = MPI_INFO_NULL;
    o->out_gzip = -1;
}

pario_status pario_file_open(MPI_Comm comm, const char *path, int amode, MPI_Info info, MPI_File *fh)
{
    *fh = MPI_FILE_NULL;
    /* Default for files is MPI_ERRORS_RETURN; say so explicitly for every open. */
    MPI_File_set_errhandler(MPI_FILE_NULL, MPI_ERRORS_RETURN);
    int err = MPI_File_open(comm, path, amode, info, fh);
    const char *what = (amode & MPI_MODE_CREATE) ? "cannot create" : "cannot open";
    pario_status st = err == MPI_SUCCESS ? pario_ok() : pario_mpi_error(err, what, path);
    int fault = pario_fault(PARIO_FAULT_OPEN);
    if (fault && err == MPI_SUCCESS)
        st = pario_sys_error((amode & MPI_MODE_CREATE) ? EACCES : fault, what, path);
    /* on MPI_COMM_SELF the caller agrees with the other ranks (and the status
     * keeps this rank's number, not 0 of the one-rank communicator) */
    const int failed = comm == MPI_COMM_SELF ? pario_failed(&st) : pario_agree(&st, comm);
    if (failed && *fh != MPI_FILE_NULL)
        MPI_File_close(fh);
    return st;
}

void pario_file_print_hints(MPI_File fh, FILE *out, MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    MPI_Info info;
    if (MPI_File_get_info(fh, &info) != MPI_SUCCESS)
        return;
    if (rank == 0) {
        int nkeys = 0;
        MPI_Info_get_nkeys(info, &nkeys);
        fprintf(out, "hints in effect (%d):\n", nkeys);
        for (int i = 0; i < nkeys; i++) {
            char key[MPI_MAX_INFO_KEY + 1], val[MPI_MAX_INFO_VAL + 1];
            int flag = 0;
            MPI_Info_get_nthkey(info, i, key);
            MPI_Info_get(info, key, MPI_MAX_INFO_VAL, val, &flag);
            fprintf(out, "  %s = %s\n", key, flag ? val : "");
        }
        fflush(out);
    }
    MPI_Info_free(&info);
}
