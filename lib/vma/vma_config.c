/* smi_vma: the configuration of a virtual measurement analysis, its defaults and checked
 * setters (vma.h lists the invariants they keep). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"
#include "vma/vma.h"

#define CHECK_CFG(cfg) SMI_FAIL_IF(!(cfg), SMI_EINVAL, "%s: cfg is NULL", __func__)

static const size_t default_sizes[] = { 20, 40, 80 };

int smi_vma_copy_search(smi_search **out, const smi_search *src)
{
    smi_search *c;
    SMI_TRY(smi_search_create(&c));
    *c = *src;
    c->folds.ids = NULL; /* K-fold only: each synthetic data set gets its own */
    c->folds.n_ids = 0;
    c->keep = NULL;
    c->edges = NULL;
    c->n_edges = 0;
    c->bins = 64;
    c->checkpoint = NULL;
    c->checkpoint_interval = 0.0;
    c->progress = NULL;
    c->progress_user = NULL;
    c->threads = 1;
    c->shard_index = 0;
    c->shard_count = 1;
    c->top = 1;
    c->model_prior = SMI_MODEL_PRIOR_NONE; /* no posterior sums: the best model only */
    c->prior_q = 0.5;
    if (src->n_keep > 0) {
        c->keep = smi_alloc_array(src->n_keep, sizeof *c->keep, "forced features");
        if (!c->keep) {
            smi_search_free(c);
            return SMI_ENOMEM;
        }
        memcpy(c->keep, src->keep, src->n_keep * sizeof *c->keep);
    }
    *out = c;
    return SMI_OK;
}

SMI_API int smi_vma_create(smi_vma **out)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_vma_create: out is NULL");
    *out = NULL;
    smi_vma *cfg = smi_calloc_array(1, sizeof *cfg, "virtual measurement configuration");
    if (!cfg)
        return SMI_ENOMEM;
    *cfg = (smi_vma){ .rows = SMI_VMA_RESAMPLE, .n_sizes = 3, .trials = 100, .threads = 0,
                      .method = SMI_VMA_SEARCH, .folds = SMI_DEFAULT_FOLDS,
                      .lasso_folds = SMI_DEFAULT_FOLDS };
    cfg->sizes = smi_alloc_array(3, sizeof *cfg->sizes, "sample sizes");
    smi_search *defaults = NULL;
    int rc = cfg->sizes ? smi_search_create(&defaults) : SMI_ENOMEM;
    if (rc == SMI_OK)
        rc = smi_vma_copy_search(&cfg->search, defaults);
    smi_search_free(defaults);
    if (rc != SMI_OK) {
        smi_vma_free(cfg);
        return rc;
    }
    memcpy(cfg->sizes, default_sizes, sizeof default_sizes);
    *out = cfg;
    return SMI_OK;
}

SMI_API void smi_vma_free(smi_vma *cfg)
{
    if (!cfg)
        return;
    free(cfg->features);
    free(cfg->coef);
    free(cfg->sizes);
    smi_search_free(cfg->search);
    if (cfg->has_lasso)
        smi_lasso_release(&cfg->lasso);
    free(cfg);
}

static int check_model(const size_t *features, size_t k, const double *coefficients,
                       double intercept, double noise_sd)
{
    SMI_FAIL_IF(!features || k == 0, SMI_EINVAL, "the model needs at least one feature");
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < i; j++)
            SMI_FAIL_IF(features[i] == features[j], SMI_EINVAL,
                        "feature %zu is listed twice in the model (positions %zu and %zu)",
                        features[i], j, i);
    for (size_t i = 0; coefficients && i < k; i++)
        SMI_FAIL_IF(!isfinite(coefficients[i]), SMI_EINVAL,
                    "coefficient %zu of the model is %g: must be finite", i, coefficients[i]);
    SMI_FAIL_IF(coefficients && !isfinite(intercept), SMI_EINVAL,
                "the model's intercept is %g: must be finite", intercept);
    SMI_FAIL_IF(!isfinite(noise_sd), SMI_EINVAL,
                "noise standard deviation %g: must be finite (< 0: estimated)", noise_sd);
    return SMI_OK;
}

SMI_API int smi_vma_set_model(smi_vma *cfg, const size_t *features, size_t k,
                              const double *coefficients, double intercept, double noise_sd)
{
    CHECK_CFG(cfg);
    SMI_TRY(check_model(features, k, coefficients, intercept, noise_sd));
    size_t *f = smi_alloc_array(k, sizeof *f, "model features");
    double *c = coefficients ? smi_alloc_array(k, sizeof *c, "model coefficients") : NULL;
    if (!f || (coefficients && !c)) {
        free(f), free(c);
        return SMI_ENOMEM;
    }
    memcpy(f, features, k * sizeof *f);
    if (c)
        memcpy(c, coefficients, k * sizeof *c);
    free(cfg->features), free(cfg->coef);
    cfg->features = f;
    cfg->coef = c;
    cfg->k = k;
    cfg->intercept = coefficients ? intercept : 0.0;
    cfg->noise_sd = noise_sd;
    return SMI_OK;
}

