#!/usr/bin/env bash
# Every common option a tool lists does what it says, for every tool: the list is
# read from each tool's --help, and an option listed there that this test does
# not know how to check fails the test (so a new option comes with its check).
#   --verbose    adds notes ("TOOL: ...") on stderr
#   --quiet      removes them (with --verbose --progress: stderr empty), results stay
#   --progress   a progress line on stderr, which is not a terminal here
#   --stats      the stats line, with the bytes (or samples) the run really moved
#   --explain    the view table; --show-hints the hints in effect
#   --format     json: stdout is one JSON object
# Checked against what the files and numpy say, not against pario's own output.
. "$(dirname "$0")/lib.sh"

N=1003 # int32 elements: 4012 bytes, not a multiple of 2 or 3 ranks' shares
"$PYTHON3" -c "
import numpy as np
(np.arange($N, dtype=np.int64) % 7).astype('<i4').tofile('d.bin')
open('d.bin.yaml', 'w').write('dtype: int32\nshape: [$N]\n')"
BYTES=$((4 * N))
printf 'name: t\ninput:\n  data: d.bin\noperations: [sum]\n' >job.yaml

# the base command of each tool (run from the work directory, on NP ranks)
base() {
  case $1 in
    pario-gen) echo "--dtype int32 --count $N --uniform 0:9 --out g.bin" ;;
    pario-count) echo "--value 5 d.bin" ;;
    pario-reduce) echo "--op sum d.bin" ;;
    pario-scatter) echo "--out part d.bin" ;;
    pario-gather) echo "--out w.bin part" ;;
    pario-convert) echo "--dtype int64 d.bin c.bin" ;;
    pario-run) echo "job.yaml" ;;
    pario-pi) echo "--samples 1000 --rounds 3" ;;
    pario-plot) echo "pi.h5 --out p.svg" ;;
  esac
}
# what --stats must report: bytes moved (pi: samples computed)
stats_re() {
  case $1 in
    pario-gen) echo "^pario-gen: stats: wrote .*\\($BYTES bytes\\)" ;;
    pario-gather) echo "^pario-gather: stats: wrote .*\\($BYTES bytes\\)" ;;
    pario-pi) echo "^pario-pi: stats: 3000 samples in " ;;
    *) echo "^$1: stats: read .*\\($BYTES bytes\\)" ;;
  esac
}
NP=2
go() { # go TOOL ARGS...: stdout in o, stderr in e, status in rc
  local t=$1; shift
  # shellcheck disable=SC2046
  mpirun $NP "$t" $(base "$t") "$@" >o 2>e
  echo $? >rc
}
ok() { test "$(cat rc)" = 0; }
notes() { grep -c "^$1: " e; }

# inputs the base commands need: the part files and a pi log
mpirun $NP pario-scatter --out part d.bin || fail "pario-scatter for the gather runs"
mpirun 1 pario-pi --samples 1000 --rounds 4 --log pi.h5 >/dev/null || fail "pario-pi for the plot runs"

for t in pario-gen pario-count pario-reduce pario-scatter pario-gather pario-convert pario-run pario-pi pario-plot; do
  mpirun 1 "$t" --help >help 2>/dev/null || fail "$t --help"
  listed=$(grep -oE '^ +(-[a-zA-Z], )?--[a-z-]+' help | grep -oE -- '--[a-z-]+' | tr '\n' ' ')
  go "$t"
  check "$t: the base run succeeds ($(head -c 300 e))" ok
  cp o base.out
  base_notes=$(notes "$t")
  for opt in $listed; do
    case $opt in
      --help | --version) ;; # tests/mpi/cli.sh and man.sh
      --verbose)
        go "$t" --verbose
        check "$t --verbose: exit 0" ok
        check "$t --verbose: adds a note on stderr ($base_notes before, $(notes "$t") after)" \
          test "$(notes "$t")" -gt "$base_notes"
        ;;
      --quiet)
        loud="--verbose"
        case " $listed " in *" --progress "*) loud="$loud --progress" ;; esac
        # shellcheck disable=SC2086
        go "$t" --quiet $loud
        check "$t --quiet: exit 0" ok
        check "$t --quiet $loud: stderr empty ($(head -c 300 e))" test ! -s e
        # the results stay: the same keys on stdout as the base run's
        check "$t --quiet: results still printed" \
          test "$(cut -d: -f1 o | sort | tr '\n' ' ')" = "$(cut -d: -f1 base.out | sort | tr '\n' ' ')"
        ;;
      --progress)
        go "$t" --progress
        check "$t --progress: exit 0" ok
        check "$t --progress: a progress line on a non-terminal stderr ($(head -c 200 e | tr '\r' ' '))" \
          grep -Eaq "$t: [a-z]+ +[0-9]+% \\(" e
        check "$t --progress: stdout unchanged" \
          test "$(cut -d: -f1 o | sort | tr '\n' ' ')" = "$(cut -d: -f1 base.out | sort | tr '\n' ' ')"
        ;;
      --stats)
        go "$t" --stats
        check "$t --stats: exit 0" ok
        check "$t --stats: /$(stats_re "$t")/ ($(grep stats: e))" grep -Eq "$(stats_re "$t")" e
        ;;
      --explain)
        go "$t" --explain
        check "$t --explain: exit 0" ok
        check "$t --explain: each rank's etype and displacement" \
          test "$(grep -cE '^rank [0-9]+: disp [0-9]+ bytes, etype ' o)" -ge $NP
        ;;
      --show-hints)
        go "$t" --show-hints
        check "$t --show-hints: exit 0" ok
        check "$t --show-hints: the hints in effect" grep -Eq '^ +cb_buffer_size = [0-9]+' o
        ;;
      --format)
        go "$t" --format json
        check "$t --format json: exit 0" ok
        check "$t --format json: stdout is one JSON object" \
          "$PYTHON3" -c 'import json, sys; sys.exit(0 if isinstance(json.load(open("o")), dict) else 1)'
        ;;
      --no-mmap)
        go "$t" --no-mmap
        check "$t --no-mmap: exit 0" ok
        ;;
      --desc | --dist | --chunk | --independent | --hint | --strategy) ;; # data options: views.sh, gen_count.sh, ...
      --*)
        # a tool's own options have their own tests; only common ones must be known here
        if grep -A1000 '^Common options:' help | grep -qE -- "^ +(-[a-zA-Z], )?$opt\\b"; then
          fail "$t lists common option $opt, which this test does not check"
        fi
        ;;
    esac
  done
done

# the options a tool does not take are not listed, and refused as unknown
mpirun 1 pario-plot --help >help
check "pario-plot does not list --stats or --progress (rank 0 reads a small log)" \
  test -z "$(grep -E -- '--stats|--progress' help)"
expect_error 1 2 "^pario-plot: error: unknown option '--stats'" pario-plot --stats pi.h5 --out p.svg
for t in pario-gen pario-gather pario-convert; do
  mpirun 1 "$t" --help >help
  check "$t does not list --strategy (it does not choose a read strategy)" test -z "$(grep -- '--strategy' help)"
done

finish
