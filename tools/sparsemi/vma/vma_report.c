/* The result of `sparsemi vma`, copied out of the library through its accessors into plain
 * arrays (vma_cli.h), with what the table and the picture add: Wilson's interval of each
 * recovery rate and the mean size chosen; and the human-readable table. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "search_options.h"
#include "sparsemi.h"
#include "vma_cli.h"

void vma_wilson(double rate, size_t trials, double z, double *lo, double *hi)
{
    double T = (double)trials, z2 = z * z;
    double centre = (rate + z2 / (2.0 * T)) / (1.0 + z2 / T);
    double half = z / (1.0 + z2 / T) * sqrt(rate * (1.0 - rate) / T + z2 / (4.0 * T * T));
    *lo = fmax(0.0, centre - half);
    *hi = fmin(1.0, centre + half);
}

void vma_feature_order(const vma_report *r, size_t *order)
{
    size_t n = 0;
    for (size_t k = 0; k < r->k; k++)
        order[n++] = r->features[k];
    for (size_t j = 0; j < r->p; j++)
        if (!r->in_model[j])
            order[n++] = j;
}

static int collect_model(vma_report *r, const smi_vma_result *res)
{
    size_t k = 0;
    double intercept = NAN, noise = NAN;
    free(r->coefficients);
    if (!(r->coefficients = calloc(r->k ? r->k : 1, sizeof *r->coefficients)) ||
        !(r->in_model = calloc(r->p ? r->p : 1, 1)))
        return cli_fail("out of memory");
    int status = smi_vma_result_model(res, r->k, r->features, r->coefficients, &k, &intercept, &noise);
    if (status < 0)
        return cli_fail_library(status);
    r->intercept_value = intercept;
    r->noise_sd = noise;
    for (size_t i = 0; i < k; i++)
        r->in_model[r->features[i]] = 1;
    return CLI_EXIT_OK;
}

static int allocate(vma_report *r)
{
    size_t S = r->S ? r->S : 1, p = r->p;
    r->sizes = calloc(S, sizeof *r->sizes);
    r->rate = calloc(S, sizeof *r->rate);
    r->lower = calloc(S, sizeof *r->lower);
    r->upper = calloc(S, sizeof *r->upper);
    r->failures = calloc(S, sizeof *r->failures);
    r->chosen = calloc(S * (p + 1), sizeof *r->chosen);
    r->frequency = calloc(S * (p ? p : 1), sizeof *r->frequency);
    r->mean_size = calloc(S, sizeof *r->mean_size);
    if (!r->sizes || !r->rate || !r->lower || !r->upper || !r->failures || !r->chosen ||
        !r->frequency || !r->mean_size)
        return cli_fail("out of memory");
    return CLI_EXIT_OK;
}

/* Per size: the interval of the rate, and the mean size over the data sets that chose. */
static void derive(vma_report *r)
{
    for (size_t s = 0; s < r->S; s++) {
        vma_wilson(r->rate[s], r->trials, VMA_Z, &r->lower[s], &r->upper[s]);
        const uint64_t *c = r->chosen + s * (r->p + 1);
        double sum = 0.0, count = 0.0;
        for (size_t k = 0; k <= r->p; k++) {
            sum += (double)k * (double)c[k];
            count += (double)c[k];
        }
        r->mean_size[s] = count > 0 ? sum / count : NAN;
    }
}

int vma_report_collect(vma_report *r, const smi_vma_result *res)
{
    r->S = smi_vma_result_n_sizes(res);
    r->trials = smi_vma_result_trials(res);
    if (smi_vma_result_p(res) != r->p)
        return cli_fail("internal error: the result has %zu features, the data %zu",
                        smi_vma_result_p(res), r->p);
    int rc = collect_model(r, res);
    if (rc == CLI_EXIT_OK)
        rc = allocate(r);
    if (rc != CLI_EXIT_OK)
        return rc;
    size_t S = r->S, p = r->p;
    int status = smi_vma_result_sizes(res, S, r->sizes);
    if (status == SMI_OK)
        status = smi_vma_result_recovery_rate(res, S, r->rate);
    if (status == SMI_OK)
        status = smi_vma_result_failures(res, S, r->failures);
    if (status == SMI_OK)
        status = smi_vma_result_chosen_size(res, S * (p + 1), r->chosen);
    if (status == SMI_OK)
        status = smi_vma_result_selection_frequency(res, S * p, r->frequency);
    if (status < 0)
        return cli_fail_library(status);
    derive(r);
    return CLI_EXIT_OK;
}

void vma_report_free(vma_report *r)
{
    free(r->names);
    free(r->keep);
    free(r->features);
    free(r->coefficients);
    free(r->sizes);
    free(r->rate);
    free(r->lower);
    free(r->upper);
    free(r->failures);
    free(r->chosen);
    free(r->frequency);
    free(r->mean_size);
    free(r->in_model);
}

/* ---- The table on stdout ------------------------------------------------------------ */

static size_t name_width(const vma_report *r)
{
    size_t w = strlen("(intercept)");
    for (size_t j = 0; j < r->p; j++)
        if (strlen(r->names[j]) > w)
            w = strlen(r->names[j]);
    return w;
}

