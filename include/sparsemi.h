/* libsparsemi: sparse modeling for materials science and physics.
 *
 * The one public header. Conventions (see doc/api.md):
 *  - one naming scheme for every part <thing> (search, evidence, remc, lasso, lars, vma):
 *      smi_<thing>                  the configuration handle of a run;
 *      smi_<thing>_create(&cfg)     a configuration with the documented defaults;
 *      smi_<thing>_copy(&cfg, src)  a deep copy;   smi_<thing>_free(cfg);
 *      smi_<thing>_set_<field>(cfg, ...) and smi_<thing>_get_<field>(cfg, ...) in pairs;
 *      smi_<thing>_run(inputs..., cfg, &res)   the computation, its result always last;
 *      smi_<thing>_result           the result handle, with smi_<thing>_result_<field>
 *                                   accessors and smi_<thing>_result_free(res);
 *    constructors of other handles (smi_dataset_create, smi_dataset_read_csv,
 *    smi_search_result_load, smi_search_result_merge) take the new handle first;
 *  - a data set is read-only once created; per-run choices (folds, seeds, grids) live in
 *    the run's configuration;
 *  - a success with a caveat (an optimiser that did not converge, a path cut short at a
 *    rank-deficient set) returns SMI_OK; the result then answers
 *    smi_<thing>_result_status() with the code it would otherwise be (SMI_ENOCONV,
 *    SMI_ESINGULAR) and smi_<thing>_result_caveat() with the message ("" when none);
 *  - every function that can fail returns an int status: SMI_OK (0) or a negative code;
 *    objects come back through an out-parameter that is NULL after a failure;
 *  - smi_last_error() then names the cause (file, line and column where they apply);
 *  - handles are opaque; smi_*_free(NULL) is a no-op;
 *  - arrays cross the API as row-major double (n rows, p columns), as in C and numpy;
 *    the library copies what it keeps;
 *  - accessors copy into caller buffers (capacity in, count out) or return pointers that
 *    stay valid until the handle is freed, as documented per function;
 *  - different handles may be used from different threads at once, one handle from one
 *    thread at a time; the library has no global mutable state, never prints, never aborts.
 *
 * Copyright (c) The libsparsemi authors. MIT licence: see COPYING. */
#ifndef SPARSEMI_H
#define SPARSEMI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(SMI_BUILDING_LIBRARY) && defined(__GNUC__)
#define SMI_API __attribute__((visibility("default")))
#else
#define SMI_API
#endif

/* ------------------------------------------------------------------------------------
 * Version
 * ------------------------------------------------------------------------------------ */

#define SMI_VERSION_MAJOR 0
#define SMI_VERSION_MINOR 1
#define SMI_VERSION_PATCH 0
/* SMI_VERSION_NUMBER: MAJOR * 10000 + MINOR * 100 + PATCH, e.g. 100 for 0.1.0. */
#define SMI_VERSION_NUMBER (SMI_VERSION_MAJOR * 10000 + SMI_VERSION_MINOR * 100 + SMI_VERSION_PATCH)

/* smi_version_string: the version of the library loaded at run time, "MAJOR.MINOR.PATCH".
 * Returns a static string; never NULL. */
SMI_API const char *smi_version_string(void);

/* smi_version_number: the run-time version as MAJOR * 10000 + MINOR * 100 + PATCH.
 * Compare with SMI_VERSION_NUMBER to detect a header/library mismatch. */
SMI_API int smi_version_number(void);

/* ------------------------------------------------------------------------------------
 * Status codes and errors
 * Values never change; new codes are appended with new (more negative) numbers.
 * ------------------------------------------------------------------------------------ */

#define SMI_OK 0          /* success */
#define SMI_EINVAL (-1)   /* invalid argument (NULL pointer, out-of-range value, small buffer) */
#define SMI_ENOMEM (-2)   /* out of memory */
#define SMI_EIO (-3)      /* a file could not be opened, read or written */
#define SMI_EPARSE (-4)   /* malformed text: a field that is not a number, a bad quote */
#define SMI_ENONFINITE (-5) /* a value is NaN or infinite */
#define SMI_ERAGGED (-6)  /* rows of a table have different numbers of fields */
#define SMI_EEMPTY (-7)   /* no data: no rows, or no feature columns */
#define SMI_ETOOFEW (-8)  /* too few samples (fewer than 2, or fewer than a method needs) */
#define SMI_ENOTFOUND (-9) /* an unknown name (column, criterion, subcommand) */
#define SMI_ECONSTANT (-10) /* a column is constant */
#define SMI_EDUPLICATE (-11) /* two columns (or two column names) are identical */
#define SMI_ESINGULAR (-12) /* a matrix is singular to working precision */
#define SMI_ENOCONV (-13) /* an iteration did not converge */
#define SMI_ECANCELED (-14) /* the progress callback asked to stop */
#define SMI_ETOOLARGE (-15) /* a size is too large (to enumerate, to allocate, to index) */

/* smi_strerror: a short English name of `status`, e.g. "invalid argument".
 * Returns a static string; "unknown status" for a value that is no status. Never NULL. */
SMI_API const char *smi_strerror(int status);

/* smi_last_error: the detailed message of the last failure in the calling thread, e.g.
 * "data.csv:17:4: 'n/a' is not a number in column 'IP_A'" (file, line, and the byte
 * position of the field in that line, all 1-based). Each thread has its own
 * message; a successful call does not clear it. Returns "" before any failure.
 * The pointer stays valid until the next libsparsemi call in this thread. Never NULL. */
SMI_API const char *smi_last_error(void);

/* smi_thread_count: the number of threads a run configured with `requested` threads
 * starts at most: requested itself, or for 0 (every part's default) the number of online
 * cores (at least 1). A run never starts more threads than it has independent pieces of
 * work, and its result never depends on the count. */
SMI_API size_t smi_thread_count(size_t requested);

/* Progress callback for long computations: `fraction` runs from 0 to 1. A nonzero return
 * value cancels the computation, which then returns SMI_ECANCELED and leaves its handles
 * usable. Called from the thread that started the computation. */
typedef int (*smi_progress_fn)(void *user, double fraction);

/* ------------------------------------------------------------------------------------
 * Data sets: a design matrix X (n samples x p features), a target y, names, optional
 * row labels, and a fold assignment for cross-validation.
 * ------------------------------------------------------------------------------------ */

typedef struct smi_dataset smi_dataset;

/* smi_dataset_create: a data set from row-major arrays.
 * Needs: n >= 2, p >= 1; X holds n*p finite values (row i, column j at X[i*p + j]), y holds
 * n finite values; feature_names NULL (names x1..xp) or p distinct non-empty strings;
 * target_name NULL (name "y") or a non-empty string. Everything is copied.
 * Returns SMI_OK and a new data set in *out (free with smi_dataset_free), or SMI_EINVAL,
 * SMI_ETOOFEW (n < 2), SMI_EEMPTY (p == 0), SMI_ENONFINITE (naming row and column),
 * SMI_EDUPLICATE (repeated name), SMI_ETOOLARGE or SMI_ENOMEM; *out is then NULL.
 * A data set made from arrays has no fold column (smi_dataset_n_folds() == 0). */
SMI_API int smi_dataset_create(smi_dataset **out, size_t n, size_t p, const double *X,
                               const double *y, const char *const *feature_names,
                               const char *target_name);

/* Options for smi_dataset_read_csv. Initialise with smi_csv_options_init(), then set the
 * fields you need; struct_size lets later versions add fields at the end. */
typedef struct smi_csv_options {
    size_t struct_size;          /* sizeof(smi_csv_options), set by smi_csv_options_init */
    char delimiter;              /* 0: detect; ',', ';', '\t' or another printable ASCII
                                    character but '"' and '#'; ' ' means runs of blanks */
    const char *target;          /* target column; NULL: the first numeric column */
    const char *const *features; /* feature columns in this order; NULL: every other numeric */
    size_t n_features;           /* length of `features` */
    const char *label_column;    /* column of row labels; NULL: the first non-numeric column */
    const char *fold_column;     /* column of integer fold ids (not a feature), kept as data
                                    (smi_dataset_get_folds); NULL: none */
} smi_csv_options;

/* smi_csv_options_init: fill *opt with the defaults above. opt NULL is a no-op. */
SMI_API void smi_csv_options_init(smi_csv_options *opt);

/* smi_dataset_read_csv: read a delimited text file with a header row of column names.
 * Accepts: a UTF-8 byte-order mark, LF, CRLF or CR (old Mac OS) line ends, '#' comment
 * lines and blank lines, fields quoted with '"' (a doubled "" inside is one quote),
 * surrounding blanks. A column is text when more than half of its fields are text: neither
 * a number nor a mark of a missing value (an empty field or one of pandas' default
 * na_values: NA, N/A, n/a, NaN, nan, NULL, null, None, #N/A, <NA>, ...). Every other column
 * is numeric: each of its fields must parse completely as a finite number, and a missing
 * value is refused as such, naming the column, its first row and how many there are. At
 * most one text column may be present (the row labels, e.g. the compound name), unless
 * features are named explicitly, in which case other columns are ignored. The label column
 * by default is the first text column that is not the named target, fold column or a named
 * feature.
 * Needs: path; opt NULL (defaults) or initialised by smi_csv_options_init.
 * Returns SMI_OK and a new data set in *out, or a status with smi_last_error() naming
 * file, line and column: SMI_EIO (cannot read), SMI_EEMPTY (no header, no rows, no
 * features), SMI_ERAGGED (a row with a different number of fields), SMI_EPARSE (a field
 * that is not a number in a numeric column, an unterminated quote, two non-numeric
 * columns), SMI_ENONFINITE ('nan', 'inf'), SMI_ENOTFOUND (an unknown column name),
 * SMI_EDUPLICATE (a column name twice), SMI_ETOOFEW (fewer than 2 rows), SMI_EINVAL
 * (a fold id that is not an integer or out of the range of int, a fold left with fewer
 * than 2 training rows; a delimiter that cannot separate fields: '"', '#', a line end or
 * another control character than tab, a byte outside printable ASCII).
 * *out is NULL after a failure. */
SMI_API int smi_dataset_read_csv(smi_dataset **out, const char *path,
                                 const smi_csv_options *opt);

/* smi_dataset_free: release ds. NULL is a no-op. */
SMI_API void smi_dataset_free(smi_dataset *ds);

/* The identity of a data set: what every result keeps of the data it was computed on, so
 * that a result alone names its features and can be checked against a data set.
 * smi_dataset_id: ds's identity (valid until ds is freed; NULL for NULL).
 * smi_<thing>_result_data (each result): the identity of the data the run used.
 * smi_data_id_n, _p: samples and features (0 for NULL). _feature_name: name of feature j
 *   (NULL when j >= p). _target_name: the target's name.
 * smi_data_id_fingerprint: FNV-1a 64 of the string "libsparsemi data 1", n, p, X row by
 *   row, y, the feature names and the target name (integers as 8 little-endian bytes,
 *   doubles by their IEEE bits, strings as their length then their bytes); the same on
 *   every machine. 0 for NULL.
 * smi_data_id_matches: 1 when id is ds's identity (same n, p and fingerprint), else 0. */
typedef struct smi_data_id smi_data_id;
SMI_API const smi_data_id *smi_dataset_id(const smi_dataset *ds);
SMI_API size_t smi_data_id_n(const smi_data_id *id);
SMI_API size_t smi_data_id_p(const smi_data_id *id);
SMI_API const char *smi_data_id_feature_name(const smi_data_id *id, size_t j);
SMI_API const char *smi_data_id_target_name(const smi_data_id *id);
SMI_API uint64_t smi_data_id_fingerprint(const smi_data_id *id);
SMI_API int smi_data_id_matches(const smi_data_id *id, const smi_dataset *ds);

/* smi_dataset_n, smi_dataset_p: number of samples and of features (0 for NULL). */
SMI_API size_t smi_dataset_n(const smi_dataset *ds);
SMI_API size_t smi_dataset_p(const smi_dataset *ds);

/* smi_dataset_feature_name: the name of feature j (0-based), valid until ds is freed;
 * NULL when j >= p. smi_dataset_target_name: the target's name. */
SMI_API const char *smi_dataset_feature_name(const smi_dataset *ds, size_t j);
SMI_API const char *smi_dataset_target_name(const smi_dataset *ds);

/* smi_dataset_feature_index: the index of the feature called `name` in *index.
 * Returns SMI_OK, or SMI_ENOTFOUND with a message naming the unknown name. */
