/* wc over a shared file: every rank counts its own bytes in --chunk reads. Lines
 * are '\n' bytes, so no line splitting is needed. Each rank counts word starts as
 * if a space came before its range; the ranks' first and last word/space classes
 * (gathered) then tell which ranks begin inside a word that an earlier rank
 * started, and that start is taken back, so a word across ranks counts once. */
#include "config.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "pario/fileutil.h"
#include "pario/text.h"
#include "pario/text_kernels.h"
#include "pario/wc.h"

pario_status pario_wc_file(const char *path, unsigned what, const pario_io_opts *o, pario_wc_counts *out,
                           uint64_t *bytes_read, double *secs, MPI_Comm comm)
{
    memset(out, 0, sizeof *out);
    pario_text_file f;
    pario_status st = pario_text_open(&f, path, o, comm);
    if (pario_failed(&st))
        return st;
    out->bytes = f.size;
    if (!(what & (PARIO_WC_LINES | PARIO_WC_WORDS))) {
        pario_text_close(&f);
        return st;
    }
    int words = (what & PARIO_WC_WORDS) != 0;
    pario_wc_state s;
    memset(&s, 0, sizeof s);
    char *buf = pario_alloc_aligned(f.chunk);
    if (!buf)
        st = pario_error(PARIO_ERR_RUNTIME, "out of memory for a %zu-byte buffer", f.chunk);
    for (uint64_t a = f.lo; !pario_failed(&st) && a < f.hi;) {
        size_t m = f.hi - a < f.chunk ? (size_t)(f.hi - a) : f.chunk;
        st = pario_text_read(&f, a, buf, m);
        if (!pario_failed(&st))
            pario_text_wc(buf, m, words, &s);
        a += m;
    }
    free(buf);
    *bytes_read += f.bytes_read;
    *secs += f.io_seconds;
    if (pario_agree(&st, comm)) {
        pario_text_close(&f);
        return st;
    }
    /* rank order: a rank whose first class is a word byte continues a word when
     * the last class before it (over all earlier ranks) is a word byte */
    int nranks;
    MPI_Comm_size(comm, &nranks);
    uint64_t mine[4] = { s.lines, s.words, (uint64_t)s.first, (uint64_t)s.last };
    uint64_t *all = malloc(sizeof mine * (size_t)nranks);
    if (!all)
        MPI_Abort(comm, 1);
    MPI_Allgather(mine, 4, MPI_UINT64_T, all, 4, MPI_UINT64_T, comm);
    int state = PARIO_WC_NONE;
    for (int r = 0; r < nranks; r++) {
        const uint64_t *x = all + 4 * (size_t)r;
        out->lines += x[0];
        out->words += x[1];
        if (state == PARIO_WC_WORD && x[2] == PARIO_WC_WORD)
            out->words--;
        if (x[3] != PARIO_WC_NONE)
            state = (int)x[3];
    }
    free(all);
    pario_text_close(&f);
    return st;
}

int pario_wc_width(char *const *paths, int n, unsigned what)
{
    int counts = !!(what & PARIO_WC_LINES) + !!(what & PARIO_WC_WORDS) + !!(what & PARIO_WC_BYTES);
    if (n == 1 && counts == 1)
        return 1;
    uint64_t total = 0;
    int width = 1, minimum = 1;
    for (int i = 0; i < n; i++) {
        struct stat sb;
        if (stat(paths[i], &sb) != 0)
            continue;
        if (S_ISREG(sb.st_mode))
            total += (uint64_t)sb.st_size;
        else
            minimum = 7;
    }
    for (; total >= 10; total /= 10)
        width++;
    return width < minimum ? minimum : width;
}

void pario_wc_print(FILE *out, const pario_wc_counts *c, unsigned what, int width, const char *name)
{
    const char *sep = "";
    if (what & PARIO_WC_LINES)
        fprintf(out, "%s%*" PRIu64, sep, width, c->lines), sep = " ";
    if (what & PARIO_WC_WORDS)
        fprintf(out, "%s%*" PRIu64, sep, width, c->words), sep = " ";
    if (what & PARIO_WC_BYTES)
        fprintf(out, "%s%*" PRIu64, sep, width, c->bytes);
    if (name)
        fprintf(out, " %s", name);
    fputc('\n', out);
}
