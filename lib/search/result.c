/* smi_search_result: derived from a search state (state.c) whose kept models are refitted by QR
 * on the original data; and its accessors, which copy into the caller's buffers. A run, a
 * merge and a loaded file all derive their result here, from the state alone. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"

SMI_API void smi_search_result_free(smi_search_result *res)
{
    if (!res)
        return;
    free(res->top_size);
    free(res->top_features);
    free(res->top_value);
    free(res->top_coef);
    free(res->top_intercept);
    free(res->top_rmse);
    free(res->best_present);
    free(res->best_features);
    free(res->best_value);
    free(res->best_coef);
    free(res->best_intercept);
    free(res->best_rmse);
    free(res->edges);
    free(res->counts);
    free(res->post_inclusion);
    free(res->post_size);
    free(res->post_dos);
    free(res->avg_coef);
    smi_state_free(&res->state);
    free(res);
}

static int compare_models(const void *a, const void *b)
{
    return smi_model_compare(a, b);
}

/* Store refitted model m in slot i of the reported arrays (stride w). */
static void put_model(const smi_kept *m, size_t w, size_t i, size_t *features, double *value,
                      double *coef, double *intercept, double *rmse)
{
    memcpy(features + i * w, m->features, m->size * sizeof *features);
    memcpy(coef + i * w, m->coef, m->size * sizeof *coef);
    value[i] = m->value;
    intercept[i] = m->intercept;
    rmse[i] = m->rmse;
}

static int alloc_result(smi_search_result *r)
{
    size_t w = r->kmax ? r->kmax : 1, nt = r->n_top ? r->n_top : 1, nb = r->kmax + 1;
    r->top_size = smi_alloc_array(nt, sizeof *r->top_size, "result");
    r->top_features = smi_alloc_array(nt, w * sizeof *r->top_features, "result");
    r->top_value = smi_alloc_array(nt, sizeof *r->top_value, "result");
    r->top_coef = smi_alloc_array(nt, w * sizeof *r->top_coef, "result");
    r->top_intercept = smi_alloc_array(nt, sizeof *r->top_intercept, "result");
    r->top_rmse = smi_alloc_array(nt, sizeof *r->top_rmse, "result");
    r->best_present = smi_calloc_array(nb, sizeof *r->best_present, "result");
    r->best_features = smi_alloc_array(nb, w * sizeof *r->best_features, "result");
    r->best_value = smi_alloc_array(nb, sizeof *r->best_value, "result");
    r->best_coef = smi_alloc_array(nb, w * sizeof *r->best_coef, "result");
    r->best_intercept = smi_alloc_array(nb, sizeof *r->best_intercept, "result");
    r->best_rmse = smi_alloc_array(nb, sizeof *r->best_rmse, "result");
    int ok = r->top_size && r->top_features && r->top_value && r->top_coef && r->top_intercept
             && r->top_rmse && r->best_present && r->best_features && r->best_value
             && r->best_coef && r->best_intercept && r->best_rmse;
    return ok ? SMI_OK : SMI_ENOMEM;
}

/* Ranks by the refitted values (ties: subset order), as the kept models are reported. */
static int rerank(smi_search_result *r)
{
    size_t w = r->kmax ? r->kmax : 1;
    smi_model *order = smi_alloc_array(r->n_top ? r->n_top : 1, sizeof *order, "ranking");
    size_t *features = smi_alloc_array(r->n_top ? r->n_top : 1, w * sizeof *features, "ranking");
    double *buf = smi_alloc_array(r->n_top ? r->n_top : 1, (w + 3) * sizeof *buf, "ranking");
    if (!order || !features || !buf) {
        free(order), free(features), free(buf);
        return SMI_ENOMEM;
    }
    memcpy(features, r->top_features, r->n_top * w * sizeof *features);
    for (size_t i = 0; i < r->n_top; i++) /* value, size, features; slot index rides in size */
        order[i] = (smi_model){ .value = r->top_value[i], .size = r->top_size[i],
                                .features = features + i * w };
    qsort(order, r->n_top, sizeof *order, compare_models);
    for (size_t i = 0; i < r->n_top; i++) {
        size_t from = (size_t)(order[i].features - features) / w;
        memcpy(buf + i * (w + 3), r->top_coef + from * w, w * sizeof *buf);
        buf[i * (w + 3) + w] = r->top_value[from];
        buf[i * (w + 3) + w + 1] = r->top_intercept[from];
        buf[i * (w + 3) + w + 2] = r->top_rmse[from];
    }
    for (size_t i = 0; i < r->n_top; i++) {
        size_t from = (size_t)(order[i].features - features) / w;
        r->top_size[i] = order[i].size;
        memcpy(r->top_features + i * w, features + from * w, w * sizeof *features);
        memcpy(r->top_coef + i * w, buf + i * (w + 3), w * sizeof *buf);
        r->top_value[i] = buf[i * (w + 3) + w];
        r->top_intercept[i] = buf[i * (w + 3) + w + 1];
        r->top_rmse[i] = buf[i * (w + 3) + w + 2];
    }
    free(order), free(features), free(buf);
    return SMI_OK;
}

