/* The LARS path (lib/lasso) against scikit-learn's lars_path on the diabetes data
 * (tests/data/lars_sklearn.txt, written by tests/data/make_lars_sklearn.py): every knot's
 * alpha, coefficients, intercept and active set, for lar, lasso and positive lasso. Also
 * properties that need no oracle (the KKT conditions at every knot, a truncated path is a
 * prefix of the full one), a rank-deficient active set (a success with a caveat), the
 * configuration's setters and getters, the configuration a path reports, and bad
 * arguments. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sparsemi.h"

enum { P = 10, MAX_KNOTS = 64 };

static const char *data_path(const char *name)
{
    const char *dir = getenv("SMI_TEST_DATA");
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "tests/data", name);
    return path;
}

static smi_dataset *diabetes(void)
{
    smi_csv_options opt;
    smi_csv_options_init(&opt);
    opt.target = "progression";
    smi_dataset *ds = NULL;
    ck_assert_msg(smi_dataset_read_csv(&ds, data_path("diabetes.csv"), &opt) == SMI_OK, "%s",
                  smi_last_error());
    ck_assert_uint_eq(smi_dataset_p(ds), P);
    return ds;
}

/* The reference path of one variant: knots in file order. */
typedef struct {
    size_t n;
    double alpha[MAX_KNOTS], intercept[MAX_KNOTS], coef[MAX_KNOTS][P];
} ref_path;

static void read_reference(const char *method, int positive, ref_path *ref)
{
    FILE *f = fopen(data_path("lars_sklearn.txt"), "r");
    ck_assert_msg(f != NULL, "cannot open %s", data_path("lars_sklearn.txt"));
    char line[4096];
    ref->n = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        char m[16], source[16];
        int pos, knot, used;
        double alpha, b0;
        ck_assert_int_eq(sscanf(line, "%15s %d %d %15s %lf %lf%n", m, &pos, &knot, source,
                                &alpha, &b0, &used), 6);
        if (strcmp(m, method) != 0 || pos != positive)
            continue;
        ck_assert_int_eq(knot, (int)ref->n);
        ck_assert_uint_lt(ref->n, MAX_KNOTS);
        char *s = line + used;
        for (int j = 0; j < P; j++) {
            char *end;
            ref->coef[ref->n][j] = strtod(s, &end);
            ck_assert_ptr_ne(end, s);
            s = end;
        }
        ref->alpha[ref->n] = alpha;
        ref->intercept[ref->n] = b0;
        ref->n++;
    }
    fclose(f);
    ck_assert_uint_gt(ref->n, 2);
}

/* Relative 1e-8, absolute 1e-8 near zero. */
static int close_to(double got, double want)
{
    return fabs(got - want) <= 1e-8 * fmax(fabs(want), 1.0);
}

/* The path of ds under a configuration made here (freed before the path is read: the path
 * keeps its own copy). */
static smi_lars_result *lars_path(const smi_dataset *ds, int method, int positive,
                                  size_t max_steps)
{
    smi_lars *cfg = NULL;
    ck_assert_int_eq(smi_lars_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_lars_set_method(cfg, method), SMI_OK);
    ck_assert_int_eq(smi_lars_set_positive(cfg, positive), SMI_OK);
    ck_assert_int_eq(smi_lars_set_max_steps(cfg, max_steps), SMI_OK);
    smi_lars_result *path = NULL;
    int rc = smi_lars_run(ds, cfg, &path);
    smi_lars_free(cfg);
    ck_assert_msg(rc == SMI_OK, "%s", smi_last_error());
    ck_assert_ptr_nonnull(path);
    return path;
}

static const struct { const char *method; int code, positive; } variants[] = {
    { "lar", SMI_LARS_LAR, 0 },
    { "lasso", SMI_LARS_LASSO, 0 },
    { "lasso", SMI_LARS_LASSO, 1 },
};

