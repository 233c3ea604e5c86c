#!/bin/bash
# HDF5 chunks taken from a memory map of the file (io_read_h5_direct.c, io_map.c):
# files written by h5py; for each dataset pario-scatter writes each rank's part as
# read through the map (the default) and through MPI-IO (--no-mmap): the parts are
# the same byte for byte, and the map's gathered are numpy's bytes of the dataset (cmp): unfiltered 1-D chunks that do not divide the
# length, 2-D chunks of whole rows (handed over with no copy), 2-D chunks narrower
# than the rows (copied from the map), big-endian (swapped: copied), float32, gzip
# + shuffle (inflated from the map); rank counts rotate over 1-4. --verbose says
# which way the chunks were read. (A file shrinking under the map: test_h5map.)
. "$(dirname "$0")/lib.sh"

"$PYTHON3" -c "import numpy, h5py" 2>/dev/null || { echo "h5_map: numpy/h5py missing: skipped"; exit 77; }
"$PYTHON3" -c "
import h5py, numpy as np
r = np.random.default_rng(5)
with h5py.File('data.h5', 'w') as h:
    h.create_dataset('c1', data=r.normal(size=100003), chunks=(4099,))
    h.create_dataset('rows', data=r.normal(size=(1001, 37)), chunks=(64, 37))
    h.create_dataset('narrow', data=r.normal(size=(301, 37)), chunks=(16, 10))
    h.create_dataset('be', data=r.normal(size=20011).astype('>f8'), chunks=(1000,))
    h.create_dataset('f4', data=r.normal(size=30011).astype('f4'), chunks=(3001,))
    h.create_dataset('gz', data=r.normal(size=50021), chunks=(2048,), compression='gzip', compression_opts=1, shuffle=True)
    for k in h:
        h[k][...].tofile(k + '.ref')  # as stored (big-endian stays big, as pario's raw output declares)
" || { echo "h5_map: writing the files failed"; exit 99; }

n=1
for d in c1 rows narrow be f4 gz; do
  for how in map no-mmap; do
    rm -f "$d.$how" "$d.$how.yaml" p.$how.*
    extra=""; [ "$how" = no-mmap ] && extra=--no-mmap
    # each rank's part as the reader delivered it
    mpirun $n pario-scatter $extra --out "p.$how" "data.h5:/$d" 2>err.txt || fail "$d n=$n $how ran: $(head -c 300 err.txt)"
  done
  # the map's parts gathered into one raw file (the --no-mmap parts equal them)
  if mpirun $n pario-gather --out "$d.map" p.map 2>err.txt; then
    check "$d n=$n: numpy's bytes" cmp -s "$d.ref" "$d.map"
  else
    fail "$d n=$n gather ran: $(head -c 300 err.txt)"
  fi
  for ((r = 0; r < n; r++)); do
    check "$d n=$n rank $r: map and --no-mmap byte for byte" cmp -s "p.map.$r" "p.no-mmap.$r"
  done
  n=$((n % 4 + 1))
done

# which way the chunks were read, as --verbose says (the reads' own record)
verbose() { # N DSET [args]: the "read through parallel HDF5" line
  mpirun "$1" pario-reduce --op sum --verbose "${@:3}" "data.h5:/$2" 2>&1 >/dev/null | grep "read through parallel HDF5"
}
check "verbose: unfiltered chunks, no copy" grep -q "from a memory map of the file, as they are stored, with no copy" <<<"$(verbose 2 c1)"
check "verbose: narrow chunks copied from the map" grep -q "from a memory map of the file and copied" <<<"$(verbose 3 narrow)"
check "verbose: gzip inflated from the map" grep -q "from a memory map of the file and inflated by pario" <<<"$(verbose 2 gz)"
check "verbose: --no-mmap reads with MPI-IO" grep -q "chunks read with MPI-IO at their addresses, as they are stored" <<<"$(verbose 2 c1 --no-mmap)"
check "explain: unfiltered chunks from the map" grep -q "taken at its address from a memory map of the file, as it is stored, and handed to the work with no copy" \
  <<<"$(mpirun 2 pario-reduce --op sum --explain data.h5:/c1 2>&1)"
finish
