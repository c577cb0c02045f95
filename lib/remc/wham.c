/* The multiple-histogram (WHAM) equations of DESIGN.md 4.5, solved in log space.
 * Unknowns: f_r, r < R, with f_0 = 0 fixing the free constant while iterating. Only the K
 * visited bins (total count N_k > 0) take part; with c_rk the counts and n_r their sums,
 *   a_rk = ln n_r + f_r - beta_r E_k,   ln D_k = logsumexp_r a_rk,   ln g_k = ln N_k - ln D_k,
 *   w_rk = exp(a_rk - ln D_k)           (sum_r w_rk = 1; no exp() can overflow).
 * The equations are the stationary points of the convex function (binned MBAR: Shirts and
 * Chodera, J. Chem. Phys. 129, 124105 (2008))
 *   A(f) = sum_k N_k ln D_k - sum_r n_r f_r,
 *   dA/df_r = sum_k N_k w_rk - n_r,   d2A/df_r df_s = sum_k N_k w_rk (delta_rs - w_sk).
 * Method:
 *   1. Start from free energy perturbation between neighbours on the ladder (initial_f).
 *   2. Newton on f_1..f_{R-1}, halving the step until A does not rise (newton_step).
 *   3. Should no halving help (rounding in a nearly singular direction), the plain
 *      self-consistent step, which never increases A (plain_step).
 *   Converged: a full step (Newton undamped, or plain) that moves no f_r by tol or more.
 * Precision: where replicas share few bins the solution is fixed by the tails of the
 * weights, far below the rounding of sums near n_r or of 1 - w. So the gradient and the
 * Hessian are kept as pairwise flows and links (derivatives) and the Newton system is
 * eliminated so that it never subtracts them (newton_direction); convergence to 1e-12 then
 * holds even for replicas that share no bin at all. Such a group, if the start is far off,
 * is the one slow case: A is then one exponential tail, and Newton moves it ~1 per step.
 * Cost per iteration: R K exp() for A and the weights (another R K for a plain step),
 * 2 R^2 K multiply-adds for flows and links, R^3 / 3 for the elimination.
 * Deterministic: one thread, fixed order of every sum. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "remc/remc.h"

enum { MAX_HALVINGS = 8 };

/* Weights below sqrt(DBL_MIN) count as 0 in the derivatives, so that products of two stay
 * normal numbers: a gradient made of subnormals has lost its digits, and Newton would
 * wander. They change nothing measurable, except where two groups of replicas are joined
 * only by such tails; their offset then stays at the starting point. */
#define TAIL_MIN 0x1p-511

/* The visited bins and every buffer, allocated once. */
typedef struct wham_ws {
    size_t R, K;
    const double *beta;
    size_t *bin;            /* K: index of the visited bin among the caller's B */
    size_t *order;          /* R: replicas by increasing beta */
    double *E, *N;          /* K: energy and total count of the visited bin */
    double *c;              /* R x K: counts of the visited bins */
    double *n, *lnn;        /* R: counts per replica and their logs */
    double *w, *lD;         /* R x K weights and K ln D_k at the current f */
    double *w_try, *lD_try; /* the same at a trial point */
    double *sum;            /* K scratch */
    double *link, *flow;    /* R x R: L_rs and G_rs of derivatives() */
    double *pivot, *rhs, *step, *f_try; /* R */
} wham_ws;

