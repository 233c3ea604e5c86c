/* grep over a shared file: each rank takes the lines that start in its byte range
 * (pario_lines), finds the matching ones a block at a time (the pattern's required
 * string searched over the whole block, the regex run only on the lines holding
 * it), and either counts them or sends them to rank 0 in rank order. -n numbers
 * lines from an exclusive scan of the ranks' line counts (one extra pass that only
 * counts newlines); -m caps each rank at NUM selected lines and rank 0's output at
 * NUM in all. */
#define _GNU_SOURCE 1
#include "config.h"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pario/fileutil.h"
#include "pario/grep.h"
#include "slow.h"
#include "pario/text.h"
#include "text_errors.h"
#include "pario/text_kernels.h"

struct scan {
    const pario_grep_pattern *p;
    const pario_grep_opts *o;
    const char *name;      /* "FILE:" prefix, or NULL */
    pario_ordered *out;    /* NULL when counting */
    uint64_t selected;     /* this rank's, at most o->max_count */
    uint64_t lineno;       /* number of the line at the scan position (with -n) */
    int stop;              /* max_count reached */
    int failed;            /* the regex engine failed */
};

static void emit(struct scan *s, const char *line, size_t n)
{
    if (s->out) {
        if (s->name) {
            pario_ordered_put(s->out, s->name, strlen(s->name));
            pario_ordered_put(s->out, ":", 1);
        }
        if (s->o->number) {
            char num[32];
            int k = snprintf(num, sizeof num, "%" PRIu64 ":", s->lineno);
            pario_ordered_put(s->out, num, (size_t)k);
        }
        pario_ordered_put(s->out, line, n);
        pario_ordered_put(s->out, "\n", 1);
    }
    if (++s->selected >= s->o->max_count)
        s->stop = 1;
}

/* Lines in b[a..e) (a at a line start, e at a line start or the block's end) that
 * are selected without a look (-v: lines between two matching ones). */
static void select_all(struct scan *s, const char *b, size_t a, size_t e)
{
    if (a >= e)
        return;
    if (!s->out && !s->o->number) {
        uint64_t k = pario_text_count_byte(b + a, e - a, '\n') + (b[e - 1] != '\n');
        uint64_t room = s->o->max_count - s->selected;
        s->selected += k < room ? k : room;
        s->stop = s->selected >= s->o->max_count;
        return;
    }
    while (a < e && !s->stop) {
        const char *q = memchr(b + a, '\n', e - a);
        size_t le = q ? (size_t)(q - b) : e;
        emit(s, b + a, le - a);
        s->lineno++;
        a = le + 1;
    }
}

/* The first matching line starting at or after pos: [*ls, *le), *le at its '\n'
 * or at n. Returns 0 when there is none. */
static int next_match(struct scan *s, const char *b, size_t n, size_t pos, size_t *ls, size_t *le)
{
    const pario_grep_pattern *p = s->p;
    while (pos < n) {
        size_t a, e;
        if (p->lit) {
            size_t h = pos + pario_text_find(b + pos, n - pos, p->lit, p->lit_len, p->icase);
            if (h >= n)
                return 0;
            const char *q = h > pos ? memrchr(b + pos, '\n', h - pos) : NULL;
            a = q ? (size_t)(q - b) + 1 : pos;
            q = memchr(b + h, '\n', n - h);
            e = q ? (size_t)(q - b) : n;
        } else {
            a = pos;
            const char *q = memchr(b + pos, '\n', n - pos);
            e = q ? (size_t)(q - b) : n;
        }
        int m = p->fixed ? 1 : pario_grep_line_matches(p, b + a, e - a);
        if (m < 0) {
            s->failed = 1;
            return 0;
        }
        if (m) {
            *ls = a;
            *le = e;
            return 1;
        }
        pos = e + 1;
    }
    return 0;
}

static void scan_block(struct scan *s, const char *b, size_t n)
{
    size_t pos = 0;
    while (pos < n && !s->stop && !s->failed) {
        size_t ls = n, le = n;
        int found = next_match(s, b, n, pos, &ls, &le);
        if (s->failed)
            return;
        if (s->o->invert) {
            select_all(s, b, pos, ls);
        } else if (s->o->number) {
            s->lineno += pario_text_count_byte(b + pos, ls - pos, '\n');
        }
        if (!found || s->stop)
            return;
        if (!s->o->invert)
            emit(s, b + ls, le - ls);
        s->lineno++;
        pos = le + 1;
    }
}

