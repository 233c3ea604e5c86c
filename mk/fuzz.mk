# fuzz: libFuzzer harnesses (tests/fuzz/fuzz_*.c) for the descriptor and job
# loaders and the parsers of sizes, counts (values, ranges, value lists, operation
# lists) and distributions. `make fuzz` builds them with clang as MPICH's compiler
# (MPICH_CC=$(FUZZ_CLANG)): the library's sources go into tests/fuzz/libpario-fuzz.a
# instrumented with -fsanitize=fuzzer-no-link,address,undefined, each harness links
# it with -fsanitize=fuzzer,address,undefined. tests/fuzz/run.sh runs them.
# A tree whose CFLAGS already instrument for it (scripts/sanitize.sh's build-asan
# with clang: -fsanitize=fuzzer-no-link,address,undefined) archives its own
# library objects instead of compiling the sources again.
FUZZ_NAMES = desc job size count dist
FUZZ_PROGS = $(FUZZ_NAMES:%=tests/fuzz/fuzz_%)
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -g1 -O1 -fno-omit-frame-pointer $(FUZZ_SAN) -I$(top_srcdir)/include -I$(top_builddir) \
	$(YAML_CFLAGS) $(HDF5_CFLAGS)
FUZZ_COMPILE = MPICH_CC='$(FUZZ_CLANG)' $(CC)
EXTRA_DIST += tests/fuzz/run.sh tests/fuzz/README.md tests/fuzz/corpus $(FUZZ_NAMES:%=tests/fuzz/fuzz_%.c)
CLEANFILES += $(FUZZ_PROGS) tests/fuzz/libpario-fuzz.a tests/fuzz/obj/*.o

if HAVE_FUZZ
fuzz: $(FUZZ_PROGS)

# Every library source, named at run time (fragments included later add to the lists).
# the PIC objects libtool made of the library's (and its kernels') sources
FUZZ_TREE_OBJS = $(foreach o,$(lib_libpario_la_OBJECTS) $(lib_libkernels_la_OBJECTS),$(dir $(o)).libs/$(notdir $(o:.lo=.o)))
FUZZ_FROM_TREE = $(findstring fuzzer-no-link,$(CFLAGS))
tests/fuzz/libpario-fuzz.a: $(wildcard $(srcdir)/lib/*.[ch] $(srcdir)/lib/kernels/*.c $(srcdir)/include/pario/*.h) \
  $(if $(FUZZ_FROM_TREE),lib/libpario.la)
	@$(MKDIR_P) tests/fuzz/obj
	$(AM_V_GEN)rm -f $@ tests/fuzz/obj/*.o; \
	if test -n '$(FUZZ_FROM_TREE)'; then $(AR) rcs $@ $(FUZZ_TREE_OBJS); exit $$?; fi; \
	MPICH_CC='$(FUZZ_CLANG)'; export MPICH_CC; \
	for f in $(filter %.c,$(lib_libpario_la_SOURCES) $(lib_libkernels_la_SOURCES)); do echo "$$f"; done | \
	  xargs -P "$$(nproc 2>/dev/null || echo 2)" -n 1 sh -c \
	    'exec $(CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -w -c "$(srcdir)/$$1" -o "tests/fuzz/obj/$$(echo "$$1" | tr / _ | sed "s/\.c\$$/.o/")"' sh \
	  || exit 1; \
	$(AR) rcs $@ tests/fuzz/obj/*.o

tests/fuzz/fuzz_%: $(srcdir)/tests/fuzz/fuzz_%.c tests/fuzz/libpario-fuzz.a
	$(AM_V_CCLD)$(FUZZ_COMPILE) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< tests/fuzz/libpario-fuzz.a \
	  $(YAML_LIBS) $(HDF5_LIBS) -lz -lm -lpthread
else
fuzz:
	@echo "make fuzz: configure found no clang that links libFuzzer (apt-get install clang libclang-rt-14-dev, then run configure again)"; exit 1
endif
.PHONY: fuzz
