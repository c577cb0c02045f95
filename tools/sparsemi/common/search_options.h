/* The options of the exhaustive search's criteria and data that es, remc, lasso and vma
 * share (search_options.c): the settings of the free-energy criteria, the one table of
 * criterion options (which criteria use which setting is the library's,
 * smi_criterion_flags), their parsers and checks, the data and folds of cv, and the
 * option-table entries they share word for word. */
#ifndef SPARSEMI_SEARCH_OPTIONS_H
#define SPARSEMI_SEARCH_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "sparsemi.h"

/* Size options not given on the command line. */
#define ES_UNSET SIZE_MAX

/* ---- es_args.c: the command line of `sparsemi es` ------------------------------------- */

/* The settings of the free-energy criteria beyond alpha and beta, as the search uses them
 * and the report records them. A setting the criterion does not use is marked unused:
 * model_prior -1 (criteria without a posterior), ratio_n 0 (all but fe-opt and fe-marg),
 * ng_a0 NaN (all but fe-ng and fe-marg), ng_lambda NaN (all but fe-ng). */
typedef struct es_sigma_grid {
    size_t n[2];       /* points of the noise (0) and coefficient (1) grids; n[0] 0: unused */
    double lo[2], hi[2];
    int prior;         /* smi_grid_prior */
    double shape, scale;
    int intercept_term;
} es_sigma_grid;
typedef struct es_fe_options {
    int model_prior;   /* smi_model_prior, or -1 */
    double prior_q;    /* SMI_MODEL_PRIOR_BERNOULLI: q; else NaN */
    double ratio_lo, ratio_hi;
    size_t ratio_n;
    double ng_lambda, ng_a0, ng_b0;
    es_sigma_grid grid; /* fe-grid's settings (all but fe-grid: grid.n[0] 0) */
} es_fe_options;

/* es_criterion_uses: whether criterion uses the setting `flag` (an SMI_CRITERION_* bit of
 * smi_criterion_flags: FREE_ENERGY, a model posterior; RATIO_GRID; NG_PRIOR; NG_LAMBDA...).
 * es_criterion_option_check: the one table of criterion options (search_options.c): CLI_CONTINUE
 * when `option` (e.g. "ng-prior") was not given or the criterion uses its setting, else
 * the exit status after a usage error of `command` naming the criteria that use it. */
int es_criterion_uses(int criterion, int flag);
int es_criterion_option_check(const char *command, int criterion, const char *option,
                              int given);

/* The option values es and remc share (search_options.c). Each returns CLI_CONTINUE, or the
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
/* es_fill_fe_settings: the settings criterion uses that were not given (given's flags)
 * become the library's defaults (cli_library_defaults); the others are marked unused, and
 * so is the model prior without with_posterior (remc, lasso and vma have none). */
typedef struct es_fe_given {
    int ng_prior, ratio_grid, model_prior;
} es_fe_given;
void es_fill_fe_settings(int criterion, int with_posterior, es_fe_options *fe,
                         const es_fe_given *given);
/* es_criterion_heading: a table column's heading for the criterion's values, with its
 * unit where it has one: "cv [MSE, y^2]", "rss [RSS, y^2]" (y the target's name); the
 * information criteria and free energies have none ("bic"). */
void es_criterion_heading(char *buf, size_t cap, int criterion, const char *target);
/* es_settings_without_posterior: for remc and vma (no model posterior): the criterion
 * options --ng-prior and --ratio-grid checked against the criterion (the table above),
 * then es_fill_fe_settings. Returns CLI_CONTINUE or the exit status of a usage error. */
int es_settings_without_posterior(const char *command, int criterion, const char *ng_prior_text,
                                  const char *ratio_grid_text, es_fe_options *fe);
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
 * data was read with it), else kfold (the library checks them against the data when the
 * run starts: a fold count above n is bad input there); none for the other criteria. Returns CLI_EXIT_OK or CLI_EXIT_INPUT after a
 * message. es_data_free: free the data set and the ids (a zeroed es_data: no-op). */
