/* Reading the DATA argument the same way in every subcommand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_read_dataset(const char *path, char delimiter, const char *target,
                     const char *label_column, const char *fold_column,
                     const cli_list *features, smi_dataset **ds)
{
    smi_csv_options opt;
    smi_csv_options_init(&opt);
    opt.delimiter = delimiter;
    opt.target = target;
    opt.label_column = label_column;
    opt.fold_column = fold_column;
    if (features && features->count > 0) {
        opt.features = (const char *const *)features->items;
        opt.n_features = features->count;
    }
    return smi_dataset_read_csv(ds, path, &opt);
}

/* Every numeric column of the file (the target and the features when none is named), as
 * "a, b, c" in buf. */
static void numeric_columns(const char *path, char delimiter, const char *label_column,
                            const char *fold_column, char *buf, size_t cap)
{
    smi_dataset *all = NULL;
    buf[0] = '\0';
    if (cli_read_dataset(path, delimiter, NULL, label_column, fold_column, NULL, &all) < 0)
        return;
    size_t used = (size_t)snprintf(buf, cap, "%s", smi_dataset_target_name(all));
    for (size_t j = 0; j < smi_dataset_p(all) && used < cap; j++)
        used += (size_t)snprintf(buf + used, cap - used, ", %s",
                                 smi_dataset_feature_name(all, j));
    smi_dataset_free(all);
}

int cli_require_target(const char *command, const cli_data_request *rq, const smi_dataset *ds)
{
    if (rq->target || smi_dataset_p(ds) == 0) /* given, or the one numeric column */
        return CLI_CONTINUE;
    char columns[1024];
    numeric_columns(rq->path, rq->delimiter, rq->label_column, rq->fold_column, columns,
                    sizeof columns);
    return cli_usage_error(command, "DATA '%s' has several numeric columns (%s): name the one "
                           "to predict with '--target NAME'", rq->path, columns);
}

void cli_strings_free(char **texts, size_t count)
{
    for (size_t k = 0; texts && k < count; k++)
        free(texts[k]);
    free(texts);
}

static char *copy_text(const char *text)
{
    size_t len = strlen(text) + 1;
    char *copy = malloc(len);
    return copy ? memcpy(copy, text, len) : NULL;
}

/* The text of one problem smi_dataset_check found in *text, left NULL when it does not
 * make subsets singular: without an intercept a constant column is a regressor like any
 * other, unless it is all zeros. Returns 0, or -1 when memory runs out. */
static int problem_text(const smi_dataset *ds, int intercept, int kind, size_t j, size_t i,
                        char **text)
{
    char buf[512];
    double value = 0.0;
    *text = NULL;
    if (kind == SMI_ECONSTANT) {
        smi_dataset_feature_stats(ds, j, NULL, NULL, &value, NULL);
        if (!intercept && value != 0.0)
            return 0;
        snprintf(buf, sizeof buf, "feature '%s' is constant (%g): every subset holding it "
                 "is singular", smi_dataset_feature_name(ds, j), value);
    } else {
        snprintf(buf, sizeof buf, "feature '%s' duplicates feature '%s': every subset "
                 "holding both is singular", smi_dataset_feature_name(ds, j),
                 smi_dataset_feature_name(ds, i));
    }
    *text = copy_text(buf);
    return *text ? 0 : -1;
}

int cli_feature_warnings(const smi_dataset *ds, int intercept, char ***texts, size_t *count)
{
    *texts = NULL;
    *count = 0;
    size_t total = 0;
    int status = smi_dataset_check(ds, 0, NULL, NULL, NULL, &total);
    if (status == SMI_OK)
        return CLI_EXIT_OK;
    if ((status != SMI_ECONSTANT && status != SMI_EDUPLICATE) || total == 0)
        return cli_fail_library(status);
    int *kinds = calloc(total, sizeof *kinds);
    size_t *columns = calloc(total, sizeof *columns), *others = calloc(total, sizeof *others);
    char **out = calloc(total, sizeof *out);
    int rc = kinds && columns && others && out ? CLI_EXIT_OK : cli_fail("out of memory");
    if (rc == CLI_EXIT_OK)
        smi_dataset_check(ds, total, kinds, columns, others, &total);
    size_t p = smi_dataset_p(ds), n = 0;
    for (size_t k = 0; rc == CLI_EXIT_OK && k < total; k++) {
        if (columns[k] >= p) /* the target: the run itself refuses a constant one */
            continue;
        char *text = NULL;
        if (problem_text(ds, intercept, kinds[k], columns[k], others[k], &text) < 0)
            rc = cli_fail("out of memory");
        else if (text)
            out[n++] = text;
    }
    free(kinds);
    free(columns);
    free(others);
    if (rc != CLI_EXIT_OK || n == 0) {
        cli_strings_free(out, n);
        return rc;
    }
    *texts = out;
    *count = n;
    return CLI_EXIT_OK;
}

void cli_warn_features(char *const *texts, size_t count)
{
    if (count == 0)
        return;
    fputs("sparsemi: warning: ", stderr);
    for (size_t k = 0; k < count && k < CLI_WARN_NAMED; k++)
        fprintf(stderr, "%s%s", k ? "; " : "", texts[k]);
    if (count > CLI_WARN_NAMED)
        fprintf(stderr, "; and %zu more", count - CLI_WARN_NAMED);
    fputc('\n', stderr);
}
