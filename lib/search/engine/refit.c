/* Refitting one subset directly on the original data: least squares by QR with refinement,
 * and for FE the evidence terms from the QR factor of [sqrt(beta) Z; sqrt(alpha) I], whose
 * R'R is A = alpha I + beta Z'Z, so that A is never formed or inverted. Used for the top
 * models of a search (accurate even where the Gram matrix is ill-conditioned) and for
 * smi_search_score_subset. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg/linalg.h"
#include "search/search.h"

/* Least squares of y on the design: coefficients, intercept, RSS and *rss_scaled, the RSS of
 * y 2^-ey (ey: the target's smi_column_exponent, exact; smi_target_exponent's for AIC and
 * BIC, which are computed from it), so that the fit and its RMSE are right whatever the
 * magnitude of y. The empty design (no intercept, no feature) leaves RSS = y'y. */
static int least_squares(const smi_dataset *ds, const struct smi_search *cfg,
                         const size_t *features, size_t k, smi_fit *fit, double *rss_scaled)
{
    size_t n = ds->n, icpt = cfg->intercept ? 1 : 0, cols = k + icpt;
    SMI_FAIL_IF(cols > n, SMI_ESINGULAR, "%zu parameters for %zu samples", cols, n);
    int ey = smi_column_exponent(ds, ds->p);
    fit->intercept = 0.0;
    if (cols == 0) {
        double yy = 0.0;
        for (size_t i = 0; i < n; i++)
            yy += ldexp(ds->y[i], -ey) * ldexp(ds->y[i], -ey);
        *rss_scaled = yy;
        fit->rss = ldexp(yy, 2 * ey);
        fit->rmse = ldexp(sqrt(yy / (double)n), ey);
        return SMI_OK;
    }
    double *A = smi_alloc_array(cols, n * sizeof *A, "least squares");
    double *scale = smi_alloc_array(cols, sizeof *scale, "least squares");
    double *x = smi_alloc_array(cols, sizeof *x, "least squares");
    double *y = smi_alloc_array(n, sizeof *y, "least squares");
    int rc = A && scale && x && y ? smi_refit_design(ds, cfg, features, k, NULL, n, A, scale)
                                  : SMI_ENOMEM;
    for (size_t i = 0; rc == SMI_OK && i < n; i++)
        y[i] = ldexp(ds->y[i], -ey);
    if (rc == SMI_OK)
        rc = smi_linalg_lstsq(A, n, cols, y, scale, sqrt(SMI_PIVOT_TOLERANCE), x, rss_scaled);
    if (rc == SMI_OK) { /* back to the units of y and of each (scaled) column */
        fit->intercept = icpt ? ldexp(x[0], ey) : 0.0;
        for (size_t t = 0; t < k; t++)
            fit->coef[t] = ldexp(x[icpt + t], ey - smi_column_exponent(ds, features[t]));
        fit->rss = ldexp(*rss_scaled, 2 * ey);
        fit->rmse = ldexp(sqrt(*rss_scaled / (double)n), ey);
    }
    free(A), free(scale), free(x), free(y);
    return rc;
}

/* Column j of the design as the search scales it (problem.c's fill_design: powers of two,
 * exact, then centred and standardised) into z (n values). */
static void scaled_feature(const smi_dataset *ds, const struct smi_search *cfg, size_t j,
                           double *z)
{
    int e = smi_column_exponent(ds, j);
    double mean = cfg->intercept ? ldexp(ds->mean[j], -e) : 0.0;
    double scale = cfg->standardize && ds->sd[j] > 0.0 ? 1.0 / ldexp(ds->sd[j], -e)
                                                      : ldexp(1.0, e);
    for (size_t i = 0; i < ds->n; i++)
        z[i] = (ldexp(ds->X[i * ds->p + j], -e) - mean) * scale;
}

/* The target as the search scales (smi_target_exponent) and centres it into y (n values). */
static void scaled_target(const smi_dataset *ds, const struct smi_search *cfg, double *y)
{
    int ey = smi_target_exponent(ds, cfg);
    double ymean = cfg->intercept ? ldexp(ds->mean[ds->p], -ey) : 0.0;
    for (size_t i = 0; i < ds->n; i++)
        y[i] = ldexp(ds->y[i], -ey) - ymean;
}

/* FE terms by QR at (alpha, beta): ln|A| and the residual term beta y'y - beta^2 b'A^-1 b;
 * and when m is not NULL the posterior mean beta A^-1 b in the units of the features as the
 * search scales them (k values). */
