/* The per-rank column reader of a CSV file: records owned by the rank where they
 * start, the column's field of each, as blocks of doubles. One pass, speculative:
 * every rank parses its range as if it started outside quotes, counting the
 * quotes and newlines of its block [A, E) as it goes; one exchange of those counts
 * (csv_quote.c, when the rank reaches E, or sooner: at an error, or before a
 * record would grow past its chunk) says whether it was right. A rank that was
 * not (its block starts inside a quoted field: rare) reads its range again from
 * the right start, and its consumer discards what it had (pario_csv_next returns
 * -1). Line numbers are counted from A until the exchange gives the lines before. */
#define _GNU_SOURCE 1
#include "config.h"
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "csv_internal.h"
#include "fault.h"
#include "pario/fileutil.h"
#include "pario/text_kernels.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define CSV_AVX512 1
#endif

#define BLOCK 4096                         /* values handed out per call */
#define MAX_RECORD ((size_t)1 << 30)       /* the longest record held whole */
#define TAIL ((uint64_t)64 << 10)           /* read past the range this much at a time */

struct pario_csv_reader {
    pario_text_file f;
    pario_csv_opts o;
    MPI_Comm comm;
    uint64_t col;
    char label[PARIO_CSV_NAME_MAX + 48];
    uint64_t header_end;      /* records starting before it are not data */
    char *buf;
    size_t cap, len;          /* buf holds file bytes [cur, cur + len) */
    uint64_t cur;
    uint64_t pos, line;       /* the next record's start and its line (1-based) */
    int done;
    int any_start;            /* rank 0 reading the header: records may start past hi */
    unsigned char stop[256];  /* the bytes the fast scan stops at: delimiter, quote, newline */
    int settled;              /* the exchange is done: the start and line numbers are right */
    int ended;                /* the end of the reading was reached (pario_text_end asked) */
    int restart;              /* the exchange found the speculative start wrong: read again */
    uint64_t A, E;            /* the block this rank counts for the exchange */
    uint64_t acct;            /* counted up to here */
    uint64_t counts[PARIO_CSV_Q_N];
    uint64_t lines_before;    /* newlines before A (after the exchange) */
    double vals[BLOCK];
    uint64_t recs[BLOCK];
    pario_csv_stats stats;    /* this rank's */
    size_t (*batch)(pario_csv_reader *, size_t);  /* the run of plain records (csv_batch.h), or NULL */
};

typedef size_t csv_batch_fn(pario_csv_reader *, size_t);
static csv_batch_fn *choose_batch(void);

/* Count the quotes and newlines of s[0..m) into the exchange's counts. */
static void count_span(pario_csv_reader *r, const char *s, size_t m)
{
    uint64_t *c = r->counts;
    const char q = r->o.quote;
    uint64_t nq = q ? pario_text_count_byte(s, m, (unsigned char)q) : 0;
    if (nq) {
        const char *last = memrchr(s, q, m);
        c[PARIO_CSV_Q_HAS_LAST] = 1;
        c[PARIO_CSV_Q_LINES_BEFORE_LAST] = c[PARIO_CSV_Q_LINES] + pario_text_count_byte(s, (size_t)(last - s), '\n');
    }
    c[PARIO_CSV_Q_QUOTES] += nq;
    c[PARIO_CSV_Q_LINES] += pario_text_count_byte(s, m, '\n');
}

/* Count the block's bytes [acct, to) (clipped to E); p holds file byte off, and
 * off <= acct. */
static inline void account(pario_csv_reader *r, const char *p, uint64_t off, uint64_t to)
{
    if (r->settled)
        return;
    if (to > r->E)
        to = r->E;
    if (r->acct >= to)
        return;
    count_span(r, p + (r->acct - off), (size_t)(to - r->acct));
    r->acct = to;
}

static pario_status find_start(pario_csv_reader *r, int inq);

/* The exchange, once per rank: count the rest of the block from the file if the
 * parse stopped short of E, swap counts, and learn the line numbers' base.
 * Returns 1 when this rank started in the wrong place and has found the right
 * start (its records are to be read again), 0 otherwise (*st: an error; done
 * set when another rank failed). */
