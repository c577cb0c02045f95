/* smi_wham_solve (lib/remc/wham.c) against densities of states known independently: the
 * binomial degeneracies C(N, b) with E_b = eps b (Z(beta) = (1 + exp(-beta eps))^N in closed
 * form), and the energies of all 2^10 subsets of a synthetic problem counted into bins here.
 * Expected counts must give back ln g and f = -ln Z exactly; counts drawn by sampling must
 * give them within their standard errors; bad input, unvisited bins and too few iterations
 * must be reported. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "remc/remc.h"

enum { MAX_R = 32 };

/* A true density of states over B bins, a beta ladder, and the counts of each replica. */
typedef struct problem {
    size_t R, B;
    double beta[MAX_R], n[MAX_R];
    double lnZ[MAX_R]; /* ln sum_b g_b exp(-beta_r E_b) of the true g */
    double *E, *lg;    /* B: energy and true ln g (-INFINITY for an empty bin) */
    double *counts;    /* R x B */
    double log_total;
} problem;

static double logsumexp(const double *x, size_t n, size_t stride)
{
    double m = -INFINITY, s = 0.0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, x[i * stride]);
    for (size_t i = 0; i < n; i++)
        s += exp(x[i * stride] - m);
    return m + log(s);
}

static void problem_alloc(problem *pb, size_t B)
{
    memset(pb, 0, sizeof *pb);
    pb->B = B;
    pb->E = malloc(B * sizeof(double));
    pb->lg = malloc(B * sizeof(double));
    pb->counts = calloc(MAX_R * B, sizeof(double));
    ck_assert(pb->E && pb->lg && pb->counts);
}

static void problem_free(problem *pb)
{
    free(pb->E);
    free(pb->lg);
    free(pb->counts);
}

/* g_b = C(N, b), E_b = eps b. For N <= 50 the binomials are exact integers in a double. */
static void binomial_dos(problem *pb, size_t N, double eps)
{
    problem_alloc(pb, N + 1);
    double c = 1.0;
    for (size_t b = 0; b <= N; b++) {
        pb->lg[b] = N <= 50 ? log(c) : lgamma(N + 1.0) - lgamma(b + 1.0) - lgamma(N - b + 1.0);
        pb->E[b] = eps * (double)b;
        c = c * (double)(N - b) / (double)(b + 1);
    }
    pb->log_total = (double)N * log(2.0);
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double uniform(uint64_t *state)
{
    return (double)(splitmix64(state) >> 11) * 0x1.0p-53;
}

/* All 2^P subsets of P items with E(S) = scale (sum_{i in S} h_i + sum_{i<j in S} J_ij),
 * counted into B equal-width bins; E_b is the mean energy of the subsets in bin b. */
static void subsets_dos(problem *pb, size_t B, double scale)
{
    enum { P = 10 };
    double h[P], J[P][P], e[1 << P];
    uint64_t seed = 2024;
    for (int i = 0; i < P; i++) {
        h[i] = 6.0 * uniform(&seed) - 3.0;
        for (int j = 0; j < P; j++)
            J[i][j] = 2.0 * uniform(&seed) - 1.0;
    }
    double lo = INFINITY, hi = -INFINITY;
    for (int s = 0; s < 1 << P; s++) {
        e[s] = 0.0;
        for (int i = 0; i < P; i++)
            for (int j = i; j < P; j++)
                if ((s >> i & 1) && (s >> j & 1))
                    e[s] += i == j ? h[i] : J[i][j];
        e[s] *= scale;
        lo = fmin(lo, e[s]);
        hi = fmax(hi, e[s]);
    }
    problem_alloc(pb, B);
    double *count = calloc(B, sizeof(double)), *sum = calloc(B, sizeof(double));
    ck_assert(count && sum);
    for (int s = 0; s < 1 << P; s++) {
        size_t b = (size_t)((e[s] - lo) / (hi - lo) * (double)B);
        b = b < B ? b : B - 1;
        count[b] += 1.0;
        sum[b] += e[s];
    }
    for (size_t b = 0; b < B; b++) {
        pb->lg[b] = count[b] > 0 ? log(count[b]) : -INFINITY;
        pb->E[b] = count[b] > 0 ? sum[b] / count[b] : lo + (b + 0.5) * (hi - lo) / (double)B;
    }
    pb->log_total = P * log(2.0);
    free(count);
    free(sum);
}

/* Set the ladder and ln Z_r = ln sum_b g_b exp(-beta_r E_b) from the true g. */
static void set_ladder(problem *pb, size_t R, const double *beta, double n_each)
{
    ck_assert_uint_le(R, MAX_R);
    pb->R = R;
    double *t = malloc(pb->B * sizeof(double));
    ck_assert_ptr_nonnull(t);
    for (size_t r = 0; r < R; r++) {
        pb->beta[r] = beta[r];
        pb->n[r] = n_each;
        for (size_t b = 0; b < pb->B; b++)
            t[b] = pb->lg[b] - beta[r] * pb->E[b];
        pb->lnZ[r] = logsumexp(t, pb->B, 1);
    }
    free(t);
}

/* The binomial's ln Z in closed form, to check the summed one. */
static void check_binomial_lnZ(const problem *pb, size_t N, double eps)
{
    for (size_t r = 0; r < pb->R; r++) {
        double want = (double)N * log1p(exp(-pb->beta[r] * eps));
        ck_assert_double_eq_tol(pb->lnZ[r], want, 1e-12 * fmax(1.0, fabs(want)));
    }
}

/* counts[r, b] = n_r g_b exp(-beta_r E_b) / Z_r. */
static void expected_counts(problem *pb)
{
    for (size_t r = 0; r < pb->R; r++)
        for (size_t b = 0; b < pb->B; b++)
            pb->counts[r * pb->B + b] = exp(log(pb->n[r]) + pb->lg[b] - pb->beta[r] * pb->E[b]
                                            - pb->lnZ[r]);
}

/* Multinomial draws of exactly n_r samples from each replica's exact distribution (inversion of
 * the cumulative distribution by bisection). */
static void sampled_counts(problem *pb, uint64_t seed)
{
    double *cdf = malloc(pb->B * sizeof(double));
    ck_assert_ptr_nonnull(cdf);
    for (size_t r = 0; r < pb->R; r++) {
        double acc = 0.0;
        for (size_t b = 0; b < pb->B; b++) {
            acc += exp(pb->lg[b] - pb->beta[r] * pb->E[b] - pb->lnZ[r]);
            cdf[b] = acc;
        }
        double *c = pb->counts + r * pb->B;
        memset(c, 0, pb->B * sizeof(double));
        for (size_t i = 0; i < (size_t)pb->n[r]; i++) {
            double u = uniform(&seed) * acc;
            size_t lo = 0, hi = pb->B - 1;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (cdf[mid] > u)
                    hi = mid;
                else
                    lo = mid + 1;
            }
            c[lo] += 1.0;
        }
    }
    free(cdf);
}

