/* Coordinate descent for the elastic net on standardised data (Friedman, Hastie and
 * Tibshirani 2010, "naive" updates on the residual), with the sequential strong rule
 * (Tibshirani et al. 2012) and a check of the optimality (KKT) conditions of every
 * screened-out feature before a solution is accepted. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lasso/lasso.h"
#include "linalg/linalg.h"

typedef struct cd_state {
    const smi_cd_problem *pb;
    double *w;              /* p coefficients (standardised units) */
    double *r;              /* n residuals y - Zw */
    double *g;              /* p gradients z_j'r / n at the last KKT check */
    unsigned char *strong;  /* p: feature in the strong set */
    unsigned char *ever;    /* p: feature in the active list */
    size_t *strong_list, n_strong;
    size_t *active, n_active; /* features ever nonzero, in order of entry */
    size_t passes;
} cd_state;

static void state_free(cd_state *st)
{
    free(st->w);
    free(st->r);
    free(st->g);
    free(st->strong);
    free(st->ever);
    free(st->strong_list);
    free(st->active);
}

static int state_init(cd_state *st, const smi_cd_problem *pb)
{
    size_t n = pb->n, p = pb->p;
    memset(st, 0, sizeof *st);
    st->pb = pb;
    st->w = smi_calloc_array(p, sizeof *st->w, "coordinate descent coefficients");
    st->r = smi_alloc_array(n, sizeof *st->r, "coordinate descent residuals");
    st->g = smi_calloc_array(p, sizeof *st->g, "coordinate descent gradients");
    st->strong = smi_calloc_array(p, 1, "strong set");
    st->ever = smi_calloc_array(p, 1, "active set");
    st->strong_list = smi_alloc_array(p, sizeof *st->strong_list, "strong set");
    st->active = smi_alloc_array(p, sizeof *st->active, "active set");
    if (!st->w || !st->r || !st->g || !st->strong || !st->ever || !st->strong_list ||
        !st->active) {
        state_free(st);
        return SMI_ENOMEM;
    }
    memcpy(st->r, pb->y, n * sizeof *st->r);
    return SMI_OK;
}

static void add_strong(cd_state *st, size_t j)
{
    if (!st->strong[j]) {
        st->strong[j] = 1;
        st->strong_list[st->n_strong++] = j;
    }
}

/* z'r with four partial sums, which the compiler can keep in vector registers (one sum
 * cannot be reordered without -ffast-math). This and the residual update below are the
 * hot loop of the path: as plain loops they cost less than two BLAS calls per coordinate
 * at the few hundred samples this library is for (bench_lasso times the whole path). */
static double dot(const double *z, const double *r, size_t n)
{
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += z[i] * r[i];
        s1 += z[i + 1] * r[i + 1];
        s2 += z[i + 2] * r[i + 2];
        s3 += z[i + 3] * r[i + 3];
    }
    for (; i < n; i++)
        s0 += z[i] * r[i];
    return (s0 + s2) + (s1 + s3);
}

/* Minimise over coordinate j at penalties l1 = lambda a, l2 = lambda (1 - a); returns the
 * squared change. */
static double update(cd_state *st, size_t j, double l1, double l2)
{
    const smi_cd_problem *pb = st->pb;
    size_t n = pb->n;
    const double *z = pb->Z + j * n;
    double *r = st->r;
    double gj = dot(z, r, n) / (double)n + st->w[j], t = l1 * pb->pf[j], u;
    if (gj > t)
        u = gj - t;
    else if (gj < -t && !pb->positive)
        u = gj + t;
    else
        u = 0.0;
    double wj = u / (1.0 + l2 * pb->pf[j]), delta = wj - st->w[j];
    if (delta == 0.0)
        return 0.0;
    st->w[j] = wj;
    for (size_t i = 0; i < n; i++)
        r[i] -= delta * z[i];
    if (!st->ever[j]) {
        st->ever[j] = 1;
        st->active[st->n_active++] = j;
    }
    return delta * delta;
}

