/* Outputs: which format an output argument names ("x.npy", "file.h5:/group/dset",
 * anything else raw), from its name since the file does not exist yet. */
#include "config.h"
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "sink.h"
#include "source.h"

static int ends_with(const char *s, size_t n, const char *ext)
{
    size_t e = strlen(ext);
    return n >= e && strncasecmp(s + n - e, ext, e) == 0;
}

static int h5_name(const char *s, size_t n)
{
    return ends_with(s, n, ".h5") || ends_with(s, n, ".hdf5") || ends_with(s, n, ".he5") || ends_with(s, n, ".hdf");
}

/* FILE (arg's first n bytes) named like HDF5 or an existing HDF5 file */
static int h5_prefix(const char *arg, size_t n, char *file, size_t flen)
{
    if (n == 0 || n >= flen)
        return 0;
    memcpy(file, arg, n);
    file[n] = 0;
    struct stat sb;
    return h5_name(arg, n) ||
           (stat(file, &sb) == 0 && S_ISREG(sb.st_mode) && pario_source_sniff(file) == PARIO_SOURCE_HDF5);
}

int pario_output_split(const char *arg, char *file, size_t flen, char *dset, size_t dlen)
{
    if (dlen)
        dset[0] = 0;
    /* FILE:/PATH where FILE is named like HDF5 or is an existing HDF5 file; else
     * the first FILE:x or FILE: of that kind (a relative or missing dataset
     * path): HDF5 too, for the path check to refuse (it wrote a raw file
     * named "FILE.h5:x") */
    const char *relative = NULL;
    for (const char *c = strchr(arg, ':'); c; c = strchr(c + 1, ':')) {
        size_t n = (size_t)(c - arg);
        if (!h5_prefix(arg, n, file, flen))
            continue;
        if (c[1] != '/') {
            if (!relative)
                relative = c;
            continue;
        }
        snprintf(dset, dlen, "%s", c + 1);
        /* an existing file reached through a symbolic link gets the dataset
         * where the link leads: the copy is renamed over the target, not over
         * the link (which became a copy holding the new dataset, while the
         * file it led to never got it) */
        char real[PATH_MAX];
        struct stat ls, sb;
        if (lstat(file, &ls) == 0 && S_ISLNK(ls.st_mode) && stat(file, &sb) == 0 && S_ISREG(sb.st_mode) &&
            realpath(file, real) && strlen(real) < flen)
            snprintf(file, flen, "%s", real);
        return PARIO_SOURCE_HDF5;
    }
    if (relative) {
        snprintf(file, flen, "%.*s", (int)(relative - arg), arg);
        snprintf(dset, dlen, "%s", relative + 1);
        return PARIO_SOURCE_HDF5;
    }
    snprintf(file, flen, "%s", arg);
    size_t n = strlen(arg);
    if (ends_with(arg, n, ".npy"))
        return PARIO_SOURCE_NPY;
    if (h5_name(arg, n))
        return -1; /* an HDF5 file without a dataset path */
    return PARIO_SOURCE_RAW;
}

pario_status pario_dataset_set_output(pario_dataset *ds, const char *arg)
{
    char dset[sizeof ds->dataset];
    int kind = pario_output_split(arg, ds->path, sizeof ds->path, dset, sizeof dset);
    ds->desc_path[0] = 0;
    ds->note[0] = 0;
    ds->fortran = 0;   /* pario writes C order */
    ds->dataset[0] = 0;
    memset(&ds->part, 0, sizeof ds->part);
    if (pario_dtype_size(ds->dtype) == 1)
        ds->big_endian = 0; /* --byte-order does not apply: as a descriptor reads it (dataset.c) */
    if (kind < 0)
        return pario_error(PARIO_ERR_USAGE, "%s: an HDF5 output needs a dataset path: %s:/group/dset", arg, arg);
    ds->format = kind;
    if (kind == PARIO_SOURCE_RAW)
        return pario_ok();
    if (ds->offset)
        return pario_error(PARIO_ERR_USAGE, "%s: --offset applies to raw outputs only (an %s file has its own header)",
                           arg, pario_source_name(kind));
    if (kind == PARIO_SOURCE_NPY) {
        char hdr[512];
        ds->offset = pario_sink_npy_header(ds, hdr, sizeof hdr);
        return pario_ok();
    }
    /* an HDF5 path: absolute, no empty or dot components */
    const char *bad = NULL;
    if (dset[0] != '/' || strlen(dset) < 2 || dset[strlen(dset) - 1] == '/')
        bad = "expected /group/dset";
    for (const char *p = dset; !bad && *p; p++) {
        if (p[0] == '/' && p[1] == '/')
            bad = "empty group name";
        else if (p[0] == '/' && p[1] == '.' && (p[2] == '/' || p[2] == 0 || (p[2] == '.' && (p[3] == '/' || !p[3]))))
            bad = "'.' and '..' are not group names";
        else if (iscntrl((unsigned char)*p))
            bad = "control character";
    }
    if (bad)
        return pario_error(PARIO_ERR_USAGE, "%s: dataset path '%s': %s", arg, dset, bad);
    snprintf(ds->dataset, sizeof ds->dataset, "%s", dset);
    ds->offset = 0; /* known once the file is made (the writer's sink) */
    return pario_ok();
}
