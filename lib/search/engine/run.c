/* smi_search_run: a fixed plan of tasks, sorted; this run's share of it (its shard, less the
 * tasks a checkpoint already holds) is handed out to threads by an atomic counter; each
 * thread has its own workspace and collector; the collectors are merged (exactly, in any
 * order), and the kept models refitted by QR. The result does not depend on the number of
 * threads: the plan does not, every subset's score is computed by the same operations
 * whichever thread runs its task, and merging is order-free.
 * Shards: shard i of N is the plan positions t with t mod N == i; the plan depends only on
 * the problem, so the shards of one N cover it once.
 * Checkpoints: between its tasks the calling thread looks at the clock, and when the
 * interval has passed it asks every thread to stop claiming tasks. Tasks are claimed in
 * order and every claimed task is finished, so once the threads are joined exactly a prefix
 * of the share is done: the caller merges the collectors into the accumulated one, marks
 * the prefix done, saves both (state.c, store.c) and starts the threads again. A run
 * without a checkpoint is one such round with nothing saved: no extra cost. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/tmpfile.h"
#include "search/search.h"

typedef struct run_state {
    const smi_problem *pb;
    const smi_task *tasks;   /* the sorted plan */
    const size_t *pending;      /* the plan positions this run scores, ascending */
    size_t n_pending;
    uint64_t total;          /* subsets in the share, those done before included */
    atomic_size_t next;      /* pending[0..next) are claimed; a claimed task is always finished */
    atomic_uint_fast64_t done;
    atomic_int cancel, pause;
    double reported;         /* the last fraction given to the progress callback */
    double interval, last_save; /* checkpoints: seconds; interval 0 means none */
} run_state;

/* The collector is written for every subset: the padding keeps two workers' collectors
 * off a shared cache line (false sharing between threads). */
typedef struct worker {
    char pad_before[128];
    run_state *st;
    smi_workspace *ws;
    smi_collector col;
    pthread_t thread;
    int is_caller;
    char pad_after[128];
} worker;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The caller's duties after each of its tasks: progress, cancel, time for a checkpoint. */
static void caller_checks(run_state *st, uint64_t done)
{
    const struct smi_search *cfg = st->pb->cfg;
    if (cfg->progress) {
        st->reported = st->total ? (double)done / (double)st->total : 1.0;
        if (cfg->progress(cfg->progress_user, st->reported))
            atomic_store(&st->cancel, 1);
    }
    if (st->interval > 0.0 && now() - st->last_save >= st->interval)
        atomic_store(&st->pause, 1);
}

static void work(worker *w)
{
    run_state *st = w->st;
    while (!atomic_load(&st->cancel) && !atomic_load(&st->pause)) {
        size_t i = atomic_fetch_add(&st->next, 1);
        if (i >= st->n_pending)
            break;
        const smi_task *task = &st->tasks[st->pending[i]];
        smi_task_run(task, st->pb, w->ws, &w->col);
        uint64_t done = atomic_fetch_add(&st->done, task->weight) + task->weight;
        if (w->is_caller)
            caller_checks(st, done);
    }
}

static void *work_thread(void *arg)
{
    work(arg);
    return NULL;
}

static size_t thread_count(const struct smi_search *cfg, size_t n_tasks)
{
    size_t t = smi_thread_count(cfg->threads);
    return t < n_tasks ? t : (n_tasks ? n_tasks : 1);
}

/* Run until the share is done, canceled or paused, on n threads (the caller is one). */
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
    return rc;
}

/* ---------- one search ---------- */

typedef struct search_ctx {
    const smi_dataset *ds;
    const smi_problem *pb;
    smi_task *tasks;       /* the sorted plan */
    uint64_t *done;        /* plan positions done */
    size_t *pending;
    smi_run_info info;
    worker *w;
    size_t n_workers;
    smi_collector acc;     /* checkpoints: everything done so far */
    run_state st;
} search_ctx;