SMI_API int smi_dataset_feature_index(const smi_dataset *ds, const char *name, size_t *index);

/* smi_dataset_has_labels: 1 when the rows carry labels (from a CSV label column), else 0.
 * smi_dataset_label: the label of row i, valid until ds is freed; NULL when there are no
 * labels or i >= n. smi_dataset_label_column: the label column's name, or NULL. */
SMI_API int smi_dataset_has_labels(const smi_dataset *ds);
SMI_API const char *smi_dataset_label(const smi_dataset *ds, size_t i);
SMI_API const char *smi_dataset_label_column(const smi_dataset *ds);

/* smi_dataset_get_X: copy X (row-major, n*p values) into out, which holds `capacity`
 * values. smi_dataset_get_y: copy y (n values). smi_dataset_get_column: copy feature j
 * (n values).
 * Returns SMI_OK, or SMI_EINVAL when capacity is too small (the message gives the size
 * needed) or j >= p. */
SMI_API int smi_dataset_get_X(const smi_dataset *ds, double *out, size_t capacity);
SMI_API int smi_dataset_get_y(const smi_dataset *ds, double *out, size_t capacity);
SMI_API int smi_dataset_get_column(const smi_dataset *ds, size_t j, double *out,
                                   size_t capacity);

/* smi_dataset_feature_stats: mean, standard deviation (divisor n, as used for
 * standardisation), minimum and maximum of feature j; any output pointer may be NULL.
 * smi_dataset_target_stats: the same for y.
 * Returns SMI_OK or SMI_EINVAL (j >= p). */
SMI_API int smi_dataset_feature_stats(const smi_dataset *ds, size_t j, double *mean,
                                      double *sd, double *min, double *max);
SMI_API int smi_dataset_target_stats(const smi_dataset *ds, double *mean, double *sd,
                                     double *min, double *max);

/* smi_dataset_check: look for columns that a regression cannot use: a constant feature
 * or target (SMI_ECONSTANT) and a feature equal to an earlier one (SMI_EDUPLICATE;
 * `others` holds the earlier column; for a constant column, the column itself). Problems
 * are listed in column order; for the target
 * the column index is p. Up to `capacity` problems are written to kinds, columns and
 * others (each may be NULL when capacity is 0); *count (may be NULL) gets the total.
 * Returns SMI_OK when there is no problem, else the kind of the first problem
 * (SMI_ECONSTANT or SMI_EDUPLICATE) with smi_last_error() naming every problem found;
 * any other status (SMI_EINVAL) means the call itself failed. */
SMI_API int smi_dataset_check(const smi_dataset *ds, size_t capacity, int *kinds,
                              size_t *columns, size_t *others, size_t *count);

/* smi_dataset_condition_number: the 2-norm condition number (largest over smallest
 * singular value) of the standardised design: every feature centred and scaled to unit
 * standard deviation. *cond is INFINITY when a column is constant or the columns are
 * linearly dependent to working precision: the smallest singular value is at most
 * max(n, p) * DBL_EPSILON times the largest (the tolerance of LAPACK's and numpy's rank).
 * Returns SMI_OK, SMI_ENOMEM, or SMI_ENOCONV when the SVD does not converge. */
SMI_API int smi_dataset_condition_number(const smi_dataset *ds, double *cond);

/* The fold column read from a file (smi_csv_options.fold_column), kept as data: a run
 * uses folds only from its own configuration, e.g. smi_search_set_fold_ids(cfg, ids, n)
 * with the ids copied from here.
 * smi_dataset_n_folds: the number of folds K in the column, 0 when there is none.
 * smi_dataset_get_folds: copy the fold of each sample (n values in 0..K-1, the column's
 *   distinct ids in increasing order).
 * Returns SMI_OK, or SMI_EINVAL when there is no fold column or capacity < n. */
SMI_API size_t smi_dataset_n_folds(const smi_dataset *ds);
SMI_API int smi_dataset_get_folds(const smi_dataset *ds, int *out, size_t capacity);

/* ------------------------------------------------------------------------------------
 * Exhaustive search (ES-K): every subset of the features, or every subset in a size range,
 * fitted by least squares and scored by a criterion; ranking, best model per size, and the
 * density of states (DOS) of the criterion. See doc/api.md, "Exhaustive search".
 * ------------------------------------------------------------------------------------ */

/* Criteria, all "smaller is better" (DESIGN.md 4.2); n samples, k features in the model,
 * RSS the residual sum of squares of the least-squares fit (intercept included unless
 * turned off, and then counted as a parameter in AIC and BIC). Values never change. */
typedef enum smi_criterion {
    SMI_CRIT_RSS = 0, /* RSS itself: compares models of one size only */
    SMI_CRIT_AIC = 1, /* n ln(RSS/n) + 2 (k + 1) */
    SMI_CRIT_BIC = 2, /* n ln(RSS/n) + (k + 1) ln n */
    SMI_CRIT_FE = 3,  /* Bayesian free energy with fixed alpha, beta (DESIGN.md 4.2) */
    SMI_CRIT_CV = 4,  /* K-fold cross-validation mean squared error, the configuration's folds */
    SMI_CRIT_LOO = 5, /* leave-one-out mean squared error (closed form from the leverages) */
    SMI_CRIT_FE_NG = 6, /* free energy under the normal-gamma prior (smi_search_set_normal_gamma) */
    SMI_CRIT_FE_OPT = 7, /* free energy at the maximum of the evidence over alpha and beta */
    SMI_CRIT_FE_MARG = 8, /* free energy with alpha and beta integrated out (see below) */
    SMI_CRIT_FE_GRID = 9  /* free energy on a (sigma_noise, sigma_coef) grid, as exhbma (below) */
} smi_criterion;

/* The free-energy criteria over a grid of ratios lambda = alpha / beta
 * (smi_search_set_ratio_grid: G points log-spaced from lo to hi); every grid point costs
 * one more sweep of the tree, so these run at about 1/G of the speed of SMI_CRIT_FE.
 *   SMI_CRIT_FE_OPT: beta at its optimum n / R(lambda) for each lambda, where
 *     R(lambda) = y'y - b'(lambda I + X'X)^-1 b; the minimum of the resulting F, interpolated
 *     between the grid points by the not-a-knot cubic spline in ln lambda (fewer than 5
 *     points: the parabola through the three grid points around the grid minimum; the
 *     exact optimum of one model is smi_evidence_run's SMI_HYPER_OPTIMIZE).
 *   SMI_CRIT_FE_MARG: for each lambda, the normal-gamma evidence (beta ~ Gamma(a0, b0) of
 *     smi_search_set_normal_gamma integrated in closed form), averaged over ln lambda with a
 *     flat prior on [ln lo, ln hi]: -ln p interpolated by the same spline and integrated by
 *     Simpson's rule on four sub-intervals per grid interval (fewer than 5 points: the
 *     trapezoid rule on the grid).
 *   SMI_CRIT_FE_GRID: the evidence integrated over a grid of the noise standard deviation
 *     sigma_n and the coefficients' prior standard deviation sigma_c (absolute units of the
 *     design as the search sees it: y centred, features standardised), as the exhbma package
 *     of Okada's group does: F = -ln sum_ij w_i v_j p(sn_i) p(sc_j) p(y | sn_i, sc_j) with
 *     trapezoid weights w, v in sigma (not ln sigma), the grid prior p (set_grid_prior) and
 *       ln p(y | sn, sc) = -n/2 ln(2 pi sn^2) + k/2 ln lambda - 1/2 ln|lambda I + Z'Z|
 *                          - R(lambda) / (2 sn^2) [+ 1/2 ln(sn^2 / (n var(y) + sn^2))],
 *     lambda = sn^2 / sc^2, the bracket with set_intercept_term (exhbma's term for the
 *     intercept integrated out). Each distinct ratio costs one sweep (grids with equal steps
 *     in ln sigma give 2N - 1 of them), each grid point O(1); at most SMI_RATIO_GRID_MAX
 *     distinct ratios. With min_size 0 and the uniform model prior the feature posteriors
 *     are exhbma's (its alpha = 0.5, the null model included). */

/* smi_criterion_name: "rss", "aic", "bic", "fe", "cv", "loo", "fe-ng", "fe-opt", "fe-marg",
 * "fe-grid";
 * NULL for an unknown value.
 * smi_criterion_from_name: the reverse; SMI_ENOTFOUND (naming it) for an unknown name. */
SMI_API const char *smi_criterion_name(int criterion);
SMI_API int smi_criterion_from_name(const char *name, int *criterion);

/* smi_criterion_label: what the criterion's values are, for a table or an axis: "RSS",
 * "AIC", "BIC", "CV mean squared error", "LOO mean squared error", "free energy F",
 * "free energy F (normal-gamma prior)", "free energy F (optimised alpha, beta)",
 * "free energy F (alpha, beta integrated out)", "free energy F (sigma grid)"; NULL for an
 * unknown value.
 * smi_criterion_flags: which settings of smi_search the criterion uses, an OR of the
 * SMI_CRITERION_* bits below; 0 for an unknown value. */
#define SMI_CRITERION_FREE_ENERGY 1 /* a free energy: it has a model posterior */
#define SMI_CRITERION_FE_HYPER 2    /* smi_search_set_fe_hyper (fe) */
#define SMI_CRITERION_NG_PRIOR 4    /* smi_search_set_normal_gamma's a0, b0 (fe-ng, fe-marg) */
#define SMI_CRITERION_NG_LAMBDA 8   /* its lambda (fe-ng) */
#define SMI_CRITERION_RATIO_GRID 16 /* smi_search_set_ratio_grid (fe-opt, fe-marg) */
#define SMI_CRITERION_FOLDS 32      /* smi_search_set_folds (cv) */
#define SMI_CRITERION_HELD_OUT 64   /* an out-of-sample mean squared error (cv, loo) */
#define SMI_CRITERION_SIGMA_GRID 128 /* the sigma grids, grid prior, intercept term (fe-grid) */
SMI_API const char *smi_criterion_label(int criterion);
SMI_API int smi_criterion_flags(int criterion);

typedef struct smi_search smi_search;
typedef struct smi_search_result smi_search_result;

/* smi_search_create: a search configuration with the defaults: criterion BIC, sizes 1 to p,
 * no forced features, top 100 models, 64 DOS bins, every core (threads 0), intercept on,
 * standardisation on (it matters for FE only), FE alpha = 1 and beta = 1 / var(y) (as
 * smi_evidence_create: smi_search_get_fe_hyper reads beta 0 for it), and for the
 * CV criterion 10 folds shuffled with seed 0 (the same defaults as the CLI and bindings).
 * smi_search_copy: a deep copy of src (the progress callback's user pointer is shared).
 * Free with smi_search_free (NULL is a no-op). */
SMI_API int smi_search_create(smi_search **out);
SMI_API int smi_search_copy(smi_search **out, const smi_search *src);
SMI_API void smi_search_free(smi_search *cfg);

/* Setters; each returns SMI_OK or SMI_EINVAL with a message, leaving cfg unchanged.
 * set_fe_hyper: SMI_CRIT_FE's prior and noise precisions: alpha > 0, beta > 0 or 0 for
 *   1 / var(y) of the data it runs on (the default), both finite.
 * set_size_range: models with min_size <= k <= max_size features, forced ones included;
 *   max_size 0 means p. The empty model (k = 0) is scored only when min_size is 0.
 * set_keep: features (indices into the data set) forced into every model.
 * set_top: the number M >= 1 of best models kept and refitted.
 * set_bins: DOS with at most `bins` (2 to 2^24) bins of equal width, a power of two, placed on
 *   multiples of that width (so that counts are exact in one pass over the subsets).
 * set_bin_edges: DOS on the given edges instead, n_edges >= 2 increasing finite values;
 *   scores outside [edges[0], edges[n_edges-1]) are counted as below or above.
 * set_threads: 0 means every core. The result does not depend on the thread count.
 * set_progress: called with the fraction done; a nonzero return cancels the run.
 * set_intercept, set_standardize: on != 0 turns them on.
 * set_normal_gamma: the prior of SMI_CRIT_FE_NG, as for SMI_HYPER_NG of the evidence
 *   (w ~ N(0, sigma^2 / lambda I), sigma^-2 ~ Gamma(a0, rate b0), features standardised,
 *   y centred): lambda > 0, a0 > 0, b0 > 0; defaults 1, 1e-6, 1e-6.
 * set_shard: score only shard `index` of `count` (0 <= index < count): a fixed split of
 *   the tree into tasks, the same for every count; the results of all shards of one count,
 *   merged with smi_search_result_merge, equal the result of the whole search. count 1: everything.
 * set_max_time: refuse a run that would take longer than `seconds` (SMI_ETOOLARGE, before
 *   any subset is scored, the message giving the estimate): the run first times a sample
 *   of its own smallest tasks with the configured criterion (at most about 20 ms, or a
 *   64th of the work) and multiplies the subsets left by the measured time per subset,
 *   divided by its thread count (an estimate, typically within a factor of a few);
 *   seconds >= 0, 0 or INFINITY: no limit (and no sample unless set_estimate is set).
 *   Default SMI_SEARCH_MAX_TIME_DEFAULT, one day. smi_vma_run applies the limit of its
 *   search to all its searches together (trials x sizes, one search of ds timed).
 * set_estimate: fn(user, subsets, seconds), called once before the enumeration with the
 *   number of subsets left to score and the estimated seconds (computed as for
 *   set_max_time, also when there is no limit; before a refusal too); a nonzero return
 *   cancels the run (SMI_ECANCELED). NULL: none (the default).
 * set_checkpoint: while running, save the progress to `path` every `interval` seconds
 *   (written to a temporary file, synced, renamed); a run started with the same data,
 *   configuration and path resumes from the saved progress and gives the same result as an
 *   uninterrupted run. path NULL: no checkpoint. The file is left in place at the end. */
