/* Internal view of a data set. Invariants of struct smi_dataset:
 *   (1) n >= 2, p >= 1; X is row-major n x p; every value in X and y is finite;
 *   (2) feature_names holds p distinct non-empty strings, target_name is non-empty;
 *   (3) labels is NULL or holds n strings; label_column is NULL exactly when labels is;
 *   (4) column_folds (the file's fold column) is NULL with n_column_folds == 0, or holds
 *       n values in 0..n_column_folds-1, every fold non-empty and every training set (the
 *       rows outside one fold) at least 2 rows; folds, n_folds: the same for the folds of
 *       a run, set only in a run's view (smi_dataset_fold_view), NULL in a data set;
 *   (5) mean, sd, min, max hold p + 1 entries: the features, then the target. */
#ifndef SMI_DATA_H
#define SMI_DATA_H

#include "core/core.h"

/* A data set's identity (identity.c): what a result keeps of the data it was computed on. */
struct smi_data_id {
    size_t n, p;
    char **feature_names; /* p */
    char *target_name;
    uint64_t fingerprint;
};

struct smi_dataset {
    smi_data_id *id;      /* made once the values are checked */
    smi_name_index by_name; /* feature_names by hash (smi_dataset_feature_index) */
    size_t n, p;
    double *X;
    double *y;
    char **feature_names;
    char *target_name;
    char **labels;
    char *label_column;
    int *column_folds;     /* the file's fold column, as data */
    size_t n_column_folds;
    int *folds;            /* a run's folds: only in a view, see smi_dataset_fold_view */
    size_t n_folds;
    double *mean, *sd, *min, *max;
};

/* Columns whose largest magnitude lies in [2^-SMI_SAFE_EXPONENT, 2^(SMI_SAFE_EXPONENT+1))
 * are used as they are; larger or smaller ones are scaled by an exact power of two before
 * sums of squares and products (their statistics here, the Gram matrices of the searches),
 * so that n squares of them neither overflow nor underflow. smi_column_exponent gives that
 * power: 0 for a column in the safe range, else the binary exponent of its largest
 * magnitude (column j < p of ds, or the target for j == p). */
#define SMI_SAFE_EXPONENT 400
int smi_column_exponent(const smi_dataset *ds, size_t j);
/* SMI_OK when every coefficient (units of y per feature) can be a double on ds: the
 * magnitudes of y and of each feature within 2^1000 of each other; else SMI_ENONFINITE
 * naming the feature (the searches and the evidence check it before they start). */
int smi_dataset_check_coefficient_range(const smi_dataset *ds);

/* smi_dataset_adopt: take ownership of the arrays (allocated with malloc) and build a data
 * set around them, checking invariants (1)-(3). On failure everything passed is freed.
 * labels and label_column may be NULL. */
int smi_dataset_adopt(smi_dataset **out, size_t n, size_t p, double *X, double *y,
                      char **feature_names, char *target_name, char **labels,
                      char *label_column);

/* Identities: of a data set, a copy, or from parts (a loaded file); free with
 * smi_data_id_free (NULL: no-op). Return SMI_OK or SMI_ENOMEM. */
int smi_data_id_of(smi_data_id **out, const smi_dataset *ds);
int smi_data_id_copy(smi_data_id **out, const smi_data_id *src);
int smi_data_id_make(smi_data_id **out, size_t n, size_t p, const char *const *names,
                     const char *target, uint64_t fingerprint);
void smi_data_id_free(smi_data_id *id);


/* The folds of a run's configuration (search, LASSO, VMA): K-fold with an optional shuffle,
 * or explicit ids (ids != NULL, n_ids values, k distinct). Defaults: SMI_DEFAULT_FOLDS
 * folds shuffled with seed SMI_DEFAULT_FOLD_SEED, the same for the CLI and the bindings. */
#define SMI_DEFAULT_FOLDS 10
#define SMI_DEFAULT_FOLD_SEED 0
typedef struct smi_folds {
    size_t k;
    int shuffle;
    uint64_t seed;
    int *ids;
    size_t n_ids;
} smi_folds;
void smi_folds_defaults(smi_folds *f);
void smi_folds_release(smi_folds *f);
int smi_folds_copy(smi_folds *dst, const smi_folds *src);
/* Setters: SMI_OK, or SMI_EINVAL (K < 2, fewer than 2 distinct ids) leaving f unchanged. */
int smi_folds_set_kfold(smi_folds *f, size_t k, int shuffle, uint64_t seed);
int smi_folds_set_ids(smi_folds *f, const int *ids, size_t n_ids);
int smi_folds_get_ids(const smi_folds *f, size_t capacity, int *ids, size_t *n_ids);
/* smi_folds_assign: each of n samples' fold in 0..k-1 (a new array in *folds), checked:
 * K <= n, n ids, no empty fold, every training set of at least 2 rows. */
int smi_folds_assign(const smi_folds *f, size_t n, int **folds, size_t *k);
/* The same into a caller's buffer of capacity >= n (the public getters). */
int smi_folds_assignment(const smi_folds *f, size_t n, size_t capacity, int *folds,
                         size_t *k);

/* smi_dataset_fold_view: *view = ds sharing every array, with the folds of f resolved for
 * ds's n (f NULL: no folds). Release with smi_dataset_fold_view_release only; the view
 * must not outlive ds. This is how a run hands its folds to the criteria without touching
 * the user's data set. */
int smi_dataset_fold_view(const smi_dataset *ds, const smi_folds *f, smi_dataset *view);
void smi_dataset_fold_view_release(smi_dataset *view);

/* smi_dataset_adopt_fold_column: keep the file's fold ids (checked as a run would). */
int smi_dataset_adopt_fold_column(smi_dataset *ds, const int *ids);

#endif /* SMI_DATA_H */
