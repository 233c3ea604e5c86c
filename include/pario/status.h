/* pario_status: an error that knows where it happened, and that all ranks agree on. */
#ifndef PARIO_STATUS_H
#define PARIO_STATUS_H

#include <mpi.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Exit codes, also the status codes. */
enum pario_code {
    PARIO_OK = 0,
    PARIO_ERR_RUNTIME = 1, /* runtime or data error */
    PARIO_ERR_USAGE = 2,   /* bad command line or job file */
    PARIO_DONE = 3         /* not an error: --help/--version printed, exit 0 */
};

#define PARIO_MSG_MAX 512

typedef struct pario_status {
    int code;                  /* enum pario_code */
    int rank;                  /* first rank that failed, -1 if unknown/none */
    char msg[PARIO_MSG_MAX];   /* one line, no trailing newline, no tool prefix */
    int local;                 /* 1: this rank's own failure (I/O, memory): the error line names the rank */
} pario_status;

pario_status pario_ok(void);
/* A message longer than PARIO_MSG_MAX keeps its head and its tail (the reason),
 * with "..." in place of the middle. */
pario_status pario_error(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A runtime failure of this rank's own operation (the error line names the rank). */
pario_status pario_local_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, as "path: what: strerror(err)". */
pario_status pario_sys_error(int err, const char *what, const char *path);
static inline int pario_failed(const pario_status *st) { return st->code != PARIO_OK; }

/* Turn an MPI error code into a status, naming what failed ("data.bin: open"),
 * with the reason at the bottom of ROMIO's error stack ("No space left on device"). */
pario_status pario_mpi_error(int mpi_err, const char *what, const char *path);

/* Collective: every rank calls it, failed or not. Afterwards every rank holds
 * the status of the lowest failing rank (or OK). Returns 1 if any rank failed. */
int pario_agree(pario_status *st, MPI_Comm comm);

/* Collective: the minimum (op MPI_MIN) or the maximum (MPI_MAX) of v over the
 * ranks of comm, right for every uint64_t. MPICH 4.0.2 compares MPI_UINT64_T
 * as signed in MPI_MIN and MPI_MAX (the minimum of 70000 and UINT64_MAX came
 * out UINT64_MAX): the values travel as int64 with their top bit flipped, an
 * order-keeping map. */
uint64_t pario_allreduce_u64(uint64_t v, MPI_Op op, MPI_Comm comm);

/* Collective: prints "tool: error: msg" once (rank 0), followed by " (rank R)" when
 * the failure was rank R's own (local), and returns the exit code. */
int pario_report(const pario_status *st, const char *tool, MPI_Comm comm);

#ifdef __cplusplus
}
#endif
#endif
