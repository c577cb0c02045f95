/* The brute-force oracle of check_search.c (see search_oracle.h): everything here is
 * computed from scratch with LAPACK on the original data, never with the library's sweep. */
#include "search_oracle.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* LAPACK (Fortran) prototypes, with the hidden string-length arguments at the end. */
void dgels_(const char *trans, const int *m, const int *n, const int *nrhs, double *a,
            const int *lda, double *b, const int *ldb, double *work, const int *lwork,
            int *info, size_t trans_len);
void dgesvd_(const char *jobu, const char *jobvt, const int *m, const int *n, double *a,
             const int *lda, double *s, double *u, const int *ldu, double *vt,
             const int *ldvt, double *work, const int *lwork, int *info, size_t jobu_len,
             size_t jobvt_len);
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info,
             size_t uplo_len);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a,
             const int *lda, double *b, const int *ldb, int *info, size_t uplo_len);

/* ------------------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------------------ */

size_t popcount32(uint32_t m)
{
    size_t c = 0;
    for (; m; m &= m - 1)
        c++;
    return c;
}

size_t mask_to_indices(uint32_t mask, size_t *idx)
{
    size_t k = 0;
    for (size_t j = 0; j < 32; j++)
        if (mask & (UINT32_C(1) << j))
            idx[k++] = j;
    return k;
}

uint32_t indices_to_mask(const size_t *idx, size_t k)
{
    uint32_t m = 0;
    for (size_t t = 0; t < k; t++) {
        ck_assert_uint_lt(idx[t], 32);
        m |= UINT32_C(1) << idx[t];
    }
    return m;
}

int compare_subsets(const size_t *a, size_t ka, const size_t *b, size_t kb)
{
    for (size_t t = 0; t < ka && t < kb; t++)
        if (a[t] != b[t])
            return a[t] < b[t] ? -1 : 1;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
}

double binomial(size_t n, size_t k)
{
    double c = 1;
    for (size_t t = 0; t < k; t++)
        c = c * (double)(n - t) / (double)(t + 1);
    return c;
}

/* ------------------------------------------------------------------------------------
 * Problems
 * ------------------------------------------------------------------------------------ */

void problem_alloc(problem *pr, size_t n, size_t p)
{
    pr->n = n;
    pr->p = p;
    pr->X = calloc(n * p, sizeof(double));
    pr->y = calloc(n, sizeof(double));
    pr->mean = calloc(p, sizeof(double));
    pr->sd = calloc(p, sizeof(double));
    ck_assert(pr->X && pr->y && pr->mean && pr->sd);
    memset(&pr->folds, 0, sizeof pr->folds);
    pr->ids = NULL;
    pr->fold = NULL;
    pr->n_folds = 0;
}

void problem_stats(problem *pr)
{
    size_t n = pr->n, p = pr->p;
    for (size_t j = 0; j < p; j++) {
        double s = 0, ss = 0;
        for (size_t i = 0; i < n; i++)
            s += pr->X[i * p + j];
        pr->mean[j] = s / (double)n;
        for (size_t i = 0; i < n; i++) {
            double d = pr->X[i * p + j] - pr->mean[j];
            ss += d * d;
        }
        pr->sd[j] = sqrt(ss / (double)n);
    }
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += pr->y[i];
    pr->y_mean = s / (double)n;
}

void problem_random(problem *pr, uint64_t seed, size_t n, size_t p)
{
    ck_assert_uint_le(p, MAX_P);
    problem_alloc(pr, n, p);
    uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 12345;
    double w[MAX_P];
    for (size_t j = 0; j < p; j++)
        w[j] = j % 2 == 0 ? 1.0 + tu_normal(&s) : 0.0;
    for (size_t i = 0; i < n; i++) {
        double yi = 0.7;
        for (size_t j = 0; j < p; j++) {
            double scale = pow(10.0, (double)(j % 3) - 1.0), z = tu_normal(&s);
            pr->X[i * p + j] = ((double)(j % 5) - 2.0 + z) * scale;
            yi += w[j] * z;
        }
        pr->y[i] = yi + 0.5 * tu_normal(&s);
    }
    problem_stats(pr);
}

