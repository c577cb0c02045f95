/* Fold assignment for K-fold cross-validation (DESIGN.md 4.2).
 * Rule: sample i goes to fold perm[i] mod K, perm a permutation of 0..n-1 drawn by
 * smi_rng_permutation from the seed (the identity without shuffling). Fold sizes then
 * differ by at most one. */
#include <stdlib.h>
#include <string.h>

#include "data/data.h"

/* Every training set (the rows outside one fold) needs at least 2 rows for a fit with an
 * intercept; every fold needs at least one row. */
static int check_fold_sizes(const int *folds, size_t n, size_t k)
{
    size_t *size = smi_calloc_array(k, sizeof *size, "fold sizes");
    if (!size)
        return SMI_ENOMEM;
    for (size_t i = 0; i < n; i++)
        size[folds[i]]++;
    int rc = SMI_OK;
    for (size_t f = 0; f < k && rc == SMI_OK; f++) {
        if (size[f] == 0)
            rc = smi_error_set(SMI_EINVAL, "fold %zu of %zu is empty", f + 1, k);
        else if (n - size[f] < 2)
            rc = smi_error_set(SMI_EINVAL,
                               "fold %zu holds %zu of %zu rows, leaving fewer than 2 to train on",
                               f + 1, size[f], n);
    }
    free(size);
    return rc;
}

static int install_folds(smi_dataset *ds, int *folds, size_t k)
{
    int rc = check_fold_sizes(folds, ds->n, k);
    if (rc != SMI_OK) {
        free(folds);
        return rc;
    }
    free(ds->folds);
    ds->folds = folds;
    ds->n_folds = k;
    return SMI_OK;
}

SMI_API int smi_dataset_set_kfold(smi_dataset *ds, size_t k, int shuffle, uint64_t seed)
{
    SMI_FAIL_IF(!ds, SMI_EINVAL, "smi_dataset_set_kfold: ds is NULL");
    SMI_FAIL_IF(k < 2 || k > ds->n, SMI_EINVAL, "%zu folds for %zu samples: need 2 <= K <= n",
                k, ds->n);
    int *folds = smi_alloc_array(ds->n, sizeof *folds, "fold ids");
    size_t *perm = smi_alloc_array(ds->n, sizeof *perm, "fold permutation");
    if (!folds || !perm) {
        free(folds);
        free(perm);
        return SMI_ENOMEM;
    }
    if (shuffle) {
        smi_rng rng;
        smi_rng_seed(&rng, seed);
        smi_rng_permutation(&rng, perm, ds->n);
    } else {
        for (size_t i = 0; i < ds->n; i++)
            perm[i] = i;
    }
    for (size_t i = 0; i < ds->n; i++)
        folds[i] = (int)(perm[i] % k);
    free(perm);
    return install_folds(ds, folds, k);
}

static int compare_ints(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Index of `value` in the sorted distinct array (it is known to be there). */
static int rank_of(const int *distinct, size_t k, int value)
{
    size_t lo = 0, hi = k;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (distinct[mid] <= value)
            lo = mid;
        else
            hi = mid;
    }
    return (int)lo;
}

SMI_API int smi_dataset_set_fold_ids(smi_dataset *ds, const int *ids, size_t n_ids)
{
    SMI_FAIL_IF(!ds || !ids, SMI_EINVAL, "smi_dataset_set_fold_ids: NULL argument");
    SMI_FAIL_IF(n_ids != ds->n, SMI_EINVAL, "%zu fold ids for %zu samples", n_ids, ds->n);
    int *sorted = smi_alloc_array(ds->n, sizeof *sorted, "fold ids");
    if (!sorted)
        return SMI_ENOMEM;
    memcpy(sorted, ids, ds->n * sizeof *sorted);
    qsort(sorted, ds->n, sizeof *sorted, compare_ints);
    size_t k = 0;
    for (size_t i = 0; i < ds->n; i++)
        if (i == 0 || sorted[i] != sorted[k - 1])
            sorted[k++] = sorted[i];
    if (k < 2) {
        free(sorted);
        return smi_error_set(SMI_EINVAL, "every sample has fold id %d: need at least 2 folds",
                             ids[0]);
    }
    int *folds = smi_alloc_array(ds->n, sizeof *folds, "fold ids");
    if (!folds) {
        free(sorted);
        return SMI_ENOMEM;
    }
    for (size_t i = 0; i < ds->n; i++)
        folds[i] = rank_of(sorted, k, ids[i]);
    free(sorted);
    return install_folds(ds, folds, k);
}

SMI_API void smi_dataset_clear_folds(smi_dataset *ds)
{
    if (!ds)
        return;
    free(ds->folds);
    ds->folds = NULL;
    ds->n_folds = 0;
}

SMI_API size_t smi_dataset_n_folds(const smi_dataset *ds)
{
    return ds ? ds->n_folds : 0;
}

SMI_API int smi_dataset_get_folds(const smi_dataset *ds, int *out, size_t capacity)
{
    SMI_FAIL_IF(!ds || !out, SMI_EINVAL, "smi_dataset_get_folds: NULL argument");
    SMI_FAIL_IF(!ds->folds, SMI_EINVAL, "no folds are set on this data set");
    SMI_FAIL_IF(capacity < ds->n, SMI_EINVAL,
                "smi_dataset_get_folds: the buffer holds %zu values, %zu needed", capacity,
                ds->n);
    memcpy(out, ds->folds, ds->n * sizeof *out);
    return SMI_OK;
}