int es_data_folds(es_data *d, int criterion, const char *fold_column, cli_folds kfold);
void es_data_free(es_data *d);

/* es_data_load: read DATA as rq says into d->ds, require --target where DATA has several
 * numeric columns (cli_require_target), then es_data_folds. Returns CLI_EXIT_OK, or an
 * exit status after a message. */
int es_data_load(const char *command, const cli_data_request *rq, int criterion,
                 cli_folds kfold, es_data *d);

/* The option-table entries es, remc, lasso and vma share word for word; `a` points to
 * the command's args, whose fields bear these names. Each table opens with
 * ES_OPTIONS_DATA and has ES_OPTIONS_FORMAT just before --plot. */
#define ES_OPTIONS_DATA(a)                                                                   \
    { "target", CLI_OPT_STRING, &(a)->target, "NAME",                                        \
      "the target column (required when DATA has several numeric columns)" },               \
    { "features", CLI_OPT_LIST, &(a)->features, "A,B,...",                                   \
      "candidate features, in order (default: all other numeric)" }
/* The folds of cv and the size range, shared by es and remc. */
#define ES_OPTIONS_FOLDS_SIZES(a)                                                            \
    { "folds", CLI_OPT_SIZE, &(a)->folds, "K", "cv: the number of folds (default 10)" },     \
    { "fold-seed", CLI_OPT_STRING, &(a)->fold_seed_text, "S",                                \
      "cv: shuffle the folds with seed S (default 0); none: sample i in fold i mod K" },     \
    { "fold-column", CLI_OPT_STRING, &(a)->fold_column, "NAME",                              \
      "cv: the folds from a column of integer fold ids" },                                   \
    { "min-size", CLI_OPT_SIZE, &(a)->min_size, "A",                                         \
      "the smallest model size, forced features included (default 1)" },                     \
    { "max-size", CLI_OPT_SIZE, &(a)->max_size, "K",                                         \
      "the largest model size (default: every feature)" }
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

/* fe-grid's options --sigma-noise-grid LO:HI:N, --sigma-coef-grid LO:HI:N,
 * --prior inverse|uniform|gamma:SHAPE:SCALE and --intercept-term.
 * es_parse_sigma_grid: each given one checked against the criterion and set on scratch (a
 *   fresh configuration, which holds the library's defaults); then, for fe-grid, all of them
 *   read back into fe->grid (else fe->grid.n[0] = 0). CLI_CONTINUE or a usage error's status.
 * es_set_sigma_grid: fe->grid onto cfg when used (the library's status).
 * es_print_sigma_grid, es_json_sigma_grid: the settings for the table, and as the object
 *   "sigma_grid" ({sigma_noise: {lo, hi, n}, sigma_coef: {...}, prior: {kind, shape, scale},
 *   intercept_term}) of es's request. es_sigma_grid_from_config: from a saved result's
 *   configuration. */
typedef struct es_sigma_texts {
    const char *noise, *coef, *prior;
    int intercept_term;
} es_sigma_texts;
int es_parse_sigma_grid(const char *command, int criterion, const es_sigma_texts *t,
                        es_fe_options *fe, smi_search *scratch);
int es_set_sigma_grid(const es_fe_options *fe, smi_search *cfg);
void es_print_sigma_grid(FILE *out, const es_fe_options *fe);
void es_json_sigma_grid(cli_json *j, const es_fe_options *fe);
void es_sigma_grid_from_config(es_fe_options *fe, int criterion, const smi_search *cfg);

/* es_json_ng_prior, es_json_ratio_grid: the objects "ng_prior" ({lambda, a0, b0}, lambda
 * null for fe-marg) and "ratio_grid" ({lo, hi, n}) of es's request, for the commands that
 * write es's settings as es does. */
void es_json_ng_prior(cli_json *j, const es_fe_options *fe);
void es_json_ratio_grid(cli_json *j, const es_fe_options *fe);

#endif /* SPARSEMI_SEARCH_OPTIONS_H */
