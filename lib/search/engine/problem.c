/* Preparing a search: checks of the configuration against the data, the centred and
 * scaled augmented Gram matrix, the forced features swept out, subset counts; and the
 * fixed plan of tasks that splits the tree. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg/linalg.h"
#include "search/search.h"

#define TASK_TARGET 4096
#define TASK_MAX_DEPTH 8

void smi_problem_free(smi_problem *pb)
{
    smi_problem_free_held_out(pb);
    free(pb->cand);
    free(pb->keep);
    free(pb->root);
    free(pb->diag0);
    free(pb->inv_diag0);
    free(pb->grid_root);
    free(pb->avg_gram);
    free(pb->avg_feature);
    free(pb->avg_scale);
    free(pb->avg_xmean);
    free(pb->grid_logdet_keep);
    if (pb->binom_prefix)
        for (size_t m = 0; m <= pb->q; m++)
            free(pb->binom_prefix[m]);
    free(pb->binom_prefix);
    memset(pb, 0, sizeof *pb);
}

static int compare_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static int choose_features(smi_problem *pb, const smi_dataset *ds, const struct smi_search *cfg)
{
    pb->n_keep = cfg->n_keep;
    pb->keep = smi_alloc_array(cfg->n_keep + 1, sizeof *pb->keep, "forced features");
    pb->cand = smi_alloc_array(pb->p + 1, sizeof *pb->cand, "candidate features");
    if (!pb->keep || !pb->cand)
        return SMI_ENOMEM;
    if (cfg->n_keep)
        memcpy(pb->keep, cfg->keep, cfg->n_keep * sizeof *pb->keep);
    qsort(pb->keep, pb->n_keep, sizeof *pb->keep, compare_size);
    for (size_t i = 0; i < pb->n_keep; i++) {
        SMI_FAIL_IF(pb->keep[i] >= pb->p, SMI_EINVAL,
                    "forced feature index %zu: the data set has %zu features", pb->keep[i], pb->p);
        SMI_FAIL_IF(i > 0 && pb->keep[i] == pb->keep[i - 1], SMI_EINVAL,
                    "feature '%s' is forced twice",
                    ds ? ds->feature_names[pb->keep[i]] : "(by index)");
    }
    for (size_t j = 0, i = 0; j < pb->p; j++) {
        if (i < pb->n_keep && pb->keep[i] == j)
            i++;
        else
            pb->cand[pb->q++] = j;
    }
    pb->kmax = cfg->max_size ? cfg->max_size : pb->p;
    pb->kmin = cfg->min_size > pb->n_keep ? cfg->min_size : pb->n_keep;
    SMI_FAIL_IF(pb->kmax > pb->p, SMI_EINVAL, "maximum model size %zu exceeds the %zu features",
                pb->kmax, pb->p);
    SMI_FAIL_IF(cfg->min_size > pb->kmax, SMI_EINVAL, "minimum model size %zu exceeds the maximum %zu",
                cfg->min_size, pb->kmax);
    SMI_FAIL_IF(pb->n_keep > pb->kmax, SMI_EINVAL, "%zu forced features exceed the maximum model size %zu",
                pb->n_keep, pb->kmax);
    SMI_FAIL_IF(pb->kmax - pb->n_keep > 500, SMI_ETOOLARGE,
                "models of up to %zu free features are too many to enumerate", pb->kmax - pb->n_keep);
    return SMI_OK;
}

/* binom_prefix[m][s] = sum_{t <= s} C(m, t) for s <= kmax - n_keep (the most candidates a
 * model holds), after checking in floating point that the number of subsets fits a 64-bit
 * count (then every entry used does). */
