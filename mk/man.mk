# Manual pages, generated from each tool's --help and --version by help2man, with
# the exit codes from man/common.h2m and, for the tools that read a dataset named
# on the command line (--desc, FILE.h5:/dset), its format from man/datasets.h2m;
# man/examples.awk keeps the EXAMPLES one command per line.
MAN_TOOLS = $(bin_PROGRAMS:tools/%=%)
man1_MANS = $(MAN_TOOLS:%=man/%.1)
CLEANFILES += $(man1_MANS)
EXTRA_DIST += man/common.h2m man/datasets.h2m man/names.txt man/examples.awk
MAN_DATA_TOOLS = pario-count pario-reduce pario-scatter pario-convert pario-train

man/%.1: tools/% $(srcdir)/man/common.h2m $(srcdir)/man/datasets.h2m $(srcdir)/man/names.txt $(srcdir)/man/examples.awk
	@$(MKDIR_P) man
	$(AM_V_GEN)HWLOC_COMPONENTS=-pci $(HELP2MAN) --no-info --no-discard-stderr \
	  --include=$(srcdir)/man/common.h2m \
	  $$(case " $(MAN_DATA_TOOLS) " in *" $* "*) echo --include=$(srcdir)/man/datasets.h2m;; esac) --name="$$(sed -n 's/^$*|//p' $(srcdir)/man/names.txt)" \
	  --output=$@.tmp ./tools/$* && awk -f $(srcdir)/man/examples.awk $@.tmp >$@ && rm -f $@.tmp

TESTS += tests/mpi/man.sh
EXTRA_DIST += tests/mpi/man.sh
