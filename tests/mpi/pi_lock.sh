#!/bin/sh
# Two --resume runs on one log (issue 10, section 7): the second is refused while
# the first holds the log (flock on LOG.lock), the log is left as the first run
# writes it, the lock goes with the run, and h5dump still reads a log being
# written. Before the fix both ran.
TEST_TIMEOUT=${TEST_TIMEOUT_PI_LOCK:-60}
. "$(dirname "$0")/lib.sh"
H5DUMP=${H5DUMP:-h5dump}

mpirun 2 pario-pi --samples 1000 --rounds 3 --log pi.h5 >/dev/null || exit 99

# rows of /estimate, from h5dump's header
rows() { "$H5DUMP" -H -d /estimate "$1" | sed -n 's/.*DATASPACE *SIMPLE *{ *( *\([0-9]*\) *).*/\1/p'; }
check "the first log has 3 rounds" test "$(rows pi.h5)" = 3
LOCKED='^pario-pi: error: pi\.h5: another run is writing this log \(pi\.h5\.lock is locked\)$'

# 1. another process holds the lock (flock(1) takes the same kind of lock)
if command -v flock >/dev/null 2>&1; then
  # one process holds it: the shell takes the lock on fd 9, then becomes sleep
  sh -c 'exec 9>>pi.h5.lock && flock 9 && exec sleep 120' &
  holder=$!
  # until it holds it (a fixed second before: a guess)
  i=0
  while flock -n pi.h5.lock true && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
  cp pi.h5 before.h5
  for n in 1 3; do
    expect_error $n 1 "$LOCKED" pario-pi --resume --rounds 5 --log pi.h5
    check "refused run left the log as it was (n=$n)" cmp -s pi.h5 before.h5
  done
  # a log its writer has half written is refused as busy, not read (the
  # guard's check of the output; a writer that begins after it and makes the
  # read fail is also named, lib/h5table.h pario_h5table_check_idle)
  head -c 3000 before.h5 >pi.h5
  expect_error 2 1 "$LOCKED" pario-pi --resume --rounds 5 --log pi.h5
  cp before.h5 pi.h5
  kill "$holder"
  wait "$holder" 2>/dev/null
  # the same for a training log
  mpirun 1 pario-gen --dtype float64 --shape 40,3 --normal 0:1 --seed 2 --out tx.bin >/dev/null || exit 99
  mpirun 2 pario-train --model linear --label-column 2 --epochs 2 --batch 8 --log tr.h5 tx.bin >/dev/null 2>&1 || exit 99
  sh -c 'exec 9>>tr.h5.lock && flock 9 && exec sleep 120' &
  holder=$!
  i=0
  while flock -n tr.h5.lock true && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
  head -c 3000 tr.h5 >tr_half.h5 && mv tr_half.h5 tr.h5
  expect_error 2 1 '^pario-train: error: tr\.h5: another run is writing this log \(tr\.h5\.lock is locked\)$' \
    pario-train --model linear --label-column 2 --epochs 3 --batch 8 --log tr.h5 --resume tx.bin
  kill "$holder"
  wait "$holder" 2>/dev/null
fi

# 1b. a shared lock on pi.h5.lock is a probe's (pario_h5table_check_idle,
# for the microseconds between its flock and close), not a writer's: the
# writer waits it out (here 0.4 s, begun before mpiexec) instead of calling the
# log busy; one held for more than a second is refused as busy. Before the fix
# a probe at the writer's instant refused a run that had the log to itself.
if command -v flock >/dev/null 2>&1; then
  flock -s pi.h5.lock sleep 0.4 &
  holder=$!
  i=0
  while flock -n -x pi.h5.lock true && [ $i -lt 200 ]; do sleep 0.01; i=$((i + 1)); done
  mpirun 2 pario-pi --resume --rounds 4 --log pi.h5 >/dev/null 2>shared.err
  rc=$?
  check "a writer waits out a shared lock of 0.4 s (exit 0: $(head -c 200 shared.err))" test $rc -eq 0
  check "and the log has 4 rounds" test "$(rows pi.h5)" = 4
  wait "$holder" 2>/dev/null
  sh -c 'exec 9>>pi.h5.lock && flock -s 9 && exec sleep 120' &
  holder=$!
  i=0
  while flock -n -x pi.h5.lock true && [ $i -lt 200 ]; do sleep 0.01; i=$((i + 1)); done
  expect_error 1 1 "$LOCKED" pario-pi --resume --rounds 5 --log pi.h5
  kill "$holder"
  wait "$holder" 2>/dev/null