static int solve(const problem *pb, double tol, size_t max_iter, double *log_g, double *f,
                 size_t *iterations)
{
    return smi_wham_solve(pb->R, pb->B, pb->beta, pb->E, pb->counts, pb->log_total, tol,
                          max_iter, log_g, f, iterations);
}

/* The two WHAM equations at the returned (normalised) values, and the normalisation:
 *     ln g_b = ln N_b - ln sum_r n_r exp(f_r - beta_r E_b),   f_r = -ln sum_b g_b e^{-beta_r E_b}. */
static void check_wham_equations(const problem *pb, const double *log_g, const double *f,
                                 double tol)
{
    double *t = malloc((pb->B + pb->R) * sizeof(double));
    ck_assert_ptr_nonnull(t);
    for (size_t b = 0; b < pb->B; b++) {
        double Nb = 0.0;
        for (size_t r = 0; r < pb->R; r++) {
            Nb += pb->counts[r * pb->B + b];
            t[r] = log(pb->n[r]) + f[r] - pb->beta[r] * pb->E[b];
        }
        if (Nb > 0)
            ck_assert_msg(fabs(log_g[b] - (log(Nb) - logsumexp(t, pb->R, 1))) <= tol,
                          "bin %zu: ln g %.15g, equation %.15g", b, log_g[b],
                          log(Nb) - logsumexp(t, pb->R, 1));
        else
            ck_assert(log_g[b] == -INFINITY);
    }
    for (size_t r = 0; r < pb->R; r++) {
        for (size_t b = 0; b < pb->B; b++)
            t[b] = log_g[b] - pb->beta[r] * pb->E[b];
        ck_assert_double_eq_tol(f[r], -logsumexp(t, pb->B, 1), 1e-12 * fmax(1.0, fabs(f[r])));
    }
    ck_assert_double_eq_tol(logsumexp(log_g, pb->B, 1), pb->log_total, 1e-12);
    free(t);
}

