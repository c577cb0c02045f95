/* One replica's Markov chain over subsets (DESIGN.md 4.5). The state is a subset S of the
 * candidate features and, for the search's prepared matrix W (the Schur complement of the
 * augmented Gram matrix with respect to the forced features, as the exhaustive search
 * sweeps it: search/engine/sweep.c), the inverse A^-1 of W_SS and m = A^-1 W_Sy. From them a
 * proposal's energy costs no refit:
 *   add j:     s = W_jj - W_jS A^-1 W_Sj (the new pivot), c = (W_jy - W_jS m) / s,
 *              RSS' = RSS - s c^2,  ln|A'| = ln|A| + ln s;              O(k^2)
 *   remove t:  a = (A^-1)_tt, RSS' = RSS + m_t^2 / a, ln|A'| = ln|A| + ln a;  O(1)
 *   swap:      remove t then add j, the reduced inverse applied implicitly; O(k^2)
 * and an accepted move updates A^-1 and m by the bordering formulas in O(k^2). Rounding
 * drifts slowly through the updates, so every SMI_REMC_REFRESH accepted moves the inverse
 * is recomputed from W by a Cholesky factorisation (at a fixed point of the chain, so the
 * trajectory stays a function of the seed). Singularity follows the search's pivot rule. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg/linalg.h"
#include "remc/remc.h"

#define SMI_REMC_REFRESH 1000

static double w_at(const smi_problem *pb, size_t a, size_t b)
{
    size_t d = pb->q + 1;
    return a <= b ? pb->root[a * d + b] : pb->root[b * d + a];
}

static void one_free(smi_chain *ch);

static int one_init(smi_chain *ch, const smi_problem *pb)
{
    memset(ch, 0, sizeof *ch);
    ch->pb = pb;
    size_t K = pb->kmax - pb->n_keep, q = pb->q;
    ch->cap = K ? K : 1;
    ch->members = smi_calloc_array(ch->cap, sizeof *ch->members, "replica");
    ch->where = smi_alloc_array(q ? q : 1, sizeof *ch->where, "replica");
    ch->inv = smi_calloc_array(ch->cap * ch->cap, sizeof *ch->inv, "replica");
    ch->m = smi_calloc_array(ch->cap, sizeof *ch->m, "replica");
    ch->g = smi_calloc_array(ch->cap, sizeof *ch->g, "replica");
    ch->h = smi_calloc_array(ch->cap, sizeof *ch->h, "replica");
    ch->scratch = smi_calloc_array(ch->cap * ch->cap, sizeof *ch->scratch, "replica");
    if (!ch->members || !ch->where || !ch->inv || !ch->m || !ch->g || !ch->h || !ch->scratch) {
        one_free(ch);
        return SMI_ENOMEM;
    }
    for (size_t j = 0; j < q; j++)
        ch->where[j] = SIZE_MAX;
    return SMI_OK;
}

static void one_free(smi_chain *ch)
{
    free(ch->members);
    free(ch->where);
    free(ch->inv);
    free(ch->m);
    free(ch->g);
    free(ch->h);
    free(ch->scratch);
    memset(ch, 0, sizeof *ch);
}

/* The energy of a state of k free features with the given RSS term and ln|W_SS|; INFINITY
 * when the criterion is undefined there (AIC, BIC without a residual degree of freedom) or
 * out of range (smi_value_in_range): a state the chains never move to. */
static double energy_of(const smi_problem *pb, size_t k, double rss, double logdet)
{
    size_t total = pb->n_keep + k;
    int crit = pb->cfg->criterion;
    if ((crit == SMI_CRIT_AIC || crit == SMI_CRIT_BIC)
        && !(total + (pb->cfg->intercept ? 1u : 0u) < pb->n && rss > 0.0))
        return INFINITY;
    double v = smi_criterion_value(pb, total, rss, pb->logdet_keep + logdet);
    return smi_value_in_range(v) ? v : INFINITY;
}

/* The pivot of candidate j against the smallest earlier ratio is acceptable (sweep.c). */
static int pivot_ok(const smi_problem *pb, size_t j, double pivot)
{
    double rel = pivot * pb->inv_diag0[j];
    return rel > SMI_PIVOT_TOLERANCE && rel * pb->minrel_keep > SMI_NOISE_MARGIN;
}

