/* The public LARS API: argument checks, standardisation of the data set, the result handle
 * and its accessors. The path itself is lars.c's, on plain arrays. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/data.h"
#include "lasso/lasso.h"
#include "linalg/linalg.h"

SMI_API void smi_lars_result_free(smi_lars_result *path)
{
    if (!path)
        return;
    free(path->alpha);
    free(path->coef);
    free(path->coef_orig);
    free(path->intercept);
    free(path->active);
    free(path->n_active);
    smi_data_id_free(path->data);
    free(path);
}

/* G = Z'Z and c = Z'(y - ybar) for Z the centred columns divided by their sd (divisor n). */
static int standardise(const smi_dataset *ds, double *G, double *c)
{
    size_t n = ds->n, p = ds->p;
    double *Z = smi_alloc_array(n * p > n ? n * p : n, sizeof *Z, "standardised features");
    if (!Z)
        return SMI_ENOMEM;
    for (size_t j = 0; j < p; j++) {
        double m = ds->mean[j], s = ds->sd[j], v = 0.0;
        for (size_t i = 0; i < n; i++) {
            Z[j * n + i] = (ds->X[i * p + j] - m) / s;
            v += Z[j * n + i] * (ds->y[i] - ds->mean[p]);
        }
        c[j] = v;
    }
    int rc = smi_linalg_gram(Z, n, p, G);
    free(Z);
    return rc;
}

/* Coefficients in original units: w_j / sd_j, intercept ybar - xbar'w. */
static int to_original_units(const smi_dataset *ds, smi_lars_result *path)
{
    size_t p = path->p, t = path->n_knots;
    path->coef_orig = smi_alloc_array(t * p, sizeof *path->coef_orig, "LARS coefficients");
    path->intercept = smi_alloc_array(t, sizeof *path->intercept, "LARS intercepts");
    if (!path->coef_orig || !path->intercept)
        return SMI_ENOMEM;
    for (size_t k = 0; k < t; k++) {
        double b0 = ds->mean[p];
        for (size_t j = 0; j < p; j++) {
            double w = path->coef[k * p + j] / ds->sd[j];
            path->coef_orig[k * p + j] = w;
            b0 -= ds->mean[j] * w;
        }
        path->intercept[k] = b0;
    }
    return SMI_OK;
}

SMI_API int smi_lars_run(const smi_dataset *ds, const smi_lars *cfg, smi_lars_result **out)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_lars_run: out is NULL");
    *out = NULL;
    SMI_FAIL_IF(!ds, SMI_EINVAL, "smi_lars_run: data set is NULL");
    struct smi_lars defaults;
    smi_lars_defaults(&defaults);
    if (!cfg)
        cfg = &defaults;
    size_t p = ds->p;
    for (size_t j = 0; j < p; j++)
        SMI_FAIL_IF(!(ds->sd[j] > 0.0), SMI_ECONSTANT,
                    "smi_lars_run: feature '%s' is constant", ds->feature_names[j]);
    SMI_FAIL_IF(p > ((size_t)-1) / 8 / p, SMI_ETOOLARGE, "smi_lars_run: %zu features", p);

    smi_lars_result *path = smi_calloc_array(1, sizeof *path, "LARS path");
    double *G = smi_alloc_array(p * p + p, sizeof *G, "Gram matrix");
    int rc = path && G ? SMI_OK : SMI_ENOMEM;
    if (rc == SMI_OK) {
        path->p = p;
        path->cfg = *cfg;
        rc = smi_data_id_of(&path->data, ds);
    }
    if (rc == SMI_OK) {
        rc = standardise(ds, G, G + p * p);
    }
    if (rc == SMI_OK) {
        smi_lars_rule rule = { .lasso = cfg->method == SMI_LARS_LASSO,
                               .positive = cfg->positive, .max_steps = cfg->max_steps };
        rc = smi_lars_solve(G, G + p * p, p, ds->n, &rule, path);
    }
    if (rc == SMI_OK && path->status == SMI_ESINGULAR)
        smi_caveat_set(&path->caveat, SMI_ESINGULAR, "the path ends at knot %zu: the next "
                       "feature to enter lies in the span of the active ones",
                       path->n_knots - 1);
    if (rc == SMI_OK)
        rc = to_original_units(ds, path);
    free(G);
    if (rc < 0) {
        smi_lars_result_free(path);
        return rc;
    }
    *out = path;
    return SMI_OK;
}

SMI_API int smi_lars_result_status(const smi_lars_result *path)
{
    return path ? path->caveat.status : SMI_EINVAL;
}

SMI_API const char *smi_lars_result_caveat(const smi_lars_result *path)
{
    return path ? path->caveat.message : "";
}

SMI_API const smi_lars *smi_lars_result_config(const smi_lars_result *path)
{
    return path ? &path->cfg : NULL;
}

SMI_API const smi_data_id *smi_lars_result_data(const smi_lars_result *path)
{
    return path ? path->data : NULL;
}

SMI_API size_t smi_lars_result_n_knots(const smi_lars_result *path)
{
    return path ? path->n_knots : 0;
}

SMI_API int smi_lars_result_knots(const smi_lars_result *path, size_t capacity, double *alphas)
{
    SMI_FAIL_IF(!path || !alphas, SMI_EINVAL, "smi_lars_result_knots: NULL argument");
    SMI_FAIL_IF(capacity < path->n_knots, SMI_EINVAL,
                "smi_lars_result_knots: capacity %zu, need %zu", capacity, path->n_knots);
    memcpy(alphas, path->alpha, path->n_knots * sizeof *alphas);
    return SMI_OK;
}

SMI_API int smi_lars_result_coefficients(const smi_lars_result *path, size_t capacity, double *coef,
                                  double *intercepts)
{
    SMI_FAIL_IF(!path || !coef, SMI_EINVAL, "smi_lars_result_coefficients: NULL argument");
    size_t need = path->n_knots * path->p;
    SMI_FAIL_IF(capacity < need, SMI_EINVAL, "smi_lars_result_coefficients: capacity %zu, need %zu",
                capacity, need);
    memcpy(coef, path->coef_orig, need * sizeof *coef);
    if (intercepts)
        memcpy(intercepts, path->intercept, path->n_knots * sizeof *intercepts);
    return SMI_OK;
}

SMI_API int smi_lars_result_active(const smi_lars_result *path, size_t knot, size_t capacity,
                            size_t *features, size_t *count)
{
    SMI_FAIL_IF(!path || !count || (!features && capacity), SMI_EINVAL,
                "smi_lars_result_active: NULL argument");
    SMI_FAIL_IF(knot >= path->n_knots, SMI_EINVAL, "smi_lars_result_active: knot %zu of %zu", knot,
                path->n_knots);
    size_t k = path->n_active[knot];
    *count = k;
    SMI_FAIL_IF(capacity < k, SMI_EINVAL, "smi_lars_result_active: capacity %zu, need %zu",
                capacity, k);
    if (k)
        memcpy(features, path->active + knot * path->p, k * sizeof *features);
    return SMI_OK;
}
