#!/bin/sh
# Every shown output of the README, the guides and sample-data/README.md is the
# tools' real output: their marked command blocks (`sh test`, see
# tests/examples/run_doc.py) run against a real `make install` into a temporary
# prefix (tests/examples/install.sh, as the tutorial test does), each document
# in a directory of its own holding a copy of sample-data/, the installed copy
# of each guide where it is installed. Guides that are pure reference (design,
# performance, tests) show no runnable output and are not run; the tutorial
# has its own test; the multi-host transcripts of clusters.md are checked by
# tests/cluster/.
. "$(dirname "$0")/lib.sh"
. "$PARIO_SRCDIR/tests/examples/install.sh"
DOCDIR=$(pkg-config --variable=docdir pario)
RUN_GUIDES="README.md datasets.md tools.md views.md reduce.md montecarlo.md text.md train.md options.md clusters.md"
# pool.md: its command blocks run in tests/mpi/pool.sh; formats.md and csv.md show commands, no checked output
REFERENCE_GUIDES="architecture.md performance.md testing.md tutorial.md pool.md formats.md csv.md"

# Each guide is installed; a guide in doc/ that is in neither list is reported,
# so a new one is not left unchecked by accident.
for g in $RUN_GUIDES $REFERENCE_GUIDES; do
  check "$g is installed in $DOCDIR" test -f "$DOCDIR/$g"
done
for f in "$PARIO_SRCDIR"/doc/*.md; do
  g=$(basename "$f")
  case " $RUN_GUIDES $REFERENCE_GUIDES " in
    *" $g "*) ;;
    *) echo "note: doc/$g is not in docs.sh's lists: its command blocks are not checked" ;;
  esac
done

# Every relative link of the README, the guides and the sample data's and
# lessons' READMEs leads to a file and, with a #fragment, to a heading of it.
# Pending: guides written on other branches at the same time (drop them from
# the list once they are merged).
if (cd "$PARIO_SRCDIR" && "$PYTHON3" tests/examples/links.py . README.md doc/*.md sample-data/README.md examples/README.md); then
  pass "links"
else fail "a link in the documents leads nowhere"; fi

# run_in DIR DOC: run DOC's command blocks in DIR, a fresh copy of sample-data/ beside them.
run_in() {
  mkdir -p "$1" && cp -r "$PARIO_SRCDIR/sample-data" "$1/" && chmod -R u+w "$1"
  if (cd "$1" && DOC_TIMEOUT=60 "$PYTHON3" "$RUNNER" "$2"); then pass "$2"
  else fail "$2: a command or its output is stale"; fi
}
for g in $RUN_GUIDES; do
  run_in "run-$g" "$DOCDIR/$g"
done
# sample-data/README.md runs inside the sample-data directory, as it says.
mkdir -p run-sample && cp -r "$PARIO_SRCDIR/sample-data" run-sample/ && chmod -R u+w run-sample
if (cd run-sample/sample-data && "$PYTHON3" "$RUNNER" README.md); then pass "sample-data/README.md"
else fail "sample-data/README.md: a command or its output is stale"; fi

finish
