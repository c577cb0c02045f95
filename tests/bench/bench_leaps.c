/* Benchmark: best subset of every size against R's leaps::regsubsets (Debian r-cran-leaps),
 * nvmax = p, nbest = 1, method = "exhaustive", really.big = TRUE, on the same data
 * (n = 100, p = 20 and 25) written to a temporary CSV file; R is run from here through
 * popen("Rscript -e ..."). leaps finds the best model of each size by branch and bound
 * (it does not visit every subset); libsparsemi scores all 2^p - 1 subsets (criterion RSS,
 * top 1, DOS included) and reports smi_search_result_best_of_size. Prints both times (leaps: the
 * regsubsets call alone, timed inside R, median of 3; libsparsemi: median of 3 on 1 and
 * 2 threads), their ratio, and whether the best model of each size agrees (same features,
 * RSS to 1e-9 relative). Without R or leaps it prints
 * "R leaps not installed: comparison skipped". No assertion on time. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "sparsemi.h"

enum { N = 100, RUNS = 3, MAX_P = 32 };

/* The R side: prints "NOLEAPS", or "TIME median min max reps" (seconds per regsubsets call,
 * each timing repeating the call `reps` times, reps doubled until one timing takes 0.3 s)
 * and "SIZE k rss i1 i2 ..." (1-based feature indices) for k = 1..p. */
static const char r_script[] =
    "if (!requireNamespace(\"leaps\", quietly = TRUE)) { cat(\"NOLEAPS\\n\"); quit(status = 0) };"
    " d <- as.matrix(read.csv(\"%s\")); p <- ncol(d) - 1; X <- d[, 1:p]; y <- d[, p + 1];"
    " f <- function() leaps::regsubsets(X, y, nvmax = p, nbest = 1, method = \"exhaustive\","
    " really.big = TRUE); reps <- 1;"
    " repeat { e <- system.time(for (i in seq_len(reps)) r <- f())[[\"elapsed\"]];"
    " if (e >= 0.3 || reps >= 4096) break; reps <- reps * 2 };"
    " t <- c(e, replicate(2, system.time(for (i in seq_len(reps)) r <- f())[[\"elapsed\"]]))"
    " / reps; s <- summary(r);"
    " cat(\"TIME\", sprintf(\"%%.6g\", c(median(t), min(t), max(t))), reps, \"\\n\");"
    " for (k in 1:p)"
    " cat(\"SIZE\", k, sprintf(\"%%.17g\", s$rss[k]), which(s$which[k, -1]), \"\\n\")";

typedef struct leaps_out {
    int ok;
    double t_med, t_min, t_max, wall;
    int reps;
    double rss[MAX_P + 1];
    size_t features[MAX_P + 1][MAX_P]; /* 0-based */
    size_t size[MAX_P + 1];
} leaps_out;

static void write_csv(const char *path, const smi_dataset *ds)
{
    size_t n = smi_dataset_n(ds), p = smi_dataset_p(ds);
    double *X = malloc(n * p * sizeof *X), *y = malloc(n * sizeof *y);
    FILE *f = fopen(path, "w");
    if (!X || !y || !f || smi_dataset_get_X(ds, X, n * p) != SMI_OK ||
        smi_dataset_get_y(ds, y, n) != SMI_OK)
        exit(1);
    for (size_t j = 0; j < p; j++)
        fprintf(f, "%s,", smi_dataset_feature_name(ds, j));
    fprintf(f, "%s\n", smi_dataset_target_name(ds));
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < p; j++)
            fprintf(f, "%.17g,", X[i * p + j]);
        fprintf(f, "%.17g\n", y[i]);
    }
    fclose(f);
    free(X);
    free(y);
}

static leaps_out run_leaps(const char *csv, size_t p)
{
    static char cmd[8192], script[4096], line[4096];
    leaps_out out;
    memset(&out, 0, sizeof out);
    snprintf(script, sizeof script, r_script, csv);
    snprintf(cmd, sizeof cmd, "command -v Rscript >/dev/null 2>&1 && Rscript -e '%s' 2>&1",
             script);
    double t0 = bench_now();
    FILE *r = popen(cmd, "r");
    if (!r)
        return out;
    int sizes = 0;
    while (fgets(line, sizeof line, r)) {
        char *tok = strtok(line, " \n");
        if (!tok)
            continue;
        if (strcmp(tok, "TIME") == 0) {
            out.t_med = strtod(strtok(NULL, " \n"), NULL);
            out.t_min = strtod(strtok(NULL, " \n"), NULL);
            out.t_max = strtod(strtok(NULL, " \n"), NULL);
            out.reps = atoi(strtok(NULL, " \n"));
        } else if (strcmp(tok, "SIZE") == 0) {
            size_t k = (size_t)atoi(strtok(NULL, " \n"));
            if (k < 1 || k > p)
                continue;
            out.rss[k] = strtod(strtok(NULL, " \n"), NULL);
            while ((tok = strtok(NULL, " \n")) && out.size[k] < MAX_P)
                out.features[k][out.size[k]++] = (size_t)atoi(tok) - 1;
            sizes++;
        } else if (strcmp(tok, "NOLEAPS") != 0) {
            fprintf(stderr, "Rscript: %s\n", tok); /* an R error: shown, not parsed */
        }
    }
    pclose(r);
    out.wall = bench_now() - t0;
    out.ok = out.reps > 0 && sizes == (int)p;
    return out;
}

