/* Internal view of the exhaustive search (DESIGN.md 4.3): configuration, the prepared
 * problem shared read-only by all threads, per-thread collectors, and the result.
 * Files: config.c, result.c, rank.c here; engine/ enumerates and scores (problem, the
 * sweep trees of sweep*.c, criterion.c, collect.c, hist.c, the refits, run.c);
 * posterior/ the model posterior and exact averaging; store/ the state of a search, its
 * merging (merge.c), files (store.c, store_parse.c) and exact sums (xbank.c). */
#ifndef SMI_SEARCH_H
#define SMI_SEARCH_H

#include <math.h>
#include <stdint.h>

#include "core/core.h"
#include "data/data.h"

/* A pivot below this fraction of its column's squared norm marks a singular subset:
 * 1 - R^2 of that column on the subset's others is below 1e-10. */
#define SMI_PIVOT_TOLERANCE 1e-10
/* Pivots after small pivots carry rounding noise of about eps / (smallest earlier pivot
 * ratio); a pivot ratio within 1e3 times that noise is treated as singular (sweep.c). */
#define SMI_NOISE_MARGIN (1e3 * 2.220446049250313e-16)

/* With an intercept, a column whose standard deviation is below this fraction of its
 * mean's magnitude is constant: centring leaves only rounding noise, never a regressor. */
#define SMI_CONSTANT_TOLERANCE 1e-13
static inline int smi_column_is_constant(const smi_dataset *ds, size_t j)
{
    return ds->sd[j] <= SMI_CONSTANT_TOLERANCE * (ds->mean[j] < 0 ? -ds->mean[j] : ds->mean[j]);
}

#define SMI_LN_2PI 1.8378770664093454835606594728112353 /* ln(2 pi) */
#define SMI_LN2 0.6931471805599453094172321214581766 /* ln 2 */

struct smi_search;
/* The power of two that scales the target for the sweeps and refits of cfg's criterion
 * (criterion.c): the target's smi_column_exponent for the criteria that shift by a known
 * constant when y is scaled (AIC, BIC, fe-opt), else 0 (the others are refused out of the
 * safe range by smi_criterion_check_range, or see y as it is). */
int smi_target_exponent(const smi_dataset *ds, const struct smi_search *cfg);
/* SMI_OK when cfg's criterion can be computed on ds in double precision, else SMI_ENONFINITE
 * naming the column (and a way out): the rss, cv and loo criteria in units of y^2 with a
 * target out of the safe range, cv and loo (their own Gram matrices) or fe without
 * standardisation with such a feature, fe's default beta = 1 / var(y) out of range. */
int smi_criterion_check_range(const smi_dataset *ds, const struct smi_search *cfg);


/* A criterion value a search keeps: finite and within +-2^1000, so that the DOS's bin
 * edges (up to two bin widths beyond the values) stay finite. Others are counted apart as
 * non-finite (n_nonfinite), never histogrammed or weighted. */
#define SMI_VALUE_MAX 0x1p1000
static inline int smi_value_in_range(double v)
{
    return v >= -SMI_VALUE_MAX && v <= SMI_VALUE_MAX;
}

struct smi_search {
    int criterion;
    double alpha, beta;
    double ng_lambda, ng_a0, ng_b0; /* SMI_CRIT_FE_NG's prior (also fe-marg's noise prior) */
    double ratio_lo, ratio_hi;      /* fe-opt, fe-marg: the grid of lambda = alpha / beta */
    size_t ratio_n;
    int model_prior;                /* smi_model_prior */
    double prior_q;                 /* Bernoulli inclusion probability (0.5: uniform) */
    size_t min_size, max_size; /* max_size 0: p */
    size_t *keep;
    size_t n_keep;
    size_t top;
    size_t bins;
    double *edges; /* given bin edges, or NULL */
    size_t n_edges;
    size_t threads;
    smi_progress_fn progress;
    void *progress_user;
    double max_time;                 /* seconds; 0 or INFINITY: no limit (run.c) */
    smi_estimate_fn estimate;
    void *estimate_user;
    int intercept, standardize;
    size_t shard_index, shard_count; /* run the plan positions t with t mod count == index */
    char *checkpoint;                /* checkpoint file, or NULL (state.c, run.c) */
    double checkpoint_interval;      /* seconds between checkpoint saves */
    smi_folds folds;                 /* SMI_CRIT_CV's folds */
    /* SMI_CRIT_FE_GRID (sweep_fegrid.c): the sigma grids (index 0 noise, 1 coefficients),
     * their prior and exhbma's intercept term */
    double sigma_lo[2], sigma_hi[2];
    size_t sigma_n[2];
    int grid_prior;
    double grid_shape, grid_scale;
    int intercept_term;
};

/* smi_search_copy_into: a deep copy of src into the zeroed *dst (free its arrays with
 * smi_search_release). */
int smi_search_copy_into(struct smi_search *dst, const struct smi_search *src);
void smi_search_release(struct smi_search *cfg);

/* smi_search_resolve: *use = cfg for a run on ds (a shallow copy sharing cfg's arrays, never
 * released), with the fe criterion's beta 0 (the default) resolved to 1 / var(y) as
 * smi_evidence does. SMI_ECONSTANT for a constant target with an intercept (every model
 * fits it exactly: nothing to select); SMI_EINVAL when beta needs the variance of a
 * constant target. */
