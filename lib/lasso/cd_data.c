/* A data set's rows standardised for coordinate descent (the whole data, or one training
 * set of a cross-validation), and the path of solutions on them in original units. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/data.h"
#include "lasso/lasso.h"

void smi_cd_data_free(smi_cd_data *d)
{
    free(d->Z);
    free(d->y);
    free(d->mean);
    free(d->sd);
    memset(d, 0, sizeof *d);
}

static size_t row_of(const size_t *rows, size_t i)
{
    return rows ? rows[i] : i;
}

/* Z <- the rows of X transposed (column-major), in tiles so that both sides stay in cache. */
static void transpose_rows(const smi_dataset *ds, const size_t *rows, smi_cd_data *d)
{
    enum { TILE = 32 };
    size_t n = d->n, p = ds->p;
    for (size_t i0 = 0; i0 < n; i0 += TILE)
        for (size_t j0 = 0; j0 < p; j0 += TILE)
            for (size_t i = i0; i < i0 + TILE && i < n; i++) {
                const double *x = ds->X + row_of(rows, i) * p;
                for (size_t j = j0; j < j0 + TILE && j < p; j++)
                    d->Z[j * n + i] = x[j];
            }
}

/* Mean and sd (divisor n) of feature j, whose values are in column j of Z; the column
 * centred and scaled. A column out of the safe range is worked on scaled by its power of
 * two 2^-e (smi_column_exponent; exact, the same standardised values), so that its
 * variance neither overflows nor underflows. */
static int standardise_column(const smi_dataset *ds, size_t j, int strict, smi_cd_data *d)
{
    size_t n = d->n;
    int e = smi_column_exponent(ds, j);
    double *z = d->Z + j * n, m = 0.0, v = 0.0;
    for (size_t i = 0; i < n; i++) {
        z[i] = ldexp(z[i], -e);
        m += z[i];
    }
    m /= (double)n;
    for (size_t i = 0; i < n; i++) {
        z[i] -= m;
        v += z[i] * z[i];
    }
    double sd = sqrt(v / (double)n);
    d->mean[j] = ldexp(m, e);
    SMI_FAIL_IF(!isfinite(sd), SMI_ENONFINITE, "LASSO: the variance of feature '%s' overflows",
                ds->feature_names[j]);
    /* Constant up to the rounding of its mean. */
    if (!(sd > 1e-13 * fabs(m))) {
        SMI_FAIL_IF(strict, SMI_ECONSTANT, "LASSO: feature '%s' is constant",
                    ds->feature_names[j]);
        memset(z, 0, n * sizeof *z);
        d->sd[j] = 1.0;
        return SMI_OK;
    }
    d->sd[j] = ldexp(sd, e);
    SMI_FAIL_IF(!isfinite(d->sd[j]), SMI_ENONFINITE, "LASSO: the standard deviation of feature "
                "'%s' overflows", ds->feature_names[j]);
    for (size_t i = 0; i < n; i++)
        z[i] /= sd;
    return SMI_OK;
}

int smi_cd_data_build(const smi_dataset *ds, const size_t *rows, size_t n_rows, int strict,
                      smi_cd_data *d)
{
    size_t n = rows ? n_rows : ds->n, p = ds->p;
    memset(d, 0, sizeof *d);
    d->n = n;
    d->p = p;
    SMI_FAIL_IF(p > ((size_t)-1) / sizeof(double) / n, SMI_ETOOLARGE,
                "LASSO: %zu x %zu values do not fit in memory", n, p);
    SMI_FAIL_IF(n > INT_MAX || p > INT_MAX, SMI_ETOOLARGE, "LASSO: %zu x %zu is beyond "
                "BLAS's int sizes", n, p);
    d->Z = smi_alloc_array(n * p, sizeof *d->Z, "standardised features");
    d->y = smi_alloc_array(n, sizeof *d->y, "centred target");
    d->mean = smi_alloc_array(p, sizeof *d->mean, "feature means");
    d->sd = smi_alloc_array(p, sizeof *d->sd, "feature standard deviations");
    int rc = d->Z && d->y && d->mean && d->sd ? SMI_OK : SMI_ENOMEM;
    if (rc == SMI_OK)
        transpose_rows(ds, rows, d);
    for (size_t j = 0; rc == SMI_OK && j < p; j++)
        rc = standardise_column(ds, j, strict, d);
    if (rc != SMI_OK) {
        smi_cd_data_free(d);
        return rc;
    }
    double m = 0.0, v = 0.0;
    for (size_t i = 0; i < n; i++)
        m += ds->y[row_of(rows, i)];
    m /= (double)n;
    for (size_t i = 0; i < n; i++) {
        d->y[i] = ds->y[row_of(rows, i)] - m;
        v += d->y[i] * d->y[i];
    }
    d->y_mean = m;
    d->y_var = v / (double)n;
    if (!isfinite(d->y_var)) {
        smi_cd_data_free(d);
        return smi_error_set(SMI_ENONFINITE, "LASSO: the variance of the target '%s' overflows",
                             ds->target_name);
    }
    /* the penalty and the tolerances are in units of y and y^2: a target whose variance
     * is not a normal double cannot set them (before: "constant") */
    if (smi_column_exponent(ds, ds->p) != 0 && !(d->y_var >= 0x1p-1022)
        && ds->sd[ds->p] > 1e-13 * fabs(ds->mean[ds->p])) {
        smi_cd_data_free(d);
        return smi_error_set(SMI_ENONFINITE, "LASSO: the target '%s' has values of magnitude "
                             "%g: its variance is out of the range of a double (rescale the "
                             "target)", ds->target_name,
                             fmax(fabs(ds->min[ds->p]), fabs(ds->max[ds->p])));
    }
    if (strict && !(sqrt(d->y_var) > 1e-13 * fabs(m))) {
        smi_cd_data_free(d);
        return smi_error_set(SMI_ECONSTANT, "LASSO: the target '%s' is constant",
                             ds->target_name);
    }
    return SMI_OK;
}

smi_cd_problem smi_cd_problem_of(const smi_cd_data *d, const struct smi_lasso *cfg,
                                 const double *pf)
{
    smi_cd_problem pb = { .n = d->n, .p = d->p, .Z = d->Z, .y = d->y, .pf = pf,
                          .alpha = cfg->alpha, .thr = cfg->tol * d->y_var,
                          .max_passes = cfg->max_passes, .positive = cfg->positive };
    return pb;
}

int smi_cd_fit_rows(const smi_cd_data *d, const struct smi_lasso *cfg, const double *pf,
                    const double *lambdas, size_t L, double *coef, double *intercept)
{
    smi_cd_problem pb = smi_cd_problem_of(d, cfg, pf);
    double lambda_max;
    SMI_TRY(smi_cd_lambda_max(&pb, &lambda_max));
    SMI_TRY(smi_cd_path(&pb, lambda_max, lambdas, L, coef));
    size_t p = d->p;
    for (size_t k = 0; k < L; k++) {
        double b0 = d->y_mean;
        for (size_t j = 0; j < p; j++) {
            coef[k * p + j] /= d->sd[j];
            b0 -= d->mean[j] * coef[k * p + j];
        }
        intercept[k] = b0;
    }
    return SMI_OK;
}
