/* Data sets: construction from arrays, statistics, checks, condition number, the folds of
 * a run (set on its configuration; the data set stays read-only), and the CSV reader with
 * every accepted form and every bad input. Public API only. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sparsemi.h"
#include "testutil.h"

static char tmpdir[] = "/tmp/smi-dataset-XXXXXX";

static int make_tmpdir(void)
{
    if (mkdtemp(tmpdir))
        return 0;
    perror(tmpdir);
    return -1;
}

/* Write `text` (length len, may contain NUL) to a file in the temp dir; return its path. */
static const char *write_file_n(const char *name, const char *text, size_t len)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, len, f), len);
    fclose(f);
    return path;
}

static const char *write_file(const char *name, const char *text)
{
    return write_file_n(name, text, strlen(text));
}

static double rel_err(double a, double b)
{
    return fabs(a - b) / fmax(fabs(b), 1e-300);
}

/* ---------- from arrays ---------- */

START_TEST(arrays_round_trip_with_default_names)
{
    const double X[] = { 1, 10, 2, 20, 3, 30, 4, 40 }; /* 4 x 2 */
    const double y[] = { 0.5, 1.5, 2.5, 3.5 };
    smi_dataset *ds = NULL;
    ck_assert_int_eq(smi_dataset_create(&ds, 4, 2, X, y, NULL, NULL), SMI_OK);
    ck_assert_uint_eq(smi_dataset_n(ds), 4);
    ck_assert_uint_eq(smi_dataset_p(ds), 2);
    ck_assert_str_eq(smi_dataset_feature_name(ds, 0), "x1");
    ck_assert_str_eq(smi_dataset_feature_name(ds, 1), "x2");
    ck_assert_ptr_null(smi_dataset_feature_name(ds, 2));
    ck_assert_str_eq(smi_dataset_target_name(ds), "y");
    ck_assert_int_eq(smi_dataset_has_labels(ds), 0);
    ck_assert_ptr_null(smi_dataset_label(ds, 0));
    double Xc[8], yc[4], col[4];
    ck_assert_int_eq(smi_dataset_get_X(ds, Xc, 8), SMI_OK);
    ck_assert_mem_eq(Xc, X, sizeof X);
    ck_assert_int_eq(smi_dataset_get_y(ds, yc, 4), SMI_OK);
    ck_assert_mem_eq(yc, y, sizeof y);
    ck_assert_int_eq(smi_dataset_get_column(ds, 1, col, 4), SMI_OK);
    ck_assert_double_eq(col[2], 30.0);
    ck_assert_int_eq(smi_dataset_get_X(ds, Xc, 7), SMI_EINVAL);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "8 needed"));
    ck_assert_int_eq(smi_dataset_get_column(ds, 2, col, 4), SMI_EINVAL);
    /* mean of 1..4 is 2.5; population variance of 1..4 is (16 - 1) / 12 = 1.25 */
    double mean, sd, lo, hi;
    ck_assert_int_eq(smi_dataset_feature_stats(ds, 0, &mean, &sd, &lo, &hi), SMI_OK);
    ck_assert_double_eq_tol(mean, 2.5, 1e-15);
    ck_assert_double_eq_tol(sd, sqrt(1.25), 1e-15);
    ck_assert_double_eq(lo, 1.0);
    ck_assert_double_eq(hi, 4.0);
    ck_assert_int_eq(smi_dataset_feature_stats(ds, 1, &mean, &sd, NULL, NULL), SMI_OK);
    ck_assert_double_eq_tol(sd, 10 * sqrt(1.25), 1e-13);
    ck_assert_int_eq(smi_dataset_target_stats(ds, &mean, &sd, &lo, &hi), SMI_OK);
    ck_assert_double_eq_tol(mean, 2.0, 1e-15);
    ck_assert_double_eq_tol(sd, sqrt(1.25), 1e-15);
    ck_assert_int_eq(smi_dataset_feature_stats(ds, 2, &mean, NULL, NULL, NULL), SMI_EINVAL);
    size_t index;
    ck_assert_int_eq(smi_dataset_feature_index(ds, "x2", &index), SMI_OK);
    ck_assert_uint_eq(index, 1);
    ck_assert_int_eq(smi_dataset_feature_index(ds, "x9", &index), SMI_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "'x9'"));
    smi_dataset_free(ds);
    smi_dataset_free(NULL);
}
END_TEST

START_TEST(large_offset_keeps_full_accuracy)
{
    /* 1e9 + {1, 2, 3, 4}: the naive sum-of-squares formula loses every digit here;
     * the exact population sd is sqrt(1.25). */
    const double X[] = { 1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4 };
    const double y[] = { 1, 2, 3, 5 };
    smi_dataset *ds;
    ck_assert_int_eq(smi_dataset_create(&ds, 4, 1, X, y, NULL, NULL), SMI_OK);
    double sd;
    smi_dataset_feature_stats(ds, 0, NULL, &sd, NULL, NULL);
    ck_assert_double_eq_tol(sd, sqrt(1.25), 1e-12);
    smi_dataset_free(ds);
}
END_TEST

START_TEST(arrays_bad_input)
{
    const double X[] = { 1, 2, 3, 4, 5, 6 };
    const double y[] = { 1, 2, 3 };
    const char *names[] = { "a", "b" };
    const char *dup[] = { "a", "a" };
    const char *null_name[] = { "a", NULL };
    const char *target_clash[] = { "a", "t" };
    smi_dataset *ds = (smi_dataset *)1;
    ck_assert_int_eq(smi_dataset_create(&ds, 3, 2, NULL, y, NULL, NULL), SMI_EINVAL);
    ck_assert_ptr_null(ds);
    ck_assert_int_eq(smi_dataset_create(NULL, 3, 2, X, y, NULL, NULL), SMI_EINVAL);
    ck_assert_int_eq(smi_dataset_create(&ds, 1, 2, X, y, NULL, NULL), SMI_ETOOFEW);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "at least 2"));
    ck_assert_int_eq(smi_dataset_create(&ds, 0, 2, X, y, NULL, NULL), SMI_ETOOFEW);
    ck_assert_int_eq(smi_dataset_create(&ds, 3, 0, X, y, NULL, NULL), SMI_EEMPTY);
    ck_assert_int_eq(smi_dataset_create(&ds, 3, 2, X, y, dup, NULL), SMI_EDUPLICATE);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "'a'"));
    ck_assert_int_eq(smi_dataset_create(&ds, 3, 2, X, y, null_name, NULL), SMI_EINVAL);
    ck_assert_int_eq(smi_dataset_create(&ds, 3, 2, X, y, target_clash, "t"), SMI_EDUPLICATE);
    ck_assert_int_eq(smi_dataset_create(&ds, 3, 2, X, y, names, ""), SMI_EINVAL);
    ck_assert_int_eq(smi_dataset_create(&ds, SIZE_MAX / 4, 3, X, y, NULL, NULL), SMI_ETOOLARGE);
    double bad[6];
    memcpy(bad, X, sizeof X);
    bad[3] = NAN;
    ck_assert_int_eq(smi_dataset_create(&ds, 3, 2, bad, y, names, NULL), SMI_ENONFINITE);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "row 2, feature 'b'"));
    bad[3] = -INFINITY;
    ck_assert_int_eq(smi_dataset_create(&ds, 3, 2, bad, y, names, NULL), SMI_ENONFINITE);
    double bad_y[] = { 1, INFINITY, 3 };
    ck_assert_int_eq(smi_dataset_create(&ds, 3, 2, X, bad_y, names, "t"), SMI_ENONFINITE);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "target 't'"));
    ck_assert_ptr_null(ds);
}
END_TEST

