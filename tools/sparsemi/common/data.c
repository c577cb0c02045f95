/* Reading the DATA argument the same way in every subcommand. */
#include <stdio.h>

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
