/* The pieces of `sparsemi es` (exhaustive search) and `sparsemi merge` (the options they
 * share with remc, lasso and vma are in common/search_options.h): es_args.c parses
 * the command line of es and cmd_es.c runs the search; cmd_merge.c merges saved shards;
 * es_report.c copies a result out of the library into an es_report and prints it as a
 * table, es_json.c as JSON, es_plot_*.c as SVG; es_saved.c reads back the request of a
 * result file that `es --save` wrote. The report holds plain arrays
 * and names, so that printing and drawing need no data set. */
#ifndef SPARSEMI_ES_H
#define SPARSEMI_ES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "search_options.h"
#include "sparsemi.h"

/* ---- es_args.c: the command line of `sparsemi es` ------------------------------------- */

typedef struct es_args {
    const char *data, *target, *label_column, *delimiter_text, *criterion_text;
    const char *json, *plot, *save, *checkpoint, *fold_seed_text, *fold_column, *shard_text;
    const char *fe_hyper_text, *ng_prior_text, *ratio_grid_text, *model_prior_text;
    es_sigma_texts sigma;            /* fe-grid's options as given */
    cli_list features, keep;
    size_t min_size, max_size, top, bins, threads, folds; /* ES_UNSET when not given */
    double alpha, beta, checkpoint_interval, max_time;     /* NaN when not given */
    es_fe_options fe;                /* the other free-energy settings, defaults filled in */
    int no_intercept, quiet;
    char delimiter;
    int criterion;
    int fold_shuffle;                /* --fold-seed other than none (the default) */
    unsigned long long fold_seed;
    size_t shard_index, shard_count; /* count 0: no --shard */
} es_args;

/* es_parse_args: fill *a from argv. Returns CLI_CONTINUE, or an exit status after the
 * help or a usage error. Free with es_args_free either way. */
int es_parse_args(es_args *a, int argc, char **argv);
void es_args_free(es_args *a);

/* ---- The report ------------------------------------------------------------------------ */

/* One model: `size` features (indices into the data set, ascending) and their
 * coefficients in the data's units. */
typedef struct es_model {
    size_t size;
    size_t *features;
    double *coefficients;
    double criterion, intercept, rmse;
} es_model;

typedef struct es_report {
    /* What was asked, filled in before es_report_collect: by cmd_es.c from the command
     * line and the data set, by cmd_merge.c from the saved results (es_saved.c). */
    const char *command;      /* "es" or "merge", for the JSON */
    const char *data_path;
    const char **names;       /* the p feature names (the array is the report's) */
    const char *target;
    size_t n;                 /* samples */
    int intercept;            /* 1 when the models have an intercept */
    size_t min_size;
    size_t *keep;             /* forced features, n_keep indices */
    size_t n_keep;
    double alpha, beta;       /* FE hyperparameters, NaN when not given */
    es_fe_options fe;         /* model prior, ratio grid and normal-gamma prior */
    size_t n_folds;           /* CV folds K; 0 unless the criterion is cv */
    int fold_shuffle;         /* folds drawn from fold_seed (else sample i in fold i mod K) */
    unsigned long long fold_seed;
    const char *fold_column;  /* folds from this column of the data (else NULL) */
    size_t shard_count;       /* 0: the whole search; else shards[0..n_shards-1] of it */
    size_t *shards;           /* ascending (the array is the report's) */
    size_t n_shards;
    const char *const *inputs; /* merge: the n_inputs result files merged */
    size_t n_inputs;
    size_t threads;           /* threads used (0 resolved to the number of cores) */
    double elapsed_s;         /* wall time of smi_search_run (merge: summed over parts) */
    char *const *warnings;    /* es: features the search cannot use (cli_feature_warnings; */
    size_t n_warnings;        /* not the report's), written to JSON when there are any */

    /* What came back, filled in by es_report_collect. */
    size_t p;
    int criterion;
    size_t max_size;
    uint64_t n_models, n_singular, n_nonfinite;
    double quadrature_error;  /* fe-opt, fe-marg: smi_search_result_quadrature_error */
    size_t grid_edge_models;  /* fe-opt, fe-marg: smi_search_result_grid_edge_models */
    char caveat[512];         /* smi_search_result_caveat ("" when none) */
    size_t n_top;
    es_model *top;            /* n_top models, best first */
    es_model *by_size;        /* by_size[k] for k = 0..max_size; size SIZE_MAX: none */
    size_t n_bins;
    double *edges;            /* n_bins + 1 */
    uint64_t *counts;         /* n_bins */
    uint64_t below, above;
    double *frequency;        /* p: fraction of the top models using each feature */
    int has_posterior;        /* the result has a model posterior; then the rest below */
    double log_evidence_total;
    double *inclusion;        /* p: posterior inclusion probability of each feature */
    double *size_posterior;   /* max_size + 1: posterior probability of each size */
    double *dos_posterior;    /* n_bins: posterior mass of each DOS bin */
    double *average;          /* p: model-averaged coefficients (smi_search_result_model_average) */
    double average_intercept, average_mass;
} es_report;

