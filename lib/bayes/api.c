/* smi_evidence and smi_evidence_result: the configuration handle with its defaults and
 * checked setters, argument checks of smi_evidence_run, the dispatch to the modes, and the
 * result's accessors. The modes (fixed.c, optimize.c, marginal.c, normal_gamma.c) see only
 * the prepared model (model.c) and a configuration that has passed these checks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bayes/bayes.h"

/* The modes, indexed by smi_hyper_mode. */
static const struct {
    const char *name;
    smi_bayes_mode_fn run;
} modes[] = {
    [SMI_HYPER_FIXED] = { "fixed", smi_bayes_fixed },
    [SMI_HYPER_OPTIMIZE] = { "optimize", smi_bayes_optimize },
    [SMI_HYPER_MARGINAL] = { "marginal", smi_bayes_marginal },
    [SMI_HYPER_NG] = { "normal-gamma", smi_bayes_normal_gamma },
};
#define N_MODES (sizeof modes / sizeof modes[0])

/* With an intercept, a column whose standard deviation is below this fraction of its
 * mean's magnitude is constant: centring leaves only rounding noise (as in lib/search). */
#define CONSTANT_TOLERANCE 1e-13

static int positive_finite(double x)
{
    return x > 0.0 && isfinite(x);
}

SMI_API int smi_evidence_create(smi_evidence **out)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_evidence_create: out is NULL");
    smi_evidence *cfg = smi_calloc_array(1, sizeof *cfg, "evidence configuration");
    *out = cfg;
    if (!cfg)
        return SMI_ENOMEM;
    *cfg = (smi_evidence){
        .mode = SMI_HYPER_OPTIMIZE, .alpha = 1.0, .beta = 0.0, /* beta 0: 1 / var(y) */
        .max_iter = 1000, .tolerance = 1e-10,
        .noise_lo = 1e-3, .noise_hi = 10.0, .noise_n = 20,
        .coef_lo = 1e-2, .coef_hi = 1e2, .coef_n = 20,
        .prior = SMI_PRIOR_INVERSE, .shape = 1.0, .scale = 1.0,
        .ng_lambda = 1.0, .ng_a0 = 1e-6, .ng_b0 = 1e-6,
        .intercept = 1, .standardize = 1,
    };
    return SMI_OK;
}

SMI_API void smi_evidence_free(smi_evidence *cfg)
{
    free(cfg);
}

#define CHECK_CFG(cfg) SMI_FAIL_IF(!(cfg), SMI_EINVAL, "%s: cfg is NULL", __func__)

SMI_API int smi_evidence_set_mode(smi_evidence *cfg, int mode)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(mode < 0 || (size_t)mode >= N_MODES, SMI_EINVAL,
                "unknown hyperparameter mode %d (known: 0 fixed, 1 optimize, 2 marginal, "
                "3 normal-gamma)", mode);
    cfg->mode = mode;
    return SMI_OK;
}

SMI_API int smi_evidence_set_hyper(smi_evidence *cfg, double alpha, double beta)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(!positive_finite(alpha) || !(beta == 0.0 || positive_finite(beta)), SMI_EINVAL,
                "alpha = %g and beta = %g: alpha must be positive, beta positive or 0 (1 / var(y)), "
                "both finite", alpha, beta);
    cfg->alpha = alpha;
    cfg->beta = beta;
    return SMI_OK;
}

SMI_API int smi_evidence_set_iterations(smi_evidence *cfg, size_t max_iter,
                                        double tolerance)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(max_iter == 0, SMI_EINVAL, "at most 0 iterations: need at least 1");
    SMI_FAIL_IF(!positive_finite(tolerance), SMI_EINVAL,
                "tolerance %g: must be positive and finite", tolerance);
    cfg->max_iter = max_iter;
    cfg->tolerance = tolerance;
    return SMI_OK;
}

static int check_grid(const char *what, double lo, double hi, size_t n)
{
    SMI_FAIL_IF(!positive_finite(lo) || !positive_finite(hi) || !(lo < hi), SMI_EINVAL,
                "%s grid from %g to %g: need 0 < lo < hi, both finite", what, lo, hi);
    SMI_FAIL_IF(n < 2, SMI_EINVAL, "%s grid of %zu points: need at least 2", what, n);
    return SMI_OK;
}

