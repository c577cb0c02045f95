/* Depth-first sweep tree over subsets (DESIGN.md 4.3).
 * The tree: node S (its candidates in ascending order, last one l) has the children
 * S + {j} for every candidate j > l, so every subset is visited once.
 * At node S with m candidates after l, the node matrix W is (m + 1) x (m + 1), row-major,
 * upper triangle valid, y last:
 *   (1) W is the Schur complement of the augmented Gram matrix [X y]'[X y] (centred, scaled;
 *       for FE: beta [X y]'[X y] + alpha on the feature diagonal) with respect to S and the
 *       forced features, restricted to the candidates after l and y;
 *   (2) W[y][y] == RSS(S) (for FE: beta (y'y - beta b'A^-1 b)); the sum of ln pivots along
 *       the path == ln|X_S'X_S| (for FE: ln|A|).
 * Including the candidate at local index c costs O((m - c)^2) to form the child's matrix,
 * but the child's score needs only W[c][c], W[c][y] and W[y][y]: O(1). A node whose
 * children are leaves forms only its diagonal and y column, O(m). Over all 2^p subsets that
 * is a few multiply-adds per subset, whatever n is.
 * Every entry is updated by one formula, W'[a][b] = W[a][b] - W[c][a] * (W[c][b] / P), in
 * every code path, so a subset's score is the same bits whichever task reaches it. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg/linalg.h"
#include "search/search.h"

struct smi_workspace {
    double **level;  /* level[t]: matrix buffer for a node with t candidates */
    size_t n_levels;
    double *diag, *ycol; /* the last level: diagonal and y column only */
    double *g;           /* quotients of a pivot row by its pivot */
    size_t path[512];
    smi_post post;       /* this thread's posterior partials */
    smi_grid_ws *grid;   /* the grid criteria's matrices, or NULL */
    smi_avg *avg;        /* exact model averaging, or NULL */
};

/* A node of the tree: candidates from `first` on are undecided, `depth` are included;
 * logdet sums the ln pivots (FE only), minrel is the smallest pivot ratio on the path. */
typedef struct node {
    size_t first, depth;
    double logdet, minrel;
} node;

/* The pivot ratio of a candidate (its pivot over its squared norm before any pivot), or 0
 * when the subset is singular: the ratio is below the tolerance, or below the rounding
 * noise that earlier small pivots leave in it (about eps / minrel; a margin of 1e3 keeps
 * three correct digits). Constant columns have norm 0 and ratio 0. */
static double pivot_ratio(const smi_problem *pb, size_t cand, double pivot, double minrel)
{
    double rel = pivot * pb->inv_diag0[cand];
    return rel > SMI_PIVOT_TOLERANCE && rel * minrel > SMI_NOISE_MARGIN ? rel : 0.0;
}


/* A score is defined: AIC and BIC need a residual degree of freedom and RSS > 0. */
static int scorable(const smi_problem *pb, size_t k, double rss)
{
    int crit = pb->cfg->criterion;
    if (crit != SMI_CRIT_AIC && crit != SMI_CRIT_BIC)
        return 1;
    return k + (pb->cfg->intercept ? 1u : 0u) < pb->n && rss > 0.0;
}

/* Child matrix of W (dimension d) on pivot c: dimension d - 1 - c. The quotients
 * W[c][b] / P are computed once into g (the same bits as computing them in place). */
