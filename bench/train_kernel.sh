#!/bin/bash
# bench/train_kernel.sh: CPU ns per row of pario-train's segment kernel
# (lib/kernels/train.c: bench/train_kernel.c), on a cached segment and on
# segments at random from a mapped file, against the kernel of git revision
# BASE (default: none) in alternation, the bits compared. Bench only, not a test.
#   [BASE=rev] [F=64] [M=64] bash bench/train_kernel.sh [REPS [FILE]] [--write]
#   e.g. BASE=63c5e64 bash bench/train_kernel.sh 21 /tmp/pario-bench-train/X.bin --write
#   (--write: its section of bench/RESULTS.md; X.bin: bench/train.sh writes it)
WRITE=
ARGS=()
for a in "$@"; do [ "$a" = --write ] && WRITE=1 || ARGS+=("$a"); done
REPS=${ARGS[0]:-15} FILE=${ARGS[1]:-}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
BUILD=${BUILD:-$SRC/build}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT" "$SRC/lib/kernels/.train_base.c"' EXIT
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
mpicc.mpich -O2 "${DEF[@]}" -o "$OUT/train_kernel" "$HERE/train_kernel.c" "${OBJS[@]}" -lm || exit 1
{
  "$OUT/train_kernel" "$REPS" || exit 1
  F64=1 "$OUT/train_kernel" "$REPS" || exit 1
  if [ -n "$FILE" ]; then "$OUT/train_kernel" "$REPS" "$FILE" || exit 1; fi
} | tee "$OUT/res.txt"
if [ -n "$WRITE" ]; then
  . "$HERE/lib.sh"
  TABLE="## train_kernel: pario-train's segment kernel, ns per row ($(date -u +%Y-%m-%d))

$(machine_line)

CPU time per row of \`pario_train_segment_f32\` (and \`pario_train_segment\` on the
same rows as doubles), ${M:-64} rows x ${F:-64} features a call, medians of $REPS
rounds alternating with the kernel of git revision ${BASE:-(none)}, the
gradients and losses compared bit for bit
(\`BASE=${BASE:-rev} bash bench/train_kernel.sh $REPS${FILE:+ $FILE} --write\`; \"from memory\":
segments at random from a mapped file in the page cache, each call prefetching
the next, as pario-train does). Where the time goes: doc/train.md, \"The kernel\".

\`\`\`
$(cat "$OUT/res.txt")
\`\`\`"
  (cd "$SRC" && write_results train_kernel "$TABLE")
fi
exit 0
