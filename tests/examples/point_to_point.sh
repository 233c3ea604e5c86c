#!/bin/sh
# The point-to-point lessons: hello, sendrecv, isend_irecv, ring, pingpong.
. "$(dirname "$0")/lib.sh"

host=$(hostname)
for n in 1 2 3 4; do
  # hello: one line per rank, any order, with this machine's name.
  ex "$n" hello; rc=$?
  if ran $rc "hello n=$n"; then
    r=0; : >want
    while [ $r -lt $n ]; do echo "Hello from rank $r of $n on $host" >>want; r=$((r + 1)); done
    same_lines "hello n=$n" want out
  fi

  # isend_irecv: rank 0 sends 100+i to each rank i and gets 2*(100+i) back.
  ex "$n" isend_irecv; rc=$?
  if ran $rc "isend_irecv n=$n"; then
    : >want; sum=0; i=1
    while [ $i -lt $n ]; do
      echo "rank $i received $((100 + i)) from rank 0, replied $((200 + 2 * i))" >>want
      sum=$((sum + 200 + 2 * i)); i=$((i + 1))
    done
    echo "rank 0 got $((n - 1)) replies, sum $sum" >>want
    same_lines "isend_irecv n=$n" want out
  fi

  # ring: rank r > 0 receives r(r-1)/2 from r-1; rank 0 gets n(n-1)/2 back.
  ex "$n" ring; rc=$?
  if ran $rc "ring n=$n"; then
    echo "rank 0 received token $((n * (n - 1) / 2)) from rank $((n - 1))" >want; r=1
    while [ $r -lt $n ]; do echo "rank $r received token $((r * (r - 1) / 2)) from rank $((r - 1))" >>want; r=$((r + 1)); done
    same_lines "ring n=$n" want out
  fi
done

# sendrecv: a value chosen here must arrive; one rank is a usage error.
value=$(( $$ % 9000 + 1000 ))
for n in 2 3 4; do
  ex "$n" sendrecv "$value"; rc=$?
  if ran $rc "sendrecv n=$n"; then
    printf 'rank 0 sent %s to rank 1\nrank 1 received %s from rank 0 with tag 7\n' "$value" "$value" >want
    same_lines "sendrecv n=$n" want out
  fi
done
ex 1 sendrecv; usage_error $? "sendrecv n=1" 2 '^sendrecv: error: needs at least 2 ranks'
ex 2 sendrecv xyz; usage_error $? "sendrecv xyz (atoi sent 0)" 2 "^sendrecv: error: VALUE must be a whole number that fits an int, not 'xyz'"
ex 2 sendrecv 2147483648; usage_error $? "sendrecv 2^31" 2 '^sendrecv: error: VALUE must be'

# pingpong: sizes 1, 4, ..., up to MAX; MB/s consistent with bytes / one-way us.
for n in 2 3; do
  ex "$n" pingpong 5000 5; rc=$?
  if ran $rc "pingpong n=$n"; then
    check "pingpong n=$n: data verified" grep -qx '# data verified' out
    grep -v '^#' out | awk -v max=5000 '
      BEGIN { want = 1 }
      { if ($1 != want || $2 <= 0 || $3 < 0) bad = bad " row " NR ": " $0
        lo = $1 / ($2 + 0.005); hi = ($2 > 0.005) ? $1 / ($2 - 0.005) : 1e300
        if ($3 < lo - 0.005 || $3 > hi + 0.005) bad = bad " MB/s of " $0
        want *= 4; rows++ }
      END { if (want <= max || rows != 7) bad = bad " rows: " rows; if (bad) { print bad; exit 1 } }' >bad
    check "pingpong n=$n: table of 1..4096 bytes ($(cat bad))" test ! -s bad
  fi
done
ex 1 pingpong; usage_error $? "pingpong n=1" 2 '^pingpong: error: .*needs 2 ranks'
ex 2 pingpong 0; usage_error $? "pingpong MAX=0" 2 '^pingpong: error: usage'
ex 2 pingpong 1Mi; usage_error $? "pingpong MAX=1Mi (atol read 1)" 2 '^pingpong: error: usage'

finish
