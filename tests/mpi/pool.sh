#!/bin/bash
# The task pool (doc/pool.md): many-input pario-run jobs (160 tiny inputs of eight
# dtypes and both byte orders, raw and .npy, made with numpy) checked against numpy
# (tests/mpi/pool_ref.py) at 1-4 ranks; --schedule dynamic gives the same bytes as
# static for pario-run, pario-count and pario-reduce (float sum/mean/var/std, hist,
# --axis), also with one rank slowed (PARIO_SLOW) and with the hierarchy of
# counters across "nodes" (PARIO_POOL_NODE_SIZE); a failing input in the middle
# with and without --keep-going, a read failure on one rank, globs, --inputs,
# and the guard (no output replaces an input).
. "${PARIO_SRCDIR:-$(dirname "$0")/../..}/tests/mpi/lib.sh"
REF="$PYTHON3 $PARIO_SRCDIR/tests/mpi/pool_ref.py"
BENCH_BIN=${PARIO_BIN%/tools}/bench

$REF make d 160 7 > all.list || { fail "making the inputs"; finish; exit; }
cat > job.yaml <<'EOF'
name: many
input:
  data: "d/f*"
operations: [sum, min, max, mean, std, {op: count, value: 0}]
EOF

# ---- many inputs against numpy, static == dynamic byte for byte
mpirun 1 pario-run --format json job.yaml > s1.json 2> s1.err || fail "static, 1 rank: $(cat s1.err)"
check "1 rank, static: every input matches numpy" $REF check s1.json all.list
mpirun 2 pario-run --format json --schedule dynamic job.yaml > d2.json 2> d2.err || fail "dynamic 2: $(cat d2.err)"
mpirun 2 pario-run --format json job.yaml > s2.json 2> s2.err || fail "static 2: $(cat s2.err)"
check "2 ranks: dynamic == static, byte for byte" cmp -s d2.json s2.json
check "2 ranks, dynamic: every input matches numpy" $REF check d2.json all.list
# four ranks as two "nodes" of two: node counters refilled from the global one
PARIO_POOL_NODE_SIZE=2 PARIO_SLOW=0:4 mpirun 4 pario-run --format json --schedule dynamic --stats job.yaml \
  > d4.json 2> d4.err || fail "dynamic 4: $(cat d4.err)"
mpirun 4 pario-run --format json job.yaml > s4.json 2> s4.err || fail "static 4: $(cat s4.err)"
check "4 ranks on 2 nodes, rank 0 slowed: dynamic == static" cmp -s d4.json s4.json
check "--stats: one line per rank with tasks and waits" \
  test "$(grep -Ec 'pario-run: stats: rank [0-3]: [0-9]+ tasks in [0-9]+ batches, [0-9.]+ s working, [0-9.]+ s waiting' d4.err)" = 4
check "--stats: the schedule and the nodes" grep -q 'schedule dynamic, 160 tasks, 4 ranks on 2 nodes' d4.err

# ---- the same inputs by a glob argument, by --inputs, by a list in the job
mpirun 3 pario-run --format json --schedule dynamic job.yaml 'd/f*' > g3.json 2> g3.err || fail "glob: $(cat g3.err)"
mpirun 3 pario-run --format json --schedule dynamic --inputs all.list job.yaml > l3.json 2> l3.err \
  || fail "--inputs: $(cat l3.err)"
{ echo 'input:'; echo '  data:'; sed 's/^/    - /' all.list; echo 'operations: [sum, min, max, mean, std, {op: count, value: 0}]'
  echo 'schedule: dynamic'; } > listjob.yaml
mpirun 3 pario-run --format json listjob.yaml > j3.json 2> j3.err || fail "listed in the job: $(cat j3.err)"
check "3 ranks: glob argument matches numpy" $REF check g3.json all.list
check "--inputs LIST gives the same bytes as the glob" cmp -s g3.json l3.json
check "input.data as a list: the same results" cmp -s <(sed 's/"file":"[^"]*"//;s/"name":"many",//' j3.json) \
  <(sed 's/"file":"[^"]*"//;s/"name":"many",//' g3.json)
check "a job with a list of inputs validates against the schema" $PYTHON3 -c "
import sys, yaml, jsonschema
s = yaml.safe_load(open('$PARIO_SRCDIR/schemas/job.schema.yaml'))
jsonschema.Draft202012Validator(s).validate(yaml.safe_load(open('listjob.yaml')))"
expect_error 2 1 "pario-run: error: d/none\\*: no file matches this pattern" pario-run job.yaml 'd/none*'
# a pattern that matches descriptors only names no input (it ran on none, exit 0; session 28)
mkdir -p dd && printf 'dtype: int8\n' >dd/x.bin.yaml
expect_error 2 1 "pario-run: error: dd/\\*\\.yaml: no file but descriptors \\(\\.yaml\\) matches this pattern" pario-run job.yaml 'dd/*.yaml'
rm -r dd
# results keyed by a file name holding U+2028 or U+2029, line breaks to YAML
# readers: escaped (written raw, PyYAML refused the key; session 28)
mkdir -p ls.d && printf 'abc' >"$(printf 'ls.d/l\342\200\250.bin')" && printf 'de' >"$(printf 'ls.d/p\342\200\251.bin')" || exit 99
printf 'int8\n' | sed 's/^/dtype: /' >ls.desc.yaml
printf 'input: {data: ls.d/x, descriptor: ls.desc.yaml}\noperations: [sum]\noutput: {results: ls.yaml}\n' >lsjob.yaml
mpirun 2 pario-run lsjob.yaml 'ls.d/*' >/dev/null 2>&1 || fail "pario-run over names with U+2028, U+2029 ran"
check "names with U+2028 and U+2029: PyYAML reads the results' keys back" "$PYTHON3" -c "
import os, yaml
d = yaml.safe_load(open('ls.yaml', encoding='utf-8'))['inputs']
keys = sorted(k for k in d if k.startswith('ls.d/'))
assert keys == sorted('ls.d/' + n for n in os.listdir('ls.d')), keys
assert [d[k]['sum'] for k in keys] == [ord('a') + ord('b') + ord('c'), ord('d') + ord('e')], d"
rm -r ls.d ls.yaml
{ echo d/f001.bin; echo d/f001.bin; } > twice.list
# a list of nothing but blank lines and comments is empty (it ran as "0 inputs",
# exit 0, and replaced the previous results; a hostile-user pass), as is an empty file
printf '\n# nothing here\n\n' > blank.list; : > none.list
for l in blank.list none.list; do
  echo old > kept.h5
  expect_error 2 2 "^pario-run: error: $l: the list of inputs is empty\$" pario-run --inputs $l --h5 kept.h5 job.yaml
  check "$l: the earlier results kept" grep -qx old kept.h5
