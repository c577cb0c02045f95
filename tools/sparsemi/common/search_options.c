/* Option values shared by `es`, `remc`, `lasso` and `vma` (search_options.h): the one table
 * of criterion options, the free-energy settings and their defaults (the library's), the
 * folds of cv, the delimiter and the files named; the model prior's names and the JSON of
 * the free-energy settings. The rules for the values
 * are the library's: a scratch configuration takes each value, and one it refuses is a
 * usage error that carries its message and names the option. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "search_options.h"

int es_option_check(const char *command, int status, const char *option, const char *text)
{
    if (status == SMI_ENOMEM)
        return cli_fail_library(status);
    if (status < 0)
        return cli_usage_error(command, "option '--%s': '%s': %s", option, text,
                               smi_last_error());
    return CLI_CONTINUE;
}

/* The criterion options of es, remc, lasso and vma, and the setting of smi_search each
 * sets; which criteria use a setting is the library's (smi_criterion_flags). */
static const struct es_criterion_option {
    const char *option;
    int flag;
} criterion_options[] = {
    { "fe-hyper", SMI_CRITERION_FE_HYPER },
    { "alpha", SMI_CRITERION_FE_HYPER },
    { "beta", SMI_CRITERION_FE_HYPER },
    { "prior-precision", SMI_CRITERION_FE_HYPER },
    { "noise-precision", SMI_CRITERION_FE_HYPER },
    { "ng-prior", SMI_CRITERION_NG_PRIOR },
    { "ratio-grid", SMI_CRITERION_RATIO_GRID },
    { "model-prior", SMI_CRITERION_FREE_ENERGY },
    { "folds", SMI_CRITERION_FOLDS },
    { "fold-seed", SMI_CRITERION_FOLDS },
    { "sigma-noise-grid", SMI_CRITERION_SIGMA_GRID },
    { "sigma-coef-grid", SMI_CRITERION_SIGMA_GRID },
    { "prior", SMI_CRITERION_SIGMA_GRID },
    { "intercept-term", SMI_CRITERION_SIGMA_GRID },
};

int es_criterion_uses(int criterion, int flag)
{
    return (smi_criterion_flags(criterion) & flag) != 0;
}

static int option_flag(const char *option)
{
    for (size_t k = 0; k < sizeof criterion_options / sizeof criterion_options[0]; k++)
        if (strcmp(criterion_options[k].option, option) == 0)
            return criterion_options[k].flag;
    return 0;
}

/* "fe-ng' or 'fe-marg": the criteria with flag, as the inside of a quoted list. */
static void criteria_using(int flag, char *buf, size_t cap)
{
    size_t used = 0, count = 0, total = 0;
    for (int c = 0; smi_criterion_name(c); c++)
        total += es_criterion_uses(c, flag);
    buf[0] = '\0';
    for (int c = 0; smi_criterion_name(c) && used < cap; c++) {
        if (!es_criterion_uses(c, flag))
            continue;
        const char *sep = count == 0 ? "" : count + 1 == total ? "' or '" : "', '";
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", sep, smi_criterion_name(c));
        count++;
    }
}

int es_criterion_option_check(const char *command, int criterion, const char *option,
                              int given)
{
    int flag = option_flag(option);
    assert(flag != 0);
    if (!given || es_criterion_uses(criterion, flag))
        return CLI_CONTINUE;
    char criteria[160];
    criteria_using(flag, criteria, sizeof criteria);
    return cli_usage_error(command, "option '--%s' needs '--criterion %s'", option, criteria);
}

void es_fill_fe_settings(int criterion, int with_posterior, es_fe_options *fe,
                         const es_fe_given *given)
{
    const cli_defaults *d = cli_library_defaults();
    if (!with_posterior || !es_criterion_uses(criterion, SMI_CRITERION_FREE_ENERGY))
        fe->model_prior = -1, fe->prior_q = NAN;
    else if (!given->model_prior)
        fe->model_prior = d->model_prior, fe->prior_q = NAN;
    if (!es_criterion_uses(criterion, SMI_CRITERION_RATIO_GRID))
        fe->ratio_lo = fe->ratio_hi = NAN, fe->ratio_n = 0;
    else if (!given->ratio_grid)
        fe->ratio_lo = d->ratio_lo, fe->ratio_hi = d->ratio_hi, fe->ratio_n = d->ratio_n;
    if (!es_criterion_uses(criterion, SMI_CRITERION_NG_PRIOR))
        fe->ng_a0 = fe->ng_b0 = NAN;
    else if (!given->ng_prior)
        fe->ng_lambda = d->ng_lambda, fe->ng_a0 = d->ng_a0, fe->ng_b0 = d->ng_b0;
    if (!es_criterion_uses(criterion, SMI_CRITERION_NG_LAMBDA))
        fe->ng_lambda = NAN;
}