fi

# 2. the lock goes with the run: a later --resume continues
mpirun 2 pario-pi --resume --rounds 5 --log pi.h5 >/dev/null 2>err
check "a resume after the lock is released runs (exit 0)" test $? -eq 0
check "and the log has 5 rounds" test "$(rows pi.h5)" = 5
check "and no lock file is left" test ! -e pi.h5.lock

# 3. two real runs at once: the one that comes second is refused, the first ends whole
timeout -k 5 "$TEST_TIMEOUT" "$MPIEXEC" -n 2 "$PARIO_BIN/pario-pi" --resume --rounds 200000 --samples 1000 \
  --log pi.h5 >/dev/null 2>a.err &
first=$! # timeout's pid: it passes a TERM on to mpiexec
# wait until the first run writes rounds (it holds the lock from its reopen on)
i=0
while [ "$(rows pi.h5 2>/dev/null || echo 5)" = 5 ] && [ $i -lt 100 ]; do sleep 0.3; i=$((i + 1)); done
expect_error 2 1 "$LOCKED" pario-pi --resume --rounds 200000 --log pi.h5
check "a log being written reads back (h5dump)" test -n "$(rows pi.h5)"
# the TERM goes to the rank that holds the lock (rank 0: the process with
# pi.h5.lock open), whose handler removes it: a TERM to mpiexec is forwarded
# by Hydra, which may SIGKILL rank 0 before its handler runs when another rank
# ends first (seen once in four runs on a loaded machine, session 27)
holder=""
for fd in /proc/[0-9]*/fd/*; do
  [ "$(readlink "$fd" 2>/dev/null)" = "$WORK/pi.h5.lock" ] && { holder=${fd#/proc/}; holder=${holder%%/*}; break; }
done
kill "${holder:-$first}" 2>/dev/null
wait "$first" 2>/dev/null
check "the first run's log still reads back" test -n "$(rows pi.h5)"
# ... and the run ended by that TERM removed its lock file, as at its close (it
# was left behind; session 26)
check "a run ended by SIGTERM leaves no lock file (holder ${holder:-not found: mpiexec})" test ! -e pi.h5.lock

# 4. a new log is locked from its creation: a --resume of it meanwhile is
# refused (before session 12 it ran, and wrote the file beside the first run:
# rounds with half their samples; a hostile-user pass)
# long_log LOG: a new 1-rank log of many rounds in the background ($first),
# returning once it reads back
long_log() {
  rm -f "$1" "$1".*
  timeout -k 5 "$TEST_TIMEOUT" "$MPIEXEC" -n 1 "$PARIO_BIN/pario-pi" --rounds 200000 --samples 1000 \
    --log "$1" >/dev/null 2>"$1.err" &
  first=$!
  i=0
  while [ -z "$(rows "$1" 2>/dev/null)" ] && [ $i -lt 100 ]; do sleep 0.3; i=$((i + 1)); done
}
long_log new.h5
expect_error 2 1 '^pario-pi: error: new\.h5: another run is writing this log \(new\.h5\.lock is locked\)$' \
  pario-pi --resume --rounds 200000 --log new.h5
kill "$first" 2>/dev/null
wait "$first" 2>/dev/null
check "the new log reads back, every round whole" "$PYTHON3" -c "
import h5py, numpy as np
f = h5py.File('new.h5', 'r'); s = f['samples'][:]
assert len(s) > 0 and (s.sum(axis=1) == 1000).all(), s.sum(axis=1)"

# 4b. a --resume through a symbolic link to a log being written (in another
# directory) is refused by the lock beside the log itself: it took
# sub/link.h5.lock, and the two runs wrote one file at once (the attributes of
# one, the rows of the other: the next --resume cut the log to the shorter run)
long_log target.h5
mkdir -p sub && ln -sf ../target.h5 sub/link.h5
expect_error 2 1 '^pario-pi: error: sub/link\.h5: another run is writing this log \(/.*/target\.h5\.lock is locked\)$' \
  pario-pi --resume --rounds 200000 --log sub/link.h5
