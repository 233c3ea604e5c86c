"""The deferred checks of tests/mpi/h5_read.sh, in one process (numpy and h5py
imported once, not once a check): `batch LIST`, each line DESC<TAB>CHECK then its
arguments, tab-separated:
  h5py-npy H5FILE DSET NPY [dtype]   NPY (numpy) holds the values h5py reads from
      H5FILE's DSET; with "dtype", of the same dtype too
  npy-arange NPY N DTYPE   NPY holds numpy's arange(N) of DTYPE
  intact H5FILE DSET OUT   OUT (pario-reduce's text) says 1000 elements and the sum,
      min and max of h5py's values
  json-is OUT KEY WANT int|float   OUT (JSON) has KEY equal to WANT read as that type
Prints "ok<TAB>DESC" or "FAIL<TAB>DESC: why" for each."""
import json

import h5py
import numpy as np

import deferred  # tests/mpi/deferred.py: the batch loop


def h5py_npy(h5file, dset, npy, dtype=None):
    x = h5py.File(h5file, "r")[dset][()]
    y = np.load(npy)
    if dtype == "dtype" and x.dtype != y.dtype:
        return "dtype %s, h5py's %s" % (y.dtype, x.dtype)
    if not np.array_equal(x, y):
        return "%s's values are not h5py's" % npy


def npy_arange(npy, n, dtype):
    if not np.array_equal(np.load(npy), np.arange(int(n), dtype=dtype)):
        return "not arange(%s, %s)" % (n, dtype)


def intact(h5file, dset, out):
    x = h5py.File(h5file, "r")[dset][()]
    r = dict(line.split(": ") for line in open(out).read().splitlines())
    got = (r["elements"], r["sum"], r["min"], r["max"])
    want = ("1000", str(x.sum()), str(x.min()), str(x.max()))
    if got != want:
        return "elements, sum, min, max %s; h5py's %s" % (got, want)


def json_is(out, key, want, kind):
    got = json.loads(open(out).read())[key]
    if got != {"int": int, "float": float}[kind](want):
        return "%s %r, expected %s" % (key, got, want)


CHECKS = {"h5py-npy": h5py_npy, "npy-arange": npy_arange, "intact": intact, "json-is": json_is}


if __name__ == "__main__":
    deferred.main(deferred.by_name(CHECKS), 600)
