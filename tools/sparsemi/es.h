/* The pieces of `sparsemi es` (exhaustive search) and `sparsemi merge`: es_args.c parses
 * the command line of es and cmd_es.c runs the search; cmd_merge.c merges saved shards;
 * es_report.c copies a result out of the library into an es_report and prints it as a
 * table, es_json.c as JSON, es_plot_*.c as SVG; es_meta.c writes and reads the sidecar
 * that `es --save` puts beside the library's result file. The report holds plain arrays
 * and names, so that printing and drawing need no data set. */
#ifndef SPARSEMI_ES_H
#define SPARSEMI_ES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "sparsemi.h"

/* Size options not given on the command line. */
#define ES_UNSET SIZE_MAX

/* ---- es_args.c: the command line of `sparsemi es` ------------------------------------- */

/* The defaults of --ng-prior, --ratio-grid and --model-prior: those of the library
 * (sparsemi.h), set explicitly so that what the report records is what the search used. */
#define ES_NG_LAMBDA 1.0
#define ES_NG_A0 1e-6
#define ES_NG_B0 1e-6
#define ES_RATIO_LO 1e-4
#define ES_RATIO_HI 1e4
#define ES_RATIO_N 20

/* The settings of the free-energy criteria beyond alpha and beta, as the search uses them
 * and the report records them. A setting the criterion does not use is marked unused:
 * model_prior -1 (criteria without a posterior), ratio_n 0 (all but fe-opt and fe-marg),
 * ng_a0 NaN (all but fe-ng and fe-marg), ng_lambda NaN (all but fe-ng). */
typedef struct es_fe_options {
    int model_prior;   /* smi_model_prior, or -1 */
    double prior_q;    /* SMI_MODEL_PRIOR_BERNOULLI: q; else NaN */
    double ratio_lo, ratio_hi;
    size_t ratio_n;
    double ng_lambda, ng_a0, ng_b0;
} es_fe_options;

/* es_uses_posterior, es_uses_ratio_grid, es_uses_ng_prior, es_uses_ng_lambda: whether
 * criterion has a model posterior (fe, fe-ng, fe-opt, fe-marg), a grid of ratios
 * (fe-opt, fe-marg), a Gamma prior on the noise precision (fe-ng, fe-marg), and a fixed
 * ratio lambda of that prior (fe-ng). */
int es_uses_posterior(int criterion);
int es_uses_ratio_grid(int criterion);
int es_uses_ng_prior(int criterion);
int es_uses_ng_lambda(int criterion);

/* The option values es and remc share (es_options.c). Each returns CLI_CONTINUE, or the
 * exit status after a usage error naming `command` and the option; text NULL: not given.
 * es_option_check: a status of a scratch configuration's setter, as such a result.
 * es_parse_fe_hyper: "ALPHA:BETA" (not with --alpha/--beta, NaN when not given).
 * es_parse_ng_prior: "LAMBDA:A0:B0". es_parse_ratio_grid: "LO:HI:N".
 * es_check_folds: the fold options belong to cv, --fold-column to neither of the others,
 *   at least 2 folds (*folds ES_UNSET: default_folds), the seed a decimal below 2^64 or
 *   "none" (then *shuffle is 0). */
typedef struct es_folds_request {
    int criterion;
    const char *seed_text, *column;
} es_folds_request;
int es_option_check(const char *command, int status, const char *option, const char *text);
/* es_fe_hyper_used: for the fe criterion, *alpha and *beta left NaN (not given) become the
 * library's defaults (smi_search_get_fe_hyper of a new configuration, beta 0 there meaning
 * 1 / var(y) of ds), as the search uses them; other criteria leave them as they are. */
void es_fe_hyper_used(int criterion, const smi_dataset *ds, double *alpha, double *beta);
int es_parse_fe_hyper(const char *command, const char *text, double *alpha, double *beta,
                      smi_search *scratch);
