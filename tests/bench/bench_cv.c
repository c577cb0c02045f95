/* Benchmark: exhaustive search with cross-validation criteria, n = 100, p = 18, 19, 20
 * (all 2^p - 1 subsets): 10-fold CV (folds from smi_search_set_folds(cfg, 10, 1, seed)) and
 * LOO (closed form), on 1 and 2 threads, median of 3 runs; against the naive method
 * measured in the same run on random subsets of the same mix of sizes: for CV one LAPACK
 * dgels per subset and fold (10 per subset), for LOO one QR per subset with the leverages.
 * Prints subsets per second, per thread, and the ratio to the naive loop.
 * The target (issue 3): 10-fold CV, n = 100, at least 2 million subsets per second per core.
 * No assertion on time. */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "bench_naive.h"
#include "sparsemi.h"

enum { N = 100, FOLDS = 10, RUNS = 3 };

int main(void)
{
    static const int criteria[] = { SMI_CRIT_CV, SMI_CRIT_LOO };
    for (int c = 0; c < 2; c++) {
        int criterion = criteria[c];
        for (size_t p = 18; p <= 20; p++) {
            smi_dataset *ds = bench_dataset(N, p, 7, 0.2);
            const naive_folds folds = { FOLDS, 1, 12345 };
            smi_search *cfg;
            smi_search_create(&cfg);
            smi_search_set_criterion(cfg, criterion);
            naive_set_folds(cfg, &folds);
            double max_rel, naive = naive_rate(ds, cfg, &folds, criterion, p, 0.3, 3, &max_rel);
            double subsets = (double)((1ULL << p) - 1);
            printf("naive %s (n = %d, p = %zu, %s): %.3g subsets/s (median of 3); whole search "
                   "would take %.3g s; agrees with smi_search_score_subset to %.1e relative\n",
                   smi_criterion_name(criterion), N, p,
                   criterion == SMI_CRIT_CV ? "dgels per subset and fold, 10 folds"
                                            : "QR per subset, leverages",
                   naive, subsets / naive, max_rel);
            for (size_t threads = 1; threads <= 2; threads++) {
                double t[RUNS], cpu[RUNS];
                char buf[128];
                smi_search_result *res = NULL;
                smi_search_set_threads(cfg, threads);
                for (int r = 0; r < RUNS; r++) {
                    smi_search_result_free(res);
                    t[r] = bench_run_search(ds, cfg, &res, &cpu[r]);
                }
                double rate = subsets / bench_median(t, RUNS);
                printf("es %s%s n = %d p = %zu, %.4g subsets (%llu singular), %zu thread%s: %s; "
                       "%.3g subsets/s, %.3g per thread, %.3g per CPU-second; %.0fx naive\n",
                       smi_criterion_name(criterion), criterion == SMI_CRIT_CV ? " 10-fold" : "",
                       N, p, subsets, (unsigned long long)smi_search_result_n_singular(res), threads,
                       threads > 1 ? "s" : "", bench_spread(t, RUNS, buf, sizeof buf), rate,
                       rate / (double)threads, subsets / bench_median(cpu, RUNS), rate / naive);
                fflush(stdout);
                smi_search_result_free(res);
            }
            smi_search_free(cfg);
            smi_dataset_free(ds);
        }
    }
    return 0;
}
