# Shared by the benchmark scripts (sourced): timing whole processes, medians, tables.
set -u
: "${PARIO_BIN:=$(cd "$(dirname "$0")/../build/tools" 2>/dev/null && pwd)}"
# absolute: the scripts cd into their work directory (a relative PARIO_BIN=build/tools
# made every run there fail)
PARIO_BIN=$(cd "$PARIO_BIN" 2>/dev/null && pwd) || { echo "bench: PARIO_BIN: no such directory" >&2; exit 1; }
PARIO_BUILD=$(cd "$PARIO_BIN/.." 2>/dev/null && pwd)
# Time the programs users run, not libtool's wrapper scripts: in a build tree
# build/tools/pario-x is a shell script that execs build/tools/.libs/pario-x
# (measured here: 0.02-0.04 s of CPU and a bash per rank, every run).
if [ -x "$PARIO_BIN/.libs/pario-count" ] && [ -d "$PARIO_BUILD/lib/.libs" ]; then
  LD_LIBRARY_PATH="$PARIO_BUILD/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export LD_LIBRARY_PATH
  PARIO_BIN=$PARIO_BIN/.libs
fi
: "${BENCH_DIR:=/tmp/pario-bench}"
: "${REPS:=3}"
mkdir -p "$BENCH_DIR"
# (HWLOC_COMPONENTS is left as users have it: unset; pario sets its own, lib/node.c)

# The page cache's state decides what a memory map costs (doc/performance.md,
# "The page cache's state"): a file read from disk sits in large folios, each
# mapped by one fault; the same bytes left by small writes (or by a history
# nobody knows, as found on one machine) sit in small ones, and a mapped read
# pays page-table work for every 64 KiB that `cat` never pays. Every script puts
# its files in one known state before it times anything:
# cache_from_disk FILE: FILE's pages are dropped (written back first) and read
# back whole by `cat`, as one read from disk leaves them
cache_from_disk() {
  sync "$1"
  dd if="$1" iflag=nocache count=0 status=none
  cat "$1" > /dev/null
}
# cache_small_writes FILE COPY: COPY holds FILE's bytes written in 64 KiB writes
# (the small-folio state, made on purpose)
# (and FILE's .yaml description, if it has one)
cache_small_writes() {
  dd if="$1" of="$2" bs=64K status=none
  if [ -f "$1.yaml" ]; then cp "$1.yaml" "$2.yaml"; fi
}
# map_floor: the path of bench/map_floor.c built (mpiexec -n 2 MAP_FLOOR FILE
# prints the seconds and faults per GiB of mapping each half and touching each page)
map_floor() {
  local bin=$BENCH_DIR/map_floor
  [ "$bin" -nt "$(dirname "$0")/map_floor.c" ] || mpicc.mpich -O2 -o "$bin" "$(dirname "$0")/map_floor.c" || return 1
  echo "$bin"
}

# now: seconds since the epoch, with nanoseconds
now() { date +%s.%N; }

# timed NAME CMD...: run CMD, append its wall time to $BENCH_DIR/NAME.times
timed() {
  local name=$1; shift
  local t0 t1
  t0=$(now)
  "$@" >"$BENCH_DIR/$name.out" 2>"$BENCH_DIR/$name.err" || { echo "bench: $name failed:" >&2; cat "$BENCH_DIR/$name.err" >&2; return 1; }
  t1=$(now)
  echo "$t0 $t1" | awk '{printf "%.4f\n", $2 - $1}' >>"$BENCH_DIR/$name.times"
}

# median NAME: median of the recorded times
median() { sort -g "$BENCH_DIR/$1.times" | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.4f\n", (a[NR/2]+a[NR/2+1])/2}'; }

reset_times() { for n in "$@"; do rm -f "$BENCH_DIR/$n.times"; done; }

# row NAME BASELINE LABEL: a markdown table row with the median and the ratio to BASELINE
row() { local m b; m=$(median "$1"); b=$(median "$2"); printf '| %s | %.3f | %.2f |\n' "$3" "$m" "$(echo "$m $b" | awk '{print $1/$2}')"; }

# the CPU as the VM shows it: model name, family/model (AMD family 25 is Zen 3/4,
# 26 Zen 5), the widest vector ISA shown, L1d and L2 per core
cpu_line() {
  local fam mod isa l1 l2
  fam=$(grep -m1 '^cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')
  mod=$(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')
  isa=SSE; grep -q -m1 -w avx2 /proc/cpuinfo && isa=AVX2; grep -q -m1 -w avx512f /proc/cpuinfo && isa=AVX-512
  l1=$(cat /sys/devices/system/cpu/cpu0/cache/index0/size 2>/dev/null)
  l2=$(cat /sys/devices/system/cpu/cpu0/cache/index2/size 2>/dev/null)
  echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') (family $fam model $mod, $isa, L1d $l1, L2 $l2)"
}
machine_line() { echo "$(date -u +%Y-%m-%d) · commit $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null) · $(nproc) cores · $(cpu_line) · load $(cut -d' ' -f1-3 /proc/loadavg)"; }

# write_results NAME TABLE: replace NAME's section of bench/RESULTS.md; on an AMD
# CPU the section is NAME-amd, kept next to NAME's (the targets hold on both kinds)
write_results() {
  local name=$1
  grep -q -m1 AuthenticAMD /proc/cpuinfo && name=$1-amd
  /usr/bin/python3 - "$(dirname "$0")/RESULTS.md" "$name" "$2" <<'PY'
import re, sys
path, name, table = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    text = open(path).read()
except FileNotFoundError:
    text = "# Benchmark results\n\nLatest figures from the scripts in bench/, each a ratio to a baseline measured in the same run.\n"
begin, end = "<!-- %s:begin -->" % name, "<!-- %s:end -->" % name
block = "%s\n%s\n%s" % (begin, table, end)
base_end = "<!-- %s:end -->" % name[:-4] if name.endswith("-amd") else None
if begin in text:
    text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda m: block, text, flags=re.S)
elif base_end and base_end in text:
    text = text.replace(base_end, base_end + "\n\n" + block, 1)
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
open(path, "w").write(text)
PY
}