done
expect_error 2 2 "d/f001.bin: listed twice" pario-run --inputs twice.list job.yaml
# a line of spaces and tabs is blank too (it was the input "  ": "  : No such
# file or directory"); a directory or an unreadable list is a read error, not an
# empty list (getline's error passed for the end of the list; a hostile-user pass)
printf '  \n\t\n' > spaces.list
expect_error 2 2 "^pario-run: error: spaces.list: the list of inputs is empty\$" pario-run --inputs spaces.list job.yaml
printf 'd/f001.bin\n \nd/f002.bin\n' > gap.list
mpirun 2 pario-run --format json --inputs gap.list job.yaml > gap.json 2> gap.err
check "a line of spaces in a list names no input" "$PYTHON3" -c "
import json; r = json.load(open('gap.json')); assert list(r['inputs']) == ['d/f001.bin', 'd/f002.bin'], r['inputs']"
# --inputs and INPUT arguments together: refused (the arguments were dropped
# without a word, and the results had only the list's inputs)
expect_error 2 2 "^pario-run: error: --inputs gap.list and INPUT arguments \(d/f003.bin\.\.\.\): give the inputs one way\$" \
  pario-run --inputs gap.list job.yaml d/f003.bin
mkdir -p alist.d
expect_error 2 1 "^pario-run: error: alist.d: cannot open the list of inputs: it is a directory, not a regular file\$" \
  pario-run --inputs alist.d job.yaml
# a named list that is not a regular file is refused before it is read (a FIFO
# without a writer hung the run in its open, /dev/zero was read into memory
# without end; session 26); a line is read up to a path's length, and a NUL
# byte in one is refused (a line of NULs passed for a blank one)
rm -f alist.fifo && mkfifo alist.fifo
expect_error 2 1 "^pario-run: error: alist.fifo: cannot open the list of inputs: it is a FIFO, not a regular file\$" pario-run --inputs alist.fifo job.yaml
expect_error 1 1 "^pario-run: error: /dev/zero: cannot open the list of inputs: it is a device, not a regular file\$" pario-run --inputs /dev/zero job.yaml
head -c 100 /dev/zero > nul.list
expect_error 2 2 "^pario-run: error: nul.list:1: a NUL byte in the line \(one path a line\)\$" pario-run --inputs nul.list job.yaml
{ echo d/f001.bin; head -c 5000 /dev/zero | tr '\0' x; } > long.list
expect_error 2 2 "^pario-run: error: long.list:2: path too long\$" pario-run --inputs long.list job.yaml
# one file under two spellings is one input too (it was counted twice; session 12)
ln -f d/f001.bin hard001.bin && cp d/f001.bin.yaml hard001.bin.yaml
expect_error 2 2 "^pario-run: error: \./d/f001.bin: the same input as d/f001.bin, listed twice" pario-run job.yaml d/f001.bin ./d/f001.bin
expect_error 2 2 "^pario-run: error: d/\.\./d/f001.bin: the same input as d/f001.bin" pario-run job.yaml d/f001.bin d/../d/f001.bin
expect_error 2 2 "^pario-run: error: (hard001.bin: the same input as d/f001.bin|d/f001.bin: the same input as hard001.bin)" \
  pario-run job.yaml d/f001.bin hard001.bin
$PYTHON3 -c "
import h5py, numpy as np
with h5py.File('two.h5', 'w') as f: f['x'] = np.arange(10.0); f['y'] = np.arange(5.0)" || exit 99
check "two datasets of one HDF5 file are two inputs: numpy's sums" sh -c "
  timeout -k 5 $TEST_TIMEOUT $MPIEXEC -n 2 $(pario_exe pario-run) --format json job.yaml two.h5:/x two.h5:/y |
  $PYTHON3 -c \"import json, sys; r = json.load(sys.stdin)['inputs']; assert (r['two.h5:/x']['sum'], r['two.h5:/y']['sum']) == (45, 10), r\""
expect_error 2 2 "^pario-run: error: \./two.h5:/x: the same input as two.h5:/x" pario-run job.yaml two.h5:/x ./two.h5:/x
# ... and one dataset under another name of it (a soft link, a group's hard
# link, "//x", "/./x") is one input (the totals counted it twice; session 23)
$PYTHON3 -c "
import h5py, numpy as np
with h5py.File('alias.h5', 'w') as f:
    f['x'] = np.arange(4.0); f['y'] = h5py.SoftLink('/x'); g = f.create_group('g'); g['z'] = np.arange(3.0); f['g2'] = g" || exit 99
