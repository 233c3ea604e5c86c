/* lib/node.c: oversubscription from the launcher's count of local ranks against
 * the node's online CPUs (independently: sysconf here), and the MPICH setting
 * pario_node_before_init makes from it: only when the whole job (PMI_SIZE) is on
 * this node, and never over a user's own setting. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "check_run.h"
#include "node.h"

static void launched(const char *mpich, const char *ompi)
{
    if (mpich)
        setenv("PMI_SIZE", mpich, 1); /* the whole job here, unless a test says otherwise */
    else
        unsetenv("PMI_SIZE");
    if (mpich)
        setenv("MPI_LOCALNRANKS", mpich, 1);
    else
        unsetenv("MPI_LOCALNRANKS");
    if (ompi)
        setenv("OMPI_COMM_WORLD_LOCAL_SIZE", ompi, 1);
    else
        unsetenv("OMPI_COMM_WORLD_LOCAL_SIZE");
    unsetenv("MPIR_CVAR_NOLOCAL");
}

static char *num(long v)
{
    static char b[4][32];
    static int i;
    i = (i + 1) % 4;
    snprintf(b[i], sizeof b[i], "%ld", v);
    return b[i];
}

START_TEST(local_ranks_from_launcher)
{
    launched(NULL, NULL);
    ck_assert_int_eq(pario_node_local_ranks(), -1);
    launched("3", NULL);
    ck_assert_int_eq(pario_node_local_ranks(), 3);
    launched(NULL, "5");
    ck_assert_int_eq(pario_node_local_ranks(), 5);
    launched("2", "5"); /* Hydra's count first */
    ck_assert_int_eq(pario_node_local_ranks(), 2);
    launched("4x", NULL); /* not a count */
    ck_assert_int_eq(pario_node_local_ranks(), -1);
    launched("0", NULL);
    ck_assert_int_eq(pario_node_local_ranks(), -1);
    launched("", "-2");
    ck_assert_int_eq(pario_node_local_ranks(), -1);
}
END_TEST

START_TEST(oversubscribed_against_online_cpus)
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    ck_assert_int_gt(online, 0);
    launched(NULL, NULL);
    ck_assert_int_eq(pario_node_oversubscribed(), 0);
    launched(num(online), NULL);
    ck_assert_int_eq(pario_node_oversubscribed(), 0);
    launched(num(online + 1), NULL);
    ck_assert_int_eq(pario_node_oversubscribed(), 1);
    launched(NULL, num(2 * online));
    ck_assert_int_eq(pario_node_oversubscribed(), 1);
    ck_assert_int_ge(pario_node_cpus(), 1);
    ck_assert_int_le(pario_node_cpus(), online);
}
END_TEST

START_TEST(nolocal_only_when_oversubscribed)
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    launched(num(online), NULL);
    pario_node_before_init();
    ck_assert_ptr_null(getenv("MPIR_CVAR_NOLOCAL"));

    launched(num(online + 1), NULL);
    pario_node_before_init();
    ck_assert_ptr_nonnull(getenv("MPIR_CVAR_NOLOCAL"));
    ck_assert_str_eq(getenv("MPIR_CVAR_NOLOCAL"), "1");

    /* not the whole job on this node: other nodes may decide otherwise, and
     * ranks that differ fail in MPI_Init */
    launched(num(online + 1), NULL);
    setenv("PMI_SIZE", num(online + 2), 1);
    pario_node_before_init();
    ck_assert_ptr_null(getenv("MPIR_CVAR_NOLOCAL"));
    ck_assert_int_eq(pario_node_oversubscribed(), 1);

    /* the user's own setting wins */
    launched(num(online + 1), NULL);
    setenv("MPIR_CVAR_NOLOCAL", "0", 1);
    pario_node_before_init();
    ck_assert_str_eq(getenv("MPIR_CVAR_NOLOCAL"), "0");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("node");
    TCase *tc = tcase_create("node");
    tcase_add_test(tc, local_ranks_from_launcher);
    tcase_add_test(tc, oversubscribed_against_online_cpus);
    tcase_add_test(tc, nolocal_only_when_oversubscribed);
    suite_add_tcase(s, tc);
    return pario_check_run(s);
}
