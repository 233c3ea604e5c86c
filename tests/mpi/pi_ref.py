#!/usr/bin/python3
"""Independent reference for pario-pi: the darts generator and the midpoint grid
re-implemented in numpy from their definitions (include/pario/rng.h, pi.h), and
a log reader that goes through h5dump, never through pario.

  pi_ref.py check-log LOG  --method darts|midpoint --seed S --samples N --rounds R --ranks P
  pi_ref.py dump LOG DATASET          print the values h5dump shows, one a line
  pi_ref.py svg FILE.svg --rounds R   check the SVG pario-plot wrote
  pi_ref.py last OUT.json LOG         the printed estimate is the log's last (the same repr)
  pi_ref.py same A.h5 B.h5 DATASET    the two logs' values are the same (the same reprs)
  pi_ref.py hits-sum A.h5 B.h5        /hits summed over the ranks (columns): the same per round
  pi_ref.py positive LOG DATASET      every value is > 0
  pi_ref.py json OUT.json EXPR WANT   str(EXPR) is WANT, EXPR a Python expression over the JSON
                                      object j (math, and load(FILE) for another JSON file)
  pi_ref.py layout H5DUMP-H.txt       the datasets and attributes h5dump -H -p shows
  pi_ref.py resumed-log LOG SEED S R  a darts log resumed on 3 ranks: R rounds, S samples each,
                                      each round's hits the reference's
  pi_ref.py midpoint-resumed REF R LOG...  each LOG's /estimate is REF's bit for bit, R rounds
                                      (read by h5py)
  pi_ref.py svg-title FILE.svg TEXT   the first <text> is TEXT (a Python string literal)
  pi_ref.py batch LIST                each line of LIST: a description, a tab, then one of the
                                      checks above with tabs between its arguments; prints
                                      "ok<TAB>DESC" or "FAIL<TAB>DESC: why" for each (one Python
                                      start for all: tests/mpi/lib.sh's defer, run_deferred)
"""
import argparse, ast, json, math, os, re, subprocess, sys
import numpy as np

import deferred  # tests/mpi/deferred.py: the batch loop

U = np.uint64
H5DUMP = os.environ.get("H5DUMP") or "h5dump"


def mix64(z):
    with np.errstate(over="ignore"):
        z = (z ^ (z >> U(30))) * U(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> U(27))) * U(0x94D049BB133111EB)
        return z ^ (z >> U(31))


def key(seed, stream):
    with np.errstate(over="ignore"):
        return mix64(U(seed) ^ mix64(U(stream) + U(0x632BE59BD9B4E019)))


def rng_at(k, idx):
    with np.errstate(over="ignore"):
        return mix64(k + (idx + U(1)) * U(0x9E3779B97F4A7C15))


def darts_hits(seed, first, n):
    """Hits among samples first..first+n-1: cell-centre points on a 2^30 grid."""
    kx, ky, h = key(seed, 2), key(seed, 3), 0
    for a in range(first, first + n, 1 << 20):
        idx = np.arange(a, min(a + (1 << 20), first + n), dtype=np.uint64)
        x = (rng_at(kx, idx) >> U(34)) * U(2) + U(1)
        y = (rng_at(ky, idx) >> U(34)) * U(2) + U(1)
        h += int(np.count_nonzero(x * x + y * y < U(1 << 62)))
    return h


def offset(r, R):
    if R <= 1:
        return 0
    g = max(1, int(R * 0.6180339887498949))
    while math.gcd(g, R) != 1:
        g += 1
    return (r * g) % R


# Midpoint rounds are cut into blocks of this many grid points, whatever the
# rank count (doc/montecarlo.md, include/pario/pi.h's PARIO_PI_BLOCK).
BLOCK = 4096


def midpoint_round(S, R, r):
    """The round's sum of f, correctly rounded (math.fsum of numpy's f values)."""
    j = np.arange(S, dtype=np.float64)
    x = ((j * R + offset(r, R)) + 0.5) / (R * S)
    return math.fsum(4.0 / (1.0 + x * x))


def split(n, p, r):
    q, m = divmod(n, p)
    return q + (1 if r < m else 0)


