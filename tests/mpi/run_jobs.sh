#!/bin/sh
# pario-run: every job in sample-data/ validates against schemas/job.schema.yaml and
# runs; its YAML/JSON results match numpy, and its HDF5 results (read back with
# h5dump) hold the same numbers and the job's settings as attributes.
. "${PARIO_SRCDIR:-$(dirname "$0")/../..}/tests/mpi/lib.sh"
REF="$PYTHON3 $PARIO_SRCDIR/tests/mpi/reduce_ref.py"
: "${H5DUMP:=h5dump}"

check "sample jobs validate against the schema" $PYTHON3 -c "
import glob, sys, yaml, jsonschema
schema = yaml.safe_load(open('$PARIO_SRCDIR/schemas/job.schema.yaml'))
jsonschema.Draft202012Validator.check_schema(schema)
jobs = sorted(glob.glob('$PARIO_SRCDIR/sample-data/jobs/*.yaml'))
for j in jobs:
    jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(open(j)))
sys.exit(0 if len(jobs) >= 3 else 1)"

# outputs are written beside the job: run a copy
cp -R "$PARIO_SRCDIR/sample-data" sd
chmod -R u+w sd
mpirun 3 pario-run sd/jobs/stats.yaml 2> stats.err || fail "stats job: $(cat stats.err)"
mpirun 2 pario-run sd/jobs/daily.yaml 2> daily.err || fail "daily job: $(cat daily.err)"
mpirun 4 pario-run --quiet sd/jobs/hourly.yaml 2> hourly.err || fail "hourly job: $(cat hourly.err)"
check "stats job says where the results went" grep -q 'pario-run: wrote sd/jobs/stats-results.yaml' stats.err
check "--quiet says nothing" test ! -s hourly.err
check "results files exist" test -s sd/jobs/stats-results.yaml -a -s sd/jobs/daily-results.json -a -s sd/jobs/hourly-results.yml

{
  printf 'sd/jobs/stats-results.yaml\tsd/counts.bin\t--op sum,min,max,mean,std,hist,count=0,range=3:7 --bins 12 --min 0 --max 12\n'
  printf 'sd/jobs/daily-results.json\tsd/temperature.bin\t--op mean,min,max,std,var --axis 0 --skip-nan\n'
  printf 'sd/jobs/hourly-results.yml\tsd/temperature.bin\t--op mean,sum,hist --bins 5 --min 0 --max 25 --axis 1\n'
} > manifest
check "job results match numpy" $REF check manifest

# the same job on the command line (stdout) and with --h5 given there
mpirun 2 pario-run --format json --h5 stats.h5 sd/jobs/stats.yaml > /dev/null 2>&1 || fail "stats --h5"

# HDF5: every result and attribute, read back with h5dump
h5val() { "$H5DUMP" -m %.17g -d "$2" "$1" | sed -n '/DATA {/,/}/p' | grep -o '([0-9,]*): .*' | sed 's/^([0-9,]*): //; s/,$//' | tr ',' '\n' | sed 's/^ *//' | grep -v '^$' | tr '\n' ' '; }
h5attr() { "$H5DUMP" -a "$2" "$1" | grep -o '(0): .*' | sed 's/^(0): //; s/"//g'; }
for k in mean min argmin max argmax std var; do
  echo "$k $(h5val sd/jobs/daily-results.h5 /$k)"
done > daily.h5.txt
echo "counts $(h5val sd/jobs/hourly-results.h5 /hist/counts)" > hourly.h5.txt
echo "edges $(h5val sd/jobs/hourly-results.h5 /hist/edges)" >> hourly.h5.txt
echo "sum $(h5val sd/jobs/hourly-results.h5 /sum)" >> hourly.h5.txt
for k in sum min max count count_range; do echo "$k $(h5val stats.h5 /$k)"; done > stats.h5.txt
check "daily h5 matches numpy" $PYTHON3 -c "
import numpy as np, json, sys
a = np.fromfile('sd/temperature.bin', '<f8').reshape(24, 7)
h = {l.split()[0]: [float(x) for x in l.split()[1:]] for l in open('daily.h5.txt')}
j = json.load(open('sd/jobs/daily-results.json'))
ref = {'mean': np.nanmean(a, 0), 'min': np.nanmin(a, 0), 'max': np.nanmax(a, 0), 'argmin': np.nanargmin(a, 0),
       'argmax': np.nanargmax(a, 0), 'std': np.nanstd(a, 0), 'var': np.nanvar(a, 0)}
