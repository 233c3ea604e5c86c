#!/bin/sh
# bench/reduce.sh: pario-reduce --op sum,min,max,mean,std,hist in one pass over a
# cached 4 GiB float64 file with 2 ranks, against `cat FILE > /dev/null` and an
# mpi4py + numpy peer computing the same statistics, and pario-reduce without
# overlap; whole processes, interleaved rounds, medians. Bench only, not a test.
#   sh bench/reduce.sh [FILE] [ROUNDS]     (run from the build directory, or set PARIO_BIN)
# Needs python3-mpi4py (Open MPI) for the peer.
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
BIN=${PARIO_BIN:-$(pwd)/tools}
FILE=${1:-/tmp/pario-bench/f64-4GiB.bin}
ROUNDS=${2:-5}
MPI="mpiexec.mpich -n 2"
PEER="mpiexec.openmpi --allow-run-as-root --oversubscribe -n 2 /usr/bin/python3 $SRC/bench/reduce_peer.py"
OPS="--op sum,min,max,mean,std,hist --bins 100 --min -6 --max 6"
export HWLOC_COMPONENTS=-pci

if [ ! -f "$FILE" ]; then
  mkdir -p "$(dirname "$FILE")"
  $MPI "$BIN/pario-gen" --dtype float64 --count 512Mi --normal 0:1 --seed 1 --out "$FILE" || exit 1
fi
cat "$FILE" > /dev/null   # cached: the page cache holds it from here on

# t NAME CMD...: wall seconds of one whole process, appended to NAME.times
T=$(mktemp -d)
t() {
  name=$1; shift
  s=$(date +%s.%N)
  "$@" > /dev/null 2> "$T/$name.err" || { echo "$name failed: $(head -c 300 "$T/$name.err")" >&2; }
  e=$(date +%s.%N)
  echo "$e - $s" | bc >> "$T/$name.times"
}
for r in $(seq "$ROUNDS"); do
  t cat sh -c "cat '$FILE' > /dev/null"
  t overlap $MPI "$BIN/pario-reduce" $OPS "$FILE"
  t nooverlap $MPI "$BIN/pario-reduce" $OPS --no-overlap "$FILE"
  t independent $MPI "$BIN/pario-reduce" $OPS --independent "$FILE"
  t peer $PEER "$FILE" 100 -6 6
done
med() { sort -n "$T/$1.times" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
all() { sort -n "$T/$1.times" | tr '\n' ' '; }
C=$(med cat); O=$(med overlap); N=$(med nooverlap); I=$(med independent); P=$(med peer)
echo "| run | median s | all runs (s, sorted) | vs cat |"
echo "|---|---|---|---|"
for k in cat overlap nooverlap independent peer; do
  m=$(med $k)
  echo "| $k | $m | $(all $k)| $(echo "scale=2; $m / $C" | bc) |"
done
echo
echo "pario-reduce (overlap) / cat = $(echo "scale=2; $O / $C" | bc)  (target <= 1.5)"
echo "mpi4py+numpy / pario-reduce = $(echo "scale=2; $P / $O" | bc)  (target >= 3)"
echo "no-overlap / overlap = $(echo "scale=2; $N / $O" | bc)  (target >= 1.10)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
rm -rf "$T"