/* Recompute A^-1, m, RSS and ln|A| of the current members from W (Cholesky, then the
 * inverse from it). Returns 0 when W_SS is not positive definite to the pivot rule. */
static int refresh(smi_chain *ch)
{
    const smi_problem *pb = ch->pb;
    size_t k = ch->k, K = ch->cap, y = pb->q;
    double *L = ch->inv; /* factor in place, then invert */
    ch->logdet = 0.0;
    for (size_t a = 0; a < k; a++) {
        for (size_t b = 0; b <= a; b++) {
            double v = w_at(pb, ch->members[a], ch->members[b]);
            for (size_t t = 0; t < b; t++)
                v -= L[a * K + t] * L[b * K + t];
            if (a == b) {
                if (!pivot_ok(pb, ch->members[a], v))
                    return 0;
                L[a * K + a] = sqrt(v);
                ch->logdet += log(v);
            } else {
                L[a * K + b] = v / L[b * K + b];
            }
        }
    }
    /* m by two triangular solves; RSS = W_yy - b'm */
    double rss = w_at(pb, y, y);
    for (size_t a = 0; a < k; a++) {
        double v = w_at(pb, ch->members[a], y);
        for (size_t t = 0; t < a; t++)
            v -= L[a * K + t] * ch->g[t];
        ch->g[a] = v / L[a * K + a];
        rss -= ch->g[a] * ch->g[a];
    }
    for (size_t a = k; a-- > 0;) {
        double v = ch->g[a];
        for (size_t t = a + 1; t < k; t++)
            v -= L[t * K + a] * ch->m[t];
        ch->m[a] = v / L[a * K + a];
    }
    /* A^-1 = L^-T L^-1, column by column (solve L L' x = e_c); into scratch first, since
     * L occupies inv */
    double *col = ch->h, *cols = ch->scratch;
    for (size_t c = 0; c < k; c++) {
        for (size_t a = 0; a < k; a++) {
            double v = a == c ? 1.0 : 0.0;
            for (size_t t = 0; t < a; t++)
                v -= L[a * K + t] * col[t];
            col[a] = v / L[a * K + a];
        }
        for (size_t a = k; a-- > 0;) {
            double v = col[a];
            for (size_t t = a + 1; t < k; t++)
                v -= L[t * K + a] * cols[t * K + c];
            cols[a * K + c] = v / L[a * K + a];
        }
    }
    for (size_t a = 0; a < k; a++)
        memcpy(ch->inv + a * K, cols + a * K, k * sizeof *cols);
    ch->rss = rss;
    ch->energy = energy_of(pb, k, ch->rss, ch->logdet);
    ch->since_refresh = 0;
    return 1;
}

static int one_set(smi_chain *ch, const size_t *cands, size_t k)
{
    for (size_t t = 0; t < ch->k; t++)
        ch->where[ch->members[t]] = SIZE_MAX;
    ch->k = k;
    for (size_t t = 0; t < k; t++) {
        ch->members[t] = cands[t];
        ch->where[cands[t]] = t;
    }
    return refresh(ch) ? SMI_OK : SMI_ESINGULAR;
}

/* h = A^-1 g for g = W_Sj; returns the pivot s = W_jj - g'h. */
static double bordering(smi_chain *ch, size_t j)
{
    const smi_problem *pb = ch->pb;
    size_t k = ch->k, K = ch->cap;
    for (size_t t = 0; t < k; t++)
        ch->g[t] = w_at(pb, ch->members[t], j);
    double s = w_at(pb, j, j);
    for (size_t a = 0; a < k; a++) {
        double v = 0.0;
        const double *row = ch->inv + a * K;
        for (size_t b = 0; b < k; b++)
            v += row[b] * ch->g[b];
        ch->h[a] = v;
        s -= ch->g[a] * v;
    }
    return s;
}