for pair in "alias.h5:/y alias.h5:/x" "alias.h5:/g2/z alias.h5:/g/z" "alias.h5://x alias.h5:/x" "alias.h5:/./x alias.h5:/x"; do
  # shellcheck disable=SC2086
  expect_error 2 2 "^pario-run: error: alias\.h5:[/.gxyz2]+: the same dataset as alias\.h5:[/.gxyz2]+, listed twice" pario-run job.yaml $pair
done

# ---- HDF5 results, one group per input in input order
mpirun 2 pario-run --schedule dynamic --h5 many.h5 job.yaml > /dev/null 2> h5.err || fail "h5: $(cat h5.err)"
check "HDF5: /inputs/NNNNNN per input with its data path and the same sums as JSON" $PYTHON3 -c "
import json, h5py, sys
r = json.load(open('s2.json'))['inputs']
with h5py.File('many.h5', 'r') as f:
    g = f['inputs']
    assert len(g) == len(r) == f.attrs['inputs'], (len(g), len(r))
    for i, (p, e) in enumerate(r.items()):
        gi = g['%06d' % i]
        d = gi.attrs['data']
        assert (d.decode() if isinstance(d, bytes) else d) == p, (d, p)
        assert gi.attrs['elements'] == e['elements']
        assert gi['sum'][()] == e['sum'], (p, gi['sum'][()], e['sum'])
"

# ---- pario-reduce and pario-count: dynamic == static (tasks = chunks)
$PYTHON3 -c "
import numpy as np
r = np.random.default_rng(3)
x = r.standard_normal(100003) * np.exp(r.uniform(-20, 20, 100003))
x[::9973] = 0
x.astype('>f8').tofile('big.bin')
open('big.bin.yaml', 'w').write('dtype: float64\nshape: [100003]\nbyte_order: big\n')
m = (r.standard_normal((331, 157)) * 100).astype('<f4'); m.tofile('m.bin')
open('m.bin.yaml', 'w').write('dtype: float32\nshape: [331, 157]\n')"
OPS="--op sum,min,max,mean,var,std,hist,count=0 --chunk 16Ki"
mpirun 3 pario-reduce $OPS --format json big.bin > rs.json 2> rs.err || fail "reduce static: $(cat rs.err)"
PARIO_SLOW=1:5 mpirun 3 pario-reduce $OPS --format json --schedule dynamic big.bin > rd.json 2> rd.err \
  || fail "reduce dynamic: $(cat rd.err)"
check "pario-reduce: dynamic == static (float sum, mean, var, std, hist), rank 1 slowed" cmp -s rs.json rd.json
check "pario-reduce: the sum is math.fsum's" $PYTHON3 -c "
import json, math, numpy as np
x = np.fromfile('big.bin', '>f8')
assert json.load(open('rd.json'))['sum'] == math.fsum(map(float, x))"
mpirun 2 pario-reduce --op sum,max,std --axis 1 --chunk 4Ki m.bin > as.txt 2> as.err || fail "axis static: $(cat as.err)"
PARIO_POOL_NODE_SIZE=1 mpirun 2 pario-reduce --op sum,max,std --axis 1 --chunk 4Ki --schedule dynamic m.bin \
  > ad.txt 2> ad.err || fail "axis dynamic: $(cat ad.err)"
check "pario-reduce --axis 1: dynamic == static" cmp -s as.txt ad.txt
mpirun 4 pario-count --values 0,1 --chunk 8Ki big.bin > cs.txt 2> cs.err || fail "count static: $(cat cs.err)"
mpirun 4 pario-count --values 0,1 --chunk 8Ki --schedule dynamic big.bin > cd.txt 2> cd.err \
  || fail "count dynamic: $(cat cd.err)"
check "pario-count: dynamic == static" cmp -s cs.txt cd.txt
check "pario-count: numpy's count" $PYTHON3 -c "
import numpy as np, re
x = np.fromfile('big.bin', '>f8')
assert re.search(r'\b0: %d\b' % np.count_nonzero(x == 0), open('cd.txt').read())"
# MPICH told every rank is remote (as pario tells it on an oversubscribed
# machine): the node counter in pario's own shared memory, ranks grouped by host
MPIR_CVAR_NOLOCAL=1 mpirun 3 pario-count --values 0,1 --chunk 8Ki --schedule dynamic --stats big.bin > cn.txt 2> cn.err \
  || fail "count dynamic, MPIR_CVAR_NOLOCAL=1: $(cat cn.err)"
check "MPIR_CVAR_NOLOCAL=1: dynamic == static" cmp -s cs.txt cn.txt
check "MPIR_CVAR_NOLOCAL=1: the 3 ranks of this host are one node" grep -q 'schedule dynamic, [0-9]* tasks, 3 ranks on 1 node' cn.err
expect_error 1 2 "--schedule 'guided': expected static or dynamic" pario-reduce --op sum --schedule guided big.bin

# ---- an input in the host's byte order: its tasks come out of a memory map
$PYTHON3 -c "
import numpy as np
np.fromfile('big.bin', '>f8').astype('<f8').tofile('little.bin')
open('little.bin.yaml', 'w').write('dtype: float64\nshape: [100003]\n')" || exit 99
PARIO_SLOW=1:5 mpirun 3 pario-reduce $OPS --format json --schedule dynamic little.bin > rl.json 2> rl.err \
  || fail "reduce dynamic, mapped: $(cat rl.err)"
