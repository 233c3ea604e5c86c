#!/bin/sh
# The C loaders and schemas/ accept exactly the same files. Every file of
# tests/corpus/desc and tests/corpus/job (and sample-data's descriptors and jobs) is
# judged by schemas/validate.py (PyYAML + python3-jsonschema) and by pario's
# loaders (tests/corpus/yamlcheck: pario_desc_load, pario_job_load); the name says
# the verdict both must give: ok-* valid, bad-* invalid, beyond-* valid for the
# schema but refused by the loader (a rule JSON Schema cannot state: a product of
# dimensions, min <= max, an operation given twice). Then what the corpus cannot
# hold: the 1 MiB cap, 100,000 nested brackets (refused at once, not in 28 s), a
# FIFO, and the messages of the tools (file, line, column, field; exit codes).
# The checks in Python (schemas/validate.py's verdicts, PyYAML's scalars) are
# deferred: queued, then run in one process at the end (tests/mpi/schema_check.py,
# run_deferred in lib.sh); the inputs are made by one Python process first.
. "$(dirname "$0")/lib.sh"

YAMLCHECK=$PARIO_BUILDDIR/tests/corpus/yamlcheck
CORPUS=$PARIO_SRCDIR/tests/corpus
REF=$PARIO_SRCDIR/tests/mpi/schema_check.py

# the inputs: scalars.txt (the scalars below), the 1 MiB files, the deep ones
"$PYTHON3" - <<'EOF' || exit 99
import random
with open("scalars.txt", "w") as out:
    fixed = """0 00 -0 +0 01000 0777 08 0o17 0x1F 0X1F 0x 0b101 0b 1_000 _1 1_ 1:20 1:2:3 1:60 190:20:30 1:20.5
-1:20 +1:20.5 1.5 1. .5 -.5 +.5 1e5 1E5 1.0e5 1.0e+5 1.0E-5 1.e+5 .5e+3 -1.5e-3 1_0.5 1.5_ .inf -.inf +.inf
.Inf .INF .iNf .nan .NaN .NAN -.nan inf nan ~ null Null NULL nUll yes Yes YES yEs no No NO true True TRUE
tRue false False FALSE on On ON off Off OFF y n Y N - + . : e 2024-01-01 12:30 = << 18446744073709551616
99999999999999999999999""".split()
    random.seed(42)
    chars = "0123456789_:.-+eExXoObB~nuaflsyNTFY "
    rand = ["".join(random.choice(chars) for _ in range(random.randint(1, 8))) for _ in range(20000)]
    for s in fixed + [""] + [r.strip() for r in rand]:
        print(s, file=out)
pad = lambda head, total: head + 'description: "' + "x" * (total - len(head) - 16) + '"\n'
open("max.yaml", "w").write(pad("dtype: int32\n", 1 << 20))
open("over.yaml", "w").write(pad("dtype: int32\n", (1 << 20) + 1))
job = "input: {data: d.bin}\noperations: [sum]\nname: x\n"
open("jobmax.yaml", "w").write(job + "#" * ((1 << 20) - len(job)))
open("jobover.yaml", "w").write(job + "#" * ((1 << 20) + 1 - len(job)))
# tabs put at random into a descriptor and a job file that use every place a
# tab may go (comments, quotes, block scalars) or may not (indentation, between
# tokens, plain scalars, a block scalar's first line): libyaml takes some that
# PyYAML refuses, and the loader must refuse those too
random.seed(11)
desc = ("# a descriptor\ndtype: int32   # the type\nshape: [2, 3]\nbyte_order: \"little\"\n"
        "description: |\n  a block\n  scalar # not a comment\noffset: 0\n")
desc2 = "dtype: float64\r\nshape:\r\n  - 3\r\n  - 4\r\ndescription: >\r\n  folded\r\n\r\n  text\r\nbyte_order: 'big'\r\n"
job = ("# a job file, whose comments and quoted name may hold tabs anywhere\n"
       "name: 'a job whose name is long enough to take a tab in many places'  # a comment\ninput:\n  data: d.bin\ndistribution: block\noperations:\n  - sum\n"
       "  - op: hist\n    bins: 4\n    min: 0\n    max: 1.5\noutput:\n  results: r.json\n")
