/* Virtual measurement analysis against what is certain or computed here independently:
 *  - recovery at rate 1 with a huge n' and a clear model, rate 0 with n' below the model's
 *    size (no fit can hold 3 features), and the counts' identities (chosen sizes plus
 *    failures make T; at rate 1 the frequencies are the model's indicator);
 *  - the same bits for 1, 2 and 3 threads, other bits for another seed;
 *  - the generators (internal, vma.h): Gaussian rows' sample mean and covariance against the
 *    data's within a few standard errors, the normal deviates against the normal CDF
 *    (Kolmogorov-Smirnov), the noise of a zero model with sigma 1 of variance 1;
 *  - the model taken from the data: least-squares coefficients by LAPACK dgels here, the
 *    noise from smi_evidence_result_noise_sd of the same subset;
 *  - bad requests and cancellation; the LASSO-CV method at a huge n'. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"
#include "testutil.h"
#include "vma/vma.h"

void dgels_(const char *trans, const int *m, const int *n, const int *nrhs, double *a,
            const int *lda, double *b, const int *ldb, double *work, const int *lwork, int *info,
            size_t trans_len);

enum { N = 100, P = 8, MAX_S = 4 };

static const size_t truth[3] = { 0, 3, 5 };
static const double truth_coef[3] = { 2.0, -1.5, 1.0 };

/* X uniform in [-0.5, 0.5), y = 1 + the true model + noise * uniform. */
static smi_dataset *data(uint64_t seed, double noise)
{
    double X[N * P], y[N];
    for (size_t i = 0; i < N * P; i++)
        X[i] = tu_uniform(&seed) - 0.5;
    for (size_t i = 0; i < N; i++) {
        y[i] = 1.0 + noise * (tu_uniform(&seed) - 0.5);
        for (size_t t = 0; t < 3; t++)
            y[i] += truth_coef[t] * X[i * P + truth[t]];
    }
    smi_dataset *ds;
    ck_assert_int_eq(smi_dataset_create(&ds, N, P, X, y, NULL, NULL), SMI_OK);
    return ds;
}

/* A LASSO configuration with K-fold folds (VMA draws its own shuffled split of each data set:
 * only K matters). */
static smi_lasso *lasso_with_folds(size_t k)
{
    smi_lasso *lasso;
    ck_assert_int_eq(smi_lasso_create(&lasso), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_folds(lasso, k, 1, 0), SMI_OK);
    return lasso;
}

/* Method SMI_VMA_LASSO_CV with a LASSO of K folds. */
static void set_lasso_k(smi_vma *cfg, size_t k, int one_se)
{
    smi_lasso *lasso = lasso_with_folds(k);
    ck_assert_int_eq(smi_vma_set_lasso(cfg, lasso, one_se), SMI_OK);
    smi_lasso_free(lasso);
}

static smi_vma *config(const size_t *sizes, size_t n_sizes, size_t trials, size_t threads)
{
    smi_vma *cfg;
    ck_assert_int_eq(smi_vma_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_vma_set_model(cfg, truth, 3, truth_coef, 1.0, 0.1), SMI_OK);
    ck_assert_int_eq(smi_vma_set_sizes(cfg, sizes, n_sizes), SMI_OK);
    ck_assert_int_eq(smi_vma_set_trials(cfg, trials), SMI_OK);
    ck_assert_int_eq(smi_vma_set_threads(cfg, threads), SMI_OK);
    ck_assert_int_eq(smi_vma_set_seed(cfg, 42), SMI_OK);
    return cfg;
}

static smi_vma_result *run(const smi_dataset *ds, const smi_vma *cfg)
{
    smi_vma_result *res;
    int rc = smi_vma_run(ds, cfg, &res);
    ck_assert_msg(rc == SMI_OK, "smi_vma_run: %s", smi_last_error());
    return res;
}

/* Everything a result reports, for comparisons and the identities. */
typedef struct outcome {
    size_t S, T, p;
    double rate[MAX_S], freq[MAX_S * P];
    uint64_t chosen[MAX_S * (P + 1)], failures[MAX_S];
} outcome;

static void read_outcome(const smi_vma_result *res, outcome *o)
{
    memset(o, 0, sizeof *o);
    o->S = smi_vma_result_n_sizes(res);
    o->T = smi_vma_result_trials(res);
    o->p = smi_vma_result_p(res);
    ck_assert_uint_le(o->S, MAX_S);
    ck_assert_uint_eq(o->p, P);
    ck_assert_int_eq(smi_vma_result_recovery_rate(res, MAX_S, o->rate), SMI_OK);
    ck_assert_int_eq(smi_vma_result_selection_frequency(res, MAX_S * P, o->freq), SMI_OK);
    ck_assert_int_eq(smi_vma_result_chosen_size(res, MAX_S * (P + 1), o->chosen), SMI_OK);
    ck_assert_int_eq(smi_vma_result_failures(res, MAX_S, o->failures), SMI_OK);
    /* the identities: chosen sizes and failures make T; the chosen features, counted by
     * size, are the frequencies times T; recovery needs a choice */
    for (size_t s = 0; s < o->S; s++) {
        uint64_t sum = o->failures[s];
        double features = 0.0, sized = 0.0;
        for (size_t k = 0; k <= P; k++) {
            sum += o->chosen[s * (P + 1) + k];
            sized += (double)k * (double)o->chosen[s * (P + 1) + k];
        }
        for (size_t j = 0; j < P; j++)
            features += o->freq[s * P + j] * (double)o->T;
        ck_assert_uint_eq(sum, o->T);
        ck_assert_double_eq_tol(features, sized, 1e-9);
        ck_assert(o->rate[s] * (double)o->T <= (double)(o->T - o->failures[s]) + 1e-9);
    }
}

