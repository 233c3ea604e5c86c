#!/bin/bash
# An HDF5 input is opened once per run: every rank opens the file once, in the one
# collective H5Fopen (MPI-IO driver, collective metadata reads) whose handle serves
# both the inspection and the reads; rank 0 alone also reads the first bytes (the
# signature that says the file is HDF5). Counted by strace (openat of the file,
# per process), not by pario, for contiguous, chunked (gzip) and compact datasets
# and several tools, rank counts rotating over 1-4.
. "$(dirname "$0")/lib.sh"

command -v strace >/dev/null 2>&1 || { echo "h5_open_once: strace missing: skipped"; exit 77; }
"$PYTHON3" -c "import numpy, h5py" 2>/dev/null || { echo "h5_open_once: numpy/h5py missing: skipped"; exit 77; }
"$PYTHON3" -c "
import h5py, numpy as np
with h5py.File('data.h5', 'w') as h:
    h['g/contig'] = np.arange(1001, dtype='<f8')
    h.create_dataset('g/gz', data=np.arange(1001, dtype='>i4'), chunks=(97,), compression='gzip', shuffle=True)
    s = h5py.h5s.create_simple((4, 5))
    p = h5py.h5p.create(h5py.h5p.DATASET_CREATE); p.set_layout(h5py.h5d.COMPACT)
    h5py.h5d.create(h.id, b'compact', h5py.h5t.STD_I16LE, s, p).write(h5py.h5s.ALL, h5py.h5s.ALL,
                                                                        np.arange(20, dtype='<i2').reshape(4, 5))
" || exit 99
strace -f -qq -e trace=openat -o probe.trace true 2>/dev/null || { echo "h5_open_once: ptrace not permitted: skipped"; exit 77; }

# N TOOL ARGS...: run under strace; the opens of data.h5 per process must be one
# per rank, plus rank 0's signature read: N processes, N + 1 opens, none more than 2
once() {
  local n=$1; shift
  rm -f run.trace
  if ! timeout -k 5 "$TEST_TIMEOUT" strace -f -qq -e trace=openat -o run.trace \
       "$MPIEXEC" -n "$n" "$PARIO_BIN/$1" "${@:2}" >run.out 2>run.err; then
    fail "$* (n=$n) ran: $(head -c 300 run.err)"; return
  fi
  local counts procs total most
  counts=$(grep -E 'openat\(AT_FDCWD, "([^"]*/)?data\.h5"' run.trace | grep -v ENOENT | awk '{print $1}' | sort | uniq -c)
  procs=$(echo "$counts" | grep -c .)
  total=$(echo "$counts" | awk '{s += $1} END {print s + 0}')
  most=$(echo "$counts" | awk '$1 > m {m = $1} END {print m + 0}')
  if [ "$procs" -eq "$n" ] && [ "$total" -eq $((n + 1)) ] && [ "$most" -le 2 ]; then
    pass "$* (n=$n): opens per process $(echo $counts)"
  else
    fail "$* (n=$n): $procs processes opened data.h5, $total opens (want $n and $((n + 1))): $(echo $counts)"
  fi
}

once 1 pario-reduce --op sum data.h5:/g/contig
once 2 pario-reduce --op sum,min data.h5:/g/gz
once 3 pario-count --value 3 data.h5:/compact
once 4 pario-reduce --op max data.h5:/g/gz
once 2 pario-count --range 0:9 --dist cyclic:7 data.h5:/g/contig
once 3 pario-convert --dtype float64 data.h5:/g/gz out.npy
check "convert wrote numpy's values" "$PYTHON3" -c "
import numpy as np; assert np.array_equal(np.load('out.npy'), np.arange(1001, dtype='f8'))"
once 4 pario-scatter --part-format h5 --out p data.h5:/g/contig
finish
