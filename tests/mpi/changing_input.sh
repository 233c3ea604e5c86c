#!/bin/sh
# An input that changes while a run reads it must fail the run with one line
# naming the file (exit 1), never give a result: a file cut inside a page (its
# last mapped page reads as zeros past the new end, with no SIGBUS), a file
# rewritten in place (the same size, other bytes), a read that ends inside an
# element (--no-mmap). Rank 0 is slowed (PARIO_SLOW) so that the change lands
# mid-run; a change that lands before the open fails at the open, also with one
# line. Found by a hostile-user pass (session 11): the first two gave a wrong
# result with exit 0, the third printed MPI_UNDEFINED (-32766) as a count.
. "${PARIO_SRCDIR:-$(dirname "$0")/../..}/tests/mpi/lib.sh"

$PYTHON3 -c "
import numpy as np
r = np.random.default_rng(5)
r.standard_normal(2097152).tofile('orig.bin')
(r.standard_normal(2097152) + 5).tofile('other.bin')" || exit 99
printf 'dtype: float64\nshape: [2097152]\n' > f.bin.yaml
HALF_CUT=8388508 # rank 0's half is bytes [0, 8 MiB), 8 chunks: cut 100 bytes short of it, inside a page and an element

# cut_during N AT SIZE CODE REGEX TOOL ARGS...: f.bin fresh, cut to SIZE AT seconds into the run
cut_during() {
  n=$1 at=$2 size=$3 code=$4 re=$5; shift 5
  cp orig.bin f.bin
  (sleep "$at"; truncate -s "$size" f.bin) &
  PARIO_SLOW=0:5000 expect_error "$n" "$code" "$re" "$@"
  wait
}
# rewrite_during N AT CODE REGEX TOOL ARGS...: f.bin fresh, overwritten in place with other.bin's bytes
rewrite_during() {
  n=$1 at=$2 code=$3 re=$4; shift 4
  cp orig.bin f.bin
  (sleep "$at"; dd if=other.bin of=f.bin conv=notrunc status=none) &
  PARIO_SLOW=${RW_SLOW:-0:5000} expect_error "$n" "$code" "$re" "$@"
  wait
}
# rewrite_when_read N CODE REGEX TOOL ARGS...: the same once rank 0 has read
# some of f.bin (its --progress shows bytes: the file was open by then; a fixed
# second was too short for 3 ranks on a loaded machine). The static schedule
# only: under the dynamic one the other rank may read it all first.
rewrite_when_read() {
  n=$1 code=$2 re=$3; shift 3
  tool=$1; shift
  cp orig.bin f.bin
  PARIO_SLOW=0:5000 PARIO_PROGRESS_INTERVAL=0.05 timeout -k 5 "$TEST_TIMEOUT" "$MPIEXEC" -n "$n" \
    "$(pario_exe "$tool")" --progress "$@" > rw.out 2> rw.err &
  pid=$!
  for _ in $(seq 600); do tr '\r' '\n' < rw.err | grep -q 'rank 0: [1-9]' && break; sleep 0.05; done
  dd if=other.bin of=f.bin conv=notrunc status=none
  wait $pid; rc=$?
  check "$tool $* (n=$n), rewritten while read: exit $code ($rc)" test "$rc" = "$code"
  check "$tool $* (n=$n), rewritten while read: one error line /$re/" sh -c \
    "test \$(tr '\\r' '\\n' < rw.err | grep -c ': error: ') = 1 && tr '\\r' '\\n' < rw.err | grep -Eq \"$re\""
}

# the static path, from its memory map
cut_during 2 1 $HALF_CUT 1 "pario-reduce: error: f.bin: .*(shrank|shorter)" \
  pario-reduce --op sum,mean --chunk 1Mi f.bin
cut_during 2 1 $HALF_CUT 1 "pario-count: error: f.bin: .*(shrank|shorter)" \
  pario-count --value 0 --chunk 1Mi f.bin
