#!/bin/sh
# Run every marked command of doc/tutorial.md (tests/examples/run_doc.py) as a
# user would after installing (tests/examples/install.sh: `make install` into a
# temporary prefix, the README's environment lines for it, only mpiexec.mpich
# as a launcher) in an empty working directory.
. "$(dirname "$0")/lib.sh"
. "$PARIO_SRCDIR/tests/examples/install.sh"
check "pario.pc of the install points into it" test "$(pkg-config --variable=prefix pario)" = "$PREFIX"
check "the installed tools are the ones on PATH" test "$(command -v pario-count)" = "$PREFIX/bin/pario-count"
check "the tutorial is installed" test -f "$(pkg-config --variable=docdir pario)/tutorial.md"
check "the schemas are installed" test -f "$(pkg-config --variable=schemasdir pario)/job.schema.yaml"
check "man pages are found through MANPATH" sh -c 'man -w pario-count | grep -q "^$0/"' "$PREFIX"
mkdir -p tut

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

if (cd tut && "$PYTHON3" "$RUNNER" "$PREFIX/share/doc/pario/tutorial.md"); then pass "doc/tutorial.md (installed)"
else fail "doc/tutorial.md: a command or its output is stale"; fi

finish
