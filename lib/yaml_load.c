/* The one YAML front end of descriptors and job files: bounded read, one pass of
 * libyaml's event parser that enforces pario's rules and builds the document from
 * the events (see yaml_load.h). Building the document ourselves keeps the work
 * linear (libyaml's own loader is quadratic in nesting depth) and lets nothing be
 * built past the depth limit. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pario/guard.h"
#include "yaml_load.h"

pario_status pario_yaml_read(const char *path, const char *what, int code, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    /* a FIFO, a directory or a device is refused without blocking (guard.c) */
    FILE *f;
    pario_status st = pario_fopen_regular(path, what, code, &f);
    if (pario_failed(&st))
        return st;
    int fd = fileno(f);
    struct stat sb;
    if (fstat(fd, &sb) != 0)
        st = pario_error(code, "%s: cannot open %s: %s", path, what, strerror(errno));
    else if ((uint64_t)sb.st_size > PARIO_YAML_MAX_BYTES)
        st = pario_error(code, "%s: %s is larger than 1 MiB (%llu bytes)", path, what,
                         (unsigned long long)sb.st_size);
    char *buf = NULL;
    size_t n = 0;
    if (!pario_failed(&st) && !(buf = malloc(PARIO_YAML_MAX_BYTES + 2)))
        st = pario_error(code, "%s: cannot read %s: out of memory", path, what);
    /* read to the end, whatever the size said: the file may have grown */
    while (!pario_failed(&st) && n <= PARIO_YAML_MAX_BYTES) {
        ssize_t r = read(fd, buf + n, PARIO_YAML_MAX_BYTES + 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            st = pario_error(code, "%s: cannot read %s: %s", path, what, strerror(errno));
        else if (r == 0)
            break;
        else
            n += (size_t)r;
    }
    if (!pario_failed(&st) && n > PARIO_YAML_MAX_BYTES)
        st = pario_error(code, "%s: %s is larger than 1 MiB", path, what);
    fclose(f);
    if (pario_failed(&st)) {
        free(buf);
        return st;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return st;
}

/* ---- what a YAML 1.1 reader (PyYAML's resolver) makes of a plain scalar ---- */

typedef struct cur { const char *p, *e; } cur;

static int at(const cur *c, const char *chars) { return c->p < c->e && *c->p && strchr(chars, *c->p); }
static int take(cur *c, const char *chars)
{
    if (!at(c, chars))
        return 0;
    c->p++;
    return 1;
}
static size_t span(cur *c, const char *chars)
{
    size_t k = 0;
    while (take(c, chars))
        k++;
    return k;
}
static int done(const cur *c) { return c->p == c->e; }

#define DEC "0123456789"
#define DEC_ "0123456789_"
/* (:[0-5]?[0-9])+ : greedy is exact, since what follows is never a digit */
static int sexagesimal(cur *c)
{
    int groups = 0;
    while (take(c, ":")) {
        if (at(c, "012345") && c->p + 1 < c->e && strchr(DEC, c->p[1]) && c->p[1])
            c->p += 2;
        else if (!take(c, DEC))
            return 0;
        groups++;
    }
    return groups > 0;
}
/* ([eE][-+][0-9]+)? then the end */
static int exponent_end(cur *c)
{
    if (take(c, "eE"))
        return take(c, "-+") && span(c, DEC) && done(c);
    return done(c);
}

static int yaml11_int(const char *s, size_t n)
{
    cur c0 = { s, s + n };
    take(&c0, "-+");
    cur c = c0;
    if (take(&c, "0") && take(&c, "b") && span(&c, "01_") && done(&c))
        return 1;
    c = c0;
    if (take(&c, "0") && take(&c, "x") && span(&c, "0123456789abcdefABCDEF_") && done(&c))
        return 1;
    c = c0;
    if (take(&c, "0") && span(&c, "01234567_") && done(&c))
        return 1;
    c = c0;
    if (take(&c, "0") && done(&c))
        return 1;
    c = c0;
    if (take(&c, "123456789")) {
        span(&c, DEC_);
        cur d = c;
        if (done(&c) || (sexagesimal(&d) && done(&d)))
            return 1;
    }
    return 0;
}

static int yaml11_float(const char *s, size_t n)
{
    cur c0 = { s, s + n };
    cur c = c0;
    if (take(&c, ".") && take(&c, DEC) && (span(&c, DEC_), exponent_end(&c)))
        return 1;
    c = c0;
    if (n == 4 && (!memcmp(s, ".nan", 4) || !memcmp(s, ".NaN", 4) || !memcmp(s, ".NAN", 4)))
        return 1;
    take(&c0, "-+");
    c = c0;
    if ((size_t)(c.e - c.p) == 4 && (!memcmp(c.p, ".inf", 4) || !memcmp(c.p, ".Inf", 4) || !memcmp(c.p, ".INF", 4)))
        return 1;
    if (take(&c, DEC)) {
        span(&c, DEC_);
        cur d = c;
        if (take(&c, ".") && (span(&c, DEC_), exponent_end(&c)))
            return 1;
        if (sexagesimal(&d) && take(&d, ".") && (span(&d, DEC_), done(&d)))
            return 1;
    }
    return 0;
}

static int is_word(const char *s, size_t n, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == n && !memcmp(s, *words, n))
            return 1;
    return 0;
}

