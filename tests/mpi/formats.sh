#!/bin/bash
# .npy files (v1/v2/v3, C and Fortran order, big-endian) and contiguous HDF5 datasets
# (1-D, 2-D, big-endian, nested group, empty), all written by numpy and h5py in the
# test: pario-count, pario-reduce, pario-scatter/gather and pario-convert give
# numpy's answers at 1-4 ranks and the raw file's; bad inputs fail in one line.
. "$(dirname "$0")/lib.sh"

"$PYTHON3" -c "import numpy, h5py" 2>/dev/null || { echo "formats: numpy/h5py missing: skipped"; exit 77; }
REF="$PARIO_SRCDIR/tests/mpi/formats_ref.py"
"$PYTHON3" "$REF" make || { echo "formats_ref.py make failed"; exit 99; }

OPS=sum,min,max,mean,std
# the answers are checked against numpy together, by run_deferred (lib.sh)
k=0
reduce_ok() { # N SPEC [extra args]; REFSPEC: what numpy loads, if not SPEC
  local n=$1 spec=$2; shift 2
  k=$((k + 1))
  mpirun "$n" pario-reduce --op $OPS --format json --chunk 1Ki "$@" "$spec" >r$k.json || { fail "reduce $spec n=$n ran"; return; }
  defer "reduce ${REFSPEC:-$spec} $* n=$n" reduce "${REFSPEC:-$spec}" @r$k.json
}
count_ok() { # N SPEC VALUE
  k=$((k + 1))
  mpirun "$1" pario-count --format json --value "$3" "$2" >r$k.json &&
    defer "count $2 n=$1" count "$2" "$3" @r$k.json || fail "count $2 n=$1 ran"
}

for n in 1 2 3 4; do
  # each layout at one odd and one even rank count (the raw file's answer at
  # every count is checked below)
  i=0
  for spec in v1.npy v2.npy v3.npy fortran.npy be.npy i1.npy \
              data.h5:/f8 data.h5:/m data.h5:/a/b/c/be data.h5:/bef8 data.h5:u8 data.h5:/empty; do
    [ $(( (i + n) % 2 )) -eq 0 ] && reduce_ok $n $spec
    i=$((i + 1))
  done
  REFSPEC=data.h5:/a/b/c/be reduce_ok $n data.h5 --dataset /a/b/c/be
  reduce_ok $n data.h5:/m --dist tiles
  reduce_ok $n v2.npy --dist cyclic:5
  count_ok $n v2.npy 7
  # ties: the first minimum and maximum in numpy's order, not the stored one
  reduce_ok $n fties.npy
  # numpy's axes of a Fortran-order array (pario took the stored array's: the
  # results of the other axis), and of its C-order twin
  ax=$((n % 2))
  for spec in fortran.npy v2.npy; do
    ax=$((1 - ax)); k=$((k + 1))
    mpirun "$n" pario-reduce --op sum,min,max --axis $ax --dist $( [ $n = 3 ] && echo cols || echo rows) \
      --format json --chunk 1Ki $spec >r$k.json && defer "reduce $spec --axis $ax n=$n" axis $spec $ax @r$k.json ||
      fail "reduce $spec --axis $ax n=$n ran"
  done
  count_ok $n data.h5:/m 0
  # the same answer as on the raw-file equivalent
  a=$(mpirun $n pario-reduce --op $OPS --format json raw.bin)
  b=$(mpirun $n pario-reduce --op $OPS --format json v1.npy)
  c=$(mpirun $n pario-reduce --op $OPS --format json data.h5:/f8)
  check "npy == raw n=$n" test -n "$a" -a "$a" = "$b"
  check "h5 == raw n=$n" test -n "$a" -a "$a" = "$c"
  # convert to raw: the bytes numpy holds, in C order also for a Fortran-order
  # .npy (pario-convert wrote the stored (c, r) array); numpy's array as .npy and
  # HDF5, and with --transpose numpy's a.T. Each at an odd and an even rank
  # count, in turn (as the layouts above)
  if [ $((n % 2)) = 1 ]; then
    mpirun $n pario-convert --chunk 1Ki fortran.npy o$n.bin &&
      defer "convert fortran.npy n=$n" bytes fortran.npy o$n.bin || fail "convert npy n=$n ran"
    mpirun $n pario-convert --chunk 1Ki fties.npy o$n.npy &&
      defer "convert fties.npy to .npy n=$n" array fties.npy o$n.npy || fail "convert to .npy n=$n ran"
    mpirun $n pario-convert --dist cyclic:3 data.h5:/a/b/c/be oh$n.bin &&
      defer "convert h5 n=$n" bytes data.h5:/a/b/c/be oh$n.bin || fail "convert h5 n=$n ran"
  else
    mpirun $n pario-convert --chunk 1Ki --transpose fortran.npy ot$n.bin &&
      defer "convert --transpose fortran.npy n=$n" bytesT fortran.npy ot$n.bin || fail "convert --transpose npy n=$n ran"
    mpirun $n pario-convert --chunk 1Ki fortran.npy o$n.h5:/f &&
      defer "convert fortran.npy to HDF5 n=$n" array fortran.npy o$n.h5:/f || fail "convert to HDF5 n=$n ran"
  fi
  # scatter then gather back: the input's elements (HDF5 at 1 and 3 ranks, npy at 2 and 4)
  rm -f p.*
  if [ $((n % 2)) = 1 ]; then
    mpirun $n pario-scatter --dist tiles --out p data.h5:/m && mpirun $n pario-gather --out g$n.bin p &&
      defer "scatter/gather h5 n=$n" bytes data.h5:/m g$n.bin || fail "scatter/gather h5 n=$n ran"
  else
    mpirun $n pario-scatter --dist cyclic:4 --out p v3.npy && mpirun $n pario-gather --out gn$n.bin p &&
      defer "scatter/gather npy n=$n" bytes v3.npy gn$n.bin || fail "scatter/gather npy n=$n ran"
  fi
  rm -f p.*
