/* sparsemi info: describe a data set before any model is fitted to it: its size, each
 * column's statistics, the columns a regression cannot use (constant, duplicate) and how
 * well conditioned the standardised design is. Everything comes from the public API. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sparsemi.h"

typedef struct info_args {
    const char *data;
    const char *target;
    const char *label_column;
    const char *fold_column;
    const char *delimiter_text;
    const char *json;
    cli_list features;
    char delimiter;
} info_args;

typedef struct column_stats {
    double mean, sd, min, max;
} column_stats;

/* What info reports; column j < p is feature j, column p the target (as in
 * smi_dataset_check). */
typedef struct info_report {
    const smi_dataset *ds;
    size_t n, p;
    column_stats *columns; /* p + 1 */
    size_t n_problems;
    int *kinds;
    size_t *problem_columns, *others;
    double cond;
} info_report;

static const char description[] =
    "Read DATA, a delimited text file with a header row, and print its size, the\n"
    "mean, standard deviation (divisor n), minimum and maximum of every column, the\n"
    "columns a regression cannot use (constant, or equal to an earlier column) and\n"
    "the condition number of the standardised design.\n";

static int parse_args(info_args *a, int argc, char **argv)
{
    const cli_option options[] = {
        { "target", CLI_OPT_STRING, &a->target, "NAME",
          "the target column (default: the first numeric column)" },
        { "features", CLI_OPT_LIST, &a->features, "A,B,...",
          "feature columns, in order (default: all other numeric)" },
        { "label-column", CLI_OPT_STRING, &a->label_column, "NAME",
          "the column of row labels (default: the non-numeric one)" },
        { "fold-column", CLI_OPT_STRING, &a->fold_column, "NAME",
          "a column of integer fold ids for cross-validation" },
        { "delimiter", CLI_OPT_STRING, &a->delimiter_text, "C",
          "one character, tab, space (blanks), or auto (default)" },
        { "json", CLI_OPT_STRING, &a->json, "FILE",
          "write the report as JSON to FILE; '-': stdout, no table" },
    };
    const cli_spec spec = { "info", "DATA [options]", description, options,
                            sizeof options / sizeof options[0], "DATA", 1, 1 };
    size_t n_positional = 0;
    int rc = cli_parse(&spec, argc, argv, &a->data, &n_positional);
    if (rc != CLI_CONTINUE)
        return rc;
    if (cli_delimiter_option("info", a->delimiter_text, &a->delimiter) != CLI_CONTINUE)
        return CLI_EXIT_USAGE;
    return CLI_CONTINUE;
}

