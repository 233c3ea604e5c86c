#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include <yaml.h>
#include "pario/dataset.h"
#include "pario/fileutil.h"
#include "yaml_load.h"
#include "pario/guard.h"
#include "source.h"

void pario_desc_default_path(const char *data_path, char *out, size_t len)
{
    snprintf(out, len, "%s.yaml", data_path);
}

int pario_dataset_set_shape(pario_dataset *ds, int ndims, const uint64_t *dims)
{
    ds->ndims = ndims;
    ds->shape[0] = dims[0];
    ds->shape[1] = ndims == 2 ? dims[1] : 1;
    if (ds->shape[1] && ds->shape[0] > UINT64_MAX / ds->shape[1])
        return 0;
    ds->nelems = ds->shape[0] * ds->shape[1];
    if (ds->nelems)
        return ds->nelems <= UINT64_MAX / 8;
    /* no element, but the other dimension is bounded too: shape [0, 2^64-1]
     * made a .npy header numpy cannot load and, in HDF5, H5S_UNLIMITED (numpy
     * needs its product of the dimensions but the zeros, times 8 bytes, under 2^63) */
    return ds->shape[0] + ds->shape[1] <= INT64_MAX / 8;
}

/* Errors: "PATH:LINE:COLUMN: FIELD: problem" (descriptor errors are runtime errors). */
#define desc_err(path, node, field, ...) pario_yaml_error(PARIO_ERR_RUNTIME, path, node, field, __VA_ARGS__)

static const char *const DIMS_MSG = "dimensions must be non-negative integers";

/* [N] or [rows, cols] of non-negative integers into dims; returns the count, or 0
 * after setting *st. */
static int parse_dims(const char *path, yaml_document_t *doc, yaml_node_t *v, const char *field,
                      uint64_t dims[2], pario_status *st)
{
    if (v->type != YAML_SEQUENCE_NODE) {
        *st = desc_err(path, v, field, "expected a list: [N] or [rows, cols]");
        return 0;
    }
    int n = (int)(v->data.sequence.items.top - v->data.sequence.items.start);
    if (n < 1 || n > 2) {
        *st = desc_err(path, v, field, "expected 1 or 2 dimensions: [N] or [rows, cols]");
        return 0;
    }
    for (int i = 0; i < n; i++) {
        yaml_node_t *d = yaml_document_get_node(doc, v->data.sequence.items.start[i]);
        if (!pario_yaml_u64(d, &dims[i])) {
            /* a YAML integer that is not negative: beyond 2^64 - 1 */
            if (pario_yaml_kind(d) == PARIO_YAML_INT && d->data.scalar.value[0] != '-')
                *st = desc_err(path, d, field, "dimension %s is too large (at most 2^64 - 1)",
                               (const char *)d->data.scalar.value);
            else
                *st = desc_err(path, d, field, "%s", DIMS_MSG);
            return 0;
        }
    }
    return n;
}

/* part: {rank: R, ranks: P, dist: D, of: [N] or [rows, cols], offset: H, run: ID};
 * offset (optional, default 0) is the whole's header size, carried by part 0 as
 * its own header; run (optional: parts of older pario have none) the scatter
 * run that wrote the part. */
