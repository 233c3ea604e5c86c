/* libFuzzer: values, ranges and value lists (pario_count_query_set and _resolve for
 * every dtype: --value V, --range LO:HI, --values V1,V2,...) and operation lists
 * (pario_reduce_parse_ops: "sum,hist,count=5,range=1:7"). The first byte picks
 * what is parsed, the rest is the text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pario/count.h"
#include "pario/reduce.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 8192)
        return 0;
    char *text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    int what = data[0] % 4;
    if (what < 3) {
        static pario_count_query q;
        static const pario_count_mode modes[] = { PARIO_COUNT_VALUE, PARIO_COUNT_RANGE, PARIO_COUNT_VALUES };
        memset(&q, 0, sizeof q);
        pario_status st = pario_count_query_set(&q, modes[what], text);
        if (!pario_failed(&st)) {
            if (q.n < 1 || q.n > PARIO_COUNT_MAX_VALUES)
                abort();
            for (int t = 0; t < PARIO_DTYPE_COUNT; t++) {
                pario_count_query r = q;
                pario_count_query_resolve(&r, (pario_dtype)t);
            }
        }
    } else {
        static pario_reduce_spec s;
        pario_reduce_spec_init(&s);
        pario_reduce_parse_ops(&s, text);
    }
    free(text);
    return 0;
}
