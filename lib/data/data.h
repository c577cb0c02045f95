/* Internal view of a data set. Invariants of struct smi_dataset:
 *   (1) n >= 2, p >= 1; X is row-major n x p; every value in X and y is finite;
 *   (2) feature_names holds p distinct non-empty strings, target_name is non-empty;
 *   (3) labels is NULL or holds n strings; label_column is NULL exactly when labels is;
 *   (4) folds is NULL with n_folds == 0, or holds n values in 0..n_folds-1, every fold
 *       non-empty and every training set (the rows outside one fold) at least 2 rows;
 *   (5) mean, sd, min, max hold p + 1 entries: the features, then the target. */
#ifndef SMI_DATA_H
#define SMI_DATA_H

#include "core/core.h"

struct smi_dataset {
    size_t n, p;
    double *X;
    double *y;
    char **feature_names;
    char *target_name;
    char **labels;
    char *label_column;
    int *folds;
    size_t n_folds;
    double *mean, *sd, *min, *max;
};

/* smi_dataset_adopt: take ownership of the arrays (allocated with malloc) and build a data
 * set around them, checking invariants (1)-(3). On failure everything passed is freed.
 * labels and label_column may be NULL. */
int smi_dataset_adopt(smi_dataset **out, size_t n, size_t p, double *X, double *y,
                      char **feature_names, char *target_name, char **labels,
                      char *label_column);

/* smi_free_strings: free `count` strings and the array holding them (NULL is a no-op). */
void smi_free_strings(char **strings, size_t count);

#endif /* SMI_DATA_H */
