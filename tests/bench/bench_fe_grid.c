/* Benchmark: exhaustive search with marginalised (fe-marg) and optimised (fe-opt) evidence
 * over a grid of G = 20 ratios, n = 100, the model posterior, DOS and top 100 included,
 * against the naive method measured in the same run: per model, what a numpy user writes,
 * Z_S'Z_S and Z_S'y from the standardised data, then for every ratio a Cholesky
 * factorisation of lambda I + Z_S'Z_S (dpotrf), ln|.| and R from a solve (dpotrs), and the
 * log-sum-exp over the grid. Its rate is timed on random subsets of the search's mix of sizes
 * and extrapolated; its values are checked against smi_search_score_subset.
 * Also: the cost of the posterior itself (fe with and without it), and at p <= 20 that
 * of the exact model averaging, which the p = 20 runs include.
 *
 *   bench_fe_grid                 p = 20, 1 and 2 threads, median of 3
 *   bench_fe_grid P THREADS RUNS  e.g. "24 2 1": the target run (suite 'long')
 *
 * Target (issue 4): fe-marg over all subsets of p = 24 in under 30 s with 2 threads. No
 * assertion on time. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "sparsemi.h"

void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t len);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda,
             double *b, const int *ldb, int *info, size_t len);

enum { N = 100, G = 20, MAX_RUNS = 16, NAIVE_MODELS = 4000 };
static const double LO = 1e-4, HI = 1e4, A0 = 1e-6, B0 = 1e-6;

/* The naive reference: standardised columns and centred y, then per model and ratio. */
typedef struct naive {
    size_t p;
    double *Z, *y, yy; /* column-major n x p */
} naive;

static naive naive_create(const smi_dataset *ds)
{
    naive c = { .p = smi_dataset_p(ds) };
    c.Z = malloc(N * c.p * sizeof *c.Z);
    c.y = malloc(N * sizeof *c.y);
    if (!c.Z || !c.y)
        exit(1);
    c.yy = bench_standardized(ds, N, c.Z, c.y);
    return c;
}

static double naive_fe_marg(const naive *c, const size_t *s, size_t k)
{
    double Gm[32 * 32], b[32], A[32 * 32], u[32], terms[G], top = -INFINITY;
    for (size_t a = 0; a < k; a++) {
        const double *za = c->Z + s[a] * N;
        b[a] = 0.0;
        for (size_t i = 0; i < N; i++)
            b[a] += za[i] * c->y[i];
        for (size_t d = 0; d <= a; d++) {
            const double *zd = c->Z + s[d] * N;
            double g = 0.0;
            for (size_t i = 0; i < N; i++)
                g += za[i] * zd[i];
            Gm[a * k + d] = Gm[d * k + a] = g;
        }
    }
    double an = A0 + 0.5 * N, span = log(HI) - log(LO), h = span / (G - 1);
    for (size_t g = 0; g < G; g++) {
        double lam = exp(log(LO) + (double)g * h);
        memcpy(A, Gm, k * k * sizeof *A);
        for (size_t a = 0; a < k; a++)
            A[a * k + a] += lam;
        memcpy(u, b, k * sizeof *u);
        int nk = (int)k, one = 1, info = 0;
        dpotrf_("L", &nk, A, &nk, &info, 1);
        dpotrs_("L", &nk, &one, A, &nk, u, &nk, &info, 1);
        double logdet = 0.0, bab = 0.0;
        for (size_t a = 0; a < k; a++) {
            logdet += 2.0 * log(A[a * k + a]);
            bab += b[a] * u[a];
        }
        double R = c->yy - bab, w = (g == 0 || g == G - 1 ? 0.5 : 1.0) * h / span;
        double F = 0.5 * N * 1.8378770664093454836 - A0 * log(B0) + lgamma(A0) - lgamma(an)
                   - 0.5 * (double)k * log(lam) + 0.5 * logdet + an * log(B0 + 0.5 * R);
        terms[g] = log(w) - F;
        top = fmax(top, terms[g]);
    }
    double sum = 0.0;
    for (size_t g = 0; g < G; g++)
        sum += exp(terms[g] - top);
    return -(top + log(sum));
}

/* Models per second of the naive loop on random subsets drawn like the search's sizes;
 * each value checked against the library's one-subset score. */
static double naive_rate(const smi_dataset *ds, const smi_search *cfg)
{
    naive c = naive_create(ds);
    uint64_t state = 12345;
    size_t s[32];
    double checked = 0.0, t0 = bench_now(), sink = 0.0;
    for (int m = 0; m < NAIVE_MODELS; m++) {
        size_t k = 0;
        while (k == 0) /* each feature in with probability 1/2: the search's mix of sizes */
            for (size_t j = 0; j < c.p; j++)
                if (bench_uniform(&state) < 0.5)
                    s[k++] = j;
        double v = naive_fe_marg(&c, s, k);
        sink += v;
        if (m % 500 == 0) {
            double want;
            if (smi_search_score_subset(ds, cfg, s, k, &want) != SMI_OK) {
                fprintf(stderr, "smi_search_score_subset: %s\n", smi_last_error());
                exit(1);
            }
            checked = fmax(checked, fabs(v - want) / fmax(1.0, fabs(want)));
        }
    }
    double rate = NAIVE_MODELS / (bench_now() - t0);
    printf("naive fe-marg loop (G = %d, dpotrf + dpotrs per ratio, trapezoid rule): %.4g "
           "models/s; largest difference to the library's spline rule %.2g (sum %g)\n", G,
           rate, checked, sink);
    free(c.Z);
    free(c.y);
    return rate;
}