/* ---------- checks and condition number ---------- */

START_TEST(check_finds_constant_and_duplicate_columns)
{
    /* columns: a, c (constant), b, a2 (= a), c2 (constant); constant target */
    const double X[] = { 1, 5, 2, 1, 0, 2, 5, 1, 2, 0, 3, 5, 7, 3, 0 };
    const double y[] = { 4, 4, 4 };
    const char *names[] = { "a", "c", "b", "a2", "c2" };
    smi_dataset *ds;
    ck_assert_int_eq(smi_dataset_create(&ds, 3, 5, X, y, names, NULL), SMI_OK);
    int kinds[8];
    size_t cols[8], others[8], count = 0;
    ck_assert_int_eq(smi_dataset_check(ds, 8, kinds, cols, others, &count), SMI_ECONSTANT);
    ck_assert_uint_eq(count, 4);
    ck_assert_int_eq(kinds[0], SMI_ECONSTANT);
    ck_assert_uint_eq(cols[0], 1);
    ck_assert_int_eq(kinds[1], SMI_EDUPLICATE);
    ck_assert_uint_eq(cols[1], 3);
    ck_assert_uint_eq(others[1], 0);
    ck_assert_int_eq(kinds[2], SMI_ECONSTANT); /* c2 is constant, not a duplicate of c */
    ck_assert_uint_eq(cols[2], 4);
    ck_assert_int_eq(kinds[3], SMI_ECONSTANT);
    ck_assert_uint_eq(cols[3], 5); /* the target is column p */
    const char *msg = smi_last_error();
    ck_assert_ptr_nonnull(strstr(msg, "feature 'c' is constant"));
    ck_assert_ptr_nonnull(strstr(msg, "feature 'a2' duplicates feature 'a'"));
    ck_assert_ptr_nonnull(strstr(msg, "target 'y' is constant"));
    /* a short buffer still counts all problems */
    ck_assert_int_eq(smi_dataset_check(ds, 1, kinds, cols, others, &count), SMI_ECONSTANT);
    ck_assert_uint_eq(count, 4);
    ck_assert_int_eq(smi_dataset_check(ds, 0, NULL, NULL, NULL, NULL), SMI_ECONSTANT);
    ck_assert_int_eq(smi_dataset_check(ds, 2, NULL, cols, others, NULL), SMI_EINVAL);
    double cond;
    ck_assert_int_eq(smi_dataset_condition_number(ds, &cond), SMI_OK);
    ck_assert(isinf(cond));
    smi_dataset_free(ds);
}
END_TEST

/* Many columns with planted duplicates (and a -0 against a +0, equal values): the problems
 * smi_dataset_check lists equal those of the pairwise comparison done here, in order; a
 * wide CSV header of distinct names reads, and a repeated name far apart is found. */
START_TEST(check_and_header_scale_to_many_columns)
{
    enum { N = 4, P = 3000 };
    double *X = malloc(sizeof(double) * N * P), y[N] = { 1, 2, 4, 3 };
    ck_assert_ptr_nonnull(X);
    uint64_t seed = 77;
    for (size_t i = 0; i < N * P; i++)
        X[i] = floor(4.0 * tu_uniform(&seed)); /* few values: many columns nearly equal */
    for (size_t j = 100; j < P; j += 97) { /* plant copies of earlier columns */
        size_t from = (j * 31) % j;
        for (size_t i = 0; i < N; i++)
            X[i * P + j] = X[i * P + from] == 0.0 && j % 2 ? -0.0 : X[i * P + from];
    }
    smi_dataset *ds;
    ck_assert_int_eq(smi_dataset_create(&ds, N, P, X, y, NULL, NULL), SMI_OK);
    size_t want = 0, cols[P], others[P], count = 0;
    int kinds[P];
    size_t *wc = malloc(P * sizeof *wc), *wo = malloc(P * sizeof *wo);
    int *wk = malloc(P * sizeof *wk);
    for (size_t j = 0; j < P; j++) { /* the definition, pair by pair */
        int constant = 1;
        for (size_t i = 1; i < N; i++)
            constant &= X[i * P + j] == X[j];
        if (constant) {
            wk[want] = SMI_ECONSTANT, wc[want] = wo[want] = j, want++;
            continue;
        }
        for (size_t a = 0; a < j; a++) {
            int equal = 1;
            for (size_t i = 0; i < N && equal; i++)
                equal = X[i * P + a] == X[i * P + j];
            if (equal) {
                wk[want] = SMI_EDUPLICATE, wc[want] = j, wo[want] = a, want++;
                break;
            }
        }
    }
    ck_assert_uint_gt(want, 30);
    smi_dataset_check(ds, P, kinds, cols, others, &count);
    ck_assert_uint_eq(count, want);
    for (size_t t = 0; t < want; t++) {
        ck_assert_int_eq(kinds[t], wk[t]);
        ck_assert_uint_eq(cols[t], wc[t]);
        ck_assert_uint_eq(others[t], wo[t]);
    }
    smi_dataset_free(ds);
    free(wc), free(wo), free(wk), free(X);

    /* a header of 200 000 distinct names, then the same with one name repeated */
    enum { WIDE = 200000 };
    char path[512];
    snprintf(path, sizeof path, "%s/wide.csv", tmpdir);
    for (int repeat = 0; repeat < 2; repeat++) {
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs("y", f);
        for (int j = 0; j < WIDE; j++)
            fprintf(f, ",x%d", repeat && j == WIDE - 1 ? 17 : j);
        for (int row = 0; row < 2; row++) {
            fprintf(f, "\n%d", row);
            for (int j = 0; j < WIDE; j++)
                fprintf(f, ",%d", (row + 1) * (j % 5 + 1));
        }
        fputc('\n', f);
        fclose(f);
        smi_csv_options opt;
        smi_csv_options_init(&opt);
        opt.target = "y";
        ds = NULL;
        int rc = smi_dataset_read_csv(&ds, path, &opt);
        if (!repeat) {
            ck_assert_int_eq(rc, SMI_OK);
            ck_assert_uint_eq(smi_dataset_p(ds), WIDE);
            size_t at = 0;
            ck_assert_int_eq(smi_dataset_feature_index(ds, "x123456", &at), SMI_OK);
            ck_assert_uint_eq(at, 123456);
            ck_assert_int_eq(smi_dataset_feature_index(ds, "x200000", &at), SMI_ENOTFOUND);
        } else {
            ck_assert_int_eq(rc, SMI_EDUPLICATE);
            ck_assert_ptr_nonnull(strstr(smi_last_error(), "columns 19 and 200001"));
        }
        smi_dataset_free(ds);
    }
}
END_TEST