static int make_plan(search_ctx *x)
{
    size_t n_tasks = 0;
    SMI_TRY(smi_task_plan_sorted(x->pb, &x->tasks, &n_tasks));
    x->done = smi_calloc_array(SMI_DONE_WORDS(n_tasks) + 1, sizeof *x->done, "task list");
    x->pending = smi_alloc_array(n_tasks, sizeof *x->pending, "task list");
    if (!x->done || !x->pending)
        return SMI_ENOMEM;
    x->info = (smi_run_info){ .shard_count = x->pb->cfg->shard_count, .n_tasks = n_tasks,
                              .done = x->done };
    x->info.fingerprint = smi_state_fingerprint(x->ds, x->pb, x->tasks, n_tasks);
    x->st.pb = x->pb; /* the rest of st is zero (search) */
    x->st.tasks = x->tasks;
    x->st.pending = x->pending;
    x->st.interval = x->pb->cfg->checkpoint ? x->pb->cfg->checkpoint_interval : 0.0;
    return SMI_OK;
}

/* The shard's tasks not done yet, in plan order; the progress counts from those done. */
static void choose_pending(search_ctx *x)
{
    const struct smi_search *cfg = x->pb->cfg;
    uint64_t done = 0;
    for (size_t t = cfg->shard_index; t < x->info.n_tasks; t += cfg->shard_count) {
        x->st.total += x->tasks[t].weight;
        if (SMI_DONE_GET(x->done, t))
            done += x->tasks[t].weight;
        else
            x->pending[x->st.n_pending++] = t;
    }
    atomic_store(&x->st.done, done);
}

static int make_workers(search_ctx *x)
{
    size_t n = thread_count(x->pb->cfg, x->st.n_pending);
    x->w = smi_calloc_array(n, sizeof *x->w, "search threads");
    if (!x->w)
        return SMI_ENOMEM;
    x->n_workers = n;
    for (size_t i = 0; i < n; i++) {
        x->w[i].st = &x->st;
        x->w[i].is_caller = i == 0;
        SMI_TRY(smi_workspace_create(&x->w[i].ws, x->pb));
        SMI_TRY(smi_collector_init(&x->w[i].col, x->pb));
    }
    return SMI_OK;
}

static void free_ctx(search_ctx *x)
{
    for (size_t i = 0; x->w && i < x->n_workers; i++) {
        smi_workspace_free(x->w[i].ws);
        smi_collector_free(&x->w[i].col);
    }
    free(x->w);
    smi_collector_free(&x->acc);
    free(x->tasks);
    free(x->done);
    free(x->pending);
}

static int build(search_ctx *x, smi_collector **cols, size_t n, smi_search_result **out)
{
    const struct smi_search *cfg = x->pb->cfg;
    if (cfg->progress && x->st.reported < 1.0)
        cfg->progress(cfg->progress_user, 1.0); /* other threads ran the last tasks */
    return smi_search_result_build(x->ds, x->pb, cols, n, &x->info, out);
}

/* ---------- the estimate of the time a run takes (smi_search_set_max_time) ---------- */

/* The calibration: pending tasks scored into a scratch collector by the calling thread's
 * workspace, from the smallest up, until CALIBRATION_SECONDS have passed or a
 * CALIBRATION_SHARE-th of the subsets left is done: it costs about 20 ms at most, and
 * never more than 1/64 of the run. Tasks of fewer than CALIBRATION_MIN_WEIGHT subsets are
 * skipped when larger ones are there: a small task is dominated by the cost of reaching
 * its root (a one-subset task costs a whole factorisation), and timing those made
 * estimates many times too long. Threads are assumed to scale: the estimate is a guide to
 * the order of magnitude, which is what a refusal needs. */
#define CALIBRATION_SECONDS 0.02
#define CALIBRATION_SHARE 64
#define CALIBRATION_MIN_WEIGHT 4096

/* Score the pending tasks of floor..cap subsets, smallest first, as said above. */
static uint64_t sample_tasks(search_ctx *x, smi_collector *scratch, uint64_t floor,
                             uint64_t cap, double *elapsed)
{
    uint64_t sampled = 0;
    double start = now();
    for (size_t i = x->st.n_pending; i-- > 0;) { /* the plan is sorted largest first */
        const smi_task *task = &x->tasks[x->pending[i]];
        if (task->weight < floor)
            continue;
        if (task->weight > cap)
            break;
        smi_task_run(task, x->pb, x->w[0].ws, scratch);
        sampled += task->weight;
        *elapsed = now() - start;
        if (*elapsed >= CALIBRATION_SECONDS || sampled >= cap)
            break;
    }
    return sampled;
}

