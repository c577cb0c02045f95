/* Fold assignments for K-fold cross-validation (DESIGN.md 4.2), described by a run's
 * configuration (smi_folds) and resolved for a data set when the run starts.
 * Rule: sample i goes to fold perm[i] mod K, perm a permutation of 0..n-1 drawn by
 * smi_rng_permutation from the seed (the identity without shuffling). Fold sizes then
 * differ by at most one. Explicit ids are mapped to 0..K-1 in increasing order. */
#include <stdlib.h>
#include <string.h>

#include "data/data.h"

void smi_folds_defaults(smi_folds *f)
{
    *f = (smi_folds){ .k = SMI_DEFAULT_FOLDS, .shuffle = 1, .seed = SMI_DEFAULT_FOLD_SEED };
}

void smi_folds_release(smi_folds *f)
{
    free(f->ids);
    f->ids = NULL;
    f->n_ids = 0;
}

int smi_folds_copy(smi_folds *dst, const smi_folds *src)
{
    int *ids = NULL;
    if (src->ids) {
        ids = smi_alloc_array(src->n_ids, sizeof *ids, "fold ids");
        if (!ids)
            return SMI_ENOMEM;
        memcpy(ids, src->ids, src->n_ids * sizeof *ids);
    }
    *dst = *src;
    dst->ids = ids;
    return SMI_OK;
}

int smi_folds_set_kfold(smi_folds *f, size_t k, int shuffle, uint64_t seed)
{
    SMI_FAIL_IF(k < 2, SMI_EINVAL, "%zu folds: K-fold cross-validation needs K >= 2", k);
    smi_folds_release(f);
    f->k = k;
    f->shuffle = shuffle != 0;
    f->seed = seed;
    return SMI_OK;
}

static int compare_ints(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The distinct values of ids, ascending, in a new array of *k values. */
static int distinct_ids(const int *ids, size_t n, int **distinct, size_t *k)
{
    int *sorted = smi_alloc_array(n, sizeof *sorted, "fold ids");
    if (!sorted)
        return SMI_ENOMEM;
    memcpy(sorted, ids, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, compare_ints);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || sorted[i] != sorted[m - 1])
            sorted[m++] = sorted[i];
    *distinct = sorted;
    *k = m;
    return SMI_OK;
}

int smi_folds_set_ids(smi_folds *f, const int *ids, size_t n_ids)
{
    SMI_FAIL_IF(!ids || n_ids == 0, SMI_EINVAL, "fold ids: none given");
    int *distinct, *copy;
    size_t k;
    SMI_TRY(distinct_ids(ids, n_ids, &distinct, &k));
    free(distinct);
    SMI_FAIL_IF(k < 2, SMI_EINVAL, "every sample has fold id %d: need at least 2 folds", ids[0]);
    copy = smi_alloc_array(n_ids, sizeof *copy, "fold ids");
    if (!copy)
        return SMI_ENOMEM;
    memcpy(copy, ids, n_ids * sizeof *copy);
    smi_folds_release(f);
    f->ids = copy;
    f->n_ids = n_ids;
    f->k = k;
    return SMI_OK;
}

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

static int assign_ids(const smi_folds *f, size_t n, int *folds)
{
    SMI_FAIL_IF(f->n_ids != n, SMI_EINVAL, "%zu fold ids for %zu samples", f->n_ids, n);
    int *distinct;
    size_t k;
    SMI_TRY(distinct_ids(f->ids, n, &distinct, &k));
    for (size_t i = 0; i < n; i++)
        folds[i] = rank_of(distinct, k, f->ids[i]);
    free(distinct);
    return SMI_OK;
}