static int in_kept(const smi_state *s, const smi_kept *m)
{
    smi_model x = { m->sweep, m->size, m->features };
    for (size_t i = 0; i < s->n_kept; i++) {
        smi_model y = { s->kept[i].sweep, s->kept[i].size, s->kept[i].features };
        if (smi_model_compare(&x, &y) == 0)
            return 1;
    }
    return 0;
}

/* Report the refitted models. A model that the sweep scored but whose QR refit found it
 * rank deficient (a borderline subset) is not reported: its sweep value goes to `dropped`,
 * to be moved from the scored count to the singular count. */
static int fill_models(smi_search_result *r, const smi_state *s, double *dropped, size_t *n_dropped)
{
    size_t w = r->kmax ? r->kmax : 1, kept = 0;
    for (size_t i = 0; i < s->n_kept; i++) {
        const smi_kept *m = &s->kept[i];
        assert(m->status == SMI_KEPT_OK || m->status == SMI_KEPT_SINGULAR);
        if (m->status != SMI_KEPT_OK) {
            dropped[(*n_dropped)++] = m->sweep;
            continue;
        }
        put_model(m, w, kept, r->top_features, r->top_value, r->top_coef, r->top_intercept,
                  r->top_rmse);
        r->top_size[kept++] = m->size;
    }
    r->n_top = kept;
    for (size_t k = 0; k <= r->kmax; k++) {
        const smi_kept *m = &s->best[k];
        assert(m->status != SMI_KEPT_PENDING);
        if (m->status == SMI_KEPT_NONE)
            continue;
        if (m->status != SMI_KEPT_OK) {
            if (!in_kept(s, m))
                dropped[(*n_dropped)++] = m->sweep;
            continue;
        }
        put_model(m, w, k, r->best_features, r->best_value, r->best_coef, r->best_intercept,
                  r->best_rmse);
        r->best_present[k] = 1;
    }
    return rerank(r);
}

/* Take one score out of the finished DOS and count its model as singular. A state that
 * does not hold the score (only a forged file can) is refused. */
static int remove_from_dos(smi_search_result *r, double v)
{
    uint64_t *slot = NULL;
    if (r->n_bins == 0 || r->n_models == 0) {
        slot = NULL;
    } else if (v < r->edges[0]) {
        slot = &r->below;
    } else if (!(v < r->edges[r->n_bins])) {
        slot = &r->above;
    } else {
        size_t lo = 0, hi = r->n_bins;
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (r->edges[mid] <= v)
                lo = mid;
            else
                hi = mid;
        }
        slot = &r->counts[lo];
    }
    SMI_FAIL_IF(!slot || *slot == 0, SMI_EINVAL,
                "the score %.17g of a dropped model is not in the DOS", v);
    (*slot)--;
    r->n_models--;
    r->n_singular++;
    return SMI_OK;
}

/* The grid criteria's accuracy over the top models: the largest quadrature error (NAN when
 * no model's is known), how many sit at a grid edge, and the caveat (SMI_ENOCONV) when the
 * error exceeds SMI_GRID_ERROR_LIMIT in F or some model sits at an edge. */
