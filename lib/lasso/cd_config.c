/* The configuration of the coordinate-descent LASSO and elastic net: defaults, checked
 * setters, and the deep copy other parts (VMA) keep. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lasso/lasso.h"

void smi_lasso_defaults(struct smi_lasso *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->alpha = 1.0;
    cfg->n_lambda = 100;
    cfg->min_ratio = 0.0;
    cfg->tol = 1e-7;
    cfg->max_passes = 100000;
    cfg->threads = 0; /* every core */
    smi_folds_defaults(&cfg->folds);
}

void smi_lasso_release(struct smi_lasso *cfg)
{
    free(cfg->lambdas);
    free(cfg->penalty);
    cfg->lambdas = cfg->penalty = NULL;
    smi_folds_release(&cfg->folds);
}

static double *copy_doubles(const double *src, size_t count, const char *what)
{
    if (!src || count == 0)
        return NULL;
    double *dst = smi_alloc_array(count, sizeof *dst, what);
    if (dst)
        memcpy(dst, src, count * sizeof *dst);
    return dst;
}

int smi_lasso_copy_into(struct smi_lasso *dst, const struct smi_lasso *src)
{
    *dst = *src;
    dst->folds.ids = NULL; /* until copied: never free src's */
    dst->lambdas = copy_doubles(src->lambdas, src->n_user, "lambdas");
    dst->penalty = copy_doubles(src->penalty, src->n_penalty, "penalty factors");
    int folds_failed = smi_folds_copy(&dst->folds, &src->folds) != SMI_OK;
    if ((src->lambdas && !dst->lambdas) || (src->penalty && !dst->penalty) || folds_failed) {
        smi_lasso_release(dst);
        return SMI_ENOMEM;
    }
    return SMI_OK;
}

SMI_API int smi_lasso_create(smi_lasso **out)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_lasso_create: out is NULL");
    *out = smi_alloc_array(1, sizeof **out, "LASSO configuration");
    if (!*out)
        return SMI_ENOMEM;
    smi_lasso_defaults(*out);
    return SMI_OK;
}

SMI_API void smi_lasso_free(smi_lasso *cfg)
{
    if (!cfg)
        return;
    smi_lasso_release(cfg);
    free(cfg);
}

SMI_API int smi_lasso_set_alpha(smi_lasso *cfg, double alpha)
{
    SMI_FAIL_IF(!cfg, SMI_EINVAL, "smi_lasso_set_alpha: configuration is NULL");
    SMI_FAIL_IF(!(alpha > 0.0 && alpha <= 1.0), SMI_EINVAL,
                "smi_lasso_set_alpha: the mixing parameter %g is not in (0, 1]", alpha);
    cfg->alpha = alpha;
    return SMI_OK;
}

SMI_API int smi_lasso_set_path(smi_lasso *cfg, size_t n_lambda, double min_ratio)
{
    SMI_FAIL_IF(!cfg, SMI_EINVAL, "smi_lasso_set_path: configuration is NULL");
    SMI_FAIL_IF(n_lambda < 1, SMI_EINVAL, "smi_lasso_set_path: no lambda asked for");
    SMI_FAIL_IF(!(min_ratio == 0.0 || (min_ratio > 0.0 && min_ratio < 1.0)), SMI_EINVAL,
                "smi_lasso_set_path: min_ratio %g is not in (0, 1) (0: the default)",
                min_ratio);
    free(cfg->lambdas);
    cfg->lambdas = NULL;
    cfg->n_user = 0;
    cfg->n_lambda = n_lambda;
    cfg->min_ratio = min_ratio;
    return SMI_OK;
}

SMI_API int smi_lasso_set_lambdas(smi_lasso *cfg, const double *lambdas,
                                         size_t count)
{
    SMI_FAIL_IF(!cfg, SMI_EINVAL, "smi_lasso_set_lambdas: configuration is NULL");
    SMI_FAIL_IF(count > 0 && !lambdas, SMI_EINVAL, "smi_lasso_set_lambdas: lambdas is "
                "NULL with count %zu", count);
    for (size_t k = 0; k < count; k++) {
        SMI_FAIL_IF(!(lambdas[k] > 0.0 && isfinite(lambdas[k])), SMI_EINVAL,
                    "smi_lasso_set_lambdas: lambda %zu (%g) is not positive and finite",
                    k, lambdas[k]);
        SMI_FAIL_IF(k > 0 && !(lambdas[k] < lambdas[k - 1]), SMI_EINVAL,
                    "smi_lasso_set_lambdas: lambdas must decrease strictly, but lambda "
                    "%zu (%g) follows %g", k, lambdas[k], lambdas[k - 1]);
    }
    double *copy = copy_doubles(lambdas, count, "lambdas");
    if (count > 0 && !copy)
        return SMI_ENOMEM;
    free(cfg->lambdas);
    cfg->lambdas = copy;
    cfg->n_user = count;
    return SMI_OK;
}

