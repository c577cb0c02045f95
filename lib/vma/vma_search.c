/* The best subset of an exhaustive search on one synthetic data set, on the calling thread.
 * smi_search_run splits the tree into a plan of up to 4096 tasks for its threads, hashes
 * the data for checkpoints and builds a full result; for many small searches that overhead
 * outweighs the sweep itself (at p = 12 the plan alone was 80% of a virtual measurement).
 * Here the whole tree is one task (the first task of every plan, before it is split), swept
 * into one collector keeping the best model, which is then refitted by QR (smi_refit)
 * exactly as smi_search_run refits the models it keeps. With the copy's top 1 the choice is
 * the same as smi_search_run's best model: tests/unit/check_vma.c compares the two. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"
#include "vma/vma.h"

/* The refit of the collector's best model: its features into subset, *size. */
static int refit_best(const smi_dataset *d, const struct smi_search *cfg,
                      const smi_collector *col, size_t *subset, size_t *size)
{
    SMI_FAIL_IF(col->heap_size == 0, SMI_ESINGULAR, "every subset is singular on %zu rows", d->n);
    const smi_model *best = &col->heap[0];
    double *coef = smi_alloc_array(best->size + 1, sizeof *coef, "coefficients");
    if (!coef)
        return SMI_ENOMEM;
    smi_fit fit = { .coef = coef };
    int rc = smi_refit(d, cfg, best->features, best->size, &fit);
    free(coef);
    SMI_TRY(rc);
    memcpy(subset, best->features, best->size * sizeof *subset);
    *size = best->size;
    return SMI_OK;
}

int smi_vma_best_subset(const smi_dataset *d, const struct smi_search *given, size_t *subset,
                        size_t *size)
{
    assert(given->top == 1 && given->threads == 1 && !given->checkpoint);
    struct smi_search use;
    SMI_TRY(smi_search_resolve(given, d, &use));
    const struct smi_search *cfg = &use;
    smi_problem pb;
    SMI_TRY(smi_problem_prepare(&pb, d, cfg));
    smi_task root = { .depth = 0, .self_only = 0 };
    root.weight = smi_problem_subtree_count(&pb, pb.q, pb.n_keep);
    smi_workspace *ws = NULL;
    smi_collector col;
    int rc = smi_workspace_create(&ws, &pb), have_col = 0;
    if (rc == SMI_OK)
        rc = smi_collector_init(&col, &pb);
    have_col = rc == SMI_OK;
    if (rc == SMI_OK) {
        smi_task_run(&root, &pb, ws, &col);
        rc = refit_best(d, cfg, &col, subset, size);
    }
    if (have_col)
        smi_collector_free(&col);
    smi_workspace_free(ws);
    smi_problem_free(&pb);
    return rc;
}