static smi_search *config(int criterion, size_t threads, int prior)
{
    smi_search *cfg;
    smi_search_create(&cfg);
    smi_search_set_criterion(cfg, criterion);
    smi_search_set_threads(cfg, threads);
    smi_search_set_ratio_grid(cfg, LO, HI, G);
    smi_search_set_model_prior(cfg, prior, 0.5);
    smi_search_set_top(cfg, 100);
    smi_search_set_bins(cfg, 64);
    return cfg;
}

static double run(const smi_dataset *ds, int criterion, size_t threads, int prior, int runs,
                  double naive)
{
    size_t p = smi_dataset_p(ds);
    smi_search *cfg = config(criterion, threads, prior);
    smi_search_result *res = NULL;
    double t[MAX_RUNS], cpu[MAX_RUNS], subsets = (double)((1ULL << p) - 1);
    char buf[128];
    for (int r = 0; r < runs; r++) {
        smi_search_result_free(res);
        t[r] = bench_run_search(ds, cfg, &res, &cpu[r]);
    }
    double med = bench_median(t, runs), rate = subsets / med;
    double total = NAN, incl[64];
    smi_search_result_log_evidence_total(res, &total);
    smi_search_result_posterior_inclusion(res, 64, incl);
    printf("es %s n = %d p = %zu, %.4g subsets, %zu thread%s, posterior %s: %s; %.3g subsets/s, "
           "%.3g per CPU-second",
           smi_criterion_name(criterion), N, p, subsets, threads, threads > 1 ? "s" : "",
           prior == SMI_MODEL_PRIOR_NONE ? "off" : "on", bench_spread(t, runs, buf, sizeof buf),
           rate, subsets / bench_median(cpu, runs));
    if (naive > 0.0)
        printf("; %.0fx naive", rate / naive);
    if (prior != SMI_MODEL_PRIOR_NONE)
        printf("; ln evidence %.6g, inclusion of x1 %.4f, x2 %.4f", total, incl[0], incl[1]);
    printf("\n");
    fflush(stdout);
    smi_search_result_free(res);
    smi_search_free(cfg);
    return med;
}

int main(int argc, char **argv)
{
    size_t p = argc > 1 ? (size_t)atoi(argv[1]) : 20;
    size_t threads = argc > 2 ? (size_t)atoi(argv[2]) : 0; /* 0: 1 and 2 */
    int runs = argc > 3 ? atoi(argv[3]) : 3;
    if (p < 8 || p > 32 || runs < 1 || runs > MAX_RUNS) {
        fprintf(stderr, "usage: bench_fe_grid [P [THREADS [RUNS]]], 8 <= P <= 32\n");
        return 2;
    }
    smi_dataset *ds = bench_dataset(N, p, 2024, 0.3);
    smi_search *cfg = config(SMI_CRIT_FE_MARG, 1, SMI_MODEL_PRIOR_UNIFORM);
    double naive = naive_rate(ds, cfg);
    smi_search_free(cfg);
    size_t list[2] = { threads ? threads : 1, 2 };
    for (size_t i = 0; i < (threads ? 1u : 2u); i++) {
        run(ds, SMI_CRIT_FE_MARG, list[i], SMI_MODEL_PRIOR_UNIFORM, runs, naive);
        run(ds, SMI_CRIT_FE_OPT, list[i], SMI_MODEL_PRIOR_UNIFORM, runs, naive);
    }
    if (!threads) {
        /* What the posterior costs on fe, 1 thread: on p + 1 features its sums alone; on p
         * (at most 20 candidates) also the exact model averaging. */
        smi_dataset *wider = bench_dataset(N, p + 1, 2024, 0.3);
        double off = run(wider, SMI_CRIT_FE, 1, SMI_MODEL_PRIOR_NONE, runs, 0.0);
        double on = run(wider, SMI_CRIT_FE, 1, SMI_MODEL_PRIOR_UNIFORM, runs, 0.0);
        printf("p = %zu: the posterior sums cost %.2fx the time of fe without them\n", p + 1,
               on / off);
        off = run(ds, SMI_CRIT_FE, 1, SMI_MODEL_PRIOR_NONE, runs, 0.0);
        on = run(ds, SMI_CRIT_FE, 1, SMI_MODEL_PRIOR_UNIFORM, runs, 0.0);
        printf("p = %zu: the posterior%s costs %.2fx the time of fe without it\n", p,
               p <= 20 ? " with exact model averaging" : "", on / off);
        smi_dataset_free(wider);
    }
    smi_dataset_free(ds);
    return 0;
}
