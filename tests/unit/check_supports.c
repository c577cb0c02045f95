/* Sparse paths in context (lib/vma/supports.c) and the rank of a value among the subsets of
 * an exhaustive search (lib/search/rank.c), through the public header only, against
 * brute force computed here:
 *  - every one of the 4095 non-empty subsets of a p = 12 problem is fitted by LAPACK's dgels
 *    on [1, X_S] and scored by BIC = n ln(RSS/n) + (k + 1) ln n; the true rank of a value v
 *    is 1 + the number of those BICs strictly below v;
 *  - the supports of the LARS lasso path are the nonzero sets at the midpoints of its
 *    segments (the path is linear between knots), those of the coordinate-descent path the
 *    nonzero sets of its solutions; each support's criterion, coefficients and intercept
 *    must equal the brute-force fit, and its rank the brute-force rank: exactly when the
 *    search kept every subset (M = 4096) or the value lies among the kept ones, else within
 *    [rank_lo, rank_hi] (M = 100, on equal bins and on given edges that leave subsets
 *    below and above), also at every midpoint between consecutive brute-force values;
 *  - the LARS-OLS hybrid's choice is the brute-force minimum over the supports; singular
 *    supports (p > n: no residual degree of freedom for BIC) never win; bad arguments.
 * The data come from a fixed xorshift generator, so every run sees the same numbers. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sparsemi.h"

void dgels_(const char *trans, const int *m, const int *n, const int *nrhs, double *a,
            const int *lda, double *b, const int *ldb, double *work, const int *lwork, int *info,
            size_t trans_len);

enum { N = 40, P = 12, N_SUBSETS = (1 << P) - 1, MAX_SUPPORTS = 256 };

/* ------------------------------------------------------------------------------------
 * Data and brute force
 * ------------------------------------------------------------------------------------ */

