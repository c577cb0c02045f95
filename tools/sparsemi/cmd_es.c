/* sparsemi es: exhaustive search (ES-K, DESIGN.md 4.3): score every subset of the
 * features in a size range, rank them, and report the best models, the best model of
 * each size and the density of states (DOS) of the criterion; optionally as JSON and as
 * two SVG pictures. This file turns the command line into an smi_search and runs it;
 * es_report.c and es_plot.c present the result. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "es.h"
#include "sparsemi.h"

/* The most rows of the ranked table on stdout; JSON has every model kept. */
#define TABLE_ROWS 20
/* Size options not given on the command line. */
#define UNSET SIZE_MAX

typedef struct es_args {
    const char *data, *target, *label_column, *delimiter_text, *criterion_text;
    const char *json, *plot;
    cli_list features, keep;
    size_t min_size, max_size, top, bins, threads;
    double alpha, beta;
    int no_intercept, quiet;
    char delimiter;
    int criterion;
} es_args;

/* The outputs, opened before the work so that an unwritable path fails early, and
 * discarded together on any failure so that a failed run leaves no file behind. */
enum { OUT_JSON, OUT_DOS, OUT_WEIGHTS, N_OUTPUTS };

typedef struct es_outputs {
    cli_output file[N_OUTPUTS];
    char *plot_path[N_OUTPUTS];
} es_outputs;

static const char description[] =
    "Fit every subset of the features of DATA in a size range by least squares, score\n"
    "each by a criterion (smaller is better), and print the best models, the best\n"
    "model of each size and how often each feature appears among the best. The density\n"
    "of states (DOS), a histogram of the criterion over every subset scored, goes to\n"
    "the JSON and to the DOS picture. Subsets whose fit is singular are counted apart.\n";

/* "rss, aic, bic, fe": every name the library knows, for messages. */
static void criterion_names(char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int c = 0; smi_criterion_name(c) && used < cap; c++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", c ? ", " : "",
                                 smi_criterion_name(c));
}

static int check_args(es_args *a)
{
    if (a->delimiter_text && cli_parse_delimiter(a->delimiter_text, &a->delimiter) < 0)
        return cli_usage_error("es", "option '--delimiter': '%s' is not one character, "
                               "tab, space or auto", a->delimiter_text);
    if (smi_criterion_from_name(a->criterion_text, &a->criterion) < 0) {
        char names[128];
        criterion_names(names, sizeof names);
        return cli_usage_error("es", "option '--criterion': unknown criterion '%s' "
                               "(known: %s)", a->criterion_text, names);
    }
    if (isnan(a->alpha) != isnan(a->beta))
        return cli_usage_error("es", "options '--alpha' and '--beta' go together");
    if (!isnan(a->alpha) && a->criterion != SMI_CRIT_FE)
        return cli_usage_error("es", "options '--alpha' and '--beta' need '--criterion fe'");
    if (a->max_size == 0)
        return cli_usage_error("es", "option '--max-size': must be at least 1");
    if (a->min_size != UNSET && a->max_size != UNSET && a->min_size > a->max_size)
        return cli_usage_error("es", "option '--min-size' %zu is larger than '--max-size' %zu",
                               a->min_size, a->max_size);
    return CLI_CONTINUE;
}

