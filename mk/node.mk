# node: what a node offers its ranks; oversubscribed waits and MPICH start-up (included from Makefile.am)
lib_libpario_la_SOURCES += lib/node.c lib/node.h lib/node_shm.c lib/node_shm.h

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_node
TESTS += tests/unit/test_node
tests_unit_test_node_SOURCES = tests/unit/test_node.c tests/unit/check_run.h lib/node.c
tests_unit_test_node_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) -I$(srcdir)/lib
tests_unit_test_node_LDADD = $(CHECK_LIBS)
endif
