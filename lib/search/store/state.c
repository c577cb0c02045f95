/* The state of a search (search.h, struct smi_state): what a run over some tasks of the
 * plan found, kept so that parts merge exactly into what one run over all of them finds.
 *  - Selection is by the sweep values in smi_model_compare's total order, as in one run:
 *    the top M of a union of disjoint parts is the top M of the parts' top M; the best of a
 *    size is the best of the parts' bests.
 *  - Reporting is by the QR refits, which depend only on the data and the subset, so a part
 *    carries them along and merging needs no data.
 *  - The DOS accumulators fold exactly (hist.c), counts add.
 * A run, a merge and a file all go through this state, and the reported result is derived
 * from it alone (result.c), so every path gives the same bits. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"

void smi_state_free(smi_state *s)
{
    free(s->done);
    free(s->kept);
    free(s->best);
    free(s->feature_store);
    free(s->coef_store);
    free(s->pmean_store);
    free(s->edges);
    free(s->hist.counts);
    free(s->hist.scratch);
    smi_xbank_free(&s->hist.w);
    smi_xbank_free(&s->hist.wscratch);
    smi_xbank_free(&s->post_sums);
    smi_xbank_free(&s->avg_pos);
    smi_xbank_free(&s->avg_neg);
    smi_data_id_free(s->data);
    smi_search_free(s->cfg);
    memset(s, 0, sizeof *s);
}

int smi_state_alloc(smi_state *s, size_t kept, size_t bins, const double *edges,
                    size_t n_edges)
{
    size_t room = kept < s->top ? kept : s->top;
    size_t w = s->kmax ? s->kmax : 1, slots = room + s->kmax + 1;
    s->done = smi_calloc_array(SMI_DONE_WORDS(s->n_tasks) + 1, sizeof *s->done, "task list");
    s->kept = smi_calloc_array(room, sizeof *s->kept, "kept models");
    s->best = smi_calloc_array(s->kmax + 1, sizeof *s->best, "best models");
    s->feature_store = smi_calloc_array(slots, w * sizeof *s->feature_store, "kept models");
    s->coef_store = smi_calloc_array(slots, w * sizeof *s->coef_store, "kept models");
    s->pmean_store = smi_calloc_array(slots, w * sizeof *s->pmean_store, "kept models");
    s->hist.capacity = edges ? n_edges - 1 : bins;
    s->hist.counts = smi_calloc_array(s->hist.capacity, sizeof(uint64_t), "DOS counts");
    s->hist.scratch = smi_calloc_array(s->hist.capacity, sizeof(uint64_t), "DOS counts");
    s->edges = edges ? smi_alloc_array(n_edges, sizeof *s->edges, "DOS edges") : NULL;
    if (!s->done || !s->kept || !s->best || !s->feature_store || !s->coef_store || !s->pmean_store
        || !s->hist.counts || !s->hist.scratch || (edges && !s->edges)) {
        smi_state_free(s);
        return SMI_ENOMEM;
    }
    for (size_t i = 0; i < slots; i++) {
        smi_kept *m = i < room ? &s->kept[i] : &s->best[i - room];
        m->features = s->feature_store + i * w;
        m->coef = s->coef_store + i * w;
        m->pmean = s->pmean_store + i * w;
        m->status = SMI_KEPT_NONE;
    }
    if (edges)
        memcpy(s->edges, edges, n_edges * sizeof *s->edges);
    s->hist.edges = s->edges;
    s->hist.n_edges = edges ? n_edges : 0;
    s->hist.lo = INFINITY;
    s->hist.hi = -INFINITY;
    /* the posterior's sums take no memory until something is added */
    s->hist.weighted = s->posterior;
    smi_xbank_init(&s->hist.w, s->hist.capacity + 2, "DOS posterior");
    smi_xbank_init(&s->hist.wscratch, s->hist.capacity + 2, "DOS posterior");
    smi_xbank_init(&s->post_sums, s->kmax + 1 + s->p, "posterior per size and feature");
    smi_xbank_init(&s->avg_pos, s->p + 2, "model average");
    smi_xbank_init(&s->avg_neg, s->p + 2, "model average");
    return SMI_OK;
}

/* Copy a kept model's content (not its storage pointers). */
void smi_kept_copy(smi_kept *dst, const smi_kept *src)
{
    dst->sweep = src->sweep;
    dst->size = src->size;
    dst->status = src->status;
    dst->value = src->value;
    dst->intercept = src->intercept;
    dst->rmse = src->rmse;
    memcpy(dst->features, src->features, src->size * sizeof *dst->features);
    memcpy(dst->coef, src->coef, src->size * sizeof *dst->coef);
    memcpy(dst->pmean, src->pmean, src->size * sizeof *dst->pmean);
    dst->pintercept = src->pintercept;
    dst->grid_error = src->grid_error;
    dst->grid_edge = src->grid_edge;
}

