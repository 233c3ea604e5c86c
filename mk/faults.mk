# faults: fault injection (PARIO_FAULT), one-rank failures, full disks (included from Makefile.am)
lib_libpario_la_SOURCES += lib/fault.c lib/fault.h lib/h5err.c lib/h5err.h

FAULT_TESTS = tests/mpi/faults.sh tests/mpi/fail_fast.sh tests/mpi/fulldisk.sh tests/mpi/pi_lock.sh
TESTS += $(FAULT_TESTS)
EXTRA_DIST += $(FAULT_TESTS)

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_faults
TESTS += tests/unit/test_faults
tests_unit_test_faults_SOURCES = tests/unit/test_faults.c tests/unit/check_run.h lib/io_map.c lib/stamp.c lib/fault.c
tests_unit_test_faults_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) -I$(srcdir)/lib
tests_unit_test_faults_LDADD = lib/libpario.la $(CHECK_LIBS) -lm
endif