/* ---------- recovery ---------- */

START_TEST(huge_n_recovers_small_n_cannot)
{
    smi_dataset *ds = data(1, 0.1);
    const size_t sizes[3] = { 2, 4, 2000 };
    smi_vma *cfg = config(sizes, 3, 20, 2);
    smi_search *search;
    ck_assert_int_eq(smi_search_create(&search), SMI_OK);
    ck_assert_int_eq(smi_search_set_size_range(search, 1, 3), SMI_OK); /* BIC, K = 3 */
    ck_assert_int_eq(smi_vma_set_search(cfg, search), SMI_OK);
    smi_vma_result *res = run(ds, cfg);
    outcome o;
    read_outcome(res, &o);
    /* n' = 2: every subset leaves no residual degree of freedom for BIC: all fail */
    ck_assert_double_eq(o.rate[0], 0.0);
    ck_assert_uint_eq(o.failures[0], 20);
    /* n' = 4: the 3-feature model has no residual degree of freedom: never chosen */
    ck_assert_double_eq(o.rate[1], 0.0);
    ck_assert_uint_eq(o.chosen[1 * (P + 1) + 3], 0);
    /* n' = 2000: always the true subset */
    ck_assert_double_eq(o.rate[2], 1.0);
    ck_assert_uint_eq(o.failures[2], 0);
    ck_assert_uint_eq(o.chosen[2 * (P + 1) + 3], 20);
    for (size_t j = 0; j < P; j++)
        ck_assert_double_eq(o.freq[2 * P + j], (j == 0 || j == 3 || j == 5) ? 1.0 : 0.0);
    smi_vma_result_free(res);
    smi_search_free(search);
    smi_vma_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

/* All sizes: a spurious feature passes BIC's ln n' penalty with chi-square(1) probability
 * P(chi2 > ln 2000) = 0.006, so the rate is near 1, never certain; the true features are
 * never dropped. The Gaussian rows recover as the resampled ones do. */
START_TEST(all_sizes_and_gaussian_rows_recover_mostly)
{
    smi_dataset *ds = data(2, 0.1);
    const size_t sizes[1] = { 2000 };
    smi_vma *cfg = config(sizes, 1, 20, 2);
    for (int kind = SMI_VMA_RESAMPLE; kind <= SMI_VMA_GAUSSIAN; kind++) {
        ck_assert_int_eq(smi_vma_set_rows(cfg, kind), SMI_OK);
        smi_vma_result *res = run(ds, cfg);
        outcome o;
        read_outcome(res, &o);
        ck_assert_msg(o.rate[0] >= 0.8, "rows %d: rate %g", kind, o.rate[0]);
        for (size_t t = 0; t < 3; t++)
            ck_assert_double_eq(o.freq[truth[t]], 1.0);
        smi_vma_result_free(res);
    }
    smi_vma_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

/* ---------- determinism ---------- */

static void same_bits(const outcome *a, const outcome *b)
{
    ck_assert_mem_eq(a->rate, b->rate, sizeof a->rate);
    ck_assert_mem_eq(a->freq, b->freq, sizeof a->freq);
    ck_assert_mem_eq(a->chosen, b->chosen, sizeof a->chosen);
    ck_assert_mem_eq(a->failures, b->failures, sizeof a->failures);
}

static void thread_independence(int method)
{
    smi_dataset *ds = data(3, 2.0);
    const size_t sizes[3] = { 8, 15, 30 };
    smi_vma *cfg = config(sizes, 3, 12, 1);
    ck_assert_int_eq(smi_vma_set_model(cfg, truth, 3, truth_coef, 1.0, 0.8), SMI_OK);
    if (method == SMI_VMA_LASSO_CV) {
        set_lasso_k(cfg, 3, 0);
    } else {
        smi_search *search;
        ck_assert_int_eq(smi_search_create(&search), SMI_OK);
        ck_assert_int_eq(smi_search_set_criterion(search, SMI_CRIT_CV), SMI_OK);
        ck_assert_int_eq(smi_search_set_folds(search, 4, 1, 0), SMI_OK);
        ck_assert_int_eq(smi_vma_set_search(cfg, search), SMI_OK);
        smi_search_free(search);
    }
    outcome o[4];
    for (size_t threads = 1; threads <= 3; threads++) {
        ck_assert_int_eq(smi_vma_set_threads(cfg, threads), SMI_OK);
        smi_vma_result *res = run(ds, cfg);
        read_outcome(res, &o[threads - 1]);
        smi_vma_result_free(res);
        if (threads > 1)
            same_bits(&o[0], &o[threads - 1]);
    }
    /* some frequency is strictly between 0 and 1, so another seed can show in them */
    int mixed = 0;
    for (size_t a = 0; a < 3 * P; a++)
        mixed |= o[0].freq[a] > 0.0 && o[0].freq[a] < 1.0;
    ck_assert(mixed);
    ck_assert_int_eq(smi_vma_set_seed(cfg, 43), SMI_OK);
    smi_vma_result *res = run(ds, cfg);
    read_outcome(res, &o[3]);
    smi_vma_result_free(res);
    ck_assert(memcmp(o[0].freq, o[3].freq, sizeof o[0].freq) != 0
              || memcmp(o[0].chosen, o[3].chosen, sizeof o[0].chosen) != 0);
    smi_vma_free(cfg);
    smi_dataset_free(ds);
}

START_TEST(same_bits_for_any_thread_count)
{
    thread_independence(SMI_VMA_SEARCH);
    thread_independence(SMI_VMA_LASSO_CV);
}
END_TEST

/* A refusal: SMI_EINVAL with a message. */
static void refused(int rc)
{
    ck_assert_int_eq(rc, SMI_EINVAL);
    ck_assert_str_ne(smi_last_error(), "");
}

/* The outcome of cfg on ds. */
static outcome outcome_of(const smi_dataset *ds, const smi_vma *cfg)
{
    smi_vma_result *res = run(ds, cfg);
    outcome o;
    read_outcome(res, &o);
    smi_vma_result_free(res);
    return o;
}

static int differ(const outcome *a, const outcome *b)
{
    return memcmp(a->freq, b->freq, sizeof a->freq) != 0
           || memcmp(a->chosen, b->chosen, sizeof a->chosen) != 0;
}

/* K comes from the method's configuration: by default 10 (the search's and the LASSO's
 * default folds), the same bits as K = 10 set explicitly whatever its shuffle and seed (each
 * data set's split is drawn from its own stream); another K, other bits. Fold ids cannot
 * apply to drawn data sets: refused. */
START_TEST(folds_come_from_the_method_s_configuration)
{
    smi_dataset *ds = data(3, 2.0);
    const size_t sizes[3] = { 12, 15, 30 };
    smi_vma *cfg = config(sizes, 3, 12, 2);
    ck_assert_int_eq(smi_vma_set_model(cfg, truth, 3, truth_coef, 1.0, 0.8), SMI_OK);
    smi_search *search;
    ck_assert_int_eq(smi_search_create(&search), SMI_OK);
    ck_assert_int_eq(smi_search_set_criterion(search, SMI_CRIT_CV), SMI_OK);
    ck_assert_int_eq(smi_vma_set_search(cfg, search), SMI_OK);
    outcome by_default = outcome_of(ds, cfg);
    ck_assert_int_eq(smi_search_set_folds(search, 10, 0, 77), SMI_OK);
    ck_assert_int_eq(smi_vma_set_search(cfg, search), SMI_OK);
    outcome ten = outcome_of(ds, cfg);
    same_bits(&by_default, &ten);
    ck_assert_int_eq(smi_search_set_folds(search, 3, 1, 0), SMI_OK);
    ck_assert_int_eq(smi_vma_set_search(cfg, search), SMI_OK);
    outcome three = outcome_of(ds, cfg);
    ck_assert(differ(&by_default, &three));
    int ids[N];
    for (size_t i = 0; i < N; i++)
        ids[i] = (int)(i % 4);
    ck_assert_int_eq(smi_search_set_fold_ids(search, ids, N), SMI_OK);
    refused(smi_vma_set_search(cfg, search));
    outcome still = outcome_of(ds, cfg); /* the refusal changed nothing */
    same_bits(&three, &still);

    ck_assert_int_eq(smi_vma_set_lasso(cfg, NULL, 0), SMI_OK);
    by_default = outcome_of(ds, cfg);
    smi_lasso *lasso = lasso_with_folds(10);
    ck_assert_int_eq(smi_lasso_set_folds(lasso, 10, 0, 5), SMI_OK);
    ck_assert_int_eq(smi_vma_set_lasso(cfg, lasso, 0), SMI_OK);
    ten = outcome_of(ds, cfg);
    same_bits(&by_default, &ten);
    set_lasso_k(cfg, 3, 0);
    three = outcome_of(ds, cfg);
    ck_assert(differ(&by_default, &three));
    ck_assert_int_eq(smi_lasso_set_fold_ids(lasso, ids, N), SMI_OK);
    refused(smi_vma_set_lasso(cfg, lasso, 0));
    still = outcome_of(ds, cfg);
    same_bits(&three, &still);
    smi_lasso_free(lasso);
    smi_search_free(search);
    smi_vma_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

START_TEST(streams_depend_on_seed_and_trial)
{
    ck_assert_uint_ne(smi_vma_stream_seed(1, 0), smi_vma_stream_seed(1, 1));
    ck_assert_uint_ne(smi_vma_stream_seed(1, 0), smi_vma_stream_seed(2, 0));
    ck_assert_uint_eq(smi_vma_stream_seed(7, 5), smi_vma_stream_seed(7, 5));
}
END_TEST

/* ---------- the search's best subset (internal) ---------- */

typedef struct search_case {
    int criterion;
    size_t min_size, max_size, n_keep, rows;
} search_case;

static const search_case search_cases[] = {
    { SMI_CRIT_BIC, 1, 0, 0, 30 },  { SMI_CRIT_AIC, 1, 3, 0, 30 },
    { SMI_CRIT_BIC, 0, 0, 1, 12 },  { SMI_CRIT_FE, 1, 0, 0, 20 },
    { SMI_CRIT_CV, 1, 0, 0, 20 },   { SMI_CRIT_LOO, 2, 4, 1, 15 },
    { SMI_CRIT_FE_OPT, 1, 0, 0, 20 }, { SMI_CRIT_FE_MARG, 1, 5, 0, 25 },
    { SMI_CRIT_FE_NG, 1, 0, 0, 20 }, { SMI_CRIT_BIC, 1, 0, 0, 7 }, /* many singular subsets */
    { SMI_CRIT_BIC, 1, 0, 0, 2 }, /* every subset singular */
};

/* smi_vma_best_subset (one task, no plan) against smi_search_run's best model, on data sets
 * of the trials' kind: the same subset, or both without one. */
START_TEST(best_subset_is_the_search_best)
{
    const search_case *sc = &search_cases[_i];
    smi_search *search, *copy;
    ck_assert_int_eq(smi_search_create(&search), SMI_OK);
    ck_assert_int_eq(smi_search_set_criterion(search, sc->criterion), SMI_OK);
    ck_assert_int_eq(smi_search_set_size_range(search, sc->min_size, sc->max_size), SMI_OK);
    const size_t keep[1] = { 3 };
    ck_assert_int_eq(smi_search_set_keep(search, keep, sc->n_keep), SMI_OK);
    ck_assert_int_eq(smi_vma_copy_search(&copy, search), SMI_OK);
    for (uint64_t seed = 0; seed < 6; seed++) {
        uint64_t st = 1000 * (uint64_t)_i + seed;
        double X[30 * P], y[30];
        for (size_t i = 0; i < sc->rows * P; i++)
            X[i] = tu_uniform(&st) - 0.5;
        for (size_t i = 0; i < sc->rows; i++) {
            X[i * P + 6] = X[i * P + 2]; /* a duplicated column: singular subsets */
            y[i] = X[i * P] - X[i * P + 3] + 0.5 * X[i * P + 5] + 0.7 * (tu_uniform(&st) - 0.5);
        }
        smi_dataset *d;
        ck_assert_int_eq(smi_dataset_create(&d, sc->rows, P, X, y, NULL, NULL), SMI_OK);
        if (sc->criterion == SMI_CRIT_CV)
            ck_assert_int_eq(smi_search_set_folds(copy, 5, 1, seed), SMI_OK);
        /* d with the folds resolved, as a trial's data set holds them */
        smi_dataset view;
        ck_assert_int_eq(smi_search_view(d, copy, &view), SMI_OK);
        smi_search_result *res;
        ck_assert_int_eq(smi_search_run(d, copy, &res), SMI_OK);
        size_t want[P], got[P], k_want = 0, k_got = 0;
        int have = smi_search_result_n_top(res) > 0;
        if (have)
            ck_assert_int_eq(smi_search_result_model(res, 0, P, want, NULL, &k_want, NULL, NULL, NULL),
                             SMI_OK);
        int rc = smi_vma_best_subset(&view, copy, got, &k_got);
        ck_assert_msg(have ? rc == SMI_OK : rc == SMI_ESINGULAR, "case %d seed %d: rc %d, %s",
                      _i, (int)seed, rc, smi_last_error());
        ck_assert_uint_eq(k_got, k_want);
        ck_assert_mem_eq(got, want, k_want * sizeof *got);
        smi_search_result_free(res);
        smi_dataset_fold_view_release(&view);
        smi_dataset_free(d);
    }
    smi_search_free(copy);
    smi_search_free(search);
}
END_TEST

/* ---------- the generators (internal) ---------- */

/* Correlated features: x1 = u0, x2 = u0 + 0.5 u1, x3 = u2 - 0.3 u0 + 2. */
static smi_dataset *correlated(size_t n)
{
    uint64_t seed = 11;
    double *X = malloc(n * 3 * sizeof *X), *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++) {
        double u0 = tu_uniform(&seed), u1 = tu_uniform(&seed), u2 = tu_uniform(&seed);
        X[i * 3] = u0;
        X[i * 3 + 1] = u0 + 0.5 * u1;
        X[i * 3 + 2] = u2 - 0.3 * u0 + 2.0;
        y[i] = u0 + tu_uniform(&seed);
    }
    smi_dataset *ds;
    ck_assert_int_eq(smi_dataset_create(&ds, n, 3, X, y, NULL, NULL), SMI_OK);
    free(X), free(y);
    return ds;
}

/* Mean and covariance (divisor n - 1) of n rows of 3 values. */
static void moments(const double *X, size_t n, double *mean, double *cov)
{
    for (size_t a = 0; a < 3; a++) {
        mean[a] = 0.0;
        for (size_t i = 0; i < n; i++)
            mean[a] += X[i * 3 + a] / (double)n;
    }
    for (size_t a = 0; a < 3; a++)
        for (size_t b = 0; b < 3; b++) {
            double sum = 0.0;
            for (size_t i = 0; i < n; i++)
                sum += (X[i * 3 + a] - mean[a]) * (X[i * 3 + b] - mean[b]);
            cov[a * 3 + b] = sum / (double)(n - 1);
        }
}

/* M Gaussian rows: their mean within 5 standard errors sqrt(S_aa / M) of the data's, their
 * covariance within 5 of sqrt((S_aa S_bb + S_ab^2) / M) (the normal's fourth moments). */
START_TEST(gaussian_rows_have_the_data_moments)
{
    enum { M = 40000 };
    smi_dataset *ds = correlated(50);
    double Xd[50 * 3], mean[3], cov[9], gmean[3], gcov[9];
    ck_assert_int_eq(smi_dataset_get_X(ds, Xd, 150), SMI_OK);
    moments(Xd, 50, mean, cov);
    smi_vma_gen g;
    ck_assert_int_eq(smi_vma_gen_init(&g, ds, SMI_VMA_GAUSSIAN), SMI_OK);
    double *rows = malloc(M * 3 * sizeof *rows), z[3];
    smi_vma_stream st;
    smi_vma_stream_init(&st, 5, 0);
    for (size_t i = 0; i < M; i++)
        smi_vma_gen_row(&g, &st, rows + i * 3, z);
    moments(rows, M, gmean, gcov);
    for (size_t a = 0; a < 3; a++) {
        double se = sqrt(cov[a * 3 + a] / M);
        ck_assert_msg(fabs(gmean[a] - mean[a]) <= 5 * se, "mean %zu: %g vs %g", a, gmean[a],
                      mean[a]);
        for (size_t b = 0; b < 3; b++) {
            double sab = cov[a * 3 + b];
            double se_ab = sqrt((cov[a * 3 + a] * cov[b * 3 + b] + sab * sab) / M);
            ck_assert_msg(fabs(gcov[a * 3 + b] - sab) <= 5 * se_ab, "cov %zu %zu: %g vs %g", a,
                          b, gcov[a * 3 + b], sab);
        }
    }
    smi_vma_gen_free(&g);
    /* resampled rows are rows of the data */
    ck_assert_int_eq(smi_vma_gen_init(&g, ds, SMI_VMA_RESAMPLE), SMI_OK);
    for (size_t i = 0; i < 200; i++) {
        double row[3];
        int found = 0;
        smi_vma_gen_row(&g, &st, row, z);
        for (size_t r = 0; r < 50 && !found; r++)
            found = memcmp(row, Xd + r * 3, sizeof row) == 0;
        ck_assert(found);
    }
    smi_vma_gen_free(&g);
    free(rows);
    smi_dataset_free(ds);
}
END_TEST

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Kolmogorov-Smirnov against Phi(x) = erfc(-x / sqrt 2) / 2: D below 1.63 / sqrt(M), the
 * 1% critical value. */
START_TEST(normal_deviates_are_normal)
{
    enum { M = 100000 };
    double *v = malloc(M * sizeof *v);
    smi_vma_stream st;
    smi_vma_stream_init(&st, 99, 3);
    for (size_t i = 0; i < M; i++) {
        v[i] = smi_vma_normal(&st);
        ck_assert(isfinite(v[i]));
    }
    qsort(v, M, sizeof *v, compare_doubles);
    double D = 0.0;
    for (size_t i = 0; i < M; i++) {
        double F = 0.5 * erfc(-v[i] / sqrt(2.0));
        D = fmax(D, fmax(fabs(F - (double)i / M), fabs((double)(i + 1) / M - F)));
    }
    ck_assert_msg(D < 1.63 / sqrt((double)M), "KS distance %g", D);
    free(v);
}
END_TEST

/* A trial with coefficient 0, intercept 0 and sigma 1: its y is pure noise, variance 1
 * within 5 standard errors sqrt(2 / n), mean 0 within 5 of sqrt(1 / n). */
START_TEST(zero_model_noise_has_unit_variance)
{
    enum { ROWS = 20000 };
    smi_dataset *ds = correlated(50);
    smi_vma *cfg;
    const size_t feature = 1, size = ROWS;
    const double zero = 0.0;
    ck_assert_int_eq(smi_vma_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_vma_set_model(cfg, &feature, 1, &zero, 0.0, 1.0), SMI_OK);
    ck_assert_int_eq(smi_vma_set_sizes(cfg, &size, 1), SMI_OK);
    smi_vma_plan pl = { .ds = ds, .cfg = cfg, .k = 1, .features = &feature, .coef = &zero,
                        .intercept = 0.0, .noise_sd = 1.0, .n_max = ROWS };
    ck_assert_int_eq(smi_vma_gen_init(&pl.gen, ds, SMI_VMA_RESAMPLE), SMI_OK);
    smi_vma_work w;
    ck_assert_int_eq(smi_vma_work_init(&w, &pl), SMI_OK);
    size_t chosen;
    ck_assert_int_eq(smi_vma_trial(&pl, 0, 0, &w, &chosen), SMI_OK);
    double mean = 0.0, var = 0.0;
    for (size_t i = 0; i < ROWS; i++)
        mean += w.y[i] / ROWS;
    for (size_t i = 0; i < ROWS; i++)
        var += (w.y[i] - mean) * (w.y[i] - mean) / (ROWS - 1);
    ck_assert_msg(fabs(mean) <= 5 * sqrt(1.0 / ROWS), "noise mean %g", mean);
    ck_assert_msg(fabs(var - 1.0) <= 5 * sqrt(2.0 / ROWS), "noise variance %g", var);
    smi_vma_work_free(&w);
    smi_vma_gen_free(&pl.gen);
    smi_vma_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

/* ---------- the model from the data ---------- */

/* Least squares of y on [1, X_S] by LAPACK dgels: intercept, then the coefficients. */
static void lapack_fit(const smi_dataset *ds, const size_t *f, size_t k, double *beta)
{
    int n = (int)smi_dataset_n(ds), cols = (int)k + 1, one = 1, info = 0, lwork = 4096;
    double X[N * P], A[N * 4], b[N], work[4096];
    ck_assert_int_eq(smi_dataset_get_X(ds, X, N * P), SMI_OK);
    ck_assert_int_eq(smi_dataset_get_y(ds, b, N), SMI_OK);
    for (int i = 0; i < n; i++) {
        A[i] = 1.0;
        for (size_t t = 0; t < k; t++)
            A[(t + 1) * (size_t)n + (size_t)i] = X[(size_t)i * P + f[t]];
    }
    dgels_("N", &n, &cols, &one, A, &n, b, &n, work, &lwork, &info, 1);
    ck_assert_int_eq(info, 0);
    memcpy(beta, b, (size_t)cols * sizeof *beta);
}

START_TEST(model_is_estimated_from_the_data)
{
    smi_dataset *ds = data(4, 0.5);
    const size_t f[3] = { 5, 0, 3 }, sizes[1] = { 30 };
    smi_vma *cfg = config(sizes, 1, 2, 1);
    ck_assert_int_eq(smi_vma_set_model(cfg, f, 3, NULL, 0.0, -1.0), SMI_OK);
    smi_vma_result *res = run(ds, cfg);
    size_t got_f[3], k;
    double coef[3], intercept, sd, beta[4];
    ck_assert_int_eq(smi_vma_result_model(res, 3, got_f, coef, &k, &intercept, &sd), SMI_OK);
    ck_assert_uint_eq(k, 3);
    ck_assert_mem_eq(got_f, f, sizeof f);
    lapack_fit(ds, f, 3, beta);
    ck_assert_double_eq_tol(intercept, beta[0], 1e-10);
    for (size_t t = 0; t < 3; t++)
        ck_assert_double_eq_tol(coef[t], beta[t + 1], 1e-10);
    smi_evidence *ecfg;
    smi_evidence_result *ev;
    ck_assert_int_eq(smi_evidence_create(&ecfg), SMI_OK);
    ck_assert_int_eq(smi_evidence_set_mode(ecfg, SMI_HYPER_OPTIMIZE), SMI_OK);
    ck_assert_int_eq(smi_evidence_run(ds, f, 3, ecfg, &ev), SMI_OK);
    ck_assert_double_eq(sd, smi_evidence_result_noise_sd(ev));
    ck_assert(sd > 0.05 && sd < 0.5); /* uniform noise of width 0.5: sd 0.144 */
    smi_evidence_result_free(ev);
    smi_evidence_free(ecfg);
    smi_vma_result_free(res);
    /* given coefficients and noise come back as given */
    ck_assert_int_eq(smi_vma_set_model(cfg, truth, 3, truth_coef, 1.0, 0.1), SMI_OK);
    res = run(ds, cfg);
    ck_assert_int_eq(smi_vma_result_model(res, 3, got_f, coef, &k, &intercept, &sd), SMI_OK);
    ck_assert_mem_eq(coef, truth_coef, sizeof coef);
    ck_assert_double_eq(intercept, 1.0);
    ck_assert_double_eq(sd, 0.1);
    ck_assert_int_eq(smi_vma_result_model(res, 2, got_f, NULL, NULL, NULL, NULL), SMI_EINVAL);
    smi_vma_result_free(res);
    smi_vma_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

/* ---------- bad requests, cancellation ---------- */

START_TEST(bad_requests_are_refused)
{
    smi_dataset *ds = data(5, 0.1);
    smi_vma *cfg;
    smi_vma_result *res = (smi_vma_result *)&res;
    ck_assert_int_eq(smi_vma_create(&cfg), SMI_OK);
    refused(smi_vma_run(ds, cfg, &res)); /* no model */
    ck_assert_ptr_null(res);
    const size_t dup[3] = { 1, 4, 1 }, far[2] = { 1, P }, ok[1] = { 2 };
    refused(smi_vma_set_model(cfg, dup, 3, NULL, 0.0, 1.0));
    refused(smi_vma_set_model(cfg, ok, 0, NULL, 0.0, 1.0));
    refused(smi_vma_set_model(cfg, ok, 1, NULL, 0.0, NAN));
    ck_assert_int_eq(smi_vma_set_model(cfg, far, 2, NULL, 0.0, 1.0), SMI_OK);
    refused(smi_vma_run(ds, cfg, &res)); /* feature index p */
    ck_assert_ptr_null(res);
    ck_assert_int_eq(smi_vma_set_model(cfg, ok, 1, NULL, 0.0, 1.0), SMI_OK);
    const size_t zero_size[2] = { 10, 0 };
    refused(smi_vma_set_sizes(cfg, ok, 0));
    refused(smi_vma_set_sizes(cfg, NULL, 2));
    refused(smi_vma_set_sizes(cfg, zero_size, 2));
    refused(smi_vma_set_trials(cfg, 0));
    refused(smi_vma_set_rows(cfg, 7));
    refused(smi_vma_set_threads(cfg, 5000));
    smi_lasso *with_ids = lasso_with_folds(5);
    const int ids[6] = { 0, 1, 0, 1, 0, 1 };
    ck_assert_int_eq(smi_lasso_set_fold_ids(with_ids, ids, 6), SMI_OK);
    refused(smi_vma_set_lasso(cfg, with_ids, 0)); /* fold ids cannot apply to drawn data */
    smi_lasso_free(with_ids);
    smi_search *cv;
    ck_assert_int_eq(smi_search_create(&cv), SMI_OK);
    ck_assert_int_eq(smi_search_set_criterion(cv, SMI_CRIT_CV), SMI_OK);
    ck_assert_int_eq(smi_search_set_fold_ids(cv, ids, 6), SMI_OK);
    refused(smi_vma_set_search(cfg, cv));
    ck_assert_int_eq(smi_search_set_folds(cv, 5, 1, 0), SMI_OK);
    ck_assert_int_eq(smi_search_set_keep(cv, far, 2), SMI_OK); /* forced feature p */
    ck_assert_int_eq(smi_vma_set_search(cfg, cv), SMI_OK);
    refused(smi_vma_run(ds, cfg, &res));
    ck_assert_ptr_null(res);
    smi_search_free(cv);
    refused(smi_vma_set_seed(NULL, 1));
    refused(smi_vma_run(NULL, cfg, &res));
    refused(smi_vma_run(ds, cfg, NULL));
    /* the failed setters changed nothing: the defaults and the last good model run */
    ck_assert_int_eq(smi_vma_set_search(cfg, NULL), SMI_OK);
    ck_assert_int_eq(smi_vma_set_trials(cfg, 3), SMI_OK);
    res = run(ds, cfg);
    size_t sizes[3];
    ck_assert_uint_eq(smi_vma_result_n_sizes(res), 3);
    ck_assert_int_eq(smi_vma_result_sizes(res, 3, sizes), SMI_OK);
    ck_assert_uint_eq(sizes[0], 20);
    ck_assert_uint_eq(sizes[2], 80);
    double rates[3];
    refused(smi_vma_result_recovery_rate(res, 2, rates));
    refused(smi_vma_result_recovery_rate(NULL, 3, rates));
    ck_assert_uint_eq(smi_vma_result_trials(NULL), 0);
    smi_vma_result_free(res);
    smi_vma_result_free(NULL);
    smi_vma_free(cfg);
    smi_vma_free(NULL);
    smi_dataset_free(ds);
}
END_TEST

START_TEST(singular_gaussian_rows_are_refused)
{
    double X[3 * 4] = { 1, 2, 3, 4, 2, 1, 0, 5, 3, 3, 1, 1 }, y[3] = { 1, 2, 3 };
    smi_dataset *ds;
    ck_assert_int_eq(smi_dataset_create(&ds, 3, 4, X, y, NULL, NULL), SMI_OK);
    smi_vma *cfg;
    smi_vma_result *res;
    const size_t f[1] = { 0 };
    const double c[1] = { 1.0 };
    ck_assert_int_eq(smi_vma_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_vma_set_model(cfg, f, 1, c, 0.0, 1.0), SMI_OK);
    ck_assert_int_eq(smi_vma_set_rows(cfg, SMI_VMA_GAUSSIAN), SMI_OK);
    ck_assert_int_eq(smi_vma_run(ds, cfg, &res), SMI_ESINGULAR); /* n <= p */
    ck_assert_ptr_null(res);
    smi_vma_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

typedef struct counter {
    int calls, stop_at;
    double last;
} counter;

static int progress(void *user, double fraction)
{
    counter *c = user;
    ck_assert(fraction >= c->last && fraction <= 1.0);
    c->last = fraction;
    return ++c->calls == c->stop_at;
}

START_TEST(progress_reports_and_cancels)
{
    smi_dataset *ds = data(6, 0.1);
    const size_t sizes[2] = { 10, 20 };
    smi_vma *cfg = config(sizes, 2, 10, 1); /* one thread: the caller reports every data set */
    counter c = { 0, 3, 0.0 };
    ck_assert_int_eq(smi_vma_set_progress(cfg, progress, &c), SMI_OK);
    smi_vma_result *res;
    ck_assert_int_eq(smi_vma_run(ds, cfg, &res), SMI_ECANCELED);
    ck_assert_ptr_null(res);
    ck_assert_int_eq(c.calls, 3);
    ck_assert_double_eq(c.last, 3.0 / 20.0);
    c = (counter){ 0, -1, 0.0 }; /* the handle is still usable; with threads, the caller
                                    reports its own data sets and then 1 */
    ck_assert_int_eq(smi_vma_set_threads(cfg, 2), SMI_OK);
    res = run(ds, cfg);
    ck_assert_double_eq(c.last, 1.0);
    ck_assert_int_ge(c.calls, 1);
    smi_vma_result_free(res);
    smi_vma_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

/* ---------- LASSO-CV ---------- */

/* At n' = 2000 with a strong model the true features' coefficients are far from 0 at
 * lambda_min and lambda_1se: each is chosen in every data set. (Spurious ones may enter at
 * lambda_min, so the recovery rate itself is not certain.) */
START_TEST(lasso_cv_keeps_the_true_features)
{
    smi_dataset *ds = data(7, 0.1);
    const size_t sizes[1] = { 2000 };
    smi_vma *cfg = config(sizes, 1, 6, 2);
    for (int one_se = 0; one_se <= 1; one_se++) {
        set_lasso_k(cfg, 5, one_se);
        smi_vma_result *res = run(ds, cfg);
        outcome o;
        read_outcome(res, &o);
        ck_assert_uint_eq(o.failures[0], 0);
        for (size_t t = 0; t < 3; t++)
            ck_assert_double_eq(o.freq[truth[t]], 1.0);
        smi_vma_result_free(res);
    }
    smi_vma_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

/* A rare binary feature (1 in 10 rows) is often constant in a small resampled data set; the
 * LASSO holds it at 0 there instead of failing, as it does within a CV training set. */
START_TEST(lasso_survives_a_constant_drawn_column)
{
    smi_dataset *base = data(11, 0.1);
    double X[N * P], y[N];
    smi_dataset_get_X(base, X, N * P);
    smi_dataset_get_y(base, y, N);
    for (size_t i = 0; i < N; i++)
        X[i * P + 7] = i % 10 == 0 ? 1.0 : 0.0;
    smi_dataset *ds;
    ck_assert_int_eq(smi_dataset_create(&ds, N, P, X, y, NULL, NULL), SMI_OK);
    const size_t sizes[1] = { 8 };
    smi_vma *cfg = config(sizes, 1, 40, 1);
    set_lasso_k(cfg, 4, 0);
    smi_vma_result *res = run(ds, cfg);
    outcome o;
    read_outcome(res, &o);
    ck_assert_uint_eq(o.failures[0], 0);
    smi_vma_result_free(res);
    smi_vma_free(cfg);
    smi_dataset_free(ds);
    smi_dataset_free(base);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vma");
    TCase *t = tcase_create("vma");
    tcase_set_timeout(t, 300);
    tcase_add_test(t, huge_n_recovers_small_n_cannot);
    tcase_add_test(t, all_sizes_and_gaussian_rows_recover_mostly);
    tcase_add_test(t, same_bits_for_any_thread_count);
    tcase_add_test(t, folds_come_from_the_method_s_configuration);
    tcase_add_test(t, streams_depend_on_seed_and_trial);
    tcase_add_loop_test(t, best_subset_is_the_search_best, 0,
                        (int)(sizeof search_cases / sizeof search_cases[0]));
    tcase_add_test(t, gaussian_rows_have_the_data_moments);
    tcase_add_test(t, normal_deviates_are_normal);
    tcase_add_test(t, zero_model_noise_has_unit_variance);
    tcase_add_test(t, model_is_estimated_from_the_data);
    tcase_add_test(t, bad_requests_are_refused);
    tcase_add_test(t, singular_gaussian_rows_are_refused);
    tcase_add_test(t, progress_reports_and_cancels);
    tcase_add_test(t, lasso_cv_keeps_the_true_features);
    tcase_add_test(t, lasso_survives_a_constant_drawn_column);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
