/* smi_dataset: construction from arrays, accessors and per-column statistics. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/data.h"

SMI_API void smi_dataset_free(smi_dataset *ds)
{
    if (!ds)
        return;
    free(ds->X);
    free(ds->y);
    smi_free_strings(ds->feature_names, ds->p);
    free(ds->target_name);
    smi_free_strings(ds->labels, ds->n);
    free(ds->label_column);
    smi_data_id_free(ds->id);
    smi_name_index_free(&ds->by_name);
    free(ds->column_folds);
    free(ds->folds);
    free(ds->mean);
    free(ds->sd);
    free(ds->min);
    free(ds->max);
    free(ds);
}

/* The power of two that brings the largest magnitude of a column near 1, or 0 when its
 * values need none: scaling by it is exact, so sums of the scaled values and of their
 * squares neither overflow (values near 1e300) nor underflow (values near 1e-300). */
static int column_exponent(double lo, double hi)
{
    double big = fmax(fabs(lo), fabs(hi));
    if (!(big > 0.0) || !isfinite(big))
        return 0;
    int e = ilogb(big);
    return e > SMI_SAFE_EXPONENT || e < -SMI_SAFE_EXPONENT ? e : 0;
}

/* Mean and standard deviation (divisor n) by two passes: the second pass on centred values
 * keeps full accuracy for columns with a large offset (NIST's Longley data has one). The
 * passes run on the values scaled by 2^-e (column_exponent; exact), so the sums stay in
 * range whatever the magnitude, and the results are scaled back. */
static void column_stats(const double *v, size_t n, size_t stride, double *mean, double *sd,
                         double *min, double *max)
{
    double lo = v[0], hi = v[0];
    for (size_t i = 0; i < n; i++) {
        double x = v[i * stride];
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
    }
    int e = column_exponent(lo, hi);
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += ldexp(v[i * stride], -e);
    double m = sum / (double)n, ss = 0.0, corr = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = ldexp(v[i * stride], -e) - m;
        ss += d * d;
        corr += d;
    }
    /* Corrected two-pass formula (Chan, Golub and LeVeque 1983). */
    double var = (ss - corr * corr / (double)n) / (double)n;
    *mean = ldexp(m, e);
    *sd = var > 0.0 ? ldexp(sqrt(var), e) : 0.0;
    *min = lo;
    *max = hi;
}

int smi_column_exponent(const smi_dataset *ds, size_t j)
{
    return column_exponent(ds->min[j], ds->max[j]);
}

/* The largest magnitude of column j (the target for j == p). */
static double magnitude(const smi_dataset *ds, size_t j)
{
    return fmax(fabs(ds->min[j]), fabs(ds->max[j]));
}

/* Binary exponent of a column's largest magnitude (0 for a zero column). */
static int magnitude_exponent(const smi_dataset *ds, size_t j)
{
    double big = magnitude(ds, j);
    return big > 0.0 ? ilogb(big) : 0;
}

int smi_dataset_check_coefficient_range(const smi_dataset *ds)
{
    int ey = magnitude_exponent(ds, ds->p);
    for (size_t j = 0; j < ds->p; j++) {
        int d = ey - magnitude_exponent(ds, j);
        /* a coefficient is of order 2^d in units of y per feature: 2^d within 2^+-1000
         * leaves it a finite double (the refits refuse any that is not) */
        if (magnitude(ds, j) > 0.0 && (d > 1000 || d < -1000))
            return smi_error_set(SMI_ENONFINITE, "feature '%s' (values of magnitude %g) and "
                                 "target '%s' (%g): a coefficient in units of %s per %s is out "
                                 "of the range of a double (rescale one of them)",
                                 ds->feature_names[j], magnitude(ds, j), ds->target_name,
                                 magnitude(ds, ds->p), ds->target_name,
                                 ds->feature_names[j]);
    }
    return SMI_OK;
}

static int compute_stats(smi_dataset *ds)
{
    size_t cols = ds->p + 1;
    ds->mean = smi_alloc_array(cols, sizeof(double), "column means");
    ds->sd = smi_alloc_array(cols, sizeof(double), "column standard deviations");
    ds->min = smi_alloc_array(cols, sizeof(double), "column minima");
    ds->max = smi_alloc_array(cols, sizeof(double), "column maxima");
    if (!ds->mean || !ds->sd || !ds->min || !ds->max)
        return SMI_ENOMEM;
    for (size_t j = 0; j < ds->p; j++)
        column_stats(ds->X + j, ds->n, ds->p, &ds->mean[j], &ds->sd[j], &ds->min[j],
                     &ds->max[j]);
    column_stats(ds->y, ds->n, 1, &ds->mean[ds->p], &ds->sd[ds->p], &ds->min[ds->p],
                 &ds->max[ds->p]);
    return SMI_OK;
}

