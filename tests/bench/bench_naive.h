/* The naive reference of the search benchmarks: what a person writes first, one LAPACK
 * least-squares problem per subset (and per fold for CV), intercept included.
 *  - RSS, AIC, BIC: one dgels of [1, X_S] per subset (the cost common to the cheap criteria;
 *    FE is timed against the same loop);
 *  - CV: one dgels per subset and fold on the training rows, predicting the held-out rows;
 *  - LOO: one QR per subset (dgeqrf, dorgqr), residuals and leverages from Q (closed form).
 * The rate is measured on random subsets drawn like the search's own mix of sizes, so that
 * it can be extrapolated to the whole search; the values are checked against
 * smi_search_score_subset so that both compute the same thing. */
#ifndef SMI_BENCH_NAIVE_H
#define SMI_BENCH_NAIVE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/testutil.h"
#include "bench.h"
#include "sparsemi.h"

void dgels_(const char *trans, const int *m, const int *n, const int *nrhs, double *a,
            const int *lda, double *b, const int *ldb, double *work, const int *lwork, int *info,
            size_t trans_len);
void dgeqrf_(const int *m, const int *n, double *a, const int *lda, double *tau, double *work,
             const int *lwork, int *info);
void dorgqr_(const int *m, const int *n, const int *k, double *a, const int *lda,
             const double *tau, double *work, const int *lwork, int *info);

typedef struct naive_ctx {
    size_t n, p;
    const double *X, *y; /* row-major n x p, n */
    const int *folds;    /* n fold ids in 0..K-1 for CV, else NULL */
    int n_folds;
    double *A, *b, *tau, *work; /* scratch */
    int lwork;
} naive_ctx;

/* The folds of a CV benchmark, as it sets them on its search configuration
 * (naive_set_folds: smi_search_set_folds(cfg, k, shuffle, seed)). The naive reference
 * computes the assignment itself by the documented rule (tests/unit/testutil.h), so the
 * comparison with smi_search_score_subset also checks the folds. */
typedef struct naive_folds {
    size_t k; /* 0: none */
    int shuffle;
    uint64_t seed;
} naive_folds;

/* Set the folds f on cfg, or exit(1) with the library's message. */
static inline void naive_set_folds(smi_search *cfg, const naive_folds *f)
{
    if (smi_search_set_folds(cfg, f->k, f->shuffle, f->seed) != SMI_OK) {
        fprintf(stderr, "smi_search_set_folds: %s\n", smi_last_error());
        exit(1);
    }
}

/* A reference context for data set ds with folds (NULL or k 0: none); exit(1) on failure. */
static inline naive_ctx naive_create(const smi_dataset *ds, const naive_folds *folds)
{
    naive_ctx c;
    memset(&c, 0, sizeof c);
    c.n = smi_dataset_n(ds);
    c.p = smi_dataset_p(ds);
    double *X = malloc(c.n * c.p * sizeof *X), *y = malloc(c.n * sizeof *y);
    c.A = malloc(c.n * (c.p + 1) * sizeof *c.A);
    c.b = malloc(c.n * sizeof *c.b);
    c.tau = malloc((c.p + 1) * sizeof *c.tau);
    c.lwork = 64 * (int)(c.p + 1) + 4096;
    c.work = malloc((size_t)c.lwork * sizeof *c.work);
    if (!X || !y || !c.A || !c.b || !c.tau || !c.work ||
        smi_dataset_get_X(ds, X, c.n * c.p) != SMI_OK || smi_dataset_get_y(ds, y, c.n) != SMI_OK)
        exit(1);
    c.X = X;
    c.y = y;
    if (folds && folds->k > 0) {
        int *fold = malloc(c.n * sizeof *fold);
        if (!fold || folds->k > c.n || tu_kfold(c.n, folds->k, folds->shuffle, folds->seed, fold))
            exit(1);
        c.folds = fold;
        c.n_folds = (int)folds->k;
    }
    return c;
}

static inline void naive_free(naive_ctx *c)
{
    free((void *)c->X);
    free((void *)c->y);
    free((void *)c->folds);
    free(c->A);
    free(c->b);
    free(c->tau);
    free(c->work);
}

/* Fill A (column-major, `rows` x (k + 1)) with [1, X_S] over the rows with fold id != skip,
 * and b with their targets. Returns the number of rows. */
static inline int naive_fill(naive_ctx *c, const size_t *subset, size_t k, int skip)
{
    int rows = 0;
    for (size_t i = 0; i < c->n; i++)
        rows += !(c->folds && c->folds[i] == skip);
    int r = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (c->folds && c->folds[i] == skip)
            continue;
        c->A[r] = 1.0;
        for (size_t j = 0; j < k; j++)
            c->A[(j + 1) * (size_t)rows + (size_t)r] = c->X[i * c->p + subset[j]];
        c->b[r] = c->y[i];
        r++;
    }
    return rows;
}

/* The residual sum of squares of the OLS fit of y on [1, X_S] over the rows outside fold
 * `skip` (-1: every row); the coefficients stay in c->b[0..k]. */
static inline double naive_rss(naive_ctx *c, const size_t *subset, size_t k, int skip)
{
    int m = naive_fill(c, subset, k, skip), cols = (int)k + 1, one = 1, info;
    dgels_("N", &m, &cols, &one, c->A, &m, c->b, &m, c->work, &c->lwork, &info, 1);
    if (info != 0)
        return NAN;
    double rss = 0.0;
    for (int i = cols; i < m; i++)
        rss += c->b[i] * c->b[i];
    return rss;
}

