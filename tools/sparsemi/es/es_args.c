/* The command line of `sparsemi es`: the option table (which is also the help), and the
 * checks that need more than one option or more than a number. Everything refused here
 * is a usage error (exit 2); what can only be judged against the data (a fold count
 * above n, an unknown feature) is left to cmd_es.c and is bad input (exit 1). */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "es.h"
#include "sparsemi.h"

/* The default of --checkpoint-interval, the program's own (the library has no checkpoint
 * by default); the folds' defaults are the library's (cli_library_defaults). */
#define DEFAULT_CHECKPOINT_INTERVAL 5.0

static const char description[] =
    "Fit every subset of the features of DATA in a size range by least squares, score\n"
    "each by a criterion (smaller is better), and print the best models, the best\n"
    "model of each size and how often each feature appears among the best. The density\n"
    "of states (DOS), a histogram of the criterion over every subset scored, goes to\n"
    "the JSON and to the DOS picture. Subsets whose fit is singular are counted apart.\n"
    "The free-energy criteria (fe, fe-ng, fe-opt, fe-marg, fe-grid) also give the model\n"
    "posterior: the total evidence and each feature's posterior inclusion probability.\n"
    "A large search can run in shards (--shard, --save) merged by 'sparsemi merge',\n"
    "and resume after an interruption (--checkpoint).\n";

/* "rss, aic, bic, fe, cv, loo": every name the library knows, for messages. */
static void criterion_names(char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int c = 0; smi_criterion_name(c) && used < cap; c++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", c ? ", " : "",
                                 smi_criterion_name(c));
}

/* Digits only, as for --top: no sign, no blanks, no overflow. */
static int parse_uint(const char *text, size_t len, unsigned long long *value)
{
    if (len == 0 || len > 20)
        return -1;
    unsigned long long x = 0;
    for (size_t k = 0; k < len; k++) {
        if (!isdigit((unsigned char)text[k]))
            return -1;
        unsigned d = (unsigned)(text[k] - '0');
        if (x > (ULLONG_MAX - d) / 10)
            return -1;
        x = 10 * x + d;
    }
    *value = x;
    return 0;
}


/* "i/N" with 0 <= i < N. */
static int parse_shard(es_args *a)
{
    if (!a->shard_text)
        return CLI_CONTINUE;
    const char *slash = strchr(a->shard_text, '/');
    unsigned long long index, count;
    if (!slash || parse_uint(a->shard_text, (size_t)(slash - a->shard_text), &index) < 0 ||
        parse_uint(slash + 1, strlen(slash + 1), &count) < 0 || count > SIZE_MAX)
        return cli_usage_error("es", "option '--shard': '%s' is not i/N (shard i of N, "
                               "0 <= i < N)", a->shard_text);
    if (index >= count)
        return cli_usage_error("es", "option '--shard': the shard index %llu is not below "
                               "the number of shards %llu (shards count from 0)", index, count);
    a->shard_index = (size_t)index;
    a->shard_count = (size_t)count;
    return CLI_CONTINUE;
}

/* Two options naming one file would overwrite each other's output; the library's files
 * cannot go to standard output. */
static int distinct_paths(const es_args *a)
{
    int rc = es_check_file_name("es", "save", a->save);
    if (rc == CLI_CONTINUE)
        rc = es_check_file_name("es", "checkpoint", a->checkpoint);
    if (rc == CLI_CONTINUE)
        rc = es_check_distinct("es", "json", a->json, "save", a->save);
    if (rc == CLI_CONTINUE)
        rc = es_check_distinct("es", "json", a->json, "checkpoint", a->checkpoint);
    if (rc == CLI_CONTINUE)
        rc = es_check_distinct("es", "save", a->save, "checkpoint", a->checkpoint);
    return rc;
}

static int check_folds(es_args *a)
{
    es_folds_request rq = { a->criterion, a->fold_seed_text, a->fold_column };
    return es_check_folds("es", &rq, cli_library_defaults()->folds, &a->folds, &a->fold_shuffle, &a->fold_seed);
}

static int check_checkpoint(es_args *a)
{
    if (!isnan(a->max_time) && !(a->max_time >= 0))
        return cli_usage_error("es", "option '--max-time': must be at least 0 (0: no limit)");
    if (!isnan(a->checkpoint_interval) && !a->checkpoint)
        return cli_usage_error("es", "option '--checkpoint-interval' needs '--checkpoint'");
    if (!isnan(a->checkpoint_interval) && !(a->checkpoint_interval > 0))
        return cli_usage_error("es", "option '--checkpoint-interval': must be positive");
    if (isnan(a->checkpoint_interval))
        a->checkpoint_interval = DEFAULT_CHECKPOINT_INTERVAL;
    return CLI_CONTINUE;
}

/* ---- The free-energy options ---------------------------------------------------------- */





