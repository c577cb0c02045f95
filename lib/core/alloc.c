/* Allocation that checks count * size for overflow and records what could not be had. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

static int product_overflows(size_t count, size_t size)
{
    return size != 0 && count > SIZE_MAX / size;
}

void *smi_alloc_array(size_t count, size_t size, const char *what)
{
    if (product_overflows(count, size)) {
        smi_error_set(SMI_ENOMEM, "%s: %zu x %zu bytes overflows the address space", what,
                      count, size);
        return NULL;
    }
    size_t bytes = count * size;
    void *p = malloc(bytes > 0 ? bytes : 1);
    if (!p)
        smi_error_set(SMI_ENOMEM, "%s: cannot allocate %zu bytes", what, count * size);
    return p;
}

void *smi_calloc_array(size_t count, size_t size, const char *what)
{
    if (product_overflows(count, size)) {
        smi_error_set(SMI_ENOMEM, "%s: %zu x %zu bytes overflows the address space", what,
                      count, size);
        return NULL;
    }
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        smi_error_set(SMI_ENOMEM, "%s: cannot allocate %zu bytes", what, count * size);
    return p;
}

char *smi_strdup(const char *s, const char *what)
{
    size_t len = strlen(s) + 1;
    char *copy = smi_alloc_array(len, 1, what);
    if (copy)
        memcpy(copy, s, len);
    return copy;
}

int smi_copy_out(const char *fn, const char *what, const void *src, size_t n, size_t size,
                 size_t capacity, void *values, size_t *count)
{
    if (count)
        *count = n;
    SMI_FAIL_IF(capacity < n || (n > 0 && !values), SMI_EINVAL,
                "%s: the buffer holds %zu %s, %zu needed", fn, values ? capacity : 0, what, n);
    if (n > 0)
        memcpy(values, src, n * size);
    return SMI_OK;
}

void smi_free_strings(char **strings, size_t count)
{
    if (!strings)
        return;
    for (size_t i = 0; i < count; i++)
        free(strings[i]);
    free(strings);
}
