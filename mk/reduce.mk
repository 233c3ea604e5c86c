# reduce: build and test rules (included from Makefile.am)
pkginclude_HEADERS += include/pario/reduce.h include/pario/reduce_kernels.h include/pario/job.h
lib_libkernels_la_SOURCES += lib/kernels/reduce.c
lib_libpario_la_SOURCES += lib/reduce_spec.c lib/reduce_ops.c lib/reduce_hist.c lib/reduce.c \
	lib/reduce_output.c lib/reduce_h5.c lib/job.c

bin_PROGRAMS += tools/pario-reduce tools/pario-run
tools_pario_reduce_SOURCES = tools/pario-reduce.c
tools_pario_reduce_LDADD = $(TOOL_LDADD)
tools_pario_run_SOURCES = tools/pario-run.c
tools_pario_run_LDADD = $(TOOL_LDADD)

REDUCE_TESTS = \
	tests/mpi/reduce_1d.sh \
	tests/mpi/reduce_2d.sh \
	tests/mpi/reduce_edges.sh \
	tests/mpi/changing_input.sh \
	tests/mpi/run_jobs.sh \
	tests/mpi/run_invalid.sh
TESTS += $(REDUCE_TESTS)
EXTRA_DIST += $(REDUCE_TESTS) tests/mpi/reduce_ref.py tests/mpi/reduce_lib.sh examples/slurm
