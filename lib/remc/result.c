/* The result of a replica-exchange run: its accessors, which copy into the caller's
 * buffers (run.c and dos.c fill it). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "remc/remc.h"

SMI_API void smi_remc_result_free(smi_remc_result *res)
{
    if (!res)
        return;
    smi_remc_free(res->cfg);
    smi_search_free(res->search);
    smi_data_id_free(res->data);
    free(res->betas);
    free(res->acceptance);
    free(res->exchange);
    free(res->edges);
    free(res->log_dos);
    free(res->log_dos_err);
    free(res->top_size);
    free(res->top_features);
    free(res->top_value);
    free(res->inclusion);
    free(res->trace);
    free(res);
}

#define CHECK(res, capacity, need)                                                          \
    SMI_FAIL_IF(!(res), SMI_EINVAL, "%s: res is NULL", __func__);                          \
    SMI_FAIL_IF((capacity) < (need), SMI_EINVAL, "%s: capacity %zu, need %zu", __func__,   \
                (size_t)(capacity), (size_t)(need))

static int copy_out(double *dst, const double *src, size_t n, const char *what)
{
    SMI_FAIL_IF(!dst && n, SMI_EINVAL, "%s: NULL buffer", what);
    if (n)
        memcpy(dst, src, n * sizeof *dst);
    return SMI_OK;
}

SMI_API size_t smi_remc_result_n_replicas(const smi_remc_result *res) { return res ? res->R : 0; }
SMI_API double smi_remc_result_n_states(const smi_remc_result *res) { return res ? res->n_states : NAN; }
SMI_API uint64_t smi_remc_result_n_proposals(const smi_remc_result *res) { return res ? res->proposals : 0; }
SMI_API size_t smi_remc_result_n_bins(const smi_remc_result *res) { return res ? res->n_bins : 0; }
SMI_API size_t smi_remc_result_n_top(const smi_remc_result *res) { return res ? res->n_top : 0; }
SMI_API size_t smi_remc_result_n_sweeps(const smi_remc_result *res) { return res ? res->n_sweeps : 0; }

SMI_API int smi_remc_result_ladder(const smi_remc_result *res, size_t capacity, double *betas)
{
    CHECK(res, capacity, res->R);
    return copy_out(betas, res->betas, res->R, __func__);
}

SMI_API int smi_remc_result_acceptance(const smi_remc_result *res, size_t capacity, double *rates)
{
    CHECK(res, capacity, res->R);
    return copy_out(rates, res->acceptance, res->R, __func__);
}

SMI_API int smi_remc_result_exchange_rates(const smi_remc_result *res, size_t capacity, double *rates)
{
    CHECK(res, capacity, res->R - 1);
    return copy_out(rates, res->exchange, res->R - 1, __func__);
}

SMI_API int smi_remc_result_dos(const smi_remc_result *res, size_t capacity, double *edges,
                         double *log_counts, double *errors)
{
    CHECK(res, capacity, res->n_bins + 1);
    if (edges)
        memcpy(edges, res->edges, (res->n_bins + 1) * sizeof *edges);
    if (log_counts)
        memcpy(log_counts, res->log_dos, res->n_bins * sizeof *log_counts);
    if (errors)
        memcpy(errors, res->log_dos_err, res->n_bins * sizeof *errors);
    return SMI_OK;
}

SMI_API int smi_remc_result_model(const smi_remc_result *res, size_t rank, size_t capacity,
                           size_t *features, size_t *k, double *value)
{
    SMI_FAIL_IF(!res, SMI_EINVAL, "smi_remc_result_model: res is NULL");
    SMI_FAIL_IF(rank >= res->n_top, SMI_EINVAL, "model rank %zu: %zu models kept", rank,
                res->n_top);
    size_t size = res->top_size[rank], width = res->kmax ? res->kmax : 1;
    SMI_FAIL_IF(features && capacity < size, SMI_EINVAL,
                "smi_remc_result_model: capacity %zu, the model has %zu features", capacity, size);
    if (features)
        memcpy(features, res->top_features + rank * width, size * sizeof *features);
    if (k)
        *k = size;
    if (value)
        *value = res->top_value[rank];
    return SMI_OK;
}

SMI_API int smi_remc_result_posterior_inclusion(const smi_remc_result *res, size_t capacity,
                                         double *prob)
{
    SMI_FAIL_IF(!res, SMI_EINVAL, "smi_remc_result_posterior_inclusion: res is NULL");
    SMI_FAIL_IF(!res->inclusion, SMI_ENOTFOUND, "no posterior inclusion: the criterion is not "
                "a free energy, or the ladder lacks the inverse temperature 1");
    CHECK(res, capacity, res->p);
    return copy_out(prob, res->inclusion, res->p, __func__);
}

SMI_API int smi_remc_result_trace(const smi_remc_result *res, size_t replica, size_t capacity,
                           double *energies)
{
    SMI_FAIL_IF(!res || replica >= res->R, SMI_EINVAL, "smi_remc_result_trace: no replica %zu", replica);
    CHECK(res, capacity, res->n_sweeps);
    return copy_out(energies, res->trace + replica * res->n_sweeps, res->n_sweeps, __func__);
}

SMI_API int smi_remc_result_status(const smi_remc_result *res)
{
    return res ? SMI_OK : SMI_EINVAL;
}

SMI_API const char *smi_remc_result_caveat(const smi_remc_result *res)
{
    (void)res;
    return "";
}

SMI_API const smi_remc *smi_remc_result_config(const smi_remc_result *res)
{
    return res ? res->cfg : NULL;
}

SMI_API const smi_search *smi_remc_result_search(const smi_remc_result *res)
{
    return res ? res->search : NULL;
}

SMI_API const smi_data_id *smi_remc_result_data(const smi_remc_result *res)
{
    return res ? res->data : NULL;
}