static inline int smi_search_resolve(const struct smi_search *cfg, const smi_dataset *ds,
                                     struct smi_search *use)
{
    *use = *cfg;
    if (cfg->intercept && smi_column_is_constant(ds, ds->p))
        return smi_error_set(SMI_ECONSTANT, "target '%s' is constant (%g in every row): with "
                             "an intercept every model fits it exactly, so there is nothing "
                             "to select", ds->target_name, ds->y[0]);
    SMI_TRY(smi_criterion_check_range(ds, cfg));
    if (cfg->criterion != SMI_CRIT_FE || cfg->beta > 0.0)
        return SMI_OK;
    double sd = ds->sd[ds->p], mean = ds->mean[ds->p];
    if (!(sd > SMI_CONSTANT_TOLERANCE * (mean < 0 ? -mean : mean)))
        return smi_error_set(SMI_EINVAL, "target '%s' is constant (sd %g): the default beta = "
                             "1 / var(y) of the fe criterion is undefined (set alpha and beta)",
                             ds->target_name, sd);
    use->beta = 1.0 / (sd * sd);
    if (!(use->beta >= 0x1p-1022 && isfinite(use->beta))) /* normal: 1 / sd^2 in range */
        return smi_error_set(SMI_ENONFINITE, "target '%s' has standard deviation %g: the default "
                             "beta = 1 / var(y) of the fe criterion is out of the range of a "
                             "double (rescale the target, or set alpha and beta)",
                             ds->target_name, sd);
    return SMI_OK;
}

/* smi_search_view: ds with cfg's folds resolved when its criterion needs them (CV). */
static inline int smi_search_view(const smi_dataset *ds, const struct smi_search *cfg,
                                  smi_dataset *view)
{
    return smi_dataset_fold_view(ds, cfg->criterion == SMI_CRIT_CV ? &cfg->folds : NULL, view);
}

/* The free-energy criteria share the sweep of beta [X y]'[X y] + alpha on the diagonal:
 * SMI_CRIT_FE with its alpha and beta; SMI_CRIT_FE_NG with (lambda, 1), which gives its
 * ln|lambda I + Z'Z| and y'y - b'(lambda I + Z'Z)^-1 b; the grid criteria (fe-opt, fe-marg)
 * with (lambda_g, 1) for every ratio of the grid, walked together (sweep_grid.c). */
/* fe-opt and fe-marg: a grid over the ratio lambda alone (their quadrature is judged) */
static inline int smi_is_ratio_grid(int criterion)
{
    return criterion == SMI_CRIT_FE_OPT || criterion == SMI_CRIT_FE_MARG;
}
static inline int smi_is_grid(int criterion)
{
    return criterion == SMI_CRIT_FE_OPT || criterion == SMI_CRIT_FE_MARG
           || criterion == SMI_CRIT_FE_GRID;
}
static inline int smi_is_fe(int criterion)
{
    return criterion == SMI_CRIT_FE || criterion == SMI_CRIT_FE_NG || smi_is_grid(criterion);
}
static inline double smi_fe_alpha(const struct smi_search *cfg)
{
    if (cfg->criterion == SMI_CRIT_FE_GRID) /* the smallest ratio sn^2 / sc^2 */
        return cfg->sigma_lo[0] * cfg->sigma_lo[0] / (cfg->sigma_hi[1] * cfg->sigma_hi[1]);
    if (smi_is_grid(cfg->criterion))
        return cfg->ratio_lo;
    return cfg->criterion == SMI_CRIT_FE_NG ? cfg->ng_lambda : cfg->alpha;
}
static inline double smi_fe_beta(const struct smi_search *cfg)
{
    return cfg->criterion == SMI_CRIT_FE ? cfg->beta : 1.0;
}
static inline int smi_has_posterior(const struct smi_search *cfg)
{
    return smi_is_fe(cfg->criterion) && cfg->model_prior != SMI_MODEL_PRIOR_NONE;
}

/* Exact sums of positive numbers (xbank.c): `count` accumulators sharing a range of
 * base-2^32 limbs (limb i of an accumulator weighs 2^(32 (low + i))). Adding and folding
 * round nothing, so a sum is the same bits in any order. At most SMI_XBANK_MAX_LIMBS limbs
 * (a range of about 90 000 in ln): beyond, SMI_ETOOLARGE. */
#define SMI_XBANK_MAX_LIMBS 4096
#define SMI_XBANK_MAX_SHIFT ((int64_t)1 << 40) /* binary exponents of terms, far beyond use */
typedef struct smi_xbank {
    size_t count, limbs;
    int64_t low;
    int64_t *d;        /* count x limbs, NULL while nothing was added */
    uint32_t pending;  /* adds since the carries were last propagated */
    const char *what;  /* what the sums are, for messages */
} smi_xbank;
int smi_xbank_init(smi_xbank *b, size_t count, const char *what);
void smi_xbank_free(smi_xbank *b);
void smi_xbank_reset(smi_xbank *b);
/* Accumulator a += w 2^shift (w >= 0 finite; 0 adds nothing). */
int smi_xbank_add(smi_xbank *b, size_t a, double w, int64_t shift);
/* into[a] += from[c]. */
int smi_xbank_fold(smi_xbank *into, size_t a, const smi_xbank *from, size_t c);
int smi_xbank_fold_all(smi_xbank *into, const smi_xbank *from);
int smi_xbank_normalise(smi_xbank *b);
/* ln of accumulator a (-INFINITY when empty), to about 1e-16 relative in the sum. */
double smi_xbank_log(smi_xbank *b, size_t a);

