/* The command line of `sparsemi remc`: the option table (which is also the help) and the
 * checks that need more than one option or more than a number. As for es (es_args.c),
 * everything refused here is a usage error (exit 2) that names the option; the rules for
 * the values are the library's, asked of scratch configurations so that the message is
 * its own. What can only be judged against the data (an unknown feature, a size above p,
 * an --exact file of another search) is left to cmd_remc.c and is bad input (exit 1). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "search_options.h"
#include "remc.h"
#include "sparsemi.h"

static const char description[] =
    "Sample the subsets of the features of DATA in a size range by replica-exchange Monte\n"
    "Carlo: replicas at several inverse temperatures beta (a ladder from 0, where every\n"
    "subset is equally likely, to --beta-max) walk through the subsets by flipping one\n"
    "feature at a time (swapping one for another with --size) with the criterion as the\n"
    "energy, and exchange their states after each sweep (one proposal per replica and\n"
    "candidate feature). The multiple-histogram method\n"
    "turns the energies they saw into an estimate of the density of states (DOS): how\n"
    "many subsets have each value of the criterion, with standard errors. It also prints\n"
    "the best distinct models visited and, for the free energies with 1 on the ladder, each\n"
    "feature's posterior inclusion probability. For far more features than an exhaustive\n"
    "search can take; with --exact, the result file (--save) or the JSON (--json) of\n"
    "'sparsemi es' on the same data gives the bins and the exact DOS to compare with. The\n"
    "same seed gives the same result for any number of threads.\n";

/* The criteria the sampler takes: every one of the exhaustive search's (cv with the folds
 * of --folds or --fold-column, as there). */
static const int supported[] = { SMI_CRIT_RSS, SMI_CRIT_AIC, SMI_CRIT_BIC, SMI_CRIT_FE,
                                 SMI_CRIT_FE_NG, SMI_CRIT_FE_OPT, SMI_CRIT_FE_MARG,
                                 SMI_CRIT_CV, SMI_CRIT_LOO };
#define N_SUPPORTED (sizeof supported / sizeof supported[0])

static int is_supported(int criterion)
{
    for (size_t k = 0; k < N_SUPPORTED; k++)
        if (supported[k] == criterion)
            return 1;
    return 0;
}

/* "rss, aic, ..., cv and loo": the criteria taken, for messages. */
static void supported_names(char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < N_SUPPORTED && used < cap; k++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s",
                                 k == 0 ? "" : k + 1 == N_SUPPORTED ? " and " : ", ",
                                 smi_criterion_name(supported[k]));
}

static int check_criterion(remc_args *a)
{
    int known = smi_criterion_from_name(a->criterion_text, &a->criterion) == SMI_OK;
    if (known && is_supported(a->criterion))
        return CLI_CONTINUE;
    char names[128];
    supported_names(names, sizeof names);
    return cli_usage_error("remc", "option '--criterion': %s criterion '%s' (remc takes %s)",
                           known ? "unsupported" : "unknown", a->criterion_text, names);
}

/* Digits only, no sign, below 2^64. */
static int parse_uint64(const char *text, unsigned long long *value)
{
    unsigned long long x = 0;
    size_t len = strlen(text);
    int ok = len > 0 && len <= 20;
    for (size_t k = 0; ok && k < len; k++) {
        unsigned d = (unsigned)(text[k] - '0');
        ok = isdigit((unsigned char)text[k]) && x <= (UINT64_MAX - d) / 10;
        x = 10 * x + d;
    }
    if (ok)
        *value = x;
    return ok ? 0 : -1;
}

static int parse_seed(remc_args *a)
{
    const char *text = a->seed_text;
    unsigned long long x;
    if (!text)
        return CLI_CONTINUE;
    if (parse_uint64(text, &x) < 0)
        return cli_usage_error("remc", "option '--seed': '%s' is not an integer from 0 to "
                               "2^64-1", text);
    a->seed = (uint64_t)x;
    return CLI_CONTINUE;
}

/* ---- The folds of cv, as for es (es_args.c) ----------------------------------------- */


/* A fold count above n is judged against the data by the library, when the run starts. */
static int check_folds(remc_args *a)
{
    es_folds_request rq = { a->criterion, a->fold_seed_text, a->fold_column };
    return es_check_folds("remc", &rq, cli_library_defaults()->folds, &a->folds, &a->fold_shuffle, &a->fold_seed);
}


/* ---- The ladder, replicas and sweeps -------------------------------------------------- */