void problem_from_dataset(problem *pr, const smi_dataset *ds)
{
    problem_alloc(pr, smi_dataset_n(ds), smi_dataset_p(ds));
    ck_assert_int_eq(smi_dataset_get_X(ds, pr->X, pr->n * pr->p), SMI_OK);
    ck_assert_int_eq(smi_dataset_get_y(ds, pr->y, pr->n), SMI_OK);
    problem_stats(pr);
}

void problem_free(problem *pr)
{
    free(pr->X);
    free(pr->y);
    free(pr->mean);
    free(pr->sd);
    free(pr->ids);
    free(pr->fold);
}

/* k distinct integers, unsorted and of mixed signs, every one used, folds of unequal sizes. */
static void make_ids(problem *pr, const fold_spec *spec)
{
    static const int values[] = { 40, -7, 3, 1000, 0, -300, 12, 5, 41, 2, -1, 77, 9, 8 };
    size_t n = pr->n, k = spec->k;
    ck_assert_uint_ge(k, 2);
    ck_assert_uint_le(k, sizeof values / sizeof values[0]);
    ck_assert_uint_le(k, n);
    pr->folds = *spec;
    pr->folds.kind = FOLDS_IDS;
    free(pr->ids);
    pr->ids = malloc(n * sizeof(int));
    size_t *perm = malloc(n * sizeof(size_t));
    ck_assert(pr->ids && perm);
    uint64_t s = spec->seed * 0x2545F4914F6CDD1DULL + 99;
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(tu_lcg_next(&s) >> 33) % i, tmp = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = tmp;
    }
    /* one row of every fold, then the rest at random: unequal sizes */
    for (size_t i = 0; i < n; i++)
        pr->ids[perm[i]] = values[i < k ? i : (size_t)(tu_lcg_next(&s) >> 33) % k];
    free(perm);
}

void problem_set_folds(problem *pr, const fold_spec *spec)
{
    if (spec->kind == FOLDS_IDS) {
        make_ids(pr, spec);
    } else {
        free(pr->ids);
        pr->ids = NULL;
        pr->folds = *spec;
    }
}

/* The fold the data set should report for id v: its rank among the distinct ids. */
static int id_rank(const int *ids, size_t n, int v, size_t *n_distinct)
{
    int rank = 0;
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        int first = 1;
        for (size_t j = 0; j < i && first; j++)
            first = ids[j] != ids[i];
        if (!first)
            continue;
        distinct++;
        rank += ids[i] < v;
    }
    *n_distinct = distinct;
    return rank;
}

/* The folds of pr->folds, computed here by the documented rule (testutil.h), never read
 * back from the library: K-fold puts sample i in fold perm[i] mod K, perm the Fisher-Yates
 * permutation of the seed's xoshiro256** stream or the identity; explicit ids go to the
 * rank of their value among the distinct ids. */
static void problem_assign_folds(problem *pr)
{
    size_t n = pr->n, K;
    const fold_spec *fs = &pr->folds;
    pr->fold = malloc(n * sizeof(int));
    ck_assert_ptr_nonnull(pr->fold);
    if (fs->kind == FOLDS_KFOLD) {
        ck_assert_uint_ge(fs->k, 2);
        ck_assert_uint_le(fs->k, n);
        ck_assert_int_eq(tu_kfold(n, fs->k, fs->shuffle, fs->seed, pr->fold), 0);
        K = fs->k;
    } else {
        K = tu_fold_ids(pr->ids, n, pr->fold);
        for (size_t i = 0; i < n; i++) { /* a second, independent count of the ranks */
            size_t distinct;
            ck_assert_int_eq(pr->fold[i], id_rank(pr->ids, n, pr->ids[i], &distinct));
            ck_assert_uint_eq(distinct, K);
        }
    }
    size_t *sizes = calloc(K + 1, sizeof(size_t));
    ck_assert_ptr_nonnull(sizes);
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(pr->fold[i] >= 0 && (size_t)pr->fold[i] < K, "row %zu: fold %d of %zu",
                      i, pr->fold[i], K);
        sizes[pr->fold[i]]++;
    }
    size_t smallest = n, largest = 0;
    for (size_t f = 0; f < K; f++) {
        smallest = sizes[f] < smallest ? sizes[f] : smallest;
        largest = sizes[f] > largest ? sizes[f] : largest;
    }
    ck_assert_uint_ge(smallest, 1);
    ck_assert_uint_le(largest + 2, n); /* every training set has at least 2 rows */
    if (fs->kind == FOLDS_KFOLD) {
        ck_assert_uint_le(largest - smallest, 1);
        for (size_t i = 0; !fs->shuffle && i < n; i++)
            ck_assert_int_eq(pr->fold[i], (int)(i % K));
    }
    free(sizes);
    pr->n_folds = K;
}

