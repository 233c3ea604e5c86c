# Sourced by tutorial.sh and docs.sh, after lib.sh: `make install` into a
# temporary prefix ($PREFIX) and the README's environment lines for it, as a
# user's shell would have them. Only mpiexec.mpich is on PATH as a launcher,
# wrapped in the time bound; a plain `mpiexec` in a document would not be
# MPICH's here and is not provided. Sets RUNNER (tests/examples/run_doc.py).
RUNNER=$PARIO_SRCDIR/tests/examples/run_doc.py
PREFIX=$WORK/prefix
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$PARIO_BUILDDIR" install prefix="$PREFIX" \
    >install.log 2>&1; then
  fail "make install prefix=$PREFIX: $(tail -5 install.log)"; finish
fi
mkdir -p bin
printf '#!/bin/sh\nexec timeout -k 5 %s %s "$@"\n' "$TEST_TIMEOUT" "$(command -v "$MPIEXEC")" >bin/mpiexec.mpich
chmod +x bin/mpiexec.mpich
export PATH="$WORK/bin:$PREFIX/bin:$PATH" LD_LIBRARY_PATH="$PREFIX/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
  MANPATH="$PREFIX/share/man:" PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
# The document runner must not inherit make's jobserver flags either.
unset MAKEFLAGS MFLAGS MAKELEVEL
