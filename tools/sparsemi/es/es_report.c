/* The result of `sparsemi es`, copied out of the library through its accessors into
 * plain arrays (es.h), and printed as a human-readable table. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "es.h"
#include "sparsemi.h"

/* The most features listed in the frequency table on stdout. */
#define FREQUENCY_ROWS 20

const char *es_feature_name(const es_report *r, size_t j)
{
    return r->names[j];
}

/* Room for a model of up to `cap` features (at least one, so malloc never gets 0). */
static int model_alloc(es_model *m, size_t cap)
{
    cap = cap ? cap : 1;
    m->features = calloc(cap, sizeof *m->features);
    m->coefficients = calloc(cap, sizeof *m->coefficients);
    return m->features && m->coefficients ? 0 : -1;
}

static int collect_top(es_report *r, const smi_search_result *res)
{
    r->n_top = smi_search_result_n_top(res);
    r->top = calloc(r->n_top ? r->n_top : 1, sizeof *r->top);
    if (!r->top)
        return cli_fail("out of memory");
    for (size_t rank = 0; rank < r->n_top; rank++) {
        es_model *m = &r->top[rank];
        if (model_alloc(m, r->max_size) < 0)
            return cli_fail("out of memory");
        int status = smi_search_result_model(res, rank, r->max_size, m->features, m->coefficients,
                                      &m->size, &m->criterion, &m->intercept, &m->rmse);
        if (status < 0)
            return cli_fail_library(status);
    }
    return CLI_EXIT_OK;
}

/* Sizes that were not searched, or had only singular subsets, keep size SIZE_MAX. */
static int collect_by_size(es_report *r, const smi_search_result *res)
{
    r->by_size = calloc(r->max_size + 1, sizeof *r->by_size);
    if (!r->by_size)
        return cli_fail("out of memory");
    for (size_t k = 0; k <= r->max_size; k++) {
        es_model *m = &r->by_size[k];
        m->size = SIZE_MAX;
        if (k < r->min_size)
            continue;
        if (model_alloc(m, k) < 0)
            return cli_fail("out of memory");
        int status = smi_search_result_best_of_size(res, k, k, m->features, m->coefficients,
                                             &m->criterion, &m->intercept, &m->rmse);
        if (status == SMI_OK)
            m->size = k;
        else if (status != SMI_ENOTFOUND)
            return cli_fail_library(status);
    }
    return CLI_EXIT_OK;
}

