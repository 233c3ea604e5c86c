#!/usr/bin/env python3
"""Independent reference for tests/mpi/formats_write.sh: makes inputs with numpy and
h5py (never with pario) and reads back what pario wrote with numpy, h5py and h5dump.

  formats_write.py make                         inputs: in.npy, in.h5 (several datasets), other.h5
  formats_write.py same OUT[:DSET] REF[:DSET] [T] [transpose]
                                                OUT holds REF's values (as dtype T, transposed)
  formats_write.py seq OUT[:DSET] T N|R,C [big] OUT holds arange in dtype T, shape, byte order
  formats_write.py attrs FILE:DSET TOOL DIST    the attributes pario records
  formats_write.py h5dump FILE DSET REF[:DSET]  h5dump's text of DSET has REF's values
  formats_write.py other                        other.h5's datasets as h5py wrote them
"""
import subprocess
import sys

import numpy as np


def load(spec):
    import h5py
    if ":" in spec:
        f, d = spec.split(":", 1)
        with h5py.File(f, "r") as h:
            ds = h[d]
            assert ds.id.get_create_plist().get_layout() in (h5py.h5d.CONTIGUOUS, h5py.h5d.CHUNKED)
            return ds[()], ds.dtype
    if spec.endswith(".npy"):
        a = np.load(spec)
        return a, a.dtype
    raise SystemExit("load: " + spec)


def rng_inputs():
    rng = np.random.default_rng(7)
    return {
        "f8": rng.normal(0, 1e3, 1013),
        "m": rng.integers(-30000, 30000, (29, 17)).astype(">i2"),
        "u": rng.integers(0, 2**32, 555, dtype=np.uint64).astype("<u4"),
    }


def make():
    import h5py
    ins = rng_inputs()
    np.save("in.npy", ins["m"])
    with h5py.File("in.h5", "w") as h:
        h["f8"] = ins["f8"]
        h.create_group("a/b")["m"] = ins["m"]
        h["u"] = ins["u"]
        h.create_dataset("empty", shape=(0,), dtype="<f4")
    with h5py.File("other.h5", "w") as h:
        h["keep"] = np.arange(10.0)
        h["keep"].attrs["unit"] = "m"
        h.create_group("grp")["z"] = np.arange(6, dtype="i1").reshape(2, 3)


def same(out, ref, t=None, transpose=False):
    a, at = load(out)
    b, _ = load(ref)
    if transpose:
        b = b.T
    if t:
        b = b.astype(t)
        assert at == np.dtype(t).newbyteorder(at.byteorder) or at.base == np.dtype(t).base, (at, t)
    assert a.shape == b.shape, (a.shape, b.shape)
    assert np.array_equal(a, b), (out, ref)


def seq(out, t, shape, big=None):
    a, at = load(out)
    dims = tuple(int(x) for x in shape.split(","))
    want = np.arange(int(np.prod(dims)), dtype=np.uint64).astype(t).reshape(dims)
    assert a.shape == dims, (a.shape, dims)
    assert at.base.kind == np.dtype(t).kind and at.itemsize == np.dtype(t).itemsize, (at, t)
    if big is not None and at.itemsize > 1:
        assert at.byteorder == (">" if big == "big" else "<") or (big != "big" and at.byteorder == "="), at
    assert np.array_equal(a, want)


def attrs(spec, tool, dist):
    import h5py
    f, d = spec.split(":", 1)
    with h5py.File(f, "r") as h:
        at = {k: (v.decode() if isinstance(v, bytes) else str(v)) for k, v in h[d].attrs.items()}
    assert at["pario_tool"] == tool and at["pario_distribution"] == dist, at
    assert at["pario_version"] and "pario_source" in at, at


def h5dump(f, d, ref):
    text = subprocess.run(["h5dump", "-d", d, "-y", "-w", "0", "-m", "%.17g", f], check=True,
                          capture_output=True, text=True).stdout
    start = text.index("DATA {") + 6
    body = text[start:text.index("}", start)]
    vals = np.array([float(x) for x in body.replace(",", " ").split()])
    b, _ = load(ref)
    assert np.array_equal(vals, b.ravel().astype(np.float64)), (vals[:5], b.ravel()[:5])


def other():
    import h5py
    with h5py.File("other.h5", "r") as h:
        assert np.array_equal(h["keep"][()], np.arange(10.0)) and h["keep"].attrs["unit"] == "m"
        assert np.array_equal(h["grp/z"][()], np.arange(6, dtype="i1").reshape(2, 3))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "make":
        make()
    elif cmd == "same":
        same(args[0], args[1], args[2] if len(args) > 2 and args[2] != "-" else None, "transpose" in args[3:])
    elif cmd == "seq":
        seq(*args)
    elif cmd == "attrs":
        attrs(*args)
    elif cmd == "h5dump":
        h5dump(*args)
    elif cmd == "other":
        other()
    else:
        raise SystemExit("unknown command " + cmd)