static double one_propose_add(smi_chain *ch, size_t j, smi_move *mv)
{
    const smi_problem *pb = ch->pb;
    double s = bordering(ch, j);
    mv->kind = SMI_MOVE_ADD;
    mv->j = j;
    if (!pivot_ok(pb, j, s))
        return INFINITY;
    double gm = 0.0;
    for (size_t t = 0; t < ch->k; t++)
        gm += ch->g[t] * ch->m[t];
    mv->s = s;
    mv->c = (w_at(pb, j, pb->q) - gm) / s;
    mv->rss = ch->rss - s * mv->c * mv->c;
    mv->logdet = ch->logdet + log(s);
    return energy_of(pb, ch->k + 1, mv->rss, mv->logdet);
}

static double one_propose_remove(smi_chain *ch, size_t t, smi_move *mv)
{
    double a = ch->inv[t * ch->cap + t];
    mv->kind = SMI_MOVE_REMOVE;
    mv->t = t;
    mv->rss = ch->rss + ch->m[t] * ch->m[t] / a;
    mv->logdet = ch->logdet + log(a);
    return energy_of(ch->pb, ch->k - 1, mv->rss, mv->logdet);
}

/* Remove member t from A^-1 and m (bordering in reverse), moving the last member into t. */
static void commit_remove(smi_chain *ch, size_t t)
{
    size_t k = ch->k, K = ch->cap;
    double a = ch->inv[t * K + t], mt = ch->m[t];
    for (size_t r = 0; r < k; r++) {
        if (r == t)
            continue;
        double vr = ch->inv[r * K + t] / a;
        for (size_t c = 0; c < k; c++)
            if (c != t)
                ch->inv[r * K + c] -= vr * ch->inv[t * K + c];
        ch->m[r] -= vr * mt;
    }
    size_t last = k - 1;
    ch->where[ch->members[t]] = SIZE_MAX;
    if (t != last) { /* the last member's row and column into slot t */
        ch->members[t] = ch->members[last];
        ch->where[ch->members[t]] = t;
        ch->m[t] = ch->m[last];
        for (size_t c = 0; c < k; c++) {
            ch->inv[t * K + c] = ch->inv[last * K + c];
        }
        for (size_t r = 0; r < k; r++)
            ch->inv[r * K + t] = ch->inv[r * K + last];
        ch->inv[t * K + t] = ch->inv[last * K + last];
    }
    ch->k = last;
}

/* Add j with the bordering quantities h (A^-1 g), s and c of its proposal. */
static void commit_add(smi_chain *ch, size_t j, double s, double c)
{
    size_t k = ch->k, K = ch->cap;
    for (size_t a = 0; a < k; a++) {
        for (size_t b = 0; b < k; b++)
            ch->inv[a * K + b] += ch->h[a] * ch->h[b] / s;
        ch->inv[a * K + k] = ch->inv[k * K + a] = -ch->h[a] / s;
        ch->m[a] -= ch->h[a] * c;
    }
    ch->inv[k * K + k] = 1.0 / s;
    ch->m[k] = c;
    ch->members[k] = j;
    ch->where[j] = k;
    ch->k = k + 1;
}

static double one_propose_swap(smi_chain *ch, size_t t, size_t j, smi_move *mv)
{
    const smi_problem *pb = ch->pb;
    size_t k = ch->k, K = ch->cap;
    double a = ch->inv[t * K + t], mt = ch->m[t];
    mv->kind = SMI_MOVE_SWAP;
    mv->t = t;
    mv->j = j;
    /* the state without member t: RSS and ln|A| as for a removal; then add j against the
     * reduced inverse A^-1_{-t} = A^-1[-t,-t] - v v' / a (v = A^-1[-t, t]) */
    double rss = ch->rss + mt * mt / a, logdet = ch->logdet + log(a);
    double vg = 0.0, s = w_at(pb, j, j), gm = 0.0;
    for (size_t r = 0; r < k; r++)
        ch->g[r] = r == t ? 0.0 : w_at(pb, ch->members[r], j);
    for (size_t r = 0; r < k; r++)
        vg += ch->inv[r * K + t] * ch->g[r];
    for (size_t r = 0; r < k; r++) {
        if (r == t)
            continue;
        double v = 0.0;
        for (size_t c = 0; c < k; c++)
            v += ch->inv[r * K + c] * ch->g[c];
        double hr = v - ch->inv[r * K + t] * vg / a;
        ch->h[r] = hr; /* the reduced bordering vector, for the held-out criteria */
        s -= ch->g[r] * hr;
        gm += ch->g[r] * (ch->m[r] - ch->inv[r * K + t] * mt / a);
    }
    ch->h[t] = 0.0;
    if (!pivot_ok(pb, j, s))
        return INFINITY;
    double c = (w_at(pb, j, pb->q) - gm) / s;
    mv->s = s;
    mv->c = c;
    mv->rss = rss - s * c * c;
    mv->logdet = logdet + log(s);
    return energy_of(pb, k, mv->rss, mv->logdet);
}

