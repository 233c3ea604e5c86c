/* libFuzzer: pario's whole-buffer inflate (pario_inflate_fast, lib/inflate.c)
 * against zlib. The first byte picks the case: even, the rest is a stream, decoded
 * to a length taken from the next two bytes (and to the length zlib gives, when
 * zlib accepts it): whatever pario's decoder accepts, zlib must accept with the
 * same bytes, and the buffer's slack is all it may write past the output; odd,
 * the rest is data that zlib deflates (level and strategy from the first byte),
 * and pario's decoder must give it back exactly. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "../../lib/inflate.h"

#define CAP (1u << 18)

static void check(const unsigned char *c, size_t clen, size_t n, unsigned char *o1, unsigned char *o2)
{
    memset(o1 + n, 0x5a, PARIO_INFLATE_SLACK + 16);
    int rc = pario_inflate_fast(c, clen, o1, n);
    for (size_t i = n + PARIO_INFLATE_SLACK; i < n + PARIO_INFLATE_SLACK + 16; i++)
        if (o1[i] != 0x5a)
            abort(); /* wrote past the slack */
    if (rc == 0) {
        uLongf got = (uLongf)n;
        unsigned char dummy;
        if (uncompress(n ? o2 : &dummy, &got, c, (uLong)clen) != Z_OK || got != n || memcmp(o1, o2, n))
            abort(); /* accepted what zlib refuses, or other bytes */
    } else if (rc != -1)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static unsigned char *o1, *o2, *c;
    if (!o1 && (!(o1 = malloc(CAP + PARIO_INFLATE_SLACK + 16)) || !(o2 = malloc(CAP)) || !(c = malloc(CAP + 1024))))
        abort();
    if (size < 1)
        return 0;
    const unsigned mode = data[0];
    data++;
    size--;
    if (!(mode & 1)) {
        if (size < 2)
            return 0;
        size_t n = (size_t)data[0] | (size_t)data[1] << 8;
        check(data + 2, size - 2, n, o1, o2);
        uLongf got = CAP;
        if (uncompress(o2, &got, data + 2, (uLong)(size - 2)) == Z_OK && got != n)
            check(data + 2, size - 2, got, o1, o2);
        return 0;
    }
    if (size > CAP / 2)
        return 0;
    const int strategies[] = { Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED };
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, (int)(mode >> 1) % 10, Z_DEFLATED, 15, 8, strategies[(mode >> 5) % 5]) != Z_OK)
        abort();
    z.next_in = (unsigned char *)(uintptr_t)data;
    z.avail_in = (uInt)size;
    z.next_out = c;
    z.avail_out = CAP + 1024;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        abort();
    size_t clen = CAP + 1024 - z.avail_out;
    deflateEnd(&z);
    if (pario_inflate_fast(c, clen, o1, size) != 0 || memcmp(o1, data, size))
        abort(); /* a zlib stream not given back */
    return 0;
}
