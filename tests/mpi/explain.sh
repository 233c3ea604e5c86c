#!/bin/bash
# --explain: the owner map printed by pario (computed by unpacking through each
# rank's filetype) against the owners the test computes from the definitions.
. "$(dirname "$0")/lib.sh"
REF=$PARIO_SRCDIR/tests/mpi/views_ref.py

mpirun 1 pario-gen --dtype int16 --count 10 --sequence --out s.bin
mpirun 1 pario-gen --dtype uint8 --shape 7,11 --sequence --out m.bin

explain_map() { # N DIST FILE: the map lines of --explain
  mpirun "$1" pario-count --value 0 --dist "$2" --explain "$3" | sed -n '/^owner of each element/,/^reads:/p' | sed '1d;$d'
}

# the issue's own example: 10 elements, 3 ranks, cyclic:2
check "cyclic:2 on 3 ranks is 0011220011" test "$(explain_map 3 cyclic:2 s.bin)" = "0011220011"
for n in 1 2 3 4; do
  for d in block cyclic cyclic:3; do
    check "map $d n=$n" test "$(explain_map $n $d s.bin)" = "$("$PYTHON3" "$REF" map $d $n 10)"
  done
  for d in rows cols tiles rows-cyclic:2 cyclic:4; do
    check "map $d n=$n (2-D)" test "$(explain_map $n $d m.bin)" = "$("$PYTHON3" "$REF" map $d $n 7 11)"
  done
done
# what each rank built: the constructors and sizes
out=$(mpirun 3 pario-count --value 0 --dist cyclic:2 --explain s.bin)
check "darray named" grep -q "MPI_Type_create_darray(size=3, rank=1, ndims=1, gsizes=\[6\]" <<<"$out"
# rank 2 owns one run (elements 4 and 5): a contiguous view, no derived type
check "one run, no derived type" grep -q "one contiguous run of 2 elements" <<<"$(grep -A1 "^rank 2: disp 8 bytes" <<<"$out")"
check "filetype size and extent" grep -q "filetype size 4 bytes, extent 12 bytes" <<<"$out"
out=$(mpirun 4 pario-count --value 0 --dist tiles --explain m.bin)
check "subarray named" grep -q "MPI_Type_create_subarray(ndims=2, sizes=\[1,11\], subsizes=\[1,5\], starts=\[0,6\]" <<<"$out"
check "strategy said" grep -q "^reads: collective, strategy exchange" <<<"$out"
out=$(mpirun 2 pario-count --value 0 --explain --format json s.bin 2>err)
check "explain goes to stderr with --format json" "$PYTHON3" -c "import json,sys; json.loads(sys.argv[1])" "$out"
check "explain on stderr" grep -q "^rank 1: disp" err
finish