SMI_API int smi_search_set_criterion(smi_search *cfg, int criterion);
SMI_API int smi_search_set_fe_hyper(smi_search *cfg, double alpha, double beta);
SMI_API int smi_search_set_size_range(smi_search *cfg, size_t min_size, size_t max_size);
SMI_API int smi_search_set_keep(smi_search *cfg, const size_t *features, size_t count);
SMI_API int smi_search_set_top(smi_search *cfg, size_t m);
SMI_API int smi_search_set_bins(smi_search *cfg, size_t bins);
SMI_API int smi_search_set_bin_edges(smi_search *cfg, const double *edges, size_t n_edges);
SMI_API int smi_search_set_threads(smi_search *cfg, size_t threads);
SMI_API int smi_search_set_progress(smi_search *cfg, smi_progress_fn fn, void *user);
#define SMI_SEARCH_MAX_TIME_DEFAULT 86400 /* seconds: one day */
typedef int (*smi_estimate_fn)(void *user, double subsets, double seconds);
SMI_API int smi_search_set_max_time(smi_search *cfg, double seconds);
SMI_API int smi_search_set_estimate(smi_search *cfg, smi_estimate_fn fn, void *user);
SMI_API int smi_search_set_intercept(smi_search *cfg, int on);
SMI_API int smi_search_set_standardize(smi_search *cfg, int on);
SMI_API int smi_search_set_normal_gamma(smi_search *cfg, double lambda, double a0, double b0);
SMI_API int smi_search_set_shard(smi_search *cfg, size_t index, size_t count);
SMI_API int smi_search_set_checkpoint(smi_search *cfg, const char *path, double interval);

/* Getters, one per setter, the setter's arguments as outputs: what it stored, or the
 * defaults of smi_search_create. Each returns SMI_OK, or SMI_EINVAL (cfg or an output NULL)
 * with a message. Defaults not named above: size range 1 to 0 (0: p), shard 0 of 1,
 * checkpoint path NULL with interval 0 (none), progress fn and user NULL (none), max time
 * SMI_SEARCH_MAX_TIME_DEFAULT, estimate fn and user NULL (none).
 * get_keep, get_bin_edges (and the other array getters of this header, "capacity in, count
 *   out"): *count (count may be NULL) always becomes the number of values (0: none set;
 *   get_bin_edges: 0 while bins of equal width are used); SMI_EINVAL with a message giving
 *   the size needed when capacity is smaller; values may be NULL when capacity is 0.
 * get_bins: the count of set_bins (default 64), used only while no edges are set.
 * get_checkpoint: *path is cfg's own copy, valid until cfg is changed or freed. */
SMI_API int smi_search_get_criterion(const smi_search *cfg, int *criterion);
SMI_API int smi_search_get_fe_hyper(const smi_search *cfg, double *alpha, double *beta);
SMI_API int smi_search_get_size_range(const smi_search *cfg, size_t *min_size, size_t *max_size);
SMI_API int smi_search_get_keep(const smi_search *cfg, size_t capacity, size_t *features,
                                size_t *count);
SMI_API int smi_search_get_top(const smi_search *cfg, size_t *m);
SMI_API int smi_search_get_bins(const smi_search *cfg, size_t *bins);
SMI_API int smi_search_get_bin_edges(const smi_search *cfg, size_t capacity, double *edges,
                                     size_t *n_edges);
SMI_API int smi_search_get_threads(const smi_search *cfg, size_t *threads);
SMI_API int smi_search_get_progress(const smi_search *cfg, smi_progress_fn *fn, void **user);
SMI_API int smi_search_get_max_time(const smi_search *cfg, double *seconds);
SMI_API int smi_search_get_estimate(const smi_search *cfg, smi_estimate_fn *fn, void **user);
SMI_API int smi_search_get_intercept(const smi_search *cfg, int *on);
SMI_API int smi_search_get_standardize(const smi_search *cfg, int *on);
SMI_API int smi_search_get_normal_gamma(const smi_search *cfg, double *lambda, double *a0,
                                        double *b0);
SMI_API int smi_search_get_shard(const smi_search *cfg, size_t *index, size_t *count);
SMI_API int smi_search_get_checkpoint(const smi_search *cfg, const char **path,
                                      double *interval);

/* The folds of the CV criterion (other criteria ignore them); a data set's size is
 * checked when the run starts.
 * set_folds: K-fold, k >= 2 (k <= n when run): sample i goes to fold perm[i] mod k, perm a
 *   permutation of 0..n-1 drawn from `seed` (shuffle != 0; the generator: doc/api.md) or
 *   the identity (shuffle == 0). Default: 10 folds, shuffled, seed 0.
 * set_fold_ids: explicit ids, one integer per sample of the data set it runs on; the
 *   distinct values, ascending, become folds 0..K-1. Needs K >= 2, and (when run) n_ids == n
 *   and every training set (the rows outside one fold) of at least 2 rows. */
SMI_API int smi_search_set_folds(smi_search *cfg, size_t k, int shuffle, uint64_t seed);
SMI_API int smi_search_set_fold_ids(smi_search *cfg, const int *ids, size_t n_ids);
/* get_folds: k, shuffle (0 or 1) and seed of set_folds (default 10, 1, 0); after
 *   set_fold_ids, k is the number of distinct ids, and shuffle and seed (unused) are those
 *   set before.
 * get_fold_ids: the ids of set_fold_ids, capacity in, count out (as smi_search_get_keep);
 *   *n_ids 0 while K-fold folds are used. Both return SMI_OK or SMI_EINVAL. */
SMI_API int smi_search_get_folds(const smi_search *cfg, size_t *k, int *shuffle, uint64_t *seed);
/* smi_search_get_fold_assignment: the fold (0..K-1) of each of n samples that a run of cfg
 *   on a data set of n samples uses, *k = K; checked as the run checks it (SMI_EINVAL: K > n,
 *   ids of another count, a fold leaving fewer than 2 rows to train on, capacity < n). */
SMI_API int smi_search_get_fold_assignment(const smi_search *cfg, size_t n, size_t capacity,
                                           int *folds, size_t *k);
SMI_API int smi_search_get_fold_ids(const smi_search *cfg, size_t capacity, int *ids,
                                    size_t *n_ids);

/* The model posterior of the free-energy criteria (fe, fe-ng, fe-opt, fe-marg):
 * p(S | y) proportional to exp(-F(S)) p(S) over the subsets the search scores (singular ones
 * left out), accumulated exactly during the search (the sums round nothing until they are
 * read, so they are the same for any thread count, shard split or checkpoint).
 * set_model_prior: SMI_MODEL_PRIOR_UNIFORM (the default: every scored subset equally
 *   likely), SMI_MODEL_PRIOR_BERNOULLI (each candidate feature in with probability q,
 *   0 < q < 1, renormalised over the size range), or SMI_MODEL_PRIOR_NONE (no posterior;
 *   the search is then faster).
 * set_ratio_grid: the grid of SMI_CRIT_FE_OPT and SMI_CRIT_FE_MARG, 0 < lo < hi finite,
 *   2 <= count <= SMI_RATIO_GRID_MAX; default 1e-4 to 1e4 with 20 points. */
typedef enum smi_model_prior {
    SMI_MODEL_PRIOR_NONE = 0,
    SMI_MODEL_PRIOR_UNIFORM = 1,
    SMI_MODEL_PRIOR_BERNOULLI = 2
} smi_model_prior;
#define SMI_RATIO_GRID_MAX 256
SMI_API int smi_search_set_model_prior(smi_search *cfg, int kind, double q);
SMI_API int smi_search_set_ratio_grid(smi_search *cfg, double lo, double hi, size_t count);
/* get_model_prior: the kind and q (0.5 unless SMI_MODEL_PRIOR_BERNOULLI); get_ratio_grid:
 * lo, hi and count. Both return SMI_OK or SMI_EINVAL (NULL argument). */
SMI_API int smi_search_get_model_prior(const smi_search *cfg, int *kind, double *q);
SMI_API int smi_search_get_ratio_grid(const smi_search *cfg, double *lo, double *hi,
                                      size_t *count);

/* The settings of SMI_CRIT_FE_GRID.
 * set_sigma_noise_grid, set_sigma_coef_grid: count points from lo to hi with equal steps in
 *   ln sigma (lo (hi / lo)^(i / (count - 1))), 0 < lo < hi finite,
 *   2 <= count <= SMI_SIGMA_GRID_MAX; defaults those of exhbma's tutorial,
 *   10^-2.5 to 10^0.5 (noise) and 10^-2 to 10^1 (coefficients), 20 points each.
 * set_grid_prior: the prior density of both sigmas, each normalised over its grid's range
 *   [lo, hi] as exhbma does: SMI_GRID_PRIOR_INVERSE (1 / sigma, the default),
 *   SMI_GRID_PRIOR_UNIFORM, or SMI_GRID_PRIOR_GAMMA (sigma^(shape - 1) exp(-sigma / scale),
 *   shape and scale positive and finite; exhbma's default is shape 1e-3, scale 1e3); shape
 *   and scale are ignored (and read back as 0) for the others.
 * set_intercept_term: 1 adds exhbma's 1/2 ln(sn^2 / (n var(y) + sn^2)) to ln p(y | sn, sc)
 *   (default 0).
 * The getters return the settings; all return SMI_OK or SMI_EINVAL (bad or NULL argument). */
typedef enum smi_grid_prior {
    SMI_GRID_PRIOR_INVERSE = 0,
    SMI_GRID_PRIOR_UNIFORM = 1,
    SMI_GRID_PRIOR_GAMMA = 2
} smi_grid_prior;
#define SMI_SIGMA_GRID_MAX 128
SMI_API int smi_search_set_sigma_noise_grid(smi_search *cfg, double lo, double hi, size_t count);
SMI_API int smi_search_set_sigma_coef_grid(smi_search *cfg, double lo, double hi, size_t count);
SMI_API int smi_search_set_grid_prior(smi_search *cfg, int kind, double shape, double scale);
SMI_API int smi_search_set_intercept_term(smi_search *cfg, int on);
SMI_API int smi_search_get_sigma_noise_grid(const smi_search *cfg, double *lo, double *hi,
                                            size_t *count);
SMI_API int smi_search_get_sigma_coef_grid(const smi_search *cfg, double *lo, double *hi,
                                           size_t *count);
SMI_API int smi_search_get_grid_prior(const smi_search *cfg, int *kind, double *shape,
                                      double *scale);
SMI_API int smi_search_get_intercept_term(const smi_search *cfg, int *on);

