/* The quote exchange: whether each rank's block starts inside a quoted field.
 * Under the one assumption (a quote character only delimits quoted fields: it
 * opens one, closes it, or is doubled inside it), a byte lies inside a quoted
 * field exactly when an odd number of quote characters precede it. Each rank
 * counts the quotes (and the newlines, for line numbers) of its block while it
 * parses it (csv_source.c); an exchange of those counts gives every rank the
 * parity and line at its start, and the file's total says whether a quote never
 * closes. */
#include "config.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "csv_internal.h"

pario_status pario_csv_quote_exchange(const uint64_t mine[PARIO_CSV_Q_N], const char *path, char quote,
                                      pario_csv_before *out, MPI_Comm comm)
{
    int rank, nranks;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &nranks);
    memset(out, 0, sizeof *out);
    uint64_t *all = malloc(sizeof(uint64_t) * PARIO_CSV_Q_N * (size_t)nranks);
    int have = all != NULL, everyone;
    MPI_Allreduce(&have, &everyone, 1, MPI_INT, MPI_MIN, comm);
    if (!everyone) {
        free(all);
        out->others_failed = 1;
        if (mine[PARIO_CSV_Q_FAILED])
            return pario_ok(); /* the caller keeps its own error */
        return pario_local_error("%s: out of memory for the quote counts of %d ranks", path, nranks);
    }
    MPI_Allgather(mine, PARIO_CSV_Q_N, MPI_UINT64_T, all, PARIO_CSV_Q_N, MPI_UINT64_T, comm);
    uint64_t quotes = 0, lines = 0, last_line = 0;
    int last_rank = -1, failed = 0;
    for (int r = 0; r < nranks; r++) {
        const uint64_t *c = all + (size_t)r * PARIO_CSV_Q_N;
        if (r == rank) {
            out->quotes = quotes;
            out->lines = lines;
        }
        if (c[PARIO_CSV_Q_HAS_LAST]) {
            last_rank = r;
            last_line = lines + c[PARIO_CSV_Q_LINES_BEFORE_LAST] + 1;
        }
        failed |= c[PARIO_CSV_Q_FAILED] != 0;
        quotes += c[PARIO_CSV_Q_QUOTES];
        lines += c[PARIO_CSV_Q_LINES];
    }
    free(all);
    if (failed) {
        out->others_failed = 1; /* the counts are incomplete; the failed rank's error wins */
        return pario_ok();
    }
    if (quotes % 2 && last_rank >= 0)
        return pario_error(PARIO_ERR_RUNTIME,
                           "%s: line %" PRIu64 ": a quoted field opens here and never closes (an odd number of %c "
                           "in the file)", path, last_line, quote);
    return pario_ok();
}
