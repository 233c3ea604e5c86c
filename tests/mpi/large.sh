#!/bin/sh
# Large data: an int8 dataset of 2^31 + 12345 elements (over 2 GiB and over 2^31
# elements, so offsets and counts that pass through int would break), generated with
# --sequence at -n 2 and counted with --value, --values and --range, against closed
# formulas: element i holds i mod 256 read as int8. Skipped (exit 77) when the disk
# has less than 6 GiB free. The file is deleted at the end.
TEST_TIMEOUT=${TEST_TIMEOUT_LARGE:-300}
. "$(dirname "$0")/lib.sh"

N=$(( (1 << 31) + 12345 ))
free_kib=$(df -Pk "$WORK" | awk 'NR == 2 { print $4 }')
if [ "${free_kib:-0}" -lt $((6 * 1024 * 1024)) ]; then
  echo "large: SKIP: $(( ${free_kib:-0} / 1024 )) MiB free in $WORK, need 6 GiB"
  exit 77
fi

# in_prefix R X: how many i in [0, X) have i mod 256 == R
in_prefix() { echo $(( $2 / 256 + ($1 < $2 % 256 ? 1 : 0) )); }
# holds V FROM TO: how many i in [FROM, TO) hold the int8 value V
holds() { local r=$(( ($1 + 256) % 256 )); echo $(( $(in_prefix $r $3) - $(in_prefix $r $2) )); }
# in_range LO HI FROM TO: how many i in [FROM, TO) hold a value v with LO <= v < HI
in_range() {
  local v=$1 c=0
  [ $v -lt -128 ] && v=-128
  while [ $v -lt $2 ] && [ $v -le 127 ]; do c=$((c + $(holds $v $3 $4))); v=$((v + 1)); done
  echo $c
}
# block split over 2 ranks: rank 0 has the first ceil(N/2)
H=$(( (N + 1) / 2 ))

t0=$(date +%s)
if ! mpirun 2 pario-gen --dtype int8 --count 2147495993 --sequence --out big.bin >gen.out 2>gen.err; then
  fail "pario-gen of $N int8 elements: $(cat gen.err)"
  finish
  exit 1
fi
t1=$(date +%s)
echo "large: generated $N elements in $((t1 - t0)) s"
check "size is $N bytes" test "$(stat -c %s big.bin)" -eq $N
check "descriptor shape" grep -qx "shape: \\[$N\\]" big.bin.yaml
# spot checks of bytes beyond 2 GiB, read with od
byte_at() { od -An -tu1 -j "$1" -N1 big.bin | tr -d ' '; }
for off in 0 255 256 2147483647 2147483648 $((N - 1)); do
  check "byte at $off is $off mod 256" test "$(byte_at $off)" -eq $((off % 256))
done

# count QUERY EXPECTED PER_RANK_0 PER_RANK_1 [options]
count() {
  local q=$1 want=$2 r0=$3 r1=$4; shift 4
  if mpirun 2 pario-count "$q" --per-rank --format json "$@" big.bin >out.json 2>err.txt; then
    check "$q $*: count $want, per rank $r0 + $r1" "$PYTHON3" -c '
import json, sys
d = json.load(open("out.json"))
want, r0, r1, n = (int(x) for x in sys.argv[1:5])
ok = d["count"] == want and d["elements"] == n and (r0 < 0 or d["per_rank"] == [r0, r1])
if not ok:
    print("pario-count said %s" % d, file=sys.stderr)
sys.exit(0 if ok else 1)' "$want" "$r0" "$r1" "$N"
  else
    fail "$q $*: exit status; $(cat err.txt)"
  fi
}
# several values in one pass: totals and each rank's block
VALS="5 -1 0 56 57 -128"
expect=""
for v in $VALS; do expect="$expect $v=$(holds $v 0 $N),$(holds $v 0 $H),$(holds $v $H $N)"; done
if mpirun 2 pario-count --values=$(echo $VALS | tr ' ' ,) --per-rank --format json big.bin >out.json 2>err.txt; then
  check "--values $(echo $VALS | tr ' ' ,) --per-rank" "$PYTHON3" -c '
import json, sys
d = json.load(open("out.json"))
ok = d["elements"] == int(sys.argv[1])
for item in sys.argv[2:]:
    v, _, nums = item.partition("=")
    total, r0, r1 = (int(x) for x in nums.split(","))
    if d["counts"].get(v) != total or d["per_rank"].get(v) != [r0, r1]:
        ok = False
        print("value %s: pario %s / %s, formula %d / [%d, %d]" % (v, d["counts"].get(v), d["per_rank"].get(v), total, r0, r1),
              file=sys.stderr)
sys.exit(0 if ok else 1)' "$N" $expect
else
  fail "--values: exit status; $(cat err.txt)"
fi
count --range=-10:10 "$(in_range -10 10 0 $N)" "$(in_range -10 10 0 $H)" "$(in_range -10 10 $H $N)"
count --range=-1000:1000 $N $H $((N - H))
count --value=56 "$(holds 56 0 $N)" -1 -1 --dist cyclic:1000
t2=$(date +%s)
echo "large: counted in $((t2 - t1)) s"
rm -f big.bin big.bin.yaml
check "file deleted" test ! -e big.bin

finish
