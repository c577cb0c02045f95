/* The sweep tree for the held-out criteria (DESIGN.md 4.3): K-fold CV and leave-one-out.
 * A node's block (dimension dim = undecided candidates + y) holds, for the subset S:
 *   (1) per training set f, W_f: the Schur complement of its centred Gram matrix w.r.t. S;
 *   (2) E (n x dim, row-major): for every held-out row, the residual of each undecided
 *       column and of y after the training fit on S (for LOO: the full-data fit);
 *   (3) LOO only: h, the leverage of each row in the fit on S with the intercept.
 * Including local column c with pivot P_f = W_f[c][c] maps E[i][b] to
 * E[i][b] - E[i][c] (W_f[c][b] / P_f), and h_i to h_i + E[i][c] (E[i][c] / P_f); so the
 * child's score costs O(n): CV = sum of the held-out residuals of y squared / n,
 * LOO = mean of (r_i / (1 - h_i))^2. Forming a child block costs O(K dim^2 + n dim).
 * As in sweep.c, one formula per quantity in every code path keeps a subset's score the
 * same bits whichever task reaches it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"

/* Leverage this close to 1 leaves a row's LOO residual undefined. */
#define LOO_LEVERAGE_LIMIT (1.0 - 1e-10)

size_t smi_held_block_size(const smi_problem *pb, size_t dim)
{
    int loo = pb->cfg->criterion == SMI_CRIT_LOO;
    return pb->n_mats * dim * dim + pb->n * dim + (loo ? pb->n : 0);
}

static double *block_mat(const smi_problem *pb, double *block, size_t dim, size_t f)
{
    (void)pb;
    return block + f * dim * dim;
}

static double *block_e(const smi_problem *pb, double *block, size_t dim)
{
    return block + pb->n_mats * dim * dim;
}

static double *block_h(const smi_problem *pb, double *block, size_t dim)
{
    return block + pb->n_mats * dim * dim + pb->n * dim;
}

/* Matrix of training set f for row group f (CV: fold f; LOO: the one matrix). */
static size_t mat_of_group(const smi_problem *pb, size_t f)
{
    return pb->n_mats > 1 ? f : 0;
}

/* The quotients W_f[c][c+1..] / P_f of every training set into g (n_mats x dc), computed
 * once per child: the same bits as computing them in place, without a division per entry. */
static void pivot_quotients(const smi_problem *pb, double *block, size_t dim, size_t c,
                            double *g)
{
    size_t dc = dim - 1 - c;
    for (size_t f = 0; f < pb->n_mats; f++) {
        const double *W = block_mat(pb, block, dim, f);
        const double *row_c = W + c * dim + c + 1;
        double pivot = W[c * dim + c];
        for (size_t b = 0; b < dc; b++)
            g[f * dc + b] = row_c[b] / pivot;
    }
}

void smi_held_form_child(const smi_problem *pb, const double *block, size_t dim, size_t c,
                         double *child, double *g)
{
    size_t dc = dim - 1 - c;
    double *src = (double *)block; /* read only */
    pivot_quotients(pb, src, dim, c, g);
    for (size_t f = 0; f < pb->n_mats; f++) {
        const double *W = block_mat(pb, src, dim, f), *gf = g + f * dc;
        double *Wc = block_mat(pb, child, dc, f);
        const double *row_c = W + c * dim + c + 1;
        for (size_t a = 0; a < dc; a++) {
            const double *s = W + (c + 1 + a) * dim + c + 1;
            double wa = row_c[a];
            for (size_t b = a; b < dc; b++)
                Wc[a * dc + b] = s[b] - wa * gf[b];
        }
    }
    const double *E = block_e(pb, src, dim);
    double *Ec = block_e(pb, child, dc);
    size_t row = 0;
    for (size_t grp = 0; grp < (pb->n_mats > 1 ? pb->n_mats : 1); grp++) {
        const double *gf = g + mat_of_group(pb, grp) * dc;
        for (size_t r = 0; r < pb->fold_rows[grp]; r++, row++) {
            const double *e = E + row * dim + c + 1;
            double *ec = Ec + row * dc, eic = e[-1];
            for (size_t b = 0; b < dc; b++)
                ec[b] = e[b] - eic * gf[b];
        }
    }
    if (pb->cfg->criterion == SMI_CRIT_LOO) {
        const double *W = block_mat(pb, src, dim, 0), *h = block_h(pb, src, dim);
        double *hc = block_h(pb, child, dc), pivot = W[c * dim + c];
        for (size_t i = 0; i < pb->n; i++)
            hc[i] = h[i] + E[i * dim + c] * (E[i * dim + c] / pivot);
    }
}

/* The smallest pivot ratio over the training sets for candidate `cand` at local c, or 0
 * when the subset is singular on any of them (see pivot_ratio in sweep.c). */
static double held_ratio(const smi_problem *pb, double *block, size_t dim, size_t c,
                         size_t cand, double minrel)
{
    double worst = 1.0;
    for (size_t f = 0; f < pb->n_mats; f++) {
        double rel = block_mat(pb, block, dim, f)[c * dim + c] * pb->mat_inv_diag0[f][cand];
        if (!(rel > SMI_PIVOT_TOLERANCE && rel * minrel > SMI_NOISE_MARGIN))
            return 0.0;
        worst = rel < worst ? rel : worst;
    }
    return worst;
}

