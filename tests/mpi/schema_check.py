"""The deferred checks of tests/mpi/schema_corpus.sh, in one process (PyYAML,
jsonschema and schemas/validate.py loaded once, not once a check): `batch LIST`,
each line DESC<TAB>CHECK then its arguments, tab-separated:
  verdicts SCHEMA CFILE FILE...   validate.py's verdict (SCHEMA) and the C loader's
      (CFILE: yamlcheck's output for the same files) on each FILE are the ones its
      name says: ok-* valid, bad-* invalid, beyond-* valid for the schema but
      refused by the loader, sample-data's valid; a refusal names FILE:LINE:COLUMN
  scalars YAMLCHECK SCALARS       yamlcheck resolve reads each line of SCALARS (plain
      scalars) as PyYAML does, through validate.py's StrictLoader and PLAIN_NUMBER
  agree SCHEMA CFILE FILE...     validate.py and the C loader (CFILE) give each FILE
      the same verdict, and neither kind is rare (files with tabs put at random)
  both CFILE CREGEX SCHEMA FILE valid|invalid   the C loader's output CFILE matches
      CREGEX, and validate.py (SCHEMA) finds FILE valid or invalid (its exit status)
Prints "ok<TAB>DESC" or "FAIL<TAB>DESC: why" for each."""
import contextlib
import importlib.util
import io
import os
import re
import subprocess

import yaml

import deferred  # tests/mpi/deferred.py: the batch loop

VALIDATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas", "validate.py")
spec = importlib.util.spec_from_file_location("validate", VALIDATE)
v = importlib.util.module_from_spec(spec)
spec.loader.exec_module(v)


def validate(schema, files):
    """(exit status, verdict lines) of validate.py SCHEMA FILES..."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = v.main([schema] + list(files))
    return rc, out.getvalue()


def verdicts(schema, cfile, *files):
    def read(text):
        return {line.split("\t")[0]: line.rstrip("\n").split("\t")[1:] for line in text.splitlines(True)}
    py, c = read(validate(schema, files)[1]), read(open(cfile).read())
    bad = []
    for f in py:
        name = os.path.basename(f)
        want_c = "valid" if name.startswith("ok-") or "/sample-data/" in f else "invalid"
        want_py = "valid" if want_c == "valid" or name.startswith("beyond-") else "invalid"
        if f not in c:
            bad.append("%s: no verdict from the C loader" % f)
            continue
        if py[f][0] != want_py:
            bad.append("%s: schema says %s, expected %s %s" % (f, py[f][0], want_py, py[f][1:]))
        if c[f][0] != want_c:
            bad.append("%s: C loader says %s, expected %s %s" % (f, c[f][0], want_c, c[f][1:]))
        # a refusal names the file, the line and the column
        if c[f][0] == "invalid" and not re.match(re.escape(f) + r":[0-9]+:[0-9]+: ", c[f][1]):
            bad.append("%s: C message lacks FILE:LINE:COLUMN: %s" % (f, c[f][1]))
    if bad or len(py) != len(files):
        return "%d files, %d verdicts, %d disagreements: %s" % (len(files), len(py), len(bad), "; ".join(bad[:10]))


def agree(schema, cfile, *files):
    """validate.py and the C loader give each file the same verdict (files
    with tabs put at random: a verdict of either kind must be common)."""
    def read(text):
        return {line.split("\t")[0]: line.split("\t")[1].rstrip("\n") for line in text.splitlines(True)}
    py, c = read(validate(schema, files)[1]), read(open(cfile).read())
    bad = ["%s: schema %s, C %s" % (f, py.get(f), c.get(f)) for f in files if py.get(f) != c.get(f) or f not in py]
    valid = sum(1 for f in files if py.get(f) == "valid")
    if bad or not len(files) // 10 <= valid <= len(files) - len(files) // 10:
        return "%d files, %d valid to the schema, %d disagreements: %s" % (len(files), valid, len(bad), "; ".join(bad[:5]))


def scalars(yamlcheck, path):
    lines = open(path).read().split("\n")[:-1]
    out = subprocess.run([yamlcheck, "resolve"], input="\n".join(lines) + "\n", capture_output=True,
                         text=True, check=True).stdout.split("\n")
    r = v.StrictLoader("")
    bad = []
    for s, got in zip(lines, out):
        tag = r.resolve(yaml.ScalarNode, s, (True, False)).rsplit(":", 1)[1]
        want = "%s %d" % (tag, 1 if v.PLAIN_NUMBER.match(s) else 0)
        if got != want:
            bad.append("%r: C says %s, PyYAML %s" % (s, got, want))
    if bad or len(out) < len(lines):
        return "%d scalars, %d differ: %s" % (len(lines), len(bad), "; ".join(bad[:10]))


def both(cfile, cregex, schema, path, want):
    c = open(cfile).read()
    if not re.search(cregex, c):
        return "the C loader said %r" % c
    rc, out = validate(schema, [path])
    if rc != (0 if want == "valid" else 1):
        return "validate.py: exit %d: %s" % (rc, out[:300])


CHECKS = {"verdicts": verdicts, "agree": agree, "scalars": scalars, "both": both}


if __name__ == "__main__":
    deferred.main(deferred.by_name(CHECKS), 1000)
