#!/usr/bin/python3
"""Independent reference for pario-train, written from the documented formulas
(include/pario/train.h: the Feistel shuffle of blocks of rows and the segments
of a batch; lib/kernels/train.c: the order of operations, with exp, log and
log1p as lib/kernels/xmath.h computes them, checked against libm's within
1 ulp; the update in
pario-train --help) in plain Python: each segment's gradient and loss summed
in row order, the segments' sums added exactly by math.fsum per weight (and
for the epoch's loss), the final loss summed per block of R rows in file order
and the blocks' sums by math.fsum, numpy only to make the data and for lstsq.

  train_ref.py make DIR              write the test datasets (raw + .yaml)
  train_ref.py sgd OUT.json MODEL DATA (--labels L | --label-column J) --epochs E --batch B --lr LR --l2 L2 --seed S [--block R]
        re-run the same SGD, compare with pario-train's JSON: weights within 1e-9 relative
  train_ref.py lstsq OUT.json DATA LABELS TOL   the weights against numpy's lstsq
  train_ref.py same A.json B.json    the weights are the same bits
  train_ref.py predict LOG.h5 DATA PRED [--label-column J]   pario-train --predict's output
        against the log's last weights (read by h5dump) applied in Python (the
        documented order: the same bits) and by numpy (within 1e-12)
  train_ref.py log LOG.h5 ROWS [OUT.json]   the log (read by h5dump) has ROWS epochs, its
        last weights are OUT.json's; with sgd, --log LOG.h5 also compares each
        epoch's loss and weights with the reference's
  train_ref.py differ A.json B.json  the weights are not the same bits
  train_ref.py steal ERR LABELS EPOCHS   the --verbose rows each of 2 ranks summed add
        up to EPOCHS x the rows, the second rank's under a quarter of them
  train_ref.py tail ERR MS     each of 2 ranks' --verbose median, 90% and 99% step
        are in that order, the 99% at least MS milliseconds
  train_ref.py allreduce OUT.json=WAY...   each output's "allreduce" is WAY
  train_ref.py yaml OUT.yaml OUT.json K    the YAML output's weights are the JSON's, K classes
  train_ref.py resumed OUT.json E    the output says it resumed after E epochs
  train_ref.py plot LOG.h5 SVG       pario-plot's loss curve against the log's losses (h5py)
  train_ref.py finite SVG            the SVG is XML and every coordinate in it is finite
  train_ref.py c-order F.npy C.npy   C.npy is F.npy's array (numpy), in C order
  train_ref.py json FILE             FILE holds JSON
  train_ref.py batch LIST            each line of LIST: a description, a tab, then one of
        the commands above with tabs between its arguments; prints "ok<TAB>DESC" or
        "FAIL<TAB>DESC: why" for each (one Python start for all: tests/mpi/lib.sh's
        defer and run_deferred)
"""
import argparse, json, math, os, re, struct, subprocess, sys
import numpy as np

import deferred  # tests/mpi/deferred.py: the batch loop

M64 = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def rng_key(seed, stream):
    return mix64(seed ^ mix64((stream + 0x632BE59BD9B4E019) & M64))


class Perm:
    def __init__(self, n, seed, epoch):
        bits = 2
        while bits < 64 and (1 << bits) < n:
            bits += 2
        self.n, self.h = n, bits // 2
        self.mask = (1 << self.h) - 1
        self.key = rng_key(seed, epoch)

    def feistel(self, x):
        l, r = x >> self.h, x & self.mask
        for i in range(4):
            f = mix64(((self.key + (i + 1) * GAMMA) & M64) ^ r) & self.mask
            l, r = r, l ^ f
        return (l << self.h) | r

    def at(self, pos):
        x = self.feistel(pos)
        while x >= self.n:
            x = self.feistel(x)
        return x


def write(d, name, arr):
    arr = np.ascontiguousarray(arr)
    arr.tofile(os.path.join(d, name))
    with open(os.path.join(d, name + ".yaml"), "w") as f:
        f.write("dtype: %s\nshape: [%s]\nbyte_order: little\n" % (arr.dtype.name, ", ".join(map(str, arr.shape))))