/* smi_search_run: score every subset allowed by cfg on ds.
 * Needs: cfg's forced features and size range valid for ds (the message says which is not).
 * Returns SMI_OK and a new result in *out (free with smi_search_result_free), or SMI_EINVAL,
 * SMI_ETOOLARGE (more subsets than a 64-bit count holds, or an estimated time above the
 * limit of smi_search_set_max_time), SMI_ESINGULAR (the forced features are collinear),
 * SMI_ECONSTANT (a constant target with an intercept: every model fits it exactly),
 * SMI_ENOMEM, SMI_ECANCELED (progress is saved first when a
 * checkpoint is set), and with a checkpoint SMI_EIO (it cannot be written) or SMI_EPARSE
 * (the file at its path is not a checkpoint, or is damaged) or SMI_EINVAL (it belongs to
 * another search; it is never overwritten); *out is then NULL.
 * A subset whose least-squares problem is singular to a relative tolerance is counted as
 * singular, not scored: a pivot below 1e-10 of its column's squared norm, or within 1e3
 * times the rounding noise that earlier small pivots leave (eps over the smallest earlier
 * pivot ratio); so is a kept model whose QR refit finds it rank deficient. With AIC and
 * BIC, a model with no residual degree of freedom is counted as singular too. A constant
 * feature (with an intercept) makes every subset holding it singular, and a feature equal
 * to another every subset holding both: smi_dataset_check names them before a run.
 * Ties in the ranking are broken by the subsets' lexicographic order of feature indices.
 * Thread safety: ds and cfg are only read; several runs may share them. */
SMI_API int smi_search_run(const smi_dataset *ds, const smi_search *cfg, smi_search_result **out);

/* smi_search_score_subset: the criterion of one subset (k feature indices, any order), computed
 * directly by QR with the same definitions as the search.
 * Returns SMI_OK, SMI_EINVAL, or SMI_ESINGULAR for a rank-deficient subset. */
SMI_API int smi_search_score_subset(const smi_dataset *ds, const smi_search *cfg,
                             const size_t *subset, size_t k, double *value);

SMI_API void smi_search_result_free(smi_search_result *res);

/* smi_search_result_status: SMI_OK, or SMI_ENOCONV for a success with a caveat: under
 * fe-opt or fe-marg, smi_search_result_quadrature_error above 0.01 in F or a top model at
 * an end of the ratio grid (smi_search_result_grid_edge_models > 0); SMI_EINVAL for NULL.
 * smi_search_result_caveat: its message, "" when SMI_OK.
 * smi_search_result_quadrature_error: fe-opt and fe-marg: the largest, over the top models,
 *   of the true error of the reported F (the grid rule's) against the exact criterion over
 *   the same range [ln lo, ln hi], computed at the refit of each top model: fe-opt the
 *   exact minimum over ln lambda, fe-marg the exact integral (both to about 1e-12 in F).
 *   NAN for the other criteria and for results loaded from files written before it was
 *   recorded.
 * smi_search_result_grid_edge_models: how many top models have their exact fe-opt optimum
 *   at an end of the ratio range (the optimum may lie beyond), or, under fe-marg, an exact
 *   posterior density of ln lambda above 0.01 at an end (the range cuts the posterior);
 *   0 for the other criteria.
 * smi_search_result_config: a copy of the configuration that made res, and
 * smi_search_result_data: the identity of its data (both valid until res is freed); NULL
 * for a result that was loaded or merged. */
SMI_API int smi_search_result_status(const smi_search_result *res);
SMI_API const char *smi_search_result_caveat(const smi_search_result *res);
SMI_API double smi_search_result_quadrature_error(const smi_search_result *res);
SMI_API size_t smi_search_result_grid_edge_models(const smi_search_result *res);
SMI_API const smi_search *smi_search_result_config(const smi_search_result *res);
SMI_API const smi_data_id *smi_search_result_data(const smi_search_result *res);

/* Counts: subsets scored, and subsets skipped as singular. */
SMI_API uint64_t smi_search_result_n_models(const smi_search_result *res);
SMI_API uint64_t smi_search_result_n_singular(const smi_search_result *res);
/* smi_search_result_n_nonfinite: subsets skipped because their criterion is not finite (or
 * beyond +-2^1000, where the DOS's bins could not be finite): neither ranked, histogrammed
 * nor weighted. Data that make a criterion overflow a double everywhere are refused before
 * the search (SMI_ENONFINITE naming the column); this counts the subsets left. 0 for NULL. */
SMI_API uint64_t smi_search_result_n_nonfinite(const smi_search_result *res);
/* The criterion, the number of features p of the data set, the largest model size. */
SMI_API int smi_search_result_criterion(const smi_search_result *res);
SMI_API size_t smi_search_result_p(const smi_search_result *res);
SMI_API size_t smi_search_result_max_size(const smi_search_result *res);

/* smi_search_result_n_top: the number of models kept (at most M).
 * smi_search_result_model: model `rank` (0 = best): its k features (indices, ascending) in
 * features[0..k-1] and their coefficients in coefficients[0..k-1] (original units; either
 * array may be NULL), *size = k, and criterion, intercept and training RMSE sqrt(RSS/n)
 * (each pointer may be NULL). Values come from a QR refit on the original data.
 * Returns SMI_OK, or SMI_EINVAL when rank >= n_top or capacity < k. */
SMI_API size_t smi_search_result_n_top(const smi_search_result *res);
SMI_API int smi_search_result_model(const smi_search_result *res, size_t rank, size_t capacity,
                             size_t *features, double *coefficients, size_t *size,
                             double *criterion, double *intercept, double *rmse);

/* smi_search_result_best_of_size: the best model with k features, as for smi_search_result_model.
 * Returns SMI_OK, SMI_ENOTFOUND when no model of that size was scored, or SMI_EINVAL. */
SMI_API int smi_search_result_best_of_size(const smi_search_result *res, size_t k, size_t capacity,
                                    size_t *features, double *coefficients,
                                    double *criterion, double *intercept, double *rmse);

/* smi_search_result_n_bins: the number of DOS bins B.
 * smi_search_result_dos: edges (B + 1 values) and counts (B values) of the criterion over every
 * scored subset; below and above (may be NULL) count scores outside the edges, which only
 * given edges can leave. counts + below + above sum to smi_search_result_n_models().
 * Returns SMI_OK or SMI_EINVAL when capacity < B + 1. */
SMI_API size_t smi_search_result_n_bins(const smi_search_result *res);
SMI_API int smi_search_result_dos(const smi_search_result *res, size_t capacity, double *edges,
                           uint64_t *counts, uint64_t *below, uint64_t *above);

/* smi_search_result_feature_frequency: per feature, the fraction of the top models containing it
 * (p values). smi_search_result_weight_diagram: n_top x p row-major, the coefficient of feature j
 * in model r (original units), 0 where the model does not use it.
 * Return SMI_OK or SMI_EINVAL when capacity is too small. */
SMI_API int smi_search_result_feature_frequency(const smi_search_result *res, size_t capacity,
                                         double *frequency);
SMI_API int smi_search_result_weight_diagram(const smi_search_result *res, size_t capacity, double *weights);

/* smi_search_result_save: write res to `path` in libsparsemi's result format (versioned text with
 * every number exact), through a temporary file renamed into place.
 * smi_search_result_load: read it back; the loaded result answers every accessor as the saved one.
 * Return SMI_OK, SMI_EIO, SMI_EPARSE (not a result file, or a damaged one, with the line),
 * SMI_ENOMEM. */
/* The model posterior of a free-energy search (smi_search_set_model_prior); each returns
 * SMI_ENOTFOUND when the result has none (another criterion, or SMI_MODEL_PRIOR_NONE).
 * smi_search_result_log_evidence_total: ln of sum_S p(y | S) p(S), the evidence of the whole
 *   family of models.
 * smi_search_result_posterior_inclusion: per feature (p values), the posterior probability that
 *   it is in the model (1 for forced features).
 * smi_search_result_size_posterior: the posterior probability of each size k = 0..max_size
 *   (smi_search_result_max_size() + 1 values).
 * smi_search_result_dos_posterior: the posterior mass of each DOS bin (smi_search_result_n_bins()
 *   values; with given edges the mass below and above them is left out).
 * smi_search_result_model_average: the posterior mean of each feature's coefficient (p values,
 *   original units, 0 where a model leaves the feature out) and of the intercept (intercept
 *   may be NULL), averaged over the models: each model's posterior mean at the criterion's
 *   hyperparameters (fe-opt: at the grid ratio of its smallest F; fe-marg: averaged over
 *   the ratios), weighted by p(S | y). Exact, over every scored subset, when the search has
 *   at most 20 candidate (not forced) features; otherwise over the kept top models,
 *   normalised by the posterior mass they cover, returned in *mass (may be NULL; 1 when
 *   exact).
 * Return SMI_OK, SMI_ENOTFOUND, or SMI_EINVAL when capacity is too small. */
SMI_API int smi_search_result_log_evidence_total(const smi_search_result *res, double *log_evidence);
SMI_API int smi_search_result_posterior_inclusion(const smi_search_result *res, size_t capacity, double *prob);
SMI_API int smi_search_result_size_posterior(const smi_search_result *res, size_t capacity, double *prob);
SMI_API int smi_search_result_dos_posterior(const smi_search_result *res, size_t capacity, double *mass);
SMI_API int smi_search_result_model_average(const smi_search_result *res, size_t capacity, double *coef,
                                     double *intercept, double *mass);

SMI_API int smi_search_result_save(const smi_search_result *res, const char *path);
SMI_API int smi_search_result_load(smi_search_result **out, const char *path);

/* smi_search_result_merge: one result from the results of searches over disjoint parts of the same
 * search (shards of one count, same data and configuration): counts and DOS summed, the
 * top M and the best of each size chosen as the whole search would have chosen them.
 * Returns SMI_OK and a new result, or SMI_EINVAL when the parts do not belong together
 * (another data set or configuration, or a shard twice), SMI_ENOMEM. */
SMI_API int smi_search_result_merge(smi_search_result **out, const smi_search_result *const *parts, size_t n_parts);

/* ------------------------------------------------------------------------------------
 * Bayesian model evidence of one model (DESIGN.md 4.4): Bayesian linear regression
 * y = X_S w + e, w ~ N(0, alpha^-1 I), e ~ N(0, beta^-1 I), on centred data (intercept on)
 * with the features standardised (standardisation on). F = -ln p(y | S).
 * ------------------------------------------------------------------------------------ */

/* How the hyperparameters are treated. Values never change. */
typedef enum smi_hyper_mode {
    SMI_HYPER_FIXED = 0,    /* alpha and beta as given */
    SMI_HYPER_OPTIMIZE = 1, /* type-II maximum likelihood over alpha and beta */
    SMI_HYPER_MARGINAL = 2, /* integrated over grids of noise and coefficient scales */
    SMI_HYPER_NG = 3        /* normal-gamma conjugate prior, closed form */
} smi_hyper_mode;

/* Priors of the scales for SMI_HYPER_MARGINAL (on sigma_noise = beta^-1/2 and
 * sigma_coef = alpha^-1/2, independently). Values never change. */
typedef enum smi_scale_prior {
    SMI_PRIOR_INVERSE = 0, /* p(sigma) proportional to 1 / sigma */
    SMI_PRIOR_GAMMA = 1,   /* sigma ~ Gamma(shape, scale) */
    SMI_PRIOR_UNIFORM = 2  /* flat in sigma */
} smi_scale_prior;

typedef struct smi_evidence smi_evidence;
typedef struct smi_evidence_result smi_evidence_result;

/* smi_evidence_create: defaults: SMI_HYPER_OPTIMIZE starting from alpha = 1,
 * beta = 1 / var(y) (also the values of SMI_HYPER_FIXED until set_hyper is called); at most
 * 1000 iterations to a relative tolerance of 1e-10; grids of 20 log-spaced points,
 * sigma_noise from 1e-3 to 10 and sigma_coef from 1e-2 to 1e2 times sd(y), prior
 * SMI_PRIOR_INVERSE; normal-gamma lambda = 1, a0 = b0 = 1e-6 (near-flat); intercept and
 * standardisation on. sd(y) and var(y) are the target's (divisor n).
 * smi_evidence_copy: a copy of src (independent of it). Both return SMI_OK, SMI_EINVAL or
 * SMI_ENOMEM, *out NULL on failure.
 * Free with smi_evidence_free (NULL: no-op). */
SMI_API int smi_evidence_create(smi_evidence **out);
SMI_API int smi_evidence_copy(smi_evidence **out, const smi_evidence *src);
SMI_API void smi_evidence_free(smi_evidence *cfg);