def midpoint_shares(S, P):
    """Each rank's points: its balanced split of the round's ceil(S/BLOCK) blocks."""
    nb, out, b = -(-S // BLOCK), [], 0
    for c in range(P):
        k = split(nb, P, c)
        out.append(min((b + k) * BLOCK, S) - min(b * BLOCK, S))
        b += k
    return out


def h5values(path, dset):
    out = subprocess.run([H5DUMP, "-y", "-w", "0", "-m", "%.17g", "-d", dset, path],
                         capture_output=True, text=True, check=True).stdout
    dims = [int(d) for d in re.search(r"DATASPACE\s+SIMPLE \{ \( ([0-9, ]+) \)", out).group(1).split(",")]
    body = out[out.index("DATA {") + 6:out.rindex("}", 0, out.rindex("}"))]
    vals = [v for v in re.split(r"[,\s]+", body.replace("}", " ")) if v]
    arr = np.array([float(v) for v in vals], dtype=np.float64)
    return arr.reshape(dims) if arr.size else np.zeros(dims)


def check_log(a):
    err = []
    est, se = h5values(a.log, "/estimate"), h5values(a.log, "/stderr")
    samples = h5values(a.log, "/samples")
    R, P, S = a.rounds, a.ranks, a.samples
    if est.shape != (R,) or samples.shape != (R, P):
        return ["shapes: /estimate %s, /samples %s; expected (%d,) and (%d, %d)" % (est.shape, samples.shape, R, R, P)]
    share = midpoint_shares(S, P) if a.method == "midpoint" else [split(S, P, r) for r in range(P)]
    want = np.array([share] * R, dtype=np.float64)
    if not np.array_equal(samples, want):
        err.append("/samples %s differs from the balanced split of %d over %d (%s)"
                   % (samples[0].tolist(), S, P, "blocks" if a.method == "midpoint" else "samples"))
    if a.method == "darts":
        hits = h5values(a.log, "/hits")
        n = h = 0
        for r in range(R):
            ref = darts_hits(a.seed, r * S, S)
            if int(hits[r].sum()) != ref:
                err.append("round %d: hits %d, reference %d" % (r, int(hits[r].sum()), ref))
            n += S
            h += ref
            e, s = 4.0 * h / n, 4.0 * math.sqrt((h / n) * (1 - h / n) / n)
            if est[r] != e or abs(se[r] - s) > 1e-15 * s:
                err.append("round %d: estimate %r stderr %r, reference %r %r" % (r, est[r], se[r], e, s))
        # each rank's column: that rank's own share of the round
        for r in range(R):
            first = r * S
            for c in range(P):
                n_c = split(S, P, c)
                if int(hits[r, c]) != darts_hits(a.seed, first, n_c):
                    err.append("round %d rank %d: hits %d differ from its share" % (r, c, int(hits[r, c])))
                first += n_c
    else:
        sums, total = h5values(a.log, "/sums"), h5values(a.log, "/total")
        if total.shape != (R,) or sums.shape != (R, P):
            return err + ["shapes: /total %s, /sums %s" % (total.shape, sums.shape)]
        eps = 2.0 ** -52
        ref_total, running, vals = 0.0, 0.0, []
        for r in range(R):
            ref = midpoint_round(S, R, r)
            # the blocks' floating-point sums (8 lanes of BLOCK/8 terms each, in
            # [2, 4]; their roundings a random walk of about sqrt(BLOCK/8) eps),
            # added exactly and rounded once: within 32 eps (seen: within 1 ulp)
            if abs(total[r] - ref) > 32 * eps * ref:
                err.append("round %d: /total %r, reference %r" % (r, total[r], ref))
            # the ranks' shares, each rounded once, add up to the total within rounding
            if abs(math.fsum(sums[r]) - total[r]) > P * eps * total[r]:
                err.append("round %d: /sums %s add up to %r, /total %r" % (r, sums[r].tolist(),
                                                                          math.fsum(sums[r]), total[r]))
            ref_total += ref
            vals.append(ref / S)
            e = ref_total / ((r + 1) * S)
            if abs(est[r] - e) > 1e-13:
                err.append("round %d: estimate %r, reference %r" % (r, est[r], e))
            # the running estimate is computed from the stored totals, in round order
            running += float(total[r])
            if est[r] != running / ((r + 1) * S):
                err.append("round %d: estimate %r is not the totals' %r" % (r, est[r], running / ((r + 1) * S)))
            s = float(np.std(vals, ddof=1) / math.sqrt(len(vals))) if r else float("nan")
            if r and abs(se[r] - s) > 1e-9 * s:
                err.append("round %d: stderr %r, reference %r" % (r, se[r], s))
        N = R * S
        exact = float(np.mean(4.0 / (1.0 + ((np.arange(N) + 0.5) / N) ** 2)))
        if abs(est[-1] - exact) > 1e-13:
            err.append("final estimate %r is not the %d-point midpoint rule %r" % (est[-1], N, exact))
    return err


def check_svg(a):
    import xml.etree.ElementTree as ET
    ns = "{http://www.w3.org/2000/svg}"
    root = ET.parse(a.svg).getroot()
    err = []
    if root.tag != ns + "svg":
        err.append("root element is %s" % root.tag)
    text = " ".join("".join(t.itertext()) for t in root.iter(ns + "text"))
    for want in ("samples (log scale)", "running estimate", "2 standard errors", "\u03c0"):
        if want not in text:
            err.append("no text %r" % want)
    lines = [p for p in root.iter(ns + "polyline")]
    if len(lines) != 1:
        return err + ["%d polylines, expected 1" % len(lines)]
    pts = [tuple(map(float, p.split(","))) for p in lines[0].get("points").split()]
    if len(pts) != a.rounds:
        err.append("%d points for %d rounds" % (len(pts), a.rounds))
    # equal rounds: x of round k at log10(k) steps from the first
    xs = np.array([p[0] for p in pts])
    if len(xs) > 2:
        k = np.log10(np.arange(1, len(xs) + 1))
        scale = (xs[-1] - xs[0]) / k[-1]
        if np.max(np.abs(xs - xs[0] - scale * k)) > 0.05:
            err.append("x positions are not on a log scale")
    if not list(root.iter(ns + "polygon")):
        err.append("no band polygon")
    if any(e.tag in (ns + "script", ns + "image", ns + "foreignObject") for e in root.iter()):
        err.append("not self-contained")
    if "http" in open(a.svg).read().replace("http://www.w3.org/2000/svg", ""):
        err.append("external reference")
    return err


def last(out, log):
    got, want = repr(json.load(open(out))["estimate"]), repr(float(h5values(log, "/estimate").ravel()[-1]))
    return [] if got == want else ["printed estimate %s, the log's last %s" % (got, want)]


def same(a, b, dset):
    va, vb = ([repr(float(v)) for v in h5values(f, dset).ravel()] for f in (a, b))
    return [] if va == vb else ["%s differs: %s vs %s" % (dset, va, vb)]


def hits_sum(a, b):
    ha, hb = ([int(x) for x in h5values(f, "/hits").sum(axis=1)] for f in (a, b))
    return [] if ha == hb else ["/hits summed per round: %s vs %s" % (ha, hb)]


def positive(log, dset):
    v = h5values(log, dset).ravel()
    return [] if all(x > 0 for x in v) else ["%s: %s" % (dset, v.tolist())]


def json_expr(out, expr, want):
    def load(name):
        return json.load(open(name))
    got = str(eval(expr, {"j": load(out), "math": math, "load": load}))
    return [] if got == want else ["%s is %s, expected %s" % (expr, got, want)]


def layout(path):
    t = open(path).read()
    def ds(name):
        m = re.search(r'DATASET "%s" \{\s*DATATYPE\s+(\S+)\s*DATASPACE\s+SIMPLE \{ \( ([^)]*) \) / \( ([^)]*) \) \}\s*STORAGE_LAYOUT \{\s*CHUNKED \( ([^)]*) \)' % name, t)
        return m and tuple(x.replace(" ", "") for x in m.groups())
    want = {"hits": ("H5T_STD_I64LE", "4,3", "H5S_UNLIMITED,H5S_UNLIMITED"),
            "samples": ("H5T_STD_I64LE", "4,3", "H5S_UNLIMITED,H5S_UNLIMITED"),
            "estimate": ("H5T_IEEE_F64LE", "4", "H5S_UNLIMITED"),
            "stderr": ("H5T_IEEE_F64LE", "4", "H5S_UNLIMITED"),
            "time": ("H5T_IEEE_F64LE", "4", "H5S_UNLIMITED")}
    bad = [n for n, w in want.items() if not ds(n) or ds(n)[:3] != w]
    attrs = {"seed": "H5T_STD_U64LE", "ranks": "H5T_STD_I64LE", "samples_per_round": "H5T_STD_U64LE",
             "rounds": "H5T_STD_U64LE", "method": "H5T_STRING", "generator": "H5T_STRING",
             "pario_version": "H5T_STRING", "start_time": "H5T_STRING"}
    for a, ty in attrs.items():
        if not re.search(r'ATTRIBUTE "%s" \{\s*DATATYPE\s+%s' % (a, ty), t):
            bad.append("attribute " + a)
    return ["layout: " + ", ".join(bad)] if bad else []


def resumed_log(log, seed, S, R):
    seed, S, R = int(seed), int(S), int(R)
    hits, samples = h5values(log, "/hits"), h5values(log, "/samples")
    if hits.shape != (R, 3):
        return ["/hits is %s, expected (%d, 3)" % (hits.shape, R)]
    err = ["round %d: %d samples" % (r, int(samples[r].sum())) for r in range(R) if int(samples[r].sum()) != S]
    return err + ["round %d: hits differ from the reference" % r for r in range(R)
                  if int(hits[r].sum()) != darts_hits(seed, r * S, S)]


def midpoint_resumed(ref, rounds, *logs):
    """Each resumed log's /estimate is REF's (uninterrupted) bit for bit, ROUNDS rounds."""
    import h5py
    want = h5py.File(ref, "r")["estimate"][:]
    err = [] if want.shape == (int(rounds),) else ["%s: %d rounds, expected %s" % (ref, want.shape[0], rounds)]
    for f in logs:
        e = h5py.File(f, "r")["estimate"][:]
        if e.shape != want.shape or e.tobytes() != want.tobytes():
            err.append("%s: /estimate %s, uninterrupted %s" % (f, [repr(v) for v in e], [repr(v) for v in want]))
    return err


def svg_title(svg, literal):
    import xml.etree.ElementTree as ET
    t = [e.text for e in ET.parse(svg).getroot().iter("{http://www.w3.org/2000/svg}text")][0]
    want = ast.literal_eval(literal)
    return [] if t == want else ["title %r, expected %r" % (t, want)]


CHECKS = {"last": last, "same": same, "hits-sum": hits_sum, "positive": positive, "json": json_expr,
          "layout": layout, "resumed-log": resumed_log, "midpoint-resumed": midpoint_resumed,
          "svg-title": svg_title}


def run(argv):
    """One check: the list of what is wrong (empty: it holds)."""
    if argv[0] in CHECKS:
        return CHECKS[argv[0]](*argv[1:])
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd")
    ap.add_argument("path")
    ap.add_argument("dset", nargs="?")
    ap.add_argument("--method", default="darts")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--samples", type=int)
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--ranks", type=int)
    a = ap.parse_args(argv)
    if a.cmd == "check-log":
        a.log = a.path
        return check_log(a)
    if a.cmd == "svg":
        a.svg = a.path
        return check_svg(a)
    ap.error("unknown command")


def main():
    if sys.argv[1] == "batch":
        deferred.main(lambda fields: (run(fields) or [])[:5], 600)
    if sys.argv[1] == "dump":
        for v in h5values(sys.argv[2], sys.argv[3]).ravel():
            print(repr(float(v)))
        return 0
    err = run(sys.argv[1:])
    for e in err[:10]:
        print("pi_ref: %s: %s" % (sys.argv[2], e), file=sys.stderr)
    return 1 if err else 0


if __name__ == "__main__":
    sys.exit(main())
