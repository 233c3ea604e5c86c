#!/bin/sh
# No output may replace an input: every tool, every kind of output, with symlinks,
# hard links and ./ and dir/../ spellings, at 1 and 3 ranks. Each refused run must
# exit 2 with one line naming both roles, create nothing and leave every file
# byte-identical (cmp against a copy taken before). Also: inputs that are not
# regular files (a FIFO as --desc, job file, part) are refused instead of
# blocking; an unwritable --h5 is refused before the data is opened; a killed
# run's FILE.tmp.PID is removed by the next run of FILE only when PID is dead.
. "$(dirname "$0")/lib.sh"

# The inputs, written by python (not by the tools under test).
"$PYTHON3" - <<'EOF' || exit 99
import struct
def data(name, n, dtype='int32'):
    with open(name, 'wb') as f:
        f.write(struct.pack('<%di' % n, *[(i * 7) % 11 for i in range(n)]))
    with open(name + '.yaml', 'w') as f:
        f.write('dtype: %s\nshape: [%d]\n' % (dtype, n))
data('small.bin', 1001)
data('foo.yaml', 37)      # a data file whose name looks like a descriptor
data('x.0', 50)           # a data file named like part 0 of prefix x
data('q.0.yaml', 20)      # ... like the descriptor of part 0 of prefix q
data('d.1', 30)           # ... like part 1 of prefix d (clashes at 3 ranks only)
EOF
cp small.bin.yaml other.yaml
mkdir sub
ln -s small.bin link.bin
ln small.bin hard.bin
ln -s small.bin.yaml linkdesc.yaml
timeout 60 "$PYTHON3" -c "
import h5py, numpy as np
with h5py.File('pi.h5', 'w') as f: f['x'] = np.arange(3)" 2>/dev/null || cp small.bin pi.h5

# snapshot: a copy of every regular file (one tar) and their checksums;
# unchanged: the same files, byte for byte
SNAP=$WORK/.snap
files() { find . -path ./.snap -prune -o -type f ! -name 'std*.[0-9]*' ! -name .list.after -print | sort; }
snapshot() {
  rm -rf "$SNAP" && mkdir "$SNAP" &&
    files > "$SNAP/.list" &&
    tar -cf "$SNAP/.tar" -T "$SNAP/.list" &&
    tr '\n' '\0' < "$SNAP/.list" | xargs -0 sha256sum > "$SNAP/.sums"
}
unchanged() {
  files > "$WORK/.list.after"
  if ! cmp -s "$SNAP/.list" "$WORK/.list.after"; then
    fail "$1: files appeared or vanished: $(diff "$SNAP/.list" "$WORK/.list.after" | grep '^[<>]' | tr '\n' ' ')"
    restore
    return
  fi
  local changed
  changed=$(sha256sum -c --quiet "$SNAP/.sums" 2>&1 | sed -n 's/: FAILED.*//p' | tr '\n' ' ')
  if [ -n "$changed" ]; then
    fail "$1: $changed changed"
    restore
    return
  fi
  pass "$1: inputs unchanged"
}
# after a failure (the code before the guard): put every file back, so that
# each case is judged on its own
restore() {
  comm -13 "$SNAP/.list" "$WORK/.list.after" | while read -r f; do rm -f "$f"; done
  while read -r f; do rm -f "$f"; done < "$SNAP/.list"
  tar -xf "$SNAP/.tar"
  ln -sf small.bin link.bin; ln -f small.bin hard.bin; ln -sf small.bin.yaml linkdesc.yaml
}
# refuse N REGEX TOOL ARGS...: exit 2, one line, nothing touched
refuse() {
  local n=$1 re=$2; shift 2
  snapshot
  expect_error "$n" 2 "$re" "$@"
  unchanged "$* (n=$n)"
}
# refuse1: the same with exit 1 (not a regular file, directory not writable)
refuse1() {
  local n=$1 re=$2; shift 2
  snapshot
  expect_error "$n" 1 "$re" "$@"
  unchanged "$* (n=$n)"
}

