# formats7: pario's whole-buffer inflate for HDF5's deflate chunks (lib/inflate.c,
# private lib/inflate.h; zlib stays the fallback), its differential unit test
# against zlib and its libFuzzer harness (included from Makefile.am)
lib_libpario_la_SOURCES += lib/inflate.c lib/inflate.h

check_PROGRAMS += tests/unit/test_inflate
TESTS += tests/unit/test_inflate
tests_unit_test_inflate_SOURCES = tests/unit/test_inflate.c tests/unit/check_run.h lib/inflate.c
tests_unit_test_inflate_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_inflate_LDADD = $(CHECK_LIBS) -lz -lpthread

# the decoder on arbitrary bytes and on zlib's own streams (tests/fuzz/fuzz_inflate.c,
# seeds in corpus/inflate)
FUZZ_NAMES += inflate
EXTRA_DIST += tests/fuzz/fuzz_inflate.c