check "no lock file beside the link" test ! -e sub/link.h5.lock
kill "$first" 2>/dev/null
wait "$first" 2>/dev/null
check "the link is still a link to the log" test -L sub/link.h5

# 4c. a log with two names (a hard link): each name has its own LOG.lock, so
# such a log is also locked by its inode; a --resume through the other name
# while one runs is refused (it wrote the file at once with the first)
rm -f hard.h5 hard.h5.* hard2.h5 hard2.h5.*
mpirun 1 pario-pi --rounds 3 --samples 1000 --log hard.h5 >/dev/null 2>&1
ln -f hard.h5 hard2.h5
timeout -k 5 "$TEST_TIMEOUT" "$MPIEXEC" -n 1 "$PARIO_BIN/pario-pi" --resume --rounds 200000 --log hard.h5 \
  >/dev/null 2>hard.err &
first=$!
i=0
while [ "$(rows hard.h5 2>/dev/null || echo 0)" -le 3 ] && [ $i -lt 100 ]; do sleep 0.3; i=$((i + 1)); done
expect_error 2 1 '^pario-pi: error: hard2\.h5: another run is writing this log \(through another of its 2 names\)$' \
  pario-pi --resume --rounds 200000 --log hard2.h5
check "no lock file left beside the second name" test ! -e hard2.h5.lock
kill "$first" 2>/dev/null
wait "$first" 2>/dev/null
r=$(rows hard2.h5)
mpirun 2 pario-pi --resume --rounds $((r + 2)) --log hard2.h5 >/dev/null 2>&1
check "a log with two names resumes through the other once alone" test "$(rows hard2.h5)" = $((r + 2))

# 4d. the link made while the first run writes the log (it had one name when
# that run opened it): refused alike (a hostile-user pass: the --resume through
# the new name wrote 700 rounds that the first run's metadata then dropped, both
# exit 0). For the first run's fresh log and for a --resume of it.
for how in fresh resume; do
  rm -f late.h5 late.h5.* late2.h5 late2.h5.*
  if [ $how = resume ]; then
    mpirun 1 pario-pi --rounds 3 --samples 1000 --log late.h5 >/dev/null 2>&1
    set -- --resume
  else
    set --
  fi
  timeout -k 5 "$TEST_TIMEOUT" "$MPIEXEC" -n 1 "$PARIO_BIN/pario-pi" "$@" --rounds 200000 --samples 1000 \
    --log late.h5 >/dev/null 2>late1.err &
  first=$!
  i=0
  until [ "$(rows late.h5 2>/dev/null)" -gt 3 ] 2>/dev/null || [ $i -ge 100 ]; do sleep 0.3; i=$((i + 1)); done
  ln -f late.h5 late2.h5
  expect_error 2 1 '^pario-pi: error: late2\.h5: another run is writing this log \(through another of its 2 names\)$' \
    pario-pi --resume --rounds 200000 --log late2.h5
  kill "$first" 2>/dev/null
  wait "$first" 2>/dev/null
  r=$(rows late.h5)
  mpirun 2 pario-pi --resume --rounds $((r + 2)) --log late2.h5 >/dev/null 2>&1
  check "a link made during a $how run: resumes through it once alone" test "$(rows late.h5)" = $((r + 2))
done

