#!/bin/bash
# --explain: the owner map printed by pario (computed by unpacking through each
# rank's filetype) against the owners the test computes from the definitions.
# The checks in Python (tests/mpi/views_check.py: the maps against views_ref.py's,
# and three more) are deferred: queued, then run in one process at the end
# (run_deferred, lib.sh), each on a file of its own.
. "$(dirname "$0")/lib.sh"
REF=$PARIO_SRCDIR/tests/mpi/views_check.py

mpirun 1 pario-gen --dtype int16 --count 10 --sequence --out s.bin
mpirun 1 pario-gen --dtype uint8 --shape 7,11 --sequence --out m.bin

explain_map() { # N DIST FILE: the map lines of --explain
  mpirun "$1" pario-count --value 0 --dist "$2" --explain "$3" | sed -n '/^owner of each element/,/^reads:/p' | sed '1d;$d'
}

# the issue's own example: 10 elements, 3 ranks, cyclic:2
check "cyclic:2 on 3 ranks is 0011220011" test "$(explain_map 3 cyclic:2 s.bin)" = "0011220011"
for n in 1 2 3 4; do
  for d in block cyclic cyclic:3; do
    explain_map $n $d s.bin >map.$d.$n.txt
    defer "map $d n=$n" map map.$d.$n.txt $d $n 10
  done
  for d in rows cols tiles rows-cyclic:2 cyclic:4; do
    explain_map $n $d m.bin >map2.$d.$n.txt
    defer "map $d n=$n (2-D)" map map2.$d.$n.txt $d $n 7 11
  done
done
# what each rank built: the constructors and sizes
out=$(mpirun 3 pario-count --value 0 --dist cyclic:2 --explain s.bin)
check "darray named" grep -q "MPI_Type_create_darray(size=3, rank=1, ndims=1, gsizes=\[6\]" <<<"$out"
# rank 2 owns one run (elements 4 and 5): a contiguous view, no derived type
check "one run, no derived type" grep -q "one contiguous run of 2 elements" <<<"$(grep -A1 "^rank 2: disp 8 bytes" <<<"$out")"
check "filetype size and extent" grep -q "filetype size 4 bytes, extent 12 bytes" <<<"$out"
out=$(mpirun 4 pario-count --value 0 --dist tiles --explain m.bin)
check "subarray named" grep -q "MPI_Type_create_subarray(ndims=2, sizes=\[1,11\], subsizes=\[1,5\], starts=\[0,6\]" <<<"$out"
check "strategy said" grep -q "^reads: collective, strategy exchange" <<<"$out"
mpirun 2 pario-count --value 0 --explain --format json s.bin >json.out 2>err
defer "explain goes to stderr with --format json" json json.out
check "explain on stderr" grep -q "^rank 1: disp" err
# --explain and --show-hints describe the same open: every hint --explain says pario
# added is in the hints the opened file really has, and no key is claimed that the
# open did not set (a read sets romio_cb_read, a write romio_cb_write).
hints_agree() { # FILE-WITH-BOTH-OUTPUTS: each "hints added: K=V" is "  K = V" in show-hints
  local added; added=$(sed -n 's/^hints added: \([^(]*\) (.*/\1/p' "$1" | tr ',' '\n' | tr -d ' ')
  [ -n "$added" ] || { echo "no 'hints added' line in $1" >&2; return 1; }
  local kv; for kv in $added; do
    grep -qx "  ${kv%%=*} = ${kv#*=}" "$1" || { echo "$kv claimed but not in effect: $(grep -A40 '^hints in effect' "$1")" >&2; return 1; }
  done
}
mpirun 2 pario-count --value 0 --dist block --explain --show-hints s.bin >rd.txt
check "read: --explain's hints are in --show-hints" hints_agree rd.txt
check "read: only romio_cb_read claimed" grep -qx "hints added: romio_cb_read=disable (.*" rd.txt
mpirun 3 pario-gen --dtype int16 --count 10 --sequence --dist block --explain --show-hints --out w.bin >wr.txt
check "write: --explain's hints are in --show-hints" hints_agree wr.txt
check "write: only romio_cb_write claimed" grep -qx "hints added: romio_cb_write=disable (.*" wr.txt
check "write: says it writes" grep -q "^writes: collective, through the view above" wr.txt
# the output line says what is written: raw with its descriptor (it said
# "source: raw w.bin (descriptor )"), and a chunked, compressed HDF5 output as
# chunked (it said "contiguous ... H5Dget_offset"; a hostile-user pass, session 14)
check "write: the raw output and its descriptor" grep -q "^output: raw w.bin, int16, byte offset 0: .*the descriptor w.bin.yaml" wr.txt
mpirun 2 pario-gen --dtype int16 --count 1000 --sequence --gzip 1 --chunk-shape 100 --explain --out wz.h5:/x >wz.txt
check "write: a chunked gzip HDF5 output is said to be one" \
  grep -q "^output: hdf5 wz.h5:/x, int16, chunked (chunks of 100 elements, shuffle + gzip 1): .*collective H5Dwrite" wz.txt
