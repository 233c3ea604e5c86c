#!/bin/sh
# pario-run refuses invalid jobs before any I/O: exit 2, one line naming the job
# file, the line and the field. The jobs name a data file that does not exist, so a
# job that got as far as reading data would fail with another message. The schema
# rejects the same jobs (except those that need the dataset's descriptor).
. "${PARIO_SRCDIR:-$(dirname "$0")/../..}/tests/mpi/lib.sh"

NODATA='input: {data: no-such-file.bin}'
printf 'input: [unclosed\n' > yamlerr.yaml
: > empty.yaml
printf 'operations: [sum]\n' > noinput.yaml
printf 'name: x\ninput:\n  descriptor: d.yaml\noperations: [sum]\n' > nodata.yaml
printf '%s\noperation: [sum]\n' "$NODATA" > typo.yaml
printf '%s\noperations: []\n' "$NODATA" > noops.yaml
printf '%s\noperations:\n  - sum\n  - median\n' "$NODATA" > badop.yaml
printf '%s\noperations:\n  - op: hist\n    bins: 0\n' "$NODATA" > bins.yaml
printf '%s\noperations:\n  - op: hist\n    min: 5\n    max: 1\n' "$NODATA" > minmax.yaml
printf '%s\noperations:\n  - op: count\n' "$NODATA" > novalue.yaml
printf '%s\noperations: [sum]\naxis: 2\n' "$NODATA" > axis.yaml
printf '%s\ndistribution: diagonal\noperations: [sum]\n' "$NODATA" > dist.yaml
printf '%s\nio:\n  chunk: huge\noperations: [sum]\n' "$NODATA" > chunk.yaml
printf '%s\noperations: [sum]\nskip_nan: maybe\n' "$NODATA" > skipnan.yaml
printf '%s\noperations: [sum]\noutput:\n  results: out.txt\n' "$NODATA" > results.yaml
printf '%s\nio:\n  hints:\n    cb_nodes: {a: 1}\noperations: [sum]\n' "$NODATA" > hint.yaml
printf '%s\noperations:\n  - {op: mean, bins: 3}\n' "$NODATA" > opfield.yaml
printf '%s\nio:\n  hints:\n    cb_buffer_size: -1\noperations: [sum]\n' "$NODATA" > hintval.yaml
printf '%s\nio:\n  hints:\n    romio_no_indep_rw: true\n  independent: true\noperations: [sum]\n' "$NODATA" > noindep.yaml
printf 'name: yes\n%s\noperations: [sum]\n' "$NODATA" > nameyes.yaml
printf 'input: {data: off}\noperations: [sum]\n' > dataoff.yaml

