#!/usr/bin/env bash
# The wrong launcher is never silent. Started by Open MPI's mpiexec (or srun
# without a PMI plugin), an MPICH program runs N singletons that each do the
# whole job; pario must instead print one line naming the launcher to use and
# exit 2, writing nothing. MPICH's own launcher (any -n, 1 included, also inside
# a Slurm step) and a plain singleton must still work.
. "$(dirname "$0")/lib.sh"

# data and its answer, made independently of pario
"$PYTHON3" -c "
import numpy as np
a = (np.arange(10007, dtype=np.int64) * 7919 % 13).astype('<i4')
a.tofile('d.bin')
open('d.bin.yaml', 'w').write('dtype: int32\nshape: [10007]\n')
print(int((a == 5).sum()))" >want
want=$(cat want)

# run ENV... -- CMD...: stdout, stderr and exit status of CMD under ENV
run() {
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  env "${envs[@]}" timeout -k 5 "$TEST_TIMEOUT" "$@" >out 2>err
  echo $? >rc
}
# refused CODE PRINTS REGEX DESCRIPTION: exit CODE, nothing on stdout, and one
# matching line on stderr (PRINTS=1) or none (PRINTS=0, a copy that is not rank 0)
refused() {
  local code=$1 prints=$2 re=$3 d=$4
  check "$d: exit $code (got $(cat rc))" test "$(cat rc)" = "$code"
  check "$d: nothing on stdout ($(head -c 200 out))" test ! -s out
  if [ "$prints" = 1 ]; then
    check "$d: one line on stderr matching /$re/ ($(head -c 300 err))" \
      test "$(grep -c . err)" = 1 -a -n "$(grep -E -- "$re" err)"
  else
    check "$d: silent ($(head -c 300 err))" test ! -s err
  fi
}
COUNT=("$PARIO_BIN/pario-count" --value 5 --format json d.bin)
answer_ok() { "$PYTHON3" -c "import json,sys; sys.exit(0 if json.load(open('out'))['count'] == $want else 1)"; }

# --- 1. environments of the wrong launchers, simulated on a singleton
run OMPI_COMM_WORLD_SIZE=3 OMPI_COMM_WORLD_RANK=0 -- "${COUNT[@]}"
refused 2 1 "^pario-count: error: started by Open MPI's mpiexec for 3 ranks .*mpiexec\.mpich -n 3$" "Open MPI's rank 0"
run OMPI_COMM_WORLD_SIZE=3 OMPI_COMM_WORLD_RANK=2 -- "${COUNT[@]}"
refused 2 0 "" "Open MPI's rank 2"
run SLURM_STEP_ID=0 SLURM_STEP_NUM_TASKS=2 SLURM_NTASKS=2 SLURM_PROCID=0 -- "${COUNT[@]}"
refused 2 1 "^pario-count: error: srun started 2 tasks .*srun --mpi=pmi2 -n 2" "srun without --mpi=pmi2, task 0"
run SLURM_STEP_ID=0 SLURM_STEP_NUM_TASKS=2 SLURM_NTASKS=2 SLURM_PROCID=1 -- "${COUNT[@]}"
refused 2 0 "" "srun without --mpi=pmi2, task 1"
run PMIX_RANK=1 PMIX_NAMESPACE=x -- "${COUNT[@]}"
refused 2 1 "^pario-count: error: started by a PMIx launcher" "a PMIx launcher's rank 1"
run PMIX_RANK=0 PMIX_SIZE=2 -- "${COUNT[@]}"
refused 2 1 "^pario-count: error: started by a PMIx launcher" "a PMIx launcher's rank 0 of 2"
# a writer writes nothing
run OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=0 -- "$PARIO_BIN/pario-gen" --dtype int32 --count 100 --out g.bin
refused 2 1 "^pario-gen: error: started by Open MPI's mpiexec" "pario-gen under Open MPI's variables"
check "pario-gen wrote nothing" test -z "$(ls g.bin* 2>/dev/null)"

# --- 2. what must still work
run -- "${COUNT[@]}"
check "a plain singleton: exit 0 ($(cat err))" test "$(cat rc)" = 0
check "a plain singleton: the count ($want)" answer_ok
run OMPI_COMM_WORLD_SIZE=1 OMPI_COMM_WORLD_RANK=0 -- "${COUNT[@]}"
check "Open MPI's variables for 1 rank: exit 0 ($(cat err))" test "$(cat rc)" = 0
for n in 1 2 3; do
  # MPICH's launcher inside a Slurm step (as when mpiexec.mpich starts its proxies with srun)
  run SLURM_STEP_ID=0 SLURM_STEP_NUM_TASKS=4 SLURM_NTASKS=4 SLURM_PROCID=0 -- "$MPIEXEC" -n $n "${COUNT[@]}"
  check "$MPIEXEC -n $n in a Slurm step: exit 0 ($(cat err))" test "$(cat rc)" = 0
  check "$MPIEXEC -n $n in a Slurm step: the count ($want)" answer_ok
done

# --- 3. the real thing: Open MPI's mpiexec (Debian's openmpi-bin)
OMPI=${PARIO_OPENMPI_MPIEXEC:-$(command -v mpiexec.openmpi || true)}
if [ -n "$OMPI" ]; then
  for n in 2 3; do
    run -- "$OMPI" --allow-run-as-root --oversubscribe -n $n "${COUNT[@]}"
    check "mpiexec.openmpi -n $n pario-count: non-zero exit (got $(cat rc))" test "$(cat rc)" != 0
    check "mpiexec.openmpi -n $n pario-count: no result printed ($(head -c 200 out))" test ! -s out
    check "mpiexec.openmpi -n $n pario-count: one line naming mpiexec.mpich -n $n ($(grep pario err))" \
      test "$(grep -c '^pario-count: error: ' err)" = 1 -a -n "$(grep -E "^pario-count: error: started by Open MPI's mpiexec for $n ranks.*mpiexec\.mpich -n $n$" err)"
  done
  # Open MPI kills the job when the first copy exits non-zero: a rank 0 that
  # starts late (here by 1 s) must still get its line out
  printf '#!/bin/sh\n[ "$OMPI_COMM_WORLD_RANK" = 0 ] && sleep 1\nexec "$@"\n' >late0.sh
  run -- "$OMPI" --allow-run-as-root --oversubscribe -n 3 sh late0.sh "${COUNT[@]}"
  check "mpiexec.openmpi -n 3, rank 0 late: one line naming mpiexec.mpich -n 3 ($(grep pario err))" \
    test -n "$(grep -E "^pario-count: error: started by Open MPI's mpiexec for 3 ranks.*mpiexec\.mpich -n 3$" err)"
  run -- "$OMPI" --allow-run-as-root --oversubscribe -n 2 "$PARIO_BIN/pario-gen" --dtype int32 --count 1000 --out g.bin
  check "mpiexec.openmpi -n 2 pario-gen: non-zero exit" test "$(cat rc)" != 0
  check "mpiexec.openmpi -n 2 pario-gen: wrote nothing" test -z "$(ls g.bin* 2>/dev/null)"
  run -- "$OMPI" --allow-run-as-root -n 1 "${COUNT[@]}"
  check "mpiexec.openmpi -n 1: a job of one rank still runs ($(cat err))" test "$(cat rc)" = 0
else
  echo "mpiexec.openmpi not found (Debian: openmpi-bin): only simulated launchers checked"
fi

finish
