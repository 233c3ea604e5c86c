# distmodel: the one model of a distribution, and memory flat in the number of ranks
lib_libpario_la_SOURCES += lib/io_read_exchange.h
DISTMODEL_TESTS = tests/mpi/memflat.sh
TESTS += $(DISTMODEL_TESTS)
EXTRA_DIST += $(DISTMODEL_TESTS) bench/memory.sh
