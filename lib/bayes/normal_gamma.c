/* Normal-gamma conjugate prior, closed form: w | sigma^2 ~ N(0, sigma^2 / lambda I),
 * 1 / sigma^2 ~ Gamma(a0, rate b0). Integrating w and sigma^2 out,
 *   ln p(y) = -(n/2) ln 2pi + (k/2) ln lambda - (1/2) ln|lambda I + Z'Z| + a0 ln b0
 *             - lnGamma(a0) + lnGamma(a_n) - a_n ln b_n,
 *   a_n = a0 + n/2,  b_n = b0 + (1/2)(|y - Z m|^2 + lambda |m|^2),  m = (lambda I + Z'Z)^-1 Z'y,
 * where |y - Z m|^2 + lambda |m|^2 = y'y - y'Z (lambda I + Z'Z)^-1 Z'y is formed from the
 * residual (no cancellation). The posterior of 1 / sigma^2 is Gamma(a_n, b_n); reported:
 * beta = a_n / b_n (its mean), alpha = lambda beta, the mean m, and as covariance the scale
 * matrix of the Student-t posterior of w, (b_n / a_n)(lambda I + Z'Z)^-1 = A^-1 at the reported
 * alpha and beta (the t's covariance is that times a_n / (a_n - 1)). O(n k + k^3). */
#include <math.h>

#include "bayes/bayes.h"

int smi_bayes_normal_gamma(const smi_bayes_model *md, const struct smi_evidence *cfg,
                           smi_evidence_result *ev)
{
    double lambda = cfg->ng_lambda, a0 = cfg->ng_a0, b0 = cfg->ng_b0;
    double n = (double)md->n, k = (double)md->k, rss, m2, logdet = 0.0;
    SMI_TRY(smi_bayes_posterior(md, lambda, 1.0, &rss, &m2));
    for (size_t i = 0; i < md->k; i++)
        logdet += log(lambda + md->l[i]);
    double an = a0 + 0.5 * n, bn = b0 + 0.5 * (rss + lambda * m2);
    double log_evidence = -0.5 * n * SMI_BAYES_LN_2PI + 0.5 * k * log(lambda) - 0.5 * logdet +
                          a0 * log(b0) - smi_lgamma(a0) + smi_lgamma(an) - an * log(bn);
    double beta = an / bn;
    SMI_TRY(smi_bayes_finish(md, lambda * beta, beta, ev));
    ev->free_energy = -log_evidence;
    ev->complexity = ev->free_energy - ev->fit;
    ev->iterations = 0;
    ev->converged = 1;
    return SMI_OK;
}
