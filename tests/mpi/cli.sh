#!/bin/sh
# Shared command-line behaviour of pario-gen and pario-count: --help, --version,
# unknown options, --stats, --progress, --quiet and --verbose, and that stdout keeps
# only the result (JSON stays parseable whatever goes to stderr).
. "$(dirname "$0")/lib.sh"

# run N OUT ERR TOOL ARGS...: run and keep stdout/stderr; returns the exit status
run() { local n=$1 out=$2 err=$3; shift 3; mpirun "$n" "$@" >"$out" 2>"$err"; }
json_ok() { "$PYTHON3" -c 'import json, sys; json.load(open(sys.argv[1]))' "$1"; }

# ---- --help and --version: exit 0, printed once by rank 0, nothing on stderr
for tool in pario-gen pario-count; do
  for n in 1 3; do
    if run $n help.out help.err $tool --help; then pass "$tool --help exit 0"; else fail "$tool --help (n=$n) exit status"; fi
    check "$tool --help (n=$n): usage once" test "$(grep -c '^Usage: mpiexec.mpich -n P '$tool help.out)" -eq 1
    check "$tool --help (n=$n): exit codes documented" grep -q 'Exit status: 0 success, 1 runtime or data error, 2 usage error' help.out
    check "$tool --help (n=$n): stderr empty" test ! -s help.err
    run $n ver.out ver.err $tool --version || fail "$tool --version (n=$n) exit status"
    check "$tool --version (n=$n): one line" test "$(wc -l <ver.out)" -eq 1
    check "$tool --version (n=$n)" grep -Eqx "$tool \\(pario\\) [0-9]+\\.[0-9]+\\.[0-9]+.*" ver.out
  done
  run 1 h.out h.err $tool -h && check "$tool -h = --help" cmp -s h.out help.out
  run 1 v.out v.err $tool -V && check "$tool -V = --version" cmp -s v.out ver.out
  # --help wins over other errors on the line, as users expect
  run 1 h2.out h2.err $tool --help --frobnicate; rc=$?
  check "$tool --help first: exit 0" test $rc -eq 0
  for opt in --help --version --quiet --verbose --progress --stats --dist --chunk --independent --hint; do
    check "$tool --help lists $opt" grep -q -- "$opt" help.out
  done
done
for opt in --value --range --values --per-rank --format --desc --dataset; do
  check "pario-count --help lists $opt" grep -q -- "$opt" help.out
done
run 1 gh.out gh.err pario-gen --help
for opt in --dtype --count --shape --uniform --normal --sequence --seed --out --offset --byte-order; do
  check "pario-gen --help lists $opt" grep -q -- "$opt" gh.out
done
if [ -f "${PARIO_BUILDDIR:-.}/config.h" ]; then
  v=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"/\1/p' "$PARIO_BUILDDIR/config.h")
  check "--version says $v" grep -qx "pario-count (pario) $v" ver.out
fi

# ---- unknown options: exit 2, one line, a hint
for n in 1 2; do
  expect_error $n 2 "^pario-count: error: unknown option '--bogus' \\(try --help\\)\$" pario-count --bogus x.bin
  # a short option that is a space or a byte: named as such, not as argv[0] or a
  # neighbour (session 12)
  expect_error $n 2 "^pario-wc: error: unknown option '- ' \\(try --help\\)\$" pario-wc '- dash.txt'
  expect_error $n 2 "^pario-wc: error: unknown option: a '-' followed by the byte 0xff \\(try --help\\)\$" pario-wc "$(printf -- '-\377')" x.bin
  expect_error $n 2 "^pario-gen: error: unknown option '--bogus' \\(try --help\\)\$" pario-gen --bogus
  # a long option that takes no value, given one: named as typed (it said
  # "unknown option '-c'" for --count=3, or a control byte for --exact=1: a
  # hostile-user pass, session 21)
  expect_error $n 2 "^pario-grep: error: option '--count' doesn't allow an argument \\(try --help\\)\$" pario-grep --count=3 a x.bin
  expect_error $n 2 "^pario-reduce: error: option '--exact' doesn't allow an argument \\(try --help\\)\$" pario-reduce --exact=1 --op sum x.bin
  expect_error $n 2 "^pario-gen: error: option '--seq' doesn't allow an argument \\(try --help\\)\$" pario-gen --dtype int8 --count 3 --seq=1 --out g.bin
