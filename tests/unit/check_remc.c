/* Replica exchange against the exact answer of the exhaustive search on the same data and
 * bins: the DOS (|ln D_remc - ln D_exact| <= 0.1 in every bin holding at least 1e-4 of the
 * models, with the default sweeps), its normalisation to the exact number of states, the
 * best model, the stationary distribution at inverse temperature 1 (posterior inclusion
 * against the exact posterior), and the same bits for any thread count. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sparsemi.h"
#include "testutil.h"

enum { N = 60, MAX_P = 24 };

static smi_dataset *data(size_t p, uint64_t seed)
{
    double X[N * MAX_P], y[N];
    for (size_t i = 0; i < N * p; i++)
        X[i] = tu_uniform(&seed) - 0.5;
    for (size_t i = 0; i < N; i++)
        y[i] = X[i * p] - 2.0 * X[i * p + 1] + 0.5 * X[i * p + 2]
               + 0.3 * (tu_uniform(&seed) - 0.5);
    smi_dataset *ds;
    ck_assert_int_eq(smi_dataset_create(&ds, N, p, X, y, NULL, NULL), SMI_OK);
    return ds;
}

typedef struct request {
    size_t p;
    int criterion;
    size_t min_size, max_size;
    size_t threads;
} request;

static smi_search *search_config(const request *rq)
{
    smi_search *cfg;
    ck_assert_int_eq(smi_search_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_search_set_criterion(cfg, rq->criterion), SMI_OK);
    ck_assert_int_eq(smi_search_set_size_range(cfg, rq->min_size, rq->max_size), SMI_OK);
    ck_assert_int_eq(smi_search_set_bins(cfg, 32), SMI_OK);
    if (rq->criterion == SMI_CRIT_FE_OPT || rq->criterion == SMI_CRIT_FE_MARG)
        ck_assert_int_eq(smi_search_set_ratio_grid(cfg, 1e-3, 1e3, 9), SMI_OK);
    return cfg;
}

typedef struct exact {
    size_t nb;
    double edges[65];
    uint64_t counts[64];
    uint64_t total;
    size_t best[MAX_P], best_k;
    double best_value;
} exact;

static void exhaustive(const smi_dataset *ds, smi_search *cfg, exact *ex)
{
    smi_search_result *res;
    ck_assert_int_eq(smi_search_run(ds, cfg, &res), SMI_OK);
    ex->nb = smi_search_result_n_bins(res);
    ck_assert_uint_le(ex->nb, 64);
    uint64_t below, above;
    ck_assert_int_eq(smi_search_result_dos(res, 65, ex->edges, ex->counts, &below, &above), SMI_OK);
    ex->total = smi_search_result_n_models(res);
    ck_assert_int_eq(smi_search_result_model(res, 0, MAX_P, ex->best, NULL, &ex->best_k, &ex->best_value,
                                      NULL, NULL), SMI_OK);
    smi_search_result_free(res);
    /* the replica exchange on the same bins */
    ck_assert_int_eq(smi_search_set_bin_edges(cfg, ex->edges, ex->nb + 1), SMI_OK);
}

static smi_remc_result *remc(const smi_dataset *ds, const smi_search *cfg, size_t threads)
{
    smi_remc *rc;
    smi_remc_result *res;
    ck_assert_int_eq(smi_remc_create(&rc), SMI_OK);
    ck_assert_int_eq(smi_remc_set_threads(rc, threads), SMI_OK);
    ck_assert_msg(smi_remc_run(ds, cfg, rc, &res) == SMI_OK, "%s", smi_last_error());
    smi_remc_free(rc);
    return res;
}

static double log_choose_sum(size_t q, size_t lo, size_t hi)
{
    double sum = 0.0;
    for (size_t s = lo; s <= hi; s++)
        sum += exp(lgamma(q + 1.0) - lgamma(s + 1.0) - lgamma(q - s + 1.0));
    return log(sum);
}

