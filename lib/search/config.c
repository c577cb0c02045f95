/* smi_search: the configuration handle, its defaults and checked setters, criterion names. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"

static const char *const criterion_names[] = {
    [SMI_CRIT_RSS] = "rss",
    [SMI_CRIT_AIC] = "aic",
    [SMI_CRIT_BIC] = "bic",
    [SMI_CRIT_FE] = "fe",
    [SMI_CRIT_CV] = "cv",
    [SMI_CRIT_LOO] = "loo",
    [SMI_CRIT_FE_NG] = "fe-ng",
    [SMI_CRIT_FE_OPT] = "fe-opt",
    [SMI_CRIT_FE_MARG] = "fe-marg",
};
#define N_CRITERIA (sizeof criterion_names / sizeof criterion_names[0])

SMI_API const char *smi_criterion_name(int criterion)
{
    return criterion >= 0 && (size_t)criterion < N_CRITERIA ? criterion_names[criterion] : NULL;
}

SMI_API int smi_criterion_from_name(const char *name, int *criterion)
{
    SMI_FAIL_IF(!name || !criterion, SMI_EINVAL, "smi_criterion_from_name: NULL argument");
    for (size_t c = 0; c < N_CRITERIA; c++) {
        if (strcmp(name, criterion_names[c]) == 0) {
            *criterion = (int)c;
            return SMI_OK;
        }
    }
    return smi_error_set(SMI_ENOTFOUND, "unknown criterion '%s' (known: rss, aic, bic, fe, cv, loo, fe-ng, fe-opt, fe-marg)", name);
}

SMI_API int smi_search_create(smi_search **out)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_search_create: out is NULL");
    smi_search *cfg = smi_calloc_array(1, sizeof *cfg, "search configuration");
    *out = cfg;
    if (!cfg)
        return SMI_ENOMEM;
    *cfg = (smi_search){ .criterion = SMI_CRIT_BIC, .alpha = 1e-2, .beta = 1.0,
                         .ng_lambda = 1.0, .ng_a0 = 1e-6, .ng_b0 = 1e-6, .min_size = 1,
                         .ratio_lo = 1e-4, .ratio_hi = 1e4, .ratio_n = 20,
                         .model_prior = SMI_MODEL_PRIOR_UNIFORM, .prior_q = 0.5,
                         .top = 100, .bins = 64, .threads = 1, .intercept = 1,
                         .standardize = 1, .shard_count = 1 };
    return SMI_OK;
}

SMI_API void smi_search_free(smi_search *cfg)
{
    if (!cfg)
        return;
    free(cfg->keep);
    free(cfg->edges);
    free(cfg->checkpoint);
    free(cfg);
}

#define CHECK_CFG(cfg) SMI_FAIL_IF(!(cfg), SMI_EINVAL, "%s: cfg is NULL", __func__)

SMI_API int smi_search_set_criterion(smi_search *cfg, int criterion)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(!smi_criterion_name(criterion), SMI_EINVAL, "unknown criterion %d", criterion);
    cfg->criterion = criterion;
    return SMI_OK;
}

SMI_API int smi_search_set_fe_hyper(smi_search *cfg, double alpha, double beta)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(!(alpha > 0.0 && isfinite(alpha) && beta > 0.0 && isfinite(beta)), SMI_EINVAL,
                "alpha = %g and beta = %g: both must be positive and finite", alpha, beta);
    cfg->alpha = alpha;
    cfg->beta = beta;
    return SMI_OK;
}

SMI_API int smi_search_set_normal_gamma(smi_search *cfg, double lambda, double a0, double b0)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(!(lambda > 0.0 && isfinite(lambda) && a0 > 0.0 && isfinite(a0) && b0 > 0.0
                  && isfinite(b0)),
                SMI_EINVAL, "lambda = %g, a0 = %g, b0 = %g: all must be positive and finite",
                lambda, a0, b0);
    cfg->ng_lambda = lambda;
    cfg->ng_a0 = a0;
    cfg->ng_b0 = b0;
    return SMI_OK;
}

SMI_API int smi_search_set_ratio_grid(smi_search *cfg, double lo, double hi, size_t count)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(!(lo > 0.0 && isfinite(lo) && hi > 0.0 && isfinite(hi)), SMI_EINVAL,
                "ratio grid %g to %g: both ends must be positive and finite", lo, hi);
    SMI_FAIL_IF(count < 2 || count > SMI_RATIO_GRID_MAX || !(hi > lo), SMI_EINVAL,
                "ratio grid %g to %g with %zu points: need lo < hi and 2 to %d points", lo, hi,
                count, SMI_RATIO_GRID_MAX);
    cfg->ratio_lo = lo;
    cfg->ratio_hi = hi;
    cfg->ratio_n = count;
    return SMI_OK;
}

SMI_API int smi_search_set_model_prior(smi_search *cfg, int kind, double q)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(kind != SMI_MODEL_PRIOR_NONE && kind != SMI_MODEL_PRIOR_UNIFORM
                    && kind != SMI_MODEL_PRIOR_BERNOULLI,
                SMI_EINVAL, "unknown model prior %d", kind);
    SMI_FAIL_IF(kind == SMI_MODEL_PRIOR_BERNOULLI && !(q > 0.0 && q < 1.0), SMI_EINVAL,
                "Bernoulli model prior q = %g: must lie strictly between 0 and 1", q);
    cfg->model_prior = kind;
    cfg->prior_q = kind == SMI_MODEL_PRIOR_BERNOULLI ? q : 0.5;
    return SMI_OK;
}

SMI_API int smi_search_set_size_range(smi_search *cfg, size_t min_size, size_t max_size)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(max_size != 0 && min_size > max_size, SMI_EINVAL,
                "minimum model size %zu exceeds the maximum %zu", min_size, max_size);
    cfg->min_size = min_size;
    cfg->max_size = max_size;
    return SMI_OK;
}

SMI_API int smi_search_set_keep(smi_search *cfg, const size_t *features, size_t count)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(count > 0 && !features, SMI_EINVAL, "smi_search_set_keep: features is NULL");
    size_t *copy = NULL;
    if (count > 0) {
        copy = smi_alloc_array(count, sizeof *copy, "forced features");
        if (!copy)
            return SMI_ENOMEM;
        memcpy(copy, features, count * sizeof *copy);
    }
    free(cfg->keep);
    cfg->keep = copy;
    cfg->n_keep = count;
    return SMI_OK;
}

SMI_API int smi_search_set_top(smi_search *cfg, size_t m)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(m == 0 || m > (size_t)1 << 24, SMI_EINVAL,
                "top %zu models: must be between 1 and 2^24", m);
    cfg->top = m;
    return SMI_OK;
}

SMI_API int smi_search_set_bins(smi_search *cfg, size_t bins)
{
    CHECK_CFG(cfg);
    /* Two bins at least: one bin on a grid anchored at 0 cannot hold scores of both signs. */
    SMI_FAIL_IF(bins < 2 || bins > (size_t)1 << 24, SMI_EINVAL,
                "%zu DOS bins: must be between 2 and 2^24", bins);
    cfg->bins = bins;
    free(cfg->edges);
    cfg->edges = NULL;
    cfg->n_edges = 0;
    return SMI_OK;
}