ok = all(np.allclose(h[k], ref[k], rtol=2.0**-40, atol=0) for k in ref)
ok = ok and all(h[k] == j[k] for k in ref)   # the HDF5 and JSON results are the same doubles
sys.exit(0 if ok else 1)"
check "hourly h5 histogram (2-D counts) and sums match numpy" $PYTHON3 -c "
import numpy as np, sys
a = np.fromfile('sd/temperature.bin', '<f8').reshape(24, 7)
h = {l.split()[0]: [float(x) if x != 'nan' else float('nan') for x in l.split()[1:]] for l in open('hourly.h5.txt')}
counts = np.array([np.histogram(r, 5, (0, 25))[0] for r in a]).ravel()
ok = h['counts'] == counts.tolist() and h['edges'] == np.linspace(0, 25, 6).tolist()
s = np.sum(a, 1)
ok = ok and all((np.isnan(x) and np.isnan(y)) or abs(x - y) <= 1e-12 * np.nansum(abs(a)) for x, y in zip(h['sum'], s))
sys.exit(0 if ok else 1)"
check "stats h5 (integers exact)" $PYTHON3 -c "
import numpy as np, sys
a = np.fromfile('sd/counts.bin', '<i4')
h = {l.split()[0]: [int(x) for x in l.split()[1:]] for l in open('stats.h5.txt')}
sys.exit(0 if h == {'sum': [int(a.sum())], 'min': [int(a.min())], 'max': [int(a.max())],
                    'count': [int((a == 0).sum())], 'count_range': [int(((a >= 3) & (a < 7)).sum())]} else 1)"
check "h5 attributes hold the job's settings" test "$(h5attr sd/jobs/daily-results.h5 distribution) $(h5attr sd/jobs/daily-results.h5 skip_nan) $(h5attr sd/jobs/daily-results.h5 axis) $(h5attr sd/jobs/daily-results.h5 operations) $(h5attr sd/jobs/daily-results.h5 ranks)" = "cols 1 0 min,max,mean,var,std 2"
check "h5 attribute names the job file" test "$(h5attr stats.h5 job)" = "sd/jobs/stats.yaml"
check "h5 holds the dtype" test "$("$H5DUMP" -H -d /sum stats.h5 | grep -c 'H5T_STD_I64LE')" = 1

# --check: validate only
mpirun 1 pario-run --check sd/jobs/daily.yaml > chk.txt
check "--check says valid" grep -q 'sd/jobs/daily.yaml: valid' chk.txt

# a job on generated data: every dtype through the job path, JSON results
i=0
for t in int8 uint16 int64 float32; do
  v=$($REF make --dtype $t --shape 40,13 --seed $i --out d$t.bin)
  cat > job$t.yaml <<EOJ
input: {data: d$t.bin}
distribution: tiles
axis: $((i % 2))
operations: [sum, min, max, mean, var, std, {op: hist, bins: 4}, "count=$v"]
output: {results: out$t.json}
EOJ
  mpirun 2 pario-run --quiet job$t.yaml || fail "job$t"
  printf 'out%s.json\td%s.bin\t--op sum,min,max,mean,var,std,hist,count=%s --bins 4 --axis %s\n' $t $t "$v" $((i % 2)) >> manifest2
  i=$((i + 1))
done
check "generated jobs match numpy" $REF check manifest2
# a histogram of 262,144 bins of 10^6 values: its edges and counts are
# numpy.histogram's, edge for edge (each reads back as the same double) and
# count for count, written by the block-at-a-time path of the results (a
# 16,777,216-bin one took 33-48 s here before, 96 s before stdout was
# buffered: three snprintf and three strtod a bin edge; about 6 s now:
# doc/reduce.md; the speed is not timed here)
"$PYTHON3" -c "import numpy as np; np.save('big.npy', np.random.default_rng(7).standard_normal(10**6))" || exit 99
printf 'input: {data: big.npy}\noperations: [{op: hist, bins: 262144, min: -5, max: 5}]\n' > bighist.yaml
mpirun 2 pario-run --format yaml bighist.yaml > bighist.out 2> bighist.err; rc=$?
check "262,144-bin hist to YAML: exit $rc $(head -c 200 bighist.err)" test "$rc" -eq 0
check "262,144-bin hist: numpy.histogram's edges and counts" "$PYTHON3" -c "
import re, numpy as np
t = open('bighist.out').read()
def arr(key, dtype):
    m = re.search(r'\n  \"' + key + r'\": \[([^\]]*)\]', t)
    return np.array(m.group(1).split(','), dtype=dtype)
counts, edges = np.histogram(np.load('big.npy'), bins=262144, range=(-5, 5))
e, c = arr('edges', np.float64), arr('counts', np.int64)
assert e.shape == edges.shape and (e == edges).all(), (e.shape, np.flatnonzero(e != edges)[:5])
assert c.shape == counts.shape and (c == counts).all(), (c.shape, np.flatnonzero(c != counts)[:5])"
rm -f bighist.out big.npy
finish