static void one_accept(smi_chain *ch, const smi_move *mv, double energy)
{
    switch (mv->kind) {
    case SMI_MOVE_ADD:
        /* g, h of the proposal are still in place: nothing ran since it */
        commit_add(ch, mv->j, mv->s, mv->c);
        break;
    case SMI_MOVE_REMOVE:
        commit_remove(ch, mv->t);
        break;
    default: { /* swap: remove, then add against the updated inverse */
        commit_remove(ch, mv->t);
        double s = bordering(ch, mv->j), gm = 0.0;
        for (size_t r = 0; r < ch->k; r++)
            gm += ch->g[r] * ch->m[r];
        commit_add(ch, mv->j, s, (w_at(ch->pb, mv->j, ch->pb->q) - gm) / s);
        break;
    }
    }
    ch->rss = mv->rss;
    ch->logdet = mv->logdet;
    ch->energy = energy;
    /* a refresh cannot fail for an accepted state (its pivots passed the same rule) */
    if (++ch->since_refresh >= SMI_REMC_REFRESH && !refresh(ch))
        ch->since_refresh = 0;
}

/* ---------- the grid criteria: one chain per ratio, moving together ----------
 * fe-opt and fe-marg need R and ln|A| at every ratio lambda_g of the grid: the chain then
 * holds one single-matrix chain per ratio (on that ratio's prepared matrix), makes every
 * proposal in all of them and combines their terms into the criterion (smi_grid_value).
 * Singularity is judged on the smallest ratio, as the exhaustive search does. */

static double grid_energy(const smi_chain *ch, const double *rss, const double *logdet)
{
    const smi_problem *pb = ch->pb;
    double R[SMI_RATIO_GRID_MAX], L[SMI_RATIO_GRID_MAX];
    for (size_t g = 0; g < ch->n_sub; g++) {
        R[g] = rss[g];
        L[g] = pb->grid_logdet_keep[g] + logdet[g];
    }
    double v = smi_grid_value(pb, pb->n_keep + ch->sub[0].k + ch->k_change, R, L);
    return smi_value_in_range(v) ? v : INFINITY;
}

/* The energy of the subs' current states. */
static double grid_state_energy(smi_chain *ch)
{
    double rss[SMI_RATIO_GRID_MAX], logdet[SMI_RATIO_GRID_MAX];
    for (size_t g = 0; g < ch->n_sub; g++) {
        rss[g] = ch->sub[g].rss;
        logdet[g] = ch->sub[g].logdet;
    }
    ch->k_change = 0;
    return grid_energy(ch, rss, logdet);
}

/* The energy of the proposal each sub holds (k_change: its change of size). */
static double grid_proposal_energy(smi_chain *ch, int k_change, double sub0)
{
    if (!isfinite(sub0))
        return INFINITY;
    double rss[SMI_RATIO_GRID_MAX], logdet[SMI_RATIO_GRID_MAX];
    for (size_t g = 0; g < ch->n_sub; g++) {
        rss[g] = ch->sub_moves[g].rss;
        logdet[g] = ch->sub_moves[g].logdet;
    }
    ch->k_change = k_change;
    double e = grid_energy(ch, rss, logdet);
    ch->k_change = 0;
    return e;
}

