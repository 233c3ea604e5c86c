#!/bin/bash
# Issue 10, section 7: the smaller defects, each checked against an independent
# reference (cmp, numpy, python's json/fractions). The inputs and the counts the
# tools must give are written by tests/mpi/defects_ref.py make; its checks of the
# outputs are deferred (defer, then one Python process at the end: run_deferred,
# lib.sh), each on an output file of its own.
. "$(dirname "$0")/lib.sh"
SAMPLE=$PARIO_SRCDIR/sample-data
REF=$PARIO_SRCDIR/tests/mpi/defects_ref.py
# the values given to --value below, whose counts make computes (values.want)
FVALS="1e400 -1e400 1e-400 -1e-400 inf -inf 0 5e-324 1e0"
IVALS="0x7fffffffffffffff 9.223372036854775807e18 -0x8000000000000000 5e0 0x5 9223372036854775807.0 18446744073709551615"
"$PYTHON3" "$REF" make "$FVALS" "$IVALS" || { echo "defects_ref.py make failed"; exit 99; }

# ---- scatter then gather gives back the file byte for byte, header included ----
# Headers of random bytes (so a zeroed header cannot pass), one larger than the
# copy buffer, big- and little-endian data, 1-D and 2-D, uneven sizes.
# (h1.bin, h2.bin, h3.bin: defects_ref.py make)
cp "$SAMPLE/int32-be-header.bin" "$SAMPLE/int32-be-header.bin.yaml" .

K=0
header_roundtrip() { # FILE N DIST: the output out$K.bin kept for the deferred check of its descriptor
  local f=$1 n=$2 dist=$3
  K=$((K + 1))
  rm -f part.*
  if ! mpirun "$n" pario-scatter --dist "$dist" --out part "$f" >/dev/null; then fail "scatter $f $dist n=$n"; return; fi
  if ! mpirun "$n" pario-gather --out out$K.bin part >/dev/null; then fail "gather $f $dist n=$n"; return; fi
  check "header round trip $f $dist n=$n" cmp -s "$f" out$K.bin
  defer "header round trip $f $dist n=$n: descriptor" descriptor "$f.yaml" out$K.bin.yaml
}
# each file and distribution at one odd and one even rank count (CI time)
i=0
for n in 1 2 3 4; do
  for fd in int32-be-header.bin:block h1.bin:block int32-be-header.bin:cyclic h1.bin:cyclic \
            int32-be-header.bin:cyclic:7 h1.bin:cyclic:7 h2.bin:rows h2.bin:cols h2.bin:tiles \
            h2.bin:cyclic:5 h3.bin:rows-cyclic:2 h3.bin:rows-cyclic:2; do
    i=$((i + 1))
    [ $(( (i + n) % 2 )) -eq 0 ] && header_roundtrip "${fd%%:*}" $n "${fd#*:}"
  done
done
# the parts are datasets in their own right: part 0 holds the header as its own,
# the others none, and each part's elements are what the distribution gives it
mpirun 3 pario-scatter --dist cyclic:7 --out part h1.bin
# (checked at the end: part.1.yaml and part.2 are changed below, and put back)
defer "parts hold the elements and part 0 the header" parts h1.bin part 3 7 64
mpirun 3 pario-count --range 0:2147483647 part.0 >/dev/null
check "part 0 with its header counts like any dataset" test $? -eq 0
# parts that do not agree on the header are refused, and nothing is written
cp part.1.yaml keep.yaml
sed -i 's/, offset: 64\([,}]\)/, offset: 8\1/' part.1.yaml
expect_error 3 1 "part\.1: does not belong with part\.0 .*header" pario-gather --out bad.bin part
cp keep.yaml part.1.yaml
sed -i 's/, offset: 64\([,}]\)/\1/' part.1.yaml
expect_error 3 1 "part\.1: does not belong with part\.0" pario-gather --out bad.bin part
cp keep.yaml part.1.yaml
# every part's dist unknown: named by the part (no file was named; session 26)
cp part.0.yaml keep0.yaml; cp part.2.yaml keep2.yaml
sed -i 's/dist: "[^"]*"/dist: "bogus"/' part.0.yaml part.1.yaml part.2.yaml
expect_error 3 1 "^pario-gather: error: part\.0: the part's dist: unknown distribution 'bogus'" pario-gather --out bad.bin part
# ... and one that does not fit the parts (a grid of 4 on 3 parts, a 2-D dist
# on 1-D parts): the parts' error, exit 1 (it was exit 2, naming no file, as
# if --dist had been given; session 27)
sed -i 's/dist: "[^"]*"/dist: "tiles:2x2"/' part.0.yaml part.1.yaml part.2.yaml
expect_error 3 1 "^pario-gather: error: part\.0: the part's dist: distribution 'tiles:2x2' needs a 2-D dataset" \
  pario-gather --out bad.bin part