/* "uniform", "none" or "bernoulli:Q". */
static int parse_model_prior(es_args *a, smi_search *scratch)
{
    static const char bernoulli[] = "bernoulli:";
    const char *text = a->model_prior_text;
    if (!text)
        return CLI_CONTINUE;
    if (strcmp(text, "uniform") == 0)
        a->fe.model_prior = SMI_MODEL_PRIOR_UNIFORM;
    else if (strcmp(text, "none") == 0)
        a->fe.model_prior = SMI_MODEL_PRIOR_NONE;
    else if (strncmp(text, bernoulli, sizeof bernoulli - 1) == 0 &&
             cli_parse_numbers(text + sizeof bernoulli - 1, &a->fe.prior_q, 1) == 0)
        a->fe.model_prior = SMI_MODEL_PRIOR_BERNOULLI;
    else
        return cli_usage_error("es", "option '--model-prior': '%s' is not uniform, "
                               "bernoulli:Q or none", text);
    return es_option_check("es",
                           smi_search_set_model_prior(scratch, a->fe.model_prior, a->fe.prior_q),
                           "model-prior", text);
}

/* The settings the criterion uses, given or the library's default; the others unused. */
static void fill_fe_defaults(es_args *a)
{
    es_fe_given given = { a->ng_prior_text != NULL, a->ratio_grid_text != NULL,
                          a->model_prior_text != NULL };
    es_fill_fe_settings(a->criterion, 1, &a->fe, &given);
}

static int check_fe(es_args *a)
{
    smi_search *scratch = NULL;
    if (smi_search_create(&scratch) < 0)
        return cli_fail_library(SMI_ENOMEM);
    a->fe = (es_fe_options){ .model_prior = -1, .prior_q = NAN };
    int rc = es_parse_fe_hyper("es", a->fe_hyper_text, &a->alpha, &a->beta, scratch);
    if (rc == CLI_CONTINUE)
        rc = es_parse_ng_prior("es", a->ng_prior_text, &a->fe, scratch);
    if (rc == CLI_CONTINUE)
        rc = es_parse_ratio_grid("es", a->ratio_grid_text, &a->fe, scratch);
    if (rc == CLI_CONTINUE)
        rc = parse_model_prior(a, scratch);
    if (rc == CLI_CONTINUE)
        rc = es_parse_sigma_grid("es", a->criterion, &a->sigma, &a->fe, scratch);
    smi_search_free(scratch);
    const struct { const char *option, *text; } given[] = {
        { "fe-hyper", a->fe_hyper_text }, { "ng-prior", a->ng_prior_text },
        { "ratio-grid", a->ratio_grid_text }, { "model-prior", a->model_prior_text },
    };
    for (size_t k = 0; rc == CLI_CONTINUE && k < sizeof given / sizeof given[0]; k++)
        rc = es_criterion_option_check("es", a->criterion, given[k].option,
                                       given[k].text != NULL);
    if (rc == CLI_CONTINUE)
        fill_fe_defaults(a);
    return rc;
}

static int check_args(es_args *a)
{
    int rc = es_parse_delimiter("es", a->delimiter_text, &a->delimiter);
    if (rc != CLI_CONTINUE)
        return rc;
    if (smi_criterion_from_name(a->criterion_text, &a->criterion) < 0) {
        char names[128];
        criterion_names(names, sizeof names);
        return cli_usage_error("es", "option '--criterion': unknown criterion '%s' "
                               "(known: %s)", a->criterion_text, names);
    }
    rc = check_fe(a);
    if (rc != CLI_CONTINUE)
        return rc;
    if (isnan(a->alpha) != isnan(a->beta))
        return cli_usage_error("es", "options '--prior-precision' and '--noise-precision' "
                               "(--alpha, --beta) go together");
    if (!isnan(a->alpha) && a->criterion != SMI_CRIT_FE)
        return cli_usage_error("es", "options '--prior-precision' and '--noise-precision' "
                               "(--alpha, --beta) need '--criterion fe'");
    if (a->max_size == 0)
        return cli_usage_error("es", "option '--max-size': must be at least 1");
    if (a->min_size != ES_UNSET && a->max_size != ES_UNSET && a->min_size > a->max_size)
        return cli_usage_error("es", "option '--min-size' %zu is larger than '--max-size' %zu",
                               a->min_size, a->max_size);
    rc = check_folds(a);
    if (rc == CLI_CONTINUE)
        rc = parse_shard(a);
    if (rc == CLI_CONTINUE)
        rc = check_checkpoint(a);
    return rc == CLI_CONTINUE ? distinct_paths(a) : rc;
}

