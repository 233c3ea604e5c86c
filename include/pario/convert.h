/* pario-convert's engine: change dtype, byte order, layout (transpose) or
 * distribution, streaming in bounded steps with collective reads and writes. */
#ifndef PARIO_CONVERT_H
#define PARIO_CONVERT_H

#include <stdint.h>
#include <mpi.h>
#include "pario/dataset.h"
#include "pario/io.h"
#include "pario/progress.h"
#include "pario/status.h"
#include "pario/view.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pario_convert_spec {
    int saturate;    /* clamp values that do not fit the new dtype instead of failing */
    int transpose;   /* 2-D only: out[j][i] = in[i][j], of the array numpy sees */
} pario_convert_spec;

/* 1 when the engine transposes the stored array: --transpose of a C-order
 * input, or a Fortran-order .npy without it (its stored (c, r) array is the
 * transpose of numpy's (r, c), which the output holds in C order). */
int pario_convert_transposes(const pario_dataset *in, const pario_convert_spec *spec);

/* The output dataset for in under the spec: numpy's array of in, in C order,
 * transposed if asked. */
pario_status pario_convert_output(const pario_dataset *in, const pario_convert_spec *spec, pario_dataset *out);

/* Collective. rv: this rank's view of in; wv: its view of out (another distribution
 * means the elements move between ranks: read, exchange, write per window).
 * When it transposes (pario_convert_transposes) the views are not used: each
 * rank transposes tiles of a band of the input's columns, read and written
 * through subarray views. */
pario_status pario_convert(const pario_dataset *in, const pario_view *rv, const pario_dataset *out,
                           const pario_view *wv, const pario_convert_spec *spec, const pario_io_opts *io,
                           pario_progress *progress, uint64_t *bytes, MPI_Comm comm);

#ifdef __cplusplus
}
#endif
#endif
