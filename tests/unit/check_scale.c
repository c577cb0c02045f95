/* Data far from 1 in magnitude: columns near 1e300 or 1e-300, a target scaled by 1e200 or
 * 1e-300. References are closed forms: a column scaled by c has c times the standard
 * deviation; least squares are invariant to scaling a feature (its coefficient scales by
 * 1/c); scaling y by c multiplies the RSS by c^2, so AIC and BIC shift by 2 n ln c and
 * fe-opt by n ln c, the ranking unchanged. What a double cannot hold is refused naming the
 * column, or counted apart as non-finite, never put in the DOS. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sparsemi.h"

#define N 24
#define P 4
#define TOP 15 /* every subset of 4 features */

static const char *const NAMES[P] = { "a", "b", "c", "d" };

/* A fixed design of moderate values and y = X w + noise (deterministic). */
static void base_data(double *X, double *y)
{
    static const double w[P] = { 1.0, -2.0, 0.5, 0.0 };
    for (size_t i = 0; i < N; i++) {
        y[i] = 0.3 * sin(7.0 * (double)i + 1.0);
        for (size_t j = 0; j < P; j++) {
            X[i * P + j] = sin(1.3 * (double)(i + 1) * (double)(j + 1)) + 0.1 * (double)j;
            y[i] += w[j] * X[i * P + j];
        }
    }
}

/* The data set with feature j scaled by xs[j] and y by ys. */
static smi_dataset *scaled_data(const double xs[P], double ys)
{
    double X[N * P], y[N];
    base_data(X, y);
    for (size_t i = 0; i < N; i++) {
        for (size_t j = 0; j < P; j++)
            X[i * P + j] *= xs[j];
        y[i] *= ys;
    }
    smi_dataset *ds = NULL;
    ck_assert_int_eq(smi_dataset_create(&ds, N, P, X, y, NAMES, "y"), SMI_OK);
    return ds;
}

static const double ONES[P] = { 1.0, 1.0, 1.0, 1.0 };

static smi_search_result *search(const smi_dataset *ds, int criterion, int *rc)
{
    smi_search *cfg = NULL;
    ck_assert_int_eq(smi_search_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_search_set_criterion(cfg, criterion), SMI_OK);
    ck_assert_int_eq(smi_search_set_top(cfg, TOP), SMI_OK);
    ck_assert_int_eq(smi_search_set_threads(cfg, 2), SMI_OK);
    smi_search_result *res = NULL;
    *rc = smi_search_run(ds, cfg, &res);
    smi_search_free(cfg);
    return res;
}

typedef struct ranked {
    size_t size[TOP], features[TOP][P];
    double value[TOP], coef[TOP][P], rmse[TOP];
} ranked;

static void read_models(const smi_search_result *res, ranked *r)
{
    ck_assert_uint_eq(smi_search_result_n_top(res), TOP);
    for (size_t m = 0; m < TOP; m++) {
        double icpt;
        ck_assert_int_eq(smi_search_result_model(res, m, P, r->features[m], r->coef[m],
                                                 &r->size[m], &r->value[m], &icpt, &r->rmse[m]),
                         SMI_OK);
    }
}

/* Every DOS edge finite and the counts adding up to the subsets scored (no bins, and no
 * edges written, when none was scored). */
static void check_dos(const smi_search_result *res)
{
    size_t nb = smi_search_result_n_bins(res);
    double *edges = malloc((nb + 1) * sizeof *edges);
    uint64_t *counts = malloc((nb ? nb : 1) * sizeof *counts), below, above, sum = 0;
    ck_assert_int_eq(smi_search_result_dos(res, nb + 1, edges, counts, &below, &above), SMI_OK);
    for (size_t b = 0; nb > 0 && b <= nb; b++)
        ck_assert_msg(isfinite(edges[b]), "DOS edge %zu is %g", b, edges[b]);
    for (size_t b = 0; b < nb; b++)
        sum += counts[b];
    ck_assert_uint_eq(sum + below + above, smi_search_result_n_models(res));
    free(edges);
    free(counts);
}

static void assert_rel(double got, double want, double rel, const char *what)
{
    ck_assert_msg(fabs(got - want) <= rel * fabs(want), "%s: %.17g, want %.17g", what, got,
                  want);
}

/* A column scaled by 1e300 or 1e-300 has that multiple of the unscaled column's sd (it was
 * infinite or zero when the squares overflowed or underflowed). */
