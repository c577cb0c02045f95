/* The grid criteria (fe-opt, fe-marg) and the model posterior of the free-energy searches,
 * against brute force over every subset computed here from the one-model evidence module
 * (lib/bayes, itself tested against the dense Gaussian and Student-t densities):
 *   - fe-marg: -ln of the average over ln lambda of the normal-gamma evidence, F
 *     interpolated by the not-a-knot cubic spline in ln lambda (Simpson on it);
 *   - fe-opt: the beta-profiled free energy on the grid, the minimum of its spline;
 *   - total evidence, posterior inclusion, size posterior and the posterior mass of each
 *     DOS bin, for the uniform and the Bernoulli model prior, with size limits and a
 *     forced feature; the same bits for 1, 2 and 7 threads, for shards merged and for a
 *     saved and loaded result. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sparsemi.h"
#include "testutil.h"

enum { N = 40, P = 12, ALL = (1 << P) - 1, G = 9 };
static const double RATIO_LO = 1e-3, RATIO_HI = 1e3;

static smi_dataset *random_data(uint64_t seed)
{
    double X[N * P], y[N];
    for (int i = 0; i < N * P; i++)
        X[i] = tu_uniform(&seed) * (1.0 + (i % P)) + 3.0 * (i % 3);
    for (int i = 0; i < N; i++)
        y[i] = 1.1 * X[i * P] - 0.5 * X[i * P + 2] + 0.2 * X[i * P + 5] + 0.6 * sin(3.0 * i);
    smi_dataset *ds = NULL;
    ck_assert_int_eq(smi_dataset_create(&ds, N, P, X, y, NULL, NULL), SMI_OK);
    return ds;
}

static smi_evidence_result *fit_one(const smi_dataset *ds, const size_t *f, size_t k, int mode,
                             double a, double b, double c)
{
    smi_evidence *cfg;
    smi_evidence_result *ev = NULL;
    ck_assert_int_eq(smi_evidence_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_evidence_set_mode(cfg, mode), SMI_OK);
    if (mode == SMI_HYPER_NG)
        ck_assert_int_eq(smi_evidence_set_normal_gamma(cfg, a, b, c), SMI_OK);
    if (mode == SMI_HYPER_FIXED)
        ck_assert_int_eq(smi_evidence_set_hyper(cfg, a, b), SMI_OK);
    int rc = smi_evidence_run(ds, f, k, cfg, &ev);
    ck_assert_msg(rc == SMI_OK, "%s", smi_last_error());
    int status = smi_evidence_result_status(ev); /* no convergence: a success with a caveat */
    ck_assert_msg(status == SMI_OK || (mode == SMI_HYPER_OPTIMIZE && status == SMI_ENOCONV),
                  "%s", smi_evidence_result_caveat(ev));
    smi_evidence_free(cfg);
    return ev;
}

static double free_energy(const smi_dataset *ds, const size_t *f, size_t k, int mode, double a,
                          double b, double c)
{
    smi_evidence_result *ev = fit_one(ds, f, k, mode, a, b, c);
    double F = smi_evidence_result_free_energy(ev);
    smi_evidence_result_free(ev);
    return F;
}

static double ratio_on(size_t g, double lo, double hi, size_t count)
{
    return exp(log(lo) + (double)g * (log(hi) - log(lo)) / (double)(count - 1));
}

static double ratio(size_t g)
{
    return ratio_on(g, RATIO_LO, RATIO_HI, G);
}

/* The library's grid rules from 5 ratios on, written out here: the not-a-knot cubic spline
 * of F in ln lambda (step h), its second derivatives M from the full count x count system
 * (not-a-knot rows M_0 - 2 M_1 + M_2 = 0 and its mirror, the interpolation rows between)
 * by Gaussian elimination with partial pivoting; its value on interval i at t_i + u h. */
