# linkage: build and test rules (included from Makefile.am)
# A library other programs can link safely: libpario exports only the API its
# public headers declare, and defines no MPI function; pario-pi alone carries
# the MPI_File_sync interposer that implements its log's --sync policy.

# The reader and writer as opaque handles; the launcher check in pario_mpi_init.
lib_libpario_la_SOURCES += lib/io_handle.c lib/launcher.c lib/launcher.h

# pario-pi's log fsync policy (tools/pario-pi-sync.c); the executable exports its
# MPI_File_sync so that libhdf5's calls reach it.
tools_pario_pi_SOURCES += tools/pario-pi-sync.c
tools_pario_pi_LDFLAGS = -Wl,--export-dynamic-symbol=MPI_File_sync

# libpario exports the functions its installed headers declare, nothing else:
# the list is made from the headers themselves (through the preprocessor, so a
# declaration counts as the user's compiler sees it), and libtool turns it into
# a version script. Internal helpers (pario_prefetch_*, pario_exchange_reader_*,
# anything declared only in lib/*.h) stay local to the library.
lib/libpario.sym: $(pkginclude_HEADERS) $(top_srcdir)/mk/linkage.mk
	@$(MKDIR_P) lib
	$(AM_V_GEN)for h in $(pkginclude_HEADERS); do echo "#include \"$${h#include/}\""; done \
	  | $(CC) -E -P $(AM_CPPFLAGS) $(CPPFLAGS) $(HDF5_CFLAGS) $(YAML_CFLAGS) - \
	  | grep -oE '\<pario_[A-Za-z0-9_]+[[:space:]]*\(' | sed 's/[[:space:]]*($$//' \
	  | LC_ALL=C sort -u >$@.tmp && mv $@.tmp $@
lib_libpario_la_LDFLAGS += -export-symbols lib/libpario.sym
EXTRA_lib_libpario_la_DEPENDENCIES = lib/libpario.sym
CLEANFILES += lib/libpario.sym

AM_TESTS_ENVIRONMENT += \
	PARIO_CC='$(CC)'; PARIO_CPPFLAGS='$(HDF5_CFLAGS) $(YAML_CFLAGS)'; export PARIO_CC PARIO_CPPFLAGS;
LINKAGE_TESTS = tests/mpi/symbols.sh tests/mpi/launcher.sh tests/mpi/options.sh
TESTS += $(LINKAGE_TESTS)
EXTRA_DIST += $(LINKAGE_TESTS)

# The sanitizer run (CI runs it from scripts/setup.sh test): the library and
# tools with ASan+UBSan in build-asan/, unit, error, fault and view tests.
EXTRA_DIST += scripts/sanitize.sh scripts/sanitized-tests.sh scripts/lsan.supp
sanitize:
	cd $(abs_top_srcdir) && bash scripts/sanitize.sh
# the test list (scripts/setup.sh and scripts/sanitize.sh split it)
print-tests:
	@echo $(TESTS)
.PHONY: sanitize print-tests