START_TEST(condition_number_closed_forms)
{
    /* Two standardised columns with correlation r: Z'Z = n [[1, r], [r, 1]], whose singular
     * values give cond(Z) = sqrt((1 + r) / (1 - r)). r is computed here by Pearson's formula. */
    const double a[] = { 1, 2, 4, 7, 11 }, b[] = { 2, 1, 5, 6, 13 };
    double X[10], y[5] = { 1, 2, 3, 4, 6 };
    for (int i = 0; i < 5; i++)
        X[2 * i] = a[i], X[2 * i + 1] = b[i];
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    for (int i = 0; i < 5; i++)
        ma += a[i] / 5, mb += b[i] / 5;
    for (int i = 0; i < 5; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    double r = sab / sqrt(saa * sbb);
    smi_dataset *ds;
    ck_assert_int_eq(smi_dataset_create(&ds, 5, 2, X, y, NULL, NULL), SMI_OK);
    double cond;
    ck_assert_int_eq(smi_dataset_condition_number(ds, &cond), SMI_OK);
    ck_assert_double_le(rel_err(cond, sqrt((1 + r) / (1 - r))), 1e-12);
    smi_dataset_free(ds);

    /* Orthogonal +-1 design: cond 1. */
    const double H[] = { 1, 1, 1, -1, -1, 1, -1, -1 };
    ck_assert_int_eq(smi_dataset_create(&ds, 4, 2, H, y, NULL, NULL), SMI_OK);
    ck_assert_int_eq(smi_dataset_condition_number(ds, &cond), SMI_OK);
    ck_assert_double_le(fabs(cond - 1.0), 1e-14);
    smi_dataset_free(ds);

    /* A column that is a linear combination of two others: rank deficient, infinite. */
    const double L[] = { 1, 0, 1, 2, 1, 3, 0, 5, 5, 3, 3, 6, 4, 1, 5 };
    ck_assert_int_eq(smi_dataset_create(&ds, 5, 3, L, y, NULL, NULL), SMI_OK);
    ck_assert_int_eq(smi_dataset_condition_number(ds, &cond), SMI_OK);
    ck_assert(isinf(cond));
    smi_dataset_free(ds);
}
END_TEST

/* ---------- folds: a run's, never the data set's ---------- */

/* A CV search configuration (no folds set: the defaults). */
static smi_search *cv_config(void)
{
    smi_search *cfg = NULL;
    ck_assert_int_eq(smi_search_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_search_set_criterion(cfg, SMI_CRIT_CV), SMI_OK);
    return cfg;
}

/* The CV criterion of feature 0 alone under cfg. */
static double cv_of_first(const smi_dataset *ds, const smi_search *cfg)
{
    const size_t first = 0;
    double value = NAN;
    int rc = smi_search_score_subset(ds, cfg, &first, 1, &value);
    ck_assert_msg(rc == SMI_OK, "smi_search_score_subset: %s", smi_last_error());
    ck_assert(isfinite(value));
    return value;
}

/* The same, with the folds given as explicit ids (the assignment, one id per sample). */
static double cv_with_ids(const smi_dataset *ds, const int *ids, size_t n)
{
    smi_search *cfg = cv_config();
    ck_assert_int_eq(smi_search_set_fold_ids(cfg, ids, n), SMI_OK);
    double value = cv_of_first(ds, cfg);
    smi_search_free(cfg);
    return value;
}

/* smi_search_run and smi_search_score_subset both refuse cfg on ds with SMI_EINVAL and a
 * message containing `says`; *out stays NULL and the value untouched. */
static void assert_cv_refused(const smi_dataset *ds, const smi_search *cfg, const char *says)
{
    smi_search_result *res = (smi_search_result *)cfg; /* anything not NULL */
    ck_assert_int_eq(smi_search_run(ds, cfg, &res), SMI_EINVAL);
    ck_assert_ptr_null(res);
    ck_assert_msg(strstr(smi_last_error(), says), "'%s' does not say '%s'", smi_last_error(),
                  says);
    const size_t first = 0;
    double value = 7.0;
    ck_assert_int_eq(smi_search_score_subset(ds, cfg, &first, 1, &value), SMI_EINVAL);
    ck_assert_msg(strstr(smi_last_error(), says), "'%s' does not say '%s'", smi_last_error(),
                  says);
    ck_assert_double_eq(value, 7.0);
}

/* smi_lasso_run with CV on cfg refuses ds with SMI_EINVAL and a message containing `says`. */
static void assert_lasso_cv_refused(const smi_dataset *ds, smi_lasso *cfg, const char *says)
{
    ck_assert_int_eq(smi_lasso_set_cv(cfg, 1), SMI_OK);
    smi_lasso_result *fit = (smi_lasso_result *)cfg;
    ck_assert_int_eq(smi_lasso_run(ds, cfg, &fit), SMI_EINVAL);
    ck_assert_ptr_null(fit);
    ck_assert_msg(strstr(smi_last_error(), says), "'%s' does not say '%s'", smi_last_error(),
                  says);
}

/* K-fold folds follow the documented rule (doc/api.md, "Folds"): sample i in fold perm[i]
 * mod K, perm the identity or the Fisher-Yates permutation of the seed's xoshiro256**
 * stream. The assignment is computed here (testutil.h), and a run with those ids as
 * explicit fold ids must give the same bits as smi_search_set_folds. The default is 10
 * shuffled folds with seed 0. K < 2 is refused by the setter, K > n by the run. */
START_TEST(kfold_rules)
{
    enum { N = 23 };
    double X[N], y[N];
    for (int i = 0; i < N; i++)
        X[i] = i, y[i] = i * i;
    smi_dataset *ds;
    ck_assert_int_eq(smi_dataset_create(&ds, N, 1, X, y, NULL, NULL), SMI_OK);
    ck_assert_uint_eq(smi_dataset_n_folds(ds), 0);
    int folds[N], again[N];
    ck_assert_int_eq(smi_dataset_get_folds(ds, folds, N), SMI_EINVAL);

    smi_search *cfg = cv_config();
    ck_assert_int_eq(smi_search_set_folds(cfg, 5, 0, 0), SMI_OK);
    for (int i = 0; i < N; i++)
        folds[i] = i % 5; /* no shuffle: sample i in fold i mod K */
    double unshuffled = cv_of_first(ds, cfg);
    ck_assert_double_eq(unshuffled, cv_with_ids(ds, folds, N));

    ck_assert_int_eq(smi_search_set_folds(cfg, 5, 1, 12345), SMI_OK);
    ck_assert_int_eq(tu_kfold(N, 5, 1, 12345, folds), 0);
    int size[5] = { 0 }, moved = 0;
    for (int i = 0; i < N; i++) {
        size[folds[i]]++;
        moved += folds[i] != i % 5;
    }
    for (int f = 0; f < 5; f++)
        ck_assert(size[f] == 4 || size[f] == 5); /* 23 = 3 * 5 + 2 * 4 */
    ck_assert_int_gt(moved, 0);
    double shuffled = cv_of_first(ds, cfg);
    ck_assert_double_eq(shuffled, cv_with_ids(ds, folds, N));
    ck_assert_double_ne(shuffled, unshuffled);
    ck_assert_double_eq(cv_of_first(ds, cfg), shuffled); /* the same seed, the same folds */
    ck_assert_int_eq(smi_search_set_folds(cfg, 5, 1, 54321), SMI_OK);
    ck_assert_int_eq(tu_kfold(N, 5, 1, 54321, again), 0);
    ck_assert(memcmp(folds, again, sizeof folds) != 0);
    double other_seed = cv_of_first(ds, cfg);
    ck_assert_double_eq(other_seed, cv_with_ids(ds, again, N));
    ck_assert_double_ne(other_seed, shuffled);

    /* the defaults: 10 folds, shuffled, seed 0 */
    smi_search *defaults = cv_config();
    ck_assert_int_eq(tu_kfold(N, 10, 1, 0, folds), 0);
    ck_assert_double_eq(cv_of_first(ds, defaults), cv_with_ids(ds, folds, N));
    smi_search_free(defaults);

    ck_assert_int_eq(smi_search_set_folds(cfg, N, 1, 1), SMI_OK); /* leave-one-out */
    cv_of_first(ds, cfg);

    /* K < 2: refused, the configuration unchanged */
    ck_assert_int_eq(smi_search_set_folds(cfg, 5, 1, 54321), SMI_OK);
    ck_assert_int_eq(smi_search_set_folds(cfg, 1, 0, 0), SMI_EINVAL);
    ck_assert_str_ne(smi_last_error(), "");
    ck_assert_int_eq(smi_search_set_folds(cfg, 0, 1, 0), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_folds(NULL, 5, 0, 0), SMI_EINVAL);
    ck_assert_double_eq(cv_of_first(ds, cfg), other_seed);

    /* K > n: accepted by the setter (it does not know n), refused by the run */
    ck_assert_int_eq(smi_search_set_folds(cfg, N + 1, 0, 0), SMI_OK);
    assert_cv_refused(ds, cfg, "24 folds for 23 samples");
    ck_assert_int_eq(smi_search_set_folds(cfg, N + 1, 1, 9), SMI_OK);
    assert_cv_refused(ds, cfg, "24 folds for 23 samples");
    ck_assert_int_eq(smi_search_set_criterion(cfg, SMI_CRIT_BIC), SMI_OK);
    cv_of_first(ds, cfg); /* other criteria ignore the folds */
    smi_search_free(cfg);

    /* the LASSO's folds: the same setter rules */
    smi_lasso *lasso = NULL;
    ck_assert_int_eq(smi_lasso_create(&lasso), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_folds(lasso, 1, 0, 0), SMI_EINVAL);
    ck_assert_int_eq(smi_lasso_set_folds(NULL, 5, 0, 0), SMI_EINVAL);
    ck_assert_int_eq(smi_lasso_set_folds(lasso, N + 1, 1, 0), SMI_OK);
    assert_lasso_cv_refused(ds, lasso, "24 folds for 23 samples");
    smi_lasso_free(lasso);

    ck_assert_uint_eq(smi_dataset_n_folds(ds), 0); /* no run gave the data set folds */
    smi_dataset_free(ds);
}
END_TEST

/* Explicit ids: any integers, their distinct values ascending become folds 0..K-1, so ids
 * that map to the same folds give the same bits. One distinct id is refused by the setter;
 * ids of another length than n, or a fold leaving fewer than 2 rows to train on, by the run. */
START_TEST(explicit_fold_ids)
{
    const double X[] = { 1, 2, 3, 4, 5 }, y[] = { 1, 4, 9, 16, 25 };
    smi_dataset *ds;
    ck_assert_int_eq(smi_dataset_create(&ds, 5, 1, X, y, NULL, NULL), SMI_OK);
    const int ids[] = { 7, -3, 7, -3, 5 };
    const int expected[] = { 2, 0, 2, 0, 1 }; /* sorted distinct ids -3, 5, 7 */
    int folds[5];
    ck_assert_uint_eq(tu_fold_ids(ids, 5, folds), 3);
    ck_assert_mem_eq(folds, expected, sizeof expected);
    smi_search *cfg = cv_config();
    ck_assert_int_eq(smi_search_set_fold_ids(cfg, ids, 5), SMI_OK);
    double value = cv_of_first(ds, cfg);
    ck_assert_double_eq(value, cv_with_ids(ds, expected, 5));

    const int one_fold[] = { 4, 4, 4, 4, 4 };
    ck_assert_int_eq(smi_search_set_fold_ids(cfg, one_fold, 5), SMI_EINVAL);
    ck_assert_str_ne(smi_last_error(), "");
    ck_assert_int_eq(smi_search_set_fold_ids(cfg, NULL, 5), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_fold_ids(cfg, ids, 0), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_fold_ids(NULL, ids, 5), SMI_EINVAL);
    ck_assert_double_eq(cv_of_first(ds, cfg), value); /* a failed call changes nothing */

    const int starving[] = { 0, 0, 0, 0, 1 }; /* fold 0 leaves 1 row to train on */
    ck_assert_int_eq(smi_search_set_fold_ids(cfg, starving, 5), SMI_OK);
    assert_cv_refused(ds, cfg, "fewer than 2");
    ck_assert_int_eq(smi_search_set_fold_ids(cfg, ids, 4), SMI_OK);
    assert_cv_refused(ds, cfg, "4 fold ids for 5 samples");
    const int six[] = { 1, 2, 1, 2, 1, 2 };
    ck_assert_int_eq(smi_search_set_fold_ids(cfg, six, 6), SMI_OK);
    assert_cv_refused(ds, cfg, "6 fold ids for 5 samples");
    ck_assert_int_eq(smi_search_set_fold_ids(cfg, ids, 5), SMI_OK);
    ck_assert_double_eq(cv_of_first(ds, cfg), value);
    smi_search_free(cfg);

    smi_lasso *lasso = NULL;
    ck_assert_int_eq(smi_lasso_create(&lasso), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_fold_ids(lasso, one_fold, 5), SMI_EINVAL);
    ck_assert_int_eq(smi_lasso_set_fold_ids(lasso, NULL, 5), SMI_EINVAL);
    ck_assert_int_eq(smi_lasso_set_fold_ids(lasso, ids, 4), SMI_OK);
    assert_lasso_cv_refused(ds, lasso, "4 fold ids for 5 samples");
    ck_assert_int_eq(smi_lasso_set_fold_ids(lasso, starving, 5), SMI_OK);
    assert_lasso_cv_refused(ds, lasso, "fewer than 2");
    smi_lasso_free(lasso);
    ck_assert_uint_eq(smi_dataset_n_folds(ds), 0);
    smi_dataset_free(ds);
}
END_TEST

/* Everything a data set tells, to compare before and after a run. */
typedef struct {
    size_t n, p, n_folds;
    int folds_status;
    double X[64], y[16];
    int folds[16];
} dataset_view;

static dataset_view view_of(const smi_dataset *ds)
{
    dataset_view v;
    memset(&v, 0, sizeof v);
    v.n = smi_dataset_n(ds);
    v.p = smi_dataset_p(ds);
    ck_assert_uint_le(v.n * v.p, 64);
    ck_assert_uint_le(v.n, 16);
    ck_assert_int_eq(smi_dataset_get_X(ds, v.X, 64), SMI_OK);
    ck_assert_int_eq(smi_dataset_get_y(ds, v.y, 16), SMI_OK);
    v.n_folds = smi_dataset_n_folds(ds);
    v.folds_status = smi_dataset_get_folds(ds, v.folds, 16);
    return v;
}

static void assert_same_view(const dataset_view *a, const dataset_view *b)
{
    ck_assert_uint_eq(a->n, b->n);
    ck_assert_uint_eq(a->p, b->p);
    ck_assert_uint_eq(a->n_folds, b->n_folds);
    ck_assert_int_eq(a->folds_status, b->folds_status);
    ck_assert_mem_eq(a->X, b->X, sizeof a->X);
    ck_assert_mem_eq(a->y, b->y, sizeof a->y);
    ck_assert_mem_eq(a->folds, b->folds, sizeof a->folds);
}

/* A data set is read-only: CV searches and LASSO-CV runs on their own folds leave it as it
 * was (no fold column appears, a CSV's fold column stays), and one run's folds do not leak
 * into another's. A CSV's fold column is used only when passed to the configuration. */
START_TEST(cv_runs_leave_the_data_set_unchanged)
{
    const char *path = write_file("folds.csv", "x1,x2,fold,y\n"
                                               "1,0.5,30,2.1\n2,0.1,10,3.9\n3,0.7,20,6.2\n"
                                               "4,0.2,30,8.1\n5,0.9,10,9.8\n6,0.3,20,12.3\n"
                                               "7,0.8,30,13.7\n8,0.4,10,16.2\n9,0.6,20,18.1\n"
                                               "10,1.0,10,19.8\n");
    smi_csv_options opt;
    smi_csv_options_init(&opt);
    opt.target = "y";
    opt.fold_column = "fold";
    smi_dataset *from_csv = NULL, *from_arrays = NULL;
    ck_assert_int_eq(smi_dataset_read_csv(&from_csv, path, &opt), SMI_OK);
    ck_assert_uint_eq(smi_dataset_p(from_csv), 2);
    ck_assert_uint_eq(smi_dataset_n_folds(from_csv), 3);
    const int column[] = { 30, 10, 20, 30, 10, 20, 30, 10, 20, 10 };
    int want[10], got[10];
    ck_assert_uint_eq(tu_fold_ids(column, 10, want), 3);
    ck_assert_int_eq(smi_dataset_get_folds(from_csv, got, 10), SMI_OK);
    ck_assert_mem_eq(got, want, sizeof want);
    double X[20], y[10];
    smi_dataset_get_X(from_csv, X, 20);
    smi_dataset_get_y(from_csv, y, 10);
    ck_assert_int_eq(smi_dataset_create(&from_arrays, 10, 2, X, y, NULL, NULL), SMI_OK);
    /* the fold column is not used unless passed: the same bits as the same data without it */
    smi_search *plain = cv_config();
    ck_assert_int_eq(smi_search_set_folds(plain, 2, 0, 0), SMI_OK);
    ck_assert_double_eq(cv_of_first(from_csv, plain), cv_of_first(from_arrays, plain));
    ck_assert_double_ne(cv_of_first(from_csv, plain), cv_with_ids(from_csv, want, 10));
    smi_search_free(plain);

    smi_dataset *sets[] = { from_csv, from_arrays };
    for (size_t d = 0; d < 2; d++) {
        smi_dataset *ds = sets[d];
        dataset_view before = view_of(ds);
        smi_search *a = cv_config(), *b = cv_config();
        ck_assert_int_eq(smi_search_set_folds(a, 4, 1, 3), SMI_OK);
        ck_assert_int_eq(smi_search_set_folds(b, 2, 0, 0), SMI_OK);
        double first = cv_of_first(ds, a);
        smi_search_result *res = NULL;
        ck_assert_int_eq(smi_search_run(ds, b, &res), SMI_OK);
        ck_assert_uint_eq(smi_search_result_n_models(res), 3);
        smi_search_result_free(res);
        ck_assert_double_eq(cv_of_first(ds, a), first);
        /* the fold column, passed as ids, against the assignment it stands for */
        ck_assert_int_eq(smi_search_set_fold_ids(b, column, 10), SMI_OK);
        double by_column = cv_of_first(ds, b);
        ck_assert_double_eq(by_column, cv_with_ids(ds, want, 10));
        if (d == 0) {
            ck_assert_double_eq(by_column, cv_with_ids(ds, got, 10));
        }
        smi_lasso *lasso = NULL;
        ck_assert_int_eq(smi_lasso_create(&lasso), SMI_OK);
        ck_assert_int_eq(smi_lasso_set_path(lasso, 5, 0.1), SMI_OK);
        ck_assert_int_eq(smi_lasso_set_cv(lasso, 1), SMI_OK);
        ck_assert_int_eq(smi_lasso_set_folds(lasso, 5, 1, 8), SMI_OK);
        smi_lasso_result *fit = NULL;
        ck_assert_msg(smi_lasso_run(ds, lasso, &fit) == SMI_OK, "%s", smi_last_error());
        ck_assert_int_eq(smi_lasso_result_cv_choice(fit, NULL, NULL), SMI_OK);
        smi_lasso_result_free(fit);
        smi_lasso_free(lasso);
        dataset_view after = view_of(ds);
        assert_same_view(&before, &after);
        smi_search_free(a);
        smi_search_free(b);
    }
    smi_dataset_free(from_csv);
    smi_dataset_free(from_arrays);
}
END_TEST

/* ---------- CSV: accepted forms ---------- */

typedef struct csv_case {
    const char *name, *text;
    char delimiter;
    const char *target;
} csv_case;

/* Every form holds the same table: features a, b; target t; labels "r1".."r3". */
static const csv_case good_cases[] = {
    { "comma", "name,a,b,t\nr1,1,2,3\nr2,4,5,6.5\nr3,7,8,-1e1\n", 0, "t" },
    { "semicolon", "name;a;b;t\nr1;1;2;3\nr2;4;5;6.5\nr3;7;8;-1e1\n", 0, "t" },
    { "tab", "name\ta\tb\tt\nr1\t1\t2\t3\nr2\t4\t5\t6.5\nr3\t7\t8\t-1e1\n", 0, "t" },
    { "blanks", "  name  a   b t\n r1 1 2 3\nr2\t4 5   6.5\nr3 7 8 -1e1  \n", 0, "t" },
    { "crlf_bom", "\xEF\xBB\xBFname,a,b,t\r\nr1,1,2,3\r\nr2,4,5,6.5\r\nr3,7,8,-1e1\r\n", 0, "t" },
    { "comments", "# made by hand\n\nname,a,b,t\n# a comment\nr1,1,2,3\n\n  \nr2,4,5,6.5\n"
                  "   # indented comment\nr3,7,8,-1e1", 0, "t" },
    { "quoted", "\"name\",\"a\",\"b\",\"t\"\n\"r1\", \"1\" ,2,3\nr2,4,\"5\",6.5\n"
                "r3,7,8,\"-1e1\"\n", 0, "t" },
    { "spaces", "name , a , b , t\nr1 , 1 , 2 , 3\nr2,4,5,6.5\nr3,7,8,-1e1\n", 0, "t" },
    { "forced", "name;a;b;t\nr1;1;2;3\nr2;4;5;6.5\nr3;7;8;-1e1\n", ';', "t" },
    { "target_first", "t,name,a,b\n3,r1,1,2\n6.5,r2,4,5\n-1e1,r3,7,8\n", 0, NULL },
    /* CR alone ends a line, as in files saved by old Mac OS programs */
    { "cr_only", "name,a,b,t\rr1,1,2,3\rr2,4,5,6.5\rr3,7,8,-1e1\r", 0, "t" },
    { "cr_comments", "# made on a Mac\r\rname\ta\tb\tt\r# note\rr1\t1\t2\t3\rr2\t4\t5\t6.5\r"
                     "r3\t7\t8\t-1e1", 0, "t" },
    { "cr_quoted", "name,a,b,t\r\"r1\",1,2,3\rr2,4,5,\"6.5\"\rr3,7,8,-1e1\r", 0, "t" },
    /* a column of missing values is numeric, never the labels: named, it stays out */
    { "missing_not_labels", "name,a,b,t,gap\nr1,1,2,3,n/a\nr2,4,5,6.5,\nr3,7,8,-1e1,NA\n", 0,
      "t" },
};

START_TEST(csv_accepted_forms)
{
    const csv_case *c = &good_cases[_i];
    const char *path = write_file(c->name, c->text);
    smi_csv_options opt;
    smi_csv_options_init(&opt);
    opt.delimiter = c->delimiter;
    opt.target = c->target;
    const char *ab[] = { "a", "b" };
    if (strcmp(c->name, "missing_not_labels") == 0) {
        opt.features = ab;
        opt.n_features = 2;
    }
    smi_dataset *ds = NULL;
    int rc = smi_dataset_read_csv(&ds, path, &opt);
    ck_assert_msg(rc == SMI_OK, "%s: %s", c->name, smi_last_error());
    ck_assert_uint_eq(smi_dataset_n(ds), 3);
    ck_assert_uint_eq(smi_dataset_p(ds), 2);
    ck_assert_str_eq(smi_dataset_feature_name(ds, 0), "a");
    ck_assert_str_eq(smi_dataset_feature_name(ds, 1), "b");
    ck_assert_str_eq(smi_dataset_target_name(ds), "t");
    ck_assert_int_eq(smi_dataset_has_labels(ds), 1);
    ck_assert_str_eq(smi_dataset_label_column(ds), "name");
    ck_assert_str_eq(smi_dataset_label(ds, 2), "r3");
    double X[6], y[3];
    const double eX[] = { 1, 2, 4, 5, 7, 8 }, ey[] = { 3, 6.5, -10 };
    smi_dataset_get_X(ds, X, 6);
    smi_dataset_get_y(ds, y, 3);
    ck_assert_mem_eq(X, eX, sizeof eX);
    ck_assert_mem_eq(y, ey, sizeof ey);
    smi_dataset_free(ds);
}
END_TEST

START_TEST(csv_quoted_text_and_choices)
{
    const char *text = "id,\"comp, name\",x,fold,y,z\n"
                       "1,\"Ag\"\"Br\",0.5,1,10,7\n"
                       "2,\"two\nlines\",1.5,2,20,8\n"
                       "3,GaAs,2.5,1,30,9\n"
                       "4,ZnO,3.5,2,40,1\n";
    const char *path = write_file("choices.csv", text);
    const char *features[] = { "z", "id" };
    smi_csv_options opt;
    smi_csv_options_init(&opt);
    opt.target = "y";
    opt.features = features;
    opt.n_features = 2;
    opt.fold_column = "fold";
    smi_dataset *ds;
    ck_assert_int_eq(smi_dataset_read_csv(&ds, path, &opt), SMI_OK);
    ck_assert_uint_eq(smi_dataset_p(ds), 2);
    ck_assert_str_eq(smi_dataset_feature_name(ds, 0), "z"); /* the order asked for */
    ck_assert_str_eq(smi_dataset_feature_name(ds, 1), "id");
    ck_assert_str_eq(smi_dataset_label_column(ds), "comp, name");
    ck_assert_str_eq(smi_dataset_label(ds, 0), "Ag\"Br");
    ck_assert_str_eq(smi_dataset_label(ds, 1), "two\nlines");
    ck_assert_uint_eq(smi_dataset_n_folds(ds), 2);
    int folds[4];
    const int expected[] = { 0, 1, 0, 1 };
    smi_dataset_get_folds(ds, folds, 4);
    ck_assert_mem_eq(folds, expected, sizeof expected);
    double X[8];
    smi_dataset_get_X(ds, X, 8);
    ck_assert_double_eq(X[6], 1.0);
    ck_assert_double_eq(X[7], 4.0);
    smi_dataset_free(ds);

    /* Defaults: target = first numeric column (id); features = every other numeric column,
     * the fold column excluded when named. */
    smi_csv_options_init(&opt);
    opt.fold_column = "fold";
    ck_assert_int_eq(smi_dataset_read_csv(&ds, path, &opt), SMI_OK);
    ck_assert_str_eq(smi_dataset_target_name(ds), "id");
    ck_assert_uint_eq(smi_dataset_p(ds), 3);
    ck_assert_str_eq(smi_dataset_feature_name(ds, 2), "z");
    smi_dataset_free(ds);
    /* NULL options: every default; the fold column is then a feature. */
    ck_assert_int_eq(smi_dataset_read_csv(&ds, path, NULL), SMI_OK);
    ck_assert_uint_eq(smi_dataset_p(ds), 4);
    ck_assert_uint_eq(smi_dataset_n_folds(ds), 0);
    smi_dataset_free(ds);
    /* An unnamed first column (as pandas writes an index) gets a generated name. */
    path = write_file("unnamed.csv", ",a,t\nr1,1,2\nr2,3,5\n");
    ck_assert_int_eq(smi_dataset_read_csv(&ds, path, NULL), SMI_OK);
    ck_assert_str_eq(smi_dataset_label_column(ds), "column1");
    smi_dataset_free(ds);
}
END_TEST

/* ---------- CSV: bad input ---------- */

typedef struct bad_case {
    const char *name, *text;
    size_t len; /* 0: strlen(text) */
    const char *target, *fold;
    int status;
    const char *message; /* a fragment the message must hold; %s is the file's path */
} bad_case;

static const bad_case bad_cases[] = {
    { "empty.csv", "", 0, NULL, NULL, SMI_EEMPTY, "%s: no header" },
    { "comments_only.csv", "# nothing\n\n", 0, NULL, NULL, SMI_EEMPTY, "no header" },
    { "header_only.csv", "a,b,t\n", 0, NULL, NULL, SMI_EEMPTY, "%s: no data rows" },
    { "one_row.csv", "a,b,t\n1,2,3\n", 0, NULL, NULL, SMI_ETOOFEW, "1 data row" },
    { "ragged.csv", "a,b,t\n1,2,3\n4,5\n6,7,8\n", 0, NULL, NULL, SMI_ERAGGED,
      "%s:3: 2 fields where the header (line 1) has 3" },
    { "ragged_long.csv", "a,b,t\n1,2,3\n4,5,6,\n", 0, NULL, NULL, SMI_ERAGGED, "%s:3: 4 fields" },
    { "na.csv", "name,IP_A,t\nx,1,2\ny,2,3\nz,n/a,4\n", 0, NULL, NULL, SMI_EPARSE,
      "%s:4:3: 'n/a' is not a number in column 'IP_A'" },
    { "empty_field.csv", "a,b,t\n1,2,3\n4,,6\n7,8,9\n", 0, NULL, NULL, SMI_EPARSE,
      "%s:3:3: '' is not a number in column 'b'" },
    { "nan.csv", "a,b,t\n1,2,3\n4,nan,6\n7,8,9\n", 0, NULL, NULL, SMI_ENONFINITE,
      "%s:3:3: 'nan' is not a finite number in column 'b'" },
    { "inf.csv", "a,b,t\n1,2,3\n4,5,6\n7,8,-Inf\n", 0, "t", NULL, SMI_ENONFINITE,
      "%s:4:5: '-Inf' is not a finite number in column 't'" },
    { "overflow.csv", "a,b,t\n1,2,3\n4,1e999,6\n7,8,9\n", 0, NULL, NULL, SMI_ENONFINITE,
      "'1e999' is not a finite number" },
    { "unknown_target.csv", "a,b,t\n1,2,3\n4,5,6\n", 0, "IP_Z", NULL, SMI_ENOTFOUND,
      "no column named 'IP_Z' (asked for as the target)" },
    { "unknown_fold.csv", "a,b,t\n1,2,3\n4,5,6\n", 0, NULL, "folds", SMI_ENOTFOUND,
      "no column named 'folds'" },
    { "dup_name.csv", "a,b,a\n1,2,3\n4,5,6\n", 0, NULL, NULL, SMI_EDUPLICATE,
      "%s:1:5: column name 'a' appears twice" },
    { "quote.csv", "a,b,t\n1,\"2,3\n4,5,6\n", 0, NULL, NULL, SMI_EPARSE,
      "%s:2:3: unterminated quoted field" },
    { "after_quote.csv", "a,b,t\n1,\"2\"x,3\n4,5,6\n", 0, NULL, NULL, SMI_EPARSE,
      "%s:2:6: unexpected 'x' after a closing quote" },
    { "two_text.csv", "name,a,kind,t\nx,1,metal,2\ny,2,oxide,3\nz,3,metal,5\n", 0, NULL, NULL,
      SMI_EPARSE, "%s:2:5: 'metal' is not a number in column 'kind' (a second text column" },
    { "fold_frac.csv", "a,f,t\n1,0,2\n2,1.5,3\n3,0,4\n4,1,6\n", 0, NULL, "f", SMI_EINVAL,
      "%s:3:3: fold id '1.5' is not an integer" },
    { "fold_one.csv", "a,f,t\n1,3,2\n2,3,3\n3,3,4\n", 0, NULL, "f", SMI_EINVAL,
      "need at least 2 folds" },
    { "target_is_text.csv", "name,a,t\nx,1,2\ny,2,3\n", 0, "name", NULL, SMI_EPARSE,
      "%s:2:1: the target 'name' is a text column, not numbers ('x'; 2 of 2 rows are text)" },
    { "target_is_text2.csv", "label,y,a\nA,x1,1\nB,x2,2\nC,x3,4\n", 0, "y", NULL, SMI_EPARSE,
      "%s:2:3: the target 'y' is a text column" },
    { "mostly_missing.csv", "y,a,b\n1,n/a,2\n2,n/a,3\n3,NA,5\n4,7,1\n", 0, "y", NULL,
      SMI_EPARSE, "%s:2:3: 'n/a' is not a number in column 'a': a missing value (3 of 4 rows "
                  "in this column)" },
    { "all_missing.csv", "y,a,b\n1,,2\n2,,3\n", 0, "y", NULL, SMI_EPARSE,
      "%s:2:3: '' is not a number in column 'a': a missing value (2 of 2 rows" },
    { "missing_nan.csv", "y,a,b\n1,1,2\n2,NaN,3\n3,2,1\n", 0, "y", NULL, SMI_ENONFINITE,
      "%s:3:3: 'NaN' is not a finite number in column 'a': a missing value (1 of 3 rows" },
    { "fold_big.csv", "a,f,t\n1,0,2\n2,3e9,3\n3,0,4\n4,1,6\n", 0, NULL, "f", SMI_EINVAL,
      "%s:3:3: fold id '3e9' is out of range: fold ids are integers from -2147483648 to "
      "2147483647" },
    { "fold_small.csv", "a,f,t\n1,0,2\n2,-2147483649,3\n3,0,4\n4,1,6\n", 0, NULL, "f",
      SMI_EINVAL, "fold id '-2147483649' is out of range" },
    { "cr_header_only.csv", "a,b,t\r", 0, NULL, NULL, SMI_EEMPTY, "%s: no data rows" },
    { "cr_bad_field.csv", "a,b,t\r1,2,3\r4,x,6\r7,8,9\r", 0, NULL, NULL, SMI_EPARSE,
      "%s:3:3: 'x' is not a number in column 'b'" },
    { "only_target.csv", "t\n1\n2\n", 0, NULL, NULL, SMI_EEMPTY,
      "no feature columns besides the target 't'" },
    { "nul.csv", "a,b,t\n1,2,3\n4,5\0,6\n", 18, NULL, NULL, SMI_EPARSE, "NUL byte" },
    { "no_number.csv", "name,kind\nx,a\ny,b\n", 0, NULL, NULL, SMI_EEMPTY,
      "no numeric column for the target" },
};

START_TEST(csv_bad_input)
{
    const bad_case *c = &bad_cases[_i];
    const char *path = write_file_n(c->name, c->text, c->len ? c->len : strlen(c->text));
    char where[600], expected[800];
    snprintf(where, sizeof where, "%s", path);
    snprintf(expected, sizeof expected, c->message, where);
    smi_csv_options opt;
    smi_csv_options_init(&opt);
    opt.target = c->target;
    opt.fold_column = c->fold;
    smi_dataset *ds = (smi_dataset *)1;
    int rc = smi_dataset_read_csv(&ds, where, &opt);
    ck_assert_msg(rc == c->status, "%s: status %d (%s), expected %d; message: %s", c->name, rc,
                  smi_strerror(rc), c->status, smi_last_error());
    ck_assert_ptr_null(ds);
    ck_assert_msg(strstr(smi_last_error(), expected) != NULL, "%s: message '%s' lacks '%s'",
                  c->name, smi_last_error(), expected);
}
END_TEST

START_TEST(csv_bad_feature_lists_and_options)
{
    const char *path = write_file("features.csv", "a,b,t\n1,2,3\n4,5,6\n7,8,10\n");
    smi_dataset *ds;
    smi_csv_options opt;
    const char *unknown[] = { "a", "zz" }, *twice[] = { "a", "a" }, *target[] = { "t" };
    smi_csv_options_init(&opt);
    opt.target = "t";
    opt.features = unknown;
    opt.n_features = 2;
    ck_assert_int_eq(smi_dataset_read_csv(&ds, path, &opt), SMI_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "no column named 'zz' (asked for as the feature)"));
    opt.features = twice;
    ck_assert_int_eq(smi_dataset_read_csv(&ds, path, &opt), SMI_EDUPLICATE);
    opt.features = target;
    opt.n_features = 1;
    ck_assert_int_eq(smi_dataset_read_csv(&ds, path, &opt), SMI_EDUPLICATE);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "already in the target"));
    opt.features = NULL;
    ck_assert_int_eq(smi_dataset_read_csv(&ds, path, &opt), SMI_EINVAL);
    opt.struct_size = 3;
    opt.n_features = 0;
    ck_assert_int_eq(smi_dataset_read_csv(&ds, path, &opt), SMI_EINVAL);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "smi_csv_options_init"));
    ck_assert_int_eq(smi_dataset_read_csv(&ds, "/nonexistent/dir/data.csv", NULL), SMI_EIO);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "/nonexistent/dir/data.csv: cannot open"));
    ck_assert_int_eq(smi_dataset_read_csv(&ds, tmpdir, NULL), SMI_EIO); /* a directory */
    ck_assert_int_eq(smi_dataset_read_csv(&ds, NULL, NULL), SMI_EINVAL);
    ck_assert_int_eq(smi_dataset_read_csv(NULL, path, NULL), SMI_EINVAL);
}
END_TEST