check "pario-reduce: dynamic from a map == static (the big-endian copy's), rank 1 slowed" cmp -s rs.json rl.json
mpirun 2 pario-reduce $OPS --format json --schedule dynamic --no-mmap little.bin > rn.json 2> rn.err \
  || fail "reduce dynamic --no-mmap: $(cat rn.err)"
check "pario-reduce: dynamic --no-mmap == static" cmp -s rs.json rn.json
mpirun 4 pario-count --values 0,1 --chunk 8Ki --schedule dynamic little.bin > cl.txt 2> cl.err \
  || fail "count dynamic, mapped: $(cat cl.err)"
check "pario-count: dynamic from a map == static" cmp -s cs.txt cl.txt
# (rank 0 slowed, 10 ms a task whatever the machine: tasks from a map are
# quick, and on a busy machine rank 0 took all 196 before rank 1 drew one)
PARIO_SLOW=0:+0.01 PARIO_FAULT=read:rank=1:after=0 expect_error 2 1 "pario-reduce: error: little.bin: .*\\(rank 1\\)" \
  pario-reduce --op sum --chunk 4Ki --schedule dynamic little.bin
# memory bounded by the chunk, not the file: tasks from a map take windows of
# 4 chunks (a map of the whole input kept each page a rank touched resident:
# 128 MiB of a 256 MiB file per rank at 2 ranks; session 15). ru_maxrss of
# the ranks; not under ASan (its shadow memory follows the pages touched).
if [ -z "${ASAN_OPTIONS:-}" ]; then
  truncate -s 256M sparse.bin && printf 'dtype: float64\n' > sparse.bin.yaml
  rss() { $PYTHON3 -c "
import resource, subprocess, sys
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if rc == 0 else -1)" \
    timeout -k 5 "$TEST_TIMEOUT" "$MPIEXEC" -n 2 "$(pario_exe pario-reduce)" --op sum "$@" sparse.bin; }
  ps=$(rss); pd=$(rss --schedule dynamic)
  check "dynamic from a map: peak RSS $pd KB, static $ps KB (256 MiB file)" \
    test "$ps" -gt 0 -a "$pd" -gt 0 -a "$pd" -lt $((ps + 40000))
  rm -f sparse.bin sparse.bin.yaml
fi
# the file cut short while its tasks are read from the map: one line, exit 1, no
# hang. Cut once the rank has mapped it (its /proc maps name it; at most 5 s): a
# fixed second before, and a cut before the open (a slow start on a busy
# machine) fails as "file too short", which is not the case checked here
head -c 67108864 /dev/zero > cut.bin
printf 'dtype: float64\nshape: [8388608]\n' > cut.bin.yaml
(for _ in $(seq 250); do
   for pid in $(pgrep -f 'schedule dynamic cut\.bin'); do grep -qs cut.bin "/proc/$pid/maps" && break 2; done
   sleep 0.02
 done
 truncate -s 1048576 cut.bin) &
# (1 ms a task: 16 s for the 16,384, on a fast machine too; the cut ends it)
PARIO_SLOW=0:+0.001 expect_error 1 1 "pario-reduce: error: cut.bin: .*(shrank|end of file|shorter)" \
  pario-reduce --op sum --chunk 4Ki --schedule dynamic cut.bin
wait

# ---- a failing input in the middle (f080: its descriptor promises more than the file)
cp -R d dbad
head -c 5 d/f081.bin > dbad/f081.bin
sed 's|^d/|dbad/|' all.list > bad.list
cat > outjob.yaml <<'EOF'
input:
  data: "dbad/f*"
operations: [sum, min, max, mean, std, {op: count, value: 0}]
output:
  results: out.json
EOF
expect_error 3 1 "pario-run: error: dbad/f081.bin: .*" pario-run --schedule dynamic outjob.yaml
check "without --keep-going: no results file" test ! -e out.json
mpirun 2 pario-run --schedule dynamic --keep-going outjob.yaml 2> kg.err; rc=$?
check "--keep-going: exit status 1" test "$rc" = 1
check "--keep-going: the failed input named on stderr" grep -q '^pario-run: error: dbad/f081.bin: ' kg.err
check "--keep-going: the summary line last" sh -c "tail -n 1 kg.err | grep -q '1 of 160 inputs failed'"
check "--keep-going: every other input's result, matching numpy" $REF check out.json bad.list dbad/f081.bin
mv out.json kg.json

# ---- a window of inputs at a time (256 by default; PARIO_RUN_WINDOW): every
# window opened, reduced, written and freed before the next, so a rank keeps a
# window's state, not every input's (it kept ~29 KB an input on every rank:
# 580 MB for 20,000 inputs; session 13). Windows of 7, 13 and 50 give the bytes
# of one window, JSON and HDF5, static and dynamic, at 1, 2 and 4 ranks
PARIO_RUN_WINDOW=7 mpirun 2 pario-run --format json --schedule dynamic --h5 w7.h5 job.yaml > w2.json 2> w2.err \
  || fail "windows of 7: $(cat w2.err)"
check "windows of 7, 2 ranks, dynamic: the bytes of one window" cmp -s w2.json s2.json
check "windows of 7: the HDF5 results of one window" $PYTHON3 -c "
import h5py, numpy as np, sys
def walk(g, out, at=''):
    for k, v in g.attrs.items(): out[at + '@' + k] = v
    for k, v in g.items():
        if isinstance(v, h5py.Group): walk(v, out, at + '/' + k)
        else: out[at + '/' + k] = v[()]