static int count_subsets(smi_problem *pb)
{
    size_t lo = pb->kmin - pb->n_keep, hi = pb->kmax - pb->n_keep, q = pb->q;
    double total = 0.0;
    for (size_t s = lo; s <= hi && s <= q; s++)
        total += exp(smi_lgamma((double)q + 1) - smi_lgamma((double)s + 1) - smi_lgamma((double)(q - s) + 1));
    SMI_FAIL_IF(total > 9.0e18, SMI_ETOOLARGE,
                "%.3g subsets are too many to enumerate: limit the model size", total);
    size_t cols = pb->kmax - pb->n_keep + 1;
    pb->binom_prefix = smi_calloc_array(q + 1, sizeof *pb->binom_prefix, "subset counts");
    if (!pb->binom_prefix)
        return SMI_ENOMEM;
    uint64_t *row = NULL, *prev_c = smi_calloc_array(cols, sizeof *prev_c, "subset counts");
    uint64_t *cur_c = smi_calloc_array(cols, sizeof *cur_c, "subset counts");
    int rc = prev_c && cur_c ? SMI_OK : SMI_ENOMEM;
    for (size_t m = 0; rc == SMI_OK && m <= q; m++) {
        for (size_t s = 0; s < cols; s++) /* C(m, s) by Pascal's rule, saturating */
            cur_c[s] = s == 0 ? 1 : (m == 0 ? 0 : (prev_c[s] > UINT64_MAX - prev_c[s - 1]
                                                       ? UINT64_MAX : prev_c[s] + prev_c[s - 1]));
        row = smi_alloc_array(cols, sizeof *row, "subset counts");
        if (!row) {
            rc = SMI_ENOMEM;
            break;
        }
        uint64_t sum = 0;
        for (size_t s = 0; s < cols; s++) {
            sum = cur_c[s] > UINT64_MAX - sum ? UINT64_MAX : sum + cur_c[s];
            row[s] = sum;
        }
        pb->binom_prefix[m] = row;
        uint64_t *t = prev_c;
        prev_c = cur_c;
        cur_c = t;
    }
    free(prev_c);
    free(cur_c);
    return rc;
}

/* Column j of the design as the search sees it: centred when there is an intercept; for FE
 * divided by the standard deviation when standardising; for the least-squares criteria
 * scaled to unit norm, which changes no fit and evens out the pivots. y is only centred,
 * and scaled by 2^-y_exponent. A column out of the safe range is first scaled by its power
 * of two 2^-e (smi_column_exponent), exactly, so that its sum of squares stays finite;
 * the factor then carries 2^e back, which gives the same bits as without the prescale. */
static void fill_design(const smi_dataset *ds, const struct smi_search *cfg,
                        const size_t *order, size_t m, int y_exponent, double *Z)
{
    size_t n = ds->n;
    for (size_t t = 0; t < m; t++) {
        size_t j = order[t];
        int e = smi_column_exponent(ds, j);
        double *z = Z + t * n, mean = cfg->intercept ? ldexp(ds->mean[j], -e) : 0.0, ss = 0.0;
        for (size_t i = 0; i < n; i++) {
            z[i] = ldexp(ds->X[i * ds->p + j], -e) - mean;
            ss += z[i] * z[i];
        }
        double scale = ldexp(1.0, e);
        if (cfg->intercept && smi_column_is_constant(ds, j))
            scale = ss = 0.0; /* exactly zero: every subset with it is singular */
        else if (smi_is_fe(cfg->criterion))
            scale = cfg->standardize && ds->sd[j] > 0.0 ? 1.0 / ldexp(ds->sd[j], -e) : scale;
        else if (ss > 0.0)
            scale = 1.0 / sqrt(ss);
        for (size_t i = 0; i < n; i++)
            z[i] *= scale;
    }
    double *zy = Z + m * n, ymean = cfg->intercept ? ldexp(ds->mean[ds->p], -y_exponent) : 0.0;
    for (size_t i = 0; i < n; i++)
        zy[i] = ldexp(ds->y[i], -y_exponent) - ymean;
}

/* Every diagonal entry of the root matrix (dimension d, columns in `order`, y last) is
 * finite, else SMI_ENONFINITE naming the column whose squares overflow. */