START_TEST(test_sd_of_extreme_columns)
{
    static const double xs[P] = { 1e300, 1e-300, 1.0, 1e-310 };
    smi_dataset *ref = scaled_data(ONES, 1.0), *ds = scaled_data(xs, 1e200);
    for (size_t j = 0; j <= P; j++) {
        double m0, s0, m, s;
        if (j < P) {
            ck_assert_int_eq(smi_dataset_feature_stats(ref, j, &m0, &s0, NULL, NULL), SMI_OK);
            ck_assert_int_eq(smi_dataset_feature_stats(ds, j, &m, &s, NULL, NULL), SMI_OK);
        } else {
            ck_assert_int_eq(smi_dataset_target_stats(ref, &m0, &s0, NULL, NULL), SMI_OK);
            ck_assert_int_eq(smi_dataset_target_stats(ds, &m, &s, NULL, NULL), SMI_OK);
        }
        double c = j < P ? xs[j] : 1e200;
        /* 1e-310 is subnormal: its values carry fewer digits */
        double rel = c < 1e-307 ? 1e-6 : 1e-13;
        assert_rel(s, c * s0, rel, "sd");
        assert_rel(m, c * m0, rel, "mean");
    }
    smi_dataset_free(ref);
    smi_dataset_free(ds);
}
END_TEST

/* Features scaled by 1e300 and 1e-300: the same criteria and ranking, coefficients / c. */
START_TEST(test_scaled_features_same_search)
{
    static const double xs[P] = { 1e300, 1e-300, 1e160, 1.0 };
    static const int crits[] = { SMI_CRIT_BIC, SMI_CRIT_RSS, SMI_CRIT_FE_OPT, SMI_CRIT_FE_NG };
    smi_dataset *ref = scaled_data(ONES, 1.0), *ds = scaled_data(xs, 1.0);
    for (size_t c = 0; c < sizeof crits / sizeof *crits; c++) {
        int rc0, rc;
        smi_search_result *r0 = search(ref, crits[c], &rc0), *r = search(ds, crits[c], &rc);
        ck_assert_int_eq(rc0, SMI_OK);
        ck_assert_msg(rc == SMI_OK, "criterion %d: %s", crits[c], smi_last_error());
        ck_assert_uint_eq(smi_search_result_n_models(r), smi_search_result_n_models(r0));
        ck_assert_uint_eq(smi_search_result_n_nonfinite(r), 0);
        static ranked a, b;
        read_models(r0, &a);
        read_models(r, &b);
        for (size_t m = 0; m < TOP; m++) {
            ck_assert_uint_eq(b.size[m], a.size[m]);
            ck_assert_mem_eq(b.features[m], a.features[m], a.size[m] * sizeof(size_t));
            assert_rel(b.value[m], a.value[m], 1e-9, "criterion");
            for (size_t t = 0; t < a.size[m]; t++)
                assert_rel(b.coef[m][t] * xs[a.features[m][t]], a.coef[m][t], 1e-9, "coef");
        }
        check_dos(r);
        smi_search_result_free(r0);
        smi_search_result_free(r);
    }
    smi_dataset_free(ref);
    smi_dataset_free(ds);
}
END_TEST

/* y scaled by 1e200 and by 1e-300: AIC and BIC shift by 2 n ln c, fe-opt by n ln c, with
 * the same ranking; the RMSE and coefficients scale by c. Before, every subset was
 * counted singular or scored inf. */