/* This rank's lines of one file: scanned, selected lines sent on or counted. */
static pario_status grep_range(struct scan *s, pario_text_file *f, pario_file_errors *fe, int file)
{
    pario_lines L;
    pario_status st = pario_lines_open(&L, f, s->o->max_line);
    const char *data;
    size_t n;
    uint64_t off;
    while (!s->stop && pario_lines_next(&L, &data, &n, &off, &st)) {
        double t0 = pario_slow_start();
        scan_block(s, data, n);
        pario_slow_after(t0); /* PARIO_SLOW, the test hook (slow.h): per block of lines */
        /* another rank failed the file: its error is the one reported. Not
         * under -q, whose exit status says whether any line was selected, even
         * in a file that fails (grep -q): a line before the failure still counts */
        if (!s->o->silent && pario_file_errors_stop(fe, file, n))
            break;
        if (s->failed)
            st = pario_error(PARIO_ERR_RUNTIME, "%s: the regular expression engine failed (out of memory?) on "
                             "the line at byte %" PRIu64, f->path, off);
    }
    pario_lines_close(&L);
    return st;
}

int pario_grep_files(const pario_grep_pattern *p, const pario_grep_opts *o, char *const *paths, int n,
                     const pario_io_opts *io, FILE *out, pario_file_failures *errs, uint64_t *bytes_read, MPI_Comm comm)
{
    int rank, nranks;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &nranks);
    pario_grep_opts oo = *o;
    if (oo.count)
        oo.number = 0; /* grep -c -n: the count only */
    pario_text_stat *stats = calloc((size_t)n, sizeof *stats);
    uint64_t *before = calloc((size_t)n, sizeof *before), *sel = calloc((size_t)n, sizeof *sel);
    uint64_t *total = calloc((size_t)n, sizeof *total);
    pario_file_errors fe;
    if (!stats || !before || !sel || !total || !pario_file_errors_init(&fe, n, comm))
        MPI_Abort(comm, 1); /* a few words per file */
    /* an input that is the file rank 0 writes to (grep x f >> f) is not read,
     * as in GNU grep, where lines are written (not -c, -q, -m 1: GNU's rule).
     * Under mpiexec rank 0 writes to the launcher's pipe: only a run alone or
     * under srun --output can be caught. */
    int lines_out = !oo.count && !oo.silent && oo.max_count > 1;
    pario_text_stat_all(paths, n, rank == 0 && lines_out ? out : NULL, stats, comm);
    int hints = rank == 0 && io->show_hints;
    if (oo.number) {
        /* lines owned by the ranks before this one, for every file at once */
        uint64_t *mine = calloc((size_t)n, sizeof *mine);
        size_t chunk = io->chunk_bytes ? io->chunk_bytes : PARIO_DEFAULT_CHUNK;
        char *buf = pario_alloc_aligned(chunk);
        if (!mine)
            MPI_Abort(comm, 1); /* a few words per file */
        for (int i = 0; i < n; i++) {
            if (stats[i].err || pario_file_errors_noticed(&fe, i))   /* (noticed: another rank failed it already) */
                continue;
            if (!buf) { /* this rank cannot count its lines: the file fails, the others go on */
                pario_status st = pario_local_error("%s: out of memory for a %zu-byte chunk", paths[i], chunk);
                pario_file_errors_set(&fe, i, &st);
                continue;
            }
            pario_text_file f;
            pario_status st = pario_text_open(&f, paths[i], &stats[i], io, rank, nranks, hints);
            hints = 0;
            if (!pario_failed(&st))
                st = pario_text_count_lines(&f, buf, &mine[i], &fe, i);
            *bytes_read += f.bytes_read;
            st = pario_text_end(&f, st);
            pario_text_close(&f);
            pario_file_errors_set(&fe, i, &st);
        }
        MPI_Exscan(mine, before, n, MPI_UINT64_T, MPI_SUM, comm);
        if (rank == 0)
            memset(before, 0, sizeof *before * (size_t)n); /* MPI_Exscan leaves rank 0's undefined */
        free(mine);
        free(buf);
    }
    pario_ordered ord;
    if (!oo.count)
        pario_ordered_open(&ord, out, io->chunk_bytes ? io->chunk_bytes : PARIO_DEFAULT_CHUNK, oo.max_count, comm);
    for (int i = 0; i < n; i++) {
        if (stats[i].err)
            continue;
        struct scan s;
        memset(&s, 0, sizeof s);
        s.p = p;
        s.o = &oo;
        s.name = oo.with_filename ? paths[i] : NULL;
        s.out = oo.count ? NULL : &ord;
        s.lineno = before[i] + 1;
        if (!oo.count) {
            /* a name holding '\n' puts more than one in each line: -m counts lines */
            uint64_t k = 1;
            for (const char *q = s.name; q && (q = strchr(q, '\n')); q++)
                k++;
            pario_ordered_newlines(&ord, k);
        }
        s.stop = oo.max_count == 0 || pario_file_errors_failed(&fe, i) || (pario_file_errors_noticed(&fe, i) && !oo.silent);
        pario_text_file f;
        pario_status st = pario_text_open(&f, paths[i], &stats[i], io, rank, nranks, hints);
        hints = 0;
        if (!pario_failed(&st) && !s.stop)
            st = grep_range(&s, &f, &fe, i);
        *bytes_read += f.bytes_read;
        st = pario_text_end(&f, st);
        pario_text_close(&f);
        pario_file_errors_set(&fe, i, &st);
        sel[i] = s.selected;
        if (!oo.count)   /* cut: a failed read, or stopped by another rank's */
            pario_ordered_end_file(&ord, pario_file_errors_failed(&fe, i) || pario_file_errors_noticed(&fe, i));
    }
    pario_status wst = pario_ok();
    if (!oo.count)
        wst = pario_ordered_close(&ord);
    MPI_Allreduce(sel, total, n, MPI_UINT64_T, MPI_SUM, comm);
    pario_file_errors_gather(&fe, errs, comm);
    int any = 0;
    errno = 0;   /* a failed write of the counts leaves its reason (stdout may be unbuffered) */
    for (int i = 0; i < n; i++) {
        if (total[i] > oo.max_count)
            total[i] = oo.max_count;
        any += total[i] > 0;
        if (rank != 0)
            continue;
        if (stats[i].err) {
            pario_status st = pario_text_stat_error(paths[i], &stats[i]);
            if (!pario_file_failures_set(errs, i, &st))
                MPI_Abort(comm, 1);
        }
        /* a directory is counted 0 after its error, as GNU grep -c counts it:
         * grep opens it and fails to read it */
        if (oo.count && !oo.silent && (!pario_file_failures_get(errs, i, NULL) || stats[i].err == EISDIR)) {
            if (oo.with_filename)
                fprintf(out, "%s:", paths[i]);
            fprintf(out, "%" PRIu64 "\n", total[i]);
        }
    }
    if (rank == 0 && !pario_failed(&wst)) {
        /* a write error on standard output goes with the last file */
        if ((fflush(out) != 0 || ferror(out)) && errno)   /* (-c said no reason) */
            wst = pario_error(PARIO_ERR_RUNTIME, "standard output: write error: %s", strerror(errno));
        else if (ferror(out))
            wst = pario_error(PARIO_ERR_RUNTIME, "standard output: write error");
    }
    if (rank == 0 && pario_failed(&wst) && n > 0 && !pario_file_failures_get(errs, n - 1, NULL) &&
        !pario_file_failures_set(errs, n - 1, &wst))
        MPI_Abort(comm, 1);
    /* -q: GNU grep exits at its first selected line and never opens the later
     * files, so their errors are not said (an earlier file's are) */
    for (int i = 0; oo.silent && rank == 0 && i < n; i++)
        if (total[i] > 0) {
            pario_file_failures_cut(errs, i);
            break;
        }
    pario_file_errors_free(&fe);
    free(stats);
    free(before);
    free(sel);
    free(total);
    return any;
}
