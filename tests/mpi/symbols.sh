#!/usr/bin/env bash
# libpario exports its public API and nothing else: every dynamic symbol it
# defines must be declared by the installed headers (the compiler decides: a C
# file that takes the address of each exported symbol must compile with only
# <pario/*.h> included); it defines no MPI or PMPI function (a PMPI tool such as
# Darshan, or another program's MPI_File_sync, must not be replaced by linking
# pario); the MPI_File_sync interposer lives in pario-pi alone.
. "$(dirname "$0")/lib.sh"

LIB=${PARIO_LIBPARIO:-$PARIO_BUILDDIR/lib/.libs/libpario.so}
[ -f "$LIB" ] || { echo "symbols: $LIB not built (shared library disabled?)"; exit 77; }
command -v nm >/dev/null || { echo "symbols: nm not found"; exit 77; }
CC=${PARIO_CC:-mpicc.mpich}

# the dynamic symbols the library defines (functions and data), without versions
nm -D --defined-only "$LIB" | awk 'NF >= 3 { sub(/@.*/, "", $3); print $3 }' | LC_ALL=C sort -u >exported
check "libpario exports its API ($(wc -l <exported) symbols)" test "$(wc -l <exported)" -gt 50

# 1. nothing outside the pario_ name space, and no MPI function in particular
grep -v '^pario_' exported >foreign
check "libpario exports only pario_ names (others: $(tr '\n' ' ' <foreign))" test ! -s foreign
check "libpario defines no MPI_/PMPI_ function" test -z "$(grep -E '^P?MPI_' exported)"

# 2. each exported name is declared by the public headers
{
  for h in "$PARIO_SRCDIR"/include/pario/*.h; do echo "#include \"pario/$(basename "$h")\""; done
  echo "void *pario_symbols_test[] = {"
  sed 's/.*/    (void *)\&&,/' exported
  echo "};"
} >api.c
# shellcheck disable=SC2086
if "$CC" -fsyntax-only -Werror=implicit-function-declaration -I"$PARIO_SRCDIR/include" \
  -I"$PARIO_BUILDDIR" ${PARIO_CPPFLAGS:-} api.c 2>api.err; then
  pass "every exported symbol is declared in include/pario/"
else
  undeclared=$(grep -oE "‘pario_[A-Za-z0-9_]+’ undeclared|'pario_[A-Za-z0-9_]+' undeclared" api.err \
    | grep -oE 'pario_[A-Za-z0-9_]+' | sort -u | tr '\n' ' ')
  fail "exported but not declared in include/pario/: ${undeclared:-$(head -c 600 api.err)}"
fi

# 3. the internal helpers the issue names are not among them
check "no internal helper (pario_prefetch_*, pario_exchange_reader_*, pario_reader_init...) exported" \
  test -z "$(grep -E '^pario_(prefetch_|exchange_reader_|reader_init$|reader_release$|writer_init$|writer_finish$|h5log_skip_sync$)' exported)"

# 4. the reader and writer are opaque: their fields are not in the public header
check "pario_reader is an opaque handle" \
  test -z "$(sed -n '/^struct pario_reader *{/p;/^typedef struct pario_reader *{/p' "$PARIO_SRCDIR/include/pario/io.h")"

# 5. pario-pi, and only pario-pi, carries its MPI_File_sync (exported so that
# libhdf5's call reaches it)
bin() { if [ -f "$PARIO_BIN/.libs/$1" ]; then echo "$PARIO_BIN/.libs/$1"; else echo "$PARIO_BIN/$1"; fi; }
check "pario-pi defines MPI_File_sync" test -n "$(nm -D --defined-only "$(bin pario-pi)" | grep -w MPI_File_sync)"
for t in pario-count pario-gen pario-reduce pario-run pario-plot; do
  check "$t defines no MPI_File_sync" test -z "$(nm --defined-only "$(bin $t)" 2>/dev/null | grep -w MPI_File_sync)"
done

finish
