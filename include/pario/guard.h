/* The guard: before a run reads or writes anything, check that no output would
 * replace an input, that no two outputs are one file, that every input is a
 * regular file and that every output can be written; then remove temporary files
 * that killed runs left beside the outputs. */
#ifndef PARIO_GUARD_H
#define PARIO_GUARD_H

#include <stdio.h>
#include <mpi.h>
#include "pario/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pario_guard pario_guard;

/* A guard with no files yet (NULL if out of memory: the check then fails). */
pario_guard *pario_guard_new(void);
void pario_guard_free(pario_guard *g);

/* A file the run reads, or creates/replaces; `what` names its role in errors
 * ("input data", "output descriptor"). Both strings are copied. */
void pario_guard_input(pario_guard *g, const char *path, const char *what);
void pario_guard_output(pario_guard *g, const char *path, const char *what);

/* Inputs registered after this call with on = 1 (until a call with on = 0) may
 * be what is not a regular file: their own opens refuse them one by one, so
 * that one FIFO or device among pario-run's many inputs under --keep-going
 * fails alone. Only their overlap with the outputs is checked here. */
void pario_guard_inputs_any_kind(pario_guard *g, int on);

/* A log the run writes under its lock file PATH.lock (pario-pi, pario-train):
 * that file is an output too (made, locked and removed by the run). */
void pario_guard_log_lock(pario_guard *g, const char *path);
/* A log the run reads (pario-train --predict, pario-plot): an input, and so
 * is the name of its lock file PATH.lock, which no output may take (a
 * prediction written there made every later --resume of the log refuse it:
 * "not a lock file of pario's"). */
void pario_guard_log_input(pario_guard *g, const char *path, const char *what);

/* The files of the common kinds of run: a dataset (FILE and its descriptor: desc,
 * or FILE.yaml when desc is NULL or ""), and the part files PREFIX.R with
 * PREFIX.R.yaml for R < nranks. */
void pario_guard_data_input(pario_guard *g, const char *path, const char *desc);
void pario_guard_data_output(pario_guard *g, const char *path);
void pario_guard_parts_input(pario_guard *g, const char *prefix, int nranks);
void pario_guard_parts_output(pario_guard *g, const char *prefix, int nranks);
/* The same for parts in a format (pario_part_path_as): PREFIX.R.npy with its
 * descriptor, PREFIX.R.h5 alone. */
void pario_guard_parts_input_as(pario_guard *g, const char *prefix, int nranks, int format);
void pario_guard_parts_output_as(pario_guard *g, const char *prefix, int nranks, int format);

/* Collective: rank 0 checks what was registered there, every rank gets the same
 * answer. Files are the same when they have one device and inode (existing files,
 * through symlinks and hard links) or one resolved path (files yet to be made).
 *   exit 2: an output (or its temporary name) is an input, or two outputs are one file;
 *   exit 1: an input exists but is not a regular file (a FIFO would block the
 *           open), an output exists but is not a regular file, or an output's
 *           directory cannot be written.

 *   exit 1 also: an output is a log that another run is writing now (its
 *           FILE.lock is held: replacing it, or adding to a copy of it, would
 *           lose what that run writes after).
 * On success, FILE.tmp.PID beside each output FILE is removed when no process PID
 * is alive on this host (a killed run's temporary file). Nothing else is touched. */
pario_status pario_guard_check(pario_guard *g, MPI_Comm comm);

/* Serial: open an input for reading without blocking on a FIFO and refuse
 * anything but a regular file. Errors: "PATH: cannot open WHAT: reason" or
 * "PATH: cannot open WHAT: it is a FIFO, not a regular file", with the given code. */
pario_status pario_fopen_regular(const char *path, const char *what, int code, FILE **out);

/* What a file that is not a regular one is, for messages: "a FIFO", "a
 * directory", "a device", "a socket", "a special file" (m: its st_mode). */
const char *pario_file_kind(unsigned m);

/* Serial: remove FILE.tmp.PID beside path for every PID not alive on this host;
 * returns how many were removed. */
int pario_tmp_clean(const char *path);

#ifdef __cplusplus
}
#endif
#endif