expect_error 1 2 '^pario-run: error: yamlerr.yaml:[12]:[0-9]+: not valid YAML' pario-run yamlerr.yaml
# a byte libyaml cannot read is placed where it is (every one said 1:1:
# libyaml gives such errors an offset, not a mark; a hostile-user pass)
printf 'input: {data: x.bin}\noperations: [sum]\nname: "ab\377cd"\n' > bad8.yaml
printf 'input: {data: x.bin}\noperations: [sum]\nname: ab\001cd\n' > ctl.yaml
printf 'input: {data: x.bin}\r\noperations: [sum]\r\nname: abcd\000\n' > nul.yaml
printf 'input: {data: "\303\251\303\251\377"}\n' > utf.yaml
expect_error 1 2 '^pario-run: error: bad8\.yaml:3:10: not valid YAML: invalid leading UTF-8 octet$' pario-run bad8.yaml
expect_error 2 2 '^pario-run: error: ctl\.yaml:3:9: not valid YAML: control characters are not allowed$' pario-run ctl.yaml
expect_error 1 2 '^pario-run: error: nul\.yaml:3:11: not valid YAML: control characters are not allowed$' pario-run nul.yaml
expect_error 1 2 '^pario-run: error: utf\.yaml:1:18: not valid YAML: invalid leading UTF-8 octet$' pario-run utf.yaml
# an entry of input.data listed twice is placed in the job (it named only the file)
printf 'input:\n  data:\n    - a.bin\n    - b.bin\n    - a.bin\noperations: [sum]\n' > dupdata.yaml
expect_error 2 2 "^pario-run: error: dupdata\\.yaml:5:7: input\\.data\\[2\\]: 'a\\.bin' is listed twice \\(also input\\.data\\[0\\]; each input once\\)\$" pario-run --check dupdata.yaml
printf -- '- input: {data: a.bin}\n' > listjob.yaml
# memory for the job itself names the job file (it said "the job: Cannot allocate memory")
PARIO_FAULT=alloc:rank=1 expect_error 2 1 '^pario-run: error: listjob\.yaml: the job: Cannot allocate memory \(rank 1\)$' pario-run listjob.yaml
expect_error 1 2 '^pario-run: error: listjob\.yaml:1:1: job: expected a mapping \(name, input, distribution, io, operations, axis, skip_nan, skip_invalid, output, schedule, keep_going\)$' pario-run listjob.yaml
expect_error 1 2 '^pario-run: error: empty.yaml:1:[0-9]+: empty job file' pario-run empty.yaml
expect_error 2 2 '^pario-run: error: noinput.yaml:1:[0-9]+: input: missing \(required\)' pario-run noinput.yaml
expect_error 1 2 '^pario-run: error: nodata.yaml:3:[0-9]+: input.data: missing \(required\)' pario-run nodata.yaml
expect_error 1 2 '^pario-run: error: typo.yaml:2:[0-9]+: operation: unknown field' pario-run typo.yaml
expect_error 1 2 '^pario-run: error: noops.yaml:2:[0-9]+: operations: expected a non-empty list' pario-run noops.yaml
expect_error 3 2 "^pario-run: error: badop.yaml:4:[0-9]+: operations\[1\]: unknown operation 'median'" pario-run badop.yaml
expect_error 1 2 '^pario-run: error: bins.yaml:4:[0-9]+: operations\[0\].bins: expected an integer from 1' pario-run bins.yaml
expect_error 2 2 '^pario-run: error: minmax.yaml:4:[0-9]+: operations\[0\].min: 5 is greater than max 1' pario-run minmax.yaml
expect_error 1 2 '^pario-run: error: novalue.yaml:3:[0-9]+: operations\[0\].value: missing' pario-run novalue.yaml
expect_error 1 2 '^pario-run: error: axis.yaml:3:[0-9]+: axis: expected 0' pario-run axis.yaml
expect_error 1 2 "^pario-run: error: dist.yaml:2:[0-9]+: distribution: .*diagonal" pario-run dist.yaml
expect_error 1 2 '^pario-run: error: chunk.yaml:3:[0-9]+: io.chunk: expected a size' pario-run chunk.yaml
expect_error 1 2 '^pario-run: error: skipnan.yaml:3:[0-9]+: skip_nan: expected true or false' pario-run skipnan.yaml
# ROMIO's sizes: -1 made it abort every rank ("Out of memory in ad_open.c"; a hostile-user pass)
expect_error 2 2 '^pario-run: error: hintval.yaml:4:[0-9]+: io.hints.cb_buffer_size: expected a whole number of bytes from 1 to 1073741824$' pario-run hintval.yaml
expect_error 3 2 '^pario-run: error: noindep.yaml:4:[0-9]+: io.hints.romio_no_indep_rw: io.independent is true, and this hint lets only the aggregators open the file' pario-run noindep.yaml
for h in cb_buffer_size=-1 cb_buffer_size=99999999999999999999 ind_rd_buffer_size=2Gi cb_nodes=0 striping_unit=x; do
  expect_error 3 2 "^pario-count: error: --hint $h: expected a whole number" pario-count --value 1 --hint "$h" nodata.bin
done
expect_error 1 2 '^pario-run: error: results.yaml:4:[0-9]+: output.results: name a .yaml, .yml or .json file' pario-run results.yaml
expect_error 1 2 '^pario-run: error: hint.yaml:4:[0-9]+: io.hints.cb_nodes: expected a value' pario-run hint.yaml
expect_error 1 2 "^pario-run: error: opfield.yaml:3:[0-9]+: operations\[0\].bins: unknown field" pario-run opfield.yaml
expect_error 1 2 '^pario-run: error: nosuch.yaml: cannot open the job file' pario-run nosuch.yaml
# a plain yes/off is YAML 1.1's boolean (PyYAML's True/False): the line says
# so and how to quote it (it said only "expected text", session 22's pass)
expect_error 2 2 '^pario-run: error: nameyes.yaml:1:[0-9]+: name: expected text \(a plain yes is read as YAML true/false, as PyYAML reads it: quote it, "yes", for the word\)$' pario-run nameyes.yaml
expect_error 1 2 '^pario-run: error: dataoff.yaml:1:[0-9]+: input.data: expected a file name \(a plain off is read as YAML true/false' pario-run dataoff.yaml
check "nothing was written" test -z "$(ls | grep -v '\.yaml$' | grep -v '^stdout\.\|^stderr\.')"