smi_dataset *problem_dataset(problem *pr)
{
    smi_dataset *ds = NULL;
    ck_assert_int_eq(smi_dataset_create(&ds, pr->n, pr->p, pr->X, pr->y, NULL, NULL), SMI_OK);
    ck_assert_uint_eq(smi_dataset_n_folds(ds), 0); /* arrays carry no fold column */
    free(pr->fold);
    pr->fold = NULL;
    pr->n_folds = 0;
    if (pr->folds.kind != FOLDS_NONE)
        problem_assign_folds(pr);
    return ds;
}

void problem_config_folds(const problem *pr, smi_search *cfg)
{
    const fold_spec *fs = &pr->folds;
    int rc = SMI_OK;
    if (fs->kind == FOLDS_KFOLD)
        rc = smi_search_set_folds(cfg, fs->k, fs->shuffle, fs->seed);
    else if (fs->kind == FOLDS_IDS)
        rc = smi_search_set_fold_ids(cfg, pr->ids, pr->n);
    ck_assert_msg(rc == SMI_OK, "folds: %s", smi_last_error());
}

void problem_plan_folds(problem *pr)
{
    smi_dataset_free(problem_dataset(pr));
    ck_assert_uint_ge(pr->n_folds, 2);
}

void problem_make_collinear(problem *pr, collinearity kind)
{
    size_t p = pr->p;
    uint64_t s = 777;
    for (size_t i = 0; i < pr->n; i++) {
        double *row = pr->X + i * p;
        if (kind == COLLINEAR_DUPLICATE || kind == COLLINEAR_ALL)
            row[3] = row[1];
        if (kind == COLLINEAR_CONSTANT || kind == COLLINEAR_ALL)
            row[2] = 2.5;
        if (kind == COLLINEAR_CONSTANT_INEXACT)
            row[2] = 0.1;
        if (kind == COLLINEAR_SUM || kind == COLLINEAR_ALL)
            row[4] = row[0] + row[1];
        if (kind == COLLINEAR_NEAR_SUM)
            row[4] = row[0] + row[1] + 0.01 * tu_normal(&s);
    }
    problem_stats(pr);
}

void problem_make_train_collinear(problem *pr, train_collinearity kind)
{
    if (kind == TRAIN_NONE || kind == FEW_ROWS)
        return;
    int by_fold = kind == TRAIN_CONSTANT || kind == TRAIN_CONSTANT_INEXACT || kind == TRAIN_TWIN;
    if (by_fold)
        problem_plan_folds(pr);
    for (size_t i = 0; i < pr->n; i++) {
        double *row = pr->X + i * pr->p;
        int train0 = by_fold && pr->fold[i] != 0;
        if (kind == TRAIN_CONSTANT && train0)
            row[2] = 1.0;
        if (kind == TRAIN_CONSTANT_INEXACT && train0)
            row[2] = 0.1;
        if (kind == TRAIN_TWIN && train0)
            row[3] = row[1];
        if (kind == ONE_ROW_FEATURE)
            row[2] = i == 3 ? 2.7 : 0.0;
        if (kind == CONSTANT_BUT_ONE_ROW)
            row[2] = i == 5 ? 3.0 : 1.0;
    }
    problem_stats(pr);
}

/* ------------------------------------------------------------------------------------
 * The oracle
 * ------------------------------------------------------------------------------------ */

