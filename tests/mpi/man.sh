#!/bin/bash
# Every installed tool has a manual page, `man` renders it, it has the exit codes
# and (a tool that takes --desc) the descriptor format, its examples are one command per line, and every
# option it documents is one the tool accepts. The hand-written pages pario(7),
# pario-dataset(5) and pario-hints(7) are installed and render, and every page
# refers only to pages and documents that the install holds.
. "$(dirname "$0")/lib.sh"
: "${PARIO_BUILDDIR:=$PARIO_BIN/..}"
dest=$WORK/inst
make -s -C "$PARIO_BUILDDIR" install DESTDIR="$dest" >/dev/null 2>&1 || { fail "make install"; finish; exit 1; }
bindir=$(find "$dest" -type d -path '*/bin' | head -1)
mandir=$(find "$dest" -type d -path '*/man/man1' | head -1)
docdir=$(find "$dest" -type d -path '*/share/doc/pario' | head -1)
check "tools installed" test -n "$bindir" -a -n "$(ls "$bindir" 2>/dev/null)"
# The installed tools must run (their libpario is in the DESTDIR, not yet at
# its final path), or the option checks below would pass on a loader error.
export LD_LIBRARY_PATH="$(dirname "$bindir")/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
check "the installed tools run" sh -c '"$0" --version >/dev/null 2>&1' "$bindir/pario-count"
for tool in "$bindir"/pario-*; do
  t=$(basename "$tool")
  page=$mandir/$t.1
  if [ ! -f "$page" ]; then fail "$t has no manual page"; continue; fi
  text=$(MANWIDTH=100 man -l "$page" 2>/dev/null || groff -man -Tutf8 "$page" 2>/dev/null | col -b)
  check "$t: man page renders" test -n "$text"
  check "$t: exit status documented" grep -q "usage error" <<<"$text"
  # the dataset format on the pages of the tools that take a dataset and --desc,
  # and not on the others, which refuse --desc (a hostile reader found it there)
  if "$tool" --help 2>&1 | grep -q -- '--desc'; then
    check "$t: descriptor documented" grep -q "byte_order" <<<"$text"
  else
    check "$t: no DATASETS section (it takes no --desc)" bash -c '! grep -q "^DATASETS" <<<"$0"' "$text"
    check "$t: pario-dataset(5) named for the format" grep -q "pario-dataset" <<<"$text"
  fi
  # EXAMPLES: each command on a line of its own (help2man would fill them into one paragraph)
  ex=$(sed -n '/^EXAMPLES/,/^[A-Z]/p' <<<"$text" | grep -c '^ *mpiexec\| pario-')
  n=$(sed -n '/^ *Examples:/,/^$/p' <<<"$(cd "$WORK" && "$tool" --help 2>&1)" | grep -c '^  ')
  check "$t: $n examples, one per line (man shows $ex)" test "$ex" -ge "$n" -a "$n" -gt 0
  # each --option in the page must be accepted: `--opt ARG --help` never says "unknown option"
  # (the page's own sections, hyphens unescaped; the shared sections from
  # man/common.h2m mention options that only some tools have)
  own=$(awk '/^\.SH/ { common = /DATASETS|EXIT STATUS|ENVIRONMENT|SEE ALSO/ } !common' "$page" | sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g')
  for opt in $(grep -oE '(^|[][ ,(|])--[a-z][a-z0-9-]+' <<<"$own" | sed 's/^[][ ,(|]*//' | sort -u); do
    err=$(cd "$WORK" && timeout 20 "$tool" "$opt" x --help 2>&1 >/dev/null)
    if grep -q "unknown option" <<<"$err"; then fail "$t: documents $opt, which it does not accept"; else pass "$t $opt"; fi
  done
done

# Hand-written pages, and every page's references.
for page in man5/pario-dataset.5 man7/pario.7 man7/pario-hints.7; do
  f=$(dirname "$mandir")/$page
  if [ ! -f "$f" ]; then fail "$page is not installed"; continue; fi
  text=$(MANWIDTH=100 man -l "$f" 2>/dev/null)
  check "$page renders" test -n "$text"
done
check "pario-dataset(5) documents the descriptor" grep -q 'byte_order' "$(dirname "$mandir")/man5/pario-dataset.5"
check "pario-hints(7) documents the strategies" grep -q 'strategy' "$(dirname "$mandir")/man7/pario-hints.7"
for f in "$(dirname "$mandir")"/man*/pario*.[157]; do
  p=$(basename "$f")
  # every pario page named as \fBname\fR(N) or .BR name (N) is installed
  for ref in $(sed -e 's/\\-/-/g' -e 's/\\f[BRI]//g' -e 's/^\.BR //' "$f" | grep -oE 'pario(-[a-z]+)? ?\([157]\)' | tr -d ' ' | sort -u); do
    name=${ref%(*}; sec=${ref#*(}; sec=${sec%)}
    check "$p: SEE ALSO $ref is installed" test -f "$(dirname "$mandir")/man$sec/$name.$sec"
  done
  # every installed document it names (an absolute path under the prefix) exists
  for path in $(sed -e 's/\\-/-/g' "$f" | grep -oE '/[^ ]*/share/(doc/pario|pario)[^ ,;:)]*' | sed 's/\.$//' | sort -u); do
    check "$p: $path exists in the install" test -e "$dest$path"
  done
  check "$p: no placeholder left" sh -c '! grep -q "@[a-z]*@" "$0"' "$f"
done
finish
