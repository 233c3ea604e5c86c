#!/usr/bin/env python3
"""Validate pario descriptors or job files against a schema, reading YAML the way
pario's loader (lib/yaml_load.c) does.

    python3 schemas/validate.py schemas/dataset.schema.yaml data.bin.yaml ...
    python3 schemas/validate.py schemas/job.schema.yaml job.yaml ...

Prints "FILE<TAB>valid" or "FILE<TAB>invalid<TAB>reason" per file; exits 1 if any
file is invalid. Needs python3-yaml and python3-jsonschema.

JSON Schema sees the data after YAML has been read, so the rules about how the
YAML is written are applied here, as the C loader applies them:
  - a regular file of at most 1 MiB, holding exactly one YAML document;
  - lists and mappings nested at most 32 deep;
  - no tags (!custom, !!str), anchors (&a) or aliases (*a);
  - keys are text, and no key appears twice in a mapping;
  - no NUL character in any scalar;
  - UTF-8 (a BOM is allowed), and a %YAML directive only of version 1.1 or 1.2;
  - no tab but in comments, quoted scalars and block scalars (| and >): PyYAML
    refuses the others by itself, and the C loader refuses them as well;
  - a plain scalar that YAML 1.1 reads as a number is written in plain decimal:
    -?(0|[1-9][0-9]*) or -?(0|[1-9][0-9]*).[0-9]*([eE][-+][0-9]+)? -- not 01000
    (octal 512 to YAML 1.1, 1000 to YAML 1.2), 0x10, 1_000, 1:20, +5, .5, .inf;
  - dates are text (YAML 1.1 timestamps are not resolved), as are "=" and "<<";
  - "integer" means written as an integer: 1000.0 is a number, not an integer.
"""
import os
import re
import sys

import jsonschema
import yaml

MAX_BYTES = 1 << 20
MAX_DEPTH = 32
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
STR_TAG = "tag:yaml.org,2002:str"
PLAIN_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]*([eE][-+][0-9]+)?)?\Z")


class StrictLoader(yaml.SafeLoader):
    """SafeLoader without timestamps, "=" and "<<", refusing duplicate and non-text keys."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key, _ in node.value:
            where = "line %d, column %d" % (key.start_mark.line + 1, key.start_mark.column + 1)
            if not isinstance(key, yaml.ScalarNode) or key.tag != STR_TAG:
                raise yaml.constructor.ConstructorError(None, None, "keys must be text (%s)" % where,
                                                        key.start_mark)
            if key.value in seen:
                raise yaml.constructor.ConstructorError(None, None, "duplicate key %r (%s, first at %s)"
                                                        % (key.value, where, seen[key.value]), key.start_mark)
            seen[key.value] = where
        return super().construct_mapping(node, deep)


StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers
            if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value", "tag:yaml.org,2002:merge")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def block_scalar_tabs(text, ev, where):
    """libyaml refuses a tab where a block scalar's (| or >) indentation is
    expected: before its first line with text, and on a later line before the
    indentation; PyYAML reads it as text."""
    lines = text[ev.start_mark.index:ev.end_mark.index].split("\n")
    head = re.match(r"[|>][+-]?([1-9]?)", lines[0])
    start = text.rfind("\n", 0, ev.start_mark.index) + 1
    base = len(text[start:]) - len(text[start:].lstrip(" "))
    indent = base + int(head.group(1)) if head and head.group(1) else 0
    for line in lines[1:]:
        k = len(line) - len(line.lstrip(" "))
        if (not indent or k < indent) and line[k:k + 1] == "\t":
            raise ValueError("a tab where a block scalar's indentation is expected (%s)" % where)
        if not indent and line[k:].strip():
            indent = k   # the first line with text sets it


def check_events(text):
    """The rules a YAML reader does not apply by itself; raises ValueError."""
    resolver = StrictLoader("")
    depth = docs = 0
    for ev in yaml.parse(text, Loader=StrictLoader):
        where = "line %d, column %d" % (ev.start_mark.line + 1, ev.start_mark.column + 1)
        if isinstance(ev, yaml.DocumentStartEvent):
            docs += 1
            if docs > 1:
                raise ValueError("a second document (%s)" % where)
            if ev.version is not None and tuple(ev.version) not in ((1, 1), (1, 2)):
                # PyYAML reads %YAML 1.3 with a warning; libyaml refuses it
                raise ValueError("%%YAML %d.%d: only 1.1 and 1.2 (%s)" % (tuple(ev.version) + (where,)))
        elif isinstance(ev, yaml.AliasEvent):
            raise ValueError("aliases are not allowed (%s)" % where)
        elif isinstance(ev, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
            if ev.anchor is not None:
                raise ValueError("anchors are not allowed (%s)" % where)
            if ev.tag is not None:
                raise ValueError("tags are not allowed (%s)" % where)
            if isinstance(ev, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ValueError("nested more than %d deep (%s)" % (MAX_DEPTH, where))
            else:
                if "\0" in ev.value:
                    raise ValueError("NUL in a scalar (%s)" % where)
                if ev.style in ("|", ">") and "\t" in text:
                    block_scalar_tabs(text, ev, where)
                if ev.style is None:  # plain
                    tag = resolver.resolve(yaml.ScalarNode, ev.value, (True, False))
                    if tag in (INT_TAG, FLOAT_TAG) and not PLAIN_NUMBER.match(ev.value):
                        raise ValueError("%r is not a plain decimal number (%s)" % (ev.value, where))
        elif isinstance(ev, yaml.CollectionEndEvent):
            depth -= 1


def load(path):
    """The document in path, read as pario reads it; raises ValueError."""
    st = os.stat(path)
    if not os.path.isfile(path):
        raise ValueError("not a regular file")
    if st.st_size > MAX_BYTES:
        raise ValueError("larger than 1 MiB")
    with open(path, "rb") as f:
        raw = f.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ValueError("larger than 1 MiB")
    try:
        text = raw.decode("utf-8")
        check_events(text)
        return yaml.load(text, Loader=StrictLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise ValueError("not valid YAML: %s" % str(e).replace("\n", " "))


def ecma_pattern(validator, pattern, instance, schema):
    """JSON Schema's patterns are ECMA 262 regular expressions, whose $ (no
    multiline flag) matches only at the end; Python's also matches before a
    final newline, so "block\\n" passed '^(block|...)$' (the tools refuse it)."""
    if not validator.is_type(instance, "string"):
        return
    if not re.search(re.sub(r"(?<!\\)\$", r"\\Z", pattern), instance):
        yield jsonschema.ValidationError("%r does not match %r" % (instance, pattern))


def validator(schema):
    base = jsonschema.Draft202012Validator
    base.check_schema(schema)
    types = base.TYPE_CHECKER.redefine(
        "integer", lambda checker, x: isinstance(x, int) and not isinstance(x, bool))
    return jsonschema.validators.extend(base, {"pattern": ecma_pattern}, type_checker=types)(schema)


def verdict(v, path):
    """None when path is valid, else the reason."""
    try:
        doc = load(path)
    except (OSError, ValueError) as e:
        return str(e)
    errors = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        return "%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(top)", e.message)
    return None


def main(argv):
    if len(argv) < 2:
        print("usage: validate.py SCHEMA FILE...", file=sys.stderr)
        return 2
    with open(argv[0]) as f:
        v = validator(yaml.safe_load(f))
    bad = 0
    for path in argv[1:]:
        why = verdict(v, path)
        if why is None:
            print("%s\tvalid" % path)
        else:
            bad += 1
            print("%s\tinvalid\t%s" % (path, why))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