/* The roles of columns: an explicit label column that is also the target; a text column
 * among the named features is not taken for the labels; the range of fold ids. */
START_TEST(csv_column_roles)
{
    const char *path = write_file("roles.csv", "name,kind,a,t\nx,metal,1,2\ny,oxide,2,3\n"
                                                "z,metal,4,1\n");
    smi_csv_options opt;
    smi_csv_options_init(&opt);
    opt.target = "name";
    opt.label_column = "name";
    smi_dataset *ds = NULL;
    ck_assert_int_eq(smi_dataset_read_csv(&ds, path, &opt), SMI_EINVAL);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "the target 'name' is also the label column"));
    const char *features[] = { "kind", "a" };
    smi_csv_options_init(&opt);
    opt.target = "t";
    opt.features = features;
    opt.n_features = 2;
    ck_assert_int_eq(smi_dataset_read_csv(&ds, path, &opt), SMI_EPARSE);
    ck_assert_msg(strstr(smi_last_error(), ":2:3: 'metal' is not a number in column 'kind'"),
                  "%s", smi_last_error());
    /* the extreme fold ids that fit an int are ids like any other */
    path = write_file("fold_ends.csv", "a,f,t\n1,-2147483648,2\n2,2147483647,3\n"
                                       "3,-2147483648,4\n4,2147483647,6\n");
    smi_csv_options_init(&opt);
    opt.fold_column = "f";
    ck_assert_msg(smi_dataset_read_csv(&ds, path, &opt) == SMI_OK, "%s", smi_last_error());
    int folds[4];
    ck_assert_int_eq(smi_dataset_get_folds(ds, folds, 4), SMI_OK);
    ck_assert_int_eq(folds[0], 0);
    ck_assert_int_eq(folds[1], 1);
    smi_dataset_free(ds);
}
END_TEST

