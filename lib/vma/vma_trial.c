/* One trial of a virtual measurement analysis: a synthetic data set of n' rows drawn from
 * its own stream (the order of the draws is in vma.h), and the selection method's choice on
 * it. The methods run on a data set of their own, single threaded (the search through
 * vma_search.c, the LASSO through its CV), so a trial's outcome depends on
 * (seed, s, t) and the configuration only. */
#include <stdlib.h>
#include <string.h>

#include "search/search.h"
#include "vma/vma.h"

int smi_vma_work_init(smi_vma_work *w, const smi_vma_plan *pl)
{
    size_t p = pl->ds->p;
    memset(w, 0, sizeof *w);
    w->X = smi_alloc_array(pl->n_max, p * sizeof *w->X, "synthetic descriptors");
    w->y = smi_alloc_array(pl->n_max, sizeof *w->y, "synthetic target");
    w->z = smi_alloc_array(p, sizeof *w->z, "normal deviates");
    w->subset = smi_alloc_array(p, sizeof *w->subset, "chosen subset");
    w->chosen = smi_alloc_array(p, sizeof *w->chosen, "chosen subset");
    if (!w->X || !w->y || !w->z || !w->subset || !w->chosen) {
        smi_vma_work_free(w);
        return SMI_ENOMEM;
    }
    return SMI_OK;
}

void smi_vma_work_free(smi_vma_work *w)
{
    free(w->X), free(w->y), free(w->z), free(w->subset), free(w->chosen);
    memset(w, 0, sizeof *w);
}

/* Statuses that say something about the run rather than about one data set. */
static int ends_the_run(int status)
{
    return status == SMI_ENOMEM || status == SMI_ETOOLARGE || status == SMI_EIO
           || status == SMI_ECANCELED;
}

/* n rows of X and y from the stream; returns the seed of the folds. */
static uint64_t draw(const smi_vma_plan *pl, smi_vma_stream *st, size_t n, smi_vma_work *w)
{
    size_t p = pl->ds->p;
    for (size_t i = 0; i < n; i++) {
        double *row = w->X + i * p, mean = pl->intercept;
        smi_vma_gen_row(&pl->gen, st, row, w->z);
        for (size_t t = 0; t < pl->k; t++)
            mean += pl->coef[t] * row[pl->features[t]];
        w->y[i] = mean + pl->noise_sd * smi_vma_normal(st);
    }
    return smi_rng_next(&st->rng);
}

/* d's folds for a CV: k (at most n) shuffled with the trial's own seed. */
static int set_trial_folds(smi_dataset *d, size_t k, uint64_t seed)
{
    smi_folds f = { .k = k < d->n ? k : d->n, .shuffle = 1, .seed = seed };
    free(d->folds);
    d->folds = NULL;
    d->n_folds = 0;
    return smi_folds_assign(&f, d->n, &d->folds, &d->n_folds);
}

/* The best model of the exhaustive search. */
static int choose_by_search(const smi_vma_plan *pl, smi_dataset *d, uint64_t fold_seed,
                            smi_vma_work *w, size_t *size)
{
    const smi_vma *cfg = pl->cfg;
    if (cfg->search->criterion == SMI_CRIT_CV)
        SMI_TRY(set_trial_folds(d, cfg->folds, fold_seed));
    SMI_TRY(smi_vma_best_subset(d, cfg->search, w->subset, size));
    for (size_t i = 0; i < *size; i++)
        w->chosen[w->subset[i]] = 1;
    return SMI_OK;
}

/* The support of the LASSO at lambda_min or lambda_1se of its K-fold CV. */
static int choose_by_lasso(const smi_vma_plan *pl, smi_dataset *d, uint64_t fold_seed,
                           smi_vma_work *w, size_t *size)
{
    const smi_vma *cfg = pl->cfg;
    size_t at_min, at_1se;
    SMI_TRY(set_trial_folds(d, cfg->lasso_folds, fold_seed));
    smi_lasso_result *fit;
    /* A column that the draw left constant is held at 0, as in a CV training set. */
    SMI_TRY(smi_lasso_solve_path(d, &cfg->lasso, 1, 0, &fit, "VMA LASSO-CV"));
    int rc = smi_lasso_result_cv_choice(fit, &at_min, &at_1se);
    if (rc == SMI_OK) {
        const double *coef = fit->coef + (cfg->one_se ? at_1se : at_min) * fit->p;
        for (size_t j = 0; j < d->p; j++)
            if (coef[j] != 0.0) {
                w->chosen[j] = 1;
                ++*size;
            }
    }
    smi_lasso_result_free(fit);
    return rc;
}

int smi_vma_trial(const smi_vma_plan *pl, size_t s, size_t t, smi_vma_work *w, size_t *size)
{
    const smi_vma *cfg = pl->cfg;
    const smi_dataset *ds = pl->ds;
    size_t n = cfg->sizes[s];
    smi_vma_stream st;
    smi_vma_stream_init(&st, cfg->seed, (uint64_t)s * cfg->trials + t);
    uint64_t fold_seed = draw(pl, &st, n, w);
    memset(w->chosen, 0, ds->p * sizeof *w->chosen);
    *size = 0;
    smi_dataset *d = NULL;
    int rc = smi_dataset_create(&d, n, ds->p, w->X, w->y,
                                (const char *const *)ds->feature_names, ds->target_name);
    if (rc == SMI_OK)
        rc = cfg->method == SMI_VMA_SEARCH ? choose_by_search(pl, d, fold_seed, w, size)
                                          : choose_by_lasso(pl, d, fold_seed, w, size);
    smi_dataset_free(d);
    if (rc < 0 && !ends_the_run(rc)) {
        memset(w->chosen, 0, ds->p * sizeof *w->chosen);
        *size = 0;
        return SMI_VMA_NO_CHOICE;
    }
    return rc;
}
