/* libFuzzer: distributions (pario_dist_parse: "block", "cyclic:K", "tiles:PxQ",
 * "rows-cyclic:K"). What parses must format back to text that parses the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pario/view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256)
        return 0;
    char text[257], again[128];
    memcpy(text, data, size);
    text[size] = '\0';
    pario_dist d, e;
    pario_status st = pario_dist_parse(text, &d);
    if (pario_failed(&st))
        return 0;
    pario_dist_format(&d, again, sizeof again);
    st = pario_dist_parse(again, &e);
    if (pario_failed(&st) || d.kind != e.kind || d.k != e.k || d.grid[0] != e.grid[0] || d.grid[1] != e.grid[1])
        abort();
    return 0;
}