static void spline_system(const double *F, size_t count, double h, double *M)
{
    double A[64][65];
    memset(A, 0, sizeof A);
    A[0][0] = 1.0, A[0][1] = -2.0, A[0][2] = 1.0;
    A[count - 1][count - 3] = 1.0, A[count - 1][count - 2] = -2.0, A[count - 1][count - 1] = 1.0;
    for (size_t g = 1; g + 1 < count; g++) {
        A[g][g - 1] = 1.0, A[g][g] = 4.0, A[g][g + 1] = 1.0;
        A[g][count] = 6.0 * (F[g - 1] - 2.0 * F[g] + F[g + 1]) / (h * h);
    }
    for (size_t c = 0; c < count; c++) {
        size_t piv = c;
        for (size_t r = c + 1; r < count; r++)
            piv = fabs(A[r][c]) > fabs(A[piv][c]) ? r : piv;
        for (size_t j = 0; j <= count; j++) {
            double t = A[c][j];
            A[c][j] = A[piv][j], A[piv][j] = t;
        }
        for (size_t r = c + 1; r < count; r++) {
            double m = A[r][c] / A[c][c];
            for (size_t j = c; j <= count; j++)
                A[r][j] -= m * A[c][j];
        }
    }
    for (size_t c = count; c-- > 0;) {
        double v = A[c][count];
        for (size_t j = c + 1; j < count; j++)
            v -= A[c][j] * M[j];
        M[c] = v / A[c][c];
    }
}

static double spline_value(const double *F, const double *M, double h, size_t i, double u)
{
    double a = 1.0 - u;
    return a * F[i] + u * F[i + 1]
           + h * h / 6.0 * ((a * a * a - a) * M[i] + (u * u * u - u) * M[i + 1]);
}

/* fe-opt's rule: the spline's minimum on the intervals next to the smallest F, by a scan
 * of 2000 points per interval and golden section around the best of them. */
static double spline_rule_minimum(const double *F, size_t count, double h, size_t at)
{
    double M[64], best = F[at];
    spline_system(F, count, h, M);
    for (size_t i = at ? at - 1 : 0; i <= at && i + 1 < count; i++) {
        size_t s_best = 0;
        double f_best = INFINITY;
        for (size_t s = 0; s <= 2000; s++) {
            double v = spline_value(F, M, h, i, s / 2000.0);
            if (v < f_best)
                f_best = v, s_best = s;
        }
        double a = fmax(0.0, (s_best - 1.0) / 2000.0), b = fmin(1.0, (s_best + 1.0) / 2000.0);
        for (int it = 0; it < 100; it++) {
            double x1 = b - 0.618033988749895 * (b - a), x2 = a + 0.618033988749895 * (b - a);
            if (spline_value(F, M, h, i, x1) <= spline_value(F, M, h, i, x2))
                b = x2;
            else
                a = x1;
        }
        best = fmin(best, fmin(f_best, spline_value(F, M, h, i, 0.5 * (a + b))));
    }
    return best;
}

/* fe-marg's rule: the integral of exp(-spline) over [ln lo, ln hi] by Simpson's rule on four
 * sub-intervals of each grid interval, over the span. */
static double spline_rule_average(const double *F, size_t count, double h)
{
    double M[64], top = INFINITY, sum = 0.0;
    spline_system(F, count, h, M);
    for (size_t g = 0; g < count; g++)
        top = fmin(top, F[g]);
    for (size_t i = 0; i + 1 < count; i++)
        for (int s = 0; s <= 4; s++)
            sum += h / 12.0 * (s == 0 || s == 4 ? 1.0 : s == 2 ? 2.0 : 4.0)
                   * exp(-(spline_value(F, M, h, i, s / 4.0) - top));
    return top - log(sum / (h * (double)(count - 1)));
}

/* fe-marg by brute force: the normal-gamma evidence at each ratio (prior a0 = b0 = 1e-6, the
 * search's default), averaged over ln lambda by the spline rule. */
static double fe_marg(const smi_dataset *ds, const size_t *f, size_t k)
{
    double F[G];
    for (size_t g = 0; g < G; g++)
        F[g] = free_energy(ds, f, k, SMI_HYPER_NG, ratio(g), 1e-6, 1e-6);
    return spline_rule_average(F, G, log(RATIO_HI / RATIO_LO) / (G - 1));
}

/* fe-opt by brute force: at each ratio, R(lambda) from two fixed-mode free energies
 * (F(beta) = c - (n/2) ln beta + beta R / 2 at alpha = lambda beta), beta = n / R, F there;
 * then the spline rule's minimum. */
