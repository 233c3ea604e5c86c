#!/bin/bash
# Float results do not depend on how the data is split: sum, mean, var and std
# (whole dataset, --axis 0 and --axis 1, pario-reduce and pario-run) of adversarial
# float data (numpy-made: [1e16, 1, -1e16] cycles, 1e9 + N(0, 1e-3), alternating
# signs, 600 orders of magnitude, float32, NaN, infinities, overflow) at 1, 2, 3,
# 4, 5, 7 and 8 ranks, with several --chunk, --strategy view/exchange,
# --overlap/--no-overlap and --dist. Every output of one dataset and axis must be
# the same bytes, and each value must match exact rational arithmetic
# (floats_ref.py: sum and mean bit for bit as math.fsum, var and std within the
# documented bound: the default variance's shifted squares, or --exact's).
. "$(dirname "$0")/lib.sh"
REF="$PYTHON3 $PARIO_SRCDIR/tests/mpi/floats_ref.py"
OPS=sum,mean,var,std,min,max
$REF make . > names || { echo "floats: could not make the datasets"; exit 99; }
: > manifest
k=0

# one NAME AXIS SKIP N ARGS...: pario-reduce on N ranks, YAML output recorded
one() {
  local name=$1 axis=$2 skip=$3 n=$4; shift 4
  local out=r$((k += 1)).yaml extra=() mode=shift a
  for a in "$@"; do [ "$a" = --exact ] && mode=exact; done
  [ "$axis" -ge 0 ] && extra+=(--axis "$axis")
  [ "$skip" = 1 ] && extra+=(--skip-nan)
  if mpirun "$n" pario-reduce --format yaml --op $OPS "${extra[@]}" "$@" "$name.bin" > "$out" 2> "$out.err"; then
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$out" "$name" "$axis" "$skip" "$name.$axis.$skip" "$mode" >> manifest
    pass "$name n=$n $*"
  else
    fail "pario-reduce -n $n $* $name.bin: $(head -c 300 "$out.err")"
  fi
}

# job NAME AXIS N DIST CHUNK: the same through pario-run
job() {
  local name=$1 axis=$2 n=$3 dist=$4 chunk=$5 out=j$((k += 1)).yaml
  {
    echo "name: floats $name"
    echo "input:"
    echo "  data: $name.bin"
    echo "distribution: $dist"
    echo "io:"
    echo "  chunk: $chunk"
    [ "$axis" -ge 0 ] && echo "axis: $axis"
    echo "operations: [${OPS//,/, }]"
    echo "output:"
    echo "  format: yaml"
    echo "  results: $out"
  } > "$out.job.yaml"
  if mpirun "$n" pario-run "$out.job.yaml" > "$out.log" 2>&1; then
    printf '%s\t%s\t%s\t%s\t%s\n' "$out" "$name" "$axis" 0 "$name.$axis.0" >> manifest
    pass "pario-run $name n=$n"
  else
    fail "pario-run -n $n $name ($dist, $chunk): $(head -c 300 "$out.log")"
  fi
}

# every rank count from 1 to 5, and 7, a different split each time
for name in adv1 wide; do
  one $name -1 0 1
  one $name -1 0 2 --dist cyclic --chunk 1Ki --strategy view
  one $name -1 0 3 --dist cyclic:7 --chunk 4Ki --strategy exchange --overlap
  one $name -1 0 4 --dist block --chunk 512 --no-overlap
  one $name -1 0 5 --dist cyclic:3 --chunk 2Ki --strategy exchange
  one $name -1 0 7 --dist cyclic --chunk 8Ki --strategy view --overlap
done
for name in adv2 shift; do
  one $name -1 0 1 --chunk 1Ki
  one $name -1 0 2 --dist cyclic:5 --strategy exchange --no-overlap
  one $name -1 0 3 --dist block --chunk 2Ki --overlap
  one $name -1 0 4 --dist cyclic --chunk 4Ki --strategy view
  one $name -1 0 5 --dist cyclic:64 --chunk 1Ki
done
for name in alt f32 nan inf infinf ovf ovf2; do
  one $name -1 0 1
  one $name -1 0 3 --dist cyclic:2 --chunk 1Ki --strategy exchange
  one $name -1 0 4 --dist cyclic --strategy view --overlap --chunk 2Ki
