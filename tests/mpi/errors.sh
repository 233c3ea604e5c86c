#!/bin/sh
# Every bad input of the issue's section 6, at -n 1 and -n 3: one line on stderr
# from rank 0 ("pario-x: error: ..."), exit 1 for runtime and data errors and 2 for
# usage errors, nothing on stdout, no hang (every run is bounded by a short
# timeout), and no output left behind by a pario-gen that failed.
TEST_TIMEOUT=${TEST_TIMEOUT_ERRORS:-30}
. "$(dirname "$0")/lib.sh"

# fails N CODE REGEX TOOL ARGS...: expect_error, and nothing on stdout.
fails() {
  local t0 t1
  t0=$(date +%s)
  expect_error "$@"
  t1=$(date +%s)
  check "$4 ${5:-} ${6:-} (n=$1): nothing on stdout" test ! -s "$WORK/stdout.$$"
  check "$4 ${5:-} ${6:-} (n=$1): failed within 20 s" test $((t1 - t0)) -le 20
}
E='^pario-count: error: '
G='^pario-gen: error: '

# ---- inputs
printf 'dtype: int32\nshape: [10]\n' >good.bin.yaml
head -c 40 /dev/zero >good.bin
head -c 1001 /dev/zero >data.bin
printf 'dtype: int32\n' >data.bin.yaml
head -c 40 /dev/zero >nodesc.bin
head -c 36 /dev/zero >short.bin
printf 'dtype: int32\nshape: [10]\n' >short.bin.yaml
head -c 44 /dev/zero >long.bin
printf 'dtype: int32\nshape: [10]\n' >long.bin.yaml
head -c 10 /dev/zero >hdr.bin
printf 'dtype: int8\noffset: 64\n' >hdr.bin.yaml
head -c 99 /dev/zero >hdr2.bin
printf 'dtype: float64\noffset: 64\n' >hdr2.bin.yaml
head -c 40 /dev/zero >mat.bin
printf 'dtype: int16\nshape: [4, 6]\n' >mat.bin.yaml
# bad descriptors: FILE LINE FIELD CONTENT
bad_desc() {
  head -c 40 /dev/zero >"$1"
  printf '%b' "$4" >"$1.yaml"
  for n in 1 3; do
    fails $n 1 "${E}$1\\.yaml:$2:[0-9]+: $3" pario-count --value 0 "$1"
  done
}

for n in 1 3; do
  # cannot open
  fails $n 1 "${E}nosuch\\.bin: No such file or directory\$" pario-count --value 1 nosuch.bin
  fails $n 1 "${E}nodesc\\.bin\\.yaml: cannot open descriptor" pario-count --value 1 nodesc.bin
  fails $n 1 "${E}missing\\.yaml: cannot open descriptor" pario-count --value 1 --desc missing.yaml good.bin
  # a CSV file given as raw data says who reads CSV (it named only the missing X.csv.yaml)
  printf 'a,b\n1,2\n' >nodesc.CSV
  fails $n 1 "^pario-reduce: error: nodesc\\.CSV\\.yaml: cannot open descriptor: No such file or directory \\(pario-reduce, pario-count and pario-run read a CSV column with --column, text with a descriptor saying format: text; doc/csv\\.md\\)\$" pario-reduce --op sum nodesc.CSV
  fails $n 1 "^pario-train: error: nodesc\\.CSV\\.yaml: cannot open descriptor: No such file or directory \\(pario-reduce" pario-train --model linear --label-column 1 nodesc.CSV
  fails $n 1 "${E}\\.: the input data is a directory, not a regular file\$" pario-count --value 1 --desc good.bin.yaml .
  # size mismatch, in the exact words of the issue
  fails $n 1 "${E}data\\.bin: 1001 bytes is not a whole number of 4-byte int32 records\$" pario-count --value 1 data.bin
  fails $n 1 "${E}short\\.bin: 36 bytes, but shape \\[10\\] of int32 needs 40 bytes \\(file too short\\)\$" \
    pario-count --value 1 short.bin
  fails $n 1 "${E}long\\.bin: 44 bytes, but shape \\[10\\] of int32 needs 40 bytes \\(file longer" \
    pario-count --range 0:1 long.bin
  fails $n 1 "${E}hdr\\.bin: 10 bytes is shorter than the 64-byte header\$" pario-count --value 1 hdr.bin
  fails $n 1 "${E}hdr2\\.bin: 35 bytes after the 64-byte header is not a whole number of 8-byte float64 records\$" \
    pario-count --value 1 hdr2.bin
  fails $n 1 "${E}mat\\.bin: 40 bytes, but shape \\[4, 6\\] of int16 needs 48 bytes" pario-count --value 1 mat.bin
