#!/bin/bash
# Memory flat in the number of ranks: with a 64 MiB chunk, every distribution runs
# at 8 ranks, and at 16 a strided and a subarray count and a convert, under the address-space limit (ulimit -v) that a 4-rank run fits
# in, though P x chunk (512 MiB at 8 ranks) is more than that limit: buffers follow
# what a rank holds per step, not P x chunk. Results are checked against numpy
# (tests/mpi/reference.py, tests/mpi/views_ref.py): counts per rank, scattered
# parts, and converted files. Small data: MPICH busy-polls with 16 ranks on 2 cores.
. "$(dirname "$0")/lib.sh"
REF=$PARIO_SRCDIR/tests/mpi
CHUNK=64Mi
LIMIT_KB=${MEMFLAT_LIMIT_KB:-460800}  # 450 MiB: a 4-rank run needs about 300

mpirun 1 pario-gen --dtype int32 --count 3001 --uniform -20:20 --seed 7 --out v.bin
mpirun 1 pario-gen --dtype float64 --shape 37,41 --uniform -20:20 --seed 8 --out m.bin
L1="--dtype int32 --shape 3001"
L2="--dtype float64 --shape 37,41"

# limited N TOOL ARGS...: run under the limit, PARIO_MEMSTATS on for --stats
limited() {
  (ulimit -v "$LIMIT_KB" && PARIO_MEMSTATS=1 mpirun "$@")
}

# sanitizer builds (ASan reserves terabytes of address space) cannot run under any
# ulimit -v: skip there, the test is about pario's buffers
if ! limited 1 pario-count --help >/dev/null 2>&1; then
  echo "memflat: skipped: even --help does not run under ulimit -v $LIMIT_KB (sanitizer build?)"
  exit 77
fi

# a 4-rank run fits, with its peak address space per rank for the log
peak=0
for d in cyclic tiles; do
  for cmd in "pario-count --value 3 --stats" "pario-convert --to-dist cols --stats"; do
    set -- $cmd
    tool=$1; shift
    args=("$@" --chunk "$CHUNK" --dist "$d" m.bin)
    [ "$tool" = pario-convert ] && args+=(o4.bin)
    if limited 4 "$tool" "${args[@]}" >out4.txt 2>err4.txt; then
      pass "4 ranks $tool $d fits"
      mib=$(sed -n 's/.*(VmPeak) \([0-9.]*\) MiB.*/\1/p' err4.txt)
      echo "4 ranks, $tool --dist $d: VmPeak $mib MiB per rank (limit $((LIMIT_KB / 1024)) MiB)"
    else
      fail "4 ranks $tool $d under ulimit -v $LIMIT_KB: $(head -c 300 err4.txt)"
    fi
  done
done

JOBS=$WORK/jobs
: >"$JOBS"
SEQ=0
count() { # N FILE LAYOUT DIST
  local n=$1 f=$2 layout=$3 d=$4 out=count.$SEQ.json
  SEQ=$((SEQ + 1))
  out=count.$SEQ.json
  if limited "$n" pario-count --value 3 --per-rank --format json --chunk "$CHUNK" --dist "$d" "$f" >"$out" 2>err.txt; then
    printf 'count n=%s %s %s\tcount %s %s --value 3 --ranks %s --dist %s --against %s\n' \
      "$n" "$d" "$f" "$f" "$layout" "$n" "$d" "$WORK/$out" >>"$JOBS"
  else
    fail "count n=$n --dist $d $f under the limit: $(head -c 300 err.txt)"
  fi
}

parts_ok() { # FILE NUMPY_DTYPE DIST P SHAPE...
  "$PYTHON3" - "$@" <<'PY'
import os, sys, numpy as np
sys.path.insert(0, os.environ["PARIO_SRCDIR"] + "/tests/mpi")
from views_ref import owners
f, dt, dist, p = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
shape = tuple(int(x) for x in sys.argv[5:])
data = np.fromfile(f, dtype=dt).reshape(shape)
own = owners(dist, shape, p)
for r in range(p):
    if not np.array_equal(np.fromfile("part.%d" % r, dtype=dt), data[own == r]):
        sys.exit("rank %d: part differs" % r)
PY
}