E='^pario-[a-z]+: error: '
for n in 1 3; do
  # pario-reduce --h5: data, descriptor, every spelling
  refuse $n "${E}small\\.bin: the HDF5 results file is the input data small\\.bin\$" \
    pario-reduce --op sum --h5 small.bin small.bin
  refuse $n "${E}small\\.bin\\.yaml: the HDF5 results file is the input descriptor small\\.bin\\.yaml\$" \
    pario-reduce --op sum --h5 small.bin.yaml small.bin
  refuse $n "${E}\\./small\\.bin: the HDF5 results file is the input data" pario-reduce --op sum --h5 ./small.bin small.bin
  refuse $n "${E}sub/\\.\\./small\\.bin: the HDF5 results file is the input data" \
    pario-reduce --op sum --h5 sub/../small.bin small.bin
  refuse $n "${E}link\\.bin: the HDF5 results file is the input data small\\.bin" \
    pario-reduce --op sum --h5 link.bin small.bin
  refuse $n "${E}hard\\.bin: the HDF5 results file is the input data small\\.bin" \
    pario-reduce --op sum --h5 hard.bin small.bin
  refuse $n "${E}other\\.yaml: the HDF5 results file is the input descriptor other\\.yaml" \
    pario-reduce --op sum --desc other.yaml --h5 other.yaml small.bin
  refuse $n "${E}small\\.bin\\.yaml: the HDF5 results file is the input descriptor linkdesc\\.yaml" \
    pario-reduce --op sum --desc linkdesc.yaml --h5 small.bin.yaml link.bin

  # pario-convert: data and descriptor both ways
  refuse $n "${E}\\./small\\.bin: the output data is the input data small\\.bin" \
    pario-convert --dtype int64 small.bin ./small.bin
  refuse $n "${E}small\\.bin\\.yaml: the output data is the input descriptor small\\.bin\\.yaml" \
    pario-convert --dtype int64 small.bin small.bin.yaml
  refuse $n "${E}foo\\.yaml: the output descriptor is the input data foo\\.yaml" \
    pario-convert --dtype int64 foo.yaml foo
  refuse $n "${E}hard\\.bin: the output data is the input data" pario-convert --dtype int64 small.bin hard.bin
  refuse $n "${E}sub/\\.\\./link\\.bin: the output data is the input data" \
    pario-convert --dtype int64 small.bin sub/../link.bin
  refuse $n "${E}other\\.yaml: the output data is the input descriptor other\\.yaml" \
    pario-convert --desc other.yaml small.bin other.yaml
  refuse $n "${E}linkdesc\\.yaml: the output descriptor is the input descriptor small\\.bin\\.yaml" \
    pario-convert --dtype int16 small.bin linkdesc

  # pario-scatter: a part file or a part descriptor over the input
  refuse $n "${E}x\\.0: the output part file is the input data x\\.0\$" pario-scatter --out x x.0
  refuse $n "${E}q\\.0\\.yaml: the output part descriptor is the input data q\\.0\\.yaml\$" \
    pario-scatter --out q q.0.yaml
  refuse $n "${E}sub/\\.\\./x\\.0: the output part file is the input data" pario-scatter --out sub/../x x.0
  refuse $n "${E}\\./x\\.0\\.yaml: the output part descriptor is the input descriptor x\\.0\\.yaml\$" \
    pario-scatter --out ./x --desc x.0.yaml small.bin
done
# prefix d names d.1 only when there is a rank 1
refuse 3 "${E}d\\.1: the output part file is the input data d\\.1\$" pario-scatter --out d d.1
check "scatter --out d d.1 at 1 rank is fine" mpirun 1 pario-scatter --out d d.1
rm -f d.0 d.0.yaml

# pario-gather: the output over a part or a part descriptor
for n in 1 3; do
  mpirun $n pario-scatter --dist cyclic:3 --out p$n small.bin || fail "scatter to p$n"
  refuse $n "${E}p$n\\.0: the output data is the input part file p$n\\.0\$" pario-gather --out p$n.0 p$n
  refuse $n "${E}p$n\\.0\\.yaml: the output data is the input part descriptor" pario-gather --out p$n.0.yaml p$n
  refuse $n "${E}\\./p$n\\.0: the output data is the input part file" pario-gather --out ./p$n.0 p$n
  refuse $n "${E}sub/\\.\\./p$n\\.$((n - 1)): the output data is the input part file" \
    pario-gather --out sub/../p$n.$((n - 1)) p$n
  ln -sf p$n.0 gl$n.yaml
  refuse $n "${E}gl$n\\.yaml: the output descriptor is the input part file p$n\\.0\$" pario-gather --out gl$n p$n
done