static int check_root_finite(const smi_problem *pb, const smi_dataset *ds, const size_t *order,
                             size_t d)
{
    for (size_t t = 0; t < d; t++) {
        double v = pb->root[t * d + t];
        if (isfinite(v))
            continue;
        if (t + 1 == d)
            return smi_error_set(SMI_ENONFINITE, "target '%s' (values up to %g): its sum of "
                                 "squares for the %s criterion overflows a double (rescale the "
                                 "target)", ds->target_name,
                                 fmax(fabs(ds->min[ds->p]), fabs(ds->max[ds->p])),
                                 smi_criterion_name(pb->cfg->criterion));
        return smi_error_set(SMI_ENONFINITE, "feature '%s': its sum of squares for the %s "
                             "criterion overflows a double (rescale the feature)",
                             ds->feature_names[order[t]], smi_criterion_name(pb->cfg->criterion));
    }
    return SMI_OK;
}

/* Sweep the forced features (the first n_keep rows of G) out of G, dimension d. */
static int sweep_forced(smi_problem *pb, const smi_dataset *ds, double *G, size_t d)
{
    double *work = smi_alloc_array(d * d, sizeof *work, "Gram matrix");
    if (!work)
        return SMI_ENOMEM;
    for (size_t i = 0; i < pb->n_keep; i++) {
        size_t dim = d - i;
        double pivot = G[0], norm = pb->diag0[pb->q + i];
        if (!(pivot > SMI_PIVOT_TOLERANCE * norm) || pivot / norm * pb->minrel_keep <= SMI_NOISE_MARGIN) {
            free(work);
            return smi_error_set(SMI_ESINGULAR, "forced feature '%s' is collinear with the "
                                 "other forced features", ds->feature_names[pb->keep[i]]);
        }
        if (smi_is_fe(pb->cfg->criterion))
            pb->logdet_keep += log(pivot);
        if (pivot / norm < pb->minrel_keep)
            pb->minrel_keep = pivot / norm;
        for (size_t a = 0; a + 1 < dim; a++)
            for (size_t b = a; b + 1 < dim; b++)
                work[a * (dim - 1) + b] = G[(a + 1) * dim + b + 1] - G[a + 1] * (G[b + 1] / pivot);
        memcpy(G, work, (dim - 1) * (dim - 1) * sizeof *G);
    }
    free(work);
    return SMI_OK;
}

/* The grid criteria: the root matrix for every ratio lambda_g from the raw Gram matrix
 * (dimension d, forced features first): lambda_g on the feature diagonal, the forced
 * features swept out. pb->root is ratio 0's (the smallest, the most nearly singular:
 * its pivots decide singularity for every ratio). */
static int build_grid_roots(smi_problem *pb, const smi_dataset *ds, const double *gram,
                            size_t d)
{
    size_t dq = pb->q + 1, m = d - 1;
    pb->grid_root = smi_alloc_array(pb->n_grid, dq * dq * sizeof *pb->grid_root, "grid matrices");
    pb->grid_logdet_keep = smi_alloc_array(pb->n_grid, sizeof *pb->grid_logdet_keep, "grid");
    double *G = smi_alloc_array(d, d * sizeof *G, "grid matrices");
    int rc = pb->grid_root && pb->grid_logdet_keep && G ? SMI_OK : SMI_ENOMEM;
    double logdet0 = pb->logdet_keep, minrel0 = pb->minrel_keep;
    for (size_t g = 0; rc == SMI_OK && g < pb->n_grid; g++) {
        memcpy(G, gram, d * d * sizeof *G);
        for (size_t t = 0; t < m; t++)
            G[t * d + t] += exp(pb->ln_ratio[g]);
        pb->logdet_keep = 0.0;
        pb->minrel_keep = 1.0;
        rc = sweep_forced(pb, ds, G, d);
        pb->grid_logdet_keep[g] = pb->logdet_keep;
        memcpy(pb->grid_root + g * dq * dq, G, dq * dq * sizeof *G);
    }
    pb->logdet_keep = logdet0;
    pb->minrel_keep = minrel0;
    free(G);
    return rc;
}

