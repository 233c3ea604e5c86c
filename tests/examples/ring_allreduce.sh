#!/bin/sh
# The ring allreduce lesson: the sums (i+1) P(P+1)/2 computed here, 2(P-1) steps,
# every rank equal to MPI_Allreduce, at 1-4 ranks and N below, at and above P.
. "$(dirname "$0")/lib.sh"

for n in 1 2 3 4; do
  for len in 1 3 7; do
    ex "$n" ring_allreduce "$len"; rc=$?
    if ran $rc "ring_allreduce n=$n N=$len"; then
      line="ring allreduce of $len values on $n ranks in $((2 * (n - 1))) steps:"; i=1
      while [ $i -le $len ]; do line="$line $((i * n * (n + 1) / 2))"; i=$((i + 1)); done
      echo "$line" >want; r=0
      while [ $r -lt $n ]; do echo "rank $r: the same as MPI_Allreduce" >>want; r=$((r + 1)); done
      same_lines "ring_allreduce n=$n N=$len" want out
    fi
  done
done
ex 2 ring_allreduce 0; usage_error $? "ring_allreduce N=0" 2 '^ring_allreduce: error: N must be a positive integer'
ex 2 ring_allreduce 99999999999; usage_error $? "ring_allreduce N beyond an int" 2 '^ring_allreduce: error: N must be a positive integer'
finish
