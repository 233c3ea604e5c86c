# formats6: pario-scatter parts as .npy or HDF5 (--part-format), gathered back by
# pario-gather (included from Makefile.am)
lib_libpario_la_SOURCES += lib/parts_format.c lib/parts_internal.h lib/io_read_h5_direct.c

FORMATS6_TESTS = tests/mpi/parts_formats.sh tests/mpi/h5_read.sh
TESTS += $(FORMATS6_TESTS)
EXTRA_DIST += $(FORMATS6_TESTS) tests/mpi/parts_formats.py tests/mpi/h5_read_check.py
# the direct gzip path inflates chunks with zlib (zlib1g-dev: a dependency of libhdf5-mpich-dev)
lib_libpario_la_LIBADD += -lz