/* Score of the child on local c: CV or LOO mean squared error; NAN when undefined. */
static double held_score(const smi_problem *pb, double *block, size_t dim, size_t c)
{
    size_t y = dim - 1, row = 0;
    const double *E = block_e(pb, block, dim);
    double sum = 0.0;
    if (pb->cfg->criterion == SMI_CRIT_LOO) {
        const double *W = block_mat(pb, block, dim, 0), *h = block_h(pb, block, dim);
        double pivot = W[c * dim + c], gy = W[c * dim + y] / pivot;
        for (size_t i = 0; i < pb->n; i++) {
            double eic = E[i * dim + c], r = E[i * dim + y] - eic * gy;
            double hi = h[i] + eic * (eic / pivot);
            if (!(hi < LOO_LEVERAGE_LIMIT))
                return NAN;
            sum += (r / (1.0 - hi)) * (r / (1.0 - hi));
        }
        return sum / (double)pb->n;
    }
    for (size_t f = 0; f < pb->n_mats; f++) {
        const double *W = block_mat(pb, block, dim, f);
        double gy = W[c * dim + y] / W[c * dim + c];
        for (size_t r = 0; r < pb->fold_rows[f]; r++, row++) {
            double e = E[row * dim + y] - E[row * dim + c] * gy;
            sum += e * e;
        }
    }
    return sum / (double)pb->n;
}

/* The node's own score from its block (the same formulas as held_score, read off the
 * formed block: its y column is exactly what held_score would compute). */
static double held_self_score(const smi_problem *pb, double *block, size_t dim)
{
    size_t y = dim - 1;
    const double *E = block_e(pb, block, dim);
    double sum = 0.0;
    if (pb->cfg->criterion == SMI_CRIT_LOO) {
        const double *h = block_h(pb, block, dim);
        for (size_t i = 0; i < pb->n; i++) {
            if (!(h[i] < LOO_LEVERAGE_LIMIT))
                return NAN;
            double r = E[i * dim + y];
            sum += (r / (1.0 - h[i])) * (r / (1.0 - h[i]));
        }
    } else {
        for (size_t i = 0; i < pb->n; i++)
            sum += E[i * dim + y] * E[i * dim + y];
    }
    return sum / (double)pb->n;
}

typedef struct held_node {
    size_t first, depth;
    double minrel;
} held_node;

static void record_held(const smi_problem *pb, smi_collector *col, const size_t *path,
                        size_t depth, double value)
{
    if (pb->n_keep + depth < pb->kmin)
        return;
    if (isnan(value))
        col->n_singular++;
    else
        (void)smi_collector_add_fast(col, pb, value, path, depth);
}

static void visit_held(const smi_problem *pb, double **levels, size_t *path, double *g,
                       smi_collector *col, double *block, size_t dim, const held_node *nd)
{
    size_t r = dim - 1, k = pb->n_keep + nd->depth;
    for (size_t c = 0; c < r; c++) {
        size_t cand = nd->first + c;
        double rel = held_ratio(pb, block, dim, c, cand, nd->minrel);
        if (rel == 0.0) {
            col->n_singular += smi_problem_subtree_count(pb, pb->q - 1 - cand, k + 1);
            continue;
        }
        path[nd->depth] = cand;
        record_held(pb, col, path, nd->depth + 1, held_score(pb, block, dim, c));
        if (k + 1 >= pb->kmax || c + 1 >= r)
            continue;
        held_node child = { .first = cand + 1, .depth = nd->depth + 1,
                            .minrel = rel < nd->minrel ? rel : nd->minrel };
        double *next = levels[child.depth];
        smi_held_form_child(pb, block, dim, c, next, g);
        visit_held(pb, levels, path, g, col, next, dim - 1 - c, &child);
    }
}

void smi_task_run_held(const smi_task *task, const smi_problem *pb, double **levels,
                       size_t *path, double *g, smi_collector *col)
{
    double *block = pb->held_root;
    size_t dim = pb->q + 1;
    held_node nd = { .first = 0, .depth = 0, .minrel = pb->minrel_keep };
    for (size_t i = 0; i < task->depth; i++) {
        size_t cand = task->path[i], c = cand - nd.first;
        double rel = held_ratio(pb, block, dim, c, cand, nd.minrel);
        if (rel == 0.0) {
            col->n_singular += task->weight;
            return;
        }
        nd.minrel = rel < nd.minrel ? rel : nd.minrel;
        smi_held_form_child(pb, block, dim, c, levels[i + 1], g);
        block = levels[i + 1];
        dim -= 1 + c;
        nd.first = cand + 1;
        nd.depth = i + 1;
        path[i] = cand;
    }
    size_t k = pb->n_keep + task->depth;
    if (k >= pb->kmin && k <= pb->kmax)
        record_held(pb, col, path, task->depth, held_self_score(pb, block, dim));
    if (!task->self_only && k < pb->kmax)
        visit_held(pb, levels, path, g, col, block, dim, &nd);
}
