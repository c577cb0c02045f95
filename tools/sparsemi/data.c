/* Reading the DATA argument the same way in every subcommand. */
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