void es_criterion_heading(char *buf, size_t cap, int criterion, const char *target)
{
    const char *name = smi_criterion_name(criterion);
    int held_out = es_criterion_uses(criterion, SMI_CRITERION_HELD_OUT);
    if (held_out || criterion == SMI_CRIT_RSS)
        snprintf(buf, cap, "%s [%s, %s^2]", name, held_out ? "MSE" : "RSS", target);
    else
        snprintf(buf, cap, "%s", name ? name : "criterion");
}

int es_settings_without_posterior(const char *command, int criterion, const char *ng_prior_text,
                                  const char *ratio_grid_text, es_fe_options *fe)
{
    int rc = es_criterion_option_check(command, criterion, "ng-prior", ng_prior_text != NULL);
    if (rc == CLI_CONTINUE)
        rc = es_criterion_option_check(command, criterion, "ratio-grid",
                                       ratio_grid_text != NULL);
    if (rc != CLI_CONTINUE)
        return rc;
    es_fe_given given = { ng_prior_text != NULL, ratio_grid_text != NULL, 0 };
    es_fill_fe_settings(criterion, 0, fe, &given);
    return CLI_CONTINUE;
}

int es_data_load(const char *command, const cli_data_request *rq, int criterion,
                 cli_folds kfold, es_data *d)
{
    int status = cli_read_dataset(rq->path, rq->delimiter, rq->target, rq->label_column,
                                  rq->fold_column, rq->features, &d->ds);
    if (status < 0)
        return cli_fail_library(status);
    int rc = cli_require_target(command, rq, d->ds);
    if (rc != CLI_CONTINUE)
        return rc;
    return es_data_folds(d, criterion, rq->fold_column, kfold);
}

void es_fe_hyper_used(int criterion, const smi_dataset *ds, double *alpha, double *beta)
{
    if (criterion != SMI_CRIT_FE)
        return;
    smi_search *fresh = NULL;
    double lib_alpha = NAN, lib_beta = NAN, mean, sd;
    if (smi_search_create(&fresh) == SMI_OK)
        smi_search_get_fe_hyper(fresh, &lib_alpha, &lib_beta);
    smi_search_free(fresh);
    if (lib_beta == 0.0 && smi_dataset_target_stats(ds, &mean, &sd, NULL, NULL) == SMI_OK)
        lib_beta = 1.0 / (sd * sd);
    if (isnan(*alpha))
        *alpha = lib_alpha;
    if (isnan(*beta))
        *beta = lib_beta;
}

int es_parse_fe_hyper(const char *command, const char *text, double *alpha, double *beta,
                      smi_search *scratch)
{
    double v[2];
    if (!text)
        return CLI_CONTINUE;
    if (!isnan(*alpha) || !isnan(*beta))
        return cli_usage_error(command, "option '--fe-hyper' sets what '--prior-precision' and "
                               "'--noise-precision' (--alpha, --beta) "
                               "set: give one or the other");
    if (cli_parse_numbers(text, v, 2) < 0)
        return cli_usage_error(command, "option '--fe-hyper': '%s' is not ALPHA:BETA (two "
                               "numbers)", text);
    *alpha = v[0];
    *beta = v[1];
    return es_option_check(command, smi_search_set_fe_hyper(scratch, v[0], v[1]), "fe-hyper",
                           text);
}

int es_parse_ng_prior(const char *command, const char *text, es_fe_options *fe,
                      smi_search *scratch)
{
    double v[3];
    if (!text)
        return CLI_CONTINUE;
    if (cli_parse_numbers(text, v, 3) < 0)
        return cli_usage_error(command, "option '--ng-prior': '%s' is not LAMBDA:A0:B0 (three "
                               "numbers)", text);
    fe->ng_lambda = v[0];
    fe->ng_a0 = v[1];
    fe->ng_b0 = v[2];
    return es_option_check(command, smi_search_set_normal_gamma(scratch, v[0], v[1], v[2]),
                           "ng-prior", text);
}