done

# ---- --shape of 3 dimensions or an empty part: said so (it was read as a size
# with a suffix: "'5,5': unknown suffix ',5'", a hostile-user pass, session 21)
for sh in 5,5,5 5, ,5; do
  expect_error 1 2 "^pario-gen: error: --shape '$sh': expected N or R,C \\(rows and columns: at most 2 dimensions\\)\$" \
    pario-gen --dtype int8 --shape "$sh" --sequence --out g.bin
done

# ---- a bad count or size names its option: "'7Q': unknown suffix" alone did
# not say which of the tool's options it was about (session 19)
for case in "pario-count|chunk|--value 1 --chunk 7Q x.bin" "pario-reduce|chunk|--op sum --chunk 7Q x.bin" \
  "pario-gen|count|--dtype int8 --count 7Q --sequence --out g.bin" "pario-gen|shape|--dtype int8 --shape 3,7Q --sequence --out g.bin" \
  "pario-gen|seed|--dtype int8 --count 3 --uniform 0:1 --seed 7Q --out g.bin" "pario-convert|offset|--dtype int8 --offset 7Q x.bin y.bin" \
  "pario-grep|max-line|--max-line 7Q a x.txt" "pario-pi|samples|--samples 7Q" "pario-plot|width|x.h5 --out x.svg --width 7Q" \
  "pario-train|epochs|--model linear --label-column 1 --epochs 7Q x.bin"; do
  IFS='|' read -r tool opt args <<<"$case"
  # shellcheck disable=SC2086
  expect_error 1 2 "^$tool: error: --$opt: '7Q': unknown suffix 'Q' " $tool $args
done

# ---- a repeated option: the last one wins, as in GNU tools (pario-gen said
# "give either --count or --shape" for two --count; session 19); --count with
# --shape is still refused
mpirun 1 pario-gen --dtype int8 --count 3 --count 5 --sequence --out rep.bin >/dev/null 2>rep.err
check "pario-gen --count 3 --count 5: 5 bytes ($(head -c 200 rep.err))" test "$(stat -c %s rep.bin 2>/dev/null)" = 5
mpirun 1 pario-gen --dtype int8 --shape 2,3 --shape 7 --sequence --out rep.bin >/dev/null 2>rep.err
check "pario-gen --shape 2,3 --shape 7: 7 bytes ($(head -c 200 rep.err))" test "$(stat -c %s rep.bin 2>/dev/null)" = 7
expect_error 1 2 "^pario-gen: error: give either --count or --shape, not both\$" pario-gen --dtype int8 --shape 2,3 --count 4 --sequence --out rep.bin
mpirun 1 pario-gen --dtype int8 --count 4000 --uniform 0:1 --uniform 7:8 --seed 3 --out rep.bin >/dev/null 2>rep.err
check "pario-gen --uniform 0:1 --uniform 7:8: the bytes are 7 and 8 ($(head -c 200 rep.err))" \
  test "$(od -An -v -tu1 rep.bin 2>/dev/null | tr -s ' ' '\n' | grep -v '^$' | sort -u | tr '\n' ' ')" = "7 8 "
expect_error 1 2 "^pario-gen: error: give one of --uniform, --normal, --sequence\$" pario-gen --dtype int8 --count 4 --uniform 0:1 --sequence --out rep.bin
# pario-count refuses a repeat, which may mean both values (grep -e a -e b): --values
expect_error 1 2 "^pario-count: error: --value given twice: count several values with --values A,B,\.\.\.\$" pario-count --value 1 --value 2 rep.bin
expect_error 1 2 "^pario-count: error: --values given twice: list every value in one --values A,B,\.\.\.\$" pario-count --values 1 --values 2 rep.bin
expect_error 1 2 "^pario-count: error: --range given twice: a run counts one range\$" pario-count --range 1:2 --range 3:4 rep.bin

