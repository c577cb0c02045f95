/* Refitting one subset directly on the original data: least squares by QR (LAPACK dgels),
 * and for FE the evidence terms from the QR factor of [sqrt(beta) Z; sqrt(alpha) I], whose
 * R'R is A = alpha I + beta Z'Z, so that A is never formed or inverted. Used for the top
 * models of a search (accurate even where the Gram matrix is ill-conditioned) and for
 * smi_score_subset. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg/linalg.h"
#include "search/search.h"

/* Least squares of y on [1, X_S] (or X_S): coefficients, intercept and RSS; SMI_ESINGULAR
 * when a diagonal entry of R is below sqrt(tolerance) of its (centred) column norm. */
static int least_squares(const smi_dataset *ds, const struct smi_search *cfg,
                         const size_t *features, size_t k, smi_fit *fit)
{
    size_t n = ds->n, icpt = cfg->intercept ? 1 : 0, cols = k + icpt;
    SMI_FAIL_IF(cols > n, SMI_ESINGULAR, "%zu parameters for %zu samples", cols, n);
    double *A = smi_alloc_array(cols ? cols : 1, n * sizeof *A, "least squares");
    double *b = smi_alloc_array(n, sizeof *b, "least squares");
    double *norms = smi_alloc_array(cols + 1, sizeof *norms, "least squares");
    if (!A || !b || !norms) {
        free(A), free(b), free(norms);
        return SMI_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        if (icpt)
            A[i] = 1.0;
        for (size_t t = 0; t < k; t++)
            A[(icpt + t) * n + i] = ds->X[i * ds->p + features[t]];
        b[i] = ds->y[i];
    }
    norms[0] = sqrt((double)n);
    for (size_t t = 0; t < k; t++) {
        if (icpt && smi_column_is_constant(ds, features[t])) {
            free(A), free(b), free(norms);
            return smi_error_set(SMI_ESINGULAR, "feature '%s' is constant",
                                 ds->feature_names[features[t]]);
        }
        double mean = icpt ? ds->mean[features[t]] : 0.0, ss = 0.0;
        for (size_t i = 0; i < n; i++)
            ss += (A[(icpt + t) * n + i] - mean) * (A[(icpt + t) * n + i] - mean);
        norms[icpt + t] = sqrt(ss);
    }
    int m = (int)n, nc = (int)cols, one = 1, info = 0, query = -1, lwork;
    double optimal = 0.0;
    dgels_("N", &m, &nc, &one, A, &m, b, &m, &optimal, &query, &info, 1);
    lwork = optimal > 1.0 ? (int)optimal : 1;
    double *work = smi_alloc_array((size_t)lwork, sizeof *work, "least squares");
    int rc = work ? SMI_OK : SMI_ENOMEM;
    if (rc == SMI_OK) { /* dgels assumes full rank: check the diagonal of R first */
        double *R = smi_alloc_array(cols ? cols : 1, n * sizeof *R, "least squares");
        double *tau = smi_alloc_array(cols + 1, sizeof *tau, "least squares");
        if (!R || !tau)
            rc = SMI_ENOMEM;
        if (rc == SMI_OK) {
            memcpy(R, A, cols * n * sizeof *R);
            rc = smi_linalg_qr_upper(R, n, cols, tau);
        }
        for (size_t t = 0; rc == SMI_OK && t < cols; t++)
            if (!(fabs(R[t * n + t]) > sqrt(SMI_PIVOT_TOLERANCE) * norms[t]))
                rc = smi_error_set(SMI_ESINGULAR, "feature '%s' is collinear with the others "
                                   "in this subset", t < icpt ? "(intercept)"
                                                              : ds->feature_names[features[t - icpt]]);
        free(R);
        free(tau);
    }
    if (rc == SMI_OK) {
        dgels_("N", &m, &nc, &one, A, &m, b, &m, work, &lwork, &info, 1);
        if (info != 0)
            rc = smi_error_set(SMI_ESINGULAR, "least squares failed (dgels info %d)", info);
    }
    if (rc == SMI_OK) {
        double rss = 0.0;
        for (size_t i = cols; i < n; i++)
            rss += b[i] * b[i];
        fit->rss = rss;
        fit->intercept = icpt ? b[0] : 0.0;
        memcpy(fit->coef, b + icpt, k * sizeof *fit->coef);
        fit->rmse = sqrt(rss / (double)n);
    }
    free(A), free(b), free(norms), free(work);
    return rc;
}

