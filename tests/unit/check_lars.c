/* The LARS path (lib/lasso) against scikit-learn's lars_path on the diabetes data
 * (tests/data/lars_sklearn.txt, written by tests/data/make_lars_sklearn.py): every knot's
 * alpha, coefficients, intercept and active set, for lar, lasso and positive lasso. Also
 * properties that need no oracle (the KKT conditions at every knot, a truncated path is a
 * prefix of the full one), a rank-deficient active set, and bad arguments. */
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
    smi_lars_result *path = NULL;
    int rc = smi_lars_run(ds, variants[_i].code, variants[_i].positive, 0, &path);
    ck_assert_msg(rc == SMI_OK, "%s", smi_last_error());
    ck_assert_int_eq(smi_lars_result_status(path), SMI_OK);
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
    smi_lars_result *path = NULL;
    int rc = smi_lars_run(ds, variants[_i].code, variants[_i].positive, 0, &path);
    ck_assert_int_eq(rc, SMI_OK);
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
    smi_lars_result *full = NULL, *part = NULL;
    ck_assert_int_eq(smi_lars_run(ds, SMI_LARS_LASSO, 0, 0, &full), SMI_OK);
    ck_assert_int_eq(smi_lars_run(ds, SMI_LARS_LASSO, 0, 4, &part), SMI_OK);
    ck_assert_uint_eq(smi_lars_result_n_knots(part), 5);
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
    ck_assert_int_eq(smi_lars_run(ds, SMI_LARS_LAR, 0, 0, &path), SMI_OK);
    ck_assert_int_eq(smi_lars_result_status(path), SMI_ESINGULAR);
    ck_assert_uint_eq(smi_lars_result_n_knots(path), 1);
    smi_lars_result_free(path);
    smi_dataset_free(ds);
}
END_TEST

START_TEST(bad_arguments_are_refused)
{
    smi_dataset *ds = diabetes();
    smi_lars_result *path = (smi_lars_result *)ds;
    ck_assert_int_eq(smi_lars_run(NULL, SMI_LARS_LAR, 0, 0, &path), SMI_EINVAL);
    ck_assert_ptr_null(path);
    ck_assert_int_eq(smi_lars_run(ds, SMI_LARS_LAR, 0, 0, NULL), SMI_EINVAL);
    ck_assert_int_eq(smi_lars_run(ds, 2, 0, 0, &path), SMI_EINVAL);
    ck_assert_int_eq(smi_lars_run(ds, -1, 0, 0, &path), SMI_EINVAL);
    ck_assert_int_eq(smi_lars_run(ds, SMI_LARS_LAR, 1, 0, &path), SMI_EINVAL);
    ck_assert_ptr_null(path);
    smi_lars_result_free(NULL);
    ck_assert_uint_eq(smi_lars_result_n_knots(NULL), 0);
    ck_assert_int_eq(smi_lars_result_status(NULL), SMI_EINVAL);
    double a[2];
    size_t f[P], k = 99;
    ck_assert_int_eq(smi_lars_result_knots(NULL, 2, a), SMI_EINVAL);
    ck_assert_int_eq(smi_lars_run(ds, SMI_LARS_LASSO, 0, 0, &path), SMI_OK);
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
    tcase_add_test(tc, bad_arguments_are_refused);
    suite_add_tcase(s, tc);
    SRunner *runner = srunner_create(s);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