def make(d):
    rng = np.random.default_rng(20261130)
    # linear: 61 rows, 3 features, known weights + small noise
    X = rng.normal(size=(61, 3))
    y = X @ np.array([1.5, -2.0, 0.5]) + 0.25 + rng.normal(scale=0.01, size=61)
    write(d, "lin_X.bin", X)
    write(d, "lin_y.bin", y)
    # logistic: float32, 103 rows, label in column 2 of 5
    X = rng.normal(size=(103, 4)).astype(np.float32)
    p = 1 / (1 + np.exp(-(X.astype(np.float64) @ np.array([2.0, -1.0, 0.5, 1.0]) - 0.3)))
    lab = (rng.random(103) < p).astype(np.float32)
    D = np.concatenate([X[:, :2], lab[:, None], X[:, 2:]], axis=1)
    write(d, "log_D.bin", D)
    # the same rows as float32 features with float32 labels beside them (the
    # kernel's float32 rows, from the memory map), and big-endian (read and swapped)
    write(d, "log32_X.bin", X)
    write(d, "log32_y.bin", lab)
    X.astype(">f4").tofile(os.path.join(d, "log32_Xbe.bin"))
    with open(os.path.join(d, "log32_Xbe.bin.yaml"), "w") as f:
        f.write("dtype: float32\nshape: [103, 4]\nbyte_order: big\n")
    # softmax: 97 rows, 3 features, 4 classes, int32 labels
    C = rng.normal(scale=2.0, size=(4, 3))
    cls = rng.integers(0, 4, size=97)
    X = C[cls] + rng.normal(size=(97, 3))
    write(d, "soft_X.bin", X)
    write(d, "soft_y.bin", cls.astype(np.int32))
    # errors: labels shorter than data, NaN in data, 1-D data, bad logistic label
    write(d, "short_y.bin", y[:60])
    Xn = rng.normal(size=(20, 3)); Xn[13, 1] = np.nan
    write(d, "nan_X.bin", Xn)
    Xf = Xn.astype(np.float32); Xf[13, 1] = 1.0; Xf[17, 2] = np.inf   # float32 rows reach the kernel unwidened
    write(d, "inf_X32.bin", Xf)
    write(d, "nan_y.bin", np.zeros(20))
    write(d, "one_d.bin", np.arange(10.0))
    write(d, "bad_y.bin", np.full(20, 2.0))
    # linear, 45 rows of 2 features whose gradient sums span more than 64
    # bits of exponent (rows alternately near 1e15 and 1e-15) and reach the
    # subnormals (column 1): the exact sums' slow paths
    rng = np.random.default_rng(45)
    X = rng.normal(size=(45, 2))
    X[0::2, 0] *= 1e15
    X[1::2, 0] *= 1e-15
    X[5::7, 1] = 1e-310
    write(d, "span_X.bin", X)
    write(d, "span_y.bin", rng.normal(size=45))
    # logistic, 150 rows (more one-row segments in a batch than --allreduce mpi's slots)
    rng = np.random.default_rng(150)
    X = rng.normal(size=(150, 3))
    lab = (X @ np.array([1.0, -0.5, 0.25]) + rng.normal(scale=0.5, size=150) > 0).astype(np.float64)
    write(d, "many_D.bin", np.concatenate([X, lab[:, None]], axis=1))
    # logistic, 4,200 rows: a batch of more one-row segments than pario-train
    # deals by position (4,096; more are dealt round-robin)
    rng = np.random.default_rng(4200)
    X = rng.normal(size=(4200, 3))
    lab = (X @ np.array([0.5, 1.0, -1.0]) + rng.normal(scale=0.5, size=4200) > 0).astype(np.float64)
    write(d, "deal_D.bin", np.concatenate([X, lab[:, None]], axis=1))
    # a Fortran-order .npy (8 x 8) and labels for it
    r = np.random.default_rng(4)
    X = np.asfortranarray(r.normal(size=(8, 8)))
    np.save(os.path.join(d, "fort_X.npy"), X)
    np.save(os.path.join(d, "fort_y.npy"), X[:, 0] * 2.0)


def load(path):
    if path.endswith(".npy"):
        return np.load(path)
    if ".h5:" in path:
        import h5py
        f, d = path.split(":", 1)
        with h5py.File(f, "r") as h:
            return h[d][()]
    meta = {}
    for line in open(path + ".yaml"):
        k, _, v = line.partition(":")
        meta[k.strip()] = v.strip()
    shape = [int(s) for s in meta["shape"].strip("[]").split(",")]
    return np.fromfile(path, dtype=np.dtype(meta["dtype"]).newbyteorder("<")).reshape(shape)