static double fe_opt_on(const smi_dataset *ds, const size_t *f, size_t k, double lo, double hi,
                        size_t count)
{
    double F[64];
    size_t at = 0;
    for (size_t g = 0; g < count; g++) {
        double lam = ratio_on(g, lo, hi, count);
        double F1 = free_energy(ds, f, k, SMI_HYPER_FIXED, lam * 1.0, 1.0, 0);
        double F2 = free_energy(ds, f, k, SMI_HYPER_FIXED, lam * 2.0, 2.0, 0);
        double R = 2.0 * (F2 - F1 + 0.5 * N * log(2.0)) / (2.0 - 1.0);
        double beta = N / R;
        F[g] = free_energy(ds, f, k, SMI_HYPER_FIXED, lam * beta, beta, 0);
        if (F[g] < F[at])
            at = g;
    }
    return spline_rule_minimum(F, count, log(hi / lo) / (double)(count - 1), at);
}

static double fe_opt(const smi_dataset *ds, const size_t *f, size_t k)
{
    return fe_opt_on(ds, f, k, RATIO_LO, RATIO_HI, G);
}

typedef struct request {
    int criterion, prior;
    double q;
    size_t min_size, max_size, keep; /* keep: a forced feature, or P for none */
    size_t threads, shard, shards;
} request;

static smi_search_result *search(const smi_dataset *ds, const request *rq)
{
    smi_search *cfg;
    smi_search_result *res = NULL;
    ck_assert_int_eq(smi_search_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_search_set_criterion(cfg, rq->criterion), SMI_OK);
    ck_assert_int_eq(smi_search_set_ratio_grid(cfg, RATIO_LO, RATIO_HI, G), SMI_OK);
    ck_assert_int_eq(smi_search_set_model_prior(cfg, rq->prior, rq->q), SMI_OK);
    ck_assert_int_eq(smi_search_set_size_range(cfg, rq->min_size, rq->max_size), SMI_OK);
    if (rq->keep < P)
        ck_assert_int_eq(smi_search_set_keep(cfg, &rq->keep, 1), SMI_OK);
    ck_assert_int_eq(smi_search_set_top(cfg, ALL + 1), SMI_OK);
    ck_assert_int_eq(smi_search_set_bins(cfg, 16), SMI_OK);
    ck_assert_int_eq(smi_search_set_threads(cfg, rq->threads ? rq->threads : 1), SMI_OK);
    if (rq->shards)
        ck_assert_int_eq(smi_search_set_shard(cfg, rq->shard, rq->shards), SMI_OK);
    ck_assert_msg(smi_search_run(ds, cfg, &res) == SMI_OK, "%s", smi_last_error());
    smi_search_free(cfg);
    return res;
}

static size_t subset_of(unsigned mask, size_t *f)
{
    size_t k = 0;
    for (size_t j = 0; j < P; j++)
        if (mask >> j & 1u)
            f[k++] = j;
    return k;
}

static int in_space(const request *rq, unsigned mask, size_t k)
{
    size_t kmax = rq->max_size ? rq->max_size : P;
    if (rq->keep < P && !(mask >> rq->keep & 1u))
        return 0;
    return k >= rq->min_size && k <= kmax;
}

/* ---------- the criteria, subset by subset ---------- */

static void check_every_subset(int criterion, double (*brute)(const smi_dataset *, const size_t *, size_t))
{
    smi_dataset *ds = random_data(5);
    request rq = { .criterion = criterion, .prior = SMI_MODEL_PRIOR_UNIFORM, .min_size = 1, .keep = P };
    smi_search_result *res = search(ds, &rq);
    ck_assert_uint_eq(smi_search_result_n_models(res), ALL);
    ck_assert_uint_eq(smi_search_result_n_top(res), ALL);
    for (size_t r = 0; r < ALL; r += 7) {
        size_t f[P], k;
        double value;
        ck_assert_int_eq(smi_search_result_model(res, r, P, f, NULL, &k, &value, NULL, NULL), SMI_OK);
        double want = brute(ds, f, k);
        ck_assert_msg(fabs(value - want) <= 1e-9 * fmax(1.0, fabs(want)),
                      "rank %zu (k = %zu): search %.15g, brute force %.15g", r, k, value, want);
    }
    smi_search_result_free(res);
    smi_dataset_free(ds);
}