/* Names non-empty and distinct, none the target's; `by_name` indexes them (linear time). */
static int check_names(char *const *names, size_t p, const char *target,
                       smi_name_index *by_name)
{
    SMI_TRY(smi_name_index_init(by_name, p));
    for (size_t j = 0; j < p; j++) {
        SMI_FAIL_IF(names[j][0] == '\0', SMI_EINVAL, "feature %zu has an empty name", j + 1);
        SMI_FAIL_IF(strcmp(names[j], target) == 0, SMI_EDUPLICATE,
                    "feature %zu has the target's name '%s'", j + 1, target);
        size_t i = smi_name_index_add(by_name, (const char *const *)names, j);
        SMI_FAIL_IF(i != SIZE_MAX, SMI_EDUPLICATE, "features %zu and %zu are both named '%s'",
                    i + 1, j + 1, names[j]);
    }
    SMI_FAIL_IF(target[0] == '\0', SMI_EINVAL, "the target has an empty name");
    return SMI_OK;
}

static int check_finite(const double *X, const double *y, size_t n, size_t p,
                        char *const *names, const char *target)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < p; j++)
            SMI_FAIL_IF(!isfinite(X[i * p + j]), SMI_ENONFINITE,
                        "row %zu, feature '%s': value %g is not finite", i + 1, names[j],
                        X[i * p + j]);
        SMI_FAIL_IF(!isfinite(y[i]), SMI_ENONFINITE,
                    "row %zu, target '%s': value %g is not finite", i + 1, target, y[i]);
    }
    return SMI_OK;
}

int smi_dataset_adopt(smi_dataset **out, size_t n, size_t p, double *X, double *y,
                      char **feature_names, char *target_name, char **labels,
                      char *label_column)
{
    smi_dataset *ds = smi_calloc_array(1, sizeof *ds, "data set");
    if (!ds) {
        free(X);
        free(y);
        smi_free_strings(feature_names, p);
        free(target_name);
        smi_free_strings(labels, n);
        free(label_column);
        return SMI_ENOMEM;
    }
    *ds = (smi_dataset){ .n = n, .p = p, .X = X, .y = y, .feature_names = feature_names,
                         .target_name = target_name, .labels = labels,
                         .label_column = label_column };
    int rc = check_names(feature_names, p, target_name, &ds->by_name);
    if (rc == SMI_OK)
        rc = check_finite(X, y, n, p, feature_names, target_name);
    if (rc == SMI_OK)
        rc = compute_stats(ds);
    if (rc == SMI_OK)
        rc = smi_data_id_of(&ds->id, ds);
    if (rc != SMI_OK) {
        smi_dataset_free(ds);
        return rc;
    }
    *out = ds;
    return SMI_OK;
}

static int copy_names(const char *const *names, size_t p, char ***out)
{
    for (size_t j = 0; names && j < p; j++)
        SMI_FAIL_IF(!names[j], SMI_EINVAL, "feature name %zu is NULL", j + 1);
    char **copy = smi_calloc_array(p, sizeof *copy, "feature names");
    if (!copy)
        return SMI_ENOMEM;
    for (size_t j = 0; j < p; j++) {
        char buf[32];
        snprintf(buf, sizeof buf, "x%zu", j + 1);
        copy[j] = smi_strdup(names ? names[j] : buf, "feature name");
        if (!copy[j]) {
            smi_free_strings(copy, j);
            return SMI_ENOMEM;
        }
    }
    *out = copy;
    return SMI_OK;
}

SMI_API int smi_dataset_create(smi_dataset **out, size_t n, size_t p, const double *X,
                               const double *y, const char *const *feature_names,
                               const char *target_name)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_dataset_create: out is NULL");
    *out = NULL;
    SMI_FAIL_IF(!X || !y, SMI_EINVAL, "smi_dataset_create: X or y is NULL");
    SMI_FAIL_IF(n < 2, SMI_ETOOFEW, "%zu sample%s: at least 2 are needed", n,
                n == 1 ? "" : "s");
    SMI_FAIL_IF(p == 0, SMI_EEMPTY, "no features: p is 0");
    SMI_FAIL_IF(n > SIZE_MAX / sizeof(double) / p, SMI_ETOOLARGE,
                "%zu x %zu values do not fit in memory", n, p);
    char **names = NULL;
    SMI_TRY(copy_names(feature_names, p, &names));
    double *Xc = smi_alloc_array(n * p, sizeof *Xc, "design matrix");
    double *yc = smi_alloc_array(n, sizeof *yc, "target");
    char *target = smi_strdup(target_name ? target_name : "y", "target name");
    if (!Xc || !yc || !target) {
        free(Xc);
        free(yc);
        smi_free_strings(names, p);
        free(target);
        return SMI_ENOMEM;
    }
    memcpy(Xc, X, n * p * sizeof *Xc);
    memcpy(yc, y, n * sizeof *yc);
    return smi_dataset_adopt(out, n, p, Xc, yc, names, target, NULL, NULL);
}