static int load(const info_args *a, smi_dataset **ds)
{
    int status = cli_read_dataset(a->data, a->delimiter, a->target, a->label_column,
                                  a->fold_column, &a->features, ds);
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

static const char *column_name(const info_report *r, size_t j)
{
    return j < r->p ? smi_dataset_feature_name(r->ds, j) : smi_dataset_target_name(r->ds);
}

/* smi_dataset_check returns the first problem's kind as a (negative) status; only a
 * status that is no problem kind, or one with no problem counted, is a real failure. */
static int collect_problems(info_report *r)
{
    size_t count = 0;
    int status = smi_dataset_check(r->ds, 0, NULL, NULL, NULL, &count);
    int is_problem = status == SMI_ECONSTANT || status == SMI_EDUPLICATE;
    if (status < 0 && (!is_problem || count == 0))
        return cli_fail_library(status);
    if (count == 0)
        return CLI_EXIT_OK;
    r->kinds = calloc(count, sizeof *r->kinds);
    r->problem_columns = calloc(count, sizeof *r->problem_columns);
    r->others = calloc(count, sizeof *r->others);
    if (!r->kinds || !r->problem_columns || !r->others)
        return cli_fail("out of memory");
    smi_dataset_check(r->ds, count, r->kinds, r->problem_columns, r->others, &r->n_problems);
    if (r->n_problems > count) /* cannot change between two calls on one handle */
        r->n_problems = count;
    return CLI_EXIT_OK;
}

static int collect(const smi_dataset *ds, info_report *r)
{
    r->ds = ds;
    r->n = smi_dataset_n(ds);
    r->p = smi_dataset_p(ds);
    r->columns = calloc(r->p + 1, sizeof *r->columns);
    if (!r->columns)
        return cli_fail("out of memory");
    for (size_t j = 0; j <= r->p; j++) {
        column_stats *c = &r->columns[j];
        int status = j < r->p
                         ? smi_dataset_feature_stats(ds, j, &c->mean, &c->sd, &c->min, &c->max)
                         : smi_dataset_target_stats(ds, &c->mean, &c->sd, &c->min, &c->max);
        if (status < 0)
            return cli_fail_library(status);
    }
    int rc = collect_problems(r);
    if (rc != CLI_EXIT_OK)
        return rc;
    int status = smi_dataset_condition_number(ds, &r->cond);
    return status < 0 ? cli_fail_library(status) : CLI_EXIT_OK;
}

static void report_free(info_report *r)
{
    free(r->columns);
    free(r->kinds);
    free(r->problem_columns);
    free(r->others);
}

/* "constant column 'x3'", "duplicate column 'x5' equals 'x2'"; malloc'd, NULL when
 * memory runs out. */
static char *problem_message(const info_report *r, size_t k)
{
    const char *kind = smi_strerror(r->kinds[k]);
    const char *name = column_name(r, r->problem_columns[k]);
    const char *other = r->kinds[k] == SMI_EDUPLICATE ? column_name(r, r->others[k]) : NULL;
    const char *fmt = other ? "%s '%s' equals '%s'" : "%s '%s'";
    int len = snprintf(NULL, 0, fmt, kind, name, other);
    char *message = len < 0 ? NULL : malloc((size_t)len + 1);
    if (message)
        snprintf(message, (size_t)len + 1, fmt, kind, name, other);
    return message;
}

static void print_table(FILE *out, const info_args *a, const info_report *r)
{
    const char *label = smi_dataset_label_column(r->ds);
    fprintf(out, "file       %s\nsamples    %zu\nfeatures   %zu\ntarget     %s\n"
                 "labels     %s\n",
            a->data, r->n, r->p, smi_dataset_target_name(r->ds), label ? label : "(none)");
    if (a->fold_column)
        fprintf(out, "folds      %zu (column %s)\n", smi_dataset_n_folds(r->ds), a->fold_column);
    fputc('\n', out);
    int width = (int)strlen("column");
    for (size_t j = 0; j <= r->p; j++)
        if ((int)strlen(column_name(r, j)) > width)
            width = (int)strlen(column_name(r, j));
    fprintf(out, "%-*s %-8s %14s %14s %14s %14s\n", width, "column", "role", "mean", "sd", "min",
            "max");
    for (size_t j = 0; j <= r->p; j++) {
        const column_stats *c = &r->columns[j];
        fprintf(out, "%-*s %-8s %14.7g %14.7g %14.7g %14.7g\n", width, column_name(r, j),
                j < r->p ? "feature" : "target", c->mean, c->sd, c->min, c->max);
    }
    fputc('\n', out);
    if (r->n_problems == 0)
        fputs("no problems\n", out);
    for (size_t k = 0; k < r->n_problems; k++) {
        char *message = problem_message(r, k);
        fprintf(out, "problem: %s\n", message ? message : smi_strerror(r->kinds[k]));
        free(message);
    }
    if (isinf(r->cond))
        fputs("condition number of the standardised design: inf\n", out);
    else
        fprintf(out, "condition number of the standardised design: %.6g\n", r->cond);
}

static void json_column(cli_json *j, const info_report *r, size_t col)
{
    const column_stats *c = &r->columns[col];
    cli_json_begin_object(j);
    cli_json_key(j, "name"), cli_json_string(j, column_name(r, col));
    cli_json_key(j, "role"), cli_json_string(j, col < r->p ? "feature" : "target");
    cli_json_key(j, "mean"), cli_json_number(j, c->mean);
    cli_json_key(j, "sd"), cli_json_number(j, c->sd);
    cli_json_key(j, "min"), cli_json_number(j, c->min);
    cli_json_key(j, "max"), cli_json_number(j, c->max);
    cli_json_end_object(j);
}

static void json_problem(cli_json *j, const info_report *r, size_t k)
{
    char *message = problem_message(r, k);
    cli_json_begin_object(j);
    cli_json_key(j, "kind"), cli_json_string(j, smi_strerror(r->kinds[k]));
    cli_json_key(j, "code"), cli_json_int(j, r->kinds[k]);
    cli_json_key(j, "column"), cli_json_string(j, column_name(r, r->problem_columns[k]));
    cli_json_key(j, "other");
    cli_json_string(j, r->kinds[k] == SMI_EDUPLICATE ? column_name(r, r->others[k]) : NULL);
    cli_json_key(j, "message"), cli_json_string(j, message);
    cli_json_end_object(j);
    free(message);
}

static void write_json(FILE *out, const info_args *a, const info_report *r)
{
    cli_json j;
    cli_json_begin_report(&j, out, "info");
    cli_json_key(&j, "file"), cli_json_string(&j, a->data);
    cli_json_key(&j, "n_samples"), cli_json_uint(&j, r->n);
    cli_json_key(&j, "n_features"), cli_json_uint(&j, r->p);
    cli_json_key(&j, "target"), cli_json_string(&j, smi_dataset_target_name(r->ds));
    cli_json_key(&j, "features"), cli_json_begin_array(&j);
    for (size_t col = 0; col < r->p; col++)
        cli_json_string(&j, column_name(r, col));
    cli_json_end_array(&j);
    cli_json_key(&j, "label_column"), cli_json_string(&j, smi_dataset_label_column(r->ds));
    cli_json_key(&j, "fold_column"), cli_json_string(&j, a->fold_column);
    cli_json_key(&j, "n_folds"), cli_json_uint(&j, smi_dataset_n_folds(r->ds));
    cli_json_key(&j, "columns"), cli_json_begin_array(&j);
    for (size_t col = 0; col <= r->p; col++)
        json_column(&j, r, col);
    cli_json_end_array(&j);
    cli_json_key(&j, "problems"), cli_json_begin_array(&j);
    for (size_t k = 0; k < r->n_problems; k++)
        json_problem(&j, r, k);
    cli_json_end_array(&j);
    cli_json_key(&j, "condition_number"), cli_json_number(&j, r->cond); /* inf -> null */
    cli_json_end_object(&j);
    int balanced = cli_json_finish(&j);
    assert(balanced == 0 && "write_json opens and closes the same containers");
    (void)balanced;
}

/* The JSON file is opened first, so that an unwritable path fails before the work, and
 * discarded on every failure, so that a failed run leaves no file behind. */
static int run(const info_args *a)
{
    cli_output out = { 0 };
    smi_dataset *ds = NULL;
    info_report r = { 0 };
    int rc = a->json ? cli_output_open(&out, a->json) : CLI_EXIT_OK;
    if (rc == CLI_EXIT_OK)
        rc = load(a, &ds);
    if (rc == CLI_EXIT_OK)
        rc = collect(ds, &r);
    if (rc == CLI_EXIT_OK && a->json) {
        write_json(out.stream, a, &r);
        rc = cli_output_commit(&out);
    }
    if (rc == CLI_EXIT_OK && !(a->json && strcmp(a->json, "-") == 0))
        print_table(stdout, a, &r);
    cli_output_discard(&out);
    report_free(&r);
    smi_dataset_free(ds);
    return rc;
}

int cmd_info(int argc, char **argv)
{
    info_args a = { 0 };
    int rc = parse_args(&a, argc, argv);
    if (rc == CLI_CONTINUE)
        rc = run(&a);
    cli_list_free(&a.features);
    return rc;
}