/* Setters; each returns SMI_OK or SMI_EINVAL with a message, leaving cfg unchanged.
 * set_mode: a smi_hyper_mode value.
 * set_hyper: alpha > 0, beta > 0 or 0 for 1 / var(y) (the default), finite: the values of
 *   SMI_HYPER_FIXED and the start of SMI_HYPER_OPTIMIZE.
 * set_iterations: max_iter >= 1, tolerance > 0: SMI_HYPER_OPTIMIZE stops when the relative
 *   changes of F, ln alpha and ln beta in one step are all below it (relative to
 *   max(1, |value|)).
 * set_grids: sigma_noise in [noise_lo, noise_hi] and sigma_coef in [coef_lo, coef_hi],
 *   0 < lo < hi, n >= 2 log-spaced points each, both ends included; the ends are multiples
 *   of sd(y) (the grid runs from lo * sd(y) to hi * sd(y)). Without set_grids, the
 *   default ranges are integrated accurately (an adaptive Simpson rule in ln sigma, to
 *   about 1e-9 in F; n is not used); after it, the grids are used literally, with
 *   trapezoid weights in sigma (as the seed lab's exhbma), and the result reports the
 *   grid's quadrature error.
 * set_prior: a smi_scale_prior; shape > 0 and scale > 0 for SMI_PRIOR_GAMMA (ignored
 *   otherwise; the scale, like the grids, in units of sd(y)). Each prior density is
 *   normalised over its grid's range: 1 / (sigma ln(hi/lo)) for SMI_PRIOR_INVERSE,
 *   1 / (hi - lo) for SMI_PRIOR_UNIFORM, the Gamma density divided by its trapezoid sum on
 *   the grid for SMI_PRIOR_GAMMA.
 * set_normal_gamma: w ~ N(0, sigma^2 / lambda I), sigma^-2 ~ Gamma(a0, rate b0);
 *   lambda > 0, a0 > 0, b0 > 0.
 * set_intercept, set_standardize: on != 0 turns them on. */
SMI_API int smi_evidence_set_mode(smi_evidence *cfg, int mode);
SMI_API int smi_evidence_set_hyper(smi_evidence *cfg, double alpha, double beta);
SMI_API int smi_evidence_set_iterations(smi_evidence *cfg, size_t max_iter,
                                        double tolerance);
SMI_API int smi_evidence_set_grids(smi_evidence *cfg, double noise_lo, double noise_hi,
                                   size_t noise_n, double coef_lo, double coef_hi,
                                   size_t coef_n);
SMI_API int smi_evidence_set_prior(smi_evidence *cfg, int prior, double shape,
                                   double scale);
SMI_API int smi_evidence_set_normal_gamma(smi_evidence *cfg, double lambda, double a0,
                                          double b0);
SMI_API int smi_evidence_set_intercept(smi_evidence *cfg, int on);
SMI_API int smi_evidence_set_standardize(smi_evidence *cfg, int on);

/* Getters, one per setter, the setter's arguments as outputs: what it stored, or the
 * defaults of smi_evidence_create. Each returns SMI_OK, or SMI_EINVAL (cfg or an output
 * NULL) with a message.
 * get_hyper: beta 0 means 1 / var(y) of the data it runs on (the default, until set_hyper).
 * get_prior: the shape and scale last set with SMI_PRIOR_GAMMA (1 and 1 before), also
 *   while another prior is chosen. */
SMI_API int smi_evidence_get_mode(const smi_evidence *cfg, int *mode);
SMI_API int smi_evidence_get_hyper(const smi_evidence *cfg, double *alpha, double *beta);
SMI_API int smi_evidence_get_iterations(const smi_evidence *cfg, size_t *max_iter,
                                        double *tolerance);
SMI_API int smi_evidence_get_grids(const smi_evidence *cfg, double *noise_lo, double *noise_hi,
                                   size_t *noise_n, double *coef_lo, double *coef_hi,
                                   size_t *coef_n);
SMI_API int smi_evidence_get_prior(const smi_evidence *cfg, int *prior, double *shape,
                                   double *scale);
SMI_API int smi_evidence_get_normal_gamma(const smi_evidence *cfg, double *lambda, double *a0,
                                          double *b0);
SMI_API int smi_evidence_get_intercept(const smi_evidence *cfg, int *on);
SMI_API int smi_evidence_get_standardize(const smi_evidence *cfg, int *on);

/* smi_evidence_run: the evidence of the model with the k features subset[0..k-1].
 * Needs k >= 1, distinct valid indices, n > k (n > k + 1 with an intercept).
 * Returns SMI_OK and a new result (free with smi_evidence_result_free), or SMI_EINVAL (bad subset,
 * n too small, NULL argument, a constant target where sd(y) sets a scale: the marginal
 * grids, or the default beta = 1 / var(y)), SMI_ESINGULAR (a constant feature with the
 * intercept on; A = alpha I + beta X'X singular to working precision), SMI_ENOMEM; *out is
 * NULL then. When SMI_HYPER_OPTIMIZE does not converge, or its optimum lies at alpha or
 * beta = infinity, the run succeeds with a caveat: the result at the last iterate, with
 * smi_evidence_result_status() == SMI_ENOCONV, the reason in smi_evidence_result_caveat()
 * and smi_evidence_result_converged() == 0. SMI_HYPER_MARGINAL succeeds with the caveat
 * SMI_ENOCONV (converged stays 1) when the marginal posterior density of ln sigma_noise or
 * ln sigma_coef at an end of its range exceeds 0.01 (the range cuts the posterior: widen
 * it) or a given grid's quadrature error exceeds 0.01 in F (use more points); and with
 * converged 0 when the accurate rule did not reach its tolerance.
 * Thread safety: ds and cfg are only read. */
SMI_API int smi_evidence_run(const smi_dataset *ds, const size_t *subset, size_t k,
                             const smi_evidence *cfg, smi_evidence_result **out);
SMI_API void smi_evidence_result_free(smi_evidence_result *ev);

/* smi_evidence_result_status: SMI_OK, or SMI_ENOCONV (see smi_evidence_run); SMI_EINVAL
 * for NULL. smi_evidence_result_caveat: the message of that status, "" when SMI_OK.
 * smi_evidence_result_config: the configuration that made ev (valid until ev is freed).
 * smi_evidence_result_data: the identity of the data it was computed on (smi_dataset_id). */
SMI_API int smi_evidence_result_status(const smi_evidence_result *ev);
SMI_API const char *smi_evidence_result_caveat(const smi_evidence_result *ev);
SMI_API const smi_evidence *smi_evidence_result_config(const smi_evidence_result *ev);
SMI_API const smi_data_id *smi_evidence_result_data(const smi_evidence_result *ev);

/* Scalars of a fit: F = -ln p(y|S); its two parts, fit = (beta/2)|y - X m|^2 +
 * (alpha/2)|m|^2 - (n/2) ln beta + (n/2) ln 2pi and complexity = (1/2) ln|A| - (k/2) ln alpha
 * (F = fit + complexity, at the reported alpha and beta; for the marginal and normal-gamma
 * modes, fit is taken at their posterior means and complexity = F - fit, which adds the
 * Occam factor of integrating over the hyperparameters to the expression above), with
 * X the design after centring and standardisation (as configured), m the posterior mean
 * on that design and
 * A = alpha I + beta X'X; alpha, beta (the optimum, the fixed values, or posterior
 * means on the grid / of the normal-gamma posterior, where beta = a_n / b_n and
 * alpha = lambda beta; for SMI_HYPER_MARGINAL by default those of the accurate integral
 * over the ranges, with a given grid those of the grid); noise_sd = beta^-1/2; gamma_eff =
 * sum l_i / (alpha + l_i) over the eigenvalues l_i of beta X'X; iterations used; converged
 * (1, or 0 when the optimisation stopped without converging); quadrature_error, for
 * SMI_HYPER_MARGINAL, an upper estimate of |F - the exact integral over the ranges|: the
 * accurate rule's own estimate (|ln S_h - ln S_2h| of its last two Simpson sums), plus,
 * with a given grid, that grid's distance from the accurate integral (0 for the other
 * modes). NAN / 0 for NULL. */
SMI_API double smi_evidence_result_free_energy(const smi_evidence_result *ev);
SMI_API double smi_evidence_result_fit_term(const smi_evidence_result *ev);
SMI_API double smi_evidence_result_complexity_term(const smi_evidence_result *ev);
SMI_API double smi_evidence_result_alpha(const smi_evidence_result *ev);
SMI_API double smi_evidence_result_beta(const smi_evidence_result *ev);
SMI_API double smi_evidence_result_noise_sd(const smi_evidence_result *ev);
SMI_API double smi_evidence_result_gamma_eff(const smi_evidence_result *ev);
SMI_API double smi_evidence_result_quadrature_error(const smi_evidence_result *ev);
SMI_API size_t smi_evidence_result_iterations(const smi_evidence_result *ev);
SMI_API int smi_evidence_result_converged(const smi_evidence_result *ev);

/* smi_evidence_result_mean: the posterior mean of w (k values) and smi_evidence_result_covariance its
 * covariance (k x k, row-major), both in the original units of the features (the
 * standardised quantities divided by the features' standard deviations); the intercept
 * is the mean of y minus the means of the features times the posterior mean (0 with the
 * intercept off). The covariance is A^-1 at the reported alpha and beta; for
 * SMI_HYPER_NG that is (b_n / a_n)(lambda I + X'X)^-1, the scale matrix of the Student-t
 * posterior of w (whose covariance is a_n / (a_n - 1) times it). mean or intercept may be
 * NULL. Return SMI_OK or SMI_EINVAL when capacity is too small. */
SMI_API int smi_evidence_result_mean(const smi_evidence_result *ev, size_t capacity, double *mean,
                              double *intercept);
SMI_API int smi_evidence_result_covariance(const smi_evidence_result *ev, size_t capacity,
                                    double *covariance);

/* ------------------------------------------------------------------------------------
 * Approximate exhaustive search: replica-exchange Monte Carlo over subsets and the
 * multiple-histogram density of states (DESIGN.md 4.5). See doc/api.md, "Replica exchange".
 * ------------------------------------------------------------------------------------ */

typedef struct smi_remc smi_remc;
typedef struct smi_remc_result smi_remc_result;

#define SMI_REMC_MAX_REPLICAS 256

/* smi_remc_create: 16 replicas on the ladder 0 and then 15 inverse temperatures growing
 * geometrically from 1e-3 to 1; 20000 sweeps after 2000 of burn-in (a sweep: as many
 * proposals per replica as there are candidate features); seed 1; every core (threads 0).
 * Setters return SMI_OK or SMI_EINVAL with a message, leaving cfg unchanged.
 * set_replicas: 2 to SMI_REMC_MAX_REPLICAS replicas on the geometric ladder up to
 *   beta_max > 0.
 * set_ladder: the inverse temperatures themselves, finite, >= 0, increasing; a first 0
 *   (which samples every state alike) makes the DOS's normalisation exact.
 * set_sweeps: at least 8 sweeps (the error blocks), and the burn-in before them.
 * set_tuning: on != 0 tunes the inner inverse temperatures during the burn-in (10
 *   windows of at least 20 sweeps), each time moving them half way towards a ladder on which
 *   every neighbouring pair exchanges equally often; the ends stay. Off by default.
 * set_threads: replicas run in parallel threads, 0 meaning every core; the result is the
 *   same bits for any thread count. A run never starts more threads than replicas, so a
 *   count above SMI_REMC_MAX_REPLICAS is stored (and read back) as SMI_REMC_MAX_REPLICAS. */
SMI_API int smi_remc_create(smi_remc **out);
SMI_API int smi_remc_copy(smi_remc **out, const smi_remc *src);
SMI_API void smi_remc_free(smi_remc *cfg);
SMI_API int smi_remc_set_replicas(smi_remc *cfg, size_t replicas, double beta_max);
SMI_API int smi_remc_set_ladder(smi_remc *cfg, const double *betas, size_t count);
SMI_API int smi_remc_set_sweeps(smi_remc *cfg, size_t sweeps, size_t burn_in);
SMI_API int smi_remc_set_seed(smi_remc *cfg, uint64_t seed);
SMI_API int smi_remc_set_tuning(smi_remc *cfg, int on);
SMI_API int smi_remc_set_threads(smi_remc *cfg, size_t threads);

/* smi_remc_copy: a deep copy of src (its own ladder); SMI_OK, SMI_EINVAL or SMI_ENOMEM,
 * *out NULL on failure. Free with smi_remc_free (NULL: no-op).
 * Getters, one per setter, the setter's arguments as outputs: what it stored, or the
 * defaults above (16 replicas, beta_max 1, 20000 sweeps, burn-in 2000, seed 1, tuning off,
 * every core: threads 0). Each returns SMI_OK, or SMI_EINVAL (cfg or an output NULL) with a message.
 * get_replicas: after set_ladder, its count and last value.
 * get_ladder: the inverse temperatures a run uses: those of set_ladder, else the geometric
 *   ladder of set_replicas (0 first); capacity in, count out (as smi_search_get_keep). */
