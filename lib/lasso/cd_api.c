/* The public coordinate-descent API: the lambda sequence, penalty factors as glmnet scales
 * them, the run (with its cross-validation, cd_cv.c), the result handle and its accessors. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/data.h"
#include "lasso/lasso.h"

/* The penalty factors rescaled to sum to p, as glmnet does. */
static int penalty_factors(const struct smi_lasso *cfg, size_t p, double **pf)
{
    SMI_FAIL_IF(cfg->penalty && cfg->n_penalty != p, SMI_EINVAL, "LASSO: %zu penalty factors "
                "for %zu features", cfg->n_penalty, p);
    *pf = smi_alloc_array(p, sizeof **pf, "penalty factors");
    if (!*pf)
        return SMI_ENOMEM;
    double sum = 0.0;
    for (size_t j = 0; j < p; j++)
        sum += cfg->penalty ? cfg->penalty[j] : 1.0;
    double mean = sum / (double)p;
    for (size_t j = 0; j < p; j++) {
        double f = (cfg->penalty ? cfg->penalty[j] : 1.0) / mean;
        /* Factors spanning more than this range overflow lambda_max or the update. */
        if (!isfinite(mean) || !isfinite(f) || (f > 0.0 && f < 1e-100)) {
            free(*pf);
            *pf = NULL;
            return smi_error_set(SMI_EINVAL, "LASSO: penalty factor %zu (%g) is out of range "
                                 "against their mean %g", j, cfg->penalty[j], mean);
        }
        (*pf)[j] = f;
    }
    return SMI_OK;
}

/* The given lambdas, or L log-spaced from lambda_max down to min_ratio lambda_max. */
static int lambda_sequence(const smi_cd_data *d, const struct smi_lasso *cfg,
                           const double *pf, smi_lasso_result *fit)
{
    size_t L = cfg->lambdas ? cfg->n_user : cfg->n_lambda;
    fit->lambda = smi_alloc_array(L, sizeof *fit->lambda, "lambdas");
    if (!fit->lambda)
        return SMI_ENOMEM;
    fit->n_lambda = L;
    if (cfg->lambdas) {
        memcpy(fit->lambda, cfg->lambdas, L * sizeof *fit->lambda);
        return SMI_OK;
    }
    smi_cd_problem pb = smi_cd_problem_of(d, cfg, pf);
    double lambda_max;
    SMI_TRY(smi_cd_lambda_max(&pb, &lambda_max));
    SMI_FAIL_IF(!(lambda_max > 1e-10 * sqrt(d->y_var)), SMI_ESINGULAR, "LASSO: lambda_max "
                "is %g: the unpenalised features fit the target exactly, or it is uncorrelated "
                "with every feature", lambda_max);
    double ratio = cfg->min_ratio > 0.0 ? cfg->min_ratio : d->n > d->p ? 1e-4 : 1e-2;
    for (size_t k = 0; k < L; k++)
        fit->lambda[k] = L == 1 ? lambda_max
                                : lambda_max * exp(log(ratio) * (double)k / (double)(L - 1));
    return SMI_OK;
}

SMI_API void smi_lasso_result_free(smi_lasso_result *fit)
{
    if (!fit)
        return;
    free(fit->lambda);
    free(fit->coef);
    free(fit->intercept);
    free(fit->cv_mean);
    free(fit->cv_se);
    if (fit->has_cfg)
        smi_lasso_release(&fit->cfg);
    smi_data_id_free(fit->data);
    free(fit);
}

int smi_lasso_solve_path(const smi_dataset *ds, const struct smi_lasso *cfg, int with_cv,
                  int strict, smi_lasso_result **out, const char *who)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "%s: out is NULL", who);
    *out = NULL;
    SMI_FAIL_IF(!ds, SMI_EINVAL, "%s: data set is NULL", who);
    SMI_FAIL_IF(with_cv && ds->n_folds == 0, SMI_EINVAL, "%s: the folds are not resolved",
                who);
    double *pf = NULL;
    SMI_TRY(penalty_factors(cfg, ds->p, &pf));
    smi_cd_data d;
    int rc = smi_cd_data_build(ds, NULL, 0, strict, &d);
    smi_lasso_result *fit = rc == SMI_OK ? smi_calloc_array(1, sizeof *fit, "LASSO fit") : NULL;
    if (rc == SMI_OK && !fit)
        rc = SMI_ENOMEM;
    if (rc == SMI_OK) {
        fit->p = ds->p;
        rc = lambda_sequence(&d, cfg, pf, fit);
    }
    if (rc == SMI_OK) {
        fit->coef = smi_alloc_array(fit->n_lambda * ds->p, sizeof *fit->coef, "coefficients");
        fit->intercept = smi_alloc_array(fit->n_lambda, sizeof *fit->intercept, "intercepts");
        rc = fit->coef && fit->intercept ? SMI_OK : SMI_ENOMEM;
    }
    if (rc == SMI_OK)
        rc = smi_cd_fit_rows(&d, cfg, pf, fit->lambda, fit->n_lambda, fit->coef,
                             fit->intercept);
    smi_cd_data_free(&d);
    if (rc == SMI_OK && with_cv)
        rc = smi_lasso_cv_run(ds, cfg, pf, fit);
    free(pf);
    if (rc != SMI_OK) {
        smi_lasso_result_free(fit);
        return rc;
    }
    *out = fit;
    return SMI_OK;
}

