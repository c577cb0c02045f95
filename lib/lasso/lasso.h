/* Internal view of the LASSO part: the LARS path (lars.c) and its result handle (lars_api.c).
 * Invariants of struct smi_lars (a finished path):
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

struct smi_lars {
    size_t p, n_knots, capacity; /* capacity: knots the arrays below can hold */
    int status;                  /* SMI_OK, or SMI_ESINGULAR: stopped at a dependent column */
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
                   const smi_lars_rule *rule, struct smi_lars *path);

#endif /* SMI_LASSO_H */
