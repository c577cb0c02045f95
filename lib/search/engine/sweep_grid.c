/* The sweep tree for the grid criteria, fe-opt and fe-marg (DESIGN.md 4.4).
 * For a ratio lambda = alpha / beta the evidence of subset S needs only
 *   L = ln|lambda I + Z_S'Z_S| and R = y'y - b'(lambda I + Z_S'Z_S)^-1 b,
 * beta being optimised (fe-opt: beta = n / R) or integrated against its Gamma prior
 * (fe-marg) in closed form. Both come from the sweep of [Z y]'[Z y] + lambda on the feature
 * diagonal, as in sweep.c with alpha = lambda and beta = 1. A node here holds one such
 * matrix per ratio of the grid (G of them, each dim x dim, row-major, upper triangle valid)
 * and the G running sums of ln pivots; the tree and its pivots are those of sweep.c, so
 * a subset costs G times an FE subset. Singularity is judged on the smallest ratio, whose
 * pivots are the smallest. As in sweep.c, one formula per entry in every code path. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"

struct smi_grid_ws {
    double **level;  /* level[t]: G matrices of a node with t candidates included */
    double **logdet; /* logdet[t]: G running sums of ln pivots at depth t */
    size_t n_levels;
    double *diag, *ycol; /* G x (q + 1): a leaf parent's diagonal and y column */
    double *g;           /* quotients of a pivot row by its pivot */
    double *R;           /* G residual terms of the subset being scored */
};

void smi_grid_ws_free(smi_grid_ws *ws)
{
    if (!ws)
        return;
    for (size_t t = 0; t < ws->n_levels; t++) {
        free(ws->level ? ws->level[t] : NULL);
        free(ws->logdet ? ws->logdet[t] : NULL);
    }
    free(ws->level);
    free(ws->logdet);
    free(ws->diag);
    free(ws->ycol);
    free(ws->g);
    free(ws->R);
    free(ws);
}

int smi_grid_ws_create(smi_grid_ws **out, const smi_problem *pb, size_t n_levels)
{
    size_t G = pb->n_grid, dq = pb->q + 1;
    smi_grid_ws *ws = smi_calloc_array(1, sizeof *ws, "grid workspace");
    if (!ws)
        return SMI_ENOMEM;
    /* level 0 is the root (in the problem); depths reach kmax - n_keep for the ln sums */
    ws->n_levels = pb->kmax - pb->n_keep + 2;
    ws->level = smi_calloc_array(ws->n_levels, sizeof *ws->level, "grid workspace");
    ws->logdet = smi_calloc_array(ws->n_levels, sizeof *ws->logdet, "grid workspace");
    ws->diag = smi_alloc_array(G, dq * sizeof *ws->diag, "grid workspace");
    ws->ycol = smi_alloc_array(G, dq * sizeof *ws->ycol, "grid workspace");
    ws->g = smi_alloc_array(dq, sizeof *ws->g, "grid workspace");
    ws->R = smi_alloc_array(G, sizeof *ws->R, "grid workspace");
    int rc = ws->level && ws->logdet && ws->diag && ws->ycol && ws->g && ws->R ? SMI_OK
                                                                               : SMI_ENOMEM;
    for (size_t t = 0; rc == SMI_OK && t < ws->n_levels; t++) {
        ws->logdet[t] = smi_alloc_array(G, sizeof(double), "grid workspace");
        size_t dim = dq > t ? dq - t : 1;
        if (t >= 1 && t < n_levels)
            ws->level[t] = smi_alloc_array(G, dim * dim * sizeof(double), "grid workspace");
        if (!ws->logdet[t] || (t >= 1 && t < n_levels && !ws->level[t]))
            rc = SMI_ENOMEM;
    }
    if (rc != SMI_OK) {
        smi_grid_ws_free(ws);
        return rc;
    }
    *out = ws;
    return SMI_OK;
}

