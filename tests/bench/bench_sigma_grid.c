/* Benchmark: exhaustive search with fe-grid (the evidence integrated over a
 * (sigma_noise, sigma_coef) grid as exhbma does) on exhbma's tutorial grids, 20 x 20 points
 * with equal steps in ln sigma (39 distinct ratios), the intercept term, the null model and
 * the model posterior, n = 100, all 2^p subsets, against the naive method measured in the
 * same run: per model, Z_S'Z_S and Z_S'y from the standardised data, then for every one of
 * the 400 grid points a Cholesky factorisation of lambda I + Z_S'Z_S (dpotrf), ln|.| and R
 * from a solve (dpotrs), the point's log density, and the log-sum-exp over the grid. Its
 * rate is timed on random subsets of the search's mix of sizes and extrapolated; its values
 * are checked against smi_search_score_subset.
 *
 *   bench_sigma_grid                 p = 16, 1 and 2 threads, median of 3
 *   bench_sigma_grid P THREADS RUNS
 *
 * No assertion on time. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "sparsemi.h"

void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t len);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda,
             double *b, const int *ldb, int *info, size_t len);

enum { N = 100, NS = 20, MAX_RUNS = 16, NAIVE_MODELS = 300, MAX_P = 24 };
#define LN_2PI 1.8378770664093454836
/* exhbma's tutorial: sigma_noise = logspace(-2.5, 0.5, 20), sigma_coef = logspace(-2, 1, 20) */
static const double NOISE_LO = 3.1622776601683794e-3, NOISE_HI = 3.1622776601683795;
static const double COEF_LO = 1e-2, COEF_HI = 10.0;

typedef struct naive {
    size_t p;
    double *Z, *y, yy; /* column-major n x p */
    double sn[NS], sc[NS], ln_w[NS][NS];
} naive;

static double point(double lo, double hi, int i)
{
    return lo * pow(hi / lo, (double)i / (NS - 1));
}

static double ln_trapezoid_inverse(double lo, double hi, int i)
{
    double l = point(lo, hi, i > 0 ? i - 1 : i), r = point(lo, hi, i + 1 < NS ? i + 1 : i);
    return log(0.5 * (r - l)) - log(point(lo, hi, i) * log(hi / lo));
}

static naive naive_create(const smi_dataset *ds)
{
    naive c = { .p = smi_dataset_p(ds) };
    c.Z = malloc(N * c.p * sizeof *c.Z);
    c.y = malloc(N * sizeof *c.y);
    if (!c.Z || !c.y)
        exit(1);
    c.yy = bench_standardized(ds, N, c.Z, c.y);
    for (int i = 0; i < NS; i++) {
        c.sn[i] = point(NOISE_LO, NOISE_HI, i);
        c.sc[i] = point(COEF_LO, COEF_HI, i);
    }
    for (int i = 0; i < NS; i++) /* trapezoid weights and inverse priors */
        for (int j = 0; j < NS; j++)
            c.ln_w[i][j] = ln_trapezoid_inverse(NOISE_LO, NOISE_HI, i)
                           + ln_trapezoid_inverse(COEF_LO, COEF_HI, j);
    return c;
}

static double naive_fe_grid(const naive *c, const size_t *s, size_t k)
{
    double Gm[MAX_P * MAX_P], b[MAX_P], A[MAX_P * MAX_P], u[MAX_P], terms[NS * NS];
    double top = -INFINITY;
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
    for (int i = 0; i < NS; i++)
        for (int j = 0; j < NS; j++) {
            double s2 = c->sn[i] * c->sn[i], lam = s2 / (c->sc[j] * c->sc[j]);
            memcpy(A, Gm, k * k * sizeof *A);
            for (size_t a = 0; a < k; a++)
                A[a * k + a] += lam;
            memcpy(u, b, k * sizeof *u);
            int nk = (int)k, one = 1, info = 0;
            if (k > 0) {
                dpotrf_("L", &nk, A, &nk, &info, 1);
                dpotrs_("L", &nk, &one, A, &nk, u, &nk, &info, 1);
            }
            double logdet = 0.0, bab = 0.0;
            for (size_t a = 0; a < k; a++) {
                logdet += 2.0 * log(A[a * k + a]);
                bab += b[a] * u[a];
            }
            double R = c->yy - bab;
            double ll = -0.5 * N * (LN_2PI + log(s2)) + 0.5 * (double)k * log(lam)
                        - 0.5 * logdet - R / (2.0 * s2) + 0.5 * log(s2 / (c->yy + s2));
            terms[i * NS + j] = c->ln_w[i][j] + ll;
            top = fmax(top, terms[i * NS + j]);
        }
    double sum = 0.0;
    for (int t = 0; t < NS * NS; t++)
        sum += exp(terms[t] - top);
    return -(top + log(sum));
}