#define SMI_GRID_ERROR_LIMIT 0.01
static void grid_accuracy(smi_search_result *r, const smi_state *s)
{
    r->grid_error = NAN;
    r->grid_edge = 0;
    smi_caveat_set(&r->caveat, SMI_OK, "%s", "");
    if (!smi_is_ratio_grid(s->criterion))
        return;
    for (size_t i = 0; i < s->n_kept; i++) {
        const smi_kept *m = &s->kept[i];
        if (m->status != SMI_KEPT_OK || isnan(m->grid_error))
            continue;
        if (isnan(r->grid_error) || m->grid_error > r->grid_error)
            r->grid_error = m->grid_error;
        r->grid_edge += m->grid_edge != 0;
    }
    int marg = s->criterion == SMI_CRIT_FE_MARG, coarse = r->grid_error > SMI_GRID_ERROR_LIMIT;
    if (coarse && r->grid_edge)
        smi_caveat_set(&r->caveat, SMI_ENOCONV, "the ratio grid's quadrature error reaches %.3g "
                       "in F (above %g) and %zu of the top models %s at an end of the grid: "
                       "use a wider grid with more points", r->grid_error,
                       SMI_GRID_ERROR_LIMIT, r->grid_edge,
                       marg ? "have posterior mass" : "have their optimum");
    else if (coarse)
        smi_caveat_set(&r->caveat, SMI_ENOCONV, "the ratio grid's quadrature error reaches %.3g "
                       "in F (above %g): use more points", r->grid_error, SMI_GRID_ERROR_LIMIT);
    else if (r->grid_edge)
        smi_caveat_set(&r->caveat, SMI_ENOCONV, "%zu of the top models %s at an end of the "
                       "ratio grid: widen it", r->grid_edge,
                       marg ? "have posterior mass" : "have their optimum");
}

static int derive(smi_search_result *r)
{
    const smi_state *s = &r->state;
    r->criterion = s->criterion;
    r->p = s->p;
    r->kmax = s->kmax;
    r->n_top = s->n_kept;
    r->n_models = s->n_models;
    r->n_singular = s->n_singular;
    r->n_nonfinite = s->n_nonfinite;
    size_t n_dropped = 0;
    double *dropped = smi_alloc_array(s->n_kept + s->kmax + 2, sizeof *dropped, "result");
    int rc = dropped ? alloc_result(r) : SMI_ENOMEM;
    if (rc == SMI_OK)
        rc = fill_models(r, s, dropped, &n_dropped);
    const smi_hist *part = &s->hist;
    if (rc == SMI_OK)
        rc = smi_hist_finish(&part, 1, s->hist.capacity, &r->edges, &r->counts, &r->n_bins,
                             &r->below, &r->above, &r->post_dos);
    if (rc == SMI_OK)
        rc = smi_posterior_report(r, &r->state);
    for (size_t i = 0; rc == SMI_OK && i < n_dropped; i++)
        rc = remove_from_dos(r, dropped[i]);
    free(dropped);
    grid_accuracy(r, s);
    return rc;
}

int smi_search_result_from_state(smi_search_result **out, smi_state *s)
{
    smi_search_result *r = smi_calloc_array(1, sizeof *r, "search result");
    if (!r) {
        smi_state_free(s);
        return SMI_ENOMEM;
    }
    r->state = *s;
    memset(s, 0, sizeof *s);
    int rc = derive(r);
    if (rc != SMI_OK) {
        smi_search_result_free(r);
        return rc;
    }
    *out = r;
    return SMI_OK;
}

int smi_search_result_build(const smi_dataset *ds, const smi_problem *pb, smi_collector *const *cols,
                     size_t n, const smi_run_info *info, smi_search_result **out)
{
    for (size_t i = 1; i < n; i++)
        SMI_TRY(smi_collector_merge(cols[0], cols[i]));
    smi_state s;
    SMI_TRY(smi_state_snapshot(&s, pb, cols[0], info));
    int rc = smi_state_refit(&s, ds, pb->cfg);
    if (rc != SMI_OK) {
        smi_state_free(&s);
        return rc;
    }
    return smi_search_result_from_state(out, &s);
}

/* ---------- accessors ---------- */

SMI_API uint64_t smi_search_result_n_models(const smi_search_result *res) { return res ? res->n_models : 0; }
SMI_API uint64_t smi_search_result_n_singular(const smi_search_result *res) { return res ? res->n_singular : 0; }
SMI_API uint64_t smi_search_result_n_nonfinite(const smi_search_result *res) { return res ? res->n_nonfinite : 0; }
SMI_API int smi_search_result_criterion(const smi_search_result *res) { return res ? res->criterion : -1; }
SMI_API size_t smi_search_result_p(const smi_search_result *res) { return res ? res->p : 0; }
SMI_API size_t smi_search_result_max_size(const smi_search_result *res) { return res ? res->kmax : 0; }
SMI_API size_t smi_search_result_n_top(const smi_search_result *res) { return res ? res->n_top : 0; }
SMI_API size_t smi_search_result_n_bins(const smi_search_result *res) { return res ? res->n_bins : 0; }