static int parse_args(es_args *a, int argc, char **argv)
{
    const cli_option options[] = {
        { "target", CLI_OPT_STRING, &a->target, "NAME",
          "the target column (default: the first numeric column)" },
        { "features", CLI_OPT_LIST, &a->features, "A,B,...",
          "candidate features, in order (default: all other numeric)" },
        { "criterion", CLI_OPT_STRING, &a->criterion_text, "NAME",
          "rss, aic, bic (default) or fe; smaller is better" },
        { "min-size", CLI_OPT_SIZE, &a->min_size, "A",
          "the smallest model size, forced features included (default 1)" },
        { "max-size", CLI_OPT_SIZE, &a->max_size, "K",
          "the largest model size (default: every feature)" },
        { "keep", CLI_OPT_LIST, &a->keep, "A,B,...", "features forced into every model" },
        { "top", CLI_OPT_SIZE, &a->top, "M", "the number of best models kept (default 100)" },
        { "bins", CLI_OPT_SIZE, &a->bins, "B", "the most DOS bins (default 64)" },
        { "alpha", CLI_OPT_DOUBLE, &a->alpha, "A", "prior precision for fe (default 0.01)" },
        { "beta", CLI_OPT_DOUBLE, &a->beta, "B", "noise precision for fe (default 1)" },
        { "threads", CLI_OPT_SIZE, &a->threads, "T", "threads; 0: every core (default)" },
        { "no-intercept", CLI_OPT_FLAG, &a->no_intercept, NULL, "fit models without intercept" },
        { "label-column", CLI_OPT_STRING, &a->label_column, "NAME",
          "the column of row labels (default: the non-numeric one)" },
        { "delimiter", CLI_OPT_STRING, &a->delimiter_text, "C",
          "one character, tab, space (blanks), or auto (default)" },
        { "json", CLI_OPT_STRING, &a->json, "FILE",
          "write the full result as JSON to FILE; '-': stdout, no table" },
        { "plot", CLI_OPT_STRING, &a->plot, "PREFIX",
          "write PREFIX-dos.svg and PREFIX-weights.svg" },
        { "quiet", CLI_OPT_FLAG, &a->quiet, NULL, "no progress bar" },
    };
    const cli_spec spec = { "es", "DATA --target NAME [options]", description, options,
                            sizeof options / sizeof options[0], "DATA", 1, 1 };
    size_t n_positional = 0;
    int rc = cli_parse(&spec, argc, argv, &a->data, &n_positional);
    return rc == CLI_CONTINUE ? check_args(a) : rc;
}

static int load(const es_args *a, smi_dataset **ds)
{
    smi_csv_options opt;
    smi_csv_options_init(&opt);
    opt.delimiter = a->delimiter;
    opt.target = a->target;
    opt.label_column = a->label_column;
    if (a->features.count > 0) {
        opt.features = (const char *const *)a->features.items;
        opt.n_features = a->features.count;
    }
    int status = smi_dataset_read_csv(ds, a->data, &opt);
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

/* Unknown names are bad input (exit 1), like an unknown --target. */
static int resolve_keep(const es_args *a, const smi_dataset *ds, es_report *r)
{
    if (a->keep.count == 0)
        return CLI_EXIT_OK;
    r->keep = calloc(a->keep.count, sizeof *r->keep);
    if (!r->keep)
        return cli_fail("out of memory");
    for (size_t k = 0; k < a->keep.count; k++) {
        int status = smi_dataset_feature_index(ds, a->keep.items[k], &r->keep[k]);
        if (status < 0)
            return cli_fail_library(status);
        r->n_keep++;
    }
    if (r->min_size < r->n_keep) /* every model has the forced features: say so */
        r->min_size = r->n_keep;
    return CLI_EXIT_OK;
}

/* A value the library refuses came from the command line: a usage error that carries
 * the library's message and names the option. */
static int setter(int status, const char *option)
{
    if (status >= 0)
        return CLI_CONTINUE;
    return cli_usage_error("es", "option '--%s': %s", option, smi_last_error());
}

static size_t resolve_threads(size_t threads)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return threads != 0 ? threads : cores > 0 ? (size_t)cores : 1;
}

