/* smi_search_result_merge: the states of disjoint parts of one search (shards, or runs
 * over other tasks of the same plan) merged into the state one run over all of them would
 * have found (state.c explains why that is exact), then reported as a result. */
#include <stdlib.h>
#include <string.h>

#include "search/search.h"

static int compare_kept_ptr(const void *a, const void *b)
{
    return smi_kept_compare(*(const smi_kept *const *)a, *(const smi_kept *const *)b);
}


/* Parts belong together: one data set, configuration and plan; no task in two parts. The
 * scalar checks repeat what the fingerprint implies, so that a forged file cannot make the
 * merge index past its arrays. */
/* The merged result's identity: the data and configuration of the parts (the same data by
 * the fingerprint check), the configuration as one unsharded search. */
static int merge_identity(smi_state *out, const smi_state *const *parts, size_t n_parts)
{
    for (size_t i = 0; i < n_parts; i++) {
        if (!parts[i]->data || !parts[i]->cfg)
            return SMI_OK; /* a part without identity: the merged result has none either */
        SMI_FAIL_IF(parts[i]->data->fingerprint != parts[0]->data->fingerprint, SMI_EINVAL,
                    "part %zu comes from other data than part 1 (data fingerprints %016llx "
                    "and %016llx)", i + 1, (unsigned long long)parts[i]->data->fingerprint,
                    (unsigned long long)parts[0]->data->fingerprint);
    }
    SMI_TRY(smi_data_id_copy(&out->data, parts[0]->data));
    SMI_TRY(smi_search_copy(&out->cfg, parts[0]->cfg));
    out->cfg->shard_index = 0;
    out->cfg->shard_count = 1;
    return SMI_OK;
}

static int check_parts(const smi_state *const *parts, size_t n_parts, uint64_t *done)
{
    const smi_state *a = parts[0];
    size_t words = SMI_DONE_WORDS(a->n_tasks);
    for (size_t i = 0; i < n_parts; i++) {
        const smi_state *b = parts[i];
        SMI_FAIL_IF(b->shard_count != a->shard_count, SMI_EINVAL,
                    "parts 1 and %zu are shards of different counts (%zu and %zu)", i + 1,
                    a->shard_count, b->shard_count);
        SMI_FAIL_IF(b->fingerprint != a->fingerprint || b->criterion != a->criterion
                        || b->p != a->p || b->kmax != a->kmax || b->top != a->top
                        || b->n_tasks != a->n_tasks || b->hist.capacity != a->hist.capacity
                        || !b->edges != !a->edges || b->posterior != a->posterior
                        || b->n_keep != a->n_keep || b->kmin != a->kmin
                        || b->prior_q != a->prior_q || b->average != a->average,
                    SMI_EINVAL, "part %zu comes from another data set or configuration than "
                    "part 1 (fingerprints %016llx and %016llx)", i + 1,
                    (unsigned long long)b->fingerprint, (unsigned long long)a->fingerprint);
        for (size_t w = 0; w < words; w++) {
            uint64_t both = done[w] & b->done[w];
            size_t bit = 0;
            while (both && !(both >> bit & 1u))
                bit++;
            SMI_FAIL_IF(both, SMI_EINVAL, "part %zu repeats task %zu of an earlier part "
                        "(the same shard twice?)", i + 1, w * 64 + bit);
            done[w] |= b->done[w];
        }
    }
    return SMI_OK;
}

static int add_counts(uint64_t *into, uint64_t more)
{
    SMI_FAIL_IF(more > UINT64_MAX - *into, SMI_EINVAL, "merged counts overflow 64 bits");
    *into += more;
    return SMI_OK;
}

