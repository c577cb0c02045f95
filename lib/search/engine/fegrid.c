/* The fe-grid criterion (SMI_CRIT_FE_GRID): the evidence integrated over a grid of the noise
 * standard deviation sn and the coefficients' prior standard deviation sc, as the exhbma
 * package does (trapezoid weights in sigma, a prior on each sigma normalised over its grid's
 * range, optionally its intercept term). At a grid point the evidence depends on the data
 * only through the ratio lambda = sn^2 / sc^2:
 *   ln p(y | sn, sc) = -n/2 ln(2 pi sn^2) + k/2 ln lambda - 1/2 L(lambda) - R(lambda) / (2 sn^2)
 * with L = ln|lambda I + Z'Z| and R = min_w ||y - Zw||^2 + lambda ||w||^2 (from
 * |sn^2 I + sc^2 ZZ'| = sn^2n lambda^-k |lambda I + Z'Z| and
 * y'(sn^2 I + sc^2 ZZ')^-1 y = R / sn^2). So the search walks the tree of sweep_grid.c with
 * the distinct ratios of the grid as its ratio grid (one sweep each), and each grid point
 * then costs O(1): a table maps it to its ratio, and the terms that depend on sn or sc alone
 * are computed once here. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"

/* Two ratios whose ln differ by less than this are one (equal steps in ln sigma make
 * sn_i / sc_j equal for equal i - j, up to rounding). */
#define SAME_LN_RATIO 1e-12

/* ln sigma at point i of grid `which` (0 noise, 1 coefficients): equal steps in ln sigma. */
static double ln_sigma(const struct smi_search *cfg, int which, size_t i)
{
    double lo = log(cfg->sigma_lo[which]), hi = log(cfg->sigma_hi[which]);
    size_t n = cfg->sigma_n[which];
    return i + 1 == n ? hi : lo + (double)i * ((hi - lo) / (double)(n - 1));
}

/* ln of the trapezoid weight of point i in sigma: half the distance between its neighbours
 * (the point itself at an end), as exhbma's integrate_log_values_in_square. */
static double ln_trapezoid(const struct smi_search *cfg, int which, size_t i)
{
    size_t n = cfg->sigma_n[which];
    double left = exp(ln_sigma(cfg, which, i > 0 ? i - 1 : i));
    double right = exp(ln_sigma(cfg, which, i + 1 < n ? i + 1 : i));
    return log(0.5 * (right - left));
}

/* ln of the prior density of sigma = exp(ln_s) on grid `which`, normalised over [lo, hi]. */
static double ln_prior(const struct smi_search *cfg, int which, double ln_s)
{
    double lo = cfg->sigma_lo[which], hi = cfg->sigma_hi[which];
    if (cfg->grid_prior == SMI_GRID_PRIOR_UNIFORM)
        return -log(hi - lo);
    if (cfg->grid_prior == SMI_GRID_PRIOR_INVERSE)
        return -ln_s - log(log(hi / lo));
    double a = cfg->grid_shape, theta = cfg->grid_scale, zl = lo / theta, zh = hi / theta;
    /* the mass on [lo, hi] as a difference of whichever tail keeps it accurate */
    double mass = zl >= a + 1.0 ? smi_incomplete_gamma(a, zl, 1) - smi_incomplete_gamma(a, zh, 1)
                                : smi_incomplete_gamma(a, zh, 0) - smi_incomplete_gamma(a, zl, 0);
    return (a - 1.0) * ln_s - exp(ln_s) / theta - smi_lgamma(a) - a * log(theta) - log(mass);
}

typedef struct ratio_point {
    double ln_ratio;
    size_t at; /* i * n_coef + j */
} ratio_point;

static int compare_points(const void *a, const void *b)
{
    const ratio_point *x = a, *y = b;
    if (x->ln_ratio != y->ln_ratio)
        return x->ln_ratio < y->ln_ratio ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at);
}

/* The distinct ratios, ascending, into ln_ratio (up to `cap`), each point's index into
 * index (when not NULL); returns how many there are (counting past cap). */
static size_t distinct_ratios(const struct smi_search *cfg, double *ln_ratio, size_t cap,
                              uint8_t *index, ratio_point *pts)
{
    size_t nn = cfg->sigma_n[0], nc = cfg->sigma_n[1], count = 0;
    for (size_t i = 0; i < nn; i++)
        for (size_t j = 0; j < nc; j++)
            pts[i * nc + j] = (ratio_point){ 2.0 * (ln_sigma(cfg, 0, i) - ln_sigma(cfg, 1, j)),
                                             i * nc + j };
    qsort(pts, nn * nc, sizeof *pts, compare_points);
    double first = 0.0;
    for (size_t t = 0; t < nn * nc; t++) {
        if (t == 0 || pts[t].ln_ratio - first > SAME_LN_RATIO) {
            first = pts[t].ln_ratio;
            if (count < cap)
                ln_ratio[count] = first;
            count++;
        }
        if (index && count <= cap)
            index[pts[t].at] = (uint8_t)(count - 1);
    }
    return count;
}

