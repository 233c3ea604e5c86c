#!/bin/sh
# A full disk (issue 10, section 2): every tool that writes, at 1-4 ranks, writing
# into a 2 MiB tmpfs that is (almost) full. Each run must exit 1 within 30 s with
# one line on stderr that says "No space left on device", leave nothing on the
# full disk (no temporary, no partial output) and leave its inputs untouched.
# Needs root (mount); skipped (77) otherwise. The pi case is the issue's: before
# the fix it crashed at 2 ranks and hung at 3 and 4, leaving pi.h5.tmp.PID.
TEST_TIMEOUT=${TEST_TIMEOUT_FULLDISK:-30}
. "$(dirname "$0")/lib.sh"

DISK=$WORK/disk
mkdir -p "$DISK"
if ! mount -t tmpfs -o size=2m tmpfs "$DISK" 2>/dev/null; then
  echo "fulldisk: SKIP: cannot mount a tmpfs here (needs root)"
  exit 77
fi
trap 'umount "$DISK" 2>/dev/null || umount -l "$DISK"; rm -rf "$WORK"' EXIT

# ---- inputs, on the ordinary disk
mpirun 1 pario-gen --dtype int32 --count 100000 --sequence --out d.bin >/dev/null || exit 99
for n in 1 2 3 4; do
  mpirun "$n" pario-scatter --dist block --out p$n d.bin >/dev/null || exit 99
done
cat >job.yaml <<EOF
name: fulldisk
input:
  data: $WORK/d.bin
operations: [sum, min, max, mean]
output:
  results: $DISK/res.yaml
EOF
cat >job5.yaml <<EOF
name: fulldisk
input:
  data: $WORK/d.bin
operations: [sum, min, max, mean]
EOF
# many inputs (600, three windows of pario-run's): the results written as the windows are done
mkdir -p many
$PYTHON3 -c "
import numpy as np
for i in range(600): np.save('many/m%03d.npy' % i, np.arange(4.0) + i)" || exit 99
printf 'input:\n  data: "%s/many/*.npy"\noperations: [sum, min, max, mean, std]\noutput:\n  results: %s/many.json\n' \
  "$WORK" "$DISK" >manyjob.yaml
sha256sum d.bin d.bin.yaml p*.* job.yaml job5.yaml manyjob.yaml many/m000.npy many/m599.npy >"$WORK/before" || exit 99