int smi_kept_compare(const smi_kept *a, const smi_kept *b)
{
    smi_model x = { a->sweep, a->size, a->features }, y = { b->sweep, b->size, b->features };
    return smi_model_compare(&x, &y);
}

static int compare_kept_void(const void *a, const void *b)
{
    return smi_kept_compare(a, b);
}

static void kept_from_model(smi_kept *dst, const smi_model *m)
{
    dst->sweep = m->value;
    dst->size = m->size;
    dst->status = SMI_KEPT_PENDING;
    memcpy(dst->features, m->features, m->size * sizeof *dst->features);
}

int smi_state_snapshot(smi_state *s, const smi_problem *pb, const smi_collector *c,
                       const smi_run_info *info)
{
    const struct smi_search *cfg = pb->cfg;
    *s = (smi_state){ .fingerprint = info->fingerprint, .criterion = cfg->criterion,
                      .p = pb->p, .kmax = pb->kmax, .top = cfg->top,
                      .shard_count = info->shard_count, .n_tasks = info->n_tasks,
                      .posterior = c->posterior, .n_keep = pb->n_keep, .kmin = pb->kmin,
                      .prior_q = cfg->prior_q, .average = c->average };
    SMI_TRY(c->post_status);
    SMI_TRY(c->hist.wstatus);
    SMI_TRY(smi_state_alloc(s, c->heap_size, cfg->bins, cfg->edges, cfg->n_edges));
    memcpy(s->done, info->done, SMI_DONE_WORDS(s->n_tasks) * sizeof *s->done);
    for (size_t i = 0; i < c->heap_size; i++)
        kept_from_model(&s->kept[i], &c->heap[i]);
    s->n_kept = c->heap_size;
    /* the structs move with their storage pointers, which stay distinct */
    qsort(s->kept, s->n_kept, sizeof *s->kept, compare_kept_void);
    for (size_t k = 0; k <= s->kmax; k++)
        if (!isnan(c->best[k].value))
            kept_from_model(&s->best[k], &c->best[k]);
    smi_hist_copy(&s->hist, &c->hist);
    s->n_models = c->n_models;
    s->n_singular = c->n_singular;
    s->n_nonfinite = c->n_nonfinite;
    int rc = s->posterior ? smi_xbank_fold_all(&s->post_sums, &c->post_sums) : SMI_OK;
    if (rc == SMI_OK && s->average)
        rc = smi_xbank_fold_all(&s->avg_pos, &c->avg_pos);
    if (rc == SMI_OK && s->average)
        rc = smi_xbank_fold_all(&s->avg_neg, &c->avg_neg);
    if (rc == SMI_OK)
        rc = s->hist.wstatus;
    if (rc != SMI_OK)
        smi_state_free(s);
    return rc;
}

void smi_state_restore(const smi_state *s, smi_collector *c)
{
    assert(c->top == s->top && c->kmax == s->kmax && c->hist.capacity == s->hist.capacity);
    for (size_t i = 0; i < s->n_kept; i++) {
        smi_model m = { s->kept[i].sweep, s->kept[i].size, s->kept[i].features };
        smi_collector_offer(c, &m, 1, 0);
    }
    for (size_t k = 0; k <= s->kmax; k++) {
        if (s->best[k].status == SMI_KEPT_NONE)
            continue;
        smi_model m = { s->best[k].sweep, s->best[k].size, s->best[k].features };
        smi_collector_offer(c, &m, 0, 1);
    }
    smi_hist_copy(&c->hist, &s->hist);
    c->n_models = s->n_models;
    c->n_singular = s->n_singular;
    c->n_nonfinite = s->n_nonfinite;
    if (c->posterior && s->posterior) {
        int rc = smi_xbank_fold_all(&c->post_sums, &s->post_sums);
        if (rc == SMI_OK && c->average && s->average)
            rc = smi_xbank_fold_all(&c->avg_pos, &s->avg_pos);
        if (rc == SMI_OK && c->average && s->average)
            rc = smi_xbank_fold_all(&c->avg_neg, &s->avg_neg);
        if (rc != SMI_OK && c->post_status == SMI_OK)
            c->post_status = rc;
    }
}

/* ---------- a state against its plan ---------- */

