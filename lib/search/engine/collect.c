/* What a search keeps of the subsets it scores: the M best (a bounded max-heap under a
 * total order), the best of each size, and the DOS histogram. Every operation is exact
 * and merging collectors in any order gives the same result.
 * Total order: by criterion value, ties by the lexicographic order of the sorted feature
 * indices (shorter prefix first). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"

int smi_model_compare(const smi_model *a, const smi_model *b)
{
    if (a->value != b->value)
        return a->value < b->value ? -1 : 1;
    size_t k = a->size < b->size ? a->size : b->size;
    for (size_t i = 0; i < k; i++)
        if (a->features[i] != b->features[i])
            return a->features[i] < b->features[i] ? -1 : 1;
    return (a->size > b->size) - (a->size < b->size);
}

static void copy_model(smi_model *dst, const smi_model *src)
{
    dst->value = src->value;
    dst->size = src->size;
    memcpy(dst->features, src->features, src->size * sizeof *dst->features);
}

/* Max-heap: heap[0] is the worst of the kept models. */
static void heap_sift_down(smi_model *heap, size_t size, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, worst = i;
        if (l < size && smi_model_compare(&heap[l], &heap[worst]) > 0)
            worst = l;
        if (r < size && smi_model_compare(&heap[r], &heap[worst]) > 0)
            worst = r;
        if (worst == i)
            return;
        smi_model t = heap[i];
        heap[i] = heap[worst];
        heap[worst] = t;
        i = worst;
    }
}

static void heap_sift_up(smi_model *heap, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (smi_model_compare(&heap[i], &heap[parent]) <= 0)
            return;
        smi_model t = heap[i];
        heap[i] = heap[parent];
        heap[parent] = t;
        i = parent;
    }
}

static void offer_top(smi_collector *c, const smi_model *m)
{
    if (c->heap_size < c->top) {
        copy_model(&c->heap[c->heap_size], m);
        heap_sift_up(c->heap, c->heap_size++);
    } else if (smi_model_compare(m, &c->heap[0]) < 0) {
        copy_model(&c->heap[0], m);
        heap_sift_down(c->heap, c->heap_size, 0);
    }
}

static void offer_best(smi_collector *c, const smi_model *m)
{
    smi_model *best = &c->best[m->size];
    if (isnan(best->value) || smi_model_compare(m, best) < 0)
        copy_model(best, m);
}

void smi_collector_keep(smi_collector *c, const smi_problem *pb, double value,
                        const size_t *path, size_t depth)
{
    /* Merge the forced features and the path (both ascending) into feature indices. */
    size_t *f = c->scratch_subset, i = 0, j = 0, k = 0;
    while (i < pb->n_keep || j < depth) {
        size_t from_path = j < depth ? pb->cand[path[j]] : SIZE_MAX;
        if (i < pb->n_keep && pb->keep[i] < from_path)
            f[k++] = pb->keep[i++];
        else
            f[k++] = from_path, j++;
    }
    smi_model m = { .value = value, .size = k, .features = f };
    offer_top(c, &m);
    offer_best(c, &m);
}

void smi_collector_add(smi_collector *c, const smi_problem *pb, double value,
                       const size_t *path, size_t depth)
{
    smi_collector_add_fast(c, pb, value, path, depth);
}

