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
# 17 values: the first 16 printed, then "..."
ex 3 ring_allreduce 17; rc=$?
if ran $rc "ring_allreduce n=3 N=17"; then
  line="ring allreduce of 17 values on 3 ranks in 4 steps:"; i=1
  while [ $i -le 16 ]; do line="$line $((i * 6))"; i=$((i + 1)); done
  printf '%s ...\nrank 0: the same as MPI_Allreduce\nrank 1: the same as MPI_Allreduce\nrank 2: the same as MPI_Allreduce\n' "$line" >want
  same_lines "ring_allreduce n=3 N=17" want out
fi
ex 2 ring_allreduce 0; usage_error $? "ring_allreduce N=0" 2 '^ring_allreduce: error: N must be a whole number from 1 to 67108864$'
ex 2 ring_allreduce 99999999999; usage_error $? "ring_allreduce N beyond an int" 2 '^ring_allreduce: error: N must be a whole number from 1 to 67108864$'
# N up to 2^31-1 was taken: 3 x 16 GiB a rank, then a segfault (malloc
# unchecked) or the OOM killer; beyond the lesson's 2^26 a usage error, and a
# failed malloc on any rank one line on rank 0 (an address-space limit)
ex 2 ring_allreduce 2147483647; usage_error $? "ring_allreduce N=2^31-1" 2 '^ring_allreduce: error: N must be a whole number from 1 to 67108864$'
(ulimit -v 1000000; ex 2 ring_allreduce 67108864); usage_error $? "ring_allreduce out of memory" 1 '^ring_allreduce: error: out of memory for 3 x 67108864 doubles on some rank$'
finish
