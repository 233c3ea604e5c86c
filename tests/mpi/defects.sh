#!/bin/bash
# Issue 10, section 7: the smaller defects, each checked against an independent
# reference (cmp, numpy, python's json/fractions).
. "$(dirname "$0")/lib.sh"
SAMPLE=$PARIO_SRCDIR/sample-data

# ---- scatter then gather gives back the file byte for byte, header included ----
# Headers of random bytes (so a zeroed header cannot pass), one larger than the
# copy buffer, big- and little-endian data, 1-D and 2-D, uneven sizes.
"$PYTHON3" - <<'PY'
import numpy as np
rng = np.random.default_rng(10)
def write(name, header, data, dtype, shape, order):
    names = {"i4": "int32", "f8": "float64", "u2": "uint16"}
    with open(name, "wb") as f:
        f.write(rng.integers(0, 256, header, dtype=np.uint8).tobytes())
        f.write(data.astype(dtype).tobytes())
    with open(name + ".yaml", "w") as f:
        f.write("dtype: %s\nshape: %s\noffset: %d\nbyte_order: %s\n" % (names[dtype[1:]], shape, header, order))
write("h1.bin", 64, rng.integers(-2**31, 2**31, 1003), ">i4", "[1003]", "big")
write("h2.bin", 70001, rng.normal(size=13 * 7), "<f8", "[13, 7]", "little")
write("h3.bin", 5, rng.integers(0, 2**16, 11 * 5), ">u2", "[11, 5]", "big")
PY
cp "$SAMPLE/int32-be-header.bin" "$SAMPLE/int32-be-header.bin.yaml" .