sed -i 's/dist: "[^"]*"/dist: "cyclic:0"/' part.0.yaml part.1.yaml part.2.yaml
expect_error 3 1 "^pario-gather: error: part\.0: the part's dist: " pario-gather --out bad.bin part
cp keep0.yaml part.0.yaml; cp keep.yaml part.1.yaml; cp keep2.yaml part.2.yaml
# a part cut short: one line naming the part and its rank (the name was empty)
cp part.2 keep.part && truncate -s 20 part.2
expect_error 3 1 "^pario-gather: error: part\.2: 20 bytes, but shape .* \(file too short\) \(rank 2\)$" pario-gather --out bad.bin part
cp keep.part part.2
check "no output from refused gathers" test ! -e bad.bin

# ---- the progress line counts both of hist's passes: never over 100%, sane ETA ----
mpirun 2 pario-gen --dtype float64 --count 300001 --normal 0:1 --seed 3 --out g.bin >/dev/null
# progress_ok DESC: the --progress lines on prog$K.err, a non-terminal stderr
progress_ok() { defer "$1" progress prog$K.err; }
for n in 1 2 3; do
  K=$((K + 1))
  PARIO_PROGRESS_INTERVAL=0 mpirun $n pario-reduce --op hist --chunk 64Ki --progress g.bin >/dev/null 2>prog$K.err
  progress_ok "hist progress (two passes) n=$n"
  K=$((K + 1))
  PARIO_PROGRESS_INTERVAL=0 mpirun $n pario-reduce --op hist,mean --min -5 --max 5 --chunk 64Ki --progress g.bin >/dev/null 2>prog$K.err
  progress_ok "hist progress (one pass) n=$n"
done
printf "input: {data: g.bin}\noperations: [hist]\nio: {chunk: 64Ki}\n" > hist.yaml
K=$((K + 1))
PARIO_PROGRESS_INTERVAL=0 mpirun 2 pario-run --progress hist.yaml >/dev/null 2>prog$K.err
progress_ok "pario-run hist progress"

# ---- JSON spells NaN and the infinities as strings; null is "no value" ----
# (nf.bin and empty.bin: defects_ref.py make)
# nonfinite_ok DESC FORMAT FILE DATA ARGS: the results, decoded, equal numpy's
nonfinite_ok() { local d=$1; shift; defer "$d" nonfinite "$@"; }
for fmt in json yaml; do
  for a in "" "--skip-nan" "--axis 0" "--axis 0 --skip-nan"; do
    K=$((K + 1))
    mpirun 2 pario-reduce --op sum,min,max,mean --format $fmt $a nf.bin > nf$K.$fmt
    nonfinite_ok "non-finite results in $fmt ($a)" $fmt nf$K.$fmt nf.bin $a
  done
  mpirun 2 pario-reduce --op sum,min,max,mean --format $fmt empty.bin > e.$fmt
  nonfinite_ok "empty dataset in $fmt: null extremes, NaN mean" $fmt e.$fmt empty.bin
done
printf "input: {data: nf.bin}\noperations: [sum, min, max, mean]\noutput: {results: nf-results.json}\n" > nf.yaml
mpirun 2 pario-run --quiet nf.yaml >/dev/null
nonfinite_ok "pario-run JSON results spell inf" json nf-results.json nf.bin

# ---- the overflow warning is one grammatical line, with the number from Python ints ----
# (ov.bin, ov2.bin, uov.bin and ov.want, ov2.want: defects_ref.py make)
for n in 1 3; do
  mpirun $n pario-reduce --op sum --axis 0 --dist cols ov.bin >/dev/null 2>ov.err
  check "overflow warning, 1 lane (n=$n)" grep -qx "pario-reduce: warning: the sum of $(cat ov.want) of 4 lanes overflows int64; reported as null" ov.err
  mpirun $n pario-reduce --op sum --axis 0 ov2.bin >/dev/null 2>ov.err
  check "overflow warning, 2 lanes (n=$n)" grep -qx "pario-reduce: warning: the sums of $(cat ov2.want) of 2 lanes overflow int64; reported as null" ov.err
  mpirun $n pario-reduce --op sum uov.bin >/dev/null 2>ov.err
  check "overflow warning, whole dataset (n=$n)" grep -qx "pario-reduce: warning: the sum of the dataset overflows uint64; reported as null" ov.err
