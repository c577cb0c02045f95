/* Bayesian model evidence of one model (lib/bayes) against independent references, through
 * the public header only. The test forms the design itself (each feature centred with its
 * mean and divided by its standard deviation, divisor n; y centred) and computes:
 *  - fixed: F = -ln N(y; 0, beta^-1 I + alpha^-1 Z Z'), the dense n x n Gaussian, by a
 *    Cholesky factorisation of the n x n covariance (dpotrf);
 *  - optimize: the gradient of F in (ln alpha, ln beta) at the optimum, by central finite
 *    differences of the fixed mode; scikit-learn's BayesianRidge at the evidence maximum
 *    (tests/data/evidence_sklearn.txt, made by tests/data/make_evidence_sklearn.py);
 *  - marginal: the test's own grids, trapezoid weights and priors summed over the Gaussian
 *    evidence in SVD form (dgesvd of Z, not the library's eigenvalues of Z'Z): the same
 *    grid must agree to 1e-10, a 400 x 400 grid with the library's 200 x 200 to 1e-4;
 *  - normal-gamma: the dense multivariate Student-t density of y, t_{2 a0}(0,
 *    (b0/a0)(I + Z Z' / lambda)), by Cholesky;
 *  - posterior mean and covariance: A = alpha I + beta Z'Z solved and inverted by Cholesky
 *    (dposv, dpotri), in original units;
 *  - argument checks: statuses, messages, and the configuration left unchanged.
 * Random problems come from a seeded 64-bit LCG, so every run sees the same data. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sparsemi.h"
#include "testutil.h"

void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info,
             size_t uplo_len);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda,
             double *b, const int *ldb, int *info, size_t uplo_len);
void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info,
             size_t uplo_len);
void dgesvd_(const char *jobu, const char *jobvt, const int *m, const int *n, double *a,
             const int *lda, double *s, double *u, const int *ldu, double *vt, const int *ldvt,
             double *work, const int *lwork, int *info, size_t jobu_len, size_t jobvt_len);

#define LN_2PI 1.8378770664093454835606594728112353
#define PI 3.14159265358979323846264338327950288
#define MAX_K 48
#define REL_TOL 1e-10

/* ------------------------------------------------------------------------------------
 * Data
 * ------------------------------------------------------------------------------------ */

typedef struct {
    size_t n, p;
    double *X, *y; /* row-major n x p, n */
    smi_dataset *ds;
} data;

enum { PLAIN, COLLINEAR, OFFSET };

/* n x p normal features (kind COLLINEAR: x1 = x0 + 0.01 noise; OFFSET: every feature
 * shifted by 1e3 and scaled), y = 1.5 x0 - 0.7 x2 (if any) + 0.5 noise + 3. */
static data data_random(uint64_t seed, size_t n, size_t p, int kind)
{
    data d = { .n = n, .p = p };
    d.X = malloc(n * p * sizeof *d.X);
    d.y = malloc(n * sizeof *d.y);
    ck_assert(d.X && d.y);
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < p; j++)
            d.X[i * p + j] = tu_normal(&s) * (1.0 + (double)j);
        if (kind == COLLINEAR && p > 1)
            d.X[i * p + 1] = d.X[i * p] + 0.01 * tu_normal(&s);
        d.y[i] = 1.5 * d.X[i * p] + (p > 2 ? -0.7 * d.X[i * p + 2] : 0.0) +
                 0.5 * tu_normal(&s) + 3.0;
        if (kind == OFFSET)
            for (size_t j = 0; j < p; j++)
                d.X[i * p + j] = 1e3 + 0.01 * d.X[i * p + j];
    }
    ck_assert_int_eq(smi_dataset_create(&d.ds, n, p, d.X, d.y, NULL, NULL), SMI_OK);
    return d;
}

/* Data with given X and y (copied). */
static data data_given(size_t n, size_t p, const double *X, const double *y)
{
    data d = { .n = n, .p = p };
    d.X = malloc(n * p * sizeof *d.X);
    d.y = malloc(n * sizeof *d.y);
    ck_assert(d.X && d.y);
    memcpy(d.X, X, n * p * sizeof *d.X);
    memcpy(d.y, y, n * sizeof *d.y);
    ck_assert_int_eq(smi_dataset_create(&d.ds, n, p, d.X, d.y, NULL, NULL), SMI_OK);
    return d;
}

static const char *source_path(const char *rel, char *buf, size_t size)
{
    const char *root = getenv("SMI_SOURCE_ROOT");
    snprintf(buf, size, "%s/%s", root ? root : "../..", rel);
    return buf;
}

/* A CSV file (relative to the source root): the first numeric column is y. */
static data data_csv(const char *rel)
{
    char path[4096];
    data d = { 0 };
    int rc = smi_dataset_read_csv(&d.ds, source_path(rel, path, sizeof path), NULL);
    ck_assert_msg(rc == SMI_OK, "%s: %s", path, smi_last_error());
    d.n = smi_dataset_n(d.ds);
    d.p = smi_dataset_p(d.ds);
    d.X = malloc(d.n * d.p * sizeof *d.X);
    d.y = malloc(d.n * sizeof *d.y);
    ck_assert(d.X && d.y);
    ck_assert_int_eq(smi_dataset_get_X(d.ds, d.X, d.n * d.p), SMI_OK);
    ck_assert_int_eq(smi_dataset_get_y(d.ds, d.y, d.n), SMI_OK);
    return d;
}

static void data_free(data *d)
{
    smi_dataset_free(d->ds);
    free(d->X);
    free(d->y);
}

/* Feature indices from a comma-separated list of names. */
static size_t parse_features(const data *d, const char *list, size_t *idx)
{
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", list);
    size_t k = 0;
    for (char *save = NULL, *name = strtok_r(copy, ",", &save); name;
         name = strtok_r(NULL, ",", &save)) {
        ck_assert_uint_lt(k, MAX_K);
        ck_assert_msg(smi_dataset_feature_index(d->ds, name, &idx[k]) == SMI_OK, "%s",
                      smi_last_error());
        k++;
    }
    return k;
}

/* ------------------------------------------------------------------------------------
 * The design as the test sees it
 * ------------------------------------------------------------------------------------ */

typedef struct {
    size_t n, k;
    double *Z; /* column-major n x k */
    double *y; /* n */
    double mean[MAX_K], scale[MAX_K], ymean, ysd;
} design;

static void mean_sd(const double *v, size_t n, size_t stride, double *mean, double *sd)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += v[i * stride];
    double m = s / (double)n, ss = 0.0;
    for (size_t i = 0; i < n; i++)
        ss += (v[i * stride] - m) * (v[i * stride] - m);
    *mean = m;
    *sd = sqrt(ss / (double)n);
}

static design design_make(const data *d, const size_t *S, size_t k, int intercept,
                          int standardize)
{
    design g = { .n = d->n, .k = k };
    g.Z = malloc(d->n * k * sizeof *g.Z);
    g.y = malloc(d->n * sizeof *g.y);
    ck_assert(g.Z && g.y && k <= MAX_K);
    for (size_t t = 0; t < k; t++) {
        double m, sd;
        mean_sd(d->X + S[t], d->n, d->p, &m, &sd);
        g.mean[t] = intercept ? m : 0.0;
        g.scale[t] = standardize && sd > 0.0 ? 1.0 / sd : 1.0;
        for (size_t i = 0; i < d->n; i++)
            g.Z[t * d->n + i] = (d->X[i * d->p + S[t]] - g.mean[t]) * g.scale[t];
    }
    double m;
    mean_sd(d->y, d->n, 1, &m, &g.ysd);
    g.ymean = intercept ? m : 0.0;
    for (size_t i = 0; i < d->n; i++)
        g.y[i] = d->y[i] - g.ymean;
    return g;
}

static void design_free(design *g)
{
    free(g->Z);
    free(g->y);
}

/* ------------------------------------------------------------------------------------
 * Oracles
 * ------------------------------------------------------------------------------------ */

/* -ln N(y; 0, C) for the n x n covariance C = c0 I + c1 Z Z', with (for the Student-t)
 * *quad = y'C^-1 y and *logdet = ln|C|. */
