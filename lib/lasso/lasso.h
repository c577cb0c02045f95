/* Internal view of the LASSO part: the LARS path (lars.c) and its result handle (lars_api.c);
 * coordinate descent (cd.c), its cross-validation (cd_cv.c) and API (cd_api.c).
 * Invariants of struct smi_lars_result (a finished path):
 *   (1) n_knots >= 1; knot 0 has alpha = alpha_max = max_j |x_j'y| / n and every coefficient 0;
 *   (2) alpha is non-increasing along the knots; between two knots the coefficients are
 *       linear in alpha (the path is piecewise linear);
 *   (3) coef (n_knots x p, row-major) is in standardised units, coef_orig and intercept in
 *       the data's original units; coef[k][j] != 0 only for j in the active set of knot k;
 *   (4) active holds n_knots rows of p entries, the first n_active[k] of row k the active
 *       features of knot k in the order they (last) entered. */
#ifndef SMI_LASSO_H
#define SMI_LASSO_H

#include <stddef.h>

#include "core/core.h"
#include "data/data.h"

/* The configuration: method SMI_LARS_LAR or SMI_LARS_LASSO; positive only with the LASSO. */
struct smi_lars {
    int method, positive;
    size_t max_steps;
};
void smi_lars_defaults(struct smi_lars *cfg);

struct smi_lars_result {
    size_t p, n_knots, capacity; /* capacity: knots the arrays below can hold */
    int status;                  /* SMI_OK, or SMI_ESINGULAR: stopped at a dependent column */
    smi_caveat caveat;           /* the status with its message (lars_api.c) */
    struct smi_lars cfg;         /* the configuration that made it */
    smi_data_id *data;           /* the data it was computed on */
    double *alpha;               /* n_knots */
    double *coef;                /* n_knots x p, standardised units */
    double *coef_orig;           /* n_knots x p, original units (filled by the API layer) */
    double *intercept;           /* n_knots (filled by the API layer) */
    size_t *active;              /* n_knots x p */
    size_t *n_active;            /* n_knots */
};

/* The stopping rule and variant of one LARS run. */
typedef struct smi_lars_rule {
    int lasso;        /* 0: least angle regression; 1: the LASSO modification (drops) */
    int positive;     /* 1: coefficients kept >= 0 (with lasso only) */
    size_t max_steps; /* steps after knot 0; 0: no limit (then 50 p + 100 at most) */
} smi_lars_rule;

/* smi_lars_solve: the LARS path of the p x p Gram matrix G (every entry filled, of
 * standardised centred columns) and the correlations c = X'y, for n samples; the knots are
 * appended to `path` (p set, no knot yet). Returns SMI_OK (path->status tells whether it
 * stopped at a rank-deficient active set) or SMI_ENOMEM. */
int smi_lars_solve(const double *G, const double *c, size_t p, size_t n,
                   const smi_lars_rule *rule, struct smi_lars_result *path);

/* ---- Coordinate descent (cd.c, cd_cv.c, cd_api.c) ----
 * Invariants of struct smi_lasso: 0 < alpha <= 1; n_lambda >= 1; min_ratio 0 (auto)
 * or in (0, 1); lambdas NULL (log-spaced path) or n_user strictly decreasing positive
 * values; penalty NULL (all 1) or n_penalty values >= 0 as given (rescaled when used);
 * tol > 0; max_passes >= 1. */
struct smi_lasso {
    double alpha, min_ratio, tol;
    size_t n_lambda, max_passes, threads;
    int positive;
    double *lambdas;  /* n_user values, or NULL */
    size_t n_user;
    double *penalty;  /* n_penalty values, or NULL */
    size_t n_penalty;
    int cv;           /* smi_lasso_run cross-validates on `folds` */
    smi_folds folds;
};

/* A finished fit: n_lambda solutions, coefficients in original units (row-major L x p);
 * the CV arrays only when has_cv. */
