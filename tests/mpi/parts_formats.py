"""Independent reference for pario-scatter --part-format npy|h5: inputs written by
numpy and h5py, and each rank's share computed from the distribution's definition
(views_ref.owners), never from pario's output."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import views_ref  # noqa: E402


def make():
    import h5py
    import yaml
    a = np.arange(1001, dtype=">i4") * 7 - 3000          # raw, big-endian, 1-D
    a.tofile("d1.bin")
    with open("d1.bin.yaml", "w") as f:
        yaml.safe_dump({"dtype": "int32", "shape": [1001], "byte_order": "big"}, f)
    rng = np.random.default_rng(12)
    np.save("d2.npy", rng.normal(size=(13, 7)))            # .npy, 2-D float64
    np.save("d3.npy", np.arange(7, dtype="<u2"))           # tiny: some ranks get nothing
    with h5py.File("d4.h5", "w") as h:                     # chunked, gzip+shuffle, big-endian
        h.create_dataset("g/x", data=rng.integers(-99, 99, size=(11, 5)).astype(">i8"),
                         chunks=(4, 3), compression="gzip", shuffle=True)
    # 1-byte dtypes marked big-endian: byte order does not apply (numpy: '|u1', '|i1')
    np.arange(250, dtype="u1").tofile("u8be.bin")
    with open("u8be.bin.yaml", "w") as f:
        yaml.safe_dump({"dtype": "uint8", "shape": [250], "byte_order": "big"}, f)
    rng.integers(-128, 128, size=(13, 7)).astype("i1").tofile("i8be.bin")
    with open("i8be.bin.yaml", "w") as f:
        yaml.safe_dump({"dtype": "int8", "shape": [13, 7], "byte_order": "big"}, f)
    a[:5].tofile("hdr.bin")                                # a raw file with a header
    with open("hdr.bin.yaml", "w") as f:
        yaml.safe_dump({"dtype": "int32", "shape": [3], "byte_order": "big", "offset": 8}, f)


def load(arg):
    """The whole input, in its stored dtype (byte order included)."""
    if arg.endswith(".bin"):
        import yaml
        d = yaml.safe_load(open(arg + ".yaml"))
        dt = np.dtype(d["dtype"]).newbyteorder(">" if d.get("byte_order") == "big" else "<")
        return np.fromfile(arg, dt, offset=d.get("offset", 0)).reshape(d["shape"])
    if arg.endswith(".npy"):
        return np.load(arg)
    import h5py
    f, _, dset = arg.partition(":")
    with h5py.File(f, "r") as h:
        return h[dset][()]


def check(prefix, fmt, arg, dist, p):
    """Every part equals numpy's share of the input for its rank, as a file numpy
    or h5py opens directly (raw: with its descriptor), with the right dtype, shape
    and place in the whole."""
    import yaml
    data = load(arg)
    own = views_ref.owners(dist, data.shape, p)
    name = dist.split(":")[0]
    bad = 0
    for r in range(p):
        want = data[own == r]
        if fmt == "raw":
            d = yaml.safe_load(open("%s.%d.yaml" % (prefix, r)))
            dt = np.dtype(d["dtype"]).newbyteorder(">" if d.get("byte_order") == "big" else "<")
            part = np.fromfile("%s.%d" % (prefix, r), dt, offset=d.get("offset", 0)).reshape(d["shape"])
            place = d["part"]
            rank, ranks, shape = place["rank"], place["ranks"], place["of"]
        elif fmt == "npy":
            part = np.load("%s.%d.npy" % (prefix, r))
            place = yaml.safe_load(open("%s.%d.npy.yaml" % (prefix, r)))["part"]
            rank, ranks, shape = place["rank"], place["ranks"], place["of"]
        else:
            import h5py
            with h5py.File("%s.%d.h5" % (prefix, r), "r") as h:
                d = h["data"]
                part = d[()]
                rank, ranks = int(d.attrs["pario_rank"]), int(d.attrs["pario_nranks"])
                shape = [int(x) for x in d.attrs["pario_shape"]]
                if d.attrs["pario_dtype"].decode() != data.dtype.name:
                    print("rank %d: pario_dtype %s" % (r, d.attrs["pario_dtype"])); bad += 1
                if not d.attrs["pario_distribution"].decode().startswith(name):
                    print("rank %d: pario_distribution %s" % (r, d.attrs["pario_distribution"])); bad += 1
        if part.dtype != data.dtype:
            print("rank %d: dtype %s, expected %s" % (r, part.dtype, data.dtype)); bad += 1
        if name in ("tiles", "cols", "rows", "rows-cyclic") and data.ndim == 2:
            rows, cols = np.nonzero(own == r)
            eshape = (len(set(rows)), len(set(cols))) if want.size else part.shape
        else:
            eshape = (want.size,)
        if part.shape != eshape or not np.array_equal(part.reshape(-1), want):
            print("rank %d: part %s %s differs from numpy's share %s" % (r, part.shape, part.dtype, eshape)); bad += 1
        if (rank, ranks, list(shape)) != (r, p, list(data.shape)):
            print("rank %d: place %s" % (r, (rank, ranks, shape))); bad += 1
    return bad == 0


def same(a, b):
    """pario-gather's HDF5 or .npy output holds the input's values and dtype."""
    x, y = load(a), load(b)
    return x.dtype == y.dtype and x.shape == y.shape and np.array_equal(x, y)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "make":
        make()
    elif cmd == "check":
        sys.exit(0 if check(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])) else 1)
    elif cmd == "same":
        sys.exit(0 if same(sys.argv[2], sys.argv[3]) else 1)
    elif cmd == "raw":  # the input's stored bytes, as numpy has them
        load(sys.argv[2]).tofile(sys.argv[3])
