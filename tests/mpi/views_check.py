"""The deferred checks of tests/mpi/views.sh and explain.sh, in one process (numpy
and yaml imported once, not once a check): `batch LIST`, each line DESC<TAB>CHECK
then its arguments, tab-separated:
  parts FILE NUMPY_DTYPE DIST P PREFIX   each part PREFIX.RANK holds exactly the
      elements the distribution's definition gives its rank (views_ref.owners), in
      row-major order, and its descriptor says so
  map MAPFILE DIST P DIM...   MAPFILE holds --explain's owner map of a dataset of
      shape DIM..., views_ref.owner_map's
  json FILE                   FILE holds JSON
  stripes FILE ITEMSIZE MAX   "stripes of up to E elements (B bytes)" in FILE: B is
      E x ITEMSIZE, 0 < E <= MAX
  h5chunks FILE DSET CHUNK COMPRESSION   h5py's chunk shape (1-D) and compression
Prints "ok<TAB>DESC" or "FAIL<TAB>DESC: why" for each."""
import json
import os
import re
import sys

import numpy as np
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from views_ref import owner_map, owners  # noqa: E402
import deferred  # noqa: E402  (tests/mpi/deferred.py: the batch loop)


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


def explain_map(path, dist, p, *dims):
    got = open(path).read().rstrip("\n")
    want = owner_map(dist, tuple(int(x) for x in dims), int(p))
    return [] if got == want else ["map %r, the definition's %r" % (got, want)]


def is_json(path):
    json.loads(open(path).read())
    return []


def stripes(path, itemsize, most):
    m = re.search(r"stripes of up to (\d+) elements \((\d+) bytes\)", open(path).read())
    e, b = int(m.group(1)), int(m.group(2))
    return [] if b == int(itemsize) * e and 0 < e <= int(most) else ["%d elements, %d bytes" % (e, b)]


def h5chunks(path, dset, chunk, compression):
    import h5py
    d = h5py.File(path, "r")[dset]
    ok = d.chunks == (int(chunk),) and d.compression == compression
    return [] if ok else ["chunks %s, compression %s" % (d.chunks, d.compression)]


CHECKS = {"parts": lambda f, dt, dist, p, prefix: parts(f, dt, dist, int(p), prefix), "map": explain_map,
          "json": is_json, "stripes": stripes, "h5chunks": h5chunks}


if __name__ == "__main__":
    deferred.main(deferred.by_name(CHECKS), 1000)
