#!/bin/bash
# pario across two hosts for real: two network namespaces ("pario-a" 10.77.0.1,
# "pario-b" 10.77.0.2) joined by veth pairs on a bridge in a third namespace,
# each with its own host name (unshare --uts), a bind-mounted hosts file so each
# resolves the other, and its own sshd on its own address. mpiexec runs on
# pario-a with `-f hostfile -launcher ssh`, one rank per host, on a file both see
# (the shared file system stands in for NFS or Lustre).
# Needs root; skipped (77) where the machine forbids namespaces. Everything it
# starts is stopped by PID, and its namespaces are deleted, even on failure.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@" # make check may run us with sh
. "${PARIO_SRCDIR:-$(dirname "$0")/../..}/tests/mpi/lib.sh"
: "${PARIO_BUILDDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
WHEREAMI=$PARIO_BUILDDIR/tests/cluster/whereami
STEP=10 # seconds for any one try of a step; each run here takes well under one
TRIES=6 # a finalize hang costs a whole try: on the AMD EPYC one run in three to
        # five hung (three in a row once), where the Xeon saw 1.5%

skip() { echo "SKIP: $TEST_NAME: $*"; exit 77; }
hard() { echo "ERROR: $TEST_NAME: $*" >&2; exit 99; }

# Missing programs are an install problem, not a machine that forbids: fail.
for p in ip unshare /usr/sbin/sshd ssh ssh-keygen; do
  command -v "$p" >/dev/null 2>&1 ||
    hard "$p not found: apt-get install iproute2 util-linux openssh-server openssh-client"
done
[ "$(id -u)" -eq 0 ] || skip "needs root to create network namespaces (running as uid $(id -u))"

NS=pario-$$
NS_A=$NS-a NS_B=$NS-b NS_SW=$NS-sw
CREATED=""
SSHD_PIDS=""

cleanup() {
  local pid ns
  for pid in $SSHD_PIDS; do kill "$pid" 2>/dev/null; done
  for pid in $SSHD_PIDS; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  # Anything still inside our namespaces was started by this test (a stray
  # proxy or rank after a timeout): stop it by PID before deleting them.
  for ns in $CREATED; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# --- two hosts and a switch; any refusal here means namespaces are forbidden
for ns in $NS_A $NS_B $NS_SW; do
  err=$(ip netns add "$ns" 2>&1) || skip "the machine forbids network namespaces (ip netns add: $err)"
  CREATED="$CREATED $ns"
done
err=$(ip netns exec "$NS_A" unshare --uts --mount true 2>&1) ||
  skip "the machine forbids UTS or mount namespaces (unshare --uts --mount: $err)"
err=$( { ip -n "$NS_SW" link add br0 type bridge && ip -n "$NS_SW" link set br0 up; } 2>&1) ||
  skip "cannot create a bridge in a namespace (ip link add type bridge: $err)"
declare -A ADDR=([a]=10.77.0.1 [b]=10.77.0.2)
for h in a b; do
  err=$( { ip link add "v$h" netns "$NS-$h" type veth peer name "p$h" netns "$NS_SW" &&
    ip -n "$NS_SW" link set "p$h" master br0 && ip -n "$NS_SW" link set "p$h" up &&
    ip -n "$NS-$h" addr add "${ADDR[$h]}/24" dev "v$h" &&
    ip -n "$NS-$h" link set "v$h" up && ip -n "$NS-$h" link set lo up; } 2>&1) ||
    skip "cannot create veth pairs in namespaces (ip link add type veth: $err)"
done

# --- name resolution, keys, sshd and ssh client configuration
printf '127.0.0.1 localhost\n%s pario-a\n%s pario-b\n' "${ADDR[a]}" "${ADDR[b]}" >hosts
ssh-keygen -q -t ed25519 -N '' -C pario-test -f id || hard "ssh-keygen failed"
cp id.pub authorized_keys
: >known_hosts
for h in a b; do
  ssh-keygen -q -t ed25519 -N '' -C "pario-$h" -f "hostkey-$h" || hard "ssh-keygen failed"
  echo "pario-$h $(cut -d' ' -f1,2 "hostkey-$h.pub")" >>known_hosts
  cat >"sshd-$h.conf" <<EOF
ListenAddress ${ADDR[$h]}
HostKey $WORK/hostkey-$h
PidFile none
AuthorizedKeysFile $WORK/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
EOF
done
cat >ssh_config <<EOF
Host pario-a pario-b
  User root
  IdentityFile $WORK/id
  IdentitiesOnly yes
  UserKnownHostsFile $WORK/known_hosts
  StrictHostKeyChecking yes
  BatchMode yes
  ConnectTimeout 5
  LogLevel ERROR
EOF
# -launcher-exec takes a program, not a command line: wrap `ssh -F config`.
printf '#!/bin/sh\nexec ssh -F %s/ssh_config "$@"\n' "$WORK" >ssh-launcher
chmod +x ssh-launcher
printf 'pario-a:1\npario-b:1\n' >hostfile

# on-host H CMD...: run CMD as on host pario-H (its network namespace, its own
# host name, the shared hosts file). A program, so that timeout can run it.
cat >on-host <<EOF
#!/bin/sh
if [ "\$1" = --inside ]; then
  h=\$2; shift 2
  mount --bind "$WORK/hosts" /etc/hosts && hostname "pario-\$h" && exec "\$@"
  exit 1
fi
h=\$1; shift
exec ip netns exec "$NS-\$h" unshare --uts --mount "\$0" --inside "\$h" "\$@"
EOF
chmod +x on-host
ON=$WORK/on-host

mkdir -p /run/sshd # sshd's privilege separation directory (Debian creates it at boot)
for h in a b; do
  # ip netns exec, unshare and sh all exec: $! is sshd itself.
  "$ON" "$h" /usr/sbin/sshd -D -e -f "$WORK/sshd-$h.conf" >"sshd-$h.log" 2>&1 &
  SSHD_PIDS="$SSHD_PIDS $!"
done
for h in a b; do
  ok=""
  for _ in $(seq 50); do
    if timeout -k 2 5 "$ON" a ssh -F "$WORK/ssh_config" "pario-$h" true 2>/dev/null; then ok=1; break; fi
    sleep 0.1
  done
  [ -n "$ok" ] || { cat sshd-*.log >&2; hard "sshd on pario-$h does not answer"; }
done
check "ssh reaches pario-b with its own host name" \
  test "$(timeout -k 2 "$STEP" "$ON" a ssh -F "$WORK/ssh_config" pario-b hostname)" = pario-b

# mpi N ARGS...: mpiexec on pario-a over the hostfile, one rank per host. UCX
# would see one machine and use shared memory: force TCP between the hosts.
# MPICH 4.0.2 over UCX/TCP sometimes hangs in MPI_Finalize after all the work is
# done (doc/clusters.md, "a hang in MPI_Finalize over TCP": about 1.5% of runs with one
# rank per host on the Xeon, one in three to five on the AMD EPYC): a run that times
# out is tried up to $TRIES times, and only a run that finished in time gives its output.
# After a try that timed out, its proxies and ranks may still spin in
# MPI_Finalize inside the namespaces (MPICH busy-polls): on 2 cores they took
# the cores from the next tries, and six tries in a row timed out in a CI run
# (session 13). Kill them (not the sshds) before the next try.
kill_strays() {
  local ns pid
  for ns in "$NS_A" "$NS_B"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      case " $SSHD_PIDS " in *" $pid "*) ;; *) kill -9 "$pid" 2>/dev/null ;; esac
    done
  done
  sleep 0.2
}
mpi() {
  local n=$1 try rc=0; shift
  for try in $(seq "$TRIES"); do
    timeout -k 5 "$STEP" "$ON" a env UCX_TLS=tcp,self \
      "$MPIEXEC" -f "$WORK/hostfile" -n "$n" -launcher ssh -launcher-exec "$WORK/ssh-launcher" "$@" \
      >"$WORK/mpi.out"; rc=$?
    if [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ]; then
      cat "$WORK/mpi.out"
      return "$rc"
    fi
    echo "netns: attempt $try timed out after ${STEP}s (the UCX/TCP finalize hang?)" >&2
    kill_strays
  done
  return "$rc"
}

