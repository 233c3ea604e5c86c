#!/bin/bash
# A failure on one rank stops the others (lib/notice.c, the text tools'
# lib/text_errors.c): where ranks read their own parts with no collective
# until one closing agreement, a rank that fails tells the others, which stop
# at their next chunk instead of reading their whole part first. Rank 1 sleeps
# 0.1 s after every 64 KiB chunk (PARIO_SLOW=1:+0.1): reading its whole part
# takes 10-40 s here. Another rank fails at its first (or a later) read
# (PARIO_FAULT): the run must end with that rank's error (exit 1; grep 2)
# within 6 s. The same runs without the fault give numpy's and wc's results
# (no notice may stop a run that did not fail).
TEST_TIMEOUT=${TEST_TIMEOUT_FAIL_FAST:-90}
. "$(dirname "$0")/lib.sh"

"$PYTHON3" - <<'EOF' || exit 99
import numpy as np, h5py
a = np.arange(800 * 8192, dtype=np.float64)   # 800 chunks of 64 KiB
a.tofile('a.bin')
open('a.bin.yaml', 'w').write('dtype: float64\nshape: [%d]\n' % a.size)
np.save('a.npy', a)
with h5py.File('c.h5', 'w') as f:
    f.create_dataset('x', data=a, chunks=(8192,))
with open('t.txt', 'w') as f:   # about 48 MiB of lines
    for i in range(0, 6000000, 1000):
        f.write(''.join('%07d\n' % j for j in range(i, i + 1000)))
EOF
cp t.txt u.txt || exit 99
SUM=$("$PYTHON3" -c "import numpy as np; print(int(np.load('a.npy').sum()))") || exit 99

# timed N CODE REGEX FAULT TOOL ARGS...: exit CODE, one stderr line matching
# REGEX, within 6 s, with rank 1 slowed and FAULT injected
timed() {
  local n=$1 code=$2 re=$3 fault=$4; shift 4
  local t0 t1 rc
  t0=$(date +%s%N)
  PARIO_SLOW=1:+0.1 PARIO_FAULT=$fault mpirun "$n" "$@" --chunk 64K >out.txt 2>err.txt; rc=$?
  t1=$(date +%s%N)
  local ms=$(( (t1 - t0) / 1000000 ))
  if [ "$rc" -ne "$code" ]; then
    fail "$fault $* (n=$n): exit $rc, expected $code: $(head -c 300 err.txt)"
  elif [ "$(grep -c . err.txt)" -ne 1 ] || ! grep -Eq -- "$re" err.txt; then
    fail "$fault $* (n=$n): stderr does not match /$re/ in one line: $(head -c 300 err.txt)"
  elif [ "$ms" -gt 6000 ]; then
    fail "$fault $* (n=$n): took $ms ms: the other ranks read on after rank's failure"
  else
    pass "$fault $* (n=$n): $ms ms"
  fi
}
IO='read: Input/output error'
# the dataset readers: mapped, MPI-IO (independent), .npy, chunked HDF5 (its
# own reads), a sieve of cyclic blocks; a failing rank first, middle, last
timed 2 1 "a.bin: $IO \(rank 0\)" read:rank=0 pario-reduce --op sum a.bin
timed 3 1 "a.bin: $IO \(rank 2\)" read:rank=2:after=2 pario-reduce --op sum --no-mmap --independent a.bin
timed 5 1 "a.npy: $IO \(rank 3\)" read:rank=3 pario-reduce --op sum,max a.npy
timed 4 1 "c.h5: $IO \(rank 0\)" read:rank=0,read:rank=3:after=1 pario-reduce --op sum c.h5:/x
timed 3 1 "a.bin: $IO \(rank 0\)" read:rank=0 pario-reduce --op sum --dist cyclic:1000 --strategy sieve a.bin
timed 2 1 "a.bin: $IO \(rank 0\)" read:rank=0 pario-count --value 5 a.bin
timed 3 1 "a.bin: $IO \(rank 2\)" read:rank=2 pario-scatter --out part a.bin
[ -z "$(ls part* 2>/dev/null)" ] && pass "scatter: no part left" || fail "scatter left $(ls part*)"
# the text tools, per file: the failed file stops, the others are read whole
timed 2 1 "t.txt: read failed: Input/output error \(rank 0\)" read:rank=0 pario-wc t.txt
timed 3 2 "t.txt: read failed: Input/output error \(rank 2\)" read:rank=2 pario-grep -c 99999 t.txt
timed 4 2 "t.txt: read failed: Input/output error \(rank 0\)" read:rank=0 pario-grep -n 99999 t.txt
# two files: the second fails on rank 0 at its 391st read (its part of t.txt
# is 367 chunks at 2 ranks); slowed rank 1 reads all of t.txt (5.5 s) and must
# then skip u.txt rather than read it too (5.5 s more), and count t.txt right
t0=$(date +%s%N)
PARIO_SLOW=1:+0.015 PARIO_FAULT=read:rank=0:after=390 mpirun 2 pario-wc -l --chunk 64K t.txt u.txt >out.txt 2>err.txt
rc=$? ms=$(( ($(date +%s%N) - t0) / 1000000 ))
want=$(wc -l <t.txt)
if [ "$rc" -eq 1 ] && grep -q "^ *$want t.txt$" out.txt && ! grep -q 'u.txt$' out.txt &&
   grep -q 'u.txt: read failed: Input/output error (rank 0)' err.txt && [ "$ms" -lt 8500 ]; then
  pass "wc: the second file's failure stops it alone ($ms ms)"
