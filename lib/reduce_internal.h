/* Internal: a reduce result built range by range (the task pool's way,
 * lib/reduce_tasks.c) with the same per-chunk code as the collective pipeline. */
#ifndef PARIO_REDUCE_INTERNAL_H
#define PARIO_REDUCE_INTERNAL_H

#include "pario/reduce.h"

/* Local: allocate and initialise res for ds and spec (hist edges not set). */
pario_status pario_reduce_result_setup(const pario_dataset *ds, const pario_reduce_spec *spec,
                                       pario_reduce_result *res);
/* Local: add n elements (host order) starting at global element index start.
 * minmax_only: the histogram range's first pass (acc[0] min and max only). */
void pario_reduce_add_range(const pario_dataset *ds, const pario_reduce_spec *spec, pario_reduce_result *res,
                            int minmax_only, const void *data, size_t n, uint64_t start);
/* Collective: unless spec asks --exact (or the data cannot use it), set the
 * default variance's shift in res->acc[0]: ds's first element, read by rank 0. */
void pario_reduce_choose_shift(const pario_dataset *ds, const pario_reduce_spec *spec, pario_reduce_result *res,
                               MPI_Comm comm);
/* Collective: the same for the n inputs whose st[i] is OK (those the tasks
 * can read), rank 0 reading their first elements, one broadcast for all. */
pario_status pario_reduce_choose_shifts(const pario_dataset *ds, size_t n, const pario_status *st,
                                        const pario_reduce_spec *spec, pario_reduce_result *res, MPI_Comm comm);
/* Collective: merge every rank's res into rank 0's (exact, order-free). */
void pario_reduce_result_merge(pario_reduce_result *res, const pario_reduce_spec *spec, MPI_Comm comm);
/* Collective: the histogram's range from res->acc[0] merged on rank 0 (min and
 * max), or spec's --min/--max; numpy's rules (empty: [0, 1]; not finite: error). */
pario_status pario_reduce_hist_bounds(const pario_reduce_spec *s, const pario_reduce_result *res, MPI_Comm comm,
                                      double *lo, double *hi);
/* Local (rank 0, after the merge): the data's [min, max] from acc[0] ([0, 1] when
 * there is no value). */
void pario_reduce_data_range(const pario_reduce_spec *s, const pario_reduce_result *res, double range[2]);
/* Local: st (if failed) with its message after "path: ", as every data
 * error names its file. */
pario_status pario_reduce_named(pario_status st, const char *path);
/* Local: the histogram's range from --min/--max or the data's range, checked. */
pario_status pario_reduce_hist_range_check(const pario_reduce_spec *s, const double range[2], double *lo, double *hi);

#endif
