# faults: fault injection (PARIO_FAULT), one-rank failures, full disks (included from Makefile.am)
lib_libpario_la_SOURCES += lib/fault.c lib/fault.h lib/h5err.c lib/h5err.h

FAULT_TESTS = tests/mpi/faults.sh tests/mpi/fulldisk.sh tests/mpi/pi_lock.sh
TESTS += $(FAULT_TESTS)
EXTRA_DIST += $(FAULT_TESTS)