static int free_energy_terms(const smi_dataset *ds, const struct smi_search *cfg,
                             const size_t *features, size_t k, double alpha, double beta,
                             double *logdet, double *resid, double *m)
{
    size_t n = ds->n, rows = n + k;
    double *S = smi_calloc_array(k ? k : 1, rows * sizeof *S, "free energy");
    double *u = smi_alloc_array(k + 1, sizeof *u, "free energy");
    double *tau = smi_alloc_array(k + 1, sizeof *tau, "free energy");
    int rc = S && u && tau ? SMI_OK : SMI_ENOMEM;
    /* y and each column scaled by powers of two (exact) as the search scales them
     * (problem.c's fill_design): the same values, without overflow in the sums */
    int ey = smi_target_exponent(ds, cfg);
    double *y = smi_alloc_array(n, sizeof *y, "free energy"), yy = 0.0;
    rc = rc == SMI_OK && !y ? SMI_ENOMEM : rc;
    if (rc == SMI_OK)
        scaled_target(ds, cfg, y);
    for (size_t i = 0; rc == SMI_OK && i < n; i++)
        yy += y[i] * y[i];
    for (size_t t = 0; rc == SMI_OK && t < k; t++) {
        double *z = &S[t * rows], bt = 0.0;
        scaled_feature(ds, cfg, features[t], z);
        for (size_t i = 0; i < n; i++) {
            bt += z[i] * y[i];
            z[i] *= sqrt(beta);
        }
        S[t * rows + n + t] = sqrt(alpha);
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
    *resid = beta * yy - beta * beta * bab;
    if (rc == SMI_OK && m && k > 0) { /* A = R'R: m = beta R^-1 (R^-T b) */
        int nk = (int)k, lda = (int)rows, one = 1, info = 0;
        dtrtrs_("U", "N", "N", &nk, &one, S, &lda, u, &nk, &info, 1, 1, 1);
        for (size_t t = 0; t < k; t++)
            m[t] = ldexp(beta * u[t], ey);
    }
    free(S), free(u), free(tau), free(y);
    return rc;
}

/* The spectral form of the grid terms, R(lambda) = r0 + sum_i c2_i lambda / (lambda + d_i)
 * and L(lambda) = sum_i ln(lambda + d_i) (smi_grid_accuracy), from the QR factor of [Z y]:
 * Z'Z = T'T and Z'y = T'r with T its leading k x k block, r the column above the last
 * diagonal entry rho (r0 = rho^2, the least-squares RSS, free of cancellation); with T = U
 * diag(s) V', d_i = s_i^2 and c2_i = (U'r)_i^2. Zero rows pad the factor when n < k + 1. */
static int grid_spectrum(const smi_dataset *ds, const struct smi_search *cfg,
                         const size_t *features, size_t k, double *d, double *c2, double *r0)
{
    size_t n = ds->n, rows = n > k + 1 ? n : k + 1;
    double *S = smi_calloc_array(k + 1, rows * sizeof *S, "grid spectrum");
    double *T = smi_alloc_array(k * k + 1, sizeof *T, "grid spectrum");
    double *U = smi_alloc_array(k * k + 1, sizeof *U, "grid spectrum");
    double *tau = smi_alloc_array(k + 1, sizeof *tau, "grid spectrum");
    int rc = S && T && U && tau ? SMI_OK : SMI_ENOMEM;
    for (size_t t = 0; rc == SMI_OK && t < k; t++)
        scaled_feature(ds, cfg, features[t], &S[t * rows]);
    if (rc == SMI_OK) {
        scaled_target(ds, cfg, &S[k * rows]);
        rc = smi_linalg_qr_upper(S, rows, k + 1, tau);
    }
    for (size_t t = 0; rc == SMI_OK && t < k; t++)
        for (size_t i = 0; i < k; i++)
            T[t * k + i] = i <= t ? S[t * rows + i] : 0.0;
    if (rc == SMI_OK && k > 0)
        rc = smi_linalg_svd_left(T, k, k, d, U);
    for (size_t i = 0; rc == SMI_OK && i < k; i++) {
        double c = 0.0;
        for (size_t t = 0; t < k; t++)
            c += U[i * k + t] * S[k * rows + t];
        d[i] *= d[i];
        c2[i] = c * c;
    }
    if (rc == SMI_OK)
        *r0 = S[k * rows + k] * S[k * rows + k];
    free(S), free(T), free(U), free(tau);
    return rc;
}

/* The posterior mean of a free-energy criterion into fit->pmean (original units) and
 * fit->pintercept: at one ratio for fe and fe-ng, weighted over the grid for the others. */
static int posterior_mean(const smi_dataset *ds, const struct smi_search *cfg,
                          const smi_problem *pb, const size_t *features, size_t k, smi_fit *fit)
{
    double *m = smi_alloc_array(k + 1, sizeof *m, "posterior mean");
    if (!m)
        return SMI_ENOMEM;
    int rc = SMI_OK;
    memset(fit->pmean, 0, k * sizeof *fit->pmean);
    if (smi_is_grid(cfg->criterion)) {
        double R[SMI_RATIO_GRID_MAX], L[SMI_RATIO_GRID_MAX], w[SMI_RATIO_GRID_MAX];
        for (size_t g = 0; rc == SMI_OK && g < pb->n_grid; g++)
            rc = free_energy_terms(ds, cfg, features, k, exp(pb->ln_ratio[g]), 1.0, &L[g], &R[g],
                                   NULL);
        if (rc == SMI_OK)
            smi_grid_weights(pb, k, R, L, w);
        for (size_t g = 0; rc == SMI_OK && g < pb->n_grid; g++) {
            if (w[g] == 0.0)
                continue;
            rc = free_energy_terms(ds, cfg, features, k, exp(pb->ln_ratio[g]), 1.0, &L[g], &R[g],
                                   m);
            for (size_t t = 0; rc == SMI_OK && t < k; t++)
                fit->pmean[t] += w[g] * m[t];
        }
    } else {
        double logdet, resid;
        rc = free_energy_terms(ds, cfg, features, k, smi_fe_alpha(cfg), smi_fe_beta(cfg), &logdet,
                               &resid, fit->pmean);
    }
    /* back to original units: the search standardises (fill_design) and centres */
    fit->pintercept = cfg->intercept ? ds->mean[ds->p] : 0.0;
    for (size_t t = 0; rc == SMI_OK && t < k; t++) {
        size_t j = features[t];
        if (cfg->standardize && ds->sd[j] > 0.0)
            fit->pmean[t] /= ds->sd[j];
        if (cfg->intercept)
            fit->pintercept -= fit->pmean[t] * ds->mean[j];
    }
    free(m);
    return rc;
}

int smi_refit(const smi_dataset *ds, const struct smi_search *cfg, const size_t *features,
              size_t k, smi_fit *fit)
{
    SMI_FAIL_IF(ds->n > INT_MAX, SMI_ETOOLARGE, "%zu samples are too many for LAPACK", ds->n);
    double rss_scaled;
    SMI_TRY(least_squares(ds, cfg, features, k, fit, &rss_scaled));
    smi_problem pb = { .cfg = cfg, .n = ds->n, .p = ds->p,
                       .y_exponent = smi_target_exponent(ds, cfg),
                       .fg_yy = (double)ds->n * ds->sd[ds->p] * ds->sd[ds->p] };
    if (cfg->criterion == SMI_CRIT_FE_GRID)
        SMI_TRY(smi_fegrid_check(cfg));
    smi_problem_set_constants(&pb);
    if (cfg->criterion == SMI_CRIT_CV || cfg->criterion == SMI_CRIT_LOO) {
        SMI_TRY(cfg->criterion == SMI_CRIT_CV ? smi_refit_cv(ds, cfg, features, k, &fit->value)
                                             : smi_refit_loo(ds, cfg, features, k, &fit->value));
    } else if (smi_is_grid(cfg->criterion)) { /* R and L at every ratio, by QR */
        double R[SMI_RATIO_GRID_MAX], L[SMI_RATIO_GRID_MAX];
        for (size_t g = 0; g < pb.n_grid; g++)
            SMI_TRY(free_energy_terms(ds, cfg, features, k, exp(pb.ln_ratio[g]), 1.0, &L[g],
                                      &R[g], NULL));
        fit->value = smi_grid_value(&pb, k, R, L);
        SMI_FAIL_IF(isnan(fit->value), SMI_ESINGULAR, "the model fits y exactly");
        double *d = smi_alloc_array(k + 1, 2 * sizeof *d, "grid spectrum"), r0 = 0.0;
        int rc = d ? grid_spectrum(ds, cfg, features, k, d, d + k, &r0) : SMI_ENOMEM;
        if (rc == SMI_OK)
            smi_grid_accuracy(&pb, k, fit->value, d, d + k, r0, &fit->grid_error,
                              &fit->grid_edge);
        free(d);
        SMI_TRY(rc);
        if (fit->pmean)
            SMI_TRY(posterior_mean(ds, cfg, &pb, features, k, fit));
    } else if (smi_is_fe(cfg->criterion)) {
        double logdet, resid;
        SMI_TRY(free_energy_terms(ds, cfg, features, k, smi_fe_alpha(cfg), smi_fe_beta(cfg),
                                  &logdet, &resid, NULL));
        fit->value = smi_criterion_value(&pb, k, resid, logdet);
        if (fit->pmean)
            SMI_TRY(posterior_mean(ds, cfg, &pb, features, k, fit));
    } else {
        SMI_FAIL_IF((cfg->criterion == SMI_CRIT_AIC || cfg->criterion == SMI_CRIT_BIC)
                        && (k + (cfg->intercept ? 1u : 0u) >= ds->n || !(rss_scaled > 0.0)),
                    SMI_ESINGULAR, "no residual degree of freedom for AIC or BIC");
        /* AIC, BIC: the RSS of the scaled y with its shift (pb.y_shift); rss: the RSS */
        fit->value = smi_criterion_value(&pb, k, pb.y_exponent ? rss_scaled : fit->rss, 0.0);
    }
    for (size_t t = 0; t < k; t++) /* never an infinite coefficient reported as a fit */
        SMI_FAIL_IF(!isfinite(fit->coef[t]) || (fit->pmean && !isfinite(fit->pmean[t])),
                    SMI_ENONFINITE, "the coefficient of feature '%s' is not finite: the scales "
                    "of the feature and the target are beyond double precision",
                    ds->feature_names[features[t]]);
    /* what a search counts apart as non-finite is an error for one subset */
    SMI_FAIL_IF(!smi_value_in_range(fit->value), SMI_ENONFINITE, "the %s criterion of a subset of "
                "%zu features is not finite (%g): the data's scale is beyond double precision",
                smi_criterion_name(cfg->criterion), k, fit->value);
    return SMI_OK;
}
