/* Internal view of virtual measurement analysis (DESIGN.md 4.7).
 *
 * Files: vma_config.c owns the configuration handle and its checked setters; vma_draw.c the
 * generators (a trial's random stream, normal deviates, descriptor rows); vma_trial.c draws
 * one synthetic data set and runs the selection method on it (vma_search.c: the search's
 * best model without smi_search_run's overhead); vma_run.c resolves the model
 * on the data, hands the (size, trial) pairs to threads and sums their counts into the
 * result, which vma_result.c answers.
 *
 * Invariants of struct smi_vma (every setter keeps them):
 *   (1) k == 0 (no model yet) or features holds k >= 1 distinct indices; coef is NULL (the
 *       least-squares fit on the data) or k finite values, and then intercept is finite;
 *       noise_sd is finite (< 0: estimated by the evidence);
 *   (2) n_sizes >= 1 sizes, each in 1..SMI_VMA_MAX_ROWS; 1 <= trials <= SMI_VMA_MAX_TRIALS;
 *   (3) search is a private copy (smi_vma_copy_search) with threads 1, one shard, no checkpoint
 *       or progress, top 1 and no model posterior; folds >= 2 when its criterion is CV;
 *   (4) has_lasso when method == SMI_VMA_LASSO_CV: lasso is then a private deep copy
 *       (smi_lasso_copy_into) with threads 1 and lasso_folds >= 2.
 *
 * Invariants of struct smi_vma_result, for each size index s < S:
 *   (1) sum_k chosen[s (p + 1) + k] + failures[s] == T  (a failure chooses nothing);
 *   (2) frequency[s p + j] == (data sets of size s choosing j) / T, each in [0, 1];
 *   (3) rate[s] <= (T - failures[s]) / T.
 *
 * Reproducibility: trial t at size index s draws everything from its own stream, seeded
 * from (seed, s T + t) alone (smi_vma_stream_seed), and runs its method on one thread; the
 * counts are integers summed over threads, so the result is the same for any thread
 * count. */
#ifndef SMI_VMA_H
#define SMI_VMA_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "data/data.h"
#include "lasso/lasso.h"

#define SMI_VMA_MAX_ROWS 2147483647u   /* n' fits LAPACK's int */
#define SMI_VMA_MAX_TRIALS 2147483647u

struct smi_vma {
    size_t k;
    size_t *features;  /* k, in the order given */
    double *coef;      /* k, or NULL: fitted on the data */
    double intercept, noise_sd;
    int rows;          /* smi_vma_rows */
    size_t *sizes, n_sizes, trials;
    uint64_t seed;
    size_t threads;
    int method;        /* smi_vma_method */
    smi_search *search;
    size_t folds;      /* SMI_CRIT_CV's folds per data set */
    int has_lasso;
    struct smi_lasso lasso;
    size_t lasso_folds;
    int one_se;
    smi_progress_fn progress;
    void *progress_user;
};

struct smi_vma_result {
    size_t S, T, p;
    size_t *sizes;                /* S */
    size_t k;                     /* the model as used */
    size_t *features;
    double *coef, intercept, noise_sd;
    double *rate;                 /* S */
    double *frequency;            /* S x p */
    uint64_t *chosen;             /* S x (p + 1) */
    uint64_t *failures;           /* S */
    smi_vma *cfg;                 /* a copy of the configuration that made it */
    smi_data_id *data;            /* the identity of its data */
};

/* smi_vma_copy_search: a private copy of src for one synthetic data set (invariant (3)),
 * forced features duplicated, DOS on the default 64 bins. Returns SMI_OK or SMI_ENOMEM. */
int smi_vma_copy_search(smi_search **out, const smi_search *src);

/* smi_vma_best_subset: the best model of the exhaustive search `cfg` (a copy made by
 * smi_vma_copy_search) on d, on the calling thread: its features (ascending) into subset
 * (capacity p) and their number into *size, the same as smi_search_run's best model
 * (vma_search.c says how it saves time). Returns SMI_OK, SMI_ESINGULAR (every subset, or the
 * best one's QR refit, singular), or smi_search_run's other failures. */
int smi_vma_best_subset(const smi_dataset *d, const struct smi_search *cfg, size_t *subset,
                        size_t *size);

/* ---------- generators (vma_draw.c) ---------- */

/* A trial's random stream: xoshiro256** (core/rng.c) and the second deviate of the last
 * polar pair, handed out by the next call. */
typedef struct smi_vma_stream {
    smi_rng rng;
    int has_spare;
    double spare;
} smi_vma_stream;

