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
    [SMI_CRIT_FE_GRID] = "fe-grid",
};
#define N_CRITERIA (sizeof criterion_names / sizeof criterion_names[0])

SMI_API const char *smi_criterion_name(int criterion)
{
    return criterion >= 0 && (size_t)criterion < N_CRITERIA ? criterion_names[criterion] : NULL;
}

static const struct {
    const char *label;
    int flags;
} criterion_info[] = {
    [SMI_CRIT_RSS] = { "RSS", 0 },
    [SMI_CRIT_AIC] = { "AIC", 0 },
    [SMI_CRIT_BIC] = { "BIC", 0 },
    [SMI_CRIT_FE] = { "free energy F", SMI_CRITERION_FREE_ENERGY | SMI_CRITERION_FE_HYPER },
    [SMI_CRIT_CV] = { "CV mean squared error", SMI_CRITERION_FOLDS | SMI_CRITERION_HELD_OUT },
    [SMI_CRIT_LOO] = { "LOO mean squared error", SMI_CRITERION_HELD_OUT },
    [SMI_CRIT_FE_NG] = { "free energy F (normal-gamma prior)",
                         SMI_CRITERION_FREE_ENERGY | SMI_CRITERION_NG_PRIOR
                             | SMI_CRITERION_NG_LAMBDA },
    [SMI_CRIT_FE_OPT] = { "free energy F (optimised alpha, beta)",
                          SMI_CRITERION_FREE_ENERGY | SMI_CRITERION_RATIO_GRID },
    [SMI_CRIT_FE_MARG] = { "free energy F (alpha, beta integrated out)",
                           SMI_CRITERION_FREE_ENERGY | SMI_CRITERION_RATIO_GRID
                               | SMI_CRITERION_NG_PRIOR },
    [SMI_CRIT_FE_GRID] = { "free energy F (sigma grid)",
                           SMI_CRITERION_FREE_ENERGY | SMI_CRITERION_SIGMA_GRID },
};

SMI_API const char *smi_criterion_label(int criterion)
{
    return smi_criterion_name(criterion) ? criterion_info[criterion].label : NULL;
}

SMI_API int smi_criterion_flags(int criterion)
{
    return smi_criterion_name(criterion) ? criterion_info[criterion].flags : 0;
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
    return smi_error_set(SMI_ENOTFOUND, "unknown criterion '%s' (known: rss, aic, bic, fe, cv, loo, fe-ng, fe-opt, fe-marg, fe-grid)", name);
}

SMI_API int smi_search_create(smi_search **out)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_search_create: out is NULL");
    smi_search *cfg = smi_calloc_array(1, sizeof *cfg, "search configuration");
    *out = cfg;
    if (!cfg)
        return SMI_ENOMEM;
    *cfg = (smi_search){ .criterion = SMI_CRIT_BIC, .alpha = 1.0, .beta = 0.0,
                         .ng_lambda = 1.0, .ng_a0 = 1e-6, .ng_b0 = 1e-6, .min_size = 1,
                         .ratio_lo = 1e-4, .ratio_hi = 1e4, .ratio_n = 20,
                         .model_prior = SMI_MODEL_PRIOR_UNIFORM, .prior_q = 0.5,
                         .top = 100, .bins = 64, .threads = 0, .intercept = 1,
                         .standardize = 1, .shard_count = 1,
                         /* exhbma's tutorial grids */
                         .sigma_lo = { 3.1622776601683794e-3, 1e-2 },
                         .sigma_hi = { 3.1622776601683795, 10.0 }, .sigma_n = { 20, 20 },
                         .grid_prior = SMI_GRID_PRIOR_INVERSE,
                         .max_time = SMI_SEARCH_MAX_TIME_DEFAULT };
    smi_folds_defaults(&cfg->folds);
    return SMI_OK;
}

void smi_search_release(struct smi_search *cfg)
{
    free(cfg->keep);
    free(cfg->edges);
    free(cfg->checkpoint);
    smi_folds_release(&cfg->folds);
    cfg->keep = NULL;
    cfg->edges = NULL;
    cfg->checkpoint = NULL;
}

SMI_API void smi_search_free(smi_search *cfg)
{
    if (!cfg)
        return;
    smi_search_release(cfg);
    free(cfg);
}