static double library_time(const smi_dataset *ds, size_t threads, smi_search_result **res)
{
    smi_search *cfg;
    double t[RUNS], cpu[RUNS];
    smi_search_create(&cfg);
    smi_search_set_criterion(cfg, SMI_CRIT_RSS);
    smi_search_set_top(cfg, 1);
    smi_search_set_threads(cfg, threads);
    *res = NULL;
    for (int r = 0; r < RUNS; r++) {
        smi_search_result_free(*res);
        t[r] = bench_run_search(ds, cfg, res, &cpu[r]);
    }
    smi_search_free(cfg);
    char buf[128];
    printf("  libsparsemi all 2^p - 1 subsets, criterion rss, %zu thread%s: %s; %.3g CPU-s\n",
           threads, threads > 1 ? "s" : "", bench_spread(t, RUNS, buf, sizeof buf),
           bench_median(cpu, RUNS));
    return t[RUNS / 2];
}

int main(void)
{
    static const size_t ps[] = { 20, 25 };
    char csv[] = "/tmp/smi-bench-leaps-XXXXXX";
    int fd = mkstemp(csv);
    if (fd < 0)
        return 1;
    close(fd);
    for (size_t c = 0; c < sizeof ps / sizeof *ps; c++) {
        size_t p = ps[c];
        smi_dataset *ds = bench_dataset(N, p, 2718, 1.0);
        smi_search_result *res, *res2;
        printf("best subset of every size, n = %d, p = %zu (%.4g subsets):\n", N, p,
               (double)((1ULL << p) - 1));
        double t1 = library_time(ds, 1, &res);
        double t2 = library_time(ds, 2, &res2);
        smi_search_result_free(res2);
        write_csv(csv, ds);
        leaps_out lp = run_leaps(csv, p);
        if (!lp.ok) {
            printf("  R leaps not installed: comparison skipped\n");
        } else {
            int same = 0;
            double max_rel = 0.0;
            for (size_t k = 1; k <= p; k++) {
                size_t features[MAX_P];
                double rss = NAN;
                int st = smi_search_result_best_of_size(res, k, MAX_P, features, NULL, &rss, NULL, NULL);
                int agree = st == SMI_OK && lp.size[k] == k &&
                            memcmp(features, lp.features[k], k * sizeof *features) == 0;
                double rel = fabs(rss - lp.rss[k]) / fmax(fabs(lp.rss[k]), 1e-300);
                max_rel = fmax(max_rel, rel);
                agree = agree && rel <= 1e-9;
                same += agree;
                if (!agree)
                    printf("  size %zu differs: libsparsemi rss %.17g (status %d), leaps rss "
                           "%.17g\n",
                           k, rss, st, lp.rss[k]);
            }
            printf("  R leaps::regsubsets (branch and bound, best per size only): %.4g s per "
                   "call (median of 3, range %.4g-%.4g, %d call%s per timing; the Rscript "
                   "process took %.2f s in all)\n",
                   lp.t_med, lp.t_min, lp.t_max, lp.reps, lp.reps > 1 ? "s" : "", lp.wall);
            printf("  agreement: best model of %d of %zu sizes identical (features, rss to "
                   "1e-9; largest relative rss difference %.1e): %s\n",
                   same, p, max_rel, same == (int)p ? "AGREE" : "DIFFER");
            printf("  time ratio libsparsemi / leaps: %.3g (1 thread), %.3g (2 threads); %s\n",
                   t1 / lp.t_med, t2 / lp.t_med,
                   t1 > lp.t_med ? "leaps is faster at the best model per size alone"
                                 : "libsparsemi is faster");
        }
        fflush(stdout);
        smi_search_result_free(res);
        smi_dataset_free(ds);
    }
    unlink(csv);
    return 0;
}
