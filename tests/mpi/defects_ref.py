"""Independent reference for tests/mpi/defects.sh (numpy, PyYAML, Python's json,
fractions): writes its inputs and the counts the tools must give, and checks
the tools' outputs, never through pario.

  defects_ref.py make FVALS IVALS   write every input into the current directory;
      values.want: "float64 V N" for each value V of FVALS (space-separated), the
      elements of vals.bin equal to V, and "int64 V N" for each of IVALS in int64.bin
  defects_ref.py batch LIST         each line of LIST: a description, a tab, then one
      of the checks of CHECKS below with tabs between its arguments; prints
      "ok<TAB>DESC" or "FAIL<TAB>DESC: why" for each (one Python start for all:
      tests/mpi/lib.sh's defer and run_deferred)
"""
import json
import math
import re
import sys
import warnings
from fractions import Fraction

import numpy as np
import yaml

import deferred  # tests/mpi/deferred.py: the batch loop


def make(fvals, ivals):
    # ---- scatter then gather: headers of random bytes (so a zeroed header cannot
    # pass), one larger than the copy buffer, big- and little-endian data, 1-D and
    # 2-D, uneven sizes
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

    # ---- JSON spells NaN and the infinities as strings
    np.array([[1, np.inf, 3], [-np.inf, 2, np.nan], [5, 6, 7], [np.inf, -np.inf, 0]], '<f8').tofile('nf.bin')
    open('nf.bin.yaml', 'w').write('dtype: float64\nshape: [4, 3]\n')
    np.zeros(0, '<f8').tofile('empty.bin')
    open('empty.bin.yaml', 'w').write('dtype: float64\nshape: [0]\n')

    # ---- the overflow warning: the number of lanes whose sum overflows, from Python ints
    M = 2**63 - 1
    a = np.array([[M, 1, M, -5], [M, 2, -M, 7], [3, 3, 3, 3]], dtype='<i8')   # column sums: over, ok, ok, ok
    a.tofile('ov.bin')
    open('ov.bin.yaml', 'w').write('dtype: int64\nshape: [3, 4]\n')
    b = np.array([[M, M], [M, M]], dtype='<i8')
    b.tofile('ov2.bin')
    open('ov2.bin.yaml', 'w').write('dtype: int64\nshape: [2, 2]\n')
    u = np.array([2**64 - 1, 1], dtype='<u8')
    u.tofile('uov.bin')
    open('uov.bin.yaml', 'w').write('dtype: uint64\n')
    for name, arr, lo, hi in (('ov', a, -2**63, M), ('ov2', b, -2**63, M)):
        n = sum(1 for c in arr.T if not lo <= sum(int(x) for x in c) <= hi)
        open(name + '.want', 'w').write(str(n))

    # ---- range bounds and values beyond a type's limits: every dtype holds its
    # extremes; bounds at, just inside and beyond them, and beyond 64 bits; the
    # count of each case by Python's Fraction (exact decimals) on every element
    ints = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
    cases = []
    for t in ints:
        i = np.iinfo(t)
        lo, hi = int(i.min), int(i.max)
        vals = sorted({lo, lo + 1, 0, 1, 5, hi - 1, hi} | ({-1} if lo < 0 else set()))
        np.array(vals, dtype=t).astype(np.dtype(t).newbyteorder("<")).tofile(t + ".bin")
        open(t + ".bin.yaml", "w").write("dtype: %s\n" % t)
        bounds = [(0, hi + 1), (lo - 1, 0), (lo, hi), (lo, hi + 1), (lo - 1, hi + 1), (hi, hi + 1), (hi + 1, hi + 2),
                  (lo - 2, lo), (lo - 1, lo + 1), (0, 2**64), (-2**63 - 1, 2**64 + 5), (hi - 1, 10**30)]
        bs = [("%d" % a, "%d" % b) for a, b in bounds]
        bs += [("-inf", "inf"), ("2.5", "5.5"), ("-1e30", "1e30"), ("0x0", "0x%x" % (hi + 1)), ("-0.5", "1e-400"),
               ("1e19", "1e20"), ("%d.5" % (hi - 1), "%d.000001" % hi)]
        for a, b in bs:
            cases.append((t, a, b))
    for t, tiny in (("float32", "1e-45"), ("float64", "5e-324")):
        f = np.finfo(t)
        vals = [-np.inf, float(f.min), -1.0, -float(tiny), 0.0, float(tiny), 1e-30, 0.5, 1.0, float(f.max), np.inf, np.nan]
        np.array(vals, dtype=t).astype(np.dtype(t).newbyteorder("<")).tofile(t + ".bin")
        open(t + ".bin.yaml", "w").write("dtype: %s\n" % t)
        for a, b in [("1e-400", "1"), ("-1e400", "1e400"), ("0", "1e-400"), ("-1e-400", "0"), ("1e38", "1e39"),
                     ("1e39", "inf"), ("-inf", "-1e39"), ("-inf", "inf"), ("1e308", "1e309"), ("1e309", "inf"),
                     ("0.1", "0.5000000000000000000001"), ("1e-46", "1e-44"), ("4e-324", "6e-324"), ("-3.4028235e38", "0")]:
            cases.append((t, a, b))

    def q(text):   # the exact number a bound spells; +-inf as floats
        if text.lstrip("+-").lower() in ("inf", "infinity"):
            return -math.inf if text.startswith("-") else math.inf
        if text.lstrip("-").startswith("0x"):
            return Fraction(int(text, 16))
        return Fraction(text)

    def key(x):    # an element as an exact number, or +-inf
        return x if isinstance(x, float) and math.isinf(x) else Fraction(x)
    with open("bounds.txt", "w") as out:
        for t, lo, hi in cases:
            a = np.fromfile(t + ".bin", dtype=np.dtype(t).newbyteorder("<")).tolist()
            L, H = q(lo), q(hi)
            n = sum(1 for x in a if not (isinstance(x, float) and math.isnan(x)) and L <= key(x) < H)
            out.write("%s %s %s %d\n" % (t, lo, hi, n))

    # ---- values: 1e400 is not inf, 1e-400 is not 0 (a value the type cannot hold
    # counts nothing); integer values (hex, exponents) compared as exact Python ints
    np.array([np.inf, -np.inf, 0.0, 0.0, 1.0, 5e-324], '<f8').tofile('vals.bin')
    open('vals.bin.yaml', 'w').write('dtype: float64\n')
    with open("values.want", "w") as out:
        a = np.fromfile('vals.bin', '<f8')
        for v in fvals.split():
            d = float(v)
            exact_inf = v.lstrip('-') == 'inf'
            holdable = exact_inf or (not math.isinf(d) and (d != 0 or Fraction(v) == 0))
            out.write("float64 %s %d\n" % (v, int((a == d).sum()) if holdable else 0))
        a = np.fromfile('int64.bin', '<i8')
        for t in ivals.split():
            x = int(t, 16) if t.lstrip('-').startswith('0x') else Fraction(t)
            out.write("int64 %s %d\n" % (t, sum(1 for e in a.tolist() if e == x)))


