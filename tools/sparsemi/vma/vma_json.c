/* `sparsemi vma --json`: the whole report as one JSON object, features by name (the schema
 * is in doc/sparsemi.1): the axes (sizes, trials), the results per size, the model as
 * used, and the request. */
#include <assert.h>
#include <math.h>
#include <stdint.h>

#include "cli.h"
#include "search_options.h"
#include "sparsemi.h"
#include "vma_cli.h"

static void counts(cli_json *j, const uint64_t *x, size_t count)
{
    cli_json_begin_array(j);
    for (size_t k = 0; k < count; k++)
        cli_json_uint(j, x[k]);
    cli_json_end_array(j);
}

/* The settings of the exhaustive search, as es writes the ones that apply. */
static void search(cli_json *j, const vma_report *r)
{
    cli_json_key(j, "criterion"), cli_json_string(j, smi_criterion_name(r->criterion));
    cli_json_key(j, "fit_intercept"), cli_json_bool(j, r->intercept);
    cli_json_key(j, "min_size"), cli_json_uint(j, r->min_size);
    cli_json_key(j, "max_size"), cli_json_uint(j, r->max_size);
    cli_json_key(j, "keep"), cli_json_names(j, r->names, r->keep, r->n_keep);
    cli_json_key(j, "alpha"), cli_json_number(j, r->alpha); /* NaN -> null: not fe */
    cli_json_key(j, "beta"), cli_json_number(j, r->beta);
    if (!isnan(r->fe.ng_a0))
        cli_json_key(j, "ng_prior"), es_json_ng_prior(j, &r->fe);
    if (!isnan(r->fe.ratio_lo))
        cli_json_key(j, "ratio_grid"), es_json_ratio_grid(j, &r->fe);
    cli_json_key(j, "folds");
    if (r->folds > 0)
        cli_json_uint(j, r->folds);
    else
        cli_json_null(j);
}

static void lasso(cli_json *j, const vma_report *r)
{
    cli_json_key(j, "cv"), cli_json_uint(j, r->cv);
    cli_json_key(j, "one_se"), cli_json_bool(j, r->one_se);
    cli_json_key(j, "alpha"), cli_json_number(j, r->mixing); /* the old name, kept */
    cli_json_key(j, "l1_ratio"), cli_json_number(j, r->mixing);
}

static void request(cli_json *j, const vma_report *r)
{
    cli_json_begin_object(j);
    cli_json_key(j, "file"), cli_json_string(j, r->data_path);
    cli_json_key(j, "target"), cli_json_string(j, r->target);
    cli_json_key(j, "n_samples"), cli_json_uint(j, r->n);
    cli_json_key(j, "n_features"), cli_json_uint(j, r->p);
    cli_json_key(j, "features"), cli_json_begin_array(j);
    for (size_t col = 0; col < r->p; col++)
        cli_json_string(j, r->names[col]);
    cli_json_end_array(j);
    cli_json_key(j, "rows"), cli_json_string(j, vma_rows_name(r->rows));
    cli_json_key(j, "seed"), cli_json_uint(j, r->seed);
    cli_json_key(j, "threads"), cli_json_uint(j, r->threads);
    cli_json_key(j, "method"), cli_json_string(j, vma_method_name(r->method));
    if (r->method == VMA_METHOD_LASSO)
        lasso(j, r);
    else
        search(j, r);
    cli_json_end_object(j);
}

static void model(cli_json *j, const vma_report *r)
{
    cli_json_begin_object(j);
    cli_json_key(j, "features"), cli_json_names(j, r->names, r->features, r->k);
    cli_json_key(j, "coefficients"), cli_json_numbers(j, r->coefficients, r->k);
    cli_json_key(j, "intercept"), cli_json_number(j, r->intercept_value);
    cli_json_key(j, "noise_sd"), cli_json_number(j, r->noise_sd);
    cli_json_key(j, "coefficients_estimated"), cli_json_bool(j, r->coefficients_estimated);
    cli_json_key(j, "intercept_estimated"), cli_json_bool(j, r->intercept_estimated);
    cli_json_key(j, "noise_estimated"), cli_json_bool(j, r->noise_estimated);
    cli_json_end_object(j);
}

static void interval(cli_json *j, const vma_report *r)
{
    cli_json_begin_object(j);
    cli_json_key(j, "method"), cli_json_string(j, "wilson");
    cli_json_key(j, "confidence"), cli_json_number(j, VMA_CONFIDENCE);
    cli_json_key(j, "lower"), cli_json_numbers(j, r->lower, r->S);
    cli_json_key(j, "upper"), cli_json_numbers(j, r->upper, r->S);
    cli_json_end_object(j);
}

/* {name: [frequency at each size]}, the features in the data set's order. */
static void frequency(cli_json *j, const vma_report *r)
{
    cli_json_begin_object(j);
    for (size_t col = 0; col < r->p; col++) {
        cli_json_key(j, r->names[col]), cli_json_begin_array(j);
        for (size_t s = 0; s < r->S; s++)
            cli_json_number(j, r->frequency[s * r->p + col]);
        cli_json_end_array(j);
    }
    cli_json_end_object(j);
}

static void chosen(cli_json *j, const vma_report *r)
{
    cli_json_begin_array(j);
    for (size_t s = 0; s < r->S; s++)
        counts(j, r->chosen + s * (r->p + 1), r->p + 1);
    cli_json_end_array(j);
}

void vma_write_json(FILE *out, const vma_report *r)
{
    cli_json j;
    cli_json_begin_report(&j, out, "vma");
    cli_json_key(&j, "request"), request(&j, r);
    cli_json_key(&j, "model"), model(&j, r);
    cli_json_key(&j, "sizes"), cli_json_begin_array(&j);
    for (size_t s = 0; s < r->S; s++)
        cli_json_uint(&j, r->sizes[s]);
    cli_json_end_array(&j);
    cli_json_key(&j, "trials"), cli_json_uint(&j, r->trials);
    cli_json_key(&j, "recovery_rate"), cli_json_numbers(&j, r->rate, r->S);
    cli_json_key(&j, "recovery_interval"), interval(&j, r);
    cli_json_key(&j, "failures"), counts(&j, r->failures, r->S);
    cli_json_key(&j, "mean_chosen_size"), cli_json_numbers(&j, r->mean_size, r->S);
    cli_json_key(&j, "selection_frequency"), frequency(&j, r);
    cli_json_key(&j, "chosen_size"), chosen(&j, r);
    cli_json_key(&j, "elapsed_s"), cli_json_number(&j, r->elapsed_s);
    cli_json_end_object(&j);
    int balanced = cli_json_finish(&j);
    assert(balanced == 0 && "vma_write_json opens and closes the same containers");
    (void)balanced;
}
