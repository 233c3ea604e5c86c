/* The training shuffle: a permutation of 0..n-1 for every n, seed and epoch
 * (including n = 1, powers of 4 and their neighbours, where the Feistel domain
 * is exact or nearly 4n), different between epochs, and the models' gradient
 * terms summed the same whether buffered in blocks or added one by one. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "pario/train.h"
#include "train_model.h"

START_TEST(perm_is_a_permutation)
{
    const uint64_t ns[] = { 1, 2, 3, 4, 5, 15, 16, 17, 61, 63, 64, 65, 1000, 4095, 4096, 4097, 100003 };
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
        uint64_t n = ns[k];
        unsigned char *seen = calloc(n, 1);
        for (uint64_t seed = 0; seed < 3; seed++)
            for (uint64_t e = 0; e < 3; e++) {
                memset(seen, 0, n);
                pario_perm p;
                pario_perm_init(&p, n, seed, e);
                for (uint64_t i = 0; i < n; i++) {
                    uint64_t v = pario_perm_at(&p, i);
                    ck_assert_uint_lt(v, n);
                    ck_assert_int_eq(seen[v], 0);
                    seen[v] = 1;
                }
            }
        free(seen);
    }
}
END_TEST

START_TEST(epochs_differ)
{
    pario_perm a, b;
    pario_perm_init(&a, 1000, 7, 0);
    pario_perm_init(&b, 1000, 7, 1);
    int same = 0;
    for (uint64_t i = 0; i < 1000; i++)
        same += pario_perm_at(&a, i) == pario_perm_at(&b, i);
    ck_assert_int_lt(same, 20);
}
END_TEST

START_TEST(blocked_terms_equal_direct)
{
    enum { F = 3, K = 4, NW = K * (F + 1), N = 300 };
    double w[NW], z[K], x[F];
    for (int i = 0; i < NW; i++)
        w[i] = (i % 5 - 2) * 0.37 + 1e-3 * i;
    static pario_xsum g1[NW], g2[NW];
    static double buf[NW * 64];
    for (int i = 0; i < NW; i++)
        pario_xsum_init(&g1[i]), pario_xsum_init(&g2[i]);
    pario_gradbuf direct = { g1, NULL, 0, 0, NW }, blocked = { g2, buf, 64, 0, NW };
    for (int s = 0; s < N; s++) {
        for (int j = 0; j < F; j++)
            x[j] = (double)((s * 7919 + j * 104729) % 1000) / 37.0 - 13.0 + (j == 1 ? 1e12 * (s % 3 == 0) : 0);
        int ok;
        pario_train_sample(PARIO_TRAIN_SOFTMAX, w, F, K, x, s % K, &direct, z, &ok);
        pario_train_sample(PARIO_TRAIN_SOFTMAX, w, F, K, x, s % K, &blocked, z, &ok);
        if (++blocked.m == blocked.ld)
            pario_gradbuf_flush(&blocked);
    }
    pario_gradbuf_flush(&blocked);
    for (int i = 0; i < NW; i++)
        ck_assert(pario_xsum_round(&g1[i]) == pario_xsum_round(&g2[i]));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("train");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, perm_is_a_permutation);
    tcase_add_test(tc, epochs_differ);
    tcase_add_test(tc, blocked_terms_equal_direct);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
