#!/bin/bash
# pario under a real scheduler: a single-node Slurm (Debian's slurm-wlm) with
# munge, its config, key, state and logs in the test's folder and its ports on
# loopback. Submits examples/slurm/pario.sbatch, waits for it, and checks the job's
# two runs (mpiexec.mpich -n 2 in the allocation, srun --mpi=pmi2 -n 2) against
# numpy. Daemons are stopped by PID: slurmd, then slurmctld, then munged.
# Needs root (slurmd starts jobs as their user); skipped (77) otherwise.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@" # make check may run us with sh
. "${PARIO_SRCDIR:-$(dirname "$0")/../..}/tests/mpi/lib.sh"
STEP=20 # seconds for any one client command or wait

skip() { echo "SKIP: $TEST_NAME: $*"; exit 77; }
hard() { echo "ERROR: $TEST_NAME: $*" >&2; exit 99; }

for p in munged mungekey slurmctld slurmd sbatch srun scontrol sinfo scancel; do
  command -v "$p" >/dev/null 2>&1 || [ -x "/usr/sbin/$p" ] ||
    hard "$p not found: apt-get install munge slurmctld slurmd slurm-client"
done
[ "$(id -u)" -eq 0 ] || skip "needs root to run slurmd (running as uid $(id -u))"
PATH=$PATH:/usr/sbin

MUNGED_PID="" SLURMCTLD_PID="" SLURMD_PID="" JOB=""
export SLURM_CONF=$WORK/slurm.conf # clients read it; it also marks our processes

# stop PID: TERM, up to 10 s to exit, then KILL.
stop() {
  [ -n "$1" ] || return 0
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null
}
cleanup() {
  [ -n "$JOB" ] && [ -n "$SLURMCTLD_PID" ] && timeout -k 2 5 scancel "$JOB" 2>/dev/null
  stop "$SLURMD_PID"
  stop "$SLURMCTLD_PID"
  stop "$MUNGED_PID"
  # Job steps (slurmstepd, ranks) outlive slurmd by design: ours carry our
  # SLURM_CONF in their environment; stop them by PID.
  local e
  for e in /proc/[0-9]*/environ; do
    if { tr '\0' '\n' <"$e"; } 2>/dev/null | grep -qxF "SLURM_CONF=$WORK/slurm.conf"; then
      e=${e#/proc/}; e=${e%/environ}
      [ "$e" != $$ ] && [ "$e" != "$BASHPID" ] && kill -9 "$e" 2>/dev/null
    fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# show_logs: what the daemons said, for a failure.
show_logs() { tail -n 20 "$WORK"/*.log "$WORK"/munge/*.log "$WORK"/job/*.out 2>/dev/null >&2; }

# --- munge: own key and socket; munged wants the socket's folders open to all.
chmod 755 "$WORK"
mkdir -m 755 munge
mungekey -c -k "$WORK/munge/munge.key" || hard "mungekey failed"
munged -F --socket="$WORK/munge/munge.socket.2" --key-file="$WORK/munge/munge.key" \
  --pid-file="$WORK/munge/munged.pid" --log-file="$WORK/munge/munged.log" \
  --seed-file="$WORK/munge/munged.seed" >munged.out 2>&1 &
MUNGED_PID=$!
for _ in $(seq 100); do [ -S munge/munge.socket.2 ] && break; sleep 0.1; done
[ -S munge/munge.socket.2 ] || { cat munged.out >&2; hard "munged did not start"; }

# --- slurm: two free loopback ports, one node named pario-node
read -r CTLD_PORT SLURMD_PORT < <("$PYTHON3" -c "
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(('127.0.0.1', 0))
print(*[x.getsockname()[1] for x in s])")
mkdir state spool job
cat >slurm.conf <<EOF
ClusterName=pario
SlurmctldHost=$(hostname -s)(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$WORK/munge/munge.socket.2
CredType=cred/munge
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
# start batch jobs at once, not after the default 3 s
SchedulerParameters=batch_sched_delay=0
# trust the CPUs below even on a 1-core machine
SlurmdParameters=config_overrides
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SwitchType=switch/none
NodeName=pario-node NodeAddr=127.0.0.1 CPUs=4 State=UNKNOWN
PartitionName=pario Nodes=pario-node Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -D -i -f "$SLURM_CONF" >slurmctld.out 2>&1 &
SLURMCTLD_PID=$!
# -N: the node name in slurm.conf, not this machine's host name
slurmd -D -N pario-node -f "$SLURM_CONF" >slurmd.out 2>&1 &
SLURMD_PID=$!
state=""
for _ in $(seq 100); do
  state=$(timeout -k 2 5 sinfo -h -n pario-node -o %T 2>/dev/null)
  [ "$state" = idle ] && break
  sleep 0.2
done
[ "$state" = idle ] || { show_logs; cat slurmctld.out slurmd.out >&2; hard "the Slurm node is not idle (state '$state')"; }

# --- the batch job, from a folder the job writes to (the "shared" file system)
N=10007 LO=10 HI=20
cd job || exit 99
JOB=$(PARIO_BIN=$PARIO_BIN PARIO_COUNT=$N PARIO_RANGE=$LO:$HI PARIO_SEED=3 \
  timeout -k 2 "$STEP" sbatch --parsable "$PARIO_SRCDIR/examples/slurm/pario.sbatch")
[ -n "$JOB" ] || { show_logs; hard "sbatch did not return a job id"; }
JOB=${JOB%%;*}
info=""
for _ in $(seq 600); do # 60 s at most; about 5 s here
  info=$(timeout -k 2 5 scontrol -o show job "$JOB" 2>/dev/null)
  case $info in
    *JobState=PENDING* | *JobState=CONFIGURING* | *JobState=RUNNING* | *JobState=COMPLETING* | "") sleep 0.1 ;;
    *) break ;;
  esac
done
OUT=pario-$JOB.out
if ! check "job $JOB completed with exit 0" grep -q 'JobState=COMPLETED .*ExitCode=0:0' <<<"$info"; then
  echo "$info" >&2; show_logs
fi
JOB="" # done: nothing to cancel

# Each launcher printed its pario-count result once, as one job of 2 ranks
# (srun without --mpi=pmi2 would print it twice, from 2 jobs of 1 rank).
for how in mpiexec srun; do
  # result lines are "srun: {...}"; srun's own notes ("srun: Job 1 step creation
  # temporarily disabled, retrying") share the prefix but are not JSON
  check "$how: one result line" test "$(grep -c "^$how: {" "$OUT" 2>/dev/null)" -eq 1
  line=$(sed -n "s/^$how: {/{/p" "$OUT" 2>/dev/null | head -n 1)
  check "$how: count of [$LO,$HI) on 2 ranks matches numpy ($line)" "$PYTHON3" -c "
import json, sys, numpy as np
a = np.fromfile('data-$how.bin', dtype='<i4')
r = json.loads(sys.argv[1])
want = int(((a >= $LO) & (a < $HI)).sum())
ok = (a.size == $N and a.min() >= 0 and a.max() <= 99 and r['elements'] == $N
      and r['count'] == want and len(r['per_rank']) == 2 and sum(r['per_rank']) == want)
sys.exit(0 if ok else 1)" "$line"
done
check "mpiexec and srun wrote the same file" cmp -s data-mpiexec.bin data-srun.bin
[ "$FAILS" -eq 0 ] || cat "$OUT" >&2
cd "$WORK" || exit 99
finish