# pario-run: h5 and results over the data, its descriptor, the job file, each other
job() { printf 'input: {data: %s}\noperations: [sum]\noutput: {%s}\n' "$2" "$3" > "$1"; }
job j_h5data.yaml small.bin 'h5: small.bin'
job j_resdesc.yaml small.bin 'results: small.bin.yaml'
job j_self.yaml small.bin 'results: j_self.yaml'
job j_both.yaml small.bin 'results: r.json, h5: r.json'
job sub/j_up.yaml ../small.bin 'h5: ./../sub/../hard.bin'
job j_link.yaml link.bin 'results: small.bin, format: json'
job j_ok.yaml small.bin 'results: r.json'
for n in 1 3; do
  refuse $n "${E}small\\.bin: the HDF5 results file is the input data small\\.bin\$" pario-run j_h5data.yaml
  refuse $n "${E}small\\.bin\\.yaml: the results file is the input descriptor small\\.bin\\.yaml\$" pario-run j_resdesc.yaml
  refuse $n "${E}j_self\\.yaml: the results file is the job file j_self\\.yaml\$" pario-run j_self.yaml
  refuse $n "${E}r\\.json: the HDF5 results file is the results file r\\.json\$" pario-run j_both.yaml
  refuse $n "${E}sub/\\./\\.\\./sub/\\.\\./hard\\.bin: the HDF5 results file is the input data sub/\\.\\./small\\.bin\$" \
    pario-run sub/j_up.yaml
  refuse $n "${E}small\\.bin: the results file is the input data link\\.bin\$" pario-run j_link.yaml
  refuse $n "${E}\\./j_ok\\.yaml: the HDF5 results file is the job file j_ok\\.yaml\$" pario-run --h5 ./j_ok.yaml j_ok.yaml
  refuse $n "${E}r\\.json: the HDF5 results file is the results file r\\.json\$" pario-run --h5 r.json j_ok.yaml
done

# pario-plot --out over its log; pario-gen's two outputs as one file
refuse 1 "${E}pi\\.h5: the SVG is the log pi\\.h5\$" pario-plot pi.h5 --out pi.h5
refuse 1 "${E}\\./sub/\\.\\./pi\\.h5: the SVG is the log pi\\.h5\$" pario-plot pi.h5 --out ./sub/../pi.h5
ln -s pi.h5 pilink.svg
refuse 1 "${E}pilink\\.svg: the SVG is the log pi\\.h5\$" pario-plot pi.h5 --out pilink.svg
ln -s g.bin g.bin.yaml
: > g.bin
for n in 1 3; do
  refuse $n "${E}g\\.bin\\.yaml: the output descriptor is the output data g\\.bin\$" \
    pario-gen --dtype int8 --count 10 --sequence --out g.bin
done
rm -f g.bin g.bin.yaml

# A file named by an empty string is a usage error before anything is read (an
# output "" failed only at the rename, after the whole pass; session 12)
for n in 1 2; do
  refuse $n "${E}the output data is named by an empty string: a file name is needed\$" pario-convert small.bin ""
  refuse $n "${E}the input data is named by an empty string: a file name is needed\$" pario-convert "" c.bin
  refuse $n "${E}the HDF5 results file is named by an empty string: a file name is needed\$" pario-reduce --op sum --h5 "" small.bin
  # pario-run --h5 "" dropped the HDF5 results and exited 0; a --h5 longer than
  # the job's field was cut to another name
  refuse $n "${E}the HDF5 results file is named by an empty string: a file name is needed\$" pario-run --h5 "" j_ok.yaml
  refuse $n "${E}the HDF5 results file is named by an empty string: a file name is needed\$" \
    pario-run --h5 "" j_ok.yaml small.bin
  refuse $n "${E}--h5: the name is longer than 4095 bytes\$" pario-run --h5 "$(printf './%.0s' {1..2046})r.h5" j_ok.yaml
done

# Inputs that are not regular files are refused, never waited on (exit 1 or 2 in time).
mkfifo fifo
rm -f sock && "$PYTHON3" -c "import socket; socket.socket(socket.AF_UNIX).bind('sock')" || exit 99
printf 'input: {data: small.bin, descriptor: fifo}\noperations: [sum]\n' > j_fifodesc.yaml
mpirun 1 pario-scatter --out fp small.bin >/dev/null || fail "scatter to fp"
rm -f fp.0.yaml && mkfifo fp.0.yaml
mpirun 1 pario-scatter --out fq small.bin >/dev/null || fail "scatter to fq"
rm -f fq.0 && mkfifo fq.0
for n in 1 3; do
  TEST_TIMEOUT=20 refuse1 $n "${E}fifo: (cannot open descriptor: it is a FIFO|the input descriptor is a FIFO), not a regular file\$" \
    pario-count --value 1 --desc fifo small.bin
  TEST_TIMEOUT=20 refuse1 $n "${E}fifo: the input descriptor is a FIFO, not a regular file\$" \
    pario-reduce --op sum --desc fifo small.bin
  TEST_TIMEOUT=20 refuse1 $n "${E}fifo: the input descriptor is a FIFO, not a regular file\$" \
    pario-convert --desc fifo small.bin c.bin
  TEST_TIMEOUT=20 refuse1 $n "${E}fifo: the input descriptor is a FIFO, not a regular file\$" \
    pario-scatter --desc fifo --out s small.bin
  TEST_TIMEOUT=20 refuse1 $n "${E}fifo: the input data is a FIFO, not a regular file\$" pario-convert fifo c.bin
  # count and reduce name the kind alike (count said only "not a regular file")
  TEST_TIMEOUT=20 refuse1 $n "${E}fifo: the input data is a FIFO, not a regular file\$" pario-count --value 1 --desc small.bin.yaml fifo
  TEST_TIMEOUT=20 refuse1 $n "${E}/dev/zero: the input data is a device, not a regular file\$" pario-count --value 1 --desc small.bin.yaml /dev/zero
  TEST_TIMEOUT=20 refuse1 $n "${E}/dev/zero: the input data is a device, not a regular file\$" pario-reduce --op sum --desc small.bin.yaml /dev/zero
  TEST_TIMEOUT=20 refuse1 $n "${E}fifo: the input descriptor is a FIFO, not a regular file\$" pario-run j_fifodesc.yaml
  TEST_TIMEOUT=20 refuse $n "${E}fifo: cannot open the job file: it is a FIFO, not a regular file\$" pario-run fifo
  TEST_TIMEOUT=20 refuse $n "${E}fifo: cannot open the job file: it is a FIFO, not a regular file\$" pario-run --check fifo
  # a socket, which open() refuses (ENXIO): named by its kind as well (it said
  # "No such device or address"; session 26)
  TEST_TIMEOUT=20 refuse $n "${E}sock: cannot open the job file: it is a socket, not a regular file\$" pario-run sock
  TEST_TIMEOUT=20 refuse1 $n "${E}sock: cannot open descriptor: it is a socket, not a regular file\$" pario-count --value 1 --desc sock small.bin
  TEST_TIMEOUT=20 refuse1 $n "${E}sub: the output data is a directory, not a regular file\$" pario-convert small.bin sub
  TEST_TIMEOUT=20 refuse1 $n "${E}fifo: the log is a FIFO, not a regular file\$" pario-pi --samples 10 --rounds 1 --resume --log fifo
