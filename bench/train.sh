#!/bin/bash
# bench/train.sh: pario-train against the same data-parallel SGD written with
# numpy + mpi4py (bench/train_peer.py, run by Open MPI's mpiexec at the same
# rank count), for logistic regression on a cached float32 dataset of ROWS x 64
# features (default 2^23 rows: the issue's 2 GiB, written once in ~15 s, each
# run 1-4 s; ROWS=1048576 for 256 MiB), at
# 1 and 2 ranks, alternating in one run, medians of $REPS: the training loop's
# own rate, and the whole process's wall and CPU time (start-up, loading, the
# epoch and the final evaluation pass over every row: both programs do all of
# it). Batch 1024, 1 epoch, rows shuffled in blocks of 64.
# Usage: PARIO_BIN=build/tools [ROWS=N] [REPS=N] [CACHE=train|cat] bash bench/train.sh [--write]
#        (--write: its section of bench/RESULTS.md)
set -u
WRITE=${1:-}
HERE=$(cd "$(dirname "$0")" && pwd)
: "${BENCH_DIR:=/tmp/pario-bench-train}"
. "$HERE/lib.sh"
MACHINE=$(machine_line)
: "${ROWS:=8388608}"
: "${BATCH:=1024}"
mkdir -p "$BENCH_DIR"
PY=/usr/bin/python3
PEER_MPI=(mpiexec.openmpi --allow-run-as-root --oversubscribe)
# the floor: a dot product per mapped row and nothing else (bench/rows_floor.c)
mpicc.mpich -O3 -march=native -ffast-math -o "$BENCH_DIR/rows_floor" "$HERE/rows_floor.c" || exit 1
cd "$BENCH_DIR" || exit 1
if [ ! -f X.bin ] || [ "$(stat -c %s X.bin)" -ne $((ROWS * 64 * 4)) ]; then
  # written in pieces of 2^20 rows, so that 2 GiB needs no 2 GiB of memory
  $PY -c "
import numpy as np
n, f, piece = $ROWS, 64, 1 << 20
rng = np.random.default_rng(1)
beta = rng.standard_normal(f)
with open('X.bin', 'wb') as fx, open('y.bin', 'wb') as fy:
    for s in range(0, n, piece):
        X = rng.standard_normal((min(piece, n - s), f), dtype=np.float32)
        y = (X @ beta + rng.standard_normal(len(X)) > 0).astype(np.float32)
        X.tofile(fx); y.tofile(fy)
open('X.bin.yaml', 'w').write('dtype: float32\nshape: [%d, %d]\n' % (n, f))
open('y.bin.yaml', 'w').write('dtype: float32\nshape: [%d]\n' % n)" || exit 1
fi
# the halves of X.bin and y.bin, for two independent 1-rank runs at once
HALF=$((ROWS / 2))
if [ ! -f Xb.bin ] || [ "$(stat -c %s Xb.bin)" -ne $(((ROWS - HALF) * 64 * 4)) ]; then
  head -c $((HALF * 64 * 4)) X.bin > Xa.bin && tail -c +$((HALF * 64 * 4 + 1)) X.bin > Xb.bin &&
    head -c $((HALF * 4)) y.bin > ya.bin && tail -c +$((HALF * 4 + 1)) y.bin > yb.bin || exit 1
  for h in a b; do n=$HALF; [ $h = b ] && n=$((ROWS - HALF))
    printf 'dtype: float32\nshape: [%d, 64]\n' $n > X$h.bin.yaml; printf 'dtype: float32\nshape: [%d]\n' $n > y$h.bin.yaml; done
fi
# The page cache's state: CACHE=train (the default) drops the files and has
# pario-train read each from disk once (its map asks for 2 MiB folios,
# MADV_HUGEPAGE: the state in which a dataset pario-train read stays cached);
# CACHE=cat caches them as `cat` leaves them (bench/lib.sh cache_from_disk:
# read(), whose folios are as large as memory then allows). Which share of
# X.bin ended in 2 MiB folios is printed (bench/folio_share.c): it decides how
# many TLB misses the shuffled segments cost (doc/train.md, the fourteenth round).
: "${CACHE:=train}"
gcc -O2 -o "$BENCH_DIR/folio_share" "$HERE/folio_share.c" || exit 1
if [ "$CACHE" = cat ]; then
  for f in X.bin y.bin Xa.bin Xb.bin ya.bin yb.bin; do cache_from_disk $f; done
