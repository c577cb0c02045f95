/* The command line of `sparsemi vma`: the option table (which is also the help) and the
 * checks that need more than one option or more than a number. As for es and remc,
 * everything refused here is a usage error (exit 2) that names the option; the rules for
 * the values are the library's, asked of scratch configurations so that the message is its
 * own. What can only be judged against the data (an unknown feature, a size range beyond
 * p, Gaussian rows from too few samples) is left to cmd_vma.c and is bad input (exit 1).
 *
 * The true model's features are --model, not the issue's --features: every subcommand
 * that reads a data set takes --features for the columns it reads, and here those are the
 * candidates the selection method chooses from, which the model's features are among. */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "search_options.h"
#include "sparsemi.h"
#include "vma_cli.h"

static const char description[] =
    "Virtual measurement analysis: is it the data or the method? Take a sparse model of the\n"
    "target on a few features of DATA as the truth (--model; coefficients and intercept by\n"
    "least squares on DATA unless given, the noise from the model's Bayesian evidence\n"
    "unless given), draw --trials synthetic data sets of each size n' of --sizes from it\n"
    "(rows of DATA resampled, or Gaussian with their mean and covariance), run a selection\n"
    "method on each (the best model of an exhaustive search, or the LASSO with\n"
    "cross-validation), and report per n' how often it recovers exactly the model's\n"
    "features, with a 95% interval, and how often it chooses each feature. A method that\n"
    "recovers the model at a large n' but not at the n of DATA says that the data are too\n"
    "few; one that fails at every n' says that the method is the problem. The same seed\n"
    "gives the same result for any number of threads.\n";

static const char *const rows_names[] = { [SMI_VMA_RESAMPLE] = "resample",
                                          [SMI_VMA_GAUSSIAN] = "gaussian" };
static const char *const method_names[] = { [VMA_METHOD_ES] = "es", [VMA_METHOD_LASSO] = "lasso" };

const char *vma_rows_name(int rows)
{
    return rows == SMI_VMA_GAUSSIAN ? rows_names[SMI_VMA_GAUSSIAN] : rows_names[SMI_VMA_RESAMPLE];
}

const char *vma_method_name(int method)
{
    return method == VMA_METHOD_LASSO ? method_names[VMA_METHOD_LASSO]
                                      : method_names[VMA_METHOD_ES];
}

/* The index of text in names[0..count-1], or -1. */
static int lookup(const char *text, const char *const *names, int count)
{
    for (int k = 0; k < count; k++)
        if (strcmp(text, names[k]) == 0)
            return k;
    return -1;
}

/* Digits only, no sign, at most `max`. */
static int parse_uint(const char *text, unsigned long long max, unsigned long long *value)
{
    unsigned long long x = 0;
    if (!*text)
        return -1;
    for (const char *c = text; *c; c++) {
        unsigned d = (unsigned)(*c - '0');
        if (!isdigit((unsigned char)*c) || x > (max - d) / 10)
            return -1;
        x = 10 * x + d;
    }
    *value = x;
    return 0;
}

/* ---- The model ---------------------------------------------------------------------- */

static int check_model_names(const vma_args *a)
{
    if (a->model.count == 0)
        return cli_usage_error("vma", "option '--model' is required: the true model's "
                               "features (--features selects the candidate columns, as for es)");
    for (size_t i = 0; i < a->model.count; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(a->model.items[i], a->model.items[j]) == 0)
                return cli_usage_error("vma", "option '--model': feature '%s' is listed twice",
                                       a->model.items[i]);
    return CLI_CONTINUE;
}

static int parse_coefficients(vma_args *a)
{
    const cli_list *c = &a->coefficients_text;
    if (c->count == 0)
        return isnan(a->intercept) ? CLI_CONTINUE
                                   : cli_usage_error("vma", "option '--intercept' needs "
                                                     "'--coefficients' (without them both come "
                                                     "from the least-squares fit)");
    if (c->count != a->model.count)
        return cli_usage_error("vma", "option '--coefficients' has %zu value%s for the %zu "
                               "feature%s of '--model'", c->count, c->count == 1 ? "" : "s",
                               a->model.count, a->model.count == 1 ? "" : "s");
    if (!(a->coefficients = calloc(c->count, sizeof *a->coefficients)))
        return cli_fail("out of memory");
    for (size_t k = 0; k < c->count; k++)
        if (cli_parse_numbers(c->items[k], &a->coefficients[k], 1) < 0)
            return cli_usage_error("vma", "option '--coefficients': '%s' is not a finite number",
                                   c->items[k]);
    return CLI_CONTINUE;
}

