/* Unit tests: every suite in one process. MPI is initialised once here (singleton
 * init, no mpiexec needed), and Check must not fork: MPI does not survive fork(). */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "suites.h"

static char tmpdir[512];

const char *test_tmpdir(void) { return tmpdir; }

void test_path(char *out, size_t len, const char *name)
{
    snprintf(out, len, "%s/%s", tmpdir, name);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/pario-unit.XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        MPI_Abort(MPI_COMM_WORLD, 99);
    }
    SRunner *sr = srunner_create(dataset_suite());
    srunner_add_suite(sr, gen_suite());
    srunner_add_suite(sr, view_suite());
    srunner_add_suite(sr, misc_suite());
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    MPI_Finalize();
    return failed ? 1 : 0;
}