# fill_disk KB: the tmpfs full but for KB kilobytes
fill_disk() {
  rm -rf "${DISK:?}"/*
  cat /dev/zero >"$DISK/fill" 2>/dev/null
  [ "$1" -gt 0 ] && truncate -s "-$1K" "$DISK/fill"
  sync
}

CASES=0
# full N FREE_KB TOOL ARGS...
full() {
  local n=$1 free=$2 err=$WORK/err rc t0 t1; shift 2
  local what="$* (n=$n, ${free}K free)"
  CASES=$((CASES + 1))
  fill_disk "$free"
  t0=$(date +%s)
  mpirun "$n" "$@" >/dev/null 2>"$err"; rc=$?
  t1=$(date +%s)
  if [ "$rc" -ne 1 ]; then
    fail "$what: exit $rc, expected 1; stderr: $(head -c 400 "$err")"
  elif [ "$(grep -c . "$err")" -ne 1 ] || ! grep -q "^pario-[a-z]*: error: .*No space left on device" "$err"; then
    fail "$what: not one line saying 'No space left on device': $(head -c 600 "$err")"
  else
    pass "$what"
  fi
  [ $((t1 - t0)) -le 30 ] || fail "$what: took $((t1 - t0)) s"
  local left; left=$(ls -A "$DISK" | grep -vx fill)
  [ -z "$left" ] || fail "$what: left on the full disk: $left"
  sha256sum -c --quiet "$WORK/before" >/dev/null 2>&1 || fail "$what: an input changed"
}

# FULLDISK_ONLY=pi runs the pi cases alone (to show them failing on an old build)
if [ "${FULLDISK_ONLY:-}" = pi ]; then
  for n in 1 2 3 4; do
    full $n 60 pario-pi --log "$DISK/pi.h5" --samples 100 --rounds 3000 --sync 0
  done
  finish
  exit
fi
for n in 1 2 3 4; do
  full $n 0 pario-gen --dtype int32 --count 100000 --sequence --out "$DISK/g.bin"
  full $n 64 pario-gen --dtype float64 --count 100000 --uniform 0:1 --out "$DISK/g.bin"
  full $n 16 pario-convert --dtype int64 d.bin "$DISK/c.bin"
  full $n 16 pario-scatter --dist cyclic --out "$DISK/q" d.bin
  full $n 16 pario-gather --out "$DISK/w.bin" p$n
  full $n 0 pario-reduce --op sum,min,max --h5 "$DISK/r.h5" d.bin
  # chunked and gzip HDF5 outputs (parallel HDF5 hung in H5Fclose at 2+ ranks
  # when the disk filled under it: their room is reserved first)
  full $n 16 pario-gen --dtype float64 --count 100000 --uniform 0:1 --chunk-shape 1000 --out "$DISK/g.h5:/x"
  full $n 16 pario-convert --gzip 1 --chunk-shape 1000 d.bin "$DISK/c.h5:/x"
  full $n 16 pario-gather --chunk-shape 1000 --out "$DISK/w.h5:/x" p$n
  full $n 0 pario-run job.yaml
  full $n 0 pario-run --h5 "$DISK/r.h5" job5.yaml
  full $n 16 pario-run manyjob.yaml
  # the issue's reproduction: nearly full, many small rounds, fsync every round
  full $n 60 pario-pi --log "$DISK/pi.h5" --samples 100 --rounds 3000 --sync 0
  full $n 0 pario-pi --log "$DISK/pi.h5" --samples 100 --rounds 3 --sync 0
done
# With room for the reservation, a chunked output is written and the room it
# did not use is given back (its blocks no more than its size)
for n in 1 3; do
  fill_disk 600
  if mpirun $n pario-gen --dtype float64 --count 10000 --normal 0:1 --gzip 1 --chunk-shape 1000 --out "$DISK/ok.h5:/x" >/dev/null; then
    size=$(stat -c %s "$DISK/ok.h5") blocks=$(du -k "$DISK/ok.h5" | cut -f1)
    check "gzip output beside 600K free (n=$n): reservation released ($blocks KiB for $size bytes)" \
      test $((blocks * 1024)) -le $((size + 8192))
  else
    fail "gzip output beside 600K free (n=$n) failed"
  fi
done
# Full in the middle of a run (room for the log's creation, not for its second
# block of 512 rounds): one line, exit 1, and the log keeps its complete rounds.
for n in 1 2; do
  CASES=$((CASES + 1))
  fill_disk 340
  mpirun $n pario-pi --log "$DISK/pi.h5" --samples 100 --rounds 3000 --sync 0 >/dev/null 2>"$WORK/err"
  rc=$?
  rows=$("${H5DUMP:-h5dump}" -H -d /estimate "$DISK/pi.h5" 2>/dev/null | sed -n 's/.*SIMPLE { ( \([0-9]*\) ).*/\1/p')
  if [ $rc -eq 1 ] && [ "$(grep -c . "$WORK/err")" -eq 1 ] && grep -q "No space left on device" "$WORK/err" &&
     [ -n "$rows" ] && [ "$rows" -gt 0 ] && [ $((rows % 512)) -eq 0 ]; then
    pass "pi full mid-run (n=$n): $rows rounds kept"
  else
    fail "pi full mid-run (n=$n): exit $rc, rows '$rows': $(head -c 400 "$WORK/err")"
  fi
  left=$(ls -A "$DISK" | grep -vx -e fill -e pi.h5)
  [ -z "$left" ] || fail "pi full mid-run (n=$n): left $left"
done
# Two outputs, the results on the ordinary disk and --h5 on the full one: the
# run fails and the previous results file stays as it was (both outputs are
# renamed into place only once both are written: the single-input path wrote
# its results, then removed them when the HDF5 file failed, losing the old
# ones; session 14). One input and many.
printf 'input:\n  data: %s/d.bin\noperations: [sum, min]\noutput:\n  results: %s/keep.yaml\n' "$WORK" "$WORK" >keepjob.yaml
printf 'input:\n  data: "%s/many/*.npy"\noperations: [sum]\noutput:\n  results: %s/keep.yaml\n' "$WORK" "$WORK" >keepmany.yaml
for job in keepjob.yaml keepmany.yaml; do
  for n in 1 2; do
    echo "old results" >keep.yaml
    full $n 0 pario-run --h5 "$DISK/r.h5" $job
    check "$job (n=$n): the old results file kept" grep -qx "old results" keep.yaml
  done
done
# The HDF5 results of many inputs go to disk as the windows are done, each
# window's space reserved first (lib/reduce_h5.c): windows of 10, room for
# about half of them, so the disk fills at a window in the middle of the run.
# One line, exit 1, no temporary left, the old results kept.
export PARIO_RUN_WINDOW=10
for n in 1 2 3; do
  echo "old results" >keep.yaml
  full $n 800 pario-run --h5 "$DISK/m.h5" keepmany.yaml
  check "keepmany.yaml --h5, full mid-run (n=$n): the old results file kept" grep -qx "old results" keep.yaml
done
unset PARIO_RUN_WINDOW
echo "fulldisk: $CASES cases"
finish
