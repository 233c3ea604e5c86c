# Tests: Check unit suites (tests/unit) and integration scripts under mpiexec (tests/mpi).
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	MPIEXEC='$(MPIEXEC)'; PYTHON3='$(PYTHON3)'; H5DUMP='$(H5DUMP)'; \
	PARIO_BIN='$(abs_top_builddir)/tools'; PARIO_SRCDIR='$(abs_top_srcdir)'; \
	PARIO_BUILDDIR='$(abs_top_builddir)'; \
	export MPIEXEC PYTHON3 H5DUMP PARIO_BIN PARIO_SRCDIR PARIO_BUILDDIR;

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_units
TESTS += tests/unit/test_units
tests_unit_test_units_SOURCES = tests/unit/main.c tests/unit/test_dataset.c tests/unit/test_gen.c \
	tests/unit/test_view.c tests/unit/test_misc.c tests/unit/suites.h
tests_unit_test_units_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(YAML_CFLAGS)
tests_unit_test_units_LDADD = lib/libpario.la $(CHECK_LIBS) $(YAML_LIBS) -lm
endif

MPI_TESTS = \
	tests/mpi/gen_count.sh \
	tests/mpi/errors.sh \
	tests/mpi/cli.sh \
	tests/mpi/schema.sh \
	tests/mpi/large.sh
TESTS += $(MPI_TESTS)
EXTRA_DIST += $(MPI_TESTS) tests/mpi/lib.sh tests/mpi/reference.py tests/mpi/deferred.py
