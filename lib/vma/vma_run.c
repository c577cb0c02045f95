/* smi_vma_run: the model resolved on the data (least-squares coefficients, evidence noise),
 * then S x T independent trials (vma_trial.c) claimed in order from an atomic counter by
 * the threads, the caller one of them. Each thread counts its trials' outcomes into its own
 * integer tallies (per size: recovered, failed, each chosen size, each chosen feature);
 * their sums do not depend on which thread ran which trial, so neither does the result.
 * Progress is reported by the calling thread after each of its trials; a nonzero return
 * stops every thread from claiming more, and the run returns SMI_ECANCELED. */
#include <pthread.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"
#include "vma/vma.h"

#define MESSAGE_CAPACITY 1024

/* The last error's message with `what` in front (copied first: the message and the new one
 * share the thread's buffer). Out of memory is passed on as it is. */
static int explain(int status, const char *what)
{
    if (status == SMI_ENOMEM)
        return status;
    char why[MESSAGE_CAPACITY];
    strncpy(why, smi_last_error(), sizeof why - 1);
    why[sizeof why - 1] = '\0';
    return smi_error_set(status, "%s: %s", what, why);
}

/* ---------- the model as used ---------- */

static int check_request(const smi_dataset *ds, const smi_vma *cfg)
{
    SMI_FAIL_IF(cfg->k == 0, SMI_EINVAL, "virtual measurement: no model (smi_vma_set_model)");
    for (size_t i = 0; i < cfg->k; i++)
        SMI_FAIL_IF(cfg->features[i] >= ds->p, SMI_EINVAL,
                    "model feature index %zu: the data set has %zu features", cfg->features[i],
                    ds->p);
    if (cfg->method == SMI_VMA_LASSO_CV) {
        SMI_FAIL_IF(cfg->lasso.penalty && cfg->lasso.n_penalty != ds->p, SMI_EINVAL,
                    "%zu LASSO penalty factors for %zu features", cfg->lasso.n_penalty, ds->p);
        return SMI_OK;
    }
    /* The search's forced features and sizes, checked once on the data rather than failing
     * every trial: its preparation under the plain RSS criterion. */
    struct smi_search probe = *cfg->search;
    probe.criterion = SMI_CRIT_RSS;
    smi_problem pb;
    SMI_TRY(smi_problem_prepare(&pb, ds, &probe));
    smi_problem_free(&pb);
    return SMI_OK;
}

/* The search's time limit (smi_search_set_max_time) applied to the trials: one search of
 * the data timed as smi_search_run times itself, times the searches (trials x sizes),
 * over the threads. An estimate that cannot be made (a criterion whose preparation needs
 * the synthetic data) leaves the trials to report their own errors. */
static int check_time(const smi_dataset *ds, const smi_vma *cfg, size_t threads)
{
    double limit = cfg->search ? cfg->search->max_time : 0.0;
    if (cfg->method != SMI_VMA_SEARCH || !(limit > 0.0 && limit < INFINITY))
        return SMI_OK;
    struct smi_search use;
    smi_dataset view;
    double subsets, one;
    if (smi_search_resolve(cfg->search, ds, &use) != SMI_OK
        || smi_search_view(ds, &use, &view) != SMI_OK)
        return SMI_OK;
    int estimated = smi_search_estimate_time(&view, &use, &subsets, &one) == SMI_OK;
    smi_dataset_fold_view_release(&view);
    if (!estimated)
        return SMI_OK;
    double searches = (double)cfg->trials * (double)cfg->n_sizes;
    double seconds = one * searches / (double)threads;
    SMI_FAIL_IF(seconds > limit, SMI_ETOOLARGE, "virtual measurement would take about %.3g s "
                "(%.3g hours): %.4g searches (trials x sizes) of %.4g subsets each, about %.3g s "
                "each on one thread, on %zu thread%s; more than the time limit of %g s (the "
                "search's max_time); raise the limit, or run fewer trials or sizes",
                seconds, seconds / 3600.0, searches, subsets, one, threads,
                threads == 1 ? "" : "s", limit);
    return SMI_OK;
}

