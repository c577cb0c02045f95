/* Preparing the held-out criteria. For K-fold CV, fold f's training rows give a Gram
 * matrix centred with the training means, and fold f's held-out rows, centred with the
 * same training means, start the residual matrix E: predicting a held-out row from a
 * training fit with an intercept is exactly that centring plus the fit. For LOO the one
 * Gram matrix is the full data's, E holds every row, and h starts at 1/n (the intercept's
 * leverage). Columns keep the scales of the main problem (unit norm), which change no
 * prediction. The forced features are then swept out of every part of the block. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg/linalg.h"
#include "search/search.h"

/* Column t (0..m-1: forced then candidates; m: y) of the design, as the main problem
 * scales it: the full-data norm of the centred column. */
static double column_of(const smi_dataset *ds, const size_t *order, size_t m, size_t t,
                        size_t i)
{
    return t < m ? ds->X[i * ds->p + order[t]] : ds->y[i];
}

static void column_scales(const smi_problem *pb, const smi_dataset *ds, const size_t *order,
                          size_t m, double *scale)
{
    for (size_t t = 0; t < m; t++) {
        size_t j = order[t];
        double mean = pb->cfg->intercept ? ds->mean[j] : 0.0, ss = 0.0;
        for (size_t i = 0; i < ds->n; i++)
            ss += (ds->X[i * ds->p + j] - mean) * (ds->X[i * ds->p + j] - mean);
        int constant = pb->cfg->intercept && smi_column_is_constant(ds, j);
        scale[t] = constant ? 0.0 : (ss > 0.0 ? 1.0 / sqrt(ss) : 1.0);
    }
    scale[m] = 1.0;
}

/* Gram matrix of the rows with in_train[i] != 0, centred with their means, into G (d x d). */
static int training_gram(const smi_problem *pb, const smi_dataset *ds, const size_t *order,
                         size_t m, const double *scale, const int *in_train, size_t n_train,
                         double *means, double *G)
{
    size_t d = m + 1;
    double *Z = smi_alloc_array(d, n_train * sizeof *Z, "training design");
    if (!Z)
        return SMI_ENOMEM;
    for (size_t t = 0; t < d; t++) {
        double sum = 0.0, ss = 0.0;
        for (size_t i = 0; i < ds->n; i++)
            sum += in_train[i] ? column_of(ds, order, m, t, i) : 0.0;
        means[t] = pb->cfg->intercept ? sum / (double)n_train : 0.0;
        double *z = Z + t * n_train;
        for (size_t i = 0, r = 0; i < ds->n; i++)
            if (in_train[i])
                z[r++] = column_of(ds, order, m, t, i) - means[t];
        for (size_t r = 0; r < n_train; r++)
            ss += z[r] * z[r];
        /* A feature constant on these rows (the rule of smi_column_is_constant) is exactly
         * zero here, so every subset with it is singular on this training set. */
        int constant = t < m && pb->cfg->intercept
                       && sqrt(ss / (double)n_train) <= SMI_CONSTANT_TOLERANCE * fabs(means[t]);
        for (size_t r = 0; r < n_train; r++)
            z[r] = constant ? 0.0 : z[r] * scale[t];
    }
    int rc = smi_linalg_gram(Z, n_train, d, G);
    free(Z);
    return rc;
}

/* Sweep the n_keep forced features out of the block (they come first). */
static int sweep_forced_block(smi_problem *pb, const smi_dataset *ds, double *block, size_t d)
{
    size_t size = smi_held_block_size(pb, d);
    double *next = smi_alloc_array(size ? size : 1, sizeof *next, "held-out block");
    double *g = smi_alloc_array(pb->n_mats, d * sizeof *g, "held-out block");
    if (!next || !g) {
        free(next), free(g);
        return SMI_ENOMEM;
    }
    int rc = SMI_OK;
    for (size_t i = 0; i < pb->n_keep && rc == SMI_OK; i++) {
        size_t dim = d - i;
        for (size_t f = 0; f < pb->n_mats && rc == SMI_OK; f++)
            if (!(block[f * dim * dim] > 0.0))
                rc = smi_error_set(SMI_ESINGULAR, "forced feature '%s' is singular on a "
                                   "training set", ds->feature_names[pb->keep[i]]);
        if (rc == SMI_OK) {
            smi_held_form_child(pb, block, dim, 0, next, g);
            memcpy(block, next, smi_held_block_size(pb, dim - 1) * sizeof *block);
        }
    }
    free(next);
    free(g);
    return rc;
}

