"""Independent reference for pario's distributions, written from their definitions
(not from pario's code): who owns each element, and what each rank's part holds."""
import sys

import numpy as np


def split(n, p, r):
    """Balanced blocks: the first n % p parts have one more item."""
    base, rem = divmod(n, p)
    start = r * base + min(r, rem)
    return start, base + (1 if r < rem else 0)


def dims_create(p):
    """MPI_Dims_create(p, 2): the most square factorisation, larger first."""
    best = (p, 1)
    for b in range(1, int(p ** 0.5) + 1):
        if p % b == 0:
            best = (p // b, b)
    return best


def owners(dist, shape, p):
    """Owner rank of every element, as an array of the dataset's shape."""
    rows, cols = (shape[0], shape[1]) if len(shape) == 2 else (shape[0], 1)
    n = rows * cols
    name, _, arg = dist.partition(":")
    idx = np.arange(n)
    if name == "block":
        own = np.empty(n, dtype=int)
        for r in range(p):
            s, l = split(n, p, r)
            own[s:s + l] = r
    elif name == "cyclic":
        k = int(arg) if arg else 1
        own = (idx // k) % p
    elif name == "rows":
        own = np.empty(n, dtype=int)
        for r in range(p):
            s, l = split(rows, p, r)
            own[s * cols:(s + l) * cols] = r
    elif name == "rows-cyclic":
        k = int(arg) if arg else 1
        own = ((idx // cols) // k) % p
    elif name in ("cols", "tiles"):
        if name == "cols":
            gp, gq = 1, p
        elif arg:
            gp, gq = (int(x) for x in arg.split("x"))
        else:
            gp, gq = dims_create(p)
        own2 = np.empty((rows, cols), dtype=int)
        for a in range(gp):
            r0, h = split(rows, gp, a)
            for b in range(gq):
                c0, w = split(cols, gq, b)
                own2[r0:r0 + h, c0:c0 + w] = a * gq + b
        own = own2.reshape(-1)
    else:
        raise SystemExit("unknown distribution " + dist)
    return own.reshape(shape)


def owner_map(dist, shape, p):
    """The --explain map: one character per element, one line per row."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    own = owners(dist, shape, p).reshape(shape[0], -1) if len(shape) == 2 else owners(dist, shape, p).reshape(1, -1)
    return "\n".join("".join(digits[x] for x in row) for row in own)


if __name__ == "__main__":
    # views_ref.py map DIST P N  or  DIST P ROWS COLS
    cmd, dist, p = sys.argv[1], sys.argv[2], int(sys.argv[3])
    shape = tuple(int(x) for x in sys.argv[4:])
    if cmd == "map":
        print(owner_map(dist, shape, p))
