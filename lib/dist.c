#include "config.h"
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pario/view.h"

/* A positive decimal integer written [1-9][0-9]* (no sign, space or leading 0),
 * ending at stop (or at the end when stop is 0); *next: after it. */
static int parse_pos(const char *s, char stop, uint64_t max, uint64_t *k, const char **next)
{
    if (*s < '1' || *s > '9')
        return 0;
    uint64_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (max - (uint64_t)(*s - '0')) / 10)
            return 0;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    if (*s != stop)
        return 0;
    *k = v;
    if (next)
        *next = s;
    return 1;
}

static pario_status parse_k(const char *text, const char *s, uint64_t *k)
{
    if (parse_pos(s, '\0', UINT64_MAX, k, NULL))
        return pario_ok();
    if (*s >= '1' && *s <= '9' && strspn(s, "0123456789") == strlen(s))
        return pario_error(PARIO_ERR_USAGE, "distribution '%s': block size %s is too large (at most %llu)", text, s,
                           (unsigned long long)UINT64_MAX);
    return pario_error(PARIO_ERR_USAGE, "distribution '%s': block size must be a positive integer", text);
}

pario_status pario_dist_parse(const char *text, pario_dist *d)
{
    memset(d, 0, sizeof *d);
    d->k = 1;
    const char *arg = strchr(text, ':');
    size_t n = arg ? (size_t)(arg - text) : strlen(text);
    if (arg)
        arg++;
#define IS(word) (n == strlen(word) && strncmp(text, word, n) == 0)
    if (IS("block") && !arg) {
        d->kind = PARIO_DIST_BLOCK;
    } else if (IS("cyclic")) {
        d->kind = PARIO_DIST_CYCLIC;
        if (arg) {
            pario_status st = parse_k(text, arg, &d->k);
            if (pario_failed(&st))
                return st;
        }
    } else if (IS("rows") && !arg) {
        d->kind = PARIO_DIST_ROWS;
    } else if (IS("cols") && !arg) {
        d->kind = PARIO_DIST_COLS;
    } else if (IS("rows-cyclic")) {
        d->kind = PARIO_DIST_ROWS_CYCLIC;
        if (arg) {
            pario_status st = parse_k(text, arg, &d->k);
            if (pario_failed(&st))
                return st;
        }
    } else if (IS("tiles")) {
        d->kind = PARIO_DIST_TILES;
        if (arg) {
            uint64_t p, q;
            const char *x;
            if (!parse_pos(arg, 'x', INT_MAX, &p, &x) || !parse_pos(x + 1, '\0', INT_MAX, &q, NULL))
                return pario_error(PARIO_ERR_USAGE, "distribution '%s': expected tiles:PxQ with positive P and Q", text);
            d->grid[0] = (int)p;
            d->grid[1] = (int)q;
        }
    } else {
        return pario_error(PARIO_ERR_USAGE,
                           "unknown distribution '%s' (expected block, cyclic, cyclic:K, rows, cols, "
                           "rows-cyclic:K, tiles or tiles:PxQ)", text);
    }
#undef IS
    return pario_ok();
}

void pario_dist_format(const pario_dist *d, char *buf, size_t len)
{
    switch (d->kind) {
    case PARIO_DIST_BLOCK: snprintf(buf, len, "block"); break;
    case PARIO_DIST_CYCLIC:
        if (d->k == 1)
            snprintf(buf, len, "cyclic");
        else
            snprintf(buf, len, "cyclic:%llu", (unsigned long long)d->k);
        break;
    case PARIO_DIST_ROWS: snprintf(buf, len, "rows"); break;
    case PARIO_DIST_COLS: snprintf(buf, len, "cols"); break;
    case PARIO_DIST_ROWS_CYCLIC: snprintf(buf, len, "rows-cyclic:%llu", (unsigned long long)d->k); break;
    case PARIO_DIST_TILES:
        if (d->grid[0])
            snprintf(buf, len, "tiles:%dx%d", d->grid[0], d->grid[1]);
        else
            snprintf(buf, len, "tiles");
        break;
    }
}

