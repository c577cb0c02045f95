/* The design of a refit (smi_refit_design, shared with refit.c; each column out of the safe
 * range scaled by its power of two, smi_column_exponent), and CV and LOO of one
 * subset, computed directly, independently of the sweep: for CV one QR
 * least-squares fit per training set and the predictions of its held-out rows; for LOO
 * the full fit's residuals r and leverages h (from the thin Q) in (1/n) sum (r/(1-h))^2. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg/linalg.h"
#include "search/search.h"

#define LEVERAGE_LIMIT (1.0 - 1e-10)

int smi_refit_design(const smi_dataset *ds, const struct smi_search *cfg,
                     const size_t *features, size_t k, const int *rows, size_t n_rows,
                     double *A, double *scale)
{
    size_t icpt = cfg->intercept ? 1 : 0;
    for (size_t i = 0; icpt && i < n_rows; i++)
        A[i] = 1.0;
    if (icpt)
        scale[0] = sqrt((double)n_rows);
    for (size_t t = 0; t < k; t++) {
        size_t j = features[t];
        int e = smi_column_exponent(ds, j); /* exact; the fit's coefficient scales by 2^-e */
        double *col = A + (icpt + t) * n_rows, sum = 0.0, ss = 0.0;
        for (size_t i = 0, r = 0; i < ds->n; i++)
            if (!rows || rows[i])
                sum += col[r++] = ldexp(ds->X[i * ds->p + j], -e);
        double mean = icpt ? sum / (double)n_rows : 0.0;
        for (size_t r = 0; r < n_rows; r++)
            ss += (col[r] - mean) * (col[r] - mean);
        /* constant on these rows: the rule of smi_column_is_constant */
        SMI_FAIL_IF(icpt && sqrt(ss / (double)n_rows) <= SMI_CONSTANT_TOLERANCE * fabs(mean),
                    SMI_ESINGULAR, "feature '%s' is constant on the rows fitted",
                    ds->feature_names[j]);
        scale[icpt + t] = sqrt(ss);
    }
    return SMI_OK;
}

/* Fit on the rows with train[i] != 0; add the squared prediction errors of the others. */
static int fold_error(const smi_dataset *ds, const struct smi_search *cfg,
                      const size_t *features, size_t k, const int *train, size_t n_train,
                      double *sse)
{
    size_t icpt = cfg->intercept ? 1 : 0, cols = k + icpt;
    SMI_FAIL_IF(cols > n_train, SMI_ESINGULAR, "%zu parameters for %zu training rows", cols,
                n_train);
    double *A = smi_alloc_array(cols ? cols : 1, n_train * sizeof *A, "CV fit");
    double *scale = smi_alloc_array(cols + 1, sizeof *scale, "CV fit");
    double *yt = smi_alloc_array(n_train, sizeof *yt, "CV fit");
    double *x = smi_calloc_array(cols + 1, sizeof *x, "CV fit");
    int rc = A && scale && yt && x ? SMI_OK : SMI_ENOMEM;
    if (rc == SMI_OK)
        rc = smi_refit_design(ds, cfg, features, k, train, n_train, A, scale);
    for (size_t i = 0, r = 0; rc == SMI_OK && i < ds->n; i++)
        if (train[i])
            yt[r++] = ds->y[i];
    double rss;
    if (rc == SMI_OK && cols > 0)
        rc = smi_linalg_lstsq(A, n_train, cols, yt, scale, sqrt(SMI_PIVOT_TOLERANCE), x, &rss);
    for (size_t i = 0; rc == SMI_OK && i < ds->n; i++) {
        if (train[i])
            continue;
        double pred = icpt ? x[0] : 0.0;
        for (size_t t = 0; t < k; t++)
            pred += x[icpt + t] * ds->X[i * ds->p + features[t]];
        *sse += (ds->y[i] - pred) * (ds->y[i] - pred);
    }
    free(A), free(scale), free(yt), free(x);
    return rc;
}

int smi_refit_cv(const smi_dataset *ds, const struct smi_search *cfg, const size_t *features,
                 size_t k, double *value)
{
    SMI_FAIL_IF(ds->n_folds < 2, SMI_EINVAL, "the CV criterion needs folds on the data set");
    int *train = smi_alloc_array(ds->n, sizeof *train, "CV folds");
    if (!train)
        return SMI_ENOMEM;
    double sse = 0.0;
    int rc = SMI_OK;
    for (size_t f = 0; f < ds->n_folds && rc == SMI_OK; f++) {
        size_t n_train = 0;
        for (size_t i = 0; i < ds->n; i++)
            n_train += (train[i] = ds->folds[i] != (int)f);
        rc = fold_error(ds, cfg, features, k, train, n_train, &sse);
    }
    free(train);
    if (rc == SMI_OK)
        *value = sse / (double)ds->n;
    return rc;
}

int smi_refit_loo(const smi_dataset *ds, const struct smi_search *cfg, const size_t *features,
                  size_t k, double *value)
{
    size_t n = ds->n, icpt = cfg->intercept ? 1 : 0, cols = k + icpt;
    SMI_FAIL_IF(cols >= n, SMI_ESINGULAR, "%zu parameters for %zu samples: no LOO", cols, n);
    double *A = smi_alloc_array(cols ? cols : 1, n * sizeof *A, "LOO fit");
    double *scale = smi_alloc_array(cols + 1, sizeof *scale, "LOO fit");
    double *x = smi_calloc_array(cols + 1, sizeof *x, "LOO fit");
    double *h = smi_calloc_array(n, sizeof *h, "LOO fit");
    int rc = A && scale && x && h ? SMI_OK : SMI_ENOMEM;
    if (rc == SMI_OK)
        rc = smi_refit_design(ds, cfg, features, k, NULL, n, A, scale);
    double rss;
    if (rc == SMI_OK && cols > 0)
        rc = smi_linalg_lstsq(A, n, cols, ds->y, scale, sqrt(SMI_PIVOT_TOLERANCE), x, &rss);
    if (rc == SMI_OK && cols > 0)
        rc = smi_linalg_leverages(A, n, cols, h);
    double sum = 0.0;
    for (size_t i = 0; rc == SMI_OK && i < n; i++) {
        double pred = 0.0;
        for (size_t j = 0; j < cols; j++)
            pred += A[j * n + i] * x[j];
        if (!(h[i] < LEVERAGE_LIMIT))
            rc = smi_error_set(SMI_ESINGULAR, "row %zu has leverage 1: no LOO", i + 1);
        double e = (ds->y[i] - pred) / (1.0 - h[i]);
        sum += e * e;
    }
    free(A), free(scale), free(x), free(h);
    if (rc == SMI_OK)
        *value = sum / (double)n;
    return rc;
}
