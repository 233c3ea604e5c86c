#!/bin/bash
# pario-train where the careless user takes it: the step's exchange in shared
# memory (--allreduce auto|shm) when /dev/shm has no room for it, or is
# read-only. The data is made here with numpy; the reference is the same run
# with --allreduce mpi, whose weights must be the same bits.
. "$(dirname "$0")/lib.sh"

# A softmax of 40 classes over 30 features (1,240 weights), batches of 128
# one-row segments: 128 segments' sums of 1,240 doubles (1.2 MiB) meet in
# shared memory.
$PYTHON3 -c "
import numpy as np
r = np.random.default_rng(5)
np.ascontiguousarray(r.standard_normal((256, 30))).tofile('wide_X.bin')
y = r.integers(0, 40, 256).astype(np.int32); y[0] = 39; y.tofile('wide_y.bin')
open('wide_X.bin.yaml', 'w').write('dtype: float64\nshape: [256, 30]\n')
open('wide_y.bin.yaml', 'w').write('dtype: int32\nshape: [256]\n')
" || { echo "train_hostile: could not make the data"; exit 99; }
WIDE=(--model softmax --labels wide_y.bin --epochs 2 --batch 128 --shuffle-block 1 --lr 0.1 --seed 3 wide_X.bin)

REF="$PYTHON3 $PARIO_SRCDIR/tests/mpi/train_ref.py"
$REF make . > /dev/null || { echo "train_hostile: could not make the datasets"; exit 99; }
ref() { local out; if out=$($REF "$@" 2>&1); then pass "ref $*"; else fail "ref $*: $out"; fi; }

# Session 27's hostile-user pass, the log (each failed on the previous build):
# - a log whose /weights is an external link into the training input: --resume
#   wrote epoch 4's weights into the input (then failed on its change); into
#   another file it ended with exit 0
# - a /weights_check shorter than the other columns: --resume cut /loss ...
#   /weights to its length, then refused the log (two finished epochs lost)
# - attributes edited to another type or shape: HDF5 converted them (seed -3
#   read as 0, batch 37.9 as 37, an array as its first element, model -1 as
#   linear) and the run went on with them; --predict and pario-plot too
$PYTHON3 -c "
import numpy as np, h5py
r = np.random.default_rng(1); X = r.normal(size=(1003, 7))
np.save('ylog.npy', (X @ r.normal(size=7) > 0).astype(np.int32))
h5py.File('XL.h5', 'w')['X'] = X
" || exit 99
LOGRUN=(pario-train --model logistic --labels ylog.npy --batch 37 --lr 0.05)
mpirun 2 "${LOGRUN[@]}" --epochs 3 --log lg.h5 XL.h5:/X > /dev/null || fail "a 3-epoch log"
$PYTHON3 -c "
import h5py; f = h5py.File('lg.h5', 'r+'); g = h5py.File('XL.h5', 'r+')
f.copy('weights', g, 'w'); del f['weights']; f['weights'] = h5py.ExternalLink('XL.h5', '/w')" || exit 99
cp XL.h5 XL.before && cp lg.h5 lg.before
for n in 1 2; do
  expect_error $n 1 '^pario-train: error: lg\.h5: /weights is a link, not a dataset of the log$' \
    "${LOGRUN[@]}" --epochs 6 --log lg.h5 --resume XL.h5:/X
  expect_error $n 1 '^pario-train: error: lg\.h5: /weights is a link, not a dataset of the log$' \
    pario-train --predict lg.h5 --out p.npy XL.h5:/X
done
expect_error 1 1 '^pario-plot: error: lg\.h5: /weights is a link, not a dataset of the log$' pario-plot lg.h5 --out lg.svg
check "an external /weights: the input is left as it was" cmp -s XL.h5 XL.before
check "an external /weights: the log is left as it was" cmp -s lg.h5 lg.before
mpirun 2 "${LOGRUN[@]}" --epochs 6 --log e.h5 XL.h5:/X > /dev/null || fail "a 6-epoch log"
cp e.h5 e.good
$PYTHON3 -c "
import h5py; f = h5py.File('e.h5', 'r+'); c = f['weights_check'][:4]; del f['weights_check']
f.create_dataset('weights_check', data=c, maxshape=(None,), chunks=(256,))" || exit 99
for n in 1 2 3; do
  mpirun $n "${LOGRUN[@]}" --epochs 8 --log e.h5 --resume XL.h5:/X > /dev/null 2> e.err
  rc=$?
  check "a short /weights_check: refused (n=$n): $(head -c 200 e.err)" test $rc = 1 -a "$(grep -c . e.err)" = 1
  check "a short /weights_check: every column keeps its 6 epochs (n=$n)" $PYTHON3 -c "
