/* The command line of `sparsemi lasso`: the option table (which is also the help) and the
 * checks that need more than one option or more than a number. As for es and remc,
 * everything refused here is a usage error (exit 2) that names the option; the rules for
 * the values are the library's, asked of scratch configurations so that the message is
 * its own. What can only be judged against the data or a file (an unknown feature in
 * --penalty-factors, more folds than samples, an --on-dos file of another search) is left
 * to cmd_lasso.c and lasso_dos.c and is bad input (exit 1). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "search_options.h"
#include "lasso.h"
#include "sparsemi.h"

#define COMMAND "lasso"

static const char description[] =
    "Fit the LASSO or elastic-net path of the target of DATA on its features: by\n"
    "coordinate descent over a log-spaced grid of penalties lambda (--path cd, as glmnet),\n"
    "optionally with K-fold cross-validation (--cv K) and its two choices, lambda_min and\n"
    "lambda_1se; or the exact piecewise-linear path of least angle regression (--path lars)\n"
    "or of the LASSO by LARS (--path lasso), knot by knot. The features are standardised\n"
    "while fitting; coefficients are reported in the data's units. Every distinct support\n"
    "(set of nonzero coefficients) along the path is refitted by least squares and scored\n"
    "by a criterion of 'sparsemi es' (BIC by default); the smallest is the LARS-OLS hybrid's\n"
    "choice. With --on-dos, the result of an exhaustive search of the same data ('sparsemi\n"
    "es --save FILE' or 'es --json FILE') gives the criterion and ranks each support among\n"
    "all subsets: how good is what the path finds, against the best there is?\n";

const char *lasso_path_name(int path)
{
    static const char *const names[] = { [LASSO_PATH_CD] = "cd", [LASSO_PATH_LAR] = "lars",
                                         [LASSO_PATH_LASSO] = "lasso" };
    return path >= 0 && path <= LASSO_PATH_LASSO ? names[path] : NULL;
}

static int parse_path(lasso_args *a)
{
    for (int k = LASSO_PATH_CD; k <= LASSO_PATH_LASSO; k++)
        if (strcmp(a->path_text, lasso_path_name(k)) == 0) {
            a->path = k;
            return CLI_CONTINUE;
        }
    return cli_usage_error(COMMAND, "option '--path': '%s' is not cd, lars or lasso",
                           a->path_text);
}

/* ---- The options of one kind of path -------------------------------------------------- */

/* The name of the first option given of those only coordinate descent takes; NULL: none. */
static const char *cd_only_option(const lasso_args *a)
{
    if (!isnan(a->alpha))
        return "l1-ratio";
    if (a->n_lambdas != ES_UNSET)
        return "lambdas";
    if (!isnan(a->min_ratio))
        return "lambda-min-ratio";
    if (a->factor_list.count > 0)
        return "penalty-factors";
    if (!isnan(a->tol))
        return "tol";
    if (a->max_passes != ES_UNSET)
        return "max-passes";
    if (a->threads != ES_UNSET)
        return "threads";
    if (a->cv != ES_UNSET)
        return "cv";
    if (a->fold_seed_text)
        return "fold-seed";
    if (a->fold_column)
        return "fold-column";
    return NULL;
}

static int check_path_options(const lasso_args *a)
{
    const char *cd_only = cd_only_option(a);
    if (a->path != LASSO_PATH_CD && cd_only)
        return cli_usage_error(COMMAND, "option '--%s' needs '--path cd' (the LARS paths have "
                               "no lambda grid%s)", cd_only,
                               strstr(cd_only, "fold") || !strcmp(cd_only, "cv")
                                   ? " to cross-validate" : "");
    if (a->path == LASSO_PATH_LAR && a->positive)
        return cli_usage_error(COMMAND, "option '--positive' goes with '--path lasso' or "
                               "'--path cd', not with least angle regression ('--path lars')");
    if (a->path == LASSO_PATH_CD && a->max_steps != ES_UNSET)
        return cli_usage_error(COMMAND, "option '--max-steps' needs '--path lars' or "
                               "'--path lasso'");
    return CLI_CONTINUE;
}

