/* The brute-force oracle of check_search.c: random problems, fold assignments, and every
 * criterion of one subset computed from scratch with LAPACK (dgels for least squares,
 * dgesvd for the rank, dpotrf/dpotrs for the free energy), never with the library's sweep.
 *  - RSS, AIC, BIC, FE: one fit on the original data (DESIGN.md 4.2; AIC and BIC count the
 *    intercept as a parameter when it is on, and k parameters when it is off).
 *  - CV: for each fold, a dgels fit on the training rows (every other fold) and the
 *    predictions of the held-out rows; CV = (1/n) sum of squared held-out errors.
 *  - LOO: n explicit leave-one-out dgels refits, each predicting its left-out row; never
 *    the leverage formula the library uses.
 * A subset is singular when a design it is fitted on (the full data, and for CV and LOO
 * every training set) has a small singular-value ratio; see SV_RATIO_SINGULAR. */
#ifndef SEARCH_ORACLE_H
#define SEARCH_ORACLE_H

#include <stddef.h>
#include <stdint.h>

#include "sparsemi.h"
#include "testutil.h"

#define MAX_P 20 /* random problems: a subset is a bit mask in uint32_t */
#define MAX_K 16 /* the largest model the oracle fits or a test reads back */

/* Criteria, coefficients and RMSE must agree with brute force to this relative error. */
#define REL_TOL 1e-9

/* The library calls a subset singular when a pivot falls below 1e-10 of its column's squared
 * norm: roughly, when the sine of the angle between a (centred) column and the span of the
 * others is below 1e-5; the exact verdict depends on the pivot order. The oracle looks at
 * r = smallest / largest singular value of the centred, unit-norm columns: singular below
 * 1e-6, regular above 1e-3, and in between borderline, where either verdict is accepted.
 * Exact dependencies give r < 1.2e-7 here (~1e-16 for the constructed ones, up to 1.2e-7 for
 * the float32-derived octet features); the random problems have no borderline subset.
 * For CV and LOO r is the smallest over the full data and every training set, each centred
 * with its own means; a training set with fewer rows than parameters has r = 0. */
#define SV_RATIO_SINGULAR 1e-6
#define SV_RATIO_REGULAR 1e-3

#define ORACLE_PI 3.14159265358979323846

/* ------------------------------------------------------------------------------------
 * Small helpers: subsets as bit masks (random numbers: testutil.h, a seeded 64-bit LCG)
 * ------------------------------------------------------------------------------------ */

size_t popcount32(uint32_t m);
size_t mask_to_indices(uint32_t mask, size_t *idx);
uint32_t indices_to_mask(const size_t *idx, size_t k);
/* Lexicographic order of ascending index lists; a proper prefix comes first. */
int compare_subsets(const size_t *a, size_t ka, const size_t *b, size_t kb);
double binomial(size_t n, size_t k);

/* ------------------------------------------------------------------------------------
 * Problems: X, y, column statistics, and a fold assignment
 * ------------------------------------------------------------------------------------ */

/* The folds of a problem's CV runs: problem_config_folds sets them on a search
 * configuration, problem_dataset computes them for the oracle (testutil.h). */
typedef enum {
    FOLDS_NONE = 0,
    FOLDS_KFOLD, /* smi_search_set_folds(cfg, k, shuffle, seed) */
    FOLDS_IDS    /* smi_search_set_fold_ids(cfg, problem.ids, n) */
} fold_kind;

typedef struct {
    fold_kind kind;
    size_t k;      /* FOLDS_KFOLD: the number of folds */
    int shuffle;   /* FOLDS_KFOLD */
    uint64_t seed; /* FOLDS_KFOLD; FOLDS_IDS: problem_set_folds draws k ids from it */
} fold_spec;

typedef struct {
    size_t n, p;
    double *X;    /* row-major n x p */
    double *y;    /* n */
    double *mean; /* column means, two-pass */
    double *sd;   /* population standard deviations (ddof 0) */
    double y_mean;
    fold_spec folds;
    int *ids;       /* FOLDS_IDS: the user's fold ids (any integers), n */
    int *fold;      /* after problem_dataset: the fold of each row, 0..n_folds-1, computed by
                       the documented rule (never read back from the library) */
    size_t n_folds; /* 0: none */
} problem;

void problem_alloc(problem *pr, size_t n, size_t p);
void problem_stats(problem *pr);
/* Columns with different offsets and scales (0.1, 1, 10); y depends on every other column
 * plus noise of standard deviation 0.5. No folds. */
void problem_random(problem *pr, uint64_t seed, size_t n, size_t p);
void problem_from_dataset(problem *pr, const smi_dataset *ds);
void problem_free(problem *pr);
/* The problem's folds; for FOLDS_IDS, ids drawn from spec->k and spec->seed: k distinct
 * integers, unsorted and of mixed signs, every one used, folds of unequal sizes. */