static void form_child(const double *W, size_t d, size_t c, double *child, double *g)
{
    size_t dc = d - 1 - c;
    const double *row_c = W + c * d + c + 1; /* W[c][c+1..d-1] */
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

/* Score a subset; returns its posterior weight (0 without a posterior). */
static double record(const smi_problem *pb, smi_workspace *ws, smi_collector *c,
                     const size_t *path, size_t depth, double rss, double logdet)
{
    size_t k = pb->n_keep + depth;
    if (k < pb->kmin)
        return 0.0;
    if (!scorable(pb, k, rss)) {
        c->n_singular++;
        return 0.0;
    }
    double value = smi_criterion_of(pb, k, rss, logdet);
    if (!smi_collector_add_fast(c, pb, value, path, depth))
        return 0.0; /* counted apart as non-finite */
    return ws->post.on ? smi_post_record(&ws->post, c, depth, value) : 0.0;
}

/* The child at local c of W is a node whose children are leaves: score them from the
 * node's diagonal and y column alone. `nd` describes that node, yy is its RSS term. */
static void visit_leaves(const smi_problem *pb, smi_workspace *ws, smi_collector *col,
                         const double *W, size_t d, size_t c, const node *nd, double yy)
{
    size_t r = d - 1, m = r - 1 - c; /* the node's remaining candidates */
    const double *row_c = W + c * d + c + 1;
    double pivot = W[c * d + c], fy = row_c[m] / pivot;
    int fe = smi_is_fe(pb->cfg->criterion);
    for (size_t a = 0; a < m; a++) {
        const double *src = W + (c + 1 + a) * d + c + 1; /* W[c+1+a][c+1..] */
        ws->diag[a] = src[a] - row_c[a] * (row_c[a] / pivot);
        ws->ycol[a] = src[m] - row_c[a] * fy;
    }
    for (size_t a = 0; a < m; a++) {
        double p2 = ws->diag[a];
        if (pivot_ratio(pb, nd->first + a, p2, nd->minrel) == 0.0) {
            col->n_singular += smi_problem_subtree_count(pb, 0, pb->n_keep + nd->depth + 1);
            continue;
        }
        double rss = yy - ws->ycol[a] * (ws->ycol[a] / p2);
        ws->path[nd->depth] = nd->first + a;
        double w = record(pb, ws, col, ws->path, nd->depth + 1, rss,
                          fe ? nd->logdet + log(p2) : 0.0);
        smi_post_leaf(&ws->post, nd->depth + 1, nd->first + a, w);
    }
}

/* Score every descendant of node nd, whose matrix W has dimension d. */
static void visit(const smi_problem *pb, smi_workspace *ws, smi_collector *col,
                  const double *W, size_t d, const node *nd)
{
    size_t r = d - 1, k = pb->n_keep + nd->depth;
    int fe = smi_is_fe(pb->cfg->criterion);
    for (size_t c = 0; c < r; c++) {
        size_t cand = nd->first + c;
        double pivot = W[c * d + c], rel = pivot_ratio(pb, cand, pivot, nd->minrel);
        if (rel == 0.0) {
            col->n_singular += smi_problem_subtree_count(pb, pb->q - 1 - cand, k + 1);
            continue;
        }
        double wy = W[c * d + r];
        double rss = W[r * d + r] - wy * (wy / pivot);
        node child = { .first = cand + 1, .depth = nd->depth + 1,
                       .logdet = fe ? nd->logdet + log(pivot) : 0.0,
                       .minrel = rel < nd->minrel ? rel : nd->minrel };
        ws->path[nd->depth] = cand;
        smi_post_enter(&ws->post, child.depth,
                       record(pb, ws, col, ws->path, child.depth, rss, child.logdet));
        if (k + 1 < pb->kmax && c + 1 < r) { /* else the child has no children */
            if (k + 2 == pb->kmax) {
                visit_leaves(pb, ws, col, W, d, c, &child, rss);
            } else {
                double *matrix = ws->level[child.depth];
                form_child(W, d, c, matrix, ws->g);
                visit(pb, ws, col, matrix, d - 1 - c, &child);
            }
        }
        smi_post_leave(&ws->post, child.depth, cand);
    }
}

void smi_task_run(const smi_task *task, const smi_problem *pb, smi_workspace *ws,
                  smi_collector *col)
{
    if (pb->held_out) {
        smi_task_run_held(task, pb, ws->level, ws->path, ws->g, col);
        return;
    }
    if (ws->grid) {
        smi_task_run_grid(task, pb, ws->grid, ws->path, &ws->post, col);
        smi_avg_task(ws->avg, task, col);
        return;
    }
    const double *W = pb->root;
    size_t d = pb->q + 1;
    node nd = { .first = 0, .depth = 0, .logdet = pb->logdet_keep, .minrel = pb->minrel_keep };
    int fe = smi_is_fe(pb->cfg->criterion);
    for (size_t i = 0; i < task->depth; i++) {
        size_t cand = task->path[i], c = cand - nd.first;
        double pivot = W[c * d + c], rel = pivot_ratio(pb, cand, pivot, nd.minrel);
        if (rel == 0.0) {
            col->n_singular += task->weight;
            return;
        }
        if (fe)
            nd.logdet += log(pivot);
        nd.minrel = rel < nd.minrel ? rel : nd.minrel;
        form_child(W, d, c, ws->level[i + 1], ws->g);
        W = ws->level[i + 1];
        d -= 1 + c;
        nd.first = cand + 1;
        nd.depth = i + 1;
        ws->path[i] = cand;
    }
    size_t k = pb->n_keep + task->depth;
    smi_post_task_begin(&ws->post);
    double w = 0.0;
    if (k >= pb->kmin && k <= pb->kmax)
        w = record(pb, ws, col, ws->path, task->depth, W[(d - 1) * d + d - 1], nd.logdet);
    smi_post_enter(&ws->post, task->depth, w);
    if (!task->self_only && k < pb->kmax)
        visit(pb, ws, col, W, d, &nd);
    smi_post_task_end(&ws->post, col, task->depth, ws->path);
    smi_avg_task(ws->avg, task, col);
}

int smi_workspace_create(smi_workspace **out, const smi_problem *pb)
{
    smi_workspace *ws = smi_calloc_array(1, sizeof *ws, "search workspace");
    if (!ws)
        return SMI_ENOMEM;
    /* Full matrices are needed for nodes with up to kmax - 2 candidates beyond the forced
     * ones (deeper nodes have only leaves below); task paths never go deeper (problem.c).
     * The held-out walk has no leaf shortcut: its blocks go one level deeper. */
    size_t free_max = pb->kmax - pb->n_keep;
    size_t deepest = free_max >= 2 ? free_max - 2 : 0;
    if (pb->held_out)
        deepest = free_max >= 1 ? free_max - 1 : 0;
    if (deepest > pb->q)
        deepest = pb->q;
    ws->n_levels = deepest + 1;
    int rc = smi_post_init(&ws->post, pb);
    if (rc == SMI_OK)
        rc = smi_avg_create(&ws->avg, pb);
    if (rc == SMI_OK && pb->n_grid) {
        rc = smi_grid_ws_create(&ws->grid, pb, ws->n_levels);
        ws->n_levels = 1; /* the grid walk has its own matrices */
    }
    if (rc != SMI_OK) {
        smi_workspace_free(ws);
        return rc;
    }
    ws->level = smi_calloc_array(ws->n_levels, sizeof *ws->level, "search workspace");
    ws->diag = smi_alloc_array(pb->q + 1, sizeof *ws->diag, "search workspace");
    ws->ycol = smi_alloc_array(pb->q + 1, sizeof *ws->ycol, "search workspace");
    ws->g = smi_alloc_array(pb->held_out ? pb->n_mats : 1, (pb->q + 1) * sizeof *ws->g,
                            "search workspace");
    rc = ws->level && ws->diag && ws->ycol && ws->g ? SMI_OK : SMI_ENOMEM;
    for (size_t t = 1; rc == SMI_OK && t < ws->n_levels; t++) {
        size_t dim = pb->q + 1 - t;
        size_t size = pb->held_out ? smi_held_block_size(pb, dim) : dim * dim;
        ws->level[t] = smi_alloc_array(size ? size : 1, sizeof(double), "search workspace");
        if (!ws->level[t])
            rc = SMI_ENOMEM;
    }
    if (rc != SMI_OK) {
        smi_workspace_free(ws);
        return rc;
    }
    *out = ws;
    return SMI_OK;
}

void smi_workspace_free(smi_workspace *ws)
{
    if (!ws)
        return;
    for (size_t t = 0; ws->level && t < ws->n_levels; t++)
        free(ws->level[t]);
    free(ws->level);
    free(ws->diag);
    free(ws->ycol);
    free(ws->g);
    smi_post_free(&ws->post);
    smi_grid_ws_free(ws->grid);
    smi_avg_free(ws->avg);
    free(ws);
}