# ---- data for the rest
mpirun 2 pario-gen --dtype int32 --count 100003 --uniform 0:9 --seed 4 --out s.bin >/dev/null 2>&1 ||
  fail "pario-gen for the CLI tests"

# ---- --stats: one line on stderr with bytes, time, rate, fastest and slowest rank
for n in 1 3; do
  if run $n st.out st.err pario-count --value 3 --format json --stats s.bin; then
    check "--stats (n=$n): stdout is only the JSON" json_ok st.out
    check "--stats (n=$n): one stderr line" test "$(grep -c . st.err)" -eq 1
    check "--stats (n=$n): format" grep -Eq \
      "^pario-count: stats: read [0-9.]+ [KMG]?i?B \\(400012 bytes\\) in [0-9.]+ s, [0-9.]+ [KMG]?i?B/s \\([0-9.]+ MiB/s\\); $n ranks, fastest rank [0-9]+ [0-9.]+ s, slowest rank [0-9]+ [0-9.]+ s\$" st.err
  else
    fail "--stats (n=$n): exit status; $(cat st.err)"
  fi
  if run $n gs.out gs.err pario-gen --dtype int16 --count 5001 --sequence --stats --out g.bin; then
    check "pario-gen --stats (n=$n)" grep -Eq "^pario-gen: stats: wrote .* \\(10002 bytes\\) in .*; $n ranks" gs.err
    check "pario-gen --stats (n=$n): nothing on stdout" test ! -s gs.out
  else
    fail "pario-gen --stats (n=$n): exit status; $(cat gs.err)"
  fi
done

# ---- --verbose says what was written; --quiet silences notes but not results or errors
run 2 v.out v.err pario-gen --dtype int8 --count 100 --sequence --verbose --out g.bin
check "pario-gen --verbose: a note on stderr" grep -q '^pario-gen: wrote g.bin' v.err
check "pario-gen --verbose: nothing on stdout" test ! -s v.out
run 2 q.out q.err pario-gen --dtype int8 --count 100 --sequence --verbose --quiet --out g.bin
check "pario-gen --quiet: stderr empty" test ! -s q.err
run 2 q.out q.err pario-count --quiet --progress --value 5 s.bin
check "pario-count --quiet: result still printed" grep -q '^count: ' q.out
check "pario-count --quiet --progress: stderr empty" test ! -s q.err
expect_error 2 1 "^pario-count: error: nosuch.bin: " pario-count --quiet --value 5 nosuch.bin
# each value and each operation once: a repeated value gave JSON with a
# duplicate key, and a repeated sum was taken silently while a second count=
# was refused (a hostile-user pass, session 14)
expect_error 2 2 "^pario-count: error: --values: '3' given twice\$" pario-count --values 3,4,3 --format json s.bin
expect_error 2 2 "^pario-reduce: error: operation 'sum' given twice\$" pario-reduce --op sum,min,sum s.bin
# an empty item in --op is an error, as in --values (it was skipped)
expect_error 2 2 "^pario-reduce: error: --op 'sum,,min': an empty operation \\(a comma too many\\)\$" pario-reduce --op sum,,min s.bin
expect_error 1 2 "^pario-reduce: error: --op 'sum,': an empty operation" pario-reduce --op sum, s.bin
# and one value spelled twice: 3 and 3.0e0 on int32, 0 and -0.0 on float64 (both
# keys counted the same elements; a hostile-user pass, session 15)
expect_error 3 2 "^pario-count: error: --values: '3.0e0' is the same int32 value as '3'\$" pario-count --values 3,4,3.0e0 s.bin
mpirun 1 pario-gen --dtype float64 --count 7 --sequence --out f64.bin >/dev/null 2>&1 || fail "pario-gen float64"
expect_error 2 2 "^pario-count: error: --values: '-0.0' is the same float64 value as '0'\$" pario-count --values 0,-0.0 f64.bin
expect_error 2 2 "^pario-count: error: --values: 'nan' is the same float64 value as 'NaN'\$" pario-count --values 1,NaN,nan f64.bin
# float values compare as numpy's a == V (V a Python float, for float32 data
# rounded to float32; tools.md), except a value the type cannot hold: beyond its
# range or below its subnormals, which numpy rounds to inf or 0, counts nothing
"$PYTHON3" -c "
import numpy as np, math
v = np.array([0.1, 0.1, 0.2, 5e-324, 0.0, 0.1, 1.0, 1e-45])
v.astype('<f4').tofile('p1f4.bin'); v.astype('<f8').tofile('p1f8.bin')
for t in ('f4', 'f8'):
    open('p1%s.bin.yaml' % t, 'w').write('dtype: float%d\\nshape: [8]\\n' % (8 * int(t[1])))
    a = v.astype('<' + t)
    def n(x):
        d = float(x); r = np.array([d]).astype(t)[0]
        if (d == 0 and x.strip('-') != '0') or (r == 0 and d != 0) or (math.isinf(r) and not math.isinf(d)):
            return 0
        return int((a == r).sum())
    print(t, *[n(x) for x in ('0.1', '4.9e-324', '1e-400', '1e-45', '3.5e38')])" > p1.want
