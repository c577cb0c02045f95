/* An index of names by hash (core.h, smi_name_index): duplicate checks and look-ups in
 * time linear in the number of names, however many columns a file has. */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

static size_t hash_name(const char *s)
{
    smi_fnv f = smi_fnv_start();
    smi_fnv_string(&f, s);
    return (size_t)(f.h ^ (f.h >> 32));
}

int smi_name_index_init(smi_name_index *ix, size_t count)
{
    size_t size = 16;
    while (size < 2 * count && size <= SIZE_MAX / 4)
        size *= 2;
    ix->slot = smi_calloc_array(size, sizeof *ix->slot, "name index");
    ix->mask = size - 1;
    return ix->slot ? SMI_OK : SMI_ENOMEM;
}

void smi_name_index_free(smi_name_index *ix)
{
    free(ix->slot);
    ix->slot = NULL;
}

/* The slot holding `name`, or the empty slot where it would go (linear probing). */
static size_t probe(const smi_name_index *ix, const char *const *names, const char *name)
{
    size_t at = hash_name(name) & ix->mask;
    while (ix->slot[at] && strcmp(names[ix->slot[at] - 1], name) != 0)
        at = (at + 1) & ix->mask;
    return at;
}

size_t smi_name_index_add(smi_name_index *ix, const char *const *names, size_t i)
{
    size_t at = probe(ix, names, names[i]);
    if (ix->slot[at])
        return ix->slot[at] - 1;
    ix->slot[at] = i + 1;
    return SIZE_MAX;
}

size_t smi_name_index_find(const smi_name_index *ix, const char *const *names,
                           const char *name)
{
    size_t at = probe(ix, names, name);
    return ix->slot[at] ? ix->slot[at] - 1 : SIZE_MAX;
}
