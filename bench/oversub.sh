#!/bin/bash
# bench/oversub.sh: more ranks than cores. pario-count, pario-reduce and
# pario-scatter on a cached 1 GiB int32 file at -n 4 and at -n 2 on the same
# machine, in one run; the figure is the -n 4 time over the -n 2 time
# (issue target: within 2x for count and reduce on a 2-core machine).
# Usage: bash bench/oversub.sh [--write]
. "$(dirname "$0")/lib.sh"
F=$BENCH_DIR/oversub-1g.bin
N=$((256 * 1024 * 1024))
if [ ! -f "$F" ] || [ "$(stat -c %s "$F")" -ne $((N * 4)) ]; then
  mpiexec.mpich -n 2 "$PARIO_BIN/pario-gen" --dtype int32 --count "$N" --uniform 0:99 --seed 1 --out "$F"
fi
cache_from_disk "$F"   # cached as a read from disk leaves it (bench/lib.sh)
run() { local n=$1; shift; mpiexec.mpich -n "$n" "$PARIO_BIN/$@"; }
# "-collective" rows: a romio_cb_read hint of the user's own makes each chunk a
# collective call plus an agreement, as every block read was before pario read
# contiguous parts independently (one agreement at the end)
CASES=(
  "count|pario-count --value 7 --quiet $F"
  "count-collective|pario-count --value 7 --quiet --hint romio_cb_read=disable $F"
  "reduce|pario-reduce --op sum,std --quiet $F"
  "reduce-collective|pario-reduce --op sum,std --quiet --hint romio_cb_read=disable $F"
  "scatter|pario-scatter --quiet --out $BENCH_DIR/oversub-part $F"
)
names=()
for c in "${CASES[@]}"; do names+=("${c%%|*}-2" "${c%%|*}-4"); done
reset_times "${names[@]}"
for i in $(seq "$REPS"); do
  for c in "${CASES[@]}"; do
    for n in 2 4; do
      # shellcheck disable=SC2086
      timed "${c%%|*}-$n" run "$n" ${c#*|}
    done
  done
done
rm -f "$BENCH_DIR"/oversub-part.*
rows=""
for c in "${CASES[@]}"; do
  k=${c%%|*}
  rows+="| \`${c#*|}\` | $(median "$k-2") | $(median "$k-4") | $(echo "$(median "$k-4") $(median "$k-2")" | awk '{printf "%.2f", $1/$2}') |"$'\n'
done
table=$(cat <<T
### more ranks than cores (bench/oversub.sh)
$(machine_line)

1 GiB int32 file (2^28 elements), cached as a read from disk leaves it (bench/lib.sh \`cache_from_disk\`); whole-process seconds, medians of $REPS; the ratio is -n 4 over -n 2 on the same $(nproc)-core machine (target: at most 2 for count and reduce). The -collective rows force a collective read and an agreement per chunk (a user romio_cb_read hint), as every block read did before session 4.

| command | -n 2 s | -n 4 s | ratio |
|---|---|---|---|
$rows
T
)
echo "$table"
[ "${1:-}" = "--write" ] && write_results oversub "$table"
exit 0