static int check_input(size_t R, size_t B, const double *beta, const double *energy,
                       const double *counts, double log_total, double tol, const double *log_g,
                       const double *f, const size_t *iterations)
{
    SMI_FAIL_IF(R == 0 || B == 0, SMI_EINVAL,
                "smi_wham_solve: need at least one replica and one bin (R = %zu, B = %zu)", R, B);
    SMI_FAIL_IF(!beta || !energy || !counts || !log_g || !f || !iterations, SMI_EINVAL,
                "smi_wham_solve: a NULL pointer among beta, energy, counts, log_g, f, iterations");
    SMI_FAIL_IF(!(tol > 0.0), SMI_EINVAL, "smi_wham_solve: tol = %g must be > 0", tol);
    SMI_FAIL_IF(!isfinite(log_total), SMI_EINVAL,
                "smi_wham_solve: log_total = %g is not finite", log_total);
    double e_max = 0.0;
    for (size_t b = 0; b < B; b++) {
        SMI_FAIL_IF(!isfinite(energy[b]), SMI_EINVAL,
                    "smi_wham_solve: energy of bin %zu is %g", b, energy[b]);
        e_max = fmax(e_max, fabs(energy[b]));
    }
    double total = 0.0;
    for (size_t r = 0; r < R; r++) {
        /* beta_r E_b must be finite too, or a_rk would be NaN. */
        SMI_FAIL_IF(!isfinite(beta[r]) || !isfinite(beta[r] * e_max), SMI_EINVAL,
                    "smi_wham_solve: beta of replica %zu is %g (with |energy| up to %g)", r,
                    beta[r], e_max);
        double n_r = 0.0;
        for (size_t b = 0; b < B; b++) {
            double c = counts[r * B + b];
            SMI_FAIL_IF(!(c >= 0.0) || !isfinite(c), SMI_EINVAL,
                        "smi_wham_solve: count of replica %zu in bin %zu is %g", r, b, c);
            n_r += c;
        }
        SMI_FAIL_IF(!(n_r > 0.0) || !isfinite(n_r), SMI_EINVAL,
                    "smi_wham_solve: the counts of replica %zu sum to %g", r, n_r);
        total += n_r;
    }
    SMI_FAIL_IF(!isfinite(total), SMI_EINVAL,
                "smi_wham_solve: the counts of all replicas sum to %g", total);
    return SMI_OK;
}

static void ws_free(wham_ws *ws)
{
    free(ws->bin);
    free(ws->order);
    double *bufs[] = { ws->E, ws->N, ws->c, ws->n, ws->lnn, ws->w, ws->lD, ws->w_try,
                       ws->lD_try, ws->sum, ws->link, ws->flow, ws->pivot, ws->rhs, ws->step,
                       ws->f_try };
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        free(bufs[i]);
}

static double bin_total(const double *counts, size_t R, size_t B, size_t b)
{
    double N_b = 0.0;
    for (size_t r = 0; r < R; r++)
        N_b += counts[r * B + b];
    return N_b;
}

/* Allocate the workspace and gather the visited bins (input already checked). */
static int ws_create(wham_ws *ws, size_t R, size_t B, const double *beta, const double *energy,
                     const double *counts)
{
    memset(ws, 0, sizeof *ws);
    size_t K = 0;
    for (size_t b = 0; b < B; b++)
        K += bin_total(counts, R, B, b) > 0.0;
    ws->R = R;
    ws->K = K;
    ws->beta = beta;
    ws->bin = smi_alloc_array(K, sizeof(size_t), "wham bins");
    ws->order = smi_alloc_array(R, sizeof(size_t), "wham ladder");
    double **per_bin[] = { &ws->E, &ws->N, &ws->lD, &ws->lD_try, &ws->sum };
    double **per_replica[] = { &ws->n, &ws->lnn, &ws->pivot, &ws->rhs, &ws->step, &ws->f_try };
    int ok = ws->bin && ws->order;
    for (size_t i = 0; i < sizeof per_bin / sizeof per_bin[0]; i++)
        ok &= (*per_bin[i] = smi_alloc_array(K, sizeof(double), "wham bins")) != NULL;
    for (size_t i = 0; i < sizeof per_replica / sizeof per_replica[0]; i++)
        ok &= (*per_replica[i] = smi_alloc_array(R, sizeof(double), "wham replicas")) != NULL;
    ok &= (ws->c = smi_alloc_array(R * K, sizeof(double), "wham counts")) != NULL;
    ok &= (ws->w = smi_alloc_array(R * K, sizeof(double), "wham weights")) != NULL;
    ok &= (ws->w_try = smi_alloc_array(R * K, sizeof(double), "wham weights")) != NULL;
    ok &= (ws->link = smi_alloc_array(R * R, sizeof(double), "wham Hessian")) != NULL;
    ok &= (ws->flow = smi_alloc_array(R * R, sizeof(double), "wham gradient")) != NULL;
    if (!ok) {
        ws_free(ws);
        return SMI_ENOMEM;
    }
    for (size_t b = 0, k = 0; b < B; b++) {
        double N_b = bin_total(counts, R, B, b);
        if (N_b > 0.0) {
            for (size_t r = 0; r < R; r++)
                ws->c[r * K + k] = counts[r * B + b];
            ws->bin[k] = b;
            ws->E[k] = energy[b];
            ws->N[k++] = N_b;
        }
    }
    for (size_t r = 0; r < R; r++) {
        ws->n[r] = 0.0;
        for (size_t k = 0; k < K; k++)
            ws->n[r] += ws->c[r * K + k];
        ws->lnn[r] = log(ws->n[r]);
    }
    return SMI_OK;
}

