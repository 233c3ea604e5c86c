#!/usr/bin/python3
"""Independent reference for the reduce tests: makes datasets with numpy and checks
pario-reduce / pario-run results against numpy and exact Python arithmetic.

  reduce_ref.py make --dtype T --shape N[,M] [--kind K] [--seed S] --out FILE
        (prints a value that occurs in the data, for count=V; nothing if it is empty)
  reduce_ref.py makes LIST          each line of LIST the arguments of one make: all of
        them in this process; prints "FILE VALUE" for each (VALUE empty if none)
  reduce_ref.py check MANIFEST      (lines: RESULT.json <TAB> DATA <TAB> pario-reduce args)
  reduce_ref.py batch LIST          each line of LIST: a description, a tab, then a check
        with tabs between its arguments (the checks of CHECKS below, one of them
        "manifest MANIFEST", the check above); prints "ok<TAB>DESC" or "FAIL<TAB>DESC:
        why" for each (one Python start for all: tests/mpi/lib.sh's defer, run_deferred)

Exact: integer sums (Python ints; an int64/uint64 overflow must be reported as null
with "sum_overflow": true), min, max, argmin, argmax (first occurrence), counts,
histogram edges and counts (np.histogram on the values: float32 data with
numpy's float32 edges, the others as float64), and every
integer-valued result must be identical across the runs of one data file.

Float tolerances (eps = 2**-52): loose bounds kept from the compensated sums pario
used before its sums became exact (tests/mpi/floats.sh checks the exact guarantee:
sum and mean bit for bit as math.fsum, var within 2**-52 relative); they still catch
a missing or doubled element:
  sum:  |got - fsum| <= 300 eps sum|x|. pario adds each lane of <= 256 elements
        sequentially (error <= 255 eps sum|lane|), joins 8 lanes pairwise (3 more)
        and joins blocks, chunks and ranks with Neumaier's compensation (2 eps |S|);
        math.fsum is correctly rounded. A missing or doubled element breaks it by
        |x| >> 300 eps sum|x| for the test sizes (n <= 10^4).
  mean: the sum's bound / n (floats); integers: 2 ulp (exact sum, one long double
        division, one rounding to double).
  var:  |got - ref| <= 2**-40 (var + mean^2), std likewise on std: per-block
        two-pass deviations (<= 256 sequential terms, ~6e-14 relative to sum x^2)
        and Chan's merge stay 16x below it; one element more or less moves var
        by ~1/n = 1e-4 relatively.
"""
import json
import math
import sys
from fractions import Fraction

import numpy as np
import yaml

import deferred  # tests/mpi/deferred.py: the batch loop

EPS = 2.0 ** -52
DT = {n: np.dtype(n) for n in ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                               "float32", "float64"]}