enum dos_kind { BINOMIAL, SUBSETS };

static const struct exact_case {
    const char *name;
    enum dos_kind dos;
    size_t size; /* N of the binomial, or the number of bins for the subsets */
    double eps;  /* energy scale */
    size_t R;
    double beta[8];
} exact_cases[] = {
    { "binomial, ladder 0..10", BINOMIAL, 40, 10.0, 8, { 0, 0.05, 0.1, 0.2, 0.4, 1, 3, 10 } },
    { "binomial, barely overlapping", BINOMIAL, 40, 10.0, 5, { 0, 0.3, 1, 3, 10 } },
    { "binomial, no beta = 0", BINOMIAL, 40, 1.0, 4, { 0.1, 0.3, 0.9, 2.7 } },
    { "subsets, ladder 0..2", SUBSETS, 48, 10.0, 5, { 0, 0.25, 0.5, 1, 2 } },
    { "subsets, barely overlapping, no beta = 0", SUBSETS, 64, 10.0, 4, { 0.02, 0.3, 2, 10 } },
    { "binomial, unsorted ladder with a repeat", BINOMIAL, 40, 1.0, 5, { 1, 0, 0.5, 1, 0.25 } },
    { "binomial, one replica", BINOMIAL, 20, 1.0, 1, { 0.5 } },
};

/* 1, 2: expected counts give the true ln g and f = -ln Z to 1e-10 (absolute). The solver's
 * starting point (free energy perturbation between neighbours) is already exact for such
 * counts, so the iteration itself is exercised by the sampled problems below. */
START_TEST(expected_counts_recover_the_dos_exactly)
{
    const struct exact_case *c = &exact_cases[_i];
    problem pb;
    if (c->dos == BINOMIAL)
        binomial_dos(&pb, c->size, c->eps);
    else
        subsets_dos(&pb, c->size, c->eps);
    set_ladder(&pb, c->R, c->beta, 1e4);
    if (c->dos == BINOMIAL)
        check_binomial_lnZ(&pb, c->size, c->eps);
    expected_counts(&pb);
    double *log_g = malloc(pb.B * sizeof(double)), f[MAX_R];
    ck_assert_ptr_nonnull(log_g);
    size_t it;
    int rc = solve(&pb, 1e-12, 200, log_g, f, &it);
    ck_assert_msg(rc == SMI_OK, "%s: %s", c->name, smi_last_error());
    for (size_t b = 0; b < pb.B; b++) {
        if (isinf(pb.lg[b]))
            ck_assert_msg(log_g[b] == -INFINITY, "%s: empty bin %zu: %g", c->name, b, log_g[b]);
        else
            ck_assert_msg(fabs(log_g[b] - pb.lg[b]) <= 1e-10, "%s: bin %zu: ln g %.15g, true %.15g",
                          c->name, b, log_g[b], pb.lg[b]);
    }
    for (size_t r = 0; r < pb.R; r++)
        ck_assert_msg(fabs(f[r] + pb.lnZ[r]) <= 1e-10, "%s: replica %zu: f %.15g, -ln Z %.15g",
                      c->name, r, f[r], -pb.lnZ[r]);
    ck_assert_msg(it <= 3, "%s: %zu iterations", c->name, it);
    free(log_g);
    problem_free(&pb);
}
END_TEST

/* 3: counts sampled from the exact distributions. The error of ln g_b has standard deviation
 * close to sigma_b = sqrt(1/Nbar_b + 2/n_min): 1/Nbar_b from the pooled count of the bin
 * (Nbar_b its expectation), 2/n_min for what the f_r and the normalisation carry into every
 * bin. A Monte Carlo of 1000 repeats of this problem (numpy, while writing the test) gave
 * sd / sigma_b between 0.72 and 1.15 in the bins with Nbar_b >= 100, so 5 sigma_b is at
 * least 4.3 actual standard deviations. The normalisation and the two WHAM equations hold to
 * rounding whatever the noise; the same input gives the same bits. */
