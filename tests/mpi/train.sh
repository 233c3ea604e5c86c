#!/bin/bash
# pario-train against independent references (tests/mpi/train_ref.py, plain
# Python from the documented formulas: the block shuffle, each segment's sum in
# row order, math.fsum over the segments per weight; numpy's lstsq): linear
# regression converges to lstsq; logistic and softmax SGD give the reference's
# weights within 1e-9 relative; the weights are the same bits at 1 to 5 ranks,
# with --allreduce ring and mpi, and with a tiny --chunk; --log/--resume after a
# kill; --predict against the log's weights applied in Python and numpy;
# pario-plot's loss curve against h5py; bad inputs (labels shorter than the
# data, NaN, 1-D data, bad labels, bad options, a missing file, a read failing
# on one rank) give one line and exit 1 or 2.
. "$(dirname "$0")/lib.sh"
REF=$PARIO_SRCDIR/tests/mpi/train_ref.py
"$PYTHON3" "$REF" make . || { echo "train: could not make the datasets"; exit 99; }

# run NAME N ARGS...: pario-train on N ranks, JSON into NAME.json
run() {
  local name=$1 n=$2; shift 2
  if mpirun "$n" pario-train --format json "$@" > "$name.json" 2> "$name.err"; then
    pass "$name"
  else
    fail "pario-train -n $n $*: $(head -c 300 "$name.err")"
  fi
}
# ref ARGS...: a train_ref.py check, deferred: all of them run in one Python
# process at the end (run_deferred, lib.sh), so no file a check reads is
# written again after it is queued
ref() { defer "ref $*" "$@"; }

# linear: one batch of every row per step (plain gradient descent: SGD with a
# constant lr only hovers around the optimum) reaches lstsq; minibatches give
# the reference's SGD
LIN=(--model linear --labels lin_y.bin --epochs 300 --batch 64 --lr 0.5 lin_X.bin)
run lin1 1 "${LIN[@]}"
ref lstsq lin1.json lin_X.bin lin_y.bin 1e-6
run lin3 3 "${LIN[@]}" --allreduce ring
ref same lin1.json lin3.json
run linb2 2 --model linear --labels lin_y.bin --epochs 5 --batch 8 --lr 0.05 --seed 3 --shuffle-block 1 lin_X.bin
ref sgd linb2.json linear lin_X.bin --labels lin_y.bin --epochs 5 --batch 8 --lr 0.05 --seed 3 --block 1

# logistic (float32, label in column 2; blocks of 3 rows, a batch of 10 cuts
# them, the last block is 1 row) and softmax (int32 labels, blocks of 5, the
# last 2 rows): same SGD as the reference
LOG=(--model logistic --label-column 2 --epochs 4 --batch 10 --lr 0.5 --l2 0.01 --seed 7 --shuffle-block 3 log_D.bin)
SOFT=(--model softmax --labels soft_y.bin --epochs 3 --batch 16 --lr 0.2 --l2 0.001 --seed 11 --shuffle-block 5 soft_X.bin)
for n in 1 2 3 4; do
  run log$n "$n" "${LOG[@]}"
  run soft$n "$n" "${SOFT[@]}"
done
# ring at 2 and 3 ranks (3 does not divide the 5 or 16 weights), rows read 2
# at a time (a segment of 3 or 5 rows in pieces)
for n in 2 3; do
  run logr$n "$n" "${LOG[@]}" --allreduce ring --chunk 40
  run softr$n "$n" "${SOFT[@]}" --allreduce ring --chunk 48
done
ref sgd log1.json logistic log_D.bin --label-column 2 --epochs 4 --batch 10 --lr 0.5 --l2 0.01 --seed 7 --block 3
ref sgd soft1.json softmax soft_X.bin --labels soft_y.bin --epochs 3 --batch 16 --lr 0.2 --l2 0.001 --seed 11 --block 5
for n in 2 3 4; do
  ref same log1.json log$n.json
  ref same soft1.json soft$n.json
done
for n in 2 3; do
  ref same log1.json logr$n.json
  ref same soft1.json softr$n.json