done
if [ "$(id -u)" != 0 ]; then
  cp good.bin locked.bin; cp good.bin.yaml locked.bin.yaml; chmod 000 locked.bin
  for n in 1 3; do fails $n 1 "${E}locked\\.bin: .*(permission|denied)" pario-count --value 1 locked.bin; done
  chmod 000 locked.bin.yaml; chmod 644 locked.bin
  for n in 1 3; do fails $n 1 "${E}locked\\.bin\\.yaml: cannot open descriptor" pario-count --value 1 locked.bin; done
fi

# ---- bad descriptors name the file, the line and the field
bad_desc d1.bin 1 "dtype: 'int128' is not a dtype" 'dtype: int128\nshape: [10]\n'
bad_desc d2.bin 3 "compression: unknown field" 'dtype: int32\nshape: [10]\ncompression: gzip\n'
bad_desc d3.bin 2 "offset: expected a non-negative integer" 'dtype: int32\noffset: -4\n'
bad_desc d4.bin 2 "shape: expected a list" 'dtype: int32\nshape: 10\n'
bad_desc d5.bin 3 "byte_order: expected 'little' or 'big'" 'dtype: int32\nshape: [10]\nbyte_order: middle\n'
bad_desc d6.bin 1 "dtype: missing" 'shape: [10]\n'
bad_desc d7.bin 2 "shape: dimensions must be non-negative integers" 'dtype: int8\nshape: [-40]\n'
bad_desc d8.bin 3 "not valid YAML" 'dtype: int32\nshape: [10\n'
bad_desc d9.bin 1 "empty descriptor" ''

# ---- usage errors: exit 2
for n in 1 3; do
  fails $n 2 "${E}unknown option '--frobnicate'" pario-count --frobnicate --value 1 good.bin
  fails $n 2 "${E}unknown option '-x'" pario-count -x --value 1 good.bin
  fails $n 2 "${E}option '--value' needs an argument" pario-count good.bin --value
  # a short option in a bundle is named by its letter, as grep does (it said '-nm')
  fails $n 2 "^pario-grep: error: option '-m' needs an argument" pario-grep x good.bin -nm
  fails $n 2 "${E}say what to count" pario-count good.bin
  fails $n 2 "${E}give one of --value, --range, --values" pario-count --value 1 --range 1:2 good.bin
  fails $n 2 "${E}--range '5': expected LO:HI" pario-count --range 5 good.bin
  fails $n 2 "${E}unknown format 'xml'" pario-count --value 1 --format xml good.bin
  fails $n 2 "${E}unknown distribution 'diagonal'" pario-count --value 1 --dist diagonal good.bin
  fails $n 2 "${E}distribution 'rows' needs a 2-D dataset" pario-count --value 1 --dist rows good.bin
  fails $n 2 "${E}--chunk 0: must be between" pario-count --value 1 --chunk 0 good.bin
  fails $n 2 "${E}--chunk: '4XB': unknown suffix 'XB'" pario-count --value 1 --chunk 4XB good.bin
  fails $n 2 "${E}--value: 'abc' is not a number" pario-count --value abc good.bin
  fails $n 2 "${E}--values: '1.5' is not an integer int32 value" pario-count --values 1,1.5 good.bin
  fails $n 2 "${E}--values: '1,,2': expected a value or a comma-separated list" pario-count --values 1,,2 good.bin
  # a value or bound longer than the 47 characters kept was cut short and
  # counted as another number (1e-51 written out became 0, counting the zeros)
  fails $n 2 "${E}--range '0\\.0+1:1': a bound may have at most 47 characters" \
    pario-count --range 0.000000000000000000000000000000000000000000000000001:1 good.bin
  fails $n 2 "${E}--range '0:1\\.0+1': a bound may have at most 47 characters" \
    pario-count --range 0:1.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001 good.bin
  fails $n 2 "^pario-reduce: error: operation 'range=0:3\\.0+1': a bound may have at most 47 characters" \
    pario-reduce --op range=0:3.0000000000000000000000000000000000000000000000001 good.bin
  fails $n 2 "${E}--values: '1\\.0+': a value may have at most 47 characters" \
    pario-count --values 1,1.000000000000000000000000000000000000000000000000 good.bin
  fails $n 2 "^pario-reduce: error: operation 'count=1\\.0+': '1\\.0+': a value may have at most 47 characters" \
    pario-reduce --op count=1.000000000000000000000000000000000000000000000000 good.bin
  fails $n 2 "${E}missing argument" pario-count --value 1
  fails $n 2 "${E}unexpected argument 'good\\.bin\\.yaml'" pario-count --value 1 good.bin good.bin.yaml
  fails $n 2 "${G}--dtype is required" pario-gen --count 10 --sequence --out g.bin
  fails $n 2 "${G}--dtype 'int128': unknown type" pario-gen --dtype int128 --count 10 --sequence --out g.bin
  fails $n 2 "${G}--count N or --shape R,C is required" pario-gen --dtype int8 --sequence --out g.bin
  fails $n 2 "${G}give either --count or --shape, not both" pario-gen --dtype int8 --count 5 --shape 2,3 --sequence --out g.bin
  fails $n 2 "${G}--out FILE is required" pario-gen --dtype int8 --count 10 --sequence
  fails $n 2 "${G}say which values" pario-gen --dtype int8 --count 10 --out g.bin
  fails $n 2 "${G}give one of --uniform, --normal, --sequence" pario-gen --dtype int8 --count 10 --sequence --uniform 0:1 --out g.bin
  fails $n 2 "${G}--uniform '5': expected LO:HI" pario-gen --dtype int8 --count 10 --uniform 5 --out g.bin
  fails $n 2 "${G}--uniform 9:3: LO must not exceed HI" pario-gen --dtype int8 --count 10 --uniform 9:3 --out g.bin
  fails $n 2 "${G}--uniform 0:300: outside the range of int8" pario-gen --dtype int8 --count 10 --uniform 0:300 --out g.bin
  fails $n 2 "${G}--normal 0:-1: the standard deviation must not be negative" \
    pario-gen --dtype float32 --count 10 --normal 0:-1 --out g.bin
  fails $n 2 "${G}--count: '5X': unknown suffix" pario-gen --dtype int8 --count 5X --sequence --out g.bin
  fails $n 2 "${G}--count: '1.5' is not a whole number" pario-gen --dtype int8 --count 1.5 --sequence --out g.bin
  fails $n 2 "${G}--byte-order 'middle': expected little or big" \
    pario-gen --dtype int8 --count 10 --sequence --byte-order middle --out g.bin
  fails $n 2 "${G}distribution 'tiles' needs a 2-D dataset" pario-gen --dtype int8 --count 10 --sequence --dist tiles --out g.bin
  fails $n 2 "${G}unexpected argument 'extra'" pario-gen --dtype int8 --count 10 --sequence --out g.bin extra
