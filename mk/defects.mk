# defects: issue 10 section 7 (header round trip, progress, JSON inf/nan, hints, bounds)
DEFECT_TESTS = tests/mpi/defects.sh
TESTS += $(DEFECT_TESTS)
EXTRA_DIST += $(DEFECT_TESTS) tests/mpi/defects_ref.py
lib_libpario_la_SOURCES += lib/decimal.c lib/decimal.h
# every range bound of defects.sh through both parsers, in one process
check_PROGRAMS += tests/mpi/range_cases
tests_mpi_range_cases_SOURCES = tests/mpi/range_cases.c
tests_mpi_range_cases_LDADD = lib/libpario.la
# pario_allreduce_u64 at several ranks against each rank's own loop
check_PROGRAMS += tests/mpi/u64_cases
tests_mpi_u64_cases_SOURCES = tests/mpi/u64_cases.c
tests_mpi_u64_cases_LDADD = lib/libpario.la
