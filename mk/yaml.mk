# yaml: the shared YAML front end of descriptors and job files (lib/yaml_load.c),
# and the corpus test that keeps the C loaders and schemas/ in agreement.
lib_libpario_la_SOURCES += lib/yaml_load.c lib/yaml_load.h

check_PROGRAMS += tests/corpus/yamlcheck
# its own copy of yaml_load.c: the resolver is private to the library
tests_corpus_yamlcheck_SOURCES = tests/corpus/yamlcheck.c lib/yaml_load.c
tests_corpus_yamlcheck_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/lib
tests_corpus_yamlcheck_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS)
tests_corpus_yamlcheck_LDADD = lib/libpario.la $(YAML_LIBS) -lm

YAML_TESTS = tests/mpi/schema_corpus.sh
TESTS += $(YAML_TESTS)
EXTRA_DIST += $(YAML_TESTS) tests/corpus tests/mpi/schema_check.py
