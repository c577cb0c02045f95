/* smi_remc_run: replica exchange over subsets (DESIGN.md 4.5).
 * Slots are temperatures; each holds a chain (chain.c) and its own generator. A sweep makes
 * q proposals (q candidate features) in every slot, the slots in parallel threads; then the
 * calling thread attempts the exchanges between neighbouring slots with its own generator,
 * swapping the chains. What a slot does depends only on the seed and its own history, and
 * the exchanges run in one fixed order, so the result is the same for any thread count.
 * After the burn-in every proposal's outcome (the slot's energy) goes into the slot's fine
 * histogram, in one of SMI_REMC_BLOCKS blocks of sweeps, for the multiple-histogram
 * estimate (result.c). */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "remc/remc.h"

/* A slot's histogram of energies on bins of a fixed width from a fixed origin (set after
 * the burn-in), grown as needed: counts per block, energy sums for the bins' mean energy. */
typedef struct fine_hist {
    int64_t lo;      /* the bin index of slot 0 */
    size_t n;        /* bins held */
    uint64_t *count; /* SMI_REMC_BLOCKS x n */
    double *esum;    /* n */
} fine_hist;

/* A model in a slot's list of the best distinct subsets visited. */
typedef struct visited {
    double energy;
    size_t k;
    size_t *cands; /* ascending candidate indices, stride kfree */
} visited;

typedef struct slot {
    smi_chain chain;
    smi_rng rng;
    uint64_t proposed, accepted, burn_in_proposals;
    fine_hist hist;
    visited *top;   /* up to M, unordered */
    size_t n_top, worst;
    size_t *store;  /* M x kfree candidate indices */
    size_t *sorted; /* kfree: scratch */
    uint64_t *incl; /* q: samples holding each candidate (the slot at inverse temperature 1) */
    uint64_t incl_samples;
    int status;
} slot;

typedef struct run_ctx {
    const smi_problem *pb;
    const smi_remc *cfg;
    size_t R, q, kfree_min, kfree_max, top;
    smi_space space;
    double *betas;
    slot *slots;
    size_t sweep, total_sweeps;
    double origin, width; /* the fine bins, fixed after the burn-in */
    int recording, inclusion_slot; /* -1: none */
    /* threads */
    size_t n_threads;
    pthread_barrier_t start, done;
    int stop;
} run_ctx;

/* ---------- the fine histogram ---------- */

static int hist_cover(fine_hist *h, int64_t idx)
{
    if (h->n && idx >= h->lo && idx < h->lo + (int64_t)h->n)
        return SMI_OK;
    int64_t lo = h->n ? (idx < h->lo ? idx - (int64_t)h->n : h->lo) : idx - 16;
    int64_t hi = h->n ? (idx >= h->lo + (int64_t)h->n ? idx + (int64_t)h->n + 1
                                                      : h->lo + (int64_t)h->n)
                      : idx + 16;
    SMI_FAIL_IF(hi - lo > (int64_t)1 << 26, SMI_ETOOLARGE,
                "replica exchange: the energies span more than %d histogram bins", 1 << 26);
    size_t n = (size_t)(hi - lo);
    uint64_t *count = smi_calloc_array(SMI_REMC_BLOCKS * n, sizeof *count, "energy histogram");
    double *esum = smi_calloc_array(n, sizeof *esum, "energy histogram");
    if (!count || !esum) {
        free(count), free(esum);
        return SMI_ENOMEM;
    }
    for (size_t b = 0; h->n && b < SMI_REMC_BLOCKS; b++)
        memcpy(count + b * n + (h->lo - lo), h->count + b * h->n, h->n * sizeof *count);
    if (h->n)
        memcpy(esum + (h->lo - lo), h->esum, h->n * sizeof *esum);
    free(h->count), free(h->esum);
    h->count = count, h->esum = esum, h->lo = lo, h->n = n;
    return SMI_OK;
}

