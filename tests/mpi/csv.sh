#!/bin/sh
# CSV columns in pario-reduce and pario-count against Python's csv module with
# math.fsum, statistics and numpy (tests/mpi/csv_ref.py) on adversarial files:
# quoted fields holding newlines, delimiters and "" exactly at each rank's split
# point and one byte either side, quote opening, closing and CRLF there too,
# empty lines, missing, empty and non-numeric fields (the error's line, and
# --skip-invalid's counts), header or not, other delimiters and quotes, a record
# longer than --chunk and than a rank's range, more ranks than bytes, an empty
# file, descriptors with format csv and text. Ranks 1-5 rotate across the cases,
# with chunks of 8 bytes to 1 MiB; runs of one file at several rank counts and
# chunks must print the same bytes. Then the errors: an unclosed quote, usage
# mistakes, a read failing on one rank.
. "$(dirname "$0")/lib.sh"

"$PYTHON3" "$PARIO_SRCDIR/tests/mpi/csv_ref.py" gen || { echo "cannot make the test files"; exit 99; }
while IFS='|' read -r name n chunk tool rest; do
  # shellcheck disable=SC2086
  set -f; IFS='|'; set -- $rest; IFS=' '; set +f
  mpirun "$n" "$tool" --chunk "$chunk" "$@" >"$name.out" 2>"$name.err" </dev/null
  echo $? >"$name.rc"
done <cases
IFS=' '
"$PYTHON3" "$PARIO_SRCDIR/tests/mpi/csv_ref.py" check >check.log
rc=$?
grep '^FAIL' check.log >&2
tail -1 check.log
[ $rc -eq 0 ] && pass "csv_ref check" || fail "csv_ref check"

# pario-run: a job whose input's descriptor says format csv gives pario-reduce's numbers
printf 'name: csv job\ninput:\n  data: desc.csv\nio:\n  chunk: 16\noperations: [sum, min, max, mean, var, std]\n' >job.yaml
mpirun 3 pario-run --format json job.yaml >job.out 2>job.err
check "pario-run on a CSV column" "$PYTHON3" -c '
import json, sys
job, ref = json.load(open("job.out")), json.load(open("desc.n3.exp"))["json"]
sys.exit(0 if job["job"]["format"] == "csv" and all(job[k] == ref[k] for k in ("sum", "min", "argmin", "max", "mean", "records")) else 1)'

# ... and refuses to draw a CSV column's chunks as tasks, from the command line
# or from the job file (schedule: dynamic), as pario-reduce does
expect_error 2 2 "^pario-run: error: desc.csv: --schedule dynamic does not apply to a CSV or text column" \
  pario-run --schedule dynamic job.yaml
printf 'schedule: dynamic\n' | cat job.yaml - >jobdyn.yaml
expect_error 3 2 "^pario-run: error: desc.csv: --schedule dynamic does not apply to a CSV or text column" \
  pario-run jobdyn.yaml

# an unclosed quote: the line where the last field opened, at any rank count
printf 'a,b\n1,2\n3,"x\n4,5\n6,7\n' >open.csv
for n in 1 3; do
  expect_error "$n" 1 '^pario-reduce: error: open.csv: line 3: a quoted field opens here and never closes' \
    pario-reduce --op sum --column b --chunk 8 open.csv
done
expect_error 2 1 '^pario-count: error: open.csv: line 3: a quoted field opens' \
  pario-count --value 1 --column 0 --no-header open.csv
# a UTF-8 byte-order mark before the header (Excel, utf-8-sig): the first name
# is still found (it was "no column named 'price'"), values as Python's csv reads them
printf '\357\273\277price,q\n1.5,2\n2.25,3\n' > bom.csv
for n in 1 3; do
  out=$(mpirun $n pario-reduce --op sum --format json --column price bom.csv) || fail "BOM header n=$n ran"
  check "BOM before the header: column price (n=$n)" "$PYTHON3" -c "
