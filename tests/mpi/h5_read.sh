#!/bin/bash
# Reading HDF5 inputs (doc/formats.md):
# 1. gzip/shuffle chunks read whole by one rank each are read and inflated by
#    pario itself (io_read_h5_direct.c): the values equal what h5py reads, for a
#    file with a user block, 2-D chunks that do not divide the shape, big-endian,
#    deflate without shuffle, shuffle without deflate, a chunk never written (fill
#    value: HDF5's own pipeline), and the same as HDF5's pipeline (PARIO_H5_PIPELINE).
# 2. An HDF5 input is opened once per run: every rank opens the file once, in the
#    one collective H5Fopen (MPI-IO driver, collective metadata reads) whose handle
#    serves both the inspection and the reads; rank 0 alone also reads the first
#    bytes (the signature that says the file is HDF5). Counted by strace (openat of
#    the file, per process), not by pario, for contiguous, chunked (gzip) and
#    compact datasets and several tools, rank counts rotating over 1-4; pario-train
#    with labels in the same file (one open: H5Freopen) and in another.
# 3. Chunked datasets with chunks never written, under every --dist given by hand.
# The inputs are made by h5py in one Python process; the checks against h5py and
# numpy are deferred to one more (tests/mpi/h5_read_check.py, run_deferred in
# lib.sh), each on an output file of its own.
. "$(dirname "$0")/lib.sh"
REF=$PARIO_SRCDIR/tests/mpi/h5_read_check.py

"$PYTHON3" -c "
try:
    import h5py, numpy as np
except ImportError:
    raise SystemExit(77)
with h5py.File('data.h5', 'w') as h:
    h['g/contig'] = np.arange(1001, dtype='<f8')
    h.create_dataset('g/gz', data=np.arange(1001, dtype='>i4'), chunks=(97,), compression='gzip', shuffle=True)
    s = h5py.h5s.create_simple((4, 5))
    p = h5py.h5p.create(h5py.h5p.DATASET_CREATE); p.set_layout(h5py.h5d.COMPACT)
    h5py.h5d.create(h.id, b'compact', h5py.h5t.STD_I16LE, s, p).write(h5py.h5s.ALL, h5py.h5s.ALL,
                                                                        np.arange(20, dtype='<i2').reshape(4, 5))
    x = np.random.default_rng(5).normal(size=(103, 3)).astype('<f4')
    h['train/x'] = x
    h['train/y'] = (x.sum(axis=1) > 0).astype('<f8')
with h5py.File('lab.h5', 'w') as h:
    h['y'] = (x.sum(axis=1) > 0).astype('>i4')
rng = np.random.default_rng(3)
with h5py.File('ub.h5', 'w', userblock_size=1024) as h:
    h.create_dataset('a', data=rng.normal(size=(37, 23)).astype('>f8'), chunks=(5, 7), compression='gzip', shuffle=True)
    h.create_dataset('b', data=rng.integers(-9, 9, size=1001).astype('<i2'), chunks=(64,), compression='gzip')
    h.create_dataset('c', data=rng.normal(size=(37, 23)).astype('<f4'), chunks=(4, 23), compression='gzip', shuffle=True)
    h.create_dataset('e', data=rng.normal(size=(10, 6)), chunks=(3, 6), shuffle=True)
    d = h.create_dataset('f', shape=(500,), dtype='<u4', chunks=(50,), compression='gzip', fillvalue=7)
    d[:120] = np.arange(120)
    # unfiltered chunks: read as they are (whole ones straight into the step)
    h.create_dataset('g', data=rng.normal(size=(41, 9)).astype('>f8'), chunks=(6, 9))
    h.create_dataset('h', data=rng.integers(-99, 99, size=1003).astype('<i4'), chunks=(100,))
    h.create_dataset('k', data=rng.normal(size=(19, 11)).astype('<f4'), chunks=(4, 5))
    h.create_dataset('r', data=rng.integers(-9, 9, size=(48, 10)).astype('<i4'), chunks=(6, 10), compression='gzip')
    h.create_dataset('q', data=rng.integers(-9, 9, size=(48, 10)).astype('<i4'), chunks=(6, 5), compression='gzip')
# for the corrupt chunks below: a chunk of bad1.h5 damaged inside its deflate data,
# one of bad3.h5 in its adler32 trailer's last byte; h5py refuses both
import shutil
rng = np.random.default_rng(5)
with h5py.File('ok.h5', 'w') as h:
    h.create_dataset('g', data=rng.integers(0, 1000, size=1000).astype('<i4'), chunks=(100,), compression='gzip', shuffle=True)
