# train: data-parallel SGD with an exact allreduce (pario-train), the ring
# allreduce lesson and their tests (included from Makefile.am)
pkginclude_HEADERS += include/pario/train.h include/pario/train_plot.h
lib_libkernels_la_SOURCES += lib/kernels/train.c lib/kernels/train_sum.c lib/kernels/perm.c lib/kernels/labels.c lib/kernels/clones.h lib/kernels/xmath.h
lib_libpario_la_SOURCES += lib/train.c lib/train_model.h lib/train_perm.c lib/allreduce.c lib/train_log.c lib/train_log.h lib/train_internal.h lib/train_predict.c lib/train_map.c lib/train_node.c lib/train_balance.c lib/train_svg.c lib/loghist.c lib/loghist.h lib/h5table.c lib/h5table.h

bin_PROGRAMS += tools/pario-train
tools_pario_train_SOURCES = tools/pario-train.c
tools_pario_train_LDADD = $(TOOL_LDADD)

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_train
TESTS += tests/unit/test_train
tests_unit_test_train_SOURCES = tests/unit/test_train.c tests/unit/check_run.h lib/kernels/train.c lib/kernels/train_sum.c lib/kernels/perm.c lib/kernels/labels.c lib/train_balance.c lib/loghist.c
tests_unit_test_train_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/lib
tests_unit_test_train_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_train_LDADD = lib/libpario.la $(CHECK_LIBS) -lm
endif

TRAIN_TESTS = tests/mpi/train.sh tests/mpi/train_digits.sh
TESTS += $(TRAIN_TESTS)
EXTRA_DIST += $(TRAIN_TESTS) tests/mpi/train_ref.py

# The ring allreduce lesson (examples/ring_allreduce.c): built like the others,
# installed as source with the lessons' Makefile (examples/Makefile.lessons).
noinst_PROGRAMS += examples/ring_allreduce
examples_ring_allreduce_SOURCES = examples/ring_allreduce.c
dist_example_DATA += examples/ring_allreduce.c
TESTS += tests/examples/ring_allreduce.sh
EXTRA_DIST += tests/examples/ring_allreduce.sh