static pario_status parse_part(const char *path, yaml_document_t *doc, yaml_node_t *v, pario_dataset *ds)
{
    if (v->type != YAML_MAPPING_NODE)
        return desc_err(path, v, "part", "expected a mapping {rank, ranks, dist, of}");
    int seen = 0;
    for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        yaml_node_t *x = yaml_document_get_node(doc, p->value);
        const char *key = pario_yaml_str(k);
        const char *dist = pario_yaml_str(x);
        uint64_t u;
        pario_status st;
        if (strcmp(key, "rank") == 0 && pario_yaml_u64(x, &u) && u < 1u << 30) {
            ds->part.rank = (int)u;
            seen |= 1;
        } else if (strcmp(key, "ranks") == 0 && pario_yaml_u64(x, &u) && u >= 1 && u < 1u << 30) {
            ds->part.nranks = (int)u;
            seen |= 2;
        } else if (strcmp(key, "dist") == 0 && dist && strlen(dist) < sizeof ds->part.dist) {
            strcpy(ds->part.dist, dist);
            seen |= 4;
        } else if (strcmp(key, "of") == 0) {
            int n = parse_dims(path, doc, x, "part.of", ds->part.shape, &st);
            if (!n)
                return st;
            ds->part.ndims = n;
            if (n == 1)
                ds->part.shape[1] = 1;
            seen |= 8;
        } else if (strcmp(key, "offset") == 0) {
            if (!pario_yaml_u64(x, &ds->part.offset))
                return desc_err(path, x, "part.offset", "expected a non-negative integer number of bytes");
        } else if (strcmp(key, "run") == 0) {
            if (!dist || strlen(dist) != 16 || strspn(dist, "0123456789abcdef") != 16)
                return desc_err(path, x, "part.run", "expected the scatter run's id: 16 hexadecimal digits (0-9, a-f)");
            strcpy(ds->part.run, dist);
        } else {
            return desc_err(path, k, "part", "expected rank, ranks (positive), dist (text), of, offset and run");
        }
    }
    if (seen != 15)
        return desc_err(path, v, "part", "needs all of rank, ranks, dist and of");
    if (ds->part.rank >= ds->part.nranks)
        return desc_err(path, v, "part.rank", "must be less than ranks");
    ds->part.present = 1;
    return pario_ok();
}