/* A delimiter must be able to separate fields: a quote opens a quoted field, '#' a comment,
 * CR and LF end lines; other control characters and non-ASCII bytes are refused too. */
START_TEST(csv_refused_delimiters)
{
    const char *path = write_file("delims.csv", "a,b,t\n1,2,3\n4,5,6\n7,8,10\n");
    static const struct { char c; const char *why; } refused[] = {
        { '"', "opens a quoted field" }, { '#', "opens a comment line" },
        { '\n', "ends a line" },          { '\r', "ends a line" },
        { '\x01', "control character" },  { '\x7f', "not a printable ASCII" },
        { (char)0xC3, "not a printable ASCII" },
    };
    smi_csv_options opt;
    smi_csv_options_init(&opt);
    for (size_t k = 0; k < sizeof refused / sizeof refused[0]; k++) {
        opt.delimiter = refused[k].c;
        smi_dataset *ds = (smi_dataset *)1;
        ck_assert_int_eq(smi_dataset_read_csv(&ds, path, &opt), SMI_EINVAL);
        ck_assert_ptr_null(ds);
        ck_assert_msg(strstr(smi_last_error(), refused[k].why) &&
                          strstr(smi_last_error(), "cannot separate fields"),
                      "0x%02x: %s", (unsigned char)refused[k].c, smi_last_error());
    }
    opt.delimiter = ',';
    smi_dataset *ds = NULL;
    ck_assert_int_eq(smi_dataset_read_csv(&ds, path, &opt), SMI_OK);
    smi_dataset_free(ds);
}
END_TEST