static int settle(pario_csv_reader *r, pario_status *st)
{
    r->settled = 1;
    if (!pario_failed(st) && r->acct < r->E) {
        size_t cap = r->f.chunk;
        char *tmp = pario_alloc_aligned(cap);
        if (!tmp)
            *st = pario_local_error("%s: out of memory for a %zu-byte buffer", r->f.path, cap);
        while (tmp && r->acct < r->E) {
            size_t m = r->E - r->acct < cap ? (size_t)(r->E - r->acct) : cap;
            *st = pario_text_read(&r->f, r->acct, tmp, m);
            if (pario_failed(st))
                break;
            count_span(r, tmp, m);
            r->acct += m;
        }
        free(tmp);
    }
    r->counts[PARIO_CSV_Q_FAILED] = pario_failed(st);
    pario_csv_before b;
    pario_status x = pario_csv_quote_exchange(r->counts, r->f.path, r->o.quote, &b, r->comm);
    if (pario_failed(st))
        return 0;
    if (b.others_failed) {
        r->done = 1;
        return 0;
    }
    if (pario_failed(&x)) {
        *st = x;
        r->done = 1;
        return 0;
    }
    r->lines_before = b.lines;
    r->line += b.lines;
    if (r->f.lo == 0 || r->f.lo >= r->f.hi || !(b.quotes & 1))
        return 0; /* the speculation was right */
    /* the block starts inside a quoted field: from the right start again */
    memset(&r->stats, 0, sizeof r->stats);
    r->done = 0;
    r->len = 0;
    r->line = b.lines + 1;
    *st = find_start(r, 1);
    r->restart = !pario_failed(st);
    return r->restart;
}

/* Read on so that buf holds bytes from pos; at least one more byte unless the
 * file has ended (returns 0 then). */
static int more(pario_csv_reader *r, pario_status *st)
{
    uint64_t end = r->cur + r->len;
    if (end >= r->f.size)
        return 0;
    if (r->pos > r->cur) { /* drop what is behind the record */
        size_t k = (size_t)(r->pos - r->cur);
        memmove(r->buf, r->buf + k, r->len - k);
        r->len -= k;
        r->cur = r->pos;
    }
    if (r->len == r->cap) {
        if (r->cap >= MAX_RECORD + r->f.chunk) {
            *st = pario_error(PARIO_ERR_RUNTIME, "%s: line %" PRIu64 ": a record longer than %zu bytes", r->f.path,
                              r->line, MAX_RECORD); /* settled: record() exchanges before growing */
            return 0;
        }
        size_t cap = r->cap * 2;
        char *nb = pario_alloc_aligned(cap);
        if (!nb) {
            *st = pario_local_error("%s: out of memory for the record at line %" PRIu64 " (%zu bytes)", r->f.path,
                                    r->line, cap);
            return 0;
        }
        memcpy(nb, r->buf, r->len);
        free(r->buf);
        r->buf = nb;
        r->cap = cap;
    }
    size_t room = r->cap - r->len;
    size_t m = r->f.size - end < room ? (size_t)(r->f.size - end) : room;
    /* past the range only the last record is wanted: read on a little at a time */
    uint64_t stop = r->f.hi + TAIL > end + TAIL ? r->f.hi + TAIL : end + TAIL;
    if (!r->any_start && m > stop - end)
        m = (size_t)(stop - end);
    *st = pario_text_read(&r->f, end, r->buf + r->len, m);
    if (pario_failed(st))
        return 0;
    r->len += m;
    return 1;
}

/* The record at pos: [pos, pos + *n) without its line end; *next: where the next
 * one starts; *nl: newlines inside it (quoted). Returns 0 at the end of the
 * rank's records or on error. */
static int record(pario_csv_reader *r, const char **rec, size_t *n, uint64_t *next, uint64_t *nl, pario_status *st)
{
    if (r->done || (r->pos >= r->f.hi && !r->any_start) || r->pos >= r->f.size) {
        r->done = 1;
        return 0;
    }
    const char q = r->o.quote;
    size_t scanned = 0; /* bytes of the record known to hold no end */
    int inq = 0;
    uint64_t lines = 0;
    for (;;) {
        size_t off = (size_t)(r->pos - r->cur), avail = r->len - off;
        const char *p = r->buf + off;
        size_t e = avail;
        if (!q) {
            const char *z = memchr(p + scanned, '\n', avail - scanned);
            e = z ? (size_t)(z - p) : avail;
        } else {
            size_t i = scanned;
            while (i < avail) {
                const char *z = memchr(p + i, '\n', avail - i);
                size_t stop = z ? (size_t)(z - p) : avail;
                /* the quotes before the newline say whether it ends the record */
                for (const char *c = memchr(p + i, q, stop - i); c; c = memchr(c + 1, q, (size_t)(p + stop - c - 1)))
                    inq ^= 1;
                if (!z || !inq) {
                    i = stop;
                    break;
                }
                lines++;
                i = stop + 1;
            }
            e = i < avail ? i : avail;
        }
        if (e < avail || r->cur + r->len >= r->f.size) {
            /* a newline at e, or the end of the file */
            *rec = p;
            *n = e;
            *next = r->pos + e + (e < avail);
            *nl = lines;
            if (*n && p[*n - 1] == '\r')
                (*n)--; /* "\r\n" ends a record too (and a last "\r", as Python's csv) */
            return 1;
        }
        scanned = e;
        if (!r->settled && !r->any_start) {
            /* the buffer holds the rest of the block, or the record would grow
             * past it: exchange first (the speculation may be wrong, or a quote
             * never close), so a wrong start costs no more than a chunk */
            uint64_t bufend = r->cur + r->len;
            if (bufend >= r->E || r->len - off == r->cap) {
                account(r, r->buf, r->cur, bufend);
                if (settle(r, st) || pario_failed(st) || r->done)
                    return 0;
            }
        }
        if (!more(r, st))
            return 0;
    }
}