done
# a 0 x 2^64-1 shape has no element, but numpy cannot load its header and HDF5 takes 2^64-1 as unlimited
fails 2 2 "${G}shape too large" pario-gen --dtype int8 --shape 0,18446744073709551615 --sequence --out g.npy
fails 1 2 "${G}shape too large" pario-gen --dtype int8 --shape 18446744073709551615,0 --sequence --out g.h5:/x
# sizes are read exactly: a double took this for 1000 (and refused 1.005k)
fails 1 2 "${G}--count: '1.0000000000000001e3' is not a whole number" pario-gen --dtype int8 --count 1.0000000000000001e3 --sequence --out g.bin
fails 3 2 "${G}distribution 'tiles:2x2' needs 4 ranks, but there are 3" \
  pario-gen --dtype int8 --shape 4,4 --sequence --dist tiles:2x2 --out g.bin
check "no output from usage errors" test ! -e g.bin -a ! -e g.bin.yaml

# ---- pario-gen runtime errors leave no output behind
mkdir out
touch afile
mkdir -p out/x.bin.yaml   # the descriptor's name is taken by a directory
mkdir out/adir
for n in 1 3; do
  fails $n 1 "${G}out/nodir/g\\.bin: cannot write there \\(directory out/nodir: No such file" \
    pario-gen --dtype int32 --count 1000 --sequence --out out/nodir/g.bin
  fails $n 1 "${G}afile/g\\.bin: cannot write there \\(directory afile: Not a directory" pario-gen --dtype int32 --count 1000 --sequence --out afile/g.bin
  fails $n 1 "${G}out/x\\.bin\\.yaml: the output descriptor is a directory, not a regular file" pario-gen --dtype int32 --count 1000 --sequence --out out/x.bin
  fails $n 1 "${G}out/adir: the output data is a directory, not a regular file" pario-gen --dtype int32 --count 1000 --sequence --out out/adir
  check "n=$n: nothing left in out/" test "$(ls -A out | tr '\n' ' ')" = "adir x.bin.yaml "
  check "n=$n: out/adir untouched" test -d out/adir -a -z "$(ls -A out/adir)"
