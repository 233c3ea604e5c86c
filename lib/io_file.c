#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include "pario/io.h"
#include "fault.h"

void pario_io_opts_init(pario_io_opts *o)
{
    memset(o, 0, sizeof *o);
    o->chunk_bytes = PARIO_DEFAULT_CHUNK;
    o->info = MPI_INFO_NULL;
    o->out_gzip = -1;
}

const char *pario_mpi_path(const char *path, char *buf, size_t len)
{
    if (!strchr(path, ':'))
        return path;
    /* NFS by its magic (ROMIO's NFS driver locks what the client caches), of
     * the file or, when it does not exist yet, of its directory */
    struct statfs sf;
    char dir[PARIO_PATH_MAX];
    int nfs = 0;
    if (statfs(path, &sf) == 0)
        nfs = sf.f_type == 0x6969;
    else if (snprintf(dir, sizeof dir, "%s", path) < (int)sizeof dir) {
        char *slash = strrchr(dir, '/');
        if (slash)
            slash[slash == dir] = 0;
        nfs = statfs(slash ? dir : ".", &sf) == 0 && sf.f_type == 0x6969;
    }
    if (snprintf(buf, len, "%s:%s", nfs ? "nfs" : "ufs", path) >= (int)len)
        return path;
    return buf;
}

pario_status pario_file_open(MPI_Comm comm, const char *path, int amode, MPI_Info info, MPI_File *fh)
{
    *fh = MPI_FILE_NULL;
    char name[PARIO_PATH_MAX + 8];
    /* Default for files is MPI_ERRORS_RETURN; say so explicitly for every open. */
    MPI_File_set_errhandler(MPI_FILE_NULL, MPI_ERRORS_RETURN);
    int err = MPI_File_open(comm, pario_mpi_path(path, name, sizeof name), amode, info, fh);
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
