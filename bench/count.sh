#!/bin/bash
# bench/count.sh: pario-count on a cached 4 GiB int32 file with 2 ranks, against
# `cat FILE > /dev/null` and an mpi4py + numpy peer doing the same collective-read
# count, alternating in one run, medians of $REPS; peak memory per rank.
# Usage: bash bench/count.sh [--write]   (--write updates bench/RESULTS.md)
. "$(dirname "$0")/lib.sh"
F=$BENCH_DIR/count-4g.bin
N=1073741824
if [ ! -f "$F" ] || [ "$(stat -c %s "$F")" -ne $((N * 4)) ]; then
  mpiexec.mpich -n 2 "$PARIO_BIN/pario-gen" --dtype int32 --count $N --uniform 0:99 --seed 7 --out "$F"
fi
cat "$F" >/dev/null   # cached
# the floor: 2 ranks that only pread() their halves (no MPI-IO, no counting)
FLOOR=$BENCH_DIR/pread_floor
mpicc.mpich -O2 -o "$FLOOR" "$(dirname "$0")/pread_floor.c" || exit 1
reset_times cat pario pario1m peer floor4 floor1 startup
for i in $(seq "$REPS"); do
  timed cat sh -c "cat '$F' > /dev/null"
  timed pario mpiexec.mpich -n 2 /usr/bin/time -f "maxrss_kib %M" "$PARIO_BIN/pario-count" --value 7 --quiet "$F"
  timed pario1m mpiexec.mpich -n 2 "$PARIO_BIN/pario-count" --value 7 --quiet --chunk 1Mi "$F"
  timed peer mpiexec.openmpi --allow-run-as-root --oversubscribe -n 2 /usr/bin/python3 "$(dirname "$0")/count_peer.py" "$F" 7
  timed floor4 mpiexec.mpich -n 2 "$FLOOR" "$F" 4194304
  timed floor1 mpiexec.mpich -n 2 "$FLOOR" "$F" 1048576
  timed startup mpiexec.mpich -n 2 "$FLOOR" /dev/null 1048576
done
pc=$(awk '/^count:/ {print $2}' "$BENCH_DIR/pario.out")
pe=$(cat "$BENCH_DIR/peer.out")
[ "$pc" = "$pe" ] || { echo "bench: pario counted $pc, the peer $pe" >&2; exit 1; }
rss=$(awk '/maxrss_kib/ {if ($2 > m) m = $2} END {printf "%.1f", m / 1024}' "$BENCH_DIR/pario.err")
table=$(cat <<T
### count (bench/count.sh)
$(machine_line)

4 GiB int32 file, cached; \`pario-count --value 7\` with 2 ranks (collective reads, 4 MiB chunks); medians of $REPS, whole processes.

| run | seconds | ratio to cat |
|---|---|---|
$(row cat cat 'cat FILE > /dev/null')
$(row pario cat 'mpiexec -n 2 pario-count')
$(row pario1m cat 'mpiexec -n 2 pario-count --chunk 1Mi')
$(row peer cat 'mpi4py + numpy, 2 ranks (Open MPI)')
$(row floor4 cat 'floor: mpiexec -n 2 of a C program that only pread()s its half, 4 MiB pieces')
$(row floor1 cat 'floor: the same, 1 MiB pieces')
$(row startup cat 'mpiexec -n 2 of that program on an empty file (start-up alone)')

pario-count vs mpi4py + numpy: $(echo "$(median peer) $(median pario)" | awk '{printf "%.2f", $1/$2}')x faster (target 3x). Even the pread-only floor is only $(echo "$(median peer) $(median floor1)" | awk '{printf "%.2f", $1/$2}')x faster than the peer (1 MiB pieces; $(echo "$(median peer) $(median floor4)" | awk '{printf "%.2f", $1/$2}')x with 4 MiB): no reader of this file can reach 3x here. Peak RSS per rank: $rss MiB (target: under 2 x 4 MiB chunk + 32 MiB = 40 MiB). Count: $pc.
T
)
echo "$table"
[ "${1:-}" = "--write" ] && write_results count "$table"
exit 0