import h5py; f = h5py.File('e.h5', 'r')
assert all(len(f[k]) == 6 for k in ('loss', 'accuracy', 'seconds', 'samples_per_second', 'weights')), \
  {k: len(f[k]) for k in f}"
done
for a in "seed=np.int64(-3)" "batch=37.9" "seed=np.array([0, 5], dtype=np.uint64)" "model=np.int64(-1)" \
         "batch=np.int64(-37)" "lr=np.int64(1)" "label_column=np.int64(-2)" "label_column=2.5"; do
  cp e.good s.h5
  A=$a $PYTHON3 -c "
import os, h5py, numpy as np; f = h5py.File('s.h5', 'r+'); k, v = os.environ['A'].split('=', 1); f.attrs[k] = eval(v)" \
    || exit 99
  cp s.h5 s.before
  k=${a%%=*}
  expect_error 2 1 "^pario-train: error: s\\.h5: unreadable pario-train attribute $k \\(not one" \
    "${LOGRUN[@]}" --epochs 8 --log s.h5 --resume XL.h5:/X
  check "attribute $a: the log is left as it was" cmp -s s.h5 s.before
  case $k in model|seed|batch|lr)
    expect_error 1 1 "^pario-plot: error: s\\.h5: unreadable pario-train attribute $k \\(not one" pario-plot s.h5 --out s.svg ;;
  esac
  case $k in model)
    expect_error 2 1 "^pario-train: error: s\\.h5: unreadable pario-train attribute $k \\(not one" \
      pario-train --predict s.h5 --out p.npy XL.h5:/X ;;
  esac
done
check "no prediction written by a refused model" test ! -e p.npy
# - an output named as an input log's lock file (LOG.lock): --predict and
#   pario-plot wrote it, and every later --resume of the log was refused
rm -f e.good.lock
expect_error 2 2 '^pario-train: error: e\.good\.lock: the output data is the lock file of an input log e\.good\.lock$' \
  pario-train --predict e.good --out e.good.lock XL.h5:/X
expect_error 1 2 '^pario-plot: error: e\.good\.lock: the SVG is the lock file of an input log e\.good\.lock$' \
  pario-plot e.good --out e.good.lock
check "no file took the log's lock name" test ! -e e.good.lock

# Session 23's hostile-user pass (each failed on the previous build):
# - data of 0 columns: one line, exit 1 (SIGFPE in pario_train_run; with
#   --label-column 0 the message said "(0..18446744073709551615)")
$PYTHON3 -c "
import numpy as np, h5py
np.save('w0.npy', np.zeros((7, 0))); np.save('y7.npy', np.zeros(7))
r = np.random.default_rng(11); X = r.standard_normal((50, 3)); y = (X[:, 0] > 0).astype(float)
with h5py.File('D.h5', 'w') as f: f['X'] = X; f['y'] = y
" || exit 99
for n in 1 2; do
  expect_error $n 1 '^pario-train: error: w0\.npy: has no columns \(7 rows of 0 values\): no features to train on$' \
    pario-train --model linear --labels y7.npy w0.npy
  expect_error $n 1 '^pario-train: error: w0\.npy: has no columns' pario-train --model linear --label-column 0 w0.npy
done
# - --dataset names the dataset in an HDF5 DATA, as FILE:/PATH does (it was
#   refused with "name the dataset ... or with --dataset"), for --predict too
mpirun 2 pario-train --format json --model logistic --labels D.h5:/y --epochs 2 --log dl.h5 D.h5:/X > dpath.json 2> dpath.err ||
  fail "train D.h5:/X: $(head -c 300 dpath.err)"
mpirun 2 pario-train --format json --model logistic --labels D.h5:/y --epochs 2 --dataset /X D.h5 > dopt.json 2> dopt.err ||
  fail "train --dataset /X D.h5: $(head -c 300 dopt.err)"
ref same dpath.json dopt.json
mpirun 2 pario-train --predict dl.h5 --out pp.npy D.h5:/X > /dev/null 2>&1 || fail "predict D.h5:/X"
mpirun 2 pario-train --predict dl.h5 --dataset /X --out po.h5:/pred D.h5 > /dev/null 2>&1 || fail "predict --dataset /X"
# ... and an HDF5 output of predictions names its input (pario_source was "")
check "--predict --dataset: numpy's values, and pario_source names D.h5:/X" $PYTHON3 -c "
import numpy as np, h5py
with h5py.File('po.h5', 'r') as f:
    assert (f['pred'][:] == np.load('pp.npy')).all()
    assert f['pred'].attrs['pario_source'] in (b'D.h5:/X', 'D.h5:/X'), f['pred'].attrs['pario_source']"