static smi_search *config(size_t threads)
{
    smi_search *cfg;
    if (smi_search_create(&cfg) != SMI_OK)
        exit(1);
    smi_search_set_criterion(cfg, SMI_CRIT_FE_GRID);
    smi_search_set_sigma_noise_grid(cfg, NOISE_LO, NOISE_HI, NS);
    smi_search_set_sigma_coef_grid(cfg, COEF_LO, COEF_HI, NS);
    smi_search_set_grid_prior(cfg, SMI_GRID_PRIOR_INVERSE, 0.0, 0.0);
    smi_search_set_intercept_term(cfg, 1);
    smi_search_set_size_range(cfg, 0, 0);
    smi_search_set_threads(cfg, threads);
    smi_search_set_top(cfg, 100);
    smi_search_set_bins(cfg, 64);
    return cfg;
}

/* Models per second of the naive loop on random subsets (each feature in with probability
 * 1/2: the search's mix of sizes); values checked against the library's one-subset score. */
static double naive_rate(const smi_dataset *ds, const smi_search *cfg)
{
    naive c = naive_create(ds);
    uint64_t state = 12345;
    size_t s[MAX_P];
    double checked = 0.0, t0 = bench_now(), sink = 0.0;
    for (int m = 0; m < NAIVE_MODELS; m++) {
        size_t k = 0;
        for (size_t j = 0; j < c.p; j++)
            if (bench_uniform(&state) < 0.5)
                s[k++] = j;
        double v = naive_fe_grid(&c, s, k);
        sink += v;
        if (m % 50 == 0) {
            double want;
            if (smi_search_score_subset(ds, cfg, s, k, &want) != SMI_OK) {
                fprintf(stderr, "smi_search_score_subset: %s\n", smi_last_error());
                exit(1);
            }
            checked = fmax(checked, fabs(v - want) / fmax(1.0, fabs(want)));
        }
    }
    double rate = NAIVE_MODELS / (bench_now() - t0);
    printf("naive fe-grid loop (%d x %d points, dpotrf + dpotrs per point): %.4g models/s; "
           "largest difference to the library %.2g (sum %g)\n", NS, NS, rate, checked, sink);
    free(c.Z);
    free(c.y);
    return rate;
}

static void run(const smi_dataset *ds, size_t threads, int runs, double naive)
{
    size_t p = smi_dataset_p(ds);
    smi_search *cfg = config(threads);
    smi_search_result *res = NULL;
    double t[MAX_RUNS], cpu[MAX_RUNS], subsets = ldexp(1.0, (int)p);
    char buf[128];
    for (int r = 0; r < runs; r++) {
        smi_search_result_free(res);
        t[r] = bench_run_search(ds, cfg, &res, &cpu[r]);
    }
    double med = bench_median(t, runs), rate = subsets / med, total = NAN, incl[MAX_P];
    smi_search_result_log_evidence_total(res, &total);
    smi_search_result_posterior_inclusion(res, MAX_P, incl);
    printf("es fe-grid n = %d p = %zu, %.4g subsets (null model included), %zu thread%s: %s; "
           "%.3g subsets/s, %.3g per CPU-second; %.0fx naive; ln evidence %.6g, inclusion of "
           "x1 %.4f, x2 %.4f\n",
           N, p, subsets, threads, threads > 1 ? "s" : "", bench_spread(t, runs, buf, sizeof buf),
           rate, subsets / bench_median(cpu, runs), rate / naive, total, incl[0], incl[1]);
    fflush(stdout);
    smi_search_result_free(res);
    smi_search_free(cfg);
}

int main(int argc, char **argv)
{
    size_t p = argc > 1 ? (size_t)atoi(argv[1]) : 16;
    size_t threads = argc > 2 ? (size_t)atoi(argv[2]) : 0; /* 0: 1 and 2 */
    int runs = argc > 3 ? atoi(argv[3]) : 3;
    if (p < 8 || p > MAX_P || runs < 1 || runs > MAX_RUNS) {
        fprintf(stderr, "usage: bench_sigma_grid [P [THREADS [RUNS]]], 8 <= P <= %d\n", MAX_P);
        return 2;
    }
    smi_dataset *ds = bench_dataset(N, p, 2024, 0.3);
    smi_search *cfg = config(1);
    double naive = naive_rate(ds, cfg);
    smi_search_free(cfg);
    size_t list[2] = { threads ? threads : 1, 2 };
    for (size_t i = 0; i < (threads ? 1u : 2u); i++)
        run(ds, list[i], runs, naive);
    smi_dataset_free(ds);
    return 0;
}
