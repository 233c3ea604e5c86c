/* Internal: the task runner under count and reduce by tasks (tasks.c). */
#ifndef PARIO_TASKS_INTERNAL_H
#define PARIO_TASKS_INTERNAL_H

#include "pario/tasks.h"

/* Work on n elements (host order) of input `input` starting at its element start. */
typedef pario_status (*pario_task_fn)(void *ctx, size_t input, const void *data, size_t n, uint64_t start);

/* Collective: every task of the inputs whose st[i] is OK, through the pool; a
 * failure sets st[i] (agreed on return) and, without o->keep_going, stops the pool.
 * Returns a failure outside the inputs (memory), agreed. */
pario_status pario_tasks_run(const pario_dataset *ds, size_t n, pario_status *st, const pario_task_opts *o,
                             pario_task_fn fn, void *ctx, MPI_Comm comm);

#endif