/* The problem after preparation: the Schur complement of the augmented Gram matrix with
 * respect to the forced features, over the q candidate features and y (last). */
typedef struct smi_problem {
    const struct smi_search *cfg;
    size_t n, p, q;           /* samples, features, candidates (features not forced) */
    size_t *cand;             /* q candidate feature indices, ascending */
    size_t *keep;             /* forced feature indices, ascending */
    size_t n_keep;
    size_t kmin, kmax;        /* model sizes, forced features included */
    double *root;             /* (q+1) x (q+1), row-major, upper triangle valid */
    double *diag0;            /* q: each candidate's diagonal before any pivot, then the
                                 forced features' */
    double *inv_diag0;        /* q: 1 / diag0, 0 for a column of norm 0 */
    double logdet_keep;       /* sum of ln pivots of the forced features */
    double minrel_keep;       /* smallest pivot ratio among the forced features (1 if none) */
    double ng_an, ng_const;   /* SMI_CRIT_FE_NG: a0 + n/2 and the terms that depend on n only */
    /* The target as the sweeps see it is y 2^-y_exponent (smi_target_exponent); y_shift is
     * what that takes off the criterion (AIC, BIC: 2 n e ln 2; fe-opt: n e ln 2), added
     * back to every value. 0 and 0.0 for targets in the safe range. */
    int y_exponent;
    double y_shift;
    /* Grid criteria: G ratios lambda_g (ln_ratio, ascending, step grid_step in ln), the
     * ln of each one's weight in fe-marg's average (ln_wgrid), and per ratio the root
     * matrix (grid_root + g (q+1)^2) and ln pivots of the forced features. */
    size_t n_grid;
    double grid_step;
    double ln_ratio[SMI_RATIO_GRID_MAX], ln_wgrid[SMI_RATIO_GRID_MAX];
    /* fe-opt, fe-marg: 1 / the pivots of the spline's (1, 4, 1) system (criterion.c) */
    double spline_inv_pivot[SMI_RATIO_GRID_MAX];
    double *grid_root;
    double *grid_logdet_keep;
    /* fe-grid (fegrid.c): its distinct ratios are the ratio grid above; per grid point
     * (i * fg_n[1] + j) the index of its ratio, per noise point i the terms in sn_i alone
     * (trapezoid weight, prior, -n/2 ln(2 pi sn^2), the intercept term) and 1 / (2 sn_i^2),
     * per coefficient point j its weight and prior; fg_yy = n var(y) for the intercept term. */
    double fg_yy;
    size_t fg_n[2];
    double fg_noise[SMI_SIGMA_GRID_MAX], fg_inv2s2[SMI_SIGMA_GRID_MAX];
    double fg_coef[SMI_SIGMA_GRID_MAX];
    uint8_t fg_index[SMI_SIGMA_GRID_MAX * SMI_SIGMA_GRID_MAX];
    /* Exact model averaging (average.c; q <= SMI_AVERAGE_MAX_FREE with a posterior): the
     * Gram matrix of the columns as the search scales them (forced features, candidates, y;
     * no ratio added), each column's feature index, the factor from its scaled to its
     * original units, its mean, and the mean of y (0 without an intercept). */
    double *avg_gram;
    size_t *avg_feature;
    double *avg_scale, *avg_xmean, avg_ymean;
    uint64_t **binom_prefix;  /* [m][s] = sum_{t <= s} C(m, t), s <= kmax - n_keep */
    /* Held-out criteria (CV, LOO; sweep_cv.c): a node's state is a block of n_mats Gram
     * Schur complements (one per training set), the held-out residuals E (n rows of the
     * undecided columns and y, rows grouped by fold) and, for LOO, the leverages h. */
    int held_out;             /* 1 for CV and LOO */
    size_t n_mats;            /* CV: the number of folds; LOO: 1 (the full data) */
    size_t *fold_rows;        /* CV: held-out rows of each fold */
    double *held_root;        /* the root block, dimension q + 1 */
    double **mat_inv_diag0;   /* n_mats arrays of q: 1 / each training set's diagonal */
} smi_problem;

/* Size in doubles of a held-out block of dimension dim (sweep_cv.c). */
size_t smi_held_block_size(const smi_problem *pb, size_t dim);
/* The block of the child on local pivot c of a block of dimension dim (sweep_cv.c);
 * g is scratch for n_mats x dim quotients. */
void smi_held_form_child(const smi_problem *pb, const double *block, size_t dim, size_t c,
                         double *child, double *g);
/* Build held_root, fold_rows and mat_inv_diag0 (problem_cv.c). */
int smi_problem_prepare_held_out(smi_problem *pb, const smi_dataset *ds);
void smi_problem_free_held_out(smi_problem *pb);

/* A model in a collector: criterion value and its sorted feature indices. */
typedef struct smi_model {
    double value;
    size_t size;
    size_t *features; /* points into the collector's storage, capacity kmax */
} smi_model;

