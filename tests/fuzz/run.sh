#!/bin/sh
# Run each libFuzzer harness for FUZZ_SECONDS seconds (default 30); fail on any
# crash, sanitizer report, leak or timeout. Run from the build directory (or give
# it as the first argument); builds the harnesses with `make fuzz` first.
#   ../tests/fuzz/run.sh                       # all harnesses, 30 s each
#   FUZZ_SECONDS=600 ../tests/fuzz/run.sh desc  # one harness, 10 minutes
# Seeds: tests/fuzz/corpus/NAME, plus tests/corpus/{desc,job} and sample-data for
# the loaders. New inputs found go to FUZZ_WORK (default: a temporary directory,
# removed); a crashing input is kept as FUZZ_WORK/art-NAME/crash-* and named in
# the output. As many harnesses run at once as there are CPUs.
# Exit 77 (skipped) when configure found no clang with libFuzzer.
set -u
builddir=.
if [ $# -gt 0 ] && [ -f "$1/Makefile" ]; then builddir=$1; shift; fi
cd "$builddir" || exit 2
srcdir=$(sed -n 's/^abs_top_srcdir = //p' Makefile)
if [ -z "$(sed -n 's/^FUZZ_CLANG = //p' Makefile)" ]; then
  echo "fuzz: skipped: configure found no clang that links libFuzzer (apt-get install clang libclang-rt-14-dev)"
  exit 77
fi
make -s fuzz >/dev/null || { echo "fuzz: make fuzz failed" >&2; exit 1; }
seconds=${FUZZ_SECONDS:-30}
names=${*:-$(sed -n 's/^FUZZ_NAMES = //p' Makefile)}
names=${names:-desc job size count dist}
keep=${FUZZ_WORK:-}
work=${FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/pario-fuzz.XXXXXX")}
[ -n "$keep" ] || trap 'rm -rf "$work"' EXIT
export HWLOC_COMPONENTS=-pci ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# fuzz_NAME with its seeds for FUZZ_SECONDS; its status in $work/NAME.rc
one() {
  name=$1
  mkdir -p "$work/$name"
  seeds="$srcdir/tests/fuzz/corpus/$name"
  case $name in
    desc) seeds="$seeds $srcdir/tests/corpus/desc $srcdir/sample-data" ;;
    job) seeds="$seeds $srcdir/tests/corpus/job $srcdir/sample-data/jobs" ;;
  esac
  # libFuzzer reads every directory and writes new inputs to the first one;
  # its crash artifacts are named by the input's hash, so each harness has its own prefix
  mkdir -p "$work/art-$name"
  # shellcheck disable=SC2086
  ./tests/fuzz/fuzz_$name -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$work/art-$name/" "$work/$name" $seeds >"$work/$name.log" 2>&1
  echo $? >"$work/$name.rc"
}
# as many harnesses at once as there are CPUs (each is one process; most of a
# short run is its start, reading the seeds)
jobs=$(nproc 2>/dev/null || echo 1)
set -- $names
while [ $# -gt 0 ]; do
  k=0
  while [ $# -gt 0 ] && [ $k -lt "$jobs" ]; do one "$1" & shift; k=$((k + 1)); done
  wait
done
rc=0
for name in $names; do
  if [ "$(cat "$work/$name.rc" 2>/dev/null)" = 0 ]; then
    echo "fuzz_$name: ok, $(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log") runs in ${seconds} s"
  else
    rc=1
    echo "FAIL: fuzz_$name: $(grep -m1 -E 'ERROR|runtime error|deadly signal|Timeout' "$work/$name.log")"
    grep -E '^(SUMMARY|    #[0-9]|artifact_prefix|Test unit written)' "$work/$name.log" | head -30
    for a in "$work/art-$name"/crash-* "$work/art-$name"/leak-* "$work/art-$name"/timeout-*; do
      [ -f "$a" ] && { keep=1; echo "  input kept: $a"; }
    done
  fi
done
[ "$rc" -eq 0 ] || [ -z "$keep" ] || trap - EXIT
exit $rc