/* The values of coordinate descent, asked of a scratch configuration; defaults filled in. */
static int check_cd_values(lasso_args *a)
{
    smi_lasso *scratch = NULL;
    if (smi_lasso_create(&scratch) < 0)
        return cli_fail_library(SMI_ENOMEM);
    char text[64];
    int rc = CLI_CONTINUE;
    if (!isnan(a->alpha)) {
        snprintf(text, sizeof text, "%g", a->alpha);
        rc = es_option_check(COMMAND, smi_lasso_set_alpha(scratch, a->alpha), "l1-ratio",
                             text);
    }
    if (rc == CLI_CONTINUE && a->n_lambdas != ES_UNSET) {
        snprintf(text, sizeof text, "%zu", a->n_lambdas);
        rc = es_option_check(COMMAND, smi_lasso_set_path(scratch, a->n_lambdas, 0.0),
                             "lambdas", text);
    }
    if (rc == CLI_CONTINUE && !isnan(a->min_ratio)) {
        snprintf(text, sizeof text, "%g", a->min_ratio);
        rc = a->min_ratio == 0.0 /* the library's "default": not a ratio */
                 ? cli_usage_error(COMMAND, "option '--lambda-min-ratio': must lie in (0, 1)")
                 : es_option_check(COMMAND, smi_lasso_set_path(scratch, 1, a->min_ratio),
                                   "lambda-min-ratio", text);
    }
    if (rc == CLI_CONTINUE && !isnan(a->tol)) {
        snprintf(text, sizeof text, "%g", a->tol);
        rc = es_option_check(COMMAND, smi_lasso_set_tolerance(scratch, a->tol, 1), "tol",
                             text);
    }
    if (rc == CLI_CONTINUE && a->max_passes != ES_UNSET) {
        snprintf(text, sizeof text, "%zu", a->max_passes);
        rc = es_option_check(COMMAND, smi_lasso_set_tolerance(scratch, 1.0, a->max_passes),
                             "max-passes", text);
    }
    if (rc == CLI_CONTINUE && a->threads != ES_UNSET) {
        snprintf(text, sizeof text, "%zu", a->threads);
        rc = es_option_check(COMMAND, smi_lasso_set_threads(scratch, a->threads),
                             "threads", text);
    }
    smi_lasso_free(scratch);
    const cli_defaults *d = cli_library_defaults();
    if (a->n_lambdas == ES_UNSET)
        a->n_lambdas = d->n_lambdas;
    if (isnan(a->tol))
        a->tol = d->tol;
    if (a->max_passes == ES_UNSET)
        a->max_passes = d->max_passes;
    if (a->threads == ES_UNSET)
        a->threads = 0;
    return rc;
}

/* "name=f": a name (any text but '=') and a finite factor >= 0; each name once. Whether
 * the names are features is judged against the data (cmd_lasso.c). */
static int parse_factors(lasso_args *a)
{
    size_t count = a->factor_list.count;
    if (count == 0)
        return CLI_CONTINUE;
    a->factor_names = calloc(count, sizeof *a->factor_names);
    a->factors = calloc(count, sizeof *a->factors);
    if (!a->factor_names || !a->factors)
        return cli_fail("out of memory");
    for (size_t k = 0; k < count; k++) {
        char *item = a->factor_list.items[k], *eq = strrchr(item, '=');
        if (!eq || eq == item || cli_parse_numbers(eq + 1, &a->factors[k], 1) < 0)
            return cli_usage_error(COMMAND, "option '--penalty-factors': '%s' is not "
                                   "NAME=FACTOR", item);
        if (!(a->factors[k] >= 0.0))
            return cli_usage_error(COMMAND, "option '--penalty-factors': '%s': a factor is a "
                                   "number >= 0 (0: not penalised)", item);
        *eq = '\0'; /* the item is now the name */
        for (size_t i = 0; i < k; i++)
            if (strcmp(a->factor_names[i], item) == 0)
                return cli_usage_error(COMMAND, "option '--penalty-factors': '%s' is named "
                                       "twice", item);
        a->factor_names[k] = item;
        a->n_factors++;
    }
    return CLI_CONTINUE;
}

/* --cv K (shuffled by --fold-seed) or --fold-column NAME: the folds of the CV. With
 * --on-dos, --fold-column may also name the column a search took its folds from, beside
 * --cv K for the LASSO's own. */
static int check_cv(lasso_args *a)
{
    if (a->cv != ES_UNSET && a->fold_column && !a->on_dos)
        return cli_usage_error(COMMAND, "option '--fold-column' takes the folds from the data: "
                               "'--cv' does not go with it");
    if (a->cv != ES_UNSET && a->cv < 2)
        return cli_usage_error(COMMAND, "option '--cv': must be at least 2");
    if (a->fold_seed_text && a->cv == ES_UNSET)
        return cli_usage_error(COMMAND, "option '--fold-seed' needs '--cv K'");
    if (!a->fold_seed_text)
        return CLI_CONTINUE;
    /* es's parser of the seed: its fold checks are met (cv, K >= 2, no column). */
    es_folds_request rq = { SMI_CRIT_CV, a->fold_seed_text, NULL };
    size_t k = a->cv;
    return es_check_folds(COMMAND, &rq, a->cv, &k, &a->fold_shuffle, &a->fold_seed);
}

