/* The coordinate-descent LASSO and elastic net (lib/lasso) against R's glmnet
 * (tests/data/glmnet_ref.txt, written by tests/data/make_glmnet_ref.R): the lambda sequence,
 * the coefficients and intercepts at every lambda (LASSO, positive LASSO, penalty factors,
 * elastic net; on the diabetes data and a p > n synthetic set), and the CV curve and
 * choices built from glmnet fits of each training set at the same lambdas. Also the optimality (KKT) conditions at every solution, agreement with the
 * exact LARS path at its knots, thread independence of CV, the default folds of CV against
 * the documented rule (computed here), and bad arguments. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sparsemi.h"
#include "testutil.h"

static const char *data_path(const char *name)
{
    const char *dir = getenv("SMI_TEST_DATA");
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "tests/data", name);
    return path;
}

static smi_dataset *read_data(const char *file, const char *target)
{
    smi_csv_options opt;
    smi_csv_options_init(&opt);
    opt.target = target;
    smi_dataset *ds = NULL;
    ck_assert_msg(smi_dataset_read_csv(&ds, data_path(file), &opt) == SMI_OK, "%s",
                  smi_last_error());
    return ds;
}

static smi_dataset *diabetes(void)
{
    return read_data("diabetes.csv", "progression");
}

static smi_dataset *pn_data(void)
{
    return read_data("lasso_pn.csv", "y");
}

/* The diabetes data with y replaced by (y - mean) / sd + 3 (sd with divisor n), as the
 * reference script makes it for the elastic net. */
static smi_dataset *diabetes_scaled(void)
{
    smi_dataset *ds = diabetes();
    size_t n = smi_dataset_n(ds), p = smi_dataset_p(ds);
    double *X = malloc(n * p * sizeof *X), *y = malloc(n * sizeof *y), m = 0.0, v = 0.0;
    ck_assert(X && y);
    smi_dataset_get_X(ds, X, n * p);
    smi_dataset_get_y(ds, y, n);
    for (size_t i = 0; i < n; i++)
        m += y[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++)
        v += (y[i] - m) * (y[i] - m);
    for (size_t i = 0; i < n; i++)
        y[i] = (y[i] - m) / sqrt(v / (double)n) + 3.0;
    smi_dataset *out = NULL;
    ck_assert_int_eq(smi_dataset_create(&out, n, p, X, y, NULL, NULL), SMI_OK);
    free(X);
    free(y);
    smi_dataset_free(ds);
    return out;
}

/* ---- the reference file ---- */

typedef struct ref_case {
    size_t L, p;
    double *lambda, *coef, *intercept; /* coef L x p */
    double pf[16];
    size_t n_pf;
} ref_case;

/* Numbers after the first word of `line` into v (at most cap). */
static size_t numbers(const char *line, double *v, size_t cap)
{
    const char *s = strchr(line, ' ');
    size_t k = 0;
    while (s && k < cap) {
        char *end;
        double x = strtod(s, &end);
        if (end == s)
            break;
        v[k++] = x;
        s = end;
    }
    return k;
}

static char *next_line(FILE *f)
{
    static char *line = NULL;
    static size_t cap = 0;
    if (getline(&line, &cap, f) < 0) {
        free(line);
        line = NULL;
        cap = 0;
        return NULL;
    }
    return line;
}

static FILE *open_reference(void)
{
    FILE *f = fopen(data_path("glmnet_ref.txt"), "r");
    ck_assert_msg(f != NULL, "cannot open %s", data_path("glmnet_ref.txt"));
    return f;
}

static void read_case(const char *name, ref_case *rc)
{
    FILE *f = open_reference();
    char *line, word[64];
    memset(rc, 0, sizeof *rc);
    while ((line = next_line(f))) {
        if (strncmp(line, "case ", 5) != 0)
            continue;
        int used;
        unsigned long L, p;
        ck_assert_int_eq(sscanf(line + 5, "%63s %lu %lu%n", word, &L, &p, &used), 3);
        if (strcmp(word, name) != 0)
            continue;
        rc->L = L;
        rc->p = p;
        char *s = line + 5 + used, *end;
        for (double x; (x = strtod(s, &end)), end != s; s = end)
            rc->pf[rc->n_pf++] = x;
        rc->lambda = malloc(L * sizeof *rc->lambda);
        rc->coef = malloc(L * p * sizeof *rc->coef);
        rc->intercept = malloc(L * sizeof *rc->intercept);
        double *row = malloc((p + 1) * sizeof *row);
        ck_assert(rc->lambda && rc->coef && rc->intercept && row);
        ck_assert_uint_eq(numbers(next_line(f), rc->lambda, L), L);
        for (size_t l = 0; l < L; l++) {
            ck_assert_uint_eq(numbers(next_line(f), row, p + 1), p + 1);
            rc->intercept[l] = row[0];
            memcpy(rc->coef + l * p, row + 1, p * sizeof *row);
        }
        free(row);
        while (next_line(f))
            ;
        fclose(f);
        return;
    }
    ck_abort_msg("case %s not in the reference", name);
}

