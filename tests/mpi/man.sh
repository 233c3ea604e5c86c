#!/bin/bash
# Every installed tool has a manual page, `man` renders it, it has the exit codes
# and the descriptor format, and every option it documents is one the tool accepts.
. "$(dirname "$0")/lib.sh"
: "${PARIO_BUILDDIR:=$PARIO_BIN/..}"
dest=$WORK/inst
make -s -C "$PARIO_BUILDDIR" install DESTDIR="$dest" >/dev/null 2>&1 || { fail "make install"; finish; exit 1; }
bindir=$(find "$dest" -type d -path '*/bin' | head -1)
mandir=$(find "$dest" -type d -path '*/man/man1' | head -1)
check "tools installed" test -n "$bindir" -a -n "$(ls "$bindir" 2>/dev/null)"
for tool in "$bindir"/pario-*; do
  t=$(basename "$tool")
  page=$mandir/$t.1
  if [ ! -f "$page" ]; then fail "$t has no manual page"; continue; fi
  text=$(MANWIDTH=100 man -l "$page" 2>/dev/null || groff -man -Tutf8 "$page" 2>/dev/null | col -b)
  check "$t: man page renders" test -n "$text"
  check "$t: exit status documented" grep -q "usage error" <<<"$text"
  check "$t: descriptor documented" grep -q "byte_order" <<<"$text"
  # each --option in the page must be accepted: `--opt ARG --help` never says "unknown option"
  for opt in $(grep -oE '(^|[ ,])--[a-z][a-z-]+' "$page" | sed 's/^[ ,]*//' | sort -u); do
    err=$(cd "$WORK" && timeout 20 "$tool" "$opt" x --help 2>&1 >/dev/null)
    if grep -q "unknown option" <<<"$err"; then fail "$t: documents $opt, which it does not accept"; else pass "$t $opt"; fi
  done
done
finish