done

# chunked (chunk shapes not dividing the shape, gzip+shuffle, big-endian, 2-D, nested,
# empty) and compact datasets, read through parallel HDF5: numpy's answers, rank
# counts rotated over the cases, and the raw file's exact answer for the same data
n=1
for spec in data.h5:/chunked data.h5:/gz data.h5:/c2 data.h5:/gz2 data.h5:/x/y/nested data.h5:/cempty \
            data.h5:/cbe data.h5:/compact; do
  n=$((n % 4 + 1))
  reduce_ok $n $spec
done
reduce_ok 3 data.h5:/gz2 --dist tiles  # a --dist across chunks: still numpy's answer
reduce_ok 2 data.h5:/c2 --independent
a=$(mpirun 1 pario-reduce --op $OPS --format json raw.bin)
for n in 2 3; do
  b=$(mpirun $n pario-reduce --op $OPS --format json data.h5:/gz)
  check "chunked gzip == raw n=$n" test -n "$a" -a "$a" = "$b"
done
count_ok 4 data.h5:/c2 0
mpirun 3 pario-convert data.h5:/gz2 oc.bin && defer "convert chunked -> raw" bytes data.h5:/gz2 oc.bin ||
  fail "convert chunked ran"
rm -f p.*
mpirun 2 pario-scatter --out p data.h5:/cbe && mpirun 2 pario-gather --out gc.bin p &&
  defer "scatter/gather chunked" bytes data.h5:/cbe gc.bin || fail "scatter/gather chunked ran"
