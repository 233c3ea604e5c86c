/* The .npy source: versions 1.0, 2.0 and 3.0. The header is a Python dict literal
 * {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), } parsed strictly. */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "source.h"

#define NPY_ERR(ds, ...) pario_error(PARIO_ERR_RUNTIME, __VA_ARGS__)

struct cur {
    const char *p, *end;
};

static void skip_ws(struct cur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static int eat(struct cur *c, char ch)
{
    skip_ws(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return 1;
    }
    return 0;
}

/* A quoted string ('..' or "..", no escapes: numpy never writes them in these fields;
 * no control character: a NUL would cut '<f8\0junk' to '<f8' here, where
 * Python's literal_eval refuses the header). */
static int str(struct cur *c, char *out, size_t len)
{
    skip_ws(c);
    if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
        return 0;
    char q = *c->p++;
    size_t n = 0;
    while (c->p < c->end && *c->p != q) {
        if (*c->p == '\\' || (unsigned char)*c->p < 0x20 || *c->p == 0x7f || n + 1 >= len)
            return 0;
        out[n++] = *c->p++;
    }
    if (c->p >= c->end)
        return 0;
    c->p++;
    out[n] = 0;
    return 1;
}

static int word(struct cur *c, const char *w)
{
    skip_ws(c);
    size_t n = strlen(w);
    if ((size_t)(c->end - c->p) >= n && memcmp(c->p, w, n) == 0) {
        c->p += n;
        return 1;
    }
    return 0;
}

/* (), (N,), (N, M), ... up to 8 dims; returns the count or -1. */
static int tuple(struct cur *c, uint64_t dims[8])
{
    if (!eat(c, '('))
        return -1;
    int n = 0;
    for (;;) {
        if (eat(c, ')'))
            return n;
        skip_ws(c);
        if (c->p >= c->end || *c->p < '0' || *c->p > '9' || n == 8)
            return -1;
        if (c->p[0] == '0' && c->p + 1 < c->end && c->p[1] >= '0' && c->p[1] <= '9')
            return -1; /* 03: Python 3 refuses leading zeros (and 2 read it as octal) */
        uint64_t v = 0;
        while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
            if (v > (UINT64_MAX - 9) / 10)
                return -1;
            v = v * 10 + (uint64_t)(*c->p++ - '0');
        }
        if (c->p < c->end && *c->p == 'L') /* Python 2 longs */
            c->p++;
        dims[n++] = v;
        if (!eat(c, ',')) {
            if (!eat(c, ')') || n == 1) /* (5) is not a tuple */
                return -1;
            return n;
        }
    }
}

/* '<i4' -> dtype and byte order; returns 0 with why set for anything else. */
static int descr_type(const char *d, pario_dtype *t, int *big, const char **why)
{
    *why = NULL;
    char order = d[0];
    if (order != '<' && order != '>' && order != '|' && order != '=') {
        *why = "not a simple dtype";
        return 0;
    }
    char kind = d[1];
    switch (kind) {
    case 'O': *why = "object"; return 0;
    case 'U': case 'S': case 'a': *why = "string"; return 0;
    case 'c': *why = "complex"; return 0;
    case 'b': *why = "bool"; return 0;
    case 'V': *why = "void/structured"; return 0;
    case 'M': *why = "datetime"; return 0;
    case 'm': *why = "timedelta"; return 0;
    default: break;
    }
    char *end;
    long size = strtol(d + 2, &end, 10);
    if (kind == 0 || d[2] == 0 || *end || size <= 0) {
        *why = "not a simple dtype";
        return 0;
    }
    int k = -1;
    if (kind == 'i')
        k = size == 1 ? PARIO_INT8 : size == 2 ? PARIO_INT16 : size == 4 ? PARIO_INT32 : size == 8 ? PARIO_INT64 : -1;
    else if (kind == 'u')
        k = size == 1 ? PARIO_UINT8 : size == 2 ? PARIO_UINT16 : size == 4 ? PARIO_UINT32 : size == 8 ? PARIO_UINT64 : -1;
    else if (kind == 'f')
        k = size == 4 ? PARIO_FLOAT32 : size == 8 ? PARIO_FLOAT64 : -1;
    if (k < 0) {
        *why = kind == 'f' ? "float of this size" : "unknown kind";
        return 0;
    }
    if (order == '|' && size != 1) {
        *why = "no byte order for a multi-byte type";
        return 0;
    }
    *t = (pario_dtype)k;
    *big = order == '>' || (order == '=' && !pario_host_little_endian());
    return 1;
}