START_TEST(fe_marg_matches_brute_force)
{
    check_every_subset(SMI_CRIT_FE_MARG, fe_marg);
}
END_TEST

START_TEST(fe_opt_matches_brute_force)
{
    check_every_subset(SMI_CRIT_FE_OPT, fe_opt);
}
END_TEST

/* fe-opt converges to the exact type-II optimum of one model as the grid is refined: on
 * 41 ratios over 1e-1..1e1 (steps of 12% in lambda) the spline's minimum is within 1e-4
 * of it. (The search reports the distance on any grid: its quadrature error.) */
START_TEST(fe_opt_is_near_the_exact_optimum)
{
    smi_dataset *ds = random_data(5);
    size_t f[3] = { 0, 2, 5 };
    double fine = fe_opt_on(ds, f, 3, 1e-1, 1e1, 41);
    double exact = free_energy(ds, f, 3, SMI_HYPER_OPTIMIZE, 0, 0, 0);
    ck_assert_msg(fabs(fine - exact) <= 1e-4, "fine grid %.10g, exact %.10g", fine, exact);
    ck_assert(fine >= exact - 1e-4);
    smi_dataset_free(ds);
}
END_TEST

/* ---------- the posterior ---------- */

typedef struct brute_post {
    double log_total, incl[P], size[P + 1];
    double weights[ALL + 1], values[ALL + 1]; /* per mask; weight -1: outside the space */
} brute_post;

static void brute_posterior(const smi_dataset *ds, const request *rq, brute_post *b)
{
    double lq = log(rq->q), l1q = log1p(-rq->q), top = -INFINITY;
    double lw[ALL + 1], prior_top = -INFINITY, prior[ALL + 1];
    for (unsigned mask = 0; mask <= ALL; mask++) {
        size_t f[P], k = subset_of(mask, f);
        lw[mask] = prior[mask] = -INFINITY;
        b->values[mask] = NAN;
        if (!in_space(rq, mask, k))
            continue;
        size_t free_k = k - (rq->keep < P ? 1 : 0), free_p = P - (rq->keep < P ? 1 : 0);
        prior[mask] = rq->prior == SMI_MODEL_PRIOR_BERNOULLI
                          ? (double)free_k * lq + (double)(free_p - free_k) * l1q : 0.0;
        prior_top = fmax(prior_top, prior[mask]);
        if (k == 0) /* the empty model: y'y alone, which the evidence module does not take */
            continue;
        double F = rq->criterion == SMI_CRIT_FE_MARG
                       ? fe_marg(ds, f, k)
                       : free_energy(ds, f, k, SMI_HYPER_NG, 1.0, 1e-6, 1e-6);
        b->values[mask] = F;
        lw[mask] = -F + prior[mask];
        top = fmax(top, lw[mask]);
    }
    double sum = 0.0, psum = 0.0;
    memset(b->incl, 0, sizeof b->incl);
    memset(b->size, 0, sizeof b->size);
    for (unsigned mask = 0; mask <= ALL; mask++) {
        psum += isinf(prior[mask]) ? 0.0 : exp(prior[mask] - prior_top);
        b->weights[mask] = isinf(lw[mask]) ? 0.0 : exp(lw[mask] - top);
        sum += b->weights[mask];
    }
    for (unsigned mask = 0; mask <= ALL; mask++) {
        size_t f[P], k = subset_of(mask, f);
        b->weights[mask] /= sum;
        for (size_t t = 0; t < k; t++)
            b->incl[f[t]] += b->weights[mask];
        b->size[k] += b->weights[mask];
    }
    b->log_total = top + log(sum) - (prior_top + log(psum));
}

static void close_to(double got, double want, double tol, const char *what, size_t i)
{
    ck_assert_msg(fabs(got - want) <= tol * fmax(fabs(want), 1e-300) || fabs(got - want) < 1e-300,
                  "%s %zu: search %.17g, brute force %.17g", what, i, got, want);
}

