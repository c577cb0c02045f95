/* The pieces of `sparsemi vma` (virtual measurement analysis, DESIGN.md 4.7): vma_args.c
 * parses the command line and cmd_vma.c runs the analysis; vma_report.c copies the
 * library's result into a vma_report and prints it as a table, vma_json.c writes it as
 * JSON, vma_plot.c draws the SVG picture. The structure follows `sparsemi remc` (remc.h);
 * the options of the exhaustive search are those of `sparsemi es` and share its parsers
 * (common/search_options.c). Named vma_cli.h so as not to be taken for the library's lib/vma/vma.h. */
#ifndef SPARSEMI_VMA_CLI_H
#define SPARSEMI_VMA_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "search_options.h"
#include "sparsemi.h"

/* The defaults are the library's (cli_library_defaults, and smi_vma_get_sizes of a fresh
 * configuration), set explicitly so that the report records what ran. */

/* The recovery rate's interval: Wilson's score interval at this normal quantile (95%). */
#define VMA_Z 1.959963984540054
#define VMA_CONFIDENCE 0.95

/* The selection method, as --method names it. */
enum { VMA_METHOD_ES = 0, VMA_METHOD_LASSO = 1 };

/* ---- vma_args.c: the command line ------------------------------------------------------- */

typedef struct vma_args {
    const char *data, *target, *label_column, *delimiter_text, *json, *plot;
    const char *rows_text, *method_text, *seed_text, *criterion_text;
    const char *fe_hyper_text, *ng_prior_text, *ratio_grid_text;
    cli_list features, model, coefficients_text, sizes_text, keep;
    double *coefficients;      /* --coefficients, model.count values; NULL: fitted */
    double intercept, noise;   /* NaN when not given */
    size_t *sizes, n_sizes;    /* --sizes, or the default 20, 40, 80 */
    size_t trials, threads;
    size_t min_size, max_size, folds, cv; /* ES_UNSET when not given */
    double alpha, beta;        /* es, fe: prior and noise precision; NaN when not given */
    double l1_ratio;           /* lasso: the elastic-net mixing; NaN when not given */
    double alpha_alias;        /* --alpha: alpha with es, l1_ratio with lasso; NaN: none */
    double max_time;           /* es: the search's time limit; NaN when not given */
    es_fe_options fe;          /* fe-ng's prior and the grid of fe-opt and fe-marg */
    int no_intercept, one_se, quiet;
    char delimiter;
    int rows;                  /* smi_vma_rows */
    int method;                /* VMA_METHOD_* */
    int criterion;
    uint64_t seed;
} vma_args;

/* vma_parse_args: fill *a from argv, every default resolved. Returns CLI_CONTINUE, or an
 * exit status after the help or a usage error. Free with vma_args_free either way. */
int vma_parse_args(vma_args *a, int argc, char **argv);
void vma_args_free(vma_args *a);

/* vma_rows_name: "resample" or "gaussian"; vma_method_name: "es" or "lasso". */
const char *vma_rows_name(int rows);
const char *vma_method_name(int method);

/* ---- The report ------------------------------------------------------------------------ */

typedef struct vma_report {
    /* What was asked, filled in by cmd_vma.c from the command line and the data set. */
    const char *data_path;
    const char **names;        /* the p candidate feature names (the array is the report's) */
    const char *target;
    size_t n, p;
    int rows, method;
    size_t trials;
    uint64_t seed;
    size_t threads;            /* threads used */
    /* es */
    int criterion, intercept;
    size_t min_size, max_size; /* resolved: forced features counted, max at most p */
    size_t *keep, n_keep;      /* forced features */
    double alpha, beta;        /* fe: the hyperparameters; NaN otherwise */
    es_fe_options fe;
    size_t folds;              /* cv: folds per data set; 0 otherwise */
    /* lasso */
    size_t cv;                 /* the folds of its cross-validation */
    int one_se;
    double mixing;
    double elapsed_s;          /* wall time of smi_vma_run */

    /* The model as used (smi_vma_result_model), and where its numbers came from. */
    size_t k;
    size_t *features;          /* k, in the order of --model */
    double *coefficients;      /* k */
    double intercept_value, noise_sd;
    int coefficients_estimated, intercept_estimated, noise_estimated;

    /* What came back, filled in by vma_report_collect. */
    size_t S;
    size_t *sizes;             /* S */
    double *rate;              /* S */
    double *lower, *upper;     /* S: Wilson's interval of the rate */
    uint64_t *failures;        /* S */
    uint64_t *chosen;          /* S x (p + 1): data sets choosing each size 0..p */
    double *frequency;         /* S x p */
    double *mean_size;         /* S: NaN when every data set failed */
    unsigned char *in_model;   /* p: 1 for the model's features */
} vma_report;

/* vma_report_collect: copy everything out of res into r (whose request fields are set).
 * Returns CLI_EXIT_OK, or CLI_EXIT_INPUT after a message. Free with vma_report_free
 * either way. */
int vma_report_collect(vma_report *r, const smi_vma_result *res);
void vma_report_free(vma_report *r);

/* vma_wilson: Wilson's score interval [*lo, *hi] of a proportion `rate` of `trials` at
 * normal quantile z: (r + z^2/2T -+ z sqrt(r(1-r)/T + z^2/4T^2)) / (1 + z^2/T). */
void vma_wilson(double rate, size_t trials, double z, double *lo, double *hi);

/* vma_feature_order: the model's features first (in --model's order), then the others in
 * the data set's order: p indices into order. */
void vma_feature_order(const vma_report *r, size_t *order);

/* vma_print_table: the human-readable report. */
void vma_print_table(FILE *out, const vma_report *r);

/* vma_write_json: the full report as one JSON object (schema: doc/sparsemi.1). */
void vma_write_json(FILE *out, const vma_report *r);

/* vma_plot_recovery: PREFIX-recovery.svg: the recovery rate against n' with its interval,
 * and every feature's selection frequency against n'. */
void vma_plot_recovery(FILE *out, const vma_report *r);

#endif /* SPARSEMI_VMA_CLI_H */