START_TEST(path_equals_sklearn)
{
    ref_path ref;
    read_reference(variants[_i].method, variants[_i].positive, &ref);
    smi_dataset *ds = diabetes();
    smi_lars_result *path = lars_path(ds, variants[_i].code, variants[_i].positive, 0);
    ck_assert_int_eq(smi_lars_result_status(path), SMI_OK);
    ck_assert_str_eq(smi_lars_result_caveat(path), "");
    size_t T = smi_lars_result_n_knots(path);
    ck_assert_uint_eq(T, ref.n);
    double alpha[MAX_KNOTS], coef[MAX_KNOTS * P], b0[MAX_KNOTS];
    ck_assert_int_eq(smi_lars_result_knots(path, MAX_KNOTS, alpha), SMI_OK);
    ck_assert_int_eq(smi_lars_result_coefficients(path, MAX_KNOTS * P, coef, b0), SMI_OK);
    for (size_t t = 0; t < T; t++) {
        ck_assert_msg(close_to(alpha[t], ref.alpha[t]), "%s%s knot %zu: alpha %.17g, sklearn %.17g",
                      variants[_i].method, variants[_i].positive ? " positive" : "", t,
                      alpha[t], ref.alpha[t]);
        ck_assert_msg(close_to(b0[t], ref.intercept[t]), "knot %zu: intercept %.17g, want %.17g",
                      t, b0[t], ref.intercept[t]);
        size_t active[P], k = 0, nonzero = 0;
        ck_assert_int_eq(smi_lars_result_active(path, t, P, active, &k), SMI_OK);
        for (size_t j = 0; j < P; j++) {
            ck_assert_msg(close_to(coef[t * P + j], ref.coef[t][j]),
                          "%s%s knot %zu feature %zu: %.17g, sklearn %.17g", variants[_i].method,
                          variants[_i].positive ? " positive" : "", t, j, coef[t * P + j],
                          ref.coef[t][j]);
            nonzero += ref.coef[t][j] != 0.0;
            if (variants[_i].positive)
                ck_assert(coef[t * P + j] >= 0.0);
        }
        ck_assert_uint_eq(k, nonzero);
        for (size_t i = 0; i < k; i++)
            ck_assert_msg(ref.coef[t][active[i]] != 0.0, "knot %zu: feature %zu active", t,
                          active[i]);
    }
    smi_lars_result_free(path);
    smi_dataset_free(ds);
}
END_TEST

/* KKT at every knot, computed here from the data: with z_j = (x_j - mean_j) / sd_j and r
 * the residual, |z_j'r| / n equals alpha on the active set and is at most alpha elsewhere
 * (positive: z_j'r / n <= alpha); lasso coefficients have the sign of their correlation. */
START_TEST(knots_satisfy_kkt)
{
    smi_dataset *ds = diabetes();
    size_t n = smi_dataset_n(ds);
    double *X = malloc(n * P * sizeof *X), *y = malloc(n * sizeof *y);
    double *r = malloc(n * sizeof *r);
    ck_assert_int_eq(smi_dataset_get_X(ds, X, n * P), SMI_OK);
    ck_assert_int_eq(smi_dataset_get_y(ds, y, n), SMI_OK);
    double mean[P], sd[P], lo, hi;
    for (size_t j = 0; j < P; j++)
        ck_assert_int_eq(smi_dataset_feature_stats(ds, j, &mean[j], &sd[j], &lo, &hi), SMI_OK);
    smi_lars_result *path = lars_path(ds, variants[_i].code, variants[_i].positive, 0);
    size_t T = smi_lars_result_n_knots(path);
    double alpha[MAX_KNOTS], coef[MAX_KNOTS * P], b0[MAX_KNOTS];
    ck_assert_int_eq(smi_lars_result_knots(path, MAX_KNOTS, alpha), SMI_OK);
    ck_assert_int_eq(smi_lars_result_coefficients(path, MAX_KNOTS * P, coef, b0), SMI_OK);
    for (size_t t = 0; t < T; t++) {
        if (t > 0)
            ck_assert(alpha[t] <= alpha[t - 1]);
        for (size_t i = 0; i < n; i++) {
            double f = b0[t];
            for (size_t j = 0; j < P; j++)
                f += X[i * P + j] * coef[t * P + j];
            r[i] = y[i] - f;
        }
        size_t active[P], k;
        ck_assert_int_eq(smi_lars_result_active(path, t, P, active, &k), SMI_OK);
        for (size_t j = 0; j < P; j++) {
            double g = 0.0;
            for (size_t i = 0; i < n; i++)
                g += (X[i * P + j] - mean[j]) / sd[j] * r[i];
            g /= (double)n;
            int in = 0;
            for (size_t i = 0; i < k; i++)
                in |= active[i] == j;
            double tol = 1e-9 * alpha[0];
            if (in)
                ck_assert_msg(fabs(fabs(g) - alpha[t]) <= tol, "knot %zu feature %zu: %g vs %g",
                              t, j, g, alpha[t]);
            else
                ck_assert((variants[_i].positive ? g : fabs(g)) <= alpha[t] + tol);
            int lasso = variants[_i].code == SMI_LARS_LASSO;
            if (in && lasso && coef[t * P + j] != 0.0 && alpha[t] > tol)
                ck_assert_msg(coef[t * P + j] * g > 0.0, "knot %zu feature %zu: coef %g corr %g",
                              t, j, coef[t * P + j], g);
        }
    }
    smi_lars_result_free(path);
    smi_dataset_free(ds);
    free(X), free(y), free(r);
}
END_TEST