/* One pass over `list`; the largest squared change. */
static double pass(cd_state *st, const size_t *list, size_t count, double l1, double l2)
{
    double largest = 0.0;
    for (size_t k = 0; k < count; k++) {
        double d = update(st, list[k], l1, l2);
        if (d > largest)
            largest = d;
    }
    st->passes++;
    return largest;
}

static int not_converged(const cd_state *st, double lambda)
{
    return smi_error_set(SMI_ENOCONV, "coordinate descent did not converge at lambda %.6g in "
                         "%zu passes (smi_lasso_set_tolerance)", lambda,
                         st->pb->max_passes);
}

/* Passes over the strong set, with inner passes over the active features alone between
 * them, until a full pass over the strong set changes no coefficient by more than thr. */
static int descend(cd_state *st, double lambda)
{
    const smi_cd_problem *pb = st->pb;
    double l1 = lambda * pb->alpha, l2 = lambda * (1.0 - pb->alpha);
    for (;;) {
        if (pass(st, st->strong_list, st->n_strong, l1, l2) <= pb->thr)
            return SMI_OK;
        for (;;) {
            if (st->passes > pb->max_passes)
                return not_converged(st, lambda);
            /* The active list grows only inside the pass, never while we read it. */
            if (pass(st, st->active, st->n_active, l1, l2) <= pb->thr)
                break;
        }
        if (st->passes > pb->max_passes)
            return not_converged(st, lambda);
    }
}

/* g = Z'r / n for every feature (BLAS); then every feature outside the strong set whose
 * gradient breaks its optimality condition at zero joins it. Returns how many joined. */
static size_t check_kkt(cd_state *st, double lambda)
{
    const smi_cd_problem *pb = st->pb;
    int n = (int)pb->n, p = (int)pb->p, one = 1;
    double scale = 1.0 / (double)pb->n, zero = 0.0, l1 = lambda * pb->alpha;
    dgemv_("T", &n, &p, &scale, pb->Z, &n, st->r, &one, &zero, st->g, &one, 1);
    size_t joined = 0;
    for (size_t j = 0; j < pb->p; j++) {
        if (st->strong[j])
            continue;
        double gj = pb->positive ? st->g[j] : fabs(st->g[j]);
        if (gj > l1 * pb->pf[j]) {
            add_strong(st, j);
            joined++;
        }
    }
    return joined;
}

static int solve_at(cd_state *st, double lambda)
{
    st->passes = 0;
    do {
        SMI_TRY(descend(st, lambda));
    } while (check_kkt(st, lambda) > 0);
    return SMI_OK;
}

/* The sequential strong rule for the step from lambda_prev to lambda: feature j is kept
 * when |g_j| >= a f_j (2 lambda - lambda_prev), g from the solution at lambda_prev; the
 * features ever active and the unpenalised ones are always kept. */
static void screen(cd_state *st, double lambda, double lambda_prev)
{
    const smi_cd_problem *pb = st->pb;
    double cut = pb->alpha * (2.0 * lambda - lambda_prev);
    memset(st->strong, 0, pb->p);
    st->n_strong = 0;
    for (size_t j = 0; j < pb->p; j++) {
        double gj = pb->positive ? st->g[j] : fabs(st->g[j]);
        if (st->ever[j] || pb->pf[j] == 0.0 || gj >= cut * pb->pf[j])
            add_strong(st, j);
    }
}

/* The unpenalised features fitted alone (lambda plays no part for them), g filled. */
static int fit_unpenalised(cd_state *st)
{
    const smi_cd_problem *pb = st->pb;
    for (size_t j = 0; j < pb->p; j++)
        if (pb->pf[j] == 0.0)
            add_strong(st, j);
    st->passes = 0;
    SMI_TRY(descend(st, 0.0));
    /* An infinite lambda: nothing penalised may join, only g is wanted. */
    check_kkt(st, HUGE_VAL);
    return SMI_OK;
}