static pario_status parse_doc(const char *path, yaml_document_t *doc, pario_dataset *ds)
{
    yaml_node_t *root = yaml_document_get_root_node(doc);
    if (!root)
        return desc_err(path, NULL, NULL, "empty descriptor (expected a mapping with at least 'dtype')");
    if (root->type != YAML_MAPPING_NODE)
        return desc_err(path, root, NULL, "expected a mapping of fields (dtype, shape, offset, byte_order)");
    int have_dtype = 0;
    yaml_node_t *fmt_node = NULL, *dset_node = NULL, *layout_node = NULL, *text_node = NULL;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        yaml_node_t *v = yaml_document_get_node(doc, p->value);
        const char *key = pario_yaml_str(k); /* keys are text: pario_yaml_parse refuses others */
        pario_status st;
        if (strcmp(key, "dtype") == 0) {
            const char *name = pario_yaml_str(v);
            int t = name ? pario_dtype_from_name(name) : -1;
            if (t < 0 && v->type != YAML_SCALAR_NODE)
                return desc_err(path, v, "dtype", "expected a dtype name (one of: %s), not a %s", pario_dtype_names(),
                                v->type == YAML_SEQUENCE_NODE ? "list" : "mapping");
            if (t < 0 && pario_yaml_kind(v) == PARIO_YAML_NULL) /* (it said "'' is not a dtype") */
                return desc_err(path, v, "dtype", "expected a dtype name (one of: %s), not null", pario_dtype_names());
            if (t < 0)
                return desc_err(path, v, "dtype", "'%s' is not a dtype (one of: %s)",
                                (const char *)v->data.scalar.value, pario_dtype_names());
            ds->dtype = (pario_dtype)t;
            have_dtype = 1;
        } else if (strcmp(key, "shape") == 0) {
            uint64_t dims[2];
            int n = parse_dims(path, doc, v, "shape", dims, &st);
            if (!n)
                return st;
            if (!pario_dataset_set_shape(ds, n, dims))
                return desc_err(path, v, "shape", "too many elements");
        } else if (strcmp(key, "offset") == 0) {
            if (!pario_yaml_u64(v, &ds->offset))
                return desc_err(path, v, "offset", "expected a non-negative integer number of bytes");
        } else if (strcmp(key, "byte_order") == 0) {
            const char *s = pario_yaml_str(v);
            if (s && strcmp(s, "little") == 0)
                ds->big_endian = 0;
            else if (s && strcmp(s, "big") == 0)
                ds->big_endian = 1;
            else
                return desc_err(path, v, "byte_order", "expected 'little' or 'big'");
        } else if (strcmp(key, "part") == 0) {
            st = parse_part(path, doc, v, ds);
            if (pario_failed(&st))
                return st;
        } else if (strcmp(key, "format") == 0) {
            const char *f = pario_yaml_str(v);
            if (f && strcmp(f, "raw") == 0)
                ds->format = PARIO_SOURCE_RAW;
            else if (f && strcmp(f, "npy") == 0)
                ds->format = PARIO_SOURCE_NPY;
            else if (f && strcmp(f, "hdf5") == 0)
                ds->format = PARIO_SOURCE_HDF5;
            else if (f && strcmp(f, "text") == 0)
                ds->format = PARIO_SOURCE_TEXT;
            else if (f && strcmp(f, "csv") == 0)
                ds->format = PARIO_SOURCE_CSV;
            else
                return desc_err(path, v, "format", "expected raw, npy, hdf5, text or csv");
            fmt_node = v;
        } else if (strcmp(key, "dataset") == 0) {
            const char *d = pario_yaml_str(v);
            if (!d || !*d || strlen(d) >= sizeof ds->dataset)
                return desc_err(path, v, "dataset", "expected the dataset's path in the HDF5 file, e.g. /group/dset");
            snprintf(ds->dataset, sizeof ds->dataset, "%s", d);
            dset_node = v;
        } else if (strcmp(key, "description") == 0) {
            if (v->type != YAML_SCALAR_NODE)
                return desc_err(path, v, "description", "expected text");
        } else if (pario_desc_text_field(path, doc, k, v, ds, &st)) {
            if (pario_failed(&st))
                return st;
            text_node = k;
        } else {
            return desc_err(path, k, key, "unknown field (expected dtype, shape, offset, byte_order, format, "
                            "dataset, description, part; delimiter, quote, header, column, columns with "
                            "format csv or text)");
        }
        if (strcmp(key, "dtype") == 0 || strcmp(key, "shape") == 0 || strcmp(key, "offset") == 0
            || strcmp(key, "byte_order") == 0 || strcmp(key, "part") == 0)
            layout_node = k;
    }
    const int textual = ds->format == PARIO_SOURCE_TEXT || ds->format == PARIO_SOURCE_CSV;
    if (text_node && !textual)
        return desc_err(path, text_node, pario_yaml_str(text_node), "only with format csv or text");
    if (ds->format != PARIO_SOURCE_RAW) {
        if (layout_node && textual)
            return desc_err(path, layout_node, pario_yaml_str(layout_node),
                            "not with format %s: its fields are numbers in text", pario_source_name(ds->format));
        if (layout_node)
            return desc_err(path, layout_node, pario_yaml_str(layout_node),
                            "not with format %s: the file's header gives the type, shape and offset",
                            pario_source_name(ds->format));
        if (ds->format == PARIO_SOURCE_HDF5 && !dset_node)
            return desc_err(path, fmt_node, "dataset", "missing (required with format hdf5)");
        if (ds->format != PARIO_SOURCE_HDF5 && dset_node)
            return desc_err(path, dset_node, "dataset", "only with format hdf5");
        return pario_ok();
    }
    if (dset_node)
        return desc_err(path, dset_node, "dataset", "only with format hdf5");
    if (!have_dtype)
        return desc_err(path, root, "dtype", "missing (required)");
    /* byte order does not apply to 1-byte elements: 'byte_order: big' is taken and
     * means what little does, as a .npy's '|u1' and an HDF5 dataset's order do, so
     * every source of one set of bytes describes them alike (a part written as .npy
     * against its descriptor, parts against each other) */
    if (pario_dtype_size(ds->dtype) == 1)
        ds->big_endian = 0;
    return pario_ok();
}

pario_status pario_desc_parse(const char *desc_path, const char *text, size_t len, pario_dataset *ds)
{
    memset(ds, 0, sizeof *ds);
    snprintf(ds->desc_path, sizeof ds->desc_path, "%s", desc_path);
    yaml_document_t doc;
    pario_status st = pario_yaml_parse(desc_path, text, len, PARIO_ERR_RUNTIME, &doc);
    if (pario_failed(&st))
        return st;
    st = parse_doc(desc_path, &doc, ds);
    yaml_document_delete(&doc);
    return st;
}

pario_status pario_desc_load(const char *desc_path, pario_dataset *ds)
{
    char *text;
    size_t len;
    memset(ds, 0, sizeof *ds);
    snprintf(ds->desc_path, sizeof ds->desc_path, "%s", desc_path);
    pario_status st = pario_yaml_read(desc_path, "descriptor", PARIO_ERR_RUNTIME, &text, &len);
    if (pario_failed(&st))
        return st;
    st = pario_desc_parse(desc_path, text, len, ds);
    free(text);
    return st;
}