void pario_split(uint64_t n, int p, int r, uint64_t *start, uint64_t *len)
{
    uint64_t base = n / (uint64_t)p, rem = n % (uint64_t)p, ur = (uint64_t)r;
    *start = ur * base + (ur < rem ? ur : rem);
    *len = base + (ur < rem ? 1 : 0);
}

/* ---- the one model of a distribution (see pario/view.h) ---- */

/* Items of part p when n items are dealt in blocks of k over `parts` parts. */
static uint64_t cyclic_count(uint64_t n, uint64_t k, int parts, int p)
{
    uint64_t nb = n / k, tail = n % k, up = (uint64_t)parts, q = (uint64_t)p;
    uint64_t c = (nb / up + (q < nb % up ? 1 : 0)) * k;
    if (tail && nb % up == q)
        c += tail;
    return c;
}

static int axis_is_cyclic(const pario_axis *a)
{
    return a->k != 0 && a->parts > 1;
}

/* Part p of an axis: its first item, the length of its runs, their stride (0: one
 * run) and its number of items. */
static void axis_part(const pario_axis *a, int p, uint64_t *first, uint64_t *run, uint64_t *stride,
                      uint64_t *count)
{
    if (!axis_is_cyclic(a)) {
        pario_split(a->n, a->parts, p, first, count);
        *run = *count;
        *stride = 0;
        return;
    }
    *first = (uint64_t)p * a->k;
    *run = a->k;
    *stride = (uint64_t)a->parts * a->k;
    *count = cyclic_count(a->n, a->k, a->parts, p);
}

/* The part that holds item i of an axis; *end = the end of i's run in that part. */
static int axis_owner(const pario_axis *a, uint64_t i, uint64_t *end)
{
    if (axis_is_cyclic(a)) {
        uint64_t b = i / a->k;
        *end = (b + 1) * a->k < a->n ? (b + 1) * a->k : a->n;
        return (int)(b % (uint64_t)a->parts);
    }
    uint64_t up = (uint64_t)a->parts, base = a->n / up, rem = a->n % up, big = rem * (base + 1);
    uint64_t q = i < big ? i / (base + 1) : rem + (i - big) / (base ? base : 1);
    uint64_t s, len;
    pario_split(a->n, a->parts, (int)q, &s, &len);
    *end = s + len;
    return (int)q;
}

