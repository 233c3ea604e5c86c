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

verify_parts() { # FILE NUMPY_DTYPE DIST P SHAPE...
  "$PYTHON3" - "$@" <<'PY'
import sys, numpy as np, yaml
sys.path.insert(0, __import__("os").environ["PARIO_SRCDIR"] + "/tests/mpi")
from views_ref import owners
f, dt, dist, p = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
shape = tuple(int(x) for x in sys.argv[5:])
data = np.fromfile(f, dtype=dt).reshape(shape)
own = owners(dist, shape, p)
bad = 0
for r in range(p):
    part = np.fromfile("part.%d" % r, dtype=dt)
    want = data[own == r]            # row-major order of the rank's elements
    desc = yaml.safe_load(open("part.%d.yaml" % r))
    if part.shape != want.shape or not np.array_equal(part, want, equal_nan=True):
        print("rank %d: part differs (%d vs %d elements)" % (r, part.size, want.size)); bad += 1
    if int(np.prod(desc["shape"])) != want.size or desc["part"]["rank"] != r or desc["part"]["ranks"] != p:
        print("rank %d: descriptor wrong: %s" % (r, desc)); bad += 1
sys.exit(1 if bad else 0)
PY
}

roundtrip() { # FILE DT N DIST [extra options]; SHAPE from the descriptor
  local f=$1 dt=$2 n=$3 dist=$4; shift 4
  local shape; shape=$("$PYTHON3" -c "import yaml;print(*yaml.safe_load(open('$f.yaml'))['shape'])")
  rm -f part.* out.bin out.bin.yaml
  if ! mpirun "$n" pario-scatter --dist "$dist" "$@" --out part "$f"; then fail "scatter $f $dist n=$n $*"; return; fi
  check "parts of $f $dist n=$n $*" verify_parts "$f" "$dt" "$dist" "$n" $shape
  # the read strategy is scatter's: gather only writes, and does not take --strategy
  local g=() opts="$*"
  while [ $# -gt 0 ]; do if [ "$1" = --strategy ]; then shift 2; else g+=("$1"); shift; fi; done
  if ! mpirun "$n" pario-gather "${g[@]}" --out out.bin part; then fail "gather $f $dist n=$n $opts"; return; fi
  check "round trip $f $dist n=$n $opts" cmp -s "$f" out.bin
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
finish