pario_status pario_dataset_check_size(pario_dataset *ds, uint64_t file_size)
{
    size_t es = pario_dtype_size(ds->dtype);
    const char *tn = pario_dtype_name(ds->dtype);
    if (file_size < ds->offset)
        return pario_error(PARIO_ERR_RUNTIME, "%s: %llu bytes is shorter than the %llu-byte header",
                           ds->path, (unsigned long long)file_size, (unsigned long long)ds->offset);
    uint64_t data = file_size - ds->offset;
    if (ds->ndims == 0) {
        if (data % es) {
            if (ds->offset)
                return pario_error(PARIO_ERR_RUNTIME,
                                   "%s: %llu bytes after the %llu-byte header is not a whole number of %zu-byte %s records",
                                   ds->path, (unsigned long long)data, (unsigned long long)ds->offset, es, tn);
            return pario_error(PARIO_ERR_RUNTIME, "%s: %llu bytes is not a whole number of %zu-byte %s records",
                               ds->path, (unsigned long long)data, es, tn);
        }
        uint64_t n = data / es;
        pario_dataset_set_shape(ds, 1, &n);
        return pario_ok();
    }
    uint64_t need = pario_dataset_bytes(ds);
    if (data != need) {
        char shape[64];
        if (ds->ndims == 2)
            snprintf(shape, sizeof shape, "[%llu, %llu]", (unsigned long long)ds->shape[0],
                     (unsigned long long)ds->shape[1]);
        else
            snprintf(shape, sizeof shape, "[%llu]", (unsigned long long)ds->shape[0]);
        return pario_error(PARIO_ERR_RUNTIME,
                           "%s: %llu bytes, but shape %s of %s%s needs %llu bytes%s", ds->path,
                           (unsigned long long)file_size, shape, tn,
                           ds->offset ? " after the header" : "",
                           (unsigned long long)(need + ds->offset),
                           data < need ? " (file too short)"
                           : ds->format == PARIO_SOURCE_NPY ? " (file longer than its header says)"
                                                            : " (file longer than its descriptor says)");
    }
    return pario_ok();
}

/* A name a CSV or text file goes by: .csv, .tsv or .txt, any case. */
static int text_name(const char *file)
{
    size_t n = strlen(file);
    return n > 4 && (strcasecmp(file + n - 4, ".csv") == 0 || strcasecmp(file + n - 4, ".tsv") == 0
                     || strcasecmp(file + n - 4, ".txt") == 0);
}

/* A name of more than max - 1 bytes, named by its first 64 (it may be 4 KB). */
static pario_status too_long(const char *what, const char *name, size_t max)
{
    return pario_error(PARIO_ERR_USAGE, "%.64s%s: %s (%zu bytes; at most %zu)", name,
                       strlen(name) > 64 ? "..." : "", what, strlen(name), max - 1);
}