static void *duplicate(const void *src, size_t count, size_t size, int *failed)
{
    if (!src || count == 0)
        return NULL;
    void *copy = smi_alloc_array(count, size, "configuration array");
    if (copy)
        memcpy(copy, src, count * size);
    else
        *failed = 1;
    return copy;
}

int smi_search_copy_into(struct smi_search *dst, const struct smi_search *src)
{
    int failed = 0;
    *dst = *src;
    dst->folds.ids = NULL; /* until copied: never free src's */
    dst->keep = duplicate(src->keep, src->n_keep, sizeof *src->keep, &failed);
    dst->edges = duplicate(src->edges, src->n_edges, sizeof *src->edges, &failed);
    dst->checkpoint = src->checkpoint ? smi_strdup(src->checkpoint, "checkpoint path") : NULL;
    failed |= src->checkpoint && !dst->checkpoint;
    failed |= smi_folds_copy(&dst->folds, &src->folds) != SMI_OK;
    if (failed) {
        smi_search_release(dst);
        return SMI_ENOMEM;
    }
    return SMI_OK;
}

SMI_API int smi_search_copy(smi_search **out, const smi_search *src)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_search_copy: out is NULL");
    *out = NULL;
    SMI_FAIL_IF(!src, SMI_EINVAL, "smi_search_copy: src is NULL");
    smi_search *cfg = smi_calloc_array(1, sizeof *cfg, "search configuration");
    if (!cfg)
        return SMI_ENOMEM;
    int rc = smi_search_copy_into(cfg, src);
    if (rc != SMI_OK) {
        free(cfg);
        return rc;
    }
    *out = cfg;
    return SMI_OK;
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
    SMI_FAIL_IF(!(alpha > 0.0 && isfinite(alpha) && beta >= 0.0 && isfinite(beta)), SMI_EINVAL,
                "alpha = %g and beta = %g: alpha must be positive, beta positive or 0 (1 / var(y)), "
                "both finite", alpha, beta);
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

static int set_sigma_grid(smi_search *cfg, int which, double lo, double hi, size_t count)
{
    const char *what = which == 0 ? "sigma_noise" : "sigma_coef";
    SMI_FAIL_IF(!(lo > 0.0 && isfinite(lo) && hi > 0.0 && isfinite(hi)), SMI_EINVAL,
                "%s grid %g to %g: both ends must be positive and finite", what, lo, hi);
    SMI_FAIL_IF(count < 2 || count > SMI_SIGMA_GRID_MAX || !(hi > lo), SMI_EINVAL,
                "%s grid %g to %g with %zu points: need lo < hi and 2 to %d points", what, lo,
                hi, count, SMI_SIGMA_GRID_MAX);
    cfg->sigma_lo[which] = lo;
    cfg->sigma_hi[which] = hi;
    cfg->sigma_n[which] = count;
    return SMI_OK;
}

SMI_API int smi_search_set_sigma_noise_grid(smi_search *cfg, double lo, double hi, size_t count)
{
    CHECK_CFG(cfg);
    return set_sigma_grid(cfg, 0, lo, hi, count);
}

SMI_API int smi_search_set_sigma_coef_grid(smi_search *cfg, double lo, double hi, size_t count)
{
    CHECK_CFG(cfg);
    return set_sigma_grid(cfg, 1, lo, hi, count);
}

SMI_API int smi_search_set_grid_prior(smi_search *cfg, int kind, double shape, double scale)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(kind != SMI_GRID_PRIOR_INVERSE && kind != SMI_GRID_PRIOR_UNIFORM
                    && kind != SMI_GRID_PRIOR_GAMMA,
                SMI_EINVAL, "unknown grid prior %d", kind);
    SMI_FAIL_IF(kind == SMI_GRID_PRIOR_GAMMA && !(shape > 0.0 && isfinite(shape) && scale > 0.0
                                                  && isfinite(scale)),
                SMI_EINVAL, "gamma grid prior shape = %g, scale = %g: both must be positive and "
                "finite", shape, scale);
    cfg->grid_prior = kind;
    cfg->grid_shape = kind == SMI_GRID_PRIOR_GAMMA ? shape : 0.0;
    cfg->grid_scale = kind == SMI_GRID_PRIOR_GAMMA ? scale : 0.0;
    return SMI_OK;
}

