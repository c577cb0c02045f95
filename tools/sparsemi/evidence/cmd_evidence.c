/* sparsemi evidence: the Bayesian model evidence of one model (DESIGN.md 4.4): Bayesian
 * linear regression of the target on the named features with fixed, optimised
 * (type-II maximum likelihood), marginalised (grids of the noise and coefficient scales)
 * or normal-gamma hyperparameters, through smi_evidence_run. Prints F = -ln p(y|S), the
 * hyperparameters, the two parts of F and the posterior of the coefficients; optionally
 * the same as JSON.
 * Everything refused by the command line alone is a usage error (exit 2); what only the
 * data can judge (an unknown feature, n too small, a singular design) is bad input
 * (exit 1). An optimiser that did not converge is exit 1 too (the library's success with
 * the caveat SMI_ENOCONV), but the result at the last iterate is still printed and
 * written, with "converged": false (see sparsemi(1)). */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sparsemi.h"

#define CMD "evidence"

/* A size_t option left unset. */
#define UNSET_SIZE SIZE_MAX

typedef struct grid {
    double lo, hi;
    size_t n;
} grid;

typedef struct evidence_args {
    const char *data;
    const char *target;
    const char *label_column;
    const char *delimiter_text;
    const char *json;
    const char *hyper_text;
    const char *prior_text;
    const char *noise_grid_text;
    const char *coef_grid_text;
    cli_list features;
    char delimiter;
    int mode;
    double alpha, beta;          /* NAN: unset */
    double lambda, a0, b0;       /* NAN: unset */
    size_t max_iter;             /* UNSET_SIZE: unset */
    double tol;                  /* NAN: unset */
    int prior;
    double shape, scale;
    grid noise, coef;
    int no_intercept, no_standardize, quiet;
} evidence_args;

static const char description[] =
    "Compute the Bayesian model evidence of one linear model: the target of DATA on\n"
    "the features named by --features, with coefficients w ~ N(0, 1/alpha I) and\n"
    "noise e ~ N(0, 1/beta I), on centred and (by default) standardised data. Prints\n"
    "the free energy F = -ln p(y|S), the hyperparameters, the fit and complexity parts\n"
    "of F and the posterior mean and standard deviation of every coefficient.\n"
    "--hyper picks how alpha and beta are treated: fixed (as given by --prior-precision\n"
    "and --noise-precision), optimize (type-II maximum likelihood, starting there; the default),\n"
    "marginal (integrated over the noise and coefficient standard deviations, in units\n"
    "of sd(y), with a prior: accurately over the default ranges, or on the grids given,\n"
    "literally, with the quadrature error reported) or ng (normal-gamma closed form).\n"
    "Options of another mode than the chosen one are refused.\n";

static const char *const mode_names[] = { "fixed", "optimize", "marginal", "ng" };

static const char *prior_name(int prior)
{
    return prior == SMI_PRIOR_GAMMA ? "gamma" : prior == SMI_PRIOR_UNIFORM ? "uniform"
                                                                           : "inverse";
}

/* A finite number filling all of text[0..len-1]. */
static int parse_number(const char *text, size_t len, double *value)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf || isspace((unsigned char)text[0]))
        return -1;
    memcpy(buf, text, len);
    buf[len] = '\0';
    char *end = NULL;
    errno = 0;
    double x = strtod(buf, &end);
    if (end != buf + len || errno == ERANGE || !isfinite(x))
        return -1;
    *value = x;
    return 0;
}

