#!/bin/sh
# One rank's failure (issue 10, section 2), by fault injection: every tool x every
# kind of operation it performs x failing rank first/middle/last, the rank count
# rotating over 1-4 so that every (tool, kind) meets several counts. Each case:
# exit 1 within 30 s, exactly one line on stderr that names the failing rank and
# the reason, no temporary or partial output left (the directory holds exactly
# what it held before), and every input byte-identical (sha256 before and after).
TEST_TIMEOUT=${TEST_TIMEOUT_FAULTS:-30}
. "$(dirname "$0")/lib.sh"

# ---- inputs, made without faults
mpirun 1 pario-gen --dtype int32 --count 1001 --sequence --out d.bin >/dev/null || exit 99
mpirun 1 pario-gen --dtype int8 --count 100 --sequence --out small.bin >/dev/null || exit 99
for n in 1 2 3 4; do
  mpirun "$n" pario-scatter --dist block --out p$n d.bin >/dev/null || exit 99
done
mpirun 1 pario-gen --dtype float64 --shape 200,3 --normal 0:1 --seed 3 --out X.bin >/dev/null || exit 99
mpirun 1 pario-gen --dtype int8 --count 200 --uniform 0:1 --seed 4 --out y.bin >/dev/null || exit 99
printf 'alpha beta\nneedle one\n\ngamma needle\nlast line' >t.txt
cat >job.yaml <<EOF
name: faults
input:
  data: d.bin
operations: [sum, min, max, mean]
output:
  results: res.yaml
EOF
INPUTS=$(ls)
sums() { sha256sum $INPUTS; }
sums >"$WORK.before" || exit 99
ls >"$WORK.listing" || exit 99

reason_of() {
  case $1 in
    write|h5write|h5flush|sync) echo 'No space left on device' ;;
    read) echo 'Input/output error' ;;
    short) echo 'unexpected end of file at byte [0-9]+ \(was the file changed while being read\?\)' ;;
    open) echo '(Permission denied|No such file or directory)' ;;
    alloc) echo '(out of memory|Cannot allocate memory)' ;;
  esac
}

# the command line of TOOL at N ranks (the parts of gather were cut at N ranks)
cmd_of() {
  case $1 in
    gen) echo "pario-gen --dtype int32 --count 1001 --sequence --chunk 1000 --out out.bin" ;;
    count) echo "pario-count --range 10:500 --chunk 1000 d.bin" ;;
    explain) echo "pario-count --explain --value 7 small.bin" ;;
    count_x) echo "pario-count --strategy exchange --dist cyclic --per-rank --range 10:500 --chunk 1000 d.bin" ;;
    count_s) echo "pario-count --dist cyclic --per-rank --range 10:500 --chunk 1000 d.bin" ;;
    reduce) echo "pario-reduce --op sum,min,max --chunk 1000 d.bin" ;;
    reduce_h5) echo "pario-reduce --op sum,min,max --chunk 1000 --h5 out.h5 d.bin" ;;
    convert) echo "pario-convert --dtype int64 --chunk 1000 d.bin out.bin" ;;
    scatter) echo "pario-scatter --dist cyclic --chunk 1000 --out q d.bin" ;;
    gather) echo "pario-gather --chunk 1000 --out out.bin p$2" ;;
    run) echo "pario-run --h5 out.h5 job.yaml" ;;
    pi) echo "pario-pi --samples 1000 --rounds 3 --log out.h5" ;;
    wc) echo "pario-wc --chunk 8 t.txt" ;;
    grep) echo "pario-grep -n --chunk 8 needle t.txt" ;;
    train) echo "pario-train --model logistic --labels y.bin --epochs 2 --batch 16 --chunk 240 X.bin" ;;
  esac
}
# the exit status of a failed run: 1, but grep's is 2 (as GNU grep)
rc_of() { case $1 in grep) echo 2 ;; *) echo 1 ;; esac; }

# kinds every rank performs, and kinds only rank 0 performs
all_kinds() {
  case $1 in
    gen) echo "open write alloc" ;;
    count|reduce|reduce_h5) echo "open read alloc" ;;
    convert|scatter|gather) echo "open read write alloc" ;;
    run) echo "open read alloc" ;;
    pi) echo "open alloc h5write h5flush sync" ;;
    wc|grep) echo "open read short alloc" ;;
    train) echo "open read alloc" ;;
  esac
}
root_kinds() {
  case $1 in
    reduce_h5) echo "h5write" ;;
    run) echo "write h5write" ;;
    *) echo "" ;;
  esac
}