int es_parse_ratio_grid(const char *command, const char *text, es_fe_options *fe,
                        smi_search *scratch)
{
    double v[3];
    if (!text)
        return CLI_CONTINUE;
    if (cli_parse_numbers(text, v, 3) < 0 || !(v[2] >= 0 && v[2] <= 1e9 && v[2] == floor(v[2])))
        return cli_usage_error(command, "option '--ratio-grid': '%s' is not LO:HI:N (two "
                               "numbers and a whole number)", text);
    fe->ratio_lo = v[0];
    fe->ratio_hi = v[1];
    fe->ratio_n = (size_t)v[2];
    return es_option_check(command, smi_search_set_ratio_grid(scratch, v[0], v[1], fe->ratio_n),
                           "ratio-grid", text);
}

/* A non-negative decimal integer below 2^64. */
static int parse_seed(const char *text, unsigned long long *value)
{
    unsigned long long x = 0;
    if (!*text)
        return -1;
    for (const char *c = text; *c; c++) {
        if (*c < '0' || *c > '9')
            return -1;
        unsigned d = (unsigned)(*c - '0');
        if (x > (~0ULL - d) / 10)
            return -1;
        x = x * 10 + d;
    }
    *value = x;
    return 0;
}

int es_check_folds(const char *command, const es_folds_request *rq, size_t default_folds,
                   size_t *folds, int *shuffle, unsigned long long *seed)
{
    int given = *folds != ES_UNSET || rq->seed_text || rq->column;
    if (given && rq->criterion != SMI_CRIT_CV)
        return cli_usage_error(command, "options '--folds', '--fold-seed' and '--fold-column' "
                               "need '--criterion cv'");
    if (rq->column && (*folds != ES_UNSET || rq->seed_text))
        return cli_usage_error(command, "option '--fold-column' takes the folds from the "
                               "data: '--%s' does not go with it",
                               *folds != ES_UNSET ? "folds" : "fold-seed");
    if (*folds != ES_UNSET && *folds < 2)
        return cli_usage_error(command, "option '--folds': must be at least 2");
    if (*folds == ES_UNSET)
        *folds = default_folds;
    if (!rq->seed_text)
        return CLI_CONTINUE;
    if (strcmp(rq->seed_text, "none") == 0) {
        *shuffle = 0;
        return CLI_CONTINUE;
    }
    if (parse_seed(rq->seed_text, seed) < 0)
        return cli_usage_error(command, "option '--fold-seed': '%s' is neither a non-negative "
                               "integer below 2^64 nor 'none'", rq->seed_text);
    return CLI_CONTINUE;
}

int es_parse_delimiter(const char *command, const char *text, char *delimiter)
{
    return cli_delimiter_option(command, text, delimiter);
}

int es_check_file_name(const char *command, const char *option, const char *path)
{
    if (path && strcmp(path, "-") == 0)
        return cli_usage_error(command, "option '--%s' needs a file name, not '-'", option);
    return CLI_CONTINUE;
}

int es_check_distinct(const char *command, const char *option_a, const char *path_a,
                      const char *option_b, const char *path_b)
{
    if (path_a && path_b && strcmp(path_a, path_b) == 0)
        return cli_usage_error(command, "options '--%s' and '--%s' name the same file '%s'",
                               option_a, option_b, path_a);
    return CLI_CONTINUE;
}

int es_library_option(const char *command, int status, const char *option)
{
    if (status >= 0)
        return CLI_CONTINUE;
    if (status == SMI_ENOMEM)
        return cli_fail_library(status);
    return cli_usage_error(command, "option '--%s': %s", option, smi_last_error());
}

int es_resolve_keep(const smi_dataset *ds, const cli_list *keep, size_t **indices,
                    size_t *count, size_t *min_size)
{
    if (keep->count == 0)
        return CLI_EXIT_OK;
    *indices = calloc(keep->count, sizeof **indices);
    if (!*indices)
        return cli_fail("out of memory");
    for (size_t k = 0; k < keep->count; k++) {
        int status = smi_dataset_feature_index(ds, keep->items[k], &(*indices)[k]);
        if (status < 0)
            return cli_fail_library(status);
        ++*count;
    }
    if (*min_size < *count) /* every model has the forced features: say so */
        *min_size = *count;
    return CLI_EXIT_OK;
}

int es_data_folds(es_data *d, int criterion, const char *fold_column, cli_folds kfold)
{
    d->folds = (cli_folds){ 0 };
    if (criterion != SMI_CRIT_CV)
        return CLI_EXIT_OK;
    if (fold_column) {
        int status = cli_folds_column(d->ds, &d->column, &d->folds);
        return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
    }
    d->folds = kfold;
    return CLI_EXIT_OK;
}