done
# float32 rows with their labels in another file reach the kernel as they lie
# in a memory map of the file; read through MPI-IO (--no-mmap), or big-endian
# (read and swapped), the same bits; all those of the label column's rows
LOG32=(--model logistic --labels log32_y.bin --epochs 4 --batch 10 --lr 0.5 --l2 0.01 --seed 7 --shuffle-block 3)
run log32 2 "${LOG32[@]}" log32_X.bin
run log32n 3 "${LOG32[@]}" --no-mmap --chunk 40 log32_X.bin
run log32be 1 "${LOG32[@]}" log32_Xbe.bin
for v in log32 log32n log32be; do ref same log1.json $v.json; done
# 5 ranks: the 16 softmax weights in 5 uneven ring segments, batches of 16 over 5
run softr5 5 "${SOFT[@]}" --allreduce ring
ref same soft1.json softr5.json
# every rank on one host: the default (auto) is shm, the segments' sums in
# shared memory, each rank adding its blocks of 8 weights (5 ranks: 3 with
# none); MPI's collectives (mpi) give the same bits; on "hosts" of one rank
# (PARIO_POOL_NODE_SIZE=1) auto takes mpi and shm is refused
for n in 2 3; do
  run logq$n "$n" "${LOG[@]}" --allreduce mpi
  run softq$n "$n" "${SOFT[@]}" --allreduce mpi --chunk 48
  ref same log1.json logq$n.json
  ref same soft1.json softq$n.json
done
run softs5 5 "${SOFT[@]}" --allreduce shm
ref same soft1.json softs5.json
PARIO_POOL_NODE_SIZE=1 run softa3 3 "${SOFT[@]}"
ref same soft1.json softa3.json
# in shared memory the ranks take a step's segments as they go: with rank 1
# of 2 sleeping 10 ms after each segment it sums (PARIO_SLOW=1:+0.01), rank 0
# takes the rest of rank 1's run while rank 1 sleeps on its first, so rank 1
# sums under a quarter of the rows (batches of about 10 segments, each rank's
# shard of them its run; without taking them as they go it sums about half);
# the same bits as 1 rank. The rows each rank summed (--verbose) add up to
# epochs x rows. (A slowdown by a factor, PARIO_SLOW=1:12, scales a segment's
# microseconds: beside busy processes rank 0's own delays outweighed it and
# rank 1 summed 70 of 291 rows, in CI and here under load.)
run softw1 1 "${SOFT[@]}" --batch 48
PARIO_SLOW=1:+0.01 run softw2 2 "${SOFT[@]}" --batch 48 --verbose
ref same softw1.json softw2.json
defer "work stealing: the slowed rank summed under a quarter of the rows" steal softw2.err soft_y.bin 3
defer "--verbose: each rank's median, 90% and 99% step in order, the 99% at least the slowed rank's 10 ms" tail softw2.err 10
# no shared memory (rank 0's shm_open fails, the 5th open of its run): auto
# takes mpi, the same bits; shm asked for is an error, one line
PARIO_FAULT=open:rank=0:after=4 run softf2 2 "${SOFT[@]}"
ref same soft1.json softf2.json
defer "the allreduce that ran: shm by default on one host, mpi across hosts" allreduce \
  soft2.json=shm softs5.json=shm softq2.json=mpi softa3.json=mpi softr2.json=ring softf2.json=mpi