static void check_against_exact(const request *rq)
{
    smi_dataset *ds = data(rq->p, 1000 + rq->p);
    smi_search *cfg = search_config(rq);
    if (rq->criterion == SMI_CRIT_CV)
        ck_assert_int_eq(smi_search_set_folds(cfg, 5, 1, 7), SMI_OK);
    exact ex;
    exhaustive(ds, cfg, &ex);
    smi_remc_result *res = remc(ds, cfg, 2);
    ck_assert_uint_eq(smi_remc_result_n_bins(res), ex.nb);
    double log_d[64], err[64], sum = 0.0;
    ck_assert_int_eq(smi_remc_result_dos(res, 65, NULL, log_d, err), SMI_OK);
    for (size_t b = 0; b < ex.nb; b++) {
        if (isfinite(log_d[b]))
            sum += exp(log_d[b]);
        if ((double)ex.counts[b] < 1e-4 * (double)ex.total)
            continue;
        double want = log((double)ex.counts[b]);
        ck_assert_msg(fabs(log_d[b] - want) <= 0.1, "p %zu bin %zu: ln D %.4f, exact %.4f "
                      "(standard error %.3f)", rq->p, b, log_d[b], want, err[b]);
    }
    /* every subset of the space lies inside the exact DOS's edges: the sum is all of them */
    size_t kmax = rq->max_size ? rq->max_size : rq->p;
    double states = exp(log_choose_sum(rq->p, rq->min_size, kmax));
    ck_assert_msg(fabs(smi_remc_result_n_states(res) - states) <= 1e-12 * states, "states");
    ck_assert_msg(fabs(sum - states) <= 1e-12 * states, "sum of the DOS %.17g, states %.17g",
                  sum, states);
    size_t f[MAX_P], k;
    double value;
    ck_assert_int_eq(smi_remc_result_model(res, 0, MAX_P, f, &k, &value), SMI_OK);
    ck_assert_uint_eq(k, ex.best_k);
    ck_assert_mem_eq(f, ex.best, k * sizeof *f);
    ck_assert_msg(fabs(value - ex.best_value) <= 1e-9 * fabs(ex.best_value), "best value");
    smi_remc_result_free(res);
    smi_search_free(cfg);
    smi_dataset_free(ds);
}

static const request exact_cases[] = {
    { 16, SMI_CRIT_BIC, 1, 0, 0 },
    { 20, SMI_CRIT_BIC, 1, 0, 0 },
    { 16, SMI_CRIT_BIC, 1, 4, 0 },
    { 20, SMI_CRIT_BIC, 1, 4, 0 },
    { 16, SMI_CRIT_FE, 1, 0, 0 },
    { 16, SMI_CRIT_AIC, 3, 3, 0 }, /* size exactly 3: swap moves */
    { 14, SMI_CRIT_FE_MARG, 1, 0, 0 }, /* one chain per ratio of the grid */
    { 14, SMI_CRIT_FE_OPT, 1, 5, 0 },
    { 12, SMI_CRIT_CV, 1, 0, 0 },  /* one chain per training set and the held-out rows */
    { 12, SMI_CRIT_LOO, 1, 6, 0 },
};

START_TEST(dos_and_best_match_the_exhaustive_search)
{
    check_against_exact(&exact_cases[_i]);
}
END_TEST