/* *per_subset: seconds per subset on one thread; 0 when no task is small enough to time. */
static int seconds_per_subset(search_ctx *x, uint64_t left, double *per_subset)
{
    smi_collector scratch;
    SMI_TRY(smi_collector_init(&scratch, x->pb));
    uint64_t cap = left / CALIBRATION_SHARE > 0 ? left / CALIBRATION_SHARE : 1;
    double elapsed = 0.0;
    uint64_t sampled = sample_tasks(x, &scratch, CALIBRATION_MIN_WEIGHT, cap, &elapsed);
    if (sampled == 0)
        sampled = sample_tasks(x, &scratch, 0, cap, &elapsed);
    smi_collector_free(&scratch);
    *per_subset = sampled ? elapsed / (double)sampled : 0.0;
    return SMI_OK;
}

/* "1.2e+03 s (20 minutes)": seconds and the largest unit that fits. */
static void format_duration(double seconds, char *text, size_t size)
{
    static const struct { const char *name; double s; } units[] = {
        { "years", 365.25 * 86400.0 }, { "days", 86400.0 }, { "hours", 3600.0 },
        { "minutes", 60.0 } };
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        if (seconds >= units[u].s) {
            double count = seconds / units[u].s;
            int one = strcmp(units[u].name, "") != 0 && count < 1.0005; /* "1 day" */
            snprintf(text, size, "%.3g s (%.3g %.*s)", seconds, count,
                     (int)strlen(units[u].name) - one, units[u].name);
            return;
        }
    }
    snprintf(text, size, "%.3g s", seconds);
}

/* Estimate the time of the subsets left, tell the estimate callback, and refuse a run
 * longer than the limit. Nothing is measured when neither asks for it. */
static int check_time(search_ctx *x)
{
    const struct smi_search *cfg = x->pb->cfg;
    int limited = cfg->max_time > 0.0 && cfg->max_time < INFINITY;
    uint64_t left = x->st.total - atomic_load(&x->st.done);
    if ((!limited && !cfg->estimate) || left == 0)
        return SMI_OK;
    double per_subset;
    SMI_TRY(seconds_per_subset(x, left, &per_subset));
    double seconds = (double)left * per_subset / (double)x->n_workers;
    if (cfg->estimate && cfg->estimate(cfg->estimate_user, (double)left, seconds))
        return smi_error_set(SMI_ECANCELED, "the search was canceled by its estimate callback");
    if (limited && seconds > cfg->max_time) {
        char took[64], limit[64];
        format_duration(seconds, took, sizeof took);
        format_duration(cfg->max_time, limit, sizeof limit);
        return smi_error_set(SMI_ETOOLARGE, "the search would take about %s: %.4g subsets at "
                             "%.3g per second on %zu thread%s, more than the time limit of %s "
                             "(max_time); raise the limit, or search fewer features or "
                             "smaller models", took, (double)left,
                             per_subset > 0 ? 1.0 / per_subset : INFINITY, x->n_workers,
                             x->n_workers == 1 ? "" : "s", limit);
    }
    return SMI_OK;
}

int smi_search_estimate_time(const smi_dataset *ds, const struct smi_search *cfg,
                             double *subsets, double *seconds)
{
    struct smi_search one = *cfg;
    one.threads = 1;
    one.shard_index = 0;
    one.shard_count = 1;
    smi_problem pb;
    SMI_TRY(smi_problem_prepare(&pb, ds, &one));
    search_ctx x = { .ds = ds, .pb = &pb };
    int rc = make_plan(&x);
    if (rc == SMI_OK) {
        choose_pending(&x);
        rc = make_workers(&x);
    }
    double per_subset = 0.0;
    if (rc == SMI_OK && x.st.total > 0)
        rc = seconds_per_subset(&x, x.st.total, &per_subset);
    *subsets = (double)x.st.total;
    *seconds = (double)x.st.total * per_subset;
    free_ctx(&x);
    smi_problem_free(&pb);
    return rc;
}