/* ---------- CSV: real and large files ---------- */

START_TEST(csv_octet_binaries)
{
    char path[512];
    const char *dir = getenv("SMI_TEST_DATA");
    snprintf(path, sizeof path, "%s/octet_binaries.csv", dir ? dir : "examples/data");
    smi_csv_options opt;
    smi_csv_options_init(&opt);
    opt.target = "dE_RS_ZB";
    smi_dataset *ds;
    ck_assert_msg(smi_dataset_read_csv(&ds, path, &opt) == SMI_OK, "%s", smi_last_error());
    ck_assert_uint_eq(smi_dataset_n(ds), 82);
    ck_assert_uint_eq(smi_dataset_p(ds), 14);
    ck_assert_str_eq(smi_dataset_label_column(ds), "compound");
    ck_assert_str_eq(smi_dataset_label(ds, 0), "AgBr");
    ck_assert_str_eq(smi_dataset_feature_name(ds, 0), "IP_A");
    ck_assert_str_eq(smi_dataset_feature_name(ds, 13), "r_d_B");
    double X[82 * 14], y[82];
    smi_dataset_get_X(ds, X, 82 * 14);
    smi_dataset_get_y(ds, y, 82);
    /* Values as written in the file's first row (AgBr). */
    ck_assert_double_eq(X[0], -8.0580997467);
    ck_assert_double_eq(X[13], 1.87000000477);
    ck_assert_double_eq(y[0], -0.03003341671137605);
    ck_assert_int_eq(smi_dataset_check(ds, 0, NULL, NULL, NULL, NULL), SMI_OK);
    smi_dataset_free(ds);
}
END_TEST

