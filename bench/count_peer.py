"""The mpi4py + numpy peer of pario-count: each rank reads its block of an int32 file
in 4 MiB chunks with collective reads and counts one value; rank 0 prints the total.
Run: mpiexec.openmpi --allow-run-as-root --oversubscribe -n 2 /usr/bin/python3 count_peer.py FILE VALUE"""
import os
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
path, value = sys.argv[1], int(sys.argv[2])
n = os.path.getsize(path) // 4
base, rem = divmod(n, size)
start = rank * base + min(rank, rem)
mine = base + (1 if rank < rem else 0)
chunk = (4 << 20) // 4
steps = comm.allreduce((mine + chunk - 1) // chunk, op=MPI.MAX)
buf = np.empty(chunk, dtype="<i4")
fh = MPI.File.Open(comm, path, MPI.MODE_RDONLY)
count = 0
for s in range(steps):
    lo = min(s * chunk, mine)
    k = min(chunk, mine - lo)
    fh.Read_at_all((start + lo) * 4, [buf, k, MPI.INT32_T])
    count += int(np.count_nonzero(buf[:k] == value))
fh.Close()
total = comm.reduce(count, op=MPI.SUM, root=0)
if rank == 0:
    print(total)