H = float.fromhex
LN2_HI, LN2_LO, INV_LN2 = H("0x1.62e42fee00000p-1"), H("0x1.a39ef35793c76p-33"), H("0x1.71547652b82fep+0")
SHIFT, SQRT2 = H("0x1.8p52"), H("0x1.6a09e667f3bcdp+0")
# 1/13!, 1/12!, .., 1/2 (Horner, then r + 1, r + 1) and 2/23, 2/21, .., 2/3
EXP_C = [H(c) for c in ("0x1.6124613a86d09p-33", "0x1.1eed8eff8d898p-29", "0x1.ae64567f544e4p-26",
                        "0x1.27e4fb7789f5cp-22", "0x1.71de3a556c734p-19", "0x1.a01a01a01a01ap-16",
                        "0x1.a01a01a01a01ap-13", "0x1.6c16c16c16c17p-10", "0x1.1111111111111p-7",
                        "0x1.5555555555555p-5", "0x1.5555555555555p-3", "0x1.0000000000000p-1", "1", "1")]
LOG_C = [H(c) for c in ("0x1.642c8590b2164p-4", "0x1.8618618618618p-4", "0x1.af286bca1af28p-4",
                        "0x1.e1e1e1e1e1e1ep-4", "0x1.1111111111111p-3", "0x1.3b13b13b13b14p-3",
                        "0x1.745d1745d1746p-3", "0x1.c71c71c71c71cp-3", "0x1.2492492492492p-2",
                        "0x1.999999999999ap-2", "0x1.5555555555555p-1")]


def xexp(x):
    """e^x for x <= 0, lib/kernels/xmath.h's operations in order."""
    if x != x:
        return x
    xc = max(x, -746.0)
    kd = xc * INV_LN2 + SHIFT
    k = kd - SHIFT
    r = (xc - k * LN2_HI) - k * LN2_LO
    p = EXP_C[0]
    for c in EXP_C[1:]:
        p = p * r + c
    ki = int(k)
    if ki < -1000:
        return math.ldexp(p, ki + 1000) * H("0x1p-1000")
    return math.ldexp(p, ki)


def log_core(f, k, c):
    s = f / (2.0 + f)
    z = s * s
    R = LOG_C[0]
    for co in LOG_C[1:]:
        R = R * z + co
    R = R * z
    h = 0.5 * f * f
    return k * LN2_HI + (f - (h - (s * (h + R) + (k * LN2_LO + c))))


def xlog1p(e):
    """log(1 + e) for 0 <= e <= 1."""
    u = 1.0 + e
    m = u * 0.5 if u > SQRT2 else u
    c = (e - (u - 1.0)) / u
    return log_core(m - 1.0, 1.0 if u > SQRT2 else 0.0, c)


def xlog(x):
    """log(x) for x >= 1."""
    if x != x or x == math.inf:
        return x
    m, k = math.frexp(x)   # x = m 2^k, m in [0.5, 1)
    m, k = m * 2.0, k - 1
    if m > SQRT2:
        m, k = m * 0.5, k + 1
    return log_core(m - 1.0, float(k), 0.0)


XMATH = []   # the verdict of check_xmath, once a process


def check_xmath():
    """The kernel's own exp/log agree with libm's (math) within 1 ulp."""
    if not XMATH:
        XMATH.append(None)
        rng = np.random.default_rng(5)
        for x in list(-np.abs(rng.normal(scale=20, size=3000))) + [0.0, -1e-300, -708.5, -744.0, -745.5, -800.0]:
            x = float(x)
            for got, want in ((xexp(x), math.exp(x)), (xlog1p(math.exp(x)), math.log1p(math.exp(x))),
                              (xlog(1.0 - x), math.log(1.0 - x))):
                if not abs(got - want) <= math.ulp(want) + 5e-324 and XMATH[0] is None:
                    XMATH[0] = "xmath: %r: %r vs libm %r" % (x, got, want)
    if XMATH[0]:
        sys.exit(XMATH[0])


