/* `sparsemi remc --exact ES`, where ES is the result file of `sparsemi es --save` (or of
 * `merge --save`): the file alone describes the search (its data's identity and its
 * configuration, smi_search_result_data/_config), so it is checked against this run's
 * request and data set with the library's accessors, and its DOS and best model are read
 * with smi_search_result_dos and smi_search_result_model. (The JSON of `es --json` is still
 * read by remc_json.c.) */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "es.h"
#include "remc.h"
#include "sparsemi.h"

#define RERUN "run 'sparsemi es' on the same data with the same options"

/* The data: target, features, samples, then the library's fingerprint. */
static int same_data(const remc_report *r, const es_report *q, const smi_search_result *res,
                     const smi_dataset *ds)
{
    const char *path = r->exact.path;
    const smi_data_id *id = smi_search_result_data(res);
    if (strcmp(q->target ? q->target : "", r->target) != 0)
        return cli_fail("'%s' is an exhaustive search for the target '%s', not '%s': " RERUN,
                        path, q->target ? q->target : "?", r->target);
    int same = smi_data_id_p(id) == r->p && q->n == r->n;
    for (size_t j = 0; same && j < r->p; j++)
        same = q->names[j] && strcmp(q->names[j], r->names[j]) == 0;
    if (!same)
        return cli_fail("'%s' is an exhaustive search over other data (features or samples "
                        "differ): " RERUN, path);
    if (!smi_data_id_matches(id, ds))
        return cli_fail("'%s' is an exhaustive search of other data (data fingerprint %016llx "
                        "in the file, %016llx here): " RERUN, path,
                        (unsigned long long)smi_data_id_fingerprint(id),
                        (unsigned long long)smi_data_id_fingerprint(smi_dataset_id(ds)));
    return CLI_EXIT_OK;
}

static int same_numbers(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

/* The criterion's settings that this run uses; a beta the file leaves to the library's
 * default (NaN in q) is taken as the same default. */
static int same_settings(const remc_report *r, const es_report *q)
{
    const es_fe_options *a = &r->fe, *b = &q->fe;
    if (!isnan(r->alpha) && (r->alpha != q->alpha || (!isnan(q->beta) && r->beta != q->beta)))
        return 0;
    if (!isnan(a->ng_a0) && (!same_numbers(a->ng_lambda, b->ng_lambda) ||
                             a->ng_a0 != b->ng_a0 || a->ng_b0 != b->ng_b0))
        return 0;
    return isnan(a->ratio_lo) || (a->ratio_lo == b->ratio_lo && a->ratio_hi == b->ratio_hi &&
                                  a->ratio_n == b->ratio_n);
}

static int same_folds(const remc_report *r, const es_report *q)
{
    if (r->n_folds == 0)
        return 1;
    if (r->fold_column || q->fold_column) /* the file holds the ids, not the column's name */
        return r->fold_column && q->fold_column && q->n_folds == r->n_folds;
    return q->n_folds == r->n_folds && q->fold_shuffle == r->fold_shuffle &&
           q->fold_seed == r->fold_seed;
}

static int same_request(const remc_report *r, const es_report *q, const smi_search_result *res)
{
    const char *path = r->exact.path, *crit = smi_criterion_name(r->criterion);
    size_t index, count;
    es_saved_shard(res, &index, &count);
    if (count > 1)
        return cli_fail("'%s' holds shards of a search, not all of it: merge them with "
                        "'sparsemi merge --save' first", path);
    if (smi_search_result_criterion(res) != r->criterion)
        return cli_fail("'%s' is an exhaustive search by criterion '%s', not '%s' as asked: "
                        RERUN, path, smi_criterion_name(smi_search_result_criterion(res)), crit);
    if (q->min_size != r->min_size || smi_search_result_max_size(res) != r->max_size)
        return cli_fail("'%s' is an exhaustive search over other model sizes (this run: %zu "
                        "to %zu): " RERUN, path, r->min_size, r->max_size);
    if (q->n_keep != r->n_keep || (r->n_keep && memcmp(q->keep, r->keep,
                                                       r->n_keep * sizeof *r->keep) != 0))
        return cli_fail("'%s' is an exhaustive search with other forced features (--keep): "
                        RERUN, path);
    if (q->intercept != r->intercept)
        return cli_fail("'%s' is an exhaustive search %s an intercept: " RERUN, path,
                        r->intercept ? "without" : "with");
    if (!same_settings(r, q))
        return cli_fail("'%s' is an exhaustive search with other hyperparameters of '%s': "
                        RERUN, path, crit);
    if (!same_folds(r, q))
        return cli_fail("'%s' is an exhaustive search with other folds: " RERUN, path);
    return CLI_EXIT_OK;
}

/* The DOS and the best model, from the library's accessors. */
static int read_outcome(remc_report *r, const smi_search_result *res)
{
    remc_exact *x = &r->exact;
    x->n_bins = smi_search_result_n_bins(res);
    x->n_models = smi_search_result_n_models(res);
    x->edges = malloc((x->n_bins + 1) * sizeof *x->edges);
    x->counts = malloc((x->n_bins ? x->n_bins : 1) * sizeof *x->counts);
    x->best = malloc((r->p ? r->p : 1) * sizeof *x->best);
    if (!x->edges || !x->counts || !x->best)
        return cli_fail("out of memory");
    int status = smi_search_result_dos(res, x->n_bins + 1, x->edges, x->counts, NULL, NULL);
    x->best_size = SIZE_MAX;
    if (status == SMI_OK && smi_search_result_n_top(res) > 0)
        status = smi_search_result_model(res, 0, r->p, x->best, NULL, &x->best_size, NULL,
                                         NULL, NULL);
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

int remc_read_exact_result(remc_report *r, const smi_dataset *ds)
{
    smi_search_result *res = NULL;
    es_report q = { 0 };
    int rc = CLI_EXIT_OK;
    if (smi_search_result_load(&res, r->exact.path) < 0)
        rc = cli_fail("'%s': %s", r->exact.path, smi_last_error());
    if (rc == CLI_EXIT_OK)
        rc = es_saved_check(res, r->exact.path);
    if (rc == CLI_EXIT_OK)
        rc = es_report_from_result(&q, res);
    if (rc == CLI_EXIT_OK)
        rc = same_data(r, &q, res, ds);
    if (rc == CLI_EXIT_OK)
        rc = same_request(r, &q, res);
    if (rc == CLI_EXIT_OK)
        rc = read_outcome(r, res);
    es_report_free(&q);
    smi_search_result_free(res);
    return rc;
}
