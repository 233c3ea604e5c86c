#!/bin/sh
# pario-pi and pario-plot: estimates against independent references (numpy
# re-implementations of the generator and the midpoint grid, h5dump for reading
# the log), rank-count independence, kill-then-resume, the HDF5 layout, bad input.
# The checks in Python (pi_ref.py's) are deferred: queued, then run together in
# one process (run_deferred, lib.sh) before section 6 replaces d1.h5, and at the end.
. "$(dirname "$0")/lib.sh"
: "${H5DUMP:=h5dump}"
REF=$PARIO_SRCDIR/tests/mpi/pi_ref.py
export H5DUMP

# json DESC FILE EXPR WANT: deferred, str() of a Python expression over the JSON
# object j is WANT (pi_ref.py json)
json() { defer "$1" json "$2" "$3" "$4"; }
T0=$(date +%s)
section() { echo "section $1 at $(($(date +%s) - T0)) s"; }
sum_of() { sha256sum <"$1" | cut -d' ' -f1; }
# rows FILE DATASET: the length of the dataset's first dimension, as h5dump -H shows it
rows() { $H5DUMP -H -d "$2" "$1" | sed -n 's/.*DATASPACE *SIMPLE { ( \([0-9]*\).*/\1/p'; }

section 1
# --- 1. darts: the same log for 1, 2, 3, 4 ranks; every value against numpy ---
S=100003; R=4; SEED=11
for n in 1 2 3 4; do
  mpirun $n pario-pi --samples $S --rounds $R --seed $SEED --log d$n.h5 --format json >d$n.json 2>d$n.err
  check "darts n=$n runs" test -s d$n.json -a -s d$n.h5
  defer "darts n=$n log matches the numpy reference" check-log d$n.h5 --seed $SEED --samples $S --rounds $R --ranks $n
  defer "darts n=$n: printed estimate is the log's last" last d$n.json d$n.h5
done
for n in 2 3 4; do
  defer "/estimate identical for 1 and $n ranks" same d1.h5 d$n.h5 /estimate
  defer "/hits summed over ranks identical for 1 and $n ranks" hits-sum d1.h5 d$n.h5
done
check "no temporary files left" test -z "$(ls | grep '\.tmp\.' || true)"

section 2
# --- 2. within 4 standard errors of pi for several seeds ---
for seed in 1 2 3 4 5 6; do
  mpirun 2 pario-pi --samples 1e6 --rounds 2 --seed $seed --format json >s$seed.json
  json "seed $seed: estimate within 4 stderr of pi" \
    s$seed.json 'abs(j["estimate"]-math.pi) <= 4*j["stderr"] and j["stderr"] > 0' True
  json "seed $seed: stderr is the binomial standard error" \
    s$seed.json 'abs(j["stderr"] - 4*math.sqrt((j["estimate"]/4)*(1-j["estimate"]/4)/j["samples"])) < 1e-12' True
done

section 3
# --- 3. midpoint: the error within its bound, the same bits on 1-5 ranks ---
# A round's grid points are cut into blocks of 4096 (montecarlo.md), split over
# the ranks; the blocks' sums are added exactly. 1001 samples: a single block,
# so every rank but rank 0 has none; 50003 samples: 13 blocks (12 of 4096 and
# one of 851), a multiple neither of the block nor of 2-5 ranks, at least 2
# blocks on each of 5 ranks.
for n in 1 2 3 4 5; do
  mpirun $n pario-pi --method midpoint --samples 1001 --rounds 3 --log m$n.h5 --format json >m$n.json
  defer "midpoint n=$n log matches the numpy reference" check-log m$n.h5 --method midpoint --samples 1001 --rounds 3 --ranks $n
  # bound 1/(3 N^2) from the text book, plus rounding of N terms
  json "midpoint n=$n: |error| <= 1/(3 N^2)" \
    m$n.json 'abs(j["estimate"]-math.pi) <= 1/(3*3003**2) + 3003*4*2**-52 and j["error_bound"] == 1/(3*3003**2)' True
  mpirun $n pario-pi --method midpoint --samples 50003 --rounds 5 --log mb$n.h5 --format json >mb$n.json
  defer "midpoint 13 blocks, n=$n: log matches the numpy reference" \
    check-log mb$n.h5 --method midpoint --samples 50003 --rounds 5 --ranks $n