START_TEST(test_scaled_target_shifts)
{
    static const int crits[] = { SMI_CRIT_BIC, SMI_CRIT_AIC, SMI_CRIT_FE_OPT };
    static const double scales[] = { 1e200, 1e-300, 1e160 };
    smi_dataset *ref = scaled_data(ONES, 1.0);
    for (size_t s = 0; s < sizeof scales / sizeof *scales; s++) {
        double ys = scales[s];
        smi_dataset *ds = scaled_data(ONES, ys);
        for (size_t c = 0; c < sizeof crits / sizeof *crits; c++) {
            int rc0, rc;
            smi_search_result *r0 = search(ref, crits[c], &rc0), *r = search(ds, crits[c], &rc);
            ck_assert_int_eq(rc0, SMI_OK);
            ck_assert_msg(rc == SMI_OK, "criterion %d, y x %g: %s", crits[c], ys, smi_last_error());
            ck_assert_uint_eq(smi_search_result_n_models(r), smi_search_result_n_models(r0));
            ck_assert_uint_eq(smi_search_result_n_singular(r), 0);
            ck_assert_uint_eq(smi_search_result_n_nonfinite(r), 0);
            double shift = (crits[c] == SMI_CRIT_FE_OPT ? 1.0 : 2.0) * N * log(ys);
            static ranked a, b;
            read_models(r0, &a);
            read_models(r, &b);
            for (size_t m = 0; m < TOP; m++) {
                ck_assert_uint_eq(b.size[m], a.size[m]);
                ck_assert_mem_eq(b.features[m], a.features[m], a.size[m] * sizeof(size_t));
                /* the shift is large: compare the difference to the unscaled value */
                ck_assert_msg(fabs((b.value[m] - shift) - a.value[m]) <= 1e-9 * fabs(shift),
                              "criterion %d, y x %g, model %zu: %.17g - %.17g != %.17g",
                              crits[c], ys, m, b.value[m], shift, a.value[m]);
                assert_rel(b.rmse[m], ys * a.rmse[m], 1e-9, "rmse");
                for (size_t t = 0; t < a.size[m]; t++)
                    assert_rel(b.coef[m][t], ys * a.coef[m][t], 1e-9, "coef");
            }
            check_dos(r);
            smi_search_result_free(r0);
            smi_search_result_free(r);
        }
        smi_dataset_free(ds);
    }
    smi_dataset_free(ref);
}
END_TEST

static void assert_refused(const smi_dataset *ds, int criterion, const char *name)
{
    int rc;
    smi_search_result *r = search(ds, criterion, &rc);
    ck_assert_msg(rc == SMI_ENONFINITE && r == NULL, "criterion %d: status %d", criterion, rc);
    ck_assert_msg(strstr(smi_last_error(), name) != NULL, "criterion %d: '%s' does not name %s",
                  criterion, smi_last_error(), name);
}

/* Criteria in units of y^2 (or with priors in them) and Gram matrices of raw columns that
 * a double cannot hold: refused, naming the column. */
START_TEST(test_out_of_range_refused_by_name)
{
    smi_dataset *big_y = scaled_data(ONES, 1e200), *tiny_y = scaled_data(ONES, 1e-300);
    static const double xs[P] = { 1.0, 1.0, 1e300, 1.0 };
    smi_dataset *big_x = scaled_data(xs, 1.0);
    static const int y2[] = { SMI_CRIT_RSS, SMI_CRIT_CV, SMI_CRIT_LOO, SMI_CRIT_FE,
                              SMI_CRIT_FE_NG, SMI_CRIT_FE_MARG };
    for (size_t c = 0; c < sizeof y2 / sizeof *y2; c++) {
        assert_refused(big_y, y2[c], "'y'");
        assert_refused(tiny_y, y2[c], "'y'");
    }
    assert_refused(big_x, SMI_CRIT_CV, "'c'");
    assert_refused(big_x, SMI_CRIT_LOO, "'c'");
    /* y near 1e200 on a feature near 1e-300: its coefficient would be near 1e500 */
    static const double tiny_b[P] = { 1.0, 1e-300, 1.0, 1.0 };
    smi_dataset *apart = scaled_data(tiny_b, 1e200);
    assert_refused(apart, SMI_CRIT_BIC, "'b'");
    assert_refused(apart, SMI_CRIT_FE_OPT, "'b'");
    smi_dataset_free(apart);

    smi_evidence *ev = NULL;
    smi_evidence_result *out = NULL;
    size_t subset[2] = { 0, 1 };
    ck_assert_int_eq(smi_evidence_create(&ev), SMI_OK);
    ck_assert_int_eq(smi_evidence_run(big_y, subset, 2, ev, &out), SMI_ENONFINITE);
    ck_assert_ptr_null(out);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "'y'"));
    smi_evidence_free(ev);
    smi_dataset_free(big_y);
    smi_dataset_free(tiny_y);
    smi_dataset_free(big_x);
}
END_TEST

/* fe with beta = 1e306: the Gram diagonal stays finite, but the squares in the sweep
 * overflow and every criterion is infinite or NaN. They are counted apart as non-finite,
 * nothing reaches the DOS, and the counts add up to the 15 subsets (before: inf turned
 * into a bin index, undefined behaviour). */
