/* The criterion fe-grid (SMI_CRIT_FE_GRID) against a brute force written here: on a small
 * random problem, for every subset S (the empty one included), the Gaussian log density of
 * the centred y under covariance sn^2 I + sc^2 Z_S Z_S' (Z_S the standardised features of S,
 * divisor n), by LAPACK's Cholesky factorisation of that n x n matrix, at every point of the
 * grid, plus the optional intercept term, weighted by trapezoid weights in sigma and the
 * priors, and summed. The gamma prior's normalisation is integrated here by Simpson's rule
 * in ln sigma. Each subset's value from the search (sweep), from smi_search_score_subset
 * (QR) and the feature posteriors are compared; then the settings' defaults, bounds and
 * the refusal of grids with too many distinct ratios. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sparsemi.h"
#include "testutil.h"

void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info,
             size_t uplo_len);

#define N 18
#define P 4
#define LN_2PI 1.8378770664093454836

typedef struct grid_case {
    double lo[2], hi[2];
    size_t n[2];
    int prior;
    double shape, scale;
    int term;
} grid_case;

static double X[N * P], y[N], Z[N * P], yc[N];

static void make_data(void)
{
    uint64_t s = 20261207;
    for (size_t i = 0; i < N; i++) {
        for (size_t j = 0; j < P; j++)
            X[i * P + j] = tu_normal(&s) * (1.0 + j) + 0.5 * j;
        y[i] = 1.2 * X[i * P] - 0.4 * X[i * P + 2] + 0.7 * tu_normal(&s) + 2.0;
    }
    double my = 0.0;
    for (size_t i = 0; i < N; i++)
        my += y[i] / N;
    for (size_t i = 0; i < N; i++)
        yc[i] = y[i] - my;
    for (size_t j = 0; j < P; j++) {
        double m = 0.0, v = 0.0;
        for (size_t i = 0; i < N; i++)
            m += X[i * P + j] / N;
        for (size_t i = 0; i < N; i++)
            v += (X[i * P + j] - m) * (X[i * P + j] - m) / N;
        for (size_t i = 0; i < N; i++)
            Z[i * P + j] = (X[i * P + j] - m) / sqrt(v);
    }
}

static double sigma_at(const grid_case *g, int a, size_t i)
{
    return g->lo[a] * pow(g->hi[a] / g->lo[a], (double)i / (double)(g->n[a] - 1));
}

static double trapezoid_weight(const grid_case *g, int a, size_t i)
{
    size_t l = i > 0 ? i - 1 : i, r = i + 1 < g->n[a] ? i + 1 : i;
    return 0.5 * (sigma_at(g, a, r) - sigma_at(g, a, l));
}

static double gamma_shape_only(const grid_case *g, double x)
{
    return pow(x, g->shape - 1.0) * exp(-x / g->scale);
}

/* Simpson's rule for the integral of x^(shape-1) exp(-x/scale) over [lo, hi], in u = ln x. */
static double gamma_mass(const grid_case *g, int a)
{
    const int m = 20000;
    double ul = log(g->lo[a]), uh = log(g->hi[a]), h = (uh - ul) / m, sum = 0.0;
    for (int t = 0; t <= m; t++) {
        double u = ul + t * h, f = gamma_shape_only(g, exp(u)) * exp(u);
        sum += (t == 0 || t == m ? 1.0 : t % 2 ? 4.0 : 2.0) * f;
    }
    return sum * h / 3.0;
}

static double prior_density(const grid_case *g, int a, double x)
{
    if (g->prior == SMI_GRID_PRIOR_UNIFORM)
        return 1.0 / (g->hi[a] - g->lo[a]);
    if (g->prior == SMI_GRID_PRIOR_INVERSE)
        return 1.0 / (x * log(g->hi[a] / g->lo[a]));
    return gamma_shape_only(g, x) / gamma_mass(g, a);
}