PARIO_POOL_NODE_SIZE=1 expect_error 2 2 '--allreduce shm: the 2 ranks are not all on one host' pario-train "${SOFT[@]}" --allreduce shm
PARIO_FAULT=open:rank=0:after=4 expect_error 2 1 'the shared memory of the ranks of this host' pario-train "${SOFT[@]}" --allreduce shm
# gradient sums whose exponents span more than 64 bits, and subnormals: the
# exact sums' slow paths (shm at 2-4 ranks: a second arrival, the slots
# added by math.fsum's algorithm), the reference's SGD, the same bits at 1 to
# 4 ranks and with mpi
SPAN=(--model linear --labels span_y.bin --epochs 2 --batch 9 --lr 1e-31 --seed 2 --shuffle-block 2 span_X.bin)
for n in 1 2 3 4; do run span$n "$n" "${SPAN[@]}"; done
run spanm 2 "${SPAN[@]}" --allreduce mpi
ref sgd span1.json linear span_X.bin --labels span_y.bin --epochs 2 --batch 9 --lr 1e-31 --seed 2 --block 2
for v in span2 span3 span4 spanm; do ref same span1.json $v.json; done
# a read failing on one rank of 3 while the others' partials need the slow
# path (its second arrival): one line, exit 1, no hang. Its 1st read: in shared
# memory the others take the segments of a rank the OS has parked, so under load
# rank 1 may read only a few times (CI once saw exit 0 with after=3)
PARIO_FAULT=read:rank=1:after=0 expect_error 3 1 'span_[Xy].bin: read: .*\(rank 1\)$' pario-train "${SPAN[@]}"
# --allreduce mpi sums the segments of a batch in slots of a vector of doubles
# up to 128 segments, in exact accumulators above: a batch of 130 one-row
# segments (3 ranks, shm: in slots), the ring and the reference agree
MANY=(--model logistic --label-column 3 --epochs 2 --batch 130 --lr 0.5 --seed 5 --shuffle-block 1 many_D.bin)
run logm3 3 "${MANY[@]}"
run logm2 2 "${MANY[@]}" --allreduce ring
ref same logm3.json logm2.json
# shm keeps the slots of up to 1,024 segments (one host): the 130 segments
# there, the accumulators of mpi at 4 ranks, the same bits
run logm4 4 "${MANY[@]}" --allreduce mpi
ref same logm3.json logm4.json
ref sgd logm3.json logistic many_D.bin --label-column 3 --epochs 2 --batch 130 --lr 0.5 --seed 5 --block 1
# each batch's segments go to the ranks by their rows (each rank's shard in
# shared memory; sorted, 1/P of the rows each, with mpi), up to 4,096 segments,
# round-robin above: a batch of 4,100 one-row segments, then one of 100 (2 ranks)
run deal2 2 --model logistic --label-column 3 --epochs 1 --batch 4100 --lr 0.5 --seed 5 --shuffle-block 1 deal_D.bin
ref sgd deal2.json logistic deal_D.bin --label-column 3 --epochs 1 --batch 4100 --lr 0.5 --seed 5 --block 1
run deal3m 3 --model logistic --label-column 3 --epochs 1 --batch 4100 --lr 0.5 --seed 5 --shuffle-block 1 --allreduce mpi deal_D.bin
ref same deal2.json deal3m.json
# the batch size matters (it is not a no-op), the rank count does not
run logb 2 "${LOG[@]}" --batch 11
defer "batch: --batch 11 does not give the weights of --batch 10" differ log1.json logb.json
run logk 2 "${LOG[@]}" --shuffle-block 2
defer "shuffle-block: --shuffle-block 2 does not give the weights of 3" differ log1.json logk.json
# the default block (64 rows) and the default batch
run lindef 2 --model linear --labels lin_y.bin --epochs 2 lin_X.bin
ref sgd lindef.json linear lin_X.bin --labels lin_y.bin --epochs 2 --batch 32 --lr 0.01 --seed 0
# text and YAML outputs carry the same weights
mpirun 2 pario-train --format yaml "${SOFT[@]}" > soft.yaml 2>/dev/null
defer "yaml output" yaml soft.yaml soft1.json 4