def dot(w, o, x, f):
    """w[o..o+f-1] . x + w[o+f]: 8 partial sums (lane j mod 8), combined pairwise."""
    s = [0.0] * 8
    for j in range(f):
        s[j % 8] = s[j % 8] + w[o + j] * x[j]
    return (((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))) + w[o + f]


def sample(model, w, f, k, x, y, g):
    """One sample (lib/kernels/train.c's order): adds its terms into the segment
    sums g (a list, or None), returns (loss, correct)."""
    def add(c, r):
        if g is not None:
            o = c * (f + 1)
            for j in range(f):
                g[o + j] = g[o + j] + r * x[j]
            g[o + f] = g[o + f] + r

    if model == "linear":
        r = dot(w, 0, x, f) - y
        add(0, r)
        return r * r / 2, 0
    if model == "logistic":
        z = dot(w, 0, x, f)
        e = xexp(-abs(z))
        p = (1.0 if z >= 0 else e) / (1.0 + e)
        add(0, p - y)
        return xlog1p(e) + (z if z > 0 else 0.0) - y * z, int((z > 0) == (y == 1.0))
    z = [dot(w, c * (f + 1), x, f) for c in range(k)]
    best = 0
    for c in range(k):
        if z[c] > z[best]:
            best = c
    m, s = z[best], 0.0
    e = [xexp(z[c] - m) for c in range(k)]
    for c in range(k):
        s += e[c]
    yc = int(y)
    for c in range(k):
        add(c, e[c] / s - (1.0 if c == yc else 0.0))
    return xlog(s) - (z[yc] - m), int(best == yc)


def segments(n, R, seed, epoch):
    """The epoch's row sequence as (first row, rows) blocks in visiting order."""
    nb = (n + R - 1) // R
    perm = Perm(nb, seed, epoch)
    out = []
    for q in range(nb):
        b = perm.at(q)
        out.append((b * R, min(R, n - b * R)))
    return out


def batches(n, R, B, seed, epoch):
    """Each batch as its list of segments (first row, rows): runs inside one block."""
    seq = segments(n, R, seed, epoch)
    out, cur, room = [], [], B
    for first, rows in seq:
        while rows:
            take = min(rows, room)
            cur.append((first, take))
            first, rows, room = first + take, rows - take, room - take
            if room == 0:
                out.append(cur)
                cur, room = [], B
    if cur:
        out.append(cur)
    return out


def sgd(a):
    D = load(a.data).astype(np.float64)
    if a.label_column is not None:
        y = D[:, a.label_column].tolist()
        X = np.delete(D, a.label_column, axis=1)
    else:
        y = load(a.labels).astype(np.float64).ravel().tolist()
        X = D
    n, f = X.shape
    X = X.tolist()
    k = (int(max(y)) + 1) if a.model == "softmax" else 1
    nw = k * (f + 1)
    w = [0.0] * nw
    a.history = []
    for e in range(a.epochs):
        seen = []
        for batch in batches(n, a.block, a.batch, a.seed, e):
            size = sum(rows for _, rows in batch)
            grad = [[] for _ in range(nw)]
            for first, rows in batch:
                g = [0.0] * nw
                ls = 0.0
                for i in range(first, first + rows):
                    ls = ls + sample(a.model, w, f, k, X[i], y[i], g)[0]
                seen.append(ls)
                for i in range(nw):
                    grad[i].append(g[i])
            for c in range(k):
                for j in range(f + 1):
                    i = c * (f + 1) + j
                    g = math.fsum(grad[i]) / float(size)
                    if j < f:
                        g = g + a.l2 * w[i]
                    w[i] = w[i] - a.lr * g
        a.history.append((math.fsum(seen) / n, list(w)))
    losses, correct = [], 0
    R = min(a.block, n)
    for b in range(0, n, R):
        ls = 0.0
        for i in range(b, min(b + R, n)):
            l, c = sample(a.model, w, f, k, X[i], y[i], None)
            ls = ls + l
            correct += c
        losses.append(ls)
    return w, math.fsum(losses) / n, correct / n


def h5(path, dset):
    """(shape, values) of a dataset, through h5dump (never through pario)."""
    out = subprocess.run([os.environ.get("H5DUMP") or "h5dump", "-y", "-w", "0", "-m", "%.17g", "-d", dset, path],
                         check=True, capture_output=True, text=True).stdout
    shape = [int(x) for x in re.search(r"SIMPLE \{ \( ([0-9, ]*) \)", out).group(1).split(",")]
    body = out.split("DATA {", 1)[1].split("}", 1)[0] if "DATA {" in out else ""
    return shape, [float(x) for x in body.replace(",", " ").split()]