defer "write: the chunked file is what it says" h5chunks wz.h5 x 100 gzip
check "written file intact" cmp s.bin w.bin
# a hint the user set is the user's: pario adds nothing, and says nothing
mpirun 2 pario-count --value 0 --dist block --hint romio_cb_read=enable --explain --show-hints s.bin >rd2.txt
check "user's hint wins, nothing claimed" test "$(grep -c '^hints added' rd2.txt)" = 0
check "user's hint in effect" grep -qx "  romio_cb_read = enable" rd2.txt

# exchange: --explain says the view is not what the file is read through
out=$(mpirun 3 pario-count --value 0 --dist cyclic:2 --explain s.bin)
check "exchange: view not used" grep -q "^the view above is not used for reading: each rank reads contiguous stripes of up to [0-9]* elements ([0-9]* bytes) per step and redistributes them with MPI_Alltoallv" <<<"$out"
check "exchange: no hints claimed" test "$(grep -c '^hints added' <<<"$out")" = 0
# stripe bytes = stripe elements x 2 (int16), and never more than the file
echo "$out" >exchange.txt
defer "exchange: stripe sizes consistent" stripes exchange.txt 2 10
# 2 ranks, small pieces: the sieve, independent, the view not used either
out=$(mpirun 2 pario-count --value 0 --dist cyclic:2 --explain s.bin)
check "sieve at 2 ranks" grep -q "^reads: independent, strategy sieve (2 ranks and pieces under 4 KiB" <<<"$out"
check "sieve: view not used" grep -q "^the view above is not used for reading: each rank reads the spans" <<<"$out"
# pieces of 4 KiB (cyclic:1024 of int32): read one by one, data sieving off, and
# --show-hints agrees; a user's romio_cb_read makes them collective again
mpirun 1 pario-gen --dtype int32 --count 5000 --sequence --out p.bin
mpirun 2 pario-count --value 0 --dist cyclic:1024 --explain --show-hints p.bin >pc.txt
check "pieces: independent view reads" grep -q "^reads: independent, strategy view (the view's pieces are at least 4 KiB" pc.txt
check "pieces: --explain's hints are in --show-hints" hints_agree pc.txt
check "pieces: romio_ds_read claimed" grep -qx "hints added: romio_ds_read=disable (.*" pc.txt
mpirun 2 pario-count --value 0 --dist cyclic:1024 --hint romio_cb_read=enable --explain p.bin >pc2.txt
check "pieces: user's romio_cb_read, collective" grep -q "^reads: collective, strategy exchange" pc2.txt
check "pieces: user's hint, nothing claimed" test "$(grep -c '^hints added' pc2.txt)" = 0
out=$(mpirun 3 pario-count --value 0 --dist cyclic:2 --strategy view --explain s.bin)
check "view strategy: no such sentence" test "$(grep -c 'not used for reading' <<<"$out")" = 0
# the filetype line reads "filetype = ...", never "filetype filetype"
out=$(mpirun 2 pario-count --value 0 --dist block --explain s.bin)
check "no 'filetype filetype'" test "$(grep -c 'filetype filetype' <<<"$out")" = 0
check "contiguous run worded" grep -qx "  filetype = etype: one contiguous run of 5 elements from the displacement (no derived type needed)" <<<"$out"
out=$(mpirun 3 pario-count --value 0 --dist cyclic:2 --explain s.bin)
check "darray worded" grep -q "^  filetype = MPI_Type_create_darray(size=3, rank=1," <<<"$out"
# the map behind a header of 2 GiB + 100 bytes (a sparse file): the image the
# map is unpacked into covers the data, not the header ("dataset too large for
# an owner map", exit 2, for 10 elements; a hostile-user pass, session 27)
"$PYTHON3" -c "
f = open('hd.bin', 'wb'); f.seek(2**31 + 100); f.write(bytes(range(10))); f.close()
open('hd.bin.yaml', 'w').write('dtype: int8\nshape: [10]\noffset: %d\n' % (2**31 + 100))" || exit 99
for n in 2 3; do
  for d in block cyclic:2; do
    explain_map $n $d hd.bin >map.hd.$d.$n.txt
    defer "map $d n=$n behind a 2 GiB header" map map.hd.$d.$n.txt $d $n 10
  done
done
got=$(mpirun 2 pario-count --value 3 --dist cyclic:2 --explain hd.bin 2>&1 | sed -n 's/^count: //p')
check "behind a 2 GiB header: counted with --explain ($got)" test "$got" = 1
rm -f hd.bin
run_deferred "$REF"
finish
