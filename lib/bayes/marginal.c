/* Marginalised hyperparameters: the evidence integrated over the noise scale
 * sigma_noise = beta^-1/2 and the coefficient scale sigma_coef = alpha^-1/2,
 *   F = -ln int int p(sigma_noise) p(sigma_coef) p(y | alpha = sigma_coef^-2,
 *                                                   beta = sigma_noise^-2),
 * each scale over its range [lo, hi] with the prior density p normalised over that range:
 *   inverse: 1 / (sigma ln(hi/lo));  uniform: 1 / (hi - lo);
 *   gamma: the Gamma(shape, scale) density divided by its mass in [lo, hi].
 * Range ends and the gamma scale are multiples of sd(y): the integral is the same in sigma
 * and in u = sigma / sd(y), so it runs in u.
 *
 * Two rules:
 *  - the accurate integral (the default, and the reference for a given grid): the product
 *    Simpson rule in t = ln u, refined adaptively (accurate_integral below). It reports
 *    its own error estimate, |ln S_h - ln S_2h| (S_2h: the rule on every other point),
 *    the posterior means of alpha and beta, and the marginal posterior density of each
 *    ln sigma at the ends of its range, which says whether the range cuts the posterior;
 *  - a grid given by smi_evidence_set_grids, used literally as the seed lab's exhbma does:
 *    n log-spaced points from lo to hi, trapezoid weights in u (not in ln u), the gamma
 *    density divided by its trapezoid sum on the grid (literal_grid below). Its quadrature
 *    error is its distance from the accurate integral plus that integral's own estimate.
 * alpha and beta are the posterior means of the rule that gives F (the accurate one's, not
 * a grid point's, by default); m, the covariance, gamma_eff and the fit part are reported
 * at them, and complexity = F - fit.
 * Each point costs O(k) from the eigenbasis (model.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bayes/bayes.h"

/* The accurate integral stops when two successive levels each estimate their error below
 * QUAD_TOLERANCE (in F); it starts from QUAD_START points per axis, refines the axes whose
 * share of the error is above a quarter of the tolerance, to at most QUAD_MAX points per
 * axis and QUAD_MAX_POINTS in all, and keeps only the box where the integrand is above
 * exp(-QUAD_CUT) of its largest value (the rest weighs less than 1e-40 of the integral). */
#define QUAD_TOLERANCE 1e-9
#define QUAD_START 65
#define QUAD_MAX 16385
#define QUAD_MAX_POINTS ((size_t)1 << 22)
#define QUAD_CUT 100.0
#define QUAD_LEVELS 24
/* Caveats: a marginal posterior density of ln sigma above EDGE_DENSITY at an end of its
 * range (one more e-fold of range would hold about that much posterior mass), and a given
 * grid whose quadrature error exceeds GRID_ERROR_LIMIT in F. */
#define EDGE_DENSITY 0.01
#define GRID_ERROR_LIMIT 0.01

/* One scale's prior as a density in t = ln u (the Jacobian u included). */
typedef struct scale_prior {
    int prior;
    double lo, hi, shape, scale;
    double log_norm; /* ln of the normaliser over [lo, hi] */
} scale_prior;

static double gamma_log_density_t(const scale_prior *sp, double t)
{
    return sp->shape * t - exp(t) / sp->scale - smi_lgamma(sp->shape) -
           sp->shape * log(sp->scale);
}

static double log_prior_t(const scale_prior *sp, double t)
{
    if (sp->prior == SMI_PRIOR_INVERSE)
        return -sp->log_norm;
    if (sp->prior == SMI_PRIOR_UNIFORM)
        return t - sp->log_norm;
    return gamma_log_density_t(sp, t) - sp->log_norm;
}

/* ln of the Simpson sum of exp(f) on n (odd) equal steps over [a, b], f in log space. */
static double log_simpson_gamma(const scale_prior *sp, double a, double b, size_t n)
{
    double h = (b - a) / (double)(n - 1), top = -INFINITY, sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        double v = gamma_log_density_t(sp, a + h * (double)i);
        top = v > top ? v : top;
    }
    for (size_t i = 0; i < n; i++) {
        double w = i == 0 || i + 1 == n ? 1.0 : i % 2 ? 4.0 : 2.0;
        sum += w * exp(gamma_log_density_t(sp, a + h * (double)i) - top);
    }
    return top + log(sum * h / 3.0);
}

