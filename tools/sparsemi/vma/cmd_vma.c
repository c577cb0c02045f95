/* sparsemi vma: virtual measurement analysis (DESIGN.md 4.7). Take a sparse model on a few
 * features of the data as the truth, draw synthetic data sets of several sizes n' from it,
 * run a selection method on each (the exhaustive search's best model, or the LASSO with
 * cross-validation) and report per n' how often the model's features are recovered exactly
 * and how often each feature is chosen; optionally as JSON and as an SVG picture. This file
 * turns the parsed command line (vma_args.c) into a data set and an smi_vma and runs it;
 * vma_report.c, vma_json.c and vma_plot.c present the result. Its structure is that of
 * cmd_remc.c. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "search_options.h"
#include "sparsemi.h"
#include "vma_cli.h"

/* VMA takes only the number K of folds from a configuration: each synthetic data set gets
 * its own shuffled split (sparsemi.h); the shuffle and seed given with K are not used. */
#define VMA_FOLD_SHUFFLE 1
#define VMA_FOLD_SEED 0

/* The outputs (cli_outputs). */
enum { OUT_JSON, OUT_PLOT, N_OUTPUTS };

static int open_outputs(const vma_args *a, cli_outputs *o)
{
    static const char *const suffix[N_OUTPUTS] = { NULL, "-recovery.svg" };
    return cli_outputs_open(o, a->json, a->plot, suffix, N_OUTPUTS);
}

static int write_outputs(cli_outputs *o, const vma_report *r)
{
    if (o->file[OUT_JSON].stream)
        vma_write_json(o->file[OUT_JSON].stream, r);
    if (o->file[OUT_PLOT].stream)
        vma_plot_recovery(o->file[OUT_PLOT].stream, r);
    return cli_outputs_commit(o);
}

/* ---- The request, resolved against the data ------------------------------------------- */


static int describe(const vma_args *a, const smi_dataset *ds, vma_report *r)
{
    size_t p = smi_dataset_p(ds);
    if (!(r->names = calloc(p ? p : 1, sizeof *r->names)))
        return cli_fail("out of memory");
    for (size_t j = 0; j < p; j++)
        r->names[j] = smi_dataset_feature_name(ds, j);
    r->target = smi_dataset_target_name(ds);
    r->n = smi_dataset_n(ds);
    r->p = p;
    r->min_size = a->min_size == ES_UNSET ? 1 : a->min_size;
    r->max_size = a->max_size == ES_UNSET || a->max_size > p ? p : a->max_size;
    return CLI_EXIT_OK;
}

/* Names into indices; an unknown one is bad input (exit 1), like an unknown --target. */
static int indices(const smi_dataset *ds, const cli_list *names, const char *option,
                   size_t **out)
{
    if (!(*out = calloc(names->count ? names->count : 1, sizeof **out)))
        return cli_fail("out of memory");
    for (size_t k = 0; k < names->count; k++) {
        if (strcmp(names->items[k], smi_dataset_target_name(ds)) == 0)
            return cli_fail("option '--%s': '%s' is the target, not a feature", option,
                            names->items[k]);
        if (smi_dataset_feature_index(ds, names->items[k], &(*out)[k]) < 0)
            return cli_fail("option '--%s': %s among the candidate features of the data",
                            option, smi_last_error());
    }
    return CLI_EXIT_OK;
}

/* Given coefficients without an intercept: the one that puts the model through the means
 * of the data, mean(y) - sum_j mean(x_j) w_j (the least-squares intercept for fixed w). */
static double mean_intercept(const smi_dataset *ds, const vma_report *r, const double *w)
{
    double b0 = 0.0, mean = 0.0;
    smi_dataset_target_stats(ds, &b0, NULL, NULL, NULL);
    for (size_t k = 0; k < r->k; k++) {
        smi_dataset_feature_stats(ds, r->features[k], &mean, NULL, NULL, NULL);
        b0 -= mean * w[k];
    }
    return b0;
}

