#!/bin/bash
# The float64 reduce kernels' two x86 paths, each against the baseline build
# (tests/unit/test_reduce_clones.c): the AVX2 intrinsics (lib/kernels/reduce_avx2.h,
# hist_avx2.h), the default on an AMD CPU or one with AVX2 but no AVX-512, and the
# clones, the default on an Intel CPU with AVX-512; PARIO_REDUCE_KERNEL chooses. On a CPU without AVX2 both
# runs take the clones.
set -u
B=${builddir:-.}/tests/unit/test_reduce_clones
[ -x "$B" ] || B=./tests/unit/test_reduce_clones
rc=0
for path in avx512 avx2 clones; do
  echo "== PARIO_REDUCE_KERNEL=$path"
  PARIO_REDUCE_KERNEL=$path timeout 300 "$B" || { echo "FAIL: the $path path" >&2; rc=1; }
done
exit $rc