/* This rank's first record (ranks but 0): pos = lo when the byte before is a
 * newline outside quotes, else just after the first such newline in
 * [lo - 1, hi - 1); inq: whether lo - 1 is inside a quoted field. r->line is the
 * line at lo - 1 on entry. */
static pario_status find_start(pario_csv_reader *r, int inq)
{
    pario_text_file *f = &r->f;
    if (f->lo >= f->hi) {
        r->done = 1;
        return pario_ok();
    }
    const char q = r->o.quote;
    uint64_t a = f->lo - 1;
    while (a < f->hi - 1) {
        size_t m = f->size - a < r->cap ? (size_t)(f->size - a) : r->cap;
        pario_status st = pario_text_read(f, a, r->buf, m);
        if (pario_failed(&st))
            return st;
        size_t look = f->hi - 1 - a < m ? (size_t)(f->hi - 1 - a) : m;
        for (size_t i = 0; i < look; i++) {
            char c = r->buf[i];
            if (q && c == q) {
                inq ^= 1;
            } else if (c == '\n') {
                r->line++;
                if (!inq) {
                    r->cur = a;
                    r->len = m;
                    r->pos = a + i + 1;
                    account(r, r->buf, a, r->pos);
                    return pario_ok();
                }
            }
        }
        account(r, r->buf, a, a + look);
        a += m;
    }
    r->done = 1; /* no record starts in the range */
    return pario_ok();
}

/* The bytes of a UTF-8 byte-order mark (Excel's exports, Python's utf-8-sig)
 * opening the record at start: 3 at the file's first byte, else 0. */
