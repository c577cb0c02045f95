/* Internal view of the exhaustive search (DESIGN.md 4.3): configuration, the prepared
 * problem shared read-only by all threads, per-thread collectors, and the result. */
#ifndef SMI_SEARCH_H
#define SMI_SEARCH_H

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

struct smi_search {
    int criterion;
    double alpha, beta;
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
    int intercept, standardize;
};

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
    uint64_t **binom_prefix;  /* [m][s] = sum_{t <= s} C(m, t), s <= kmax */
} smi_problem;

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
    uint64_t n_models, n_singular;
    size_t *scratch_subset;
} smi_collector;

int smi_collector_init(smi_collector *c, const smi_problem *pb);
void smi_collector_free(smi_collector *c);
/* Record one scored subset: `path` holds its candidate indices (positions in pb->cand),
 * ascending, `depth` of them. */
void smi_collector_add(smi_collector *c, const smi_problem *pb, double value,
                       const size_t *path, size_t depth);
int smi_collector_merge(smi_collector *into, const smi_collector *from);
int smi_model_compare(const smi_model *a, const smi_model *b);

void smi_hist_add(smi_hist *h, double v);
/* Final bins of the merged accumulators: edges (n_bins + 1) and counts. */
int smi_hist_finish(const smi_hist *const *parts, size_t n_parts, size_t capacity,
                    double **edges, uint64_t **counts, size_t *n_bins, uint64_t *below,
                    uint64_t *above);

/* Preparation and the sweep tree (sweep.c). */
int smi_problem_prepare(smi_problem *pb, const smi_dataset *ds, const struct smi_search *cfg);
void smi_problem_free(smi_problem *pb);
/* Number of subsets with `extra` more candidates chosen from m, for a node of size k. */
uint64_t smi_problem_subtree_count(const smi_problem *pb, size_t m, size_t k);

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
/* A fixed plan of tasks covering every subset once; it depends only on the problem. */
int smi_task_plan(const smi_problem *pb, smi_task **tasks, size_t *n_tasks);

/* Criterion of a subset from its RSS (or FE residual term) and ln-determinant. */
double smi_criterion_value(const smi_problem *pb, size_t k, double rss, double logdet);

/* Least squares refit by QR on the original data (refit.c). */
typedef struct smi_fit {
    double value, intercept, rmse, rss;
    double *coef; /* k values */
} smi_fit;
int smi_refit(const smi_dataset *ds, const struct smi_search *cfg, const size_t *features,
              size_t k, smi_fit *fit);

/* Merge the collectors (into the first), refit the kept models, finish the DOS (result.c). */
int smi_result_build(const smi_dataset *ds, const smi_problem *pb, smi_collector *const *cols,
                     size_t n, smi_result **out);

struct smi_result {
    int criterion;
    size_t p, kmax, n_top;
    uint64_t n_models, n_singular;
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
};

#endif /* SMI_SEARCH_H */
