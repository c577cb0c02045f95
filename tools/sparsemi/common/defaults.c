/* The defaults of the command line are the library's: read once from fresh configurations
 * (smi_search_create, smi_lasso_create, smi_remc_create, smi_vma_create) through their
 * getters, so that no default is written twice (cli.h, cli_defaults). */
#include <math.h>
#include <stdint.h>
#include <unistd.h>

#include "cli.h"

static void search_defaults(cli_defaults *d, const smi_search *s)
{
    uint64_t seed = 0;
    int shuffle = 1;
    smi_search_get_folds(s, &d->folds, &shuffle, &seed);
    d->fold_shuffle = shuffle;
    d->fold_seed = seed;
    smi_search_get_top(s, &d->top);
    smi_search_get_bins(s, &d->bins);
    smi_search_get_threads(s, &d->threads);
    smi_search_get_fe_hyper(s, &d->fe_alpha, &d->fe_beta);
    smi_search_get_normal_gamma(s, &d->ng_lambda, &d->ng_a0, &d->ng_b0);
    smi_search_get_ratio_grid(s, &d->ratio_lo, &d->ratio_hi, &d->ratio_n);
    smi_search_get_model_prior(s, &d->model_prior, &d->prior_q);
}

static void lasso_defaults(cli_defaults *d, const smi_lasso *l)
{
    uint64_t seed = 0;
    int shuffle = 1;
    smi_lasso_get_alpha(l, &d->l1_ratio);
    smi_lasso_get_path(l, &d->n_lambdas, &d->min_ratio);
    smi_lasso_get_tolerance(l, &d->tol, &d->max_passes);
    smi_lasso_get_folds(l, &d->lasso_folds, &shuffle, &seed);
    d->lasso_fold_shuffle = shuffle;
    d->lasso_fold_seed = seed;
}

static void remc_defaults(cli_defaults *d, const smi_remc *r)
{
    smi_remc_get_replicas(r, &d->replicas, &d->beta_max);
    smi_remc_get_sweeps(r, &d->sweeps, &d->burn_in);
    smi_remc_get_seed(r, &d->remc_seed);
}

static void vma_defaults(cli_defaults *d, const smi_vma *v)
{
    smi_vma_get_trials(v, &d->trials);
    smi_vma_get_seed(v, &d->vma_seed);
}

int cli_defaults_get(cli_defaults *d)
{
    smi_search *s = NULL;
    smi_lasso *l = NULL;
    smi_remc *r = NULL;
    smi_vma *v = NULL;
    *d = (cli_defaults){ .fe_alpha = NAN, .fe_beta = NAN };
    int status = smi_search_create(&s);
    if (status == SMI_OK)
        status = smi_lasso_create(&l);
    if (status == SMI_OK)
        status = smi_remc_create(&r);
    if (status == SMI_OK)
        status = smi_vma_create(&v);
    if (status == SMI_OK) {
        search_defaults(d, s);
        lasso_defaults(d, l);
        remc_defaults(d, r);
        vma_defaults(d, v);
    }
    smi_search_free(s);
    smi_lasso_free(l);
    smi_remc_free(r);
    smi_vma_free(v);
    return status;
}

const cli_defaults *cli_library_defaults(void)
{
    static cli_defaults defaults;
    static int read;
    if (!read && cli_defaults_get(&defaults) == SMI_OK)
        read = 1;
    return &defaults;
}

size_t cli_threads_used(size_t threads, size_t work_items)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t t = threads != 0 ? threads : cores > 0 ? (size_t)cores : 1;
    return work_items > 0 && t > work_items ? work_items : t;
}
