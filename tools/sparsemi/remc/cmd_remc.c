/* sparsemi remc: approximate exhaustive search by replica-exchange Monte Carlo (DESIGN.md
 * 4.5): sample the subsets of the features in a size range at a ladder of inverse
 * temperatures, and report the density of states (DOS) of the criterion estimated by the
 * multiple-histogram method, the best models visited, the ladder's acceptance and
 * exchange rates, and with --exact the comparison with an exhaustive search; optionally as
 * JSON and as two SVG pictures. This file turns the parsed command line (remc_args.c) into
 * a data set, an smi_search and an smi_remc and runs the sampler; remc_report.c,
 * remc_json.c and remc_plot.c present the result. Its structure is that of cmd_es.c. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "search_options.h"
#include "remc.h"
#include "sparsemi.h"

/* The most rows of the ranked table on stdout; JSON has every model kept. */
#define TABLE_ROWS 20

/* The outputs (cli_outputs). */
enum { OUT_JSON, OUT_DOS, OUT_TRACE, N_OUTPUTS };

/* cv takes the folds as es takes them (a fold count above n: the library refuses it). */
static int load(const remc_args *a, es_data *d)
{
    const cli_data_request rq = { a->data, a->delimiter, a->target, a->label_column,
                                  a->fold_column, &a->features };
    return es_data_load("remc", &rq, a->criterion,
                        cli_folds_kfold(a->folds, a->fold_shuffle, a->fold_seed), d);
}


/* The request fields of the report that come from the command line and the data set. */
static int describe(const remc_args *a, const es_data *d, remc_report *r)
{
    const smi_dataset *ds = d->ds;
    size_t p = smi_dataset_p(ds);
    r->names = calloc(p ? p : 1, sizeof *r->names);
    if (!r->names)
        return cli_fail("out of memory");
    for (size_t j = 0; j < p; j++)
        r->names[j] = smi_dataset_feature_name(ds, j);
    r->target = smi_dataset_target_name(ds);
    r->n = smi_dataset_n(ds);
    r->p = p;
    r->min_size = a->min_size == ES_UNSET ? 1 : a->min_size;
    r->max_size = a->max_size == ES_UNSET ? p : a->max_size;
    if (a->criterion == SMI_CRIT_CV) {
        r->n_folds = d->folds.k;
        r->fold_shuffle = !a->fold_column && a->fold_shuffle;
        r->fold_seed = a->fold_seed;
        r->fold_column = a->fold_column;
    }
    return CLI_EXIT_OK;
}

static int setter(int status, const char *option)
{
    return es_library_option("remc", status, option);
}

