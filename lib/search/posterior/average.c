/* Exact model averaging of the coefficients for searches of at most SMI_AVERAGE_MAX_FREE
 * candidate features (up to about a million subsets): E[w_j | y] = sum_S p(S | y) m_j(S),
 * m(S) the posterior mean of subset S at the criterion's hyperparameters (smi_fit).
 * The sweep does not give m(S) (it keeps only the undecided columns), so each task walks its
 * subsets a second time with a Cholesky factor of lambda I + Z_S'Z_S per ratio, one row
 * appended per included feature (O(k^2)), from which F(S) (as the sweep defines it) and
 * m(S) (two triangular solves) follow. Weights and sums go through per-task doubles into
 * exact sums, as the posterior's do (posterior.c): positive and negative parts apart. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"

#define LN2_HI 6.93147180369123816490e-01
#define LN2_LO 1.90821492927058770002e-10
#define RESCALE_AT 600.0
#define SKIP_BELOW (60.0 * 0.69314718055994530942) /* ln 2^60 */

struct smi_avg {
    const smi_problem *pb;
    size_t G, kmax, p, dim; /* ratios, largest model, features, Gram dimension */
    double lambda[SMI_RATIO_GRID_MAX];
    double *L;      /* G x kmax x kmax: lower Cholesky factors, row-major */
    double *u;      /* G x kmax: L^-1 b_S */
    double *logdet; /* G x (kmax + 1): ln|lambda I + Z_S'Z_S| per depth */
    double *uu;     /* G x (kmax + 1): |u|^2 per depth */
    size_t *cols;   /* the Gram columns of the model, in order */
    double *m, *mg; /* kmax: the posterior mean (standardised units), one ratio's */
    double *sum;    /* p + 1: weighted original-unit coefficients and intercept */
    double wsum;
    int started;
    int64_t shift;
    double log_odds;
    double top_lw;  /* the largest ln weight of the task so far */
};

int smi_avg_create(smi_avg **out, const smi_problem *pb)
{
    *out = NULL;
    if (!pb->avg_gram)
        return SMI_OK;
    smi_avg *a = smi_calloc_array(1, sizeof *a, "model average");
    if (!a)
        return SMI_ENOMEM;
    const struct smi_search *cfg = pb->cfg;
    a->pb = pb;
    a->G = pb->n_grid ? pb->n_grid : 1;
    a->kmax = pb->kmax;
    a->p = pb->p;
    a->dim = pb->n_keep + pb->q + 1;
    for (size_t g = 0; g < a->G; g++)
        a->lambda[g] = pb->n_grid ? exp(pb->ln_ratio[g]) : smi_fe_alpha(cfg) / smi_fe_beta(cfg);
    a->log_odds = log(cfg->prior_q) - log1p(-cfg->prior_q);
    size_t K = a->kmax ? a->kmax : 1;
    a->L = smi_calloc_array(a->G * K, K * sizeof *a->L, "model average");
    a->u = smi_calloc_array(a->G, K * sizeof *a->u, "model average");
    a->logdet = smi_calloc_array(a->G, (K + 1) * sizeof *a->logdet, "model average");
    a->uu = smi_calloc_array(a->G, (K + 1) * sizeof *a->uu, "model average");
    a->cols = smi_calloc_array(K, sizeof *a->cols, "model average");
    a->m = smi_calloc_array(K, sizeof *a->m, "model average");
    a->mg = smi_calloc_array(K, sizeof *a->mg, "model average");
    a->sum = smi_calloc_array(a->p + 1, sizeof *a->sum, "model average");
    if (!a->L || !a->u || !a->logdet || !a->uu || !a->cols || !a->m || !a->mg || !a->sum) {
        smi_avg_free(a);
        return SMI_ENOMEM;
    }
    *out = a;
    return SMI_OK;
}

void smi_avg_free(smi_avg *a)
{
    if (!a)
        return;
    free(a->L);
    free(a->u);
    free(a->logdet);
    free(a->uu);
    free(a->cols);
    free(a->m);
    free(a->mg);
    free(a->sum);
    free(a);
}

/* Append Gram column c as row k of every ratio's factor; 0 when a pivot is not positive
 * to the search's relative tolerance (the subset is singular). */
static int append(smi_avg *a, size_t k, size_t c)
{
    const double *Gm = a->pb->avg_gram;
    size_t K = a->kmax, d = a->dim, y = d - 1;
    a->cols[k] = c;
    for (size_t g = 0; g < a->G; g++) {
        double *L = a->L + g * K * K, *row = L + k * K, *u = a->u + g * K;
        double diag = a->lambda[g] + Gm[c * d + c], uy = Gm[c * d + y];
        for (size_t t = 0; t < k; t++) { /* row = L^-1 G_S,c by forward substitution */
            double v = Gm[a->cols[t] * d + c];
            for (size_t s = 0; s < t; s++)
                v -= L[t * K + s] * row[s];
            row[t] = v / L[t * K + t];
            diag -= row[t] * row[t];
            uy -= row[t] * u[t];
        }
        if (!(diag > SMI_PIVOT_TOLERANCE * (a->lambda[g] + Gm[c * d + c])))
            return 0;
        row[k] = sqrt(diag);
        u[k] = uy / row[k];
        a->logdet[g * (K + 1) + k + 1] = a->logdet[g * (K + 1) + k] + log(diag);
        a->uu[g * (K + 1) + k + 1] = a->uu[g * (K + 1) + k] + u[k] * u[k];
    }
    return 1;
}

