#!/bin/sh
# pario-reduce edge cases: empty dataset, all NaN, one element, values on histogram
# edges, 64-bit sums that overflow (and partial sums that overflow while the total
# does not), infinities, --min > --max, and usage errors.
. "${PARIO_SRCDIR:-$(dirname "$0")/../..}/tests/mpi/lib.sh"
. "$PARIO_SRCDIR/tests/mpi/reduce_lib.sh"

# The inputs, made by numpy: reduce_ref.py's datasets in one Python process
# (mkdata, reduce_lib.sh), the others in another (the heredoc below; each
# section says what its inputs are for). Every check in Python is deferred to one
# more process at the end (run_deferred, lib.sh).
mkdata --dtype float64 --shape 7 --kind allnan --out allnan.bin
mkdata --dtype float32 --shape 5 --kind allnan --out allnan32.bin
for t in int64 float32 uint8; do mkdata --dtype $t --shape 1 --out one$t.bin; done
mkdata --dtype float64 --shape 1001 --seed 7 --out float64.bin
mkdata --dtype int32 --shape 1001 --seed 7 --out int32.bin
mkdata --dtype float64 --shape 60 --kind edges --out edges.bin
mkdata --dtype float32 --shape 60 --kind edges --out edges32.bin
mkdata --dtype float64 --shape 50001 --kind edgestress --hist=0.1:0.7:7 --seed 3 --out es1.bin
mkdata --dtype float64 --shape 40003 --kind edgestress --hist=-1e6:3000000.3:3000 --seed 4 --out es2.bin
mkdata --dtype float32 --shape 30011 --kind edgestress --hist=-6:6:100 --seed 5 --out es3.bin
mkdata --dtype int32 --shape 20011 --kind edgestress --hist=-7:13:7 --out es4.bin
mkdata --dtype int64 --shape 5 --kind overflow --out ov.bin
mkdata --dtype int64 --shape 4 --kind underflow --out un.bin
mkdata --dtype uint64 --shape 3 --kind overflow --out uov.bin
mkdata --dtype int64 --shape 9 --kind cancel --out cancel.bin
mkdata --dtype int8 --shape 5000 --kind overflow --out i8.bin
mkdata_all
"$PYTHON3" - <<'PY' || exit 99
import numpy as np
# ranges no histogram of finite bins can cut
np.array([1e17, 1e17]).tofile('h17.bin'); np.array([2**63 - 1] * 3, dtype='<i8').tofile('hmax.bin')
np.array([-1e308, 0.0, 1e308]).tofile('hwide.bin')
# floats that YAML 1.1 does not read as floats unless written with a '.', and -0.0
np.array([1e-5, 3e-5, 1e300]).tofile('small.bin'); np.array([-0.0, -0.0]).tofile('negz.bin')
# infinities
a = np.array([1.0, np.inf, 2.0, -3.0]); a.tofile('inf.bin')
open('inf.bin.yaml', 'w').write('dtype: float64\n')
# int64/uint64 data over each type's range, with numpy's histograms of bounds near its extremes
r = np.random.default_rng(14)
with open('ihcases', 'w') as out:
    for t in range(10):
        dt = 'int64' if t % 2 == 0 else 'uint64'
        info = np.iinfo(dt)
        a = r.integers(info.min, info.max, size=997, dtype=dt, endpoint=True)
        k1, k2 = int(r.integers(0, 5)), int(r.integers(0, 5))
        lo, hi = int(a.min()) + k1, int(a.max()) - k2
        a.tofile('ih%d.bin' % t)
        open('ih%d.bin.yaml' % t, 'w').write('dtype: %s\nshape: [997]\n' % dt)
        c = np.histogram(a, bins=7, range=(lo, hi))[0]
        out.write('%d %d %d %s\n' % (t, lo, hi, ','.join(map(str, c))))