/* ---------- the held-out criteria: one chain per training set, and the held-out rows ------
 * For K-fold CV (LOO: one "fold", the full data) the problem holds per training set f the
 * prepared Gram matrix W_f and, for every held-out row i, the residuals E_i of each column
 * after the forced features (problem_cv.c). With A_f^-1 and m_f of a sub-chain per training
 * set, the held-out residual of y in row i is r_i = E_iy - E_iS m_f, and (LOO) the leverage
 * h_i = h0_i + E_iS A^-1 E_iS'. Adding j with bordering vector b_f = A_f^-1 W_f,Sj, pivot s_f
 * and coefficient c_f: e_i = E_ij - E_iS b_f, r_i' = r_i - c_f e_i, h_i' = h_i + e_i^2 / s_f;
 * removing member t (v = column t of A_f^-1, a = v_t): d_i = E_iS v, r_i' = r_i + m_t d_i / a,
 * h_i' = h_i - d_i^2 / a; a swap is the removal then the addition against the reduced
 * inverse. O(n k) per proposal besides the sub-chains' O(K k^2). */

static double held_energy(const smi_chain *ch, const double *r, const double *h)
{
    size_t n = ch->pb->n;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (h) {
            if (!(h[i] < 1.0 - 1e-10))
                return INFINITY; /* the leave-one-out residual is undefined */
            double q = r[i] / (1.0 - h[i]);
            sum += q * q;
        } else {
            sum += r[i] * r[i];
        }
    }
    return sum / (double)n;
}

/* E_iS x for row i, x over the members of the sub-chains (their common order). */
static double row_dot(const smi_chain *ch, size_t i, const double *x, size_t k)
{
    size_t dq = ch->pb->q + 1;
    const double *row = ch->E + i * dq;
    double v = 0.0;
    for (size_t t = 0; t < k; t++)
        v += row[ch->sub[0].members[t]] * x[t];
    return v;
}

/* r and h of the current state from scratch (after a set or a refresh of the subs). */
static void held_recompute(smi_chain *ch)
{
    size_t dq = ch->pb->q + 1, k = ch->sub[0].k, K = ch->sub[0].cap, i = 0;
    for (size_t f = 0; f < ch->n_sub; f++) {
        const smi_chain *sf = &ch->sub[f];
        for (size_t end = i + ch->pb->fold_rows[f]; i < end; i++) {
            ch->r[i] = ch->E[i * dq + dq - 1] - row_dot(ch, i, sf->m, k);
            if (!ch->hv)
                continue;
            double lev = ch->h0[i];
            for (size_t a = 0; a < k; a++) { /* E_iS A^-1 E_iS' */
                double ea = ch->E[i * dq + sf->members[a]], v = 0.0;
                for (size_t b = 0; b < k; b++)
                    v += sf->inv[a * K + b] * ch->E[i * dq + sf->members[b]];
                lev += ea * v;
            }
            ch->hv[i] = lev;
        }
    }
    ch->energy = held_energy(ch, ch->r, ch->hv);
}

/* The proposal the subs hold, into r_new (and h_new): kind and member t, candidate j. */
static double held_proposal_energy(smi_chain *ch, const smi_move *mv)
{
    size_t dq = ch->pb->q + 1, k = ch->sub[0].k, K = ch->sub[0].cap, i = 0;
    for (size_t f = 0; f < ch->n_sub; f++) {
        const smi_chain *sf = &ch->sub[f];
        const smi_move *mf = &ch->sub_moves[f];
        double a = mv->kind != SMI_MOVE_ADD ? sf->inv[mv->t * K + mv->t] : 1.0;
        double mt = mv->kind != SMI_MOVE_ADD ? sf->m[mv->t] : 0.0;
        for (size_t end = i + ch->pb->fold_rows[f]; i < end; i++) {
            double r = ch->r[i], h = ch->hv ? ch->hv[i] : 0.0;
            if (mv->kind != SMI_MOVE_ADD) { /* remove member t */
                double d = 0.0;
                for (size_t s = 0; s < k; s++)
                    d += ch->E[i * dq + sf->members[s]] * sf->inv[s * K + mv->t];
                r += mt * d / a;
                h -= d * d / a;
            }
            if (mv->kind != SMI_MOVE_REMOVE) { /* add j against the (reduced) inverse */
                double e = ch->E[i * dq + mv->j] - row_dot(ch, i, sf->h, k);
                r -= mf->c * e;
                h += e * e / mf->s;
            }
            ch->r_new[i] = r;
            if (ch->hv)
                ch->h_new[i] = h;
        }
    }
    return held_energy(ch, ch->r_new, ch->hv ? ch->h_new : NULL);
}