/* es_report_collect: copy everything out of res into r (whose request fields are set).
 * Returns CLI_EXIT_OK, or CLI_EXIT_INPUT after a message. Free with es_report_free
 * either way. */
int es_report_collect(es_report *r, const smi_search_result *res);
/* es_is_grid_criterion: whether the criterion runs over the ratio grid (fe-opt, fe-marg). */
int es_is_grid_criterion(int criterion);
void es_report_free(es_report *r);

/* es_feature_name: the name of feature j of the report's data set. */
const char *es_feature_name(const es_report *r, size_t j);

/* es_data_label: the data file's name without its folders, for titles; for a merge (whose
 * results do not record the data file) the first result file's name. */
const char *es_data_label(const es_report *r);

/* es_rank_features: the indices of the features with the largest `values` (p of them),
 * largest first, ties in data set order, at most cap into order; with skip_zero, features
 * whose value is not positive are left out. Returns the count (0 when memory runs out). */
size_t es_rank_features(const es_report *r, const double *values, int skip_zero,
                        size_t *order, size_t cap);

/* es_print_table: the human-readable report: header, the first `rows` top models, the
 * best model of each size, the feature frequencies, and the model posterior if any. */
void es_print_table(FILE *out, const es_report *r, size_t rows);

/* es_write_json: the full report as one JSON object (schema: doc/sparsemi.1).
 * es_json_request: the members that describe the search (data, criterion, sizes, folds),
 * the same in every shard of one search, into the object open in j. */
void es_write_json(FILE *out, const es_report *r);
void es_json_request(cli_json *j, const es_report *r);

/* ---- es_saved.c: a result saved by `es --save`, read back by merge ------------------- */

/* es_saved_check: CLI_EXIT_OK when the loaded result at path records its data and
 * configuration, else CLI_EXIT_INPUT after a message naming the file. */
int es_saved_check(const smi_search_result *res, const char *path);

/* es_report_from_result: the request fields of r from the saved identity and configuration
 * of res (names point into res, which must outlive r); the data file's path is unknown
 * (NULL). Returns CLI_EXIT_OK or CLI_EXIT_INPUT. */
int es_report_from_result(es_report *r, const smi_search_result *res);

/* es_saved_shard: the shard of res's configuration (0 of 1 for a whole search). */
void es_saved_shard(const smi_search_result *res, size_t *index, size_t *count);

/* es_open_save: open slot k of o for the result file of `command --save path`, which must
 * be a file (it is saved by name, to a temporary file renamed with the rest of the set).
 * es_write_save: save res there (smi_search_result_save). Both return CLI_EXIT_OK or
 * CLI_EXIT_INPUT after a message. */
int es_open_save(cli_outputs *o, int k, const char *command, const char *path);
int es_write_save(cli_outputs *o, int k, const smi_search_result *res);

/* es_plot_dos, es_plot_weights: the DOS histogram and the weight diagram as SVG.
 * es_plot_inclusion: the posterior inclusion probabilities as a bar chart (r must have a
 * posterior). */
void es_plot_dos(FILE *out, const es_report *r);
void es_plot_weights(FILE *out, const es_report *r);
void es_plot_inclusion(FILE *out, const es_report *r);

#endif /* SPARSEMI_ES_H */