double oracle_sv_ratio(const problem *pr, const size_t *idx, size_t k, int intercept,
                       const unsigned char *train)
{
    if (k == 0)
        return 1.0;
    size_t n = pr->n, p = pr->p, m = 0;
    for (size_t i = 0; i < n; i++)
        m += !train || train[i];
    if (k + (intercept ? 1 : 0) > m)
        return 0.0;
    double *A = malloc(m * k * sizeof(double)), s[MAX_K];
    ck_assert_ptr_nonnull(A);
    double ratio = 1.0;
    for (size_t t = 0; t < k; t++) {
        double raw = 0, norm = 0, sum = 0, mean = 0;
        for (size_t i = 0; intercept && i < n; i++)
            if (!train || train[i])
                sum += pr->X[i * p + idx[t]];
        if (intercept)
            mean = sum / (double)m;
        for (size_t i = 0, r = 0; i < n; i++) {
            if (train && !train[i])
                continue;
            double x = pr->X[i * p + idx[t]];
            raw += x * x;
            A[t * m + r] = x - mean;
            norm += A[t * m + r] * A[t * m + r];
            r++;
        }
        if (!(norm > 1e-24 * raw))
            ratio = 0.0;
        for (size_t r = 0; r < m; r++)
            A[t * m + r] /= sqrt(norm);
    }
    if (ratio > 0.0) {
        int mm = (int)m, q = (int)k, one = 1, lwork = -1, info;
        double query;
        dgesvd_("N", "N", &mm, &q, A, &mm, s, NULL, &one, NULL, &one, &query, &lwork, &info,
                1, 1);
        lwork = (int)query;
        double *work = malloc((size_t)lwork * sizeof(double));
        ck_assert_ptr_nonnull(work);
        dgesvd_("N", "N", &mm, &q, A, &mm, s, NULL, &one, NULL, &one, work, &lwork, &info, 1,
                1);
        ck_assert_int_eq(info, 0);
        free(work);
        ratio = s[k - 1] / s[0];
    }
    free(A);
    return ratio;
}

double oracle_held_out_sse(const problem *pr, const size_t *idx, size_t k, int intercept,
                           const unsigned char *train)
{
    size_t n = pr->n, p = pr->p, icpt = intercept ? 1 : 0, q = k + icpt, m = 0;
    for (size_t i = 0; i < n; i++)
        m += train[i] != 0;
    ck_assert_uint_ge(m, q);
    ck_assert_uint_ge(m, 1);
    double coef[MAX_K + 1] = { 0 };
    if (q > 0) {
        double *A = malloc(m * q * sizeof(double)), *b = malloc(m * sizeof(double));
        ck_assert(A && b);
        for (size_t i = 0, r = 0; i < n; i++) {
            if (!train[i])
                continue;
            if (icpt)
                A[r] = 1.0;
            for (size_t t = 0; t < k; t++)
                A[(icpt + t) * m + r] = pr->X[i * p + idx[t]];
            b[r++] = pr->y[i];
        }
        int mm = (int)m, nq = (int)q, one = 1, lwork = -1, info;
        double query;
        dgels_("N", &mm, &nq, &one, A, &mm, b, &mm, &query, &lwork, &info, 1);
        lwork = (int)query;
        double *work = malloc((size_t)lwork * sizeof(double));
        ck_assert_ptr_nonnull(work);
        dgels_("N", &mm, &nq, &one, A, &mm, b, &mm, work, &lwork, &info, 1);
        ck_assert_int_eq(info, 0);
        memcpy(coef, b, q * sizeof(double));
        free(work);
        free(A);
        free(b);
    }
    double sse = 0;
    for (size_t i = 0; i < n; i++) {
        if (train[i])
            continue;
        double pred = icpt ? coef[0] : 0.0;
        for (size_t t = 0; t < k; t++)
            pred += coef[icpt + t] * pr->X[i * p + idx[t]];
        sse += (pr->y[i] - pred) * (pr->y[i] - pred);
    }
    return sse;
}

/* Training rows of CV fold f (set < n_folds) or of leaving row `set` out (LOO). */
static void training_rows(const problem *pr, int loo, size_t set, unsigned char *train)
{
    for (size_t i = 0; i < pr->n; i++)
        train[i] = loo ? i != set : pr->fold[i] != (int)set;
}

static size_t training_sets(const problem *pr, int loo)
{
    if (!loo)
        ck_assert_msg(pr->n_folds >= 2, "CV oracle without folds");
    return loo ? pr->n : pr->n_folds;
}