import csv, json, sys
rows = list(csv.DictReader(open('bom.csv', encoding='utf-8-sig')))
assert json.loads(sys.argv[1])['sum'] == sum(float(r['price']) for r in rows), sys.argv[1]" "$out"
done
# ... and before a file without a header (--no-header, format: text): the
# first value is read (it was "not a number: '\357\273\2771.5'"), and a mark
# alone is an empty line, not a record with a missing field (a hostile-user pass)
printf '\357\273\2771.5,a\n2.25,b\n' > bomnh.csv
printf '\357\273\2771.5\n2.25\n' > bomt.txt && printf 'format: text\n' > bomt.txt.yaml
printf '\357\273\277' > bomonly.csv
for n in 1 3; do
  out=$(mpirun $n pario-reduce --op sum --format json --column 0 --no-header --chunk 8 bomnh.csv)
  check "BOM before a file without a header: the first value (n=$n)" test "$out" = \
    '{"elements":2,"nan_count":0,"sum":3.75,"records":2,"values":2,"invalid":{"empty":0,"missing":0,"non_numeric":0}}'
  out=$(mpirun $n pario-reduce --op sum --format json bomt.txt)
  check "BOM before a format: text file (n=$n)" test "$out" = \
    '{"elements":2,"nan_count":0,"sum":3.75,"records":2,"values":2,"invalid":{"empty":0,"missing":0,"non_numeric":0}}'
  out=$(mpirun $n pario-reduce --op sum --format json --column 0 --no-header --skip-invalid bomonly.csv)
  check "a file of a BOM alone has no record (n=$n)" test "$out" = \
    '{"elements":0,"nan_count":0,"sum":0.0,"records":0,"values":0,"invalid":{"empty":0,"missing":0,"non_numeric":0}}'
done
# (a CSV column is float64: its empty sum is 0.0, as math.fsum([]) in Python)
# a name needs a header record in an empty file too (it was accepted there:
# exit 0, no record, where a file of empty lines is refused); an index, or a
# text file's one column under header: true, needs none (that was refused:
# "no record to name column ''")
: > empty0.csv
printf '\n\n' > hdrtext.txt && printf 'format: text\nheader: true\n' > hdrtext.txt.yaml
for n in 1 3; do
  expect_error "$n" 2 "^pario-reduce: error: empty0.csv: no header: the file has no record to name column 'x'$" \
    pario-reduce --op sum --column x empty0.csv
  out=$(mpirun $n pario-reduce --op sum --format json --column 0 empty0.csv)
  check "an empty file, --column 0: no record (n=$n)" test "$out" = \
    '{"elements":0,"nan_count":0,"sum":0.0,"records":0,"values":0,"invalid":{"empty":0,"missing":0,"non_numeric":0}}'
  out=$(mpirun $n pario-reduce --op sum --format json hdrtext.txt)
  check "format: text, header: true, no record (n=$n)" test "$out" = \
    '{"elements":0,"nan_count":0,"sum":0.0,"records":0,"values":0,"invalid":{"empty":0,"missing":0,"non_numeric":0}}'
done
# usage: no such column, a name without a header, a bad delimiter, --axis
expect_error 2 2 "^pario-reduce: error: holes.csv: no column named 'zz' in the header \\(line 1, 3 fields\\)" \
  pario-reduce --op sum --column zz holes.csv
expect_error 1 2 "^pario-reduce: error: --column 'b': a name needs a header" \
  pario-reduce --op sum --column b --no-header holes.csv
# an index past 2^64 - 1 wrapped to column 18446744073709551615 ("missing")
expect_error 2 2 "^pario-reduce: error: --column 99999999999999999999: the index is too large$" \
  pario-reduce --op sum --column 99999999999999999999 holes.csv
expect_error 1 2 "^pario-reduce: error: --delimiter 'ab': expected one byte" \
  pario-reduce --op sum --column b --delimiter ab holes.csv
expect_error 1 2 "^pario-reduce: error: the delimiter and the quote character are both '\"'" \
  pario-reduce --op sum --column b --delimiter '"' holes.csv