static double dense_gaussian(const design *g, double c0, double c1, double *quad,
                             double *logdet)
{
    size_t n = g->n;
    double *C = malloc(n * n * sizeof *C), *v = malloc(n * sizeof *v);
    ck_assert(C && v);
    for (size_t a = 0; a < n; a++) {
        for (size_t b = 0; b < n; b++) {
            double s = 0.0;
            for (size_t t = 0; t < g->k; t++)
                s += g->Z[t * n + a] * g->Z[t * n + b];
            C[b * n + a] = c1 * s + (a == b ? c0 : 0.0);
        }
    }
    int nn = (int)n, one = 1, info = 0;
    dpotrf_("L", &nn, C, &nn, &info, 1);
    ck_assert_int_eq(info, 0);
    double ld = 0.0, q = 0.0;
    for (size_t i = 0; i < n; i++)
        ld += 2.0 * log(C[i * n + i]);
    memcpy(v, g->y, n * sizeof *v);
    dpotrs_("L", &nn, &one, C, &nn, v, &nn, &info, 1);
    ck_assert_int_eq(info, 0);
    for (size_t i = 0; i < n; i++)
        q += g->y[i] * v[i];
    free(C);
    free(v);
    if (quad)
        *quad = q;
    if (logdet)
        *logdet = ld;
    return 0.5 * ((double)n * LN_2PI + ld + q);
}

/* The fixed-hyperparameter free energy: the dense Gaussian with C = beta^-1 I + alpha^-1 ZZ'. */
static double oracle_fixed_F(const design *g, double alpha, double beta)
{
    return dense_gaussian(g, 1.0 / beta, 1.0 / alpha, NULL, NULL);
}

/* -ln p(y) under the normal-gamma prior: y ~ t_{2 a0}(0, (b0/a0)(I + Z Z' / lambda)). */
static double oracle_student_t(const design *g, double lambda, double a0, double b0)
{
    double q, ld, n = (double)g->n, nu = 2.0 * a0;
    dense_gaussian(g, b0 / a0, b0 / (a0 * lambda), &q, &ld);
    double lp = lgamma(0.5 * (nu + n)) - lgamma(0.5 * nu) - 0.5 * n * log(nu * PI) - 0.5 * ld -
                0.5 * (nu + n) * log1p(q / nu);
    return -lp;
}

/* Posterior at (alpha, beta): A = alpha I + beta Z'Z by Cholesky, m = beta A^-1 Z'y,
 * covariance A^-1 (dpotri); in original units. Also R = |y - Z m|^2 and M = |m|^2 and
 * ln|A| (standardised). */
typedef struct {
    double mean[MAX_K], intercept, cov[MAX_K * MAX_K];
    double rss, m2, logdet;
} posterior;

static posterior oracle_posterior(const design *g, double alpha, double beta)
{
    size_t n = g->n, k = g->k;
    double A[MAX_K * MAX_K], m[MAX_K];
    posterior po;
    memset(&po, 0, sizeof po);
    for (size_t a = 0; a < k; a++) {
        double s = 0.0;
        for (size_t i = 0; i < n; i++)
            s += g->Z[a * n + i] * g->y[i];
        m[a] = beta * s;
        for (size_t b = 0; b < k; b++) {
            double t = 0.0;
            for (size_t i = 0; i < n; i++)
                t += g->Z[a * n + i] * g->Z[b * n + i];
            A[b * k + a] = beta * t + (a == b ? alpha : 0.0);
        }
    }
    int kk = (int)k, one = 1, info = 0;
    dpotrf_("L", &kk, A, &kk, &info, 1);
    ck_assert_int_eq(info, 0);
    for (size_t i = 0; i < k; i++)
        po.logdet += 2.0 * log(A[i * k + i]);
    dpotrs_("L", &kk, &one, A, &kk, m, &kk, &info, 1);
    ck_assert_int_eq(info, 0);
    dpotri_("L", &kk, A, &kk, &info, 1);
    ck_assert_int_eq(info, 0);
    for (size_t i = 0; i < n; i++) {
        double r = g->y[i];
        for (size_t t = 0; t < k; t++)
            r -= g->Z[t * n + i] * m[t];
        po.rss += r * r;
    }
    po.intercept = g->ymean;
    for (size_t t = 0; t < k; t++) {
        po.m2 += m[t] * m[t];
        po.mean[t] = m[t] * g->scale[t];
        po.intercept -= g->mean[t] * po.mean[t];
    }
    for (size_t a = 0; a < k; a++)
        for (size_t b = 0; b < k; b++) {
            double v = a >= b ? A[b * k + a] : A[a * k + b]; /* lower triangle holds A^-1 */
            po.cov[a * k + b] = v * g->scale[a] * g->scale[b];
        }
    return po;
}

/* The Gaussian evidence in SVD form, O(k) per (alpha, beta): with Z = U S W', d = U'y,
 * ln|C| = -n ln beta + sum ln(1 + beta s_i^2 / alpha),
 * y'C^-1 y = beta (y'y - sum d_i^2 beta s_i^2 / (alpha + beta s_i^2)). */
typedef struct {
    size_t n, k;
    double s2[MAX_K], d2[MAX_K], yy;
} svd_form;

static svd_form svd_prepare(const design *g)
{
    svd_form f = { .n = g->n, .k = g->k };
    int m = (int)g->n, n = (int)g->k, lwork = -1, info = 0, one = 1;
    double *a = malloc(g->n * g->k * sizeof *a), *u = malloc(g->n * g->k * sizeof *u);
    double s[MAX_K], query;
    ck_assert(a && u);
    memcpy(a, g->Z, g->n * g->k * sizeof *a);
    dgesvd_("S", "N", &m, &n, a, &m, s, u, &m, NULL, &one, &query, &lwork, &info, 1, 1);
    lwork = (int)query;
    double *work = malloc((size_t)lwork * sizeof *work);
    ck_assert(work);
    dgesvd_("S", "N", &m, &n, a, &m, s, u, &m, NULL, &one, work, &lwork, &info, 1, 1);
    ck_assert_int_eq(info, 0);
    for (size_t t = 0; t < g->k; t++) {
        double d = 0.0;
        for (size_t i = 0; i < g->n; i++)
            d += u[t * g->n + i] * g->y[i];
        f.s2[t] = s[t] * s[t];
        f.d2[t] = d * d;
    }
    for (size_t i = 0; i < g->n; i++)
        f.yy += g->y[i] * g->y[i];
    free(a);
    free(u);
    free(work);
    return f;
}

static double svd_F(const svd_form *f, double alpha, double beta)
{
    double n = (double)f->n, ld = -n * log(beta), e = 0.0;
    for (size_t t = 0; t < f->k; t++) {
        ld += log1p(beta * f->s2[t] / alpha);
        e += f->d2[t] * beta * f->s2[t] / (alpha + beta * f->s2[t]);
    }
    return 0.5 * (n * LN_2PI + ld + beta * (f->yy - e));
}

static double svd_gamma(const svd_form *f, double alpha, double beta)
{
    double s = 0.0;
    for (size_t t = 0; t < f->k; t++)
        s += beta * f->s2[t] / (alpha + beta * f->s2[t]);
    return s;
}

/* The marginal mode's grid, written here from the header's description: N log-spaced points
 * from lo to hi, trapezoid weights in sigma, prior densities normalised over [lo, hi]. */
static void test_grid(double lo, double hi, size_t N, int prior, double shape, double scale,
                      double *u, double *w)
{
    for (size_t i = 0; i < N; i++)
        u[i] = exp(log(lo) + (log(hi) - log(lo)) * (double)i / (double)(N - 1));
    u[0] = lo;
    u[N - 1] = hi;
    double total = 0.0;
    for (size_t i = 0; i < N; i++) {
        double width = 0.5 * ((i + 1 < N ? u[i + 1] : u[i]) - (i > 0 ? u[i - 1] : u[i]));
        double density = prior == SMI_PRIOR_INVERSE ? 1.0 / (u[i] * log(hi / lo))
                         : prior == SMI_PRIOR_UNIFORM
                             ? 1.0 / (hi - lo)
                             : pow(u[i], shape - 1.0) * exp(-u[i] / scale) /
                                   (tgamma(shape) * pow(scale, shape));
        w[i] = width * density;
        total += w[i];
    }
    if (prior == SMI_PRIOR_GAMMA)
        for (size_t i = 0; i < N; i++)
            w[i] /= total;
}

typedef struct {
    double lo, hi;
    size_t N;
} grid_spec;

