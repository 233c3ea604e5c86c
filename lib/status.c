#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "pario/status.h"

pario_status pario_ok(void)
{
    pario_status st = { PARIO_OK, -1, "" };
    return st;
}

pario_status pario_error(int code, const char *fmt, ...)
{
    pario_status st;
    st.code = code;
    st.rank = -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st.msg, sizeof st.msg, fmt, ap);
    va_end(ap);
    return st;
}

pario_status pario_mpi_error(int mpi_err, const char *what, const char *path)
{
    char text[MPI_MAX_ERROR_STRING];
    int len = 0, cls = 0;
    MPI_Error_class(mpi_err, &cls);
    /* ROMIO's strings are long and multi-line; keep the first line. */
    MPI_Error_string(mpi_err, text, &len);
    text[len] = '\0';
    char *nl = strchr(text, '\n');
    if (nl)
        *nl = '\0';
    const char *reason = text;
    switch (cls) {
    case MPI_ERR_NO_SUCH_FILE: reason = "no such file"; break;
    case MPI_ERR_ACCESS:       reason = "permission denied"; break;
    case MPI_ERR_FILE_EXISTS:  reason = "file exists"; break;
    case MPI_ERR_NO_SPACE:     reason = "no space left on device"; break;
    case MPI_ERR_QUOTA:        reason = "quota exceeded"; break;
    case MPI_ERR_READ_ONLY:    reason = "read-only file system"; break;
    case MPI_ERR_BAD_FILE:     reason = "bad file name"; break;
    default: break;
    }
    if (path && *path)
        return pario_error(PARIO_ERR_RUNTIME, "%s: %s: %s", path, what, reason);
    return pario_error(PARIO_ERR_RUNTIME, "%s: %s", what, reason);
}

int pario_agree(pario_status *st, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int mine = pario_failed(st) ? rank : size, first;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
    if (first == size)
        return 0;
    /* The first failing rank tells everyone what went wrong. */
    struct { int code; char msg[PARIO_MSG_MAX]; } wire;
    if (rank == first) {
        wire.code = st->code;
        memcpy(wire.msg, st->msg, sizeof wire.msg);
    }
    MPI_Bcast(&wire, (int)sizeof wire, MPI_BYTE, first, comm);
    st->code = wire.code;
    st->rank = first;
    memcpy(st->msg, wire.msg, sizeof st->msg);
    return 1;
}

int pario_report(const pario_status *st, const char *tool, MPI_Comm comm)
{
    pario_status s = *st;
    pario_agree(&s, comm);
    int rank;
    MPI_Comm_rank(comm, &rank);
    if (s.code == PARIO_OK || s.code == PARIO_DONE)
        return 0;
    if (rank == 0) {
        fprintf(stderr, "%s: error: %s\n", tool, s.msg);
        fflush(stderr);
    }
    return s.code;
}
