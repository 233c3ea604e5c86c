#!/bin/sh
# pario-gen then pario-count at -n 1..4, against a serial numpy count of the same
# bytes (tests/mpi/reference.py reads the file from the layout given here, not from
# pario's descriptor): integer and float types, big-endian data, header offsets,
# 1-D and 2-D, sizes that no rank count divides, --value/--range/--values, per-rank
# counts for every distribution, JSON/YAML/text output; and gen writes the same
# bytes for any rank count, distribution, chunk size or --independent.
. "$(dirname "$0")/lib.sh"

REF="$PARIO_SRCDIR/tests/mpi/reference.py"
ref() { "$PYTHON3" "$REF" "$@"; }
# The numpy comparisons are collected in JOBS and run at the end in one Python
# process (numpy starts once); every output they read is kept under its own name.
JOBS=$WORK/jobs.txt
: >"$JOBS"
SEQ=0
job() { local what=$1; shift; printf '%s\t%s\n' "$what" "$*" >>"$JOBS"; }

# gen N FILE LAYOUT VALUES [pario-gen options]: generate FILE (and, with CHECK=1,
# check its values against the generator's definition).
# LAYOUT is "--dtype T [--offset B] [--byte-order O] --shape S" (S: N or R,C).
gen() {
  local n=$1 file=$2 layout=$3 values=$4; shift 4
  local genlayout
  genlayout=$(echo "$layout" | sed 's/--shape \([0-9]*\)$/--count \1/; s/--shape \([0-9]*\) /--count \1 /')
  if ! mpirun "$n" pario-gen $genlayout $values "$@" --out "$file" >gen.out 2>gen.err; then
    fail "pario-gen -n $n $layout $values $*: exit status; $(head -c 300 gen.err)"
    return 1
  fi
  check "pario-gen -n $n $file: quiet on success" test ! -s gen.out -a ! -s gen.err
  [ "${CHECK:-0}" = 1 ] && job "pario-gen -n $n $file: values ($values)" check-gen "$file" $layout $values
  return 0
}

# count N FILE LAYOUT QUERY DIST [options]: pario-count --per-rank --format json must
# equal numpy's count, overall and for each rank's part under DIST.
count() {
  local n=$1 file=$2 layout=$3 query=$4 dist=$5; shift 5
  local what="pario-count -n $n $query --dist $dist $* $file"
  SEQ=$((SEQ + 1))
  local out=out.$SEQ.json
  if ! mpirun "$n" pario-count "$query" --per-rank --format json --dist "$dist" "$@" "$file" >$out 2>err.txt; then
    fail "$what: exit status; $(head -c 300 err.txt)"
    return
  fi
  check "$what: nothing on stderr" test ! -s err.txt
  job "$what" count "${REF_FILE:-$file}" $layout "$query" --ranks "$n" --dist "$dist" --against "$WORK/$out"
}

# ---- datasets: sizes that 2, 3 and 4 do not divide (primes, odd products)
LA="--dtype int32 --offset 64 --byte-order big --shape 100003"
LB="--dtype float64 --shape 211,97"
LC="--dtype int8 --shape 10007"
LD="--dtype uint16 --shape 5003"
LE="--dtype float32 --offset 13 --byte-order big --shape 30011"
LF="--dtype uint64 --byte-order big --shape 37,53"
LG="--dtype int64 --offset 8 --shape 7001"
CHECK=1
gen 2 a.bin "$LA" "--uniform=-50:50" --seed 1
gen 3 b.bin "$LB" "--normal=0:1" --seed 2
gen 4 c.bin "$LC" "--uniform=-128:127" --seed 3
gen 1 d.bin "$LD" "--sequence"
gen 2 e.bin "$LE" "--uniform=-1:1" --seed 5
gen 3 f.bin "$LF" "--uniform=18446744073709551600:18446744073709551615" --seed 6
gen 4 g.bin "$LG" "--uniform=-3:3" --seed 7
# HI - LO overflows a double: values still in [LO, HI), not inf
gen 3 h.bin "--dtype float64 --shape 1001" "--uniform=-1e308:1e308" --seed 8
CHECK=0
# float32 bounds it cannot hold are a usage error, not inf or FLT_MAX written
expect_error 2 2 'uniform 0:1e300: outside the range of float32' pario-gen --dtype float32 --count 5 --uniform 0:1e300 --out h32.bin
expect_error 1 2 'normal -1e39:1: outside the range of float32' pario-gen --dtype float32 --count 5 --normal=-1e39:1 --out h32.bin
# a bound that is not a finite number names its option (it did not; session 27)
expect_error 1 2 '^pario-gen: error: --uniform 0:inf: expected two finite numbers$' pario-gen --dtype float64 --count 5 --uniform 0:inf --out h64.bin
expect_error 2 2 '^pario-gen: error: --normal nan:1: expected two finite numbers$' pario-gen --dtype int32 --count 5 --normal nan:1 --out h64.bin
check "h32.bin not written" test ! -e h32.bin
# --normal saturates 64-bit integers at their limits (it wrote 2^63 - 1024 and 2^64 - 2048)
mpirun 2 pario-gen --dtype int64 --count 4 --normal 0:1e30 --out sat64.npy &&
  mpirun 3 pario-gen --dtype uint64 --count 4 --normal 0:1e30 --out satu64.npy || fail "pario-gen saturating 64-bit runs"
