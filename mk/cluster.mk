# cluster: build and test rules (included from Makefile.am)
# Running across hosts (hostfiles, ssh launcher between network namespaces) and
# under Slurm. The tests need root for namespaces and daemons and skip (77) with
# a reason where the machine forbids them.

# whereami: where each rank landed (host name and hostfile entry), for the tests.
check_PROGRAMS += tests/cluster/whereami
tests_cluster_whereami_SOURCES = tests/cluster/whereami.c

CLUSTER_TESTS = \
	tests/cluster/hostfile.sh \
	tests/cluster/netns.sh \
	tests/cluster/slurm.sh
TESTS += $(CLUSTER_TESTS)
EXTRA_DIST += $(CLUSTER_TESTS)

# The batch script and the localhost hostfile doc/clusters.md shows (both tested).
hostfileexamplesdir = $(docdir)/examples
dist_hostfileexamples_DATA = examples/hostfile.localhost
slurmexamplesdir = $(docdir)/examples/slurm
dist_slurmexamples_DATA = examples/slurm/pario.sbatch examples/slurm/pario-run.sbatch