int pario_yaml_resolve(const char *s, size_t n)
{
    static const char *const nulls[] = { "~", "null", "Null", "NULL", NULL };
    static const char *const bools[] = { "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE",
                                         "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", NULL };
    if (n == 0 || is_word(s, n, nulls))
        return PARIO_YAML_NULL;
    if (is_word(s, n, bools))
        return PARIO_YAML_BOOL;
    if (yaml11_int(s, n))
        return PARIO_YAML_INT;
    if (yaml11_float(s, n))
        return PARIO_YAML_FLOAT;
    return PARIO_YAML_STR;
}

/* -?(0|[1-9][0-9]*) or -?(0|[1-9][0-9]*)\.[0-9]*([eE][-+][0-9]+)? : read alike by
 * YAML 1.1 and 1.2 readers, and by strtoull/strtod. */
int pario_yaml_number_plain(const char *s, size_t n)
{
    cur c = { s, s + n };
    take(&c, "-");
    if (!take(&c, "0")) {
        if (!take(&c, "123456789"))
            return 0;
        span(&c, DEC);
    }
    if (done(&c))
        return 1;
    if (!take(&c, "."))
        return 0;
    span(&c, DEC);
    return exponent_end(&c);
}

/* ---- nodes ---- */

static const char *const kind_tags[] = {
    [PARIO_YAML_STR] = YAML_STR_TAG,     [PARIO_YAML_INT] = YAML_INT_TAG, [PARIO_YAML_FLOAT] = YAML_FLOAT_TAG,
    [PARIO_YAML_BOOL] = YAML_BOOL_TAG,   [PARIO_YAML_NULL] = YAML_NULL_TAG,
};

int pario_yaml_kind(const yaml_node_t *n)
{
    if (!n || n->type != YAML_SCALAR_NODE || !n->tag)
        return PARIO_YAML_OTHER;
    for (int k = PARIO_YAML_STR; k <= PARIO_YAML_NULL; k++)
        if (!strcmp((const char *)n->tag, kind_tags[k]))
            return k;
    return PARIO_YAML_OTHER;
}

const char *pario_yaml_str(const yaml_node_t *n)
{
    return pario_yaml_kind(n) == PARIO_YAML_STR ? (const char *)n->data.scalar.value : NULL;
}

const char *pario_yaml_number(const yaml_node_t *n)
{
    int k = pario_yaml_kind(n);
    return k == PARIO_YAML_INT || k == PARIO_YAML_FLOAT ? (const char *)n->data.scalar.value : NULL;
}