/* FE terms by QR: ln|A| and the residual term beta y'y - beta^2 b'A^-1 b. */
static int free_energy_terms(const smi_dataset *ds, const struct smi_search *cfg,
                             const size_t *features, size_t k, double *logdet, double *resid)
{
    size_t n = ds->n, rows = n + k;
    double *S = smi_calloc_array(k ? k : 1, rows * sizeof *S, "free energy");
    double *u = smi_alloc_array(k + 1, sizeof *u, "free energy");
    double *tau = smi_alloc_array(k + 1, sizeof *tau, "free energy");
    int rc = S && u && tau ? SMI_OK : SMI_ENOMEM;
    double yy = 0.0, ymean = cfg->intercept ? ds->mean[ds->p] : 0.0;
    for (size_t i = 0; i < n; i++)
        yy += (ds->y[i] - ymean) * (ds->y[i] - ymean);
    for (size_t t = 0; rc == SMI_OK && t < k; t++) {
        size_t j = features[t];
        double mean = cfg->intercept ? ds->mean[j] : 0.0;
        double scale = cfg->standardize && ds->sd[j] > 0.0 ? 1.0 / ds->sd[j] : 1.0, bt = 0.0;
        for (size_t i = 0; i < n; i++) {
            double z = (ds->X[i * ds->p + j] - mean) * scale;
            S[t * rows + i] = sqrt(cfg->beta) * z;
            bt += z * (ds->y[i] - ymean);
        }
        S[t * rows + n + t] = sqrt(cfg->alpha);
        u[t] = bt;
    }
    if (rc == SMI_OK && k > 0)
        rc = smi_linalg_qr_upper(S, rows, k, tau);
    *logdet = 0.0;
    for (size_t t = 0; rc == SMI_OK && t < k; t++)
        *logdet += 2.0 * log(fabs(S[t * rows + t]));
    if (rc == SMI_OK && k > 0) {
        int nk = (int)k, lda = (int)rows, one = 1, info = 0;
        dtrtrs_("U", "T", "N", &nk, &one, S, &lda, u, &nk, &info, 1, 1, 1);
        if (info != 0)
            rc = smi_error_set(SMI_ESINGULAR, "free energy: singular factor (info %d)", info);
    }
    double bab = 0.0;
    for (size_t t = 0; rc == SMI_OK && t < k; t++)
        bab += u[t] * u[t];
    *resid = cfg->beta * yy - cfg->beta * cfg->beta * bab;
    free(S), free(u), free(tau);
    return rc;
}

int smi_refit(const smi_dataset *ds, const struct smi_search *cfg, const size_t *features,
              size_t k, smi_fit *fit)
{
    SMI_FAIL_IF(ds->n > INT_MAX, SMI_ETOOLARGE, "%zu samples are too many for LAPACK", ds->n);
    SMI_TRY(least_squares(ds, cfg, features, k, fit));
    smi_problem pb = { .cfg = cfg, .n = ds->n, .p = ds->p };
    if (cfg->criterion == SMI_CRIT_FE) {
        double logdet, resid;
        SMI_TRY(free_energy_terms(ds, cfg, features, k, &logdet, &resid));
        fit->value = smi_criterion_value(&pb, k, resid, logdet);
    } else {
        SMI_FAIL_IF((cfg->criterion == SMI_CRIT_AIC || cfg->criterion == SMI_CRIT_BIC)
                        && (k + (cfg->intercept ? 1u : 0u) >= ds->n || !(fit->rss > 0.0)),
                    SMI_ESINGULAR, "no residual degree of freedom for AIC or BIC");
        fit->value = smi_criterion_value(&pb, k, fit->rss, 0.0);
    }
    return SMI_OK;
}