/* Whether model m has a size the search scores and holds every forced feature. */
static const char *model_misfits(const smi_kept *m, const smi_problem *pb)
{
    if (m->size < pb->kmin || m->size > pb->kmax)
        return "its size is outside the search's sizes";
    size_t t = 0;
    for (size_t i = 0; i < pb->n_keep; i++) {
        while (t < m->size && m->features[t] < pb->keep[i])
            t++;
        if (t == m->size || m->features[t] != pb->keep[i])
            return "it lacks a forced feature";
    }
    return NULL;
}

static int check_models(const smi_state *s, const smi_problem *pb, const char *path)
{
    for (size_t i = 0; i < s->n_kept; i++) {
        const char *why = model_misfits(&s->kept[i], pb);
        SMI_FAIL_IF(why, SMI_EPARSE, "%s: inconsistent: kept model %zu (of size %zu): %s (sizes %zu to "
                    "%zu, %zu forced features)", path, i + 1, s->kept[i].size, why, pb->kmin,
                    pb->kmax, pb->n_keep);
    }
    for (size_t k = 0; k <= s->kmax; k++) {
        const char *why = s->best[k].status == SMI_KEPT_NONE
                              ? NULL : model_misfits(&s->best[k], pb);
        SMI_FAIL_IF(why, SMI_EPARSE, "%s: inconsistent: the best model of size %zu: %s (sizes %zu to %zu, "
                    "%zu forced features)", path, k, why, pb->kmin, pb->kmax, pb->n_keep);
    }
    return SMI_OK;
}

int smi_state_check_plan(const smi_state *s, const smi_problem *pb, const smi_task *tasks,
                         size_t n_tasks, size_t index, const char *path)
{
    SMI_FAIL_IF(s->n_tasks != n_tasks, SMI_EPARSE, "%s: inconsistent: 'tasks' %zu, but the search's plan "
                "has %zu tasks", path, s->n_tasks, n_tasks);
    SMI_FAIL_IF(s->kmax != pb->kmax, SMI_EPARSE, "%s: inconsistent: 'max-size' %zu, but the search's "
                "largest model has %zu features", path, s->kmax, pb->kmax);
    uint64_t subsets = 0; /* at most the plan's total, below 9e18 (count_subsets) */
    for (size_t t = 0; t < n_tasks; t++) {
        if (!SMI_DONE_GET(s->done, t))
            continue;
        SMI_FAIL_IF(index != SIZE_MAX && t % s->shard_count != index, SMI_EPARSE,
                    "%s: inconsistent: 'done' marks task %zu, which is not of shard %zu of "
                    "%zu", path, t, index, s->shard_count);
        subsets += tasks[t].weight;
    }
    /* every subset of a done task is scored, singular or out of range, once */
    int counted = s->n_singular <= subsets && s->n_nonfinite <= subsets - s->n_singular
                  && s->n_models == subsets - s->n_singular - s->n_nonfinite;
    SMI_FAIL_IF(!counted, SMI_EPARSE, "%s: inconsistent: 'models' %llu, 'singular' %llu and "
                "'nonfinite' %llu, but the tasks marked 'done' hold %llu subsets", path,
                (unsigned long long)s->n_models, (unsigned long long)s->n_singular,
                (unsigned long long)s->n_nonfinite, (unsigned long long)subsets);
    SMI_FAIL_IF(s->posterior && (s->n_keep != pb->n_keep || s->kmin != pb->kmin), SMI_EPARSE,
                "%s: inconsistent: 'posterior forced' %zu 'min-size' %zu, but the search forces %zu "
                "features and scores sizes from %zu", path, s->n_keep, s->kmin, pb->n_keep,
                pb->kmin);
    return check_models(s, pb, path);
}

/* Refit one model: OK with its values, or SINGULAR when QR finds it rank deficient. */
static int refit_kept(smi_kept *m, const smi_dataset *ds, const struct smi_search *cfg,
                      int posterior)
{
    if (m->status != SMI_KEPT_PENDING)
        return SMI_OK;
    smi_fit fit = { .coef = m->coef, .pmean = posterior ? m->pmean : NULL, .grid_error = NAN };
    int rc = smi_refit(ds, cfg, m->features, m->size, &fit);
    if (rc == SMI_ESINGULAR) {
        m->status = SMI_KEPT_SINGULAR;
        memset(m->coef, 0, m->size * sizeof *m->coef);
        return SMI_OK;
    }
    SMI_TRY(rc);
    m->status = SMI_KEPT_OK;
    m->value = fit.value;
    m->intercept = fit.intercept;
    m->rmse = fit.rmse;
    m->pintercept = fit.pintercept;
    m->grid_error = fit.grid_error;
    m->grid_edge = fit.grid_edge;
    return SMI_OK;
}

