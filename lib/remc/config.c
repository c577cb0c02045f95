/* smi_remc: the configuration of replica-exchange Monte Carlo, its defaults and checked
 * setters, and the inverse-temperature ladder. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "remc/remc.h"

#define CHECK_CFG(cfg) SMI_FAIL_IF(!(cfg), SMI_EINVAL, "%s: cfg is NULL", __func__)

SMI_API int smi_remc_create(smi_remc **out)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_remc_create: out is NULL");
    smi_remc *cfg = smi_calloc_array(1, sizeof *cfg, "replica exchange configuration");
    *out = cfg;
    if (!cfg)
        return SMI_ENOMEM;
    *cfg = (smi_remc){ .replicas = 16, .beta_max = 1.0, .beta_ratio = 1e-3, .sweeps = 20000,
                       .burn_in = 2000, .seed = 1, .threads = 0 };
    return SMI_OK;
}

SMI_API void smi_remc_free(smi_remc *cfg)
{
    if (!cfg)
        return;
    free(cfg->ladder);
    free(cfg);
}

SMI_API int smi_remc_set_replicas(smi_remc *cfg, size_t replicas, double beta_max)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(replicas < 2 || replicas > SMI_REMC_MAX_REPLICAS, SMI_EINVAL,
                "%zu replicas: need 2 to %d", replicas, SMI_REMC_MAX_REPLICAS);
    SMI_FAIL_IF(!(beta_max > 0.0 && isfinite(beta_max)), SMI_EINVAL,
                "largest inverse temperature %g: must be positive and finite", beta_max);
    free(cfg->ladder);
    cfg->ladder = NULL;
    cfg->replicas = replicas;
    cfg->beta_max = beta_max;
    return SMI_OK;
}

SMI_API int smi_remc_set_ladder(smi_remc *cfg, const double *betas, size_t count)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(!betas || count < 2 || count > SMI_REMC_MAX_REPLICAS, SMI_EINVAL,
                "a ladder of %zu inverse temperatures: need 2 to %d", count,
                SMI_REMC_MAX_REPLICAS);
    for (size_t i = 0; i < count; i++) {
        SMI_FAIL_IF(!(betas[i] >= 0.0 && isfinite(betas[i])), SMI_EINVAL,
                    "inverse temperature %zu is %g: must be finite and not negative", i, betas[i]);
        SMI_FAIL_IF(i > 0 && !(betas[i] > betas[i - 1]), SMI_EINVAL,
                    "inverse temperatures %zu and %zu (%g, %g) do not increase", i - 1, i,
                    betas[i - 1], betas[i]);
    }
    double *copy = smi_alloc_array(count, sizeof *copy, "ladder");
    if (!copy)
        return SMI_ENOMEM;
    memcpy(copy, betas, count * sizeof *copy);
    free(cfg->ladder);
    cfg->ladder = copy;
    cfg->replicas = count;
    cfg->beta_max = betas[count - 1];
    return SMI_OK;
}

SMI_API int smi_remc_set_sweeps(smi_remc *cfg, size_t sweeps, size_t burn_in)
{
    CHECK_CFG(cfg);
    SMI_FAIL_IF(sweeps < SMI_REMC_BLOCKS, SMI_EINVAL,
                "%zu sweeps: need at least %d (one per error block)", sweeps, SMI_REMC_BLOCKS);
    SMI_FAIL_IF(burn_in > ((size_t)1 << 40) || sweeps > ((size_t)1 << 40), SMI_EINVAL,
                "%zu sweeps and %zu of burn-in: too many", sweeps, burn_in);
    cfg->sweeps = sweeps;
    cfg->burn_in = burn_in;
    return SMI_OK;
}

SMI_API int smi_remc_set_seed(smi_remc *cfg, uint64_t seed)
{
    CHECK_CFG(cfg);
    cfg->seed = seed;
    return SMI_OK;
}

SMI_API int smi_remc_set_tuning(smi_remc *cfg, int on)
{
    CHECK_CFG(cfg);
    cfg->tune = on != 0;
    return SMI_OK;
}

SMI_API int smi_remc_set_threads(smi_remc *cfg, size_t threads)
{
    CHECK_CFG(cfg);
    /* more threads than the most replicas a run can have would never be started */
    cfg->threads = threads > SMI_REMC_MAX_REPLICAS ? SMI_REMC_MAX_REPLICAS : threads;
    return SMI_OK;
}