/* The prior of one scale, its normaliser over [lo, hi]; the Gamma mass in [lo, hi] by
 * Simpson in ln u, doubled until it changes by less than 1e-13. */
static void scale_prior_init(scale_prior *sp, int prior, double lo, double hi, double shape,
                             double scale)
{
    *sp = (scale_prior){ .prior = prior, .lo = lo, .hi = hi, .shape = shape, .scale = scale };
    if (prior == SMI_PRIOR_INVERSE) {
        sp->log_norm = log(log(hi / lo));
    } else if (prior == SMI_PRIOR_UNIFORM) {
        sp->log_norm = log(hi - lo);
    } else {
        double a = log(lo), b = log(hi), last = log_simpson_gamma(sp, a, b, 257);
        for (size_t n = 513; n <= ((size_t)1 << 22) + 1; n = 2 * n - 1) {
            double next = log_simpson_gamma(sp, a, b, n);
            int done = fabs(next - last) < 1e-13;
            last = next;
            if (done)
                break;
        }
        sp->log_norm = last;
    }
}

/* A rectangle in (t_noise, t_coef) with n[a] (= 2^m + 1, m >= 2) equal steps per axis. */
typedef struct quad_box {
    double t0[2], t1[2];
    size_t n[2];
} quad_box;

/* What one level of the accurate rule gives. */
typedef struct quad_level {
    double log_integral, error; /* ln S_h and |ln S_h - ln S_2h| */
    double axis_error[2];       /* |ln S_h - ln S| with every other point of one axis */
    double mean_alpha, mean_beta;
    double edge[4];             /* posterior density of ln sigma: noise lo, hi; coef lo, hi */
    quad_box next;              /* where the mass sits, on a finer grid */
} quad_level;

static double box_t(const quad_box *bx, int axis, size_t i)
{
    size_t n = bx->n[axis];
    if (i + 1 == n)
        return bx->t1[axis];
    return bx->t0[axis] + (bx->t1[axis] - bx->t0[axis]) * (double)i / (double)(n - 1);
}

/* Simpson weight of point i of n (without h / 3), and on the half grid of the even points
 * (0 for the odd ones, without 2h / 3). */
static double simpson_weight(size_t i, size_t n)
{
    return i == 0 || i + 1 == n ? 1.0 : i % 2 ? 4.0 : 2.0;
}

static double half_weight(size_t i, size_t n)
{
    return i % 2 ? 0.0 : simpson_weight(i / 2, (n + 1) / 2);
}

/* ln of the integrand at every point of the box, row i (noise) by column j (coef). */
static void fill_integrand(const smi_bayes_model *md, const scale_prior *sp, const quad_box *bx,
                           double *lg)
{
    size_t nn = bx->n[0], nc = bx->n[1];
    for (size_t i = 0; i < nn; i++) {
        double tn = box_t(bx, 0, i), sn = md->ysd * exp(tn), beta = 1.0 / (sn * sn);
        double pn = log_prior_t(&sp[0], tn);
        for (size_t j = 0; j < nc; j++) {
            double tc = box_t(bx, 1, j), sc = md->ysd * exp(tc), alpha = 1.0 / (sc * sc);
            lg[i * nc + j] = pn + log_prior_t(&sp[1], tc) - smi_bayes_eval(md, alpha, beta, NULL);
        }
    }
}

/* The box of the points within QUAD_CUT of the largest, one step wider on each side, with
 * twice the points on an axis whose error is not yet small, unless it shrank to half or
 * less. */
static void next_box(const quad_box *bx, const double *lg, double top,
                     const double *axis_error, quad_box *next)
{
    size_t nn = bx->n[0], nc = bx->n[1];
    size_t lo[2] = { nn, nc }, hi[2] = { 0, 0 };
    for (size_t i = 0; i < nn; i++)
        for (size_t j = 0; j < nc; j++)
            if (lg[i * nc + j] > top - QUAD_CUT) {
                lo[0] = i < lo[0] ? i : lo[0];
                hi[0] = i > hi[0] ? i : hi[0];
                lo[1] = j < lo[1] ? j : lo[1];
                hi[1] = j > hi[1] ? j : hi[1];
            }
    for (int a = 0; a < 2; a++) {
        size_t first = lo[a] > 0 ? lo[a] - 1 : 0;
        size_t last = hi[a] + 1 < bx->n[a] ? hi[a] + 1 : bx->n[a] - 1;
        if (last < first + 2) { /* keep at least two steps */
            first = first > 0 ? first - 1 : 0;
            last = last + 1 < bx->n[a] ? last + 1 : last;
        }
        next->t0[a] = box_t(bx, a, first);
        next->t1[a] = box_t(bx, a, last);
        int halved = 2 * (last - first) <= bx->n[a] - 1;
        int refine = !halved && axis_error[a] > 0.25 * QUAD_TOLERANCE;
        size_t n = refine ? 2 * bx->n[a] - 1 : bx->n[a];
        next->n[a] = n <= QUAD_MAX ? n : bx->n[a];
    }
    if (next->n[0] * next->n[1] > QUAD_MAX_POINTS) { /* refine the worse axis only */
        int worse = axis_error[0] >= axis_error[1] ? 0 : 1;
        next->n[1 - worse] = bx->n[1 - worse];
        if (next->n[0] * next->n[1] > QUAD_MAX_POINTS)
            next->n[worse] = bx->n[worse];
    }
}

