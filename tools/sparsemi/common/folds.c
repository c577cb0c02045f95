/* The folds of cross-validation as the command line asks for them (cli.h): K-fold with a
 * seed, or the ids of a fold column. The program only passes them on; the library assigns
 * and checks them when a run resolves its configuration. */
#include <stdint.h>
#include <stdlib.h>

#include "cli.h"

cli_folds cli_folds_kfold(size_t k, int shuffle, unsigned long long seed)
{
    return (cli_folds){ .k = k, .shuffle = shuffle, .seed = shuffle ? seed : 0 };
}

int cli_folds_column(const smi_dataset *ds, int **ids, cli_folds *f)
{
    size_t n = smi_dataset_n(ds);
    *ids = malloc((n ? n : 1) * sizeof **ids);
    if (!*ids)
        return SMI_ENOMEM;
    int status = smi_dataset_get_folds(ds, *ids, n);
    if (status < 0) {
        free(*ids);
        *ids = NULL;
        return status;
    }
    *f = (cli_folds){ .k = smi_dataset_n_folds(ds), .ids = *ids };
    return SMI_OK;
}

int cli_folds_set_search(const cli_folds *f, size_t n, smi_search *cfg)
{
    if (f->k == 0)
        return SMI_OK;
    return f->ids ? smi_search_set_fold_ids(cfg, f->ids, n)
                  : smi_search_set_folds(cfg, f->k, f->shuffle, f->seed);
}

int cli_folds_set_lasso(const cli_folds *f, size_t n, smi_lasso *cfg)
{
    if (f->k == 0)
        return SMI_OK;
    return f->ids ? smi_lasso_set_fold_ids(cfg, f->ids, n)
                  : smi_lasso_set_folds(cfg, f->k, f->shuffle, f->seed);
}
