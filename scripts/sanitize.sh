#!/usr/bin/env bash
# The library and tools built with AddressSanitizer and UndefinedBehaviorSanitizer
# (leak checking on), and the tests that drive them through their error paths run
# under it: the unit tests, the error tests, the fault-injection matrix (when the
# tree has tests/mpi/faults.sh) and the view tests.
#
#   bash scripts/sanitize.sh           build in build-asan/ (kept between runs), run the tests
#   PARIO_ASAN_TESTS='tests/mpi/errors.sh' bash scripts/sanitize.sh    other tests
#   PARIO_ASAN_BUILD_ONLY=1 bash scripts/sanitize.sh                   build only
#
# A sanitizer report fails the run even when the test itself passed (an error
# test expects exit 1, which is also ASan's): every report goes to a log file
# (ASAN_OPTIONS/UBSAN_OPTIONS log_path), and any such file is a failure. Leaks
# inside MPICH, UCX, hwloc and HDF5 are suppressed by scripts/lsan.supp (each
# entry says why); pario's own are not. The last line reads
# "sanitize: N passed, M failed, K skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
dir=${PARIO_ASAN_DIR:-build-asan}
# -g1: line tables, all a sanitizer's stack trace shows (less to compile than -g)
flags='-O1 -g1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined'
# With a clang that links libFuzzer (and PARIO_ASAN_CLANG not 0), the tree is
# built by clang as MPICH's compiler with libFuzzer's coverage too
# (-fsanitize=fuzzer-no-link): `make fuzz` there (tests/fuzz/run.sh build-asan,
# as scripts/setup.sh test runs it) links the harnesses to the tree's own objects
# instead of compiling the library again. clang also compiles it faster than GCC
# (70 against 83 s of CPU here). Otherwise GCC, as before.
cc=""
clang=$(command -v clang || command -v clang-14 || true)
if [ "${PARIO_ASAN_CLANG:-1}" != 0 ] && [ -n "$clang" ]; then
  probe=$(mktemp -d)
  printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return d && n > 1000000; }\n' >"$probe/f.c"
  if "$clang" -fsanitize=fuzzer,address,undefined "$probe/f.c" -o "$probe/f" >/dev/null 2>&1; then
    cc="mpicc.mpich -cc=$clang"
    flags="$flags -fsanitize=fuzzer-no-link"
  fi
  rm -rf "$probe"
fi
# what the sanitized tests do not run is not built here: the manual pages (help2man
# would run every tool under ASan), the lessons and the bench programs
lean='man1_MANS= noinst_PROGRAMS='

if [ ! -x configure ]; then
  autoreconf -fi >autoreconf.log 2>&1 || { cat autoreconf.log >&2; exit 1; }
fi
mkdir -p "$dir"
cd "$dir"
if [ ! -f Makefile ]; then
  if [ -n "$cc" ]; then
    "$src/configure" --quiet CC="$cc" CFLAGS="$flags" LDFLAGS='-fsanitize=address,undefined'
  else
    "$src/configure" --quiet CFLAGS="$flags" LDFLAGS='-fsanitize=address,undefined'
  fi
fi
# shellcheck disable=SC2086
make -j"$(nproc)" $lean >make.log 2>&1 || { tail -40 make.log >&2; exit 1; }
# PARIO_ASAN_BUILD_ONLY=1: the build alone
[ "${PARIO_ASAN_BUILD_ONLY:-0}" = 1 ] && exit 0

tests=${PARIO_ASAN_TESTS:-$(bash "$src/scripts/sanitized-tests.sh" .)}
# the longest first (seconds under ASan, session 15: views 74, faults 62,
# errors 34, test_train 33, test_units 21), so that make -j2 ends together
first="tests/mpi/views.sh tests/mpi/faults.sh tests/mpi/errors.sh tests/unit/test_train tests/unit/test_units"
ordered=""
for t in $first; do case " $tests " in *" $t "*) ordered="$ordered $t" ;; esac; done
for t in $tests; do case " $first " in *" $t "*) ;; *) ordered="$ordered $t" ;; esac; done
tests=$ordered

reports=$PWD/sanitizer-reports
rm -rf "$reports"
mkdir -p "$reports"
export HWLOC_COMPONENTS=-pci # hwloc's PCI discovery leaks and is slow under ASan; with -linuxio too, LeakSanitizer's tracer crashed (signal 11) at every exit
export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=0"
export LSAN_OPTIONS="suppressions=$src/scripts/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1"
# the tests run MPI programs under `timeout`: leave them the slower pace ASan sets
export TEST_TIMEOUT=${TEST_TIMEOUT:-300}

rc=0
# shellcheck disable=SC2086
make -j"$(nproc)" $lean check TESTS="$tests" >check.log 2>&1 || rc=$?
pass=$(sed -n 's/^# PASS: *//p' test-suite.log)
fail=$(sed -n 's/^# FAIL: *//p' test-suite.log)
err=$(sed -n 's/^# ERROR: *//p' test-suite.log)
skip=$(sed -n 's/^# SKIP: *//p' test-suite.log)
failed=$((${fail:-0} + ${err:-0}))
[ "$rc" -eq 0 ] || grep -h -B2 -A30 '^FAIL\|^ERROR' $(for t in $tests; do echo "$t.log"; done) 2>/dev/null | head -100

# every sanitizer report is a failure, whatever the test made of the exit status
found=$(find "$reports" -type f | sort)
if [ -n "$found" ]; then
  echo "sanitize: $(echo "$found" | wc -l) sanitizer report(s):"
  for f in $found; do
    echo "== $f"
    head -60 "$f"
  done
  failed=$((failed + 1))
  rc=1
fi
echo "sanitize: ${pass:-0} passed, $failed failed, ${skip:-0} skipped"
exit "$rc"
