"""Check the relative links of markdown documents: the file exists, and a
#fragment names a heading of it (GitHub's anchors: lower case, punctuation
dropped, spaces to hyphens).

Usage: links.py ROOT DOC.md... ; env LINKS_PENDING: paths (relative to ROOT)
that may be missing for now (guides being written on other branches).
"""
import os
import re
import sys

LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchors(path):
    out, fence = set(), False
    for line in open(path, encoding="utf-8"):
        if line.startswith("```"):
            fence = not fence
        if fence or not line.startswith("#"):
            continue
        title = line.lstrip("#").strip().lower()
        title = re.sub(r"[^\w\- ]", "", title)
        out.add(title.replace(" ", "-"))
    return out


def main(root, docs):
    pending = set(os.environ.get("LINKS_PENDING", "").split())
    bad = 0
    for doc in docs:
        text = open(doc, encoding="utf-8").read()
        text = re.sub(r"```.*?```", "", text, flags=re.S)   # links in code are not links
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, frag = target.partition("#")
            full = os.path.normpath(os.path.join(os.path.dirname(doc), path)) if path else doc
            rel = os.path.relpath(full, root)
            if not os.path.exists(full):
                if rel in pending:
                    continue
                print(f"FAIL {doc}: link to {target}: no such file")
                bad += 1
            elif frag and full.endswith(".md") and frag not in anchors(full):
                print(f"FAIL {doc}: link to {target}: no heading #{frag} in {rel}")
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