SMI_API int smi_lasso_set_positive(smi_lasso *cfg, int on)
{
    SMI_FAIL_IF(!cfg, SMI_EINVAL, "smi_lasso_set_positive: configuration is NULL");
    cfg->positive = on != 0;
    return SMI_OK;
}

SMI_API int smi_lasso_set_penalty_factors(smi_lasso *cfg, const double *factors,
                                                 size_t count)
{
    SMI_FAIL_IF(!cfg, SMI_EINVAL, "smi_lasso_set_penalty_factors: configuration is NULL");
    if (!factors) {
        free(cfg->penalty);
        cfg->penalty = NULL;
        cfg->n_penalty = 0;
        return SMI_OK;
    }
    SMI_FAIL_IF(count == 0, SMI_EINVAL, "smi_lasso_set_penalty_factors: no factor given");
    int any_positive = 0;
    for (size_t j = 0; j < count; j++) {
        SMI_FAIL_IF(!(factors[j] >= 0.0 && isfinite(factors[j])), SMI_EINVAL,
                    "smi_lasso_set_penalty_factors: factor %zu (%g) is not a finite "
                    "value >= 0", j, factors[j]);
        any_positive |= factors[j] > 0.0;
    }
    SMI_FAIL_IF(!any_positive, SMI_EINVAL,
                "smi_lasso_set_penalty_factors: every factor is 0 (nothing penalised)");
    double *copy = copy_doubles(factors, count, "penalty factors");
    if (!copy)
        return SMI_ENOMEM;
    free(cfg->penalty);
    cfg->penalty = copy;
    cfg->n_penalty = count;
    return SMI_OK;
}

SMI_API int smi_lasso_set_tolerance(smi_lasso *cfg, double tol, size_t max_passes)
{
    SMI_FAIL_IF(!cfg, SMI_EINVAL, "smi_lasso_set_tolerance: configuration is NULL");
    SMI_FAIL_IF(!(tol > 0.0 && isfinite(tol)), SMI_EINVAL,
                "smi_lasso_set_tolerance: tolerance %g is not positive and finite", tol);
    SMI_FAIL_IF(max_passes < 1, SMI_EINVAL, "smi_lasso_set_tolerance: max_passes is 0");
    cfg->tol = tol;
    cfg->max_passes = max_passes;
    return SMI_OK;
}

SMI_API int smi_lasso_set_threads(smi_lasso *cfg, size_t threads)
{
    SMI_FAIL_IF(!cfg, SMI_EINVAL, "smi_lasso_set_threads: configuration is NULL");
    cfg->threads = threads;
    return SMI_OK;
}

SMI_API int smi_lasso_copy(smi_lasso **out, const smi_lasso *src)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_lasso_copy: out is NULL");
    *out = NULL;
    SMI_FAIL_IF(!src, SMI_EINVAL, "smi_lasso_copy: src is NULL");
    smi_lasso *cfg = smi_alloc_array(1, sizeof *cfg, "LASSO configuration");
    if (!cfg)
        return SMI_ENOMEM;
    int rc = smi_lasso_copy_into(cfg, src);
    if (rc != SMI_OK) {
        free(cfg);
        return rc;
    }
    *out = cfg;
    return SMI_OK;
}

SMI_API int smi_lasso_set_cv(smi_lasso *cfg, int on)
{
    SMI_FAIL_IF(!cfg, SMI_EINVAL, "smi_lasso_set_cv: configuration is NULL");
    cfg->cv = on != 0;
    return SMI_OK;
}

SMI_API int smi_lasso_set_folds(smi_lasso *cfg, size_t k, int shuffle, uint64_t seed)
{
    SMI_FAIL_IF(!cfg, SMI_EINVAL, "smi_lasso_set_folds: configuration is NULL");
    return smi_folds_set_kfold(&cfg->folds, k, shuffle, seed);
}

