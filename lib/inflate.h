/* Whole-buffer inflate of zlib streams whose inflated size is known (HDF5's
 * deflate filter: a chunk's stored bytes are one zlib stream that inflates to
 * exactly one chunk). Private to the library (lib/inflate.c). */
#ifndef PARIO_INFLATE_H
#define PARIO_INFLATE_H

#include <stddef.h>

/* Bytes past outlen that the decoder may scribble on (its match copies write
 * 8 or 16 bytes at a time): an output buffer must hold outlen + this. */
#define PARIO_INFLATE_SLACK 64

/* pario's decoder alone: 0 when `in` (inlen bytes) is one zlib stream (method 8,
 * no preset dictionary) that inflates to exactly outlen bytes whose adler32 is
 * the stream's trailer; -1 for anything else (unusual, truncated, corrupt, or a
 * checksum that does not match), after which out's contents are undefined. */
int pario_inflate_fast(const unsigned char *in, size_t inlen, unsigned char *out, size_t outlen);

/* The decoder the library uses: pario_inflate_fast, and zlib's uncompress when
 * it refuses the stream (so a stream zlib accepts is never refused; zlib checks
 * the adler32 too). 0 when the stream inflates to exactly outlen bytes, -1
 * otherwise. PARIO_INFLATE=zlib in the environment uses zlib alone (for
 * comparisons). out holds outlen + PARIO_INFLATE_SLACK bytes. */
int pario_inflate(const unsigned char *in, size_t inlen, unsigned char *out, size_t outlen);

/* adler32 of n bytes continuing from `adler` (1 to start), as zlib's adler32():
 * AVX2 when the CPU has it. */
unsigned long pario_adler32(unsigned long adler, const unsigned char *p, size_t n);

#endif