static int collect_dos(es_report *r, const smi_search_result *res)
{
    r->n_bins = smi_search_result_n_bins(res);
    r->edges = calloc(r->n_bins + 1, sizeof *r->edges);
    r->counts = calloc(r->n_bins + 1, sizeof *r->counts);
    r->frequency = calloc(r->p ? r->p : 1, sizeof *r->frequency);
    if (!r->edges || !r->counts || !r->frequency)
        return cli_fail("out of memory");
    int status = smi_search_result_dos(res, r->n_bins + 1, r->edges, r->counts, &r->below, &r->above);
    if (status == SMI_OK)
        status = smi_search_result_feature_frequency(res, r->p, r->frequency);
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

/* The model posterior, when the result has one (SMI_ENOTFOUND: it has none). */
static int collect_posterior(es_report *r, const smi_search_result *res)
{
    int status = smi_search_result_log_evidence_total(res, &r->log_evidence_total);
    if (status == SMI_ENOTFOUND)
        return CLI_EXIT_OK;
    r->inclusion = calloc(r->p ? r->p : 1, sizeof *r->inclusion);
    r->size_posterior = calloc(r->max_size + 1, sizeof *r->size_posterior);
    r->dos_posterior = calloc(r->n_bins ? r->n_bins : 1, sizeof *r->dos_posterior);
    r->average = calloc(r->p ? r->p : 1, sizeof *r->average);
    if (!r->inclusion || !r->size_posterior || !r->dos_posterior || !r->average)
        return cli_fail("out of memory");
    if (status == SMI_OK)
        status = smi_search_result_posterior_inclusion(res, r->p, r->inclusion);
    if (status == SMI_OK)
        status = smi_search_result_size_posterior(res, r->max_size + 1, r->size_posterior);
    if (status == SMI_OK)
        status = smi_search_result_dos_posterior(res, r->n_bins, r->dos_posterior);
    if (status == SMI_OK)
        status = smi_search_result_model_average(res, r->p, r->average, &r->average_intercept,
                                          &r->average_mass);
    if (status < 0)
        return cli_fail_library(status);
    r->has_posterior = 1;
    return CLI_EXIT_OK;
}

int es_is_grid_criterion(int criterion)
{
    return (smi_criterion_flags(criterion) & SMI_CRITERION_RATIO_GRID) != 0;
}

int es_report_collect(es_report *r, const smi_search_result *res)
{
    r->p = smi_search_result_p(res);
    r->criterion = smi_search_result_criterion(res);
    r->max_size = smi_search_result_max_size(res);
    r->n_models = smi_search_result_n_models(res);
    r->n_singular = smi_search_result_n_singular(res);
    r->n_nonfinite = smi_search_result_n_nonfinite(res);
    r->quadrature_error = smi_search_result_quadrature_error(res);
    r->grid_edge_models = smi_search_result_grid_edge_models(res);
    snprintf(r->caveat, sizeof r->caveat, "%s", smi_search_result_caveat(res));
    if (r->caveat[0]) /* a success with a caveat (the ratio grid): a warning */
        fprintf(stderr, "sparsemi: warning: %s\n", r->caveat);
    int rc = collect_top(r, res);
    if (rc == CLI_EXIT_OK)
        rc = collect_by_size(r, res);
    if (rc == CLI_EXIT_OK)
        rc = collect_dos(r, res);
    if (rc == CLI_EXIT_OK)
        rc = collect_posterior(r, res);
    return rc;
}

static void model_free(es_model *m)
{
    free(m->features);
    free(m->coefficients);
}

void es_report_free(es_report *r)
{
    for (size_t k = 0; r->top && k < r->n_top; k++)
        model_free(&r->top[k]);
    for (size_t k = 0; r->by_size && k <= r->max_size; k++)
        model_free(&r->by_size[k]);
    free(r->top);
    free(r->by_size);
    free(r->keep);
    free(r->names);
    free(r->shards);
    free(r->edges);
    free(r->counts);
    free(r->frequency);
    free(r->inclusion);
    free(r->size_posterior);
    free(r->dos_posterior);
    free(r->average);
}

/* ---- The table on stdout ------------------------------------------------------------ */

/* The best models whose fitted equation the table shows. */
#define ES_TABLE_COEFFICIENT_ROWS 5

static void print_names(FILE *out, const es_report *r, const size_t *features, size_t count)
{
    for (size_t k = 0; k < count; k++)
        fprintf(out, "%s%s", k ? ", " : "", es_feature_name(r, features[k]));
    if (count == 0)
        fputs("(intercept only)", out);
    fputc('\n', out);
}

static void print_folds(FILE *out, const es_report *r)
{
    if (r->n_folds == 0)
        return;
    fprintf(out, "folds      %zu", r->n_folds);
    if (r->fold_column)
        fprintf(out, " from column %s\n", r->fold_column);
    else if (r->fold_shuffle)
        fprintf(out, ", shuffled with seed %llu\n", r->fold_seed);
    else
        fputs(", not shuffled (sample i in fold i mod K)\n", out);
}

/* The settings of the free-energy criteria that the criterion uses. */
static void print_fe(FILE *out, const es_report *r)
{
    const es_fe_options *fe = &r->fe;
    if (!isnan(fe->ng_a0)) {
        fputs("ng prior   ", out);
        if (!isnan(fe->ng_lambda))
            fprintf(out, "lambda %.6g, ", fe->ng_lambda);
        fprintf(out, "a0 %.6g, b0 %.6g\n", fe->ng_a0, fe->ng_b0);
    }
    if (fe->ratio_n > 0)
        fprintf(out, "ratios     %zu values of alpha/beta from %.6g to %.6g\n", fe->ratio_n,
                fe->ratio_lo, fe->ratio_hi);
    es_print_sigma_grid(out, fe);
    char prior[64];
    es_model_prior_text(prior, sizeof prior, fe);
    if (fe->model_prior >= 0)
        fprintf(out, "prior      %s%s\n", prior,
                fe->model_prior == SMI_MODEL_PRIOR_NONE ? " (no model posterior)" : "");
}

/* "shard      1 of 3" for one shard; "shards     0, 1, 2 of 3" for a merge. */
static void print_shards(FILE *out, const es_report *r)
{
    if (r->shard_count == 0)
        return;
    fprintf(out, "shard%s     ", r->n_shards == 1 ? " " : "s");
    for (size_t k = 0; k < r->n_shards; k++)
        fprintf(out, "%s%zu", k ? ", " : "", r->shards[k]);
    fprintf(out, " of %zu%s\n", r->shard_count,
            r->inputs && r->n_shards < r->shard_count ? " (incomplete)" : "");
}

/* The wall time of the search; a merge has none (saved results do not record it). */
static void print_time(FILE *out, const es_report *r)
{
    if (r->inputs) {
        fprintf(out, "merged     %zu result%s\n", r->n_inputs, r->n_inputs == 1 ? "" : "s");
        return;
    }
    double visited = (double)r->n_models + (double)r->n_singular + (double)r->n_nonfinite;
    fprintf(out, "time       %.3g s with %zu thread%s", r->elapsed_s, r->threads,
            r->threads == 1 ? "" : "s");
    if (r->elapsed_s > 0)
        fprintf(out, " (%.3g subsets/s)", visited / r->elapsed_s);
    fputc('\n', out);
}

const char *es_data_label(const es_report *r)
{
    const char *path = r->data_path ? r->data_path : r->n_inputs ? r->inputs[0] : "?";
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void print_header(FILE *out, const es_report *r)
{
    const char *name = smi_criterion_name(r->criterion);
    fprintf(out, "data       %s%s\nsamples    %zu\nfeatures   %zu\ntarget     %s\n",
            r->data_path ? r->data_path : es_data_label(r),
            r->data_path ? "" : " (a saved result: the data file is not recorded)",
            r->n, r->p, r->target);
    fprintf(out, "criterion  %s%s\n", name, r->intercept ? "" : " (no intercept)");
    print_folds(out, r);
    fprintf(out, "sizes      %zu to %zu\n", r->min_size, r->max_size);
    if (r->n_keep > 0) {
        fputs("kept       ", out);
        print_names(out, r, r->keep, r->n_keep);
    }
    print_fe(out, r);
    print_shards(out, r);
    fprintf(out, "subsets    %llu scored, %llu singular", (unsigned long long)r->n_models,
            (unsigned long long)r->n_singular);
    if (r->n_nonfinite > 0) /* criteria out of the range of a double: not scored */
        fprintf(out, ", %llu with a non-finite criterion", (unsigned long long)r->n_nonfinite);
    fputc('\n', out);
    if (es_is_grid_criterion(r->criterion) && !isnan(r->quadrature_error))
        fprintf(out, "grid error %.3g in F (largest of the top models), %zu at an end of the "
                "ratio grid\n", r->quadrature_error, r->grid_edge_models);
    print_time(out, r);
}

/* One model: its rank (or size), criterion, RMSE, and with `with_size` its size. */
/* The column headings with their units: the criterion's ("cv [MSE, y^2]" for the
 * held-out errors and RSS, none for the information criteria and free energies), the CV
 * RMSE in y's units beside a held-out MSE, and the training RMSE in y's units. */
static void model_headings(FILE *out, const es_report *r, const char *first, int with_size)
{
    char crit[64], cv_rmse[64], rmse[64];
    int held_out = es_criterion_uses(r->criterion, SMI_CRITERION_HELD_OUT);
    es_criterion_heading(crit, sizeof crit, r->criterion, r->target);
    snprintf(cv_rmse, sizeof cv_rmse, "CV RMSE [%s]", r->target);
    snprintf(rmse, sizeof rmse, "train RMSE [%s]", r->target);
    fprintf(out, "%5s %22s ", first, crit);
    if (held_out)
        fprintf(out, "%20s ", cv_rmse);
    fprintf(out, "%20s ", rmse);
    if (with_size)
        fprintf(out, "%5s ", "size");
    fputs(" features\n", out);
}

static void print_model_row(FILE *out, const es_report *r, size_t label, const es_model *m,
                            int with_size)
{
    fprintf(out, "%5zu %22.8g ", label, m->criterion);
    if (es_criterion_uses(r->criterion, SMI_CRITERION_HELD_OUT))
        fprintf(out, "%20.6g ", sqrt(m->criterion)); /* the MSE in the target's units */
    fprintf(out, "%20.6g ", m->rmse);
    if (with_size)
        fprintf(out, "%5zu ", m->size);
    fputc(' ', out);
    print_names(out, r, m->features, m->size);
}

/* The fitted equations of the best `rows` models, in the data's units. */
static void print_coefficients(FILE *out, const es_report *r, size_t rows)
{
    if (rows == 0)
        return;
    fprintf(out, "\nCoefficients of the best %zu model%s (%s = intercept + sum of "
            "coefficient * feature, least squares on all samples)\n", rows,
            rows == 1 ? "" : "s", r->target);
    for (size_t k = 0; k < rows; k++) {
        const es_model *m = &r->top[k];
        fprintf(out, "%5zu  %s =", k + 1, r->target);
        if (r->intercept)
            fprintf(out, " %.6g", m->intercept);
        for (size_t t = 0; t < m->size; t++)
            fprintf(out, " %s %.6g %s", t == 0 && !r->intercept ? "" : m->coefficients[t] < 0
                                                                          ? "-" : "+",
                    t == 0 && !r->intercept ? m->coefficients[t] : fabs(m->coefficients[t]),
                    es_feature_name(r, m->features[t]));
        fputc('\n', out);
    }
}

static void print_models(FILE *out, const es_report *r, size_t rows)
{
    const char *name = smi_criterion_name(r->criterion);
    if (rows > r->n_top)
        rows = r->n_top;
    fprintf(out, "\nTop %zu of %zu models kept, by %s\n", rows, r->n_top, name);
    model_headings(out, r, "rank", 1);
    for (size_t k = 0; k < rows; k++)
        print_model_row(out, r, k + 1, &r->top[k], 1);
    print_coefficients(out, r, rows < ES_TABLE_COEFFICIENT_ROWS ? rows
                                                                : ES_TABLE_COEFFICIENT_ROWS);
    fprintf(out, "\nBest model of each size\n");
    model_headings(out, r, "size", 0);
    for (size_t k = 0; k <= r->max_size; k++)
        if (r->by_size[k].size != SIZE_MAX)
            print_model_row(out, r, k, &r->by_size[k], 0);
}

size_t es_rank_features(const es_report *r, const double *values, int skip_zero,
                        size_t *order, size_t cap)
{
    unsigned char *shown = calloc(r->p ? r->p : 1, 1);
    size_t count = 0;
    if (!shown)
        return 0;
    while (count < cap) {
        size_t best = SIZE_MAX;
        for (size_t j = 0; j < r->p; j++)
            if (!shown[j] && !(skip_zero && !(values[j] > 0)) &&
                (best == SIZE_MAX || values[j] > values[best]))
                best = j;
        if (best == SIZE_MAX)
            break;
        shown[best] = 1;
        order[count++] = best;
    }
    free(shown);
    return count;
}

/* The features by `values`, largest first, at most FREQUENCY_ROWS of them. */
static void print_ranked(FILE *out, const es_report *r, const double *values, int skip_zero)
{
    size_t order[FREQUENCY_ROWS];
    size_t count = es_rank_features(r, values, skip_zero, order, FREQUENCY_ROWS);
    for (size_t k = 0; k < count; k++)
        fprintf(out, "%8.3f  %s\n", values[order[k]], es_feature_name(r, order[k]));
}

/* The most frequent features first (ties in data set order), those never used left out. */
static void print_frequency(FILE *out, const es_report *r)
{
    fprintf(out, "\nFeatures in the top %zu models (fraction of models)\n", r->n_top);
    print_ranked(out, r, r->frequency, 1);
}

/* The evidence of the whole family of models and the inclusion probabilities. */
static void print_posterior(FILE *out, const es_report *r)
{
    if (!r->has_posterior)
        return;
    char prior[64];
    es_model_prior_text(prior, sizeof prior, &r->fe);
    fprintf(out, "\nModel posterior (model prior %s)\n", prior);
    fprintf(out, "log evidence  %.10g  (ln of the sum over models of p(y|S) p(S))\n",
            r->log_evidence_total);
    fprintf(out, "Posterior inclusion probability (top %zu of %zu features)\n",
            r->p < FREQUENCY_ROWS ? r->p : (size_t)FREQUENCY_ROWS, r->p);
    print_ranked(out, r, r->inclusion, 0);
    fprintf(out, "Model-averaged coefficients (%s", r->average_mass == 1.0 ? "every model)\n"
                                                                            : "top models, ");
    if (r->average_mass != 1.0)
        fprintf(out, "posterior mass %.6g)\n", r->average_mass);
    fprintf(out, "  %-24s %14.6g\n", "(intercept)", r->average_intercept);
    for (size_t j = 0; j < r->p; j++)
        if (r->inclusion[j] >= 0.01)
            fprintf(out, "  %-24s %14.6g\n", es_feature_name(r, j), r->average[j]);
}

void es_print_table(FILE *out, const es_report *r, size_t rows)
{
    print_header(out, r);
    if (r->n_models == 0) {
        fputs(r->n_nonfinite > 0
                  ? "\nNo model: every subset in the size range is singular or has a non-finite "
                    "criterion.\n"
                  : r->n_singular > 0 || r->shard_count == 0
                  ? "\nNo model: every subset in the size range is singular.\n"
                  : "\nNo model: this shard holds no subset of the size range.\n", out);
        return;
    }
    print_models(out, r, rows);
    print_frequency(out, r);
    fprintf(out, "\nDOS        %zu bins from %.8g to %.8g", r->n_bins, r->edges[0],
            r->edges[r->n_bins]);
    if (r->below || r->above)
        fprintf(out, "; %llu below, %llu above", (unsigned long long)r->below,
                (unsigned long long)r->above);
    fputc('\n', out);
    print_posterior(out, r);
}