static void print_model(FILE *out, const vma_report *r)
{
    int width = (int)name_width(r);
    fprintf(out, "true model %zu feature%s; coefficients %s\n", r->k, r->k == 1 ? "" : "s",
            r->coefficients_estimated ? "by least squares on the data"
            : r->intercept_estimated  ? "given, intercept through the data's means"
                                      : "and intercept given");
    for (size_t k = 0; k < r->k; k++)
        fprintf(out, "           %-*s %15.8g\n", width, r->names[r->features[k]],
                r->coefficients[k]);
    fprintf(out, "           %-*s %15.8g\n", width, "(intercept)", r->intercept_value);
    fprintf(out, "noise sd   %.8g%s\n", r->noise_sd,
            r->noise_estimated ? " (estimated: the evidence optimum of the model on the data)"
                               : " (given)");
}

static void print_method(FILE *out, const vma_report *r)
{
    if (r->method == VMA_METHOD_LASSO) {
        fprintf(out, "method     lasso: the support at lambda_%s of %zu-fold cross-validation",
                r->one_se ? "1se" : "min", r->cv);
        if (r->mixing != 1.0)
            fprintf(out, ", elastic net alpha %.6g", r->mixing);
        fputc('\n', out);
        return;
    }
    fprintf(out, "method     es: the best model by %s%s, sizes %zu to %zu",
            smi_criterion_name(r->criterion), r->intercept ? "" : " (no intercept)", r->min_size,
            r->max_size);
    if (!isnan(r->alpha))
        fprintf(out, ", alpha %.6g, beta %.6g", r->alpha, r->beta);
    if (!isnan(r->fe.ng_lambda))
        fprintf(out, ", ng prior lambda %.6g", r->fe.ng_lambda);
    if (!isnan(r->fe.ng_a0))
        fprintf(out, "%s a0 %.6g, b0 %.6g", isnan(r->fe.ng_lambda) ? ", ng prior" : ",",
                r->fe.ng_a0, r->fe.ng_b0);
    if (!isnan(r->fe.ratio_lo))
        fprintf(out, ", %zu ratios %.6g to %.6g", r->fe.ratio_n, r->fe.ratio_lo, r->fe.ratio_hi);
    if (r->folds > 0)
        fprintf(out, ", %zu shuffled folds per data set", r->folds);
    fputc('\n', out);
    if (r->n_keep > 0) {
        fputs("kept      ", out);
        for (size_t k = 0; k < r->n_keep; k++)
            fprintf(out, "%s %s", k ? "," : "", r->names[r->keep[k]]);
        fputc('\n', out);
    }
}

static void print_header(FILE *out, const vma_report *r)
{
    fprintf(out, "data       %s\nsamples    %zu\nfeatures   %zu candidates\ntarget     %s\n",
            r->data_path, r->n, r->p, r->target);
    print_model(out, r);
    if (r->rows == SMI_VMA_GAUSSIAN)
        fprintf(out, "rows       Gaussian, with the mean and covariance of the data's %zu rows\n",
                r->n);
    else
        fprintf(out, "rows       resampled from the data's %zu rows\n", r->n);
    print_method(out, r);
    fprintf(out, "trials     %zu data sets per size, seed %llu\n", r->trials,
            (unsigned long long)r->seed);
    double total = (double)r->S * (double)r->trials;
    fprintf(out, "time       %.3g s with %zu thread%s", r->elapsed_s, r->threads,
            r->threads == 1 ? "" : "s");
    if (r->elapsed_s > 0)
        fprintf(out, " (%.0f data sets, %.3g/s)", total, total / r->elapsed_s);
    fputc('\n', out);
}

static void print_recovery(FILE *out, const vma_report *r)
{
    fputs("\nRecovery of exactly the true model (", out);
    for (size_t k = 0; k < r->k; k++)
        fprintf(out, "%s%s", k ? ", " : "", r->names[r->features[k]]);
    fprintf(out, ") per sample size n', with Wilson's %.0f%% interval\n", 100 * VMA_CONFIDENCE);
    fprintf(out, "%10s %10s %17s %9s %10s\n", "n'", "recovered", "interval", "failures",
            "mean size");
    for (size_t s = 0; s < r->S; s++) {
        char interval[40];
        snprintf(interval, sizeof interval, "[%.3f, %.3f]", r->lower[s], r->upper[s]);
        fprintf(out, "%10zu %10.3f %17s %9llu", r->sizes[s], r->rate[s], interval,
                (unsigned long long)r->failures[s]);
        if (isnan(r->mean_size[s]))
            fprintf(out, " %10s\n", "-");
        else
            fprintf(out, " %10.2f\n", r->mean_size[s]);
    }
}

static void print_frequency(FILE *out, const vma_report *r)
{
    size_t *order = calloc(r->p ? r->p : 1, sizeof *order);
    if (!order)
        return;
    vma_feature_order(r, order);
    int width = (int)name_width(r);
    fputs("\nSelection frequency of each feature (* in the true model)\n", out);
    fprintf(out, "  %-*s", width, "feature");
    for (size_t s = 0; s < r->S; s++) {
        char head[32];
        snprintf(head, sizeof head, "n'=%zu", r->sizes[s]);
        fprintf(out, " %9s", head);
    }
    fputc('\n', out);
    for (size_t i = 0; i < r->p; i++) {
        size_t j = order[i];
        fprintf(out, "%c %-*s", r->in_model[j] ? '*' : ' ', width, r->names[j]);
        for (size_t s = 0; s < r->S; s++)
            fprintf(out, " %9.3f", r->frequency[s * r->p + j]);
        fputc('\n', out);
    }
    free(order);
}

void vma_print_table(FILE *out, const vma_report *r)
{
    print_header(out, r);
    print_recovery(out, r);
    print_frequency(out, r);
}