/* Coefficients NULL: the least-squares fit of the subset with an intercept (QR). */
static int fit_coefficients(const smi_dataset *ds, const smi_vma *cfg, smi_vma_plan *pl,
                            double **owned)
{
    smi_search *ls;
    SMI_TRY(smi_search_create(&ls));
    ls->criterion = SMI_CRIT_RSS;
    *owned = smi_alloc_array(cfg->k, sizeof **owned, "model coefficients");
    smi_fit fit = { .coef = *owned };
    int rc = *owned ? smi_refit(ds, ls, cfg->features, cfg->k, &fit) : SMI_ENOMEM;
    smi_search_free(ls);
    if (rc != SMI_OK)
        return explain(rc, "the model's least-squares fit on the data");
    pl->coef = *owned;
    pl->intercept = fit.intercept;
    return SMI_OK;
}

/* noise_sd < 0: sigma = beta^-1/2 at the evidence optimum of the subset on the data. */
static int fit_noise(const smi_dataset *ds, const smi_vma *cfg, smi_vma_plan *pl)
{
    smi_evidence *ecfg;
    smi_evidence_result *ev = NULL;
    SMI_TRY(smi_evidence_create(&ecfg));
    int rc = smi_evidence_set_mode(ecfg, SMI_HYPER_OPTIMIZE);
    if (rc == SMI_OK)
        rc = smi_evidence_run(ds, cfg->features, cfg->k, ecfg, &ev);
    if (rc == SMI_OK && smi_evidence_result_status(ev) != SMI_OK) /* no noise estimate */
        rc = smi_error_set(smi_evidence_result_status(ev), "%s",
                           smi_evidence_result_caveat(ev));
    if (rc == SMI_OK)
        pl->noise_sd = smi_evidence_result_noise_sd(ev);
    smi_evidence_result_free(ev);
    smi_evidence_free(ecfg);
    return rc == SMI_OK ? SMI_OK : explain(rc, "the model's noise from its evidence on the data");
}

/* The model as used, into pl; coefficients computed here go to *owned (the caller frees). */
static int resolve_model(const smi_dataset *ds, const smi_vma *cfg, smi_vma_plan *pl,
                         double **owned)
{
    pl->k = cfg->k;
    pl->features = cfg->features;
    pl->coef = cfg->coef;
    pl->intercept = cfg->intercept;
    pl->noise_sd = cfg->noise_sd;
    if (!cfg->coef)
        SMI_TRY(fit_coefficients(ds, cfg, pl, owned));
    if (cfg->noise_sd < 0.0)
        SMI_TRY(fit_noise(ds, cfg, pl));
    return SMI_OK;
}

/* ---------- the trials, in threads ---------- */

/* A thread's counts of its trials' outcomes, per size index s (S x ... row-major). */
typedef struct tally {
    uint64_t *block; /* owns the four arrays */
    uint64_t *recovered, *failures; /* S each */
    uint64_t *chosen;               /* S x (p + 1): trials choosing a subset of each size */
    uint64_t *selected;             /* S x p: trials choosing each feature */
} tally;

typedef struct run_ctx {
    const smi_vma_plan *pl;
    size_t S, T, p;
    uint64_t total;                 /* S T trials, trial i = s T + t */
    atomic_uint_fast64_t next, done;
    atomic_int stop;                /* canceled, or a thread failed */
    int canceled;
    double reported;                /* the last fraction given to the progress callback */
    unsigned char *truth;           /* p: the model's indicator */
} run_ctx;

/* Padded so that two threads' counts never share a cache line. */
typedef struct worker {
    char pad_before[128];
    run_ctx *x;
    smi_vma_work w;
    tally tl;
    int status;                     /* the first status that ended the run here */
    char message[MESSAGE_CAPACITY]; /* its message (last errors are per thread) */
    pthread_t thread;
    int is_caller;
    char pad_after[128];
} worker;

static int tally_init(tally *tl, size_t S, size_t p)
{
    tl->block = smi_calloc_array(S, (2 + (p + 1) + p) * sizeof *tl->block, "outcome counts");
    if (!tl->block)
        return SMI_ENOMEM;
    tl->recovered = tl->block;
    tl->failures = tl->recovered + S;
    tl->chosen = tl->failures + S;
    tl->selected = tl->chosen + S * (p + 1);
    return SMI_OK;
}

static void count(run_ctx *x, tally *tl, size_t s, int outcome, size_t size,
                  const unsigned char *chosen)
{
    if (outcome == SMI_VMA_NO_CHOICE) {
        tl->failures[s]++;
        return;
    }
    tl->chosen[s * (x->p + 1) + size]++;
    int exact = 1;
    for (size_t j = 0; j < x->p; j++) {
        tl->selected[s * x->p + j] += chosen[j];
        exact &= chosen[j] == x->truth[j];
    }
    tl->recovered[s] += (uint64_t)exact;
}