done
TEST_TIMEOUT=20 refuse1 1 "${E}fp\\.0\\.yaml: the input part descriptor is a FIFO, not a regular file\$" pario-gather --out w fp
TEST_TIMEOUT=20 refuse1 1 "${E}fq\\.0: the input part file is a FIFO, not a regular file\$" pario-gather --out w fq
TEST_TIMEOUT=20 refuse1 1 "${E}fifo: the log is a FIFO, not a regular file\$" pario-plot fifo --out f.svg
rm -f fifo fp.0.yaml fp.0 fq.0 fq.0.yaml

# An output whose directory cannot be written fails before the data is even
# opened: nodata.bin's descriptor promises 1000 elements and the file is empty,
# so a run that got as far as the data would say so instead. (CI runs as root:
# a path under a regular file is unwritable for everyone.)
: > nodata.bin
printf 'dtype: int32\nshape: [1000]\n' > nodata.bin.yaml
: > notadir
printf 'input: {data: nodata.bin}\noperations: [sum]\noutput: {h5: notadir/x.h5}\n' > j_notadir.yaml
for n in 1 3; do
  refuse1 $n "${E}notadir/x\\.h5: cannot write there \\(directory notadir: Not a directory\\)\$" \
    pario-reduce --op sum --h5 notadir/x.h5 nodata.bin
  refuse1 $n "${E}notadir/x\\.h5: cannot write there" pario-run j_notadir.yaml
  refuse1 $n "${E}notadir/c\\.bin: cannot write there" pario-convert nodata.bin notadir/c.bin
  refuse1 $n "${E}notadir/p\\.0: cannot write there" pario-scatter --out notadir/p nodata.bin
  refuse1 $n "${E}notadir/g\\.bin: cannot write there" pario-gen --dtype int8 --count 3 --sequence --out notadir/g.bin
done

# A killed run's temporary file: removed by the next run of the same output when
# its PID is dead, kept while it is alive, never when it is the run's input.
sh -c 'exit 0' & dead=$!
wait $dead
sleep 300 & live=$!
while kill -0 $dead 2>/dev/null; do dead=$((dead > 2 ? dead - 1 : 32000)); done # reused already
pidmax=$(cat /proc/sys/kernel/pid_max 2>/dev/null || echo 4194304)
for n in 1 3; do
  : > out.bin.tmp.$dead; : > out.bin.tmp.$live; : > out.bin.yaml.tmp.$dead; : > out.bin.tmpx.$dead
  # names pario never makes: a PID with a leading 0, one past pid_max (users' files, removed before)
  echo keep > out.bin.tmp.0$dead; echo keep > out.bin.tmp.$((pidmax + 1))
  mpirun $n pario-gen --dtype int16 --count 100 --sequence --out out.bin || fail "gen out.bin (n=$n)"
  check "stale out.bin.tmp.$dead removed (n=$n)" test ! -e out.bin.tmp.$dead
  check "stale out.bin.yaml.tmp.$dead removed (n=$n)" test ! -e out.bin.yaml.tmp.$dead
  check "live out.bin.tmp.$live kept (n=$n)" test -e out.bin.tmp.$live
  check "out.bin.tmpx.$dead is not a temporary name: kept (n=$n)" test -e out.bin.tmpx.$dead
  check "out.bin.tmp.0$dead and .tmp.$((pidmax + 1)) are not pario's names: kept (n=$n)" \
    test -e out.bin.tmp.0$dead -a -e out.bin.tmp.$((pidmax + 1))
  : > sp.$((n - 1)).tmp.$dead; : > r.h5.tmp.$dead; : > pl.svg.tmp.$dead; : > lg.h5.tmp.$dead
  mpirun $n pario-scatter --out sp small.bin || fail "scatter sp (n=$n)"
  check "stale part sp.$((n - 1)).tmp.$dead removed (n=$n)" test ! -e sp.$((n - 1)).tmp.$dead
  mpirun $n pario-reduce --op sum --h5 r.h5 small.bin >/dev/null || fail "reduce --h5 r.h5 (n=$n)"
  check "stale r.h5.tmp.$dead removed (n=$n)" test ! -e r.h5.tmp.$dead
  mpirun $n pario-pi --samples 10 --rounds 1 --log lg.h5 --force >/dev/null || fail "pi --log lg.h5 (n=$n)"
  check "stale lg.h5.tmp.$dead removed (n=$n)" test ! -e lg.h5.tmp.$dead
  rm -f lg.h5
