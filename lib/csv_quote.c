/* The quote pre-pass: whether each rank's block starts inside a quoted field.
 * Under the one assumption (a quote character only delimits quoted fields: it
 * opens one, closes it, or is doubled inside it), a byte lies inside a quoted
 * field exactly when an odd number of quote characters precede it. Each rank
 * counts the quotes (and the newlines, for line numbers) of its block; an
 * exchange of those counts gives every rank the parity and line at its start. */
#define _GNU_SOURCE 1
#include "config.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "csv_internal.h"
#include "pario/text_kernels.h"

enum { Q_QUOTES, Q_LINES, Q_HAS_LAST, Q_LINES_BEFORE_LAST, Q_FAILED, Q_N };

pario_status pario_csv_quote_prepass(pario_text_file *f, char quote, char *buf, pario_csv_prepass *out,
                                     MPI_Comm comm)
{
    int rank, nranks;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &nranks);
    uint64_t mine[Q_N] = { 0, 0, 0, 0, 0 };
    pario_status st = pario_ok();
    if (f->lo < f->hi) {
        uint64_t a = f->lo ? f->lo - 1 : 0, b = f->hi == f->size ? f->size : f->hi - 1;
        while (a < b && !pario_failed(&st)) {
            size_t m = b - a < f->chunk ? (size_t)(b - a) : f->chunk;
            st = pario_text_read(f, a, buf, m);
            if (pario_failed(&st))
                break;
            uint64_t q = quote ? pario_text_count_byte(buf, m, (unsigned char)quote) : 0;
            if (q) {
                const char *last = memrchr(buf, quote, m);
                mine[Q_HAS_LAST] = 1;
                mine[Q_LINES_BEFORE_LAST] = mine[Q_LINES] + pario_text_count_byte(buf, (size_t)(last - buf), '\n');
            }
            mine[Q_QUOTES] += q;
            mine[Q_LINES] += pario_text_count_byte(buf, m, '\n');
            a += m;
        }
    }
    mine[Q_FAILED] = pario_failed(&st);
    uint64_t *all = malloc(sizeof(uint64_t) * Q_N * (size_t)nranks);
    int have = all != NULL, everyone;
    MPI_Allreduce(&have, &everyone, 1, MPI_INT, MPI_MIN, comm);
    if (!everyone) {
        free(all);
        if (!pario_failed(&st))
            st = pario_local_error("%s: out of memory for the quote counts of %d ranks", f->path, nranks);
        return st;
    }
    MPI_Allgather(mine, Q_N, MPI_UINT64_T, all, Q_N, MPI_UINT64_T, comm);
    memset(out, 0, sizeof *out);
    uint64_t quotes = 0, lines = 0, last_line = 0;
    int last_rank = -1, failed = 0;
    for (int r = 0; r < nranks; r++) {
        const uint64_t *c = all + (size_t)r * Q_N;
        if (r == rank) {
            out->quotes_before = quotes;
            out->lines_before = lines;
        }
        if (c[Q_HAS_LAST]) {
            last_rank = r;
            last_line = lines + c[Q_LINES_BEFORE_LAST] + 1;
        }
        failed |= c[Q_FAILED] != 0;
        quotes += c[Q_QUOTES];
        lines += c[Q_LINES];
    }
    free(all);
    if (pario_failed(&st))
        return st; /* this rank's read failed: its counts are not the file's */
    if (failed)
        return pario_ok(); /* another rank's read failed: the counts are incomplete; its error wins */
    if (quotes % 2 && last_rank >= 0)
        return pario_error(PARIO_ERR_RUNTIME,
                           "%s: line %" PRIu64 ": a quoted field opens here and never closes (an odd number of %c "
                           "in the file)", f->path, last_line, quote);
    return pario_ok();
}