static double uniform(uint64_t *s)
{
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return ((double)(*s >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(uint64_t *s)
{
    double u = uniform(s), v = uniform(s);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* n x p design (row-major): neighbouring columns correlated, each with its own offset and
 * scale; y from four of them plus noise. */
static void make_data(uint64_t seed, size_t n, size_t p, double *X, double *y)
{
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++) {
        double prev = normal(&s);
        for (size_t j = 0; j < p; j++) {
            double z = normal(&s);
            X[i * p + j] = (0.5 + 0.3 * (double)j) * (z + 0.6 * prev) + (double)j - 3.0;
            prev = z;
        }
        y[i] = 1.0 + 1.5 * normal(&s);
        static const double w[4] = { 2.0, -1.5, 1.0, 0.8 };
        for (size_t t = 0; t < 4 && 3 * t + 1 < p; t++)
            y[i] += w[t] * X[i * p + 3 * t + 1];
    }
}

typedef struct {
    size_t n, p;
    double X[N * P], y[N];
    smi_dataset *ds;
    double bic[1 << P];    /* by subset mask; bic[0] unused */
    double sorted[N_SUBSETS];
} problem;

/* Least squares of y on [1, X_S] by dgels: coefficients (k), intercept and RSS from the
 * residuals recomputed on the original data. */
static void ls_fit(const double *X, const double *y, size_t n, size_t p, const size_t *idx,
                   size_t k, double *coef, double *b0, double *rss)
{
    int m = (int)n, cols = (int)k + 1, one = 1, lwork = 64 * (N + P + 1), info = 0;
    double A[N * (P + 1)], b[N], work[64 * (N + P + 1)];
    ck_assert_uint_le(n, N);
    for (size_t i = 0; i < n; i++) {
        A[i] = 1.0;
        b[i] = y[i];
        for (size_t t = 0; t < k; t++)
            A[(t + 1) * n + i] = X[i * p + idx[t]];
    }
    dgels_("N", &m, &cols, &one, A, &m, b, &m, work, &lwork, &info, 1);
    ck_assert_int_eq(info, 0);
    *b0 = b[0];
    memcpy(coef, b + 1, k * sizeof *coef);
    *rss = 0.0;
    for (size_t i = 0; i < n; i++) {
        double r = y[i] - *b0;
        for (size_t t = 0; t < k; t++)
            r -= coef[t] * X[i * p + idx[t]];
        *rss += r * r;
    }
}

static double bic_of(size_t n, size_t k, double rss)
{
    return (double)n * log(rss / (double)n) + (double)(k + 1) * log((double)n);
}

static size_t mask_to_indices(unsigned mask, size_t *idx)
{
    size_t k = 0;
    for (size_t j = 0; j < P; j++)
        if (mask >> j & 1u)
            idx[k++] = j;
    return k;
}

static unsigned indices_to_mask(const size_t *idx, size_t k)
{
    unsigned mask = 0;
    for (size_t t = 0; t < k; t++)
        mask |= 1u << idx[t];
    return mask;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void problem_init(problem *pb, uint64_t seed)
{
    pb->n = N;
    pb->p = P;
    make_data(seed, N, P, pb->X, pb->y);
    ck_assert_int_eq(smi_dataset_create(&pb->ds, N, P, pb->X, pb->y, NULL, NULL), SMI_OK);
    for (unsigned mask = 1; mask <= N_SUBSETS; mask++) {
        size_t idx[P], k = mask_to_indices(mask, idx);
        double coef[P], b0, rss;
        ls_fit(pb->X, pb->y, N, P, idx, k, coef, &b0, &rss);
        pb->bic[mask] = bic_of(N, k, rss);
        pb->sorted[mask - 1] = pb->bic[mask];
    }
    qsort(pb->sorted, N_SUBSETS, sizeof *pb->sorted, compare_doubles);
}

/* 1 + the number of subsets with a BIC below v, counted with v moved down and up by a
 * relative 1e-9: only the subset whose own value v is (self = 1) may lie in between, so a
 * rank is asserted only where rounding cannot decide it. */
static uint64_t true_rank(const problem *pb, double v, int self)
{
    uint64_t r_lo = 1, r_hi = 1;
    double tol = 1e-9 * fmax(fabs(v), 1.0);
    for (size_t i = 0; i < N_SUBSETS; i++) {
        r_lo += pb->sorted[i] < v - tol;
        r_hi += pb->sorted[i] < v + tol;
    }
    ck_assert_msg(r_hi == r_lo + (uint64_t)self, "value %.17g is within rounding of another "
                  "subset's", v);
    return r_lo;
}

/* ------------------------------------------------------------------------------------
 * Searches and ranks
 * ------------------------------------------------------------------------------------ */

static smi_search *bic_search(size_t top)
{
    smi_search *cfg = NULL;
    ck_assert_int_eq(smi_search_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_search_set_criterion(cfg, SMI_CRIT_BIC), SMI_OK);
    ck_assert_int_eq(smi_search_set_top(cfg, top), SMI_OK);
    return cfg;
}

static smi_search_result *run_search(const problem *pb, smi_search *cfg)
{
    smi_search_result *res = NULL;
    ck_assert_msg(smi_search_run(pb->ds, cfg, &res) == SMI_OK, "%s", smi_last_error());
    ck_assert_uint_eq(smi_search_result_n_models(res), N_SUBSETS);
    return res;
}

/* The kept models hold every subset below v: the rank must then be exact. */
static int exact_expected(const smi_search_result *res, double v)
{
    size_t m = smi_search_result_n_top(res);
    double worst = -INFINITY;
    if (m > 0)
        ck_assert_int_eq(smi_search_result_model(res, m - 1, 0, NULL, NULL, NULL, &worst, NULL, NULL),
                         SMI_OK);
    return m == smi_search_result_n_models(res) || v <= worst;
}

static void check_rank(const smi_search_result *res, double v, uint64_t want, const char *what)
{
    double rank = -1.0, pct = -1.0;
    uint64_t lo = 0, hi = 0;
    ck_assert_int_eq(smi_search_result_rank(res, v, &rank, &lo, &hi, &pct), SMI_OK);
    ck_assert_msg(lo <= want && want <= hi, "%s: value %.17g: true rank %llu, bounds [%llu, %llu]",
                  what, v, (unsigned long long)want, (unsigned long long)lo,
                  (unsigned long long)hi);
    ck_assert_msg(rank >= (double)lo && rank <= (double)hi, "%s: estimate %g outside [%llu, %llu]",
                  what, rank, (unsigned long long)lo, (unsigned long long)hi);
    ck_assert_double_eq_tol(pct, 100.0 * rank / (double)smi_search_result_n_models(res), 1e-12);
    if (exact_expected(res, v))
        ck_assert_msg(lo == want && hi == want && rank == (double)want,
                      "%s: value %.17g: exact rank %llu expected, got %g in [%llu, %llu]", what,
                      v, (unsigned long long)want, rank, (unsigned long long)lo,
                      (unsigned long long)hi);
}

/* Every midpoint between consecutive brute-force values, and values beyond both ends. */
static void check_all_midpoints(const problem *pb, const smi_search_result *res, const char *what)
{
    check_rank(res, pb->sorted[0] - 1.0, 1, what);
    check_rank(res, pb->sorted[N_SUBSETS - 1] + 1.0, N_SUBSETS + 1, what);
    for (size_t i = 0; i + 1 < N_SUBSETS; i++) {
        double a = pb->sorted[i], b = pb->sorted[i + 1];
        if (b - a > 1e-8 * fmax(fabs(a), 1.0))
            check_rank(res, 0.5 * (a + b), i + 2, what);
    }
}

/* ------------------------------------------------------------------------------------
 * Supports
 * ------------------------------------------------------------------------------------ */

typedef struct {
    size_t count;
    unsigned mask[MAX_SUPPORTS];
    double penalty[MAX_SUPPORTS];
} support_list;

static void list_add(support_list *l, unsigned mask, double penalty)
{
    if (mask == 0)
        return;
    for (size_t i = 0; i < l->count; i++)
        if (l->mask[i] == mask)
            return;
    ck_assert_uint_lt(l->count, MAX_SUPPORTS);
    l->mask[l->count] = mask;
    l->penalty[l->count++] = penalty;
}

/* The LARS supports by definition: nonzero coefficients inside each segment. */
static void lars_supports(const smi_lars_result *path, support_list *l)
{
    size_t T = smi_lars_result_n_knots(path);
    double *coef = malloc(T * P * sizeof *coef), *alpha = malloc(T * sizeof *alpha);
    ck_assert_int_eq(smi_lars_result_coefficients(path, T * P, coef, NULL), SMI_OK);
    ck_assert_int_eq(smi_lars_result_knots(path, T, alpha), SMI_OK);
    l->count = 0;
    for (size_t t = 1; t < T; t++) {
        unsigned mask = 0;
        for (size_t j = 0; j < P; j++)
            if (coef[(t - 1) * P + j] + coef[t * P + j] != 0.0)
                mask |= 1u << j;
        list_add(l, mask, alpha[t - 1]);
    }
    free(coef), free(alpha);
}

/* The coordinate-descent supports: nonzero coefficients of each solution. */
static void lasso_supports(const smi_lasso_result *fit, support_list *l)
{
    size_t L = smi_lasso_result_n_lambdas(fit);
    double *coef = malloc(L * P * sizeof *coef), *lambda = malloc(L * sizeof *lambda);
    ck_assert_int_eq(smi_lasso_result_coefficients(fit, L * P, coef, NULL), SMI_OK);
    ck_assert_int_eq(smi_lasso_result_lambdas(fit, L, lambda), SMI_OK);
    l->count = 0;
    for (size_t t = 0; t < L; t++) {
        unsigned mask = 0;
        for (size_t j = 0; j < P; j++)
            if (coef[t * P + j] != 0.0)
                mask |= 1u << j;
        list_add(l, mask, lambda[t]);
    }
    free(coef), free(lambda);
}

static int close_rel(double got, double want, double rel)
{
    return fabs(got - want) <= rel * fmax(fabs(want), 1.0);
}

/* The list equals the expected supports, and each is the brute-force fit. */
static void check_supports(const problem *pb, const smi_path_supports *list,
                           const support_list *want)
{
    ck_assert_uint_eq(smi_path_supports_count(list), want->count);
    for (size_t i = 0; i < want->count; i++) {
        size_t f[P], k = 0, idx[P];
        double c[P], pen, crit, b0, wc[P], wb0, rss;
        ck_assert_msg(smi_path_supports_get(list, i, P, f, c, &k, &pen, &crit, &b0) == SMI_OK,
                      "support %zu: %s", i, smi_last_error());
        ck_assert_uint_eq(indices_to_mask(f, k), want->mask[i]);
        for (size_t t = 1; t < k; t++)
            ck_assert_uint_lt(f[t - 1], f[t]);
        ck_assert_double_eq(pen, want->penalty[i]);
        size_t kk = mask_to_indices(want->mask[i], idx);
        ls_fit(pb->X, pb->y, N, P, idx, kk, wc, &wb0, &rss);
        double bic = pb->bic[want->mask[i]];
        ck_assert_msg(fabs(crit - bic) <= 1e-10 * fabs(bic),
                      "support %zu: BIC %.17g, brute force %.17g", i, crit, bic);
        ck_assert_msg(close_rel(b0, wb0, 1e-9), "support %zu: intercept %.17g, dgels %.17g", i,
                      b0, wb0);
        for (size_t t = 0; t < k; t++)
            ck_assert_msg(close_rel(c[t], wc[t], 1e-9),
                          "support %zu feature %zu: %.17g, dgels %.17g", i, f[t], c[t], wc[t]);
    }
}

/* Each support's rank in each result against brute force. */
static void check_support_ranks(const problem *pb, const smi_path_supports *list,
                                const smi_search_result *res, const char *what)
{
    for (size_t i = 0; i < smi_path_supports_count(list); i++) {
        double crit;
        ck_assert_int_eq(smi_path_supports_get(list, i, 0, NULL, NULL, NULL, NULL, &crit, NULL),
                         SMI_OK);
        check_rank(res, crit, true_rank(pb, crit, 1), what);
    }
}

/* The hybrid's choice: the first support of smallest brute-force BIC. */
static void check_best(const problem *pb, const smi_path_supports *list,
                       const support_list *want)
{
    size_t best = 0, got = 99;
    for (size_t i = 1; i < want->count; i++)
        if (pb->bic[want->mask[i]] < pb->bic[want->mask[best]])
            best = i;
    ck_assert_int_eq(smi_path_supports_best(list, &got), SMI_OK);
    ck_assert_uint_eq(got, best);
}

static smi_lars_result *lasso_lars(const smi_dataset *ds)
{
    smi_lars *cfg = NULL;
    ck_assert_int_eq(smi_lars_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_lars_set_method(cfg, SMI_LARS_LASSO), SMI_OK);
    smi_lars_result *path = NULL;
    ck_assert_int_eq(smi_lars_run(ds, cfg, &path), SMI_OK);
    smi_lars_free(cfg);
    return path;
}

/* ------------------------------------------------------------------------------------
 * Tests
 * ------------------------------------------------------------------------------------ */

/* The searches of one problem: all subsets kept; top 100 on equal bins; top 100 on edges
 * halfway between brute-force values, which leave 500 subsets below and 595 above. */
static void make_results(const problem *pb, smi_search_result **res)
{
    smi_search *cfg = bic_search(4096);
    res[0] = run_search(pb, cfg);
    ck_assert_uint_eq(smi_search_result_n_top(res[0]), N_SUBSETS);
    smi_search_free(cfg);
    cfg = bic_search(100);
    res[1] = run_search(pb, cfg);
    double edges[11], lo = 0.5 * (pb->sorted[499] + pb->sorted[500]);
    double hi = 0.5 * (pb->sorted[3499] + pb->sorted[3500]);
    for (size_t i = 0; i <= 10; i++)
        edges[i] = lo + (hi - lo) * (double)i / 10.0;
    ck_assert_int_eq(smi_search_set_bin_edges(cfg, edges, 11), SMI_OK);
    res[2] = run_search(pb, cfg);
    uint64_t below, above, counts[10];
    ck_assert_int_eq(smi_search_result_dos(res[2], 11, edges, counts, &below, &above), SMI_OK);
    ck_assert_uint_eq(below, 500);
    ck_assert_uint_eq(above, N_SUBSETS - 3500);
    smi_search_free(cfg);
}

static const char *result_names[3] = { "M = 4096", "M = 100", "M = 100, given edges" };

START_TEST(lars_supports_rank_as_brute_force)
{
    static problem pb;
    problem_init(&pb, 0x9e3779b97f4a7c15u + (uint64_t)_i);
    smi_lars_result *path = lasso_lars(pb.ds);
    smi_search *cfg = bic_search(100);
    smi_path_supports *list = NULL;
    ck_assert_msg(smi_path_supports_from_lars(pb.ds, path, cfg, &list) == SMI_OK, "%s",
                  smi_last_error());
    support_list want;
    lars_supports(path, &want);
    ck_assert_uint_ge(want.count, 5);
    check_supports(&pb, list, &want);
    check_best(&pb, list, &want);

    smi_search_result *res[3];
    make_results(&pb, res);
    for (size_t r = 0; r < 3; r++) {
        check_support_ranks(&pb, list, res[r], result_names[r]);
        check_all_midpoints(&pb, res[r], result_names[r]);
    }
    /* some support lies beyond the kept 100, so the bounded branch was taken */
    size_t beyond = 0;
    for (size_t i = 0; i < want.count; i++)
        beyond += !exact_expected(res[1], pb.bic[want.mask[i]]);
    ck_assert_uint_gt(beyond, 0);
    for (size_t r = 0; r < 3; r++)
        smi_search_result_free(res[r]);
    smi_path_supports_free(list);
    smi_search_free(cfg);
    smi_lars_result_free(path);
    smi_dataset_free(pb.ds);
}
END_TEST

/* A saved and loaded result ranks every value as the original does. */
START_TEST(loaded_results_rank_alike)
{
    static problem pb;
    problem_init(&pb, 7);
    smi_search_result *res[3];
    make_results(&pb, res);
    char path[4096];
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/check_supports.%ld.res", tmp && *tmp ? tmp : "/tmp",
             (long)getpid());
    for (size_t r = 1; r < 3; r++) {
        smi_search_result *loaded = NULL;
        ck_assert_int_eq(smi_search_result_save(res[r], path), SMI_OK);
        ck_assert_msg(smi_search_result_load(&loaded, path) == SMI_OK, "%s", smi_last_error());
        remove(path);
        check_all_midpoints(&pb, loaded, result_names[r]);
        for (size_t i = 0; i < N_SUBSETS; i += 7) {
            double v = pb.sorted[i] + 1e-3, a[2], pa[2];
            uint64_t lo[2], hi[2];
            ck_assert_int_eq(smi_search_result_rank(res[r], v, &a[0], &lo[0], &hi[0], &pa[0]), SMI_OK);
            ck_assert_int_eq(smi_search_result_rank(loaded, v, &a[1], &lo[1], &hi[1], &pa[1]), SMI_OK);
            ck_assert(a[0] == a[1] && lo[0] == lo[1] && hi[0] == hi[1] && pa[0] == pa[1]);
        }
        smi_search_result_free(loaded);
    }
    for (size_t r = 0; r < 3; r++)
        smi_search_result_free(res[r]);
    smi_dataset_free(pb.ds);
}
END_TEST

/* A result with a model posterior (free energy): the r-th best kept model has rank r + 1. */
START_TEST(posterior_results_rank_their_models)
{
    static problem pb;
    problem_init(&pb, 11);
    smi_search *cfg = bic_search(4096);
    ck_assert_int_eq(smi_search_set_criterion(cfg, SMI_CRIT_FE), SMI_OK);
    smi_search_result *res = run_search(&pb, cfg);
    double total;
    ck_assert_int_eq(smi_search_result_log_evidence_total(res, &total), SMI_OK);
    size_t m = smi_search_result_n_top(res);
    ck_assert_uint_eq(m, N_SUBSETS);
    double prev = -INFINITY;
    for (size_t r = 0; r < m; r++) {
        double v, rank;
        uint64_t lo, hi;
        ck_assert_int_eq(smi_search_result_model(res, r, 0, NULL, NULL, NULL, &v, NULL, NULL), SMI_OK);
        ck_assert_int_eq(smi_search_result_rank(res, v, &rank, &lo, &hi, NULL), SMI_OK);
        uint64_t want = v > prev ? r + 1 : lo; /* a tie shares the rank of its first */
        ck_assert_uint_eq(lo, want);
        ck_assert_uint_eq(hi, want);
        prev = v;
    }
    smi_search_result_free(res);
    smi_search_free(cfg);
    smi_dataset_free(pb.ds);
}
END_TEST

START_TEST(lasso_supports_are_its_nonzero_sets)
{
    static problem pb;
    problem_init(&pb, 0x9e3779b97f4a7c15u);
    smi_lasso_result *fit = NULL;
    ck_assert_msg(smi_lasso_run(pb.ds, NULL, &fit) == SMI_OK, "%s", smi_last_error());
    smi_search *cfg = bic_search(4096);
    smi_path_supports *list = NULL;
    ck_assert_msg(smi_path_supports_from_lasso(pb.ds, fit, cfg, &list) == SMI_OK, "%s",
                  smi_last_error());
    support_list want;
    lasso_supports(fit, &want);
    ck_assert_uint_ge(want.count, 5);
    check_supports(&pb, list, &want);
    check_best(&pb, list, &want);
    smi_search_result *res = run_search(&pb, cfg);
    check_support_ranks(&pb, list, res, "lasso, M = 4096");
    smi_search_result_free(res);
    smi_path_supports_free(list);
    smi_search_free(cfg);
    smi_lasso_result_free(fit);
    smi_dataset_free(pb.ds);
}
END_TEST

/* p > n: the LARS path ends with n - 1 active features, n parameters with the intercept:
 * no residual degree of freedom for BIC. That support is singular and never the best. */
START_TEST(singular_supports_never_win)
{
    enum { n = 8, p = 12 };
    double X[n * p], y[n];
    make_data(3, n, p, X, y);
    smi_dataset *ds = NULL;
    ck_assert_int_eq(smi_dataset_create(&ds, n, p, X, y, NULL, NULL), SMI_OK);
    smi_lars_result *path = lasso_lars(ds);
    smi_search *cfg = bic_search(100);
    smi_path_supports *list = NULL;
    ck_assert_int_eq(smi_path_supports_from_lars(ds, path, cfg, &list), SMI_OK);
    size_t count = smi_path_supports_count(list), singular = 0, best = count;
    double best_value = INFINITY;
    for (size_t i = 0; i < count; i++) {
        size_t f[p], k;
        double c[p], crit, b0, value;
        int rc = smi_path_supports_get(list, i, p, f, c, &k, NULL, &crit, &b0);
        if (rc == SMI_ESINGULAR)
            ck_assert_ptr_nonnull(strstr(smi_last_error(), "singular"));
        int want = smi_search_score_subset(ds, cfg, f, k, &value);
        ck_assert_int_eq(rc, want);
        ck_assert_int_eq(rc == SMI_ESINGULAR, k + 1 >= n);
        if (rc == SMI_ESINGULAR) {
            singular++;
            ck_assert(isnan(crit));
            ck_assert_double_eq(b0, 0.0);
            for (size_t t = 0; t < k; t++)
                ck_assert_double_eq(c[t], 0.0);
            continue;
        }
        ck_assert_int_eq(rc, SMI_OK);
        ck_assert_double_eq(crit, value);
        if (crit < best_value)
            best_value = crit, best = i;
    }
    ck_assert_uint_ge(singular, 1);
    size_t got = count;
    ck_assert_int_eq(smi_path_supports_best(list, &got), SMI_OK);
    ck_assert_uint_eq(got, best);
    smi_path_supports_free(list);
    smi_lars_result_free(path);

    /* n = 2, p = 1: the one support leaves no residual degree of freedom; none is the best */
    smi_dataset_free(ds);
    double X2[2] = { 1.0, 3.0 }, y2[2] = { 1.0, 2.0 };
    ck_assert_int_eq(smi_dataset_create(&ds, 2, 1, X2, y2, NULL, NULL), SMI_OK);
    path = lasso_lars(ds);
    ck_assert_int_eq(smi_path_supports_from_lars(ds, path, cfg, &list), SMI_OK);
    ck_assert_uint_eq(smi_path_supports_count(list), 1);
    for (size_t i = 0; i < smi_path_supports_count(list); i++)
        ck_assert_int_eq(smi_path_supports_get(list, i, 0, NULL, NULL, NULL, NULL, NULL, NULL),
                         SMI_ESINGULAR);
    got = 77;
    ck_assert_int_eq(smi_path_supports_best(list, &got), SMI_ENOTFOUND);
    ck_assert_uint_eq(got, 77);
    smi_path_supports_free(list);
    smi_lars_result_free(path);
    smi_search_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

START_TEST(bad_arguments_are_refused)
{
    static problem pb;
    problem_init(&pb, 5);
    double X11[N * 11];
    for (size_t i = 0; i < N; i++)
        memcpy(X11 + i * 11, pb.X + i * P, 11 * sizeof *X11);
    smi_dataset *ds11 = NULL;
    ck_assert_int_eq(smi_dataset_create(&ds11, N, 11, X11, pb.y, NULL, NULL), SMI_OK);
    smi_lars_result *path = lasso_lars(pb.ds), *path11 = lasso_lars(ds11);
    smi_search *cfg = bic_search(100);
    smi_path_supports *list = (smi_path_supports *)cfg;

    ck_assert_int_eq(smi_path_supports_from_lars(NULL, path, cfg, &list), SMI_EINVAL);
    ck_assert_ptr_null(list);
    ck_assert_int_eq(smi_path_supports_from_lars(pb.ds, NULL, cfg, &list), SMI_EINVAL);
    ck_assert_int_eq(smi_path_supports_from_lars(pb.ds, path, NULL, &list), SMI_EINVAL);
    ck_assert_int_eq(smi_path_supports_from_lars(pb.ds, path, cfg, NULL), SMI_EINVAL);
    ck_assert_int_eq(smi_path_supports_from_lars(pb.ds, path11, cfg, &list), SMI_EINVAL);
    ck_assert_ptr_null(list);
    ck_assert_msg(strstr(smi_last_error(), "11 features") && strstr(smi_last_error(), "12"),
                  "message: %s", smi_last_error());

    smi_search *cv = bic_search(100); /* CV on more folds than samples */
    ck_assert_int_eq(smi_search_set_criterion(cv, SMI_CRIT_CV), SMI_OK);
    ck_assert_int_eq(smi_search_set_folds(cv, N + 1, 1, 0), SMI_OK);
    list = (smi_path_supports *)cfg;
    ck_assert_int_eq(smi_path_supports_from_lars(pb.ds, path, cv, &list), SMI_EINVAL);
    ck_assert_ptr_null(list);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "folds"));
    /* also when the path has no non-empty support to refit (one lambda, at lambda_max) */
    smi_lasso *one = NULL;
    smi_lasso_result *fit1 = NULL;
    ck_assert_int_eq(smi_lasso_create(&one), SMI_OK);
    ck_assert_int_eq(smi_lasso_set_path(one, 1, 0.0), SMI_OK);
    ck_assert_int_eq(smi_lasso_run(pb.ds, one, &fit1), SMI_OK);
    ck_assert_int_eq(smi_path_supports_from_lasso(pb.ds, fit1, cv, &list), SMI_EINVAL);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "folds"));
    smi_lasso_result_free(fit1);
    smi_lasso_free(one);
    smi_search_free(cv);

    smi_lasso_result *fit11 = NULL;
    ck_assert_int_eq(smi_lasso_run(ds11, NULL, &fit11), SMI_OK);
    list = (smi_path_supports *)cfg;
    ck_assert_int_eq(smi_path_supports_from_lasso(pb.ds, fit11, cfg, &list), SMI_EINVAL);
    ck_assert_ptr_null(list);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "11 features"));
    ck_assert_int_eq(smi_path_supports_from_lasso(pb.ds, NULL, cfg, &list), SMI_EINVAL);
    ck_assert_int_eq(smi_path_supports_from_lasso(NULL, fit11, cfg, &list), SMI_EINVAL);
    ck_assert_int_eq(smi_path_supports_from_lasso(ds11, fit11, NULL, &list), SMI_EINVAL);
    ck_assert_int_eq(smi_path_supports_from_lasso(ds11, fit11, cfg, NULL), SMI_EINVAL);
    smi_lasso_result_free(fit11);

    smi_path_supports_free(NULL);
    ck_assert_uint_eq(smi_path_supports_count(NULL), 0);
    size_t idx = 5, f[P], k = 0;
    ck_assert_int_eq(smi_path_supports_best(NULL, &idx), SMI_EINVAL);
    ck_assert_int_eq(smi_path_supports_get(NULL, 0, P, f, NULL, &k, NULL, NULL, NULL),
                     SMI_EINVAL);
    ck_assert_int_eq(smi_path_supports_from_lars(pb.ds, path, cfg, &list), SMI_OK);
    size_t count = smi_path_supports_count(list);
    ck_assert_int_eq(smi_path_supports_best(list, NULL), SMI_EINVAL);
    ck_assert_int_eq(smi_path_supports_get(list, count, P, f, NULL, &k, NULL, NULL, NULL),
                     SMI_EINVAL);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "support"));
    size_t last = count - 1, need = 0;
    ck_assert_int_eq(smi_path_supports_get(list, last, 0, NULL, NULL, &need, NULL, NULL, NULL),
                     SMI_OK);
    ck_assert_uint_ge(need, 2);
    double c[P];
    ck_assert_int_eq(smi_path_supports_get(list, last, need - 1, f, NULL, &k, NULL, NULL, NULL),
                     SMI_EINVAL);
    ck_assert_uint_eq(k, need); /* the size is set even so */
    ck_assert_int_eq(smi_path_supports_get(list, last, need - 1, NULL, c, NULL, NULL, NULL, NULL),
                     SMI_EINVAL);
    ck_assert_int_eq(smi_path_supports_get(list, last, need, f, c, NULL, NULL, NULL, NULL), SMI_OK);

    smi_search_result *res = run_search(&pb, cfg);
    double r;
    ck_assert_int_eq(smi_search_result_rank(NULL, 1.0, &r, NULL, NULL, NULL), SMI_EINVAL);
    ck_assert_int_eq(smi_search_result_rank(res, NAN, &r, NULL, NULL, NULL), SMI_EINVAL);
    ck_assert_int_eq(smi_search_result_rank(res, INFINITY, &r, NULL, NULL, NULL), SMI_EINVAL);
    ck_assert_int_eq(smi_search_result_rank(res, -INFINITY, NULL, NULL, NULL, NULL), SMI_EINVAL);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "not finite"));
    ck_assert_int_eq(smi_search_result_rank(res, 0.0, NULL, NULL, NULL, NULL), SMI_OK);

    smi_search_result_free(res);
    smi_path_supports_free(list);
    smi_search_free(cfg);
    smi_lars_result_free(path);
    smi_lars_result_free(path11);
    smi_dataset_free(ds11);
    smi_dataset_free(pb.ds);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("supports");
    TCase *tc = tcase_create("supports");
    tcase_add_loop_test(tc, lars_supports_rank_as_brute_force, 0, 3);
    tcase_add_test(tc, loaded_results_rank_alike);
    tcase_add_test(tc, posterior_results_rank_their_models);
    tcase_add_test(tc, lasso_supports_are_its_nonzero_sets);
    tcase_add_test(tc, singular_supports_never_win);
    tcase_add_test(tc, bad_arguments_are_refused);
    suite_add_tcase(s, tc);
    SRunner *runner = srunner_create(s);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
