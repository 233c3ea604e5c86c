# floats: the exact accumulator (lib/xsum.c), its unit tests, and the test that
# float results do not depend on ranks, chunks, strategies or distributions
# (included from Makefile.am)
pkginclude_HEADERS += include/pario/xsum.h
lib_libpario_la_SOURCES += lib/xsum.c lib/xsum_mpi.c lib/xsum_mpi.h

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_xsum
TESTS += tests/unit/test_xsum
tests_unit_test_xsum_SOURCES = tests/unit/test_xsum.c tests/unit/check_run.h
tests_unit_test_xsum_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_xsum_LDADD = lib/libpario.la $(CHECK_LIBS) -lm
endif

FLOATS_TESTS = tests/mpi/floats.sh
TESTS += $(FLOATS_TESTS)
EXTRA_DIST += $(FLOATS_TESTS) tests/mpi/floats_ref.py