/* "LO:HI:N", 0 < LO < HI, N >= 2 digits only. */
static int parse_grid(const char *option, const char *text, grid *g)
{
    const char *c1 = strchr(text, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    int ok = c1 && c2 && !strchr(c2 + 1, ':') &&
             parse_number(text, (size_t)(c1 - text), &g->lo) == 0 &&
             parse_number(c1 + 1, (size_t)(c2 - c1 - 1), &g->hi) == 0;
    const char *digits = ok ? c2 + 1 : "";
    size_t len = strlen(digits);
    ok = ok && len > 0 && len <= 9 && strspn(digits, "0123456789") == len;
    if (!ok)
        return cli_usage_error(CMD, "option '--%s': '%s' is not LO:HI:N", option, text);
    g->n = (size_t)strtoul(digits, NULL, 10);
    if (!(g->lo > 0) || !(g->hi > g->lo) || g->n < 2)
        return cli_usage_error(CMD, "option '--%s': '%s' needs 0 < LO < HI and N >= 2",
                               option, text);
    return CLI_CONTINUE;
}

/* "inverse", "uniform" or "gamma:SHAPE:SCALE" with SHAPE, SCALE > 0. */
static int parse_prior(evidence_args *a)
{
    const char *t = a->prior_text;
    a->prior = SMI_PRIOR_INVERSE;
    a->shape = a->scale = 1.0;
    if (!t || strcmp(t, "inverse") == 0)
        return CLI_CONTINUE;
    if (strcmp(t, "uniform") == 0) {
        a->prior = SMI_PRIOR_UNIFORM;
        return CLI_CONTINUE;
    }
    if (strncmp(t, "gamma:", 6) == 0) {
        const char *s = t + 6;
        const char *colon = strchr(s, ':');
        if (colon && parse_number(s, (size_t)(colon - s), &a->shape) == 0 &&
            parse_number(colon + 1, strlen(colon + 1), &a->scale) == 0) {
            if (!(a->shape > 0) || !(a->scale > 0))
                return cli_usage_error(CMD, "option '--prior': '%s' needs SHAPE > 0 and "
                                       "SCALE > 0", t);
            a->prior = SMI_PRIOR_GAMMA;
            return CLI_CONTINUE;
        }
    }
    return cli_usage_error(CMD, "option '--prior': '%s' is not inverse, uniform or "
                           "gamma:SHAPE:SCALE", t);
}

/* The first option of `names` that was given, or NULL. */
static const char *given(const evidence_args *a, int alpha_beta, int grids, int ng, int iter)
{
    if (alpha_beta && !isnan(a->alpha))
        return "--prior-precision";
    if (alpha_beta && !isnan(a->beta))
        return "--noise-precision";
    if (grids && a->noise_grid_text)
        return "--sigma-noise-grid";
    if (grids && a->coef_grid_text)
        return "--sigma-coef-grid";
    if (grids && a->prior_text)
        return "--prior";
    if (ng && !isnan(a->lambda))
        return "--lambda";
    if (ng && !isnan(a->a0))
        return "--a0";
    if (ng && !isnan(a->b0))
        return "--b0";
    if (iter && a->max_iter != UNSET_SIZE)
        return "--max-iter";
    if (iter && !isnan(a->tol))
        return "--tol";
    return NULL;
}

static int check_modes(evidence_args *a)
{
    a->mode = SMI_HYPER_OPTIMIZE;
    if (a->hyper_text) {
        a->mode = -1;
        for (int m = 0; m < 4; m++)
            if (strcmp(a->hyper_text, mode_names[m]) == 0)
                a->mode = m;
        if (a->mode < 0)
            return cli_usage_error(CMD, "option '--hyper': '%s' is not fixed, optimize, "
                                   "marginal or ng", a->hyper_text);
    }
    int m = a->mode;
    const char *other = given(a, m == SMI_HYPER_MARGINAL || m == SMI_HYPER_NG,
                              m != SMI_HYPER_MARGINAL, m != SMI_HYPER_NG,
                              m != SMI_HYPER_OPTIMIZE);
    if (other)
        return cli_usage_error(CMD, "option '%s' does not apply to --hyper %s", other,
                               mode_names[m]);
    if (isnan(a->alpha) != isnan(a->beta))
        return cli_usage_error(CMD, "options '--prior-precision' and '--noise-precision' "
                               "(--alpha, --beta) go together");
    if (!isnan(a->alpha) && (!(a->alpha > 0) || !(a->beta > 0)))
        return cli_usage_error(CMD, "options '--prior-precision' and "
                               "'--noise-precision' (--alpha, --beta) must be positive");
    if (a->max_iter == 0)
        return cli_usage_error(CMD, "option '--max-iter' must be at least 1");
    if (!isnan(a->tol) && !(a->tol > 0))
        return cli_usage_error(CMD, "option '--tol' must be positive");
    const char *ng_names[] = { "--lambda", "--a0", "--b0" };
    const double ng_values[] = { a->lambda, a->a0, a->b0 };
    for (int k = 0; k < 3; k++)
        if (!isnan(ng_values[k]) && !(ng_values[k] > 0))
            return cli_usage_error(CMD, "option '%s' must be positive", ng_names[k]);
    return CLI_CONTINUE;
}

/* The library's grids of a fresh configuration, needed when only one grid is given. */
static int default_grids(evidence_args *a)
{
    smi_evidence *fresh = NULL;
    int status = smi_evidence_create(&fresh);
    if (status == SMI_OK)
        status = smi_evidence_get_grids(fresh, &a->noise.lo, &a->noise.hi, &a->noise.n,
                                        &a->coef.lo, &a->coef.hi, &a->coef.n);
    smi_evidence_free(fresh);
    return status < 0 ? cli_fail_library(status) : CLI_CONTINUE;
}

static int parse_args(evidence_args *a, int argc, char **argv)
{
    a->alpha = a->beta = a->lambda = a->a0 = a->b0 = a->tol = NAN;
    a->max_iter = UNSET_SIZE;
    int rc = default_grids(a);
    if (rc != CLI_CONTINUE)
        return rc;
    const cli_option options[] = {
        { "target", CLI_OPT_STRING, &a->target, "NAME",
          "the target column (required when DATA has several numeric columns)" },
        { "features", CLI_OPT_LIST, &a->features, "A,B,...",
          "the model's feature columns, in order (required)" },
        { "hyper", CLI_OPT_STRING, &a->hyper_text, "MODE",
          "fixed, optimize (default), marginal or ng" },
        { "prior-precision", CLI_OPT_DOUBLE, &a->alpha, "A",
          "alpha, the coefficients' prior precision (fixed; optimize: start; default 1)" },
        { "noise-precision", CLI_OPT_DOUBLE, &a->beta, "B",
          "beta, the noise precision (fixed; optimize: start; default 1/var(y))" },
        { "alpha", CLI_OPT_DOUBLE, &a->alpha, "A", "alias of --prior-precision" },
        { "beta", CLI_OPT_DOUBLE, &a->beta, "B", "alias of --noise-precision" },
        { "max-iter", CLI_OPT_SIZE, &a->max_iter, "N",
          "optimize: at most N iterations (default 1000)" },
        { "tol", CLI_OPT_DOUBLE, &a->tol, "T",
          "optimize: relative tolerance (default 1e-10)" },
        { "sigma-noise-grid", CLI_OPT_STRING, &a->noise_grid_text, "LO:HI:N",
          "marginal: noise sd grid, x sd(y), literal (default 1e-3 to 10, adaptive)" },
        { "sigma-coef-grid", CLI_OPT_STRING, &a->coef_grid_text, "LO:HI:N",
          "marginal: coefficient sd grid, x sd(y), literal (default 1e-2 to 1e2, adaptive)" },
        { "prior", CLI_OPT_STRING, &a->prior_text, "PRIOR",
          "marginal: inverse (default), uniform or gamma:SHAPE:SCALE" },
        { "lambda", CLI_OPT_DOUBLE, &a->lambda, "L",
          "ng: w ~ N(0, sigma^2/L I) (default 1)" },
        { "a0", CLI_OPT_DOUBLE, &a->a0, "A",
          "ng: shape of the noise precision's Gamma prior (1e-6)" },
        { "b0", CLI_OPT_DOUBLE, &a->b0, "B",
          "ng: rate of the noise precision's Gamma prior (1e-6)" },
        { "no-intercept", CLI_OPT_FLAG, &a->no_intercept, NULL,
          "fit without an intercept (no centring)" },
        { "no-standardize", CLI_OPT_FLAG, &a->no_standardize, NULL,
          "keep the features in their own units" },
        { "label-column", CLI_OPT_STRING, &a->label_column, "NAME",
          "the column of row labels (default: the non-numeric one)" },
        { "delimiter", CLI_OPT_STRING, &a->delimiter_text, "C",
          "one character, tab, space (blanks), or auto (default)" },
        { "json", CLI_OPT_STRING, &a->json, "FILE",
          "write the result as JSON to FILE; '-': stdout, no table" },
        { "quiet", CLI_OPT_FLAG, &a->quiet, NULL,
          "no table on stdout (warnings and errors still on stderr)" },
    };
    const cli_spec spec = { CMD, "DATA --features A,B,... [options]", description, options,
                            sizeof options / sizeof options[0], "DATA", 1, 1 };
    size_t n_positional = 0;
    rc = cli_parse(&spec, argc, argv, &a->data, &n_positional);
    if (rc != CLI_CONTINUE)
        return rc;
    if (a->features.count == 0)
        return cli_usage_error(CMD, "option '--features' is required");
    if (cli_delimiter_option(CMD, a->delimiter_text, &a->delimiter) != CLI_CONTINUE)
        return CLI_EXIT_USAGE;
    rc = check_modes(a);
    if (rc == CLI_CONTINUE && a->noise_grid_text)
        rc = parse_grid("sigma-noise-grid", a->noise_grid_text, &a->noise);
    if (rc == CLI_CONTINUE && a->coef_grid_text)
        rc = parse_grid("sigma-coef-grid", a->coef_grid_text, &a->coef);
    if (rc == CLI_CONTINUE)
        rc = parse_prior(a);
    return rc;
}

/* Whether the marginal grids were given (used literally) or the ranges are integrated
 * accurately. */
static int given_grids(const evidence_args *a)
{
    return a->noise_grid_text || a->coef_grid_text;
}

/* The library's status as an exit code; SMI_OK passes. */
static int lib(int status)
{
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

static int configure(const evidence_args *a, smi_evidence *cfg)
{
    int rc = lib(smi_evidence_set_mode(cfg, a->mode));
    if (rc == CLI_EXIT_OK && !isnan(a->alpha))
        rc = lib(smi_evidence_set_hyper(cfg, a->alpha, a->beta));
    if (rc == CLI_EXIT_OK && (a->max_iter != UNSET_SIZE || !isnan(a->tol)))
        rc = lib(smi_evidence_set_iterations(cfg, a->max_iter != UNSET_SIZE ? a->max_iter
                                                                          : 1000,
                                             isnan(a->tol) ? 1e-10 : a->tol));
    if (rc == CLI_EXIT_OK && (a->noise_grid_text || a->coef_grid_text))
        rc = lib(smi_evidence_set_grids(cfg, a->noise.lo, a->noise.hi, a->noise.n, a->coef.lo,
                                        a->coef.hi, a->coef.n));
    if (rc == CLI_EXIT_OK)
        rc = lib(smi_evidence_set_prior(cfg, a->prior, a->shape, a->scale));
    if (rc == CLI_EXIT_OK && (!isnan(a->lambda) || !isnan(a->a0) || !isnan(a->b0)))
        rc = lib(smi_evidence_set_normal_gamma(cfg, isnan(a->lambda) ? 1.0 : a->lambda,
                                               isnan(a->a0) ? 1e-6 : a->a0,
                                               isnan(a->b0) ? 1e-6 : a->b0));
    if (rc == CLI_EXIT_OK)
        rc = lib(smi_evidence_set_intercept(cfg, !a->no_intercept));
    if (rc == CLI_EXIT_OK)
        rc = lib(smi_evidence_set_standardize(cfg, !a->no_standardize));
    return rc;
}

/* What the outputs need from the fit. */
typedef struct evidence_report {
    const smi_dataset *ds;
    const smi_evidence_result *ev;
    size_t k;
    double *mean, *cov;
    double intercept;
} evidence_report;

static int collect(const smi_dataset *ds, const smi_evidence_result *ev, evidence_report *r)
{
    r->ds = ds;
    r->ev = ev;
    r->k = smi_dataset_p(ds);
    r->mean = calloc(r->k, sizeof *r->mean);
    r->cov = calloc(r->k * r->k, sizeof *r->cov);
    if (!r->mean || !r->cov)
        return cli_fail("out of memory");
    int rc = lib(smi_evidence_result_mean(ev, r->k, r->mean, &r->intercept));
    if (rc == CLI_EXIT_OK)
        rc = lib(smi_evidence_result_covariance(ev, r->k * r->k, r->cov));
    return rc;
}

static void print_table(FILE *out, const evidence_args *a, const evidence_report *r)
{
    const smi_evidence_result *ev = r->ev;
    fprintf(out, "file            %s\n", a->data);
    fprintf(out, "target          %s\n", smi_dataset_target_name(r->ds));
    fprintf(out, "samples         %zu\n", smi_dataset_n(r->ds));
    fprintf(out, "hyper           %s\n", mode_names[a->mode]);
    if (a->mode == SMI_HYPER_MARGINAL)
        fprintf(out, "prior           %s\n", prior_name(a->prior));
    fputc('\n', out);
    fprintf(out, "F = -ln p(y|S)  %.10g\n", smi_evidence_result_free_energy(ev));
    fprintf(out, "log evidence    %.10g\n", -smi_evidence_result_free_energy(ev));
    fprintf(out, "fit term        %.10g\n", smi_evidence_result_fit_term(ev));
    fprintf(out, "complexity term %.10g\n", smi_evidence_result_complexity_term(ev));
    fprintf(out, "alpha           %.10g\n", smi_evidence_result_alpha(ev));
    fprintf(out, "beta            %.10g\n", smi_evidence_result_beta(ev));
    fprintf(out, "noise sd        %.10g\n", smi_evidence_result_noise_sd(ev));
    fprintf(out, "gamma_eff       %.10g\n", smi_evidence_result_gamma_eff(ev));
    if (a->mode == SMI_HYPER_MARGINAL)
        fprintf(out, "quadrature err  %.3g (%s)\n", smi_evidence_result_quadrature_error(ev),
                given_grids(a) ? "the given grid" : "adaptive rule over the ranges");
    fprintf(out, "iterations      %zu (%s)\n", smi_evidence_result_iterations(ev),
            smi_evidence_result_converged(ev) ? "converged" : "not converged");
    fputc('\n', out);
    int width = (int)strlen("(intercept)");
    for (size_t j = 0; j < r->k; j++)
        if ((int)strlen(smi_dataset_feature_name(r->ds, j)) > width)
            width = (int)strlen(smi_dataset_feature_name(r->ds, j));
    fprintf(out, "%-*s %16s %16s\n", width, "coefficient", "posterior mean", "posterior sd");
    for (size_t j = 0; j < r->k; j++) {
        double var = r->cov[j * r->k + j];
        fprintf(out, "%-*s %16.8g %16.8g\n", width, smi_dataset_feature_name(r->ds, j),
                r->mean[j], var >= 0 ? sqrt(var) : NAN);
    }
    fprintf(out, "%-*s %16.8g\n", width, "(intercept)", r->intercept);
}

static void write_json(FILE *out, const evidence_args *a, const evidence_report *r)
{
    const smi_evidence_result *ev = r->ev;
    double F = smi_evidence_result_free_energy(ev);
    cli_json j;
    cli_json_begin_report(&j, out, "evidence");
    cli_json_key(&j, "file"), cli_json_string(&j, a->data);
    cli_json_key(&j, "hyper"), cli_json_string(&j, mode_names[a->mode]);
    cli_json_key(&j, "target"), cli_json_string(&j, smi_dataset_target_name(r->ds));
    cli_json_key(&j, "features"), cli_json_begin_array(&j);
    for (size_t c = 0; c < r->k; c++)
        cli_json_string(&j, smi_dataset_feature_name(r->ds, c));
    cli_json_end_array(&j);
    cli_json_key(&j, "n_samples"), cli_json_uint(&j, smi_dataset_n(r->ds));
    cli_json_key(&j, "intercept_fitted"), cli_json_bool(&j, !a->no_intercept);
    cli_json_key(&j, "standardize"), cli_json_bool(&j, !a->no_standardize);
    if (a->mode == SMI_HYPER_MARGINAL) {
        cli_json_key(&j, "prior"), cli_json_begin_object(&j);
        cli_json_key(&j, "name"), cli_json_string(&j, prior_name(a->prior));
        if (a->prior == SMI_PRIOR_GAMMA) {
            cli_json_key(&j, "shape"), cli_json_number(&j, a->shape);
            cli_json_key(&j, "scale"), cli_json_number(&j, a->scale);
        }
        cli_json_end_object(&j);
        cli_json_key(&j, "grid_given"), cli_json_bool(&j, given_grids(a));
        const grid *grids[2] = { &a->noise, &a->coef };
        const char *keys[2] = { "sigma_noise_grid", "sigma_coef_grid" };
        for (int g = 0; g < 2; g++) {
            cli_json_key(&j, keys[g]), cli_json_begin_object(&j);
            cli_json_key(&j, "lo"), cli_json_number(&j, grids[g]->lo);
            cli_json_key(&j, "hi"), cli_json_number(&j, grids[g]->hi);
            cli_json_key(&j, "n"), cli_json_uint(&j, grids[g]->n);
            cli_json_end_object(&j);
        }
    }
    cli_json_key(&j, "free_energy"), cli_json_number(&j, F);
    cli_json_key(&j, "log_evidence"), cli_json_number(&j, -F);
    cli_json_key(&j, "alpha"), cli_json_number(&j, smi_evidence_result_alpha(ev));
    cli_json_key(&j, "beta"), cli_json_number(&j, smi_evidence_result_beta(ev));
    cli_json_key(&j, "noise_sd"), cli_json_number(&j, smi_evidence_result_noise_sd(ev));
    cli_json_key(&j, "gamma_eff"), cli_json_number(&j, smi_evidence_result_gamma_eff(ev));
    cli_json_key(&j, "fit_term"), cli_json_number(&j, smi_evidence_result_fit_term(ev));
    cli_json_key(&j, "complexity_term"), cli_json_number(&j, smi_evidence_result_complexity_term(ev));
    if (a->mode == SMI_HYPER_MARGINAL)
        cli_json_key(&j, "quadrature_error"),
            cli_json_number(&j, smi_evidence_result_quadrature_error(ev));
    cli_json_key(&j, "caveat"), cli_json_string(&j, smi_evidence_result_caveat(ev));
    cli_json_key(&j, "iterations"), cli_json_uint(&j, smi_evidence_result_iterations(ev));
    cli_json_key(&j, "converged"), cli_json_bool(&j, smi_evidence_result_converged(ev));
    cli_json_key(&j, "coefficients"), cli_json_begin_object(&j);
    for (size_t c = 0; c < r->k; c++) {
        cli_json_key(&j, smi_dataset_feature_name(r->ds, c));
        cli_json_number(&j, r->mean[c]);
    }
    cli_json_end_object(&j);
    cli_json_key(&j, "posterior_sd"), cli_json_begin_object(&j);
    for (size_t c = 0; c < r->k; c++) {
        double var = r->cov[c * r->k + c];
        cli_json_key(&j, smi_dataset_feature_name(r->ds, c));
        cli_json_number(&j, var >= 0 ? sqrt(var) : NAN);
    }
    cli_json_end_object(&j);
    cli_json_key(&j, "intercept"), cli_json_number(&j, r->intercept);
    cli_json_key(&j, "covariance"), cli_json_begin_array(&j);
    for (size_t row = 0; row < r->k; row++) {
        cli_json_begin_array(&j);
        for (size_t c = 0; c < r->k; c++)
            cli_json_number(&j, r->cov[row * r->k + c]);
        cli_json_end_array(&j);
    }
    cli_json_end_array(&j);
    cli_json_end_object(&j);
    int balanced = cli_json_finish(&j);
    assert(balanced == 0 && "write_json opens and closes the same containers");
    (void)balanced;
}

/* A result with a caveat (SMI_ENOCONV: the optimiser or the marginal integral stopped
 * without converging, or the marginal ranges cut the posterior, or a given grid is too
 * coarse): warn with its message and report it. Returns 1 when it did not converge (exit
 * status 1 in the end), else 0 (a warning only). */
static int warn_caveat(const smi_evidence_result *ev)
{
    int status = smi_evidence_result_status(ev);
    if (status == SMI_OK)
        return 0;
    const char *caveat = smi_evidence_result_caveat(ev);
    fprintf(stderr, "sparsemi: warning: %s\n",
            caveat && *caveat ? caveat : smi_strerror(status));
    return !smi_evidence_result_converged(ev);
}

/* The evidence of the model of every feature of the data set. */
static int evaluate(const smi_dataset *ds, const smi_evidence *cfg, smi_evidence_result **ev)
{
    size_t k = smi_dataset_p(ds);
    size_t *subset = calloc(k ? k : 1, sizeof *subset);
    if (!subset)
        return cli_fail("out of memory");
    for (size_t j = 0; j < k; j++)
        subset[j] = j;
    int status = smi_evidence_run(ds, subset, k, cfg, ev);
    free(subset);
    return lib(status);
}

/* The JSON file is opened first, so that an unwritable path fails before the work, and
 * discarded on every failure, so that a failed run leaves no file behind; the one
 * exception is a result with a caveat (SMI_ENOCONV), whose result at the last iterate is
 * written and printed before the exit status 1. */
static int require_target(const evidence_args *a, const smi_dataset *ds)
{
    const cli_data_request rq = { a->data, a->delimiter, a->target, a->label_column, NULL,
                                  &a->features };
    int rc = cli_require_target(CMD, &rq, ds);
    return rc == CLI_CONTINUE ? CLI_EXIT_OK : rc;
}

static int run(const evidence_args *a)
{
    cli_output out = { 0 };
    smi_dataset *ds = NULL;
    smi_evidence *cfg = NULL;
    smi_evidence_result *ev = NULL;
    evidence_report r = { 0 };
    int noconv = 0;
    int rc = a->json ? cli_output_open(&out, a->json) : CLI_EXIT_OK;
    if (rc == CLI_EXIT_OK)
        rc = lib(cli_read_dataset(a->data, a->delimiter, a->target, a->label_column, NULL,
                                  &a->features, &ds));
    if (rc == CLI_EXIT_OK)
        rc = require_target(a, ds);
    if (rc == CLI_EXIT_OK)
        rc = lib(smi_evidence_create(&cfg));
    if (rc == CLI_EXIT_OK)
        rc = configure(a, cfg);
    if (rc == CLI_EXIT_OK)
        rc = evaluate(ds, cfg, &ev);
    if (rc == CLI_EXIT_OK)
        noconv = warn_caveat(ev);
    if (rc == CLI_EXIT_OK)
        rc = collect(ds, ev, &r);
    if (rc == CLI_EXIT_OK && a->json) {
        write_json(out.stream, a, &r);
        rc = cli_output_commit(&out);
    }
    if (rc == CLI_EXIT_OK && !a->quiet && !(a->json && strcmp(a->json, "-") == 0))
        print_table(stdout, a, &r);
    cli_output_discard(&out);
    free(r.mean);
    free(r.cov);
    smi_evidence_result_free(ev);
    smi_evidence_free(cfg);
    smi_dataset_free(ds);
    return rc == CLI_EXIT_OK && noconv ? CLI_EXIT_INPUT : rc;
}

int cmd_evidence(int argc, char **argv)
{
    evidence_args a = { 0 };
    int rc = parse_args(&a, argc, argv);
    cli_announce_quiet(a.quiet);
    if (rc == CLI_CONTINUE)
        rc = run(&a);
    cli_list_free(&a.features);
    return rc;
}
