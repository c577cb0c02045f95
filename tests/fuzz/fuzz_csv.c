/* libFuzzer harness of the CSV reader (smi_dataset_read_csv): any bytes either load as a
 * data set whose every value is finite and whose shape is consistent, or are refused with
 * a status and a message; nothing crashes, leaks or reads out of bounds. */
#include <math.h>

#include "sparsemi.h"
#include "fuzz_common.h"

static void check_dataset(const smi_dataset *ds)
{
    size_t n = smi_dataset_n(ds), p = smi_dataset_p(ds);
    FUZZ_ASSERT(n >= 2 && p >= 1);
    double *X = malloc(n * p * sizeof *X), *y = malloc(n * sizeof *y);
    FUZZ_ASSERT(X && y);
    FUZZ_ASSERT(smi_dataset_get_X(ds, X, n * p) == SMI_OK);
    FUZZ_ASSERT(smi_dataset_get_y(ds, y, n) == SMI_OK);
    for (size_t i = 0; i < n * p; i++)
        FUZZ_ASSERT(isfinite(X[i]));
    for (size_t i = 0; i < n; i++)
        FUZZ_ASSERT(isfinite(y[i]));
    for (size_t j = 0; j < p; j++)
        FUZZ_ASSERT(smi_dataset_feature_name(ds, j) && *smi_dataset_feature_name(ds, j));
    FUZZ_ASSERT(smi_data_id_matches(smi_dataset_id(ds), ds));
    free(X);
    free(y);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fuzz_write_input(data, size))
        return 0;
    smi_dataset *ds = NULL;
    int rc = smi_dataset_read_csv(&ds, fuzz_input_path(), NULL);
    if (rc == SMI_OK)
        check_dataset(ds);
    else
        FUZZ_ASSERT(ds == NULL && rc < 0 && *smi_last_error());
    smi_dataset_free(ds);
    return 0;
}
