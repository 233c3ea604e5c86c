/* Choosing how to read a view. Measured here (1 GiB int64, 2 ranks, ratio to the
 * block read): a collective read through a cyclic:1024 view (8 KiB pieces) took
 * 2.3x and cyclic:1 65x, ROMIO's independent read with data sieving 1.7x and 14x;
 * independent reads of each piece on its own (data sieving off) about 1.2x for
 * pieces of 4 KiB and more, and for smaller pieces contiguous stripes plus an
 * in-memory Alltoallv cost least. */
#include "config.h"
#include <stdint.h>
#include <string.h>
#include "pario/io.h"
#include "io_internal.h"
#include "pario/dataset.h"
#include "pario/dtype.h"

#define SMALL_PIECE ((uint64_t)1 << 20) /* bytes: below this, pieces are "small" */
#define MIN_MESSAGE ((uint64_t)1 << 10) /* bytes: the exchange's smallest worthwhile message */
#define PIECE_READ ((uint64_t)4 << 10)  /* bytes: from this on, a rank reads its pieces one by one */

const char *pario_strategy_name(pario_strategy s)
{
    return s == PARIO_STRATEGY_EXCHANGE ? "exchange"
           : s == PARIO_STRATEGY_SIEVE  ? "sieve"
           : s == PARIO_STRATEGY_VIEW   ? "view"
                                        : "auto";
}

pario_status pario_strategy_parse(const char *text, pario_strategy *s)
{
    if (strcmp(text, "auto") == 0)
        *s = PARIO_STRATEGY_AUTO;
    else if (strcmp(text, "view") == 0)
        *s = PARIO_STRATEGY_VIEW;
    else if (strcmp(text, "exchange") == 0)
        *s = PARIO_STRATEGY_EXCHANGE;
    else if (strcmp(text, "sieve") == 0)
        *s = PARIO_STRATEGY_SIEVE;
    else
        return pario_error(PARIO_ERR_USAGE, "--strategy '%s': expected auto, view, exchange or sieve", text);
    return pario_ok();
}

/* Bytes of the smallest contiguous piece of the distribution, from its layout (the
 * same on every rank: a rank's own part may be empty or contiguous where others'
 * are not); UINT64_MAX when every rank's part is one contiguous run. */
static uint64_t piece_bytes(const pario_view *v)
{
    uint64_t piece = pario_layout_piece(&v->layout);
    return piece == UINT64_MAX ? piece : piece * v->esize;
}

static int user_sets(MPI_Info user, const char *key);

int pario_view_reads_pieces(const pario_view *v)
{
    const uint64_t piece = piece_bytes(v);
    return piece != UINT64_MAX && piece >= PIECE_READ;
}

pario_strategy pario_strategy_choose(const pario_view *v, const pario_io_opts *o, int nranks, const char **why)
{
    static const char *forced = "forced by --strategy";
    if (o->strategy != PARIO_STRATEGY_AUTO) {
        *why = forced;
        return o->strategy;
    }
    const uint64_t piece = piece_bytes(v);
    if (nranks == 1 || piece == UINT64_MAX) {
        *why = "each rank's elements are contiguous in the file";
        return PARIO_STRATEGY_VIEW;
    }
    if (o->independent) {
        *why = "--independent reads through the view (ROMIO data sieving)";
        return PARIO_STRATEGY_VIEW;
    }
    if (o->overlap == PARIO_OVERLAP_ALWAYS) {
        *why = "--overlap: reads run ahead on a thread, through the view";
        return PARIO_STRATEGY_VIEW;
    }
    if (pario_view_reads_pieces(v) && !user_sets(o->info, "romio_cb_read")) {
        *why = "the view's pieces are at least 4 KiB: each rank reads its own pieces, one read call per piece "
               "(data sieving off), with no collective call per chunk; --hint romio_cb_read=enable makes the reads "
               "collective";
        return PARIO_STRATEGY_VIEW;
    }
    if (nranks == 2 && !user_sets(o->info, "romio_cb_read")) {
        *why = "2 ranks and pieces under 4 KiB: each rank reads the spans of the file that hold its elements "
               "(contiguous, independent, about two chunks per step) and keeps its own; at 2 ranks that costs "
               "less than exchanging stripes";
        return PARIO_STRATEGY_SIEVE;
    }
    const uint64_t chunk = o->chunk_bytes ? o->chunk_bytes : PARIO_DEFAULT_CHUNK;
    if (piece < SMALL_PIECE && chunk / (uint64_t)nranks < MIN_MESSAGE) {
        *why = "the view's pieces are small, but at this rank count the exchange's messages (chunk / ranks) would be "
               "under 1 KiB: reads go through the view, where ROMIO's aggregators (cb_nodes) take fewer, larger "
               "messages";
        return PARIO_STRATEGY_VIEW;
    }
    if (piece < SMALL_PIECE) {
        /* pieces of 4 KiB and more reach here only with the user's romio_cb_read */
        *why = pario_view_reads_pieces(v)
                   ? "the view's pieces are under 1 MiB and --hint romio_cb_read is set: each rank reads contiguous "
                     "stripes and one MPI_Alltoallv per window hands every rank its elements"
                   : "the view's pieces are under 4 KiB: each rank reads contiguous stripes and one MPI_Alltoallv "
                     "per window hands every rank its elements";
        return PARIO_STRATEGY_EXCHANGE;
    }
    *why = "the view's pieces are large enough for collective reads through the view";
    return PARIO_STRATEGY_VIEW;
}