static int parse_ladder(remc_args *a, smi_remc *scratch)
{
    const cli_list *list = &a->ladder_text;
    if (list->count == 0)
        return CLI_CONTINUE;
    if (a->replicas != ES_UNSET || !isnan(a->beta_max))
        return cli_usage_error("remc", "option '--ladder' gives the inverse temperatures "
                               "themselves: '--%s' does not go with it",
                               a->replicas != ES_UNSET ? "replicas" : "beta-max");
    a->ladder = calloc(list->count, sizeof *a->ladder);
    if (!a->ladder)
        return cli_fail("out of memory");
    for (size_t k = 0; k < list->count; k++)
        if (cli_parse_numbers(list->items[k], &a->ladder[k], 1) < 0)
            return cli_usage_error("remc", "option '--ladder': '%s' is not a finite number",
                                   list->items[k]);
    a->n_ladder = list->count;
    char text[160];
    size_t used = 0;
    for (size_t k = 0; k < list->count && used < sizeof text; k++)
        used += (size_t)snprintf(text + used, sizeof text - used, "%s%s", k ? "," : "",
                                 list->items[k]);
    return es_option_check("remc", smi_remc_set_ladder(scratch, a->ladder, a->n_ladder), "ladder",
                           text);
}

/* The burn-in for `sweeps` sweeps: the library's default share of them (its default burn-in
 * over its default sweeps, a tenth), at least 1. */
static size_t default_burn_in(size_t sweeps)
{
    const cli_defaults *d = cli_library_defaults();
    size_t burn_in = d->sweeps ? (size_t)((double)sweeps * (double)d->burn_in / (double)d->sweeps)
                               : 0;
    return burn_in > 0 ? burn_in : 1;
}

static int check_sampler(remc_args *a)
{
    smi_remc *scratch = NULL;
    if (smi_remc_create(&scratch) < 0)
        return cli_fail_library(SMI_ENOMEM);
    int rc = parse_ladder(a, scratch);
    if (rc == CLI_CONTINUE && a->n_ladder == 0) {
        if (a->replicas == ES_UNSET)
            a->replicas = cli_library_defaults()->replicas;
        if (isnan(a->beta_max))
            a->beta_max = cli_library_defaults()->beta_max;
        /* The count alone first, so that the message blames the right option. */
        char text[64];
        snprintf(text, sizeof text, "%zu", a->replicas);
        rc = es_option_check("remc", smi_remc_set_replicas(scratch, a->replicas,
                                                         cli_library_defaults()->beta_max),
                             "replicas", text);
        snprintf(text, sizeof text, "%g", a->beta_max);
        if (rc == CLI_CONTINUE)
            rc = es_option_check("remc", smi_remc_set_replicas(scratch, a->replicas, a->beta_max),
                                 "beta-max", text);
    }
    if (rc == CLI_CONTINUE) {
        if (a->sweeps == ES_UNSET)
            a->sweeps = cli_library_defaults()->sweeps;
        if (a->burn_in == ES_UNSET)
            a->burn_in = default_burn_in(a->sweeps);
        char text[64];
        snprintf(text, sizeof text, "%zu", a->sweeps);
        rc = es_option_check("remc", smi_remc_set_sweeps(scratch, a->sweeps, 1), "sweeps", text);
        snprintf(text, sizeof text, "%zu", a->burn_in);
        if (rc == CLI_CONTINUE)
            rc = es_option_check("remc", smi_remc_set_sweeps(scratch, a->sweeps, a->burn_in),
                                 "burn-in", text);
    }
    if (rc == CLI_CONTINUE) {
        char text[64];
        snprintf(text, sizeof text, "%zu", a->threads);
        rc = es_option_check("remc", smi_remc_set_threads(scratch, a->threads), "threads", text);
    }
    smi_remc_free(scratch);
    return rc == CLI_CONTINUE ? parse_seed(a) : rc;
}

/* ---- The free-energy options ---------------------------------------------------------- */




