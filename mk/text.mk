# text: pario-wc and pario-grep, lines split across ranks by where they start
# (included from Makefile.am)
pkginclude_HEADERS += include/pario/text.h include/pario/text_kernels.h include/pario/wc.h include/pario/grep.h
lib_libkernels_la_SOURCES += lib/kernels/text.c
lib_libpario_la_SOURCES += lib/text_split.c lib/text_order.c lib/text_errors.c lib/text_errors.h lib/text_names.c lib/wc.c lib/grep_pattern.c lib/grep.c

bin_PROGRAMS += tools/pario-wc tools/pario-grep
tools_pario_wc_SOURCES = tools/pario-wc.c
tools_pario_wc_LDADD = $(TOOL_LDADD)
tools_pario_grep_SOURCES = tools/pario-grep.c
tools_pario_grep_LDADD = $(TOOL_LDADD)

TEXT_TESTS = tests/mpi/text.sh
TESTS += $(TEXT_TESTS)
EXTRA_DIST += $(TEXT_TESTS) tests/mpi/text_files.py bench/text.sh

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_text
TESTS += tests/unit/test_text
tests_unit_test_text_SOURCES = tests/unit/test_text.c tests/unit/check_run.h
tests_unit_test_text_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_text_LDADD = lib/libpario.la $(CHECK_LIBS) -lm
endif
