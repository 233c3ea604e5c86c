#!/bin/bash
# pario-scatter --part-format npy|h5: every part is a file numpy.load / h5py opens
# as it is and holds numpy's share of the input for its rank (views_ref.owners),
# with the part's place in the whole (sidecar descriptor, HDF5 attributes);
# pario-gather puts every part format back into the original's bytes (cmp). Rank
# counts rotate over 1-4 across cases; a failure on one rank leaves no part file.
. "$(dirname "$0")/lib.sh"

"$PYTHON3" -c "import numpy, h5py, yaml" 2>/dev/null || { echo "parts_formats: numpy/h5py/yaml missing: skipped"; exit 77; }
REF="$PARIO_SRCDIR/tests/mpi/parts_formats.py"
"$PYTHON3" "$REF" make || { echo "parts_formats.py make failed"; exit 99; }
ref() { "$PYTHON3" "$REF" "$@"; }
noparts() { ! ls p.* ./*.tmp.* >/dev/null 2>&1; }

# FMT INPUT DIST N OUT: scatter, check the parts, gather back, compare
roundtrip() {
  local fmt=$1 in=$2 dist=$3 n=$4 out=$5
  rm -f p.* out.*
  if ! mpirun "$n" pario-scatter --part-format "$fmt" --dist "$dist" --chunk 256 --out p "$in"; then
    fail "scatter $fmt $in $dist n=$n ran"; return
  fi
  check "parts $fmt $in $dist n=$n" ref check p "$fmt" "$in" "$dist" "$n"
  [ "$fmt" = raw ] ||
    check "no raw part or descriptor beside $fmt parts" test ! -e p.0 -a ! -e p.0.yaml -a ! -e p.0.h5.yaml
  [ -z "${BIG_DESC:-}" ] || sed -i 's/^byte_order: little$/byte_order: big/' p.*.yaml
  if ! mpirun "$n" pario-gather --chunk 256 --out "$out" p; then fail "gather $fmt $in $dist n=$n ran"; return; fi
  case $in:$out in
    *:out.bin) ref raw "$in" want.bin && check "gather $fmt $in $dist n=$n: the input's bytes" cmp -s want.bin out.bin ;;
    *.npy:out.npy) check "gather $fmt $in $dist n=$n: numpy's own file" cmp -s "$in" out.npy ;;
    *) check "gather $fmt $in $dist n=$n: h5py reads the input's values" ref same "$in" "$out" ;;
  esac
}

roundtrip npy d1.bin block 3 out.bin
roundtrip h5 d1.bin cyclic:4 2 out.bin
roundtrip npy d2.npy tiles 4 out.npy
roundtrip h5 d2.npy tiles:1x3 3 out.npy
roundtrip h5 d2.npy rows 1 out.bin
roundtrip npy d2.npy cyclic:3 2 out.bin
roundtrip npy d3.npy cyclic:5 4 out.npy         # ranks 2, 3 hold nothing
roundtrip h5 d3.npy block 4 out.bin             # 7 over 4
roundtrip h5 d4.h5:/g/x cols 3 out.h5:/y
roundtrip npy d4.h5:/g/x rows-cyclic:2 2 out.bin
# 1-byte dtypes whose descriptor says byte_order: big: byte order does not apply,
# so the .npy parts ('|u1', '|i1') match their descriptors and gather puts them back
# (pario-gather refused its own .npy parts: "does not match its descriptor"); the
# descriptors pario wrote so ("byte_order: big" beside a '|u1' part) are taken too
roundtrip npy u8be.bin block 1 out.bin
roundtrip npy u8be.bin cyclic:3 2 out.npy
roundtrip npy i8be.bin tiles 3 out.bin
roundtrip npy i8be.bin rows-cyclic:2 2 out.h5:/y
roundtrip raw u8be.bin cyclic:7 3 out.npy
roundtrip raw i8be.bin cols 2 out.bin
roundtrip h5 i8be.bin block 3 out.bin
BIG_DESC=1 roundtrip npy u8be.bin cyclic:5 3 out.bin
BIG_DESC=1 roundtrip raw i8be.bin tiles 2 out.npy
# raw parts still work, and the default is raw
rm -f p.*; mpirun 2 pario-scatter --dist cyclic:3 --out p d1.bin && check "default raw parts" test -e p.1 -a -e p.1.yaml

# gather: an explicit --part-format, a wrong one, an ambiguous prefix
rm -f p.* out.*
mpirun 2 pario-scatter --part-format h5 --out p d1.bin || fail "scatter h5 n=2 ran"
mpirun 2 pario-gather --part-format h5 --out out.bin p && check "gather --part-format h5" cmp -s d1.bin out.bin
expect_error 2 1 "p\.0\.npy: missing part file" pario-gather --part-format npy --out out2.bin p
cp p.0.h5 p.0.npy.yaml 2>/dev/null; touch p.0.npy
expect_error 2 2 "p\.0\.npy and p\.0\.h5 both exist.*--part-format" pario-gather --out out3.bin p
rm -f p.0.npy p.0.npy.yaml
expect_error 1 2 "part-format 'hdf6'" pario-scatter --part-format hdf6 --out q d1.bin
# an HDF5 file that is not a part (no attributes), and a .npy part that does not match its descriptor
"$PYTHON3" -c "import h5py, numpy as np; h5py.File('z.0.h5', 'w')['data'] = np.arange(3)"
expect_error 1 1 "z\.0\.h5:/data: not a part file" pario-gather --out out4.bin z
rm -f p.*; mpirun 2 pario-scatter --part-format npy --out p d1.bin || fail "scatter npy n=2 ran"
"$PYTHON3" -c "import numpy as np; np.save('p.1.npy', np.load('p.1.npy')[:-1])"
expect_error 2 1 "p\.1\.npy: does not match its descriptor" pario-gather --out out5.bin p
check "failed gathers leave no output" test ! -e out2.bin -a ! -e out3.bin -a ! -e out4.bin -a ! -e out5.bin
# a raw input with a header: only raw parts carry it
expect_error 2 2 "hdr\.bin: has a 8-byte header.*--part-format raw" pario-scatter --part-format h5 --out q hdr.bin
# a part may not replace the input
cp d3.npy in.0.npy
expect_error 1 2 "in\.0\.npy" pario-scatter --part-format npy --out in in.0.npy
check "the input is untouched" cmp -s d3.npy in.0.npy

# a part with this rank's element count in another shape is refused, naming
# the rank, and nothing is written (session 23: a .npy part reshaped from
# (3, 5) to (5, 3), or a raw part's descriptor saying (5, 3) or (15,), was
# gathered as if it were the rank's (3, 5) block)
"$PYTHON3" -c "import numpy as np; np.save('m75.npy', np.arange(35, dtype='<i4').reshape(7, 5))" || exit 99
rm -f p.* s.*
mpirun 2 pario-scatter --part-format npy --dist rows --out p m75.npy >/dev/null 2>&1 || fail "scatter m75.npy (npy)"
mpirun 2 pario-scatter --part-format raw --dist rows --out s m75.npy >/dev/null 2>&1 || fail "scatter m75.npy (raw)"
"$PYTHON3" -c "import numpy as np; a = np.load('p.1.npy'); assert a.shape == (3, 5); np.save('p.1.npy', a.reshape(5, 3))"
expect_error 2 1 "^pario-gather: error: p\.1\.npy: does not match its descriptor p\.1\.npy\.yaml .*\(rank 1\)" \
  pario-gather --out g.npy p
grep -q '^shape: \[3, 5\]$' s.1.yaml || fail "s.1.yaml: no shape: [3, 5]"
sed -i 's/^shape: \[3, 5\]$/shape: [5, 3]/' s.1.yaml
expect_error 2 1 "^pario-gather: error: s\.1: holds an array of shape \(5, 3\), but this rank's part is \(3, 5\) \(rank 1\)" \
  pario-gather --out g.bin s
sed -i 's/^shape: \[5, 3\]$/shape: [15]/' s.1.yaml
expect_error 2 1 "^pario-gather: error: s\.1: holds an array of shape \(15,\), but this rank's part is \(3, 5\) \(rank 1\)" \
  pario-gather --out g.bin s
check "nothing gathered" test ! -e g.npy -a ! -e g.bin -a ! -e g.bin.yaml
sed -i 's/^shape: \[15\]$/shape: [3, 5]/' s.1.yaml
mpirun 2 pario-gather --out g.npy s >/dev/null 2>&1 && check "the control: the parts restored gather to numpy's file" cmp -s m75.npy g.npy ||
  fail "gather s (restored)"
rm -f p.* s.* g.*

# parts of two scatter runs of the same shape, in every format (session 28: a
# part of the other run was gathered into a silently mixed file, exit 0); a
# damaged part is a runtime error naming its own rank (it said rank 0, and a
# junk HDF5 part gave exit 2, the usage code)
"$PYTHON3" -c "import numpy as np; np.save('ra.npy', np.arange(10, dtype='<i4')); np.save('rb.npy', np.arange(10, dtype='<i4') * 100)" || exit 99
for fmt in raw npy h5; do
  ext=; [ $fmt = raw ] || ext=.$fmt
  rm -f ra.[0-9]* rb.[0-9]* g.*
  mpirun 2 pario-scatter --part-format $fmt --out ra ra.npy >/dev/null 2>&1 || fail "scatter ra.npy ($fmt)"
  mpirun 2 pario-scatter --part-format $fmt --out rb rb.npy >/dev/null 2>&1 || fail "scatter rb.npy ($fmt)"
  cp rb.1$ext ra.1$ext; [ $fmt = h5 ] || cp rb.1$ext.yaml ra.1$ext.yaml
  expect_error 2 1 "^pario-gather: error: ra\.1$ext: written by another pario-scatter run than ra\.0$ext \(run [0-9a-f]{16}, not [0-9a-f]{16}\)$" \
    pario-gather --out g.npy ra
  check "parts of two runs ($fmt): nothing gathered" test ! -e g.npy
  mpirun 2 pario-gather --out g.npy rb >/dev/null 2>&1 && check "the control ($fmt): one run's parts gather to numpy's file" cmp -s rb.npy g.npy ||
    fail "gather rb ($fmt)"
done
rm -f ra.[0-9]* rb.[0-9]* g.*
mpirun 3 pario-scatter --part-format npy --out ra m75.npy >/dev/null 2>&1 || fail "scatter m75.npy to 3 npy parts"
truncate -s -8 ra.2.npy
expect_error 3 1 "^pario-gather: error: ra\.2\.npy: .*file too short\) \(rank 2\)$" pario-gather --out g.npy ra
mpirun 3 pario-scatter --part-format h5 --out rb m75.npy >/dev/null 2>&1 || fail "scatter m75.npy to 3 h5 parts"
echo junk >rb.1.h5
expect_error 3 1 "^pario-gather: error: rb\.1\.h5: not an HDF5 file.* \(rank 1\)$" pario-gather --out g.npy rb
# a .npy part whose magic is damaged was gathered as raw, through its descriptor
mpirun 3 pario-scatter --part-format npy --out rc m75.npy >/dev/null 2>&1 || fail "scatter m75.npy to 3 npy parts (rc)"
printf 'X' | dd of=rc.1.npy bs=1 conv=notrunc 2>/dev/null
expect_error 3 1 "^pario-gather: error: rc\\.1\\.npy: not a \\.npy file .*\\(rank 1\\)$" pario-gather --out g.npy rc
check "damaged parts: nothing gathered" test ! -e g.npy
rm -f ra.* rb.* rc.* g.* m75.npy

# string attributes rewritten with h5py to the same text gather as the
# unedited parts do, to numpy's file: as variable-length strings (h5py's for a
# Python str; refused before: "pario_run is not a scatter run's id (16
# hexadecimal digits)"), and in a wider fixed-length type (attrs.create(...,
# dtype='S64'); "not a part file" before: the type's size was held to the
# buffer, not the text's; session 29). A variable-length pario_run that is not
# a run's id is refused still.
# rewritten KIND: scatter vl.npy to 3 HDF5 parts, rewrite their pario_run,
# pario_distribution and pario_dtype as KIND (vlen or S64), gather to g.npy
rewritten() {
  rm -f vl.* g.*
  "$PYTHON3" -c "import numpy as np; np.save('vl.npy', np.arange(40, dtype='<f8').reshape(8, 5) / 3)" || exit 99
  mpirun 3 pario-scatter --part-format h5 --dist rows --out vl vl.npy >/dev/null 2>&1 || fail "scatter vl.npy to 3 h5 parts"
  "$PYTHON3" - "$1" <<'PY' || fail "h5py rewrote the attributes as $1"
import h5py, sys
for r in range(3):
    with h5py.File('vl.%d.h5' % r, 'r+') as f:
        a = f['data'].attrs
        for k in ('pario_run', 'pario_distribution', 'pario_dtype'):
            v = a[k].decode() if isinstance(a[k], bytes) else str(a[k])
            del a[k]
            if sys.argv[1] == 'vlen':
                a[k] = v                    # a Python str: variable-length UTF-8
            else:
                a.create(k, v.encode(), dtype='S64')
        vlen = h5py.check_string_dtype(a.get_id('pario_run').dtype).length is None
        assert vlen == (sys.argv[1] == 'vlen')
PY
  mpirun 3 pario-gather --out g.npy vl >vl.out 2>&1 && check "$1 string attributes: numpy's file" \
    cmp -s vl.npy g.npy || fail "gather of parts with $1 attributes: $(head -c 300 vl.out)"
}
rewritten S64
rewritten vlen
"$PYTHON3" -c "
import h5py
with h5py.File('vl.1.h5', 'r+') as f: f['data'].attrs['pario_run'] = 'not-a-run-id'" || exit 99
expect_error 3 1 "^pario-gather: error: vl\.1\.h5:/data: pario_run is not a scatter run's id \(16 hexadecimal digits\)" \
  pario-gather --out g2.npy vl
rm -f vl.* g.* g2.*

# one rank's failure: no part file of any rank, no temporary file, no hang
rm -f p.*
n=1
for fault in write:rank=1 h5write:rank=2 write:rank=0:after=1 open:rank=1; do
  for fmt in npy h5; do
    n=$((n % 3 + 2))
    case $fault in *rank=2*) n=3 ;; esac
    case $fault in h5write*) [ $fmt = npy ] && continue ;; open*) [ $fmt = h5 ] && continue ;; esac
    PARIO_FAULT=$fault expect_error $n 1 "rank" pario-scatter --part-format $fmt --chunk 256 --out p d1.bin
    check "no parts after $fault ($fmt, n=$n)" noparts
  done
done
finish
