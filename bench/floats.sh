#!/bin/bash
# bench/floats.sh: the cost of exact float sums. pario-reduce --op
# sum,min,max,mean,std,hist (bench/reduce.sh's operations) and --op sum,mean on a
# cached float64 file, 2 ranks, against `cat FILE > /dev/null`; with BASE_BIN set
# (the tools of a build before exact sums), that build too, interleaved in the same
# rounds. Whole processes, medians. Bench only, not a test.
#   PARIO_BIN=build/tools [BASE_BIN=/path/old/tools] [COUNT=128Mi] bash bench/floats.sh [--write]
WRITE=${1:-}
. "$(dirname "$0")/lib.sh"
: "${REPS:=5}"
: "${COUNT:=128Mi}"
FILE=${FILE:-$BENCH_DIR/f64-$COUNT.bin}
MPI="mpiexec.mpich -n 2"
OPS="--op sum,min,max,mean,std,hist --bins 100 --min -6 --max 6"
if [ ! -f "$FILE" ]; then
  $MPI "$PARIO_BIN/pario-gen" --dtype float64 --count "$COUNT" --normal 0:1 --seed 1 --out "$FILE" || exit 1
fi
cat "$FILE" > /dev/null
# ctimed NAME CMD...: as timed, and the CPU seconds (user + sys of every process) to NAME.cpu.times:
# on a shared machine the CPU time says what the work costs when the wall time says who else ran
ctimed() {
  local name=$1; shift
  /usr/bin/time -f '%U %S' -o "$BENCH_DIR/$name.rusage" "$@" >"$BENCH_DIR/$name.out" 2>"$BENCH_DIR/$name.err" &&
    awk '{printf "%.4f\n", $1 + $2}' "$BENCH_DIR/$name.rusage" >>"$BENCH_DIR/$name.cpu.times"
}
NAMES="f_cat f_all f_sum b_all b_sum"
reset_times $NAMES
for n in $NAMES; do rm -f "$BENCH_DIR/$n.cpu.times"; done
for i in $(seq "$REPS"); do
  timed f_cat sh -c "cat '$FILE' > /dev/null"
  timed f_all $MPI "$PARIO_BIN/pario-reduce" $OPS "$FILE"
  timed f_sum $MPI "$PARIO_BIN/pario-reduce" --op sum,mean "$FILE"
  ctimed f_all $MPI "$PARIO_BIN/pario-reduce" $OPS "$FILE"
  ctimed f_sum $MPI "$PARIO_BIN/pario-reduce" --op sum,mean "$FILE"
  if [ -n "${BASE_BIN:-}" ]; then
    timed b_all $MPI "$BASE_BIN/pario-reduce" $OPS "$FILE"
    timed b_sum $MPI "$BASE_BIN/pario-reduce" --op sum,mean "$FILE"
    ctimed b_all $MPI "$BASE_BIN/pario-reduce" $OPS "$FILE"
    ctimed b_sum $MPI "$BASE_BIN/pario-reduce" --op sum,mean "$FILE"
  fi
done
out=$BENCH_DIR/floats-table.md
{
  echo "### exact float sums (bench/floats.sh)"
  echo "$(machine_line)"
  echo
  echo "$(du -h "$FILE" | cut -f1) float64 file ($COUNT values, normal), cached; 2 ranks; medians of $REPS interleaved rounds, whole processes."
  echo
  echo "| run | median s | vs cat |"
  echo "|---|---|---|"
  row f_cat f_cat "cat FILE > /dev/null"
  row f_all f_cat "pario-reduce $OPS (exact sums)"
  row f_sum f_cat "pario-reduce --op sum,mean (exact sums)"
  if [ -n "${BASE_BIN:-}" ]; then
    row b_all f_cat "before: pario-reduce $OPS (Neumaier + Chan)"
    row b_sum f_cat "before: pario-reduce --op sum,mean (Neumaier)"
    echo
    echo "- exact / before, all operations: wall $(echo "$(median f_all) $(median b_all)" | awk '{printf "%.2f", $1 / $2}'), CPU seconds of all processes $(median f_all.cpu) / $(median b_all.cpu) = $(echo "$(median f_all.cpu) $(median b_all.cpu)" | awk '{printf "%.2f", $1 / $2}')"
    echo "- exact / before, sum and mean: wall $(echo "$(median f_sum) $(median b_sum)" | awk '{printf "%.2f", $1 / $2}'), CPU seconds $(median f_sum.cpu) / $(median b_sum.cpu) = $(echo "$(median f_sum.cpu) $(median b_sum.cpu)" | awk '{printf "%.2f", $1 / $2}')"
  fi
} >"$out"
cat "$out"
if [ "$WRITE" = "--write" ]; then
  write_results floats "$(cat "$out")"
fi
exit 0
