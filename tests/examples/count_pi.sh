#!/bin/sh
# count (N, MAX, FIND from the environment, per-rank counts gathered) and
# mc_pi (Monte Carlo with a reduce): both against the generator recomputed in
# Python; mc_pi must print the same on every rank count.
. "$(dirname "$0")/lib.sh"

ref count 1001 7 3 5 1 >/dev/null || fail "reference.py does not run"
for n in 1 2 3 4; do
  N=1001 MAX=7 FIND=3 SEED=5 ex "$n" count; rc=$?
  if ran $rc "count n=$n"; then
    ref count 1001 7 3 5 "$n" >want
    same_text "count n=$n" want out
  fi
done
# Defaults: N=1000 MAX=10 FIND=3 SEED=1.
env -u N -u MAX -u FIND -u SEED "$MPIEXEC" -n 2 "$EXAMPLES/count" >out 2>err; rc=$?
if ran $rc "count defaults"; then ref count 1000 10 3 1 2 >want; same_text "count defaults" want out; fi
MAX=ten ex 2 count; usage_error $? "count MAX=ten" 2 '^count: error: '
MAX=0 ex 3 count; usage_error $? "count MAX=0" 2 '^count: error: '

ref mc_pi 30001 9 >want
for n in 1 2 3 4; do
  ex "$n" mc_pi 30001 9; rc=$?
  ran $rc "mc_pi n=$n" && same_text "mc_pi n=$n" want out
done
ex 2 mc_pi 0; usage_error $? "mc_pi SAMPLES=0" 2 '^mc_pi: error: usage'
# numbers atoll/strtoull read wrongly (1e6 as 1; 2^64+ saturated; -1 as 2^64-1): refused
for a in 1e6 99999999999999999999 "100 -1" "100 x"; do
  # shellcheck disable=SC2086
  ex 2 mc_pi $a; usage_error $? "mc_pi $a" 2 '^mc_pi: error: usage'
done

finish
