# pool: the task pool without a manager (lib/pool.c), work as tasks over one or
# many inputs (lib/tasks.c, lib/reduce_tasks.c), --schedule, many-input pario-run,
# the PARIO_SLOW hook, their test and the pool benchmark's program
# (included from Makefile.am)
pkginclude_HEADERS += include/pario/pool.h include/pario/tasks.h
lib_libpario_la_SOURCES += lib/pool.c lib/slow.c lib/slow.h lib/tasks.c lib/tasks_internal.h lib/reduce_tasks.c \
	lib/reduce_internal.h lib/inputs.c lib/run_inputs.c

# bench/pool.sh's tiny-task and fixed-cost runs (not installed, not a test)
noinst_PROGRAMS += bench/pool_tasks
bench_pool_tasks_SOURCES = bench/pool_tasks.c
bench_pool_tasks_LDADD = lib/libpario.la

POOL_TESTS = tests/mpi/pool.sh
TESTS += $(POOL_TESTS)
EXTRA_DIST += $(POOL_TESTS) tests/mpi/pool_ref.py
