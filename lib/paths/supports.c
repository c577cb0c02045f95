/* Sparse paths in context (DESIGN.md 4.6): the distinct supports along a LARS or
 * coordinate-descent path, each refitted by least squares and scored as smi_search_score_subset
 * scores a subset (smi_refit, lib/search/engine/refit.c), so that a support's criterion is the
 * value an exhaustive search reports for the same subset and smi_search_result_rank can place it.
 * Where the supports come from:
 *   - LARS: the path is linear between knots, so on the segment from knot t-1 to knot t the
 *     nonzero coefficients are the features active at either end (one entering at knot t-1
 *     is active from knot t on, one leaving at knot t was active at knot t-1, and none
 *     enters and leaves in one step). The segment starts at alpha_{t-1}: its penalty.
 *   - coordinate descent: one solution per lambda, its nonzero coefficients; the penalty is
 *     that lambda. The fit is read through its public accessors.
 * Invariants of a finished list:
 *   (1) the supports are non-empty, pairwise distinct, features ascending, in the order of
 *       their first appearance along the path (decreasing penalty);
 *   (2) status SMI_OK: value finite, coef and intercept the least-squares fit; status
 *       SMI_ESINGULAR (smi_refit found it singular for the criterion): value NaN, coef and
 *       intercept 0.
 * Cost: O(T p) to collect the supports of T knots or lambdas, one hash comparison per pair
 * of supports, then one QR refit per support. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lasso/lasso.h"
#include "search/search.h"

typedef struct support {
    size_t offset, size; /* features[offset .. offset + size) and the same of coef */
    uint64_t hash;
    double penalty, value, intercept;
    int status;
} support;

struct smi_path_supports {
    size_t count, cap;     /* supports, and room for them in item */
    size_t n_features, cap_features;
    support *item;
    size_t *features;
    double *coef;          /* n_features values, filled by the refits */
};

SMI_API void smi_path_supports_free(smi_path_supports *list)
{
    if (!list)
        return;
    free(list->item);
    free(list->features);
    free(list->coef);
    free(list);
}

/* A list with room for at most `max_supports` supports (one per knot or lambda). */
static smi_path_supports *list_create(size_t max_supports)
{
    smi_path_supports *l = smi_calloc_array(1, sizeof *l, "path supports");
    if (!l)
        return NULL;
    l->cap = max_supports ? max_supports : 1;
    l->item = smi_alloc_array(l->cap, sizeof *l->item, "path supports");
    if (!l->item) {
        free(l);
        return NULL;
    }
    return l;
}

/* FNV-1a over the indices: a cheap first test of equality. */
static uint64_t support_hash(const size_t *idx, size_t k)
{
    uint64_t h = 14695981039346656037u;
    for (size_t t = 0; t < k; t++)
        h = (h ^ (uint64_t)idx[t]) * 1099511628211u;
    return h;
}

static int seen_before(const smi_path_supports *l, const size_t *idx, size_t k, uint64_t h)
{
    for (size_t i = 0; i < l->count; i++) {
        const support *s = &l->item[i];
        if (s->hash == h && s->size == k
            && memcmp(l->features + s->offset, idx, k * sizeof *idx) == 0)
            return 1;
    }
    return 0;
}

static int reserve_features(smi_path_supports *l, size_t k)
{
    if (l->n_features + k <= l->cap_features)
        return SMI_OK;
    size_t cap = 2 * l->cap_features > l->n_features + k ? 2 * l->cap_features
                                                         : l->n_features + k + 64;
    size_t *f = cap <= SIZE_MAX / sizeof *f ? realloc(l->features, cap * sizeof *f) : NULL;
    SMI_FAIL_IF(!f, SMI_ENOMEM, "out of memory for %zu features of path supports", cap);
    l->features = f;
    l->cap_features = cap;
    return SMI_OK;
}