done
printf "input: {data: ov.bin}\naxis: 0\noperations: [sum]\n" > ovjob.yaml
mpirun 2 pario-run ovjob.yaml >/dev/null 2>ov.err
check "pario-run overflow warning" grep -qx "pario-run: warning: the sum of 1 of 4 lanes overflows int64; reported as null" ov.err

# ---- --hint keys and values longer than MPI allows are refused, not dropped ----
read -r MAXKEY MAXVAL < <(printf '#include <mpi.h>\n#include <stdio.h>\nint main(void){printf("%%d %%d\\n", MPI_MAX_INFO_KEY, MPI_MAX_INFO_VAL);return 0;}\n' > maxinfo.c &&
  mpicc.mpich -o maxinfo maxinfo.c && ./maxinfo)
# repeat CHAR N: N times CHAR
repeat() { printf '%*s' "$2" '' | tr ' ' "$1"; }
longkey=$(repeat k 5000)
longval=$(repeat v $((MAXVAL + 1)))
for n in 1 3; do
  expect_error $n 2 "^pario-count: error: --hint: the key is 5000 characters; MPI allows at most $MAXKEY\$" \
    pario-count --hint "$longkey=1" --value 1 nf.bin
  expect_error $n 2 "^pario-reduce: error: --hint cb_nodes: the value is $((MAXVAL + 1)) characters; MPI allows at most $MAXVAL\$" \
    pario-reduce --op sum --hint "cb_nodes=$longval" nf.bin
done
key255=$(repeat k "$MAXKEY")
mpirun 2 pario-count --hint "$key255=1" --value 1 nf.bin >/dev/null
check "a key of exactly MPI_MAX_INFO_KEY characters is accepted" test $? -eq 0

# ---- --independent with romio_no_indep_rw=true: refused (only the aggregators
# open the file; independent writes on the others failed at 2 ranks and hung in
# fcntl's lock at 3) ----
"$PYTHON3" -c "
import numpy as np
np.arange(35, dtype='<i2').tofile('seq35.bin')
np.arange(35, dtype='<f4').reshape(7, 5).tofile('seq7x5.bin')
open('seq35.bin.yaml', 'w').write('dtype: int16\nshape: [35]\n')"
for n in 1 3 4; do
  rm -f ni.bin ni.bin.yaml
  expect_error $n 2 "^pario-gen: error: --independent with --hint romio_no_indep_rw=true: the hint lets only the aggregators open the file" \
    pario-gen --dtype int16 --count 35 --sequence --dist cyclic:4 --independent --hint romio_no_indep_rw=true --out ni.bin
  check "nothing written when refused (n=$n)" test ! -e ni.bin -a ! -e ni.bin.yaml
  expect_error $n 2 "^pario-convert: error: --independent with --hint romio_no_indep_rw=TRUE" \
    pario-convert --independent --hint romio_no_indep_rw=TRUE --dtype int64 nf.bin ni.bin
done
# collective calls with the hint work: the file is numpy's
mpirun 3 pario-gen --dtype int16 --count 35 --sequence --dist cyclic:4 --hint romio_no_indep_rw=true --out ni.bin 2>/dev/null
check "romio_no_indep_rw=true with collective writes: the file numpy writes" cmp -s ni.bin seq35.bin

# ---- a block size beyond the data: rank 0 owns it all, whatever the rank count
# (3 x 715827883 elements did not fit an MPI int: refused on 35 elements) ----
for n in 1 3; do
  rm -f big.bin big.npy
  mpirun $n pario-gen --dtype int16 --count 35 --sequence --dist cyclic:715827883 --out big.bin 2>gen.err
  check "cyclic:715827883 on 35 elements at $n ranks: numpy's file ($(head -c 200 gen.err))" cmp -s big.bin seq35.bin
  mpirun $n pario-gen --dtype float32 --shape 7,5 --sequence --dist rows-cyclic:999999999999 --out big.npy 2>gen.err
  check "rows-cyclic:999999999999 on 7 rows at $n ranks: numpy's data" "$PYTHON3" -c "
import numpy as np, sys
sys.exit(not np.array_equal(np.load('big.npy'), np.fromfile('seq7x5.bin', '<f4').reshape(7, 5)))"
  test "$(mpirun $n pario-count --value 34 --dist cyclic:18446744073709551615 seq35.bin | sed -n 's/^count: //p')" = 1
  check "cyclic:2^64-1 reads the data (n=$n)" test $? -eq 0
