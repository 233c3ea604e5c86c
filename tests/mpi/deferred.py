"""The loop behind every reference script's `batch LIST` (tests/mpi/lib.sh's
defer and run_deferred): each line of LIST is a description, a tab, then a
check's fields separated by tabs; all of them run in this one Python process
(a start of numpy and h5py costs about 0.15 s, more beside a busy test), and
each prints "ok<TAB>DESC" or "FAIL<TAB>DESC: why" for run_deferred to count.

    import deferred
    deferred.main(deferred.by_name(CHECKS))   # in the script's "batch" branch

A check returns what is wrong (a string or a list of strings), or nothing; an
exception it raises (a file missing or not what it should be, an assert,
argparse's exit) fails it too. What it prints is kept out of the protocol and
shown with its failure."""
import contextlib
import io
import sys


def run(listfile, check, width=1000):
    """Every check of LISTFILE through check(fields); the number that failed."""
    bad = 0
    for line in open(listfile):
        desc, *fields = line.rstrip("\n").split("\t")
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                why = check(fields)
        except SystemExit as e:  # argparse's usage error, a sys.exit in a check
            why = "exit %s" % (e.code,)
        except Exception as e:  # a file missing, or not what it should be
            why = "%s: %s" % (type(e).__name__, e)
        if isinstance(why, (list, tuple)):
            why = "; ".join(map(str, why))
        if why:
            bad += 1
            text = " ".join(("%s %s" % (out.getvalue(), why)).split())
            print("FAIL\t%s: %s" % (desc, text[:width]), flush=True)
        else:
            print("ok\t" + desc, flush=True)
    return bad


def by_name(checks):
    """A check that runs checks[fields[0]] on the other fields."""
    def check(fields):
        if not fields or fields[0] not in checks:
            return "no such check: %r (known: %s)" % (fields[:1], ", ".join(sorted(checks)))
        return checks[fields[0]](*fields[1:])
    return check


def main(check, width=1000):
    """The script's `batch LIST` command: exit 1 if any check failed."""
    if len(sys.argv) != 3 or sys.argv[1] != "batch":
        raise SystemExit("usage: %s batch LIST" % sys.argv[0])
    sys.exit(1 if run(sys.argv[2], check, width) else 0)
