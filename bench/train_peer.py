#!/usr/bin/python3
"""The numpy + mpi4py peer of bench/train.sh: the same data-parallel minibatch
SGD of logistic regression as pario-train, written the way a user of numpy and
mpi4py would write it, run by `mpiexec -n P python3 train_peer.py ...`:
- the rows shuffled in blocks of BLOCK consecutive rows (numpy's permutation of
  the blocks, the same on every rank from the same seed; pario's is a Feistel
  one: the same work), a global batch the next B rows of the shuffled blocks;
- every rank computes the gradient of its share of each global batch (the
  batch's runs inside one block, run s on rank s mod P, as pario-train splits
  it), in float64 from a memory-mapped float32 file, with each row's loss
  (pario-train reports the epoch's training loss too);
- the gradient sums (and the loss) are summed by one MPI Allreduce per step,
  and every rank applies w <- w - lr (G / b) (bias likewise) from zeros;
- after the epochs, the loss and accuracy of the final weights over every row
  (each rank a contiguous block of rows, summed by Allreduce), as pario-train.
Prints, from rank 0: samples trained, seconds of the training loop, final loss
and accuracy (bench/train.sh times the whole process as well).
  train_peer.py X.bin y.bin ROWS COLS EPOCHS BATCH LR [BLOCK]"""
import sys, time
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, P = comm.Get_rank(), comm.Get_size()
xp, yp, n, f, epochs, batch, lr = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7]), float(sys.argv[7])
block = int(sys.argv[8]) if len(sys.argv) > 8 else 64
X = np.memmap(xp, dtype=np.float32, mode="r", shape=(n, f))
y = np.memmap(yp, dtype=np.float32, mode="r", shape=(n,))
w = np.zeros(f + 1)   # weights, then the bias
rng = np.random.default_rng(0)
comm.Barrier()
t0 = time.perf_counter()
nb = (n + block - 1) // block
buf = np.empty(f + 2)  # gradient sums, bias sum, loss sum
tot = np.empty(f + 2)
for e in range(epochs):
    order = rng.permutation(nb)
    # the row sequence as (start, stop) runs, cut into batches of B rows
    runs = [(int(k) * block, min(n, (int(k) + 1) * block)) for k in order]
    cur, room = [], batch
    batches = []
    for s, t in runs:
        while s < t:
            take = min(t - s, room)
            cur.append((s, s + take))
            s, room = s + take, room - take
            if room == 0:
                batches.append(cur)
                cur, room = [], batch
    if cur:
        batches.append(cur)
    for bt in batches:
        size = sum(t - s for s, t in bt)
        mine = bt[rank::P]
        if mine:
            Xb = np.concatenate([X[s:t] for s, t in mine]).astype(np.float64)
            yb = np.concatenate([y[s:t] for s, t in mine]).astype(np.float64)
            z = Xb @ w[:f] + w[f]
            r = 1.0 / (1.0 + np.exp(-z)) - yb
            buf[:f] = Xb.T @ r
            buf[f] = r.sum()
            buf[f + 1] = (np.log1p(np.exp(-np.abs(z))) + np.maximum(z, 0.0) - yb * z).sum()
        else:
            buf[:] = 0.0
        comm.Allreduce(buf, tot, op=MPI.SUM)
        w -= lr * tot[:f + 1] / size
loop = time.perf_counter() - t0
# the final weights over every row: each rank a block, in pieces of 64 Ki rows
lo, hi = rank * n // P, (rank + 1) * n // P
acc = np.zeros(2)
for s in range(lo, hi, 65536):
    t = min(hi, s + 65536)
    z = X[s:t].astype(np.float64) @ w[:f] + w[f]
    yb = y[s:t].astype(np.float64)
    acc[0] += (np.log1p(np.exp(-np.abs(z))) + np.maximum(z, 0.0) - yb * z).sum()
    acc[1] += np.count_nonzero((z > 0) == (yb == 1.0))
comm.Allreduce(MPI.IN_PLACE, acc, op=MPI.SUM)
if rank == 0:
    print(n * epochs, loop, acc[0] / n, acc[1] / n)
