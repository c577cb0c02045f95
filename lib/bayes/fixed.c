/* Fixed hyperparameters (DESIGN.md 4.2): F at the configured alpha and beta,
 *   F = (n/2) ln 2pi - (n/2) ln beta - (k/2) ln alpha + (1/2) ln|A| + (beta/2)|y - Z m|^2
 *       + (alpha/2)|m|^2,
 * the fit and complexity parts of smi_bayes_finish added up. The residual is formed from Z
 * and m, so F keeps full accuracy when y lies close to the span of Z. O(n k + k^3). */
#include "bayes/bayes.h"

int smi_bayes_fixed(const smi_bayes_model *md, const struct smi_evidence *cfg,
                    smi_evidence_result *ev)
{
    SMI_TRY(smi_bayes_finish(md, cfg->alpha, cfg->beta, ev));
    ev->free_energy = ev->fit + ev->complexity;
    ev->iterations = 0;
    ev->converged = 1;
    return SMI_OK;
}
