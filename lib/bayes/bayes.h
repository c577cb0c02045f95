/* Internal view of the Bayesian model evidence of one model (DESIGN.md 4.4).
 *
 * api.c checks arguments, builds the configuration and result handles and the model below;
 * the modes (fixed.c, optimize.c, marginal.c, normal_gamma.c) take the prepared model and
 * plain numbers, never the handles' argument checks.
 *
 * Invariants of smi_bayes_model, once smi_bayes_model_prepare has returned SMI_OK:
 *   (1) Z is the n x k design as the evidence sees it (column-major): each chosen column
 *       centred with its mean when there is an intercept, and divided by its standard
 *       deviation (divisor n) when standardising; y is the target, centred when there is an
 *       intercept, never scaled; yy = y'y;
 *   (2) G = Z'Z (every entry) and b = Z'y;
 *   (3) Z'Z = V diag(l) V' with V orthogonal, l ascending and clamped at 0 (rounding can
 *       leave a tiny negative eigenvalue of a singular Z'Z), and c = V'b; V itself is never
 *       formed: every quantity at given (alpha, beta) needs only l and c and costs O(k)
 *       (model.c), and the posterior is formed once by a Cholesky factorisation of A.
 * All of it costs O(n k^2 + k^3) once per model. */
#ifndef SMI_BAYES_H
#define SMI_BAYES_H

#include "core/core.h"
#include "data/data.h"

#define SMI_BAYES_LN_2PI 1.8378770664093454835606594728112353 /* ln(2 pi) */

/* The configuration handle. alpha, beta: the fixed values and the optimiser's start;
 * beta <= 0 means 1 / var(y) (the default). Grid ends are multiples of sd(y). */
struct smi_evidence {
    int mode;
    double alpha, beta;
    size_t max_iter;
    double tolerance;
    double noise_lo, noise_hi, coef_lo, coef_hi;
    size_t noise_n, coef_n;
    int grid_given; /* set_grids called: the grids are used literally (marginal.c) */
    int prior;
    double shape, scale;
    double ng_lambda, ng_a0, ng_b0;
    int intercept, standardize;
};

/* The result handle: scalars, then k posterior means and k x k covariances in data[]
 * (original units of the features). caveat: SMI_ENOCONV also when the marginal integral
 * is cut by its ranges or inaccurate (marginal.c). */
struct smi_evidence_result {
    struct smi_evidence cfg; /* the configuration that made it */
    smi_data_id *data_id;    /* the data it was computed on */
    smi_caveat caveat;       /* SMI_ENOCONV when the optimiser did not converge */
    int mode;
    size_t k;
    double free_energy, fit, complexity;
    double alpha, beta, gamma_eff;
    double quadrature_error; /* marginal: the estimated error of F (0 for the other modes) */
    size_t iterations;
    int converged;
    double intercept;
    double *mean;       /* k values, in data[] */
    double *covariance; /* k x k row-major, in data[] */
    double data[];
};

typedef struct smi_bayes_model {
    size_t n, k;
    double *Z;        /* n x k column-major */
    double *y;        /* n */
    double yy;        /* y'y */
    double *G;        /* k x k: Z'Z */
    double *b;        /* k: Z'y */
    double *l;        /* k eigenvalues of Z'Z, ascending, >= 0 */
    double *c;        /* k: V'Z'y */
    double *scale;    /* k: the factor each column of X_S was multiplied by (1/sd or 1) */
    double *xmean;    /* k: the mean subtracted from each column (0 without intercept) */
    double ymean;     /* the mean subtracted from y (0 without intercept) */
    double ysd;       /* sd(y), divisor n: the unit of the marginal grids */
    double *m;        /* k: the posterior mean of the last smi_bayes_posterior */
    double *cov;      /* k x k: its A^-1 */
    double *work;     /* scratch: max(n, k * k, SMI_LINALG_SPECTRUM_WORK(k)) doubles */
    double *block;    /* the one allocation holding every array above */
} smi_bayes_model;

