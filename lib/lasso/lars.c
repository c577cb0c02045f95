/* The LARS path (Efron, Hastie, Johnstone and Tibshirani 2004; DESIGN.md 4.6) on a Gram
 * matrix G = X'X of standardised, centred columns and the correlations c = X'y.
 * After every knot, with w the coefficients, r = y - X w and cov = X'r:
 *   (1) every active j has cov_j = s_j C, s_j its sign (+1 with positivity) and C >= 0 the
 *       common correlation, and every inactive j has |cov_j| <= C (cov_j <= C if positive);
 *       the knot's penalty is alpha = C / n, as scikit-learn's lars_path reports it;
 *   (2) L is the lower Cholesky factor of G on the active set, rows in entry order;
 *   (3) lasso: w_j has the sign s_j, or is 0, for every active j.
 * A step moves w along the equiangular direction u = AA G_AA^-1 s, AA = (s'G_AA^-1 s)^-1/2,
 * along which every active correlation falls at rate AA, by the smallest gamma > 0 at which
 *   - an inactive correlation reaches +-C: that feature enters at the next step;
 *   - lasso only: an active coefficient reaches 0: it leaves (see entry_gamma);
 *   - C reaches 0 (gamma = C / AA): the least-squares fit on the active set ends the path.
 * Features whose event falls within SMI_LARS_TIE * C / AA of the smallest one take part in
 * the same knot (ties enter or leave together). A feature whose column lies within a
 * relative SMI_LARS_DEPENDENT of the span of the active columns cannot enter: the path
 * stops there with status SMI_ESINGULAR (rank-deficient active set).
 * Least angle regression (no lasso) lets a coefficient pass through 0 and keeps the signs
 * of the correlations; scikit-learn's 'lar' flips s_j there instead (their drop test runs
 * for both variants), which changes nothing on paths where no crossing happens before the
 * last step.
 * Cost per step: O(p k) for the direction's correlations and O(k^2) for the triangular
 * solves, k the active size; an entry O(k^2), a removal O(k^2) Givens rotations. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lasso/lasso.h"

#define SMI_LARS_TIE 1e-11
#define SMI_LARS_DEPENDENT 1e-7

/* The working state of one path: Cholesky factor and active set in entry order. */
typedef struct lars_state {
    size_t p, k;       /* features, active size */
    double *L;         /* p x p row-major, lower factor in the leading k x k block */
    size_t *act;       /* k active features, entry order */
    double *sign;      /* s of act[i] */
    unsigned char *in; /* p flags: 1 active; 2 (3) left at the last knot with sign + (-) */
} lars_state;

static int knot_append(struct smi_lars_result *path, double alpha, const double *coef,
                       const lars_state *st)
{
    size_t p = path->p;
    if (path->n_knots == path->capacity) {
        size_t cap = path->capacity ? 2 * path->capacity : p + 2;
        double *a = realloc(path->alpha, cap * sizeof *a);
        if (a)
            path->alpha = a;
        double *c = a ? realloc(path->coef, cap * p * sizeof *c) : NULL;
        if (c)
            path->coef = c;
        size_t *s = c ? realloc(path->active, cap * p * sizeof *s) : NULL;
        if (s)
            path->active = s;
        size_t *m = s ? realloc(path->n_active, cap * sizeof *m) : NULL;
        if (!m)
            return smi_error_set(SMI_ENOMEM, "out of memory for %zu LARS knots", cap);
        path->n_active = m;
        path->capacity = cap;
    }
    size_t t = path->n_knots++;
    path->alpha[t] = alpha;
    memcpy(path->coef + t * p, coef, p * sizeof *coef);
    memcpy(path->active + t * p, st->act, st->k * sizeof *st->act);
    path->n_active[t] = st->k;
    return SMI_OK;
}

/* b <- (L L')^-1 b on the leading k x k block. */
static void chol_solve(const double *L, size_t ld, size_t k, double *b)
{
    for (size_t i = 0; i < k; i++) {
        double s = b[i];
        for (size_t m = 0; m < i; m++)
            s -= L[i * ld + m] * b[m];
        b[i] = s / L[i * ld + i];
    }
    for (size_t i = k; i-- > 0;) {
        double s = b[i];
        for (size_t m = i + 1; m < k; m++)
            s -= L[m * ld + i] * b[m];
        b[i] = s / L[i * ld + i];
    }
}

