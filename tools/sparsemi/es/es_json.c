/* `sparsemi es --json`: the whole report as one JSON object. Features are given by name
 * everywhere, so that a reader needs no index table; the schema is in doc/sparsemi.1. */
#include <assert.h>
#include <math.h>
#include <stdint.h>

#include "cli.h"
#include "es.h"
#include "sparsemi.h"

static void names(cli_json *j, const es_report *r, const size_t *features, size_t count)
{
    cli_json_begin_array(j);
    for (size_t k = 0; k < count; k++)
        cli_json_string(j, es_feature_name(r, features[k]));
    cli_json_end_array(j);
}

/* rank 0: a model of best_by_size, which has a size instead of a rank. */
static void model(cli_json *j, const es_report *r, const es_model *m, size_t rank)
{
    cli_json_begin_object(j);
    if (rank > 0)
        cli_json_key(j, "rank"), cli_json_uint(j, rank);
    cli_json_key(j, "size"), cli_json_uint(j, m->size);
    cli_json_key(j, "features"), names(j, r, m->features, m->size);
    cli_json_key(j, "criterion"), cli_json_number(j, m->criterion);
    if (es_criterion_uses(r->criterion, SMI_CRITERION_HELD_OUT)) /* the MSE in y's units */
        cli_json_key(j, "cv_rmse"), cli_json_number(j, sqrt(m->criterion));
    cli_json_key(j, "rmse"), cli_json_number(j, m->rmse);
    cli_json_key(j, "intercept");
    if (r->intercept)
        cli_json_number(j, m->intercept);
    else
        cli_json_null(j);
    cli_json_key(j, "coefficients"), cli_json_begin_object(j);
    for (size_t k = 0; k < m->size; k++)
        cli_json_key(j, es_feature_name(r, m->features[k])), cli_json_number(j, m->coefficients[k]);
    cli_json_end_object(j);
    cli_json_end_object(j);
}

/* null unless the criterion is cv; the seed null unless the folds were shuffled. */
static void folds(cli_json *j, const es_report *r)
{
    if (r->n_folds == 0) {
        cli_json_null(j);
        return;
    }
    cli_json_begin_object(j);
    cli_json_key(j, "k"), cli_json_uint(j, r->n_folds);
    cli_json_key(j, "seed");
    if (r->fold_shuffle)
        cli_json_uint(j, r->fold_seed);
    else
        cli_json_null(j);
    cli_json_key(j, "column"), cli_json_string(j, r->fold_column);
    cli_json_end_object(j);
}

/* null for the whole search; else {"count": N, "indices": [the shards in this result]}. */
static void shards(cli_json *j, const es_report *r)
{
    if (r->shard_count == 0) {
        cli_json_null(j);
        return;
    }
    cli_json_begin_object(j);
    cli_json_key(j, "count"), cli_json_uint(j, r->shard_count);
    cli_json_key(j, "indices"), cli_json_begin_array(j);
    for (size_t k = 0; k < r->n_shards; k++)
        cli_json_uint(j, r->shards[k]);
    cli_json_end_array(j);
    cli_json_end_object(j);
}

/* The settings of the free-energy criteria, each only where the criterion uses it (so
 * that the request of the other criteria is as it was before they existed). */

/* q null unless bernoulli. */
static void model_prior(cli_json *j, const es_fe_options *fe)
{
    cli_json_begin_object(j);
    cli_json_key(j, "kind"), cli_json_string(j, es_model_prior_name(fe->model_prior));
    cli_json_key(j, "q"), cli_json_number(j, fe->prior_q); /* NaN -> null */
    cli_json_end_object(j);
}

void es_json_request(cli_json *j, const es_report *r)
{
    cli_json_key(j, "file"), cli_json_string(j, r->data_path);
    cli_json_key(j, "criterion"), cli_json_string(j, smi_criterion_name(r->criterion));
    cli_json_key(j, "n_samples"), cli_json_uint(j, r->n);
    cli_json_key(j, "n_features"), cli_json_uint(j, r->p);
    cli_json_key(j, "features"), cli_json_begin_array(j);
    for (size_t col = 0; col < r->p; col++)
        cli_json_string(j, es_feature_name(r, col));
    cli_json_end_array(j);
    cli_json_key(j, "target"), cli_json_string(j, r->target);
    cli_json_key(j, "fit_intercept"), cli_json_bool(j, r->intercept);
    cli_json_key(j, "min_size"), cli_json_uint(j, r->min_size);
    cli_json_key(j, "max_size"), cli_json_uint(j, r->max_size);
    cli_json_key(j, "keep"), names(j, r, r->keep, r->n_keep);
    cli_json_key(j, "alpha"), cli_json_number(j, r->alpha); /* NaN -> null: not FE */
    cli_json_key(j, "beta"), cli_json_number(j, r->beta);
    if (!isnan(r->fe.ng_a0))
        cli_json_key(j, "ng_prior"), es_json_ng_prior(j, &r->fe);
    if (r->fe.ratio_n > 0)
        cli_json_key(j, "ratio_grid"), es_json_ratio_grid(j, &r->fe);
    if (r->fe.grid.n[0] > 0)
        cli_json_key(j, "sigma_grid"), es_json_sigma_grid(j, &r->fe);
    if (r->fe.model_prior >= 0)
        cli_json_key(j, "model_prior"), model_prior(j, &r->fe);
    cli_json_key(j, "folds"), folds(j, r);
}