START_TEST(same_bits_for_any_thread_count)
{
    smi_dataset *ds = data(14, 7);
    request rq = { 14, SMI_CRIT_BIC, 1, 0, 0 };
    smi_search *cfg = search_config(&rq);
    smi_remc *rc;
    ck_assert_int_eq(smi_remc_create(&rc), SMI_OK);
    ck_assert_int_eq(smi_remc_set_sweeps(rc, 400, 100), SMI_OK);
    smi_remc_result *res[3];
    size_t threads[3] = { 1, 2, 3 };
    for (size_t i = 0; i < 3; i++) {
        ck_assert_int_eq(smi_remc_set_threads(rc, threads[i]), SMI_OK);
        ck_assert_int_eq(smi_remc_run(ds, cfg, rc, &res[i]), SMI_OK);
    }
    size_t nb = smi_remc_result_n_bins(res[0]), ns = smi_remc_result_n_sweeps(res[0]);
    double *a = malloc(ns * sizeof *a), *b = malloc(ns * sizeof *b);
    for (size_t i = 1; i < 3; i++) {
        double la[64], lb[64], ea[64], eb[64];
        ck_assert_uint_eq(smi_remc_result_n_bins(res[i]), nb);
        smi_remc_result_dos(res[0], 65, NULL, la, ea);
        smi_remc_result_dos(res[i], 65, NULL, lb, eb);
        ck_assert_mem_eq(la, lb, nb * sizeof *la);
        ck_assert_mem_eq(ea, eb, nb * sizeof *ea);
        for (size_t r = 0; r < smi_remc_result_n_replicas(res[0]); r++) {
            smi_remc_result_trace(res[0], r, ns, a);
            smi_remc_result_trace(res[i], r, ns, b);
            ck_assert_mem_eq(a, b, ns * sizeof *a);
        }
    }
    free(a), free(b);
    for (size_t i = 0; i < 3; i++)
        smi_remc_result_free(res[i]);
    smi_remc_free(rc);
    smi_search_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

/* At inverse temperature 1 the fe chain samples the posterior: each feature's inclusion
 * frequency against the exact posterior inclusion of the exhaustive search, within 4
 * standard errors (the samples are correlated: the error assumes one independent sample
 * per 10 sweeps, which the measured autocorrelation of this small chain stays under). */
START_TEST(stationary_distribution_is_the_posterior)
{
    enum { P = 6, SWEEPS = 200000 };
    smi_dataset *ds = data(P, 3);
    request rq = { P, SMI_CRIT_FE, 1, 0, 0 };
    smi_search *cfg = search_config(&rq);
    ck_assert_int_eq(smi_search_set_fe_hyper(cfg, 0.5, 20.0), SMI_OK);
    smi_search_result *ex;
    ck_assert_int_eq(smi_search_run(ds, cfg, &ex), SMI_OK);
    double want[P], got[P];
    ck_assert_int_eq(smi_search_result_posterior_inclusion(ex, P, want), SMI_OK);
    smi_remc *rc;
    smi_remc_result *res;
    static const double ladder[] = { 0.0, 0.5, 1.0 };
    ck_assert_int_eq(smi_remc_create(&rc), SMI_OK);
    ck_assert_int_eq(smi_remc_set_ladder(rc, ladder, 3), SMI_OK);
    ck_assert_int_eq(smi_remc_set_sweeps(rc, SWEEPS, 1000), SMI_OK);
    ck_assert_int_eq(smi_remc_run(ds, cfg, rc, &res), SMI_OK);
    ck_assert_int_eq(smi_remc_result_posterior_inclusion(res, P, got), SMI_OK);
    for (size_t j = 0; j < P; j++) {
        double se = sqrt(fmax(want[j] * (1.0 - want[j]), 1e-4) / (SWEEPS / 10.0));
        ck_assert_msg(fabs(got[j] - want[j]) <= 4.0 * se, "feature %zu: sampled %.5f, exact "
                      "%.5f (4 se = %.5f)", j, got[j], want[j], 4.0 * se);
    }
    smi_remc_result_free(res);
    smi_remc_free(rc);
    smi_search_result_free(ex);
    smi_search_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

/* Tuning during the burn-in evens out the exchange rates: their spread (largest over
 * smallest) shrinks against the geometric ladder, and the DOS stays as accurate. */
START_TEST(tuning_evens_the_exchange_rates)
{
    request rq = { 16, SMI_CRIT_BIC, 1, 0, 0 };
    smi_dataset *ds = data(16, 1016);
    smi_search *cfg = search_config(&rq);
    exact ex;
    exhaustive(ds, cfg, &ex);
    double spread[2];
    for (int tune = 0; tune < 2; tune++) {
        smi_remc *rc;
        smi_remc_result *res;
        ck_assert_int_eq(smi_remc_create(&rc), SMI_OK);
        ck_assert_int_eq(smi_remc_set_tuning(rc, tune), SMI_OK);
        ck_assert_int_eq(smi_remc_set_threads(rc, 2), SMI_OK);
        ck_assert_int_eq(smi_remc_run(ds, cfg, rc, &res), SMI_OK);
        double rates[15], lo = 1.0, hi = 0.0, betas[16], log_d[64];
        ck_assert_int_eq(smi_remc_result_exchange_rates(res, 15, rates), SMI_OK);
        for (size_t i = 0; i < 15; i++)
            lo = fmin(lo, rates[i]), hi = fmax(hi, rates[i]);
        spread[tune] = hi / lo;
        ck_assert_int_eq(smi_remc_result_ladder(res, 16, betas), SMI_OK);
        ck_assert(betas[0] == 0.0 && betas[15] == 1.0);
        for (size_t i = 1; i < 16; i++)
            ck_assert(betas[i] > betas[i - 1]);
        ck_assert_int_eq(smi_remc_result_dos(res, 65, NULL, log_d, NULL), SMI_OK);
        for (size_t b = 0; b < ex.nb; b++)
            if ((double)ex.counts[b] >= 1e-4 * (double)ex.total)
                ck_assert_msg(fabs(log_d[b] - log((double)ex.counts[b])) <= 0.1, "bin %zu", b);
        smi_remc_result_free(res);
        smi_remc_free(rc);
    }
    ck_assert_msg(spread[1] < spread[0], "spread of the exchange rates: geometric %.3f, "
                  "tuned %.3f", spread[0], spread[1]);
    smi_search_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

START_TEST(bad_requests_are_refused)
{
    smi_dataset *ds = data(8, 5);
    request rq = { 8, SMI_CRIT_CV, 1, 0, 0 };
    smi_search *cfg = search_config(&rq);
    smi_remc *rc;
    smi_remc_result *res = (smi_remc_result *)&res;
    ck_assert_int_eq(smi_remc_create(&rc), SMI_OK);
    ck_assert_int_eq(smi_search_set_folds(cfg, N + 1, 1, 3), SMI_OK);
    ck_assert_int_eq(smi_remc_run(ds, cfg, rc, &res), SMI_EINVAL); /* more folds than rows */
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "folds"));
    ck_assert_ptr_null(res);
    size_t all[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
    ck_assert_int_eq(smi_search_set_keep(cfg, all, 8), SMI_OK);
    ck_assert_int_eq(smi_search_set_folds(cfg, 5, 1, 3), SMI_OK);
    ck_assert_int_eq(smi_remc_run(ds, cfg, rc, &res), SMI_EINVAL); /* nothing to sample */
    ck_assert_ptr_null(res);
    ck_assert_int_eq(smi_search_set_keep(cfg, NULL, 0), SMI_OK);
    static const double bad[] = { 0.0, 1.0, 0.5 };
    ck_assert_int_eq(smi_remc_set_ladder(rc, bad, 3), SMI_EINVAL);
    ck_assert_int_eq(smi_remc_set_replicas(rc, 1, 1.0), SMI_EINVAL);
    ck_assert_int_eq(smi_remc_set_replicas(rc, 4, NAN), SMI_EINVAL);
    ck_assert_int_eq(smi_remc_set_sweeps(rc, 3, 0), SMI_EINVAL);
    ck_assert_int_eq(smi_remc_run(ds, cfg, NULL, &res), SMI_EINVAL);
    smi_search_set_criterion(cfg, SMI_CRIT_BIC);
    ck_assert_int_eq(smi_remc_set_sweeps(rc, 64, 8), SMI_OK);
    ck_assert_int_eq(smi_remc_run(ds, cfg, rc, &res), SMI_OK);
    double incl[8];
    ck_assert_int_eq(smi_remc_result_posterior_inclusion(res, 8, incl), SMI_ENOTFOUND);
    smi_remc_result_free(res);
    smi_remc_free(rc);
    smi_search_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("remc");
    TCase *t = tcase_create("exact");
    tcase_set_timeout(t, 600);
    tcase_add_loop_test(t, dos_and_best_match_the_exhaustive_search, 0,
                        (int)(sizeof exact_cases / sizeof exact_cases[0]));
    tcase_add_test(t, same_bits_for_any_thread_count);
    tcase_add_test(t, stationary_distribution_is_the_posterior);
    tcase_add_test(t, tuning_evens_the_exchange_rates);
    tcase_add_test(t, bad_requests_are_refused);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
