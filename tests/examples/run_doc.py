"""Run the commands of a markdown document and check their outputs, so the
document cannot go stale.

A command block is a fenced block whose info string is `sh test`, optionally
with `exit=N` (the status it must end with; default 0). Its commands run in a
fresh `bash -e -o pipefail` in the working directory (files persist from block
to block, shell variables do not), with a time bound.

The fenced block right after it, if its info string is `text output`, is the
output the commands must print on stdout; `text output stderr` checks stderr
instead. Modifiers: `unordered` (lines in any order: ranks print in any order).
In expected lines `...` matches any text, and a line that is only `...`
matches any number of lines (ordered blocks only).

Every `sh` block must be marked: `sh test`, or `sh no-test` for commands that
cannot run here (a cluster, a scheduler); those are counted and listed.

Usage: run_doc.py DOC.md   (run from the directory the commands expect)
Environment: DOC_TIMEOUT (seconds per block, default 120), VERBOSE.
"""
import os
import re
import subprocess
import sys

FENCE = re.compile(r"^(`{3,})(.*)$")


def blocks(text):
    """(line number, info words, body) of each fenced block."""
    out, lines, i = [], text.split("\n"), 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, info, start = m.group(1), m.group(2).split(), i + 1
        i += 1
        body = []
        while i < len(lines) and not lines[i].startswith(fence):
            body.append(lines[i])
            i += 1
        out.append((start, info, "\n".join(body)))
        i += 1
    return out


def line_regex(pattern):
    return ".*".join(re.escape(part) for part in pattern.split("..."))


def matches(expected, actual, unordered):
    exp = expected.rstrip("\n").split("\n") if expected.strip() else []
    act = actual.rstrip("\n").split("\n") if actual.strip() else []
    if unordered:
        pats = [re.compile(line_regex(e) + r"\Z") for e in exp]
        used = [False] * len(pats)
        for a in act:
            for k, p in enumerate(pats):
                if not used[k] and p.match(a):
                    used[k] = True
                    break
            else:
                return False
        return all(used)
    parts = [r"(?:[^\n]*\n)*?" if e == "..." else line_regex(e) + r"\n" for e in exp]
    return re.fullmatch("".join(parts), "\n".join(act) + "\n" if act else "") is not None


def main(path):
    doc = open(path).read()
    bl = blocks(doc)
    timeout = int(os.environ.get("DOC_TIMEOUT", "120"))
    ran = failed = 0
    skipped = []
    for k, (line, info, body) in enumerate(bl):
        if not info or info[0] not in ("sh", "bash", "console", "shell"):
            continue
        if "no-test" in info[1:]:
            skipped.append(line)
            continue
        if "test" not in info[1:]:
            print(f"FAIL {path}:{line}: sh block not marked `test` or `no-test`")
            failed += 1
            continue
        want_exit = 0
        for w in info[1:]:
            if w.startswith("exit="):
                want_exit = int(w[5:])
        expect = None
        if k + 1 < len(bl) and bl[k + 1][1][:2] == ["text", "output"]:
            expect = bl[k + 1]
        ran += 1
        title = body.strip().split("\n")[0][:70]
        try:
            p = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", body], capture_output=True,
                               text=True, timeout=timeout)
            rc, out, err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired:
            print(f"FAIL {path}:{line}: `{title}` did not finish in {timeout} s")
            failed += 1
            continue
        problems = []
        if rc != want_exit:
            problems.append(f"exit status {rc}, expected {want_exit}")
        if expect:
            mods = expect[1][2:]
            got = err if "stderr" in mods else out
            if not matches(expect[2], got, "unordered" in mods):
                problems.append("output differs:\n--- expected ---\n" + expect[2] + "\n--- got ---\n" + got)
        if expect is None or "stderr" not in expect[1][2:]:
            # Anything on stderr the document does not show is a surprise to the reader.
            if err.strip() and want_exit == 0:
                problems.append("unexpected stderr:\n" + err)
        if problems:
            failed += 1
            print(f"FAIL {path}:{line}: `{title}`: " + "; ".join(problems))
        elif os.environ.get("VERBOSE"):
            print(f"ok {path}:{line}: `{title}`")
    print(f"{path}: {ran} command blocks run, {failed} failed, {len(skipped)} marked no-test"
          + (f" (lines {', '.join(map(str, skipped))})" if skipped else ""))
    return 1 if failed or ran == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
