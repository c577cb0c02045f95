/* Benchmark: virtual measurement analysis, synthetic data sets per second.
 * Data: bench_dataset (n = 100, p = 12, y = x1 - 2 x4 + 0.5 x8 + 0.3 uniform noise); the model
 * is that subset with its least-squares coefficients and evidence noise (taken from the
 * data by smi_vma_run). Sizes n' = 20, 40, 80, 160, rows resampled.
 *   - exhaustive search (BIC, all 4095 subsets per data set): smi_vma_run on 1 and 2
 *     threads, against the naive loop a user writes with the public API, on one thread: per
 *     data set, resample rows and draw noise (its own generator: the same work, other
 *     draws), smi_dataset_create, a fresh smi_search configuration, smi_search_run, read the
 *     best model, compare with the truth;
 *   - LASSO with 5-fold CV (lambda_min), 1 and 2 threads.
 * Prints data sets per second (medians of 3 runs), the ratios, and the recovery rates of
 * both loops (which should agree within their binomial errors). No assertion on time. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "sparsemi.h"

enum { N = 100, P = 12, S = 4, RUNS = 3 };
static const size_t sizes[S] = { 20, 40, 80, 160 };
static const size_t truth[3] = { 0, 3, 7 };

static void die(const char *what)
{
    fprintf(stderr, "%s: %s\n", what, smi_last_error());
    exit(1);
}

static smi_vma *vma_config(size_t trials, int lasso)
{
    smi_vma *cfg;
    if (smi_vma_create(&cfg) != SMI_OK || smi_vma_set_model(cfg, truth, 3, NULL, 0.0, -1.0)
        || smi_vma_set_sizes(cfg, sizes, S) || smi_vma_set_trials(cfg, trials)
        || smi_vma_set_seed(cfg, 2024))
        die("vma configuration");
    if (lasso) { /* 5 folds: each data set gets its own shuffled split of that many */
        smi_lasso *five = NULL;
        if (smi_lasso_create(&five) != SMI_OK || smi_lasso_set_folds(five, 5, 1, 0) != SMI_OK
            || smi_vma_set_lasso(cfg, five, 0) != SMI_OK)
            die("vma LASSO configuration");
        smi_lasso_free(five);
    }
    return cfg;
}

/* Data sets per second of smi_vma_run (median of RUNS), and the recovery rates. */
static double vma_rate(const smi_dataset *ds, smi_vma *cfg, size_t trials, size_t threads,
                       double *rates)
{
    double t[RUNS];
    smi_vma_set_threads(cfg, threads);
    for (int r = 0; r < RUNS; r++) {
        smi_vma_result *res;
        double t0 = bench_now();
        if (smi_vma_run(ds, cfg, &res) != SMI_OK)
            die("smi_vma_run");
        t[r] = bench_now() - t0;
        smi_vma_result_recovery_rate(res, S, rates);
        smi_vma_result_free(res);
    }
    return (double)(S * trials) / bench_median(t, RUNS);
}

/* The model as smi_vma_run uses it (least squares and evidence noise on the data). */
typedef struct model {
    double coef[3], intercept, sigma;
} model;

static model model_as_used(const smi_dataset *ds)
{
    smi_vma *cfg = vma_config(1, 0);
    const size_t one = 2;
    smi_vma_set_sizes(cfg, &one, 1);
    smi_vma_result *res;
    model m;
    if (smi_vma_run(ds, cfg, &res) != SMI_OK
        || smi_vma_result_model(res, 3, NULL, m.coef, NULL, &m.intercept, &m.sigma) != SMI_OK)
        die("smi_vma_run");
    smi_vma_result_free(res);
    smi_vma_free(cfg);
    return m;
}