mpirun 3 pario-reduce --op sum --explain --verbose data.h5:/gz2 >ex.txt 2>&1
check "explain chunked" grep -Eq "^source: hdf5 data.h5:/gz2, float64 big-endian, layout chunked \(chunk shape 6 x 4\), filters shuffle, gzip\(1\)" ex.txt
check "explain chunks per rank" grep -Eq "^chunks: 7 bands of 5 chunk\(s\), dealt round-robin: .* rank 0 15, rank 1 10, rank 2 10" ex.txt
check "verbose transfer mode" grep -Eq "read through parallel HDF5: chunks taken at their addresses from a memory map of the file and inflated by pario \(every chunk is read by one rank" ex.txt
check "explain says pario inflates" grep -Eq "^reads: .*instead of H5Dread, each chunk's stored bytes are taken at its address from a memory map of the file and inflated" ex.txt
mpirun 2 pario-reduce --op sum --explain --verbose --no-mmap data.h5:/gz2 >ex.txt 2>&1
check "verbose transfer mode, --no-mmap" grep -Eq "read through parallel HDF5: chunks read with MPI-IO at their addresses and inflated by pario \(every chunk is read by one rank" ex.txt
check "explain says pario inflates, --no-mmap" grep -Eq "^reads: .*instead of H5Dread, each chunk's stored bytes are read with MPI-IO at its address \(--no-mmap\) and inflated" ex.txt
mpirun 2 pario-reduce --op sum --verbose --dist block data.h5:/c2 >ex.txt 2>&1
check "verbose collective mode" grep -Eq "read through parallel HDF5: collective transfers requested; H5Pget_mpio_actual_io_mode: chunk" ex.txt
# one rank's failed read or allocation, a filter this HDF5 does not have: one line, no hang
PARIO_FAULT=read:rank=1 expect_error 3 1 "^pario-reduce: error: data.h5: read: Input/output error \(rank 1\)" pario-reduce --op sum --chunk 1Ki data.h5:/gz2
PARIO_FAULT=read:rank=0:after=1 expect_error 2 1 "^pario-reduce: error: data.h5: read: .*\(rank 0\)" pario-reduce --op sum --chunk 1Ki --dist block data.h5:/c2
PARIO_FAULT=alloc:rank=3 expect_error 4 1 "^pario-count: error: out of memory.*\(rank 3\)" pario-count --value 1 data.h5:/gz
expect_error 2 1 "^pario-train: error: data.h5:/c2: pario-train reads rows at byte offsets: not from a chunked" pario-train --model linear --label-column 0 data.h5:/c2
expect_error 2 2 "^pario-convert: error: fortran.npy: a Fortran-order array is written in numpy's C order by tiles at byte offsets: not into a chunked output" \
  pario-convert --gzip 1 fortran.npy fz.h5:/f
check "no output of the refused Fortran-order conversion" test ! -e fz.h5
# scatter refuses a Fortran-order .npy (its parts held the stored transpose, and
# gather gave back a.T); its C-order copy by pario-convert makes the round trip
rm -f fp.* fc.npy fg.npy
expect_error 3 1 "^pario-scatter: error: fortran.npy: a Fortran-order array \\(numpy's 37 x 23, stored column by column\\): the parts would hold its transpose" \
  pario-scatter --dist rows --out fp fortran.npy
check "no part of the refused scatter" test -z "$(ls fp.* 2>/dev/null)"
mpirun 3 pario-convert fortran.npy fc.npy && mpirun 3 pario-scatter --dist rows --out fp fc.npy &&
  mpirun 3 pario-gather --out fg.npy fp && defer "convert, scatter, gather of fortran.npy" array fortran.npy fg.npy ||
  fail "convert, scatter, gather of fortran.npy ran"
expect_error 2 1 "^pario-convert: error: data.h5:/c2: --transpose reads tiles at byte offsets: not from a chunked" pario-convert --transpose data.h5:/c2 t.bin
for n in 1 4; do
  expect_error $n 1 "^pario-reduce: error: data.h5:/lzf: filter 32000 \(lzf\) is not available" pario-reduce --op sum data.h5:/lzf
done

# a netCDF-4 file written by python3-netcdf4: its variables are HDF5 datasets
if [ -f data.nc ]; then
  reduce_ok 2 data.nc:/temp
  reduce_ok 3 data.nc:/count
else
  echo "formats: python3-netcdf4 missing: netCDF-4 cases skipped"
fi

# the committed samples (written by sample-data/make_formats.py) read as numpy reads them
S=$PARIO_SRCDIR/sample-data
for n in 2 3; do
  reduce_ok $n "$S/grid-float32.npy"
  reduce_ok $n "$S/measurements.h5:/station/a/counts"
  reduce_ok $n "$S/measurements.h5:/station/a/temperature" --dist cols
done

# --explain says what was found
mpirun 2 pario-reduce --op sum --explain data.h5:/a/b/c/be >ex.txt 2>&1
check "explain hdf5" grep -Eq "^source: hdf5 data.h5:/a/b/c/be, int16 big-endian, layout contiguous, byte offset [0-9]+, filters none" ex.txt
mpirun 2 pario-count --value 1 --explain fortran.npy >ex.txt 2>&1
check "explain npy fortran" grep -Eq "^source: npy fortran.npy, int32 little-endian, .*fortran_order: shape \(37, 23\) stored column-major, read as its transpose \(23, 37\)" ex.txt