else
  fail "wc t.txt u.txt, u.txt failing on rank 0: rc=$rc $ms ms: $(cat out.txt err.txt | head -c 400)"
fi

# pario-grep's output of a file that failed on one rank is a prefix of the
# file's whole output, as GNU grep's is at a read error: the later ranks'
# lines came after a gap and, under -n, numbered from the failed rank's
# unfinished count (a hostile-user pass, session 27)
"$PYTHON3" -c "open('g.txt', 'w').write(''.join('line %d\\n' % i for i in range(100000)))" || exit 99
grep -n 'line [0-9]*000$' g.txt >g.n.ref && grep 'line [0-9]*000$' g.txt >g.ref || exit 99
for c in "2 0" "3 0" "3 1" "3 1:after=2" "5 0" "5 2" "5 3:after=1"; do
  set -- $c
  for opt in -n ""; do
    PARIO_FAULT=read:rank=$2 mpirun "$1" pario-grep $opt --chunk 16Ki 'line [0-9]*000$' g.txt >g.out 2>g.err
    rc=$? ref=g${opt:+.n}.ref
    if [ "$rc" -eq 2 ] && [ "$(grep -c . g.err)" -eq 1 ] && cmp -s g.out <(head -c "$(stat -c %s g.out)" "$ref") &&
       { [ ! -s g.out ] || [ "$(tail -c 1 g.out | od -An -c | tr -d ' ')" = '\n' ]; }; then
      pass "grep $opt at $1 ranks, rank $2 failing: $(grep -c . g.out) lines, a prefix of grep's"
    else
      fail "grep $opt at $1 ranks, rank $2 failing: rc=$rc, not a prefix of grep's output: $(head -c 200 g.out)"
    fi
  done
done

# -q's exit status says whether a line was selected, even in a file that
# fails (grep -q): a notice does not stop its ranks. Rank 0 holds the only
# match at 0.8 MB and sleeps 20 ms a chunk; rank 1 fails at once (the notice
# had stopped rank 0 before the match: exit 2; a hostile-user pass)
"$PYTHON3" -c "
l = ['abc %d\\n' % i for i in range(200000)]; l[80000] = 'NEEDLE here\\n'
open('q.txt', 'w').write(''.join(l))" || exit 99
PARIO_SLOW=0:+0.02 PARIO_FAULT=read:rank=1 mpirun 2 pario-grep --chunk 64K -q NEEDLE q.txt >q.out 2>q.err
rc=$?
check "grep -q: a line selected before another rank's failure: exit 0 (got $rc), the error said" \
  test $rc = 0 -a ! -s q.out -a "$(grep -c 'q.txt: read failed' q.err)" = 1

# no fault: every result whole (a notice posted and cancelled at each end)
for n in 2 5; do
  got=$(mpirun "$n" pario-reduce --op sum --chunk 64K a.bin | sed -n 's/^sum: //p')
  [ "$got" = "$SUM" ] && pass "sum n=$n" || fail "sum n=$n: $got, numpy $SUM"
  got=$(mpirun "$n" pario-reduce --op sum --chunk 64K c.h5:/x | sed -n 's/^sum: //p')
  [ "$got" = "$SUM" ] && pass "h5 sum n=$n" || fail "h5 sum n=$n: $got, numpy $SUM"
  got=$(mpirun "$n" pario-wc --chunk 64K t.txt u.txt | tr -s ' ')
  ref=$(wc t.txt u.txt | tr -s ' ')
  [ "$got" = "$ref" ] && pass "wc n=$n" || fail "wc n=$n: $got, wc: $ref"
  got=$(mpirun "$n" pario-grep -c --chunk 64K 99 t.txt u.txt)
  ref=$(grep -c 99 t.txt u.txt)
  [ "$got" = "$ref" ] && pass "grep n=$n" || fail "grep n=$n: $got, grep: $ref"
done
finish
