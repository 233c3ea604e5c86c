"""The deferred checks of tests/mpi/views.sh, in one process (numpy and yaml
imported once, not once a round trip): `batch LIST`, each line
DESC<TAB>parts<TAB>FILE<TAB>NUMPY_DTYPE<TAB>DIST<TAB>P<TAB>PREFIX: each part
PREFIX.RANK holds exactly the elements the distribution's definition gives its
rank (views_ref.owners), in row-major order, and its descriptor says so."""
import os
import sys

import numpy as np
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from views_ref import owners  # noqa: E402


def parts(f, dt, dist, p, prefix):
    shape = tuple(int(x) for x in yaml.safe_load(open(f + ".yaml"))["shape"])
    data = np.fromfile(f, dtype=dt).reshape(shape)
    own = owners(dist, shape, p)
    bad = []
    for r in range(p):
        part = np.fromfile("%s.%d" % (prefix, r), dtype=dt)
        want = data[own == r]
        desc = yaml.safe_load(open("%s.%d.yaml" % (prefix, r)))
        if part.shape != want.shape or not np.array_equal(part, want, equal_nan=True):
            bad.append("rank %d: part differs (%d vs %d elements)" % (r, part.size, want.size))
        if int(np.prod(desc["shape"])) != want.size or desc["part"]["rank"] != r or desc["part"]["ranks"] != p:
            bad.append("rank %d: descriptor wrong: %s" % (r, desc))
    return bad


def batch(listfile):
    nbad = 0
    for line in open(listfile):
        desc, cmd, *argv = line.rstrip("\n").split("\t")
        try:
            if cmd != "parts":
                raise ValueError("unknown check " + cmd)
            bad = parts(argv[0], argv[1], argv[2], int(argv[3]), argv[4])
        except Exception as e:  # a part missing or unreadable
            bad = ["%s: %s" % (type(e).__name__, e)]
        if bad:
            nbad += 1
            print("FAIL\t%s: %s" % (desc, "; ".join(bad)))
        else:
            print("ok\t" + desc)
    return nbad


if __name__ == "__main__":
    if sys.argv[1] != "batch":
        raise SystemExit("views_check: usage: views_check.py batch LIST")
    sys.exit(1 if batch(sys.argv[2]) else 0)