SMI_API int smi_remc_get_replicas(const smi_remc *cfg, size_t *replicas, double *beta_max);
SMI_API int smi_remc_get_ladder(const smi_remc *cfg, size_t capacity, double *betas,
                                size_t *count);
SMI_API int smi_remc_get_sweeps(const smi_remc *cfg, size_t *sweeps, size_t *burn_in);
SMI_API int smi_remc_get_seed(const smi_remc *cfg, uint64_t *seed);
SMI_API int smi_remc_get_tuning(const smi_remc *cfg, int *on);
SMI_API int smi_remc_get_threads(const smi_remc *cfg, size_t *threads);

/* smi_remc_run: sample the subsets that the search configuration `search` allows (its
 * criterion, hyperparameters, forced features, size range, intercept and standardisation,
 * top count M and DOS bins or edges, progress callback) with replica exchange:
 *   - the state space is every subset in the size range; with min_size == max_size (more
 *     than the forced features) the moves are swaps of one feature for another, otherwise
 *     single-feature flips (a flip leaving the range is rejected);
 *   - the energy is the criterion, any of the exhaustive search's (the grid criteria keep
 *     one model per ratio of the grid, cv one per training set of the search configuration's folds
 *     with the held-out residuals, loo the residuals and leverages), each proposal's change
 *     computed from the current model by rank-one updates, never by a refit;
 *   - Metropolis acceptance per proposal, after each sweep an exchange attempt between
 *     neighbouring replicas (even pairs, then odd pairs);
 *   - the DOS by the multiple-histogram method from every replica's energies after the
 *     burn-in, normalised to the exact number of states, with standard errors of ln D
 *     from 8 consecutive blocks of sweeps.
 * Returns SMI_OK and a result (free with smi_remc_result_free), SMI_EINVAL (bad
 * arguments, cv without folds, every feature forced), SMI_ESINGULAR (no
 * nonsingular starting subset found), SMI_ENOMEM, SMI_ECANCELED, or SMI_ENOCONV (the
 * multiple-histogram equations did not converge). */
SMI_API int smi_remc_run(const smi_dataset *ds, const smi_search *search, const smi_remc *cfg,
                         smi_remc_result **out);
SMI_API void smi_remc_result_free(smi_remc_result *res);

/* smi_remc_result_status: SMI_OK (replica exchange has no success with a caveat);
 * SMI_EINVAL for NULL. smi_remc_result_caveat: "".
 * smi_remc_result_config and smi_remc_result_search: copies of the two configurations that
 * made res; smi_remc_result_data: the identity of its data (all valid until res is freed). */
SMI_API int smi_remc_result_status(const smi_remc_result *res);
SMI_API const char *smi_remc_result_caveat(const smi_remc_result *res);
SMI_API const smi_remc *smi_remc_result_config(const smi_remc_result *res);
SMI_API const smi_search *smi_remc_result_search(const smi_remc_result *res);
SMI_API const smi_data_id *smi_remc_result_data(const smi_remc_result *res);

/* Accessors; those with a capacity return SMI_OK or SMI_EINVAL when it is too small.
 * smi_remc_result_n_replicas: R. smi_remc_result_ladder: the R inverse temperatures (as tuned).
 * smi_remc_result_acceptance: per replica (by temperature), the fraction of proposals accepted
 *   after the burn-in.
 * smi_remc_result_exchange_rates: R - 1 values, the fraction of exchanges accepted between
 *   temperatures i and i + 1 after the burn-in.
 * smi_remc_result_n_states: the exact number of subsets in the space (a double).
 * smi_remc_result_n_proposals: proposals made, burn-in included, over all replicas.
 * smi_remc_result_dos: edges (B + 1), ln of the estimated number of subsets in each bin
 *   (-INFINITY where no replica went) and its standard error (NAN where a block had no
 *   sample in the bin); B = smi_remc_result_n_bins.
 * smi_remc_result_model: model `rank` of the M best distinct subsets visited, as
 *   smi_search_result_model gives them (features ascending, k, criterion refitted exactly by QR);
 *   smi_remc_result_n_top gives their number.
 * smi_remc_result_posterior_inclusion: for the free-energy criteria with 1 on the ladder, per
 *   feature the fraction of the samples at inverse temperature 1 containing it, which is
 *   its posterior inclusion probability under the uniform model prior; SMI_ENOTFOUND
 *   otherwise.
 * smi_remc_result_trace: the energy of the state at temperature `replica` after every sweep,
 *   burn-in included (smi_remc_result_n_sweeps values). */
SMI_API size_t smi_remc_result_n_replicas(const smi_remc_result *res);
SMI_API int smi_remc_result_ladder(const smi_remc_result *res, size_t capacity, double *betas);
SMI_API int smi_remc_result_acceptance(const smi_remc_result *res, size_t capacity, double *rates);
SMI_API int smi_remc_result_exchange_rates(const smi_remc_result *res, size_t capacity, double *rates);
SMI_API double smi_remc_result_n_states(const smi_remc_result *res);
SMI_API uint64_t smi_remc_result_n_proposals(const smi_remc_result *res);
SMI_API size_t smi_remc_result_n_bins(const smi_remc_result *res);
SMI_API int smi_remc_result_dos(const smi_remc_result *res, size_t capacity, double *edges,
                         double *log_counts, double *errors);
SMI_API size_t smi_remc_result_n_top(const smi_remc_result *res);
SMI_API int smi_remc_result_model(const smi_remc_result *res, size_t rank, size_t capacity,
                           size_t *features, size_t *k, double *value);
SMI_API int smi_remc_result_posterior_inclusion(const smi_remc_result *res, size_t capacity,
                                         double *prob);
SMI_API size_t smi_remc_result_n_sweeps(const smi_remc_result *res);
SMI_API int smi_remc_result_trace(const smi_remc_result *res, size_t replica, size_t capacity,
                           double *energies);

/* ------------------------------------------------------------------------------------
 * Least angle regression (LARS): the exact piecewise-linear path of least angle regression
 * or of the LASSO, knot by knot (Efron, Hastie, Johnstone and Tibshirani 2004; DESIGN.md 4.6).
 * ------------------------------------------------------------------------------------ */

/* LARS variants. Values never change. */
typedef enum smi_lars_method {
    SMI_LARS_LAR = 0,  /* least angle regression: features only enter */
    SMI_LARS_LASSO = 1 /* the LASSO path: a coefficient reaching 0 leaves the active set */
} smi_lars_method;

/* A LARS path: its knots, the coefficients and active set at each. */
typedef struct smi_lars smi_lars;
typedef struct smi_lars_result smi_lars_result;

/* smi_lars_create: the defaults: method SMI_LARS_LAR, no sign constraint, no step limit.
 * smi_lars_copy: a copy of src. Free with smi_lars_free (NULL is a no-op).
 * Setters return SMI_OK or SMI_EINVAL with a message, leaving cfg unchanged; getters
 * SMI_OK or SMI_EINVAL (NULL argument).
 * set_method: SMI_LARS_LAR (refused while positive is on) or SMI_LARS_LASSO.
 * set_positive: on != 0 keeps every coefficient >= 0 (a feature enters only on a positive
 *   correlation; SMI_LARS_LASSO only, so set the method first).
 * set_max_steps: the number of steps after knot 0 (each adds or removes features); 0: no
 *   limit (the path then ends at alpha = 0, the least-squares fit on the last active set,
 *   or after 50 p + 100 steps). */
SMI_API int smi_lars_create(smi_lars **out);
SMI_API int smi_lars_copy(smi_lars **out, const smi_lars *src);
SMI_API void smi_lars_free(smi_lars *cfg);
SMI_API int smi_lars_set_method(smi_lars *cfg, int method);
SMI_API int smi_lars_set_positive(smi_lars *cfg, int on);
SMI_API int smi_lars_set_max_steps(smi_lars *cfg, size_t max_steps);
SMI_API int smi_lars_get_method(const smi_lars *cfg, int *method);
SMI_API int smi_lars_get_positive(const smi_lars *cfg, int *on);
SMI_API int smi_lars_get_max_steps(const smi_lars *cfg, size_t *max_steps);

/* smi_lars_run: the LARS path of ds's target on its features, with a free intercept.
 * Convention: the features are centred and divided by their standard deviation (divisor n,
 * as glmnet does) and y is centred; LARS runs on those. Knot t has the penalty
 *   alpha_t = max_j |z_j'r_t| / n   (z_j standardised column j, r_t the residual at knot t),
 * exactly the `alphas` of scikit-learn's lars_path(Z, y - mean(y), method) on the same
 * standardised data: knot 0 is alpha_max with every coefficient 0; for the LASSO the
 * coefficients at knot t minimise (1/2n)|y - b0 - Xw|^2 + alpha_t |S w|_1 (S the sds). The
 * coefficients are reported in the data's original units (w_j = coefficient on z_j / sd_j,
 * intercept = mean(y) - mean(X)'w). cfg NULL: the defaults of smi_lars_create.
 * Features tied (to a relative 1e-11) enter or leave at the same knot. A feature whose
 * standardised column lies within a relative 1e-7 of the span of the active columns
 * cannot enter: the path ends at the knot before, a success with a caveat:
 * smi_lars_result_status() says SMI_ESINGULAR (two identical features tied for entry, say).
 * When the active columns span the centred data (p >= n - 1) the residual reaches 0 and the
 * path ends at alpha 0.
 * Returns SMI_OK and a new path in *out (free with smi_lars_result_free), or SMI_EINVAL
 * (NULL argument), SMI_ECONSTANT (a constant feature, named), SMI_ETOOLARGE or
 * SMI_ENOMEM; *out is then NULL.
 * Cost: O(n p^2) for the Gram matrix, then O(p k) per step, k the active size.
 * Thread safety: ds is only read. */
SMI_API int smi_lars_run(const smi_dataset *ds, const smi_lars *cfg, smi_lars_result **out);

/* smi_lars_result_free: release path. NULL is a no-op. */
SMI_API void smi_lars_result_free(smi_lars_result *path);

/* smi_lars_result_status: SMI_OK when the path ended normally (alpha 0, all features, or
 * max_steps), SMI_ESINGULAR when it stopped at a rank-deficient active set (the knots
 * before are exact); SMI_EINVAL for NULL. smi_lars_result_caveat: its message, "" when
 * SMI_OK. smi_lars_result_config: the configuration that made the path, and
 * smi_lars_result_data the identity of its data (both valid until the path is freed). */
SMI_API int smi_lars_result_status(const smi_lars_result *path);
SMI_API const char *smi_lars_result_caveat(const smi_lars_result *path);
SMI_API const smi_lars *smi_lars_result_config(const smi_lars_result *path);
SMI_API const smi_data_id *smi_lars_result_data(const smi_lars_result *path);

/* Accessors; those with a capacity return SMI_OK, or SMI_EINVAL (NULL, knot out of range,
 * capacity too small: the message gives the size needed).
 * smi_lars_result_n_knots: the number of knots T (0 for NULL).
 * smi_lars_result_knots: the T penalties alpha_t, non-increasing (see smi_lars_run).
 * smi_lars_result_coefficients: coef, T x p row-major, original units; intercepts (T values, may
 *   be NULL). capacity counts the entries of coef (at least T p).
 * smi_lars_result_active: the active features at `knot` in the order they (last) entered, their
 *   number in *count (set even when capacity is too small). */
SMI_API size_t smi_lars_result_n_knots(const smi_lars_result *path);
SMI_API int smi_lars_result_knots(const smi_lars_result *path, size_t capacity, double *alphas);
SMI_API int smi_lars_result_coefficients(const smi_lars_result *path, size_t capacity, double *coef,
                                  double *intercepts);
SMI_API int smi_lars_result_active(const smi_lars_result *path, size_t knot, size_t capacity,
                            size_t *features, size_t *count);

/* ------------------------------------------------------------------------------------
 * LASSO and elastic net by coordinate descent (DESIGN.md 4.6), as glmnet computes them:
 *   minimise (1/2n)|y - b0 - Xw|^2 + lambda sum_j f_j (a |w_j| + (1 - a)/2 w_j^2)
 * over the intercept b0 (free) and w, where the features are centred and divided by their
 * standard deviation (divisor n) while solving, and the coefficients are reported in the
 * data's original units; a is the mixing parameter (1: LASSO), f_j the penalty factors.
 * ------------------------------------------------------------------------------------ */

typedef struct smi_lasso smi_lasso;
typedef struct smi_lasso_result smi_lasso_result;