SMI_API size_t smi_dataset_n(const smi_dataset *ds)
{
    return ds ? ds->n : 0;
}

SMI_API size_t smi_dataset_p(const smi_dataset *ds)
{
    return ds ? ds->p : 0;
}

SMI_API const char *smi_dataset_feature_name(const smi_dataset *ds, size_t j)
{
    return ds && j < ds->p ? ds->feature_names[j] : NULL;
}

SMI_API const char *smi_dataset_target_name(const smi_dataset *ds)
{
    return ds ? ds->target_name : NULL;
}

SMI_API int smi_dataset_feature_index(const smi_dataset *ds, const char *name, size_t *index)
{
    SMI_FAIL_IF(!ds || !name || !index, SMI_EINVAL, "smi_dataset_feature_index: NULL argument");
    size_t j = smi_name_index_find(&ds->by_name, (const char *const *)ds->feature_names, name);
    if (j != SIZE_MAX) {
        *index = j;
        return SMI_OK;
    }
    return smi_error_set(SMI_ENOTFOUND, "no feature named '%s'", name);
}

SMI_API int smi_dataset_has_labels(const smi_dataset *ds)
{
    return ds && ds->labels ? 1 : 0;
}

SMI_API const char *smi_dataset_label(const smi_dataset *ds, size_t i)
{
    return ds && ds->labels && i < ds->n ? ds->labels[i] : NULL;
}

SMI_API const char *smi_dataset_label_column(const smi_dataset *ds)
{
    return ds ? ds->label_column : NULL;
}

static int check_capacity(const smi_dataset *ds, const void *out, size_t capacity,
                          size_t needed, const char *what)
{
    SMI_FAIL_IF(!ds || !out, SMI_EINVAL, "%s: NULL argument", what);
    SMI_FAIL_IF(capacity < needed, SMI_EINVAL, "%s: the buffer holds %zu values, %zu needed",
                what, capacity, needed);
    return SMI_OK;
}

SMI_API int smi_dataset_get_X(const smi_dataset *ds, double *out, size_t capacity)
{
    SMI_TRY(check_capacity(ds, out, capacity, ds ? ds->n * ds->p : 0, "smi_dataset_get_X"));
    memcpy(out, ds->X, ds->n * ds->p * sizeof *out);
    return SMI_OK;
}

SMI_API int smi_dataset_get_y(const smi_dataset *ds, double *out, size_t capacity)
{
    SMI_TRY(check_capacity(ds, out, capacity, ds ? ds->n : 0, "smi_dataset_get_y"));
    memcpy(out, ds->y, ds->n * sizeof *out);
    return SMI_OK;
}

SMI_API int smi_dataset_get_column(const smi_dataset *ds, size_t j, double *out,
                                   size_t capacity)
{
    SMI_TRY(check_capacity(ds, out, capacity, ds ? ds->n : 0, "smi_dataset_get_column"));
    SMI_FAIL_IF(j >= ds->p, SMI_EINVAL, "feature %zu does not exist: p is %zu", j, ds->p);
    for (size_t i = 0; i < ds->n; i++)
        out[i] = ds->X[i * ds->p + j];
    return SMI_OK;
}

static void put(double *dst, double value)
{
    if (dst)
        *dst = value;
}

static void stats_of(const smi_dataset *ds, size_t col, double *mean, double *sd, double *min,
                     double *max)
{
    put(mean, ds->mean[col]);
    put(sd, ds->sd[col]);
    put(min, ds->min[col]);
    put(max, ds->max[col]);
}

SMI_API int smi_dataset_feature_stats(const smi_dataset *ds, size_t j, double *mean,
                                      double *sd, double *min, double *max)
{
    SMI_FAIL_IF(!ds, SMI_EINVAL, "smi_dataset_feature_stats: ds is NULL");
    SMI_FAIL_IF(j >= ds->p, SMI_EINVAL, "feature %zu does not exist: p is %zu", j, ds->p);
    stats_of(ds, j, mean, sd, min, max);
    return SMI_OK;
}

SMI_API int smi_dataset_target_stats(const smi_dataset *ds, double *mean, double *sd,
                                     double *min, double *max)
{
    SMI_FAIL_IF(!ds, SMI_EINVAL, "smi_dataset_target_stats: ds is NULL");
    stats_of(ds, ds->p, mean, sd, min, max);
    return SMI_OK;
}
