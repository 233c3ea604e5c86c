# h5map: HDF5 chunks read from a memory map (io_read_h5_direct.c over io_map.c) (included from Makefile.am)
H5MAP_TESTS = tests/mpi/h5_map.sh
TESTS += $(H5MAP_TESTS)
EXTRA_DIST += $(H5MAP_TESTS)

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_h5map
TESTS += tests/unit/test_h5map
tests_unit_test_h5map_SOURCES = tests/unit/test_h5map.c tests/unit/check_run.h
tests_unit_test_h5map_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(HDF5_CFLAGS) -I$(srcdir)/lib
tests_unit_test_h5map_LDADD = lib/libpario.la $(CHECK_LIBS) $(HDF5_LIBS) -lm
endif
