/* Type-II maximum likelihood (the evidence approximation): minimise F over a = ln alpha,
 * b = ln beta. From the eigenbasis (model.c), with d_i = alpha + beta l_i, g_i = beta l_i/d_i,
 * h_i = 1 - g_i = alpha / d_i, mu = V'm, gamma = sum g_i, M = |m|^2, R = |y - Z m|^2,
 * S1 = sum mu_i^2 h_i, T = sum g_i h_i, the exact derivatives are
 *   dF/da = (alpha M - gamma) / 2,        dF/db = (beta R - n + gamma) / 2,
 *   d2F/da2 = (alpha M - 2 alpha S1 + T) / 2,   d2F/db2 = (beta R - 2 alpha S1 + T) / 2,
 *   d2F/da db = (2 alpha S1 - T) / 2,
 * (using dmu_i/da = -mu_i h_i, dmu_i/db = mu_i h_i, dg_i/da = -g_i h_i, dg_i/db = g_i h_i,
 * dR/dmu_i = -2 c_i h_i). The gradient vanishes exactly at MacKay's fixed point
 * alpha = gamma / M, beta = (n - gamma) / R.
 * Each iteration tries, in order, and takes the first that does not increase F (to within
 * its rounding): (1) a Newton step when the Hessian is positive definite (at most MAX_STEP
 * in each log-hyperparameter; also taken when its predicted decrease -g'd is below F's
 * rounding, where F can no longer rank points and only the exact gradient locates the
 * optimum), (2) the MacKay fixed-point step, (3) halvings of the Newton (or
 * steepest-descent) step. Newton converges quadratically near the optimum, where the fixed
 * point alone is linear and slow when the evidence is flat. Converged when the relative
 * changes of F and of both log-hyperparameters are below the tolerance.
 * The optimum is at infinity when the features carry no usable signal (alpha -> infinity,
 * gamma -> 0) or fit y exactly (beta -> infinity): then SMI_ENOCONV with a message.
 * Each iteration costs O(k); the result O(n k + k^3). */
#include <float.h>
#include <math.h>

#include "bayes/bayes.h"

#define MAX_STEP 8.0     /* in ln alpha or ln beta per iteration: a factor of about 3000 */
#define MAX_LOG 690.0    /* |ln alpha|, |ln beta| beyond this: the optimum is at infinity */
#define MAX_HALVINGS 40
#define FLAT_GAMMA 1e-13 /* gamma / k below this: F no longer depends on alpha in doubles */
#define EXACT_FIT 16.0   /* R below this many ulps of y'y: an exact fit */

typedef struct point {
    double a, b, F;
    smi_bayes_terms t;
} point;

static point evaluate(const smi_bayes_model *md, double a, double b)
{
    point pt = { .a = a, .b = b };
    pt.F = smi_bayes_eval(md, exp(a), exp(b), &pt.t);
    return pt;
}

/* Gradient g[2] and Hessian h[3] = (aa, ab, bb) of F in (a, b) at pt. */
static void derivatives(const smi_bayes_model *md, const point *pt, double g[2], double h[3])
{
    double alpha = exp(pt->a), beta = exp(pt->b), n = (double)md->n;
    const smi_bayes_terms *t = &pt->t;
    g[0] = 0.5 * (alpha * t->m2 - t->gamma);
    g[1] = 0.5 * (beta * t->rss - n + t->gamma);
    h[0] = 0.5 * (alpha * t->m2 - 2.0 * alpha * t->s1 + t->t);
    h[1] = 0.5 * (2.0 * alpha * t->s1 - t->t);
    h[2] = 0.5 * (beta * t->rss - 2.0 * alpha * t->s1 + t->t);
}

/* Newton step d = -H^-1 g when H is positive definite, scaled to at most MAX_STEP. */
static int newton_step(const double g[2], const double h[3], double d[2])
{
    double det = h[0] * h[2] - h[1] * h[1];
    if (!(h[0] > 0.0 && det > 0.0))
        return 0;
    d[0] = -(h[2] * g[0] - h[1] * g[1]) / det;
    d[1] = -(h[0] * g[1] - h[1] * g[0]) / det;
    double big = fmax(fabs(d[0]), fabs(d[1]));
    if (!isfinite(big))
        return 0;
    if (big > MAX_STEP) {
        d[0] *= MAX_STEP / big;
        d[1] *= MAX_STEP / big;
    }
    return 1;
}

