# Shared helpers for the integration tests (sourced). Every MPI run is bounded by
# `timeout`: an unreachable host or a rank that never reaches a collective must
# fail the test, not hang it.
set -u
: "${MPIEXEC:=mpiexec.mpich}"
: "${PYTHON3:=/usr/bin/python3}"
: "${PARIO_BIN:=$(cd "$(dirname "$0")/../../tools" && pwd)}"
: "${PARIO_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TEST_TIMEOUT:=120}"
export HWLOC_COMPONENTS="${HWLOC_COMPONENTS:--pci,-linuxio}"

TEST_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pario-$TEST_NAME.XXXXXX")
[ -n "${PARIO_KEEP_WORK:-}" ] || trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 99
FAILS=0
PASSES=0

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
pass() { PASSES=$((PASSES + 1)); [ -n "${VERBOSE:-}" ] && echo "ok: $*"; return 0; }
# check DESCRIPTION COMMAND...: pass if the command succeeds
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }

# defer DESC ARGS...: queue a check for a reference script's "batch" command
# (one Python start for many checks: each start of numpy and h5py costs about
# 0.15 s, more beside a busy test); a tab-separated line in $DEFERRED.
# run_deferred SCRIPT: run the queue, one pass or fail per line it prints.
DEFERRED=$WORK/deferred.list
defer() { local IFS=$'\t'; printf '%s\n' "$*" >>"$DEFERRED"; }
run_deferred() {
  [ -s "$DEFERRED" ] || return 0
  local status line queued done_=0
  queued=$(grep -c . "$DEFERRED")
  while IFS=$'\t' read -r status line; do
    case $status in
      ok) pass "$line"; done_=$((done_ + 1)) ;;
      FAIL) fail "$line"; done_=$((done_ + 1)) ;;
      *) fail "deferred checks: unexpected output: $status $line" ;;
    esac
  done < <("$PYTHON3" "$1" batch "$DEFERRED" 2>&1)
  [ "$done_" -eq "$queued" ] || fail "deferred checks: $done_ of $queued ran ($1 batch)"
  : >"$DEFERRED"
}

# In a build tree, $PARIO_BIN/pario-x is libtool's wrapper script, which execs
# $PARIO_BIN/.libs/pario-x: MPI runs start the program itself (no bash per rank;
# about a tenth of a test's CPU time here), with the library from the build tree.
if [ -d "$PARIO_BIN/.libs" ] && [ -d "$PARIO_BIN/../lib/.libs" ]; then
  LD_LIBRARY_PATH="$(cd "$PARIO_BIN/../lib/.libs" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export LD_LIBRARY_PATH
fi
pario_exe() { if [ -x "$PARIO_BIN/.libs/$1" ]; then echo "$PARIO_BIN/.libs/$1"; else echo "$PARIO_BIN/$1"; fi; }

# mpirun N TOOL ARGS...: run a pario tool on N ranks under a time bound
mpirun() {
  local n=$1 tool=$2; shift 2
  timeout -k 5 "$TEST_TIMEOUT" "$MPIEXEC" -n "$n" "$(pario_exe "$tool")" "$@"
}

# expect_error N CODE REGEX TOOL ARGS...: the run must exit with CODE within the
# time bound and print exactly one line on stderr matching REGEX.
expect_error() {
  local n=$1 code=$2 re=$3; shift 3
  local err=$WORK/stderr.$$ out=$WORK/stdout.$$ rc
  mpirun "$n" "$@" >"$out" 2>"$err"; rc=$?
  local lines; lines=$(grep -c . "$err")
  if [ "$rc" -ne "$code" ]; then
    fail "$* (n=$n): exit $rc, expected $code; stderr: $(head -c 400 "$err")"
  elif [ "$lines" -ne 1 ] || ! grep -Eq -- "$re" "$err"; then
    fail "$* (n=$n): stderr does not match /$re/ in one line: $(head -c 400 "$err")"
  else
    pass "$* (n=$n)"
  fi
}

# finish: summary line and exit status (77 = skipped for automake)
finish() {
  echo "$TEST_NAME: $PASSES passed, $FAILS failed"
  [ "$FAILS" -eq 0 ]
}