scatter() { # N FILE DTYPE DIST SHAPE...
  local n=$1 f=$2 dt=$3 d=$4; shift 4
  rm -f part.*
  if limited "$n" pario-scatter --chunk "$CHUNK" --dist "$d" --out part "$f" 2>err.txt; then
    check "scatter n=$n $d $f: parts = numpy" parts_ok "$f" "$dt" "$d" "$n" "$@"
  else
    fail "scatter n=$n --dist $d $f under the limit: $(head -c 300 err.txt)"
  fi
}

convert() { # N FROM TO
  local n=$1 from=$2 to=$3
  rm -f o.bin o.bin.yaml
  if limited "$n" pario-convert --chunk "$CHUNK" --dist "$from" --to-dist "$to" --dtype float32 m.bin o.bin 2>err.txt; then
    check "convert n=$n $from -> $to = numpy" "$PYTHON3" -c "
import numpy as np, sys
a = np.fromfile('m.bin', dtype='<f8').astype('<f4')
sys.exit(0 if np.array_equal(np.fromfile('o.bin', dtype='<f4'), a) else 1)"
  else
    fail "convert n=$n $from -> $to under the limit: $(head -c 300 err.txt)"
  fi
}

# every distribution at 8 ranks; at 16 (MPICH busy-polls on 2 cores: 2 s a
# run) one of each kind: cols (strided) and tiles (a subarray) counted, and
# cyclic read and cols written by the convert
for n in 8 16; do
  if [ $n = 8 ]; then V="block cyclic cyclic:3" M="rows cols tiles rows-cyclic:2 cyclic:5"; else V= M="cols tiles"; fi
  for d in $V; do count $n v.bin "$L1" $d; done
  for d in $M; do count $n m.bin "$L2" $d; done
  [ $n = 8 ] && scatter $n v.bin '<i4' cyclic 3001
  convert $n cyclic cols
  [ $n = 16 ] && continue # fewer runs at 16 ranks: MPICH busy-polls on 2 cores
  scatter $n m.bin '<f8' tiles 37 41
  scatter $n m.bin '<f8' cols 37 41
  convert $n tiles rows-cyclic:3
  convert $n block cyclic:2
done
# pario-wc and pario-grep over many files (--files0-from): a few words a file,
# not a 512-byte error message a file on every rank (20,000 files took 14 MB
# more than 10 files, 1.4 MB now; session 29)
"$PYTHON3" -c "
import os
os.makedirs('many', exist_ok=True)
names = [b'many/f%05d' % i for i in range(20000)]
for i, p in enumerate(names):
    with open(p, 'wb') as f: f.write(b'a b\\n' * (i % 3))
open('many.list', 'wb').write(b''.join(p + b'\\0' for p in names))
open('few.list', 'wb').write(b''.join(p + b'\\0' for p in names[:10]))
open('gone.list', 'wb').write(b''.join(b'many/gone%05d\\0' % i for i in range(20000)))" || exit 99
rss() { "$PYTHON3" -c "
import resource, subprocess, sys
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if rc in (0, 1, 2) else -1)" \
  timeout -k 5 "$TEST_TIMEOUT" "$MPIEXEC" -n 2 "$(pario_exe "$1")" "${@:2}"; }
for t in "pario-wc" "pario-grep -c zz"; do
  set -- $t
  few=$(rss "$@" --files0-from=few.list); many=$(rss "$@" --files0-from=many.list)
  check "$1: peak RSS $few KB for 10 files, $many KB for 20,000" test "$few" -gt 0 -a "$many" -gt 0 -a "$many" -lt $((few + 8000))
  # 20,000 files that are not there: an error message each, kept at its length
  # (a 520-byte status each on rank 0 took 11 MB more; session 29)
  gone=$(rss "$@" --files0-from=gone.list 2>/dev/null)
  check "$1: peak RSS $few KB for 10 files, $gone KB for 20,000 missing" test "$gone" -gt 0 -a "$gone" -lt $((few + 8000))
done
check "counts per rank = numpy ($(grep -c . "$JOBS") runs)" "$PYTHON3" "$REF/reference.py" batch "$JOBS"
finish
