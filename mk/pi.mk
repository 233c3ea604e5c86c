# pi: build and test rules (included from Makefile.am)
pkginclude_HEADERS += include/pario/pi.h include/pario/h5log.h include/pario/pi_plot.h
lib_libkernels_la_SOURCES += lib/kernels/pi.c
lib_libpario_la_SOURCES += lib/pi.c lib/pi_run.c lib/h5log.c lib/h5log_sync.c lib/h5log_sync.h lib/h5log_read.c lib/h5attr.c lib/h5attr.h lib/pi_svg.c lib/svg.c lib/svg.h

bin_PROGRAMS += tools/pario-pi tools/pario-plot
tools_pario_pi_SOURCES = tools/pario-pi.c
tools_pario_pi_LDADD = lib/libpario.la $(HDF5_LIBS) -lm
tools_pario_plot_SOURCES = tools/pario-plot.c
tools_pario_plot_LDADD = lib/libpario.la $(HDF5_LIBS) -lm

PI_TESTS = tests/mpi/pi.sh
TESTS += $(PI_TESTS)
EXTRA_DIST += $(PI_TESTS)
EXTRA_DIST += tests/mpi/pi_ref.py