/* The seed of trial `index` = s T + t: splitmix64's output function applied to
 * seed XOR (golden ratio * (index + 1)), so that neighbouring trials and seeds differ in
 * every bit; the stream is xoshiro256** seeded with it (smi_rng_seed). */
uint64_t smi_vma_stream_seed(uint64_t seed, uint64_t index);
void smi_vma_stream_init(smi_vma_stream *st, uint64_t seed, uint64_t index);

/* smi_vma_normal: a standard normal deviate by Marsaglia's polar method: u, v uniform in
 * (-1, 1) (2 smi_rng_uniform - 1) until 0 < s = u^2 + v^2 < 1; then u f and v f with
 * f = sqrt(-2 ln s / s) are two independent deviates, returned by this call and the next.
 * Only sqrt and log, no trigonometry: the same stream everywhere libm's log is correctly
 * rounded, and no deviate is ever infinite (s > 0). */
double smi_vma_normal(smi_vma_stream *st);

/* The descriptor rows of synthetic data sets. RESAMPLE: a row of X drawn uniformly with
 * replacement (one smi_rng_below(n)). GAUSSIAN: mean + L z, z p standard normal deviates,
 * mean the column means of X and L L' the sample covariance (divisor n - 1), L lower
 * triangular from LAPACK's dpotrf (column-major p x p, the strict upper part 0). */
typedef struct smi_vma_gen {
    int kind;
    size_t n, p;
    const double *X; /* the data's rows, n x p row-major (RESAMPLE) */
    double *mean;    /* p (GAUSSIAN) */
    double *chol;    /* p x p (GAUSSIAN) */
} smi_vma_gen;

/* smi_vma_gen_init: the generator of `kind` for ds (which must outlive it). Returns SMI_OK,
 * SMI_EINVAL (unknown kind), SMI_ESINGULAR (the sample covariance is not positive definite:
 * n <= p, a constant feature, or one a linear combination of others, named), SMI_ETOOLARGE
 * or SMI_ENOMEM. smi_vma_gen_free: release (a zeroed generator too). */
int smi_vma_gen_init(smi_vma_gen *g, const smi_dataset *ds, int kind);
void smi_vma_gen_free(smi_vma_gen *g);
/* One row (p values) into `row`; z is scratch of p values. */
void smi_vma_gen_row(const smi_vma_gen *g, smi_vma_stream *st, double *row, double *z);

/* ---------- one trial (vma_trial.c) ---------- */

/* Everything the trials share, read-only: the data, the configuration, the row generator
 * and the model as used (features, coefficients and intercept, noise sd). */
typedef struct smi_vma_plan {
    const smi_dataset *ds;
    const struct smi_vma *cfg;
    smi_vma_gen gen;
    size_t k;
    const size_t *features;
    const double *coef;
    double intercept, noise_sd;
    size_t n_max;  /* the largest size */
} smi_vma_plan;

/* A thread's buffers for its trials (allocated once). */
typedef struct smi_vma_work {
    double *X, *y;          /* n_max x p, n_max */
    double *z;              /* p */
    size_t *subset;         /* p */
    unsigned char *chosen;  /* p: the chosen subset's indicator */
} smi_vma_work;

int smi_vma_work_init(smi_vma_work *w, const smi_vma_plan *pl);
void smi_vma_work_free(smi_vma_work *w);

/* A trial that ends without a choice (positive: not an error of the run). */
#define SMI_VMA_NO_CHOICE 1

/* smi_vma_trial: draw data set t of size index s and run the method on it.
 * The draws, in this order from the trial's stream: for each row i, its descriptors
 * (smi_vma_gen_row) and then its noise deviate e_i, y_i = b0 + x_i,S w + sigma e_i; then
 * one smi_rng_next, the seed of the shuffled folds (K-fold, shuffled, with
 * min(folds, n') folds) for a CV criterion or the LASSO.
 * Returns SMI_OK with w->chosen the chosen subset's indicator and *size its size;
 * SMI_VMA_NO_CHOICE when the method could not choose on this data set (n' < 2, too few
 * rows for the folds, every subset singular, a constant target for the LASSO, no
 * convergence, ...; the LASSO holds a constant feature at 0); or a negative status that ends the run (SMI_ENOMEM, SMI_ETOOLARGE,
 * SMI_EIO), with its message. */
int smi_vma_trial(const smi_vma_plan *pl, size_t s, size_t t, smi_vma_work *w, size_t *size);

#endif /* SMI_VMA_H */