static int fill_cv(smi_problem *pb, const smi_dataset *ds, const size_t *order, size_t m,
                   const double *scale)
{
    size_t d = m + 1, K = ds->n_folds;
    int *in_train = smi_alloc_array(ds->n, sizeof *in_train, "fold rows");
    double *means = smi_alloc_array(d, sizeof *means, "training means");
    if (!in_train || !means) {
        free(in_train), free(means);
        return SMI_ENOMEM;
    }
    double *E = pb->held_root + K * d * d;
    size_t row = 0;
    int rc = SMI_OK;
    for (size_t f = 0; f < K && rc == SMI_OK; f++) {
        size_t n_train = 0;
        for (size_t i = 0; i < ds->n; i++)
            n_train += (in_train[i] = ds->folds[i] != (int)f);
        pb->fold_rows[f] = ds->n - n_train;
        rc = training_gram(pb, ds, order, m, scale, in_train, n_train, means,
                           pb->held_root + f * d * d);
        for (size_t i = 0; rc == SMI_OK && i < ds->n; i++) {
            if (in_train[i])
                continue;
            for (size_t t = 0; t < d; t++)
                E[row * d + t] = (column_of(ds, order, m, t, i) - means[t]) * scale[t];
            row++;
        }
    }
    free(in_train), free(means);
    return rc;
}

static int fill_loo(smi_problem *pb, const smi_dataset *ds, const size_t *order, size_t m,
                    const double *scale)
{
    size_t d = m + 1, n = ds->n;
    int *all = smi_alloc_array(n, sizeof *all, "rows");
    double *means = smi_alloc_array(d, sizeof *means, "means");
    int rc = all && means ? SMI_OK : SMI_ENOMEM;
    for (size_t i = 0; rc == SMI_OK && i < n; i++)
        all[i] = 1;
    if (rc == SMI_OK)
        rc = training_gram(pb, ds, order, m, scale, all, n, means, pb->held_root);
    double *E = pb->held_root + d * d, *h = E + n * d;
    for (size_t i = 0; rc == SMI_OK && i < n; i++) {
        for (size_t t = 0; t < d; t++)
            E[i * d + t] = (column_of(ds, order, m, t, i) - means[t]) * scale[t];
        h[i] = pb->cfg->intercept ? 1.0 / (double)n : 0.0;
    }
    pb->fold_rows[0] = n;
    free(all), free(means);
    return rc;
}

int smi_problem_prepare_held_out(smi_problem *pb, const smi_dataset *ds)
{
    int cv = pb->cfg->criterion == SMI_CRIT_CV;
    SMI_FAIL_IF(cv && ds->n_folds < 2, SMI_EINVAL,
                "the CV criterion needs folds: "
                "set them in the configuration (smi_search_set_folds)");
    pb->held_out = 1;
    pb->n_mats = cv ? ds->n_folds : 1;
    size_t m = pb->n_keep + pb->q, d = m + 1;
    size_t *order = smi_alloc_array(m + 1, sizeof *order, "column order");
    double *scale = smi_alloc_array(d, sizeof *scale, "column scales");
    pb->fold_rows = smi_calloc_array(pb->n_mats, sizeof *pb->fold_rows, "fold sizes");
    pb->held_root = smi_alloc_array(smi_held_block_size(pb, d), sizeof(double), "held-out block");
    pb->mat_inv_diag0 = smi_calloc_array(pb->n_mats, sizeof *pb->mat_inv_diag0, "diagonals");
    int rc = order && scale && pb->fold_rows && pb->held_root && pb->mat_inv_diag0
                 ? SMI_OK : SMI_ENOMEM;
    if (rc == SMI_OK) {
        memcpy(order, pb->keep, pb->n_keep * sizeof *order);
        memcpy(order + pb->n_keep, pb->cand, pb->q * sizeof *order);
        column_scales(pb, ds, order, m, scale);
        rc = cv ? fill_cv(pb, ds, order, m, scale) : fill_loo(pb, ds, order, m, scale);
    }
    for (size_t f = 0; rc == SMI_OK && f < pb->n_mats; f++) {
        const double *G = pb->held_root + f * d * d;
        pb->mat_inv_diag0[f] = smi_alloc_array(pb->q + 1, sizeof(double), "diagonals");
        if (!pb->mat_inv_diag0[f]) {
            rc = SMI_ENOMEM;
            break;
        }
        for (size_t t = 0; t < pb->q; t++) {
            double g = G[(pb->n_keep + t) * d + pb->n_keep + t];
            pb->mat_inv_diag0[f][t] = g > 0.0 ? 1.0 / g : 0.0;
        }
    }
    if (rc == SMI_OK)
        rc = sweep_forced_block(pb, ds, pb->held_root, d);
    free(order), free(scale);
    return rc;
}

void smi_problem_free_held_out(smi_problem *pb)
{
    free(pb->fold_rows);
    free(pb->held_root);
    for (size_t f = 0; pb->mat_inv_diag0 && f < pb->n_mats; f++)
        free(pb->mat_inv_diag0[f]);
    free(pb->mat_inv_diag0);
}
