#!/bin/sh
# MPICH hostfile on one machine: doc/clusters.md's examples/hostfile.localhost
# ("localhost:2", "127.0.0.1:1"). Checks that Hydra places ranks by slots
# (rank r on entry r mod 3) and that pario-gen/pario-count launched with
# -f give the count a closed formula and numpy give, at 1 to 4 ranks.
. "${PARIO_SRCDIR:-$(dirname "$0")/../..}/tests/mpi/lib.sh"
: "${PARIO_BUILDDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
HOSTS=$PARIO_SRCDIR/examples/hostfile.localhost
WHEREAMI=$PARIO_BUILDDIR/tests/cluster/whereami

run_f() { local n=$1; shift; timeout -k 5 "$TEST_TIMEOUT" "$MPIEXEC" -f "$HOSTS" -n "$n" "$@"; }

# Placement: the entries with their slots, expanded in order, repeat.
slots=$(sed -e 's/#.*//' "$HOSTS" | awk -F: 'NF { n = NF > 1 ? $2 : 1; for (i = 0; i < n; i++) print $1 }')
nslots=$(printf '%s\n' "$slots" | wc -l)
for n in 1 2 3 4; do
  run_f "$n" "$WHEREAMI" >where.$n 2>where.$n.err
  expected=$(for r in $(seq 0 $((n - 1))); do
    printf 'rank %d of %d on %s as %s\n' "$r" "$n" "$(hostname)" \
      "$(printf '%s\n' "$slots" | sed -n "$((r % nslots + 1))p")"
  done)
  check "placement by slots at n=$n" test "$(cat where.$n)" = "$expected" ||
    { echo "got:"; cat where.$n where.$n.err; echo "expected:"; echo "$expected"; }
done

# doc/clusters.md's placement check, without a helper program.
run_f 4 sh -c 'echo "rank $PMI_RANK on $(hostname) as $MPIR_CVAR_CH3_INTERFACE_HOSTNAME"' >place.out 2>&1
check "doc/clusters.md placement command" test "$(sort -n -k2 place.out)" = \
  "$(sed 's/^rank \([0-9]*\) of 4/rank \1/' where.4)"

# pario across the hostfile's slots: a sequence (element i holds i), counted
# over a range; the count is |[max(LO,0), min(HI,N))|.
N=10007 LO=123 HI=8191
for n in 1 2 3 4; do
  rm -f seq.bin seq.bin.yaml
  if ! run_f "$n" "$PARIO_BIN/pario-gen" --dtype int32 --count "$N" --sequence --out seq.bin; then
    fail "pario-gen -f hostfile at n=$n"; continue
  fi
  check "file content at n=$n" "$PYTHON3" -c "
import numpy as np, sys
a = np.fromfile('seq.bin', dtype='<i4')
sys.exit(0 if a.size == $N and (a == np.arange($N)).all() else 1)"
  out=$(run_f "$n" "$PARIO_BIN/pario-count" --range "$LO:$HI" --per-rank --format json seq.bin)
  want=$(( (HI < N ? HI : N) - (LO > 0 ? LO : 0) ))
  check "count over the hostfile at n=$n ($out)" "$PYTHON3" -c "
import json, sys
r = json.loads(sys.argv[1])
sys.exit(0 if r['count'] == $want and sum(r['per_rank']) == $want and len(r['per_rank']) == $n else 1)" "$out"
done
finish
