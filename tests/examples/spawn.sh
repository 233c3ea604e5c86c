#!/bin/sh
# The manager/worker lesson: pi by the midpoint rule, checked against the
# formula computed here; clean endings (no hang) when spawning is impossible,
# when the worker is missing, and when a worker is started alone.
. "$(dirname "$0")/lib.sh"
TEST_TIMEOUT=60   # a hang in Disconnect/Finalize must fail fast

# 0. Lesson 11a: two programs in one MPI_COMM_WORLD joined by
# MPI_Intercomm_create; the lines every rank must print, built here.
for case in "1 1" "2 3" "3 2"; do
  set -- $case
  timeout -k 5 "$TEST_TIMEOUT" "$MPIEXEC" -n "$1" "$EXAMPLES/intercomm" : -n "$2" "$EXAMPLES/intercomm" >out 2>err
  rc=$?
  if ran $rc "intercomm $1 : $2"; then
    { echo "program 0, rank 0 of $1: sent 42 to the $2 ranks of program 1"
      r=1; while [ $r -lt "$1" ]; do echo "program 0, rank $r of $1: not the root, sent nothing"; r=$((r + 1)); done
      r=0; while [ $r -lt "$2" ]; do echo "program 1, rank $r of $2: got 42 from program 0 ($1 ranks)"; r=$((r + 1)); done
    } >expected
    same_lines "intercomm $1 : $2: every rank's line" expected out
  fi
done
ex 2 intercomm; usage_error $? "intercomm: one program only" 2 '^intercomm: error: start two programs'

# 1. MPI_Comm_spawn under mpiexec -n 1. Debian's MPICH 4.0 (ch4:ucx) cannot
# open the port a spawn needs: then the manager must fail cleanly, in one line.
ex 1 pi_manager 3 1000; rc=$?
if [ $rc -eq 0 ] && [ ! -s err ]; then
  check "spawn: 3 workers spawned" grep -qx 'workers: 3, spawned' out
  check "spawn: pi matches the midpoint rule (N=1000)" ref pi_check 1000 out
  ex 2 pi_manager 2 777; rc=$?
  ran $rc "spawn from 2 managers" && check "spawn from 2 managers: pi (N=777)" ref pi_check 777 out
else
  echo "note: this MPI cannot spawn here; checking the clean failure and the MPMD launch"
  usage_error $rc "spawn impossible: clean failure" 1 \
    '^pi_manager: error: cannot spawn 3 workers .*mpiexec -n 1 \./pi_manager 0 1000 : -n 3 \./pi_worker'
  check "spawn impossible: nothing on stdout" test ! -s out
fi

# 2. The same lesson started as one MPMD job (what the error message suggests):
# the same intercommunicator code, W workers, M managers, N intervals.
for case in "1 1 7" "1 3 1000" "2 2 1001" "1 2 99999"; do
  set -- $case
  timeout -k 5 "$TEST_TIMEOUT" "$MPIEXEC" -n "$1" "$EXAMPLES/pi_manager" 0 "$3" : -n "$2" "$EXAMPLES/pi_worker" >out 2>err
  rc=$?
  if ran $rc "mpmd managers=$1 workers=$2 N=$3"; then
    check "mpmd managers=$1 workers=$2: worker count" grep -qx "workers: $2, started with the manager" out
    check "mpmd managers=$1 workers=$2: pi (N=$3)" ref pi_check "$3" out
  fi
done

# 3. Clean endings.
ex 2 pi_worker; usage_error $? "worker alone" 2 '^pi_worker: error: no parent'
PI_WORKER=$WORK/no-such-worker ex 1 pi_manager; usage_error $? "missing worker" 1 \
  '^pi_manager: error: worker program .*no-such-worker is not executable'
ex 1 pi_manager 3 0; usage_error $? "bad N" 2 '^pi_manager: error: usage'

finish
