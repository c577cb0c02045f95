/* Benchmark: exhaustive search over all 2^p - 1 subsets (n = 100, p = 22) with BIC and FE,
 * on 1 and 2 threads, against the naive method measured in the same run: one LAPACK
 * least-squares fit (dgels, intercept included) per subset, timed on the first 20 000
 * subsets of the same enumeration. Prints subsets per second (median of 3) and ratios.
 * No assertion on time. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "sparsemi.h"

void dgels_(const char *trans, const int *m, const int *n, const int *nrhs, double *a,
            const int *lda, double *b, const int *ldb, double *work, const int *lwork, int *info,
            size_t trans_len);

enum { N = 100, P = 22, RUNS = 3, NAIVE_SUBSETS = 20000 };


/* BIC of every subset with a bit pattern 1..count, by one dgels each. */
static double naive_rate(const double *X, const double *y, unsigned long count)
{
    double A[N * (P + 1)], b[N], work[4096], best = INFINITY;
    int lwork = 4096, one = 1, m = N, info;
    double t0 = bench_now();
    for (unsigned long mask = 1; mask <= count; mask++) {
        int k = 0;
        for (int i = 0; i < N; i++)
            A[i] = 1.0;
        for (int j = 0; j < P; j++)
            if (mask >> j & 1UL) {
                k++;
                for (int i = 0; i < N; i++)
                    A[k * N + i] = X[i * P + j];
            }
        memcpy(b, y, sizeof b);
        int cols = k + 1;
        dgels_("N", &m, &cols, &one, A, &m, b, &m, work, &lwork, &info, 1);
        double rss = 0.0;
        for (int i = cols; i < N; i++)
            rss += b[i] * b[i];
        double bic = N * log(rss / N) + cols * log((double)N);
        best = bic < best ? bic : best;
    }
    double t = bench_now() - t0;
    if (!(best < INFINITY))
        return 0.0;
    return (double)count / t;
}

static double library_rate(const smi_dataset *ds, int criterion, size_t threads)
{
    smi_search *cfg;
    smi_result *res;
    double t[RUNS];
    smi_search_create(&cfg);
    smi_search_set_criterion(cfg, criterion);
    smi_search_set_threads(cfg, threads);
    for (int r = 0; r < RUNS; r++) {
        double t0 = bench_now();
        if (smi_search_run(ds, cfg, &res) != SMI_OK) {
            fprintf(stderr, "%s\n", smi_last_error());
            exit(1);
        }
        t[r] = bench_now() - t0;
        smi_result_free(res);
    }
    smi_search_free(cfg);
    return (double)((1UL << P) - 1) / bench_median(t, RUNS);
}

int main(void)
{
    static double X[N * P], y[N];
    unsigned long s = 42;
    for (int i = 0; i < N * P; i++) {
        s = s * 6364136223846793005UL + 1442695040888963407UL;
        X[i] = (double)(s >> 11) * 0x1.0p-53 - 0.5;
    }
    for (int i = 0; i < N; i++)
        y[i] = X[i * P] - 2.0 * X[i * P + 3] + 0.5 * X[i * P + 7] + 0.1 * sin(i);
    smi_dataset *ds;
    if (smi_dataset_create(&ds, N, P, X, y, NULL, NULL) != SMI_OK)
        return 1;
    double naive = naive_rate(X, y, NAIVE_SUBSETS);
    printf("naive per-subset dgels (BIC, n = %d): %.3g subsets/s\n", N, naive);
    static const int criteria[] = { SMI_CRIT_BIC, SMI_CRIT_FE };
    for (int c = 0; c < 2; c++) {
        for (size_t threads = 1; threads <= 2; threads++) {
            double rate = library_rate(ds, criteria[c], threads);
            printf("es %s p = %d, 2^p - 1 subsets, %zu thread%s: %.3g subsets/s "
                   "(%.3g per thread), %.0fx naive\n",
                   smi_criterion_name(criteria[c]), P, threads, threads > 1 ? "s" : "", rate,
                   rate / (double)threads, rate / naive);
        }
    }
    smi_dataset_free(ds);
    return 0;
}
