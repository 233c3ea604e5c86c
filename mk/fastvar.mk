# fastvar: the default variance's shifted squares (lib/kernels/reduce.c; tests in
# tests/unit/test_xsum.c and tests/mpi/floats.sh) and the kernels' per-element
# microbenchmark (bench only, not built by make: bench/reduce_kernels.sh builds it
# against the build's libpario). Included from Makefile.am.
EXTRA_DIST += bench/reduce_kernels.c bench/reduce_kernels.sh
