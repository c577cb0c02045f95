/* sparsemi es: exhaustive search (ES-K, DESIGN.md 4.3): score every subset of the
 * features in a size range, rank them, and report the best models, the best model of
 * each size and the density of states (DOS) of the criterion; optionally as JSON, as
 * SVG pictures (two, three with a model posterior), and as a saved result for
 * `sparsemi merge`. This file turns the parsed command line (es_args.c) into a data set
 * and an smi_search and runs it; es_report.c, es_json.c and es_plot_*.c present the
 * result. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "es.h"
#include "sparsemi.h"

/* The most rows of the ranked table on stdout; JSON has every model kept. */
#define TABLE_ROWS 20

/* The outputs (cli_outputs), the result file of --save among them: committed together. */
enum { OUT_JSON, OUT_DOS, OUT_WEIGHTS, OUT_INCLUSION, OUT_SAVE };

/* The data and the folds of cv (a fold count above n: the library refuses it at run). */
static int load(const es_args *a, es_data *d)
{
    const cli_data_request rq = { a->data, a->delimiter, a->target, a->label_column,
                                  a->fold_column, &a->features };
    return es_data_load("es", &rq, a->criterion,
                        cli_folds_kfold(a->folds, a->fold_shuffle, a->fold_seed), d);
}

/* The request fields of the report that come from the data set. */
static int describe(const es_args *a, const es_data *d, es_report *r)
{
    const smi_dataset *ds = d->ds;
    size_t p = smi_dataset_p(ds);
    r->names = calloc(p ? p : 1, sizeof *r->names);
    r->shards = calloc(1, sizeof *r->shards);
    if (!r->names || !r->shards)
        return cli_fail("out of memory");
    for (size_t j = 0; j < p; j++)
        r->names[j] = smi_dataset_feature_name(ds, j);
    r->target = smi_dataset_target_name(ds);
    r->n = smi_dataset_n(ds);
    if (a->criterion == SMI_CRIT_CV) {
        r->n_folds = d->folds.k;
        r->fold_shuffle = !a->fold_column && a->fold_shuffle;
        r->fold_seed = a->fold_seed;
        r->fold_column = a->fold_column;
    }
    if (a->shard_count > 0) {
        r->shard_count = a->shard_count;
        r->shards[0] = a->shard_index;
        r->n_shards = 1;
    }
    return CLI_EXIT_OK;
}

static int setter(int status, const char *option)
{
    return es_library_option("es", status, option);
}


/* The settings of the free-energy criteria that the criterion uses (es_args.c filled in
 * the defaults and checked the values). */
static int configure_fe(const es_fe_options *fe, smi_search *cfg)
{
    int rc = CLI_CONTINUE;
    if (!isnan(fe->ng_a0))
        rc = setter(smi_search_set_normal_gamma(cfg, isnan(fe->ng_lambda) ? cli_library_defaults()->ng_lambda
                                                                          : fe->ng_lambda,
                                                fe->ng_a0, fe->ng_b0), "ng-prior");
    if (rc == CLI_CONTINUE && fe->ratio_n > 0)
        rc = setter(smi_search_set_ratio_grid(cfg, fe->ratio_lo, fe->ratio_hi, fe->ratio_n),
                    "ratio-grid");
    if (rc == CLI_CONTINUE && fe->model_prior >= 0)
        rc = setter(smi_search_set_model_prior(cfg, fe->model_prior, fe->prior_q),
                    "model-prior");
    if (rc == CLI_CONTINUE)
        rc = setter(es_set_sigma_grid(fe, cfg), "sigma-noise-grid");
    return rc;
}