void es_data_free(es_data *d)
{
    smi_dataset_free(d->ds);
    free(d->column);
    *d = (es_data){ 0 };
}

const char *es_model_prior_name(int kind)
{
    switch (kind) {
    case SMI_MODEL_PRIOR_NONE: return "none";
    case SMI_MODEL_PRIOR_UNIFORM: return "uniform";
    case SMI_MODEL_PRIOR_BERNOULLI: return "bernoulli";
    }
    return NULL;
}

void es_model_prior_text(char *buf, size_t cap, const es_fe_options *fe)
{
    const char *name = es_model_prior_name(fe->model_prior);
    if (fe->model_prior == SMI_MODEL_PRIOR_BERNOULLI)
        snprintf(buf, cap, "%s (q = %.6g)", name, fe->prior_q);
    else
        snprintf(buf, cap, "%s", name ? name : "none");
}

void es_json_ratio_grid(cli_json *j, const es_fe_options *fe)
{
    cli_json_begin_object(j);
    cli_json_key(j, "lo"), cli_json_number(j, fe->ratio_lo);
    cli_json_key(j, "hi"), cli_json_number(j, fe->ratio_hi);
    cli_json_key(j, "n"), cli_json_uint(j, fe->ratio_n);
    cli_json_end_object(j);
}

/* lambda null for fe-marg, whose grid of ratios replaces it. */
void es_json_ng_prior(cli_json *j, const es_fe_options *fe)
{
    cli_json_begin_object(j);
    cli_json_key(j, "lambda"), cli_json_number(j, fe->ng_lambda);
    cli_json_key(j, "a0"), cli_json_number(j, fe->ng_a0);
    cli_json_key(j, "b0"), cli_json_number(j, fe->ng_b0);
    cli_json_end_object(j);
}

/* ---- fe-grid ------------------------------------------------------------------------- */

static int parse_sigma_axis(const char *command, const char *option, const char *text,
                            int which, smi_search *scratch)
{
    double v[3];
    if (!text)
        return CLI_CONTINUE;
    if (cli_parse_numbers(text, v, 3) < 0 || !(v[2] >= 0 && v[2] <= 1e9 && v[2] == floor(v[2])))
        return cli_usage_error(command, "option '--%s': '%s' is not LO:HI:N (two numbers and "
                               "a whole number)", option, text);
    int status = which == 0 ? smi_search_set_sigma_noise_grid(scratch, v[0], v[1], (size_t)v[2])
                            : smi_search_set_sigma_coef_grid(scratch, v[0], v[1], (size_t)v[2]);
    return es_option_check(command, status, option, text);
}

/* "inverse", "uniform" or "gamma:SHAPE:SCALE". */
static int parse_grid_prior(const char *command, const char *text, smi_search *scratch)
{
    static const char gamma[] = "gamma:";
    double v[2] = { 0.0, 0.0 };
    int kind;
    if (!text)
        return CLI_CONTINUE;
    if (strcmp(text, "inverse") == 0)
        kind = SMI_GRID_PRIOR_INVERSE;
    else if (strcmp(text, "uniform") == 0)
        kind = SMI_GRID_PRIOR_UNIFORM;
    else if (strncmp(text, gamma, sizeof gamma - 1) == 0
             && cli_parse_numbers(text + sizeof gamma - 1, v, 2) == 0)
        kind = SMI_GRID_PRIOR_GAMMA;
    else
        return cli_usage_error(command, "option '--prior': '%s' is not inverse, uniform or "
                               "gamma:SHAPE:SCALE", text);
    return es_option_check(command, smi_search_set_grid_prior(scratch, kind, v[0], v[1]),
                           "prior", text);
}

int es_parse_sigma_grid(const char *command, int criterion, const es_sigma_texts *t,
                        es_fe_options *fe, smi_search *scratch)
{
    const struct { const char *option; int given; } given[] = {
        { "sigma-noise-grid", t->noise != NULL }, { "sigma-coef-grid", t->coef != NULL },
        { "prior", t->prior != NULL }, { "intercept-term", t->intercept_term },
    };
    int rc = CLI_CONTINUE;
    for (size_t k = 0; rc == CLI_CONTINUE && k < sizeof given / sizeof given[0]; k++)
        rc = es_criterion_option_check(command, criterion, given[k].option, given[k].given);
    if (rc == CLI_CONTINUE)
        rc = parse_sigma_axis(command, "sigma-noise-grid", t->noise, 0, scratch);
    if (rc == CLI_CONTINUE)
        rc = parse_sigma_axis(command, "sigma-coef-grid", t->coef, 1, scratch);
    if (rc == CLI_CONTINUE)
        rc = parse_grid_prior(command, t->prior, scratch);
    if (rc == CLI_CONTINUE && t->intercept_term)
        rc = es_option_check(command, smi_search_set_intercept_term(scratch, 1),
                             "intercept-term", "");
    if (rc == CLI_CONTINUE)
        es_sigma_grid_from_config(fe, criterion, scratch);
    return rc;
}

