#!/usr/bin/python3
"""The numpy peer of bench/train.sh: the same minibatch SGD of logistic
regression (zero start, w <- w - lr (X_b^T (p - y) / b), bias likewise) over a
memory-mapped float32 dataset, one process (python3-mpi4py is not installed
here), vectorised per batch in float64. Its shuffle is numpy's permutation, not
pario's Feistel one (the same work per row). Prints samples and seconds of the
epochs' loop (start-up and loading do not count).
  train_peer.py X.bin y.bin ROWS COLS EPOCHS BATCH LR"""
import sys, time
import numpy as np

xp, yp, n, f, epochs, batch, lr = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7]), float(sys.argv[7])
X = np.memmap(xp, dtype=np.float32, mode="r", shape=(n, f))
y = np.memmap(yp, dtype=np.float32, mode="r", shape=(n,))
w, b = np.zeros(f), 0.0
rng = np.random.default_rng(0)
t0 = time.perf_counter()
for e in range(epochs):
    perm = np.sort(rng.permutation(n).reshape(-1, batch), axis=1) if n % batch == 0 else None
    for k in range(0, n, batch):
        idx = perm[k // batch] if perm is not None else np.sort(rng.permutation(n)[k:k + batch])
        Xb = X[idx].astype(np.float64)
        r = 1.0 / (1.0 + np.exp(-(Xb @ w + b))) - y[idx]
        w -= lr * (Xb.T @ r) / len(idx)
        b -= lr * r.sum() / len(idx)
print(n * epochs, time.perf_counter() - t0)