/* The top M of the union of the parts' kept models. */
static int merge_kept(smi_state *out, const smi_state *const *parts, size_t n_parts)
{
    size_t total = 0;
    for (size_t i = 0; i < n_parts; i++)
        total += parts[i]->n_kept;
    const smi_kept **all = smi_alloc_array(total + 1, sizeof *all, "merged models");
    if (!all)
        return SMI_ENOMEM;
    for (size_t i = 0, t = 0; i < n_parts; i++)
        for (size_t j = 0; j < parts[i]->n_kept; j++)
            all[t++] = &parts[i]->kept[j];
    qsort(all, total, sizeof *all, compare_kept_ptr);
    out->n_kept = total < out->top ? total : out->top;
    for (size_t i = 0; i < out->n_kept; i++)
        smi_kept_copy(&out->kept[i], all[i]);
    free(all);
    return SMI_OK;
}

static void merge_best(smi_state *out, const smi_state *part)
{
    for (size_t k = 0; k <= out->kmax; k++) {
        const smi_kept *m = &part->best[k];
        if (m->status != SMI_KEPT_NONE
            && (out->best[k].status == SMI_KEPT_NONE || smi_kept_compare(m, &out->best[k]) < 0))
            smi_kept_copy(&out->best[k], m);
    }
}

static int merge_states(smi_state *out, const smi_state *const *parts, size_t n_parts)
{
    const smi_state *a = parts[0];
    *out = (smi_state){ .fingerprint = a->fingerprint, .criterion = a->criterion, .p = a->p,
                        .kmax = a->kmax, .top = a->top, .shard_count = a->shard_count,
                        .n_tasks = a->n_tasks, .posterior = a->posterior, .n_keep = a->n_keep,
                        .kmin = a->kmin, .prior_q = a->prior_q, .average = a->average };
    size_t kept = 0; /* the merged top M holds at most all the parts' kept models */
    for (size_t i = 0; i < n_parts; i++)
        kept += parts[i]->n_kept;
    SMI_TRY(smi_state_alloc(out, kept, a->hist.capacity, a->edges, a->hist.n_edges));
    int rc = check_parts(parts, n_parts, out->done);
    for (size_t i = 0; rc == SMI_OK && i < n_parts; i++) {
        rc = add_counts(&out->n_models, parts[i]->n_models);
        if (rc == SMI_OK)
            rc = add_counts(&out->n_singular, parts[i]->n_singular);
        if (rc == SMI_OK)
            rc = add_counts(&out->n_nonfinite, parts[i]->n_nonfinite);
        merge_best(out, parts[i]);
        if (rc == SMI_OK)
            smi_hist_fold(&out->hist, &parts[i]->hist);
        if (rc == SMI_OK && out->posterior)
            rc = smi_xbank_fold_all(&out->post_sums, &parts[i]->post_sums);
        if (rc == SMI_OK && out->average)
            rc = smi_xbank_fold_all(&out->avg_pos, &parts[i]->avg_pos);
        if (rc == SMI_OK && out->average)
            rc = smi_xbank_fold_all(&out->avg_neg, &parts[i]->avg_neg);
    }
    if (rc == SMI_OK)
        rc = out->hist.wstatus;
    if (rc == SMI_OK)
        rc = merge_kept(out, parts, n_parts);
    if (rc == SMI_OK)
        rc = merge_identity(out, parts, n_parts);
    if (rc != SMI_OK)
        smi_state_free(out);
    return rc;
}

SMI_API int smi_search_result_merge(smi_search_result **out, const smi_search_result *const *parts, size_t n_parts)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_search_result_merge: out is NULL");
    *out = NULL;
    SMI_FAIL_IF(!parts || n_parts == 0, SMI_EINVAL, "smi_search_result_merge: no parts");
    const smi_state **states = smi_alloc_array(n_parts, sizeof *states, "merge");
    if (!states)
        return SMI_ENOMEM;
    for (size_t i = 0; i < n_parts; i++) {
        if (!parts[i]) {
            free(states);
            return smi_error_set(SMI_EINVAL, "smi_search_result_merge: part %zu is NULL", i + 1);
        }
        states[i] = &parts[i]->state;
    }
    smi_state merged;
    int rc = merge_states(&merged, states, n_parts);
    free(states);
    if (rc == SMI_OK)
        rc = smi_search_result_from_state(out, &merged);
    return rc;
}