static int check_model(vma_args *a)
{
    int rc = check_model_names(a);
    if (rc == CLI_CONTINUE)
        rc = parse_coefficients(a);
    if (rc == CLI_CONTINUE && !isnan(a->noise) && !(a->noise >= 0))
        rc = cli_usage_error("vma", "option '--noise': %g is negative: give a standard "
                             "deviation, or leave it out to estimate it", a->noise);
    return rc;
}

/* ---- The synthetic data sets ------------------------------------------------------------- */

/* The largest n' the library takes (sparsemi.h: 2^31 - 1, LAPACK's int). */
#define VMA_MAX_SIZE 2147483647ULL

/* The sizes of a fresh configuration (smi_vma_get_sizes), the library's defaults. */
static int default_sizes(vma_args *a, const smi_vma *fresh)
{
    size_t count = 0;
    smi_vma_get_sizes(fresh, 0, NULL, &count);
    if (!(a->sizes = calloc(count ? count : 1, sizeof *a->sizes)))
        return cli_fail("out of memory");
    int status = smi_vma_get_sizes(fresh, count, a->sizes, &a->n_sizes);
    return status < 0 ? cli_fail_library(status) : CLI_CONTINUE;
}

static int parse_sizes(vma_args *a, smi_vma *scratch)
{
    const cli_list *list = &a->sizes_text;
    size_t count = list->count;
    if (count == 0)
        return default_sizes(a, scratch);
    if (!(a->sizes = calloc(count, sizeof *a->sizes)))
        return cli_fail("out of memory");
    a->n_sizes = count;
    for (size_t k = 0; k < count; k++) {
        unsigned long long x;
        if (parse_uint(list->items[k], ULLONG_MAX, &x) < 0)
            return cli_usage_error("vma", "option '--sizes': '%s' is not a whole number of "
                                   "samples", list->items[k]);
        if (x < 1 || x > VMA_MAX_SIZE)
            return cli_usage_error("vma", "option '--sizes': %s is no sample size from 1 to "
                                   "%llu", list->items[k], (unsigned long long)VMA_MAX_SIZE);
        a->sizes[k] = (size_t)x;
    }
    int status = smi_vma_set_sizes(scratch, a->sizes, count); /* the library's last word */
    return status < 0 ? cli_usage_error("vma", "option '--sizes': %s", smi_last_error())
                      : CLI_CONTINUE;
}

static int check_draws(vma_args *a)
{
    int rows = a->rows_text ? lookup(a->rows_text, rows_names, 2) : SMI_VMA_RESAMPLE;
    if (rows < 0)
        return cli_usage_error("vma", "option '--rows': '%s' is neither resample nor gaussian",
                               a->rows_text);
    a->rows = rows;
    unsigned long long seed = cli_library_defaults()->vma_seed;
    if (a->seed_text && parse_uint(a->seed_text, UINT64_MAX, &seed) < 0)
        return cli_usage_error("vma", "option '--seed': '%s' is not an integer from 0 to "
                               "2^64-1", a->seed_text);
    a->seed = (uint64_t)seed;
    smi_vma *scratch = NULL;
    if (smi_vma_create(&scratch) < 0)
        return cli_fail_library(SMI_ENOMEM);
    char text[32];
    snprintf(text, sizeof text, "%zu", a->trials);
    int rc = es_option_check("vma", smi_vma_set_trials(scratch, a->trials), "trials", text);
    snprintf(text, sizeof text, "%zu", a->threads);
    if (rc == CLI_CONTINUE)
        rc = es_option_check("vma", smi_vma_set_threads(scratch, a->threads), "threads", text);
    if (rc == CLI_CONTINUE)
        rc = parse_sizes(a, scratch);
    smi_vma_free(scratch);
    return rc;
}

/* ---- --method es: the options of `sparsemi es` that apply ------------------------------ */

static int check_criterion(vma_args *a)
{
    const char *text = a->criterion_text ? a->criterion_text : "bic";
    if (smi_criterion_from_name(text, &a->criterion) == SMI_OK)
        return CLI_CONTINUE;
    return cli_usage_error("vma", "option '--criterion': unknown criterion '%s' (rss, aic, "
                           "bic, fe, fe-ng, fe-opt, fe-marg, cv or loo)", text);
}

