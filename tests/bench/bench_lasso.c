/* Benchmark: the coordinate-descent LASSO path (smi_lasso_run) and its 10-fold CV
 * (smi_lasso_run with smi_lasso_set_cv), n = 200 samples, p = 1000 features, 100 lambdas down to 1e-2 lambda_max,
 * tolerance 1e-7: the setting of glmnet's defaults.
 * In the same run, on the same data:
 *  - a naive coordinate descent written from the textbook update (every feature updated at
 *    every pass, warm starts, no screening, no active set), same stopping rule;
 *  - R's glmnet and cv.glmnet (when Rscript and glmnet are installed), timed inside R with
 *    the data already loaded: once with its defaults, which stop the path early when the
 *    explained deviance saturates, and once with that stop turned off
 *    (glmnet.control(fdev = 0, devmax = 1)), which computes the same 100 lambdas as here;
 *  - scikit-learn's lasso_path on the same standardised data and lambdas (when
 *    /usr/bin/python3 has sklearn), with its default tolerance.
 * Prints medians (and ranges) of the timings and the ratios. No assertion on time.
 * Usage: bench_lasso [n p] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "sparsemi.h"

enum { RUNS = 7, NAIVE_RUNS = 3 };

/* X uniform in [-0.5, 0.5), y = 10 features with coefficients 1..-1 plus noise 0.5 (uniform). */
static smi_dataset *make_data(size_t n, size_t p, double **Xout, double **yout)
{
    double *X = malloc(n * p * sizeof *X), *y = malloc(n * sizeof *y);
    if (!X || !y)
        exit(1);
    uint64_t s = 4242;
    for (size_t i = 0; i < n * p; i++)
        X[i] = bench_uniform(&s) - 0.5;
    for (size_t i = 0; i < n; i++) {
        y[i] = 0.5 * (bench_uniform(&s) - 0.5);
        for (size_t k = 0; k < 10; k++)
            y[i] += (1.0 - 0.2 * (double)k) * X[i * p + (37 * k) % p];
    }
    smi_dataset *ds = NULL;
    if (smi_dataset_create(&ds, n, p, X, y, NULL, NULL) != SMI_OK) {
        fprintf(stderr, "smi_dataset_create: %s\n", smi_last_error());
        exit(1);
    }
    *Xout = X;
    *yout = y;
    return ds;
}

static void write_csv(const char *path, const double *X, const double *y, size_t n, size_t p)
{
    FILE *f = fopen(path, "w");
    if (!f)
        exit(1);
    for (size_t j = 0; j < p; j++)
        fprintf(f, "x%zu,", j + 1);
    fprintf(f, "y\n");
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < p; j++)
            fprintf(f, "%.17g,", X[i * p + j]);
        fprintf(f, "%.17g\n", y[i]);
    }
    fclose(f);
}

/* ---- the naive reference ---- */

/* Every feature at every pass until no squared change exceeds thr; Z column-major
 * standardised, r the residual. Returns the passes made. */
static size_t naive_solve(const double *Z, size_t n, size_t p, double *w, double *r,
                          double lambda, double thr)
{
    size_t passes = 0;
    for (double largest = INFINITY; largest >= thr && passes < 100000; passes++) {
        largest = 0.0;
        for (size_t j = 0; j < p; j++) {
            const double *z = Z + j * n;
            double g = 0.0;
            for (size_t i = 0; i < n; i++)
                g += z[i] * r[i];
            g = g / (double)n + w[j];
            double u = g > lambda ? g - lambda : g < -lambda ? g + lambda : 0.0;
            double d = u - w[j];
            if (d != 0.0) {
                for (size_t i = 0; i < n; i++)
                    r[i] -= d * z[i];
                w[j] = u;
                largest = fmax(largest, d * d);
            }
        }
    }
    return passes;
}

static double naive_path(const double *X, const double *y, size_t n, size_t p,
                         const double *lambdas, size_t L)
{
    double t0 = bench_now();
    double *Z = malloc(n * p * sizeof *Z), *r = malloc(n * sizeof *r);
    double *w = calloc(p, sizeof *w), ym = 0.0, yv = 0.0;
    if (!Z || !r || !w)
        exit(1);
    for (size_t j = 0; j < p; j++) {
        double m = 0.0, v = 0.0;
        for (size_t i = 0; i < n; i++)
            m += X[i * p + j];
        m /= (double)n;
        for (size_t i = 0; i < n; i++)
            v += (X[i * p + j] - m) * (X[i * p + j] - m);
        for (size_t i = 0; i < n; i++)
            Z[j * n + i] = (X[i * p + j] - m) / sqrt(v / (double)n);
    }
    for (size_t i = 0; i < n; i++)
        ym += y[i] / (double)n;
    for (size_t i = 0; i < n; i++) {
        r[i] = y[i] - ym;
        yv += r[i] * r[i] / (double)n;
    }
    for (size_t l = 0; l < L; l++)
        naive_solve(Z, n, p, w, r, lambdas[l], 1e-7 * yv);
    free(Z), free(r), free(w);
    return bench_now() - t0;
}