static inline double naive_cv(naive_ctx *c, const size_t *subset, size_t k)
{
    double sse = 0.0;
    for (int f = 0; f < c->n_folds; f++) {
        naive_rss(c, subset, k, f);
        for (size_t i = 0; i < c->n; i++) {
            if (c->folds[i] != f)
                continue;
            double pred = c->b[0];
            for (size_t j = 0; j < k; j++)
                pred += c->b[j + 1] * c->X[i * c->p + subset[j]];
            sse += (c->y[i] - pred) * (c->y[i] - pred);
        }
    }
    return sse / (double)c->n;
}

static inline double naive_loo(naive_ctx *c, const size_t *subset, size_t k)
{
    const int *saved = c->folds;
    c->folds = NULL;
    int m = naive_fill(c, subset, k, -1), cols = (int)k + 1, info;
    c->folds = saved;
    dgeqrf_(&m, &cols, c->A, &m, c->tau, c->work, &c->lwork, &info);
    dorgqr_(&m, &cols, &cols, c->A, &m, c->tau, c->work, &c->lwork, &info);
    if (info != 0)
        return NAN;
    double qty[512] = { 0 }; /* k + 1 <= 512 in every benchmark */
    for (int j = 0; j < cols; j++)
        for (int i = 0; i < m; i++)
            qty[j] += c->A[(size_t)j * (size_t)m + (size_t)i] * c->y[i];
    double sum = 0.0;
    for (int i = 0; i < m; i++) {
        double fit = 0.0, h = 0.0;
        for (int j = 0; j < cols; j++) {
            double q = c->A[(size_t)j * (size_t)m + (size_t)i];
            fit += q * qty[j];
            h += q * q;
        }
        double r = (c->y[i] - fit) / (1.0 - h);
        sum += r * r;
    }
    return sum / (double)m;
}

/* The criterion of one subset, computed naively. FE is timed as RSS (no reference value). */
static inline double naive_score(naive_ctx *c, int criterion, const size_t *subset, size_t k)
{
    double n = (double)c->n;
    switch (criterion) {
    case SMI_CRIT_CV:
        return naive_cv(c, subset, k);
    case SMI_CRIT_LOO:
        return naive_loo(c, subset, k);
    case SMI_CRIT_AIC:
        return n * log(naive_rss(c, subset, k, -1) / n) + 2.0 * (double)(k + 1);
    case SMI_CRIT_BIC:
        return n * log(naive_rss(c, subset, k, -1) / n) + (double)(k + 1) * log(n);
    default:
        return naive_rss(c, subset, k, -1);
    }
}

/* A random subset of 1..kmax of the p features (kmax <= p), with probability proportional
 * to the number of subsets of each size: the search's own mix. Indices ascending. */
static inline size_t naive_random_subset(uint64_t *state, size_t p, size_t kmax, size_t *subset)
{
    size_t k = 0;
    if (kmax >= p && p <= 62) { /* a uniform nonzero bit mask */
        uint64_t mask;
        do
            mask = bench_next(state) >> (64 - p);
        while (mask == 0);
        for (size_t j = 0; j < p; j++)
            if (mask >> j & 1)
                subset[k++] = j;
        return k;
    }
    double u = bench_uniform(state) * bench_n_subsets(p, kmax);
    for (k = 1; k < kmax; k++) {
        u -= bench_choose(p, k);
        if (u < 0.0)
            break;
    }
    for (size_t i = 0; i < k; i++) { /* k distinct features, then sorted */
        size_t j;
        int again;
        do {
            j = (size_t)bench_uniform_below(state, p);
            again = 0;
            for (size_t l = 0; l < i; l++)
                again |= subset[l] == j;
        } while (again);
        size_t l = i;
        while (l > 0 && subset[l - 1] > j) {
            subset[l] = subset[l - 1];
            l--;
        }
        subset[l] = j;
    }
    return k;
}

/* Naive subsets per second: random subsets (sizes 1..kmax) scored one by one for at least
 * `seconds`; median of `runs` such timings. Before timing, the naive values of 50 subsets
 * are compared with smi_search_score_subset under cfg; *max_rel gets the largest relative
 * difference (NAN when not compared: FE). folds: those set on cfg for CV (NULL: none). */
static inline double naive_rate(const smi_dataset *ds, const smi_search *cfg,
                                const naive_folds *folds, int criterion, size_t kmax,
                                double seconds, int runs, double *max_rel)
{
    naive_ctx c = naive_create(ds, folds);
    size_t *subset = malloc((c.p + 1) * sizeof *subset);
    uint64_t state = 2024;
    double rates[16], sink = 0.0;
    if (!subset || runs > 16)
        exit(1);
    *max_rel = criterion == SMI_CRIT_FE ? NAN : 0.0;
    for (int i = 0; i < 50 && criterion != SMI_CRIT_FE; i++) {
        size_t k = naive_random_subset(&state, c.p, kmax, subset);
        double ref, value = naive_score(&c, criterion, subset, k);
        if (smi_search_score_subset(ds, cfg, subset, k, &ref) != SMI_OK)
            continue; /* singular: not compared */
        double rel = fabs(value - ref) / fmax(fabs(ref), 1e-300);
        *max_rel = rel > *max_rel || isnan(rel) ? rel : *max_rel;
    }
    for (int r = 0; r < runs; r++) {
        unsigned long count = 0;
        double t0 = bench_now(), t;
        do {
            for (int i = 0; i < 16; i++, count++) {
                size_t k = naive_random_subset(&state, c.p, kmax, subset);
                sink += naive_score(&c, criterion, subset, k);
            }
            t = bench_now() - t0;
        } while (t < seconds);
        rates[r] = (double)count / t;
    }
    free(subset);
    naive_free(&c);
    if (isnan(sink))
        fprintf(stderr, "(a naive fit failed)\n");
    return bench_median(rates, runs);
}

#endif /* SMI_BENCH_NAIVE_H */