START_TEST(csv_hundred_thousand_rows)
{
    /* x1 = i, x2 = i mod 7, y = 2 i + 1 for i = 0..N-1: the mean of i is (N - 1) / 2 and
     * its population variance (N^2 - 1) / 12. */
    enum { N = 100000 };
    char path[512];
    snprintf(path, sizeof path, "%s/big.csv", tmpdir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "x1,x2,y\n");
    for (int i = 0; i < N; i++)
        fprintf(f, "%d,%d,%d\n", i, i % 7, 2 * i + 1);
    fclose(f);
    smi_csv_options opt;
    smi_csv_options_init(&opt);
    opt.target = "y";
    smi_dataset *ds;
    ck_assert_int_eq(smi_dataset_read_csv(&ds, path, &opt), SMI_OK);
    ck_assert_uint_eq(smi_dataset_n(ds), N);
    double mean, sd, lo, hi;
    smi_dataset_feature_stats(ds, 0, &mean, &sd, &lo, &hi);
    ck_assert_double_eq_tol(mean, (N - 1) / 2.0, 1e-9);
    ck_assert_double_le(rel_err(sd, sqrt(((double)N * N - 1) / 12.0)), 1e-12);
    ck_assert_double_eq(hi, N - 1);
    smi_dataset_target_stats(ds, &mean, NULL, NULL, &hi);
    ck_assert_double_eq_tol(mean, (double)N, 1e-8);
    ck_assert_double_eq(hi, 2.0 * N - 1);
    smi_dataset_free(ds);
    unlink(path);
}
END_TEST

