#!/usr/bin/env python3
"""Independent serial reference for the integration tests: reads a raw data file
with numpy, from the layout the test itself gave (never from pario's output), and
counts what pario-count should count, overall and per rank for a distribution
whose definition is written out here.

  reference.py count FILE --dtype T [--offset B] [--byte-order little|big]
               [--shape N | --shape R,C] (--value V | --range LO:HI | --values V1,V2,..)
               [--ranks P [--dist D]] [--against OUTPUT [--format json|yaml|text]]
      Prints the expected result as JSON. With --against, loads pario-count's
      stdout from OUTPUT (all of it must parse) and exits 1 on any difference.

  reference.py check-gen FILE --dtype T [--offset B] [--byte-order O] --shape ..
               (--sequence | --uniform LO:HI | --normal MEAN:SD)
      Checks a generated file: exact size, a zero header, and values that fit the
      generator (sequence: exactly i; uniform: inside the bounds, integer bounds
      both reached; normal: plausible mean and deviation).

  reference.py batch JOBS
      Runs every line of JOBS (the arguments of one of the commands above, after a
      description and a tab) in one process: numpy starts once. Prints one
      "FAIL: description: why" line per failure on stderr; exits 1 if any failed.
"""
import shlex
import argparse
import json
import math
import os
import sys
from fractions import Fraction

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import views_ref  # noqa: E402

DTYPES = {
    "int8": "i1", "int16": "i2", "int32": "i4", "int64": "i8",
    "uint8": "u1", "uint16": "u2", "uint32": "u4", "uint64": "u8",
    "float32": "f4", "float64": "f8",
}


class Mismatch(Exception):
    pass


def die(msg):
    raise Mismatch(msg)