/* smi_bayes_model_prepare: invariants (1)-(3) for the k features subset[] of ds (already
 * checked distinct and in range). Returns SMI_OK, SMI_ENOMEM, SMI_ETOOLARGE, or
 * SMI_ENOCONV when the eigenvalue solver fails; the model is then released. */
int smi_bayes_model_prepare(smi_bayes_model *md, const smi_dataset *ds, const size_t *subset,
                            size_t k, int intercept, int standardize);
void smi_bayes_model_release(smi_bayes_model *md);

/* What the evidence needs at one (alpha, beta), from the eigenbasis in O(k):
 * ln|A| for A = alpha I + beta Z'Z; |m|^2 and R = |y - Z m|^2 for m = beta A^-1 Z'y;
 * gamma = sum beta l_i / (alpha + beta l_i); S1 = sum mu_i^2 alpha / (alpha + beta l_i)
 * (mu = V'm) and T = sum g_i (1 - g_i) for the Hessian. */
typedef struct smi_bayes_terms {
    double logdet, m2, rss, gamma, s1, t;
} smi_bayes_terms;

/* smi_bayes_eval: the terms at (alpha, beta) and F = -ln p(y | alpha, beta) (DESIGN.md 4.2).
 * R comes from y'y minus the explained part: accurate unless y lies almost in the span of Z
 * (then use smi_bayes_posterior, which forms the residual). */
double smi_bayes_eval(const smi_bayes_model *md, double alpha, double beta,
                      smi_bayes_terms *t);

/* smi_bayes_posterior: A = alpha I + beta Z'Z by Cholesky; m = beta A^-1 Z'y into md->m,
 * A^-1 into md->cov, and, formed from Z and m directly, *rss = |y - Z m|^2 and
 * *m2 = |m|^2. Returns SMI_OK or SMI_ESINGULAR (A not positive definite to working
 * precision: alpha vanishingly small against beta Z'Z). O(n k + k^3). */
int smi_bayes_posterior(const smi_bayes_model *md, double alpha, double beta, double *rss,
                        double *m2);

/* smi_bayes_finish: the report at (alpha, beta): ev's alpha, beta, gamma_eff, the two parts
 * of F, fit = (beta/2) R + (alpha/2)|m|^2 - (n/2) ln beta + (n/2) ln 2pi and
 * complexity = (1/2) ln|A| - (k/2) ln alpha (R and m from smi_bayes_posterior, ln|A| from
 * the eigenvalues), the posterior mean and covariance A^-1 in original units, and the
 * intercept. free_energy, iterations and converged are left to the mode.
 * Returns SMI_OK or SMI_ESINGULAR. */
int smi_bayes_finish(const smi_bayes_model *md, double alpha, double beta, smi_evidence_result *ev);

/* The modes: each fills ev from the prepared model and the configuration (whose beta <= 0
 * has been resolved to 1 / var(y) by api.c) and returns SMI_OK or a negative status:
 * SMI_ESINGULAR from smi_bayes_finish; smi_bayes_optimize returns SMI_ENOCONV with ev
 * filled (converged 0) when max_iter is reached or the optimum lies at infinity;
 * smi_bayes_marginal returns SMI_ENOCONV with ev filled when the posterior mass reaches an
 * end of a range or the quadrature error is too large (converged 0 only when its
 * adaptive rule did not reach its tolerance). */
typedef int (*smi_bayes_mode_fn)(const smi_bayes_model *md,
                                 const struct smi_evidence *cfg, smi_evidence_result *ev);
int smi_bayes_fixed(const smi_bayes_model *md, const struct smi_evidence *cfg,
                    smi_evidence_result *ev);
int smi_bayes_optimize(const smi_bayes_model *md, const struct smi_evidence *cfg,
                       smi_evidence_result *ev);
int smi_bayes_marginal(const smi_bayes_model *md, const struct smi_evidence *cfg,
                       smi_evidence_result *ev);
int smi_bayes_normal_gamma(const smi_bayes_model *md, const struct smi_evidence *cfg,
                           smi_evidence_result *ev);

#endif /* SMI_BAYES_H */