START_TEST(sampled_counts_recover_the_dos_within_errors)
{
    enum { N = 20 };
    static const double beta[] = { 0, 0.5, 1, 1.5, 2 };
    size_t R = sizeof beta / sizeof beta[0];
    problem pb;
    binomial_dos(&pb, N, 1.0);
    set_ladder(&pb, R, beta, 1e5);
    sampled_counts(&pb, 7);
    double log_g[N + 1], f[MAX_R], log_g2[N + 1], f2[MAX_R];
    size_t it, it2;
    ck_assert_msg(solve(&pb, 1e-12, 100, log_g, f, &it) == SMI_OK, "%s", smi_last_error());
    int checked = 0;
    for (size_t b = 0; b <= N; b++) {
        double Nbar = 0.0;
        for (size_t r = 0; r < R; r++)
            Nbar += pb.n[r] * exp(pb.lg[b] - beta[r] * pb.E[b] - pb.lnZ[r]);
        if (Nbar < 100)
            continue;
        double sigma = sqrt(1.0 / Nbar + 2.0 / 1e5);
        ck_assert_msg(fabs(log_g[b] - pb.lg[b]) <= 5 * sigma, "bin %zu: ln g %g, true %g, sigma %g",
                      b, log_g[b], pb.lg[b], sigma);
        checked++;
    }
    ck_assert_int_ge(checked, 15);
    check_wham_equations(&pb, log_g, f, 1e-9);

    ck_assert_int_eq(solve(&pb, 1e-12, 100, log_g2, f2, &it2), SMI_OK);
    ck_assert_uint_eq(it, it2);
    ck_assert(memcmp(log_g, log_g2, sizeof log_g) == 0);
    ck_assert(memcmp(f, f2, R * sizeof(double)) == 0);
    problem_free(&pb);
}
END_TEST

static const struct hard_case {
    const char *name;
    size_t N;   /* binomial N */
    double eps; /* energy scale */
    size_t R;
    double beta[8], n;
} hard_cases[] = {
    { "binomial 40, wide ladder", 40, 10.0, 5, { 0, 0.3, 1, 3, 10 }, 1e4 },
    { "binomial 40, no beta = 0", 40, 1.0, 4, { 0.1, 0.3, 0.9, 2.7 }, 1e3 },
    { "binomial 400, gaps of 4 sd", 400, 1.0, 8, { 0, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4 }, 1e4 },
    { "binomial 400, few samples", 400, 0.5, 6, { 0, 0.2, 0.8, 2, 5, 10 }, 50 },
    { "binomial 100, no bin shared", 100, 1.0, 3, { 0, 0.02, 5 }, 1e3 },
    { "binomial 100, tails underflow", 100, 20.0, 3, { 0, 0.001, 3 }, 1e3 },
};

/* 2, with noise: sampled counts on ladders whose neighbours share few bins, so that the
 * starting point is off and the iteration has to work. The result must satisfy the WHAM
 * equations (checked here from their definition) in a few iterations. */
START_TEST(hard_sampled_problems_converge)
{
    const struct hard_case *c = &hard_cases[_i];
    problem pb;
    binomial_dos(&pb, c->N, c->eps);
    set_ladder(&pb, c->R, c->beta, c->n);
    sampled_counts(&pb, 100 + (uint64_t)_i);
    double *log_g = malloc(pb.B * sizeof(double)), f[MAX_R];
    ck_assert_ptr_nonnull(log_g);
    size_t it;
    int rc = solve(&pb, 1e-12, 200, log_g, f, &it);
    ck_assert_msg(rc == SMI_OK, "%s: %s", c->name, smi_last_error());
    check_wham_equations(&pb, log_g, f, 1e-9);
    ck_assert_msg(it <= 40, "%s: %zu iterations", c->name, it);
    printf("wham sampled, %s: %zu iterations\n", c->name, it);
    free(log_g);
    problem_free(&pb);
}
END_TEST

/* 4: bins that no replica visited get ln g = -INFINITY and do not disturb the others. The
 * binomial N = 10 is spread over 14 bins with bins 0, 6 and 13 left empty. */