# the schema agrees with the loader on every structural error
check "schema rejects them too" $PYTHON3 -c "
import sys, yaml, jsonschema
schema = yaml.safe_load(open('$PARIO_SRCDIR/schemas/job.schema.yaml'))
bad = [n for n in 'empty noinput nodata typo noops badop bins minmax novalue axis dist chunk skipnan results hint opfield nameyes dataoff'.split()
       if jsonschema.Draft202012Validator(schema).is_valid(yaml.safe_load(open(n + '.yaml')))]
# min > max is not expressible in the schema; every other one must be rejected
sys.exit(0 if bad == ['minmax'] else (print('schema accepts', bad) or 1))"

# --inputs LIST: one path a line. A name keeps its spaces, so a comment's '#'
# is the first character of its line: an indented "  # note" that names no
# file is refused at its line (it was an input, "  # note: No such file or
# directory", a failed input under --keep-going), and a file whose name begins
# so is an input (the keys Python reads back are the names as listed)
printf 'dtype: int16\nshape: [3]\n' > il.bin.yaml && printf '\001\000\002\000\003\000' > il.bin
printf 'input: {data: il.bin}\noperations: [sum]\n' > il.yaml
printf '# a comment\nil.bin\n  # an indented note\n' > indent.list
expect_error 2 2 "^pario-run: error: indent\.list:3: '  # an indented note' names no file, and it is not a comment: a comment's '#' must be the first character of its line \(names keep their spaces\)\$" \
  pario-run --inputs indent.list il.yaml
expect_error 1 2 "^pario-run: error: indent\.list:3: '  # an indented note' names no file" pario-run --keep-going --inputs indent.list il.yaml
cp il.bin '  # x.bin' && cp il.bin.yaml '  # x.bin.yaml'
printf '#\tcomment\n\n  # x.bin\nil.bin\n' > spaced.list
mpirun 2 pario-run --format json --inputs spaced.list il.yaml > spaced.json 2> spaced.err
check "a name beginning with spaces and '#' is an input: $(head -c 200 spaced.err)" "$PYTHON3" -c "
import json; r = json.load(open('spaced.json'))
assert list(r['inputs']) == ['  # x.bin', 'il.bin'], r['inputs']
assert all(v['sum'] == 6 for v in r['inputs'].values()), r"
# in text, that key is quoted as the shell quotes it (its spaces read as the
# mapping's indentation: "   # x.bin:" under "inputs:"; session 29)
mpirun 2 pario-run --inputs spaced.list il.yaml > spaced.txt 2> spaced.err
check "text output: a key with leading spaces quoted ($(sed -n '/^inputs:/{n;p;q}' spaced.txt))" \
  sh -c "sed -n '/^inputs:/,\$p' spaced.txt | grep -qx \"  '  # x.bin':\""
# a NUL byte ends the list's reading at once, at its line: 5,000 NULs on stdin
# said "-:1: path too long" (after 4 KiB, the length of a path), /dev/zero too;
# a NUL inside line 2 of a named list
head -c 5000 /dev/zero > zeros.bin
expect_error 2 2 '^pario-run: error: -:1: a NUL byte in the line \(one path a line\)$' pario-run --inputs - il.yaml < zeros.bin
printf 'il.bin\nab\000cd\n' > nulmid.list
expect_error 2 2 '^pario-run: error: nulmid\.list:2: a NUL byte in the line \(one path a line\)$' pario-run --inputs nulmid.list il.yaml
# stdin without end (/dev/zero), one rank started without mpiexec (MPICH's
# singleton): one line, exit 2, at once. Under mpiexec.mpich, Hydra forwards
# stdin to rank 0 through a pipe and ends the job itself when 64 KiB wait
# unread ("process reading stdin too slowly; can't keep up", exit 7 or mpiexec
# killed by SIGPIPE, 141) before rank 0 reads a byte: doc/pool.md
timeout -k 5 60 "$(pario_exe pario-run)" --inputs - il.yaml < /dev/zero > zero.out 2> zero.err; rc=$?
check "--inputs - < /dev/zero (singleton): exit $rc, $(head -c 300 zero.err)" test "$rc" -eq 2 -a "$(grep -c . zero.err)" -eq 1
check "--inputs - < /dev/zero (singleton): the NUL named" grep -q '^pario-run: error: -:1: a NUL byte in the line' zero.err
# names without end (yes) stop at PARIO_INPUTS_MAX, at the line after the
# last one (rank 0's memory grew until the system killed it: 4 GB of address
# space here, so that a regression fails without taking the machine's memory;
# not under ASan, which reserves terabytes of address space)
(if [ -z "${ASAN_OPTIONS:-}" ]; then ulimit -v 4000000; fi; yes il.bin | PARIO_INPUTS_MAX=1000 timeout -k 5 60 "$(pario_exe pario-run)" --inputs - il.yaml) \
  > yes.out 2> yes.err; rc=$?