def h5ints(path, dset):
    """The integers of a dataset, through h5dump (never through pario), exactly."""
    out = subprocess.run([os.environ.get("H5DUMP") or "h5dump", "-y", "-w", "0", "-d", dset, path],
                         check=True, capture_output=True, text=True).stdout
    body = out.split("DATA {", 1)[1].split("}", 1)[0] if "DATA {" in out else ""
    return [int(x) for x in body.replace(",", " ").split()]


def fnv1a(values):
    """FNV-1a, 64 bits, of doubles as little-endian IEEE bytes, in order (doc/train.md)."""
    h = 0xcbf29ce484222325
    for b in struct.pack("<%dd" % len(values), *values):
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def rel_close(a, b, tol):
    return abs(a - b) <= tol * max(abs(a), abs(b), 1e-300) or a == b


def run(argv):
    """One command (the module's docstring): 0 if the check holds, else 1 and why on stdout."""
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd")
    ap.add_argument("args", nargs="*")
    ap.add_argument("--labels")
    ap.add_argument("--label-column", type=int)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--l2", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--block", type=int, default=64)
    ap.add_argument("--log")
    a = ap.parse_args(argv)
    if a.cmd == "make":
        make(a.args[0])
        return 0
    if a.cmd == "same":
        wa = json.load(open(a.args[0]))["weights"]
        wb = json.load(open(a.args[1]))["weights"]
        if [x.hex() for x in map(float, wa)] != [x.hex() for x in map(float, wb)]:
            print("weights differ: %s vs %s" % (wa, wb))
            return 1
        return 0
    if a.cmd == "differ":
        wa = json.load(open(a.args[0]))["weights"]
        wb = json.load(open(a.args[1]))["weights"]
        if [x.hex() for x in map(float, wa)] == [x.hex() for x in map(float, wb)]:
            print("the same weights, bit for bit: %s" % wa)
            return 1
        return 0
    if a.cmd in ("steal", "tail", "allreduce", "yaml", "resumed", "plot", "finite", "ticks", "c-order", "json"):
        why = CHECKS[a.cmd](*a.args)
        if why:
            print(why)
            return 1
        return 0
    got = json.load(open(a.args[0])) if a.cmd not in ("log", "predict") else None
    if a.cmd == "lstsq":
        X = load(a.args[1]).astype(np.float64)
        y = load(a.args[2]).astype(np.float64)
        tol = float(a.args[3])
        A = np.concatenate([X, np.ones((X.shape[0], 1))], axis=1)
        ref = np.linalg.lstsq(A, y, rcond=None)[0]
        w = np.array(got["weights"], dtype=np.float64)
        err = np.max(np.abs(w - ref) / np.abs(ref))
        if not err <= tol:
            print("lstsq: relative error %g > %g: got %s, lstsq %s" % (err, tol, w.tolist(), ref.tolist()))
            return 1
        return 0
    if a.cmd == "sgd":
        check_xmath()
        a.model, a.data = a.args[1], a.args[2]
        w, loss, acc = sgd(a)
        gw = got["weights"]
        bad = [(i, x, y) for i, (x, y) in enumerate(zip(gw, w)) if not rel_close(float(x), y, 1e-9)]
        if len(gw) != len(w) or bad:
            print("sgd %s: weights differ (index, pario, reference): %s; %d vs %d weights" % (a.model, bad[:5], len(gw), len(w)))
            return 1
        if not rel_close(got["loss"], loss, 1e-9):
            print("sgd %s: loss %r, reference %r" % (a.model, got["loss"], loss))
            return 1
        if a.model != "linear" and not rel_close(got["accuracy"], acc, 1e-12):
            print("sgd %s: accuracy %r, reference %r" % (a.model, got["accuracy"], acc))
            return 1
        if a.log:
            (rows,), loss = h5(a.log, "/loss")
            _, wl = h5(a.log, "/weights")
            if rows != a.epochs:
                print("log: %d epochs, expected %d" % (rows, a.epochs))
                return 1
            for e, (l, we) in enumerate(a.history):
                row = wl[e * len(we):(e + 1) * len(we)]
                if not rel_close(loss[e], l, 1e-9) or not all(rel_close(x, y, 1e-9) for x, y in zip(row, we)):
                    print("log epoch %d: loss %r vs %r, weights %s vs %s" % (e, loss[e], l, row, we))
                    return 1
        return 0
    if a.cmd == "predict":
        logp, data, pred = a.args
        (rows,), loss = h5(logp, "/loss")
        shape, wl = h5(logp, "/weights")
        model = int(subprocess.run([os.environ.get("H5DUMP") or "h5dump", "-a", "/model", logp], check=True,
                                   capture_output=True, text=True).stdout.split("(0):")[1].split()[0])
        w = wl[(rows - 1) * shape[1]:rows * shape[1]]
        X = load(data).astype(np.float64)
        if a.label_column is not None:
            X = np.delete(X, a.label_column, axis=1)
        n, f = X.shape
        k = len(w) // (f + 1)
        got = load(pred)
        want_dtype = np.float64 if model == 0 else np.int32
        if got.dtype != want_dtype or got.shape != (n,):
            print("predict: %s %s, expected %s [%d]" % (got.dtype, got.shape, want_dtype, n))
            return 1
        Xl = X.tolist()
        for i in range(n):
            z = [dot(w, c * (f + 1), Xl[i], f) for c in range(k)]
            want = z[0] if model == 0 else int(z[0] > 0) if model == 1 else z.index(max(z))
            if got[i] != want:
                print("predict: row %d: %r, expected %r" % (i, got[i], want))
                return 1
        W = np.array(w).reshape(k, f + 1)
        Z = X @ W[:, :f].T + W[:, f]
        if model == 0 and not np.allclose(got, Z[:, 0], rtol=1e-12, atol=0):
            print("predict: numpy's X @ w differs")
            return 1
        if model != 0 and np.mean(got == (Z[:, 0] > 0 if model == 1 else Z.argmax(axis=1))) < 0.99:
            print("predict: numpy's classes differ")
            return 1
        return 0
    if a.cmd == "log":
        (rows,), _ = h5(a.args[0], "/loss")
        shape, wl = h5(a.args[0], "/weights")
        if rows != int(a.args[1]) or shape[0] != rows:
            print("log: %d epochs (weights %s), expected %s" % (rows, shape, a.args[1]))
            return 1
        if len(a.args) > 2:
            w = [float(x) for x in json.load(open(a.args[2]))["weights"]]
            if wl[-len(w):] != w:
                print("log: last weights %s, final %s" % (wl[-len(w):], w))
                return 1
        # each epoch's /weights_check is FNV-1a of that epoch's weights
        chk, width = h5ints(a.args[0], "/weights_check"), shape[1]
        want = [fnv1a(wl[e * width:(e + 1) * width]) for e in range(rows)]
        if chk != want:
            print("log: /weights_check %s, FNV-1a of the weights %s" % (chk, want))
            return 1
        return 0
    print("unknown command", a.cmd)
    return 2