static void dos(cli_json *j, const es_report *r)
{
    cli_json_begin_object(j);
    cli_json_key(j, "edges"), cli_json_begin_array(j);
    for (size_t b = 0; b <= r->n_bins; b++)
        cli_json_number(j, r->edges[b]);
    cli_json_end_array(j);
    cli_json_key(j, "counts"), cli_json_begin_array(j);
    for (size_t b = 0; b < r->n_bins; b++)
        cli_json_uint(j, r->counts[b]);
    cli_json_end_array(j);
    cli_json_key(j, "below"), cli_json_uint(j, r->below);
    cli_json_key(j, "above"), cli_json_uint(j, r->above);
    if (r->has_posterior) {
        cli_json_key(j, "posterior"), cli_json_begin_array(j);
        for (size_t b = 0; b < r->n_bins; b++)
            cli_json_number(j, r->dos_posterior[b]);
        cli_json_end_array(j);
    }
    cli_json_end_object(j);
}

/* The model posterior: absent when the result has none. */
static void posterior(cli_json *j, const es_report *r)
{
    if (!r->has_posterior)
        return;
    cli_json_key(j, "log_evidence_total"), cli_json_number(j, r->log_evidence_total);
    cli_json_key(j, "posterior_inclusion"), cli_json_begin_object(j);
    for (size_t col = 0; col < r->p; col++)
        cli_json_key(j, es_feature_name(r, col)), cli_json_number(j, r->inclusion[col]);
    cli_json_end_object(j);
    cli_json_key(j, "size_posterior"), cli_json_begin_array(j);
    for (size_t k = 0; k <= r->max_size; k++)
        cli_json_number(j, r->size_posterior[k]);
    cli_json_end_array(j);
    cli_json_key(j, "model_average"), cli_json_begin_object(j);
    cli_json_key(j, "intercept"), cli_json_number(j, r->average_intercept);
    cli_json_key(j, "coefficients"), cli_json_begin_object(j);
    for (size_t col = 0; col < r->p; col++)
        cli_json_key(j, es_feature_name(r, col)), cli_json_number(j, r->average[col]);
    cli_json_end_object(j);
    cli_json_key(j, "mass"), cli_json_number(j, r->average_mass);
    cli_json_key(j, "exact"), cli_json_bool(j, r->average_mass == 1.0);
    cli_json_end_object(j);
}

static void results(cli_json *j, const es_report *r)
{
    cli_json_key(j, "n_models"), cli_json_uint(j, r->n_models);
    cli_json_key(j, "n_singular"), cli_json_uint(j, r->n_singular);
    cli_json_key(j, "n_nonfinite"), cli_json_uint(j, r->n_nonfinite);
    if (es_is_grid_criterion(r->criterion)) {
        cli_json_key(j, "quadrature_error"), cli_json_number(j, r->quadrature_error);
        cli_json_key(j, "grid_edge_models"), cli_json_uint(j, r->grid_edge_models);
        cli_json_key(j, "caveat"), cli_json_string(j, r->caveat);
    }
    cli_json_key(j, "models"), cli_json_begin_array(j);
    for (size_t k = 0; k < r->n_top; k++)
        model(j, r, &r->top[k], k + 1);
    cli_json_end_array(j);
    cli_json_key(j, "best_by_size"), cli_json_begin_array(j);
    for (size_t k = 0; k <= r->max_size; k++)
        if (r->by_size[k].size != SIZE_MAX)
            model(j, r, &r->by_size[k], 0);
    cli_json_end_array(j);
    cli_json_key(j, "dos"), dos(j, r);
    cli_json_key(j, "feature_frequency"), cli_json_begin_object(j);
    for (size_t col = 0; col < r->p; col++)
        cli_json_key(j, es_feature_name(r, col)), cli_json_number(j, r->frequency[col]);
    cli_json_end_object(j);
    posterior(j, r);
}

void es_write_json(FILE *out, const es_report *r)
{
    cli_json j;
    cli_json_begin_report(&j, out, r->command);
    es_json_request(&j, r);
    cli_json_key(&j, "shard"), shards(&j, r);
    if (r->inputs) {
        cli_json_key(&j, "inputs"), cli_json_begin_array(&j);
        for (size_t k = 0; k < r->n_inputs; k++)
            cli_json_string(&j, r->inputs[k]);
        cli_json_end_array(&j);
    }
    results(&j, r);
    if (r->n_warnings > 0) {
        cli_json_key(&j, "warnings"), cli_json_begin_array(&j);
        for (size_t k = 0; k < r->n_warnings; k++)
            cli_json_string(&j, r->warnings[k]);
        cli_json_end_array(&j);
    }
    cli_json_key(&j, "elapsed_s"), cli_json_number(&j, r->elapsed_s);
    cli_json_key(&j, "threads"), cli_json_uint(&j, r->threads);
    cli_json_end_object(&j);
    int balanced = cli_json_finish(&j);
    assert(balanced == 0 && "es_write_json opens and closes the same containers");
    (void)balanced;
}