done
mpirun 1 pario-pi --samples 10 --rounds 1 --log lg.h5 >/dev/null || fail "pi --log lg.h5"
mpirun 1 pario-plot lg.h5 --out pl.svg || fail "plot pl.svg"
check "stale pl.svg.tmp.$dead removed" test ! -e pl.svg.tmp.$dead
# the input of a run is never taken for a stale temporary file
cp small.bin in.bin.tmp.$dead && cp small.bin.yaml in.bin.tmp.$dead.yaml
mpirun 1 pario-convert in.bin.tmp.$dead in.bin || fail "convert in.bin.tmp.$dead in.bin"
check "an input named like a stale temporary file is kept" cmp -s small.bin in.bin.tmp.$dead
kill $live 2>/dev/null
wait $live 2>/dev/null

# An output whose temporary name would not fit its directory: one clear line
# (MPI-IO said "cannot create: bad file name"; a hostile-user pass)
long=$(printf 'n%.0s' $(seq 246))
for n in 1 3; do
  expect_error $n 1 "^pario-gen: error: $long(\\.yaml)?: the name is too long: with its temporary suffix \(\.tmp\.PID, up to [0-9]+ bytes\) it is 2[0-9][0-9] bytes, more than the 255 its directory takes\$" \
    pario-gen --dtype int8 --count 3 --sequence --out "$long"