/* DOS accumulator: equal bins of width 2^exponent on multiples of the width (bins of
 * index floor(v / 2^exponent), a window of `capacity` of them from `base`), or the given
 * edges. Counts are exact; see smi_hist_add. */
typedef struct smi_hist {
    size_t capacity;
    uint64_t *counts;
    uint64_t *scratch;
    int exponent;
    int64_t base;
    double lo, hi; /* smallest and largest value seen */
    uint64_t n;
    const double *edges;
    size_t n_edges;
    uint64_t below, above;
    /* 2^-exponent for the hot path of smi_hist_add, valid when scale != 0 and
     * scale_exponent == exponent (a cache: it changes no count). */
    double scale;
    int scale_exponent;
    /* The model posterior's mass per bin (posterior.c) when `weighted`: capacity + 2
     * exact sums (the last two: below and above the given edges), moved with the counts;
     * wscratch is the rebinning buffer; wstatus the first failure of a sum. */
    int weighted;
    smi_xbank w, wscratch;
    int wstatus;
} smi_hist;

/* Everything one thread accumulates: the top-M models (a max-heap on the total order),
 * the best model of each size, the DOS, counts. Merging collectors is exact and its
 * result does not depend on the order of merging. */
typedef struct smi_collector {
    size_t top, kmax;
    smi_model *heap;
    size_t heap_size;
    smi_model *best; /* kmax + 1 entries; value NAN when none */
    size_t *storage;
    smi_hist hist;
    uint64_t n_models, n_singular, n_nonfinite;
    size_t *scratch_subset;
    /* The model posterior (when pb's configuration has one): exact sums of the weights per
     * size (kmax + 1) then per feature (p); the DOS bins' in hist.w. post_status: the
     * first failure of a sum. */
    int posterior;
    smi_xbank post_sums;
    int post_status;
    /* Exact model averaging (average.c), when `average`: per feature and the intercept
     * (p + 1), the positive and negative parts of sum_S w_S coef(S); avg_pos[p + 1] holds
     * sum_S w_S. */
    int average;
    smi_xbank avg_pos, avg_neg;
} smi_collector;

/* ---------- the model posterior (posterior.c) ----------
 * A task accumulates, in plain doubles and in units of 2^shift, the posterior weight
 * exp(-F(S)) (q / (1 - q))^(free features of S) of each subset it scores: per size, and
 * per candidate feature through subtree masses (the subsets containing candidate j are
 * exactly those below the nodes that include j, so a node adds its subtree's mass to its
 * last candidate: O(1) per subset). The order within a task is fixed, so these doubles do
 * not depend on the threads; at the end of the task they go into the collector's exact
 * sums, whose value does not depend on the order of the tasks. The DOS bin of each subset
 * gets its weight in the exact sums of the histogram directly. */
typedef struct smi_post {
    int on;
    int started;        /* a weight of this task has fixed the shift */
    int64_t shift;
    double log_odds;    /* ln(q / (1 - q)) */
    size_t n_keep, kmax, q;
    const size_t *cand, *keep; /* the problem's candidate and forced feature indices */
    double *size;       /* kmax + 1 */
    double *incl;       /* q candidates */
    double *self, *sub; /* per depth: the node's own weight, its descendants' mass */
} smi_post;

int smi_post_init(smi_post *pt, const smi_problem *pb);
void smi_post_free(smi_post *pt);
/* The weight of a subset at `depth` with criterion `value` (0 when the posterior is off),
 * added to its size and to its DOS bin (the slot smi_collector_add_fast just filled). */
double smi_post_record(smi_post *pt, smi_collector *c, size_t depth, double value);
void smi_post_task_begin(smi_post *pt);
/* Adds the task's mass to the candidates on its path, and everything to c's sums. */
void smi_post_task_end(smi_post *pt, smi_collector *c, size_t depth, const size_t *path);

/* The walk enters the node at `depth` whose own weight is w ... */
static inline void smi_post_enter(smi_post *pt, size_t depth, double w)
{
    if (pt->on) {
        pt->self[depth] = w;
        pt->sub[depth] = 0.0;
    }
}
/* ... and leaves it after its descendants: its mass goes to its last candidate and to its
 * parent's descendants. */
static inline void smi_post_leave(smi_post *pt, size_t depth, size_t cand)
{
    if (pt->on) {
        double mass = pt->self[depth] + pt->sub[depth];
        pt->incl[cand] += mass;
        pt->sub[depth - 1] += mass;
    }
}
/* A node without descendants: enter and leave at once. */
static inline void smi_post_leaf(smi_post *pt, size_t depth, size_t cand, double w)
{
    if (pt->on) {
        pt->incl[cand] += w;
        pt->sub[depth - 1] += w;
    }
}

int smi_collector_init(smi_collector *c, const smi_problem *pb);
void smi_collector_free(smi_collector *c);
/* Record one scored subset: `path` holds its candidate indices (positions in pb->cand),
 * ascending, `depth` of them. */
void smi_collector_add(smi_collector *c, const smi_problem *pb, double value,
                       const size_t *path, size_t depth);
int smi_collector_merge(smi_collector *into, const smi_collector *from);
/* The part of smi_collector_add that a model which may enter the top M or beat the best
 * of its size goes on to: its features are assembled and offered to both. */
