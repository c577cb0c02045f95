/* libFuzzer harness of the saved-result reader (smi_search_result_load): any bytes either
 * load as a result that answers every accessor consistently and saves to a file that loads
 * back to the same counts, or are refused with SMI_EPARSE (or SMI_ENOMEM) and a message.
 * The checksum line is made anew for each input (fuzz_write_sealed), so that mutations
 * reach the structural checks: counts against the plan, allocations against the size. */
#include <math.h>

#include "sparsemi.h"
#include "fuzz_common.h"

static void check_result(const smi_search_result *res)
{
    size_t p = smi_search_result_p(res), n_top = smi_search_result_n_top(res);
    size_t B = smi_search_result_n_bins(res), kmax = smi_search_result_max_size(res);
    FUZZ_ASSERT(p >= 1 && kmax <= p && B >= 1);
    double *edges = malloc((B + 1) * sizeof *edges), *coef = malloc(p * sizeof *coef);
    uint64_t *counts = malloc(B * sizeof *counts), below, above, total = 0;
    size_t *features = malloc(p * sizeof *features), k;
    FUZZ_ASSERT(edges && coef && counts && features);
    FUZZ_ASSERT(smi_search_result_dos(res, B + 1, edges, counts, &below, &above) == SMI_OK);
    for (size_t b = 0; b < B; b++)
        total += counts[b];
    FUZZ_ASSERT(total + below + above == smi_search_result_n_models(res));
    FUZZ_ASSERT(n_top <= smi_search_result_n_models(res));
    for (size_t r = 0; r < n_top; r++) {
        double value, intercept, rmse;
        int rc = smi_search_result_model(res, r, p, features, coef, &k, &value, &intercept,
                                         &rmse);
        FUZZ_ASSERT(rc == SMI_OK && k <= kmax);
        for (size_t t = 0; t < k; t++)
            FUZZ_ASSERT(features[t] < p && (t == 0 || features[t] > features[t - 1]));
    }
    const smi_data_id *id = smi_search_result_data(res);
    FUZZ_ASSERT(id && smi_data_id_p(id) == p && smi_search_result_config(res));
    for (size_t j = 0; j < p; j++)
        FUZZ_ASSERT(smi_data_id_feature_name(id, j));
    if (n_top > 0) {
        double value, rank;
        FUZZ_ASSERT(smi_search_result_model(res, 0, p, features, NULL, &k, &value, NULL,
                                            NULL) == SMI_OK);
        if (isfinite(value))
            FUZZ_ASSERT(smi_search_result_rank(res, value, &rank, NULL, NULL, NULL) == SMI_OK);
    }
    free(edges), free(coef), free(counts), free(features);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fuzz_write_sealed(data, size, NULL))
        return 0;
    smi_search_result *res = NULL;
    int rc = smi_search_result_load(&res, fuzz_input_path());
    if (rc != SMI_OK) {
        FUZZ_ASSERT(res == NULL && (rc == SMI_EPARSE || rc == SMI_ENOMEM || rc == SMI_EIO));
        return 0;
    }
    check_result(res);
    char again[80];
    snprintf(again, sizeof again, "%s.again", fuzz_input_path());
    FUZZ_ASSERT(smi_search_result_save(res, again) == SMI_OK);
    smi_search_result *back = NULL;
    FUZZ_ASSERT(smi_search_result_load(&back, again) == SMI_OK);
    FUZZ_ASSERT(smi_search_result_n_models(back) == smi_search_result_n_models(res));
    FUZZ_ASSERT(smi_search_result_n_top(back) == smi_search_result_n_top(res));
    unlink(again);
    smi_search_result_free(back);
    smi_search_result_free(res);
    return 0;
}