static int configure(const es_args *a, const es_report *r, const cli_folds *folds,
                     smi_search *cfg)
{
    int rc = setter(smi_search_set_criterion(cfg, a->criterion), "criterion");
    if (rc == CLI_CONTINUE && !isnan(a->alpha))
        rc = setter(smi_search_set_fe_hyper(cfg, a->alpha, a->beta),
                    a->fe_hyper_text ? "fe-hyper" : "prior-precision");
    if (rc == CLI_CONTINUE)
        rc = configure_fe(&a->fe, cfg);
    if (rc == CLI_CONTINUE && (a->min_size != ES_UNSET || a->max_size != ES_UNSET))
        rc = setter(smi_search_set_size_range(cfg, r->min_size,
                                              a->max_size == ES_UNSET ? 0 : a->max_size),
                    a->max_size == ES_UNSET ? "min-size" : "max-size");
    if (rc == CLI_CONTINUE && a->top != ES_UNSET)
        rc = setter(smi_search_set_top(cfg, a->top), "top");
    if (rc == CLI_CONTINUE && a->bins != ES_UNSET)
        rc = setter(smi_search_set_bins(cfg, a->bins), "bins");
    if (rc == CLI_CONTINUE)
        rc = setter(smi_search_set_threads(cfg, a->threads), "threads");
    if (rc == CLI_CONTINUE && a->no_intercept)
        rc = setter(smi_search_set_intercept(cfg, 0), "no-intercept");
    if (rc == CLI_CONTINUE && a->shard_count > 0)
        rc = setter(smi_search_set_shard(cfg, a->shard_index, a->shard_count), "shard");
    if (rc == CLI_CONTINUE && !isnan(a->max_time))
        rc = setter(smi_search_set_max_time(cfg, a->max_time), "max-time");
    if (rc == CLI_CONTINUE && a->checkpoint)
        rc = setter(smi_search_set_checkpoint(cfg, a->checkpoint, a->checkpoint_interval),
                    "checkpoint");
    if (rc != CLI_CONTINUE)
        return rc;
    /* Names already resolved to features of DATA: what is left to refuse (a repeated
     * name, too many) is judged against the data, like the size range and the folds in
     * the run. */
    int status = r->n_keep > 0 ? smi_search_set_keep(cfg, r->keep, r->n_keep) : SMI_OK;
    if (status == SMI_OK)
        status = cli_folds_set_search(folds, r->n, cfg);
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

/* The number of subsets the search will visit, for the progress bar's rate: sizes
 * min..max with the forced features in every one. Approximate (double) on purpose. */
static double subsets_to_visit(const es_report *r, size_t p, size_t max_size)
{
    size_t free_features = p - r->n_keep, total_min = r->min_size > r->n_keep ? r->min_size
                                                                              : r->n_keep;
    double total = 0.0;
    for (size_t k = total_min; k <= max_size && k - r->n_keep <= free_features; k++) {
        size_t j = k - r->n_keep;
        total += exp(lgamma((double)free_features + 1) - lgamma((double)j + 1) -
                     lgamma((double)(free_features - j) + 1));
    }
    return total;
}

/* The library's estimate of the run (smi_search_set_estimate), shown before a long one;
 * a run over the limit is refused instead (refused_for_time). */
typedef struct time_estimate {
    double seconds; /* NAN until the library gives it */
    double limit;   /* the configuration's max time; 0 or infinity: none */
    int quiet;
} time_estimate;

#define ESTIMATE_SHOWN_ABOVE 10.0 /* seconds */

static int over_limit(const time_estimate *e)
{
    return e->limit > 0 && e->seconds > e->limit;
}

static int on_estimate(void *user, double subsets, double seconds)
{
    time_estimate *e = user;
    e->seconds = seconds;
    if (!e->quiet && seconds > ESTIMATE_SHOWN_ABOVE && !over_limit(e))
        fprintf(stderr, "sparsemi es: %.4g subsets to score, estimated %.3g s (%.3g hours)\n",
                subsets, seconds, seconds / 3600.0);
    return 0;
}

/* The library refused a run longer than the time limit: its message gives the estimate;
 * say how to raise the limit. */
static int refused_for_time(const time_estimate *e)
{
    int rc = cli_fail_library(SMI_ETOOLARGE);
    fprintf(stderr, "sparsemi es: option '--max-time SECONDS' raises the limit of %g s "
                    "(0: no limit)\n", e->limit);
    return rc;
}

static int search(const es_args *a, const smi_dataset *ds, smi_search *cfg, es_report *r,
                  smi_search_result **res)
{
    size_t p = smi_dataset_p(ds);
    size_t max_size = a->max_size == ES_UNSET || a->max_size > p ? p : a->max_size;
    double total = subsets_to_visit(r, p, max_size);
    cli_progress progress;
    cli_progress_start(&progress, a->quiet, a->shard_count ? total / a->shard_count : total);
    smi_search_set_progress(cfg, cli_progress_update, &progress);
    time_estimate estimate = { NAN, 0.0, a->quiet };
    smi_search_get_max_time(cfg, &estimate.limit);
    smi_search_set_estimate(cfg, on_estimate, &estimate);
    double start = cli_seconds();
    int status = smi_search_run(ds, cfg, res);
    r->elapsed_s = cli_seconds() - start;
    cli_progress_finish(&progress);
    if (status == SMI_ETOOLARGE && over_limit(&estimate))
        return refused_for_time(&estimate);
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

/* The inclusion picture is opened when the search will have a model posterior. */
static int open_outputs(const es_args *a, cli_outputs *o)
{
    static const char *const suffix[] = { NULL, "-dos.svg", "-weights.svg", "-inclusion.svg" };
    int posterior = es_criterion_uses(a->criterion, SMI_CRITERION_FREE_ENERGY) &&
                    a->fe.model_prior != SMI_MODEL_PRIOR_NONE;
    int last = posterior ? OUT_INCLUSION : OUT_WEIGHTS;
    int rc = cli_outputs_open(o, a->json, a->plot, suffix, last + 1);
    return rc == CLI_EXIT_OK && a->save ? es_open_save(o, OUT_SAVE, "es", a->save) : rc;
}

static int write_outputs(const es_args *a, cli_outputs *o, const es_report *r,
                         const smi_search_result *res)
{
    int rc = a->save ? es_write_save(o, OUT_SAVE, res) : CLI_EXIT_OK;
    if (rc != CLI_EXIT_OK)
        return rc;
    if (a->json)
        es_write_json(o->file[OUT_JSON].stream, r);
    if (a->plot) {
        es_plot_dos(o->file[OUT_DOS].stream, r);
        es_plot_weights(o->file[OUT_WEIGHTS].stream, r);
    }
    if (o->file[OUT_INCLUSION].stream && r->has_posterior)
        es_plot_inclusion(o->file[OUT_INCLUSION].stream, r);
    else /* no picture where a posterior was expected but the result has none */
        cli_output_discard(&o->file[OUT_INCLUSION]);
    return cli_outputs_commit(o);
}

/* Constant and duplicate features, named on stderr before the search and kept for the
 * JSON: the search counts every subset they spoil as singular without a word. */
static int warn_features(const es_args *a, const smi_dataset *ds, es_report *r,
                         char ***warnings)
{
    size_t count = 0;
    int rc = cli_feature_warnings(ds, !a->no_intercept, warnings, &count);
    if (rc != CLI_EXIT_OK)
        return rc;
    cli_warn_features(*warnings, count);
    r->warnings = *warnings;
    r->n_warnings = count;
    return CLI_EXIT_OK;
}

static int run(const es_args *a)
{
    char **warnings = NULL;
    cli_outputs o = { 0 };
    es_data d = { 0 };
    smi_search *cfg = NULL;
    smi_search_result *res = NULL;
    es_report r = { .command = "es", .data_path = a->data, .intercept = !a->no_intercept,
                    .min_size = a->min_size == ES_UNSET ? 1 : a->min_size,
                    .alpha = a->alpha, .beta = a->beta, .fe = a->fe,
                    .threads = cli_threads_used(a->threads, 0) };
    int rc = open_outputs(a, &o);
    if (rc == CLI_EXIT_OK)
        rc = load(a, &d);
    if (rc == CLI_EXIT_OK)
        es_fe_hyper_used(a->criterion, d.ds, &r.alpha, &r.beta);
    if (rc == CLI_EXIT_OK)
        rc = describe(a, &d, &r);
    if (rc == CLI_EXIT_OK)
        rc = es_resolve_keep(d.ds, &a->keep, &r.keep, &r.n_keep, &r.min_size);
    if (rc == CLI_EXIT_OK && smi_search_create(&cfg) < 0)
        rc = cli_fail_library(SMI_ENOMEM);
    if (rc == CLI_EXIT_OK)
        rc = configure(a, &r, &d.folds, cfg);
    if (rc == CLI_EXIT_OK)
        rc = warn_features(a, d.ds, &r, &warnings);
    if (rc == CLI_EXIT_OK)
        rc = search(a, d.ds, cfg, &r, &res);
    if (rc == CLI_EXIT_OK)
        rc = es_report_collect(&r, res);
    if (rc == CLI_EXIT_OK)
        rc = write_outputs(a, &o, &r, res);
    if (rc == CLI_EXIT_OK && !(a->json && strcmp(a->json, "-") == 0))
        es_print_table(stdout, &r, TABLE_ROWS);
    cli_outputs_discard(&o);
    es_report_free(&r);
    cli_strings_free(warnings, r.n_warnings);
    smi_search_result_free(res);
    smi_search_free(cfg);
    es_data_free(&d);
    return rc;
}

int cmd_es(int argc, char **argv)
{
    es_args a;
    int rc = es_parse_args(&a, argc, argv);
    cli_announce_quiet(a.quiet);
    if (rc == CLI_CONTINUE)
        rc = run(&a);
    es_args_free(&a);
    return rc;
}
