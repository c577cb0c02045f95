/* The result of `sparsemi es`, copied out of the library through its accessors into
 * plain arrays (es.h), and printed as a human-readable table. */
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

const char *es_criterion_label(int criterion)
{
    switch (criterion) {
    case SMI_CRIT_RSS: return "RSS";
    case SMI_CRIT_AIC: return "AIC";
    case SMI_CRIT_BIC: return "BIC";
    case SMI_CRIT_FE: return "free energy F";
    case SMI_CRIT_CV: return "CV mean squared error";
    case SMI_CRIT_LOO: return "LOO mean squared error";
    case SMI_CRIT_FE_NG: return "free energy F (normal-gamma prior)";
    }
    const char *name = smi_criterion_name(criterion); /* one added to the library later */
    return name ? name : "criterion";
}

/* Room for a model of up to `cap` features (at least one, so malloc never gets 0). */
static int model_alloc(es_model *m, size_t cap)
{
    cap = cap ? cap : 1;
    m->features = calloc(cap, sizeof *m->features);
    m->coefficients = calloc(cap, sizeof *m->coefficients);
    return m->features && m->coefficients ? 0 : -1;
}

static int collect_top(es_report *r, const smi_result *res)
{
    r->n_top = smi_result_n_top(res);
    r->top = calloc(r->n_top ? r->n_top : 1, sizeof *r->top);
    if (!r->top)
        return cli_fail("out of memory");
    for (size_t rank = 0; rank < r->n_top; rank++) {
        es_model *m = &r->top[rank];
        if (model_alloc(m, r->max_size) < 0)
            return cli_fail("out of memory");
        int status = smi_result_model(res, rank, r->max_size, m->features, m->coefficients,
                                      &m->size, &m->criterion, &m->intercept, &m->rmse);
        if (status < 0)
            return cli_fail_library(status);
    }
    return CLI_EXIT_OK;
}

/* Sizes that were not searched, or had only singular subsets, keep size SIZE_MAX. */
static int collect_by_size(es_report *r, const smi_result *res)
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
        int status = smi_result_best_of_size(res, k, k, m->features, m->coefficients,
                                             &m->criterion, &m->intercept, &m->rmse);
        if (status == SMI_OK)
            m->size = k;
        else if (status != SMI_ENOTFOUND)
            return cli_fail_library(status);
    }
    return CLI_EXIT_OK;
}

static int collect_dos(es_report *r, const smi_result *res)
{
    r->n_bins = smi_result_n_bins(res);
    r->edges = calloc(r->n_bins + 1, sizeof *r->edges);
    r->counts = calloc(r->n_bins + 1, sizeof *r->counts);
    r->frequency = calloc(r->p ? r->p : 1, sizeof *r->frequency);
    if (!r->edges || !r->counts || !r->frequency)
        return cli_fail("out of memory");
    int status = smi_result_dos(res, r->n_bins + 1, r->edges, r->counts, &r->below, &r->above);
    if (status == SMI_OK)
        status = smi_result_feature_frequency(res, r->p, r->frequency);
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

int es_report_collect(es_report *r, const smi_result *res)
{
    r->p = smi_result_p(res);
    r->criterion = smi_result_criterion(res);
    r->max_size = smi_result_max_size(res);
    r->n_models = smi_result_n_models(res);
    r->n_singular = smi_result_n_singular(res);
    int rc = collect_top(r, res);
    if (rc == CLI_EXIT_OK)
        rc = collect_by_size(r, res);
    if (rc == CLI_EXIT_OK)
        rc = collect_dos(r, res);
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
}

/* ---- The table on stdout ------------------------------------------------------------ */

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

static void print_header(FILE *out, const es_report *r)
{
    const char *name = smi_criterion_name(r->criterion);
    fprintf(out, "data       %s\nsamples    %zu\nfeatures   %zu\ntarget     %s\n", r->data_path,
            r->n, r->p, r->target);
    fprintf(out, "criterion  %s%s\n", name, r->intercept ? "" : " (no intercept)");
    print_folds(out, r);
    fprintf(out, "sizes      %zu to %zu\n", r->min_size, r->max_size);
    if (r->n_keep > 0) {
        fputs("kept       ", out);
        print_names(out, r, r->keep, r->n_keep);
    }
    print_shards(out, r);
    fprintf(out, "subsets    %llu scored, %llu singular\n", (unsigned long long)r->n_models,
            (unsigned long long)r->n_singular);
    double visited = (double)r->n_models + (double)r->n_singular;
    fprintf(out, "time       %.3g s with %zu thread%s", r->elapsed_s, r->threads,
            r->threads == 1 ? "" : "s");
    if (r->n_inputs > 1)
        fprintf(out, ", summed over %zu results", r->n_inputs);
    if (r->elapsed_s > 0)
        fprintf(out, " (%.3g subsets/s)", visited / r->elapsed_s);
    fputc('\n', out);
}

/* One model: its rank (or size), criterion, RMSE, and with `with_size` its size. */
static void print_model_row(FILE *out, const es_report *r, size_t label, const es_model *m,
                            int with_size)
{
    fprintf(out, "%5zu %14.8g %12.6g ", label, m->criterion, m->rmse);
    if (with_size)
        fprintf(out, "%5zu ", m->size);
    fputc(' ', out);
    print_names(out, r, m->features, m->size);
}

static void print_models(FILE *out, const es_report *r, size_t rows)
{
    const char *name = smi_criterion_name(r->criterion);
    if (rows > r->n_top)
        rows = r->n_top;
    fprintf(out, "\nTop %zu of %zu models kept, by %s\n", rows, r->n_top, name);
    fprintf(out, "%5s %14s %12s %5s  %s\n", "rank", name, "rmse", "size", "features");
    for (size_t k = 0; k < rows; k++)
        print_model_row(out, r, k + 1, &r->top[k], 1);
    fprintf(out, "\nBest model of each size\n");
    fprintf(out, "%5s %14s %12s  %s\n", "size", name, "rmse", "features");
    for (size_t k = 0; k <= r->max_size; k++)
        if (r->by_size[k].size != SIZE_MAX)
            print_model_row(out, r, k, &r->by_size[k], 0);
}

/* The most frequent features first (ties in data set order), those never used left out. */
static void print_frequency(FILE *out, const es_report *r)
{
    unsigned char *shown = calloc(r->p ? r->p : 1, 1);
    if (!shown)
        return;
    fprintf(out, "\nFeatures in the top %zu models (fraction of models)\n", r->n_top);
    for (size_t row = 0; row < FREQUENCY_ROWS; row++) {
        size_t best = SIZE_MAX;
        for (size_t j = 0; j < r->p; j++)
            if (!shown[j] && r->frequency[j] > 0 &&
                (best == SIZE_MAX || r->frequency[j] > r->frequency[best]))
                best = j;
        if (best == SIZE_MAX)
            break;
        shown[best] = 1;
        fprintf(out, "%8.3f  %s\n", r->frequency[best], es_feature_name(r, best));
    }
    free(shown);
}

void es_print_table(FILE *out, const es_report *r, size_t rows)
{
    print_header(out, r);
    if (r->n_models == 0) {
        fputs(r->n_singular > 0 || r->shard_count == 0
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
}