void es_sigma_grid_from_config(es_fe_options *fe, int criterion, const smi_search *cfg)
{
    es_sigma_grid *g = &fe->grid;
    *g = (es_sigma_grid){ .n = { 0, 0 } };
    if (!es_criterion_uses(criterion, SMI_CRITERION_SIGMA_GRID))
        return;
    smi_search_get_sigma_noise_grid(cfg, &g->lo[0], &g->hi[0], &g->n[0]);
    smi_search_get_sigma_coef_grid(cfg, &g->lo[1], &g->hi[1], &g->n[1]);
    smi_search_get_grid_prior(cfg, &g->prior, &g->shape, &g->scale);
    smi_search_get_intercept_term(cfg, &g->intercept_term);
}

int es_set_sigma_grid(const es_fe_options *fe, smi_search *cfg)
{
    const es_sigma_grid *g = &fe->grid;
    if (g->n[0] == 0)
        return SMI_OK;
    int status = smi_search_set_sigma_noise_grid(cfg, g->lo[0], g->hi[0], g->n[0]);
    if (status >= 0)
        status = smi_search_set_sigma_coef_grid(cfg, g->lo[1], g->hi[1], g->n[1]);
    if (status >= 0)
        status = smi_search_set_grid_prior(cfg, g->prior, g->shape, g->scale);
    if (status >= 0)
        status = smi_search_set_intercept_term(cfg, g->intercept_term);
    return status;
}

static const char *grid_prior_name(int kind)
{
    switch (kind) {
    case SMI_GRID_PRIOR_INVERSE: return "inverse";
    case SMI_GRID_PRIOR_UNIFORM: return "uniform";
    case SMI_GRID_PRIOR_GAMMA: return "gamma";
    }
    return "unknown";
}

void es_print_sigma_grid(FILE *out, const es_fe_options *fe)
{
    const es_sigma_grid *g = &fe->grid;
    if (g->n[0] == 0)
        return;
    fprintf(out, "sigma      noise %zu values from %.6g to %.6g, coefficients %zu from %.6g to "
            "%.6g\n", g->n[0], g->lo[0], g->hi[0], g->n[1], g->lo[1], g->hi[1]);
    fprintf(out, "grid prior %s", grid_prior_name(g->prior));
    if (g->prior == SMI_GRID_PRIOR_GAMMA)
        fprintf(out, " (shape %.6g, scale %.6g)", g->shape, g->scale);
    fprintf(out, "%s\n", g->intercept_term ? ", with the intercept term" : "");
}

static void json_axis(cli_json *j, const es_sigma_grid *g, int which)
{
    cli_json_begin_object(j);
    cli_json_key(j, "lo"), cli_json_number(j, g->lo[which]);
    cli_json_key(j, "hi"), cli_json_number(j, g->hi[which]);
    cli_json_key(j, "n"), cli_json_uint(j, g->n[which]);
    cli_json_end_object(j);
}

void es_json_sigma_grid(cli_json *j, const es_fe_options *fe)
{
    const es_sigma_grid *g = &fe->grid;
    int gamma = g->prior == SMI_GRID_PRIOR_GAMMA;
    cli_json_begin_object(j);
    cli_json_key(j, "sigma_noise"), json_axis(j, g, 0);
    cli_json_key(j, "sigma_coef"), json_axis(j, g, 1);
    cli_json_key(j, "prior"), cli_json_begin_object(j);
    cli_json_key(j, "kind"), cli_json_string(j, grid_prior_name(g->prior));
    cli_json_key(j, "shape"), cli_json_number(j, gamma ? g->shape : NAN);
    cli_json_key(j, "scale"), cli_json_number(j, gamma ? g->scale : NAN);
    cli_json_end_object(j);
    cli_json_key(j, "intercept_term"), cli_json_bool(j, g->intercept_term);
    cli_json_end_object(j);
}
