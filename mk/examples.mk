# examples: the MPI lessons in C (examples/*.c), their tests, and the tutorial test.
# The lessons are plain MPI programs built with the same mpicc.mpich; count and
# mc_pi use the header-only counter-based generator include/pario/rng.h. They
# are installed as sources, to be read, copied and built by hand.
EXAMPLE_NAMES = hello sendrecv isend_irecv pingpong ring bcast_struct scatter_gather \
	buffers allgather_table reduce intercomm pi_manager pi_worker count mc_pi io_contig io_vector task_pool \
	shared_fp consistency external32 split_collective
EXAMPLE_SOURCES = $(EXAMPLE_NAMES:%=examples/%.c)

noinst_PROGRAMS += \
	examples/hello examples/sendrecv examples/isend_irecv examples/pingpong examples/ring \
	examples/bcast_struct examples/scatter_gather examples/buffers examples/allgather_table \
	examples/reduce examples/intercomm examples/pi_manager examples/pi_worker examples/count examples/mc_pi \
	examples/io_contig examples/io_vector examples/task_pool examples/shared_fp examples/consistency \
	examples/external32 examples/split_collective
examples_hello_SOURCES = examples/hello.c
examples_sendrecv_SOURCES = examples/sendrecv.c
examples_isend_irecv_SOURCES = examples/isend_irecv.c
examples_pingpong_SOURCES = examples/pingpong.c
examples_ring_SOURCES = examples/ring.c
examples_bcast_struct_SOURCES = examples/bcast_struct.c
examples_scatter_gather_SOURCES = examples/scatter_gather.c
examples_buffers_SOURCES = examples/buffers.c
examples_allgather_table_SOURCES = examples/allgather_table.c
examples_reduce_SOURCES = examples/reduce.c
examples_intercomm_SOURCES = examples/intercomm.c
examples_pi_manager_SOURCES = examples/pi_manager.c examples/mpmd.h
examples_pi_manager_LDADD = -lm
examples_pi_worker_SOURCES = examples/pi_worker.c examples/mpmd.h
examples_count_SOURCES = examples/count.c
examples_mc_pi_SOURCES = examples/mc_pi.c
examples_mc_pi_LDADD = -lm
examples_io_contig_SOURCES = examples/io_contig.c
examples_io_vector_SOURCES = examples/io_vector.c
examples_task_pool_SOURCES = examples/task_pool.c
examples_shared_fp_SOURCES = examples/shared_fp.c
examples_consistency_SOURCES = examples/consistency.c
examples_external32_SOURCES = examples/external32.c
examples_split_collective_SOURCES = examples/split_collective.c

exampledir = $(docdir)/examples
dist_example_DATA = $(EXAMPLE_SOURCES) examples/mpmd.h examples/args.h examples/README.md
EXTRA_DIST += examples/Makefile.lessons

# The lessons install with a Makefile, so a copy builds anywhere:
#   cp -r "$(pkg-config --variable=examplesdir pario)" lessons && make -C lessons
install-data-local: install-lessons-makefile
install-lessons-makefile:
	$(MKDIR_P) '$(DESTDIR)$(exampledir)'
	$(INSTALL_DATA) $(srcdir)/examples/Makefile.lessons '$(DESTDIR)$(exampledir)/Makefile'
uninstall-local: uninstall-lessons-makefile
uninstall-lessons-makefile:
	rm -f '$(DESTDIR)$(exampledir)/Makefile'
.PHONY: install-lessons-makefile uninstall-lessons-makefile

# The guides and the schemas install too (the tutorial is read from an install).
guidedir = $(docdir)
dist_guide_DATA = doc/tutorial.md doc/architecture.md
schemadir = $(pkgdatadir)/schemas
dist_schema_DATA = schemas/dataset.schema.yaml schemas/job.schema.yaml

EXAMPLE_TESTS = \
	tests/examples/point_to_point.sh \
	tests/examples/collectives.sh \
	tests/examples/spawn.sh \
	tests/examples/count_pi.sh \
	tests/examples/mpiio.sh \
	tests/examples/task_pool.sh \
	tests/examples/mpiio_more.sh \
	tests/examples/tutorial.sh
TESTS += $(EXAMPLE_TESTS)
EXTRA_DIST += $(EXAMPLE_TESTS) tests/examples/lib.sh tests/examples/reference.py \
	tests/examples/run_doc.py