/* An unpenalised feature that is not a zero column (a feature held at 0). */
static int fitted_freely(const smi_cd_problem *pb, size_t j)
{
    if (pb->pf[j] != 0.0)
        return 0;
    for (size_t i = 0; i < pb->n; i++)
        if (pb->Z[j * pb->n + i] != 0.0)
            return 1;
    return 0;
}

/* r = y minus its least-squares fit on the unpenalised (non-zero) columns, by QR: exact,
 * where coordinate descent would stop at its tolerance and leave lambda_max to depend on
 * it (it is rounding noise when those columns fit y exactly). */
static int unpenalised_residual(const smi_cd_problem *pb, double *r)
{
    size_t n = pb->n, u = 0;
    memcpy(r, pb->y, n * sizeof *r);
    for (size_t j = 0; j < pb->p; j++)
        u += (size_t)fitted_freely(pb, j);
    if (u == 0)
        return SMI_OK;
    SMI_FAIL_IF(u >= n, SMI_ESINGULAR, "LASSO: %zu unpenalised features for %zu samples", u, n);
    double *A = smi_alloc_array(n * u + 2 * u, sizeof *A, "unpenalised features");
    if (!A)
        return SMI_ENOMEM;
    double *x = A + n * u, *scale = x + u, rss;
    size_t c = 0;
    for (size_t j = 0; j < pb->p; j++)
        if (fitted_freely(pb, j)) {
            memcpy(A + c * n, pb->Z + j * n, n * sizeof *A);
            scale[c++] = sqrt((double)n);
        }
    int rc = smi_linalg_lstsq(A, n, u, pb->y, scale, 1e-10, x, &rss);
    for (size_t k = 0; rc == SMI_OK && k < u; k++)
        for (size_t i = 0; i < n; i++)
            r[i] -= A[k * n + i] * x[k];
    free(A);
    if (rc == SMI_ESINGULAR)
        return smi_error_set(rc, "LASSO: the unpenalised features are linearly dependent");
    return rc;
}

int smi_cd_lambda_max(const smi_cd_problem *pb, double *lambda_max)
{
    cd_state st;
    SMI_TRY(state_init(&st, pb));
    int rc = unpenalised_residual(pb, st.r), n = (int)pb->n, p = (int)pb->p, one = 1;
    double scale = 1.0 / (double)pb->n, zero = 0.0, top = 0.0;
    if (rc == SMI_OK)
        dgemv_("T", &n, &p, &scale, pb->Z, &n, st.r, &one, &zero, st.g, &one, 1);
    for (size_t j = 0; rc == SMI_OK && j < pb->p; j++)
        if (pb->pf[j] > 0.0 && fabs(st.g[j]) / pb->pf[j] > top)
            top = fabs(st.g[j]) / pb->pf[j];
    /* As glmnet: |g| even under positivity, and a = 1e-3 at most for the ridge end. */
    *lambda_max = top / (pb->alpha > 1e-3 ? pb->alpha : 1e-3);
    state_free(&st);
    return rc;
}

int smi_cd_path(const smi_cd_problem *pb, double lambda_max, const double *lambdas, size_t L,
                double *coef)
{
    cd_state st;
    SMI_TRY(state_init(&st, pb));
    int rc = fit_unpenalised(&st);
    /* lambda_max takes a >= 1e-3 (glmnet's sequence); every penalised coefficient is 0 only
     * from max_j |g_j| / (a f_j) on, which is larger when a < 1e-3. */
    double zero_from = pb->alpha >= 1e-3 ? lambda_max : lambda_max * (1e-3 / pb->alpha);
    double lambda_prev = zero_from > lambdas[0] ? zero_from : lambdas[0];
    for (size_t k = 0; rc == SMI_OK && k < L; k++) {
        /* From there on the solution is known; solving would only let rounding push a
         * coefficient 1e-17 off 0. */
        if (lambdas[k] < zero_from) {
            screen(&st, lambdas[k], lambda_prev);
            rc = solve_at(&st, lambdas[k]);
        }
        memcpy(coef + k * pb->p, st.w, pb->p * sizeof *coef);
        lambda_prev = lambdas[k];
    }
    state_free(&st);
    return rc;
}
