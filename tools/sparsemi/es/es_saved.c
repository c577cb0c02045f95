/* A saved result describes itself: `es --save FILE` writes FILE with smi_search_result_save,
 * which holds the identity of the data (names, n, p, fingerprint) and the configuration of
 * the search; smi_search_result_load restores both. `sparsemi merge` and `lasso --on-dos`
 * need nothing else: this file turns a loaded result's identity and configuration into the
 * request fields of an es_report, as es fills them from its command line and data. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "es.h"
#include "sparsemi.h"

/* The settings of the free-energy criteria that the criterion uses; the others unused. */
static void fe_from_config(es_report *r, int criterion, const smi_search *cfg)
{
    int flags = smi_criterion_flags(criterion);
    es_fe_options *fe = &r->fe;
    *fe = (es_fe_options){ .model_prior = -1, .prior_q = NAN, .ratio_lo = NAN,
                           .ratio_hi = NAN, .ng_lambda = NAN, .ng_a0 = NAN, .ng_b0 = NAN };
    r->alpha = r->beta = NAN;
    if (flags & SMI_CRITERION_FE_HYPER) {
        smi_search_get_fe_hyper(cfg, &r->alpha, &r->beta);
        if (r->beta == 0.0) /* the library's 1 / var(y), which the file does not hold */
            r->beta = NAN;
    }
    if (flags & SMI_CRITERION_NG_PRIOR)
        smi_search_get_normal_gamma(cfg, &fe->ng_lambda, &fe->ng_a0, &fe->ng_b0);
    if (!(flags & SMI_CRITERION_NG_LAMBDA))
        fe->ng_lambda = NAN;
    if (flags & SMI_CRITERION_RATIO_GRID)
        smi_search_get_ratio_grid(cfg, &fe->ratio_lo, &fe->ratio_hi, &fe->ratio_n);
    es_sigma_grid_from_config(fe, criterion, cfg);
    if (flags & SMI_CRITERION_FREE_ENERGY) {
        smi_search_get_model_prior(cfg, &fe->model_prior, &fe->prior_q);
        if (fe->model_prior != SMI_MODEL_PRIOR_BERNOULLI)
            fe->prior_q = NAN;
    }
}

static void folds_from_config(es_report *r, int criterion, const smi_search *cfg)
{
    if (!(smi_criterion_flags(criterion) & SMI_CRITERION_FOLDS))
        return;
    size_t k = 0, n_ids = 0;
    int shuffle = 0;
    uint64_t seed = 0;
    smi_search_get_folds(cfg, &k, &shuffle, &seed);
    smi_search_get_fold_ids(cfg, 0, NULL, &n_ids);
    r->n_folds = k;
    r->fold_shuffle = n_ids == 0 && shuffle;
    r->fold_seed = r->fold_shuffle ? seed : 0;
    r->fold_column = n_ids > 0 ? "(fold ids)" : NULL;
}

static int names_from_data(es_report *r, const smi_data_id *id)
{
    size_t p = smi_data_id_p(id);
    r->names = calloc(p ? p : 1, sizeof *r->names);
    r->keep = calloc(p ? p : 1, sizeof *r->keep);
    if (!r->names || !r->keep)
        return cli_fail("out of memory");
    for (size_t j = 0; j < p; j++)
        r->names[j] = smi_data_id_feature_name(id, j);
    r->target = smi_data_id_target_name(id);
    r->n = smi_data_id_n(id);
    return CLI_EXIT_OK;
}

int es_saved_check(const smi_search_result *res, const char *path)
{
    if (!smi_search_result_config(res) || !smi_search_result_data(res))
        return cli_fail("'%s' does not record its data and configuration: save the search "
                        "again with this version of 'sparsemi es --save'", path);
    return CLI_EXIT_OK;
}

int es_report_from_result(es_report *r, const smi_search_result *res)
{
    const smi_search *cfg = smi_search_result_config(res);
    int criterion = smi_search_result_criterion(res);
    size_t max_size = 0, threads = 0;
    int rc = names_from_data(r, smi_search_result_data(res));
    if (rc != CLI_EXIT_OK)
        return rc;
    smi_search_get_intercept(cfg, &r->intercept);
    smi_search_get_size_range(cfg, &r->min_size, &max_size);
    smi_search_get_threads(cfg, &threads);
    r->threads = threads;
    int status = smi_search_get_keep(cfg, smi_search_result_p(res), r->keep, &r->n_keep);
    if (status < 0)
        return cli_fail_library(status);
    if (r->min_size < r->n_keep) /* every model has the forced features, as es reports */
        r->min_size = r->n_keep;
    fe_from_config(r, criterion, cfg);
    folds_from_config(r, criterion, cfg);
    return CLI_EXIT_OK;
}

void es_saved_shard(const smi_search_result *res, size_t *index, size_t *count)
{
    *index = 0;
    *count = 1;
    smi_search_get_shard(smi_search_result_config(res), index, count);
}

int es_open_save(cli_outputs *o, int k, const char *command, const char *path)
{
    int rc = cli_outputs_open_at(o, k, strdup(path));
    if (rc == CLI_EXIT_OK && !o->file[k].tmp_path)
        return cli_usage_error(command, "option '--save' needs a regular file, not '%s'", path);
    return rc;
}

/* The library writes its own temporary file next to the set's and renames it over the
 * set's (a rename within one directory); cli_outputs_commit then renames that with the
 * JSON and the pictures. */
int es_write_save(cli_outputs *o, int k, const smi_search_result *res)
{
    const char *tmp = cli_output_by_name(&o->file[k]);
    int status = tmp ? smi_search_result_save(res, tmp) : SMI_EINVAL;
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}