SMI_API int smi_evidence_set_grids(smi_evidence *cfg, double noise_lo, double noise_hi,
                                   size_t noise_n, double coef_lo, double coef_hi,
                                   size_t coef_n)
{
    CHECK_CFG(cfg);
    SMI_TRY(check_grid("sigma_noise", noise_lo, noise_hi, noise_n));
    SMI_TRY(check_grid("sigma_coef", coef_lo, coef_hi, coef_n));
    cfg->noise_lo = noise_lo;
    cfg->noise_hi = noise_hi;
    cfg->noise_n = noise_n;
    cfg->coef_lo = coef_lo;
    cfg->coef_hi = coef_hi;
    cfg->coef_n = coef_n;
    cfg->grid_given = 1;
    return SMI_OK;
}

SMI_API int smi_evidence_set_prior(smi_evidence *cfg, int prior, double shape,
                                   double scale)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(prior != SMI_PRIOR_INVERSE && prior != SMI_PRIOR_GAMMA &&
                    prior != SMI_PRIOR_UNIFORM, SMI_EINVAL,
                "unknown scale prior %d (known: 0 inverse, 1 gamma, 2 uniform)", prior);
    if (prior == SMI_PRIOR_GAMMA) {
        SMI_FAIL_IF(!positive_finite(shape) || !positive_finite(scale), SMI_EINVAL,
                    "gamma prior with shape %g and scale %g: both must be positive and finite",
                    shape, scale);
        cfg->shape = shape;
        cfg->scale = scale;
    }
    cfg->prior = prior;
    return SMI_OK;
}

SMI_API int smi_evidence_set_normal_gamma(smi_evidence *cfg, double lambda, double a0,
                                          double b0)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(!positive_finite(lambda) || !positive_finite(a0) || !positive_finite(b0),
                SMI_EINVAL, "normal-gamma lambda = %g, a0 = %g, b0 = %g: all must be positive "
                "and finite", lambda, a0, b0);
    cfg->ng_lambda = lambda;
    cfg->ng_a0 = a0;
    cfg->ng_b0 = b0;
    return SMI_OK;
}

SMI_API int smi_evidence_set_intercept(smi_evidence *cfg, int on)
{
    CHECK_CFG(cfg);
    cfg->intercept = on != 0;
    return SMI_OK;
}

SMI_API int smi_evidence_set_standardize(smi_evidence *cfg, int on)
{
    CHECK_CFG(cfg);
    cfg->standardize = on != 0;
    return SMI_OK;
}

SMI_API int smi_evidence_copy(smi_evidence **out, const smi_evidence *src)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_evidence_copy: out is NULL");
    *out = NULL;
    SMI_FAIL_IF(!src, SMI_EINVAL, "smi_evidence_copy: src is NULL");
    smi_evidence *cfg = smi_alloc_array(1, sizeof *cfg, "evidence configuration");
    if (!cfg)
        return SMI_ENOMEM;
    *cfg = *src; /* no arrays: a flat copy is deep */
    *out = cfg;
    return SMI_OK;
}

/* Getters: what the setters stored (smi_evidence_create's defaults before). */
#define CHECK_OUT(cond) SMI_FAIL_IF(!(cfg) || !(cond), SMI_EINVAL, "%s: NULL argument", __func__)

SMI_API int smi_evidence_get_mode(const smi_evidence *cfg, int *mode)
{
    CHECK_OUT(mode);
    *mode = cfg->mode;
    return SMI_OK;
}

SMI_API int smi_evidence_get_hyper(const smi_evidence *cfg, double *alpha, double *beta)
{
    CHECK_OUT(alpha && beta);
    *alpha = cfg->alpha;
    *beta = cfg->beta;
    return SMI_OK;
}

SMI_API int smi_evidence_get_iterations(const smi_evidence *cfg, size_t *max_iter,
                                        double *tolerance)
{
    CHECK_OUT(max_iter && tolerance);
    *max_iter = cfg->max_iter;
    *tolerance = cfg->tolerance;
    return SMI_OK;
}

SMI_API int smi_evidence_get_grids(const smi_evidence *cfg, double *noise_lo, double *noise_hi,
                                   size_t *noise_n, double *coef_lo, double *coef_hi,
                                   size_t *coef_n)
{
    CHECK_OUT(noise_lo && noise_hi && noise_n && coef_lo && coef_hi && coef_n);
    *noise_lo = cfg->noise_lo;
    *noise_hi = cfg->noise_hi;
    *noise_n = cfg->noise_n;
    *coef_lo = cfg->coef_lo;
    *coef_hi = cfg->coef_hi;
    *coef_n = cfg->coef_n;
    return SMI_OK;
}

SMI_API int smi_evidence_get_prior(const smi_evidence *cfg, int *prior, double *shape,
                                   double *scale)
{
    CHECK_OUT(prior && shape && scale);
    *prior = cfg->prior;
    *shape = cfg->shape;
    *scale = cfg->scale;
    return SMI_OK;
}