# 5. LOG.lock is the run's: an input of that name is refused before anything is
# touched, and a file of that name pario did not make (not empty, a symbolic
# link) is never locked or removed (a hostile-user pass: --log run.h5 deleted
# the training data run.h5.lock, and pario-pi an unrelated P.lock)
"$PYTHON3" -c "
import numpy as np
np.random.default_rng(3).normal(size=(200, 3)).tofile('run.h5.lock')
open('run.h5.lock.yaml', 'w').write('dtype: float64\nshape: [200, 3]\n')
(np.arange(200) % 2).astype('i1').tofile('y.bin'); open('y.bin.yaml', 'w').write('dtype: int8\nshape: [200]\n')
np.arange(200.0).reshape(100, 2).tofile('x.bin'); open('x.bin.yaml', 'w').write('dtype: float64\nshape: [100, 2]\n')
(np.arange(100) % 2).astype('i1').tofile('lab.lock'); open('lab.lock.yaml', 'w').write('dtype: int8\nshape: [100]\n')
open('p.h5.lock', 'w').write('notes\n')" || exit 99
cp run.h5.lock keep.data; cp lab.lock keep.lab
for n in 1 3; do
  expect_error $n 2 "^pario-train: error: .*run\.h5\.lock" pario-train -q --model logistic --labels y.bin --epochs 1 --log run.h5 run.h5.lock
  check "training data named LOG.lock kept (n=$n)" cmp -s run.h5.lock keep.data
  expect_error $n 2 "^pario-train: error: .*lab\.lock" pario-train -q --model logistic --labels lab.lock --epochs 1 --log lab x.bin
  check "labels named LOG.lock kept (n=$n)" cmp -s lab.lock keep.lab
  expect_error $n 1 "^pario-pi: error: p\.h5\.lock: not a lock file of pario's \(not empty, which pario would remove\)" \
    pario-pi --samples 100 --rounds 2 --log p.h5
  check "a P.lock pario did not make is kept (n=$n)" test "$(cat p.h5.lock)" = notes
done
ln -s keep.lab s.h5.lock
expect_error 2 1 "^pario-pi: error: s\.h5\.lock: not a lock file of pario's \(a symbolic link\)" pario-pi --samples 100 --rounds 2 --log s.h5
check "a symbolic link LOG.lock and its target kept" test -L s.h5.lock -a "$(cmp keep.lab lab.lock && echo same)" = same

# 6. a log another run is writing is not replaced, nor added to through a copy,
# by any other output (it lost the rounds the first run wrote after the copy)
long_log live.h5
INUSE='^pario-gen: error: live\.h5: another run is writing this log \(live\.h5\.lock is locked\)$'
expect_error 2 1 "$INUSE" pario-gen --dtype int8 --count 10 --sequence --out live.h5:/extra
expect_error 1 1 '^pario-reduce: error: live\.h5: another run is writing this log \(live\.h5\.lock is locked\)$' \
  pario-reduce --op sum --h5 live.h5 x.bin
expect_error 2 1 "^pario-gen: error: live\.h5\.lock: the lock file of a log another run is writing" \
  pario-gen --dtype int8 --count 10 --sequence --out live.h5.lock
# (read once the run has ended: h5py opening the log while it grows failed
# now and then, 'truncated file: eof = 280768, ..., stored_eof = 301248')
kill "$first" 2>/dev/null
wait "$first" 2>/dev/null
check "the live log was not touched: no /extra" "$PYTHON3" -c "
import h5py
assert 'extra' not in h5py.File('live.h5', 'r')"