check "yes | --inputs - (singleton): exit $rc, $(head -c 300 yes.err)" test "$rc" -eq 2 -a "$(grep -c . yes.err)" -eq 1
check "yes | --inputs -: the bound named at line 1001" \
  grep -qx 'pario-run: error: -:1001: more than 1000 inputs (a list without end? PARIO_INPUTS_MAX raises the bound)' yes.err
printf 'il.bin\n' > one.list
PARIO_INPUTS_MAX=1 mpirun 1 pario-run --format json --inputs one.list il.yaml > one.json 2> one.err
check "PARIO_INPUTS_MAX=1: a list of one name runs: $(head -c 200 one.err)" "$PYTHON3" -c "
import json; assert list(json.load(open('one.json'))['inputs']) == ['il.bin']"
PARIO_INPUTS_MAX=0 expect_error 1 2 "^pario-run: error: PARIO_INPUTS_MAX='0': expected a count of inputs, at least 1\$" \
  pario-run --inputs one.list il.yaml
rm -f ./'  # x.bin' ./'  # x.bin.yaml'

# errors found once the descriptor is read, still before the data: an output
# directory that does not exist, axis on 1-D data, a count value the dtype cannot
# parse. d.bin is empty while its descriptor says 10 elements: reading would fail.
printf 'dtype: int16\nshape: [10]\n' > d.bin.yaml
: > d.bin
printf 'input: {data: d.bin}\noperations: [sum]\noutput: {results: nodir/r.json}\n' > outdir.yaml
expect_error 2 1 '^pario-run: error: nodir/r.json: cannot write there' pario-run outdir.yaml
printf 'dtype: int16\nshape: [0]\n' > d.bin.yaml
printf 'input: {data: d.bin}\noperations: [sum]\naxis: 0\n' > axis1d.yaml
printf 'input: {data: d.bin}\noperations:\n  - count=abc\n' > countval.yaml
expect_error 2 2 '^pario-run: error: axis1d.yaml:3:[0-9]+: axis: axis 0 needs a 2-D dataset' pario-run axis1d.yaml
expect_error 1 2 "^pario-run: error: countval.yaml:3:[0-9]+: operations\\[0\\]: operation 'count=abc': 'abc' is not a number" pario-run countval.yaml
# --check refuses what the run refuses: a count= value or a range= bound that
# no dtype reads (it said "valid", then the run exit 2; session 23), at the item
printf 'input: {data: d.bin}\noperations: [sum, "range=1:2:3"]\n' > range3.yaml
for j in countval range3; do
  expect_error 1 2 "^pario-run: error: $j.yaml:[23]:[0-9]+: operations\\[[01]\\]: operation '(count|range)=[^']*': .*is not a number" \
    pario-run --check $j.yaml
done
# an exponent without a dot is text to YAML 1.1 (PyYAML): the error says so
# (it said only "expected a number"; session 23)
printf 'input: {data: d.bin}\noperations: [{op: hist, min: 1e5, max: 2.0e+6}]\n' > expo.yaml
expect_error 1 2 "^pario-run: error: expo.yaml:2:[0-9]+: operations\\[0\\]\\.min: expected a number \\(1e5 is text to YAML 1\\.1 readers such as PyYAML: an exponent needs a dot and a sign there, as in 1\\.0e\\+5\\)\$" \
  pario-run --check expo.yaml