a, b = {}, {}
with h5py.File('w7.h5', 'r') as f: walk(f, a)
with h5py.File('many.h5', 'r') as f: walk(f, b)
assert a.keys() == b.keys(), set(a) ^ set(b)
bad = [k for k in a if not np.array_equal(a[k], b[k], equal_nan=np.asarray(a[k]).dtype.kind == 'f')]
sys.exit(1 if bad or len(a) < 160 * 3 else 0)"
PARIO_RUN_WINDOW=13 mpirun 4 pario-run --format json job.yaml > w4.json 2> w4.err || fail "windows of 13, 4 ranks: $(cat w4.err)"
check "windows of 13, 4 ranks, static: the bytes of one window" cmp -s w4.json s4.json
PARIO_RUN_WINDOW=50 mpirun 1 pario-run --format json --stats job.yaml > w1.json 2> w1.err || fail "windows of 50: $(cat w1.err)"
check "windows of 50, 1 rank: the bytes of one window" cmp -s w1.json s1.json
check "--stats: the windows' pools added up, one line per rank" sh -c "
  grep -q 'schedule static, 160 tasks in 4 pools, 1 ranks on 1 node' w1.err &&
  test \"\$(grep -c 'pario-run: stats: rank' w1.err)\" = 1"
# PARIO_RUN_WINDOW is a count as pario reads counts (1e1: 10), rank 0's for
# every rank (ranks given different windows aborted in MPI_Allgatherv); a bad
# value is ignored with a warning
PARIO_RUN_WINDOW=1e1 mpirun 1 pario-run --format json --stats job.yaml > we.json 2> we.err || fail "1e1: $(cat we.err)"
check "PARIO_RUN_WINDOW=1e1: windows of 10 (16 pools), the same bytes" sh -c "
  grep -q '160 tasks in 16 pools' we.err && cmp -s we.json s1.json"
PARIO_RUN_WINDOW=abc mpirun 1 pario-run --format json job.yaml > wa.json 2> wa.err || fail "abc: $(cat wa.err)"
check "PARIO_RUN_WINDOW=abc: one warning, the default window" sh -c "
  test \"\$(grep -c . wa.err)\" = 1 && grep -q \"^pario-run: warning: PARIO_RUN_WINDOW='abc' ignored\" wa.err && cmp -s wa.json s1.json"
timeout -k 5 "$TEST_TIMEOUT" "$MPIEXEC" -n 1 -env PARIO_RUN_WINDOW 3 "$(pario_exe pario-run)" --format json job.yaml : \
  -n 1 -env PARIO_RUN_WINDOW 7 "$(pario_exe pario-run)" --format json job.yaml > wm.json 2> wm.err || fail "mixed windows: $(cat wm.err)"
check "ranks given different windows: rank 0's, the bytes of one window" cmp -s wm.json s2.json
# a failing input in a later window: --keep-going the same results; without it
# nothing written (no results file, nothing on stdout), one line, exit 1
PARIO_RUN_WINDOW=3 mpirun 2 pario-run --schedule dynamic --keep-going outjob.yaml 2> kgw.err
check "--keep-going, windows of 3: the results of one window" cmp -s out.json kg.json
check "--keep-going, windows of 3: the failure named, the summary last" sh -c "
  grep -q '^pario-run: error: dbad/f081.bin: ' kgw.err && tail -n 1 kgw.err | grep -q '1 of 160 inputs failed'"
rm -f out.json
PARIO_RUN_WINDOW=3 expect_error 2 1 "pario-run: error: dbad/f081.bin: .*" pario-run outjob.yaml
check "windows of 3, without --keep-going: no results file" test ! -e out.json
check "no temporary file left" sh -c "! ls out.json.tmp.* 2>/dev/null | grep -q ."
PARIO_RUN_WINDOW=3 mpirun 2 pario-run --format json job.yaml 'dbad/f*' > nb.out 2> nb.err; rc=$?
check "windows of 3, results on stdout: exit 1, nothing on stdout, one line" sh -c "
  test $rc = 1 && test ! -s nb.out && test \"\$(grep -c . nb.err)\" = 1"
# the totals of float inputs far apart: var and std of the concatenation
# (numpy's within 1e-12), the same bits for windows of 1 and 256 at 1 and 3
# ranks (they merged squares shifted by each input's own first element: var 0
# for [10, 11, 12] + [0, 1, 2]; session 13); count=V and range=LO:HI resolved
# for each input's own dtype, not the last opened one's (LO <= x < HI)
$PYTHON3 -c "
import numpy as np, os
os.makedirs('dv', exist_ok=True); os.makedirs('dm', exist_ok=True)
r = np.random.default_rng(21)
for i, (m, s) in enumerate([(10, 1), (0, 1), (1e9, 1e-3), (-5, 100), (3, 0.01)]):
    x = m + s * r.standard_normal(1000 + 37 * i)
    x.tofile('dv/v%d.bin' % i); open('dv/v%d.bin.yaml' % i, 'w').write('dtype: float64\nshape: [%d]\n' % x.size)
for name, x in [('a', np.array([-4, -3, -1, 0, 1, 2, 7], 'int32')), ('b', np.array([1, 2, 3, 253], 'uint8')),
                ('c', np.array([-3.0, 0.5, 4.9, 5.0, -5.0])), ('d', np.array([-128, -3, 5, 6], 'int8'))]:
    x.tofile('dm/%s.bin' % name); open('dm/%s.bin.yaml' % name, 'w').write('dtype: %s\nshape: [%d]\n' % (x.dtype, x.size))