START_TEST(test_nonfinite_counted_apart)
{
    smi_dataset *ds = scaled_data(ONES, 1.0);
    smi_search *cfg = NULL;
    ck_assert_int_eq(smi_search_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_search_set_criterion(cfg, SMI_CRIT_FE), SMI_OK);
    ck_assert_int_eq(smi_search_set_fe_hyper(cfg, 1.0, 1e306), SMI_OK);
    smi_search_result *r = NULL;
    int rc = smi_search_run(ds, cfg, &r);
    ck_assert_msg(rc == SMI_OK, "%s", smi_last_error());
    uint64_t scored = smi_search_result_n_models(r), singular = smi_search_result_n_singular(r);
    uint64_t nonfinite = smi_search_result_n_nonfinite(r);
    ck_assert_uint_eq(scored + singular + nonfinite, 15);
    ck_assert_uint_gt(nonfinite, 0);
    check_dos(r);
    for (size_t m = 0; m < smi_search_result_n_top(r); m++) {
        double value;
        ck_assert_int_eq(smi_search_result_model(r, m, 0, NULL, NULL, NULL, &value, NULL, NULL),
                         SMI_OK);
        ck_assert(isfinite(value));
    }
    /* saved and loaded: the counts still add up to the subsets of the done tasks */
    char path[] = "/tmp/check_scale_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(smi_search_result_save(r, path), SMI_OK);
    smi_search_result *loaded = NULL;
    rc = smi_search_result_load(&loaded, path);
    ck_assert_msg(rc == SMI_OK, "%s", smi_last_error());
    ck_assert_uint_eq(smi_search_result_n_nonfinite(loaded), nonfinite);
    ck_assert_uint_eq(smi_search_result_n_models(loaded), scored);
    remove(path);
    smi_search_result_free(loaded);
    smi_search_result_free(r);
    smi_search_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

/* Replica exchange with BIC on y x 1e200: finite DOS edges, and its best model is the
 * exhaustive search's best on the unscaled data with the value shifted by 2 n ln 1e200
 * (the 15 subsets are all visited in 2000 sweeps). */
START_TEST(test_remc_scaled_target)
{
    smi_dataset *ref = scaled_data(ONES, 1.0), *ds = scaled_data(ONES, 1e200);
    int rc;
    smi_search_result *r0 = search(ref, SMI_CRIT_BIC, &rc);
    ck_assert_int_eq(rc, SMI_OK);
    static ranked a;
    read_models(r0, &a);
    smi_search *scfg = NULL;
    smi_remc *cfg = NULL;
    ck_assert_int_eq(smi_search_create(&scfg), SMI_OK);
    ck_assert_int_eq(smi_remc_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_remc_set_sweeps(cfg, 2000, 200), SMI_OK);
    smi_remc_result *res = NULL;
    rc = smi_remc_run(ds, scfg, cfg, &res);
    ck_assert_msg(rc == SMI_OK, "%s", smi_last_error());
    size_t nb = smi_remc_result_n_bins(res), k;
    double *edges = malloc((nb + 1) * sizeof *edges), *lc = malloc(nb * sizeof *lc), value;
    double *err = malloc(nb * sizeof *err);
    size_t features[P];
    ck_assert_int_eq(smi_remc_result_dos(res, nb + 1, edges, lc, err), SMI_OK);
    for (size_t b = 0; b <= nb; b++)
        ck_assert(isfinite(edges[b]));
    ck_assert_int_eq(smi_remc_result_model(res, 0, P, features, &k, &value), SMI_OK);
    ck_assert_uint_eq(k, a.size[0]);
    ck_assert_mem_eq(features, a.features[0], k * sizeof *features);
    double shift = 2.0 * N * log(1e200);
    ck_assert_msg(fabs((value - shift) - a.value[0]) <= 1e-9 * shift, "%.17g", value);
    free(edges), free(lc), free(err);
    smi_remc_result_free(res);
    smi_remc_free(cfg);
    smi_search_free(scfg);
    smi_search_result_free(r0);
    smi_dataset_free(ref);
    smi_dataset_free(ds);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("scale");
    TCase *tc = tcase_create("scale");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_sd_of_extreme_columns);
    tcase_add_test(tc, test_scaled_features_same_search);
    tcase_add_test(tc, test_scaled_target_shifts);
    tcase_add_test(tc, test_out_of_range_refused_by_name);
    tcase_add_test(tc, test_nonfinite_counted_apart);
    tcase_add_test(tc, test_remc_scaled_target);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