int pario_yaml_u64(const yaml_node_t *n, uint64_t *out)
{
    if (pario_yaml_kind(n) != PARIO_YAML_INT)
        return 0;
    const char *s = (const char *)n->data.scalar.value;
    if (*s == '-') { /* the parse pass left only -?(0|[1-9][0-9]*): -0 is 0 */
        if (strcmp(s, "-0"))
            return 0;
        s++;
    }
    uint64_t v = 0;
    for (; *s; s++) {
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return 0;
        v = v * 10 + d;
    }
    *out = v;
    return 1;
}

int pario_yaml_bool(const yaml_node_t *n, int *out)
{
    if (pario_yaml_kind(n) != PARIO_YAML_BOOL)
        return 0;
    const char c = (char)(n->data.scalar.value[0] | 0x20);
    *out = c == 'y' || c == 't' || (c == 'o' && (n->data.scalar.value[1] | 0x20) == 'n');
    return 1;
}

static pario_status verror(int code, const char *path, unsigned long line, unsigned long col, const char *field,
                           const char *fmt, va_list ap)
{
    char msg[PARIO_MSG_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (field && *field)
        return pario_error(code, "%s:%lu:%lu: %s: %s", path, line, col, field, msg);
    return pario_error(code, "%s:%lu:%lu: %s", path, line, col, msg);
}

/* A plain yes, no, on, off or null where text (a name, a path) was expected:
 * YAML 1.1 (and PyYAML) read it as a boolean or null, not as the word; the
 * error says so and how to write the word (quoted). */
static void word_note(const yaml_node_t *node, const char *field, const char *msg, char *out, size_t len)
{
    (void)field;
    out[0] = 0;
    const int numeric = strstr(msg, "number") || strstr(msg, "integer");
    if (!node || node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
        !node->data.scalar.length || (strncmp(msg, "expected", 8) != 0 && !numeric))
        return;
    int k = pario_yaml_kind(node);
    const char *v = (const char *)node->data.scalar.value;
    /* 1e5, 1.5e3: a float to YAML 1.2 and C, text to YAML 1.1 (PyYAML), whose
     * exponent needs a dot and a sign (it said only "expected a number", or
     * for shape: [1e5] "dimensions must be non-negative integers") */
    char *end;
    double x;
    if (k == PARIO_YAML_STR && numeric && (strchr(v, 'e') || strchr(v, 'E')) && (x = strtod(v, &end), !*end)) {
        if (strstr(msg, "integer") && x >= 0 && x < 9007199254740992.0 && x == (double)(uint64_t)x) {
            snprintf(out, len, " (%s is a float to YAML 1.2 and text to YAML 1.1 readers such as PyYAML: write the "
                     "integer, %llu)", v, (unsigned long long)x);
            return;
        }
        snprintf(out, len, " (%s is text to YAML 1.1 readers such as PyYAML: an exponent needs a dot and a sign "
                 "there, as in 1.0e+5)", v);
        return;
    }
    if (strncmp(msg, "expected", 8) != 0 || !(strstr(msg, "text") || strstr(msg, "name") || strstr(msg, "path")))
        return;
    if (k == PARIO_YAML_BOOL || k == PARIO_YAML_NULL)
        snprintf(out, len, " (a plain %s is read as YAML %s, as PyYAML reads it: quote it, \"%s\", for the word)",
                 (const char *)node->data.scalar.value, k == PARIO_YAML_BOOL ? "true/false" : "null",
                 (const char *)node->data.scalar.value);
}

pario_status pario_yaml_error(int code, const char *path, const yaml_node_t *node, const char *field,
                              const char *fmt, ...)
{
    char msg[PARIO_MSG_MAX], note[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    word_note(node, field, msg, note, sizeof note);
    unsigned long line = node ? (unsigned long)node->start_mark.line + 1 : 1UL;
    unsigned long col = node ? (unsigned long)node->start_mark.column + 1 : 1UL;
    if (field && *field)
        return pario_error(code, "%s:%lu:%lu: %s: %s%s", path, line, col, field, msg, note);
    return pario_error(code, "%s:%lu:%lu: %s%s", path, line, col, msg, note);
}

/* ---- the event pass ---- */

typedef struct frame {
    int node;      /* the list or mapping */
    int map;
    int key;       /* mapping: the key waiting for its value, 0 = none */
    uint64_t index; /* list: items so far */
    size_t base;   /* length of its own field name in ld->field */
} frame;

typedef struct loader {
    const char *path;
    int code;
    yaml_document_t *doc;
    frame st[PARIO_YAML_MAX_DEPTH];
    int depth;
    char field[256]; /* the field of the node being handled: "part.of[1]" */
} loader;

static pario_status fail_at(const loader *L, yaml_mark_t m, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static pario_status fail_at(const loader *L, yaml_mark_t m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pario_status st = verror(L->code, L->path, (unsigned long)m.line + 1, (unsigned long)m.column + 1, L->field, fmt, ap);
    va_end(ap);
    return st;
}

static yaml_node_t *get(const loader *L, int id) { return yaml_document_get_node(L->doc, id); }

/* Set L->field to the field of the next node of the innermost collection; key:
 * the key's text when the node is a key. */
static void locate(loader *L, const char *key)
{
    if (!L->depth) {
        L->field[0] = '\0';
        return;
    }
    frame *f = &L->st[L->depth - 1];
    size_t n = f->base, room = sizeof L->field - n;
    L->field[n] = '\0';
    if (f->map) {
        if (!key && f->key)
            key = (const char *)get(L, f->key)->data.scalar.value;
        if (key)
            snprintf(L->field + n, room, "%s%s", n ? "." : "", key);
    } else {
        snprintf(L->field + n, room, "[%llu]", (unsigned long long)f->index);
    }
}

/* Add the node to its list or mapping; keys must be text. */
static pario_status attach(loader *L, int id, yaml_mark_t m)
{
    if (!L->depth)
        return pario_ok();
    frame *f = &L->st[L->depth - 1];
    int ok;
    if (!f->map) {
        ok = yaml_document_append_sequence_item(L->doc, f->node, id);
        f->index++;
    } else if (!f->key) {
        if (pario_yaml_kind(get(L, id)) != PARIO_YAML_STR)
            return fail_at(L, m, "keys must be text (a list, a mapping, a number, true/false or null is not a key)");
        f->key = id;
        ok = 1;
    } else {
        ok = yaml_document_append_mapping_pair(L->doc, f->node, f->key, id);
        f->key = 0;
    }
    return ok ? pario_ok() : fail_at(L, m, "out of memory");
}

typedef struct keyref { const yaml_char_t *s; size_t n; int id; } keyref;

static int keycmp(const void *a, const void *b)
{
    const keyref *x = a, *y = b;
    if (x->n != y->n)
        return x->n < y->n ? -1 : 1;
    int c = memcmp(x->s, y->s, x->n);
    return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* A mapping is complete: no key twice (sorted, so a large mapping costs n log n). */
static pario_status check_duplicates(loader *L, int map)
{
    yaml_node_t *m = get(L, map);
    size_t n = (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
    if (n < 2)
        return pario_ok();
    keyref *k = malloc(n * sizeof *k);
    if (!k)
        return fail_at(L, m->start_mark, "out of memory");
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *kn = get(L, m->data.mapping.pairs.start[i].key);
        k[i] = (keyref){ kn->data.scalar.value, kn->data.scalar.length, m->data.mapping.pairs.start[i].key };
    }
    qsort(k, n, sizeof *k, keycmp);
    int first = 0, again = 0;
    for (size_t i = 1; i < n; i++)
        if (k[i].n == k[i - 1].n && !memcmp(k[i].s, k[i - 1].s, k[i].n) && (!again || k[i].id < again)) {
            again = k[i].id;
            size_t j = i - 1;
            while (j > 0 && k[j - 1].n == k[i].n && !memcmp(k[j - 1].s, k[i].s, k[i].n))
                j--;
            first = k[j].id;
        }
    free(k);
    if (!again)
        return pario_ok();
    yaml_node_t *a = get(L, again), *b = get(L, first);
    /* L->field is the mapping's own field */
    size_t base = strlen(L->field);
    snprintf(L->field + base, sizeof L->field - base, "%s%s", base ? "." : "", (const char *)a->data.scalar.value);
    return fail_at(L, a->start_mark, "duplicate key (first given at line %lu, column %lu)",
                   (unsigned long)b->start_mark.line + 1, (unsigned long)b->start_mark.column + 1);
}

/* Anchors, aliases and tags are refused wherever they appear. */
static pario_status plain_node(const loader *L, const yaml_event_t *ev, const yaml_char_t *anchor,
                               const yaml_char_t *tag)
{
    if (anchor)
        return fail_at(L, ev->start_mark, "anchors (&%.40s) are not allowed", (const char *)anchor);
    if (tag)
        return fail_at(L, ev->start_mark, "tags (%.60s) are not allowed", (const char *)tag);
    return pario_ok();
}

static pario_status on_scalar(loader *L, const yaml_event_t *ev)
{
    const char *v = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    int is_key = L->depth && L->st[L->depth - 1].map && !L->st[L->depth - 1].key;
    locate(L, NULL);
    pario_status st = plain_node(L, ev, ev->data.scalar.anchor, ev->data.scalar.tag);
    if (pario_failed(&st))
        return st;
    if (memchr(v, '\0', n))
        return fail_at(L, ev->start_mark, "contains a NUL character (\\0)");
    if (is_key) { /* name the key itself in what follows */
        size_t base = L->st[L->depth - 1].base;
        snprintf(L->field + base, sizeof L->field - base, "%s%.*s", base ? "." : "", (int)(n < 64 ? n : 64), v);
    }
    int kind = PARIO_YAML_STR;
    if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
        kind = pario_yaml_resolve(v, n);
        if ((kind == PARIO_YAML_INT || kind == PARIO_YAML_FLOAT) && !pario_yaml_number_plain(v, n))
            return fail_at(L, ev->start_mark,
                           "'%.40s' is not a plain decimal number, and YAML readers differ on what it means "
                           "(write 1000, -5 or 2.5; quote it to mean text)", v);
    }
    int id = yaml_document_add_scalar(L->doc, (yaml_char_t *)kind_tags[kind], ev->data.scalar.value, (int)n,
                                      ev->data.scalar.style);
    if (!id)
        return fail_at(L, ev->start_mark, "out of memory");
    get(L, id)->start_mark = ev->start_mark;
    get(L, id)->end_mark = ev->end_mark;
    return attach(L, id, ev->start_mark);
}

static pario_status on_start(loader *L, const yaml_event_t *ev, int map)
{
    locate(L, NULL);
    const yaml_char_t *anchor = map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
    const yaml_char_t *tag = map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
    pario_status st = plain_node(L, ev, anchor, tag);
    if (pario_failed(&st))
        return st;
    if (L->depth && L->st[L->depth - 1].map && !L->st[L->depth - 1].key)
        return fail_at(L, ev->start_mark, "keys must be text (a list, a mapping, a number, true/false or null is not a key)");
    if (L->depth == PARIO_YAML_MAX_DEPTH)
        return fail_at(L, ev->start_mark, "lists and mappings nested more than %d deep", PARIO_YAML_MAX_DEPTH);
    int id = map ? yaml_document_add_mapping(L->doc, (yaml_char_t *)YAML_DEFAULT_MAPPING_TAG,
                                             ev->data.mapping_start.style)
                 : yaml_document_add_sequence(L->doc, (yaml_char_t *)YAML_DEFAULT_SEQUENCE_TAG,
                                              ev->data.sequence_start.style);
    if (!id)
        return fail_at(L, ev->start_mark, "out of memory");
    get(L, id)->start_mark = ev->start_mark;
    if ((st = attach(L, id, ev->start_mark)), pario_failed(&st))
        return st;
    frame *f = &L->st[L->depth++];
    *f = (frame){ id, map, 0, 0, strlen(L->field) };
    return pario_ok();
}

static pario_status on_end(loader *L, const yaml_event_t *ev)
{
    frame *f = &L->st[--L->depth];
    get(L, f->node)->end_mark = ev->end_mark;
    L->field[f->base] = '\0';
    return f->map ? check_duplicates(L, f->node) : pario_ok();
}

/* The line and column (from 0, in characters, as libyaml's marks) of byte
 * offset off of text: libyaml reports a byte it cannot read (not UTF-8, a
 * control character) by its offset only, and its mark stays at 1:1. */
static yaml_mark_t offset_mark(const char *text, size_t len, size_t off)
{
    yaml_mark_t m = { off, 0, 0 };
    for (size_t i = 0; i < off && i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n' || (c == '\r' && (i + 1 >= len || text[i + 1] != '\n'))) {
            m.line++;
            m.column = 0;
        } else if ((c & 0xc0) != 0x80) {   /* not a UTF-8 continuation byte */
            m.column++;
        }
    }
    return m;
}

/* Tabs: YAML readers differ on them. libyaml takes a tab between tokens
 * ("key:<TAB>value", "[1,<TAB>2]") and inside a plain scalar; PyYAML (and so
 * schemas/validate.py) refuses every tab but those in comments, quoted scalars
 * and block scalars (| and >). So pario refuses the others too, found from the
 * scalars' marks (in characters, as libyaml counts them: ranges hold character
 * indices): a '#' outside every scalar starts a comment. */
typedef struct {
    size_t start, end;   /* [start, end) in characters */
    int plain, block;
} scalar_range;

typedef struct {
    scalar_range *r;
    size_t n, cap;
    int failed;          /* out of memory for the ranges: the file is refused (out of memory) */
} scalar_ranges;

static void note_scalar(scalar_ranges *sr, const yaml_event_t *ev)
{
    if (sr->failed)
        return;
    if (sr->n == sr->cap) {
        size_t cap = sr->cap ? 2 * sr->cap : 64;
        scalar_range *r = realloc(sr->r, cap * sizeof *r);
        if (!r) {
            sr->failed = 1;
            return;
        }
        sr->r = r;
        sr->cap = cap;
    }
    yaml_scalar_style_t style = ev->data.scalar.style;
    sr->r[sr->n++] = (scalar_range){ ev->start_mark.index, ev->end_mark.index, style == YAML_PLAIN_SCALAR_STYLE,
                                     style == YAML_LITERAL_SCALAR_STYLE || style == YAML_FOLDED_SCALAR_STYLE };
}

static pario_status check_tabs(const char *path, const char *text, size_t len, int code, const scalar_ranges *sr)
{
    if (sr->failed)
        return pario_error(code, "%s: out of memory", path);
    size_t ci = 0, r = 0;   /* the character at byte i; the first range not ended before it */
    size_t seen = (size_t)-1;
    int comment = 0, header = 0;   /* header: on a block scalar's first line (| or > and its indicators) */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if ((c & 0xc0) == 0x80)
            continue;   /* a UTF-8 continuation byte: the same character */
        while (r < sr->n && sr->r[r].end <= ci)
            r++;
        int in = r < sr->n && sr->r[r].start <= ci;
        if (in && r != seen) {
            seen = r;
            header = sr->r[r].block;
        }
        in = in && !header;   /* (a tab after | or > is refused by PyYAML) */
        if (c == '\n' || c == '\r')
            comment = header = 0;
        else if (!in && c == '#')
            comment = 1;
        else if (c == '\t' && !comment && (!in || sr->r[r].plain)) {
            yaml_mark_t m = offset_mark(text, len, i);
            return pario_error(code, "%s:%lu:%lu: a tab outside quotes and comments (YAML readers differ on "
                               "tabs: use spaces)", path, (unsigned long)m.line + 1, (unsigned long)m.column + 1);
        }
        ci++;
    }
    return pario_ok();
}

pario_status pario_yaml_parse(const char *path, const char *text, size_t len, int code, yaml_document_t *doc)
{
    loader L = { .path = path, .code = code, .doc = doc };
    if (len > PARIO_YAML_MAX_BYTES)
        return pario_error(code, "%s: larger than 1 MiB (%zu bytes)", path, len);
    if (!yaml_document_initialize(doc, NULL, NULL, NULL, 1, 1))
        return pario_error(code, "%s: out of memory", path);
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        yaml_document_delete(doc);
        return pario_error(code, "%s: out of memory", path);
    }
    /* UTF-8 only (libyaml would also take UTF-16 by its BOM; PyYAML, reading
     * text as validate.py does, would not). A UTF-8 BOM is skipped, as libyaml
     * skips it (its marks do not count it), which it no longer does once told
     * the encoding. */
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
        text += 3;
        len -= 3;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    scalar_ranges sr = { NULL, 0, 0, 0 };
    const int tabs = memchr(text, '\t', len) != NULL;
    pario_status st = pario_ok();
    int docs = 0, ended = 0, end = 0;
    while (!end && !pario_failed(&st)) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            const char *problem = parser.problem ? parser.problem : "parse error";
            if (parser.error == YAML_READER_ERROR)   /* a bad byte: libyaml gives its offset, not a mark */
                parser.problem_mark = offset_mark(text, len, parser.problem_offset);
            if (parser.error == YAML_MEMORY_ERROR)
                st = pario_error(code, "%s: out of memory", path);
            else if (ended)
                st = pario_error(code, "%s:%lu:%lu: text after the end of the document (%s)", path,
                                (unsigned long)parser.problem_mark.line + 1,
                                 (unsigned long)parser.problem_mark.column + 1, problem);
            else
                st = pario_error(code, "%s:%lu:%lu: not valid YAML: %s%s%s", path,
                                 (unsigned long)parser.problem_mark.line + 1,
                                 (unsigned long)parser.problem_mark.column + 1, problem,
                                 parser.context ? " " : "", parser.context ? parser.context : "");
            break;
        }
        switch (ev.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (docs++) {
                L.field[0] = '\0';
                st = fail_at(&L, ev.start_mark, "a second document (one YAML document per file)");
            }
            break;
        case YAML_DOCUMENT_END_EVENT: ended = 1; break;
        case YAML_ALIAS_EVENT:
            locate(&L, NULL);
            st = fail_at(&L, ev.start_mark, "aliases (*%.40s) are not allowed", (const char *)ev.data.alias.anchor);
            break;
        case YAML_SCALAR_EVENT:
            st = on_scalar(&L, &ev);
            if (tabs)
                note_scalar(&sr, &ev);
            break;
        case YAML_SEQUENCE_START_EVENT: st = on_start(&L, &ev, 0); break;
        case YAML_MAPPING_START_EVENT: st = on_start(&L, &ev, 1); break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: st = on_end(&L, &ev); break;
        case YAML_STREAM_END_EVENT: end = 1; break;
        default: break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    if (tabs && !pario_failed(&st))
        st = check_tabs(path, text, len, code, &sr);
    free(sr.r);
    if (pario_failed(&st))
        yaml_document_delete(doc);
    return st;
}