void smi_collector_keep(smi_collector *c, const smi_problem *pb, double value,
                        const size_t *path, size_t depth);

/* Back to nothing collected (the storage is kept). */
void smi_collector_reset(smi_collector *c);
/* Offer one model to the top M (top != 0) and to the best of its size (best != 0). */
void smi_collector_offer(smi_collector *c, const smi_model *m, int top, int best);
int smi_model_compare(const smi_model *a, const smi_model *b);

/* Add v to h; v must pass smi_value_in_range (others are ignored, never binned). */
void smi_hist_add(smi_hist *h, double v);

/* smi_collector_add for the hot loops, inline: most subsets only update the count and a
 * DOS bin inside the current window, and lose to the worst kept model and to the best of
 * their size; those need no call at all (measured: about a fifth of the time per subset in
 * an all-subsets BIC search). The outcome is the same as smi_collector_add's. */
static inline int smi_collector_add_fast(smi_collector *c, const smi_problem *pb,
                                         double value, const size_t *path, size_t depth)
{
    smi_hist *h = &c->hist;
    if (!smi_value_in_range(value)) {
        c->n_nonfinite++;
        return 0;
    }
    c->n_models++;
    double bin = h->scale != 0.0 && h->scale_exponent == h->exponent && !h->edges
                     ? floor(value * h->scale) : -INFINITY;
    if (h->n > 0 && value >= h->lo && value <= h->hi && bin >= (double)h->base
        && bin < (double)h->base + (double)h->capacity) {
        h->n++;
        h->counts[(int64_t)bin - h->base]++;
    } else {
        smi_hist_add(h, value);
    }
    const smi_model *best = &c->best[pb->n_keep + depth];
    if (c->heap_size < c->top || value <= c->heap[0].value || !(value > best->value))
        smi_collector_keep(c, pb, value, path, depth);
    return 1;
}
/* Final bins of the merged accumulators: edges (n_bins + 1) and counts; and when wlog is
 * not NULL and the parts carry posterior sums, the ln of each final bin's sum (n_bins
 * values, *wlog NULL otherwise). */
int smi_hist_finish(const smi_hist *const *parts, size_t n_parts, size_t capacity,
                    double **edges, uint64_t **counts, size_t *n_bins, uint64_t *below,
                    uint64_t *above, double **wlog);
/* The window slot of value v just added to h: its bin, or for given edges capacity
 * (below) or capacity + 1 (above). */
size_t smi_hist_slot(const smi_hist *h, double v);
/* Fold `from` into `into` (same bins or edges), exactly: smi_hist_finish then gives the same
 * bins and counts as it gives for the two apart. `into` needs its scratch. */
void smi_hist_fold(smi_hist *into, const smi_hist *from);
void smi_hist_reset(smi_hist *h);
/* Copy the content (counts, window, range, n) of `from` into `into`, of the same layout. */
void smi_hist_copy(smi_hist *into, const smi_hist *from);
/* NULL when h is consistent (counts add up to n, the window holds [lo, hi]), else why not:
 * what a loaded accumulator must pass before it is folded or finished. */
const char *smi_hist_check(const smi_hist *h);

/* Preparation and the sweep tree (sweep.c). */
int smi_problem_prepare(smi_problem *pb, const smi_dataset *ds, const struct smi_search *cfg);
/* The same for sampling the subsets rather than enumerating them (remc/): no subset counts
 * (binom_prefix NULL), so a space beyond a 64-bit count is not refused. */
int smi_problem_prepare_sampling(smi_problem *pb, const smi_dataset *ds,
                                 const struct smi_search *cfg);
/* Only the sizes, forced features and subset counts of a search over p features, without
 * data: what smi_task_plan needs (a saved result's check, store_parse.c). */
int smi_problem_prepare_plan(smi_problem *pb, size_t p, const struct smi_search *cfg);
void smi_problem_free(smi_problem *pb);
/* Number of subsets with `extra` more candidates chosen from m, for a node of size k. */
static inline uint64_t smi_problem_subtree_count(const smi_problem *pb, size_t m, size_t k)
{
    if (k > pb->kmax)
        return 0;
    size_t lo = pb->kmin > k ? pb->kmin - k : 0, hi = pb->kmax - k;
    if (hi > m)
        hi = m;
    if (lo > hi)
        return 0;
    const uint64_t *row = pb->binom_prefix[m];
    return row[hi] - (lo > 0 ? row[lo - 1] : 0);
}

/* A task: the node whose included candidates are path[0..depth-1] (ascending), with
 * (self_only) or without its descendants. */
typedef struct smi_task {
    size_t path[8];
    size_t depth;
    int self_only;
    uint64_t weight; /* subsets it covers */
} smi_task;

typedef struct smi_workspace smi_workspace;
int smi_workspace_create(smi_workspace **out, const smi_problem *pb);
void smi_workspace_free(smi_workspace *ws);
void smi_task_run(const smi_task *task, const smi_problem *pb, smi_workspace *ws,
                  smi_collector *c);
/* smi_task_run for the held-out criteria, with block buffers levels[t] (sweep_cv.c). */
void smi_task_run_held(const smi_task *task, const smi_problem *pb, double **levels,
                       size_t *path, double *g, smi_collector *col);
