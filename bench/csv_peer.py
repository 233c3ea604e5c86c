#!/usr/bin/python3
"""The pandas + mpi4py peer of bench/csv.sh: the mean of one column of a CSV
file, each rank parsing the lines that start in its byte range (the same split
as pario's) with pandas.read_csv(usecols=[COL]), merged with mpi4py.
Usage: mpiexec -n 2 python3 csv_peer.py FILE COL"""
import io
import os
import sys

import pandas as pd
from mpi4py import MPI

path, col = sys.argv[1], int(sys.argv[2])
comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
fsize = os.path.getsize(path)
lo, hi = fsize * rank // size, fsize * (rank + 1) // size
with open(path, "rb") as f:
    start = 0
    if rank:
        f.seek(lo - 1)
        f.readline()
        start = f.tell()
    f.seek(max(hi - 1, 0))
    f.readline()
    end = f.tell() if rank < size - 1 else fsize
    f.seek(start)
    data = f.read(max(end - start, 0))
df = pd.read_csv(io.BytesIO(data), header=0 if rank == 0 else None, usecols=[col])
s = comm.allreduce(float(df.iloc[:, 0].sum()))
n = comm.allreduce(len(df))
if rank == 0:
    print("%.17g" % (s / n))