/* ln N(yc; 0, sn^2 I + sc^2 Z_S Z_S') by Cholesky. */
static double log_gauss(unsigned mask, double sn, double sc)
{
    double C[N * N], w[N];
    for (size_t i = 0; i < N; i++)
        for (size_t k = 0; k < N; k++) {
            double zz = 0.0;
            for (size_t j = 0; j < P; j++)
                if (mask >> j & 1u)
                    zz += Z[i * P + j] * Z[k * P + j];
            C[i * N + k] = sc * sc * zz + (i == k ? sn * sn : 0.0);
        }
    int n = N, info = 0;
    dpotrf_("L", &n, C, &n, &info, 1); /* column-major lower = row-major upper: symmetric */
    ck_assert_int_eq(info, 0);
    double logdet = 0.0, q = 0.0;
    for (size_t i = 0; i < N; i++) { /* forward solve L w = yc, L[i][k] at C[k * N + i] */
        double t = yc[i];
        for (size_t k = 0; k < i; k++)
            t -= C[k * N + i] * w[k];
        w[i] = t / C[i * N + i];
        logdet += 2.0 * log(C[i * N + i]);
        q += w[i] * w[i];
    }
    return -0.5 * (N * LN_2PI + logdet + q);
}

static double brute_force_value(const grid_case *g, unsigned mask)
{
    double yy = 0.0, top = -INFINITY, sum = 0.0;
    for (size_t i = 0; i < N; i++)
        yy += yc[i] * yc[i];
    double *terms = malloc(g->n[0] * g->n[1] * sizeof *terms);
    ck_assert_ptr_nonnull(terms);
    for (size_t i = 0; i < g->n[0]; i++)
        for (size_t j = 0; j < g->n[1]; j++) {
            double sn = sigma_at(g, 0, i), sc = sigma_at(g, 1, j);
            double t = log_gauss(mask, sn, sc) + log(trapezoid_weight(g, 0, i))
                       + log(trapezoid_weight(g, 1, j)) + log(prior_density(g, 0, sn))
                       + log(prior_density(g, 1, sc));
            if (g->term)
                t += 0.5 * log(sn * sn / (yy + sn * sn));
            terms[i * g->n[1] + j] = t;
            top = t > top ? t : top;
        }
    for (size_t t = 0; t < g->n[0] * g->n[1]; t++)
        sum += exp(terms[t] - top);
    free(terms);
    return -(top + log(sum));
}

static smi_search *configure(const grid_case *g)
{
    smi_search *cfg = NULL;
    ck_assert_int_eq(smi_search_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_search_set_criterion(cfg, SMI_CRIT_FE_GRID), SMI_OK);
    ck_assert_int_eq(smi_search_set_sigma_noise_grid(cfg, g->lo[0], g->hi[0], g->n[0]), SMI_OK);
    ck_assert_int_eq(smi_search_set_sigma_coef_grid(cfg, g->lo[1], g->hi[1], g->n[1]), SMI_OK);
    ck_assert_int_eq(smi_search_set_grid_prior(cfg, g->prior, g->shape, g->scale), SMI_OK);
    ck_assert_int_eq(smi_search_set_intercept_term(cfg, g->term), SMI_OK);
    ck_assert_int_eq(smi_search_set_size_range(cfg, 0, 0), SMI_OK);
    ck_assert_int_eq(smi_search_set_top(cfg, 1u << P), SMI_OK);
    return cfg;
}

static const grid_case cases[] = {
    /* unequal steps: every one of the 5 x 6 points its own ratio */
    { { 0.3, 0.05 }, { 3.0, 8.0 }, { 5, 6 }, SMI_GRID_PRIOR_UNIFORM, 0, 0, 0 },
    /* equal steps in ln sigma: 2N - 1 = 11 distinct ratios for 36 points */
    { { 0.2, 0.1 }, { 6.4, 3.2 }, { 6, 6 }, SMI_GRID_PRIOR_INVERSE, 0, 0, 1 },
    /* a gamma prior (shape 2, scale 0.5 in sigma) */
    { { 0.25, 0.1 }, { 4.0, 4.0 }, { 7, 5 }, SMI_GRID_PRIOR_GAMMA, 2.0, 0.5, 1 },
};