/* The node: undecided candidates from `first` on, `depth` included, the smallest pivot
 * ratio on its path (ratio 0's), and its G ln-determinants in logdet[depth]. */
typedef struct grid_node {
    size_t first, depth;
    double minrel;
} grid_node;

static double pivot_ratio(const smi_problem *pb, size_t cand, double pivot, double minrel)
{
    double rel = pivot * pb->inv_diag0[cand];
    return rel > SMI_PIVOT_TOLERANCE && rel * minrel > SMI_NOISE_MARGIN ? rel : 0.0;
}

static void form_child(const double *W, size_t d, size_t c, double *child, double *g)
{
    size_t dc = d - 1 - c;
    const double *row_c = W + c * d + c + 1;
    double pivot = W[c * d + c];
    for (size_t b = 0; b < dc; b++)
        g[b] = row_c[b] / pivot;
    for (size_t a = 0; a < dc; a++) {
        const double *src = W + (c + 1 + a) * d + c + 1;
        double *dst = child + a * dc;
        double wa = row_c[a];
        for (size_t b = a; b < dc; b++)
            dst[b] = src[b] - wa * g[b];
    }
}

/* Score the subset at depth `depth` whose R terms are in ws->R and ln-determinants in
 * ws->logdet[depth]; returns its posterior weight (0 when it has none). */
static double record(const smi_problem *pb, smi_grid_ws *ws, smi_post *post, smi_collector *c,
                     const size_t *path, size_t depth)
{
    size_t k = pb->n_keep + depth;
    if (k < pb->kmin)
        return 0.0;
    double value = smi_grid_value(pb, k, ws->R, ws->logdet[depth]);
    if (isnan(value)) {
        c->n_singular++;
        return 0.0;
    }
    if (!smi_collector_add_fast(c, pb, value, path, depth))
        return 0.0; /* counted apart as non-finite */
    return smi_post_record(post, c, depth, value);
}

/* Children of the node's child at local c are leaves: score them from that child's
 * diagonal and y column, per ratio. */
static void visit_leaves(const smi_problem *pb, smi_grid_ws *ws, smi_post *post,
                         smi_collector *col, const double *block, size_t d, size_t c,
                         const grid_node *nd, size_t *path)
{
    size_t G = pb->n_grid, r = d - 1, m = r - 1 - c, dd = d * d;
    const double *yy = ws->R; /* the child's R terms, one per ratio */
    double yyc[SMI_RATIO_GRID_MAX];
    memcpy(yyc, yy, G * sizeof *yyc);
    for (size_t g = 0; g < G; g++) {
        const double *W = block + g * dd;
        const double *row_c = W + c * d + c + 1;
        double pivot = W[c * d + c], fy = row_c[m] / pivot;
        double *diag = ws->diag + g * (pb->q + 1), *ycol = ws->ycol + g * (pb->q + 1);
        for (size_t a = 0; a < m; a++) {
            const double *src = W + (c + 1 + a) * d + c + 1;
            diag[a] = src[a] - row_c[a] * (row_c[a] / pivot);
            ycol[a] = src[m] - row_c[a] * fy;
        }
    }
    size_t depth = nd->depth + 1;
    const double *ld = ws->logdet[nd->depth];
    double *ld_leaf = ws->logdet[depth];
    for (size_t a = 0; a < m; a++) {
        if (pivot_ratio(pb, nd->first + a, ws->diag[a], nd->minrel) == 0.0) {
            col->n_singular += smi_problem_subtree_count(pb, 0, pb->n_keep + depth);
            continue;
        }
        for (size_t g = 0; g < G; g++) {
            double p2 = ws->diag[g * (pb->q + 1) + a], yc = ws->ycol[g * (pb->q + 1) + a];
            ws->R[g] = yyc[g] - yc * (yc / p2);
            ld_leaf[g] = ld[g] + log(p2);
        }
        path[nd->depth] = nd->first + a;
        double w = record(pb, ws, post, col, path, depth);
        smi_post_leaf(post, depth, nd->first + a, w);
    }
    memcpy(ws->R, yyc, G * sizeof *yyc);
}

