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
cache_from_disk "$F"   # cached as a read from disk leaves it (bench/lib.sh)
# the floor: 2 ranks that only pread() their halves (no MPI-IO, no counting)
FLOOR=$BENCH_DIR/pread_floor
mpicc.mpich -O2 -o "$FLOOR" "$(dirname "$0")/pread_floor.c" || exit 1
reset_times cat pario pario256k pario512k pario1m pario4m peer floor4 floor1 floor256k startup
for i in $(seq "$REPS"); do
  timed cat sh -c "cat '$F' > /dev/null"
  timed pario mpiexec.mpich -n 2 "$PARIO_BIN/pario-count" --value 7 --quiet "$F"
  for c in 256k 512k 1m 4m; do
    timed pario$c mpiexec.mpich -n 2 "$PARIO_BIN/pario-count" --value 7 --quiet --chunk "${c%?}$(echo "${c: -1}" | tr km KM)i" "$F"
  done
  timed peer mpiexec.openmpi --allow-run-as-root --oversubscribe -n 2 /usr/bin/python3 "$(dirname "$0")/count_peer.py" "$F" 7
  timed floor4 mpiexec.mpich -n 2 "$FLOOR" "$F" 4194304
  timed floor1 mpiexec.mpich -n 2 "$FLOOR" "$F" 1048576
  timed floor256k mpiexec.mpich -n 2 "$FLOOR" "$F" 262144
  timed startup mpiexec.mpich -n 2 "$FLOOR" /dev/null 1048576
done
# peak memory in a run of its own (/usr/bin/time around each rank is a process more)
# (each rank's figure in a file of its own: on one stderr the two lines interleaved)
rm -f "$BENCH_DIR"/rss.err.*
mpiexec.mpich -n 2 sh -c 'exec /usr/bin/time -f "maxrss_kib %M" -o "$0.$PMI_RANK" "$@"' "$BENCH_DIR/rss.err" \
  "$PARIO_BIN/pario-count" --value 7 --quiet "$F" >/dev/null
pc=$(awk '/^count:/ {print $2}' "$BENCH_DIR/pario.out")
pe=$(cat "$BENCH_DIR/peer.out")
[ "$pc" = "$pe" ] || { echo "bench: pario counted $pc, the peer $pe" >&2; exit 1; }
rss=$(cat "$BENCH_DIR"/rss.err.* | awk '/maxrss_kib/ {if ($2 > m) m = $2} END {printf "%.1f", m / 1024}')
table=$(cat <<T
### count (bench/count.sh)
$(machine_line)

4 GiB int32 file, cached as a read from disk leaves it (bench/lib.sh \`cache_from_disk\`); \`pario-count --value 7\` with 2 ranks (each rank reads its half on its own; default chunk $("$PARIO_BIN/pario-count" --help | grep -o 'default [0-9]*[KM]i' | head -1 | sed 's/default //')); medians of $REPS, whole processes.

| run | seconds | ratio to cat |
|---|---|---|
$(row cat cat 'cat FILE > /dev/null')
$(row pario cat 'mpiexec -n 2 pario-count (default chunk)')
$(row pario256k cat 'mpiexec -n 2 pario-count --chunk 256Ki')
$(row pario512k cat 'mpiexec -n 2 pario-count --chunk 512Ki')
$(row pario1m cat 'mpiexec -n 2 pario-count --chunk 1Mi')
$(row pario4m cat 'mpiexec -n 2 pario-count --chunk 4Mi')
$(row peer cat 'mpi4py + numpy, 2 ranks (Open MPI)')
$(row floor4 cat 'floor: mpiexec -n 2 of a C program that only pread()s its half, 4 MiB pieces')
$(row floor1 cat 'floor: the same, 1 MiB pieces')
$(row floor256k cat 'floor: the same, 256 KiB pieces')
$(row startup cat 'mpiexec -n 2 of that program on an empty file (start-up alone)')

pario-count vs mpi4py + numpy: $(echo "$(median peer) $(median pario)" | awk '{printf "%.2f", $1/$2}')x faster (target 3x). A loop that only pread()s the same halves is $(echo "$(median peer) $(median floor1)" | awk '{printf "%.2f", $1/$2}')x faster than the peer (1 MiB pieces; $(echo "$(median peer) $(median floor4)" | awk '{printf "%.2f", $1/$2}')x with 4 MiB): pario-count reads each rank's half through a memory map (no copy from the page cache), which is how it gets past that floor. pario-count (default chunk) vs the fastest pread floor: $(best=$(for f in floor1 floor4 floor256k; do median $f; done | sort -g | head -1); echo "$(median pario) $best" | awk '{printf "%.2f", $1/$2}')x (target 1.15x). Peak RSS per rank: $rss MiB (target: under 2 x chunk + 32 MiB = 34 MiB at the default 1 MiB). Count: $pc.
T
)
echo "$table"
[ "${1:-}" = "--write" ] && write_results count "$table"
exit 0
