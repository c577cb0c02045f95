/* The result of a virtual measurement analysis: its accessors, which copy into the
 * caller's buffers (vma_run.c fills it; vma.h lists its invariants). */
#include <stdlib.h>
#include <string.h>

#include "vma/vma.h"

SMI_API void smi_vma_result_free(smi_vma_result *res)
{
    if (!res)
        return;
    smi_vma_free(res->cfg);
    smi_data_id_free(res->data);
    free(res->sizes);
    free(res->features);
    free(res->coef);
    free(res->rate);
    free(res->frequency);
    free(res->chosen);
    free(res->failures);
    free(res);
}

#define CHECK(res, out, capacity, need)                                                     \
    SMI_FAIL_IF(!(res) || !(out), SMI_EINVAL, "%s: NULL argument", __func__);              \
    SMI_FAIL_IF((capacity) < (need), SMI_EINVAL, "%s: capacity %zu, need %zu", __func__,   \
                (size_t)(capacity), (size_t)(need))

SMI_API size_t smi_vma_result_n_sizes(const smi_vma_result *res) { return res ? res->S : 0; }
SMI_API size_t smi_vma_result_trials(const smi_vma_result *res) { return res ? res->T : 0; }
SMI_API size_t smi_vma_result_p(const smi_vma_result *res) { return res ? res->p : 0; }

SMI_API int smi_vma_result_sizes(const smi_vma_result *res, size_t capacity, size_t *sizes)
{
    CHECK(res, sizes, capacity, res->S);
    memcpy(sizes, res->sizes, res->S * sizeof *sizes);
    return SMI_OK;
}

SMI_API int smi_vma_result_model(const smi_vma_result *res, size_t capacity, size_t *features,
                          double *coefficients, size_t *k, double *intercept, double *noise_sd)
{
    SMI_FAIL_IF(!res, SMI_EINVAL, "smi_vma_result_model: res is NULL");
    SMI_FAIL_IF((features || coefficients) && capacity < res->k, SMI_EINVAL,
                "smi_vma_result_model: capacity %zu, the model has %zu features", capacity, res->k);
    if (features)
        memcpy(features, res->features, res->k * sizeof *features);
    if (coefficients)
        memcpy(coefficients, res->coef, res->k * sizeof *coefficients);
    if (k)
        *k = res->k;
    if (intercept)
        *intercept = res->intercept;
    if (noise_sd)
        *noise_sd = res->noise_sd;
    return SMI_OK;
}

SMI_API int smi_vma_result_recovery_rate(const smi_vma_result *res, size_t capacity, double *rates)
{
    CHECK(res, rates, capacity, res->S);
    memcpy(rates, res->rate, res->S * sizeof *rates);
    return SMI_OK;
}

SMI_API int smi_vma_result_selection_frequency(const smi_vma_result *res, size_t capacity,
                                        double *frequency)
{
    CHECK(res, frequency, capacity, res->S * res->p);
    memcpy(frequency, res->frequency, res->S * res->p * sizeof *frequency);
    return SMI_OK;
}

SMI_API int smi_vma_result_chosen_size(const smi_vma_result *res, size_t capacity, uint64_t *counts)
{
    CHECK(res, counts, capacity, res->S * (res->p + 1));
    memcpy(counts, res->chosen, res->S * (res->p + 1) * sizeof *counts);
    return SMI_OK;
}

SMI_API int smi_vma_result_failures(const smi_vma_result *res, size_t capacity, uint64_t *counts)
{
    CHECK(res, counts, capacity, res->S);
    memcpy(counts, res->failures, res->S * sizeof *counts);
    return SMI_OK;
}

SMI_API int smi_vma_result_status(const smi_vma_result *res)
{
    return res ? SMI_OK : SMI_EINVAL;
}

SMI_API const char *smi_vma_result_caveat(const smi_vma_result *res)
{
    (void)res;
    return "";
}

SMI_API const smi_vma *smi_vma_result_config(const smi_vma_result *res)
{
    return res ? res->cfg : NULL;
}

SMI_API const smi_data_id *smi_vma_result_data(const smi_vma_result *res)
{
    return res ? res->data : NULL;
}
