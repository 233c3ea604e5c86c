# formats2: writing .npy and HDF5 outputs behind pario_writer (the sinks) and the
# tests of reading and writing the files h5py/numpy make (included from Makefile.am)
lib_libpario_la_SOURCES += lib/sink.c lib/sink.h lib/sink_npy.c lib/sink_h5.c lib/io_read_h5.c lib/io_write_h5.c

FORMATS2_TESTS = tests/mpi/formats_write.sh
TESTS += $(FORMATS2_TESTS)
EXTRA_DIST += $(FORMATS2_TESTS) tests/mpi/formats_write.py

# the .npy header parser under libFuzzer (tests/fuzz/fuzz_npy.c, seeds in corpus/npy)
FUZZ_NAMES += npy
EXTRA_DIST += tests/fuzz/fuzz_npy.c