header_roundtrip() { # FILE N DIST
  local f=$1 n=$2 dist=$3
  rm -f part.* out.bin out.bin.yaml
  if ! mpirun "$n" pario-scatter --dist "$dist" --out part "$f" >/dev/null; then fail "scatter $f $dist n=$n"; return; fi
  if ! mpirun "$n" pario-gather --out out.bin part >/dev/null; then fail "gather $f $dist n=$n"; return; fi
  check "header round trip $f $dist n=$n" cmp -s "$f" out.bin
  check "header round trip $f $dist n=$n: descriptor" "$PYTHON3" -c "
import yaml,sys
a, b = yaml.safe_load(open('$f.yaml')), yaml.safe_load(open('out.bin.yaml'))
sys.exit(0 if a['offset'] == b['offset'] and a['shape'] == b['shape'] and a.get('byte_order') == b.get('byte_order') else 1)"
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
check "parts hold the elements and part 0 the header" "$PYTHON3" - <<'PY'
import numpy as np, yaml, sys
raw = open("h1.bin", "rb").read()
data = np.frombuffer(raw[64:], dtype=">i4")
bad = 0
for r in range(3):
    d = yaml.safe_load(open("part.%d.yaml" % r))
    b = open("part.%d" % r, "rb").read()
    want_off = 64 if r == 0 else 0
    idx = np.arange(data.size)
    mine = data[(idx // 7) % 3 == r]
    if d["offset"] != want_off or d["part"].get("offset") != 64: bad += 1; print("descriptor", r, d)
    if r == 0 and b[:64] != raw[:64]: bad += 1; print("header not carried")
    if not np.array_equal(np.frombuffer(b[want_off:], dtype=">i4"), mine): bad += 1; print("elements", r)
sys.exit(bad)
PY
mpirun 3 pario-count --range 0:2147483647 part.0 >/dev/null
check "part 0 with its header counts like any dataset" test $? -eq 0
# parts that do not agree on the header are refused, and nothing is written
cp part.1.yaml keep.yaml
sed -i 's/, offset: 64}/, offset: 8}/' part.1.yaml
expect_error 3 1 "part\.1: does not belong with part\.0 .*header" pario-gather --out bad.bin part
cp keep.yaml part.1.yaml
sed -i 's/, offset: 64}/}/' part.1.yaml
expect_error 3 1 "part\.1: does not belong with part\.0" pario-gather --out bad.bin part
cp keep.yaml part.1.yaml
# a part cut short: one line naming the part and its rank (the name was empty)
cp part.2 keep.part && truncate -s 20 part.2
expect_error 3 1 "^pario-gather: error: part\.2: 20 bytes, but shape .* \(file too short\) \(rank 2\)$" pario-gather --out bad.bin part
cp keep.part part.2
check "no output from refused gathers" test ! -e bad.bin

# ---- the progress line counts both of hist's passes: never over 100%, sane ETA ----
mpirun 2 pario-gen --dtype float64 --count 300001 --normal 0:1 --seed 3 --out g.bin >/dev/null
progress_ok() { # FILE: the --progress lines on a non-terminal stderr
  "$PYTHON3" - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
lines = [l for l in text.replace("\r", "\n").split("\n") if "reducing" in l]
pat = re.compile(r"reducing +(\d+)% \(rank 0: [^,]+, [^,]+/s, (-?\d+) s left\)")
pcts, etas = [], []
for l in lines:
    m = pat.search(l)
    if not m: print("unparsed:", l); sys.exit(1)
    pcts.append(int(m.group(1))); etas.append(int(m.group(2)))
ok = (len(pcts) >= 4 and max(pcts) <= 100 and pcts == sorted(pcts) and max(pcts) >= 90
      and min(etas) >= 0 and max(etas) < 3600)
# the first pass ends near half way: a line between 30% and 70% must be seen
ok = ok and any(30 <= p <= 70 for p in pcts)
if not ok: print("percentages", pcts, "etas", etas)
sys.exit(0 if ok else 1)
PY
}
for n in 1 2 3; do
  PARIO_PROGRESS_INTERVAL=0 mpirun $n pario-reduce --op hist --chunk 64Ki --progress g.bin >/dev/null 2>prog.err
  check "hist progress (two passes) n=$n" progress_ok prog.err
  PARIO_PROGRESS_INTERVAL=0 mpirun $n pario-reduce --op hist,mean --min -5 --max 5 --chunk 64Ki --progress g.bin >/dev/null 2>prog.err
  check "hist progress (one pass) n=$n" progress_ok prog.err
done
printf "input: {data: g.bin}\noperations: [hist]\nio: {chunk: 64Ki}\n" > hist.yaml
PARIO_PROGRESS_INTERVAL=0 mpirun 2 pario-run --progress hist.yaml >/dev/null 2>prog.err
check "pario-run hist progress" progress_ok prog.err

# ---- JSON spells NaN and the infinities as strings; null is "no value" ----
"$PYTHON3" -c "
import numpy as np
np.array([[1, np.inf, 3], [-np.inf, 2, np.nan], [5, 6, 7], [np.inf, -np.inf, 0]], '<f8').tofile('nf.bin')
open('nf.bin.yaml', 'w').write('dtype: float64\nshape: [4, 3]\n')
np.zeros(0, '<f8').tofile('empty.bin'); open('empty.bin.yaml', 'w').write('dtype: float64\nshape: [0]\n')"
nonfinite_ok() { # FORMAT FILE ARGS: the results, decoded, equal numpy's
  "$PYTHON3" - "$@" <<'PY'
import json, sys, math, yaml, numpy as np
fmt, out, data = sys.argv[1], sys.argv[2], sys.argv[3]
args = sys.argv[4:]
text = open(out).read()
def strict(tok): raise ValueError("bare %s in JSON" % tok)
if fmt == "json":
    enc = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
    def dec(v):
        if isinstance(v, str): return enc[v]   # any other string is wrong
        if isinstance(v, list): return [dec(x) for x in v]
        return v
    got = {k: dec(v) if k in ("sum", "min", "max", "mean") else v
           for k, v in json.loads(text, parse_constant=strict).items()}
else:
    got = yaml.safe_load(text)
a = np.fromfile(data, '<f8').reshape(4, 3) if data == "nf.bin" else np.fromfile(data, '<f8')
skip = "--skip-nan" in args
axis = 0 if "--axis" in args else None
with np.errstate(all="ignore"):
    f = {"sum": np.nansum if skip else np.sum, "mean": np.nanmean if skip else np.mean,
         "min": np.nanmin if skip else np.min,
         "max": np.nanmax if skip else np.max}
    import warnings; warnings.simplefilter("ignore")
    bad = 0
    for k, fn in f.items():
        if a.size == 0 and k in ("min", "max"):
            want = None
        else:
            want = np.atleast_1d(fn(a, axis=axis)).tolist()
        g = got[k] if isinstance(got[k], list) or got[k] is None else [got[k]]
        if want is None:
            if g is not None: bad += 1; print(k, g, "want null")
            continue
        if len(g) != len(want) or not all((math.isnan(x) and math.isnan(y)) or x == y or math.isclose(x, y, rel_tol=1e-12) for x, y in zip(g, want)):
            bad += 1; print(k, g, want)
sys.exit(1 if bad else 0)
PY
}
for fmt in json yaml; do
  for a in "" "--skip-nan" "--axis 0" "--axis 0 --skip-nan"; do
    mpirun 2 pario-reduce --op sum,min,max,mean --format $fmt $a nf.bin > nf.$fmt
    check "non-finite results in $fmt ($a)" nonfinite_ok $fmt nf.$fmt nf.bin $a
  done
  mpirun 2 pario-reduce --op sum,min,max,mean --format $fmt empty.bin > e.$fmt
  check "empty dataset in $fmt: null extremes, NaN mean" nonfinite_ok $fmt e.$fmt empty.bin
done
printf "input: {data: nf.bin}\noperations: [sum, min, max, mean]\noutput: {results: nf-results.json}\n" > nf.yaml
mpirun 2 pario-run --quiet nf.yaml >/dev/null
check "pario-run JSON results spell inf" nonfinite_ok json nf-results.json nf.bin

# ---- the overflow warning is one grammatical line, with the number from Python ints ----
"$PYTHON3" -c "
import numpy as np
M = 2**63 - 1
a = np.array([[M, 1, M, -5], [M, 2, -M, 7], [3, 3, 3, 3]], dtype='<i8')   # column sums: over, ok, ok, ok
a.tofile('ov.bin'); open('ov.bin.yaml', 'w').write('dtype: int64\nshape: [3, 4]\n')
b = np.array([[M, M], [M, M]], dtype='<i8'); b.tofile('ov2.bin'); open('ov2.bin.yaml', 'w').write('dtype: int64\nshape: [2, 2]\n')
u = np.array([2**64 - 1, 1], dtype='<u8'); u.tofile('uov.bin'); open('uov.bin.yaml', 'w').write('dtype: uint64\n')
for name, arr, lo, hi in (('ov', a, -2**63, M), ('ov2', b, -2**63, M)):
    n = sum(1 for c in arr.T if not lo <= sum(int(x) for x in c) <= hi)
    open(name + '.want', 'w').write(str(n))
"
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
longkey=$("$PYTHON3" -c "print('k' * 5000)")
longval=$("$PYTHON3" -c "print('v' * ($MAXVAL + 1))")
for n in 1 3; do
  expect_error $n 2 "^pario-count: error: --hint: the key is 5000 characters; MPI allows at most $MAXKEY\$" \
    pario-count --hint "$longkey=1" --value 1 nf.bin
  expect_error $n 2 "^pario-reduce: error: --hint cb_nodes: the value is $((MAXVAL + 1)) characters; MPI allows at most $MAXVAL\$" \
    pario-reduce --op sum --hint "cb_nodes=$longval" nf.bin
done
key255=$("$PYTHON3" -c "print('k' * $MAXKEY)")
mpirun 2 pario-count --hint "$key255=1" --value 1 nf.bin >/dev/null
check "a key of exactly MPI_MAX_INFO_KEY characters is accepted" test $? -eq 0

# ---- range bounds and values beyond a type's limits, checked with exact arithmetic ----
# Every dtype holds its extremes; bounds lie at, just inside and beyond them, and
# beyond 64 bits. Reference: Python's Fraction (exact decimals) on every element.
"$PYTHON3" - <<'PY'
import numpy as np
ints = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
cases = []
for t in ints:
    i = np.iinfo(t); lo, hi = int(i.min), int(i.max)
    vals = sorted({lo, lo + 1, 0, 1, 5, hi - 1, hi} | ({-1} if lo < 0 else set()))
    np.array(vals, dtype=t).astype(np.dtype(t).newbyteorder("<")).tofile(t + ".bin")
    open(t + ".bin.yaml", "w").write("dtype: %s\n" % t)
    bounds = [(0, hi + 1), (lo - 1, 0), (lo, hi), (lo, hi + 1), (lo - 1, hi + 1), (hi, hi + 1), (hi + 1, hi + 2),
              (lo - 2, lo), (lo - 1, lo + 1), (0, 2**64), (-2**63 - 1, 2**64 + 5), (hi - 1, 10**30)]
    bs = [("%d" % a, "%d" % b) for a, b in bounds]
    bs += [("-inf", "inf"), ("2.5", "5.5"), ("-1e30", "1e30"), ("0x0", "0x%x" % (hi + 1)), ("-0.5", "1e-400"),
           ("1e19", "1e20"), ("%d.5" % (hi - 1), "%d.000001" % hi)]
    for a, b in bs: cases.append((t, a, b))
for t, tiny in (("float32", "1e-45"), ("float64", "5e-324")):
    f = np.finfo(t)
    vals = [-np.inf, float(f.min), -1.0, -float(tiny), 0.0, float(tiny), 1e-30, 0.5, 1.0, float(f.max), np.inf, np.nan]
    np.array(vals, dtype=t).astype(np.dtype(t).newbyteorder("<")).tofile(t + ".bin")
    open(t + ".bin.yaml", "w").write("dtype: %s\n" % t)
    for a, b in [("1e-400", "1"), ("-1e400", "1e400"), ("0", "1e-400"), ("-1e-400", "0"), ("1e38", "1e39"),
                 ("1e39", "inf"), ("-inf", "-1e39"), ("-inf", "inf"), ("1e308", "1e309"), ("1e309", "inf"),
                 ("0.1", "0.5000000000000000000001"), ("1e-46", "1e-44"), ("4e-324", "6e-324"), ("-3.4028235e38", "0")]:
        cases.append((t, a, b))
import math
from fractions import Fraction
def q(text):   # the exact number a bound spells; +-inf as floats
    if text.lstrip("+-").lower() in ("inf", "infinity"): return -math.inf if text.startswith("-") else math.inf
    if text.lstrip("-").startswith("0x"): return Fraction(int(text, 16))
    return Fraction(text)
def key(x):    # an element as an exact number, or +-inf
    return x if isinstance(x, float) and math.isinf(x) else Fraction(x)
with open("bounds.txt", "w") as out:
    for t, lo, hi in cases:
        a = np.fromfile(t + ".bin", dtype=np.dtype(t).newbyteorder("<")).tolist()
        L, H = q(lo), q(hi)
        n = sum(1 for x in a if not (isinstance(x, float) and math.isnan(x)) and L <= key(x) < H)
        out.write("%s %s %s %d\n" % (t, lo, hi, n))
PY
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
"$PYTHON3" -c "
import numpy as np
np.array([np.inf, -np.inf, 0.0, 0.0, 1.0, 5e-324], '<f8').tofile('vals.bin'); open('vals.bin.yaml', 'w').write('dtype: float64\n')"
for v in 1e400 -1e400 1e-400 -1e-400 inf -inf 0 5e-324 1e0; do
  want=$("$PYTHON3" -c "
import numpy as np, math, sys
from fractions import Fraction
v = '$v'; a = np.fromfile('vals.bin', '<f8'); d = float(v)
exact_inf = v.lstrip('-') == 'inf'
holdable = exact_inf or (not math.isinf(d) and (d != 0 or Fraction(v) == 0))
print(int((a == d).sum()) if holdable else 0)")
  check "--value $v on float64 counts $want" test "$(mpirun 2 pario-count --value="$v" vals.bin | sed -n 's/^count: //p')" = "$want"
done
# integer values: hex and exponents read exactly (numpy compares exact Python ints)
for v in 0x7fffffffffffffff 9.223372036854775807e18 -0x8000000000000000 5e0 0x5 9223372036854775807.0 18446744073709551615; do
  want=$("$PYTHON3" -c "
import numpy as np
from fractions import Fraction
t = '$v'; x = int(t, 16) if t.lstrip('-').startswith('0x') else Fraction(t)
a = np.fromfile('int64.bin', '<i8'); print(sum(1 for e in a.tolist() if e == x))")
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

finish