/* What exact model averaging needs (average.c): the Gram matrix of Z (dimension d). */
static int prepare_average(smi_problem *pb, const smi_dataset *ds, const size_t *order,
                           const double *Z, size_t d)
{
    const struct smi_search *cfg = pb->cfg;
    pb->avg_gram = smi_alloc_array(d, d * sizeof *pb->avg_gram, "model average");
    pb->avg_feature = smi_alloc_array(d, sizeof *pb->avg_feature, "model average");
    pb->avg_scale = smi_alloc_array(d, sizeof *pb->avg_scale, "model average");
    pb->avg_xmean = smi_alloc_array(d, sizeof *pb->avg_xmean, "model average");
    if (!pb->avg_gram || !pb->avg_feature || !pb->avg_scale || !pb->avg_xmean)
        return SMI_ENOMEM;
    SMI_TRY(smi_linalg_gram(Z, pb->n, d, pb->avg_gram));
    for (size_t t = 0; t + 1 < d; t++) {
        size_t j = order[t];
        pb->avg_feature[t] = j;
        pb->avg_scale[t] = ldexp(cfg->standardize && ds->sd[j] > 0.0 ? 1.0 / ds->sd[j] : 1.0,
                                 pb->y_exponent); /* y was scaled by 2^-y_exponent */
        pb->avg_xmean[t] = cfg->intercept ? ds->mean[j] : 0.0;
    }
    pb->avg_ymean = cfg->intercept ? ds->mean[ds->p] : 0.0;
    return SMI_OK;
}

static int build_root(smi_problem *pb, const smi_dataset *ds)
{
    const struct smi_search *cfg = pb->cfg;
    size_t m = pb->n_keep + pb->q, d = m + 1, n = pb->n;
    size_t *order = smi_alloc_array(m + 1, sizeof *order, "column order");
    double *Z = smi_alloc_array(d, n * sizeof *Z, "scaled design");
    pb->root = smi_alloc_array(d, d * sizeof *pb->root, "Gram matrix");
    pb->diag0 = smi_alloc_array(m + 1, sizeof *pb->diag0, "Gram diagonal");
    pb->inv_diag0 = smi_alloc_array(m + 1, sizeof *pb->inv_diag0, "Gram diagonal");
    pb->minrel_keep = 1.0;
    int rc = order && Z && pb->root && pb->diag0 && pb->inv_diag0 ? SMI_OK : SMI_ENOMEM;
    if (rc == SMI_OK) {
        memcpy(order, pb->keep, pb->n_keep * sizeof *order);
        memcpy(order + pb->n_keep, pb->cand, pb->q * sizeof *order);
        fill_design(ds, cfg, order, m, pb->y_exponent, Z);
        rc = smi_linalg_gram(Z, n, d, pb->root);
    }
    double *gram = NULL;
    if (rc == SMI_OK && pb->n_grid) {
        gram = smi_alloc_array(d, d * sizeof *gram, "Gram matrix");
        if (gram)
            memcpy(gram, pb->root, d * d * sizeof *gram);
        else
            rc = SMI_ENOMEM;
    }
    if (rc == SMI_OK) {
        int fe = smi_is_fe(cfg->criterion);
        for (size_t a = 0; a < d * d; a++)
            pb->root[a] *= fe ? smi_fe_beta(cfg) : 1.0;
        for (size_t t = 0; fe && t < m; t++)
            pb->root[t * d + t] += smi_fe_alpha(cfg);
        /* diag0: candidates first, then the forced features, as sweep_forced reads them */
        for (size_t t = 0; t < pb->q; t++)
            pb->diag0[t] = pb->root[(pb->n_keep + t) * d + pb->n_keep + t];
        for (size_t t = 0; t < pb->n_keep; t++)
            pb->diag0[pb->q + t] = pb->root[t * d + t];
        for (size_t t = 0; t < m; t++)
            pb->inv_diag0[t] = pb->diag0[t] > 0.0 ? 1.0 / pb->diag0[t] : 0.0;
        rc = check_root_finite(pb, ds, order, d);
    }
    if (rc == SMI_OK) {
        rc = sweep_forced(pb, ds, pb->root, d);
    }
    if (rc == SMI_OK && pb->n_grid)
        rc = build_grid_roots(pb, ds, gram, d);
    if (rc == SMI_OK && smi_has_posterior(cfg) && pb->q <= SMI_AVERAGE_MAX_FREE)
        rc = prepare_average(pb, ds, order, Z, d);
    free(gram);
    free(order);
    free(Z);
    return rc;
}