/* A fixed plan of tasks covering every subset once; it depends only on the problem. */
int smi_task_plan(const smi_problem *pb, smi_task **tasks, size_t *n_tasks);
/* The plan in the order a run numbers its tasks (largest first; problem.c): the positions of a
 * state's task bitmap. */
int smi_task_plan_sorted(const smi_problem *pb, smi_task **tasks, size_t *n_tasks);

/* Exact model averaging (average.c): a thread's walker, NULL when the problem has no
 * averaging; smi_avg_task adds the task's subsets to col's sums. */
#define SMI_AVERAGE_MAX_FREE 20
typedef struct smi_avg smi_avg;
int smi_avg_create(smi_avg **out, const smi_problem *pb);
void smi_avg_free(smi_avg *a);
void smi_avg_task(smi_avg *a, const smi_task *task, smi_collector *col);

/* The walk of the grid criteria (sweep_grid.c): its workspace, with full matrices for the
 * depths below n_levels. */
typedef struct smi_grid_ws smi_grid_ws;
int smi_grid_ws_create(smi_grid_ws **out, const smi_problem *pb, size_t n_levels);
void smi_grid_ws_free(smi_grid_ws *ws);
void smi_task_run_grid(const smi_task *task, const smi_problem *pb, smi_grid_ws *ws,
                       size_t *path, smi_post *post, smi_collector *col);

/* Fill ng_an and ng_const of a problem whose cfg and n are set (problem.c), and y_shift
 * from y_exponent. */
void smi_problem_set_constants(smi_problem *pb);

/* Criterion of a subset from its RSS (or FE residual term) and ln-determinant (criterion.c). */
double smi_criterion_value(const smi_problem *pb, size_t k, double rss, double logdet);
/* The criterion of a subset of k features (forced ones included) from its RSS term and
 * ln|W_SS|: inline in the walk (a call per subset costs about a tenth of its time);
 * smi_criterion_value (criterion.c) is the same function for the refits. */
static inline double smi_criterion_of(const smi_problem *pb, size_t k, double rss, double logdet)
{
    const struct smi_search *cfg = pb->cfg;
    double n = (double)pb->n, params = (double)k + (cfg->intercept ? 1.0 : 0.0);
    switch (cfg->criterion) {
    case SMI_CRIT_RSS:
        return rss;
    case SMI_CRIT_AIC:
        return n * log(rss / n) + 2.0 * params + pb->y_shift;
    case SMI_CRIT_BIC:
        return n * log(rss / n) + params * log(n) + pb->y_shift;
    case SMI_CRIT_FE_NG: /* -ln of the closed form: rss is y'y - b'(lambda I + Z'Z)^-1 b */
        return pb->ng_const - 0.5 * (double)k * log(cfg->ng_lambda) + 0.5 * logdet
               + pb->ng_an * log(cfg->ng_b0 + 0.5 * rss);
    default: /* SMI_CRIT_FE; for the others (one matrix of a grid or of a training set in
              * replica exchange) only whether it is finite matters */
        return 0.5 * n * SMI_LN_2PI - 0.5 * n * log(smi_fe_beta(cfg))
               - 0.5 * (double)k * log(smi_fe_alpha(cfg)) + 0.5 * logdet + 0.5 * rss;
    }
}

/* Criterion of a subset under a grid criterion from R_g = y'y - b'(lambda_g I + Z'Z)^-1 b
 * and L_g = ln|lambda_g I + Z'Z| for every ratio g (criterion.c); NAN when some R_g <= 0.
 * smi_grid_weights: the weight of each ratio in the posterior mean (summing to 1): fe-opt
 * all on the ratio of the smallest F, fe-marg p(lambda_g | S, y). */
double smi_grid_value(const smi_problem *pb, size_t k, const double *R, const double *L);
/* fe-grid (fegrid.c): smi_fegrid_check refuses grids with more distinct ratios than
 * SMI_RATIO_GRID_MAX; smi_fegrid_set_constants fills pb's ratio grid and point tables (pb->n
 * and pb->fg_yy set); value and weights as smi_grid_value and smi_grid_weights. */
int smi_fegrid_check(const struct smi_search *cfg);
void smi_fegrid_set_constants(smi_problem *pb);
double smi_fegrid_value(const smi_problem *pb, size_t k, const double *R, const double *L);
void smi_fegrid_weights(const smi_problem *pb, size_t k, const double *R, const double *L,
                        double *weights);
void smi_grid_weights(const smi_problem *pb, size_t k, const double *R, const double *L,
                      double *weights);

/* Fill pb->spline_inv_pivot from pb->n_grid (criterion.c). */
void smi_grid_spline_constants(smi_problem *pb);
/* smi_grid_point_value: a grid criterion's F at one ratio, ln lambda = ln_ratio, from R and
 * L there (criterion.c; the sweeps' formula). */
double smi_grid_point_value(const smi_problem *pb, size_t k, double ln_ratio, double R,
                            double L);
/* smi_grid_accuracy: the true error of a grid criterion's value (from the grid: fe-opt's
 * parabola-refined minimum, fe-marg's trapezoid rule) against the exact criterion over the
 * grid's range [ln lo, ln hi], computed from the subset's spectral form R(lambda) = r0 +
 * sum_i c2_i lambda / (lambda + d_i), L(lambda) = sum_i ln(lambda + d_i) (k values; refit.c):
 * fe-opt's minimum over ln lambda by golden section, fe-marg's integral with the flat prior
 * on ln lambda by adaptive Gauss-Kronrod, both to about 1e-12 in F. *error = |value -
 * exact| (NAN where either is not finite); *edge when fe-opt's exact optimum is at lo or hi,
 * or fe-marg's posterior density of ln lambda at an end exceeds SMI_GRID_EDGE_DENSITY. */