int pario_view_parts_contiguous(const pario_view *v)
{
    return piece_bytes(v) == UINT64_MAX;
}

static int user_sets(MPI_Info user, const char *key)
{
    int flag = 0;
    if (user != MPI_INFO_NULL) {
        char val[MPI_MAX_INFO_VAL + 1];
        MPI_Info_get(user, key, MPI_MAX_INFO_VAL, val, &flag);
    }
    return flag;
}

int pario_reads_local(const pario_view *v, const pario_io_opts *o, int nranks)
{
    /* Through the view, with nothing a collective call could merge: --independent,
     * one rank, every part one contiguous run (pario turns collective buffering
     * off there, so ROMIO would read each rank's part on its own anyway), or pieces
     * of 4 KiB and more, each read on its own. A user's romio_cb_read hint asks for
     * collective calls and gets them. */
    const char *why;
    pario_strategy s = pario_strategy_choose(v, o, nranks, &why);
    if (s == PARIO_STRATEGY_SIEVE)
        return 1;
    if (s != PARIO_STRATEGY_VIEW)
        return 0;
    return o->independent || nranks == 1 ||
           ((pario_view_parts_contiguous(v) || pario_view_reads_pieces(v)) && !user_sets(o->info, "romio_cb_read"));
}

int pario_reads_mapped(const pario_dataset *ds, const pario_view *v, const pario_io_opts *o, int nranks)
{
    const char *why;
    if (o->no_mmap || o->show_hints || o->overlap == PARIO_OVERLAP_ALWAYS || v->local_count == 0 ||
        pario_io_swaps(ds, o) ||
        (ds->format == PARIO_SOURCE_HDF5 && ds->h5_layout != PARIO_H5_CONTIGUOUS) ||
        pario_strategy_choose(v, o, nranks, &why) != PARIO_STRATEGY_VIEW || !pario_reads_local(v, o, nranks))
        return 0;
    if (!pario_view_part_is_run(v) && !pario_view_reads_pieces(v))
        return 0;
    return (ds->offset + v->base * v->esize) % v->esize == 0;
}

MPI_Info pario_io_tuned_info(const pario_view *v, MPI_Info user, const char *key)
{
    /* When every rank's part is one contiguous run there is nothing to aggregate:
     * with romio_cb_read/write disabled a collective call goes straight to the
     * rank's own read or write, without ROMIO exchanging every rank's offsets
     * first (two MPI_Allgather per call). The user's own setting wins. */
    /* Reads of pieces of 4 KiB and more go one read call per piece, independently
     * (pario_reads_local): ROMIO's data sieving would read the whole extent, the
     * other ranks' pieces too, and copy ours out of it. */
    if (v->nranks == 1)
        return MPI_INFO_NULL;
    if (!pario_view_parts_contiguous(v)) {
        if (strcmp(key, "romio_cb_read") != 0 || !pario_view_reads_pieces(v) || user_sets(user, key))
            return MPI_INFO_NULL;
        key = "romio_ds_read";
    }
    if (user_sets(user, key))
        return MPI_INFO_NULL;
    MPI_Info info;
    if (user != MPI_INFO_NULL)
        MPI_Info_dup(user, &info);
    else
        MPI_Info_create(&info);
    MPI_Info_set(info, key, "disable");
    return info;
}