START_TEST(unvisited_bins_are_minus_infinity)
{
    static const double beta[] = { 0, 0.5, 1 };
    problem dense, pb;
    binomial_dos(&dense, 10, 1.0);
    set_ladder(&dense, 3, beta, 1e3);
    expected_counts(&dense);
    problem_alloc(&pb, 14);
    pb.R = 3;
    pb.log_total = dense.log_total;
    memcpy(pb.beta, beta, sizeof beta);
    size_t map[14], d = 0;
    for (size_t b = 0; b < 14; b++) {
        int empty = b == 0 || b == 6 || b == 13;
        map[b] = empty ? SIZE_MAX : d;
        pb.E[b] = empty ? 100.0 * (double)b : dense.E[d];
        for (size_t r = 0; r < 3; r++)
            pb.counts[r * 14 + b] = empty ? 0.0 : dense.counts[r * dense.B + d];
        d += !empty;
    }
    double log_g[14], f[3];
    size_t it;
    ck_assert_msg(solve(&pb, 1e-12, 100, log_g, f, &it) == SMI_OK, "%s", smi_last_error());
    for (size_t b = 0; b < 14; b++) {
        if (map[b] == SIZE_MAX)
            ck_assert(log_g[b] == -INFINITY);
        else
            ck_assert_double_eq_tol(log_g[b], dense.lg[map[b]], 1e-10);
    }
    for (size_t r = 0; r < 3; r++)
        ck_assert_double_eq_tol(f[r], -dense.lnZ[r], 1e-10);
    problem_free(&pb);
    problem_free(&dense);
}
END_TEST

/* Expect SMI_EINVAL with `needle` in the message. */
static void expect_einval(int rc, const char *needle)
{
    ck_assert_int_eq(rc, SMI_EINVAL);
    ck_assert_msg(strstr(smi_last_error(), needle), "'%s' lacks '%s'", smi_last_error(), needle);
}

/* 4: every kind of bad input is refused with a message naming the replica or bin. */
START_TEST(bad_input_is_refused)
{
    static const double beta_ok[] = { 0, 0.5, 1 };
    problem pb;
    binomial_dos(&pb, 4, 1.0);
    set_ladder(&pb, 3, beta_ok, 100);
    expected_counts(&pb);
    size_t R = 3, B = pb.B, it;
    double *be = pb.beta, *E = pb.E, *c = pb.counts, lt = pb.log_total, log_g[5], f[3];
    expect_einval(smi_wham_solve(0, B, be, E, c, lt, 1e-10, 10, log_g, f, &it), "R = 0");
    expect_einval(smi_wham_solve(R, 0, be, E, c, lt, 1e-10, 10, log_g, f, &it), "B = 0");
    expect_einval(smi_wham_solve(R, B, NULL, E, c, lt, 1e-10, 10, log_g, f, &it), "NULL");
    expect_einval(smi_wham_solve(R, B, be, NULL, c, lt, 1e-10, 10, log_g, f, &it), "NULL");
    expect_einval(smi_wham_solve(R, B, be, E, NULL, lt, 1e-10, 10, log_g, f, &it), "NULL");
    expect_einval(smi_wham_solve(R, B, be, E, c, lt, 1e-10, 10, NULL, f, &it), "NULL");
    expect_einval(smi_wham_solve(R, B, be, E, c, lt, 1e-10, 10, log_g, NULL, &it), "NULL");
    expect_einval(smi_wham_solve(R, B, be, E, c, lt, 1e-10, 10, log_g, f, NULL), "NULL");
    expect_einval(smi_wham_solve(R, B, be, E, c, lt, 0.0, 10, log_g, f, &it), "tol");
    expect_einval(smi_wham_solve(R, B, be, E, c, lt, -1.0, 10, log_g, f, &it), "tol");
    expect_einval(smi_wham_solve(R, B, be, E, c, lt, NAN, 10, log_g, f, &it), "tol");
    expect_einval(smi_wham_solve(R, B, be, E, c, NAN, 1e-10, 10, log_g, f, &it), "log_total");

    static const double bad_count[] = { -1.0, NAN, INFINITY };
    static const double bad_value[] = { NAN, INFINITY, -INFINITY }; /* negative is fine */
    for (size_t i = 0; i < 3; i++) {
        double keep = c[2 * B + 3];
        c[2 * B + 3] = bad_count[i];
        expect_einval(solve(&pb, 1e-10, 10, log_g, f, &it), "replica 2 in bin 3");
        c[2 * B + 3] = keep;
        keep = E[2];
        E[2] = bad_value[i];
        expect_einval(solve(&pb, 1e-10, 10, log_g, f, &it), "bin 2");
        E[2] = keep;
        keep = be[1];
        be[1] = bad_value[i];
        expect_einval(solve(&pb, 1e-10, 10, log_g, f, &it), "replica 1");
        be[1] = keep;
    }
    double keep[5];
    memcpy(keep, c + B, B * sizeof(double));
    memset(c + B, 0, B * sizeof(double));
    expect_einval(solve(&pb, 1e-10, 10, log_g, f, &it), "replica 1");
    memcpy(c + B, keep, B * sizeof(double));
    ck_assert_int_eq(solve(&pb, 1e-10, 10, log_g, f, &it), SMI_OK); /* all restored */
    problem_free(&pb);
}
END_TEST

