/* Option values shared by `es` and `remc` (and in part `lasso` and `vma`): the free-energy
 * settings, the folds of cv, the delimiter and the files named. The rules for the values
 * are the library's: a scratch configuration takes each value, and one it refuses is a
 * usage error that carries its message and names the option. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "es.h"

int es_option_check(const char *command, int status, const char *option, const char *text)
{
    if (status == SMI_ENOMEM)
        return cli_fail_library(status);
    if (status < 0)
        return cli_usage_error(command, "option '--%s': '%s': %s", option, text,
                               smi_last_error());
    return CLI_CONTINUE;
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
        return cli_usage_error(command, "option '--fe-hyper' sets what '--alpha' and '--beta' "
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
    if (text && cli_parse_delimiter(text, delimiter) < 0)
        return cli_usage_error(command, "option '--delimiter': '%s' is not one character, "
                               "tab, space or auto", text);
    return CLI_CONTINUE;
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
    return cli_folds_check(&d->folds, smi_dataset_n(d->ds));
}

void es_data_free(es_data *d)
{
    smi_dataset_free(d->ds);
    free(d->column);
    *d = (es_data){ 0 };
}