pario_status pario_source_npy_open(pario_dataset *ds, uint64_t file_size)
{
    const char *path = ds->path;
    FILE *f = fopen(path, "rb");
    if (!f)
        return pario_error(PARIO_ERR_RUNTIME, "%s: %s", path, strerror(errno));
    unsigned char pre[12];
    size_t got = fread(pre, 1, sizeof pre, f);
    pario_status st = pario_ok();
    char *hdr = NULL;
    uint64_t hlen = 0, start = 0;
    int major = got >= 8 ? pre[6] : 0;
    if (got < 6 || memcmp(pre, "\x93NUMPY", 6) != 0) {
        st = pario_error(PARIO_ERR_RUNTIME, "%s: not a .npy file (no \\x93NUMPY signature)", path);
    } else if (got < 10 || (major >= 2 && got < 12)) {
        st = pario_error(PARIO_ERR_RUNTIME, "%s: truncated .npy header", path);
    } else if (major < 1 || major > 3 || pre[7] != 0) {
        st = pario_error(PARIO_ERR_RUNTIME, "%s: .npy version %d.%d is not one of 1.0, 2.0, 3.0", path, pre[6], pre[7]);
    } else {
        hlen = major == 1 ? (uint64_t)pre[8] | (uint64_t)pre[9] << 8
                          : (uint64_t)pre[8] | (uint64_t)pre[9] << 8 | (uint64_t)pre[10] << 16 | (uint64_t)pre[11] << 24;
        start = major == 1 ? 10 : 12;
        if (hlen > (1u << 20) || start + hlen > file_size)
            st = pario_error(PARIO_ERR_RUNTIME, "%s: truncated .npy header (%llu header bytes, file has %llu)", path,
                             (unsigned long long)hlen, (unsigned long long)file_size);
        else if (!(hdr = malloc(hlen + 1)))
            st = pario_error(PARIO_ERR_RUNTIME, "%s: out of memory", path);
        else if (fseek(f, (long)start, SEEK_SET) != 0 || fread(hdr, 1, hlen, f) != hlen)
            st = pario_error(PARIO_ERR_RUNTIME, "%s: truncated .npy header", path);
    }
    fclose(f);
    if (pario_failed(&st)) {
        free(hdr);
        return st;
    }
    hdr[hlen] = 0;
    struct cur c = { hdr, hdr + hlen };
    char key[64], descr[256];
    uint64_t dims[8];
    int nd = -1, fortran = -1, have_descr = 0;
    const char *bad = NULL;
    if (!eat(&c, '{'))
        bad = "expected a dict";
    while (!bad && !eat(&c, '}')) {
        if (!str(&c, key, sizeof key) || !eat(&c, ':')) {
            bad = "expected 'key': value";
            break;
        }
        if (strcmp(key, "descr") == 0 && !have_descr) {
            skip_ws(&c);
            if (c.p < c.end && *c.p == '[') {
                free(hdr);
                return pario_error(PARIO_ERR_RUNTIME, "%s: structured dtype (a list of fields) is not supported "
                                   "(pario reads one numeric type: %s)", path, pario_dtype_names());
            }
            if (!str(&c, descr, sizeof descr))
                bad = "descr: expected a dtype string";
            have_descr = 1;
        } else if (strcmp(key, "fortran_order") == 0 && fortran < 0) {
            fortran = word(&c, "True") ? 1 : word(&c, "False") ? 0 : -1;
            if (fortran < 0)
                bad = "fortran_order: expected True or False";
        } else if (strcmp(key, "shape") == 0 && nd < 0) {
            nd = tuple(&c, dims);
            if (nd < 0)
                bad = "shape: expected a tuple of non-negative integers";
        } else {
            bad = "unknown or repeated key (expected descr, fortran_order, shape)";
        }
        if (!bad && !eat(&c, ',')) {
            if (!eat(&c, '}'))
                bad = "expected ',' or '}'";
            break;
        }
    }
    /* after the dict: only the padding numpy writes (spaces, a final newline) */
    skip_ws(&c);
    if (!bad && c.p < c.end)
        bad = *c.p ? "text after the dict" : "a NUL byte after the dict";
    free(hdr);
    if (!bad && (!have_descr || fortran < 0 || nd < 0))
        bad = "missing descr, fortran_order or shape";
    if (bad)
        return pario_error(PARIO_ERR_RUNTIME, "%s: bad .npy header: %s", path, bad);
    const char *why;
    int big;
    if (!descr_type(descr, &ds->dtype, &big, &why))
        return pario_error(PARIO_ERR_RUNTIME, "%s: .npy dtype '%s' (%s) is not supported (pario reads %s)", path,
                           descr, why, pario_dtype_names());
    ds->big_endian = big;
    if (nd > 2)
        return pario_error(PARIO_ERR_RUNTIME, "%s: .npy array of %d dimensions (pario reads 1-D and 2-D)", path, nd);
    if (nd == 0) { /* a scalar: one element */
        dims[0] = 1;
        nd = 1;
    }
    if (nd == 2 && fortran) {
        /* (r, c) stored column by column is the (c, r) array in C order: read as that. */
        uint64_t t = dims[0];
        dims[0] = dims[1];
        dims[1] = t;
        ds->fortran = 1;
        snprintf(ds->note, sizeof ds->note,
                 "fortran_order: shape (%llu, %llu) stored column-major, read as its transpose (%llu, %llu) in C order",
                 (unsigned long long)dims[1], (unsigned long long)dims[0], (unsigned long long)dims[0],
                 (unsigned long long)dims[1]);
    }
    if (!pario_dataset_set_shape(ds, nd, dims))
        return pario_error(PARIO_ERR_RUNTIME, "%s: .npy shape has too many elements", path);
    ds->offset = start + hlen;
    ds->format = PARIO_SOURCE_NPY;
    return pario_dataset_check_size(ds, file_size);
}