/* -ln sum w_a w_b p(y | alpha_b, beta_a) with the posterior means of alpha and beta. */
static double oracle_marginal(const design *g, grid_spec noise, grid_spec coef, int prior,
                              double shape, double scale, double *mean_alpha,
                              double *mean_beta)
{
    svd_form f = svd_prepare(g);
    double *un = malloc(noise.N * sizeof *un), *wn = malloc(noise.N * sizeof *wn);
    double *uc = malloc(coef.N * sizeof *uc), *wc = malloc(coef.N * sizeof *wc);
    double *lt = malloc(noise.N * coef.N * sizeof *lt);
    ck_assert(un && wn && uc && wc && lt);
    test_grid(noise.lo, noise.hi, noise.N, prior, shape, scale, un, wn);
    test_grid(coef.lo, coef.hi, coef.N, prior, shape, scale, uc, wc);
    double top = -INFINITY;
    for (size_t a = 0; a < noise.N; a++)
        for (size_t b = 0; b < coef.N; b++) {
            double beta = 1.0 / pow(g->ysd * un[a], 2), alpha = 1.0 / pow(g->ysd * uc[b], 2);
            double t = log(wn[a]) + log(wc[b]) - svd_F(&f, alpha, beta);
            lt[a * coef.N + b] = t;
            top = fmax(top, t);
        }
    double s = 0.0, sa = 0.0, sb = 0.0;
    for (size_t a = 0; a < noise.N; a++)
        for (size_t b = 0; b < coef.N; b++) {
            double e = exp(lt[a * coef.N + b] - top);
            s += e;
            sa += e / pow(g->ysd * uc[b], 2);
            sb += e / pow(g->ysd * un[a], 2);
        }
    *mean_alpha = sa / s;
    *mean_beta = sb / s;
    free(un);
    free(wn);
    free(uc);
    free(wc);
    free(lt);
    return -(top + log(s));
}

/* ------------------------------------------------------------------------------------
 * Library calls and comparisons
 * ------------------------------------------------------------------------------------ */

static smi_evidence_result *fit_ok(const data *d, const size_t *S, size_t k,
                            const smi_evidence *cfg)
{
    smi_evidence_result *ev = NULL;
    int rc = smi_evidence_run(d->ds, S, k, cfg, &ev);
    ck_assert_msg(rc == SMI_OK, "smi_evidence_run: %s (%s)", smi_strerror(rc), smi_last_error());
    ck_assert_ptr_nonnull(ev);
    return ev;
}

static double fixed_F(const data *d, const size_t *S, size_t k, int intercept, double alpha,
                      double beta)
{
    smi_evidence *cfg;
    ck_assert_int_eq(smi_evidence_create(&cfg), SMI_OK);
    smi_evidence_set_mode(cfg, SMI_HYPER_FIXED);
    smi_evidence_set_intercept(cfg, intercept);
    ck_assert_int_eq(smi_evidence_set_hyper(cfg, alpha, beta), SMI_OK);
    smi_evidence_result *ev = fit_ok(d, S, k, cfg);
    double F = smi_evidence_result_free_energy(ev);
    smi_evidence_result_free(ev);
    smi_evidence_free(cfg);
    return F;
}

static void assert_rel(double got, double want, double rel, const char *what)
{
    ck_assert_msg(fabs(got - want) <= rel * fabs(want), "%s: %.17g, expected %.17g (rel %.3g)",
                  what, got, want, fabs(got - want) / fabs(want));
}

/* Vectors compared relative to the largest entry of the reference. */
static void assert_vec(const double *got, const double *want, size_t len, double rel,
                       const char *what)
{
    double big = 0.0, err = 0.0;
    for (size_t i = 0; i < len; i++) {
        big = fmax(big, fabs(want[i]));
        err = fmax(err, fabs(got[i] - want[i]));
    }
    ck_assert_msg(err <= rel * big, "%s: max difference %.3g, largest entry %.3g (rel %.3g)",
                  what, err, big, err / big);
}

/* The reported posterior against the dense oracle at the reported alpha and beta, and the
 * fit part of F from the oracle's residual. */
static void assert_posterior(const smi_evidence_result *ev, const design *g, double rel)
{
    double alpha = smi_evidence_result_alpha(ev), beta = smi_evidence_result_beta(ev);
    posterior po = oracle_posterior(g, alpha, beta);
    double mean[MAX_K], cov[MAX_K * MAX_K], intercept;
    size_t k = g->k;
    ck_assert_int_eq(smi_evidence_result_mean(ev, k, mean, &intercept), SMI_OK);
    ck_assert_int_eq(smi_evidence_result_covariance(ev, k * k, cov), SMI_OK);
    assert_vec(mean, po.mean, k, rel, "posterior mean");
    assert_vec(cov, po.cov, k * k, rel, "posterior covariance");
    double scale = fabs(g->ymean) + fabs(po.intercept) + 1.0;
    ck_assert_msg(fabs(intercept - po.intercept) <= rel * scale, "intercept %.17g, want %.17g",
                  intercept, po.intercept);
    double n = (double)g->n;
    double fit = 0.5 * (beta * po.rss + alpha * po.m2 - n * log(beta) + n * LN_2PI);
    ck_assert_msg(fabs(smi_evidence_result_fit_term(ev) - fit) <= rel * fmax(1.0, fabs(fit)),
                  "fit term %.17g, want %.17g", smi_evidence_result_fit_term(ev), fit);
    double F = smi_evidence_result_free_energy(ev);
    ck_assert_msg(fabs(smi_evidence_result_fit_term(ev) + smi_evidence_result_complexity_term(ev) - F) <=
                      1e-12 * fmax(1.0, fabs(F)), "fit + complexity != F");
    svd_form f = svd_prepare(g);
    assert_rel(smi_evidence_result_gamma_eff(ev), svd_gamma(&f, alpha, beta), rel, "gamma_eff");
    assert_rel(smi_evidence_result_noise_sd(ev), 1.0 / sqrt(beta), 1e-15, "noise_sd");
}

static void assert_stationary(const data *d, const size_t *S, size_t k, int intercept,
                              const smi_evidence_result *ev);

static void assert_error_has(const char *needle)
{
    ck_assert_msg(strstr(smi_last_error(), needle) != NULL, "message '%s' lacks '%s'",
                  smi_last_error(), needle);
}

/* A run that succeeded with the caveat of no convergence: status SMI_ENOCONV, the caveat
 * saying `needle`, converged 0. */
static void assert_not_converged(const smi_evidence_result *ev, const char *needle)
{
    ck_assert_ptr_nonnull(ev);
    ck_assert_int_eq(smi_evidence_result_status(ev), SMI_ENOCONV);
    ck_assert_int_eq(smi_evidence_result_converged(ev), 0);
    const char *caveat = smi_evidence_result_caveat(ev);
    ck_assert_ptr_nonnull(caveat);
    ck_assert_msg(strstr(caveat, needle) != NULL, "caveat '%s' lacks '%s'", caveat, needle);
}

/* ------------------------------------------------------------------------------------
 * Fixed hyperparameters
 * ------------------------------------------------------------------------------------ */

static const struct fixed_case {
    int kind;
    size_t n, p, k;
    size_t S[4];
    double alpha, beta; /* beta 0: the default 1 / var(y) */
    int intercept, standardize;
} fixed_cases[] = {
    { PLAIN, 40, 6, 3, { 0, 2, 3 }, 1.0, 0.0, 1, 1 },
    { PLAIN, 40, 6, 3, { 3, 0, 2 }, 0.7, 3.0, 1, 1 },
    { PLAIN, 40, 6, 1, { 5 }, 10.0, 0.5, 1, 1 },
    { PLAIN, 40, 6, 4, { 1, 2, 4, 5 }, 0.1, 2.0, 1, 1 },
    { PLAIN, 12, 5, 4, { 0, 1, 2, 3 }, 2.0, 20.0, 1, 1 },
    { COLLINEAR, 30, 4, 3, { 0, 1, 2 }, 0.05, 1.0, 1, 1 },
    { OFFSET, 30, 4, 2, { 0, 2 }, 1.0, 0.0, 1, 1 },
    { PLAIN, 40, 6, 3, { 0, 2, 3 }, 0.5, 1.5, 0, 1 },
    { PLAIN, 40, 6, 3, { 0, 2, 3 }, 0.5, 1.5, 1, 0 },
    { PLAIN, 40, 6, 3, { 0, 2, 3 }, 0.5, 1.5, 0, 0 },
    { PLAIN, 5, 4, 4, { 0, 1, 2, 3 }, 1.0, 1.0, 0, 1 }, /* n = k + 1 without intercept */
};
#define N_FIXED_CASES (sizeof fixed_cases / sizeof fixed_cases[0])