for name, chunk, back in (('bad1.h5', 1, 40), ('bad3.h5', 3, 1)):  # inside the deflate data; the trailer's last byte
    shutil.copy('ok.h5', name)
    with h5py.File(name, 'r') as h:
        info = h['g'].id.get_chunk_info(chunk)
    with open(name, 'r+b') as f:
        f.seek(info.byte_offset + info.size - back); b = f.read(1); f.seek(-1, 1); f.write(bytes([b[0] ^ 0x10]))
    try:
        h5py.File(name, 'r')['g'][()]
        raise SystemExit(name + ': h5py read the corrupt chunk')
    except OSError:
        pass
# for section 3: chunks never written (partial.ref: h5py's sums and count of the fill value)
with h5py.File('partial.h5', 'w') as f:
    d = f.create_dataset('y', shape=(20,), dtype='f8', chunks=(4,)); d[0:4] = 1.5
    d = f.create_dataset('m', shape=(10, 6), dtype='i4', chunks=(3, 4), fillvalue=-9, compression='gzip')
    d[0:3, 0:4] = 5; d[9, 5] = 1
    open('partial.ref', 'w').write('%s %s %s\n' % (f['y'][()].sum(), f['m'][()].sum(), (f['m'][()] == -9).sum()))
"
case $? in
  0) ;;
  77) echo "h5_read: numpy/h5py missing: skipped"; exit 77 ;;
  *) exit 99 ;;
esac

# 1. pario's own inflate path (and unfiltered chunks read as they are: g, h, k):
# pario-convert (stored order) and pario-reduce (host order)
n=1
for d in a b c e f g h k; do
  n=$((n % 4 + 1))
  if ! mpirun $n pario-convert --chunk 200 ub.h5:/$d o$d.npy; then fail "convert ub.h5:/$d n=$n ran"; continue; fi
  defer "inflated by pario == h5py: ub.h5:/$d n=$n" h5py-npy ub.h5 $d o$d.npy dtype
  mpirun $n pario-reduce --op sum,min,max,argmax ub.h5:/$d >direct.out 2>&1
  PARIO_H5_PIPELINE=1 mpirun $n pario-reduce --op sum,min,max,argmax ub.h5:/$d >pipeline.out 2>&1
  check "pario's inflate == HDF5's pipeline: ub.h5:/$d n=$n" cmp -s direct.out pipeline.out
done
# a --dist given by hand that gives each chunk to one rank reads it there, as
# the default does (pario inflates, independent reads; it was collective, 3-4x
# slower): r's chunks are 6 x 10 (whole rows), q's 6 x 5. rows at 2 and 4 ranks
# (24 and 12 rows), rows-cyclic:6 at 3, cols of q at 2 (5 columns each), tiles of
# q at 4 (24 x 5); not rows at 3 ranks (16 rows), cols of r, cols of q at 3
for spec in "2 rows r 1" "4 rows r 1" "3 rows-cyclic:6 r 1" "2 cols q 1" "4 tiles q 1" "3 rows r 0" "2 cols r 0" \
            "3 cols q 0"; do
  set -- $spec
  mpirun $1 pario-convert --dist $2 --chunk 100 ub.h5:/$3 "od$1$3.npy" || { fail "convert --dist $2 n=$1 ran"; continue; }
  defer "--dist $2 n=$1 of /$3: the values h5py reads" h5py-npy ub.h5 "$3" "od$1$3.npy"
  mpirun $1 pario-count --value 3 --dist $2 --explain ub.h5:/$3 >x.out 2>&1
  if [ "$4" = 1 ]; then
    check "--dist $2 n=$1 of /$3: every chunk read by one rank" grep -q "independent because every chunk is read by one rank.*inflated and unshuffled by pario" x.out
  else
    check "--dist $2 n=$1 of /$3: chunks shared, read collectively" grep -q "^reads: collective H5Dread" x.out
  fi
done
mpirun 2 pario-reduce --op sum --verbose ub.h5:/a >v.out 2>&1
check "--verbose says pario inflated the chunks" grep -q "inflated by pario" v.out
mpirun 3 pario-reduce --op sum --verbose ub.h5:/h >v.out 2>&1
check "--verbose says pario read unfiltered chunks as stored" grep -q "as they are stored" v.out
mpirun 2 pario-reduce --op sum --verbose ub.h5:/f >v.out 2>&1
check "a chunk never written: HDF5's pipeline (fill value)" grep -q "independent transfers" v.out