for k in range(600):
    t = job if k % 4 == 3 else desc if k % 2 else desc2
    s = list(t)
    for _ in range(random.randint(1, 2)):
        i = random.randrange(len(s) + 1)
        if random.random() < 0.5 and i < len(s) and s[i] == " ":
            s[i] = "\t"
        else:
            s.insert(i, "\t")
    open(("tabj%03d.yaml" if t is job else "tabd%03d.yaml") % k, "w", newline="").write("".join(s))
open("deep.yaml", "w").write("dtype: int32\nshape: " + "[" * 100000 + "]" * 100000 + "\n")
open("deepjob.yaml", "w").write("input: {data: d.bin}\noperations: " + "[" * 100000 + "]" * 100000 + "\n")
EOF

# verdicts DESC KIND SCHEMA FILE...: both verdicts per file, compared with the
# name's: the C loader's now (c.KIND.txt), the schema's and the comparison
# deferred (schema_check.py verdicts)
verdicts() {
  local desc="$1" kind="$2" schema="$3"; shift 3
  timeout -k 5 60 "$YAMLCHECK" "$kind" "$@" >"c.$kind.txt"
  defer "$desc" verdicts "$schema" "c.$kind.txt" "$@"
}

set -- "$CORPUS"/desc/*.yaml
check "descriptor corpus has dozens of files" test "$#" -ge 60
verdicts "descriptors: schema and loader agree on every file" desc "$PARIO_SRCDIR/schemas/dataset.schema.yaml" "$@" "$PARIO_SRCDIR"/sample-data/*.yaml
cat c.desc.txt >desc-verdicts.txt
set -- "$CORPUS"/job/*.yaml
check "job corpus has dozens of files" test "$#" -ge 60
verdicts "jobs: schema and loader agree on every file" job "$PARIO_SRCDIR/schemas/job.schema.yaml" "$@" "$PARIO_SRCDIR"/sample-data/jobs/*.yaml

# ---- the C resolver reads plain scalars as PyYAML does: the listed tricky ones and
# 20,000 random strings over the characters numbers, booleans and nulls are made of
# (scalars.txt, made at the top)
defer "plain scalars: the C resolver agrees with PyYAML's" scalars "$YAMLCHECK" scalars.txt

# ---- tabs put at random (the files made at the top): the same verdict from both
"$YAMLCHECK" desc tabd*.yaml >c.tabd.txt
defer "tabs at random in descriptors: schema and loader agree" agree "$PARIO_SRCDIR/schemas/dataset.schema.yaml" c.tabd.txt tabd*.yaml
"$YAMLCHECK" job tabj*.yaml >c.tabj.txt
defer "tabs at random in job files: schema and loader agree" agree "$PARIO_SRCDIR/schemas/job.schema.yaml" c.tabj.txt tabj*.yaml

# ---- each case of the issue, by the message it gets (line and column counted by hand)
said() { # NAME REGEX: the C verdict of corpus file NAME matches
  grep -Eq "^$CORPUS/desc/$1\\.yaml	invalid	$CORPUS/desc/$1\\.yaml:$2" desc-verdicts.txt
}
check "duplicate key: line, column, field, first place" said bad-dup-dtype "2:1: dtype: duplicate key \\(first given at line 1, column 1\\)"
check "duplicate key in part:" said bad-dup-part "2:49: part.rank: duplicate key"
check "garbage after the document" said bad-trailing-garbage "1:30: text after the end of the document"
check "a second document" said bad-second-doc "2:1: a second document"
check "NUL in a string" said bad-nul-dtype "1:8: dtype: contains a NUL character"
check "a tag" said bad-tag-custom "1:8: dtype: tags \\(!custom\\) are not allowed"
check "an alias" said bad-anchor "1:8: dtype: anchors"
check "a leading zero" said bad-octal-shape "2:9: shape\\[0\\]: '01000' is not a plain decimal number"

# ---- sizes: 1 MiB is the cap, for descriptors and job files alike (the files made at the top)
check "a 1 MiB descriptor is exactly 1 MiB" test "$(wc -c <max.yaml)" -eq 1048576
# the C loader's verdict now, the schema's deferred (schema_check.py both)
"$YAMLCHECK" desc max.yaml >c.max.txt
defer "1 MiB descriptor: both accept" both c.max.txt '\tvalid' "$PARIO_SRCDIR/schemas/dataset.schema.yaml" max.yaml valid
"$YAMLCHECK" desc over.yaml >c.over.txt
defer "1 MiB + 1 descriptor: both refuse" both c.over.txt 'larger than 1 MiB' "$PARIO_SRCDIR/schemas/dataset.schema.yaml" over.yaml invalid
"$YAMLCHECK" job jobmax.yaml >c.jobmax.txt
defer "1 MiB job file: both accept" both c.jobmax.txt '\tvalid' "$PARIO_SRCDIR/schemas/job.schema.yaml" jobmax.yaml valid
"$YAMLCHECK" job jobover.yaml >c.jobover.txt
defer "1 MiB + 1 job file: both refuse" both c.jobover.txt 'larger than 1 MiB' "$PARIO_SRCDIR/schemas/job.schema.yaml" jobover.yaml invalid

# ---- 100,000 nested brackets (200 KB) are refused at depth 33, at once (the files made at the top)
# (CPU seconds, user and system, of the two runs: 0.15 s here, and the same
# beside busy processes, whose wall time (0.4-1.5 s beside 4 busy loops) came
# near the 3 s a check of whole seconds allowed; the quadratic parse it guards
# against spent 28 s of CPU a file, at least 10 each before its timeout)
TIMEFORMAT='%U %S'
cpu=$( { time { timeout 10 "$YAMLCHECK" desc deep.yaml >deep.txt; timeout 10 "$YAMLCHECK" job deepjob.yaml >>deep.txt; } 2>&3; } 3>&2 2>&1)
unset TIMEFORMAT
check "deep nesting refused within 2 s of CPU (took $cpu s user, system; was 28 s)" awk -v t="$cpu" 'BEGIN { split(t, a, " "); exit !(a[1] + a[2] <= 2) }'
check "deep nesting: the message says where and why" \
  grep -Eq '^deep\.yaml	invalid	deep\.yaml:2:39: shape(\[0\]){31}: lists and mappings nested more than 32 deep$' deep.txt
check "deep job file refused too" grep -q '^deepjob.yaml	invalid	deepjob.yaml:2:.*nested more than 32 deep' deep.txt

# ---- a FIFO is refused, not waited on
mkfifo fifo.yaml
check "a FIFO descriptor is refused at once" sh -c "timeout 10 '$YAMLCHECK' desc fifo.yaml | grep -q 'not a regular file'"
check "a FIFO job file is refused at once" sh -c "timeout 10 '$YAMLCHECK' job fifo.yaml | grep -q 'not a regular file'"

# ---- through the tools, at 1 and 3 ranks: one line, the right exit code
head -c 4000 /dev/zero >small.bin
printf 'dtype: "int32\\0x"\nshape: [1000]\n' >nul.yaml
printf '{dtype: int32, shape: [1000]}garbage' >garbage.yaml
printf 'dtype: int32\nshape: [01000]\n' >octal.yaml
printf 'input: {data: "small.bin\\0zzz", descriptor: small.bin.yaml}\noperations: [sum]\n' >nuljob.yaml
printf 'input: {data: small.bin}\noperations: [sum]\noperations: [max]\n' >dupjob.yaml
printf 'input: {data: small.bin}\noperations:\t[sum]\n' >tabjob.yaml
printf 'dtype: int32\nshape: [1000,\t1]\n' >tab.yaml
for n in 1 3; do
  expect_error $n 1 '^pario-count: error: nul\.yaml:1:8: dtype: contains a NUL character' \
    pario-count --desc nul.yaml --value 0 small.bin
  expect_error $n 1 '^pario-count: error: garbage\.yaml:1:30: text after the end of the document' \
    pario-count --desc garbage.yaml --value 0 small.bin
  expect_error $n 1 "^pario-count: error: octal\\.yaml:2:9: shape\\[0\\]: '01000' is not a plain decimal" \
    pario-count --desc octal.yaml --value 0 small.bin
  expect_error $n 2 '^pario-run: error: nuljob\.yaml:1:15: input\.data: contains a NUL character' pario-run nuljob.yaml
  expect_error $n 2 '^pario-run: error: dupjob\.yaml:3:1: operations: duplicate key \(first given at line 2, column 1\)' \
    pario-run dupjob.yaml
  expect_error $n 2 '^pario-run: error: tabjob\.yaml:2:12: a tab outside quotes and comments' pario-run tabjob.yaml
  expect_error $n 1 '^pario-count: error: tab\.yaml:2:14: a tab outside quotes and comments' \
    pario-count --desc tab.yaml --value 0 small.bin
done

run_deferred "$REF"
finish