static void report(run_ctx *x, uint64_t done)
{
    const smi_vma *cfg = x->pl->cfg;
    if (!cfg->progress)
        return;
    x->reported = (double)done / (double)x->total;
    if (cfg->progress(cfg->progress_user, x->reported)) {
        x->canceled = 1;
        atomic_store(&x->stop, 1);
    }
}

static void fail(worker *wk, int status)
{
    wk->status = status;
    strncpy(wk->message, smi_last_error(), sizeof wk->message - 1);
    atomic_store(&wk->x->stop, 1);
}

static void work(worker *wk)
{
    run_ctx *x = wk->x;
    while (!atomic_load(&x->stop)) {
        uint64_t i = atomic_fetch_add(&x->next, 1);
        if (i >= x->total)
            break;
        size_t s = (size_t)(i / x->T), t = (size_t)(i % x->T), size = 0;
        int rc = smi_vma_trial(x->pl, s, t, &wk->w, &size);
        if (rc < 0) {
            fail(wk, rc);
            break;
        }
        count(x, &wk->tl, s, rc, size, wk->w.chosen);
        uint64_t done = atomic_fetch_add(&x->done, 1) + 1;
        if (wk->is_caller)
            report(x, done);
    }
}

static void *work_thread(void *arg)
{
    work(arg);
    return NULL;
}

static size_t thread_count(const smi_vma *cfg, uint64_t total)
{
    size_t t = smi_thread_count(cfg->threads);
    return (uint64_t)t < total ? t : (size_t)total;
}

static void free_workers(worker *w, size_t n)
{
    for (size_t i = 0; w && i < n; i++) {
        smi_vma_work_free(&w[i].w);
        free(w[i].tl.block);
    }
    free(w);
}

static int make_workers(run_ctx *x, worker **out, size_t n)
{
    worker *w = smi_calloc_array(n, sizeof *w, "threads");
    if (!w)
        return SMI_ENOMEM;
    int rc = SMI_OK;
    for (size_t i = 0; i < n && rc == SMI_OK; i++) {
        w[i].x = x;
        w[i].is_caller = i == 0;
        rc = smi_vma_work_init(&w[i].w, x->pl);
        if (rc == SMI_OK)
            rc = tally_init(&w[i].tl, x->S, x->p);
    }
    if (rc != SMI_OK) {
        free_workers(w, n);
        return rc;
    }
    *out = w;
    return SMI_OK;
}

/* Run every trial on n threads. A thread that cannot be started is done without: the
 * result does not depend on how many run. */
static int run_workers(run_ctx *x, worker *w, size_t n)
{
    size_t started = 1;
    while (started < n && pthread_create(&w[started].thread, NULL, work_thread, &w[started]) == 0)
        started++;
    work(&w[0]);
    for (size_t i = 1; i < started; i++)
        pthread_join(w[i].thread, NULL);
    for (size_t i = 0; i < started; i++)
        if (w[i].status < 0)
            return smi_error_set(w[i].status, "%s", w[i].message);
    SMI_FAIL_IF(x->canceled, SMI_ECANCELED,
                "virtual measurement canceled by its progress callback");
    const smi_vma *cfg = x->pl->cfg;
    if (cfg->progress && x->reported < 1.0)
        cfg->progress(cfg->progress_user, 1.0); /* other threads ran the last trials */
    return SMI_OK;
}

/* ---------- the result ---------- */

static smi_vma_result *new_result(const smi_vma_plan *pl)
{
    const smi_vma *cfg = pl->cfg;
    size_t S = cfg->n_sizes, p = pl->ds->p, k = pl->k;
    smi_vma_result *res = smi_calloc_array(1, sizeof *res, "result");
    if (!res)
        return NULL;
    *res = (smi_vma_result){ .S = S, .T = cfg->trials, .p = p, .k = k,
                             .intercept = pl->intercept, .noise_sd = pl->noise_sd };
    res->sizes = smi_alloc_array(S, sizeof *res->sizes, "result");
    res->features = smi_alloc_array(k, sizeof *res->features, "result");
    res->coef = smi_alloc_array(k, sizeof *res->coef, "result");
    res->rate = smi_calloc_array(S, sizeof *res->rate, "result");
    res->frequency = smi_calloc_array(S, p * sizeof *res->frequency, "result");
    res->chosen = smi_calloc_array(S, (p + 1) * sizeof *res->chosen, "result");
    res->failures = smi_calloc_array(S, sizeof *res->failures, "result");
    if (!res->sizes || !res->features || !res->coef || !res->rate || !res->frequency
        || !res->chosen || !res->failures) {
        smi_vma_result_free(res);
        return NULL;
    }
    memcpy(res->sizes, cfg->sizes, S * sizeof *res->sizes);
    memcpy(res->features, pl->features, k * sizeof *res->features);
    memcpy(res->coef, pl->coef, k * sizeof *res->coef);
    return res;
}