/* alpha and beta of fe, as es takes them. */
static int check_fe_hyper(vma_args *a, smi_search *scratch)
{
    int rc = es_parse_fe_hyper("vma", a->fe_hyper_text, &a->alpha, &a->beta, scratch);
    if (rc != CLI_CONTINUE)
        return rc;
    if (isnan(a->alpha) != isnan(a->beta))
        return cli_usage_error("vma", "options '--prior-precision' and '--noise-precision' "
                               "(--alpha, --beta) go together");
    if ((a->fe_hyper_text || !isnan(a->alpha)) && a->criterion != SMI_CRIT_FE)
        return cli_usage_error("vma", "options '--prior-precision', '--noise-precision' and "
                               "'--fe-hyper' need '--criterion fe'");
    if (isnan(a->alpha) || a->fe_hyper_text)
        return CLI_CONTINUE;
    int alpha_bad = !(a->alpha > 0);
    char text[64];
    snprintf(text, sizeof text, "%g", alpha_bad ? a->alpha : a->beta);
    return es_option_check("vma", smi_search_set_fe_hyper(scratch, a->alpha, a->beta),
                           alpha_bad ? "prior-precision" : "noise-precision", text);
}

static int check_fe(vma_args *a)
{
    smi_search *scratch = NULL;
    if (smi_search_create(&scratch) < 0)
        return cli_fail_library(SMI_ENOMEM);
    a->fe = (es_fe_options){ .model_prior = -1, .prior_q = NAN, .ratio_lo = NAN,
                             .ratio_hi = NAN, .ng_lambda = NAN, .ng_a0 = NAN, .ng_b0 = NAN };
    int rc = check_fe_hyper(a, scratch);
    if (rc == CLI_CONTINUE)
        rc = es_parse_ng_prior("vma", a->ng_prior_text, &a->fe, scratch);
    if (rc == CLI_CONTINUE)
        rc = es_parse_ratio_grid("vma", a->ratio_grid_text, &a->fe, scratch);
    smi_search_free(scratch);
    if (rc != CLI_CONTINUE)
        return rc;
    return es_settings_without_posterior("vma", a->criterion, a->ng_prior_text,
                                         a->ratio_grid_text, &a->fe);
}

static int check_es(vma_args *a)
{
    if (a->cv != ES_UNSET || a->one_se || !isnan(a->l1_ratio))
        return cli_usage_error("vma", "option '--%s' needs '--method lasso'",
                               a->cv != ES_UNSET ? "cv" : a->one_se ? "one-se" : "l1-ratio");
    int rc = check_criterion(a);
    if (rc == CLI_CONTINUE)
        rc = check_fe(a);
    if (rc != CLI_CONTINUE)
        return rc;
    if (a->folds != ES_UNSET && a->criterion != SMI_CRIT_CV)
        return cli_usage_error("vma", "option '--folds' needs '--criterion cv'");
    if (a->folds != ES_UNSET && a->folds < 2)
        return cli_usage_error("vma", "option '--folds': must be at least 2");
    if (a->criterion == SMI_CRIT_CV && a->folds == ES_UNSET)
        a->folds = cli_library_defaults()->folds;
    if (a->max_size == 0)
        return cli_usage_error("vma", "option '--max-size': must be at least 1");
    if (!isnan(a->max_time) && !(a->max_time >= 0))
        return cli_usage_error("vma", "option '--max-time': must be at least 0 (0: no limit)");
    if (a->min_size != ES_UNSET && a->max_size != ES_UNSET && a->min_size > a->max_size)
        return cli_usage_error("vma", "option '--min-size' %zu is larger than '--max-size' %zu",
                               a->min_size, a->max_size);
    return CLI_CONTINUE;
}

/* ---- --method lasso ---------------------------------------------------------------------- */

/* The first option of the exhaustive search given, or NULL. */
static const char *es_option_given(const vma_args *a)
{
    if (a->criterion_text)
        return "criterion";
    if (a->min_size != ES_UNSET || a->max_size != ES_UNSET)
        return a->min_size != ES_UNSET ? "min-size" : "max-size";
    if (a->keep.count > 0)
        return "keep";
    if (a->folds != ES_UNSET)
        return "folds";
    if (!isnan(a->alpha) || !isnan(a->beta) || a->fe_hyper_text)
        return !isnan(a->alpha) ? "prior-precision"
                                : !isnan(a->beta) ? "noise-precision" : "fe-hyper";
    if (a->ng_prior_text || a->ratio_grid_text)
        return a->ng_prior_text ? "ng-prior" : "ratio-grid";
    if (!isnan(a->max_time))
        return "max-time";
    return a->no_intercept ? "no-intercept" : NULL;
}

