#!/bin/bash
# bench/pi.sh: pario-pi darts rate (samples per second per core) against a numpy
# vectorised estimate and the tutorial's pure-Python loop, alternating in one run,
# medians of $REPS; then the cost of logging 1000 rounds to the HDF5 log as a
# fraction of run time. Rates are timed in-process on both sides (pario-pi's
# rounds, the peers' loops), so interpreter and MPI start-up do not count.
# Usage: PARIO_BIN=build/tools bash bench/pi.sh [--write]  (--write: bench/RESULTS-pi.md)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
: "${PARIO_BIN:=$HERE/../build/tools}"
: "${REPS:=3}"
: "${BENCH_DIR:=/tmp/pario-bench-pi}"
: "${LOG_SAMPLES:=1e7}"
mkdir -p "$BENCH_DIR"
export HWLOC_COMPONENTS=-pci
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

# 2. logging 1000 rounds: the same run with and without --log, medians
for n in 1 2; do
  for i in $(seq "$REPS"); do
    pi $n --samples "$LOG_SAMPLES" --rounds 1000 --seed 1 >"$BENCH_DIR/nolog.json" || exit 1
    jget "$BENCH_DIR/nolog.json" seconds >>"$BENCH_DIR/nolog$n.sec"
    pi $n --samples "$LOG_SAMPLES" --rounds 1000 --seed 1 --log "$BENCH_DIR/l.h5" --force >"$BENCH_DIR/log.json" || exit 1
    jget "$BENCH_DIR/log.json" seconds >>"$BENCH_DIR/log$n.sec"
    echo "$(jget "$BENCH_DIR/log.json" log_seconds) $(jget "$BENCH_DIR/log.json" seconds)" |
      awk '{print $1 / $2}' >>"$BENCH_DIR/log$n.frac"
  done
done
s() { med <"$BENCH_DIR/$1.sec"; }
f() { med <"$BENCH_DIR/$1.frac" | awk '{printf "%.1f%%", 100 * $1}'; }
d() { echo "$(s log$1) $(s nolog$1)" | awk '{printf "%.1f%%", 100 * ($1 - $2) / $1}'; }
ms() { echo "$(s log$1) $(s nolog$1)" | awk '{printf "%.2f", ($1 - $2)}'; }

CPU=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)
table=$(cat <<T
### pi (bench/pi.sh)
$(nproc) cores, $CPU; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared).

Monte Carlo pi by darts, samples per second per core, medians of $REPS, alternating in one run, each timed in-process.

| run | M samples/s per core | pario-pi is |
|---|---|---|
| pario-pi, 1 rank (5 rounds of 1e8) | $(M "$P1") | 1.0x |
| pario-pi, 2 ranks (5 rounds of 2e8), per rank | $(M "$P2") | $(ratio "$P1" "$P2")x |
| numpy vectorised, 2^20-sample chunks | $(M "$NP") | $(ratio "$P1" "$NP")x faster |
| pure-Python loop (the tutorial's) | $(M "$LOOP") | $(ratio "$P1" "$LOOP")x faster |
| pario-pi --method midpoint, 1 rank | $(M "$MID") | |

Target: at least 10x the numpy rate per core: $(echo "$P1 $NP" | awk '{print ($1 >= 10 * $2) ? "met" : "NOT met"}') ($(ratio "$P1" "$NP")x).

Logging 1000 rounds of $LOG_SAMPLES samples to the HDF5 log (collective writes, flushed every round), medians of $REPS:

| ranks | seconds without log | seconds with log | difference | time inside the log calls |
|---|---|---|---|---|
| 1 | $(s nolog1) | $(s log1) | $(d 1) | $(f log1) |
| 2 | $(s nolog2) | $(s log2) | $(d 2) | $(f log2) |

Target: logging overhead under 5%: 1 rank $(f log1), 2 ranks $(f log2) of run time (the log costs about $(echo "$(s log1) $(s nolog1)" | awk '{printf "%.2f", ($1 - $2)}') s per 1000 rounds at 1 rank, $(echo "$(s log2) $(s nolog2)" | awk '{printf "%.2f", ($1 - $2)}') s at 2 ranks: a fixed cost per round, so it is under 5% once a round takes longer than about 20 times that).
T
)
echo "$table"
[ "${1:-}" = "--write" ] && printf '%s\n' "$table" >"$HERE/RESULTS-pi.md"
exit 0