expect_error 2 2 "^pario-reduce: error: --axis 0 needs a 2-D dataset, but holes.csv is 1-D" \
  pario-reduce --op sum --axis 0 --column b holes.csv
expect_error 2 1 "^pario-reduce: error: nosuch.csv: cannot open: no such file" \
  pario-reduce --op sum --column b nosuch.csv
# a descriptor with format csv refuses layout fields; other tools refuse CSV
printf 'format: csv\ndtype: float64\n' >bad.csv.yaml; cp holes.csv bad.csv
expect_error 1 1 "bad.csv.yaml:2:1: dtype: not with format csv" pario-reduce --op sum bad.csv
expect_error 1 2 "desc.csv: descriptor desc.csv.yaml says format csv: only pario-reduce" \
  pario-scatter --dist block --out part desc.csv
# a read failing on one rank: one line naming that rank, exit 1, no output
for r in 0 2; do
  PARIO_FAULT=read:rank=$r expect_error 3 1 "^pario-reduce: error: split3_0.csv: read failed: .*\\(rank $r\\)$" \
    pario-reduce --op mean --column value --chunk 16 split3_0.csv
done
PARIO_FAULT=open:rank=2 expect_error 3 1 "^pario-reduce: error: split3_0.csv: cannot open: .*\\(rank 2\\)$" \
  pario-reduce --op sum --column value split3_0.csv
PARIO_FAULT=alloc:rank=1 expect_error 2 1 "^pario-count: error: split3_0.csv: out of memory .*\\(rank 1\\)$" \
  pario-count --value 1 --column value split3_0.csv
PARIO_FAULT=read:rank=1:after=3 expect_error 2 1 "^pario-count: error: split3_0.csv: read failed: .*\\(rank 1\\)$" \
  pario-count --value 1 --column value --chunk 8 split3_0.csv
# among pario-run's many inputs a CSV column is refused by name, and the line
# says why (it said only "only pario-reduce, pario-count and pario-run read it")
printf 'input: {data: desc.csv}\noperations: [sum]\n' > manyjob.yaml
cp desc.csv desc2.csv && cp desc.csv.yaml desc2.csv.yaml || exit 99
for kg in "" --keep-going; do
  # shellcheck disable=SC2086
  mpirun 2 pario-run $kg manyjob.yaml desc.csv desc2.csv >many.out 2>many.err
  check "pario-run $kg: a CSV among many inputs is named, 'not among many inputs'" \
    grep -q "^pario-run: error: desc.csv: descriptor desc.csv.yaml says format csv: .*(not among many inputs)\$" many.err
done
# CSV options on a file whose descriptor says raw
printf 'dtype: float64\n' >raw.csv.yaml; cp holes.csv raw.csv
expect_error 2 2 "^pario-reduce: error: raw.csv: the CSV options read a CSV file, but descriptor raw.csv.yaml says format raw" \
  pario-reduce --op sum --column b raw.csv
