#!/usr/bin/env python3
"""Writes the .npy and HDF5 samples with numpy and h5py (not with pario), in this
directory: python3 make_formats.py. The values depend only on the seeds."""
import h5py
import numpy as np

rng = np.random.default_rng(11)
# 2-D float32, 61 x 43, little-endian, C order, version 1.0
np.save("grid-float32.npy", rng.normal(15.0, 4.0, (61, 43)).astype("<f4"))
with h5py.File("measurements.h5", "w") as f:
    # contiguous (h5py's default without chunks=), big-endian int32, in a nested group
    f.create_dataset("/station/a/counts", data=rng.integers(0, 100, 2003).astype(">i4"), track_times=False)
    # contiguous 2-D float64
    f.create_dataset("/station/a/temperature", data=rng.normal(10.0, 3.0, (97, 24)), track_times=False)
    f["/station/a/temperature"].attrs["units"] = "degC"
