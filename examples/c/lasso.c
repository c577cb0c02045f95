/* lasso.c: sparse regression three ways, and how their choices compare.
 * (1) the LASSO path by coordinate descent, lambda chosen by 10-fold cross-validation;
 * (2) the LARS-OLS hybrid: every support along the LARS lasso path refitted by least
 *     squares, the one of smallest BIC wins;
 * (3) an exhaustive search over every subset by the same BIC, which places the hybrid's
 *     support among all 2^p - 1 of them (when p <= 12, so that every subset is kept).
 * Build:  cc lasso.c $(pkg-config --cflags --libs sparsemi) -o lasso
 * Run:    ./lasso tests/data/diabetes.csv progression */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <sparsemi.h>

/* Every libsparsemi call that can fail returns a status; on failure, smi_last_error() says
 * why. A real program would free what it holds before leaving; here the process ends. */
#define CHECK(call)                                                                          \
    do {                                                                                     \
        int status_ = (call);                                                                \
        if (status_ != SMI_OK) {                                                             \
            fprintf(stderr, "%s: %s\n", smi_strerror(status_), smi_last_error());           \
            exit(EXIT_FAILURE);                                                              \
        }                                                                                    \
    } while (0)

static void *xmalloc(size_t size)
{
    void *ptr = malloc(size ? size : 1);
    if (!ptr) {
        fprintf(stderr, "out of memory\n");
        exit(EXIT_FAILURE);
    }
    return ptr;
}

/* (1) LASSO with K-fold CV; prints the nonzero coefficients at lambda_1se. */
static void lasso_cv(const smi_dataset *ds)
{
    smi_lasso *cfg; /* the default path: 100 lambdas, a = 1 */
    CHECK(smi_lasso_create(&cfg));
    CHECK(smi_lasso_set_cv(cfg, 1));
    CHECK(smi_lasso_set_folds(cfg, 10, 1, 0)); /* 10 shuffled folds, seed 0 (the default) */
    smi_lasso_result *fit;
    CHECK(smi_lasso_run(ds, cfg, &fit));
    smi_lasso_free(cfg);
    size_t n_lambda = smi_lasso_result_n_lambdas(fit), p = smi_lasso_result_p(fit), i_min, i_1se;
    double *lambdas = xmalloc(n_lambda * sizeof *lambdas);
    double *coef = xmalloc(n_lambda * p * sizeof *coef); /* row i: the fit at lambdas[i] */
    CHECK(smi_lasso_result_lambdas(fit, n_lambda, lambdas));
    CHECK(smi_lasso_result_coefficients(fit, n_lambda * p, coef, NULL));
    CHECK(smi_lasso_result_cv_choice(fit, &i_min, &i_1se));
    printf("LASSO-CV: lambda_min %.4g, lambda_1se %.4g\n", lambdas[i_min], lambdas[i_1se]);
    printf("nonzero coefficients at lambda_1se (original units):\n");
    for (size_t j = 0; j < p; j++)
        if (coef[i_1se * p + j] != 0.0)
            printf("  %-12s %12.6g\n", smi_dataset_feature_name(ds, j), coef[i_1se * p + j]);
    free(lambdas);
    free(coef);
    smi_lasso_result_free(fit);
}

/* (2) The LARS-OLS hybrid: the support of smallest BIC (cfg's criterion) along the LARS
 * lasso path. Its features go to features[] (capacity p), their number to *size, its BIC
 * to *bic. */
static void lars_hybrid(const smi_dataset *ds, const smi_search *cfg, size_t *features,
                        size_t *size, double *bic)
{
    smi_lars *lars; /* the LASSO variant; no sign constraint, no step limit */
    CHECK(smi_lars_create(&lars));
    CHECK(smi_lars_set_method(lars, SMI_LARS_LASSO));
    smi_lars_result *path;
    CHECK(smi_lars_run(ds, lars, &path));
    smi_lars_free(lars);
    smi_path_supports *supports;
    CHECK(smi_path_supports_from_lars(ds, path, cfg, &supports));
    size_t best;
    CHECK(smi_path_supports_best(supports, &best));
    CHECK(smi_path_supports_get(supports, best, smi_dataset_p(ds), features, NULL, size, NULL,
                                bic, NULL));
    printf("LARS-OLS hybrid (best of %zu supports on the path by BIC %.2f):",
           smi_path_supports_count(supports), *bic);
    for (size_t i = 0; i < *size; i++)
        printf(" %s", smi_dataset_feature_name(ds, features[i]));
    printf("\n");
    smi_path_supports_free(supports);
    smi_lars_result_free(path);
}

/* (3) Every subset scored by cfg's criterion, all of them kept, so that the rank of `bic`
 * among them is exact. */
static void rank_among_all(const smi_dataset *ds, smi_search *cfg, double bic)
{
    size_t p = smi_dataset_p(ds);
    if (p > 12) {
        printf("p = %zu: too many subsets to keep them all; no exhaustive search\n", p);
        return;
    }
    CHECK(smi_search_set_top(cfg, (size_t)1 << p)); /* more than the 2^p - 1 subsets */
    smi_search_result *res;
    CHECK(smi_search_run(ds, cfg, &res));
    double rank, percentile;
    CHECK(smi_search_result_rank(res, bic, &rank, NULL, NULL, &percentile));
    printf("among all subsets by BIC: rank %.0f of %llu (%.1f%%)\n", rank,
           (unsigned long long)smi_search_result_n_models(res), percentile);
    smi_search_result_free(res);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s DATA.csv TARGET\n", argv[0]);
        return 2;
    }
    smi_csv_options opt;
    smi_csv_options_init(&opt);
    opt.target = argv[2];
    smi_dataset *ds;
    CHECK(smi_dataset_read_csv(&ds, argv[1], &opt));
    printf("%zu samples, %zu features, target '%s'\n", smi_dataset_n(ds), smi_dataset_p(ds),
           smi_dataset_target_name(ds));

    lasso_cv(ds);

    /* One search configuration gives the criterion to the hybrid and to the search. */
    smi_search *cfg;
    CHECK(smi_search_create(&cfg));
    CHECK(smi_search_set_criterion(cfg, SMI_CRIT_BIC));
    size_t *features = xmalloc(smi_dataset_p(ds) * sizeof *features);
    size_t size;
    double bic;
    lars_hybrid(ds, cfg, features, &size, &bic);
    rank_among_all(ds, cfg, bic);

    free(features);
    smi_search_free(cfg);
    smi_dataset_free(ds);
    return EXIT_SUCCESS;
}