SMI_API int smi_evidence_get_normal_gamma(const smi_evidence *cfg, double *lambda, double *a0,
                                          double *b0)
{
    CHECK_OUT(lambda && a0 && b0);
    *lambda = cfg->ng_lambda;
    *a0 = cfg->ng_a0;
    *b0 = cfg->ng_b0;
    return SMI_OK;
}

SMI_API int smi_evidence_get_intercept(const smi_evidence *cfg, int *on)
{
    CHECK_OUT(on);
    *on = cfg->intercept;
    return SMI_OK;
}

SMI_API int smi_evidence_get_standardize(const smi_evidence *cfg, int *on)
{
    CHECK_OUT(on);
    *on = cfg->standardize;
    return SMI_OK;
}

/* The subset: non-empty, indices in range and distinct, enough samples, no column that
 * centring turns into zeros. */
static int check_subset(const smi_dataset *ds, const size_t *subset, size_t k, int intercept)
{
    SMI_FAIL_IF(k == 0, SMI_EINVAL, "empty subset: a model needs at least one feature");
    SMI_FAIL_IF(!subset, SMI_EINVAL, "subset is NULL with k = %zu", k);
    for (size_t t = 0; t < k; t++) {
        SMI_FAIL_IF(subset[t] >= ds->p, SMI_EINVAL,
                    "subset[%zu] = %zu: the data set has %zu features (0 to %zu)", t,
                    subset[t], ds->p, ds->p - 1);
        for (size_t s = 0; s < t; s++)
            SMI_FAIL_IF(subset[s] == subset[t], SMI_EINVAL,
                        "feature '%s' (index %zu) appears twice in the subset (positions %zu "
                        "and %zu)", ds->feature_names[subset[t]], subset[t], s, t);
    }
    size_t need = k + (intercept ? 2 : 1);
    SMI_FAIL_IF(ds->n < need, SMI_EINVAL,
                "%zu samples are too few for a model of %zu features%s: need at least %zu",
                ds->n, k, intercept ? " and an intercept" : "", need);
    for (size_t t = 0; intercept && t < k; t++) {
        size_t j = subset[t];
        SMI_FAIL_IF(ds->sd[j] <= CONSTANT_TOLERANCE * fabs(ds->mean[j]), SMI_ESINGULAR,
                    "feature '%s' is constant: centred for the intercept it is zero and "
                    "carries no information", ds->feature_names[j]);
    }
    return SMI_OK;
}

/* The configuration as the mode sees it: beta <= 0 resolved to 1 / var(y); a target of
 * zero spread makes that and the marginal grids (in units of sd(y)) meaningless. */
static int resolve(const smi_dataset *ds, const smi_evidence *cfg,
                   smi_evidence *use)
{
    *use = *cfg;
    double sd = ds->sd[ds->p];
    int needs_sd = cfg->mode == SMI_HYPER_MARGINAL ||
                   (cfg->beta <= 0.0 && cfg->mode != SMI_HYPER_NG);
    SMI_FAIL_IF(needs_sd && !(sd > CONSTANT_TOLERANCE * fabs(ds->mean[ds->p])), SMI_EINVAL,
                "target '%s' is constant (sd %g): %s", ds->target_name, sd,
                cfg->mode == SMI_HYPER_MARGINAL
                    ? "the marginal grids are in units of its standard deviation"
                    : "the default beta = 1 / var(y) is undefined (set alpha and beta)");
    if (use->beta <= 0.0)
        use->beta = 1.0 / (sd * sd);
    return SMI_OK;
}

SMI_API int smi_evidence_run(const smi_dataset *ds, const size_t *subset, size_t k,
                             const smi_evidence *cfg, smi_evidence_result **out)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_evidence_run: out is NULL");
    *out = NULL;
    SMI_FAIL_IF(!ds, SMI_EINVAL, "smi_evidence_run: ds is NULL");
    SMI_FAIL_IF(!cfg, SMI_EINVAL, "smi_evidence_run: cfg is NULL");
    SMI_TRY(check_subset(ds, subset, k, cfg->intercept));
    smi_evidence use;
    SMI_TRY(resolve(ds, cfg, &use));
    smi_bayes_model md;
    SMI_TRY(smi_bayes_model_prepare(&md, ds, subset, k, cfg->intercept, cfg->standardize));
    smi_evidence_result *ev = smi_alloc_array(1, sizeof *ev + (k + k * k) * sizeof(double),
                                       "evidence result");
    if (!ev) {
        smi_bayes_model_release(&md);
        return SMI_ENOMEM;
    }
    memset(ev, 0, sizeof *ev);
    ev->cfg = *cfg;
    ev->mode = use.mode;
    if (smi_data_id_of(&ev->data_id, ds) != SMI_OK) {
        smi_bayes_model_release(&md);
        free(ev);
        return SMI_ENOMEM;
    }
    ev->k = k;
    ev->mean = ev->data;
    ev->covariance = ev->data + k;
    int rc = modes[use.mode].run(&md, &use, ev);
    smi_bayes_model_release(&md);
    if (rc == SMI_OK && !isfinite(ev->free_energy))
        rc = smi_error_set(SMI_ESINGULAR, "the %s evidence of the model is not finite (F = %g): "
                           "the data's scale is beyond double precision", modes[use.mode].name,
                           ev->free_energy);
    if (rc < 0 && rc != SMI_ENOCONV) {
        smi_evidence_result_free(ev);
        return rc;
    }
    smi_caveat_from_last_error(&ev->caveat, rc);
    *out = ev;
    return SMI_OK;
}

