#!/usr/bin/env python3
"""Independent reference for tests/mpi/formats.sh: writes .npy and HDF5 inputs with
numpy and h5py (never with pario), and checks pario's JSON answers against numpy.

  formats_ref.py make                      write every input into the current directory
  formats_ref.py reduce FILE[:DSET] JSON   check pario-reduce --op sum,min,max,mean,std
  formats_ref.py count FILE[:DSET] V JSON  check pario-count --value V
  formats_ref.py bytes FILE[:DSET] RAW     RAW holds the array's elements in its byte order
  formats_ref.py batch LIST                each line of LIST: a description, a tab, then one
                                           of the checks above with tabs between its arguments
                                           (JSON given as @FILE); prints "ok DESC" or
                                           "FAIL DESC: why" for each (one Python start for all)
"""
import json
import math
import sys

import numpy as np

import deferred  # tests/mpi/deferred.py: the batch loop


def npy_v3(path, a):
    """A version 3.0 .npy (utf-8 header) written by hand after numpy's format."""
    hdr = "{'descr': %r, 'fortran_order': False, 'shape': %r, }" % (a.dtype.str, a.shape)
    pad = 64 - (12 + len(hdr) + 1) % 64
    hdr = hdr + " " * pad + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x03\x00" + len(hdr.encode()).to_bytes(4, "little") + hdr.encode("utf-8"))
        f.write(np.ascontiguousarray(a).tobytes())


def make():
    import h5py
    from numpy.lib import format as npf
    rng = np.random.default_rng(12)
    f8 = rng.normal(0, 100, 1009)
    i4 = rng.integers(-1000, 1000, (37, 23)).astype("<i4")
    np.save("v1.npy", f8)  # version 1.0
    with open("v2.npy", "wb") as f:
        npf.write_array(f, i4.astype(">i4"), version=(2, 0))
    npy_v3("v3.npy", rng.integers(0, 60000, 777).astype("<u2"))
    np.save("fortran.npy", np.asfortranarray(i4))
    np.save("fties.npy", np.asfortranarray(rng.integers(0, 3, (7, 5)).astype("<i2")))
    np.save("be.npy", f8.astype(">f4"))
    np.save("i1.npy", rng.integers(-128, 128, 501).astype("i1"))
    np.save("obj.npy", np.array([1, "a", None], dtype=object), allow_pickle=True)
    np.save("cplx.npy", np.arange(5) + 1j)
    np.save("rec.npy", np.zeros(4, dtype=[("a", "<i4"), ("b", "<f8")]))
    np.save("full.npy", f8)
    with open("full.npy", "rb") as f:
        data = f.read()
    with open("trunc.npy", "wb") as f:
        f.write(data[:-5])
    # raw equivalent of v1.npy
    f8.astype("<f8").tofile("raw.bin")
    with open("raw.bin.yaml", "w") as f:
        f.write("dtype: float64\nshape: [1009]\n")
    with h5py.File("data.h5", "w") as h:
        h.create_dataset("f8", data=f8)
        h.create_dataset("m", data=i4)
        h.create_dataset("/a/b/c/be", data=rng.integers(-30000, 30000, 1001).astype(">i2"))
        h.create_dataset("bef8", data=f8.astype(">f8"))
        h.create_dataset("u8", data=rng.integers(2**40, 2**41, 333, dtype="<u8"))
        h.create_dataset("empty", shape=(0,), dtype="<f4")
        h.create_dataset("chunked", data=f8, chunks=(100,))
        h.create_dataset("gz", data=f8, chunks=(64,), compression="gzip", shuffle=True)
        h.create_dataset("cmp", data=np.zeros(5, dtype=[("a", "<i4"), ("b", "<f8")]))
        h.create_dataset("s", data=np.array([b"ab", b"cd"]))
        h.create_dataset("three", data=np.zeros((2, 3, 4)))
        h.create_dataset("unwritten", shape=(10,), dtype="<i4")
        # chunked: chunk shapes that do not divide the shape, gzip+shuffle, big-endian, 2-D, nested, empty
        h.create_dataset("c2", data=i4, chunks=(5, 7))
        h.create_dataset("gz2", data=rng.normal(0, 1e3, (41, 19)).astype(">f8"), chunks=(6, 4),
                         compression="gzip", compression_opts=1, shuffle=True)
        h.create_dataset("/x/y/nested", data=rng.integers(0, 255, 999).astype("u1"), chunks=(77,),
                         compression="gzip")
        h.create_dataset("cempty", shape=(0,), maxshape=(None,), dtype="<f8", chunks=(16,))
        h.create_dataset("cbe", data=rng.integers(-2**40, 2**40, (13, 11)).astype(">i8"), chunks=(13, 2))
        h.create_dataset("lzf", data=f8, chunks=(100,), compression="lzf")  # h5py's own filter
        # compact: the data in the object header
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_layout(h5py.h5d.COMPACT)
        space = h5py.h5s.create_simple((6, 5))
        d = h5py.h5d.create(h.id, b"compact", h5py.h5t.STD_I32LE, space, dcpl=dcpl)
        d.write(h5py.h5s.ALL, h5py.h5s.ALL, np.arange(30, dtype="<i4").reshape(6, 5))
    try:  # a netCDF-4 file: each variable is an HDF5 dataset
        import netCDF4
        with netCDF4.Dataset("data.nc", "w", format="NETCDF4") as nc:
            nc.createDimension("time", 53)
            nc.createDimension("station", 7)
            v = nc.createVariable("temp", "f4", ("time", "station"), zlib=True, complevel=2, chunksizes=(10, 7))
            v[:] = rng.normal(10, 5, (53, 7)).astype("f4")
            w = nc.createVariable("count", "i4", ("time",), contiguous=True)
            w[:] = np.arange(53, dtype="i4")
    except ImportError:
        pass
    with open("data.h5", "rb") as f:
        data = bytearray(f.read())
    data[0:8] = b"\x89HDF\r\n\x1a\n"
    data[9:40] = b"\xff" * 31  # the superblock after the signature: garbage
    with open("corrupt.h5", "wb") as f:
        f.write(data)