/* Append the support idx (k ascending indices) unless it is empty or already listed. */
static int add_support(smi_path_supports *l, const size_t *idx, size_t k, double penalty)
{
    uint64_t h = support_hash(idx, k);
    if (k == 0 || seen_before(l, idx, k, h))
        return SMI_OK;
    SMI_TRY(reserve_features(l, k));
    memcpy(l->features + l->n_features, idx, k * sizeof *idx);
    l->item[l->count++] = (support){ .offset = l->n_features, .size = k, .hash = h,
                                     .penalty = penalty };
    l->n_features += k;
    return SMI_OK;
}

/* LARS: the support of segment t is active(t-1) united with active(t) (see the top). */
static int collect_lars(smi_path_supports *l, const struct smi_lars_result *path, size_t *idx,
                        unsigned char *in)
{
    size_t p = path->p;
    for (size_t t = 1; t < path->n_knots; t++) {
        for (size_t s = t - 1; s <= t; s++)
            for (size_t i = 0; i < path->n_active[s]; i++)
                in[path->active[s * p + i]] = 1;
        size_t k = 0;
        for (size_t j = 0; j < p; j++)
            if (in[j])
                idx[k++] = j, in[j] = 0;
        SMI_TRY(add_support(l, idx, k, path->alpha[t - 1]));
    }
    return SMI_OK;
}

/* Coordinate descent: the nonzero coefficients of each of the L solutions. */
static int collect_lasso(smi_path_supports *l, const double *lambda, const double *coef,
                         size_t L, size_t p, size_t *idx)
{
    for (size_t t = 0; t < L; t++) {
        size_t k = 0;
        for (size_t j = 0; j < p; j++)
            if (coef[t * p + j] != 0.0)
                idx[k++] = j;
        SMI_TRY(add_support(l, idx, k, lambda[t]));
    }
    return SMI_OK;
}

/* The least-squares fit and criterion of every support; a singular one is marked, any
 * other failure ends the list. */
static int refit_all(smi_path_supports *l, const smi_dataset *ds, const struct smi_search *cfg)
{
    l->coef = smi_calloc_array(l->n_features ? l->n_features : 1, sizeof *l->coef,
                               "path support coefficients");
    if (!l->coef)
        return SMI_ENOMEM;
    for (size_t i = 0; i < l->count; i++) {
        support *s = &l->item[i];
        smi_fit fit = { .coef = l->coef + s->offset };
        int rc = smi_refit(ds, cfg, l->features + s->offset, s->size, &fit);
        if (rc < 0 && rc != SMI_ESINGULAR)
            return rc;
        s->status = rc == SMI_OK ? SMI_OK : SMI_ESINGULAR;
        s->value = rc == SMI_OK ? fit.value : NAN;
        s->intercept = rc == SMI_OK ? fit.intercept : 0.0;
        if (rc != SMI_OK)
            memset(fit.coef, 0, s->size * sizeof *fit.coef);
    }
    return SMI_OK;
}

/* Refit the collected list and hand it out, or free it. */
static int finish(smi_path_supports *l, int rc, const smi_dataset *ds, const smi_search *cfg,
                  smi_path_supports **out)
{
    smi_dataset view = { 0 };
    struct smi_search use;
    if (rc == SMI_OK)
        rc = smi_search_resolve(cfg, ds, &use);
    if (rc == SMI_OK)
        rc = smi_search_view(ds, cfg, &view);
    if (rc == SMI_OK)
        rc = refit_all(l, &view, &use);
    smi_dataset_fold_view_release(&view);
    if (rc != SMI_OK) {
        smi_path_supports_free(l);
        return rc;
    }
    *out = l;
    return SMI_OK;
}

SMI_API int smi_path_supports_from_lars(const smi_dataset *ds, const smi_lars_result *path,
                                        const smi_search *cfg, smi_path_supports **out)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_path_supports_from_lars: out is NULL");
    *out = NULL;
    SMI_FAIL_IF(!ds || !path || !cfg, SMI_EINVAL,
                "smi_path_supports_from_lars: ds, path or cfg is NULL");
    SMI_FAIL_IF(path->p != ds->p, SMI_EINVAL,
                "smi_path_supports_from_lars: the LARS path has %zu features, the data set %zu",
                path->p, ds->p);
    smi_path_supports *l = list_create(path->n_knots);
    size_t *idx = smi_alloc_array(ds->p, sizeof *idx, "path supports");
    unsigned char *in = smi_calloc_array(ds->p, 1, "path supports");
    int rc = l && idx && in ? collect_lars(l, path, idx, in) : SMI_ENOMEM;
    free(idx), free(in);
    if (!l)
        return rc;
    return finish(l, rc, ds, cfg, out);
}

