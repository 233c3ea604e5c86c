# guard: outputs never replace inputs, inputs are regular files, stale temporary
# files of killed runs are removed (included from Makefile.am)
pkginclude_HEADERS += include/pario/guard.h
lib_libpario_la_SOURCES += lib/guard.c lib/lockfile.c lib/lockfile.h

GUARD_TESTS = tests/mpi/guard.sh
TESTS += $(GUARD_TESTS)
EXTRA_DIST += $(GUARD_TESTS)
