#!/bin/sh
# The MPI-IO lessons: the files are read back here with numpy, independently of
# MPI, and the programs' own read-back checks must pass on every rank.
. "$(dirname "$0")/lib.sh"

for n in 1 2 3 4; do
  # io_contig: 11 ints at block offsets (sizes that do not divide evenly).
  printf 'stale data longer than the new file, to be truncated..............\n' >a.bin
  ex "$n" io_contig a.bin 11; rc=$?
  if ran $rc "io_contig n=$n"; then
    check "io_contig n=$n: file" ref io_contig a.bin 11 "$n"
    "$PYTHON3" - "$n" >want <<'PY'
import sys
n, total = int(sys.argv[1]), 11
base, extra = divmod(total, n)
def block(r): return r * base + min(r, extra), base + (r < extra)
for r in range(n):
    f, m = block(r)
    print(f"rank {r}: wrote {m} ints at byte offset {4 * f}")
    print(f"rank {r}: read rank {(r + 1) % n}'s {block((r + 1) % n)[1]} ints, all correct")
PY
    same_lines "io_contig n=$n: output" want out
  fi

  # io_vector: B blocks of K ints per rank, interleaved round-robin.
  for bk in "3 2" "2 5"; do
    set -- $bk
    ex "$n" io_vector s.bin "$1" "$2"; rc=$?
    if ran $rc "io_vector n=$n B=$1 K=$2"; then
      if ref io_vector s.bin "$n" "$1" "$2" >want; then pass "io_vector n=$n B=$1 K=$2: file"
      else fail "io_vector n=$n B=$1 K=$2: file"; fi
      r=0
      while [ $r -lt $n ]; do
        echo "rank $r: wrote and read back $1 blocks of $2 ints, all correct" >>want; r=$((r + 1))
      done
      same_lines "io_vector n=$n B=$1 K=$2: output" want out
      grep '^round' out >got; grep '^round' want >want.rounds
      same_text "io_vector n=$n B=$1 K=$2: rounds in order" want.rounds got
    fi
  done
done
ex 2 io_contig; usage_error $? "io_contig without FILE" 2 '^io_contig: error: usage'
ex 2 io_vector no-such-dir/x.bin; usage_error $? "io_vector unwritable" 1 '^io_vector: error: cannot create'

finish