static size_t bom_length(const char *rec, size_t n, uint64_t start)
{
    return start == 0 && n >= 3 && memcmp(rec, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

static void set_label(pario_csv_reader *r, const char *name)
{
    if (name)
        snprintf(r->label, sizeof r->label, "column '%s' (index %" PRIu64 ")", name, r->col);
    else
        snprintf(r->label, sizeof r->label, "column %" PRIu64, r->col);
}

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* The 0-based index that column (digits, or "" for a text file's one column)
 * gives; an index past 2^64 - 1 is refused, not wrapped to another column. */
static pario_status column_index(const char *column, uint64_t *col)
{
    errno = 0;
    *col = column[0] ? strtoull(column, NULL, 10) : 0;
    if (errno == ERANGE)
        return pario_error(PARIO_ERR_USAGE, "--column %s: the index is too large", column);
    return pario_ok();
}

/* Rank 0: the header record (the first non-empty one) and the column it names. */
/* field fld[0..fl) equals name, its doubled quotes (escaped) read as one */
static int field_is(const char *fld, size_t fl, int escaped, char quote, const char *name)
{
    size_t i = 0, j = 0;
    for (; i < fl; i++, j++) {
        if (name[j] != fld[i])
            return 0;
        if (escaped && fld[i] == quote && i + 1 < fl && fld[i + 1] == quote)
            i++;
    }
    return name[j] == '\0';
}

static pario_status read_header(pario_csv_reader *r, int *found)
{
    pario_status st = pario_ok();
    const char *rec;
    size_t n;
    uint64_t next, nl;
    *found = 0;
    while (record(r, &rec, &n, &next, &nl, &st)) {
        uint64_t here = r->line, start = r->pos;
        account(r, rec, r->pos, next);
        r->pos = next;
        r->line += nl + 1;
        /* a byte-order mark is not part of the first column's name */
        size_t bom = bom_length(rec, n, start);
        rec += bom, n -= bom;
        if (n == 0)
            continue;
        r->header_end = next;
        *found = 1;
        if (!r->o.column[0] || all_digits(r->o.column))
            return pario_ok();   /* an index, or none (text: column 0) */
        for (uint64_t k = 0;; k++) {
            const char *fld;
            size_t fl;
            int esc;
            uint64_t nf;
            if (!pario_csv_field(rec, n, r->o.delimiter, r->o.quote, k, &fld, &fl, &esc, &nf))
                return pario_error(PARIO_ERR_USAGE, "%s: no column named '%s' in the header (line %" PRIu64
                                   ", %" PRIu64 " fields)", r->f.path, r->o.column, here, nf);
            if (field_is(fld, fl, esc, r->o.quote, r->o.column)) {
                r->col = k;
                return pario_ok();
            }
        }
    }
    return st;
}

pario_status pario_csv_open(pario_csv_reader **out, const char *path, const pario_csv_opts *o,
                            const pario_io_opts *io, MPI_Comm comm)
{
    int rank, nranks;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &nranks);
    *out = NULL;
    pario_csv_reader *r = calloc(1, sizeof *r);
    pario_status st = pario_ok();
    if (!r)
        st = pario_local_error("%s: out of memory", path);
    /* rank 0 stats the file once for everyone */
    pario_text_stat ts;
    char *paths[1] = { (char *)path };
    pario_text_stat_all(paths, 1, NULL, &ts, comm);
    if (!pario_failed(&st))
        st = pario_text_stat_error(path, &ts);
    if (!pario_failed(&st) && !ts.regular)
        st = pario_error(PARIO_ERR_RUNTIME, "%s: not a regular file", path);
    if (!pario_failed(&st)) {
        r->o = *o;
        r->comm = comm;
        r->stop['\n'] = 1;
        if (o->delimiter)
            r->stop[(unsigned char)o->delimiter] = 1;
        if (o->quote)
            r->stop[(unsigned char)o->quote] = 1;
        if (o->delimiter && o->delimiter == o->quote)
            st = pario_error(PARIO_ERR_USAGE, "the delimiter and the quote character are both '%c'", o->quote);
        else if (!o->column[0] && !o->text)
            st = pario_error(PARIO_ERR_USAGE, "%s: say which column: --column NAME|INDEX", path);
        else if (!o->header && o->column[0] && !all_digits(o->column))
            st = pario_error(PARIO_ERR_USAGE, "--column '%s': a name needs a header (--header), or give a 0-based "
                             "index", o->column);
        else
            st = column_index(o->column, &r->col);
    }
    if (!pario_failed(&st)) {
        st = pario_text_open(&r->f, path, &ts, io, rank, nranks, 0);
    }
    if (!pario_failed(&st)) {
        r->cap = r->f.chunk;
        r->buf = pario_alloc_aligned(r->cap);
        if (!r->buf)
            st = pario_local_error("%s: out of memory for a %zu-byte buffer", path, r->cap);
    }
    if (pario_agree(&st, comm)) {
        pario_csv_close(r);
        return st;
    }
    /* the block counted for the quote exchange */
    r->A = r->f.lo ? r->f.lo - 1 : 0;
    r->E = r->f.hi == r->f.size ? r->f.size : r->f.hi ? r->f.hi - 1 : 0;
    if (r->f.lo >= r->f.hi)
        r->A = r->E = 0;
    r->acct = r->A;
    r->line = 1; /* from A until the exchange */
    /* the header (rank 0 owns the file's first record) */
    uint64_t head[2] = { 0, 0 }; /* column, header_end */
    if (!pario_failed(&st) && rank == 0) {
        if (o->header) {
            int found = 0;
            r->any_start = 1; /* the header is the first non-empty record, wherever it starts */
            if (r->f.lo < r->f.hi)
                st = read_header(r, &found);
            r->any_start = 0;
            /* a name needs a header, in an empty file too; an index (or a text
             * file's one column) does not */
            if (!pario_failed(&st) && !found && o->column[0] && !all_digits(o->column))
                st = pario_error(PARIO_ERR_USAGE, "%s: no header: the file has no record to name column '%s'", path,
                                 o->column);
        }
        head[0] = r->col;
        head[1] = r->header_end;
    }
    if (pario_agree(&st, comm)) {
        pario_csv_close(r);
        return st;
    }
    MPI_Bcast(head, 2, MPI_UINT64_T, 0, comm);
    r->col = head[0];
    r->header_end = head[1];
    set_label(r, o->column[0] && !all_digits(o->column) ? o->column : NULL);
    r->batch = choose_batch();
    /* where every rank's records start, if its block starts outside quotes */
    if (!pario_failed(&st) && rank != 0)
        st = find_start(r, 0);
    if (pario_agree(&st, comm)) {
        pario_csv_close(r);
        return st;
    }
    *out = r;
    return st;
}

static pario_status invalid(pario_csv_reader *r, uint64_t line, const char *what, const char *fld, size_t fl)
{
    if (fld)
        return pario_error(PARIO_ERR_RUNTIME, "%s: line %" PRIu64 ", %s: %s '%.*s'%s (%s leaves such "
                           "fields out)", r->f.path, line, r->label, what, (int)(fl > 40 ? 40 : fl), fld,
                           fl > 40 ? "..." : "", r->o.skip_hint);
    return pario_error(PARIO_ERR_RUNTIME, "%s: line %" PRIu64 ", %s: %s (%s leaves such fields out)",
                       r->f.path, line, r->label, what, r->o.skip_hint);
}

/* The first byte at or after i in p[0..n) that is a delimiter, quote or newline
 * (n if none): 16 bytes at a time where SSE2 is there (x86-64 always). */
static inline size_t next_stop(const pario_csv_reader *r, const unsigned char *p, size_t i, size_t n)
{
#if defined(__SSE2__)
    const __m128i a = _mm_set1_epi8('\n'), b = _mm_set1_epi8(r->o.delimiter ? r->o.delimiter : '\n'),
                  c = _mm_set1_epi8(r->o.quote ? r->o.quote : '\n');
    for (; i + 16 <= n; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        int m = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, a), _mm_cmpeq_epi8(x, b)),
                                               _mm_cmpeq_epi8(x, c)));
        if (m)
            return i + (size_t)__builtin_ctz((unsigned)m);
    }