# complex HDF5 data (h5py's compound of two floats) named as complex, and a
# .npy with bytes after its data named against its header (a hostile-user pass)
"$PYTHON3" -c "
import h5py, numpy as np
with h5py.File('cx.h5', 'w') as f: f['c'] = np.arange(4) + 1j
np.save('tail.npy', np.arange(5.0)); open('tail.npy', 'ab').write(b'x' * 8)" || exit 99
expect_error 2 1 "^pario-reduce: error: cx.h5:/c: complex \\(a compound of two floats\\) datasets are not supported" pario-reduce --op sum cx.h5:/c
expect_error 2 1 "^pario-reduce: error: tail.npy: .*\\(file longer than its header says\\)\$" pario-reduce --op sum tail.npy
# bad inputs: one line, exit 1 or 2; each at 1 and 3 ranks or at 2 and 4, in turn
bad() { i=$((i + 1)); [ $(( (i + n) % 2 )) -eq 0 ] || return 0; expect_error $n "$@"; }
for n in 1 2 3 4; do
  i=0
  bad 1 "^pario-reduce: error: trunc.npy: .*file too short" pario-reduce --op sum trunc.npy
  bad 1 "^pario-reduce: error: obj.npy: .npy dtype '\|O' \(object\)" pario-reduce --op sum obj.npy
  bad 1 "^pario-count: error: cplx.npy: .npy dtype '<c16' \(complex\)" pario-count --value 1 cplx.npy
  bad 1 "^pario-reduce: error: rec.npy: structured dtype" pario-reduce --op sum rec.npy
  bad 1 "^pario-reduce: error: data.h5:/cmp: compound datasets are not supported" pario-reduce --op sum data.h5:/cmp
  bad 1 "^pario-reduce: error: data.h5:/s: string datasets are not supported" pario-reduce --op sum data.h5:/s
  bad 1 "^pario-reduce: error: data.h5:/three: 3-dimensional dataset" pario-reduce --op sum data.h5:/three
  bad 1 "^pario-reduce: error: data.h5: no dataset '/nope/x' in the file" pario-reduce --op sum data.h5:/nope/x
  bad 1 "^pario-reduce: error: data.h5:/unwritten: dataset has no storage allocated" pario-reduce --op sum data.h5:/unwritten
  bad 1 "^pario-reduce: error: corrupt.h5: cannot open as HDF5" pario-reduce --op sum corrupt.h5:/f8
done
expect_error 2 2 "^pario-reduce: error: data.h5: an HDF5 file: name the dataset" pario-reduce --op sum data.h5
expect_error 2 2 "^pario-reduce: error: v1.npy: a .npy file holds one array" pario-reduce --op sum --dataset /x v1.npy
expect_error 2 1 "^pario-reduce: error: v1.npy: a npy file, but its descriptor raw.bin.yaml says format raw" pario-reduce --op sum --desc raw.bin.yaml v1.npy
printf 'format: npy\n' >npy.yaml
expect_error 2 1 "^pario-reduce: error: raw.bin: descriptor npy.yaml says format npy, but the file has no npy signature" pario-reduce --op sum --desc npy.yaml raw.bin

# a descriptor (format: hdf5, dataset:) and a job file (input.dataset) name the inputs too
printf 'format: hdf5\ndataset: /a/b/c/be\n' >h5.yaml
for n in 1 3; do
  REFSPEC=data.h5:/a/b/c/be reduce_ok $n data.h5 --desc h5.yaml
  REFSPEC=v2.npy reduce_ok $n v2.npy --desc npy.yaml
done
cat >job.yaml <<EOJ
input: {data: data.h5, dataset: /m}
operations: [sum, min, max, mean, std]
EOJ
for n in 1 2 4; do
  out=$(mpirun $n pario-run --format json job.yaml) || fail "pario-run h5 job n=$n ran"
  check "pario-run h5 job n=$n" "$PYTHON3" -c "