/* ---- The criterion ------------------------------------------------------------------------- */

void lasso_fill_criterion_defaults(int criterion, double *fe_alpha, double *fe_beta,
                                   es_fe_options *fe)
{
    if (criterion != SMI_CRIT_FE)
        *fe_alpha = *fe_beta = NAN; /* not given: the library's, resolved on the data */
    es_fe_given given = { !isnan(fe->ng_a0), fe->ratio_n > 0, 0 };
    es_fill_fe_settings(criterion, 0, fe, &given);
}

static void criterion_names(char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int c = 0; smi_criterion_name(c) && used < cap; c++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", c ? ", " : "",
                                 smi_criterion_name(c));
}



/* With --on-dos and no --criterion, the file names the criterion: the settings given are
 * checked against it there (lasso_dos.c). */
static int check_criterion(lasso_args *a)
{
    a->criterion_given = a->criterion_text != NULL;
    if (a->criterion_given && smi_criterion_from_name(a->criterion_text, &a->criterion) < 0) {
        char names[128];
        criterion_names(names, sizeof names);
        return cli_usage_error(COMMAND, "option '--criterion': unknown criterion '%s' (known: "
                               "%s)", a->criterion_text, names);
    }
    if (!a->criterion_given)
        a->criterion = a->on_dos ? -1 : SMI_CRIT_BIC;
    smi_search *scratch = NULL;
    if (smi_search_create(&scratch) < 0)
        return cli_fail_library(SMI_ENOMEM);
    a->fe = (es_fe_options){ .model_prior = -1, .prior_q = NAN, .ratio_lo = NAN,
                             .ratio_hi = NAN, .ng_lambda = NAN, .ng_a0 = NAN, .ng_b0 = NAN };
    int rc = es_parse_fe_hyper(COMMAND, a->fe_hyper_text, &a->fe_alpha, &a->fe_beta, scratch);
    if (rc == CLI_CONTINUE)
        rc = es_parse_ng_prior(COMMAND, a->ng_prior_text, &a->fe, scratch);
    if (rc == CLI_CONTINUE)
        rc = es_parse_ratio_grid(COMMAND, a->ratio_grid_text, &a->fe, scratch);
    smi_search_free(scratch);
    if (rc != CLI_CONTINUE || a->criterion < 0)
        return rc;
    rc = es_criterion_option_check(COMMAND, a->criterion, "fe-hyper", a->fe_hyper_text != NULL);
    if (rc == CLI_CONTINUE)
        rc = es_criterion_option_check(COMMAND, a->criterion, "ng-prior", a->ng_prior_text != NULL);
    if (rc == CLI_CONTINUE)
        rc = es_criterion_option_check(COMMAND, a->criterion, "ratio-grid",
                                       a->ratio_grid_text != NULL);
    if (rc == CLI_CONTINUE && a->criterion == SMI_CRIT_CV && !a->on_dos && a->cv == ES_UNSET &&
        !a->fold_column)
        rc = cli_usage_error(COMMAND, "option '--criterion cv' scores the supports on the folds "
                             "of the LASSO's cross-validation: give '--cv K' or "
                             "'--fold-column NAME'");
    if (rc == CLI_CONTINUE && !a->on_dos)
        lasso_fill_criterion_defaults(a->criterion, &a->fe_alpha, &a->fe_beta, &a->fe);
    return rc;
}

/* Two options naming one file would overwrite or read each other's output. */
static int check_files(const lasso_args *a)
{
    int rc = es_check_file_name(COMMAND, "on-dos", a->on_dos);
    return rc == CLI_CONTINUE ? es_check_distinct(COMMAND, "json", a->json, "on-dos", a->on_dos)
                              : rc;
}

static int check_args(lasso_args *a)
{
    int rc = es_parse_delimiter(COMMAND, a->delimiter_text, &a->delimiter);
    if (rc == CLI_CONTINUE)
        rc = parse_path(a);
    if (rc == CLI_CONTINUE)
        rc = check_path_options(a);
    if (rc == CLI_CONTINUE && a->path == LASSO_PATH_CD)
        rc = check_cd_values(a);
    if (rc == CLI_CONTINUE)
        rc = parse_factors(a);
    if (rc == CLI_CONTINUE)
        rc = check_cv(a);
    if (rc == CLI_CONTINUE)
        rc = check_criterion(a);
    if (rc == CLI_CONTINUE)
        rc = check_files(a);
    if (a->max_steps == ES_UNSET)
        a->max_steps = 0;
    return rc;
}

