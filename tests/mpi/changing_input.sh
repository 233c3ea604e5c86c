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
HALF_CUT=8388508 # rank 0's half is bytes [0, 8 MiB): 100 bytes short of its end

# The change is made on an event, not after a fixed time (a fixed second raced
# with the start of a loaded machine): once rank 0's --progress shows bytes done
# (the static schedule), or once a rank holds f.bin open (the dynamic schedule,
# which shows no progress). Rank 0 then sleeps PAUSE seconds after each piece of
# work (PARIO_SLOW=0:+SECONDS: the same on a machine with 4x faster reads as on
# a slow one, where a factor gave 2 to 8 s), so the change lands with pieces
# still to do: 1 MiB chunks, rank 0 has 8 (7 to go, 1.75 s, once it shows
# progress; 5 of 6 with 3 ranks) or, alone under the dynamic schedule, 16 (a
# shorter PAUSE).
PAUSE=0.25
# change_during N WHEN CODE REGEX CHANGE TOOL ARGS...: f.bin fresh, CHANGE (a
# command on f.bin) run once WHEN holds of the run: read (rank 0's progress
# shows bytes: the file was open, the run is mid-way) or open (a rank of the run
# holds f.bin open in two polls in a row: the dataset's open closes it at once;
# the reading's descriptor stays open from its stamp to its check). The run must
# exit CODE with one line besides its progress, matching REGEX.
change_during() {
  local n=$1 when=$2 code=$3 re=$4 change=$5 tool=$6; shift 6
  local progress= seen=0 fired=no rc
  [ "$when" = read ] && progress=--progress
  cp orig.bin f.bin
  : > ch.err # emptied here, not by the run's redirection: the last run's progress would be seen
  PARIO_SLOW=0:+$PAUSE PARIO_PROGRESS_INTERVAL=0.05 timeout -k 5 "$TEST_TIMEOUT" "$MPIEXEC" -n "$n" \
    "$(pario_exe "$tool")" $progress "$@" > ch.out 2> ch.err &
  local pid=$! f; f=$(pwd -P)/f.bin
  for _ in $(seq 1200); do
    if [ "$when" = read ]; then
      tr '\r' '\n' < ch.err | grep -q 'rank 0: [1-9]' && fired=yes
    elif find /proc/[0-9]*/fd -lname "$f" 2>/dev/null | grep -q .; then
      seen=$((seen + 1)); [ $seen = 2 ] && fired=yes
    else
      seen=0
    fi
    [ $fired = yes ] && break
    kill -0 $pid 2>/dev/null || break # over before the event: the checks below fail
    sleep 0.05
  done
  $change
  wait $pid; rc=$?
  local what="$tool $* (n=$n), f.bin changed ($change) once $when"
  check "$what: exit $code ($rc; event seen: $fired)" test "$rc" = "$code"
  check "$what: one line /$re/: $(tr '\r' '\n' < ch.err | grep -v '^ *$' | head -c 300)" sh -c \
    "test \$(tr '\\r' '\\n' < ch.err | grep -Ev '^ *$|^$tool: (reduc|count)ing ' | wc -l) = 1 &&
     tr '\\r' '\\n' < ch.err | grep -Eq \"$re\""
}
CUT="truncate -s $HALF_CUT f.bin" # rank 0's half is 8 chunks: its last, cut inside a page and an element
REWRITE="dd if=other.bin of=f.bin conv=notrunc status=none" # in place: the same size, other bytes

# the static path, from its memory map
change_during 2 read 1 "pario-reduce: error: f.bin: .*(shrank|shorter)" "$CUT" \
  pario-reduce --op sum,mean --chunk 1Mi f.bin
change_during 2 read 1 "pario-count: error: f.bin: .*(shrank|shorter)" "$CUT" \
  pario-count --value 0 --chunk 1Mi f.bin
change_during 2 read 1 "pario-reduce: error: f.bin: .*(changed|shrank)" "$REWRITE" \
  pario-reduce --op sum,mean --chunk 1Mi f.bin
# tasks from the map
# (one rank: with two, the fast one could take every task before the slowed one
# took any, and close the file before the rewrite)
PAUSE=0.12 change_during 1 open 1 "pario-reduce: error: f.bin: .*(changed|shrank)" "$REWRITE" \
  pario-reduce --op sum,mean --chunk 1Mi --schedule dynamic f.bin
# MPI-IO: a read that ends inside an element names whole elements
change_during 2 read 1 "pario-reduce: error: f.bin: (short read: [0-9]+ of [0-9]+ elements|.*shorter)" "$CUT" \
  pario-reduce --op sum,mean --chunk 1Mi --no-mmap f.bin

# MPI-IO (--no-mmap) and the tasks read by it: a rewrite in place is told by
# the file's time at the end (session 12; before, the result mixed the two files)
change_during 2 read 1 "pario-reduce: error: f.bin: .*changed" "$REWRITE" \
  pario-reduce --op sum,mean --chunk 1Mi --no-mmap f.bin
PAUSE=0.12 change_during 1 open 1 "pario-reduce: error: f.bin: .*changed" "$REWRITE" \
  pario-reduce --op sum,mean --chunk 1Mi --no-mmap --schedule dynamic f.bin
change_during 3 read 1 "pario-count: error: f.bin: .*changed" "$REWRITE" \
  pario-count --value 0 --chunk 1Mi --no-mmap --dist cyclic:1000 f.bin

