/* The runner the stand-alone Check programs share (tests/unit/test_*.c): the
 * suite's tests run in this process (no fork: some have MPI initialised, and a
 * forked child must not touch it); 1 if any failed, else 0. */
#ifndef PARIO_CHECK_RUN_H
#define PARIO_CHECK_RUN_H
#include <check.h>

static inline int pario_check_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

#endif