# --- where the ranks run
mpi 2 "$WHEREAMI" >where.out 2>where.err
check "ranks on different hosts: $(tr '\n' ';' <where.out) $(head -c 300 where.err)" \
  test "$(cat where.out)" = "$(printf 'rank 0 of 2 on pario-a as pario-a\nrank 1 of 2 on pario-b as pario-b')"

# --- pario-gen then pario-count across the hosts, on the shared file
N=100003 LO=1000 HI=60000
mpi 2 "$PARIO_BIN/pario-gen" --dtype int32 --count "$N" --sequence --out "$WORK/seq.bin" ||
  fail "pario-gen across hosts"
check "sequence file written across hosts" "$PYTHON3" -c "
import numpy as np, sys
a = np.fromfile('$WORK/seq.bin', dtype='<i4')
sys.exit(0 if a.size == $N and (a == np.arange($N)).all() else 1)"
# Small chunks: several collective steps, each moving data between the hosts.
out=$(mpi 2 "$PARIO_BIN/pario-count" --range "$LO:$HI" --per-rank --chunk 16Ki --format json "$WORK/seq.bin")
want=$(( (HI < N ? HI : N) - (LO > 0 ? LO : 0) ))
check "count across hosts = $want ($out)" "$PYTHON3" -c "
import json, sys
r = json.loads(sys.argv[1])
sys.exit(0 if r['count'] == $want and len(r['per_rank']) == 2 and sum(r['per_rank']) == $want else 1)" "$out"

# Random values, counted by numpy independently.
mpi 2 "$PARIO_BIN/pario-gen" --dtype int16 --count 54321 --uniform 0:9 --seed 7 --out "$WORK/u.bin" ||
  fail "pario-gen --uniform across hosts"
out=$(mpi 2 "$PARIO_BIN/pario-count" --values 0,3,9 --format json "$WORK/u.bin")
check "per-value counts across hosts ($out)" "$PYTHON3" -c "
import json, sys, numpy as np
a = np.fromfile('$WORK/u.bin', dtype='<i2')
r = json.loads(sys.argv[1])
want = {str(v): int((a == v).sum()) for v in (0, 3, 9)}
sys.exit(0 if a.size == 54321 and r['counts'] == want and r['elements'] == a.size else 1)" "$out"

finish