# - an epoch whose log row was left half-written (its /weights_check still the
#   fill, 0) is trained again and its row written: the log ends as the one of
#   a run never stopped (the row stayed fill values, and --predict took the
#   epoch before); the rows it dropped were flushed over the new one at close
LIN=(--model linear --labels D.h5:/y --batch 8 --lr 0.05 D.h5:/X)
for n in 1 3; do
  rm -f half.h5 whole.h5
  mpirun $n pario-train "${LIN[@]}" --epochs 6 --log whole.h5 > /dev/null 2>&1 || fail "train whole.h5"
  mpirun $n pario-train "${LIN[@]}" --epochs 4 --log half.h5 > /dev/null 2>&1 || fail "train half.h5"
  $PYTHON3 -c "
import h5py; f = h5py.File('half.h5', 'r+'); c = f['weights_check']; a = c[:]; a[3] = 0; c[:] = a" || exit 99
  mpirun $n pario-train "${LIN[@]}" --epochs 6 --log half.h5 --resume --format json > half.json 2>&1 ||
    fail "resume half.h5 (n=$n): $(head -c 300 half.json)"
  check "a half-written epoch resumed (n=$n): the log of a run never stopped" $PYTHON3 -c "
import h5py, numpy as np, json
a, b = h5py.File('half.h5', 'r'), h5py.File('whole.h5', 'r')
assert json.load(open('half.json'))['resumed_epochs'] == 3
for k in ('loss', 'weights', 'weights_check'):
    assert a[k].shape == b[k].shape and np.array_equal(a[k][:], b[k][:]), k"
done
# - messages: --lr 0 and --lr -0.1 alike; a log of an unknown model number
#   (it was called softmax); pario-plot on an HDF5 file that is no log
for lr in 0 -0.1 0x1; do
  expect_error 1 2 "^pario-train: error: --lr: '$lr' is not a number > 0\$" pario-train --model linear --lr $lr --labels D.h5:/y D.h5:/X
done
cp dl.h5 m99.h5
$PYTHON3 -c "import h5py, numpy as np; h5py.File('m99.h5', 'r+').attrs['model'] = np.uint64(99)" || exit 99
expect_error 2 1 "^pario-train: error: m99\.h5: written by model 99, not one of linear \(0\), logistic \(1\), softmax \(2\): not a pario-train log\$" \
  pario-train --model logistic --labels D.h5:/y --epochs 3 --log m99.h5 --resume D.h5:/X
expect_error 1 1 "^pario-plot: error: m99\.h5: written by model 99, not one of linear \(0\), logistic \(1\), softmax \(2\): not a pario-train log\$" \
  pario-plot m99.h5 --out m99.svg
check "no SVG of model 99 (it was titled softmax)" test ! -e m99.svg
# a logistic log of 2 classes and a softmax log of 1, each with the weights and
# checks its attributes ask for: refused by --predict and pario-plot alike
# (--predict used the first row of weights, or predicted class 0 for every row)
$PYTHON3 -c "
import h5py, numpy as np, struct
def fnv(w):
    h = 0xcbf29ce484222325
    for b in struct.pack('<%dd' % len(w), *w):
        h = ((h ^ b) * 0x100000001b3) & (2**64 - 1)
    return h
src = h5py.File('dl.h5', 'r'); W = src['weights'][:]
for name, model, k, w in (('lg2.h5', 1, 2, np.hstack([W, W + 1])), ('sm1.h5', 2, 1, W)):
    f = h5py.File(name, 'w')
    for a, v in src.attrs.items(): f.attrs[a] = v
    f.attrs['model'] = np.uint64(model); f.attrs['classes'] = np.uint64(k)
    for d in ('loss', 'accuracy', 'seconds', 'samples_per_second'): f[d] = src[d][:]
    f['weights'] = w; f['weights_check'] = np.array([fnv(r) for r in w], dtype=np.uint64)
    f.close()" || exit 99
