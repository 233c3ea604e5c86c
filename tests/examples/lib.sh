# Helpers for the example tests (sourced): the shared MPI test helpers, plus
# running a lesson from the build tree and comparing its output.
. "$(dirname "$0")/../mpi/lib.sh"
: "${PARIO_BUILDDIR:=$(cd "$PARIO_BIN/.." && pwd)}"
EXAMPLES=$PARIO_BUILDDIR/examples
REFERENCE=$PARIO_SRCDIR/tests/examples/reference.py

# ex N PROG ARGS...: run a lesson on N ranks under the time bound; stdout in
# ./out, stderr in ./err; returns the exit status.
ex() {
  local n=$1 prog=$2; shift 2
  timeout -k 5 "$TEST_TIMEOUT" "$MPIEXEC" -n "$n" "$EXAMPLES/$prog" "$@" >out 2>err
}

# ref ARGS...: the independent reference (tests/examples/reference.py)
ref() { "$PYTHON3" "$REFERENCE" "$@"; }

# same_lines DESC EXPECTED ACTUAL: the same lines, in any order (ranks print
# in any order). same_text: the same lines in the same order.
same_lines() {
  sort "$2" >"$2.sorted"; sort "$3" >"$3.sorted"
  same_text "$1" "$2.sorted" "$3.sorted"
}
same_text() {
  if diff "$2" "$3" >/dev/null; then pass "$1"
  else fail "$1: output differs (expected < > got): $(diff "$2" "$3" | head -20)"; fi
}

# ran DESC: the last ex succeeded (exit 0, nothing on stderr); say why not.
ran() {
  local rc=$1 d=$2
  if [ "$rc" -ne 0 ] || [ -s err ]; then
    fail "$d: exit $rc, stderr: $(head -c 400 err)"; return 1
  fi
  return 0
}

# usage_error DESC CODE REGEX: the last ex exited CODE with one matching stderr line.
usage_error() {
  local rc=$1 d=$2 code=$3 re=$4
  if [ "$rc" -ne "$code" ]; then fail "$d: exit $rc, expected $code; stderr: $(head -c 400 err)"
  elif [ "$(grep -c . err)" -ne 1 ] || ! grep -Eq -- "$re" err; then
    fail "$d: stderr is not one line matching /$re/: $(head -c 400 err)"
  else pass "$d"; fi
}
