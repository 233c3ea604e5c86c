# formats: datasets from .npy files and contiguous HDF5 datasets, recognised by their
# magic bytes, behind one source interface (included from Makefile.am)
lib_libpario_la_SOURCES += lib/source.c lib/source.h lib/source_npy.c lib/source_h5.c

FORMATS_TESTS = tests/mpi/formats.sh
TESTS += $(FORMATS_TESTS)
EXTRA_DIST += $(FORMATS_TESTS) tests/mpi/formats_ref.py