/* Rank 0: the dataset the argument names, whatever its format. */
static pario_status open_serial(const char *arg, const char *desc_path, const char *dset, pario_dataset *ds,
                                uint64_t *h5_size)
{
    char file[PARIO_PATH_MAX], inner[sizeof ds->dataset];
    int split = pario_dataset_split(arg, file, sizeof file, inner, sizeof inner);
    /* names too long for their buffers, refused rather than cut (a path cut to
     * its first 4095 bytes named another, existing file, which was read) */
    size_t alen = strlen(arg), flen = strlen(file);
    if (!split && alen >= sizeof file)
        return too_long("path too long", arg, sizeof file);
    if ((split && alen - flen - 1 >= sizeof inner) || (!split && dset && strlen(dset) >= sizeof inner))
        return too_long("dataset path too long", split ? arg + flen + 1 : dset, sizeof inner);
    if (desc_path && strlen(desc_path) >= PARIO_PATH_MAX)
        return too_long("descriptor path too long", desc_path, PARIO_PATH_MAX);
    if (split && dset && *dset && strcmp(dset, inner) != 0)
        return pario_error(PARIO_ERR_USAGE, "%s: names dataset '%s' but the dataset given (--dataset, a job's input.dataset) is "
                           "'%s'", arg, inner, dset);
    if (!split && dset && *dset)
        snprintf(inner, sizeof inner, "%s", dset);
    struct stat sb;
    if (stat(file, &sb) != 0) {
        int e = errno;
        /* FILE:/PATH where FILE exists but is not HDF5: say so, as --dataset
         * does ("No such file" named the whole argument: a hostile-user pass,
         * session 22) */
        char pre[PARIO_PATH_MAX], path[sizeof ds->dataset];
        if (!split && pario_dataset_split_not_h5(arg, pre, sizeof pre, path, sizeof path))
            return pario_error(PARIO_ERR_USAGE, "%s: not an HDF5 file (no HDF5 signature): no dataset path '%s'",
                               pre, path);
        return pario_error(PARIO_ERR_RUNTIME, "%s: %s", file, strerror(e));
    }
    if (!S_ISREG(sb.st_mode))
        return pario_error(PARIO_ERR_RUNTIME, "%s: the input data is %s, not a regular file", file,
                           pario_file_kind(sb.st_mode));
    int kind = split ? PARIO_SOURCE_HDF5 : pario_source_sniff(file); /* the split read the signature */
    if (kind != PARIO_SOURCE_RAW) {
        if (desc_path && *desc_path) { /* a descriptor saying format: npy / hdf5 (and dataset:) */
            pario_status st = pario_desc_load(desc_path, ds);
            if (pario_failed(&st))
                return st;
            if (ds->format != kind)
                return pario_error(PARIO_ERR_RUNTIME, "%s: a %s file, but its descriptor %s says format %s", file,
                                   pario_source_name(kind), desc_path, pario_source_name(ds->format));
            if (!inner[0])
                snprintf(inner, sizeof inner, "%s", ds->dataset);
            else if (ds->dataset[0] && strcmp(inner, ds->dataset) != 0)
                return pario_error(PARIO_ERR_USAGE, "%s: dataset '%s' given, but its descriptor %s says '%s'", file,
                                   inner, desc_path, ds->dataset);
            memset(ds, 0, sizeof *ds);
            snprintf(ds->desc_path, sizeof ds->desc_path, "%s", desc_path);
        }
        if (kind == PARIO_SOURCE_NPY && inner[0])
            return pario_error(PARIO_ERR_USAGE, "%s: a .npy file holds one array: no dataset path '%s'", file, inner);
        snprintf(ds->path, sizeof ds->path, "%s", file);
        snprintf(ds->dataset, sizeof ds->dataset, "%s", inner);
        if (kind == PARIO_SOURCE_NPY)
            return pario_source_npy_open(ds, (uint64_t)sb.st_size);
        /* HDF5: inspected by every rank, through the one collective open of the run */
        ds->format = PARIO_SOURCE_HDF5;
        *h5_size = (uint64_t)sb.st_size;
        return pario_ok();
    }
    if (inner[0])
        return pario_error(PARIO_ERR_USAGE, "%s: not an HDF5 file (no HDF5 signature): no dataset path '%s'", file,
                           inner);
    char dp[PARIO_PATH_MAX];
    if (desc_path && *desc_path)
        snprintf(dp, sizeof dp, "%s", desc_path);
    else if (strlen(file) + sizeof ".yaml" > sizeof dp)   /* (PATH.yaml was cut to another name) */
        return too_long("path too long for a descriptor PATH.yaml beside it", file, sizeof dp - (sizeof ".yaml" - 1));
    else
        pario_desc_default_path(file, dp, sizeof dp);
    pario_status st = pario_desc_load(dp, ds);
    if (pario_failed(&st) && !(desc_path && *desc_path) && text_name(file) && access(dp, F_OK) != 0)
        /* X.csv read as raw binary data, its descriptor missing: say who reads CSV */
        return pario_error(st.code, "%s (pario-reduce, pario-count and pario-run read a CSV column with "
                           "--column, text with a descriptor saying format: text; doc/csv.md)", st.msg);
    if (pario_failed(&st))
        return st;
    if (ds->format == PARIO_SOURCE_TEXT || ds->format == PARIO_SOURCE_CSV)
        /* the column reader is not a dataset: it serves a tool's one input,
         * so among pario-run's many inputs too this is the refusal */
        return pario_error(PARIO_ERR_USAGE, "%s: descriptor %s says format %s: only pario-reduce, pario-count and "
                           "pario-run read it (a column of numbers), as their one input (not among many inputs)",
                           file, dp, pario_source_name(ds->format));
    if (ds->format != PARIO_SOURCE_RAW)
        return pario_error(PARIO_ERR_RUNTIME, "%s: descriptor %s says format %s, but the file has no %s signature",
                           file, dp, pario_source_name(ds->format), pario_source_name(ds->format));
    snprintf(ds->path, sizeof ds->path, "%s", file);
    return pario_dataset_check_size(ds, (uint64_t)sb.st_size);
}

