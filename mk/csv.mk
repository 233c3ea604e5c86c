# csv: CSV and text columns in pario-reduce, pario-count and pario-run (records
# split across ranks by where they start, quotes found by a speculative pass and one parity exchange)
# (included from Makefile.am)
pkginclude_HEADERS += include/pario/csv.h
lib_libpario_la_SOURCES += lib/csv_parse.c lib/csv_opts.c lib/csv_quote.c lib/csv_source.c lib/csv_reduce.c \
	lib/dataset_text.c lib/csv_internal.h lib/csv_batch.h

CSV_TESTS = tests/mpi/csv.sh
TESTS += $(CSV_TESTS)
EXTRA_DIST += $(CSV_TESTS) tests/mpi/csv_ref.py bench/csv.sh sample-data/prices.csv sample-data/prices.csv.yaml