START_TEST(max_steps_truncates)
{
    smi_dataset *ds = diabetes();
    smi_lars_result *full = lars_path(ds, SMI_LARS_LASSO, 0, 0);
    smi_lars_result *part = lars_path(ds, SMI_LARS_LASSO, 0, 4);
    ck_assert_uint_eq(smi_lars_result_n_knots(part), 5);
    ck_assert_int_eq(smi_lars_result_status(part), SMI_OK); /* max_steps ends it normally */
    double a[MAX_KNOTS], b[MAX_KNOTS], ca[MAX_KNOTS * P], cb[MAX_KNOTS * P];
    ck_assert_int_eq(smi_lars_result_knots(full, MAX_KNOTS, a), SMI_OK);
    ck_assert_int_eq(smi_lars_result_knots(part, MAX_KNOTS, b), SMI_OK);
    ck_assert_int_eq(smi_lars_result_coefficients(full, MAX_KNOTS * P, ca, NULL), SMI_OK);
    ck_assert_int_eq(smi_lars_result_coefficients(part, MAX_KNOTS * P, cb, NULL), SMI_OK);
    ck_assert_mem_eq(a, b, 5 * sizeof *a);
    ck_assert_mem_eq(ca, cb, 5 * P * sizeof *ca);
    smi_lars_result_free(full);
    smi_lars_result_free(part);
    smi_dataset_free(ds);
}
END_TEST

/* Two identical features tie for entry: the second cannot join the first. */
START_TEST(dependent_feature_stops_the_path)
{
    enum { N = 12 };
    double X[N * 3], y[N];
    for (int i = 0; i < N; i++) {
        X[i * 3] = sin(1.0 + i);
        X[i * 3 + 1] = X[i * 3];
        X[i * 3 + 2] = cos(0.7 * i * i);
        y[i] = 2.0 * X[i * 3] + 0.1 * X[i * 3 + 2];
    }
    smi_dataset *ds = NULL;
    ck_assert_int_eq(smi_dataset_create(&ds, N, 3, X, y, NULL, NULL), SMI_OK);
    smi_lars_result *path = NULL;
    ck_assert_int_eq(smi_lars_run(ds, NULL, &path), SMI_OK); /* a success with a caveat */
    ck_assert_int_eq(smi_lars_result_status(path), SMI_ESINGULAR);
    ck_assert_str_ne(smi_lars_result_caveat(path), "");
    ck_assert_uint_eq(smi_lars_result_n_knots(path), 1);
    smi_lars_result_free(path);
    smi_dataset_free(ds);
}
END_TEST

/* Setters refuse what the header rules out and leave the configuration unchanged; getters
 * read back what was set; NULL arguments are refused. */