int smi_fegrid_check(const struct smi_search *cfg)
{
    size_t nn = cfg->sigma_n[0], nc = cfg->sigma_n[1];
    ratio_point *pts = smi_alloc_array(nn * nc, sizeof *pts, "fe-grid points");
    if (!pts)
        return SMI_ENOMEM;
    double ln_ratio[SMI_RATIO_GRID_MAX];
    size_t count = distinct_ratios(cfg, ln_ratio, SMI_RATIO_GRID_MAX, NULL, pts);
    free(pts);
    SMI_FAIL_IF(count > SMI_RATIO_GRID_MAX, SMI_EINVAL,
                "fe-grid: the sigma grids (%zu x %zu points) give %zu distinct ratios "
                "sigma_noise^2 / sigma_coef^2, more than %d: use equal steps in ln sigma on "
                "both grids (2N - 1 ratios) or fewer points", nn, nc, count,
                SMI_RATIO_GRID_MAX);
    return SMI_OK;
}

void smi_fegrid_set_constants(smi_problem *pb)
{
    const struct smi_search *cfg = pb->cfg;
    size_t nn = cfg->sigma_n[0], nc = cfg->sigma_n[1];
    double n = (double)pb->n;
    ratio_point *pts = smi_alloc_array(nn * nc, sizeof *pts, "fe-grid points");
    pb->n_grid = 0; /* smi_fegrid_check has refused what does not fit */
    if (!pts)
        return;
    size_t count = distinct_ratios(cfg, pb->ln_ratio, SMI_RATIO_GRID_MAX, pb->fg_index, pts);
    free(pts);
    if (count > SMI_RATIO_GRID_MAX)
        return;
    pb->n_grid = count;
    pb->fg_n[0] = nn;
    pb->fg_n[1] = nc;
    for (size_t i = 0; i < nn; i++) {
        double ln_s = ln_sigma(cfg, 0, i), s2 = exp(2.0 * ln_s);
        pb->fg_inv2s2[i] = 0.5 / s2;
        pb->fg_noise[i] = ln_trapezoid(cfg, 0, i) + ln_prior(cfg, 0, ln_s)
                          - 0.5 * n * (SMI_LN_2PI + 2.0 * ln_s);
        if (cfg->intercept_term)
            pb->fg_noise[i] += 0.5 * (log(s2) - log(pb->fg_yy + s2));
    }
    for (size_t j = 0; j < nc; j++)
        pb->fg_coef[j] = ln_trapezoid(cfg, 1, j) + ln_prior(cfg, 1, ln_sigma(cfg, 1, j));
}

/* ln p(y | sn_i, sc_j) p(sn_i) p(sc_j) w_i v_j for point (i, j), from u[g] = k/2 ln lambda_g
 * - 1/2 L_g. */
static inline double point_term(const smi_problem *pb, const double *u, const double *R,
                                size_t i, size_t j)
{
    size_t g = pb->fg_index[i * pb->fg_n[1] + j];
    return pb->fg_noise[i] + pb->fg_coef[j] + u[g] - R[g] * pb->fg_inv2s2[i];
}

/* u[g] per ratio and the largest point term; 0 when some R_g <= 0. */
static int prepare_terms(const smi_problem *pb, size_t k, const double *R, const double *L,
                         double *u, double *top)
{
    for (size_t g = 0; g < pb->n_grid; g++) {
        if (!(R[g] > 0.0))
            return 0;
        u[g] = 0.5 * (double)k * pb->ln_ratio[g] - 0.5 * L[g];
    }
    double best = -INFINITY;
    for (size_t i = 0; i < pb->fg_n[0]; i++)
        for (size_t j = 0; j < pb->fg_n[1]; j++) {
            double t = point_term(pb, u, R, i, j);
            best = t > best ? t : best;
        }
    *top = best;
    return 1;
}

double smi_fegrid_value(const smi_problem *pb, size_t k, const double *R, const double *L)
{
    double u[SMI_RATIO_GRID_MAX], top, sum = 0.0;
    if (!prepare_terms(pb, k, R, L, u, &top))
        return NAN;
    for (size_t i = 0; i < pb->fg_n[0]; i++)
        for (size_t j = 0; j < pb->fg_n[1]; j++)
            sum += exp(point_term(pb, u, R, i, j) - top);
    return -(top + log(sum));
}

void smi_fegrid_weights(const smi_problem *pb, size_t k, const double *R, const double *L,
                        double *weights)
{
    double u[SMI_RATIO_GRID_MAX], top, sum = 0.0;
    size_t G = pb->n_grid;
    for (size_t g = 0; g < G; g++)
        weights[g] = 0.0;
    if (!prepare_terms(pb, k, R, L, u, &top)) {
        weights[0] = 1.0;
        return;
    }
    for (size_t i = 0; i < pb->fg_n[0]; i++)
        for (size_t j = 0; j < pb->fg_n[1]; j++) {
            double w = exp(point_term(pb, u, R, i, j) - top);
            weights[pb->fg_index[i * pb->fg_n[1] + j]] += w;
            sum += w;
        }
    for (size_t g = 0; g < G; g++)
        weights[g] /= sum;
}