START_TEST(fixed_matches_dense_gaussian)
{
    const struct fixed_case *c = &fixed_cases[_i];
    data d = data_random(1000 + (uint64_t)_i, c->n, c->p, c->kind);
    design g = design_make(&d, c->S, c->k, c->intercept, c->standardize);
    smi_evidence *cfg;
    ck_assert_int_eq(smi_evidence_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_evidence_set_mode(cfg, SMI_HYPER_FIXED), SMI_OK);
    ck_assert_int_eq(smi_evidence_set_intercept(cfg, c->intercept), SMI_OK);
    ck_assert_int_eq(smi_evidence_set_standardize(cfg, c->standardize), SMI_OK);
    double beta = c->beta;
    if (beta > 0.0)
        ck_assert_int_eq(smi_evidence_set_hyper(cfg, c->alpha, beta), SMI_OK);
    else
        beta = 1.0 / (g.ysd * g.ysd);
    smi_evidence_result *ev = fit_ok(&d, c->S, c->k, cfg);
    double want = oracle_fixed_F(&g, c->alpha, beta);
    assert_rel(smi_evidence_result_free_energy(ev), want, REL_TOL, "fixed F");
    assert_rel(smi_evidence_result_alpha(ev), c->alpha, 1e-15, "alpha");
    assert_rel(smi_evidence_result_beta(ev), beta, 1e-15, "beta");
    ck_assert_int_eq(smi_evidence_result_converged(ev), 1);
    ck_assert_uint_eq(smi_evidence_result_iterations(ev), 0);
    assert_posterior(ev, &g, 1e-9);
    /* the oracle in SVD form, used for the marginal mode below, agrees with the dense one */
    svd_form f = svd_prepare(&g);
    assert_rel(svd_F(&f, c->alpha, beta), want, REL_TOL, "SVD-form oracle");
    posterior po = oracle_posterior(&g, c->alpha, beta);
    double complexity = 0.5 * (po.logdet - (double)c->k * log(c->alpha));
    ck_assert_msg(fabs(smi_evidence_result_complexity_term(ev) - complexity) <=
                      1e-10 * fmax(1.0, fabs(complexity)),
                  "complexity %.17g, want %.17g", smi_evidence_result_complexity_term(ev), complexity);
    smi_evidence_result_free(ev);
    smi_evidence_free(cfg);
    design_free(&g);
    data_free(&d);
}
END_TEST

static const char *const octet_subsets[] = {
    "r_p_A",
    "r_s_B,r_p_A,r_p_B",
    "IP_A,EA_A,IP_B,EA_B,r_s_A,r_p_A",
    "IP_A,EA_A,E_HOMO_A,E_LUMO_A,r_s_A,r_p_A,r_d_A,IP_B,EA_B,E_HOMO_B,E_LUMO_B,r_s_B,r_p_B,"
    "r_d_B",
};
#define N_OCTET_SUBSETS (sizeof octet_subsets / sizeof octet_subsets[0])

START_TEST(fixed_matches_dense_gaussian_octet)
{
    static const double hyper[][2] = { { 1.0, 0.0 }, { 1e-2, 1.0 }, { 5.0, 30.0 }, { 0.3, 3.0 } };
    data d = data_csv("examples/data/octet_binaries.csv");
    size_t S[MAX_K], k = parse_features(&d, octet_subsets[_i], S);
    design g = design_make(&d, S, k, 1, 1);
    for (size_t h = 0; h < sizeof hyper / sizeof hyper[0]; h++) {
        double alpha = hyper[h][0], beta = hyper[h][1] > 0 ? hyper[h][1] : 1 / (g.ysd * g.ysd);
        smi_evidence *cfg;
        ck_assert_int_eq(smi_evidence_create(&cfg), SMI_OK);
        smi_evidence_set_mode(cfg, SMI_HYPER_FIXED);
        if (hyper[h][1] > 0)
            smi_evidence_set_hyper(cfg, alpha, beta);
        smi_evidence_result *ev = fit_ok(&d, S, k, cfg);
        assert_rel(smi_evidence_result_free_energy(ev), oracle_fixed_F(&g, alpha, beta), REL_TOL,
                   "octet fixed F");
        assert_posterior(ev, &g, 1e-9);
        smi_evidence_result_free(ev);
        smi_evidence_free(cfg);
    }
    design_free(&g);
    data_free(&d);
}
END_TEST

/* Models on both sides of the size where the library leaves its own small-matrix kernels
 * for LAPACK (32 features): fixed, optimised and normal-gamma against the references. */
START_TEST(large_models_match_references)
{
    static const size_t sizes[] = { 31, 32, 33, 40 };
    size_t k = sizes[_i], S[MAX_K];
    data d = data_random(4000 + (uint64_t)_i, 90, 44, PLAIN);
    for (size_t t = 0; t < k; t++)
        S[t] = (t * 7) % 44; /* 7 is prime to 44: distinct, in scrambled order */
    design g = design_make(&d, S, k, 1, 1);
    smi_evidence *cfg;
    ck_assert_int_eq(smi_evidence_create(&cfg), SMI_OK);
    smi_evidence_set_mode(cfg, SMI_HYPER_FIXED);
    smi_evidence_set_hyper(cfg, 3.0, 2.0);
    smi_evidence_result *ev = fit_ok(&d, S, k, cfg);
    assert_rel(smi_evidence_result_free_energy(ev), oracle_fixed_F(&g, 3.0, 2.0), REL_TOL, "fixed F");
    assert_posterior(ev, &g, 1e-9);
    smi_evidence_result_free(ev);
    smi_evidence_set_mode(cfg, SMI_HYPER_NG);
    smi_evidence_set_normal_gamma(cfg, 0.5, 2.0, 1.5);
    ev = fit_ok(&d, S, k, cfg);
    assert_rel(smi_evidence_result_free_energy(ev), oracle_student_t(&g, 0.5, 2.0, 1.5), REL_TOL,
               "normal-gamma F");
    assert_posterior(ev, &g, 1e-9);
    smi_evidence_result_free(ev);
    smi_evidence_set_mode(cfg, SMI_HYPER_OPTIMIZE);
    ev = fit_ok(&d, S, k, cfg);
    assert_stationary(&d, S, k, 1, ev);
    assert_posterior(ev, &g, 1e-9);
    smi_evidence_result_free(ev);
    smi_evidence_free(cfg);
    design_free(&g);
    data_free(&d);
}
END_TEST

/* ------------------------------------------------------------------------------------
 * Optimised hyperparameters
 * ------------------------------------------------------------------------------------ */

/* At the optimum the finite-difference gradient of the fixed-mode F in (ln alpha, ln beta)
 * vanishes, and F is no larger than at nearby points. */
static void assert_stationary(const data *d, const size_t *S, size_t k, int intercept,
                              const smi_evidence_result *ev)
{
    double alpha = smi_evidence_result_alpha(ev), beta = smi_evidence_result_beta(ev);
    double F = smi_evidence_result_free_energy(ev), h = 1e-4, e = exp(h);
    assert_rel(fixed_F(d, S, k, intercept, alpha, beta), F, 1e-13, "F at the optimum");
    double ga = (fixed_F(d, S, k, intercept, alpha * e, beta) -
                 fixed_F(d, S, k, intercept, alpha / e, beta)) / (2 * h);
    double gb = (fixed_F(d, S, k, intercept, alpha, beta * e) -
                 fixed_F(d, S, k, intercept, alpha, beta / e)) / (2 * h);
    double scale = fmax(1.0, fabs(F));
    ck_assert_msg(fabs(ga) <= 1e-6 * scale && fabs(gb) <= 1e-6 * scale,
                  "gradient at the optimum (%.3g, %.3g), F = %.17g", ga, gb, F);
    for (int s = 0; s < 4; s++) {
        double a = alpha * exp(s == 0 ? 0.01 : s == 1 ? -0.01 : 0.0);
        double b = beta * exp(s == 2 ? 0.01 : s == 3 ? -0.01 : 0.0);
        ck_assert(fixed_F(d, S, k, intercept, a, b) >= F);
    }
}

