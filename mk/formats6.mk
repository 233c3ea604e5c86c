# formats6: pario-scatter parts as .npy or HDF5 (--part-format), gathered back by
# pario-gather (included from Makefile.am)
lib_libpario_la_SOURCES += lib/parts_format.c lib/parts_internal.h

FORMATS6_TESTS = tests/mpi/parts_formats.sh tests/mpi/h5_open_once.sh
TESTS += $(FORMATS6_TESTS)
EXTRA_DIST += $(FORMATS6_TESTS) tests/mpi/parts_formats.py
