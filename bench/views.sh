#!/bin/bash
# bench/views.sh: read a cached 1 GiB int64 dataset [8192 x 16384] with 2 ranks through
# block, cyclic:1024, cyclic:1 and tiles views, collective and independent, and with
# both read strategies; each as a ratio to the block read in the same run. Also the
# effect of cb_buffer_size on the collective cyclic:1024 read through the view.
# Usage: bash bench/views.sh [--write]
. "$(dirname "$0")/lib.sh"
F=$BENCH_DIR/views-1g.bin
if [ ! -f "$F" ] || [ "$(stat -c %s "$F")" -ne $((8192 * 16384 * 8)) ]; then
  mpiexec.mpich -n 2 "$PARIO_BIN/pario-gen" --dtype int64 --shape 8192,16384 --uniform 0:99 --seed 1 --out "$F"
fi
cat "$F" >/dev/null
count() { mpiexec.mpich -n 2 "$PARIO_BIN/pario-count" --value 7 --quiet "$@" "$F"; }
CASES=(
  "block|--dist block"
  "block-ind|--dist block --independent"
  "c1024-auto|--dist cyclic:1024"
  "c1024-view|--dist cyclic:1024 --strategy view"
  "c1024-view-ind|--dist cyclic:1024 --strategy view --independent"
  "c1024-exch|--dist cyclic:1024 --strategy exchange"
  "c1024-cb1m|--dist cyclic:1024 --strategy view --hint cb_buffer_size=1048576"
  "c1024-cb64m|--dist cyclic:1024 --strategy view --hint cb_buffer_size=67108864"
  "c1-view|--dist cyclic --strategy view"
  "c1-view-ind|--dist cyclic --strategy view --independent"
  "c1-exch|--dist cyclic --strategy exchange"
  "tiles|--dist tiles"
  "tiles-ind|--dist tiles --independent"
  "cols-view|--dist cols --strategy view"
  "cols-exch|--dist cols --strategy exchange"
)
names=()
for c in "${CASES[@]}"; do names+=("${c%%|*}"); done
reset_times "${names[@]}"
for i in $(seq "$REPS"); do
  for c in "${CASES[@]}"; do
    # shellcheck disable=SC2086
    timed "${c%%|*}" count ${c#*|}
  done
done
ref=$(awk '/^count:/ {print $2}' "$BENCH_DIR/block.out")
for n in "${names[@]}"; do
  got=$(awk '/^count:/ {print $2}' "$BENCH_DIR/$n.out")
  [ "$got" = "$ref" ] || { echo "bench: $n counted $got, block $ref" >&2; exit 1; }
done
rows=""
for c in "${CASES[@]}"; do rows+="$(row "${c%%|*}" block "\`${c#*|}\`")"$'\n'; done
table=$(cat <<T
### views (bench/views.sh)
$(machine_line)

1 GiB int64 dataset [8192, 16384], cached; \`pario-count --value 7\` with 2 ranks; medians of $REPS; ratio to the collective block read. \`auto\` picks the exchange strategy for pieces under 1 MiB (target: cyclic:1024 within 2x of block).

| options | seconds | ratio to block |
|---|---|---|
$rows
T
)
echo "$table"
[ "${1:-}" = "--write" ] && write_results views "$table"
exit 0