rewrite_when_read 2 1 "pario-reduce: error: f.bin: .*(changed|shrank)" \
  pario-reduce --op sum,mean --chunk 1Mi f.bin
# tasks from the map
# (one rank, slowed 2000 times: with two, the fast one could take every task
# before the slowed one took any, and close the file before the rewrite)
RW_SLOW=0:2000 rewrite_during 1 1 1 "pario-reduce: error: f.bin: .*(changed|shrank)" \
  pario-reduce --op sum,mean --chunk 1Mi --schedule dynamic f.bin
# MPI-IO: a read that ends inside an element names whole elements
cut_during 2 1 $HALF_CUT 1 "pario-reduce: error: f.bin: (short read: [0-9]+ of [0-9]+ elements|.*shorter)" \
  pario-reduce --op sum,mean --chunk 1Mi --no-mmap f.bin

# MPI-IO (--no-mmap) and the tasks read by it: a rewrite in place is told by
# the file's time at the end (session 12; before, the result mixed the two files)
rewrite_when_read 2 1 "pario-reduce: error: f.bin: .*changed" \
  pario-reduce --op sum,mean --chunk 1Mi --no-mmap f.bin
RW_SLOW=0:2000 rewrite_during 1 1 1 "pario-reduce: error: f.bin: .*changed" \
  pario-reduce --op sum,mean --chunk 1Mi --no-mmap --schedule dynamic f.bin
rewrite_when_read 3 1 "pario-count: error: f.bin: .*changed" \
  pario-count --value 0 --chunk 1Mi --no-mmap --dist cyclic:1000 f.bin

# pario-train, from its maps and by MPI-IO: each epoch's end compares the
# file with its state at the open (before, only a file that shrank failed)
printf 'dtype: float64\nshape: [16384, 8]\n' > t.bin.yaml
train_rewrite() {
  head -c 1048576 orig.bin > t.bin
  rm -f tl.h5 tl.h5.tmp.*
  # --allreduce mpi: no work stealing, so slowed rank 0 sums its whole share
  # (in shared memory rank 1 took its segments, and the first epoch ended,
  # publishing the log, before the rewrite)
  PARIO_SLOW=0:2000 timeout -k 5 "$TEST_TIMEOUT" "$MPIEXEC" -n 2 "$(pario_exe pario-train)" --model linear \
    --label-column 7 --epochs 12 --batch 16384 --lr 0.01 --log tl.h5 --allreduce mpi "$@" t.bin > tr.out 2> tr.err &
  pid=$!
  # the log's temporary file appears after the inputs were opened: then rewrite
  for _ in $(seq 300); do ls tl.h5.tmp.* >/dev/null 2>&1 && break; sleep 0.1; done
  head -c 1048576 other.bin | dd of=t.bin conv=notrunc status=none
  wait $pid; rc=$?
  check "pario-train $*: t.bin rewritten mid-run: exit 1 ($rc)" test "$rc" = 1
  check "pario-train $*: one line naming t.bin" sh -c \
    "test \$(wc -l < tr.err) = 1 && grep -q '^pario-train: error: t.bin: the file changed while it was being read' tr.err"
  check "pario-train $*: no log left" sh -c '! ls tl.h5 tl.h5.tmp.* 2>/dev/null | grep -q .'
}
train_rewrite
train_rewrite --no-mmap

# unchanged, the same runs give numpy's exact sum
cp orig.bin f.bin
check "unchanged: the sum is math.fsum's" sh -c "
  s=\$(timeout -k 5 $TEST_TIMEOUT $MPIEXEC -n 2 $(pario_exe pario-reduce) --op sum --chunk 1Mi f.bin | sed -n 's/^sum: //p')
  $PYTHON3 -c \"import math, numpy as np; assert float('\$s') == math.fsum(np.fromfile('orig.bin')), '\$s'\""

finish