done
for n in 2 3 4 5; do
  for c in estimate stderr total; do
    defer "midpoint 1 block: /$c bit for bit the same for 1 and $n ranks" same m1.h5 m$n.h5 /$c
    defer "midpoint 13 blocks: /$c bit for bit the same for 1 and $n ranks" same mb1.h5 mb$n.h5 /$c
  done
  for m in m mb; do
    json "midpoint $([ $m = m ] && echo '1 block' || echo '13 blocks'): JSON estimate and stderr bit for bit the same for 1 and $n ranks" \
      $m$n.json '(j["estimate"], j["stderr"]) == (load("'$m'1.json")["estimate"], load("'$m'1.json")["stderr"])' True
  done
done
mpirun 1 pario-pi --method midpoint --samples 100 --rounds 3 --format json >m.json
json "midpoint: error shrinks like 1/N^2 (N=300 vs 3003)" \
  m.json 'abs(j["error"])/abs(load("m1.json")["error"]) > 0.5*(3003/300)**2' True

section 4
# --- 4. the layout, read by h5dump alone ---
$H5DUMP -H -p d3.h5 >layout.txt
defer "layout per h5dump -H" layout layout.txt
attr() { $H5DUMP -a "/$2" "$1" | sed -n 's/^ *(0): //p'; }
check "attribute seed" test "$(attr d3.h5 seed)" = $SEED
check "attribute ranks" test "$(attr d3.h5 ranks)" = 3
check "attribute samples_per_round" test "$(attr d3.h5 samples_per_round)" = $S
check "attribute rounds" test "$(attr d3.h5 rounds)" = $R
check "attribute method" test "$(attr d3.h5 method)" = '"darts"'
check "attribute generator is PARIO_RNG_NAME" \
  test "$(attr d3.h5 generator)" = "$(sed -n 's/^#define PARIO_RNG_NAME //p' "$PARIO_SRCDIR/include/pario/rng.h")"
check "attribute pario_version is the package version" \
  test "$(attr d3.h5 pario_version)" = "\"$(sed -n 's/^AC_INIT(\[pario\], \[\([^]]*\)\].*/\1/p' "$PARIO_SRCDIR/configure.ac")\""
check "attribute start_time is ISO 8601 UTC" sh -c "echo '$(attr d3.h5 start_time)' | grep -Eq '^\"20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z\"$'"
defer "/time holds positive seconds" positive d3.h5 /time

section 5
# --- 5. killed after some rounds, then resumed (with another rank count) ---
S=20000000; R=8
# its own session, so one signal reaches mpiexec, the proxy and every rank.
# A round takes 4 ms here: rank 0 sleeps 0.2 s after each (PARIO_SLOW's pause
# form), so that the kill, sent once the log has its name (after its first
# round), lands before round 8 with 1.4 s to spare on a busy machine (unslowed,
# it came after 10 and 13 rounds beside busy processes, 3 runs in 8)
PARIO_SLOW=0:+0.2 setsid timeout -k 5 "$TEST_TIMEOUT" "$MPIEXEC" -n 2 "$PARIO_BIN/pario-pi" --samples $S --rounds 100000 \
  --seed 5 --log k.h5 >/dev/null 2>&1 &