pario_status pario_layout_make(const pario_dist *d, const pario_dataset *ds, int nranks, pario_layout *L)
{
    char dname[64];
    pario_dist_format(d, dname, sizeof dname);
    if (pario_dist_is_2d(d) && ds->ndims != 2) {
        char label[2048];
        return pario_error(PARIO_ERR_USAGE, "distribution '%s' needs a 2-D dataset, but %s is 1-D (shape [%llu])",
                           dname, pario_dataset_label(ds, label, sizeof label), (unsigned long long)ds->shape[0]);
    }
    const uint64_t rows = ds->shape[0], cols = ds->ndims == 2 ? ds->shape[1] : 1;
    int gp = nranks, gq = 1;
    uint64_t k = 0;
    memset(L, 0, sizeof *L);
    L->ndims = 2;
    switch (d->kind) {
    case PARIO_DIST_BLOCK: L->ndims = 1; break;
    case PARIO_DIST_CYCLIC: L->ndims = 1; k = d->k; break;
    case PARIO_DIST_ROWS: break;
    case PARIO_DIST_ROWS_CYCLIC: k = d->k; break;
    case PARIO_DIST_COLS: gp = 1; gq = nranks; break;
    case PARIO_DIST_TILES:
        if (d->grid[0]) {
            gp = d->grid[0];
            gq = d->grid[1];
            if ((long long)gp * gq != nranks)
                return pario_error(PARIO_ERR_USAGE, "distribution '%s' needs %lld rank%s, but there %s %d", dname,
                                   (long long)gp * gq, (long long)gp * gq == 1 ? "" : "s", nranks == 1 ? "is" : "are",
                                   nranks);
        } else if (cols > INT_MAX) {
            /* rows wider than an MPI int cannot be split (a subarray of one
             * row): the grid keeps them whole, P x 1, at any rank count (2 x 2
             * was refused at 4 ranks where 3 x 1 worked at 3) */
            gp = nranks;
            gq = 1;
        } else {
            int dims[2] = { 0, 0 };
            MPI_Dims_create(nranks, 2, dims);
            gp = dims[0];
            gq = dims[1];
        }
        break;
    }
    /* blocks of k items or more on an axis of n: the first block holds them all,
     * which blocks of n do too; so a k no MPI int holds works on data that fits */
    const uint64_t n0 = L->ndims == 1 ? ds->nelems : rows;
    if (k > n0)
        k = n0 ? n0 : 1;
    L->axis[0] = (pario_axis){ n0, gp, k };
    L->axis[1] = (pario_axis){ L->ndims == 1 ? 1 : cols, gq, 0 };
    /* The filetypes take MPI ints: one period of a cyclic axis (a darray), the
     * columns of a row (a subarray of one row). A rank whose part is one run
     * needs neither (view.c): no rank has two blocks of a cyclic axis when
     * there are no more blocks than parts (k of 2^64 - 1 on 2^31 elements was
     * refused at any rank count, 1 included), nor two rows of a band of
     * columns when no band has two rows. */
    const int periods = k && (n0 + k - 1) / k > (uint64_t)gp;
    if (periods && L->ndims == 2 && cols > INT_MAX)
        return pario_error(PARIO_ERR_USAGE, "distribution '%s': %llu columns do not fit an MPI int", dname,
                           (unsigned long long)cols);
    if (periods && k > (uint64_t)INT_MAX / (uint64_t)gp)
        return pario_error(PARIO_ERR_USAGE, "distribution '%s': %d ranks x blocks of %llu %s do not fit an MPI int",
                           dname, nranks, (unsigned long long)k, L->ndims == 2 ? "rows" : "elements");
    if (gq > 1 && cols > INT_MAX && rows > (uint64_t)gp)
        return pario_error(PARIO_ERR_USAGE, "distribution '%s': %llu columns do not fit an MPI int", dname,
                           (unsigned long long)cols);
    return pario_ok();
}

void pario_layout_runs(const pario_layout *L, int rank, pario_runs *p)
{
    const uint64_t C = L->axis[1].n;
    uint64_t rrun, rstride, rcount, crun, cstride, ccount;
    axis_part(&L->axis[0], rank / L->axis[1].parts, &p->first[0], &rrun, &rstride, &rcount);
    axis_part(&L->axis[1], rank % L->axis[1].parts, &p->first[1], &crun, &cstride, &ccount);
    p->shape[0] = rcount;
    p->shape[1] = ccount;
    p->count = rcount * ccount;
    if (ccount == C) { /* whole rows: the row axis's runs, C elements per row */
        p->base = p->first[0] * C;
        p->run = rrun * C;
        p->stride = rstride * C;
    } else {           /* a band of columns of a band of rows (columns are only blocked) */
        p->base = p->first[0] * C + p->first[1];
        p->run = ccount;
        p->stride = C;
    }
    if (p->run == 0)
        p->run = 1;
}

uint64_t pario_runs_before(const pario_runs *p, uint64_t g)
{
    if (g <= p->base || p->count == 0)
        return 0;
    uint64_t t = g - p->base, c;
    if (p->stride == 0)
        c = t;
    else
        c = (t / p->stride) * p->run + (t % p->stride < p->run ? t % p->stride : p->run);
    return c < p->count ? c : p->count;
}

/* A strided gather of n elements, `stride` elements apart: the inner loop of
 * element-wise views (cyclic at k = 1), with fixed-size copies the compiler turns
 * into plain loads and stores. */