# corrupt chunks: pario's decoder checks every chunk (its adler32 trailer too, as
# zlib does) and never falls back to H5Dread alone on one rank: one line, exit 1,
# the failing rank named, no hang; h5py refuses the same chunks (bad1.h5, bad3.h5
# and ok.h5 made at the top)
expect_error 2 1 "^pario-reduce: error: bad1.h5: a chunk of /g did not read or inflate.*\\(rank 1\\)" pario-reduce --op sum bad1.h5:/g
expect_error 3 1 "^pario-reduce: error: bad3.h5: a chunk of /g did not read or inflate.*\\(rank 0\\)" pario-reduce --op sum --chunk 100 bad3.h5:/g
mpirun 3 pario-reduce --op sum,min,max ok.h5:/g >ok.out 2>&1
defer "the intact file reads (3 ranks)" intact ok.h5 g ok.out

# 2. one open per run
if ! command -v strace >/dev/null 2>&1 || ! strace -f -qq -e trace=openat -o probe.trace true 2>/dev/null; then
  echo "h5_read: strace missing or ptrace not permitted: opens not counted"
  run_deferred "$REF"
  finish; exit
fi

# N TOOL ARGS...: run under strace; the opens of data.h5 per process must be one
# per rank, plus rank 0's signature read (SNIFFS of them: one per dataset named
# in the file) and, with MAPPED=1, each rank's map of its contiguous part or of
# its chunks (its own open(), io_map.c): N processes, N (1 + MAPPED) + SNIFFS opens, none more than
# 1 + MAPPED + SNIFFS
once() {
  local sniffs=${SNIFFS:-1} mapped=${MAPPED:-0}
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
  if [ "$procs" -eq "$n" ] && [ "$total" -eq $((n * (1 + mapped) + sniffs)) ] &&
     [ "$most" -le $((1 + mapped + sniffs)) ]; then
    pass "$* (n=$n): opens per process $(echo $counts)"
  else
    fail "$* (n=$n): $procs processes opened data.h5, $total opens (want $n and $((n * (1 + mapped) + sniffs))): $(echo $counts)"
  fi
}

once 1 pario-reduce --op sum --no-mmap data.h5:/g/contig
MAPPED=1 once 2 pario-reduce --op sum data.h5:/g/contig
MAPPED=1 once 2 pario-reduce --op sum,min data.h5:/g/gz
once 3 pario-count --value 3 data.h5:/compact
once 4 pario-reduce --no-mmap --op max data.h5:/g/gz
once 2 pario-count --range 0:9 --dist cyclic:7 data.h5:/g/contig
MAPPED=1 once 3 pario-convert --dtype float64 data.h5:/g/gz out.npy
defer "convert wrote numpy's values" npy-arange out.npy 1001 f8
MAPPED=1 once 4 pario-scatter --part-format h5 --out p data.h5:/g/contig
# pario-train (--no-mmap) reads rows through the inspection's MPI-IO handle;
# labels in the same file reopen the open file (H5Freopen), in another file open
# that one once. By default it maps the rows as well (its own open per rank)
once 2 pario-train --no-mmap --model logistic --epochs 1 --labels lab.h5:/y data.h5:/train/x
SNIFFS=2 once 3 pario-train --no-mmap --model logistic --epochs 1 --labels data.h5:/train/y data.h5:/train/x
SNIFFS=2 once 1 pario-train --no-mmap --model linear --epochs 1 --labels data.h5:/train/y data.h5:/train/x
MAPPED=1 once 2 pario-train --model logistic --epochs 1 --labels lab.h5:/y data.h5:/train/x
# 3. Chunked datasets with some chunks never written (they read as the fill
# value) under every --dist given by hand: HDF5 1.10's collective read took the
# unwritten chunks' undefined address and failed ("displacements of filetype
# must be non-negative", "addr overflow") or left ranks waiting; pario reads
# such a dataset independently. Sums and counts against h5py's (partial.h5 and
# partial.ref made at the top), 1-4 ranks.
read -r ysum msum mneg < partial.ref
for n in 1 2 3 4; do
  for d in block cyclic:3; do
    mpirun $n pario-reduce --op sum --dist $d --format json partial.h5:/y >py.$d.$n.json 2>&1
    defer "partial chunks, pario-reduce --dist $d (n=$n): h5py's sum" json-is py.$d.$n.json sum "$ysum" float
  done
  mpirun $n pario-count --value -9 --dist rows --format json partial.h5:/m >pm.count.$n.json 2>&1
  defer "partial gzip chunks, pario-count --dist rows (n=$n): h5py's count of the fill value" \
    json-is pm.count.$n.json count "$mneg" int
  mpirun $n pario-reduce --op sum --dist cols --format json partial.h5:/m >pm.sum.$n.json 2>&1
  defer "partial gzip chunks, pario-reduce --dist cols (n=$n): h5py's sum" json-is pm.sum.$n.json sum "$msum" int
