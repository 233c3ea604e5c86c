/* A picture of a pario-train log: the mean training loss per epoch, as a
 * self-contained SVG (pario-plot draws it when the log is a training log). */
#ifndef PARIO_TRAIN_PLOT_H
#define PARIO_TRAIN_PLOT_H

#include <stdint.h>
#include <stdio.h>
#include "pario/pi_plot.h"
#include "pario/status.h"
#include "pario/train.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pario_train_history {
    pario_train_model model;
    uint64_t seed, batch, samples, features, classes;
    double lr, l2;
    uint64_t epochs;      /* finished epochs (finite loss) */
    double *loss;         /* [epochs] mean training loss */
    double *accuracy;     /* [epochs] (NaN for linear) */
} pario_train_history;

/* Serial: 1 when path is an HDF5 file written by pario-train (its attributes
 * and /weights), 0 otherwise (a pario-pi log, or anything else). */
int pario_train_log_is(const char *path);
/* Serial: the finished epochs of a pario-train log. */
pario_status pario_train_history_read(const char *path, pario_train_history *h);
void pario_train_history_free(pario_train_history *h);
/* Serial: the SVG document of the loss curve (one point per epoch). */
pario_status pario_train_plot_svg(const pario_train_history *h, const pario_plot_opts *o, FILE *f);

#ifdef __cplusplus
}
#endif
#endif
