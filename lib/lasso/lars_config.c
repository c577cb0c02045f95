/* smi_lars: the configuration of a LARS path (method, positivity, step limit), its
 * defaults and checked setters and getters. */
#include <stdlib.h>

#include "lasso/lasso.h"

void smi_lars_defaults(struct smi_lars *cfg)
{
    *cfg = (struct smi_lars){ .method = SMI_LARS_LAR, .positive = 0, .max_steps = 0 };
}

SMI_API int smi_lars_create(smi_lars **out)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_lars_create: out is NULL");
    *out = smi_alloc_array(1, sizeof **out, "LARS configuration");
    if (!*out)
        return SMI_ENOMEM;
    smi_lars_defaults(*out);
    return SMI_OK;
}

SMI_API int smi_lars_copy(smi_lars **out, const smi_lars *src)
{
    SMI_FAIL_IF(!out, SMI_EINVAL, "smi_lars_copy: out is NULL");
    *out = NULL;
    SMI_FAIL_IF(!src, SMI_EINVAL, "smi_lars_copy: src is NULL");
    SMI_TRY(smi_lars_create(out));
    **out = *src;
    return SMI_OK;
}

SMI_API void smi_lars_free(smi_lars *cfg)
{
    free(cfg);
}

SMI_API int smi_lars_set_method(smi_lars *cfg, int method)
{
    SMI_FAIL_IF(!cfg, SMI_EINVAL, "smi_lars_set_method: configuration is NULL");
    SMI_FAIL_IF(method != SMI_LARS_LAR && method != SMI_LARS_LASSO, SMI_EINVAL,
                "smi_lars_set_method: unknown method %d (SMI_LARS_LAR or SMI_LARS_LASSO)",
                method);
    SMI_FAIL_IF(cfg->positive && method == SMI_LARS_LAR, SMI_EINVAL,
                "smi_lars_set_method: positivity is set and needs SMI_LARS_LASSO");
    cfg->method = method;
    return SMI_OK;
}

SMI_API int smi_lars_set_positive(smi_lars *cfg, int on)
{
    SMI_FAIL_IF(!cfg, SMI_EINVAL, "smi_lars_set_positive: configuration is NULL");
    SMI_FAIL_IF(on && cfg->method == SMI_LARS_LAR, SMI_EINVAL,
                "smi_lars_set_positive: positivity needs SMI_LARS_LASSO (smi_lars_set_method)");
    cfg->positive = on != 0;
    return SMI_OK;
}

SMI_API int smi_lars_set_max_steps(smi_lars *cfg, size_t max_steps)
{
    SMI_FAIL_IF(!cfg, SMI_EINVAL, "smi_lars_set_max_steps: configuration is NULL");
    cfg->max_steps = max_steps;
    return SMI_OK;
}

SMI_API int smi_lars_get_method(const smi_lars *cfg, int *method)
{
    SMI_FAIL_IF(!cfg || !method, SMI_EINVAL, "smi_lars_get_method: NULL argument");
    *method = cfg->method;
    return SMI_OK;
}

SMI_API int smi_lars_get_positive(const smi_lars *cfg, int *on)
{
    SMI_FAIL_IF(!cfg || !on, SMI_EINVAL, "smi_lars_get_positive: NULL argument");
    *on = cfg->positive;
    return SMI_OK;
}

SMI_API int smi_lars_get_max_steps(const smi_lars *cfg, size_t *max_steps)
{
    SMI_FAIL_IF(!cfg || !max_steps, SMI_EINVAL, "smi_lars_get_max_steps: NULL argument");
    *max_steps = cfg->max_steps;
    return SMI_OK;
}
