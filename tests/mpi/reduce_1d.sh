#!/bin/sh
# pario-reduce on 1-D datasets: every operation, every dtype, 1-4 ranks, block and
# cyclic distributions, sizes that divide by nothing, against numpy (reduce_ref.py).
. "${PARIO_SRCDIR:-$(dirname "$0")/../..}/tests/mpi/lib.sh"
. "$PARIO_SRCDIR/tests/mpi/reduce_lib.sh"

# every dataset, made by numpy in one Python process: one per dtype; NaN (below)
# in float64 and float32; big-endian int32 and float64 (below)
i=0
for t in int8 int16 int32 int64 uint8 uint16 uint32 uint64 float32 float64; do
  mkdata --dtype $t --shape 5003 --seed $i --out $t.bin
  i=$((i + 1))
done
mkdata --dtype float64 --shape 3001 --kind nan --seed 9 --out nan.bin
mkdata --dtype float32 --shape 2999 --kind nan --seed 8 --out nan32.bin
mkdata --dtype int32 --shape 1001 --seed 4 --byte-order big --out be.bin
mkdata --dtype float64 --shape 1001 --seed 5 --byte-order big --out bef.bin
mkdata_all

i=0
for t in int8 int16 int32 int64 uint8 uint16 uint32 uint64 float32 float64; do
  v=$(value $t.bin)
  [ -n "$v" ] || fail "make $t"
  case $t in float*) r=-2.5:4.25 ;; *) r=-3:7 ;; esac
  ops="$ALL,count=$v,range=$r"
  run 1 $t.1.json $t.bin --op $ops --bins 7
  run 2 $t.2.json $t.bin --op $ops --bins 7 --min -20 --max 30 --dist cyclic:7 --chunk 1000
  # 3 and 4 ranks cost seconds on a busy 2-core machine: alternate them
  if [ $((i % 2)) -eq 0 ]; then
    run 3 $t.3.json $t.bin --op $ops --bins 7 --dist block --chunk 4Ki --no-overlap
  else
    run 4 $t.4.json $t.bin --op $ops --bins 7 --dist cyclic --chunk 8Ki
  fi
  i=$((i + 1))
done

# reading ahead on a thread, forced where it has no core of its own: many small
# chunks, so that most of them are read while the one before is reduced
for t in int32 float64 uint8; do
  run 2 $t.2o.json $t.bin --op $ALL,count=1 --bins 7 --chunk 1000 --overlap
done
run 3 float32.3o.json float32.bin --op $ALL --bins 5 --dist cyclic:3 --chunk 2Ki --overlap
run 3 int16.3oi.json int16.bin --op $ALL --bins 5 --chunk 2Ki --overlap --independent
mpirun 2 pario-reduce --op sum --chunk 1000 --overlap --verbose float64.bin > /dev/null 2> ov2.err
mpirun 2 pario-reduce --op sum --chunk 1000 --no-overlap --no-mmap --verbose float64.bin > /dev/null 2> ov0.err
check "--overlap: the reads ran on a thread" grep -q 'reads read ahead on a thread' ov2.err
check "--no-overlap --no-mmap: reads in turn" grep -q 'reads in turn with the work' ov0.err
# --explain says so too (it said "from a memory map": the option was set after the open)
mpirun 2 pario-reduce --op sum --chunk 1000 --overlap --explain float64.bin > ovx.err 2>&1
check "--overlap --explain: MPI-IO reads, not the map" sh -c "grep -q '^reads: .*MPI_File_read_at' ovx.err && ! grep -q 'memory map' ovx.err"
# by default a rank's contiguous part comes from a memory map (no copy, nothing
# to read ahead); with --no-mmap the thread reads ahead only where it has a core
# of its own: 1 rank, 2 or more CPUs
mpirun 2 pario-reduce --op sum --chunk 1000 --verbose float64.bin > /dev/null 2> ovm.err
check "default: reads from a memory map" grep -q 'reads from a memory map of the file' ovm.err
mpirun 2 pario-reduce --op sum --chunk 1000 --dist cyclic:7 --verbose float64.bin > /dev/null 2> ovc.err
check "cyclic parts of small pieces are not mapped" bash -c "! grep -q 'memory map' ovc.err"
# runs of 4 KiB and more come from the map run by run (a chunk smaller than a run
# splits it): against numpy, and the same bytes as MPI-IO reads
run 3 float64.3m.json float64.bin --op $ALL,count=1 --bins 7 --dist cyclic:600 --chunk 3000
run 2 int32.2m.json int32.bin --op $ALL --bins 7 --dist cyclic:1100
mpirun 3 pario-reduce --op $ALL,count=1 --bins 7 --dist cyclic:600 --chunk 3000 --format json --no-mmap float64.bin \
  > float64.3n.json 2>/dev/null
check "cyclic:600 mapped = --no-mmap, byte for byte" cmp float64.3m.json float64.3n.json
mpirun 3 pario-reduce --op sum --dist cyclic:600 --verbose float64.bin > /dev/null 2> ovr.err
check "runs of 4 KiB and more: from the memory map" grep -q 'reads from a memory map of the file' ovr.err
if [ "$(nproc)" -ge 2 ]; then
  mpirun 1 pario-reduce --op sum --chunk 1000 --no-mmap --verbose float64.bin > /dev/null 2> ov1.err
  check "--no-mmap, a free core: read ahead" grep -q 'reads read ahead on a thread' ov1.err
fi
if [ "$(nproc)" -lt 4 ]; then
  mpirun 2 pario-reduce --op sum --chunk 1000 --no-mmap --verbose float64.bin > /dev/null 2> ovd.err
  check "--no-mmap, no free core: reads in turn" grep -q 'reads in turn with the work' ovd.err
fi

# NaN: propagated as in numpy, or counted and skipped
for d in nan.bin nan32.bin; do
  run 2 $d.p.json $d --op $ALL --bins 5 --min -1 --max 1 --dist cyclic:5
  run 3 $d.s.json $d --op $ALL --bins 5 --skip-nan --dist block
done

# big-endian storage goes through the reader's byte swap
run 2 be.json be.bin --op $ALL --bins 4
run 3 bef.json bef.bin --op $ALL --bins 4 --independent

# the checks against numpy, deferred to one Python process (run_deferred, lib.sh)
defer "results match numpy" manifest manifest

# text and YAML carry the same numbers as JSON
mpirun 2 pario-reduce --op sum,min,max --format yaml int32.bin > y.yaml
defer "yaml output parses and matches json" yaml-is-json y.yaml int32.1.json sum,min,argmin,max,argmax
mpirun 1 pario-reduce --op sum int16.bin > t.txt
check "text output" grep -Eq '^sum: -?[0-9]+$' t.txt
run_deferred "$REFPY"
finish
