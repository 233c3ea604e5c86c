#!/usr/bin/env bash
# The tests CI runs under ASan+UBSan (scripts/sanitize.sh), from the build
# directory given: every unit test program (tests/unit/) but the two that run
# test_train's cases again on other builds of its kernel (the AVX2 clone and
# the baseline: 85 and 101 s under ASan against 25 plain; test_train runs the
# same cases on this CPU's clone under ASan), and the error, fault injection
# and view tests. scripts/setup.sh test runs these only there, and the
# rest of the suite in the plain build.
#   bash scripts/sanitized-tests.sh BUILDDIR          the sanitized tests
#   bash scripts/sanitized-tests.sh BUILDDIR --rest   every other test
set -euo pipefail
all=$(make -s -C "$1" print-tests | grep -o 'tests/[^ ]*')
pick() {
  for t in $all; do
    case $t in
      tests/unit/test_train_avx2 | tests/unit/test_train_base)
        if [ "$1" = out ]; then echo "$t"; fi ;;
      tests/unit/* | tests/mpi/errors.sh | tests/mpi/views_errors.sh | tests/mpi/views.sh | tests/mpi/faults.sh)
        if [ "$1" = in ]; then echo "$t"; fi ;;
      *) if [ "$1" = out ]; then echo "$t"; fi ;;
    esac
  done
}
if [ "${2:-}" = --rest ]; then pick out | tr '\n' ' '; else pick in | tr '\n' ' '; fi
echo
