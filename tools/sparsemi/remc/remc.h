/* The pieces of `sparsemi remc` (replica-exchange Monte Carlo, DESIGN.md 4.5): remc_args.c
 * parses the command line and cmd_remc.c runs the sampler; remc_report.c copies the
 * library's result into a remc_report and prints it as a table, remc_json.c writes it as
 * JSON and reads the JSON of --exact, remc_exact.c reads a saved result of --exact,
 * remc_plot.c draws the two SVG pictures (axes shared with es: common/svg_dos.c). The
 * structure follows `sparsemi es`, whose criterion options it shares
 * (common/search_options.h). */
#ifndef SPARSEMI_REMC_H
#define SPARSEMI_REMC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "search_options.h"
#include "sparsemi.h"

/* The defaults of the sampler and of the folds are the library's (cli_library_defaults), set
 * explicitly so that the report records what ran; with --sweeps alone the burn-in keeps the
 * library's default share of the sweeps. */

/* A bin takes part in the comparison with --exact when the exhaustive search put at least
 * this fraction of its models in it. */
#define REMC_EXACT_MIN_FRACTION 1e-4

/* ---- remc_args.c: the command line ------------------------------------------------------ */

typedef struct remc_args {
    const char *data, *target, *label_column, *delimiter_text, *criterion_text;
    const char *json, *plot, *exact, *seed_text, *fe_hyper_text, *ng_prior_text;
    const char *ratio_grid_text, *fold_seed_text, *fold_column;
    cli_list features, keep, ladder_text;
    size_t min_size, max_size, size, top, bins, threads; /* ES_UNSET when not given */
    size_t folds;                           /* ES_UNSET when not given, then the library's */
    size_t replicas, sweeps, burn_in;                     /* ES_UNSET when not given */
    double alpha, beta, beta_max;                         /* NaN when not given */
    double *ladder;                                       /* --ladder, n_ladder values */
    size_t n_ladder;
    es_fe_options fe;  /* the normal-gamma prior of fe-ng; the other members unused */
    int no_intercept, quiet, tune;
    char delimiter;
    int criterion;
    int fold_shuffle;  /* --fold-seed other than none (the default) */
    unsigned long long fold_seed;
    uint64_t seed;
} remc_args;

/* remc_parse_args: fill *a from argv, defaults resolved (sizes stay ES_UNSET when not
 * given). Returns CLI_CONTINUE, or an exit status after the help or a usage error. Free
 * with remc_args_free either way. */
int remc_parse_args(remc_args *a, int argc, char **argv);
void remc_args_free(remc_args *a);

/* ---- The report ---------------------------------------------------------------------------- */

typedef struct remc_model {
    size_t size;
    size_t *features; /* indices into the data set, ascending */
    double criterion;
} remc_model;

/* The exhaustive search of --exact, read from the result file or the JSON of `sparsemi es`. */
typedef struct remc_exact {
    const char *path;
    size_t n_bins;
    double *edges;             /* n_bins + 1: the REMC's bins */
    uint64_t *counts;          /* n_bins */
    uint64_t n_models;         /* subsets scored */
    size_t best_size;          /* the best model, SIZE_MAX when the search had none */
    size_t *best;              /* its features (indices into the data set) */
} remc_exact;

typedef struct remc_report {
    /* What was asked, filled in by cmd_remc.c from the command line and the data set. */
    const char *data_path;
    const char **names;        /* the p feature names (the array is the report's) */
    const char *target;
    size_t n, p;
    int criterion;
    int intercept;
    size_t min_size, max_size; /* resolved: forced features counted, max at most p */
    size_t *keep;              /* forced features, n_keep indices */
    size_t n_keep;
    double alpha, beta;        /* fe: the hyperparameters used; NaN otherwise */
    es_fe_options fe;          /* fe-ng: the normal-gamma prior; ng_a0 NaN otherwise */
    size_t n_folds;            /* CV folds K; 0 unless the criterion is cv */
    int fold_shuffle;          /* folds drawn from fold_seed (else sample i in fold i mod K) */
    unsigned long long fold_seed;
    const char *fold_column;   /* folds from this column of the data (else NULL) */
    double beta_max;           /* the ladder's top when geometric; NaN with --ladder */
    int ladder_given;
    size_t sweeps, burn_in;
    int tune;
    uint64_t seed;
    size_t threads;            /* threads used: at most one per replica */
    size_t top_requested, bins_requested; /* bins 0 with --exact */
    double elapsed_s;          /* wall time of smi_remc_run */

    /* What came back, filled in by remc_report_collect. */
    size_t R;
    double *ladder, *acceptance, *exchange; /* R, R, R - 1 */
    double n_states;
    uint64_t n_proposals;
    size_t n_bins;
    double *edges, *log_counts, *errors;    /* n_bins + 1, n_bins, n_bins */
    size_t n_top;
    remc_model *top;           /* best first */
    int has_inclusion;
    double *inclusion;         /* p */
    size_t n_sweeps;           /* burn-in included */
    double *trace;             /* R x n_sweeps, by temperature */

    /* --exact, and the comparison remc_report_compare makes. */
    remc_exact exact;
    int has_exact;
    double max_abs_log_error;  /* over the bins compared; INFINITY when one is missed */
    size_t compared_bins;
    int best_found;            /* the exhaustive search's best model is the REMC's best */
} remc_report;

/* remc_report_collect: copy everything out of res into r (whose request fields are set).
 * Returns CLI_EXIT_OK, or CLI_EXIT_INPUT after a message. Free with remc_report_free
 * either way. */
int remc_report_collect(remc_report *r, const smi_remc_result *res);
void remc_report_free(remc_report *r);

/* remc_report_compare: with --exact, the largest |ln D_remc - ln D_exact| over the bins
 * holding at least REMC_EXACT_MIN_FRACTION of the exact models, and whether the best
 * models agree. */
void remc_report_compare(remc_report *r);

/* remc_print_table: the human-readable report, at most `rows` top models. */
void remc_print_table(FILE *out, const remc_report *r, size_t rows);

/* remc_count: the estimated number of subsets in bin b, exp(ln D) (0 where ln D = -inf). */
double remc_count(const remc_report *r, size_t b);

/* ---- remc_json.c ----------------------------------------------------------------------- */

/* remc_write_json: the full report as one JSON object (schema: doc/sparsemi.1). */
void remc_write_json(FILE *out, const remc_report *r);

/* remc_read_exact: read the exhaustive search at r->exact.path, told apart by content: the
 * result file of `sparsemi es --save` (remc_read_exact_result, remc_exact.c: its saved
 * identity must match ds, smi_data_id_matches) or the JSON of `sparsemi es --json`; check
 * that it is a search of the same problem as r's request (data set sizes, features,
 * target, criterion and its hyperparameters, cv's folds, sizes, forced features,
 * intercept); fill r->exact. Returns CLI_EXIT_OK, or CLI_EXIT_INPUT after a message naming
 * the file and the first difference. */
int remc_read_exact(remc_report *r, const smi_dataset *ds);
int remc_read_exact_result(remc_report *r, const smi_dataset *ds);

/* ---- remc_plot.c ----------------------------------------------------------------------- */

/* remc_plot_dos: the estimated DOS with error bars (and the exact one with --exact).
 * remc_plot_trace: the energy of every temperature against the sweep, burn-in shaded,
 * and the exchange rates between neighbouring temperatures. */
void remc_plot_dos(FILE *out, const remc_report *r);
void remc_plot_trace(FILE *out, const remc_report *r);

#endif /* SPARSEMI_REMC_H */