#define SMI_GRID_EDGE_DENSITY 0.01
void smi_grid_accuracy(const smi_problem *pb, size_t k, double value, const double *d,
                       const double *c2, double r0, double *error, int *edge);

/* Least squares refit by QR on the original data (refit.c). */
typedef struct smi_fit {
    double value, intercept, rmse, rss;
    double *coef; /* k values */
    /* The free-energy criteria, when pmean is not NULL: the posterior mean of the
     * coefficients (k values, original units) and the intercept that goes with it, at the
     * criterion's hyperparameters (fe-opt: the grid ratio of the smallest F; fe-marg: the
     * average over the ratios weighted by p(lambda_g | S, y)). */
    double *pmean, pintercept;
    /* The grid criteria: smi_grid_accuracy of the refitted value (NAN, 0 otherwise). */
    double grid_error;
    int grid_edge;
} smi_fit;
int smi_refit(const smi_dataset *ds, const struct smi_search *cfg, const size_t *features,
              size_t k, smi_fit *fit);
/* The design [1, X_S] (or X_S) of the rows with rows[i] != 0 (all when rows is NULL;
 * n_rows of them), column-major, and each column's scale for the rank test: its norm
 * after centring on those rows (raw norm without an intercept). A constant column is
 * singular. */
int smi_refit_design(const smi_dataset *ds, const struct smi_search *cfg,
                     const size_t *features, size_t k, const int *rows, size_t n_rows,
                     double *A, double *scale);
/* CV and LOO of one subset computed directly (refit_cv.c, with smi_refit_design). */
int smi_refit_cv(const smi_dataset *ds, const struct smi_search *cfg, const size_t *features,
                 size_t k, double *value);
int smi_refit_loo(const smi_dataset *ds, const struct smi_search *cfg, const size_t *features,
                  size_t k, double *value);

/* ---------- the state of a search: shards, merging, files, checkpoints (store/) */

/* A model kept for merging: selected by its sweep value (`sweep`) in smi_model_compare's
 * order, as one run selects, and reported by its QR refit (value, intercept, rmse, coef). */
enum { SMI_KEPT_NONE, SMI_KEPT_PENDING, SMI_KEPT_OK, SMI_KEPT_SINGULAR };
typedef struct smi_kept {
    double sweep;
    size_t size;
    size_t *features; /* size, ascending (the state's storage, stride max(kmax, 1)) */
    int status;       /* NONE: no such model; PENDING: not refitted; OK; SINGULAR (refit) */
    double value, intercept, rmse;
    double *coef;     /* size values when OK */
    double *pmean, pintercept; /* the posterior mean (smi_fit), when the state has a posterior */
    double grid_error;         /* the grid criteria: smi_fit's (when OK; NAN unknown) */
    int grid_edge;
} smi_kept;

/* Everything a search over a set of tasks found, in a form that merges exactly and is saved
 * exactly; the reported result is derived from it (smi_search_result_from_state). Invariants:
 *   (1) kept[0..n_kept) ascend in sweep order, and n_kept == min(top, n_models);
 *   (2) best[k] is the first model of size k in sweep order (status NONE when none);
 *   (3) hist holds the sweep values of the n_models scored subsets (hist.n == n_models);
 *   (4) n_models, n_singular and n_nonfinite (criteria out of range, SMI_VALUE_MAX) are
 *       the sweep's counts, before refits drop any model;
 *   (5) done marks the tasks of the sorted plan that the state covers. */
typedef struct smi_state {
    uint64_t fingerprint; /* of the data and configuration (smi_state_fingerprint) */
    int criterion;
    size_t p, kmax, top;
    size_t shard_count, n_tasks;
    uint64_t *done;       /* SMI_DONE_WORDS(n_tasks) words */
    uint64_t n_models, n_singular, n_nonfinite;
    size_t n_kept;
    smi_kept *kept;       /* top entries */
    smi_kept *best;       /* kmax + 1 entries */
    size_t *feature_store;
    double *coef_store, *pmean_store;
    double *edges;        /* the given DOS edges (hist.n_edges of them), or NULL */
    smi_hist hist;        /* owns counts and scratch; hist.edges == edges */
    /* The model posterior, when `posterior`: the exact sums of the weights per size
     * (kmax + 1) and per feature (p), those of the DOS slots (in hist), and what
     * normalising the prior needs: the forced features' count, the smallest size, q. */
    int posterior;
    size_t n_keep, kmin;
    double prior_q;
    smi_xbank post_sums;
    int average; /* exact model averaging: the collector's sums */
    smi_xbank avg_pos, avg_neg;
    /* A result's identity (results only; NULL in checkpoints): the data it was computed on
     * and a copy of the configuration that made it, saved with it (store.c). */
    smi_data_id *data;
    struct smi_search *cfg;
} smi_state;