# --per-rank: each rank's count of the values it owns, adding up to the count
mpirun 3 pario-count --values 5,1.25 --per-rank --column value --format json split3_0.csv >pr.out 2>pr.err
check "pario-count --per-rank on a CSV column" "$PYTHON3" -c '
import json, sys
o = json.load(open("pr.out"))
sys.exit(0 if all(sum(o["per_rank"][v]) == o["counts"][v] and len(o["per_rank"][v]) == 3 for v in o["counts"]) else 1)'
# "elements" in pario-count's JSON on a CSV column too (tools.md), the number
# of values as Python's csv module counts them
check "pario-count on a CSV column: elements, the values Python's csv reads" "$PYTHON3" -c '
import csv, json
o = json.load(open("pr.out"))
n = sum(1 for r in csv.DictReader(open("split3_0.csv", newline="")) if r["value"].strip() != "")
assert o["elements"] == o["values"] == n, (o, n)'
# --skip-invalid says how many it skipped on stderr (and in the results)
mpirun 2 pario-reduce --op sum --column b --skip-invalid holes.csv >skip.out 2>skip.err
check "skip note" grep -q '^pario-reduce: skipped 5 invalid fields in holes.csv: 2 empty, 1 missing, 2 non-numeric$' skip.err
check "skip text output" grep -q '^  non_numeric: 2$' skip.out
# pario-run: a job's skip_invalid: true, as --skip-invalid (csv_ref's numbers);
# without it the error says what to write in the job (it said --skip-invalid,
# which pario-run has not: no job could reduce a CSV with one empty field;
# session 28); not for a dataset, nor for a job of many inputs
cp holes.csv hj.csv && printf 'format: csv\ncolumn: b\n' >hj.csv.yaml
printf 'input: {data: hj.csv}\noperations: [sum, min, max, mean]\n' >hj0.yaml
expect_error 3 1 "^pario-run: error: hj\\.csv: line 4, .*empty field \\(skip_invalid: true leaves such fields out\\)$" pario-run hj0.yaml
printf 'input: {data: hj.csv}\noperations: [sum, min, max, mean]\nskip_invalid: true\n' >hj.yaml
mpirun 3 pario-run --format json hj.yaml >hj.out 2>hj.err
check "pario-run skip_invalid: true: csv_ref's numbers and counts" "$PYTHON3" -c '
import json
job, ref = json.load(open("hj.out")), json.load(open("holes.skip2.exp"))["json"]
keys = ("sum", "min", "argmin", "max", "mean", "records", "values", "invalid")
assert all(job[k] == ref[k] for k in keys), [(k, job.get(k), ref.get(k)) for k in keys]'
printf 'abcd' >hb.bin && printf 'dtype: int8\n' >hb.bin.yaml
printf 'input: {data: hb.bin}\noperations: [sum]\nskip_invalid: true\n' >hjbin.yaml
expect_error 2 2 "^pario-run: error: hjbin\\.yaml:3:15: skip_invalid: for a CSV or text input, and hb\\.bin is neither$" pario-run hjbin.yaml
expect_error 2 2 "^pario-run: error: hj\\.yaml:3:15: skip_invalid: for a CSV or text input, and a job of many inputs reads none$" \
  pario-run hj.yaml hj.csv holes.csv

# --schedule dynamic does not split a CSV column into tasks: refused, one line, exit 2
expect_error 1 2 "^pario-reduce: error: holes.csv: --schedule dynamic does not apply to a CSV or text column" \
  pario-reduce --op sum --column b --skip-invalid --schedule dynamic holes.csv
expect_error 4 2 "^pario-count: error: desc.csv: --schedule dynamic does not apply to a CSV or text column" \
  pario-count --value 1 --schedule dynamic desc.csv