START_TEST(test_every_subset_against_brute_force)
{
    const grid_case *g = &cases[_i];
    make_data();
    smi_dataset *ds = NULL;
    ck_assert_int_eq(smi_dataset_create(&ds, N, P, X, y, NULL, NULL), SMI_OK);
    smi_search *cfg = configure(g);
    smi_search_result *res = NULL;
    ck_assert_int_eq(smi_search_run(ds, cfg, &res), SMI_OK);
    ck_assert_uint_eq(smi_search_result_n_models(res), 1u << P);
    ck_assert_uint_eq(smi_search_result_n_top(res), 1u << P);
    double want[1u << P], mass = 0.0, top = INFINITY, incl[P] = { 0 };
    for (unsigned m = 0; m < (1u << P); m++) {
        want[m] = brute_force_value(g, m);
        top = want[m] < top ? want[m] : top;
    }
    for (size_t r = 0; r < (1u << P); r++) {
        size_t f[P], k = 0;
        double value;
        ck_assert_int_eq(smi_search_result_model(res, r, P, f, NULL, &k, &value, NULL, NULL),
                         SMI_OK);
        unsigned m = 0;
        for (size_t t = 0; t < k; t++)
            m |= 1u << f[t];
        ck_assert_msg(fabs(value - want[m]) <= 1e-9 * fmax(1.0, fabs(want[m])),
                      "subset %u: %.15g, brute force %.15g", m, value, want[m]);
        double direct;
        ck_assert_int_eq(smi_search_score_subset(ds, cfg, f, k, &direct), SMI_OK);
        ck_assert_msg(fabs(direct - want[m]) <= 1e-9 * fmax(1.0, fabs(want[m])),
                      "subset %u by QR: %.15g, brute force %.15g", m, direct, want[m]);
    }
    for (unsigned m = 0; m < (1u << P); m++) { /* uniform model prior over all subsets */
        double w = exp(-(want[m] - top));
        mass += w;
        for (size_t j = 0; j < P; j++)
            incl[j] += (m >> j & 1u) ? w : 0.0;
    }
    double got[P], total;
    ck_assert_int_eq(smi_search_result_posterior_inclusion(res, P, got), SMI_OK);
    for (size_t j = 0; j < P; j++)
        ck_assert_double_eq_tol(got[j], incl[j] / mass, 1e-10);
    ck_assert_int_eq(smi_search_result_log_evidence_total(res, &total), SMI_OK);
    ck_assert_double_eq_tol(total, -top + log(mass) - P * log(2.0), 1e-9);
    smi_search_result_free(res);
    smi_search_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

START_TEST(test_settings)
{
    smi_search *cfg = NULL;
    ck_assert_int_eq(smi_search_create(&cfg), SMI_OK);
    double lo, hi, shape, scale;
    size_t n;
    int kind, on;
    ck_assert_int_eq(smi_search_get_sigma_noise_grid(cfg, &lo, &hi, &n), SMI_OK);
    ck_assert_double_eq_tol(lo, pow(10.0, -2.5), 1e-18);
    ck_assert_double_eq_tol(hi, pow(10.0, 0.5), 1e-15);
    ck_assert_uint_eq(n, 20);
    ck_assert_int_eq(smi_search_get_sigma_coef_grid(cfg, &lo, &hi, &n), SMI_OK);
    ck_assert(lo == 0.01 && hi == 10.0 && n == 20);
    ck_assert_int_eq(smi_search_get_grid_prior(cfg, &kind, &shape, &scale), SMI_OK);
    ck_assert(kind == SMI_GRID_PRIOR_INVERSE && shape == 0.0 && scale == 0.0);
    ck_assert_int_eq(smi_search_get_intercept_term(cfg, &on), SMI_OK);
    ck_assert_int_eq(on, 0);
    ck_assert_int_eq(smi_criterion_flags(SMI_CRIT_FE_GRID),
                     SMI_CRITERION_FREE_ENERGY | SMI_CRITERION_SIGMA_GRID);
    int code;
    ck_assert_int_eq(smi_criterion_from_name("fe-grid", &code), SMI_OK);
    ck_assert_int_eq(code, SMI_CRIT_FE_GRID);
    ck_assert_str_eq(smi_criterion_name(SMI_CRIT_FE_GRID), "fe-grid");
    /* refused values leave the setting as it was */
    ck_assert_int_eq(smi_search_set_sigma_noise_grid(cfg, 1.0, 1.0, 5), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_sigma_noise_grid(cfg, 0.0, 1.0, 5), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_sigma_coef_grid(cfg, 0.1, INFINITY, 5), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_sigma_coef_grid(cfg, 0.1, 1.0, 1), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_sigma_coef_grid(cfg, 0.1, 1.0, SMI_SIGMA_GRID_MAX + 1),
                     SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_grid_prior(cfg, 7, 0, 0), SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_grid_prior(cfg, SMI_GRID_PRIOR_GAMMA, -1.0, 1.0),
                     SMI_EINVAL);
    ck_assert_int_eq(smi_search_set_intercept_term(cfg, 2), SMI_EINVAL);
    ck_assert_int_eq(smi_search_get_sigma_coef_grid(cfg, &lo, &hi, &n), SMI_OK);
    ck_assert(lo == 0.01 && hi == 10.0 && n == 20);
    ck_assert_int_eq(smi_search_set_grid_prior(cfg, SMI_GRID_PRIOR_GAMMA, 1e-3, 1e3), SMI_OK);
    ck_assert_int_eq(smi_search_get_grid_prior(cfg, &kind, &shape, &scale), SMI_OK);
    ck_assert(kind == SMI_GRID_PRIOR_GAMMA && shape == 1e-3 && scale == 1e3);
    ck_assert_int_eq(smi_search_get_grid_prior(cfg, &kind, NULL, &scale), SMI_EINVAL);
    ck_assert_int_eq(smi_search_get_intercept_term(NULL, &on), SMI_EINVAL);
    /* a copy carries the settings */
    smi_search *copy = NULL;
    ck_assert_int_eq(smi_search_copy(&copy, cfg), SMI_OK);
    ck_assert_int_eq(smi_search_get_grid_prior(copy, &kind, &shape, &scale), SMI_OK);
    ck_assert(kind == SMI_GRID_PRIOR_GAMMA && shape == 1e-3 && scale == 1e3);
    smi_search_free(copy);
    smi_search_free(cfg);
}
END_TEST

START_TEST(test_too_many_ratios_refused)
{
    make_data();
    smi_dataset *ds = NULL;
    ck_assert_int_eq(smi_dataset_create(&ds, N, P, X, y, NULL, NULL), SMI_OK);
    grid_case g = { { 0.1, 0.1 }, { 1.0, 1.0 }, { 20, 21 }, SMI_GRID_PRIOR_INVERSE, 0, 0, 0 };
    smi_search *cfg = configure(&g);
    smi_search_result *res = NULL;
    ck_assert_int_eq(smi_search_run(ds, cfg, &res), SMI_EINVAL);
    ck_assert_ptr_null(res);
    ck_assert_ptr_nonnull(strstr(smi_last_error(), "distinct ratios"));
    size_t f[1] = { 0 };
    double v;
    ck_assert_int_eq(smi_search_score_subset(ds, cfg, f, 1, &v), SMI_EINVAL);
    /* equal steps: 2 x 128 - 1 = 255 ratios fit */
    ck_assert_int_eq(smi_search_set_sigma_noise_grid(cfg, 0.1, 10.0, 128), SMI_OK);
    ck_assert_int_eq(smi_search_set_sigma_coef_grid(cfg, 0.01, 1.0, 128), SMI_OK);
    ck_assert_int_eq(smi_search_score_subset(ds, cfg, f, 1, &v), SMI_OK);
    ck_assert(isfinite(v));
    smi_search_free(cfg);
    smi_dataset_free(ds);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fe-grid");
    TCase *tc = tcase_create("fe-grid");
    tcase_add_loop_test(tc, test_every_subset_against_brute_force, 0,
                        (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, test_settings);
    tcase_add_test(tc, test_too_many_ratios_refused);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
