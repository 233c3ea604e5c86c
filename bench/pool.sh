#!/bin/bash
# The task pool (doc/pool.md), in one run, figures to bench/RESULTS.md:
#  (a) one rank slowed (PARIO_SLOW=1:FACTOR): pario-reduce on 2 ranks of a
#      SIZE float64 dataset, --schedule static vs dynamic (target: dynamic <= 0.6x);
#  (b) 100,000 empty tasks through the pool (bench/pool_tasks): tasks/s at 2 and 4
#      ranks (target: >= 100k/s at 2), and tasks of 1 ms and 100 ms (asleep) against
#      the ideal;
#  (c) FILES files of 1 MiB: pario-run --schedule dynamic vs static vs a shell loop
#      of one serial pario-reduce per file.
# Medians of REPS alternating runs. The machine is shared: its load is printed.
#   bench/pool.sh [SIZE (default 1Gi)] [FILES (default 1000)]
# SKIP_LOOP=1 reuses the shell loop's time from an earlier run (it takes minutes).
case $0 in /*) ;; *) exec /bin/bash "$PWD/$0" "$@" ;; esac # lib.sh finds RESULTS.md beside $0
. "$(dirname "$0")/lib.sh"
SIZE=${1:-1Gi}
FILES=${2:-1000}
SLOW=${SLOW:-4}
MPIEXEC=${MPIEXEC:-mpiexec.mpich}
POOL_TASKS=$PARIO_BUILD/bench/pool_tasks
D=$BENCH_DIR/pool
mkdir -p "$D"
cd "$D" || exit 1

# ---- (a) one rank slowed
BYTES=$(/usr/bin/python3 -c "
s='$SIZE'; m={'Ki':1<<10,'Mi':1<<20,'Gi':1<<30}
print(int(s[:-2])*m[s[-2:]] if s[-2:] in m else int(float(s)))")
N=$((BYTES / 8))
if [ ! -s big.bin ] || [ "$(stat -c %s big.bin)" != "$BYTES" ]; then
  "$MPIEXEC" -n 2 "$PARIO_BIN/pario-gen" --dtype float64 --count "$N" --normal 0:1 --seed 5 --out big.bin || exit 1
fi
cat big.bin > /dev/null # in the page cache for every run alike
reset_times slow_static slow_dynamic
for r in $(seq "$REPS"); do
  PARIO_SLOW=1:$SLOW timed slow_static "$MPIEXEC" -n 2 "$PARIO_BIN/pario-reduce" --op sum,min,max,std big.bin
  PARIO_SLOW=1:$SLOW timed slow_dynamic "$MPIEXEC" -n 2 "$PARIO_BIN/pario-reduce" --op sum,min,max,std \
    --schedule dynamic --stats big.bin
done
cmp -s "$BENCH_DIR/slow_static.out" "$BENCH_DIR/slow_dynamic.out" || echo "bench: static and dynamic results differ!" >&2
TABLE_A=$(printf '| what | seconds (median of %s) | ratio to static |\n|---|---|---|\n' "$REPS"
  row slow_static slow_static "pario-reduce --op sum,min,max,std, $SIZE float64, 2 ranks, rank 1 slowed x$SLOW, static"
  row slow_dynamic slow_static "the same, --schedule dynamic")
SPLIT=$(grep -E 'stats: rank [01]:' "$BENCH_DIR/slow_dynamic.err" | sed 's/.*stats: //' | paste -sd ';')

# ---- (b) the pool alone
pool_row() { # N US RANKS LABEL
  local best="" out
  for r in $(seq "$REPS"); do
    out=$("$MPIEXEC" -n "$3" "$POOL_TASKS" "$1" "$2" dynamic sleep) || return 1
    echo "$out" >> "$BENCH_DIR/pool_tasks.log"
    best="$best $out"
  done
  # fields: schedule ranks tasks total_s total_rate loop_s loop_rate check; median by total time
  echo "$best" | awk -v label="$4" -v us="$2" -v ranks="$3" '{
    n = NF / 8; for (i = 0; i < n; i++) { t[i] = $(i*8+4); rate[i] = $(i*8+5); loop[i] = $(i*8+6); lr[i] = $(i*8+7); ok = ok $(i*8+8) " " }
    for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (t[j] < t[i]) { x=t[i];t[i]=t[j];t[j]=x; x=rate[i];rate[i]=rate[j];rate[j]=x; x=loop[i];loop[i]=loop[j];loop[j]=x; x=lr[i];lr[i]=lr[j];lr[j]=x }
    m = int(n / 2); ideal = $3 * us * 1e-6 / ranks
    printf "| %s | %.3f | %.0f | %.3f | %.0f | %s |\n", label, t[m], rate[m], loop[m], lr[m], (us > 0 ? sprintf("ideal %.3f s, x%.2f", ideal, loop[m] / ideal) : ok) }'
}
TABLE_B=$(printf '| tasks | seconds (create + tasks + free) | tasks/s | seconds (task loop, slowest rank) | tasks/s (loop) | check |\n|---|---|---|---|---|---|\n'
  pool_row 100000 0 2 "100,000 empty tasks, 2 ranks"
  pool_row 100000 0 4 "100,000 empty tasks, 4 ranks"
  pool_row 2000 1000 2 "2,000 tasks of 1 ms, 2 ranks"
  pool_row 2000 1000 4 "2,000 tasks of 1 ms, 4 ranks"
  pool_row 20 100000 2 "20 tasks of 100 ms, 2 ranks"
  pool_row 20 100000 4 "20 tasks of 100 ms, 4 ranks")

# ---- (c) many files of 1 MiB
mkdir -p files
if [ "$(ls files | grep -c '\.bin$')" != "$FILES" ]; then
  rm -rf files && mkdir files
  /usr/bin/python3 - "$FILES" <<'PY'
import sys, numpy as np
n = int(sys.argv[1])
r = np.random.default_rng(9)
for i in range(n):
    r.standard_normal(131072).tofile("files/f%04d.bin" % i)
    open("files/f%04d.bin.yaml" % i, "w").write("dtype: float64\nshape: [131072]\n")
PY
fi
cat files/*.bin > /dev/null
printf 'input:\n  data: "files/*.bin"\noperations: [sum, min, max, std]\n' > files.yaml
loop() { for f in files/*.bin; do "$MPIEXEC" -n 1 "$PARIO_BIN/pario-reduce" --op sum,min,max,std "$f" || return 1; done; }
LOOP_NOTE="1 run"
if [ "${SKIP_LOOP:-0}" = 1 ] && [ -s "$BENCH_DIR/files_loop.times" ]; then
  LOOP_NOTE="1 run, from an earlier run of this script (SKIP_LOOP=1)"
  reset_times files_static files_dynamic
else
  reset_times files_loop files_static files_dynamic
  timed files_loop loop # once: it takes the longest
fi
for r in $(seq "$REPS"); do
  timed files_static "$MPIEXEC" -n 2 "$PARIO_BIN/pario-run" --format json files.yaml
  timed files_dynamic "$MPIEXEC" -n 2 "$PARIO_BIN/pario-run" --format json --schedule dynamic files.yaml
done
cmp -s "$BENCH_DIR/files_static.out" "$BENCH_DIR/files_dynamic.out" || echo "bench: static and dynamic results differ!" >&2
TABLE_C=$(printf '| what | seconds | ratio to the shell loop |\n|---|---|---|\n'
  row files_loop files_loop "$FILES files of 1 MiB: a shell loop of serial pario-reduce ($LOOP_NOTE)"
  row files_static files_loop "pario-run, 2 ranks, --schedule static (median of $REPS)"
  row files_dynamic files_loop "pario-run, 2 ranks, --schedule dynamic (median of $REPS)")
SPEEDUP=$(echo "$(median files_loop) $(median files_static) $(median files_dynamic)" \
  | awk '{printf "Speed-up over the shell loop: static %.0fx, dynamic %.0fx.", $1 / $2, $1 / $3}')

TABLE="### Task pool (bench/pool.sh)

$(machine_line). The machine is shared with other jobs and was loaded: figures are
for comparison within this run, not absolute. MPICH $($MPIEXEC --version 2>/dev/null | awk '/Version:/ {print $2; exit}').

(a) One rank slowed (PARIO_SLOW=1:$SLOW: after each chunk, rank 1 sleeps $((SLOW - 1)) times the time the chunk took);
$SIZE of float64 ($N elements), page cache warm. Dynamic split: $SPLIT

$TABLE_A

(b) The pool alone (bench/pool_tasks: empty tasks, or tasks that sleep 1 ms or 100 ms — a busy task
would measure the other jobs on this loaded machine as much as the pool; every task is checked to run once)

$TABLE_B

(c) Many files

$TABLE_C

$SPEEDUP"
echo "$TABLE"
write_results pool "$TABLE"
