/* Problems a regression cannot live with (constant and duplicate columns) and the
 * condition number of the standardised design. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/data.h"
#include "linalg/linalg.h"

typedef struct problem_list {
    size_t capacity, count;
    int *kinds;
    size_t *columns, *others;
    int first_kind;
    char message[768];
    size_t message_len;
} problem_list;

static void note(problem_list *list, int kind, size_t column, size_t other, const char *text)
{
    if (list->count < list->capacity) {
        if (list->kinds)
            list->kinds[list->count] = kind;
        if (list->columns)
            list->columns[list->count] = column;
        if (list->others)
            list->others[list->count] = other;
    }
    if (list->count == 0)
        list->first_kind = kind;
    list->count++;
    size_t room = sizeof list->message - list->message_len;
    if (room > 1) {
        int written = snprintf(list->message + list->message_len, room, "%s%s",
                               list->count > 1 ? "; " : "", text);
        list->message_len += written > 0 ? ((size_t)written < room ? (size_t)written : room - 1) : 0;
    }
}

static int columns_equal(const smi_dataset *ds, size_t a, size_t b)
{
    for (size_t i = 0; i < ds->n; i++)
        if (ds->X[i * ds->p + a] != ds->X[i * ds->p + b])
            return 0;
    return 1;
}

/* Columns are grouped by a hash of their values, so that finding duplicates costs O(n p +
 * p log p), not O(n p^2): for 10^6 columns that is seconds instead of hours. */
typedef struct keyed {
    uint64_t hash;
    size_t column;
} keyed;

static int compare_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return (x->column > y->column) - (x->column < y->column);
}

static uint64_t column_hash(const smi_dataset *ds, size_t j)
{
    smi_fnv f = smi_fnv_start();
    for (size_t i = 0; i < ds->n; i++)
        smi_fnv_double(&f, ds->X[i * ds->p + j] + 0.0); /* -0 and +0 are equal values */
    return f.h;
}

/* first[j]: the first column i < j equal to column j, or SIZE_MAX. */
static int find_duplicates(const smi_dataset *ds, size_t *first)
{
    size_t p = ds->p;
    keyed *key = smi_alloc_array(p, sizeof *key, "column hashes");
    if (!key)
        return SMI_ENOMEM;
    for (size_t j = 0; j < p; j++) {
        key[j] = (keyed){ column_hash(ds, j), j };
        first[j] = SIZE_MAX;
    }
    qsort(key, p, sizeof *key, compare_keyed);
    for (size_t a = 0; a < p;) {
        size_t b = a + 1;
        while (b < p && key[b].hash == key[a].hash)
            b++;
        for (size_t t = a + 1; t < b; t++) /* in column order within a run of equal hashes */
            for (size_t s = a; s < t && first[key[t].column] == SIZE_MAX; s++)
                if (columns_equal(ds, key[s].column, key[t].column))
                    first[key[t].column] = key[s].column;
        a = b;
    }
    free(key);
    return SMI_OK;
}

SMI_API int smi_dataset_check(const smi_dataset *ds, size_t capacity, int *kinds,
                              size_t *columns, size_t *others, size_t *count)
{
    SMI_FAIL_IF(!ds, SMI_EINVAL, "smi_dataset_check: ds is NULL");
    SMI_FAIL_IF(capacity > 0 && (!kinds || !columns || !others), SMI_EINVAL,
                "smi_dataset_check: capacity %zu with a NULL output array", capacity);
    problem_list list = { .capacity = capacity, .kinds = kinds, .columns = columns,
                          .others = others };
    size_t *first = smi_alloc_array(ds->p, sizeof *first, "duplicate columns");
    int rc = first ? find_duplicates(ds, first) : SMI_ENOMEM;
    if (rc != SMI_OK) {
        free(first);
        return rc;
    }
    char text[384];
    for (size_t j = 0; j < ds->p; j++) {
        if (ds->min[j] == ds->max[j]) {
            snprintf(text, sizeof text, "feature '%s' is constant (%g)", ds->feature_names[j],
                     ds->min[j]);
            note(&list, SMI_ECONSTANT, j, j, text);
            continue;
        }
        size_t i = first[j];
        if (i != SIZE_MAX && ds->min[i] != ds->max[i]) { /* constants are reported as such */
            snprintf(text, sizeof text, "feature '%s' duplicates feature '%s'",
                     ds->feature_names[j], ds->feature_names[i]);
            note(&list, SMI_EDUPLICATE, j, i, text);
        }
    }
    free(first);
    if (ds->min[ds->p] == ds->max[ds->p]) {
        snprintf(text, sizeof text, "target '%s' is constant (%g)", ds->target_name,
                 ds->min[ds->p]);
        note(&list, SMI_ECONSTANT, ds->p, ds->p, text);
    }
    if (count)
        *count = list.count;
    if (list.count == 0)
        return SMI_OK;
    return smi_error_set(list.first_kind, "%zu problem%s: %s", list.count,
                         list.count == 1 ? "" : "s", list.message);
}

SMI_API int smi_dataset_condition_number(const smi_dataset *ds, double *cond)
{
    SMI_FAIL_IF(!ds || !cond, SMI_EINVAL, "smi_dataset_condition_number: NULL argument");
    size_t n = ds->n, p = ds->p, k = n < p ? n : p;
    for (size_t j = 0; j < p; j++) {
        if (ds->sd[j] == 0.0) {
            *cond = INFINITY;
            return SMI_OK;
        }
    }
    double *z = smi_alloc_array(n * p, sizeof *z, "standardised design");
    double *s = smi_alloc_array(k, sizeof *s, "singular values");
    if (!z || !s) {
        free(z);
        free(s);
        return SMI_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++)
            z[i * p + j] = (ds->X[i * p + j] - ds->mean[j]) / ds->sd[j];
    /* Row-major n x p is column-major p x n: the transpose has the same singular values. */
    int rc = smi_linalg_singular_values(z, p, n, s);
    if (rc == SMI_OK) {
        /* Rank-deficient to working precision by the usual relative tolerance
         * max(n, p) * eps * s_max (as LAPACK's and numpy's rank estimates). */
        double tol = (double)(n > p ? n : p) * DBL_EPSILON * s[0];
        *cond = s[k - 1] <= tol ? INFINITY : s[0] / s[k - 1];
    }
    free(z);
    free(s);
    return rc;
}