static double held_out_mse(const problem *pr, int loo, const size_t *idx, size_t k,
                           int intercept)
{
    unsigned char *train = malloc(pr->n);
    ck_assert_ptr_nonnull(train);
    double sse = 0;
    for (size_t set = 0; set < training_sets(pr, loo); set++) {
        training_rows(pr, loo, set, train);
        sse += oracle_held_out_sse(pr, idx, k, intercept, train);
    }
    free(train);
    return sse / (double)pr->n;
}

double oracle_cv(const problem *pr, const size_t *idx, size_t k, int intercept)
{
    return held_out_mse(pr, 0, idx, k, intercept);
}

double oracle_loo(const problem *pr, const size_t *idx, size_t k, int intercept)
{
    return held_out_mse(pr, 1, idx, k, intercept);
}

double oracle_training_sv_ratio(const problem *pr, const scoring *sc, const size_t *idx,
                                size_t k)
{
    int loo = sc->criterion == SMI_CRIT_LOO;
    unsigned char *train = malloc(pr->n);
    ck_assert_ptr_nonnull(train);
    double ratio = 1.0;
    for (size_t set = 0; set < training_sets(pr, loo) && ratio > 0.0; set++) {
        training_rows(pr, loo, set, train);
        ratio = fmin(ratio, oracle_sv_ratio(pr, idx, k, sc->intercept, train));
    }
    free(train);
    return ratio;
}

/* The defaults of smi_search_create: alpha 1, beta 1 / var(y) (divisor n), as the evidence. */
static double scoring_alpha(const scoring *sc) { return sc->alpha > 0 ? sc->alpha : 1.0; }
static double scoring_beta(const scoring *sc, double yy, size_t n)
{
    return sc->alpha > 0 ? sc->beta : (double)n / yy;
}

/* OLS on the original data: dgels on [1, X_S] (or X_S), RSS from the residual rows. */
static void oracle_least_squares(const problem *pr, fit *f, int intercept)
{
    size_t n = pr->n, p = pr->p, k = f->k, q = k + (intercept ? 1 : 0);
    double *A = malloc((n * q + 1) * sizeof(double)), *b = malloc(n * sizeof(double));
    ck_assert(A && b);
    memcpy(b, pr->y, n * sizeof(double));
    f->intercept = 0;
    if (q == 0) {
        f->rss = 0;
        for (size_t i = 0; i < n; i++)
            f->rss += b[i] * b[i];
        free(A);
        free(b);
        return;
    }
    size_t col = 0;
    if (intercept)
        for (size_t i = 0; i < n; i++)
            A[col * n + i] = 1.0;
    col += intercept ? 1 : 0;
    for (size_t t = 0; t < k; t++, col++)
        for (size_t i = 0; i < n; i++)
            A[col * n + i] = pr->X[i * p + f->idx[t]];
    int m = (int)n, nq = (int)q, one = 1, lwork = -1, info;
    double query;
    dgels_("N", &m, &nq, &one, A, &m, b, &m, &query, &lwork, &info, 1);
    lwork = (int)query;
    double *work = malloc((size_t)lwork * sizeof(double));
    ck_assert_ptr_nonnull(work);
    dgels_("N", &m, &nq, &one, A, &m, b, &m, work, &lwork, &info, 1);
    ck_assert_int_eq(info, 0);
    f->rss = 0;
    for (size_t i = q; i < n; i++)
        f->rss += b[i] * b[i];
    if (intercept)
        f->intercept = b[0];
    for (size_t t = 0; t < k; t++)
        f->coef[t] = b[(intercept ? 1 : 0) + t];
    free(work);
    free(A);
    free(b);
}

/* DESIGN.md 4.2 on centred data (X columns divided by their population sd when
 * standardising; y only centred): A = alpha I + beta Xs'Xs, b = Xs'yc,
 * F = (n/2) ln 2pi - (n/2) ln beta - (k/2) ln alpha + (1/2) ln|A| + (beta/2)(yc'yc - beta b'A^-1 b),
 * with ln|A| and A^-1 b from a Cholesky factorisation. */