# --log and --resume: rank 0 kills itself (SIGKILL, PARIO_TRAIN_KILL) in the
# middle of epoch 4 of 6; the log holds 3 finished epochs (checked on its copy
# t3.h5, as --resume adds to t.h5 before the deferred checks run); --resume on
# another rank count ends with the uninterrupted run's weights, bit for bit
LOG6=(--model logistic --label-column 2 --epochs 6 --batch 10 --lr 0.5 --l2 0.01 --seed 7 --shuffle-block 4 log_D.bin)
run full6 1 "${LOG6[@]}"
PARIO_TRAIN_KILL=3:4 mpirun 2 pario-train --format json "${LOG6[@]}" --log t.h5 > killed.json 2> killed.err
check "killed run left the log under its name" test -f t.h5
check "killed run left no temporary file" sh -c '! ls t.h5?* .t.h5* 2>/dev/null | grep -v "^t.h5.lock$" | grep -q .'
cp t.h5 t3.h5 || fail "copy of the killed run's log"
defer "ref log t.h5 3 (its copy t3.h5)" log t3.h5 3
run resumed 3 "${LOG6[@]}" --log t.h5 --resume
ref same full6.json resumed.json
defer "resumed_epochs is 3" resumed resumed.json 3
# the finished log: 6 rows, the last weights the final ones, each epoch's loss
# and weights those of the reference SGD (train_ref.py, reading it with h5dump)
ref log t.h5 6 full6.json
ref sgd full6.json logistic log_D.bin --label-column 2 --epochs 6 --batch 10 --lr 0.5 --l2 0.01 --seed 7 --block 4 --log t.h5
run fresh 2 "${LOG6[@]}" --log fresh.h5
cp fresh.h5 fresh6.h5 || fail "copy of fresh.h5"
defer "ref log fresh.h5 6 fresh.json (its copy fresh6.h5, before --force rewrites it)" log fresh6.h5 6 fresh.json
expect_error 2 1 'fresh.h5 exists: give --force' pario-train "${LOG6[@]}" --log fresh.h5
run forced 2 "${LOG6[@]}" --log fresh.h5 --force
expect_error 2 1 'fresh.h5: written with seed 7; this run has 8' pario-train "${LOG6[@]}" --seed 8 --log fresh.h5 --resume
expect_error 2 1 'fresh.h5: holds 6 epochs, more than --epochs 2' pario-train "${LOG6[@]}" --epochs 2 --log fresh.h5 --resume
expect_error 2 1 'nolog.h5: no log to resume' pario-train "${LOG6[@]}" --log nolog.h5 --resume
# a weight changed after it was written (the last epoch's first, one ulp up:
# still finite) no longer matches /weights_check: --resume and --predict refuse
# the log and leave it as it was; a log from before /weights_check (the column
# deleted) resumes without it, to an uninterrupted run's weights
cp fresh6.h5 edited.h5 && cp fresh6.h5 nocheck.h5 && cp fresh6.h5 unflushed.h5 || fail "copies of fresh.h5"
"$PYTHON3" - <<'PY' || fail "editing the logs with h5py"
import h5py, numpy as np
with h5py.File("edited.h5", "r+") as f:
    w = f["weights"]
    row = w[w.shape[0] - 1]
    row[0] = np.nextafter(row[0], np.inf)
    w[w.shape[0] - 1] = row
with h5py.File("nocheck.h5", "r+") as f:
    del f["weights_check"]
with h5py.File("unflushed.h5", "r+") as f:
    f["weights_check"][5] = 0
PY
cp edited.h5 edited0.h5 || fail "copy of edited.h5"
expect_error 2 1 "edited.h5: epoch 6's weights do not match /weights_check, written with them: the log was changed" \
  pario-train "${LOG6[@]}" --epochs 8 --log edited.h5 --resume
check "a refused --resume leaves the log as it was" cmp -s edited.h5 edited0.h5
expect_error 2 1 "edited.h5: epoch 6's weights do not match /weights_check" \
  pario-train --predict edited.h5 --label-column 2 --out p_edited.bin log_D.bin
run full8 1 "${LOG6[@]}" --epochs 8
run oldlog 2 "${LOG6[@]}" --epochs 8 --log nocheck.h5 --resume
ref same full8.json oldlog.json
# a last row whose /weights_check is still its fill (0: a run stopped while the
# epoch's writes were being flushed) is not finished: --resume goes on from the
# epoch before, to the uninterrupted run's weights
# and a --resume refused for fewer --epochs than the log's finished ones
# leaves that row too (the log was cut to its finished epochs before the
# refusal: a hostile-user pass, session 21)
cp unflushed.h5 unflushed0.h5 || fail "copy of unflushed.h5"
expect_error 2 1 'unflushed.h5: holds 5 epochs, more than --epochs 2' \
  pario-train "${LOG6[@]}" --epochs 2 --log unflushed.h5 --resume