static void check_posterior(const request *rq)
{
    smi_dataset *ds = random_data(7);
    static brute_post b;
    brute_posterior(ds, rq, &b);
    smi_search_result *res = search(ds, rq);
    double total, incl[P], size[P + 1];
    ck_assert_int_eq(smi_search_result_log_evidence_total(res, &total), SMI_OK);
    close_to(total, b.log_total, 1e-10, "total evidence", 0);
    ck_assert_int_eq(smi_search_result_posterior_inclusion(res, P, incl), SMI_OK);
    for (size_t j = 0; j < P; j++)
        close_to(incl[j], b.incl[j], 1e-10, "inclusion of feature", j);
    size_t kmax = smi_search_result_max_size(res);
    ck_assert_int_eq(smi_search_result_size_posterior(res, P + 1, size), SMI_OK);
    for (size_t k = 0; k <= kmax; k++)
        close_to(size[k], b.size[k], 1e-10, "posterior of size", k);
    /* the DOS: each bin's mass, binning the brute-force values by the result's edges */
    size_t nb = smi_search_result_n_bins(res);
    double *edges = malloc((nb + 1) * sizeof *edges), *mass = malloc(nb * sizeof *mass);
    double *want = calloc(nb, sizeof *want);
    uint64_t *counts = malloc(nb * sizeof *counts), below, above;
    ck_assert_int_eq(smi_search_result_dos(res, nb + 1, edges, counts, &below, &above), SMI_OK);
    ck_assert_int_eq(smi_search_result_dos_posterior(res, nb, mass), SMI_OK);
    for (unsigned m = 0; m <= ALL; m++) {
        if (isnan(b.values[m]))
            continue;
        for (size_t i = 0; i < nb; i++)
            if (b.values[m] >= edges[i] && b.values[m] < edges[i + 1] + (i + 1 == nb ? 1e-9 : 0))
                want[i] += b.weights[m];
    }
    for (size_t i = 0; i < nb; i++)
        close_to(mass[i], want[i], 1e-9, "posterior mass of DOS bin", i);
    free(edges), free(mass), free(want), free(counts);
    smi_search_result_free(res);
    smi_dataset_free(ds);
}

START_TEST(uniform_prior_matches_brute_force)
{
    request rq = { .criterion = SMI_CRIT_FE_NG, .prior = SMI_MODEL_PRIOR_UNIFORM, .q = 0.5,
                   .min_size = 1, .keep = P };
    check_posterior(&rq);
}
END_TEST

START_TEST(bernoulli_prior_with_limits_matches_brute_force)
{
    request rq = { .criterion = SMI_CRIT_FE_NG, .prior = SMI_MODEL_PRIOR_BERNOULLI, .q = 0.2,
                   .min_size = 2, .max_size = 6, .keep = 3 };
    check_posterior(&rq);
}
END_TEST

START_TEST(fe_marg_posterior_matches_brute_force)
{
    request rq = { .criterion = SMI_CRIT_FE_MARG, .prior = SMI_MODEL_PRIOR_BERNOULLI, .q = 0.3,
                   .min_size = 1, .keep = P };
    check_posterior(&rq);
}
END_TEST

/* ---------- model averaging ---------- */

/* The posterior mean of one subset and its F: normal-gamma at one lambda (fe-ng), or the
 * fe-marg mixture over the grid weighted by p(lambda_g | S, y). */
static double subset_mean(const smi_dataset *ds, int criterion, const size_t *f, size_t k,
                          double *mean, double *intercept)
{
    size_t G_ = criterion == SMI_CRIT_FE_MARG ? G : 1;
    double terms[G], means[G][P], icpts[G], top = -INFINITY;
    for (size_t g = 0; g < G_; g++) {
        double lam = criterion == SMI_CRIT_FE_MARG ? ratio(g) : 1.0;
        double w = criterion == SMI_CRIT_FE_MARG ? (g == 0 || g == G - 1 ? 0.5 : 1.0) / (G - 1) : 1.0;
        smi_evidence_result *ev = fit_one(ds, f, k, SMI_HYPER_NG, lam, 1e-6, 1e-6);
        terms[g] = log(w) - smi_evidence_result_free_energy(ev);
        ck_assert_int_eq(smi_evidence_result_mean(ev, P, means[g], &icpts[g]), SMI_OK);
        smi_evidence_result_free(ev);
        top = fmax(top, terms[g]);
    }
    double sum = 0.0;
    for (size_t g = 0; g < G_; g++)
        sum += exp(terms[g] - top);
    memset(mean, 0, k * sizeof *mean);
    *intercept = 0.0;
    for (size_t g = 0; g < G_; g++) {
        double pi = exp(terms[g] - top) / sum;
        for (size_t t = 0; t < k; t++)
            mean[t] += pi * means[g][t];
        *intercept += pi * icpts[g];
    }
    return -(top + log(sum));
}