static int held_init(smi_chain *ch)
{
    size_t n = ch->pb->n;
    int loo = ch->pb->cfg->criterion == SMI_CRIT_LOO;
    size_t dq = ch->pb->q + 1;
    ch->E = ch->pb->held_root + ch->n_sub * dq * dq;
    ch->h0 = loo ? ch->E + n * dq : NULL;
    ch->r = smi_calloc_array(n, sizeof *ch->r, "replica");
    ch->r_new = smi_calloc_array(n, sizeof *ch->r_new, "replica");
    if (loo) {
        ch->hv = smi_calloc_array(n, sizeof *ch->hv, "replica");
        ch->h_new = smi_calloc_array(n, sizeof *ch->h_new, "replica");
    }
    return ch->r && ch->r_new && (!loo || (ch->hv && ch->h_new)) ? SMI_OK : SMI_ENOMEM;
}

int smi_chain_init(smi_chain *ch, const smi_problem *pb)
{
    if (!pb->n_grid && !pb->held_out)
        return one_init(ch, pb);
    memset(ch, 0, sizeof *ch);
    ch->pb = pb;
    ch->held = pb->held_out;
    ch->n_sub = pb->held_out ? pb->n_mats : pb->n_grid;
    size_t dq = pb->q + 1;
    ch->views = smi_calloc_array(ch->n_sub, sizeof *ch->views, "replica");
    ch->sub = smi_calloc_array(ch->n_sub, sizeof *ch->sub, "replica");
    ch->sub_moves = smi_calloc_array(ch->n_sub, sizeof *ch->sub_moves, "replica");
    if (!ch->views || !ch->sub || !ch->sub_moves) {
        smi_chain_free(ch);
        return SMI_ENOMEM;
    }
    for (size_t g = 0; g < ch->n_sub; g++) {
        ch->views[g] = *pb;
        if (ch->held) { /* training set g's matrix and diagonal */
            ch->views[g].root = pb->held_root + g * dq * dq;
            ch->views[g].inv_diag0 = pb->mat_inv_diag0[g];
        } else {
            ch->views[g].root = pb->grid_root + g * dq * dq;
            ch->views[g].logdet_keep = pb->grid_logdet_keep[g];
        }
        int rc = one_init(&ch->sub[g], &ch->views[g]);
        if (rc != SMI_OK) {
            smi_chain_free(ch);
            return rc;
        }
    }
    ch->members = ch->sub[0].members; /* the state is the subs' (all alike) */
    ch->where = ch->sub[0].where;
    ch->cap = ch->sub[0].cap;
    int rc = ch->held ? held_init(ch) : SMI_OK;
    if (rc != SMI_OK)
        smi_chain_free(ch);
    return rc;
}

void smi_chain_free(smi_chain *ch)
{
    if (!ch->n_sub) {
        one_free(ch);
        return;
    }
    for (size_t g = 0; ch->sub && g < ch->n_sub; g++)
        one_free(&ch->sub[g]);
    free(ch->sub);
    free(ch->views);
    free(ch->sub_moves);
    free(ch->r), free(ch->r_new), free(ch->hv), free(ch->h_new);
    memset(ch, 0, sizeof *ch);
}

int smi_chain_set(smi_chain *ch, const size_t *cands, size_t k)
{
    if (!ch->n_sub)
        return one_set(ch, cands, k);
    for (size_t g = 0; g < ch->n_sub; g++)
        SMI_TRY(one_set(&ch->sub[g], cands, k));
    ch->k = k;
    if (ch->held)
        held_recompute(ch);
    else
        ch->energy = grid_state_energy(ch);
    return SMI_OK;
}

double smi_chain_propose_add(smi_chain *ch, size_t j, smi_move *mv)
{
    if (!ch->n_sub)
        return one_propose_add(ch, j, mv);
    double e0 = INFINITY;
    for (size_t g = 0; g < ch->n_sub; g++) {
        double e = one_propose_add(&ch->sub[g], j, &ch->sub_moves[g]);
        /* singular at the smallest ratio, or on any training set */
        if ((g == 0 || ch->held) && !isfinite(e))
            return INFINITY;
        e0 = g == 0 ? e : e0;
    }
    *mv = ch->sub_moves[0];
    return ch->held ? held_proposal_energy(ch, mv) : grid_proposal_energy(ch, 1, e0);
}