static int prepare(smi_problem *pb, const smi_dataset *ds, const struct smi_search *cfg,
                   int enumerate)
{
    memset(pb, 0, sizeof *pb);
    pb->cfg = cfg;
    pb->n = ds->n;
    pb->p = ds->p;
    pb->y_exponent = smi_target_exponent(ds, cfg);
    pb->fg_yy = (double)ds->n * ds->sd[ds->p] * ds->sd[ds->p];
    if (cfg->criterion == SMI_CRIT_FE_GRID)
        SMI_TRY(smi_fegrid_check(cfg));
    smi_problem_set_constants(pb);
    int rc = choose_features(pb, ds, cfg);
    if (rc == SMI_OK && enumerate)
        rc = count_subsets(pb);
    if (rc == SMI_OK)
        rc = build_root(pb, ds);
    if (rc == SMI_OK && (cfg->criterion == SMI_CRIT_CV || cfg->criterion == SMI_CRIT_LOO))
        rc = smi_problem_prepare_held_out(pb, ds);
    if (rc != SMI_OK)
        smi_problem_free(pb);
    return rc;
}

int smi_problem_prepare(smi_problem *pb, const smi_dataset *ds, const struct smi_search *cfg)
{
    return prepare(pb, ds, cfg, 1);
}

int smi_problem_prepare_sampling(smi_problem *pb, const smi_dataset *ds,
                                 const struct smi_search *cfg)
{
    return prepare(pb, ds, cfg, 0);
}

int smi_problem_prepare_plan(smi_problem *pb, size_t p, const struct smi_search *cfg)
{
    memset(pb, 0, sizeof *pb);
    pb->cfg = cfg;
    pb->p = p;
    int rc = choose_features(pb, NULL, cfg);
    if (rc == SMI_OK)
        rc = count_subsets(pb);
    if (rc != SMI_OK)
        smi_problem_free(pb);
    return rc;
}

/* ---------- the plan ---------- */

static uint64_t full_weight(const smi_problem *pb, const smi_task *t)
{
    size_t k = pb->n_keep + t->depth;
    size_t m = t->depth ? pb->q - 1 - t->path[t->depth - 1] : pb->q;
    return smi_problem_subtree_count(pb, m, k);
}

/* A task is split when its children still need full matrices below them (k + 2 < kmax),
 * so that splitting never costs more matrix work than the walk itself would do. */
static int splittable(const smi_problem *pb, const smi_task *t)
{
    size_t last = t->depth ? t->path[t->depth - 1] + 1 : 0;
    return !t->self_only && t->depth < TASK_MAX_DEPTH && last < pb->q
           && pb->n_keep + t->depth + 2 < pb->kmax;
}

