/* A picture of a pario-pi log: the running estimate, its +-2 standard-error band
 * and the true pi against the samples so far (log scale), as a self-contained SVG. */
#ifndef PARIO_PI_PLOT_H
#define PARIO_PI_PLOT_H

#include <stdio.h>
#include "pario/h5log.h"
#include "pario/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pario_plot_opts {
    int width, height;   /* pixels; 0 = 720 x 440 */
    const char *title;   /* NULL = made from the log's attributes */
} pario_plot_opts;

/* Serial: write the SVG document for h to f. Fails on a log without rounds. */
pario_status pario_pi_plot_svg(const pario_pi_history *h, const pario_plot_opts *o, FILE *f);

#ifdef __cplusplus
}
#endif
#endif
