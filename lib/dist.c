#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pario/view.h"

static int parse_k(const char *s, uint64_t *k)
{
    char *end;
    errno = 0;
    if (!*s || *s == '-')
        return 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno || v == 0)
        return 0;
    *k = v;
    return 1;
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
            int p, q, used = 0;
            if (sscanf(arg, "%dx%d%n", &p, &q, &used) != 2 || arg[used] || p < 1 || q < 1)
                return pario_error(PARIO_ERR_USAGE, "distribution '%s': expected tiles:PxQ with positive P and Q", text);
            d->grid[0] = p;
            d->grid[1] = q;
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