for t in f4 f8; do
  got=$(for x in 0.1 4.9e-324 1e-400 1e-45 3.5e38; do mpirun 3 pario-count --value $x p1$t.bin | sed -n 's/^count: //p'; done | tr '\n' ' ')
  want=$(sed -n "s/^$t //p" p1.want)
  check "--value 0.1, 4.9e-324, 1e-400, 1e-45, 3.5e38 on float${t#f}: numpy's a == V ($want): $got" test "$got" = "$want "
done
# pario-pi's --stats is its own (samples/s), and its help says so (it gave the common bytes and MiB/s)
run 1 help.out help.err pario-pi --help
check "pario-pi --help: its own --stats" sh -c "grep -- '--stats' help.out | grep -q 'samples/s in all and per core' && ! grep -- '--stats' help.out | grep -q 'MiB/s'"
# pario-plot runs without mpiexec: its usage line says so
run 1 help.out help.err pario-plot --help
check "pario-plot --help: usage without mpiexec" grep -q '^Usage: pario-plot LOG ' help.out
# pario-gen and pario-gather read no dataset by a descriptor: --desc and
# --dataset are neither listed nor taken (they were listed and ignored)
expect_error 1 2 "^pario-gen: error: unknown option '--desc' \\(try --help\\)\$" pario-gen --desc o.yaml --dtype int8 --count 10 --sequence --out g.bin
expect_error 2 2 "^pario-gather: error: unknown option '--dataset' \\(try --help\\)\$" pario-gather --dataset /x --out g.bin parts
check "pario-gen and pario-gather --help list no --desc or --dataset" sh -c "! { $MPIEXEC -n 1 $(pario_exe pario-gen) --help; $MPIEXEC -n 1 $(pario_exe pario-gather) --help; } 2>&1 | grep -q -e '--desc' -e '--dataset'"
run 2 v.out v.err pario-count --values 3,4 --format json s.bin
check "pario-count --values 3,4: two keys" "$PYTHON3" -c "import json; d = json.load(open('v.out')); assert list(d['counts']) == ['3', '4'], d"

# ---- --progress: a line on stderr for a run longer than two seconds, stdout intact.
# Tiny chunks make a small file slow enough; the line is only required when the run
# really took long enough (the machine may be faster or slower than expected).
mpirun 1 pario-gen --dtype int8 --count 6Mi --uniform 0:9 --seed 1 --out p.bin >/dev/null 2>&1 ||
  fail "pario-gen for --progress"
t0=$(date +%s)
run 2 p.out p.err pario-count --progress --chunk 8 --value 3 --format json p.bin || fail "--progress: exit status"
t1=$(date +%s)
check "--progress: stdout is only the JSON" json_ok p.out
if [ $((t1 - t0)) -ge 4 ]; then
  check "--progress: a progress line after $((t1 - t0)) s" grep -Eq 'pario-count: counting +[0-9]+% \(rank 0: ' p.err
  check "--progress: the line is ended" sh -c 'tail -c 1 p.err | od -c | grep -q "\\\\n"'