START_TEST(config_setters_and_getters)
{
    smi_lars *cfg = NULL;
    ck_assert_int_eq(smi_lars_create(&cfg), SMI_OK);
    int method = -7, on = -7;
    size_t steps = 99;
    ck_assert_int_eq(smi_lars_get_method(cfg, &method), SMI_OK);
    ck_assert_int_eq(smi_lars_get_positive(cfg, &on), SMI_OK);
    ck_assert_int_eq(smi_lars_get_max_steps(cfg, &steps), SMI_OK);
    ck_assert_int_eq(method, SMI_LARS_LAR); /* the defaults */
    ck_assert_int_eq(on, 0);
    ck_assert_uint_eq(steps, 0);

    ck_assert_int_eq(smi_lars_set_method(cfg, 2), SMI_EINVAL);
    ck_assert_str_ne(smi_last_error(), "");
    ck_assert_int_eq(smi_lars_set_method(cfg, -1), SMI_EINVAL);
    ck_assert_int_eq(smi_lars_set_positive(cfg, 1), SMI_EINVAL); /* LAR: no positivity */
    ck_assert_str_ne(smi_last_error(), "");
    ck_assert_int_eq(smi_lars_set_positive(cfg, 0), SMI_OK);
    ck_assert_int_eq(smi_lars_get_method(cfg, &method), SMI_OK);
    ck_assert_int_eq(smi_lars_get_positive(cfg, &on), SMI_OK);
    ck_assert_int_eq(method, SMI_LARS_LAR);
    ck_assert_int_eq(on, 0);

    ck_assert_int_eq(smi_lars_set_method(cfg, SMI_LARS_LASSO), SMI_OK);
    ck_assert_int_eq(smi_lars_set_positive(cfg, 5), SMI_OK);
    ck_assert_int_eq(smi_lars_get_positive(cfg, &on), SMI_OK);
    ck_assert_int_ne(on, 0);
    /* positivity set: going back to LAR would break the rule above */
    ck_assert_int_eq(smi_lars_set_method(cfg, SMI_LARS_LAR), SMI_EINVAL);
    ck_assert_int_eq(smi_lars_get_method(cfg, &method), SMI_OK);
    ck_assert_int_eq(method, SMI_LARS_LASSO);
    ck_assert_int_eq(smi_lars_set_max_steps(cfg, 4), SMI_OK);
    ck_assert_int_eq(smi_lars_get_max_steps(cfg, &steps), SMI_OK);
    ck_assert_uint_eq(steps, 4);

    smi_lars *copy = NULL;
    ck_assert_int_eq(smi_lars_copy(&copy, cfg), SMI_OK);
    ck_assert_int_eq(smi_lars_set_max_steps(cfg, 0), SMI_OK); /* the copy is its own */
    ck_assert_int_eq(smi_lars_get_method(copy, &method), SMI_OK);
    ck_assert_int_eq(smi_lars_get_positive(copy, &on), SMI_OK);
    ck_assert_int_eq(smi_lars_get_max_steps(copy, &steps), SMI_OK);
    ck_assert_int_eq(method, SMI_LARS_LASSO);
    ck_assert_int_ne(on, 0);
    ck_assert_uint_eq(steps, 4);

    smi_lars *none = cfg;
    ck_assert_int_eq(smi_lars_create(NULL), SMI_EINVAL);
    ck_assert_int_eq(smi_lars_copy(&none, NULL), SMI_EINVAL);
    ck_assert_ptr_null(none);
    ck_assert_int_eq(smi_lars_copy(NULL, cfg), SMI_EINVAL);
    ck_assert_int_eq(smi_lars_set_method(NULL, SMI_LARS_LAR), SMI_EINVAL);
    ck_assert_int_eq(smi_lars_set_positive(NULL, 0), SMI_EINVAL);
    ck_assert_int_eq(smi_lars_set_max_steps(NULL, 1), SMI_EINVAL);
    ck_assert_int_eq(smi_lars_get_method(NULL, &method), SMI_EINVAL);
    ck_assert_int_eq(smi_lars_get_method(cfg, NULL), SMI_EINVAL);
    ck_assert_int_eq(smi_lars_get_positive(NULL, &on), SMI_EINVAL);
    ck_assert_int_eq(smi_lars_get_positive(cfg, NULL), SMI_EINVAL);
    ck_assert_int_eq(smi_lars_get_max_steps(NULL, &steps), SMI_EINVAL);
    ck_assert_int_eq(smi_lars_get_max_steps(cfg, NULL), SMI_EINVAL);
    smi_lars_free(copy);
    smi_lars_free(cfg);
    smi_lars_free(NULL);
}
END_TEST

/* smi_lars_result_config: the configuration that made the path, its own copy (later changes
 * to the caller's configuration do not reach it), the defaults for cfg NULL; a path run from
 * it again is the same path. */