CASES=0
# case TOOL KIND N RANK [AFTER]
one_case() {
  local tool=$1 kind=$2 n=$3 r=$4 after=${5:-0} err=$WORK.err out=$WORK.out rc t0 t1 what
  what="$tool $kind:rank=$r:after=$after (n=$n)"
  CASES=$((CASES + 1))
  t0=$(date +%s)
  # shellcheck disable=SC2046
  PARIO_FAULT="$kind:rank=$r:after=$after" mpirun "$n" $(cmd_of "$tool" "$n") >"$out" 2>"$err"; rc=$?
  t1=$(date +%s)
  if [ "$rc" -ne "$(rc_of "$tool")" ]; then
    fail "$what: exit $rc, expected $(rc_of "$tool"); stderr: $(head -c 300 "$err")"
  elif [ "$(grep -c . "$err")" -ne 1 ]; then
    fail "$what: not one line on stderr: $(head -c 600 "$err")"
  elif ! grep -Eq -- "^pario-[a-z]+: error: .*$(reason_of "$kind").* \\(rank $r\\)\$" "$err"; then
    fail "$what: stderr does not name rank $r and the reason: $(cat "$err")"
  else
    pass "$what"
  fi
  [ $((t1 - t0)) -le 30 ] || fail "$what: took $((t1 - t0)) s"
  if ! ls | cmp -s - "$WORK.listing"; then
    fail "$what: left files behind: $(ls | grep -vxF -f "$WORK.listing" | tr '\n' ' ')"
    ls | grep -vxF -f "$WORK.listing" | xargs rm -rf
  fi
  sums | cmp -s - "$WORK.before" || fail "$what: an input changed"
}

# The rank counts rotate; first, middle and last rank of each count.
i=0
for tool in gen count reduce reduce_h5 convert scatter gather run pi wc grep train; do
  for kind in $(all_kinds $tool); do
    for pos in first middle last; do
      n=$((i % 4 + 1)); i=$((i + 1))
      case $pos in
        first) r=0 ;;
        middle) r=$(( (n - 1) / 2 )) ;;
        last) r=$((n - 1)) ;;
      esac
      one_case $tool $kind $n $r
    done
  done
  for kind in $(root_kinds $tool); do
    n=$((i % 4 + 1)); i=$((i + 1))
    one_case $tool $kind $n 0
  done
done
# a later operation than the first: the second chunk's write and read
one_case gen write 3 2 1
one_case count read 2 1 1
# the exchange strategy's buffers (chunk, send, receive, stripe window) and its stripe reads
one_case count_x alloc 2 1 1
one_case count_x alloc 3 2 2
one_case count_x alloc 4 0 3
one_case count_x alloc 3 1 3
one_case count_x read 4 3 0
one_case count_x read 3 1 1
one_case count_x alloc 3 0 4 # rank 0's buffer for the per-rank counts
# the sieve (cyclic at 2 ranks): its span and kept buffers, a later span's read
one_case count_s alloc 2 1 1
one_case count_s alloc 2 0 2
one_case count_s read 2 0 2
one_case count_s read 2 1 0
# --explain: rank 0's line buffer and owner map, every rank's flags
for a in 0 1 2 3; do one_case explain alloc 3 0 $a; done
one_case explain alloc 2 1 0

# a path of over 500 characters keeps the reason and the rank (issue 10, section 7)
long=$(printf 'd%.0s' $(seq 1 120))
mkdir -p "$long/$long/$long/$long/$long" || exit 99
lp="$long/$long/$long/$long/$long/out.bin"
PARIO_FAULT=write:rank=1 mpirun 2 pario-gen --dtype int32 --count 1001 --sequence --out "$lp" >/dev/null 2>"$WORK.err"
check "a ${#lp}-character path keeps the reason: $(cat "$WORK.err")" \
  grep -Eq '^pario-gen: error: d[d/]*\.\.\.[d/]*/out\.bin: write: No space left on device \(rank 1\)$' "$WORK.err"
check "and leaves nothing" test -z "$(ls "$long/$long/$long/$long/$long")"
rm -rf "$long"

echo "faults: $CASES cases"
rm -f "$WORK.before" "$WORK.listing" "$WORK.err" "$WORK.out"
finish