int es_parse_ng_prior(const char *command, const char *text, es_fe_options *fe,
                      smi_search *scratch);
int es_parse_ratio_grid(const char *command, const char *text, es_fe_options *fe,
                        smi_search *scratch);
int es_check_folds(const char *command, const es_folds_request *rq, size_t default_folds,
                   size_t *folds, int *shuffle, unsigned long long *seed);

/* Checks of es, remc, lasso and vma, with the same results as above.
 * es_parse_delimiter: --delimiter's text (NULL: not given, *delimiter untouched).
 * es_check_file_name: the file of --option (NULL: not given) is no "-" (standard output).
 * es_check_distinct: --option_a and --option_b do not name one file, which they would
 *   overwrite or read each other's output through. */
int es_parse_delimiter(const char *command, const char *text, char *delimiter);
/* es_library_option: CLI_CONTINUE for status >= 0; else a usage error of `command` naming
 *   --option with the library's message (it refused a value from the command line), or
 *   exit 1 for SMI_ENOMEM.
 * es_resolve_keep: the --keep names into indices (*count of them, allocated in *indices);
 *   an unknown name is bad input (exit 1), like an unknown --target; *min_size is raised to
 *   *count, since every model has the forced features. */
int es_library_option(const char *command, int status, const char *option);
int es_resolve_keep(const smi_dataset *ds, const cli_list *keep, size_t **indices,
                    size_t *count, size_t *min_size);
int es_check_file_name(const char *command, const char *option, const char *path);
int es_check_distinct(const char *command, const char *option_a, const char *path_a,
                      const char *option_b, const char *path_b);

/* A data set and the folds of the criterion cv on it, as es and remc take them. */
typedef struct es_data {
    smi_dataset *ds;
    cli_folds folds;           /* k 0 unless the criterion is cv */
    int *column;               /* the ids of the fold column that folds points to, or NULL */
} es_data;

/* es_data_folds: the folds of cv on d->ds: its fold column when fold_column is given (the
 * data was read with it), else kfold, checked against the data (a fold count above n is bad
 * input); none for the other criteria. Returns CLI_EXIT_OK or CLI_EXIT_INPUT after a
 * message. es_data_free: free the data set and the ids (a zeroed es_data: no-op). */
int es_data_folds(es_data *d, int criterion, const char *fold_column, cli_folds kfold);
void es_data_free(es_data *d);

/* The option-table entries es, remc, lasso and vma share word for word; `a` points to
 * the command's args, whose fields bear these names. Each table opens with
 * ES_OPTIONS_DATA and has ES_OPTIONS_FORMAT just before --plot. */
#define ES_OPTIONS_DATA(a)                                                                   \
    { "target", CLI_OPT_STRING, &(a)->target, "NAME",                                        \
      "the target column (default: the first numeric column)" },                             \
    { "features", CLI_OPT_LIST, &(a)->features, "A,B,...",                                   \
      "candidate features, in order (default: all other numeric)" }
#define ES_OPTIONS_FORMAT(a)                                                                 \
    { "label-column", CLI_OPT_STRING, &(a)->label_column, "NAME",                            \
      "the column of row labels (default: the non-numeric one)" },                           \
    { "delimiter", CLI_OPT_STRING, &(a)->delimiter_text, "C",                                \
      "one character, tab, space (blanks), or auto (default)" },                             \
    { "json", CLI_OPT_STRING, &(a)->json, "FILE",                                            \
      "write the full result as JSON to FILE; '-': stdout, no table" }

/* es_model_prior_name: "none", "uniform" or "bernoulli"; NULL for -1 or an unknown kind. */
const char *es_model_prior_name(int kind);

/* es_model_prior_text: the model prior for people, "uniform" or "bernoulli (q = 0.3)". */
void es_model_prior_text(char *buf, size_t cap, const es_fe_options *fe);

