/* Detailed balance of the replica-exchange move set (lib/remc/chain.c): one chain at a
 * fixed inverse temperature on p = 6 features visits each subset S of its space with a
 * long-run frequency proportional to exp(-beta E(S)), E from the exact QR refit
 * (smi_search_score_subset). Checked by a chi-square test at a fixed seed for the three kinds of
 * space: every subset (flips), sizes up to 3 (flips, swaps at the limit), size exactly 3
 * (swaps). Thinned samples (one per 10 steps) keep the test's independence assumption. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "remc/remc.h"
#include "testutil.h"

enum { N = 40, P = 6, STATES = 1 << P, STEPS = 1000000, THIN = 10 };

static smi_dataset *data(void)
{
    double X[N * P], y[N];
    uint64_t s = 11;
    for (size_t i = 0; i < N * P; i++)
        X[i] = tu_uniform(&s) - 0.5;
    for (size_t i = 0; i < N; i++)
        y[i] = X[i * P] - 0.7 * X[i * P + 2] + 0.3 * X[i * P + 4] + 0.5 * X[i * P + 5] * X[i * P];
    smi_dataset *ds;
    ck_assert_int_eq(smi_dataset_create(&ds, N, P, X, y, NULL, NULL), SMI_OK);
    return ds;
}

/* The chi-square quantile for `df` degrees of freedom at upper tail 1e-4 (Wilson and
 * Hilferty's cube-root normal approximation, z = 3.719). */
static double chi2_limit(double df)
{
    double z = 3.719, a = 2.0 / (9.0 * df);
    double c = 1.0 - a + z * sqrt(a);
    return df * c * c * c;
}

static void check_balance(size_t kmin, size_t kmax, double beta)
{
    smi_dataset *ds = data();
    smi_search *cfg;
    ck_assert_int_eq(smi_search_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_search_set_criterion(cfg, SMI_CRIT_BIC), SMI_OK);
    ck_assert_int_eq(smi_search_set_size_range(cfg, kmin, kmax), SMI_OK);
    smi_problem pb;
    ck_assert_int_eq(smi_problem_prepare_sampling(&pb, ds, cfg), SMI_OK);
    /* the target: exp(-beta E) over the space, E by the QR refit */
    double weight[STATES] = { 0 }, total = 0.0, top = INFINITY;
    double energy[STATES];
    for (unsigned m = 1; m < STATES; m++) {
        size_t f[P], k = 0;
        for (size_t j = 0; j < P; j++)
            if (m >> j & 1u)
                f[k++] = j;
        energy[m] = INFINITY;
        if (k < kmin || k > kmax)
            continue;
        ck_assert_int_eq(smi_search_score_subset(ds, cfg, f, k, &energy[m]), SMI_OK);
        top = fmin(top, energy[m]);
    }
    for (unsigned m = 1; m < STATES; m++)
        if (isfinite(energy[m]))
            total += weight[m] = exp(-beta * (energy[m] - top));
    /* the chain */
    smi_chain ch;
    ck_assert_int_eq(smi_chain_init(&ch, &pb), SMI_OK);
    size_t start[P] = { 0, 1, 2, 3, 4, 5 };
    ck_assert_int_eq(smi_chain_set(&ch, start, kmin), SMI_OK);
    smi_space sp = { .q = P, .kmin = kmin, .kmax = kmax, .swaps_only = kmin == kmax };
    smi_rng rng;
    smi_rng_seed(&rng, 2024);
    static uint64_t visits[STATES];
    memset(visits, 0, sizeof visits);
    for (size_t step = 0; step < STEPS; step++) {
        smi_chain_step(&ch, &sp, &rng, beta);
        if (step % THIN)
            continue;
        unsigned m = 0;
        for (size_t t = 0; t < ch.k; t++)
            m |= 1u << ch.members[t];
        visits[m]++;
    }
    double chi2 = 0.0, samples = STEPS / THIN;
    size_t cells = 0;
    for (unsigned m = 1; m < STATES; m++) {
        if (!isfinite(energy[m])) {
            ck_assert_msg(visits[m] == 0, "state %u outside the space was visited", m);
            continue;
        }
        double expect = samples * weight[m] / total;
        ck_assert_msg(expect >= 5.0, "state %u expects %.2f visits: lower beta", m, expect);
        chi2 += (visits[m] - expect) * (visits[m] - expect) / expect;
        cells++;
    }
    double limit = chi2_limit((double)(cells - 1));
    ck_assert_msg(chi2 <= limit, "sizes %zu-%zu: chi-square %.1f over %zu states, limit %.1f",
                  kmin, kmax, chi2, cells, limit);
    smi_chain_free(&ch);
    smi_problem_free(&pb);
    smi_search_free(cfg);
    smi_dataset_free(ds);
}

START_TEST(flips_over_every_subset)
{
    check_balance(1, P, 0.02);
}
END_TEST

START_TEST(flips_and_swaps_up_to_three)
{
    check_balance(1, 3, 0.02);
}
END_TEST

START_TEST(swaps_at_size_three)
{
    check_balance(3, 3, 0.02);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("remc-balance");
    TCase *t = tcase_create("balance");
    tcase_set_timeout(t, 300);
    tcase_add_test(t, flips_over_every_subset);
    tcase_add_test(t, flips_and_swaps_up_to_three);
    tcase_add_test(t, swaps_at_size_three);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