static int check_fe(remc_args *a)
{
    smi_search *scratch = NULL;
    if (smi_search_create(&scratch) < 0)
        return cli_fail_library(SMI_ENOMEM);
    /* The normal-gamma prior (fe-ng; a0 and b0 for fe-marg) and the ratio grid (fe-opt,
     * fe-marg) apply; the model prior does not (the posterior is sampled at beta 1). */
    a->fe = (es_fe_options){ .model_prior = -1, .prior_q = NAN, .ratio_lo = NAN,
                             .ratio_hi = NAN, .ng_lambda = NAN, .ng_a0 = NAN, .ng_b0 = NAN };
    int rc = es_parse_fe_hyper("remc", a->fe_hyper_text, &a->alpha, &a->beta, scratch);
    if (rc == CLI_CONTINUE)
        rc = es_parse_ng_prior("remc", a->ng_prior_text, &a->fe, scratch);
    if (rc == CLI_CONTINUE)
        rc = es_parse_ratio_grid("remc", a->ratio_grid_text, &a->fe, scratch);
    smi_search_free(scratch);
    if (rc != CLI_CONTINUE)
        return rc;
    if (a->fe_hyper_text && a->criterion != SMI_CRIT_FE)
        return cli_usage_error("remc", "option '--fe-hyper' needs '--criterion fe'");
    if (isnan(a->alpha) != isnan(a->beta))
        return cli_usage_error("remc", "options '--prior-precision' and '--noise-precision' "
                               "(--alpha, --beta) go together");
    if (!isnan(a->alpha) && a->criterion != SMI_CRIT_FE)
        return cli_usage_error("remc", "options '--prior-precision' and '--noise-precision' "
                               "(--alpha, --beta) need '--criterion fe'");
    if (!isnan(a->alpha) && !a->fe_hyper_text) {
        char text[96];
        snprintf(text, sizeof text, "%g:%g", a->alpha, a->beta);
        smi_search *s = NULL;
        if (smi_search_create(&s) < 0)
            return cli_fail_library(SMI_ENOMEM);
        int alpha_bad = !(a->alpha > 0);
        snprintf(text, sizeof text, "%g", alpha_bad ? a->alpha : a->beta);
        rc = es_option_check("remc", smi_search_set_fe_hyper(s, a->alpha, a->beta),
                           alpha_bad ? "prior-precision" : "noise-precision", text);
        smi_search_free(s);
        if (rc != CLI_CONTINUE)
            return rc;
    }
    return es_settings_without_posterior("remc", a->criterion, a->ng_prior_text,
                                         a->ratio_grid_text, &a->fe);
}

/* ---- Sizes, paths ------------------------------------------------------------------------ */

static int check_sizes(remc_args *a)
{
    if (a->size != ES_UNSET) {
        if (a->min_size != ES_UNSET || a->max_size != ES_UNSET)
            return cli_usage_error("remc", "option '--size' fixes the model size: '--%s' "
                                   "does not go with it",
                                   a->min_size != ES_UNSET ? "min-size" : "max-size");
        if (a->size == 0)
            return cli_usage_error("remc", "option '--size': must be at least 1");
        a->min_size = a->max_size = a->size;
    }
    if (a->max_size == 0)
        return cli_usage_error("remc", "option '--max-size': must be at least 1");
    if (a->min_size != ES_UNSET && a->max_size != ES_UNSET && a->min_size > a->max_size)
        return cli_usage_error("remc", "option '--min-size' %zu is larger than '--max-size' "
                               "%zu", a->min_size, a->max_size);
    return CLI_CONTINUE;
}

/* --exact brings its own bins; one file for two options would be read and overwritten. */
static int check_exact(const remc_args *a)
{
    if (!a->exact)
        return CLI_CONTINUE;
    if (a->bins != ES_UNSET)
        return cli_usage_error("remc", "option '--bins' does not go with '--exact', whose "
                               "DOS gives the bins");
    int rc = es_check_file_name("remc", "exact", a->exact);
    return rc == CLI_CONTINUE ? es_check_distinct("remc", "json", a->json, "exact", a->exact)
                              : rc;
}

static int check_args(remc_args *a)
{
    int rc = es_parse_delimiter("remc", a->delimiter_text, &a->delimiter);
    if (rc == CLI_CONTINUE)
        rc = check_criterion(a);
    if (rc == CLI_CONTINUE)
        rc = check_fe(a);
    if (rc == CLI_CONTINUE)
        rc = check_folds(a);
    if (rc == CLI_CONTINUE)
        rc = check_sizes(a);
    if (rc == CLI_CONTINUE)
        rc = check_sampler(a);
    if (rc == CLI_CONTINUE)
        rc = check_exact(a);
    return rc;
}