#define SMI_DONE_WORDS(n_tasks) (((n_tasks) + 63) / 64)
#define SMI_DONE_GET(done, t) ((done)[(t) / 64] >> ((t) % 64) & 1u)
#define SMI_DONE_SET(done, t) ((done)[(t) / 64] |= (uint64_t)1 << ((t) % 64))

/* Where a run's state comes from: the plan, the shard, the tasks done. */
typedef struct smi_run_info {
    uint64_t fingerprint;
    size_t shard_count, n_tasks;
    const uint64_t *done;
} smi_run_info;

/* Allocate a state whose scalar fields (criterion, p, kmax, top, n_tasks) are set: room for
 * `kept` top models (at most top: a state that is only read or merged needs no more than
 * it holds), empty models, an empty DOS on `bins` equal bins or on the n_edges edges
 * (copied). */
int smi_state_alloc(smi_state *s, size_t kept, size_t bins, const double *edges,
                    size_t n_edges);
void smi_state_free(smi_state *s);
/* A kept model's content copied (not its storage); the order of smi_model_compare. */
void smi_kept_copy(smi_kept *dst, const smi_kept *src);
int smi_kept_compare(const smi_kept *a, const smi_kept *b);
/* A new state holding what collector c found on the tasks `info` names, models PENDING. */
int smi_state_snapshot(smi_state *s, const smi_problem *pb, const smi_collector *c,
                       const smi_run_info *info);
/* Put a state's models, DOS and counts into the empty collector c (made for its problem). */
void smi_state_restore(const smi_state *s, smi_collector *c);
/* A state's claims against the plan of the search that made it (tasks[0..n_tasks) of
 * problem pb; shard `index` of the state's shard count, or SIZE_MAX for any task, as after
 * a merge): the plan's size, done tasks in the shard, scored plus singular subsets equal to
 * those of the done tasks, models of sizes the search scores holding the forced features,
 * the posterior's sizes. SMI_OK, or SMI_EPARSE "path: inconsistent: ..." naming the file's
 * field. */
int smi_state_check_plan(const smi_state *s, const smi_problem *pb, const smi_task *tasks,
                         size_t n_tasks, size_t index, const char *path);
/* Refit every PENDING model by QR: status OK or SINGULAR. */
int smi_state_refit(smi_state *s, const smi_dataset *ds, const struct smi_search *cfg);
/* The hash of everything that decides a search's result (data, configuration, plan). */
uint64_t smi_state_fingerprint(const smi_dataset *ds, const smi_problem *pb,
                               const smi_task *tasks, size_t n_tasks);

/* Files (store.c): versioned text, every double as a C99 hex float, written to a temporary
 * file that is synced and renamed into place. A result holds refitted models only, a
 * checkpoint PENDING ones. Load checks every count and range (SMI_EPARSE "path:line: why");
 * a missing file is SMI_EIO with *missing = 1 (missing may be NULL). */
enum { SMI_STATE_RESULT, SMI_STATE_CHECKPOINT };
int smi_state_save(const smi_state *s, int kind, const char *path);
int smi_state_load(smi_state *s, int kind, const char *path, int *missing);

/* smi_search_estimate_time: the subsets of a whole search of cfg on ds (prepared as
 * smi_problem_prepare does: the caller resolves cfg and views the folds) and its estimated
 * seconds on one thread, timed as smi_search_run times itself (run.c); for runs made of
 * many searches (vma). */
int smi_search_estimate_time(const smi_dataset *ds, const struct smi_search *cfg,
                             double *subsets, double *seconds);

/* Merge the collectors (into the first), refit the kept models, finish the DOS (result.c). */
int smi_search_result_build(const smi_dataset *ds, const smi_problem *pb, smi_collector *const *cols,
                     size_t n, const smi_run_info *info, smi_search_result **out);
/* The result derived from a refitted state, which it takes over (also on failure). */
int smi_search_result_from_state(smi_search_result **out, smi_state *s);

/* The reported arrays are derived from `state` alone, so a result rebuilt from a saved or
 * merged state answers every accessor identically. */
struct smi_search_result {
    int criterion;
    size_t p, kmax, n_top;
    uint64_t n_models, n_singular, n_nonfinite;
    size_t *top_size;
    size_t *top_features; /* n_top x kmax */
    double *top_value, *top_coef, *top_intercept, *top_rmse; /* coef: n_top x kmax */
    int *best_present;
    size_t *best_features; /* (kmax + 1) x kmax */
    double *best_value, *best_coef, *best_intercept, *best_rmse;
    size_t n_bins;
    double *edges;
    uint64_t *counts;
    uint64_t below, above;
    int has_posterior;
    double log_evidence_total, log_total_weight; /* the latter: ln of the sum of weights */
    double *post_inclusion, *post_size, *post_dos; /* p, kmax + 1, n_bins */
    double *avg_coef, avg_intercept, avg_mass;     /* p; the posterior mass averaged over */
    /* The grid criteria: the largest grid_error of the top models (NAN when none is known),
     * how many of them have grid_edge, and the caveat they make (result.c). */
    double grid_error;
    size_t grid_edge;
    smi_caveat caveat;
    smi_state state;    /* state.data and state.cfg: what made it */
};

/* The posterior part of a result from its state's sums (posterior.c). */
int smi_posterior_report(smi_search_result *r, smi_state *s);

#endif /* SMI_SEARCH_H */
