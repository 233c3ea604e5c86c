#!/bin/bash
# bench/train_kernel.sh: CPU ns per row of pario-train's segment kernel
# (lib/kernels/train.c, float32 rows: bench/train_kernel.c), on a cached
# segment and on segments at random from a mapped file, against the kernel of
# git revision BASE (default: none) in alternation, the bits compared.
# Bench only, not a test.
#   [BASE=rev] [F=64] [M=64] bash bench/train_kernel.sh [REPS [FILE]]
#   e.g. BASE=HEAD~1 bash bench/train_kernel.sh 21 /tmp/pario-bench-train/X.bin
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# the kernel's flags (Makefile.am: lib_libkernels_la_CFLAGS, and CFLAGS' -O2 after them)
KFLAGS=(-O3 -ftree-vectorize -fvect-cost-model=dynamic -O2 -I"$BUILD" -I"$SRC/include" -I"$SRC/lib/kernels")
OBJS=("$OUT/cur.o")
mpicc.mpich "${KFLAGS[@]}" -c -o "$OUT/cur.o" "$SRC/lib/kernels/train.c" || exit 1
DEF=()
if [ -n "${BASE:-}" ]; then
  # the base's source next to the current one (its includes resolve alike), symbols renamed
  git -C "$SRC" show "$BASE:lib/kernels/train.c" >"$SRC/lib/kernels/.train_base.c" || exit 1
  REN=()
  for s in segment segment_f32 finite finite_f32 widen predict fsum fsum_cols; do
    REN+=("-Dpario_train_$s=base_train_$s")
  done
  mpicc.mpich "${KFLAGS[@]}" "${REN[@]}" -c -o "$OUT/base.o" "$SRC/lib/kernels/.train_base.c"; rc=$?
  rm -f "$SRC/lib/kernels/.train_base.c"
  [ $rc = 0 ] || exit 1
  OBJS+=("$OUT/base.o")
  DEF=(-DHAVE_BASE)
fi
mpicc.mpich -O2 "${DEF[@]}" -o "$OUT/train_kernel" "$SRC/bench/train_kernel.c" "${OBJS[@]}" -lm || exit 1
grep -m1 "model name" /proc/cpuinfo | sed 's/.*: /cpu: /'
"$OUT/train_kernel" "${1:-15}"
[ -n "${2:-}" ] && "$OUT/train_kernel" "${1:-15}" "$2"
exit 0