START_TEST(optimize_gradient_vanishes)
{
    const struct fixed_case *c = &fixed_cases[_i];
    if (!c->standardize)
        return;
    data d = data_random(1000 + (uint64_t)_i, c->n, c->p, c->kind);
    smi_evidence *cfg;
    ck_assert_int_eq(smi_evidence_create(&cfg), SMI_OK);
    smi_evidence_set_intercept(cfg, c->intercept);
    smi_evidence_result *ev = NULL;
    int rc = smi_evidence_run(d.ds, c->S, c->k, cfg, &ev);
    ck_assert_msg(rc == SMI_OK, "%s", smi_last_error());
    if (smi_evidence_result_status(ev) == SMI_ENOCONV) {
        /* only where the features carry no signal: F then falls all the way to alpha = inf */
        assert_not_converged(ev, "alpha grows without bound");
        double beta = smi_evidence_result_beta(ev), prev = INFINITY;
        for (double alpha = 1e-2; alpha < 1e9; alpha *= 100) {
            double F = fixed_F(&d, c->S, c->k, c->intercept, alpha, beta);
            ck_assert_msg(F < prev, "F(alpha = %g) = %.17g does not fall", alpha, F);
            prev = F;
        }
        ck_assert(smi_evidence_result_free_energy(ev) <= prev + 1e-9);
        smi_evidence_result_free(ev);
        smi_evidence_free(cfg);
        data_free(&d);
        return;
    }
    ck_assert_int_eq(smi_evidence_result_converged(ev), 1);
    ck_assert_str_eq(smi_evidence_result_caveat(ev), "");
    ck_assert_uint_ge(smi_evidence_result_iterations(ev), 1);
    assert_stationary(&d, c->S, c->k, c->intercept, ev);
    design g = design_make(&d, c->S, c->k, c->intercept, 1);
    assert_posterior(ev, &g, 1e-9);
    /* MacKay's fixed point holds: alpha = gamma / |m|^2, beta = (n - gamma) / R */
    posterior po = oracle_posterior(&g, smi_evidence_result_alpha(ev), smi_evidence_result_beta(ev));
    double gamma = smi_evidence_result_gamma_eff(ev);
    assert_rel(smi_evidence_result_alpha(ev), gamma / po.m2, 1e-7, "alpha = gamma / |m|^2");
    assert_rel(smi_evidence_result_beta(ev), ((double)c->n - gamma) / po.rss, 1e-7,
               "beta = (n - gamma) / R");
    /* far starting points reach the same optimum */
    static const double starts[][2] = { { 1e-6, 1e6 }, { 1e6, 1e-6 }, { 1e-3, 1e-3 } };
    for (size_t s = 0; s < 3; s++) {
        smi_evidence_result *other;
        smi_evidence_set_hyper(cfg, starts[s][0], starts[s][1]);
        other = fit_ok(&d, c->S, c->k, cfg);
        assert_rel(smi_evidence_result_alpha(other), smi_evidence_result_alpha(ev), 1e-8, "alpha, far start");
        assert_rel(smi_evidence_result_beta(other), smi_evidence_result_beta(ev), 1e-8, "beta, far start");
        assert_rel(smi_evidence_result_free_energy(other), smi_evidence_result_free_energy(ev), 1e-12,
                   "F, far start");
        smi_evidence_result_free(other);
    }
    smi_evidence_result_free(ev);
    smi_evidence_free(cfg);
    design_free(&g);
    data_free(&d);
}
END_TEST

/* scikit-learn's BayesianRidge (tests/data/evidence_sklearn.txt): alpha_ is our beta,
 * lambda_ our alpha. */
