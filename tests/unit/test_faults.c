/* Unit tests of the failure paths' building blocks: long messages keep their
 * reason, ROMIO's multi-line strings give their last line, local errors carry
 * the rank through pario_agree, and PARIO_FAULT fails exactly the operation it
 * names. Its own program: PARIO_FAULT is read once per process. */
#include <check.h>
#include <errno.h>
#include <mpi.h>
#include <stdlib.h>
#include <string.h>
#include "pario/fileutil.h"
#include "pario/status.h"

START_TEST(long_message_keeps_reason)
{
    char path[1200];
    memset(path, 'd', sizeof path - 1);
    path[sizeof path - 1] = '\0';
    pario_status st = pario_sys_error(ENOSPC, "write", path);
    ck_assert_uint_eq(strlen(st.msg), PARIO_MSG_MAX - 1);
    ck_assert(strncmp(st.msg, "ddd", 3) == 0);
    ck_assert_ptr_nonnull(strstr(st.msg, "d...d"));
    const char *tail = ": write: No space left on device";
    ck_assert_str_eq(st.msg + strlen(st.msg) - strlen(tail), tail);
    ck_assert_int_eq(st.local, 1);
    /* short ones are untouched */
    st = pario_error(PARIO_ERR_USAGE, "%s", "x.bin: bad");
    ck_assert_str_eq(st.msg, "x.bin: bad");
    ck_assert_int_eq(st.local, 0);
}
END_TEST

START_TEST(mpi_error_reason)
{
    /* an error class MPICH knows: the class text, whole */
    pario_status st = pario_mpi_error(MPI_ERR_NO_SPACE, "write", "g.bin");
    ck_assert_str_eq(st.msg, "g.bin: write: No space left on device");
    ck_assert_int_eq(st.local, 1);
    /* a code with a multi-line ROMIO-style string: MPI_Add_error_string on a new code */
    int cls, code;
    MPI_Add_error_class(&cls);
    MPI_Add_error_code(cls, &code);
    MPI_Add_error_string(code, "Other I/O error , error stack:\nADIOI_GEN_WRITECONTIG(81): Other I/O error "
                               "Disk on fire");
    st = pario_mpi_error(code, "write", "g.bin");
    ck_assert_str_eq(st.msg, "g.bin: write: Disk on fire");
}
END_TEST

START_TEST(agree_keeps_rank)
{
    pario_status st = pario_local_error("out of memory");
    pario_agree(&st, MPI_COMM_WORLD);
    ck_assert_int_eq(st.rank, 0);
    ck_assert_int_eq(st.local, 1);
    /* agreed again (as pario_report does): still rank 0 */
    pario_agree(&st, MPI_COMM_WORLD);
    ck_assert_int_eq(st.rank, 0);
}
END_TEST

START_TEST(fault_alloc_after)
{
    /* PARIO_FAULT=alloc:rank=0:after=2,alloc:after=4 (set by main): allocations 2 and 4 fail */
    for (int i = 0; i < 6; i++) {
        void *p = i % 2 ? pario_alloc_aligned(64) : pario_alloc(64);
        if (i == 2 || i == 4) {
            ck_assert_ptr_null(p);
            ck_assert_int_eq(errno, ENOMEM);
        } else {
            ck_assert_ptr_nonnull(p);
        }
        free(p);
    }
}
END_TEST

int main(int argc, char **argv)
{
    setenv("PARIO_FAULT", "alloc:rank=0:after=2;alloc:after=4", 1);
    MPI_Init(&argc, &argv);
    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("faults");
    tcase_add_test(tc, long_message_keeps_reason);
    tcase_add_test(tc, mpi_error_reason);
    tcase_add_test(tc, agree_keeps_rank);
    tcase_add_test(tc, fault_alloc_after);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    MPI_Finalize();
    return failed ? 1 : 0;
}
