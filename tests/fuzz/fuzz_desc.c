/* libFuzzer: the descriptor loader (pario_desc_parse: the whole YAML front end of
 * lib/yaml_load.c, then the descriptor's rules) on arbitrary bytes. A descriptor
 * that loads must describe a consistent dataset. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pario/dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pario_dataset ds;
    pario_status st = pario_desc_parse("fuzz.yaml", (const char *)data, size, &ds);
    if (pario_failed(&st)) {
        if (!memchr(st.msg, '\0', sizeof st.msg) || strchr(st.msg, '\n'))
            abort(); /* one line, terminated */
        return 0;
    }
    if (ds.dtype < 0 || ds.dtype >= PARIO_DTYPE_COUNT || ds.ndims < 0 || ds.ndims > 2)
        abort();
    if (ds.ndims && ds.nelems != ds.shape[0] * ds.shape[1])
        abort();
    if (ds.part.present && (ds.part.rank < 0 || ds.part.rank >= ds.part.nranks))
        abort();
    return 0;
}