struct smi_lasso_result {
    struct smi_lasso cfg;   /* a deep copy of the configuration (smi_lasso_run) */
    int has_cfg;
    smi_data_id *data;      /* the data it was computed on (smi_lasso_run), or NULL */
    size_t p, n_lambda;
    double *lambda, *coef, *intercept;
    int has_cv;
    double *cv_mean, *cv_se;
    size_t index_min, index_1se;
};

/* smi_lasso_copy_into: a deep copy of src into *dst (arrays duplicated); free the copy's
 * arrays with smi_lasso_release. Returns SMI_OK or SMI_ENOMEM. */
int smi_lasso_copy_into(struct smi_lasso *dst, const struct smi_lasso *src);
void smi_lasso_release(struct smi_lasso *cfg);
void smi_lasso_defaults(struct smi_lasso *cfg);

/* One elastic-net problem on standardised data: Z (n x p column-major) has centred columns
 * with z'z = n, or all-zero columns (constant features, held at 0); y is centred. pf holds
 * the penalty factors already rescaled; thr the absolute convergence threshold on the
 * squared change of a coefficient (glmnet's thresh times y'y / n). */
typedef struct smi_cd_problem {
    size_t n, p;
    const double *Z, *y, *pf;
    double alpha, thr;
    size_t max_passes;
    int positive;
} smi_cd_problem;

/* smi_cd_lambda_max: the smallest lambda at which every penalised coefficient is 0 (the
 * unpenalised ones fitted). Returns SMI_OK, SMI_ENOCONV or SMI_ENOMEM. */
int smi_cd_lambda_max(const smi_cd_problem *pb, double *lambda_max);

/* smi_cd_path: the solutions at the L decreasing lambdas, warm-started one from the next,
 * into coef (L x p row-major, standardised units). lambda_prev0 is the lambda whose
 * solution is all penalised coefficients 0 (lambda_max), for the first strong rule.
 * Returns SMI_OK, SMI_ENOCONV (naming the lambda) or SMI_ENOMEM. */
int smi_cd_path(const smi_cd_problem *pb, double lambda_max, const double *lambdas, size_t L,
                double *coef);

/* Rows of a data set standardised for coordinate descent: Z (n x p column-major) and the
 * centred y; mean and sd of each feature (sd 1 for a column held at 0: see strict). */
typedef struct smi_cd_data {
    size_t n, p;
    double *Z, *y, *mean, *sd;
    double y_mean, y_var; /* y_var: y'y / n of the centred y */
} smi_cd_data;

/* smi_cd_data_build: rows (n_rows indices, or NULL for all) of ds. A constant feature is
 * SMI_ECONSTANT when strict, else a zero column (its coefficient stays 0). */
int smi_cd_data_build(const smi_dataset *ds, const size_t *rows, size_t n_rows, int strict,
                      smi_cd_data *d);
void smi_cd_data_free(smi_cd_data *d);
/* smi_cd_problem_of: the elastic-net problem of cfg on d (pf: the scaled penalty factors). */
smi_cd_problem smi_cd_problem_of(const smi_cd_data *d, const struct smi_lasso *cfg,
                                 const double *pf);

/* smi_cd_fit_rows: the path of cfg at `lambdas` on d, coefficients (L x p) and intercepts
 * (L) in original units. pf: the rescaled penalty factors. */
int smi_cd_fit_rows(const smi_cd_data *d, const struct smi_lasso *cfg, const double *pf,
                    const double *lambdas, size_t L, double *coef, double *intercept);

/* smi_lasso_solve_path: the path on ds (with_cv 1: and its CV on ds's resolved folds); strict 0 holds a constant
 * feature at 0 instead of failing (VMA's synthetic data sets), `who` names the caller in
 * messages. */
int smi_lasso_solve_path(const smi_dataset *ds, const struct smi_lasso *cfg, int with_cv,
                  int strict, struct smi_lasso_result **out, const char *who);

/* smi_lasso_cv_run: the K-fold CV of fit (lambdas and p set) on ds's folds, filling the CV
 * arrays of fit. */
int smi_lasso_cv_run(const smi_dataset *ds, const struct smi_lasso *cfg,
                     const double *pf, struct smi_lasso_result *fit);

#endif /* SMI_LASSO_H */