static int resolve_model(const vma_args *a, const smi_dataset *ds, vma_report *r)
{
    r->k = a->model.count;
    int rc = indices(ds, &a->model, "model", &r->features);
    if (rc == CLI_EXIT_OK && a->keep.count > 0)
        rc = indices(ds, &a->keep, "keep", &r->keep);
    if (rc != CLI_EXIT_OK)
        return rc;
    r->n_keep = a->keep.count;
    if (r->min_size < r->n_keep) /* every model has the forced features: say so */
        r->min_size = r->n_keep;
    r->coefficients_estimated = a->coefficients == NULL;
    r->intercept_estimated = a->coefficients == NULL || isnan(a->intercept);
    r->noise_estimated = isnan(a->noise);
    r->intercept_value = !a->coefficients ? NAN
                         : isnan(a->intercept) ? mean_intercept(ds, r, a->coefficients)
                                               : a->intercept;
    return CLI_EXIT_OK;
}

/* ---- The configuration ----------------------------------------------------------------- */

/* A value the library refuses that only the data could make bad: bad input. */
static int library(int status)
{
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

static int configure_criterion(const vma_args *a, smi_search *s)
{
    int status = smi_search_set_criterion(s, a->criterion);
    if (status == SMI_OK && a->criterion == SMI_CRIT_FE && !isnan(a->alpha))
        status = smi_search_set_fe_hyper(s, a->alpha, a->beta);
    if (status == SMI_OK && !isnan(a->fe.ng_a0))
        status = smi_search_set_normal_gamma(s, isnan(a->fe.ng_lambda)
                                                ? cli_library_defaults()->ng_lambda
                                                : a->fe.ng_lambda,
                                             a->fe.ng_a0, a->fe.ng_b0);
    if (status == SMI_OK && !isnan(a->fe.ratio_lo))
        status = smi_search_set_ratio_grid(s, a->fe.ratio_lo, a->fe.ratio_hi, a->fe.ratio_n);
    return status;
}

static int configure_search(const vma_args *a, const vma_report *r, smi_vma *cfg)
{
    smi_search *s = NULL;
    if (smi_search_create(&s) < 0)
        return cli_fail_library(SMI_ENOMEM);
    int status = configure_criterion(a, s);
    if (status == SMI_OK)
        status = smi_search_set_size_range(s, r->min_size,
                                           a->max_size == ES_UNSET ? 0 : a->max_size);
    if (status == SMI_OK && r->n_keep > 0)
        status = smi_search_set_keep(s, r->keep, r->n_keep);
    if (status == SMI_OK)
        status = smi_search_set_intercept(s, !a->no_intercept);
    if (status == SMI_OK && a->criterion == SMI_CRIT_CV)
        status = smi_search_set_folds(s, a->folds, VMA_FOLD_SHUFFLE, VMA_FOLD_SEED);
    if (status == SMI_OK && !isnan(a->max_time))
        status = smi_search_set_max_time(s, a->max_time);
    if (status == SMI_OK)
        status = smi_vma_set_search(cfg, s);
    smi_search_free(s);
    return library(status);
}

static int configure_lasso(const vma_args *a, smi_vma *cfg)
{
    smi_lasso *l = NULL;
    if (smi_lasso_create(&l) < 0)
        return cli_fail_library(SMI_ENOMEM);
    int status = smi_lasso_set_alpha(l, a->l1_ratio);
    if (status == SMI_OK)
        status = smi_lasso_set_folds(l, a->cv, VMA_FOLD_SHUFFLE, VMA_FOLD_SEED);
    if (status == SMI_OK)
        status = smi_vma_set_lasso(cfg, l, a->one_se);
    smi_lasso_free(l);
    return library(status);
}

static int configure(const vma_args *a, const vma_report *r, smi_vma *cfg)
{
    int status = smi_vma_set_model(cfg, r->features, r->k, a->coefficients, r->intercept_value,
                                   isnan(a->noise) ? -1.0 : a->noise);
    if (status == SMI_OK)
        status = smi_vma_set_rows(cfg, a->rows);
    if (status == SMI_OK)
        status = smi_vma_set_sizes(cfg, a->sizes, a->n_sizes);
    if (status == SMI_OK)
        status = smi_vma_set_trials(cfg, a->trials);
    if (status == SMI_OK)
        status = smi_vma_set_seed(cfg, a->seed);
    if (status == SMI_OK)
        status = smi_vma_set_threads(cfg, a->threads);
    if (status < 0)
        return cli_fail_library(status);
    return a->method == VMA_METHOD_ES ? configure_search(a, r, cfg) : configure_lasso(a, cfg);
}

/* The progress bar counts data sets; its rate is in data sets per second. */
static int analyse(const vma_args *a, const smi_dataset *ds, smi_vma *cfg, vma_report *r,
                   smi_vma_result **res)
{
    cli_progress progress;
    cli_progress_start(&progress, a->quiet, (double)a->n_sizes * (double)a->trials);
    smi_vma_set_progress(cfg, cli_progress_update, &progress);
    double start = cli_seconds();
    int status = smi_vma_run(ds, cfg, res);
    r->elapsed_s = cli_seconds() - start;
    cli_progress_finish(&progress);
    int refused_for_time = status == SMI_ETOOLARGE && strstr(smi_last_error(), "max_time");
    int rc = library(status);
    if (refused_for_time)
        fprintf(stderr, "sparsemi vma: option '--max-time SECONDS' raises the limit "
                        "(0: no limit)\n");
    return rc;
}

/* The fe hyperparameters as given, else the library's: beta 0 there is 1 / var(y) of each
 * synthetic data set, reported as NaN (null). */
static double fe_alpha(const vma_args *a)
{
    return isnan(a->alpha) ? cli_library_defaults()->fe_alpha : a->alpha;
}

static double fe_beta(const vma_args *a)
{
    double beta = cli_library_defaults()->fe_beta;
    return !isnan(a->beta) ? a->beta : beta == 0.0 ? NAN : beta;
}

static int require_target(const vma_args *a, const smi_dataset *ds)
{
    const cli_data_request rq = { a->data, a->delimiter, a->target, a->label_column, NULL,
                                  &a->features };
    int rc = cli_require_target("vma", &rq, ds);
    return rc == CLI_CONTINUE ? CLI_EXIT_OK : rc;
}

static vma_report request(const vma_args *a)
{
    int es = a->method == VMA_METHOD_ES;
    return (vma_report){
        .data_path = a->data, .rows = a->rows, .method = a->method, .trials = a->trials,
        .seed = a->seed, .threads = cli_threads_used(a->threads, a->n_sizes * a->trials),
        .criterion = es ? a->criterion : -1, .intercept = !a->no_intercept,
        .alpha = es && a->criterion == SMI_CRIT_FE ? fe_alpha(a) : NAN,
        .beta = es && a->criterion == SMI_CRIT_FE ? fe_beta(a) : NAN, .fe = a->fe,
        .folds = es && a->criterion == SMI_CRIT_CV ? a->folds : 0,
        .cv = es ? 0 : a->cv, .one_se = a->one_se, .mixing = es ? NAN : a->l1_ratio };
}

static int run(const vma_args *a)
{
    cli_outputs o = { 0 };
    smi_dataset *ds = NULL;
    smi_vma *cfg = NULL;
    smi_vma_result *res = NULL;
    vma_report r = request(a);
    int rc = open_outputs(a, &o);
    if (rc == CLI_EXIT_OK)
        rc = library(cli_read_dataset(a->data, a->delimiter, a->target, a->label_column, NULL,
                                      &a->features, &ds));
    if (rc == CLI_EXIT_OK)
        rc = require_target(a, ds);
    if (rc == CLI_EXIT_OK)
        rc = describe(a, ds, &r);
    if (rc == CLI_EXIT_OK)
        rc = resolve_model(a, ds, &r);
    if (rc == CLI_EXIT_OK && smi_vma_create(&cfg) < 0)
        rc = cli_fail_library(SMI_ENOMEM);
    if (rc == CLI_EXIT_OK)
        rc = configure(a, &r, cfg);
    if (rc == CLI_EXIT_OK)
        rc = analyse(a, ds, cfg, &r, &res);
    if (rc == CLI_EXIT_OK)
        rc = vma_report_collect(&r, res);
    if (rc == CLI_EXIT_OK)
        rc = write_outputs(&o, &r);
    if (rc == CLI_EXIT_OK && !(a->json && strcmp(a->json, "-") == 0))
        vma_print_table(stdout, &r);
    cli_outputs_discard(&o);
    vma_report_free(&r);
    smi_vma_result_free(res);
    smi_vma_free(cfg);
    smi_dataset_free(ds);
    return rc;
}

int cmd_vma(int argc, char **argv)
{
    vma_args a;
    int rc = vma_parse_args(&a, argc, argv);
    cli_announce_quiet(a.quiet);
    if (rc == CLI_CONTINUE)
        rc = run(&a);
    vma_args_free(&a);
    return rc;
}
