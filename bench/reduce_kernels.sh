#!/bin/bash
# bench/reduce_kernels.sh: CPU time per element of the reduce kernels (min/max, the
# exact sum, the default's shifted squares, --exact's squares, a 100-bin
# histogram) on a 256 KiB float64 buffer that stays in L2, in alternation within
# one run, then the default set with the histogram over a 256 MiB buffer as the
# driver runs it (from memory: the software prefetch's effect)
# (bench/reduce_kernels.c). CPU time, so a shared machine inflates it little.
# Bench only, not a test.
#   BUILD=build bash bench/reduce_kernels.sh [REPS]
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
mpicc.mpich -O2 -I"$SRC/include" -I"$BUILD" -o "$OUT/reduce_kernels" "$SRC/bench/reduce_kernels.c" \
  -L"$BUILD/lib/.libs" -Wl,-rpath,"$BUILD/lib/.libs" -lpario || exit 1
grep -m1 "model name" /proc/cpuinfo | sed 's/.*: /cpu: /'
"$OUT/reduce_kernels" "${1:-400}" 2>/dev/null