# The checks (batch): each returns what is wrong, or nothing.

def descriptor(src, out):
    """OUT's descriptor keeps the input's offset, shape and byte order."""
    a, b = yaml.safe_load(open(src)), yaml.safe_load(open(out))
    if not (a['offset'] == b['offset'] and a['shape'] == b['shape'] and a.get('byte_order') == b.get('byte_order')):
        return "descriptor %s, the input's %s" % (b, a)


def parts(src, prefix, p, k, header):
    """Parts PREFIX.R of SRC (big-endian int32 after HEADER bytes) scattered cyclic:K
    over P ranks: part 0 holds the header as its own, the others none, each part
    the elements the distribution gives it."""
    p, k, header = int(p), int(k), int(header)
    raw = open(src, "rb").read()
    data = np.frombuffer(raw[header:], dtype=">i4")
    bad = []
    for r in range(p):
        d = yaml.safe_load(open("%s.%d.yaml" % (prefix, r)))
        b = open("%s.%d" % (prefix, r), "rb").read()
        want_off = header if r == 0 else 0
        idx = np.arange(data.size)
        mine = data[(idx // k) % p == r]
        if d["offset"] != want_off or d["part"].get("offset") != header:
            bad.append("descriptor %d: %s" % (r, d))
        if r == 0 and b[:header] != raw[:header]:
            bad.append("header not carried")
        if not np.array_equal(np.frombuffer(b[want_off:], dtype=">i4"), mine):
            bad.append("elements %d" % r)
    return "; ".join(bad)


def progress(path):
    """The --progress lines on a non-terminal stderr: percentages never over 100 and
    never going back, a sane ETA, and a line between 30% and 70% (the first pass
    ends near half way)."""
    text = open(path).read()
    lines = [line for line in text.replace("\r", "\n").split("\n") if "reducing" in line]
    pat = re.compile(r"reducing +(\d+)% \(rank 0: [^,]+, [^,]+/s, (-?\d+) s left\)")
    pcts, etas = [], []
    for line in lines:
        m = pat.search(line)
        if not m:
            return "unparsed: %s" % line
        pcts.append(int(m.group(1)))
        etas.append(int(m.group(2)))
    ok = (len(pcts) >= 4 and max(pcts) <= 100 and pcts == sorted(pcts) and max(pcts) >= 90
          and min(etas) >= 0 and max(etas) < 3600)
    ok = ok and any(30 <= p <= 70 for p in pcts)
    if not ok:
        return "percentages %s etas %s" % (pcts, etas)


def nonfinite(fmt, out, data, *args):
    """The results (pario-reduce --op sum,min,max,mean ARGS), decoded, equal numpy's;
    JSON spells NaN and the infinities as strings, never bare."""
    text = open(out).read()

    def strict(tok):
        raise ValueError("bare %s in JSON" % tok)
    if fmt == "json":
        enc = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}

        def dec(v):
            if isinstance(v, str):
                return enc[v]   # any other string is wrong
            if isinstance(v, list):
                return [dec(x) for x in v]
            return v
        got = {k: dec(v) if k in ("sum", "min", "max", "mean") else v
               for k, v in json.loads(text, parse_constant=strict).items()}
    else:
        got = yaml.safe_load(text)
    a = np.fromfile(data, '<f8').reshape(4, 3) if data == "nf.bin" else np.fromfile(data, '<f8')
    skip = "--skip-nan" in args
    axis = 0 if "--axis" in args else None
    bad = []
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = {"sum": np.nansum if skip else np.sum, "mean": np.nanmean if skip else np.mean,
             "min": np.nanmin if skip else np.min,
             "max": np.nanmax if skip else np.max}
        for k, fn in f.items():
            if a.size == 0 and k in ("min", "max"):
                want = None
            else:
                want = np.atleast_1d(fn(a, axis=axis)).tolist()
            g = got[k] if isinstance(got[k], list) or got[k] is None else [got[k]]
            if want is None:
                if g is not None:
                    bad.append("%s %s, want null" % (k, g))
                continue
            if len(g) != len(want) or not all((math.isnan(x) and math.isnan(y)) or x == y or math.isclose(x, y, rel_tol=1e-12)
                                              for x, y in zip(g, want)):
                bad.append("%s %s, numpy %s" % (k, g, want))
    return "; ".join(bad)


CHECKS = {"descriptor": descriptor, "parts": parts, "progress": progress, "nonfinite": nonfinite}


if __name__ == "__main__":
    if sys.argv[1:2] == ["make"] and len(sys.argv) == 4:
        make(sys.argv[2], sys.argv[3])
    elif sys.argv[1:2] == ["batch"] and len(sys.argv) == 3:
        deferred.main(deferred.by_name(CHECKS), 600)
    else:
        raise SystemExit(__doc__)
