#!/usr/bin/python3
"""The peers of bench/pi.sh, timed in-process like pario-pi times its rounds.
  pi_peer.py numpy N    vectorised numpy darts in chunks of 2^20 (one core)
  pi_peer.py loop N     the tutorial's pure-Python loop
Prints: samples seconds estimate"""
import random, sys, time
import numpy as np


def numpy_darts(n):
    rng = np.random.default_rng(1)
    hits, left, chunk = 0, n, 1 << 20
    while left:
        m = min(chunk, left)
        x, y = rng.random(m), rng.random(m)
        hits += int(np.count_nonzero(x * x + y * y < 1.0))
        left -= m
    return hits


def loop_darts(n):
    random.seed(1)
    hits = 0
    for _ in range(n):
        x, y = random.random(), random.random()
        if x * x + y * y < 1.0:
            hits += 1
    return hits


if __name__ == "__main__":
    kind, n = sys.argv[1], int(float(sys.argv[2]))
    t = time.perf_counter()
    h = (numpy_darts if kind == "numpy" else loop_darts)(n)
    dt = time.perf_counter() - t
    print(n, dt, 4.0 * h / n)