int smi_state_refit(smi_state *s, const smi_dataset *ds, const struct smi_search *cfg)
{
    for (size_t i = 0; i < s->n_kept; i++)
        SMI_TRY(refit_kept(&s->kept[i], ds, cfg, s->posterior));
    for (size_t k = 0; k <= s->kmax; k++)
        SMI_TRY(refit_kept(&s->best[k], ds, cfg, s->posterior));
    return SMI_OK;
}

/* ---------- fingerprint ---------- */

static void hash_data(smi_fnv *f, const smi_dataset *ds)
{
    smi_fnv_u64(f, ds->n);
    smi_fnv_u64(f, ds->p);
    for (size_t i = 0; i < ds->n * ds->p; i++)
        smi_fnv_double(f, ds->X[i]);
    for (size_t i = 0; i < ds->n; i++)
        smi_fnv_double(f, ds->y[i]);
    for (size_t j = 0; j < ds->p; j++)
        smi_fnv_string(f, ds->feature_names[j]);
    smi_fnv_u64(f, ds->n_folds);
    for (size_t i = 0; ds->folds && i < ds->n; i++)
        smi_fnv_u64(f, (uint64_t)(int64_t)ds->folds[i]);
}

/* Everything in the configuration that changes a result; not the threads, the progress
 * callback, the shard index or the checkpoint. A new setting that changes results must be
 * hashed here too. */
static void hash_config(smi_fnv *f, const smi_problem *pb)
{
    const struct smi_search *cfg = pb->cfg;
    smi_fnv_u64(f, (uint64_t)cfg->criterion);
    smi_fnv_double(f, cfg->alpha);
    smi_fnv_double(f, cfg->beta);
    smi_fnv_double(f, cfg->ng_lambda);
    smi_fnv_double(f, cfg->ng_a0);
    smi_fnv_double(f, cfg->ng_b0);
    smi_fnv_double(f, cfg->ratio_lo);
    smi_fnv_double(f, cfg->ratio_hi);
    smi_fnv_u64(f, cfg->ratio_n);
    smi_fnv_u64(f, (uint64_t)cfg->model_prior);
    smi_fnv_double(f, cfg->prior_q);
    smi_fnv_u64(f, pb->kmin);
    smi_fnv_u64(f, pb->kmax);
    smi_fnv_u64(f, pb->n_keep);
    for (size_t i = 0; i < pb->n_keep; i++)
        smi_fnv_u64(f, pb->keep[i]);
    smi_fnv_u64(f, cfg->top);
    smi_fnv_u64(f, cfg->edges ? 0 : cfg->bins);
    smi_fnv_u64(f, cfg->n_edges);
    for (size_t i = 0; cfg->edges && i < cfg->n_edges; i++)
        smi_fnv_double(f, cfg->edges[i]);
    smi_fnv_u64(f, (uint64_t)cfg->intercept);
    smi_fnv_u64(f, (uint64_t)cfg->standardize);
    smi_fnv_u64(f, cfg->shard_count);
    if (cfg->criterion == SMI_CRIT_FE_GRID) { /* only fe-grid reads these */
        for (int a = 0; a < 2; a++) {
            smi_fnv_double(f, cfg->sigma_lo[a]);
            smi_fnv_double(f, cfg->sigma_hi[a]);
            smi_fnv_u64(f, cfg->sigma_n[a]);
        }
        smi_fnv_u64(f, (uint64_t)cfg->grid_prior);
        smi_fnv_double(f, cfg->grid_shape);
        smi_fnv_double(f, cfg->grid_scale);
        smi_fnv_u64(f, (uint64_t)cfg->intercept_term);
    }
}

uint64_t smi_state_fingerprint(const smi_dataset *ds, const smi_problem *pb,
                               const smi_task *tasks, size_t n_tasks)
{
    smi_fnv f = smi_fnv_start();
    smi_fnv_string(&f, "libsparsemi search state 1");
    smi_fnv_string(&f, smi_version_string()); /* another version may score differently */
    hash_data(&f, ds);
    hash_config(&f, pb);
    /* The plan, in its sorted order: task positions name tasks only under one plan. */
    smi_fnv_u64(&f, n_tasks);
    for (size_t t = 0; t < n_tasks; t++) {
        smi_fnv_u64(&f, tasks[t].depth);
        for (size_t i = 0; i < tasks[t].depth; i++)
            smi_fnv_u64(&f, tasks[t].path[i]);
        smi_fnv_u64(&f, (uint64_t)tasks[t].self_only);
        smi_fnv_u64(&f, tasks[t].weight);
    }
    return f.h;
}
