/* libFuzzer: the .npy header parser (pario_source_npy_open, lib/source_npy.c) on
 * arbitrary bytes, given as a file (a memfd, so no disk). A header that parses
 * must describe a dataset that fits the file exactly; an error is one line. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "../../lib/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static pario_dataset ds;
    if (fd < 0 && (fd = memfd_create("fuzz.npy", 0)) < 0)
        abort();
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    memset(&ds, 0, sizeof ds);
    snprintf(ds.path, sizeof ds.path, "/proc/self/fd/%d", fd);
    pario_status st = pario_source_npy_open(&ds, size);
    if (pario_failed(&st)) {
        if (!memchr(st.msg, '\0', sizeof st.msg) || strchr(st.msg, '\n'))
            abort(); /* one line, terminated */
        return 0;
    }
    if (size < 10 || memcmp(data, "\x93NUMPY", 6) != 0)
        abort(); /* only a real .npy header parses */
    if (ds.dtype < 0 || ds.dtype >= PARIO_DTYPE_COUNT || ds.ndims < 1 || ds.ndims > 2 || ds.format != PARIO_SOURCE_NPY)
        abort();
    if (ds.nelems != ds.shape[0] * (ds.ndims == 2 ? ds.shape[1] : 1))
        abort();
    if (ds.offset < 10 || ds.offset > size || ds.nelems * pario_dtype_size(ds.dtype) != size - ds.offset)
        abort(); /* the data fill the file after the header */
    return 0;
}