/* One level: the Simpson rule on the box and on its half grid, the posterior means, the
 * densities at the box's ends, and the next box. lg has room for the box's points. */
static void quad_level_run(const smi_bayes_model *md, const scale_prior *sp,
                           const quad_box *bx, double *lg, quad_level *out)
{
    size_t nn = bx->n[0], nc = bx->n[1];
    fill_integrand(md, sp, bx, lg);
    double top = -INFINITY;
    for (size_t i = 0; i < nn * nc; i++)
        top = lg[i] > top ? lg[i] : top;
    double hn = (bx->t1[0] - bx->t0[0]) / (double)(nn - 1);
    double hc = (bx->t1[1] - bx->t0[1]) / (double)(nc - 1);
    double s = 0.0, s2 = 0.0, sa = 0.0, sb = 0.0, edge[4] = { 0.0, 0.0, 0.0, 0.0 };
    double s_half_n = 0.0, s_half_c = 0.0;
    for (size_t i = 0; i < nn; i++) {
        double sn = md->ysd * exp(box_t(bx, 0, i)), beta = 1.0 / (sn * sn);
        double wi = simpson_weight(i, nn), wi2 = half_weight(i, nn);
        for (size_t j = 0; j < nc; j++) {
            double sc = md->ysd * exp(box_t(bx, 1, j)), alpha = 1.0 / (sc * sc);
            double e = exp(lg[i * nc + j] - top), wj = simpson_weight(j, nc);
            double wj2 = half_weight(j, nc);
            s += wi * wj * e;
            s2 += wi2 * wj2 * e;
            s_half_n += wi2 * wj * e;
            s_half_c += wi * wj2 * e;
            sa += wi * wj * e * alpha;
            sb += wi * wj * e * beta;
            if (i == 0 || i + 1 == nn) /* the noise marginal at its ends, times 3 / hc */
                edge[i == 0 ? 0 : 1] += wj * e;
            if (j == 0 || j + 1 == nc)
                edge[j == 0 ? 2 : 3] += wi * e;
        }
    }
    double log_s = top + log(s * hn * hc / 9.0), log_s2 = top + log(s2 * 4.0 * hn * hc / 9.0);
    out->log_integral = log_s;
    out->error = fabs(log_s - log_s2);
    out->axis_error[0] = fabs(log(s) - log(2.0 * s_half_n));
    out->axis_error[1] = fabs(log(s) - log(2.0 * s_half_c));
    out->mean_alpha = sa / s;
    out->mean_beta = sb / s;
    for (int e = 0; e < 4; e++) /* (h_other / 3) sum / (h_n h_c / 9) s */
        out->edge[e] = edge[e] * 3.0 / ((e < 2 ? hn : hc) * s);
    next_box(bx, lg, top, out->axis_error, &out->next);
}

/* The accurate integral over the configured ranges (see the top of the file). Returns
 * SMI_OK with *converged 0 when QUAD_MAX points per axis did not reach QUAD_TOLERANCE
 * (the last level is then reported with its error estimate), SMI_ENOMEM, or SMI_ESINGULAR
 * when the integrand is nowhere finite. edge[] is the density at the ends of the ranges
 * (0 where the box no longer reaches them: the density there is below exp(-QUAD_CUT)). */
