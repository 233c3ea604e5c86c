#!/usr/bin/python3
"""Reference for tests/mpi/floats.sh: adversarial float datasets made with numpy, and
pario-reduce / pario-run results checked against exact rational arithmetic.

  floats_ref.py make DIR          the datasets (DIR/NAME.bin + NAME.bin.yaml); prints NAME
  floats_ref.py check MANIFEST    lines: OUTPUT <TAB> NAME <TAB> AXIS <TAB> SKIPNAN <TAB> GROUP
                                  [<TAB> MODE: exact (--exact) or shift (the default)]

Every output of one GROUP (the same data, operations and axis, run at another rank
count, chunk, strategy, overlap or distribution, or by pario-run) must be the same
bytes. Each value is checked against Python's exact arithmetic on the data:
  sum:  the exact sum correctly rounded (fractions.Fraction, equal to math.fsum
        where fsum does not raise), bit for bit; +-inf when the exact sum overflows;
        NaN with a NaN (unless skip-nan) or with +inf and -inf; the infinity otherwise.
  mean: sum / n (Python's float division: math.fsum(x) / len(x)), bit for bit.
  var:  (n S2 - S1^2) / n^2 exactly, as a Fraction. With --exact (and for
        integers, and per axis): |got - exact| <= 2^-52 exact (pario's documented
        bound). The default (floats, whole dataset): |got - exact| <= E =
        3.0001 2^-53 Q / n + 2^-52 exact + n 2^-1075, Q = sum (x - s)^2 exactly,
        s the dataset's first element (0 if not finite) -- the bound doc/reduce.md
        states; computed here from the data, not from pario. +inf when the exact
        variance exceeds DBL_MAX; NaN with an infinity in the data.
  std:  |got - sqrt(exact var)| <= 2^-51 sqrt(exact var) (the variance's bound
        halved, plus the rounding of sqrt), checked with 60-digit decimals; the
        default: sqrt(var - E) (1 - 2^-52) <= got <= sqrt(var + E) (1 + 2^-52).
"""
import decimal
import math
import os
import re
import sys
from fractions import Fraction

import numpy as np
import yaml


class Loader(yaml.SafeLoader):
    """YAML 1.1 floats need a dot; pario writes 1e+308: accept it."""


Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))