static void check_average(const request *rq)
{
    smi_dataset *ds = random_data(13);
    static brute_post b;
    brute_posterior(ds, rq, &b);
    double want[P + 1] = { 0 }, scale = 0.0;
    for (unsigned mask = 1; mask <= ALL; mask++) {
        if (b.weights[mask] == 0.0)
            continue;
        size_t f[P], k = subset_of(mask, f);
        double mean[P], icpt;
        subset_mean(ds, rq->criterion, f, k, mean, &icpt);
        for (size_t t = 0; t < k; t++)
            want[f[t]] += b.weights[mask] * mean[t];
        want[P] += b.weights[mask] * icpt;
    }
    for (size_t j = 0; j <= P; j++)
        scale = fmax(scale, fabs(want[j]));
    smi_search_result *res = search(ds, rq);
    double coef[P], icpt, mass;
    ck_assert_int_eq(smi_search_result_model_average(res, P, coef, &icpt, &mass), SMI_OK);
    ck_assert(mass == 1.0);
    for (size_t j = 0; j < P; j++)
        ck_assert_msg(fabs(coef[j] - want[j]) <= 1e-9 * scale, "feature %zu: search %.15g, "
                      "brute force %.15g", j, coef[j], want[j]);
    ck_assert_msg(fabs(icpt - want[P]) <= 1e-9 * scale, "intercept: search %.15g, brute "
                  "force %.15g", icpt, want[P]);
    smi_search_result_free(res);
    smi_dataset_free(ds);
}

START_TEST(exact_average_matches_brute_force)
{
    request rq = { .criterion = SMI_CRIT_FE_NG, .prior = SMI_MODEL_PRIOR_UNIFORM, .q = 0.5,
                   .min_size = 1, .keep = P };
    check_average(&rq);
}
END_TEST

START_TEST(exact_fe_marg_average_with_limits_matches_brute_force)
{
    request rq = { .criterion = SMI_CRIT_FE_MARG, .prior = SMI_MODEL_PRIOR_BERNOULLI, .q = 0.3,
                   .min_size = 2, .max_size = 5, .keep = 4 };
    check_average(&rq);
}
END_TEST

/* More than 20 candidates: the average over the kept models, each weighted by its
 * posterior probability (brute force over all 1561 subsets of sizes 1..3 of 21 features),
 * normalised by the mass they cover. */
