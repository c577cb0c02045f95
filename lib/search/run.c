/* smi_search_run: a fixed plan of tasks shared out to threads by an atomic counter; each
 * thread has its own workspace and collector; the collectors are merged (exactly, in any
 * order), and the kept models refitted by QR. The result does not depend on the number of
 * threads: the plan does not, every subset's score is computed by the same operations
 * whichever thread runs its task, and merging is order-free. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "search/search.h"

typedef struct run_state {
    const smi_problem *pb;
    const smi_task *tasks;
    size_t n_tasks;
    uint64_t total;
    atomic_size_t next;
    atomic_uint_fast64_t done;
    atomic_int cancel;
    double reported; /* the last fraction given to the progress callback (caller only) */
} run_state;

typedef struct worker {
    run_state *st;
    smi_workspace *ws;
    smi_collector col;
    pthread_t thread;
    int is_caller;
} worker;

static void work(worker *w)
{
    run_state *st = w->st;
    const struct smi_search *cfg = st->pb->cfg;
    while (!atomic_load(&st->cancel)) {
        size_t i = atomic_fetch_add(&st->next, 1);
        if (i >= st->n_tasks)
            break;
        smi_task_run(&st->tasks[i], st->pb, w->ws, &w->col);
        uint64_t done = atomic_fetch_add(&st->done, st->tasks[i].weight) + st->tasks[i].weight;
        if (w->is_caller && cfg->progress) {
            st->reported = st->total ? (double)done / (double)st->total : 1.0;
            if (cfg->progress(cfg->progress_user, st->reported))
                atomic_store(&st->cancel, 1);
        }
    }
}

static void *work_thread(void *arg)
{
    work(arg);
    return NULL;
}

static int compare_tasks(const void *a, const void *b)
{
    const smi_task *x = a, *y = b;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1; /* largest first: better balance */
    size_t k = x->depth < y->depth ? x->depth : y->depth;
    for (size_t i = 0; i < k; i++)
        if (x->path[i] != y->path[i])
            return x->path[i] < y->path[i] ? -1 : 1;
    if (x->depth != y->depth)
        return x->depth < y->depth ? -1 : 1;
    return x->self_only - y->self_only;
}

static size_t thread_count(const struct smi_search *cfg, size_t n_tasks)
{
    size_t t = cfg->threads;
    if (t == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        t = cores > 0 ? (size_t)cores : 1;
    }
    return t < n_tasks ? t : (n_tasks ? n_tasks : 1);
}

static void free_workers(worker *w, size_t n)
{
    for (size_t i = 0; w && i < n; i++) {
        smi_workspace_free(w[i].ws);
        smi_collector_free(&w[i].col);
    }
    free(w);
}

/* Run the plan on n threads (the caller is one of them). */
static int run_workers(run_state *st, worker *w, size_t n)
{
    size_t started = 1;
    int rc = SMI_OK;
    for (; started < n; started++) {
        if (pthread_create(&w[started].thread, NULL, work_thread, &w[started]) != 0) {
            rc = smi_error_set(SMI_ENOMEM, "cannot start search thread %zu", started + 1);
            break;
        }
    }
    work(&w[0]);
    for (size_t i = 1; i < started; i++)
        pthread_join(w[i].thread, NULL);
    if (rc == SMI_OK && atomic_load(&st->cancel))
        rc = smi_error_set(SMI_ECANCELED, "the search was canceled by its progress callback");
    const struct smi_search *cfg = st->pb->cfg;
    if (rc == SMI_OK && cfg->progress && st->reported < 1.0)
        cfg->progress(cfg->progress_user, 1.0); /* other threads ran the last tasks */
    return rc;
}

static int search(const smi_dataset *ds, const smi_problem *pb, smi_result **out)
{
    smi_task *tasks = NULL;
    size_t n_tasks = 0;
    SMI_TRY(smi_task_plan(pb, &tasks, &n_tasks));
    qsort(tasks, n_tasks, sizeof *tasks, compare_tasks);
    run_state st = { .pb = pb, .tasks = tasks, .n_tasks = n_tasks };
    for (size_t i = 0; i < n_tasks; i++)
        st.total += tasks[i].weight;
    size_t n = thread_count(pb->cfg, n_tasks);
    worker *w = smi_calloc_array(n, sizeof *w, "search threads");
    int rc = w ? SMI_OK : SMI_ENOMEM;
    for (size_t i = 0; rc == SMI_OK && i < n; i++) {
        w[i].st = &st;
        w[i].is_caller = i == 0;
        rc = smi_workspace_create(&w[i].ws, pb);
        if (rc == SMI_OK)
            rc = smi_collector_init(&w[i].col, pb);
    }
    if (rc == SMI_OK)
        rc = run_workers(&st, w, n);
    smi_collector **cols = rc == SMI_OK ? smi_alloc_array(n, sizeof *cols, "collectors") : NULL;
    if (rc == SMI_OK && !cols)
        rc = SMI_ENOMEM;
    for (size_t i = 0; rc == SMI_OK && i < n; i++)
        cols[i] = &w[i].col;
    if (rc == SMI_OK)
        rc = smi_result_build(ds, pb, cols, n, out);
    free(cols);
    free_workers(w, n);
    free(tasks);
    return rc;
}

SMI_API int smi_search_run(const smi_dataset *ds, const smi_search *cfg, smi_result **out)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_search_run: out is NULL");
    *out = NULL;
    SMI_FAIL_IF(!ds || !cfg, SMI_EINVAL, "smi_search_run: ds or cfg is NULL");
    smi_problem pb;
    SMI_TRY(smi_problem_prepare(&pb, ds, cfg));
    int rc = search(ds, &pb, out);
    smi_problem_free(&pb);
    return rc;
}

SMI_API int smi_score_subset(const smi_dataset *ds, const smi_search *cfg,
                             const size_t *subset, size_t k, double *value)
{
    SMI_FAIL_IF(!ds || !cfg || !value || (k > 0 && !subset), SMI_EINVAL,
                "smi_score_subset: NULL argument");
    for (size_t i = 0; i < k; i++) {
        SMI_FAIL_IF(subset[i] >= ds->p, SMI_EINVAL, "feature index %zu: the data set has %zu",
                    subset[i], ds->p);
        for (size_t j = 0; j < i; j++)
            SMI_FAIL_IF(subset[i] == subset[j], SMI_EINVAL, "feature '%s' is listed twice",
                        ds->feature_names[subset[i]]);
    }
    smi_fit fit = { 0 };
    fit.coef = smi_alloc_array(k + 1, sizeof *fit.coef, "coefficients");
    if (!fit.coef)
        return SMI_ENOMEM;
    int rc = smi_refit(ds, cfg, subset, k, &fit);
    if (rc == SMI_OK)
        *value = fit.value;
    free(fit.coef);
    return rc;
}
