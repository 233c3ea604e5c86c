#!/bin/sh
# pario-wc and pario-grep against GNU wc and grep (LC_ALL=C; grep -a: pario-grep
# treats every file as text) on adversarial files (tests/mpi/text_files.py): line
# ends, spaces and neutral bytes at each rank's split point and one byte either
# side, CRLF, no final newline, empty lines, lines longer than the chunk and than a
# rank's range, NUL bytes, invalid UTF-8, empty files, more ranks than lines.
# Every comparison is byte for byte on stdout, and on the exit status.
. "$(dirname "$0")/lib.sh"

"$PYTHON3" "$PARIO_SRCDIR/tests/mpi/text_files.py" || { echo "cannot make the test files"; exit 99; }

# agree N CHUNK TOOL REF ARGS...: TOOL on N ranks with --chunk CHUNK and the
# reference command REF (word-split) on the same ARGS: same stdout, same status.
agree() {
  local n=$1 chunk=$2 tool=$3 ref=$4 rrc grc; shift 4
  # stdin from /dev/null: mpiexec reads its stdin, which would eat the caller's here-document
  LC_ALL=C timeout 60 $ref "$@" >ref.out 2>/dev/null </dev/null; rrc=$?
  mpirun "$n" "$tool" --chunk "$chunk" "$@" >got.out 2>got.err </dev/null; grc=$?
  same "$tool $* (n=$n, chunk $chunk; reference $ref)" "$rrc" "$grc"
}

# same DESC RRC GRC: ref.out and got.out byte for byte, and the two statuses
same() {
  if [ "$2" -ne "$3" ]; then
    fail "$1: exit $3, the reference says $2; stderr: $(head -c 300 got.err)"
  elif ! cmp -s ref.out got.out; then
    fail "$1: output differs from the reference: $(diff ref.out got.out | head -6)"
  else
    pass "$1"
  fi
}
# agree_errs N TOOL REF ARGS...: as agree (at --chunk 64), and as many lines
# on stderr as the reference prints (the wording is pario's own)
agree_errs() {
  local n=$1 tool=$2 ref=$3 rrc grc; shift 3
  LC_ALL=C timeout 60 $ref "$@" >ref.out 2>ref.err </dev/null; rrc=$?
  mpirun "$n" "$tool" --chunk 64 "$@" >got.out 2>got.err </dev/null; grc=$?
  same "$tool $* (n=$n)" "$rrc" "$grc"
  check "$tool $* (n=$n): $(grep -c . ref.err) error lines, as $ref ($(head -c 200 got.err))" \
    test "$(grep -c . ref.err)" = "$(grep -c . got.err)"
}

# Each run takes many files (wc's and grep's multi-file layouts); at N ranks the
# files whose boundaries sit at N ranks' split points, and all the others.
COMMON=$(LC_ALL=C ls *.txt | grep -v '^split')
files_for() { echo $COMMON $(LC_ALL=C ls split"$1"_*.txt 2>/dev/null); }

# Every rank count, three chunk sizes.
for n in 1 2 3 4 5; do
  F=$(files_for "$n")
  for chunk in 8 64 4Mi; do
    agree "$n" "$chunk" pario-wc wc $F
    agree "$n" "$chunk" pario-grep "grep -a" -n -E 'ne+dle [0-9]+' $F
  done
done
for n in 2 3; do
  F=$(files_for "$n")
  for chunk in 8 4Mi; do
    agree "$n" "$chunk" pario-wc wc -l $F
    agree "$n" "$chunk" pario-wc wc -w $F
    agree "$n" "$chunk" pario-grep "grep -a" -c -v -i NEEDLE $F
    agree "$n" "$chunk" pario-grep "grep -a" -n -v -F -m 3 e $F
  done
done
agree 5 8 pario-grep "grep -a" needle $(files_for 5)
agree 4 16 pario-grep "grep -a" -c ne+dle $(files_for 4)

# Single files: wc's width-1 case (one file, one count) and the others.
for f in empty.txt newlines.txt split3_sp+0.txt; do
  for opt in -l -w -c -lc ""; do
    agree 3 16 pario-wc wc $opt "$f"
  done
done
agree 2 64 pario-wc wc -c -l -w log.txt crlf.txt

# Patterns and options: regex kinds, the literal prefilter's traps, -m per file.
F="log.txt mix0.txt mix2.txt nul.txt utf8_invalid.txt crlf.txt long_lines.txt no_final_newline.txt split2_nl+0.txt"
while IFS='|' read -r opts pat; do
  # shellcheck disable=SC2086
  agree 2 64 pario-grep "grep -a" $opts "$pat" $F