def make(args):
    import argparse
    p = argparse.ArgumentParser()
    p.add_argument("--dtype", required=True)
    p.add_argument("--shape", required=True)
    p.add_argument("--kind", default="mixed")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True)
    p.add_argument("--byte-order", default="little")
    p.add_argument("--hist", help="LO:HI:BINS, for --kind edgestress")
    o = p.parse_args(args)
    dt = DT[o.dtype]
    shape = tuple(int(s) for s in o.shape.split(","))
    n = int(np.prod(shape))
    rng = np.random.default_rng(o.seed)
    if o.kind == "mixed":
        if dt.kind == "f":
            a = rng.normal(3.0, 10.0, n)
            a[::3] = np.round(a[::3] * 8) / 8          # repeated values, exact edges
            if n > 20:                                  # the extremes occur twice, far apart
                lo, hi = a.min() - 1, a.max() + 1
                a[[n // 3, n - 2]] = lo
                a[[n // 5, n - 1]] = hi
        else:
            info = np.iinfo(dt)
            lo, hi = max(info.min, -100), min(info.max, 100)
            a = rng.integers(lo, hi + 1, n, dtype=np.int64).astype(object)
            if dt.itemsize == 8:                        # beyond 32 bits, without overflow
                for i in range(0, n, 7):
                    a[i] = a[i] * 2 ** 40 + (2 ** 40 if dt.kind == "u" else 0)
            a = np.array([int(v) for v in a], dtype=dt)
    elif o.kind == "nan":
        a = rng.normal(0.0, 1.0, n)
        a[rng.random(n) < 0.1] = np.nan
    elif o.kind == "allnan":
        a = np.full(n, np.nan)
    elif o.kind == "overflow":                          # the sum leaves the 64-bit range
        info = np.iinfo(dt)
        a = np.full(n, info.max, dtype=dt)
    elif o.kind == "underflow":
        a = np.full(n, np.iinfo(dt).min, dtype=dt)
    elif o.kind == "cancel":                            # partial sums overflow, the total does not
        info = np.iinfo(dt)
        a = np.array([info.max if i % 2 == 0 else info.min + 1 for i in range(n)], dtype=dt)
    elif o.kind == "edges":                             # every value on a bin edge of [0, 10] / 5 bins
        a = np.array([0, 2, 4, 6, 8, 10, 10, 0, 2.0000000000000004, 1.9999999999999998, -1e-300, 10.000000000000002] * (n // 12 + 1))[:n]
    elif o.kind == "edgestress":                        # on, and 1-3 ulps around, every edge of --hist
        lo, hi, bins = o.hist.split(":")
        lo, hi, bins = float(lo), float(hi), int(bins)
        if dt.kind == "f":
            ft = dt.type
            edges = np.linspace(lo, hi, bins + 1).astype(ft)
            near = [edges]
            for k in (1, 2, 3):
                up, down = edges.copy(), edges.copy()
                for _ in range(k):
                    up = np.nextafter(up, ft(np.inf))
                    down = np.nextafter(down, ft(-np.inf))
                near += [up, down]
            near = np.concatenate(near)
            span = hi - lo
            a = np.concatenate([np.resize(near, n // 2), rng.uniform(lo - 0.1 * span, hi + 0.1 * span, n - n // 2)])
        else:                                           # integers: every value from below lo to above hi
            a = np.resize(np.arange(int(np.floor(lo)) - 3, int(np.ceil(hi)) + 4), n)
        a = a[rng.permutation(n)]
    else:
        raise SystemExit("unknown kind " + o.kind)
    a = np.asarray(a).astype(dt).reshape(shape)
    if o.byte_order == "big":
        a = a.astype(dt.newbyteorder(">"))
    a.tofile(o.out)
    with open(o.out + ".yaml", "w") as f:
        f.write("dtype: %s\nshape: [%s]\n" % (o.dtype, ", ".join(str(s) for s in shape)))
        if o.byte_order == "big":
            f.write("byte_order: big\n")
    # a value that occurs, for count=V
    return o.out, (repr(py(a.ravel()[min(17, n - 1)])) if n else None)


def makes(listfile):
    """Every make of LIST (one command line a line); "FILE VALUE" for each."""
    for line in open(listfile):
        if line.strip():
            out, v = make(line.split())
            print("%s %s" % (out, v if v is not None else ""))


def load(path):
    with open(path + ".yaml") as f:
        d = yaml.safe_load(f)
    dt = DT[d["dtype"]]
    if d.get("byte_order") == "big":
        dt = dt.newbyteorder(">")
    a = np.fromfile(path, dtype=dt, offset=d.get("offset", 0))
    shape = d.get("shape") or [a.size]
    return a.reshape(shape).astype(dt.newbyteorder("=")), DT[d["dtype"]]


def parse_args(argv):
    o = {"ops": [], "bins": 10, "min": None, "max": None, "axis": None, "skip_nan": False}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--op":
            o["ops"] += argv[i + 1].split(","); i += 1
        elif a == "--bins":
            o["bins"] = int(argv[i + 1]); i += 1
        elif a == "--min":
            o["min"] = float(argv[i + 1]); i += 1
        elif a == "--max":
            o["max"] = float(argv[i + 1]); i += 1
        elif a == "--axis":
            o["axis"] = int(argv[i + 1]); i += 1
        elif a == "--skip-nan":
            o["skip_nan"] = True
        elif a in ("--dist", "--chunk", "--format", "--desc", "--hint"):
            i += 1
        i += 1
    return o


NONFINITE = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")}


def load_result(fh, name):
    """A result file; JSON spells NaN and infinities as the strings "nan", "inf", "-inf"."""
    if not name.endswith(".json"):
        return yaml.safe_load(fh)
    def dec(v):
        if isinstance(v, str) and v in NONFINITE:
            return NONFINITE[v]
        if isinstance(v, list):
            return [dec(x) for x in v]
        if isinstance(v, dict):
            return {k: dec(x) for k, x in v.items()}
        return v
    return dec(json.load(fh))


class Checker:
    def __init__(self, where):
        self.where, self.errors = where, []

    def fail(self, what, got, want):
        self.errors.append("%s: %s: got %r, expected %r" % (self.where, what, got, want))

    def exact(self, what, got, want):
        if want is None or (isinstance(want, float) and math.isnan(want)):
            if got is not None and not (isinstance(got, float) and math.isnan(got)):
                self.fail(what, got, want)
        elif got is None or got != want or (type(got) is bool) != (type(want) is bool):
            self.fail(what, got, want)

    def close(self, what, got, want, tol):
        if want is None or math.isnan(want):
            return self.exact(what, got, None)
        if got is None or abs(got - want) > tol:
            self.fail(what + " (tolerance %.3g)" % tol, got, want)


def py(v):
    """numpy scalar -> the JSON value pario prints (ints exact, floats as double)."""
    return int(v) if isinstance(v, (np.integer, int)) else float(v)


def lane_reference(x, dt, o, rng_lohi):
    """Expected results for one lane x (1-D numpy array of dtype dt)."""
    r = {}
    isf = dt.kind == "f"
    xd = x.astype(np.float64)
    nan = np.isnan(xd) if isf else np.zeros(x.size, bool)
    v = xd[~nan]
    prop = isf and nan.any() and not o["skip_nan"]
    if isf:
        s = math.fsum(v.tolist()) if v.size else 0.0
        r["sum"] = None if prop else s
        r["sum_tol"] = 300 * EPS * float(np.abs(v).sum())
        r["mean"] = None if prop or not v.size else s / v.size
        r["mean_tol"] = r["sum_tol"] / max(v.size, 1)
    else:
        s = sum(int(t) for t in x.tolist())
        lo, hi = (-2 ** 63, 2 ** 63 - 1) if dt.kind == "i" else (0, 2 ** 64 - 1)
        r["sum"] = s if lo <= s <= hi else None
        r["overflow"] = not (lo <= s <= hi)
        r["mean"] = float(Fraction(s, x.size)) if x.size else None
        r["mean_tol"] = 2 * EPS * abs(r["mean"]) if x.size else 0
    if prop:
        first = int(np.argmax(nan))
        r.update(min=None, max=None, argmin=first, argmax=first)
    elif v.size:
        xv = x[~nan]
        idx = np.flatnonzero(~nan)
        r["min"], r["max"] = py(xv.min()), py(xv.max())
        r["argmin"], r["argmax"] = int(idx[np.argmin(xv)]), int(idx[np.argmax(xv)])
    else:
        r.update(min=None, max=None, argmin=None, argmax=None)
    if prop or not v.size:
        r["var"] = r["std"] = None
    else:
        r["var"] = float(np.var(v))
        r["var_tol"] = 2.0 ** -40 * (r["var"] + float(np.mean(v)) ** 2)
        r["std"] = math.sqrt(r["var"])
        r["std_tol"] = 2.0 ** -40 * math.sqrt(r["var"] + float(np.mean(v)) ** 2)
    if "hist" in o["ops"]:
        # numpy on the data itself: float32 data get float32 edges (linspace in
        # float32), as np.histogram makes them; other types as float64
        counts, edges = np.histogram(x[~nan] if dt == np.float32 else v, bins=o["bins"], range=rng_lohi)
        r["hist_counts"], r["hist_edges"] = [int(c) for c in counts], [float(e) for e in edges]
    for op in o["ops"]:
        if op.startswith("count="):
            val = op[6:]
            if isf:
                r["count"] = int((xd == float(val)).sum())
            else:
                r["count"] = int(sum(1 for t in x.tolist() if t == int(val)))
        if op.startswith("range="):
            a, b = op[6:].split(":")
            if isf:
                r["count_range"] = int(((xd >= float(a)) & (xd < float(b))).sum())
            else:
                r["count_range"] = int(sum(1 for t in x.tolist() if Fraction(a) <= t < Fraction(b)))
    return r


def check_one(result, data, argv):
    ck = Checker("%s (%s)" % (result, " ".join(argv)))
    with open(result) as f:
        got = load_result(f, result)
    a, dt = load(data)
    o = parse_args(argv)
    ops = o["ops"]
    if o["axis"] is None:
        lanes = [a.ravel()]
    elif o["axis"] == 0:
        lanes = [a[:, j] for j in range(a.shape[1])]
    else:
        lanes = [a[i, :] for i in range(a.shape[0])]
    # the histogram's range: given, or the whole dataset's (NaN skipped) min and max
    rng_lohi = None
    if "hist" in ops:
        allv = a.ravel().astype(np.float64)
        allv = allv[~np.isnan(allv)]
        lo = o["min"] if o["min"] is not None else (float(allv.min()) if allv.size else 0.0)
        hi = o["max"] if o["max"] is not None else (float(allv.max()) if allv.size else 1.0)
        if o["min"] is None and o["max"] is not None and not allv.size:
            lo = 0.0
        rng_lohi = (lo, hi)
    refs = [lane_reference(x, dt, o, rng_lohi) for x in lanes]
    one = o["axis"] is None

    def field(key, i):
        v = got.get(key)
        return v if one else (v[i] if isinstance(v, list) and i < len(v) else "<missing>")

    ck.exact("elements", got.get("elements"), int(a.size))
    if not one and len(got.get("sum", got.get("min", got.get("mean", [])))) != len(lanes) and \
            any(k in ops for k in ("sum", "min", "mean")):
        ck.fail("number of lanes", None, len(lanes))
        return ck.errors
    for i, r in enumerate(refs):
        tag = "" if one else "[%d]" % i
        if "sum" in ops:
            if dt.kind == "f":
                ck.close("sum" + tag, field("sum", i), r["sum"], r["sum_tol"])
            else:
                ck.exact("sum" + tag, field("sum", i), r["sum"])
                if r["overflow"]:
                    ck.exact("sum_overflow", got.get("sum_overflow"), True)
        for k in ("min", "max"):
            if k in ops:
                ck.exact(k + tag, field(k, i), r[k])
                ck.exact("arg" + k + tag, field("arg" + k, i), r["arg" + k])
        if "mean" in ops:
            ck.close("mean" + tag, field("mean", i), r["mean"], r["mean_tol"])
        for k in ("var", "std"):
            if k in ops:
                ck.close(k + tag, field(k, i), r[k], r.get(k + "_tol", 0))
        if "hist" in ops:
            h = got.get("hist", {})
            counts = h.get("counts") if one else (h.get("counts") or {}).get(str(i))
            ck.exact("hist.counts" + tag, counts, r["hist_counts"])
            ck.exact("hist.edges", h.get("edges"), r["hist_edges"])
        if "count" in r:
            ck.exact("count" + tag, field("count", i), r["count"])
        if "count_range" in r:
            ck.exact("count_range" + tag, field("count_range", i), r["count_range"])
    if dt.kind == "f":
        ck.exact("nan_count", got.get("nan_count"), int(np.isnan(a.astype(np.float64)).sum()))
    if "sum" in ops and dt.kind != "f" and not any(r["overflow"] for r in refs):
        ck.exact("sum_overflow", got.get("sum_overflow"), None)
    return ck.errors


INT_KEYS = ("sum", "min", "max", "argmin", "argmax", "count", "count_range", "hist", "elements", "nan_count")


def check_manifest(manifest):
    """(results checked, problems) of a manifest."""
    errors, n, first = [], 0, {}
    with open(manifest) as f:
        lines = [l.rstrip("\n").split("\t") for l in f if l.strip()]
    for result, data, args in lines:
        argv = args.split()
        errors += check_one(result, data, argv)
        n += 1
        # integer results: identical for every rank count and distribution
        _, dt = load(data)
        key = (data, " ".join(a for a in argv if a.startswith("--op") or a.startswith("--axis")), str(parse_args(argv)))
        with open(result) as fh:
            got = load_result(fh, result)
        keys = INT_KEYS if dt.kind != "f" else ("min", "max", "argmin", "argmax", "count", "count_range", "hist")
        sig = {k: got.get(k) for k in keys}
        if key in first and first[key][1] != sig:
            errors.append("%s: integer results differ from %s" % (result, first[key][0]))
        first.setdefault(key, (result, sig))
    return n, errors


def check(manifest):
    n, errors = check_manifest(manifest)
    for e in errors[:30]:
        print("FAIL:", e)
    print("reduce_ref: %d results checked, %d problems" % (n, len(errors)))
    return 1 if errors else 0


# The checks a test defers (batch): each returns what is wrong, or nothing.

def manifest_ok(manifest):
    n, errors = check_manifest(manifest)
    if errors:
        return "%d results checked, %d problems: %s" % (n, len(errors), "; ".join(errors[:10]))


def yaml_is_json(ypath, jpath, keys):
    """The YAML output's values of KEYS (comma-separated) are the JSON output's."""
    y, j = yaml.safe_load(open(ypath)), json.load(open(jpath))
    bad = [k for k in keys.split(",") if y[k] != j[k]]
    if bad:
        return "YAML %s, JSON %s" % ({k: y[k] for k in bad}, {k: j[k] for k in bad})


def hist_numpy(jpath, data, bins, lo, hi):
    """pario's histogram counts (JSON) are numpy's of the float64 file DATA."""
    got = json.load(open(jpath))["hist"]["counts"]
    want = np.histogram(np.fromfile(data), int(bins), (float(lo), float(hi)))[0].tolist()
    if got != want:
        return "counts %s, numpy %s" % (got, want)


def floats(fmt, spath, zpath, data):
    """Every float read back a float, min/max/mean numpy's and fsum's, -0.0 with its sign."""
    load = yaml.safe_load if fmt == "yaml" else json.load
    s, z, x = load(open(spath)), load(open(zpath)), np.fromfile(data)
    for k, want in (("min", x.min()), ("max", x.max()), ("mean", math.fsum(x) / 3)):
        if not (isinstance(s[k], float) and s[k] == want):
            return "%s: %r, expected %r" % (k, s[k], want)
    if not (isinstance(z["min"], float) and math.copysign(1, z["min"]) == -1):
        return "-0.0: %r" % z


def infinities(ypath):
    """sum, max, argmax, min, mean, var of [1, inf, 2, -3] as numpy has them."""
    r = yaml.safe_load(open(ypath))
    if not (r["sum"] == math.inf and r["max"] == math.inf and r["argmax"] == 1 and r["min"] == -3
            and r["mean"] == math.inf and math.isnan(r["var"])):
        return "got %s" % r


def counts(jpath, want, edges=None, inp=None):
    """The histogram's counts (and edges, as repr) in a pario-reduce JSON output, or
    in input INP's of a pario-run JSON output, comma-separated, are WANT (and EDGES)."""
    h = json.load(open(jpath))
    h = (h["inputs"][inp] if inp else h)["hist"]
    got = ",".join(map(str, h["counts"]))
    if edges is not None:
        got, want = got + "|" + ",".join(repr(float(x)) for x in h["edges"]), want + "|" + edges
    if got != want:
        return "got %s, numpy %s" % (got, want)


def run_counts(jpath, inp, want):
    return counts(jpath, want, inp=inp)


def empty_lanes(jpath, axis):
    """A (0, 3) float dataset reduced along --axis AXIS: nan_count 0, one sum per lane."""
    d = json.load(open(jpath))
    if not (d["nan_count"] == 0 and len(d["sum"]) == (3 if axis == "0" else 0)):
        return "got %s" % d


CHECKS = {"manifest": manifest_ok, "yaml-is-json": yaml_is_json, "hist-numpy": hist_numpy, "floats": floats,
          "infinities": infinities, "counts": counts, "run-counts": run_counts, "empty-lanes": empty_lanes}


if __name__ == "__main__":
    if sys.argv[1] == "make":
        v = make(sys.argv[2:])[1]
        if v is not None:
            print(v)
    elif sys.argv[1] == "makes":
        makes(sys.argv[2])
    elif sys.argv[1] == "check":
        sys.exit(check(sys.argv[2]))
    elif sys.argv[1] == "batch":
        deferred.main(deferred.by_name(CHECKS))
    else:
        raise SystemExit(__doc__)
