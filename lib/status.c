#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pario/status.h"
#include "wait.h"

pario_status pario_ok(void)
{
    pario_status st = { PARIO_OK, -1, "", 0 };
    return st;
}

/* Keep a long message's head (what, where) and tail (why): "...": the middle,
 * usually of a long path, is what goes. */
static void elide(char *dst, size_t cap, const char *src, size_t len)
{
    const char mark[] = "...";
    size_t keep = cap - 1 - (sizeof mark - 1), head = keep / 3, tail = keep - head;
    memcpy(dst, src, head);
    memcpy(dst + head, mark, sizeof mark - 1);
    memcpy(dst + head + sizeof mark - 1, src + len - tail, tail);
    dst[cap - 1] = '\0';
}

static void vformat(pario_status *st, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int len = vsnprintf(st->msg, sizeof st->msg, fmt, ap);
    if (len >= (int)sizeof st->msg) {
        char *full = malloc((size_t)len + 1);
        if (full) {
            vsnprintf(full, (size_t)len + 1, fmt, ap2);
            elide(st->msg, sizeof st->msg, full, (size_t)len);
            free(full);
        }
    }
    va_end(ap2);
    /* one line, whatever text a message quotes (a YAML key can hold a newline) */
    for (char *c = st->msg; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
}

pario_status pario_error(int code, const char *fmt, ...)
{
    pario_status st = pario_ok();
    st.code = code;
    va_list ap;
    va_start(ap, fmt);
    vformat(&st, fmt, ap);
    va_end(ap);
    return st;
}

pario_status pario_local_error(const char *fmt, ...)
{
    pario_status st = pario_ok();
    st.code = PARIO_ERR_RUNTIME;
    va_list ap;
    va_start(ap, fmt);
    vformat(&st, fmt, ap);
    va_end(ap);
    st.local = 1;
    return st;
}

pario_status pario_sys_error(int err, const char *what, const char *path)
{
    pario_status st = path && *path ? pario_error(PARIO_ERR_RUNTIME, "%s: %s: %s", path, what, strerror(err))
                                    : pario_error(PARIO_ERR_RUNTIME, "%s: %s", what, strerror(err));
    st.local = 1;
    return st;
}

/* ROMIO's strings are "Other I/O error , error stack:\nFUNC(line): Other I/O error
 * No space left on device": the reason is the last line, after its "FUNC(line): "
 * and the class text that repeats the first line. */
static void mpi_reason(char *text, const char **reason)
{
    char *s = text;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    char *last = strrchr(s, '\n');
    if (!last) {
        *reason = s;
        return;
    }
    last++;
    char *colon = strstr(last, "): ");
    if (colon)
        last = colon + 3;
    static const char *const prefixes[] = { "Other I/O error ", "I/O error ", "Invalid argument, " };
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(last, prefixes[i], strlen(prefixes[i])) == 0 && last[strlen(prefixes[i])])
            last += strlen(prefixes[i]);
    while (*last == ' ')
        last++;
    if (*last) {
        *reason = last;
    } else {
        char *nl = strchr(s, '\n');
        *nl = '\0';
        *reason = s;
    }
}

pario_status pario_mpi_error(int mpi_err, const char *what, const char *path)
{
    char text[MPI_MAX_ERROR_STRING + 1];
    int len = 0, cls = 0;
    MPI_Error_class(mpi_err, &cls);
    MPI_Error_string(mpi_err, text, &len);
    text[len] = '\0';
    const char *reason = text;
    mpi_reason(text, &reason);
    switch (cls) {
    case MPI_ERR_NO_SUCH_FILE: reason = "no such file"; break;
    case MPI_ERR_ACCESS:       reason = "permission denied"; break;
    case MPI_ERR_FILE_EXISTS:  reason = "file exists"; break;
    case MPI_ERR_NO_SPACE:     reason = strerror(ENOSPC); break;
    case MPI_ERR_QUOTA:        reason = strerror(EDQUOT); break;
    case MPI_ERR_READ_ONLY:    reason = "read-only file system"; break;
    case MPI_ERR_BAD_FILE:     reason = "bad file name"; break;
    default: break;
    }
    pario_status st = path && *path ? pario_error(PARIO_ERR_RUNTIME, "%s: %s: %s", path, what, reason)
                                    : pario_error(PARIO_ERR_RUNTIME, "%s: %s", what, reason);
    st.local = 1;
    return st;
}

int pario_agree(pario_status *st, MPI_Comm comm)
{
    /* one rank agrees with itself: the status is left as it is, so that the
     * caller's agreement over its ranks names the rank that failed (an
     * agreement here made every such failure rank 0's) */
    if (comm == MPI_COMM_SELF)
        return pario_failed(st);
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int mine = pario_failed(st) ? rank : size, first;
    /* ranks that finished their part wait here for the others: yielding the
     * core between polls leaves it to them when ranks outnumber cores */
    MPI_Request rq;
    MPI_Iallreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm, &rq);
    pario_wait_yielding(&rq);
    if (first == size)
        return 0;
    /* The first failing rank tells everyone what went wrong. */
    struct { int code, local, rank; char msg[PARIO_MSG_MAX]; } wire;
    if (rank == first) {
        wire.code = st->code;
        wire.local = st->local;
        /* a status agreed before keeps the rank that failed first */
        wire.rank = st->rank >= 0 ? st->rank : first;
        memcpy(wire.msg, st->msg, sizeof wire.msg);
    }
    MPI_Bcast(&wire, (int)sizeof wire, MPI_BYTE, first, comm);
    st->code = wire.code;
    st->local = wire.local;
    st->rank = wire.rank;
    memcpy(st->msg, wire.msg, sizeof st->msg);
    return 1;
}

int pario_report(const pario_status *st, const char *tool, MPI_Comm comm)
{
    pario_status s = *st;
    pario_agree(&s, comm);
    int rank;
    MPI_Comm_rank(comm, &rank);
    if (s.code == PARIO_OK || s.code == PARIO_DONE) {
        /* the results went to stdout (rank 0's, as a rule): a write that failed
         * there (a full disk, /dev/full) fails the run, as in coreutils */
        errno = 0;
        if (fflush(stdout) != 0 || ferror(stdout)) {
            if (errno)
                fprintf(stderr, "%s: error: cannot write the standard output: %s\n", tool, strerror(errno));
            else   /* an earlier flush failed, and its errno is gone */
                fprintf(stderr, "%s: error: cannot write the standard output\n", tool);
            fflush(stderr);
            return PARIO_ERR_RUNTIME;
        }
        return 0;
    }
    if (rank == 0) {
        if (s.local && s.rank >= 0)
            fprintf(stderr, "%s: error: %s (rank %d)\n", tool, s.msg, s.rank);
        else
            fprintf(stderr, "%s: error: %s\n", tool, s.msg);
        fflush(stderr);
    }
    return s.code;
}