START_TEST(optimize_matches_sklearn)
{
    char path[4096], line[2048];
    FILE *f = fopen(source_path("tests/data/evidence_sklearn.txt", path, sizeof path), "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    size_t cases = 0;
    while (fgets(line, sizeof line, f)) {
        char file[512], features[1024];
        int intercept, iters;
        double beta, alpha;
        if (line[0] == '#' || sscanf(line, "%511s %d %1023s %lg %lg %d", file, &intercept,
                                     features, &beta, &alpha, &iters) != 6)
            continue;
        data d = data_csv(file);
        size_t S[MAX_K], k = parse_features(&d, features, S);
        smi_evidence *cfg;
        ck_assert_int_eq(smi_evidence_create(&cfg), SMI_OK);
        smi_evidence_set_intercept(cfg, intercept);
        smi_evidence_result *ev = fit_ok(&d, S, k, cfg);
        ck_assert_int_eq(smi_evidence_result_converged(ev), 1);
        assert_rel(smi_evidence_result_alpha(ev), alpha, 1e-6, features);
        assert_rel(smi_evidence_result_beta(ev), beta, 1e-6, features);
        assert_stationary(&d, S, k, intercept, ev);
        smi_evidence_result_free(ev);
        smi_evidence_free(cfg);
        data_free(&d);
        cases++;
    }
    fclose(f);
    ck_assert_uint_ge(cases, 7);
}
END_TEST

/* No finite optimum: y orthogonal to the feature (alpha -> infinity), y an exact linear
 * function of it (beta -> infinity), and too few iterations. A success with a caveat: the
 * run returns SMI_OK, the result at the last iterate says SMI_ENOCONV and why. */
START_TEST(optimize_reports_no_convergence)
{
    static const double x[8] = { 1, -1, 1, -1, 1, -1, 1, -1 };
    static const double orth[8] = { 1, 1, -1, -1, 1, 1, -1, -1 };
    double exact[8];
    for (int i = 0; i < 8; i++)
        exact[i] = 2.0 * x[i] * (1.0 + 0.1 * i) + 1.0;
    double x2[8];
    for (int i = 0; i < 8; i++)
        x2[i] = x[i] * (1.0 + 0.1 * i);
    size_t S[1] = { 0 };
    smi_evidence *cfg;
    ck_assert_int_eq(smi_evidence_create(&cfg), SMI_OK);

    data d = data_given(8, 1, x, orth);
    smi_evidence_result *ev = NULL;
    ck_assert_int_eq(smi_evidence_run(d.ds, S, 1, cfg, &ev), SMI_OK);
    assert_not_converged(ev, "alpha grows without bound");
    ck_assert(isfinite(smi_evidence_result_free_energy(ev)));
    smi_evidence_result_free(ev);
    data_free(&d);

    d = data_given(8, 1, x2, exact);
    ev = NULL;
    ck_assert_int_eq(smi_evidence_run(d.ds, S, 1, cfg, &ev), SMI_OK);
    assert_not_converged(ev, "beta grows without bound");
    smi_evidence_result_free(ev);
    data_free(&d);

    d = data_random(77, 30, 3, PLAIN);
    ck_assert_int_eq(smi_evidence_set_iterations(cfg, 2, 1e-12), SMI_OK);
    ck_assert_int_eq(smi_evidence_set_hyper(cfg, 1e-8, 1e-8), SMI_OK);
    ev = NULL;
    ck_assert_int_eq(smi_evidence_run(d.ds, S, 1, cfg, &ev), SMI_OK);
    assert_not_converged(ev, "did not converge in 2 iterations");
    ck_assert_uint_eq(smi_evidence_result_iterations(ev), 2);
    smi_evidence_result_free(ev);
    data_free(&d);
    smi_evidence_free(cfg);
}
END_TEST

/* ------------------------------------------------------------------------------------
 * Marginalised hyperparameters
 * ------------------------------------------------------------------------------------ */

static const struct prior_case {
    int prior;
    double shape, scale;
} prior_cases[] = {
    { SMI_PRIOR_INVERSE, 0, 0 },
    { SMI_PRIOR_UNIFORM, 0, 0 },
    { SMI_PRIOR_GAMMA, 2.0, 0.5 },
    { SMI_PRIOR_GAMMA, 0.7, 3.0 },
};
#define N_PRIOR_CASES (sizeof prior_cases / sizeof prior_cases[0])

static smi_evidence_result *fit_marginal(const data *d, const size_t *S, size_t k,
                                  const struct prior_case *pc, grid_spec noise, grid_spec coef)
{
    smi_evidence *cfg;
    ck_assert_int_eq(smi_evidence_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_evidence_set_mode(cfg, SMI_HYPER_MARGINAL), SMI_OK);
    ck_assert_int_eq(smi_evidence_set_prior(cfg, pc->prior, pc->shape, pc->scale), SMI_OK);
    ck_assert_int_eq(smi_evidence_set_grids(cfg, noise.lo, noise.hi, noise.N, coef.lo, coef.hi,
                                            coef.N), SMI_OK);
    smi_evidence_result *ev = fit_ok(d, S, k, cfg);
    smi_evidence_free(cfg);
    return ev;
}

/* The same grid and weights as the library: equal to rounding. */
START_TEST(marginal_same_grid_exact)
{
    const struct prior_case *pc = &prior_cases[_i];
    static const grid_spec grids[][2] = {
        { { 1e-3, 10.0, 20 }, { 1e-2, 1e2, 20 } }, /* the defaults */
        { { 0.05, 5.0, 15 }, { 0.1, 20.0, 12 } },
    };
    data d = data_random(2000 + (uint64_t)_i, 40, 6, PLAIN);
    size_t S[3] = { 0, 2, 3 };
    design g = design_make(&d, S, 3, 1, 1);
    for (size_t r = 0; r < 2; r++) {
        smi_evidence_result *ev = fit_marginal(&d, S, 3, pc, grids[r][0], grids[r][1]);
        double ma, mb;
        double want = oracle_marginal(&g, grids[r][0], grids[r][1], pc->prior, pc->shape,
                                      pc->scale, &ma, &mb);
        assert_rel(smi_evidence_result_free_energy(ev), want, REL_TOL, "marginal F, same grid");
        assert_rel(smi_evidence_result_alpha(ev), ma, REL_TOL, "posterior mean of alpha");
        assert_rel(smi_evidence_result_beta(ev), mb, REL_TOL, "posterior mean of beta");
        assert_posterior(ev, &g, 1e-9);
        smi_evidence_result_free(ev);
    }
    design_free(&g);
    data_free(&d);
}
END_TEST

/* The library's 200 x 200 grid against the test's 400 x 400 brute force: the integral. */
START_TEST(marginal_converges_to_integral)
{
    const struct prior_case *pc = &prior_cases[_i];
    grid_spec noise = { 1e-3, 10.0, 200 }, coef = { 1e-2, 1e2, 200 };
    grid_spec fine_noise = { 1e-3, 10.0, 400 }, fine_coef = { 1e-2, 1e2, 400 };
    data d = data_random(3000 + (uint64_t)_i, 40, 6, PLAIN);
    size_t S[3] = { 0, 2, 5 };
    design g = design_make(&d, S, 3, 1, 1);
    smi_evidence_result *ev = fit_marginal(&d, S, 3, pc, noise, coef);
    double ma, mb;
    double want = oracle_marginal(&g, fine_noise, fine_coef, pc->prior, pc->shape, pc->scale,
                                  &ma, &mb);
    assert_rel(smi_evidence_result_free_energy(ev), want, 1e-4, "marginal F, 200 vs 400 points");
    assert_rel(smi_evidence_result_alpha(ev), ma, 1e-3, "posterior mean of alpha, 200 vs 400");
    assert_rel(smi_evidence_result_beta(ev), mb, 1e-3, "posterior mean of beta, 200 vs 400");
    smi_evidence_result_free(ev);
    design_free(&g);
    data_free(&d);
}
END_TEST

/* The integral over the default ranges by the test's trapezoid rule in sigma on N and
 * 2N - 1 points per axis, extrapolated (Richardson: its error is even in the ln step). */
static double oracle_integral(const design *g, const struct prior_case *pc, size_t N,
                              double *mean_alpha, double *mean_beta)
{
    grid_spec noise = { 1e-3, 10.0, N }, coef = { 1e-2, 1e2, N };
    grid_spec noise2 = { 1e-3, 10.0, 2 * N - 1 }, coef2 = { 1e-2, 1e2, 2 * N - 1 };
    double ma, mb;
    double coarse = oracle_marginal(g, noise, coef, pc->prior, pc->shape, pc->scale, &ma, &mb);
    double fine = oracle_marginal(g, noise2, coef2, pc->prior, pc->shape, pc->scale,
                                  mean_alpha, mean_beta);
    *mean_alpha += (*mean_alpha - ma) / 3.0;
    *mean_beta += (*mean_beta - mb) / 3.0;
    return fine + (fine - coarse) / 3.0;
}

static smi_evidence_result *fit_marginal_default(const data *d, const size_t *S, size_t k,
                                                 const struct prior_case *pc)
{
    smi_evidence *cfg;
    ck_assert_int_eq(smi_evidence_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_evidence_set_mode(cfg, SMI_HYPER_MARGINAL), SMI_OK);
    ck_assert_int_eq(smi_evidence_set_prior(cfg, pc->prior, pc->shape, pc->scale), SMI_OK);
    smi_evidence_result *ev = fit_ok(d, S, k, cfg);
    smi_evidence_free(cfg);
    return ev;
}

/* Without set_grids the default ranges are integrated accurately: F and the posterior
 * means equal the brute-force integral, with a tiny error estimate (the 20-point grid of
 * the defaults was off by up to tens in F on real data). */
START_TEST(marginal_default_is_the_integral)
{
    const struct prior_case *pc = &prior_cases[_i];
    data d = data_random(3000 + (uint64_t)_i, 40, 6, PLAIN);
    size_t S[3] = { 0, 2, 5 };
    design g = design_make(&d, S, 3, 1, 1);
    smi_evidence_result *ev = fit_marginal_default(&d, S, 3, pc);
    double ma, mb, want = oracle_integral(&g, pc, 1001, &ma, &mb);
    ck_assert_msg(fabs(smi_evidence_result_free_energy(ev) - want) < 1e-7,
                  "default marginal F %.12g, integral %.12g", smi_evidence_result_free_energy(ev),
                  want);
    assert_rel(smi_evidence_result_alpha(ev), ma, 1e-6, "posterior mean of alpha");
    assert_rel(smi_evidence_result_beta(ev), mb, 1e-6, "posterior mean of beta");
    ck_assert(smi_evidence_result_quadrature_error(ev) < 1e-8);
    ck_assert_int_eq(smi_evidence_result_converged(ev), 1);
    smi_evidence_result_free(ev);
    design_free(&g);
    data_free(&d);
}
END_TEST

/* A given grid is used literally; its reported quadrature error bounds its distance from
 * the integral, and above 0.01 in F it is a caveat. */
START_TEST(marginal_given_grid_reports_its_error)
{
    const struct prior_case *pc = &prior_cases[_i];
    static const grid_spec grids[][2] = {
        { { 1e-3, 10.0, 20 }, { 1e-2, 1e2, 20 } },
        { { 1e-3, 10.0, 7 }, { 1e-2, 1e2, 9 } },
        { { 1e-3, 10.0, 300 }, { 1e-2, 1e2, 300 } },
    };
    data d = data_random(3000 + (uint64_t)_i, 40, 6, PLAIN);
    size_t S[3] = { 0, 2, 5 };
    design g = design_make(&d, S, 3, 1, 1);
    double ma, mb, exact = oracle_integral(&g, pc, 1001, &ma, &mb);
    for (size_t r = 0; r < sizeof grids / sizeof grids[0]; r++) {
        smi_evidence_result *ev = fit_marginal(&d, S, 3, pc, grids[r][0], grids[r][1]);
        double F = smi_evidence_result_free_energy(ev);
        double err = smi_evidence_result_quadrature_error(ev), truth = fabs(F - exact);
        ck_assert_msg(err >= truth - 1e-7 && err <= truth + 1e-6,
                      "grid %zu: reported error %.6g, true error %.6g", r, err, truth);
        int coarse = truth > 0.01 + 1e-6;
        if (coarse || err <= 0.01) {
            ck_assert_int_eq(smi_evidence_result_status(ev), coarse ? SMI_ENOCONV : SMI_OK);
            if (coarse)
                ck_assert_ptr_nonnull(strstr(smi_evidence_result_caveat(ev), "quadrature error"));
        }
        ck_assert_int_eq(smi_evidence_result_converged(ev), 1);
        smi_evidence_result_free(ev);
    }
    design_free(&g);
    data_free(&d);
}
END_TEST

/* A range that cuts the posterior (the noise range ending below the residual sd) is a
 * caveat naming that end; the default ranges hold this posterior. */
START_TEST(marginal_edge_is_flagged)
{
    data d = data_random(3000, 40, 6, PLAIN);
    size_t S[3] = { 0, 2, 5 };
    design g = design_make(&d, S, 3, 1, 1);
    const struct prior_case *pc = &prior_cases[0];
    smi_evidence_result *ev = fit_marginal_default(&d, S, 3, pc);
    ck_assert_msg(smi_evidence_result_status(ev) == SMI_OK, "caveat: %s",
                  smi_evidence_result_caveat(ev));
    double noise = smi_evidence_result_noise_sd(ev) / g.ysd;
    smi_evidence_result_free(ev);
    grid_spec cut = { 1e-3, 0.5 * noise, 400 }, coef = { 1e-2, 1e2, 400 };
    ev = fit_marginal(&d, S, 3, pc, cut, coef);
    ck_assert_int_eq(smi_evidence_result_status(ev), SMI_ENOCONV);
    ck_assert_ptr_nonnull(strstr(smi_evidence_result_caveat(ev),
                                 "upper end of the sigma_noise range"));
    ck_assert_int_eq(smi_evidence_result_converged(ev), 1);
    smi_evidence_result_free(ev);
    design_free(&g);
    data_free(&d);
}
END_TEST

/* ------------------------------------------------------------------------------------
 * Normal-gamma
 * ------------------------------------------------------------------------------------ */

START_TEST(normal_gamma_matches_student_t)
{
    static const double params[][3] = {
        { 1.0, 1e-6, 1e-6 }, { 0.5, 3.0, 2.0 }, { 10.0, 1.0, 0.1 }, { 1e-3, 20.0, 50.0 },
    };
    const struct fixed_case *c = &fixed_cases[_i];
    data d = data_random(1000 + (uint64_t)_i, c->n, c->p, c->kind);
    design g = design_make(&d, c->S, c->k, c->intercept, c->standardize);
    for (size_t r = 0; r < sizeof params / sizeof params[0]; r++) {
        double lambda = params[r][0], a0 = params[r][1], b0 = params[r][2];
        smi_evidence *cfg;
        ck_assert_int_eq(smi_evidence_create(&cfg), SMI_OK);
        smi_evidence_set_mode(cfg, SMI_HYPER_NG);
        smi_evidence_set_intercept(cfg, c->intercept);
        smi_evidence_set_standardize(cfg, c->standardize);
        if (r > 0)
            ck_assert_int_eq(smi_evidence_set_normal_gamma(cfg, lambda, a0, b0), SMI_OK);
        smi_evidence_result *ev = fit_ok(&d, c->S, c->k, cfg);
        assert_rel(smi_evidence_result_free_energy(ev), oracle_student_t(&g, lambda, a0, b0), REL_TOL,
                   "normal-gamma F");
        /* beta = a_n / b_n, b_n = b0 + (|y - Z m|^2 + lambda |m|^2) / 2 at ratio lambda */
        posterior po = oracle_posterior(&g, lambda, 1.0);
        double an = a0 + 0.5 * (double)c->n, bn = b0 + 0.5 * (po.rss + lambda * po.m2);
        assert_rel(smi_evidence_result_beta(ev), an / bn, 1e-10, "normal-gamma beta = a_n / b_n");
        assert_rel(smi_evidence_result_alpha(ev), lambda * an / bn, 1e-10, "alpha = lambda beta");
        assert_posterior(ev, &g, 1e-9);
        smi_evidence_result_free(ev);
        smi_evidence_free(cfg);
    }
    design_free(&g);
    data_free(&d);
}
END_TEST

/* ------------------------------------------------------------------------------------
 * Arguments
 * ------------------------------------------------------------------------------------ */

START_TEST(bad_hyperparameters_are_refused)
{
    const double bad[] = { 0.0, -1.0, NAN, INFINITY, -INFINITY };
    data d = data_random(5, 30, 3, PLAIN);
    size_t S[2] = { 0, 2 };
    smi_evidence *cfg;
    ck_assert_int_eq(smi_evidence_create(&cfg), SMI_OK);
    smi_evidence_set_mode(cfg, SMI_HYPER_FIXED);
    ck_assert_int_eq(smi_evidence_set_hyper(cfg, 0.5, 2.0), SMI_OK);
    double F = fixed_F(&d, S, 2, 1, 0.5, 2.0);
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        ck_assert_int_eq(smi_evidence_set_hyper(cfg, bad[b], 1.0), SMI_EINVAL);
        assert_error_has("alpha");
        if (bad[b] != 0.0) { /* beta 0 is the default 1 / var(y) */
            ck_assert_int_eq(smi_evidence_set_hyper(cfg, 1.0, bad[b]), SMI_EINVAL);
            assert_error_has("finite");
        }
        ck_assert_int_eq(smi_evidence_set_iterations(cfg, 10, bad[b]), SMI_EINVAL);
        assert_error_has("tolerance");
        ck_assert_int_eq(smi_evidence_set_normal_gamma(cfg, bad[b], 1, 1), SMI_EINVAL);
        ck_assert_int_eq(smi_evidence_set_normal_gamma(cfg, 1, bad[b], 1), SMI_EINVAL);
        ck_assert_int_eq(smi_evidence_set_normal_gamma(cfg, 1, 1, bad[b]), SMI_EINVAL);
        assert_error_has("normal-gamma");
        ck_assert_int_eq(smi_evidence_set_prior(cfg, SMI_PRIOR_GAMMA, bad[b], 1), SMI_EINVAL);
        ck_assert_int_eq(smi_evidence_set_prior(cfg, SMI_PRIOR_GAMMA, 1, bad[b]), SMI_EINVAL);
        assert_error_has("gamma prior");
        ck_assert_int_eq(smi_evidence_set_grids(cfg, bad[b], 1, 5, 1, 2, 5), SMI_EINVAL);
        ck_assert_int_eq(smi_evidence_set_grids(cfg, 1, 2, 5, 0.5, bad[b], 5), SMI_EINVAL);
        assert_error_has("sigma_coef");
    }
    ck_assert_int_eq(smi_evidence_set_iterations(cfg, 0, 1e-8), SMI_EINVAL);
    assert_error_has("iterations");
    ck_assert_int_eq(smi_evidence_set_grids(cfg, 2, 1, 5, 1, 2, 5), SMI_EINVAL);
    assert_error_has("sigma_noise");
    ck_assert_int_eq(smi_evidence_set_grids(cfg, 1, 1, 5, 1, 2, 5), SMI_EINVAL);
    ck_assert_int_eq(smi_evidence_set_grids(cfg, 1, 2, 1, 1, 2, 5), SMI_EINVAL);
    assert_error_has("at least 2");
    ck_assert_int_eq(smi_evidence_set_mode(cfg, 4), SMI_EINVAL);
    ck_assert_int_eq(smi_evidence_set_mode(cfg, -1), SMI_EINVAL);
    assert_error_has("mode");
    ck_assert_int_eq(smi_evidence_set_prior(cfg, 3, 1, 1), SMI_EINVAL);
    assert_error_has("prior");
    /* shape and scale are ignored for the other priors */
    ck_assert_int_eq(smi_evidence_set_prior(cfg, SMI_PRIOR_UNIFORM, -1, NAN), SMI_OK);
    /* every refusal left cfg as it was */
    smi_evidence_result *ev = fit_ok(&d, S, 2, cfg);
    ck_assert_double_eq(smi_evidence_result_free_energy(ev), F);
    smi_evidence_result_free(ev);
    /* NULL handles */
    ck_assert_int_eq(smi_evidence_set_mode(NULL, 0), SMI_EINVAL);
    ck_assert_int_eq(smi_evidence_set_hyper(NULL, 1, 1), SMI_EINVAL);
    ck_assert_int_eq(smi_evidence_create(NULL), SMI_EINVAL);
    smi_evidence_free(NULL);
    smi_evidence_result_free(NULL);
    ck_assert(isnan(smi_evidence_result_free_energy(NULL)) && isnan(smi_evidence_result_alpha(NULL)) &&
              isnan(smi_evidence_result_beta(NULL)) && isnan(smi_evidence_result_noise_sd(NULL)) &&
              isnan(smi_evidence_result_gamma_eff(NULL)) && isnan(smi_evidence_result_fit_term(NULL)) &&
              isnan(smi_evidence_result_complexity_term(NULL)));
    ck_assert_uint_eq(smi_evidence_result_iterations(NULL), 0);
    ck_assert_int_eq(smi_evidence_result_converged(NULL), 0);
    smi_evidence_free(cfg);
    data_free(&d);
}
END_TEST