/* ---- outside tools ---- */

static const char r_script[] =
    "suppressMessages(library(glmnet)); d <- as.matrix(read.csv(\"%s\")); "
    "X <- d[, -ncol(d)]; y <- d[, ncol(d)]; "
    "tm <- function(f, reps) { t <- numeric(reps); for (i in 1:reps) t[i] <- "
    "system.time(r <- f())[[\"elapsed\"]]; list(t = median(t), lo = min(t), hi = max(t), r = r) }; "
    "a <- tm(function() glmnet(X, y), 7); cat(\"PATH\", a$t, a$lo, a$hi, length(a$r$lambda), \"\\n\"); "
    "cv <- tm(function() cv.glmnet(X, y, nfolds = 10), 3); "
    "cat(\"CV\", cv$t, cv$lo, cv$hi, length(cv$r$lambda), \"\\n\"); "
    "glmnet.control(fdev = 0, devmax = 1); "
    "b <- tm(function() glmnet(X, y), 7); cat(\"FULL\", b$t, b$lo, b$hi, length(b$r$lambda), \"\\n\"); "
    "cvf <- tm(function() cv.glmnet(X, y, nfolds = 10), 3); "
    "cat(\"CVFULL\", cvf$t, cvf$lo, cvf$hi, length(cvf$r$lambda), \"\\n\")";

static const char py_script[] =
    "import time, numpy as np\n"
    "from sklearn.linear_model import lasso_path\n"
    "d = np.loadtxt('%s', delimiter=',', skiprows=1); X = d[:, :-1]; y = d[:, -1]\n"
    "Z = (X - X.mean(0)) / X.std(0); yc = y - y.mean()\n"
    "lam = np.loadtxt('%s')\n"
    "t = []\n"
    "for r in range(5):\n"
    "    t0 = time.perf_counter(); lasso_path(Z, yc, alphas=lam); t.append(time.perf_counter() - t0)\n"
    "print('SKLEARN', np.median(t), min(t), max(t))\n";

typedef struct outside {
    double t, lo, hi;
    int count, ok;
} outside;

static void read_timings(FILE *f, const char *const *keys, outside *out, size_t n_keys)
{
    char line[1024], key[32];
    while (fgets(line, sizeof line, f)) {
        outside o = { 0 };
        if (sscanf(line, "%31s %lf %lf %lf %d", key, &o.t, &o.lo, &o.hi, &o.count) < 4)
            continue;
        o.ok = 1;
        for (size_t k = 0; k < n_keys; k++)
            if (strcmp(key, keys[k]) == 0)
                out[k] = o;
    }
}

static void run_glmnet(const char *csv, outside out[4])
{
    static char script[4096], cmd[8192];
    static const char *const keys[] = { "PATH", "CV", "FULL", "CVFULL" };
    snprintf(script, sizeof script, r_script, csv);
    snprintf(cmd, sizeof cmd, "command -v Rscript >/dev/null 2>&1 && "
             "OPENBLAS_NUM_THREADS=1 Rscript -e '%s' 2>/dev/null", script);
    FILE *f = popen(cmd, "r");
    if (f) {
        read_timings(f, keys, out, 4);
        pclose(f);
    }
}

static void run_sklearn(const char *csv, const double *lambdas, size_t L, outside *out)
{
    char lam_path[] = "/tmp/smi-bench-lasso-lam-XXXXXX", py_path[] = "/tmp/smi-bench-lasso-py-XXXXXX";
    int fd1 = mkstemp(lam_path), fd2 = mkstemp(py_path);
    if (fd1 < 0 || fd2 < 0)
        return;
    FILE *f = fdopen(fd1, "w");
    for (size_t l = 0; l < L; l++)
        fprintf(f, "%.17g\n", lambdas[l]);
    fclose(f);
    f = fdopen(fd2, "w");
    fprintf(f, py_script, csv, lam_path);
    fclose(f);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "OPENBLAS_NUM_THREADS=1 /usr/bin/python3 %s 2>/dev/null", py_path);
    static const char *const keys[] = { "SKLEARN" };
    FILE *r = popen(cmd, "r");
    if (r) {
        read_timings(r, keys, out, 1);
        pclose(r);
    }
    unlink(lam_path);
    unlink(py_path);
}

/* ---- the library ---- */