SMI_API int smi_search_set_intercept_term(smi_search *cfg, int on)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(on != 0 && on != 1, SMI_EINVAL, "intercept term %d: must be 0 or 1", on);
    cfg->intercept_term = on;
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

SMI_API int smi_search_set_max_time(smi_search *cfg, double seconds)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(!(seconds >= 0.0), SMI_EINVAL,
                "maximum time %g s: must be at least 0 (0 or infinity: no limit)", seconds);
    cfg->max_time = seconds;
    return SMI_OK;
}

SMI_API int smi_search_set_estimate(smi_search *cfg, smi_estimate_fn fn, void *user)
{
    CHECK_CFG(cfg);
    cfg->estimate = fn;
    cfg->estimate_user = user;
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

SMI_API int smi_search_set_folds(smi_search *cfg, size_t k, int shuffle, uint64_t seed)
{
    CHECK_CFG(cfg);
    return smi_folds_set_kfold(&cfg->folds, k, shuffle, seed);
}

SMI_API int smi_search_set_fold_ids(smi_search *cfg, const int *ids, size_t n_ids)
{
    CHECK_CFG(cfg);
    return smi_folds_set_ids(&cfg->folds, ids, n_ids);
}

/* Getters: what the setters stored (smi_search_create's defaults before). */
#define CHECK_OUT(cond) SMI_FAIL_IF(!(cfg) || !(cond), SMI_EINVAL, "%s: NULL argument", __func__)

SMI_API int smi_search_get_criterion(const smi_search *cfg, int *criterion)
{
    CHECK_OUT(criterion);
    *criterion = cfg->criterion;
    return SMI_OK;
}

SMI_API int smi_search_get_fe_hyper(const smi_search *cfg, double *alpha, double *beta)
{
    CHECK_OUT(alpha && beta);
    *alpha = cfg->alpha;
    *beta = cfg->beta;
    return SMI_OK;
}

SMI_API int smi_search_get_size_range(const smi_search *cfg, size_t *min_size, size_t *max_size)
{
    CHECK_OUT(min_size && max_size);
    *min_size = cfg->min_size;
    *max_size = cfg->max_size;
    return SMI_OK;
}

SMI_API int smi_search_get_keep(const smi_search *cfg, size_t capacity, size_t *features,
                                size_t *count)
{
    if (count)
        *count = 0;
    CHECK_CFG(cfg);
    return smi_copy_out(__func__, "features", cfg->keep, cfg->n_keep, sizeof *cfg->keep,
                        capacity, features, count);
}

SMI_API int smi_search_get_top(const smi_search *cfg, size_t *m)
{
    CHECK_OUT(m);
    *m = cfg->top;
    return SMI_OK;
}

SMI_API int smi_search_get_bins(const smi_search *cfg, size_t *bins)
{
    CHECK_OUT(bins);
    *bins = cfg->bins;
    return SMI_OK;
}

SMI_API int smi_search_get_bin_edges(const smi_search *cfg, size_t capacity, double *edges,
                                     size_t *n_edges)
{
    if (n_edges)
        *n_edges = 0;
    CHECK_CFG(cfg);
    return smi_copy_out(__func__, "bin edges", cfg->edges, cfg->n_edges, sizeof *cfg->edges,
                        capacity, edges, n_edges);
}

SMI_API int smi_search_get_threads(const smi_search *cfg, size_t *threads)
{
    CHECK_OUT(threads);
    *threads = cfg->threads;
    return SMI_OK;
}

SMI_API int smi_search_get_progress(const smi_search *cfg, smi_progress_fn *fn, void **user)
{
    CHECK_OUT(fn && user);
    *fn = cfg->progress;
    *user = cfg->progress_user;
    return SMI_OK;
}

SMI_API int smi_search_get_max_time(const smi_search *cfg, double *seconds)
{
    CHECK_OUT(seconds);
    *seconds = cfg->max_time;
    return SMI_OK;
}

SMI_API int smi_search_get_estimate(const smi_search *cfg, smi_estimate_fn *fn, void **user)
{
    CHECK_OUT(fn && user);
    *fn = cfg->estimate;
    *user = cfg->estimate_user;
    return SMI_OK;
}

SMI_API int smi_search_get_intercept(const smi_search *cfg, int *on)
{
    CHECK_OUT(on);
    *on = cfg->intercept;
    return SMI_OK;
}

SMI_API int smi_search_get_standardize(const smi_search *cfg, int *on)
{
    CHECK_OUT(on);
    *on = cfg->standardize;
    return SMI_OK;
}

SMI_API int smi_search_get_normal_gamma(const smi_search *cfg, double *lambda, double *a0,
                                        double *b0)
{
    CHECK_OUT(lambda && a0 && b0);
    *lambda = cfg->ng_lambda;
    *a0 = cfg->ng_a0;
    *b0 = cfg->ng_b0;
    return SMI_OK;
}

SMI_API int smi_search_get_shard(const smi_search *cfg, size_t *index, size_t *count)
{
    CHECK_OUT(index && count);
    *index = cfg->shard_index;
    *count = cfg->shard_count;
    return SMI_OK;
}

SMI_API int smi_search_get_checkpoint(const smi_search *cfg, const char **path,
                                      double *interval)
{
    CHECK_OUT(path && interval);
    *path = cfg->checkpoint;
    *interval = cfg->checkpoint_interval;
    return SMI_OK;
}

SMI_API int smi_search_get_folds(const smi_search *cfg, size_t *k, int *shuffle, uint64_t *seed)
{
    CHECK_OUT(k && shuffle && seed);
    *k = cfg->folds.k;
    *shuffle = cfg->folds.shuffle;
    *seed = cfg->folds.seed;
    return SMI_OK;
}

SMI_API int smi_search_get_fold_ids(const smi_search *cfg, size_t capacity, int *ids,
                                    size_t *n_ids)
{
    if (n_ids)
        *n_ids = 0;
    CHECK_CFG(cfg);
    return smi_copy_out(__func__, "fold ids", cfg->folds.ids, cfg->folds.n_ids,
                        sizeof *cfg->folds.ids, capacity, ids, n_ids);
}

SMI_API int smi_search_get_model_prior(const smi_search *cfg, int *kind, double *q)
{
    CHECK_OUT(kind && q);
    *kind = cfg->model_prior;
    *q = cfg->prior_q;
    return SMI_OK;
}

SMI_API int smi_search_get_ratio_grid(const smi_search *cfg, double *lo, double *hi,
                                      size_t *count)
{
    CHECK_OUT(lo && hi && count);
    *lo = cfg->ratio_lo;
    *hi = cfg->ratio_hi;
    *count = cfg->ratio_n;
    return SMI_OK;
}

SMI_API int smi_search_get_sigma_noise_grid(const smi_search *cfg, double *lo, double *hi,
                                            size_t *count)
{
    CHECK_OUT(lo && hi && count);
    *lo = cfg->sigma_lo[0];
    *hi = cfg->sigma_hi[0];
    *count = cfg->sigma_n[0];
    return SMI_OK;
}

SMI_API int smi_search_get_sigma_coef_grid(const smi_search *cfg, double *lo, double *hi,
                                           size_t *count)
{
    CHECK_OUT(lo && hi && count);
    *lo = cfg->sigma_lo[1];
    *hi = cfg->sigma_hi[1];
    *count = cfg->sigma_n[1];
    return SMI_OK;
}

SMI_API int smi_search_get_grid_prior(const smi_search *cfg, int *kind, double *shape,
                                      double *scale)
{
    CHECK_OUT(kind && shape && scale);
    *kind = cfg->grid_prior;
    *shape = cfg->grid_shape;
    *scale = cfg->grid_scale;
    return SMI_OK;
}

SMI_API int smi_search_get_intercept_term(const smi_search *cfg, int *on)
{
    CHECK_OUT(on);
    *on = cfg->intercept_term;
    return SMI_OK;
}

SMI_API int smi_search_get_fold_assignment(const smi_search *cfg, size_t n, size_t capacity,
                                           int *folds, size_t *k)
{
    CHECK_CFG(cfg);
    return smi_folds_assignment(&cfg->folds, n, capacity, folds, k);
}
