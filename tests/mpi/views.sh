#!/bin/bash
# Scatter then gather through every distribution: each part holds exactly the
# elements the distribution's definition gives its rank (tests/mpi/views_ref.py),
# and the gathered file is byte-identical to the input. 1 to 5 ranks, uneven sizes,
# collective and independent, big-endian data, every read strategy: the view
# (collective, or piece by piece for pieces of 4 KiB and more), the exchange and
# the sieve.
. "$(dirname "$0")/lib.sh"
REF=$PARIO_SRCDIR/tests/mpi

mpirun 2 pario-gen --dtype int32 --count 1001 --uniform -1000:1000 --seed 5 --byte-order big --out d1.bin
mpirun 1 pario-gen --dtype float64 --shape 13,7 --normal 0:1 --seed 6 --out d2.bin
mpirun 1 pario-gen --dtype int16 --shape 1,9 --sequence --out d3.bin
# pieces of 4 KiB and more (read one by one, data sieving off): cyclic:1024 of int32,
# columns and tiles of 3001-column float64 rows
mpirun 1 pario-gen --dtype int32 --count 30001 --uniform -1000:1000 --seed 9 --byte-order big --out d4.bin
mpirun 1 pario-gen --dtype float64 --shape 5,3001 --uniform -9:9 --seed 10 --out d5.bin

# each round trip's parts keep their own names (p1.*, p2.*, ...): their check
# against the definition (tests/mpi/views_check.py) is deferred, all of them in
# one Python process at the end
SEQ=0
roundtrip() { # FILE DT N DIST [extra options]
  local f=$1 dt=$2 n=$3 dist=$4; shift 4
  SEQ=$((SEQ + 1))
  local p=p$SEQ out=out$SEQ.bin
  if ! mpirun "$n" pario-scatter --dist "$dist" "$@" --out $p "$f"; then fail "scatter $f $dist n=$n $*"; return; fi
  defer "parts of $f $dist n=$n $*" parts "$f" "$dt" "$dist" "$n" $p
  # the read strategy is scatter's: gather only writes, and does not take --strategy
  local g=() opts="$*"
  while [ $# -gt 0 ]; do if [ "$1" = --strategy ]; then shift 2; else g+=("$1"); shift; fi; done
  if ! mpirun "$n" pario-gather "${g[@]}" --out $out $p; then fail "gather $f $dist n=$n $opts"; return; fi
  check "round trip $f $dist n=$n $opts" cmp -s "$f" $out
  rm -f $out $out.yaml
}

# every distribution at 3 of the 5 rank counts (rotating, so each count meets
# every kind of distribution)
for n in 1 2 3 4 5; do
  k=0
  for d in block cyclic cyclic:3 cyclic:1000; do
    k=$((k + 1)); [ $(((k + n) % 5)) -lt 3 ] && roundtrip d1.bin '>i4' $n $d
  done
  for d in rows cols tiles rows-cyclic:2 block cyclic:5; do
    k=$((k + 1)); [ $(((k + n) % 5)) -lt 3 ] && roundtrip d2.bin '<f8' $n $d
  done
done
# a grid given explicitly, and one with more ranks than rows
roundtrip d2.bin '<f8' 4 tiles:4x1
roundtrip d2.bin '<f8' 6 tiles:2x3
roundtrip d3.bin '<i2' 3 tiles
roundtrip d3.bin '<i2' 4 rows
# independent I/O, and both read strategies
for n in 2 3; do
  roundtrip d1.bin '>i4' $n cyclic:3 --independent
  roundtrip d2.bin '<f8' $n tiles --independent
  roundtrip d2.bin '<f8' $n cols --strategy exchange --chunk 40
  roundtrip d1.bin '>i4' $n cyclic --strategy view --chunk 64
done
roundtrip d4.bin '>i4' 2 cyclic:1024 --chunk 6000
roundtrip d4.bin '>i4' 3 cyclic:1024
roundtrip d5.bin '<f8' 3 cols --chunk 20000
roundtrip d5.bin '<f8' 4 tiles
# the sieve (auto at 2 ranks for small pieces, above) forced at other rank counts,
# steps shorter than a run and longer than several
roundtrip d1.bin '>i4' 3 cyclic --strategy sieve --chunk 64
roundtrip d4.bin '>i4' 4 cyclic:1024 --strategy sieve --chunk 6000
roundtrip d2.bin '<f8' 4 tiles --strategy sieve --chunk 24
roundtrip d5.bin '<f8' 3 cols --strategy sieve --chunk 4000
run_deferred "$REF/views_check.py"
finish