/* Append feature j to the factor: row k of L solves L_k x = G[act, j]. Returns 0 when j's
 * column is numerically dependent on the active ones (nothing changed), else 1. */
static int chol_add(lars_state *st, const double *G, size_t j, double s)
{
    size_t p = st->p, k = st->k;
    double *row = st->L + k * p, ss = 0.0;
    for (size_t i = 0; i < k; i++) {
        double v = G[st->act[i] * p + j];
        for (size_t m = 0; m < i; m++)
            v -= st->L[i * p + m] * row[m];
        row[i] = v / st->L[i * p + i];
        ss += row[i] * row[i];
    }
    double d2 = G[j * p + j] - ss;
    if (!(d2 > SMI_LARS_DEPENDENT * SMI_LARS_DEPENDENT * G[j * p + j]))
        return 0;
    row[k] = sqrt(d2);
    st->act[k] = j;
    st->sign[k] = s;
    st->in[j] = 1;
    st->k = k + 1;
    return 1;
}

/* Remove active position i: shift the rows below up, then rotate column pairs (r, r+1)
 * so the factor is lower triangular again (L L' is unchanged by the rotations). */
static void chol_delete(lars_state *st, size_t i)
{
    size_t p = st->p, k = st->k;
    double *L = st->L;
    for (size_t r = i; r + 1 < k; r++) {
        memcpy(L + r * p, L + (r + 1) * p, k * sizeof *L);
        st->act[r] = st->act[r + 1];
        st->sign[r] = st->sign[r + 1];
    }
    for (size_t r = i; r + 1 < k; r++) {
        double a = L[r * p + r], b = L[r * p + r + 1], h = hypot(a, b);
        double c = a / h, s = b / h;
        for (size_t m = r; m + 1 < k; m++) {
            double x = L[m * p + r], y = L[m * p + r + 1];
            L[m * p + r] = c * x + s * y;
            L[m * p + r + 1] = -s * x + c * y;
        }
        L[r * p + r] = h;
        L[r * p + r + 1] = 0.0;
    }
    st->k = k - 1;
}

/* The smallest gamma > 0 at which inactive j's correlation reaches +C or -C (C falling as
 * C - gamma AA); INFINITY when it never does along this direction. A feature that left at
 * the last knot with sign s sits at s C and falls faster than C (that is why it left, and
 * both are linear in gamma): only -s C can catch it in this step. */
static double entry_gamma(double C, double AA, double cov, double a, int positive, int left)
{
    double g = INFINITY;
    if (left != 2 && AA - a > 0.0)
        g = fmax((C - cov) / (AA - a), 0.0);
    if (!positive && left != 3 && AA + a > 0.0)
        g = fmin(g, fmax((C + cov) / (AA + a), 0.0));
    return g;
}