check "--normal saturates int64 and uint64 at INT64_MIN/MAX, 0/UINT64_MAX" "$PYTHON3" -c "
import numpy as np, sys
a, b = np.load('sat64.npy'), np.load('satu64.npy')
sys.exit(not (set(a.tolist()) == {-2**63, 2**63 - 1} and set(b.tolist()) == {0, 2**64 - 1}))"

# the descriptors say what was asked
check "a.bin.yaml" grep -qx 'offset: 64' a.bin.yaml
check "a.bin.yaml byte order" grep -qx 'byte_order: big' a.bin.yaml
check "b.bin.yaml shape" grep -qx 'shape: \[211, 97\]' b.bin.yaml
# d.bin: no shape in the descriptor, taken from the size
printf 'dtype: uint16\ndescription: shape from the file size\n' >d.bin.yaml

# ---- every type at 1, 2, 3, 4 ranks (block)
for n in 1 2 3 4; do
  count $n a.bin "$LA" --value=7 block
  count $n b.bin "$LB" --range=-1:1 block
  count $n c.bin "$LC" --value=-128 block
  count $n d.bin "$LD" --range=100:4000 block
  count $n e.bin "$LE" --range=-0.5:0.25 block
  count $n f.bin "$LF" --value=18446744073709551615 block
  count $n g.bin "$LG" --values=-3,0,3 block
done
count 2 a.bin "$LA" --range=-10:10 block
count 3 a.bin "$LA" --values=-50,0,50,51,-51 block
count 2 b.bin "$LB" --range=0.5:inf block
count 3 b.bin "$LB" --values=0,1 block
count 2 c.bin "$LC" --values=-128,127,0,200 block
count 3 c.bin "$LC" --range=-1000:1000 block
count 2 d.bin "$LD" --value=5002 block
count 4 e.bin "$LE" --value=0 block
count 2 f.bin "$LF" --range=18446744073709551605:18446744073709551610 block
count 3 g.bin "$LG" --range=-2:2 block
count 3 a.bin "$LA" --range=5:1 block     # empty (HI < LO): 0, as numpy

# ---- every distribution gives the same total, and each rank counts its own part
count 3 a.bin "$LA" --value=7 cyclic
count 3 a.bin "$LA" --value=7 cyclic:7
count 4 a.bin "$LA" --range=-10:10 cyclic:1000
count 2 d.bin "$LD" --range=100:4000 cyclic:3
for dist in rows cols tiles rows-cyclic:4 cyclic:5 block; do
  count 3 b.bin "$LB" --range=-1:1 "$dist"
done
count 4 b.bin "$LB" --range=-1:1 tiles
count 4 b.bin "$LB" --range=-1:1 tiles:1x4
count 4 f.bin "$LF" --value=18446744073709551615 cols
count 4 f.bin "$LF" --value=18446744073709551615 tiles:2x2
count 2 f.bin "$LF" --value=18446744073709551615 rows-cyclic:5

# ---- independent I/O, small chunks (many steps, some ranks done early), --desc
count 3 a.bin "$LA" --value=7 block --independent
count 2 b.bin "$LB" --range=-1:1 rows --independent
count 3 a.bin "$LA" --range=-10:10 block --chunk 8192
count 2 e.bin "$LE" --range=-0.5:0.25 cyclic:3 --chunk 1000
mv d.bin renamed.bin
printf 'dtype: uint16\nshape: [5003]\n' >elsewhere.yaml
REF_FILE=d.bin   # numpy reads the same bytes, under the name they will have again
count 2 renamed.bin "$LD" --range=100:4000 block --desc elsewhere.yaml
unset REF_FILE
mv renamed.bin d.bin