/* The weights w and ln D at f; returns A(f), and in *scale the sum of the magnitudes of its
 * terms, which bounds its rounding error. Each pass runs along a row of w. */
static double evaluate(const wham_ws *ws, const double *f, double *w, double *lD, double *scale)
{
    size_t R = ws->R, K = ws->K;
    for (size_t k = 0; k < K; k++)
        lD[k] = -INFINITY;
    for (size_t r = 0; r < R; r++) {
        double a0 = ws->lnn[r] + f[r], beta = ws->beta[r];
        double *wr = w + r * K;
        for (size_t k = 0; k < K; k++) {
            wr[k] = a0 - beta * ws->E[k];
            lD[k] = fmax(lD[k], wr[k]);
        }
    }
    memset(ws->sum, 0, K * sizeof(double));
    for (size_t r = 0; r < R; r++) {
        double *wr = w + r * K;
        for (size_t k = 0; k < K; k++) {
            wr[k] = exp(wr[k] - lD[k]);
            ws->sum[k] += wr[k];
        }
    }
    double A = 0.0, s = 0.0;
    for (size_t k = 0; k < K; k++) {
        lD[k] += log(ws->sum[k]);
        ws->sum[k] = 1.0 / ws->sum[k];
        A += ws->N[k] * lD[k];
        s += ws->N[k] * fabs(lD[k]);
    }
    for (size_t r = 0; r < R; r++) {
        double *wr = w + r * K;
        for (size_t k = 0; k < K; k++) {
            wr[k] *= ws->sum[k];
            wr[k] = wr[k] >= TAIL_MIN ? wr[k] : 0.0;
        }
        A -= ws->n[r] * f[r];
        s += ws->n[r] * fabs(f[r]);
    }
    *scale = s;
    return A;
}

/* ln sum_k exp(lg[k] - beta E_k) over the visited bins. */
static double log_partition(const wham_ws *ws, const double *lg, double beta)
{
    double m = -INFINITY, s = 0.0;
    for (size_t k = 0; k < ws->K; k++)
        m = fmax(m, lg[k] - beta * ws->E[k]);
    for (size_t k = 0; k < ws->K; k++)
        s += exp(lg[k] - beta * ws->E[k] - m);
    return m + log(s);
}

/* ln sum_k p_rk exp(-dbeta E_k), p_r the histogram of replica r. */
static double log_reweight(const wham_ws *ws, size_t r, double dbeta)
{
    const double *cr = ws->c + r * ws->K;
    double m = -INFINITY, s = 0.0;
    for (size_t k = 0; k < ws->K; k++)
        if (cr[k] > 0.0)
            m = fmax(m, -dbeta * ws->E[k]);
    for (size_t k = 0; k < ws->K; k++)
        if (cr[k] > 0.0) /* else exp() might be inf, and 0 * inf is NaN */
            s += cr[k] * exp(-dbeta * ws->E[k] - m);
    return m + log(s) - ws->lnn[r];
}

/* The starting point: along the ladder sorted by beta, each difference of neighbours is the
 * mean of the two one-sided free energy perturbation estimates
 *   f_s - f_r = -ln sum_k p_rk exp(-(beta_s - beta_r) E_k) = ln sum_k p_sk exp((beta_s - beta_r) E_k),
 * which bracket it when the replicas overlap little (each misses the tail that the other
 * samples). Exact for expected counts. From f = 0, with f spanning thousands, the plain
 * step crawls and Newton, like any Newton on a sum of exponentials, moves ~1 per step. */