done <<'EOF'
|
-c|
-v|x
-F|ne+dle
-F -i|NeEdLe
-i|needle [0-9]
|ab*c
|a\.b
|x\{2\}
|\(ne\)\1
|e\|ne
|[0-9][0-9]*$
|^$
|^n
|e.d
-E|ne+dle
-E|(ab)?cd
-E|ab?c
-E -c|a+b
-E|foo|needle 1
-E|GET /api/[a-z]+/[0-9]+
-E|(GET|POST) /api/[a-z]+
-E -c|(ne|x)+edle [0-9]
-c|\(n\|x\)eedle
-E -i|^10\.0\.[0-3]\..*" (404|500)
-E|[[:space:]]$
-E -n|.
-E|x{2,}
-E|a{1
-E|needle)
-n -m 2|needle
-c -m 5|e
-v -m 1|e
-c -v|.
-n -i -F|NEEDLE
-F|
-F -c -v|
-e|- -
-c -n -e|-
-q|needle
-q -v|zzz
-q|zzz
EOF

# Where glibc's regex reads a pattern unlike grep's own parser (dfa.c): '{' at
# the start of an -E expression (literal, or an interval on the empty string, with
# grep's warning), an operator after an anchor (it repeats the anchor), '\x' with
# -i (the letter, either case), "[:space:]" without its outer brackets (an
# error); and the prefilter's required string with an operator after '+'. The
# lines repeat so that 3 ranks and 4Ki chunks split them.
"$PYTHON3" - <<'EOF'
lines = [b'{"a":1}', b"plain text", b'  {"b":{"c":2}}', b"}", b"a{b", b"x{", b"{", b"{1}", b"xyz", b"aXc",
         b"q", b"Q", b"kk", b"b$", b"b*", b"ab", b"ba", b"[:space:]", b"a:b", b"  tab\tend", b"B,1}", b""]
with open("dfa.txt", "wb") as f:
    for i in range(400):
        f.write(b"\n".join(lines) + b"\n%d\n" % i)
EOF
# (each pattern at 1 or 3 ranks in turn: the rewriting is the pattern's, the
# splits are tested above; CI time)
k=0
while IFS='|' read -r opts pat; do
  k=$((k + 1))
  # shellcheck disable=SC2086
  agree $((k % 2 * 2 + 1)) 4Ki pario-grep "grep -a" $opts "$pat" dfa.txt