static double normal(uint64_t *s) /* Box-Muller */
{
    double u = 1.0 - bench_uniform(s), v = bench_uniform(s);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* One data set of n rows, its best BIC model through the public API; 1 when it is the truth. */
static int naive_trial(const double *X, const model *m, size_t n, uint64_t *st, double *Xs,
                       double *ys)
{
    for (size_t i = 0; i < n; i++) {
        size_t r = (size_t)bench_uniform_below(st, N);
        memcpy(Xs + i * P, X + r * P, P * sizeof *Xs);
        ys[i] = m->intercept + m->sigma * normal(st);
        for (size_t t = 0; t < 3; t++)
            ys[i] += m->coef[t] * Xs[i * P + truth[t]];
    }
    smi_dataset *d;
    smi_search *cfg;
    smi_search_result *res;
    if (smi_dataset_create(&d, n, P, Xs, ys, NULL, NULL) != SMI_OK
        || smi_search_create(&cfg) != SMI_OK || smi_search_set_top(cfg, 1) != SMI_OK
        || smi_search_run(d, cfg, &res) != SMI_OK)
        die("naive trial");
    size_t f[P], k = 0;
    int hit = smi_search_result_n_top(res) > 0
              && smi_search_result_model(res, 0, P, f, NULL, &k, NULL, NULL, NULL) == SMI_OK && k == 3
              && f[0] == truth[0] && f[1] == truth[1] && f[2] == truth[2];
    smi_search_result_free(res);
    smi_search_free(cfg);
    smi_dataset_free(d);
    return hit;
}

static double naive_rate(const smi_dataset *ds, size_t trials, double *rates)
{
    double *X = malloc((size_t)N * P * sizeof *X), *Xs = malloc(160 * P * sizeof *Xs);
    double *ys = malloc(160 * sizeof *ys), t[RUNS];
    if (!X || !Xs || !ys || smi_dataset_get_X(ds, X, (size_t)N * P) != SMI_OK)
        die("naive loop");
    model m = model_as_used(ds);
    for (int r = 0; r < RUNS; r++) {
        uint64_t st = 99;
        double t0 = bench_now();
        for (size_t s = 0; s < S; s++) {
            size_t hits = 0;
            for (size_t k = 0; k < trials; k++)
                hits += (size_t)naive_trial(X, &m, sizes[s], &st, Xs, ys);
            rates[s] = (double)hits / (double)trials;
        }
        t[r] = bench_now() - t0;
    }
    free(X), free(Xs), free(ys);
    return (double)(S * trials) / bench_median(t, RUNS);
}

static void print_rates(const char *what, const double *rates)
{
    printf("  recovery %s:", what);
    for (size_t s = 0; s < S; s++)
        printf(" n'=%zu %.2f", sizes[s], rates[s]);
    printf("\n");
}

int main(void)
{
    smi_dataset *ds = bench_dataset(N, P, 7, 0.3);
    enum { T_NAIVE = 40, T_SEARCH = 400, T_LASSO = 100 };
    double naive_rates[S], rates1[S], rates2[S];
    double naive = naive_rate(ds, T_NAIVE, naive_rates);
    smi_vma *cfg = vma_config(T_SEARCH, 0);
    double one = vma_rate(ds, cfg, T_SEARCH, 1, rates1);
    double two = vma_rate(ds, cfg, T_SEARCH, 2, rates2);
    printf("vma search (bic, all %d subsets), n' = 20..160: naive loop (%d data sets) 1 thread "
           "%.0f/s; smi_vma_run (%d data sets) 1 thread %.0f/s (%.2fx), 2 threads %.0f/s "
           "(%.2fx)\n", (1 << P) - 1, S * T_NAIVE, naive, S * T_SEARCH, one, one / naive, two,
           two / naive);
    print_rates("naive (T = 40)", naive_rates);
    print_rates("vma (T = 400)", rates1);
    fflush(stdout);
    smi_vma_free(cfg);

    cfg = vma_config(T_LASSO, 1);
    one = vma_rate(ds, cfg, T_LASSO, 1, rates1);
    two = vma_rate(ds, cfg, T_LASSO, 2, rates2);
    printf("vma lasso-cv (5 folds, 100 lambdas, lambda_min), %d data sets: 1 thread %.0f/s, "
           "2 threads %.0f/s (%.2fx)\n", S * T_LASSO, one, two, two / one);
    print_rates("lasso", rates1);
    smi_vma_free(cfg);
    smi_dataset_free(ds);
    return 0;
}