pario_status pario_dataset_open_named(const char *data_path, const char *desc_path, const char *dset,
                                      pario_dataset *ds, MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    pario_status st = pario_ok();
    memset(ds, 0, sizeof *ds);
    uint64_t h5_size = 0;
    if (rank == 0)
        st = open_serial(data_path, desc_path, dset, ds, &h5_size);
    if (pario_agree(&st, comm))
        return st;
    MPI_Bcast(ds, (int)sizeof *ds, MPI_BYTE, 0, comm);
    MPI_Bcast(&h5_size, 1, MPI_UINT64_T, 0, comm);
    if (h5_size)
        st = pario_source_h5_open_coll(ds, h5_size, comm);
    return st;
}

pario_status pario_dataset_need_c_order(const pario_dataset *ds, const char *what)
{
    if (!ds->fortran)
        return pario_ok();
    return pario_error(PARIO_ERR_RUNTIME,
                       "%s: a Fortran-order array (numpy's %llu x %llu, stored column by column): %s; write it in "
                       "C order first (pario-convert, or numpy.ascontiguousarray)",
                       ds->path, (unsigned long long)ds->shape[1], (unsigned long long)ds->shape[0], what);
}

pario_status pario_dataset_open(const char *data_path, const char *desc_path,
                                pario_dataset *ds, MPI_Comm comm)
{
    return pario_dataset_open_named(data_path, desc_path, NULL, ds, comm);
}

int pario_desc_format(const pario_dataset *ds, char *buf, size_t len)
{
    char shape[64];
    if (ds->ndims == 2)
        snprintf(shape, sizeof shape, "[%llu, %llu]", (unsigned long long)ds->shape[0],
                 (unsigned long long)ds->shape[1]);
    else
        snprintf(shape, sizeof shape, "[%llu]", (unsigned long long)ds->shape[0]);
    int n = snprintf(buf, len, "dtype: %s\nshape: %s\noffset: %llu\nbyte_order: %s\n",
                     pario_dtype_name(ds->dtype), shape, (unsigned long long)ds->offset,
                     ds->big_endian ? "big" : "little");
    if (ds->part.present && n >= 0 && (size_t)n < len) {
        if (ds->part.ndims == 2)
            snprintf(shape, sizeof shape, "[%llu, %llu]", (unsigned long long)ds->part.shape[0],
                     (unsigned long long)ds->part.shape[1]);
        else
            snprintf(shape, sizeof shape, "[%llu]", (unsigned long long)ds->part.shape[0]);
        n += snprintf(buf + n, len - (size_t)n, "part: {rank: %d, ranks: %d, dist: \"%s\", of: %s",
                      ds->part.rank, ds->part.nranks, ds->part.dist, shape);
        if (n >= 0 && (size_t)n < len && ds->part.offset)
            n += snprintf(buf + n, len - (size_t)n, ", offset: %llu", (unsigned long long)ds->part.offset);
        if (n >= 0 && (size_t)n < len && ds->part.run[0])
            n += snprintf(buf + n, len - (size_t)n, ", run: \"%s\"", ds->part.run);
        if (n >= 0 && (size_t)n < len)
            n += snprintf(buf + n, len - (size_t)n, "}\n");
    }
    return n;
}

pario_status pario_desc_write(const pario_dataset *ds, const char *desc_path)
{
    char text[512];
    pario_desc_format(ds, text, sizeof text);
    return pario_write_file_atomic(desc_path, text, strlen(text));
}

pario_status pario_desc_write_tmp(const pario_dataset *ds, const char *desc_path)
{
    char text[512];
    pario_desc_format(ds, text, sizeof text);
    return pario_write_file_tmp(desc_path, text, strlen(text));
}

const char *pario_dataset_label(const pario_dataset *ds, char *buf, size_t len)
{
    if (ds->format == PARIO_SOURCE_HDF5 && ds->dataset[0])
        snprintf(buf, len, "%s:%s", ds->path, ds->dataset);
    else
        snprintf(buf, len, "%s", ds->path);
    return buf;
}