SMI_API int smi_path_supports_from_lasso(const smi_dataset *ds, const smi_lasso_result *fit,
                                         const smi_search *cfg, smi_path_supports **out)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_path_supports_from_lasso: out is NULL");
    *out = NULL;
    SMI_FAIL_IF(!ds || !fit || !cfg, SMI_EINVAL,
                "smi_path_supports_from_lasso: ds, fit or cfg is NULL");
    size_t p = smi_lasso_result_p(fit), L = smi_lasso_result_n_lambdas(fit);
    SMI_FAIL_IF(p != ds->p, SMI_EINVAL,
                "smi_path_supports_from_lasso: the LASSO fit has %zu features, the data set %zu",
                p, ds->p);
    smi_path_supports *l = list_create(L);
    double *lambda = smi_alloc_array(L ? L : 1, sizeof *lambda, "LASSO path");
    double *coef = smi_alloc_array(L ? L : 1, p * sizeof *coef, "LASSO path");
    size_t *idx = smi_alloc_array(p, sizeof *idx, "path supports");
    int rc = l && lambda && coef && idx ? SMI_OK : SMI_ENOMEM;
    if (rc == SMI_OK && L > 0)
        rc = smi_lasso_result_lambdas(fit, L, lambda);
    if (rc == SMI_OK && L > 0)
        rc = smi_lasso_result_coefficients(fit, L * p, coef, NULL);
    if (rc == SMI_OK)
        rc = collect_lasso(l, lambda, coef, L, p, idx);
    free(lambda), free(coef), free(idx);
    if (!l)
        return rc;
    return finish(l, rc, ds, cfg, out);
}

SMI_API size_t smi_path_supports_count(const smi_path_supports *list)
{
    return list ? list->count : 0;
}

SMI_API int smi_path_supports_get(const smi_path_supports *list, size_t i, size_t capacity,
                                  size_t *features, double *coefficients, size_t *size,
                                  double *penalty, double *criterion, double *intercept)
{
    SMI_FAIL_IF(!list, SMI_EINVAL, "smi_path_supports_get: list is NULL");
    SMI_FAIL_IF(i >= list->count, SMI_EINVAL, "smi_path_supports_get: support %zu of %zu", i,
                list->count);
    const support *s = &list->item[i];
    if (size)
        *size = s->size;
    SMI_FAIL_IF((features || coefficients) && capacity < s->size, SMI_EINVAL,
                "smi_path_supports_get: capacity %zu, support %zu has %zu features", capacity,
                i, s->size);
    if (features)
        memcpy(features, list->features + s->offset, s->size * sizeof *features);
    if (coefficients)
        memcpy(coefficients, list->coef + s->offset, s->size * sizeof *coefficients);
    if (penalty)
        *penalty = s->penalty;
    if (criterion)
        *criterion = s->value;
    if (intercept)
        *intercept = s->intercept;
    SMI_FAIL_IF(s->status != SMI_OK, SMI_ESINGULAR,
                "smi_path_supports_get: support %zu (%zu features, penalty %g) is singular: "
                "rank deficient, or no residual degree of freedom for the criterion",
                i, s->size, s->penalty);
    return SMI_OK;
}

SMI_API int smi_path_supports_best(const smi_path_supports *list, size_t *index)
{
    SMI_FAIL_IF(!list || !index, SMI_EINVAL, "smi_path_supports_best: NULL argument");
    size_t best = list->count;
    for (size_t i = 0; i < list->count; i++) {
        const support *s = &list->item[i];
        if (s->status == SMI_OK && (best == list->count || s->value < list->item[best].value))
            best = i;
    }
    SMI_FAIL_IF(best == list->count, SMI_ENOTFOUND,
                "smi_path_supports_best: none of the %zu supports could be scored", list->count);
    *index = best;
    return SMI_OK;
}