static int accurate_integral(const smi_bayes_model *md, const scale_prior *sp,
                             quad_level *res, int *converged)
{
    double *lg = NULL;
    size_t capacity = 0;
    quad_box bx = { .t0 = { log(sp[0].lo), log(sp[1].lo) },
                    .t1 = { log(sp[0].hi), log(sp[1].hi) }, .n = { QUAD_START, QUAD_START } };
    const quad_box domain = bx;
    size_t passes = 0;
    *converged = 0;
    for (size_t level = 0; level < QUAD_LEVELS; level++) {
        if (bx.n[0] * bx.n[1] > capacity) { /* the box's points, grown as it refines */
            free(lg);
            capacity = bx.n[0] * bx.n[1];
            lg = smi_alloc_array(capacity, sizeof *lg, "marginal integrand");
            if (!lg)
                return SMI_ENOMEM;
        }
        quad_level q;
        quad_level_run(md, sp, &bx, lg, &q);
        if (!isfinite(q.log_integral)) {
            free(lg);
            return smi_error_set(SMI_ESINGULAR, "the marginal evidence's integrand is not "
                                 "finite on the grid: the data's scale is beyond double "
                                 "precision");
        }
        for (int e = 0; e < 4; e++) { /* only the ends of the ranges matter */
            int axis = e / 2;
            double at = e % 2 ? bx.t1[axis] : bx.t0[axis];
            double end = e % 2 ? domain.t1[axis] : domain.t0[axis];
            if (at != end)
                q.edge[e] = 0.0;
        }
        *res = q;
        passes = q.error < QUAD_TOLERANCE ? passes + 1 : 0;
        int finer = q.next.n[0] > bx.n[0] || q.next.n[1] > bx.n[1] ||
                    q.next.t1[0] - q.next.t0[0] < bx.t1[0] - bx.t0[0] ||
                    q.next.t1[1] - q.next.t0[1] < bx.t1[1] - bx.t0[1];
        if (passes == 2 || !finer) {
            *converged = passes >= 1;
            break;
        }
        bx = q.next;
    }
    free(lg);
    return SMI_OK;
}

/* One axis of a given grid: n log-spaced points u[] from lo to hi (both ends exact) and
 * log_weight[i] = ln(w_i p(u_i)), w the trapezoid weights in u, p the normalised prior. */
static void grid(double lo, double hi, size_t n, int prior, double shape, double scale,
                 double *u, double *log_weight)
{
    double span = log(hi / lo);
    for (size_t i = 0; i < n; i++)
        u[i] = i == 0 ? lo : i + 1 == n ? hi : lo * exp(span * (double)i / (double)(n - 1));
    double norm = 0.0;
    if (prior == SMI_PRIOR_INVERSE)
        norm = log(span);
    else if (prior == SMI_PRIOR_UNIFORM)
        norm = log(hi - lo);
    for (size_t i = 0; i < n; i++) {
        double left = i > 0 ? u[i] - u[i - 1] : 0.0, right = i + 1 < n ? u[i + 1] - u[i] : 0.0;
        double log_density;
        if (prior == SMI_PRIOR_INVERSE)
            log_density = -log(u[i]);
        else if (prior == SMI_PRIOR_UNIFORM)
            log_density = 0.0;
        else
            log_density = (shape - 1.0) * log(u[i]) - u[i] / scale - smi_lgamma(shape) -
                          shape * log(scale);
        log_weight[i] = log(0.5 * (left + right)) + log_density - norm;
    }
    if (prior == SMI_PRIOR_GAMMA) { /* normalise by the trapezoid sum, in log space */
        double top = -INFINITY, sum = 0.0;
        for (size_t i = 0; i < n; i++)
            top = log_weight[i] > top ? log_weight[i] : top;
        for (size_t i = 0; i < n; i++)
            sum += exp(log_weight[i] - top);
        double log_total = top + log(sum);
        for (size_t i = 0; i < n; i++)
            log_weight[i] -= log_total;
    }
}

/* ln of the given grid's weighted sum and the grid posterior's means of alpha and beta,
 * by a streaming log-sum-exp. */
