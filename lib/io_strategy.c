/* Choosing how to read a view. Measured here (1 GiB int64, 2 ranks): a collective
 * read through a cyclic:1024 view (8 KiB pieces) took 2.4x the block read and
 * cyclic:1 took 60x; contiguous stripes plus an in-memory Alltoallv cost far less. */
#include "config.h"
#include <string.h>
#include "pario/io.h"

#define SMALL_PIECE ((uint64_t)1 << 20) /* bytes: below this, pieces are "small" */

const char *pario_strategy_name(pario_strategy s)
{
    return s == PARIO_STRATEGY_EXCHANGE ? "exchange" : s == PARIO_STRATEGY_VIEW ? "view" : "auto";
}

pario_status pario_strategy_parse(const char *text, pario_strategy *s)
{
    if (strcmp(text, "auto") == 0)
        *s = PARIO_STRATEGY_AUTO;
    else if (strcmp(text, "view") == 0)
        *s = PARIO_STRATEGY_VIEW;
    else if (strcmp(text, "exchange") == 0)
        *s = PARIO_STRATEGY_EXCHANGE;
    else
        return pario_error(PARIO_ERR_USAGE, "--strategy '%s': expected auto, view or exchange", text);
    return pario_ok();
}

pario_strategy pario_strategy_choose(const pario_view *v, const pario_io_opts *o, int nranks, const char **why)
{
    static const char *forced = "forced by --strategy";
    if (o->strategy != PARIO_STRATEGY_AUTO) {
        *why = forced;
        return o->strategy;
    }
    if (nranks == 1 || v->stride == 0) {
        *why = "each rank's elements are contiguous in the file";
        return PARIO_STRATEGY_VIEW;
    }
    if (o->independent) {
        *why = "--independent reads through the view (ROMIO data sieving)";
        return PARIO_STRATEGY_VIEW;
    }
    if (o->overlap) {
        *why = "overlapped reads go through the view";
        return PARIO_STRATEGY_VIEW;
    }
    if ((uint64_t)v->run * v->esize < SMALL_PIECE) {
        *why = "the view's pieces are under 1 MiB: each rank reads contiguous stripes and one MPI_Alltoallv "
               "per window hands every rank its elements";
        return PARIO_STRATEGY_EXCHANGE;
    }
    *why = "the view's pieces are large enough for collective reads through the view";
    return PARIO_STRATEGY_VIEW;
}