/* One iteration from cur: the accepted point in *next, or 0 when nothing lowers F. */
static int step(const smi_bayes_model *md, const point *cur, point *next)
{
    double g[2], h[3], d[2];
    derivatives(md, cur, g, h);
    /* F carries rounding of a few ulps of its largest terms (beta y'y among them, through
     * R = y'y - explained): a Newton step that raises F by no more than that, or whose
     * predicted decrease -g'd is below it, is a step at the optimum, where only the
     * gradient can still tell where the minimum lies. */
    double n = (double)md->n, k = (double)md->k;
    double slack = 16.0 * DBL_EPSILON *
                   (n * SMI_BAYES_LN_2PI + fabs(n * cur->b) + fabs(k * cur->a) +
                    fabs(cur->t.logdet) + exp(cur->b) * md->yy + exp(cur->a) * cur->t.m2);
    int have_newton = newton_step(g, h, d);
    if (have_newton) {
        *next = evaluate(md, cur->a + d[0], cur->b + d[1]);
        if (next->F <= cur->F + slack || -(g[0] * d[0] + g[1] * d[1]) <= slack)
            return 1;
    }
    const smi_bayes_terms *t = &cur->t;
    if (t->m2 > 0.0 && t->rss > 0.0 && t->gamma > 0.0 && n > t->gamma) {
        *next = evaluate(md, log(t->gamma / t->m2), log((n - t->gamma) / t->rss));
        if (next->F <= cur->F + slack)
            return 1;
    }
    if (!have_newton) { /* steepest descent, scaled like a Newton step */
        double big = fmax(fabs(g[0]), fabs(g[1]));
        if (!(big > 0.0))
            return 0;
        d[0] = -g[0] * (1.0 / big);
        d[1] = -g[1] * (1.0 / big);
    }
    for (int i = 0; i < MAX_HALVINGS; i++) {
        d[0] *= 0.5;
        d[1] *= 0.5;
        *next = evaluate(md, cur->a + d[0], cur->b + d[1]);
        if (next->F < cur->F)
            return 1;
    }
    return 0;
}

static int small_change(double change, double scale, double tolerance)
{
    return fabs(change) <= tolerance * fmax(1.0, fabs(scale));
}

int smi_bayes_optimize(const smi_bayes_model *md, const struct smi_evidence *cfg,
                       smi_evidence_result *ev)
{
    point cur = evaluate(md, log(cfg->alpha), log(cfg->beta));
    size_t it = 0;
    int converged = 0;
    const char *why = NULL;
    while (!converged && !why && it < cfg->max_iter) {
        point next;
        it++;
        if (!step(md, &cur, &next)) {
            double g[2], h[3];
            derivatives(md, &cur, g, h);
            double root_eps = sqrt(DBL_EPSILON);
            converged = fabs(g[0]) <= root_eps * (exp(cur.a) * cur.t.m2 + cur.t.gamma + 1.0) &&
                        fabs(g[1]) <= root_eps * (exp(cur.b) * cur.t.rss + (double)md->n);
            if (!converged)
                why = "no step lowers the free energy before the gradient vanishes";
            break;
        }
        converged = small_change(next.F - cur.F, next.F, cfg->tolerance) &&
                    small_change(next.a - cur.a, next.a, cfg->tolerance) &&
                    small_change(next.b - cur.b, next.b, cfg->tolerance);
        int alpha_up = next.a > cur.a;
        cur = next;
        if (!converged && alpha_up &&
            (cur.a > MAX_LOG || cur.t.gamma < FLAT_GAMMA * (double)md->k))
            why = "alpha grows without bound: the evidence is largest with every weight at 0 "
                  "(the features carry no signal above the noise)";
        else if (!converged && fabs(cur.a) > MAX_LOG)
            why = "alpha leaves the range of doubles";
        else if (!converged && cur.b > MAX_LOG)
            why = "beta grows without bound: the features fit y exactly (zero noise)";
        else if (!converged && cur.b < -MAX_LOG)
            why = "beta leaves the range of doubles";
    }
    /* R at rounding level: the noise estimate is the rounding noise of y'y - explained */
    if (!why && md->yy > 0.0 && cur.t.rss <= EXACT_FIT * DBL_EPSILON * md->yy) {
        converged = 0;
        why = "beta grows without bound: the features fit y exactly (the residual is at "
              "rounding level)";
    }
    double alpha = exp(cur.a), beta = exp(cur.b);
    SMI_TRY(smi_bayes_finish(md, isfinite(alpha) ? alpha : DBL_MAX,
                             isfinite(beta) ? beta : DBL_MAX, ev));
    ev->free_energy = ev->fit + ev->complexity;
    ev->iterations = it;
    ev->converged = converged;
    if (converged)
        return SMI_OK;
    if (why)
        return smi_error_set(SMI_ENOCONV, "evidence optimisation stopped after %zu iterations at "
                             "alpha = %g, beta = %g: %s", it, alpha, beta, why);
    return smi_error_set(SMI_ENOCONV, "evidence optimisation did not converge in %zu iterations "
                         "(alpha = %g, beta = %g, relative tolerance %g)", it, alpha, beta,
                         cfg->tolerance);
}