def load(args):
    order = ">" if args.byte_order == "big" else "<"
    dt = np.dtype(order + DTYPES[args.dtype])
    size = os.path.getsize(args.file)
    if args.shape:
        shape = [int(x) for x in args.shape.split(",")]
    else:
        if (size - args.offset) % dt.itemsize:
            die("file size is not a whole number of elements")
        shape = [(size - args.offset) // dt.itemsize]
    n = int(np.prod(shape))
    if size != args.offset + n * dt.itemsize:
        die("%s: %d bytes, expected %d" % (args.file, size, args.offset + n * dt.itemsize))
    a = np.fromfile(args.file, dtype=dt, offset=args.offset, count=n)
    return a.astype(dt.newbyteorder("=")), shape


def is_float(dtype):
    return dtype.startswith("float")


def num(text):
    """Exact value of a decimal text: Fraction, or +-inf / nan as float."""
    t = text.strip().lower()
    if t in ("inf", "+inf", "infinity"):
        return math.inf
    if t in ("-inf", "-infinity"):
        return -math.inf
    if t == "nan":
        return math.nan
    return Fraction(t)


def mask_value(a, dtype, text):
    """Elements equal to the value, compared exactly (not after rounding V to the dtype)."""
    v = num(text)
    if is_float(dtype):
        # V is read as the nearest double, as a C program reading the text does
        return a.astype(np.float64) == float(text)
    if not isinstance(v, Fraction) or v.denominator != 1:
        return np.zeros(a.shape, bool)
    info = np.iinfo(a.dtype)
    if not info.min <= v <= info.max:
        return np.zeros(a.shape, bool)
    return a == a.dtype.type(int(v))


def mask_range(a, dtype, lo_text, hi_text):
    """Elements x with LO <= x < HI, exactly."""
    lo, hi = num(lo_text), num(hi_text)
    if is_float(dtype):
        x = a.astype(np.float64)  # exact for float32 too
        return (x >= float(lo_text)) & (x < float(hi_text))
    info = np.iinfo(a.dtype)
    first = info.min if lo == -math.inf else max(info.min, math.ceil(lo))
    last = info.max if hi == math.inf else min(info.max, math.ceil(hi) - 1)
    if first > last or (isinstance(lo, float) and lo == math.inf) or (isinstance(hi, float) and hi == -math.inf):
        return np.zeros(a.shape, bool)
    t = a.dtype.type
    return (a >= t(first)) & (a <= t(last))


def owners(shape, p, dist):
    """Owner rank of every element (row-major): the one reference, views_ref.py,
    written from the distributions' definitions."""
    try:
        return views_ref.owners(dist, tuple(shape), p).reshape(-1)
    except SystemExit as e:
        die(str(e))


def expected(args):
    a, shape = load(args)
    if args.value is not None:
        keys, masks = None, [mask_value(a, args.dtype, args.value)]
    elif args.range is not None:
        lo, sep, hi = args.range[1:].partition(":")
        lo = args.range[0] + lo
        keys, masks = None, [mask_range(a, args.dtype, lo, hi)]
    else:
        keys = args.values.split(",")
        masks = [mask_value(a, args.dtype, k) for k in keys]
    res = {}
    counts = [int(m.sum()) for m in masks]
    if keys is None:
        res["count"] = counts[0]
    else:
        res["counts"] = dict(zip(keys, counts))
    res["elements"] = int(a.size)
    if args.ranks:
        own = owners(shape, args.ranks, args.dist)
        per = [[int(np.count_nonzero(m & (own == r))) for r in range(args.ranks)] for m in masks]
        res["per_rank"] = per[0] if keys is None else dict(zip(keys, per))
    return res


def load_output(path, fmt):
    text = open(path).read()
    if fmt == "json":
        try:
            return json.loads(text)  # the whole of stdout: nothing else may be there
        except ValueError as e:
            die("stdout is not one JSON document (%s): %r" % (e, text[:300]))
    if fmt == "yaml":
        import yaml
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as e:
            die("stdout is not YAML (%s): %r" % (e, text[:300]))
    # text: "key: value" lines, nested counts indented, per_rank as [a, b]
    out, cur = {}, None
    for line in text.splitlines():
        if not line.strip():
            continue
        key, _, val = line.strip().partition(": ") if ": " in line else (line.strip().rstrip(":"), "", "")
        val = val.strip()
        target = out if not line.startswith(" ") else cur
        if val == "":
            cur = target[key] = {}
        elif val.startswith("["):
            target[key] = [int(x) for x in val.strip("[]").split(",") if x.strip()]
        else:
            target[key] = int(val)
    return out


def compare(ref, got):
    errs = []
    if not isinstance(got, dict):
        die("output is not a mapping: %r" % (got,))
    for key in ("count", "counts", "elements"):
        if key in ref and got.get(key) != ref[key]:
            errs.append("%s: pario %r, numpy %r" % (key, got.get(key), ref[key]))
    if "per_rank" in got or "per_rank" in ref:
        if got.get("per_rank") != ref.get("per_rank"):
            errs.append("per_rank: pario %r, numpy %r" % (got.get("per_rank"), ref.get("per_rank")))
        pr = got.get("per_rank")
        if "count" in got and isinstance(pr, list) and sum(pr) != got["count"]:
            errs.append("per_rank sums to %d, count is %d" % (sum(pr), got["count"]))
        if "counts" in got and isinstance(pr, dict):
            for k, v in pr.items():
                if sum(v) != got["counts"].get(k):
                    errs.append("per_rank[%s] sums to %d, counts[%s] is %r" % (k, sum(v), k, got["counts"].get(k)))
    extra = set(got) - {"count", "counts", "elements", "per_rank"}
    if extra:
        errs.append("unexpected keys %s" % sorted(extra))
    if errs:
        die("; ".join(errs))


def check_gen(args):
    a, shape = load(args)
    with open(args.file, "rb") as f:
        if f.read(args.offset) != bytes(args.offset):
            die("the header is not zeros")
    n = a.size
    if args.sequence:
        want = np.arange(n, dtype=np.uint64).astype(a.dtype) if not is_float(args.dtype) \
            else np.arange(n, dtype=np.float64).astype(a.dtype)
        if not np.array_equal(a, want):
            bad = int(np.argmax(a != want))
            die("sequence: element %d is %r, expected %r" % (bad, a[bad], want[bad]))
    elif args.uniform:
        lo, _, hi = args.uniform[1:].partition(":")
        lo, hi = num(args.uniform[0] + lo), num(hi)
        if is_float(args.dtype):
            x = a.astype(np.float64)
            if n and not (x.min() >= float(lo) and x.max() < float(hi)):
                die("uniform: values outside [%s, %s): %r .. %r" % (lo, hi, x.min(), x.max()))
        else:
            if n and not (a.min() >= lo and a.max() <= hi):
                die("uniform: values outside [%s, %s]: %r .. %r" % (lo, hi, a.min(), a.max()))
            if n >= 50 * (hi - lo + 1) and not (a.min() == lo and a.max() == hi):
                die("uniform: bounds not both reached (inclusive): %r .. %r" % (a.min(), a.max()))
    elif args.normal:
        mean, _, sd = args.normal[1:].partition(":")
        mean, sd = float(args.normal[0] + mean), float(sd)
        x = a.astype(np.float64)
        if n >= 1000 and (abs(x.mean() - mean) > 5 * sd / math.sqrt(n) + 1e-9 or abs(x.std() - sd) > 0.05 * sd):
            die("normal: mean %g sd %g, expected %g and %g" % (x.mean(), x.std(), mean, sd))


def parser():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["count", "check-gen", "batch"])
    ap.add_argument("file")
    ap.add_argument("--dtype", choices=sorted(DTYPES))
    ap.add_argument("--offset", type=int, default=0)
    ap.add_argument("--byte-order", default="little", choices=["little", "big"])
    ap.add_argument("--shape")
    q = ap.add_mutually_exclusive_group()
    q.add_argument("--value")
    q.add_argument("--range")
    q.add_argument("--values")
    q.add_argument("--sequence", action="store_true")
    q.add_argument("--uniform")
    q.add_argument("--normal")
    ap.add_argument("--ranks", type=int)
    ap.add_argument("--dist", default="block")
    ap.add_argument("--against")
    ap.add_argument("--format", default="json")
    return ap


def run(args):
    if args.cmd == "check-gen":
        check_gen(args)
    elif args.against:
        compare(expected(args), load_output(args.against, args.format))
    else:
        print(json.dumps(expected(args)))


def main():
    args = parser().parse_args()
    if args.cmd != "batch":
        try:
            run(args)
        except Mismatch as e:
            print("reference.py: %s" % e, file=sys.stderr)
            sys.exit(1)
        return
    failed = total = 0
    for line in open(args.file):
        if not line.strip():
            continue
        what, _, argv = line.rstrip("\n").partition("\t")
        total += 1
        try:
            run(parser().parse_args(shlex.split(argv)))
        except (Mismatch, SystemExit, OSError, ValueError) as e:
            failed += 1
            print("FAIL: %s: %s" % (what, e), file=sys.stderr)
    print("reference.py: %d of %d comparisons with numpy failed" % (failed, total))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