int smi_task_plan(const smi_problem *pb, smi_task **tasks, size_t *n_tasks)
{
    size_t cap = 64, count = 1;
    smi_task *list = smi_calloc_array(cap, sizeof *list, "task plan");
    if (!list)
        return SMI_ENOMEM;
    list[0].weight = full_weight(pb, &list[0]);
    uint64_t total = list[0].weight;
    for (;;) {
        size_t big = count;
        for (size_t i = 0; i < count; i++)
            if (splittable(pb, &list[i]) && (big == count || list[i].weight > list[big].weight))
                big = i;
        if (big == count || count >= TASK_TARGET || list[big].weight <= total / TASK_TARGET)
            break;
        smi_task parent = list[big];
        size_t first = parent.depth ? parent.path[parent.depth - 1] + 1 : 0;
        size_t need = count + (pb->q - first) + 1;
        if (need > cap) {
            while (cap < need)
                cap *= 2;
            smi_task *bigger = realloc(list, cap * sizeof *list);
            if (!bigger) {
                free(list);
                return smi_error_set(SMI_ENOMEM, "task plan: cannot allocate %zu tasks", cap);
            }
            list = bigger;
        }
        list[big].self_only = 1; /* the parent itself stays as a one-subset task */
        size_t k = pb->n_keep + parent.depth;
        list[big].weight = k >= pb->kmin && k <= pb->kmax ? 1 : 0;
        for (size_t j = first; j < pb->q; j++) {
            smi_task child = parent;
            child.path[child.depth++] = j;
            child.weight = full_weight(pb, &child);
            if (child.weight > 0)
                list[count++] = child;
        }
    }
    *tasks = list;
    *n_tasks = count;
    return SMI_OK;
}

/* The order a run numbers its tasks in (the bits of a state's task bitmap): here, beside
 * the plan, so that a loaded result can be checked against it without the run. */
static int compare_tasks(const void *a, const void *b)
{
    const smi_task *x = a, *y = b;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1; /* largest first: better balance */
    size_t k = x->depth < y->depth ? x->depth : y->depth;
    for (size_t i = 0; i < k; i++)
        if (x->path[i] != y->path[i])
            return x->path[i] < y->path[i] ? -1 : 1;
    if (x->depth != y->depth)
        return x->depth < y->depth ? -1 : 1;
    return x->self_only - y->self_only;
}

int smi_task_plan_sorted(const smi_problem *pb, smi_task **tasks, size_t *n_tasks)
{
    SMI_TRY(smi_task_plan(pb, tasks, n_tasks));
    qsort(*tasks, *n_tasks, sizeof **tasks, compare_tasks);
    return SMI_OK;
}

void smi_problem_set_constants(smi_problem *pb)
{
    const struct smi_search *cfg = pb->cfg;
    double n = (double)pb->n;
    pb->ng_an = cfg->ng_a0 + 0.5 * n;
    pb->ng_const = 0.5 * n * SMI_LN_2PI - cfg->ng_a0 * log(cfg->ng_b0) + smi_lgamma(cfg->ng_a0)
                   - smi_lgamma(pb->ng_an);
    double e = (double)pb->y_exponent; /* y scaled by 2^-e: n ln(RSS / n) drops 2 n e ln 2 */
    if (cfg->criterion == SMI_CRIT_AIC || cfg->criterion == SMI_CRIT_BIC)
        pb->y_shift = 2.0 * n * e * SMI_LN2;
    else if (cfg->criterion == SMI_CRIT_FE_OPT)
        pb->y_shift = n * e * SMI_LN2;
    else
        pb->y_shift = 0.0;
    if (cfg->criterion == SMI_CRIT_FE_GRID) {
        smi_fegrid_set_constants(pb);
        return;
    }
    pb->n_grid = smi_is_grid(cfg->criterion) ? cfg->ratio_n : 0;
    if (pb->n_grid) {
        /* fe-marg: a flat prior on ln lambda over the grid's range, trapezoid weights */
        double lo = log(cfg->ratio_lo), span = log(cfg->ratio_hi) - lo;
        pb->grid_step = span / (double)(pb->n_grid - 1);
        for (size_t g = 0; g < pb->n_grid; g++) {
            pb->ln_ratio[g] = g + 1 == pb->n_grid ? log(cfg->ratio_hi) : lo + (double)g * pb->grid_step;
            double end = g == 0 || g + 1 == pb->n_grid ? 0.5 : 1.0;
            pb->ln_wgrid[g] = log(end * pb->grid_step / span);
        }
        smi_grid_spline_constants(pb);
    }
}
