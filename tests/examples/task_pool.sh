#!/bin/sh
# task_pool: the manager/worker pull pattern and the RMA task counter. The prime
# count is checked against a sieve written here; the tasks each rank ran must add
# up to the number of tasks (every task run exactly once), and the manager rank
# runs none. Sizes that do not divide evenly, 1-4 ranks.
. "$(dirname "$0")/lib.sh"

primes() { # primes below N by a sieve (independent of the lesson's trial division)
  "$PYTHON3" -c "
import sys
n = int(sys.argv[1]); s = bytearray([1]) * max(n, 2); s[0] = s[1] = 0
for i in range(2, int(n ** 0.5) + 1):
    if s[i]: s[i*i::i] = bytearray(len(range(i*i, n, i)))
print(sum(s[:n]))" "$1"
}

# check MODE N T P
check() {
  mode=$1 N=$2 T=$3 P=$4
  ex "$P" task_pool "$mode" "$N" "$T"; rc=$?
  tasks=$(( (N + T - 1) / T ))
  if [ "$rc" -ne 0 ]; then fail "$mode N=$N T=$T n=$P: exit $rc: $(head -c 300 err)"; return; fi
  want="primes below $N: $(primes "$N") ($tasks tasks of $T; $mode)"
  if [ "$(head -n 1 out)" != "$want" ] || [ -s err ]; then
    fail "$mode N=$N T=$T n=$P: got '$(cat out)' (stderr '$(head -c 200 err)'), want '$want'"; return
  fi
  per=$(sed -n 's/^tasks per rank://p' out)
  sum=0; first=; count=0
  for t in $per; do sum=$((sum + t)); count=$((count + 1)); [ -n "$first" ] || first=$t; done
  if [ "$count" -ne "$P" ] || [ "$sum" -ne "$tasks" ]; then
    fail "$mode n=$P: tasks per rank '$per' do not add up to $tasks over $P ranks"
  elif [ "$mode" = manager ] && [ "$first" -ne 0 ]; then
    fail "manager n=$P: the manager ran $first tasks"
  else
    pass "$mode N=$N T=$T n=$P"
  fi
}

for p in 1 2 3 4; do check counter 100003 4999 "$p"; done
for p in 2 3 4; do check manager 100003 4999 "$p"; done
check counter 7 100 3      # fewer tasks than ranks
check manager 1 1 2        # one task, no primes

ex 1 task_pool manager; usage_error $? "manager on 1 rank" 2 '^task_pool: error: the manager pattern needs'
ex 2 task_pool; usage_error $? "no mode" 2 '^task_pool: error: usage'
ex 2 task_pool counter 0; usage_error $? "N=0" 2 '^task_pool: error: N and T'
ex 2 task_pool counter 2e5; usage_error $? "N=2e5 (atol read 2)" 2 '^task_pool: error: N and T'

finish