/* The threads' counts summed into the first thread's (integers: any order gives the same
 * sums), then the fractions of T. */
static void sum_tallies(smi_vma_result *res, worker *w, size_t n)
{
    size_t S = res->S, p = res->p, len = S * (2 + (p + 1) + p);
    uint64_t *sum = w[0].tl.block;
    for (size_t i = 1; i < n; i++)
        for (size_t a = 0; a < len; a++)
            sum[a] += w[i].tl.block[a];
    const tally *tl = &w[0].tl;
    memcpy(res->failures, tl->failures, S * sizeof *res->failures);
    memcpy(res->chosen, tl->chosen, S * (p + 1) * sizeof *res->chosen);
    double T = (double)res->T;
    for (size_t s = 0; s < S; s++)
        res->rate[s] = (double)tl->recovered[s] / T;
    for (size_t a = 0; a < S * p; a++)
        res->frequency[a] = (double)tl->selected[a] / T;
}

/* The trials of a resolved plan into a new result. */
static int run_trials(smi_vma_plan *pl, smi_vma_result **out)
{
    const smi_vma *cfg = pl->cfg;
    run_ctx x = { .pl = pl, .S = cfg->n_sizes, .T = cfg->trials, .p = pl->ds->p };
    x.total = (uint64_t)x.S * x.T;
    atomic_init(&x.next, 0);
    atomic_init(&x.done, 0);
    atomic_init(&x.stop, 0);
    x.truth = smi_calloc_array(x.p, sizeof *x.truth, "model indicator");
    if (!x.truth)
        return SMI_ENOMEM;
    for (size_t i = 0; i < pl->k; i++)
        x.truth[pl->features[i]] = 1;
    size_t n = thread_count(cfg, x.total);
    worker *w = NULL;
    int rc = check_time(pl->ds, cfg, n);
    if (rc != SMI_OK) {
        free(x.truth);
        return rc;
    }
    rc = make_workers(&x, &w, n);
    if (rc == SMI_OK)
        rc = run_workers(&x, w, n);
    smi_vma_result *res = rc == SMI_OK ? new_result(pl) : NULL;
    if (rc == SMI_OK && !res)
        rc = SMI_ENOMEM;
    if (rc == SMI_OK) {
        sum_tallies(res, w, n);
        *out = res;
    }
    free_workers(w, n);
    free(x.truth);
    return rc;
}

SMI_API int smi_vma_run(const smi_dataset *ds, const smi_vma *cfg, smi_vma_result **out)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_vma_run: out is NULL");
    *out = NULL;
    SMI_FAIL_IF(!ds || !cfg, SMI_EINVAL, "smi_vma_run: ds or cfg is NULL");
    SMI_TRY(check_request(ds, cfg));
    smi_vma_plan pl = { .ds = ds, .cfg = cfg };
    double *owned = NULL;
    for (size_t s = 0; s < cfg->n_sizes; s++)
        pl.n_max = cfg->sizes[s] > pl.n_max ? cfg->sizes[s] : pl.n_max;
    int rc = resolve_model(ds, cfg, &pl, &owned);
    if (rc == SMI_OK)
        rc = smi_vma_gen_init(&pl.gen, ds, cfg->rows);
    if (rc == SMI_OK)
        rc = run_trials(&pl, out);
    smi_vma_gen_free(&pl.gen);
    free(owned);
    if (rc == SMI_OK)
        rc = smi_vma_copy(&(*out)->cfg, cfg);
    if (rc == SMI_OK)
        rc = smi_data_id_of(&(*out)->data, ds);
    if (rc != SMI_OK) {
        smi_vma_result_free(*out);
        *out = NULL;
    }
    return rc;
}
