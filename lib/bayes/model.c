/* The model of one subset in the eigenbasis of Z'Z (bayes.h, invariants (1)-(3)), and what
 * every mode computes from it.
 *
 * With Z'Z = V diag(l) V' and c = V'Z'y, at any (alpha, beta), d_i = alpha + beta l_i:
 *   ln|A| = sum ln d_i,  m = beta A^-1 Z'y = V mu with mu_i = beta c_i / d_i,
 *   |m|^2 = sum mu_i^2,  R = |y - Z m|^2 = y'y - sum c_i^2 beta (2 alpha + beta l_i) / d_i^2,
 *   gamma = sum beta l_i / d_i,
 * so that after the O(n k^2 + k^3) preparation each (alpha, beta) costs O(k): this is what
 * makes the optimiser's steps and the marginal grid cheap. Only l and c are needed, so V is
 * never formed (linalg/eigen.c). The reported posterior is formed once at the end by a
 * Cholesky factorisation of A (smi_bayes_posterior, O(n k + k^3)), with the residual
 * computed from Z and m, which keeps R accurate when y lies close to the span of Z. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bayes/bayes.h"
#include "linalg/linalg.h"

void smi_bayes_model_release(smi_bayes_model *md)
{
    if (md) {
        free(md->block);
        memset(md, 0, sizeof *md);
    }
}

/* Z and y per invariant (1). */
static void fill_design(smi_bayes_model *md, const smi_dataset *ds, const size_t *subset,
                        int intercept, int standardize)
{
    size_t n = md->n, p = ds->p;
    for (size_t t = 0; t < md->k; t++) {
        size_t j = subset[t];
        double mean = intercept ? ds->mean[j] : 0.0;
        double s = standardize && ds->sd[j] > 0.0 ? 1.0 / ds->sd[j] : 1.0;
        double *z = md->Z + t * n;
        for (size_t i = 0; i < n; i++)
            z[i] = (ds->X[i * p + j] - mean) * s;
        md->scale[t] = s;
        md->xmean[t] = mean;
    }
    md->ymean = intercept ? ds->mean[p] : 0.0;
    md->ysd = ds->sd[p];
    md->yy = 0.0;
    for (size_t i = 0; i < n; i++) {
        md->y[i] = ds->y[i] - md->ymean;
        md->yy += md->y[i] * md->y[i];
    }
}

/* u'v with four partial sums: the additions of one sum wait on each other, four overlap. */
static double dot(const double *u, const double *v, size_t n)
{
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += u[i] * v[i];
        s1 += u[i + 1] * v[i + 1];
        s2 += u[i + 2] * v[i + 2];
        s3 += u[i + 3] * v[i + 3];
    }
    for (; i < n; i++)
        s0 += u[i] * v[i];
    return (s0 + s1) + (s2 + s3);
}

/* Invariants (2) and (3). Z'Z of a small model by a plain loop: a multithreaded BLAS would
 * wake its threads for a 100 x 10 product (linalg/eigen.c). */
static int eigenbasis(smi_bayes_model *md)
{
    size_t n = md->n, k = md->k;
    if (k > SMI_LINALG_SMALL) {
        SMI_TRY(smi_linalg_gram(md->Z, n, k, md->G));
    } else {
        for (size_t a = 0; a < k; a++)
            for (size_t b = 0; b <= a; b++)
                md->G[a * k + b] = md->G[b * k + a] = dot(md->Z + a * n, md->Z + b * n, n);
    }
    for (size_t t = 0; t < k; t++)
        md->b[t] = dot(md->Z + t * n, md->y, n);
    memcpy(md->cov, md->G, k * k * sizeof *md->cov); /* destroyed by the spectrum */
    memcpy(md->c, md->b, k * sizeof *md->c);
    SMI_TRY(smi_linalg_sym_spectrum(md->cov, k, md->l, md->c, md->work));
    for (size_t i = 0; i < k; i++)
        if (!(md->l[i] > 0.0))
            md->l[i] = 0.0;
    return SMI_OK;
}

/* The evidence works on y and (unless standardised) the features in their own units, with
 * y'y, beta and the Gram matrix formed directly: a column out of the safe range
 * (smi_column_exponent) would overflow or underflow them, so it is refused by name. */
static int check_scales(const smi_dataset *ds, const size_t *subset, size_t k, int standardize)
{
    size_t p = ds->p;
    SMI_TRY(smi_dataset_check_coefficient_range(ds));
    SMI_FAIL_IF(smi_column_exponent(ds, p) != 0, SMI_ENONFINITE, "target '%s' has values of "
                "magnitude %g: the evidence, with y'y and the noise precision in units of y, "
                "is out of the range of a double there (rescale the target)", ds->target_name,
                fmax(fabs(ds->min[p]), fabs(ds->max[p])));
    for (size_t t = 0; !standardize && t < k; t++)
        SMI_FAIL_IF(smi_column_exponent(ds, subset[t]) != 0, SMI_ENONFINITE, "feature '%s' has "
                    "values of magnitude %g: the evidence without standardisation is out of "
                    "the range of a double there (rescale the feature, or standardise)",
                    ds->feature_names[subset[t]],
                    fmax(fabs(ds->min[subset[t]]), fabs(ds->max[subset[t]])));
    return SMI_OK;
}