int smi_collector_init(smi_collector *c, const smi_problem *pb)
{
    memset(c, 0, sizeof *c);
    c->top = pb->cfg->top;
    c->kmax = pb->kmax;
    size_t slots = c->top + pb->kmax + 2, width = pb->kmax ? pb->kmax : 1;
    c->heap = smi_calloc_array(c->top, sizeof *c->heap, "top models");
    c->best = smi_calloc_array(pb->kmax + 1, sizeof *c->best, "best models");
    c->storage = smi_alloc_array(slots, width * sizeof *c->storage, "model storage");
    c->hist.capacity = pb->cfg->edges ? pb->cfg->n_edges - 1 : pb->cfg->bins;
    c->hist.counts = smi_calloc_array(c->hist.capacity, sizeof(uint64_t), "DOS counts");
    c->hist.scratch = smi_calloc_array(c->hist.capacity, sizeof(uint64_t), "DOS counts");
    if (!c->heap || !c->best || !c->storage || !c->hist.counts || !c->hist.scratch) {
        smi_collector_free(c);
        return SMI_ENOMEM;
    }
    if (smi_has_posterior(pb->cfg)) {
        c->posterior = 1;
        smi_xbank_init(&c->post_sums, pb->kmax + 1 + pb->p, "posterior per size and feature");
        c->hist.weighted = 1;
        smi_xbank_init(&c->hist.w, c->hist.capacity + 2, "DOS posterior");
        smi_xbank_init(&c->hist.wscratch, c->hist.capacity + 2, "DOS posterior");
        c->average = pb->avg_gram != NULL;
        smi_xbank_init(&c->avg_pos, pb->p + 2, "model average");
        smi_xbank_init(&c->avg_neg, pb->p + 2, "model average");
    }
    c->hist.edges = pb->cfg->edges;
    c->hist.n_edges = pb->cfg->n_edges;
    c->hist.lo = INFINITY;
    c->hist.hi = -INFINITY;
    for (size_t i = 0; i < c->top; i++)
        c->heap[i].features = c->storage + i * width;
    for (size_t k = 0; k <= pb->kmax; k++) {
        c->best[k].features = c->storage + (c->top + k) * width;
        c->best[k].value = NAN;
    }
    c->scratch_subset = c->storage + (c->top + pb->kmax + 1) * width;
    return SMI_OK;
}

void smi_collector_free(smi_collector *c)
{
    free(c->heap);
    free(c->best);
    free(c->storage);
    free(c->hist.counts);
    free(c->hist.scratch);
    smi_xbank_free(&c->hist.w);
    smi_xbank_free(&c->hist.wscratch);
    smi_xbank_free(&c->post_sums);
    smi_xbank_free(&c->avg_pos);
    smi_xbank_free(&c->avg_neg);
    memset(c, 0, sizeof *c);
}

int smi_collector_merge(smi_collector *into, const smi_collector *from)
{
    for (size_t i = 0; i < from->heap_size; i++)
        offer_top(into, &from->heap[i]);
    for (size_t k = 0; k <= from->kmax; k++)
        if (!isnan(from->best[k].value))
            offer_best(into, &from->best[k]);
    smi_hist_fold(&into->hist, &from->hist);
    into->n_models += from->n_models;
    into->n_singular += from->n_singular;
    into->n_nonfinite += from->n_nonfinite;
    if (into->posterior) {
        if (into->post_status == SMI_OK)
            into->post_status = from->post_status;
        int rc = smi_xbank_fold_all(&into->post_sums, &from->post_sums);
        if (rc == SMI_OK)
            rc = smi_xbank_fold_all(&into->avg_pos, &from->avg_pos);
        if (rc == SMI_OK)
            rc = smi_xbank_fold_all(&into->avg_neg, &from->avg_neg);
        if (rc != SMI_OK && into->post_status == SMI_OK)
            into->post_status = rc;
    }
    return SMI_OK;
}

void smi_collector_reset(smi_collector *c)
{
    c->heap_size = 0;
    for (size_t k = 0; k <= c->kmax; k++)
        c->best[k].value = NAN;
    smi_hist_reset(&c->hist);
    c->n_models = c->n_singular = c->n_nonfinite = 0;
    smi_xbank_reset(&c->post_sums);
    smi_xbank_reset(&c->avg_pos);
    smi_xbank_reset(&c->avg_neg);
    c->post_status = SMI_OK;
}

void smi_collector_offer(smi_collector *c, const smi_model *m, int top, int best)
{
    if (top)
        offer_top(c, m);
    if (best)
        offer_best(c, m);
}