# ---- output formats: YAML and text parse to the same numbers
if mpirun 2 pario-count --range=-10:10 --per-rank --format yaml a.bin >out.yaml 2>err.txt; then
  job "--format yaml = numpy" count a.bin $LA --range=-10:10 --ranks 2 --against $WORK/out.yaml --format yaml
else
  fail "--format yaml: exit status; $(cat err.txt)"
fi
if mpirun 3 pario-count --values=-50,0,50 --per-rank a.bin >out.txt 2>err.txt; then
  job "text output = numpy" count a.bin $LA --values=-50,0,50 --ranks 3 --against $WORK/out.txt --format text
else
  fail "text output: exit status; $(cat err.txt)"
fi
if mpirun 1 pario-count --values=1,2 --format json g.bin >out.json 2>err.txt; then
  check "JSON counts keyed by value" "$PYTHON3" -c '
import json, sys
d = json.load(open("out.json"))
sys.exit(not (set(d["counts"]) == {"1", "2"} and "per_rank" not in d and "count" not in d))'
else
  fail "--values json: exit status"
fi

# ---- edge cases: an empty dataset, more ranks than elements, empty tiles
CHECK=1
LZ="--dtype int32 --offset 16 --shape 0"
LT="--dtype int16 --shape 2"
LK="--dtype int16 --shape 3,1"
gen 3 z.bin "$LZ" --sequence
gen 4 t.bin "$LT" --sequence --dist cyclic
gen 4 k.bin "$LK" --sequence --dist cols
CHECK=0
count 3 z.bin "$LZ" --value=0 block
count 4 t.bin "$LT" --value=1 block
count 4 t.bin "$LT" --range=0:2 cyclic
for dist in cols tiles rows-cyclic:2 rows; do
  count 4 k.bin "$LK" --range=0:9 "$dist"
done

# ---- the same bytes whatever the rank count, distribution, chunk or I/O mode
same() { # same FILE COPY DESCRIPTION: data and descriptor identical
  check "$3: data identical" cmp -s "$1" "$2"
  check "$3: descriptor identical" cmp -s "$1.yaml" "$2.yaml"
}
cp d.bin.yaml d.bin.yaml.hand
gen 1 d.bin "$LD" "--sequence"   # restore pario-gen's descriptor for the comparisons
for spec in "1 block" "3 cyclic:7" "4 block" "3 cyclic"; do
  set -- $spec
  gen "$1" a2.bin "$LA" "--uniform=-50:50" --seed 1 --dist "$2" && same a.bin a2.bin "int32 at -n $1 --dist $2"
done
gen 3 a2.bin "$LA" "--uniform=-50:50" --seed 1 --independent && same a.bin a2.bin "int32 --independent"
gen 4 a2.bin "$LA" "--uniform=-50:50" --seed 1 --chunk 4096 && same a.bin a2.bin "int32 --chunk 4096"
for spec in "1 rows" "4 tiles" "2 cols" "3 rows-cyclic:2" "4 tiles:1x4"; do
  set -- $spec
  gen "$1" b2.bin "$LB" "--normal=0:1" --seed 2 --dist "$2" && same b.bin b2.bin "float64 2-D at -n $1 --dist $2"
done
gen 4 f2.bin "$LF" "--uniform=18446744073709551600:18446744073709551615" --seed 6 --dist cols &&
  same f.bin f2.bin "uint64 big-endian --dist cols"
gen 1 e2.bin "$LE" "--uniform=-1:1" --seed 5 && same e.bin e2.bin "float32 offset 13 at -n 1"
gen 3 c2.bin "$LC" "--uniform=-128:127" --seed 3 --dist cyclic:2 --chunk 1000 && same c.bin c2.bin "int8 cyclic:2"
gen 2 d2.bin "$LD" "--sequence" --dist cyclic && same d.bin d2.bin "uint16 sequence cyclic"
# a different seed gives different data
gen 2 a3.bin "$LA" "--uniform=-50:50" --seed 2 && check "another seed, other data" sh -c '! cmp -s a.bin a3.bin'
# overwriting a longer file leaves exactly the new dataset
head -c 1000000 /dev/zero | tr '\0' 'x' >a4.bin
gen 3 a4.bin "$LA" "--uniform=-50:50" --seed 1 && same a.bin a4.bin "over a longer file"
check "no temporary files left" sh -c '! ls | grep -q "\.tmp\."'

check "numpy agrees ($(grep -c . "$JOBS") comparisons)" ref batch "$JOBS"

finish