done
if [ "$(id -u)" != 0 ]; then
  mkdir ro && chmod 555 ro
  for n in 1 3; do
    fails $n 1 "${G}ro/g\\.bin: cannot write there \\(directory ro: Permission denied" pario-gen --dtype int32 --count 1000 --sequence --out ro/g.bin
  done
  check "nothing left in ro/" test -z "$(ls -A ro)"
  chmod 755 ro
else
  # root writes anywhere: a read-only file system stands in for an unwritable directory
  for n in 1 3; do
    fails $n 1 "${G}/proc/pario-test\\.bin: cannot create" pario-gen --dtype int32 --count 1000 --sequence --out /proc/pario-test.bin
  done
fi
# results that cannot be written to stdout (a full disk: /dev/full) fail the
# run with one line, exit 1 (they were lost with exit 0; session 13). Run as
# one process without mpiexec, whose own forwarding of stdout fails first.
mpirun 1 pario-gen --dtype float64 --count 1000 --sequence --out full.bin > /dev/null 2>&1 || exit 99
for t in "pario-reduce --op sum full.bin" "pario-count --value 7 full.bin"; do
  # shellcheck disable=SC2086
  timeout -k 5 "$TEST_TIMEOUT" "$(pario_exe ${t%% *})" ${t#* } > /dev/full 2> full.err; rc=$?
  check "${t%% *} > /dev/full: exit 1, one line about the standard output" \
    sh -c "test $rc = 1 && test \"\$(grep -c . full.err)\" = 1 && grep -q '^${t%% *}: error: cannot write the standard output' full.err"
done
# pario-grep says it grep's way (exit 2), once (pario_report added a second line)
printf 'hello\nfoo bar\n' > full.txt
timeout -k 5 "$TEST_TIMEOUT" "$(pario_exe pario-grep)" foo full.txt > /dev/full 2> full.err; rc=$?
check "pario-grep > /dev/full: exit 2, one line: standard output: write error" \
  sh -c "test $rc = 2 && test \"\$(grep -c . full.err)\" = 1 && grep -q '^pario-grep: error: standard output: write error' full.err"
# ... and -c and pario-wc name the reason too (they said none: session 23)
for t in "pario-grep -c foo full.txt=2" "pario-wc full.txt=1"; do
  c=${t#*=}; t=${t%=*}
  # shellcheck disable=SC2086
  timeout -k 5 "$TEST_TIMEOUT" "$(pario_exe ${t%% *})" ${t#* } > /dev/full 2> full.err; rc=$?
  check "$t > /dev/full: exit $c ($rc), one line naming the reason: $(head -c 200 full.err)" \
    sh -c "test $rc = $c && test \"\$(grep -c . full.err)\" = 1 && grep -q '^${t%% *}: error: standard output: write error: No space left on device\$' full.err"
done
# names longer than their buffers are refused, not cut (session 26: a path of
# 4,095 bytes and more, cut to its first 4,095, named good.bin, which was read;
# a descriptor name PATH.yaml cut to PATH made the data be read as YAML)
L=$("$PYTHON3" -c "
import os
p = os.getcwd() + '/' + './' * 2100
print(p[:4095 - len('good.bin')] + 'good.bin')")
test ${#L} = 4095 || fail "the 4,095-byte path is ${#L} bytes"
printf 'input: {data: "%s.gone", descriptor: good.bin.yaml}\noperations: [sum]\n' "$L" >long.yaml
printf 'input: {data: "%s.gone"}\noperations: [sum]\n' "$L" >long2.yaml
for n in 1 3; do
  fails $n 2 "^pario-run: error: long.yaml:1:15: input.data: path too long\$" pario-run long.yaml
  fails $n 2 "^pario-run: error: long2.yaml:1:15: input.data: path too long\$" pario-run long2.yaml
  fails $n 2 "${E}${PWD:0:40}.*: path too long \(4100 bytes; at most 4095\)\$" pario-count --value 0 "$L.gone"
  fails $n 2 "${E}${PWD:0:40}.*: descriptor path too long \(4105 bytes; at most 4095\)\$" pario-count --value 0 --desc "$L.yaml.gone" good.bin
  fails $n 2 "${E}${PWD:0:40}.*: path too long for a descriptor PATH.yaml beside it \(4095 bytes; at most 4090\)\$" pario-count --value 0 "$L"
done
check "no temporary files left in the work directory" sh -c '! ls -A | grep -q "\.tmp\."'
check "no temporary files left in out/" sh -c '! ls -A out | grep -q "\.tmp\."'

finish