static int configure_search(const remc_args *a, const remc_report *r, const cli_folds *folds,
                            smi_search *cfg)
{
    int rc = setter(smi_search_set_criterion(cfg, a->criterion), "criterion");
    if (rc == CLI_CONTINUE && !isnan(a->alpha))
        rc = setter(smi_search_set_fe_hyper(cfg, a->alpha, a->beta),
                    a->fe_hyper_text ? "fe-hyper" : "prior-precision");
    if (rc == CLI_CONTINUE && !isnan(a->fe.ng_a0))
        rc = setter(smi_search_set_normal_gamma(cfg, isnan(a->fe.ng_lambda) ? cli_library_defaults()->ng_lambda
                                                                             : a->fe.ng_lambda,
                                                a->fe.ng_a0, a->fe.ng_b0),
                    "ng-prior");
    if (rc == CLI_CONTINUE && !isnan(a->fe.ratio_lo))
        rc = setter(smi_search_set_ratio_grid(cfg, a->fe.ratio_lo, a->fe.ratio_hi, a->fe.ratio_n),
                    "ratio-grid");
    if (rc == CLI_CONTINUE && (a->min_size != ES_UNSET || a->max_size != ES_UNSET ||
                               r->n_keep > 0))
        rc = setter(smi_search_set_size_range(cfg, r->min_size,
                                              a->max_size == ES_UNSET ? 0 : a->max_size),
                    a->size != ES_UNSET ? "size" : a->max_size == ES_UNSET ? "min-size"
                                                                           : "max-size");
    if (rc == CLI_CONTINUE && a->top != ES_UNSET)
        rc = setter(smi_search_set_top(cfg, a->top), "top");
    if (rc == CLI_CONTINUE && a->bins != ES_UNSET)
        rc = setter(smi_search_set_bins(cfg, a->bins), "bins");
    if (rc == CLI_CONTINUE && a->no_intercept)
        rc = setter(smi_search_set_intercept(cfg, 0), "no-intercept");
    if (rc != CLI_CONTINUE)
        return rc;
    /* What is left to refuse is judged against the data: bad input. */
    int status = r->n_keep > 0 ? smi_search_set_keep(cfg, r->keep, r->n_keep) : SMI_OK;
    if (status == SMI_OK && r->has_exact)
        status = smi_search_set_bin_edges(cfg, r->exact.edges, r->exact.n_bins + 1);
    if (status == SMI_OK)
        status = cli_folds_set_search(folds, r->n, cfg);
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

/* A run starts at most one thread per replica (the library also stores at most
 * SMI_REMC_MAX_REPLICAS): say so when more were asked for. */
static void warn_threads(const remc_args *a)
{
    size_t replicas = a->n_ladder > 0 ? a->n_ladder : a->replicas;
    if (a->threads > replicas)
        fprintf(stderr, "sparsemi remc: warning: --threads %zu: a run uses at most one thread "
                        "per replica; %zu threads are used\n", a->threads, replicas);
}

/* remc_args.c checked every value against a scratch configuration. */
static int configure_sampler(const remc_args *a, smi_remc *cfg)
{
    warn_threads(a);
    int rc = a->n_ladder > 0 ? setter(smi_remc_set_ladder(cfg, a->ladder, a->n_ladder), "ladder")
                             : setter(smi_remc_set_replicas(cfg, a->replicas, a->beta_max),
                                      "replicas");
    if (rc == CLI_CONTINUE)
        rc = setter(smi_remc_set_sweeps(cfg, a->sweeps, a->burn_in), "sweeps");
    if (rc == CLI_CONTINUE)
        rc = setter(smi_remc_set_seed(cfg, a->seed), "seed");
    if (rc == CLI_CONTINUE)
        rc = setter(smi_remc_set_threads(cfg, a->threads), "threads");
    if (rc == CLI_CONTINUE)
        rc = setter(smi_remc_set_tuning(cfg, a->tune), "tune");
    return rc == CLI_CONTINUE ? CLI_EXIT_OK : rc;
}

/* The progress bar counts sweeps; its rate is in proposals per second (one proposal per
 * replica and candidate feature in a sweep). */
static int sample(const remc_args *a, const smi_dataset *ds, smi_search *scfg,
                  const smi_remc *cfg, remc_report *r, smi_remc_result **res)
{
    size_t replicas = a->n_ladder > 0 ? a->n_ladder : a->replicas;
    size_t candidates = smi_dataset_p(ds) > r->n_keep ? smi_dataset_p(ds) - r->n_keep : 0;
    double total = (double)(a->sweeps + a->burn_in) * (double)replicas * (double)candidates;
    cli_progress progress;
    cli_progress_start(&progress, a->quiet, total);
    smi_search_set_progress(scfg, cli_progress_update, &progress);
    double start = cli_seconds();
    int status = smi_remc_run(ds, scfg, cfg, res);
    r->elapsed_s = cli_seconds() - start;
    cli_progress_finish(&progress);
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

static int open_outputs(const remc_args *a, cli_outputs *o)
{
    static const char *const suffix[N_OUTPUTS] = { NULL, "-dos.svg", "-trace.svg" };
    return cli_outputs_open(o, a->json, a->plot, suffix, N_OUTPUTS);
}

static int write_outputs(const remc_args *a, cli_outputs *o, const remc_report *r)
{
    if (a->json)
        remc_write_json(o->file[OUT_JSON].stream, r);
    if (a->plot) {
        remc_plot_dos(o->file[OUT_DOS].stream, r);
        remc_plot_trace(o->file[OUT_TRACE].stream, r);
    }
    return cli_outputs_commit(o);
}

static remc_report request(const remc_args *a)
{
    int fe = a->criterion == SMI_CRIT_FE;
    size_t replicas = a->n_ladder > 0 ? a->n_ladder : a->replicas;
    return (remc_report){
        .data_path = a->data, .criterion = a->criterion, .intercept = !a->no_intercept,
        .alpha = fe ? a->alpha : NAN, .beta = fe ? a->beta : NAN, .fe = a->fe,
        .beta_max = a->n_ladder > 0 ? NAN : a->beta_max, .ladder_given = a->n_ladder > 0,
        .sweeps = a->sweeps, .burn_in = a->burn_in, .tune = a->tune, .seed = a->seed,
        .threads = cli_threads_used(a->threads, replicas),
        .top_requested = a->top == ES_UNSET ? cli_library_defaults()->top : a->top,
        .bins_requested = a->exact ? 0 : a->bins == ES_UNSET ? cli_library_defaults()->bins
                                                              : a->bins,
        .exact = { .path = a->exact }, .has_exact = a->exact != NULL };
}

/* Constant and duplicate features, named on stderr before sampling, as es does: states
 * holding them are singular, which the chains never visit. */
static int warn_features(const remc_args *a, const smi_dataset *ds)
{
    char **warnings = NULL;
    size_t count = 0;
    int rc = cli_feature_warnings(ds, !a->no_intercept, &warnings, &count);
    if (rc == CLI_EXIT_OK)
        cli_warn_features(warnings, count);
    cli_strings_free(warnings, count);
    return rc;
}

static int run(const remc_args *a)
{
    cli_outputs o = { 0 };
    es_data d = { 0 };
    smi_search *scfg = NULL;
    smi_remc *cfg = NULL;
    smi_remc_result *res = NULL;
    remc_report r = request(a);
    int rc = open_outputs(a, &o);
    if (rc == CLI_EXIT_OK)
        rc = load(a, &d);
    if (rc == CLI_EXIT_OK)
        es_fe_hyper_used(a->criterion, d.ds, &r.alpha, &r.beta);
    if (rc == CLI_EXIT_OK)
        rc = describe(a, &d, &r);
    if (rc == CLI_EXIT_OK)
        rc = es_resolve_keep(d.ds, &a->keep, &r.keep, &r.n_keep, &r.min_size);
    if (rc == CLI_EXIT_OK && r.has_exact)
        rc = remc_read_exact(&r, d.ds);
    if (rc == CLI_EXIT_OK)
        rc = warn_features(a, d.ds);
    if (rc == CLI_EXIT_OK && (smi_search_create(&scfg) < 0 || smi_remc_create(&cfg) < 0))
        rc = cli_fail_library(SMI_ENOMEM);
    if (rc == CLI_EXIT_OK)
        rc = configure_search(a, &r, &d.folds, scfg);
    if (rc == CLI_EXIT_OK)
        rc = configure_sampler(a, cfg);
    if (rc == CLI_EXIT_OK)
        rc = sample(a, d.ds, scfg, cfg, &r, &res);
    if (rc == CLI_EXIT_OK)
        rc = remc_report_collect(&r, res);
    if (rc == CLI_EXIT_OK && r.has_exact)
        remc_report_compare(&r);
    if (rc == CLI_EXIT_OK)
        rc = write_outputs(a, &o, &r);
    if (rc == CLI_EXIT_OK && !(a->json && strcmp(a->json, "-") == 0))
        remc_print_table(stdout, &r, TABLE_ROWS);
    cli_outputs_discard(&o);
    remc_report_free(&r);
    smi_remc_result_free(res);
    smi_remc_free(cfg);
    smi_search_free(scfg);
    es_data_free(&d);
    return rc;
}

int cmd_remc(int argc, char **argv)
{
    remc_args a;
    int rc = remc_parse_args(&a, argc, argv);
    cli_announce_quiet(a.quiet);
    if (rc == CLI_CONTINUE)
        rc = run(&a);
    remc_args_free(&a);
    return rc;
}
