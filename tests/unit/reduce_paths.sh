#!/bin/bash
# The float64 reduce kernels' three x86 paths, each against the baseline build
# (tests/unit/test_reduce_clones.c): the AVX-512 intrinsics (lib/kernels/reduce_avx512.h,
# the sums and the histogram in one sweep), the default on an AMD CPU with AVX-512;
# the AVX2 intrinsics (reduce_avx2.h, hist_avx2.h), the default on a CPU with AVX2
# but no AVX-512; and the clones, the default on an Intel CPU with AVX-512;
# PARIO_REDUCE_KERNEL chooses. A path the CPU lacks falls back to the next one
# (AVX-512 to AVX2, AVX2 to the clones), and the run says so.
set -u
B=${builddir:-.}/tests/unit/test_reduce_clones
[ -x "$B" ] || B=./tests/unit/test_reduce_clones
rc=0
for path in avx512 avx2 clones; do
  echo "== PARIO_REDUCE_KERNEL=$path"
  case $path in
    avx512) grep -qw avx512f /proc/cpuinfo 2>/dev/null || echo "(no AVX-512 here: the AVX2 path runs again)" ;;
    avx2) grep -qw avx2 /proc/cpuinfo 2>/dev/null || echo "(no AVX2 here: the clones run again)" ;;
  esac
  PARIO_REDUCE_KERNEL=$path timeout 300 "$B" || { echo "FAIL: the $path path" >&2; rc=1; }
done
exit $rc