static void gather_strided(char *dst, const char *src, uint64_t n, uint64_t stride, size_t es)
{
    const size_t step = (size_t)stride * es;
    switch (es) {
    case 8:
        for (uint64_t j = 0; j < n; j++)
            memcpy(dst + j * 8, src + j * step, 8);
        return;
    case 4:
        for (uint64_t j = 0; j < n; j++)
            memcpy(dst + j * 4, src + j * step, 4);
        return;
    case 2:
        for (uint64_t j = 0; j < n; j++)
            memcpy(dst + j * 2, src + j * step, 2);
        return;
    case 1:
        for (uint64_t j = 0; j < n; j++)
            dst[j] = src[j * step];
        return;
    default:
        for (uint64_t j = 0; j < n; j++)
            memcpy(dst + j * es, src + j * step, es);
    }
}

/* The part's runs (base, run, stride) say where each element is: no owner lookup
 * per element, one memcpy per run, a strided loop for runs of one. */
uint64_t pario_runs_gather(const pario_runs *p, uint64_t g0, uint64_t g1, const void *from, void *to, size_t es)
{
    const char *src = from;
    char *dst = to;
    const uint64_t l0 = pario_runs_before(p, g0), l1 = pario_runs_before(p, g1);
    if (l1 <= l0)
        return 0;
    const uint64_t n = l1 - l0;
    if (p->stride == 0) {
        memcpy(dst, src + (p->base + l0 - g0) * es, n * es);
    } else if (p->run == 1) {
        gather_strided(dst, src + (p->base + l0 * p->stride - g0) * es, n, p->stride, es);
    } else {
        uint64_t t = l0 / p->run, o = l0 % p->run;
        for (uint64_t i = l0; i < l1; t++, o = 0) {
            uint64_t g = p->base + t * p->stride + o, len = p->run - o < l1 - i ? p->run - o : l1 - i;
            memcpy(dst, src + (g - g0) * es, len * es);
            dst += len * es;
            i += len;
        }
    }
    return n;
}

int pario_layout_owner(const pario_layout *L, uint64_t g, uint64_t *end)
{
    const uint64_t C = L->axis[1].n ? L->axis[1].n : 1;
    uint64_t rend, cend;
    if (L->axis[1].parts == 1) { /* whole rows (and flat distributions): the row axis alone */
        int pr = axis_owner(&L->axis[0], C == 1 ? g : g / C, &rend);
        *end = rend * C;
        return pr;
    }
    const uint64_t i = g / C, j = g % C;
    int pr = axis_owner(&L->axis[0], i, &rend), pc = axis_owner(&L->axis[1], j, &cend);
    *end = i * C + cend;
    return pr * L->axis[1].parts + pc;
}

/* 1 when every part of axis a starts on a multiple of t and, when it has
 * several runs, its runs are whole multiples of t long and apart. A part's end
 * need not be looked at: a run cut inside a tile (not by the axis's end) leaves
 * the tile's rest to a part that starts there, off a boundary. */
static int axis_aligned(const pario_axis *a, uint64_t t)
{
    for (int i = 0; i < a->parts; i++) {
        uint64_t first, run, stride, count;
        axis_part(a, i, &first, &run, &stride, &count);
        int one = stride == 0 || count <= run;
        if (count && (first % t || (!one && (run % t || stride % t))))
            return 0;
    }
    return 1;
}

int pario_layout_whole_tiles(const pario_layout *L, uint64_t trows, uint64_t tcols)
{
    if (!trows || !tcols)
        return 0;
    if (L->axis[0].n == 0 || L->axis[1].n == 0)
        return 1;   /* no tile */
    return axis_aligned(&L->axis[0], trows) && axis_aligned(&L->axis[1], tcols);
}

uint64_t pario_layout_piece(const pario_layout *L)
{
    /* from every rank's part, so that every rank gets the same answer */
    uint64_t piece = UINT64_MAX;
    int P = L->axis[0].parts * L->axis[1].parts;
    for (int r = 0; r < P; r++) {
        pario_runs p;
        pario_layout_runs(L, r, &p);
        if (p.stride && p.count > p.run && p.run < piece)
            piece = p.run;
    }
    return piece;
}