typedef struct es_args {
    const char *data, *target, *label_column, *delimiter_text, *criterion_text;
    const char *json, *plot, *save, *checkpoint, *fold_seed_text, *fold_column, *shard_text;
    const char *fe_hyper_text, *ng_prior_text, *ratio_grid_text, *model_prior_text;
    cli_list features, keep;
    size_t min_size, max_size, top, bins, threads, folds; /* ES_UNSET when not given */
    double alpha, beta, checkpoint_interval;               /* NaN when not given */
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
     * line and the data set, by cmd_merge.c from the sidecars of the saved results. */
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

    /* What came back, filled in by es_report_collect. */
    size_t p;
    int criterion;
    size_t max_size;
    uint64_t n_models, n_singular;
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
void es_report_free(es_report *r);

/* es_feature_name: the name of feature j of the report's data set. */
const char *es_feature_name(const es_report *r, size_t j);

/* es_criterion_label: the criterion for people, e.g. "RSS" or "free energy F". */
const char *es_criterion_label(int criterion);

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

/* es_json_ng_prior, es_json_ratio_grid: the objects "ng_prior" ({lambda, a0, b0}, lambda
 * null for fe-marg) and "ratio_grid" ({lo, hi, n}) of es's request, for the commands that
 * write es's settings as es does. */
void es_json_ng_prior(cli_json *j, const es_fe_options *fe);
void es_json_ratio_grid(cli_json *j, const es_fe_options *fe);

/* ---- es_meta.c: the sidecar FILE.meta.json of a result saved to FILE ------------------- */

#define ES_META_SUFFIX ".meta.json"

/* es_meta_path: FILE ES_META_SUFFIX, malloc'ed (NULL when memory runs out). */
char *es_meta_path(const char *result_path);

/* es_data_hash: a fingerprint of the data the search saw (n, p, X, y, and the folds of its
 * criterion as it assigned them; folds NULL or k 0: none) as 16 hex digits, so that merge
 * can tell shards of different data apart by content. Returns CLI_EXIT_OK or
 * CLI_EXIT_INPUT after a message. */
int es_data_hash(const smi_dataset *ds, const cli_folds *folds, char hash[17]);

/* es_write_meta: the sidecar of r saved to result_path (the JSON: doc/sparsemi.1). */
void es_write_meta(FILE *out, const es_report *r, const char *result_path, const char *hash);

/* One saved result read back for merge: its sidecar's tree and the parts merge uses. */
typedef struct es_part {
    const char *path;         /* the result file */
    cli_jv *meta;             /* the sidecar */
    const cli_jv *request;    /* its "request" object */
    size_t shard_count;       /* 1 for a whole search */
    size_t *shards;           /* the shard indices this result holds, ascending */
    size_t n_shards;
    double elapsed_s;
    size_t threads;
} es_part;

/* es_part_read: read and check the sidecar of the result file at path. Returns
 * CLI_EXIT_OK or CLI_EXIT_INPUT after a message; free with es_part_free either way. */
int es_part_read(es_part *part, const char *path);
void es_part_free(es_part *part);

/* es_part_compare: CLI_EXIT_OK when b comes from the same search as a (request equal
 * but for the data file's path, same shard count), else CLI_EXIT_INPUT after a message
 * naming the first difference. */
int es_part_compare(const es_part *a, const es_part *b);

/* es_report_from_part: the request fields of r from a part's sidecar (names and strings
 * point into part->meta, which must outlive r). Returns CLI_EXIT_OK or CLI_EXIT_INPUT. */
int es_report_from_part(es_report *r, const es_part *part);

/* es_plot_dos, es_plot_weights: the DOS histogram and the weight diagram as SVG.
 * es_plot_inclusion: the posterior inclusion probabilities as a bar chart (r must have a
 * posterior). */
void es_plot_dos(FILE *out, const es_report *r);
void es_plot_weights(FILE *out, const es_report *r);
void es_plot_inclusion(FILE *out, const es_report *r);

#endif /* SPARSEMI_ES_H */