static int check_lasso(vma_args *a)
{
    const char *es_only = es_option_given(a);
    if (es_only)
        return cli_usage_error("vma", "option '--%s' belongs to '--method es'%s", es_only,
                               strcmp(es_only, "folds") == 0 ? " (the LASSO's folds: '--cv')"
                                                             : "");
    if (a->cv == ES_UNSET)
        a->cv = cli_library_defaults()->lasso_folds;
    if (a->cv < 2)
        return cli_usage_error("vma", "option '--cv': must be at least 2");
    if (isnan(a->l1_ratio))
        a->l1_ratio = cli_library_defaults()->l1_ratio;
    smi_lasso *scratch = NULL;
    if (smi_lasso_create(&scratch) < 0)
        return cli_fail_library(SMI_ENOMEM);
    char text[64];
    snprintf(text, sizeof text, "%g", a->l1_ratio);
    int rc = es_option_check("vma", smi_lasso_set_alpha(scratch, a->l1_ratio), "l1-ratio",
                             text);
    smi_lasso_free(scratch);
    return rc;
}

/* --alpha, the old spelling: the prior precision with es, the mixing with lasso. */
static int resolve_alpha_alias(vma_args *a)
{
    if (isnan(a->alpha_alias))
        return CLI_CONTINUE;
    double *target = a->method == VMA_METHOD_LASSO ? &a->l1_ratio : &a->alpha;
    if (!isnan(*target))
        return cli_usage_error("vma", "option '--alpha' repeats '--%s': give one",
                               a->method == VMA_METHOD_LASSO ? "l1-ratio" : "prior-precision");
    *target = a->alpha_alias;
    return CLI_CONTINUE;
}

static int check_method(vma_args *a)
{
    int method = a->method_text ? lookup(a->method_text, method_names, 2) : VMA_METHOD_ES;
    if (method < 0)
        return cli_usage_error("vma", "option '--method': '%s' is neither es nor lasso",
                               a->method_text);
    a->method = method;
    int rc = resolve_alpha_alias(a);
    if (rc != CLI_CONTINUE)
        return rc;
    return method == VMA_METHOD_ES ? check_es(a) : check_lasso(a);
}

static int check_args(vma_args *a)
{
    int rc = es_parse_delimiter("vma", a->delimiter_text, &a->delimiter);
    if (rc == CLI_CONTINUE)
        rc = check_model(a);
    if (rc == CLI_CONTINUE)
        rc = check_draws(a);
    if (rc == CLI_CONTINUE)
        rc = check_method(a);
    if (rc == CLI_CONTINUE && a->json && a->plot && strcmp(a->json, "-") != 0 &&
        strncmp(a->json, a->plot, strlen(a->plot)) == 0 &&
        strcmp(a->json + strlen(a->plot), "-recovery.svg") == 0)
        rc = cli_usage_error("vma", "options '--json' and '--plot' name the same file '%s'",
                             a->json);
    return rc;
}

