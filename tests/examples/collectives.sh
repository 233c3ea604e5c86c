#!/bin/sh
# The collective lessons: bcast_struct, scatter_gather, buffers, allgather_table, reduce.
. "$(dirname "$0")/lib.sh"

for n in 1 2 3 4; do
  # bcast_struct: every rank prints rank 0's record.
  ex "$n" bcast_struct; rc=$?
  if ran $rc "bcast_struct n=$n"; then
    : >want; r=0
    while [ $r -lt $n ]; do echo "rank $r: id=7 coords=(1.5, -2.25, 3) name=pario" >>want; r=$((r + 1)); done
    same_lines "bcast_struct n=$n" want out
  fi

  # scatter_gather: rank r gets (r+1)^2; the gathered list is in rank order.
  ex "$n" scatter_gather; rc=$?
  if ran $rc "scatter_gather n=$n"; then
    : >want; r=0; list=
    while [ $r -lt $n ]; do
      echo "rank $r got $(((r + 1) * (r + 1)))" >>want; list="$list $(((r + 1) * (r + 1)))"; r=$((r + 1))
    done
    echo "gathered on rank 0:$list" >>want
    same_lines "scatter_gather n=$n" want out
  fi

  # buffers with N = 7: sums N(N-1)/2 and N * n(n-1)/2.
  ex "$n" buffers 7; rc=$?
  if ran $rc "buffers n=$n"; then
    : >want; r=0
    while [ $r -lt $n ]; do
      echo "rank $r: Bcast got 0..6, sum 21" >>want
      echo "rank $r: Scatter got 7 x $r" >>want; r=$((r + 1))
    done
    echo "rank 0: Gather got $n rows of 7, row i all i, sum $((7 * n * (n - 1) / 2))" >>want
    same_lines "buffers n=$n" want out
  fi

  # allgather_table: rank 0's table rows in order; every rank's check line.
  ex "$n" allgather_table; rc=$?
  if ran $rc "allgather_table n=$n"; then
    awk -v n=$n 'BEGIN { for (r = 1; r <= n; r++) { s = ""; for (c = 1; c <= 10; c++) s = s sprintf("%5d", r * c); print s } }' >want
    grep -v '^rank' out >got
    same_text "allgather_table n=$n: table" want got
    : >want; r=0
    while [ $r -lt $n ]; do echo "rank $r: full table, sum $((55 * n * (n + 1) / 2))" >>want; r=$((r + 1)); done
    grep '^rank' out >got
    same_lines "allgather_table n=$n: every rank" want got
  fi

  # reduce: sum of rank+1 is n(n+1)/2, the max n.
  ex "$n" reduce; rc=$?
  if ran $rc "reduce n=$n"; then
    echo "rank 0: Reduce sum $((n * (n + 1) / 2)), max $n" >want; r=0
    while [ $r -lt $n ]; do echo "rank $r: Allreduce sum $((n * (n + 1) / 2))" >>want; r=$((r + 1)); done
    same_lines "reduce n=$n" want out
  fi
done
ex 2 buffers 0; usage_error $? "buffers N=0" 2 '^buffers: error: N must be a positive integer'
ex 2 buffers 1.5; usage_error $? "buffers N=1.5 (atoi read 1)" 2 '^buffers: error: N must be a positive integer'

finish