check "a refused --resume leaves an unfinished row as it was" cmp -s unflushed.h5 unflushed0.h5
run unflushed 3 "${LOG6[@]}" --log unflushed.h5 --resume
ref same full6.json unflushed.json
defer "resumed_epochs is 5" resumed unflushed.json 5
check "a log without /weights_check goes on without it" sh -c '! "$0" -H nocheck.h5 | grep -q weights_check' "${H5DUMP:-h5dump}"
# a log whose every epoch's loss overflowed to inf (finite weights, squared
# residuals of 1e160: a run that succeeds) holds 3 finished epochs: pario-plot
# draws it, --predict takes its last epoch's weights, --resume refuses
# --epochs 2 and leaves the log as it was, and goes on from epoch 3 to an
# uninterrupted run's weights, /weights_check and all (a hostile-user pass,
# session 21: an epoch was finished when its loss was finite, so this log held
# none, --resume started over and truncated it, and --predict took an older
# epoch's weights when only the later losses overflowed)
"$PYTHON3" -c '
import numpy as np
r = np.random.default_rng(3)
(r.normal(size=(200, 2)) * 1e-10).tofile("inf_X.bin")
np.full(200, 1e160).tofile("inf_y.bin")
open("inf_X.bin.yaml", "w").write("dtype: float64\nshape: [200, 2]\n")
open("inf_y.bin.yaml", "w").write("dtype: float64\nshape: [200]\n")' || fail "writing inf_X.bin"
INF=(--model linear --labels inf_y.bin --lr 1e-300 inf_X.bin)
run inf3 2 "${INF[@]}" --epochs 3 --log inf.h5
check "the overflowed losses are inf in the log" sh -c '"$0" -y -w 0 -d /loss inf.h5 | grep -q "inf, inf, inf"' "${H5DUMP:-h5dump}"
cp inf.h5 inf0.h5 || fail "copy of inf.h5"   # (the deferred checks read the copy: inf.h5 is resumed below)
mpirun 1 pario-plot inf.h5 --out inf.svg || fail "pario-plot inf.h5: exit $?"
check "pario-plot inf.h5: 3 epochs" grep -q ': 3 epochs</text>' inf.svg
defer "pario-plot inf.h5: XML with finite coordinates" finite inf.svg
mpirun 3 pario-train --predict inf.h5 --out pred_inf.bin inf_X.bin || fail "pario-train --predict inf.h5: exit $?"
ref predict inf0.h5 inf_X.bin pred_inf.bin
expect_error 2 1 'inf.h5: holds 3 epochs, more than --epochs 2' pario-train "${INF[@]}" --epochs 2 --log inf.h5 --resume
check "a refused --resume leaves the overflowed log as it was" cmp -s inf.h5 inf0.h5
check "pario-plot inf.h5 says why no curve is drawn" grep -q 'no finite loss' inf.svg
run inf5 1 "${INF[@]}" --epochs 5
run infres 3 "${INF[@]}" --epochs 5 --log inf.h5 --resume
ref same inf5.json infres.json
defer "resumed_epochs is 3" resumed infres.json 3
defer "ref log inf.h5 5 infres.json" log inf.h5 5 infres.json
# the same when only the later epochs' losses overflow (a linear model whose
# lr is too large grows until its squared residuals do, its weights finite):
# --predict takes the last epoch's weights, not the last finite loss's
"$PYTHON3" -c '
import numpy as np
X = np.random.default_rng(1).normal(size=(1000, 5))
X.tofile("grow_X.bin"); (X @ np.arange(5) + 1.0).tofile("grow_y.bin")
open("grow_X.bin.yaml", "w").write("dtype: float64\nshape: [1000, 5]\n")
open("grow_y.bin.yaml", "w").write("dtype: float64\nshape: [1000]\n")' || fail "writing grow_X.bin"
run grow 2 --model linear --labels grow_y.bin --lr 5 --epochs 300 --batch 1000 --log grow.h5 grow_X.bin
check "grow.h5: finite losses, then inf" sh -c '"$0" -y -w 0 -d /loss grow.h5 | tr -d " " | grep -Eq "^[0-9].*[0-9],inf,.*,inf$"' "${H5DUMP:-h5dump}"
mpirun 2 pario-train --predict grow.h5 --out pred_grow.bin grow_X.bin || fail "pario-train --predict grow.h5: exit $?"
ref predict grow.h5 grow_X.bin pred_grow.bin
expect_error 2 2 '--resume needs --log' pario-train "${LOG6[@]}" --resume
expect_error 2 1 'bad_y.bin: label' pario-train --model logistic --labels bad_y.bin --log bad.h5 nan_X.bin
check "a run that failed before its first epoch leaves no log" sh -c '! ls | grep -q "^bad.h5"'