# 6b. a log another run begins writing while a run that writes the same name
# is under way (after that run's start check): the run's output does not
# replace it when it ends. A holder of late.h5.lock stands in for the log's
# writer (flock(1) takes the same lock), with a log in place. Before the fix
# pario-reduce --h5, pario-run and pario-scatter renamed over the log and
# exited 0; the writer's later rows went to a file nobody could open.
# late_run OUT CMD...: CMD (slowed: rank 0 sleeps 0.3 s a chunk, progress
# lines from the start) in the background; once its first progress line is
# out, OUT.lock is held and a log is put at OUT; CMD must fail with one error
# line naming OUT and its lock, leave OUT as the log, and no temporary file.
late_run() {
  out=$1
  shift
  rm -f "$out" "$out".* late.err
  PARIO_SLOW=0:+0.3 PARIO_PROGRESS_INTERVAL=0 timeout -k 5 "$TEST_TIMEOUT" "$MPIEXEC" -n 2 "$@" \
    >/dev/null 2>late.err &
  job=$!
  i=0
  while ! grep -q . late.err 2>/dev/null && [ $i -lt 400 ]; do sleep 0.02; i=$((i + 1)); done
  sh -c "exec 9>>$out.lock && flock 9 && exec sleep 120" &
  holder=$!
  i=0
  while flock -n "$out.lock" true && [ $i -lt 200 ]; do sleep 0.02; i=$((i + 1)); done
  cp pi.h5 "$out"
  wait "$job"
  rc=$?
  kill "$holder"
  wait "$holder" 2>/dev/null
  errs=$(grep -c 'error' late.err)
  check "$out: a log begun during the run: exit 1 (got $rc), one error line ($errs)" test $rc = 1 -a "$errs" = 1
  check "$out: the error names the log and its lock ($(grep error late.err | head -c 300))" \
    grep -Eq "^pario-[a-z]*: error: $out: another run began writing a log of this name while this one ran \\($out\\.lock is locked\\): left to it, not replaced( \\(rank 0\\))?$" late.err
  check "$out: the log is left as its writer made it" cmp -s "$out" pi.h5
  left=$(ls "$out".tmp.* 2>/dev/null | tr '\n' ' ')
  check "$out: no temporary file left${left:+ ($left)}" test -z "$left"
}
if command -v flock >/dev/null 2>&1; then
  mpirun 1 pario-gen --dtype float64 --count 1600 --uniform 0:1 --seed 3 --out rd.bin >/dev/null || exit 99
  late_run late.h5 "$PARIO_BIN/pario-reduce" --op sum --chunk 1Ki --progress --h5 late.h5 rd.bin
  printf 'input: {data: rd.bin}\noperations: [sum]\nio: {chunk: 1Ki}\noutput: {results: lr.json, h5: late2.h5}\n' > lr.yaml
  late_run late2.h5 "$PARIO_BIN/pario-run" --progress lr.yaml
  check "pario-run: its results file not written either" test ! -e lr.json
  # a data output: raw (data and descriptor renamed as a pair) and .npy
  late_run lg.bin "$PARIO_BIN/pario-gen" --dtype float64 --count 1600 --uniform 0:1 --chunk 1Ki --progress --out lg.bin
  check "pario-gen: no descriptor beside the log" test ! -e lg.bin.yaml
  late_run lg.npy "$PARIO_BIN/pario-gen" --dtype float64 --count 1600 --uniform 0:1 --chunk 1Ki --progress --out lg.npy
fi

# 6. a log removed (with its directory) or moved away while the run writes it:
# the run fails at its next round (exit 1, one line naming the log), where it
# ran on to exit 0 and its rows were lost (a hostile-user pass, session 26).
# Rank 0 sleeps 0.1 s a round (PARIO_SLOW) so that the change lands mid-run.
gone_run() { # gone_run HOW REGEX
  rm -rf gd gd2 && mkdir gd || return
  PARIO_SLOW=0:+0.1 timeout -k 5 "$TEST_TIMEOUT" "$MPIEXEC" -n 2 "$(pario_exe pario-pi)" --rounds 60 \
    --samples 1000 --log gd/pi.h5 >gone.out 2>gone.err &
  local job=$! i=0
  while [ -z "$(rows gd/pi.h5 2>/dev/null)" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
  case $1 in
    rmdir) rm -rf gd ;;
    move) mkdir gd2 && mv gd/pi.h5 gd2/pi.h5 ;;
    replace) cp gd/pi.h5 gd/copy.h5 && mv gd/copy.h5 gd/pi.h5 ;;
  esac
  wait $job
  local rc=$?
  check "log: $1 mid-run: exit 1 (got $rc), one line: $(head -c 300 gone.err)" \
    test $rc = 1 -a "$(grep -c . gone.err)" = 1
  check "log: $1 mid-run: the message names the log" grep -Eq "^pario-pi: error: gd/pi\.h5: $2" gone.err
}
gone_run rmdir 'the log was removed while the run wrote it \(No such file or directory\)'
gone_run move 'the log was moved away while the run wrote it \(No such file or directory\)'
check "the moved log keeps its rounds" test -n "$(rows gd2/pi.h5)"
gone_run replace 'the log was replaced while the run wrote it \(the name leads to another file now\)'
finish