job=$!
i=0
while [ ! -e k.h5 ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done
# SIGKILL to the whole group (procps' kill: dash's builtin cannot name a group;
# python's os.killpg took 0.15 s to start, more beside a busy test)
/bin/kill -s KILL -- "-$job" || fail "could not kill the job"
wait $job 2>/dev/null
check "killed run: the log exists" test -e k.h5
check "killed run: the log opens" $H5DUMP -H k.h5 >/dev/null
done_rounds=$(rows k.h5 /estimate)
# Should the kill still come after round R (a shell not scheduled for 1.4 s),
# the resume and the uninterrupted run go 2 rounds past the rounds kept: a log
# that kept no complete round, or none that opens, still fails here.
[ "${done_rounds:-0}" -lt $R ] || { echo "note: the killed run kept $done_rounds rounds"; R=$((done_rounds + 2)); }
check "killed run: 1 <= rounds kept ($done_rounds) < $R" test "${done_rounds:-0}" -ge 1 -a "${done_rounds:-0}" -lt $R
mpirun 1 pario-pi --samples $S --rounds $R --seed 5 --log full.h5 >/dev/null
mpirun 3 pario-pi --resume --log k.h5 --rounds $R --format json >k.json
json "resume continued from the last complete round" k.json 'j["resumed_rounds"] >= 1 and j["rounds"] == '$R True
# the resumed log as it is now (kr.h5), for the deferred checks: k.h5 is resumed again below
cp k.h5 kr.h5
defer "killed + resumed /estimate equals the uninterrupted run's" same full.h5 kr.h5 /estimate
defer "resumed log matches the numpy reference row by row" resumed-log kr.h5 5 $S $R
check "resumed log: attribute ranks = 3 columns" test "$(attr k.h5 ranks)" = 3
# resuming a finished log computes nothing and changes nothing
before=$(sum_of k.h5)
mpirun 1 pario-pi --resume --log k.h5 --rounds $R --format json >k2.json
defer "resume of a complete log: same estimate" last k2.json kr.h5
check "resume of a complete log: rounds planned now $R" test "$(attr k.h5 rounds)" = $R

section 6
# --- 6. bad input: one clear line, exact exit codes, no hang, no damaged log ---
expect_error 1 2 'pario-pi: error: --samples must be at least 1' pario-pi --samples 0
# a count's error names its option (--samples, --rounds and --seed read the same counts)
expect_error 2 2 "^pario-pi: error: --samples: '-5' is not a non-negative count\$" pario-pi --samples -5
expect_error 1 2 "^pario-pi: error: --rounds: 'x' is not a non-negative count\$" pario-pi --rounds x
expect_error 1 2 "^pario-pi: error: --seed: '1.5' is not a whole number\$" pario-pi --seed 1.5
expect_error 1 2 "^pario-plot: error: --width: '-5' is not a non-negative count\$" pario-plot x.h5 --out x.svg --width -5
expect_error 3 2 'pario-pi: error: --rounds must be at least 1' pario-pi --rounds 0
expect_error 2 2 'pario-pi: error: --rounds 1000000000000000000 x --samples 1000000 does not fit' pario-pi --rounds 1e18 --samples 1e6
expect_error 1 2 'does not fit: midpoint allows at most 2\^53' pario-pi --method midpoint --rounds 1e10 --samples 1e6
expect_error 1 2 "pario-pi: error: --method 'pie': expected darts or midpoint" pario-pi --method pie
expect_error 1 2 'pario-pi: error: --resume needs --log FILE' pario-pi --resume
expect_error 1 2 'pario-pi: error: give either --resume or --force' pario-pi --resume --force --log k.h5
expect_error 2 1 'pario-pi: error: nodir/pi.h5: cannot write there \(directory nodir: No such file or directory\)' pario-pi --samples 10 --rounds 2 --log nodir/pi.h5
check "unwritable path: nothing created" test ! -e nodir
before=$(sum_of d1.h5)
expect_error 2 1 'pario-pi: error: d1.h5 exists: give --force' pario-pi --samples 10 --rounds 2 --log d1.h5
check "existing log untouched" test "$(sum_of d1.h5)" = "$before"
echo "not a log" >foreign.txt
expect_error 2 1 'pario-pi: error: foreign.txt: not an HDF5 file' pario-pi --resume --log foreign.txt
check "foreign text file untouched" test "$(cat foreign.txt)" = "not a log"
h5copy -i d1.h5 -o foreign.h5 -s /hits -d /hits
fsum=$(sum_of foreign.h5)
expect_error 3 1 "pario-pi: error: foreign.h5: not a pario-pi log \(no attribute 'method'\)" pario-pi --resume --log foreign.h5
check "foreign HDF5 file untouched" test "$(sum_of foreign.h5)" = "$fsum"
# a log rebuilt with h5py: its string attributes NUL-padded to their length
# ("darts" in 5 bytes) read whole (it said "unknown method 'dart'"); it is not
# continued, as its chunks are allocated at their first write, which rank 0's
# independent writes cannot do in parallel: one line naming that, the log
# untouched (it said "Invalid displacement argument" after adding a row); one
# whose /hits and /samples claim 2^32 x 2^32 values (an extent is metadata: a
# 3 KB file) is refused (their size wrapped to 0 and the rows were read past a
# 1-byte buffer: signal 11). In the same Python process: dmg.h5, d1.h5 with its
# /hits header damaged (used below)
"$PYTHON3" -c "
import h5py, numpy as np
src = h5py.File('d1.h5', 'r')
for name in ('copy.h5', 'wide.h5'):
    f = h5py.File(name, 'w')
    for k, v in src.attrs.items(): f.attrs[k] = v
    for k in src:
        if name == 'wide.h5' and k in ('hits', 'samples'):
            f.create_dataset(k, shape=(2**32, 2**32), dtype='<i8', chunks=(1, 16), maxshape=(None, None))
        else:
            f.create_dataset(k, data=src[k][:], maxshape=(None,) * src[k].ndim, chunks=True)
    f.close()
at = h5py.h5o.get_info(src['hits'].id).addr; src.close()
b = bytearray(open('d1.h5', 'rb').read()); b[at] ^= 0xa5; open('dmg.h5', 'wb').write(b)" || exit 99
mpirun 1 pario-plot copy.h5 --out copy.svg > /dev/null 2> copy.err || fail "pario-plot of a log copied by h5py: $(head -c 300 copy.err)"
cp copy.h5 copykeep.h5
expect_error 2 1 '^pario-pi: error: copy.h5: /hits was not made in parallel .*: parallel HDF5 cannot continue it$' \
  pario-pi --resume --log copy.h5 --rounds 6
check "the log copied by h5py is untouched" cmp -s copy.h5 copykeep.h5
# a log whose /hits header is damaged: "cannot open /hits" (it said "/hits has
# -1 dimensions, expected 2")
expect_error 1 1 '^pario-plot: error: dmg.h5: cannot open /hits \(damaged\)$' pario-plot dmg.h5 --out dmg.svg
expect_error 2 1 '^pario-pi: error: dmg.h5: cannot open /hits \(damaged\)$' pario-pi --resume --log dmg.h5
cp wide.h5 widekeep.h5
expect_error 1 1 '^pario-plot: error: wide.h5: /hits is too large \(4294967296 x 4294967296 values\)$' pario-plot wide.h5 --out w.svg
expect_error 2 1 '^pario-pi: error: wide.h5: /hits is too large' pario-pi --resume --log wide.h5
check "the refused log is untouched" cmp -s wide.h5 widekeep.h5
# hand-edited logs (session 26): an attribute holding an array (read into one
# value: a segfault), an attribute of another type (HDF5 converted it: a seed of
# -3 read as 0, a float's 3.9 as 3, and the run went on with another seed), a
# dataset that is an external link into another file (--resume wrote into that
# file), an estimate edited in its 12th digit (kept: compared within 1e-12)
cp d1.h5 victim.h5
"$PYTHON3" -c "
import h5py, numpy as np, shutil
edits = {'arr': ('seed', np.full(7000, 11, dtype='<u8')), 'arr2': ('ranks', np.array([1, 1], dtype='<i8')),
         'meth': ('method', np.array([b'darts'] * 1000)), 'neg': ('seed', np.int64(-11)),
         'flt': ('seed', np.float64(11.0)), 'sflt': ('samples_per_round', np.float64(100003.5))}
for name, (k, v) in edits.items():
    shutil.copy('d1.h5', name + '.h5')
    with h5py.File(name + '.h5', 'r+') as f: f.attrs[k] = v
shutil.copy('d1.h5', 'ext.h5')
with h5py.File('ext.h5', 'r+') as f:
    del f['hits']; f['hits'] = h5py.ExternalLink('victim.h5', '/hits')
shutil.copy('d1.h5', 'ed.h5')
with h5py.File('ed.h5', 'r+') as f:
    e = f['estimate']; v = e[1]; e[1] = v * (1 + 2e-12); assert e[1] != v" || exit 99
cp victim.h5 victimkeep.h5
for name in arr arr2 meth neg flt sflt; do
  cp $name.h5 keep.h5
  expect_error 1 1 "^pario-pi: error: $name.h5: unreadable pario-pi attributes\$" pario-pi --resume --log $name.h5 --rounds 6
  expect_error 1 1 "^pario-plot: error: $name.h5: unreadable pario-pi attributes\$" pario-plot $name.h5 --out $name.svg
  check "the log with an edited attribute ($name) is untouched" cmp -s $name.h5 keep.h5
done
expect_error 1 1 '^pario-pi: error: ext.h5: /hits is a link, not a dataset of the log$' pario-pi --resume --log ext.h5 --rounds 6
check "--resume through an external link left its target untouched" cmp -s victim.h5 victimkeep.h5
json_run() { mpirun 1 pario-pi "$@" --format json; }
json_run --resume --log ed.h5 --rounds 4 >ed.json || fail "resume of a log with an edited estimate ran"
json "a log whose 2nd estimate was edited by 2e-12: resumed after its first round only" ed.json 'j["resumed_rounds"]' 1
json "... and rounds 2-4 written again: the uninterrupted estimate" ed.json 'j["estimate"] == load("d1.json")["estimate"]' True
# a log of no round: the error names it (it said 'the log holds no complete round')
cp copy.h5 norounds.h5
"$PYTHON3" -c "
import h5py
f = h5py.File('norounds.h5', 'r+')
for k in f: f[k].resize(0, axis=0)" || exit 99
expect_error 1 1 '^pario-plot: error: norounds.h5: holds no complete round$' pario-plot norounds.h5 --out nr.svg
check "no SVG for a log of no round" test ! -e nr.svg
expect_error 2 1 'pario-pi: error: d1.h5: written with --seed 11; it cannot continue with --seed 12' pario-pi --resume --log d1.h5 --seed 12 --rounds 6
# fewer --rounds than the log holds: refused, as pario-train refuses fewer
# --epochs (it ran, reported the log's rounds and ignored the option; session 12)
cp d1.h5 d1keep.h5
rounds_in_log=$(rows d1.h5 /estimate)
expect_error 2 1 "pario-pi: error: d1.h5: holds $rounds_in_log rounds, more than --rounds 1\$" pario-pi --resume --log d1.h5 --rounds 1
check "the refused resume left the log as it was" cmp -s d1.h5 d1keep.h5
expect_error 1 1 'pario-pi: error: d1.h5: written with --method darts; it cannot continue with --method midpoint' pario-pi --resume --log d1.h5 --method midpoint
expect_error 1 1 'pario-pi: error: d1.h5: written with --samples 100003 per round; it cannot continue with --samples 100000' pario-pi --resume --log d1.h5 --samples 100000
expect_error 1 1 'pario-pi: error: m1.h5: a midpoint log is a grid of --rounds 3' pario-pi --resume --log m1.h5 --rounds 9
# a midpoint log stopped after 2 of 5 rounds (a full disk on rank 0 at its 13th
# write: 6 a round, 2 collective and /total, /time, /stderr, /estimate) and
# resumed on 2, 3 and 5 ranks: the /estimate of the uninterrupted 1-rank log
# mb1.h5 bit for bit (montecarlo.md, Resume)
for n in 2 3 5; do
  PARIO_FAULT=h5write:rank=0:after=12 mpirun 2 pario-pi --method midpoint --samples 50003 --rounds 5 --log mr$n.h5 \
    >/dev/null 2>&1
  check "midpoint stopped by a full disk: the log exists (n=$n)" test -e mr$n.h5
  mpirun $n pario-pi --resume --log mr$n.h5 --format json >mr$n.json 2>mr$n.err || fail "midpoint resume on $n ranks"
  json "midpoint resumed on $n ranks: from 2 rounds, the uninterrupted estimate bit for bit" \
    mr$n.json '(j["resumed_rounds"], j["rounds"], j["estimate"], j["stderr"]) == (2, 5, load("mb1.json")["estimate"], load("mb1.json")["stderr"])' True
done
defer "midpoint resumed on 2, 3 and 5 ranks: the uninterrupted /estimate bit for bit" \
  midpoint-resumed mb1.h5 5 mr2.h5 mr3.h5 mr5.h5
# a midpoint log of before /total (an older pario-pi's: the round's sum was the
# ranks' /sums added in rank order, so it depended on the rank count): refused
# with one line and left untouched; pario-plot still draws it. One whose blocks
# are not this pario-pi's is refused too.
"$PYTHON3" -c "
import h5py, shutil, numpy as np
shutil.copy('mb2.h5', 'old.h5'); shutil.copy('mb2.h5', 'blk.h5')
f = h5py.File('old.h5', 'r+'); del f['total']; del f.attrs['block_points']; f.close()
f = h5py.File('blk.h5', 'r+'); f.attrs['block_points'] = np.uint64(2 * int(f.attrs['block_points'])); f.close()" || exit 99
cp old.h5 oldkeep.h5
expect_error 2 1 '^pario-pi: error: old.h5: a midpoint log without /total \(an older pario-pi.s, whose sums depend on the rank count\) cannot be continued; start a new log$' \
  pario-pi --resume --log old.h5
check "the midpoint log without /total is untouched" cmp -s old.h5 oldkeep.h5
mpirun 1 pario-plot old.h5 --out old.svg >/dev/null 2>old.err || fail "pario-plot of a midpoint log without /total: $(head -c 300 old.err)"
defer "pario-plot: midpoint log without /total, all 5 rounds" svg old.svg --rounds 5
cp blk.h5 blkkeep.h5
expect_error 1 1 '^pario-pi: error: blk.h5: a midpoint log of blocks of 8192 points; this pario-pi sums blocks of 4096, so it cannot continue it$' \
  pario-pi --resume --log blk.h5
check "the midpoint log of other blocks is untouched" cmp -s blk.h5 blkkeep.h5
# a /total of inf in round 0 (the stored estimate finite): no complete round.
# Before, the check's tolerance scaled with the recomputed estimate (1e-12 x
# inf) and let it through: --resume reported an estimate of inf, pario-plot drew it.
# A block_points that is not a positive count is named as such (it read as 0).
"$PYTHON3" -c "
import h5py, numpy as np, shutil
shutil.copy('mb2.h5', 'inf.h5'); shutil.copy('mb2.h5', 'neg.h5')
f = h5py.File('inf.h5', 'r+'); f['total'][0] = np.inf; f.close()
f = h5py.File('neg.h5', 'r+'); f.attrs['block_points'] = np.int64(-4096); f.close()" || exit 99
expect_error 2 1 '^pario-pi: error: inf.h5: holds no complete round$' pario-pi --resume --log inf.h5
expect_error 1 1 '^pario-plot: error: inf.h5: holds no complete round$' pario-plot inf.h5 --out inf.svg
expect_error 1 1 '^pario-pi: error: neg.h5: a midpoint log whose attribute block_points is not a positive count; it cannot be continued$' \
  pario-pi --resume --log neg.h5
# the default title counts in the singular too ("1 rounds of 1 samples")
mpirun 1 pario-pi --samples 1 --rounds 1 --log one.h5 -q && mpirun 1 pario-plot one.h5 --out one.svg ||
  fail "pario-pi/pario-plot of 1 round of 1 sample"
check "pario-plot's title: 1 round of 1 sample" grep -q ', 1 round of 1 sample<' one.svg
# a 'ranks' attribute that is not the rank columns' count is refused (kept by
# --resume and drawn by pario-plot); a round with a rank's negative sample
# count, whose columns still add up, is not complete: --resume redoes it, to
# the uninterrupted run's log
mpirun 2 pario-pi --samples 10000 --rounds 4 --seed 5 --log dr.h5 -q || fail "pario-pi --log dr.h5"
"$PYTHON3" -c "
import h5py, shutil
shutil.copy('dr.h5', 'rk.h5'); shutil.copy('dr.h5', 'ng.h5')
f = h5py.File('rk.h5', 'r+'); f.attrs['ranks'] = 2**40; f.close()
f = h5py.File('ng.h5', 'r+'); s = f['samples'][1]; f['samples'][1] = [-int(s[0]), int(s[1] + 2 * s[0])]; f.close()" || exit 99
cp rk.h5 rkkeep.h5
expect_error 1 1 '^pario-plot: error: rk\.h5: the log.s attributes are inconsistent \(ranks 1099511627776, 2 rank columns\)$' \
  pario-plot rk.h5 --out rk.svg
expect_error 2 1 '^pario-pi: error: rk\.h5: the log.s attributes are inconsistent \(ranks 1099511627776, 2 rank columns\)$' \
  pario-pi --resume --log rk.h5 --rounds 6
check "the log of a wrong ranks attribute is untouched" cmp -s rk.h5 rkkeep.h5
mpirun 3 pario-pi --resume --log ng.h5 -q || fail "pario-pi --resume --log ng.h5"
check "a round with a negative per-rank sample count is redone by --resume: the uninterrupted log's rounds" "$PYTHON3" -c "
import h5py
a, b = h5py.File('dr.h5', 'r'), h5py.File('ng.h5', 'r')
for k in ('estimate', 'stderr'):
    assert a[k].shape == b[k].shape == (4,) and (a[k][:] == b[k][:]).all(), k
assert (b['samples'][1] >= 0).all() and b['samples'][1].sum() == 10000"
# a missing directory names the log, not its lock file beside it (it said
# "nodir/x.h5.lock: cannot write there")
expect_error 2 1 '^pario-pi: error: nodir/x\.h5: cannot open: No such file or directory \(directory nodir\)$' \
  pario-pi --resume --log nodir/x.h5
# a symbolic link to nowhere is a name the log would take: refused up front (the
# run went to its end and failed there: "cannot rename the new log into place:
# File exists"); --force replaces the link, as mv does
ln -sfn nowhere.h5 dang.h5
expect_error 2 1 '^pario-pi: error: dang\.h5 exists, a symbolic link to a file that does not: give --force to replace the link$' \
  pario-pi --samples 100 --rounds 2 --log dang.h5
check "the refused link is left as it was" test -L dang.h5 -a ! -e nowhere.h5
mpirun 2 pario-pi --samples 100 --rounds 2 --log dang.h5 --force >/dev/null 2>&1
check "--force: the link replaced by the log, nowhere.h5 not made" test -f dang.h5 -a ! -L dang.h5 -a ! -e nowhere.h5
# a /stderr changed in round 3 (it follows from /hits as /estimate does, but was
# not checked: -1 drew the band far off the plot, and --resume kept the row)
"$PYTHON3" -c "
import h5py, shutil
shutil.copy('d2.h5', 'se.h5')
f = h5py.File('se.h5', 'r+'); f['stderr'][2] = -1.0; f.close()" || exit 99
mpirun 1 pario-plot se.h5 --out se.svg >/dev/null 2>se.err || fail "pario-plot of a log with a bad /stderr row: $(head -c 300 se.err)"
defer "pario-plot: a log whose /stderr of round 3 was changed: the 2 rounds before it" svg se.svg --rounds 2
mpirun 3 pario-pi --resume --log se.h5 --format json >se.json 2>/dev/null
json "--resume of that log: from round 2, to the uninterrupted estimate and stderr" \
  se.json '(j["resumed_rounds"], j["estimate"], j["stderr"]) == (2, load("d1.json")["estimate"], load("d1.json")["stderr"])' True
defer "--resume of that log: /stderr rewritten, the uninterrupted log's" same d1.h5 se.h5 /stderr
check "refused resumes left the log untouched" test "$(sum_of d1.h5)" = "$before"
defer "d1.h5 not damaged by refused runs: it matches the numpy reference" check-log d1.h5 --seed 11 --samples 100003 --rounds 4 --ranks 1
# the checks queued so far, before d1.h5 is replaced
run_deferred "$REF"
mpirun 2 pario-pi --samples 10 --rounds 2 --seed 1 --log d1.h5 --force >/dev/null
check "--force replaces a log" test "$(attr d1.h5 samples_per_round)" = 10

section 7
# --- 7. the picture ---
mpirun 1 pario-pi --samples 1000 --rounds 30 --seed 2 --log p.h5 >/dev/null
mpirun 1 pario-plot p.h5 --out p.svg
defer "pario-plot: valid self-contained SVG on a log scale" svg p.svg --rounds 30
mpirun 1 pario-plot m3.h5 --out m.svg
defer "pario-plot: midpoint log" svg m.svg --rounds 3
# a --title with control bytes and bytes that are not UTF-8 (a file name, say)
# still gives well-formed XML: each such byte is U+FFFD (they were written as
# they were, and no XML parser opened the SVG)
mpirun 1 pario-plot p.h5 --out t.svg --title "$(printf 'a<\001b\033[1m\377c \303\251')"
defer "pario-plot --title with control bytes: well-formed XML, the rest kept" \
  svg-title t.svg "'a<\ufffdb\ufffd[1m\ufffdc \u00e9'"
# ... and U+FFFE and U+FFFF, well-formed UTF-8 that XML 1.0 excludes (kept: expat refused the SVG)
mpirun 1 pario-plot p.h5 --out t2.svg --title "$(printf 'x\357\277\276y\357\277\277z')"
defer "pario-plot --title with U+FFFE and U+FFFF: well-formed XML" svg-title t2.svg "'x\ufffdy\ufffdz'"
# ... and DEL and a C1 control (NEL, U+0085): control bytes, drawn as U+FFFD (kept raw)
mpirun 1 pario-plot p.h5 --out t3.svg --title "$(printf 'a\177b\302\205c\302\240d')"
defer "pario-plot --title with DEL and NEL: each U+FFFD, a no-break space kept" svg-title t3.svg "'a\ufffdb\ufffdc\u00a0d'"
expect_error 1 2 'pario-plot: error: --out FILE.svg is required' pario-plot p.h5
expect_error 1 1 'pario-plot: error: foreign.txt: not an HDF5 file' pario-plot foreign.txt --out x.svg
check "pario-plot: no SVG on error" test ! -e x.svg

section 8
# --- 8. --stats and the text output ---
mpirun 2 pario-pi --samples 1e6 --rounds 2 --stats >t.out 2>t.err
check "--stats: samples/s per core on stderr" grep -Eq '^pario-pi: stats: 2000000 samples in .* samples/s per core' t.err
check "text output has the estimate" grep -Eq '^estimate: 3\.1[0-9]+$' t.out

section 9
# --- 9. when the log pays for an fsync: counted by strace, not by pario ---
# (LeakSanitizer cannot run under ptrace: off for the traced runs of an ASan build.)
# Every round is flushed into the file (section 5 kills a job and finds its
# rounds); an fsync follows the first round, then at most every --sync seconds,
# and the close. --sync 0 asks for one after every round.
fsyncs() { grep -c 'fsync(' "$1"; }
if command -v strace >/dev/null 2>&1; then
  for n in 1 2; do
    ASAN_OPTIONS=detect_leaks=0 timeout -k 5 "$TEST_TIMEOUT" strace -f -qq -e trace=fsync,fdatasync -o fs0.$n.trace \
      "$MPIEXEC" -n $n "$PARIO_BIN/pario-pi" --samples 1000 --rounds 9 --seed 3 --log fs0.$n.h5 --sync 0 --format json >fs0.$n.json
    ASAN_OPTIONS=detect_leaks=0 timeout -k 5 "$TEST_TIMEOUT" strace -f -qq -e trace=fsync,fdatasync -o fs1.$n.trace \
      "$MPIEXEC" -n $n "$PARIO_BIN/pario-pi" --samples 1000 --rounds 9 --seed 3 --log fs1.$n.h5 --format json >fs1.$n.json
    check "--sync 0, n=$n: an fsync for each of the 9 rounds ($(fsyncs fs0.$n.trace) seen)" test "$(fsyncs fs0.$n.trace)" -ge 9
    json "--sync 0, n=$n: reported as 9 fsyncs" fs0.$n.json 'j["log_fsyncs"]' 9
    # first round + close, on each rank that wrote (at most n)
    check "default, n=$n: fsync after the first round and at close only ($(fsyncs fs1.$n.trace) seen)" \
      test "$(fsyncs fs1.$n.trace)" -ge 2 -a "$(fsyncs fs1.$n.trace)" -le $((2 * n))
    json "default, n=$n: reported as 2 fsyncs" fs1.$n.json 'j["log_fsyncs"]' 2
    defer "default, n=$n: the same log as with --sync 0" check-log fs1.$n.h5 --seed 3 --samples 1000 --rounds 9 --ranks $n
  done
else
  echo "strace not found: fsync counts not checked"
fi
# the interval is rank 0's clock: a tiny one is due every round, a long one never
mpirun 3 pario-pi --samples 1000 --rounds 9 --seed 3 --log fs2.h5 --sync 1e-9 --format json >fs2.json
json "--sync 1e-9: due after each of the 9 rounds" fs2.json 'j["log_fsyncs"]' 9
mpirun 3 pario-pi --samples 1000 --rounds 9 --seed 3 --log fs3.h5 --sync 3600 --format json >fs3.json
json "--sync 3600: the first round and the close" fs3.json 'j["log_fsyncs"]' 2
defer "--sync 3600: the same log" check-log fs3.h5 --seed 3 --samples 1000 --rounds 9 --ranks 3
expect_error 1 2 "pario-pi: error: --sync: 'soon' is not a number of seconds >= 0" pario-pi --sync soon --log x.h5
expect_error 1 2 "pario-pi: error: --sync: '0x10' is not a number of seconds >= 0" pario-pi --sync 0x10 --log x.h5

run_deferred "$REF"
finish
