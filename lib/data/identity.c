/* The identity of a data set (names, n, p, a fingerprint of its values), kept by every
 * result so that a result alone says what it was computed on. */
#include <stdlib.h>
#include <string.h>

#include "data/data.h"

/* FNV-1a 64 (core.h) of "libsparsemi data 1", n, p, X row-major, y, the feature names,
 * the target name: any change of a value's bits, an order or a name changes it. */
static uint64_t fingerprint(const smi_dataset *ds)
{
    smi_fnv f = smi_fnv_start();
    smi_fnv_string(&f, "libsparsemi data 1");
    smi_fnv_u64(&f, ds->n);
    smi_fnv_u64(&f, ds->p);
    for (size_t i = 0; i < ds->n * ds->p; i++)
        smi_fnv_double(&f, ds->X[i]);
    for (size_t i = 0; i < ds->n; i++)
        smi_fnv_double(&f, ds->y[i]);
    for (size_t j = 0; j < ds->p; j++)
        smi_fnv_string(&f, ds->feature_names[j]);
    smi_fnv_string(&f, ds->target_name);
    return f.h;
}

void smi_data_id_free(smi_data_id *id)
{
    if (!id)
        return;
    smi_free_strings(id->feature_names, id->p);
    free(id->target_name);
    free(id);
}

int smi_data_id_make(smi_data_id **out, size_t n, size_t p, const char *const *names,
                     const char *target, uint64_t fingerprint_value)
{
    *out = NULL;
    smi_data_id *id = smi_calloc_array(1, sizeof *id, "data identity");
    if (!id)
        return SMI_ENOMEM;
    *id = (smi_data_id){ .n = n, .p = p, .fingerprint = fingerprint_value };
    id->feature_names = smi_calloc_array(p ? p : 1, sizeof *id->feature_names, "feature names");
    id->target_name = smi_strdup(target, "target name");
    int failed = !id->feature_names || !id->target_name;
    for (size_t j = 0; j < p && !failed; j++)
        failed = !(id->feature_names[j] = smi_strdup(names[j], "feature name"));
    if (failed) {
        smi_data_id_free(id);
        return SMI_ENOMEM;
    }
    *out = id;
    return SMI_OK;
}

int smi_data_id_copy(smi_data_id **out, const smi_data_id *src)
{
    return smi_data_id_make(out, src->n, src->p, (const char *const *)src->feature_names,
                            src->target_name, src->fingerprint);
}

int smi_data_id_of(smi_data_id **out, const smi_dataset *ds)
{
    if (ds->id)
        return smi_data_id_copy(out, ds->id);
    return smi_data_id_make(out, ds->n, ds->p, (const char *const *)ds->feature_names,
                            ds->target_name, fingerprint(ds));
}

SMI_API const smi_data_id *smi_dataset_id(const smi_dataset *ds)
{
    return ds ? ds->id : NULL;
}

SMI_API size_t smi_data_id_n(const smi_data_id *id)
{
    return id ? id->n : 0;
}

SMI_API size_t smi_data_id_p(const smi_data_id *id)
{
    return id ? id->p : 0;
}

SMI_API const char *smi_data_id_feature_name(const smi_data_id *id, size_t j)
{
    return id && j < id->p ? id->feature_names[j] : NULL;
}

SMI_API const char *smi_data_id_target_name(const smi_data_id *id)
{
    return id ? id->target_name : NULL;
}

SMI_API uint64_t smi_data_id_fingerprint(const smi_data_id *id)
{
    return id ? id->fingerprint : 0;
}

SMI_API int smi_data_id_matches(const smi_data_id *id, const smi_dataset *ds)
{
    if (!id || !ds || !ds->id)
        return 0;
    return id->fingerprint == ds->id->fingerprint && id->n == ds->n && id->p == ds->p;
}