# messages about an HDF5 dataset name it (FILE:/dset), not only its file
$PYTHON3 -c "
import h5py, numpy as np
with h5py.File('E.h5', 'w') as f: f['Xe'] = np.zeros((0, 3)); f['y1'] = np.zeros((5, 2)); f['X'] = np.zeros((5, 3))" || exit 99
expect_error 2 1 '^pario-train: error: E\.h5:/Xe: has no rows$' pario-train --model linear --labels E.h5:/y1 E.h5:/Xe
expect_error 2 1 '^pario-train: error: E\.h5:/y1: labels must be 1-D, not 5 x 2$' pario-train --model linear --labels E.h5:/y1 E.h5:/X
# --predict prints no result: --format json printed nothing and exited 0
for f in json yaml; do
  expect_error 2 2 "^pario-train: error: --format $f does not apply to --predict \\(it prints nothing: the predictions are in --out\\)\$" \
    pario-train --predict dl.h5 --out fj.npy --format $f D.h5:/X
done
check "--format json: no predictions written" test ! -e fj.npy
for bad in lg2:logistic:2 sm1:softmax:1; do
  IFS=: read -r b m k <<<"$bad"
  expect_error 2 1 "^pario-train: error: $b\.h5: not a pario-train log \($m with 3 features and $k classes\)\$" \
    pario-train --predict $b.h5 --out $b.npy D.h5:/X
  check "$b: no predictions written" test ! -e $b.npy
  expect_error 1 1 "^pario-plot: error: $b\.h5: not a pario-train log \($m with 3 features and $k classes\)\$" \
    pario-plot $b.h5 --out $b.svg
done
expect_error 1 1 "^pario-plot: error: D\.h5: neither a pario-pi log \(no attribute 'method'\) nor a pario-train log" \
  pario-plot D.h5 --out d.svg
check "no SVG written" test ! -e d.svg

# a --batch near 2^64 is one batch of every row (the batches' count did not
# overflow to 0 steps, leaving the weights at zero)
mpirun 2 pario-train --format json --model linear --labels lin_y.bin --epochs 2 --batch 18446744073709551615 \
  lin_X.bin > huge.json 2> huge.err || fail "--batch 2^64-1: $(head -c 300 huge.err)"
ref sgd huge.json linear lin_X.bin --labels lin_y.bin --epochs 2 --batch 18446744073709551615 --lr 0.01 --l2 0 --seed 0

# --resume with the labels from another place: refused (it continued the
# weights on other labels; a hostile-user pass, session 12)
$PYTHON3 -c "
import numpy as np
r = np.random.default_rng(3); X = r.standard_normal((600, 4)); X[:, 3] = (X[:, 0] > 0)
X.tofile('lc.bin'); X[:, [3, 1, 2, 0]].copy().tofile('lcsw.bin')
for f in ('lc.bin', 'lcsw.bin'): open(f + '.yaml', 'w').write('dtype: float64\nshape: [600, 4]\n')" || exit 99
rm -f lc.h5
mpirun 2 pario-train --model logistic --label-column 3 --epochs 2 --log lc.h5 lc.bin > /dev/null || fail "train lc.h5"
cp lc.h5 lckeep.h5
expect_error 2 1 "^pario-train: error: lc.h5: written with --label-column 3; it cannot continue with --label-column 0\$" \
  pario-train --model logistic --label-column 0 --epochs 4 --log lc.h5 --resume lcsw.bin
check "the refused resume left the log as it was" cmp -s lc.h5 lckeep.h5
# another --lr in the digits that tell it apart (it said "written with --lr
# 0.01; this run has 0.01"), and a log without the attribute says so (the
# message printed a value never read)
expect_error 2 1 "^pario-train: error: lc.h5: written with --lr 0.01; this run has 0.010000000000000002\$" \
  pario-train --model logistic --label-column 3 --epochs 4 --log lc.h5 --resume --lr 0.010000000000000002 lc.bin
cp lc.h5 nolr.h5
$PYTHON3 -c "import h5py; del h5py.File('nolr.h5', 'r+').attrs['lr']" || exit 99
expect_error 2 1 "^pario-train: error: nolr.h5: not a pario-train log \\(no attribute lr\\)\$" \
  pario-train --model logistic --label-column 3 --epochs 4 --log nolr.h5 --resume lc.bin
mpirun 2 pario-train --model logistic --label-column 3 --epochs 4 --log lc.h5 --resume lc.bin > /dev/null ||
  fail "the same --label-column resumes"
# a truncated log says so, as pario-pi's does (it said "missing, or not an HDF5 file")
head -c 3000 lc.h5 > lccut.h5
expect_error 2 1 "^pario-train: error: lccut.h5: HDF5 cannot open it to resume: truncated file" \
  pario-train --model logistic --label-column 3 --epochs 6 --log lccut.h5 --resume lc.bin

