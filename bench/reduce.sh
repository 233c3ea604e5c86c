#!/bin/bash
# bench/reduce.sh: pario-reduce --op sum,min,max,mean,std,hist in one pass over a
# cached 4 GiB float64 file, against `cat FILE > /dev/null` and an mpi4py + numpy
# peer computing the same statistics (2 ranks each), --exact's variance beside the
# default's; and reading with and without
# overlap (a read-ahead thread) at 2 ranks and at 1 rank. Whole processes,
# interleaved rounds, medians. Bench only, not a test.
#   PARIO_BIN=build/tools bash bench/reduce.sh [--write]   (needs python3-mpi4py, Open MPI, for the peer)
WRITE=${1:-}
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/.." && pwd)
: "${REPS:=5}"
FILE=${FILE:-$BENCH_DIR/f64-4GiB.bin}
MPI="mpiexec.mpich -n 2"
PEER="mpiexec.openmpi --allow-run-as-root --oversubscribe -n 2 /usr/bin/python3 $SRC/bench/reduce_peer.py"
OPS="--op sum,min,max,mean,std,hist --bins 100 --min -6 --max 6"

if [ ! -f "$FILE" ]; then
  $MPI "$PARIO_BIN/pario-gen" --dtype float64 --count 512Mi --normal 0:1 --seed 1 --out "$FILE" || exit 1
fi
cache_from_disk "$FILE"   # cached as a read from disk leaves it, from here on
MAPF=$(map_floor) || exit 1

NAMES="r_cat r_auto r_exact r_ov r_noov r_ind r1_auto r1_noov r_peer r_map s_cat s_auto s_minmax s_map r_minmax"
reset_times $NAMES
for i in $(seq "$REPS"); do
  timed r_cat sh -c "cat '$FILE' > /dev/null"
  timed r_auto $MPI "$PARIO_BIN/pario-reduce" $OPS "$FILE"
  timed r_exact $MPI "$PARIO_BIN/pario-reduce" $OPS --exact "$FILE"
  timed r_ov $MPI "$PARIO_BIN/pario-reduce" $OPS --overlap "$FILE"
  timed r_noov $MPI "$PARIO_BIN/pario-reduce" $OPS --no-overlap "$FILE"
  timed r_ind $MPI "$PARIO_BIN/pario-reduce" $OPS --independent "$FILE"
  timed r1_auto mpiexec.mpich -n 1 "$PARIO_BIN/pario-reduce" $OPS "$FILE"
  timed r1_noov mpiexec.mpich -n 1 "$PARIO_BIN/pario-reduce" $OPS --no-overlap "$FILE"
  timed r_peer $PEER "$FILE" 100 -6 6
  timed r_minmax $MPI "$PARIO_BIN/pario-reduce" --op min,max "$FILE"
  timed r_map $MPI "$MAPF" "$FILE"
done
# the same bytes in the small-folio state (written in 64 KiB writes): what a
# mapped read pays there, beside the floor of mapping alone
SMALL=$BENCH_DIR/f64-small-folios.bin
cache_small_writes "$FILE" "$SMALL"
for i in $(seq "$REPS"); do
  timed s_cat sh -c "cat '$SMALL' > /dev/null"
  timed s_auto $MPI "$PARIO_BIN/pario-reduce" $OPS "$SMALL"
  timed s_minmax $MPI "$PARIO_BIN/pario-reduce" --op min,max "$SMALL"
  timed s_map $MPI "$MAPF" "$SMALL"
done
rm -f "$SMALL" "$SMALL.yaml"
cmp -s "$BENCH_DIR/r_auto.out" "$BENCH_DIR/s_auto.out" || { echo "bench: the two cache states gave different results" >&2; exit 1; }
ratio() { echo "$(median "$1") $(median "$2")" | awk '{printf "%.2f", $1 / $2}'; }
verdict() { echo "$1 $2" | awk -v op="$3" '{ok = (op == "le") ? ($1 <= $2) : ($1 >= $2); print ok ? "met" : "NOT met"}'; }
C=$(ratio r_auto r_cat) P=$(ratio r_peer r_auto) O2=$(ratio r_noov r_ov) O1=$(ratio r1_noov r1_auto)
out=$BENCH_DIR/reduce-table.md
{
  echo "### reduce (bench/reduce.sh)"
  echo "$(machine_line)"
  echo
  echo "4 GiB float64 file, cached as a read from disk leaves it (bench/lib.sh \`cache_from_disk\`: $(tail -n1 "$BENCH_DIR/r_map.out")); \`pario-reduce $OPS\`; medians of $REPS interleaved rounds, whole processes."
  echo
  echo "| run | median s | vs cat |"
  echo "|---|---|---|"
  row r_cat r_cat "cat FILE > /dev/null"
  row r_auto r_cat "pario-reduce, 2 ranks (default: no spare core, so no read-ahead thread)"
  row r_exact r_cat "pario-reduce --exact, 2 ranks (variance from exact squares)"
  row r_ov r_cat "pario-reduce --overlap, 2 ranks (read-ahead thread forced)"
  row r_noov r_cat "pario-reduce --no-overlap, 2 ranks"
  row r_ind r_cat "pario-reduce --independent, 2 ranks"
  row r1_auto r_cat "pario-reduce, 1 rank (default: read-ahead thread on the spare core)"
  row r1_noov r_cat "pario-reduce --no-overlap, 1 rank"
  row r_peer r_cat "mpi4py + numpy peer, 2 ranks (Open MPI)"
  row r_minmax r_cat "pario-reduce --op min,max, 2 ranks (one sweep for the extremes, no sums)"
  row r_map r_cat "floor: 2 ranks that only map their halves and touch each page (bench/map_floor.c)"
  echo
  echo "The same bytes in a copy written in 64 KiB writes, whose page cache sits in small folios ($(tail -n1 "$BENCH_DIR/s_map.out")):"
  echo
  echo "| run | median s | vs cat of the copy |"
  echo "|---|---|---|"
  row s_cat s_cat "cat COPY > /dev/null"
  row s_auto s_cat "pario-reduce, 2 ranks"
  row s_minmax s_cat "pario-reduce --op min,max, 2 ranks"
  row s_map s_cat "floor: map and touch each page, 2 ranks"
  echo
  echo "- within 1.5x of cat: ${C}x (small folios: $(ratio s_auto s_cat)x), $(verdict "$C" 1.5 le); issue 11 section 6's 1.3x: $(verdict "$C" 1.3 le)"
  echo "- at least 3x faster than mpi4py + numpy: ${P}x, $(verdict "$P" 3 ge)"
  echo "- overlap at least 10% faster (no-overlap / overlap): 2 ranks ${O2} ($(verdict "$O2" 1.10 ge)); 1 rank ${O1} ($(verdict "$O1" 1.10 ge))"
} >"$out"
cat "$out"
if [ "$WRITE" = "--write" ]; then
  write_results reduce "$(cat "$out")"
fi
exit 0
