# views: scatter, gather, convert; noncontiguous MPI-IO through derived datatypes
pkginclude_HEADERS += include/pario/parts.h
lib_libpario_la_SOURCES += lib/scatter.c lib/gather.c

bin_PROGRAMS += tools/pario-scatter tools/pario-gather
tools_pario_scatter_SOURCES = tools/pario-scatter.c
tools_pario_scatter_LDADD = $(TOOL_LDADD)
tools_pario_gather_SOURCES = tools/pario-gather.c
tools_pario_gather_LDADD = $(TOOL_LDADD)

pkginclude_HEADERS += include/pario/cast.h include/pario/exchange.h include/pario/convert.h
lib_libpario_la_SOURCES += lib/cast.c lib/exchange.c lib/convert.c
bin_PROGRAMS += tools/pario-convert
tools_pario_convert_SOURCES = tools/pario-convert.c
tools_pario_convert_LDADD = $(TOOL_LDADD)

VIEW_TESTS = tests/mpi/views.sh tests/mpi/convert.sh tests/mpi/explain.sh tests/mpi/views_errors.sh
TESTS += $(VIEW_TESTS)
EXTRA_DIST += $(VIEW_TESTS) tests/mpi/views_ref.py tests/mpi/views_check.py
