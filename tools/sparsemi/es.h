/* The pieces of `sparsemi es` (exhaustive search): cmd_es.c parses the command line and
 * runs the search; es_report.c copies the result out of the library into an es_report
 * and prints it as a table or JSON; es_plot.c draws it as SVG. The report holds plain
 * arrays, so that printing and drawing need no library calls beyond names. */
#ifndef SPARSEMI_ES_H
#define SPARSEMI_ES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sparsemi.h"

/* One model: `size` features (indices into the data set, ascending) and their
 * coefficients in the data's units. */
typedef struct es_model {
    size_t size;
    size_t *features;
    double *coefficients;
    double criterion, intercept, rmse;
} es_model;

typedef struct es_report {
    /* What was asked, filled in by cmd_es.c before es_report_collect. */
    const smi_dataset *ds;
    const char *data_path;
    int intercept;            /* 1 when the models have an intercept */
    size_t min_size;
    size_t *keep;             /* forced features, n_keep indices */
    size_t n_keep;
    double alpha, beta;       /* FE hyperparameters, NaN when not given */
    size_t threads;           /* threads used (0 resolved to the number of cores) */
    double elapsed_s;         /* wall time of smi_search_run */

    /* What came back, filled in by es_report_collect. */
    size_t n, p;
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
} es_report;

/* es_report_collect: copy everything out of res into r (whose request fields are set).
 * Returns CLI_EXIT_OK, or CLI_EXIT_INPUT after a message. Free with es_report_free
 * either way. */
int es_report_collect(es_report *r, const smi_result *res);
void es_report_free(es_report *r);

/* es_feature_name: the name of feature j of the report's data set. */
const char *es_feature_name(const es_report *r, size_t j);

/* es_criterion_label: the criterion for people, e.g. "RSS" or "free energy F". */
const char *es_criterion_label(int criterion);

/* es_print_table: the human-readable report: header, the first `rows` top models, the
 * best model of each size and the feature frequencies. */
void es_print_table(FILE *out, const es_report *r, size_t rows);

/* es_write_json: the full report as one JSON object (schema: doc/sparsemi.1). */
void es_write_json(FILE *out, const es_report *r);

/* es_plot_dos, es_plot_weights: the DOS histogram and the weight diagram as SVG. */
void es_plot_dos(FILE *out, const es_report *r);
void es_plot_weights(FILE *out, const es_report *r);

#endif /* SPARSEMI_ES_H */