done
for name in i64; do
  one $name -1 0 1
  one $name -1 0 3 --dist cyclic:2 --chunk 1Ki --strategy exchange
  one $name -1 0 5 --dist cyclic --strategy view --overlap --chunk 2Ki
done
for axis in -1 0 1; do
  one i32 $axis 0 1 --dist rows
  one i32 $axis 0 4 --dist tiles --chunk 512 --strategy exchange
done
one nan -1 1 2 --dist cyclic
one nan -1 1 3 --dist block --chunk 1Ki
# 2-D: whole, per column, per row, over the 2-D distributions
for axis in -1 0 1; do
  one w2d $axis 0 1 --dist rows
  one w2d $axis 0 2 --dist cols --chunk 1Ki --strategy exchange
  one w2d $axis 0 3 --dist tiles --chunk 2Ki
  one w2d $axis 0 4 --dist tiles --strategy view --overlap --chunk 1Ki
  one w2d $axis 0 5 --dist rows-cyclic:2 --chunk 512
  one m2d $axis 0 1 --dist rows
  one m2d $axis 0 3 --dist cols --chunk 1Ki
  one m2d $axis 0 4 --dist tiles --strategy exchange
done
# the default's shift is the dataset's first element (0 when it is NaN), the same
# through the task pool (--schedule dynamic)
for name in nan0 huge; do
  one $name -1 1 1
  one $name -1 1 3 --dist cyclic:2 --chunk 1Ki --strategy exchange
  one $name -1 1 2 --schedule dynamic --chunk 1Ki
done
one shift -1 0 3 --schedule dynamic --chunk 2Ki
one shift -1 0 1 --schedule dynamic
# --exact: the correctly rounded variance (exact squares), the same bytes at any split
for name in adv1 adv2 shift wide; do
  one $name -1 0 2 --exact --dist cyclic:3 --chunk 1Ki
  one $name -1 0 3 --exact --dist block --chunk 2Ki --strategy exchange
done
one huge -1 0 2 --exact --dist cyclic --chunk 1Ki
for name in f32 ovf ovf2 inf; do
  one $name -1 0 2 --exact --dist cyclic --chunk 1Ki
done
one nan -1 1 4 --exact --dist cyclic:2 --chunk 512
one w2d -1 0 3 --exact --dist tiles --chunk 1Ki
# pario-run writes the same results
job adv1 -1 3 cyclic:5 1Ki
job shift -1 4 cyclic 2Ki
job w2d 0 2 tiles 1Ki
job m2d 1 3 cols 4Ki

if $REF check manifest; then pass "values and identical outputs"; else fail "floats_ref.py check (above)"; fi

# --skip-nan with a NaN (or inf) first and data far from 0: the shift is the
# first finite element (it was 0: var 0 for [nan, 1e15, 1e15+1, ...], where
# numpy's nanvar is 1.25; session 13); a chunked HDF5 copy gives the same bits
$PYTHON3 -c "
import numpy as np, h5py
r = np.random.default_rng(8)
a = 1e15 + 50 * r.standard_normal(3001); a[:3] = np.nan
a.tofile('nanfirst.bin'); open('nanfirst.bin.yaml', 'w').write('dtype: float64\nshape: [3001]\n')
with h5py.File('nanfirst.h5', 'w') as f: f.create_dataset('x', data=a, chunks=(100,))" || exit 99
mpirun 2 pario-reduce --skip-nan --op var,std --format json nanfirst.bin > nf.json 2> nf.err || fail "nanfirst: $(cat nf.err)"
mpirun 3 pario-reduce --skip-nan --op var,std --format json nanfirst.h5:/x > nfh.json 2> nfh.err || fail "nanfirst.h5: $(cat nfh.err)"
check "--skip-nan, NaNs first, data near 1e15: the exact variance (fractions) within 1e-12" $PYTHON3 -c "
import json, numpy as np
from fractions import Fraction as F
a = np.fromfile('nanfirst.bin'); a = [F(float(x)) for x in a[~np.isnan(a)]]
m = sum(a) / len(a); t = float(sum((x - m) ** 2 for x in a) / len(a))
v = json.load(open('nf.json'))['var']
assert abs(v - t) <= 1e-12 * t, (v, t)" 
check "--skip-nan, NaN first: the chunked HDF5 copy gives the raw file's bits" cmp -s nf.json nfh.json
finish
