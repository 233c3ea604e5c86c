#!/bin/sh
# Run every marked command of doc/tutorial.md (tests/examples/run_doc.py) in a
# temporary directory laid out like a build tree: ./examples holds the built
# lessons and their sources, the pario-* tools are on PATH, and `mpiexec`
# is MPICH's launcher under a time bound.
. "$(dirname "$0")/lib.sh"
RUNNER=$PARIO_SRCDIR/tests/examples/run_doc.py

mkdir -p bin examples
for m in mpiexec mpiexec.mpich; do
  printf '#!/bin/sh\nexec timeout -k 5 %s %s "$@"\n' "$TEST_TIMEOUT" "$(command -v "$MPIEXEC")" >"bin/$m"
  chmod +x "bin/$m"
done
for f in "$PARIO_SRCDIR"/examples/* "$EXAMPLES"/*; do
  case $f in *.o) ;; *) [ -f "$f" ] && ln -sf "$f" examples/ ;; esac
done
export PATH="$WORK/bin:$PARIO_BIN:$PATH"

# The runner must be able to fail: a wrong output, a wrong status, an unmarked block.
mkdir -p selftest
cat >selftest/bad.md <<'MD'
```sh test
echo two; echo one
```
```text output
one
two
```
```sh test
exit 3
```
```sh
echo unmarked
```
MD
if (cd selftest && "$PYTHON3" "$RUNNER" bad.md >log 2>&1); then fail "run_doc.py passed a wrong document"
elif [ "$(grep -c '^FAIL' selftest/log)" -ne 3 ]; then fail "run_doc.py: expected 3 failures: $(cat selftest/log)"
else pass "run_doc.py finds wrong documents"; fi
cat >selftest/good.md <<'MD'
```sh test
printf 'b 1\na 2\n'
```
```text output unordered
a ...
b 1
```
```sh test exit=2
echo oops >&2; exit 2
```
```text output stderr
oops
```
MD
check "run_doc.py passes a right document" sh -c "cd selftest && '$PYTHON3' '$RUNNER' good.md >log 2>&1"

if "$PYTHON3" "$RUNNER" "$PARIO_SRCDIR/doc/tutorial.md"; then pass "doc/tutorial.md"
else fail "doc/tutorial.md: a command or its output is stale"; fi

finish