# a file with a training log's attributes whose /loss and /accuracy are 2-D
# (another program's log), or whose /weights is 3-D: one line, exit 1, the file
# untouched (their dimensions and values were read past the buffers: pario-plot,
# --predict and --resume aborted with "malloc(): corrupted top size")
$PYTHON3 -c "
import h5py, numpy as np
src = h5py.File('lc.h5', 'r')
for name, bad in (('loss2d.h5', 'loss'), ('w3d.h5', 'weights')):
    f = h5py.File(name, 'w')
    for k, v in src.attrs.items(): f.attrs[k] = v
    for k in src: f[k] = src[k][:]
    del f[bad]
    f[bad] = np.ones((4, 2000)) if bad == 'loss' else np.ones((4, 4, 3))
    if bad == 'loss': del f['accuracy']; f['accuracy'] = np.ones((4, 2000))
    f.close()" || exit 99
for bad in loss2d w3d; do
  cp $bad.h5 ${bad}keep.h5
  expect_error 1 1 "^pario-train: error: $bad.h5: not a pario-train log \\(/loss" \
    pario-train --model logistic --label-column 3 --epochs 8 --log $bad.h5 --resume lc.bin
  check "$bad: the refused resume left the log as it was" cmp -s $bad.h5 ${bad}keep.h5
  expect_error 2 1 "^pario-train: error: $bad.h5: not a pario-train log \\(/loss" \
    pario-train --predict $bad.h5 --out $bad.npy --label-column 3 lc.bin
  check "$bad: no predictions written" test ! -e $bad.npy
done
expect_error 1 1 '^pario-plot: error: loss2d.h5: not a pario-train log \(/loss or /accuracy is not 1-D, at most 2\^40 epochs\)$' \
  pario-plot loss2d.h5 --out loss2d.svg
# an extent is metadata: 2^61 epochs (a 3 KB file) made the buffers' sizes
# wrap, then the reads crashed (pario-plot, --predict, --resume: signal 11)
$PYTHON3 -c "
import h5py
src, f = h5py.File('lc.h5', 'r'), h5py.File('huge.h5', 'w')
for k, v in src.attrs.items(): f.attrs[k] = v
for k in src:
    shape = (2**61,) + src[k].shape[1:]
    f.create_dataset(k, shape=shape, dtype='<f8', chunks=(16,) + src[k].shape[1:], maxshape=(None,) * len(shape))
f.close()" || exit 99
expect_error 1 1 '^pario-plot: error: huge.h5: not a pario-train log' pario-plot huge.h5 --out huge.svg
expect_error 2 1 '^pario-train: error: huge.h5: not a pario-train log' \
  pario-train --predict huge.h5 --out huge.npy --label-column 3 lc.bin
expect_error 2 1 '^pario-train: error: huge.h5: not a pario-train log' \
  pario-train --model logistic --label-column 3 --epochs 8 --log huge.h5 --resume lc.bin

# a log whose /loss chunk points past the end of the file (a damaged index):
# one line each, not HDF5's stack of 25 lines before it
$PYTHON3 -c "
import h5py, struct
f = h5py.File('lc.h5', 'r'); at = f['loss'].id.get_chunk_info(0).byte_offset; f.close()
d = bytearray(open('lc.h5', 'rb').read()); i = d.find(struct.pack('<Q', at))
d[i:i + 8] = struct.pack('<Q', 2**40); open('badchunk.h5', 'wb').write(d)" || exit 99
expect_error 2 1 '^pario-train: error: badchunk.h5: cannot read /loss$' \
  pario-train --predict badchunk.h5 --out bad.npy --label-column 3 lc.bin
expect_error 2 1 '^pario-train: error: badchunk.h5: cannot read /loss$' \
  pario-train --model logistic --label-column 3 --epochs 8 --log badchunk.h5 --resume lc.bin
expect_error 1 1 '^pario-plot: error: badchunk.h5: cannot read /loss and /accuracy$' pario-plot badchunk.h5 --out bad.svg