START_TEST(top_average_covers_its_stated_mass)
{
    enum { Q = 21, TOP = 40 };
    double X[N * Q], y[N];
    unsigned long seed = 17;
    for (int i = 0; i < N * Q; i++) {
        seed = seed * 6364136223846793005UL + 1442695040888963407UL;
        X[i] = (double)(seed >> 11) * 0x1.0p-53 + 0.1 * (i % Q);
    }
    for (int i = 0; i < N; i++)
        y[i] = 2.0 * X[i * Q + 1] - X[i * Q + 7] + 0.3 * cos(2.0 * i);
    smi_dataset *ds;
    ck_assert_int_eq(smi_dataset_create(&ds, N, Q, X, y, NULL, NULL), SMI_OK);
    smi_search *cfg;
    smi_search_result *res;
    ck_assert_int_eq(smi_search_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_search_set_criterion(cfg, SMI_CRIT_FE_NG), SMI_OK);
    ck_assert_int_eq(smi_search_set_size_range(cfg, 1, 3), SMI_OK);
    ck_assert_int_eq(smi_search_set_top(cfg, TOP), SMI_OK);
    ck_assert_int_eq(smi_search_run(ds, cfg, &res), SMI_OK);
    /* every subset's F, for the normaliser */
    double log_w[1561], top = -INFINITY, total = 0.0;
    size_t n_sub = 0;
    for (size_t a = 0; a < Q; a++) {
        size_t f1[1] = { a };
        log_w[n_sub++] = -free_energy(ds, f1, 1, SMI_HYPER_NG, 1.0, 1e-6, 1e-6);
        for (size_t b2 = a + 1; b2 < Q; b2++) {
            size_t f2[2] = { a, b2 };
            log_w[n_sub++] = -free_energy(ds, f2, 2, SMI_HYPER_NG, 1.0, 1e-6, 1e-6);
            for (size_t c = b2 + 1; c < Q; c++) {
                size_t f3[3] = { a, b2, c };
                log_w[n_sub++] = -free_energy(ds, f3, 3, SMI_HYPER_NG, 1.0, 1e-6, 1e-6);
            }
        }
    }
    ck_assert_uint_eq(n_sub, 1561);
    for (size_t i = 0; i < n_sub; i++)
        top = fmax(top, log_w[i]);
    for (size_t i = 0; i < n_sub; i++)
        total += exp(log_w[i] - top);
    double want[Q] = { 0 }, want_icpt = 0.0, mass = 0.0;
    for (size_t r = 0; r < smi_search_result_n_top(res); r++) {
        size_t f[3], k;
        ck_assert_int_eq(smi_search_result_model(res, r, 3, f, NULL, &k, NULL, NULL, NULL), SMI_OK);
        double mean[3], icpt, F = subset_mean(ds, SMI_CRIT_FE_NG, f, k, mean, &icpt);
        double w = exp(-F - top) / total;
        mass += w;
        for (size_t t = 0; t < k; t++)
            want[f[t]] += w * mean[t];
        want_icpt += w * icpt;
    }
    double coef[Q], icpt, got_mass;
    ck_assert_int_eq(smi_search_result_model_average(res, Q, coef, &icpt, &got_mass), SMI_OK);
    ck_assert_msg(fabs(got_mass - mass) <= 1e-10 * mass, "mass %.15g, brute force %.15g",
                  got_mass, mass);
    ck_assert(mass < 1.0);
    for (size_t j = 0; j < Q; j++)
        ck_assert_msg(fabs(coef[j] - want[j] / mass) <= 1e-9 * fmax(1.0, fabs(want[j] / mass)),
                      "feature %zu: %.15g, brute force %.15g", j, coef[j], want[j] / mass);
    ck_assert(fabs(icpt - want_icpt / mass) <= 1e-9 * fmax(1.0, fabs(want_icpt / mass)));
    smi_search_result_free(res);
    smi_search_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

/* ---------- the same bits however the work is split ---------- */

typedef struct post_bits {
    double total, incl[P], size[P + 1], mass[64], coef[P], icpt, covered;
    size_t nb;
} post_bits;

static void bits_of(const smi_search_result *res, post_bits *pb)
{
    memset(pb, 0, sizeof *pb);
    ck_assert_int_eq(smi_search_result_log_evidence_total(res, &pb->total), SMI_OK);
    ck_assert_int_eq(smi_search_result_posterior_inclusion(res, P, pb->incl), SMI_OK);
    ck_assert_int_eq(smi_search_result_size_posterior(res, P + 1, pb->size), SMI_OK);
    pb->nb = smi_search_result_n_bins(res);
    ck_assert_uint_le(pb->nb, 64);
    ck_assert_int_eq(smi_search_result_dos_posterior(res, 64, pb->mass), SMI_OK);
    ck_assert_int_eq(smi_search_result_model_average(res, P, pb->coef, &pb->icpt, &pb->covered), SMI_OK);
}

START_TEST(threads_shards_and_files_give_the_same_bits)
{
    smi_dataset *ds = random_data(9);
    request rq = { .criterion = SMI_CRIT_FE_MARG, .prior = SMI_MODEL_PRIOR_UNIFORM, .q = 0.5,
                   .min_size = 1, .keep = P, .threads = 1 };
    smi_search_result *one = search(ds, &rq);
    post_bits a, b;
    bits_of(one, &a);
    size_t threads[] = { 2, 7 };
    for (size_t i = 0; i < 2; i++) {
        rq.threads = threads[i];
        smi_search_result *r = search(ds, &rq);
        bits_of(r, &b);
        ck_assert_msg(memcmp(&a, &b, sizeof a) == 0, "%zu threads differ", threads[i]);
        smi_search_result_free(r);
    }
    rq.threads = 2;
    rq.shards = 3;
    smi_search_result *parts[3], *merged;
    for (size_t s = 0; s < 3; s++) {
        rq.shard = s;
        parts[s] = search(ds, &rq);
    }
    ck_assert_int_eq(smi_search_result_merge(&merged, (const smi_search_result *const *)parts, 3), SMI_OK);
    bits_of(merged, &b);
    ck_assert_msg(memcmp(&a, &b, sizeof a) == 0, "merged shards differ");
    char path[] = "/tmp/check_search_post_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    smi_search_result *loaded;
    ck_assert_int_eq(smi_search_result_save(merged, path), SMI_OK);
    ck_assert_msg(smi_search_result_load(&loaded, path) == SMI_OK, "%s", smi_last_error());
    bits_of(loaded, &b);
    ck_assert_msg(memcmp(&a, &b, sizeof a) == 0, "loaded result differs");
    unlink(path);
    smi_search_result_free(loaded);
    smi_search_result_free(merged);
    for (size_t s = 0; s < 3; s++)
        smi_search_result_free(parts[s]);
    smi_search_result_free(one);
    smi_dataset_free(ds);
}
END_TEST

START_TEST(no_posterior_for_other_criteria_or_prior_none)
{
    smi_dataset *ds = random_data(3);
    request rq = { .criterion = SMI_CRIT_FE, .prior = SMI_MODEL_PRIOR_NONE, .min_size = 1, .keep = P };
    smi_search_result *res = search(ds, &rq);
    double total;
    ck_assert_int_eq(smi_search_result_log_evidence_total(res, &total), SMI_ENOTFOUND);
    smi_search_result_free(res);
    smi_search *cfg;
    ck_assert_int_eq(smi_search_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_search_run(ds, cfg, &res), SMI_OK); /* BIC */
    ck_assert_int_eq(smi_search_result_log_evidence_total(res, &total), SMI_ENOTFOUND);
    ck_assert_int_eq(smi_search_set_model_prior(cfg, SMI_MODEL_PRIOR_BERNOULLI, 1.0), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_model_prior(cfg, SMI_MODEL_PRIOR_BERNOULLI, NAN), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_model_prior(cfg, 7, 0.5), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_ratio_grid(cfg, 0.0, 1.0, 10), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_ratio_grid(cfg, 2.0, 1.0, 10), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_ratio_grid(cfg, 1.0, 2.0, 1), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_ratio_grid(cfg, 1.0, INFINITY, 10), SMI_EINVAL);
    smi_search_free(cfg);
    smi_search_result_free(res);
    smi_dataset_free(ds);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("search-posterior");
    TCase *t = tcase_create("criteria");
    tcase_set_timeout(t, 300);
    tcase_add_test(t, fe_marg_matches_brute_force);
    tcase_add_test(t, fe_opt_matches_brute_force);
    tcase_add_test(t, fe_opt_is_near_the_exact_optimum);
    suite_add_tcase(s, t);
    t = tcase_create("posterior");
    tcase_set_timeout(t, 300);
    tcase_add_test(t, uniform_prior_matches_brute_force);
    tcase_add_test(t, bernoulli_prior_with_limits_matches_brute_force);
    tcase_add_test(t, fe_marg_posterior_matches_brute_force);
    tcase_add_test(t, exact_average_matches_brute_force);
    tcase_add_test(t, exact_fe_marg_average_with_limits_matches_brute_force);
    tcase_add_test(t, top_average_covers_its_stated_mass);
    tcase_add_test(t, threads_shards_and_files_give_the_same_bits);
    tcase_add_test(t, no_posterior_for_other_criteria_or_prior_none);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