SMI_API int smi_vma_set_rows(smi_vma *cfg, int kind)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(kind != SMI_VMA_RESAMPLE && kind != SMI_VMA_GAUSSIAN, SMI_EINVAL,
                "unknown row generator %d (SMI_VMA_RESAMPLE or SMI_VMA_GAUSSIAN)", kind);
    cfg->rows = kind;
    return SMI_OK;
}

SMI_API int smi_vma_set_sizes(smi_vma *cfg, const size_t *sizes, size_t count)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(!sizes || count == 0, SMI_EINVAL, "smi_vma_set_sizes: no sample sizes");
    SMI_FAIL_IF(count > SMI_VMA_MAX_TRIALS, SMI_EINVAL, "%zu sample sizes: too many", count);
    for (size_t i = 0; i < count; i++)
        SMI_FAIL_IF(sizes[i] < 1 || sizes[i] > SMI_VMA_MAX_ROWS, SMI_EINVAL,
                    "sample size %zu (position %zu): must be 1 to %u", sizes[i], i,
                    SMI_VMA_MAX_ROWS);
    size_t *copy = smi_alloc_array(count, sizeof *copy, "sample sizes");
    if (!copy)
        return SMI_ENOMEM;
    memcpy(copy, sizes, count * sizeof *copy);
    free(cfg->sizes);
    cfg->sizes = copy;
    cfg->n_sizes = count;
    return SMI_OK;
}

SMI_API int smi_vma_set_trials(smi_vma *cfg, size_t trials)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(trials < 1 || trials > SMI_VMA_MAX_TRIALS, SMI_EINVAL,
                "%zu trials per size: must be 1 to %u", trials, SMI_VMA_MAX_TRIALS);
    cfg->trials = trials;
    return SMI_OK;
}

SMI_API int smi_vma_set_seed(smi_vma *cfg, uint64_t seed)
{
    CHECK_CFG(cfg);
    cfg->seed = seed;
    return SMI_OK;
}

SMI_API int smi_vma_set_threads(smi_vma *cfg, size_t threads)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(threads > 1024, SMI_EINVAL, "%zu threads: at most 1024", threads);
    cfg->threads = threads;
    return SMI_OK;
}

SMI_API int smi_vma_set_search(smi_vma *cfg, const smi_search *search)
{
    CHECK_CFG(cfg);
    smi_search *defaults = NULL;
    if (!search) {
        SMI_TRY(smi_search_create(&defaults));
        search = defaults;
    }
    int rc = SMI_OK;
    size_t folds = search->folds.k;
    if (search->criterion == SMI_CRIT_CV && search->folds.ids)
        rc = smi_error_set(SMI_EINVAL, "VMA draws new samples: fold ids cannot apply to them; "
                           "set K-fold folds (smi_search_set_folds)");
    smi_search *copy = NULL;
    if (rc == SMI_OK)
        rc = smi_vma_copy_search(&copy, search);
    smi_search_free(defaults);
    if (rc != SMI_OK)
        return rc;
    smi_search_free(cfg->search);
    cfg->search = copy;
    cfg->folds = folds;
    cfg->method = SMI_VMA_SEARCH;
    return SMI_OK;
}

SMI_API int smi_vma_set_lasso(smi_vma *cfg, const smi_lasso *lasso, int one_se)
{
    CHECK_CFG(cfg);
    struct smi_lasso copy, defaults;
    if (!lasso) {
        smi_lasso_defaults(&defaults);
        lasso = &defaults;
    }
    SMI_FAIL_IF(lasso->folds.ids, SMI_EINVAL, "VMA draws new samples: fold ids cannot apply to "
                "them; set K-fold folds (smi_lasso_set_folds)");
    size_t folds = lasso->folds.k;
    SMI_TRY(smi_lasso_copy_into(&copy, lasso));
    copy.threads = 1; /* one data set per thread already */
    if (cfg->has_lasso)
        smi_lasso_release(&cfg->lasso);
    cfg->lasso = copy;
    cfg->has_lasso = 1;
    cfg->lasso_folds = folds;
    cfg->one_se = one_se != 0;
    cfg->method = SMI_VMA_LASSO_CV;
    return SMI_OK;
}

SMI_API int smi_vma_set_progress(smi_vma *cfg, smi_progress_fn fn, void *user)
{
    CHECK_CFG(cfg);
    cfg->progress = fn;
    cfg->progress_user = user;
    return SMI_OK;
}