/* Score every descendant of node nd, whose G matrices (dimension d each) are `block`. */
static void visit(const smi_problem *pb, smi_grid_ws *ws, smi_post *post, smi_collector *col,
                  const double *block, size_t d, const grid_node *nd, size_t *path)
{
    size_t G = pb->n_grid, r = d - 1, k = pb->n_keep + nd->depth, dd = d * d;
    const double *ld = ws->logdet[nd->depth];
    double *ld_child = ws->logdet[nd->depth + 1];
    for (size_t c = 0; c < r; c++) {
        size_t cand = nd->first + c;
        double rel = pivot_ratio(pb, cand, block[c * d + c], nd->minrel);
        if (rel == 0.0) {
            col->n_singular += smi_problem_subtree_count(pb, pb->q - 1 - cand, k + 1);
            continue;
        }
        for (size_t g = 0; g < G; g++) {
            const double *W = block + g * dd;
            double pivot = W[c * d + c], wy = W[c * d + r];
            ws->R[g] = W[r * d + r] - wy * (wy / pivot);
            ld_child[g] = ld[g] + log(pivot);
        }
        grid_node child = { .first = cand + 1, .depth = nd->depth + 1,
                            .minrel = rel < nd->minrel ? rel : nd->minrel };
        path[nd->depth] = cand;
        smi_post_enter(post, child.depth, record(pb, ws, post, col, path, child.depth));
        if (k + 1 < pb->kmax && c + 1 < r) {
            if (k + 2 == pb->kmax) {
                visit_leaves(pb, ws, post, col, block, d, c, &child, path);
            } else {
                double *next = ws->level[child.depth];
                size_t dc = d - 1 - c;
                for (size_t g = 0; g < G; g++)
                    form_child(block + g * dd, d, c, next + g * dc * dc, ws->g);
                visit(pb, ws, post, col, next, dc, &child, path);
            }
        }
        smi_post_leave(post, child.depth, cand);
    }
}

void smi_task_run_grid(const smi_task *task, const smi_problem *pb, smi_grid_ws *ws,
                       size_t *path, smi_post *post, smi_collector *col)
{
    size_t G = pb->n_grid, d = pb->q + 1;
    const double *block = pb->grid_root;
    grid_node nd = { .first = 0, .depth = 0, .minrel = pb->minrel_keep };
    memcpy(ws->logdet[0], pb->grid_logdet_keep, G * sizeof(double));
    for (size_t i = 0; i < task->depth; i++) {
        size_t cand = task->path[i], c = cand - nd.first, dd = d * d, dc = d - 1 - c;
        double rel = pivot_ratio(pb, cand, block[c * d + c], nd.minrel);
        if (rel == 0.0) {
            col->n_singular += task->weight;
            return;
        }
        double *next = ws->level[i + 1];
        for (size_t g = 0; g < G; g++) {
            ws->logdet[i + 1][g] = ws->logdet[i][g] + log(block[g * dd + c * d + c]);
            form_child(block + g * dd, d, c, next + g * dc * dc, ws->g);
        }
        block = next;
        d = dc;
        nd.minrel = rel < nd.minrel ? rel : nd.minrel;
        nd.first = cand + 1;
        nd.depth = i + 1;
        path[i] = cand;
    }
    size_t k = pb->n_keep + task->depth;
    smi_post_task_begin(post);
    double w = 0.0;
    if (k >= pb->kmin && k <= pb->kmax) {
        for (size_t g = 0; g < G; g++)
            ws->R[g] = block[g * d * d + (d - 1) * d + d - 1];
        w = record(pb, ws, post, col, path, task->depth);
    }
    smi_post_enter(post, task->depth, w);
    if (!task->self_only && k < pb->kmax)
        visit(pb, ws, post, col, block, d, &nd, path);
    smi_post_task_end(post, col, task->depth, path);
}