static void record(run_ctx *x, slot *s, size_t block)
{
    double e = s->chain.energy;
    if (!smi_value_in_range(e)) /* a start where the criterion is undefined: no energy */
        return;
    int64_t idx = (int64_t)floor((e - x->origin) / x->width);
    if (s->status == SMI_OK)
        s->status = hist_cover(&s->hist, idx);
    if (s->status != SMI_OK)
        return;
    size_t at = (size_t)(idx - s->hist.lo);
    s->hist.count[block * s->hist.n + at]++;
    s->hist.esum[at] += e;
}

/* ---------- the best subsets visited ---------- */

static int compare_cands(const size_t *a, size_t ka, const size_t *b, size_t kb)
{
    size_t k = ka < kb ? ka : kb;
    for (size_t i = 0; i < k; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return (ka > kb) - (ka < kb);
}

static int compare_size_t(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* Visited models in the search's order: energy, then the subset. */
static int visited_less(const visited *a, const visited *b)
{
    if (a->energy != b->energy)
        return a->energy < b->energy;
    return compare_cands(a->cands, a->k, b->cands, b->k) < 0;
}

static void offer(run_ctx *x, slot *s)
{
    const smi_chain *ch = &s->chain;
    if (x->top == 0 || (s->n_top == x->top && ch->energy > s->top[s->worst].energy))
        return;
    memcpy(s->sorted, ch->members, ch->k * sizeof *s->sorted);
    qsort(s->sorted, ch->k, sizeof *s->sorted, compare_size_t);
    visited v = { ch->energy, ch->k, s->sorted };
    for (size_t i = 0; i < s->n_top; i++) /* already listed */
        if (s->top[i].k == v.k && compare_cands(s->top[i].cands, s->top[i].k, v.cands, v.k) == 0)
            return;
    size_t at;
    if (s->n_top < x->top) {
        at = s->n_top++;
    } else {
        if (!visited_less(&v, &s->top[s->worst]))
            return;
        at = s->worst;
    }
    s->top[at].energy = v.energy;
    s->top[at].k = v.k;
    memcpy(s->top[at].cands, v.cands, v.k * sizeof *v.cands);
    s->worst = 0;
    for (size_t i = 1; i < s->n_top; i++)
        if (visited_less(&s->top[s->worst], &s->top[i]))
            s->worst = i;
}

/* ---------- moves ---------- */

static void metropolis(run_ctx *x, slot *s, double beta)
{
    s->proposed++;
    if (smi_chain_step(&s->chain, &x->space, &s->rng, beta)) {
        s->accepted++;
        offer(x, s);
    }
}

static void count_inclusion(slot *s)
{
    for (size_t t = 0; t < s->chain.k; t++)
        s->incl[s->chain.members[t]]++;
    s->incl_samples++;
}

static void sweep_slot(run_ctx *x, size_t r)
{
    slot *s = &x->slots[r];
    size_t block = 0;
    if (x->recording)
        block = (x->sweep - x->cfg->burn_in) * SMI_REMC_BLOCKS / x->cfg->sweeps;
    for (size_t step = 0; step < x->q; step++) {
        metropolis(x, s, x->betas[r]);
        if (x->recording) {
            record(x, s, block);
            if ((int)r == x->inclusion_slot)
                count_inclusion(s);
        }
    }
}

/* ---------- threads: a sweep of all slots, split by slot index ---------- */

typedef struct worker {
    run_ctx *x;
    size_t index;
    pthread_t thread;
} worker;

static void sweep_share(run_ctx *x, size_t index)
{
    for (size_t r = index; r < x->R; r += x->n_threads)
        sweep_slot(x, r);
}

static void *work_thread(void *arg)
{
    worker *w = arg;
    for (;;) {
        pthread_barrier_wait(&w->x->start);
        if (w->x->stop)
            return NULL;
        sweep_share(w->x, w->index);
        pthread_barrier_wait(&w->x->done);
    }
}

/* ---------- exchanges ---------- */

static void exchange(run_ctx *x, smi_rng *rng, uint64_t *tried, uint64_t *taken)
{
    for (size_t i = x->sweep % 2; i + 1 < x->R; i += 2) {
        slot *a = &x->slots[i], *b = &x->slots[i + 1];
        double arg = (x->betas[i] - x->betas[i + 1]) * (a->chain.energy - b->chain.energy);
        double u = smi_rng_uniform(rng);
        tried[i]++;
        if (arg >= 0.0 || u < exp(arg)) {
            smi_chain t = a->chain;
            a->chain = b->chain;
            b->chain = t;
            taken[i]++;
        }
    }
}

/* ---------- setting up ---------- */

/* The number of subsets of the space, sizes lo..hi of q candidates: exactly while it fits
 * in 64 bits (then *count is it, rounded to a double), and its ln. */
static double log_n_states(size_t q, size_t lo, size_t hi, double *count)
{
    uint64_t total = 0, c = 1; /* c = C(q, s) */
    int exact = 1;
    for (size_t s = 0; s <= hi && s <= q && exact; s++) {
        if (s > 0) { /* C(q, s) = C(q, s - 1) (q - s + 1) / s, exact when no overflow */
            uint64_t m = q - s + 1, g = c % s == 0 ? s : 1;
            if (c / g > UINT64_MAX / m)
                exact = 0;
            else
                c = (c / g) * m / (s / g);
        }
        if (exact && s >= lo) {
            if (total > UINT64_MAX - c)
                exact = 0;
            else
                total += c;
        }
    }
    if (exact) {
        *count = (double)total;
        return log(*count);
    }
    double top = -INFINITY, sum = 0.0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t s = lo; s <= hi && s <= q; s++) {
            double t = smi_lgamma((double)q + 1) - smi_lgamma((double)s + 1) - smi_lgamma((double)(q - s) + 1);
            if (pass == 0)
                top = t > top ? t : top;
            else
                sum += exp(t - top);
        }
    *count = exp(top + log(sum));
    return top + log(sum);
}

/* A random nonsingular starting subset with a finite energy for slot r (up to 100 tries). */
static int start_slot(run_ctx *x, slot *s)
{
    size_t *perm = smi_alloc_array(x->q ? x->q : 1, sizeof *perm, "replica start");
    if (!perm)
        return SMI_ENOMEM;
    int rc = SMI_ESINGULAR;
    for (int attempt = 0; attempt < 100 && rc == SMI_ESINGULAR; attempt++) {
        size_t span = x->kfree_max - x->kfree_min + 1;
        size_t k = x->kfree_min + (size_t)smi_rng_below(&s->rng, span);
        smi_rng_permutation(&s->rng, perm, x->q);
        rc = smi_chain_set(&s->chain, perm, k);
        if (rc == SMI_OK && !isfinite(s->chain.energy))
            rc = SMI_ESINGULAR;
    }
    free(perm);
    if (rc == SMI_OK)
        offer(x, s);
    return rc == SMI_ESINGULAR
               ? smi_error_set(rc, "replica exchange: no starting subset in 100 tries is nonsingular "
                               "with a finite criterion")
               : rc;
}

static int make_slots(run_ctx *x)
{
    x->slots = smi_calloc_array(x->R, sizeof *x->slots, "replicas");
    if (!x->slots)
        return SMI_ENOMEM;
    size_t width = x->kfree_max ? x->kfree_max : 1;
    for (size_t r = 0; r < x->R; r++) {
        slot *s = &x->slots[r];
        smi_rng_seed(&s->rng, x->cfg->seed ^ (0x9e3779b97f4a7c15ULL * (r + 1)));
        SMI_TRY(smi_chain_init(&s->chain, x->pb));
        s->top = smi_calloc_array(x->top ? x->top : 1, sizeof *s->top, "visited models");
        s->store = smi_calloc_array(x->top ? x->top : 1, width * sizeof *s->store, "visited");
        s->sorted = smi_calloc_array(width, sizeof *s->sorted, "visited models");
        s->incl = smi_calloc_array(x->q ? x->q : 1, sizeof *s->incl, "inclusion counts");
        if (!s->top || !s->store || !s->sorted || !s->incl)
            return SMI_ENOMEM;
        for (size_t i = 0; i < (x->top ? x->top : 1); i++)
            s->top[i].cands = s->store + i * width;
        SMI_TRY(start_slot(x, s));
    }
    return SMI_OK;
}

static void free_slots(run_ctx *x)
{
    for (size_t r = 0; x->slots && r < x->R; r++) {
        slot *s = &x->slots[r];
        smi_chain_free(&s->chain);
        free(s->hist.count), free(s->hist.esum);
        free(s->top), free(s->store), free(s->sorted), free(s->incl);
    }
    free(x->slots);
}

/* Widen [lo, hi] to the energy e when it is defined (smi_value_in_range). */
static void note_range(double *lo, double *hi, double e)
{
    if (smi_value_in_range(e)) {
        *lo = fmin(*lo, e);
        *hi = fmax(*hi, e);
    }
}

/* The fine bins: SMI_REMC_FINE_BINS over the range of energies the burn-in saw. */
static void fix_bins(run_ctx *x, double lo, double hi)
{
    if (lo > hi) /* no defined energy seen yet: bins from 0 of width 1e-6 */
        lo = hi = 0.0;
    x->origin = lo;
    x->width = hi > lo ? (hi - lo) / SMI_REMC_FINE_BINS : fmax(fabs(lo), 1.0) * 1e-6;
}

static int check_request(const smi_problem *pb)
{
    SMI_FAIL_IF(pb->q == 0, SMI_EINVAL, "replica exchange: every feature is forced");
    return SMI_OK;
}

/* ---------- the run ---------- */

/* ---------- the ladder, tuned during the burn-in ---------- */

#define TUNE_WINDOWS 10    /* the burn-in is cut into this many windows, */
#define TUNE_MIN_WINDOW 20 /* of at least this many sweeps, after each of which: */

/* Move the inner inverse temperatures so that each neighbouring pair gets the same share of
 * the total "distance" -ln(exchange rate) measured in the window (rates clamped to
 * [0.01, 0.99]), interpolating linearly in beta within each pair; half way, to damp the
 * feedback. The ends (0 and beta_max, or the given ends) stay. The rates are counted
 * afresh for the next window. Deterministic: the counts are. */
static void retune(run_ctx *x, uint64_t *tried, uint64_t *taken)
{
    size_t R = x->R;
    double d[SMI_REMC_MAX_REPLICAS], cum[SMI_REMC_MAX_REPLICAS + 1], next[SMI_REMC_MAX_REPLICAS];
    cum[0] = 0.0;
    for (size_t i = 0; i + 1 < R; i++) {
        double rate = tried[i] ? (double)taken[i] / (double)tried[i] : 0.5;
        d[i] = -log(fmin(fmax(rate, 0.01), 0.99));
        cum[i + 1] = cum[i] + d[i];
        tried[i] = taken[i] = 0;
    }
    next[0] = x->betas[0];
    next[R - 1] = x->betas[R - 1];
    for (size_t k = 1, i = 0; k + 1 < R; k++) {
        double target = cum[R - 1] * (double)k / (double)(R - 1);
        while (i + 2 < R && cum[i + 1] < target)
            i++;
        double frac = (target - cum[i]) / d[i];
        next[k] = x->betas[i] + (x->betas[i + 1] - x->betas[i]) * fmin(fmax(frac, 0.0), 1.0);
    }
    for (size_t k = 1; k + 1 < R; k++) /* the temperature 1 of the posterior stays too */
        if ((int)k != x->inclusion_slot)
            x->betas[k] = 0.5 * (x->betas[k] + next[k]);
}

/* From the end of the burn-in on, acceptance and exchange rates are counted afresh. */
static void begin_recording(run_ctx *x, uint64_t *tried, uint64_t *taken)
{
    for (size_t r = 0; r < x->R; r++) {
        x->slots[r].burn_in_proposals = x->slots[r].proposed;
        x->slots[r].proposed = x->slots[r].accepted = 0;
        tried[r] = taken[r] = 0;
    }
}

static int run_sweeps(run_ctx *x, uint64_t *tried, uint64_t *taken, double *trace)
{
    const struct smi_search *scfg = x->pb->cfg;
    smi_rng xrng;
    smi_rng_seed(&xrng, x->cfg->seed ^ 0x5851f42d4c957f2dULL);
    double lo = INFINITY, hi = -INFINITY; /* the energies seen before recording starts */
    for (size_t r = 0; r < x->R; r++) {
        note_range(&lo, &hi, x->slots[r].chain.energy);
    }
    int rc = SMI_OK;
    size_t window = x->cfg->burn_in / TUNE_WINDOWS;
    for (x->sweep = 0; x->sweep < x->total_sweeps && rc == SMI_OK; x->sweep++) {
        if (x->sweep == x->cfg->burn_in) {
            fix_bins(x, lo, hi);
            x->recording = 1;
            begin_recording(x, tried, taken); /* rates are reported after the burn-in */
        }
        if (x->cfg->tune && window >= TUNE_MIN_WINDOW && x->sweep < x->cfg->burn_in
            && x->sweep > 0 && x->sweep % window == 0)
            retune(x, tried, taken);
        if (x->n_threads > 1) {
            pthread_barrier_wait(&x->start);
            sweep_share(x, 0);
            pthread_barrier_wait(&x->done);
        } else {
            sweep_share(x, 0);
        }
        for (size_t r = 0; r < x->R; r++) {
            note_range(&lo, &hi, x->slots[r].chain.energy);
            if (x->slots[r].status != SMI_OK)
                rc = x->slots[r].status;
        }
        exchange(x, &xrng, tried, taken);
        for (size_t r = 0; r < x->R; r++)
            trace[r * x->total_sweeps + x->sweep] = x->slots[r].chain.energy;
        if (scfg->progress && (x->sweep % 64 == 63 || x->sweep + 1 == x->total_sweeps)
            && scfg->progress(scfg->progress_user,
                              (double)(x->sweep + 1) / (double)x->total_sweeps))
            rc = smi_error_set(SMI_ECANCELED, "replica exchange canceled by the progress callback");
    }
    return rc;
}

static size_t thread_count(const smi_remc *cfg, size_t R)
{
    size_t t = smi_thread_count(cfg->threads);
    return t < R ? t : R;
}

/* Start the worker threads (the caller is thread 0), run, stop them. */
static int run_threads(run_ctx *x, uint64_t *tried, uint64_t *taken, double *trace)
{
    x->n_threads = thread_count(x->cfg, x->R);
    if (x->n_threads <= 1)
        return run_sweeps(x, tried, taken, trace);
    worker *w = smi_calloc_array(x->n_threads, sizeof *w, "threads");
    if (!w)
        return SMI_ENOMEM;
    unsigned count = (unsigned)x->n_threads;
    pthread_barrier_init(&x->start, NULL, count);
    pthread_barrier_init(&x->done, NULL, count);
    size_t started = 1;
    for (; started < x->n_threads; started++) {
        w[started] = (worker){ .x = x, .index = started };
        if (pthread_create(&w[started].thread, NULL, work_thread, &w[started]) != 0)
            break;
    }
    int rc;
    if (started < x->n_threads) { /* fewer threads than asked: run on one, same result */
        x->n_threads = 1;
        rc = smi_error_set(SMI_ENOMEM, "replica exchange: cannot start %u threads", count);
    } else {
        rc = run_sweeps(x, tried, taken, trace);
    }
    x->stop = 1;
    if (started == count)
        pthread_barrier_wait(&x->start);
    for (size_t i = 1; i < started; i++)
        pthread_join(w[i].thread, NULL);
    pthread_barrier_destroy(&x->start);
    pthread_barrier_destroy(&x->done);
    free(w);
    return rc;
}

/* ---------- the result ---------- */

static int estimate_dos(run_ctx *x, smi_remc_result *res)
{
    smi_remc_hist *h = smi_calloc_array(x->R, sizeof *h, "histograms");
    if (!h)
        return SMI_ENOMEM;
    for (size_t r = 0; r < x->R; r++)
        h[r] = (smi_remc_hist){ .lo = x->slots[r].hist.lo, .n = x->slots[r].hist.n,
                                .count = x->slots[r].hist.count, .esum = x->slots[r].hist.esum };
    double log_states = log_n_states(x->q, x->kfree_min, x->kfree_max, &res->n_states);
    int rc = smi_remc_dos_estimate(res, x->pb->cfg, h, x->R, x->origin, x->width, log_states);
    free(h);
    return rc;
}

/* The distinct best subsets of all slots, in the search's order, refitted by QR. */
static int collect_top(run_ctx *x, const smi_dataset *ds, smi_remc_result *res)
{
    size_t total = 0, width = x->pb->kmax ? x->pb->kmax : 1;
    for (size_t r = 0; r < x->R; r++)
        total += x->slots[r].n_top;
    visited **all = smi_alloc_array(total ? total : 1, sizeof *all, "visited models");
    res->top_size = smi_calloc_array(x->top ? x->top : 1, sizeof *res->top_size, "result");
    res->top_features = smi_calloc_array(x->top ? x->top : 1, width * sizeof *res->top_features,
                                         "result");
    res->top_value = smi_calloc_array(x->top ? x->top : 1, sizeof *res->top_value, "result");
    size_t *features = smi_alloc_array(width, sizeof *features, "model");
    double *coef = smi_alloc_array(width, sizeof *coef, "model");
    int rc = all && res->top_size && res->top_features && res->top_value && features && coef
                 ? SMI_OK : SMI_ENOMEM;
    size_t n = 0;
    for (size_t r = 0; rc == SMI_OK && r < x->R; r++)
        for (size_t i = 0; i < x->slots[r].n_top; i++)
            all[n++] = &x->slots[r].top[i];
    /* insertion order by (energy, subset); duplicates across slots are adjacent then */
    for (size_t i = 1; rc == SMI_OK && i < n; i++)
        for (size_t j = i; j > 0 && visited_less(all[j], all[j - 1]); j--) {
            visited *t = all[j];
            all[j] = all[j - 1];
            all[j - 1] = t;
        }
    for (size_t i = 0; rc == SMI_OK && i < n && res->n_top < x->top; i++) {
        if (i > 0 && compare_cands(all[i]->cands, all[i]->k, all[i - 1]->cands, all[i - 1]->k) == 0)
            continue;
        size_t k = 0, a = 0, b = 0; /* forced and chosen candidates, ascending */
        const visited *v = all[i];
        while (a < x->pb->n_keep || b < v->k) {
            size_t from = b < v->k ? x->pb->cand[v->cands[b]] : SIZE_MAX;
            if (a < x->pb->n_keep && x->pb->keep[a] < from)
                features[k++] = x->pb->keep[a++];
            else
                features[k++] = from, b++;
        }
        smi_fit fit = { .coef = coef };
        int frc = smi_refit(ds, x->pb->cfg, features, k, &fit);
        if (frc == SMI_ESINGULAR)
            continue;
        rc = frc;
        if (rc != SMI_OK)
            break;
        memcpy(res->top_features + res->n_top * width, features, k * sizeof *features);
        res->top_size[res->n_top] = k;
        res->top_value[res->n_top++] = fit.value;
    }
    free(all), free(features), free(coef);
    return rc;
}

static int finish(run_ctx *x, const smi_dataset *ds, smi_remc_result *res)
{
    res->criterion = x->pb->cfg->criterion;
    res->p = x->pb->p;
    res->kmax = x->pb->kmax;
    for (size_t r = 0; r < x->R; r++) {
        const slot *s = &x->slots[r];
        res->acceptance[r] = s->proposed ? (double)s->accepted / (double)s->proposed : NAN;
        res->proposals += s->proposed + s->burn_in_proposals;
    }
    if (x->inclusion_slot >= 0) {
        const slot *s = &x->slots[x->inclusion_slot];
        res->inclusion = smi_calloc_array(res->p, sizeof *res->inclusion, "inclusion");
        if (!res->inclusion)
            return SMI_ENOMEM;
        for (size_t j = 0; j < x->q; j++)
            res->inclusion[x->pb->cand[j]] = (double)s->incl[j] / (double)s->incl_samples;
        for (size_t i = 0; i < x->pb->n_keep; i++)
            res->inclusion[x->pb->keep[i]] = 1.0;
    }
    SMI_TRY(estimate_dos(x, res));
    return collect_top(x, ds, res);
}

static int remc_run(const smi_dataset *ds, const smi_search *search, const smi_remc *cfg,
                    smi_remc_result **out)
{
    smi_problem pb;
    SMI_TRY(smi_problem_prepare_sampling(&pb, ds, search));
    run_ctx x = { .pb = &pb, .cfg = cfg, .R = cfg->replicas, .q = pb.q,
                  .kfree_min = pb.kmin - pb.n_keep, .kfree_max = pb.kmax - pb.n_keep,
                  .top = search->top, .total_sweeps = cfg->burn_in + cfg->sweeps,
                  .inclusion_slot = -1 };
    if (x.kfree_max > x.q)
        x.kfree_max = x.q;
    x.space = (smi_space){ .q = x.q, .kmin = x.kfree_min, .kmax = x.kfree_max,
                           .swaps_only = x.kfree_min == x.kfree_max };
    int rc = check_request(&pb);
    smi_remc_result *res = rc == SMI_OK ? smi_calloc_array(1, sizeof *res, "result") : NULL;
    if (rc == SMI_OK && !res)
        rc = SMI_ENOMEM;
    if (rc == SMI_OK) {
        res->R = x.R;
        res->n_sweeps = x.total_sweeps;
        res->betas = smi_alloc_array(x.R, sizeof *res->betas, "ladder");
        res->acceptance = smi_calloc_array(x.R, sizeof *res->acceptance, "result");
        res->exchange = smi_calloc_array(x.R, sizeof *res->exchange, "result");
        res->trace = smi_alloc_array(x.R, x.total_sweeps * sizeof *res->trace, "energy trace");
        if (!res->betas || !res->acceptance || !res->exchange || !res->trace)
            rc = SMI_ENOMEM;
    }
    uint64_t *tried = NULL, *taken = NULL;
    if (rc == SMI_OK) {
        smi_remc_ladder_of(cfg, res->betas);
        x.betas = res->betas;
        for (size_t r = 0; r < x.R; r++)
            if (res->betas[r] == 1.0 && smi_is_fe(pb.cfg->criterion))
                x.inclusion_slot = (int)r;
        tried = smi_calloc_array(x.R, sizeof *tried, "exchange counts");
        taken = smi_calloc_array(x.R, sizeof *taken, "exchange counts");
        rc = tried && taken ? make_slots(&x) : SMI_ENOMEM;
    }
    if (rc == SMI_OK)
        rc = run_threads(&x, tried, taken, res->trace);
    if (rc == SMI_OK) {
        for (size_t r = 0; r + 1 < x.R; r++)
            res->exchange[r] = tried[r] ? (double)taken[r] / (double)tried[r] : NAN;
        rc = finish(&x, ds, res);
    }
    free(tried), free(taken);
    free_slots(&x);
    smi_problem_free(&pb);
    if (rc != SMI_OK) {
        smi_remc_result_free(res);
        return rc;
    }
    *out = res;
    return SMI_OK;
}

SMI_API int smi_remc_run(const smi_dataset *ds, const smi_search *search, const smi_remc *cfg,
                         smi_remc_result **out)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_remc_run: out is NULL");
    *out = NULL;
    SMI_FAIL_IF(!ds || !search || !cfg, SMI_EINVAL, "smi_remc_run: NULL argument");
    struct smi_search use;
    SMI_TRY(smi_search_resolve(search, ds, &use));
    smi_dataset view;
    SMI_TRY(smi_search_view(ds, search, &view));
    int rc = remc_run(&view, &use, cfg, out);
    smi_dataset_fold_view_release(&view);
    if (rc == SMI_OK)
        rc = smi_remc_copy(&(*out)->cfg, cfg);
    if (rc == SMI_OK)
        rc = smi_search_copy(&(*out)->search, search);
    if (rc == SMI_OK)
        rc = smi_data_id_of(&(*out)->data, ds);
    if (rc != SMI_OK) {
        smi_remc_result_free(*out);
        *out = NULL;
    }
    return rc;
}