#endif
    while (i < n && !r->stop[p[i]])
        i++;
    return i;
}

/* Bit i of *d, *nl, *q: p[i] is the delimiter, a newline, the quote, as given:
 * for the batch, which runs only with a delimiter, a missing quote (0) matches
 * NUL bytes, whose records then take the general path. */
static inline void masks64_plain(const unsigned char *p, char delim, char quote, uint64_t *d, uint64_t *nl,
                                 uint64_t *q)
{
    uint64_t md = 0, mn = 0, mq = 0;
#if defined(__SSE2__)
    const __m128i vd = _mm_set1_epi8(delim), vn = _mm_set1_epi8('\n'), vq = _mm_set1_epi8(quote);
    for (int j = 0; j < 4; j++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * j));
        md |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vd)) << (16 * j);
        mn |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vn)) << (16 * j);
        mq |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vq)) << (16 * j);
    }
#else
    for (int j = 0; j < 64; j++) {
        md |= (uint64_t)(p[j] == (unsigned char)delim) << j;
        mn |= (uint64_t)(p[j] == '\n') << j;
        mq |= (uint64_t)(p[j] == (unsigned char)quote) << j;
    }
#endif
    *d = md;
    *nl = mn;
    *q = mq;
}

/* Bit i of *d, *nl, *q: p[i] is the delimiter, a newline, the quote (64 bytes;
 * a missing delimiter or quote matches nothing). */
static inline void masks64(const unsigned char *p, char delim, char quote, uint64_t *d, uint64_t *nl, uint64_t *q)
{
    masks64_plain(p, delim, quote, d, nl, q);
    if (!delim)
        *d = 0;
    if (!quote)
        *q = 0;
}

/* A record of at most 63 bytes and its line end in the 64 bytes at p, without
 * quotes: its fields from bit masks, no loop over bytes. Returns 0 otherwise. */
static inline int short_record(const pario_csv_reader *r, const unsigned char *p, size_t *n, size_t *e,
                               size_t *fs, size_t *fe, int *have, uint64_t *nf)
{
    uint64_t d, nl, q;
    masks64(p, r->o.delimiter, r->o.quote, &d, &nl, &q);
    if (!nl)
        return 0;
    unsigned end = (unsigned)__builtin_ctzll(nl);
    uint64_t before = ((uint64_t)1 << end) - 1; /* end <= 63 */
    if (q & before)
        return 0;
    d &= before;
    *e = end;
    *n = end && p[end - 1] == '\r' ? end - 1 : end;
    size_t start = 0;
    for (uint64_t k = 0; k < r->col; k++) { /* past col delimiters */
        if (!d) {
            *have = 0;
            *nf = k + 1;
            return 1;
        }
        start = (size_t)__builtin_ctzll(d) + 1;
        d &= d - 1;
    }
    *have = 1;
    *fs = start;
    *fe = d ? (size_t)__builtin_ctzll(d) : *n;
    return 1;
}

/* The common case in one scan: a record wholly in the buffer, without quotes.
 * Returns 0 when the record needs the general path (a quote, or its end not read
 * yet). *have: the record has the column (*f, *fl), else *nf fields. */
static int fast_record(pario_csv_reader *r, size_t *n, uint64_t *next, const char **f, size_t *fl, int *have,
                       uint64_t *nf)
{
    if (r->pos >= r->f.hi || r->pos >= r->f.size)
        return 0;
    const size_t off = (size_t)(r->pos - r->cur), avail = r->len - off;
    const unsigned char *p = (const unsigned char *)r->buf + off;
    if (avail >= 64) {
        size_t e, fs = 0, fe = 0;
        if (short_record(r, p, n, &e, &fs, &fe, have, nf)) {
            *next = r->pos + e + 1;
            *f = (const char *)p + fs;
            *fl = *have ? fe - fs : 0;
            return 1;
        }
    }
    const uint64_t col = r->col;
    uint64_t field = 0;
    size_t i = 0, fs = 0, fe = SIZE_MAX;
    for (;;) {
        i = next_stop(r, p, i, avail);
        if (i == avail || p[i] == (unsigned char)r->o.quote)
            return 0;
        if (p[i] == '\n')
            break;
        if (field == col) /* a delimiter */
            fe = i;
        field++;
        if (field == col)
            fs = i + 1;
        i++;
    }
    *next = r->pos + i + 1;
    *n = i && p[i - 1] == '\r' ? i - 1 : i;
    *have = field >= col;
    *nf = field + 1;
    if (fe == SIZE_MAX)
        fe = *n; /* the column is the last field */
    *f = (const char *)p + fs;
    *fl = *have ? fe - fs : 0;
    return 1;
}