static int literal_grid(const smi_bayes_model *md, const struct smi_evidence *cfg,
                        double *log_sum, double *mean_alpha, double *mean_beta)
{
    size_t gn = cfg->noise_n, gc = cfg->coef_n;
    double *u = smi_alloc_array(2 * (gn + gc), sizeof *u, "marginal grids");
    if (!u)
        return SMI_ENOMEM;
    double *wn = u + gn, *v = wn + gn, *wc = v + gc;
    grid(cfg->noise_lo, cfg->noise_hi, gn, cfg->prior, cfg->shape, cfg->scale, u, wn);
    grid(cfg->coef_lo, cfg->coef_hi, gc, cfg->prior, cfg->shape, cfg->scale, v, wc);
    /* top is the largest term so far; sum, sum_alpha and sum_beta hold
     * sum exp(term - top) (times alpha, beta) */
    double top = -INFINITY, sum = 0.0, sum_alpha = 0.0, sum_beta = 0.0;
    for (size_t a = 0; a < gn; a++) {
        double sn = md->ysd * u[a], beta = 1.0 / (sn * sn);
        for (size_t b = 0; b < gc; b++) {
            double sc = md->ysd * v[b], alpha = 1.0 / (sc * sc);
            double term = wn[a] + wc[b] - smi_bayes_eval(md, alpha, beta, NULL);
            if (term > top) {
                double shrink = exp(top - term);
                sum = sum * shrink + 1.0;
                sum_alpha = sum_alpha * shrink + alpha;
                sum_beta = sum_beta * shrink + beta;
                top = term;
            } else {
                double e = exp(term - top);
                sum += e;
                sum_alpha += e * alpha;
                sum_beta += e * beta;
            }
        }
    }
    free(u);
    *log_sum = top + log(sum);
    *mean_alpha = sum_alpha / sum;
    *mean_beta = sum_beta / sum;
    return SMI_OK;
}

/* The caveat of a finished integral, or SMI_OK: every end of a range where the posterior
 * density of ln sigma exceeds EDGE_DENSITY, a quadrature error above GRID_ERROR_LIMIT (a
 * given grid) or above the tolerance (the accurate rule did not converge). */
static int caveat(const struct smi_evidence *cfg, const quad_level *q, double error,
                  int converged)
{
    static const char *const ends[4] = { "lower end of the sigma_noise range",
                                         "upper end of the sigma_noise range",
                                         "lower end of the sigma_coef range",
                                         "upper end of the sigma_coef range" };
    const double at[4] = { cfg->noise_lo, cfg->noise_hi, cfg->coef_lo, cfg->coef_hi };
    char text[SMI_CAVEAT_CAPACITY] = "";
    size_t used = 0;
    for (int e = 0; e < 4 && used < sizeof text; e++)
        if (q->edge[e] > EDGE_DENSITY)
            used += (size_t)snprintf(text + used, sizeof text - used,
                                     "%sthe posterior mass reaches the %s (%g sd(y)): "
                                     "density %.3g per unit of ln sigma",
                                     used ? "; " : "", ends[e], at[e], q->edge[e]);
    if (used < sizeof text && cfg->grid_given && error > GRID_ERROR_LIMIT)
        used += (size_t)snprintf(text + used, sizeof text - used,
                                 "%sthe given grid's quadrature error is %.3g in F (above "
                                 "%g): use more points", used ? "; " : "", error,
                                 GRID_ERROR_LIMIT);
    if (used < sizeof text && !converged)
        used += (size_t)snprintf(text + used, sizeof text - used,
                                 "%sthe integral did not reach its tolerance: quadrature "
                                 "error about %.3g in F", used ? "; " : "", q->error);
    return used ? smi_error_set(SMI_ENOCONV, "marginal evidence: %s", text) : SMI_OK;
}

int smi_bayes_marginal(const smi_bayes_model *md, const struct smi_evidence *cfg,
                       smi_evidence_result *ev)
{
    scale_prior sp[2];
    scale_prior_init(&sp[0], cfg->prior, cfg->noise_lo, cfg->noise_hi, cfg->shape, cfg->scale);
    scale_prior_init(&sp[1], cfg->prior, cfg->coef_lo, cfg->coef_hi, cfg->shape, cfg->scale);
    quad_level q = { 0 };
    int converged = 0;
    SMI_TRY(accurate_integral(md, sp, &q, &converged));
    double log_evidence = q.log_integral, error = q.error;
    double mean_alpha = q.mean_alpha, mean_beta = q.mean_beta;
    if (cfg->grid_given) {
        SMI_TRY(literal_grid(md, cfg, &log_evidence, &mean_alpha, &mean_beta));
        error += fabs(log_evidence - q.log_integral);
    }
    SMI_TRY(smi_bayes_finish(md, mean_alpha, mean_beta, ev));
    ev->free_energy = -log_evidence;
    ev->complexity = ev->free_energy - ev->fit;
    ev->quadrature_error = error;
    ev->iterations = 0;
    ev->converged = converged;
    return caveat(cfg, &q, error, converged);
}
