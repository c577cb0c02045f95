/* SMI_CRIT_FE_NG in the exhaustive search against the one-model evidence in normal-gamma
 * mode (lib/bayes, itself tested against the dense multivariate Student-t density): every
 * subset's free energy, the ranking, the DOS, and thread independence. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sparsemi.h"
#include "testutil.h"

enum { N = 30, P = 8, ALL = (1 << P) - 1 };

static smi_dataset *random_data(uint64_t seed)
{
    double X[N * P], y[N];
    for (int i = 0; i < N * P; i++)
        X[i] = tu_uniform(&seed) * (1.0 + (i % P)) + 3.0 * (i % 3);
    for (int i = 0; i < N; i++)
        y[i] = 2.0 * X[i * P] - X[i * P + 2] + 0.4 * X[i * P + 5] + 0.3 * sin(3.0 * i);
    smi_dataset *ds = NULL;
    ck_assert_int_eq(smi_dataset_create(&ds, N, P, X, y, NULL, NULL), SMI_OK);
    return ds;
}

/* The normal-gamma free energy of one subset from the evidence module. */
static double evidence_ng(const smi_dataset *ds, const size_t *subset, size_t k, double lambda,
                          double a0, double b0, int intercept)
{
    smi_evidence *cfg;
    smi_evidence_result *ev;
    ck_assert_int_eq(smi_evidence_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_evidence_set_mode(cfg, SMI_HYPER_NG), SMI_OK);
    ck_assert_int_eq(smi_evidence_set_normal_gamma(cfg, lambda, a0, b0), SMI_OK);
    ck_assert_int_eq(smi_evidence_set_intercept(cfg, intercept), SMI_OK);
    ck_assert_int_eq(smi_evidence_run(ds, subset, k, cfg, &ev), SMI_OK);
    double F = smi_evidence_result_free_energy(ev);
    smi_evidence_result_free(ev);
    smi_evidence_free(cfg);
    return F;
}

static smi_search_result *search_ng(const smi_dataset *ds, double lambda, double a0, double b0,
                             int intercept, size_t threads)
{
    smi_search *cfg;
    smi_search_result *res;
    ck_assert_int_eq(smi_search_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_search_set_criterion(cfg, SMI_CRIT_FE_NG), SMI_OK);
    ck_assert_int_eq(smi_search_set_normal_gamma(cfg, lambda, a0, b0), SMI_OK);
    ck_assert_int_eq(smi_search_set_intercept(cfg, intercept), SMI_OK);
    ck_assert_int_eq(smi_search_set_top(cfg, ALL), SMI_OK);
    ck_assert_int_eq(smi_search_set_threads(cfg, threads), SMI_OK);
    ck_assert_msg(smi_search_run(ds, cfg, &res) == SMI_OK, "%s", smi_last_error());
    smi_search_free(cfg);
    return res;
}

static const struct { double lambda, a0, b0; int intercept; } cases[] = {
    { 1.0, 1e-6, 1e-6, 1 }, { 0.7, 2.0, 0.5, 1 }, { 25.0, 3.0, 4.0, 1 }, { 0.7, 2.0, 0.5, 0 },
};

START_TEST(every_subset_matches_the_evidence_module)
{
    smi_dataset *ds = random_data(11 + (unsigned long)_i);
    smi_search_result *res = search_ng(ds, cases[_i].lambda, cases[_i].a0, cases[_i].b0,
                                cases[_i].intercept, 1);
    ck_assert_uint_eq(smi_search_result_n_models(res), ALL);
    ck_assert_uint_eq(smi_search_result_n_top(res), ALL);
    double previous = -INFINITY;
    for (size_t r = 0; r < ALL; r++) {
        size_t f[P], k;
        double value;
        ck_assert_int_eq(smi_search_result_model(res, r, P, f, NULL, &k, &value, NULL, NULL), SMI_OK);
        double want = evidence_ng(ds, f, k, cases[_i].lambda, cases[_i].a0, cases[_i].b0,
                                  cases[_i].intercept);
        ck_assert_msg(fabs(value - want) <= 1e-9 * fmax(1.0, fabs(want)),
                      "rank %zu: search %.15g, evidence %.15g", r, value, want);
        ck_assert(value >= previous);
        previous = value;
    }
    /* The DOS holds every scored subset. */
    size_t nb = smi_search_result_n_bins(res);
    double *edges = malloc((nb + 1) * sizeof *edges);
    uint64_t *counts = malloc((nb + 1) * sizeof *counts), total = 0;
    ck_assert_int_eq(smi_search_result_dos(res, nb + 1, edges, counts, NULL, NULL), SMI_OK);
    for (size_t b = 0; b < nb; b++)
        total += counts[b];
    ck_assert_uint_eq(total, ALL);
    free(edges);
    free(counts);
    smi_search_result_free(res);
    smi_dataset_free(ds);
}
END_TEST

START_TEST(threads_give_identical_results)
{
    smi_dataset *ds = random_data(5);
    smi_search_result *one = search_ng(ds, 0.7, 2.0, 0.5, 1, 1);
    smi_search_result *two = search_ng(ds, 0.7, 2.0, 0.5, 1, 2);
    smi_search_result *seven = search_ng(ds, 0.7, 2.0, 0.5, 1, 7);
    for (size_t r = 0; r < ALL; r++) {
        double a, b, c;
        smi_search_result_model(one, r, 0, NULL, NULL, NULL, &a, NULL, NULL);
        smi_search_result_model(two, r, 0, NULL, NULL, NULL, &b, NULL, NULL);
        smi_search_result_model(seven, r, 0, NULL, NULL, NULL, &c, NULL, NULL);
        ck_assert(memcmp(&a, &b, sizeof a) == 0 && memcmp(&a, &c, sizeof a) == 0);
    }
    smi_search_result_free(one);
    smi_search_result_free(two);
    smi_search_result_free(seven);
    smi_dataset_free(ds);
}
END_TEST

START_TEST(bad_prior_is_refused)
{
    smi_search *cfg;
    ck_assert_int_eq(smi_search_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_search_set_normal_gamma(cfg, 0.0, 1.0, 1.0), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_normal_gamma(cfg, 1.0, -1.0, 1.0), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_normal_gamma(cfg, 1.0, 1.0, NAN), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_normal_gamma(NULL, 1.0, 1.0, 1.0), SMI_EINVAL);
    int crit = -1;
    ck_assert_int_eq(smi_criterion_from_name("fe-ng", &crit), SMI_OK);
    ck_assert_int_eq(crit, SMI_CRIT_FE_NG);
    ck_assert_str_eq(smi_criterion_name(SMI_CRIT_FE_NG), "fe-ng");
    smi_search_free(cfg);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("search-ng");
    TCase *tc = tcase_create("fe-ng");
    tcase_add_loop_test(tc, every_subset_matches_the_evidence_module, 0,
                        sizeof cases / sizeof cases[0]);
    tcase_add_test(tc, threads_give_identical_results);
    tcase_add_test(tc, bad_prior_is_refused);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    SRunner *runner = srunner_create(s);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