static void initial_f(const wham_ws *ws, double *f)
{
    const double *beta = ws->beta;
    size_t *order = ws->order;
    for (size_t i = 0; i < ws->R; i++) { /* stable insertion sort: ties keep their order */
        size_t j = i;
        for (; j > 0 && beta[order[j - 1]] > beta[i]; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    f[order[0]] = 0.0;
    for (size_t i = 1; i < ws->R; i++) {
        size_t r = order[i - 1], s = order[i];
        double db = beta[s] - beta[r];
        f[s] = f[r] + 0.5 * (log_reweight(ws, s, -db) - log_reweight(ws, r, db));
    }
    double f0 = f[0];
    for (size_t r = 0; r < ws->R; r++)
        f[r] -= f0;
}

/* The plain step f_r <- -ln sum_k g_k exp(-beta_r E_k), shifted so that f_0 = 0: it
 * minimises a majoriser of A (from ln x <= ln y + x/y - 1), so A never rises. The weights
 * at the new f replace the old. Returns the largest change of any f_r. */
static double plain_step(wham_ws *ws, double *f, double *A, double *scale)
{
    double *lg = ws->lD_try; /* free until the evaluation below */
    for (size_t k = 0; k < ws->K; k++)
        lg[k] = log(ws->N[k]) - ws->lD[k];
    for (size_t r = 0; r < ws->R; r++)
        ws->f_try[r] = -log_partition(ws, lg, ws->beta[r]);
    double change = 0.0, f0 = ws->f_try[0];
    for (size_t r = 0; r < ws->R; r++) {
        double fr = ws->f_try[r] - f0;
        change = fmax(change, fabs(fr - f[r]));
        f[r] = fr;
    }
    *A = evaluate(ws, f, ws->w, ws->lD, scale);
    return change;
}

/* The derivatives of A from the weights at the current f, as sums over pairs of replicas
 * in which no term cancels another:
 *   links  L_rs = sum_k N_k w_rk w_sk (r != s):  d2A/df_r df_s = -L_rs, d2A/df_r^2 = sum_s L_rs;
 *   flows  G_rs = sum_k (c_rk w_sk - c_sk w_rk) = -G_sr:  -dA/df_r = sum_s G_rs
 * (as N_k w_rk - c_rk = sum_{s != r} (c_sk w_rk - c_rk w_sk), using sum_s w_sk = 1). */
static void derivatives(const wham_ws *ws)
{
    size_t R = ws->R, K = ws->K;
    double *L = ws->link, *G = ws->flow;
    for (size_t r = 0; r < R; r++) {
        const double *wr = ws->w + r * K, *cr = ws->c + r * K;
        L[r * R + r] = G[r * R + r] = 0.0;
        for (size_t s = r + 1; s < R; s++) {
            const double *w_s = ws->w + s * K, *cs = ws->c + s * K;
            double l = 0.0, g = 0.0;
            for (size_t k = 0; k < K; k++) {
                l += ws->N[k] * wr[k] * w_s[k];
                g += cr[k] * w_s[k] - cs[k] * wr[k];
            }
            L[r * R + s] = L[s * R + r] = l;
            G[r * R + s] = g;
            G[s * R + r] = -g;
        }
    }
}

/* The Newton step x (x_0 = 0) from sum_s L_rs (x_r - x_s) = sum_s G_rs, r >= 1: a graph
 * Laplacian grounded at replica 0. Gaussian elimination of replicas 1..R-1 in turn, in the
 * way of Grassmann, Taksar and Heyman: the pivot of j is the sum of its links to the replicas
 * left (0 included), never a difference, and eliminating j adds L_aj L_jb / d to links and
 * (L_jb G_aj + L_aj G_jb) / d to flows, which keeps flows antisymmetric; every quantity keeps
 * its relative precision, so two groups of replicas joined only by tails of size 1e-100 get
 * the right step between them. A pivot of 0 (a replica, or a group, whose weights underflow
 * to 0 wherever the others are) leaves it where it is: nothing in the data can move it. */
static void newton_direction(const wham_ws *ws)
{
    size_t R = ws->R;
    double *L = ws->link, *G = ws->flow;
    for (size_t j = 1; j < R; j++) {
        double d = L[j * R], g = G[j * R];
        for (size_t b = j + 1; b < R; b++) {
            d += L[j * R + b];
            g += G[j * R + b];
        }
        ws->pivot[j] = d;
        ws->rhs[j] = g;
        if (!(d > 0.0)) /* no link left: j stays where it is, the others do not see it */
            continue;
        /* Replicas left: j+1..R-1 and the ground 0, whose own row is never needed. */
        for (size_t a = j + 1; a < R; a++) {
            double laj = L[a * R + j] / d, gaj = G[a * R + j] / d;
            for (size_t b = 0; b < R; b = b == 0 ? j + 1 : b + 1) {
                if (b == a)
                    continue;
                L[a * R + b] += laj * L[j * R + b];
                G[a * R + b] += L[j * R + b] * gaj + laj * G[j * R + b];
            }
        }
    }
    ws->step[0] = 0.0;
    for (size_t j = R; j-- > 1;) {
        double s = ws->rhs[j];
        for (size_t b = j + 1; b < R; b++)
            s += L[j * R + b] * ws->step[b];
        ws->step[j] = ws->pivot[j] > 0.0 ? s / ws->pivot[j] : 0.0;
    }
}

/* A Newton step with halving. Returns 1 for a full step, 2 for a halved one, with the
 * largest change in *change and the weights at the new f; 0 when no step was taken (f and
 * the weights are then unchanged). A rise below the rounding of A counts as none: near the
 * solution A is flat to working precision and the full step is right. */
static int newton_step(wham_ws *ws, double *f, double *A, double *scale, double *change)
{
    derivatives(ws);
    newton_direction(ws);
    double noise = 64.0 * DBL_EPSILON * *scale, t = 1.0;
    for (int h = 0; h <= MAX_HALVINGS; h++, t *= 0.5) {
        for (size_t r = 0; r < ws->R; r++)
            ws->f_try[r] = f[r] + t * ws->step[r];
        double s, A_try = evaluate(ws, ws->f_try, ws->w_try, ws->lD_try, &s);
        if (A_try <= *A + noise) {
            double *swap = ws->w;
            ws->w = ws->w_try;
            ws->w_try = swap;
            swap = ws->lD;
            ws->lD = ws->lD_try;
            ws->lD_try = swap;
            *change = 0.0;
            for (size_t r = 0; r < ws->R; r++) {
                *change = fmax(*change, fabs(ws->f_try[r] - f[r]));
                f[r] = ws->f_try[r];
            }
            *A = A_try;
            *scale = s;
            return h == 0 ? 1 : 2;
        }
    }
    return 0;
}

/* ln g from the weights at the final f, normalised to log_total, and f_r = -ln Z_r for it. */
static void write_result(const wham_ws *ws, size_t B, double log_total, double *log_g,
                         double *f)
{
    double *lg = ws->lD_try, m = -INFINITY, s = 0.0;
    for (size_t k = 0; k < ws->K; k++) {
        lg[k] = log(ws->N[k]) - ws->lD[k];
        m = fmax(m, lg[k]);
    }
    for (size_t k = 0; k < ws->K; k++)
        s += exp(lg[k] - m);
    double shift = log_total - (m + log(s));
    for (size_t b = 0; b < B; b++)
        log_g[b] = -INFINITY;
    for (size_t k = 0; k < ws->K; k++) {
        lg[k] += shift;
        log_g[ws->bin[k]] = lg[k];
    }
    for (size_t r = 0; r < ws->R; r++)
        f[r] = -log_partition(ws, lg, ws->beta[r]);
}

int smi_wham_solve(size_t R, size_t B, const double *beta, const double *energy,
                   const double *counts, double log_total, double tol, size_t max_iter,
                   double *log_g, double *f, size_t *iterations)
{
    SMI_TRY(check_input(R, B, beta, energy, counts, log_total, tol, log_g, f, iterations));
    wham_ws ws;
    SMI_TRY(ws_create(&ws, R, B, beta, energy, counts));
    initial_f(&ws, f);
    double scale, A = evaluate(&ws, f, ws.w, ws.lD, &scale), change = INFINITY;
    size_t it = 0;
    int converged = 0;
    while (!converged && it < max_iter) {
        it++;
        int kind = newton_step(&ws, f, &A, &scale, &change);
        if (kind == 0) {
            change = plain_step(&ws, f, &A, &scale);
            kind = 1;
        }
        converged = kind == 1 && change < tol;
    }
    write_result(&ws, B, log_total, log_g, f);
    ws_free(&ws);
    *iterations = it;
    SMI_FAIL_IF(!converged, SMI_ENOCONV,
                "smi_wham_solve: no convergence in %zu iterations (last change of f %g, tol %g)",
                it, change, tol);
    return SMI_OK;
}
