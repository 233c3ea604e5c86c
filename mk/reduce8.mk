# reduce8: the reduce kernels' clones (AVX-512, AVX2, baseline) give the same
# results bit for bit, and equal one-by-one exact additions and numpy's binning,
# on data whose magnitudes change from block to block (the guessed sigmas of
# lib/kernels/reduce.c). Included from Makefile.am.
if HAVE_CHECK
check_PROGRAMS += tests/unit/test_reduce_clones
TESTS += tests/unit/test_reduce_clones tests/unit/reduce_paths.sh
EXTRA_DIST += tests/unit/reduce_paths.sh
tests_unit_test_reduce_clones_SOURCES = tests/unit/test_reduce_clones.c tests/unit/check_run.h lib/kernels/reduce.c
# lib/kernels/reduce.c built again without clones, its entry points renamed plain_*
tests_unit_test_reduce_clones_CPPFLAGS = $(AM_CPPFLAGS) -DPARIO_NO_CLONES \
	-Dpario_kernel_reduce=plain_kernel_reduce -Dpario_kernel_reduce_shifted=plain_kernel_reduce_shifted \
	-Dpario_kernel_hist=plain_kernel_hist -Dpario_kernel_hist_cached=plain_kernel_hist_cached \
	-Dpario_kernel_reduce_hist=plain_kernel_reduce_hist
tests_unit_test_reduce_clones_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) -O3 -ftree-vectorize $(VECT_CFLAGS)
tests_unit_test_reduce_clones_LDADD = lib/libpario.la $(CHECK_LIBS) -lm
endif