import json, sys, numpy as np, h5py
r = json.loads(sys.argv[1])
r = r.get('results', r)
m = h5py.File('data.h5', 'r')['m'][()].astype(np.int64)
assert r['sum'] == int(m.sum()) and r['min'] == int(m.min()) and r['max'] == int(m.max()), r" "$out"
done
# pario-run's results name a Fortran-order array by numpy's shape, with numpy's
# flat indices, for one input and for a list (tasks of 1 KiB: pieces of stored rows)
printf 'name: f\ninput:\n  data: fties.npy\noperations: [sum, min, max]\noutput:\n  results: fr.json\n' >fjob.yaml
printf 'fortran.npy\nfties.npy\n' >flist.txt
mpirun 3 pario-run fjob.yaml >/dev/null 2>&1 && cp fr.json fr1.json || fail "pario-run fjob.yaml"
mpirun 2 pario-run --inputs flist.txt --schedule dynamic fjob.yaml >/dev/null 2>&1 || fail "pario-run --inputs flist.txt"
check "pario-run: a Fortran-order .npy's shape and indices are numpy's" "$PYTHON3" -c "
import json, numpy as np
one = json.load(open('fr1.json')); many = json.load(open('fr.json'))['inputs']
for r, f in [(one, 'fties.npy'), (one['job'], 'fties.npy'), (many['fties.npy'], 'fties.npy'), (many['fortran.npy'], 'fortran.npy')]:
    a = np.load(f)
    if 'shape' in r: assert r['shape'] == list(a.shape), (f, r['shape'])
    if 'argmin' in r: assert (r['argmin'], r['argmax']) == (int(a.argmin()), int(a.argmax())), (f, r)"
run_deferred "$REF"
check "inputs untouched" "$PYTHON3" -c "
import numpy as np, h5py
assert np.load('v1.npy').size == 1009
with h5py.File('data.h5', 'r') as h: assert h['m'].shape == (37, 23)"
# A hostile-user pass, session 22 (each failed before the fix): FILE:/PATH
# where FILE exists but is not HDF5 says so, as --dataset does (it said "No
# such file or directory", exit 1); a .npy cut inside its 10-byte preamble
# is a truncated .npy header (it was read as raw: "t.npy.yaml: cannot open
# descriptor"); a timedelta .npy is called timedelta, not datetime
printf 'hello world' > nothdf.h5
printf '\223NUMPY' > cut6.npy
printf '\223NUMPY\001' > cut7.npy
"$PYTHON3" -c "import numpy as np; np.save('td.npy', np.zeros(3, 'm8[s]'))" || exit 99
for n in 1 2; do
  expect_error $n 2 "^pario-count: error: nothdf\\.h5: not an HDF5 file \\(no HDF5 signature\\): no dataset path '/x'" \
    pario-count --value 1 nothdf.h5:/x
  expect_error $n 1 "^pario-count: error: cut6\\.npy: truncated \\.npy header" pario-count --value 1 cut6.npy
  expect_error $n 1 "^pario-count: error: cut7\\.npy: truncated \\.npy header" pario-count --value 1 cut7.npy
  expect_error $n 1 "^pario-count: error: td\\.npy: \\.npy dtype '<m8\\[s\\]' \\(timedelta\\) is not supported" \
    pario-count --value 1 td.npy
done
# Session 23 (each read as a valid .npy before): a NUL inside descr ('<f8\0x'
# was read as '<f8'), text after the header's dict, a shape with a leading
# zero. numpy refuses each (checked here), so pario must too; the same header
# without the fault is read (the control).
"$PYTHON3" -c "
import numpy as np, struct
def npy(name, hdr):
    hdr = hdr + ' ' * ((64 - (10 + len(hdr) + 1) % 64) % 64) + '\n'
    open(name, 'wb').write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(hdr)) + hdr.encode('latin-1') + np.arange(6.0).tobytes())
npy('ok.npy', \"{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }\")
npy('nul.npy', \"{'descr': '<f8\0x', 'fortran_order': False, 'shape': (6,), }\")
npy('after.npy', \"{'descr': '<f8', 'fortran_order': False, 'shape': (6,), } x\")
npy('zero.npy', \"{'descr': '<f8', 'fortran_order': False, 'shape': (06,), }\")
assert np.load('ok.npy').sum() == 15
for f in ('nul.npy', 'after.npy', 'zero.npy'):
    try: np.load(f)
    except ValueError: continue
    raise SystemExit(f + ': numpy reads it')
" || fail "numpy does not refuse the bad headers"
for n in 1 2; do
  mpirun $n pario-reduce --op sum ok.npy >ok.out 2>&1
  check "the control header is read (n=$n)" grep -q '^sum: 15$' ok.out
  expect_error $n 1 "^pario-reduce: error: nul\.npy: bad \.npy header: descr: expected a dtype string" pario-reduce --op sum nul.npy
  expect_error $n 1 "^pario-reduce: error: after\.npy: bad \.npy header: text after the dict" pario-reduce --op sum after.npy
  expect_error $n 1 "^pario-reduce: error: zero\.npy: bad \.npy header: shape: expected a tuple" pario-reduce --op sum zero.npy
done
finish