/* smi_lasso_run under cfg (NULL: the defaults, no CV). */
static double time_library(const smi_dataset *ds, const smi_lasso *cfg, double *lo, double *hi,
                           int runs)
{
    double t[RUNS];
    for (int r = 0; r < runs; r++) {
        smi_lasso_result *fit = NULL;
        double t0 = bench_now();
        int rc = smi_lasso_run(ds, cfg, &fit);
        t[r] = bench_now() - t0;
        if (rc != SMI_OK) {
            fprintf(stderr, "smi_lasso_run: %s\n", smi_last_error());
            exit(1);
        }
        smi_lasso_result_free(fit);
    }
    double med = bench_median(t, runs);
    *lo = t[0];
    *hi = t[runs - 1];
    return med;
}

static void print_ratio(const char *what, const outside *o, double ours)
{
    if (!o->ok) {
        printf("  %-44s not measured (not installed)\n", what);
        return;
    }
    printf("  %-44s %8.2f ms (%.2f-%.2f)", what, 1e3 * o->t, 1e3 * o->lo, 1e3 * o->hi);
    if (o->count)
        printf(", %3d lambdas", o->count);
    printf("; libsparsemi / it = %.2f\n", ours / o->t);
}

int main(int argc, char **argv)
{
    size_t n = argc > 2 ? strtoul(argv[1], NULL, 10) : 200;
    size_t p = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000;
    double *X, *y;
    smi_dataset *ds = make_data(n, p, &X, &y);
    char csv[] = "/tmp/smi-bench-lasso-XXXXXX";
    int fd = mkstemp(csv);
    if (fd < 0)
        return 1;
    close(fd);
    write_csv(csv, X, y, n, p);

    smi_lasso_result *fit = NULL;
    if (smi_lasso_run(ds, NULL, &fit) != SMI_OK)
        return 1;
    size_t L = smi_lasso_result_n_lambdas(fit);
    double *lambdas = malloc(L * sizeof *lambdas), *coef = malloc(L * p * sizeof *coef);
    smi_lasso_result_lambdas(fit, L, lambdas);
    smi_lasso_result_coefficients(fit, L * p, coef, NULL);
    size_t nnz = 0;
    for (size_t j = 0; j < p; j++)
        nnz += coef[(L - 1) * p + j] != 0.0;
    smi_lasso_result_free(fit);

    double lo, hi, cv_lo, cv_hi;
    double ours = time_library(ds, NULL, &lo, &hi, RUNS);
    int *fold_ids = malloc(n * sizeof *fold_ids);
    smi_lasso *cv = NULL;
    if (!fold_ids || smi_lasso_create(&cv) != SMI_OK)
        return 1;
    for (size_t i = 0; i < n; i++)
        fold_ids[i] = (int)(i % 10);
    if (smi_lasso_set_cv(cv, 1) != SMI_OK || smi_lasso_set_fold_ids(cv, fold_ids, n) != SMI_OK) {
        fprintf(stderr, "CV folds: %s\n", smi_last_error());
        return 1;
    }
    double ours_cv = time_library(ds, cv, &cv_lo, &cv_hi, 3);
    smi_lasso_free(cv);
    free(fold_ids);
    double naive[NAIVE_RUNS];
    for (int r = 0; r < NAIVE_RUNS; r++)
        naive[r] = naive_path(X, y, n, p, lambdas, L);
    double naive_med = bench_median(naive, NAIVE_RUNS);

    outside glm[4] = { { 0 } }, sk = { 0 };
    run_glmnet(csv, glm);
    run_sklearn(csv, lambdas, L, &sk);
    unlink(csv);

    printf("LASSO path, n = %zu, p = %zu, %zu lambdas to %.0e lambda_max, tolerance 1e-7 "
           "(%zu nonzero at the last), one thread, median of %d:\n", n, p, L,
           lambdas[L - 1] / lambdas[0], nnz, RUNS);
    printf("  %-44s %8.2f ms (%.2f-%.2f)\n", "libsparsemi smi_lasso_run", 1e3 * ours, 1e3 * lo,
           1e3 * hi);
    printf("  %-44s %8.2f ms (median of %d); libsparsemi is %.1fx faster\n",
           "naive coordinate descent (no screening)", 1e3 * naive_med, NAIVE_RUNS,
           naive_med / ours);
    print_ratio("glmnet, 100 lambdas asked, early stop", &glm[0], ours);
    print_ratio("glmnet, the same 100 lambdas (no early stop)", &glm[2], ours);
    print_ratio("scikit-learn lasso_path, same lambdas", &sk, ours);
    printf("10-fold CV over the path, one thread:\n");
    printf("  %-44s %8.2f ms (%.2f-%.2f)\n", "libsparsemi smi_lasso_run, CV", 1e3 * ours_cv,
           1e3 * cv_lo, 1e3 * cv_hi);
    print_ratio("cv.glmnet, early stop", &glm[1], ours_cv);
    print_ratio("cv.glmnet, no early stop", &glm[3], ours_cv);
    free(lambdas), free(coef), free(X), free(y);
    smi_dataset_free(ds);
    return 0;
}