static void free_case(ref_case *rc)
{
    free(rc->lambda);
    free(rc->coef);
    free(rc->intercept);
}

/* ---- checks ---- */

/* Coefficient vectors equal to 1e-6 relative: each value within 1e-6 of its size, or of
 * 1e-3 of the largest in the row for the values near 0 (a value that is exactly 0 in one
 * must be 0 in the other: the supports agree). */
static void assert_close_row(const double *got, const double *want, size_t p, double b0,
                             double want_b0, size_t l, const char *what)
{
    double top = 0.0;
    for (size_t j = 0; j < p; j++)
        top = fmax(top, fabs(want[j]));
    for (size_t j = 0; j < p; j++) {
        double tol = 1e-6 * fmax(fabs(want[j]), 1e-3 * top);
        ck_assert_msg(fabs(got[j] - want[j]) <= tol, "%s: lambda %zu feature %zu: %.15g "
                      "against glmnet's %.15g", what, l, j, got[j], want[j]);
        ck_assert_msg((got[j] == 0.0) == (want[j] == 0.0), "%s: lambda %zu feature %zu: "
                      "support differs (%.3g against %.3g)", what, l, j, got[j], want[j]);
    }
    ck_assert_msg(fabs(b0 - want_b0) <= 1e-6 * fmax(fabs(want_b0), 1.0), "%s: lambda %zu "
                  "intercept %.15g against %.15g", what, l, b0, want_b0);
}

/* The optimality conditions of the standardised problem at every solution of fit, computed
 * here from the data: g_j = z_j'r / n with r the residual, z_j standardised column j,
 * v_j = w_j sd_j. Violations are measured relative to lambda and must be below 1e-7. */
static void assert_kkt(const smi_dataset *ds, const smi_lasso_result *fit, double alpha,
                       const double *pf_raw, int positive, const char *what)
{
    size_t n = smi_dataset_n(ds), p = smi_dataset_p(ds), L = smi_lasso_result_n_lambdas(fit);
    double *X = malloc(n * p * sizeof *X), *y = malloc(n * sizeof *y);
    double *coef = malloc(L * p * sizeof *coef), *b0 = malloc(L * sizeof *b0);
    double *lam = malloc(L * sizeof *lam), *r = malloc(n * sizeof *r);
    double *mean = malloc(p * sizeof *mean), *sd = malloc(p * sizeof *sd);
    double pf[256], pf_sum = 0.0;
    ck_assert(X && y && coef && b0 && lam && r && mean && sd && p <= 256);
    smi_dataset_get_X(ds, X, n * p);
    smi_dataset_get_y(ds, y, n);
    ck_assert_int_eq(smi_lasso_result_coefficients(fit, L * p, coef, b0), SMI_OK);
    ck_assert_int_eq(smi_lasso_result_lambdas(fit, L, lam), SMI_OK);
    for (size_t j = 0; j < p; j++) {
        smi_dataset_feature_stats(ds, j, &mean[j], &sd[j], NULL, NULL);
        pf_sum += pf_raw ? pf_raw[j] : 1.0;
    }
    for (size_t j = 0; j < p; j++)
        pf[j] = (pf_raw ? pf_raw[j] : 1.0) * (double)p / pf_sum;
    double worst = 0.0;
    for (size_t l = 0; l < L; l++) {
        double rsum = 0.0;
        for (size_t i = 0; i < n; i++) {
            r[i] = y[i] - b0[l];
            for (size_t j = 0; j < p; j++)
                r[i] -= X[i * p + j] * coef[l * p + j];
            rsum += r[i];
        }
        ck_assert_msg(fabs(rsum) <= 1e-9 * (double)n * sd[0] + 1e-9, "%s: residuals of lambda "
                      "%zu do not sum to 0 (%g): the intercept is not free", what, l, rsum);
        for (size_t j = 0; j < p; j++) {
            double g = 0.0;
            for (size_t i = 0; i < n; i++)
                g += (X[i * p + j] - mean[j]) / sd[j] * r[i];
            g /= (double)n;
            double v = coef[l * p + j] * sd[j], l1 = lam[l] * alpha * pf[j];
            double l2 = lam[l] * (1.0 - alpha) * pf[j], viol;
            if (v != 0.0)
                viol = fabs(g - l2 * v - l1 * (v > 0 ? 1.0 : -1.0));
            else
                viol = fmax(0.0, (positive ? g : fabs(g)) - l1);
            ck_assert_msg(!positive || v >= 0.0, "%s: negative coefficient", what);
            worst = fmax(worst, viol / lam[l]);
        }
    }
    ck_assert_msg(worst <= 1e-7, "%s: KKT violated by %g (relative to lambda)", what, worst);
    free(X), free(y), free(coef), free(b0), free(lam), free(r), free(mean), free(sd);
}

/* Fit ds with cfg and compare with the reference case at glmnet's lambdas, which must be the
 * first of ours (same sequence) unless `given`, when they are passed explicitly. */