# a descriptor's shape: [1e5] says the same, and which integer to write
printf 'dtype: int8\nshape: [1e5]\n' > e5.bin.yaml; : > e5.bin
expect_error 2 1 "^pario-count: error: e5.bin.yaml:2:9: shape: dimensions must be non-negative integers \\(1e5 is a float to YAML 1\\.2 and text to YAML 1\\.1 readers such as PyYAML: write the integer, 100000\\)\$" \
  pario-count --value 1 e5.bin
printf 'input: {data: d.bin}\noperations: ["count=1e5", "range=-inf:0x10"]\n' > numok.yaml
mpirun 1 pario-run --check numok.yaml > numok.out 2>&1
check "--check: count=1e5 and range=-inf:0x10 are numbers: $(head -c 200 numok.out)" grep -q 'numok.yaml: valid' numok.out
# a job's messages name its own fields, not pario-count's or pario-reduce's
# options (it said "count=1.5: --value: '1.5' is not ...", "--dataset says",
# "give --min and --max"; session 26)
printf 'input: {data: d.bin}\noperations: ["count=1.5"]\n' > cnt.yaml
expect_error 2 2 "^pario-run: error: cnt.yaml:2:13: operations: count=1\\.5: '1\\.5' is not an integer int16 value\$" pario-run cnt.yaml
"$PYTHON3" -c "
import h5py, numpy as np
with h5py.File('two.h5', 'w') as f: f['x'] = np.arange(5, dtype='<i4'); f['y'] = np.arange(5, dtype='<i4')" || exit 99
printf 'input: {data: "two.h5:/x", dataset: /y}\noperations: [sum]\n' > ds.yaml
expect_error 2 2 "^pario-run: error: two.h5:/x: names dataset '/x' but the dataset given \\(--dataset, a job's input.dataset\\) is '/y'\$" pario-run ds.yaml
# a dtype that is null is called null (it said "dtype: '' is not a dtype")
printf '{dtype}\n' > nd.bin.yaml; : > nd.bin
expect_error 1 1 "^pario-count: error: nd.bin.yaml:1:7: dtype: expected a dtype name \\(one of: int8, .*\\), not null\$" \
  pario-count --value 1 nd.bin
# a range bound too long is named as such (the operation's text was cut to 128
# bytes, losing its colon: "expected range=LO:HI"; session 26)
Z=$(printf '0%.0s' $(seq 130))
printf 'input: {data: d.bin}\noperations: [{op: range, lo: 1.%s, hi: 5.0}]\n' "$Z" > rlong.yaml
expect_error 1 2 "^pario-run: error: rlong.yaml:2:[0-9]+: operations\\[0\\]: operation 'range=1\\.0+:5\\.0': a bound may have at most 47 characters\$" \
  pario-run --check rlong.yaml
# a blank before a count= value is refused as one after it is ("count= 5"
# passed, "count=5 " did not; session 26)
printf 'input: {data: d.bin}\noperations: ["count= 5"]\n' > cblank.yaml
expect_error 1 2 "^pario-run: error: cblank.yaml:2:[0-9]+: operations(\\[0\\])?: operation 'count= 5': ' 5' is not a number\$" pario-run --check cblank.yaml
expect_error 1 2 "^pario-reduce: error: operation 'count= 5': ' 5' is not a number\$" pario-reduce --op "count= 5" d.bin
# a distribution that does not fit the data or the rank count is found when the
# view is built: at the job's distribution line, as the parse's errors (it had
# no location; a hostile-user pass, session 27)
printf 'dtype: int32\nshape: [3, 4]\n' > m34.bin.yaml && head -c 48 /dev/zero > m34.bin
printf 'input: {data: d.bin}\ndistribution: rows\noperations: [sum]\n' > drows.yaml
expect_error 2 2 "^pario-run: error: drows\.yaml:2:15: distribution: 'rows' needs a 2-D dataset, but d\.bin is 1-D \(shape \[[0-9]+\]\)\$" \
  pario-run drows.yaml
printf 'input: {data: m34.bin}\ndistribution: tiles:2x2\noperations: [sum]\n' > dtiles.yaml
expect_error 3 2 "^pario-run: error: dtiles\.yaml:2:15: distribution: 'tiles:2x2' needs 4 ranks, but there are 3\$" \
  pario-run dtiles.yaml
finish
