"""Independent references for the example tests: what each lesson must print or
write, computed here from the lesson's definition (not from its output).

  reference.py count N MAX FIND SEED P     expected stdout of examples/count
  reference.py mc_pi SAMPLES SEED           expected stdout of examples/mc_pi
  reference.py pi_check N OUTFILE           check pi_manager's pi line against the midpoint rule
  reference.py io_contig FILE N P           check the file io_contig wrote (exit 1 if wrong)
  reference.py io_vector FILE P B K         check the file io_vector wrote, print the expected rounds
"""
import math
import sys

import numpy as np

M64 = (1 << 64) - 1


# splitmix64 as documented in include/pario/rng.h, in Python integers.
def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def rng_key(seed, stream):
    return mix64(seed ^ mix64((stream + 0x632BE59BD9B4E019) & M64))


def rng_at(key, index):
    return mix64((key + (index + 1) * 0x9E3779B97F4A7C15) & M64)


def unit(bits):
    return (bits >> 11) * 2.0**-53


def block(n, p, r):
    base, extra = divmod(n, p)
    return r * base + min(r, extra), base + (1 if r < extra else 0)


def count(n, mx, find, seed, p):
    key = rng_key(seed, 0)
    hits = [rng_at(key, i) % mx == find for i in range(n)]
    print(f"N={n} MAX={mx} FIND={find} SEED={seed} on {p} ranks")
    for r in range(p):
        first, m = block(n, p, r)
        print(f"rank {r}: {m} numbers from index {first}, {sum(hits[first:first + m])} equal {find}")
    print(f"total: {sum(hits)} of {n} numbers equal {find}")


def mc_pi(s, seed):
    key = rng_key(seed, 0)
    inside = 0
    for i in range(s):
        x, y = unit(rng_at(key, 2 * i)), unit(rng_at(key, 2 * i + 1))
        inside += x * x + y * y < 1.0
    pi = 4.0 * inside / s
    print(f"samples {s}, inside {inside}, pi ~ {pi:.6f} (error {abs(pi - math.pi):.6f})")


def pi_check(n, outfile):
    h = 1.0 / n
    ref = math.fsum(4.0 / (1.0 + (h * (i + 0.5)) ** 2) for i in range(n)) * h
    lines = [l for l in open(outfile) if l.startswith("pi is approximately")]
    if len(lines) != 1:
        sys.exit(f"expected one 'pi is approximately' line, got {len(lines)}")
    words = lines[0].replace(",", "").split()
    got, err = float(words[3]), float(words[6])
    if f"(N = {n})" not in lines[0]:
        sys.exit(f"line does not name N = {n}: {lines[0]!r}")
    # The workers' partial sums may be added in another order: allow rounding.
    if abs(got - ref) > 1e-13:
        sys.exit(f"pi {got!r} differs from the midpoint rule {ref!r} for N = {n}")
    if abs(err - abs(got - math.pi)) > 1e-15:
        sys.exit(f"error {err!r} is not |{got!r} - pi|")
    # And the rule itself: for N >= 10 its error is close to 1/(12 N^2).
    if n >= 10 and abs((ref - math.pi) * 12 * n * n - 1) > 0.01:
        sys.exit(f"midpoint reference {ref!r} has an unexpected error for N = {n}")


def io_contig(path, n, p):
    data = np.fromfile(path, dtype="<i4")
    want = np.empty(n, dtype="<i4")
    for r in range(p):
        first, m = block(n, p, r)
        want[first:first + m] = 100 * np.arange(first, first + m) + r
    if data.shape != want.shape or not (data == want).all():
        sys.exit(f"{path}: got {data.tolist()}, want {want.tolist()}")


def io_vector(path, p, b, k):
    data = np.fromfile(path, dtype="<i4")
    # Round j holds block j of every rank in rank order; rank r's block j holds
    # its local elements j*K .. j*K+K-1, valued 1000*r + local index.
    want = np.array([[1000 * r + j * k + i for r in range(p) for i in range(k)] for j in range(b)],
                    dtype="<i4")
    if data.size != want.size or not (data.reshape(b, p * k) == want).all():
        sys.exit(f"{path}: got {data.tolist()}, want {want.ravel().tolist()}")
    for j in range(b):
        print(f"round {j}: " + " ".join(str(v) for v in want[j]))


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "count":
        count(*map(int, args))
    elif cmd == "mc_pi":
        mc_pi(*map(int, args))
    elif cmd == "pi_check":
        pi_check(int(args[0]), args[1])
    elif cmd == "io_contig":
        io_contig(args[0], int(args[1]), int(args[2]))
    elif cmd == "io_vector":
        io_vector(args[0], *map(int, args[1:]))
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv)
