# pario-train's hostile-user cases (tests/mpi/train_hostile.sh; included from Makefile.am)
TESTS += tests/mpi/train_hostile.sh
EXTRA_DIST += tests/mpi/train_hostile.sh