SMI_API int smi_search_set_bin_edges(smi_search *cfg, const double *edges, size_t n_edges)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(!edges || n_edges < 2 || n_edges > ((size_t)1 << 24) + 1, SMI_EINVAL,
                "%zu bin edges: need between 2 and 2^24 + 1", n_edges);
    for (size_t i = 0; i < n_edges; i++) {
        SMI_FAIL_IF(!isfinite(edges[i]), SMI_EINVAL, "bin edge %zu is not finite", i);
        SMI_FAIL_IF(i > 0 && !(edges[i] > edges[i - 1]), SMI_EINVAL,
                    "bin edges %zu and %zu are not increasing (%g, %g)", i - 1, i, edges[i - 1],
                    edges[i]);
    }
    double *copy = smi_alloc_array(n_edges, sizeof *copy, "bin edges");
    if (!copy)
        return SMI_ENOMEM;
    memcpy(copy, edges, n_edges * sizeof *copy);
    free(cfg->edges);
    cfg->edges = copy;
    cfg->n_edges = n_edges;
    return SMI_OK;
}

SMI_API int smi_search_set_threads(smi_search *cfg, size_t threads)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(threads > 1024, SMI_EINVAL, "%zu threads: at most 1024", threads);
    cfg->threads = threads;
    return SMI_OK;
}

SMI_API int smi_search_set_progress(smi_search *cfg, smi_progress_fn fn, void *user)
{
    CHECK_CFG(cfg);
    cfg->progress = fn;
    cfg->progress_user = user;
    return SMI_OK;
}

SMI_API int smi_search_set_intercept(smi_search *cfg, int on)
{
    CHECK_CFG(cfg);
    cfg->intercept = on != 0;
    return SMI_OK;
}

SMI_API int smi_search_set_standardize(smi_search *cfg, int on)
{
    CHECK_CFG(cfg);
    cfg->standardize = on != 0;
    return SMI_OK;
}

SMI_API int smi_search_set_shard(smi_search *cfg, size_t index, size_t count)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(count == 0 || index >= count, SMI_EINVAL,
                "shard %zu of %zu: need 0 <= index < count", index, count);
    cfg->shard_index = index;
    cfg->shard_count = count;
    return SMI_OK;
}

SMI_API int smi_search_set_checkpoint(smi_search *cfg, const char *path, double interval)
{
    CHECK_CFG(cfg);
    char *copy = NULL;
    if (path) {
        SMI_FAIL_IF(!*path, SMI_EINVAL, "checkpoint path is empty");
        SMI_FAIL_IF(!(interval > 0.0 && isfinite(interval)), SMI_EINVAL,
                    "checkpoint interval %g s: must be positive and finite", interval);
        copy = smi_strdup(path, "checkpoint path");
        if (!copy)
            return SMI_ENOMEM;
    }
    free(cfg->checkpoint);
    cfg->checkpoint = copy;
    cfg->checkpoint_interval = path ? interval : 0.0;
    return SMI_OK;
}