def datasets():
    rng = np.random.default_rng(11)
    d = {}
    d["adv1"] = np.tile(np.array([1e16, 1.0, -1e16]), 3001)                 # fsum 3001, numpy 8
    d["adv2"] = np.array([1e16] + [1.0] * 4095 + [-1e16])                    # exact 4095
    d["shift"] = 1e9 + rng.normal(0.0, 1e-3, 4001)                           # var ~1e-6
    alt = rng.uniform(1.0, 2.0, 3001) * 10.0 ** rng.integers(-20, 20, 3001)
    alt[1::2] *= -1                                                          # alternating signs
    d["alt"] = alt
    wide = rng.choice([-1.0, 1.0], 3001) * 10.0 ** rng.uniform(-300, 300, 3001)
    wide[::97] = 0.0
    wide[5] = 5e-324                                                         # a subnormal
    d["wide"] = wide                                                         # 600 orders of magnitude
    f32 = (rng.normal(0, 1, 3001) * 10.0 ** rng.integers(-30, 30, 3001)).astype(np.float32)
    f32[::5] = np.float32(3e38)
    f32[1::5] = np.float32(-3e38)
    d["f32"] = f32
    nan = rng.normal(5.0, 2.0, 2001)
    nan[[7, 1500]] = np.nan
    d["nan"] = nan
    inf = rng.normal(0.0, 1.0, 2001)
    inf[333] = np.inf
    d["inf"] = inf
    infinf = rng.normal(0.0, 1.0, 2001)
    infinf[[10, 1999]] = [np.inf, -np.inf]
    d["infinf"] = infinf
    nan0 = 1e6 + rng.normal(0.0, 1.0, 2001)
    nan0[0] = np.nan                                                         # the default's shift falls back to 0
    d["nan0"] = nan0
    huge = 1e15 + rng.normal(0.0, 1.0, 3001)
    huge[0] = -1e15                                                          # a far first element: a poor shift
    d["huge"] = huge
    d["ovf"] = np.array([1e308, 1e308, -1e308])                               # numpy: sum inf, var inf
    d["ovf2"] = np.tile(np.array([1.7e308, 1.7e308, -1.0]), 700)              # the exact sum overflows
    # 2-D: rows of [1e16, 1, -1e16] cycles with small noise, and a wide-range matrix
    m = np.tile(np.array([1e16, 1.0, -1e16]), 37 * 23 // 3 + 1)[: 37 * 23].reshape(37, 23)
    m = m + np.where(np.abs(m) < 2, rng.normal(0, 1e-9, m.shape), 0.0)
    d["m2d"] = m
    w2 = (rng.choice([-1.0, 1.0], 29 * 31) * 10.0 ** rng.uniform(-150, 150, 29 * 31)).reshape(29, 31)
    w2[:, 3] = 1e9 + rng.normal(0, 1e-3, 29)
    d["w2d"] = w2
    # integers: var and std from exact integer sums (int64 near its limits, and int32)
    i64 = rng.integers(-2 ** 62, 2 ** 62, 3001, dtype=np.int64)
    i64[[0, 1]] = [np.iinfo(np.int64).min, np.iinfo(np.int64).max]
    d["i64"] = i64
    d["i32"] = rng.integers(-2 ** 31, 2 ** 31, (41, 17), dtype=np.int64).astype(np.int32)
    return d


def make(outdir):
    for name, a in datasets().items():
        path = os.path.join(outdir, name + ".bin")
        a.tofile(path)
        with open(path + ".yaml", "w") as f:
            f.write("dtype: %s\nshape: [%s]\n" % (a.dtype.name, ", ".join(str(s) for s in a.shape)))
        print(name)


def lanes(a, axis):
    if axis < 0:
        return [a.ravel()]
    if axis == 0:
        return [a[:, j] for j in range(a.shape[1])]
    return [a[i, :] for i in range(a.shape[0])]


def exact_round(fr):
    try:
        return float(fr)
    except OverflowError:
        return math.inf if fr > 0 else -math.inf


def first_shift(a):
    """the default variance's shift: the dataset's first element, 0 if not finite"""
    s = float(a.ravel()[0])
    return s if math.isfinite(s) else 0.0


def expect_lane(x, skip_nan, shift=None):
    """(sum, mean, exact var as Fraction or a float special, bound E or None) for one
    lane; shift: the default variance's shift (None: exact squares)"""
    if x.dtype.kind in "iu":
        f = [Fraction(int(v)) for v in x]
        n = len(f)
        s1 = sum(f)
        s2 = sum(v * v for v in f)
        s = int(s1) if -2 ** 63 <= s1 < 2 ** 63 else None        # None: sum_overflow
        return s, s1 / n, (n * s2 - s1 * s1) / (n * n), None
    x = [float(v) for v in x]
    if skip_nan:
        x = [v for v in x if not math.isnan(v)]
    n = len(x)
    if any(math.isnan(v) for v in x) or n == 0:
        return math.nan, math.nan, math.nan, None
    pinf, ninf = math.inf in x, -math.inf in x
    if pinf or ninf:
        s = math.nan if pinf and ninf else (math.inf if pinf else -math.inf)
        return s, s / n, math.nan, None
    f = [Fraction(v) for v in x]
    s1 = sum(f)
    s = exact_round(s1)
    try:
        fs = math.fsum(x)
        assert fs == s, "math.fsum %r != exact %r" % (fs, s)
    except OverflowError:
        pass
    s2 = sum(v * v for v in f)
    var = (n * s2 - s1 * s1) / (n * n)
    bound = None
    if shift is not None:
        fs_ = Fraction(shift)
        q = sum((v - fs_) ** 2 for v in f)
        bound = Fraction(30001, 10000) * q / n / 2 ** 53 + var / 2 ** 52 + Fraction(n, 2 ** 1075)
    return s, s / n, var, bound


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))


def check_var(got, var, what, bound=None):
    if isinstance(var, float):                     # NaN
        return math.isnan(got), "%s: %r, expected %r" % (what, got, var)
    ref = exact_round(var)
    if math.isinf(ref) or math.isinf(got):
        return got == ref, "%s: %r, expected %r" % (what, got, ref)
    err = abs(Fraction(got) - var)
    if bound is not None:
        return err <= bound, "%s: %r, exact %r, error %.3g > the default's bound %.3g" % (
            what, got, float(var), float(err), float(bound))
    return err <= var / 2 ** 52, "%s: %r, exact %r (rounded %r), error %.3g ulp-ish" % (
        what, got, float(var), ref, float(err / var * 2 ** 52) if var else 0)