# --predict: the log's last weights applied to every row, written as a dataset
# (raw + .yaml), against the same weights applied in Python by train_ref.py
# (the documented order, same bits) and by numpy; rows 2 at a time on 4 ranks
mpirun 3 pario-train --predict t.h5 --label-column 2 --out pred_log.bin log_D.bin
ref predict t.h5 log_D.bin pred_log.bin --label-column 2
run softlog 2 "${SOFT[@]}" --log soft.h5
mpirun 4 pario-train --predict soft.h5 --chunk 48 --out pred_soft.bin soft_X.bin
ref predict soft.h5 soft_X.bin pred_soft.bin
mpirun 1 pario-train --model linear --labels lin_y.bin --epochs 3 --log lin.h5 lin_X.bin > /dev/null
mpirun 2 pario-train --predict lin.h5 --out pred_lin.bin lin_X.bin
ref predict lin.h5 lin_X.bin pred_lin.bin
# the output's format from its name, as every writing tool's (a .npy name got
# raw bytes and a .npy.yaml; FILE.h5:/dset failed: a hostile-user pass, session 14)
mpirun 3 pario-train --predict soft.h5 --out pred_soft.npy soft_X.bin
ref predict soft.h5 soft_X.bin pred_soft.npy
check "--predict --out x.npy: no descriptor beside it" test ! -e pred_soft.npy.yaml
mpirun 2 pario-train --predict lin.h5 --out pred_lin.h5:/p lin_X.bin
ref predict lin.h5 lin_X.bin pred_lin.h5:/p
expect_error 2 1 'soft_X.bin: 3 features per row; the model in t.h5 was trained on 4' pario-train --predict t.h5 --out p.bin soft_X.bin
expect_error 2 2 'output data is the input data' pario-train --predict soft.h5 --out soft_X.bin soft_X.bin
expect_error 1 2 '--predict needs --out' pario-train --predict soft.h5 soft_X.bin
expect_error 2 2 '--labels does not apply to --predict' pario-train --predict soft.h5 --labels soft_y.bin --out p.bin soft_X.bin
expect_error 2 1 'soft_y.bin: cannot open the model' pario-train --predict soft_y.bin --out p.bin soft_X.bin
# the model and its shape are the log's: a training option is refused, not
# ignored (--model linear on a softmax log predicted classes, exit 0)
expect_error 2 2 '^pario-train: error: --model does not apply to --predict$' \
  pario-train --predict soft.h5 --model linear --out p.bin soft_X.bin
expect_error 1 2 '^pario-train: error: --epochs does not apply to --predict$' \
  pario-train --predict soft.h5 --epochs 3 --out p.bin soft_X.bin
check "predict: no output after a refused option" sh -c '! ls | grep -q "^p\.bin"'
# --epochs 0 with --log: no log is made, so it is refused (exit 0 said "log:
# t.h5" and left another run's t.h5 in place, even with --force)
cp t.h5 t0keep.h5
expect_error 2 2 '^pario-train: error: --epochs 0 writes no --log' \
  pario-train --model softmax --labels soft_y.bin --epochs 0 --log t.h5 --force soft_X.bin
check "--epochs 0 --log --force: the log untouched" cmp -s t.h5 t0keep.h5
expect_error 2 2 '^pario-train: error: --classes applies to --model softmax only$' \
  pario-train --model logistic --classes 3 --labels soft_y.bin soft_X.bin

# a read failing on rank 1 only: one line, no output and no temporary file left
PARIO_FAULT=read:rank=1 mpirun 2 pario-train --predict soft.h5 --out p.bin soft_X.bin > /dev/null 2> fault.err
check "predict: a read failing on rank 1 exits 1 with one line" sh -c 'test $(grep -c . fault.err) -eq 1'
check "predict: no output after a failure" sh -c '! ls | grep -q "^p\.bin"'

# pario-plot draws a training log's loss curve: valid XML (python's parser),
# one polyline point per epoch, equally spaced, heights an affine (decreasing)
# function of the losses h5py reads, and each point's tooltip the exact loss
mpirun 1 pario-plot t.h5 --out t.svg
defer "pario-plot train.h5: loss curve" plot t.h5 t.svg
expect_error 1 1 'lin_X.bin: not an HDF5 file' pario-plot lin_X.bin --out x.svg
# losses the axis cannot resolve or hold: a linear model's loss near 5.1e15
# moving by a unit in the last place (--lr 1e-16 on labels of 1e8 does it: the
# tick loop added a step below the values' last bit for ever, growing memory),
# losses near 1e308 (nan coordinates), a file's NaN and inf losses (not drawn)
$PYTHON3 -c "
import h5py, numpy as np
for name, loss in (('flat', [5098114369226495.0] * 4 + [5098114369226494.0, 5098114369226495.0]),
                   ('huge', [1e308, 1.7e308, 1e300, 1, 1, 1]), ('gaps', [0.5, np.nan, 0.4, np.inf, 0.3, 0.2]),
                   ('wide', [-1.7e308, 1.7e308, 0, 1, -1, 0.5])):
    src, f = h5py.File('t.h5', 'r'), h5py.File('plot_%s.h5' % name, 'w')
    for k, v in src.attrs.items(): f.attrs[k] = v
    for k in src: f[k] = src[k][:]
    f['loss'][:] = loss" || exit 99
