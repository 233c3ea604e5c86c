/* Generating datasets: values are a function of (seed, global index), so the file
 * is byte-identical whatever the number of ranks or the distribution. */
#ifndef PARIO_GEN_H
#define PARIO_GEN_H

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

typedef enum pario_gen_kind { PARIO_GEN_NONE, PARIO_GEN_UNIFORM, PARIO_GEN_NORMAL, PARIO_GEN_SEQUENCE } pario_gen_kind;

typedef struct pario_gen_spec {
    pario_gen_kind kind;
    char a[48], b[48];        /* LO:HI or MEAN:SD as given */
    uint64_t seed;
    /* resolved for a dtype */
    double fa, fb;
    int64_t ilo;
    uint64_t ulo, span;       /* integers: hi - lo + 1 values (0 = all 2^64) */
} pario_gen_spec;

pario_status pario_gen_spec_set(pario_gen_spec *g, pario_gen_kind kind, const char *arg);
pario_status pario_gen_spec_resolve(pario_gen_spec *g, pario_dtype t);

/* Fill n elements for the global indices first, first+1, ... */
void pario_gen_fill(const pario_gen_spec *g, pario_dtype t, void *buf, uint64_t first, size_t n);
/* The value at one global index, as double (tests and --explain). */
double pario_gen_value(const pario_gen_spec *g, pario_dtype t, uint64_t index);

/* Collective: write the dataset ds (its path is the output) through view, and its descriptor. */
pario_status pario_gen_write(const pario_dataset *ds, const pario_view *view, const pario_gen_spec *g,
                             const pario_io_opts *io, pario_progress *progress, uint64_t *bytes, MPI_Comm comm);

#ifdef __cplusplus
}
#endif
#endif
