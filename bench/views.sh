#!/bin/bash
# bench/views.sh: read a cached 1 GiB int64 dataset [8192 x 16384] with 2 ranks through
# block, cyclic:1024, cyclic:1, tiles and cols views, with each read strategy (auto,
# view piece by piece or collective, exchange, sieve); each as a ratio to the block
# read in the same run. Also the effect of cb_buffer_size on the collective
# cyclic:1024 read through the view. Targets (issue 11, section 4), auto rows:
# cyclic:1024, cols and tiles within 1.5x of block, cyclic (k = 1) within 4x.
# Usage: bash bench/views.sh [--write]
. "$(dirname "$0")/lib.sh"
F=$BENCH_DIR/views-1g.bin
if [ ! -f "$F" ] || [ "$(stat -c %s "$F")" -ne $((8192 * 16384 * 8)) ]; then
  mpiexec.mpich -n 2 "$PARIO_BIN/pario-gen" --dtype int64 --shape 8192,16384 --uniform 0:99 --seed 1 --out "$F"
fi
cache_from_disk "$F"   # cached as a read from disk leaves it (bench/lib.sh)
count() { mpiexec.mpich -n 2 "$PARIO_BIN/pario-count" --value 7 --quiet "$@" "$F"; }
CASES=(
  "block|--dist block"
  "block-ind|--dist block --independent"
  "c1024-auto|--dist cyclic:1024"
  "c1024-view-ind|--dist cyclic:1024 --strategy view --independent"
  "c1024-view-coll|--dist cyclic:1024 --strategy view --hint romio_cb_read=enable"
  "c1024-exch|--dist cyclic:1024 --strategy exchange"
  "c1024-sieve|--dist cyclic:1024 --strategy sieve"
  "c1024-cb1m|--dist cyclic:1024 --strategy view --hint romio_cb_read=enable --hint cb_buffer_size=1048576"
  "c1024-cb64m|--dist cyclic:1024 --strategy view --hint romio_cb_read=enable --hint cb_buffer_size=67108864"
  "c1-auto|--dist cyclic"
  "c1-exch|--dist cyclic --strategy exchange"
  "c1-view|--dist cyclic --strategy view"
  "c1-view-ind|--dist cyclic --strategy view --independent"
  "tiles|--dist tiles"
  "tiles-ind|--dist tiles --independent"
  "cols-auto|--dist cols"
  "cols-exch|--dist cols --strategy exchange"
  "cols-sieve|--dist cols --strategy sieve"
)
# the floor: a bare loop over the same runs of a map of the file (bench/runs_floor.c)
RUNS_FLOOR=$BENCH_DIR/runs_floor
mpicc.mpich -O2 -o "$RUNS_FLOOR" "$(dirname "$0")/runs_floor.c" || exit 1
names=()
for c in "${CASES[@]}"; do names+=("${c%%|*}"); done
reset_times "${names[@]}" fl-block fl-c1024
for i in $(seq "$REPS"); do
  for c in "${CASES[@]}"; do
    # shellcheck disable=SC2086
    timed "${c%%|*}" count ${c#*|}
  done
  timed fl-block mpiexec.mpich -n 2 "$RUNS_FLOOR" "$F" 0
  timed fl-c1024 mpiexec.mpich -n 2 "$RUNS_FLOOR" "$F" 8192
done
for n in fl-block fl-c1024; do
  [ "$(cat "$BENCH_DIR/$n.out")" = "$(awk '/^count:/ {print $2}' "$BENCH_DIR/block.out")" ] \
    || { echo "bench: $n counted $(cat "$BENCH_DIR/$n.out")" >&2; exit 1; }
done
ref=$(awk '/^count:/ {print $2}' "$BENCH_DIR/block.out")
for n in "${names[@]}"; do
  got=$(awk '/^count:/ {print $2}' "$BENCH_DIR/$n.out")
  [ "$got" = "$ref" ] || { echo "bench: $n counted $got, block $ref" >&2; exit 1; }
done
rows=""
for c in "${CASES[@]}"; do rows+="$(row "${c%%|*}" block "\`${c#*|}\`")"$'\n'; done
rows+="$(row fl-block block "floor: a bare loop over each rank's half of a map of the file (bench/runs_floor.c)")"$'\n'
rows+="$(row fl-c1024 block "floor: the same loop over each rank's 8 KiB runs (cyclic:1024)")"
extra() { echo "$(median "$1") $(median "$2")" | awk '{printf "%.3f", $1 - $2}'; }
floor_line="cyclic:1024 over block: pario $(extra c1024-auto block) s more, the bare loop over the same runs $(extra fl-c1024 fl-block) s more (its own ratio $(echo "$(median fl-c1024) $(median fl-block)" | awk '{printf "%.2f", $1/$2}')x): what 8 KiB runs cost this machine's memory system, whoever reads them."
# target NAME LIMIT: the auto row against its target
targets=""
target() {
  local r; r=$(echo "$(median "$1") $(median block)" | awk '{printf "%.2f", $1/$2}')
  targets+="$1 ${r}x (target ${2}x: $(echo "$r $2" | awk '{print ($1 <= $2) ? "met" : "NOT met"}')); "
}
target c1024-auto 1.5
target c1-auto 4
target cols-auto 1.5
target tiles 1.5
table=$(cat <<T
### views (bench/views.sh)
$(machine_line)

1 GiB int64 dataset [8192, 16384], cached as a read from disk leaves it (bench/lib.sh \`cache_from_disk\`); \`pario-count --value 7\` with 2 ranks; medians of $REPS; ratio to the block read. \`auto\` reads pieces of 4 KiB and more one by one (independent, data sieving off: cyclic:1024, cols), and smaller pieces with the sieve at 2 ranks (each rank reads the spans that hold its elements and keeps its own) or the exchange at more. Targets, auto rows: cyclic:1024, cols and tiles within 1.5x of block, cyclic within 4x. This run: ${targets%; }.

| options | seconds | ratio to block |
|---|---|---|
$rows

$floor_line
T
)
echo "$table"
[ "${1:-}" = "--write" ] && write_results views "$table"
exit 0