done
# counted with the digits of the largest PID, not of rank 0's: a name that fits
# with a short PID but not with a long one is refused whatever the PID
big=$(( $(cat /proc/sys/kernel/pid_max) - 1 ))
fits=$(printf 'n%.0s' $(seq $((255 - 5 - ${#big} - 4))))
expect_error 3 1 "^pario-gen: error: ${fits}n\\.npy: the name is too long: with its temporary suffix \(\.tmp\.PID, up to $((5 + ${#big})) bytes\) it is 256 bytes" \
  pario-gen --dtype int8 --count 3 --sequence --out "${fits}n.npy"
mpirun 3 pario-gen --dtype int8 --count 3 --sequence --out "$fits.npy" >/dev/null 2>&1 && test -f "$fits.npy" ||
  fail "a name that fits with the largest PID: refused"
rm -f "$fits.npy"
check "nothing made under the long name" test -z "$(ls | grep '^nnnn')"

# Replacing an output keeps its permission bits: a private output stays private
# (each was made 0644 again; a hostile-user pass)
mode() { stat -c %a "$1"; }
mpirun 2 pario-gen --dtype int16 --count 50 --sequence --out pm.bin && chmod 600 pm.bin && chmod 640 pm.bin.yaml &&
  mpirun 2 pario-gen --dtype int16 --count 70 --sequence --out pm.bin || fail "gen pm.bin twice"
check "raw output replaced: 600 kept" test "$(mode pm.bin)" = 600
check "its descriptor replaced: 640 kept" test "$(mode pm.bin.yaml)" = 640
mpirun 1 pario-convert pm.bin pm.npy && chmod 600 pm.npy && mpirun 3 pario-convert pm.bin pm.npy || fail "convert pm.npy twice"
check ".npy output replaced: 600 kept" test "$(mode pm.npy)" = 600
printf 'input: {data: pm.bin}\noperations: [sum]\noutput: {results: pm.json, h5: pm.h5, format: json}\n' > pmjob.yaml
mpirun 2 pario-run pmjob.yaml && chmod 600 pm.json pm.h5 && mpirun 2 pario-run pmjob.yaml || fail "pario-run pmjob twice"
check "pario-run results replaced: 600 kept" test "$(mode pm.json)" = 600
check "pario-run HDF5 results replaced: 600 kept" test "$(mode pm.h5)" = 600
mpirun 2 pario-scatter --out pmp pm.bin && chmod 600 pmp.1 && mpirun 2 pario-scatter --out pmp pm.bin || fail "scatter pmp twice"
check "part replaced: 600 kept" test "$(mode pmp.1)" = 600
mpirun 2 pario-pi --samples 10 --rounds 1 --log pml.h5 >/dev/null && chmod 600 pml.h5 &&
  mpirun 2 pario-pi --samples 10 --rounds 1 --log pml.h5 --force >/dev/null || fail "pi --log pml.h5 twice"
check "pi log replaced (--force): 600 kept" test "$(mode pml.h5)" = 600
mpirun 2 pario-gen --dtype int16 --count 5 --sequence --out pmnew.bin || fail "gen pmnew.bin"
: > umask.ref
check "a new output takes the umask's mode" test "$(mode pmnew.bin)" = "$(mode umask.ref)"

# A SIGTERM between the renames of an output of two files (data and descriptor,
# a part and its descriptor, the results and their HDF5 file) waits until both
# have their names: the process then ends by it, leaving both new files and no
# temporary file. PARIO_COMMIT_PAUSE (a test hook) holds the process there; the
# PID comes from the temporary name of the file written last before the renames.
no_tmp_left() { # LABEL: no sig*.tmp.* here (the names in the failure, if any)
  local left; left=$(ls ./sig*.tmp.* 2>/dev/null | tr '\n' ' ')
  if [ -z "$left" ]; then pass "$1: no temporary file left"; else fail "$1: temporary files left: $left"; rm -f ./sig*.tmp.*; fi
}
first_match() { # GLOB: the first file it matches, waiting up to 8 s for one
  local i f
  for i in $(seq 400); do
    f=$(ls $1 2>/dev/null | head -n 1)
    [ -n "$f" ] && break
    sleep 0.02
  done
  echo "$f"
}
sigterm_between() { # LABEL N GLOB TOOL ARGS...
  local label=$1 n=$2 glob=$3 f pid; shift 3
  PARIO_COMMIT_PAUSE=10000 mpirun "$n" "$@" >/dev/null 2>&1 &
  local job=$!
  f=$(first_match "$glob")
  pid=${f##*.tmp.}; pid=${pid%%.*}
  # until it sleeps in the pause (its wchan; a fixed 0.3 s before), at most 5 s
  # (a busy machine; it is there in a few ms): the signal ends the pause
  for _ in $(seq 100); do case $(cat "/proc/$pid/wchan" 2>/dev/null) in *nanosleep*) break ;; esac; sleep 0.05; done
  if [ -z "$f" ] || ! kill -TERM "$pid" 2>/dev/null; then fail "$label: no process to signal ($glob)"; fi
  wait $job
  check "$label: the run did not end normally" test $? -ne 0
  no_tmp_left "$label"
}
"$PYTHON3" -c "
import numpy as np
np.arange(1000, dtype='<i4').tofile('sig.bin'); open('sig.bin.yaml', 'w').write('dtype: int32\nshape: [1000]\n')
np.arange(10.0).tofile('sigo.bin'); open('sigo.bin.yaml', 'w').write('dtype: float64\nshape: [10]\n')
for r in range(2): np.arange(3.0).tofile('sigp.%d' % r); open('sigp.%d.yaml' % r, 'w').write('dtype: float64\nshape: [3]\n')
open('sigr.json', 'w').write('old'); open('sigr.h5', 'w').write('old')" || exit 99
printf 'input: {data: sig.bin}\noperations: [sum]\noutput: {results: sigr.json, h5: sigr.h5, format: json}\n' > sigjob.yaml
sigterm_between "convert" 2 'sigo.bin.yaml.tmp.*' pario-convert sig.bin sigo.bin
check "convert: the new data and its new descriptor" "$PYTHON3" -c "
import numpy as np, yaml
d = yaml.safe_load(open('sigo.bin.yaml'))
assert d['dtype'] == 'int32' and d['shape'] == [1000], d
assert (np.fromfile('sigo.bin', '<i4') == np.arange(1000)).all()"
sigterm_between "scatter" 1 'sigp.0.yaml.tmp.*' pario-scatter --out sigp sig.bin
check "scatter: the new part and its new descriptor" "$PYTHON3" -c "
import numpy as np, yaml
d = yaml.safe_load(open('sigp.0.yaml'))
assert d['dtype'] == 'int32' and d['shape'] == [1000], d
assert (np.fromfile('sigp.0', '<i4') == np.arange(1000)).all()"
rm -f sigp.1 sigp.1.yaml
sigterm_between "pario-run" 2 'sigr.h5.tmp.*' pario-run sigjob.yaml
check "pario-run: the new results and the new HDF5 file" "$PYTHON3" -c "
import json, h5py
r = json.load(open('sigr.json'))
assert r.get('results', r)['sum'] == 499500, r
with h5py.File('sigr.h5', 'r') as h: pass"

# A run ended by a signal while it writes removes its temporary files (rank 0's
# and the other ranks' parts) and leaves the earlier output as it was: SIGTERM
# to rank 0 alone, SIGTERM and SIGINT to mpiexec (which passes them on).
# (64 MiB of zeros, a hole: what matters is that the run is still writing)
truncate -s 64M sigbig.bin && printf 'dtype: int32\nshape: [16777216]\n' > sigbig.bin.yaml || exit 99
cp sigo.bin sigo.keep; cp sigo.bin.yaml sigo.yaml.keep
rank0_of() { # the newest MPI job's rank 0: the PID in its temporary name
  local f=$1; f=${f##*.tmp.}; echo "${f%%.*}"; }
kill_while_writing() { # LABEL N GLOB TARGET(rank0|mpiexec) SIG TOOL ARGS...
  local label=$1 n=$2 glob=$3 target=$4 sig=$5 f; shift 5
  mpirun "$n" "$@" >/dev/null 2>&1 &
  local job=$!
  f=$(first_match "$glob")
  if [ -z "$f" ]; then fail "$label: never saw $glob"; wait $job; return; fi
  if [ "$target" = rank0 ]; then
    kill -"$sig" "$(rank0_of "$f")"
  else # the mpiexec started by this job (the background shell or its timeout)
    local p q m=""
    for p in $(pgrep -x "$(basename "$MPIEXEC")"); do
      q=$p
      while [ "$q" -gt 1 ] && [ "$q" != "$job" ]; do q=$(awk '{print $4}' "/proc/$q/stat" 2>/dev/null || echo 1); done
      [ "$q" = "$job" ] && m=$p
    done
    if [ -n "$m" ]; then kill -"$sig" "$m"; else fail "$label: no mpiexec found"; fi
  fi
  wait $job
  local rc=$?
  [ "$target" = mpiexec ] || check "$label: the run did not end normally" test $rc -ne 0
  no_tmp_left "$label"
}
# (mpiexec's own exit status after a SIGINT, and whether it lets the other
# ranks run their handler before it kills them, are Hydra's: a signal to
# mpiexec is checked only for what rank 0 removes)
kill_while_writing "convert, SIGTERM to rank 0" 2 'sigo.bin.tmp.*' rank0 TERM pario-convert --chunk 1Ki sigbig.bin sigo.bin
kill_while_writing "convert, SIGINT to rank 0" 3 'sigo.bin.tmp.*' rank0 INT pario-convert --chunk 1Ki sigbig.bin sigo.bin
kill_while_writing "convert, SIGTERM to mpiexec" 3 'sigo.bin.tmp.*' mpiexec TERM pario-convert --chunk 1Ki sigbig.bin sigo.bin
# SIGHUP and SIGUSR1, which UCX and MPICH catch and return from (the run went on
# and its temporary file stayed while it did: a hostile-user pass, session 21),
# to rank 0 alone (SIGHUP to mpiexec is not passed on: Hydra ends, and its
# ranks are killed outright, doc/options.md)
kill_while_writing "convert, SIGHUP to rank 0" 2 'sigo.bin.tmp.*' rank0 HUP pario-convert --chunk 1Ki sigbig.bin sigo.bin
kill_while_writing "convert, SIGUSR1 to rank 0" 3 'sigo.bin.tmp.*' rank0 USR1 pario-convert --chunk 1Ki sigbig.bin sigo.bin
check "convert: the earlier output kept" cmp -s sigo.bin sigo.keep
check "convert: the earlier descriptor kept" cmp -s sigo.bin.yaml sigo.yaml.keep
# A second file that cannot take its name (made immutable, chattr +i: root, on
# a file system that has the flag) fails the run and leaves the earlier output
# as it was: pario-gen's data and descriptor, pario-scatter's parts on every
# rank, pario-run's results and HDF5 file. (The new data, already renamed, was
# removed, and the earlier data with it; pario-run kept the new HDF5 file
# beside the old results: a hostile-user pass, session 21.)
imm_same() { # LABEL FILE...: each FILE equal to FILE.keep, no temporary file left
  local label=$1 f ok=1; shift
  for f in "$@"; do cmp -s "$f" "$f.keep" || { ok=0; fail "$label: $f changed or gone"; }; done
  [ $ok = 1 ] && pass "$label: the earlier output as it was"
  local left; left=$(ls ./imm*.tmp.* 2>/dev/null | tr '\n' ' ')
  check "$label: no temporary file left${left:+ ($left)}" test -z "$left"
}
if mpirun 1 pario-gen --dtype int8 --count 10 --sequence --out imm.bin >/dev/null 2>&1 && chattr +i imm.bin.yaml 2>/dev/null; then
  for f in imm.bin imm.bin.yaml; do cp "$f" "$f.keep"; done
  expect_error 2 1 "imm\\.bin\\.yaml: cannot rename into place: Operation not permitted" \
    pario-gen --dtype int16 --count 7 --sequence --out imm.bin
  imm_same "pario-gen, descriptor immutable" imm.bin imm.bin.yaml
  chattr -i imm.bin.yaml
  mpirun 2 pario-scatter --out imms imm.bin >/dev/null 2>&1 || fail "pario-scatter --out imms"
  chattr +i imms.1.yaml && for f in imms.0 imms.0.yaml imms.1 imms.1.yaml; do cp "$f" "$f.keep"; done
  mpirun 1 pario-gen --dtype int16 --count 9 --sequence --out imm2.bin >/dev/null 2>&1
  expect_error 2 1 "imms\\.1\\.yaml: cannot rename into place" pario-scatter --out imms imm2.bin
  imm_same "pario-scatter, rank 1's descriptor immutable" imms.0 imms.0.yaml imms.1 imms.1.yaml
  chattr -i imms.1.yaml
  printf 'input: {data: imm.bin}\noperations: [sum]\noutput: {results: immr.json, h5: immr.h5}\n' > immj.yaml
  mpirun 2 pario-run immj.yaml >/dev/null 2>&1 || fail "pario-run immj.yaml"
  chattr +i immr.json && cp immr.json immr.json.keep && cp immr.h5 immr.h5.keep
  printf 'input: {data: imm.bin}\noperations: [sum, max]\noutput: {results: immr.json, h5: immr.h5}\n' > immj.yaml
  expect_error 2 1 "immr\\.json: cannot rename into place" pario-run immj.yaml
  imm_same "pario-run, results immutable" immr.json immr.h5
  chattr -i immr.json
else
  echo "note: no chattr +i here (not root, or the file system lacks the flag): the immutable checks skipped"
fi

# Two runs adding datasets to one HDF5 file at once, each to a copy of the
# file renamed over it when it ends: every run that exits 0 has its dataset in
# the file at the end. (The run that ended last replaced the file with its
# copy, and the other's dataset was gone, both exiting 0: a hostile-user pass,
# session 21. Now the later one finds the file changed, fails with one line,
# and leaves the file as the other made it.) Whichever ends first, the same
# rule holds.
if mpirun 1 pario-gen --dtype int8 --count 10 --sequence --out cc.h5:/base >/dev/null 2>&1; then
  # (gzip: a run of a few seconds that writes 80 MB, so that the two overlap)
  mpirun 2 pario-gen --dtype float32 --count 20M --uniform 0:1 --gzip 6 --out cc.h5:/big >/dev/null 2>cc_big.err &
  ccjob=$!
  first_match 'cc.h5.tmp.*' >/dev/null
  mpirun 1 pario-gen --dtype int8 --count 10 --sequence --out cc.h5:/small >/dev/null 2>cc_small.err; ccs=$?
  wait $ccjob; ccb=$?
  check "two runs adding to one HDF5 file: each that succeeded has its dataset, each that failed said why" \
    "$PYTHON3" - "$ccb" "$ccs" <<'PY'
import re, sys, h5py
names = set(h5py.File("cc.h5", "r"))
ok = "base" in names
for name, rc, err in (("big", sys.argv[1], "cc_big.err"), ("small", sys.argv[2], "cc_small.err")):
    lines = [l for l in open(err) if l.strip()]
    if rc == "0":
        ok = ok and name in names
    else:
        ok = ok and name not in names and len(lines) == 1 and re.search(r"cc\.h5: changed by another run while this one wrote /%s" % name, lines[0]) is not None
if not ok:
    print("datasets %s, exits big %s small %s, stderr %r %r" % (sorted(names), sys.argv[1], sys.argv[2], open("cc_big.err").read(), open("cc_small.err").read()))
sys.exit(0 if ok else 1)
PY
  left=$(ls cc.h5.tmp.* 2>/dev/null | tr '\n' ' ')
  check "two runs adding to one HDF5 file: no temporary file left${left:+ ($left)}" test -z "$left"
  rm -f cc.h5
else
  fail "pario-gen --out cc.h5:/base"
fi

rm -f sigp.*
kill_while_writing "scatter, SIGTERM to rank 0" 2 'sigp.1.tmp.*' rank0 TERM pario-scatter --chunk 1Ki --out sigp sigbig.bin
left=$(ls sigp.* 2>/dev/null | tr '\n' ' ')
check "scatter: no part left${left:+ (left: $left)}" test -z "$left"
finish