# --log naming an input is refused before anything is read or written, even
# with --force (it replaced the labels, or the data, with the log: exit 0);
# --log FILE removes the FILE.tmp.PID of a run that was killed
cp lin_X.bin in_X.bin; cp lin_X.bin.yaml in_X.bin.yaml; cp lin_y.bin in_y.bin; cp lin_y.bin.yaml in_y.bin.yaml
expect_error 2 2 'in_y.bin' pario-train --model linear --labels in_y.bin --epochs 1 --log in_y.bin --force in_X.bin
expect_error 3 2 'in_X.bin' pario-train --model linear --labels in_y.bin --epochs 1 --log in_X.bin --force in_X.bin
expect_error 1 2 'in_X.bin' pario-train --model linear --label-column 2 --epochs 1 --log in_X.bin --resume in_X.bin
check "the inputs are untouched" sh -c 'cmp -s in_X.bin lin_X.bin && cmp -s in_y.bin lin_y.bin'
dead=$(sh -c 'echo $$')
echo partial > "l.h5.tmp.$dead"
mpirun 2 pario-train --model linear --labels lin_y.bin --epochs 1 --log l.h5 lin_X.bin > /dev/null 2> l.err \
  || fail "--log l.h5: $(head -c 300 l.err)"
check "--log removes a killed run's temporary log" sh -c "test -f l.h5 && ! test -e l.h5.tmp.$dead"

# same NAME: NAME.json has wide_mpi.json's weights and says the mpi allreduce ran
same() {
  check "$1: mpi ran, the weights of --allreduce mpi" $PYTHON3 -c "
import json, sys
a, b = json.load(open('wide_mpi.json')), json.load(open('$1.json'))
sys.exit(0 if a['weights'] == b['weights'] and b['allreduce'] == 'mpi' else 1)"
}
# small_shm NAME OPTIONS: an mpiexec (a script) whose job sees a /dev/shm of its
# own, a tmpfs mounted with OPTIONS in a mount namespace; what that /dev/shm
# holds after the job, in shm.left. MPICH's UCX is kept off /dev/shm
# (UCX_TLS=self,sysv: System V shared memory; its tcp transport hangs in
# MPI_Finalize here).
if unshare -m true 2> /dev/null; then NS="unshare -m"; elif unshare -rm true 2> /dev/null; then NS="unshare -rm"; else NS=; fi
small_shm() {
  cat > "shm_$1.in" <<EOS
#!/bin/sh
mount -t tmpfs -o $2 tmpfs /dev/shm || exit 99
UCX_TLS=self,sysv $MPIEXEC "\$@"; rc=\$?
ls -A /dev/shm > "$WORK/shm.left"
exit \$rc
EOS
  printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$NS" "$WORK/shm_$1.in" > "shm_$1"
  chmod +x "shm_$1.in" "shm_$1"
  echo "$WORK/shm_$1"
}
nothing_left() { check "$1: no pario-node object left in /dev/shm" sh -c '! grep -q pario-node shm.left'; }

mpirun 2 pario-train --format json "${WIDE[@]}" --allreduce mpi > wide_mpi.json 2> wide_mpi.err \
  || fail "wide --allreduce mpi: $(head -c 300 wide_mpi.err)"
FULL=$(small_shm full size=512k)
RO=$(small_shm ro ro,size=1m)
if [ -z "$NS" ] || ! MPIEXEC=$FULL mpirun 2 pario-train "${WIDE[@]}" --epochs 1 --allreduce mpi > /dev/null 2>&1; then
  echo "train_hostile: no mount namespace with a small /dev/shm here (unshare), or MPI needs /dev/shm: skipped"
else
  # /dev/shm too small for the 1.2 MiB: auto takes mpi, the same bits (not a
  # SIGBUS at the first store into a page the tmpfs cannot give); shm asked
  # for is one line, exit 1, naming the reason
  MPIEXEC=$FULL mpirun 2 pario-train --format json "${WIDE[@]}" > full.json 2> full.err \
    || fail "full /dev/shm: auto exits $?: $(head -c 300 full.err)"
  same full
  nothing_left "full /dev/shm, auto"
  MPIEXEC=$FULL expect_error 3 1 'shared memory of the ranks of this host.*No space left on device' \
    pario-train "${WIDE[@]}" --allreduce shm
  nothing_left "full /dev/shm, shm"
  # read-only: the same (the shm_open fails)
  MPIEXEC=$RO mpirun 3 pario-train --format json "${WIDE[@]}" > ro.json 2> ro.err \
    || fail "read-only /dev/shm: auto exits $?: $(head -c 300 ro.err)"
  same ro
  MPIEXEC=$RO expect_error 2 1 'shared memory of the ranks of this host.*Read-only file system' \
    pario-train "${WIDE[@]}" --epochs 1 --allreduce shm
fi
finish