static void remove_tmpdir(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
}

static Suite *dataset_suite(void)
{
    Suite *s = suite_create("dataset");
    TCase *arrays = tcase_create("arrays");
    tcase_add_test(arrays, arrays_round_trip_with_default_names);
    tcase_add_test(arrays, large_offset_keeps_full_accuracy);
    tcase_add_test(arrays, arrays_bad_input);
    tcase_add_test(arrays, check_finds_constant_and_duplicate_columns);
    tcase_add_test(arrays, condition_number_closed_forms);
    tcase_add_test(arrays, kfold_rules);
    tcase_add_test(arrays, explicit_fold_ids);
    tcase_add_test(arrays, cv_runs_leave_the_data_set_unchanged);
    suite_add_tcase(s, arrays);
    TCase *csv = tcase_create("csv");
    tcase_add_loop_test(csv, csv_accepted_forms, 0, sizeof good_cases / sizeof good_cases[0]);
    tcase_add_test(csv, csv_quoted_text_and_choices);
    tcase_add_loop_test(csv, csv_bad_input, 0, sizeof bad_cases / sizeof bad_cases[0]);
    tcase_add_test(csv, csv_bad_feature_lists_and_options);
    tcase_add_test(csv, csv_column_roles);
    tcase_add_test(csv, csv_refused_delimiters);
    tcase_add_test(csv, csv_octet_binaries);
    tcase_add_test(csv, csv_hundred_thousand_rows);
    tcase_add_test(csv, check_and_header_scale_to_many_columns);
    tcase_set_timeout(csv, 120);
    suite_add_tcase(s, csv);
    return s;
}

int main(void)
{
    if (make_tmpdir() != 0)
        return EXIT_FAILURE;
    SRunner *runner = srunner_create(dataset_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    remove_tmpdir();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