/* 4: one iteration on sampled counts from the wide ladder (which needs several) is not
 * enough: SMI_ENOCONV, with a finite, normalised last iterate; none at all gives the
 * starting point, normalised. */
START_TEST(too_few_iterations_is_reported)
{
    const struct hard_case *c = &hard_cases[0];
    problem pb;
    binomial_dos(&pb, c->N, c->eps);
    set_ladder(&pb, c->R, c->beta, c->n);
    sampled_counts(&pb, 100);
    double log_g[41], f[MAX_R];
    for (size_t max_iter = 0; max_iter <= 1; max_iter++) {
        size_t it;
        ck_assert_int_eq(solve(&pb, 1e-10, max_iter, log_g, f, &it), SMI_ENOCONV);
        ck_assert_uint_eq(it, max_iter);
        ck_assert_ptr_nonnull(strstr(smi_last_error(), "no convergence"));
        for (size_t b = 0; b <= c->N; b++)
            ck_assert(isfinite(log_g[b]) || log_g[b] == -INFINITY);
        for (size_t r = 0; r < c->R; r++)
            ck_assert(isfinite(f[r]));
        ck_assert_double_eq_tol(logsumexp(log_g, c->N + 1, 1), pb.log_total, 1e-12);
    }
    problem_free(&pb);
}
END_TEST

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* 5: time per solve for R = 32, B = 4096 (printed, not asserted): the binomial N = 4095 with
 * E_b = b, beta = 0 and a geometric ladder from 0.01 to 8 (neighbours about 4 standard
 * deviations of E apart in the middle), with expected counts (n_r = 1e6) and with sampled
 * ones (n_r = 1e5). */
START_TEST(speed_of_a_large_solve)
{
    enum { R = 32, N = 4095, REPEATS = 5 };
    double beta[R];
    beta[0] = 0.0;
    for (size_t r = 1; r < R; r++)
        beta[r] = 0.01 * pow(800.0, (double)(r - 1) / (R - 2));
    problem pb;
    binomial_dos(&pb, N, 1.0);
    double *log_g = malloc((N + 1) * sizeof(double)), f[R];
    ck_assert_ptr_nonnull(log_g);
    for (int sampled = 0; sampled <= 1; sampled++) {
        set_ladder(&pb, R, beta, sampled ? 1e5 : 1e6);
        if (sampled)
            sampled_counts(&pb, 5);
        else
            expected_counts(&pb);
        size_t it = 0;
        double t0 = seconds();
        for (int k = 0; k < REPEATS; k++)
            ck_assert_msg(solve(&pb, 1e-10, 200, log_g, f, &it) == SMI_OK, "%s", smi_last_error());
        double ms = 1e3 * (seconds() - t0) / REPEATS;
        double err = 0.0; /* where a count is a normal number (subnormals have lost digits) */
        for (size_t b = 0; b <= N; b++)
            for (size_t r = 0; r < R && !sampled; r++)
                if (pb.counts[r * pb.B + b] > 1e-290)
                    err = fmax(err, fabs(log_g[b] - pb.lg[b]));
        printf("wham R = %d, B = %d, %s counts: %.1f ms per solve, %zu iterations", R, N + 1,
               sampled ? "sampled" : "expected", ms, it);
        if (!sampled)
            printf(", max |ln g error| %.2g", err);
        printf("\n");
    }
    free(log_g);
    problem_free(&pb);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("wham");
    TCase *tc = tcase_create("wham");
    tcase_add_loop_test(tc, expected_counts_recover_the_dos_exactly, 0,
                        sizeof exact_cases / sizeof exact_cases[0]);
    tcase_add_test(tc, sampled_counts_recover_the_dos_within_errors);
    tcase_add_loop_test(tc, hard_sampled_problems_converge, 0,
                        sizeof hard_cases / sizeof hard_cases[0]);
    tcase_add_test(tc, unvisited_bins_are_minus_infinity);
    tcase_add_test(tc, bad_input_is_refused);
    tcase_add_test(tc, too_few_iterations_is_reported);
    tcase_add_test(tc, speed_of_a_large_solve);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    SRunner *runner = srunner_create(s);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
