#!/usr/bin/env python3
"""Adversarial text files for tests/mpi/text.sh, written into the current directory.

Independent of pario: the split points are computed here from the definition of a
balanced block split (the first size % P ranks take one byte more), and the files
put line ends, spaces and neutral bytes exactly at, and one byte either side of,
each rank's first byte for P = 2..5.
"""
import random

rng = random.Random(20261130)


def split_starts(size, p):
    base, rem = divmod(size, p)
    return [r * base + min(r, rem) for r in range(1, p)]


def words(n, alphabet="abcdefghij needle NEEDLE Needle 0123456789 ne nee neeedle dle"):
    return bytes(rng.choice(alphabet.encode()) for _ in range(n))


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)


# A line boundary ('\n' as the byte before a rank's range, i.e. the line starts at
# the split), one byte before and one after; the same with a space and with a
# neutral byte (wc words across ranks), for every rank count of the tests.
SIZE = 997
for p in range(2, 6):
    for delta in (-1, 0, 1):
        for kind, byte in (("nl", b"\n"), ("sp", b" "), ("ctl", b"\x01")):
            data = bytearray(words(SIZE).replace(b"\n", b"x"))
            # a few ordinary line ends elsewhere
            for pos in rng.sample(range(SIZE), 7):
                data[pos] = ord("\n")
            for s in split_starts(SIZE, p):
                data[s - 1 + delta] = byte[0]
            write("split%d_%s%+d.txt" % (p, kind, delta), bytes(data))

write("empty.txt", b"")
write("one_byte.txt", b"x")
write("one_newline.txt", b"\n")
write("newlines.txt", b"\n" * 13)
write("one_line.txt", b"needle in a single line that every rank but one skips " * 3 + b"\n")
write("one_line_nonl.txt", b"a single line without its newline, needle 42")
write("two_lines.txt", b"needle 1\nno match\n")
write("crlf.txt", b"".join(b"line %d needle %d\r\n" % (i, i * 7) if i % 3 else b"plain %d\r\n" % i
                           for i in range(60)))
write("no_final_newline.txt", b"first needle 1\nsecond\nthird needle 3")
write("empty_lines.txt", b"\n\nneedle 5\n\n\nx\n\n")
write("long_lines.txt", b"short\n" + b"needle 7 " + words(700) .replace(b"\n", b" ") + b"\nend needle 9\n"
      + words(300).replace(b"\n", b"") + b"\n")
write("nul.txt", b"a\x00b needle 1\n\x00\x00\nneedle\x00 22\n\x00")
write("utf8_invalid.txt", b"caf\xc3\xa9 needle 3\n\xff\xfe bad \x80\x81\n\xc3( needle 12\n\xed\xa0\x80\n")
write("spaces.txt", b"  \t\v\f\r lead and trail  \n\t\n words\tsep\x0barated\x0cby\rspace \n")
write("controls.txt", b"\x01\x02 a\x01b \x7f\x80 \x00x\x00 y\n\x01\n\x80word\x81 \x01")

# Random mixtures: every byte class, neutral bytes dense and sparse (so the AVX2
# word loop sees both whole clean 32-byte steps and steps with neutral bytes).
for seed, (density, n) in enumerate(((0.2, 3000), (0.01, 5000), (0.001, 9000), (0.0, 4000))):
    r = random.Random(seed)
    clean = b"abcXYZ059 needle ne+dle \n\t  !~"
    neutral = b"\x00\x01\x1f\x7f\x80\xc3\xff"
    out = bytearray()
    while len(out) < n:
        if r.random() < density:
            out.append(r.choice(neutral))
        else:
            out.append(r.choice(clean))
        if r.random() < 0.01:
            out += b"\r\n"
    write("mix%d.txt" % seed, bytes(out))

# a small log, with matches for the regex tests
lines = []
for i in range(400):
    status = rng.choice([200, 200, 200, 404, 500, 301])
    path = rng.choice(["/", "/index.html", "/api/users", "/api/items/%d" % i, "/needle", "/NEEDLE/x"])
    lines.append(b'10.0.%d.%d - - [30/Nov/2026:09:%02d:%02d] "GET %s HTTP/1.1" %d %d\n'
                 % (i % 7, i % 250, i % 60, (i * 7) % 60, path.encode(), status, 100 + i * 13))
write("log.txt", b"".join(lines))
