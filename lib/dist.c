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

static int parse_k(const char *s, uint64_t *k) { return parse_pos(s, '\0', UINT64_MAX, k, NULL); }

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
        if (arg && !parse_k(arg, &d->k))
            return pario_error(PARIO_ERR_USAGE, "distribution '%s': block size must be a positive integer", text);
    } else if (IS("rows") && !arg) {
        d->kind = PARIO_DIST_ROWS;
    } else if (IS("cols") && !arg) {
        d->kind = PARIO_DIST_COLS;
    } else if (IS("rows-cyclic")) {
        d->kind = PARIO_DIST_ROWS_CYCLIC;
        if (arg && !parse_k(arg, &d->k))
            return pario_error(PARIO_ERR_USAGE, "distribution '%s': block size must be a positive integer", text);
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