/* Before an error naming a line: exchange (if not yet) so the line is right, or
 * the error turns out to come from a wrong start. Returns -1 (read again), 0
 * (stop: *st says why, or another rank failed) or 1 (report the error; *line
 * made absolute when it was counted from A). */
static int before_error(pario_csv_reader *r, pario_status *st, uint64_t *line, int relative)
{
    if (!r->settled) {
        if (settle(r, st))
            return -1;
        if (pario_failed(st) || r->done)
            return 0;
    }
    if (relative)
        *line += r->lines_before;
    return 1;
}

static const double POW10[23] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };

/* The leading decimal digits of the 8 bytes x (memory order: the low byte
 * first): their count *k and their value, without a loop (SWAR: per-byte tests,
 * then pairs, quads and the eight combined by two multiplications). Bytes after
 * the first non-digit do not matter. */
static inline uint64_t digits8(uint64_t x, unsigned *k)
{
    const uint64_t hi = 0xF0F0F0F0F0F0F0F0ull, zeros = 0x3030303030303030ull;
    uint64_t bad = ((x & hi) ^ zeros) | (((x + 0x0606060606060606ull) & hi) ^ zeros);
    unsigned n = bad ? (unsigned)__builtin_ctzll(bad) / 8 : 8;
    *k = n;
    if (!n)
        return 0;
    uint64_t t = (x - zeros) << (8 * (8 - n)); /* the digits on top: leading zeros below */
    t = t * 10 + (t >> 8);
    return (((t & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) +
            (((t >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >> 32;
}

static const uint64_t IPOW10[9] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000 };

/* The common numbers ([sign] digits [. digits], no exponent, no blanks, at most
 * 19 digits spelling at most 2^53) without the full parser: the digits are then
 * an exact double and so is the power of ten, so the one division rounds once,
 * to the nearest (Clinger). Up to 7 digits before and after the point go 8 bytes
 * at a time when 8 bytes can be read there (s + n <= lim - 16); others in a loop.
 * Anything else goes to pario_csv_number. */
static inline __attribute__((always_inline)) int number(const char *s, size_t n, const char *lim, double *out)
{
    size_t i = 0;
    const int neg = n && s[0] == '-';
    if (n && (s[0] == '-' || s[0] == '+'))
        i = 1;
    if (lim - s >= (ptrdiff_t)(n + 16)) {
        uint64_t x;
        unsigned k1, k2 = 0;
        memcpy(&x, s + i, 8);
        uint64_t w = digits8(x, &k1);
        size_t j = i + k1;
        if (k1 < 8 && j < n && s[j] == '.') {
            memcpy(&x, s + j + 1, 8);
            uint64_t f = digits8(x, &k2);
            w = w * IPOW10[k2] + f;
            j += 1 + k2;
        }
        if (k1 < 8 && k2 < 8 && j == n && k1 + k2 > 0) { /* at most 14 digits: exact */
            double v = (double)w;
            if (k2)
                v /= POW10[k2];
            *out = neg ? -v : v;
            return 1;
        }
    }
    uint64_t w = 0;
    const size_t d0 = i;
    while (i < n && (unsigned)(s[i] - '0') < 10)
        w = w * 10 + (uint64_t)(s[i++] - '0');
    size_t digits = i - d0, frac = 0;
    if (i < n && s[i] == '.') {
        const size_t f0 = ++i;
        while (i < n && (unsigned)(s[i] - '0') < 10)
            w = w * 10 + (uint64_t)(s[i++] - '0');
        frac = i - f0;
        digits += frac;
    }
    if (i != n || digits == 0 || digits > 19 || frac > 22 || w > ((uint64_t)1 << 53))
        return pario_csv_number(s, n, out);
    double v = (double)w;
    if (frac)
        v /= POW10[frac];
    *out = neg ? -v : v;
    return 1;
}

/* The n-th (from 0) set bit of m, or 64: n bits cleared from the bottom. */
static inline unsigned pick_loop(uint64_t m, uint64_t n)
{
    for (; n && m; n--)
        m &= m - 1;
    return m ? (unsigned)__builtin_ctzll(m) : 64;
}


#define CSV_BATCH batch_portable
#define CSV_BATCH_TARGET
#define CSV_BATCH_MASKS masks64_plain
#define CSV_BATCH_PICK pick_loop
#define CSV_BATCH_NUMBER number
#include "csv_batch.h"

#if defined(CSV_AVX512)
/* The masks of masks64 from one 64-byte load and three compares; a missing
 * quote (0) matches NUL bytes, which sends their records to the general path
 * (the batch runs only with a delimiter). */
__attribute__((target("avx512bw,bmi,bmi2"))) static inline void masks64_avx512(const unsigned char *p, char delim,
                                                                              char quote, uint64_t *d, uint64_t *nl,
                                                                              uint64_t *q)
{
    const __m512i x = _mm512_loadu_si512((const void *)p);
    *d = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(delim));
    *nl = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('\n'));
    *q = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(quote));
}

/* pick_loop in two instructions: deposit bit n onto m's set bits. */
__attribute__((target("avx512bw,bmi,bmi2"))) static inline unsigned pick_pdep(uint64_t m, uint64_t n)
{
    uint64_t b = _pdep_u64((uint64_t)1 << n, m);
    return b ? (unsigned)__builtin_ctzll(b) : 64;
}

/* number() for fields of at most 16 bytes ([sign] digits [. digits], at most
 * 15 digits: an exact double) in one 16-byte load: the bytes classified at
 * once, the point squeezed out and the digits right-aligned by one shuffle,
 * their value by three multiply-adds, then Clinger's one division; anything
 * else to number(). Needs s + 16 <= lim. */
__attribute__((target("avx512bw,bmi,bmi2"))) static inline int number16(const char *s, size_t n, const char *lim,
                                                                        double *out)
{
    if (n > 16 || lim - s < 16)
        return number(s, n, lim, out);
    const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
    const __m128i dig = _mm_sub_epi8(x, _mm_set1_epi8('0'));
    const unsigned len = (1u << n) - 1;
    const unsigned digm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(dig, _mm_set1_epi8(9)), dig)) & len;
    const unsigned dot = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('.'))) & len;
    const int neg = s[0] == '-';
    const unsigned st = neg || s[0] == '+';
    const unsigned ndig = (unsigned)__builtin_popcount(digm);
    if ((digm | dot | st) != len || (dot & (dot - 1)) || !ndig || ndig > 15)
        return number(s, n, lim, out);
    const int t = dot ? __builtin_ctz(dot) : (int)n;
    const unsigned k2 = dot ? (unsigned)n - (unsigned)t - 1 : 0;
    /* output byte i takes digit byte st + i - (16 - ndig), one further on from the
     * point: negative indices give zeros (pshufb) */
    const __m128i iota = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    __m128i idx = _mm_add_epi8(iota, _mm_set1_epi8((char)((int)st - 16 + (int)ndig)));
    idx = _mm_sub_epi8(idx, _mm_cmpgt_epi8(idx, _mm_set1_epi8((char)(t - 1))));
    /* (the sign's byte, where the leading zeros may read it, made a zero) */
    const __m128i d = _mm_shuffle_epi8(_mm_andnot_si128(_mm_cvtsi32_si128((int)(0xFF * st)), dig), idx);
    const __m128i p2 = _mm_maddubs_epi16(d, _mm_setr_epi8(10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1));
    const __m128i p4 = _mm_madd_epi16(p2, _mm_setr_epi16(100, 1, 100, 1, 100, 1, 100, 1));
    const __m128i p8 = _mm_madd_epi16(_mm_packus_epi32(p4, p4), _mm_setr_epi16(10000, 1, 10000, 1, 10000, 1, 10000, 1));
    const uint64_t w = (uint64_t)(uint32_t)_mm_cvtsi128_si32(p8) * 100000000u + (uint32_t)_mm_extract_epi32(p8, 1);
    double v = (double)w;
    if (k2)
        v /= POW10[k2];
    *out = neg ? -v : v;
    return 1;
}