" || exit 99
printf 'input: {data: "dv/*.bin"}\noperations: [sum, mean, var, std]\n' > vjob.yaml
printf 'input: {data: "dm/*.bin"}\noperations: [count=-3, range=-5:5]\n' > cjob.yaml
for w in 1 256; do for n in 1 3; do
  PARIO_RUN_WINDOW=$w mpirun $n pario-run --format json vjob.yaml > v$w-$n.json 2> v.err || fail "var totals: $(cat v.err)"
  PARIO_RUN_WINDOW=$w mpirun $n pario-run --format json cjob.yaml > c$w-$n.json 2> c.err || fail "counts: $(cat c.err)"
done; done
check "totals of float inputs: var and std of the concatenation, numpy's" $PYTHON3 -c "
import glob, json, numpy as np
x = np.concatenate([np.fromfile(f) for f in sorted(glob.glob('dv/*.bin'))])
t = json.load(open('v1-1.json'))['totals']
assert abs(t['var'] - x.var()) <= 1e-12 * x.var() and abs(t['std'] - x.std()) <= 1e-12 * x.std(), (t, x.var())"
check "totals' var: the same bytes for windows of 1 and 256, at 1 and 3 ranks" bash -c "
  for f in v1-3.json v256-1.json v256-3.json; do
    cmp -s <(sed 's/\"ranks\":[0-9]*//' v1-1.json) <(sed 's/\"ranks\":[0-9]*//' \$f) || exit 1
  done" 
check "count=V and range=LO:HI: each input's own dtype, numpy's counts, any window and rank count" $PYTHON3 -c "
import json, numpy as np
for f in ('c1-1.json', 'c1-3.json', 'c256-1.json', 'c256-3.json'):
    r = json.load(open(f))['inputs']
    for name, dt in (('a', 'int32'), ('b', 'uint8'), ('c', 'float64'), ('d', 'int8')):
        x = np.fromfile('dm/%s.bin' % name, dtype=dt)
        inr = (x >= -5) & (x < 5)
        e = r['dm/%s.bin' % name]
        assert (e['count'], e['count_range']) == (int((x == -3).sum()), int(inr.sum())), (f, name, e)"
# totals' variance at the edges of the double range: inf where it overflows,
# 0 for equal values, and what pario-reduce gives for the concatenation in
# one file (it was NaN, and depended on the inputs' order)
$PYTHON3 -c "
import numpy as np
v = {'p': [1.7e308], 'q': [-1.7e308], 'r': [1e308, 1e308], 's': [1e308], 't': [1e160, 1e160], 'u': [-1e160],
     'w': [1e200, -1e200]}
for k, x in v.items():
    np.array(x).tofile('e%s.bin' % k); open('e%s.bin.yaml' % k, 'w').write('dtype: float64\nshape: [%d]\n' % len(x))
for a, b in ('pq', 'tu', 'rs', 'sr', 'ws'):
    x = np.array(v[a] + v[b]); x.tofile('e%s%s.bin' % (a, b))
    open('e%s%s.bin.yaml' % (a, b), 'w').write('dtype: float64\nshape: [%d]\n' % len(x))" || exit 99
