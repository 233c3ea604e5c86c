#!/usr/bin/python3
"""The numpy peer of bench/train.sh: the same minibatch SGD of logistic
regression as pario-train (zero start, w <- w - lr (X_b^T (p - y) / b), bias
likewise, the rows shuffled in blocks of BLOCK consecutive rows, a batch the
next B rows of the shuffled blocks) over a memory-mapped float32 dataset, one
process (python3-mpi4py is not installed here), vectorised per batch in
float64. Its block order is numpy's permutation, not pario's Feistel one (the
same work). Prints samples and seconds of the epochs' loop (start-up and
loading do not count; bench/train.sh also times the whole process).
  train_peer.py X.bin y.bin ROWS COLS EPOCHS BATCH LR [BLOCK]"""
import sys, time
import numpy as np

xp, yp, n, f, epochs, batch, lr = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7]), float(sys.argv[7])
block = int(sys.argv[8]) if len(sys.argv) > 8 else 64
X = np.memmap(xp, dtype=np.float32, mode="r", shape=(n, f))
y = np.memmap(yp, dtype=np.float32, mode="r", shape=(n,))
w, b = np.zeros(f), 0.0
rng = np.random.default_rng(0)
t0 = time.perf_counter()
nb = (n + block - 1) // block
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
        Xb = np.concatenate([X[s:t] for s, t in bt]).astype(np.float64)
        yb = np.concatenate([y[s:t] for s, t in bt])
        r = 1.0 / (1.0 + np.exp(-(Xb @ w + b))) - yb
        w -= lr * (Xb.T @ r) / len(yb)
        b -= lr * r.sum() / len(yb)
print(n * epochs, time.perf_counter() - t0)