#define CSV_BATCH batch_avx512
#define CSV_BATCH_TARGET __attribute__((target("avx512bw,bmi,bmi2")))
#define CSV_BATCH_MASKS masks64_avx512
#define CSV_BATCH_PICK pick_pdep
#define CSV_BATCH_NUMBER number16
#include "csv_batch.h"
#endif

/* The batch this CPU runs best; PARIO_CSV_BATCH=portable or =off (A/B
 * measurements, tests of the portable path) choose another. */
static csv_batch_fn *choose_batch(void)
{
    const char *e = getenv("PARIO_CSV_BATCH");
    if (e && !strcmp(e, "off"))
        return NULL;
#if defined(CSV_AVX512)
    if (!(e && !strcmp(e, "portable")) && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("bmi2"))
        return batch_avx512;
#endif
    return batch_portable;
}

int pario_csv_next(pario_csv_reader *r, const double **vals, const uint64_t **recs, size_t *count, pario_status *st)
{
    if (pario_failed(st))
        return 0;
    size_t k = 0;
    const char *rec;
    size_t n;
    uint64_t next, nl;
    while (k < BLOCK) {
        /* the file's first record (no header) takes the general path, which
         * drops a byte-order mark before it as read_header does */
        const int first = r->pos == 0;
        if (r->batch && !r->done && !first) {
            k = r->batch(r, k);
            if (k == BLOCK)
                break;
        }
        const char *fld;
        size_t fl;
        int esc = 0, have = 0;
        uint64_t nf;
        const int fast = !r->done && !first && fast_record(r, &n, &next, &fld, &fl, &have, &nf);
        if (fast) {
            nl = 0;
            if (!r->settled) {
                if (next <= r->E && r->acct == r->pos) {
                    r->counts[PARIO_CSV_Q_LINES]++;
                    r->acct = next;
                } else {
                    account(r, r->buf, r->cur, next);
                }
            }
        } else if (!record(r, &rec, &n, &next, &nl, st)) {
            if (r->restart) {
                r->restart = 0;
                return -1;
            }
            break;
        } else {
            account(r, rec, r->pos, next);
            size_t bom = bom_length(rec, n, r->pos);
            rec += bom, n -= bom; /* a mark alone is an empty line */
        }
        uint64_t line = r->line;
        const int relative = !r->settled;
        r->pos = next;
        r->line += nl + 1;
        if (n == 0 || next <= r->header_end)
            continue; /* an empty line is no record; the header is no data */
        uint64_t idx = r->stats.records++;
        if (!fast)
            have = pario_csv_field(rec, n, r->o.delimiter, r->o.quote, r->col, &fld, &fl, &esc, &nf);
        int why = 0; /* 1 missing, 2 empty, 3 not a number */
        double v;
        if (!have) {
            r->stats.missing++;
            why = 1;
        } else {
            size_t blank = 0;
            while (blank < fl && (fld[blank] == ' ' || fld[blank] == '\t'))
                blank++;
            if (blank == fl) {
                r->stats.empty++;
                why = 2;
            } else if (esc || !number(fld, fl, r->buf + r->len, &v)) {
                r->stats.non_numeric++;
                why = 3;
            }
        }
        if (why) {
            if (r->o.skip_invalid)
                continue;
            int go = before_error(r, st, &line, relative);
            if (go < 0) {
                r->restart = 0;
                return -1;
            }
            if (go == 0)
                return 0;
            if (why == 1) {
                char what[64];
                snprintf(what, sizeof what, "missing (the record has %" PRIu64 " field%s)", nf, nf == 1 ? "" : "s");
                *st = invalid(r, line, what, NULL, 0);
            } else if (why == 2) {
                *st = invalid(r, line, "empty field", NULL, 0);
            } else {
                *st = invalid(r, line, "not a number:", fld, fl);
            }
            return 0;
        }
        r->vals[k] = v;
        r->recs[k] = idx;
        k++;
    }
    if (!r->settled && (pario_failed(st) || k == 0)) {
        /* the end of this rank's records (or an error): the exchange */
        if (settle(r, st)) {
            r->restart = 0;
            return -1;
        }
    }
    if (k == 0 && r->settled && !r->ended) {
        /* the end of this rank's reading: the file as rank 0 found it (the
         * caller agrees) */
        r->ended = 1;
        *st = pario_text_end(&r->f, *st);
    }
    if (pario_failed(st))
        return 0;
    r->stats.values += k;
    *vals = r->vals;
    *recs = r->recs;
    *count = k;
    return k > 0;
}

uint64_t pario_csv_record_base(pario_csv_reader *r)
{
    uint64_t base = 0, mine = r->stats.records;
    int rank;
    MPI_Comm_rank(r->comm, &rank);
    MPI_Exscan(&mine, &base, 1, MPI_UINT64_T, MPI_SUM, r->comm);
    return rank == 0 ? 0 : base;
}

void pario_csv_local_stats(const pario_csv_reader *r, pario_csv_stats *s)
{
    *s = r->stats;
}

uint64_t pario_csv_progress(const pario_csv_reader *r, uint64_t *total)
{
    const pario_text_file *f = &r->f;
    *total = f->hi > f->lo ? f->hi - f->lo : 0;
    if (r->done || r->pos >= f->hi)
        return *total;
    return r->pos > f->lo ? r->pos - f->lo : 0;
}

uint64_t pario_csv_bytes(const pario_csv_reader *r)
{
    return r->f.bytes_read;
}

const char *pario_csv_column_label(const pario_csv_reader *r)
{
    return r->label;
}

void pario_csv_close(pario_csv_reader *r)
{
    if (!r)
        return;
    pario_text_close(&r->f);
    free(r->buf);
    free(r);
}