static void compare_case(const smi_dataset *ds, smi_lasso *cfg, const char *name,
                         int given, double alpha, int positive)
{
    ref_case rc;
    read_case(name, &rc);
    ck_assert_uint_eq(rc.p, smi_dataset_p(ds));
    ck_assert_int_eq(smi_lasso_set_tolerance(cfg, 1e-24, 10000000), SMI_OK);
    if (given)
        ck_assert_int_eq(smi_lasso_set_lambdas(cfg, rc.lambda, rc.L), SMI_OK);
    smi_lasso_result *fit = NULL;
    ck_assert_msg(smi_lasso_run(ds, cfg, &fit) == SMI_OK, "%s: %s", name, smi_last_error());
    size_t L = smi_lasso_result_n_lambdas(fit), p = rc.p;
    ck_assert_uint_ge(L, rc.L);
    double *lam = malloc(L * sizeof *lam), *coef = malloc(L * p * sizeof *coef);
    double *b0 = malloc(L * sizeof *b0);
    ck_assert(lam && coef && b0);
    ck_assert_int_eq(smi_lasso_result_lambdas(fit, L, lam), SMI_OK);
    ck_assert_int_eq(smi_lasso_result_coefficients(fit, L * p, coef, b0), SMI_OK);
    for (size_t l = 0; l < rc.L; l++) {
        ck_assert_msg(fabs(lam[l] - rc.lambda[l]) <= 1e-10 * rc.lambda[l], "%s: lambda %zu is "
                      "%.17g, glmnet's %.17g", name, l, lam[l], rc.lambda[l]);
        assert_close_row(coef + l * p, rc.coef + l * p, p, b0[l], rc.intercept[l], l, name);
    }
    assert_kkt(ds, fit, alpha, rc.n_pf ? rc.pf : NULL, positive, name);
    free(lam), free(coef), free(b0);
    smi_lasso_result_free(fit);
    free_case(&rc);
}