void problem_set_folds(problem *pr, const fold_spec *spec);
/* A data set of the problem (a data set carries no folds). pr->fold and pr->n_folds receive
 * the folds a run with problem_config_folds uses, computed independently of the library
 * by the rule of smi_search_set_folds (doc/api.md: xoshiro256** from the seed, Fisher-Yates,
 * fold perm[i] mod K) or the mapping of smi_search_set_fold_ids, and checked (fold sizes,
 * every training set at least 2 rows). */
smi_dataset *problem_dataset(problem *pr);
/* Set the problem's folds on a search configuration (FOLDS_NONE: leaves its folds as they
 * are, the defaults unless set). */
void problem_config_folds(const problem *pr, smi_search *cfg);

/* Exact and near dependencies among the columns (x_j is column j; p >= 5). */
typedef enum {
    COLLINEAR_DUPLICATE,        /* x3 = x1 */
    COLLINEAR_CONSTANT,         /* x2 = 2.5: its mean is exact, centring gives zeros */
    COLLINEAR_CONSTANT_INEXACT, /* x2 = 0.1: the mean is off by an ulp, centring leaves dust */
    COLLINEAR_SUM,              /* x4 = x0 + x1 */
    COLLINEAR_NEAR_SUM,         /* x4 = x0 + x1 + 0.01 e: full rank everywhere */
    COLLINEAR_ALL               /* duplicate, constant and sum at once */
} collinearity;
void problem_make_collinear(problem *pr, collinearity kind);

/* Dependencies on some training sets only (CV folds: fold 0's training rows, i.e. every
 * other fold's rows; LOO: the rows but one). */
typedef enum {
    TRAIN_NONE = 0,
    TRAIN_CONSTANT,         /* x2 = 1 on fold 0's training rows (every other fold) only */
    TRAIN_CONSTANT_INEXACT, /* x2 = 0.1 there: centring leaves rounding dust, not zeros */
    TRAIN_TWIN,             /* x3 = x1 on fold 0's training rows, not on fold 0 */
    ONE_ROW_FEATURE,        /* x2 = 0 but on row 3: leverage 1 there, zero without it */
    CONSTANT_BUT_ONE_ROW,   /* x2 = 1 but on row 5: leverage 1 there with an intercept */
    FEW_ROWS                /* the data unchanged, but training sets short of rows */
} train_collinearity;
void problem_make_train_collinear(problem *pr, train_collinearity kind);
/* The folds of the problem's runs, computed into pr->fold. */
void problem_plan_folds(problem *pr);

/* ------------------------------------------------------------------------------------
 * The oracle: one subset, fitted from scratch
 * ------------------------------------------------------------------------------------ */

typedef struct {
    int criterion;
    int intercept;
    int standardize;
    double alpha, beta; /* FE; alpha 0 means the defaults 1e-2 and 1 (not set in the config) */
} scoring;

typedef struct {
    int singular;   /* r < SV_RATIO_SINGULAR: not fitted */
    int borderline; /* SV_RATIO_SINGULAR <= r < SV_RATIO_REGULAR: fitted, either verdict */
    double ratio;   /* r */
    size_t k;
    size_t idx[MAX_K];
    double rss, value, intercept; /* rss, intercept, coef: the fit on all the data */
    double coef[MAX_K];
} fit;

/* Rank measure r of the subset on the rows with train[i] != 0 (train NULL: every row):
 * columns centred with those rows' means when the intercept is on, each scaled to unit
 * norm; a column that centring leaves at (near) zero is constant: r = 0; so is a design
 * with more parameters than rows. */
double oracle_sv_ratio(const problem *pr, const size_t *idx, size_t k, int intercept,
                       const unsigned char *train);
/* Sum of squared errors of the rows with train[i] == 0, predicted by the least-squares fit
 * (dgels) of y on [1, X_S] (or X_S) over the rows with train[i] != 0. */
double oracle_held_out_sse(const problem *pr, const size_t *idx, size_t k, int intercept,
                           const unsigned char *train);
/* K-fold CV over pr->fold, and leave-one-out by n refits: mean squared held-out errors. */
double oracle_cv(const problem *pr, const size_t *idx, size_t k, int intercept);
double oracle_loo(const problem *pr, const size_t *idx, size_t k, int intercept);
/* The smallest r over the training sets of CV (pr->fold) or LOO (each row left out). */
double oracle_training_sv_ratio(const problem *pr, const scoring *sc, const size_t *idx,
                                size_t k);
/* The oracle's fit of one subset (ascending indices). */
fit oracle_fit(const problem *pr, const scoring *sc, const size_t *idx, size_t k);

#endif