def check_std(got, var, what, bound=None):
    if isinstance(var, float):
        return math.isnan(got), "%s: %r, expected nan" % (what, got)
    ref = exact_round(var)
    if math.isinf(ref):
        return math.isinf(got), "%s: %r, expected inf" % (what, got)
    ctx = decimal.Context(prec=60)
    if bound is not None:
        def dsqrt(fr):
            fr = max(fr, Fraction(0))
            return ctx.sqrt(ctx.divide(decimal.Decimal(fr.numerator), decimal.Decimal(fr.denominator)))
        lo = dsqrt(var - bound) * (1 - decimal.Decimal(2) ** -52)
        hi = dsqrt(var + bound) * (1 + decimal.Decimal(2) ** -52)
        g = decimal.Decimal(got)
        return lo <= g <= hi, "%s: %r, outside [%s, %s]" % (what, got, lo, hi)
    sd = ctx.sqrt(ctx.divide(decimal.Decimal(var.numerator), decimal.Decimal(var.denominator)))
    err = abs(decimal.Decimal(got) - sd)
    return err <= sd * decimal.Decimal(2) ** -51, "%s: %r, exact %s" % (what, got, sd)


def results(path):
    text = open(path).read()
    # pario-run writes its job description first: keep from "elements" on
    i = text.find('"elements"')
    body = text[i:].rstrip("\n") if i >= 0 else text
    return body, yaml.load(body, Loader=Loader)


def check(manifest):
    data = datasets()
    fails = 0
    checked = 0
    groups = {}
    expect_cache = {}
    for line in open(manifest):
        fields = line.rstrip("\n").split("\t")
        out, name, axis, skip, group = fields[:5]
        mode = fields[5] if len(fields) > 5 else "shift"
        axis, skip = int(axis), skip == "1"
        group += "." + mode
        body, r = results(out)
        groups.setdefault(group, []).append((out, body))
        a = data[name]
        # the default's shifted squares: floats, whole dataset; exact otherwise
        shift = first_shift(a) if mode == "shift" and axis < 0 and a.dtype.kind == "f" else None
        key = (name, axis, skip, shift)
        if key not in expect_cache:
            expect_cache[key] = [expect_lane(x, skip, shift) for x in lanes(a, axis)]
        exp = expect_cache[key]
        for op in ("sum", "mean", "var", "std"):
            if op not in r:
                continue
            got = r[op] if axis >= 0 else [r[op]]
            if len(got) != len(exp):
                print("FAIL %s: %s has %d lanes, expected %d" % (out, op, len(got), len(exp)))
                fails += 1
                continue
            for li, (g, (s, m, v, bound)) in enumerate(zip(got, exp)):
                if not isinstance(m, Fraction):
                    g = float(g)
                what = "%s %s[%d] (%s)" % (out, op, li, name)
                if isinstance(m, Fraction):                 # integer data
                    if op == "sum":
                        ok, msg = (g is None and s is None) or g == s, "%s: %r, exact %r" % (what, g, s)
                    elif op == "mean":                      # long double quotient, then double
                        ok = abs(Fraction(float(g)) - m) <= abs(m) / 2 ** 52
                        msg = "%s: %r, exact %r" % (what, g, float(m))
                    elif op == "var":
                        ok, msg = check_var(float(g), v, what)
                    else:
                        ok, msg = check_std(float(g), v, what)
                elif op == "sum":
                    ok, msg = same(g, s), "%s: %r, exact sum rounded %r" % (what, g, s)
                elif op == "mean":
                    ok, msg = same(g, m), "%s: %r, fsum/n %r" % (what, g, m)
                elif op == "var":
                    ok, msg = check_var(g, v, what, bound)
                else:
                    ok, msg = check_std(g, v, what, bound)
                checked += 1
                if not ok:
                    fails += 1
                    if fails < 30:
                        print("FAIL " + msg)
    for group, outs in groups.items():
        first, body = outs[0]
        for out, b in outs[1:]:
            if b != body:
                fails += 1
                print("FAIL %s differs from %s (group %s):\n%s\n---\n%s" % (out, first, group, body[:600], b[:600]))
    print("floats_ref: %d values checked, %d groups of identical outputs, %d failures" % (checked, len(groups), fails))
    return 1 if fails else 0


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "check":
        sys.exit(check(sys.argv[2]))
    else:
        sys.exit(__doc__)