else
  echo "note: the --progress run took $((t1 - t0)) s, too short to require a progress line"
fi
"$PYTHON3" -c '
import json, sys, numpy as np
a = np.fromfile("p.bin", dtype="i1")
d = json.load(open("p.out"))
sys.exit(0 if d["count"] == int((a == 3).sum()) else 1)' && pass "--progress: count right" || fail "--progress: wrong count"
# --schedule dynamic: the line counts the bytes handed out to all ranks, and
# ends at 100% of the data (times the passes: hist without --min/--max reads it
# twice); it stayed at 0% and 0 B. The last line is the end's, not the last
# one drawn in the interval.
for n in 2 3; do
  PARIO_PROGRESS_INTERVAL=0 run $n pd.out pd.err pario-count --progress --schedule dynamic --chunk 64K --value 3 p.bin ||
    fail "--progress --schedule dynamic (n=$n): exit status"
  check "--progress --schedule dynamic (n=$n): the last line is 100% of the file's 6 MiB, all ranks'" sh -c \
    "tr '\\r' '\\n' < pd.err | grep . | tail -n 1 | grep -Eq '^pario-count: counting 100% \\(all ranks: 6.00 MiB, '"
  PARIO_PROGRESS_INTERVAL=0 run $n pr.out pr.err pario-reduce --progress --schedule dynamic --chunk 64K --op sum,hist p.bin ||
    fail "--progress --schedule dynamic reduce (n=$n): exit status"
  check "--progress --schedule dynamic (n=$n): a histogram's two passes end at 100% of 12 MiB, half way after the first" sh -c \
    "tr '\\r' '\\n' < pr.err | grep . > pr.lines && tail -n 1 pr.lines | grep -Eq '^pario-reduce: reducing 100% \\(all ranks: 12.00 MiB, ' && grep -Eq '^pario-reduce: reducing  50% \\(all ranks: 6.00 MiB, ' pr.lines"
done
# without a terminal and without --progress: no progress line
run 2 np.out np.err pario-count --chunk 64 --value 3 p.bin
check "no --progress, not a terminal: stderr empty" test ! -s np.err

# ---- informational output moves to stderr when stdout carries JSON or YAML
run 3 e.out e.err pario-count --value 3 --explain --show-hints --format json s.bin
check "--explain --format json: stdout is only the JSON" json_ok e.out
check "--explain --format json: the explanation is on stderr" test -s e.err
run 3 y.out y.err pario-count --value 3 --explain --format yaml s.bin
check "--explain --format yaml: stdout is only YAML" "$PYTHON3" -c '
import sys, yaml; d = yaml.safe_load(open("y.out")); sys.exit(0 if set(d) == {"count", "elements"} else 1)'

# stdout is buffered (MPICH's MPI_Init left it unbuffered: a write(2) a
# character, 4 a histogram bin, 512,000 for 100,000 bins; session 28), and the
# results are whole: numpy's histogram. Counted by strace, the writes of every
# process to its standard output (the tool's and mpiexec's).
if command -v strace >/dev/null 2>&1 && strace -f -qq -e trace=write -o probe.trace true 2>/dev/null; then
  "$PYTHON3" -c "import numpy as np; np.save('u.npy', np.linspace(0, 1, 1001))" || exit 99
  ASAN_OPTIONS=detect_leaks=0 timeout -k 5 "$TEST_TIMEOUT" strace -f -qq -e trace=write -o w.trace \
    "$MPIEXEC" -n 1 "$PARIO_BIN/pario-reduce" --op hist --bins 20000 --format json u.npy >h.json
  n=$(grep -c 'write(1,' w.trace)
  check "20,000 bins of JSON to a pipe: a few writes ($n), not one a character" test "$n" -lt 200
  check "... the JSON whole: numpy's histogram" "$PYTHON3" -c '
import json, numpy as np
d = json.load(open("h.json"))["hist"]
c, e = np.histogram(np.load("u.npy"), bins=20000, range=(0, 1))
assert d["counts"] == c.tolist(), "counts"'
else
  echo "cli: strace missing or ptrace not permitted: writes not counted"
fi

finish