static void expect_fit_error(const data *d, const size_t *S, size_t k,
                             const smi_evidence *cfg, int status, const char *needle)
{
    smi_evidence_result *ev = (smi_evidence_result *)&ev; /* any non-NULL value: must come back NULL */
    ck_assert_int_eq(smi_evidence_run(d ? d->ds : NULL, S, k, cfg, &ev), status);
    ck_assert_ptr_null(ev);
    assert_error_has(needle);
}

START_TEST(bad_subsets_are_refused)
{
    data d = data_random(6, 5, 4, PLAIN);
    smi_evidence *cfg;
    ck_assert_int_eq(smi_evidence_create(&cfg), SMI_OK);
    size_t S[5] = { 0, 1, 2, 3, 1 };
    expect_fit_error(&d, S, 0, cfg, SMI_EINVAL, "empty subset");
    expect_fit_error(&d, NULL, 2, cfg, SMI_EINVAL, "NULL");
    expect_fit_error(&d, S, 5, cfg, SMI_EINVAL, "appears twice");
    size_t out_of_range[2] = { 1, 4 };
    expect_fit_error(&d, out_of_range, 2, cfg, SMI_EINVAL, "has 4 features");
    /* n = 5: with an intercept n > k + 1, so k = 4 is too many; without, n > k */
    expect_fit_error(&d, S, 4, cfg, SMI_EINVAL, "too few");
    smi_evidence_result *ev = NULL;
    ck_assert_int_eq(smi_evidence_run(d.ds, S, 3, cfg, &ev), SMI_OK);
    smi_evidence_result_free(ev);
    smi_evidence_set_intercept(cfg, 0);
    smi_evidence_set_mode(cfg, SMI_HYPER_FIXED);
    ck_assert_int_eq(smi_evidence_run(d.ds, S, 4, cfg, &ev), SMI_OK);
    smi_evidence_result_free(ev);
    smi_evidence_set_intercept(cfg, 1);
    expect_fit_error(NULL, S, 1, cfg, SMI_EINVAL, "ds is NULL");
    expect_fit_error(&d, S, 1, NULL, SMI_EINVAL, "cfg is NULL");
    ck_assert_int_eq(smi_evidence_run(d.ds, S, 1, cfg, NULL), SMI_EINVAL);
    data_free(&d);

    /* a constant feature with the intercept; a constant target where sd(y) sets a scale */
    double X[12], y[6], yc[6];
    for (int i = 0; i < 6; i++) {
        X[2 * i] = 3.0;
        X[2 * i + 1] = i * i;
        y[i] = i;
        yc[i] = 2.0;
    }
    d = data_given(6, 2, X, y);
    size_t first = 0, both[2] = { 1, 0 };
    expect_fit_error(&d, &first, 1, cfg, SMI_ESINGULAR, "'x1' is constant");
    expect_fit_error(&d, both, 2, cfg, SMI_ESINGULAR, "'x1' is constant");
    data_free(&d);
    d = data_given(6, 2, X, yc);
    size_t second = 1;
    smi_evidence_set_mode(cfg, SMI_HYPER_MARGINAL);
    expect_fit_error(&d, &second, 1, cfg, SMI_EINVAL, "constant");
    smi_evidence_set_mode(cfg, SMI_HYPER_FIXED);
    expect_fit_error(&d, &second, 1, cfg, SMI_EINVAL, "1 / var(y)");
    smi_evidence_set_hyper(cfg, 1.0, 1.0); /* given beta: a constant target is fine */
    ck_assert_int_eq(smi_evidence_run(d.ds, &second, 1, cfg, &ev), SMI_OK);
    smi_evidence_result_free(ev);
    smi_evidence_set_mode(cfg, SMI_HYPER_NG);
    ck_assert_int_eq(smi_evidence_run(d.ds, &second, 1, cfg, &ev), SMI_OK);
    ck_assert(isfinite(smi_evidence_result_free_energy(ev)));
    /* accessors: capacity */
    double buf[1];
    ck_assert_int_eq(smi_evidence_result_mean(ev, 0, buf, NULL), SMI_EINVAL);
    ck_assert_int_eq(smi_evidence_result_mean(ev, 1, buf, NULL), SMI_OK);
    ck_assert_int_eq(smi_evidence_result_mean(ev, 0, NULL, buf), SMI_OK);
    ck_assert_int_eq(smi_evidence_result_covariance(ev, 0, buf), SMI_EINVAL);
    assert_error_has("capacity");
    ck_assert_int_eq(smi_evidence_result_mean(NULL, 1, buf, NULL), SMI_EINVAL);
    smi_evidence_result_free(ev);
    data_free(&d);
    smi_evidence_free(cfg);
}
END_TEST