static double oracle_free_energy(const problem *pr, const scoring *sc, const size_t *idx,
                                 size_t k)
{
    size_t n = pr->n, p = pr->p;
    double *Xs = malloc((n * k + 1) * sizeof(double)), *yc = malloc(n * sizeof(double));
    ck_assert(Xs && yc);
    double yy = 0;
    for (size_t i = 0; i < n; i++) {
        yc[i] = pr->y[i] - pr->y_mean;
        yy += yc[i] * yc[i];
    }
    double alpha = scoring_alpha(sc), beta = scoring_beta(sc, yy, n);
    for (size_t t = 0; t < k; t++) {
        double scale = sc->standardize ? pr->sd[idx[t]] : 1.0;
        for (size_t i = 0; i < n; i++)
            Xs[t * n + i] = (pr->X[i * p + idx[t]] - pr->mean[idx[t]]) / scale;
    }
    double A[MAX_K * MAX_K], b[MAX_K], z[MAX_K], logdet = 0, btz = 0;
    for (size_t r = 0; r < k; r++) {
        b[r] = 0;
        for (size_t i = 0; i < n; i++)
            b[r] += Xs[r * n + i] * yc[i];
        for (size_t c = 0; c < k; c++) {
            double g = 0;
            for (size_t i = 0; i < n; i++)
                g += Xs[r * n + i] * Xs[c * n + i];
            A[c * k + r] = beta * g + (r == c ? alpha : 0.0);
        }
    }
    if (k > 0) {
        int kk = (int)k, one = 1, info;
        dpotrf_("L", &kk, A, &kk, &info, 1);
        ck_assert_int_eq(info, 0);
        memcpy(z, b, k * sizeof(double));
        dpotrs_("L", &kk, &one, A, &kk, z, &kk, &info, 1);
        ck_assert_int_eq(info, 0);
        for (size_t r = 0; r < k; r++) {
            logdet += 2.0 * log(A[r * k + r]);
            btz += b[r] * z[r];
        }
    }
    free(Xs);
    free(yc);
    double dn = (double)n;
    return 0.5 * dn * log(2.0 * ORACLE_PI) - 0.5 * dn * log(beta) - 0.5 * (double)k * log(alpha) +
           0.5 * logdet + 0.5 * beta * (yy - beta * btz);
}

static double oracle_criterion(const problem *pr, const scoring *sc, const fit *f)
{
    double n = (double)pr->n, params = (double)f->k + (sc->intercept ? 1.0 : 0.0);
    switch (sc->criterion) {
    case SMI_CRIT_RSS:
        return f->rss;
    case SMI_CRIT_AIC:
        return n * log(f->rss / n) + 2.0 * params;
    case SMI_CRIT_BIC:
        return n * log(f->rss / n) + params * log(n);
    case SMI_CRIT_FE:
        return oracle_free_energy(pr, sc, f->idx, f->k);
    case SMI_CRIT_CV:
        return oracle_cv(pr, f->idx, f->k, sc->intercept);
    case SMI_CRIT_LOO:
        return oracle_loo(pr, f->idx, f->k, sc->intercept);
    }
    ck_abort_msg("unknown criterion %d", sc->criterion);
    return NAN;
}


fit oracle_fit(const problem *pr, const scoring *sc, const size_t *idx, size_t k)
{
    fit f;
    memset(&f, 0, sizeof f);
    ck_assert_uint_le(k, MAX_K);
    f.k = k;
    memcpy(f.idx, idx, k * sizeof(size_t));
    double ratio = oracle_sv_ratio(pr, idx, k, sc->intercept, NULL);
    int held_out = sc->criterion == SMI_CRIT_CV || sc->criterion == SMI_CRIT_LOO;
    if (held_out && ratio >= SV_RATIO_SINGULAR)
        ratio = fmin(ratio, oracle_training_sv_ratio(pr, sc, idx, k));
    f.ratio = ratio;
    f.singular = ratio < SV_RATIO_SINGULAR;
    f.borderline = !f.singular && ratio < SV_RATIO_REGULAR;
    if (f.singular) {
        f.value = NAN;
        return f;
    }
    oracle_least_squares(pr, &f, sc->intercept);
    f.value = oracle_criterion(pr, sc, &f);
    return f;
}