int remc_parse_args(remc_args *a, int argc, char **argv)
{
    *a = (remc_args){ .criterion_text = "bic", .min_size = ES_UNSET, .max_size = ES_UNSET,
                      .size = ES_UNSET, .top = ES_UNSET, .bins = ES_UNSET, .threads = 0,
                      .replicas = ES_UNSET, .sweeps = ES_UNSET, .burn_in = ES_UNSET,
                      .folds = ES_UNSET, .alpha = NAN, .beta = NAN, .beta_max = NAN,
                      .seed = cli_library_defaults()->remc_seed,
                      .fold_shuffle = cli_library_defaults()->fold_shuffle,
                      .fold_seed = cli_library_defaults()->fold_seed };
    const cli_option options[] = {
        ES_OPTIONS_DATA(a),
        { "criterion", CLI_OPT_STRING, &a->criterion_text, "NAME",
          "the energy: rss, aic, bic (default), fe, fe-ng, fe-opt, fe-marg, cv or loo; "
          "smaller is better" },
        ES_OPTIONS_FOLDS_SIZES(a),
        { "size", CLI_OPT_SIZE, &a->size, "K",
          "models of exactly K features, sampled by swaps" },
        { "keep", CLI_OPT_LIST, &a->keep, "A,B,...", "features forced into every model" },
        { "replicas", CLI_OPT_SIZE, &a->replicas, "L",
          "replicas: beta 0, then L-1 geometric up to --beta-max (default 16)" },
        { "beta-max", CLI_OPT_DOUBLE, &a->beta_max, "B",
          "the largest inverse temperature (default 1)" },
        { "ladder", CLI_OPT_LIST, &a->ladder_text, "B0,B1,...",
          "the inverse temperatures themselves, increasing (not with the two above)" },
        { "sweeps", CLI_OPT_SIZE, &a->sweeps, "N",
          "sweeps recorded, at least 8 (default 20000)" },
        { "burn-in", CLI_OPT_SIZE, &a->burn_in, "N",
          "sweeps before recording (default: a tenth of --sweeps)" },
        { "tune", CLI_OPT_FLAG, &a->tune, NULL,
          "tune the inner temperatures during the burn-in towards even exchange rates" },
        { "seed", CLI_OPT_STRING, &a->seed_text, "S",
          "the random seed, 0 to 2^64-1 (default 1)" },
        { "threads", CLI_OPT_SIZE, &a->threads, "T",
          "threads, at most one per replica; 0: every core (default)" },
        { "top", CLI_OPT_SIZE, &a->top, "M",
          "the number of best distinct models kept (default 100)" },
        { "bins", CLI_OPT_SIZE, &a->bins, "B", "the most DOS bins (default 64)" },
        { "exact", CLI_OPT_STRING, &a->exact, "ES",
          "compare with 'sparsemi es' on the same data, its --save file or its JSON (and use its bins)" },
        { "prior-precision", CLI_OPT_DOUBLE, &a->alpha, "A",
          "fe: alpha, the coefficients' prior precision (default 1)" },
        { "noise-precision", CLI_OPT_DOUBLE, &a->beta, "B",
          "fe: beta, the noise precision (default 1/var(y))" },
        { "alpha", CLI_OPT_DOUBLE, &a->alpha, "A", "alias of --prior-precision" },
        { "beta", CLI_OPT_DOUBLE, &a->beta, "B", "alias of --noise-precision" },
        { "fe-hyper", CLI_OPT_STRING, &a->fe_hyper_text, "ALPHA:BETA",
          "fe: alpha and beta in one option" },
        { "ratio-grid", CLI_OPT_STRING, &a->ratio_grid_text, "LO:HI:N",
          "fe-opt, fe-marg: N ratios alpha/beta, log-spaced (default 1e-4:1e4:20)" },
        { "ng-prior", CLI_OPT_STRING, &a->ng_prior_text, "LAMBDA:A0:B0",
          "fe-ng: w ~ N(0, 1/(LAMBDA beta)), beta ~ Gamma(A0, B0) (default 1:1e-6:1e-6)" },
        { "no-intercept", CLI_OPT_FLAG, &a->no_intercept, NULL, "fit models without intercept" },
        ES_OPTIONS_FORMAT(a),
        { "plot", CLI_OPT_STRING, &a->plot, "PREFIX",
          "write PREFIX-dos.svg and PREFIX-trace.svg" },
        { "quiet", CLI_OPT_FLAG, &a->quiet, NULL, "no progress bar" },
    };
    const cli_spec spec = { "remc", "DATA --target NAME [options]", description, options,
                            sizeof options / sizeof options[0], "DATA", 1, 1 };
    size_t n_positional = 0;
    int rc = cli_parse(&spec, argc, argv, &a->data, &n_positional);
    return rc == CLI_CONTINUE ? check_args(a) : rc;
}

void remc_args_free(remc_args *a)
{
    cli_list_free(&a->features);
    cli_list_free(&a->keep);
    cli_list_free(&a->ladder_text);
    free(a->ladder);
    a->ladder = NULL;
}
