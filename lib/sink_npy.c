/* The .npy sink: numpy's own header (version 1.0, the dict padded with spaces to a
 * multiple of 64 bytes and ended by '\n'), then the data in C order. */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "sink.h"
#include "fault.h"

static const char *descr(const pario_dataset *ds)
{
    static const char *const kind[] = { "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f4", "f8" };
    return kind[ds->dtype];
}

size_t pario_sink_npy_header(const pario_dataset *ds, char *buf, size_t len)
{
    char dict[256], shape[64];
    if (ds->ndims == 2)
        snprintf(shape, sizeof shape, "(%llu, %llu)", (unsigned long long)ds->shape[0],
                 (unsigned long long)ds->shape[1]);
    else
        snprintf(shape, sizeof shape, "(%llu,)", (unsigned long long)ds->nelems);
    char order = pario_dtype_size(ds->dtype) == 1 ? '|' : ds->big_endian ? '>' : '<';
    int n = snprintf(dict, sizeof dict, "{'descr': '%c%s', 'fortran_order': False, 'shape': %s, }", order, descr(ds),
                     shape);
    size_t total = (10 + (size_t)n + 1 + 63) / 64 * 64; /* magic, version, length, dict, '\n' */
    if (n < 0 || total > len || total - 10 > 65535)
        return 0;
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (char)((total - 10) & 0xff);
    buf[9] = (char)((total - 10) >> 8);
    memcpy(buf + 10, dict, (size_t)n);
    memset(buf + 10 + n, ' ', total - 10 - (size_t)n - 1);
    buf[total - 1] = '\n';
    return total;
}

pario_status pario_sink_npy_create(const pario_dataset *ds, const char *tmp)
{
    char hdr[512];
    size_t n = pario_sink_npy_header(ds, hdr, sizeof hdr);
    if (n != ds->offset)
        return pario_error(PARIO_ERR_RUNTIME, "%s: internal error: .npy header of %zu bytes, %llu planned", ds->path, n,
                           (unsigned long long)ds->offset);
    FILE *f = pario_fault_create(tmp, "wb");
    if (!f)
        return pario_sys_error(errno, "cannot create", ds->path);
    int ok = fwrite(hdr, 1, n, f) == n, e = errno;
    if (fclose(f) != 0 && ok)
        ok = 0, e = errno;
    if (!ok) {
        remove(tmp);
        return pario_sys_error(e, "cannot write the header", ds->path);
    }
    return pario_ok();
}