def load(spec):
    if ":" in spec and spec.split(":", 1)[0].endswith((".h5", ".nc")):
        import h5py
        path, dset = spec.split(":", 1)
        with h5py.File(path, "r") as h:
            return h[dset][()]
    a = np.load(spec)
    return a


class Mismatch(Exception):
    pass


def fail(msg):
    raise Mismatch(msg)


def reduce(spec, js):
    got = json.loads(js)
    full = load(spec)
    a = full.ravel(order="K" if spec.endswith(".npy") else "C")
    n = a.size
    if got["elements"] != n:
        fail("%s: elements %s, numpy %d" % (spec, got["elements"], n))
    if n == 0:
        return
    # the first extreme's flat index in numpy's C order (of a Fortran-order
    # array too: pario gave its stored order's)
    for k in ("argmin", "argmax"):
        if got[k] != int(getattr(full, k)()):
            fail("%s: %s %r, numpy %r" % (spec, k, got[k], int(getattr(full, k)())))
    if a.dtype.kind == "f":
        x = a.astype(np.float64)
        want = {"sum": math.fsum(x), "min": float(x.min()), "max": float(x.max()),
                "mean": math.fsum(x) / n}
        m = want["mean"]
        want["std"] = math.sqrt(math.fsum((v - m) ** 2 for v in x) / n)
        for k, v in want.items():
            if not math.isclose(got[k], v, rel_tol=1e-12, abs_tol=1e-9):
                fail("%s: %s %r, numpy %r" % (spec, k, got[k], v))
    else:
        ints = [int(v) for v in a]
        want = {"sum": sum(ints), "min": min(ints), "max": max(ints)}
        for k, v in want.items():
            if got[k] != v:
                fail("%s: %s %r, numpy %r" % (spec, k, got[k], v))
        mean = sum(ints) / n
        if not math.isclose(got["mean"], mean, rel_tol=1e-12):
            fail("%s: mean %r, numpy %r" % (spec, got["mean"], mean))
        std = math.sqrt(sum((v - mean) ** 2 for v in ints) / n)
        if not math.isclose(got["std"], std, rel_tol=1e-9, abs_tol=1e-9):
            fail("%s: std %r, numpy %r" % (spec, got["std"], std))


def reduce_axis(spec, axis, js):
    """--axis AXIS: numpy's sum, min, max, argmin, argmax along that axis (integer data)."""
    got = json.loads(js)
    a = load(spec)
    axis = int(axis)
    if got["axis"] != axis:
        fail("%s: axis %r, asked %d" % (spec, got["axis"], axis))
    for k in ("sum", "min", "max", "argmin", "argmax"):
        want = [int(v) for v in getattr(a, k)(axis=axis)]
        if got[k] != want:
            fail("%s --axis %d: %s %r, numpy %r" % (spec, axis, k, got[k], want))


def count(spec, value, js):
    got = json.loads(js)
    a = load(spec)
    want = int(np.count_nonzero(a == a.dtype.type(value)))
    if got["count"] != want or got["elements"] != a.size:
        fail("%s: count %r of %r, numpy %d of %d" % (spec, got["count"], got["elements"], want, a.size))


def same_bytes(spec, raw, transpose=False):
    a = load(spec)  # numpy's array (pario-convert writes it in C order, also of a Fortran-order .npy)
    if transpose:
        a = a.T
    with open(raw, "rb") as f:
        data = f.read()
    if data != np.ascontiguousarray(a).tobytes():
        fail("%s: %s differs from numpy's bytes" % (spec, raw))


def same_array(spec, out):
    a, b = load(spec), load(out)
    if a.shape != b.shape or a.dtype != b.dtype or not np.array_equal(a, b):
        fail("%s: %s is not numpy's array (shape %s, %s)" % (spec, out, b.shape, a.shape))


def run(argv):
    cmd = argv[0]
    if cmd == "reduce":
        reduce(argv[1], argv[2])
    elif cmd == "axis":
        reduce_axis(argv[1], argv[2], argv[3])
    elif cmd == "count":
        count(argv[1], argv[2], argv[3])
    elif cmd == "bytes":
        same_bytes(argv[1], argv[2])
    elif cmd == "bytesT":
        same_bytes(argv[1], argv[2], True)
    elif cmd == "array":
        same_array(argv[1], argv[2])
    else:
        raise SystemExit("formats_ref: unknown check %r" % cmd)


def formats_check(fields):
    """A deferred check: run()'s command, an argument @FILE read from FILE; it
    raises when the answer is wrong"""
    run([open(a[1:]).read() if a.startswith("@") else a for a in fields])


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "make":
        make()
    elif cmd == "batch":
        deferred.main(formats_check, 600)
    elif cmd in ("reduce", "count", "bytes"):
        try:
            run(sys.argv[1:])
        except Mismatch as e:
            print("formats_ref: %s" % e, file=sys.stderr)
            sys.exit(1)
    else:
        raise SystemExit("formats_ref: unknown command " + cmd)