/* Without a checkpoint: one round over the share. */
static int run_plain(search_ctx *x, smi_search_result **out)
{
    choose_pending(x);
    SMI_TRY(make_workers(x));
    SMI_TRY(check_time(x));
    SMI_TRY(run_workers(&x->st, x->w, x->n_workers));
    for (size_t i = 0; i < x->st.n_pending; i++)
        SMI_DONE_SET(x->done, x->pending[i]);
    smi_collector **cols = smi_alloc_array(x->n_workers, sizeof *cols, "collectors");
    if (!cols)
        return SMI_ENOMEM;
    for (size_t i = 0; i < x->n_workers; i++)
        cols[i] = &x->w[i].col;
    int rc = build(x, cols, x->n_workers, out);
    free(cols);
    return rc;
}

/* ---------- checkpoints ---------- */

static int save_checkpoint(search_ctx *x)
{
    smi_state s;
    SMI_TRY(smi_state_snapshot(&s, x->pb, &x->acc, &x->info));
    int rc = smi_state_save(&s, SMI_STATE_CHECKPOINT, x->pb->cfg->checkpoint);
    smi_state_free(&s);
    return rc;
}

/* A checkpoint is this run's when it was made for the same data, configuration, library
 * and plan (the fingerprint; the sizes are compared too, so that a forged file cannot make
 * the restore index past an array) and holds tasks of this shard only. */
static int check_checkpoint(const search_ctx *x, const smi_state *s)
{
    const struct smi_search *cfg = x->pb->cfg;
    SMI_FAIL_IF(s->fingerprint != x->info.fingerprint || s->shard_count != cfg->shard_count
                    || s->n_tasks != x->info.n_tasks || s->criterion != cfg->criterion
                    || s->p != x->pb->p || s->kmax != x->pb->kmax || s->top != cfg->top
                    || s->hist.capacity != x->acc.hist.capacity || !s->edges != !cfg->edges
                    || s->posterior != x->acc.posterior || s->average != x->acc.average,
                SMI_EINVAL, "checkpoint %s belongs to another search (other data, "
                "configuration or library version): remove it or choose another file",
                cfg->checkpoint);
    for (size_t t = 0; t < s->n_tasks; t++)
        SMI_FAIL_IF(SMI_DONE_GET(s->done, t) && t % cfg->shard_count != cfg->shard_index,
                    SMI_EINVAL, "checkpoint %s belongs to another shard than %zu of %zu",
                    cfg->checkpoint, cfg->shard_index, cfg->shard_count);
    /* The file's counts against the plan: a damaged checkpoint whose checksum was made to
     * match must not resume to another result (more subsets scored than exist). */
    return smi_state_check_plan(s, x->pb, x->tasks, x->info.n_tasks, cfg->shard_index,
                                cfg->checkpoint);
}

/* Continue from the checkpoint file if there is one; *fresh = 1 when there is none. */
static int resume(search_ctx *x, int *fresh)
{
    smi_state s;
    int missing = 0;
    int rc = smi_state_load(&s, SMI_STATE_CHECKPOINT, x->pb->cfg->checkpoint, &missing);
    *fresh = rc != SMI_OK && missing;
    if (*fresh)
        return SMI_OK;
    SMI_TRY(rc);
    rc = check_checkpoint(x, &s);
    if (rc == SMI_OK) {
        smi_state_restore(&s, &x->acc);
        memcpy(x->done, s.done, SMI_DONE_WORDS(s.n_tasks) * sizeof *x->done);
    }
    smi_state_free(&s);
    return rc;
}

/* After a round: pending[*start..claimed) are done; move what the workers found into acc. */
static void end_round(search_ctx *x, size_t *start)
{
    size_t claimed = atomic_load(&x->st.next);
    if (claimed > x->st.n_pending)
        claimed = x->st.n_pending;
    for (size_t i = *start; i < claimed; i++)
        SMI_DONE_SET(x->done, x->pending[i]);
    *start = claimed;
    for (size_t i = 0; i < x->n_workers; i++) {
        smi_collector_merge(&x->acc, &x->w[i].col);
        smi_collector_reset(&x->w[i].col);
    }
}

/* Rounds of work, each ended by a pause and a saved checkpoint; the last one saves the
 * finished state, so that a run started again finds all done and only refits. */