START_TEST(diabetes_lasso_matches_glmnet)
{
    smi_dataset *ds = diabetes();
    smi_lasso *cfg = NULL;
    ck_assert_int_eq(smi_lasso_create(&cfg), SMI_OK);
    compare_case(ds, cfg, "diabetes_lasso", 0, 1.0, 0);
    smi_lasso_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

START_TEST(diabetes_positive_matches_glmnet)
{
    smi_dataset *ds = diabetes();
    smi_lasso *cfg = NULL;
    ck_assert_int_eq(smi_lasso_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_positive(cfg, 1), SMI_OK);
    compare_case(ds, cfg, "diabetes_positive", 0, 1.0, 1);
    smi_lasso_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

START_TEST(diabetes_penalty_factors_match_glmnet)
{
    smi_dataset *ds = diabetes();
    ref_case rc;
    read_case("diabetes_penalty", &rc);
    ck_assert_uint_eq(rc.n_pf, 10);
    smi_lasso *cfg = NULL;
    ck_assert_int_eq(smi_lasso_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_penalty_factors(cfg, rc.pf, rc.n_pf), SMI_OK);
    compare_case(ds, cfg, "diabetes_penalty", 0, 1.0, 0);
    free_case(&rc);
    smi_lasso_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

START_TEST(diabetes_elastic_net_matches_glmnet)
{
    smi_dataset *ds = diabetes_scaled();
    smi_lasso *cfg = NULL;
    ck_assert_int_eq(smi_lasso_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_alpha(cfg, 0.5), SMI_OK);
    compare_case(ds, cfg, "diabetes_enet_a0.5", 0, 0.5, 0);
    smi_lasso_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

START_TEST(p_above_n_matches_glmnet)
{
    smi_dataset *ds = pn_data();
    ck_assert_uint_eq(smi_dataset_p(ds), 200);
    smi_lasso *cfg = NULL;
    ck_assert_int_eq(smi_lasso_create(&cfg), SMI_OK);
    compare_case(ds, cfg, "pn_lasso", 0, 1.0, 0);
    ck_assert_int_eq(smi_lasso_set_positive(cfg, 1), SMI_OK);
    compare_case(ds, cfg, "pn_positive", 0, 1.0, 1);
    smi_lasso_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

/* ---- cross-validation ---- */

static void read_cv(const char *name, size_t *L, double **cvm, double **cvsd, double *lmin,
                    double *l1se)
{
    FILE *f = open_reference();
    char *line, word[64];
    while ((line = next_line(f))) {
        unsigned long count;
        if (strncmp(line, "cv ", 3) != 0 ||
            sscanf(line + 3, "%63s %lu %lf %lf", word, &count, lmin, l1se) != 4 ||
            strcmp(word, name) != 0)
            continue;
        *L = count;
        *cvm = malloc(count * sizeof **cvm);
        *cvsd = malloc(count * sizeof **cvsd);
        ck_assert(*cvm && *cvsd);
        ck_assert_uint_eq(numbers(next_line(f), *cvm, count), count);
        ck_assert_uint_eq(numbers(next_line(f), *cvsd, count), count);
        while (next_line(f))
            ;
        fclose(f);
        return;
    }
    ck_abort_msg("cv %s not in the reference", name);
}

/* Folds 0..K-1 as 1 + (i - 1) mod K of the reference script, as explicit ids. */
static void set_cyclic_folds(smi_lasso *cfg, size_t n, size_t K)
{
    int *ids = malloc(n * sizeof *ids);
    ck_assert(ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = (int)(i % K);
    ck_assert_int_eq(smi_lasso_set_fold_ids(cfg, ids, n), SMI_OK);
    free(ids);
}

static void compare_cv(const smi_dataset *ds, size_t K, const char *name)
{
    size_t L;
    double *cvm, *cvsd, lmin, l1se;
    read_cv(name, &L, &cvm, &cvsd, &lmin, &l1se);
    smi_lasso *cfg = NULL;
    ck_assert_int_eq(smi_lasso_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_tolerance(cfg, 1e-24, 10000000), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_cv(cfg, 1), SMI_OK);
    set_cyclic_folds(cfg, smi_dataset_n(ds), K);
    smi_lasso_result *fit = NULL;
    ck_assert_msg(smi_lasso_run(ds, cfg, &fit) == SMI_OK, "%s", smi_last_error());
    size_t n_lam = smi_lasso_result_n_lambdas(fit);
    double *mean = malloc(n_lam * sizeof *mean), *se = malloc(n_lam * sizeof *se);
    double *lam = malloc(n_lam * sizeof *lam);
    ck_assert(mean && se && lam);
    ck_assert_int_eq(smi_lasso_result_cv_curve(fit, n_lam, mean, se), SMI_OK);
    ck_assert_int_eq(smi_lasso_result_lambdas(fit, n_lam, lam), SMI_OK);
    ck_assert_uint_ge(n_lam, L);
    for (size_t l = 0; l < L; l++) {
        ck_assert_msg(fabs(mean[l] - cvm[l]) <= 1e-6 * cvm[l], "%s: CV mean at lambda %zu: "
                      "%.15g against glmnet's %.15g", name, l, mean[l], cvm[l]);
        ck_assert_msg(fabs(se[l] - cvsd[l]) <= 1e-6 * cvsd[l], "%s: CV se at lambda %zu: "
                      "%.15g against glmnet's %.15g", name, l, se[l], cvsd[l]);
    }
    size_t imin, i1se;
    ck_assert_int_eq(smi_lasso_result_cv_choice(fit, &imin, &i1se), SMI_OK);
    ck_assert_msg(fabs(lam[imin] - lmin) <= 1e-10 * lmin, "%s: lambda_min %.17g against "
                  "%.17g", name, lam[imin], lmin);
    ck_assert_msg(fabs(lam[i1se] - l1se) <= 1e-10 * l1se, "%s: lambda_1se %.17g against "
                  "%.17g", name, lam[i1se], l1se);
    free(mean), free(se), free(lam), free(cvm), free(cvsd);
    smi_lasso_result_free(fit);
    smi_lasso_free(cfg);
}

START_TEST(cv_matches_glmnet_folds)
{
    smi_dataset *ds = diabetes();
    compare_cv(ds, 10, "diabetes");
    smi_dataset_free(ds);
    ds = pn_data();
    compare_cv(ds, 5, "pn");
    smi_dataset_free(ds);
}
END_TEST

START_TEST(cv_is_thread_independent)
{
    smi_dataset *ds = pn_data();
    double first[2][100];
    for (size_t threads = 1; threads <= 3; threads++) {
        smi_lasso *cfg = NULL;
        ck_assert_int_eq(smi_lasso_create(&cfg), SMI_OK);
        ck_assert_int_eq(smi_lasso_set_cv(cfg, 1), SMI_OK);
        ck_assert_int_eq(smi_lasso_set_folds(cfg, 7, 1, 11), SMI_OK);
        ck_assert_int_eq(smi_lasso_set_threads(cfg, threads), SMI_OK);
        smi_lasso_result *fit = NULL;
        ck_assert_msg(smi_lasso_run(ds, cfg, &fit) == SMI_OK, "%s", smi_last_error());
        double curve[2][100];
        ck_assert_int_eq(smi_lasso_result_cv_curve(fit, 100, curve[0], curve[1]), SMI_OK);
        if (threads == 1)
            memcpy(first, curve, sizeof first);
        else
            ck_assert(memcmp(first, curve, sizeof first) == 0);
        smi_lasso_result_free(fit);
        smi_lasso_free(cfg);
    }
    smi_dataset_free(ds);
}
END_TEST

/* The CV curve of one configuration on ds (100 lambdas: mean, then se). */
static void cv_curve_of(const smi_dataset *ds, const smi_lasso *cfg, double curve[2][100])
{
    smi_lasso_result *fit = NULL;
    ck_assert_msg(smi_lasso_run(ds, cfg, &fit) == SMI_OK, "%s", smi_last_error());
    ck_assert_uint_eq(smi_lasso_result_n_lambdas(fit), 100);
    ck_assert_int_eq(smi_lasso_result_cv_curve(fit, 100, curve[0], curve[1]), SMI_OK);
    smi_lasso_result_free(fit);
}

/* CV is off by default (no curve); turned on, it runs on the documented default folds, 10
 * shuffled with seed 0: the same bits as those folds computed here by the rule (testutil.h)
 * and given as explicit ids, and as smi_lasso_set_folds(cfg, 10, 1, 0). A copy of the
 * configuration gives the same bits; another seed another curve. */
START_TEST(cv_default_folds_follow_the_rule)
{
    smi_dataset *ds = diabetes();
    size_t n = smi_dataset_n(ds);
    smi_lasso *cfg = NULL, *ids = NULL, *explicit_k = NULL, *copy = NULL;
    ck_assert_int_eq(smi_lasso_create(&cfg), SMI_OK);
    smi_lasso_result *fit = NULL;
    ck_assert_int_eq(smi_lasso_run(ds, cfg, &fit), SMI_OK);
    ck_assert_int_eq(smi_lasso_result_cv_curve(fit, 100, NULL, NULL), SMI_ENOTFOUND);
    smi_lasso_result_free(fit);
    ck_assert_int_eq(smi_lasso_set_cv(cfg, 1), SMI_OK);
    double by_default[2][100], by_ids[2][100], by_k[2][100], by_copy[2][100];
    cv_curve_of(ds, cfg, by_default);

    int *fold = malloc(n * sizeof *fold);
    ck_assert_ptr_nonnull(fold);
    ck_assert_int_eq(tu_kfold(n, 10, 1, 0, fold), 0);
    ck_assert_int_eq(smi_lasso_create(&ids), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_cv(ids, 1), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_fold_ids(ids, fold, n), SMI_OK);
    cv_curve_of(ds, ids, by_ids);
    ck_assert(memcmp(by_default, by_ids, sizeof by_ids) == 0);

    ck_assert_int_eq(smi_lasso_create(&explicit_k), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_cv(explicit_k, 1), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_folds(explicit_k, 10, 1, 0), SMI_OK);
    cv_curve_of(ds, explicit_k, by_k);
    ck_assert(memcmp(by_default, by_k, sizeof by_k) == 0);

    ck_assert_int_eq(smi_lasso_copy(&copy, cfg), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_folds(cfg, 10, 1, 1), SMI_OK); /* the copy keeps seed 0 */
    cv_curve_of(ds, copy, by_copy);
    ck_assert(memcmp(by_default, by_copy, sizeof by_copy) == 0);
    cv_curve_of(ds, cfg, by_k);
    ck_assert(memcmp(by_default, by_k, sizeof by_k) != 0);

    free(fold);
    smi_lasso_free(cfg);
    smi_lasso_free(ids);
    smi_lasso_free(explicit_k);
    smi_lasso_free(copy);
    smi_dataset_free(ds);
}
END_TEST

/* ---- the exact LARS path as a second, independent algorithm ---- */

/* The LARS LASSO path of ds, no sign constraint, no step limit. */
static smi_lars_result *lars_lasso_path(const smi_dataset *ds)
{
    smi_lars *cfg = NULL;
    ck_assert_int_eq(smi_lars_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_lars_set_method(cfg, SMI_LARS_LASSO), SMI_OK);
    smi_lars_result *path = NULL;
    ck_assert_int_eq(smi_lars_run(ds, cfg, &path), SMI_OK);
    smi_lars_free(cfg);
    return path;
}

START_TEST(lasso_equals_lars_at_its_knots)
{
    smi_dataset *ds = diabetes();
    smi_lars_result *path = lars_lasso_path(ds);
    size_t T = smi_lars_result_n_knots(path), p = 10;
    double alpha[64], lars_coef[64 * 10];
    ck_assert_uint_le(T, 64);
    smi_lars_result_knots(path, 64, alpha);
    smi_lars_result_coefficients(path, 64 * 10, lars_coef, NULL);
    /* Knots 1..T-2: the last one has alpha 0, which coordinate descent does not take. */
    smi_lasso *cfg = NULL;
    ck_assert_int_eq(smi_lasso_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_lambdas(cfg, alpha + 1, T - 2), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_tolerance(cfg, 1e-18, 1000000), SMI_OK);
    smi_lasso_result *fit = NULL;
    ck_assert_msg(smi_lasso_run(ds, cfg, &fit) == SMI_OK, "%s", smi_last_error());
    double coef[64 * 10];
    smi_lasso_result_coefficients(fit, 64 * 10, coef, NULL);
    for (size_t t = 0; t + 2 < T; t++) {
        double top = 0.0;
        for (size_t j = 0; j < p; j++)
            top = fmax(top, fabs(lars_coef[(t + 1) * p + j]));
        for (size_t j = 0; j < p; j++)
            ck_assert_msg(fabs(coef[t * p + j] - lars_coef[(t + 1) * p + j]) <= 1e-7 * top,
                          "knot %zu feature %zu: %.12g against LARS %.12g", t + 1, j,
                          coef[t * p + j], lars_coef[(t + 1) * p + j]);
    }
    smi_lasso_result_free(fit);
    smi_lasso_free(cfg);
    smi_lars_result_free(path);
    smi_dataset_free(ds);
}
END_TEST

/* p > n: the LARS lasso path on the synthetic set against coordinate descent (itself checked
 * against glmnet on the same data above) at every knot down to 1e-2 alpha_max. */
START_TEST(lasso_equals_lars_when_p_exceeds_n)
{
    smi_dataset *ds = pn_data();
    size_t p = smi_dataset_p(ds);
    smi_lars_result *path = lars_lasso_path(ds);
    size_t T = smi_lars_result_n_knots(path), used = 0;
    double *alpha = malloc(T * sizeof *alpha), *lars_coef = malloc(T * p * sizeof *lars_coef);
    ck_assert(alpha && lars_coef);
    smi_lars_result_knots(path, T, alpha);
    smi_lars_result_coefficients(path, T * p, lars_coef, NULL);
    while (used + 1 < T && alpha[used + 1] >= 1e-2 * alpha[0] && alpha[used + 1] < alpha[used])
        used++;
    ck_assert_uint_ge(used, 20);
    smi_lasso *cfg = NULL;
    ck_assert_int_eq(smi_lasso_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_lambdas(cfg, alpha + 1, used), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_tolerance(cfg, 1e-24, 10000000), SMI_OK);
    smi_lasso_result *fit = NULL;
    ck_assert_msg(smi_lasso_run(ds, cfg, &fit) == SMI_OK, "%s", smi_last_error());
    double *coef = malloc(used * p * sizeof *coef);
    ck_assert(coef);
    smi_lasso_result_coefficients(fit, used * p, coef, NULL);
    for (size_t t = 0; t < used; t++) {
        const double *want = lars_coef + (t + 1) * p;
        double top = 0.0;
        for (size_t j = 0; j < p; j++)
            top = fmax(top, fabs(want[j]));
        for (size_t j = 0; j < p; j++)
            ck_assert_msg(fabs(coef[t * p + j] - want[j]) <= 1e-7 * top, "knot %zu feature %zu: "
                          "%.12g against LARS %.12g", t + 1, j, coef[t * p + j], want[j]);
    }
    free(alpha), free(lars_coef), free(coef);
    smi_lasso_result_free(fit);
    smi_lasso_free(cfg);
    smi_lars_result_free(path);
    smi_dataset_free(ds);
}
END_TEST

/* A mixing parameter below 1e-3: lambda_max takes a = 1e-3 as glmnet's does, so the first
 * solutions are not 0 and must still meet the optimality conditions. */
START_TEST(small_mixing_parameter_solves_above_lambda_max)
{
    smi_dataset *ds = diabetes_scaled();
    smi_lasso *cfg = NULL;
    ck_assert_int_eq(smi_lasso_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_alpha(cfg, 1e-4), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_path(cfg, 20, 0.0), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_tolerance(cfg, 1e-24, 10000000), SMI_OK);
    smi_lasso_result *fit = NULL;
    ck_assert_msg(smi_lasso_run(ds, cfg, &fit) == SMI_OK, "%s", smi_last_error());
    double coef[20 * 10];
    smi_lasso_result_coefficients(fit, 200, coef, NULL);
    double top = 0.0;
    for (size_t j = 0; j < 10; j++)
        top = fmax(top, fabs(coef[j]));
    ck_assert(top > 0.0);
    assert_kkt(ds, fit, 1e-4, NULL, 0, "a = 1e-4");
    smi_lasso_result_free(fit);
    smi_lasso_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

/* Values whose squares overflow, penalty factors that would, and a target the unpenalised
 * features fit exactly: errors, not NaN or a silently wrong path. */
START_TEST(extreme_values_are_refused)
{
    double X[20 * 3], y[20];
    uint64_t s = 5;
    for (size_t i = 0; i < 20; i++) {
        for (size_t j = 0; j < 3; j++)
            X[i * 3 + j] = tu_uniform(&s);
        y[i] = X[i * 3] - X[i * 3 + 1] + 0.1 * X[i * 3 + 2] * X[i * 3 + 2];
    }
    smi_dataset *ds = NULL;
    smi_lasso_result *fit = NULL;
    smi_lasso *cfg = NULL;
    ck_assert_int_eq(smi_lasso_create(&cfg), SMI_OK);
    double huge[3] = { 1e308, 1.0, 1.0 }, tiny[3] = { 1e-320, 1.0, 1.0 };
    ck_assert_int_eq(smi_dataset_create(&ds, 20, 3, X, y, NULL, NULL), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_penalty_factors(cfg, huge, 3), SMI_OK);
    ck_assert_int_eq(smi_lasso_run(ds, cfg, &fit), SMI_EINVAL);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "out of range"));
    ck_assert_int_eq(smi_lasso_set_penalty_factors(cfg, tiny, 3), SMI_OK);
    ck_assert_int_eq(smi_lasso_run(ds, cfg, &fit), SMI_EINVAL);
    double unpenalised[3] = { 0.0, 0.0, 1.0 };
    ck_assert_int_eq(smi_lasso_set_penalty_factors(cfg, unpenalised, 3), SMI_OK);
    smi_dataset_free(ds);
    double y_exact[20];
    for (size_t i = 0; i < 20; i++)
        y_exact[i] = 2.0 * X[i * 3] - X[i * 3 + 1] + 0.5;
    ck_assert_int_eq(smi_dataset_create(&ds, 20, 3, X, y_exact, NULL, NULL), SMI_OK);
    ck_assert_int_eq(smi_lasso_run(ds, cfg, &fit), SMI_ESINGULAR);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "fit the target exactly"));
    smi_dataset_free(ds);
    /* A feature near 1e160 (its squares overflow) is standardised exactly as it is at 1:
     * the same path, its coefficient divided by 1e160 (issue 12; it was refused). */
    double coef0[100 * 3], coef1[100 * 3];
    ck_assert_int_eq(smi_dataset_create(&ds, 20, 3, X, y, NULL, NULL), SMI_OK);
    ck_assert_int_eq(smi_lasso_run(ds, NULL, &fit), SMI_OK);
    ck_assert_uint_eq(smi_lasso_result_n_lambdas(fit), 100);
    ck_assert_int_eq(smi_lasso_result_coefficients(fit, 300, coef0, NULL), SMI_OK);
    smi_lasso_result_free(fit);
    smi_dataset_free(ds);
    for (size_t i = 0; i < 20; i++)
        X[i * 3 + 1] *= 1e160;
    ck_assert_int_eq(smi_dataset_create(&ds, 20, 3, X, y, NULL, NULL), SMI_OK);
    ck_assert_int_eq(smi_lasso_run(ds, NULL, &fit), SMI_OK);
    ck_assert_uint_eq(smi_lasso_result_n_lambdas(fit), 100);
    ck_assert_int_eq(smi_lasso_result_coefficients(fit, 300, coef1, NULL), SMI_OK);
    for (size_t t = 0; t < 300; t++) {
        double want = t % 3 == 1 ? coef0[t] / 1e160 : coef0[t];
        ck_assert_msg(fabs(coef1[t] - want) <= 1e-12 * fabs(want) + 1e-300 * (t % 3 != 1),
                      "coefficient %zu: %g, want %g", t, coef1[t], want);
    }
    smi_lasso_result_free(fit);
    smi_dataset_free(ds);
    smi_lasso_free(cfg);
}
END_TEST

/* ---- defaults and bad input ---- */

START_TEST(default_path_shape)
{
    smi_dataset *ds = diabetes();
    smi_lasso_result *fit = NULL;
    ck_assert_int_eq(smi_lasso_run(ds, NULL, &fit), SMI_OK);
    ck_assert_uint_eq(smi_lasso_result_n_lambdas(fit), 100);
    ck_assert_uint_eq(smi_lasso_result_p(fit), 10);
    double lam[100], coef[1000];
    smi_lasso_result_lambdas(fit, 100, lam);
    smi_lasso_result_coefficients(fit, 1000, coef, NULL);
    ck_assert_double_eq_tol(lam[99] / lam[0], 1e-4, 1e-16); /* n > p */
    for (size_t j = 0; j < 10; j++)
        ck_assert(coef[j] == 0.0); /* lambda_max: every coefficient 0 */
    ck_assert_int_eq(smi_lasso_result_cv_curve(fit, 100, NULL, NULL), SMI_ENOTFOUND);
    ck_assert_int_eq(smi_lasso_result_cv_choice(fit, NULL, NULL), SMI_ENOTFOUND);
    smi_lasso_result_free(fit);
    smi_dataset_free(ds);
    ds = pn_data();
    ck_assert_int_eq(smi_lasso_run(ds, NULL, &fit), SMI_OK);
    smi_lasso_result_lambdas(fit, 100, lam);
    ck_assert_double_eq_tol(lam[99] / lam[0], 1e-2, 1e-15); /* p >= n */
    smi_lasso_result_free(fit);
    smi_dataset_free(ds);
}
END_TEST

START_TEST(bad_input)
{
    smi_lasso *cfg = NULL;
    ck_assert_int_eq(smi_lasso_create(NULL), SMI_EINVAL);
    ck_assert_int_eq(smi_lasso_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_alpha(cfg, 0.0), SMI_EINVAL);
    ck_assert_int_eq(smi_lasso_set_alpha(cfg, 1.5), SMI_EINVAL);
    ck_assert_int_eq(smi_lasso_set_alpha(cfg, NAN), SMI_EINVAL);
    ck_assert_int_eq(smi_lasso_set_path(cfg, 0, 0.0), SMI_EINVAL);
    ck_assert_int_eq(smi_lasso_set_path(cfg, 10, 1.0), SMI_EINVAL);
    double up[2] = { 1.0, 2.0 }, neg[2] = { 1.0, -1.0 }, zero[3] = { 0.0, 0.0, 0.0 };
    ck_assert_int_eq(smi_lasso_set_lambdas(cfg, up, 2), SMI_EINVAL);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "decrease"));
    ck_assert_int_eq(smi_lasso_set_lambdas(cfg, neg, 2), SMI_EINVAL);
    ck_assert_int_eq(smi_lasso_set_penalty_factors(cfg, neg, 2), SMI_EINVAL);
    ck_assert_int_eq(smi_lasso_set_penalty_factors(cfg, zero, 3), SMI_EINVAL);
    ck_assert_int_eq(smi_lasso_set_tolerance(cfg, 0.0, 10), SMI_EINVAL);
    ck_assert_int_eq(smi_lasso_set_tolerance(cfg, 1e-7, 0), SMI_EINVAL);

    smi_dataset *ds = diabetes();
    smi_lasso_result *fit = (smi_lasso_result *)cfg; /* must be reset to NULL */
    ck_assert_int_eq(smi_lasso_run(NULL, cfg, &fit), SMI_EINVAL);
    ck_assert_ptr_null(fit);
    ck_assert_int_eq(smi_lasso_run(ds, cfg, NULL), SMI_EINVAL);
    ck_assert_int_eq(smi_lasso_set_cv(NULL, 1), SMI_EINVAL);
    ck_assert_int_eq(smi_lasso_set_cv(cfg, 1), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_folds(cfg, 443, 1, 0), SMI_OK); /* n = 442 */
    ck_assert_int_eq(smi_lasso_run(ds, cfg, &fit), SMI_EINVAL);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "folds"));
    ck_assert_ptr_null(fit);
    ck_assert_int_eq(smi_lasso_set_cv(cfg, 0), SMI_OK);
    double three[3] = { 1.0, 1.0, 1.0 };
    ck_assert_int_eq(smi_lasso_set_penalty_factors(cfg, three, 3), SMI_OK);
    ck_assert_int_eq(smi_lasso_run(ds, cfg, &fit), SMI_EINVAL);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "3 penalty factors for 10 features"));
    ck_assert_int_eq(smi_lasso_set_penalty_factors(cfg, NULL, 0), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_tolerance(cfg, 1e-20, 1), SMI_OK);
    ck_assert_int_eq(smi_lasso_run(ds, cfg, &fit), SMI_ENOCONV);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "did not converge at lambda"));
    ck_assert_ptr_null(fit);

    ck_assert_uint_eq(smi_lasso_result_n_lambdas(NULL), 0);
    ck_assert_int_eq(smi_lasso_result_lambdas(NULL, 10, up), SMI_EINVAL);
    ck_assert_int_eq(smi_lasso_run(ds, NULL, &fit), SMI_OK);
    ck_assert_int_eq(smi_lasso_result_lambdas(fit, 99, up), SMI_EINVAL);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "100"));
    ck_assert_int_eq(smi_lasso_result_coefficients(fit, 999, up, NULL), SMI_EINVAL);
    smi_lasso_result_free(fit);
    smi_lasso_result_free(NULL);
    smi_lasso_free(NULL);
    smi_lasso_free(cfg);
    smi_dataset_free(ds);

    double X[6] = { 1, 2, 1, 3, 1, 4 }, y[3] = { 1, 2, 4 };
    ck_assert_int_eq(smi_dataset_create(&ds, 3, 2, X, y, NULL, NULL), SMI_OK);
    ck_assert_int_eq(smi_lasso_run(ds, NULL, &fit), SMI_ECONSTANT);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "'x1' is constant"));
    smi_dataset_free(ds);
    double X2[6] = { 1, 2, 3, 5, 4, 9 }, y2[3] = { 2, 2, 2 };
    ck_assert_int_eq(smi_dataset_create(&ds, 3, 2, X2, y2, NULL, NULL), SMI_OK);
    ck_assert_int_eq(smi_lasso_run(ds, NULL, &fit), SMI_ECONSTANT);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "target 'y' is constant"));
    smi_dataset_free(ds);
}
END_TEST

static Suite *lasso_suite(void)
{
    Suite *s = suite_create("lasso");
    TCase *tc = tcase_create("glmnet");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, diabetes_lasso_matches_glmnet);
    tcase_add_test(tc, diabetes_positive_matches_glmnet);
    tcase_add_test(tc, diabetes_penalty_factors_match_glmnet);
    tcase_add_test(tc, diabetes_elastic_net_matches_glmnet);
    tcase_add_test(tc, p_above_n_matches_glmnet);
    tcase_add_test(tc, cv_matches_glmnet_folds);
    suite_add_tcase(s, tc);
    TCase *tp = tcase_create("properties");
    tcase_set_timeout(tp, 120);
    tcase_add_test(tp, cv_is_thread_independent);
    tcase_add_test(tp, cv_default_folds_follow_the_rule);
    tcase_add_test(tp, lasso_equals_lars_at_its_knots);
    tcase_add_test(tp, lasso_equals_lars_when_p_exceeds_n);
    tcase_add_test(tp, small_mixing_parameter_solves_above_lambda_max);
    tcase_add_test(tp, extreme_values_are_refused);
    tcase_add_test(tp, default_path_shape);
    tcase_add_test(tp, bad_input);
    suite_add_tcase(s, tp);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(lasso_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