def steal(err, labels, epochs):
    rows = os.path.getsize(labels) // 4 * int(epochs)
    got = [float(v) for v in re.findall(r"rank \d+: .*; (\d+) rows summed", open(err).read())]
    if not (len(got) == 2 and sum(got) == rows and got[1] < rows / 4):
        return "rows summed per rank %s, of %d" % (got, rows)


def tail(err, ms):
    # one rank sleeps ms after each segment it sums, and a step ends when its
    # slowest rank does; but the other rank steals segments, so in many steps
    # the slowed rank sums nothing and the step is short (a CI run: medians of
    # 8.2 ms and 3.8 us). So: each rank's median, 90th and 99th percentiles in
    # that order, and its 99th at least ms (the steps in which it slept)
    got = re.findall(r"rank \d+: .*median step ([0-9.]+) us .*, 90% of steps within ([0-9.]+) us, 99% within ([0-9.]+);",
                     open(err).read())
    q = [tuple(float(v) for v in g) for g in got]
    if not (len(q) == 2 and all(a <= b <= c and float(ms) * 1000 * 0.99 <= c for a, b, c in q)):
        return "median, 90%% and 99%% of the steps per rank: %s (us), expected in order, the 99%% from %s ms" % (q, ms)


def allreduce(*pairs):
    got = [(f, json.load(open(f))["allreduce"]) for f, _ in (p.split("=") for p in pairs)]
    want = [tuple(p.split("=")) for p in pairs]
    if got != want:
        return "allreduce %s, expected %s" % (got, want)