for name in flat huge gaps wide; do
  TEST_TIMEOUT=20 mpirun 1 pario-plot plot_$name.h5 --out plot_$name.svg > /dev/null 2> plot.err \
    || fail "pario-plot plot_$name.h5: exit $?: $(head -c 300 plot.err)"
  defer "pario-plot plot_$name.h5: XML with finite coordinates" finite plot_$name.svg
  defer "pario-plot plot_$name.h5: the ticks span the losses" ticks plot_$name.svg plot_$name.h5
done

# a read failing on one rank in the middle of training (rank 1's 2nd read, rank
# 2 of 3's 1st): the failure rides in that step's allreduce, every rank stops,
# one line; a block larger than the data is one block. (In shared memory rank
# 0 sleeps 10 ms after each segment it sums, PARIO_SLOW=0:+0.01, so that rank
# 1 sums the most and reaches its 2nd read whatever the load: a rank the OS
# parks may read only a few times, above, and an exit 0 fails the check.)
PARIO_SLOW=0:+0.01 PARIO_FAULT=read:rank=1:after=1 expect_error 2 1 'log_D.bin: read' pario-train "${LOG[@]}"
PARIO_FAULT=read:rank=2 expect_error 3 1 'soft_X.bin: read' pario-train "${SOFT[@]}" --allreduce ring --no-mmap
PARIO_FAULT=read:rank=2 expect_error 3 1 'soft_X.bin: read' pario-train "${SOFT[@]}" --allreduce shm --no-mmap
PARIO_FAULT=read:rank=0:after=2 expect_error 4 1 'soft_X.bin: read' pario-train "${SOFT[@]}" --allreduce mpi --no-mmap
PARIO_SLOW=0:+0.01 PARIO_FAULT=read:rank=1:after=1 expect_error 2 1 'log32_y.bin: read' pario-train "${LOG32[@]}" log32_X.bin
# a file truncated under a running training (2,013 rows, 12 pages, cut to
# 100 bytes): one line, exit 1, never a crash (the SIGBUS of the memory map is
# caught as a failed read; truncated before it was mapped, the short file is
# an error of its own)
for i in $(seq 33); do cat lin_X.bin; done > trunc_X.bin
for i in $(seq 33); do cat lin_y.bin; done > trunc_y.bin
printf 'dtype: float64\nshape: [2013, 3]\n' > trunc_X.bin.yaml
printf 'dtype: float64\nshape: [2013]\n' > trunc_y.bin.yaml
# cut once a rank has mapped it (its /proc maps name it; at most 5 s: 2 s
# fixed before)
(for _ in $(seq 250); do
   for pid in $(pgrep -f 'epochs 1e15 trunc_X'); do grep -qs trunc_X.bin "/proc/$pid/maps" && break 2; done
   sleep 0.02
 done
 truncate -s 100 trunc_X.bin) &
expect_error 2 1 'trunc_X.bin: .*\(rank [01]\)$' pario-train --model linear --labels trunc_y.bin --epochs 1e15 trunc_X.bin
wait
run bigblock 2 --model linear --labels lin_y.bin --epochs 2 --shuffle-block 1e18 lin_X.bin
ref sgd bigblock.json linear lin_X.bin --labels lin_y.bin --epochs 2 --batch 32 --lr 0.01 --seed 0 --block 61