# pario-train, from its maps and by MPI-IO: each epoch's end compares the
# file with its state at the open (before, only a file that shrank failed)
printf 'dtype: float64\nshape: [16384, 8]\n' > t.bin.yaml
train_rewrite() {
  head -c 1048576 orig.bin > t.bin
  rm -f tl.h5 tl.h5.tmp.*
  # --allreduce mpi: no work stealing, so slowed rank 0 sums its whole share
  # (in shared memory rank 1 took its segments, and the first epoch ended,
  # publishing the log, before the rewrite); 2 ms after each of its segments
  # (about 140 an epoch): 12 epochs of at least 0.28 s, and the run ends at the
  # first epoch's end after the rewrite
  PARIO_SLOW=0:+0.002 timeout -k 5 "$TEST_TIMEOUT" "$MPIEXEC" -n 2 "$(pario_exe pario-train)" --model linear \
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

# text inputs (pario-wc, pario-grep, a CSV column): rewritten in place or
# appended to while rank 0 is slowed after each chunk: one line, the tool's
# runtime exit code (a hostile-user pass, session 23: each printed counts of
# neither version, exit 0). The change is made once a rank holds t.txt open
# (its reads keep it open from the start to the end).
$PYTHON3 -c "
lines = b''.join(b'%d,some words error\n' % i for i in range(200000))
open('t0.txt', 'wb').write(lines); open('t1.txt', 'wb').write(lines.replace(b'error', b'ERROR'))" || exit 99
text_change() { # N CODE CHANGE TOOL ARGS...
  local n=$1 code=$2 change=$3 tool=$4 seen=0 fired=no rc f; shift 4
  cp t0.txt t.txt
  f=$(pwd -P)/t.txt
  PARIO_SLOW=0:+0.2 timeout -k 5 "$TEST_TIMEOUT" "$MPIEXEC" -n "$n" "$(pario_exe "$tool")" --chunk 256Ki "$@" t.txt \
    > tc.out 2> tc.err &
  local pid=$!
  for _ in $(seq 1200); do
    if find /proc/[0-9]*/fd -lname "$f" 2>/dev/null | grep -q .; then
      seen=$((seen + 1)); [ $seen = 2 ] && fired=yes && break
    else
      seen=0
    fi
    kill -0 $pid 2>/dev/null || break
    sleep 0.05
  done
  sh -c "$change"
  wait $pid; rc=$?
  check "$tool $* (n=$n), t.txt changed ($change): exit $code ($rc; event seen: $fired)" test "$rc" = "$code"
  check "$tool $* (n=$n), t.txt changed: one line: $(head -c 300 tc.err)" sh -c \
    "test \$(wc -l < tc.err) = 1 && grep -Eq '^$tool: error: t.txt: the file changed while it was being read( \\(rank [0-9]\\))?\$' tc.err"
}
TREWRITE="dd if=t1.txt of=t.txt conv=notrunc status=none"
TAPPEND="printf '7,more\\n' >> t.txt"
text_change 2 1 "$TREWRITE" pario-wc
text_change 3 1 "$TAPPEND" pario-wc -l
text_change 2 2 "$TREWRITE" pario-grep -c error
text_change 1 2 "$TAPPEND" pario-grep -n error
text_change 2 1 "$TREWRITE" pario-reduce --op sum --column 0
# the control: unchanged and slowed alike, wc's and grep's counts and Python's sum
cp t0.txt t.txt
PARIO_SLOW=0:+0.05 mpirun 2 pario-wc --chunk 256Ki t.txt > wc.out 2> wc.err
PARIO_SLOW=0:+0.05 mpirun 2 pario-grep --chunk 256Ki -c error t.txt > grep.out 2> grep.err
PARIO_SLOW=0:+0.05 mpirun 2 pario-reduce --chunk 256Ki --op sum --column 0 t.txt > red.out 2> red.err
check "unchanged text: wc's counts" test "$(cat wc.out)" = "$(wc t.txt)"
check "unchanged text: grep's count" test "$(cat grep.out)" = "$(grep -c error t.txt)"
check "unchanged text: the sum of column 0" test "$(sed -n 's/^sum: //p' red.out)" = 19999900000

# unchanged, the same runs give numpy's exact sum; slowed by PARIO_SLOW=0:+0.1
# (the form used above), rank 0's 8 chunks take 0.8 s at least, the same sum
cp orig.bin f.bin
t0=$(date +%s%N)
PARIO_SLOW=0:+0.1 mpirun 2 pario-reduce --op sum --chunk 1Mi f.bin > sum.out 2> sum.err
t1=$(date +%s%N)
check "unchanged: the sum is math.fsum's" $PYTHON3 -c "
import math, numpy as np
s = open('sum.out').read().split('sum: ')[1].split()[0]
assert float(s) == math.fsum(np.fromfile('orig.bin')), s
assert open('sum.err').read() == '', 'stderr'"
check "PARIO_SLOW=0:+0.1: 8 chunks took $(((t1 - t0) / 1000000)) ms, at least 800" test $((t1 - t0)) -ge 800000000
# a value of neither form is ignored with one warning
cp sum.out slow.out
PARIO_SLOW=0:+x mpirun 2 pario-reduce --op sum --chunk 1Mi f.bin > sum.out 2> sum.err
check "PARIO_SLOW=0:+x: one warning, the same sum" sh -c "test \$(wc -l < sum.err) = 1 && cmp -s sum.out slow.out &&
  grep -qFx \"pario: warning: PARIO_SLOW='0:+x' ignored: expected RANK:FACTOR (FACTOR >= 1) or RANK:+SECONDS\" sum.err"

finish