SMI_API int smi_lasso_run(const smi_dataset *ds, const smi_lasso *cfg, smi_lasso_result **out)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_lasso_run: out is NULL");
    *out = NULL;
    SMI_FAIL_IF(!ds, SMI_EINVAL, "smi_lasso_run: data set is NULL");
    struct smi_lasso defaults;
    smi_lasso_defaults(&defaults);
    if (!cfg)
        cfg = &defaults;
    smi_dataset view;
    SMI_TRY(smi_dataset_fold_view(ds, cfg->cv ? &cfg->folds : NULL, &view));
    int rc = smi_lasso_solve_path(&view, cfg, cfg->cv, 1, out, "smi_lasso_run");
    smi_dataset_fold_view_release(&view);
    if (rc == SMI_OK)
        rc = smi_data_id_of(&(*out)->data, ds);
    if (rc == SMI_OK)
        rc = smi_lasso_copy_into(&(*out)->cfg, cfg);
    if (rc == SMI_OK)
        (*out)->has_cfg = 1;
    if (rc != SMI_OK) {
        smi_lasso_result_free(*out);
        *out = NULL;
    }
    return rc;
}

SMI_API int smi_lasso_result_status(const smi_lasso_result *fit)
{
    return fit ? SMI_OK : SMI_EINVAL;
}

SMI_API const char *smi_lasso_result_caveat(const smi_lasso_result *fit)
{
    (void)fit;
    return "";
}

SMI_API const smi_lasso *smi_lasso_result_config(const smi_lasso_result *fit)
{
    return fit && fit->has_cfg ? &fit->cfg : NULL;
}

SMI_API const smi_data_id *smi_lasso_result_data(const smi_lasso_result *fit)
{
    return fit ? fit->data : NULL;
}

SMI_API size_t smi_lasso_result_n_lambdas(const smi_lasso_result *fit)
{
    return fit ? fit->n_lambda : 0;
}

SMI_API size_t smi_lasso_result_p(const smi_lasso_result *fit)
{
    return fit ? fit->p : 0;
}

static int need(const smi_lasso_result *fit, size_t capacity, size_t count, const char *who)
{
    SMI_FAIL_IF(!fit, SMI_EINVAL, "%s: fit is NULL", who);
    SMI_FAIL_IF(capacity < count, SMI_EINVAL, "%s: capacity %zu is below the %zu values needed",
                who, capacity, count);
    return SMI_OK;
}

SMI_API int smi_lasso_result_lambdas(const smi_lasso_result *fit, size_t capacity, double *lambdas)
{
    SMI_TRY(need(fit, capacity, fit ? fit->n_lambda : 0, "smi_lasso_result_lambdas"));
    SMI_FAIL_IF(!lambdas, SMI_EINVAL, "smi_lasso_result_lambdas: lambdas is NULL");
    memcpy(lambdas, fit->lambda, fit->n_lambda * sizeof *lambdas);
    return SMI_OK;
}

SMI_API int smi_lasso_result_coefficients(const smi_lasso_result *fit, size_t capacity, double *coef,
                                   double *intercepts)
{
    SMI_TRY(need(fit, capacity, fit ? fit->n_lambda * fit->p : 0, "smi_lasso_result_coefficients"));
    SMI_FAIL_IF(!coef, SMI_EINVAL, "smi_lasso_result_coefficients: coef is NULL");
    memcpy(coef, fit->coef, fit->n_lambda * fit->p * sizeof *coef);
    if (intercepts)
        memcpy(intercepts, fit->intercept, fit->n_lambda * sizeof *intercepts);
    return SMI_OK;
}

SMI_API int smi_lasso_result_cv_curve(const smi_lasso_result *fit, size_t capacity, double *mean, double *se)
{
    SMI_TRY(need(fit, capacity, fit ? fit->n_lambda : 0, "smi_lasso_result_cv_curve"));
    SMI_FAIL_IF(!fit->has_cv, SMI_ENOTFOUND, "smi_lasso_result_cv_curve: the fit has no "
                "cross-validation (smi_lasso_set_cv asks for one)");
    if (mean)
        memcpy(mean, fit->cv_mean, fit->n_lambda * sizeof *mean);
    if (se)
        memcpy(se, fit->cv_se, fit->n_lambda * sizeof *se);
    return SMI_OK;
}

SMI_API int smi_lasso_result_cv_choice(const smi_lasso_result *fit, size_t *index_min, size_t *index_1se)
{
    SMI_FAIL_IF(!fit, SMI_EINVAL, "smi_lasso_result_cv_choice: fit is NULL");
    SMI_FAIL_IF(!fit->has_cv, SMI_ENOTFOUND, "smi_lasso_result_cv_choice: the fit has no "
                "cross-validation (smi_lasso_set_cv asks for one)");
    if (index_min)
        *index_min = fit->index_min;
    if (index_1se)
        *index_1se = fit->index_1se;
    return SMI_OK;
}