done
expect_error 2 2 "^pario-reduce: error: distribution 'rows' needs a 2-D dataset, but partial.h5:/y is 1-D" pario-reduce --op sum --dist rows partial.h5:/y
mpirun 2 pario-reduce --op sum --dist block --explain partial.h5:/y > pexp.txt 2>&1
check "--explain: partial chunks read independently, and why" grep -q "^reads: independent .*some chunks were never written" pexp.txt
# integers of fewer significant bits than bytes (H5Tset_precision): refused, one
# line, contiguous and chunked (their bytes were read as the value: a 12-bit
# int32 summed to 1433250 where h5py reads -350)
"$PYTHON3" -c "
import h5py, numpy as np
a = (np.arange(700, dtype='<i4') - 350).reshape(100, 7)
with h5py.File('prec.h5', 'w') as f:
    sp = h5py.h5s.create_simple((100, 7))
    pl = h5py.h5p.create(h5py.h5p.DATASET_CREATE); pl.set_chunk((10, 7))
    t = h5py.h5t.STD_I32LE.copy(); t.set_precision(12)
    h5py.h5d.create(f.id, b'chunk12', t, sp, pl).write(h5py.h5s.ALL, h5py.h5s.ALL, a)
    h5py.h5d.create(f.id, b'contig12', t, sp).write(h5py.h5s.ALL, h5py.h5s.ALL, a)" || exit 99
for d in chunk12 contig12; do
  expect_error 2 1 "^pario-reduce: error: prec\.h5:/$d: a 4-byte integer type of 12 significant bits at bit offset 0 is not supported" \
    pario-reduce --op sum prec.h5:/$d
done
# the default for a chunked dataset, whole bands of chunks round-robin, falls
# back to block where a band over the ranks is beyond an MPI int (it was refused
# at 3 ranks, naming a cyclic:800000000 nobody gave); shown by --explain, the
# read stopped at once by a fault (the 2.4 GB of fill values are not read)
"$PYTHON3" -c "
import h5py
with h5py.File('band.h5', 'w') as f:
    f.create_dataset('x', shape=(3, 800000000), dtype='u1', chunks=(1, 1 << 22), fillvalue=2)" || exit 99
for n in 2 3; do
  PARIO_FAULT=read:rank=0 mpirun $n pario-count --value 2 --explain band.h5:/x >band.$n.txt 2>&1
  want=$([ $n = 2 ] && echo "cyclic:800000000" || echo block)
  check "chunked default at $n ranks: $want ($(grep -E '^view|error' band.$n.txt | head -c 300))" \
    grep -q "^view of band.h5: .*; distribution $want over $n ranks\$" band.$n.txt
done
# a contiguous dataset never written, in a file with a userblock: refused as
# without one (its offset, HADDR_UNDEF plus the userblock, wrapped to 511 and
# the superblock's bytes were read as data, exit 0); a written one beside it reads
"$PYTHON3" -c "
import h5py
with h5py.File('ubz.h5', 'w', userblock_size=512) as f:
    f.create_dataset('z', shape=(4,), dtype='<i4'); f.create_dataset('w', data=[1, 2, 3], dtype='<i4')" || exit 99
for n in 1 3; do
  expect_error $n 1 '^pario-reduce: error: ubz\.h5:/z: dataset has no storage allocated \(never written\)$' pario-reduce --op sum ubz.h5:/z
  expect_error $n 1 '^pario-convert: error: ubz\.h5:/z: dataset has no storage allocated \(never written\)$' pario-convert ubz.h5:/z ubz.npy
  check "no output of a refused dataset (n=$n)" test ! -e ubz.npy
  mpirun $n pario-reduce --op sum ubz.h5:/w > ubw.out 2>&1
  check "the written dataset beside it: 1 + 2 + 3 (n=$n)" grep -qx 'sum: 6' ubw.out
done
run_deferred "$REF"
finish