SMI_API int smi_lasso_set_fold_ids(smi_lasso *cfg, const int *ids, size_t n_ids)
{
    SMI_FAIL_IF(!cfg, SMI_EINVAL, "smi_lasso_set_fold_ids: configuration is NULL");
    return smi_folds_set_ids(&cfg->folds, ids, n_ids);
}

/* Getters: what the setters stored (smi_lasso_create's defaults before). */
#define CHECK_OUT(cond) SMI_FAIL_IF(!(cfg) || !(cond), SMI_EINVAL, "%s: NULL argument", __func__)

SMI_API int smi_lasso_get_alpha(const smi_lasso *cfg, double *alpha)
{
    CHECK_OUT(alpha);
    *alpha = cfg->alpha;
    return SMI_OK;
}

SMI_API int smi_lasso_get_path(const smi_lasso *cfg, size_t *n_lambda, double *min_ratio)
{
    CHECK_OUT(n_lambda && min_ratio);
    *n_lambda = cfg->n_lambda;
    *min_ratio = cfg->min_ratio;
    return SMI_OK;
}

SMI_API int smi_lasso_get_lambdas(const smi_lasso *cfg, size_t capacity, double *lambdas,
                                  size_t *count)
{
    if (count)
        *count = 0;
    SMI_FAIL_IF(!cfg, SMI_EINVAL, "smi_lasso_get_lambdas: configuration is NULL");
    return smi_copy_out(__func__, "lambdas", cfg->lambdas, cfg->n_user, sizeof *cfg->lambdas,
                        capacity, lambdas, count);
}

SMI_API int smi_lasso_get_positive(const smi_lasso *cfg, int *on)
{
    CHECK_OUT(on);
    *on = cfg->positive;
    return SMI_OK;
}

SMI_API int smi_lasso_get_penalty_factors(const smi_lasso *cfg, size_t capacity,
                                          double *factors, size_t *count)
{
    if (count)
        *count = 0;
    SMI_FAIL_IF(!cfg, SMI_EINVAL, "smi_lasso_get_penalty_factors: configuration is NULL");
    return smi_copy_out(__func__, "penalty factors", cfg->penalty, cfg->n_penalty,
                        sizeof *cfg->penalty, capacity, factors, count);
}

SMI_API int smi_lasso_get_tolerance(const smi_lasso *cfg, double *tol, size_t *max_passes)
{
    CHECK_OUT(tol && max_passes);
    *tol = cfg->tol;
    *max_passes = cfg->max_passes;
    return SMI_OK;
}

SMI_API int smi_lasso_get_threads(const smi_lasso *cfg, size_t *threads)
{
    CHECK_OUT(threads);
    *threads = cfg->threads;
    return SMI_OK;
}

SMI_API int smi_lasso_get_cv(const smi_lasso *cfg, int *on)
{
    CHECK_OUT(on);
    *on = cfg->cv;
    return SMI_OK;
}

SMI_API int smi_lasso_get_folds(const smi_lasso *cfg, size_t *k, int *shuffle, uint64_t *seed)
{
    CHECK_OUT(k && shuffle && seed);
    *k = cfg->folds.k;
    *shuffle = cfg->folds.shuffle;
    *seed = cfg->folds.seed;
    return SMI_OK;
}

SMI_API int smi_lasso_get_fold_ids(const smi_lasso *cfg, size_t capacity, int *ids,
                                   size_t *n_ids)
{
    if (n_ids)
        *n_ids = 0;
    SMI_FAIL_IF(!cfg, SMI_EINVAL, "smi_lasso_get_fold_ids: configuration is NULL");
    return smi_copy_out(__func__, "fold ids", cfg->folds.ids, cfg->folds.n_ids,
                        sizeof *cfg->folds.ids, capacity, ids, n_ids);
}

SMI_API int smi_lasso_get_fold_assignment(const smi_lasso *cfg, size_t n, size_t capacity,
                                          int *folds, size_t *k)
{
    SMI_FAIL_IF(!cfg, SMI_EINVAL, "smi_lasso_get_fold_assignment: configuration is NULL");
    return smi_folds_assignment(&cfg->folds, n, capacity, folds, k);
}
