#!/bin/bash
# bench/pi.sh: pario-pi darts rate (samples per second per core) against a numpy
# vectorised estimate and the tutorial's pure-Python loop, alternating in one run,
# medians of $REPS; then the cost of logging 1000 rounds to the HDF5 log as a
# fraction of run time. Rates are timed in-process on both sides (pario-pi's
# rounds, the peers' loops), so interpreter and MPI start-up do not count.
# Usage: PARIO_BIN=build/tools bash bench/pi.sh [--write]  (--write: its section of bench/RESULTS.md)
set -u
WRITE=${1:-}
HERE=$(cd "$(dirname "$0")" && pwd)
: "${PARIO_BIN:=$HERE/../build/tools}"
: "${REPS:=3}"
: "${BENCH_DIR:=/tmp/pario-bench-pi}"
: "${LOG_SAMPLES:=1e7}"
mkdir -p "$BENCH_DIR"
PY=/usr/bin/python3
med() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
jget() { $PY -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
pi() { mpiexec.mpich -n "$1" "$PARIO_BIN/pario-pi" "${@:2}" --format json; }
rm -f "$BENCH_DIR"/*.rate "$BENCH_DIR"/*.frac "$BENCH_DIR"/*.sec "$BENCH_DIR"/*.h5

# 1. rates per core
for i in $(seq "$REPS"); do
  pi 1 --samples 1e8 --rounds 5 >"$BENCH_DIR/p1.json" || exit 1
  jget "$BENCH_DIR/p1.json" samples_per_second >>"$BENCH_DIR/pario1.rate"
  pi 2 --samples 2e8 --rounds 5 >"$BENCH_DIR/p2.json" || exit 1
  jget "$BENCH_DIR/p2.json" samples_per_second_per_rank >>"$BENCH_DIR/pario2.rate"
  pi 1 --method midpoint --samples 1e8 --rounds 5 >"$BENCH_DIR/pm.json" || exit 1
  jget "$BENCH_DIR/pm.json" samples_per_second >>"$BENCH_DIR/mid.rate"
  $PY "$HERE/pi_peer.py" numpy 5e7 | awk '{print $1 / $2}' >>"$BENCH_DIR/numpy.rate"
  $PY "$HERE/pi_peer.py" loop 2e6 | awk '{print $1 / $2}' >>"$BENCH_DIR/loop.rate"
done
r() { med <"$BENCH_DIR/$1.rate"; }
ratio() { echo "$1 $2" | awk '{printf "%.1f", $1 / $2}'; }
M() { echo "$1" | awk '{printf "%.1f", $1 / 1e6}'; }
NP=$(r numpy) LOOP=$(r loop) P1=$(r pario1) P2=$(r pario2) MID=$(r mid)

# 2. logging 1000 rounds: the same run with and without --log, medians; the log on
# /tmp (a disk) and on tmpfs (HDF5 and MPI only). Each round is flushed into the
# file; the fsync policy is the default (after the first round, then at most
# every 10 s, and at close), plus one disk run with --sync 0 (an fsync per round).
LOGDIRS="${LOGDIRS:-$BENCH_DIR /dev/shm}"
DISK=${LOGDIRS%% *}
CONFIGS=""
for n in 1 2; do
  for dir in $LOGDIRS; do CONFIGS="$CONFIGS $n:$dir:10"; done
done
CONFIGS="$CONFIGS 2:$DISK:0"
for i in $(seq "$REPS"); do
  for n in 1 2; do
    pi $n --samples "$LOG_SAMPLES" --rounds 1000 --seed 1 >"$BENCH_DIR/nolog.json" || exit 1
    jget "$BENCH_DIR/nolog.json" seconds >>"$BENCH_DIR/nolog$n.sec"
  done
  k=0
  for c in $CONFIGS; do
    k=$((k + 1))
    n=${c%%:*} rest=${c#*:}
    dir=${rest%:*} sync=${rest##*:}
    pi $n --samples "$LOG_SAMPLES" --rounds 1000 --seed 1 --log "$dir/pario-bench-pi.h5" --force --sync "$sync" \
      >"$BENCH_DIR/log.json" || exit 1
    jget "$BENCH_DIR/log.json" seconds >>"$BENCH_DIR/log$k.sec"
    echo "$(jget "$BENCH_DIR/log.json" log_seconds) $(jget "$BENCH_DIR/log.json" seconds)" |
      awk '{print $1 / $2}' >>"$BENCH_DIR/log$k.frac"
    rm -f "$dir/pario-bench-pi.h5"
  done
done
s() { med <"$BENCH_DIR/$1.sec" | awk '{printf "%.2f", $1}'; }
f() { med <"$BENCH_DIR/$1.frac" | awk '{printf "%.1f%%", 100 * $1}'; }
ms() { med <"$BENCH_DIR/$1.frac" | awk -v t="$(s "$1")" '{printf "%.2f", $1 * t}'; }
verdict() { med <"$BENCH_DIR/$1.frac" | awk '{print ($1 < 0.05) ? "met" : "NOT met"}'; }

CPU=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)
out=$BENCH_DIR/table.md
{
  echo "### pi (bench/pi.sh)"
  echo "$(nproc) cores, $CPU; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared with other jobs)."
  echo
  echo "Monte Carlo pi by darts, samples per second per core, medians of $REPS, alternating in one run, each timed in-process."
  echo
  echo "| run | M samples/s per core | pario-pi (1 rank) is |"
  echo "|---|---|---|"
  echo "| pario-pi, 1 rank (5 rounds of 1e8) | $(M "$P1") | |"
  echo "| pario-pi, 2 ranks (5 rounds of 2e8), per rank | $(M "$P2") | |"
  echo "| numpy vectorised, 2^20-sample chunks | $(M "$NP") | $(ratio "$P1" "$NP")x faster |"
  echo "| pure-Python loop (the tutorial's) | $(M "$LOOP") | $(ratio "$P1" "$LOOP")x faster |"
  echo "| pario-pi --method midpoint, 1 rank | $(M "$MID") | |"
  echo
  echo "Target, at least 10x the numpy rate per core: $(echo "$P1 $NP" | awk '{print ($1 >= 10 * $2) ? "met" : "NOT met"}') ($(ratio "$P1" "$NP")x)."
  echo
  echo "Logging 1000 rounds of $LOG_SAMPLES samples, each round flushed into the file, medians of $REPS."
  echo "share = time inside the log calls / run time (the target's measure); wall = (run with log - run without) / run with log."
  echo
  echo "| ranks | log on | fsync | run s without log | with log | log s | share | wall | share under 5% |"
  echo "|---|---|---|---|---|---|---|---|---|"
  k=0
  for c in $CONFIGS; do
    k=$((k + 1))
    n=${c%%:*} rest=${c#*:}
    dir=${rest%:*} sync=${rest##*:}
    fs=$(df -T "$dir" | awk 'NR == 2 {print $2}')
    if [ "$sync" = 0 ]; then pol="every round (--sync 0)"; else pol="default (--sync $sync)"; fi
    wall=$(echo "$(s nolog$n) $(s log$k)" | awk '{printf "%.1f%%", 100 * ($2 - $1) / $2}')
    echo "| $n | $dir ($fs) | $pol | $(s nolog$n) | $(s log$k) | $(ms log$k) | $(f log$k) | $wall | $(verdict log$k) |"
  done
  echo
  echo "Per round the log costs a fixed time: five H5Dset_extent, two collective and three independent one-element H5Dwrite, an H5Fflush (and, on a disk, an fsync when one is due: about 1.4 ms on this ext4, which is why it is not paid every round by default). Its share falls as rounds grow."
} >"$out"
cat "$out"
if [ "$WRITE" = "--write" ]; then
  . "$HERE/lib.sh"
  write_results pi "$(cat "$out")"
fi
exit 0