def yaml_same(ypath, jpath, classes):
    import yaml
    a, b = yaml.safe_load(open(ypath)), json.load(open(jpath))
    if not (a["weights"] == b["weights"] and a["classes"] == int(classes)):
        return "YAML %s, JSON %s" % (a, b)


def resumed(path, epochs):
    r = json.load(open(path))
    got = r["resumed_epochs"]
    if got != int(epochs):
        return "resumed_epochs %r, expected %s" % (got, epochs)
    # steps counts this run's epochs only: ceil(samples / batch) each
    want = (r["epochs"] - got) * -(-r["samples"] // r["batch"])
    if r["steps"] != want:
        return "steps %r, expected %d for %d epochs of this run" % (r["steps"], want, r["epochs"] - got)


def plot(log, svg):
    import h5py
    import xml.etree.ElementTree as ET
    loss = h5py.File(log, "r")["loss"][:].tolist()
    ns = "{http://www.w3.org/2000/svg}"
    root = ET.parse(svg).getroot()
    lines = root.findall(".//" + ns + "polyline")
    pts = [tuple(map(float, p.split(","))) for p in lines[0].get("points").split()]
    titles = [c.find(ns + "title").text for c in root.iter(ns + "circle")]
    ok = len(lines) == 1 and len(pts) == len(loss) == 6 and len(titles) == 6
    dx = [b[0] - a[0] for a, b in zip(pts, pts[1:])]
    ok = ok and min(dx) > 0 and max(dx) - min(dx) < 0.01
    i, j = min(range(6), key=lambda k: loss[k]), max(range(6), key=lambda k: loss[k])
    a = (pts[j][1] - pts[i][1]) / (loss[j] - loss[i])
    ok = ok and a < 0 and all(abs(pts[i][1] + a * (l - loss[i]) - y) < 0.01 for (x, y), l in zip(pts, loss))
    ok = ok and all(float(re.search("loss ([^,]*)", t).group(1)) == l for t, l in zip(titles, loss))
    if not ok:
        return "points %s, titles %s, losses %s" % (pts, titles, loss)


def finite(svg):
    import xml.etree.ElementTree as ET
    root = ET.parse(svg).getroot()
    nums = [float(x) for e in root.iter() for k, v in e.attrib.items() if k in ("x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "points")
            for x in re.split("[ ,]+", v.strip())]
    if not (nums and all(math.isfinite(x) for x in nums)):
        return "coordinates: %s" % [x for x in nums if not math.isfinite(x)][:10]


def ticks(svg, h5):
    """The loss axis's labelled ticks span the finite losses: none more than
    one step beyond the outermost ticks (the ticks above 0 were missing for
    losses of -1.7e308 and 1.7e308: the tick loop overflowed)."""
    import xml.etree.ElementTree as ET
    import h5py
    root = ET.parse(svg).getroot()
    vals = sorted(float(e.text) for e in root.iter() if e.tag.endswith("text") and e.get("text-anchor") == "end")
    loss = [x for x in h5py.File(h5, "r")["loss"][:] if math.isfinite(x)]
    if len(vals) < 2:
        return "ticks %s" % vals
    step = vals[1] - vals[0]
    if not (vals[-1] + step >= max(loss) and vals[0] - step <= min(loss)):
        return "ticks %s do not span the losses %s .. %s" % (vals, min(loss), max(loss))


def c_order(fpath, cpath):
    a, b = np.load(fpath), np.load(cpath)
    if not (np.array_equal(a, b) and not np.isfortran(b)):
        return "%s is not %s's array in C order" % (cpath, fpath)


def is_json(path):
    json.load(open(path))


CHECKS = {"steal": steal, "tail": tail, "allreduce": allreduce, "yaml": yaml_same, "resumed": resumed, "plot": plot,
          "finite": finite, "ticks": ticks, "c-order": c_order, "json": is_json}


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "batch":
        deferred.main(lambda fields: "exit status %d" % rc if (rc := run(fields)) else None, 600)
    return run(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
