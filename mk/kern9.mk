# kern9: pario-train's segment kernel (lib/kernels/train.c) built again with
# other clones, and tests/unit/test_train.c's checks of its bits against a plain
# reference in the documented order run on each: the AVX2 clone with the paths
# of a CPU without AVX-512 (PARIO_NO_AVX512: 32-byte vectors; on a CPU without
# AVX2, the baseline clone), and the baseline x86-64 build alone (one row at a
# time); test_train itself runs the AVX-512 clone where it can. Included from
# Makefile.am.
if HAVE_CHECK
check_PROGRAMS += tests/unit/test_train_avx2 tests/unit/test_train_base
TESTS += tests/unit/test_train_avx2 tests/unit/test_train_base
KERN9_TRAIN_SOURCES = tests/unit/test_train.c tests/unit/check_run.h lib/kernels/train.c lib/kernels/train_sum.c lib/kernels/perm.c lib/kernels/labels.c lib/train_balance.c lib/loghist.c
KERN9_TRAIN_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) -O3 -ftree-vectorize $(VECT_CFLAGS)
tests_unit_test_train_avx2_SOURCES = $(KERN9_TRAIN_SOURCES)
tests_unit_test_train_avx2_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/lib '-DPARIO_CLONE_TARGETS="avx2","default"' -DPARIO_NO_AVX512
tests_unit_test_train_avx2_CFLAGS = $(KERN9_TRAIN_CFLAGS)
tests_unit_test_train_avx2_LDADD = lib/libpario.la $(CHECK_LIBS) -lm
tests_unit_test_train_base_SOURCES = $(KERN9_TRAIN_SOURCES)
tests_unit_test_train_base_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/lib -DPARIO_NO_CLONES
tests_unit_test_train_base_CFLAGS = $(KERN9_TRAIN_CFLAGS)
tests_unit_test_train_base_LDADD = lib/libpario.la $(CHECK_LIBS) -lm
endif