double smi_chain_propose_remove(smi_chain *ch, size_t t, smi_move *mv)
{
    if (!ch->n_sub)
        return one_propose_remove(ch, t, mv);
    for (size_t g = 0; g < ch->n_sub; g++)
        one_propose_remove(&ch->sub[g], t, &ch->sub_moves[g]);
    *mv = ch->sub_moves[0];
    return ch->held ? held_proposal_energy(ch, mv) : grid_proposal_energy(ch, -1, 0.0);
}

double smi_chain_propose_swap(smi_chain *ch, size_t t, size_t j, smi_move *mv)
{
    if (!ch->n_sub)
        return one_propose_swap(ch, t, j, mv);
    double e0 = INFINITY;
    for (size_t g = 0; g < ch->n_sub; g++) {
        double e = one_propose_swap(&ch->sub[g], t, j, &ch->sub_moves[g]);
        if ((g == 0 || ch->held) && !isfinite(e))
            return INFINITY;
        e0 = g == 0 ? e : e0;
    }
    *mv = ch->sub_moves[0];
    return ch->held ? held_proposal_energy(ch, mv) : grid_proposal_energy(ch, 0, e0);
}

void smi_chain_accept(smi_chain *ch, const smi_move *mv, double energy)
{
    if (!ch->n_sub) {
        one_accept(ch, mv, energy);
        return;
    }
    for (size_t g = 0; g < ch->n_sub; g++)
        one_accept(&ch->sub[g], &ch->sub_moves[g], 0.0);
    ch->k = ch->sub[0].k;
    if (ch->held) { /* the proposal's rows become the state's; recomputed after a refresh */
        double *t = ch->r;
        ch->r = ch->r_new, ch->r_new = t;
        t = ch->hv;
        ch->hv = ch->h_new, ch->h_new = t;
        ch->energy = energy;
        if (ch->sub[0].since_refresh == 0)
            held_recompute(ch);
        return;
    }
    /* the subs' rounding may have moved by a refresh: the energy of what they hold */
    ch->energy = grid_state_energy(ch);
}

int smi_chain_step(smi_chain *ch, const smi_space *sp, smi_rng *rng, double beta)
{
    smi_move mv;
    double e = INFINITY;
    if (sp->swaps_only) {
        if (ch->k == 0 || ch->k == sp->q)
            return 0;
        size_t t = (size_t)smi_rng_below(rng, ch->k);
        size_t r = (size_t)smi_rng_below(rng, sp->q - ch->k), j = 0;
        for (;; j++) /* the r-th candidate outside the subset */
            if (ch->where[j] == SIZE_MAX && r-- == 0)
                break;
        e = smi_chain_propose_swap(ch, t, j, &mv);
    } else {
        /* A candidate j: removed when in, added when out; at the largest size an outside j
         * replaces a member chosen uniformly instead (from either subset the other is
         * reached with probability 1/(q k), so the proposal stays symmetric), without
         * which a chain at the size limit could only shrink. */
        size_t j = (size_t)smi_rng_below(rng, sp->q);
        size_t t = ch->k ? (size_t)smi_rng_below(rng, ch->k) : 0;
        if (ch->where[j] == SIZE_MAX) {
            if (ch->k < sp->kmax)
                e = smi_chain_propose_add(ch, j, &mv);
            else if (ch->k > 0)
                e = smi_chain_propose_swap(ch, t, j, &mv);
        } else if (ch->k > sp->kmin) {
            e = smi_chain_propose_remove(ch, ch->where[j], &mv);
        }
    }
    double u = smi_rng_uniform(rng); /* drawn for every proposal: a fixed stream */
    if (!isfinite(e))
        return 0;
    double de = e - ch->energy;
    if (de <= 0.0 || u < exp(-beta * de)) {
        smi_chain_accept(ch, &mv, e);
        return 1;
    }
    return 0;
}