SMI_API int smi_remc_copy(smi_remc **out, const smi_remc *src)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_remc_copy: out is NULL");
    *out = NULL;
    SMI_FAIL_IF(!src, SMI_EINVAL, "smi_remc_copy: src is NULL");
    smi_remc *cfg = smi_alloc_array(1, sizeof *cfg, "replica exchange configuration");
    if (!cfg)
        return SMI_ENOMEM;
    *cfg = *src;
    cfg->ladder = NULL; /* until copied: never src's */
    if (src->ladder) {
        cfg->ladder = smi_alloc_array(src->replicas, sizeof *cfg->ladder, "ladder");
        if (!cfg->ladder) {
            free(cfg);
            return SMI_ENOMEM;
        }
        memcpy(cfg->ladder, src->ladder, src->replicas * sizeof *cfg->ladder);
    }
    *out = cfg;
    return SMI_OK;
}

/* Getters: what the setters stored (smi_remc_create's defaults before). */
#define CHECK_OUT(cond) SMI_FAIL_IF(!(cfg) || !(cond), SMI_EINVAL, "%s: NULL argument", __func__)

SMI_API int smi_remc_get_replicas(const smi_remc *cfg, size_t *replicas, double *beta_max)
{
    CHECK_OUT(replicas && beta_max);
    *replicas = cfg->replicas;
    *beta_max = cfg->beta_max;
    return SMI_OK;
}

SMI_API int smi_remc_get_ladder(const smi_remc *cfg, size_t capacity, double *betas,
                                size_t *count)
{
    if (count)
        *count = 0;
    CHECK_CFG(cfg);
    double ladder[SMI_REMC_MAX_REPLICAS];
    SMI_TRY(smi_remc_ladder_of(cfg, ladder));
    return smi_copy_out(__func__, "inverse temperatures", ladder, cfg->replicas,
                        sizeof *ladder, capacity, betas, count);
}

SMI_API int smi_remc_get_sweeps(const smi_remc *cfg, size_t *sweeps, size_t *burn_in)
{
    CHECK_OUT(sweeps && burn_in);
    *sweeps = cfg->sweeps;
    *burn_in = cfg->burn_in;
    return SMI_OK;
}

SMI_API int smi_remc_get_seed(const smi_remc *cfg, uint64_t *seed)
{
    CHECK_OUT(seed);
    *seed = cfg->seed;
    return SMI_OK;
}

SMI_API int smi_remc_get_tuning(const smi_remc *cfg, int *on)
{
    CHECK_OUT(on);
    *on = cfg->tune;
    return SMI_OK;
}

SMI_API int smi_remc_get_threads(const smi_remc *cfg, size_t *threads)
{
    CHECK_OUT(threads);
    *threads = cfg->threads;
    return SMI_OK;
}

/* The ladder a run uses: the given one, or 0 and then replicas - 1 values growing
 * geometrically from beta_ratio * beta_max to beta_max. */
int smi_remc_ladder_of(const smi_remc *cfg, double *betas)
{
    size_t L = cfg->replicas;
    if (cfg->ladder) {
        memcpy(betas, cfg->ladder, L * sizeof *betas);
        return SMI_OK;
    }
    betas[0] = 0.0;
    for (size_t i = 1; i < L; i++) {
        double x = L > 2 ? (double)(L - 1 - i) / (double)(L - 2) : 0.0; /* 1 .. 0 */
        betas[i] = cfg->beta_max * pow(cfg->beta_ratio, x);
    }
    betas[L - 1] = cfg->beta_max;
    return SMI_OK;
}