int es_parse_args(es_args *a, int argc, char **argv)
{
    *a = (es_args){ .criterion_text = "bic", .min_size = ES_UNSET, .max_size = ES_UNSET,
                    .top = ES_UNSET, .bins = ES_UNSET, .folds = ES_UNSET, .threads = 0,
                    .alpha = NAN, .beta = NAN, .checkpoint_interval = NAN, .max_time = NAN,
                    .fold_shuffle = cli_library_defaults()->fold_shuffle,
                    .fold_seed = cli_library_defaults()->fold_seed };
    const cli_option options[] = {
        ES_OPTIONS_DATA(a),
        { "criterion", CLI_OPT_STRING, &a->criterion_text, "NAME",
          "rss, aic, bic (default), fe, fe-ng, fe-opt, fe-marg, fe-grid, cv or loo; "
          "smaller is better" },
        ES_OPTIONS_FOLDS_SIZES(a),
        { "keep", CLI_OPT_LIST, &a->keep, "A,B,...", "features forced into every model" },
        { "top", CLI_OPT_SIZE, &a->top, "M", "the number of best models kept (default 100)" },
        { "bins", CLI_OPT_SIZE, &a->bins, "B", "the most DOS bins (default 64)" },
        { "prior-precision", CLI_OPT_DOUBLE, &a->alpha, "A",
          "fe: alpha, the coefficients' prior precision (default 1)" },
        { "noise-precision", CLI_OPT_DOUBLE, &a->beta, "B",
          "fe: beta, the noise precision (default 1/var(y))" },
        { "alpha", CLI_OPT_DOUBLE, &a->alpha, "A", "alias of --prior-precision" },
        { "beta", CLI_OPT_DOUBLE, &a->beta, "B", "alias of --noise-precision" },
        { "fe-hyper", CLI_OPT_STRING, &a->fe_hyper_text, "ALPHA:BETA",
          "fe: alpha and beta in one option" },
        { "ng-prior", CLI_OPT_STRING, &a->ng_prior_text, "LAMBDA:A0:B0",
          "fe-ng, fe-marg: w ~ N(0, 1/(LAMBDA beta)), beta ~ Gamma(A0, B0) "
          "(default 1:1e-6:1e-6)" },
        { "ratio-grid", CLI_OPT_STRING, &a->ratio_grid_text, "LO:HI:N",
          "fe-opt, fe-marg: N ratios alpha/beta, log-spaced (default 1e-4:1e4:20)" },
        { "model-prior", CLI_OPT_STRING, &a->model_prior_text, "PRIOR",
          "fe*: uniform (default), bernoulli:Q or none (no posterior)" },
        { "sigma-noise-grid", CLI_OPT_STRING, &a->sigma.noise, "LO:HI:N",
          "fe-grid: N noise sd's, log-spaced (default 0.00316:3.16:20)" },
        { "sigma-coef-grid", CLI_OPT_STRING, &a->sigma.coef, "LO:HI:N",
          "fe-grid: N coefficient prior sd's, log-spaced (default 0.01:10:20)" },
        { "prior", CLI_OPT_STRING, &a->sigma.prior, "PRIOR",
          "fe-grid: prior of both sd's, inverse (default), uniform or gamma:SHAPE:SCALE" },
        { "intercept-term", CLI_OPT_FLAG, &a->sigma.intercept_term, NULL,
          "fe-grid: add exhbma's 1/2 ln(sn^2 / (n var(y) + sn^2))" },
        { "threads", CLI_OPT_SIZE, &a->threads, "T", "threads; 0: every core (default)" },
        { "max-time", CLI_OPT_DOUBLE, &a->max_time, "SECONDS",
          "refuse a search estimated to take longer (default 86400, one day; 0: no limit)" },
        { "no-intercept", CLI_OPT_FLAG, &a->no_intercept, NULL, "fit models without intercept" },
        { "shard", CLI_OPT_STRING, &a->shard_text, "i/N",
          "search only shard i of N (0 <= i < N); merge the saved shards" },
        { "checkpoint", CLI_OPT_STRING, &a->checkpoint, "FILE",
          "save the progress to FILE; a rerun resumes from it" },
        { "checkpoint-interval", CLI_OPT_DOUBLE, &a->checkpoint_interval, "SECONDS",
          "between checkpoints (default 5)" },
        { "save", CLI_OPT_STRING, &a->save, "FILE",
          "save the result to FILE for 'sparsemi merge' and 'lasso --on-dos'" },
        ES_OPTIONS_FORMAT(a),
        { "plot", CLI_OPT_STRING, &a->plot, "PREFIX",
          "write PREFIX-dos.svg, PREFIX-weights.svg (and fe*: PREFIX-inclusion.svg)" },
        { "quiet", CLI_OPT_FLAG, &a->quiet, NULL, "no progress bar" },
    };
    const cli_spec spec = { "es", "DATA --target NAME [options]", description, options,
                            sizeof options / sizeof options[0], "DATA", 1, 1 };
    size_t n_positional = 0;
    int rc = cli_parse(&spec, argc, argv, &a->data, &n_positional);
    return rc == CLI_CONTINUE ? check_args(a) : rc;
}

void es_args_free(es_args *a)
{
    cli_list_free(&a->features);
    cli_list_free(&a->keep);
}
