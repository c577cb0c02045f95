/* The result of `sparsemi lasso`, copied out of the library through its accessors into
 * plain arrays (lasso.h), and printed as a human-readable table: the settings, the CV
 * choices, every distinct support along the path with its criterion (and with --on-dos
 * its rank among all subsets), and the path's best support against the exhaustive best. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "search_options.h"
#include "lasso.h"
#include "sparsemi.h"

/* ---- Collecting ------------------------------------------------------------------------- */

static int alloc_path(lasso_report *r, size_t L)
{
    r->L = L;
    size_t rows = L ? L : 1, cells = L * r->p > 0 ? L * r->p : 1;
    if (r->p > 0 && L > SIZE_MAX / sizeof(double) / r->p)
        return cli_fail("out of memory");
    r->lambdas = calloc(rows, sizeof *r->lambdas);
    r->intercepts = calloc(rows, sizeof *r->intercepts);
    r->coef = calloc(cells, sizeof *r->coef);
    return r->lambdas && r->intercepts && r->coef ? CLI_EXIT_OK : cli_fail("out of memory");
}

static int collect_cv(lasso_report *r, const smi_lasso_result *fit)
{
    r->cv_mean = calloc(r->L ? r->L : 1, sizeof *r->cv_mean);
    r->cv_se = calloc(r->L ? r->L : 1, sizeof *r->cv_se);
    if (!r->cv_mean || !r->cv_se)
        return cli_fail("out of memory");
    int status = smi_lasso_result_cv_curve(fit, r->L, r->cv_mean, r->cv_se);
    if (status == SMI_OK)
        status = smi_lasso_result_cv_choice(fit, &r->index_min, &r->index_1se);
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

int lasso_report_collect_cd(lasso_report *r, const smi_lasso_result *fit)
{
    int rc = alloc_path(r, smi_lasso_result_n_lambdas(fit));
    if (rc != CLI_EXIT_OK)
        return rc;
    int status = smi_lasso_result_lambdas(fit, r->L, r->lambdas);
    if (status == SMI_OK)
        status = smi_lasso_result_coefficients(fit, r->L * r->p, r->coef, r->intercepts);
    if (status < 0)
        return cli_fail_library(status);
    return r->has_cv ? collect_cv(r, fit) : CLI_EXIT_OK;
}

int lasso_report_collect_lars(lasso_report *r, const smi_lars_result *path)
{
    int rc = alloc_path(r, smi_lars_result_n_knots(path));
    if (rc != CLI_EXIT_OK)
        return rc;
    r->lars_status = smi_lars_result_status(path);
    int status = smi_lars_result_knots(path, r->L, r->lambdas);
    if (status == SMI_OK)
        status = smi_lars_result_coefficients(path, r->L * r->p, r->coef, r->intercepts);
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

static int collect_support(lasso_support *s, const smi_path_supports *list, size_t i, size_t p)
{
    s->features = calloc(p ? p : 1, sizeof *s->features);
    s->coef = calloc(p ? p : 1, sizeof *s->coef);
    if (!s->features || !s->coef)
        return cli_fail("out of memory");
    int status = smi_path_supports_get(list, i, p, s->features, s->coef, &s->size, &s->penalty,
                                       &s->criterion, &s->intercept);
    if (status == SMI_ESINGULAR) {
        s->singular = 1;
        s->criterion = NAN;
        return CLI_EXIT_OK;
    }
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

/* The support of the solution at lambda index k, if it is non-empty: SIZE_MAX otherwise. */
static size_t support_at(const lasso_report *r, size_t k)
{
    const double *row = r->coef + k * r->p;
    for (size_t i = 0; i < r->n_supports; i++) {
        const lasso_support *s = &r->supports[i];
        size_t t = 0, same = 1;
        for (size_t j = 0; j < r->p && same; j++) {
            int nonzero = row[j] != 0.0;
            int in = t < s->size && s->features[t] == j;
            same = nonzero == in;
            t += (size_t)in;
        }
        if (same && t == s->size)
            return i;
    }
    return SIZE_MAX;
}

int lasso_report_collect_supports(lasso_report *r, const smi_path_supports *list)
{
    r->n_supports = smi_path_supports_count(list);
    r->supports = calloc(r->n_supports ? r->n_supports : 1, sizeof *r->supports);
    if (!r->supports)
        return cli_fail("out of memory");
    for (size_t i = 0; i < r->n_supports; i++) {
        int rc = collect_support(&r->supports[i], list, i, r->p);
        if (rc != CLI_EXIT_OK)
            return rc;
    }
    if (smi_path_supports_best(list, &r->best) != SMI_OK)
        r->best = SIZE_MAX;
    if (r->has_cv) {
        r->support_min = support_at(r, r->index_min);
        r->support_1se = support_at(r, r->index_1se);
    }
    return CLI_EXIT_OK;
}

void lasso_report_free(lasso_report *r)
{
    for (size_t i = 0; r->supports && i < r->n_supports; i++) {
        free(r->supports[i].features);
        free(r->supports[i].coef);
    }
    free(r->supports);
    free(r->names);
    free(r->sd);
    free(r->factors);
    free(r->lambdas);
    free(r->coef);
    free(r->intercepts);
    free(r->cv_mean);
    free(r->cv_se);
    if (r->has_es)
        lasso_es_free(&r->es);
}

/* ---- Text --------------------------------------------------------------------------------- */

void lasso_criterion_text(char *buf, size_t cap, const lasso_criterion *c)
{
    const char *name = smi_criterion_name(c->criterion);
    const es_fe_options *fe = &c->fe;
    if (c->criterion == SMI_CRIT_FE)
        snprintf(buf, cap, "%s (alpha %.6g, beta %.6g)", name, c->alpha, c->beta);
    else if (c->criterion == SMI_CRIT_FE_NG)
        snprintf(buf, cap, "%s (lambda %.6g, a0 %.6g, b0 %.6g)", name, fe->ng_lambda, fe->ng_a0,
                 fe->ng_b0);
    else if (c->criterion == SMI_CRIT_FE_OPT)
        snprintf(buf, cap, "%s (ratio grid %.6g to %.6g, %zu points)", name, fe->ratio_lo,
                 fe->ratio_hi, fe->ratio_n);
    else if (c->criterion == SMI_CRIT_FE_MARG)
        snprintf(buf, cap, "%s (a0 %.6g, b0 %.6g; ratio grid %.6g to %.6g, %zu points)", name,
                 fe->ng_a0, fe->ng_b0, fe->ratio_lo, fe->ratio_hi, fe->ratio_n);
    else if (c->criterion == SMI_CRIT_CV && c->fold_column)
        snprintf(buf, cap, "%s (%zu folds from column %s)", name, c->n_folds, c->fold_column);
    else if (c->criterion == SMI_CRIT_CV && c->fold_shuffle)
        snprintf(buf, cap, "%s (%zu folds shuffled with seed %llu)", name, c->n_folds,
                 c->fold_seed);
    else if (c->criterion == SMI_CRIT_CV)
        snprintf(buf, cap, "%s (%zu unshuffled folds)", name, c->n_folds);
    else
        snprintf(buf, cap, "%s", name ? name : "?");
}

static void print_names(FILE *out, const lasso_report *r, const size_t *features, size_t count)
{
    for (size_t k = 0; k < count; k++)
        fprintf(out, "%s%s", k ? ", " : "", r->names[features[k]]);
    if (count == 0)
        fputs("(none)", out);
}

static size_t nonzero_at(const lasso_report *r, size_t k)
{
    size_t count = 0;
    for (size_t j = 0; j < r->p; j++)
        count += r->coef[k * r->p + j] != 0.0;
    return count;
}

static void print_path(FILE *out, const lasso_report *r)
{
    if (r->path == LASSO_PATH_CD) {
        fprintf(out, "path       coordinate descent, %s, %zu lambdas from %.6g to %.6g\n",
                r->alpha == 1.0 ? "LASSO" : "elastic net", r->L, r->lambdas[0],
                r->lambdas[r->L - 1]);
        fprintf(out, "           alpha %.6g, lambda-min-ratio %.6g, tolerance %.3g%s\n",
                r->alpha, r->min_ratio, r->tol, r->positive ? ", positive" : "");
    } else {
        fprintf(out, "path       %s by LARS, %zu knots from alpha %.6g to %.6g%s\n",
                r->path == LASSO_PATH_LAR ? "least angle regression" : "LASSO", r->L,
                r->lambdas[0], r->lambdas[r->L - 1], r->positive ? ", positive" : "");
        if (r->lars_status == SMI_ESINGULAR)
            fputs("           stopped early: the next feature to enter is collinear with the "
                  "active ones\n", out);
    }
    if (!r->factors)
        return;
    fputs("           penalty factors", out);
    for (size_t j = 0, shown = 0; j < r->p; j++)
        if (r->factors[j] != 1.0)
            fprintf(out, "%s %s=%.6g", shown++ ? "," : "", r->names[j], r->factors[j]);
    fputs(" (others 1; rescaled to sum to p)\n", out);
}

static void print_cv(FILE *out, const lasso_report *r)
{
    if (!r->has_cv)
        return;
    fprintf(out, "cv         %zu folds", r->cv_k);
    if (r->cv_column)
        fprintf(out, " from column %s\n", r->cv_column);
    else if (r->cv_shuffle)
        fprintf(out, ", shuffled with seed %llu\n", r->cv_seed);
    else
        fputs(", not shuffled (sample i in fold i mod K)\n", out);
    size_t k[2] = { r->index_min, r->index_1se };
    const char *label[2] = { "lambda_min", "lambda_1se" };
    for (int c = 0; c < 2; c++)
        fprintf(out, "           %-10s %.6g: CV MSE %.6g +- %.3g [%s^2], CV RMSE %.6g [%s], "
                "%zu features\n", label[c], r->lambdas[k[c]], r->cv_mean[k[c]], r->cv_se[k[c]],
                r->target, sqrt(r->cv_mean[k[c]]), r->target, nonzero_at(r, k[c]));
}

static void print_header(FILE *out, const lasso_report *r)
{
    char crit[256];
    lasso_criterion_text(crit, sizeof crit, &r->crit);
    fprintf(out, "data       %s\nsamples    %zu\nfeatures   %zu\ntarget     %s\n", r->data_path,
            r->n, r->p, r->target);
    print_path(out, r);
    print_cv(out, r);
    fprintf(out, "criterion  %s%s\n", crit, r->has_es ? ", as the exhaustive search" : "");
    fprintf(out, "time       %.3g s", r->elapsed_s);
    if (r->has_cv)
        fprintf(out, " with %zu thread%s for the folds", r->threads, r->threads == 1 ? "" : "s");
    fputc('\n', out);
}

/* "*" the hybrid's choice, "min" and "1se" the CV's. */
static void marks(char *buf, size_t cap, const lasso_report *r, size_t i)
{
    snprintf(buf, cap, "%s%s%s", i == r->best ? "*" : "", i == r->support_min ? " min" : "",
             i == r->support_1se ? " 1se" : "");
}

static void print_rank(FILE *out, const lasso_support *s)
{
    char text[64];
    if (!s->ranked)
        snprintf(text, sizeof text, "-");
    else if (s->rank_lo == s->rank_hi)
        snprintf(text, sizeof text, "%.0f%s", s->rank, s->in_search ? "" : "!");
    else
        snprintf(text, sizeof text, "~%.0f (%llu-%llu)%s", s->rank,
                 (unsigned long long)s->rank_lo, (unsigned long long)s->rank_hi,
                 s->in_search ? "" : "!");
    fprintf(out, " %16s %10.4g%%", text, s->percentile);
}

static void print_supports(FILE *out, const lasso_report *r)
{
    const char *name = smi_criterion_name(r->crit.criterion);
    const char *penalty = r->path == LASSO_PATH_CD ? "lambda" : "alpha";
    fprintf(out, "\nSupports along the path: %zu distinct, each refitted by least squares and "
                 "scored by %s\n(*: the smallest, the LARS-OLS hybrid's choice%s)\n",
            r->n_supports, name, r->has_cv ? "; min, 1se: the supports at the CV choices" : "");
    char heading[64];
    es_criterion_heading(heading, sizeof heading, r->crit.criterion, r->target);
    fprintf(out, "%12s %5s %14s %-8s", penalty, "size", heading, "");
    if (r->has_es)
        fprintf(out, " %16s %11s", "rank", "percentile");
    fputs("  features\n", out);
    for (size_t i = 0; i < r->n_supports; i++) {
        const lasso_support *s = &r->supports[i];
        char mark[16];
        marks(mark, sizeof mark, r, i);
        fprintf(out, "%12.6g %5zu ", s->penalty, s->size);
        if (s->singular)
            fprintf(out, "%14s", "singular");
        else
            fprintf(out, "%14.8g", s->criterion);
        fprintf(out, " %-8s", mark);
        if (r->has_es)
            print_rank(out, s);
        fputs("  ", out);
        print_names(out, r, s->features, s->size);
        fputc('\n', out);
    }
    if (r->has_cv && (r->support_min == SIZE_MAX || r->support_1se == SIZE_MAX))
        fprintf(out, "(the support at %s is empty)\n",
                r->support_min == SIZE_MAX ? "lambda_min" : "lambda_1se");
}

static void print_es(FILE *out, const lasso_report *r)
{
    const lasso_es *es = &r->es;
    const char *name = smi_criterion_name(r->crit.criterion);
    int estimated = 0;
    for (size_t i = 0; i < r->n_supports; i++)
        estimated |= r->supports[i].ranked && r->supports[i].rank_lo != r->supports[i].rank_hi;
    fprintf(out, "\nOn the DOS of %s (%s): %llu subsets scored by %s; rank 1 is the best\n",
            es->path, "a result of es --save",
            (unsigned long long)es->n_models, name);
    if (estimated)
        fputs("(~: a rank estimated within its DOS bin, the bounds in brackets; the search "
              "kept too few models to count it exactly)\n", out);
    if (es->best_size == SIZE_MAX) {
        fputs("exhaustive best   none\n", out);
        return;
    }
    fprintf(out, "exhaustive best   %s %.8g  ", name, es->best_criterion);
    print_names(out, r, es->best, es->best_size);
    fputc('\n', out);
    if (r->best == SIZE_MAX) {
        fputs("path's best       none scored\n", out);
        return;
    }
    const lasso_support *b = &r->supports[r->best];
    fprintf(out, "path's best       %s %.8g  ", name, b->criterion);
    print_names(out, r, b->features, b->size);
    fprintf(out, "\n                  rank %.0f of %llu (%.4g%%): ", b->rank,
            (unsigned long long)es->n_models, b->percentile);
    if (r->es_best_on_path == r->best)
        fputs("the exhaustive best\n", out);
    else
        fprintf(out, "%.6g above the exhaustive best, which the path %s\n",
                b->criterion - es->best_criterion,
                r->es_best_on_path == SIZE_MAX ? "never visits" : "visits");
    int outside = 0;
    for (size_t i = 0; i < r->n_supports; i++)
        outside |= r->supports[i].ranked && !r->supports[i].in_search;
    if (outside)
        fputs("!: outside the searched subsets (size range or forced features)\n", out);
}

void lasso_print_table(FILE *out, const lasso_report *r)
{
    print_header(out, r);
    print_supports(out, r);
    if (r->has_es)
        print_es(out, r);
}
