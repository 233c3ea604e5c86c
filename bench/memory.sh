#!/bin/bash
# Memory per rank at 1, 2, 4 and 8 ranks: the largest peak address space (VmPeak)
# and peak resident set (VmHWM) of any rank, as --stats prints them with
# PARIO_MEMSTATS=1 (read from /proc/self/status at the end of the run), for
# count, reduce and convert with block and cyclic. A fixed chunk (CHUNK, 4 MiB by
# default) on 64 MiB of int32 (SIZE elements): memory should follow the
# chunk, not the number of ranks. bench/memory.sh --write puts the table in
# bench/RESULTS.md.
. "$(dirname "$0")/lib.sh"
: "${CHUNK:=4Mi}"
: "${SIZE:=16777216}" # elements of int32: 64 MiB
MPIEXEC=${MPIEXEC:-mpiexec.mpich}
f=$BENCH_DIR/mem.bin
if [ ! -s "$f" ] || [ "$(stat -c %s "$f")" -ne $((SIZE * 4)) ]; then
  "$MPIEXEC" -n 2 "$PARIO_BIN/pario-gen" --dtype int32 --count "$SIZE" --uniform -1000:1000 --seed 1 --out "$f" || exit 1
fi

# peak N TOOL ARGS...: "VmPeak / VmHWM" in MiB for the run
peak() {
  local n=$1; shift
  PARIO_MEMSTATS=1 timeout 600 "$MPIEXEC" -n "$n" "$PARIO_BIN/$@" --stats --chunk "$CHUNK" >/dev/null 2>"$BENCH_DIR/mem.err" ||
    { echo "bench: $* failed: $(head -c 300 "$BENCH_DIR/mem.err")" >&2; echo "- / -"; return; }
  sed -n 's/.*(VmPeak) \([0-9.]*\) MiB on rank [0-9]*, peak resident (VmHWM) \([0-9.]*\) MiB.*/\1 \/ \2/p' "$BENCH_DIR/mem.err"
}

table="Memory per rank ($(machine_line)); file: $((SIZE * 4 / 1048576)) MiB of int32, --chunk $CHUNK; largest VmPeak / VmHWM of any rank, MiB

| tool | dist | 1 rank | 2 ranks | 4 ranks | 8 ranks |
|---|---|---|---|---|---|"
for tool in count reduce convert; do
  for d in block cyclic; do
    line="| $tool | $d |"
    for n in 1 2 4 8; do
      case $tool in
        count) m=$(peak $n pario-count --value 3 --dist $d "$f") ;;
        reduce) m=$(peak $n pario-reduce --op sum,std --dist $d "$f") ;;
        convert)
          other=cyclic; [ $d = cyclic ] && other=block
          m=$(peak $n pario-convert --dist $d --to-dist $other "$f" "$BENCH_DIR/mem.out.bin")
          rm -f "$BENCH_DIR/mem.out.bin" "$BENCH_DIR/mem.out.bin.yaml" ;;
      esac
      line="$line $m |"
    done
    table="$table
$line"
  done
done
echo "$table"
[ "${1:-}" = "--write" ] && write_results memory "$table"
exit 0