else
  for h in "" a b; do
    for f in X$h.bin y$h.bin; do sync "$f"; dd if="$f" iflag=nocache count=0 status=none; done
    mpiexec.mpich -n 1 "$PARIO_BIN/pario-train" --model logistic --labels y$h.bin --epochs 1 --batch "$BATCH" \
      --lr 0.1 X$h.bin > /dev/null || exit 1
  done
fi
FOLIOS=$("$BENCH_DIR/folio_share" X.bin) || exit 1
jget() { $PY -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
med() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
rm -f ./*.rate ./*.wall ./*.cpu ./*.mstep
# whole process: wall seconds and CPU seconds (user + system, all ranks) of
# mpiexec, by /usr/bin/time; the loop's own samples/s from each program
timed() { local tag=$1; shift
  /usr/bin/time -f "%e %U %S" -o t.out "$@" > out.txt 2> err.txt || { echo "bench/train.sh: failed: $*" >&2; cat err.txt >&2; exit 1; }
  awk '{print $1}' t.out >>"$tag.wall"; awk '{print $2 + $3}' t.out >>"$tag.cpu"; }
# the rate of rank 0's median step (--verbose): batch / median step time
mstep() { sed -n 's/.*rank 0: .*median step \([0-9.]*\) us.*/\1/p' "$2" | awk -v b="$1" '{print b / ($1 * 1e-6)}'; }
for i in $(seq "$REPS"); do
  for n in 1 2; do
    timed pario$n mpiexec.mpich -n $n "$PARIO_BIN/pario-train" --model logistic --labels y.bin --epochs 1 \
      --batch "$BATCH" --lr 0.1 --format json --verbose X.bin
    jget out.txt samples_per_second >>pario$n.rate
    mstep "$BATCH" err.txt >>pario$n.mstep
    timed numpy$n "${PEER_MPI[@]}" -n $n $PY "$HERE/train_peer.py" X.bin y.bin "$ROWS" 64 1 "$BATCH" 0.1
    awk '{print $1 / $2}' out.txt >>numpy$n.rate
    mpiexec.mpich -n $n ./rows_floor X.bin 64 | awk -v r="$ROWS" '{print r / $1}' >>floor$n.rate
    # the same dot products with pario-train's access: blocks of 64 rows, shuffled, the next prefetched
    mpiexec.mpich -n $n ./rows_floor X.bin 64 64 | awk -v r="$ROWS" '{print r / $1}' >>bfloor$n.rate
    # the same training with 4x the rows per step (the steps' fixed costs weigh 1/4)
    mpiexec.mpich -n $n "$PARIO_BIN/pario-train" --model logistic --labels y.bin --epochs 1 \
      --batch $((4 * BATCH)) --lr 0.1 --format json --verbose X.bin > out4.txt 2> err4.txt || exit 1
    jget out4.txt samples_per_second >>big$n.rate
    mstep $((4 * BATCH)) err4.txt >>big$n.mstep
    # no communication at all: two 1-rank runs at once, each on its half of the
    # rows with half the batch (a 2-rank run's work per process, nothing shared);
    # their rate: the rows over the slower one's loop
    if [ "$n" = 2 ]; then
      for h in a b; do
        mpiexec.mpich -n 1 "$PARIO_BIN/pario-train" --model logistic --labels y$h.bin --epochs 1 \
          --batch $((BATCH / 2)) --lr 0.1 --format json X$h.bin > half$h.txt 2> halferr$h.txt &
      done
      wait
      $PY -c "
import json, sys
r = [json.load(open('half%s.txt' % h)) for h in 'ab']
print($ROWS / max(x['samples'] / x['samples_per_second'] for x in r))" >>apart2.rate || exit 1
    fi
  done
done
for v in pario1 pario2 numpy1 numpy2; do
  eval "R_$v=\$(med <$v.rate) W_$v=\$(med <$v.wall) C_$v=\$(med <$v.cpu)"
done
for v in pario1 pario2 big1 big2; do eval "M_$v=\$(med <$v.mstep)"; done
R_apart2=$(med <apart2.rate) R_floor1=$(med <floor1.rate) R_floor2=$(med <floor2.rate) R_bfloor1=$(med <bfloor1.rate) R_bfloor2=$(med <bfloor2.rate) R_big1=$(med <big1.rate) R_big2=$(med <big2.rate)
ratio() { echo "$1 $2" | awk '{printf "%.2f", $1 / $2}'; }
K() { echo "$1" | awk '{printf "%.0f", $1 / 1e3}'; }
MIB=$((ROWS * 64 * 4 / 1048576))
if [ "$CACHE" = train ]; then
  CACHED="cached as pario-train leaves a file it read from disk: \`CACHE=train\`"
else
  CACHED="cached as \`cat\` leaves a file it read from disk: \`CACHE=cat\`, bench/lib.sh \`cache_from_disk\`"
fi
TABLE="## train: pario-train, logistic regression SGD ($(date -u +%Y-%m-%d))

$MACHINE

$ROWS rows x 64 float32 features ($MIB MiB, $CACHED; $FOLIOS% of X.bin in 2 MiB folios), labels float32, batch
$BATCH, 1 epoch, rows shuffled in blocks of 64, medians of $REPS runs alternating in
one run (\`ROWS=$ROWS bash bench/train.sh\`). The peer is the same data-parallel SGD
in numpy + mpi4py (\`bench/train_peer.py\`: each rank its share of every global
batch, one \`Allreduce\` of the gradient per step, the final evaluation pass over
every row), run by Open MPI's \`mpiexec -n P python3\` at the same P. Whole
process: wall and CPU seconds (user + system, all ranks) of \`mpiexec\`; loop: the
training loop's own samples/s; median step: the batch over rank 0's median
step time (\`--verbose\`), which a step stalled by another job on the machine
does not move.

| what | loop k samples/s | median step k samples/s | whole process, wall s | CPU s | wall: numpy / pario | CPU: numpy / pario |
|---|---|---|---|---|---|---|
| numpy + mpi4py, 1 rank | $(K "$R_numpy1") | | $W_numpy1 | $C_numpy1 | | |
| numpy + mpi4py, 2 ranks | $(K "$R_numpy2") | | $W_numpy2 | $C_numpy2 | | |
| pario-train, 1 rank | $(K "$R_pario1") | $(K "$M_pario1") | $W_pario1 | $C_pario1 | $(ratio "$W_numpy1" "$W_pario1") | $(ratio "$C_numpy1" "$C_pario1") |
| pario-train, 2 ranks | $(K "$R_pario2") | $(K "$M_pario2") | $W_pario2 | $C_pario2 | $(ratio "$W_numpy2" "$W_pario2") | $(ratio "$C_numpy2" "$C_pario2") |
| pario-train, batch $((4 * BATCH)), 1 rank | $(K "$R_big1") | $(K "$M_big1") | | | | |
| pario-train, batch $((4 * BATCH)), 2 ranks | $(K "$R_big2") | $(K "$M_big2") | | | | |
| two 1-rank pario-train runs at once, each half the rows and batch $((BATCH / 2)), no communication | $(K "$R_apart2") | | | | | |
| floor, 1 rank (\`bench/rows_floor.c\`) | $(K "$R_floor1") | | | | | |
| floor, 2 ranks | $(K "$R_floor2") | | | | | |
| floor in shuffled blocks of 64 rows, 1 rank (\`rows_floor FILE 64 64\`) | $(K "$R_bfloor1") | | | | | |
| floor in shuffled blocks of 64 rows, 2 ranks | $(K "$R_bfloor2") | | | | | |

2 ranks / 1 rank, loop rate: pario-train $(ratio "$R_pario2" "$R_pario1") (batch $((4 * BATCH)): $(ratio "$R_big2" "$R_big1")), numpy + mpi4py $(ratio "$R_numpy2" "$R_numpy1"),
median step: pario-train $(ratio "$M_pario2" "$M_pario1") (batch $((4 * BATCH)): $(ratio "$M_big2" "$M_big1")),
the floor $(ratio "$R_floor2" "$R_floor1") (a dot product of each mapped, populated row with a
fixed vector, each rank its contiguous 1/P of the rows, nothing else: how reading the rows
from memory scales on this machine), in shuffled blocks of 64 rows (pario-train's access: each
rank its 1/P of the blocks in a random order, the next block prefetched) $(ratio "$R_bfloor2" "$R_bfloor1");
two independent 1-rank pario-train runs at once, each on half the rows (pario-train's own kernel and access with
no communication and no shared step: what 2 processes of this kernel give here) / 1 rank $(ratio "$R_apart2" "$R_pario1");
loop rate, pario / numpy: 1 rank $(ratio "$R_pario1" "$R_numpy1"), 2 ranks $(ratio "$R_pario2" "$R_numpy2").
Targets (issue 15): 2 ranks / 1 rank >= 1.7 (pario's loop rate), numpy / pario >= 5
(whole process). On a shared machine judge by the CPU column; where the time
goes and the step-time model: doc/train.md, \"Measured on this machine\"."
echo "$TABLE"
[ "$WRITE" = --write ] && (cd "$HERE/.." && write_results train "$TABLE")
exit 0