static int assign_kfold(const smi_folds *f, size_t n, int *folds)
{
    SMI_FAIL_IF(f->k > n, SMI_EINVAL, "%zu folds for %zu samples: need 2 <= K <= n", f->k, n);
    size_t *perm = smi_alloc_array(n, sizeof *perm, "fold permutation");
    if (!perm)
        return SMI_ENOMEM;
    if (f->shuffle) {
        smi_rng rng;
        smi_rng_seed(&rng, f->seed);
        smi_rng_permutation(&rng, perm, n);
    } else {
        for (size_t i = 0; i < n; i++)
            perm[i] = i;
    }
    for (size_t i = 0; i < n; i++)
        folds[i] = (int)(perm[i] % f->k);
    free(perm);
    return SMI_OK;
}

int smi_folds_assign(const smi_folds *f, size_t n, int **folds, size_t *k)
{
    *folds = NULL;
    *k = 0;
    int *ids = smi_alloc_array(n, sizeof *ids, "fold ids");
    if (!ids)
        return SMI_ENOMEM;
    int rc = f->ids ? assign_ids(f, n, ids) : assign_kfold(f, n, ids);
    if (rc == SMI_OK)
        rc = check_fold_sizes(ids, n, f->k);
    if (rc != SMI_OK) {
        free(ids);
        return rc;
    }
    *folds = ids;
    *k = f->k;
    return SMI_OK;
}

int smi_dataset_fold_view(const smi_dataset *ds, const smi_folds *f, smi_dataset *view)
{
    *view = *ds;
    view->folds = NULL;
    view->n_folds = 0;
    return f ? smi_folds_assign(f, ds->n, &view->folds, &view->n_folds) : SMI_OK;
}

void smi_dataset_fold_view_release(smi_dataset *view)
{
    free(view->folds);
    view->folds = NULL;
    view->n_folds = 0;
}

int smi_folds_get_ids(const smi_folds *f, size_t capacity, int *ids, size_t *n_ids)
{
    if (n_ids)
        *n_ids = f->n_ids;
    SMI_FAIL_IF(capacity < f->n_ids || (f->n_ids && !ids), SMI_EINVAL,
                "the buffer holds %zu fold ids, %zu needed", capacity, f->n_ids);
    if (f->n_ids)
        memcpy(ids, f->ids, f->n_ids * sizeof *ids);
    return SMI_OK;
}

/* The data set's own fold column (read from a file): kept as data, used by a run only when
 * passed to its configuration. */
int smi_dataset_adopt_fold_column(smi_dataset *ds, const int *ids)
{
    smi_folds f = { 0 };
    SMI_TRY(smi_folds_set_ids(&f, ids, ds->n));
    int rc = smi_folds_assign(&f, ds->n, &ds->column_folds, &ds->n_column_folds);
    smi_folds_release(&f);
    return rc;
}

SMI_API size_t smi_dataset_n_folds(const smi_dataset *ds)
{
    return ds ? ds->n_column_folds : 0;
}

SMI_API int smi_dataset_get_folds(const smi_dataset *ds, int *out, size_t capacity)
{
    SMI_FAIL_IF(!ds || !out, SMI_EINVAL, "smi_dataset_get_folds: NULL argument");
    SMI_FAIL_IF(!ds->column_folds, SMI_EINVAL, "the data set has no fold column");
    SMI_FAIL_IF(capacity < ds->n, SMI_EINVAL,
                "smi_dataset_get_folds: the buffer holds %zu values, %zu needed", capacity,
                ds->n);
    memcpy(out, ds->column_folds, ds->n * sizeof *out);
    return SMI_OK;
}

int smi_folds_assignment(const smi_folds *f, size_t n, size_t capacity, int *folds,
                         size_t *k)
{
    SMI_FAIL_IF(!folds || !k, SMI_EINVAL, "fold assignment: NULL argument");
    SMI_FAIL_IF(capacity < n, SMI_EINVAL,
                "fold assignment: the buffer holds %zu values, %zu needed", capacity, n);
    int *ids;
    SMI_TRY(smi_folds_assign(f, n, &ids, k));
    memcpy(folds, ids, n * sizeof *folds);
    free(ids);
    return SMI_OK;
}
