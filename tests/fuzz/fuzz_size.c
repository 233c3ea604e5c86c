/* libFuzzer: sizes (pario_parse_size: "4096", "1e9", "2Gi", "1.5Mi"). Plain digits
 * must give their decimal value exactly. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pario/fileutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256)
        return 0;
    char text[257];
    memcpy(text, data, size);
    text[size] = '\0';
    uint64_t v = 0;
    pario_status st = pario_parse_size(text, &v);
    int digits = size > 0 && size <= 19 && strspn(text, "0123456789") == size;
    if (digits) {
        uint64_t want = 0;
        for (size_t i = 0; i < size; i++)
            want = want * 10 + (uint64_t)(text[i] - '0');
        if (pario_failed(&st) || v != want)
            abort();
    }
    if (!pario_failed(&st) && (text[0] < '0' || text[0] > '9'))
        abort(); /* a size starts with a digit */
    return 0;
}
