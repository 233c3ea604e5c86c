#!/usr/bin/python3
"""Reference for tests/mpi/pool.sh: many small inputs made with numpy, and pario-run's
many-input results checked against numpy and Python's exact arithmetic.

  pool_ref.py make DIR N SEED        N inputs DIR/fNNN.bin (+ .yaml) or DIR/fNNN.npy of
                                     mixed dtypes, byte orders and sizes (0..3000
                                     elements); prints the paths, one a line
  pool_ref.py check RESULTS.json LIST [FAILED...]
                                     every input of LIST (one path a line) has its entry,
                                     in order; the FAILED paths have an "error" naming
                                     them, the others: dtype, shape, elements, sum,
                                     min/argmin, max/argmax, mean, std, count (=0)
                                     against numpy; totals count inputs, failures, bytes

Checks: float sums bit for bit against math.fsum of the values as doubles (exact, then
rounded once), integer sums exactly, min/max and the first index of each (numpy's
argmin/argmax), mean = sum / n for floats (bit for bit) and within 1e-15 for
integers, std within 1e-12 relative of the population std (exact for integers,
two passes in long double for floats).
"""
import json
import math
import os
import sys
from fractions import Fraction

import numpy as np

DTYPES = [("float64", "<f8"), ("float32", ">f4"), ("int32", "<i4"), ("uint8", "u1"), ("int16", ">i2"),
          ("float64", ">f8"), ("int64", "<i8"), ("uint16", "<u2")]


def make(d, n, seed):
    rng = np.random.default_rng(seed)
    os.makedirs(d, exist_ok=True)
    for i in range(n):
        name, code = DTYPES[i % len(DTYPES)]
        size = int(rng.integers(0, 3000)) if i % 17 else 0 if i % 34 == 0 else 1
        x = rng.standard_normal(size) * 1000
        if name.startswith("u"):
            x = np.abs(x)
        a = x.astype(code)
        if i % 5 == 3:  # some .npy inputs (no descriptor)
            path = os.path.join(d, "f%03d.npy" % i)
            np.save(path, a)
        else:
            path = os.path.join(d, "f%03d.bin" % i)
            a.tofile(path)
            with open(path + ".yaml", "w") as f:
                f.write("dtype: %s\nshape: [%d]\n" % (name, size))
                if code[0] == ">":
                    f.write("byte_order: big\n")
        print(path)


def load(path):
    if path.endswith(".npy"):
        return np.load(path)
    import yaml
    desc = yaml.safe_load(open(path + ".yaml"))
    code = np.dtype(desc["dtype"]).newbyteorder(">" if desc.get("byte_order") == "big" else "<")
    return np.fromfile(path, dtype=code)


def fail(msg):
    print("FAIL:", msg, file=sys.stderr)
    sys.exit(1)


def check(results, listing, failed):
    res = json.load(open(results))
    paths = [l.strip() for l in open(listing) if l.strip()]
    got = res["inputs"]
    if list(got.keys()) != paths:
        fail("inputs not in input order: %s ... vs %s ..." % (list(got.keys())[:3], paths[:3]))
    nbytes = elems = 0
    for p in paths:
        e = got[p]
        if p in failed:
            if "error" not in e or p not in e["error"]:
                fail("%s: expected an error naming it, got %s" % (p, e))
            continue
        if "error" in e:
            fail("%s: unexpected error %s" % (p, e["error"]))
        a = load(p)
        nbytes += a.nbytes
        elems += a.size
        isf = a.dtype.kind == "f"
        if e["dtype"] != a.dtype.name or e["shape"] != [a.size] or e["elements"] != a.size:
            fail("%s: dtype/shape %s %s %s vs %s %d" % (p, e["dtype"], e["shape"], e["elements"], a.dtype.name, a.size))
        vals = [float(v) for v in a.astype(np.float64)] if isf else [int(v) for v in a]
        s = math.fsum(vals) if isf else sum(vals)
        if e["sum"] != s or (isf and math.copysign(1, e["sum"]) != math.copysign(1, s)):
            fail("%s: sum %r, expected %r" % (p, e["sum"], s))
        if e["count"] != int(np.count_nonzero(a == 0)):
            fail("%s: count %r" % (p, e["count"]))
        if a.size == 0:
            continue
        for k, f, fa in (("min", np.min, np.argmin), ("max", np.max, np.argmax)):
            if e[k] != (float(f(a)) if isf else int(f(a))) or e["arg" + k] != int(fa(a)):
                fail("%s: %s %r at %r, expected %r at %r" % (p, k, e[k], e["arg" + k], f(a), fa(a)))
        n = a.size
        mean = s / n if isf else float(Fraction(s, n))
        if (isf and e["mean"] != mean) or abs(e["mean"] - mean) > 1e-15 * abs(mean):
            fail("%s: mean %r, expected %r" % (p, e["mean"], mean))
        if isf:  # two passes in extended precision: far inside the 1e-12 asked
            x = a.astype(np.longdouble)
            std = float(np.sqrt(np.mean((x - np.mean(x)) ** 2)))
        else:  # exact: (n S2 - S1^2) / n^2 in integers
            std = math.sqrt(Fraction(n * sum(v * v for v in vals) - s * s, n * n))
        if abs(e["std"] - std) > 1e-12 * std + 1e-300:
            fail("%s: std %r, expected %r" % (p, e["std"], std))
    t = res["totals"]
    if t["inputs"] != len(paths) or t["failed"] != len(failed) or t["bytes"] != nbytes or t["elements"] != elems:
        fail("totals %s, expected inputs %d failed %d bytes %d elements %d"
             % (t, len(paths), len(failed), nbytes, elems))
    print("checked %d inputs (%d failed)" % (len(paths), len(failed)))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3], set(sys.argv[4:]))
    else:
        sys.exit(2)