edge_ok=1
for ab in pq tu rs sr ws; do
  a=${ab%?} b=${ab#?}
  mpirun 1 pario-run --format json vjob.yaml e$a.bin e$b.bin > et.json 2>/dev/null || edge_ok=0
  mpirun 1 pario-reduce --op mean,var,std --format json e$ab.bin > er.json 2>/dev/null || edge_ok=0
  $PYTHON3 -c "
import json, sys
t = json.load(open('et.json'))['totals']; r = json.load(open('er.json'))
want = {'pq': 'inf', 'tu': 'inf', 'rs': 0, 'sr': 0, 'ws': 'inf'}['$ab']   # closed form: overflow, or equal values
sys.exit(0 if (t['var'], t['std']) == (r['var'], r['std']) == (want, want) else 1)" || { edge_ok=0; echo "totals $ab: $(grep -o '"totals".*' et.json) vs $(cat er.json)"; }
done
check "totals' var and std at the edges of the double range: inf or 0, as pario-reduce on the concatenation" test $edge_ok = 1
# a totals sum that overflows is warned about as an input's is (it was silent)
$PYTHON3 -c "
import numpy as np
np.array([2**63 - 1], 'int64').tofile('ov1.bin'); np.array([1], 'int64').tofile('ov2.bin')
for f in ('ov1', 'ov2'): open(f + '.bin.yaml', 'w').write('dtype: int64\nshape: [1]\n')" || exit 99
mpirun 2 pario-run --format json vjob.yaml ov1.bin ov2.bin > ov.json 2> ov.err || fail "overflow: $(cat ov.err)"
check "a totals sum beyond int64: null, and one warning naming the totals" sh -c "
  grep -q '\"totals\".*\"sum\":null' ov.json && test \"\$(grep -c . ov.err)\" = 1 &&
  grep -q '^pario-run: totals: warning: the sum of the dataset overflows int64' ov.err"
# YAML results keyed by long paths (1,023 and 4,000 bytes): the explicit key
# form (an implicit YAML key stops at 1,024 characters: PyYAML refused them)
$PYTHON3 -c "
import numpy as np, os
with open('long.list', 'w') as out:
    for L in (161, 1023, 4000):
        d = 'long%d/' % L
        while L - len(d) - 4 > 200: d += 'x' * 150 + '/'
        os.makedirs(d, exist_ok=True); p = d + 'f' * (L - len(d) - 4) + '.npy'
        np.save(p, np.arange(3.0) + L); out.write(p + '\n')" || exit 99
mpirun 2 pario-run --format yaml --inputs long.list vjob.yaml > long.yaml 2> long.err || fail "long paths: $(cat long.err)"
check "YAML results keyed by 161-, 1,023- and 4,000-byte paths read back (PyYAML)" $PYTHON3 -c "
import yaml
r = yaml.safe_load(open('long.yaml'))['inputs']
paths = open('long.list').read().split()
assert list(r) == paths and [r[p]['sum'] for p in paths] == [3 * len(p) + 3 for p in paths], list(r)"
# memory: a rank's peak for 3,000 inputs within 20 MB of its peak for 300
# (ru_maxrss of mpiexec's descendants, the ranks)
$PYTHON3 -c "
import numpy as np, os
os.makedirs('dmany', exist_ok=True)
r = np.random.default_rng(5)
for i in range(2000): np.save('dmany/m%04d.npy' % i, r.standard_normal(9 + i % 5))" || exit 99
ls dmany/*.npy | head -300 > m300.list && ls dmany/*.npy > m2000.list
printf 'input: {data: dmany/m0000.npy}\noperations: [sum, mean, max, std]\n' > mjob.yaml
peak() { $PYTHON3 -c "
import resource, subprocess, sys
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if rc == 0 else -1)" \
  timeout -k 5 "$TEST_TIMEOUT" "$MPIEXEC" -n 2 "$(pario_exe pario-run)" --format json --inputs "$@" mjob.yaml; }
# (not under ASan, whose quarantine keeps freed memory: the peak grows with the frees)
if [ -z "${ASAN_OPTIONS:-}" ]; then
  # (2,000: the old design kept 29 KB an input, 49 MB more than for 300)
  p300=$(peak m300.list); p2000=$(peak m2000.list)
  check "memory flat in the inputs: peak RSS $p300 KB for 300 inputs, $p2000 KB for 2,000" \
    test "$p300" -gt 0 -a "$p2000" -gt 0 -a "$p2000" -lt $((p300 + 20000))
  # with the HDF5 results too, each input's group holding a histogram of 2,000
  # bins (the file: 35 KB an input): they go to disk as they grow (built in
  # memory, 3,000 inputs took over 100 MB more than 300; session 14)
  # And over an old results file of that size: HDF5's core driver read the
  # old file into memory to truncate it (session 14).
  # (1,500 of the inputs, each with 2,000 bins: a 53 MB file, built in memory
  # about 150 MB more than for 300)
  printf 'input: {data: dmany/m0000.npy}\noperations: [sum, {op: hist, bins: 2000, min: -4, max: 4}]\n' > mjob.yaml
  head -1500 m2000.list > m1500.list
  p300=$(peak m300.list --h5 m300.h5); p1500=$(peak m1500.list --h5 m1500.h5)
  check "--h5: memory flat in the inputs: peak RSS $p300 KB for 300 inputs, $p1500 KB for 1,500" \
    test "$p300" -gt 0 -a "$p1500" -gt 0 -a "$p1500" -lt $((p300 + 25000))
  p1500=$(peak m1500.list --h5 m1500.h5)
  check "--h5 over an old results file of 1,500 inputs: peak RSS $p1500 KB" test "$p1500" -gt 0 -a "$p1500" -lt $((p300 + 25000))
  check "--h5 with 1,500 inputs: every group's sum and histogram are numpy's" $PYTHON3 -c "
import h5py, numpy as np
paths = open('m1500.list').read().split()
with h5py.File('m1500.h5', 'r') as f:
    g = f['inputs']
    assert f.attrs['inputs'] == 1500 and f.attrs['failed'] == 0 and len(g) == 1500, len(g)
    for i, p in enumerate(paths):
        x = g['%06d' % i]
        v = np.load(p)
        assert x.attrs['data'].decode() == p and abs(x['sum'][()] - v.sum()) < 1e-12, (i, p)
        assert (x['hist/counts'][()] == np.histogram(v, 2000, (-4, 4))[0]).all(), (i, p)"
  check "--h5: no temporary file left" sh -c '! ls m300.h5.tmp.* m1500.h5.tmp.* 2>/dev/null'
fi
# a read failing on one rank mid-run: every rank stops, one line names the file and the rank.
# The other rank sleeps 10 ms after each piece it reads (PARIO_SLOW's pause
# form, as for little.bin above), so the rank whose read fails gets tasks: one
# kept off its core while the other takes every task reads nothing, and the run
# exits 0. (A factor, PARIO_SLOW=0:10, scales a tiny task's microseconds of
# work, which leaves the split to the scheduler: none of 270 runs beside 3-6
# busy loops failed, but nothing but luck held it.)
PARIO_SLOW=0:+0.01 PARIO_FAULT=read:rank=1:after=0 expect_error 2 1 "pario-run: error: d/f[0-9]+\\.(bin|npy): .*\\(rank 1\\)" \
  pario-run --schedule dynamic job.yaml
PARIO_SLOW=1:+0.01 PARIO_FAULT=read:rank=0:after=0 expect_error 2 1 "pario-reduce: error: big.bin: .*\\(rank 0\\)" \
  pario-reduce --op sum --chunk 4Ki --schedule dynamic big.bin
# a read that ends early (the file shrank while read: PARIO_FAULT's short) on
# one rank: one line that names the rank (it named none)
PARIO_SLOW=0:+0.01 PARIO_FAULT=short:rank=1 expect_error 2 1 \
  "^pario-reduce: error: big.bin: unexpected end of file at byte [0-9]+ \(was the file changed while being read\?\) \(rank 1\)\$" \
  pario-reduce --op sum --chunk 4Ki --schedule dynamic --no-mmap big.bin

# ---- the guard: no output replaces one of the many inputs
cp d/f042.bin keep.bin
sed 's|results: out.json|results: d/f042.bin\n  format: json|;s|dbad/|d/|' outjob.yaml > guardjob.yaml
expect_error 2 2 "d/f042.bin" pario-run --schedule dynamic guardjob.yaml
expect_error 2 2 "d/f044.bin" pario-run --schedule dynamic --h5 d/f044.bin job.yaml
check "the inputs are untouched" cmp -s d/f042.bin keep.bin
# the --inputs list is an input too (it was replaced by the results; session 12)
printf 'd/f001.bin\nd/f002.bin\n' > two.list && cp two.list two.keep
printf 'input: {data: d/f001.bin}\noperations: [sum]\noutput: {results: two.list, format: json}\n' > listjob.yaml
expect_error 2 2 "^pario-run: error: two.list: the results file is the inputs list two.list\$" pario-run --inputs two.list listjob.yaml
printf 'input: {data: d/f001.bin}\noperations: [sum]\noutput: {h5: ./two.list}\n' > listjob.yaml
expect_error 2 2 "^pario-run: error: ./two.list: the HDF5 results file is the inputs list two.list\$" pario-run --inputs two.list listjob.yaml
check "the inputs list is untouched" cmp -s two.list two.keep

# ---- --keep-going: an input that is a FIFO or a device fails alone (before,
# the guard refused the whole run; session 12)
mkdir -p dspecial
$PYTHON3 -c "
import numpy as np
r = np.random.default_rng(12)
for f in ('f001', 'f002'): (r.standard_normal(1001) * 1e6).tofile('dspecial/%s.bin' % f)" || exit 99
mkfifo dspecial/f003.bin && ln -s /dev/zero dspecial/f004.bin
for f in 1 2 3 4; do printf 'dtype: float64\nshape: [1001]\n' > dspecial/f00$f.bin.yaml; done
printf 'input:\n  data: "dspecial/*.bin"\noperations: [sum]\noutput:\n  results: sp.json\n  format: json\n' > spjob.yaml
mpirun 2 pario-run --keep-going spjob.yaml 2> sp.err; rc=$?
check "--keep-going, a FIFO and a device: exit status 1" test "$rc" = 1
check "--keep-going: each named on stderr, the summary last" sh -c "
  grep -q '^pario-run: error: dspecial/f003.bin: the input data is a FIFO, not a regular file\$' sp.err &&
  grep -q '^pario-run: error: dspecial/f004.bin: the input data is a device, not a regular file\$' sp.err &&
  tail -n 1 sp.err | grep -q '2 of 4 inputs failed'"
check "--keep-going: the regular inputs' sums are math.fsum's, the others errors" $PYTHON3 -c "
import json, math, numpy as np
r = json.load(open('sp.json'))['inputs']
for f in ('f001', 'f002'):
    assert r['dspecial/%s.bin' % f]['sum'] == math.fsum(np.fromfile('dspecial/%s.bin' % f)), f
assert 'FIFO' in r['dspecial/f003.bin']['error'] and 'device' in r['dspecial/f004.bin']['error'], r"
expect_error 2 1 "^pario-run: error: dspecial/f003.bin: the input data is a FIFO, not a regular file\$" pario-run spjob.yaml

# ---- the pool itself: every task once, across 3 one-rank "nodes" (the global counter by RMA)
if [ -x "$BENCH_BIN/pool_tasks" ]; then
  out=$(PARIO_POOL_NODE_SIZE=1 timeout -k 5 "$TEST_TIMEOUT" "$MPIEXEC" -n 3 "$BENCH_BIN/pool_tasks" 20000 1 dynamic busy)
  check "pool: 20000 tasks on 3 nodes, each once ($out)" test "${out##* }" = ok
fi

# ---- doc/pool.md's examples, run as written (tests/examples/run_doc.py)
# a chunked HDF5 dataset has no byte offset to cut tasks at: refused by name, not
# read as raw bytes (it was: NaNs from the chunk index)
$PYTHON3 -c "
import h5py, numpy as np
with h5py.File('ch.h5', 'w') as f: f.create_dataset('x', data=np.arange(1000, dtype='f8'), chunks=(100,))" || exit 99
expect_error 2 2 "^pario-reduce: error: ch\\.h5:/x: a chunked or compact HDF5 dataset cannot be split into tasks" \
  pario-reduce --op sum --schedule dynamic ch.h5:/x
expect_error 3 2 "^pario-run: error: ch\\.h5:/x: a chunked or compact HDF5 dataset cannot be split into tasks" \
  pario-run job.yaml d/f001.bin ch.h5:/x
check "the static read of it is numpy's sum" test "$(mpirun 2 pario-reduce --op sum ch.h5:/x | sed -n 's/^sum: //p')" = 499500

mkdir -p docrun
check "doc/pool.md: every example prints what the guide shows" sh -c \
  "cd docrun && PATH='$PARIO_BIN':\"\$PATH\" '$PYTHON3' '$PARIO_SRCDIR/tests/examples/run_doc.py' '$PARIO_SRCDIR/doc/pool.md' >log 2>&1 || { cat log >&2; exit 1; }"

finish
