/* The result of `sparsemi remc`, copied out of the library through its accessors into
 * plain arrays (remc.h); the comparison with the exhaustive search of --exact; and the
 * human-readable table. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "search_options.h"
#include "remc.h"
#include "sparsemi.h"

/* The DOS is printed bin by bin when it has at most this many non-empty bins. */
#define DOS_ROWS 64

double remc_count(const remc_report *r, size_t b)
{
    double l = r->log_counts[b];
    return isinf(l) && l < 0 ? 0.0 : exp(l);
}

static int collect_ladder(remc_report *r, const smi_remc_result *res)
{
    r->R = smi_remc_result_n_replicas(res);
    r->ladder = calloc(r->R ? r->R : 1, sizeof *r->ladder);
    r->acceptance = calloc(r->R ? r->R : 1, sizeof *r->acceptance);
    r->exchange = calloc(r->R ? r->R : 1, sizeof *r->exchange);
    if (!r->ladder || !r->acceptance || !r->exchange)
        return cli_fail("out of memory");
    int status = smi_remc_result_ladder(res, r->R, r->ladder);
    if (status == SMI_OK)
        status = smi_remc_result_acceptance(res, r->R, r->acceptance);
    if (status == SMI_OK && r->R > 1)
        status = smi_remc_result_exchange_rates(res, r->R - 1, r->exchange);
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

static int collect_dos(remc_report *r, const smi_remc_result *res)
{
    r->n_bins = smi_remc_result_n_bins(res);
    r->edges = calloc(r->n_bins + 1, sizeof *r->edges);
    r->log_counts = calloc(r->n_bins + 1, sizeof *r->log_counts);
    r->errors = calloc(r->n_bins + 1, sizeof *r->errors);
    if (!r->edges || !r->log_counts || !r->errors)
        return cli_fail("out of memory");
    int status = smi_remc_result_dos(res, r->n_bins + 1, r->edges, r->log_counts, r->errors);
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

static int collect_top(remc_report *r, const smi_remc_result *res)
{
    size_t cap = r->p ? r->p : 1;
    r->n_top = smi_remc_result_n_top(res);
    r->top = calloc(r->n_top ? r->n_top : 1, sizeof *r->top);
    if (!r->top)
        return cli_fail("out of memory");
    for (size_t rank = 0; rank < r->n_top; rank++) {
        remc_model *m = &r->top[rank];
        if (!(m->features = calloc(cap, sizeof *m->features)))
            return cli_fail("out of memory");
        int status = smi_remc_result_model(res, rank, cap, m->features, &m->size, &m->criterion);
        if (status < 0)
            return cli_fail_library(status);
    }
    return CLI_EXIT_OK;
}

/* SMI_ENOTFOUND: no inclusion probabilities (criterion or ladder). */
static int collect_inclusion(remc_report *r, const smi_remc_result *res)
{
    r->inclusion = calloc(r->p ? r->p : 1, sizeof *r->inclusion);
    if (!r->inclusion)
        return cli_fail("out of memory");
    int status = smi_remc_result_posterior_inclusion(res, r->p, r->inclusion);
    if (status == SMI_ENOTFOUND)
        return CLI_EXIT_OK;
    if (status < 0)
        return cli_fail_library(status);
    r->has_inclusion = 1;
    return CLI_EXIT_OK;
}

static int collect_trace(remc_report *r, const smi_remc_result *res)
{
    r->n_sweeps = smi_remc_result_n_sweeps(res);
    size_t per = r->n_sweeps ? r->n_sweeps : 1;
    if (r->R > SIZE_MAX / sizeof *r->trace / per)
        return cli_fail("out of memory");
    r->trace = malloc((r->R ? r->R : 1) * per * sizeof *r->trace);
    if (!r->trace)
        return cli_fail("out of memory");
    for (size_t t = 0; t < r->R; t++) {
        int status = smi_remc_result_trace(res, t, per, r->trace + t * per);
        if (status < 0)
            return cli_fail_library(status);
    }
    return CLI_EXIT_OK;
}

int remc_report_collect(remc_report *r, const smi_remc_result *res)
{
    r->n_states = smi_remc_result_n_states(res);
    r->n_proposals = smi_remc_result_n_proposals(res);
    int rc = collect_ladder(r, res);
    if (rc == CLI_EXIT_OK)
        rc = collect_dos(r, res);
    if (rc == CLI_EXIT_OK)
        rc = collect_top(r, res);
    if (rc == CLI_EXIT_OK)
        rc = collect_inclusion(r, res);
    if (rc == CLI_EXIT_OK)
        rc = collect_trace(r, res);
    return rc;
}

void remc_report_compare(remc_report *r)
{
    const remc_exact *x = &r->exact;
    r->max_abs_log_error = 0.0;
    r->compared_bins = 0;
    for (size_t b = 0; b < x->n_bins && b < r->n_bins; b++) {
        if (x->counts[b] == 0 ||
            (double)x->counts[b] < REMC_EXACT_MIN_FRACTION * (double)x->n_models)
            continue;
        double d = fabs(r->log_counts[b] - log((double)x->counts[b])); /* inf: a bin missed */
        if (d > r->max_abs_log_error || isnan(d))
            r->max_abs_log_error = isnan(d) ? INFINITY : d;
        r->compared_bins++;
    }
    r->best_found = x->best_size != SIZE_MAX && r->n_top > 0 && r->top[0].size == x->best_size &&
                    memcmp(r->top[0].features, x->best, x->best_size * sizeof *x->best) == 0;
}

void remc_report_free(remc_report *r)
{
    for (size_t k = 0; r->top && k < r->n_top; k++)
        free(r->top[k].features);
    free(r->top);
    free(r->names);
    free(r->keep);
    free(r->ladder);
    free(r->acceptance);
    free(r->exchange);
    free(r->edges);
    free(r->log_counts);
    free(r->errors);
    free(r->inclusion);
    free(r->trace);
    free(r->exact.edges);
    free(r->exact.counts);
    free(r->exact.best);
}

/* ---- The table on stdout ------------------------------------------------------------ */

static void print_names(FILE *out, const remc_report *r, const size_t *features, size_t count)
{
    for (size_t k = 0; k < count; k++)
        fprintf(out, "%s%s", k ? ", " : "", r->names[features[k]]);
    if (count == 0)
        fputs("(intercept only)", out);
    fputc('\n', out);
}

static void print_header(FILE *out, const remc_report *r)
{
    fprintf(out, "data       %s\nsamples    %zu\nfeatures   %zu\ntarget     %s\n", r->data_path,
            r->n, r->p, r->target);
    fprintf(out, "criterion  %s%s", smi_criterion_name(r->criterion),
            r->intercept ? "" : " (no intercept)");
    if (!isnan(r->alpha))
        fprintf(out, ", alpha %.6g, beta %.6g", r->alpha, r->beta);
    /* fe-marg integrates lambda over its grid: only a0 and b0 then apply. */
    if (!isnan(r->fe.ng_lambda))
        fprintf(out, ", ng prior lambda %.6g", r->fe.ng_lambda);
    if (!isnan(r->fe.ng_a0))
        fprintf(out, "%s a0 %.6g, b0 %.6g", isnan(r->fe.ng_lambda) ? ", ng prior" : ",",
                r->fe.ng_a0, r->fe.ng_b0);
    fputc('\n', out);
    if (r->n_folds > 0) { /* as es prints them */
        fprintf(out, "folds      %zu", r->n_folds);
        if (r->fold_column)
            fprintf(out, " from column %s\n", r->fold_column);
        else if (r->fold_shuffle)
            fprintf(out, ", shuffled with seed %llu\n", r->fold_seed);
        else
            fputs(", not shuffled (sample i in fold i mod K)\n", out);
    }
    fprintf(out, "sizes      %zu to %zu%s\n", r->min_size, r->max_size,
            r->min_size == r->max_size && r->min_size > r->n_keep ? " (swap moves)" : "");
    if (r->n_keep > 0) {
        fputs("kept       ", out);
        print_names(out, r, r->keep, r->n_keep);
    }
    fprintf(out, "states     %.17g subsets\n", r->n_states);
    fprintf(out, "replicas   %zu, ", r->R);
    if (r->ladder_given)
        fputs("ladder given\n", out);
    else
        fprintf(out, "beta 0, then geometric up to %.6g\n", r->beta_max);
    fprintf(out, "sweeps     %zu after %zu of burn-in, seed %llu\n", r->sweeps, r->burn_in,
            (unsigned long long)r->seed);
    fprintf(out, "time       %.3g s with %zu thread%s", r->elapsed_s, r->threads,
            r->threads == 1 ? "" : "s");
    if (r->elapsed_s > 0)
        fprintf(out, " (%llu proposals, %.3g/s)", (unsigned long long)r->n_proposals,
                (double)r->n_proposals / r->elapsed_s);
    fputc('\n', out);
}

static void print_ladder(FILE *out, const remc_report *r)
{
    fputs("\nLadder: acceptance of the proposals, and of the exchanges with the next beta\n",
          out);
    fprintf(out, "%5s %12s %11s %9s\n", "i", "beta", "acceptance", "exchange");
    for (size_t i = 0; i < r->R; i++) {
        fprintf(out, "%5zu %12.6g %11.4f", i, r->ladder[i], r->acceptance[i]);
        if (i + 1 < r->R)
            fprintf(out, " %9.4f", r->exchange[i]);
        fputc('\n', out);
    }
}

static void print_models(FILE *out, const remc_report *r, size_t rows)
{
    const char *name = smi_criterion_name(r->criterion);
    if (rows > r->n_top)
        rows = r->n_top;
    fprintf(out, "\nTop %zu of the %zu best distinct models visited, by %s\n", rows, r->n_top,
            name);
    char heading[64];
    es_criterion_heading(heading, sizeof heading, r->criterion, r->target);
    fprintf(out, "%5s %14s %5s  %s\n", "rank", heading, "size", "features");
    for (size_t k = 0; k < rows; k++) {
        fprintf(out, "%5zu %14.8g %5zu  ", k + 1, r->top[k].criterion, r->top[k].size);
        print_names(out, r, r->top[k].features, r->top[k].size);
    }
}

static void print_inclusion(FILE *out, const remc_report *r)
{
    if (!r->has_inclusion)
        return;
    size_t order[20];
    size_t count = 0;
    unsigned char *shown = calloc(r->p ? r->p : 1, 1);
    if (!shown)
        return;
    while (count < 20) {
        size_t best = SIZE_MAX;
        for (size_t j = 0; j < r->p; j++)
            if (!shown[j] && (best == SIZE_MAX || r->inclusion[j] > r->inclusion[best]))
                best = j;
        if (best == SIZE_MAX)
            break;
        shown[best] = 1;
        order[count++] = best;
    }
    free(shown);
    fprintf(out, "\nPosterior inclusion probability at beta 1, uniform model prior "
                 "(top %zu of %zu features)\n", count, r->p);
    for (size_t k = 0; k < count; k++)
        fprintf(out, "%8.3f  %s\n", r->inclusion[order[k]], r->names[order[k]]);
}

/* The non-empty bins: edges, the estimate with its standard error, the exact count. */
static void print_dos(FILE *out, const remc_report *r)
{
    size_t used = 0;
    double sum = 0.0, worst = 0.0;
    for (size_t b = 0; b < r->n_bins; b++) {
        int exact = r->has_exact && r->exact.counts[b] > 0;
        if (isfinite(r->log_counts[b]) || exact)
            used++;
        sum += remc_count(r, b);
        if (isfinite(r->errors[b]) && r->errors[b] > worst)
            worst = r->errors[b];
    }
    fprintf(out, "\nDOS        %zu bins from %.8g to %.8g, %zu not empty; the estimates sum to "
                 "%.10g of %.17g subsets; standard error of ln D at most %.3g\n",
            r->n_bins, r->edges[0], r->edges[r->n_bins], used, sum, r->n_states, worst);
    if (used > DOS_ROWS) {
        fputs("           (bin by bin in the JSON)\n", out);
    } else {
        fprintf(out, "%14s %14s %14s %9s", "from", "to", "subsets", "se(ln D)");
        fputs(r->has_exact ? " " : "\n", out);
        if (r->has_exact)
            fprintf(out, "%14s %9s\n", "exact", "ln ratio");
        for (size_t b = 0; b < r->n_bins; b++) {
            int exact = r->has_exact && r->exact.counts[b] > 0;
            if (!isfinite(r->log_counts[b]) && !exact)
                continue;
            fprintf(out, "%14.8g %14.8g %14.6g %9.3g", r->edges[b], r->edges[b + 1],
                    remc_count(r, b), r->errors[b]);
            if (r->has_exact)
                fprintf(out, " %14llu %9.3g", (unsigned long long)r->exact.counts[b],
                        r->log_counts[b] - log((double)r->exact.counts[b]));
            fputc('\n', out);
        }
    }
    if (!r->has_exact)
        return;
    fprintf(out, "exact      %s: %llu models; max |ln D_remc - ln D_exact| = %.4g over the %zu "
                 "bins holding at least %g of them; best model %s\n",
            r->exact.path, (unsigned long long)r->exact.n_models, r->max_abs_log_error,
            r->compared_bins, REMC_EXACT_MIN_FRACTION,
            r->best_found ? "found" : "NOT found");
}

void remc_print_table(FILE *out, const remc_report *r, size_t rows)
{
    print_header(out, r);
    print_ladder(out, r);
    print_models(out, r, rows);
    print_inclusion(out, r);
    print_dos(out, r);
}