/* smi_lasso_create: the defaults: a = 1 (LASSO), 100 lambdas log-spaced from
 * lambda_max down to min_ratio lambda_max, min_ratio 1e-4 when n > p and 1e-2 otherwise;
 * no sign constraint; every penalty factor 1; tolerance 1e-7 with at most 100000 passes per
 * lambda; every core (threads 0); no cross-validation, and for it 10 folds shuffled with seed 0 (as
 * smi_search_create). smi_lasso_copy: a deep copy of src. lambda_max = max_j |z_j'r| / (n max(a, 1e-3) f_j) over the penalised
 * features, r the residual of the unpenalised ones, as glmnet computes it: for a >= 1e-3
 * (and without positivity) the smallest lambda at which every penalised coefficient is 0.
 * Free with smi_lasso_free (NULL is a no-op). */
SMI_API int smi_lasso_create(smi_lasso **out);
SMI_API int smi_lasso_copy(smi_lasso **out, const smi_lasso *src);
SMI_API void smi_lasso_free(smi_lasso *cfg);

/* Setters; each returns SMI_OK or SMI_EINVAL with a message, leaving cfg unchanged.
 * set_alpha: the mixing parameter, 0 < a <= 1.
 * set_path: n_lambda >= 1 values; min_ratio in (0, 1), or 0 for the default above. Also
 *   drops lambdas given by set_lambdas.
 * set_lambdas: these values instead (count >= 1, positive, finite, strictly decreasing);
 *   count 0 goes back to the log-spaced path.
 * set_positive: on != 0 constrains every coefficient to be >= 0.
 * set_penalty_factors: f_j >= 0 (0: feature j is not penalised), count == p of the data
 *   set it is used with; rescaled to sum to p, as glmnet does. factors NULL: all 1.
 * set_tolerance: coordinate descent at a lambda stops when no coefficient update changes
 *   the objective by more than tol times the null deviance divided by n (glmnet's thresh);
 *   tol > 0, max_passes >= 1 (passes over the active features; SMI_ENOCONV beyond).
 * set_threads: threads for the folds of the cross-validation; 0 means every core. Results
 *   do not depend on it.
 * set_cv: on != 0 makes smi_lasso_run cross-validate the path on the folds.
 * set_folds, set_fold_ids: the folds, as smi_search_set_folds and smi_search_set_fold_ids. */
SMI_API int smi_lasso_set_alpha(smi_lasso *cfg, double alpha);
SMI_API int smi_lasso_set_path(smi_lasso *cfg, size_t n_lambda, double min_ratio);
SMI_API int smi_lasso_set_lambdas(smi_lasso *cfg, const double *lambdas,
                                         size_t count);
SMI_API int smi_lasso_set_positive(smi_lasso *cfg, int on);
SMI_API int smi_lasso_set_penalty_factors(smi_lasso *cfg, const double *factors,
                                                 size_t count);
SMI_API int smi_lasso_set_tolerance(smi_lasso *cfg, double tol,
                                           size_t max_passes);
SMI_API int smi_lasso_set_threads(smi_lasso *cfg, size_t threads);
SMI_API int smi_lasso_set_cv(smi_lasso *cfg, int on);
SMI_API int smi_lasso_set_folds(smi_lasso *cfg, size_t k, int shuffle, uint64_t seed);
SMI_API int smi_lasso_set_fold_ids(smi_lasso *cfg, const int *ids, size_t n_ids);

/* Getters, one per setter, the setter's arguments as outputs: what it stored, or the
 * defaults of smi_lasso_create. Each returns SMI_OK, or SMI_EINVAL (cfg or an output NULL)
 * with a message.
 * get_path: min_ratio 0 means automatic (1e-4 when n > p, else 1e-2 on the data it runs on);
 *   n_lambda is kept while set_lambdas' values are used instead.
 * get_lambdas, get_penalty_factors: capacity in, count out (as smi_search_get_keep); count 0:
 *   the log-spaced path, or every factor 1. The factors as given (not rescaled).
 * get_folds, get_fold_ids: as smi_search_get_folds and smi_search_get_fold_ids. */
SMI_API int smi_lasso_get_alpha(const smi_lasso *cfg, double *alpha);
SMI_API int smi_lasso_get_path(const smi_lasso *cfg, size_t *n_lambda, double *min_ratio);
SMI_API int smi_lasso_get_lambdas(const smi_lasso *cfg, size_t capacity, double *lambdas,
                                  size_t *count);
SMI_API int smi_lasso_get_positive(const smi_lasso *cfg, int *on);
SMI_API int smi_lasso_get_penalty_factors(const smi_lasso *cfg, size_t capacity,
                                          double *factors, size_t *count);
SMI_API int smi_lasso_get_tolerance(const smi_lasso *cfg, double *tol, size_t *max_passes);
SMI_API int smi_lasso_get_threads(const smi_lasso *cfg, size_t *threads);
SMI_API int smi_lasso_get_cv(const smi_lasso *cfg, int *on);
SMI_API int smi_lasso_get_folds(const smi_lasso *cfg, size_t *k, int *shuffle, uint64_t *seed);
SMI_API int smi_lasso_get_fold_assignment(const smi_lasso *cfg, size_t n, size_t capacity,
                                          int *folds, size_t *k); /* as the search's */
SMI_API int smi_lasso_get_fold_ids(const smi_lasso *cfg, size_t capacity, int *ids,
                                   size_t *n_ids);

/* smi_lasso_run: the path of solutions at each lambda, warm-started from the one before;
 * features are screened by the sequential strong rule and every screened-out feature is
 * checked against the optimality (KKT) conditions before a solution is accepted.
 * With smi_lasso_set_cv on, K-fold cross-validation over the path on cfg's folds: each
 * training set is standardised on its own rows and solved at exactly the full data's
 * lambdas (a feature constant within a training set is held at 0 there), and the held-out
 * squared errors give the CV curve, summarised as cv.glmnet summarises its folds:
 *   mean(lambda) = sum_k n_k m_k / n,  se(lambda) = sqrt(sum_k n_k (m_k - mean)^2 / n / (K-1)),
 * m_k the mean squared error on fold k of n_k rows; lambda_min is the largest lambda at
 * which the mean is smallest, lambda_1se the largest lambda whose mean is at most the
 * smallest mean plus its se. (cv.glmnet instead fits each training set on its own lambda
 * sequence and interpolates the coefficients to the full data's lambdas, which changes the
 * curve where a training set's lambda_max differs from the full data's.)
 * Needs: cfg NULL (the defaults) or valid for ds (penalty factors of length p).
 * Returns SMI_OK and a new fit in *out (free with smi_lasso_result_free), or SMI_EINVAL,
 * SMI_ECONSTANT (a constant feature, named, or a constant target), SMI_ESINGULAR
 * (lambda_max is 0 to 1e-10 sd(y): the unpenalised features fit y exactly, or y is
 * uncorrelated with every feature), SMI_ENONFINITE (a variance overflows), SMI_ENOCONV
 * (max_passes reached, naming the lambda), SMI_ETOOLARGE, SMI_ENOMEM; *out is then NULL.
 * Thread safety: ds and cfg are only read. */
SMI_API int smi_lasso_run(const smi_dataset *ds, const smi_lasso *cfg, smi_lasso_result **out);
SMI_API void smi_lasso_result_free(smi_lasso_result *fit);

/* Accessors; those with a capacity return SMI_OK or SMI_EINVAL (NULL, capacity too
 * small: the message gives the size needed).
 * smi_lasso_result_n_lambdas: the number L of lambdas (0 for NULL); smi_lasso_result_p: of features.
 * smi_lasso_result_lambdas: the L lambdas, decreasing.
 * smi_lasso_result_coefficients: coef, L x p row-major, original units (capacity counts its
 *   entries); intercepts (L values, may be NULL).
 * smi_lasso_result_cv_curve: mean and se (L values each; either may be NULL) of the CV error;
 *   SMI_ENOTFOUND for a fit without CV.
 * smi_lasso_result_cv_choice: the indices of lambda_min and lambda_1se (either may be NULL);
 *   SMI_ENOTFOUND for a fit without CV. */
SMI_API size_t smi_lasso_result_n_lambdas(const smi_lasso_result *fit);
SMI_API size_t smi_lasso_result_p(const smi_lasso_result *fit);
SMI_API int smi_lasso_result_lambdas(const smi_lasso_result *fit, size_t capacity, double *lambdas);
SMI_API int smi_lasso_result_coefficients(const smi_lasso_result *fit, size_t capacity, double *coef,
                                   double *intercepts);
SMI_API int smi_lasso_result_cv_curve(const smi_lasso_result *fit, size_t capacity, double *mean, double *se);
SMI_API int smi_lasso_result_cv_choice(const smi_lasso_result *fit, size_t *index_min, size_t *index_1se);

/* smi_lasso_result_status: SMI_OK (the LASSO has no success with a caveat: a path that does
 * not converge fails); SMI_EINVAL for NULL. smi_lasso_result_caveat: "".
 * smi_lasso_result_config: a copy of the configuration that made fit; smi_lasso_result_data:
 * the identity of its data (both valid until fit is freed). */
SMI_API int smi_lasso_result_status(const smi_lasso_result *fit);
SMI_API const char *smi_lasso_result_caveat(const smi_lasso_result *fit);
SMI_API const smi_lasso *smi_lasso_result_config(const smi_lasso_result *fit);
SMI_API const smi_data_id *smi_lasso_result_data(const smi_lasso_result *fit);

/* ------------------------------------------------------------------------------------
 * Sparse paths in context (DESIGN.md 4.6): the distinct supports (sets of nonzero
 * coefficients) along a LARS or coordinate-descent path, each refitted by least squares
 * and scored by a search criterion exactly as smi_search_score_subset does. The support with the
 * smallest criterion is the LARS-OLS hybrid's choice; smi_search_result_rank places each among
 * every subset of an exhaustive search ("LASSO on the DOS").
 * ------------------------------------------------------------------------------------ */

typedef struct smi_path_supports smi_path_supports;

/* smi_path_supports_from_lars, smi_path_supports_from_lasso: the distinct non-empty
 * supports of the path, in the order they first appear along it, each with the penalty
 * where it first appears. LARS: the support of each segment between knots t-1 and t (the
 * features nonzero inside it), with penalty alpha_{t-1}, the knot where the segment starts;
 * coordinate descent: the nonzero coefficients of the solution at each lambda, with that
 * lambda. cfg gives the criterion and its settings (as for smi_search_score_subset; its size range
 * and forced features are ignored). Needs: path or fit computed on ds.
 * Returns SMI_OK and a new list in *out (free with smi_path_supports_free), or SMI_EINVAL
 * (NULL, a path of another number of features than ds, a CV criterion whose folds do not fit ds),
 * SMI_ENOMEM; *out is then NULL. A support that cannot be scored does not fail the call. */
SMI_API int smi_path_supports_from_lars(const smi_dataset *ds, const smi_lars_result *path,
                                        const smi_search *cfg, smi_path_supports **out);
SMI_API int smi_path_supports_from_lasso(const smi_dataset *ds, const smi_lasso_result *fit,
                                         const smi_search *cfg, smi_path_supports **out);
SMI_API void smi_path_supports_free(smi_path_supports *list);

/* smi_path_supports_count: the number of supports (0 for NULL).
 * smi_path_supports_get: support i: its k features (ascending) and least-squares
 *   coefficients (original units; either array may be NULL, else of capacity >= k), *size = k,
 *   and penalty, criterion and intercept (each pointer may be NULL); *size is set even
 *   when capacity is too small.
 *   Returns SMI_OK, SMI_ESINGULAR when smi_search_score_subset would for the support (rank
 *   deficient, or no residual degree of freedom for AIC and BIC; the outputs are filled,
 *   with criterion NaN and coefficients and intercept 0), or SMI_EINVAL (NULL list, i out
 *   of range, capacity too small).
 * smi_path_supports_best: the index of the support with the smallest criterion (the first
 *   one on a tie). Returns SMI_OK, or SMI_ENOTFOUND when no support could be scored. */
SMI_API size_t smi_path_supports_count(const smi_path_supports *list);
SMI_API int smi_path_supports_get(const smi_path_supports *list, size_t i, size_t capacity,
                                  size_t *features, double *coefficients, size_t *size,
                                  double *penalty, double *criterion, double *intercept);
SMI_API int smi_path_supports_best(const smi_path_supports *list, size_t *index);