SMI_API int smi_evidence_result_status(const smi_evidence_result *ev)
{
    return ev ? ev->caveat.status : SMI_EINVAL;
}

SMI_API const char *smi_evidence_result_caveat(const smi_evidence_result *ev)
{
    return ev ? ev->caveat.message : "";
}

SMI_API const smi_evidence *smi_evidence_result_config(const smi_evidence_result *ev)
{
    return ev ? &ev->cfg : NULL;
}

SMI_API const smi_data_id *smi_evidence_result_data(const smi_evidence_result *ev)
{
    return ev ? ev->data_id : NULL;
}

SMI_API void smi_evidence_result_free(smi_evidence_result *ev)
{
    if (ev)
        smi_data_id_free(ev->data_id);
    free(ev);
}

SMI_API double smi_evidence_result_free_energy(const smi_evidence_result *ev)
{
    return ev ? ev->free_energy : NAN;
}

SMI_API double smi_evidence_result_fit_term(const smi_evidence_result *ev)
{
    return ev ? ev->fit : NAN;
}

SMI_API double smi_evidence_result_complexity_term(const smi_evidence_result *ev)
{
    return ev ? ev->complexity : NAN;
}

SMI_API double smi_evidence_result_alpha(const smi_evidence_result *ev)
{
    return ev ? ev->alpha : NAN;
}

SMI_API double smi_evidence_result_beta(const smi_evidence_result *ev)
{
    return ev ? ev->beta : NAN;
}

SMI_API double smi_evidence_result_noise_sd(const smi_evidence_result *ev)
{
    return ev ? 1.0 / sqrt(ev->beta) : NAN;
}

SMI_API double smi_evidence_result_quadrature_error(const smi_evidence_result *ev)
{
    return ev ? ev->quadrature_error : NAN;
}

SMI_API double smi_evidence_result_gamma_eff(const smi_evidence_result *ev)
{
    return ev ? ev->gamma_eff : NAN;
}

SMI_API size_t smi_evidence_result_iterations(const smi_evidence_result *ev)
{
    return ev ? ev->iterations : 0;
}

SMI_API int smi_evidence_result_converged(const smi_evidence_result *ev)
{
    return ev ? ev->converged : 0;
}

SMI_API int smi_evidence_result_mean(const smi_evidence_result *ev, size_t capacity, double *mean,
                              double *intercept)
{
    SMI_FAIL_IF(!ev, SMI_EINVAL, "smi_evidence_result_mean: ev is NULL");
    if (mean) {
        SMI_FAIL_IF(capacity < ev->k, SMI_EINVAL,
                    "posterior mean of %zu coefficients: capacity %zu is too small", ev->k,
                    capacity);
        memcpy(mean, ev->mean, ev->k * sizeof *mean);
    }
    if (intercept)
        *intercept = ev->intercept;
    return SMI_OK;
}

SMI_API int smi_evidence_result_covariance(const smi_evidence_result *ev, size_t capacity,
                                    double *covariance)
{
    SMI_FAIL_IF(!ev, SMI_EINVAL, "smi_evidence_result_covariance: ev is NULL");
    SMI_FAIL_IF(!covariance, SMI_EINVAL, "smi_evidence_result_covariance: covariance is NULL");
    SMI_FAIL_IF(capacity < ev->k * ev->k, SMI_EINVAL,
                "posterior covariance of %zu coefficients: capacity %zu is too small (need %zu)",
                ev->k, capacity, ev->k * ev->k);
    memcpy(covariance, ev->covariance, ev->k * ev->k * sizeof *covariance);
    return SMI_OK;
}