int vma_parse_args(vma_args *a, int argc, char **argv)
{
    *a = (vma_args){ .intercept = NAN, .noise = NAN, .trials = cli_library_defaults()->trials, .threads = 0,
                     .min_size = ES_UNSET, .max_size = ES_UNSET, .folds = ES_UNSET,
                     .cv = ES_UNSET, .alpha = NAN, .beta = NAN, .l1_ratio = NAN,
                     .alpha_alias = NAN, .max_time = NAN, .seed = cli_library_defaults()->vma_seed,
                     .fe = { .model_prior = -1, .prior_q = NAN, .ratio_lo = NAN,
                             .ratio_hi = NAN, .ng_lambda = NAN, .ng_a0 = NAN, .ng_b0 = NAN } };
    const cli_option options[] = {
        ES_OPTIONS_DATA(a),
        { "model", CLI_OPT_LIST, &a->model, "A,B,...",
          "the true model's features (required)" },
        { "coefficients", CLI_OPT_LIST, &a->coefficients_text, "C1,C2,...",
          "their coefficients (default: least squares on DATA)" },
        { "intercept", CLI_OPT_DOUBLE, &a->intercept, "B0",
          "with --coefficients: the intercept (default: the one that fits DATA's mean)" },
        { "noise", CLI_OPT_DOUBLE, &a->noise, "SD",
          "the noise standard deviation (default: from the model's evidence on DATA)" },
        { "rows", CLI_OPT_STRING, &a->rows_text, "KIND",
          "resample (DATA's rows, the default) or gaussian (their mean and covariance)" },
        { "sizes", CLI_OPT_LIST, &a->sizes_text, "N1,N2,...",
          "the sample sizes n' of the synthetic data sets (default 20,40,80)" },
        { "trials", CLI_OPT_SIZE, &a->trials, "T", "data sets per size (default 100)" },
        { "seed", CLI_OPT_STRING, &a->seed_text, "S",
          "the random seed, 0 to 2^64-1 (default 0)" },
        { "threads", CLI_OPT_SIZE, &a->threads, "T", "threads; 0: every core (default)" },
        { "max-time", CLI_OPT_DOUBLE, &a->max_time, "SECONDS",
          "es: refuse trials estimated to take longer (default 86400, one day; 0: no limit)" },
        { "method", CLI_OPT_STRING, &a->method_text, "NAME",
          "es (the best model of an exhaustive search, the default) or lasso (with CV)" },
        { "criterion", CLI_OPT_STRING, &a->criterion_text, "NAME",
          "es: rss, aic, bic (default), fe, fe-ng, fe-opt, fe-marg, cv or loo" },
        { "min-size", CLI_OPT_SIZE, &a->min_size, "A",
          "es: the smallest model size, forced features included (default 1)" },
        { "max-size", CLI_OPT_SIZE, &a->max_size, "K",
          "es: the largest model size (default: every feature)" },
        { "keep", CLI_OPT_LIST, &a->keep, "A,B,...", "es: features forced into every model" },
        { "folds", CLI_OPT_SIZE, &a->folds, "K",
          "es, cv: folds per data set, shuffled (default 10)" },
        { "prior-precision", CLI_OPT_DOUBLE, &a->alpha, "A",
          "es, fe: alpha, the coefficients' prior precision (default 1)" },
        { "noise-precision", CLI_OPT_DOUBLE, &a->beta, "B",
          "es, fe: beta, the noise precision (default 1/var(y) of each data set)" },
        { "l1-ratio", CLI_OPT_DOUBLE, &a->l1_ratio, "A",
          "lasso: elastic-net mixing, 0 < A <= 1 (default 1: the LASSO)" },
        { "alpha", CLI_OPT_DOUBLE, &a->alpha_alias, "A",
          "alias of --prior-precision (es) or --l1-ratio (lasso)" },
        { "beta", CLI_OPT_DOUBLE, &a->beta, "B", "alias of --noise-precision" },
        { "fe-hyper", CLI_OPT_STRING, &a->fe_hyper_text, "ALPHA:BETA",
          "es, fe: alpha and beta in one option" },
        { "ng-prior", CLI_OPT_STRING, &a->ng_prior_text, "LAMBDA:A0:B0",
          "es, fe-ng, fe-marg: the normal-gamma prior (default 1:1e-6:1e-6)" },
        { "ratio-grid", CLI_OPT_STRING, &a->ratio_grid_text, "LO:HI:N",
          "es, fe-opt, fe-marg: N ratios alpha/beta, log-spaced (default 1e-4:1e4:20)" },
        { "no-intercept", CLI_OPT_FLAG, &a->no_intercept, NULL,
          "es: fit the models without intercept" },
        { "cv", CLI_OPT_SIZE, &a->cv, "K", "lasso: folds of its cross-validation (default 10)" },
        { "one-se", CLI_OPT_FLAG, &a->one_se, NULL,
          "lasso: the support at lambda_1se (default: at lambda_min)" },
        ES_OPTIONS_FORMAT(a),
        { "plot", CLI_OPT_STRING, &a->plot, "PREFIX", "write PREFIX-recovery.svg" },
        { "quiet", CLI_OPT_FLAG, &a->quiet, NULL, "no progress bar" },
    };
    const cli_spec spec = { "vma", "DATA --target NAME --model A,B,... [options]", description,
                            options, sizeof options / sizeof options[0], "DATA", 1, 1 };
    size_t n_positional = 0;
    int rc = cli_parse(&spec, argc, argv, &a->data, &n_positional);
    return rc == CLI_CONTINUE ? check_args(a) : rc;
}

void vma_args_free(vma_args *a)
{
    cli_list_free(&a->features);
    cli_list_free(&a->model);
    cli_list_free(&a->coefficients_text);
    cli_list_free(&a->sizes_text);
    cli_list_free(&a->keep);
    free(a->coefficients);
    free(a->sizes);
    a->coefficients = NULL;
    a->sizes = NULL;
}
