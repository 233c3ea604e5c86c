#!/usr/bin/python3
"""The h5py + mpi4py + numpy peer of bench/formats.sh: sum, min, max, mean, std of
an HDF5 dataset, each rank reading its contiguous block in 64 MiB slices with h5py,
merged with mpi4py (Chan's parallel variance). Only serial h5py is installed (the
mpio driver would need python3-h5py-mpi, built on Open MPI): each rank opens the
file itself with the default driver, which is what the mpio driver does for
independent reads of a dataset anyway.
Usage: mpiexec -n 2 python3 formats_peer.py FILE DATASET"""
import sys
import h5py
import numpy as np
from mpi4py import MPI

path, name = sys.argv[1], sys.argv[2]
comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
with h5py.File(path, "r") as f:
    d = f[name]
    n = d.shape[0]
    start, stop = n * rank // size, n * (rank + 1) // size
    step = (64 << 20) // 8
    s, cnt, mean, m2, mn, mx = 0.0, 0, 0.0, 0.0, np.inf, -np.inf
    for i in range(start, stop, step):
        a = d[i:min(i + step, stop)].astype(np.float64)
        m = a.size
        cs = a.sum()
        cm = cs / m
        cm2 = ((a - cm) ** 2).sum()
        delta = cm - mean
        tot = cnt + m
        mean += delta * m / tot
        m2 += cm2 + delta * delta * cnt * m / tot
        cnt = tot
        s += cs
        mn, mx = min(mn, a.min()), max(mx, a.max())
parts = comm.gather((cnt, mean, m2, s, mn, mx), root=0)
if rank == 0:
    cnt, mean, m2, s, mn, mx = 0, 0.0, 0.0, 0.0, np.inf, -np.inf
    for c, me, q, ps, pmn, pmx in parts:
        if c == 0:
            continue
        delta = me - mean
        tot = cnt + c
        mean += delta * c / tot
        m2 += q + delta * delta * cnt * c / tot
        cnt = tot
        s += ps
        mn, mx = min(mn, pmn), max(mx, pmx)
    print("elements: %d\nsum: %r\nmin: %r\nmax: %r\nmean: %r\nstd: %r" % (cnt, s, mn, mx, mean, (m2 / cnt) ** 0.5))