done
# a row too wide for an MPI int is named as such (it said "3 ranks x 1 rows")
printf 'dtype: int8\nshape: [4, 2147483653]\n' > wide.bin.yaml && truncate -s $((4 * 2147483653)) wide.bin
# (rows-cyclic:1 at 3 ranks: rank 0 has rows 0 and 3, two runs: a darray's row)
expect_error 3 2 "^pario-reduce: error: distribution 'rows-cyclic:1': 2147483653 columns do not fit an MPI int\$" \
  pario-reduce --op sum --dist rows-cyclic:1 wide.bin
expect_error 2 2 "^pario-reduce: error: distribution 'cols': 2147483653 columns do not fit an MPI int\$" \
  pario-reduce --op sum --dist cols wide.bin
# tiles on such rows: the default grid keeps rows whole (P x 1) at any rank
# count (MPI_Dims_create's 2 x 2 was refused at 4 ranks); shown by --explain,
# the read stopped by a fault on every rank (one rank's would leave the other
# three reading their 2 GiB of zeros to the end, as local reads do)
PARIO_FAULT=read:rank=0,read:rank=1,read:rank=2,read:rank=3 mpirun 4 pario-count --value 0 --dist tiles --explain wide.bin >wide.txt 2>&1
check "tiles of rows beyond an MPI int at 4 ranks: a 4 x 1 grid ($(grep -E '^view|error' wide.txt | head -c 300))" \
  grep -q "^rank 3: .*owns 2147483653 elements, local shape \[1, 2147483653\]" wide.txt
rm -f wide.bin
# one period of a cyclic axis, or a row of a band of columns, is built as a
# type only where a rank has two blocks or two rows: a single block (K beyond
# the data) or a single row of more than 2^31 - 1 elements works at any rank
# count (they were refused: "1 ranks x 2147483656 elements do not fit", a
# hostile-user pass, session 27). Sparse files; --explain shows each rank's
# part, and a read fault on every rank that owns data ends the run at once
# (reading 2 GiB of a sparse file took 6-30 s here).
printf 'dtype: int8\nshape: [2147483656]\n' > long.bin.yaml && truncate -s 2147483656 long.bin
printf 'dtype: int8\nshape: [1, 2147483656]\n' > row.bin.yaml && ln -s long.bin row.bin
# parts N DIST FILE OWNS...: the ranks own these counts, and the run reads them
parts() {
  local n=$1 d=$2 f=$3 r=0 faults="" want; shift 3
  for want in "$@"; do faults="$faults${faults:+,}read:rank=$r"; r=$((r + 1)); done
  PARIO_FAULT=$faults mpirun "$n" pario-count --value 0 --explain --dist "$d" "$f" >parts.out 2>parts.err
  local rc=$?
  check "$d on $f at $n ranks: accepted, read (exit $rc: $(head -c 200 parts.err))" \
    grep -q "^pario-count: error: $f: read: Input/output error (rank [0-9])\$" parts.err
  r=0
  for want in "$@"; do
    check "$d on $f at $n ranks: rank $r owns $want" grep -q "^rank $r: .*owns $want elements" parts.out
    r=$((r + 1))
  done
}
parts 1 cyclic:18446744073709551615 long.bin 2147483656
parts 2 cyclic:18446744073709551615 long.bin 2147483656 0
parts 3 cyclic:1000000000 long.bin 1000000000 1000000000 147483656
parts 2 cols row.bin 1073741828 1073741828
parts 2 rows-cyclic:1 row.bin 2147483656 0
# three blocks at 2 ranks: rank 0 has two, so the period is a darray's
expect_error 2 2 "^pario-count: error: distribution 'cyclic:1073741824': 2 ranks x blocks of 1073741824 elements do not fit an MPI int\$" \
  pario-count --value 0 --dist cyclic:1073741824 long.bin
rm -f long.bin row.bin
expect_error 2 2 "^pario-count: error: distribution 'cyclic:18446744073709551616': block size 18446744073709551616 is too large \(at most 18446744073709551615\)\$" \
  pario-count --value 1 --dist cyclic:18446744073709551616 seq35.bin

# ---- range bounds and values beyond a type's limits, checked with exact arithmetic ----
# Every dtype holds its extremes; bounds lie at, just inside and beyond them, and
# beyond 64 bits. Reference: Python's Fraction (exact decimals) on every element
# (the inputs and bounds.txt, the cases and their counts: defects_ref.py make).
# All cases in one process (tests/mpi/range_cases.c), through the two parsers
# the tools use, pario-count's --range and pario-reduce's range=; the tools'
# own command lines are checked below on the cases the issue names.
out=$(timeout "$TEST_TIMEOUT" "$MPIEXEC" -n 1 "$PARIO_BUILDDIR/tests/mpi/range_cases" bounds.txt </dev/null); rc=$?
echo "$out" | tail -20
checked=$(echo "$out" | sed -n 's/^range bounds: \([0-9]*\) cases checked.*/\1/p')
check "${checked:-0} range bounds at and beyond every dtype's limits match exact arithmetic" \
  test "$rc" -eq 0 -a "${checked:-0}" -eq "$(grep -c . bounds.txt)" -a "${checked:-0}" -gt 150