int lasso_parse_args(lasso_args *a, int argc, char **argv)
{
    *a = (lasso_args){ .path_text = "cd", .alpha = NAN, .min_ratio = NAN, .tol = NAN,
                       .n_lambdas = ES_UNSET, .max_passes = ES_UNSET, .threads = ES_UNSET,
                       .cv = ES_UNSET, .max_steps = ES_UNSET, .fe_alpha = NAN, .fe_beta = NAN,
                       .fold_shuffle = (int)cli_library_defaults()->lasso_fold_shuffle,
                       .fold_seed = cli_library_defaults()->lasso_fold_seed };
    const cli_option options[] = {
        ES_OPTIONS_DATA(a),
        { "path", CLI_OPT_STRING, &a->path_text, "KIND",
          "cd: coordinate descent (default); lars: least angle regression; lasso: the LASSO "
          "by LARS" },
        { "l1-ratio", CLI_OPT_DOUBLE, &a->alpha, "A",
          "cd: elastic-net mixing, 0 < A <= 1 (default 1: the LASSO)" },
        { "alpha", CLI_OPT_DOUBLE, &a->alpha, "A", "alias of --l1-ratio" },
        { "lambdas", CLI_OPT_SIZE, &a->n_lambdas, "N",
          "cd: the number of lambdas, log-spaced from lambda_max (default 100)" },
        { "lambda-min-ratio", CLI_OPT_DOUBLE, &a->min_ratio, "R",
          "cd: the smallest lambda over lambda_max (default 1e-4, 1e-2 when n <= p)" },
        { "positive", CLI_OPT_FLAG, &a->positive, NULL,
          "every coefficient >= 0 (cd and lasso)" },
        { "penalty-factors", CLI_OPT_LIST, &a->factor_list, "NAME=F,...",
          "cd: the penalty of these features times F (0: unpenalised; others 1)" },
        { "tol", CLI_OPT_DOUBLE, &a->tol, "T",
          "cd: convergence tolerance, relative to the null deviance (default 1e-7)" },
        { "max-passes", CLI_OPT_SIZE, &a->max_passes, "N",
          "cd: the most passes per lambda (default 100000)" },
        { "max-steps", CLI_OPT_SIZE, &a->max_steps, "N",
          "lars, lasso: the most steps (default: to the end of the path)" },
        { "cv", CLI_OPT_SIZE, &a->cv, "K", "cd: K-fold cross-validation of the path" },
        { "fold-seed", CLI_OPT_STRING, &a->fold_seed_text, "S",
          "--cv: shuffle the folds with seed S (default 0); none: sample i in fold i mod K" },
        { "fold-column", CLI_OPT_STRING, &a->fold_column, "NAME",
          "cd: cross-validate on the folds of a column of integer fold ids" },
        { "threads", CLI_OPT_SIZE, &a->threads, "T",
          "cd: threads for the folds of --cv; 0: every core (default)" },
        { "criterion", CLI_OPT_STRING, &a->criterion_text, "NAME",
          "score the supports: rss, aic, bic (default), fe, fe-ng, fe-opt, fe-marg, cv or "
          "loo; with --on-dos, the file's" },
        { "fe-hyper", CLI_OPT_STRING, &a->fe_hyper_text, "ALPHA:BETA",
          "fe: prior and noise precision (default 1 : 1/var(y))" },
        { "ng-prior", CLI_OPT_STRING, &a->ng_prior_text, "LAMBDA:A0:B0",
          "fe-ng, fe-marg: as for es (default 1:1e-6:1e-6)" },
        { "ratio-grid", CLI_OPT_STRING, &a->ratio_grid_text, "LO:HI:N",
          "fe-opt, fe-marg: as for es (default 1e-4:1e4:20)" },
        { "on-dos", CLI_OPT_STRING, &a->on_dos, "ES",
          "rank the supports among all subsets: ES from 'es --save' or 'es --json'" },
        ES_OPTIONS_FORMAT(a),
        { "plot", CLI_OPT_STRING, &a->plot, "PREFIX",
          "write PREFIX-path.svg (and with CV PREFIX-cv.svg)" },
        { "quiet", CLI_OPT_FLAG, &a->quiet, NULL, "no notes on standard error" },
    };
    const cli_spec spec = { COMMAND, "DATA --target NAME [options]", description, options,
                            sizeof options / sizeof options[0], "DATA", 1, 1 };
    size_t n_positional = 0;
    int rc = cli_parse(&spec, argc, argv, &a->data, &n_positional);
    return rc == CLI_CONTINUE ? check_args(a) : rc;
}

void lasso_args_free(lasso_args *a)
{
    cli_list_free(&a->features);
    cli_list_free(&a->factor_list);
    free(a->factor_names);
    free(a->factors);
    a->factor_names = NULL;
    a->factors = NULL;
}