# --progress: one line on stderr (rank 0's share, 100% at the end), stdout the same
# bytes as without (hist without a range reads twice: both passes in the total)
mpirun 3 pario-reduce --op mean,hist --bins 4 --column value --chunk 16 split3_0.csv >p0.out 2>p0.err
mpirun 3 pario-reduce --op mean,hist --bins 4 --column value --chunk 16 --progress split3_0.csv >p1.out 2>p1.err
check "pario-reduce --progress on CSV: stdout unchanged" cmp -s p0.out p1.out
check "pario-reduce --progress on CSV: the line" sh -c "tr '\\r' '\\n' <p1.err | grep -q '^pario-reduce: reducing 100% (rank 0: '"
mpirun 2 pario-count --range 0:10 --column value --progress split3_0.csv >p2.out 2>p2.err
mpirun 2 pario-count --range 0:10 --column value split3_0.csv >p3.out 2>p3.err
check "pario-count --progress on CSV: stdout unchanged" cmp -s p2.out p3.out
check "pario-count --progress on CSV: the line" sh -c "tr '\\r' '\\n' <p2.err | grep -q '^pario-count: counting 100% (rank 0: '"
check "no progress line without --progress" test ! -s p3.err
# A hostile-user pass, session 22 (each failed before the fix):
# - a text descriptor with header: true and no column read column 0's header as
#   a column named '' (exit 2);
# - with a text descriptor, --header, --delimiter and --quote on the command
#   line were dropped (the command line wins over the descriptor, csv.md);
# - a header name with a doubled quote ("a""b", the name a"b) was never found.
# Each sum against Python's csv module + math.fsum, at 1-3 ranks.
printf 'value\n1.5\n2\n-7.25\n1e3\n' > th.txt
printf 'format: text\nheader: true\n' > th.txt.yaml
printf 'value\n4\n5.5\n' > tg.txt
printf 'format: text\n' > tg.txt.yaml
printf '1;10\n2;20.5\n3;-4\n' > td.txt
printf 'format: text\n' > td.txt.yaml
printf '"a""b",c\n1,2\n3,4.5\n-6,7\n' > dq.csv
printf 'a,v\nx,"2" \ny,"3.5"\t,z\n"q","-1"  \nw,"10"\n' > qb.csv
csv_sum() { # FILE DELIM HEADER(0/1) COLUMN(index or name): the sum Python's csv module reads
  "$PYTHON3" -c '
import csv, math, sys
f, d, h, c = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4]
rows = list(csv.reader(open(f, newline=""), delimiter=d))
k = rows[0].index(c) if not c.isdigit() else int(c)
print(repr(math.fsum(float(r[k]) for r in rows[1 if h else 0:])))' "$@"
}
sum_of() { sed -n 's/^sum: //p' "$1"; }
pysum() { "$PYTHON3" -c 'import sys; print(repr(float(sys.argv[1])))' "$1" 2>/dev/null; }
for n in 1 2 3; do
  mpirun $n pario-reduce --op sum th.txt >th.out 2>th.err
  check "text, header: true, no column: column 0 under its header (n=$n: $(head -c 200 th.err))" \
    test "$(pysum "$(sum_of th.out)")" = "$(csv_sum th.txt , 1 0)"
  mpirun $n pario-reduce --op sum --header tg.txt >tg.out 2>tg.err
  check "text descriptor, --header on the command line (n=$n: $(head -c 200 tg.err))" \
    test "$(pysum "$(sum_of tg.out)")" = "$(csv_sum tg.txt , 1 0)"
  mpirun $n pario-reduce --op sum --delimiter ';' --column 1 td.txt >td.out 2>td.err
  check "text descriptor, --delimiter on the command line (n=$n: $(head -c 200 td.err))" \
    test "$(pysum "$(sum_of td.out)")" = "$(csv_sum td.txt ';' 0 1)"
  mpirun $n pario-reduce --op sum --column 'a"b' dq.csv >dq.out 2>dq.err
  check "a header name with a doubled quote, by name (n=$n: $(head -c 200 dq.err))" \
    test "$(pysum "$(sum_of dq.out)")" = "$(csv_sum dq.csv , 1 'a"b')"
  # a quoted number, then blanks before the delimiter: csv.reader's '2 ', a
  # number (it was "not a number: '"2" '"; session 26); --chunk 8 cuts the
  # records inside the quotes
  mpirun $n pario-reduce --op sum --chunk 8 --column 1 qb.csv >qb.out 2>qb.err
  check "quoted numbers followed by blanks (n=$n: $(head -c 200 qb.err))" \
    test "$(pysum "$(sum_of qb.out)")" = "$(csv_sum qb.csv , 1 1)"
done
expect_error 2 2 "^pario-reduce: error: dq\\.csv: no column named 'a\"\"b' in the header" \
  pario-reduce --op sum --column 'a""b' dq.csv
# an empty --quote (an unset shell variable, "--quote $Q") is refused, as
# Python's csv refuses quotechar='' (it was read as none, changing the parse)
expect_error 2 2 "^pario-reduce: error: --quote '': expected one byte, 'tab' or 'none'" \
  pario-reduce --op sum --quote '' --column 1 dq.csv
finish
