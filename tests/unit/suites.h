/* The Check suites of the unit tests, and helpers they share. */
#ifndef PARIO_TEST_SUITES_H
#define PARIO_TEST_SUITES_H

#include <check.h>

Suite *dataset_suite(void);
Suite *gen_suite(void);
Suite *view_suite(void);
Suite *misc_suite(void);

/* A scratch directory for the run (created by main), and a path inside it. */
const char *test_tmpdir(void);
void test_path(char *out, size_t len, const char *name);

#endif