done <<'EOF'
-c -E|^{
-c -E|{
-c -E|x|{
-n -E|^{"
-c -E|{1}
-E|{,2}x
-E -c|({1})
-E|^{1}b
-E|\<{2}b
-E|{1
-i|\x
-i|a\xc
-i -E|\q|\k
|[:space:]
-E|[:alpha:]
-c|x[^:space:]
|b\b\{1\}
-E|b\b{1}
-E -c|b$*
-E -c|b\b*
-c|b\<*
-E|a+{0}b
-c|a\+*b
EOF
expect_error 3 2 "^pario-grep: error: pattern '\[:space:\]': character class syntax is \[\[:space:\]\], not \[:space:\]$" \
  pario-grep -c '[:space:]' dfa.txt
expect_error 3 0 "^pario-grep: warning: \{\.\.\.\} at start of expression$" pario-grep -c -E '{,2}x' dfa.txt

# A line longer than the default chunk, and than every rank's range; numbering after it.
"$PYTHON3" - <<'EOF'
import random
r = random.Random(7)
big = bytes(r.choice(b"abcdef ") for _ in range(5 << 20))
with open("huge.dat", "wb") as f:
    f.write(b"".join(b"needle %d\n" % i for i in range(1000)))
    f.write(big[:3 << 20] + b" needle " + big[3 << 20:] + b"\n")
    f.write(b"after 1\nneedle after 2\n")
# a huge line that starts in the last rank's range only (failure on one rank)
with open("huge_tail.dat", "wb") as f:
    f.write(b"".join(b"short line %07d\n" % i for i in range(300000)))
    f.write(b"x" * (2 << 20) + b"\n")
EOF
for n in 1 2 3; do
  agree "$n" 4Mi pario-grep "grep -a" -n needle huge.dat
  agree "$n" 1Mi pario-grep "grep -a" -c -v xyz huge.dat
  agree "$n" 4Mi pario-wc wc huge.dat
done
agree 2 64k pario-grep "grep -a" -n -E 'ne+dle [0-9]' huge.dat one_line.txt

# Failures: one line on stderr, grep's and wc's exit status, the other files done.
expect_error 2 2 "pario-grep: error: huge_tail.dat: the line at byte [0-9]+ is longer than 1112576 bytes \\(--chunk \\+ --max-line\\)" \
  pario-grep --chunk 64k --max-line 1Mi -c short huge_tail.dat
expect_error 3 2 "huge_tail.dat: the line at byte .* longer" pario-grep --chunk 1Mi --max-line 1Mi short huge_tail.dat
# the other files are still searched, and their lines printed
mpirun 3 pario-grep --chunk 64k --max-line 1Mi -c short huge_tail.dat log.txt >got.out 2>got.err; rc=$?
check "a line over --max-line: exit 2, the other file counted" \
  sh -c "test $rc -eq 2 && test \"\$(cat got.out)\" = 'log.txt:0' && grep -q 'huge_tail.dat: the line at byte' got.err"
agree 3 4Mi pario-grep "grep -a" -n needle two_lines.txt no-such-file.txt log.txt
agree 2 64 pario-grep "grep -a" -c zzz no-such-file.txt log.txt
# grep's -h (no file names) and -H (file names with one file too); -h was the help
agree 3 64 pario-grep "grep -a" -h needle log.txt two_lines.txt
agree 3 64 pario-grep "grep -a" -h -c needle log.txt two_lines.txt
agree 2 64 pario-grep "grep -a" -H -n needle log.txt
agree 2 64 pario-grep "grep -a" -H -c needle log.txt
agree 2 64 pario-grep "grep -a" -q needle no-such-file.txt log.txt
agree 2 64 pario-grep "grep -a" -q zzz no-such-file.txt log.txt
agree 2 64 pario-wc wc log.txt no-such-file.txt crlf.txt
expect_error 2 2 "pario-grep: error: no-such-file.txt: cannot open: no such file" pario-grep x no-such-file.txt
mkdir -p adir
expect_error 2 2 "pario-grep: error: adir: is a directory" pario-grep x adir
expect_error 2 1 "pario-wc: error: adir: is a directory" pario-wc adir
agree 2 64 pario-wc wc log.txt adir      # wc still prints a line of zeros, width 7
agree 2 64 pario-wc wc -l adir
# a FIFO is refused, not read as an empty file (it counted 0 0 0, and grep
# said "no match", with no error: a hostile-user pass, session 14)
mkfifo afifo || exit 99
expect_error 2 1 "^pario-wc: error: afifo: cannot open: it is a FIFO, not a regular file$" pario-wc afifo log.txt
expect_error 2 2 "^pario-grep: error: afifo: cannot open: it is a FIFO, not a regular file$" pario-grep -c needle afifo
mpirun 2 pario-wc afifo log.txt >got.out 2>/dev/null
LC_ALL=C wc log.txt >ref.out
check "pario-wc with a FIFO: the other file still counted" sh -c "grep -q ' log.txt\$' got.out && test \"\$(awk '\$NF == \"log.txt\" {print \$1, \$2, \$3}' got.out)\" = \"\$(awk '{print \$1, \$2, \$3}' ref.out)\""
expect_error 2 2 "pario-grep: error: pattern '\\\\\(': Unmatched \( or \\\\\(" pario-grep '\(' log.txt
expect_error 2 2 "pario-grep: error: pattern 'a\(': Unmatched \( or \\\\\(" pario-grep -E 'a(' log.txt
# -F with newlines: each line of the pattern is a fixed string, as grep's list
# (it was refused); an empty one selects every line; ERE's characters are literal
agree 3 16 pario-grep "grep -a" -n -F "$(printf 'needle 1\nalpha')" $F
agree 2 64 pario-grep "grep -a" -c -i -F "$(printf 'NEEDLE\na.b\n(x')" $F
agree 1 64 pario-grep "grep -a" -c -v -F "$(printf 'zzz\n[\n*')" $F
agree 2 8 pario-grep "grep -a" -c -F "$(printf 'zzz\n\nq')" $F
# -v with a list of empty patterns only ("\n", "\n\n") is grep's -v '':
# nothing read, nothing printed, not even -c's 0 (it printed 0; a list with
# one non-empty pattern is read as usual)
NL='
'
agree 1 64 pario-grep "grep -a" -c -v -e "$NL" $F
agree 2 8 pario-grep "grep -a" -c -v -F -e "$NL$NL" $F
agree 2 8 pario-grep "grep -a" -v -e "$NL" $F
agree 2 64 pario-grep "grep -a" -c -v -e "needle$NL" $F
# several -e: grep's list of patterns, a line matching any selected (a second -e
# was refused); with back-references each pattern's \1 is its own group (one
# regex of alternatives said "Invalid back reference")
agree 3 16 pario-grep "grep -a" -n -e 'needle 1' -e alpha $F
agree 2 64 pario-grep "grep -a" -c -E -e 'ne+dle [0-9]$' -e '^$' -e 'x|y' $F
agree 2 8 pario-grep "grep -a" -c -F -e '(x' -e 'a.b' $F
agree 4 64 pario-grep "grep -a" -n -e '\(e\)\1' -e '\([0-9]\)\1' $F
agree 1 64 pario-grep "grep -a" -c -v -i -E -e '(E)\1' -e 'NEEDLE' $F
agree 2 8 pario-grep "grep -a" -c -e '' -e needle $F
# a pattern with a back-reference, and every pattern of a list with one, is
# also read as glibc reads it: an operator on an anchor keeps the anchor
# ("x\b*(a)\1" needs the \b) and "\>{1}" matches nothing (pario-grep took the
# line); and in a list a line another pattern matches is taken at once (an
# exponential back-reference first ran past every timeout; hostile-user pass)
printf 'xa\nfoo\nxxa\nx a\n' > anchors.txt
head -c 22 /dev/zero | tr '\0' a > a22.txt; echo >> a22.txt
agree 2 8 pario-grep "grep -a" -E 'x\b*(a)\1*' anchors.txt
agree 3 8 pario-grep "grep -a" 'x\b*\(a\)\1*' anchors.txt
agree 1 64 pario-grep "grep -a" -E 'x\<?(a)\1*' anchors.txt
agree 2 64 pario-grep "grep -a" -E -e 'o\>{1}' -e '(z)\1' anchors.txt
agree 2 8 pario-grep "grep -a" -e 'o\>\{1\}' -e '\(z\)\1' anchors.txt
agree 1 64 pario-grep "grep -a" -c -e 'a*\(a\)\1*' -e a a22.txt
agree 2 8 pario-grep "grep -a" -c -v -e 'a*\(a\)\1*' -e '^' a22.txt
# two matchers are grep's usage error, not the last one winning (-E -F
# searched for the fixed string; a hostile-user pass)
for m in "-E -F" "-F -E" "-G -E" "-E -G" "-EF"; do
  # shellcheck disable=SC2086
  expect_error 2 2 "^pario-grep: error: conflicting matchers specified$" pario-grep $m needle log.txt
done
agree 2 64 pario-grep "grep -a" -E -E 'ne+dle' log.txt
agree 2 64 pario-grep "grep -a" -F --fixed-strings 'ne+dle' log.txt
expect_error 2 2 "missing FILE" pario-grep needle
expect_error 2 2 "unknown option '-x'" pario-grep -x needle log.txt
expect_error 2 2 "-m x: expected a number" pario-grep -m x needle log.txt
expect_error 2 2 "unknown option '-x'" pario-wc -x log.txt
mpirun 2 pario-grep -m 0 needle log.txt no-such-file.txt >got.out 2>&1; rc=$?
check "-m 0: nothing read, nothing printed, exit 1" test "$rc" -eq 1 -a ! -s got.out

# grep's -v is pario's --verbose elsewhere: both work here.
mpirun 2 pario-grep --verbose -v needle log.txt >got.out 2>/dev/null
LC_ALL=C grep -a -v needle log.txt >ref.out
check "pario-grep --verbose -v: -v inverts, --verbose is accepted" cmp -s got.out ref.out

# --format json: the same numbers as wc, in arrays per count.
mpirun 3 pario-wc --format json log.txt crlf.txt empty.txt >got.json 2>got.err
LC_ALL=C wc log.txt crlf.txt empty.txt >ref.out
check "pario-wc --format json equals wc" "$PYTHON3" - <<'EOF'
import json
got = json.load(open("got.json"))
ref = [l.split() for l in open("ref.out")]
assert got["files"] == [r[3] for r in ref[:-1]], got
for k, key in enumerate(("lines", "words", "bytes")):
    assert got[key] == [int(r[k]) for r in ref[:-1]], (key, got)
    assert got["total"][key] == int(ref[-1][k]), (key, got)
EOF

# --help is the man page's source; --version like the other tools.
mpirun 1 pario-grep --help >got.out 2>&1
check "pario-grep --help lists -v as invert-match and --verbose without -v" \
  sh -c 'grep -q -- "-v, --invert-match" got.out && grep -q -- "    --verbose" got.out && ! grep -q -- "-v, --verbose" got.out'
check "pario-grep --help gives grep's exit status" grep -q "^Exit status (as grep): 0 a line was selected, 1 no line was" got.out
mpirun 1 pario-wc --version >got.out 2>&1
check "pario-wc --version" grep -q "^pario-wc (pario) " got.out

# an input that is also the output (grep x f >> f): refused as GNU grep refuses
# it, and the other files searched (it appended to its own input, exit 0; a
# hostile-user pass, session 28). Only where rank 0 writes to the file itself:
# alone, as here, or under srun --output (under mpiexec, the launcher's pipe).
printf 'x1\nx2\n' >io.txt && printf 'x1\nx2\n' >io_ref.txt && printf 'x3\n' >other.txt || exit 99
timeout 60 "$(pario_exe pario-grep)" x io.txt other.txt >>io.txt 2>io.err; rc=$?
LC_ALL=C grep x io_ref.txt other.txt >>io_ref.txt 2>/dev/null; rrc=$?
check "input file is also the output: exit $rc, grep's $rrc" test "$rc" = "$rrc"
check "... the other file's lines appended, as by grep" cmp -s io.txt io_ref.txt
check "... one line naming the file" grep -qx 'pario-grep: error: io.txt: input file is also the output' io.err

# an unreadable file counts in the width of wc's columns, as GNU wc stats it
# (pario-wc left it out: width 1 where wc's is 2; a hostile-user pass, session
# 28). Unreadable only to a user other than root: run as nobody, in a directory
# of /tmp that nobody can enter.
ud=$(mktemp -d /tmp/pario-unr.XXXXXX) && chmod 755 "$ud" && printf 'x y\n' >"$ud/one" && printf 'x a\n' >"$ud/unr" &&
  mkdir "$ud/udir" && chmod 000 "$ud/unr" "$ud/udir" || exit 99
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups env LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}" "$@"; }
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 && as_nobody test -r "$ud/one" 2>/dev/null &&
   ! as_nobody test -r "$ud/unr" && as_nobody test -x "$(pario_exe pario-wc)"; then
  (cd "$ud" && as_nobody wc one unr one) >unr.ref 2>/dev/null
  (cd "$ud" && as_nobody timeout 60 "$MPIEXEC" -n 2 "$(pario_exe pario-wc)" one unr one) >unr.got 2>unr.err
  check "an unreadable file sizes the columns as in GNU wc ($(head -c 40 unr.got | tr '\n' '|'))" cmp -s unr.ref unr.got
  # grep -q: no error for an unreadable file after the first selected line,
  # as GNU grep never opens it; one before it is still said (exit 0 both)
  for order in "one unr" "unr one" "unr one unr"; do
    # shellcheck disable=SC2086
    (cd "$ud" && as_nobody grep -a -q x $order) >unr.ref 2>unr.referr; rrc=$?
    # shellcheck disable=SC2086
    (cd "$ud" && as_nobody timeout 60 "$MPIEXEC" -n 2 "$(pario_exe pario-grep)" -q x $order) >unr.got 2>unr.err; rc=$?
    check "grep -q x $order as nobody: exit $rc ($rrc), $(grep -c . unr.err) error lines ($(grep -c . unr.referr))" \
      test "$rc" = "$rrc" -a "$(grep -c . unr.err)" = "$(grep -c . unr.referr)" -a ! -s unr.got
  done
  # a directory nobody can open is its error alone, no line of zeros or count
  # of 0 ("udir:0" and "0 0 0 udir" with "is a directory"; session 29)
  for c in "wc|wc|one udir" "wc|wc|udir one" "wc -l|wc -l|udir" "grep -a -c x|grep -c x|one udir" \
           "grep -a -c x|grep -c x|udir"; do
    IFS='|' read -r ref tool files <<EOC
$c
EOC
    # shellcheck disable=SC2086
    (cd "$ud" && as_nobody env LC_ALL=C $ref $files) >unr.ref 2>/dev/null; rrc=$?
    prog=${tool%% *} targs=
    case $tool in *" "*) targs=${tool#* } ;; esac
    # shellcheck disable=SC2086
    (cd "$ud" && as_nobody timeout 60 "$MPIEXEC" -n 2 "$(pario_exe "pario-$prog")" $targs $files) \
      >unr.got 2>unr.err; rc=$?
    check "pario-$tool $files as nobody, udir unreadable: exit $rc ($rrc), the output of $ref, 1 error line ($(head -c 120 unr.err))" \
      sh -c "test $rc = $rrc && cmp -s unr.ref unr.got && test \$(grep -c . unr.err) = 1 && grep -q 'udir: cannot open: permission denied' unr.err"
  done
else
  echo "text: not root, no setpriv, or nobody cannot run the build: unreadable files not checked"
fi
rm -rf "$ud"

# 70 files at 1 and 2 ranks: at 1 rank files 44-47 were read as "another rank
# failed it" and counted empty, exit 0 (a flag read past its one byte; a
# hostile-user pass, session 28)
mkdir -p many70 && for i in $(seq 10 79); do
  awk -v n="$i" 'BEGIN { for (k = 0; k < n; k++) printf "line %d of %d needle\n", k, n }' >many70/f$i.txt; done
for n in 1 2; do
  agree "$n" 64 pario-wc wc many70/*.txt
  agree "$n" 4Mi pario-grep "grep -a" -c 'needle' many70/*.txt
  agree "$n" 4Mi pario-grep "grep -a" -n '7 of' many70/*.txt
done

# --files0-from=F, GNU wc's option (pario-grep's too): the names from F, each
# ended by a NUL byte, for more files than mpiexec passes (mpiexec.mpich
# segfaulted near 1,000 arguments, so neither tool could be run on them).
# 1,500 files, names with a space and a newline among them, through a regular
# list and through standard input, a regular file or a pipe (GNU wc then
# prints every column at width 1): byte for byte GNU wc --files0-from, and GNU
# grep given the names as arguments (the kernel takes them; mpiexec does not).
"$PYTHON3" - <<'PYEOF'
import os
os.makedirs("f0", exist_ok=True)
names = []
for i in range(1500):
    p = "f0/n%04d.txt" % i if i % 500 else ("f0/with space %d.txt" % i if i != 500 else "f0/new\nline.txt")
    with open(p, "wb") as f:
        f.write(b"".join(b"line %d of %d%s\n" % (k, i, b" needle" if (k + i) % 7 == 0 else b"")
                         for k in range(i % 13)) + (b"tail" if i % 11 == 0 else b""))
    names.append(p.encode())
open("f0.list", "wb").write(b"".join(n + b"\0" for n in names))
open("f0_nonul.list", "wb").write(b"\0".join(names))           # the last name without its NUL
open("f0_empty.list", "wb").write(b"")
# zero-length names (the 2nd and the last), a missing file, a directory
open("f0_bad.list", "wb").write(b"f0/n0001.txt\0\0f0/n0002.txt\0f0/missing\0adir\0f0/n0003.txt\0\0")
# over 10 MiB: GNU wc reads it as it goes, as a pipe (width 1)
open("f0_big.list", "wb").write(b"".join(b"./" * 2000 + b"f0/n%04d.txt\0" % (i % 1500 + 1) for i in range(2700)))
PYEOF
mapfile -d '' F0 < f0.list
# f0_ref GNU-COMMAND...: the reference, its output in ref.out, its status in RRC
f0_ref() { LC_ALL=C timeout 120 "$@" >ref.out 2>/dev/null; RRC=$?; }
for n in 1 2 3; do
  f0_ref wc --files0-from=f0.list </dev/null
  mpirun "$n" pario-wc --files0-from=f0.list >got.out 2>got.err </dev/null
  same "pario-wc --files0-from=f0.list (n=$n)" "$RRC" $?
  # (mpiexec passes rank 0 its standard input through a pipe: wc's widths
  # are a pipe's, width 1, for a regular file too)
  cat f0.list | f0_ref wc -l --files0-from=-
  mpirun "$n" pario-wc -l --chunk 64 --files0-from=- <f0.list >got.out 2>got.err
  same "pario-wc -l --files0-from=- <f0.list (n=$n)" "$RRC" $?
  cat f0.list | f0_ref wc --files0-from=-
  cat f0.list | mpirun "$n" pario-wc --files0-from=- >got.out 2>got.err
  same "pario-wc --files0-from=- from a pipe (n=$n)" "$RRC" $?
  f0_ref grep -a -n needle "${F0[@]}" </dev/null
  mpirun "$n" pario-grep -n needle --files0-from=f0.list >got.out 2>got.err </dev/null
  same "pario-grep -n needle --files0-from=f0.list (n=$n)" "$RRC" $?
  f0_ref grep -a -c -v line "${F0[@]}" </dev/null
  cat f0.list | mpirun "$n" pario-grep --chunk 64 -c -v -e line --files0-from=- >got.out 2>got.err
  same "pario-grep -c -v -e line --files0-from=- from a pipe (n=$n)" "$RRC" $?
done
# run alone (no mpiexec) its standard input is the list itself: wc's widths
f0_ref wc --files0-from=- <f0.list
timeout 60 "$(pario_exe pario-wc)" --files0-from=- <f0.list >got.out 2>got.err
same "pario-wc --files0-from=- <f0.list, run alone" "$RRC" $?
f0_ref wc -w --files0-from=f0_nonul.list </dev/null
mpirun 2 pario-wc -w --files0-from=f0_nonul.list >got.out 2>got.err </dev/null
same "pario-wc -w --files0-from: the last name without its NUL" "$RRC" $?
f0_ref grep -a -q zzz "${F0[@]}" </dev/null
mpirun 2 pario-grep -q zzz --files0-from=f0_nonul.list >got.out 2>got.err </dev/null
same "pario-grep -q zzz --files0-from: the last name without its NUL" "$RRC" $?
f0_ref wc --files0-from=f0_big.list </dev/null
mpirun 2 pario-wc --files0-from=f0_big.list >got.out 2>got.err </dev/null
same "pario-wc --files0-from: a list over 10 MiB (wc's width 1)" "$RRC" $?
# an empty list: nothing, exit 0 (wc); nothing searched, exit 1 (pario-grep)
f0_ref wc --files0-from=f0_empty.list </dev/null
mpirun 2 pario-wc --files0-from=f0_empty.list >got.out 2>got.err </dev/null
same "pario-wc --files0-from: an empty list" "$RRC" $?
mpirun 2 pario-grep -c x --files0-from=- </dev/null >got.out 2>got.err; rc=$?
check "pario-grep --files0-from: an empty list, nothing searched, exit 1" test "$rc" -eq 1 -a ! -s got.out -a ! -s got.err
# zero-length names: GNU wc's error naming the place ("F:N: invalid zero-length
# file name"), the other files still counted, exit 1; grep as with the names as
# arguments (its error there is "No such file": the same output and status)
f0_ref wc --files0-from=f0_bad.list </dev/null
mpirun 2 pario-wc --files0-from=f0_bad.list >got.out 2>got.err </dev/null
same "pario-wc --files0-from: zero-length names, a missing file, a directory" "$RRC" $?
check "... one error line each, the zero-length names by their place" sh -c \
  "test \$(grep -c . got.err) -eq 4 && grep -qx 'pario-wc: error: f0_bad.list:2: invalid zero-length file name' got.err &&
   grep -qx 'pario-wc: error: f0_bad.list:7: invalid zero-length file name' got.err"
f0_ref grep -a -c line f0/n0001.txt "" f0/n0002.txt f0/missing adir f0/n0003.txt "" </dev/null
cat f0_bad.list | mpirun 3 pario-grep -c line --files0-from=- >got.out 2>got.err
same "pario-grep -c --files0-from=-: zero-length names, a missing file, a directory" "$RRC" $?
check "... the zero-length name by its place" grep -qx 'pario-grep: error: -:2: invalid zero-length file name' got.err
# errors: a list that cannot be read is wc's exit 1 (pario-grep's 2); a file
# operand besides it, wc's "extra operand" (exit 2, pario's usage status: GNU
# wc exits 1 on every usage error)
f0_ref wc --files0-from=no-such-list </dev/null
# -q after a selected line drops the later files' errors at once (one at a
# time, with 100,000 missing names after it, ran past 120 s: session 29)
printf 'needle\n' > q_hit.txt
"$PYTHON3" -c "open('q.list', 'wb').write(b'q_hit.txt\\0' + b''.join(b'gone/%06d\\0' % i for i in range(100000)))"
TEST_TIMEOUT=60 mpirun 2 pario-grep -q needle --files0-from=q.list >got.out 2>got.err; rc=$?
check "grep -q: a match then 100,000 missing names: exit $rc, nothing said ($(head -c 100 got.err))" \
  test "$rc" = 0 -a ! -s got.err -a ! -s got.out
# a list of 256 MiB less a byte is read (one name, too long for a path: its
# error, exit 1, as GNU wc); one byte more is refused (the first was refused
# as "256 MiB or more": session 29)
head -c 268435455 /dev/zero | tr '\0' a > f0_256.list
mpirun 1 pario-wc --files0-from=f0_256.list >got.out 2>got.err; rc=$?
check "--files0-from: a list of 256 MiB - 1 bytes is read: exit $rc, $(head -c 100 got.err)" \
  sh -c "test $rc = 1 && grep -q 'name too long' got.err && ! grep -q '256 MiB' got.err"
printf a >> f0_256.list
expect_error 1 1 "^pario-wc: error: f0_256.list: the list of file names holds 256 MiB or more$" pario-wc --files0-from=f0_256.list
rm -f f0_256.list
expect_error 2 "$RRC" "^pario-wc: error: no-such-list: cannot open the list of file names: No such file or directory$" \
  pario-wc --files0-from=no-such-list
f0_ref wc --files0-from=adir </dev/null
expect_error 2 "$RRC" "^pario-wc: error: adir: cannot read the list of file names: Is a directory" pario-wc --files0-from=adir
expect_error 2 2 "^pario-grep: error: no-such-list: cannot open the list of file names" pario-grep x --files0-from=no-such-list
expect_error 2 2 "^pario-wc: error: extra operand 'log.txt': file operands cannot be combined with --files0-from$" \
  pario-wc --files0-from=f0.list log.txt
expect_error 2 2 "^pario-grep: error: extra operand 'log.txt': file operands cannot be combined with --files0-from$" \
  pario-grep needle --files0-from=f0.list log.txt
expect_error 2 2 "^pario-grep: error: extra operand 'log.txt'" pario-grep -e needle log.txt --files0-from=f0.list
expect_error 2 2 "^pario-grep: error: missing argument" pario-grep --files0-from=f0.list
expect_error 2 2 "^pario-wc: error: missing argument" pario-wc

# grep -c on a directory: GNU grep says it is a directory and counts it 0
# ("adir:0"), exit 2; pario-grep printed the error only
# -m counts lines, not the '\n' bytes of the output: a file name holding a
# newline put two in each line (-m 2 printed "a\nb\n" and lost the lines; session 29)
printf 'needle 1\nhay\nneedle 2\nneedle 3\nneedle 4\n' > 'nl
name.txt'
for n in 1 3; do
  for m in 1 2 3; do
    agree "$n" 8 pario-grep "grep -a" -m "$m" needle 'nl
name.txt' log.txt
  done
  agree "$n" 64 pario-grep "grep -a" -n -m 2 needle log.txt 'nl
name.txt'
done
agree_errs 2 pario-grep "grep -a" -c needle adir log.txt
agree_errs 3 pario-grep "grep -a" -c needle log.txt adir two_lines.txt
agree_errs 1 pario-grep "grep -a" -c -v needle adir
agree_errs 2 pario-grep "grep -a" -c -h -i NEEDLE adir log.txt adir
agree_errs 2 pario-grep "grep -a" -c needle no-such-file.txt adir
agree_errs 2 pario-grep "grep -a" -n needle adir log.txt
# -q: GNU grep exits 0 at the first selected line and never opens the later
# files, so it says nothing of one that cannot be read; an error before the
# first selected line is still printed (pario-grep printed every file's)
agree_errs 2 pario-grep "grep -a" -q needle log.txt no-such-file.txt
agree_errs 3 pario-grep "grep -a" -q needle log.txt adir no-such-file.txt
agree_errs 2 pario-grep "grep -a" -q needle no-such-file.txt log.txt adir
agree_errs 1 pario-grep "grep -a" -q zzz log.txt no-such-file.txt
agree_errs 2 pario-grep "grep -a" -q -v needle adir two_lines.txt no-such-file.txt log.txt

# file names that are not UTF-8, or hold DEL and C1 controls, in JSON and YAML:
# parsed by Python's json and PyYAML, and os.fsencode gives the name's bytes
# back (they were written raw: UnicodeDecodeError, or PyYAML's "unacceptable
# character"; a hostile-user pass, session 12); U+2028 and U+2029, which YAML
# readers take for line breaks (written raw, PyYAML refused the key; session 28)
mkdir -p names && printf 'hi there\n' > "$(printf 'names/bad\377.txt')" &&
  printf 'l\n' > "$(printf 'names/ls\342\200\250.txt')" && printf 'p\n' > "$(printf 'names/ps\342\200\251.txt')" &&
  printf 'a\n' > "$(printf 'names/del\177.txt')" && printf 'b c\n' > "$(printf 'names/c1\302\205.txt')" &&
  printf 'x\n' > "$(printf 'names/\303\274.txt')" || exit 99
for fmt in json yaml; do
  check "pario-wc --format $fmt: odd file names read back byte for byte" sh -c "
    timeout -k 5 $TEST_TIMEOUT $MPIEXEC -n 2 $(pario_exe pario-wc) --format $fmt names/* > names.$fmt &&
    $PYTHON3 -c \"
import json, os, yaml
d = (json.loads if '$fmt' == 'json' else yaml.safe_load)(open('names.$fmt', 'rb').read())
got = sorted(os.fsencode(f) for f in d['files'])
want = sorted(os.path.join(b'names', n) for n in os.listdir(b'names'))
assert got == want, (got, want)\""
done
# file names holding a newline, a tab, a quote, ESC or a control byte: GNU wc
# quotes a name with a newline (its shell-escape quoting) and prints the others
# raw; pario-wc printed them all raw, so a name could forge a line of counts
# (session 14). In the text output of the other tools a name with any control
# byte is quoted the same way, and bash's own parsing gives its bytes back.
mkdir -p odd && printf 'a b\n' > "$(printf "odd/q'\nz")" && printf 'x\n' > "$(printf 'odd/esc\033[31m')" &&
  printf '\n' > "$(printf 'odd/\nlead')" && printf 'k\n' > "$(printf "odd/x\n'y")" &&
  printf 'p\n' > "$(printf 'odd/tab\there\n\001')" && printf 'p\n' > odd/plain || exit 99
for n in 1 3; do agree "$n" 64 pario-wc wc odd/*; done
mpirun 1 pario-gen --dtype int32 --count 7 --sequence --out seq.bin >/dev/null 2>&1 || exit 99
ODD=$(printf "seq'\033[1m\nfake: 99\x7f.bin")
cp seq.bin "$ODD" && cp seq.bin.yaml "$ODD.yaml" || exit 99
printf 'input:\n  data: [seq.bin]\noperations: [sum]\n' > oddjob.yaml
mpirun 2 pario-run oddjob.yaml seq.bin "$ODD" >odd.out 2>odd.err
check "pario-run text output: a name with control bytes is one quoted line" sh -c '
  [ "$(sed -n "/^inputs:/,/^totals:/p" odd.out | grep -c "^  [^ ]")" -eq 2 ] && ! grep -q "^fake" odd.out && ! LC_ALL=C grep -q "$(printf "[\033\177]")" odd.out'
KEY=$(sed -n '/^inputs:/,/^totals:/p' odd.out | grep '^  [^ ]' | sed -n 2p | sed 's/:$//; s/^  //')
GOT=$(bash -c "eval \"printf %s $KEY\"" | od -An -c)
WANT=$(printf %s "$ODD" | od -An -c)
check "pario-run text output: the quoted name reads back in bash as its bytes" test "$GOT" = "$WANT"
# A file whose size says 0 but holds bytes (/proc, /sys): one error line, not
# an empty file's answer with a success (wc 0 0 0, grep's no match, reduce's 0
# elements: a hostile-user pass, session 22; failed before the fix)
if [ -r /proc/version ] && [ "$(stat -c %s /proc/version)" = 0 ] && [ -n "$(head -c 1 /proc/version)" ]; then
  ZERO='/proc/version: cannot read: its size says 0 bytes but it holds more'
  for n in 1 2; do
    expect_error $n 1 "^pario-wc: error: $ZERO" pario-wc /proc/version
    expect_error $n 2 "^pario-grep: error: $ZERO" pario-grep -c Linux /proc/version
    expect_error $n 1 "^pario-reduce: error: $ZERO" pario-reduce --op sum --column 0 --no-header /proc/version
  done
else
  echo "note: no /proc/version of size 0 here: the size-0 check skipped"
fi
# a sysfs file says 4096 bytes whatever it holds: the same advice (it was
# "unexpected end of file at byte N (was the file changed ...?)"; session 23)
SYSF=$(for f in /sys/kernel/mm/transparent_hugepage/enabled /sys/kernel/profiling /sys/power/state; do
  [ -r "$f" ] && [ "$(stat -c %s "$f")" -gt "$(wc -c < "$f")" ] && echo "$f" && break; done)
if [ -n "$SYSF" ]; then
  SYSRE="^pario-wc: error: $SYSF: cannot read: a file of /proc or /sys, whose size \\([0-9]+ bytes\\) does not say what it holds"
  expect_error 2 1 "$SYSRE" pario-wc -l "$SYSF"
  expect_error 1 2 "^pario-grep: error: $SYSF: cannot read: a file of /proc or /sys" pario-grep -c x "$SYSF"
else
  echo "note: no sysfs file larger than its bytes here: the sysfs check skipped"
fi
finish