static void put_d(double *dst, double v)
{
    if (dst)
        *dst = v;
}

static int copy_model(const smi_search_result *r, size_t slot, size_t k, const size_t *all_features,
                      const double *all_coef, size_t capacity, size_t *features, double *coef)
{
    size_t w = r->kmax ? r->kmax : 1;
    SMI_FAIL_IF(capacity < k && (features || coef), SMI_EINVAL,
                "the buffers hold %zu values, the model has %zu features", capacity, k);
    if (features)
        memcpy(features, all_features + slot * w, k * sizeof *features);
    if (coef)
        memcpy(coef, all_coef + slot * w, k * sizeof *coef);
    return SMI_OK;
}

SMI_API int smi_search_result_model(const smi_search_result *res, size_t rank, size_t capacity,
                             size_t *features, double *coefficients, size_t *size,
                             double *criterion, double *intercept, double *rmse)
{
    SMI_FAIL_IF(!res, SMI_EINVAL, "smi_search_result_model: res is NULL");
    SMI_FAIL_IF(rank >= res->n_top, SMI_EINVAL, "rank %zu: the result keeps %zu models", rank,
                res->n_top);
    size_t k = res->top_size[rank];
    SMI_TRY(copy_model(res, rank, k, res->top_features, res->top_coef, capacity, features,
                       coefficients));
    if (size)
        *size = k;
    put_d(criterion, res->top_value[rank]);
    put_d(intercept, res->top_intercept[rank]);
    put_d(rmse, res->top_rmse[rank]);
    return SMI_OK;
}

SMI_API int smi_search_result_best_of_size(const smi_search_result *res, size_t k, size_t capacity,
                                    size_t *features, double *coefficients,
                                    double *criterion, double *intercept, double *rmse)
{
    SMI_FAIL_IF(!res, SMI_EINVAL, "smi_search_result_best_of_size: res is NULL");
    SMI_FAIL_IF(k > res->kmax || !res->best_present[k], SMI_ENOTFOUND,
                "no model with %zu features was scored", k);
    SMI_TRY(copy_model(res, k, k, res->best_features, res->best_coef, capacity, features,
                       coefficients));
    put_d(criterion, res->best_value[k]);
    put_d(intercept, res->best_intercept[k]);
    put_d(rmse, res->best_rmse[k]);
    return SMI_OK;
}

SMI_API int smi_search_result_dos(const smi_search_result *res, size_t capacity, double *edges,
                           uint64_t *counts, uint64_t *below, uint64_t *above)
{
    SMI_FAIL_IF(!res, SMI_EINVAL, "smi_search_result_dos: res is NULL");
    SMI_FAIL_IF(res->n_bins > 0 && (capacity < res->n_bins + 1 || !edges || !counts), SMI_EINVAL,
                "smi_search_result_dos: the buffers hold %zu values, %zu needed", capacity,
                res->n_bins + 1);
    if (res->n_bins > 0) {
        memcpy(edges, res->edges, (res->n_bins + 1) * sizeof *edges);
        memcpy(counts, res->counts, res->n_bins * sizeof *counts);
    }
    if (below)
        *below = res->below;
    if (above)
        *above = res->above;
    return SMI_OK;
}

SMI_API int smi_search_result_feature_frequency(const smi_search_result *res, size_t capacity,
                                         double *frequency)
{
    SMI_FAIL_IF(!res || !frequency, SMI_EINVAL, "smi_search_result_feature_frequency: NULL argument");
    SMI_FAIL_IF(capacity < res->p, SMI_EINVAL, "the buffer holds %zu values, %zu needed",
                capacity, res->p);
    size_t w = res->kmax ? res->kmax : 1;
    memset(frequency, 0, res->p * sizeof *frequency);
    for (size_t i = 0; i < res->n_top; i++)
        for (size_t t = 0; t < res->top_size[i]; t++)
            frequency[res->top_features[i * w + t]] += 1.0;
    for (size_t j = 0; res->n_top && j < res->p; j++)
        frequency[j] /= (double)res->n_top;
    return SMI_OK;
}

