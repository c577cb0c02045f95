/* Marginalised hyperparameters: the evidence integrated over grids of the noise scale
 * sigma_noise = beta^-1/2 and the coefficient scale sigma_coef = alpha^-1/2,
 *   F = -ln sum_{a,b} w_a w_b p(sigma_noise_a) p(sigma_coef_b)
 *          p(y | alpha = sigma_coef_b^-2, beta = sigma_noise_a^-2),
 * with each grid log-spaced from lo to hi, w the trapezoid weights in sigma (not in
 * ln sigma) and p the prior density normalised over [lo, hi]:
 *   inverse: 1 / (sigma ln(hi/lo));  uniform: 1 / (hi - lo);
 *   gamma: the Gamma(shape, scale) density divided by its trapezoid sum on the same grid.
 * Grid ends and the gamma scale are multiples of sd(y): the sum is the same in sigma and in
 * u = sigma / sd(y), because w scales with sd(y) and p with 1 / sd(y), so it runs in u.
 * The sum is taken by a streaming log-sum-exp, which also gives the posterior means of
 * alpha and beta under the grid posterior; m, the covariance, gamma_eff and the fit part
 * are reported at those means, and complexity = F - fit.
 * Each grid point costs O(k) from the eigenbasis (model.c): O(G_noise G_coef k) in all. */
#include <math.h>
#include <stdlib.h>

#include "bayes/bayes.h"

/* One scale's grid: n log-spaced points u[] from lo to hi (both ends exact) and
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

int smi_bayes_marginal(const smi_bayes_model *md, const struct smi_evidence *cfg,
                       smi_evidence_result *ev)
{
    size_t gn = cfg->noise_n, gc = cfg->coef_n;
    double *u = smi_alloc_array(2 * (gn + gc), sizeof *u, "marginal grids");
    if (!u)
        return SMI_ENOMEM;
    double *wn = u + gn, *v = wn + gn, *wc = v + gc;
    grid(cfg->noise_lo, cfg->noise_hi, gn, cfg->prior, cfg->shape, cfg->scale, u, wn);
    grid(cfg->coef_lo, cfg->coef_hi, gc, cfg->prior, cfg->shape, cfg->scale, v, wc);
    /* Streaming log-sum-exp: top is the largest term so far; sum, sum_alpha and sum_beta
     * hold sum exp(term - top) (times alpha, beta). */
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
    SMI_TRY(smi_bayes_finish(md, sum_alpha / sum, sum_beta / sum, ev));
    ev->free_energy = -(top + log(sum));
    ev->complexity = ev->free_energy - ev->fit;
    ev->iterations = 0;
    ev->converged = 1;
    return SMI_OK;
}