static int configure(const es_args *a, const es_report *r, smi_search *cfg)
{
    int rc = setter(smi_search_set_criterion(cfg, a->criterion), "criterion");
    if (rc == CLI_CONTINUE && !isnan(a->alpha))
        rc = setter(smi_search_set_fe_hyper(cfg, a->alpha, a->beta), "alpha");
    if (rc == CLI_CONTINUE && (a->min_size != UNSET || a->max_size != UNSET))
        rc = setter(smi_search_set_size_range(cfg, r->min_size,
                                              a->max_size == UNSET ? 0 : a->max_size),
                    a->max_size == UNSET ? "min-size" : "max-size");
    if (rc == CLI_CONTINUE && a->top != UNSET)
        rc = setter(smi_search_set_top(cfg, a->top), "top");
    if (rc == CLI_CONTINUE && a->bins != UNSET)
        rc = setter(smi_search_set_bins(cfg, a->bins), "bins");
    if (rc == CLI_CONTINUE)
        rc = setter(smi_search_set_threads(cfg, r->threads), "threads");
    if (rc == CLI_CONTINUE && a->no_intercept)
        rc = setter(smi_search_set_intercept(cfg, 0), "no-intercept");
    if (rc != CLI_CONTINUE)
        return rc;
    /* Names already resolved to features of DATA: what is left to refuse (a repeated
     * name, too many) is judged against the data, like the size range in the run. */
    int status = r->n_keep > 0 ? smi_search_set_keep(cfg, r->keep, r->n_keep) : SMI_OK;
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

static int search(const es_args *a, smi_search *cfg, es_report *r, smi_result **res)
{
    size_t p = smi_dataset_p(r->ds);
    size_t max_size = a->max_size == UNSET || a->max_size > p ? p : a->max_size;
    cli_progress progress;
    cli_progress_start(&progress, a->quiet, subsets_to_visit(r, p, max_size));
    smi_search_set_progress(cfg, cli_progress_update, &progress);
    double start = cli_seconds();
    int status = smi_search_run(r->ds, cfg, res);
    r->elapsed_s = cli_seconds() - start;
    cli_progress_finish(&progress);
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

static int open_outputs(const es_args *a, es_outputs *o)
{
    static const char *const suffix[N_OUTPUTS] = { NULL, "-dos.svg", "-weights.svg" };
    int rc = a->json ? cli_output_open(&o->file[OUT_JSON], a->json) : CLI_EXIT_OK;
    for (int k = OUT_DOS; k < N_OUTPUTS && a->plot && rc == CLI_EXIT_OK; k++) {
        size_t len = strlen(a->plot) + strlen(suffix[k]) + 1;
        o->plot_path[k] = malloc(len);
        if (!o->plot_path[k])
            return cli_fail("out of memory");
        snprintf(o->plot_path[k], len, "%s%s", a->plot, suffix[k]);
        rc = cli_output_open(&o->file[k], o->plot_path[k]);
    }
    return rc;
}

static int write_outputs(const es_args *a, es_outputs *o, const es_report *r)
{
    if (a->json)
        es_write_json(o->file[OUT_JSON].stream, r);
    if (a->plot) {
        es_plot_dos(o->file[OUT_DOS].stream, r);
        es_plot_weights(o->file[OUT_WEIGHTS].stream, r);
    }
    int rc = CLI_EXIT_OK;
    for (int k = 0; k < N_OUTPUTS && rc == CLI_EXIT_OK; k++)
        if (o->file[k].stream)
            rc = cli_output_commit(&o->file[k]);
    return rc;
}

static void close_outputs(es_outputs *o)
{
    for (int k = 0; k < N_OUTPUTS; k++) {
        cli_output_discard(&o->file[k]);
        free(o->plot_path[k]);
    }
}

static int run(const es_args *a)
{
    es_outputs o = { 0 };
    smi_dataset *ds = NULL;
    smi_search *cfg = NULL;
    smi_result *res = NULL;
    es_report r = { .data_path = a->data, .intercept = !a->no_intercept,
                    .min_size = a->min_size == UNSET ? 1 : a->min_size,
                    .alpha = a->alpha, .beta = a->beta, .threads = resolve_threads(a->threads) };
    int rc = open_outputs(a, &o);
    if (rc == CLI_EXIT_OK)
        rc = load(a, &ds);
    r.ds = ds;
    if (rc == CLI_EXIT_OK)
        rc = resolve_keep(a, ds, &r);
    if (rc == CLI_EXIT_OK && smi_search_create(&cfg) < 0)
        rc = cli_fail_library(SMI_ENOMEM);
    if (rc == CLI_EXIT_OK)
        rc = configure(a, &r, cfg);
    if (rc == CLI_EXIT_OK)
        rc = search(a, cfg, &r, &res);
    if (rc == CLI_EXIT_OK)
        rc = es_report_collect(&r, res);
    if (rc == CLI_EXIT_OK)
        rc = write_outputs(a, &o, &r);
    if (rc == CLI_EXIT_OK && !(a->json && strcmp(a->json, "-") == 0))
        es_print_table(stdout, &r, TABLE_ROWS);
    close_outputs(&o);
    es_report_free(&r);
    smi_result_free(res);
    smi_search_free(cfg);
    smi_dataset_free(ds);
    return rc;
}

int cmd_es(int argc, char **argv)
{
    es_args a = { .criterion_text = "bic", .min_size = UNSET, .max_size = UNSET, .top = UNSET,
                  .bins = UNSET, .threads = 0, .alpha = NAN, .beta = NAN };
    int rc = parse_args(&a, argc, argv);
    if (rc == CLI_CONTINUE)
        rc = run(&a);
    cli_list_free(&a.features);
    cli_list_free(&a.keep);
    return rc;
}