SMI_API int smi_vma_copy(smi_vma **out, const smi_vma *src)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_vma_copy: out is NULL");
    *out = NULL;
    SMI_FAIL_IF(!src, SMI_EINVAL, "smi_vma_copy: src is NULL");
    smi_vma *cfg = smi_calloc_array(1, sizeof *cfg, "virtual measurement configuration");
    if (!cfg)
        return SMI_ENOMEM;
    *cfg = *src;
    /* Until copied, none of src's arrays: smi_vma_free(cfg) must never free them. */
    cfg->features = NULL;
    cfg->coef = NULL;
    cfg->sizes = NULL;
    cfg->search = NULL;
    cfg->has_lasso = 0;
    memset(&cfg->lasso, 0, sizeof cfg->lasso);
    int rc = SMI_OK;
    if (src->features) {
        cfg->features = smi_alloc_array(src->k, sizeof *cfg->features, "model features");
        rc = cfg->features ? SMI_OK : SMI_ENOMEM;
        if (rc == SMI_OK)
            memcpy(cfg->features, src->features, src->k * sizeof *cfg->features);
    }
    if (rc == SMI_OK && src->coef) {
        cfg->coef = smi_alloc_array(src->k, sizeof *cfg->coef, "model coefficients");
        rc = cfg->coef ? SMI_OK : SMI_ENOMEM;
        if (rc == SMI_OK)
            memcpy(cfg->coef, src->coef, src->k * sizeof *cfg->coef);
    }
    if (rc == SMI_OK) {
        cfg->sizes = smi_alloc_array(src->n_sizes, sizeof *cfg->sizes, "sample sizes");
        rc = cfg->sizes ? SMI_OK : SMI_ENOMEM;
        if (rc == SMI_OK)
            memcpy(cfg->sizes, src->sizes, src->n_sizes * sizeof *cfg->sizes);
    }
    if (rc == SMI_OK)
        rc = smi_search_copy(&cfg->search, src->search);
    if (rc == SMI_OK && src->has_lasso) {
        rc = smi_lasso_copy_into(&cfg->lasso, &src->lasso); /* releases itself on failure */
        cfg->has_lasso = rc == SMI_OK;
    }
    if (rc != SMI_OK) {
        smi_vma_free(cfg);
        return rc;
    }
    *out = cfg;
    return SMI_OK;
}

/* Getters: what the setters stored (smi_vma_create's defaults before). */
#define CHECK_OUT(cond) SMI_FAIL_IF(!(cfg) || !(cond), SMI_EINVAL, "%s: NULL argument", __func__)

SMI_API int smi_vma_get_model(const smi_vma *cfg, size_t capacity, size_t *features,
                              double *coefficients, size_t *k, int *has_coefficients,
                              double *intercept, double *noise_sd)
{
    if (k)
        *k = 0;
    CHECK_OUT(has_coefficients && intercept && noise_sd);
    *has_coefficients = cfg->coef != NULL;
    *intercept = cfg->intercept;
    *noise_sd = cfg->noise_sd;
    SMI_TRY(smi_copy_out(__func__, "model features", cfg->features, cfg->k,
                         sizeof *cfg->features, capacity, features, k));
    if (cfg->coef && coefficients)
        memcpy(coefficients, cfg->coef, cfg->k * sizeof *coefficients);
    return SMI_OK;
}

SMI_API int smi_vma_get_rows(const smi_vma *cfg, int *kind)
{
    CHECK_OUT(kind);
    *kind = cfg->rows;
    return SMI_OK;
}

SMI_API int smi_vma_get_sizes(const smi_vma *cfg, size_t capacity, size_t *sizes, size_t *count)
{
    if (count)
        *count = 0;
    CHECK_CFG(cfg);
    return smi_copy_out(__func__, "sample sizes", cfg->sizes, cfg->n_sizes, sizeof *cfg->sizes,
                        capacity, sizes, count);
}

SMI_API int smi_vma_get_trials(const smi_vma *cfg, size_t *trials)
{
    CHECK_OUT(trials);
    *trials = cfg->trials;
    return SMI_OK;
}

SMI_API int smi_vma_get_seed(const smi_vma *cfg, uint64_t *seed)
{
    CHECK_OUT(seed);
    *seed = cfg->seed;
    return SMI_OK;
}

SMI_API int smi_vma_get_threads(const smi_vma *cfg, size_t *threads)
{
    CHECK_OUT(threads);
    *threads = cfg->threads;
    return SMI_OK;
}

SMI_API int smi_vma_get_method(const smi_vma *cfg, int *method)
{
    CHECK_OUT(method);
    *method = cfg->method;
    return SMI_OK;
}

SMI_API int smi_vma_get_search(const smi_vma *cfg, const smi_search **search)
{
    CHECK_OUT(search);
    *search = cfg->method == SMI_VMA_SEARCH ? cfg->search : NULL;
    return SMI_OK;
}

SMI_API int smi_vma_get_lasso(const smi_vma *cfg, const smi_lasso **lasso, int *one_se)
{
    CHECK_OUT(lasso && one_se);
    *lasso = cfg->method == SMI_VMA_LASSO_CV && cfg->has_lasso ? &cfg->lasso : NULL;
    *one_se = cfg->one_se;
    return SMI_OK;
}

SMI_API int smi_vma_get_progress(const smi_vma *cfg, smi_progress_fn *fn, void **user)
{
    CHECK_OUT(fn && user);
    *fn = cfg->progress;
    *user = cfg->progress_user;
    return SMI_OK;
}
