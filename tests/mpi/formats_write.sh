#!/bin/bash
# Writing .npy and HDF5: pario-gen, pario-convert and pario-gather write x.npy and
# file.h5:/group/dset that numpy, h5py and h5dump read back with the values the
# inputs (written by numpy/h5py in the test) or arange hold, at 1-4 ranks (rotated
# across cases); a dataset is added to an existing HDF5 file without touching the
# rest; a failed run (one rank's write, an existing dataset) leaves the file as it
# was and no temporary file.
. "$(dirname "$0")/lib.sh"

"$PYTHON3" -c "import numpy, h5py" 2>/dev/null || { echo "formats_write: numpy/h5py missing: skipped"; exit 77; }
REF="$PARIO_SRCDIR/tests/mpi/formats_write.py"
"$PYTHON3" "$REF" make || { echo "formats_write.py make failed"; exit 99; }
ref() { "$PYTHON3" "$REF" "$@"; }
notmp() { ! ls ./*.tmp.* >/dev/null 2>&1; }

# pario-gen: arange in both layouts, both byte orders, several dtypes and rank counts
n=1
while read -r t shape order; do
  n=$((n % 4 + 1))
  rm -f g.npy g.h5
  mpirun $n pario-gen --dtype $t --shape $shape --sequence --byte-order $order --chunk 1Ki --out g.npy &&
    check "gen npy $t $shape $order n=$n" ref seq g.npy $t $shape $order || fail "gen npy $t $shape n=$n ran"
  n=$((n % 4 + 1))
  mpirun $n pario-gen --dtype $t --shape $shape --sequence --byte-order $order --dist cyclic:3 --out g.h5:/s/q &&
    check "gen h5 $t $shape $order n=$n" ref seq g.h5:/s/q $t $shape $order || fail "gen h5 $t $shape n=$n ran"
done <<EOL
int8 1001 little
uint16 13,7 big
float32 13,7 little
float64 1001 big
EOL
check "gen h5 attributes" ref attrs g.h5:/s/q pario-gen cyclic:3
# random values: the .npy and HDF5 outputs hold the raw output's bytes
for n in 3; do
  rm -f r.bin r.bin.yaml r.npy r.h5
  mpirun $n pario-gen --dtype float64 --shape 40,9 --normal 0:1 --seed 5 --dist tiles --out r.bin &&
  mpirun $n pario-gen --dtype float64 --shape 40,9 --normal 0:1 --seed 5 --dist cols --out r.npy &&
  mpirun $n pario-gen --dtype float64 --shape 40,9 --normal 0:1 --seed 5 --out r.h5:/x ||
    fail "gen random n=$n ran"
  check "gen random npy == raw n=$n" "$PYTHON3" -c "
import numpy as np, h5py
raw = np.fromfile('r.bin', '<f8').reshape(40, 9)
assert np.array_equal(np.load('r.npy'), raw)
with h5py.File('r.h5', 'r') as h: assert np.array_equal(h['x'][()], raw)"
done
check "h5dump reads pario's HDF5" ref h5dump r.h5 /x r.h5:/x
check "no descriptor beside .npy/.h5 outputs" test ! -e r.npy.yaml -a ! -e r.h5.yaml

# pario-convert between every pair of formats, with dtype, order, transpose, --to-dist
n=1
while read -r in out t extra; do
  n=$((n % 4 + 1))
  rm -f o.npy o.bin o.bin.yaml o.h5
  # shellcheck disable=SC2086
  mpirun $n pario-convert --chunk 1Ki $extra ${t:+--dtype $t} "$in" "$out" || { fail "convert $in $out n=$n ran"; continue; }
  case $out in
    o.bin) check "convert $in $out $extra n=$n" "$PYTHON3" -c "
import sys, numpy as np, yaml
sys.path.insert(0, '$PARIO_SRCDIR/tests/mpi'); import formats_write as fw
d = yaml.safe_load(open('o.bin.yaml'))
a = np.fromfile('o.bin', np.dtype(d['dtype']).newbyteorder('>' if d.get('byte_order') == 'big' else '<'))
b, _ = fw.load('$in')
assert np.array_equal(a, b.ravel().astype(a.dtype))" ;;
    *) check "convert $in $out $t $extra n=$n" ref same "$out" "$in" "${t:--}" $(case $extra in *transpose*) echo transpose;; esac) ;;
  esac
done <<EOL
in.h5:/a/b/m o.npy
in.npy o.h5:/deep/er/m
in.h5:/f8 o.bin
in.h5:/u o.h5:/u float64
in.npy o.h5:/t int32 --transpose
in.h5:/a/b/m o.npy float32 --to-dist cyclic:5
in.h5:/f8 o.h5:/x float32 --byte-order big --dist cyclic:7 --to-dist block
in.npy o.h5:/tiles - --dist tiles --to-dist rows
in.h5:/empty o.npy
in.h5:/empty o.h5:/e
EOL
rm -f o.bin o.bin.yaml o2.h5
mpirun 2 pario-convert in.h5:/f8 o.bin && mpirun 3 pario-convert o.bin o2.h5:/back &&
  check "raw -> h5 round trip" ref same o2.h5:/back in.h5:/f8 || fail "raw -> h5 ran"
check "convert h5 attributes" ref attrs o2.h5:/back pario-convert block

# chunked outputs (--chunk-shape not dividing the shape, --gzip with shuffle)
while read -r n in out extra; do
  rm -f k.h5
  # shellcheck disable=SC2086
  mpirun $n pario-convert --chunk 1Ki $extra "$in" "$out" || { fail "convert chunked $out $extra n=$n ran"; continue; }
  check "chunked $in -> $out $extra n=$n" ref same "$out" "$in"
  check "chunked layout $out $extra" "$PYTHON3" -c "
import sys, h5py
f, d = '$out'.split(':', 1)
extra = '$extra'
with h5py.File(f, 'r') as h:
    ds = h[d]
    assert ds.chunks is not None, ds.chunks
    if '--chunk-shape' in extra:
        want = tuple(int(x) for x in extra.split('--chunk-shape ')[1].split()[0].split(','))
        assert ds.chunks == want, (ds.chunks, want)
    if '--gzip' in extra:
        assert ds.compression == 'gzip' and ds.shuffle and ds.compression_opts == int(extra.split('--gzip ')[1].split()[0])
"
done <<EOL
2 in.h5:/a/b/m k.h5:/m --chunk-shape 4,5
3 in.h5:/f8 k.h5:/g/f8 --gzip 1 --chunk-shape 100
4 in.npy k.h5:/m --gzip 6 --dist cyclic:7
1 in.h5:/u k.h5:/u --chunk-shape 64 --byte-order big
EOL
rm -f k.h5
mpirun 3 pario-gen --dtype int16 --shape 23,9 --sequence --gzip 1 --out k.h5:/s &&
  check "gen chunked gzip" ref seq k.h5:/s int16 23,9 little || fail "gen chunked ran"
check "h5dump reads chunked gzip" ref h5dump k.h5 /s k.h5:/s
expect_error 2 2 "^pario-gen: error: k.npy: --chunk-shape and --gzip apply to HDF5 outputs" pario-gen --dtype int8 --count 3 --sequence --gzip 1 --out k.npy
expect_error 1 2 "^pario-gen: error: --chunk-shape has 2 dimension\(s\), the output k.h5 has 1" pario-gen --dtype int8 --count 3 --sequence --chunk-shape 2,2 --out k.h5:/z

# scatter to parts, gather into .npy and HDF5
for n in 4; do
  rm -f p.* w.npy w.h5
  mpirun $n pario-scatter --dist tiles --out p in.h5:/a/b/m && mpirun $n pario-gather --out w.npy p &&
    mpirun $n pario-gather --out w.h5:/g/m p || fail "scatter/gather n=$n ran"
  check "gather npy n=$n" ref same w.npy in.h5:/a/b/m
  check "gather h5 n=$n" ref same w.h5:/g/m in.h5:/a/b/m
  mpirun $n pario-gather --gzip 2 --out w.h5:/g/z p && check "gather chunked h5 n=$n" ref same w.h5:/g/z in.h5:/a/b/m ||
    fail "gather chunked n=$n ran"
done

# an existing HDF5 file gets the dataset added; what it held stays
mpirun 2 pario-convert in.h5:/f8 other.h5:/grp/added && check "added to other.h5" ref same other.h5:/grp/added in.h5:/f8 ||
  fail "add to existing ran"
check "other.h5 kept its datasets" ref other
sum=$(md5sum other.h5)
expect_error 3 1 "^pario-convert: error: other.h5: already has '/keep'" pario-convert in.npy other.h5:/keep
expect_error 2 1 "^pario-convert: error: other.h5: '/grp/z' is not a group" pario-convert in.npy other.h5:/grp/z/w
expect_error 1 2 "^pario-gen: error: x.h5: an HDF5 output needs a dataset path" pario-gen --dtype int8 --count 3 --sequence --out x.h5
# x.h5: or x.h5:g (a missing or relative dataset path), or other.h5's data
# under a name without .h5: refused, nothing written (they wrote a raw file
# named 'x.h5:' and its descriptor, session 22's hostile-user pass)
cp other.h5 h5noext
for o in x.h5: x.h5:g h5noext:g; do
  expect_error 2 2 "^pario-gen: error: $o: dataset path '${o#*:}': expected /group/dset" \
    pario-gen --dtype int8 --count 3 --sequence --out "$o"
  check "--out $o: nothing written" test ! -e "$o" -a ! -e "$o.yaml" -a ! -e x.h5
done
check "h5noext unchanged" cmp -s other.h5 h5noext
expect_error 2 2 "^pario-convert: error: in.h5: the output data is the input data" pario-convert in.h5:/f8 in.h5:/f8b
expect_error 2 2 "^pario-gen: error: o.npy: --offset applies to raw outputs only" pario-gen --dtype int8 --count 3 --sequence --offset 8 --out o.npy
cp in.npy noth5.h5
expect_error 2 1 "^pario-convert: error: noth5.h5: exists and is not an HDF5 file" pario-convert in.npy noth5.h5:/x
check "refused runs left other.h5 alone" test "$sum" = "$(md5sum other.h5)"
# through a symbolic link, the dataset goes to the file it leads to (the link
# was replaced by a copy holding it, and the file it led to never got it)
cp other.h5 target.h5 && mkdir -p lnk && ln -sf ../target.h5 lnk/o.h5
mpirun 2 pario-convert in.h5:/f8 lnk/o.h5:/vialink && check "added through a link to target.h5" ref same target.h5:/vialink in.h5:/f8 ||
  fail "add through a link ran"
check "the link is still a link" test -L lnk/o.h5

# external links: HDF5 would follow one into another file, where the data went
# to the wrong file's bytes (a hostile-user pass, session 12: the written file's
# own datasets overwritten, the linked file changed, exit 0). Refused, both
# files untouched; a soft link within the file still writes there; reading
# through a link out of the file is refused too (it read the wrong file's bytes)
"$PYTHON3" -c "
import h5py, numpy as np
with h5py.File('elo.h5', 'w') as f: f.create_group('grp'); f['x'] = np.arange(4.0)
with h5py.File('elm.h5', 'w') as f:
    f['keep'] = np.full(100000, 7.0); f['g/y'] = np.arange(3.0)
    f['eg'] = h5py.ExternalLink('elo.h5', '/grp'); f['ex'] = h5py.ExternalLink('elo.h5', '/x')
    f['sl'] = h5py.SoftLink('/eg'); f['sg'] = h5py.SoftLink('/g')" || exit 99
esum=$(md5sum elo.h5 elm.h5)
expect_error 2 1 "^pario-convert: error: elm.h5: '/eg' is an external link to elo.h5:/grp " pario-convert in.npy elm.h5:/eg/new
expect_error 2 1 "^pario-convert: error: elm.h5: '/sl' is a soft link that leads into another file" \
  pario-convert in.npy elm.h5:/sl/new
expect_error 2 1 "^pario-convert: error: elm.h5: '/eg' is an external link" pario-convert --gzip 1 in.npy elm.h5:/eg/new
expect_error 2 1 "^pario-reduce: error: elm.h5: '/ex' is an external link to elo.h5:/x " pario-reduce --op sum elm.h5:/ex
check "refused links left both files alone" test "$esum" = "$(md5sum elo.h5 elm.h5)"
mpirun 2 pario-convert in.npy elm.h5:/sg/new || fail "convert through a soft link within the file"
check "through a soft link within the file: the data in /g/new, /keep intact" "$PYTHON3" -c "
import h5py, numpy as np
f = h5py.File('elm.h5', 'r')
assert (f['keep'][:] == 7).all() and np.array_equal(f['g/new'][:], np.load('in.npy'))"

# a ':' in a path: ROMIO reads what is before it as a file-system prefix, so
# every MPI-IO path failed ("*iofstypeunsupported"), and "ufs:x.bin" was written
# as x.bin, then not found to rename (a full x.bin.tmp.PID left; session 12)
mkdir -p 'run-12:30'
mpirun 2 pario-gen --dtype int32 --count 1001 --sequence --out 'run-12:30/g.bin' || fail "gen into run-12:30/"
for extra in --no-mmap --independent ""; do
  check "a ':' in the path, count $extra: one 7" test "$(mpirun 2 pario-count $extra --value 7 'run-12:30/g.bin' | sed -n 's/^count: //p')" = 1
done
mpirun 2 pario-convert 'run-12:30/g.bin' 'run-12:30/g.h5:/x' || fail "convert to run-12:30/g.h5"
mpirun 3 pario-convert --gzip 1 'run-12:30/g.h5:/x' 'run-12:30/z.h5:/y' || fail "convert to run-12:30/z.h5 (gzip)"
for src in 'run-12:30/g.h5:/x' 'run-12:30/z.h5:/y'; do
  check "a ':' in the path: $src's sum is 0 + ... + 1000" test "$(mpirun 2 pario-reduce --op sum "$src" | sed -n 's/^sum: //p')" = 500500
done
mpirun 2 pario-convert 'run-12:30/g.bin' ufs:x.bin || fail "convert to ufs:x.bin"
check "ufs:x.bin is a file of that name, none other, no temporary" sh -c \
  "cmp -s ufs:x.bin 'run-12:30/g.bin' && test ! -e x.bin && ! ls | grep -q '\.tmp\.'"

# one rank's write fails: no output, no temporary file, an existing file untouched
# chunked outputs and reads under every --dist, through parallel HDF5's
# H5Dwrite/H5Dread: each step's runs are one strided hyperslab where the grid
# allows (whole rows, runs inside a row) and run by run where not (cyclic:4 over
# rows of 7); chunk shapes that divide nothing; --chunk 8Ki gives steps of a few
# runs, so a step starts inside a run and ends inside another
"$PYTHON3" -c "
import numpy as np
np.save('sel.npy', (np.arange(23 * 7) * 3 - 100).astype('<f8').reshape(23, 7))
np.save('sel1.npy', np.arange(1001, dtype='<i4'))"
# each at 1 rank and at 3 or 5 in turn (23 rows of 7: neither divides by 3 or 5)
i=0
for d in block cyclic:4 rows rows-cyclic:2 cols tiles; do
  i=$((i + 1))
  for n in 1 $((i % 2 ? 5 : 3)); do
    rm -f sel.h5 selr.npy
    if mpirun $n pario-convert --dist $d --chunk 8Ki --chunk-shape 5,3 --gzip 1 sel.npy sel.h5:/m &&
       mpirun $n pario-convert --dist $d --chunk 8Ki sel.h5:/m selr.npy; then
      check "chunked write and read, --dist $d n=$n: numpy's values" "$PYTHON3" -c "
import numpy as np, h5py
a = np.load('sel.npy')
with h5py.File('sel.h5', 'r') as h: assert np.array_equal(h['m'][()], a)
assert np.array_equal(np.load('selr.npy'), a)"
    else
      fail "chunked write and read, --dist $d n=$n ran"
    fi
  done
done
for d in cyclic:2 cyclic:3; do
  for n in 2 4; do
    rm -f sel1.h5
    mpirun $n pario-convert --dist $d --chunk 1Ki --chunk-shape 100 sel1.npy sel1.h5:/v &&
      check "1-D chunked, --dist $d n=$n: arange's values and sum" test \
        "$(mpirun $n pario-reduce --op sum --dist $d --chunk 1Ki sel1.h5:/v | sed -n 's/^sum: //p')" = \
        "$("$PYTHON3" -c "
import h5py, numpy as np
v = h5py.File('sel1.h5', 'r')['v'][()]
print(int(v.astype('i8').sum()) if np.array_equal(v, np.arange(1001)) else 'differs')")" ||
      fail "1-D chunked, --dist $d n=$n ran"
  done
done

for spec in h5write:rank=1 write:rank=2; do
  rm -f f.h5 f.npy
  PARIO_FAULT=$spec expect_error 3 1 "^pario-gen: error: f.h5.*" pario-gen --dtype int32 --count 5001 --sequence --chunk 1Ki --out f.h5:/x
  check "fault $spec: no f.h5" test ! -e f.h5
  PARIO_FAULT=$spec mpirun 3 pario-convert --chunk 1Ki in.h5:/f8 other.h5:/grp/failed 2>/dev/null &&
    fail "fault $spec: convert into other.h5 succeeded"
  check "fault $spec: other.h5 untouched" test "$sum" = "$(md5sum other.h5)"
  PARIO_FAULT=$spec mpirun 3 pario-convert --chunk 1Ki --gzip 1 in.h5:/f8 other.h5:/grp/failedz 2>/dev/null &&
    fail "fault $spec: chunked convert into other.h5 succeeded"
  check "fault $spec: other.h5 untouched (chunked)" test "$sum" = "$(md5sum other.h5)"
  PARIO_FAULT=$spec mpirun 3 pario-gen --dtype int32 --count 5001 --sequence --chunk 1Ki --out f.npy 2>/dev/null &&
    [ "$spec" != h5write:rank=1 ] && [ "$spec" != h5write:rank=0 ] && fail "fault $spec: npy succeeded"
  check "fault $spec: no temporary file" notmp
done
finish