SMI_API int smi_search_result_weight_diagram(const smi_search_result *res, size_t capacity, double *weights)
{
    SMI_FAIL_IF(!res || !weights, SMI_EINVAL, "smi_search_result_weight_diagram: NULL argument");
    SMI_FAIL_IF(capacity / (res->p ? res->p : 1) < res->n_top, SMI_EINVAL,
                "the buffer holds %zu values, %zu needed", capacity, res->n_top * res->p);
    size_t w = res->kmax ? res->kmax : 1;
    memset(weights, 0, res->n_top * res->p * sizeof *weights);
    for (size_t i = 0; i < res->n_top; i++)
        for (size_t t = 0; t < res->top_size[i]; t++)
            weights[i * res->p + res->top_features[i * w + t]] = res->top_coef[i * w + t];
    return SMI_OK;
}

/* ---------- the model posterior ---------- */

#define CHECK_POSTERIOR(res, capacity, need)                                                  \
    SMI_FAIL_IF(!(res), SMI_EINVAL, "%s: res is NULL", __func__);                              \
    SMI_FAIL_IF(!(res)->has_posterior, SMI_ENOTFOUND, "%s: the result has no model posterior " \
                "(criterion %s)", __func__, smi_criterion_name((res)->criterion));             \
    SMI_FAIL_IF((capacity) < (need), SMI_EINVAL, "%s: capacity %zu, need %zu", __func__,      \
                (size_t)(capacity), (size_t)(need))

SMI_API int smi_search_result_log_evidence_total(const smi_search_result *res, double *log_evidence)
{
    CHECK_POSTERIOR(res, 1, 1);
    SMI_FAIL_IF(!log_evidence, SMI_EINVAL, "smi_search_result_log_evidence_total: NULL argument");
    *log_evidence = res->log_evidence_total;
    return SMI_OK;
}

SMI_API int smi_search_result_posterior_inclusion(const smi_search_result *res, size_t capacity, double *prob)
{
    CHECK_POSTERIOR(res, capacity, res->p);
    SMI_FAIL_IF(!prob && res->p, SMI_EINVAL, "smi_search_result_posterior_inclusion: prob is NULL");
    memcpy(prob, res->post_inclusion, res->p * sizeof *prob);
    return SMI_OK;
}

SMI_API int smi_search_result_size_posterior(const smi_search_result *res, size_t capacity, double *prob)
{
    CHECK_POSTERIOR(res, capacity, res->kmax + 1);
    SMI_FAIL_IF(!prob, SMI_EINVAL, "smi_search_result_size_posterior: prob is NULL");
    memcpy(prob, res->post_size, (res->kmax + 1) * sizeof *prob);
    return SMI_OK;
}

SMI_API int smi_search_result_dos_posterior(const smi_search_result *res, size_t capacity, double *mass)
{
    CHECK_POSTERIOR(res, capacity, res->n_bins);
    SMI_FAIL_IF(!mass && res->n_bins, SMI_EINVAL, "smi_search_result_dos_posterior: mass is NULL");
    for (size_t b = 0; b < res->n_bins; b++)
        mass[b] = exp(res->post_dos[b] - res->log_total_weight);
    return SMI_OK;
}

SMI_API int smi_search_result_model_average(const smi_search_result *res, size_t capacity, double *coef,
                                     double *intercept, double *mass)
{
    CHECK_POSTERIOR(res, capacity, res->p);
    SMI_FAIL_IF(!coef && res->p, SMI_EINVAL, "smi_search_result_model_average: coef is NULL");
    memcpy(coef, res->avg_coef, res->p * sizeof *coef);
    if (intercept)
        *intercept = res->avg_intercept;
    if (mass)
        *mass = res->avg_mass;
    return SMI_OK;
}

SMI_API int smi_search_result_status(const smi_search_result *res)
{
    return res ? res->caveat.status : SMI_EINVAL;
}

SMI_API const char *smi_search_result_caveat(const smi_search_result *res)
{
    return res ? res->caveat.message : "";
}

SMI_API double smi_search_result_quadrature_error(const smi_search_result *res)
{
    return res ? res->grid_error : NAN;
}

SMI_API size_t smi_search_result_grid_edge_models(const smi_search_result *res)
{
    return res ? res->grid_edge : 0;
}

SMI_API const smi_search *smi_search_result_config(const smi_search_result *res)
{
    return res ? res->state.cfg : NULL;
}

SMI_API const smi_data_id *smi_search_result_data(const smi_search_result *res)
{
    return res ? res->state.data : NULL;
}
