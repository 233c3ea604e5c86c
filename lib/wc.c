/* wc over shared files: every rank counts its own byte range of each file in
 * --chunk reads. Lines are '\n' bytes, so no line splitting is needed. A rank
 * counts word starts as if a space came before its range and keeps the classes of
 * its first and last word/space bytes; merging two neighbours' counts takes back
 * the start of a word that the left one's last byte had begun. That merge is
 * associative, so one MPI_Reduce with a non-commutative user op (rank order)
 * merges every file's counts at once. */
#include "config.h"
#include <sys/stat.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "pario/fileutil.h"
#include "pario/output.h"
#include "pario/text.h"
#include "text_errors.h"
#include "slow.h"
#include "pario/text_kernels.h"
#include "pario/wc.h"

/* lines, words, first class | last class << 8 */
typedef struct wc_part {
    uint64_t lines, words, classes;
} wc_part;

static void merge_parts(void *in, void *inout, int *len, MPI_Datatype *type)
{
    (void)type;
    const wc_part *a = in; /* the lower ranks */
    wc_part *b = inout;
    for (int i = 0; i < *len; i++) {
        unsigned af = a[i].classes & 0xff, al = (unsigned)(a[i].classes >> 8) & 0xff;
        unsigned bf = b[i].classes & 0xff, bl = (unsigned)(b[i].classes >> 8) & 0xff;
        uint64_t words = a[i].words + b[i].words - (al == PARIO_WC_WORD && bf == PARIO_WC_WORD);
        unsigned f = af != PARIO_WC_NONE ? af : bf, l = bl != PARIO_WC_NONE ? bl : al;
        b[i].lines += a[i].lines;
        b[i].words = words;
        b[i].classes = f | (uint64_t)l << 8;
    }
}

static pario_status count_range(const char *path, const pario_text_stat *ts, unsigned what, const pario_io_opts *o,
                                int rank, int nranks, int hints, char *buf, wc_part *part, uint64_t *bytes_read,
                                pario_file_errors *fe, int file)
{
    pario_text_file f;
    pario_status st = pario_text_open(&f, path, ts, o, rank, nranks, hints);
    pario_wc_state s;
    memset(&s, 0, sizeof s);
    int words = (what & PARIO_WC_WORDS) != 0;
    for (uint64_t a = f.lo; !pario_failed(&st) && a < f.hi;) {
        size_t m = f.hi - a < f.chunk ? (size_t)(f.hi - a) : f.chunk;
        st = pario_text_read(&f, a, buf, m);
        double t0 = pario_slow_start();
        if (!pario_failed(&st))
            pario_text_wc(buf, m, words, &s);
        pario_slow_after(t0); /* PARIO_SLOW, the test hook (slow.h): per chunk */
        a += m;
        if (pario_file_errors_stop(fe, file, m))
            break;   /* another rank failed the file: its counts are not used */
    }
    *bytes_read += f.bytes_read;
    st = pario_text_end(&f, st);
    pario_text_close(&f);
    if (!pario_failed(&st)) {
        part->lines = s.lines;
        part->words = s.words;
        part->classes = (uint64_t)s.first | (uint64_t)s.last << 8;
    }
    return st;
}

void pario_wc_files(char *const *paths, int n, unsigned what, const pario_io_opts *o, pario_wc_counts *counts,
                    pario_text_stat *stats, pario_file_failures *errs, uint64_t *bytes_read, MPI_Comm comm)
{
    int rank, nranks;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &nranks);
    pario_text_stat_all(paths, n, NULL, stats, comm);
    size_t chunk = o->chunk_bytes ? o->chunk_bytes : PARIO_DEFAULT_CHUNK;
    int reads = (what & (PARIO_WC_LINES | PARIO_WC_WORDS)) != 0;
    size_t m = n ? (size_t)n : 1;   /* (no file: an empty --files0-from list) */
    wc_part *parts = calloc(m, sizeof *parts), *merged = calloc(m, sizeof *merged);
    char *buf = reads ? pario_alloc_aligned(chunk) : NULL;
    pario_file_errors fe;
    if (!parts || !merged || !pario_file_errors_init(&fe, n, comm))
        MPI_Abort(comm, 1); /* a few words per file */
    /* no chunk buffer: every file this rank would read fails here, the others go on */
    pario_status nobuf = reads && !buf ? pario_local_error("out of memory for a %zu-byte chunk", chunk) : pario_ok();
    int hints = rank == 0 && o->show_hints;
    for (int i = 0; i < n; i++) {
        if (stats[i].err || !reads || pario_file_errors_noticed(&fe, i))   /* (noticed: another rank failed it already) */
            continue;
        if (pario_failed(&nobuf)) {
            pario_status st = pario_local_error("%s: %s", paths[i], nobuf.msg);
            pario_file_errors_set(&fe, i, &st);
            continue;
        }
        pario_status st = count_range(paths[i], &stats[i], what, o, rank, nranks, hints, buf,
                                      &parts[i], bytes_read, &fe, i);
        hints = 0;
        pario_file_errors_set(&fe, i, &st);
    }
    free(buf);
    MPI_Datatype t;
    MPI_Type_contiguous(3, MPI_UINT64_T, &t);
    MPI_Type_commit(&t);
    MPI_Op op;
    MPI_Op_create(merge_parts, 0, &op);
    MPI_Reduce(parts, merged, n, t, op, 0, comm);
    MPI_Op_free(&op);
    MPI_Type_free(&t);
    pario_file_errors_gather(&fe, errs, comm);
    pario_file_errors_free(&fe);
    if (rank == 0) {
        for (int i = 0; i < n; i++) {
            counts[i].lines = merged[i].lines;
            counts[i].words = merged[i].words;
            counts[i].bytes = stats[i].err ? 0 : (uint64_t)stats[i].size;
            if (stats[i].err) {
                pario_status st = pario_text_stat_error(paths[i], &stats[i]);
                if (!pario_file_failures_set(errs, i, &st))
                    MPI_Abort(comm, 1);
            }
        }
    }
    free(parts);
    free(merged);
}

int pario_wc_width(const pario_text_stat *stats, int n, unsigned what)
{
    int counts = !!(what & PARIO_WC_LINES) + !!(what & PARIO_WC_WORDS) + !!(what & PARIO_WC_BYTES);
    if (n == 1 && counts == 1)
        return 1;
    uint64_t total = 0;
    int width = 1, minimum = 1;
    for (int i = 0; i < n; i++) {
        if (stats[i].err == EISDIR || (stats[i].err && S_ISDIR(stats[i].mode)))
            minimum = 7; /* stat() succeeded on something that is not a regular file (a directory, opened or not) */
        else if (stats[i].regular)   /* unreadable ones too: GNU wc stats (not opens) to size the columns */
            total += (uint64_t)stats[i].size;
        else if (stats[i].err)
            continue;
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
    if (name) {
        /* GNU wc quotes a name that holds a newline (and only such a name) */
        fputc(' ', out);
        if (strchr(name, '\n'))
            pario_fput_shell(out, name);
        else
            fputs(name, out);
    }
    fputc('\n', out);
}