static int run_checkpointed(search_ctx *x, smi_search_result **out)
{
    int fresh;
    smi_tmpfile_sweep(x->pb->cfg->checkpoint); /* the temporaries a killed run left */
    SMI_TRY(smi_collector_init(&x->acc, x->pb));
    SMI_TRY(resume(x, &fresh));
    choose_pending(x);
    SMI_TRY(make_workers(x));
    SMI_TRY(check_time(x)); /* before a fresh checkpoint is written */
    if (fresh)
        SMI_TRY(save_checkpoint(x)); /* a path that cannot be written fails now, not later */
    for (size_t start = 0;;) {
        atomic_store(&x->st.pause, 0);
        x->st.last_save = now();
        int rc = run_workers(&x->st, x->w, x->n_workers);
        end_round(x, &start);
        if (rc != SMI_OK && rc != SMI_ECANCELED)
            return rc;
        SMI_TRY(save_checkpoint(x));
        if (rc == SMI_ECANCELED)
            return smi_error_set(rc, "the search was canceled by its progress callback; "
                                 "checkpoint %s holds its progress", x->pb->cfg->checkpoint);
        if (start == x->st.n_pending)
            break;
    }
    smi_collector *acc = &x->acc;
    return build(x, &acc, 1, out);
}

static int search(const smi_dataset *ds, const smi_problem *pb, smi_search_result **out)
{
    search_ctx x = { .ds = ds, .pb = pb };
    int rc = make_plan(&x);
    if (rc == SMI_OK)
        rc = pb->cfg->checkpoint ? run_checkpointed(&x, out) : run_plain(&x, out);
    free_ctx(&x);
    return rc;
}

SMI_API int smi_search_run(const smi_dataset *ds, const smi_search *cfg, smi_search_result **out)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_search_run: out is NULL");
    *out = NULL;
    SMI_FAIL_IF(!ds || !cfg, SMI_EINVAL, "smi_search_run: ds or cfg is NULL");
    struct smi_search use;
    SMI_TRY(smi_search_resolve(cfg, ds, &use));
    smi_dataset view;
    SMI_TRY(smi_search_view(ds, cfg, &view));
    smi_problem pb;
    int rc = smi_problem_prepare(&pb, &view, &use);
    if (rc == SMI_OK) {
        rc = search(&view, &pb, out);
        smi_problem_free(&pb);
    }
    smi_dataset_fold_view_release(&view);
    if (rc == SMI_OK)
        rc = smi_data_id_of(&(*out)->state.data, ds);
    if (rc == SMI_OK)
        rc = smi_search_copy(&(*out)->state.cfg, cfg);
    if (rc == SMI_OK) { /* the callback belongs to this run, not to its result */
        (*out)->state.cfg->progress = NULL;
        (*out)->state.cfg->progress_user = NULL;
        (*out)->state.cfg->estimate = NULL;
        (*out)->state.cfg->estimate_user = NULL;
    }
    if (rc != SMI_OK) {
        smi_search_result_free(*out);
        *out = NULL;
    }
    return rc;
}

SMI_API int smi_search_score_subset(const smi_dataset *ds, const smi_search *cfg,
                             const size_t *subset, size_t k, double *value)
{
    SMI_FAIL_IF(!ds || !cfg || !value || (k > 0 && !subset), SMI_EINVAL,
                "smi_search_score_subset: NULL argument");
    for (size_t i = 0; i < k; i++) {
        SMI_FAIL_IF(subset[i] >= ds->p, SMI_EINVAL, "feature index %zu: the data set has %zu",
                    subset[i], ds->p);
        for (size_t j = 0; j < i; j++)
            SMI_FAIL_IF(subset[i] == subset[j], SMI_EINVAL, "feature '%s' is listed twice",
                        ds->feature_names[subset[i]]);
    }
    struct smi_search use;
    SMI_TRY(smi_search_resolve(cfg, ds, &use));
    smi_dataset view;
    SMI_TRY(smi_search_view(ds, cfg, &view));
    smi_fit fit = { 0 };
    fit.coef = smi_alloc_array(k + 1, sizeof *fit.coef, "coefficients");
    int rc = fit.coef ? smi_refit(&view, &use, subset, k, &fit) : SMI_ENOMEM;
    if (rc == SMI_OK)
        *value = fit.value;
    free(fit.coef);
    smi_dataset_fold_view_release(&view);
    return rc;
}
