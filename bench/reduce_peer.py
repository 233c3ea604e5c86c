#!/usr/bin/python3
"""The mpi4py + numpy peer of bench/reduce.sh: the same statistics as
pario-reduce --op sum,min,max,mean,std,hist (argmin/argmax included), each rank
reading its contiguous block in 64 MiB chunks with numpy, merged with mpi4py.
Usage: mpiexec -n 2 python3 reduce_peer.py FILE BINS LO HI"""
import sys
import numpy as np
from mpi4py import MPI

path, bins, lo, hi = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
n = np.memmap(path, dtype="<f8", mode="r").size
start = n * rank // size
stop = n * (rank + 1) // size
chunk = (64 << 20) // 8
s, cnt, mean, m2 = 0.0, 0, 0.0, 0.0
mn, mx, amn, amx = np.inf, -np.inf, -1, -1
hist = np.zeros(bins, np.int64)
with open(path, "rb") as f:
    for i in range(start, stop, chunk):
        m = min(chunk, stop - i)
        f.seek(i * 8)
        a = np.fromfile(f, dtype="<f8", count=m)
        cs = a.sum()
        s += cs
        cm = cs / m
        cm2 = ((a - cm) ** 2).sum()
        d = cm - mean
        tot = cnt + m
        mean += d * m / tot
        m2 += cm2 + d * d * cnt * m / tot
        cnt = tot
        k = int(a.argmin())
        if a[k] < mn:
            mn, amn = a[k], i + k
        k = int(a.argmax())
        if a[k] > mx:
            mx, amx = a[k], i + k
        hist += np.histogram(a, bins, (lo, hi))[0]
parts = comm.gather((s, cnt, mean, m2, mn, amn, mx, amx), root=0)
hist_all = np.zeros_like(hist)
comm.Reduce(hist, hist_all, op=MPI.SUM, root=0)
if rank == 0:
    s = sum(p[0] for p in parts)
    cnt, mean, m2 = 0, 0.0, 0.0
    for p in parts:
        d = p[2] - mean
        tot = cnt + p[1]
        mean += d * p[1] / tot
        m2 += p[3] + d * d * cnt * p[1] / tot
        cnt = tot
    mn, amn = min((p[4], p[5]) for p in parts)
    mx, amx = max((p[6], -p[7]) for p in parts)
    print({"sum": s, "min": mn, "argmin": amn, "max": mx, "argmax": -amx, "mean": s / cnt,
           "std": (m2 / cnt) ** 0.5, "hist": hist_all.tolist()[:3]})
