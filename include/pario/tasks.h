/* Work as tasks of the pool (pool.h): one or many inputs, each cut into tasks of
 * about a chunk (a small file is one task, read whole by one rank with
 * independent MPI-IO on MPI_COMM_SELF; a big one is several), scheduled static or
 * dynamic, with per-input failures and --keep-going. Results are exact and
 * order-free, merged per input and placed by input index: the same bytes for any
 * schedule and rank count. */
#ifndef PARIO_TASKS_H
#define PARIO_TASKS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <mpi.h>
#include "pario/count.h"
#include "pario/dataset.h"
#include "pario/io.h"
#include "pario/output.h"
#include "pario/pool.h"
#include "pario/progress.h"
#include "pario/reduce.h"
#include "pario/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pario_task_opts {
    pario_schedule schedule;
    int keep_going;            /* 1: a failed input does not stop the others */
    size_t task_bytes;         /* the most bytes of one input in one task (0: the chunk size) */
    const pario_io_opts *io;   /* chunk (the read buffer), hints */
    const char *stats_tool;    /* --stats: rank 0 prints tasks and waits per rank (NULL: no) */
    pario_pool_stats *stats;   /* else non-NULL: each pool's numbers added here, printed by the caller */
    pario_progress *progress;  /* non-NULL: the bytes handed out to all ranks so far (started with the
                                * inputs' whole size, times the passes) */
} pario_task_opts;

/* A run's inputs, in order. */
typedef struct pario_inputs {
    char **paths;
    size_t n, cap;
} pario_inputs;

/* Local (rank 0): add a path, or a glob pattern (a name with * ? [ that is not an
 * existing file): its matches sorted by byte value, leaving out *.yaml
 * descriptors; a pattern that matches nothing is an error. */
pario_status pario_inputs_add(pario_inputs *in, const char *pattern);
/* Local (rank 0): add the paths of a list file, one a line ("-": stdin); blank
 * lines and lines starting with '#' are skipped; paths are taken as written. */
pario_status pario_inputs_add_list(pario_inputs *in, const char *list);
/* Local (rank 0): each input once. Two entries are one input when they name the
 * same dataset of the same file: the same text, or a file that is the same by
 * device and inode (./x, d/../x, a hard or symbolic link) with the same dataset
 * path. A usage error naming both spellings otherwise. */
pario_status pario_inputs_check_unique(const pario_inputs *in);
/* The first name of names[0..n-1] written again, in list order: 1 with *later
 * the index of its second writing and *first of its first, 0 when every name
 * is written once, -1 when out of memory. */
int pario_names_repeated(const char *const *names, size_t n, size_t *later, size_t *first);
/* Collective: agree on st (rank 0's building), then give every rank rank 0's list. */
pario_status pario_inputs_share(pario_inputs *in, pario_status st, MPI_Comm comm);
void pario_inputs_free(pario_inputs *in);

/* Collective: open n inputs (descriptor: desc, or each input's default; dset: the
 * HDF5 dataset path, or NULL), the ranks taking them in turn on MPI_COMM_SELF.
 * ds[i] and st[i] on every rank: st[i] is input i's own error (open failed).
 * Returns OK unless memory failed; a failed input is not an error here. */
pario_status pario_inputs_open(char *const *paths, size_t n, const char *desc, const char *dset, pario_dataset *ds,
                               pario_status *st, MPI_Comm comm);

/* Per-input outcome after a run. */
typedef struct pario_inputs_outcome {
    size_t failed;             /* inputs that failed */
    size_t first_failed;       /* the lowest failed input's index (when failed > 0) */
} pario_inputs_outcome;

/* Collective: reduce every input whose st[i] is OK under o, results in res[i]
 * (complete on rank 0; res[i] is set up for every input). A task that fails sets
 * st[i] (agreed on every rank afterwards); without o->keep_going no rank starts a
 * task after the first failure. Returns OK unless something outside the inputs
 * failed (memory); the caller reads st[]. */
pario_status pario_reduce_inputs(const pario_dataset *ds, size_t n, const pario_reduce_spec *spec,
                                 const pario_task_opts *o, pario_reduce_result *res, pario_status *st,
                                 pario_inputs_outcome *out, MPI_Comm comm);

/* Collective: pario_count_dataset's answer by tasks (one input): counts on every
 * rank, per_rank (the tasks each rank did) on rank 0 if asked. */
pario_status pario_count_tasks(const pario_dataset *ds, const pario_count_query *q, const pario_task_opts *o,
                               int per_rank, pario_count_result *res, MPI_Comm comm);

/* Rank 0: a many-input run's results to an open emitter, written as the
 * inputs are done, a window of them at a time (pario-run keeps only a
 * window's results): "inputs" (one object per input, keyed by its path, in
 * input order: dtype, shape and pario_reduce_emit's keys, or "error") and
 * "totals" (inputs, failed, bytes; with one dtype and no axis also the
 * operations over all inputs as one dataset, histogram aside). _begin opens
 * "inputs" (NULL: out of memory); _some adds the next m inputs; _end writes
 * the totals and frees the emitter. Overflow warnings go to warn (NULL: none);
 * _end returns the overflowed sums. */
typedef struct pario_inputs_emitter pario_inputs_emitter;
pario_inputs_emitter *pario_inputs_emit_begin(pario_out *o, const pario_reduce_spec *spec, FILE *warn,
                                              const char *tool);
void pario_inputs_emit_some(pario_inputs_emitter *e, char *const *paths, const pario_dataset *ds,
                            const pario_reduce_result *res, const pario_status *st, size_t m);
uint64_t pario_inputs_emit_end(pario_inputs_emitter *e);

/* Rank 0: the same as an HDF5 file, built as the windows are done: _open
 * (root attributes attrs/num and the group "inputs"), _add (a group
 * /inputs/NNNNNN per input, input order from first, with the attribute "data"
 * and either "error" or the datasets pario_reduce_write_h5 writes), _close
 * (the root's "inputs" and "failed", then the file written whole to path's
 * temporary name, for the caller to rename into place with its other output,
 * pario_commit_tmp, or to discard; with commit 0 or after a failure not
 * written at all; frees h). The file grows on disk under the temporary
 * name, each window's space reserved first (fallocate), so a full disk is
 * reported before HDF5 writes; where the file system cannot reserve, it is
 * built in memory (HDF5's core driver) and written at the end. */
typedef struct pario_inputs_h5 pario_inputs_h5;
pario_status pario_inputs_h5_open(pario_inputs_h5 **h, const char *path, const char *const *attrs,
                                  const pario_h5_attr *num, size_t nnum);
pario_status pario_inputs_h5_add(pario_inputs_h5 *h, const pario_reduce_spec *spec, char *const *paths,
                                 const pario_reduce_result *res, const pario_status *st, size_t first, size_t m);
pario_status pario_inputs_h5_close(pario_inputs_h5 *h, size_t n, size_t failed, int commit);

#ifdef __cplusplus
}
#endif
#endif