/* smi_search_result_rank: where a criterion value falls among the subsets res scored. The rank is
 * 1 + the number of scored subsets with a strictly smaller value; percentile = 100 rank /
 * smi_search_result_n_models() (NaN when no subset was scored). The rank is exact (rank_lo ==
 * rank_hi == *rank) when the value is at most the worst kept model's or the search kept
 * every subset; otherwise the DOS bounds it (rank_lo: 1 + the subsets in lower bins, or
 * the kept models if more; rank_hi: 1 + those in its bin and below; below the first or
 * above the last given edge, the smallest or largest score closes the bin) and *rank
 * interpolates linearly within the bin (from the worst kept model when it lies in it).
 * The kept models' values come from QR refits, the DOS from the search's sweep: a subset
 * whose value ties with `value` to about 1e-12 relative may fall on either side. Works
 * alike on results that were run, merged or loaded. Any output pointer may be NULL.
 * Returns SMI_OK, or SMI_EINVAL (NULL res, value not finite). */
SMI_API int smi_search_result_rank(const smi_search_result *res, double value, double *rank,
                            uint64_t *rank_lo, uint64_t *rank_hi, double *percentile);

/* ------------------------------------------------------------------------------------
 * Virtual measurement analysis (VMA, DESIGN.md 4.7): is it the data or the method?
 * From a sparse model y = b0 + X_S w + N(0, sigma^2) and a generator of descriptor rows,
 * draw synthetic data sets of several sizes n', run a selection method on each, and count
 * how often it recovers the true subset S exactly.
 * ------------------------------------------------------------------------------------ */

typedef struct smi_vma smi_vma;
typedef struct smi_vma_result smi_vma_result;

/* How synthetic descriptor rows are drawn. Values never change. */
typedef enum smi_vma_rows {
    SMI_VMA_RESAMPLE = 0, /* rows of the data set's X, drawn uniformly with replacement */
    SMI_VMA_GAUSSIAN = 1  /* multivariate normal with the sample mean and covariance of X */
} smi_vma_rows;

/* The selection method run on each synthetic data set. Values never change. */
typedef enum smi_vma_method {
    SMI_VMA_SEARCH = 0,  /* exhaustive search: its best model (smi_vma_set_search) */
    SMI_VMA_LASSO_CV = 1 /* LASSO with K-fold CV: the support at lambda_min or lambda_1se */
} smi_vma_method;

/* smi_vma_create: the defaults: rows resampled; sizes 20, 40, 80; 100 trials per size;
 * seed 0; every core (threads 0); method SMI_VMA_SEARCH with the defaults of smi_search_create (BIC, all
 * sizes). A model must be set before smi_vma_run. Free with smi_vma_free (NULL: no-op). */
SMI_API int smi_vma_create(smi_vma **out);
SMI_API int smi_vma_copy(smi_vma **out, const smi_vma *src);
SMI_API void smi_vma_free(smi_vma *cfg);

/* Setters; each returns SMI_OK or SMI_EINVAL with a message, leaving cfg unchanged.
 * set_model: the true model: k >= 1 distinct feature indices (checked against the data by
 *   smi_vma_run); coefficients (k finite values, in the features' original units, in the
 *   order of the features) and a finite intercept, or coefficients NULL to take both from
 *   the least-squares fit of the subset (with intercept) on the data; noise_sd >= 0 the
 *   noise standard deviation, or < 0 to take it from the evidence of the subset on the data
 *   (smi_evidence_run with SMI_HYPER_OPTIMIZE and its other defaults: sigma = beta^-1/2).
 * set_rows: SMI_VMA_RESAMPLE or SMI_VMA_GAUSSIAN (the covariance with divisor n - 1).
 * set_sizes: count >= 1 sample sizes n', each 1 to 2^31 - 1. set_trials: 1 <= T < 2^31
 *   data sets per size.
 * set_seed: the seed of every draw. set_threads: at most 1024, 0 meaning every core; the
 *   result does not depend on it.
 * set_search: method SMI_VMA_SEARCH with a copy of search (NULL: the defaults of
 *   smi_search_create): its criterion and criterion settings, size range, forced features,
 *   intercept and standardisation; its threads, top count, DOS bins, model prior, shards,
 *   checkpoint and progress are not used (each data set is searched on one thread for its
 *   best model only). With SMI_CRIT_CV, each data set gets a shuffled min(K, n')-fold
 *   split drawn from its own stream, K the search's folds (K-fold; fold ids: SMI_EINVAL).
 * set_lasso: method SMI_VMA_LASSO_CV with a copy of lasso (NULL: its defaults; its threads
 *   and its set_cv are not used), each data set with a shuffled min(K, n')-fold split, K
 *   the LASSO's folds (K-fold; fold ids: SMI_EINVAL);
 *   the chosen subset is the support (nonzero coefficients, possibly none) at lambda_1se
 *   when one_se != 0, else at lambda_min.
 * set_progress: called from the calling thread with the fraction of data sets done; a
 *   nonzero return cancels the run. fn NULL: none. */
SMI_API int smi_vma_set_model(smi_vma *cfg, const size_t *features, size_t k,
                              const double *coefficients, double intercept, double noise_sd);
SMI_API int smi_vma_set_rows(smi_vma *cfg, int kind);
SMI_API int smi_vma_set_sizes(smi_vma *cfg, const size_t *sizes, size_t count);
SMI_API int smi_vma_set_trials(smi_vma *cfg, size_t trials);
SMI_API int smi_vma_set_seed(smi_vma *cfg, uint64_t seed);
SMI_API int smi_vma_set_threads(smi_vma *cfg, size_t threads);
SMI_API int smi_vma_set_search(smi_vma *cfg, const smi_search *search);
SMI_API int smi_vma_set_lasso(smi_vma *cfg, const smi_lasso *lasso, int one_se);
SMI_API int smi_vma_set_progress(smi_vma *cfg, smi_progress_fn fn, void *user);

/* smi_vma_copy: a deep copy of src (its own model, sizes, search and LASSO configurations;
 * the progress callback's user pointer is shared); SMI_OK, SMI_EINVAL or SMI_ENOMEM, *out
 * NULL on failure. Free with smi_vma_free (NULL: no-op).
 * Getters, one per setter, the setter's arguments as outputs: what it stored, or the
 * defaults of smi_vma_create. Each returns SMI_OK, or SMI_EINVAL (cfg or an output NULL)
 * with a message.
 * get_model: *k the number of features (0: no model set yet); features, capacity in and
 *   count out (as smi_search_get_keep); *has_coefficients 1 when set_model was given
 *   coefficients, which are then copied into `coefficients` (k values; NULL: not wanted),
 *   else 0 with *intercept 0 (both taken from the data); *noise_sd as set (< 0: estimated;
 *   0 before any model).
 * get_method: SMI_VMA_SEARCH or SMI_VMA_LASSO_CV, the last of set_search and set_lasso.
 * get_search: the copy set_search keeps, NULL while the method is SMI_VMA_LASSO_CV. It
 *   holds what a run uses (criterion and its settings, size range, forced features,
 *   intercept, standardisation, folds' K); its other fields are fixed: 1 thread, top 1,
 *   64 bins without edges, SMI_MODEL_PRIOR_NONE, shard 0 of 1, no checkpoint, no progress.
 * get_lasso: the copy set_lasso keeps (its threads 1), NULL while the method is
 *   SMI_VMA_SEARCH; *one_se as set (default 0).
 * The pointers of get_search and get_lasso stay valid until cfg is changed or freed. */
SMI_API int smi_vma_get_model(const smi_vma *cfg, size_t capacity, size_t *features,
                              double *coefficients, size_t *k, int *has_coefficients,
                              double *intercept, double *noise_sd);
SMI_API int smi_vma_get_rows(const smi_vma *cfg, int *kind);
SMI_API int smi_vma_get_sizes(const smi_vma *cfg, size_t capacity, size_t *sizes, size_t *count);
SMI_API int smi_vma_get_trials(const smi_vma *cfg, size_t *trials);
SMI_API int smi_vma_get_seed(const smi_vma *cfg, uint64_t *seed);
SMI_API int smi_vma_get_threads(const smi_vma *cfg, size_t *threads);
SMI_API int smi_vma_get_method(const smi_vma *cfg, int *method);
SMI_API int smi_vma_get_search(const smi_vma *cfg, const smi_search **search);
SMI_API int smi_vma_get_lasso(const smi_vma *cfg, const smi_lasso **lasso, int *one_se);
SMI_API int smi_vma_get_progress(const smi_vma *cfg, smi_progress_fn *fn, void **user);

/* smi_vma_run: T synthetic data sets at each size n', each with n' rows drawn by the row
 * generator and y = b0 + X_S w + sigma e, e standard normal; the selection method chooses a
 * subset on each. A data set on which the method cannot choose (n' < 2, too few rows for
 * the folds, every subset singular, no convergence: any
 * failure of the method other than those ending the run below) counts as a failure: no
 * subset, not recovered, no chosen size. The LASSO holds a feature that the draw left
 * constant at 0.
 * Needs: a model whose features exist in ds; forced features and sizes of the search valid
 *   for ds; penalty factors of the LASSO (if any) of length p; for SMI_VMA_GAUSSIAN, more
 *   rows than features.
 * The draws of data set t at size index s come from their own stream of (seed, s, t) (the
 * generator and the order of the draws: doc/api.md), so the result is the same for any
 * thread count.
 * Returns SMI_OK and a new result in *out (free with smi_vma_result_free), or SMI_EINVAL,
 * SMI_ESINGULAR (the model's subset is singular on ds when its fit is needed; the sample
 * covariance cannot be factorised for SMI_VMA_GAUSSIAN; the search's forced features are
 * collinear on ds), SMI_ENOCONV (the evidence
 * optimum for noise_sd < 0), SMI_ETOOLARGE (a search with too many subsets),
 * SMI_ECANCELED, SMI_ENOMEM; *out is then NULL.
 * Thread safety: ds and cfg are only read. */
SMI_API int smi_vma_run(const smi_dataset *ds, const smi_vma *cfg, smi_vma_result **out);
SMI_API void smi_vma_result_free(smi_vma_result *res);

/* smi_vma_result_status: SMI_OK (a data set on which the method fails is counted, not a
 * caveat); SMI_EINVAL for NULL. smi_vma_result_caveat: "".
 * smi_vma_result_config: a copy of the configuration that made res; smi_vma_result_data:
 * the identity of its data (both valid until res is freed). */
SMI_API int smi_vma_result_status(const smi_vma_result *res);
SMI_API const char *smi_vma_result_caveat(const smi_vma_result *res);
SMI_API const smi_vma *smi_vma_result_config(const smi_vma_result *res);
SMI_API const smi_data_id *smi_vma_result_data(const smi_vma_result *res);

/* Accessors; those with a capacity return SMI_OK or SMI_EINVAL (NULL, capacity too small).
 * smi_vma_result_n_sizes, smi_vma_result_trials, smi_vma_result_p: S sizes, T trials per size, p features (0 for
 *   NULL).
 * smi_vma_result_sizes: the S sizes n'. smi_vma_result_model: the true model as used (features k values
 *   in the order given, coefficients k values, intercept, noise_sd; arrays of capacity >= k
 *   or NULL; any pointer may be NULL).
 * smi_vma_result_recovery_rate: per size, the fraction of the T data sets whose chosen subset is
 *   exactly the true one.
 * smi_vma_result_selection_frequency: S x p row-major, the fraction of the T data sets choosing
 *   feature j (a failure chooses none).
 * smi_vma_result_chosen_size: S x (p + 1) row-major, how many data sets chose a subset of each
 *   size 0..p; smi_vma_result_failures: per size, the data sets on which the method failed. Each
 *   row of chosen sizes sums to T minus the failures of its size. */
SMI_API size_t smi_vma_result_n_sizes(const smi_vma_result *res);
SMI_API size_t smi_vma_result_trials(const smi_vma_result *res);
SMI_API size_t smi_vma_result_p(const smi_vma_result *res);
SMI_API int smi_vma_result_sizes(const smi_vma_result *res, size_t capacity, size_t *sizes);
SMI_API int smi_vma_result_model(const smi_vma_result *res, size_t capacity, size_t *features,
                          double *coefficients, size_t *k, double *intercept, double *noise_sd);
SMI_API int smi_vma_result_recovery_rate(const smi_vma_result *res, size_t capacity, double *rates);
SMI_API int smi_vma_result_selection_frequency(const smi_vma_result *res, size_t capacity,
                                        double *frequency);
SMI_API int smi_vma_result_chosen_size(const smi_vma_result *res, size_t capacity, uint64_t *counts);
SMI_API int smi_vma_result_failures(const smi_vma_result *res, size_t capacity, uint64_t *counts);

#ifdef __cplusplus
}
#endif

#endif /* SPARSEMI_H */