# the minimum and maximum of uint64 values across ranks (MPICH 4.0.2 compares
# MPI_UINT64_T as signed; pario_allreduce_u64 does not): tests/mpi/u64_cases.c
for n in 2 3 5; do
  check "pario_allreduce_u64 at $n ranks: each rank's own loop's min and max" sh -c \
    "timeout $TEST_TIMEOUT $MPIEXEC -n $n '$PARIO_BUILDDIR/tests/mpi/u64_cases' | grep -qx 'u64_cases: ok'"
done
# and a sample of them through the tools, at 1 and 2 ranks in turn
i=0
while read -r t lo hi want; do
  i=$((i + 1)); [ $((i % 12)) -eq 0 ] || continue
  got=$(mpirun $((i / 12 % 2 + 1)) pario-count --format json --range="$lo:$hi" "$t.bin" </dev/null |
    sed -n 's/.*"count":\([0-9]*\).*/\1/p')
  check "pario-count --range=$lo:$hi $t.bin: $want" test "$got" = "$want"
done < bounds.txt
# the cases the issue names, at 1-3 ranks
for n in 1 3; do
  check "uint64 in 0:2^64 (n=$n)" test "$(mpirun $n pario-count --range 0:18446744073709551616 uint64.bin | sed -n 's/^count: //p')" = \
    "$(grep -m1 '^uint64 0 18446744073709551616 ' bounds.txt | cut -d' ' -f4)"
  check "int64 in 0:2^63 (n=$n)" test "$(mpirun $n pario-count --range 0:9223372036854775808 int64.bin | sed -n 's/^count: //p')" = \
    "$(grep -m1 '^int64 0 9223372036854775808 ' bounds.txt | cut -d' ' -f4)"
done
# values: 1e400 is not inf, 1e-400 is not 0 (a value the type cannot hold counts nothing)
# (vals.bin; the counts, values.want: defects_ref.py make)
want_of() { sed -n "s/^$1 $2 //p" values.want; }
for v in $FVALS; do
  want=$(want_of float64 "$v")
  check "--value $v on float64 counts $want" test "$(mpirun 2 pario-count --value="$v" vals.bin | sed -n 's/^count: //p')" = "$want"
done
# integer values: hex and exponents read exactly (numpy compares exact Python ints)
for v in $IVALS; do
  want=$(want_of int64 "$v")
  check "--value $v on int64 counts $want" test "$(mpirun 2 pario-count --value="$v" int64.bin | sed -n 's/^count: //p')" = "$want"
done

# ---- HDF5 attributes: numbers are numbers, ranks is int64 in pario-run's results as in pi's log ----
printf "input: {data: nf.bin}\naxis: 0\nskip_nan: true\noperations: [sum, max]\noutput: {h5: nf.h5}\n" > h5job.yaml
mpirun 3 pario-run --quiet h5job.yaml >/dev/null
mpirun 2 pario-pi --samples 100 --rounds 2 --seed 1 --log pi.h5 >/dev/null
attr_type() { "$H5DUMP" -a "$2" "$1" | sed -n 's/^ *DATATYPE *\([A-Z0-9_]*\).*/\1/p'; }
attr_val() { "$H5DUMP" -a "$2" "$1" | grep -o '(0): .*' | sed 's/^(0): //'; }
check "pario-run ranks attribute is int64, 3" test "$(attr_type nf.h5 ranks) $(attr_val nf.h5 ranks)" = "H5T_STD_I64LE 3"
check "pi log ranks attribute is int64 too" test "$(attr_type pi.h5 ranks)" = "$(attr_type nf.h5 ranks)"
check "axis int64, chunk_bytes uint64, skip_nan uint8 1" test \
  "$(attr_type nf.h5 axis) $(attr_val nf.h5 axis) $(attr_type nf.h5 chunk_bytes) $(attr_type nf.h5 skip_nan) $(attr_val nf.h5 skip_nan)" = \
  "H5T_STD_I64LE 0 H5T_STD_U64LE H5T_STD_U8LE 1"
check "string attributes stay strings" test "$(attr_type nf.h5 distribution)" = "H5T_STRING"

run_deferred "$REF"

finish