START_TEST(result_config_is_the_run_s)
{
    smi_dataset *ds = diabetes();
    smi_lars *cfg = NULL;
    ck_assert_int_eq(smi_lars_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_lars_set_method(cfg, SMI_LARS_LASSO), SMI_OK);
    ck_assert_int_eq(smi_lars_set_positive(cfg, 1), SMI_OK);
    ck_assert_int_eq(smi_lars_set_max_steps(cfg, 3), SMI_OK);
    smi_lars_result *path = NULL;
    ck_assert_int_eq(smi_lars_run(ds, cfg, &path), SMI_OK);
    ck_assert_uint_eq(smi_lars_result_n_knots(path), 4);
    ck_assert_int_eq(smi_lars_set_max_steps(cfg, 0), SMI_OK);
    ck_assert_int_eq(smi_lars_set_positive(cfg, 0), SMI_OK);
    const smi_lars *used = smi_lars_result_config(path);
    ck_assert_ptr_nonnull(used);
    int method, on;
    size_t steps;
    ck_assert_int_eq(smi_lars_get_method(used, &method), SMI_OK);
    ck_assert_int_eq(smi_lars_get_positive(used, &on), SMI_OK);
    ck_assert_int_eq(smi_lars_get_max_steps(used, &steps), SMI_OK);
    ck_assert_int_eq(method, SMI_LARS_LASSO);
    ck_assert_int_ne(on, 0);
    ck_assert_uint_eq(steps, 3);
    smi_lars_result *again = NULL;
    ck_assert_int_eq(smi_lars_run(ds, used, &again), SMI_OK);
    ck_assert_uint_eq(smi_lars_result_n_knots(again), 4);
    double a[4 * P], b[4 * P];
    ck_assert_int_eq(smi_lars_result_coefficients(path, 4 * P, a, NULL), SMI_OK);
    ck_assert_int_eq(smi_lars_result_coefficients(again, 4 * P, b, NULL), SMI_OK);
    ck_assert_mem_eq(a, b, sizeof a);
    smi_lars_result_free(again);
    smi_lars_result_free(path);
    smi_lars_free(cfg);

    ck_assert_int_eq(smi_lars_run(ds, NULL, &path), SMI_OK);
    used = smi_lars_result_config(path);
    ck_assert_ptr_nonnull(used);
    ck_assert_int_eq(smi_lars_get_method(used, &method), SMI_OK);
    ck_assert_int_eq(smi_lars_get_positive(used, &on), SMI_OK);
    ck_assert_int_eq(smi_lars_get_max_steps(used, &steps), SMI_OK);
    ck_assert_int_eq(method, SMI_LARS_LAR);
    ck_assert_int_eq(on, 0);
    ck_assert_uint_eq(steps, 0);
    smi_lars_result *lar = lars_path(ds, SMI_LARS_LAR, 0, 0); /* NULL is the defaults */
    ck_assert_uint_eq(smi_lars_result_n_knots(path), smi_lars_result_n_knots(lar));
    double ka[MAX_KNOTS], kb[MAX_KNOTS];
    ck_assert_int_eq(smi_lars_result_knots(path, MAX_KNOTS, ka), SMI_OK);
    ck_assert_int_eq(smi_lars_result_knots(lar, MAX_KNOTS, kb), SMI_OK);
    ck_assert_mem_eq(ka, kb, smi_lars_result_n_knots(lar) * sizeof *ka);
    smi_lars_result_free(lar);
    smi_lars_result_free(path);
    ck_assert_ptr_null(smi_lars_result_config(NULL));
    ck_assert_str_eq(smi_lars_result_caveat(NULL), "");
    smi_dataset_free(ds);
}
END_TEST

START_TEST(bad_arguments_are_refused)
{
    smi_dataset *ds = diabetes();
    smi_lars_result *path = (smi_lars_result *)ds;
    ck_assert_int_eq(smi_lars_run(NULL, NULL, &path), SMI_EINVAL);
    ck_assert_ptr_null(path);
    ck_assert_int_eq(smi_lars_run(ds, NULL, NULL), SMI_EINVAL);
    smi_lars_result_free(NULL);
    ck_assert_uint_eq(smi_lars_result_n_knots(NULL), 0);
    ck_assert_int_eq(smi_lars_result_status(NULL), SMI_EINVAL);
    double a[2];
    size_t f[P], k = 99;
    ck_assert_int_eq(smi_lars_result_knots(NULL, 2, a), SMI_EINVAL);
    path = lars_path(ds, SMI_LARS_LASSO, 0, 0);
    ck_assert_int_eq(smi_lars_result_knots(path, 2, a), SMI_EINVAL);
    ck_assert_int_eq(smi_lars_result_coefficients(path, 2, a, NULL), SMI_EINVAL);
    ck_assert_int_eq(smi_lars_result_active(path, smi_lars_result_n_knots(path), P, f, &k), SMI_EINVAL);
    ck_assert_int_eq(smi_lars_result_active(path, 3, 1, f, &k), SMI_EINVAL);
    ck_assert_uint_eq(k, 3);
    smi_lars_result_free(path);
    smi_dataset_free(ds);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lars");
    TCase *tc = tcase_create("lars");
    size_t nv = sizeof variants / sizeof variants[0];
    tcase_add_loop_test(tc, path_equals_sklearn, 0, (int)nv);
    tcase_add_loop_test(tc, knots_satisfy_kkt, 0, (int)nv);
    tcase_add_test(tc, max_steps_truncates);
    tcase_add_test(tc, dependent_feature_stops_the_path);
    tcase_add_test(tc, config_setters_and_getters);
    tcase_add_test(tc, result_config_is_the_run_s);
    tcase_add_test(tc, bad_arguments_are_refused);
    suite_add_tcase(s, tc);
    SRunner *runner = srunner_create(s);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
