#!/bin/sh
# schemas/dataset.schema.yaml and the C loader agree: every descriptor in
# sample-data/ (and those pario-gen writes) validates against the schema with
# python3-jsonschema and opens with pario-count; descriptors that break a rule
# are rejected by both, and unusual but valid ones accepted by both.
. "$(dirname "$0")/lib.sh"

SCHEMA=$PARIO_SRCDIR/schemas/dataset.schema.yaml
SAMPLES=$PARIO_SRCDIR/sample-data

# validate valid|invalid FILE...: each file must (not) validate against the schema
validate() {
  "$PYTHON3" - "$SCHEMA" "$@" <<'EOF'
import sys, yaml, jsonschema
schema = yaml.safe_load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
want = sys.argv[2]
bad = 0
for path in sys.argv[3:]:
    try:
        doc = yaml.safe_load(open(path))
    except yaml.YAMLError as e:
        doc, errs = None, ["not YAML: %s" % e]
    else:
        errs = [e.message for e in v.iter_errors(doc)]
    if (want == "valid") != (not errs):
        bad += 1
        print("FAIL: %s should be %s for the schema: %s" % (path, want, errs or "it validates"), file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
}

# ---- the schema is a valid JSON Schema, and its own examples validate
check "schema examples validate" "$PYTHON3" -c '
import sys, yaml, jsonschema
s = yaml.safe_load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(s)
for e in s["examples"]:
    jsonschema.validate(e, s, cls=jsonschema.Draft202012Validator)' "$SCHEMA"

# ---- sample-data: every descriptor validates, and its dataset opens with pario-count
set -- "$SAMPLES"/*.yaml
check "sample-data has descriptors" test "$#" -ge 4 -a -f "$1"
check "sample-data descriptors validate against the schema" validate valid "$@"
for desc in "$@"; do
  data=${desc%.yaml}
  name=$(basename "$data")
  if grep -Eq '^format: (csv|text)$' "$desc"; then
    # a column of numbers in text (tests/mpi/csv.sh checks the values): the records of Python's csv
    mpirun 2 pario-count --value 0 --skip-invalid --format json "$data" >out.json 2>err.txt
    check "$name: pario-count reads its column, every record" "$PYTHON3" -c '
import csv, json, sys
recs = [r for r in csv.reader(open(sys.argv[1], newline="")) if r]
sys.exit(0 if json.load(open("out.json"))["records"] == len(recs) - 1 else 1)' "$data"
    continue
  fi
  if mpirun 2 pario-count --value 0 --format json "$data" >out.json 2>err.txt; then
    check "$name: pario-count reads it, element count from the layout" "$PYTHON3" - "$desc" "$data" <<'EOF'
import json, os, sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
size = {"int8": 1, "uint8": 1, "int16": 2, "uint16": 2, "int32": 4, "uint32": 4, "float32": 4,
        "int64": 8, "uint64": 8, "float64": 8}[d["dtype"]]
if "shape" in d:
    n = 1
    for x in d["shape"]:
        n *= x
else:
    n = (os.path.getsize(sys.argv[2]) - d.get("offset", 0)) // size
out = json.load(open("out.json"))
sys.exit(0 if out["elements"] == n else 1)
EOF
  else
    fail "$name: pario-count fails: $(cat err.txt)"
  fi
done

# ---- what pario-gen writes validates too
mpirun 2 pario-gen --dtype uint32 --shape 13,7 --uniform 0:5 --offset 32 --byte-order big --out g2.bin >/dev/null 2>&1
mpirun 2 pario-gen --dtype float32 --count 101 --normal 1:2 --out g1.bin >/dev/null 2>&1
check "pario-gen descriptors exist" test -f g1.bin.yaml -a -f g2.bin.yaml
check "pario-gen descriptors validate" validate valid g1.bin.yaml g2.bin.yaml

# ---- unusual but valid: both accept
head -c 40 /dev/zero >ok.bin
mkdir -p okd
i=0
for text in \
  'dtype: int32\n' \
  'dtype: int32\nshape: [10]\n' \
  'dtype: int32\nshape:\n  - 2\n  - 5\n' \
  'dtype: int8\nshape: [40]\noffset: 0\nbyte_order: little\ndescription: all the fields\n' \
  '# a comment\ndtype: uint16\nshape: [4, 5]\nbyte_order: big\n' \
  'dtype: float64\noffset: 8\n' \
  'dtype: int16\ndescription: "quoted: text"\n' \
  'dtype: int16\ndescription: "yes"\n'; do
  i=$((i + 1))
  printf '%b' "$text" >okd/$i.yaml
  if mpirun 1 pario-count --desc okd/$i.yaml --value 0 ok.bin >out.txt 2>err.txt; then
    pass "valid descriptor $i accepted by pario-count"
  else
    fail "valid descriptor $i rejected by pario-count: $(cat err.txt)"
  fi
done
check "valid descriptors accepted by the schema" validate valid okd/*.yaml

# ---- invalid: both reject; pario-count names the file, the line and the field
head -c 40 /dev/zero >bad.bin
mkdir -p badd
bad() { # NAME LINE FIELD TEXT
  printf '%b' "$4" >badd/$1.yaml
  expect_error 1 1 "^pario-count: error: badd/$1\\.yaml:$2:[0-9]+: $3" pario-count --desc badd/$1.yaml --value 0 bad.bin
}
bad dtype 1 "dtype: 'int128' is not a dtype" 'dtype: int128\nshape: [10]\n'
bad nodtype 1 "dtype: missing" 'shape: [10]\n'
bad extra 2 "compression: unknown field" 'dtype: int32\ncompression: gzip\n'
bad caps 1 "Dtype: unknown field" 'Dtype: int32\n'
bad shape3 2 "shape: expected 1 or 2 dimensions" 'dtype: int32\nshape: [2, 2, 10]\n'
bad shape0 2 "shape: expected 1 or 2 dimensions" 'dtype: int32\nshape: []\n'
bad shapeneg 2 "shape: dimensions must be non-negative integers" 'dtype: int32\nshape: [-10]\n'
bad shapefrac 2 "shape: dimensions must be non-negative integers" 'dtype: int32\nshape: [2.5, 4]\n'
bad shapestr 2 "shape: expected a list" 'dtype: int32\nshape: "10"\n'
# what is wrong, said (it was "must be non-negative integers" and "'?' is not
# a dtype"; a hostile-user pass)
bad shapebig 2 "shape: dimension 18446744073709551616 is too large \\(at most 2\\^64 - 1\\)" 'dtype: int32\nshape: [18446744073709551616]\n'
bad dtypelist 1 "dtype: expected a dtype name \\(one of: int8, .*\\), not a list" 'dtype: [int32]\nshape: [10]\n'
bad dtypemap 1 "dtype: expected a dtype name \\(one of: int8, .*\\), not a mapping" 'dtype: {a: 1}\nshape: [10]\n'
bad offneg 2 "offset: expected a non-negative integer" 'dtype: int32\noffset: -8\n'
bad offtext 2 "offset: expected a non-negative integer" 'dtype: int32\noffset: none\n'
bad order 2 "byte_order: expected 'little' or 'big'" 'dtype: int32\nbyte_order: native\n'
bad desclist 2 "description: expected text" 'dtype: int32\ndescription: [a, b]\n'
bad notmap 1 "expected a mapping" '- dtype: int32\n'
check "invalid descriptors rejected by the schema" validate invalid badd/*.yaml

finish