int smi_lars_solve(const double *G, const double *c, size_t p, size_t n,
                   const smi_lars_rule *rule, struct smi_lars_result *path)
{
    lars_state st = { .p = p, .k = 0 };
    double *buf = smi_alloc_array(p * p + 6 * p, sizeof *buf, "LARS workspace");
    st.act = smi_alloc_array(2 * p, sizeof *st.act, "LARS active set");
    st.in = smi_calloc_array(2 * p, 1, "LARS flags");
    if (!buf || !st.act || !st.in) {
        free(buf), free(st.act), free(st.in);
        return SMI_ENOMEM;
    }
    st.L = buf;
    st.sign = buf + p * p;
    double *coef = st.sign + p, *cov = coef + p, *u = cov + p, *a = u + p, *g = a + p;
    size_t *events = st.act + p; /* features entering or leaving at this knot */
    unsigned char *leave = st.in + p;
    memset(coef, 0, p * sizeof *coef);
    memcpy(cov, c, p * sizeof *cov);

    const int positive = rule->positive;
    size_t limit = rule->max_steps ? rule->max_steps : 50 * p + 100;
    double C = 0.0;
    for (size_t j = 0; j < p; j++)
        C = fmax(C, positive ? cov[j] : fabs(cov[j]));
    int rc = knot_append(path, C / (double)n, coef, &st);
    path->status = SMI_OK;

    /* The first features: those whose correlation ties with the largest. */
    size_t n_enter = 0;
    for (size_t j = 0; j < p && C > 0.0; j++)
        if ((positive ? cov[j] : fabs(cov[j])) >= C * (1.0 - SMI_LARS_TIE))
            events[n_enter++] = j;

    for (size_t step = 0; rc == SMI_OK && C > 0.0 && step < limit; step++) {
        for (size_t e = 0; e < n_enter; e++) {
            size_t j = events[e];
            if (!chol_add(&st, G, j, positive || cov[j] >= 0.0 ? 1.0 : -1.0)) {
                path->status = smi_error_set(SMI_ESINGULAR,
                                             "LARS stopped at alpha %g: feature %zu is linearly"
                                             " dependent on the %zu active ones",
                                             C / (double)n, j, st.k);
                goto done;
            }
        }

        /* Equiangular direction u on the active set and a = G u for every feature. */
        memcpy(u, st.sign, st.k * sizeof *u);
        chol_solve(st.L, p, st.k, u);
        double S = 0.0;
        for (size_t i = 0; i < st.k; i++)
            S += st.sign[i] * u[i];
        double AA = 1.0 / sqrt(S);
        for (size_t i = 0; i < st.k; i++)
            u[i] *= AA;
        for (size_t j = 0; j < p; j++) {
            double v = 0.0;
            for (size_t i = 0; i < st.k; i++)
                v += G[j * p + st.act[i]] * u[i];
            a[j] = v;
        }

        /* The step: the nearest entry, drop or the end of the path. */
        double gmax = C / AA, gamma = gmax;
        for (size_t j = 0; j < p; j++) {
            g[j] = st.in[j] == 1 ? INFINITY
                                 : entry_gamma(C, AA, cov[j], a[j], positive, st.in[j]);
            gamma = fmin(gamma, g[j]);
        }
        int drop = 0;
        if (rule->lasso) {
            double zmin = gamma;
            for (size_t i = 0; i < st.k; i++) {
                double z = -coef[st.act[i]] / u[i];
                g[st.act[i]] = z > 0.0 ? z : INFINITY;
                zmin = fmin(zmin, g[st.act[i]]);
            }
            if (zmin < gamma - SMI_LARS_TIE * gmax)
                drop = 1, gamma = zmin;
        }
        int final = !drop && gamma >= gmax * (1.0 - SMI_LARS_TIE);
        if (final)
            gamma = gmax;

        n_enter = 0;
        size_t n_leave = 0;
        for (size_t j = 0; j < p && !final; j++) {
            if (!(g[j] <= gamma + SMI_LARS_TIE * gmax))
                continue;
            if (st.in[j] == 1 && drop)
                leave[j] = 1, n_leave++;
            else if (st.in[j] != 1 && !drop)
                events[n_enter++] = j;
        }
        for (size_t j = 0; j < p; j++) /* the restriction lasts the one step after leaving */
            if (st.in[j] > 1)
                st.in[j] = 0;
        for (size_t i = 0; i < st.k; i++)
            coef[st.act[i]] += gamma * u[i];
        for (size_t j = 0; j < p; j++)
            cov[j] -= gamma * a[j];
        C = final ? 0.0 : fmax(C - gamma * AA, 0.0);
        for (size_t i = st.k; n_leave > 0 && i-- > 0;) {
            size_t j = st.act[i];
            if (leave[j]) {
                leave[j] = 0, n_leave--;
                coef[j] = 0.0;
                st.in[j] = st.sign[i] > 0.0 ? 2 : 3;
                chol_delete(&st, i);
            }
        }
        rc = knot_append(path, C / (double)n, coef, &st);
    }
done:
    free(buf), free(st.act), free(st.in);
    return rc;
}