# float32 data on and around float64 and float32 edges, with numpy's histograms
r = np.random.default_rng(32)
with open('f4cases', 'w') as out:
    for t in range(9):
        bins = [10, 7, 100][t % 3]
        rng = [(0.0, 1.0), (-3.3, 2.9), None][t // 3]
        lo, hi = rng if rng else (-1.0, 1.0)
        e64 = np.linspace(lo, hi, bins + 1)
        a = np.concatenate([e64, np.nextafter(e64.astype('f4'), np.float32(-np.inf)), np.nextafter(e64.astype('f4'), np.float32(np.inf)),
                            r.uniform(lo, hi, 500)]).astype('f4')
        a.tofile('f4_%d.bin' % t)
        open('f4_%d.bin.yaml' % t, 'w').write('dtype: float32\nshape: [%d]\n' % len(a))
        c, e = np.histogram(a, bins, rng) if rng else np.histogram(a, bins)
        arg = '--min %r --max %r' % rng if rng else ''
        out.write('%d|%d|%s|%s|%s\n' % (t, bins, arg, ','.join(map(str, c)), ','.join(repr(float(x)) for x in e)))
# values on interior edges whose images in the kernels' fast arithmetic lie
# far from whole numbers: a range far from zero (float64), float32 edges that
# another value in the batch decided (float32), an int64 edge rounded onto a
# value (int64); numpy's counts (a hostile-user pass, session 25: the bins
# moved with the rank count, --chunk and the kernel)
with open('nearcases', 'w') as out:
    lo, hi = 141868435072.107, 141868435086.29382
    e = np.linspace(lo, hi, 11)[1:-1]
    a = np.concatenate([e, np.nextafter(e, np.inf), np.nextafter(e, -np.inf)])
    cases = [('n64', a, 10, lo, hi), ('n32', np.array([0.1] * 100 + [0.6], dtype='f4'), 64, -0.4, 0.6),
             ('ni64', np.array([9007199254740990, 9007199254740989, 9007199254740991], dtype='<i8'), 2,
              9007199254740987, 9007199254740994)]
    for t in range(4):
        lo, hi = float(r.uniform(-1e12, 1e12)), 0.0
        hi = lo + float(r.uniform(1, 100))
        e = np.linspace(lo, hi, 8)[1:-1]
        cases.append(('nr%d' % t, np.concatenate([e, np.nextafter(e, np.inf), np.nextafter(e, -np.inf)]), 7, lo, hi))
    for name, a, bins, lo, hi in cases:
        a.tofile(name + '.bin')
        open(name + '.bin.yaml', 'w').write('dtype: %s\nshape: [%d]\n' % (a.dtype.name, len(a)))
        c = np.histogram(a, bins=bins, range=(lo, hi))[0]
        out.write('%s|%d|%r|%r|%s\n' % (name, bins, lo, hi, ','.join(map(str, c))))
# float32 data all in edges that meet in float32
np.full(11, 1e9, dtype='f4').tofile('meet.bin'); open('meet.bin.yaml', 'w').write('dtype: float32\nshape: [11]\n')
# subnormals
np.array([-1e-310, 5e-324, 2.5e-320], dtype='<f8').tofile('sub.bin'); open('sub.bin.yaml', 'w').write('dtype: float64\nshape: [3]\n')
# an empty float dataset of two dimensions
np.save('e03.npy', np.zeros((0, 3)))
PY

# empty: sum 0, no min/max (null), mean/var/std NaN ("nan" in JSON), histogram of [0, 1]
: > empty.bin; printf 'dtype: float64\nshape: [0]\n' > empty.bin.yaml
: > iempty.bin; printf 'dtype: int32\nshape: [0]\n' > iempty.bin.yaml
run 1 empty1.json empty.bin --op $ALL,count=1,range=0:1
run 3 empty3.json iempty.bin --op $ALL,count=1 --bins 4

# all NaN: propagated (argmin/argmax at the first NaN, as numpy), or skipped
run 2 allnan.p.json allnan.bin --op $ALL --min 0 --max 1
run 2 allnan.s.json allnan.bin --op $ALL --skip-nan
run 3 allnan32.s.json allnan32.bin --op $ALL --skip-nan --dist cyclic
expect_error 2 1 '^pario-reduce: error: allnan.bin: hist: the data.s range \[nan, nan\] is not finite' pario-reduce --op hist allnan.bin
# ranges no histogram of finite bins can cut (numpy fails on each): refused, not
# a histogram with every count 0 or NaN edges (exit 0 before session 12)
printf 'dtype: float64\nshape: [2]\n' > h17.bin.yaml; printf 'dtype: int64\nshape: [3]\n' > hmax.bin.yaml
printf 'dtype: float64\nshape: [3]\n' > hwide.bin.yaml
expect_error 2 1 '^pario-reduce: error: h17.bin: histogram range \[1e\+17, 1e\+17\] \(its bounds as float64.*\) cannot be cut into 4 finite-sized bins' \
  pario-reduce --op hist --bins 4 h17.bin
expect_error 3 1 '^pario-reduce: error: hmax.bin: histogram range \[9.2233720368547758e\+18, 9.2233720368547758e\+18\] \(its bounds as float64.*\) cannot be cut' \
  pario-reduce --op hist --bins 4 hmax.bin
expect_error 1 1 '^pario-reduce: error: hwide.bin: histogram range \[-1e\+308, 1e\+308\] \(its bounds as float64.*\) cannot be cut into 4 finite-sized bins' \
  pario-reduce --op hist --bins 4 hwide.bin
# a range that is not finite names the file, at either schedule, per lane and
# for a CSV column (the default schedule's line named none)
"$PYTHON3" -c "import numpy as np; np.save('nanx.npy', np.array([1.0, np.nan, 3.0])); np.save('infx.npy', np.array([[1.0, np.inf], [2, 3]]))" || exit 99
printf 'a\n1\nnan\n' > nanx.csv
for sched in static dynamic; do
  expect_error 2 1 "^pario-reduce: error: nanx.npy: hist: the data's range \\[nan, nan\\] is not finite \\(give --min and --max, or --skip-nan\\)\$" \
    pario-reduce --op hist --schedule $sched nanx.npy
done
expect_error 3 1 "^pario-reduce: error: infx.npy: hist: the data's range \\[1, inf\\] is not finite \\(give --min and --max\\)\$" \
  pario-reduce --op hist --axis 0 infx.npy
expect_error 2 1 "^pario-reduce: error: nanx.csv: hist: the column's range \\[nan, nan\\] is not finite" \
  pario-reduce --op hist --column a nanx.csv
mpirun 2 pario-reduce --op hist --bins 4 --min 0 --max 2e17 --format json h17.bin > h17.json
defer "the same data with a range given: numpy's counts" hist-numpy h17.json h17.bin 4 0 2e17

# floats read back as floats: YAML's 2e-05 was a string to PyYAML (YAML 1.1
# needs a '.'), and -0.0 printed as -0 read back as the integer 0 (session 12)
printf 'dtype: float64\nshape: [3]\n' > small.bin.yaml; printf 'dtype: float64\nshape: [2]\n' > negz.bin.yaml
for fmt in yaml json; do
  d="--format $fmt: every float a float, with numpy's values, -0.0 with its sign"
  if mpirun 2 pario-reduce --op min,max,mean --format $fmt small.bin > s.$fmt &&
     mpirun 2 pario-reduce --op min,max --format $fmt negz.bin > z.$fmt; then
    defer "$d" floats $fmt s.$fmt z.$fmt small.bin
  else
    fail "$d: pario-reduce failed"
  fi
done

# one element, on 1 and 3 ranks (two ranks own nothing); a histogram of one value
for t in int64 float32 uint8; do
  run 1 one$t.1.json one$t.bin --op $ALL
  run 3 one$t.3.json one$t.bin --op $ALL,count=0 --dist cyclic
done
run 2 same.json onefloat32.bin --op hist --min 3 --max 3

# values on the edges of [0, 10] in 5 bins, and just outside
run 3 edges.json edges.bin --op hist,count=10,range=2:10 --bins 5 --min 0 --max 10 --dist cyclic:4
run 2 edges32.json edges32.bin --op hist --bins 5 --min 0 --max 10
run 1 edges1.json edges.bin --op hist --bins 5

# many batches of values on the edges and 1-3 ulps either side (the kernel bins by
# arithmetic and redoes a batch with numpy's edge comparisons only when a value is
# that close): awkward decimal edges, a wide range, > 1024 bins, float32, integers
for n in 1 2 3; do
  run $n es1.$n.json es1.bin --op hist --bins 7 --min 0.1 --max 0.7
done
run 2 es2.json es2.bin --op hist --bins 3000 --min -1e6 --max 3000000.3
run 3 es3.json es3.bin --op hist --bins 100 --min -6 --max 6 --dist cyclic:1000
run 2 es4.json es4.bin --op hist --bins 7 --min -7 --max 13

# 64-bit sums: overflow is reported (null + sum_overflow), never wrapped; partial
# sums that leave the range while the total does not still give the exact total
for n in 1 2 3; do
  run $n ov$n.json ov.bin --op sum,mean,min,max --dist cyclic
  run $n cancel$n.json cancel.bin --op sum,mean --dist block
done
run 2 un.json un.bin --op sum,mean
run 2 uov.json uov.bin --op sum,mean
run 3 i8.json i8.bin --op sum,mean
mpirun 2 pario-reduce --op sum ov.bin > ov.txt 2> ov.err
check "overflow warning on stderr" grep -qx 'pario-reduce: warning: the sum of the dataset overflows int64; reported as null' ov.err
check "overflow reported as null in text" grep -q '^sum: -$' ov.txt

defer "results match numpy" manifest manifest

# a range that is given costs one pass; one taken from the data costs two
mpirun 2 pario-reduce --op $ALL --min 0 --max 1 --verbose float64.bin > /dev/null 2> p1.err
mpirun 2 pario-reduce --op $ALL --verbose float64.bin > /dev/null 2> p2.err
check "one pass with --min/--max" grep -q '1 pass over the data' p1.err
check "two passes without" grep -q '2 passes over the data' p2.err

# infinities (JSON has no inf: YAML shows them)
mpirun 2 pario-reduce --op sum,max,min,mean,var --format yaml inf.bin > inf.yaml
defer "infinity propagates as in numpy" infinities inf.yaml

# usage errors: exit 2, one line, before any data is read
expect_error 2 2 'pario-reduce: error: --min 5 is greater than --max 1' pario-reduce --op hist --min 5 --max 1 float64.bin
expect_error 1 2 'pario-reduce: error: --axis 0 needs a 2-D dataset' pario-reduce --op sum --axis 0 float64.bin
expect_error 2 2 "pario-reduce: error: unknown operation 'median'" pario-reduce --op sum,median float64.bin
expect_error 1 2 "pario-reduce: error: --bins '0'" pario-reduce --op hist --bins 0 float64.bin
expect_error 1 2 'pario-reduce: error: say what to compute' pario-reduce float64.bin
expect_error 2 2 "pario-reduce: error: operation 'count=abc': 'abc' is not a number" pario-reduce --op count=abc int32.bin
expect_error 1 2 "pario-reduce: error: operation 'range=5': expected range=LO:HI" pario-reduce --op range=5 int32.bin
# a NaN bound: the operation named once (it said "range=nan:inf: --range nan:inf: ...")
expect_error 2 2 "^pario-reduce: error: operation 'range=nan:inf': 'nan' is not a number\$" pario-reduce --op range=nan:inf float64.bin
# a number with a blank before it is refused as one with a blank after it, by
# every number option alike (pario-count --value ' 16' counted 16s while
# count= refused it; --range, --min took it too)
for t in int32 float64; do
  expect_error 1 2 "^pario-count: error: --value: ' 16' is not a number\$" pario-count --value ' 16' $t.bin
  expect_error 2 2 "^pario-count: error: --values: ' 16' is not a number\$" pario-count --values '1, 16' $t.bin
  expect_error 1 2 "^pario-count: error: --range  1:16: ' 1' is not a number\$" pario-count --range ' 1:16' $t.bin
  expect_error 1 2 "^pario-count: error: --value: '16 ' is not a number\$" pario-count --value '16 ' $t.bin
  expect_error 2 2 "^pario-reduce: error: operation 'count= 16': ' 16' is not a number\$" pario-reduce --op 'count= 16' $t.bin
  expect_error 1 2 "^pario-reduce: error: --min ' 3': expected a finite number\$" pario-reduce --op hist --min ' 3' --max 5 $t.bin
done
expect_error 2 2 "pario-reduce: error: --axis '2'" pario-reduce --op sum --axis 2 int32.bin
expect_error 2 1 'pario-reduce: error: nothing.bin' pario-reduce --op sum nothing.bin
# int64/uint64 histograms with integer bounds of 2^53 and more: numpy tests the
# range in integers; pario rounded bounds and data to double, so a value just
# outside a bound was counted (a hostile-user pass, session 14). Random data
# over each type's range, bounds at the data's extremes moved by 0-4, 1-3 ranks,
# pario-reduce and pario-run (tasks) against numpy.histogram with int bounds
# (ihcases: the data and numpy's counts, made at the top).
while read -r t lo hi want; do
  n=$((t % 3 + 1))
  mpirun $n pario-reduce --op hist --bins 7 --min "$lo" --max "$hi" --format json "ih$t.bin" > "ih$t.json" 2>&1 </dev/null
  defer "int histogram, bounds $lo:$hi (case $t, n=$n): numpy's counts" counts "ih$t.json" "$want"
done < ihcases
printf 'input: {data: ih0.bin}\noperations: [{op: hist, bins: 7, min: %s, max: %s}]\n' \
  "$(sed -n 1p ihcases | cut -d' ' -f2)" "$(sed -n 1p ihcases | cut -d' ' -f3)" > ihjob.yaml
mpirun 2 pario-run --schedule dynamic --format json ihjob.yaml ih0.bin ih2.bin > ihjob.json 2>&1
defer "pario-run (tasks): the int histogram of ih0.bin is numpy's" run-counts ihjob.json ih0.bin "$(sed -n 1p ihcases | cut -d' ' -f4)"
# float32 data: numpy makes the edges in float32 (linspace(..., dtype=float32))
# and bins against them; pario used float64 edges, so values near an edge
# went to the other bin (a hostile-user pass, session 14). Data on and around
# float64 and float32 edges, given and automatic ranges, 1-3 ranks (f4cases: the
# data and numpy's counts and edges, made at the top).
while IFS='|' read -r t bins arg want edges; do
  n=$((t % 3 + 1))
  mpirun $n pario-reduce --op hist --bins "$bins" $arg --format json "f4_$t.bin" > "f4_$t.json" 2>&1 </dev/null
  defer "float32 histogram (case $t, $bins bins, n=$n): numpy's counts and edges" counts "f4_$t.json" "$want" "$edges"
done < f4cases
# edges whose images lie far from whole numbers: numpy's counts at 1-3 ranks,
# chunks of 8 and 24 bytes and the default, and every kernel
while IFS='|' read -r name bins lo hi want; do
  for run in "1 8 default" "2 24 avx2" "3 1Mi clones" "1 1Mi avx512" "2 8 default"; do
    set -- $run
    PARIO_REDUCE_KERNEL=$3 mpirun $1 pario-reduce --op hist --bins "$bins" --min "$lo" --max "$hi" --chunk $2 \
      --format json "$name.bin" > "$name.$1.$2.$3.json" 2>&1 </dev/null
    defer "histogram of values on edges far from whole numbers ($name, n=$1, chunk $2, kernel $3): numpy's counts" \
      counts "$name.$1.$2.$3.json" "$want"
  done
done < nearcases
# float32 edges that meet: refused (every count was 0, exit 0; numpy's own
# arithmetic put all of them in bin 1)
expect_error 2 1 '^pario-reduce: error: meet.bin: histogram range \[1000000000, 1000000001\] cannot be cut into 7 finite-sized bins of float32 \(the data.s type; its edges meet at 1e\+09\)' \
  pario-reduce --op hist --bins 7 --min 1e9 --max 1000000001 meet.bin
# subnormal results as the shortest text that reads back, as Python's repr
# (-1e-310 was printed -9.99999999999997e-311)
mpirun 2 pario-reduce --op min,max --format json sub.bin > sub.json 2>&1
check "subnormal min and max printed as Python's repr" sh -c 'grep -q "\"min\":-1e-310," sub.json && grep -q "\"max\":2.5e-320," sub.json'
# an empty float dataset reduced along its empty axis still says nan_count (the
# output took the kind of a lane it does not have)
for a in 0 1; do
  mpirun 2 pario-reduce --op sum,min --axis $a --format json e03.npy > e03.$a.json 2>&1
  defer "(0, 3) floats, --axis $a: nan_count 0 and one sum per lane" empty-lanes e03.$a.json $a
done
# hist, count or range alone on floats count the NaNs too (nan_count said 0
# unless an accumulator's operation ran with them; session 23), at 1-3 ranks
# and both schedules, with and without --skip-nan
"$PYTHON3" -c "
import numpy as np
a = np.random.default_rng(7).normal(size=1001); a[[0, 17, 500, 1000]] = np.nan; a.tofile('hn.bin')" || exit 99
printf 'dtype: float64\n' > hn.bin.yaml
i=0
for ops in "hist --bins 4 --min -3 --max 3" "count=0" "range=-1:1" "hist --bins 3"; do
  for sched in static dynamic; do
    i=$((i + 1)); n=$((i % 3 + 1))
    # shellcheck disable=SC2086
    mpirun $n pario-reduce --op $ops --skip-nan --schedule $sched --chunk 1Ki --format json hn.bin > hn.json 2>&1
    check "--op $ops alone ($sched, n=$n): nan_count is numpy's 4: $(head -c 200 hn.json)" "$PYTHON3" -c "
import json, numpy as np
assert json.load(open('hn.json'))['nan_count'] == int(np.isnan(np.fromfile('hn.bin')).sum()) == 4"
  done
done
# int64 bounds beyond 2^53 are rounded to float64 (the edges' type): the error
# says so, not that numpy refuses such a range (numpy 1.24 does not); the
# range printed is the one the edges have
"$PYTHON3" -c "import numpy as np; np.array([2**53 + 1, 2**53, 2**53 + 2], dtype=np.int64).tofile('b53.bin')" || exit 99
printf 'dtype: int64\n' > b53.bin.yaml
expect_error 1 1 "^pario-reduce: error: b53.bin: histogram range \\[9007199254740992, 9007199254740992\\] \\(its bounds as float64, the edges' type, as numpy's: integers beyond 2\\^53 round\\) cannot be cut into 2 finite-sized bins: give --min and --max \(a job's min and max\) further apart, or fewer --bins \(bins\)\$" \
  pario-reduce --op hist --bins 2 --min 9007199254740992 --max 9007199254740993 b53.bin
# per-lane HDF5 results keep the lanes that have a value when one has none (an
# all-NaN column skipped, an int64 column whose sum overflows): the others
# hold numpy's values, the empty ones a fill, and /X_missing says which (every
# lane was left out: session 23). pario-run's job writes the same file.
"$PYTHON3" -c "
import numpy as np
np.array([[np.nan, 1, 5], [np.nan, -3, 6], [np.nan, 2, -7]]).tofile('lan.bin')
np.array([[2**63 - 1, 1, 5], [1, -3, 5]], dtype=np.int64).tofile('lov.bin')" || exit 99
printf 'dtype: float64\nshape: [3, 3]\n' > lan.bin.yaml
printf 'dtype: int64\nshape: [2, 3]\n' > lov.bin.yaml
rm -f lan.h5 lov.h5 lanj.h5
mpirun 2 pario-reduce --op sum,min,max --skip-nan --axis 0 --h5 lan.h5 lan.bin > /dev/null 2>&1 || fail "reduce lan.bin --h5"
mpirun 3 pario-reduce --op sum --axis 0 --h5 lov.h5 lov.bin > /dev/null 2>&1 || fail "reduce lov.bin --h5"
printf 'input: {data: lan.bin}\naxis: 0\nskip_nan: true\noperations: [min, max]\noutput: {h5: lanj.h5}\n' > lanj.yaml
mpirun 2 pario-run lanj.yaml > /dev/null 2>&1 || fail "pario-run lanj.yaml"
check "per-lane HDF5 results with lanes of no value: numpy's values in the others, the lanes flagged" "$PYTHON3" -c "
import h5py, numpy as np
a = np.fromfile('lan.bin').reshape(3, 3); o = np.fromfile('lov.bin', dtype=np.int64).reshape(2, 3)
for fn in ('lan.h5', 'lanj.h5'):
    f = h5py.File(fn, 'r')
    for op, ref, arg in (('min', np.nanmin, np.nanargmin), ('max', np.nanmax, np.nanargmax)):
        assert list(f[op + '_missing'][:]) == [1, 0, 0] and f.attrs[op + '_missing'] == 1, (fn, op)
        assert np.isnan(f[op][0]) and f['arg' + op][0] == 2**64 - 1, (fn, op)
        assert (f[op][1:] == ref(a[:, 1:], axis=0)).all() and (f['arg' + op][1:] == arg(a[:, 1:], axis=0)).all(), (fn, op)
f = h5py.File('lov.h5', 'r')
assert list(f['sum_missing'][:]) == [1, 0, 0] and f.attrs['sum_overflow'] == 1
assert f['sum'][1:].tolist() == [int(x) for x in o[:, 1:].sum(axis=0)]"
# JSON and YAML keep each number's type: a float result with an integral value
# is 21.0, not 21 (Python's json and PyYAML read 21 as an int; json.dumps and
# numpy write 21.0); integer data's sums and every count stay integers
"$PYTHON3" -c "import numpy as np; np.arange(7, dtype='f8').tofile('ity.bin'); np.arange(7, dtype='i4').tofile('ityi.bin')" || exit 99
printf 'dtype: float64\n' > ity.bin.yaml; printf 'dtype: int32\n' > ityi.bin.yaml
for f in json yaml; do
  mpirun 2 pario-reduce --op sum,min,max,mean,std,hist --bins 2 --format $f ity.bin > ity.$f 2>&1 || fail "reduce ity.bin --format $f"
  mpirun 3 pario-reduce --op sum,min,max --format $f ityi.bin > ityi.$f 2>&1 || fail "reduce ityi.bin --format $f"
done
check "JSON and YAML: integral float results read back as floats, integer ones as ints (as numpy's types)" "$PYTHON3" -c "
import json, yaml, numpy as np
x = np.arange(7, dtype='f8')
for load in (json.load, yaml.safe_load):
    ext = 'json' if load is json.load else 'yaml'
    d = load(open('ity.' + ext)); i = load(open('ityi.' + ext))
    want = {'sum': x.sum(), 'min': x.min(), 'max': x.max(), 'mean': x.mean(), 'std': x.std()}
    for k, v in want.items():
        assert type(d[k]) is float and d[k] == v, (ext, k, d[k])
    assert all(type(e) is float for e in d['hist']['edges']) and d['hist']['edges'] == [0.0, 3.0, 6.0], (ext, d['hist'])
    assert all(type(c) is int for c in d['hist']['counts']) and type(d['elements']) is int and type(d['argmax']) is int, ext
    for k in ('sum', 'min', 'max'):
        assert type(i[k]) is int and i[k] == int(getattr(x.astype('i4'), k)()), (ext, k, i[k])"
# an empty mapping is {} in YAML as in JSON (a bare "counts:" read back as
# None): the per-row histograms of a 0 x 3 dataset
"$PYTHON3" -c "import numpy as np; np.save('e2d.npy', np.zeros((0, 3)))" || exit 99
for f in json yaml; do
  mpirun 2 pario-reduce -q --op hist,sum --axis 1 --format $f e2d.npy > e2d.$f 2>&1 || fail "reduce e2d.npy --format $f"
done
check "an empty per-lane histogram is an empty mapping in JSON and YAML, as numpy's 0 rows give" "$PYTHON3" -c "
import json, yaml, numpy as np
for d in (json.load(open('e2d.json')), yaml.safe_load(open('e2d.yaml'))):
    assert d['hist']['counts'] == {} and d['sum'] == np.zeros((0, 3)).sum(axis=1).tolist() and d['elements'] == 0, d"
run_deferred "$REFPY"
finish