int smi_bayes_model_prepare(smi_bayes_model *md, const smi_dataset *ds, const size_t *subset,
                            size_t k, int intercept, int standardize)
{
    memset(md, 0, sizeof *md);
    SMI_TRY(check_scales(ds, subset, k, standardize));
    size_t n = ds->n;
    SMI_FAIL_IF(n > INT_MAX || k > 16384, SMI_ETOOLARGE,
                "a model of %zu features on %zu samples is too large", k, n);
    md->n = n;
    md->k = k;
    size_t work = SMI_LINALG_SPECTRUM_WORK(k);
    work = work > n ? work : n;
    /* Z, y, G, b, l, c, scale, xmean, m, cov, work */
    size_t total = n * k + n + k * k + k + k + k + k + k + k + k * k + work;
    md->block = smi_alloc_array(total, sizeof(double), "evidence workspace");
    if (!md->block)
        return SMI_ENOMEM;
    double *p = md->block;
    md->Z = p, p += n * k;
    md->y = p, p += n;
    md->G = p, p += k * k;
    md->b = p, p += k;
    md->l = p, p += k;
    md->c = p, p += k;
    md->scale = p, p += k;
    md->xmean = p, p += k;
    md->m = p, p += k;
    md->cov = p, p += k * k;
    md->work = p;
    fill_design(md, ds, subset, intercept, standardize);
    int rc = eigenbasis(md);
    if (rc < 0)
        smi_bayes_model_release(md);
    return rc;
}

double smi_bayes_eval(const smi_bayes_model *md, double alpha, double beta, smi_bayes_terms *t)
{
    double logdet = 0.0, m2 = 0.0, explained = 0.0, gamma = 0.0, s1 = 0.0, tt = 0.0;
    for (size_t i = 0; i < md->k; i++) {
        double bl = beta * md->l[i], d = alpha + bl, inv = 1.0 / d;
        double g = bl * inv, h = alpha * inv; /* g + h = 1, each formed without cancellation */
        double mu = beta * md->c[i] * inv;
        logdet += log(d);
        gamma += g;
        m2 += mu * mu;
        s1 += mu * mu * h;
        tt += g * h;
        explained += mu * md->c[i] * (1.0 + h); /* c_i^2 beta (2 alpha + beta l_i) / d_i^2 */
    }
    double rss = md->yy - explained;
    if (rss < 0.0)
        rss = 0.0;
    double n = (double)md->n, k = (double)md->k;
    if (t)
        *t = (smi_bayes_terms){ .logdet = logdet, .m2 = m2, .rss = rss, .gamma = gamma,
                                .s1 = s1, .t = tt };
    return 0.5 * (n * SMI_BAYES_LN_2PI - n * log(beta) - k * log(alpha) + logdet + beta * rss +
                  alpha * m2);
}

/* r -= a z (r and z do not overlap). */
static void subtract_scaled(double *restrict r, const double *restrict z, double a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        r[i] -= a * z[i];
}

int smi_bayes_posterior(const smi_bayes_model *md, double alpha, double beta, double *rss,
                        double *m2)
{
    size_t n = md->n, k = md->k;
    for (size_t i = 0; i < k * k; i++)
        md->cov[i] = beta * md->G[i];
    for (size_t i = 0; i < k; i++) {
        md->cov[i * k + i] += alpha;
        md->m[i] = beta * md->b[i];
    }
    int rc = smi_linalg_spd_solve_inverse(md->cov, k, md->m, md->work);
    SMI_FAIL_IF(rc == SMI_ESINGULAR, SMI_ESINGULAR,
                "A = alpha I + beta X'X is singular to working precision at alpha = %g, "
                "beta = %g (%s)", alpha, beta, smi_last_error());
    SMI_TRY(rc);
    double mm = 0.0, *r = md->work;
    for (size_t j = 0; j < k; j++)
        mm += md->m[j] * md->m[j];
    memcpy(r, md->y, n * sizeof *r);
    for (size_t j = 0; j < k; j++)
        subtract_scaled(r, md->Z + j * n, md->m[j], n);
    *rss = dot(r, r, n);
    *m2 = mm;
    return SMI_OK;
}

int smi_bayes_finish(const smi_bayes_model *md, double alpha, double beta, smi_evidence_result *ev)
{
    size_t n = md->n, k = md->k;
    double rss, m2;
    SMI_TRY(smi_bayes_posterior(md, alpha, beta, &rss, &m2));
    double logdet = 0.0, gamma = 0.0;
    for (size_t i = 0; i < k; i++) {
        double d = alpha + beta * md->l[i];
        logdet += log(d);
        gamma += beta * md->l[i] / d;
    }
    double dn = (double)n;
    ev->alpha = alpha;
    ev->beta = beta;
    ev->gamma_eff = gamma;
    ev->fit = 0.5 * (beta * rss + alpha * m2 - dn * log(beta) + dn * SMI_BAYES_LN_2PI);
    ev->complexity = 0.5 * (logdet - (double)k * log(alpha));
    double intercept = md->ymean;
    for (size_t j = 0; j < k; j++) {
        ev->mean[j] = md->m[j] * md->scale[j];
        intercept -= md->xmean[j] * ev->mean[j];
    }
    ev->intercept = intercept;
    for (size_t a = 0; a < k; a++)
        for (size_t b = 0; b < k; b++)
            ev->covariance[a * k + b] = md->cov[a * k + b] * md->scale[a] * md->scale[b];
    return SMI_OK;
}
