#!/bin/bash
# pario-train against independent references (tests/mpi/train_ref.py, plain
# Python from the documented formulas, math.fsum per weight, numpy's lstsq):
# linear regression converges to lstsq; logistic and softmax SGD give the
# reference's weights within 1e-9 relative; the weights are the same bits at
# 1, 2, 3 and 4 ranks, with --allreduce ring and mpi, and with a tiny --chunk;
# bad inputs (labels shorter than the data, NaN, 1-D data, bad labels, bad
# options, a missing file) give one line and exit 1 or 2.
. "$(dirname "$0")/lib.sh"
REF="$PYTHON3 $PARIO_SRCDIR/tests/mpi/train_ref.py"
$REF make . || { echo "train: could not make the datasets"; exit 99; }

# run NAME N ARGS...: pario-train on N ranks, JSON into NAME.json
run() {
  local name=$1 n=$2; shift 2
  if mpirun "$n" pario-train --format json "$@" > "$name.json" 2> "$name.err"; then
    pass "$name"
  else
    fail "pario-train -n $n $*: $(head -c 300 "$name.err")"
  fi
}
ref() { local out; if out=$($REF "$@" 2>&1); then pass "ref $*"; else fail "ref $*: $out"; fi; }

# linear: one batch of every row per step (plain gradient descent: SGD with a
# constant lr only hovers around the optimum) reaches lstsq; minibatches give
# the reference's SGD
LIN=(--model linear --labels lin_y.bin --epochs 300 --batch 64 --lr 0.5 lin_X.bin)
run lin1 1 "${LIN[@]}"
ref lstsq lin1.json lin_X.bin lin_y.bin 1e-6
run lin3 3 "${LIN[@]}" --allreduce ring
ref same lin1.json lin3.json
run linb2 2 --model linear --labels lin_y.bin --epochs 5 --batch 8 --lr 0.05 --seed 3 lin_X.bin
ref sgd linb2.json linear lin_X.bin --labels lin_y.bin --epochs 5 --batch 8 --lr 0.05 --seed 3

# logistic (float32, label in column 2) and softmax (int32 labels): same SGD as the reference
LOG=(--model logistic --label-column 2 --epochs 4 --batch 10 --lr 0.5 --l2 0.01 --seed 7 log_D.bin)
SOFT=(--model softmax --labels soft_y.bin --epochs 3 --batch 16 --lr 0.2 --l2 0.001 --seed 11 soft_X.bin)
for n in 1 2 3 4; do
  run log$n "$n" "${LOG[@]}"
  run soft$n "$n" "${SOFT[@]}"
done
# ring at 2 and 3 ranks (3 does not divide the 5 or 16 weights), rows read 2 at a time
for n in 2 3; do
  run logr$n "$n" "${LOG[@]}" --allreduce ring --chunk 40
  run softr$n "$n" "${SOFT[@]}" --allreduce ring --chunk 48
done
ref sgd log1.json logistic log_D.bin --label-column 2 --epochs 4 --batch 10 --lr 0.5 --l2 0.01 --seed 7
ref sgd soft1.json softmax soft_X.bin --labels soft_y.bin --epochs 3 --batch 16 --lr 0.2 --l2 0.001 --seed 11
for n in 2 3 4; do
  ref same log1.json log$n.json
  ref same soft1.json soft$n.json
done
for n in 2 3; do
  ref same log1.json logr$n.json
  ref same soft1.json softr$n.json
done
# the batch size matters (it is not a no-op), the rank count does not
run logb 2 "${LOG[@]}" --batch 11
if $REF same log1.json logb.json > /dev/null; then fail "--batch 11 gave the weights of --batch 10"; else pass "batch"; fi
# text and YAML outputs carry the same weights
mpirun 2 pario-train --format yaml "${SOFT[@]}" > soft.yaml 2>/dev/null
check "yaml output" $PYTHON3 -c "
import json, yaml, sys
a = yaml.safe_load(open('soft.yaml')); b = json.load(open('soft1.json'))
sys.exit(0 if a['weights'] == b['weights'] and a['classes'] == 4 else 1)"

# errors: one line, rank 0, exit 1 (data) or 2 (usage), never a hang
expect_error 2 1 'short_y.bin: 60 labels for the 61 rows' pario-train --model linear --labels short_y.bin lin_X.bin
expect_error 3 1 'nan_X.bin: row 13, column 1: value nan is not finite' pario-train --model linear --labels nan_y.bin nan_X.bin
expect_error 1 1 'nan_X.bin: row 13, column 1' pario-train --model linear --labels nan_y.bin --batch 7 nan_X.bin
expect_error 2 1 'one_d.bin: is 1-D' pario-train --model linear --labels lin_y.bin one_d.bin
expect_error 2 1 'bad_y.bin: label of row [0-9]+ is 2, logistic labels are 0 or 1' pario-train --model logistic --labels bad_y.bin nan_X.bin
expect_error 2 1 'soft_y.bin: label of row [0-9]+ is 3, softmax labels are integers 0..2' pario-train --model softmax --classes 3 --labels soft_y.bin soft_X.bin
expect_error 2 2 'say where the labels are' pario-train --model linear lin_X.bin
expect_error 2 2 'not both' pario-train --model linear --labels lin_y.bin --label-column 0 lin_X.bin
expect_error 2 2 '--label-column 3: lin_X.bin has 3 columns' pario-train --model linear --label-column 3 lin_X.bin
expect_error 2 2 "--model: 'svm' is not linear" pario-train --model svm --labels lin_y.bin lin_X.bin
expect_error 2 2 "--allreduce: 'tree'" pario-train --allreduce tree --labels lin_y.bin lin_X.bin
expect_error 2 2 "--batch: '0'" pario-train --batch 0 --labels lin_y.bin lin_X.bin
expect_error 2 2 "--lr" pario-train --lr -1 --labels lin_y.bin lin_X.bin
expect_error 2 2 "--dist does not apply" pario-train --dist rows --labels lin_y.bin lin_X.bin
expect_error 2 1 'missing.bin' pario-train --labels lin_y.bin missing.bin
expect_error 2 1 'training diverged' pario-train --model linear --labels lin_y.bin --lr 1e30 lin_X.bin
finish
