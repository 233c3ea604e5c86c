#!/bin/sh
# pario-reduce on 2-D datasets: --axis 0 (per column) and --axis 1 (per row) for
# every dtype, over the 2-D distributions (rows, cols, tiles, rows-cyclic) and the
# 1-D ones applied to a 2-D file (block, cyclic:K), with 1-4 ranks and a shape
# (37 x 23) that no rank count divides; small chunks cut rows across chunks.
. "${PARIO_SRCDIR:-$(dirname "$0")/../..}/tests/mpi/lib.sh"
. "$PARIO_SRCDIR/tests/mpi/reduce_lib.sh"

# (ranks, distribution) pairs, taken in turn
set -- "1 rows" "2 cols" "3 tiles" "2 rows-cyclic:3" "4 tiles:2x2" "2 block" "3 cyclic:5" "2 tiles" "3 rows" "4 cols"
COMBOS="$*"
combo() { echo "$COMBOS" | awk -v k="$1" '{ n = split($0, a, " "); i = (k % (n / 2)) * 2 + 1; print a[i], a[i + 1] }'; }

# every dataset, made by numpy in one Python process: one per dtype, a row
# (1 x 9) and NaN per lane (below)
i=0
for t in int8 int16 int32 int64 uint8 uint16 uint32 uint64 float32 float64; do
  mkdata --dtype $t --shape 37,23 --seed $((i + 20)) --out $t.bin
  i=$((i + 1))
done
mkdata --dtype float64 --shape 1,9 --seed 3 --out row.bin
mkdata --dtype float64 --shape 11,7 --kind nan --seed 2 --out nan2.bin
mkdata_all

i=0
for t in int8 int16 int32 int64 uint8 uint16 uint32 uint64 float32 float64; do
  v=$(value $t.bin)
  [ -n "$v" ] || fail "make $t"
  ops="$ALL,count=$v,range=-3:7"
  set -- $(combo $i)
  run "$1" $t.a0.json $t.bin --op $ops --bins 6 --axis 0 --dist "$2" --chunk 200
  set -- $(combo $((i + 3)))
  run "$1" $t.a1.json $t.bin --op $ops --bins 6 --axis 1 --dist "$2" --chunk 200
  i=$((i + 1))
done
# the whole 2-D dataset (flat indices for argmin/argmax)
run 3 f.flat.json float64.bin --op $ALL --dist tiles --chunk 200
run 2 i.flat.json int32.bin --op $ALL,count=5 --dist cols
# one column, one row
run 2 row0.json row.bin --op $ALL --axis 0 --dist cols
run 2 row1.json row.bin --op $ALL --axis 1 --dist tiles
# NaN per lane
run 2 nan2.0.json nan2.bin --op $ALL --axis 0 --dist tiles --min -1 --max 1
run 2 nan2.1.json nan2.bin --op $ALL --axis 1 --skip-nan --dist cols

check "results match numpy" $REF check manifest
finish