# errors: one line, rank 0, exit 1 (data) or 2 (usage), never a hang
expect_error 2 1 'short_y.bin: 60 labels for the 61 rows' pario-train --model linear --labels short_y.bin lin_X.bin
expect_error 3 1 'nan_X.bin: row 13, column 1: value nan is not finite' pario-train --model linear --labels nan_y.bin nan_X.bin
expect_error 1 1 'nan_X.bin: row 13, column 1' pario-train --model linear --labels nan_y.bin --batch 7 nan_X.bin
expect_error 2 1 'inf_X32.bin: row 17, column 2: value inf is not finite' pario-train --model logistic --labels nan_y.bin --batch 7 inf_X32.bin
expect_error 2 1 'one_d.bin: is 1-D' pario-train --model linear --labels lin_y.bin one_d.bin
# a Fortran-order .npy (fort_X.npy, from train_ref.py make): refused (a square
# one trained on its transpose), and its C-order copy by pario-convert is numpy's array
expect_error 2 1 "fort_X.npy: a Fortran-order array \\(numpy's 8 x 8, stored column by column\\): training reads whole rows" \
  pario-train --model linear --labels fort_y.npy fort_X.npy
mpirun 2 pario-convert fort_X.npy fort_C.npy >/dev/null 2>&1 || fail "convert fort_X.npy"
defer "pario-convert of a Fortran-order .npy: numpy's array in C order" c-order fort_X.npy fort_C.npy
expect_error 2 1 'bad_y.bin: label of row [0-9]+ is 2, logistic labels are 0 or 1' pario-train --model logistic --labels bad_y.bin nan_X.bin
expect_error 2 1 'soft_y.bin: label of row [0-9]+ is 3, softmax labels are integers 0..2' pario-train --model softmax --classes 3 --labels soft_y.bin soft_X.bin
expect_error 2 2 'say where the labels are' pario-train --model linear lin_X.bin
expect_error 2 2 'not both' pario-train --model linear --labels lin_y.bin --label-column 0 lin_X.bin
expect_error 2 2 '--label-column 3: lin_X.bin has 3 columns' pario-train --model linear --label-column 3 lin_X.bin
expect_error 2 2 "--model: 'svm' is not linear" pario-train --model svm --labels lin_y.bin lin_X.bin
expect_error 2 2 "--allreduce: 'tree'" pario-train --allreduce tree --labels lin_y.bin lin_X.bin
expect_error 2 2 "--batch: '0'" pario-train --batch 0 --labels lin_y.bin lin_X.bin
expect_error 2 2 "--lr" pario-train --lr -1 --labels lin_y.bin lin_X.bin
# a leading blank, as every other number option refuses it (it passed; session 27)
expect_error 1 2 "^pario-train: error: --lr: ' 0\\.1' is not a number > 0\$" pario-train --lr ' 0.1' --labels lin_y.bin lin_X.bin
expect_error 1 2 "^pario-train: error: --l2: ' 1' is not a number >= 0\$" pario-train --l2 ' 1' --labels lin_y.bin lin_X.bin
# options that do not apply (the shuffle picks the rows; reads are independent)
# are neither listed nor taken; --show-hints prints the hints of the file it
# opens (it printed nothing: a hostile-user pass, session 14)
for o in --dist=rows --explain --independent; do
  expect_error 2 2 "^pario-train: error: unknown option '$o' \\(try --help\\)\$" pario-train $o --labels lin_y.bin lin_X.bin
done
mpirun 1 pario-train --help >help.out 2>&1
check "pario-train --help lists no --dist, --explain or --independent" sh -c '! grep -q -e "--dist" -e "--explain" -e "--independent" help.out'
mpirun 2 pario-train --model linear --labels lin_y.bin --epochs 1 --no-mmap --show-hints --format json lin_X.bin >sh.out 2>sh.err
check "pario-train --show-hints: the hints on stderr with --format json" \
  sh -c 'grep -q "^hints in effect ([0-9]*):" sh.err && grep -q "cb_buffer_size" sh.err'
defer "pario-train --show-hints --format json: stdout is JSON" json sh.out
expect_error 2 1 'missing.bin' pario-train --labels lin_y.bin missing.bin
expect_error 2 1 'training diverged.*\(try a smaller --lr\)$' pario-train --model linear --labels lin_y.bin --lr 1e30 lin_X.bin
# a penalty too strong for the step (lr l2 >= 2) is named, not the step alone
expect_error 2 1 'training diverged.*\(--lr x --l2 is 1e\+307: the penalty shrinks the weights only under 2\)' \
  pario-train --model linear --labels lin_y.bin --lr 0.1 --l2 1e308 lin_X.bin
run_deferred "$REF"
finish