/* The posterior mean of ratio g, k features: m = L'^-1 u. */
static void solve_mean(const smi_avg *a, size_t g, size_t k, double *m)
{
    size_t K = a->kmax;
    const double *L = a->L + g * K * K, *u = a->u + g * K;
    for (size_t t = k; t-- > 0;) {
        double v = u[t];
        for (size_t s = t + 1; s < k; s++)
            v -= L[s * K + t] * m[s];
        m[t] = v / L[t * K + t];
    }
}

static void rescale(smi_avg *a, int64_t shift)
{
    int by = (int)(a->shift - shift);
    for (size_t j = 0; j <= a->p; j++)
        a->sum[j] = ldexp(a->sum[j], by);
    a->wsum = ldexp(a->wsum, by);
    a->shift = shift;
}

/* The model of the first k factor rows (free candidates of them: free_k). */
static void record(smi_avg *a, size_t k, size_t free_k)
{
    const smi_problem *pb = a->pb;
    const struct smi_search *cfg = pb->cfg;
    size_t K = a->kmax, y = a->dim - 1;
    double R[SMI_RATIO_GRID_MAX], Ld[SMI_RATIO_GRID_MAX], pi[SMI_RATIO_GRID_MAX];
    double yy = pb->avg_gram[y * a->dim + y], F;
    for (size_t g = 0; g < a->G; g++) {
        R[g] = yy - a->uu[g * (K + 1) + k];
        Ld[g] = a->logdet[g * (K + 1) + k];
    }
    if (pb->n_grid) {
        F = smi_grid_value(pb, k, R, Ld);
        smi_grid_weights(pb, k, R, Ld, pi);
    } else { /* fe at (alpha, beta) = (lambda beta, beta); fe-ng with beta = 1 */
        double beta = smi_fe_beta(cfg);
        F = smi_criterion_value(pb, k, beta * R[0], (double)k * log(beta) + Ld[0]);
        pi[0] = 1.0;
    }
    if (!smi_value_in_range(F)) /* counted apart by the sweep, not weighted */
        return;
    double lw = -F + (double)free_k * a->log_odds;
    if (!(fabs(lw) < 1e15)) /* not a weight a double can scale: its sums report it */
        lw = copysign(1e15, lw);
    int64_t want = (int64_t)floor(lw / LN2_HI);
    if (!a->started) {
        a->shift = want;
        a->started = 1;
        a->top_lw = lw;
    }
    a->top_lw = fmax(a->top_lw, lw);
    double x = (lw - (double)a->shift * LN2_HI) - (double)a->shift * LN2_LO;
    if (x > RESCALE_AT) {
        rescale(a, want);
        x = (lw - (double)a->shift * LN2_HI) - (double)a->shift * LN2_LO;
    }
    double w = exp(x);
    a->wsum += w;
    /* A model 2^-60 below the task's heaviest so far changes no sum by more than its
     * rounding (a million of them by 2^-40): its mean is not worth two triangular solves,
     * which are most of the time here. The task's order is fixed, so this is too. */
    if (lw < a->top_lw - SKIP_BELOW)
        return;
    memset(a->m, 0, k * sizeof *a->m);
    for (size_t g = 0; g < a->G; g++) {
        if (pi[g] < 0x1p-60) /* below rounding of the sum: the same result, less work */
            continue;
        solve_mean(a, g, k, a->mg);
        for (size_t t = 0; t < k; t++)
            a->m[t] += pi[g] * a->mg[t];
    }
    double intercept = pb->avg_ymean;
    for (size_t t = 0; t < k; t++) {
        size_t f = pb->avg_feature[a->cols[t]];
        double coef = a->m[t] * pb->avg_scale[a->cols[t]];
        a->sum[f] += w * coef;
        intercept -= coef * pb->avg_xmean[a->cols[t]];
    }
    a->sum[a->p] += w * intercept;
}

/* Every descendant of the node whose first k rows are built; candidates from `first`. */
static void visit(smi_avg *a, size_t k, size_t free_k, size_t first)
{
    const smi_problem *pb = a->pb;
    for (size_t c = first; c < pb->q; c++) {
        if (!append(a, k, pb->n_keep + c))
            continue;
        if (k + 1 >= pb->kmin)
            record(a, k + 1, free_k + 1);
        if (k + 1 < pb->kmax)
            visit(a, k + 1, free_k + 1, c + 1);
    }
}

static void note(smi_collector *c, int rc)
{
    if (rc != SMI_OK && c->post_status == SMI_OK)
        c->post_status = rc;
}

void smi_avg_task(smi_avg *a, const smi_task *task, smi_collector *col)
{
    if (!a)
        return;
    const smi_problem *pb = a->pb;
    a->started = 0;
    a->wsum = 0.0;
    memset(a->sum, 0, (a->p + 1) * sizeof *a->sum);
    size_t k = 0;
    for (size_t i = 0; i < pb->n_keep; i++, k++)
        if (!append(a, k, i))
            return; /* the search has refused collinear forced features already */
    for (size_t i = 0; i < task->depth; i++, k++)
        if (!append(a, k, pb->n_keep + task->path[i]))
            return;
    if (k >= pb->kmin && k <= pb->kmax)
        record(a, k, task->depth);
    if (!task->self_only && k < pb->kmax)
        visit(a, k, task->depth, task->depth ? task->path[task->depth - 1] + 1 : 0);
    if (!a->started)
        return;
    for (size_t j = 0; j <= a->p; j++) {
        double v = a->sum[j];
        note(col, smi_xbank_add(v >= 0.0 ? &col->avg_pos : &col->avg_neg, j, fabs(v), a->shift));
    }
    note(col, smi_xbank_add(&col->avg_pos, a->p + 1, a->wsum, a->shift));
}