/* The defaults: optimise from alpha = 1, beta = 1 / var(y), 1e-10, with the intercept. */
START_TEST(defaults_are_documented)
{
    data d = data_random(9, 40, 5, PLAIN);
    size_t S[2] = { 0, 2 };
    design g = design_make(&d, S, 2, 1, 1);
    smi_evidence *a, *b;
    smi_evidence_create(&a);
    smi_evidence_create(&b);
    smi_evidence_set_mode(b, SMI_HYPER_OPTIMIZE);
    smi_evidence_set_hyper(b, 1.0, 1.0 / (g.ysd * g.ysd));
    smi_evidence_set_iterations(b, 1000, 1e-10);
    smi_evidence_set_intercept(b, 1);
    smi_evidence_set_standardize(b, 1);
    smi_evidence_result *ea = fit_ok(&d, S, 2, a), *eb = fit_ok(&d, S, 2, b);
    assert_rel(smi_evidence_result_free_energy(ea), smi_evidence_result_free_energy(eb), 1e-14, "defaults");
    ck_assert_uint_eq(smi_evidence_result_iterations(ea), smi_evidence_result_iterations(eb));
    smi_evidence_result_free(ea);
    smi_evidence_result_free(eb);
    smi_evidence_free(a);
    smi_evidence_free(b);
    design_free(&g);
    data_free(&d);
}
END_TEST

/* A converged result says SMI_OK with no caveat, and smi_evidence_result_config gives the
 * configuration that made it, as it was then: a later change to the caller's configuration
 * does not reach it, and a run from it gives the same bits. */
START_TEST(result_keeps_status_and_configuration)
{
    data d = data_random(12, 30, 4, PLAIN);
    size_t S[2] = { 1, 3 };
    smi_evidence *cfg;
    ck_assert_int_eq(smi_evidence_create(&cfg), SMI_OK);
    ck_assert_int_eq(smi_evidence_set_mode(cfg, SMI_HYPER_FIXED), SMI_OK);
    ck_assert_int_eq(smi_evidence_set_hyper(cfg, 0.3, 2.5), SMI_OK);
    ck_assert_int_eq(smi_evidence_set_intercept(cfg, 0), SMI_OK);
    smi_evidence_result *ev = fit_ok(&d, S, 2, cfg);
    ck_assert_int_eq(smi_evidence_result_status(ev), SMI_OK);
    ck_assert_str_eq(smi_evidence_result_caveat(ev), "");
    double F = smi_evidence_result_free_energy(ev);
    ck_assert_double_eq(F, fixed_F(&d, S, 2, 0, 0.3, 2.5));
    ck_assert_int_eq(smi_evidence_set_hyper(cfg, 4.0, 0.5), SMI_OK);
    ck_assert_int_eq(smi_evidence_set_intercept(cfg, 1), SMI_OK);
    const smi_evidence *used = smi_evidence_result_config(ev);
    ck_assert_ptr_nonnull(used);
    smi_evidence_result *again = fit_ok(&d, S, 2, used);
    ck_assert_double_eq(smi_evidence_result_free_energy(again), F);
    ck_assert_double_eq(smi_evidence_result_alpha(again), 0.3);
    ck_assert_double_eq(smi_evidence_result_beta(again), 2.5);
    smi_evidence_result_free(again);
    smi_evidence_result_free(ev);
    ck_assert_int_eq(smi_evidence_result_status(NULL), SMI_EINVAL);
    smi_evidence_free(cfg);
    data_free(&d);
}
END_TEST

static Suite *evidence_suite(void)
{
    Suite *s = suite_create("evidence");
    TCase *tc = tcase_create("fixed");
    tcase_add_loop_test(tc, fixed_matches_dense_gaussian, 0, N_FIXED_CASES);
    tcase_add_loop_test(tc, fixed_matches_dense_gaussian_octet, 0, N_OCTET_SUBSETS);
    tcase_add_loop_test(tc, large_models_match_references, 0, 4);
    suite_add_tcase(s, tc);
    tc = tcase_create("optimize");
    tcase_add_loop_test(tc, optimize_gradient_vanishes, 0, N_FIXED_CASES);
    tcase_add_test(tc, optimize_matches_sklearn);
    tcase_add_test(tc, optimize_reports_no_convergence);
    suite_add_tcase(s, tc);
    tc = tcase_create("marginal");
    tcase_add_loop_test(tc, marginal_same_grid_exact, 0, N_PRIOR_CASES);
    tcase_add_loop_test(tc, marginal_converges_to_integral, 0, N_PRIOR_CASES);
    tcase_add_loop_test(tc, marginal_default_is_the_integral, 0, N_PRIOR_CASES);
    tcase_add_loop_test(tc, marginal_given_grid_reports_its_error, 0, N_PRIOR_CASES);
    tcase_add_test(tc, marginal_edge_is_flagged);
    suite_add_tcase(s, tc);
    tc = tcase_create("normal-gamma");
    tcase_add_loop_test(tc, normal_gamma_matches_student_t, 0, N_FIXED_CASES);
    suite_add_tcase(s, tc);
    tc = tcase_create("arguments");
    tcase_add_test(tc, bad_hyperparameters_are_refused);
    tcase_add_test(tc, bad_subsets_are_refused);
    tcase_add_test(tc, defaults_are_documented);
    tcase_add_test(tc, result_keeps_status_and_configuration);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(evidence_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
